//! `GET /declarations`: every declaration the ledger knows, with its state (draft, uploaded,
//! answered, failed, discarded), entries, age and claim, and the buttons that move it, as
//! `capekit ledger declarations`, `uploaded`, `failed`, `discard` and `undo` do.
//!
//! Each button is a form that POSTs (the same-origin check of every POST applies); the page
//! itself changes nothing.

use axum::extract::{Path as UrlPath, State};
use axum::response::{IntoResponse, Redirect, Response};
use capekit_ledger::{DeclState, Declaration, DeclarationId, Ledger, Mark};
use maud::{Markup, html};

use super::private_page;
use crate::AppState;
use crate::error::AppError;
use crate::layout;
use crate::ledger::{shown_time, write};

/// `GET /declarations`.
pub async fn page(State(state): State<AppState>) -> Result<Response, AppError> {
    let Some(path) = state.ledger.clone() else {
        return Err(AppError::bad_request(
            "The ledger is off",
            "The workbench runs with --no-ledger: no declaration is remembered.",
        ));
    };
    let list = tokio::task::spawn_blocking(move || Ledger::open(&path)?.declarations())
        .await?
        .map_err(|e| AppError::bad_request("The ledger could not be read", e.to_string()))?;
    Ok(private_page(layout::page("Declarations", body(&list))))
}

fn body(list: &[Declaration]) -> Markup {
    let now = jiff::Timestamp::now();
    html! {
        p {
            "Only a declaration marked uploaded makes its entries pending with CBP. A draft holds its "
            "entries from every other file until it is uploaded or discarded; a failed or discarded "
            "declaration releases them. A wrong mark can be undone, and the undo is recorded."
        }
        @if list.is_empty() {
            p #no-declarations { "No declaration is recorded yet." }
        } @else {
            table #declarations {
                thead { tr { th { "#" } th { "state" } th { "entries" } th { "held" } th { "age" } th { "claim" } th { "file" } th { "" } } }
                tbody {
                    @for d in list {
                        tr id={ "declaration-" (d.id) } {
                            td.mono { (d.id) }
                            td { span.state-word { (d.state.as_str()) }
                                @if d.unconfirmed { br; span.meta { "recorded by an older capekit: confirm or discard" } }
                                @if d.stale(now) { br; span.meta { "no claim after 2 days: look in ACE, File Uploads then Claim Status" } }
                            }
                            td { (layout::n(d.entries)) }
                            td { (layout::n(d.holding)) }
                            td { @match d.days_uploaded(now) {
                                Some(days) => { @match days.max(0) {
                                    0 => { "uploaded today" },
                                    1 => { "uploaded yesterday" },
                                    n => { "uploaded " (n) " days ago" },
                                } },
                                None => { "recorded " (shown_time(d.recorded_at)) },
                            } }
                            td.mono { (d.claim.as_deref().unwrap_or("")) }
                            td { (capekit_ledger::shown_name(&d.name)) @if !d.note.is_empty() { br; span.meta { (d.note) } } }
                            td { (buttons(d)) }
                        }
                    }
                }
            }
        }
    }
}

fn buttons(d: &Declaration) -> Markup {
    let can = |to: DeclState| capekit_ledger::allowed(d.state, to, d.unconfirmed);
    let reviewer = crate::team::current().is_some_and(|c| c.role.may_sign_off());
    html! {
        @if reviewer && d.state == DeclState::Draft {
            form.inline method="post" action={ "/declarations/" (d.id) "/signoff" } {
                (crate::team::csrf_field())
                button.button type="submit" { "Sign off" }
            }
        }
        @if can(DeclState::Uploaded) || (d.unconfirmed && d.state == DeclState::Uploaded) {
            form.inline method="post" action={ "/declarations/" (d.id) "/uploaded" } {
                (crate::team::csrf_field())
                button.button type="submit" { @if d.unconfirmed { "Confirm uploaded" } @else { "I uploaded it" } }
            }
        }
        @if can(DeclState::Failed) {
            form.inline method="post" action={ "/declarations/" (d.id) "/failed" } {
                (crate::team::csrf_field())
                button.button type="submit" { "Its upload failed" }
            }
        }
        @if can(DeclState::Discarded) {
            form.inline method="post" action={ "/declarations/" (d.id) "/discard" } {
                (crate::team::csrf_field())
                button.button type="submit" { "Discard" }
            }
        }
        @if matches!(d.state, DeclState::Uploaded | DeclState::Failed | DeclState::Discarded) && !d.unconfirmed {
            form.inline method="post" action={ "/declarations/" (d.id) "/undo" } {
                (crate::team::csrf_field())
                button.button type="submit" { "Undo the last mark" }
            }
        }
    }
}

