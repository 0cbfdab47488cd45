use super::*;

const AS_OF: Date = date(2026, 11, 24);

fn entry() -> EntryData {
    let n = EntryNumber::parse("B7603245278").expect("valid");
    let mut e = EntryData::new(n, 2);
    e.entry_type = Some("01".into());
    // Less than a year before AS_OF: an "Unliquidated" status is then plausible
    // (19 USC 1504(a)); liquidated() sets its own dates.
    e.entry_date = Some(date(2025, 12, 15));
    e.liquidation_status = Some("Unliquidated".into());
    e.ieepa_lines = 1;
    e.ieepa_dutiable_lines = 1;
    e.ieepa_duty_cents = 123_400;
    e
}

fn liquidated(on: Date) -> EntryData {
    let mut e = entry();
    e.liquidation_status = Some("Liquidated".into());
    e.liquidation_date = Some(on);
    e
}

fn days_before(n: i64) -> Date {
    add_days(AS_OF, -n).expect("date")
}

fn path(e: &EntryData) -> (EntryPath, &'static str) {
    let d = decide(e, AS_OF);
    (d.path, d.reasons[0])
}

#[test]
fn every_rule_names_its_source_and_renders_its_title() {
    // Codes, names and documentation: `catalogs::tests::every_catalog_keeps_the_invariants`.
    for r in PATH_RULES {
        let src = r.doc.source;
        assert!(
            ["CSMS", "USC", "CBP"].iter().any(|s| src.contains(s)),
            "{} names no source: {src}",
            r.code
        );
        assert!(crate::doc::Documented::render_text(*r).contains(r.title));
    }
}

#[test]
fn code_list_snapshot() {
    let codes: Vec<String> = PATH_RULES
        .iter()
        .map(|r| format!("{} {} -> {}", r.code, r.name, r.path))
        .collect();
    insta::assert_snapshot!(codes.join("\n"));
}

#[test]
fn recon_rules_change_on_the_same_day() {
    let before = path_rule(RECON_BEFORE_CHANGE.code).expect("rule");
    let after = path_rule(RECON_NOT_ACCEPTED.code).expect("rule");
    let accepted = path_rule(RECON_ACCEPTED.code).expect("rule");
    assert_eq!(before.valid_to, Some(RECON_CHANGE));
    assert_eq!(after.valid_from, Some(RECON_CHANGE));
    assert_eq!(accepted.valid_from, Some(RECON_CHANGE));
    let eve = date(2026, 6, 28);
    assert!(before.holds_on(eve) && !after.holds_on(eve));
    assert!(!before.holds_on(RECON_CHANGE) && after.holds_on(RECON_CHANGE));
}

#[test]
fn p001_entered_outside_ieepa_period() {
    let mut e = entry();
    // No IEEPA duty shown: outside the period, nothing to refund.
    e.ieepa_dutiable_lines = 0;
    e.ieepa_duty_cents = 0;
    e.entry_date = Some(date(2025, 2, 3));
    assert_eq!(path(&e), (EntryPath::NotRefundable, "P001"));
    e.entry_date = Some(date(2026, 2, 24));
    assert_eq!(path(&e), (EntryPath::NotRefundable, "P001"));
    let mut e = entry();
    for inside in [IEEPA_FIRST_DAY, IEEPA_LAST_DAY] {
        e.entry_date = Some(inside);
        e.liquidation_status = Some("Liquidation Extended".into());
        assert_eq!(path(&e).0, EntryPath::Cape, "{inside}");
    }
}

#[test]
fn p002_no_dutiable_ieepa_line() {
    let mut e = entry();
    e.ieepa_dutiable_lines = 0;
    e.ieepa_duty_cents = 0;
    e.other_chapter_99.section_301_cents = 5_000;
    let d = decide(&e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::NotRefundable, "P002"));
    assert!(
        d.notes[0].contains("$50.00 of Section 301"),
        "{:?}",
        d.notes
    );
    e.ieepa_lines = 0;
    assert_eq!(path(&e), (EntryPath::NotRefundable, "P002"));
}

#[test]
fn missing_hts_or_duty_does_not_make_an_entry_not_refundable() {
    let mut e = entry();
    e.ieepa_lines = 0;
    e.ieepa_dutiable_lines = 0;
    e.absent_columns.insert(Column::Hts);
    e.absent_columns.insert(Column::Duty);
    let d = decide(&e, AS_OF);
    assert_eq!(d.path, EntryPath::Cape);
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("`HTS Number - Full` not in the file")),
        "{:?}",
        d.notes
    );
    // An IEEPA line whose duty could not be read proves nothing either: not written off,
    // and not declared on a guess (P036).
    let mut e = entry();
    e.ieepa_dutiable_lines = 0;
    e.unreadable_columns.insert(Column::Duty);
    let d = decide(&e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P036"));
    assert!(
        d.notes.iter().any(|n| n.contains("unreadable")),
        "{:?}",
        d.notes
    );
}

#[test]
fn p036_an_unreadable_deciding_cell_is_review_naming_the_cell() {
    // The entry's only Chapter 99 line has its HTS number in scientific notation.
    let mut e = entry();
    e.ieepa_lines = 0;
    e.ieepa_dutiable_lines = 0;
    e.ieepa_duty_cents = 0;
    e.add_doubt(
        Column::Hts,
        Doubt::Unreadable,
        "line 3".into(),
        "9.90E+07",
        "a number in scientific notation: Excel converted the column",
    );
    let d = decide(&e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P036"));
    let note = d
        .notes
        .iter()
        .find(|n| n.contains("9.90E+07"))
        .expect("note");
    assert!(note.contains("line 3"), "{note}");
    assert!(note.contains("export the HTS column as text"), "{note}");
    // The heading is unknown, so the court date is the first order's, not the deposit's
    // (entry 2025-12-15 + 2 years) that a fentanyl-order heading would beat.
    assert_eq!(
        d.deadlines.court_due.map(|c| c.date),
        Some(date(2027, 2, 1))
    );
    // Beside a readable dutiable IEEPA line, an unreadable one may still carry a goods
    // value that must be corrected first: review too.
    let mut e = entry();
    e.add_doubt(Column::Hts, Doubt::Unreadable, "line 9".into(), "N/A", "x");
    assert_eq!(path(&e), (EntryPath::Review, "P036"));
    // Every deciding column, and only the entry summary date is noted, not held.
    for c in [
        Column::Duty,
        Column::GoodsValue,
        Column::EntryType,
        Column::EntryDate,
        Column::LiquidationDate,
        Column::ProtestDecisionDate,
    ] {
        let mut e = entry();
        e.unreadable_columns.insert(c);
        if c == Column::EntryDate {
            e.entry_date = None;
        }
        assert_eq!(path(&e), (EntryPath::Review, "P036"), "{c}");
    }
    let mut e = entry();
    e.unreadable_columns.insert(Column::EntrySummaryDate);
    assert_eq!(path(&e), (EntryPath::Cape, "P017"));
    // A liquidated entry past the CAPE window keeps its protest: the cell does not change it.
    let mut e = liquidated(days_before(100));
    e.unreadable_columns.insert(Column::Hts);
    assert_eq!(path(&e), (EntryPath::Protest, "P014"));
}

#[test]
fn p041_rows_that_disagree_on_a_deciding_value_are_review_with_both_readings() {
    // Kept: liquidated 30 days ago (CAPE); the other row: 200 days ago (court).
    let mut e = liquidated(days_before(30));
    e.add_doubt(
        Column::LiquidationDate,
        Doubt::Conflicting,
        "line 3".into(),
        "05/08/2026",
        "`2026-10-25` on line 2",
    );
    let d = decide(&e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P041"));
    let note = d
        .notes
        .iter()
        .find(|n| n.contains("disagree"))
        .expect("note");
    assert!(
        note.contains("line 3: `05/08/2026` in `Liquidation Date` against `2026-10-25` on line 2"),
        "{note}"
    );
    assert!(note.contains("read as liquidated on 2026-05-08: the CAPE window closes 2026-07-27 and the protest is due 2026-11-04"), "{note}");
    // An entry type 47 on another row: never declared.
    let mut e = entry();
    e.add_doubt(
        Column::EntryType,
        Doubt::Conflicting,
        "line 5".into(),
        "47",
        "`01` on line 4",
    );
    assert_eq!(path(&e), (EntryPath::Review, "P041"));
    // Nothing to refund stays nothing to refund.
    e.ieepa_dutiable_lines = 0;
    e.ieepa_lines = 0;
    assert_eq!(path(&e), (EntryPath::NotRefundable, "P002"));
}

#[test]
fn p037_a_blank_or_absent_entry_date_is_review() {
    let mut e = entry();
    e.entry_date = None;
    let d = decide(&e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P037"));
    assert!(
        d.notes.iter().any(|n| n.contains("`Entry Date` is blank")),
        "{:?}",
        d.notes
    );
    e.absent_columns.insert(Column::EntryDate);
    let d = decide(&liquidated(days_before(10)), AS_OF);
    assert_eq!(d.path, EntryPath::Cape);
    let mut e = liquidated(days_before(70));
    e.entry_date = None;
    e.absent_columns.insert(Column::EntryDate);
    let d = decide(&e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P037"));
    assert!(
        d.notes.iter().any(|n| n.contains("no `Entry Date` column")),
        "{:?}",
        d.notes
    );
    // Its CAPE window still alarms: review keeps every deadline in view.
    assert!(d.urgent_deadline().is_some());
}

#[test]
fn p038_a_negative_ieepa_duty_is_neither_declared_nor_written_off() {
    let mut e = entry();
    e.ieepa_dutiable_lines = 0;
    e.ieepa_duty_cents = 0;
    e.ieepa_negative_duty_lines = 1;
    e.add_doubt(
        Column::Duty,
        Doubt::NegativeIeepaDuty,
        "line 4".into(),
        "($740.00)",
        "",
    );
    let d = decide(&e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P038"));
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("line 4: `($740.00)` in `Line Tariff Duty Amount`")),
        "{:?}",
        d.notes
    );
    // Beside another dutiable line too.
    let mut e = entry();
    e.ieepa_negative_duty_lines = 1;
    assert_eq!(path(&e), (EntryPath::Review, "P038"));
}

#[test]
fn p003_excluded_entry_types_are_never_later_phase() {
    // Unliquidated: no protest yet, no phase announced - a person decides.
    for t in EXCLUDED_ENTRY_TYPES {
        let mut e = entry();
        e.entry_type = Some(t.into());
        let d = decide(&e, AS_OF);
        let want = if t == "47" { "P040" } else { "P003" };
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, want), "{t}");
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains(&format!("entry type {t}")))
        );
    }
    // 08 and 09 follow their liquidation: protest within 180 days (inside the 80-day CAPE
    // window too), court past it; 47 stays review.
    for (t, age, want) in [
        ("08", 10, (EntryPath::Protest, "P039")),
        ("09", 150, (EntryPath::Protest, "P039")),
        ("09", 181, (EntryPath::Court, "P013")),
        ("47", 10, (EntryPath::Review, "P040")),
        ("47", 181, (EntryPath::Review, "P040")),
    ] {
        let mut e = liquidated(days_before(age));
        e.entry_type = Some(t.into());
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), want, "{t} {age}");
        assert_ne!(d.path, EntryPath::LaterPhase);
    }
    // An open protest on an 08 inside the window is not withdrawable: CAPE would not take it.
    let mut e = liquidated(days_before(10));
    e.entry_type = Some("08".into());
    e.protest_status = Some("Open".into());
    assert_eq!(decide(&e, AS_OF).reasons, vec!["P008"]);
    // A denied protest on an 09 inside the window goes to the court, never a new protest.
    let mut e = liquidated(days_before(10));
    e.entry_type = Some("09".into());
    e.protest_status = Some("Denied".into());
    e.protest_decision_date = Some(days_before(5));
    assert_eq!(path(&e), (EntryPath::Court, "P022"));
}

