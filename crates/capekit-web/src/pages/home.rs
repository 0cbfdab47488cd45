//! `GET /`: the start page. One box to drop the files ACE gave back or an ES-003 entry report (a
//! plain file input and a button do the same without script), the uploads of this run, and the
//! ledger at a glance: entries by state and the nearest deadlines, as `capekit ledger status`
//! counts them.

use axum::extract::State;
use axum::response::Response;
use capekit_core::catalog::Action;
use capekit_ledger::{Ledger, LedgerStatus};
use maud::{Markup, html};

use super::private_page;
use crate::error::AppError;
use crate::session::Session;
use crate::{AppState, MAX_UPLOAD_BYTES, layout};

/// `GET /`.
pub async fn page(State(state): State<AppState>) -> Result<Response, AppError> {
    let glance = {
        let state = state.clone();
        tokio::task::spawn_blocking(move || read_glance(&state)).await?
    };
    let body = html! {
        p.lead {
            "Give capekit the files ACE sent back for your CAPE declarations. It tells you which entries were accepted, "
            "what each rejection means and what to do about it, and writes the next declaration for you, "
            "with only the entries that can be declared again. "
            "Give it an ES-003 entry report before you declare, and it tells you which entries CAPE can take, "
            "by when, and writes the declarations."
        }
        form.upload method="post" action="/upload" enctype="multipart/form-data" data-progress {
            (crate::team::csrf_field())
            div.dropzone #dropzone data-max-bytes=(MAX_UPLOAD_BYTES) {
                p.big { "Drop your files here" }
                p { "or choose them:" }
                input #files type="file" name="files" multiple
                    accept=".csv,.xlsx,.xls,.txt,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
                ul #chosen.chosen {}
                p #too-big.warn hidden { "These files add up to more than 20 MB, which capekit does not take in one upload." }
            }
            details.options {
                summary { "Options" }
                label for="as_of" { "Apply CBP's rules as they stood on (leave empty for today)" }
                input #as_of type="date" name="as_of";
                label for="filer" { "Your filer code, if you file as a broker (optional): only entries bearing it go on a plan's declarations" }
                input #filer type="text" name="filer" size="4" maxlength="3" placeholder="B76" autocomplete="off";
            }
            p { button.primary type="submit" { "Read these files" } }
            p.progress hidden {
                progress {}
                span.progress-text aria-live="polite" {}
            }
        }
        section.accepts {
            h2 { "What to upload" }
            ul {
                li { b { "Claim Details" } " - ACE Portal > CAPE > Claim Status > your claim > Claim Details (CSV or Excel). Several claims at once are read together." }
                li { b { "Validation Result Files" } " - ACE Portal > CAPE > File Uploads." }
                li { b { "The declaration you uploaded" } " (the " code { "Entry Number" } " file), together with its claim files: capekit then also finds entries that are in no claim file." }
                li {
                    b { "ES-003 entry reports" } " - ACE Reports > \"Entry Summary Line Tariff Details\" (CSV or Excel), with the liquidation, reconciliation, control and protest columns if you can. "
                    "Alone, they make a plan: the path of each entry (declare in CAPE, correct first, protest...), its deadlines, and one declaration file per importer. "
                    "With claim files, they add dates to the advice on rejected entries."
                }
                li { "A declaration " b { "alone" } " is checked before you upload it: see " a href="/check" { "Check a declaration" } "." }
            }
            p.muted { "Files are read on this computer and saved in " code { (state.upload_dir.display().to_string()) } " under generated names." }
        }
        (recent(&state))
        (ledger_at_a_glance(&state, &glance))
    };
    Ok(private_page(layout::page(
        "Read the files ACE sent back",
        body,
    )))
}

