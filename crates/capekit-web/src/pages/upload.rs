//! `POST /upload`: the files dropped on the start page, each recognised by its content.
//!
//! A file is a Claim Details or Validation Result File when the claim reader can map its columns,
//! and a declaration when it is an `Entry Number` column; anything else is refused with a page
//! that says what the file is and what capekit reads. Several claim files make one triage (with
//! the declaration, when one is among them, for reconciliation); a declaration alone is checked.

use std::sync::Arc;

use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use capekit_core::check::{CheckOptions, Content, DeclarationInput, check};
use capekit_core::fix::plan_fix;
use capekit_io::claims::{ClaimFile, ClaimFileError, ClaimFileKind, parse_claim_file};
use capekit_io::declaration::{declared_entries, looks_like_declaration, parse_declaration};

use super::{FilePart, as_of, read_form};
use crate::AppState;
use crate::error::AppError;
use crate::session::{
    CheckSession, FileKind, Session, SessionId, TriageSession, UploadedFile, save_upload,
};

/// What capekit reads, said once for every refusal page.
pub const ACCEPTS: &[&str] = &[
    "Claim Details, downloaded from ACE Portal > CAPE > Claim Status (CSV or Excel)",
    "Validation Result Files, from ACE Portal > CAPE > File Uploads (CSV or Excel)",
    "a declaration: the `Entry Number` file you uploaded to CAPE (CSV or Excel), to check it, or together with its claim files to find entries missing from every claim",
];

/// What one uploaded file was read as.
#[derive(Debug)]
enum Read {
    Claim(ClaimFile),
    Declaration(DeclarationInput),
    Unknown(String),
}

fn classify(name: &str, bytes: &[u8]) -> Read {
    match parse_claim_file(name, bytes) {
        Ok(f) => Read::Claim(f),
        Err(claim_err) => {
            let input = parse_declaration(name, bytes);
            if looks_like_declaration(&input) {
                Read::Declaration(input)
            } else {
                Read::Unknown(describe_unknown(&input, &claim_err))
            }
        }
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
            "This is a table, but its columns ({found}) are not those of a Claim Details or Validation Result File, and its first column does not hold entry numbers."
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
    if form.files.is_empty() {
        return Err(AppError::bad_request(
            "No file was chosen",
            "Choose one or more files (or drag them onto the box) and press the button again.",
        )
        .with_back("/", "Back to the start page"));
    }
    let id = SessionId::generate().map_err(|e| AppError::internal("making a session id", e))?;
    let target =
        tokio::task::spawn_blocking(move || ingest(&state, &id, form.files, as_of)).await??;
    Ok(Redirect::to(&target).into_response())
}

/// Reads the files, saves them, and stores the session; returns the page to go to.
fn ingest(
    state: &AppState,
    id: &SessionId,
    files: Vec<FilePart>,
    as_of: jiff::civil::Date,
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

    let claims = read
        .iter()
        .filter(|(_, r)| matches!(r, Read::Claim(_)))
        .count();
    let declarations = read.len() - claims;
    if claims == 0 && declarations > 1 {
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

    let mut uploaded = Vec::new();
    let mut rows = Vec::new();
    let mut diagnostics = Vec::new();
    let mut declaration = None;
    for (index, (part, r)) in read.into_iter().enumerate() {
        let stored = save_upload(&state.upload_dir, id, index + 1, &part.bytes).map_err(|e| {
            AppError::internal(
                format!("saving the upload in {}", state.upload_dir.display()),
                e,
            )
        })?;
        let kind = match &r {
            Read::Claim(f) if f.kind == ClaimFileKind::ClaimDetails => FileKind::ClaimDetails,
            Read::Claim(_) => FileKind::ValidationResult,
            _ => FileKind::Declaration,
        };
        let file = UploadedFile {
            name: part.name.clone(),
            stored,
            size: part.bytes.len(),
            kind,
        };
        match r {
            Read::Claim(f) => {
                diagnostics.extend(f.diagnostics);
                rows.extend(f.rows);
            }
            Read::Declaration(input) if claims == 0 => {
                let session = check_session(file, part.bytes, input, None);
                state
                    .sessions
                    .insert(id.clone(), Session::Check(Arc::new(session)));
                return Ok(format!("/check/{id}"));
            }
            Read::Declaration(input) => {
                let (entries, diags) = declared_entries(&input);
                declaration = Some(entries);
                diagnostics.extend(diags);
            }
            Read::Unknown(_) => {}
        }
        uploaded.push(file);
    }
    let session = TriageSession::new(uploaded, rows, declaration, diagnostics, as_of);
    state
        .sessions
        .insert(id.clone(), Session::Triage(Arc::new(session)));
    Ok(format!("/triage/{id}"))
}

/// Checks a declaration and plans its fix.
pub fn check_session(
    file: UploadedFile,
    bytes: Vec<u8>,
    input: DeclarationInput,
    filer: Option<String>,
) -> CheckSession {
    let report = check(
        &input,
        &CheckOptions {
            filer: filer.clone(),
            ..CheckOptions::default()
        },
    );
    let plan = plan_fix(&input, filer.as_deref());
    CheckSession {
        created: jiff::Timestamp::now(),
        file,
        bytes,
        input,
        filer,
        report,
        plan,
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
