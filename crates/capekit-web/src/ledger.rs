//! The ledger behind the pages: what the workbench records, and what it asks before it offers a
//! declaration to download.
//!
//! The calls are those of `capekit triage` (`crates/capekit/src/cmd/ledger/record.rs`, `record_triage`):
//! a triage's files are recorded with `Ledger::import_triage`, then the ledger is asked about the
//! entries of the new declaration, and the triage runs again with what it knows, so that an entry
//! accepted on an earlier claim, or still pending on an earlier declaration, is left off with the
//! reason. The refile a triage makes is recorded as a draft at once, in one reservation of the
//! ledger with the guard's answer (as `capekit triage` records the `refile.csv` it writes), so
//! that no other file offers its entries; its download (a GET) records nothing more. The user
//! says "I uploaded it" with a POST, which marks exactly that draft uploaded, so that its entries
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

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use capekit_app::plan;
use capekit_core::EntryNumber;
use capekit_core::check::MAX_ENTRIES;
use capekit_core::triage::{TriageInput, TriageReport};
use capekit_io::entries::EntryDataSet;
use capekit_io::plan_out::{Plan, PlanOptions, build_plan};
use capekit_io::upload::upload_bytes;
use capekit_ledger::{
    DeclRef, DeclState, Declaration, DeclarationId, DraftPart, Except, FileKind, FileMeta, Holder,
    ImportOutcome, Ledger, LedgerError, Reservation,
};

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
                    FileKind::Declaration | FileKind::Refile | FileKind::CorrectedList => {
                        "entries, pending from now on"
                    }
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
                shown_time(*imported_at)
            ),
        }
    }
}

/// A timestamp as the CLI prints it, in local time with its zone: `2026-11-24 05:00 EST`.
pub fn shown_time(t: jiff::Timestamp) -> String {
    capekit_core::words::shown_time(t)
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

/// The folder the ledger files a workbench triage's drafts under: one per upload, so that a new
/// declaration made from the same upload (its corrected entries) supersedes the upload's earlier
/// draft, as a re-run of `capekit triage` into the same folder does, and nothing else.
pub fn draft_folder(session: &str) -> String {
    capekit_ledger::workbench_folder(session)
}

/// The file name of a workbench draft in the ledger:
/// `workbench-1a2b3c4d/refile-100000241223-2026-12-01.csv`.
pub fn draft_name(session: &str, file: &str) -> String {
    format!("{}/{file}", draft_folder(session))
}

/// What recording a triage did: a note per file, and the draft of each refile part.
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    /// Each file, recorded now or recognised.
    pub notes: Vec<FileNote>,
    /// The declaration each refile part is recorded as (a draft), in part order.
    pub drafts: Vec<DeclarationId>,
}

/// Records a triage (the entry data given, the declaration, then the claim files and their
/// rows), keeps the ledger's knowledge off its refile list, and records the refile as a draft,
/// in one reservation: the steps of `capekit_app::triage` that `capekit triage` runs too, with
/// files given as bytes. `session` names the upload.
pub fn record_triage(
    ledger: &mut Ledger,
    given: &capekit_app::triage::Given<'_>,
    input: &mut TriageInput,
    report: &mut TriageReport,
    session: &str,
) -> Result<Recorded, LedgerError> {
    // One reservation for all of it: a write that found the ledger busy is tried again from the
    // start (see [`write`]), and finds nothing half recorded.
    let reservation = ledger.reserve()?;
    let import = capekit_app::triage::record(&reservation, given, report)?;
    capekit_app::triage::guard_recorded(
        reservation.ledger(),
        &import,
        input,
        report,
        &Except::drafts_in(draft_folder(session)),
    )?;
    let drafts = record_refile_drafts(&reservation, session, report)?;
    reservation.commit()?;
    // What the ledger did with older claims and failed uploads is said at the top of the page,
    // with the report's own warnings.
    report.warnings.extend(capekit_app::triage::advice(&import));
    let mut notes = Vec::with_capacity(given.claims.len() + 1);
    if let (Some((meta, _)), Some(outcome)) = (given.declaration, import.declaration) {
        notes.push(FileNote {
            name: meta.name.clone(),
            kind: meta.kind,
            outcome,
        });
    }
    for (meta, f) in given.claims.iter().zip(import.files) {
        notes.push(FileNote {
            name: f.name,
            kind: meta.kind,
            outcome: f.outcome,
        });
    }
    Ok(Recorded { notes, drafts })
}

