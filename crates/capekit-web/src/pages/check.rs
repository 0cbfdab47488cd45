//! `/check`: a declaration checked before upload, each finding shown under the line it belongs
//! to, the verdict (uploadable or not), and the fixed file to download (`fix::plan_fix` written
//! by `upload::upload_bytes`, the one writer of CAPE uploads).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use axum::extract::{Multipart, Path as UrlPath, State};
use axum::response::{IntoResponse, Redirect, Response};
use capekit_core::check::MAX_ENTRIES;
use capekit_core::{Diagnostic, Severity};
use capekit_io::declaration::{parse_declaration, source_lines};
use capekit_io::upload::{part_paths, upload_bytes};
use maud::{Markup, html};

use super::{download, open_check, private_page, read_form, reopened_notice, session_id};
use crate::error::AppError;
use crate::layout::{self, entries, n};
use crate::ledger::LedgerNote;
use crate::pages::upload::check_session;
use crate::session::{CheckSession, FileKind, Session, SessionId, UploadedFile, save_upload};
use crate::{AppState, MAX_UPLOAD_BYTES};

/// Past this many lines only the lines with findings are shown.
pub const MAX_LINES_SHOWN: usize = 2_000;

/// `GET /check`.
pub async fn form() -> Response {
    let body = html! {
        p.lead {
            "Check a declaration before you upload it to CAPE. capekit applies every file rule ACE applies "
            "(the " code { "Entry Number" } " header, one column, at most 9,999 entries, under 1 MB, valid entry numbers, no duplicates) "
            "and shows each problem under its line. It also offers a corrected file to download."
        }
        form.upload method="post" action="/check" enctype="multipart/form-data" data-progress {
            (crate::team::csrf_field())
            div.dropzone #dropzone data-max-bytes=(MAX_UPLOAD_BYTES) {
                p.big { "Drop the declaration here" }
                p { "or choose it:" }
                input #files type="file" name="file" accept=".csv,.txt,.xlsx,.xls";
                ul #chosen.chosen {}
                p #too-big.warn hidden { "This file is larger than 20 MB, which capekit does not take." }
            }
            p {
                label for="filer" { "Your filer code, if you file as a broker (optional): " }
                input #filer type="text" name="filer" size="4" maxlength="3" placeholder="B76" autocomplete="off";
            }
            p.muted { "With a filer code, capekit also flags entries filed by someone else: a broker may declare only its own entries." }
            p { button.primary type="submit" { "Check this file" } }
            p.progress hidden {
                progress {}
                span.progress-text aria-live="polite" {}
            }
        }
    };
    private_page(layout::page("Check a declaration", body))
}

/// `POST /check`.
pub async fn submit(
    State(state): State<AppState>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let form = read_form(&mut multipart).await?;
    let filer = super::filer_code(form.text("filer"), "/check")?;
    let Some(file) = form.files.into_iter().next() else {
        return Err(AppError::bad_request(
            "No file was chosen",
            "Choose the declaration file (or drag it onto the box) and press the button again.",
        )
        .with_back("/check", "Back"));
    };
    let id = SessionId::generate().map_err(|e| AppError::internal("making a session id", e))?;
    let target = format!("/check/{id}");
    tokio::task::spawn_blocking(move || -> Result<(), AppError> {
        let stored = save_upload(&state.upload_dir, &id, 1, &file.bytes).map_err(|e| {
            AppError::internal(
                format!("saving the upload in {}", state.upload_dir.display()),
                e,
            )
        })?;
        let input = parse_declaration(&file.name, &file.bytes);
        let uploaded = UploadedFile {
            name: file.name,
            stored,
            size: file.bytes.len(),
            kind: FileKind::Declaration,
        };
        let session = check_session(&state, uploaded, file.bytes, input, filer);
        crate::pages::upload::keep(&state, &id, Session::Check(Arc::new(session)));
        Ok(())
    })
    .await??;
    Ok(Redirect::to(&target).into_response())
}

async fn load(state: &AppState, id: &str) -> Result<(String, Arc<CheckSession>), AppError> {
    let id = session_id(id)?;
    let s = open_check(state, &id).await?;
    Ok((id.to_string(), s))
}

/// The names the fixed upload's parts are saved as: `fixed-NAME-DATE.csv`, the uploaded
/// file's name (made safe) and the day, so that two repaired files never share a name in a
/// Downloads folder. The buttons show them too.
fn saved_names(uploaded: &str, today: jiff::civil::Date, parts: usize) -> Vec<String> {
    capekit_io::names::part_names(
        capekit_io::names::Kind::Fixed,
        capekit_io::names::Whose {
            of: Some(capekit_io::names::file_stem(uploaded)),
            ..capekit_io::names::Whose::default()
        },
        today,
        parts,
    )
}

