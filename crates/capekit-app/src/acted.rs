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
    for n in entries {
        let f = facts.get(n);
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
}
