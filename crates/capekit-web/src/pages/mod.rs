//! The pages, one module each, and what they share: reading a multipart form, looking up a
//! session, sending a file as a download.

pub mod check;
pub mod declarations;
pub mod entry;
pub mod find;
pub mod home;
pub mod plan;
pub mod rebuild;
pub mod refunds;
pub mod rules;
pub mod triage;
pub mod upload;
pub mod users;

use std::collections::HashMap;

use axum::extract::Multipart;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use std::sync::Arc;

use maud::{Markup, html};

use crate::AppState;
use crate::error::AppError;
use crate::layout;
use crate::ledger::LedgerNote;
use crate::security::no_store;
use crate::session::{
    CheckSession, PlanSession, Session, SessionId, Sessions, TriageSession, display_name,
};

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

/// The page for the session `id` when it is neither in memory nor saved: removed to free memory
/// (410, saying so), or never known.
pub fn missing_session(sessions: &Sessions, id: &SessionId) -> AppError {
    if sessions.evicted(id) {
        AppError::evicted()
    } else {
        unknown_session()
    }
}

/// The page for a session that is not (or no longer) kept.
pub fn unknown_session() -> AppError {
    AppError::not_found(
        "This upload is not known here",
        "capekit has no upload at this address: its files are not in the upload folder this capekit uses. Upload the files again to see their results.",
    )
    .with_back("/", "Upload files")
}

/// The session with this id: in memory, or read again from its saved files (after a restart,
/// or once it was removed to free memory) and kept in memory again. Read in a blocking task: a
/// large triage takes a moment to run again.
pub async fn open_session(state: &AppState, id: &SessionId) -> Result<Session, AppError> {
    if let Some(s) = state.sessions.get(id) {
        return Ok(s);
    }
    let reopened = {
        let state = state.clone();
        let id = id.clone();
        tokio::task::spawn_blocking(move || upload::reopen(&state, &id)).await??
    };
    match reopened {
        Some(session) => {
            state.sessions.insert(id.clone(), session.clone());
            Ok(session)
        }
        None => Err(missing_session(&state.sessions, id)),
    }
}

/// The triage session with this id (see [`open_session`]).
pub async fn open_triage(state: &AppState, id: &SessionId) -> Result<Arc<TriageSession>, AppError> {
    match open_session(state, id).await? {
        Session::Triage(t) => Ok(t),
        _ => Err(unknown_session()),
    }
}

/// The plan session with this id (see [`open_session`]).
pub async fn open_plan(state: &AppState, id: &SessionId) -> Result<Arc<PlanSession>, AppError> {
    match open_session(state, id).await? {
        Session::Plan(p) => Ok(p),
        _ => Err(unknown_session()),
    }
}

/// The check session with this id (see [`open_session`]).
pub async fn open_check(state: &AppState, id: &SessionId) -> Result<Arc<CheckSession>, AppError> {
    match open_session(state, id).await? {
        Session::Check(c) => Ok(c),
        _ => Err(unknown_session()),
    }
}

/// The notice of a result read again from its saved files after a restart.
pub fn reopened_notice(reopened: Option<jiff::Timestamp>, created: jiff::Timestamp) -> Markup {
    html! {
        @if reopened.is_some() {
            div.notice.off #reopened {
                p {
                    b { "Reopened from saved uploads." }
                    " capekit was restarted since this upload (" (layout::local_time(created)) "), so it read the saved files again, "
                    "with the same rules date and what the ledger knows now. Nothing was recorded in the ledger again."
                }
            }
        }
    }
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

/// Rows in one page of a triage's or a plan's entries table.
pub const PAGE_ROWS: usize = 5_000;

/// Where one page of a table of `total` rows starts and ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// The page shown, from 1.
    pub page: usize,
    /// Pages in all (1 for an empty table).
    pub pages: usize,
    /// Rows in all.
    pub total: usize,
    /// The first row shown (0-based) and the one after the last.
    pub start: usize,
    /// One past the last row shown.
    pub end: usize,
}

impl Paging {
    /// Page `page` (from 1; past the last, the last) of `total` rows.
    pub fn new(total: usize, page: usize) -> Self {
        let pages = total.div_ceil(PAGE_ROWS).max(1);
        let page = page.clamp(1, pages);
        let start = (page - 1) * PAGE_ROWS;
        Self {
            page,
            pages,
            total,
            start: start.min(total),
            end: (start + PAGE_ROWS).min(total),
        }
    }

    /// The page of the unfiltered table that holds row `index` (0-based).
    pub fn page_of(index: usize) -> usize {
        index / PAGE_ROWS + 1
    }
}

