use super::*;
use std::collections::HashMap;

use capekit_core::entry_data::EntryDataSet;
use capekit_core::known::Known;
use capekit_core::path::EntryData;
use capekit_core::path::PathContext;
use jiff::ToSpan;

const AS_OF: Date = jiff::civil::date(2026, 11, 24);

fn n(filer: &str, i: u32) -> EntryNumber {
    EntryNumber::from_parts(filer, i).expect("entry number")
}

/// An unliquidated entry with IEEPA duty: `cape`.
fn cape(number: EntryNumber, importer: &str) -> EntryData {
    let mut e = EntryData::new(number, 2);
    e.rows = 1;
    e.importer_number = Some(importer.into());
    e.entry_type = Some("01".into());
    e.entry_date = Some(jiff::civil::date(2025, 12, 1));
    e.liquidation_status = Some("Unliquidated".into());
    e.ieepa_duty_cents = 10_000;
    e.ieepa_lines = 1;
    e.ieepa_dutiable_lines = 1;
    e
}

/// An entry data set of `entries` as a clean ES-003 file `file` gives them.
pub(crate) fn set(file: &str, entries: Vec<EntryData>) -> EntryDataSet {
    let rows = entries.len() as u64;
    EntryDataSet {
        file: file.into(),
        content: capekit_core::check::Content::Text,
        entries,
        rows_read: rows,
        rows_used: rows,
        rows_dropped: 0,
        blank_rows: 0,
        header_line: 1,
        columns_present: capekit_core::path::ColumnSet::all(),
        columns_ignored: vec![],
        bom: false,
        windows_1252: false,
        diagnostics: vec![],
        run_date: None,
    }
}

fn opts(filer: Option<&str>) -> PlanOptions {
    PlanOptions {
        context: PathContext::default(),
        one_declaration: false,
        file_dates: HashMap::new(),
        as_of: AS_OF,
        filer: filer.map(|f| FilerCode::parse(f).expect("a filer code")),
    }
}

#[test]
fn an_entry_in_two_files_is_taken_from_the_first() {
    let mut second = cape(n("B76", 1), "IOR-2");
    second.first_line = 7;
    let plan = build_plan(
        vec![
            set("a.csv", vec![cape(n("B76", 1), "IOR-1")]),
            set("b.csv", vec![second, cape(n("B76", 2), "IOR-1")]),
        ],
        &opts(None),
    );
    assert_eq!(plan.entries.len(), 2);
    assert_eq!(plan.entries[0].importer_number.as_deref(), Some("IOR-1"));
    let d = &plan.diagnostics[0];
    assert_eq!(
        (d.code(), d.file.as_deref(), d.line),
        ("R011", Some("b.csv"), Some(7))
    );
    assert!(d.message.contains("a.csv (line 2)"), "{}", d.message);
    let r = &plan.reconciliation;
    assert_eq!((r.entries_read, r.entries, r.in_earlier_file), (3, 2, 1));
    assert!(r.holds);
    assert!(reconciliation_line(&plan).contains("already in an earlier file 1"));
}

#[test]
fn declarations_per_importer_and_filer_with_sanitised_names() {
    let plan = build_plan(
        vec![set(
            "a.csv",
            vec![
                cape(n("B76", 1), "12-3456789AB"),
                cape(n("M27", 2), "12-3456789AB"),
                cape(n("B76", 3), "98/765/4321"),
                cape(n("B76", 4), ""),
                // Differs from the third only by punctuation: must not share its file.
                cape(n("B76", 5), "987654321"),
                cape(n("B76", 6), "987654321"),
            ],
        )],
        &opts(None),
    );
    let names: Vec<&str> = plan
        .declarations
        .iter()
        .flat_map(|d| d.file_names.iter().map(String::as_str))
        .collect();
    assert_eq!(
        names,
        vec![
            "declaration-12-3456789AB-B76-2026-11-24.csv",
            "declaration-12-3456789AB-M27-2026-11-24.csv",
            "declaration-987654321-2026-11-24.csv",
            "declaration-987654321-2-2026-11-24.csv",
        ]
    );
    assert_eq!(plan.declarations[2].entries.len(), 1);
    assert_eq!(plan.declarations[3].entries.len(), 2);
    // No importer number: CBP cannot match the entry to an account; never on an upload.
    let left: Vec<_> = plan.worklist().iter().map(|e| e.entry_number).collect();
    assert_eq!(left, vec![n("B76", 4)]);
}

