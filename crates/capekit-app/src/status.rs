//! What the ledger holds, as `capekit ledger status` and the workbench's start page show it:
//! the ledger's own counts and the deadlines it recorded with each entry's data, with the
//! rejected entries judged again as of the day asked about.
//!
//! The ledger keeps the deadlines that matter for the path an entry's data gave it (a `cape`
//! entry: its CAPE window). Once CBP rejected the entry, what matters is what the rejection asks
//! for: a post-summary correction (and its PSC date), a protest, the court. That is the domain's
//! answer ([`capekit_core::refine::rejudge`], as `triage` and `refile` give it), not the
//! ledger's, so it is made here.

use std::collections::HashMap;

use capekit_core::EntryNumber;
use capekit_core::deadline::nearest_open;
use capekit_ledger::{EntryDeadline, EntryState, Ledger, LedgerError, LedgerStatus};
use jiff::civil::Date;

/// [`Ledger::status_as_of`] `today`, each rejected entry whose data the ledger keeps listed at the
/// nearest open deadline its rejection makes matter (a PSC due before the CAPE window closes,
/// say), not the one its path gave before the rejection.
pub fn status(ledger: &Ledger, today: Date) -> Result<LedgerStatus, LedgerError> {
    let (mut status, states) = ledger.status_and_states_as_of(today)?;
    let rejected: Vec<(EntryNumber, String, String)> = states
        .iter()
        .filter_map(|(e, s)| match s {
            EntryState::Rejected { claim, message, .. } => {
                Some((*e, claim.clone(), message.clone()))
            }
            _ => None,
        })
        .collect();
    let rejected_set: std::collections::HashSet<EntryNumber> =
        rejected.iter().map(|(e, _, _)| *e).collect();
    // Entries whose recorded court date passed: a later reading may be ahead (the entry's data
    // tells), and it is the last chance left, so it is listed, not dropped as passed.
    // And entries acted on since their plan (a protest filed takes one off the CAPE path, a
    // suit meets the court date): judged again as the next plan would, with what was done.
    let mut again: Vec<EntryNumber> = ledger.entries_past_their_court_date(today)?;
    again.extend(ledger.entries_with_acts()?);
    again.sort_unstable();
    again.dedup();
    let past_court: Vec<EntryNumber> = again
        .into_iter()
        .filter(|e| !rejected_set.contains(e))
        .filter(|e| !matches!(states.get(e), Some(EntryState::Accepted { .. }) | None))
        .collect();
    if rejected.is_empty() && past_court.is_empty() {
        capekit_ledger::keep_nearest_deadlines(&mut status.deadlines);
        return Ok(status);
    }
    let records = ledger.entry_records(
        rejected
            .iter()
            .map(|(e, _, _)| *e)
            .chain(past_court.iter().copied()),
    )?;
    let mut by_entry: HashMap<EntryNumber, EntryDeadline> =
        status.deadlines.drain(..).map(|d| (d.entry, d)).collect();
    let mut ctx = capekit_core::path::PathContext {
        acts: ledger.acts(&past_court)?,
        ..Default::default()
    };
    for (importer, submitted) in ledger.phase3_importers()? {
        ctx.add_phase3_importer(&importer, submitted);
    }
    for e in &past_court {
        let Some(data) = records.data.get(e) else {
            continue;
        };
        let decision = capekit_core::path::decide_with(data, today, &ctx);
        let Some(d) = nearest_open(
            decision
                .deadlines
                .iter()
                .filter(|d| decision.matter.contains(d.kind)),
        ) else {
            // Nothing left to watch (a suit filed, say): no longer listed.
            by_entry.remove(e);
            continue;
        };
        let state = states.get(e).map_or("unknown", EntryState::name);
        let importer = data.importer_number.as_deref().map(str::to_owned);
        by_entry.insert(*e, EntryDeadline::of(d, *e, importer, state));
    }
    for (e, claim, message) in &rejected {
        let Some(data) = records.data.get(e) else {
            continue;
        };
        let row = capekit_core::refine::rejudge(*e, claim, message, Some(data), today);
        let Some(d) = nearest_open(row.deadlines.iter().copied()) else {
            continue;
        };
        let importer = data
            .importer_number
            .as_deref()
            .map(str::to_owned)
            .or_else(|| by_entry.get(e).and_then(|x| x.importer.clone()));
        by_entry.insert(*e, EntryDeadline::of(d, *e, importer, "rejected"));
    }
    let mut deadlines: Vec<EntryDeadline> = by_entry.into_values().collect();
    status.deadlines_total = capekit_ledger::keep_nearest_deadlines(&mut deadlines);
    status.deadlines = deadlines;
    Ok(status)
}
