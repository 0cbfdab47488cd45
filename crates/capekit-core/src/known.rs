//! What the ledger knows of an entry, handed to `check`, `fix` and `triage` as plain data.
//!
//! The ledger (SQLite) lives outside the domain crate so that the domain stays free of I/O: the
//! caller asks the ledger about the entries at hand and passes the answer in. Only the two facts
//! that forbid declaring an entry again are carried (CBP's quick reference guide, April 2026): it
//! was accepted on a claim, or it is on a declaration CBP has not answered yet; and the one that
//! forbids offering it on a second file: a draft not yet uploaded holds it.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::Serialize;

use crate::catalog::Action;
use crate::entry::EntryNumber;
use crate::triage::Outcome;

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
        /// When it was uploaded (as the user said, else when the ledger recorded it).
        declared_at: Timestamp,
    },
    /// On a draft written earlier and not yet uploaded: the draft holds it, so that two files
    /// never both offer it. Upload the draft, or discard it to release the entry.
    Drafted {
        /// The draft, as a user is shown it.
        declaration: String,
        /// Its number in the ledger, by which a command names it (a workbench draft has no
        /// path a user could type); `None` where only the file is known.
        number: Option<i64>,
        /// When it was written.
        written_at: Timestamp,
    },
    /// Rejected on its latest claim with a message that asks for more than a refile (a
    /// correction, another path, another filer, a review): `plan` keeps it off a new
    /// declaration until that is done. Only `plan` asks for it: a triage judges its own claims,
    /// and a corrected list (`capekit refile --corrected`) says the correction was made.
    Rejected {
        /// The claim that rejected it.
        claim: String,
        /// CBP's message, as written.
        message: String,
        /// What the triage that recorded it said to do.
        action: Action,
    },
}

impl KnownState {
    /// Does a rejection with this action keep the entry off a plan's declaration? Everything
    /// but a plain refile, a retry and a file to fix: those the next declaration is for.
    pub fn rejection_blocks(action: Action) -> bool {
        !matches!(
            action,
            Action::None | Action::Refile | Action::RetryLater | Action::FixFile
        )
    }
}

impl KnownState {
    /// One clause for messages: `accepted on claim 100000241223`,
    /// `still pending on refile.csv (uploaded 2026-11-24 05:00 EST)` or
    /// `on the draft refile.csv, written 2026-11-24 05:00 EST and not marked uploaded`.
    pub fn describe(&self) -> String {
        match self {
            Self::Accepted { claim } => format!("accepted on claim {claim}"),
            Self::Pending {
                declaration,
                declared_at,
            } => format!(
                "still pending on {declaration} (uploaded {})",
                crate::words::shown_time(declared_at)
            ),
            Self::Drafted {
                declaration,
                written_at,
                ..
            } => format!(
                "on the draft {declaration}, written {} and not marked uploaded",
                crate::words::shown_time(written_at)
            ),
            Self::Rejected {
                claim,
                message,
                action,
            } if message.trim().is_empty() => {
                format!("rejected on claim {claim} with no message ({action})")
            }
            Self::Rejected {
                claim,
                message,
                action,
            } => format!("rejected on claim {claim} with `{message}` ({action})"),
        }
    }

    /// What releases the entry, in one clause for messages.
    pub fn remedy(&self) -> String {
        match self {
            Self::Accepted { .. } => "never declare it again".to_owned(),
            Self::Pending { .. } => "do not resubmit - find that declaration's claim in ACE and triage it first; if its upload failed, run `capekit ledger failed FILE`".to_owned(),
            Self::Drafted {
                declaration,
                number,
                ..
            } => {
                let which = number.map_or_else(|| declaration.clone(), |n| format!("'#{n}'"));
                format!(
                    "upload that draft (then `capekit ledger uploaded {which}`), or release its entries with `capekit ledger discard {which}`"
                )
            }
            Self::Rejected {
                action, message, ..
            } => {
                // What "correct first" means depends on the message: a post-summary correction,
                // a protest withdrawn, no reconciliation filed.
                let correct = format!(
                    "do first what CBP's message asks (`capekit explain \"{}\"` says what: a post-summary correction, which is refused once the entry is on a declaration, a protest withdrawn, or no reconciliation entry filed)",
                    message.trim()
                );
                let first = match action {
                    Action::CorrectThenRefile => correct.as_str(),
                    Action::OtherPath => {
                        "its refund is on another path (protest, court or a later CAPE phase): see `capekit explain` for the message"
                    }
                    Action::WrongFiler => {
                        "the importer of record (or the broker that filed it) must declare it from its own account"
                    }
                    Action::NotRefundable => "CAPE has nothing to refund on it",
                    Action::DropDuplicate => {
                        "it is on an earlier declaration: find that declaration's claim in ACE"
                    }
                    Action::WaitForClaim => "wait for the claim of the declaration it is on",
                    _ => {
                        "review CBP's answer first (`capekit ledger entry` shows its history); if it should be declared after all, put it on a declaration yourself and run `capekit check` on it"
                    }
                };
                if *action == Action::CorrectThenRefile {
                    format!(
                        "{first}; once corrected, declare it with `capekit refile --corrected LIST`"
                    )
                } else {
                    first.to_owned()
                }
            }
        }
    }
}