#[test]
fn with_filer_other_filers_go_to_the_worklist() {
    let plan = build_plan(
        vec![set(
            "a.csv",
            vec![cape(n("B76", 1), "IOR"), cape(n("M27", 2), "IOR")],
        )],
        &opts(Some("b76")),
    );
    assert_eq!(plan.declarations.len(), 1);
    assert_eq!(
        plan.declarations[0].file_names,
        vec!["declaration-IOR-2026-11-24.csv"]
    );
    let w = plan.worklist();
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].other_filer.as_deref(), Some("M27"));
    assert!(
        w[0].what_to_do(plan.filer.as_ref().map(FilerCode::as_str))
            .contains("filer M27")
    );
}

#[test]
fn urgent_entries_come_first_in_a_declaration() {
    let mut urgent = cape(n("B76", 9), "IOR");
    urgent.liquidation_status = Some("Liquidated".into());
    urgent.liquidation_date = AS_OF.checked_sub(70.days()).ok();
    let mut later = cape(n("B76", 8), "IOR");
    later.liquidation_status = Some("Liquidated".into());
    later.liquidation_date = AS_OF.checked_sub(10.days()).ok();
    let plan = build_plan(
        vec![set("a.csv", vec![cape(n("B76", 1), "IOR"), later, urgent])],
        &opts(None),
    );
    assert_eq!(
        plan.declarations[0].entries,
        vec![n("B76", 9), n("B76", 8), n("B76", 1)]
    );
    assert_eq!(plan.declarations[0].urgent, 1);
    let buckets = plan.deadline_buckets();
    assert_eq!(buckets[0], ("0-14 days".to_owned(), 1));
    assert_eq!(
        buckets[DEADLINE_BUCKETS.len() + 1].1,
        1,
        "unliquidated: undated"
    );
    assert_eq!(buckets.iter().map(|(_, n)| n).sum::<usize>(), 3);
}

#[test]
fn large_declarations_are_split_and_entries_know_their_part() {
    let entries: Vec<EntryData> = (1..=MAX_ENTRIES as u32 + 1)
        .map(|i| cape(n("B76", i), "IOR"))
        .collect();
    let plan = build_plan(vec![set("a.csv", entries)], &opts(None));
    assert_eq!(
        plan.declarations[0].file_names,
        vec![
            "declaration-IOR-2026-11-24-01.csv",
            "declaration-IOR-2026-11-24-02.csv"
        ]
    );
    let mut out = OutputSet::new();
    let files = add_plan_outputs(&mut out, FsPath::new("o"), &plan, false).expect("outputs");
    assert_eq!(
        files.declarations[0],
        vec![
            PathBuf::from("o/declaration-IOR-2026-11-24-01.csv"),
            PathBuf::from("o/declaration-IOR-2026-11-24-02.csv")
        ]
    );
    let last = plan.entries.last().expect("entry");
    assert_eq!(
        files.file_of(last),
        Some(&PathBuf::from("o/declaration-IOR-2026-11-24-02.csv"))
    );
}