#[test]
fn p004_drawback_linked() {
    let mut e = entry();
    e.drawback = Some("Y".into());
    assert_eq!(path(&e), (EntryPath::LaterPhase, "P004"));
    e.drawback = Some("N".into());
    assert_eq!(path(&e).0, EntryPath::Cape);
}

#[test]
fn p005_recon_flagged_before_change() {
    let mut e = entry();
    e.reconciliation_indicator = Some("001".into());
    let d = decide(&e, date(2026, 6, 28));
    assert_eq!((d.path, d.reasons[0]), (EntryPath::LaterPhase, "P005"));
}

#[test]
fn p006_recon_flagged_with_type_09_or_other_type() {
    let mut e = entry();
    e.reconciliation_indicator = Some("Y".into());
    e.reconciliation_entry_number = Some("B7699999990".into());
    assert_eq!(path(&e), (EntryPath::LaterPhase, "P006"));
    let mut e = entry();
    e.reconciliation_indicator = Some("Y".into());
    e.entry_type = Some("03".into());
    assert_eq!(path(&e), (EntryPath::LaterPhase, "P006"));
}

#[test]
fn p007_recon_flagged_accepted_from_change_day() {
    for t in RECON_ACCEPTED_TYPES {
        let mut e = entry();
        e.entry_type = Some(t.into());
        e.reconciliation_indicator = Some("Y".into());
        e.absent_columns.insert(Column::ReconciliationEntryNumber);
        let d = decide(&e, RECON_CHANGE);
        assert_eq!(d.path, EntryPath::Cape, "{t}");
        assert_eq!(d.reasons, vec!["P017", "P007"]);
        assert!(d.notes.iter().any(|n| n.contains("the file does not say")));
    }
    let mut e = entry();
    e.reconciliation_indicator = Some("N".into());
    assert_eq!(decide(&e, AS_OF).reasons, vec!["P017"]);
}

#[test]
fn p008_open_protest_and_p009_withdrawable() {
    let mut e = liquidated(days_before(30));
    e.protest_number = Some("270425100123".into());
    e.protest_status = Some("Suspended".into());
    let d = decide(&e, AS_OF);
    assert_eq!(d.path, EntryPath::Protest);
    assert_eq!(d.reasons, vec!["P008", "P009"]);
    assert!(
        d.notes.iter().any(|n| n.contains("withdrawn")),
        "{:?}",
        d.notes
    );
    // With fewer than 5 business days left in the window: keep the protest. As of Monday
    // 2026-11-23, a window closing Thursday 2026-11-26 (Thanksgiving) has three.
    let mut e = liquidated(jiff::civil::date(2026, 9, 7));
    e.protest_status = Some("Open".into());
    let d = decide(&e, jiff::civil::date(2026, 11, 23));
    assert_eq!(d.reasons, vec!["P008"]);
    assert!(
        d.notes.iter().any(|n| n.starts_with("keep")),
        "{:?}",
        d.notes
    );
    // Past the window the protest still carries the claim, without the withdrawal note.
    let mut e = liquidated(days_before(81));
    e.protest_status = Some("Open".into());
    assert_eq!(decide(&e, AS_OF).reasons, vec!["P008"]);
    // A withdrawn protest does not block.
    let mut e = entry();
    e.protest_number = Some("270425100123".into());
    e.protest_status = Some("Withdrawn".into());
    assert_eq!(path(&e), (EntryPath::Cape, "P017"));
}

#[test]
fn p010_protest_status_unknown() {
    let mut e = entry();
    e.protest_number = Some("270425100123".into());
    e.absent_columns.insert(Column::ProtestStatus);
    let d = decide(&e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P010"));
    assert!(d.notes.iter().any(|n| n.contains("`Protest Status`")));
    e.protest_status = Some("Xyzzy".into());
    assert_eq!(path(&e), (EntryPath::Review, "P010"));
}

#[test]
fn p011_liquidation_columns_absent() {
    let mut e = entry();
    e.liquidation_status = None;
    e.absent_columns.insert(Column::LiquidationStatus);
    e.absent_columns.insert(Column::LiquidationDate);
    let d = decide(&e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P011"));
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("`Liquidation Status`") && n.contains("`Liquidation Date`")),
        "{:?}",
        d.notes
    );
    // A stronger rule still decides.
    e.entry_type = Some("47".into());
    assert_eq!(path(&e), (EntryPath::Review, "P040"));
}

#[test]
fn p012_liquidated_without_date() {
    let mut e = entry();
    e.liquidation_status = Some("LIQUIDATED".into());
    let d = decide(&e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P012"));
    assert!(d.notes.iter().any(|n| n.contains("`Liquidation Date`")));
    assert_eq!(d.deadlines.cape_window_closes, None);
    // An unreadable date with no status is unclear too.
    let mut e = entry();
    e.liquidation_status = None;
    e.unreadable_columns.insert(Column::LiquidationDate);
    assert_eq!(path(&e), (EntryPath::Review, "P012"));
}

#[test]
fn p013_court_after_day_180() {
    let e = liquidated(days_before(181));
    let d = decide(&e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Court, "P013"));
    assert!(
        d.notes.iter().any(|n| n.contains("disputed")),
        "{:?}",
        d.notes
    );
    assert_eq!(d.deadlines.protest_due.map(|p| p.days_left), Some(-1));
}

