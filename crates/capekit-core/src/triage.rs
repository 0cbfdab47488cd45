//! Triage of what CBP sends back: split each claim into accepted and rejected entries, judge every
//! message with the dated catalog, reconcile against the declaration, and choose the entries of the
//! next declaration.
//!
//! The rule that shapes everything here (CAPE.md section 4): an accepted entry is never declared
//! again, and only rejected entries whose problem is fixed go on a new declaration. An entry
//! accepted on any claim is therefore kept out of every refile list, whatever other rows say.

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::civil::Date;
use serde::Serialize;

use crate::catalog::{Action, CATALOG_VERSION, Verdict, judge};
use crate::entry::EntryNumber;

/// One row of a Claim Details or Validation Result File, as the reader mapped it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRow {
    /// File it came from.
    pub file: String,
    /// 1-based line (or sheet row).
    pub line: u64,
    /// The entry.
    pub entry: EntryNumber,
    /// Claim number, when the file has one (else the reader names the claim after the file).
    pub claim: String,
    /// Status text as found, if the file has a status column.
    pub status: Option<String>,
    /// Error description as found (empty when none).
    pub message: String,
}

/// What CBP did with an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Accepted (status `Entry Summary Updated`).
    Accepted,
    /// Rejected, with a message.
    Rejected,
    /// On the declaration but in no claim file.
    Missing,
}

/// A claim's status as derived from its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ClaimStatus {
    /// Every entry accepted.
    #[serde(rename = "Accepted")]
    Accepted,
    /// Some accepted, some rejected.
    #[serde(rename = "Accepted with Error(s)")]
    AcceptedWithErrors,
    /// Every entry rejected.
    #[serde(rename = "Rejected")]
    Rejected,
}

impl ClaimStatus {
    /// As ACE shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "Accepted",
            Self::AcceptedWithErrors => "Accepted with Error(s)",
            Self::Rejected => "Rejected",
        }
    }
}

/// The triage of one entry on one claim (or of a missing entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryResult {
    /// The entry.
    pub entry_number: EntryNumber,
    /// The claim it was on; `None` for a missing entry.
    pub claim_number: Option<String>,
    /// Accepted, rejected or missing.
    pub outcome: Outcome,
    /// The raw message(s), joined with ` | ` when the entry had several rows.
    pub message: String,
    /// What to do.
    pub action: Action,
    /// The catalog rule applied; `None` for unknown text or a missing entry.
    pub rule: Option<&'static str>,
    /// What to do, in a sentence.
    pub what_to_do: String,
    /// Source of the rule version applied.
    pub source: String,
    /// Where it came from (`file:line`), for the user to find the row.
    pub origin: String,
    /// Anything else the user must know (accepted elsewhere, conflicting rows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Totals of one claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimSummary {
    /// Claim number.
    pub claim_number: String,
    /// Derived status.
    pub status: ClaimStatus,
    /// Accepted entries.
    pub accepted: usize,
    /// Rejected entries.
    pub rejected: usize,
    /// Files the claim's rows came from.
    pub files: Vec<String>,
}

/// The proof that every declared entry is accounted for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reconciliation {
    /// Entries on the declaration, when one was given.
    pub declared: Option<usize>,
    /// Distinct entries accepted (on any claim).
    pub accepted: usize,
    /// Distinct entries rejected and not accepted on any claim.
    pub rejected: usize,
    /// Declared entries absent from every claim file.
    pub missing: usize,
    /// Entries in claim files that are not on the declaration.
    pub not_declared: Vec<EntryNumber>,
    /// `declared = accepted + rejected + missing` (counting declared entries only), or, without a
    /// declaration, every distinct entry is accepted or rejected.
    pub holds: bool,
}

/// An entry the user listed as corrected that will not be refiled, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeftOut {
    /// The entry.
    pub entry_number: EntryNumber,
    /// Why it is left out.
    pub reason: String,
}

/// The next declaration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RefilePlan {
    /// Entries to put on the new declaration, each once, none accepted.
    pub entries: Vec<EntryNumber>,
    /// Of those, the ones that came from the corrected list.
    pub from_corrected: usize,
    /// Corrected entries left out, with the reason.
    pub left_out: Vec<LeftOut>,
}