#[test]
fn entries_the_ledger_knows_stay_off_the_declarations() {
    let mut urgent = cape(n("B76", 3), "IOR");
    urgent.liquidation_status = Some("Liquidated".into());
    urgent.liquidation_date = AS_OF.checked_sub(70.days()).ok();
    let mut not_cape = cape(n("B76", 4), "IOR");
    not_cape.ieepa_duty_cents = 0;
    not_cape.ieepa_dutiable_lines = 0;
    let mut known = Known::new();
    known.insert(
        n("B76", 1),
        KnownState::Accepted {
            claim: "100000241223".into(),
        },
    );
    known.insert(
        n("B76", 2),
        KnownState::Pending {
            declaration: "refile.csv".into(),
            declared_at: jiff::Timestamp::UNIX_EPOCH,
        },
    );
    known.insert(
        n("B76", 3),
        KnownState::Accepted {
            claim: "100000241224".into(),
        },
    );
    // Known, but not a cape entry: the guard has nothing to keep off.
    known.insert(
        n("B76", 4),
        KnownState::Accepted {
            claim: "100000241225".into(),
        },
    );
    let mut decided = Vec::new();
    let plan = build_plan_with(
        vec![set(
            "a.csv",
            vec![
                cape(n("B76", 1), "IOR"),
                cape(n("B76", 2), "IOR"),
                urgent,
                not_cape,
                cape(n("B76", 5), "IOR"),
            ],
        )],
        &opts(None),
        &known,
        |data, decision| decided.push((data.entry_number, decision.path)),
    );
    assert_eq!(decided.len(), 5, "every planned entry is handed over");
    assert_eq!(decided[3], (n("B76", 4), EntryPath::NotRefundable));
    assert_eq!(plan.declarations.len(), 1);
    assert_eq!(plan.declarations[0].entries, vec![n("B76", 5)]);
    let known: Vec<EntryNumber> = plan
        .known_entries()
        .iter()
        .map(|e| e.entry_number)
        .collect();
    assert_eq!(known, vec![n("B76", 1), n("B76", 2), n("B76", 3)]);
    // The path stays `cape`: the plan still adds up by path.
    assert_eq!(plan.totals[0].entries, 4);
    assert!(plan.reconciliation.holds);
    let worklist = plan.worklist();
    let what = |tx| {
        worklist
            .iter()
            .find(|e| e.entry_number == n("B76", tx))
            .map(|e| e.what_to_do(None))
            .unwrap_or_default()
    };
    assert!(
        what(1).starts_with(
            "accepted on claim 100000241223, as the ledger records: never declare it again"
        ),
        "{}",
        what(1)
    );
    assert!(
        what(2).contains("still pending on refile.csv") && what(2).contains("do not resubmit"),
        "{}",
        what(2)
    );
    // Regression: "(capekit ledger)" after every reason was jargon; it is said in words.
    for tx in 1..=4 {
        assert!(!what(tx).contains("(capekit ledger)"), "{}", what(tx));
    }
    assert!(what(2).contains(", as the ledger records: "), "{}", what(2));
    // Accepted: nothing left to do, so not urgent however close its window, and last.
    assert!(!plan.entries[2].urgent);
    let order: Vec<EntryNumber> = worklist.iter().map(|e| e.entry_number).collect();
    assert_eq!(
        order,
        vec![n("B76", 2), n("B76", 4), n("B76", 3), n("B76", 1)]
    );
    assert!(plan.entries[3].known.is_none());
    let text = plan_text(&plan, &PlanFiles::default());
    assert!(
        text.contains("not declared: 3 cape entries the ledger knows"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "  {}  accepted on claim 100000241223: never declare it again",
            n("B76", 1)
        )),
        "{text}"
    );
}

#[test]
fn money_and_names() {
    assert_eq!(dollars(123_456), "1,234.56");
    assert_eq!(decimal_dollars(123_456), "1234.56");
    assert_eq!(decimal_dollars(5), "0.05");
    assert_eq!(
        crate::names::name_part("12-345/678 90\u{e9}"),
        "12-345678-90"
    );
    assert_eq!(crate::names::name_part("--"), "unknown");
}

