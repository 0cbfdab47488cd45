//! Triage of what CBP sends back: split each claim into accepted and rejected entries, judge every
//! message with the dated catalog, reconcile against the declaration, and choose the entries of the
//! next declaration.
//!
//! The rule that shapes everything here (CBP's "ACE Portal: CAPE Declarations" quick reference guide, April 2026): an accepted entry is never declared
//! again, and only rejected entries whose problem is fixed go on a new declaration. An entry
//! accepted on any claim is therefore kept out of every refile list, whatever other rows say.
//!
//! Split by phase: `judge` (one row: its status read strictly, its message matched), `index`
//! (each entry's verdicts across claims and files), `refile` (who may be refiled), [`refine`]
//! (the advice re-judged with the entry's dates); this module runs them in order.

use std::collections::BTreeMap;
use std::sync::Arc;

// foldhash: these maps hold a million entry numbers in a large triage, where SipHash is slow and
// FxHash clusters on the regular structure of entry numbers.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use jiff::civil::Date;
use serde::Serialize;

use crate::catalog::{Action, CATALOG_VERSION, JMS_PROCESSING_ERROR, Verdict, judge};
use crate::entry::EntryNumber;
use crate::known::{
    Known, KnownState, NotAsIs, Standing, asks_refile_as_is, corrected_refusal, known_reason,
    refile_as_is,
};

mod index;
mod judge;
mod refile;
pub mod refine;

use index::*;
pub use judge::reads_as_failed;
use judge::*;
use refile::*;

/// Shared text: a claim file repeats a handful of claim numbers, statuses and messages over
/// thousands of rows, so readers intern them and rows share one allocation.
pub type Text = Arc<str>;

/// What kind of ACE file a row came from, judged by the reader from its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimFileKind {
    /// Claim Details (Claim Status > claim): CBP's answer, entry by entry. Only it can say that
    /// an entry was accepted.
    #[default]
    ClaimDetails,
    /// Validation Result File (File Uploads > upload): what file and batch validation found. It
    /// never proves acceptance: an entry without an error there merely passed file checks.
    ValidationResult,
}

/// One row of a Claim Details or Validation Result File, as the reader mapped it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRow {
    /// File it came from.
    pub file: Text,
    /// 1-based line (or sheet row).
    pub line: u64,
    /// The entry.
    pub entry: EntryNumber,
    /// Claim number, when the file has one (else the reader names the claim after the file).
    pub claim: Text,
    /// Entry-level status text as found, if the file has such a column.
    pub status: Option<Text>,
    /// Claim-level status text (`Claim Status`), when the file has it beside an entry-level one:
    /// it is the claim's status, never an entry's.
    pub claim_status: Option<Text>,
    /// Error description as found (empty when none).
    pub message: Text,
    /// The kind of file the row came from.
    pub kind: ClaimFileKind,
    /// The claim's date, when the file has a claim date column and the cell reads as a date.
    pub claim_date: Option<Date>,
    /// The importer of record number, when the file has an importer column: whose report the
    /// entry goes on (a triage judges no entry by it).
    pub importer: Option<Text>,
}

/// What CBP did with an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Accepted (status `Entry Summary Updated`), on a Claim Details row that nothing on it
    /// contradicts.
    Accepted,
    /// Rejected, with a message (or a row capekit cannot read as accepted: see its action).
    Rejected,
    /// On a Validation Result File without an error: passed file checks; no claim yet.
    NoClaimYet,
    /// On an upload that failed file validation: not filed at all.
    NotFiled,
    /// On the declaration but in no claim file.
    Missing,
}

impl Outcome {
    /// The kebab-case name, as the CSV, JSON, ledger and web filters write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::NoClaimYet => "no-claim-yet",
            Self::NotFiled => "not-filed",
            Self::Missing => "missing",
        }
    }

    /// Every outcome, in the order pages list them.
    pub const ALL: [Outcome; 5] = [
        Outcome::Rejected,
        Outcome::NotFiled,
        Outcome::NoClaimYet,
        Outcome::Missing,
        Outcome::Accepted,
    ];
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
    /// A Validation Result File with a file-level error: the upload failed, nothing was filed.
    #[serde(rename = "Failed initial validation")]
    FailedValidation,
    /// A Validation Result File whose only word on the upload is a load error (M019, M020):
    /// ACE did not process it, so nothing is known to be filed.
    #[serde(rename = "Not processed (load error)")]
    NotProcessed,
    /// A Validation Result File without a file-level error: no claim yet.
    #[serde(rename = "Validated, no claim yet")]
    Validated,
    /// A Claim Details file with entries ACE has not processed yet (`Not Started`, `In
    /// Progress`, `Pending`): no outcome for those entries yet.
    #[serde(rename = "In process")]
    InProcess,
}

impl ClaimStatus {
    /// The upload failed as a whole (file validation or a load error): none of its entries
    /// was filed.
    pub fn upload_failed(self) -> bool {
        matches!(self, Self::FailedValidation | Self::NotProcessed)
    }

