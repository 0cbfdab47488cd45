//! `GET /triage/{id}`: the triage of one upload, and its downloads.
//!
//! The page shows what the CLI's report shows (totals, charts, claims, the next declaration)
//! plus the entries table, filtered on the server by outcome, action and message through query
//! parameters (`?outcome=rejected&action=refile&message=...`), so the filters work without
//! script. Downloads are the CLI's files, byte for byte: the refile upload from
//! `upload::upload_bytes` (in parts of 9,999 past that), the worklist CSV and XLSX, the report.
//!
//! With a ledger, the page says what it recorded (a claim file uploaded again is recognised) and
//! lists the entries its knowledge kept off the new declaration; the refile is recorded as a draft
//! when the triage is made, as `capekit triage` records the one it writes, and its "I uploaded"
//! button marks exactly that draft.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use axum::extract::{Path as UrlPath, Query, State};
use axum::response::Response;
use axum::response::{IntoResponse, Redirect};
use capekit_core::catalog::Action;
use capekit_core::check::MAX_ENTRIES;
use capekit_core::triage::{EntryResult, Outcome};
use capekit_io::html::bar_chart;
use capekit_io::triage_out::{reconciliation_line_with, report_html, worklist_table};
use capekit_io::upload::{part_paths, upload_bytes};
use capekit_ledger::DeclState;
use maud::{Markup, html};
use serde::Deserialize;

use super::{
    Paging, download, importer_report_links, ledger_notice, no_match, open_triage, page_number,
    pager, paging_note, private_page, quickfind, reopened_notice, session_id, worklist_download,
};
use crate::AppState;
use crate::error::AppError;
use crate::layout::{self, entries, n};
use crate::ledger;
use crate::session::TriageSession;

/// The filters of the entries table, as query parameters.
#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    /// `all` (default), `rejected`, `accepted` or `missing`.
    pub outcome: Option<String>,
    /// An action's kebab-case name; empty for any.
    pub action: Option<String>,
    /// A message as [`EntryResult::message_key`] gives it; empty for any.
    pub message: Option<String>,
    /// The page of the table, from 1.
    pub page: Option<String>,
}

/// The filters, checked.
#[derive(Debug, Default)]
struct Filter {
    outcome: Option<Outcome>,
    action: Option<Action>,
    message: Option<String>,
}

impl Filter {
    fn parse(f: &Filters) -> Result<Self, AppError> {
        let nonblank = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let outcome = match nonblank(&f.outcome).as_deref() {
            None | Some("all") => None,
            Some(o) => Some(
                Outcome::ALL
                    .into_iter()
                    .find(|x| x.as_str() == o)
                    .ok_or_else(|| {
                        AppError::bad_request(
                            "Unknown filter",
                            format!(
                                "`{o}` is not an outcome; choose all, {}.",
                                Outcome::ALL.map(Outcome::as_str).join(", ")
                            ),
                        )
                    })?,
            ),
        };
        let action = match nonblank(&f.action) {
            None => None,
            Some(a) => Some(
                Action::ALL
                    .into_iter()
                    .find(|x| x.as_str() == a)
                    .ok_or_else(|| {
                        AppError::bad_request(
                            "Unknown filter",
                            format!("`{a}` is not one of capekit's actions."),
                        )
                    })?,
            ),
        };
        Ok(Self {
            outcome,
            action,
            message: nonblank(&f.message),
        })
    }

    fn keeps(&self, e: &EntryResult) -> bool {
        self.outcome.is_none_or(|o| e.outcome == o)
            && self.action.is_none_or(|a| e.action == a)
            && self.message.as_ref().is_none_or(|m| e.message_key() == *m)
    }

    fn is_empty(&self) -> bool {
        self.outcome.is_none() && self.action.is_none() && self.message.is_none()
    }

    /// The address of page `page` of the table with these filters.
    fn href(&self, id: &str, page: usize) -> String {
        let page = if page > 1 {
            page.to_string()
        } else {
            String::new()
        };
        format!(
            "/triage/{id}{}#entries-heading",
            super::query(&[
                ("outcome", self.outcome.map_or("", Outcome::as_str)),
                ("action", self.action.map_or("", Action::as_str)),
                ("message", self.message.as_deref().unwrap_or("")),
                ("page", &page),
            ])
        )
    }
}

