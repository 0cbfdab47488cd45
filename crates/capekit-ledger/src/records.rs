//! The entry data the ledger keeps, read back for a later triage: the whole `EntryData` of each
//! entry a plan or `ledger import` read from an ES-003 export, so a rejected entry can be judged
//! by its dates without the export at hand. The ledger only remembers; triage judges.

use std::collections::HashMap;

use capekit_core::entry::EntryNumber;
use capekit_core::path::EntryData;
use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::{Ledger, Result};

/// What the ledger holds of some entries' data.
#[derive(Debug, Default, Serialize)]
pub struct EntryRecords {
    /// Entries whose data reads back, with it.
    #[serde(skip)]
    pub data: HashMap<EntryNumber, EntryData>,
    /// Entries the ledger knows only by the facts kept before it kept whole records: their
    /// export must be read again (`capekit plan` or `capekit ledger import`) to judge them by
    /// their dates.
    pub without_record: Vec<EntryNumber>,
    /// Entries whose record does not read back (written by another capekit version), with why.
    pub unreadable: Vec<(EntryNumber, String)>,
    /// When the oldest and the newest of the records read were made.
    pub oldest: Option<String>,
    /// See `oldest`.
    pub newest: Option<String>,
    /// The dates of the data the records came from (their files' dates), oldest and newest,
    /// where the ledger knows them.
    pub data_dates: Option<(jiff::civil::Date, jiff::civil::Date)>,
    /// Records whose file's date the ledger does not know (recorded before it kept them, or
    /// from a file without one): their recording time stands in.
    pub undated: usize,
    /// The files the records came from, by name, sorted.
    pub files: Vec<String>,
}

impl EntryRecords {
    /// Nothing found and nothing to say.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty() && self.without_record.is_empty() && self.unreadable.is_empty()
    }
}

impl Ledger {
    /// The entries of the declarations the claims `claims` answer, as the ledger linked them
    /// (each claim to the upload its entries were declared on): what a triage given no
    /// declaration reconciles its claims against. Empty when none of them answers one.
    pub fn answered_entries(&self, claims: &[&str]) -> Result<Vec<EntryNumber>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT de.entry FROM claims c
             JOIN claim_answers ca ON ca.claim_id = c.id
             JOIN declaration_entries de ON de.declaration_id = ca.declaration_id
             WHERE c.claim_number = ?1",
        )?;
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for claim in claims {
            let mut rows = stmt.query([claim])?;
            while let Some(r) = rows.next()? {
                let e: String = r.get(0)?;
                let e = crate::parse_entry(&e)?;
                if seen.insert(e) {
                    out.push(e);
                }
            }
        }
        Ok(out)
    }

    /// Is any entry data kept at all? A quick test before looking entries up one by one.
    pub fn has_entry_data(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM entry_data LIMIT 1", [], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The importer of record number the kept entry data gives for each of `entries` (those
    /// without one are left out): whose report an entry of a triage goes on.
    pub fn importers_of(
        &self,
        entries: impl IntoIterator<Item = EntryNumber>,
    ) -> Result<HashMap<EntryNumber, String>> {
        let mut out = HashMap::new();
        if !self.has_entry_data()? {
            return Ok(out);
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT importer_number FROM entry_data WHERE entry = ?1")?;
        for entry in entries {
            let importer: Option<Option<String>> =
                stmt.query_row([entry.as_str()], |r| r.get(0)).optional()?;
            if let Some(i) = importer.flatten().filter(|i| !i.trim().is_empty()) {
                out.insert(entry, i);
            }
        }
        Ok(out)
    }

    /// The kept data of `entries` (those the ledger has none for are left out), with what could
    /// not be read back.
    pub fn entry_records(
        &self,
        entries: impl IntoIterator<Item = EntryNumber>,
    ) -> Result<EntryRecords> {
        let mut out = EntryRecords::default();
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.record, ed.recorded_at, f.name, fd.data_date
             FROM entry_data ed
             LEFT JOIN entry_records r ON r.entry = ed.entry
             LEFT JOIN files f ON f.id = ed.file_id
             LEFT JOIN file_dates fd ON fd.file_id = ed.file_id
             WHERE ed.entry = ?1",
        )?;
        let mut files = std::collections::BTreeSet::new();
        for entry in entries {
            let row = stmt
                .query_row([entry.as_str()], |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                    ))
                })
                .optional()?;
            let Some((record, at, file, data_date)) = row else {
                continue;
            };
            let Some(record) = record else {
                out.without_record.push(entry);
                continue;
            };
            match serde_json::from_str::<EntryData>(&record) {
                Ok(data) if data.entry_number == entry => {
                    out.data.insert(entry, data);
                }
                Ok(data) => {
                    out.unreadable.push((
                        entry,
                        format!("the record names entry {}", data.entry_number),
                    ));
                    continue;
                }
                Err(e) => {
                    out.unreadable.push((entry, e.to_string()));
                    continue;
                }
            }
            match data_date.and_then(|d| d.parse::<jiff::civil::Date>().ok()) {
                Some(d) => {
                    out.data_dates = Some(match out.data_dates {
                        None => (d, d),
                        Some((lo, hi)) => (lo.min(d), hi.max(d)),
                    });
                }
                None => out.undated += 1,
            }
            if out.oldest.as_ref().is_none_or(|o| at < *o) {
                out.oldest = Some(at.clone());
            }
            if out.newest.as_ref().is_none_or(|n| at > *n) {
                out.newest = Some(at);
            }
            if let Some(f) = file {
                files.insert(f);
            }
        }
        out.files = files.into_iter().collect();
        Ok(out)
    }
}