/// The file names of the fixed upload in its links (saved under [`saved_names`]).
fn fixed_names(entries: usize) -> Vec<String> {
    if entries == 0 {
        return Vec::new();
    }
    part_paths(
        Path::new("declaration-fixed.csv"),
        entries.div_ceil(MAX_ENTRIES),
    )
    .into_iter()
    .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
    .collect()
}

fn severity_class(s: Severity) -> &'static str {
    s.as_str()
}

fn finding(d: &Diagnostic) -> Markup {
    html! {
        div class={ "finding " (severity_class(d.severity())) } {
            span class={ "sev " (severity_class(d.severity())) } { (d.severity().as_str()) }
            " "
            a.code href={ "/rules/" (d.code()) } title="What this rule means" { (d.code()) }
            " "
            @if let Some(cell) = &d.cell { span.meta { (cell) ": " } }
            (layout::with_code(&on_this_page(&d.message)))
        }
    }
}

/// A finding's words as this page says them: the command line's `capekit fix` is the corrected
/// file's download button here, so the page never sends a clerk to a terminal for it.
fn on_this_page(message: &str) -> std::borrow::Cow<'_, str> {
    if message.contains("run `capekit fix`") {
        message
            .replace("run `capekit fix`", "download the corrected file below")
            .into()
    } else {
        message.into()
    }
}

