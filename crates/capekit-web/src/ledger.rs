//! The ledger behind the pages: what the workbench records, and what it asks before it offers a
//! declaration to download.
//!
//! The calls are those of `capekit triage` (`crates/capekit/src/cmd/ledger.rs`, `record_triage`):
//! a triage's files are recorded with `Ledger::import_triage`, then the ledger is asked about the
//! entries of the new declaration, and the triage runs again with what it knows, so that an entry
//! accepted on an earlier claim, or still pending on an earlier declaration, is left off with the
//! reason. Downloading a refile file records nothing (a GET has no side effect); the user says
//! "I uploaded it" with a POST, which records it as uploaded, with its bytes, so that its entries
//! are pending from then on. A plan asks and records as `capekit plan` does.
//!
//! A connection is opened per request, inside a blocking task: an SQLite connection is not
//! `Sync`, and WAL is made for this (readers never wait for the one writer), so no connection is
//! shared between handlers. Writers are another matter: SQLite lets one write at a time, and its
//! busy handler is neither fair nor patient, so twenty uploads recorded at once left some waiting
//! past the busy timeout ("database is locked"), their triage shown but not recorded. So the
//! server writes through [`write`]: one write at a time within the server (the others wait their
//! turn, however long), the busy timeout for what that does not cover (another capekit process,
//! a page opening the ledger to read), and a few more tries when even that holds the ledger too
//! long. A write that still fails is a 503 page, never a page that looks recorded.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use capekit_core::EntryNumber;
use capekit_core::triage::{TriageInput, TriageReport};
use capekit_io::entries::EntryDataSet;
use capekit_io::plan_out::{Plan, PlanOptions, build_plan, build_plan_with};
use capekit_ledger::{EntryFacts, FileKind, FileMeta, ImportOutcome, Ledger, LedgerError};

/// Tries of a write that found the ledger held by another process past the busy timeout.
const WRITE_ATTEMPTS: u32 = 3;

/// The one writer of this server: ledger writes take it in turn.
#[derive(Debug, Clone, Default)]
pub struct WriteLock(Arc<Mutex<()>>);

/// Runs `f` on the ledger at `path` as this server's one writer: after every earlier write of
/// this server, waiting up to `busy_timeout` for another process, and trying again (up to
/// [`WRITE_ATTEMPTS`] times) when the ledger stayed busy. A busy ledger writes nothing, so `f` runs
/// again from the start.
pub fn write<T>(
    lock: &WriteLock,
    path: &Path,
    busy_timeout: Duration,
    mut f: impl FnMut(&mut Ledger) -> Result<T, LedgerError>,
) -> Result<T, LedgerError> {
    // A writer that panicked released the lock with the ledger whole (its transaction rolled
    // back), so the turn passes on.
    let _turn = lock
        .0
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut attempt = 1;
    loop {
        match Ledger::open_with_busy_timeout(path, busy_timeout).and_then(|mut l| f(&mut l)) {
            Err(e) if e.is_busy() && attempt < WRITE_ATTEMPTS => {
                std::thread::sleep(busy_timeout.min(Duration::from_secs(1)) * attempt);
                attempt += 1;
            }
            done => return done,
        }
    }
}

/// What the ledger did with an upload, for the page to say.
#[derive(Debug, Clone)]
pub enum LedgerNote {
    /// The server runs with `--no-ledger`.
    Off,
    /// Each file, recorded now or recognised as recorded before.
    Recorded(Vec<FileNote>),
    /// The ledger could not be used; why, in a sentence.
    Failed(String),
}

/// One file the ledger was given.
#[derive(Debug, Clone)]
pub struct FileNote {
    /// The file's name.
    pub name: String,
    /// What it was recorded as.
    pub kind: FileKind,
    /// Recorded now, or before.
    pub outcome: ImportOutcome,
}

impl FileNote {
    /// What the ledger did with the file, in a sentence.
    pub fn sentence(&self) -> String {
        match &self.outcome {
            ImportOutcome::Imported { entries, .. } => {
                let what = match self.kind {
                    FileKind::ClaimDetails | FileKind::ValidationResult => "claim rows",
                    FileKind::EntryData => "entries with their deadlines",
                    FileKind::RefundReport => "refund rows",
                    FileKind::Declaration | FileKind::Refile => "entries, pending from now on",
                };
                format!(
                    "{}: recorded in the ledger ({} {what}).",
                    self.name,
                    crate::layout::n(*entries)
                )
            }
            ImportOutcome::AlreadyImported { imported_at, .. } => format!(
                "{} is already in the ledger: the same file was recorded on {}, so nothing was added.",
                self.name,
                utc(*imported_at)
            ),
        }
    }
}

