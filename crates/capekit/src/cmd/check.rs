//! `capekit check`.

use std::path::Path;

use anyhow::Context;
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
    let bytes = capekit_io::read_file(file, capekit_io::declaration::MAX_READ_BYTES)?;
    let mut report = match ledger.open_existing()? {
        Some(l) => {
            capekit_app::check::check_declaration(&l, &input, &bytes, filer)
                .context("asking the ledger what it knows of the file's entries")?
                .report
        }
        None => capekit_app::check::check_alone(&input, filer).report,
    };
    match format {
        // Every command it suggests names the ledger this run used, so it runs as printed.
        Format::Text => out!(
            "{}",
            super::ledger::runnable(&capekit_io::render::check_text(&report), &ledger.command())
        ),
        Format::Json => {
            // The commands its findings suggest name this run's ledger too, as in the text.
            let command = ledger.command();
            for d in &mut report.diagnostics {
                d.message = super::ledger::runnable(&d.message, &command);
            }
            outln!(
                "{}",
                serde_json::to_string_pretty(&report).context("serialising the report")?
            );
        }
    }
    Ok(if report.uploadable {
        exit::OK
    } else {
        exit::FOUND_PROBLEMS
    })
}