#[test]
fn p014_protest_from_day_81_to_180() {
    for age in [81, 180] {
        let d = decide(&liquidated(days_before(age)), AS_OF);
        assert_eq!(
            (d.path, d.reasons[0]),
            (EntryPath::Protest, "P014"),
            "{age}"
        );
    }
    let d = decide(&liquidated(days_before(180)), AS_OF);
    assert_eq!(d.deadlines.protest_due.map(|p| p.days_left), Some(0));
    assert_eq!(d.deadlines.protest_due.map(|p| p.date), Some(AS_OF));
}

#[test]
fn p015_goods_value_correct_first_while_psc_open() {
    let mut e = entry();
    e.entry_date = Some(date(2026, 2, 20));
    e.ieepa_goods_value_on_99_line = true;
    let d = decide(&e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::CorrectFirst, "P015"));
    // 2026-02-20 + 314 days - 15 days (the usual schedule), one day before entry + 300.
    assert_eq!(
        d.deadlines.psc_due.map(|p| p.date),
        Some(date(2026, 12, 16))
    );
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("scheduled liquidation date is not in the file"))
    );
    // A scheduled liquidation brings the PSC due date forward to 15 days before it.
    e.liquidation_date = Some(date(2026, 12, 20));
    let d = decide(&e, AS_OF);
    assert_eq!(d.deadlines.psc_due.map(|p| p.date), Some(date(2026, 12, 5)));
    assert_eq!(d.path, EntryPath::CorrectFirst);
}

#[test]
fn p016_goods_value_when_psc_closed_or_undatable() {
    let mut e = entry();
    e.entry_date = Some(date(2025, 6, 2));
    e.liquidation_status = Some("Liquidation Extended".into());
    e.ieepa_goods_value_on_99_line = true;
    assert_eq!(path(&e), (EntryPath::Review, "P016"));
    e.entry_date = None;
    e.absent_columns.insert(Column::EntryDate);
    assert_eq!(path(&e), (EntryPath::Review, "P037"));
    let mut e = liquidated(days_before(10));
    e.ieepa_goods_value_on_99_line = true;
    assert_eq!(path(&e), (EntryPath::Review, "P016"));
}

#[test]
fn p017_unliquidated() {
    let d = decide(&entry(), AS_OF);
    assert_eq!(
        (d.path, d.reasons.as_slice()),
        (EntryPath::Cape, &["P017"][..])
    );
    assert_eq!(d.deadlines.cape_window_closes, None);
    assert_eq!(d.deadlines.protest_due, None);
    assert!(!is_urgent(&d));
    // Extended and suspended entries are unliquidated.
    for s in ["Extended", "Liquidation Suspended", "Unliquidated"] {
        let mut e = entry();
        e.liquidation_status = Some(s.into());
        assert_eq!(path(&e), (EntryPath::Cape, "P017"), "{s}");
    }
    // An empty date in a present column with no status reads as unliquidated.
    let mut e = entry();
    e.liquidation_status = None;
    e.absent_columns.insert(Column::LiquidationStatus);
    assert_eq!(path(&e), (EntryPath::Cape, "P017"));
}

#[test]
fn p018_day_80_is_in_and_day_81_is_out() {
    let d = decide(&liquidated(days_before(80)), AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Cape, "P018"));
    let w = d.deadlines.cape_window_closes.expect("window");
    assert_eq!((w.date, w.days_left), (AS_OF, 0));
    let d = decide(&liquidated(days_before(81)), AS_OF);
    assert_eq!(d.path, EntryPath::Protest);
    assert_eq!(
        d.deadlines.cape_window_closes.map(|w| w.days_left),
        Some(-1)
    );
}

#[test]
fn p019_urgent_within_14_days() {
    let d = decide(&liquidated(days_before(66)), AS_OF);
    assert!(is_urgent(&d));
    assert_eq!(d.reasons, vec!["P018", "P019"]);
    assert!(d.notes.iter().any(|n| n.starts_with("urgent")));
    let d = decide(&liquidated(days_before(65)), AS_OF);
    assert!(!is_urgent(&d), "15 days left is not urgent");
    assert_eq!(d.reasons, vec!["P018"]);
}

#[test]
fn liquidation_date_without_status() {
    let mut e = entry();
    e.liquidation_status = None;
    e.absent_columns.insert(Column::LiquidationStatus);
    e.liquidation_date = Some(days_before(100));
    assert_eq!(path(&e), (EntryPath::Protest, "P014"));
    // A future date can only be the scheduled liquidation.
    e.liquidation_date = Some(add_days(AS_OF, 30).expect("date"));
    let d = decide(&e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Cape, "P017"));
    assert!(d.notes.iter().any(|n| n.contains("scheduled")));
}

#[test]
fn leap_years() {
    // 2028-02-29 + 80 days = 2028-05-19; + 180 days = 2028-08-27.
    let liq = date(2028, 2, 29);
    let mut e = liquidated(liq);
    e.entry_date = Some(date(2025, 12, 1));
    let d = decide(&e, date(2028, 5, 19));
    assert_eq!(d.path, EntryPath::Cape);
    assert_eq!(
        d.deadlines.cape_window_closes.map(|w| w.date),
        Some(date(2028, 5, 19))
    );
    assert_eq!(decide(&e, date(2028, 5, 20)).path, EntryPath::Protest);
    assert_eq!(
        d.deadlines.protest_due.map(|p| p.date),
        Some(date(2028, 8, 27))
    );
    assert_eq!(decide(&e, date(2028, 8, 27)).path, EntryPath::Protest);
    let late = decide(&e, date(2028, 8, 28));
    assert_eq!(late.path, EntryPath::Court);
    // Two years from 2028-02-29 is 2030-02-28 (no 29th).
    assert!(
        late.notes.iter().any(|n| n.contains("2030-02-28")),
        "{:?}",
        late.notes
    );
    // Across 2024-02-29: 2024-02-10 + 80 days = 2024-04-30.
    assert_eq!(add_days(date(2024, 2, 10), 80), Some(date(2024, 4, 30)));
    assert_eq!(add_days(date(2025, 2, 10), 80), Some(date(2025, 5, 1)));
}

#[test]
fn precedence_not_refundable_over_everything() {
    let mut e = liquidated(days_before(300));
    e.entry_type = Some("47".into());
    e.protest_status = Some("Open".into());
    e.ieepa_goods_value_on_99_line = true;
    e.entry_date = Some(date(2024, 12, 1));
    e.ieepa_dutiable_lines = 0;
    e.ieepa_duty_cents = 0;
    assert_eq!(path(&e), (EntryPath::NotRefundable, "P001"));
}

#[test]
fn precedence_later_phase_over_protest_and_liquidation() {
    let mut e = liquidated(days_before(300));
    e.entry_type = Some("21".into());
    e.protest_status = Some("Open".into());
    assert_eq!(path(&e), (EntryPath::LaterPhase, "P032"));
    // A type CAPE excludes has no later phase to wait for: the open protest carries it.
    e.entry_type = Some("09".into());
    assert_eq!(path(&e), (EntryPath::Protest, "P008"));
    let mut e = liquidated(days_before(100));
    e.drawback = Some("Y".into());
    let d = decide(&e, AS_OF);
    assert_eq!(d.path, EntryPath::LaterPhase);
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("protest under 19 USC 1514 is possible"))
    );
}

#[test]
fn precedence_open_protest_over_liquidation_age_and_missing_liquidation() {
    let mut e = liquidated(days_before(300));
    e.protest_status = Some("Pending".into());
    assert_eq!(path(&e), (EntryPath::Protest, "P008"));
    let mut e = entry();
    e.liquidation_status = Some("Liquidated".into());
    e.protest_status = Some("Open".into());
    assert_eq!(path(&e), (EntryPath::Protest, "P008"));
}

#[test]
fn precedence_liquidation_age_over_correct_first() {
    let mut e = liquidated(days_before(100));
    e.ieepa_goods_value_on_99_line = true;
    assert_eq!(path(&e), (EntryPath::Protest, "P014"));
    let mut e = liquidated(days_before(200));
    e.ieepa_goods_value_on_99_line = true;
    assert_eq!(path(&e), (EntryPath::Court, "P013"));
}