/// Keeps the ledger's knowledge off a triage's refile list and records the refile (its parts, as
/// the downloads hand them out) as drafts of the upload `session`, inside `reservation`, as
/// `capekit refile` does: no other run can reserve the same entries in between, and the
/// upload's earlier draft (a new declaration made from its corrected entries) is superseded.
/// The drafts, in part order; the caller commits.
pub fn reserve_refile(
    reservation: &Reservation<'_>,
    session: &str,
    input: &mut TriageInput,
    report: &mut TriageReport,
) -> Result<Vec<DeclarationId>, LedgerError> {
    capekit_app::triage::guard(
        reservation.ledger(),
        input,
        report,
        &Except::drafts_in(draft_folder(session)),
    )?;
    record_refile_drafts(reservation, session, report)
}

/// Records the refile of `report` (its parts, as the downloads hand them out) as drafts of the
/// upload `session`, inside `reservation`; the upload's earlier drafts are superseded.
fn record_refile_drafts(
    reservation: &Reservation<'_>,
    session: &str,
    report: &TriageReport,
) -> Result<Vec<DeclarationId>, LedgerError> {
    let folder = draft_folder(session);
    // Recorded under the names the downloads give the files, so that `ledger declarations`
    // names the file the user has.
    let names = draft_names(report);
    let parts: Vec<(String, Vec<u8>, &[EntryNumber])> = names
        .iter()
        .zip(report.refile.entries.chunks(MAX_ENTRIES))
        .map(|(name, chunk)| (draft_name(session, name), upload_bytes(chunk), chunk))
        .collect();
    let drafts: Vec<DraftPart<'_>> = parts
        .iter()
        .map(|(path, bytes, entries)| DraftPart {
            path,
            bytes,
            entries,
        })
        .collect();
    Ok(reservation.record_drafts(&folder, &drafts)?.declarations)
}

