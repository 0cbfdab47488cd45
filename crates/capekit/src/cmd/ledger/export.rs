//! `capekit ledger export`: every entry the ledger knows, as a CSV or a workbook.

use std::path::Path;

use anyhow::{Context, bail};
use capekit_core::check::group;
use capekit_io::output::OutputSet;
use capekit_io::sheet::{SheetTable, to_csv, to_xlsx};
use capekit_ledger::ExportRow;
use serde::Serialize;

use super::{LedgerOpt, print_out};
use crate::cli::Format;
use crate::exit;

/// The export's rows; `for_people` (the workbook) writes each state in words, the CSV its
/// machine name.
fn export_table(rows: &[ExportRow], for_people: bool) -> SheetTable {
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    let date = |d: &Option<jiff::civil::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    SheetTable {
        headers: vec![
            "entry_number",
            "state",
            "claim_number",
            "action",
            "message",
            "attempts",
            "pending_on",
            "importer",
            "entry_type",
            "liquidation_date",
            "path",
            "cape_window_closes",
            "protest_due",
            "court_due",
            "acted",
        ],
        widths: vec![
            14.0, 10.0, 16.0, 20.0, 42.0, 9.0, 30.0, 16.0, 10.0, 14.0, 12.0, 16.0, 12.0, 12.0, 40.0,
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.entry.to_string(),
                    if for_people {
                        capekit_ledger::EntryState::label_of(r.state).to_owned()
                    } else {
                        r.state.to_owned()
                    },
                    opt(&r.claim),
                    r.action.map(|a| a.to_string()).unwrap_or_default(),
                    opt(&r.message),
                    r.attempts.to_string(),
                    opt(&r.pending_on),
                    opt(&r.importer),
                    opt(&r.entry_type),
                    date(&r.liquidation_date),
                    opt(&r.path),
                    date(&r.cape_window_closes),
                    date(&r.protest_due),
                    date(&r.court_due),
                    r.acted.join("; "),
                ]
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct ExportReport {
    ledger: String,
    file: String,
    entries: usize,
}

pub(super) fn export(out: &Path, format: Format, opt: &LedgerOpt) -> anyhow::Result<u8> {
    let ext = out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if ext != "csv" && ext != "xlsx" {
        bail!(
            "--out {}: give a file ending in .csv or .xlsx",
            out.display()
        );
    }
    let (l, shown) = opt.for_reading()?;
    let rows = l.export_rows()?;
    let table = export_table(&rows, ext == "xlsx");
    let bytes = if ext == "csv" {
        to_csv(&table).context("building the CSV")?
    } else {
        to_xlsx("Ledger", &table).context("building the workbook")?
    };
    let mut set = OutputSet::new();
    set.add(out, bytes);
    opt.protect(&mut set)?;
    set.commit(&[]).context("writing the export")?;
    let report = ExportReport {
        ledger: shown,
        file: out.display().to_string(),
        entries: rows.len(),
    };
    print_out(opt, format, &report, || {
        format!(
            "wrote {}: {} entries from the ledger {}\n",
            report.file,
            group(report.entries as u64),
            report.ledger
        )
    })?;
    Ok(exit::OK)
}