/// The address of the row of `entries[index]` in the unfiltered entries table of triage `id`.
pub fn row_href(id: &str, index: usize) -> String {
    let page = Paging::page_of(index);
    if page > 1 {
        format!("/triage/{id}?page={page}#r{index}")
    } else {
        format!("/triage/{id}#r{index}")
    }
}

/// The names a triage's downloads are saved under ([`capekit_io::names`]): the claim number and
/// the rules date in each, so that two triages never share a name in a Downloads folder. The
/// addresses keep their short names (`/triage/ID/refile.csv`); the importers' reports are not
/// among these names (see [`importer_reports`]).
pub fn download_names(
    r: &capekit_core::triage::TriageReport,
) -> capekit_io::triage_out::TriageNames {
    capekit_io::triage_out::triage_names(r, &capekit_io::triage_out::Importers::new())
}

/// The importers of a triage's entries, as `capekit triage` finds them: the claim files'
/// importer column, the entry data uploaded with them, then the ledger's kept entry data.
fn session_importers(state: &AppState, s: &TriageSession) -> capekit_io::triage_out::Importers {
    let found = capekit_app::triage::importers(&s.input, &s.report, |ask| {
        // A ledger that cannot be read only leaves those entries on the pages of importers not
        // known, which say so.
        let found = state.ledger.as_ref().and_then(|path| {
            capekit_ledger::Ledger::open(path)
                .and_then(|l| l.importers_of(ask))
                .ok()
        });
        Ok::<_, std::convert::Infallible>(found.unwrap_or_default())
    });
    match found {
        Ok(importers) => importers,
        Err(never) => match never {},
    }
}

/// The importers' reports of a triage: (who, file name), in the order the triage lists them.
pub fn importer_reports(state: &AppState, s: &TriageSession) -> Vec<(String, String)> {
    let importers = session_importers(state, s);
    let names = capekit_io::triage_out::triage_names(&s.report, &importers).importer_reports;
    capekit_io::triage_out::importer_groups(&s.report, &importers)
        .iter()
        .map(|g| {
            g.importer.as_deref().map_or_else(
                || "importer not known".to_owned(),
                |i| format!("importer {i}"),
            )
        })
        .zip(names)
        .collect()
}

/// The addresses of the refile upload's parts: `refile.csv`, or `refile-01.csv`... past 9,999
/// entries.
pub fn refile_names(entries: usize) -> Vec<String> {
    if entries == 0 {
        return Vec::new();
    }
    part_paths(Path::new("refile.csv"), entries.div_ceil(MAX_ENTRIES))
        .into_iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect()
}

async fn load(state: &AppState, id: &str) -> Result<(String, Arc<TriageSession>), AppError> {
    let id = session_id(id)?;
    let session = open_triage(state, &id).await?;
    Ok((id.to_string(), session))
}