    /// As ACE shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "Accepted",
            Self::AcceptedWithErrors => "Accepted with Error(s)",
            Self::Rejected => "Rejected",
            Self::FailedValidation => "Failed initial validation",
            Self::NotProcessed => "Not processed (load error)",
            Self::Validated => "Validated, no claim yet",
            Self::InProcess => "In process",
        }
    }
}

/// The triage of one entry on one claim (or of a missing entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryResult {
    /// The entry.
    pub entry_number: EntryNumber,
    /// The claim it was on; `None` for a missing entry.
    pub claim_number: Option<Text>,
    /// Accepted, rejected or missing.
    pub outcome: Outcome,
    /// The raw message(s), joined with ` | ` when the entry had several rows.
    pub message: Text,
    /// What to do.
    pub action: Action,
    /// The catalog rule applied; `None` for unknown text or a missing entry.
    pub rule: Option<&'static str>,
    /// What to do, in a sentence.
    pub what_to_do: Text,
    /// Source of the rule version applied.
    pub source: Text,
    /// The file the row came from (`declaration` for a missing entry).
    pub file: Text,
    /// Its 1-based line (or sheet row); 0 for a missing entry.
    pub line: u64,
    /// Anything else the user must know (accepted elsewhere, conflicting rows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The deadlines that apply to what is left to do, with days left: from entry data, so
    /// empty without it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deadlines: Vec<crate::deadline::Deadline>,
    /// The deadline that makes the row urgent (14 days; 60 for the court), if any.
    pub urgent: Option<crate::deadline::DeadlineKind>,
}

impl EntryResult {
    /// Urgent with no dated deadline to explain it: a liquidated entry whose liquidation date
    /// cannot be read, whose protest may be due any day ([`crate::path::UNDATED_PROTEST`]).
    pub fn undated_urgency(&self) -> bool {
        self.urgent.is_some()
            && crate::deadline::most_urgent(self.deadlines.iter().copied()).is_none()
    }

    /// The row's next deadline in words: for a row urgent with no date
    /// ([`Self::undated_urgency`]) that its protest date is unknown, else the nearest deadline
    /// still open; `None` when there is neither.
    pub fn next_deadline(&self) -> Option<String> {
        if self.undated_urgency() {
            return Some(crate::path::UNDATED_PROTEST.to_owned());
        }
        crate::deadline::nearest_open(self.deadlines.iter().copied()).map(|d| d.describe())
    }

    /// The message as [`TriageReport::by_message`] counts it: normalized, `(no message)`, or
    /// `(declared, in no claim file)` for a missing entry.
    /// Filters by message (the web workbench's) compare this key.
    pub fn message_key(&self) -> String {
        if self.outcome == Outcome::Missing {
            "(declared, in no claim file)".to_owned()
        } else if self.message.trim().is_empty() {
            "(no message)".to_owned()
        } else {
            crate::catalog::normalize(&self.message)
        }
    }
}

/// Totals of one claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimSummary {
    /// Claim number.
    pub claim_number: Text,
    /// Derived status.
    pub status: ClaimStatus,
    /// Accepted entries.
    pub accepted: usize,
    /// Rejected entries.
    pub rejected: usize,
    /// Entries of a Validation Result File that passed file checks (no claim yet) or were not
    /// filed because the upload failed.
    pub not_answered: usize,
    /// Files the claim's rows came from.
    pub files: Vec<Text>,
    /// The kind of file.
    pub kind: ClaimFileKind,
    /// The claim-level status the file itself states (`Claim Status`), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported_status: Option<Text>,
    /// What the user must know about the claim as a whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The claim's date, when the file gives one: the ledger answers with it the declaration
    /// uploaded last on or before that day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
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
    /// Distinct entries that passed file checks on a Validation Result File, with no claim
    /// outcome in the files given.
    pub no_claim_yet: usize,
    /// Distinct entries on an upload that failed file validation, with no other outcome.
    pub not_filed: usize,
    /// Declared entries absent from every claim file.
    pub missing: usize,
    /// Rows of the claim files whose entry number could not be read: their entries are not
    /// counted above, so the files do not reconcile until they are read.
    pub unreadable_rows: usize,
    /// Lines of the declaration whose entry number could not be read (C001): entries nobody
    /// can count, so the declaration does not reconcile until they are read.
    #[serde(skip_serializing_if = "is_zero")]
    pub unreadable_declared: usize,
    /// Entries the declaration lists more than once (counted once above): an upload with a
    /// duplicate fails CBP's file checks as a whole.
    #[serde(skip_serializing_if = "is_zero")]
    pub declared_twice: usize,
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
    /// Entries left out, with the reason: corrected entries that may not be refiled, and
    /// entries the ledger knows as accepted on an earlier claim or still pending.
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
    /// What entry data refined, when `--entries` was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refined: Option<crate::refine::RefineSummary>,
    /// Warnings about the triage as a whole (a catalog that may not hold on the as-of date, an
    /// upload that failed file validation).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The Validation Result Files (by name) holding a file-level error: their uploads failed
    /// as a whole, whether or not a row names an entry.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failed_uploads: Vec<Text>,
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
            *counts.entry(e.message_key()).or_default() += 1;
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
    /// What the ledger knows: entries accepted on an earlier claim or still pending on an earlier
    /// declaration never go on the refile list (they are left out with the reason).
    pub known: Known,
    /// Messages of rows that name no entry, by file: a Validation Result File may carry its
    /// file-level error (FAILED INITIAL VALIDATION) on such a row.
    pub file_messages: Vec<(Text, Text)>,
    /// Rows of the claim files whose entry number could not be read (the readers' findings):
    /// until they are read, the claim files are not reconciled.
    pub unreadable_rows: usize,
    /// Lines of the declaration whose entry number could not be read.
    pub unreadable_declared: usize,
    /// Entry data (ES-003) by entry, when given: refines the advice on rejected and missing
    /// entries with their dates (see [`crate::refine`]).
    pub entry_data: std::collections::HashMap<EntryNumber, crate::path::EntryData>,
}