/// The ledger's answers for the entries at hand; entries it knows nothing blocking about are
/// absent.
pub type Known = HashMap<EntryNumber, KnownState>;

/// Where an entry listed as corrected stands when a new declaration is made: what the claims
/// (a triage's, or the ledger's) and the ledger's holds say of it. [`corrected_refusal`] decides
/// from it.
#[derive(Debug, Clone, Copy)]
pub enum Standing<'a> {
    /// Accepted on a claim.
    Accepted {
        /// The claim that accepted it.
        claim: &'a str,
    },
    /// What the ledger knows that keeps it off (accepted elsewhere, pending, on a draft).
    Held(&'a KnownState),
    /// On the declaration its claim answers, but in no claim row: it may still be queued.
    Missing,
    /// Rejected, with the action its strongest message calls for, and the advice given with it
    /// when there is some to repeat.
    Rejected {
        /// What the message calls for.
        action: Action,
        /// What the worklist says to do, repeated in the reason.
        advice: Option<&'a str>,
    },
    /// No claim outcome known: neither a claim file given nor the ledger has one.
    NoOutcome,
}

/// Why an entry the user lists as corrected (or waited for) must stay off the new declaration,
/// or `None` when it may go on it: the one answer of `capekit triage --corrected`, `capekit
/// refile --corrected` and the workbench. An accepted entry is never declared again, a pending
/// or drafted one is held by its declaration (CBP's "ACE Portal: CAPE Declarations" quick
/// reference guide, April 2026: File Uploads and Claim Status); a correction clears only a
/// message whose action is a refile, a correction first, a retry or a file to fix
/// ([`Action::refile_once_corrected`]).
pub fn corrected_refusal(standing: Standing<'_>) -> Option<String> {
    match standing {
        Standing::Accepted { claim } => Some(format!(
            "accepted on claim {claim}: an accepted entry is never declared again"
        )),
        Standing::Held(k) => Some(known_reason(k)),
        Standing::Missing => Some(
            "on the declaration but in no claim file: it may still be queued; find its claim first, or, when the upload's Validation Result File (ACE Portal, CAPE, File Uploads) lists it with an error, triage that file, which releases it"
                .to_owned(),
        ),
        Standing::Rejected { action, .. } if action.refile_once_corrected() => None,
        Standing::Rejected { action, advice } => Some(match advice {
            Some(advice) => {
                format!("its action is `{action}`, which a correction does not change: {advice}")
            }
            None => format!("its action is `{action}`, which a correction does not change"),
        }),
        Standing::NoOutcome => Some(
            "no claim outcome is known for it, so capekit cannot tell whether it was rejected: triage its claim first"
                .to_owned(),
        ),
    }
}

/// Does this answer alone send the entry to the next declaration as it is: a rejection whose
/// action is `refile`, or an upload that failed file validation (`not-filed`, `fix-file`: its
/// entries go on the corrected whole file)? Nothing else does: an accepted entry is never
/// declared again, and a message that asks for a correction, a wait or another path is done
/// first (then the corrected list puts the entry on, [`corrected_refusal`]).
pub fn asks_refile_as_is(outcome: Outcome, action: Action) -> bool {
    matches!(
        (outcome, action),
        (Outcome::Rejected, Action::Refile) | (Outcome::NotFiled, Action::FixFile)
    )
}

/// Why an entry may not go on the next declaration as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotAsIs {
    /// Its answer asks for something else than a refile as it is (it was accepted, or the
    /// message asks for a correction, a wait or another path): what its answer says to do
    /// stands, and a refile list need not repeat it.
    NotAsked(String),
    /// Its answer asks for a refile, but what the ledger knows holds it (accepted on another
    /// claim, pending on a declaration, on a draft): a refile list says so.
    Held(String),
}