/// Builds the plan of entry reports with the job `capekit plan` runs (`capekit_app::plan`): the
/// ledger is asked first what it knows of every entry read (an entry accepted on a claim, or
/// still pending, stays off the declarations, saying why), then each file's entry data is
/// recorded (importer, type, liquidation, path and deadlines of the entries the plan took from
/// it, dated by the run date its title row states), in one transaction.
///
/// `files` are the identities of the files read, in the order of `sets`. Without a ledger (`None`)
/// the plan is built alone. A ledger that fails is said on the page; the plan is built without
/// its knowledge then.
///
/// Err is the 503 page of a ledger that stayed busy: nothing was recorded, and the upload should
/// be sent again.
pub fn plan_with_ledger(
    state: &crate::AppState,
    files: Vec<FileMeta>,
    sets: Vec<EntryDataSet>,
    options: &PlanOptions,
) -> Result<(Plan, LedgerNote), crate::AppError> {
    let Some(path) = state.ledger.as_deref() else {
        return Ok((build_plan(sets, options), LedgerNote::Off));
    };
    let mut asked = options.clone();
    let known = match Ledger::open(path).and_then(|l| plan::ask(&l, &sets, None, &mut asked)) {
        Ok(known) => known,
        Err(e) => {
            return Ok((
                build_plan(sets, options),
                failed(path, "reading what it knows of these entries", &e),
            ));
        }
    };
    let plan::Planned { plan, mut facts } = plan::decide(sets, &asked, &known, true);
    let reports = facts.reports(files);
    let recorded = write(&state.writes, path, state.ledger_busy_timeout, |l| {
        plan::record(l, &reports, None)
    });
    let note = match recorded {
        Err(e) if e.is_busy() => return Err(crate::AppError::ledger_busy(path, &e)),
        Ok(outcomes) => LedgerNote::Recorded(
            reports
                .iter()
                .zip(outcomes)
                .map(|((meta, _), outcome)| FileNote {
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

/// The plan of a saved upload read again after a restart: built with what the ledger knows now,
/// recording nothing (the upload recorded its entry data when it was made).
pub fn plan_read_only(
    state: &crate::AppState,
    sets: Vec<EntryDataSet>,
    options: &PlanOptions,
) -> (Plan, LedgerNote) {
    let Some(path) = state.ledger.as_deref() else {
        return (build_plan(sets, options), LedgerNote::Off);
    };
    let mut asked = options.clone();
    match Ledger::open(path).and_then(|l| plan::ask(&l, &sets, None, &mut asked)) {
        Ok(known) => (
            plan::decide(sets, &asked, &known, false).plan,
            LedgerNote::Recorded(Vec::new()),
        ),
        Err(e) => (
            build_plan(sets, options),
            failed(path, "reading what it knows of these entries", &e),
        ),
    }
}

/// The ledger's guard of a saved triage read again after a restart, read-only: the entries it
/// knows as accepted on another claim or held by another declaration are kept off the refile
/// list, this upload's own drafts set aside (as when it was made). The drafts of the upload
/// `session` still waiting to be uploaded, in part order, when every part of the refile has one
/// (else none, and the "I uploaded" button asks for the upload again).
pub fn guard_read_only(
    path: &Path,
    session: &str,
    input: &mut TriageInput,
    report: &mut TriageReport,
) -> Result<Vec<DeclarationId>, LedgerError> {
    let l = Ledger::open(path)?;
    capekit_app::triage::guard(&l, input, report, &Except::drafts_in(draft_folder(session)))?;
    // The names the drafts were recorded under: those the downloads give the files.
    let names = draft_names(report);
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let all = l.declarations()?;
    let drafts: Vec<DeclarationId> = names
        .iter()
        .filter_map(|n| {
            let name = draft_name(session, n);
            all.iter()
                .filter(|d| d.name == name && d.state == DeclState::Draft)
                .map(|d| d.id)
                .max_by_key(|id| id.0)
        })
        .collect();
    Ok(if drafts.len() == names.len() {
        drafts
    } else {
        Vec::new()
    })
}

/// What "I uploaded it" did to the draft of a refile part.
#[derive(Debug)]
pub enum UploadMark {
    /// Marked uploaded (or it was already): what marking did, and the entries of the draft the
    /// ledger knows as accepted on a claim, which CBP will reject.
    Marked(capekit_app::uploaded::Uploaded),
    /// A claim answered it already: CBP processed it, so it is not marked uploaded again.
    Answered(Box<Declaration>),
    /// The draft is no longer one to upload: superseded or discarded, or failed, and newer
    /// declarations hold its entries now (which are returned).
    Stale(Box<Declaration>, Vec<Holder>),
}

/// Marks the draft `id` (the one a triage's refile part was recorded as) uploaded, when the user
/// says it was (a POST), as `capekit ledger uploaded` marks it ([`capekit_app::uploaded`]): its
/// entries are pending from then on. Exactly that declaration, never another with the same
/// bytes. One a claim answered is not marked (CBP processed it); one superseded, discarded or
/// failed is marked as the ledger allows, unless newer declarations hold its entries now, which
/// are returned to say so.
pub fn mark_uploaded(
    state: &crate::AppState,
    path: &Path,
    id: DeclarationId,
) -> Result<UploadMark, LedgerError> {
    write(&state.writes, path, state.ledger_busy_timeout, |l| {
        let Some(d) = l.find_declaration(&DeclRef::Id(id))? else {
            return Err(LedgerError::Refused(format!(
                "declaration #{id} is not in the ledger {} - upload the claim files again",
                path.display()
            )));
        };
        match d.state {
            DeclState::Answered => return Ok(UploadMark::Answered(Box::new(d))),
            // The ledger refuses these while newer declarations hold their entries: the page
            // names those.
            DeclState::Discarded | DeclState::Failed => {
                let holders = l.holders_elsewhere(id)?;
                if !holders.is_empty() {
                    return Ok(UploadMark::Stale(Box::new(d), holders));
                }
            }
            DeclState::Draft | DeclState::Uploaded => {}
        }
        crate::team::check_signed_off(l, state.team.is_some(), id)?;
        capekit_app::uploaded::declaration(l, id, None, None).map(UploadMark::Marked)
    })
}

/// The names of a triage's refile parts, as its page offers them for download
/// (`pages::triage::download_names`; the importers name no refile part).
fn draft_names(report: &capekit_core::triage::TriageReport) -> Vec<String> {
    capekit_io::triage_out::triage_names(report, &capekit_io::triage_out::Importers::new()).refile
}
