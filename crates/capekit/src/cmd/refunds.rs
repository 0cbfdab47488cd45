//! `capekit refunds`: after acceptance, where the money is. Reads ACE's refund reports (given,
//! and those the ledger keeps), reconciles each importer's accepted entries with them, and
//! writes `refunds-DATE.xlsx` and one page per importer.
//!
//! A thin face over the refunds job, `capekit_app::refunds` (what the user says of importers
//! checked, each report recognised, recorded with the ledger's accepted entries, kept entry data
//! and refund events, and reconciled), which the workbench's Refunds page runs too;
//! `capekit_io::refunds_out` prints. Like `plan`, it exits 0 whenever it ran, findings or
//! not (they are in its outputs): a daily run must not fail on a refund that is held.

use std::path::PathBuf;

use anyhow::{Context, bail};
use capekit_app::refunds::{self, Asked, Refunds, RefundsError, Said};
use capekit_core::diag::Diagnostic;
use capekit_io::output::OutputSet;
use capekit_io::refunds::MAX_REFUND_FILE_BYTES;
use capekit_io::refunds_out::{add_refund_outputs, refunds_text, workbook_name};
use capekit_io::render::escape_controls;
use capekit_io::timings::phase;
use capekit_ledger::ImportOutcome;
use jiff::civil::Date;
use serde::Serialize;

use crate::cli::Format;
use crate::exit;

/// Arguments of `capekit refunds`.
#[derive(Debug)]
pub struct RefundsArgs {
    pub files: Vec<PathBuf>,
    pub as_of: Option<Date>,
    pub importer: Option<String>,
    pub out: PathBuf,
    pub format: Format,
    pub corporate: Vec<String>,
    pub not_corporate: Vec<String>,
    pub ach_enrolled: Vec<String>,
    pub not_ach_enrolled: Vec<String>,
    pub active_on: Vec<(String, Date)>,
}

#[derive(Serialize)]
struct Json<'a> {
    #[serde(flatten)]
    reconciliation: &'a capekit_core::refunds::Reconciliation,
    diagnostics: &'a [Diagnostic],
    files: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ledger: Option<String>,
}

pub fn run(args: &RefundsArgs, ledger: &super::ledger::LedgerOpt) -> anyhow::Result<u8> {
    let as_of = args.as_of.unwrap_or_else(super::files::today);
    let facts = Said {
        corporate: args.corporate.clone(),
        not_corporate: args.not_corporate.clone(),
        ach_enrolled: args.ach_enrolled.clone(),
        not_ach_enrolled: args.not_ach_enrolled.clone(),
        active_on: args.active_on.clone(),
    }
    .check(as_of)?;
    // Every file is read before anything is recorded: one that is not a refund report stops the
    // run, as `ledger import` refuses a file it cannot tell.
    let timed = phase("refunds read");
    if args.out.exists() && !args.out.is_dir() {
        bail!(
            "--out {}: a file of that name exists; --out names a folder, into which capekit writes the refunds workbook and a page per importer - give another name",
            args.out.display()
        );
    }
    let mut reports = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let bytes = capekit_io::read_file(path, MAX_REFUND_FILE_BYTES)?;
        reports.push(refunds::read_report(&path.display().to_string(), &bytes).map_err(failed)?);
    }
    drop(timed);
    // The outputs are checked before anything is recorded, so that a run refused for them (the
    // workbook would replace an input, the folder is not capekit's) records nothing. The
    // workbook's name is known now; the pages' wait for the importers of the reconciliation.
    let mut planned = OutputSet::new();
    ledger.protect(&mut planned)?;
    planned.own_folder(&args.out, "capekit refunds");
    planned.add(args.out.join(workbook_name(as_of)), Vec::new());
    planned
        .check(&args.files)
        .context("writing the refund outputs")?;
    let asked = Asked {
        as_of,
        importer: args.importer.clone(),
        facts,
        reports,
    };
    // Nothing to record: a ledger not made yet is not made just to say it knows nothing.
    let mut opened = if asked.records_nothing() {
        ledger.open_existing()?
    } else {
        ledger.open()?
    };
    let shown = opened.as_ref().map(super::ledger::shown);
    let Refunds {
        reconciliation: rec,
        diagnostics,
        recorded,
        unheard,
    } = refunds::run(opened.as_mut(), asked).map_err(failed)?;
    drop(opened);
    // An answer about an importer no file names yet is kept, and applies once one does: say so,
    // as a mistyped number would otherwise be kept without a word.
    for who in &unheard {
        errln!(
            "capekit: warning: {}: no entry data or refund report names this importer yet; the answer is kept and applies once one does - check the number",
            escape_controls(who)
        );
    }

    let mut set = OutputSet::new();
    ledger.protect(&mut set)?;
    set.own_folder(&args.out, "capekit refunds");
    let timed = phase("refunds build outputs");
    let outputs = add_refund_outputs(&mut set, &args.out, &rec, &diagnostics)?;
    drop(timed);
    let timed = phase("refunds write outputs");
    set.commit_all(&args.files)
        .context("writing the refund outputs")?;
    drop(timed);
    let timed = phase("refunds report");
    match args.format {
        Format::Text => out!(
            "{}",
            escape_controls(&refunds_text(&rec, Some(&outputs), &diagnostics))
        ),
        Format::Json => {
            let mut files = vec![outputs.workbook.display().to_string()];
            files.extend(outputs.pages.iter().map(|(_, p)| p.display().to_string()));
            outln!(
                "{}",
                serde_json::to_string_pretty(&Json {
                    reconciliation: &rec,
                    diagnostics: &diagnostics,
                    files,
                    ledger: shown.clone(),
                })
                .context("serialising the output")?
            );
        }
    }
    drop(timed);
    if let Some(shown) = shown {
        let parts: Vec<String> = recorded
            .iter()
            .map(|(name, o)| match o {
                ImportOutcome::Imported { entries, .. } => format!(
                    "{name}: {} recorded",
                    super::ledger::plural(*entries, "refund row", "refund rows")
                ),
                ImportOutcome::AlreadyImported { imported_at, .. } => format!(
                    "{name}: already recorded on {}, nothing changed",
                    capekit_core::words::shown_time(imported_at)
                ),
            })
            .collect();
        eprintln!(
            "capekit: ledger {}{}",
            escape_controls(&shown),
            if parts.is_empty() {
                String::new()
            } else {
                format!(": {}", escape_controls(&parts.join("; ")))
            }
        );
    }
    Ok(exit::OK)
}

/// The error the CLI stops with: the ledger's own when reading the ledger failed, so that a
/// busy ledger is told as such.
fn failed(e: RefundsError) -> anyhow::Error {
    match e {
        RefundsError::Ledger(e) => e.into(),
        e => e.into(),
    }
}