/// Runs a triage.
/// Triages `input` again into `report`, as of the same day, once something more is known (what
/// the ledger holds of the entries, their kept entry data, the declaration their claims
/// answer): the new report keeps the warnings of the one it replaces, and its count of entries
/// judged by the ledger's entry data.
pub fn retriage(input: &TriageInput, report: &mut TriageReport) {
    let warnings = std::mem::take(&mut report.warnings);
    let from_ledger = report.refined.map_or(0, |r| r.from_ledger);
    *report = triage(input, report.as_of);
    for w in warnings {
        if !report.warnings.contains(&w) {
            report.warnings.push(w);
        }
    }
    if let Some(refined) = report.refined.as_mut() {
        refined.from_ledger = from_ledger;
    }
}

pub fn triage(input: &TriageInput, as_of: Date) -> TriageReport {
    let accepted_verdict = Judged::from((Outcome::Accepted, judge("ENTRY SUMMARY UPDATED", as_of)));
    let mut warnings: Vec<String> = crate::catalog::catalog_warning(as_of).into_iter().collect();
    // A Validation Result File holding a file-level error is an upload that failed as a whole:
    // nothing on it was filed, whatever its other rows say.
    // Each failed upload with its message, and whether that message is a load error (ACE did
    // not process the upload) rather than a file-level validation error: read once per file.
    let failed_files: Vec<(Text, Text, bool)> = failed_uploads(&input.rows, &input.file_messages)
        .into_iter()
        .map(|(f, m)| {
            let load_error = crate::catalog::is_load_error(&m);
            (f, m, load_error)
        })
        .collect();
    for (f, m, load_error) in &failed_files {
        // What CBP wrote beyond the file-level message (words capekit does not read) stays
        // in view.
        let more = if crate::catalog::is_upload_message(m) {
            crate::catalog::judge_file_message(m, as_of)
                .and_then(|v| v.note)
                .map(|n| format!(" (CBP's text `{}`: {n})", m.trim()))
                .unwrap_or_default()
        } else {
            // A failed status without a file-level message capekit knows: the upload failed
            // all the same, and what to fix is in ACE.
            format!(
                " (a row without an entry reads `{}`, which is not a file-level message capekit knows: read the upload on CAPE > File Uploads to learn what to fix)",
                m.trim()
            )
        };
        warnings.push(if *load_error {
            format!(
                "{f}: ACE could not process the upload (`{}`{more}: a load error, not a validation result), so none of its entries is known to be filed: first look on Claim Status for a claim number of this declaration (a time-out can hide a declaration that went through); if there is none, upload the same declaration again in 30 to 60 minutes",
                m.trim()
            )
        } else {
            format!(
                "{f}: the upload failed file validation{more}, so none of its entries was filed: fix the file and upload it whole as a new declaration (capekit writes the corrected file as the refile)"
            )
        });
    }
    let failed_uploads: Vec<Text> = failed_files.iter().map(|(f, ..)| f.clone()).collect();
    // Verdicts depend only on status and message: judge each distinct pair once. Readers intern
    // these texts, so the addresses of the shared strings are a cheap key; equal texts behind two
    // addresses are merely judged twice.
    let mut memo: HashMap<(usize, usize, usize, usize, bool), u32> = HashMap::new();
    let mut verdicts: Vec<Judged> = Vec::new();
    let mut claims: Vec<ClaimBuilding> = Vec::new();
    let mut claim_index: HashMap<Text, usize> = HashMap::new();
    let mut last_claim: Option<(Text, usize)> = None;
    let mut by_entry = ByEntry::with_capacity(input.rows.len());
    let mut building: Vec<Building> = Vec::with_capacity(input.rows.len());
    for (row_index, row) in input.rows.iter().enumerate() {
        let claim = match &last_claim {
            Some((text, i)) if Arc::ptr_eq(text, &row.claim) => *i,
            _ => {
                let i = *claim_index.entry(row.claim.clone()).or_insert_with(|| {
                    claims.push(ClaimBuilding {
                        number: row.claim.clone(),
                        files: Vec::new(),
                        kind: row.kind,
                        failed: false,
                        load_error: false,
                        reported: None,
                        date: None,
                    });
                    claims.len() - 1
                });
                last_claim = Some((row.claim.clone(), i));
                i
            }
        };
        let c = &mut claims[claim];
        if !c.files.iter().any(|f| **f == *row.file) {
            c.files.push(row.file.clone());
        }
        if c.reported.is_none() {
            c.reported = row.claim_status.clone().filter(|s| !s.trim().is_empty());
        }
        // Rows that disagree: the earliest date, the reading under which the claim releases
        // fewest later uploads.
        if let Some(d) = row.claim_date {
            c.date = Some(c.date.map_or(d, |x| x.min(d)));
        }
        let failed_upload = (row.kind == ClaimFileKind::ValidationResult)
            .then(|| failed_files.iter().find(|(f, ..)| **f == *row.file))
            .flatten();
        let failed = failed_upload.is_some();
        c.failed |= failed;
        c.load_error |= failed_upload.is_some_and(|(.., load_error)| *load_error);
        let failed_upload = failed_upload.map(|(_, m, _)| m);
        let ptr = |t: &Option<Text>| t.as_ref().map_or(0, |s| s.as_ptr() as usize);
        let key = (
            ptr(&row.status),
            row.message.as_ptr() as usize,
            ptr(&row.claim_status),
            failed_upload.map_or(0, |m| m.as_ptr() as usize),
            claimless(row),
        );
        let v = *memo.entry(key).or_insert_with(|| {
            verdicts.push(judge_row(row, as_of, failed_upload.map(|m| &**m)).into());
            index_u32(verdicts.len() - 1)
        });
        let j = &verdicts[v as usize];
        let is_accepted = j.outcome == Outcome::Accepted;
        let claim = index_u32(claim);
        let slot = by_entry.slot(row.entry);
        // The entry's buildings on other claims are few (usually none): walk them.
        let mut found = by_entry.slots[slot as usize].1;
        while found != NONE && building[found as usize].claim != claim {
            found = building[found as usize].prev_same_entry;
        }
        match (found != NONE).then_some(found) {
            None => {
                let prev_same_entry = by_entry.slots[slot as usize].1;
                by_entry.slots[slot as usize].1 = index_u32(building.len());
                building.push(Building {
                    claim,
                    entry: row.entry,
                    slot,
                    prev_same_entry,
                    first_row: index_u32(row_index),
                    verdict: v,
                    rows: 1,
                    accepted_rows: u32::from(is_accepted),
                    extra: None,
                });
            }
            Some(k) => {
                let b = &mut building[k as usize];
                b.rows += 1;
                b.accepted_rows += u32::from(is_accepted);
                let first = &input.rows[b.first_row as usize];
                let extra = b.extra.get_or_insert_with(|| {
                    Box::new(Extra {
                        messages: message_of(first).into_iter().collect(),
                        notes: verdicts[b.verdict as usize].note.iter().cloned().collect(),
                    })
                });
                extra.notes.extend(j.note.iter().cloned());
                if let Some(m) = message_of(row).filter(|m| !extra.messages.contains(m)) {
                    extra.messages.push(m);
                }
                if j.action.blocking() > verdicts[b.verdict as usize].action.blocking() {
                    b.verdict = v;
                }
            }
        }
    }

    drop(memo);
    // Results go straight into the worklist (rejected, later missing) or the accepted list, and
    // one map per entry gathers what crosses claims: where it was accepted, whether it was
    // rejected, and which worklist row blocks refiling most.
    // A million results are 170 MB: the worklist is reserved once for every result (missing
    // entries included), since the accepted ones join it at the end, and those wait in chunks
    // that are freed as they join, so that no result is held twice.
    let missing_at_most = input.declaration.as_ref().map_or(0, Vec::len);
    let mut worklist: Vec<EntryResult> = Vec::with_capacity(building.len() + missing_at_most);
    let mut accepted_rows: Vec<Vec<EntryResult>> = Vec::new();
    // Per claim: accepted, rejected, not answered (no claim yet or not filed).
    let mut counts = vec![(0usize, 0usize, 0usize); claims.len()];
    for b in building {
        let first = &input.rows[b.first_row as usize];
        let (messages, mut notes) = match b.extra {
            Some(extra) => (extra.messages, extra.notes),
            None => (
                message_of(first).into_iter().collect(),
                verdicts[b.verdict as usize].note.iter().cloned().collect(),
            ),
        };
        let all_accepted = b.accepted_rows == b.rows;
        let mixed;
        let verdict = if all_accepted {
            if b.rows > 1 {
                notes.push(format!(
                    "the claim lists this entry {} times, each accepted",
                    b.rows
                ));
            }
            &accepted_verdict
        } else if b.accepted_rows > 0 {
            // Listed both ways on one claim: neither outcome can be trusted.
            mixed = Judged::from((
                Outcome::Rejected,
                review(format!(
                    "The claim lists this entry {} times, accepted on {} of them and not on the others: capekit neither counts it accepted nor refiles it. Read the entry on the claim in ACE (Claim Status) and decide.",
                    b.rows, b.accepted_rows
                )),
            ));
            &mixed
        } else {
            if b.rows > 1 {
                notes.push(format!("the claim lists this entry {} times", b.rows));
            }
            &verdicts[b.verdict as usize]
        };
        let message = match messages.len() {
            0 => first.message.clone(),
            1 => messages[0].clone(),
            _ => messages
                .iter()
                .map(|m| &**m)
                .collect::<Vec<_>>()
                .join(" | ")
                .into(),
        };
        let claim_number = claims[b.claim as usize].number.clone();
        let agg = &mut by_entry.slots[b.slot as usize].0;
        let count = &mut counts[b.claim as usize];
        let outcome = verdict.outcome;
        match outcome {
            Outcome::Accepted => {
                count.0 += 1;
                agg.accepted_on.get_or_insert(b.claim);
            }
            Outcome::Rejected => {
                count.1 += 1;
                agg.rejected = true;
            }
            Outcome::NoClaimYet => {
                count.2 += 1;
                agg.no_claim_yet = true;
            }
            Outcome::NotFiled => {
                count.2 += 1;
                agg.not_filed = true;
            }
            Outcome::Missing => {}
        }
        let result = EntryResult {
            entry_number: b.entry,
            claim_number: Some(claim_number),
            outcome,
            message,
            action: verdict.action,
            rule: verdict.rule,
            what_to_do: verdict.what_to_do.clone(),
            source: verdict.source.clone(),
            file: first.file.clone(),
            line: first.line,
            note: (!notes.is_empty()).then(|| notes.join("; ")),
            deadlines: Vec::new(),
            urgent: None,
        };
        if outcome == Outcome::Accepted {
            match accepted_rows.last_mut() {
                Some(chunk) if chunk.len() < ACCEPTED_CHUNK => chunk.push(result),
                _ => {
                    let mut chunk = Vec::with_capacity(ACCEPTED_CHUNK);
                    chunk.push(result);
                    accepted_rows.push(chunk);
                }
            }
        } else {
            worklist.push(result);
        }
    }

    // Accepted anywhere wins: note it on rejected rows of other claims, those of this triage
    // and those the ledger knows (`input.known`), so the worklist never says "refile" for an
    // entry the refile list leaves out as accepted.
    for r in &mut worklist {
        let here = by_entry
            .get(&r.entry_number)
            .and_then(|a| a.accepted_on)
            .map(|c| (&*claims[c as usize].number, ""));
        let known = || match input.known.get(&r.entry_number) {
            Some(KnownState::Accepted { claim }) => {
                Some((claim.as_str(), ", as the ledger records"))
            }
            _ => None,
        };
        let Some((claim, whose)) = here.or_else(known) else {
            continue;
        };
        let n = format!("accepted on claim {claim}{whose}: nothing to refile");
        r.note = Some(match r.note.take() {
            Some(prev) => format!("{prev}; {n}"),
            None => n,
        });
        r.action = Action::None;
        r.what_to_do =
            format!("Nothing: the entry was accepted on claim {claim}. Never declare it again.")
                .into();
    }

    // A failed upload has no claim: a Validation Result File that failed an upload while a
    // Claim Details of this triage answers entries it lists contradicts itself (one of the files
    // belongs to another upload). Its entries no claim answers are neither corrected and sent
    // again nor held for a claim: a person reads ACE's File Uploads first.
    let failed_vrfs: Vec<&Text> = claims
        .iter()
        .filter(|c| c.kind == ClaimFileKind::ValidationResult && c.failed)
        .map(|c| &c.number)
        .collect();
    if !failed_vrfs.is_empty() {
        let is_claim = |n: Option<&Text>| {
            n.is_some_and(|n| {
                claims
                    .iter()
                    .any(|c| c.kind == ClaimFileKind::ClaimDetails && c.number == *n)
            })
        };
        let answered: HashSet<EntryNumber> = worklist
            .iter()
            .chain(accepted_rows.iter().flatten())
            .filter(|r| is_claim(r.claim_number.as_ref()))
            .map(|r| r.entry_number)
            .collect();
        for v in failed_vrfs {
            let of_v = |r: &EntryResult| r.claim_number.as_ref() == Some(v);
            let first_answered = worklist
                .iter()
                .filter(|r| of_v(r) && answered.contains(&r.entry_number))
                .map(|r| r.entry_number)
                .next();
            let Some(first) = first_answered else {
                continue;
            };
            let name = v.strip_prefix("validation ").unwrap_or(v);
            warnings.push(format!(
                "{name}: the upload failed file validation, yet a Claim Details of this triage answers entries it lists (first {first}): a failed upload has no claim, so one of these files belongs to another upload - check in ACE (CAPE > File Uploads, then Claim Status) which upload each belongs to; its entries no claim answers are review until then"
            ));
            for r in worklist
                .iter_mut()
                .filter(|r| of_v(r) && !answered.contains(&r.entry_number))
            {
                r.action = Action::Review;
                r.what_to_do = format!(
                    "{name} says the upload failed, yet a claim answers other entries it lists: check in ACE (CAPE > File Uploads) whether this entry's upload failed (then send it on a corrected whole file) or is still in a claim (then wait for it). capekit neither sends it again nor holds it until then."
                )
                .into();
            }
        }
    }

    let claims: Vec<ClaimSummary> = claims
        .into_iter()
        .zip(counts)
        .map(|(c, (accepted, rejected, not_answered))| {
            let status = match (c.kind, c.failed, accepted, rejected) {
                (ClaimFileKind::ValidationResult, true, ..) if c.load_error => {
                    ClaimStatus::NotProcessed
                }
                (ClaimFileKind::ValidationResult, true, ..) => ClaimStatus::FailedValidation,
                (ClaimFileKind::ValidationResult, false, ..) => ClaimStatus::Validated,
                // Entries not processed yet: the claim is not finished, whatever its other rows.
                _ if not_answered > 0 => ClaimStatus::InProcess,
                (_, _, _, 0) => ClaimStatus::Accepted,
                (_, _, 0, _) => ClaimStatus::Rejected,
                _ => ClaimStatus::AcceptedWithErrors,
            };
            let note = c
                .reported
                .as_deref()
                .filter(|r| {
                    crate::catalog::normalize(r) != crate::catalog::normalize(status.as_str())
                })
                .map(|r| {
                    format!(
                        "the file states the claim status `{r}`, but its rows read as `{}` (entries whose rows capekit could not read as accepted count as rejected): read the claim in ACE",
                        status.as_str()
                    )
                });
            ClaimSummary {
                claim_number: c.number,
                status,
                accepted,
                rejected,
                not_answered,
                files: c.files,
                kind: c.kind,
                reported_status: c.reported,
                note,
                date: c.date,
            }
        })
        .collect();

    // Missing entries and reconciliation: each distinct entry counts once, by the outcome
    // that says most (accepted, then rejected, then no claim yet, then not filed).
    let mut tally = Tally::default();
    let reconciliation = match &input.declaration {
        Some(declared) => {
            let mut seen = HashSet::new();
            let declared: Vec<EntryNumber> = declared
                .iter()
                .copied()
                .filter(|e| seen.insert(*e))
                .collect();
            let missing_text: Text = "On the declaration but in no claim file: find its claim in ACE (Claim Status) before doing anything; it may still be queued (\"Not Started\") - do not resubmit it.".into();
            let missing_source: Text =
                "reconciliation of the declaration against the claim files".into();
            let declaration_file: Text = "declaration".into();
            let empty: Text = "".into();
            // Given only the Validation Result Files of uploads that failed as a whole, a
            // declared entry they do not name was not filed either: it goes on the corrected
            // whole file.
            // A file whose only row is its file-level error makes no claim at all, and is such
            // a file just the same.
            let only_failed_uploads =
                !failed_uploads.is_empty() && claims.iter().all(|c| c.status.upload_failed());
            // Uploads ACE did not process at all (load errors) are retried as they are.
            let not_processed =
                only_failed_uploads && failed_files.iter().all(|(.., load_error)| *load_error);
            let not_filed = if not_processed {
                judge(JMS_PROCESSING_ERROR.title, as_of)
            } else {
                judge("FAILED INITIAL VALIDATION", as_of)
            };
            let not_filed_text: Text = if not_processed {
                format!(
                    "On the declaration of an upload ACE did not process (a load error), so not known to be filed either: {}",
                    not_filed.what_to_do
                )
            } else {
                format!(
                    "On the declaration of an upload that failed file validation, so not filed either: {}",
                    not_filed.what_to_do
                )
            }
            .into();
            let not_filed_source: Text = not_filed.source.into();
            for e in &declared {
                match by_entry.get(e) {
                    Some(a) => tally.count(a),
                    None => {
                        let (outcome, action, rule, what_to_do, source) = if only_failed_uploads {
                            tally.not_filed += 1;
                            (
                                Outcome::NotFiled,
                                not_filed.action,
                                not_filed.rule,
                                not_filed_text.clone(),
                                not_filed_source.clone(),
                            )
                        } else {
                            tally.missing += 1;
                            (
                                Outcome::Missing,
                                Action::Review,
                                None,
                                missing_text.clone(),
                                missing_source.clone(),
                            )
                        };
                        worklist.push(EntryResult {
                            entry_number: *e,
                            claim_number: None,
                            outcome,
                            message: empty.clone(),
                            action,
                            rule,
                            what_to_do,
                            source,
                            file: declaration_file.clone(),
                            line: 0,
                            note: None,
                            deadlines: Vec::new(),
                            urgent: None,
                        });
                    }
                }
            }
            let mut not_declared: Vec<EntryNumber> = by_entry
                .keys()
                .copied()
                .filter(|e| !seen.contains(e))
                .collect();
            not_declared.sort();
            let lines = input.declaration.as_ref().map_or(0, Vec::len);
            let declared_twice = lines - declared.len();
            if declared_twice > 0 || lines > crate::check::MAX_ENTRIES {
                warnings.push(declaration_would_fail(lines, declared_twice));
            }
            let mut r = tally.reconciliation(
                Some(declared.len()),
                declared.len(),
                input.unreadable_rows,
                not_declared,
            );
            r.unreadable_declared = input.unreadable_declared;
            r.declared_twice = declared_twice;
            r.holds &= input.unreadable_declared == 0;
            r
        }
        None => {
            for a in by_entry.values() {
                tally.count(a);
            }
            tally.reconciliation(None, by_entry.len(), input.unreadable_rows, Vec::new())
        }
    };

    // Entry data refines the advice (protest deadlines, withdrawal inside the window,
    // reconciliation) before the refile list is chosen, since it can change actions.
    let claim_dates: std::collections::HashMap<&str, Date> = claims
        .iter()
        .filter_map(|c| Some((&*c.claim_number, c.date?)))
        .collect();
    let refined = crate::refine::refine_rows_dated(
        &mut worklist,
        &input.entry_data,
        as_of,
        &input.corrected,
        &claim_dates,
    );
    let refined = (!input.entry_data.is_empty()).then_some(refined);
    // Which rows decide for their entry: the ledger takes an entry's latest-dated claim's
    // answer, and so does a triage of several claims; older claims' rows are history, as is a
    // Validation Result File's "no claim yet" for an entry a claim answers.
    let claim_of: HashMap<&str, (Option<Date>, ClaimFileKind)> = claims
        .iter()
        .map(|c| (&*c.claim_number, (c.date, c.kind)))
        .collect();
    // Rows come claim by claim: the claim's facts are looked up once per run of its rows, and
    // each row's entry slot once, for both passes below.
    let mut last: Option<(*const u8, (Option<Date>, ClaimFileKind))> = None;
    let mut places: Vec<(u32, RowPlace)> = Vec::with_capacity(worklist.len());
    for r in &worklist {
        let facts = match r.claim_number.as_deref() {
            None => (None, ClaimFileKind::ClaimDetails),
            Some(c) => match last {
                Some((p, f)) if std::ptr::eq(p, c.as_ptr()) => f,
                _ => {
                    let f = claim_of
                        .get(c)
                        .copied()
                        .unwrap_or((None, ClaimFileKind::ClaimDetails));
                    last = Some((c.as_ptr(), f));
                    f
                }
            },
        };
        let place = RowPlace {
            outcome: r.outcome,
            kind: facts.1,
            date: facts.0,
        };
        let slot = by_entry.slot(r.entry_number);
        by_entry.slots[slot as usize].0.place(place);
        places.push((slot, place));
    }
    drop(claim_of);
    let mut history: Vec<bool> = Vec::with_capacity(worklist.len());
    for (i, (slot, p)) in places.iter().enumerate() {
        let r = &worklist[i];
        let agg = &mut by_entry.slots[*slot as usize].0;
        let old = agg.history(*p);
        history.push(old);
        if !old {
            agg.consider(index_u32(i), r.outcome, r.action);
        }
    }
    drop(places);

    let (refile, holds) = plan_refile(
        &worklist,
        &by_entry,
        &claims,
        &input.corrected,
        &input.known,
    );
    // A row whose action says refile, kept off the new declaration by what the ledger knows (a
    // draft or an upload holding it, an acceptance elsewhere, a later claim's rejection) or by
    // another claim's answer, says so itself and carries the action of what holds it: the
    // worklist and a report are read (and filtered on their action) row by row, not beside the
    // list of what was left out.
    if !refile.left_out.is_empty() {
        let why: HashMap<EntryNumber, (&str, Action)> = refile
            .left_out
            .iter()
            .rev()
            .map(|l| {
                let held = holds
                    .get(&l.entry_number)
                    .copied()
                    .unwrap_or(Action::Review);
                (l.entry_number, (l.reason.as_str(), held))
            })
            .collect();
        let on: HashSet<EntryNumber> = refile.entries.iter().copied().collect();
        for (r, _) in worklist.iter_mut().zip(&history).filter(|(_, old)| !**old) {
            if matches!(r.action, Action::Refile | Action::FixFile)
                && !on.contains(&r.entry_number)
                && let Some(&(reason, held)) = why.get(&r.entry_number)
            {
                // What CBP's message alone would have said stays in the note.
                let said = std::mem::replace(
                    &mut r.what_to_do,
                    format!("Not on the new declaration: {reason}.").into(),
                );
                let note = format!("CBP's message alone: {said}");
                r.note = Some(match r.note.take() {
                    Some(prev) => format!("{prev}; {note}"),
                    None => note,
                });
                r.action = held;
            }
        }
    }
    // Rows that are history say which row decides for their entry, and take its action (the
    // refile list holds the entry once, from that row), so that no older claim's row invites
    // work the later answer has replaced, nor reads as accepted.
    if history.iter().any(|&h| h) {
        let mut decided: Vec<(usize, usize)> = Vec::new();
        for (i, r) in worklist.iter().enumerate().filter(|&(i, _)| history[i]) {
            let Some(agg) = by_entry.get(&r.entry_number) else {
                continue;
            };
            let accepted_known = matches!(
                input.known.get(&r.entry_number),
                Some(KnownState::Accepted { .. })
            );
            if agg.accepted_on.is_some() || accepted_known {
                continue;
            }
            if let Some(d) = agg.held_back.map(|(d, _)| d).or(agg.decider) {
                decided.push((i, d as usize));
            }
        }
        for (i, d) in decided {
            let by = &worklist[d];
            let claim = by.claim_number.as_deref().unwrap_or("(no claim number)");
            let date = by
                .claim_number
                .as_deref()
                .and_then(|c| claims.iter().find(|s| &*s.claim_number == c))
                .and_then(|s| s.date);
            let r = &worklist[i];
            let (said, note) = if r.outcome == Outcome::NoClaimYet {
                (
                    format!(
                        "Claim {claim} answered this entry: its answer supersedes this Validation Result File's \"passed file checks; no claim yet\" and decides (its row says `{}`): {}",
                        by.action, by.what_to_do
                    ),
                    format!("claim {claim} answered the entry: its row decides"),
                )
            } else {
                let when = date.map_or_else(String::new, |d| format!(" ({d})"));
                (
                    format!(
                        "A later claim answered since: claim {claim}{when} decides for this entry (its row says `{}`): {}",
                        by.action, by.what_to_do
                    ),
                    format!("a later claim, {claim}{when}, answered since and decides"),
                )
            };
            // The entry's action, the deciding row's: `none` would read as accepted.
            let action = by.action;
            let r = &mut worklist[i];
            let before = std::mem::replace(&mut r.what_to_do, said.into());
            let note = format!("{note}; this row's answer alone: {before}");
            r.note = Some(match r.note.take() {
                Some(prev) => format!("{prev}; {note}"),
                None => note,
            });
            r.action = action;
        }
    }
    drop(history);

    // Worklist order: urgent rows first, then by nearest deadline still ahead (an urgent row
    // with no date to count, first of all, as the plan puts it), then the most urgent action,
    // claim and entry; accepted rows last, in the order of their claim files.
    worklist.sort_by_cached_key(|r| {
        (
            r.urgent.is_none(),
            if r.undated_urgency() {
                Date::MIN
            } else {
                crate::deadline::nearest_open(r.deadlines.iter().copied())
                    .map_or(Date::MAX, |d| d.date)
            },
            r.action.urgency(),
            r.claim_number.clone(),
            r.entry_number,
        )
    });
    for chunk in accepted_rows {
        worklist.extend(chunk);
    }

    TriageReport {
        catalog_version: CATALOG_VERSION,
        as_of,
        claims,
        entries: worklist,
        reconciliation,
        refile,
        refined,
        warnings,
        failed_uploads,
    }
}

/// The warning for a declaration ACE would fail as a whole (CBP's file rules: no duplicates,
/// at most 9,999 entries): if it was uploaded as it is, none of its entries was filed, so it may
/// not be the file that made these claims.
fn declaration_would_fail(lines: usize, declared_twice: usize) -> String {
    let mut why = Vec::new();
    if declared_twice > 0 {
        why.push(format!(
            "lists {declared_twice} entr{} more than once",
            if declared_twice == 1 { "y" } else { "ies" }
        ));
    }
    if lines > crate::check::MAX_ENTRIES {
        why.push(format!(
            "has {lines} entry lines, more than the {} an upload may hold",
            crate::check::MAX_ENTRIES
        ));
    }
    format!(
        "the declaration {}: CBP fails such an upload as a whole (\"Failed initial validation\"), so if this file was uploaded as it is none of its entries was filed, and it may not be the file that made these claims - check on CAPE > File Uploads which file was uploaded; each entry is counted once here",
        why.join(" and ")
    )
}

#[cfg(test)]
mod tests;
