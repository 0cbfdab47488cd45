//! `POST /upload`: the files dropped on the start page, each recognised by its content.
//!
//! A file is a Claim Details or Validation Result File when the claim reader can map its columns,
//! an entry report (ES-003, or an entry list with entry data) when the entry reader finds an entry
//! number column and at least one other column it knows, and a declaration when it is an
//! `Entry Number` column; anything else is refused with a page that says what the file is and
//! what capekit reads. Claim files make one triage (with the declaration, when one is among them,
//! for reconciliation, and entry reports, which refine the advice with dates); entry reports alone
//! make a plan; a declaration alone is checked.
//!
//! With a ledger, a triage and a plan are recorded as `capekit triage` records them (see
//! [`crate::ledger`]).

use std::sync::Arc;

use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use capekit_core::check::{Content, DeclarationInput};
use capekit_core::triage::{TriageInput, triage};
use capekit_io::claims::{ClaimFile, ClaimFileError};
use capekit_io::declaration::declared_entries;
use capekit_io::entries::EntryDataSet;
use capekit_io::plan_out::PlanOptions;
use capekit_io::recognize::Recognized;
use capekit_io::refunds::RefundFile;
use capekit_ledger::{FileMeta, Ledger};

use super::{FilePart, as_of, read_form};
use crate::AppState;
use crate::error::AppError;
use crate::ledger::{self, LedgerNote};
use crate::session::{
    CheckSession, Corrected, FileKind, PlanSession, Session, SessionId, TriageSession,
    UploadedFile, save_upload,
};

/// What capekit reads, said once for every refusal page.
pub const ACCEPTS: &[&str] = &[
    "Claim Details, downloaded from ACE Portal > CAPE > Claim Status (CSV or Excel)",
    "Validation Result Files, from ACE Portal > CAPE > File Uploads (CSV or Excel)",
    "ES-003 \"Entry Summary Line Tariff Details\" reports from ACE Reports (CSV or Excel), or a list of entries with some of their columns (`Entry Summary Number` with `Importer Number`, `Liquidation Date`...), to plan which entries to declare",
    "a declaration: the `Entry Number` file you uploaded to CAPE (CSV or Excel), to check it, or together with its claim files to find entries missing from every claim",
    "ACE refund reports (ES-022 CAPE Entry Summary, REV-603 Trade Refund, REV-613 ACH Rejected Refunds, REV-615 CAPE Details Refunds; CSV or Excel), recorded in the ledger for the Refunds page",
];

/// What one uploaded file was read as.
#[derive(Debug)]
enum Read {
    Claim(ClaimFile),
    Entries(EntryDataSet),
    Declaration(DeclarationInput),
    Refunds(RefundFile),
    Unknown(String),
}

/// What a dropped file is, by the recognizer `capekit ledger import` uses.
fn classify(name: &str, bytes: &[u8]) -> Read {
    match capekit_io::recognize::recognize(name, bytes) {
        Ok(Recognized::Refunds(f)) => Read::Refunds(f),
        Ok(Recognized::Claim(f)) => Read::Claim(f),
        // An entry report names other columns beside the entry number (even when no row could
        // be read: the plan page lists why); a list of entry numbers under another header is
        // planned too.
        Ok(Recognized::EntryData(set) | Recognized::EntryList(set)) => Read::Entries(set),
        Ok(Recognized::Declaration(input)) => Read::Declaration(input),
        Ok(Recognized::Unknown(u)) if u.is_capekit_output() => {
            Read::Unknown(format!("{}.", u.claim))
        }
        Ok(Recognized::Unknown(u)) => Read::Unknown(describe_unknown(&u.input, &u.claim)),
        Err(e) => Read::Unknown(format!("{e}.")),
    }
}

/// What an unrecognised file is, in a sentence.
fn describe_unknown(input: &DeclarationInput, claim_err: &ClaimFileError) -> String {
    if input.size == 0 {
        return "The file is empty (0 bytes).".to_owned();
    }
    match input.content {
        Content::Text | Content::Utf16 | Content::Xlsx | Content::Xls => {}
        other => {
            return format!(
                "This file is {}, not a CSV or Excel file.",
                other.describe()
            );
        }
    }
    match claim_err {
        ClaimFileError::Columns { found, .. } => format!(
            "This is a table, but its columns ({found}) are not those of a Claim Details, a Validation Result File or an ES-003 entry report, and its first column does not hold entry numbers."
        ),
        ClaimFileError::Empty { .. } => "The file has no rows.".to_owned(),
        other => format!("The file could not be read as a table: {other}."),
    }
}

