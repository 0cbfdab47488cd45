//! Recording: declarations, triaged claim files, refile files capekit wrote, and entry data.
//!
//! Every public function here is one transaction, begun `IMMEDIATE`: either all of a file's rows
//! are recorded or none is, and a second capekit process waits (up to the busy timeout) instead of
//! failing half-way. A file already recorded (same SHA-256) is skipped and reported as
//! [`ImportOutcome::AlreadyImported`]; nothing about it changes.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use capekit_core::catalog::normalize;
use capekit_core::deadline::{Act, ActKind, DeadlineKind};
use capekit_core::entry::EntryNumber;
use capekit_core::triage::{EntryResult, Text};
use capekit_core::triage::{Outcome, TriageReport};
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{OptionalExtension, Savepoint, Statement, Transaction, TransactionBehavior, params};
use serde::Serialize;

use crate::lifecycle::{DeclState, NewEvent, allowed, append, current, keep_bytes};
use crate::{
    ClaimId, DeclarationId, FileId, FileKind, FileMeta, ImportOutcome, Ledger, LedgerError, Result,
    TriageId, parse_ts,
};

/// One upload part capekit wrote, to record as a draft.
#[derive(Debug, Clone)]
pub struct DraftPart<'a> {
    /// Where it was written (canonical path).
    pub path: &'a str,
    /// Its bytes, as written.
    pub bytes: &'a [u8],
    /// Its entries.
    pub entries: &'a [EntryNumber],
}

/// An earlier draft a new one replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Superseded {
    /// Its record.
    pub id: DeclarationId,
    /// Where it was written.
    pub path: String,
    /// Entries it held, released now unless the new draft holds them again.
    pub entries: usize,
}

/// What recording drafts did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftsRecorded {
    /// Each part, in order.
    pub parts: Vec<ImportOutcome>,
    /// Drafts in the same folder that the new ones superseded (discarded).
    pub superseded: Vec<Superseded>,
    /// The declaration of each part, in order: the new draft, or the earlier record of the same
    /// bytes.
    pub declarations: Vec<DeclarationId>,
}

/// What a triage import recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TriageImport {
    /// The declaration given with the claim files, if any.
    pub declaration: Option<ImportOutcome>,
    /// Each claim file, in the order given.
    pub files: Vec<FileImport>,
    /// The triage run, when any row was recorded.
    pub triage: Option<TriageId>,
    /// Claims with rows recorded now.
    pub claims: usize,
    /// Claim rows recorded now.
    pub rows: usize,
    /// Validation Result Files with a file-level error: the declaration each failed, or the
    /// uploads it may belong to when it names no entry.
    pub failed_uploads: Vec<FailedUpload>,
    /// Claims recorded now that leave other uploads holding their entries: an older claim read
    /// late, or one without a date.
    pub placed: Vec<ClaimPlacement>,
}

/// A claim recorded now whose entries other uploads hold too, and what the ledger made of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimPlacement {
    /// The claim number.
    pub claim: String,
    /// Its date, when the file gives one.
    pub date: Option<Date>,
    /// The declaration it answers, with the day it was uploaded (or recorded, for a draft).
    pub answers: Option<(DeclarationId, String, Date)>,
    /// Uploads (and drafts) holding its entries that it does not answer: they keep their
    /// entries. Uploaded after the claim's date; without a date, after the one it answers.
    pub kept: Vec<Kept>,
}

/// A declaration that keeps its entries although a claim of them was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Kept {
    /// Its record.
    pub id: DeclarationId,
    /// Its file (the path, for a file capekit wrote).
    pub name: String,
    /// The day it was uploaded, on CBP's clock (written, for a draft).
    pub day: Date,
    /// An upload, not a draft.
    pub uploaded: bool,
}

