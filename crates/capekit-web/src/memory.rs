//! What a kept session holds in memory, estimated, so that the sessions of a server run stay
//! within a budget (see [`crate::session::Sessions`]).
//!
//! A 19.5 MB Claim Details kept as a triage holds some 300,000 claim rows and as many triage rows,
//! 50 to 130 MB in all; fifty of them would take gigabytes. The estimate counts what grows with an
//! upload: every vector's capacity times its element's size, the bytes of every owned string, and
//! each shared text (`Arc<str>`, which the readers intern) once, with its reference counts. Small
//! fixed parts (totals, a claim's summary) are counted by their size alone. Allocator overhead
//! is not counted, so the figure is a floor of what the process really holds, not a guess above
//! it.

use std::collections::{HashMap, HashSet};
use std::mem::size_of;
use std::sync::Arc;

use capekit_core::Diagnostic;
use capekit_core::check::{CheckReport, DeclarationInput};
use capekit_core::fix::FixPlan;
use capekit_core::known::KnownState;
use capekit_core::path::{Decision, EntryData};
use capekit_core::triage::{ClaimRow, EntryResult, TriageInput, TriageReport};
use capekit_io::plan_out::Plan;

use crate::ledger::LedgerNote;
use crate::session::{CheckSession, Corrected, PlanSession, TriageSession, UploadedFile};

/// A running count of bytes held.
#[derive(Debug, Default)]
pub struct Tally {
    bytes: usize,
    /// Shared texts already counted, by address.
    shared: HashSet<usize>,
}