/// `POST /upload`.
pub async fn upload(
    State(state): State<AppState>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let form = read_form(&mut multipart).await?;
    let as_of = as_of(&form, &state)?;
    let filer = super::filer_code(form.text("filer"), "/")?;
    if form.files.is_empty() {
        return Err(AppError::bad_request(
            "No file was chosen",
            "Choose one or more files (or drag them onto the box) and press the button again.",
        )
        .with_back("/", "Back to the start page"));
    }
    let id = SessionId::generate().map_err(|e| AppError::internal("making a session id", e))?;
    let target = tokio::task::spawn_blocking(move || {
        ingest(&state, &id, form.files, &Options { as_of, filer })
    })
    .await??;
    Ok(Redirect::to(&target).into_response())
}

/// The upload's options.
struct Options {
    as_of: jiff::civil::Date,
    filer: Option<capekit_core::FilerCode>,
}

/// Reads the files, saves them, and stores the session; returns the page to go to.
fn ingest(
    state: &AppState,
    id: &SessionId,
    files: Vec<FilePart>,
    options: &Options,
) -> Result<String, AppError> {
    let read: Vec<(FilePart, Read)> = files
        .into_iter()
        .map(|f| {
            let r = classify(&f.name, &f.bytes);
            (f, r)
        })
        .collect();

    let unknown: Vec<(&str, &str)> = read
        .iter()
        .filter_map(|(f, r)| match r {
            Read::Unknown(what) => Some((f.name.as_str(), what.as_str())),
            _ => None,
        })
        .collect();
    if !unknown.is_empty() {
        return Err(refuse(&unknown, read.len()));
    }

    let count = |f: fn(&Read) -> bool| read.iter().filter(|(_, r)| f(r)).count();
    let refunds = count(|r| matches!(r, Read::Refunds(_)));
    if refunds > 0 {
        if refunds < read.len() {
            return Err(AppError::unusable_file(
                "Refund reports with other files",
                "Refund reports (ES-022, REV-603, REV-613, REV-615) are recorded in the ledger and shown on the Refunds page; Claim Details and ES-003 exports make a triage or a plan. Upload the refund reports on their own.",
            )
            .with_back("/", "Back to the start page"));
        }
        return record_refunds(state, read);
    }
    let claims = count(|r| matches!(r, Read::Claim(_)));
    let reports = count(|r| matches!(r, Read::Entries(_)));
    let declarations = count(|r| matches!(r, Read::Declaration(_)));
    if claims == 0 && reports > 0 && declarations > 0 {
        return Err(AppError::unusable_file(
            "An entry report and a declaration",
            "An entry report (ES-003) makes a plan of what to declare; a declaration alone is checked before upload. Upload them one at a time, or upload the declaration with the Claim Details of its claim.",
        )
        .with_back("/", "Back to the start page"));
    }
    if claims == 0 && reports == 0 && declarations > 1 {
        return Err(AppError::unusable_file(
            "Several declarations and no claim file",
            "capekit checks one declaration at a time. Upload them one by one, or upload a declaration together with the Claim Details of its claim.",
        )
        .with_back("/", "Back to the start page"));
    }
    if declarations > 1 {
        return Err(AppError::unusable_file(
            "More than one declaration",
            "A triage compares the claim files with the one declaration they answer. Upload the claim files with at most one declaration.",
        )
        .with_back("/", "Back to the start page"));
    }

    let mut saved = Vec::with_capacity(read.len());
    for (index, (part, r)) in read.into_iter().enumerate() {
        let stored = save_upload(&state.upload_dir, id, index + 1, &part.bytes).map_err(|e| {
            AppError::internal(
                format!("saving the upload in {}", state.upload_dir.display()),
                e,
            )
        })?;
        let kind = match &r {
            Read::Claim(f) => FileKind::from(f.kind),
            Read::Entries(_) => FileKind::EntryData,
            Read::Refunds(_) => FileKind::RefundReport,
            // An unknown file was refused above, before anything was saved.
            Read::Declaration(_) | Read::Unknown(_) => FileKind::Declaration,
        };
        let file = UploadedFile {
            name: part.name.clone(),
            stored,
            size: part.bytes.len(),
            kind,
        };
        saved.push((file, part.bytes, r));
    }

    if claims > 0 {
        let session = triage_session(state, saved, options.as_of, &id.to_string())?;
        keep(state, id, Session::Triage(Arc::new(session)));
        return Ok(format!("/triage/{id}"));
    }
    if reports > 0 {
        let session = plan_session(state, saved, options)?;
        keep(state, id, Session::Plan(Arc::new(session)));
        return Ok(format!("/plan/{id}"));
    }
    // One declaration alone: check it.
    let Some((file, bytes, Read::Declaration(input))) = saved.into_iter().next() else {
        return Err(AppError::internal(
            "reading the upload",
            "no file was left to check",
        ));
    };
    let session = check_session(state, file, bytes, input, options.filer);
    keep(state, id, Session::Check(Arc::new(session)));
    Ok(format!("/check/{id}"))
}