#[test]
fn precedence_review_for_missing_liquidation_over_cape_and_correct_first() {
    let mut e = entry();
    e.entry_date = Some(date(2026, 2, 20));
    e.ieepa_goods_value_on_99_line = true;
    e.liquidation_status = None;
    e.absent_columns.insert(Column::LiquidationStatus);
    e.absent_columns.insert(Column::LiquidationDate);
    assert_eq!(path(&e), (EntryPath::Review, "P011"));
}

#[test]
fn deadlines_are_filled_whatever_the_path() {
    let mut e = liquidated(days_before(100));
    e.entry_date = Some(date(2025, 6, 2));
    e.entry_type = Some("08".into());
    let d = decide(&e, AS_OF);
    assert_eq!(d.path, EntryPath::Protest);
    assert_eq!(d.deadlines.protest_due.map(|p| p.days_left), Some(80));
    assert_eq!(
        d.deadlines.cape_window_closes.map(|p| p.days_left),
        Some(-20)
    );
    // No PSC deadline beside a liquidated entry: a PSC is impossible once liquidated.
    assert_eq!(d.deadlines.psc_due, None);
    assert!(
        d.psc_closed
            .as_deref()
            .is_some_and(|w| w.contains("liquidated"))
    );
    // Unliquidated, its PSC window open: the date shows.
    let mut e = entry();
    e.entry_date = Some(date(2026, 2, 20));
    let d = decide(&e, AS_OF);
    assert_eq!(
        d.deadlines.psc_due.map(|p| p.date),
        Some(date(2026, 12, 16))
    );
    // Its window closed: no date, and the reason where the PSC matters.
    let mut e = entry();
    e.entry_date = Some(date(2025, 6, 2));
    e.liquidation_status = Some("Suspended".into());
    e.unreadable_columns.insert(Column::GoodsValue);
    let d = decide(&e, AS_OF);
    assert_eq!(d.path, EntryPath::Review);
    assert_eq!(d.deadlines.psc_due, None);
    assert!(
        d.notes.iter().any(|n| n.starts_with(
            "no PSC is likely possible: on ACE's usual schedule the PSC window closed on 2026-03-28"
        )),
        "{:?}",
        d.notes
    );
    // Extended, its date not in the file: not closed - possible only if the importer asked
    // for the extension, until 15 days before a date to look up.
    e.liquidation_status = Some("Extended".into());
    let d = decide(&e, AS_OF);
    assert_eq!(d.psc_closed, None);
    assert!(
        d.notes.iter().any(
            |n| n.contains("only if the importer asked for the extension")
                && n.contains("Entry Summary Query")
        ),
        "{:?}",
        d.notes
    );
    assert!(
        !d.notes.iter().any(|n| n.contains("window closed")),
        "{:?}",
        d.notes
    );
}

#[test]
fn trade_control_status_is_noted() {
    let mut e = entry();
    e.control_status = Some("Trade".into());
    let d = decide(&e, AS_OF);
    assert_eq!(d.path, EntryPath::Cape);
    assert!(d.notes.iter().any(|n| n.contains("TRADE CONTROL")));
}

#[test]
fn flags_and_statuses() {
    for yes in ["Y", "yes", "1", "001", "X", "DBK123"] {
        assert_eq!(flag_value(yes), Some(true), "{yes}");
    }
    for no in ["N", "No", "0", "000", "false"] {
        assert_eq!(flag_value(no), Some(false), "{no}");
    }
    assert_eq!(flag_value("  "), Some(false));
    assert_eq!(
        liquidation_status("Reliquidated"),
        Some(LiqStatus::Liquidated)
    );
    assert_eq!(
        liquidation_status("Final Liquidation"),
        Some(LiqStatus::Liquidated)
    );
    assert_eq!(
        liquidation_status("Liquidation Extended"),
        Some(LiqStatus::Unliquidated)
    );
    assert_eq!(liquidation_status("??"), None);
    assert_eq!(liquidation_status("Zebra"), Some(LiqStatus::Unrecognized));
    assert_eq!(
        protest_state("Approved in part"),
        Some(ProtestState::Closed)
    );
    assert_eq!(protest_state("Suspended"), Some(ProtestState::Open));
}

#[test]
fn chapter_99_programs() {
    assert_eq!(chapter_99("99030125"), Some(Chapter99::Ieepa));
    assert_eq!(chapter_99("9903024500"), Some(Chapter99::Ieepa));
    assert_eq!(chapter_99("99030301"), Some(Chapter99::Section122));
    assert_eq!(chapter_99("99038815"), Some(Chapter99::Section301));
    assert_eq!(chapter_99("99038501"), Some(Chapter99::Section232));
    assert_eq!(chapter_99("8471300100"), None);
    assert_eq!(chapter_99("99"), None);
}

#[test]
fn money_and_column_sets_render() {
    assert_eq!(format_cents(123_456), "$1,234.56");
    assert_eq!(format_cents(-1_200), "-$12.00");
    assert_eq!(format_cents(5), "$0.05");
    let mut s = ColumnSet::EMPTY;
    s.insert(Column::LiquidationDate);
    s.insert(Column::EntryNumber);
    assert_eq!(s.len(), 2);
    assert_eq!(
        serde_json::to_string(&s).expect("json"),
        r#"["Entry Summary Number","Liquidation Date"]"#
    );
    assert_eq!(s.complement().len(), Column::ALL.len() - 2);
}

#[test]
fn p013_court_date_counts_from_the_order_not_liquidation() {
    // Before: two years from liquidation (2028-05-28), a year after the safe date.
    let mut e = liquidated(days_before(181));
    e.ieepa_orders.add_heading("99030110");
    e.entry_summary_date = Some(date(2025, 6, 9));
    let d = decide(&e, AS_OF);
    let c = d.deadlines.court_due.expect("court date");
    assert_eq!(c.date, date(2027, 2, 1));
    assert_eq!(c.days_left, 69);
    assert!(!d.urgent_deadline().is_some_and(|u| u.kind.is_court()));
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("2027-02-01") && n.contains("2027-06-09"))
    );
    // Sixty days before, the court deadline makes the entry urgent (P021).
    let d = decide(&e, date(2026, 12, 3));
    assert_eq!(
        d.urgent_deadline().map(|u| u.kind),
        Some(DeadlineKind::Court1581i)
    );
    assert!(d.reasons.contains(&"P021"), "{:?}", d.reasons);
    let d = decide(&e, date(2026, 12, 2));
    assert!(!d.reasons.contains(&"P021"));
    // No heading the table dates: deposit + 2 years.
    e.ieepa_orders = OrderSet::EMPTY;
    let c = decide(&e, AS_OF).deadlines.court_due.expect("court date");
    assert_eq!(c.date, date(2027, 6, 9));
}

#[test]
fn p020_protest_due_today_and_psc_in_12_days_are_urgent() {
    let d = decide(&liquidated(days_before(180)), AS_OF);
    assert_eq!(d.path, EntryPath::Protest);
    assert_eq!(
        d.urgent_deadline().map(|u| (u.kind, u.days_left)),
        Some((DeadlineKind::Protest, 0))
    );
    assert!(d.reasons.contains(&"P020"));
    let d = decide(&liquidated(days_before(166)), AS_OF);
    assert!(d.urgent_deadline().is_some(), "14 days left is urgent");
    let d = decide(&liquidated(days_before(165)), AS_OF);
    assert!(d.urgent_deadline().is_none(), "15 days left is not");
    let mut e = entry();
    e.entry_date = Some(date(2026, 2, 10));
    e.ieepa_goods_value_on_99_line = true;
    let d = decide(&e, AS_OF);
    assert_eq!(d.path, EntryPath::CorrectFirst);
    let u = d.urgent_deadline().expect("urgent");
    assert_eq!(u.kind, DeadlineKind::Psc);
    assert!(u.days_left <= 14);
}

#[test]
fn p022_denied_protest_goes_to_court_within_180_days_of_the_denial() {
    let mut e = liquidated(days_before(150));
    e.protest_number = Some("270426100281".into());
    e.protest_status = Some("Denied".into());
    e.protest_decision_date = Some(date(2026, 10, 1));
    e.ieepa_orders.add_heading("99030125");
    let d = decide(&e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Court, "P022"));
    assert_eq!(
        d.deadlines.court_1581a_due.map(|a| a.date),
        Some(date(2027, 3, 30))
    );
    assert!(d.notes.iter().any(|n| n.contains("no second protest")));
    assert!(
        d.notes.iter().any(|n| n.contains("2027-04-02")),
        "1581(i) beside: {:?}",
        d.notes
    );
    let kinds: Vec<DeadlineKind> = d.deadlines_that_matter().map(|x| x.kind).collect();
    assert_eq!(
        kinds,
        vec![DeadlineKind::Court1581i, DeadlineKind::Court1581a]
    );
    let fix = d.rule().map(|r| r.doc.fix).unwrap_or_default();
    assert!(!fix.contains("File a protest"), "{fix}");
}

