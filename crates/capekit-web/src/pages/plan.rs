//! `/plan/{id}`: the plan of uploaded ES-003 entry reports (or entry lists), and its downloads.
//!
//! The page shows what `capekit plan` writes, built by the same call
//! (`capekit_io::plan_out::build_plan`): the money by path, the deadline chart, the entries whose
//! CAPE window closes within 14 days first, the declarations to upload, and every entry in a table
//! filtered on the server by path and importer (`?path=cape&importer=...`), so the filters work
//! without script. Nothing here decides a path or a deadline; it only shows and orders the plan.
//!
//! Downloads are the CLI's files: each declaration part from `upload::upload_bytes` (the one
//! writer of CAPE uploads), the worklist from `plan_out::worklist_table`, the report from
//! `plan_out::report_html`. With a ledger, the plan is built as `capekit plan` builds it with its
//! ledger (`plan_out::build_plan_with`): an entry the ledger knows as accepted on a claim or still
//! pending on an earlier declaration stays off the declarations, and the page says which and why
//! (CAPE refuses a second declaration of an accepted entry, and a resubmitted pending one
//! conflicts later: CBP's "ACE Portal: CAPE Declarations" quick reference guide, April 2026).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Path as UrlPath, Query, State};
use axum::response::Response;
use capekit_core::deadline::{COURT_URGENT_DAYS, Deadline, URGENT_DAYS};
use capekit_core::path::{EntryPath, format_cents};
use capekit_io::html::bar_chart;
use capekit_io::plan_out::{
    Horizon, PlanFiles, PlannedEntry, reconciliation_line, report_html, worklist_table,
};
use capekit_io::triage_out::REPORT_ROWS;
use capekit_io::upload::upload_bytes;
use capekit_ledger::DeclState;
use maud::{Markup, html};
use serde::Deserialize;

use super::{
    Paging, download, importer_report_links, ledger_notice, no_match, open_plan, page_number,
    pager, paging_note, private_page, quickfind, reopened_notice, session_id, worklist_download,
};
use crate::AppState;
use crate::error::AppError;
use crate::layout::{self, entries, n};
use crate::session::PlanSession;

/// The `importer` filter value for entries whose file gives no importer number.
const NO_IMPORTER: &str = "none";

/// The filters of the entries table, as query parameters.
#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    /// A path's kebab-case name; empty for any.
    pub path: Option<String>,
    /// An importer number as the file writes it, `none` for entries without one; empty for any.
    pub importer: Option<String>,
    /// The page of the table, from 1.
    pub page: Option<String>,
    /// A declaration file just recorded as uploaded (after its button's POST).
    pub uploaded: Option<String>,
}

/// The filters, checked.
#[derive(Debug, Default)]
struct Filter {
    path: Option<EntryPath>,
    /// `Some(None)`: entries without an importer number.
    importer: Option<Option<String>>,
}

impl Filter {
    fn parse(f: &Filters) -> Result<Self, AppError> {
        let nonblank = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let path = match nonblank(&f.path) {
            None => None,
            Some(p) => Some(
                EntryPath::ALL
                    .into_iter()
                    .find(|x| x.as_str() == p)
                    .ok_or_else(|| {
                        AppError::bad_request(
                            "Unknown filter",
                            format!(
                                "`{p}` is not a path; choose one of {}.",
                                EntryPath::ALL.map(EntryPath::as_str).join(", ")
                            ),
                        )
                    })?,
            ),
        };
        let importer = nonblank(&f.importer).map(|i| (i != NO_IMPORTER).then_some(i));
        Ok(Self { path, importer })
    }

    fn keeps(&self, e: &PlannedEntry) -> bool {
        self.path.is_none_or(|p| e.decision.path == p)
            && self
                .importer
                .as_ref()
                .is_none_or(|i| e.importer_number.as_deref() == i.as_deref())
    }

    fn is_empty(&self) -> bool {
        self.path.is_none() && self.importer.is_none()
    }