/// `GET /triage/{id}`.
pub async fn page(
    State(state): State<AppState>,
    UrlPath(id): UrlPath<String>,
    Query(filters): Query<Filters>,
) -> Result<Response, AppError> {
    let (id, s) = load(&state, &id).await?;
    let filter = Filter::parse(&filters)?;
    let page = page_number(filters.page.as_deref())?;
    // Where the refile's drafts stand now (uploaded since, discarded...): the page says it, not
    // what they were when the triage was made.
    let draft_states: Vec<Option<DeclState>> = match &state.ledger {
        Some(path) if !s.drafts.is_empty() => {
            let (path, drafts) = (path.clone(), s.drafts.clone());
            tokio::task::spawn_blocking(move || {
                capekit_ledger::Ledger::open(&path)
                    .and_then(|l| l.declarations())
                    .map(|all| {
                        drafts
                            .iter()
                            .map(|d| all.iter().find(|x| x.id == *d).map(|x| x.state))
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .await
            .unwrap_or_default()
        }
        _ => Vec::new(),
    };
    let r = &s.report;
    let rec = &r.reconciliation;
    let refile = refile_names(r.refile.entries.len());
    let names = s.claim_file_names();
    let title = match names.as_slice() {
        [one] => format!("Triage of {one}"),
        many => format!("Triage of {} claim files", many.len()),
    };
    let diagnostics = s.diagnostics();

    let body = html! {
        p.meta {
            "Rules as of " (r.as_of.to_string()) " · " (capekit_core::words::catalog_line())
        }
        @if names.len() > 1 {
            p.meta { "Files: " (names.join(", ")) }
        }
        (reopened_notice(s.reopened, s.created))
        @for w in &r.warnings {
            p.warn { "Warning: " (w) }
        }
        @for c in r.claims.iter().filter(|c| c.note.is_some()) {
            p.warn { "Claim " (c.claim_number) ": " (c.note.as_deref().unwrap_or_default()) }
        }
        (ledger_notice(&s.ledger, "The new declaration leaves out every entry the ledger knows as accepted on an earlier claim or still waiting on an earlier declaration."))
        (next_steps(&id, &s, &refile))
        div.tiles {
            (tile(r.claims.len(), "claims"))
            (tile(rec.accepted, "accepted entries"))
            (tile(rec.rejected, "rejected entries"))
            @if rec.declared.is_some() { (tile(rec.missing, "missing entries")) }
            @if rec.no_claim_yet > 0 { (tile(rec.no_claim_yet, "no claim yet")) }
            @if rec.not_filed > 0 { (tile(rec.not_filed, "not filed (upload failed)")) }
            (tile(r.refile.entries.len(), "to refile now"))
        }
        p class=(if rec.holds { "recon ok" } else { "recon bad" }) {
            (reconciliation_line_with(r, "no declaration was uploaded with the claim files"))
        }

        h2 { "Claims" }
        table {
            thead { tr { th { "claim" } th { "status" } th.num { "accepted" } th.num { "rejected" } th { "files" } } }
            tbody {
                @for c in &r.claims {
                    tr {
                        td.mono { (c.claim_number) }
                        td { span class={ "status " (status_class(c.status.as_str())) } { (c.status.as_str()) } }
                        td.num { (n(c.accepted)) }
                        td.num { (n(c.rejected)) }
                        td { (c.files.join(", ")) }
                    }
                }
            }
        }

        (downloads(&id, &refile, &download_names(r).refile, &s.drafts, &draft_states))
        (importer_report_links(&format!("/triage/{id}"), &importer_reports(&state, &s)))
        (left_out(&id, &s))

        h2 { "Rejected and missing entries at a glance" }
        div.charts {
            (layout::trusted_svg(bar_chart(
                "By action (most urgent first)",
                &r.by_action().into_iter().map(|(a, c)| (a.to_string(), c)).collect::<Vec<_>>(),
            )))
            (layout::trusted_svg(bar_chart("By message", &r.by_message())))
        }

        @if !diagnostics.is_empty() {
            h2 { "Rows that could not be read" }
            p { "These rows are not in the triage. Open the claim in ACE for each of them." }
            table {
                thead { tr { th { "file" } th { "where" } th { "value" } th { "problem" } } }
                tbody {
                    // A finding repeated on many rows is told once, with its lines and the first
                    // few; unreadable rows are all on the worklist download.
                    @for g in capekit_core::words::group_findings(&diagnostics) {
                        @if g.count() > 1 {
                            tr { td colspan="4" { b { (g.code) " " (g.whereabouts_upto(usize::MAX)) } } }
                        }
                        @for d in g.shown() {
                            tr {
                                td { (d.file.as_deref().unwrap_or("")) }
                                td { (d.position().unwrap_or_default()) }
                                td.mono { (d.value.as_deref().unwrap_or("")) }
                                td { (layout::with_code(&d.message)) }
                            }
                        }
                        @if let Some(more) = g.more(if g.code == capekit_core::reading::UNREADABLE_ENTRY_NUMBER.code { "on the lines named above; all on the worklist" } else { "on the lines named above" }) {
                            tr { td colspan="4" { (more) } }
                        }
                    }
                }
            }
        }

        (entries_table(&id, &s, &filter, page))
        (action_legend())
    };
    Ok(private_page(layout::page(&title, body)))
}

fn tile(count: usize, label: &str) -> Markup {
    html! { div.tile { b { (n(count)) } (label) } }
}

fn status_class(status: &str) -> &'static str {
    match status {
        "Accepted" => "ok",
        "Rejected" => "bad",
        _ => "mixed",
    }
}

/// What to do next, in order.
fn next_steps(id: &str, s: &TriageSession, refile: &[String]) -> Markup {
    let r = &s.report;
    let todo = r
        .worklist()
        .filter(|e| e.action != Action::Refile && e.action != Action::None)
        .count();
    html! {
        section.next {
            h2 { "What to do next" }
            ol {
                @if refile.is_empty() && !r.refile.left_out.is_empty() {
                    li {
                        "No entry can be declared again right now, so there is no new declaration to upload: "
                        a href="#left-out" { "the " (entries(r.refile.left_out.len())) " kept off" }
                        @if r.refile.left_out.len() == 1 { " says why." } @else { " say why." }
                    }
                } @else if refile.is_empty() {
                    li { "No entry can be declared again right now, so there is no new declaration to upload." }
                } @else {
                    li {
                        "Download the new declaration ("
                        (entries(r.refile.entries.len()))
                        @if refile.len() > 1 { " in " (refile.len()) " files of at most 9,999 entries" }
                        ") and upload it on ACE Portal > CAPE > File Uploads. Accepted entries are never on it."
                    }
                }
                @if r.reconciliation.missing > 0 {
                    li {
                        @if r.reconciliation.missing == 1 {
                            "1 entry of your declaration is in no claim file: find its claim in ACE (Claim Status) before doing anything, and do not upload it again while it may still be queued."
                        } @else {
                            (entries(r.reconciliation.missing))
                            " of your declaration are in no claim file: find their claims in ACE (Claim Status) before doing anything, and do not upload them again while they may still be queued."
                        }
                    }
                }
                @if todo > 0 {
                    li {
                        "Work through the " (entries(todo)) " below that need something else, most urgent first: each row says what to do. "
                        "The worklist download has the same rows for Excel."
                    }
                }
                li {
                    "When you have corrected entries in ACE, or waited long enough for the ones to retry later, "
                    a href={ "/triage/" (id) "/rebuild" } { "list them to get a new declaration" }
                    "."
                }
            }
        }
    }
}

fn downloads(
    id: &str,
    refile: &[String],
    saved_as: &[String],
    drafts: &[capekit_ledger::DeclarationId],
    states: &[Option<DeclState>],
) -> Markup {
    let sent = |i: usize| {
        matches!(
            states.get(i).copied().flatten(),
            Some(DeclState::Uploaded | DeclState::Answered)
        )
    };
    let all_sent = !refile.is_empty() && (0..refile.len()).all(sent);
    html! {
        section.downloads #downloads {
            h2 { "Downloads" }
            p {
                @if refile.len() == 1 {
                    a.button.primary #download-refile href={ "/triage/" (id) "/refile.csv" } download { "New declaration (" (saved_as.first().map_or("refile.csv", String::as_str)) ")" }
                } @else {
                    @for (i, name) in refile.iter().enumerate() {
                        a.button.primary id={ "download-refile-" (i + 1) } href={ "/triage/" (id) "/" (name) } download { "New declaration, part " (i + 1) " (" (saved_as.get(i).unwrap_or(name)) ")" }
                    }
                }
                a.button href={ "/triage/" (id) "/worklist.xlsx" } download { "Worklist for Excel (.xlsx)" }
                a.button href={ "/triage/" (id) "/worklist.csv" } download { "Worklist (.csv)" }
                a.button href={ "/triage/" (id) "/report.html" } download { "Report to keep or mail (.html)" }
            }
            @if !refile.is_empty() {
                p {
                    @if all_sent {
                        "Recorded as uploaded: "
                        @if refile.len() == 1 { "its" } @else { "their" }
                        " entries are pending with CBP until the claim comes back; triage that claim when it does."
                    } @else if drafts.is_empty() {
                        "Once you have uploaded the file on ACE Portal (CAPE > File Uploads), say so: "
                        "its entries are then pending with CBP and kept off every new declaration."
                    } @else {
                        "The ledger holds "
                        @if refile.len() == 1 { "this file" } @else { "these files" }
                        " as a draft (" (drafts.iter().map(|d| format!("#{d}")).collect::<Vec<_>>().join(", ")) "): no other file offers "
                        @if refile.len() == 1 { "its" } @else { "their" }
                        " entries. Once you have uploaded it on ACE Portal (CAPE > File Uploads), say so: "
                        "its entries are then pending with CBP. If you will not upload it, discard it on the "
                        a href="/declarations" { "Declarations" } " page."
                    }
                }
                @for (i, name) in refile.iter().enumerate() {
                    @match states.get(i).copied().flatten() {
                        Some(DeclState::Uploaded | DeclState::Answered) => {
                            p.ok id={ "uploaded-state-" (name) } { (saved_as.get(i).unwrap_or(name)) ": recorded as uploaded." }
                        }
                        Some(gone @ (DeclState::Discarded | DeclState::Failed)) => {
                            p.bad id={ "uploaded-state-" (name) } {
                                (saved_as.get(i).unwrap_or(name)) ": "
                                @if gone == DeclState::Discarded { "discarded or replaced by a newer declaration" } @else { "marked failed" }
                                " since; see the " a href="/declarations" { "Declarations" } " page."
                            }
                        }
                        _ => {
                            form.inline method="post" action={
                                "/triage/" (id) "/" (name) "/uploaded"
                                @if let Some(d) = drafts.get(i) { "?declaration=" (d) }
                            } {
                                (crate::team::csrf_field())
                                button.button type="submit" id={ "uploaded-" (name) } { "I uploaded " (saved_as.get(i).unwrap_or(name)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The entries kept off the new declaration, with the reason (what the ledger knows, or why a
/// corrected entry may not be refiled).
fn left_out(id: &str, s: &TriageSession) -> Markup {
    let left = &s.report.refile.left_out;
    html! {
        @if !left.is_empty() {
            section #left-out {
                h2 { "Kept off the new declaration" }
                p { "CBP would refuse these entries, or they would be filed twice:" }
                table {
                    thead { tr { th { "entry" } th { "why it is not on the new declaration" } } }
                    tbody {
                        @for l in left {
                            tr {
                                td.mono { a href={ "/entry/" (l.entry_number) "?session=" (id) } { (l.entry_number) } }
                                td { (layout::with_code(&l.reason)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Counts per key, in first-seen order of the keys' sort.
fn counts<K: Ord>(keys: impl Iterator<Item = K>) -> BTreeMap<K, usize> {
    let mut m = BTreeMap::new();
    for k in keys {
        *m.entry(k).or_insert(0) += 1;
    }
    m
}

fn entries_table(id: &str, s: &TriageSession, filter: &Filter, page: usize) -> Markup {
    let r = &s.report;
    let by_outcome = counts(r.entries.iter().map(|e| e.outcome));
    let by_action = counts(r.entries.iter().map(|e| e.action));
    let mut by_message: Vec<(String, usize)> =
        counts(r.entries.iter().map(EntryResult::message_key))
            .into_iter()
            .collect();
    by_message.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    // Each row with its index in the report: the row's anchor, which the find box links to.
    let shown: Vec<(usize, &EntryResult)> = r
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| filter.keeps(e))
        .collect();
    let total = shown.len();
    let paging = Paging::new(total, page);
    let clear = format!("/triage/{id}#entries-heading");
    html! {
        h2 #entries-heading { "Entries" }
        form.filters method="get" action={ "/triage/" (id) "#entries-heading" } {
            label {
                "Outcome "
                select name="outcome" data-enter-submits {
                    option value="all" selected[filter.outcome.is_none()] { "all (" (n(r.entries.len())) ")" }
                    @for o in Outcome::ALL {
                        option value=(o.as_str()) selected[filter.outcome == Some(o)] {
                            (o.as_str()) " (" (n(by_outcome.get(&o).copied().unwrap_or(0))) ")"
                        }
                    }
                }
            }
            label {
                "Action "
                select name="action" data-enter-submits {
                    option value="" selected[filter.action.is_none()] { "any" }
                    @for (a, c) in &by_action {
                        option value=(a.as_str()) selected[filter.action == Some(*a)] { (a.as_str()) " (" (n(*c)) ")" }
                    }
                }
            }
            label {
                "Message "
                select name="message" data-enter-submits {
                    option value="" selected[filter.message.is_none()] { "any" }
                    @for (m, c) in &by_message {
                        option value=(m) selected[filter.message.as_deref() == Some(m.as_str())] { (m) " (" (n(*c)) ")" }
                    }
                }
            }
            button type="submit" { "Show" }
            @if !filter.is_empty() {
                a.reset href=(clear) { "Show all" }
            }
        }
        p.meta #shown-count {
            @if total == r.entries.len() { "All " (entries(total)) "." } @else { (entries(total)) " of " (n(r.entries.len())) " match." }
            (paging_note(&paging))
        }
        @if total == 0 {
            (no_match(&clear))
        } @else {
            (pager(&paging, "pager-top", |k| filter.href(id, k)))
            (quickfind("entry number, claim or word"))
            table #entries.entries.triage {
                thead {
                    tr { th { "entry" } th { "claim" } th { "outcome" } th { "message" } th { "action" } th { "what to do" } th { "deadlines" } }
                }
                tbody {
                    @for (i, e) in &shown[paging.start..paging.end] {
                        @let (short, more) = layout::first_sentence(&e.what_to_do);
                        tr id={ "r" (i) } class=(e.outcome.as_str()) {
                            td.mono { a href={ "/entry/" (e.entry_number) "?session=" (id) } { (e.entry_number) } }
                            td.mono { (e.claim_number.as_deref().unwrap_or("")) }
                            td { span class={ "outcome " (e.outcome.as_str()) } title=(meaning(e.outcome.as_str())) { (e.outcome.as_str()) } }
                            td { (e.message) }
                            td {
                                span.action title=(e.action.describe()) { (e.action.as_str()) }
                                @if let Some(rule) = e.rule { " " a.code href={ "/rules/" (rule) } { (rule) } }
                            }
                            td {
                                (layout::with_code(&short))
                                @if more || e.note.is_some() {
                                    " " a.more href={ "/entry/" (e.entry_number) "?session=" (id) } { "details" }
                                }
                            }
                            td {
                                @for (k, d) in capekit_io::triage_out::deadlines_next_first(e).iter().enumerate() {
                                    @if k > 0 { br; }
                                    @if k == 0 && e.urgent.is_some() { strong.urgent { "act now: " } }
                                    (d.describe())
                                }
                            }
                        }
                    }
                }
            }
            (pager(&paging, "pager-bottom", |k| filter.href(id, k)))
        }
    }
}

fn action_legend() -> Markup {
    html! {
        details.legend {
            summary { "What the outcomes and actions mean" }
            dl {
                @for o in capekit_core::triage::Outcome::ALL {
                    dt { span class={ "outcome " (o.as_str()) } { (o.as_str()) } }
                    dd { (meaning(o.as_str())) }
                }
                @for a in Action::ALL {
                    dt { span.action { (a.as_str()) } }
                    dd { (a.describe()) }
                }
            }
        }
    }
}

/// A word's meaning from the one table, for titles (tooltips) and legends.
fn meaning(name: &str) -> &'static str {
    capekit_core::words::meaning(name).unwrap_or_default()
}

/// `POST /triage/{id}/{file}/uploaded`: the user says this refile part was uploaded on ACE
/// Portal. The draft it was recorded as (by its declaration number, never another declaration
/// with the same bytes) is marked uploaded: its entries are pending with CBP from now on. Refused
/// with a page saying why: 409 when a claim answered that declaration already, or when it was
/// superseded, discarded or failed and newer declarations hold its entries now (naming them),
/// 400 when an entry is already pending on another upload, and without a ledger. Marked, it
/// names the entries of the draft the ledger knows as accepted on a claim, as `capekit ledger
/// uploaded` does.
pub async fn mark_uploaded(
    State(state): State<AppState>,
    UrlPath((id, file)): UrlPath<(String, String)>,
    Query(which): Query<UploadedQuery>,
) -> Result<Response, AppError> {
    let (id, s) = load(&state, &id).await?;
    let back = format!("/triage/{id}");
    let Some(path) = state.ledger.clone() else {
        return Err(AppError::bad_request(
            "The ledger is off",
            "The workbench runs with --no-ledger, so it cannot remember this upload.",
        )
        .with_back(back, "Back to the triage"));
    };
    let refile = refile_names(s.report.refile.entries.len());
    let Some(part) = refile.iter().position(|n| *n == file) else {
        return Err(AppError::not_found(
            "No such file",
            "This triage has no refile file of that name.",
        )
        .with_back(back, "Back to the triage"));
    };
    // The page's button names the draft its download was recorded as: a page opened before a
    // new declaration replaced that draft still marks the draft it showed, never the newer one.
    let draft = match which.declaration {
        Some(d) => {
            let d = capekit_ledger::DeclarationId(d);
            let ours = s.drafts.contains(&d) || {
                let prefix = format!("{}/", ledger::draft_folder(&id));
                let p = path.clone();
                tokio::task::spawn_blocking(move || {
                    capekit_ledger::Ledger::open(&p)
                        .and_then(|l| l.find_declaration(&capekit_ledger::DeclRef::Id(d)))
                })
                .await?
                .map_err(|e| AppError::bad_request("The ledger could not be read", e.to_string()))?
                .is_some_and(|found| found.name.starts_with(&prefix))
            };
            if !ours {
                return Err(AppError::bad_request(
                    "Not recorded as uploaded",
                    format!("Declaration #{d} is not a refile of this triage."),
                )
                .with_back(back, "Back to the triage"));
            }
            Some(d)
        }
        None => s.drafts.get(part).copied(),
    };
    let Some(draft) = draft else {
        return Err(AppError::conflict(
            "Not recorded as uploaded",
            format!(
                "{file} of this triage was never recorded in the ledger ({}), so capekit cannot tell which declaration it is.",
                path.display()
            ),
        )
        .with_detail("The top of the triage page says why the ledger could not record it. Upload the claim files again: the new triage's refile is recorded as a draft, and its button marks that one.")
        .with_back(back, "Back to the triage"));
    };
    let writer = state.clone();
    let ledger_path = path.clone();
    let done =
        tokio::task::spawn_blocking(move || ledger::mark_uploaded(&writer, &ledger_path, draft))
            .await?;
    let answered = match done {
        Ok(ledger::UploadMark::Marked(u)) if u.accepted.is_empty() => {
            Ok(Redirect::to(&format!("/triage/{id}?uploaded={file}")).into_response())
        }
        Ok(ledger::UploadMark::Marked(u)) => Ok(super::declarations::accepted_page(
            draft,
            &u.accepted,
            &format!("/triage/{id}?uploaded={file}"),
            "Back to the triage",
        )),
        Ok(ledger::UploadMark::Answered(d)) => Err(AppError::conflict(
            "Not recorded as uploaded",
            format!(
                "{file} of this triage (declaration #{} {}) was answered by {} already: CBP processed it, so it is not marked uploaded. Its entries stand as that claim says; to see what CBP did with them since, triage a newer claim.",
                d.id,
                capekit_ledger::shown_name(&d.name),
                d.claim
                    .as_deref()
                    .map_or_else(|| "a claim".to_owned(), |c| format!("claim {c}")),
            ),
        )
        .with_back(back, "Back to the triage")),
        Ok(ledger::UploadMark::Stale(d, holders)) => {
            Err(stale_draft(&file, &d, &holders).with_back("/declarations", "See the declarations"))
        }
        Err(e) if e.is_busy() => Err(AppError::ledger_busy(&path, &e)),
        Err(e) => Err(
            AppError::bad_request("Not recorded as uploaded", e.to_string())
                .with_back(back, "Back to the triage"),
        ),
    };
    // The audit of a team server names the declaration marked.
    answered.map(|mut res| {
        res.extensions_mut()
            .insert(crate::team::Audited::declaration(draft));
        res
    })
}

/// Which draft an "I uploaded" button means.
#[derive(Debug, Default, Deserialize)]
pub struct UploadedQuery {
    /// The declaration number its download was recorded as.
    pub declaration: Option<i64>,
}

/// The 409 page of an "I uploaded" for a draft that is no longer one: what happened to it, which
/// declarations hold its entries now, and what to do.
fn stale_draft(
    file: &str,
    d: &capekit_ledger::Declaration,
    holders: &[capekit_ledger::Holder],
) -> AppError {
    use capekit_ledger::DeclState;
    let what = match d.state {
        DeclState::Discarded if d.note.starts_with("superseded by") => {
            format!("was {} (a newer draft replaced it)", d.note)
        }
        DeclState::Discarded => "was discarded".to_owned(),
        _ => "was marked failed (its upload failed file validation)".to_owned(),
    };
    let mut e = AppError::conflict(
        "Not recorded as uploaded",
        format!(
            "{file} of this triage (declaration #{} {}) {what}, so it is not marked uploaded.",
            d.id,
            capekit_ledger::shown_name(&d.name)
        ),
    );
    if holders.is_empty() {
        e = e.with_detail("No other declaration holds its entries now.");
    } else {
        for h in holders {
            e = e.with_detail(format!(
                "{} of its entries {} on the newer {} #{} {}{}.",
                layout::n(h.entries),
                if h.state == DeclState::Uploaded {
                    "are pending"
                } else {
                    "are held"
                },
                if h.state == DeclState::Uploaded {
                    "upload"
                } else {
                    "draft"
                },
                h.id,
                capekit_ledger::shown_name(&h.name),
                if h.state == DeclState::Draft {
                    ": download and upload that one, and say so on its page"
                } else {
                    ""
                }
            ));
        }
    }
    e.with_detail(match d.state {
        DeclState::Failed => "If you uploaded this file again after its failure, undo the failed mark on the Declarations page.",
        _ => "If you did upload this older file, discard the newer draft on the Declarations page, then undo this one's discard there and mark it uploaded.",
    })
}

/// `GET /triage/{id}/{file}`: refile.csv (or its parts), worklist.csv, worklist.xlsx,
/// report.html.
pub async fn file(
    State(state): State<AppState>,
    UrlPath((id, file)): UrlPath<(String, String)>,
) -> Result<Response, AppError> {
    let (id, s) = load(&state, &id).await?;
    tokio::task::spawn_blocking(move || build_download(&state, &id, &s, &file)).await?
}

fn build_download(
    state: &AppState,
    id: &str,
    s: &TriageSession,
    file: &str,
) -> Result<Response, AppError> {
    let r = &s.report;
    let back = format!("/triage/{id}");
    let refile = refile_names(r.refile.entries.len());
    let names = download_names(r);
    if file == "refile.csv" || (file.starts_with("refile-") && file.ends_with(".csv")) {
        if refile.is_empty() {
            return Err(AppError::not_found(
                "Nothing to refile now",
                "No entry of this triage can be declared again right now, so there is no refile file.",
            )
            .with_back(back, "Back to the triage"));
        }
        let Some(part) = refile.iter().position(|n| n == file) else {
            return Err(AppError::not_found(
                "No such file",
                format!(
                    "This triage's new declaration is in {}: {}.",
                    if refile.len() == 1 {
                        "one file".to_owned()
                    } else {
                        format!("{} files", refile.len())
                    },
                    refile.join(", ")
                ),
            )
            .with_back(back, "Back to the triage"));
        };
        let chunk = r
            .refile
            .entries
            .chunks(MAX_ENTRIES)
            .nth(part)
            .unwrap_or_default();
        // A download records nothing: a GET has no side effect, and the file was recorded as a
        // draft when the triage was made. "I uploaded it" is a POST (see `mark_uploaded`).
        return Ok(download(
            &names.refile[part],
            "text/csv; charset=utf-8",
            upload_bytes(chunk),
        ));
    }
    if file == "worklist.xlsx" {
        // The triage workbook: the worklist and the accepted entries, as the CLI writes it.
        return capekit_io::triage_out::triage_xlsx(r, &s.diagnostics())
            .map_err(|e| AppError::internal("writing the worklist workbook", e))
            .map(|bytes| {
                download(
                    &names.worklist_xlsx,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    bytes,
                )
            });
    }
    if let Some(response) =
        worklist_download(file, &names.worklist_csv, &names.worklist_xlsx, || {
            worklist_table(r, &s.diagnostics())
        })
    {
        return response;
    }
    let importers = session_importers(state, s);
    let all = capekit_io::triage_out::triage_names(r, &importers);
    if file == "report.html" {
        let html = report_html(r, &s.diagnostics(), &names.refile, &all.importer_reports);
        return Ok(download(
            &names.report,
            "text/html; charset=utf-8",
            html.into_bytes(),
        ));
    }
    if let Some(i) = all.importer_reports.iter().position(|n| n == file) {
        let groups = capekit_io::triage_out::importer_groups(r, &importers);
        if let Some(g) = groups.get(i) {
            let html = capekit_io::triage_out::importer_report_html(r, g, &names.refile);
            return Ok(download(
                file,
                "text/html; charset=utf-8",
                html.into_bytes(),
            ));
        }
    }
    Err(AppError::not_found(
        "No such file",
        format!(
            "A triage offers refile.csv, worklist.xlsx, worklist.csv, report.html and a report per importer ({}).",
            all.importer_reports.join(", ")
        ),
    )
    .with_back(back, "Back to the triage"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refile_names_split_past_9999() {
        assert!(refile_names(0).is_empty());
        assert_eq!(refile_names(9_999), vec!["refile.csv"]);
        assert_eq!(refile_names(10_000), vec!["refile-01.csv", "refile-02.csv"]);
    }
}
