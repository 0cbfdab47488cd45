//! `capekit check`.

use std::path::Path;

use anyhow::Context;
use capekit_core::check::{CheckOptions, check};
use capekit_io::declaration::read_declaration;

use crate::cli::Format;
use crate::exit;

pub fn run(
    file: &Path,
    filer: Option<String>,
    format: Format,
    ledger: &super::ledger::LedgerOpt,
) -> anyhow::Result<u8> {
    let filer = super::filer_code(filer)?;
    let input = read_declaration(file)?;
    // The duplicate guard: what the ledger knows of the entries the file holds.
    let entries = capekit_core::fix::plan_fix(&input, None).entries;
    // The file itself never counts: a draft checked before upload cannot conflict with itself.
    let sha = capekit_ledger::sha256_hex(&capekit_io::read_file(
        file,
        capekit_io::declaration::MAX_READ_BYTES,
    )?);
    let known = ledger.known_for_check(&entries, &capekit_ledger::Except::file(sha.clone()))?;
    let mut report = check(&input, &CheckOptions { filer, known });
    // ... unless these very bytes were uploaded already: the file is then that declaration, and
    // uploading it again declares every entry a second time.
    if let Some(l) = ledger.open_existing()?
        && let Some(d) = l.declarations()?.into_iter().find(|d| {
            // Only while it holds entries: once its claim rejected them, the same entries may be
            // declared again, and a refile of them can hold the same bytes.
            d.sha256 == sha
                && d.holding > 0
                && matches!(
                    d.state,
                    capekit_ledger::DeclState::Uploaded | capekit_ledger::DeclState::Answered
                )
        })
    {
        let when = d
            .uploaded_at
            .map(|t| format!(" on {}", capekit_core::words::shown_time(t)))
            .unwrap_or_default();
        report.diagnostics.insert(
            0,
            capekit_core::diag::Diagnostic::new(
                "F024",
                capekit_core::Severity::Error,
                format!(
                    "this file holds the same bytes as declaration #{} {}, uploaded{when} ({}): do not upload it again - its entries are with CBP; `capekit ledger declarations` shows where it stands",
                    d.id, capekit_ledger::shown_name(&d.name), d.state
                ),
            )
            .in_file(input.file_name),
        );
        report.uploadable = false;
    }
    match format {
        Format::Text => out!("{}", capekit_io::render::check_text(&report)),
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&report).context("serialising the report")?
        ),
    }
    Ok(if report.uploadable {
        exit::OK
    } else {
        exit::FOUND_PROBLEMS
    })
}
