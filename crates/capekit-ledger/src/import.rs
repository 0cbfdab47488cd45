//! Recording: declarations, triaged claim files, refile files capekit wrote, and entry data.
//!
//! Every public function here is one transaction, begun `IMMEDIATE`: either all of a file's rows
//! are recorded or none is, and a second capekit process waits (up to the busy timeout) instead of
//! failing half-way. A file already recorded (same SHA-256) is skipped and reported as
//! [`ImportOutcome::AlreadyImported`]; nothing about it changes.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use capekit_core::catalog::normalize;
use capekit_core::deadline::{Act, ActKind, DeadlineKind};
use capekit_core::entry::EntryNumber;
use capekit_core::triage::EntryResult;
use capekit_core::triage::{Outcome, TriageReport};
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{OptionalExtension, Statement, Transaction, TransactionBehavior, params};
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

impl EntryFacts {
    /// What the ledger keeps of an ES-003 entry and the path engine's decision on it.
    pub fn from_decision(
        data: &capekit_core::path::EntryData,
        decision: &capekit_core::path::Decision,
    ) -> Self {
        Self {
            entry: data.entry_number,
            importer_number: data.importer_number.as_deref().map(str::to_owned),
            entry_type: data.entry_type.as_deref().map(str::to_owned),
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
    tx: &Transaction<'_>,
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
    Ok(Ok(FileId(tx.last_insert_rowid())))
}

/// Records the declaration of `file` with its entries (duplicates counted once).
fn insert_declaration(
    tx: &Transaction<'_>,
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
    tx: &Transaction<'_>,
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
    tx: &Transaction<'_>,
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
    tx: &Transaction<'_>,
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

impl Ledger {
    pub(crate) fn begin(&mut self) -> Result<Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
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
        let at = now();
        let tx = self.begin()?;
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
                import_declaration_tx(&tx, meta, entries, &at, answered_by, DeclState::Uploaded)
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
            None => None,
        };
        // A claim already recorded with the same entry outcomes, read again from another file
        // (another format, name, row order or encoding), changes nothing: its rows are not
        // recorded twice, and a file holding only such claims is not recorded at all.
        let same = same_claims(&tx, files, report)?;
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
            match insert_file(&tx, f, &at)? {
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
            let recorded: HashSet<&str> = report
                .entries
                .iter()
                .filter(|r| {
                    matches!(r.outcome, Outcome::Accepted | Outcome::Rejected)
                        && file_of(&r.file).is_some()
                })
                .filter_map(|r| r.claim_number.as_deref())
                .filter(|c| !same.claims.contains(*c))
                .collect();
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
                            .query_row(params![&*c.claim_number, c.status.as_str()], |r| {
                                r.get(0)
                            })?;
                        claim_ids.insert(&c.claim_number, id);
                    }
                }
            }
            claims_recorded = claim_ids.len();
            // Rows to record, borrowed from the report: (claim id, file id, outcome, row).
            let mut rows_out: Vec<(i64, FileId, &'static str, &EntryResult)> =
                Vec::with_capacity(report.entries.len());
            let mut last_file: Option<(&str, Option<FileId>)> = None;
            for r in &report.entries {
                // Only CBP's answers are claim outcomes: an entry that merely passed file checks
                // on a Validation Result File, or sat on an upload that failed, has none (and a
                // Validation Result File never records acceptance).
                let outcome = match r.outcome {
                    Outcome::Accepted => "accepted",
                    Outcome::Rejected => "rejected",
                    Outcome::NoClaimYet | Outcome::NotFiled | Outcome::Missing => continue,
                };
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
                rows_out.push((claim, file_id, outcome, r));
            }
            insert_batched(
                &tx,
                "INSERT INTO claim_entries
                   (claim_id, entry, outcome, message, action, rule, triage_id, file_id, line)
                 VALUES",
                9,
                &rows_out,
                |st, i, (claim, file_id, outcome, r)| {
                    st.raw_bind_parameter(i, claim)?;
                    st.raw_bind_parameter(i + 1, r.entry_number.as_str())?;
                    st.raw_bind_parameter(i + 2, outcome)?;
                    st.raw_bind_parameter(i + 3, &*r.message)?;
                    st.raw_bind_parameter(i + 4, r.action.as_str())?;
                    st.raw_bind_parameter(i + 5, r.rule)?;
                    st.raw_bind_parameter(i + 6, triage_id.0)?;
                    st.raw_bind_parameter(i + 7, file_id.0)?;
                    st.raw_bind_parameter(i + 8, i64::try_from(r.line).unwrap_or(i64::MAX))
                },
            )?;
            rows = rows_out.len();
            // Each claim of a Claim Details file answers its declaration. A Validation Result
            // File is no claim: it answers nothing.
            let answering: HashSet<&str> = report
                .entries
                .iter()
                .filter(|r| {
                    files
                        .iter()
                        .any(|f| f.name == *r.file && f.kind == FileKind::ClaimDetails)
                })
                .filter_map(|r| r.claim_number.as_deref())
                .collect();
            for (number, id) in &claim_ids {
                if answering.contains(number) {
                    answer(&tx, ClaimId(*id), given, &at)?;
                }
            }
        }
        // A Validation Result File with a file-level error: its upload failed as a whole, so its
        // declaration is failed and its entries released. It never records an acceptance.
        for c in &report.claims {
            if c.status != capekit_core::triage::ClaimStatus::FailedValidation
                || !c.files.iter().any(|f| new_files.contains_key(&**f))
            {
                continue;
            }
            let entries: Vec<EntryNumber> = report
                .entries
                .iter()
                .filter(|r| r.claim_number.as_deref() == Some(&*c.claim_number))
                .map(|r| r.entry_number)
                .collect();
            let target = match given {
                Some(d) => Some(d),
                None => holder_of(&tx, &entries)?,
            };
            if let Some(decl) = target
                && let Some((from, migrated)) = current(&tx, decl)?
                && allowed(from, DeclState::Failed, migrated)
            {
                append(
                    &tx,
                    decl,
                    DeclState::Failed,
                    &at,
                    &NewEvent {
                        note: &format!(
                            "its Validation Result File {} reports a file-level error",
                            c.files.first().map_or("", |f| &**f)
                        ),
                        ..NewEvent::default()
                    },
                )?;
            }
        }
        tx.commit()?;
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
        })
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
        let at = now();
        let tx = self.begin()?;
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
        let by = parts.first().map_or(folder, |p| p.path);
        for s in &superseded {
            append(
                &tx,
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
        for p in parts {
            let meta = FileMeta::of_bytes(p.path, FileKind::Refile, p.bytes);
            let earlier = crate::lifecycle::declaration_of_sha(&tx, &meta.sha256)?;
            let state = earlier.map(|d| current(&tx, d)).transpose()?.flatten();
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
            let (decl, file_id, n) = new_declaration(&tx, &meta, p.entries, &at, None)?;
            tx.execute(
                "INSERT INTO refile_files (declaration_id, path, written_at) VALUES (?1, ?2, ?3)",
                params![decl.0, p.path, at],
            )?;
            keep_bytes(&tx, decl, p.bytes)?;
            outcomes.push(ImportOutcome::Imported {
                file_id,
                entries: n,
            });
        }
        tx.commit()?;
        Ok(DraftsRecorded {
            parts: outcomes,
            superseded,
        })
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
        let at = now();
        let tx = self.begin()?;
        let mut outcomes = Vec::with_capacity(reports.len());
        for (meta, facts) in reports {
            outcomes.push(record_report_tx(&tx, meta, facts, &at)?);
        }
        tx.commit()?;
        Ok(outcomes)
    }
}