#[test]
fn p023_denied_protest_without_date_names_both_rules() {
    let mut e = liquidated(days_before(150));
    e.protest_number = Some("270426100281".into());
    e.protest_status = Some("DENIED".into());
    let d = decide(&e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P023"));
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("1581(a)") && n.contains("1581(i)"))
    );
}

#[test]
fn p024_approved_protest_is_review() {
    // A protest denied in part was approved in part: the duty may be refunded already.
    for status in [
        "Approved",
        "Approved in part",
        "Decided",
        "Denied in Part",
        "Partially Denied",
    ] {
        let mut e = liquidated(days_before(150));
        e.protest_number = Some("270426100281".into());
        e.protest_status = Some(status.into());
        assert_eq!(path(&e), (EntryPath::Review, "P024"), "{status}");
    }
}

#[test]
fn p025_ieepa_duty_outside_the_period_is_review_not_written_off() {
    let mut e = liquidated(days_before(30));
    e.entry_date = Some(date(2025, 2, 3));
    let d = decide(&e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P025"));
    assert!(d.deadlines.cape_window_closes.is_some());
    assert!(d.urgent_deadline().is_none());
}

#[test]
fn p026_blank_duty_cell_is_unknown_not_zero() {
    let mut e = entry();
    e.ieepa_dutiable_lines = 0;
    e.ieepa_duty_cents = 0;
    e.ieepa_blank_duty_lines = 1;
    assert_eq!(path(&e), (EntryPath::Review, "P026"));
    // An explicit zero is an exemption line.
    e.ieepa_blank_duty_lines = 0;
    assert_eq!(path(&e), (EntryPath::NotRefundable, "P002"));
}

#[test]
fn p027_unliquidated_beside_a_past_date_or_a_year_after_entry() {
    // The issue's case: liquidation date 170 days ago, protest due in 10 days.
    let mut e = entry();
    e.liquidation_date = Some(days_before(170));
    let d = decide(&e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P027"));
    assert_eq!(d.deadlines.protest_due.map(|p| p.days_left), Some(10));
    assert_eq!(
        d.urgent_deadline().map(|u| u.kind),
        Some(DeadlineKind::Protest)
    );
    // More than a year after entry with no extension: deemed liquidated a year after entry.
    let mut e = entry();
    e.entry_date = Some(date(2025, 6, 2));
    let d = decide(&e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P027"));
    assert_eq!(
        d.deadlines.protest_due.map(|p| p.date),
        Some(date(2026, 11, 29))
    );
    assert!(d.notes.iter().any(|n| n.contains("1504(a)")));
    // Extended or suspended: not stale.
    e.liquidation_status = Some("Extended".into());
    assert_eq!(path(&e), (EntryPath::Cape, "P017"));
}

#[test]
fn p028_liquidated_with_a_future_date() {
    let e = liquidated(add_days(AS_OF, 20).expect("date"));
    let d = decide(&e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P028"));
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("scheduled") && n.contains("2027-03-04"))
    );
}

#[test]
fn p029_tib_type_23_is_review() {
    let mut e = entry();
    e.entry_type = Some("23".into());
    assert_eq!(path(&e), (EntryPath::Review, "P029"));
}

#[test]
fn p030_p031_adcvd() {
    let mut e = entry();
    e.adcvd = Some("Pending Liquidation".into());
    assert_eq!(path(&e), (EntryPath::LaterPhase, "P030"));
    e.adcvd = Some("Y".into());
    assert_eq!(path(&e), (EntryPath::Review, "P031"));
    e.adcvd = Some("Suspended".into());
    assert_eq!(path(&e), (EntryPath::Cape, "P017"));
    e.adcvd = Some("N".into());
    assert_eq!(path(&e), (EntryPath::Cape, "P017"));
}

#[test]
fn an_adcvd_entry_a_year_old_is_not_deemed_liquidated() {
    // Unliquidated, entered more than a year ago: without AD/CVD, deemed liquidated (P027)
    // with a protest date; with it, liquidation is suspended by law (19 USC 1504(b)).
    let mut e = entry();
    e.entry_date = Some(date(2025, 6, 10));
    e.ieepa_orders.add_heading("99030125");
    let d = decide(&e, AS_OF);
    assert_eq!(d.reasons[0], "P027");
    assert!(d.deadlines.protest_due.is_some());
    for (status, want) in [
        ("Pending Liquidation", (EntryPath::LaterPhase, "P030")),
        ("Suspended", (EntryPath::Cape, "P017")),
        ("Y", (EntryPath::Review, "P031")),
    ] {
        e.adcvd = Some(status.into());
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), want, "{status}");
        assert_eq!(d.deadlines.protest_due, None, "{status}");
        assert_eq!(d.deadlines.cape_window_closes, None, "{status}");
        assert!(!d.reasons.contains(&"P020"), "{status}");
        // The court clock does not wait for liquidation.
        assert_eq!(
            d.deadlines.court_due.map(|c| c.date),
            Some(date(2027, 4, 2)),
            "{status}"
        );
        assert!(
            d.notes.iter().any(|n| n.contains("19 USC 1504(b)")),
            "{status}: {:?}",
            d.notes
        );
    }
}

#[test]
fn p032_warehouse_entries_from_2026_07_07() {
    let mut e = entry();
    e.entry_type = Some("21".into());
    assert_eq!(path(&e), (EntryPath::LaterPhase, "P032"));
    assert!(
        decide(&e, AS_OF)
            .notes
            .iter()
            .any(|n| n.contains("31, 32, 34, 38"))
    );
    assert_eq!(decide(&e, date(2026, 7, 6)).path, EntryPath::Cape);
    e.entry_type = Some("32".into());
    assert_eq!(path(&e).0, EntryPath::Cape);
}

#[test]
fn p033_phase_3_for_importers_that_sued() {
    let mut e = liquidated(days_before(300));
    e.importer_number = Some("27-184593000".into());
    let mut ctx = PathContext::default();
    ctx.add_phase3_importer("27184593000", true);
    let d = decide_with(&e, AS_OF, &ctx);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Phase3, "P033"));
    assert!(
        d.deadlines_that_matter()
            .any(|x| x.kind == DeadlineKind::Court1581i)
    );
    // Before Phase 3 opened, or IOR not submitted by 2026-07-30: the court.
    assert_eq!(
        decide_with(&e, date(2026, 10, 5), &ctx).path,
        EntryPath::Court
    );
    ctx.add_phase3_importer("27-184593000", false);
    assert_eq!(decide_with(&e, AS_OF, &ctx).path, EntryPath::Court);
    // 81 to 180 days past liquidation keeps the protest route.
    ctx.add_phase3_importer("27-184593000", true);
    let mut e = liquidated(days_before(100));
    e.importer_number = Some("27-184593000".into());
    assert_eq!(decide_with(&e, AS_OF, &ctx).path, EntryPath::Protest);
}

#[test]
fn p034_ftz_06_psc_blocked_from_2026_08_21() {
    let mut e = entry();
    e.entry_type = Some("06".into());
    e.entry_date = Some(date(2026, 2, 20));
    e.ieepa_goods_value_on_99_line = true;
    assert_eq!(path(&e), (EntryPath::Review, "P034"));
    let d = decide(&e, date(2026, 8, 20));
    assert_eq!(d.path, EntryPath::CorrectFirst);
}

#[test]
fn p035_liquidation_reason_36_is_done() {
    let mut e = liquidated(days_before(30));
    e.liquidation_reason = Some("36".into());
    let d = decide(&e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Done, "P035"));
    assert!(d.deadlines_that_matter().next().is_none());
}

#[test]
fn excluded_type_past_protest_names_the_court_and_its_date() {
    let mut e = liquidated(days_before(200));
    e.entry_type = Some("08".into());
    e.ieepa_orders.add_heading("99030101");
    let d = decide(&e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Court, "P013"));
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("court") && n.contains("2027-02-01")),
        "{:?}",
        d.notes
    );
}

#[test]
fn recon_flagged_on_cape_says_declare_before_type_09() {
    let mut e = entry();
    e.reconciliation_indicator = Some("Y".into());
    let d = decide(&e, AS_OF);
    assert_eq!(d.path, EntryPath::Cape);
    assert!(d.notes.iter().any(|n| n.contains("before any type 09")));
}

