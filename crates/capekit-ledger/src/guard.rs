//! The duplicate guard of a triage: what the ledger knows keeps entries off the next declaration.
//!
//! Shared by `capekit triage` and the web workbench, so that both leave out the same entries for
//! the same reasons: an entry accepted on a claim this triage did not see, or still pending on an
//! earlier declaration, never goes on a refile list.

use std::collections::HashSet;

use capekit_core::known::{Known, KnownState};
use capekit_core::triage::{TriageInput, TriageReport, triage};

use crate::{Except, Ledger, Result};

impl Ledger {
    /// Asks about the entries of the refile list and the corrected ones; when the ledger knows
    /// some as accepted on a claim this triage did not see, or as still pending, runs the triage
    /// again with that knowledge, which leaves them off the refile list with the reason.
    ///
    /// `report` must be `triage(input)`.
    pub fn guard_triage(&self, input: &mut TriageInput, report: &mut TriageReport) -> Result<()> {
        self.guard_triage_except(input, report, &Except::none())
            .map(drop)
    }

    /// [`Ledger::guard_triage`], with the declarations `except` names set aside: the drafts of
    /// the folder the new refile file goes to, which it supersedes. True when the report
    /// changed.
    ///
    /// It may run again on its own result (inside a [`crate::Reservation`], to see drafts
    /// recorded since): the entries `input.known` already names are asked again with the rest,
    /// so an entry kept off before stays off while the ledger still holds it, and comes back
    /// once it is free.
    pub fn guard_triage_except(
        &self,
        input: &mut TriageInput,
        report: &mut TriageReport,
        except: &Except,
    ) -> Result<bool> {
        let mut ask = report.refile.entries.clone();
        ask.extend(input.corrected.iter().copied());
        ask.extend(input.known.keys().copied());
        let here: HashSet<&str> = report.claims.iter().map(|c| &*c.claim_number).collect();
        // An acceptance on a claim of this triage is already in the report, with the same reason.
        let known: Known = self
            .known_except(&ask, except)?
            .into_iter()
            .filter(|(_, k)| {
                !matches!(k, KnownState::Accepted { claim } if here.contains(claim.as_str()))
            })
            .collect();
        if known == input.known {
            return Ok(false);
        }
        input.known = known;
        *report = triage(input, report.as_of);
        Ok(true)
    }
}
