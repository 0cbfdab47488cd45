//! Packets for the paths outside CAPE, per importer, as workbooks with typed cells:
//! `protest-IMPORTER-DATE.xlsx` (what a CBP Form 19 protest under 19 CFR 174.13(a) needs that the
//! entry data holds, with empty columns for what the broker must add) and `court-IMPORTER-DATE.xlsx`
//! (the entries whose route is, or may become, the Court of International Trade, with the safe
//! date, the later readings and why each is there), each sorted by its deadline.
//!
//! The court packet and the per-importer court dates hold the same entries: every entry for which
//! a court deadline matters and can be dated, whatever its path (`court`, and `review`,
//! `phase-3`, `later-phase`, `protest`, which keep the court date in view), except the entries
//! CAPE is refunding (`cape`, `correct-first`, `done`, accepted on a claim) and those whose suit
//! is recorded. See [`court_route`].
//!
//! The cells are typed so that Excel sorts and sums them: dates as dates, money as numbers with
//! a currency format, entry numbers and codes as text (so that no zero is lost and nothing reads
//! as a formula). Nothing here judges an entry: which entries belong in which packet follows from
//! the path engine's decision.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use capekit_core::deadline::{Deadline, DeadlineKind};
use capekit_core::known::KnownState;
use capekit_core::path::EntryPath;
use jiff::civil::Date;
use rust_xlsxwriter::XlsxError;

use crate::names::{Kind, Whose, output_name};
use crate::plan_out::{Plan, PlannedEntry, UNKNOWN_IMPORTER};
use crate::sheet::{Book, Column, Value, column};

/// Which packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PacketKind {
    /// Protests to file (19 USC 1514), before liquidation + 180 days.
    Protest,
    /// Suits for counsel (28 USC 1581(i), or 1581(a) after a denied protest).
    Court,
}

impl PacketKind {
    fn name_kind(self) -> Kind {
        match self {
            Self::Protest => Kind::ProtestPacket,
            Self::Court => Kind::CourtPacket,
        }
    }
}

/// One packet: an importer's entries on one path, in deadline order.
#[derive(Debug, Clone)]
pub struct Packet<'a> {
    /// Which packet.
    pub kind: PacketKind,
    /// The importer; `None` for entries without an importer number.
    pub importer: Option<Arc<str>>,
    /// `protest-IMPORTER-DATE.xlsx`.
    pub file_name: String,
    /// The entries, soonest deadline first.
    pub entries: Vec<&'a PlannedEntry>,
}

/// The deadline a protest packet is sorted and dated by: a protest still to file, whose date
/// has not passed (an open or filed protest needs none).
fn protest_deadline(e: &PlannedEntry) -> Option<Deadline> {
    e.decision
        .deadlines_that_matter()
        .find(|d| d.kind == DeadlineKind::Protest && !d.passed())
}

/// The court date to calendar: the earliest reading still ahead of 1581(a) and 1581(i).
fn court_deadline(e: &PlannedEntry) -> Option<Deadline> {
    e.decision.deadlines.court_safe()
}

/// An entry the ledger knows as accepted on a claim: its refund comes through CAPE, and no
/// protest or suit is prepared for it.
fn accepted(e: &PlannedEntry) -> bool {
    matches!(e.known, Some(KnownState::Accepted { .. }))
}

/// Is the entry's route the court, or may it become the court? Every entry for which a court
/// deadline matters (the path engine's `matter`) and can be dated: the `court` path, and the
/// paths that keep the court date in view beside their own — `review` (nobody knows yet which
/// route holds), `phase-3` (until the Phase 3 submission is recorded), `later-phase` (while a
/// later CAPE phase is awaited) and `protest` (1581(i) runs beside the protest, since which
/// route fits IEEPA duty is disputed). Not the entries CAPE is refunding: `cape` and
/// `correct-first` (their court readings are only later readings of a refund under way), `done`,
/// `not-refundable`, an entry the ledger knows as accepted, nor an entry whose suit is recorded
/// (`capekit ledger acted --suit`): its court deadlines no longer matter, and counsel has it.
fn court_route(e: &PlannedEntry) -> bool {
    if accepted(e) {
        return false;
    }
    e.decision
        .matter
        .iter()
        .any(|k| matches!(k, DeadlineKind::Court1581i | DeadlineKind::Court1581a))
}

