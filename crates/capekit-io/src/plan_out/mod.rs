//! `capekit plan`: the path and deadlines of every entry of one or more ES-003 exports (or entry
//! lists) on an as-of date, built once into a [`Plan`] (the model is `capekit_core::plan`) and
//! rendered by separate printers: the CAPE declarations, the worklist as CSV and XLSX (here), the
//! terminal text (`text`), JSON (`json`) and the report pages (`html`).
//!
//! Two constraints shaped it. Nothing may get lost between the files and the plan: every row read
//! is used or dropped with a finding, every entry read is planned or named as a repeat of an
//! earlier file, and every planned entry has exactly one path, so the plan proves it adds up
//! ([`PlanReconciliation`]). And deadlines decide money: declarations list the entries whose CAPE
//! window closes soonest first (a large declaration is split at 9,999 entries, and the first part
//! is the one to upload today), and the worklist is ordered by the nearest deadline that can still
//! be met. The decisions themselves are `capekit_core::path::decide`; nothing here judges an entry.
//!
//! The ledger's duplicate guard comes in as data (the `known` of [`build_plan_with`]), as it
//! does for `check` and `triage`: a `cape` entry accepted on an earlier claim, or still pending
//! on an earlier declaration, stays off the declarations and goes to the worklist saying why, so
//! no SQL reaches this crate.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use capekit_core::check::{MAX_ENTRIES, group};
use capekit_core::deadline::{COURT_URGENT_DAYS, Deadline, URGENT_DAYS};
use capekit_core::diag::{Diagnostic, Severity};
use capekit_core::known::KnownState;
use capekit_core::path::{EntryPath, format_cents};
use capekit_core::reading::{
    DUPLICATE_COLUMN, ENTRY_DATA_UNREADABLE_ENTRY_NUMBER, EntryReaderRule, FINDINGS_CAPPED,
    MISSING_ENTRY_COLUMN, REPORT_TOTAL_ROW, ROWS_BEFORE_HEADER, entry_reader_rule,
};
use capekit_core::{EntryNumber, FilerCode};
use jiff::civil::Date;
use serde::Serialize;

use crate::html::{bar_chart, esc, page};
use crate::names::{
    Kind as NameKind, Taken, Whose, file_label, first_and_more, output_name, scrub_paths,
};
use crate::output::{OutputSet, WriteError};
use crate::sheet::{Book, SheetTable, column, write_csv};
use crate::timings;
use crate::triage_out::REPORT_ROWS;
use crate::upload::add_upload_files;

/// The terminal lists this many urgent entries; the worklist and the declarations hold them all.
pub const URGENT_SHOWN: usize = 10;
/// The terminal lists this many entries the ledger kept off the declarations; the worklist
/// holds them all.
pub const KNOWN_SHOWN: usize = 10;

pub use capekit_core::plan::*;

/// Dollars with thousands separators and no sign of currency: `1,234.56`.
pub fn dollars(cents: i64) -> String {
    format_cents(cents).replacen('$', "", 1)
}

/// Dollars as a plain decimal, exact and easy to parse: `1234.56`. The JSON output uses it.
pub fn decimal_dollars(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", group(n as u64), if n == 1 { one } else { many })
}

fn date_cell(d: Option<Deadline>) -> String {
    d.map_or_else(String::new, |d| d.date.to_string())
}

/// Days left, or `passed`: a negative number would read as a formula to Excel and be quoted.
fn days_cell(d: Option<Deadline>) -> String {
    match d {
        None => String::new(),
        Some(d) if d.passed() => "passed".to_owned(),
        Some(d) => d.days_left.to_string(),
    }
}

/// Paths of what a plan wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PlanFiles {
    /// Per declaration (same order as [`Plan::declarations`]), its parts.
    pub declarations: Vec<Vec<PathBuf>>,
    /// worklist.csv.
    pub worklist_csv: Option<PathBuf>,
    /// worklist.xlsx.
    pub worklist_xlsx: Option<PathBuf>,
    /// report.html.
    pub report: Option<PathBuf>,
    /// protest-IMPORTER.xlsx and court-IMPORTER.xlsx, in [`crate::packets::packets`] order.
    pub packets: Vec<PathBuf>,
    /// One report per importer, safe to send to it: the importer (or [`UNKNOWN_IMPORTER`])
    /// and the file.
    pub importer_reports: Vec<(String, PathBuf)>,
}

/// The names of a plan's own files (its declarations and packets carry theirs), as
/// [`crate::names`] gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanNames {
    /// The worklist as CSV.
    pub worklist_csv: String,
    /// The worklist as a workbook.
    pub worklist_xlsx: String,
    /// The report for the broker.
    pub report: String,
    /// The importers' reports, in [`importer_groups`] order.
    pub importer_reports: Vec<String>,
}