/// What a declaration's button asks.
enum Act {
    SignOff(String),
    Uploaded,
    Mark(Mark),
    Undo,
}

/// `POST /declarations/{id}/{action}`: uploaded, failed, discard or undo.
pub async fn act(
    State(state): State<AppState>,
    UrlPath((id, action)): UrlPath<(i64, String)>,
) -> Result<Response, AppError> {
    let back = ("/declarations".to_owned(), "Back to the declarations");
    let Some(path) = state.ledger.clone() else {
        return Err(AppError::bad_request(
            "The ledger is off",
            "The workbench runs with --no-ledger: no declaration is remembered.",
        ));
    };
    let team = state.team.is_some();
    let act = match action.as_str() {
        // A reviewer's word that the draft may be uploaded (team servers).
        "signoff" => Act::SignOff(crate::team::require(capekit_ledger::Role::Reviewer)?.name),
        // Marked as `capekit ledger uploaded` marks it, naming its entries known as accepted.
        "uploaded" => Act::Uploaded,
        "failed" => Act::Mark(Mark::Failed {
            note: "marked failed on the workbench".to_owned(),
        }),
        "discard" => Act::Mark(Mark::Discarded {
            note: "discarded on the workbench".to_owned(),
        }),
        "undo" => Act::Undo,
        _ => {
            return Err(AppError::not_found(
                "No such action",
                "A declaration can be marked uploaded, failed or discarded, or its last mark undone; on a team server a reviewer signs it off.",
            )
            .with_back(back.0, back.1));
        }
    };
    let writer = state.clone();
    let done = tokio::task::spawn_blocking(move || {
        write(
            &writer.writes,
            &path,
            writer.ledger_busy_timeout,
            |l| match &act {
                Act::SignOff(who) => l.sign_off(DeclarationId(id), who).map(|()| Vec::new()),
                Act::Uploaded => {
                    crate::team::check_signed_off(l, team, DeclarationId(id))?;
                    capekit_app::uploaded::declaration(l, DeclarationId(id), None, None)
                        .map(|u| u.accepted)
                }
                Act::Mark(m) => l.mark(DeclarationId(id), m).map(|_| Vec::new()),
                Act::Undo => l.undo(DeclarationId(id)).map(|_| Vec::new()),
            },
        )
    })
    .await?;
    match done {
        Ok(accepted) if accepted.is_empty() => {
            Ok(Redirect::to(&format!("/declarations#declaration-{id}")).into_response())
        }
        Ok(accepted) => Ok(accepted_page(
            DeclarationId(id),
            &accepted,
            &format!("/declarations#declaration-{id}"),
            "Back to the declarations",
        )),
        Err(e) => {
            Err(AppError::bad_request("Not changed", e.to_string()).with_back(back.0, back.1))
        }
    }
}

/// The warning `capekit ledger uploaded` prints, as a page: the upload (the ledger's declaration
/// `id`, just marked uploaded) holds entries the ledger knows as accepted on a claim, which CBP
/// will reject. Every "I uploaded" of the workbench answers with it when there are some.
pub(crate) fn accepted_page(
    id: DeclarationId,
    accepted: &[(capekit_core::EntryNumber, String)],
    back: &str,
    back_label: &str,
) -> Response {
    private_page(layout::page(
        "Marked uploaded",
        accepted_body(id, accepted, back, back_label),
    ))
}

fn accepted_body(
    id: DeclarationId,
    accepted: &[(capekit_core::EntryNumber, String)],
    back: &str,
    back_label: &str,
) -> Markup {
    let n = accepted.len();
    html! {
        h1 { "Declaration #" (id) " marked uploaded" }
        p.warning {
            "It holds " (n) (if n == 1 { " entry" } else { " entries" })
            " the ledger knows as accepted on a claim. CBP accepts an entry once, so expect a rejection for each; leave them off the next declaration (capekit check names them, F023)."
        }
        table {
            thead { tr { th { "Entry number" } th { "Accepted on claim" } } }
            tbody {
                @for (e, claim) in accepted.iter().take(100) {
                    tr { td.mono { (e) } td.mono { (claim) } }
                }
            }
        }
        @if n > 100 {
            p { "... and " (n - 100) " more." }
        }
        p { a href=(back) { (back_label) } }
    }
}