impl NotAsIs {
    /// Why, in one clause.
    pub fn reason(&self) -> &str {
        match self {
            Self::NotAsked(r) | Self::Held(r) => r,
        }
    }
}

/// May an entry go on the next declaration as it is (not listed as corrected)? `latest` is the
/// answer that decides for it, as an outcome and an action (where one entry has several, the
/// one that asks for most), `None` when no claim outcome is known since its last declaration;
/// `known` is what the ledger knows that keeps it off. The one rule of `capekit triage`,
/// `capekit refile` and the workbench: see [`asks_refile_as_is`].
pub fn refile_as_is(
    latest: Option<(Outcome, Action)>,
    known: Option<&KnownState>,
) -> Result<(), NotAsIs> {
    match latest {
        Some((Outcome::Accepted, _)) => Err(NotAsIs::NotAsked(
            "accepted: an accepted entry is never declared again".to_owned(),
        )),
        Some((outcome, action)) if asks_refile_as_is(outcome, action) => match known {
            Some(k) => Err(NotAsIs::Held(known_reason(k))),
            None => Ok(()),
        },
        Some((Outcome::Missing, _)) => Err(NotAsIs::NotAsked(
            "on the declaration but in no claim file: it may still be queued; find its claim first"
                .to_owned(),
        )),
        Some((Outcome::NoClaimYet, _)) => Err(NotAsIs::NotAsked(
            "it passed file checks and has no claim yet: wait for its claim".to_owned(),
        )),
        Some((_, action)) => Err(NotAsIs::NotAsked(format!(
            "its action is `{action}`, not a refile as it is"
        ))),
        None => Err(match known {
            Some(k) => NotAsIs::Held(known_reason(k)),
            None => NotAsIs::NotAsked(
                "no claim outcome is known for it: triage its claim first".to_owned(),
            ),
        }),
    }
}

/// Why an entry of another importer stays off a declaration asked for `asked`'s entries only:
/// `recorded` is the importer the ledger's entry data gives it, if any.
pub fn importer_refusal(asked: &str, recorded: Option<&str>) -> Option<String> {
    match recorded {
        Some(x) if x.eq_ignore_ascii_case(asked) => None,
        Some(x) => Some(format!("its importer is {x}, not {asked}")),
        None => Some(format!(
            "the ledger has no entry data for it, so it cannot tell whether its importer is {asked}"
        )),
    }
}