/// Keeps a session made now: in memory, and its record beside its saved files, so that a
/// restarted server opens it again (see `persist.rs`).
pub fn keep(state: &AppState, id: &SessionId, session: Session) {
    crate::persist::save_or_warn(&state.upload_dir, id, &session);
    state.sessions.insert(id.clone(), session);
}

/// The session of upload `id` read again from its saved files after a restart, read-only: the
/// job runs as the upload ran it, with what the ledger knows now, and records nothing.
/// `Ok(None)` when the upload folder holds no record of `id`.
pub fn reopen(state: &AppState, id: &SessionId) -> Result<Option<Session>, AppError> {
    use crate::persist::{Job, ReopenError};
    let saved = match crate::persist::read(&state.upload_dir, id) {
        Ok(Some(saved)) => saved,
        Ok(None) => return Ok(None),
        Err(ReopenError::Gone(names)) => return Err(AppError::files_gone(&names)),
        Err(ReopenError::Unreadable(why)) => {
            return Err(AppError::internal("reading a saved upload again", why));
        }
    };
    let m = saved.manifest;
    let as_of = m.as_of.unwrap_or_else(|| state.today());
    let now = jiff::Timestamp::now();
    let session = match m.job {
        Job::Triage => {
            let mut t = reopen_triage(state, id, saved.files, as_of, m.corrected);
            t.created = m.created;
            t.reopened = Some(now);
            Session::Triage(Arc::new(t))
        }
        Job::Plan => {
            let (files, sets) = entry_sets(saved.files);
            let options = PlanOptions {
                as_of,
                filer: saved_filer(m.filer.as_deref()),
                ..PlanOptions::default()
            };
            let (plan, note) = ledger::plan_read_only(state, sets, &options);
            let mut p = PlanSession::new(files, plan, note);
            p.created = m.created;
            p.reopened = Some(now);
            Session::Plan(Arc::new(p))
        }
        Job::Check => {
            let Some((file, bytes)) = saved.files.into_iter().next() else {
                return Err(AppError::internal(
                    "reading a saved upload again",
                    "its record names no file",
                ));
            };
            let input = capekit_io::declaration::parse_declaration(&file.name, &bytes);
            let mut c = check_session(state, file, bytes, input, saved_filer(m.filer.as_deref()));
            c.created = m.created;
            c.reopened = Some(now);
            Session::Check(Arc::new(c))
        }
    };
    Ok(Some(session))
}

/// The entry reports of a saved plan, read again.
fn entry_sets(saved: Vec<(UploadedFile, Vec<u8>)>) -> (Vec<UploadedFile>, Vec<EntryDataSet>) {
    let mut files = Vec::with_capacity(saved.len());
    let mut sets = Vec::with_capacity(saved.len());
    for (file, bytes) in saved {
        if let Read::Entries(set) = classify(&file.name, &bytes) {
            sets.push(set);
        }
        files.push(file);
    }
    (files, sets)
}

