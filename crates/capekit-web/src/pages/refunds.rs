//! `GET /refunds`: after acceptance, where the money is, as `capekit refunds` tells it: per
//! importer the entries accepted, IEEPA duty, interest (an estimate), what was paid, diverted,
//! held for ACH, outstanding and overdue; with `?importer=`, that importer's entries and the page
//! to send it (`/refunds/page/{importer}`, the same `refunds-IMPORTER.html` the CLI writes).
//!
//! The ledger supplies the accepted entries, their kept entry data and the refund reports
//! recorded (uploaded on the start page, or with `capekit ledger import`); the reconciliation and
//! the checks and records of the form are the refunds job `capekit refunds` runs too
//! (`capekit_app::refunds`). The page changes nothing; its one form
//! (`POST /refunds/importer/{importer}`) records what the user knows of an importer and no report
//! gives (a corporation or not, enrolled for ACH refunds or not, its latest entry), as
//! `capekit refunds --corporate`, `--ach-enrolled` and `--active-on` do.

use axum::Form;
use axum::extract::{Path as UrlPath, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use capekit_app::refunds::{
    Refunds, Said, SaidError, find_importer, record_facts as record_facts_in,
};
use capekit_core::diag::Diagnostic;
use capekit_core::path::format_cents as money;
use capekit_core::refunds::Reconciliation;
use capekit_core::refunds::reconcile::{EntryRefund, UNKNOWN_IMPORTER};
use capekit_io::refunds_out::{importer_page, interest_excluded, page_name};
use capekit_ledger::Ledger;
use maud::{Markup, html};
use serde::Deserialize;

use super::private_page;
use crate::AppState;
use crate::error::AppError;
use crate::layout;

/// Rows of an importer's entries shown on the page (those to act on first); the page to send
/// the importer and `capekit refunds` list them all.
const ROWS_SHOWN: usize = 2_000;

/// The query of `/refunds`.
#[derive(Debug, Default, Deserialize)]
pub struct Which {
    /// One importer's entries.
    pub importer: Option<String>,
    /// Set after the importer's form was recorded.
    pub recorded: Option<String>,
}

/// Reconciles what the ledger holds, as of the server's date, as `capekit refunds` does: with
/// what gathering it found (accepted entries whose kept data cannot be used).
async fn reconciled(state: &AppState) -> Result<Refunds, AppError> {
    let Some(path) = state.ledger.clone() else {
        return Err(AppError::bad_request(
            "The ledger is off",
            "The workbench runs with --no-ledger: no accepted entry and no refund report is remembered.",
        ));
    };
    let as_of = state.today();
    let read = tokio::task::spawn_blocking(move || {
        let l = Ledger::open(&path)?;
        capekit_app::refunds::reconciled(&l, as_of)
    })
    .await?;
    read.map_err(|e| AppError::bad_request("The ledger could not be read", e.to_string()))
}

/// `GET /refunds`.
pub async fn page(
    State(state): State<AppState>,
    Query(which): Query<Which>,
) -> Result<Response, AppError> {
    let Refunds {
        reconciliation: rec,
        diagnostics,
        ..
    } = reconciled(&state).await?;
    // The importer as the files write it, however it was typed (`123456789aa` is
    // `12-3456789AA`), as `capekit refunds --importer` matches it.
    let importer = which.importer.as_deref().map(|asked| {
        find_importer(asked, rec.importers.iter().map(|t| t.importer.as_str()))
            .unwrap_or(asked)
            .to_owned()
    });
    Ok(private_page(layout::page(
        "Refunds",
        body(
            &rec,
            &diagnostics,
            importer.as_deref(),
            which.recorded.is_some(),
        ),
    )))
}

/// The form of what the user knows of an importer: each field left empty changes nothing.
#[derive(Debug, Default, Deserialize)]
pub struct ImporterFacts {
    /// `yes` or `no`: a corporation (26 USC 6621(a)(1)).
    #[serde(default)]
    pub corporate: String,
    /// `enrolled` or `not-enrolled`: ACH refund enrollment, as the importer says.
    #[serde(default)]
    pub ach: String,
    /// The latest day the importer filed an entry, as ACE shows it.
    #[serde(default)]
    pub active_on: String,
}

/// `POST /refunds/importer/{importer}`: records what the form says of the importer, then shows
/// its refunds again.
pub async fn record_facts(
    State(state): State<AppState>,
    UrlPath(importer): UrlPath<String>,
    Form(form): Form<ImporterFacts>,
) -> Result<Response, AppError> {
    let back_to = format!("/refunds?importer={}", urlencode(&importer));
    let back = |e: AppError| e.with_back(back_to.clone(), "Back to the importer's refunds");
    let Some(path) = state.ledger.clone() else {
        return Err(back(AppError::bad_request(
            "The ledger is off",
            "The workbench runs with --no-ledger: nothing about an importer can be remembered.",
        )));
    };
    let importer = importer.trim().to_owned();
    if importer.is_empty()
        || importer.len() > 40
        || !importer
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ')
    {
        return Err(back(AppError::bad_request(
            "Not an importer number",
            "An importer of record number has letters, digits and dashes only (27-184593000, 123456789AB).",
        )));
    }
    let today = state.today();
    let mut said = Said::default();
    match form.corporate.trim() {
        "" => {}
        "yes" => said.corporate.push(importer.clone()),
        "no" => said.not_corporate.push(importer.clone()),
        other => {
            return Err(back(AppError::bad_request(
                "Not recorded",
                format!("`{other}` is not an answer to \"a corporation?\": choose yes or no."),
            )));
        }
    }
    match form.ach.trim() {
        "" => {}
        "enrolled" => said.ach_enrolled.push(importer.clone()),
        "not-enrolled" => said.not_ach_enrolled.push(importer.clone()),
        other => {
            return Err(back(AppError::bad_request(
                "Not recorded",
                format!("`{other}` is not an ACH answer: choose enrolled or not enrolled."),
            )));
        }
    }
    if !form.active_on.trim().is_empty() {
        match capekit_core::dates::parse_date(form.active_on.trim()) {
            Ok(Some(d)) => said.active_on.push((importer.clone(), d)),
            Ok(None) | Err(_) => {
                return Err(back(AppError::bad_request(
                    "Not recorded",
                    format!(
                        "`{}` is not a date: give it as YYYY-MM-DD or MM/DD/YYYY.",
                        form.active_on.trim()
                    ),
                )));
            }
        }
    }
    let facts = said.check(today).map_err(|e| {
        let why = match e {
            SaidError::ActiveAfter { day, .. } => format!(
                "{day} is after today ({today}): give the day of the importer's latest entry in ACE."
            ),
            other => other.to_string(),
        };
        back(AppError::bad_request("Not recorded", why))
    })?;
    if facts.is_empty() {
        return Err(back(AppError::bad_request(
            "Nothing to record",
            "Choose an answer (a corporation, ACH enrollment) or give the latest entry's date.",
        )));
    }
    let writer = state.clone();
    let done = tokio::task::spawn_blocking(move || {
        crate::ledger::write(&writer.writes, &path, writer.ledger_busy_timeout, |l| {
            record_facts_in(l, &facts).map_err(|e| e.source)
        })
    })
    .await?;
    match done {
        Ok(()) => Ok(Redirect::to(&format!("{back_to}&recorded=1#importer-facts")).into_response()),
        Err(e) => Err(back(AppError::bad_request("Not recorded", e.to_string()))),
    }
}

/// `GET /refunds/page/{importer}`: the page to send that importer, as a download.
pub async fn importer_download(
    State(state): State<AppState>,
    UrlPath(importer): UrlPath<String>,
) -> Result<Response, AppError> {
    let rec = reconciled(&state).await?.reconciliation;
    let Some(t) = rec.importers.iter().find(|t| t.importer == importer) else {
        return Err(AppError::not_found(
            "No such importer",
            "The ledger has no accepted entry or refund of that importer.",
        )
        .with_back("/refunds", "Back to the refunds"));
    };
    Ok(super::download(
        &page_name(&t.importer, rec.as_of),
        "text/html; charset=utf-8",
        importer_page(&rec, t).into_bytes(),
    ))
}

fn body(
    rec: &Reconciliation,
    diagnostics: &[Diagnostic],
    importer: Option<&str>,
    recorded: bool,
) -> Markup {
    html! {
        p {
            "As of " (rec.as_of.to_string()) ". CBP liquidates an accepted entry about 45 days after "
            "acceptance and owes its refund within 30 days of that (19 USC 1505(b)). Interest, owed and "
            "outstanding are " b { "estimates" } " (19 USC 1505(c): daily compounding at each quarter's "
            "IRS overpayment rate). Upload ACE's refund reports (ES-022, REV-603, REV-613, REV-615) on the "
            a href="/" { "start page" } " to record them."
        }
        @if !rec.importers.is_empty() {
            div #money-chart { (layout::trusted_svg(money_chart(rec))) }
        }
        @if rec.importers.is_empty() {
            p #no-refunds { "No accepted entry and no refund is recorded yet: upload Claim Details, ES-003 exports and refund reports first." }
        } @else {
            table #importers.refunds {
                thead { tr {
                    th { "importer" } th.num { "accepted" }
                    th.num { "owed (estimate)" } th.num { "paid" } th.num { "sent to Treasury, diverted or held" }
                    th.num { "outstanding (estimate)" } th.num { "entries overdue" } th.num { "entries to act on" } th { "the sum" }
                } }
                tbody {
                    @for t in &rec.importers {
                        tr id={ "importer-refunds-" (capekit_io::names::name_part(&t.importer)) } {
                            td { a.mono href={ "/refunds?importer=" (urlencode(&t.importer)) } { (t.importer) }
                                @if let Some(name) = &t.name { br; span.meta.small { (name) } } }
                            td.num { (layout::n(t.entries_accepted)) }
                            td.num { (money(t.owed_cents))
                                br; span.meta.small { "duty " (money(t.duty_cents)) }
                                br; span.meta.small { "interest " (money(t.interest_cents)) }
                                @if let Some(x) = interest_excluded(t) { br; span.meta.small { (x) } } }
                            td.num { (money(t.paid_principal_cents + t.paid_interest_cents)) }
                            td.num { (parked(t.sent_cents, t.diverted_cents, t.held_cents)) }
                            td.num { (money(t.outstanding_cents)) }
                            td.num { (layout::n(t.overdue_entries)) }
                            td.num { (layout::n(t.entries_to_act_on)) }
                            td.sum { @if t.balance.holds { span.ok { "holds" } } @else { span.bad title=(t.balance.text) { "off by" br; span.money { (money(t.balance.difference_cents.abs())) } } } }
                        }
                    }
                }
            }
            @let off: Vec<_> = rec.importers.iter().filter(|t| !t.balance.holds).collect();
            @if !off.is_empty() {
                ul #sums-off {
                    @for t in off { li { (t.importer) ": " (t.balance.text) } }
                }
            }
        }
        @let ready: Vec<_> = rec.importers.iter().filter(|t| importer.is_none_or(|i| t.importer == i)).flat_map(|t| t.readiness.iter().map(move |f| (t, f))).collect();
        @if !ready.is_empty() {
            h2 { "What may hold back every refund of an importer" }
            ul #importer-readiness {
                @for (t, f) in ready {
                    li { a href={ "/refunds?importer=" (urlencode(&t.importer)) "#importer-facts" } { (t.importer) } ": "
                        code { (f.code()) } " " (f.message) }
                }
            }
        }
        @if let Some(importer) = importer {
            @if let Some(t) = rec.importers.iter().find(|t| t.importer == importer && t.importer != UNKNOWN_IMPORTER) {
                @if recorded {
                    div.notice.ok #facts-recorded { p { "Recorded in the ledger: the findings below already count it." } }
                }
                (facts_form(t))
            }
            (importer_entries(rec, importer))
        }
        @let problems: Vec<_> = rec.problems.iter().filter(|p| importer.is_none_or(|i| p.importer.as_deref() == Some(i))).collect();
        @if !problems.is_empty() {
            h2 { "Refunds not tied to an entry" }
            ul #refund-problems {
                @for p in problems {
                    li { code { (p.finding.code()) } " " (p.finding.message) " (" (p.from.to_string()) ")" }
                }
            }
        }
        @if !diagnostics.is_empty() {
            h2 { "Kept entry data that cannot be used" }
            ul #refund-diagnostics {
                @for d in diagnostics { li { code { (d.code()) } " " (d.message) } }
            }
        }
        p.meta { "Tolerance: " (rec.tolerance_text) "." }
    }
}