/// The names of the worklist and report files of `plan`.
pub fn plan_names(plan: &Plan) -> PlanNames {
    let date = plan.as_of;
    let mut taken = Taken::new();
    let groups = importer_groups(plan);
    let importers: Vec<&str> = groups
        .iter()
        .map(|(importer, _)| importer.as_deref().unwrap_or(UNKNOWN_IMPORTER))
        .collect();
    let importer_reports = importers
        .iter()
        .map(|importer| taken.importer_report(NameKind::PlanReport, importer, None, date))
        .collect();
    // The broker's files are named after the plan's importers, so that two plans of one day
    // (two clients' ES-003 exports) never share a name.
    let of = first_and_more(&importers).unwrap_or_else(|| "no-entries".to_owned());
    let whose = Whose {
        of: Some(&of),
        ..Whose::default()
    };
    PlanNames {
        worklist_csv: output_name(NameKind::PlanWorklistCsv, whose, date, None),
        worklist_xlsx: output_name(NameKind::PlanWorklistXlsx, whose, date, None),
        report: output_name(NameKind::PlanReport, whose, date, None),
        importer_reports,
    }
}

/// Every entry of the plan by importer (by importer number; entries without one last, as one
/// group), each in the plan's order.
pub fn importer_groups(plan: &Plan) -> Vec<(Option<Arc<str>>, Vec<&PlannedEntry>)> {
    let mut by: BTreeMap<(bool, Option<Arc<str>>), Vec<&PlannedEntry>> = BTreeMap::new();
    for e in &plan.entries {
        let importer = e.importer_number.clone().filter(|i| !i.trim().is_empty());
        by.entry((importer.is_none(), importer))
            .or_default()
            .push(e);
    }
    by.into_iter().map(|((_, i), v)| (i, v)).collect()
}

impl PlanFiles {
    /// Every declaration file, in order.
    pub fn declaration_files(&self) -> impl Iterator<Item = &PathBuf> {
        self.declarations.iter().flatten()
    }

    /// The declaration file an entry is on.
    pub fn file_of(&self, e: &PlannedEntry) -> Option<&PathBuf> {
        let (d, part) = e.declaration?;
        self.declarations.get(d)?.get(part)
    }
}

/// The worklist's columns (machine names, as the CSV heads them).
pub const WORKLIST_HEADERS: [&str; 20] = [
    "entry_number",
    "importer_number",
    "importer_name",
    "path",
    "urgent",
    "reasons",
    "what_to_do",
    "cape_window_closes",
    "cape_days_left",
    "psc_due",
    "protest_due",
    "protest_days_left",
    "court_due",
    "court_days_left",
    "court_1581i_due",
    "court_1581a_due",
    "urgent_deadline",
    "ieepa_duty",
    "notes",
    "source",
];

/// The worklist's column widths in the workbook, in characters.
const WORKLIST_WIDTHS: [f64; 20] = [
    14.0, 16.0, 28.0, 14.0, 8.0, 12.0, 60.0, 12.0, 10.0, 12.0, 12.0, 10.0, 12.0, 10.0, 12.0, 12.0,
    36.0, 14.0, 90.0, 30.0,
];

/// One worklist row: an entry not on a declaration.
fn worklist_row(e: &PlannedEntry, filer: Option<&str>) -> Vec<String> {
    let dl = e.decision.deadlines;
    // `court_due` is the safe date: the earliest court reading still ahead (1581(a) after a
    // denial, or 1581(i)); each reading has its own column beside it, as in the JSON.
    let court = dl.court_safe();
    vec![
        e.entry_number.as_str().to_owned(),
        e.importer_number.as_deref().unwrap_or("").to_owned(),
        e.importer_name.as_deref().unwrap_or("").to_owned(),
        e.decision.path.to_string(),
        if e.urgent { "yes" } else { "" }.to_owned(),
        e.decision.reasons.join(" "),
        scrub_paths(&e.what_to_do(filer)).into_owned(),
        date_cell(dl.cape_window_closes),
        days_cell(dl.cape_window_closes),
        date_cell(dl.psc_due),
        date_cell(dl.protest_due),
        days_cell(dl.protest_due),
        date_cell(court),
        days_cell(court),
        date_cell(dl.court_due),
        date_cell(dl.court_1581a_due),
        e.urgency(),
        dollars(e.ieepa_duty_cents),
        scrub_paths(&e.decision.notes.join(" | ")).into_owned(),
        e.source(),
    ]
}

/// The worklist rows, most urgent first, built as they are written: a plan of a million
/// entries costs no table in memory.
pub fn worklist_rows(plan: &Plan) -> impl Iterator<Item = Vec<String>> + '_ {
    let filer = plan.filer.as_ref().map(FilerCode::as_str);
    plan.worklist()
        .into_iter()
        .map(move |e| worklist_row(e, filer))
}

/// The worklist: one row per entry not on a declaration, most urgent first.
pub fn worklist_table(plan: &Plan) -> SheetTable {
    SheetTable {
        headers: WORKLIST_HEADERS.to_vec(),
        widths: WORKLIST_WIDTHS.to_vec(),
        rows: worklist_rows(plan).collect(),
    }
}