/// Why the entry is in the court packet, for counsel: what its path leaves to the court.
fn why_court(e: &PlannedEntry) -> String {
    let rules = e.decision.reasons.join(" ");
    match e.decision.path {
        EntryPath::Court => "only the court remains: CAPE and a protest can no longer take it".to_owned(),
        EntryPath::Review => format!(
            "review ({rules}): a person must settle its path; until then the court date is kept, and it may be the only route left"
        ),
        EntryPath::Phase3 => "phase-3: CAPE Phase 3 may refund it; the court date is kept until the Phase 3 submission is recorded".to_owned(),
        EntryPath::LaterPhase => "later-phase: CAPE does not take it in phase 1; the court date runs while a later phase is awaited".to_owned(),
        EntryPath::Protest => "protest: the 28 USC 1581(i) date runs beside the protest, since which route fits IEEPA duty is disputed".to_owned(),
        other => format!("{other}: a court deadline matters for it"),
    }
}

/// Every packet of the plan: per importer, protest packets first, in importer order.
pub fn packets(plan: &Plan) -> Vec<Packet<'_>> {
    let mut by: BTreeMap<(PacketKind, Option<Arc<str>>), Vec<&PlannedEntry>> = BTreeMap::new();
    for e in plan.entries.iter().filter(|e| !accepted(e)) {
        let importer = e.importer_number.clone().filter(|n| !n.trim().is_empty());
        if protest_deadline(e).is_some() && e.decision.path != EntryPath::Cape {
            by.entry((PacketKind::Protest, importer.clone()))
                .or_default()
                .push(e);
        }
        if court_route(e) && court_deadline(e).is_some() {
            by.entry((PacketKind::Court, importer)).or_default().push(e);
        }
    }
    by.into_iter()
        .map(|((kind, importer), mut entries)| {
            let key = |e: &&PlannedEntry| {
                let d = match kind {
                    PacketKind::Protest => protest_deadline(e),
                    PacketKind::Court => court_deadline(e),
                };
                (d.map(|d| d.date), e.entry_number)
            };
            entries.sort_by_key(key);
            let whose = Whose {
                importer: Some(importer.as_deref().unwrap_or(UNKNOWN_IMPORTER)),
                ..Whose::default()
            };
            Packet {
                kind,
                file_name: output_name(kind.name_kind(), whose, plan.as_of, None),
                importer,
                entries,
            }
        })
        .collect()
}