impl ClaimPlacement {
    /// What the ledger did, in a sentence or two.
    pub fn advice(&self) -> String {
        let kept = self
            .kept
            .iter()
            .map(|k| {
                format!(
                    "#{} {} ({} {})",
                    k.id,
                    crate::shown_name(&k.name),
                    if k.uploaded {
                        "uploaded"
                    } else {
                        "draft written"
                    },
                    k.day
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let keep = if self.kept.len() == 1 {
            "keeps its entries pending"
        } else {
            "keep their entries pending"
        };
        let answers = self
            .answers
            .as_ref()
            .map(|(id, name, day)| (id, crate::shown_name(name), day));
        match (&self.date, &answers) {
            (Some(date), Some((id, name, day))) => format!(
                "claim {} of {date} answers #{id} {name} (uploaded {day}), the last upload of its entries on or before that day; {kept}, uploaded after it: {keep} until {} own claim is triaged",
                self.claim,
                if self.kept.len() == 1 { "its" } else { "their" }
            ),
            (Some(date), None) => format!(
                "claim {} of {date} is older than every upload in the ledger that holds its entries ({kept}): it answers none of them, so {} {keep} until {} own claim is triaged; its outcomes count as older than {}. If it does answer one of them (an upload marked uploaded days after it was made), import the file again with `--declaration '#N'`",
                self.claim,
                if self.kept.len() == 1 {
                    "that one"
                } else {
                    "they"
                },
                if self.kept.len() == 1 { "its" } else { "their" },
                if self.kept.len() == 1 {
                    "that upload"
                } else {
                    "those uploads"
                }
            ),
            (None, Some((id, name, day))) => format!(
                "claim {} carries no date, so capekit reads it the safe way: it answers #{id} {name} (uploaded {day}), the earliest unanswered upload of its entries, and the later {kept} {keep} - look at the claim in ACE (Claim Status) if it may be the answer to the later one",
                self.claim
            ),
            (None, None) => format!(
                "claim {} answers no upload in the ledger; {kept} {keep}",
                self.claim
            ),
        }
    }
}

/// A Validation Result File with a file-level error, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedUpload {
    /// The file.
    pub file: String,
    /// The declaration it failed (or found failed already): the one named, or the one holding
    /// the entries its rows name.
    pub marked: Option<(DeclarationId, String)>,
    /// When it failed none (its only row is the file-level error, no declaration named): every
    /// upload still waiting for its claim, one of which it may belong to, oldest first. Nothing
    /// is guessed: the user marks the one (`capekit ledger failed`).
    pub candidates: Vec<(DeclarationId, String)>,
    /// The file's word on the upload is a load error: ACE did not process it (retry it as it
    /// is), rather than a file-level validation error (fix the file).
    pub load_error: bool,
}

impl FailedUpload {
    /// What was done, or what the user must do, in a sentence or two.
    pub fn advice(&self) -> String {
        let what = if self.load_error {
            format!(
                "{}: ACE could not process the upload (a load error, not a validation result), so none of its entries is known to be filed",
                self.file
            )
        } else {
            format!(
                "{}: the upload failed file validation (a file-level error), so none of its entries was filed",
                self.file
            )
        };
        if let Some((id, name)) = &self.marked {
            let name = crate::shown_name(name);
            return if self.load_error {
                format!(
                    "{what}: declaration #{id} {name} is marked failed and its entries are released - look on Claim Status for its claim number first (a time-out can hide a declaration that went through); if there is none, upload the same file again in 30 to 60 minutes"
                )
            } else {
                format!(
                    "{what}: declaration #{id} {name} is marked failed and its entries are released - fix the file and upload it whole as a new declaration"
                )
            };
        }
        let list = |c: &[(DeclarationId, String)]| {
            c.iter()
                .map(|(id, name)| format!("#{id} {}", crate::shown_name(name)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self.candidates.as_slice() {
            [] => format!(
                "{what}. It names no entry and no upload in the ledger is waiting for its claim, so no declaration was marked failed: record the upload it belongs to (`capekit ledger uploaded FILE`), then import this file again with `--declaration FILE`"
            ),
            [(id, name)] => {
                let name = crate::shown_name(name);
                format!(
                    "{what}. It names no entry, so capekit does not guess which declaration it belongs to; the one upload waiting for its claim is #{id} {name}: if this is its Validation Result File, mark it failed with `capekit ledger failed '#{id}'` (or the Declarations page of `capekit serve`)"
                )
            }
            many => format!(
                "{what}. It names no entry, so capekit does not guess which declaration it belongs to; {} uploads are waiting for their claim ({}): mark the one this file belongs to with `capekit ledger failed '#N'`, or import the file again with `--declaration '#N'`",
                many.len(),
                list(many)
            ),
        }
    }
}

/// One claim file of a triage import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileImport {
    /// The file's name.
    pub name: String,
    /// Recorded now, or before.
    #[serde(flatten)]
    pub outcome: ImportOutcome,
}

/// What the ledger keeps of an entry's data (from an ES-003 report and the path engine): enough
/// to group entries by importer and to show the nearest deadlines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryFacts {
    /// The entry.
    pub entry: EntryNumber,
    /// Importer of record number.
    pub importer_number: Option<String>,
    /// Entry type code (`01`, `09`...).
    pub entry_type: Option<String>,
    /// Date of entry, when the report gave it (kept from migration 4 on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_date: Option<Date>,
    /// Liquidation date, when liquidated or scheduled.
    pub liquidation_date: Option<Date>,
    /// The path the entry takes (`cape`, `protest`, `court`...), as the path engine names it.
    pub path: String,
    /// Last day to declare it on CAPE (liquidation + 80 days).
    pub cape_window_closes: Option<Date>,
    /// Last day to protest (liquidation + 180 days).
    pub protest_due: Option<Date>,
    /// Every deadline that matters for the entry's path (`Decision::deadlines_that_matter`):
    /// kind, date and what it was counted from. Kept in `entry_deadlines`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deadlines: Vec<(DeadlineKind, Date, String)>,
    /// The whole entry data as JSON (`EntryData` reads back from it), kept in `entry_records`
    /// for a later triage; `None` records the facts alone.
    #[serde(skip)]
    pub record: Option<String>,
}

/// What dates an act on an entry ([`Ledger::act_facts`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActFacts {
    /// The entry date, when recorded.
    pub entry_date: Option<Date>,
    /// The deadlines recorded with the entry data.
    pub deadlines: Vec<(DeadlineKind, Date)>,
    /// The importer of record, as the entry data writes it, when recorded.
    pub importer: Option<String>,
}

impl EntryFacts {
    /// What the ledger keeps of each entry of entry files given in order, each decided by
    /// `decide` (the caller's path engine, as of its run's date: the ledger judges nothing). An
    /// entry in two files is taken from the first, as `capekit plan` takes it (rule R011), so
    /// that importing, planning and triaging the same files record the same facts.
    pub fn of_files<'a>(
        files: impl IntoIterator<Item = &'a [capekit_core::path::EntryData]>,
        decide: impl Fn(&capekit_core::path::EntryData) -> capekit_core::path::Decision,
    ) -> Vec<Vec<Self>> {
        let mut seen = std::collections::HashSet::new();
        files
            .into_iter()
            .map(|entries| {
                entries
                    .iter()
                    .filter(|e| seen.insert(e.entry_number))
                    .map(|e| Self::from_decision(e, &decide(e)))
                    .collect()
            })
            .collect()
    }

    /// What the ledger keeps of an ES-003 entry and the path engine's decision on it.
    pub fn from_decision(
        data: &capekit_core::path::EntryData,
        decision: &capekit_core::path::Decision,
    ) -> Self {
        Self {
            entry: data.entry_number,
            importer_number: data.importer_number.as_deref().map(str::to_owned),
            entry_type: data.entry_type.as_deref().map(str::to_owned),
            entry_date: data.entry_date,
            liquidation_date: data.liquidation_date,
            path: decision.path.as_str().to_owned(),
            cape_window_closes: decision.deadlines.cape_window_closes.map(|d| d.date),
            protest_due: decision.deadlines.protest_due.map(|d| d.date),
            deadlines: decision
                .deadlines_that_matter()
                .map(|d| (d.kind, d.date, d.basis.to_string()))
                .collect(),
            // Serializing a value of plain fields cannot fail; were it to, the facts are kept
            // without the record, and a triage then says it has no data for the entry.
            record: serde_json::to_string(data).ok(),
        }
    }
}

pub(crate) fn now() -> String {
    Timestamp::now().to_string()
}

/// Inserts the file row, or returns the earlier record of the same bytes.
fn insert_file(
    tx: &rusqlite::Connection,
    file: &FileMeta,
    at: &str,
) -> Result<Result<FileId, ImportOutcome>> {
    let earlier: Option<(i64, String)> = tx
        .query_row(
            "SELECT id, imported_at FROM files WHERE sha256 = ?1",
            [&file.sha256],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((id, imported_at)) = earlier {
        return Ok(Err(ImportOutcome::AlreadyImported {
            file_id: FileId(id),
            imported_at: parse_ts(&imported_at)?,
        }));
    }
    tx.execute(
        "INSERT INTO files (sha256, kind, name, size, imported_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            file.sha256,
            file.kind.as_str(),
            file.name,
            i64::try_from(file.size).unwrap_or(i64::MAX),
            at
        ],
    )?;
    let id = tx.last_insert_rowid();
    if let Some(d) = file.data_date {
        tx.execute(
            "INSERT INTO file_dates (file_id, data_date) VALUES (?1, ?2)",
            params![id, d.to_string()],
        )?;
    }
    Ok(Ok(FileId(id)))
}

/// Records the declaration of `file` with its entries (duplicates counted once).
fn insert_declaration(
    tx: &rusqlite::Connection,
    file_id: FileId,
    entries: &[EntryNumber],
    seq: i64,
) -> Result<(DeclarationId, usize)> {
    let unique: Vec<EntryNumber> = {
        let mut seen = HashSet::with_capacity(entries.len());
        entries
            .iter()
            .copied()
            .filter(|e| seen.insert(*e))
            .collect()
    };
    tx.execute(
        "INSERT INTO declarations (file_id, entries, seq) VALUES (?1, ?2, ?3)",
        params![file_id.0, unique.len() as i64, seq],
    )?;
    let id = DeclarationId(tx.last_insert_rowid());
    insert_batched(
        tx,
        "INSERT INTO declaration_entries (declaration_id, entry) VALUES",
        2,
        &unique,
        |st, i, e| {
            st.raw_bind_parameter(i, id.0)?;
            st.raw_bind_parameter(i + 1, e.as_str())
        },
    )?;
    Ok((id, unique.len()))
}

/// Records `file` as a new declaration with its entries and its first event, `draft`. Refused
/// when the same bytes were recorded as another kind of file.
pub(crate) fn new_declaration(
    tx: &rusqlite::Connection,
    file: &FileMeta,
    entries: &[EntryNumber],
    at: &str,
    answered_by: Option<i64>,
) -> Result<(DeclarationId, FileId, usize)> {
    new_declaration_as(tx, file, entries, at, answered_by, DeclState::Draft)
}

/// [`new_declaration`], its first event `state`: a declaration recorded as uploaded (given to a
/// triage with its claim, or imported as uploaded) starts there.
fn new_declaration_as(
    tx: &rusqlite::Connection,
    file: &FileMeta,
    entries: &[EntryNumber],
    at: &str,
    answered_by: Option<i64>,
    state: DeclState,
) -> Result<(DeclarationId, FileId, usize)> {
    let Ok(file_id) = insert_file(tx, file, at)? else {
        return Err(LedgerError::Refused(format!(
            "{}: the same bytes are already in the ledger as another kind of file",
            file.name
        )));
    };
    let seq = answered_by.map_or(file_id.0, |a| a.min(file_id.0));
    let (id, n) = insert_declaration(tx, file_id, entries, seq)?;
    append(tx, id, state, at, &NewEvent::default())?;
    Ok((id, file_id, n))
}

/// Rows per multi-row `INSERT`: one statement run per hundred rows instead of per row, which is
/// most of the difference between 400,000 and 600,000 rows a second.
const BATCH: usize = 100;

/// Inserts `rows` with `head` (`INSERT INTO t (a, b) VALUES`) in statements of up to [`BATCH`]
/// rows of `cols` values each; `bind` binds one row from parameter index `i` on.
pub(crate) fn insert_batched<R>(
    tx: &rusqlite::Connection,
    head: &str,
    cols: usize,
    rows: &[R],
    bind: impl Fn(&mut Statement<'_>, usize, &R) -> rusqlite::Result<()>,
) -> Result<()> {
    let sql = |n: usize| {
        let group = format!("({})", vec!["?"; cols].join(", "));
        format!("{head} {}", vec![group; n].join(", "))
    };
    let mut chunks = rows.chunks_exact(BATCH);
    if rows.len() >= BATCH {
        let mut full = tx.prepare_cached(&sql(BATCH))?;
        for chunk in &mut chunks {
            for (k, r) in chunk.iter().enumerate() {
                bind(&mut full, k * cols + 1, r)?;
            }
            full.raw_execute()?;
        }
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut st = tx.prepare(&sql(rest.len()))?;
        for (k, r) in rest.iter().enumerate() {
            bind(&mut st, k * cols + 1, r)?;
        }
        st.raw_execute()?;
    }
    Ok(())
}

/// A transaction of the ledger, or a savepoint inside a command's run.
pub(crate) enum Tx<'c> {
    Top(Transaction<'c>),
    Nested(Savepoint<'c>),
}

impl std::ops::Deref for Tx<'_> {
    type Target = rusqlite::Connection;

    fn deref(&self) -> &rusqlite::Connection {
        match self {
            Tx::Top(t) => t,
            Tx::Nested(s) => s,
        }
    }
}

impl Tx<'_> {
    pub(crate) fn commit(self) -> rusqlite::Result<()> {
        match self {
            Tx::Top(t) => t.commit(),
            Tx::Nested(s) => s.commit(),
        }
    }
}

impl Ledger {
    /// One import's transaction; inside a command's run ([`Ledger::begin_run`]) a savepoint of
    /// it, so that the run's records stand or fall together.
    pub(crate) fn begin(&mut self) -> Result<Tx<'_>> {
        if self.conn.is_autocommit() {
            Ok(Tx::Top(self.conn.transaction_with_behavior(
                TransactionBehavior::Immediate,
            )?))
        } else {
            Ok(Tx::Nested(self.conn.savepoint()?))
        }
    }

