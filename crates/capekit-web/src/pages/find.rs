//! `GET /find?entry=...`: the find box at the top of every page. An entry number typed as a
//! clerk types it (dashed `B76-4410411-2`, plain `B7644104112`, with spaces, lower case) is
//! looked for on the server, in every upload the server holds (each row of its triages and plans,
//! the declarations checked) and in the ledger when there is one, whatever page of a table it is
//! on: the browser's own find sees only the rows of one page. Each place it is found links to
//! the entry's page and to its row in the upload's table.

use axum::extract::{Query, State};
use axum::response::Response;
use capekit_core::EntryNumber;
use capekit_ledger::{EntryState, Ledger};
use maud::{Markup, html};
use serde::Deserialize;

use super::private_page;
use crate::AppState;
use crate::error::AppError;
use crate::layout::{self, n};
use crate::session::{Session, SessionId};

/// The find box's query.
#[derive(Debug, Default, Deserialize)]
pub struct FindQuery {
    /// The entry number as typed.
    pub entry: Option<String>,
}

/// One place an entry was found in an upload.
struct Hit {
    /// The upload's page.
    upload: String,
    /// What the upload is, in words.
    what: String,
    /// Claim, outcome and action of a triage row; path and file of a plan row; the state on a
    /// checked declaration.
    detail: Markup,
    /// The row in the upload's table, if it has one.
    row: Option<String>,
    /// The entry's page, for this upload.
    entry_page: String,
}

/// What the ledger says of the entry.
enum InLedger {
    Off,
    Knows(EntryState),
    Nothing,
    Failed(String),
}

/// `GET /find`.
pub async fn page(
    State(state): State<AppState>,
    Query(q): Query<FindQuery>,
) -> Result<Response, AppError> {
    let raw = q.entry.as_deref().map(str::trim).unwrap_or("");
    if raw.is_empty() {
        let body = html! {
            p.lead {
                "Type an entry number in the box at the top of the page, as you have it: "
                span.mono { "B76-4410411-2" } ", " span.mono { "B7644104112" } " or " span.mono { "b76 4410411 2" }
                ". capekit looks for it in every upload it holds and in the ledger."
            }
        };
        return Ok(private_page(layout::page("Find an entry", body)));
    }
    let entry = EntryNumber::parse(raw).map_err(|e| {
        AppError::bad_request(
            "That is not an entry number",
            format!("{e}. Type the 11 characters of the entry number, with or without dashes, for example B7644104112."),
        )
        .with_back("/", "Back to the start page")
    })?;
    let sessions = state.sessions.list();
    let open: std::collections::HashSet<SessionId> =
        sessions.iter().map(|(id, _)| id.clone()).collect();
    let (hits, ledger, saved) = {
        let state = state.clone();
        tokio::task::spawn_blocking(move || {
            let hits: Vec<Hit> = sessions
                .iter()
                .flat_map(|(id, s)| hits_in(id, s, entry))
                .collect();
            let ledger = in_ledger(&state, entry);
            let saved = crate::persist::saved_count(&state.upload_dir, &open);
            (hits, ledger, saved)
        })
        .await?
    };
    let (triages, plans, checks) = open_counts(&state);
    let searched = html! {
        "Searched " (uploads(triages + plans + checks))
        @if triages + plans + checks > 0 {
            " (" (kinds(triages, plans, checks)) ")"
        }
        @match &ledger {
            InLedger::Off => { " and not the ledger: capekit runs with " code { "--no-ledger" } "." },
            InLedger::Failed(_) => { "; the ledger could not be read." },
            _ => { " and the ledger." },
        }
        @if saved > 0 {
            " " (uploads(saved)) " saved before capekit was restarted "
            @if saved == 1 { "is" } @else { "are" }
            " not open and " @if saved == 1 { "was" } @else { "were" } " not searched: open "
            @if saved == 1 { "it" } @else { "them" } " from the "
            a href="/#saved" { "start page" } "."
        }
    };
    let found = !hits.is_empty() || matches!(ledger, InLedger::Knows(_));
    let body = html! {
        p.meta #searched { (searched) }
        @if !found {
            div.notice.bad #not-found {
                p {
                    @let held = triages + plans + checks;
                    b { (entry.as_str()) } " (" (entry.dashed()) ") "
                    @match held {
                        0 => { "was looked for in no upload: capekit holds none" },
                        1 => { "is not in the one upload capekit holds" },
                        _ => { "is in none of the " (n(held)) " uploads capekit holds" },
                    }
                    @match &ledger {
                        InLedger::Nothing => ", and the ledger has no record of it.",
                        _ => ".",
                    }
                }
                p { "Check the number against the claim or the entry summary in ACE, or upload the file that holds it." }
            }
        }
        @if let InLedger::Failed(why) = &ledger {
            div.notice.bad { p { "The ledger could not be read: " (why) "." } }
        }
        @if let InLedger::Knows(s) = &ledger {
            h2 { "In the ledger" }
            p #in-ledger {
                (ledger_words(s)) " "
                a href={ "/entry/" (entry.as_str()) } { "Its history in the ledger" }
            }
        }
        @if !hits.is_empty() {
            h2 { "In your uploads" }
            table #found {
                thead { tr { th { "upload" } th { "where and what" } th { "row" } th { "entry page" } } }
                tbody {
                    @for h in &hits {
                        tr {
                            td { a href=(h.upload) { (h.what) } }
                            td { (h.detail) }
                            td { @if let Some(r) = &h.row { a.row href=(r) { "its row in the table" } } }
                            td { a href=(h.entry_page) { (entry.as_str()) } }
                        }
                    }
                }
            }
        }
    };
    Ok(private_page(layout::page(
        &format!("Find {}", entry.as_str()),
        body,
    )))
}

