//! `GET /entry/{number}`: one entry number, its forms, where the ledger says it stands and its
//! history there (declarations, claims with outcome, message and action, refiles, entry data with
//! deadlines, as `capekit ledger entry` tells it), and every row of it in the open triages and
//! plans.

use capekit_core::deadline::{self, DeadlineKind, KindSet};
use std::sync::Arc;

use axum::extract::{Path as UrlPath, Query, State};
use axum::response::Response;
use capekit_core::EntryNumber;
use capekit_core::catalog::Action;
use capekit_core::refunds::{RefundEvent, StatusRead};
use capekit_core::triage::EntryResult;
use capekit_io::plan_out::PlannedEntry;
use capekit_ledger::{EntryFacts, EntryState, EventKind, Ledger, TimelineEvent};
use maud::{Markup, html};
use serde::Deserialize;

use super::{open_plan, open_triage, private_page, session_id};
use crate::AppState;
use crate::error::AppError;
use crate::layout;
use crate::ledger::shown_time;
use crate::session::{PlanSession, Session, SessionId, TriageSession};

/// Which sessions' rows to show.
#[derive(Debug, Default, Deserialize)]
pub struct Which {
    /// A triage session id; with it, that triage only.
    pub session: Option<String>,
    /// A plan session id; with it, that plan only.
    pub plan: Option<String>,
}

/// What the ledger says of one entry.
#[derive(Debug)]
enum History {
    /// `--no-ledger`.
    Off,
    /// Its state and its events, oldest first.
    Known {
        state: EntryState,
        timeline: Vec<TimelineEvent>,
        refunds: Vec<RefundEvent>,
    },
    /// The ledger could not be read: why.
    Failed(String),
}

fn read_history(state: &AppState, entry: EntryNumber) -> History {
    let Some(path) = &state.ledger else {
        return History::Off;
    };
    let read = Ledger::open(path).and_then(|l| {
        Ok(History::Known {
            state: l.entry_state(entry)?,
            timeline: l.timeline(entry)?,
            refunds: l.refund_events_of(entry)?,
        })
    });
    read.unwrap_or_else(|e| {
        eprintln!(
            "capekit serve: error: reading the ledger {}: {e}",
            path.display()
        );
        History::Failed(e.to_string())
    })
}