#[test]
fn extended_entry_needing_a_psc_names_the_importer_request_exception() {
    let mut e = entry();
    e.entry_date = Some(date(2026, 2, 20));
    e.liquidation_status = Some("Extended".into());
    e.ieepa_goods_value_on_99_line = true;
    let d = decide(&e, AS_OF);
    assert_eq!(d.path, EntryPath::CorrectFirst);
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("at the importer's request") || n.contains("importer asked"))
    );
}

#[test]
fn a_protest_recorded_as_filed_stops_its_deadline_alarming() {
    let e = liquidated(days_before(175));
    assert!(decide(&e, AS_OF).urgent_deadline().is_some());
    let mut ctx = PathContext::default();
    ctx.acts.insert(
        e.entry_number,
        vec![crate::deadline::Act {
            kind: crate::deadline::ActKind::Protest,
            reference: Some("270426100281".into()),
            on: days_before(2),
        }],
    );
    let d = decide_with(&e, AS_OF, &ctx);
    assert_eq!(d.urgent_deadline(), None);
    assert!(!d.reasons.contains(&"P020"));
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("protest filed (270426100281)"))
    );
    // The advice follows the act: never "file a protest" again.
    let advice = d.what_to_do();
    assert!(
        !advice.to_lowercase().contains("file a protest"),
        "{advice}"
    );
    assert!(
        advice.starts_with("protest 270426100281 filed 2026-11-22: watch for CBP's decision"),
        "{advice}"
    );
    assert!(
        advice.contains("within 180 days of the denial (28 USC 2636(a))"),
        "{advice}"
    );
    assert!(!advice.contains("late"), "{advice}");
}

#[test]
fn the_advice_follows_each_act_and_says_when_it_was_late() {
    use crate::deadline::{Act, ActKind};
    let act = |kind, on| Act {
        kind,
        reference: Some("X1".into()),
        on,
    };
    let with = |e: &EntryData, acts: Vec<Act>| {
        let mut ctx = PathContext::default();
        ctx.acts.insert(e.entry_number, acts);
        decide_with(e, AS_OF, &ctx)
    };
    // Court path: a suit answers it.
    let mut e = liquidated(days_before(200));
    e.ieepa_orders.add_heading("99030110");
    let d = with(&e, vec![act(ActKind::Suit, days_before(1))]);
    assert!(
        d.what_to_do().starts_with("suit X1 filed"),
        "{}",
        d.what_to_do()
    );
    assert!(d.deadlines_that_matter().all(|x| !x.kind.is_court()));
    // A protest filed 20 days after its due date is late, and the court remains to do.
    let d = with(&e, vec![act(ActKind::Protest, days_before(0))]);
    let advice = d.what_to_do();
    assert!(advice.contains("20 days after the protest due"), "{advice}");
    assert!(
        advice.contains("Still to do: Talk to trade counsel"),
        "{advice}"
    );
    // Correct-first: a PSC filed, declare once accepted.
    let mut e = entry();
    e.entry_date = Some(date(2026, 2, 20));
    e.ieepa_goods_value_on_99_line = true;
    let d = with(&e, vec![act(ActKind::Psc, days_before(1))]);
    assert_eq!(d.path, EntryPath::CorrectFirst);
    assert!(
        d.what_to_do().starts_with("PSC X1 filed"),
        "{}",
        d.what_to_do()
    );
    assert!(d.what_to_do().contains("condition 864"));
    // Phase 3.
    let mut ctx = PathContext::default();
    ctx.add_phase3_importer("27-1", true);
    let mut e = liquidated(days_before(200));
    e.importer_number = Some("27-1".into());
    ctx.acts
        .insert(e.entry_number, vec![act(ActKind::Phase3, days_before(1))]);
    let d = decide_with(&e, AS_OF, &ctx);
    assert_eq!(d.path, EntryPath::Phase3);
    assert!(
        d.what_to_do().starts_with("submitted through CAPE Phase 3"),
        "{}",
        d.what_to_do()
    );
    // A cape entry: no act meets its deadline, the rule's advice stands.
    let e = entry();
    let d = with(&e, vec![act(ActKind::Protest, days_before(1))]);
    assert_eq!(
        d.what_to_do(),
        d.rule().map(|r| r.doc.fix).unwrap_or_default()
    );
    // Review: the act is said, and the review's own advice follows.
    let mut e = liquidated(days_before(100));
    e.unreadable_columns.insert(Column::Hts);
    e.liquidation_status = Some("Unliquidated".into());
    e.liquidation_date = Some(days_before(100));
    let d = with(&e, vec![act(ActKind::Protest, days_before(1))]);
    assert_eq!(d.path, EntryPath::Review);
    assert!(
        d.what_to_do().contains(". Still to do: "),
        "{}",
        d.what_to_do()
    );
}

#[test]
fn decision_serializes_in_kebab_case() {
    let d = decide(&liquidated(days_before(70)), AS_OF);
    let json = serde_json::to_value(&d).expect("json");
    assert_eq!(json["path"], "cape");
    assert_eq!(json["deadlines"]["cape_window_closes"]["days_left"], 10);
    for p in EntryPath::ALL {
        assert_eq!(serde_json::to_value(p).expect("json"), p.as_str());
    }
}

#[test]
fn entry_data_reads_back_from_its_json() {
    let mut e = liquidated(days_before(40));
    e.importer_name = Some("ACME \"Imports\"".into());
    e.entry_summary_date = Some(date(2025, 12, 20));
    e.protest_decision_date = Some(date(2026, 3, 1));
    e.ieepa_orders.add_heading("99030125");
    e.ieepa_orders.add_heading("99030201");
    e.other_chapter_99.section_301_cents = 5_000;
    e.absent_columns.insert(Column::Drawback);
    e.unreadable_columns.insert(Column::LiquidationDate);
    e.ieepa_goods_value_on_99_line = true;
    e.ieepa_negative_duty_lines = 1;
    e.doubtful_cells.push(DoubtfulCell {
        column: Column::Hts,
        doubt: Doubt::Unreadable,
        at: "line 3".into(),
        value: "9.90E+07".into(),
        why: "a number in scientific notation".into(),
    });
    let json = serde_json::to_string(&e).expect("serializes");
    let back: EntryData = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back, e);
    // Empty fields are left out of the JSON and read back as they were.
    let plain = EntryData::new(e.entry_number, 9);
    let json_plain = serde_json::to_string(&plain).expect("serializes");
    assert!(!json_plain.contains("ieepa_lines"), "{json_plain}");
    let back: EntryData = serde_json::from_str(&json_plain).expect("reads back");
    assert_eq!(back, plain);
    // A header or order the tables do not know is an error, never a silent drop.
    let bad = json.replace("Drawback Indicator", "Drawback Flag");
    assert!(serde_json::from_str::<EntryData>(&bad).is_err());
    let bad = json.replace("9903.02.xx", "9903.09.xx");
    assert!(serde_json::from_str::<EntryData>(&bad).is_err());
}

#[test]
fn p034_reads_as_written() {
    // Its text once carried a stray `pub(super)` where a line of the source began with "type".
    let why = FTZ_PSC_BLOCKED.doc.why;
    assert!(why.contains("an FTZ type 06 entry (F883"), "{why}");
    for r in PATH_RULES {
        for (_, text) in r.doc.sections() {
            assert!(!text.contains("pub(super)"), "{}: {text}", r.code);
        }
    }
}

/// The December plan date of the regression rows below (tests/fixtures/path/regress).
const DEC_10: Date = date(2026, 12, 10);

/// An entry of the tester's rows: type 01, importer 22-222222200, one dutiable IEEPA line
/// of `heading`, entered (and summarized) on `entered`.
fn row(number: &str, entered: Date, heading: &str) -> EntryData {
    let mut e = EntryData::new(EntryNumber::parse(number).expect("valid"), 2);
    e.entry_type = Some("01".into());
    e.importer_number = Some("22-222222200".into());
    e.entry_date = Some(entered);
    e.entry_summary_date = Some(entered);
    e.ieepa_lines = 1;
    e.ieepa_dutiable_lines = 1;
    e.ieepa_duty_cents = 10_000;
    e.ieepa_orders.add_heading(heading);
    e.absent_columns.insert(Column::GoodsValue);
    e
}

fn status(mut e: EntryData, status: &str, on: Option<Date>) -> EntryData {
    e.liquidation_status = Some(status.into());
    e.liquidation_date = on;
    e
}

