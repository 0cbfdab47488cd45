//! Recording: declarations, triaged claim files, refile files capekit wrote, and entry data.
//!
//! Every public function here is one transaction, begun `IMMEDIATE`: either all of a file's rows
//! are recorded or none is, and a second capekit process waits (up to the busy timeout) instead of
//! failing half-way. A file already recorded (same SHA-256) is skipped and reported as
//! [`ImportOutcome::AlreadyImported`]; nothing about it changes.

use std::collections::{HashMap, HashSet};

use capekit_core::deadline::{Act, ActKind, DeadlineKind};
use capekit_core::entry::EntryNumber;
use capekit_core::triage::EntryResult;
use capekit_core::triage::{Outcome, TriageReport};
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{OptionalExtension, Statement, Transaction, TransactionBehavior, params};
use serde::Serialize;

use crate::{
    DeclarationId, FileId, FileKind, FileMeta, ImportOutcome, Ledger, Result, TriageId, parse_ts,
};

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
        }
    }
}

fn now() -> String {
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

/// Rows per multi-row `INSERT`: one statement run per hundred rows instead of per row, which is
/// most of the difference between 400,000 and 600,000 rows a second.
const BATCH: usize = 100;

/// Inserts `rows` with `head` (`INSERT INTO t (a, b) VALUES`) in statements of up to [`BATCH`]
/// rows of `cols` values each; `bind` binds one row from parameter index `i` on.
fn insert_batched<R>(
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
    fn begin(&mut self) -> Result<Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    /// Records a declaration the user uploaded (or says they will): its entries become pending
    /// until a claim outcome is recorded after it.
    pub fn import_declaration(
        &mut self,
        file: &FileMeta,
        entries: &[EntryNumber],
    ) -> Result<ImportOutcome> {
        let tx = self.begin()?;
        let outcome = import_declaration_tx(&tx, file, entries, &now(), None)?;
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
            .map(|(meta, entries)| import_declaration_tx(&tx, meta, entries, &at, answered_by))
            .transpose()?;
        let mut imports = Vec::with_capacity(files.len());
        let mut new_files: HashMap<&str, FileId> = HashMap::new();
        let mut old_names: HashSet<&str> = HashSet::new();
        let mut first_new = None;
        for f in files {
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
                .filter(|r| r.outcome != Outcome::Missing && file_of(&r.file).is_some())
                .filter_map(|r| r.claim_number.as_deref())
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

    /// Records a declaration file capekit wrote at `path` (refile upload): its entries are
    /// pending from now until a claim outcome is recorded after it.
    pub fn record_refile(
        &mut self,
        path: &str,
        bytes: &[u8],
        entries: &[EntryNumber],
    ) -> Result<ImportOutcome> {
        let at = now();
        let meta = FileMeta::of_bytes(path, FileKind::Refile, bytes);
        let tx = self.begin()?;
        let outcome = match insert_file(&tx, &meta, &at)? {
            Err(already) => already,
            Ok(file_id) => {
                let (decl, n) = insert_declaration(&tx, file_id, entries, file_id.0)?;
                tx.execute(
                    "INSERT INTO refile_files (declaration_id, path, written_at) VALUES (?1, ?2, ?3)",
                    params![decl.0, path, at],
                )?;
                ImportOutcome::Imported {
                    file_id,
                    entries: n,
                }
            }
        };
        tx.commit()?;
        Ok(outcome)
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
) -> Result<ImportOutcome> {
    Ok(match insert_file(tx, file, at)? {
        Err(already) => already,
        Ok(file_id) => {
            let seq = answered_by.map_or(file_id.0, |a| a.min(file_id.0));
            let (_, n) = insert_declaration(tx, file_id, entries, seq)?;
            ImportOutcome::Imported {
                file_id,
                entries: n,
            }
        }
    })
}
