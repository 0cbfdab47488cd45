//! `GET /entry/{number}`: one entry number, its forms, every triage row of it in the open
//! sessions, and its history from the ledger.
//!
//! The ledger's timeline is filled in by the ledger crate; [`ledger_timeline`] is the one place
//! it plugs into, and returns nothing when no ledger is configured.

use std::sync::Arc;

use axum::extract::{Path as UrlPath, Query, State};
use axum::response::Response;
use capekit_core::EntryNumber;
use capekit_core::triage::EntryResult;
use maud::html;
use serde::Deserialize;

use super::{private_page, session_id, unknown_session};
use crate::AppState;
use crate::error::AppError;
use crate::layout;
use crate::session::{Session, SessionId, TriageSession};

/// One event of an entry's history, as the ledger will tell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEvent {
    /// When it happened (date or date and time, as the ledger records it).
    pub when: String,
    /// What happened, in a sentence.
    pub what: String,
    /// The file or claim it came from.
    pub source: String,
}

/// The entry's history from the ledger, oldest first; empty when no ledger is configured.
///
/// The ledger crate (crates/capekit-ledger) is being written: until it is wired in here, a
/// configured ledger also yields no event.
pub fn ledger_timeline(state: &AppState, _entry: &EntryNumber) -> Vec<TimelineEvent> {
    match &state.ledger {
        None => Vec::new(),
        // The ledger engineer reads the entry's events from the ledger at this path here.
        Some(_ledger) => Vec::new(),
    }
}

/// Which session's rows to show.
#[derive(Debug, Default, Deserialize)]
pub struct Which {
    /// A triage session id; without it, every open triage.
    pub session: Option<String>,
}

/// `GET /entry/{number}`.
pub async fn page(
    State(state): State<AppState>,
    UrlPath(number): UrlPath<String>,
    Query(which): Query<Which>,
) -> Result<Response, AppError> {
    let entry = EntryNumber::parse(&number)
        .map_err(|e| AppError::bad_request("That is not an entry number", format!("{e}.")))?;
    let sessions: Vec<(SessionId, Arc<TriageSession>)> = match which.session.as_deref() {
        Some(raw) => {
            let id = session_id(raw)?;
            let s = state.sessions.triage(&id).ok_or_else(unknown_session)?;
            vec![(id, s)]
        }
        None => state
            .sessions
            .list()
            .into_iter()
            .filter_map(|(id, s)| match s {
                Session::Triage(t) => Some((id, t)),
                Session::Check(_) => None,
            })
            .collect(),
    };
    let rows: Vec<(&SessionId, &EntryResult)> = sessions
        .iter()
        .flat_map(|(id, s)| {
            s.report
                .entries
                .iter()
                .filter(|e| e.entry_number == entry)
                .map(move |e| (id, e))
        })
        .collect();
    let timeline = ledger_timeline(&state, &entry);
    let body = html! {
        dl.facts {
            dt { "as CAPE files hold it" } dd.mono { (entry.as_str()) }
            dt { "as printed" } dd.mono { (entry.dashed()) }
            dt { "filer code" } dd.mono { (entry.filer_code()) }
        }
        p.muted { "The filer code (the first three characters) belongs to whoever filed the entry, usually the customs broker. Only that filer or the importer of record may declare the entry to CAPE." }
        h2 { "In your triage" @if sessions.len() > 1 { "s" } }
        @if rows.is_empty() {
            p { "This entry is in no claim file of " @if which.session.is_some() { "this upload" } @else { "the uploads open in capekit" } "." }
        } @else {
            table {
                thead { tr { th { "claim" } th { "outcome" } th { "message" } th { "action" } th { "what to do" } th { "from" } } }
                tbody {
                    @for (id, e) in &rows {
                        tr {
                            td.mono { (e.claim_number.as_deref().unwrap_or("")) }
                            td { (crate::pages::triage::outcome_str(e.outcome)) }
                            td { (e.message) }
                            td { span.action { (e.action.as_str()) } }
                            td {
                                (layout::with_code(&e.what_to_do))
                                @if let Some(note) = &e.note { br; i { (layout::with_code(note)) } }
                            }
                            td { a href={ "/triage/" (id) } { (capekit_io::triage_out::origin(e)) } }
                        }
                    }
                }
            }
        }
        h2 { "History" }
        @if timeline.is_empty() {
            @if state.ledger.is_none() {
                p.muted { "No ledger is configured, so capekit keeps no history of this entry between runs." }
            } @else {
                p.muted { "The ledger has no event for this entry yet." }
            }
        } @else {
            table {
                thead { tr { th { "when" } th { "what" } th { "from" } } }
                tbody {
                    @for ev in &timeline {
                        tr { td { (ev.when) } td { (ev.what) } td { (ev.source) } }
                    }
                }
            }
        }
    };
    Ok(private_page(layout::page(
        &format!("Entry {}", entry.dashed()),
        body,
    )))
}
