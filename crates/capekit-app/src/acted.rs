//! What was done on another path for some entries (a protest filed, a suit, a PSC, a Phase 3
//! submission), recorded so that the deadline it meets stops alarming. The day it was done is
//! checked against each entry's dates first (`capekit_core::deadline::check_act_date`): an act
//! before the entry existed, or in the future, is refused, and nothing is recorded.

use capekit_core::EntryNumber;
use capekit_core::deadline::ActKind;
use capekit_ledger::{Ledger, LedgerError};
use jiff::civil::Date;

/// What recording an act did.
#[derive(Debug)]
pub struct Acted {
    /// Entries the act was recorded for.
    pub recorded: usize,
    /// What the dates say that the user should know, each naming its entry.
    pub warnings: Vec<String>,
    /// Entries whose entry date the ledger does not hold: the day was not checked against it.
    pub unchecked: Vec<EntryNumber>,
    /// Entries the ledger holds no entry data for at all (no ES-003 of them read): the act is
    /// recorded, but no plan or status can show it until their data is imported.
    pub unknown: Vec<EntryNumber>,
    /// For a Phase 3 submission, the entries whose importer the ledger does not know as a Phase
    /// 3 importer (sued in the CIT, IOR submitted by the cutoff), with that importer when
    /// known: Phase 3 takes only those importers' entries.
    pub not_phase3: Vec<(EntryNumber, Option<String>)>,
}

/// Why an act was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum ActedError {
    /// The ledger refused.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The day cannot be the act's for this entry: why.
    #[error("entry {entry}: {why}")]
    Date {
        /// The entry.
        entry: EntryNumber,
        /// Why.
        why: String,
    },
}

impl ActedError {
    /// The ledger's error, when the ledger refused.
    pub fn ledger(&self) -> Option<&LedgerError> {
        match self {
            Self::Ledger(e) => Some(e),
            Self::Date { .. } => None,
        }
    }
}

/// Records that `kind` was done on `on` for `entries` (with its protest or suit number), after
/// checking the day against each entry's dates as of `today`; nothing is recorded when one
/// entry's check fails.
pub fn record(
    ledger: &mut Ledger,
    entries: &[EntryNumber],
    kind: ActKind,
    reference: Option<&str>,
    on: Date,
    today: Date,
) -> Result<Acted, ActedError> {
    let facts = ledger.act_facts(entries)?;
    let mut warnings = Vec::new();
    let mut unchecked = Vec::new();
    let mut unknown = Vec::new();
    let mut not_phase3 = Vec::new();
    let mut phase3 = capekit_core::path::PathContext::default();
    if kind == ActKind::Phase3 {
        for (importer, submitted) in ledger.phase3_importers()? {
            phase3.add_phase3_importer(&importer, submitted);
        }
    }
    for n in entries {
        let f = facts.get(n);
        if f.is_none() {
            unknown.push(*n);
        }
        if kind == ActKind::Phase3 {
            let importer = f.and_then(|f| f.importer.clone());
            if phase3.phase3(importer.as_deref()) != Some(true) {
                not_phase3.push((*n, importer));
            }
        }
        let deadlines = f.map_or(&[][..], |f| f.deadlines.as_slice());
        let entry_date = f.and_then(|f| f.entry_date);
        match capekit_core::deadline::check_act_date(kind, on, today, entry_date, deadlines) {
            Ok(w) => warnings.extend(w.into_iter().map(|w| format!("{}: {w}", n.as_str()))),
            Err(why) => return Err(ActedError::Date { entry: *n, why }),
        }
        if entry_date.is_none() {
            unchecked.push(*n);
        }
    }
    let recorded = ledger.record_act(entries, kind, reference, on)?;
    Ok(Acted {
        recorded,
        warnings,
        unchecked,
        unknown,
        not_phase3,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_act_dated_after_today_is_refused_and_nothing_recorded() {
        let mut l = Ledger::open_in_memory().expect("ledger");
        let e = EntryNumber::parse("B7644100003").expect("entry");
        let today: Date = "2026-11-24".parse().expect("date");
        let err = record(
            &mut l,
            &[e],
            ActKind::Protest,
            Some("270426100281"),
            "2026-11-25".parse().expect("date"),
            today,
        )
        .expect_err("refused");
        assert!(
            matches!(err, ActedError::Date { entry, .. } if entry == e),
            "{err}"
        );
        assert!(
            l.acts(&[e])
                .expect("acts")
                .get(&e)
                .is_none_or(Vec::is_empty)
        );
        let done = record(
            &mut l,
            &[e],
            ActKind::Protest,
            Some("270426100281"),
            today,
            today,
        )
        .expect("recorded");
        assert_eq!(done.recorded, 1);
        // No entry data: the day was not checked against an entry date, and it says so.
        assert_eq!(done.unchecked, vec![e]);
        assert_eq!(l.acts(&[e]).expect("acts")[&e].len(), 1);
    }

    #[test]
    fn an_unknown_entry_and_a_phase3_submission_outside_phase3_importers_are_named() {
        let mut l = Ledger::open_in_memory().expect("ledger");
        let e = EntryNumber::parse("B7644100003").expect("entry");
        let today: Date = "2026-11-24".parse().expect("date");
        let done = record(&mut l, &[e], ActKind::Phase3, None, today, today).expect("recorded");
        assert_eq!(done.recorded, 1);
        assert_eq!(done.unknown, vec![e]);
        assert_eq!(done.not_phase3, vec![(e, None)]);
        // A protest is not a Phase 3 submission: no Phase 3 check.
        let done = record(&mut l, &[e], ActKind::Protest, None, today, today).expect("recorded");
        assert!(done.not_phase3.is_empty());
        // An importer answered `no` is not a Phase 3 importer either.
        l.record_phase3_importers(&[("27-1".to_owned(), false)])
            .expect("importers");
        let done = record(&mut l, &[e], ActKind::Phase3, None, today, today).expect("recorded");
        assert_eq!(done.not_phase3.len(), 1);
    }
}