/// Records one entry report and its facts, unless the same bytes were recorded before.
fn record_report_tx(
    tx: &Transaction<'_>,
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
    tx: &Transaction<'_>,
    file_id: Option<FileId>,
    facts: &[EntryFacts],
    at: &str,
) -> Result<()> {
    insert_batched(
        tx,
        "INSERT OR REPLACE INTO entry_data
           (entry, importer_number, entry_type, liquidation_date, path,
            cape_window_closes, protest_due, file_id, recorded_at)
         VALUES",
        9,
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
            st.raw_bind_parameter(i + 8, at)
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
                let kind: String = r.get(0)?;
                let on: String = r.get(2)?;
                let act = Act {
                    kind: ActKind::parse(&kind).ok_or_else(|| crate::LedgerError::Corrupt {
                        what: "act",
                        value: kind.clone(),
                    })?,
                    reference: r.get(1)?,
                    on: crate::parse_date(&on)?,
                };
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

fn import_declaration_tx(
    tx: &Transaction<'_>,
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

fn same_claims(tx: &Transaction<'_>, files: &[FileMeta], report: &TriageReport) -> Result<Same> {
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
    let mut fresh: HashMap<&str, Fingerprint> = HashMap::new();
    let mut claims_of_file: HashMap<&str, HashSet<&str>> = HashMap::new();
    for r in &report.entries {
        let Some(claim) = r.claim_number.as_deref() else {
            continue;
        };
        if r.outcome == Outcome::Missing || !new_names.contains(&*r.file) {
            continue;
        }
        fresh.entry(claim).or_default().insert((
            r.entry_number.as_str().to_owned(),
            r.outcome == Outcome::Accepted,
            normalize(&r.message),
        ));
        claims_of_file.entry(&r.file).or_default().insert(claim);
    }
    let mut earliest: HashMap<&str, (i64, String)> = HashMap::new();
    for (claim, print) in &fresh {
        let id: Option<i64> = tx
            .query_row(
                "SELECT id FROM claims WHERE claim_number = ?1",
                [claim],
                |r| r.get(0),
            )
            .optional()?;
        let Some(id) = id else { continue };
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

/// The upload (else draft) not yet answered holding most of `entries`, with fewest others, the
/// latest: the declaration a Validation Result File of those entries belongs to.
fn holder_of(tx: &Transaction<'_>, entries: &[EntryNumber]) -> Result<Option<DeclarationId>> {
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

/// Records that `claim` answers a declaration: `given` (the declaration triaged with it), else
/// the one holding most of its entries among uploads not yet answered (then drafts: a claim
/// proves an upload nobody marked), the one with fewest other entries, the latest. Its rows then
/// take that declaration's place on the clock.
fn answer(
    tx: &Transaction<'_>,
    claim: ClaimId,
    given: Option<DeclarationId>,
    at: &str,
) -> Result<()> {
    let already: Option<i64> = tx
        .query_row(
            "SELECT declaration_id FROM claim_answers WHERE claim_id = ?1",
            [claim.0],
            |r| r.get(0),
        )
        .optional()?;
    if already.is_some() {
        return Ok(());
    }
    let target = match given {
        Some(d) => Some(d),
        None => tx
            .query_row(
                "SELECT d.id FROM (SELECT DISTINCT entry FROM claim_entries WHERE claim_id = ?1) ce
                 JOIN declaration_entries de ON de.entry = ce.entry
                 JOIN declarations d ON d.id = de.declaration_id
                 JOIN declaration_state s ON s.declaration_id = d.id
                 WHERE s.state IN ('uploaded', 'draft')
                   AND d.id NOT IN (SELECT declaration_id FROM claim_answers)
                 GROUP BY d.id
                 ORDER BY MAX(s.state = 'uploaded') DESC, COUNT(*) DESC,
                          MAX(d.entries) - COUNT(*) ASC, MAX(d.seq) DESC
                 LIMIT 1",
                [claim.0],
                |r| r.get(0),
            )
            .optional()?
            .map(DeclarationId),
    };
    let Some(decl) = target else {
        return Ok(());
    };
    tx.execute(
        "INSERT INTO claim_answers (claim_id, declaration_id) VALUES (?1, ?2)",
        params![claim.0, decl.0],
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
