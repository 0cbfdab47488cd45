//! `GET /`: the start page. One box to drop the files ACE gave back (a plain file input and a
//! button do the same without script), the uploads of this run, and the ledger at a glance.

use axum::extract::State;
use axum::response::Response;
use maud::{Markup, html};

use super::private_page;
use crate::session::Session;
use crate::{AppState, MAX_UPLOAD_BYTES, layout};

/// `GET /`.
pub async fn page(State(state): State<AppState>) -> Response {
    let body = html! {
        p.lead {
            "Give capekit the files ACE sent back for your CAPE declarations. It tells you which entries were accepted, "
            "what each rejection means and what to do about it, and writes the next declaration for you, "
            "with only the entries that can be declared again."
        }
        form.upload method="post" action="/upload" enctype="multipart/form-data" {
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
            }
            p { button.primary type="submit" { "Read these files" } }
        }
        section.accepts {
            h2 { "What to upload" }
            ul {
                li { b { "Claim Details" } " - ACE Portal > CAPE > Claim Status > your claim > Claim Details (CSV or Excel). Several claims at once are read together." }
                li { b { "Validation Result Files" } " - ACE Portal > CAPE > File Uploads." }
                li { b { "The declaration you uploaded" } " (the " code { "Entry Number" } " file), together with its claim files: capekit then also finds entries that are in no claim file." }
                li { "A declaration " b { "alone" } " is checked before you upload it: see " a href="/check" { "Check a declaration" } "." }
                li.muted { "ES-003 entry reports from ACE: coming soon." }
            }
            p.muted { "Files are read on this computer and saved in " code { (state.upload_dir.display().to_string()) } " under generated names." }
        }
        (recent(&state))
        @if let Some(glance) = ledger_at_a_glance(&state) {
            (glance)
        }
    };
    private_page(layout::page("Read the files ACE sent back", body))
}

/// The uploads of this server run, newest first.
fn recent(state: &AppState) -> Markup {
    let sessions = state.sessions.list();
    html! {
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

fn time(t: jiff::Timestamp) -> String {
    let zoned = t.to_zoned_datetime(jiff::tz::TimeZone::system());
    zoned.strftime("%Y-%m-%d %H:%M").to_string()
}

/// Ledger at a glance: what the ledger holds, when the server has one.
///
/// The ledger (crates/capekit-ledger) is being written; until its reader is wired in here, a
/// configured ledger shows its path only. With no ledger configured this renders nothing.
pub fn ledger_at_a_glance(state: &AppState) -> Option<Markup> {
    let path = state.ledger.as_ref()?;
    Some(html! {
        section.ledger #ledger {
            h2 { "Ledger at a glance" }
            p { "Ledger: " code { (path.display().to_string()) } }
        }
    })
}