/// `GET /entry/{number}`.
pub async fn page(
    State(state): State<AppState>,
    UrlPath(number): UrlPath<String>,
    Query(which): Query<Which>,
) -> Result<Response, AppError> {
    let entry = EntryNumber::parse(&number)
        .map_err(|e| AppError::bad_request("That is not an entry number", format!("{e}.")))?;
    let (triages, plans) = open_sessions(&state, &which).await?;
    let rows: Vec<(&SessionId, &EntryResult)> = triages
        .iter()
        .flat_map(|(id, s)| {
            s.report
                .entries
                .iter()
                .filter(|e| e.entry_number == entry)
                .map(move |e| (id, e))
        })
        .collect();
    let planned: Vec<(&SessionId, &PlanSession, &PlannedEntry)> = plans
        .iter()
        .filter_map(|(id, s)| {
            s.plan
                .entries
                .iter()
                .find(|e| e.entry_number == entry)
                .map(|e| (id, &**s, e))
        })
        .collect();
    let history = {
        let state = state.clone();
        tokio::task::spawn_blocking(move || read_history(&state, entry)).await?
    };
    // A team server's audit rows that name the entry, or a declaration holding it.
    let audit = match (&state.team, &state.ledger) {
        (Some(_), Some(path)) => {
            let path = path.clone();
            tokio::task::spawn_blocking(move || {
                capekit_ledger::Ledger::open(&path).and_then(|l| l.audit_of_entry(entry))
            })
            .await?
            .map_err(|e| AppError::bad_request("The ledger could not be read", e.to_string()))?
        }
        _ => Vec::new(),
    };
    let today = state.today();
    let one_upload = which.session.is_some() || which.plan.is_some();
    let body = html! {
        dl.facts {
            dt { "entry number (as ACE shows it and CAPE files hold it)" } dd.mono { (entry.as_str()) }
            dt { "the same with dashes (as printed on some CBP forms)" } dd.mono { (entry.dashed()) }
            dt { "filer code" } dd.mono { (entry.filer_code()) }
        }
        p.muted { "The filer code (the first three characters) belongs to whoever filed the entry, usually the customs broker. Only that filer or the importer of record may declare the entry to CAPE." }

        h2 { "In the ledger" }
        (ledger_part(&history, today))
        @if let History::Known { refunds, .. } = &history && !refunds.is_empty() {
            h2 { "Refund reports" }
            (refund_part(refunds))
        }

        @if !rows.is_empty() || planned.is_empty() {
            h2 { "In your triage" @if triages.len() > 1 { "s" } }
            @if rows.is_empty() {
                p { "This entry is in no claim file of " @if one_upload { "this upload" } @else { "the uploads open in capekit" } "." }
            } @else {
                table {
                    thead { tr { th { "claim" } th { "outcome" } th { "message" } th { "action" } th { "what to do" } th { "from" } } }
                    tbody {
                        @for (id, e) in &rows {
                            tr {
                                td.mono { (e.claim_number.as_deref().unwrap_or("")) }
                                td { span title=(capekit_core::words::meaning(e.outcome.as_str()).unwrap_or_default()) { (e.outcome.as_str()) } }
                                td { (e.message) }
                                td { span.action title=(e.action.describe()) { (e.action.as_str()) } }
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
        }
        @if !planned.is_empty() {
            h2 { "In your plan" @if planned.len() > 1 { "s" } }
            table {
                thead { tr { th { "path" } th { "what to do" } th { "CAPE window closes" } th { "protest due" } th { "court due" } th.num { "IEEPA duty" } th { "from" } } }
                tbody {
                    @for (id, s, e) in &planned {
                        @let dl = e.decision.deadlines;
                        tr {
                            td { span class={ "path " (e.decision.path.as_str()) } title=(e.decision.path.describe()) { (e.decision.path.as_str()) } }
                            td {
                                (layout::with_code(&e.what_to_do(s.plan.filer.as_ref().map(capekit_core::FilerCode::as_str))))
                                @for note in &e.decision.notes { br; i { (layout::with_code(note)) } }
                            }
                            @for d in [dl.cape_window_closes, dl.protest_due, dl.court_safe()] {
                                td { @if let Some(d) = d { (for_path(d.kind, d.date, d.days_left, e.decision.matter)) } }
                            }
                            td.num { (capekit_core::path::format_cents(e.ieepa_duty_cents)) }
                            td { a href={ "/plan/" (id) } { (e.source()) } }
                        }
                    }
                }
            }
        }
        @if state.team.is_some() {
            h2 { "Who did what" }
            @if audit.is_empty() {
                p #audit-none { "Nobody has acted on this entry or a declaration holding it on this server yet." }
            } @else {
                (crate::team::audit_table(&audit))
            }
        }
    };
    Ok(private_page(layout::page(&format!("Entry {entry}"), body)))
}

/// The rows of ACE's refund reports recorded for the entry, in the order recorded; the
/// reconciliation of them is on `/refunds`.
fn refund_part(events: &[RefundEvent]) -> Markup {
    let money = |c: Option<i64>| c.map_or_else(String::new, capekit_core::path::format_cents);
    let day = |d: Option<jiff::civil::Date>| d.map_or_else(String::new, |d| d.to_string());
    html! {
        table #refund-events {
            thead { tr {
                th { "report" } th { "declaration" } th { "refund" } th { "status" } th.num { "principal" }
                th.num { "interest" } th { "(re)liquidated" } th { "status date" } th { "reason" } th { "from" }
            } }
            tbody {
                @for e in events {
                    tr {
                        td { (e.report.code()) }
                        td.mono { (e.declaration.as_deref().unwrap_or("")) }
                        td.mono { (e.refund_number.as_deref().unwrap_or("")) }
                        td { @match e.status() {
                            Some(StatusRead::Known(k)) => { (k.label()) },
                            Some(StatusRead::Unrecognized(raw)) => { (raw) " " span.meta { "(not one of ACE's four: review)" } },
                            None => {},
                        } }
                        td.num { (money(e.principal_cents)) }
                        td.num { (money(e.interest_cents)) }
                        td { (day(e.reliquidation_date.or(e.liquidation_date))) }
                        td { (day(e.status_date)) }
                        td { (e.reason.as_deref().unwrap_or("")) }
                        td { (e.place().to_string()) }
                    }
                }
            }
        }
        p { a href="/refunds" { "Where the refunds of every importer stand" } }
    }
}

type Triages = Vec<(SessionId, Arc<TriageSession>)>;
type Plans = Vec<(SessionId, Arc<PlanSession>)>;

/// The sessions to look in: the one named in the query, else every open triage and plan.
async fn open_sessions(state: &AppState, which: &Which) -> Result<(Triages, Plans), AppError> {
    if let Some(raw) = which.session.as_deref() {
        let id = session_id(raw)?;
        let s = open_triage(state, &id).await?;
        return Ok((vec![(id, s)], Vec::new()));
    }
    if let Some(raw) = which.plan.as_deref() {
        let id = session_id(raw)?;
        let s = open_plan(state, &id).await?;
        return Ok((Vec::new(), vec![(id, s)]));
    }
    let mut triages = Vec::new();
    let mut plans = Vec::new();
    for (id, s) in state.sessions.list() {
        match s {
            Session::Triage(t) => triages.push((id, t)),
            Session::Plan(p) => plans.push((id, p)),
            Session::Check(_) => {}
        }
    }
    Ok((triages, plans))
}

/// Where the entry stands, its recorded data and its timeline.
fn ledger_part(history: &History, today: jiff::civil::Date) -> Markup {
    html! {
        @match history {
            History::Off => {
                p.muted {
                    "The ledger is off (capekit was started with " code { "--no-ledger" } "), so capekit keeps no history of this entry between uploads."
                }
            }
            History::Failed(why) => {
                div.notice.bad { p { "The ledger could not be read: " (why) "." } }
            }
            History::Known {
                state, timeline, ..
            } => {
                (state_notice(state))
                // The latest entry data recorded: what the newest entry report said.
                @if let Some(f) = timeline.iter().rev().find_map(|ev| ev.data.as_ref()) {
                    dl.facts #entry-data {
                        @if let Some(i) = &f.importer_number { dt { "importer of record" } dd.mono { (i) } }
                        @if let Some(t) = &f.entry_type { dt { "entry type" } dd.mono { (t) } }
                        dt { "liquidation date" }
                        dd { (f.liquidation_date.map_or_else(|| "not liquidated, or not in the entry report".to_owned(), |d| d.to_string())) }
                        dt { "path" }
                        dd { span class={ "path " (f.path) } { (f.path) } }
                        @let matter = deadline::matter_as_recorded(&f.path, f.cape_window_closes, Some(today));
                        @if let Some(d) = f.cape_window_closes { dt { "CAPE window closes" } dd { (for_path(DeadlineKind::CapeWindow, d, deadline::days_between(today, d), matter)) } }
                        @if let Some(d) = f.protest_due { dt { "protest due" } dd { (for_path(DeadlineKind::Protest, d, deadline::days_between(today, d), matter)) } }
                    }
                }
                @if timeline.is_empty() {
                    p.muted { "The ledger has no event for this entry yet." }
                } @else {
                    h3 { "History" }
                    table #timeline {
                        thead { tr { th { "recorded" } th { "what happened" } th { "claim" } th { "message and what to do" } th { "from" } } }
                        tbody {
                            @for ev in timeline {
                                tr class=(event_class(ev.kind)) {
                                    td { (shown_time(ev.at)) }
                                    td { (event_name(ev.kind)) }
                                    td.mono { (ev.claim.as_deref().unwrap_or("")) }
                                    td {
                                        @if let Some(d) = &ev.data { (data_line(d)) }
                                        @if let Some(m) = &ev.message { (m) }
                                        @if let Some(a) = ev.action.filter(|a| *a != Action::None) {
                                            @if ev.message.is_some() { br; }
                                            span.action { (a.as_str()) } " - " (a.describe())
                                        }
                                        @if let Some(rule) = &ev.rule {
                                            " " a.code href={ "/rules/" (rule) } { (rule) }
                                        }
                                        @if let Some(d) = &ev.as_of { br; span.meta { "rules as of " (d) } }
                                    }
                                    td {
                                        (ev.file)
                                        @if let Some(l) = ev.line { span.meta { ", line " (l) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// An entry-data event: the path and deadlines the report gave.
fn data_line(d: &EntryFacts) -> Markup {
    html! {
        "path " span class={ "path " (d.path) } { (d.path) }
        @if let Some(w) = d.cape_window_closes { "; CAPE window closes " (w.to_string()) }
        @if let Some(p) = d.protest_due { "; protest due " (p.to_string()) }
    }
}

/// A deadline of the entry: its date and days left when it matters for the entry's path
/// (`matter`, the domain's answer), else the date marked as not for this path, uncoloured.
fn for_path(
    kind: DeadlineKind,
    date: jiff::civil::Date,
    days_left: i32,
    matter: KindSet,
) -> Markup {
    html! {
        @if matter.contains(kind) {
            (layout::deadline(kind, date, days_left))
        } @else {
            span.meta title="This deadline does not change what the entry's path leaves to do (or a recorded act met it)." {
                (date.to_string()) " (not for this path)"
            }
        }
    }
}

fn state_notice(state: &EntryState) -> Markup {
    html! {
        @match state {
            EntryState::Accepted { claim } => div.notice.ok #entry-state {
                p { b { "Accepted" } " on claim " span.mono { (claim) } ": CBP has taken it. Never declare it again." }
            },
            EntryState::Pending { declaration, declared_at, unconfirmed, .. } => div.notice.mixed #entry-state {
                p {
                    b { "Pending" } " on " (declaration) " (uploaded " (shown_time(*declared_at))
                    "): do not declare it again; wait for that declaration's claim and read it here."
                }
                @if *unconfirmed {
                    p {
                        "That declaration was recorded before capekit kept upload states, so it counts as uploaded. "
                        "Confirm or discard it on the " a href="/declarations" { "declarations page" } "."
                    }
                }
            },
            EntryState::Drafted { declaration, written_at, .. } => div.notice.mixed #entry-state {
                p {
                    b { "On a draft" } " " (declaration) " (written " (shown_time(*written_at))
                    ", not marked uploaded): no other file offers it until that draft is uploaded or discarded."
                }
                p { "Mark it uploaded, or discard it, on the " a href="/declarations" { "declarations page" } "." }
            },
            EntryState::Rejected { claim, action, message, attempts } => div.notice.bad #entry-state {
                p {
                    b { "Rejected" } " on claim " span.mono { (claim) }
                    @if *attempts > 1 { " (" (attempts) " claims so far)" }
                    ": " (message)
                }
                p { span.action { (action.as_str()) } " - " (action.describe()) }
            },
            EntryState::Unknown => p #entry-state {
                b { "Not declared" } ": the ledger has no declaration and no claim outcome for this entry."
            },
        }
    }
}

fn event_name(kind: EventKind) -> &'static str {
    kind.label()
}

fn event_class(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Accepted => "accepted",
        EventKind::Rejected => "rejected",
        _ => "",
    }
}