/// A saved triage read again: its files, the corrected list given on its rebuild page (pasted
/// text first, then a file, as the page reads them), the triage, and the ledger asked (never
/// told) what it knows now, setting aside this upload's own drafts as the upload did.
fn reopen_triage(
    state: &AppState,
    id: &SessionId,
    saved: Vec<(UploadedFile, Vec<u8>)>,
    as_of: jiff::civil::Date,
    corrected_text: Option<String>,
) -> TriageSession {
    let mut lists = Vec::new();
    let mut claim_files = Vec::with_capacity(saved.len());
    for (file, bytes) in saved {
        if file.kind == FileKind::CorrectedList {
            lists.push((file, bytes));
        } else {
            let r = classify(&file.name, &bytes);
            claim_files.push((file, bytes, r));
        }
    }
    let TriageRead {
        mut input,
        diagnostics,
        mut files,
        ..
    } = read_triage(claim_files);
    let corrected = corrected_text.map(|text| {
        let mut c = Corrected {
            entries: Vec::new(),
            diagnostics: Vec::new(),
            text,
        };
        let mut add = |name: &str, bytes: &[u8]| {
            if let Ok((e, d)) = capekit_io::claims::parse_entry_list(name, bytes) {
                c.entries.extend(e);
                c.diagnostics.extend(d);
            }
        };
        if !c.text.trim().is_empty() {
            let text = c.text.clone();
            add("pasted list", text.as_bytes());
        }
        for (file, bytes) in &lists {
            add(&file.name, bytes);
        }
        c
    });
    files.extend(lists.into_iter().map(|(f, _)| f));
    if let Some(c) = &corrected {
        input.corrected.clone_from(&c.entries);
    }
    let mut report = triage(&input, as_of);
    let (note, drafts) = match &state.ledger {
        None => (LedgerNote::Off, Vec::new()),
        Some(path) => match ledger::guard_read_only(path, &id.to_string(), &mut input, &mut report)
        {
            Ok(drafts) => (LedgerNote::Recorded(Vec::new()), drafts),
            Err(e) => (
                ledger::failed(path, "reading what it knows of this upload", &e),
                Vec::new(),
            ),
        },
    };
    let mut session = TriageSession::new(files, input, report, diagnostics, note, drafts);
    session.corrected = corrected;
    session
}

/// Records refund reports in the ledger (the same bytes again change nothing); the Refunds page
/// then shows where each importer's refunds stand.
fn record_refunds(state: &AppState, read: Vec<(FilePart, Read)>) -> Result<String, AppError> {
    let Some(path) = &state.ledger else {
        return Err(AppError::bad_request(
            "The ledger is off",
            "Refund reports are recorded in the ledger, and the workbench runs with --no-ledger: start capekit without --no-ledger to read them here. (On the command line, `capekit refunds FILE...` reads them too.)",
        )
        .with_back("/", "Back to the start page"));
    };
    let files: Vec<(FileMeta, RefundFile)> = read
        .into_iter()
        .filter_map(|(part, r)| match r {
            Read::Refunds(f) => Some((
                FileMeta::of_bytes(&part.name, FileKind::RefundReport, &part.bytes),
                f,
            )),
            _ => None,
        })
        .collect();
    // The step `capekit ledger import` records refund reports with.
    match ledger::write(&state.writes, path, state.ledger_busy_timeout, |l| {
        capekit_app::import::record_refunds(l, &files)
    }) {
        Ok(_) => Ok("/refunds".to_owned()),
        Err(e) if e.is_busy() => Err(AppError::ledger_busy(path, &e)),
        Err(e) => Err(AppError::bad_request(
            "The refund reports could not be recorded",
            e.to_string(),
        )),
    }
}

/// The ledger's identity of an uploaded file.
fn meta(file: &UploadedFile, bytes: &[u8]) -> FileMeta {
    // A corrected list is an entry list: never recorded as one of its own.
    let kind = match file.kind {
        FileKind::CorrectedList => FileKind::Declaration,
        other => other,
    };
    FileMeta::of_bytes(&file.name, kind, bytes)
}

/// What the files of a triage read as, before the triage runs.
struct TriageRead {
    input: TriageInput,
    diagnostics: Vec<capekit_core::Diagnostic>,
    claim_metas: Vec<FileMeta>,
    declaration_meta: Option<FileMeta>,
    /// The entry reports given with the claim files, as read: kept in the ledger as
    /// `capekit triage --entries` keeps them.
    entry_reports: Vec<(FileMeta, Vec<capekit_core::path::EntryData>)>,
    files: Vec<UploadedFile>,
}