/// Adds every plan output to `set`, under `dir`. The workbook is optional (benchmarks skip it).
///
/// The worklist files, which run to hundreds of megabytes for a large export, are written into
/// their temporary files as they are built; the workbooks are built on a second thread while
/// the CSV files and the report are built on this one.
pub fn add_plan_outputs(
    set: &mut OutputSet,
    dir: &FsPath,
    plan: &Plan,
    with_xlsx: bool,
) -> Result<PlanFiles, WriteError> {
    let mut files = PlanFiles::default();
    for d in &plan.declarations {
        // `add_upload_files` names the parts as `Declaration::file_names` does (both use
        // `part_paths`), so the names in the plan are the names on disk.
        files
            .declarations
            .push(add_upload_files(set, &dir.join(&d.base_name), &d.entries));
    }
    let names = plan_names(plan);
    let csv_path = dir.join(&names.worklist_csv);
    let xlsx_path = dir.join(&names.worklist_xlsx);
    // Sorted once for both files.
    let worklist = plan.worklist();
    let filer = plan.filer.as_ref().map(FilerCode::as_str);
    let rows = || worklist.iter().map(|e| worklist_row(e, filer));
    let (csv, worklist_book, packets) = std::thread::scope(|s| {
        type Staged = (PathBuf, tempfile::NamedTempFile);
        let worklist_book = with_xlsx.then(|| {
            s.spawn(|| -> Result<Staged, WriteError> {
                let _t = timings::phase("plan output worklist.xlsx");
                let mut tmp = OutputSet::stage(&xlsx_path)?;
                let workbook = |tmp: &mut tempfile::NamedTempFile| {
                    let mut book = Book::new();
                    let columns = WORKLIST_HEADERS.map(column);
                    let mut pages =
                        book.pages("Worklist", &columns, &WORKLIST_WIDTHS, worklist.len())?;
                    pages.text(rows())?;
                    book.push(pages);
                    book.finish_to(tmp.as_file_mut())
                };
                workbook(&mut tmp).map_err(|e| WriteError::Workbook {
                    path: xlsx_path.clone(),
                    message: e.to_string(),
                })?;
                Ok((xlsx_path.clone(), tmp))
            })
        });
        // The packets on a thread of their own: on two cores they share the time the CSV
        // leaves, rather than waiting for the worklist's workbook.
        let packets = with_xlsx.then(|| {
            s.spawn(|| -> Result<Vec<Staged>, WriteError> {
                let _t = timings::phase("plan output packets");
                let mut out = Vec::new();
                for p in crate::packets::packets(plan) {
                    let path = dir.join(&p.file_name);
                    let mut tmp = OutputSet::stage(&path)?;
                    crate::packets::packet_xlsx_to(&p, tmp.as_file_mut()).map_err(|e| {
                        WriteError::Workbook {
                            path: path.clone(),
                            message: e.to_string(),
                        }
                    })?;
                    out.push((path, tmp));
                }
                Ok(out)
            })
        });
        let csv = (|| -> Result<tempfile::NamedTempFile, WriteError> {
            let _t = timings::phase("plan output worklist.csv");
            let mut tmp = OutputSet::stage(&csv_path)?;
            write_csv(
                std::io::BufWriter::with_capacity(1 << 20, tmp.as_file_mut()),
                &WORKLIST_HEADERS,
                rows(),
            )
            .map_err(|e| WriteError::Io {
                path: csv_path.clone(),
                error: std::io::Error::other(e.to_string()),
            })?;
            Ok(tmp)
        })();
        // A panic on a workbook's thread is a bug: it goes on here as it would have there.
        let worklist_book =
            worklist_book.map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        let packets = packets.map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        (csv, worklist_book, packets)
    });
    set.add_staged(&csv_path, csv?);
    files.worklist_csv = Some(csv_path);
    if let Some(book) = worklist_book {
        let (path, tmp) = book?;
        set.add_staged(&path, tmp);
        files.worklist_xlsx = Some(path);
    }
    if let Some(packets) = packets {
        for (path, tmp) in packets? {
            set.add_staged(&path, tmp);
            files.packets.push(path);
        }
    }
    let report_path = dir.join(&names.report);
    let _t = timings::phase("plan output report.html");
    for ((importer, entries), name) in importer_groups(plan).iter().zip(&names.importer_reports) {
        let path = dir.join(name);
        set.add(
            &path,
            importer_report_html(plan, importer.as_deref(), entries, &files).into_bytes(),
        );
        files.importer_reports.push((
            importer.as_deref().unwrap_or(UNKNOWN_IMPORTER).to_owned(),
            path,
        ));
    }
    set.add(&report_path, report_html(plan, &files).into_bytes());
    files.report = Some(report_path);
    Ok(files)
}

mod html;
mod json;
mod text;

pub use html::*;
pub use json::*;
pub use text::*;

#[cfg(test)]
pub(crate) mod tests;