/// Each importer's money by stage: paid, sent to Treasury, diverted, held for ACH, outstanding
/// (an estimate): the parts of what is owed, as the table's sum says.
fn money_chart(rec: &Reconciliation) -> String {
    use capekit_io::html::{Stage, stacked_chart};
    const STAGES: &[Stage] = &[
        Stage {
            name: "paid",
            colour: "#2e7d32",
        },
        Stage {
            name: "sent to Treasury",
            colour: "#7cb342",
        },
        Stage {
            name: "diverted",
            colour: "#6d4c41",
        },
        Stage {
            name: "held for ACH",
            colour: "#f9a825",
        },
        Stage {
            name: "outstanding (estimate)",
            colour: "#c62828",
        },
    ];
    let rows: Vec<(String, Vec<i64>)> = rec
        .importers
        .iter()
        .map(|t| {
            (
                t.importer.clone(),
                vec![
                    t.paid_principal_cents + t.paid_interest_cents,
                    t.sent_cents,
                    t.diverted_cents,
                    t.held_cents,
                    t.outstanding_cents,
                ],
            )
        })
        .collect();
    stacked_chart("Money by stage, per importer", STAGES, &rows, money)
}

/// Money CBP let go that the importer does not have: sent to Treasury, diverted to a debt, or
/// held for ACH, each named when not nothing.
fn parked(sent: i64, diverted: i64, held: i64) -> Markup {
    let parts: Vec<(&str, i64)> = [("sent", sent), ("diverted", diverted), ("held", held)]
        .into_iter()
        .filter(|(_, c)| *c != 0)
        .collect();
    html! {
        @if parts.is_empty() { (money(0)) }
        @for (i, (what, cents)) in parts.iter().enumerate() {
            @if i > 0 { br; }
            (money(*cents)) " " span.meta.small { (what) }
        }
    }
}