    /// The address of page `page` of the table with these filters.
    fn href(&self, id: &str, page: usize) -> String {
        let page = if page > 1 {
            page.to_string()
        } else {
            String::new()
        };
        let importer = match &self.importer {
            None => "",
            Some(None) => NO_IMPORTER,
            Some(Some(i)) => i.as_str(),
        };
        format!(
            "/plan/{id}{}#entries-heading",
            super::query(&[
                ("path", self.path.map_or("", EntryPath::as_str)),
                ("importer", importer),
                ("page", &page),
            ])
        )
    }
}

/// The address of the row of `plan.entries[index]` in the unfiltered entries table of plan `id`.
pub fn row_href(id: &str, s: &PlanSession, index: usize) -> String {
    let position = s.order.iter().position(|&i| i == index).unwrap_or(0);
    let page = Paging::page_of(position);
    if page > 1 {
        format!("/plan/{id}?page={page}#r{index}")
    } else {
        format!("/plan/{id}#r{index}")
    }
}

async fn load(state: &AppState, id: &str) -> Result<(String, Arc<PlanSession>), AppError> {
    let id = session_id(id)?;
    let session = open_plan(state, &id).await?;
    Ok((id.to_string(), session))
}

/// `GET /plan/{id}`.
pub async fn page(
    State(state): State<AppState>,
    UrlPath(id): UrlPath<String>,
    Query(filters): Query<Filters>,
) -> Result<Response, AppError> {
    let (id, s) = load(&state, &id).await?;
    let filter = Filter::parse(&filters)?;
    let page = page_number(filters.page.as_deref())?;
    let plan = &s.plan;
    let names = s.file_names();
    let title = match names.as_slice() {
        [one] => format!("Plan of {one}"),
        many => format!("Plan of {} entry reports", many.len()),
    };
    let declared: usize = plan.declarations.iter().map(|d| d.entries.len()).sum();
    let worklist = plan
        .entries
        .iter()
        .filter(|e| e.declaration.is_none())
        .count();
    let urgent = plan.urgent();
    let r = &plan.reconciliation;
    // Where each declaration file stands now in the ledger (marked uploaded here, or since on
    // the Declarations page), known by its bytes: the page says so instead of offering the
    // button again.
    let states: HashMap<String, DeclState> = match &state.ledger {
        Some(path) if !plan.declarations.is_empty() => {
            let path = path.clone();
            let files: Vec<(String, String)> = plan
                .declarations
                .iter()
                .flat_map(|d| {
                    d.file_names
                        .iter()
                        .zip(d.entries.chunks(capekit_core::check::MAX_ENTRIES))
                })
                .map(|(name, chunk)| {
                    let sha = capekit_ledger::FileMeta::of_bytes(
                        name,
                        capekit_ledger::FileKind::Declaration,
                        &upload_bytes(chunk),
                    )
                    .sha256;
                    (name.clone(), sha)
                })
                .collect();
            tokio::task::spawn_blocking(move || {
                capekit_ledger::Ledger::open(&path)
                    .and_then(|l| l.declarations())
                    .map(|all| {
                        files
                            .into_iter()
                            .filter_map(|(name, sha)| {
                                // The latest record of those bytes: declarations come oldest
                                // first.
                                let d = all.iter().rev().find(|d| d.sha256 == sha)?;
                                Some((name, d.state))
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .await
            .unwrap_or_default()
        }
        _ => HashMap::new(),
    };

    let files_total: usize = plan.declarations.iter().map(|d| d.file_names.len()).sum();
    let files_uploaded = states
        .values()
        .filter(|s| matches!(s, DeclState::Uploaded | DeclState::Answered))
        .count();
    let body = html! {
        p.meta {
            "Paths and deadlines as of " (plan.as_of.to_string())
            @if names.len() > 1 { " · files: " (names.join(", ")) }
            @if let Some(f) = &plan.filer { " · filer code " (f) ": only entries bearing it are declared" }
        }
        // How old each file's data is, as the terminal and the report say it (an upload has no
        // file date: only a run date in its title row dates it).
        @for a in &plan.data_age {
            p class=(if a.stale { "bad" } else { "meta" }) { (capekit_io::plan_out::data_age_line(a)) }
        }
        (reopened_notice(s.reopened, s.created))
        (ledger_notice(&s.ledger, "The declarations leave out every entry the ledger knows as accepted on a claim or still waiting on an earlier declaration."))
        section.next {
            h2 { "What to do next" }
            ol {
                @if !urgent.is_empty() {
                    li.urgent-step {
                        b { (entries(urgent.len())) " cannot wait" }
                        ": " @if urgent.len() == 1 { "its" } @else { "their" }
                        " deadline that matters is near: a CAPE window, PSC or protest within " (URGENT_DAYS)
                        " days, or the court within " (COURT_URGENT_DAYS) " (listed just below). "
                        @if files_uploaded < files_total {
                            "Entries to declare come first in each declaration file: upload those today."
                        }
                    }
                }
                @if plan.declarations.is_empty() {
                    li { "No entry can be declared in CAPE now, so there is no declaration file to upload." }
                } @else if files_uploaded >= files_total {
                    li #all-uploaded {
                        "Every declaration file of this plan is recorded as uploaded: wait for their claims on "
                        "ACE Portal > CAPE > Claim Status, then read each claim's Claim Details here."
                    }
                } @else {
                    li {
                        "Download the declaration files below (" (entries(declared)) ") and upload each on "
                        "ACE Portal > CAPE > File Uploads. There is one file per importer of record."
                        @if files_uploaded > 0 {
                            " " (files_uploaded) " of the " (files_total) " files "
                            @if files_uploaded == 1 { "is" } @else { "are" }
                            " recorded as uploaded already: upload the others."
                        }
                    }
                }
                @if worklist > 0 {
                    li {
                        "Work through the " (entries(worklist)) " that need something else first (a correction, a protest, "
                        "a later phase, a look by a person): the table below and the worklist download say what to do, most urgent first."
                    }
                }
                @if !plan.diagnostics.is_empty() {
                    li {
                        "Some rows of your file could not be read fully: see "
                        a href="#findings" { "Rows capekit could not read" } "."
                    }
                }
            }
        }
        div.tiles {
            (tile(&n(r.entries), "entries"))
            (tile(&format_cents(plan.ieepa_duty_cents()), "IEEPA duty paid"))
            (tile(&n(declared), "to declare now"))
            (tile(&n(urgent.len()), &format!("urgent (a deadline within {URGENT_DAYS} days, court {COURT_URGENT_DAYS})")))
            (tile(&n(worklist), "need something else"))
        }
        p class=(if r.holds { "recon ok" } else { "recon bad" }) { (reconciliation_line(plan)) }

        @if !urgent.is_empty() {
            section.urgent #urgent {
                h2 { "Urgent: act today" }
                table {
                    thead { tr { th { "entry" } th { "importer" } th { "deadline" } th { "path" } th.num { "IEEPA duty" } th { "where it is" } } }
                    tbody {
                        @for e in urgent.iter().take(REPORT_ROWS) {
                            tr {
                                td.mono { a href={ "/entry/" (e.entry_number) "?plan=" (id) } { (e.entry_number) } }
                                td.mono { (e.importer_number.as_deref().unwrap_or("")) }
                                td { @if let Some(d) = e.urgent_by { (d.kind.describe()) br; (when(e.urgent_by)) } @else { (e.urgency()) } }
                                td { span class={ "path " (e.decision.path.as_str()) } title=(e.decision.path.describe()) { (e.decision.path.as_str()) } }
                                td.num { (format_cents(e.ieepa_duty_cents)) }
                                td.where { (where_it_is(&s, e)) }
                            }
                        }
                    }
                }
                @if urgent.len() > REPORT_ROWS {
                    p.meta { "The first " (n(REPORT_ROWS)) " of " (n(urgent.len())) " are listed here; every one is in the table of every entry below, urgent first." }
                }
            }
        }

        (declarations(&id, &s, state.ledger.is_some(), filters.uploaded.as_deref(), &states))

        section.downloads #downloads {
            h2 { "Downloads" }
            p {
                a.button href={ "/plan/" (id) "/worklist.xlsx" } download { "Worklist for Excel (.xlsx)" }
                @for p in capekit_io::packets::packets(plan) {
                    " "
                    a.button href={ "/plan/" (id) "/" (p.file_name) } download { (p.file_name) }
                }
                a.button href={ "/plan/" (id) "/worklist.csv" } download { "Worklist (.csv)" }
                a.button href={ "/plan/" (id) "/report.html" } download { "Report to keep or mail (.html)" }
            }
            p.muted { "The worklist holds every entry not on a declaration, most urgent first, with what to do and by when." }
            (importer_report_links(&format!("/plan/{id}"), &plan_importer_reports(plan)))
        }

        h2 { "Where the duty is" }
        table.paths {
            thead { tr { th { "path" } th { "what it means" } th.num { "entries" } th.num { "IEEPA duty" } } }
            tbody {
                @for t in &plan.totals {
                    tr {
                        td {
                            @if t.entries > 0 {
                                a href={ "/plan/" (id) "?path=" (t.path.as_str()) "#entries-heading" } {
                                    span class={ "path " (t.path.as_str()) } { (t.path.as_str()) }
                                }
                            } @else {
                                span class={ "path " (t.path.as_str()) } { (t.path.as_str()) }
                            }
                        }
                        td { (t.path.describe()) }
                        td.num { (n(t.entries)) }
                        td.num { (format_cents(t.ieepa_duty_cents)) }
                    }
                }
                tr.total {
                    th { "total" } th {}
                    th.num { (n(r.entries)) }
                    th.num { (format_cents(plan.ieepa_duty_cents())) }
                }
            }
        }
        div.charts {
            (layout::trusted_svg(bar_chart(
                "IEEPA duty by path (whole dollars)",
                &plan
                    .totals
                    .iter()
                    .map(|t| {
                        (
                            format!("{} ({})", t.path, format_cents(t.ieepa_duty_cents)),
                            usize::try_from(t.ieepa_duty_cents.saturating_add(50) / 100).unwrap_or(0),
                        )
                    })
                    .collect::<Vec<_>>(),
            )))
            (layout::trusted_svg(bar_chart(
                &format!("Entries by the nearest deadline that matters (days left as of {})", plan.as_of),
                &plan.deadline_buckets(),
            )))
        }

        (findings(&s))
        (entries_table(&id, &s, &filter, page))
    };
    Ok(private_page(layout::page(&title, body)))
}

fn tile(value: &str, label: &str) -> Markup {
    html! { div.tile { b { (value) } (label) } }
}

/// A deadline of the plan: its date and the days left, or that it passed.
fn when(d: Option<Deadline>) -> Markup {
    html! {
        @if let Some(d) = d { (layout::deadline(d.kind, d.date, d.days_left)) }
    }
}

/// The nearest deadline that matters for the entry's path (`plan_out::horizon`).
fn next_deadline(e: &PlannedEntry) -> Markup {
    html! {
        // Urgent with no date to show for it: why, before the next date there is.
        @if let Some(why) = e.undated_urgency() { span.bad { (why) } br; }
        @match e.horizon() {
            Horizon::Open(d) => { (d.kind.describe()) br; (layout::deadline(d.kind, d.date, d.days_left)) },
            Horizon::Passed => span.meta { "every deadline that matters has passed" },
            Horizon::Undated => span.meta { "none dated yet" },
        }
    }
}

/// The declaration file an entry is on, or why the ledger kept it off, or the worklist.
fn where_it_is(s: &PlanSession, e: &PlannedEntry) -> Markup {
    let file = e.declaration.and_then(|(d, part)| {
        s.plan
            .declarations
            .get(d)
            .and_then(|decl| decl.file_names.get(part))
    });
    html! {
        @if let Some(f) = file {
            span.mono { (f) }
        } @else if let Some(k) = &e.known {
            span.meta { "not declared: " (k.describe()) }
        } @else {
            span.meta { "worklist" }
        }
    }
}

fn declarations(
    id: &str,
    s: &PlanSession,
    ledger: bool,
    uploaded: Option<&str>,
    states: &HashMap<String, DeclState>,
) -> Markup {
    let plan = &s.plan;
    let known = plan.known_entries();
    // The importer's name, as the report gives it beside the number, for people who know their
    // importers by name.
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    for e in &plan.entries {
        if let (Some(number), Some(name)) =
            (e.importer_number.as_deref(), e.importer_name.as_deref())
        {
            names.entry(number).or_insert(name);
        }
    }
    html! {
        section #declarations {
            h2 { "Declarations to upload" }
            @if plan.declarations.is_empty() {
                p { "No entry of this plan can be declared in CAPE now, so there is no declaration file." }
            } @else {
                p {
                    "Each file is ready for ACE Portal > CAPE > File Uploads, as CBP's template wants it (the "
                    code { "Entry Number" } " header, one entry a line, at most 9,999 entries). Entries whose window closes soonest come first."
                }
                @if let Some(name) = uploaded.filter(|u| s.declaration_file(u).is_some()) {
                    div.notice.ok #uploaded-notice {
                        p { b { (name) } " is recorded as uploaded: its entries are pending with CBP and kept off every new declaration and plan until their claim is triaged." }
                    }
                }
                @if ledger {
                    p { "Once you have uploaded a file on ACE Portal, say so with its button: its entries are then pending with CBP, and no later plan or triage offers them again." }
                }
                table.declarations {
                    thead { tr { th { "file" } th { "importer" } th.num { "entries" } th.num { "urgent" } th.num { "IEEPA duty" } } }
                    tbody {
                        @for decl in &plan.declarations {
                            @for (part, (name, chunk)) in decl.file_names.iter().zip(decl.entries.chunks(capekit_core::check::MAX_ENTRIES)).enumerate() {
                                tr {
                                    td {
                                        a.button.primary.download-declaration href={ "/plan/" (id) "/" (name) } download { "Download " (name) }
                                        @match states.get(name.as_str()).copied() {
                                            Some(DeclState::Uploaded | DeclState::Answered) => {
                                                br; span.ok id={ "uploaded-state-" (name) } { "Recorded as uploaded." }
                                            }
                                            other => @if ledger {
                                                @if let Some(gone @ (DeclState::Discarded | DeclState::Failed)) = other {
                                                    br; span.bad id={ "uploaded-state-" (name) } {
                                                        @if gone == DeclState::Discarded { "Discarded" } @else { "Marked failed" }
                                                        " since, on the " a href="/declarations" { "Declarations" } " page. "
                                                    }
                                                }
                                                form.inline method="post" action={ "/plan/" (id) "/" (name) "/uploaded" } {
                                                    (crate::team::csrf_field())
                                                    button.button type="submit" id={ "uploaded-" (name) } { "I uploaded " (name) }
                                                }
                                            },
                                        }
                                    }
                                    td {
                                        span.mono { (decl.importer_number.as_deref().unwrap_or("(no importer number)")) }
                                        @if let Some(name) = decl.importer_number.as_deref().and_then(|i| names.get(i)) {
                                            br; span.meta.small { (name) }
                                        }
                                        @if let Some(f) = &decl.filer { br; span.meta.small { "entries of filer " (f) } }
                                    }
                                    td.num { (n(chunk.len())) }
                                    td.num { @if part == 0 { (n(decl.urgent)) } }
                                    td.num { @if part == 0 { (format_cents(decl.ieepa_duty_cents)) } }
                                }
                            }
                        }
                    }
                }
                @if plan.other_filer_entries() > 0 {
                    p.muted {
                        (entries(plan.other_filer_entries()))
                        " bear another filer code and are on the worklist instead: a broker's account may declare only its own entries."
                    }
                }
            }
            @if !known.is_empty() {
                h2 #left-out { "Kept off the declarations by the ledger" }
                p { "CAPE could take these entries, but declaring them again would be refused or would conflict later:" }
                table {
                    thead { tr { th { "entry" } th { "importer" } th { "why it is not on a declaration" } } }
                    tbody {
                        @for e in &known {
                            tr {
                                td.mono { a href={ "/entry/" (e.entry_number) } { (e.entry_number) } }
                                td.mono { (e.importer_number.as_deref().unwrap_or("")) }
                                td { (layout::with_code(&e.what_to_do(plan.filer.as_ref().map(capekit_core::FilerCode::as_str)))) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn findings(s: &PlanSession) -> Markup {
    let diagnostics = &s.plan.diagnostics;
    html! {
        @if !diagnostics.is_empty() {
            section #findings {
                h2 { "Rows capekit could not read" }
                p { "Each finding says what was expected and what was found. A row whose entry number cannot be read is left out of the plan." }
                table {
                    thead { tr { th { "rule" } th { "file" } th { "where" } th { "value" } th { "problem" } } }
                    tbody {
                        @for g in capekit_core::words::group_findings(diagnostics) {
                            @if g.count() > 1 {
                                tr { td.mono { a href={ "/rules/" (g.code) } { (g.code) } } td colspan="4" { b { (g.whereabouts_upto(usize::MAX)) } } }
                            }
                            @for d in g.shown() {
                                tr {
                                    td.mono { a href={ "/rules/" (g.code) } { (g.code) } }
                                    td { (d.file.as_deref().unwrap_or("")) }
                                    td { (d.position().unwrap_or_default()) }
                                    td.mono { (d.value.as_deref().unwrap_or("")) }
                                    td { (layout::with_code(&d.message)) }
                                }
                            }
                            @if let Some(more) = g.more(if capekit_io::plan_out::findings_on_worklist(g.code) { "on the lines named above; their entries are on the worklist" } else { "on the lines named above; these rows are left out of the plan, so they are not on the worklist" }) {
                                tr { td.mono { (g.code) } td colspan="4" { (more) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn entries_table(id: &str, s: &PlanSession, filter: &Filter, page: usize) -> Markup {
    let plan = &s.plan;
    let mut by_importer: BTreeMap<Option<&str>, usize> = BTreeMap::new();
    for e in &plan.entries {
        *by_importer.entry(e.importer_number.as_deref()).or_default() += 1;
    }
    // Most urgent first, then the nearest deadline that can still be met, as the worklist
    // (`PlanSession::order`); each row with its index in the plan, the row's anchor.
    let shown: Vec<(usize, &PlannedEntry)> = s
        .order
        .iter()
        .map(|&i| (i, &plan.entries[i]))
        .filter(|(_, e)| filter.keeps(e))
        .collect();
    let total = shown.len();
    let paging = Paging::new(total, page);
    let filer = plan.filer.as_ref().map(capekit_core::FilerCode::as_str);
    let clear = format!("/plan/{id}#entries-heading");
    html! {
        h2 #entries-heading { "Every entry" }
        form.filters method="get" action={ "/plan/" (id) "#entries-heading" } {
            label {
                "EntryPath "
                select name="path" data-enter-submits {
                    option value="" selected[filter.path.is_none()] { "any (" (n(plan.entries.len())) ")" }
                    @for t in plan.totals.iter().filter(|t| t.entries > 0) {
                        option value=(t.path.as_str()) selected[filter.path == Some(t.path)] {
                            (t.path.as_str()) " (" (n(t.entries)) ")"
                        }
                    }
                }
            }
            label {
                "Importer "
                select name="importer" data-enter-submits {
                    option value="" selected[filter.importer.is_none()] { "any" }
                    @for (importer, c) in &by_importer {
                        @let value = importer.unwrap_or(NO_IMPORTER);
                        @let selected = filter.importer.as_ref().is_some_and(|i| i.as_deref() == *importer);
                        option value=(value) selected[selected] {
                            (importer.unwrap_or("(no importer number)")) " (" (n(*c)) ")"
                        }
                    }
                }
            }
            button type="submit" { "Show" }
            @if !filter.is_empty() {
                a.reset href=(clear) { "Show all" }
            }
        }
        p.meta #shown-count {
            @if total == plan.entries.len() { "All " (entries(total)) ", most urgent first." } @else { (entries(total)) " of " (n(plan.entries.len())) " match, most urgent first." }
            (paging_note(&paging))
        }
        @if total == 0 {
            (no_match(&clear))
        } @else {
            (pager(&paging, "pager-top", |k| filter.href(id, k)))
            (quickfind("entry number, importer or word"))
            table #entries.entries.plan {
                thead {
                    tr {
                        th { "entry" } th { "importer" } th { "path" } th { "what to do" }
                        th { "next deadline" } th.num { "IEEPA duty" } th { "where it is" }
                    }
                }
                tbody {
                    @for (i, e) in &shown[paging.start..paging.end] {
                        @let todo = e.what_to_do(filer);
                        @let (short, more) = layout::first_sentence(&todo);
                        tr id={ "r" (i) } class=(if e.urgent { "urgent" } else { "" }) {
                            td.mono { a href={ "/entry/" (e.entry_number) "?plan=" (id) } { (e.entry_number) } }
                            td {
                                span.mono { (e.importer_number.as_deref().unwrap_or("")) }
                                @if let Some(name) = &e.importer_name { br; span.meta.small { (name) } }
                            }
                            td {
                                span class={ "path " (e.decision.path.as_str()) } title=(e.decision.path.describe()) { (e.decision.path.as_str()) }
                                @if e.urgent { br; span.badge.urgent { "urgent" } }
                            }
                            td.todo {
                                (layout::with_code(&short))
                                @if more || !e.decision.notes.is_empty() {
                                    " " a.more href={ "/entry/" (e.entry_number) "?plan=" (id) } { "details" }
                                }
                                span.rules {
                                    "rule" @if e.decision.reasons.len() > 1 { "s" } ": "
                                    @for code in &e.decision.reasons {
                                        a.code href={ "/rules/" (code) } { (code) } " "
                                    }
                                }
                            }
                            td.deadline { (next_deadline(e)) }
                            td.num { (format_cents(e.ieepa_duty_cents)) }
                            td.where { (where_it_is(s, e)) }
                        }
                    }
                }
            }
            (pager(&paging, "pager-bottom", |k| filter.href(id, k)))
        }
        p.muted { "Every deadline of each entry (CAPE window, post-summary correction, protest) is in the worklist download." }
    }
}

/// `GET /plan/{id}/{file}`: a declaration file (or part), worklist.csv, worklist.xlsx,
/// report.html.
pub async fn file(
    State(state): State<AppState>,
    UrlPath((id, file)): UrlPath<(String, String)>,
) -> Result<Response, AppError> {
    let (id, s) = load(&state, &id).await?;
    tokio::task::spawn_blocking(move || build_download(&id, &s, &file)).await?
}

/// The importers' reports of a plan: (who, file name), importers by number, then the entries with
/// no importer number.
fn plan_importer_reports(plan: &capekit_io::plan_out::Plan) -> Vec<(String, String)> {
    let names = capekit_io::plan_out::plan_names(plan).importer_reports;
    capekit_io::plan_out::importer_groups(plan)
        .iter()
        .map(|(i, _)| {
            i.as_deref().map_or_else(
                || "entries with no importer number".to_owned(),
                |i| format!("importer {i}"),
            )
        })
        .zip(names)
        .collect()
}

/// `POST /plan/{id}/{file}/uploaded`: the user says the declaration file was uploaded on ACE
/// Portal. It is recorded as `capekit ledger uploaded FILE` records it (the file, its entries,
/// its bytes, [`capekit_app::uploaded::entries_of`]), so its entries are pending from then on and
/// no later plan or triage offers them; the entries of it the ledger knows as accepted on a claim
/// are named.
pub async fn mark_uploaded(
    State(state): State<AppState>,
    UrlPath((id, file)): UrlPath<(String, String)>,
) -> Result<Response, AppError> {
    let (id, s) = load(&state, &id).await?;
    let back = format!("/plan/{id}#declarations");
    let Some(path) = state.ledger.clone() else {
        return Err(AppError::bad_request(
            "The ledger is off",
            "The workbench runs with --no-ledger: an upload cannot be remembered, so nothing keeps its entries off the next declaration.",
        )
        .with_back(back, "Back to the plan"));
    };
    let Some(entries) = s.declaration_file(&file).map(<[_]>::to_vec) else {
        return Err(AppError::not_found(
            "No such declaration",
            format!("This plan has no declaration file named {file}."),
        )
        .with_back(back, "Back to the plan"));
    };
    let bytes = upload_bytes(&entries);
    let name = crate::ledger::draft_name(&id, &file);
    let writer = state.clone();
    let team = state.team.is_some();
    let done = tokio::task::spawn_blocking(move || {
        crate::ledger::write(&writer.writes, &path, writer.ledger_busy_timeout, |l| {
            // On a team server, the draft these bytes were recorded as must be signed off.
            if team && l.signoff_required()? {
                let sha = capekit_ledger::sha256_hex(&bytes);
                match l.find_declaration(&capekit_ledger::DeclRef::Sha256(sha))? {
                    Some(d) => crate::team::check_signed_off(l, team, d.id)?,
                    None => {
                        return Err(capekit_ledger::LedgerError::Refused(format!(
                            "{name} is not recorded as a draft, so no reviewer could sign it off; open the plan again with the ledger on"
                        )));
                    }
                }
            }
            capekit_app::uploaded::entries_of(l, &name, &bytes, &entries, None, None)
        })
    })
    .await?;
    let to_plan = format!(
        "/plan/{id}{}#declarations",
        super::query(&[("uploaded", &file)])
    );
    match done {
        Ok(u) if u.accepted.is_empty() => Ok(axum::response::IntoResponse::into_response(
            axum::response::Redirect::to(&to_plan),
        )),
        // As `capekit ledger uploaded` warns: CBP accepts an entry once.
        Ok(u) => Ok(super::declarations::accepted_page(
            u.declaration(),
            &u.accepted,
            &to_plan,
            "Back to the plan",
        )),
        Err(e) => Err(
            AppError::bad_request("Not recorded as uploaded", e.to_string())
                .with_back(back, "Back to the plan"),
        ),
    }
}

fn build_download(id: &str, s: &PlanSession, file: &str) -> Result<Response, AppError> {
    let plan = &s.plan;
    let back = format!("/plan/{id}");
    if let Some(entries) = s.declaration_file(file) {
        return Ok(download(
            file,
            "text/csv; charset=utf-8",
            upload_bytes(entries),
        ));
    }
    let names = capekit_io::plan_out::plan_names(plan);
    if let Some(response) =
        worklist_download(file, &names.worklist_csv, &names.worklist_xlsx, || {
            worklist_table(plan)
        })
    {
        return response;
    }
    // The reports name the files as the downloads name them.
    let files = || PlanFiles {
        declarations: plan
            .declarations
            .iter()
            .map(|d| d.file_names.iter().map(PathBuf::from).collect())
            .collect(),
        worklist_csv: Some(names.worklist_csv.clone().into()),
        worklist_xlsx: Some(names.worklist_xlsx.clone().into()),
        report: Some(names.report.clone().into()),
        packets: capekit_io::packets::packets(plan)
            .into_iter()
            .map(|p| PathBuf::from(p.file_name))
            .collect(),
        importer_reports: capekit_io::plan_out::importer_groups(plan)
            .iter()
            .zip(&names.importer_reports)
            .map(|((i, _), n)| {
                (
                    i.as_deref()
                        .unwrap_or(capekit_io::names::UNKNOWN_IMPORTER)
                        .to_owned(),
                    PathBuf::from(n),
                )
            })
            .collect(),
    };
    if let Some(i) = names.importer_reports.iter().position(|n| n == file) {
        let groups = capekit_io::plan_out::importer_groups(plan);
        if let Some((importer, entries)) = groups.get(i) {
            let html = capekit_io::plan_out::importer_report_html(
                plan,
                importer.as_deref(),
                entries,
                &files(),
            );
            return Ok(download(
                file,
                "text/html; charset=utf-8",
                html.into_bytes(),
            ));
        }
    }
    match file {
        "report.html" => {
            let files = PlanFiles {
                declarations: plan
                    .declarations
                    .iter()
                    .map(|d| d.file_names.iter().map(PathBuf::from).collect())
                    .collect(),
                ..files()
            };
            Ok(download(
                &names.report,
                "text/html; charset=utf-8",
                report_html(plan, &files).into_bytes(),
            ))
        }
        _ => {
            let packets = capekit_io::packets::packets(plan);
            if let Some(p) = packets.iter().find(|p| p.file_name == file) {
                let bytes = capekit_io::packets::packet_xlsx(p)
                    .map_err(|e| AppError::internal(format!("writing {}", p.file_name), e))?;
                return Ok(download(
                    file,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    bytes,
                ));
            }
            let names: Vec<&str> = plan
                .declarations
                .iter()
                .flat_map(|d| d.file_names.iter().map(String::as_str))
                .chain(["worklist.xlsx", "worklist.csv", "report.html"])
                .chain(packets.iter().map(|p| p.file_name.as_str()))
                .chain(names.importer_reports.iter().map(String::as_str))
                .collect();
            Err(AppError::not_found(
                "No such file",
                format!("This plan offers {}.", names.join(", ")),
            )
            .with_back(back, "Back to the plan"))
        }
    }
}
