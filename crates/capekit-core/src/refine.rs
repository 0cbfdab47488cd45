//! Triage refined with entry data: what CBP's message means for this entry, with its dates.
//!
//! A message alone cannot say whether a protest is still possible or whether a reconciliation
//! flag still blocks an entry: that takes the entry's liquidation date, type and flags from ACE's
//! ES-003 export. `capekit triage --entries FILE` hands those to [`refine`], which runs the path
//! engine ([`crate::path::decide`]) on each rejected or missing entry and rewrites its advice:
//! the protest deadline of a final-liquidation rejection (or that it has passed), the withdrawal
//! option of a protest rejection inside the 80-day window, the decision a reconciliation flag
//! needs, and the column that would decide a `review` row.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::catalog::{Action, RECON_CHANGE};
use crate::entry::EntryNumber;
use crate::path::{Column, Decision, EntryData, Path, decide};
use crate::triage::{EntryResult, Outcome};

/// Per entry, what refinement did (for counts in the summary).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RefineSummary {
    /// Worklist rows with entry data.
    pub with_data: usize,
    /// Worklist rows without entry data (the file did not list them).
    pub without_data: usize,
    /// Rows whose action changed.
    pub action_changed: usize,
}

/// Refines every rejected or missing row with its entry data, as of `as_of`. Triage calls it
/// before choosing the refile list (see [`crate::triage::TriageInput::entry_data`]).
pub fn refine_rows(
    rows: &mut [EntryResult],
    data: &HashMap<EntryNumber, EntryData>,
    as_of: Date,
) -> RefineSummary {
    let mut summary = RefineSummary::default();
    for r in rows.iter_mut().filter(|r| r.outcome != Outcome::Accepted) {
        if r.action == Action::None {
            // Accepted on another claim: nothing to refine.
            continue;
        }
        let Some(entry) = data.get(&r.entry_number) else {
            summary.without_data += 1;
            continue;
        };
        summary.with_data += 1;
        let before = r.action;
        refine_one(r, entry, &decide(entry, as_of), as_of);
        if r.action != before {
            summary.action_changed += 1;
        }
    }
    summary
}

fn add_note(r: &mut EntryResult, note: String) {
    r.note = Some(match r.note.take() {
        Some(prev) => format!("{prev}; {note}"),
        None => note,
    });
}

fn days(n: i32) -> String {
    match n {
        1 => "1 day".to_owned(),
        -1 => "1 day ago".to_owned(),
        n if n < 0 => format!("{} days ago", -n),
        n => format!("{n} days"),
    }
}