/// What the user knows of the importer and no report gives: the form that records it.
fn facts_form(t: &capekit_core::refunds::ImporterRefunds) -> Markup {
    html! {
        form #importer-facts method="post" action={ "/refunds/importer/" (urlencode(&t.importer)) } {
            (crate::team::csrf_field())
            fieldset {
                legend { "What you know of importer " (t.importer) " (remembered in the ledger)" }
                p {
                    label { "A corporation? "
                        select name="corporate" {
                            option value="" { "unchanged (" (if t.corporate { "yes" } else { "no" }) ")" }
                            option value="yes" { "yes: the part above $10,000 earns the lower corporate rate" }
                            option value="no" { "no" }
                        }
                    }
                }
                p {
                    label { "Enrolled for ACH refunds (the importer's ACE Portal account)? "
                        select name="ach" {
                            option value="" { "unchanged (" (match t.recorded.ach {
                                Some((true, on)) => format!("enrolled, recorded {on}"),
                                Some((false, on)) => format!("not enrolled, recorded {on}"),
                                None => "not known".to_owned(),
                            }) ")" }
                            option value="enrolled" { "enrolled" }
                            option value="not-enrolled" { "not enrolled" }
                        }
                    }
                }
                p {
                    label { "Latest entry filed (from ACE): "
                        input type="date" name="active_on" value=(t.recorded.active_on.map(|d| d.to_string()).unwrap_or_default());
                    }
                    @if t.recorded.active_on.is_none() { " " span.meta { "(none recorded)" } }
                }
                button type="submit" { "Record" }
            }
        }
    }
}