/// Adds each file of a triage to its input: claim rows, the declaration, entry data (the first
/// file that lists an entry wins, as in `capekit triage --entries`).
fn read_triage(saved: Vec<(UploadedFile, Vec<u8>, Read)>) -> TriageRead {
    let mut given = capekit_app::triage::Files::default();
    let mut claim_metas = Vec::new();
    let mut declaration_meta = None;
    let mut reports = Vec::new();
    let mut entry_metas = Vec::new();
    let mut files = Vec::with_capacity(saved.len());
    for (file, bytes, r) in saved {
        match r {
            Read::Claim(f) => {
                claim_metas.push(meta(&file, &bytes));
                given.claims.push(f);
            }
            Read::Declaration(d) => {
                declaration_meta = Some(meta(&file, &bytes));
                given.declaration = Some(declared_entries(&d));
            }
            Read::Entries(set) => {
                // Dated as `capekit triage --entries` dates it: by the run date of its title row
                // (an upload has no file date to fall back on).
                entry_metas.push(meta(&file, &bytes).dated(set.run_date));
                reports.push(set.entries.clone());
                given.entry_reports.push(set);
            }
            // Refund reports are recorded before any triage (see `ingest`).
            Read::Refunds(_) | Read::Unknown(_) => {}
        }
        files.push(file);
    }
    let capekit_app::triage::Read {
        input, diagnostics, ..
    } = capekit_app::triage::read(given);
    TriageRead {
        input,
        diagnostics,
        claim_metas,
        declaration_meta,
        entry_reports: entry_metas.into_iter().zip(reports).collect(),
        files,
    }
}

/// The triage of claim files, with the declaration and entry reports among them; recorded in
/// the ledger when there is one.
fn triage_session(
    state: &AppState,
    saved: Vec<(UploadedFile, Vec<u8>, Read)>,
    as_of: jiff::civil::Date,
    session: &str,
) -> Result<TriageSession, AppError> {
    // An entry report among claim files is refused without ES-003 columns, as `capekit triage
    // --entries` refuses it: kept as entry data, it would tell no entry's dates.
    for (file, _, r) in &saved {
        if let Read::Entries(set) = r {
            capekit_app::triage::refuse_entry_report_without_data(
                &file.name,
                set,
                "with the claim files",
            )
            .map_err(|why| {
                forget(&saved.iter().map(|(f, _, _)| f.clone()).collect::<Vec<_>>());
                AppError::unusable_file("An entry list without entry data", why)
                    .with_back("/", "Back to the start page")
            })?;
        }
    }
    let TriageRead {
        mut input,
        diagnostics,
        claim_metas,
        declaration_meta,
        entry_reports,
        files,
    } = read_triage(saved);
    let mut report = triage(&input, as_of);
    let (note, drafts) = match &state.ledger {
        None => (LedgerNote::Off, Vec::new()),
        Some(path) => {
            let declared = declaration_meta.as_ref().zip(input.declaration.clone());
            // The entry data given with the claim files is kept as `capekit triage --entries`
            // keeps it (a later refile, plan or refund reconciliation reads its dates and duty).
            let facts: Vec<(FileMeta, Vec<capekit_ledger::EntryFacts>)> = entry_reports
                .iter()
                .map(|(m, _)| m.clone())
                .zip(capekit_app::plan::entry_facts(
                    entry_reports.iter().map(|(_, e)| e.as_slice()),
                    as_of,
                ))
                .collect();
            let given = capekit_app::triage::Given {
                declaration: declared.as_ref().map(|(m, e)| (*m, e.as_slice())),
                claims: &claim_metas,
                entry_reports: &facts,
            };
            let recorded = ledger::write(&state.writes, path, state.ledger_busy_timeout, |l| {
                ledger::record_triage(l, &given, &mut input, &mut report, session)
            });
            match recorded {
                Ok(r) => (LedgerNote::Recorded(r.notes), r.drafts),
                Err(e) if e.is_busy() => {
                    forget(&files);
                    return Err(AppError::ledger_busy(path, &e));
                }
                Err(e) => (ledger::failed(path, "recording the triage", &e), Vec::new()),
            }
        }
    };
    Ok(TriageSession::new(
        files,
        input,
        report,
        diagnostics,
        note,
        drafts,
    ))
}

