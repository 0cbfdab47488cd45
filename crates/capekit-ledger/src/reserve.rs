//! Reserving entries for a new draft: which entries are free, and the draft that takes them, in
//! one write transaction.
//!
//! Two runs at once (two `capekit refile`, a triage and the workbench) each asked "which entries
//! are free?", each heard "these", and each wrote them into its own draft: the same entries on two
//! files, one of them filed twice. So the question and the record of the answer happen inside one
//! transaction begun `IMMEDIATE`: it takes SQLite's write lock at once (a second run waits for it,
//! up to the busy timeout), and the second run asks only after the first one's draft is recorded,
//! so it sees the reservation. A run that fails before [`Reservation::commit`] (a file that could
//! not be written) rolls back: no entry stays reserved by a file that does not exist.

use capekit_core::entry::EntryNumber;
use capekit_core::triage::TriageReport;
use rusqlite::{Transaction, TransactionBehavior};

use crate::import::{
    DraftPart, DraftsRecorded, TriageImport, import_triage_tx, record_drafts_tx,
    record_entry_reports_tx,
};
use crate::{EntryFacts, FileMeta, ImportOutcome, Ledger, Result};

/// An open write transaction of the ledger, begun `IMMEDIATE`: reads through
/// [`Reservation::ledger`] see every draft recorded before it began, and no other writer records
/// anything until it is committed or dropped (a drop rolls everything back).
#[derive(Debug)]
pub struct Reservation<'l> {
    ledger: &'l Ledger,
    /// `None` inside a command's run ([`Ledger::begin_run`]): the run's transaction, begun
    /// `IMMEDIATE`, already holds the write lock, and its commit makes the drafts stand.
    tx: Option<Transaction<'l>>,
}

impl Ledger {
    /// Takes the ledger's write lock, waiting up to the busy timeout for another writer, for a
    /// read of the free entries and the record of the drafts that take them.
    pub fn reserve(&mut self) -> Result<Reservation<'_>> {
        let ledger: &Ledger = self;
        let tx = if ledger.conn.is_autocommit() {
            Some(Transaction::new_unchecked(
                &ledger.conn,
                TransactionBehavior::Immediate,
            )?)
        } else {
            None
        };
        Ok(Reservation { ledger, tx })
    }
}

impl Reservation<'_> {
    /// The ledger, to read inside the reservation (states, the next declaration, the guard of a
    /// triage).
    pub fn ledger(&self) -> &Ledger {
        self.ledger
    }

    /// [`Ledger::record_drafts`] inside the reservation.
    pub fn record_drafts(&self, folder: &str, parts: &[DraftPart<'_>]) -> Result<DraftsRecorded> {
        record_drafts_tx(&self.ledger.conn, folder, parts)
    }

    /// [`Ledger::import_triage`] inside the reservation: a triage recorded, guarded and its
    /// refile drafted as one change of the ledger.
    pub fn import_triage(
        &self,
        declaration: Option<(&FileMeta, &[EntryNumber])>,
        files: &[FileMeta],
        report: &TriageReport,
    ) -> Result<TriageImport> {
        import_triage_tx(&self.ledger.conn, declaration, None, files, report)
    }

    /// [`Ledger::record_entry_reports`] inside the reservation: the entry data given with a
    /// triage, recorded with it.
    pub fn record_entry_reports(
        &self,
        reports: &[(FileMeta, Vec<EntryFacts>)],
    ) -> Result<Vec<ImportOutcome>> {
        record_entry_reports_tx(&self.ledger.conn, reports)
    }

    /// Makes what was recorded permanent, and lets the next writer in.
    pub fn commit(self) -> Result<()> {
        if let Some(tx) = self.tx {
            tx.commit()?;
        }
        Ok(())
    }
}