fn importer_entries(rec: &Reconciliation, importer: &str) -> Markup {
    let mut entries: Vec<&EntryRefund> = rec
        .entries
        .iter()
        .filter(|e| e.importer.as_deref().unwrap_or(UNKNOWN_IMPORTER) == importer)
        .collect();
    entries.sort_by_key(|e| !e.needs_action());
    let opt = |c: Option<i64>| c.map_or_else(|| "unknown".to_owned(), money);
    html! {
        h2 { "Entries of importer " (importer) }
        @if importer != UNKNOWN_IMPORTER && rec.importers.iter().any(|t| t.importer == importer) {
            p { a.button href={ "/refunds/page/" (urlencode(importer)) } { "Download the page to send this importer" }
                " (only its entries, no file paths)" }
        }
        @if entries.is_empty() {
            p { "No entry of this importer is recorded." }
        } @else {
            table #entries.refunds {
                thead { tr {
                    th { "entry" } th { "state" } th.num { "IEEPA duty" } th.num { "interest (estimate)" }
                    th.num { "paid" } th.num { "sent to Treasury, diverted or held" } th.num { "outstanding (estimate)" }
                    th { "protest due" } th { "what to do" }
                } }
                tbody {
                    @for e in entries.iter().take(ROWS_SHOWN) {
                        tr {
                            td.mono { a href={ "/entry/" (e.entry.as_str()) } { (e.entry.as_str()) } }
                            td { (e.state) }
                            td.num { (opt(e.duty_cents)) }
                            td.num { (opt(e.interest.as_ref().map(|i| i.counted_cents))) }
                            td.num { (money(e.paid_cents())) }
                            td.num { (parked(e.sent_cents, e.diverted_cents, e.held_cents)) }
                            td.num { (opt(e.outstanding_cents)) }
                            td { @if let Some(d) = e.protest_due { span.date { (d.to_string()) } } }
                            td { @for f in &e.findings { code { (f.code()) } " " (f.message) br; } }
                        }
                    }
                }
            }
            @if entries.len() > ROWS_SHOWN {
                p.meta {
                    (layout::entries(entries.len() - ROWS_SHOWN)) " more, none of them to act on before those above: "
                    a href={ "/refunds/page/" (importer) } download { "download this importer's page" } " to see them all."
                }
            }
        }
    }
}

/// A query-string value: letters, digits and `-._~` as they are, every other byte `%XX`.
fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