/// The filer code a saved upload's record holds: it was checked when the upload was made, so a
/// value that no longer reads as one (a record edited by hand) is dropped.
fn saved_filer(value: Option<&str>) -> Option<capekit_core::FilerCode> {
    value.and_then(|f| capekit_core::FilerCode::parse(f).ok())
}

/// Removes the saved files of an upload that keeps no session (the ledger was too busy to
/// record it), so that the upload folder holds only files a session shows.
fn forget(files: &[UploadedFile]) {
    for f in files {
        // Best effort: a file left behind is only a stray upload under a generated name.
        let _ = std::fs::remove_file(&f.stored);
    }
}

/// The plan of entry reports, as `capekit plan` builds it, guarded and recorded by the ledger
/// when there is one.
fn plan_session(
    state: &AppState,
    saved: Vec<(UploadedFile, Vec<u8>, Read)>,
    options: &Options,
) -> Result<PlanSession, AppError> {
    let mut files = Vec::with_capacity(saved.len());
    let mut metas = Vec::with_capacity(saved.len());
    let mut sets = Vec::with_capacity(saved.len());
    for (file, bytes, r) in saved {
        if let Read::Entries(set) = r {
            metas.push(meta(&file, &bytes));
            sets.push(set);
        }
        files.push(file);
    }
    let planned = ledger::plan_with_ledger(
        state,
        metas,
        sets,
        &PlanOptions {
            as_of: options.as_of,
            filer: options.filer,
            ..PlanOptions::default()
        },
    );
    let (plan, note) = planned.inspect_err(|_| forget(&files))?;
    Ok(PlanSession::new(files, plan, note))
}

/// Checks a declaration and plans its fix, with the ledger's knowledge as `capekit check` and
/// `capekit fix` use it: an entry accepted on an earlier claim is an error (F023) and left out of
/// the corrected file, one still pending is a warning (F024). Nothing is recorded: a checked file
/// may never be uploaded.
pub fn check_session(
    state: &AppState,
    file: UploadedFile,
    bytes: Vec<u8>,
    input: DeclarationInput,
    filer: Option<capekit_core::FilerCode>,
) -> CheckSession {
    // The job `capekit check` runs: the same findings, the same corrected file.
    let (checked, ledger) = match &state.ledger {
        None => (
            capekit_app::check::check_alone(&input, filer),
            LedgerNote::Off,
        ),
        Some(path) => match Ledger::open(path)
            .and_then(|l| capekit_app::check::check_declaration(&l, &input, &bytes, filer))
        {
            Ok(checked) => (checked, LedgerNote::Recorded(Vec::new())),
            Err(e) => (
                capekit_app::check::check_alone(&input, filer),
                ledger::failed(path, "reading what it knows of these entries", &e),
            ),
        },
    };
    let capekit_app::check::Checked { report, plan, .. } = checked;
    CheckSession {
        created: jiff::Timestamp::now(),
        file,
        bytes,
        input,
        filer,
        report,
        plan,
        ledger,
        reopened: None,
    }
}

/// The page refusing files capekit does not read.
fn refuse(unknown: &[(&str, &str)], total: usize) -> AppError {
    let err = match unknown {
        [(name, what)] => {
            let err = AppError::unusable_file(format!("capekit cannot use {name}"), *what);
            if total > 1 {
                err.with_detail("Nothing was read: remove this file and upload the others again.")
            } else {
                err
            }
        }
        _ => {
            let items: Vec<String> = unknown
                .iter()
                .map(|(name, what)| format!("{name}: {what}"))
                .collect();
            let items: Vec<&str> = items.iter().map(String::as_str).collect();
            AppError::unusable_file(
                format!("capekit cannot use {} of these files", unknown.len()),
                "Nothing was read. Remove the files below and upload the others again.",
            )
            .with_list("Files capekit cannot use", &items)
        }
    };
    err.with_list("What capekit reads", ACCEPTS)
        .with_detail("A PDF or a printout of a claim cannot be read: download the Claim Details again from ACE as CSV or Excel.")
        .with_back("/", "Choose other files")
}