fn orders(e: &PlannedEntry) -> String {
    e.facts
        .orders
        .iter()
        .map(|o| format!("{} ({})", o.range, o.order))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The columns of a packet (machine names, see [`crate::sheet::column`]) with their widths.
fn packet_columns(kind: PacketKind) -> (&'static str, &'static [(&'static str, f64)]) {
    match kind {
        PacketKind::Protest => (
            "Protests",
            &[
                ("importer_number", 16.0),
                ("importer_name", 28.0),
                ("port", 8.0),
                ("entry_number", 14.0),
                ("entry_type", 8.0),
                ("entry_date", 12.0),
                ("liquidation_date", 12.0),
                ("ieepa_lines", 8.0),
                ("chapter_99_headings", 36.0),
                ("ieepa_duty", 14.0),
                ("protest_due", 12.0),
                ("days_left", 8.0),
                ("drawback_linked", 10.0),
                ("path", 12.0),
                ("rules", 12.0),
                // For the broker to fill (19 CFR 174.13(a)).
                ("protestant_name_and_address", 30.0),
                ("decision_protested", 30.0),
                ("grounds_and_reasons", 40.0),
                ("protest_number", 16.0),
                ("filed_on", 12.0),
            ],
        ),
        PacketKind::Court => (
            "Court",
            &[
                ("importer_number", 16.0),
                ("importer_name", 28.0),
                ("entry_number", 14.0),
                ("entry_date", 12.0),
                ("deposit_date", 12.0),
                ("liquidation_date", 12.0),
                ("chapter_99_headings", 36.0),
                ("ieepa_duty", 14.0),
                ("route", 14.0),
                ("why_court", 40.0),
                ("safe_last_day", 12.0),
                ("days_left", 8.0),
                ("counted_from", 50.0),
                ("court_1581i_earliest", 12.0),
                ("deposit_plus_2_years", 12.0),
                ("liquidation_plus_2_years", 12.0),
                ("path", 12.0),
                ("rules", 12.0),
                // For counsel to fill.
                ("counsel", 24.0),
                ("court_number", 16.0),
                ("filed_on", 12.0),
            ],
        ),
    }
}

/// One entry's row of a packet, typed: dates as dates, money as cents, entry numbers and codes
/// as text; the columns for the broker or counsel to fill are left out (blank).
fn packet_row<'a>(kind: PacketKind, e: &'a PlannedEntry) -> Vec<Value<'a>> {
    let text = |s: &'a str| Value::Text(Cow::Borrowed(s));
    let date = |d: Option<Date>| d.map_or(Value::Blank, Value::Date);
    let importer = text(e.importer_number.as_deref().unwrap_or(""));
    let name = text(e.importer_name.as_deref().unwrap_or(""));
    let rules = Value::Text(Cow::Owned(e.decision.reasons.join(" ")));
    let f = &e.facts;
    match kind {
        PacketKind::Protest => {
            let due = protest_deadline(e);
            let drawback = match f.drawback {
                Some(true) => "yes",
                Some(false) => "no",
                None => "not in the file",
            };
            vec![
                importer,
                name,
                text(f.port.as_deref().unwrap_or("")),
                text(e.entry_number.as_str()),
                text(f.entry_type.as_deref().unwrap_or("")),
                date(f.entry_date),
                date(f.liquidation_date),
                Value::Number(f64::from(f.ieepa_lines)),
                Value::Text(Cow::Owned(orders(e))),
                Value::Cents(e.ieepa_duty_cents),
                date(due.map(|d| d.date)),
                due.map_or(Value::Blank, |d| Value::Number(f64::from(d.days_left))),
                text(drawback),
                text(e.decision.path.as_str()),
                rules,
            ]
        }
        PacketKind::Court => {
            let dl = e.decision.deadlines;
            let safe = court_deadline(e);
            vec![
                importer,
                name,
                text(e.entry_number.as_str()),
                date(f.entry_date),
                date(f.entry_summary_date),
                date(f.liquidation_date),
                Value::Text(Cow::Owned(orders(e))),
                Value::Cents(e.ieepa_duty_cents),
                text(match safe.map(|d| d.kind) {
                    Some(DeadlineKind::Court1581a) => "28 USC 1581(a)",
                    _ => "28 USC 1581(i)",
                }),
                Value::Text(Cow::Owned(why_court(e))),
                date(safe.map(|d| d.date)),
                safe.map_or(Value::Blank, |d| Value::Number(f64::from(d.days_left))),
                safe.map_or(Value::Blank, |d| {
                    Value::Text(Cow::Owned(d.basis.to_string()))
                }),
                date(dl.court_due.map(|d| d.date)),
                date(dl.court_readings.deposit),
                date(dl.court_readings.liquidation),
                text(e.decision.path.as_str()),
                rules,
            ]
        }
    }
}

/// The packet as a workbook.
pub fn packet_xlsx(packet: &Packet<'_>) -> Result<Vec<u8>, XlsxError> {
    packet_book(packet)?.finish()
}

/// [`packet_xlsx`], written into `file`.
pub fn packet_xlsx_to(packet: &Packet<'_>, file: &mut std::fs::File) -> Result<(), XlsxError> {
    packet_book(packet)?.finish_to(file)
}

fn packet_book(packet: &Packet<'_>) -> Result<Book, XlsxError> {
    let (name, headers) = packet_columns(packet.kind);
    let columns: Vec<Column> = headers.iter().map(|(h, _)| column(h)).collect();
    let widths: Vec<f64> = headers.iter().map(|(_, w)| *w).collect();
    let mut book = Book::new();
    book.typed_sheet(
        name,
        &columns,
        &widths,
        packet.entries.iter().map(|e| packet_row(packet.kind, e)),
    )?;
    Ok(book)
}

/// Court dates grouped per importer: `(importer, date, entries, IEEPA duty in cents)`, soonest
/// first, so that one date shared by many entries reads as one deadline.
pub fn court_dates_by_importer(plan: &Plan) -> Vec<(Option<Arc<str>>, Date, usize, i64)> {
    // (date, importer) -> (entries, cents)
    type Key = (Date, Option<Arc<str>>);
    let mut by: BTreeMap<Key, (usize, i64)> = BTreeMap::new();
    for e in plan.entries.iter().filter(|e| court_route(e)) {
        if let Some(d) = court_deadline(e).filter(|d| !d.passed()) {
            let slot = by.entry((d.date, e.importer_number.clone())).or_default();
            slot.0 += 1;
            slot.1 = slot.1.saturating_add(e.ieepa_duty_cents);
        }
    }
    by.into_iter()
        .map(|((date, importer), (n, cents))| (importer, date, n, cents))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan_out::{PlanOptions, build_plan};
    use calamine::{Data, Reader, Xlsx};
    use capekit_core::EntryNumber;
    use capekit_core::path::EntryData;
    use jiff::civil::date;

    fn liquidated(i: u32, importer: &str, on: Date, heading: &str) -> EntryData {
        let mut e = EntryData::new(EntryNumber::from_parts("B76", i).expect("number"), 2);
        e.rows = 1;
        e.importer_number = Some(importer.into());
        e.entry_type = Some("01".into());
        e.port = Some("2704".into());
        e.entry_date = Some(date(2025, 4, 10));
        e.entry_summary_date = Some(date(2025, 4, 17));
        e.liquidation_status = Some("Liquidated".into());
        e.liquidation_date = Some(on);
        e.ieepa_lines = 1;
        e.ieepa_dutiable_lines = 1;
        e.ieepa_duty_cents = 123_456;
        e.ieepa_orders.add_heading(heading);
        e
    }

    fn plan_of(entries: Vec<EntryData>) -> Plan {
        let set = crate::plan_out::tests::set("es003.csv", entries);
        build_plan(
            vec![set],
            &PlanOptions {
                as_of: date(2026, 11, 24),
                ..PlanOptions::default()
            },
        )
    }

    #[test]
    fn court_dates_sum_huge_duties_without_wrapping() {
        // Regression: two entries of the same court date summed with `+=`: past i64::MAX cents
        // the total wrapped negative (a panic in a debug build).
        let mut a = liquidated(3, "IOR-B", date(2026, 3, 1), "99030110");
        let mut b = liquidated(4, "IOR-B", date(2026, 3, 1), "99030110");
        a.ieepa_duty_cents = i64::MAX / 2 + 1;
        b.ieepa_duty_cents = i64::MAX / 2 + 1;
        let plan = plan_of(vec![a, b]);
        let dates = court_dates_by_importer(&plan);
        assert_eq!(dates.len(), 1, "{dates:?}");
        assert_eq!(dates[0].2, 2);
        assert_eq!(dates[0].3, i64::MAX, "held at the bound, never negative");
        assert!(plan.totals.iter().all(|t| t.ieepa_duty_cents >= 0));
    }

    #[test]
    fn packets_per_importer_sorted_by_deadline_with_typed_cells() {
        let plan = plan_of(vec![
            liquidated(1, "IOR-A", date(2026, 7, 1), "99030125"),
            liquidated(2, "IOR-A", date(2026, 6, 10), "99030125"),
            liquidated(3, "IOR-B", date(2026, 3, 1), "99030110"),
        ]);
        let ps = packets(&plan);
        let names: Vec<&str> = ps.iter().map(|p| p.file_name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "protest-IOR-A-2026-11-24.xlsx",
                // The protests' 1581(i) date runs beside them: IOR-A's entries may become the
                // court's too.
                "court-IOR-A-2026-11-24.xlsx",
                "court-IOR-B-2026-11-24.xlsx"
            ]
        );
        // Soonest protest first.
        assert_eq!(
            ps[0].entries[0].entry_number,
            EntryNumber::from_parts("B76", 2).expect("n")
        );

        let bytes = packet_xlsx(&ps[0]).expect("xlsx");
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("open");
        let range = wb.worksheet_range("Protests").expect("sheet");
        let row: Vec<&Data> = range.rows().nth(1).expect("row").iter().collect();
        assert!(
            matches!(row[3], Data::String(s) if s.len() == 11),
            "{:?}",
            row[3]
        );
        assert!(matches!(row[2], Data::String(s) if s == "2704"));
        assert!(matches!(row[6], Data::DateTime(_)), "{:?}", row[6]);
        assert!(
            matches!(row[9], Data::Float(f) if (*f - 1234.56).abs() < 1e-9),
            "{:?}",
            row[9]
        );
        assert!(matches!(row[10], Data::DateTime(_)));

        let bytes = packet_xlsx(&ps[2]).expect("xlsx");
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("open");
        let range = wb.worksheet_range("Court").expect("sheet");
        let row: Vec<&Data> = range.rows().nth(1).expect("row").iter().collect();
        assert!(matches!(row[8], Data::String(s) if s == "28 USC 1581(i)"));
        assert!(matches!(&row[9], Data::String(s) if s.starts_with("only the court remains")));
        assert!(matches!(row[10], Data::DateTime(_)));
        assert!(matches!(row[12], Data::String(s) if s.contains("EO 14193")));

        let header: Vec<String> = range
            .rows()
            .next()
            .expect("header")
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(header[2], "Entry number");
        assert_eq!(header[9], "Why the court");
        assert_eq!(header[10], "Safe last day");

        let grouped = court_dates_by_importer(&plan);
        let b: Vec<_> = grouped
            .iter()
            .filter(|g| g.0.as_deref() == Some("IOR-B"))
            .collect();
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].1, date(2027, 2, 1));
        let (_, a) = packet_columns(ps[1].kind);
        let why = a.iter().position(|(h, _)| *h == "why_court").expect("why");
        let bytes = packet_xlsx(&ps[1]).expect("xlsx");
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("open");
        let range = wb.worksheet_range("Court").expect("sheet");
        let row: Vec<&Data> = range.rows().nth(1).expect("row").iter().collect();
        assert!(
            matches!(row[why], Data::String(s) if s.starts_with("protest:")),
            "{:?}",
            row[why]
        );
    }

    #[test]
    fn a_recorded_suit_takes_the_entry_out_of_the_court_packet_and_dates() {
        let court = liquidated(3, "IOR-B", date(2026, 3, 1), "99030110");
        let mut context = capekit_core::path::PathContext::default();
        context.acts.insert(
            court.entry_number,
            vec![capekit_core::deadline::Act {
                kind: capekit_core::deadline::ActKind::Suit,
                reference: Some("26-00123".into()),
                on: date(2026, 11, 20),
            }],
        );
        let set = crate::plan_out::tests::set("es003.csv", vec![court]);
        let plan = build_plan(
            vec![set],
            &PlanOptions {
                as_of: date(2026, 11, 24),
                context,
                ..PlanOptions::default()
            },
        );
        let e = &plan.entries[0];
        assert_eq!(e.decision.path, EntryPath::Court);
        assert!(
            e.what_to_do(None)
                .starts_with("suit 26-00123 filed 2026-11-20")
        );
        assert!(packets(&plan).is_empty());
        assert!(court_dates_by_importer(&plan).is_empty());
    }

    #[test]
    fn the_plan_worklist_workbook_holds_dates_amounts_and_days_as_excel_does() {
        let plan = plan_of(vec![liquidated(1, "IOR-A", date(2026, 7, 1), "99030125")]);
        let table = crate::plan_out::worklist_table(&plan);
        for h in &table.headers {
            assert!(crate::sheet::is_known_column(h), "{h}");
        }
        let col = |name: &str| {
            table
                .headers
                .iter()
                .position(|h| *h == name)
                .expect("column")
        };
        let bytes = crate::sheet::to_xlsx("Worklist", &table).expect("xlsx");
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("open");
        let range = wb.worksheet_range("Worklist").expect("sheet");
        let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
        assert_eq!(
            rows[0][col("what_to_do")],
            Data::String("What to do".into())
        );
        assert_eq!(
            rows[0][col("entry_number")],
            Data::String("Entry number".into())
        );
        let row = &rows[1];
        assert!(matches!(&row[col("entry_number")], Data::String(s) if s.len() == 11));
        assert!(matches!(&row[col("importer_number")], Data::String(s) if s == "IOR-A"));
        assert!(
            matches!(row[col("protest_due")], Data::DateTime(_)),
            "{:?}",
            row[col("protest_due")]
        );
        assert!(
            matches!(row[col("protest_days_left")], Data::Float(f) if f == f.trunc() && f > 0.0),
            "{:?}",
            row[col("protest_days_left")]
        );
        assert_eq!(row[col("ieepa_duty")], Data::Float(1234.56));
        for p in packets(&plan) {
            let (_, columns) = packet_columns(p.kind);
            for (h, _) in columns {
                assert!(crate::sheet::is_known_column(h), "{h}");
            }
        }
    }
}