    /// Holds everything recorded from now on in one transaction, until [`Ledger::commit_run`]:
    /// a command that records and then writes files commits only once the files are written,
    /// and a failure in between (an output refused, a full disk) leaves the ledger as it was
    /// (dropping the ledger rolls the run back). Begun `IMMEDIATE`, like every import.
    pub fn begin_run(&mut self) -> Result<()> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(())
    }

    /// Commits what was recorded since [`Ledger::begin_run`].
    pub fn commit_run(&mut self) -> Result<()> {
        self.conn.execute_batch("COMMIT")?;
        Ok(())
    }

    /// Records a declaration the user uploaded: its entries become pending until a claim
    /// outcome is recorded after it.
    pub fn import_declaration(
        &mut self,
        file: &FileMeta,
        entries: &[EntryNumber],
    ) -> Result<ImportOutcome> {
        let tx = self.begin()?;
        let outcome = import_declaration_tx(&tx, file, entries, &now(), None, DeclState::Uploaded)?;
        tx.commit()?;
        Ok(outcome)
    }

    /// Records a declaration file as a draft (not yet uploaded), keeping its bytes: it reserves
    /// its entries from later drafts until it is marked uploaded or discarded.
    pub fn import_draft(
        &mut self,
        file: &FileMeta,
        bytes: &[u8],
        entries: &[EntryNumber],
    ) -> Result<ImportOutcome> {
        let tx = self.begin()?;
        let outcome = import_declaration_tx(&tx, file, entries, &now(), None, DeclState::Draft)?;
        if let ImportOutcome::Imported { file_id, .. } = outcome {
            let id: i64 = tx.query_row(
                "SELECT id FROM declarations WHERE file_id = ?1",
                [file_id.0],
                |r| r.get(0),
            )?;
            keep_bytes(&tx, DeclarationId(id), bytes)?;
        }
        tx.commit()?;
        Ok(outcome)
    }

    /// Records a triage: the declaration it was given (if any), then every claim file, each
    /// claim, and one row per entry and claim of the report (missing entries are not claim
    /// rows: the declaration already makes them pending). Rows of files recorded before are
    /// skipped, so triaging the same files again changes nothing.
    ///
    /// Rows are matched to `files` by name (the readers name a row's file by its base name).
    /// A row whose file is not among `files` is recorded against the first new file, rather
    /// than lost.
    pub fn import_triage(
        &mut self,
        declaration: Option<(&FileMeta, &[EntryNumber])>,
        files: &[FileMeta],
        report: &TriageReport,
    ) -> Result<TriageImport> {
        let tx = self.begin()?;
        let done = import_triage_tx(&tx, declaration, None, files, report)?;
        tx.commit()?;
        Ok(done)
    }

    /// [`Ledger::import_triage`] of claim files the user says answer the recorded declaration
    /// `declaration` (`ledger import --declaration`): each Claim Details answers it, and a
    /// Validation Result File with a file-level error fails it, even one recorded before.
    pub fn import_triage_answering(
        &mut self,
        declaration: DeclarationId,
        files: &[FileMeta],
        report: &TriageReport,
    ) -> Result<TriageImport> {
        let tx = self.begin()?;
        let done = import_triage_tx(&tx, None, Some(declaration), files, report)?;
        tx.commit()?;
        Ok(done)
    }

    /// Writes the actions of triage `triage` again from `report`, the same triage judged once
    /// more (by the entry data the ledger keeps, or what it knows of other claims): the rows
    /// keep CBP's outcome and message, and take the action the outputs give, so that `refile`
    /// and `ledger entry` answer as the worklist does. Returns the rows changed. Meant inside
    /// the run's transaction ([`Ledger::begin_run`]) or a [`crate::Reservation`], with the rows
    /// it restates.
    pub fn restate_triage(&self, triage: TriageId, report: &TriageReport) -> Result<usize> {
        let mut changed = 0;
        {
            let mut update = self.conn.prepare_cached(
                "UPDATE claim_entries SET action = ?1, rule = ?2
                 WHERE triage_id = ?3 AND entry = ?4
                   AND claim_id = (SELECT id FROM claims WHERE claim_number = ?5)
                   AND (action IS NOT ?1 OR rule IS NOT ?2)",
            )?;
            for r in report.worklist() {
                let Some(claim) = r.claim_number.as_deref() else {
                    continue;
                };
                changed += update.execute(params![
                    r.action.as_str(),
                    r.rule,
                    triage.0,
                    r.entry_number.as_str(),
                    claim
                ])?;
            }
        }
        Ok(changed)
    }

    /// Records one declaration file capekit wrote at `path` as a draft (see
    /// [`Ledger::record_drafts`]).
    pub fn record_refile(
        &mut self,
        path: &str,
        bytes: &[u8],
        entries: &[EntryNumber],
    ) -> Result<ImportOutcome> {
        let folder = Path::new(path)
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let done = self.record_drafts(
            &folder,
            &[DraftPart {
                path,
                bytes,
                entries,
            }],
        )?;
        Ok(done
            .parts
            .into_iter()
            .next()
            .unwrap_or(ImportOutcome::Imported {
                file_id: FileId(0),
                entries: 0,
            }))
    }

    /// Records the upload parts capekit wrote into `folder` as drafts, with their bytes, in one
    /// transaction: they reserve their entries from later drafts until they are marked uploaded,
    /// discarded or superseded. Every earlier draft capekit wrote into the same folder (a re-run,
    /// a changed corrected list) is superseded: discarded, its entries released, unless the new
    /// run wrote the very same bytes again.
    pub fn record_drafts(
        &mut self,
        folder: &str,
        parts: &[DraftPart<'_>],
    ) -> Result<DraftsRecorded> {
        let tx = self.begin()?;
        let done = record_drafts_tx(&tx, folder, parts)?;
        tx.commit()?;
        Ok(done)
    }

    /// Records what is known of each entry (importer, type, liquidation, path, deadlines); the
    /// latest record of an entry replaces the earlier one. `file` is the report it came from.
    pub fn record_entry_data(
        &mut self,
        file: Option<&FileMeta>,
        facts: &[EntryFacts],
    ) -> Result<Option<ImportOutcome>> {
        let at = now();
        let tx = self.begin()?;
        let outcome = match file {
            None => {
                upsert_facts(&tx, None, facts, &at)?;
                None
            }
            Some(meta) => Some(record_report_tx(&tx, meta, facts, &at)?),
        };
        tx.commit()?;
        Ok(outcome)
    }

    /// Records several entry reports (ES-003 exports or entry lists) in one transaction, as a
    /// plan that read them together: each with the facts taken from it. A report whose bytes
    /// were recorded before changes nothing, not even the facts of its entries, and is reported
    /// as [`ImportOutcome::AlreadyImported`]; the outcomes come in the order given.
    pub fn record_entry_reports(
        &mut self,
        reports: &[(FileMeta, Vec<EntryFacts>)],
    ) -> Result<Vec<ImportOutcome>> {
        let tx = self.begin()?;
        let outcomes = record_entry_reports_tx(&tx, reports)?;
        tx.commit()?;
        Ok(outcomes)
    }
}