/// The `page` query parameter: a page number from 1, absent for the first.
pub fn page_number(raw: Option<&str>) -> Result<usize, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(1),
        Some(s) => s.parse::<usize>().ok().filter(|&p| p >= 1).ok_or_else(|| {
            AppError::bad_request(
                "That is not a page number",
                format!("`{s}` is not a page of this table: pages are numbered from 1."),
            )
        }),
    }
}

/// What a paged table's count line adds when there is more than one page.
pub fn paging_note(paging: &Paging) -> Markup {
    html! {
        @if paging.pages > 1 {
            " " (layout::n(PAGE_ROWS)) " a page: the links below and above the table go through them all; the find box at the top of the page finds any entry."
        }
    }
}

/// The box that filters the rows of the page shown (in the browser; `app.js`).
pub fn quickfind(placeholder: &str) -> Markup {
    html! {
        p.quickfind {
            label for="quickfind" { "Filter the rows of this page: " }
            input #quickfind type="search" placeholder=(placeholder) data-table="entries" data-count="quickfind-count";
            " "
            span.meta #quickfind-count aria-live="polite" {}
        }
    }
}

/// A query string of `pairs` (blank values left out), each value percent-encoded.
pub fn query(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (key, value) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        out.push(if out.is_empty() { '?' } else { '&' });
        out.push_str(key);
        out.push('=');
        for b in value.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// The counts and links of a paged table: "Rows 5,001-10,000 of 60,000" with the first,
/// previous, next and last pages; `href(k)` is the address of page `k`. Nothing when the table
/// fits one page.
pub fn pager(p: &Paging, id: &str, href: impl Fn(usize) -> String) -> Markup {
    html! {
        @if p.pages > 1 {
            nav.pager id=(id) aria-label="Pages of the table" {
                span.rows {
                    "Rows " (layout::n(p.start + 1)) "-" (layout::n(p.end)) " of " (layout::n(p.total))
                    " (page " (layout::n(p.page)) " of " (layout::n(p.pages)) ")"
                }
                " "
                @if p.page > 1 {
                    a.first href=(href(1)) { "First" }
                    " "
                    a.prev rel="prev" href=(href(p.page - 1)) { "Previous " (layout::n(PAGE_ROWS)) }
                }
                " "
                @if p.page < p.pages {
                    a.next rel="next" href=(href(p.page + 1)) {
                        "Next " (layout::n(PAGE_ROWS.min(p.total - p.end)))
                    }
                    " "
                    a.last href=(href(p.pages)) { "Last" }
                }
            }
        }
    }
}

/// The line under a filter form that matched nothing: says so, with the way back.
pub fn no_match(clear: &str) -> Markup {
    html! {
        p.notice.off #no-match {
            "No entries match these filters. "
            a href=(clear) { "Clear the filters" } " to see every entry."
        }
    }
}

/// A filer code as a form gave it ([`capekit_core::FilerCode`]). `back` is the form's page.
pub fn filer_code(
    raw: Option<&str>,
    back: &str,
) -> Result<Option<capekit_core::FilerCode>, AppError> {
    raw.map(|c| {
        capekit_core::FilerCode::parse(c).map_err(|e| {
            AppError::bad_request(
                "That is not a filer code",
                format!("{e}. Leave the field empty if you file as the importer."),
            )
            .with_back(back, "Back")
        })
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_every_row_once() {
        let p = Paging::new(12_001, 1);
        assert_eq!((p.page, p.pages, p.start, p.end), (1, 3, 0, 5_000));
        let p = Paging::new(12_001, 3);
        assert_eq!((p.start, p.end), (10_000, 12_001));
        // Past the last page: the last.
        assert_eq!(Paging::new(12_001, 9).page, 3);
        // An empty table has one empty page.
        let p = Paging::new(0, 2);
        assert_eq!((p.page, p.pages, p.start, p.end), (1, 1, 0, 0));
        assert_eq!(Paging::page_of(4_999), 1);
        assert_eq!(Paging::page_of(5_000), 2);
    }

    #[test]
    fn page_numbers_are_checked() {
        assert_eq!(page_number(None).expect("first"), 1);
        assert_eq!(page_number(Some("3")).expect("third"), 3);
        assert!(page_number(Some("0")).is_err());
        assert!(page_number(Some("two")).is_err());
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(
            query(&[
                ("outcome", "rejected"),
                ("action", ""),
                ("message", "A/B & C"),
                ("page", "2")
            ]),
            "?outcome=rejected&message=A%2FB%20%26%20C&page=2"
        );
        assert_eq!(query(&[("a", "")]), "");
    }
}