/// Everything a triage found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TriageReport {
    /// The catalog version used.
    pub catalog_version: &'static str,
    /// The date whose rules were applied.
    pub as_of: Date,
    /// Claims, in first-seen order.
    pub claims: Vec<ClaimSummary>,
    /// One result per entry and claim, plus one per missing entry; worklist order (accepted last).
    pub entries: Vec<EntryResult>,
    /// Reconciliation.
    pub reconciliation: Reconciliation,
    /// The next declaration.
    pub refile: RefilePlan,
}

impl TriageReport {
    /// Rejected and missing results: the worklist.
    pub fn worklist(&self) -> impl Iterator<Item = &EntryResult> {
        self.entries
            .iter()
            .filter(|e| e.outcome != Outcome::Accepted)
    }

    /// Number of worklist rows per action, most urgent first (actions with none left out).
    pub fn by_action(&self) -> Vec<(Action, usize)> {
        let mut counts: BTreeMap<Action, usize> = BTreeMap::new();
        for e in self.worklist() {
            *counts.entry(e.action).or_default() += 1;
        }
        counts.into_iter().collect()
    }

    /// Number of worklist rows per message (normalized), most frequent first.
    pub fn by_message(&self) -> Vec<(String, usize)> {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for e in self.worklist() {
            let key = if e.message.trim().is_empty() {
                "(no message)".to_owned()
            } else {
                crate::catalog::normalize(&e.message)
            };
            *counts.entry(key).or_default() += 1;
        }
        let mut v: Vec<(String, usize)> = counts.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    }
}

/// What a triage takes.
#[derive(Debug, Clone, Default)]
pub struct TriageInput {
    /// Rows of every claim file.
    pub rows: Vec<ClaimRow>,
    /// Entries of the declaration, when given.
    pub declaration: Option<Vec<EntryNumber>>,
    /// Entries the user corrected (or waited for), when given.
    pub corrected: Vec<EntryNumber>,
}

/// How a status text reads.
fn status_outcome(status: &str) -> Option<Outcome> {
    let s = crate::catalog::normalize(status);
    match s.as_str() {
        "ENTRY SUMMARY UPDATED"
        | "ACCEPTED"
        | "SUCCESS"
        | "SUCCESSFUL"
        | "PROCESSED"
        | "COMPLETE"
        | "COMPLETED"
        | "UPDATED" => Some(Outcome::Accepted),
        "FAILED" | "FAIL" | "FAILURE" | "REJECTED" | "ERROR" | "ERRORS" | "DENIED" => {
            Some(Outcome::Rejected)
        }
        _ => None,
    }
}

/// Judges one row: its outcome and verdict.
fn judge_row(row: &ClaimRow, as_of: Date) -> (Outcome, Verdict, Option<String>) {
    let message = row.message.trim();
    let status_read = row.status.as_deref().map(|s| (s, status_outcome(s)));
    match status_read {
        Some((_, Some(Outcome::Accepted))) => {
            let note = (!message.is_empty() && judge(message, as_of).action != Action::None)
                .then(|| format!("status says accepted, yet the row carries the message `{message}`; treated as accepted (never refile) - look at the claim in ACE"));
            (
                Outcome::Accepted,
                judge("ENTRY SUMMARY UPDATED", as_of),
                note,
            )
        }
        Some((_, Some(_))) | None if !message.is_empty() => {
            let verdict = judge(message, as_of);
            if verdict.action == Action::None {
                // The message itself says the entry was updated.
                (Outcome::Accepted, verdict, None)
            } else {
                (Outcome::Rejected, verdict, None)
            }
        }
        None => {
            // No status column and no message: a Claim Details row without an error is accepted.
            (
                Outcome::Accepted,
                judge("ENTRY SUMMARY UPDATED", as_of),
                None,
            )
        }
        Some((_, Some(_))) => (
            Outcome::Rejected,
            Verdict {
                rule: None,
                action: Action::Review,
                what_to_do: "Rejected without a message: open the claim in ACE to read the reason."
                    .to_owned(),
                source: "Claim Details row".to_owned(),
            },
            None,
        ),
        Some((status, None)) => {
            let verdict = if message.is_empty() {
                Verdict {
                    rule: None,
                    action: Action::Review,
                    what_to_do: format!(
                        "capekit does not know the status `{status}`: a person must read the claim in ACE and decide."
                    ),
                    source: "Claim Details row".to_owned(),
                }
            } else {
                let mut v = judge(message, as_of);
                if v.action == Action::None {
                    v.action = Action::Review;
                }
                v.what_to_do = format!("Unknown status `{status}`. {}", v.what_to_do);
                v
            };
            (Outcome::Rejected, verdict, None)
        }
    }
}

