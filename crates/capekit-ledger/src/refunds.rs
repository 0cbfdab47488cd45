//! Refund reports kept: every row of ES-022, REV-603, REV-613 and REV-615 as an event on its
//! declaration and/or entry, and whether each importer is a corporation. The ledger remembers
//! and hands the facts back; `capekit_core::refunds::reconcile` judges them.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use capekit_core::entry::EntryNumber;
use capekit_core::refunds::{
    AcceptedEntry, EntryRecordView, EntrySet, FactsMap, Readiness, RefundEvent, RefundFacts,
    RefundReport, RefundStatus, StatusRead,
};
use jiff::civil::Date;
use rusqlite::{OptionalExtension, params};

use crate::import::{insert_batched, now};
use crate::{
    FileId, FileMeta, ImportOutcome, Ledger, LedgerError, Result, parse_date, parse_entry, parse_ts,
};

/// One thing the user says of an importer's readiness to be refunded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadinessFact {
    /// The importer of record number, as the user wrote it.
    pub importer: String,
    /// What is said.
    pub fact: ReadinessKind,
    /// The day it holds from: the day said for ACH, the day of activity for `ActiveOn`.
    pub on: Date,
}

/// What [`ReadinessFact`] says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadinessKind {
    /// Enrolled for ACH refunds (`true`) or not.
    AchEnrolled(bool),
    /// Filed an entry on the day.
    ActiveOn,
}

/// One refund report to record: its identity, which report it is, its rows.
#[derive(Debug, Clone, Copy)]
pub struct RefundImport<'a> {
    /// The file (its `kind` is not used: refund reports are kept apart from `files`).
    pub meta: &'a FileMeta,
    /// Which report.
    pub report: RefundReport,
    /// Its rows.
    pub events: &'a [RefundEvent],
}

/// The kept entry data of some entries, as the reconciliation needs it.
#[derive(Debug, Default)]
pub struct KeptFacts {
    /// Entries whose data reads back.
    pub facts: FactsMap,
    /// Entries whose data cannot be used, with why.
    pub unreadable: Vec<(EntryNumber, String)>,
}

/// What the ledger supplies to a reconciliation ([`Ledger::refund_data`]).
#[derive(Debug, Default)]
pub struct RefundData {
    /// Entries accepted on a claim.
    pub accepted: Vec<AcceptedEntry>,
    /// Every refund event, in the order recorded.
    pub events: Vec<RefundEvent>,
    /// The kept data of the entries accepted or named by an event.
    pub facts: FactsMap,
    /// Entries whose kept data cannot be used, with why.
    pub unreadable: Vec<(EntryNumber, String)>,
    /// Importers recorded as corporations.
    pub corporate: HashSet<String>,
    /// What was recorded of importers' readiness to be refunded.
    pub readiness: HashMap<String, Readiness>,
    /// Entries named by an event and accepted on no claim that a claim rejected, with the
    /// latest such claim.
    pub rejected: capekit_core::refunds::reconcile::RejectedMap,
}

/// Up to this many entries, their records are looked up one by one; more are read in one pass.
const ONE_BY_ONE: usize = 10_000;

/// From this many rows on, refund reports are recorded while the ledger is read beside
/// ([`Ledger::record_refund_reports_and_gather`]).
const RECORD_BESIDE: usize = 10_000;

impl RefundData {
    /// Adds the events of reports just recorded, by the file id each was recorded as, and puts
    /// every event in the order recorded (file, line).
    pub fn add_fresh(&mut self, fresh: Vec<(FileId, Vec<RefundEvent>)>) {
        for (id, list) in fresh {
            self.events.extend(list.into_iter().map(|e| RefundEvent {
                file_seq: id.0,
                ..e
            }));
        }
        self.events.sort_by_key(|e| (e.file_seq, e.line));
    }
}

/// The file ids of the reports `outcomes` says were recorded now.
fn imported(outcomes: &[ImportOutcome]) -> Vec<FileId> {
    outcomes
        .iter()
        .filter_map(|o| match o {
            ImportOutcome::Imported { file_id, .. } => Some(*file_id),
            ImportOutcome::AlreadyImported { .. } => None,
        })
        .collect()
}

/// Columns of `refund_events`, in insert order.
const COLUMNS: usize = 16;

