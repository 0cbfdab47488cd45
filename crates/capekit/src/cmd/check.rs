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
    let known = ledger.known_for_check(
        &entries,
        &capekit_ledger::Except::file(capekit_ledger::sha256_hex(&capekit_io::read_file(
            file,
            capekit_io::declaration::MAX_READ_BYTES,
        )?)),
    )?;
    let report = check(&input, &CheckOptions { filer, known });
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