#[test]
fn a_finding_repeated_on_many_lines_is_told_once_in_the_text_and_the_report() {
    let diags: Vec<Diagnostic> = (0..25u64)
        .map(|i| {
            capekit_core::reading::ENTRY_DATA_UNREADABLE_ENTRY_NUMBER
                .diag(format!("line {}: `x{i}` is not an entry number", i + 2))
                .at_line(i + 2)
                .in_file("es003.csv")
        })
        .chain([capekit_core::reading::BAD_AMOUNT.diag("x")])
        .collect();
    let html = crate::html::findings_table(&diags, findings_where);
    assert!(html.contains("on 25 lines: 2-26"), "{html}");
    assert_eq!(html.matches("is not an entry number").count(), 3, "{html}");
    // Regression: rows whose entry number cannot be read are left out, so the report never
    // says their entries are on the worklist.
    assert!(
        html.contains(
            "... and 22 more like these (all in --format json; these rows are left out of the plan, so they are not on the worklist)"
        ),
        "{html}"
    );
    assert!(!html.contains("their entries on the worklist"), "{html}");
    let bad_dates: Vec<Diagnostic> = (0..5u64)
        .map(|i| {
            capekit_core::reading::BAD_DATE
                .diag(format!("line {}: bad date", i + 2))
                .at_line(i + 2)
                .in_file("es003.csv")
        })
        .collect();
    assert!(
        crate::html::findings_table(&bad_dates, findings_where)
            .contains("(all in --format json; their entries on the worklist)")
    );
}

/// Any entry the plan doubts never reaches a declaration: generated entries covering every
/// field a decision reads (unreadable cells, blank dates, negative duty, excluded types,
/// protests, AD/CVD, liquidation states), planned on days around CBP's changes. A declared
/// entry is a `cape` decision with no review reason, every deciding cell read, its entry
/// date known, an importer number and no trade control status.
mod no_doubt_is_declared {
    use super::*;
    use capekit_core::path::{Column, Doubt};
    use proptest::prelude::*;