impl Tally {
    /// The bytes counted.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    fn add(&mut self, n: usize) {
        self.bytes = self.bytes.saturating_add(n);
    }

    /// A vector's buffer (its elements' own heap data are counted by the caller).
    fn vec<T>(&mut self, v: &Vec<T>) {
        self.add(v.capacity().saturating_mul(size_of::<T>()));
    }

    fn string(&mut self, s: &String) {
        self.add(s.capacity());
    }

    fn opt_string(&mut self, s: Option<&String>) {
        if let Some(s) = s {
            self.string(s);
        }
    }

    /// A shared text: its bytes and its two reference counts, once however many hold it.
    fn text(&mut self, t: &Arc<str>) {
        if self.shared.insert(Arc::as_ptr(t).cast::<u8>() as usize) {
            self.add(t.len() + 2 * size_of::<usize>());
        }
    }

    fn opt_text(&mut self, t: Option<&Arc<str>>) {
        if let Some(t) = t {
            self.text(t);
        }
    }

    /// A hash map's table: a slot per bucket with its control byte (hashbrown keeps at least an
    /// eighth of its buckets free, which the capacity already leaves out).
    fn map<K, V>(&mut self, m: &HashMap<K, V>) {
        self.add(m.capacity().saturating_mul(size_of::<(K, V)>() + 1));
    }

    fn diagnostics(&mut self, ds: &Vec<Diagnostic>) {
        self.vec(ds);
        for d in ds {
            self.opt_string(d.file.as_ref());
            self.opt_string(d.cell.as_ref());
            self.opt_string(d.value.as_ref());
            self.string(&d.message);
        }
    }

    fn known(&mut self, k: &KnownState) {
        match k {
            KnownState::Accepted { claim } => self.string(claim),
            KnownState::Pending { declaration, .. } | KnownState::Drafted { declaration, .. } => {
                self.string(declaration);
            }
            KnownState::Rejected { claim, message, .. } => {
                self.string(claim);
                self.string(message);
            }
        }
    }

    fn files(&mut self, files: &Vec<UploadedFile>) {
        self.vec(files);
        for f in files {
            self.file(f);
        }
    }

    fn file(&mut self, f: &UploadedFile) {
        self.string(&f.name);
        self.add(f.stored.as_os_str().len());
    }

    fn ledger(&mut self, note: &LedgerNote) {
        match note {
            LedgerNote::Off => {}
            LedgerNote::Failed(why) => self.string(why),
            LedgerNote::Recorded(files) => {
                self.vec(files);
                for f in files {
                    self.string(&f.name);
                }
            }
        }
    }

    fn entry_data(&mut self, e: &EntryData) {
        self.opt_text(e.importer_number.as_ref());
        self.opt_text(e.importer_name.as_ref());
        self.opt_text(e.entry_type.as_ref());
        self.opt_text(e.liquidation_status.as_ref());
        self.opt_text(e.reconciliation_indicator.as_ref());
        self.opt_text(e.reconciliation_entry_number.as_ref());
    }

    fn decision(&mut self, d: &Decision) {
        self.vec(&d.reasons);
        self.vec(&d.notes);
        for n in &d.notes {
            self.string(n);
        }
    }

    fn claim_row(&mut self, r: &ClaimRow) {
        self.text(&r.file);
        self.text(&r.claim);
        self.opt_text(r.status.as_ref());
        self.opt_text(r.claim_status.as_ref());
        self.opt_text(r.importer.as_ref());
        self.text(&r.message);
    }

    fn entry_result(&mut self, r: &EntryResult) {
        self.opt_text(r.claim_number.as_ref());
        self.text(&r.message);
        self.text(&r.what_to_do);
        self.text(&r.source);
        self.text(&r.file);
        self.opt_string(r.note.as_ref());
        self.vec(&r.deadlines);
    }

    fn triage_input(&mut self, input: &TriageInput) {
        self.vec(&input.rows);
        for r in &input.rows {
            self.claim_row(r);
        }
        if let Some(d) = &input.declaration {
            self.vec(d);
        }
        self.vec(&input.corrected);
        self.map(&input.known);
        for k in input.known.values() {
            self.known(k);
        }
        self.map(&input.entry_data);
        for e in input.entry_data.values() {
            self.entry_data(e);
        }
    }

    fn triage_report(&mut self, r: &TriageReport) {
        self.vec(&r.claims);
        for c in &r.claims {
            self.text(&c.claim_number);
            self.vec(&c.files);
            for f in &c.files {
                self.text(f);
            }
        }
        self.vec(&r.entries);
        for e in &r.entries {
            self.entry_result(e);
        }
        self.vec(&r.reconciliation.not_declared);
        self.vec(&r.refile.entries);
        self.vec(&r.refile.left_out);
        for l in &r.refile.left_out {
            self.string(&l.reason);
        }
    }

    fn corrected(&mut self, c: &Corrected) {
        self.vec(&c.entries);
        self.diagnostics(&c.diagnostics);
        self.string(&c.text);
    }

    fn declaration_input(&mut self, input: &DeclarationInput) {
        self.string(&input.file_name);
        self.vec(&input.rows);
        for r in &input.rows {
            self.opt_string(r.cell.as_ref());
            self.vec(&r.fields);
            for f in &r.fields {
                self.string(f);
            }
        }
    }

    fn check_report(&mut self, r: &CheckReport) {
        self.string(&r.file);
        self.diagnostics(&r.diagnostics);
    }

    fn fix_plan(&mut self, p: &FixPlan) {
        self.vec(&p.entries);
        self.vec(&p.repaired);
        for r in &p.repaired {
            self.string(&r.raw);
            self.string(&r.what);
        }
        self.vec(&p.duplicates);
        self.vec(&p.unrepairable);
        for u in &p.unrepairable {
            self.string(&u.raw);
            self.string(&u.reason);
        }
        for rows in [&p.already_accepted, &p.still_pending] {
            self.vec(rows);
            for r in rows {
                self.known(&r.known);
            }
        }
    }

    fn plan(&mut self, p: &Plan) {
        self.vec(&p.entries);
        for e in &p.entries {
            self.opt_text(e.importer_number.as_ref());
            self.opt_text(e.importer_name.as_ref());
            self.text(&e.file);
            self.opt_text(e.facts.entry_type.as_ref());
            self.opt_text(e.facts.port.as_ref());
            self.decision(&e.decision);
            self.opt_string(e.other_filer.as_ref());
            self.opt_string(e.held.as_ref());
            if let Some(k) = &e.known {
                self.known(k);
            }
        }
        self.vec(&p.declarations);
        for d in &p.declarations {
            self.opt_text(d.importer_number.as_ref());
            self.opt_string(d.filer.as_ref());
            self.string(&d.base_name);
            self.vec(&d.file_names);
            for n in &d.file_names {
                self.string(n);
            }
            self.vec(&d.entries);
        }
        self.vec(&p.totals);
        self.diagnostics(&p.diagnostics);
    }
}

