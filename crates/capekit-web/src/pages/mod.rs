//! The pages, one module each, and what they share: reading a multipart form, looking up a
//! session, sending a file as a download.

pub mod check;
pub mod declarations;
pub mod entry;
pub mod home;
pub mod plan;
pub mod rebuild;
pub mod refunds;
pub mod rules;
pub mod triage;
pub mod upload;

use std::collections::HashMap;

use axum::extract::Multipart;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::ledger::LedgerNote;
use crate::security::no_store;
use crate::session::{SessionId, Sessions, display_name};

/// A text field longer than this is refused (the pasted corrected list is the longest: 9,999
/// entries of 13 characters fit easily).
const MAX_TEXT_FIELD: usize = 2 * 1024 * 1024;

/// One file of a multipart form.
#[derive(Debug)]
pub struct FilePart {
    /// The browser's file name, reduced for display.
    pub name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// A multipart form read whole (its size is bounded by the body limit).
#[derive(Debug, Default)]
pub struct Form {
    /// Files chosen; empty file inputs are left out.
    pub files: Vec<FilePart>,
    /// Text fields.
    pub fields: HashMap<String, String>,
}

impl Form {
    /// A text field, trimmed; `None` when absent or blank.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.fields
            .get(name)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }
}

/// Reads every part of a multipart form.
pub async fn read_form(multipart: &mut Multipart) -> Result<Form, AppError> {
    let mut form = Form::default();
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or("").to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await?;
        match file_name {
            // An empty file input sends a part with an empty name and no bytes.
            Some(f) if f.is_empty() && bytes.is_empty() => {}
            Some(f) => form.files.push(FilePart {
                name: display_name(Some(&f)),
                bytes: bytes.to_vec(),
            }),
            None => {
                if bytes.len() > MAX_TEXT_FIELD {
                    return Err(AppError::too_large());
                }
                let text = String::from_utf8_lossy(&bytes).into_owned();
                form.fields.insert(name, text);
            }
        }
    }
    Ok(form)
}

/// The session id of a URL, or the page saying it is unknown.
pub fn session_id(raw: &str) -> Result<SessionId, AppError> {
    SessionId::parse(raw).ok_or_else(unknown_session)
}

/// The page for the session `id` when it is not in memory: removed to free memory (410, saying
/// so), or never known to this server run.
pub fn missing_session(sessions: &Sessions, id: &SessionId) -> AppError {
    if sessions.evicted(id) {
        AppError::evicted()
    } else {
        unknown_session()
    }
}

/// The page for a session that is not (or no longer) in memory.
pub fn unknown_session() -> AppError {
    AppError::not_found(
        "This upload is no longer open",
        "capekit keeps uploads only while it runs, and forgets the oldest after a while. Upload the files again to see their results.",
    )
    .with_back("/", "Upload files")
}

/// A file download: `Content-Disposition: attachment`, not cached. `file_name` is the name the
/// browser saves it under ([`capekit_io::names`]: what it is, whose, the date).
pub fn download(file_name: &str, content_type: &'static str, bytes: Vec<u8>) -> Response {
    // Names are made by capekit (`capekit_io::names`: ASCII letters, digits, `-` and `.`),
    // never taken from the client as they are.
    let disposition = format!("attachment; filename=\"{file_name}\"");
    no_store(
        (
            [
                (CONTENT_TYPE, content_type.to_owned()),
                (CONTENT_DISPOSITION, disposition),
            ],
            bytes,
        )
            .into_response(),
    )
}

/// The worklist downloads shared by the triage and plan pages: `worklist.csv` and
/// `worklist.xlsx` of `table`, saved as `csv_name` and `xlsx_name`, or `None` for another file
/// name.
pub fn worklist_download(
    file: &str,
    csv_name: &str,
    xlsx_name: &str,
    table: impl FnOnce() -> capekit_io::sheet::SheetTable,
) -> Option<Result<Response, crate::error::AppError>> {
    use crate::error::AppError;
    match file {
        "worklist.csv" => Some(
            capekit_io::sheet::to_csv(&table())
                .map_err(|e| AppError::internal("writing the worklist CSV", e))
                .map(|bytes| download(csv_name, "text/csv; charset=utf-8", bytes)),
        ),
        "worklist.xlsx" => Some(
            capekit_io::sheet::to_xlsx("Worklist", &table())
                .map_err(|e| AppError::internal("writing the worklist workbook", e))
                .map(|bytes| {
                    download(
                        xlsx_name,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        bytes,
                    )
                }),
        ),
        _ => None,
    }
}

/// The links to the reports per importer of a triage or plan at `base` (`/triage/ID`): each
/// holds one importer's entries only, to send to that importer.
pub fn importer_report_links(base: &str, reports: &[(String, String)]) -> maud::Markup {
    maud::html! {
        @if !reports.is_empty() {
            p #importer-reports {
                "Reports to send, one per importer (only its entries, nothing of this computer): "
                @for (i, (who, name)) in reports.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href={ (base) "/" (name) } download { (who) }
                }
                "."
            }
        }
    }
}

/// A page holding a filer's data: not cached.
pub fn private_page(markup: maud::Markup) -> Response {
    no_store(markup.into_response())
}

/// The fallback for unknown addresses.
pub async fn not_found() -> AppError {
    AppError::not_found(
        "Page not found",
        "There is no page at this address. Start again from the start page.",
    )
}

/// The rules date of an upload: the form's `as_of` (YYYY-MM-DD), else the state's default.
pub fn as_of(form: &Form, state: &crate::AppState) -> Result<jiff::civil::Date, AppError> {
    match form.text("as_of") {
        None => Ok(state.today()),
        Some(s) => s.parse().map_err(|_| {
            AppError::bad_request(
                "The rules date is not a date",
                format!("`{s}` is not a date; write it as YYYY-MM-DD, for example 2026-06-30, or leave the field empty for today."),
            )
        }),
    }
}

/// What the ledger did with an upload, at the top of its page. `guarded` says what the ledger's
/// knowledge kept off this page's declaration files.
pub fn ledger_notice(note: &LedgerNote, guarded: &str) -> maud::Markup {
    maud::html! {
        @match note {
            LedgerNote::Off => {
                div.notice.off #ledger-note {
                    p {
                        b { "The ledger is off" } " (capekit was started with " code { "--no-ledger" } "): this upload is not remembered, "
                        "and the files to download are not checked against your earlier claims and declarations."
                    }
                }
            }
            LedgerNote::Recorded(files) => {
                div.notice.ok #ledger-note {
                    @for f in files { p { (f.sentence()) } }
                    p { (guarded) }
                }
            }
            LedgerNote::Failed(why) => {
                div.notice.bad #ledger-note {
                    p { b { "Not recorded in the ledger. " } (why) }
                    p {
                        "The files to download were not checked against your earlier claims and declarations: before uploading one, "
                        "make sure none of its entries was accepted on an earlier claim or is still waiting on another declaration."
                    }
                }
            }
        }
    }
}
