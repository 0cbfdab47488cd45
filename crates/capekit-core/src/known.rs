//! What the ledger knows of an entry, handed to `check`, `fix` and `triage` as plain data.
//!
//! The ledger (SQLite) lives outside the domain crate so that the domain stays free of I/O: the
//! caller asks the ledger about the entries at hand and passes the answer in. Only the two facts
//! that forbid declaring an entry again are carried (CAPE.md sections 3 and 4): it was accepted
//! on a claim, or it is on a declaration CBP has not answered yet.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::Serialize;

use crate::entry::EntryNumber;

/// Why an entry must not go on a new declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum KnownState {
    /// Accepted on an earlier claim: never declare it again.
    Accepted {
        /// The claim that accepted it.
        claim: String,
    },
    /// On an earlier declaration (or a refile file capekit wrote) with no claim outcome recorded
    /// since: CBP may still have it queued, and a resubmission conflicts later.
    Pending {
        /// The declaration file.
        declaration: String,
        /// When the ledger recorded that declaration.
        declared_at: Timestamp,
    },
}

impl KnownState {
    /// One clause for messages: `accepted on claim 100000241223` or
    /// `still pending on refile.csv (recorded 2026-11-24 10:00 UTC)`.
    pub fn describe(&self) -> String {
        match self {
            Self::Accepted { claim } => format!("accepted on claim {claim}"),
            Self::Pending {
                declaration,
                declared_at,
            } => format!(
                "still pending on {declaration} (recorded {})",
                declared_at.strftime("%Y-%m-%d %H:%M UTC")
            ),
        }
    }
}

/// The ledger's answers for the entries at hand; entries it knows nothing blocking about are
/// absent.
pub type Known = HashMap<EntryNumber, KnownState>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_both_states() {
        let a = KnownState::Accepted {
            claim: "100000241223".into(),
        };
        assert_eq!(a.describe(), "accepted on claim 100000241223");
        let p = KnownState::Pending {
            declaration: "refile.csv".into(),
            declared_at: Timestamp::UNIX_EPOCH,
        };
        assert_eq!(
            p.describe(),
            "still pending on refile.csv (recorded 1970-01-01 00:00 UTC)"
        );
    }
}