/// Why the ledger's knowledge keeps an entry off a new declaration (CBP's "ACE Portal: CAPE
/// Declarations" quick reference guide, April 2026: File Uploads and Claim Status).
pub fn known_reason(k: &KnownState) -> String {
    match k {
        KnownState::Accepted { .. } => format!(
            "{}, as the ledger records: an accepted entry is never declared again",
            k.describe()
        ),
        KnownState::Pending { .. } => format!(
            "{}, as the ledger records: do not resubmit - wait for that declaration's claim and triage it",
            k.describe()
        ),
        KnownState::Drafted { .. } | KnownState::Rejected { .. } => {
            format!("{}, as the ledger records: {}", k.describe(), k.remedy())
        }
    }
}

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
        // The time is this computer's, with its zone (words::local_time tests the zones).
        assert_eq!(
            p.describe(),
            format!(
                "still pending on refile.csv (uploaded {})",
                crate::words::local_time(Timestamp::UNIX_EPOCH, &jiff::tz::TimeZone::system())
            )
        );
        let d = KnownState::Drafted {
            declaration: "out/refile.csv".into(),
            number: None,
            written_at: Timestamp::UNIX_EPOCH,
        };
        assert!(d.describe().contains("not marked uploaded"));
        assert!(d.remedy().contains("capekit ledger discard out/refile.csv"));
        // A draft the ledger numbers is named by its number in a command: the name shown
        // (a workbench draft's) is no path a user could type.
        let w = KnownState::Drafted {
            declaration: "refile-1-2026-12-01.csv (made in the workbench)".into(),
            number: Some(12),
            written_at: Timestamp::UNIX_EPOCH,
        };
        assert!(
            w.remedy()
                .contains("`capekit ledger uploaded '#12'`), or release its entries with `capekit ledger discard '#12'`"),
            "{}",
            w.remedy()
        );
        let r = KnownState::Rejected {
            claim: "100000241223".into(),
            message: "INVALID HTS".into(),
            action: Action::CorrectThenRefile,
        };
        assert_eq!(
            r.describe(),
            "rejected on claim 100000241223 with `INVALID HTS` (correct-then-refile)"
        );
        assert!(r.remedy().contains("capekit explain \"INVALID HTS\""));
        assert!(
            !r.remedy()
                .starts_with("correct it first (a post summary correction")
        );
        assert!(r.remedy().contains("capekit refile --corrected"));
        // `refile --corrected` refuses a review: the remedy never sends the user there.
        let review = KnownState::Rejected {
            claim: "100000241223".into(),
            message: "ENTRY SUMMARY UPDATED - 11/30/2026".into(),
            action: Action::Review,
        };
        assert!(
            !review.remedy().contains("refile --corrected"),
            "{}",
            review.remedy()
        );
        assert!(KnownState::rejection_blocks(Action::Review));
        assert!(!KnownState::rejection_blocks(Action::Refile));
        assert!(!KnownState::rejection_blocks(Action::RetryLater));
    }

    #[test]
    fn a_correction_clears_only_what_a_correction_can() {
        let refused = |s: Standing<'_>| corrected_refusal(s).is_some();
        assert!(refused(Standing::Accepted { claim: "1" }));
        assert!(refused(Standing::Missing));
        assert!(refused(Standing::NoOutcome));
        let pending = KnownState::Pending {
            declaration: "d.csv".into(),
            declared_at: Timestamp::UNIX_EPOCH,
        };
        assert!(
            corrected_refusal(Standing::Held(&pending))
                .is_some_and(|r| r.contains("do not resubmit"))
        );
        for action in [
            Action::Refile,
            Action::CorrectThenRefile,
            Action::RetryLater,
            Action::FixFile,
        ] {
            assert_eq!(
                corrected_refusal(Standing::Rejected {
                    action,
                    advice: None
                }),
                None,
                "{action}"
            );
        }
        for action in [
            Action::Review,
            Action::OtherPath,
            Action::WrongFiler,
            Action::NotRefundable,
            Action::DropDuplicate,
            Action::WaitForClaim,
        ] {
            let why = corrected_refusal(Standing::Rejected {
                action,
                advice: Some("file a protest"),
            });
            assert!(
                why.as_deref()
                    .is_some_and(|w| w.ends_with(": file a protest")),
                "{action}: {why:?}"
            );
        }
    }

    #[test]
    fn only_a_refile_or_a_failed_upload_goes_on_as_it_is() {
        let pending = KnownState::Pending {
            declaration: "d.csv".into(),
            declared_at: Timestamp::UNIX_EPOCH,
        };
        assert_eq!(
            refile_as_is(Some((Outcome::Rejected, Action::Refile)), None),
            Ok(())
        );
        // A failed upload's entries go on the corrected whole file.
        assert_eq!(
            refile_as_is(Some((Outcome::NotFiled, Action::FixFile)), None),
            Ok(())
        );
        assert!(matches!(
            refile_as_is(Some((Outcome::Rejected, Action::Refile)), Some(&pending)),
            Err(NotAsIs::Held(r)) if r.contains("do not resubmit")
        ));
        for (outcome, action) in [
            (Outcome::Accepted, Action::None),
            (Outcome::Rejected, Action::CorrectThenRefile),
            (Outcome::Rejected, Action::RetryLater),
            (Outcome::Rejected, Action::FixFile),
            (Outcome::Rejected, Action::OtherPath),
            (Outcome::Rejected, Action::Review),
            (Outcome::Rejected, Action::None),
            (Outcome::Missing, Action::Review),
            (Outcome::NoClaimYet, Action::WaitForClaim),
        ] {
            assert!(
                matches!(
                    refile_as_is(Some((outcome, action)), Some(&pending)),
                    Err(NotAsIs::NotAsked(_))
                ),
                "{outcome:?} {action}"
            );
        }
        assert!(matches!(
            refile_as_is(None, Some(&pending)),
            Err(NotAsIs::Held(_))
        ));
        assert!(matches!(
            refile_as_is(None, None),
            Err(NotAsIs::NotAsked(_))
        ));
        assert_eq!(importer_refusal("ACME", Some("acme")), None);
        assert_eq!(
            importer_refusal("ACME", Some("OTHER")).as_deref(),
            Some("its importer is OTHER, not ACME")
        );
        assert!(importer_refusal("ACME", None).is_some());
    }
}