    fn pick<T: Clone + std::fmt::Debug + 'static>(v: &'static [T]) -> impl Strategy<Value = T> {
        proptest::sample::select(v)
    }

    const TYPES: &[Option<&str>] = &[
        Some("01"),
        Some("01"),
        Some("01"),
        Some("01"),
        Some("01"),
        Some("03"),
        Some("06"),
        Some("08"),
        Some("09"),
        Some("11"),
        Some("21"),
        Some("22"),
        Some("23"),
        Some("31"),
        Some("47"),
        None,
    ];
    const LIQ: &[Option<&str>] = &[
        Some("Unliquidated"),
        Some("Liquidated"),
        Some("Extended"),
        Some("Suspended"),
        Some("Xyz"),
        None,
    ];
    const PROTEST: &[Option<&str>] = &[
        None,
        None,
        None,
        None,
        None,
        Some("Open"),
        Some("Denied"),
        Some("Approved"),
        Some("Withdrawn"),
        Some("Q"),
    ];
    const ADCVD: &[Option<&str>] = &[
        None,
        None,
        None,
        Some("Suspended"),
        Some("Pending Liquidation"),
        Some("Y"),
    ];
    const UNREADABLE: &[Option<Column>] = &[
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        Some(Column::Hts),
        Some(Column::Duty),
        Some(Column::GoodsValue),
        Some(Column::EntryType),
        Some(Column::EntryDate),
        Some(Column::LiquidationDate),
        Some(Column::EntrySummaryDate),
        Some(Column::ProtestDecisionDate),
    ];
    const CONTROL: &[Option<&str>] = &[None, Some("Statement"), Some("Trade")];
    const AS_OF: &[(i16, i8, i8)] = &[(2026, 5, 1), (2026, 7, 10), (2026, 11, 24), (2027, 1, 5)];

    #[allow(clippy::type_complexity)]
    fn entry() -> impl Strategy<Value = EntryData> {
        (
            (
                pick(TYPES),
                pick(LIQ),
                pick(PROTEST),
                pick(ADCVD),
                pick(UNREADABLE),
                pick(CONTROL),
            ),
            (
                0i64..700,
                prop::option::weighted(0.5, -200i64..400),
                proptest::bool::weighted(0.9),
                prop_oneof![1 => Just(0u32), 6 => Just(1u32), 1 => Just(2u32)],
                prop_oneof![6 => Just(0u32), 1 => Just(1u32)],
                proptest::bool::weighted(0.1),
            ),
            (
                proptest::bool::weighted(0.1),
                proptest::bool::weighted(0.1),
                prop::option::weighted(0.1, 0i64..300),
                proptest::bool::weighted(0.1),
                1u32..9_999_999,
                proptest::bool::weighted(0.1),
            ),
        )
            .prop_map(
                |(
                    (t, liq, protest, adcvd, unreadable, control),
                    (entered, liq_days, importer, dutiable, negative, goods),
                    (recon, drawback, decided, absent_date, tx, conflict),
                )| {
                    let mut e = cape(n("B76", tx), "IOR-1");
                    let as_of = jiff::civil::date(2026, 11, 24);
                    e.entry_type = t.map(Into::into);
                    e.entry_date = as_of.checked_sub(entered.days()).ok();
                    e.liquidation_status = liq.map(Into::into);
                    e.liquidation_date = liq_days.and_then(|d| as_of.checked_sub(d.days()).ok());
                    e.protest_status = protest.map(Into::into);
                    e.protest_number = protest.map(|_| "270426100281".into());
                    e.protest_decision_date =
                        decided.and_then(|d| as_of.checked_sub(d.days()).ok());
                    e.adcvd = adcvd.map(Into::into);
                    e.control_status = control.map(Into::into);
                    e.importer_number = importer.then(|| "IOR-1".into());
                    e.ieepa_dutiable_lines = dutiable;
                    e.ieepa_duty_cents = i64::from(dutiable) * 10_000;
                    e.ieepa_lines = dutiable + negative;
                    e.ieepa_negative_duty_lines = negative;
                    e.ieepa_goods_value_on_99_line = goods;
                    e.reconciliation_indicator = recon.then(|| "Y".into());
                    e.drawback = drawback.then(|| "Y".into());
                    if let Some(c) = unreadable {
                        e.add_doubt(c, Doubt::Unreadable, "line 2".into(), "x", "unreadable");
                        if c == Column::EntryDate {
                            e.entry_date = None;
                        }
                    }
                    if absent_date {
                        e.entry_date = None;
                    }
                    if conflict {
                        e.add_doubt(
                            Column::LiquidationDate,
                            Doubt::Conflicting,
                            "line 3".into(),
                            "01/01/2026",
                            "`2026-10-01` on line 2",
                        );
                    }
                    e
                },
            )
    }

    /// Plans `entries` on `day` and checks every declared entry; returns how many were
    /// declared, so that a test can prove the generator reaches the declarations at all.
    fn check(entries: Vec<EntryData>, day: (i16, i8, i8)) -> Result<usize, TestCaseError> {
        let mut seen = HashSet::new();
        let entries: Vec<EntryData> = entries
            .into_iter()
            .filter(|e| seen.insert(e.entry_number))
            .collect();
        let data: HashMap<EntryNumber, EntryData> = entries
            .iter()
            .map(|e| (e.entry_number, e.clone()))
            .collect();
        let mut o = opts(None);
        o.as_of = jiff::civil::date(day.0, day.1, day.2);
        let plan = build_plan(vec![set("x.csv", entries)], &o);
        let declared: HashSet<EntryNumber> = plan
            .declarations
            .iter()
            .flat_map(|d| d.entries.iter().copied())
            .collect();
        for p in &plan.entries {
            let on = declared.contains(&p.entry_number);
            prop_assert_eq!(on, p.declaration.is_some());
            if !on {
                continue;
            }
            let e = &data[&p.entry_number];
            let d = &p.decision;
            prop_assert_eq!(d.path, EntryPath::Cape, "{:?}", d);
            for r in &d.reasons {
                let rule = capekit_core::path::path_rule(r).expect("rule");
                prop_assert_ne!(rule.path, EntryPath::Review, "{:?}", d);
            }
            let mut unread = e.unreadable_columns;
            unread.remove(Column::EntrySummaryDate);
            prop_assert!(unread.is_empty(), "{:?} {:?}", unread, d);
            prop_assert!(e.entry_date.is_some());
            prop_assert_eq!(e.ieepa_negative_duty_lines, 0);
            prop_assert!(
                e.doubtful_cells
                    .iter()
                    .all(|c| c.column == Column::EntrySummaryDate && c.doubt == Doubt::Unreadable),
                "{:?}",
                e.doubtful_cells
            );
            prop_assert!(e.importer_number.is_some());
            prop_assert_ne!(e.control_status.as_deref(), Some("Trade"));
            let t = e.entry_type.as_deref().unwrap_or("");
            prop_assert!(!["08", "09", "47", "23"].contains(&t), "{}", t);
            prop_assert!(e.ieepa_dutiable_lines > 0);
            prop_assert!(p.held.is_none());
        }
        Ok(declared.len())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn declared_entries_are_never_doubtful(
            entries in prop::collection::vec(entry(), 1..12),
            day in pick(AS_OF),
        ) {
            check(entries, day)?;
        }
    }

    #[test]
    fn the_generator_reaches_the_declarations() {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::TestRunner;
        let mut runner = TestRunner::deterministic();
        let strategy = (prop::collection::vec(entry(), 1..12), pick(AS_OF));
        let mut declared = 0;
        for _ in 0..256 {
            let (entries, day) = strategy.new_tree(&mut runner).expect("tree").current();
            declared += check(entries, day).expect("invariant");
        }
        assert!(
            declared >= 10,
            "only {declared} declared: the test would prove nothing"
        );
    }
}

