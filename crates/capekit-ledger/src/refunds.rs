//! Refund reports kept: every row of ES-022, REV-603, REV-613 and REV-615 as an event on its
//! declaration and/or entry, and whether each importer is a corporation. The ledger remembers
//! and hands the facts back; `capekit_core::refunds::reconcile` judges them.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use capekit_core::entry::EntryNumber;
use capekit_core::refunds::{
    AcceptedEntry, RefundEvent, RefundFacts, RefundReport, RefundStatus, StatusRead,
};
use jiff::civil::Date;
use rusqlite::{OptionalExtension, params};

use crate::import::{insert_batched, now};
use crate::{
    FileId, FileMeta, ImportOutcome, Ledger, LedgerError, Result, parse_date, parse_entry, parse_ts,
};

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
    pub facts: HashMap<EntryNumber, RefundFacts>,
    /// Entries whose data cannot be used, with why.
    pub unreadable: Vec<(EntryNumber, String)>,
}

/// Columns of `refund_events`, in insert order.
const COLUMNS: usize = 15;

impl Ledger {
    /// Records refund reports in one transaction, each with its rows. A report whose bytes were
    /// recorded before changes nothing and is reported as [`ImportOutcome::AlreadyImported`];
    /// the outcomes come in the order given.
    pub fn record_refund_reports(
        &mut self,
        reports: &[RefundImport<'_>],
    ) -> Result<Vec<ImportOutcome>> {
        let at = now();
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
                    liquidation_date, reliquidation_date, status_date, reason) VALUES",
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
                    st.raw_bind_parameter(i + 14, e.reason.as_deref())
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
                    e.reason
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
        while let Some(r) = rows.next()? {
            let entry = parse_entry(opt_str(r, 0)?.unwrap_or(""))?;
            let recorded = parse_date(opt_str(r, 2)?.unwrap_or(""))?;
            let as_of = parse_date(opt_str(r, 3)?.unwrap_or(""))?;
            let by = recorded.min(as_of);
            match out.last_mut() {
                Some(last) if last.entry == entry => last.accepted_by = last.accepted_by.min(by),
                _ => out.push(AcceptedEntry {
                    entry,
                    claim: r.get(1)?,
                    accepted_by: by,
                }),
            }
        }
        Ok(out)
    }

    /// What the reconciliation needs of the kept data of `entries` (those with none are left
    /// out), with the entries whose record cannot be read back.
    pub fn refund_facts(
        &self,
        entries: impl IntoIterator<Item = EntryNumber>,
    ) -> Result<KeptFacts> {
        let records = self.entry_records(entries)?;
        let facts = records
            .data
            .iter()
            .map(|(e, d)| (*e, RefundFacts::of(d)))
            .collect();
        let mut unreadable = records.unreadable;
        unreadable.extend(records.without_record.into_iter().map(|e| {
            (
                e,
                "kept before capekit kept whole entry records: import its ES-003 again".to_owned(),
            )
        }));
        Ok(KeptFacts { facts, unreadable })
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

    /// The importers whose latest answer is "a corporation".
    pub fn corporate_importers(&self) -> Result<HashSet<String>> {
        let mut st = self.conn.prepare(
            "SELECT importer FROM importer_facts p
             WHERE id = (SELECT MAX(id) FROM importer_facts q WHERE q.importer = p.importer)
               AND corporate = 1",
        )?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<HashSet<_>>>()?)
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
    fn corporations_latest_answer_holds() -> Result<()> {
        let mut l = Ledger::open_in_memory()?;
        l.record_corporate(&[("A".to_owned(), true), ("B".to_owned(), true)])?;
        l.record_corporate(&[("B".to_owned(), false)])?;
        assert_eq!(l.corporate_importers()?, HashSet::from(["A".to_owned()]));
        Ok(())
    }
}