fn denied(mut e: EntryData, decided: Option<Date>) -> EntryData {
    e.protest_number = Some("270426100500".into());
    e.protest_status = Some("Denied".into());
    e.protest_decision_date = decided;
    e
}

#[test]
fn an_extended_entry_past_300_days_keeps_the_psc_of_the_importers_extension() {
    // extended.csv E1, E2: extended to 2027-03-01, entered 2025-09-01, goods value on the
    // IEEPA line. The 300 days ran out on 2026-06-28; if the importer asked for the
    // extension, the PSC is possible until 2027-02-14.
    for (number, st) in [
        ("B7660001002", "Extended"),
        ("B7660001010", "Liquidation Extended"),
    ] {
        let mut e = status(
            row(number, date(2025, 9, 1), "99030125"),
            st,
            Some(date(2027, 3, 1)),
        );
        e.absent_columns.remove(Column::GoodsValue);
        e.ieepa_goods_value_on_99_line = true;
        let d = decide(&e, DEC_10);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P016"), "{st}");
        assert_eq!(d.psc_closed, None, "{st}");
        let psc = d
            .deadlines
            .psc_due
            .expect("the importer-request reading is dated");
        assert_eq!(psc.date, date(2027, 2, 14));
        assert!(psc.basis.to_string().contains("only if the importer asked"));
        let notes = d.notes.join("\n");
        assert!(
            notes.contains("2027-02-14") && notes.contains("2026-06-28"),
            "{notes}"
        );
        assert!(!notes.contains("window closed"), "{notes}");
        assert!(d.what_to_do().contains("2027-02-14"), "{}", d.what_to_do());
        // Triage asks a person: whether a PSC is possible depends on who asked.
        assert!(matches!(
            d.psc_chance(&e, DEC_10),
            crate::psc::PscChance::Unknown(why) if why.contains("only if the importer asked")
        ));
    }
    // E3: the extended date is blank: the route is named, and where to find the date.
    let mut e = status(
        row("B7660001028", date(2025, 9, 1), "99030125"),
        "Extended",
        None,
    );
    e.absent_columns.remove(Column::GoodsValue);
    e.ieepa_goods_value_on_99_line = true;
    let d = decide(&e, DEC_10);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P016"));
    assert_eq!(d.psc_closed, None);
    let notes = d.notes.join("\n");
    assert!(
        notes.contains("not in the file") && notes.contains("Entry Summary Query"),
        "{notes}"
    );
    assert!(!notes.contains("window closed"), "{notes}");
}

#[test]
fn an_extended_entry_inside_300_days_names_the_extended_date_and_keeps_it_after() {
    // extended.csv E4: entered 2026-02-20, extended to 2027-03-01.
    let mut e = status(
        row("B7660001036", date(2026, 2, 20), "99030125"),
        "Extended",
        Some(date(2027, 3, 1)),
    );
    e.absent_columns.remove(Column::GoodsValue);
    e.ieepa_goods_value_on_99_line = true;
    let d = decide(&e, DEC_10);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::CorrectFirst, "P015"));
    // The date that holds either way.
    assert_eq!(
        d.deadlines.psc_due.map(|p| p.date),
        Some(date(2026, 12, 17))
    );
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("importer asked") && n.contains("2027-02-14")),
        "{:?}",
        d.notes
    );
    // Past the 300 days (2026-12-22): the importer-request reading stays, in review.
    let later = date(2026, 12, 22);
    let d = decide(&e, later);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P016"));
    assert_eq!(d.deadlines.psc_due.map(|p| p.date), Some(date(2027, 2, 14)));
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("importer asked") && n.contains("2026-12-17")),
        "{:?}",
        d.notes
    );
    // Both readings out: closed, and said for both.
    let d = decide(&e, date(2027, 2, 15));
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P016"));
    assert_eq!(d.deadlines.psc_due, None);
}

#[test]
fn liquidation_reason_36_is_read_with_leading_zeros_and_a_label() {
    // reason36.csv: each of these is CAPE's reason, on an entry CAPE would otherwise take.
    for reason in [
        "36",
        "036",
        "Code 36",
        "CAPE",
        "36 - CAPE",
        "36-CAPE Refund",
        "0036",
    ] {
        let mut e = status(
            row("B7610001011", date(2026, 1, 5), "99030125"),
            "Liquidated",
            Some(date(2026, 11, 1)),
        );
        e.liquidation_reason = Some(reason.into());
        let d = decide(&e, DEC_10);
        assert_eq!(
            (d.path, d.reasons[0]),
            (EntryPath::Done, "P035"),
            "{reason}"
        );
    }
    // Another reason, or a text capekit cannot read, leaves the entry to the other rules.
    for reason in ["360", "3", "Capestone", "Bypass", "12 - Reliquidation"] {
        let mut e = status(
            row("B7610001011", date(2026, 1, 5), "99030125"),
            "Liquidated",
            Some(date(2026, 11, 1)),
        );
        e.liquidation_reason = Some(reason.into());
        assert_eq!(decide(&e, DEC_10).path, EntryPath::Cape, "{reason}");
    }
    assert_eq!(liquidation_reason_code("Reason Code: 012"), Some(12));
    assert_eq!(liquidation_reason_code(""), None);
}

#[test]
fn a_denied_protest_without_a_date_is_review_even_inside_the_cape_window() {
    // denied-in-window.csv B7611001010: liquidated 2026-11-01, denied, no decision date.
    let e = denied(
        status(
            row("B7611001010", date(2026, 1, 5), "99030125"),
            "Liquidated",
            Some(date(2026, 11, 1)),
        ),
        None,
    );
    let d = decide(&e, DEC_10);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P023"));
    let note = d
        .notes
        .iter()
        .find(|n| n.contains("1581(a)"))
        .expect("note");
    assert!(note.contains("1581(i) by 2027-04-02"), "{note}");
    assert!(
        note.contains("2027-01-20"),
        "the CAPE window beside: {note}"
    );
    // With its date, inside the window: CAPE, the 1581(a) date kept.
    let e = denied(e, Some(date(2026, 11, 20)));
    let d = decide(&e, DEC_10);
    assert_eq!(d.path, EntryPath::Cape);
    assert_eq!(
        d.deadlines.court_1581a_due.map(|a| a.date),
        Some(date(2027, 5, 19))
    );
}

#[test]
fn a_denial_dated_before_its_liquidation_or_in_the_future_is_review_with_both_readings() {
    // denied-in-window.csv B7611001028: denied 2026-06-20, liquidated 2026-09-25.
    let e = denied(
        status(
            row("B7611001028", date(2026, 1, 5), "99030101"),
            "Liquidated",
            Some(date(2026, 9, 25)),
        ),
        Some(date(2026, 6, 20)),
    );
    let d = decide(&e, DEC_10);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P023"));
    // The date as written is the earlier reading: kept.
    assert_eq!(
        d.deadlines.court_1581a_due.map(|a| a.date),
        Some(date(2026, 12, 17))
    );
    let note = d
        .notes
        .iter()
        .find(|n| n.contains("1581(a)"))
        .expect("note");
    assert!(
        note.contains("before the liquidation of 2026-09-25"),
        "{note}"
    );
    assert!(note.contains("1581(i) by 2027-02-01"), "{note}");
    // edges.csv G10 B7620001092: denied 2026-12-20, after the plan's day.
    let e = denied(
        status(
            row("B7620001092", date(2026, 1, 5), "99030125"),
            "Liquidated",
            Some(date(2026, 1, 10)),
        ),
        Some(date(2026, 12, 20)),
    );
    let d = decide(&e, DEC_10);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P023"));
    // A denial to come starts no clock: its date is not calendared, only named.
    assert_eq!(d.deadlines.court_1581a_due, None);
    let note = d
        .notes
        .iter()
        .find(|n| n.contains("1581(a)"))
        .expect("note");
    assert!(
        note.contains("2027-06-18") && note.contains("after 2026-12-10"),
        "{note}"
    );
    assert!(note.contains("1581(i) by 2027-04-02"), "{note}");
}