#[test]
fn two_plans_of_one_day_never_share_a_name_nor_does_the_brokers_report_an_importers() {
    let one = build_plan(
        vec![set("a.csv", vec![cape(n("B76", 1), "11-1111111AA")])],
        &opts(None),
    );
    let two = build_plan(
        vec![set(
            "b.csv",
            vec![
                cape(n("B76", 2), "22-2222222BB"),
                cape(n("B76", 3), "33-3333333CC"),
            ],
        )],
        &opts(None),
    );
    let (a, b) = (plan_names(&one), plan_names(&two));
    let date = AS_OF.to_string();
    assert_eq!(
        a.worklist_xlsx,
        format!("plan-worklist-11-1111111AA-{date}.xlsx")
    );
    assert_eq!(
        b.worklist_csv,
        format!("plan-worklist-22-2222222BB-33-3333333CC-{date}.csv")
    );
    assert_ne!(a.report, b.report);
    // One importer: the broker's report and the importer's are two files.
    assert_eq!(a.report, format!("plan-report-11-1111111AA-{date}.html"));
    assert_eq!(
        a.importer_reports,
        [format!("plan-report-for-11-1111111AA-{date}.html")]
    );
}

#[test]
fn a_liquidated_entry_without_its_date_is_urgent_first_and_says_why() {
    let mut undated = cape(n("B76", 3), "IOR");
    undated.liquidation_status = Some("Liquidated".into());
    undated.liquidation_date = None;
    // Liquidated 80 days ago: CAPE's 80-day window closes today, its last day; the
    // undatable one comes before it all the same (its date may be past already).
    let mut soon = cape(n("B76", 2), "IOR");
    soon.liquidation_status = Some("Liquidated".into());
    soon.liquidation_date = AS_OF.checked_sub(jiff::Span::new().days(80)).ok();
    let plan = build_plan(vec![set("a.csv", vec![soon, undated])], &opts(None));
    let urgent: Vec<EntryNumber> = plan.urgent().iter().map(|e| e.entry_number).collect();
    assert_eq!(
        urgent,
        [n("B76", 3), n("B76", 2)],
        "the undatable one comes before a deadline on its last day"
    );
    let e = plan.urgent()[0];
    assert_eq!(e.urgent_by, None);
    assert!(
        e.urgency().starts_with("protest due date unknown"),
        "{}",
        e.urgency()
    );
    let files = PlanFiles::default();
    let json = serde_json::to_value(plan_json(&plan, &files)).expect("json");
    let row = json["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|r| r["urgent_undated"].is_string())
        .expect("the undated entry");
    assert_eq!(row["urgent"], true);
    assert!(
        row["urgent_undated"]
            .as_str()
            .is_some_and(|t| t.contains("look it up in ACE"))
    );
    let text = plan_text(&plan, &files);
    assert!(text.contains("protest due date unknown"), "{text}");
    // Counted as such in the chart, not by its later court date, and said in the report.
    let buckets = plan.deadline_buckets();
    assert_eq!(
        buckets.last(),
        Some(&(BUCKET_UNDATABLE.to_owned(), 1)),
        "{buckets:?}"
    );
    assert_eq!(buckets.iter().map(|(_, n)| n).sum::<usize>(), 2);
    let html = report_html(&plan, &files);
    assert!(html.contains("protest due date unknown"), "{html}");
}

const DEC_10: Date = jiff::civil::date(2026, 12, 10);

fn fixture_plan(name: &str, bytes: &[u8], context: PathContext) -> Plan {
    let set = crate::entries::parse_entry_data(name, bytes).expect(name);
    build_plan(
        vec![set],
        &PlanOptions {
            context,
            as_of: DEC_10,
            ..opts(None)
        },
    )
}

/// Every entry whose route is, or may become, the court (a court deadline matters for it and
/// can be dated, and CAPE is not refunding it) is in its importer's court packet and counted in
/// the court dates; the packet says why for each.
fn assert_court_entries_all_in_packet_and_dates(plan: &Plan, must: &[&str]) {
    let packets = crate::packets::packets(plan);
    let in_packets: Vec<&str> = packets
        .iter()
        .filter(|p| p.kind == crate::packets::PacketKind::Court)
        .flat_map(|p| p.entries.iter().map(|e| e.entry_number.as_str()))
        .collect();
    for n in must {
        assert!(
            in_packets.contains(n),
            "{n} not in a court packet: {in_packets:?}"
        );
    }
    for e in &plan.entries {
        let court_matters = e.decision.matter.contains(DeadlineKind::Court1581i)
            || e.decision.matter.contains(DeadlineKind::Court1581a);
        if court_matters && e.decision.deadlines.court_safe().is_some() {
            assert!(
                in_packets.contains(&e.entry_number.as_str()),
                "{} ({}) carries a court deadline that matters but is not in a court packet",
                e.entry_number,
                e.decision.path
            );
        }
        if matches!(e.decision.path, EntryPath::Cape | EntryPath::Done) {
            assert!(
                !in_packets.contains(&e.entry_number.as_str()),
                "{}",
                e.entry_number
            );
        }
    }
    // The court dates count the same entries (those whose date is still ahead).
    let ahead = packets
        .iter()
        .filter(|p| p.kind == crate::packets::PacketKind::Court)
        .flat_map(|p| &p.entries)
        .filter(|e| {
            e.decision
                .deadlines
                .court_safe()
                .is_some_and(|d| !d.passed())
        })
        .count();
    let counted: usize = crate::packets::court_dates_by_importer(plan)
        .iter()
        .map(|(_, _, n, _)| n)
        .sum();
    assert_eq!(counted, ahead);
}

use capekit_core::deadline::DeadlineKind;

#[test]
fn later_phase_and_review_entries_with_a_court_date_are_in_the_court_packet() {
    let plan = fixture_plan(
        "laterphase-court.csv",
        include_bytes!("../../tests/fixtures/plan/laterphase-court.csv"),
        PathContext::default(),
    );
    // AD/CVD pending, type 21, TIB 23: urgent with the court on 2027-02-01.
    assert_court_entries_all_in_packet_and_dates(
        &plan,
        &["B7612001019", "B7612001027", "B7612001035"],
    );
    let dates = crate::packets::court_dates_by_importer(&plan);
    assert!(
        dates
            .iter()
            .any(|(i, d, n, _)| i.as_deref() == Some("22-222222200")
                && *d == jiff::civil::date(2027, 2, 1)
                && *n >= 7),
        "{dates:?}"
    );
}

#[test]
fn review_phase3_and_undated_denials_are_in_the_court_packet_saying_why() {
    use calamine::{Reader, Xlsx};
    let mut context = PathContext::default();
    context.add_phase3_importer("33-333333300", true);
    context.add_phase3_importer("44-444444400", false);
    let plan = fixture_plan(
        "main.csv",
        include_bytes!("../../tests/fixtures/plan/main.csv"),
        context,
    );
    // A review entry urgent for the court, a denied protest with no decision date, a deemed
    // liquidation whose protest period passed, a phase-3 entry whose court date is kept.
    let must = ["B7690001204", "B7690001063", "B7690001139", "B7690001261"];
    assert_court_entries_all_in_packet_and_dates(&plan, &must);
    for p in crate::packets::packets(&plan)
        .iter()
        .filter(|p| p.kind == crate::packets::PacketKind::Court)
    {
        let bytes = crate::packets::packet_xlsx(p).expect("xlsx");
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("open");
        let range = wb.worksheet_range("Court").expect("sheet");
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(ToString::to_string).collect())
            .collect();
        let why = rows[0]
            .iter()
            .position(|h| h == "Why the court")
            .expect("why column");
        for row in &rows[1..] {
            assert!(!row[why].is_empty(), "{row:?}");
            if row[2] == "B7690001204" {
                assert!(row[why].starts_with("review"), "{row:?}");
            }
            if row[2] == "B7690001261" {
                assert!(row[why].starts_with("phase-3"), "{row:?}");
            }
        }
    }
}