/// A timestamp as the CLI prints it: `2026-11-24 10:00 UTC`.
pub fn utc(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// The sentence for a ledger that cannot be used, logged once.
pub fn failed(path: &Path, doing: &str, e: &LedgerError) -> LedgerNote {
    eprintln!(
        "capekit serve: error: {doing} in the ledger {}: {e}",
        path.display()
    );
    LedgerNote::Failed(format!(
        "The ledger ({}) could not be used while {doing}: {e}.",
        path.display()
    ))
}

/// Records a triage (the declaration, then the claim files and their rows) and keeps the
/// ledger's knowledge off its refile list: `capekit triage`'s `record_triage`, with files given
/// as bytes.
pub fn record_triage(
    ledger: &mut Ledger,
    declaration: Option<(&FileMeta, &[EntryNumber])>,
    files: &[FileMeta],
    input: &mut TriageInput,
    report: &mut TriageReport,
) -> Result<Vec<FileNote>, LedgerError> {
    let import = ledger.import_triage(declaration, files, report)?;
    guard(ledger, input, report)?;
    let mut notes = Vec::with_capacity(files.len() + 1);
    if let (Some((meta, _)), Some(outcome)) = (declaration, import.declaration) {
        notes.push(FileNote {
            name: meta.name.clone(),
            kind: meta.kind,
            outcome,
        });
    }
    for (meta, f) in files.iter().zip(import.files) {
        notes.push(FileNote {
            name: f.name,
            kind: meta.kind,
            outcome: f.outcome,
        });
    }
    Ok(notes)
}

/// The ledger's duplicate guard on a triage, as `capekit triage` applies it
/// ([`Ledger::guard_triage`]).
pub fn guard(
    ledger: &Ledger,
    input: &mut TriageInput,
    report: &mut TriageReport,
) -> Result<(), LedgerError> {
    ledger.guard_triage(input, report)
}

/// Builds the plan of entry reports as `capekit plan` does with its ledger: the ledger is asked
/// first what it knows of every entry read (an entry accepted on a claim, or still pending, stays
/// off the declarations, saying why), then each file's entry data is recorded (importer, type,
/// liquidation, path and deadlines of the entries the plan took from it), in one transaction.
///
/// `files` are the identities of the files read, in the order of `sets`. Without a ledger (`None`)
/// the plan is built alone. A ledger that fails is said on the page; the plan is built without
/// its knowledge then.
///
/// Err is the 503 page of a ledger that stayed busy: nothing was recorded, and the upload should
/// be sent again.
pub fn plan_with_ledger(
    state: &crate::AppState,
    files: &[FileMeta],
    sets: Vec<EntryDataSet>,
    options: &PlanOptions,
) -> Result<(Plan, LedgerNote), crate::AppError> {
    let Some(path) = state.ledger.as_deref() else {
        return Ok((build_plan(sets, options), LedgerNote::Off));
    };
    let numbers: Vec<EntryNumber> = sets
        .iter()
        .flat_map(|s| s.entries.iter().map(|e| e.entry_number))
        .collect();
    // What the ledger knows, as `capekit plan` asks it: accepted or pending entries, the acts
    // recorded on the other paths, and the importers that sued (CAPE Phase 3).
    let asked = Ledger::open(path)
        .and_then(|l| Ok((l.known(&numbers)?, l.acts(&numbers)?, l.phase3_importers()?)));
    let (known, acts, phase3) = match asked {
        Ok(found) => found,
        Err(e) => {
            return Ok((
                build_plan(sets, options),
                failed(path, "reading what it knows of these entries", &e),
            ));
        }
    };
    let mut options = options.clone();
    options.context.acts = acts;
    for (importer, submitted) in &phase3 {
        options.context.add_phase3_importer(importer, *submitted);
    }
    let mut facts = Vec::with_capacity(numbers.len());
    let plan = build_plan_with(sets, &options, &known, |data, decision| {
        facts.push(EntryFacts::from_decision(data, decision));
    });
    // `facts` is in `plan.entries` order; each goes with the file the plan took its entry from.
    let mut by_file: HashMap<&str, Vec<EntryFacts>> = HashMap::new();
    for (e, f) in plan.entries.iter().zip(facts) {
        by_file.entry(&e.file).or_default().push(f);
    }
    let reports: Vec<(FileMeta, Vec<EntryFacts>)> = files
        .iter()
        .map(|meta| {
            let facts = by_file.remove(meta.name.as_str()).unwrap_or_default();
            (meta.clone(), facts)
        })
        .collect();
    let recorded = write(&state.writes, path, state.ledger_busy_timeout, |l| {
        l.record_entry_reports(&reports)
    });
    let note = match recorded {
        Err(e) if e.is_busy() => return Err(crate::AppError::ledger_busy(path, &e)),
        Ok(outcomes) => LedgerNote::Recorded(
            files
                .iter()
                .zip(outcomes)
                .map(|(meta, outcome)| FileNote {
                    name: meta.name.clone(),
                    kind: meta.kind,
                    outcome,
                })
                .collect(),
        ),
        Err(e) => failed(path, "recording the entry report", &e),
    };
    Ok((plan, note))
}

/// Records a refile file the workbench handed out as uploaded, with its bytes, when the user
/// says it was (a POST): its entries are pending from then on. `shown` is how the ledger will
/// name it.
pub fn mark_uploaded(
    state: &crate::AppState,
    path: &Path,
    shown: &str,
    bytes: &[u8],
    entries: &[EntryNumber],
) -> Result<capekit_ledger::MarkOutcome, LedgerError> {
    let meta = FileMeta::of_bytes(shown, FileKind::Declaration, bytes);
    write(&state.writes, path, state.ledger_busy_timeout, |l| {
        l.mark_uploaded_file(&meta, bytes, entries, None, None)
    })
}