#[test]
fn a_passed_1581a_date_is_said_passed_and_the_1581i_date_is_the_one_left() {
    // edges.csv G9 B7620001084: denied 2026-06-12, so 1581(a) ended 2026-12-09.
    let e = denied(
        status(
            row("B7620001084", date(2026, 1, 5), "99030125"),
            "Liquidated",
            Some(date(2026, 1, 10)),
        ),
        Some(date(2026, 6, 12)),
    );
    let d = decide(&e, DEC_10);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Court, "P022"));
    let notes = d.notes.join("\n");
    assert!(notes.contains("passed on 2026-12-09"), "{notes}");
    assert!(!notes.contains("by 2026-12-09"), "no live date: {notes}");
    assert!(notes.contains("1581(i) date 2027-04-02"), "{notes}");
    assert!(notes.contains("for trade counsel to judge"), "{notes}");
    let todo = d.what_to_do();
    assert!(!todo.contains("earlier of"), "{todo}");
    assert!(
        todo.contains("2027-04-02") && todo.contains("has passed"),
        "{todo}"
    );
    // The day before, the 1581(a) date is live.
    let d = decide(&e, date(2026, 12, 9));
    assert!(d.notes.iter().any(|n| n.contains("1581(a) by 2026-12-09")));
    assert_eq!(d.advice, None);
}

#[test]
fn a_deemed_liquidation_is_said_as_a_reading_beside_the_unliquidated_one() {
    // main.csv S22 B7690001204: "Unliquidated", no date, entered 2025-02-03 (outside the
    // IEEPA period, duty shown: P025).
    let e = status(
        row("B7690001204", date(2025, 2, 3), "99030101"),
        "Unliquidated",
        None,
    );
    let d = decide(&e, DEC_10);
    assert_eq!(d.reasons[0], "P025");
    assert!(d.reasons.contains(&"P027"), "{:?}", d.reasons);
    let notes = d.notes.join("\n");
    assert!(
        notes.contains("1504(a)") && notes.contains("unliquidated"),
        "{notes}"
    );
    assert!(!notes.contains("the entry liquidated on"), "{notes}");
    let psc = d.psc_closed.as_deref().expect("no PSC either way");
    assert!(psc.contains("read as unliquidated"), "{psc}");
    assert!(
        d.deadlines
            .protest_due
            .is_some_and(|p| p.basis.to_string().contains("a reading")),
        "{:?}",
        d.deadlines.protest_due
    );
    // laterphase-court.csv H1 B7612001001: drawback-linked, entered 2025-03-20: read as
    // deemed liquidated its protest period has passed (court); read as unliquidated it
    // waits for a later phase. The routes differ: review.
    let mut e = status(
        row("B7612001001", date(2025, 3, 20), "99030110"),
        "Unliquidated",
        None,
    );
    e.drawback = Some("Y".into());
    let d = decide(&e, DEC_10);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P027"));
    assert!(d.reasons.contains(&"P004"), "{:?}", d.reasons);
    let notes = d.notes.join("\n");
    assert!(
        notes.contains("1504(a)") && notes.contains("later phase"),
        "{notes}"
    );
    assert!(!notes.contains("the protest period has passed"), "{notes}");
    // H4 B7612001035: a TIB entered 2025-11-20.
    let mut e = status(
        row("B7612001035", date(2025, 11, 20), "99030110"),
        "Unliquidated",
        None,
    );
    e.entry_type = Some("23".into());
    let d = decide(&e, DEC_10);
    assert_eq!(d.reasons[0], "P029");
    assert!(d.reasons.contains(&"P027"));
    assert!(
        !d.notes.join("\n").contains("the entry liquidated on"),
        "{:?}",
        d.notes
    );
}

#[test]
fn a_not_refundable_entry_has_no_court_date_and_a_future_liquidated_date_dates_the_psc() {
    // main.csv S25 B7690001238: its only IEEPA line is 99030125 with $0.00.
    let mut e = status(
        row("B7690001238", date(2026, 2, 10), "99030125"),
        "Unliquidated",
        None,
    );
    e.ieepa_dutiable_lines = 0;
    e.ieepa_duty_cents = 0;
    e.ieepa_orders = OrderSet::EMPTY;
    let d = decide(&e, DEC_10);
    assert_eq!(d.path, EntryPath::NotRefundable);
    assert_eq!(d.deadlines.court_due, None);
    // main.csv S16 B7690001147: "Liquidated" 2027-01-15: read as scheduled, that date (and
    // the 300 days) date the PSC - not ACE's usual schedule.
    let e = status(
        row("B7690001147", date(2026, 2, 10), "99030125"),
        "Liquidated",
        Some(date(2027, 1, 15)),
    );
    let d = decide(&e, DEC_10);
    assert_eq!(d.reasons[0], "P028");
    let why = d.psc_closed.as_deref().expect("closed");
    assert!(!why.contains("no scheduled date in the file"), "{why}");
    assert!(why.contains("2026-12-07"), "{why}");
}

#[test]
fn a_recorded_protest_takes_the_entry_off_the_cape_path_keeping_the_withdrawal() {
    use crate::deadline::{Act, ActKind};
    // Liquidated 70 days before: CAPE's window is open 10 more days.
    let e = liquidated(days_before(70));
    assert_eq!(path(&e).0, EntryPath::Cape);
    let mut ctx = PathContext::default();
    ctx.acts.insert(
        e.entry_number,
        vec![Act {
            kind: ActKind::Protest,
            reference: Some("270426100777".into()),
            on: days_before(8),
        }],
    );
    let d = decide_with(&e, AS_OF, &ctx);
    assert_eq!(d.path, EntryPath::Protest);
    assert_eq!(d.reasons[0], OPEN_PROTEST.code);
    assert!(
        d.reasons.contains(&PROTEST_WITHDRAWABLE.code),
        "{:?}",
        d.reasons
    );
    assert!(
        d.notes.iter().any(|n| n
            .contains("protest 270426100777, filed 2026-11-16 as recorded in the ledger")
            && n.contains("PROTEST ON ENTRY")),
        "{:?}",
        d.notes
    );
    assert!(
        d.notes
            .iter()
            .any(|n| n
                .contains("if protest 270426100777 covers only IEEPA duty, it can be withdrawn")),
        "{:?}",
        d.notes
    );
    assert!(
        !d.what_to_do().to_lowercase().contains("upload"),
        "{}",
        d.what_to_do()
    );
    // A decision in the data wins over the ledger's open protest.
    let mut decided = e;
    decided.protest_number = Some("270426100777".into());
    decided.protest_status = Some("Approved".into());
    let d = decide_with(&decided, AS_OF, &ctx);
    assert_ne!(d.reasons[0], OPEN_PROTEST.code);
}

#[test]
fn an_excluded_type_of_a_phase3_importer_is_not_said_to_have_no_phase() {
    let mut ctx = PathContext::default();
    ctx.add_phase3_importer("27-1", true);
    let mut e = liquidated(days_before(200));
    e.importer_number = Some("27-1".into());
    e.entry_type = Some("08".into());
    let d = decide_with(&e, AS_OF, &ctx);
    assert_eq!(d.path, EntryPath::Phase3);
    let notes = d.notes.join(" | ");
    assert!(!notes.contains("no phase that takes it"), "{notes}");
    assert!(
        notes.contains("CBP has not published whether Phase 3 takes the type"),
        "{notes}"
    );
    // Without the Phase 3 importer, the note stands.
    let d = decide(&e, AS_OF);
    assert_ne!(d.path, EntryPath::Phase3);
    assert!(d.notes.iter().any(|n| n.contains("no phase that takes it")));
}

/// An unreadable flag or status cell is told what to write there, never to write a date.
#[test]
fn the_remedy_for_an_unreadable_cell_fits_its_column() {
    use crate::entry_data::Column;
    for c in [
        Column::Drawback,
        Column::ReconciliationIndicator,
        Column::AdCvd,
        Column::ControlStatus,
    ] {
        assert!(!super::steps::remedy(c).contains("date"), "{c:?}");
    }
    assert!(super::steps::remedy(Column::LiquidationDate).contains("MM/DD/YYYY"));
}

/// Entry types 03 and 07 are AD/CVD entries: unliquidated, with the AD/CVD column blank, `N` or
/// absent, which of CAPE's two readings holds is unknown (review, P031), never declared in
/// silence; suspended, CAPE takes it; liquidated, the AD/CVD question is past.
#[test]
fn an_unliquidated_adcvd_entry_type_without_its_state_is_review() {
    let mut e = entry();
    for t in ["03", "07", "3"] {
        e.entry_type = Some(t.into());
        for cell in [None, Some("N"), Some("")] {
            e.adcvd = cell.map(Into::into);
            assert_eq!(path(&e), (EntryPath::Review, "P031"), "{t} {cell:?}");
        }
        e.adcvd = Some("Suspended".into());
        assert_eq!(path(&e), (EntryPath::Cape, "P017"), "{t} suspended");
    }
    e.entry_type = Some("01".into());
    e.adcvd = None;
    assert_eq!(path(&e), (EntryPath::Cape, "P017"));
}