#[test]
fn every_importer_report_says_how_old_the_data_is_and_warns_past_30_days() {
    let mut options = opts(None);
    options.as_of = DEC_10;
    options
        .file_dates
        .insert("old.csv".to_owned(), jiff::civil::date(2026, 10, 15));
    let plan = build_plan(
        vec![set(
            "old.csv",
            vec![cape(n("B76", 1), "IOR-1"), cape(n("B76", 2), "IOR-2")],
        )],
        &options,
    );
    assert!(plan.data_age.iter().any(|a| a.stale));
    let files = PlanFiles::default();
    let groups = importer_groups(&plan);
    assert_eq!(groups.len(), 2);
    for (importer, entries) in &groups {
        let html = importer_report_html(&plan, importer.as_deref(), entries, &files);
        assert!(html.contains("dated 2026-10-15"), "{html}");
        assert!(html.contains("56 days before the as-of date"), "{html}");
        assert!(html.contains("WARNING: older than 30 days"), "{html}");
    }
    // And a fresh file gives the date with no warning.
    let mut options = opts(None);
    options.file_dates.insert(
        "new.csv".to_owned(),
        AS_OF.checked_sub(2.days()).expect("day"),
    );
    let plan = build_plan(
        vec![set("new.csv", vec![cape(n("B76", 1), "IOR-1")])],
        &options,
    );
    let groups = importer_groups(&plan);
    let html = importer_report_html(&plan, groups[0].0.as_deref(), &groups[0].1, &files);
    assert!(html.contains("2 days before the as-of date"), "{html}");
    assert!(!html.contains("WARNING"), "{html}");
}