/// The uploads held, newest first, and the uploads saved in the folder that are not open (made
/// before capekit was restarted, or removed from memory): each opens again from its files.
fn recent(state: &AppState) -> Markup {
    let sessions = state.sessions.list();
    let open: std::collections::HashSet<crate::session::SessionId> =
        sessions.iter().map(|(id, _)| id.clone()).collect();
    let saved = crate::persist::saved_uploads(&state.upload_dir, &open, SAVED_LISTED);
    let more = crate::persist::saved_count(&state.upload_dir, &open).saturating_sub(saved.len());
    html! {
        @if !saved.is_empty() {
            section #saved {
                h2 { "Earlier uploads" }
                p.muted { "Saved in the upload folder. Opening one reads its files again, with the same rules date; nothing is recorded in the ledger again." }
                table {
                    thead { tr { th { "uploaded" } th { "what" } th { "files" } } }
                    tbody {
                        @for (id, m) in &saved {
                            @let (path, what) = match m.job {
                                crate::persist::Job::Triage => ("triage", "Triage"),
                                crate::persist::Job::Plan => ("plan", "Plan"),
                                crate::persist::Job::Check => ("check", "Declaration check"),
                            };
                            tr {
                                td { (layout::local_time(m.created)) }
                                td { a href={ "/" (path) "/" (id) } { "Open the " (what.to_lowercase()) } }
                                td { (m.files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")) }
                            }
                        }
                    }
                }
                @if more > 0 {
                    p.meta { (layout::n(more)) " older upload" @if more != 1 { "s are" } @else { " is" } " saved too." }
                }
            }
        }
        @if !sessions.is_empty() {
            section {
                h2 { "Your uploads since capekit started" }
                table {
                    thead { tr { th { "uploaded" } th { "what" } th { "files" } th { "result" } } }
                    tbody {
                        @for (id, s) in sessions.iter().take(20) {
                            @match s {
                                Session::Triage(t) => tr {
                                    td { (time(t.created)) }
                                    td { a href={ "/triage/" (id) } { "Triage" } }
                                    td { (t.files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")) }
                                    td { (layout::entries(t.report.refile.entries.len())) " to refile" }
                                },
                                Session::Plan(p) => tr {
                                    td { (time(p.created)) }
                                    td { a href={ "/plan/" (id) } { "Plan" } }
                                    td { (p.file_names().join(", ")) }
                                    td {
                                        (layout::entries(p.plan.reconciliation.entries)) ", "
                                        (layout::n(p.plan.urgent().len())) " urgent"
                                    }
                                },
                                Session::Check(c) => tr {
                                    td { (time(c.created)) }
                                    td { a href={ "/check/" (id) } { "Declaration check" } }
                                    td { (c.file.name) }
                                    td { @if c.report.uploadable { "uploadable" } @else { "not uploadable" } }
                                },
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The earlier uploads listed on the start page: the newest.
const SAVED_LISTED: usize = 20;

fn time(t: jiff::Timestamp) -> String {
    capekit_core::words::shown_time(t)
}

/// What the ledger holds, read for the start page.
#[derive(Debug)]
enum Glance {
    /// `--no-ledger`.
    Off,
    /// The ledger's status.
    Status(Box<LedgerStatus>),
    /// The ledger could not be read: why.
    Failed(String),
}

fn read_glance(state: &AppState) -> Glance {
    let Some(path) = &state.ledger else {
        return Glance::Off;
    };
    // Deadlines from today on: a passed one can no longer be met, and listed first it would
    // hide the ones that still can.
    match Ledger::open(path).and_then(|l| capekit_app::status::status(&l, state.today())) {
        Ok(s) => Glance::Status(Box::new(s)),
        Err(e) => {
            eprintln!(
                "capekit serve: error: reading the ledger {}: {e}",
                path.display()
            );
            Glance::Failed(e.to_string())
        }
    }
}

/// Ledger at a glance: entries by state, rejected ones by action, the nearest deadlines.
fn ledger_at_a_glance(state: &AppState, glance: &Glance) -> Markup {
    let today = state.today();
    html! {
        section.ledger #ledger {
            h2 { "Ledger at a glance" }
            @match glance {
                Glance::Off => {
                    p {
                        b { "The ledger is off" } " (capekit was started with " code { "--no-ledger" } "). "
                        "capekit remembers nothing between uploads, so it cannot warn you about an entry accepted on an earlier claim "
                        "or still waiting on an earlier declaration. Start it without " code { "--no-ledger" } " to keep a ledger."
                    }
                }
                Glance::Failed(why) => {
                    div.notice.bad { p { "The ledger could not be read: " (why) "." } }
                }
                Glance::Status(s) if s.entries.total == 0 => {
                    p {
                        "Nothing recorded yet. Every claim file, declaration and entry report read here is recorded in the ledger, "
                        "so that no entry is ever declared twice and every deadline stays in view."
                    }
                    p.muted { "Ledger file: " code { (s.path) } }
                }
                Glance::Status(s) => {
                    (status(s, today))
                }
            }
        }
    }
}

fn status(s: &LedgerStatus, today: jiff::civil::Date) -> Markup {
    let e = &s.entries;
    html! {
        p {
            (layout::entries(e.total)) " recorded from "
            (layout::n(s.files.values().sum::<usize>())) " file" @if s.files.values().sum::<usize>() != 1 { "s" }
            " and " (layout::n(s.claims)) " claim" @if s.claims != 1 { "s" } "."
        }
        div.tiles {
            div.tile.ok { b { (layout::n(e.accepted)) } (state_words("accepted")) " - never declare again" }
            div.tile.bad { b { (layout::n(e.rejected)) } "rejected on their latest claim" }
            div.tile.mixed { b { (layout::n(e.pending)) } (state_words("pending")) " - waiting for its claim" }
            @if e.drafted > 0 {
                div.tile.mixed { a href="/declarations" { b { (layout::n(e.drafted)) } (state_words("drafted")) " - not marked uploaded" } }
            }
            @if e.unknown > 0 {
                div.tile { b { (layout::n(e.unknown)) } (state_words("unknown")) " (known from entry reports)" }
            }
        }
        @if !s.rejected_by_action.is_empty() {
            h3 { "Rejected entries, by what to do" }
            table.by-action {
                thead { tr { th { "action" } th.num { "entries" } th { "what it means" } } }
                tbody {
                    @for a in &s.rejected_by_action {
                        tr {
                            td { span.action title=(a.action.describe()) { (a.action.as_str()) } }
                            td.num { (layout::n(a.entries)) }
                            td { (a.action.describe()) }
                        }
                    }
                }
            }
            @if s.rejected_by_action.iter().any(|a| a.action == Action::Refile) {
                p.muted {
                    "Entries to refile go on the new declaration of the next triage: upload their claim's Claim Details above, or open its triage and "
                    "add the entries you corrected. (On the command line, " code { "capekit refile" } " writes it too.)"
                }
            }
        }
        @if s.escalations > 0 {
            div.notice.bad {
                p {
                    (layout::entries(s.escalations)) " rejected 3 or more times with the same message that says to try again: "
                    "time to write to CBP at " a href="mailto:IEEPARefunds@cbp.dhs.gov" { "IEEPARefunds@cbp.dhs.gov" }
                    " with the entry and claim numbers (find each entry with the box at the top for its history). "
                    "(On the command line, " code { "capekit ledger escalate" } " drafts the email.)"
                }
            }
        }
        h3 { "Nearest deadlines" }
        @if s.deadlines.is_empty() {
            p.muted { "No deadline known yet: upload an ES-003 entry report to see each entry's CAPE window and protest deadline here." }
        } @else {
            table.deadlines {
                thead { tr { th { "date" } th { "deadline" } th { "entry" } th { "where it stands" } th { "importer" } } }
                tbody {
                    // One row a deadline: one date of one kind for one importer, however many
                    // entries share it (a court date is shared by thousands).
                    @for group in capekit_ledger::deadline_groups(&s.deadlines) {
                        @let d = &group[0];
                        @let left = d.days_left.unwrap_or_else(|| capekit_core::deadline::days_between(today, d.date));
                        tr class=(if left < 0 { "passed" } else if d.urgent() { "soon" } else { "" }) {
                            td { (layout::deadline(d.kind, d.date, left)) }
                            td { (d.kind.describe()) }
                            td.mono {
                                @for (k, x) in group.iter().take(3).enumerate() {
                                    @if k > 0 { ", " }
                                    a href={ "/entry/" (x.entry) } { (x.entry.as_str()) }
                                }
                                @if group.len() > 3 { " and " (group.len() - 3) " more" }
                            }
                            td {
                                @if group.len() == 1 { (state_words(d.state)) } @else { (group.len()) " entries" }
                            }
                            td.mono { (d.importer.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
            @if s.deadlines_total > s.deadlines.len() {
                p.muted { "The nearest deadlines are listed (" (s.deadlines.len()) " of " (s.deadlines_total) " entries with an open deadline); the ledger export lists every entry." }
            }
        }
        p.muted { "Ledger file: " code { (s.path) } }
    }
}

/// An entry state as `LedgerStatus` names it, in words.
fn state_words(state: &str) -> &str {
    capekit_ledger::EntryState::label_of(state)
}
