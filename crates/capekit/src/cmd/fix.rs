//! `capekit fix`.

use std::path::Path;

use anyhow::Context;
use capekit_io::declaration::read_declaration;
use capekit_io::output::OutputSet;
use capekit_io::upload::add_upload_files;
use serde::Serialize;

use crate::cli::Format;
use crate::exit;

#[derive(Serialize)]
struct FixOutput<'a> {
    plan: &'a capekit_core::fix::FixPlan,
    files: Vec<String>,
    reconciled: bool,
}

pub fn run(
    file: &Path,
    out: &Path,
    filer: Option<String>,
    format: Format,
    ledger: &super::ledger::LedgerOpt,
) -> anyhow::Result<u8> {
    let filer = super::filer_code(filer)?;
    let input = read_declaration(file)?;
    if input.content == capekit_core::check::Content::Xls {
        anyhow::bail!(
            "{}: {}",
            file.display(),
            capekit_io::table::TableError::OldWorkbook
        );
    }
    if input.rows.is_empty() {
        anyhow::bail!(
            "{}: nothing to repair: the file is {} with no readable rows",
            file.display(),
            if input.size == 0 {
                "empty".to_owned()
            } else {
                input.content.describe().to_owned()
            }
        );
    }
    // The corrected file of the one check job, as the workbench's Check page writes it: entries
    // accepted on an earlier claim or held by another declaration are left out, and said so;
    // the file itself never counts, since it cannot conflict with itself.
    let bytes = capekit_io::read_file(file, capekit_io::declaration::MAX_READ_BYTES)?;
    let plan = match ledger.open_existing()? {
        Some(l) => {
            capekit_app::check::check_declaration(&l, &input, &bytes, filer)
                .context("asking the ledger what it knows of the file's entries")?
                .plan
        }
        None => capekit_app::check::check_alone(&input, filer).plan,
    };
    let mut set = OutputSet::new();
    ledger.protect(&mut set)?;
    let paths = add_upload_files(&mut set, out, &plan.entries);
    let written = set
        .commit(&[file.to_path_buf()])
        .context("writing the repaired upload")?;
    match format {
        Format::Text => {
            out!(
                "{}",
                super::ledger::runnable(
                    &capekit_io::render::fix_text(&plan, &written),
                    &ledger.command()
                )
            );
            if paths.is_empty() {
                outln!("no entry could be written, so no file was written");
            }
        }
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&FixOutput {
                plan: &plan,
                files: written.iter().map(|p| p.display().to_string()).collect(),
                reconciled: plan.reconciles(),
            })?
        ),
    }
    Ok(
        if plan.unrepairable.is_empty()
            && plan.already_accepted.is_empty()
            && !plan.entries.is_empty()
        {
            exit::OK
        } else {
            exit::FOUND_PROBLEMS
        },
    )
}