/// What a session holds, estimated.
pub trait Held {
    /// Adds what `self` holds to `tally`.
    fn tally(&self, tally: &mut Tally);

    /// The bytes `self` holds, estimated.
    fn held_bytes(&self) -> usize {
        let mut t = Tally::default();
        self.tally(&mut t);
        t.bytes()
    }
}

impl Held for TriageSession {
    fn tally(&self, t: &mut Tally) {
        t.add(size_of::<Self>());
        t.files(&self.files);
        t.triage_input(&self.input);
        t.diagnostics(&self.read_diagnostics);
        if let Some(c) = &self.corrected {
            t.corrected(c);
        }
        t.triage_report(&self.report);
        t.ledger(&self.ledger);
    }
}

impl Held for CheckSession {
    fn tally(&self, t: &mut Tally) {
        t.add(size_of::<Self>());
        t.file(&self.file);
        t.vec(&self.bytes);
        t.declaration_input(&self.input);
        t.check_report(&self.report);
        t.fix_plan(&self.plan);
        t.ledger(&self.ledger);
    }
}

impl Held for PlanSession {
    fn tally(&self, t: &mut Tally) {
        t.add(size_of::<Self>());
        t.files(&self.files);
        t.plan(&self.plan);
        t.ledger(&self.ledger);
        t.vec(&self.order);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_counts_its_deadlines_and_a_row_its_claim_status() {
        // Regression: the deadlines of a triage row and the claim status of a claim row were
        // held but not counted, so a session of a large triage with entry data passed for less
        // than it held.
        use capekit_core::EntryNumber;
        let input = TriageInput {
            rows: vec![ClaimRow {
                file: "c.csv".into(),
                line: 2,
                entry: EntryNumber::from_parts("B76", 1).expect("entry"),
                claim: "100000241223".into(),
                status: Some("Failed".into()),
                claim_status: Some("Accepted with Error(s) - a long status text".into()),
                claim_date: None,
                message: "PROTEST ON ENTRY".into(),
                kind: Default::default(),
                importer: None,
            }],
            ..TriageInput::default()
        };
        let mut t = Tally::default();
        t.triage_input(&input);
        let status = input.rows[0].claim_status.as_ref().expect("status");
        let mut without = Tally::default();
        without.vec(&input.rows);
        for text in ["c.csv", "100000241223", "Failed", "PROTEST ON ENTRY"] {
            without.add(text.len() + 2 * size_of::<usize>());
        }
        assert_eq!(
            t.bytes(),
            without.bytes() + status.len() + 2 * size_of::<usize>()
        );

        let mut report = capekit_core::triage::triage(&input, jiff::civil::date(2026, 11, 24));
        let mut before = Tally::default();
        before.triage_report(&report);
        let d = capekit_core::deadline::Deadline::new(
            capekit_core::deadline::DeadlineKind::Protest,
            jiff::civil::date(2026, 12, 1),
            jiff::civil::date(2026, 11, 24),
            capekit_core::deadline::Basis::Liquidation(jiff::civil::date(2026, 6, 4)),
        );
        report.entries[0].deadlines = Vec::with_capacity(100);
        report.entries[0].deadlines.push(d);
        let mut after = Tally::default();
        after.triage_report(&report);
        assert_eq!(
            after.bytes(),
            before.bytes() + 100 * size_of::<capekit_core::deadline::Deadline>()
        );
    }

    #[test]
    fn shared_texts_count_once_and_buffers_by_capacity() {
        let text: Arc<str> = Arc::from("HTS RELATIONSHIP MISMATCH");
        let mut t = Tally::default();
        t.text(&text);
        t.text(&text.clone());
        assert_eq!(t.bytes(), text.len() + 2 * size_of::<usize>());
        let mut t = Tally::default();
        let v: Vec<u64> = Vec::with_capacity(1000);
        t.vec(&v);
        assert_eq!(t.bytes(), 8000);
    }
}
