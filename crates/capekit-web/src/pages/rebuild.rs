//! `/triage/{id}/rebuild`: the entries corrected since (pasted, or as a file) run through the
//! same triage with `corrected`, giving a new refile download and the corrected entries left
//! out, each with its reason (accepted already, a problem a correction does not change...).

use std::sync::Arc;

use axum::extract::{Multipart, Path as UrlPath, State};
use axum::response::{IntoResponse, Redirect, Response};
use capekit_core::known::Known;
use capekit_core::triage::triage;
use maud::html;

use super::{open_triage, private_page, read_form, session_id};
use crate::AppState;
use crate::error::AppError;
use crate::layout::{self, entries};
use crate::ledger::{self, LedgerNote};
use crate::pages::triage::refile_names;
use crate::session::{Corrected, FileKind, Session, UploadedFile, save_upload};

/// `GET /triage/{id}/rebuild`.
pub async fn page(
    State(state): State<AppState>,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, AppError> {
    let id = session_id(&id)?;
    let s = open_triage(&state, &id).await?;
    let r = &s.report;
    let refile = refile_names(r.refile.entries.len());
    let body = html! {
        p.lead {
            "List the entries you have corrected in ACE since this triage (or whose wait is over, such as "
            "entries in trade control). capekit puts on the new declaration every entry CBP rejected for a reason "
            "that can simply be refiled, plus those of your entries that a correction or a wait can clear, "
            "and tells you why it leaves any other out."
        }
        p { a href={ "/triage/" (id) } { "Back to the triage" } }
        @if let Some(c) = &s.corrected {
            section.result #result {
                h2 { "The new declaration" }
                @if refile.is_empty() {
                    div.notice.bad { p { "No entry can be declared now, so there is no file to upload." } }
                } @else {
                    div.notice.ok {
                        p {
                            (entries(r.refile.entries.len())) ", of which "
                            (layout::n(r.refile.from_corrected)) " from your list. Upload "
                            @if refile.len() == 1 { "it" } @else { "each file" }
                            " on ACE Portal > CAPE > File Uploads."
                        }
                    }
                    p {
                        @for (i, name) in refile.iter().enumerate() {
                            a.button.primary id={ "download-refile" @if refile.len() > 1 { "-" (i + 1) } }
                                href={ "/triage/" (id) "/" (name) } download { "Download " (name) }
                        }
                    }
                }
                @if !r.refile.left_out.is_empty() {
                    h2 { "Entries left out of the new declaration" }
                    table {
                        thead { tr { th { "entry" } th { "why it is not on the new declaration" } } }
                        tbody {
                            @for l in &r.refile.left_out {
                                tr {
                                    td.mono { a href={ "/entry/" (l.entry_number) "?session=" (id) } { (l.entry_number) } }
                                    td { (layout::with_code(&l.reason)) }
                                }
                            }
                        }
                    }
                }
                @if !c.diagnostics.is_empty() {
                    h2 { "Lines of your list that are not entry numbers" }
                    table {
                        thead { tr { th { "where" } th { "value" } th { "problem" } } }
                        tbody {
                            @for d in &c.diagnostics {
                                tr {
                                    td { (d.file.as_deref().unwrap_or("")) " " (d.position().unwrap_or_default()) }
                                    td.mono { (d.value.as_deref().unwrap_or("")) }
                                    td { (layout::with_code(&d.message)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        section {
            h2 { @if s.corrected.is_some() { "Change the list" } @else { "Your corrected entries" } }
            form.rebuild method="post" action={ "/triage/" (id) "/rebuild" } enctype="multipart/form-data" data-progress {
                (crate::team::csrf_field())
                label for="entries" { "Paste entry numbers, one a line (dashes and spaces are fine):" }
                textarea #entries name="entries" rows="10" placeholder="B76-4411918-5" {
                    @if let Some(c) = &s.corrected { (c.text) }
                }
                p {
                    label for="file" { "or choose a file (one entry number a line, or a CSV or Excel file with an entry number column): " }
                    input #file type="file" name="file" accept=".csv,.txt,.xlsx,.xls";
                }
                p.muted { "A new list replaces the one given before." }
                p { button.primary type="submit" { "Make the new declaration" } }
                p.progress hidden {
                    progress {}
                    span.progress-text aria-live="polite" {}
                }
            }
        }
    };
    Ok(private_page(layout::page("Add corrected entries", body)))
}

/// `POST /triage/{id}/rebuild`.
pub async fn submit(
    State(state): State<AppState>,
    UrlPath(id): UrlPath<String>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let id = session_id(&id)?;
    let s = open_triage(&state, &id).await?;
    let form = read_form(&mut multipart).await?;
    let back = format!("/triage/{id}/rebuild");
    let pasted = form.text("entries").map(str::to_owned);
    let file = form.files.into_iter().next();
    if pasted.is_none() && file.is_none() {
        return Err(AppError::bad_request(
            "No entries given",
            "Paste the corrected entry numbers into the box, or choose a file, and press the button again.",
        )
        .with_back(back, "Back"));
    }
    let dir = state.upload_dir.clone();
    let target = format!("/triage/{id}/rebuild#result");
    let done = tokio::task::spawn_blocking(move || -> Result<(), AppError> {
        let mut corrected = Corrected {
            entries: Vec::new(),
            diagnostics: Vec::new(),
            text: pasted.clone().unwrap_or_default(),
        };
        // Read as `capekit triage --corrected` reads its list: another kind of file (a Claim
        // Details, whose every entry would be refiled) or a list of no entry number is refused.
        let read = |name: &str, bytes: &[u8]| {
            capekit_app::triage::corrected_list(
                name,
                bytes,
                "the Add corrected entries form",
                "only the entries you corrected (or waited for) since the claim",
            )
            .map_err(|why| {
                AppError::unusable_file("The list cannot be used", why)
                    .with_back(back.clone(), "Back")
            })
        };
        if let Some(text) = &pasted {
            let (e, d) = read("The pasted list", text.as_bytes())?;
            corrected.entries.extend(e);
            corrected.diagnostics.extend(d);
        }
        let mut saved = None;
        if let Some(f) = file {
            let (e, d) = read(&f.name, &f.bytes)?;
            corrected.entries.extend(e);
            corrected.diagnostics.extend(d);
            let stored = save_upload(&dir, &id, s.files.len() + 1, &f.bytes).map_err(|e| {
                AppError::internal(format!("saving the upload in {}", dir.display()), e)
            })?;
            saved = Some(UploadedFile {
                name: f.name,
                stored,
                size: f.bytes.len(),
                kind: FileKind::CorrectedList,
            });
        }
        let mut input = s.input.clone();
        input.corrected.clone_from(&corrected.entries);
        input.known = Known::new();
        let mut report = triage(&input, s.as_of);
        let (note, drafts) = match &state.ledger {
            None => (LedgerNote::Off, Vec::new()),
            Some(path) => {
                // The new declaration is a draft of this upload, superseding the one it made
                // before, as a re-run of `capekit triage` into the same folder does.
                let recorded = ledger::write(&state.writes, path, state.ledger_busy_timeout, |l| {
                    let mut tried = (input.clone(), report.clone());
                    let reservation = l.reserve()?;
                    let drafts = ledger::reserve_refile(
                        &reservation,
                        &id.to_string(),
                        &mut tried.0,
                        &mut tried.1,
                    )?;
                    reservation.commit()?;
                    Ok((tried, drafts))
                });
                match recorded {
                    // What the upload recorded still holds.
                    Ok(((i, r), drafts)) => {
                        input = i;
                        report = r;
                        (s.ledger.clone(), drafts)
                    }
                    Err(e) if e.is_busy() => return Err(AppError::ledger_busy(path, &e)),
                    Err(e) => (
                        ledger::failed(path, "recording the new declaration", &e),
                        Vec::new(),
                    ),
                }
            }
        };
        let next = s.with_corrected(corrected, saved, input, report, note, drafts);
        crate::pages::upload::keep(&state, &id, Session::Triage(Arc::new(next)));
        Ok(())
    });
    done.await??;
    Ok(Redirect::to(&target).into_response())
}