/// `GET /check/{id}`.
pub async fn page(
    State(state): State<AppState>,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, AppError> {
    let (id, s) = load(&state, &id).await?;
    let report = &s.report;
    let counts = report.counts();
    let lines = source_lines(&s.input, &s.bytes);
    let known: std::collections::HashSet<u64> = lines.iter().map(|l| l.line).collect();
    let mut by_line: BTreeMap<u64, Vec<&Diagnostic>> = BTreeMap::new();
    let mut file_level: Vec<&Diagnostic> = Vec::new();
    for d in &report.diagnostics {
        match d.line {
            Some(l) if known.contains(&l) => by_line.entry(l).or_default().push(d),
            _ => file_level.push(d),
        }
    }
    let only_findings = lines.len() > MAX_LINES_SHOWN;
    let fixed = fixed_names(s.plan.entries.len());
    let saved = saved_names(&s.file.name, state.today(), fixed.len());
    let plan = &s.plan;
    // What the corrected file leaves out because the ledger knows it, in the file's order.
    let mut known_rows: Vec<&capekit_core::fix::KnownRow> = plan
        .already_accepted
        .iter()
        .chain(&plan.still_pending)
        .collect();
    known_rows.sort_by_key(|k| k.line);

    let body = html! {
        p.meta {
            "File: " b { (s.file.name) } " (" (n(s.file.size)) " bytes, " (s.input.content.describe()) ")"
            @if let Some(f) = &s.filer { " · filer code " (f) }
        }
        (reopened_notice(s.reopened, s.created))
        @match &s.ledger {
            LedgerNote::Off => p.muted #ledger-note {
                "The ledger is off (" code { "--no-ledger" } "): entries accepted on an earlier claim or still pending are not looked for."
            },
            LedgerNote::Recorded(_) => p.muted #ledger-note {
                "Checked against the ledger too, as " code { "capekit check" } " does: an entry accepted on an earlier claim (F023) and one still held by another declaration, uploaded or a draft (F024), are errors and stay out of the corrected file; "
                "one rejected with a message that asks for more than a refile is a warning (F025)."
            },
            LedgerNote::Failed(why) => div.notice.bad #ledger-note {
                p { b { "Not checked against the ledger. " } (why) }
            },
        }
        @if report.uploadable {
            div.verdict.ok #verdict {
                p.big { "Ready to upload" }
                p {
                    "ACE's file validation should accept this file: " (entries(report.valid_entries)) "."
                    @if counts.warnings > 0 { " Read the " (counts.warnings) " warning" @if counts.warnings > 1 { "s" } " below all the same." }
                }
            }
        } @else {
            div.verdict.bad #verdict {
                p.big { "Not uploadable as it is" }
                p {
                    "ACE would reject the whole file: " (counts.errors) " problem" @if counts.errors != 1 { "s" } " must be fixed. "
                    @if !fixed.is_empty() { "capekit can write a corrected file for you (below)." }
                }
            }
        }
        p #counts {
            @if s.input.content == capekit_core::check::Content::Text {
                (entries(report.entries)) " read, " (n(report.valid_entries)) " valid · "
            } @else {
                // A workbook's rows are read, but ACE takes none of them from this file: the
                // count says where they go instead of "0 valid".
                (entries(report.entries)) " read from this file (" (s.input.content.describe())
                "); ACE takes only a CSV, so they go in the corrected file below · "
            }
            (counts.errors) " error" @if counts.errors != 1 { "s" } ", "
            (counts.warnings) " warning" @if counts.warnings != 1 { "s" } ", "
            (counts.infos) " note" @if counts.infos != 1 { "s" }
        }

        @if !file_level.is_empty() {
            h2 { "About the whole file" }
            @for d in &file_level { (finding(d)) }
        }

        h2 { "The corrected file" }
        @if fixed.is_empty() {
            @if !known_rows.is_empty() {
                p { "Every entry read from this file is one the ledger keeps off a new declaration (listed below): there is nothing to upload." }
            } @else if !plan.unrepairable.is_empty() {
                p { "No line of this file holds an entry number capekit can write (the lines below say why), so there is nothing to write." }
            } @else {
                p { "No entry number could be read from this file, so there is nothing to write. Export the entry list again from your system." }
            }
        } @else {
            p {
                "capekit writes the file ACE expects: the header " code { "Entry Number" } ", one entry a line, "
                (entries(plan.entries.len())) ", Windows line ends, nothing else: download it with the button below."
                @if !plan.repaired.is_empty() { " " (entries(plan.repaired.len())) " repaired." }
                @if !plan.duplicates.is_empty() { " " (n(plan.duplicates.len())) " duplicate line" @if plan.duplicates.len() != 1 { "s" } " dropped." }
                @if !plan.unrepairable.is_empty() { " " (n(plan.unrepairable.len())) " line" @if plan.unrepairable.len() != 1 { "s" } " left out (listed below)." }
                @if !known_rows.is_empty() {
                    " " (entries(known_rows.len())) " the ledger knows left out (listed below)."
                }
            }
            p {
                @for (i, (name, saved)) in fixed.iter().zip(&saved).enumerate() {
                    a.button.primary id={ "download-fixed" @if fixed.len() > 1 { "-" (i + 1) } }
                        href={ "/check/" (id) "/" (name) } download=(saved) { "Download " (saved) }
                }
            }
        }
        @if !known_rows.is_empty() {
            table #left-out-known {
                thead { tr { th { "line" } th { "entry" } th { "left out because" } } }
                tbody {
                    @for k in &known_rows {
                        tr {
                            td.lineno { (k.line) }
                            td.mono { (k.entry) }
                            td { (layout::with_code(&format!("{}: {}.", k.known.describe(), k.known.remedy()))) }
                        }
                    }
                }
            }
        }
        @if !plan.unrepairable.is_empty() {
            table {
                thead { tr { th { "line" } th { "value" } th { "left out because" } } }
                tbody {
                    @for u in &plan.unrepairable {
                        tr { td.num { (u.line) } td.mono { (u.raw) } td { (layout::with_code(&u.reason)) } }
                    }
                }
            }
        }

        h2 { "The file, line by line" }
        @if lines.is_empty() {
            p { "capekit cannot show the lines of " (s.input.content.describe()) "." }
        } @else {
            @if only_findings {
                p.meta { "The file has " (n(lines.len())) " lines; only those with a finding are shown." }
            }
            table.source {
                thead { tr { th.num { "line" } th { "content" } } }
                tbody {
                    @for l in &lines {
                        @let found = by_line.get(&l.line);
                        @if !only_findings || found.is_some() {
                            tr class=(if found.is_some() { "has-finding" } else { "" }) {
                                td.num.lineno { (l.line) }
                                td.mono { @if l.text.is_empty() { span.meta { "(blank)" } } @else { (l.text) } }
                            }
                            @if let Some(ds) = found {
                                tr.findings {
                                    td {}
                                    td { @for d in ds { (finding(d)) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        p { a.button href="/check" { "Check another file" } }
    };
    Ok(private_page(layout::page("Declaration check", body)))
}

/// `GET /check/{id}/{file}`: the fixed upload (or one of its parts).
pub async fn file(
    State(state): State<AppState>,
    UrlPath((id, file)): UrlPath<(String, String)>,
) -> Result<Response, AppError> {
    let (id, s) = load(&state, &id).await?;
    let names = fixed_names(s.plan.entries.len());
    let Some(part) = names.iter().position(|n| *n == file) else {
        return Err(AppError::not_found(
            "No such file",
            if names.is_empty() {
                "Nothing could be written from this declaration.".to_owned()
            } else {
                format!("This check offers {}.", names.join(", "))
            },
        )
        .with_back(format!("/check/{id}"), "Back to the check"));
    };
    let chunk = s
        .plan
        .entries
        .chunks(MAX_ENTRIES)
        .nth(part)
        .unwrap_or_default();
    let saved = saved_names(&s.file.name, state.today(), names.len());
    Ok(download(
        saved.get(part).unwrap_or(&file),
        "text/csv; charset=utf-8",
        upload_bytes(chunk),
    ))
}