fn refine_one(r: &mut EntryResult, entry: &EntryData, d: &Decision, as_of: Date) {
    let liquidation = entry.liquidation_date;
    let window = d.deadlines.cape_window_closes;
    let protest = d.deadlines.protest_due;
    match r.rule {
        // Final liquidation: the protest deadline decides what is left.
        Some("M004") => match (liquidation, protest) {
            (Some(liq), Some(p)) if p.days_left >= 0 => {
                r.what_to_do = format!(
                    "Liquidated on {liq}: CAPE cannot take it. File a protest (19 USC 1514) by {} ({} left).",
                    p.date,
                    days(p.days_left)
                )
                .into();
            }
            (Some(liq), Some(p)) => {
                r.what_to_do = format!(
                    "Liquidated on {liq}; the protest window closed on {}. What remains is the court path (28 USC 1581(i), two years, start date disputed) or a later CAPE phase.",
                    p.date
                )
                .into();
            }
            _ => add_note(
                r,
                format!(
                    "the entry data has no liquidation date: the `{}` column would give the protest deadline",
                    Column::LiquidationDate.header()
                ),
            ),
        },
        // Protest on entry: inside the 80-day window an IEEPA-only protest can be withdrawn.
        Some("M005") => match (liquidation, window, protest) {
            (Some(_), Some(w), _) if w.days_left >= 0 => {
                r.action = Action::CorrectThenRefile;
                r.what_to_do = format!(
                    "The entry is still inside CAPE's 80-day window (closes {}, {} left): if the protest covers IEEPA duty only, withdraw it and refile (list the entry with --corrected); otherwise keep the protest{}.",
                    w.date,
                    days(w.days_left),
                    protest
                        .map(|p| format!(", due {}", p.date))
                        .unwrap_or_default()
                )
                .into();
            }
            (Some(_), _, Some(p)) => {
                r.what_to_do = format!(
                    "Past CAPE's 80-day window: pursue the refund in the protest{}.",
                    if p.days_left >= 0 {
                        format!(
                            " (a new protest is possible until {}, {} left)",
                            p.date,
                            days(p.days_left)
                        )
                    } else {
                        String::new()
                    }
                )
                .into();
            }
            _ => add_note(
                r,
                format!(
                    "the entry data has no liquidation date: the `{}` column decides whether the protest can be withdrawn and the entry refiled",
                    Column::LiquidationDate.header()
                ),
            ),
        },
        // Reconciliation flag after the 2026-06-29 change: the path engine's recon rules decide.
        Some("M003") if as_of >= RECON_CHANGE => match d.path {
            Path::Cape => {
                r.action = Action::Refile;
                r.what_to_do = format!(
                    "Entry type {} with no type 09 reconciliation on file: CBP accepts it since 2026-06-29 - refile.",
                    entry.entry_type.as_deref().unwrap_or("?")
                )
                .into();
            }
            Path::LaterPhase => {
                r.action = Action::OtherPath;
                r.what_to_do = "A type 09 reconciliation covers the entry (or its type is not 01, 02 or 06): not in CAPE now; protest, court or a later phase.".into();
            }
            _ => add_note(r, d.notes.join("; ")),
        },
        _ => {}
    }
    // The entry data itself may take the entry out of CAPE whatever the message said.
    if r.action.refile_once_corrected() {
        match d.path {
            Path::NotRefundable => {
                r.action = Action::NotRefundable;
                r.what_to_do = format!(
                    "The entry data shows no refundable IEEPA duty ({}): nothing to refund through CAPE.",
                    d.reasons.join(", ")
                )
                .into();
            }
            Path::Court => {
                r.action = Action::OtherPath;
                r.what_to_do = format!(
                    "Liquidated more than 180 days ago ({}): CAPE and protest windows have closed; the court path (28 USC 1581(i)) or a later phase.",
                    liquidation.map_or_else(|| "date unknown".to_owned(), |l| l.to_string())
                )
                .into();
            }
            _ => {}
        }
    }
    // Deadlines on every row with data, and the column that would decide a review row.
    if let Some(w) = window {
        add_note(
            r,
            if w.days_left >= 0 {
                format!("CAPE window closes {} ({} left)", w.date, days(w.days_left))
            } else {
                format!("CAPE window closed {}", w.date)
            },
        );
    }
    if r.action == Action::Review && d.path == Path::Review {
        let missing: Vec<&str> = [
            Column::LiquidationDate,
            Column::LiquidationStatus,
            Column::EntryType,
            Column::ReconciliationIndicator,
            Column::ProtestStatus,
        ]
        .into_iter()
        .filter(|c| entry.unknown(*c))
        .map(Column::header)
        .collect();
        if !missing.is_empty() {
            add_note(
                r,
                format!(
                    "the entry data lacks {}: export ES-003 with {} to decide",
                    missing.join(", "),
                    if missing.len() == 1 { "it" } else { "them" }
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::{ClaimRow, TriageInput, TriageReport, triage};
    use jiff::civil::date;

    const AS_OF: Date = date(2026, 11, 24);

    fn n(tx: u32) -> EntryNumber {
        EntryNumber::from_parts("B76", tx).expect("valid")
    }

    fn report(rows: &[(u32, &str)], entry_data: HashMap<EntryNumber, EntryData>) -> TriageReport {
        let input = TriageInput {
            entry_data,
            rows: rows
                .iter()
                .map(|(tx, m)| ClaimRow {
                    file: "c.csv".into(),
                    line: 2,
                    entry: n(*tx),
                    claim: "1".into(),
                    status: Some("Failed".into()),
                    message: (*m).into(),
                    claim_status: None,
                    kind: Default::default(),
                })
                .collect(),
            ..TriageInput::default()
        };
        triage(&input, AS_OF)
    }

    fn data(tx: u32, liquidated_days_ago: Option<i32>) -> EntryData {
        let mut e = EntryData::new(n(tx), 2);
        e.entry_type = Some("01".into());
        e.entry_date = Some(date(2025, 6, 1));
        e.ieepa_duty_cents = 10_000;
        e.ieepa_lines = 1;
        e.ieepa_dutiable_lines = 1;
        e.absent_columns = crate::path::ColumnSet::EMPTY;
        if let Some(d) = liquidated_days_ago {
            e.liquidation_status = Some("Liquidated".into());
            e.liquidation_date = AS_OF.checked_sub(jiff::Span::new().days(d)).ok();
        }
        e
    }

    fn refined(message: &str, entry: EntryData) -> EntryResult {
        let mut r = report(&[(1, message)], [(n(1), entry)].into_iter().collect());
        assert_eq!(r.refined.map(|s| s.with_data), Some(1));
        r.entries.remove(0)
    }

    #[test]
    fn final_liquidation_shows_the_protest_deadline_or_that_it_closed() {
        let open = refined(
            "ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS",
            data(1, Some(100)),
        );
        assert_eq!(open.action, Action::OtherPath);
        assert!(
            open.what_to_do.contains("File a protest"),
            "{}",
            open.what_to_do
        );
        assert!(
            open.what_to_do.contains("80 days left"),
            "{}",
            open.what_to_do
        );
        let closed = refined(
            "ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS",
            data(1, Some(200)),
        );
        assert!(
            closed.what_to_do.contains("protest window closed"),
            "{}",
            closed.what_to_do
        );
    }

    #[test]
    fn protest_inside_the_window_can_be_withdrawn_and_refiled() {
        let inside = refined("PROTEST ON ENTRY", data(1, Some(30)));
        assert_eq!(inside.action, Action::CorrectThenRefile);
        assert!(
            inside.what_to_do.contains("withdraw it and refile"),
            "{}",
            inside.what_to_do
        );
        let outside = refined("PROTEST ON ENTRY", data(1, Some(120)));
        assert_eq!(outside.action, Action::OtherPath);
    }

    #[test]
    fn recon_flag_after_the_change_follows_the_entry_data() {
        let mut e = data(1, None);
        e.reconciliation_indicator = Some("Y".into());
        let r = refined("ENTRY SUMMARY FLAGGED FOR RECON", e);
        assert_eq!(r.action, Action::Refile, "{}", r.what_to_do);
    }

    #[test]
    fn missing_liquidation_column_is_named() {
        let mut e = data(1, None);
        e.absent_columns.insert(Column::LiquidationDate);
        let r = refined("ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS", e);
        assert!(
            r.note.as_deref().unwrap_or("").contains("Liquidation Date"),
            "{:?}",
            r.note
        );
    }

    #[test]
    fn rows_without_data_are_counted_not_changed() {
        let mut other = EntryData::new(n(2), 2);
        other.ieepa_duty_cents = 1;
        let r = report(
            &[(1, "PROTEST ON ENTRY")],
            [(n(2), other)].into_iter().collect(),
        );
        assert_eq!(r.refined.map(|s| s.without_data), Some(1));
        assert_eq!(r.entries[0].action, Action::OtherPath);
    }

    #[test]
    fn a_withdrawn_protest_listed_as_corrected_is_refiled() {
        let input = TriageInput {
            rows: vec![ClaimRow {
                file: "c.csv".into(),
                line: 2,
                entry: n(1),
                claim: "1".into(),
                status: Some("Failed".into()),
                message: "PROTEST ON ENTRY".into(),
                claim_status: None,
                kind: Default::default(),
            }],
            corrected: vec![n(1)],
            entry_data: [(n(1), data(1, Some(30)))].into_iter().collect(),
            ..TriageInput::default()
        };
        let r = triage(&input, AS_OF);
        assert_eq!(r.refile.entries, vec![n(1)]);
        // Without entry data the same list leaves it out: a protest is another path.
        let r = triage(
            &TriageInput {
                entry_data: HashMap::new(),
                ..input
            },
            AS_OF,
        );
        assert!(r.refile.entries.is_empty());
    }
}