#[test]
fn json_and_worklist_csv_give_the_same_court_due_and_each_reading() {
    // A protest denied on 2026-06-13: 1581(a) is due 180 days later, 2026-12-10, before the
    // 1581(i) date of 2027-04-02.
    let plan = fixture_plan(
        "denied-1581a-today.csv",
        include_bytes!("../../tests/fixtures/plan/denied-1581a-today.csv"),
        PathContext::default(),
    );
    let files = PlanFiles::default();
    let json = serde_json::to_value(plan_json(&plan, &files)).expect("json");
    let e = &json["entries"][0];
    assert_eq!(e["entry_number"], "B7620001076");
    let table = worklist_table(&plan);
    let row = table
        .rows
        .iter()
        .find(|r| r[0] == "B7620001076")
        .expect("on the worklist");
    let col = |h: &str| {
        let i = table.headers.iter().position(|x| *x == h).expect(h);
        row[i].clone()
    };
    assert_eq!(
        e["court_due"]["date"].as_str(),
        Some(col("court_due").as_str())
    );
    assert_eq!(col("court_due"), "2026-12-10");
    assert_eq!(e["court_due"]["kind"], e["court_1581a_due"]["kind"]);
    assert_eq!(
        e["court_1581i_due"]["date"].as_str(),
        Some(col("court_1581i_due").as_str())
    );
    assert_eq!(col("court_1581i_due"), "2027-04-02");
    assert_eq!(
        e["court_1581a_due"]["date"].as_str(),
        Some(col("court_1581a_due").as_str())
    );
}