/// [`Ledger::record_entry_reports`], inside a transaction begun by the caller.
pub(crate) fn record_entry_reports_tx(
    tx: &rusqlite::Connection,
    reports: &[(FileMeta, Vec<EntryFacts>)],
) -> Result<Vec<ImportOutcome>> {
    let at = now();
    let mut outcomes = Vec::with_capacity(reports.len());
    for (meta, facts) in reports {
        outcomes.push(record_report_tx(tx, meta, facts, &at)?);
    }
    Ok(outcomes)
}

/// [`Ledger::record_drafts`], inside a transaction begun by the caller.
pub(crate) fn record_drafts_tx(
    tx: &rusqlite::Connection,
    folder: &str,
    parts: &[DraftPart<'_>],
) -> Result<DraftsRecorded> {
    let at = now();
    let new_shas: HashSet<String> = parts.iter().map(|p| crate::sha256_hex(p.bytes)).collect();
    let mut superseded = Vec::new();
    {
        let mut stmt = tx.prepare(
            "SELECT d.id, r.path, f.sha256, d.entries FROM declarations d
                 JOIN refile_files r ON r.declaration_id = d.id
                 JOIN files f ON f.id = d.file_id
                 JOIN declaration_state s ON s.declaration_id = d.id
                 WHERE s.state = 'draft' ORDER BY d.id",
        )?;
        let rows: Vec<(i64, String, String, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, path, sha, entries) in rows {
            let here = Path::new(&path).parent() == Some(Path::new(folder));
            if here && !new_shas.contains(&sha) {
                superseded.push(Superseded {
                    id: DeclarationId(id),
                    path,
                    entries: usize::try_from(entries).unwrap_or(0),
                });
            }
        }
    }
    // The note names the new draft as a user is shown it: no workbench upload id.
    let by = crate::shown_name(parts.first().map_or(folder, |p| p.path));
    for s in &superseded {
        append(
            tx,
            s.id,
            DeclState::Discarded,
            &at,
            &NewEvent {
                note: &format!("superseded by {by}"),
                ..NewEvent::default()
            },
        )?;
    }
    let mut outcomes = Vec::with_capacity(parts.len());
    let mut declarations = Vec::with_capacity(parts.len());
    for p in parts {
        let meta = FileMeta::of_bytes(p.path, FileKind::Refile, p.bytes);
        let earlier = crate::lifecycle::declaration_of_sha(tx, &meta.sha256)?;
        let state = earlier.map(|d| current(tx, d)).transpose()?.flatten();
        let mut meta = meta;
        match (earlier, state) {
            // Still a draft, or uploaded: the same file, nothing new.
            (Some(decl), Some((DeclState::Draft | DeclState::Uploaded, _))) => {
                let (file_id, imported_at): (i64, String) = tx.query_row(
                    "SELECT f.id, f.imported_at FROM declarations d
                         JOIN files f ON f.id = d.file_id WHERE d.id = ?1",
                    [decl.0],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                outcomes.push(ImportOutcome::AlreadyImported {
                    file_id: FileId(file_id),
                    imported_at: parse_ts(&imported_at)?,
                });
                declarations.push(decl);
                continue;
            }
            // Answered, failed or discarded before: the same bytes are a new declaration.
            (Some(decl), _) => {
                meta.sha256 = crate::sha256_hex(
                    format!("{}#declared-again-after-{}", meta.sha256, decl.0).as_bytes(),
                );
            }
            (None, _) => {}
        }
        let (decl, file_id, n) = new_declaration(tx, &meta, p.entries, &at, None)?;
        tx.execute(
            "INSERT INTO refile_files (declaration_id, path, written_at) VALUES (?1, ?2, ?3)",
            params![decl.0, p.path, at],
        )?;
        keep_bytes(tx, decl, p.bytes)?;
        outcomes.push(ImportOutcome::Imported {
            file_id,
            entries: n,
        });
        declarations.push(decl);
    }
    Ok(DraftsRecorded {
        parts: outcomes,
        superseded,
        declarations,
    })
}

/// Records one entry report and its facts, unless the same bytes were recorded before.
fn record_report_tx(
    tx: &rusqlite::Connection,
    meta: &FileMeta,
    facts: &[EntryFacts],
    at: &str,
) -> Result<ImportOutcome> {
    Ok(match insert_file(tx, meta, at)? {
        Err(already) => already,
        Ok(file_id) => {
            upsert_facts(tx, Some(file_id), facts, at)?;
            ImportOutcome::Imported {
                file_id,
                entries: facts.len(),
            }
        }
    })
}

/// Writes each entry's facts, replacing what an earlier report said of it: the latest export
/// knows the latest liquidation.
fn upsert_facts(
    tx: &rusqlite::Connection,
    file_id: Option<FileId>,
    facts: &[EntryFacts],
    at: &str,
) -> Result<()> {
    insert_batched(
        tx,
        "INSERT OR REPLACE INTO entry_data
           (entry, importer_number, entry_type, liquidation_date, path,
            cape_window_closes, protest_due, file_id, recorded_at, entry_date)
         VALUES",
        10,
        facts,
        |st, i, f| {
            st.raw_bind_parameter(i, f.entry.as_str())?;
            st.raw_bind_parameter(i + 1, f.importer_number.as_deref())?;
            st.raw_bind_parameter(i + 2, f.entry_type.as_deref())?;
            st.raw_bind_parameter(i + 3, f.liquidation_date.map(|d| d.to_string()))?;
            st.raw_bind_parameter(i + 4, f.path.as_str())?;
            st.raw_bind_parameter(i + 5, f.cape_window_closes.map(|d| d.to_string()))?;
            st.raw_bind_parameter(i + 6, f.protest_due.map(|d| d.to_string()))?;
            st.raw_bind_parameter(i + 7, file_id.map(|f| f.0))?;
            st.raw_bind_parameter(i + 8, at)?;
            st.raw_bind_parameter(i + 9, f.entry_date.map(|d| d.to_string()))
        },
    )?;
    // The whole record goes with the facts; facts without one leave no older record behind.
    {
        let mut clear = tx.prepare_cached("DELETE FROM entry_records WHERE entry = ?1")?;
        for f in facts.iter().filter(|f| f.record.is_none()) {
            clear.execute([f.entry.as_str()])?;
        }
    }
    let records: Vec<(&str, &str)> = facts
        .iter()
        .filter_map(|f| Some((f.entry.as_str(), f.record.as_deref()?)))
        .collect();
    insert_batched(
        tx,
        "INSERT OR REPLACE INTO entry_records (entry, record) VALUES",
        2,
        &records,
        |st, i, (entry, record)| {
            st.raw_bind_parameter(i, *entry)?;
            st.raw_bind_parameter(i + 1, *record)
        },
    )?;
    // The deadlines go with the facts: the latest report's replace the earlier ones.
    {
        let mut clear = tx.prepare_cached("DELETE FROM entry_deadlines WHERE entry = ?1")?;
        for f in facts {
            clear.execute([f.entry.as_str()])?;
        }
    }
    let rows: Vec<(&EntryFacts, &(DeadlineKind, Date, String))> = facts
        .iter()
        .flat_map(|f| f.deadlines.iter().map(move |d| (f, d)))
        .collect();
    insert_batched(
        tx,
        "INSERT OR REPLACE INTO entry_deadlines (entry, kind, date, basis, recorded_at) VALUES",
        5,
        &rows,
        |st, i, (f, (kind, date, basis))| {
            st.raw_bind_parameter(i, f.entry.as_str())?;
            st.raw_bind_parameter(i + 1, kind.as_str())?;
            st.raw_bind_parameter(i + 2, date.to_string())?;
            st.raw_bind_parameter(i + 3, basis.as_str())?;
            st.raw_bind_parameter(i + 4, at)
        },
    )
}

impl Ledger {
    /// Records that `kind` was done for `entries` on `on` (a protest, suit, PSC or Phase 3
    /// submission), in one transaction. Append-only: a later record adds to the earlier ones.
    pub fn record_act(
        &mut self,
        entries: &[EntryNumber],
        kind: ActKind,
        reference: Option<&str>,
        on: Date,
    ) -> Result<usize> {
        let at = now();
        let tx = self.begin()?;
        {
            let mut st = tx.prepare_cached(
                "INSERT INTO entry_acts (entry, act, reference, acted_on, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for e in entries {
                st.execute(params![
                    e.as_str(),
                    kind.as_str(),
                    reference,
                    on.to_string(),
                    at
                ])?;
            }
        }
        tx.commit()?;
        Ok(entries.len())
    }

    /// What the ledger knows of these entries that dates an act on them: the entry date (from
    /// entry data recorded since migration 4) and the deadlines recorded with the entry data
    /// (those that mattered for its path, and its CAPE window and protest date). Entries without
    /// entry data are absent.
    pub fn act_facts(&self, entries: &[EntryNumber]) -> Result<HashMap<EntryNumber, ActFacts>> {
        let mut data = self.conn.prepare_cached(
            "SELECT entry_date, cape_window_closes, protest_due, importer_number FROM entry_data WHERE entry = ?1",
        )?;
        let mut deadlines = self
            .conn
            .prepare_cached("SELECT kind, date FROM entry_deadlines WHERE entry = ?1")?;
        let opt = |s: Option<String>| s.as_deref().map(crate::parse_date).transpose();
        let mut out = HashMap::new();
        for e in entries {
            type Row = (
                Option<String>,
                Option<String>,
                Option<String>,
                Option<String>,
            );
            let row: Option<Row> = data
                .query_row([e.as_str()], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .optional()?;
            let Some((entry_date, window, protest, importer)) = row else {
                continue;
            };
            let mut facts = ActFacts {
                entry_date: opt(entry_date)?,
                deadlines: Vec::new(),
                importer,
            };
            let mut rows = deadlines.query([e.as_str()])?;
            while let Some(r) = rows.next()? {
                let kind: String = r.get(0)?;
                let date: String = r.get(1)?;
                let kind =
                    DeadlineKind::parse(&kind).ok_or_else(|| crate::LedgerError::Corrupt {
                        what: "deadline kind",
                        value: kind.clone(),
                    })?;
                facts.deadlines.push((kind, crate::parse_date(&date)?));
            }
            for (kind, date) in [
                (DeadlineKind::CapeWindow, opt(window)?),
                (DeadlineKind::Protest, opt(protest)?),
            ] {
                if let Some(d) = date
                    && !facts.deadlines.iter().any(|(k, _)| *k == kind)
                {
                    facts.deadlines.push((kind, d));
                }
            }
            out.insert(*e, facts);
        }
        Ok(out)
    }

    /// The acts recorded for these entries, oldest first.
    pub fn acts(&self, entries: &[EntryNumber]) -> Result<HashMap<EntryNumber, Vec<Act>>> {
        let mut st = self.conn.prepare_cached(
            "SELECT act, reference, acted_on FROM entry_acts WHERE entry = ?1 ORDER BY id",
        )?;
        let mut out: HashMap<EntryNumber, Vec<Act>> = HashMap::new();
        let any: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM entry_acts", [], |r| r.get(0))?;
        if any == 0 {
            return Ok(out);
        }
        for e in entries {
            let mut rows = st.query([e.as_str()])?;
            while let Some(r) = rows.next()? {
                let act = act_of(&r.get::<_, String>(0)?, r.get(1)?, &r.get::<_, String>(2)?)?;
                out.entry(*e).or_default().push(act);
            }
        }
        Ok(out)
    }

    /// Records importers that sued in the CIT, each with whether its IOR was submitted by
    /// 2026-07-30 (CAPE Phase 3). Append-only; the latest answer per importer holds.
    pub fn record_phase3_importers(&mut self, importers: &[(String, bool)]) -> Result<()> {
        let at = now();
        let tx = self.begin()?;
        {
            let mut st = tx.prepare_cached(
                "INSERT INTO phase3_importers (importer, ior_submitted, recorded_at)
                 VALUES (?1, ?2, ?3)",
            )?;
            for (importer, submitted) in importers {
                st.execute(params![importer, i64::from(*submitted), at])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The importers recorded as CIT plaintiffs, with the latest answer for each.
    pub fn phase3_importers(&self) -> Result<Vec<(String, bool)>> {
        let mut st = self.conn.prepare(
            "SELECT importer, ior_submitted FROM phase3_importers p
             WHERE id = (SELECT MAX(id) FROM phase3_importers q WHERE q.importer = p.importer)
             ORDER BY importer",
        )?;
        let rows = st.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? != 0))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// [`Ledger::import_triage`], inside a transaction begun by the caller.
pub(crate) fn import_triage_tx(
    tx: &rusqlite::Connection,
    declaration: Option<(&FileMeta, &[EntryNumber])>,
    named: Option<DeclarationId>,
    files: &[FileMeta],
    report: &TriageReport,
) -> Result<TriageImport> {
    let at = now();
    // The declaration first: the claims answer it, so their rows must come after it. When
    // some claim files were recorded before (triaged without it), it takes their place.
    let mut answered_by: Option<i64> = None;
    for f in files {
        let old: Option<i64> = tx
            .query_row("SELECT id FROM files WHERE sha256 = ?1", [&f.sha256], |r| {
                r.get(0)
            })
            .optional()?;
        if let Some(old) = old {
            answered_by = Some(answered_by.map_or(old, |a| a.min(old)));
        }
    }
    let declaration = declaration
        .map(|(meta, entries)| {
            // CBP answered it, so it was uploaded.
            import_declaration_tx(tx, meta, entries, &at, answered_by, DeclState::Uploaded)
        })
        .transpose()?;
    let given: Option<DeclarationId> = match &declaration {
        Some(ImportOutcome::Imported { file_id, .. })
        | Some(ImportOutcome::AlreadyImported { file_id, .. }) => tx
            .query_row(
                "SELECT id FROM declarations WHERE file_id = ?1",
                [file_id.0],
                |r| r.get(0),
            )
            .optional()?
            .map(DeclarationId),
        None => named,
    };
    // A claim already recorded with the same entry outcomes, read again from another file
    // (another format, name, row order or encoding), changes nothing: its rows are not
    // recorded twice, and a file holding only such claims is not recorded at all.
    let same = same_claims(tx, files, report)?;
    let mut imports = Vec::with_capacity(files.len());
    let mut new_files: HashMap<&str, FileId> = HashMap::new();
    let mut old_names: HashSet<&str> = HashSet::new();
    let mut first_new = None;
    for f in files {
        if let Some(earlier) = same.files.get(f.sha256.as_str()) {
            old_names.insert(f.name.as_str());
            imports.push((f, Err(earlier.clone())));
            continue;
        }
        match insert_file(tx, f, &at)? {
            Ok(id) => {
                new_files.entry(f.name.as_str()).or_insert(id);
                first_new.get_or_insert(id);
                imports.push((f, Ok(id)));
            }
            Err(already) => {
                old_names.insert(f.name.as_str());
                imports.push((f, Err(already)));
            }
        }
    }
    let mut rows_per_file: HashMap<FileId, usize> = HashMap::new();
    let mut placed = Vec::new();
    let mut triage = None;
    let mut claims_recorded = 0;
    let mut rows = 0;
    if let Some(first_new) = first_new {
        let file_of = |name: &str| -> Option<FileId> {
            match new_files.get(name) {
                Some(id) => Some(*id),
                None if old_names.contains(name) => None,
                None => Some(first_new),
            }
        };
        tx.execute(
            "INSERT INTO triages (as_of, catalog_version, recorded_at) VALUES (?1, ?2, ?3)",
            params![report.as_of.to_string(), report.catalog_version, at],
        )?;
        let triage_id = TriageId(tx.last_insert_rowid());
        triage = Some(triage_id);
        // Claims with at least one row in a new file; their status is the latest triage's.
        // Rows of one file and claim mostly come together: a row like the one before costs no
        // lookup.
        let mut recorded: HashSet<&str> = HashSet::new();
        let mut last: Option<(&Text, &Text)> = None;
        for r in &report.entries {
            let Some(claim) = r.claim_number.as_ref() else {
                continue;
            };
            if !matches!(r.outcome, Outcome::Accepted | Outcome::Rejected)
                || last.is_some_and(|(f, c)| Arc::ptr_eq(f, &r.file) && Arc::ptr_eq(c, claim))
            {
                continue;
            }
            last = Some((&r.file, claim));
            if file_of(&r.file).is_some() && !same.claims.contains(&**claim) {
                recorded.insert(claim);
            }
        }
        let mut claim_ids: HashMap<&str, i64> = HashMap::with_capacity(recorded.len());
        {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO claims (claim_number, status) VALUES (?1, ?2)
                 ON CONFLICT (claim_number) DO UPDATE SET status = excluded.status
                 RETURNING id",
            )?;
            for c in &report.claims {
                if recorded.contains(&*c.claim_number) {
                    let id: i64 = upsert
                        .query_row(params![&*c.claim_number, c.status.as_str()], |r| r.get(0))?;
                    claim_ids.insert(&c.claim_number, id);
                }
            }
        }
        claims_recorded = claim_ids.len();
        // The entry's 11 ASCII bytes as one big-endian number sort as the text does, and
        // compare in one instruction rather than a call to memcmp.
        let key = |e: &EntryNumber| {
            let mut b = [0u8; 16];
            b[..11].copy_from_slice(e.as_bytes());
            u128::from_be_bytes(b)
        };
        // Rows to record, borrowed from the report, each with its key in the table (entry,
        // file, claim), so that sorting them reads no row: (entry, file id, claim id, row).
        let mut rows_out: Vec<(u128, i64, i64, &EntryResult)> =
            Vec::with_capacity(report.entries.len());
        let mut last_file: Option<(&str, Option<FileId>)> = None;
        for r in &report.entries {
            // Only CBP's answers are claim outcomes: an entry that merely passed file checks
            // on a Validation Result File, or sat on an upload that failed, has none (and a
            // Validation Result File never records acceptance).
            if !matches!(r.outcome, Outcome::Accepted | Outcome::Rejected) {
                continue;
            }
            let Some(&claim) = r.claim_number.as_deref().and_then(|c| claim_ids.get(c)) else {
                continue;
            };
            // Rows of one file mostly come together; remember the last lookup.
            let file_id = match last_file {
                Some((name, id)) if name == &*r.file => id,
                _ => {
                    let id = file_of(&r.file);
                    last_file = Some((&r.file, id));
                    id
                }
            };
            let Some(file_id) = file_id else {
                continue;
            };
            *rows_per_file.entry(file_id).or_default() += 1;
            rows_out.push((key(&r.entry_number), file_id.0, claim, r));
        }
        // In the table's key order (entry, file, claim): each insert then lands at the end of the
        // B-tree instead of splitting pages all over it, several times faster for a million
        // rows. The table is WITHOUT ROWID, so the order it is read in is the key's whatever the
        // order of the inserts.
        rows_out.sort_unstable_by_key(|&(entry, file, claim, _)| (entry, file, claim));
        insert_batched(
            tx,
            "INSERT INTO claim_entries
               (claim_id, entry, outcome, message, action, rule, triage_id, file_id, line)
             VALUES",
            9,
            &rows_out,
            |st, i, &(_, file_id, claim, r)| {
                let outcome = if r.outcome == Outcome::Accepted {
                    "accepted"
                } else {
                    "rejected"
                };
                st.raw_bind_parameter(i, claim)?;
                st.raw_bind_parameter(i + 1, r.entry_number.as_str())?;
                st.raw_bind_parameter(i + 2, outcome)?;
                st.raw_bind_parameter(i + 3, &*r.message)?;
                st.raw_bind_parameter(i + 4, r.action.as_str())?;
                st.raw_bind_parameter(i + 5, r.rule)?;
                st.raw_bind_parameter(i + 6, triage_id.0)?;
                st.raw_bind_parameter(i + 7, file_id)?;
                st.raw_bind_parameter(i + 8, i64::try_from(r.line).unwrap_or(i64::MAX))
            },
        )?;
        rows = rows_out.len();
        // Each claim of a Claim Details file answers its declaration. A Validation Result
        // File is no claim: it answers nothing.
        let details: HashSet<&str> = files
            .iter()
            .filter(|f| f.kind == FileKind::ClaimDetails)
            .map(|f| f.name.as_str())
            .collect();
        let mut answering: HashSet<&str> = HashSet::new();
        let mut last: Option<(&Text, &Text)> = None;
        for r in &report.entries {
            let Some(claim) = r.claim_number.as_ref() else {
                continue;
            };
            if last.is_some_and(|(f, c)| Arc::ptr_eq(f, &r.file) && Arc::ptr_eq(c, claim)) {
                continue;
            }
            last = Some((&r.file, claim));
            if details.contains(&*r.file) {
                answering.insert(claim);
            }
        }
        // In the report's order, so that two claims of one import are placed the same way
        // every time.
        for c in &report.claims {
            let Some(id) = claim_ids.get(&*c.claim_number) else {
                continue;
            };
            if answering.contains(&*c.claim_number)
                && let Some(p) = answer(tx, ClaimId(*id), &c.claim_number, c.date, given, &at)?
            {
                placed.push(p);
            }
        }
    }
    // A claim recorded before that answers no declaration, given now with the one it answers
    // (`ledger import --declaration`, a triage with its declaration): linked to it.
    if let Some(decl) = given {
        for c in report
            .claims
            .iter()
            .filter(|c| c.kind == capekit_core::triage::ClaimFileKind::ClaimDetails)
        {
            let unlinked: Option<i64> = tx
                .query_row(
                    "SELECT c.id FROM claims c WHERE c.claim_number = ?1
                       AND c.id NOT IN (SELECT claim_id FROM claim_answers)",
                    [&*c.claim_number],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(id) = unlinked {
                link(tx, ClaimId(id), decl, &at)?;
            }
        }
    }
    // A Validation Result File with a file-level error: its upload failed as a whole, so its
    // declaration is failed and its entries released. It never records an acceptance. Which
    // declaration: the one named, else the one holding the entries its rows name; a file whose
    // only row is the file-level error names none, and then nothing is guessed: the unanswered
    // uploads are listed for the user to mark.
    let mut failed_uploads = Vec::new();
    for file in &report.failed_uploads {
        let known = files.iter().any(|f| f.name == **file);
        if !known || (!new_files.contains_key(&**file) && given.is_none()) {
            continue;
        }
        let load_error = report.claims.iter().any(|c| {
            c.status == capekit_core::triage::ClaimStatus::NotProcessed
                && c.files.iter().any(|f| **f == **file)
        });
        let entries: Vec<EntryNumber> = report
            .entries
            .iter()
            .filter(|r| *r.file == **file)
            .map(|r| r.entry_number)
            .collect();
        let target = match given {
            Some(d) => Some(d),
            None if entries.is_empty() => None,
            None => holder_of(tx, &entries)?,
        };
        let mut marked = None;
        if let Some(decl) = target
            && let Some((from, migrated)) = current(tx, decl)?
        {
            if allowed(from, DeclState::Failed, migrated) {
                append(
                    tx,
                    decl,
                    DeclState::Failed,
                    &at,
                    &NewEvent {
                        note: &if load_error {
                            format!(
                                "its Validation Result File {file} reports a load error: ACE did not process the upload"
                            )
                        } else {
                            format!("its Validation Result File {file} reports a file-level error")
                        },
                        ..NewEvent::default()
                    },
                )?;
            }
            marked = Some(decl_named(tx, decl)?);
        }
        let candidates = if marked.is_none() {
            unanswered_uploads(tx)?
        } else {
            Vec::new()
        };
        failed_uploads.push(FailedUpload {
            file: file.to_string(),
            marked,
            candidates,
            load_error,
        });
    }
    Ok(TriageImport {
        declaration,
        files: imports
            .into_iter()
            .map(|(f, r)| FileImport {
                name: f.name.clone(),
                outcome: match r {
                    Ok(file_id) => ImportOutcome::Imported {
                        file_id,
                        entries: rows_per_file.get(&file_id).copied().unwrap_or(0),
                    },
                    Err(already) => already,
                },
            })
            .collect(),
        triage,
        claims: claims_recorded,
        rows,
        failed_uploads,
        placed,
    })
}

fn import_declaration_tx(
    tx: &rusqlite::Connection,
    file: &FileMeta,
    entries: &[EntryNumber],
    at: &str,
    answered_by: Option<i64>,
    state: DeclState,
) -> Result<ImportOutcome> {
    let earlier: Option<(i64, String)> = tx
        .query_row(
            "SELECT id, imported_at FROM files WHERE sha256 = ?1",
            [&file.sha256],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((id, imported_at)) = earlier {
        return Ok(ImportOutcome::AlreadyImported {
            file_id: FileId(id),
            imported_at: parse_ts(&imported_at)?,
        });
    }
    let (_, file_id, n) = new_declaration_as(tx, file, entries, at, answered_by, state)?;
    Ok(ImportOutcome::Imported {
        file_id,
        entries: n,
    })
}

/// Claims of `files` already recorded with the same entry outcomes.
#[derive(Debug, Default)]
struct Same {
    /// Claim numbers whose rows are not to be recorded again.
    claims: HashSet<String>,
    /// New files (by SHA-256) holding only such claims, with the earlier record to report.
    files: HashMap<String, ImportOutcome>,
}

/// An outcome as compared across files: entry, accepted or not, the normalized message.
type Fingerprint = BTreeSet<(String, bool, String)>;

fn same_claims(
    tx: &rusqlite::Connection,
    files: &[FileMeta],
    report: &TriageReport,
) -> Result<Same> {
    let mut out = Same::default();
    let known_sha: HashSet<&str> = files
        .iter()
        .filter(|f| {
            tx.query_row("SELECT 1 FROM files WHERE sha256 = ?1", [&f.sha256], |_| {
                Ok(())
            })
            .optional()
            .ok()
            .flatten()
            .is_some()
        })
        .map(|f| f.sha256.as_str())
        .collect();
    let new_names: HashSet<&str> = files
        .iter()
        .filter(|f| !known_sha.contains(f.sha256.as_str()))
        .map(|f| f.name.as_str())
        .collect();
    // The claims of each new file. Rows of one file and claim mostly come together: a row like
    // the one before costs no lookup.
    let mut claims_of_file: HashMap<&str, HashSet<&str>> = HashMap::new();
    let mut last: Option<(&Text, &Text)> = None;
    for r in &report.entries {
        let Some(claim) = r.claim_number.as_ref() else {
            continue;
        };
        if r.outcome == Outcome::Missing
            || last.is_some_and(|(f, c)| Arc::ptr_eq(f, &r.file) && Arc::ptr_eq(c, claim))
            || !new_names.contains(&*r.file)
        {
            continue;
        }
        last = Some((&r.file, claim));
        claims_of_file.entry(&r.file).or_default().insert(claim);
    }
    // Only a claim the ledger holds can have been recorded before: the others (all of them, in
    // a fresh ledger) need no fingerprint.
    let mut known: HashMap<&str, i64> = HashMap::new();
    for claim in claims_of_file.values().flatten() {
        if known.contains_key(claim) {
            continue;
        }
        let id: Option<i64> = tx
            .query_row(
                "SELECT id FROM claims WHERE claim_number = ?1",
                [claim],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = id {
            known.insert(claim, id);
        }
    }
    let mut fresh: HashMap<&str, Fingerprint> = HashMap::new();
    if !known.is_empty() {
        for r in &report.entries {
            let Some(claim) = r.claim_number.as_deref() else {
                continue;
            };
            if r.outcome == Outcome::Missing
                || !known.contains_key(claim)
                || !new_names.contains(&*r.file)
            {
                continue;
            }
            fresh.entry(claim).or_default().insert((
                r.entry_number.as_str().to_owned(),
                r.outcome == Outcome::Accepted,
                normalize(&r.message),
            ));
        }
    }
    let mut earliest: HashMap<&str, (i64, String)> = HashMap::new();
    for (claim, print) in &fresh {
        let id = known[claim];
        let mut stmt = tx.prepare_cached(
            "SELECT entry, outcome, message, file_id FROM claim_entries WHERE claim_id = ?1",
        )?;
        let mut rows = stmt.query([id])?;
        let mut recorded = Fingerprint::new();
        let mut first_file = i64::MAX;
        while let Some(r) = rows.next()? {
            let outcome: String = r.get(1)?;
            let message: String = r.get(2)?;
            recorded.insert((r.get(0)?, outcome == "accepted", normalize(&message)));
            first_file = first_file.min(r.get(3)?);
        }
        if &recorded == print {
            out.claims.insert((*claim).to_owned());
            let at: String = tx.query_row(
                "SELECT imported_at FROM files WHERE id = ?1",
                [first_file],
                |r| r.get(0),
            )?;
            earliest.insert(claim, (first_file, at));
        }
    }
    for f in files {
        let Some(claims) = claims_of_file.get(f.name.as_str()) else {
            continue;
        };
        if claims.iter().all(|c| out.claims.contains(*c))
            && let Some((id, at)) = claims.iter().filter_map(|c| earliest.get(c)).min()
        {
            out.files.insert(
                f.sha256.clone(),
                ImportOutcome::AlreadyImported {
                    file_id: FileId(*id),
                    imported_at: parse_ts(at)?,
                },
            );
        }
    }
    Ok(out)
}

/// A declaration's id with its name (the path, for a file capekit wrote).
fn decl_named(tx: &rusqlite::Connection, id: DeclarationId) -> Result<(DeclarationId, String)> {
    let name: String = tx.query_row(
        "SELECT COALESCE(r.path, f.name) FROM declarations d JOIN files f ON f.id = d.file_id
         LEFT JOIN refile_files r ON r.declaration_id = d.id WHERE d.id = ?1",
        [id.0],
        |r| r.get(0),
    )?;
    Ok((id, name))
}

/// Every declaration uploaded and not yet answered, oldest first.
fn unanswered_uploads(tx: &rusqlite::Connection) -> Result<Vec<(DeclarationId, String)>> {
    let mut stmt = tx.prepare(
        "SELECT d.id, COALESCE(r.path, f.name) FROM declarations d
         JOIN files f ON f.id = d.file_id
         JOIN declaration_state s ON s.declaration_id = d.id
         LEFT JOIN refile_files r ON r.declaration_id = d.id
         WHERE s.state = 'uploaded' ORDER BY d.seq, d.id",
    )?;
    let rows = stmt.query_map([], |r| Ok((DeclarationId(r.get(0)?), r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The upload (else draft) not yet answered holding most of `entries`, with fewest others, the
/// latest: the declaration a Validation Result File of those entries belongs to.
fn holder_of(tx: &rusqlite::Connection, entries: &[EntryNumber]) -> Result<Option<DeclarationId>> {
    let mut tally: HashMap<i64, (bool, usize, i64, i64)> = HashMap::new();
    let mut stmt = tx.prepare_cached(
        "SELECT d.id, s.state = 'uploaded', d.entries, d.seq FROM declaration_entries de
         JOIN declarations d ON d.id = de.declaration_id
         JOIN declaration_state s ON s.declaration_id = d.id
         WHERE de.entry = ?1 AND s.state IN ('uploaded', 'draft')
           AND d.id NOT IN (SELECT declaration_id FROM claim_answers)",
    )?;
    for e in entries {
        let mut rows = stmt.query([e.as_str()])?;
        while let Some(r) = rows.next()? {
            let t = tally
                .entry(r.get(0)?)
                .or_insert((r.get(1)?, 0, r.get(2)?, r.get(3)?));
            t.1 += 1;
        }
    }
    Ok(tally
        .into_iter()
        .max_by_key(|(_, (up, held, total, seq))| (*up, *held, -(total - *held as i64), *seq))
        .map(|(id, _)| DeclarationId(id)))
}

/// A declaration holding entries of a claim, as [`answer`] weighs it.
struct Holding {
    id: DeclarationId,
    name: String,
    /// Uploaded (or answered from an upload), not a draft.
    uploaded: bool,
    /// Answered by another claim already.
    answered: bool,
    /// Of the claim's entries, how many it holds; and its own entries.
    count: i64,
    entries: i64,
    seq: i64,
    /// The day of its upload on CBP's clock (of its record, for a draft).
    day: Date,
}

/// Records that `claim` answers a declaration, and where its rows sit on the ledger's clock.
///
/// `given` (the declaration triaged or named with it) is answered when it holds some of the
/// claim's entries. Otherwise the claim answers
/// one of the declarations holding its entries that no claim answered yet: with a date, the
/// last one uploaded on or before that day (a claim cannot answer a later upload); without
/// one, the earliest, so that a later upload of the same entries keeps them. Uploads are
/// preferred to drafts (a claim proves an upload nobody marked), then the one holding most of
/// its entries, then the one with fewest others. Its rows take the place of the declaration it
/// answers; a dated claim that answers none sits just before the first later upload of its
/// entries, so that it never releases them. Returns what the user must be told: the uploads
/// that keep their entries.
fn answer(
    tx: &rusqlite::Connection,
    claim: ClaimId,
    number: &str,
    date: Option<Date>,
    given: Option<DeclarationId>,
    at: &str,
) -> Result<Option<ClaimPlacement>> {
    let already: Option<i64> = tx
        .query_row(
            "SELECT declaration_id FROM claim_answers WHERE claim_id = ?1",
            [claim.0],
            |r| r.get(0),
        )
        .optional()?;
    if already.is_some() {
        return Ok(None);
    }
    if let Some(d) = date {
        tx.execute(
            "INSERT INTO claim_places (claim_id, seq, claimed_on) VALUES (?1, NULL, ?2)
             ON CONFLICT (claim_id) DO UPDATE SET claimed_on = excluded.claimed_on",
            params![claim.0, d.to_string()],
        )?;
    }
    // The declaration given answers a claim that holds some of its entries: a triage of several
    // claims given one declaration (the others' uploads recorded before) must not make every
    // claim answer that one, which would leave the others' uploads waiting for ever.
    if let Some(d) = given {
        let shared: i64 = tx.query_row(
            "SELECT COUNT(*) FROM (SELECT DISTINCT entry FROM claim_entries WHERE claim_id = ?1) ce
             JOIN declaration_entries de ON de.entry = ce.entry
             WHERE de.declaration_id = ?2",
            params![claim.0, d.0],
            |r| r.get(0),
        )?;
        if shared > 0 {
            link(tx, claim, d, at)?;
            return Ok(None);
        }
    }
    let mut holding = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT d.id, COALESCE(r.path, f.name), s.state, COUNT(*), d.entries, d.seq,
                    d.id IN (SELECT declaration_id FROM claim_answers),
                    (SELECT COALESCE(e.uploaded_at, e.recorded_at) FROM declaration_events e
                     WHERE e.declaration_id = d.id AND e.state = 'uploaded'
                     ORDER BY e.id DESC LIMIT 1),
                    f.imported_at
             FROM (SELECT DISTINCT entry FROM claim_entries WHERE claim_id = ?1) ce
             JOIN declaration_entries de ON de.entry = ce.entry
             JOIN declarations d ON d.id = de.declaration_id
             JOIN declaration_state s ON s.declaration_id = d.id
             JOIN files f ON f.id = d.file_id
             LEFT JOIN refile_files r ON r.declaration_id = d.id
             WHERE s.state IN ('uploaded', 'draft', 'answered')
             GROUP BY d.id",
        )?;
        let mut rows = stmt.query([claim.0])?;
        while let Some(r) = rows.next()? {
            let state: String = r.get(2)?;
            let uploaded_at: Option<String> = r.get(7)?;
            let recorded: String = r.get(8)?;
            let when = parse_ts(uploaded_at.as_deref().unwrap_or(&recorded))?;
            holding.push(Holding {
                id: DeclarationId(r.get(0)?),
                name: r.get(1)?,
                uploaded: state != "draft",
                answered: r.get(6)?,
                count: r.get(3)?,
                entries: r.get(4)?,
                seq: r.get(5)?,
                day: capekit_core::deadline::cbp_today(when),
            });
        }
    }
    let rank = |h: &Holding| (h.uploaded, h.count, -(h.entries - h.count));
    let open = |h: &&Holding| !h.answered;
    let target: Option<&Holding> = match date {
        Some(t) => holding
            .iter()
            .filter(open)
            .filter(|h| h.day <= t)
            .max_by_key(|h| (rank(h), h.seq)),
        None => holding
            .iter()
            .filter(open)
            .max_by_key(|h| (rank(h), -h.seq)),
    };
    // The declarations that keep their entries: uploaded after the claim's day, or, without a
    // date, unanswered and later than the one it answers.
    let later: Vec<&Holding> = match (date, target) {
        (Some(t), _) => holding.iter().filter(|h| h.day > t).collect(),
        (None, Some(a)) => holding
            .iter()
            .filter(|h| !h.answered && h.id != a.id && h.seq > a.seq)
            .collect(),
        (None, None) => Vec::new(),
    };
    match target {
        Some(a) => link(tx, claim, a.id, at)?,
        None => {
            // A claim dated later than this one, already recorded for some of its entries,
            // answers them after it: this one sits before it, whatever order they were read in.
            let later_claim: Option<i64> = match date {
                Some(t) => tx.query_row(
                    &format!(
                        "SELECT MIN({}) FROM claim_entries ce
                         JOIN claim_places lp ON lp.claim_id = ce.claim_id {}
                         WHERE ce.claim_id != ?1 AND lp.claimed_on > ?2
                           AND ce.entry IN (SELECT entry FROM claim_entries WHERE claim_id = ?1)",
                        crate::state::CLAIM_PLACE,
                        crate::state::CLAIM_PLACE_JOINS
                    ),
                    params![claim.0, t.to_string()],
                    |r| r.get(0),
                )?,
                None => None,
            };
            let first = later.iter().map(|h| h.seq).chain(later_claim).min();
            if let Some(first) = first {
                // Answering none of them, its rows would sit at its file's place, after every
                // upload of its entries, and release them.
                tx.execute(
                    "INSERT INTO claim_places (claim_id, seq, claimed_on) VALUES (?1, ?2, ?3)
                     ON CONFLICT (claim_id) DO UPDATE SET seq = excluded.seq",
                    params![claim.0, first - 1, date.map(|d| d.to_string())],
                )?;
            }
        }
    }
    let kept: Vec<Kept> = later
        .iter()
        .filter(|h| !h.answered)
        .map(|h| Kept {
            id: h.id,
            name: h.name.clone(),
            day: h.day,
            uploaded: h.uploaded,
        })
        .collect();
    if kept.is_empty() {
        return Ok(None);
    }
    Ok(Some(ClaimPlacement {
        claim: number.to_owned(),
        date,
        answers: target.map(|a| (a.id, a.name.clone(), a.day)),
        kept,
    }))
}

/// Records that `claim` answers `decl`, and moves `decl` to answered.
fn link(tx: &rusqlite::Connection, claim: ClaimId, decl: DeclarationId, at: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO claim_answers (claim_id, declaration_id) VALUES (?1, ?2)",
        params![claim.0, decl.0],
    )?;
    // Its rows sit at the declaration's place from now on.
    tx.execute(
        "UPDATE claim_places SET seq = NULL WHERE claim_id = ?1",
        [claim.0],
    )?;
    if let Some((from, migrated)) = current(tx, decl)?
        && from != DeclState::Answered
        && allowed(from, DeclState::Answered, migrated)
    {
        append(
            tx,
            decl,
            DeclState::Answered,
            at,
            &NewEvent {
                claim: Some(claim),
                ..NewEvent::default()
            },
        )?;
    }
    Ok(())
}

/// An act as `entry_acts` keeps it: its kind, reference and day.
pub(crate) fn act_of(kind: &str, reference: Option<String>, on: &str) -> Result<Act> {
    Ok(Act {
        kind: ActKind::parse(kind).ok_or_else(|| crate::LedgerError::Corrupt {
            what: "act",
            value: kind.to_owned(),
        })?,
        reference,
        on: crate::parse_date(on)?,
    })
}