fn uploads(count: usize) -> String {
    format!("{} upload{}", n(count), if count == 1 { "" } else { "s" })
}

fn kinds(triages: usize, plans: usize, checks: usize) -> String {
    let mut parts = Vec::new();
    let word = |count: usize, one: &str, many: &str| {
        format!("{} {}", n(count), if count == 1 { one } else { many })
    };
    if triages > 0 {
        parts.push(word(triages, "triage", "triages"));
    }
    if plans > 0 {
        parts.push(word(plans, "plan", "plans"));
    }
    if checks > 0 {
        parts.push(word(checks, "declaration check", "declaration checks"));
    }
    parts.join(", ")
}

fn open_counts(state: &AppState) -> (usize, usize, usize) {
    let mut counts = (0, 0, 0);
    for (_, s) in state.sessions.list() {
        match s {
            Session::Triage(_) => counts.0 += 1,
            Session::Plan(_) => counts.1 += 1,
            Session::Check(_) => counts.2 += 1,
        }
    }
    counts
}

/// Every place `entry` is in the upload `id`.
fn hits_in(id: &SessionId, s: &Session, entry: EntryNumber) -> Vec<Hit> {
    let id = id.as_str();
    match s {
        Session::Triage(t) => {
            let what = format!(
                "Triage of {} ({})",
                t.claim_file_names().join(", "),
                layout::local_time(t.created)
            );
            let refiled = t.report.refile.entries.contains(&entry);
            t.report
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| e.entry_number == entry)
                .map(|(i, e)| Hit {
                    upload: format!("/triage/{id}"),
                    what: what.clone(),
                    detail: html! {
                        @if let Some(c) = &e.claim_number { "claim " span.mono { (c) } ": " }
                        span class={ "outcome " (e.outcome.as_str()) } { (e.outcome.as_str()) }
                        " · " span.action { (e.action.as_str()) }
                        @if refiled { " · on the new declaration" }
                    },
                    row: Some(super::triage::row_href(id, i)),
                    entry_page: format!("/entry/{}?session={id}", entry.as_str()),
                })
                .collect()
        }
        Session::Plan(p) => {
            let what = format!(
                "Plan of {} ({})",
                p.file_names().join(", "),
                layout::local_time(p.created)
            );
            p.plan
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| e.entry_number == entry)
                .map(|(i, e)| {
                    let file = e.declaration.and_then(|(d, part)| {
                        p.plan
                            .declarations
                            .get(d)
                            .and_then(|decl| decl.file_names.get(part))
                    });
                    Hit {
                        upload: format!("/plan/{id}"),
                        what: what.clone(),
                        detail: html! {
                            "path " span class={ "path " (e.decision.path.as_str()) } { (e.decision.path.as_str()) }
                            @if let Some(f) = file { " · on " span.mono { (f) } } @else { " · on the worklist" }
                        },
                        row: Some(super::plan::row_href(id, p, i)),
                        entry_page: format!("/entry/{}?plan={id}", entry.as_str()),
                    }
                })
                .collect()
        }
        Session::Check(c) => {
            let on_file = c.plan.entries.contains(&entry);
            let accepted = c.plan.already_accepted.iter().any(|k| k.entry == entry);
            if !on_file && !accepted {
                return Vec::new();
            }
            vec![Hit {
                upload: format!("/check/{id}"),
                what: format!(
                    "Check of {} ({})",
                    c.file.name,
                    layout::local_time(c.created)
                ),
                detail: html! {
                    @if accepted { "on the declaration, left out of the corrected file: accepted on an earlier claim" }
                    @else { "on the declaration and its corrected file" }
                },
                row: None,
                entry_page: format!("/entry/{}", entry.as_str()),
            }]
        }
    }
}

fn in_ledger(state: &AppState, entry: EntryNumber) -> InLedger {
    let Some(path) = &state.ledger else {
        return InLedger::Off;
    };
    let read = Ledger::open(path).and_then(|l| Ok((l.entry_state(entry)?, l.timeline(entry)?)));
    match read {
        Ok((s, timeline)) if !timeline.is_empty() || !matches!(s, EntryState::Unknown) => {
            InLedger::Knows(s)
        }
        Ok(_) => InLedger::Nothing,
        Err(e) => {
            eprintln!(
                "capekit serve: error: reading the ledger {}: {e}",
                path.display()
            );
            InLedger::Failed(e.to_string())
        }
    }
}

fn ledger_words(s: &EntryState) -> String {
    match s {
        EntryState::Accepted { claim } => format!("Accepted on claim {claim}: never declare it again."),
        EntryState::Pending { declaration, .. } => {
            format!("Pending on {declaration}: waiting for CBP's answer; do not declare it again.")
        }
        EntryState::Drafted { declaration, .. } => {
            format!("On the draft {declaration}, not marked uploaded yet.")
        }
        EntryState::Rejected { claim, action, .. } => format!(
            "Rejected on claim {claim}: {} - {}",
            action.as_str(),
            action.describe()
        ),
        EntryState::Unknown => {
            "Not declared yet: the ledger has its entry data, but no declaration and no claim outcome.".to_owned()
        }
    }
}