/// When one entry has several rows on one claim, the verdict that blocks refiling most wins:
/// an entry can go on a new declaration only when every problem is cleared.
fn combine(a: &Verdict, b: &Verdict) -> bool {
    // Returns true when `b` should replace `a`.
    fn weight(v: &Verdict) -> u8 {
        match v.action {
            Action::Review => 8,
            Action::WrongFiler => 7,
            Action::NotRefundable => 6,
            Action::OtherPath => 5,
            Action::DropDuplicate => 4,
            Action::CorrectThenRefile => 3,
            Action::RetryLater => 2,
            Action::Refile => 1,
            Action::None => 0,
        }
    }
    weight(b) > weight(a)
}

/// Runs a triage.
pub fn triage(input: &TriageInput, as_of: Date) -> TriageReport {
    // Group rows by (claim, entry), keeping first-seen order.
    let mut order: Vec<(String, EntryNumber)> = Vec::new();
    let mut grouped: HashMap<(String, EntryNumber), Vec<&ClaimRow>> = HashMap::new();
    let mut claim_order: Vec<String> = Vec::new();
    let mut claim_files: HashMap<String, Vec<String>> = HashMap::new();
    for row in &input.rows {
        let key = (row.claim.clone(), row.entry);
        if !claim_files.contains_key(&row.claim) {
            claim_order.push(row.claim.clone());
        }
        let files = claim_files.entry(row.claim.clone()).or_default();
        if !files.contains(&row.file) {
            files.push(row.file.clone());
        }
        grouped
            .entry(key.clone())
            .or_insert_with(|| {
                order.push(key.clone());
                Vec::new()
            })
            .push(row);
    }

    let mut results: Vec<EntryResult> = Vec::with_capacity(order.len());
    for key in &order {
        let rows = &grouped[key];
        let mut outcome = Outcome::Rejected;
        let mut verdict: Option<Verdict> = None;
        let mut notes: Vec<String> = Vec::new();
        let mut messages: Vec<&str> = Vec::new();
        let mut any_accepted = false;
        for row in rows {
            let (o, v, note) = judge_row(row, as_of);
            if let Some(n) = note {
                notes.push(n);
            }
            let m = row.message.trim();
            if !m.is_empty() && !messages.contains(&m) {
                messages.push(m);
            }
            if o == Outcome::Accepted {
                any_accepted = true;
            }
            verdict = match verdict {
                Some(prev) if !combine(&prev, &v) => Some(prev),
                _ => Some(v),
            };
            outcome = o;
        }
        let mut verdict = verdict.unwrap_or_else(|| judge("", as_of));
        if any_accepted {
            if rows.len() > 1 && outcome != Outcome::Accepted {
                notes.push(format!(
                    "the claim lists this entry {} times, accepted and rejected; treated as accepted (never refile) - look at the claim in ACE",
                    rows.len()
                ));
            }
            outcome = Outcome::Accepted;
            verdict = judge("ENTRY SUMMARY UPDATED", as_of);
        } else if rows.len() > 1 {
            notes.push(format!("the claim lists this entry {} times", rows.len()));
        }
        let first = rows[0];
        results.push(EntryResult {
            entry_number: key.1,
            claim_number: Some(key.0.clone()),
            outcome,
            message: messages.join(" | "),
            action: verdict.action,
            rule: verdict.rule,
            what_to_do: verdict.what_to_do,
            source: verdict.source,
            origin: format!("{}:{}", first.file, first.line),
            note: (!notes.is_empty()).then(|| notes.join("; ")),
        });
    }

    // Accepted anywhere wins: note it on rejected rows of other claims.
    let accepted_on: HashMap<EntryNumber, String> = results
        .iter()
        .filter(|r| r.outcome == Outcome::Accepted)
        .filter_map(|r| r.claim_number.clone().map(|c| (r.entry_number, c)))
        .collect();
    for r in &mut results {
        let accepted_claim = (r.outcome == Outcome::Rejected)
            .then(|| accepted_on.get(&r.entry_number))
            .flatten();
        if let Some(claim) = accepted_claim {
            let n = format!("accepted on claim {claim}: nothing to refile");
            r.note = Some(match r.note.take() {
                Some(prev) => format!("{prev}; {n}"),
                None => n,
            });
            r.action = Action::None;
            r.what_to_do = format!(
                "Nothing: the entry was accepted on claim {claim}. Never declare it again."
            );
        }
    }

    // Claims.
    let mut claims = Vec::with_capacity(claim_order.len());
    for claim in &claim_order {
        let (mut accepted, mut rejected) = (0, 0);
        for r in results
            .iter()
            .filter(|r| r.claim_number.as_deref() == Some(claim))
        {
            match r.outcome {
                Outcome::Accepted => accepted += 1,
                _ => rejected += 1,
            }
        }
        let status = match (accepted, rejected) {
            (_, 0) => ClaimStatus::Accepted,
            (0, _) => ClaimStatus::Rejected,
            _ => ClaimStatus::AcceptedWithErrors,
        };
        claims.push(ClaimSummary {
            claim_number: claim.clone(),
            status,
            accepted,
            rejected,
            files: claim_files.get(claim).cloned().unwrap_or_default(),
        });
    }

    // Missing entries and reconciliation.
    let in_claims: HashSet<EntryNumber> = results.iter().map(|r| r.entry_number).collect();
    let rejected_set: HashSet<EntryNumber> = results
        .iter()
        .filter(|r| r.outcome == Outcome::Rejected && !accepted_on.contains_key(&r.entry_number))
        .map(|r| r.entry_number)
        .collect();
    let reconciliation = match &input.declaration {
        Some(declared) => {
            let mut seen = HashSet::new();
            let declared: Vec<EntryNumber> = declared
                .iter()
                .copied()
                .filter(|e| seen.insert(*e))
                .collect();
            let declared_set: HashSet<EntryNumber> = declared.iter().copied().collect();
            let mut missing = 0;
            for e in &declared {
                if !in_claims.contains(e) {
                    missing += 1;
                    results.push(EntryResult {
                        entry_number: *e,
                        claim_number: None,
                        outcome: Outcome::Missing,
                        message: String::new(),
                        action: Action::Review,
                        rule: None,
                        what_to_do: "On the declaration but in no claim file: find its claim in ACE (Claim Status) before doing anything; it may still be queued (\"Not Started\") - do not resubmit it.".to_owned(),
                        source: "reconciliation of the declaration against the claim files".to_owned(),
                        origin: "declaration".to_owned(),
                        note: None,
                    });
                }
            }
            let accepted = declared
                .iter()
                .filter(|e| accepted_on.contains_key(e))
                .count();
            let rejected = declared.iter().filter(|e| rejected_set.contains(e)).count();
            let mut not_declared: Vec<EntryNumber> = in_claims
                .iter()
                .copied()
                .filter(|e| !declared_set.contains(e))
                .collect();
            not_declared.sort();
            Reconciliation {
                declared: Some(declared.len()),
                accepted,
                rejected,
                missing,
                holds: declared.len() == accepted + rejected + missing,
                not_declared,
            }
        }
        None => Reconciliation {
            declared: None,
            accepted: accepted_on.len(),
            rejected: rejected_set.len(),
            missing: 0,
            holds: in_claims.len() == accepted_on.len() + rejected_set.len(),
            not_declared: Vec::new(),
        },
    };

    // The next declaration. Per entry, the result that blocks refiling most, across claims.
    let mut strongest: HashMap<EntryNumber, &EntryResult> = HashMap::with_capacity(results.len());
    for r in &results {
        strongest
            .entry(r.entry_number)
            .and_modify(|prev| {
                if prev.action.refile_once_corrected() && !r.action.refile_once_corrected() {
                    *prev = r;
                }
            })
            .or_insert(r);
    }
    let blocked = |e: &EntryNumber| {
        strongest
            .get(e)
            .is_some_and(|r| !r.action.refile_once_corrected())
    };
    let mut refile = RefilePlan::default();
    let mut chosen: HashSet<EntryNumber> = HashSet::new();
    for r in &results {
        if r.outcome == Outcome::Rejected
            && r.action == Action::Refile
            && !accepted_on.contains_key(&r.entry_number)
            && !blocked(&r.entry_number)
            && chosen.insert(r.entry_number)
        {
            refile.entries.push(r.entry_number);
        }
    }
    let mut corrected_seen = HashSet::new();
    for e in &input.corrected {
        if !corrected_seen.insert(*e) || chosen.contains(e) {
            continue;
        }
        let reason = if let Some(claim) = accepted_on.get(e) {
            Some(format!(
                "accepted on claim {claim}: an accepted entry is never declared again"
            ))
        } else if let Some(r) = strongest.get(e) {
            if r.outcome == Outcome::Missing {
                Some("on the declaration but in no claim file: it may still be queued; find its claim first".to_owned())
            } else if r.action.refile_once_corrected() {
                None
            } else {
                Some(format!(
                    "its action is `{}`, which a correction does not change: {}",
                    r.action, r.what_to_do
                ))
            }
        } else {
            Some("not in any claim file given: capekit cannot tell whether it was rejected; triage its claim first".to_owned())
        };
        match reason {
            None => {
                chosen.insert(*e);
                refile.entries.push(*e);
                refile.from_corrected += 1;
            }
            Some(reason) => refile.left_out.push(LeftOut {
                entry_number: *e,
                reason,
            }),
        }
    }

    // Worklist order: most urgent action first, then claim and entry; accepted rows last.
    results.sort_by(|a, b| {
        (a.outcome == Outcome::Accepted)
            .cmp(&(b.outcome == Outcome::Accepted))
            .then(a.action.urgency().cmp(&b.action.urgency()))
            .then(a.claim_number.cmp(&b.claim_number))
            .then(a.entry_number.cmp(&b.entry_number))
    });

    TriageReport {
        catalog_version: CATALOG_VERSION,
        as_of,
        claims,
        entries: results,
        reconciliation,
        refile,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const AS_OF: Date = date(2026, 11, 24);

    fn n(tx: u32) -> EntryNumber {
        EntryNumber::from_parts("B76", tx).expect("valid")
    }

    fn row(tx: u32, claim: &str, status: &str, message: &str) -> ClaimRow {
        ClaimRow {
            file: "claim.csv".into(),
            line: u64::from(tx) + 1,
            entry: n(tx),
            claim: claim.into(),
            status: Some(status.into()),
            message: message.into(),
        }
    }

    #[test]
    fn accepted_with_errors_splits_and_refiles_only_refile_actions() {
        let input = TriageInput {
            rows: vec![
                row(1, "100000241223", "Entry Summary Updated", ""),
                row(
                    2,
                    "100000241223",
                    "Failed",
                    "HTS RELATIONSHIP/SEQUENCE MISMATCH",
                ),
                row(
                    3,
                    "100000241223",
                    "Failed",
                    "ENTRY SUMMARY IS IN TRADE CONTROL",
                ),
                row(4, "100000241223", "Failed", "SOMETHING NEW"),
            ],
            declaration: Some(vec![n(1), n(2), n(3), n(4), n(5)]),
            corrected: vec![n(3), n(1), n(4)],
        };
        let r = triage(&input, AS_OF);
        assert_eq!(r.claims[0].status, ClaimStatus::AcceptedWithErrors);
        assert_eq!((r.claims[0].accepted, r.claims[0].rejected), (1, 3));
        assert_eq!(r.refile.entries, vec![n(2), n(3)]);
        assert_eq!(r.refile.from_corrected, 1);
        let left: Vec<_> = r.refile.left_out.iter().map(|l| l.entry_number).collect();
        assert_eq!(left, vec![n(1), n(4)]);
        assert!(
            r.refile.left_out[0]
                .reason
                .contains("accepted on claim 100000241223")
        );
        let rec = &r.reconciliation;
        assert_eq!(
            (rec.declared, rec.accepted, rec.rejected, rec.missing),
            (Some(5), 1, 3, 1)
        );
        assert!(rec.holds);
        let missing = r
            .entries
            .iter()
            .find(|e| e.outcome == Outcome::Missing)
            .expect("missing");
        assert_eq!(missing.action, Action::Review);
        // Worklist order: review (unknown text, missing) before refile before retry-later.
        let actions: Vec<Action> = r.worklist().map(|e| e.action).collect();
        assert_eq!(
            actions,
            vec![
                Action::Review,
                Action::Review,
                Action::Refile,
                Action::RetryLater
            ]
        );
    }

    #[test]
    fn an_entry_accepted_on_a_later_claim_is_never_refiled() {
        let input = TriageInput {
            rows: vec![
                row(1, "1", "Failed", "HTS RELATIONSHIP/SEQUENCE MISMATCH"),
                row(1, "2", "Entry Summary Updated", ""),
            ],
            declaration: None,
            corrected: vec![n(1)],
        };
        let r = triage(&input, AS_OF);
        assert!(r.refile.entries.is_empty());
        assert_eq!(r.refile.left_out.len(), 1);
        let rejected = r
            .entries
            .iter()
            .find(|e| e.outcome == Outcome::Rejected)
            .expect("row");
        assert_eq!(rejected.action, Action::None);
        assert!(
            rejected
                .note
                .as_deref()
                .unwrap_or("")
                .contains("accepted on claim 2")
        );
        assert!(r.reconciliation.holds);
        assert_eq!(
            (r.reconciliation.accepted, r.reconciliation.rejected),
            (1, 0)
        );
    }

    #[test]
    fn not_declared_entries_are_named() {
        let input = TriageInput {
            rows: vec![
                row(1, "1", "Entry Summary Updated", ""),
                row(9, "1", "Entry Summary Updated", ""),
            ],
            declaration: Some(vec![n(1)]),
            corrected: vec![],
        };
        let r = triage(&input, AS_OF);
        assert_eq!(r.reconciliation.not_declared, vec![n(9)]);
        assert!(r.reconciliation.holds);
    }

    #[test]
    fn unknown_status_and_empty_failure_go_to_review() {
        let input = TriageInput {
            rows: vec![row(1, "1", "Pending Review", ""), row(2, "1", "Failed", "")],
            declaration: None,
            corrected: vec![n(1), n(2)],
        };
        let r = triage(&input, AS_OF);
        assert!(
            r.entries
                .iter()
                .all(|e| e.action == Action::Review && e.outcome == Outcome::Rejected)
        );
        assert!(r.refile.entries.is_empty());
        assert_eq!(r.refile.left_out.len(), 2);
    }

    #[test]
    fn several_messages_on_one_entry_block_refile_by_the_strongest() {
        let input = TriageInput {
            rows: vec![
                row(1, "1", "Failed", "HTS RELATIONSHIP/SEQUENCE MISMATCH"),
                row(1, "1", "Failed", "ACCOUNT MISMATCH"),
            ],
            declaration: None,
            corrected: vec![],
        };
        let r = triage(&input, AS_OF);
        assert_eq!(r.entries.len(), 1);
        assert_eq!(r.entries[0].action, Action::WrongFiler);
        assert_eq!(
            r.entries[0].message,
            "HTS RELATIONSHIP/SEQUENCE MISMATCH | ACCOUNT MISMATCH"
        );
        assert!(r.refile.entries.is_empty());
    }

    #[test]
    fn without_status_column_the_message_decides() {
        let mut a = row(1, "1", "", "");
        a.status = None;
        let mut b = row(2, "1", "", "PROTEST ON ENTRY");
        b.status = None;
        let r = triage(
            &TriageInput {
                rows: vec![a, b],
                ..TriageInput::default()
            },
            AS_OF,
        );
        let by_entry: HashMap<EntryNumber, Outcome> = r
            .entries
            .iter()
            .map(|e| (e.entry_number, e.outcome))
            .collect();
        assert_eq!(by_entry[&n(1)], Outcome::Accepted);
        assert_eq!(by_entry[&n(2)], Outcome::Rejected);
    }
}