impl Ledger {
    /// Records refund reports in one transaction, each with its rows. A report whose bytes were
    /// recorded before changes nothing and is reported as [`ImportOutcome::AlreadyImported`];
    /// the outcomes come in the order given.
    pub fn record_refund_reports(
        &mut self,
        reports: &[RefundImport<'_>],
    ) -> Result<Vec<ImportOutcome>> {
        let at = now();
        // A million rows overflow SQLite's default page cache (2 MB), which then spills pages
        // into the WAL in the middle of the transaction and writes them twice: the import gets
        // room for them, and the connection's setting is restored after.
        let rows: usize = reports.iter().map(|r| r.events.len()).sum();
        let cache: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        if rows > 10_000 {
            self.conn.pragma_update(None, "cache_size", -262_144)?;
        }
        let done = self.record_refund_reports_tx(reports, &at);
        self.conn.pragma_update(None, "cache_size", cache)?;
        done
    }

    fn record_refund_reports_tx(
        &mut self,
        reports: &[RefundImport<'_>],
        at: &str,
    ) -> Result<Vec<ImportOutcome>> {
        let tx = self.begin()?;
        let mut outcomes = Vec::with_capacity(reports.len());
        for r in reports {
            let earlier: Option<(i64, String)> = tx
                .query_row(
                    "SELECT id, imported_at FROM refund_files WHERE sha256 = ?1",
                    [&r.meta.sha256],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            if let Some((id, imported_at)) = earlier {
                outcomes.push(ImportOutcome::AlreadyImported {
                    file_id: FileId(id),
                    imported_at: parse_ts(&imported_at)?,
                });
                continue;
            }
            tx.execute(
                "INSERT INTO refund_files (sha256, report, name, size, rows, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    r.meta.sha256,
                    r.report.as_str(),
                    r.meta.name,
                    i64::try_from(r.meta.size).unwrap_or(i64::MAX),
                    i64::try_from(r.events.len()).unwrap_or(i64::MAX),
                    at
                ],
            )?;
            let file_id = tx.last_insert_rowid();
            insert_batched(
                &tx,
                "INSERT INTO refund_events (file_id, line, entry, declaration, refund_number,
                    importer, status, status_raw, principal_cents, interest_cents, deposit_date,
                    liquidation_date, reliquidation_date, status_date, reason,
                    amount_unreadable) VALUES",
                COLUMNS,
                r.events,
                |st, i, e| {
                    let (status, raw) = match &e.status {
                        Some(StatusRead::Known(k)) => (Some(k.as_str()), None),
                        Some(StatusRead::Unrecognized(raw)) => (None, Some(&**raw)),
                        None => (None, None),
                    };
                    let day = |d: Option<Date>| d.map(|d| d.to_string());
                    st.raw_bind_parameter(i, file_id)?;
                    st.raw_bind_parameter(i + 1, i64::try_from(e.line).unwrap_or(i64::MAX))?;
                    st.raw_bind_parameter(i + 2, e.entry.as_ref().map(EntryNumber::as_str))?;
                    st.raw_bind_parameter(i + 3, e.declaration.as_deref())?;
                    st.raw_bind_parameter(i + 4, e.refund_number.as_deref())?;
                    st.raw_bind_parameter(i + 5, e.importer.as_deref())?;
                    st.raw_bind_parameter(i + 6, status)?;
                    st.raw_bind_parameter(i + 7, raw)?;
                    st.raw_bind_parameter(i + 8, e.principal_cents)?;
                    st.raw_bind_parameter(i + 9, e.interest_cents)?;
                    st.raw_bind_parameter(i + 10, day(e.deposit_date))?;
                    st.raw_bind_parameter(i + 11, day(e.liquidation_date))?;
                    st.raw_bind_parameter(i + 12, day(e.reliquidation_date))?;
                    st.raw_bind_parameter(i + 13, day(e.status_date))?;
                    st.raw_bind_parameter(i + 14, e.reason.as_deref())?;
                    st.raw_bind_parameter(i + 15, i64::from(e.amount_unreadable))
                },
            )?;
            outcomes.push(ImportOutcome::Imported {
                file_id: FileId(file_id),
                entries: r.events.len(),
            });
        }
        tx.commit()?;
        Ok(outcomes)
    }

    /// Every refund event recorded, in the order recorded (file, line); each carries its file's
    /// id as `file_seq`.
    pub fn refund_events(&self) -> Result<Vec<RefundEvent>> {
        self.refund_events_where("", [])
    }

    /// The refund events of one entry, in the order recorded.
    pub fn refund_events_of(&self, entry: EntryNumber) -> Result<Vec<RefundEvent>> {
        self.refund_events_where("WHERE e.entry = ?1", [entry.as_str()])
    }

    fn refund_events_where<const N: usize>(
        &self,
        filter: &str,
        args: [&str; N],
    ) -> Result<Vec<RefundEvent>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT e.file_id, f.report, f.name, e.line, e.entry, e.declaration, e.refund_number,
                    e.importer, e.status, e.status_raw, e.principal_cents, e.interest_cents,
                    e.deposit_date, e.liquidation_date, e.reliquidation_date, e.status_date,
                    e.reason, e.amount_unreadable
             FROM refund_events e JOIN refund_files f ON f.id = e.file_id
             {filter}
             ORDER BY e.file_id, e.line"
        ))?;
        let mut rows = st.query(rusqlite::params_from_iter(args))?;
        let mut texts = Texts::default();
        let mut files: HashMap<i64, (RefundReport, Arc<str>)> = HashMap::new();
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let file_id: i64 = r.get(0)?;
            let (report, name) = match files.get(&file_id) {
                Some(f) => f.clone(),
                None => {
                    let kind: String = r.get(1)?;
                    let report = RefundReport::parse(&kind).ok_or(LedgerError::Corrupt {
                        what: "refund report kind",
                        value: kind,
                    })?;
                    let name: String = r.get(2)?;
                    let f = (report, Arc::<str>::from(name));
                    files.insert(file_id, f.clone());
                    f
                }
            };
            let mut e = RefundEvent::new(report, name, file_id, r.get::<_, i64>(3)?.max(0) as u64);
            let text = |i: usize, texts: &mut Texts| -> rusqlite::Result<Option<Arc<str>>> {
                Ok(opt_str(r, i)?.map(|s| texts.get(s)))
            };
            e.entry = match opt_str(r, 4)? {
                Some(s) => Some(parse_entry(s)?),
                None => None,
            };
            e.declaration = text(5, &mut texts)?;
            e.refund_number = text(6, &mut texts)?;
            e.importer = text(7, &mut texts)?;
            e.status = match (opt_str(r, 8)?, text(9, &mut texts)?) {
                (Some(s), _) => Some(StatusRead::Known(
                    RefundStatus::parse_stored(s).ok_or_else(|| LedgerError::Corrupt {
                        what: "refund status",
                        value: s.to_owned(),
                    })?,
                )),
                (None, Some(raw)) => Some(StatusRead::Unrecognized(raw)),
                (None, None) => None,
            };
            e.principal_cents = r.get(10)?;
            e.interest_cents = r.get(11)?;
            let day = |i: usize| -> Result<Option<Date>> {
                match opt_str(r, i)? {
                    Some(s) => Ok(Some(parse_date(s)?)),
                    None => Ok(None),
                }
            };
            e.deposit_date = day(12)?;
            e.liquidation_date = day(13)?;
            e.reliquidation_date = day(14)?;
            e.status_date = day(15)?;
            e.reason = text(16, &mut texts)?;
            e.amount_unreadable = r.get::<_, i64>(17)? != 0;
            out.push(e);
        }
        Ok(out)
    }

    /// Every entry accepted on a claim, with the claim of its first accepted row and the day it
    /// was accepted by: the earlier of the day that claim file was recorded and the day it was
    /// triaged as of. (An accepted row makes an entry accepted for good, see
    /// [`crate::EntryState::Accepted`].)
    pub fn accepted_entries(&self) -> Result<Vec<AcceptedEntry>> {
        let mut st = self.conn.prepare(
            "SELECT ce.entry, c.claim_number, substr(f.imported_at, 1, 10), t.as_of
             FROM claim_entries ce
             JOIN claims c ON c.id = ce.claim_id
             JOIN files f ON f.id = ce.file_id
             JOIN triages t ON t.id = ce.triage_id
             WHERE ce.outcome = 'accepted'
             ORDER BY ce.entry, ce.file_id, ce.claim_id",
        )?;
        let mut rows = st.query([])?;
        let mut out: Vec<AcceptedEntry> = Vec::new();
        let mut claims = Texts::default();
        while let Some(r) = rows.next()? {
            let entry = parse_entry(opt_str(r, 0)?.unwrap_or(""))?;
            let recorded = parse_date(opt_str(r, 2)?.unwrap_or(""))?;
            let as_of = parse_date(opt_str(r, 3)?.unwrap_or(""))?;
            let by = recorded.min(as_of);
            match out.last_mut() {
                Some(last) if last.entry == entry => last.accepted_by = last.accepted_by.min(by),
                _ => out.push(AcceptedEntry {
                    entry,
                    claim: claims.get(opt_str(r, 1)?.unwrap_or("")),
                    accepted_by: by,
                }),
            }
        }
        Ok(out)
    }

    /// What the reconciliation needs of the kept data of `entries` (those with none are left
    /// out), with the entries whose record cannot be read back. Each record is read for the few
    /// fields the reconciliation needs ([`EntryRecordView`]); for many entries the records are
    /// read in one pass rather than looked up one by one.
    pub fn refund_facts(&self, entries: &EntrySet) -> Result<KeptFacts> {
        self.refund_facts_by(entries, ONE_BY_ONE)
    }

    fn refund_facts_by(&self, entries: &EntrySet, one_by_one: usize) -> Result<KeptFacts> {
        let mut kept = KeptFacts {
            facts: FactsMap::with_capacity_and_hasher(entries.len(), Default::default()),
            unreadable: Vec::new(),
        };
        let read =
            |entry: EntryNumber, record: &str, kept: &mut KeptFacts| match serde_json::from_str::<
                EntryRecordView,
            >(record)
            {
                Ok(v) if v.entry_number == entry => {
                    kept.facts.insert(entry, RefundFacts::from(v));
                }
                Ok(v) => kept
                    .unreadable
                    .push((entry, format!("the record names entry {}", v.entry_number))),
                Err(e) => kept.unreadable.push((entry, e.to_string())),
            };
        if entries.len() <= one_by_one {
            let mut st = self
                .conn
                .prepare_cached("SELECT record FROM entry_records WHERE entry = ?1")?;
            for e in entries {
                let record: Option<String> = st.query_row([e.as_str()], |r| r.get(0)).optional()?;
                if let Some(record) = record {
                    read(*e, &record, &mut kept);
                }
            }
        } else {
            let mut st = self
                .conn
                .prepare("SELECT entry, record FROM entry_records")?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let entry = parse_entry(opt_str(r, 0)?.unwrap_or(""))?;
                if entries.contains(&entry) {
                    read(entry, opt_str(r, 1)?.unwrap_or(""), &mut kept);
                }
            }
        }
        // Entries with facts kept before whole records were: their export must be read again.
        // Each wanted entry has at most one record, so when every one was read or found
        // unreadable, none is left to look for.
        let missing: Vec<EntryNumber> = if kept.facts.len() + kept.unreadable.len() == entries.len()
        {
            Vec::new()
        } else {
            let unreadable: EntrySet = kept.unreadable.iter().map(|(e, _)| *e).collect();
            entries
                .iter()
                .filter(|e| !kept.facts.contains_key(e) && !unreadable.contains(e))
                .copied()
                .collect()
        };
        if !missing.is_empty() {
            let mut st = self
                .conn
                .prepare_cached("SELECT 1 FROM entry_data WHERE entry = ?1")?;
            for e in missing {
                if st.exists([e.as_str()])? {
                    kept.unreadable.push((
                        e,
                        "kept before capekit kept whole entry records: import its ES-003 again"
                            .to_owned(),
                    ));
                }
            }
        }
        kept.unreadable.sort_unstable_by_key(|(e, _)| *e);
        Ok(kept)
    }

    /// Everything the reconciliation needs from the ledger: the accepted entries, every refund
    /// event, the kept data of the entries either names, and the importers that are
    /// corporations. `fresh` are the events of reports just recorded, by the file id
    /// [`Ledger::record_refund_reports`] gave them: they are taken as they are rather than read
    /// back.
    pub fn refund_data(&self, fresh: Vec<(FileId, Vec<RefundEvent>)>) -> Result<RefundData> {
        let skip: Vec<FileId> = fresh.iter().map(|(id, _)| *id).collect();
        let also: Vec<&[RefundEvent]> = fresh.iter().map(|(_, l)| l.as_slice()).collect();
        let mut data = self.refund_data_besides(&skip, &also)?;
        data.add_fresh(fresh);
        Ok(data)
    }

    /// Records `reports` as [`Ledger::record_refund_reports`] does and gathers what
    /// [`Ledger::refund_data`] gathers, both at once: a second connection reads the ledger as it
    /// was before the reports (a read transaction in WAL sees none of the writer's rows, committed
    /// or not) while this one writes them. The data comes without the events of the reports just
    /// recorded: the caller adds them, as read, with [`RefundData::add_fresh`] and the file ids of
    /// the outcomes. A ledger in memory, or a small import, is recorded and then gathered.
    pub fn record_refund_reports_and_gather(
        &mut self,
        reports: &[RefundImport<'_>],
    ) -> Result<(Vec<ImportOutcome>, RefundData)> {
        self.record_and_gather_from(reports, RECORD_BESIDE)
    }

    /// [`Ledger::record_refund_reports_and_gather`], on two connections from `beside_from` rows
    /// on.
    fn record_and_gather_from(
        &mut self,
        reports: &[RefundImport<'_>],
        beside_from: usize,
    ) -> Result<(Vec<ImportOutcome>, RefundData)> {
        let also: Vec<&[RefundEvent]> = reports.iter().map(|r| r.events).collect();
        let rows: usize = also.iter().map(|l| l.len()).sum();
        let reader = match self.path.as_deref() {
            Some(path) if rows >= beside_from => Some(Ledger::open(path)?),
            _ => None,
        };
        let Some(reader) = reader else {
            let outcomes = self.record_refund_reports(reports)?;
            let data = self.refund_data_besides(&imported(&outcomes), &also)?;
            return Ok((outcomes, data));
        };
        reader.conn.execute_batch("BEGIN")?;
        // The first read fixes the reader's view: the reports recorded before these.
        let before: HashSet<i64> = {
            let mut st = reader.conn.prepare("SELECT id FROM refund_files")?;
            st.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let (outcomes, data) = std::thread::scope(|s| {
            let also = &also;
            let gathering = s.spawn(move || -> Result<RefundData> {
                let data = reader.refund_data_besides(&[], also)?;
                reader.conn.execute_batch("COMMIT")?;
                Ok(data)
            });
            let outcomes = self.record_refund_reports(reports);
            // A panic on the other thread is a bug: it goes on here as it would have there.
            let data = gathering
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            (outcomes, data)
        });
        let outcomes = outcomes?;
        let fresh = imported(&outcomes);
        // A report found recorded that the reader did not see was recorded by another process
        // in the meantime: its events are in neither, so the ledger is read again, after.
        let unseen = outcomes.iter().any(|o| match o {
            ImportOutcome::AlreadyImported { file_id, .. } => {
                !before.contains(&file_id.0) && !fresh.contains(file_id)
            }
            ImportOutcome::Imported { .. } => false,
        });
        let data = if unseen {
            self.refund_data_besides(&fresh, &also)?
        } else {
            data?
        };
        Ok((outcomes, data))
    }

    /// [`Ledger::refund_data`] without the events of the files `skip`, the entries of `also`
    /// (events not read from the ledger) counted as named by an event.
    fn refund_data_besides(&self, skip: &[FileId], also: &[&[RefundEvent]]) -> Result<RefundData> {
        let events = if skip.is_empty() {
            self.refund_events()?
        } else {
            // Ids are integers from the ledger itself, so they are written into the query.
            let ids: Vec<String> = skip.iter().map(|id| id.0.to_string()).collect();
            self.refund_events_where(&format!("WHERE e.file_id NOT IN ({})", ids.join(", ")), [])?
        };
        let accepted = self.accepted_entries()?;
        let mut wanted = EntrySet::with_capacity_and_hasher(accepted.len(), Default::default());
        wanted.extend(accepted.iter().map(|a| a.entry));
        // The entries an event names that no claim accepted: those added now.
        let mut unaccepted = Vec::new();
        for e in events
            .iter()
            .chain(also.iter().flat_map(|l| l.iter()))
            .filter_map(|e| e.entry)
        {
            if wanted.insert(e) {
                unaccepted.push(e);
            }
        }
        let kept = self.refund_facts(&wanted)?;
        let rejected = self.rejected_claims(unaccepted)?;
        Ok(RefundData {
            accepted,
            events,
            facts: kept.facts,
            unreadable: kept.unreadable,
            corporate: self.corporate_importers()?,
            readiness: self.importer_readiness()?,
            rejected,
        })
    }

    /// The entries of `named` (each once) that a claim recorded in the ledger rejected, each
    /// with the latest claim that did.
    fn rejected_claims(
        &self,
        named: Vec<EntryNumber>,
    ) -> Result<capekit_core::refunds::reconcile::RejectedMap> {
        let mut out = capekit_core::refunds::reconcile::RejectedMap::default();
        if named.is_empty() {
            return Ok(out);
        }
        let mut st = self.conn.prepare_cached(
            "SELECT c.claim_number FROM claim_entries ce JOIN claims c ON c.id = ce.claim_id
             WHERE ce.entry = ?1 AND ce.outcome = 'rejected'
             ORDER BY ce.file_id DESC, ce.claim_id DESC LIMIT 1",
        )?;
        let mut claims = Texts::default();
        for e in named {
            let claim: Option<String> = st.query_row([e.as_str()], |r| r.get(0)).optional()?;
            if let Some(c) = claim {
                out.insert(e, claims.get(&c));
            }
        }
        Ok(out)
    }

    /// Records whether importers are corporations. Append-only; the latest answer holds.
    pub fn record_corporate(&mut self, importers: &[(String, bool)]) -> Result<()> {
        let at = now();
        let tx = self.begin()?;
        {
            let mut st = tx.prepare_cached(
                "INSERT INTO importer_facts (importer, corporate, recorded_at) VALUES (?1, ?2, ?3)",
            )?;
            for (importer, corporate) in importers {
                st.execute(params![importer, i64::from(*corporate), at])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Records what the user says of importers' readiness to be refunded. Append-only; the
    /// latest answer of each kind holds.
    pub fn record_readiness(&mut self, facts: &[ReadinessFact]) -> Result<()> {
        let at = now();
        let tx = self.begin()?;
        {
            let mut st = tx.prepare_cached(
                "INSERT INTO importer_readiness (importer, fact, on_date, recorded_at)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for f in facts {
                let (fact, on) = match f.fact {
                    ReadinessKind::AchEnrolled(true) => ("ach-enrolled", f.on),
                    ReadinessKind::AchEnrolled(false) => ("ach-not-enrolled", f.on),
                    ReadinessKind::ActiveOn => ("active-on", f.on),
                };
                st.execute(params![f.importer, fact, on.to_string(), at])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// What was recorded of each importer's readiness, by importer with case, dashes and spaces
    /// aside ([`capekit_core::refunds::squash`]): the latest ACH answer, and the latest day of
    /// activity (the latest day, not the latest said).
    pub fn importer_readiness(&self) -> Result<HashMap<String, Readiness>> {
        let mut st = self
            .conn
            .prepare("SELECT importer, fact, on_date FROM importer_readiness ORDER BY id")?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out: HashMap<String, Readiness> = HashMap::default();
        for row in rows {
            let (importer, fact, on) = row?;
            let on = parse_date(&on)?;
            // One importer however it was written: the latest answer holds.
            let r = out
                .entry(capekit_core::refunds::squash(&importer))
                .or_default();
            match fact.as_str() {
                "ach-enrolled" => r.ach = Some((true, on)),
                "ach-not-enrolled" => r.ach = Some((false, on)),
                _ => r.active_on = r.active_on.max(Some(on)),
            }
        }
        Ok(out)
    }

    /// The importers whose latest answer is "a corporation".
    ///
    /// One importer however it was written (`--corporate 987654321bb`, then `--not-corporate
    /// 98-7654321BB`): answers are matched case, dashes and spaces aside, and the set holds
    /// those keys ([`capekit_core::refunds::squash`]).
    pub fn corporate_importers(&self) -> Result<HashSet<String>> {
        let mut st = self
            .conn
            .prepare("SELECT importer, corporate FROM importer_facts ORDER BY id")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut latest: HashMap<String, bool> = HashMap::new();
        for row in rows {
            let (importer, corporate) = row?;
            latest.insert(capekit_core::refunds::squash(&importer), corporate == 1);
        }
        Ok(latest
            .into_iter()
            .filter_map(|(k, yes)| yes.then_some(k))
            .collect())
    }
}

/// A text column, borrowed (no copy per row of a million-row report).
fn opt_str<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    r.get_ref(i)?.as_str_or_null().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Shares the texts a report repeats (declarations, refund numbers, importers).
#[derive(Debug, Default)]
struct Texts(HashMap<Box<str>, Arc<str>>);

impl Texts {
    fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(t) = self.0.get(s) {
            return t.clone();
        }
        let t: Arc<str> = Arc::from(s);
        self.0.insert(Box::from(s), t.clone());
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FileKind;

    fn event(line: u64) -> RefundEvent {
        RefundEvent {
            entry: EntryNumber::from_parts("B76", 1_000_000 + u32::try_from(line).unwrap_or(0)),
            declaration: Some(Arc::from("260512000123")),
            refund_number: Some(Arc::from("R-1")),
            importer: Some(Arc::from("12-3456789AA")),
            status: Some(StatusRead::Unrecognized(Arc::from("Pending Review"))),
            principal_cents: Some(-123_456),
            interest_cents: None,
            reliquidation_date: Some(jiff::civil::date(2026, 7, 1)),
            reason: Some(Arc::from("R03")),
            ..RefundEvent::new(RefundReport::Rev615, Arc::from("rev615.csv"), 0, line)
        }
    }

    #[test]
    fn refund_events_round_trip_and_a_file_is_recorded_once() -> Result<()> {
        let mut l = Ledger::open_in_memory()?;
        let events: Vec<RefundEvent> = (2..=250).map(event).collect();
        let meta = FileMeta::of_bytes("dir/rev615.csv", FileKind::RefundReport, b"bytes");
        let import = RefundImport {
            meta: &meta,
            report: RefundReport::Rev615,
            events: &events,
        };
        let done = l.record_refund_reports(&[import])?;
        let Some(ImportOutcome::Imported { file_id, entries }) = done.first().cloned() else {
            panic!("{done:?}");
        };
        assert_eq!(entries, 249);
        let back = l.refund_events()?;
        let expected: Vec<RefundEvent> = events
            .iter()
            .map(|e| RefundEvent {
                file_seq: file_id.0,
                ..e.clone()
            })
            .collect();
        assert_eq!(back, expected);
        // The same bytes again change nothing.
        let again = l.record_refund_reports(&[import])?;
        assert!(again[0].already(), "{again:?}");
        assert_eq!(l.refund_events()?.len(), 249);
        let one = l.refund_events_of(events[3].entry.expect("entry"))?;
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].line, 5);
        Ok(())
    }

    #[test]
    fn refund_data_takes_fresh_events_and_reads_the_others() -> Result<()> {
        use capekit_core::path::EntryData;
        let mut l = Ledger::open_in_memory()?;
        let old: Vec<RefundEvent> = (2..=4).map(event).collect();
        let meta = FileMeta::of_bytes("old.csv", FileKind::RefundReport, b"old");
        l.record_refund_reports(&[RefundImport {
            meta: &meta,
            report: RefundReport::Rev615,
            events: &old,
        }])?;
        let new: Vec<RefundEvent> = (5..=6).map(event).collect();
        let meta = FileMeta::of_bytes("new.csv", FileKind::RefundReport, b"new");
        let done = l.record_refund_reports(&[RefundImport {
            meta: &meta,
            report: RefundReport::Rev615,
            events: &new,
        }])?;
        let Some(ImportOutcome::Imported { file_id, .. }) = done.first().cloned() else {
            panic!("{done:?}");
        };
        // Entry data for two of the entries, one of them without a whole record.
        let mut data = EntryData::new(old[0].entry.expect("entry"), 2);
        data.importer_number = Some(Arc::from("12-3456789AA"));
        data.ieepa_duty_cents = 5_000;
        data.absent_columns = capekit_core::path::ColumnSet::EMPTY;
        let facts = |d: &EntryData, record: bool| crate::EntryFacts {
            entry: d.entry_number,
            importer_number: d.importer_number.as_deref().map(str::to_owned),
            entry_type: None,
            entry_date: None,
            liquidation_date: None,
            path: "cape".to_owned(),
            cape_window_closes: None,
            protest_due: None,
            deadlines: Vec::new(),
            record: record.then(|| serde_json::to_string(d).ok()).flatten(),
        };
        let bare = EntryData::new(old[1].entry.expect("entry"), 3);
        l.record_entry_data(None, &[facts(&data, true), facts(&bare, false)])?;
        let got = l.refund_data(vec![(file_id, new.clone())])?;
        assert_eq!(got.events.len(), 5);
        assert!(got.events[3..].iter().all(|e| e.file_seq == file_id.0));
        assert!(got.events[..3].iter().all(|e| e.file_seq < file_id.0));
        assert_eq!(
            got.facts
                .get(&data.entry_number)
                .and_then(|f| f.ieepa_duty_cents),
            Some(5_000)
        );
        assert_eq!(got.unreadable.len(), 1, "{:?}", got.unreadable);
        assert_eq!(got.unreadable[0].0, bare.entry_number);
        // Both ways of reading the records agree.
        let wanted: EntrySet = got.events.iter().filter_map(|e| e.entry).collect();
        let one = l.refund_facts_by(&wanted, usize::MAX)?;
        let pass = l.refund_facts_by(&wanted, 0)?;
        assert_eq!(one.facts, pass.facts);
        assert_eq!(one.unreadable, pass.unreadable);
        Ok(())
    }

    #[test]
    fn recording_beside_gathers_what_recording_then_gathering_does() -> Result<()> {
        use capekit_core::path::EntryData;
        let dir = tempfile::tempdir().map_err(|e| LedgerError::CreateDir {
            path: std::env::temp_dir(),
            source: e,
        })?;
        let old: Vec<RefundEvent> = (2..=40).map(event).collect();
        let new: Vec<RefundEvent> = (30..=90).map(event).collect();
        let old_meta = FileMeta::of_bytes("old.csv", FileKind::RefundReport, b"old");
        let new_meta = FileMeta::of_bytes("new.csv", FileKind::RefundReport, b"new");
        let import = |meta, events| RefundImport {
            meta,
            report: RefundReport::Rev615,
            events,
        };
        let mut got = Vec::new();
        for (name, beside_from) in [("then.sqlite3", usize::MAX), ("beside.sqlite3", 0)] {
            let mut l = Ledger::open(&dir.path().join(name))?;
            let mut data = EntryData::new(old[0].entry.expect("entry"), 2);
            data.importer_number = Some(Arc::from("12-3456789AA"));
            data.absent_columns = capekit_core::path::ColumnSet::EMPTY;
            l.record_entry_data(
                None,
                &[crate::EntryFacts {
                    entry: data.entry_number,
                    importer_number: Some("12-3456789AA".to_owned()),
                    entry_type: None,
                    entry_date: None,
                    liquidation_date: None,
                    path: "cape".to_owned(),
                    cape_window_closes: None,
                    protest_due: None,
                    deadlines: Vec::new(),
                    record: serde_json::to_string(&data).ok(),
                }],
            )?;
            l.record_refund_reports(&[import(&old_meta, &old)])?;
            // The old report again (already recorded) and a new one, twice.
            let (outcomes, mut data) = l.record_and_gather_from(
                &[
                    import(&old_meta, &old),
                    import(&new_meta, &new),
                    import(&new_meta, &new),
                ],
                beside_from,
            )?;
            assert!(outcomes[0].already() && !outcomes[1].already() && outcomes[2].already());
            let Some(ImportOutcome::Imported { file_id, .. }) = outcomes.get(1).cloned() else {
                panic!("{outcomes:?}");
            };
            data.add_fresh(vec![(file_id, new.clone())]);
            assert_eq!(data.events.len(), old.len() + new.len());
            assert_eq!(data.facts.len(), 1);
            // What the ledger now holds reads back the same events, in the same order.
            let key = |e: &RefundEvent| (e.file_seq, e.line, e.entry);
            let again = l.refund_data(Vec::new())?;
            assert!(again.events.iter().map(key).eq(data.events.iter().map(key)));
            got.push(data);
        }
        assert_eq!(got[0].events, got[1].events);
        assert_eq!(got[0].facts, got[1].facts);
        assert_eq!(got[0].unreadable, got[1].unreadable);
        assert_eq!(got[0].rejected, got[1].rejected);
        Ok(())
    }

    #[test]
    fn readiness_latest_ach_answer_and_latest_activity_hold() -> Result<()> {
        let mut l = Ledger::open_in_memory()?;
        let fact = |importer: &str, fact, on| ReadinessFact {
            importer: importer.to_owned(),
            fact,
            on,
        };
        l.record_readiness(&[
            fact(
                "A",
                ReadinessKind::AchEnrolled(false),
                jiff::civil::date(2026, 9, 1),
            ),
            fact("A", ReadinessKind::ActiveOn, jiff::civil::date(2026, 3, 1)),
        ])?;
        l.record_readiness(&[
            fact(
                "A",
                ReadinessKind::AchEnrolled(true),
                jiff::civil::date(2026, 10, 1),
            ),
            // An older day of activity said later does not move the latest back.
            fact("A", ReadinessKind::ActiveOn, jiff::civil::date(2025, 1, 1)),
            fact("B", ReadinessKind::ActiveOn, jiff::civil::date(2026, 5, 5)),
        ])?;
        let got = l.importer_readiness()?;
        assert_eq!(
            got.get("a"),
            Some(&Readiness {
                ach: Some((true, jiff::civil::date(2026, 10, 1))),
                active_on: Some(jiff::civil::date(2026, 3, 1)),
            })
        );
        assert_eq!(
            got.get("b"),
            Some(&Readiness {
                ach: None,
                active_on: Some(jiff::civil::date(2026, 5, 5)),
            })
        );
        Ok(())
    }

    #[test]
    fn corporations_latest_answer_holds() -> Result<()> {
        let mut l = Ledger::open_in_memory()?;
        l.record_corporate(&[("A".to_owned(), true), ("B".to_owned(), true)])?;
        l.record_corporate(&[("B".to_owned(), false)])?;
        assert_eq!(l.corporate_importers()?, HashSet::from(["a".to_owned()]));
        // Another spelling of one importer is that importer: the later answer holds.
        l.record_corporate(&[("12-3456789AA".to_owned(), true)])?;
        l.record_corporate(&[("123456789aa".to_owned(), false)])?;
        assert!(!l.corporate_importers()?.contains("123456789aa"));
        Ok(())
    }
}
