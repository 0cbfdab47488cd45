//! `capekit plan`: the path and deadlines of every entry of one or more ES-003 exports (or entry
//! lists) on an as-of date, built once into a [`Plan`] and rendered by separate printers: the
//! CAPE declarations, the worklist as CSV and XLSX, the report page, the terminal text and JSON.
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
pub const WORKLIST_HEADERS: [&str; 18] = [
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
    "urgent_deadline",
    "ieepa_duty",
    "notes",
    "source",
];

/// The worklist's column widths in the workbook, in characters.
const WORKLIST_WIDTHS: [f64; 18] = [
    14.0, 16.0, 28.0, 14.0, 8.0, 12.0, 60.0, 12.0, 10.0, 12.0, 12.0, 10.0, 12.0, 10.0, 36.0, 14.0,
    90.0, 30.0,
];

/// One worklist row: an entry not on a declaration.
fn worklist_row(e: &PlannedEntry, filer: Option<&str>) -> Vec<String> {
    let dl = e.decision.deadlines;
    // The earliest court reading still ahead (1581(a) after a denial, or 1581(i)).
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

/// The reconciliation sentence.
pub fn reconciliation_line(plan: &Plan) -> String {
    let r = &plan.reconciliation;
    let mut s = format!(
        "rows read {} = used {} + dropped {}; ",
        group(r.rows_read),
        group(r.rows_used),
        group(r.rows_dropped)
    );
    if r.in_earlier_file > 0 {
        let _ = write!(
            s,
            "entries read {} = planned {} + already in an earlier file {}; ",
            group(r.entries_read as u64),
            group(r.entries as u64),
            group(r.in_earlier_file as u64)
        );
    }
    let parts: Vec<String> = r
        .by_path
        .iter()
        .map(|(p, n)| format!("{p} {}", group(*n as u64)))
        .collect();
    let _ = write!(
        s,
        "entries {} = {}",
        group(r.entries as u64),
        parts.join(" + ")
    );
    s.push_str(if r.holds {
        ": reconciled"
    } else {
        ": DOES NOT RECONCILE"
    });
    s
}

/// Where every reader finding is listed besides the terminal and the report: the JSON, and the
/// worklist for the entries they concern.
pub const FINDINGS_ALL_WHERE: &str = "all in --format json; their entries on the worklist";

/// Where every reader finding is listed when it concerns no entry the plan holds: a row whose
/// entry number cannot be read is left out, so no worklist row stands for it.
pub const FINDINGS_ALL_WHERE_NO_ENTRY: &str =
    "all in --format json; these rows are left out of the plan, so they are not on the worklist";

/// Reader rules whose findings concern a row or column, not an entry the plan holds: an
/// unreadable entry number (R001), a missing entry column (R005), a duplicate column (R008),
/// rows above the header (R009), capped findings (R010), a report-total row (R013).
static NO_ENTRY_RULES: [&EntryReaderRule; 6] = [
    &ENTRY_DATA_UNREADABLE_ENTRY_NUMBER,
    &MISSING_ENTRY_COLUMN,
    &DUPLICATE_COLUMN,
    &ROWS_BEFORE_HEADER,
    &FINDINGS_CAPPED,
    &REPORT_TOTAL_ROW,
];

/// Where every finding of reader rule `code` is listed, besides the terminal and the report:
/// only a finding about an entry the plan holds says its entries are on the worklist.
pub fn findings_where(code: &str) -> &'static str {
    if findings_on_worklist(code) {
        FINDINGS_ALL_WHERE
    } else {
        FINDINGS_ALL_WHERE_NO_ENTRY
    }
}

/// Whether the entries that findings of reader rule `code` concern can be on the plan's
/// worklist: not when the finding is about a row left out or a column ([`NO_ENTRY_RULES`]).
pub fn findings_on_worklist(code: &str) -> bool {
    !NO_ENTRY_RULES.iter().any(|r| r.code == code)
}

fn rule_name(code: &str) -> &'static str {
    entry_reader_rule(code).map_or("", |r| r.name)
}

fn severity_summary(diagnostics: &[Diagnostic]) -> String {
    let n = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let mut parts = Vec::new();
    for (s, one, many) in [
        (Severity::Error, "error", "errors"),
        (Severity::Warning, "warning", "warnings"),
        (Severity::Info, "info", "infos"),
    ] {
        if n(s) > 0 {
            parts.push(plural(n(s), one, many));
        }
    }
    parts.join(", ")
}

/// The terminal summary.
pub fn plan_text(plan: &Plan, files: &PlanFiles) -> String {
    let mut out = String::new();
    let r = &plan.reconciliation;
    let names: Vec<&str> = r.files.iter().map(|f| f.file.as_str()).collect();
    let _ = writeln!(
        out,
        "plan as of {}: {} from {}",
        plan.as_of,
        plural(r.entries, "entry", "entries"),
        names.join(", ")
    );
    if let Some(f) = &plan.filer {
        let _ = writeln!(
            out,
            "filer {f}: only entries bearing this filer code are declared"
        );
    }
    for a in &plan.data_age {
        let _ = writeln!(out, "{}", data_age_line(a));
    }
    let _ = writeln!(
        out,
        "  {:<16} {:>9} {:>18}  what it means",
        "path", "entries", "IEEPA duty"
    );
    // Each path with its meaning, where a clerk first reads its name.
    for t in &plan.totals {
        let _ = writeln!(
            out,
            "  {:<16} {:>9} {:>18}  {}",
            t.path.as_str(),
            group(t.entries as u64),
            format_cents(t.ieepa_duty_cents),
            t.path.describe()
        );
    }
    let _ = writeln!(
        out,
        "  {:<16} {:>9} {:>18}",
        "total",
        group(r.entries as u64),
        format_cents(plan.ieepa_duty_cents())
    );
    let urgent = plan.urgent();
    if urgent.is_empty() {
        let _ = writeln!(
            out,
            "urgent: none - no deadline that matters is near (CAPE window, PSC and protest within {URGENT_DAYS} days, court within {COURT_URGENT_DAYS})"
        );
    } else {
        let _ = writeln!(
            out,
            "urgent: {} with a deadline that matters near (CAPE window, PSC and protest within {URGENT_DAYS} days, court within {COURT_URGENT_DAYS}) - act today:",
            plural(urgent.len(), "entry", "entries")
        );
        for e in urgent.iter().take(URGENT_SHOWN) {
            let due = e.urgency();
            let whereto = files.file_of(e).map_or_else(
                || "worklist".to_owned(),
                |p| {
                    p.file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
                },
            );
            let _ = writeln!(
                out,
                "  {}  {due}  {}  {}",
                e.entry_number, e.decision.path, whereto
            );
        }
        if urgent.len() > URGENT_SHOWN {
            let _ = writeln!(
                out,
                "  ... and {} more (urgent entries come first in the declarations and the worklist)",
                group((urgent.len() - URGENT_SHOWN) as u64)
            );
        }
    }
    let _ = writeln!(out, "{}", reconciliation_line(plan));
    if !plan.diagnostics.is_empty() {
        let _ = writeln!(
            out,
            "findings of the readers: {} ({})",
            group(plan.diagnostics.len() as u64),
            severity_summary(&plan.diagnostics)
        );
        // One finding repeated on many lines is told once, with its lines and the first few
        // in full; the rows it concerns are on the worklist.
        for g in capekit_core::words::group_findings(&plan.diagnostics) {
            let _ = writeln!(
                out,
                "  {} {} ({})",
                g.code,
                rule_name(g.code),
                if g.count() == 1 {
                    "1".to_owned()
                } else {
                    g.whereabouts()
                }
            );
            for d in g.shown() {
                let _ = writeln!(
                    out,
                    "    {}: {}",
                    d.file.as_deref().unwrap_or(""),
                    d.message
                );
            }
            if let Some(more) = g.more(findings_where(g.code)) {
                let _ = writeln!(out, "    {more}");
            }
        }
    }
    let other = plan.other_filer_entries();
    if other > 0 {
        let _ = writeln!(
            out,
            "not declared: {} of other filers (on the worklist) - a broker's account may declare only entries bearing its own filer code; CBP's guide (\"ACE Portal: CAPE Declarations\", April 2026) is known to say so only through summaries, so it is unconfirmed, and an importer's own account may still declare them",
            plural(other, "cape entry", "cape entries")
        );
    }
    let held = plan.held_entries();
    if held > 0 {
        let _ = writeln!(
            out,
            "not declared: {} the plan doubts CBP would take now (no importer number, or trade control status; on the worklist with the reason)",
            plural(held, "cape entry", "cape entries")
        );
    }
    let known = plan.known_entries();
    if !known.is_empty() {
        let _ = writeln!(
            out,
            "not declared: {} the ledger knows (on the worklist) - an entry accepted on an earlier claim is never declared again, one still pending on an earlier declaration is not resubmitted, and one rejected with a message that asks for a correction or another path waits for it:",
            plural(known.len(), "cape entry", "cape entries")
        );
        for e in known.iter().take(KNOWN_SHOWN) {
            if let Some(k) = &e.known {
                let _ = writeln!(out, "  {}  {}", e.entry_number, known_clause(k));
            }
        }
        if known.len() > KNOWN_SHOWN {
            let _ = writeln!(
                out,
                "  ... and {} more (all on the worklist)",
                group((known.len() - KNOWN_SHOWN) as u64)
            );
        }
    }
    if plan.declarations.is_empty() {
        let _ = writeln!(
            out,
            "declarations: no entry to declare now, so no declaration was written"
        );
    } else {
        let _ = writeln!(
            out,
            "declarations to upload on ACE Portal > CAPE > File Uploads (urgent entries first):"
        );
        for (d, paths) in plan.declarations.iter().zip(&files.declarations) {
            for (i, p) in paths.iter().enumerate() {
                let n = d
                    .entries
                    .len()
                    .saturating_sub(i * MAX_ENTRIES)
                    .min(MAX_ENTRIES);
                let _ = writeln!(
                    out,
                    "  {}  {}{}",
                    p.display(),
                    plural(n, "entry", "entries"),
                    if i == 0 && d.urgent > 0 {
                        format!(", {} urgent", group(d.urgent as u64))
                    } else {
                        String::new()
                    }
                );
            }
        }
    }
    let worklist = plan
        .entries
        .iter()
        .filter(|e| e.declaration.is_none())
        .count();
    let _ = writeln!(
        out,
        "worklist: {} not on a declaration, most urgent first",
        plural(worklist, "entry", "entries")
    );
    let court = crate::packets::court_dates_by_importer(plan);
    if !court.is_empty() {
        let _ = writeln!(
            out,
            "court dates (the earliest still ahead of 28 USC 1581(i) at its earliest reading and 1581(a) after a denial), per importer:"
        );
        for (importer, date, n, cents) in &court {
            let _ = writeln!(
                out,
                "  {}  {date}  {}, {}",
                importer.as_deref().unwrap_or("(no importer number)"),
                plural(*n, "entry", "entries"),
                format_cents(*cents)
            );
        }
    }
    for p in [&files.worklist_csv, &files.worklist_xlsx, &files.report]
        .into_iter()
        .flatten()
        .chain(&files.packets)
    {
        let _ = writeln!(out, "wrote {}", p.display());
    }
    for (importer, p) in &files.importer_reports {
        let _ = writeln!(
            out,
            "wrote {} ({})",
            p.display(),
            if importer == UNKNOWN_IMPORTER {
                "the entries with no importer number".to_owned()
            } else {
                format!("importer {importer}'s entries only, to send to that importer")
            }
        );
    }
    crate::render::escape_controls(&out).into_owned()
}

/// `entry data of es003.csv: dated 2026-11-20 (the file's date), 4 days before the as-of date`,
/// with a warning past [`STALE_DATA_DAYS`].
pub fn data_age_line(a: &DataAge) -> String {
    let when = match a.days_old {
        d if d < 0 => "after the as-of date".to_owned(),
        0 => "the as-of date".to_owned(),
        1 => "1 day before the as-of date".to_owned(),
        d => format!("{d} days before the as-of date"),
    };
    let mut s = format!(
        "entry data of {}: dated {} ({}), {when}",
        file_label(&a.file),
        a.date,
        if a.from_title {
            "the run date in its title row"
        } else {
            "the file's date; the export date is not in the file"
        }
    );
    if a.stale {
        let _ = write!(
            s,
            " - WARNING: older than {STALE_DATA_DAYS} days; liquidations, protests and statuses since then are not in it: export ES-003 again before acting on the dates"
        );
    }
    s
}

/// What the ledger says of an entry, with the rule it implies, for the terminal and the report.
fn known_clause(k: &KnownState) -> String {
    match k {
        KnownState::Accepted { .. } => format!("{}: never declare it again", k.describe()),
        KnownState::Pending { .. } => format!("{}: do not resubmit", k.describe()),
        KnownState::Drafted { .. } | KnownState::Rejected { .. } => {
            format!("{}: {}", k.describe(), k.remedy())
        }
    }
}

/// The JSON output: one object. Money is given twice: `ieepa_duty` as a decimal string of
/// dollars (`"1234.56"`, exact, unlike a float) and `ieepa_duty_cents` as an integer.
#[derive(Debug, Serialize)]
pub struct PlanJson<'a> {
    /// Decided as of.
    pub as_of: Date,
    /// `--filer`, when given.
    pub filer: Option<&'a str>,
    /// Every entry, in file order.
    pub entries: Vec<EntryJson<'a>>,
    /// Per path.
    pub totals: Vec<TotalJson>,
    /// IEEPA duty of every entry, dollars.
    pub ieepa_duty: String,
    /// Number of urgent entries.
    pub urgent: usize,
    /// The declarations.
    pub declarations: Vec<DeclarationJson<'a>>,
    /// Every declaration file written.
    pub declaration_files: Vec<String>,
    /// worklist.csv and worklist.xlsx.
    pub worklist_files: Vec<String>,
    /// report.html.
    pub report: Option<String>,
    /// The protest and court packets (`protest-IMPORTER.xlsx`, `court-IMPORTER.xlsx`).
    pub packet_files: Vec<String>,
    /// One report per importer, safe to send to it.
    pub importer_report_files: Vec<String>,
    /// Every finding of the readers and the plan (not capped at 20 per rule).
    pub diagnostics: &'a [Diagnostic],
    /// The proof that nothing was lost.
    pub reconciliation: &'a PlanReconciliation,
    /// How old each file's data is.
    pub data_age: &'a [DataAge],
}

/// One entry in the JSON output.
#[derive(Debug, Serialize)]
pub struct EntryJson<'a> {
    /// The entry, 11 characters.
    pub entry_number: EntryNumber,
    /// Importer of record number.
    pub importer_number: Option<&'a str>,
    /// Importer of record name.
    pub importer_name: Option<&'a str>,
    /// The path.
    pub path: EntryPath,
    /// Rule codes, the deciding one first.
    pub reasons: &'a [&'static str],
    /// What to do.
    pub what_to_do: String,
    /// IEEPA duty, dollars as a decimal string.
    pub ieepa_duty: String,
    /// IEEPA duty, cents.
    pub ieepa_duty_cents: i64,
    /// `{date, days_left}` or null.
    pub cape_window_closes: Option<Deadline>,
    /// `{date, days_left}` or null.
    pub psc_due: Option<Deadline>,
    /// `{date, days_left}` or null.
    pub protest_due: Option<Deadline>,
    /// Court under 28 USC 1581(i) at the earliest reading, `{kind, date, days_left, urgent,
    /// basis}` or null.
    pub court_due: Option<Deadline>,
    /// The later readings of `court_due` (deposit and liquidation + 2 years).
    pub court_readings: capekit_core::deadline::CourtReadings,
    /// Court under 28 USC 1581(a) after a denied protest, or null.
    pub court_1581a_due: Option<Deadline>,
    /// The kinds of deadline that matter for the path.
    pub deadlines_that_matter: capekit_core::deadline::KindSet,
    /// A deadline that matters is near (14 days; 60 for the court).
    pub urgent: bool,
    /// The deadline that makes it urgent, or null.
    pub urgent_deadline: Option<Deadline>,
    /// Why it is urgent when no deadline of it can be dated (a liquidated entry without its
    /// liquidation date), or null.
    pub urgent_undated: Option<&'static str>,
    /// The declaration file it is on, if any.
    pub declaration_file: Option<String>,
    /// The filer that must declare it, when `--filer` kept it off the declarations.
    pub other_filer: Option<&'a str>,
    /// Why the plan kept a `cape` entry off the declarations (no importer number, trade
    /// control status), or null.
    pub held: Option<&'a str>,
    /// What the ledger knows of it, when that kept it off the declarations: `{"state":
    /// "accepted", "claim"}` or `{"state": "pending", "declaration", "declared_at"}`. Absent
    /// otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ledger: Option<&'a KnownState>,
    /// Sentences for a person.
    pub notes: &'a [String],
    /// `file:line`.
    pub source: String,
}

/// Per path in the JSON output.
#[derive(Debug, Serialize)]
pub struct TotalJson {
    /// The path.
    pub path: EntryPath,
    /// Entries.
    pub entries: usize,
    /// IEEPA duty, dollars as a decimal string.
    pub ieepa_duty: String,
}

/// One declaration in the JSON output.
#[derive(Debug, Serialize)]
pub struct DeclarationJson<'a> {
    /// Its files (parts).
    pub files: Vec<String>,
    /// Importer of record number.
    pub importer_number: Option<&'a str>,
    /// Filer code, when split by filer.
    pub filer: Option<&'a str>,
    /// Number of entries.
    pub entries: usize,
    /// Number of urgent entries.
    pub urgent: usize,
    /// IEEPA duty, dollars as a decimal string.
    pub ieepa_duty: String,
}

fn shown(p: &FsPath) -> String {
    p.display().to_string()
}

/// The JSON value of a plan.
pub fn plan_json<'a>(plan: &'a Plan, files: &PlanFiles) -> PlanJson<'a> {
    let filer = plan.filer.as_ref().map(FilerCode::as_str);
    PlanJson {
        as_of: plan.as_of,
        filer,
        entries: plan
            .entries
            .iter()
            .map(|e| EntryJson {
                entry_number: e.entry_number,
                importer_number: e.importer_number.as_deref(),
                importer_name: e.importer_name.as_deref(),
                path: e.decision.path,
                reasons: &e.decision.reasons,
                what_to_do: match files.file_of(e) {
                    // The rule's advice says to write a declaration; the plan wrote it.
                    Some(f) => format!(
                        "upload {} on ACE Portal > CAPE > File Uploads{}",
                        f.display(),
                        if e.urgent {
                            " today: the CAPE window closes within 14 days"
                        } else {
                            ""
                        }
                    ),
                    None => e.what_to_do(filer),
                },
                ieepa_duty: decimal_dollars(e.ieepa_duty_cents),
                ieepa_duty_cents: e.ieepa_duty_cents,
                cape_window_closes: e.decision.deadlines.cape_window_closes,
                psc_due: e.decision.deadlines.psc_due,
                protest_due: e.decision.deadlines.protest_due,
                court_due: e.decision.deadlines.court_due,
                court_readings: e.decision.deadlines.court_readings,
                court_1581a_due: e.decision.deadlines.court_1581a_due,
                deadlines_that_matter: e.decision.matter,
                urgent: e.urgent,
                urgent_deadline: e.urgent_by,
                urgent_undated: e.undated_urgency(),
                declaration_file: files.file_of(e).map(|p| shown(p)),
                other_filer: e.other_filer.as_deref(),
                held: e.held.as_deref(),
                ledger: e.known.as_ref(),
                notes: &e.decision.notes,
                source: e.source(),
            })
            .collect(),
        totals: plan
            .totals
            .iter()
            .map(|t| TotalJson {
                path: t.path,
                entries: t.entries,
                ieepa_duty: decimal_dollars(t.ieepa_duty_cents),
            })
            .collect(),
        ieepa_duty: decimal_dollars(plan.ieepa_duty_cents()),
        urgent: plan.entries.iter().filter(|e| e.urgent).count(),
        declarations: plan
            .declarations
            .iter()
            .zip(&files.declarations)
            .map(|(d, paths)| DeclarationJson {
                files: paths.iter().map(|p| shown(p)).collect(),
                importer_number: d.importer_number.as_deref(),
                filer: d.filer.as_deref(),
                entries: d.entries.len(),
                urgent: d.urgent,
                ieepa_duty: decimal_dollars(d.ieepa_duty_cents),
            })
            .collect(),
        declaration_files: files.declaration_files().map(|p| shown(p)).collect(),
        worklist_files: [&files.worklist_csv, &files.worklist_xlsx]
            .into_iter()
            .flatten()
            .map(|p| shown(p))
            .collect(),
        report: files.report.as_deref().map(shown),
        packet_files: files.packets.iter().map(|p| shown(p)).collect(),
        importer_report_files: files
            .importer_reports
            .iter()
            .map(|(_, p)| shown(p))
            .collect(),
        diagnostics: &plan.diagnostics,
        reconciliation: &plan.reconciliation,
        data_age: &plan.data_age,
    }
}

/// The report page.
pub fn report_html(plan: &Plan, files: &PlanFiles) -> String {
    let mut b = String::new();
    let r = &plan.reconciliation;
    let title = format!("CAPE plan, as of {}", plan.as_of);
    let _ = writeln!(b, "<h1>{}</h1>", esc(&title));
    // The files by their names alone: the report is mailed, and where a file lies on this
    // computer (a user name, a folder) is nobody's business.
    let names: Vec<&str> = r.files.iter().map(|f| file_label(&f.file)).collect();
    let _ = writeln!(
        b,
        "<p class=\"meta\">As of {} &middot; {}{}</p>",
        plan.as_of,
        esc(&names.join(", ")),
        plan.filer
            .map(|f| format!(" &middot; filer {}", esc(f.as_str())))
            .unwrap_or_default()
    );
    for a in &plan.data_age {
        let _ = writeln!(
            b,
            "<p class=\"{}\">{}</p>",
            if a.stale { "bad" } else { "meta" },
            esc(&data_age_line(a))
        );
    }
    let worklist = plan.worklist();
    let declared: usize = plan.declarations.iter().map(|d| d.entries.len()).sum();
    let _ = writeln!(b, "<div class=\"tiles\">");
    for (label, value) in [
        ("entries", group(r.entries as u64)),
        ("IEEPA duty", format_cents(plan.ieepa_duty_cents())),
        ("to declare now", group(declared as u64)),
        (
            "urgent (a deadline that matters within 14 days, court 60)",
            group(plan.urgent().len() as u64),
        ),
        ("on the worklist", group(worklist.len() as u64)),
    ] {
        let _ = writeln!(
            b,
            "<div class=\"tile\"><b>{}</b>{}</div>",
            esc(&value),
            esc(label)
        );
    }
    let _ = writeln!(b, "</div>");
    let _ = writeln!(
        b,
        "<p class=\"{}\">{}</p>",
        if r.holds { "ok" } else { "bad" },
        esc(&reconciliation_line(plan))
    );

    let _ = writeln!(
        b,
        "<h2>Paths</h2><table><thead><tr><th>path</th><th class=\"num\">entries</th><th class=\"num\">IEEPA duty</th></tr></thead><tbody>"
    );
    for t in &plan.totals {
        let _ = writeln!(
            b,
            "<tr><td class=\"action\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            t.path,
            group(t.entries as u64),
            format_cents(t.ieepa_duty_cents)
        );
    }
    let _ = writeln!(
        b,
        "<tr><th>total</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></tbody></table>",
        group(r.entries as u64),
        format_cents(plan.ieepa_duty_cents())
    );
    let _ = writeln!(b, "<div class=\"charts\">");
    let duty: Vec<(String, usize)> = plan
        .totals
        .iter()
        .map(|t| {
            (
                format!("{} ({})", t.path, format_cents(t.ieepa_duty_cents)),
                usize::try_from(t.ieepa_duty_cents.saturating_add(50) / 100).unwrap_or(0),
            )
        })
        .collect();
    b.push_str(&bar_chart("IEEPA duty by path (whole dollars)", &duty));
    b.push_str(&bar_chart(
        "Entries by nearest deadline that matters (days from the as-of date)",
        &plan.deadline_buckets(),
    ));
    let _ = writeln!(b, "</div>");
    let paths: Vec<&str> = EntryPath::ALL.iter().map(|p| p.as_str()).collect();
    b.push_str(&crate::html::legend(&paths));

    let _ = writeln!(b, "<h2>Declarations</h2>");
    if plan.declarations.is_empty() {
        let _ = writeln!(
            b,
            "<p>No entry to declare now; no declaration was written.</p>"
        );
    } else {
        let _ = writeln!(
            b,
            "<p>Upload each on ACE Portal &gt; CAPE &gt; File Uploads. Urgent entries come first in each file.</p><table><thead><tr><th>file</th><th>importer</th><th>filer</th><th class=\"num\">entries</th><th class=\"num\">urgent</th><th class=\"num\">IEEPA duty</th></tr></thead><tbody>"
        );
        for (d, paths) in plan.declarations.iter().zip(&files.declarations) {
            let names: Vec<String> = paths
                .iter()
                .map(|p| {
                    p.file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
                })
                .collect();
            let _ = writeln!(
                b,
                "<tr><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&names.join(", ")),
                esc(d.importer_number.as_deref().unwrap_or("(none)")),
                esc(d.filer.as_deref().unwrap_or("")),
                group(d.entries.len() as u64),
                group(d.urgent as u64),
                format_cents(d.ieepa_duty_cents)
            );
        }
        let _ = writeln!(b, "</tbody></table>");
    }
    if !files.packets.is_empty() {
        let _ = writeln!(
            b,
            "<h2>Packets for the other paths</h2><p>Per importer, soonest deadline first: what a protest (CBP Form 19, 19 CFR 174.13(a)) needs that the data holds, and the entries whose route is the Court of International Trade, with the safe date and the later readings.</p><ul>"
        );
        for p in &files.packets {
            let name = p
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let _ = writeln!(b, "<li><a href=\"{0}\">{0}</a></li>", esc(&name));
        }
        let _ = writeln!(b, "</ul>");
    }
    if !files.importer_reports.is_empty() {
        let _ = writeln!(
            b,
            "<h2>Reports per importer</h2><p>One page per importer, with only its entries and no file of this computer named: each may be sent to its importer.</p><ul>"
        );
        for (_, p) in &files.importer_reports {
            let name = p
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let _ = writeln!(b, "<li><a href=\"{0}\">{0}</a></li>", esc(&name));
        }
        let _ = writeln!(b, "</ul>");
    }
    let other = plan.other_filer_entries();
    if other > 0 {
        let _ = writeln!(
            b,
            "<p>{} of other filers are on the worklist, not on a declaration: a broker's account may declare only entries bearing its own filer code (CBP's guide \"ACE Portal: CAPE Declarations\", April 2026, is known to say so only through summaries: unconfirmed).</p>",
            esc(&plural(other, "cape entry", "cape entries"))
        );
    }
    let held = plan.held_entries();
    if held > 0 {
        let _ = writeln!(
            b,
            "<p>{} the plan doubts CBP would take now are on the worklist, not on a declaration: no importer number, or a trade control status.</p>",
            esc(&plural(held, "cape entry", "cape entries"))
        );
    }
    let known = plan.known_entries();
    if !known.is_empty() {
        let accepted = known
            .iter()
            .filter(|e| matches!(e.known, Some(KnownState::Accepted { .. })))
            .count();
        let _ = writeln!(
            b,
            "<p>{} the ledger knows are on the worklist, not on a declaration: {} accepted on an earlier claim (never declare them again) and {} still pending on an earlier declaration (do not resubmit).</p>",
            esc(&plural(known.len(), "cape entry", "cape entries")),
            group(accepted as u64),
            group((known.len() - accepted) as u64)
        );
    }

    if !plan.diagnostics.is_empty() {
        let _ = writeln!(
            b,
            "<h2>Findings of the readers</h2><p>{} ({}); a finding repeated on many lines is listed once with its lines.</p>",
            group(plan.diagnostics.len() as u64),
            esc(&severity_summary(&plan.diagnostics))
        );
        b.push_str(&crate::html::findings_table(
            &plan.diagnostics,
            findings_where,
        ));
    }

    b.push_str("<h2>Worklist</h2>\n");
    if worklist.len() > REPORT_ROWS {
        let _ = writeln!(
            b,
            "<p>The {} most urgent of {} rows; the worklist files (.xlsx, .csv) hold them all.</p>",
            group(REPORT_ROWS as u64),
            group(worklist.len() as u64)
        );
    }
    let _ = writeln!(
        b,
        "<table><thead><tr><th>entry</th><th>importer</th><th>path</th><th>what to do</th><th>CAPE window closes</th><th>PSC due</th><th>protest due</th><th>court due</th><th class=\"num\">IEEPA duty</th><th>rules</th></tr></thead><tbody>"
    );
    let filer = plan.filer.as_ref().map(FilerCode::as_str);
    for e in worklist.into_iter().take(REPORT_ROWS) {
        let dl = e.decision.deadlines;
        let when = |d: Option<Deadline>| {
            d.map_or_else(String::new, |d| {
                if d.passed() {
                    format!("{} (passed)", d.date)
                } else {
                    format!(
                        "{} ({} left)",
                        d.date,
                        plural(usize::try_from(d.days_left).unwrap_or(0), "day", "days")
                    )
                }
            })
        };
        let notes: String = e
            .decision
            .notes
            .iter()
            .map(|n| format!("<br><i>{}</i>", esc(&scrub_paths(n))))
            .collect();
        let _ = writeln!(
            b,
            "<tr{}><td class=\"action\">{}</td><td class=\"action\">{}</td><td class=\"action\">{}</td><td>{}{notes}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            if e.urgent { " class=\"bad\"" } else { "" },
            e.entry_number,
            esc(e.importer_number.as_deref().unwrap_or("")),
            e.decision.path,
            esc(&scrub_paths(&e.what_to_do(filer))),
            when(dl.cape_window_closes),
            when(dl.psc_due),
            if e.undated_urgency().is_some() && dl.protest_due.is_none() {
                esc(&e.urgency())
            } else {
                when(dl.protest_due)
            },
            when(dl.court_safe()),
            format_cents(e.ieepa_duty_cents),
            e.decision.reasons.join(" ")
        );
    }
    let _ = writeln!(b, "</tbody></table>");
    page(&title, &b)
}

/// One importer's report of the plan (`importer` `None`: the entries with no importer number),
/// safe to send: only `entries`, no file of this computer named. It lists what to act on with
/// its deadline, the entries to declare now with their file, and those accepted on an earlier
/// claim.
pub fn importer_report_html(
    plan: &Plan,
    importer: Option<&str>,
    entries: &[&PlannedEntry],
    files: &PlanFiles,
) -> String {
    let who = match importer {
        Some(i) => format!("importer {i}"),
        None => "entries with no importer number".to_owned(),
    };
    let title = format!("CAPE plan: {who}, as of {}", plan.as_of);
    let mut b = crate::html::importer_heading(&title, plan.as_of, importer);
    let filer = plan.filer.as_ref().map(FilerCode::as_str);
    let declared: Vec<&&PlannedEntry> =
        entries.iter().filter(|e| e.declaration.is_some()).collect();
    let accepted: Vec<&&PlannedEntry> = entries
        .iter()
        .filter(|e| matches!(e.known, Some(KnownState::Accepted { .. })))
        .collect();
    // In the worklist's order: urgent first, then the nearest deadline.
    let mine: HashSet<EntryNumber> = entries.iter().map(|e| e.entry_number).collect();
    let act: Vec<&PlannedEntry> = plan
        .worklist()
        .into_iter()
        .filter(|e| mine.contains(&e.entry_number))
        .filter(|e| !matches!(e.known, Some(KnownState::Accepted { .. })))
        .collect();
    b.push_str(&crate::html::tiles([
        ("entries", group(entries.len() as u64)),
        (
            "IEEPA duty",
            format_cents(sum_cents(entries.iter().map(|e| e.ieepa_duty_cents))),
        ),
        ("to declare now", group(declared.len() as u64)),
        ("to act on", group(act.len() as u64)),
        ("accepted on an earlier claim", group(accepted.len() as u64)),
    ]));
    let more = |b: &mut String, n: usize| {
        if n > REPORT_ROWS {
            let _ = writeln!(
                b,
                "<p class=\"meta\">The first {} of {}; your broker's worklist lists them all.</p>",
                group(REPORT_ROWS as u64),
                group(n as u64)
            );
        }
    };
    let by_when = |e: &PlannedEntry| {
        let when = match e.urgent_by.map_or_else(|| e.horizon(), Horizon::Open) {
            Horizon::Open(d) => d.describe(),
            Horizon::Passed => "every deadline has passed".to_owned(),
            Horizon::Undated => String::new(),
        };
        // Urgent with no date to show for it: why, before the next date there is.
        match (e.undated_urgency().is_some(), when.is_empty()) {
            (true, true) => e.urgency(),
            (true, false) => format!("{}; {when}", e.urgency()),
            (false, _) => when,
        }
    };
    b.push_str("<h2>To act on</h2>\n");
    if act.is_empty() {
        b.push_str("<p class=\"ok\">Nothing.</p>\n");
    } else {
        more(&mut b, act.len());
        b.push_str(&crate::html::table(
            &["entry", "path", "what to do", "by when", "IEEPA duty#"],
            act.iter().take(REPORT_ROWS).map(|e| {
                [
                    e.entry_number.to_string(),
                    e.decision.path.to_string(),
                    // Plain advice: no command, ledger note or rule code in a page sent on.
                    capekit_core::words::plain_advice(&scrub_paths(&e.what_to_do(filer))),
                    by_when(e),
                    format_cents(e.ieepa_duty_cents),
                ]
            }),
        ));
    }
    b.push_str("<h2>To declare now</h2>\n");
    if declared.is_empty() {
        b.push_str("<p>None of these entries is to be declared in CAPE now.</p>\n");
    } else {
        b.push_str("<p>On the declarations named, to be uploaded on ACE Portal &gt; CAPE &gt; File Uploads; urgent entries come first in each file.</p>\n");
        more(&mut b, declared.len());
        b.push_str(&crate::html::table(
            &["entry", "declaration", "CAPE window closes", "IEEPA duty#"],
            declared.iter().take(REPORT_ROWS).map(|e| {
                [
                    e.entry_number.to_string(),
                    files
                        .file_of(e)
                        .and_then(|p| p.file_name())
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                    e.decision
                        .deadlines
                        .cape_window_closes
                        .map_or_else(|| "not yet (unliquidated)".to_owned(), Deadline::describe),
                    format_cents(e.ieepa_duty_cents),
                ]
            }),
        ));
    }
    b.push_str("<h2>Accepted on an earlier claim</h2>\n");
    if accepted.is_empty() {
        b.push_str("<p>None of these entries is known as accepted.</p>\n");
    } else {
        more(&mut b, accepted.len());
        b.push_str(&crate::html::table(
            &["entry", "accepted"],
            accepted.iter().take(REPORT_ROWS).map(|e| {
                [
                    e.entry_number.to_string(),
                    capekit_core::words::plain_advice(&scrub_paths(
                        &e.known.as_ref().map_or_else(String::new, known_clause),
                    )),
                ]
            }),
        ));
    }
    let _ = writeln!(
        b,
        "<p class=\"meta\">Paths and deadlines as capekit's dated rules give them on {}, from the entry data of ACE report ES-003.</p>",
        plan.as_of
    );
    page(&title, &b)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::HashMap;

    use capekit_core::entry_data::EntryDataSet;
    use capekit_core::known::Known;
    use capekit_core::path::EntryData;
    use capekit_core::path::PathContext;
    use jiff::ToSpan;

    const AS_OF: Date = jiff::civil::date(2026, 11, 24);

    fn n(filer: &str, i: u32) -> EntryNumber {
        EntryNumber::from_parts(filer, i).expect("entry number")
    }

    /// An unliquidated entry with IEEPA duty: `cape`.
    fn cape(number: EntryNumber, importer: &str) -> EntryData {
        let mut e = EntryData::new(number, 2);
        e.rows = 1;
        e.importer_number = Some(importer.into());
        e.entry_type = Some("01".into());
        e.entry_date = Some(jiff::civil::date(2025, 12, 1));
        e.liquidation_status = Some("Unliquidated".into());
        e.ieepa_duty_cents = 10_000;
        e.ieepa_lines = 1;
        e.ieepa_dutiable_lines = 1;
        e
    }

    /// An entry data set of `entries` as a clean ES-003 file `file` gives them.
    pub(crate) fn set(file: &str, entries: Vec<EntryData>) -> EntryDataSet {
        let rows = entries.len() as u64;
        EntryDataSet {
            file: file.into(),
            content: capekit_core::check::Content::Text,
            entries,
            rows_read: rows,
            rows_used: rows,
            rows_dropped: 0,
            blank_rows: 0,
            header_line: 1,
            columns_present: capekit_core::path::ColumnSet::all(),
            columns_ignored: vec![],
            bom: false,
            windows_1252: false,
            diagnostics: vec![],
            run_date: None,
        }
    }

    fn opts(filer: Option<&str>) -> PlanOptions {
        PlanOptions {
            context: PathContext::default(),
            one_declaration: false,
            file_dates: HashMap::new(),
            as_of: AS_OF,
            filer: filer.map(|f| FilerCode::parse(f).expect("a filer code")),
        }
    }

    #[test]
    fn an_entry_in_two_files_is_taken_from_the_first() {
        let mut second = cape(n("B76", 1), "IOR-2");
        second.first_line = 7;
        let plan = build_plan(
            vec![
                set("a.csv", vec![cape(n("B76", 1), "IOR-1")]),
                set("b.csv", vec![second, cape(n("B76", 2), "IOR-1")]),
            ],
            &opts(None),
        );
        assert_eq!(plan.entries.len(), 2);
        assert_eq!(plan.entries[0].importer_number.as_deref(), Some("IOR-1"));
        let d = &plan.diagnostics[0];
        assert_eq!(
            (d.code, d.file.as_deref(), d.line),
            ("R011", Some("b.csv"), Some(7))
        );
        assert!(d.message.contains("a.csv (line 2)"), "{}", d.message);
        let r = &plan.reconciliation;
        assert_eq!((r.entries_read, r.entries, r.in_earlier_file), (3, 2, 1));
        assert!(r.holds);
        assert!(reconciliation_line(&plan).contains("already in an earlier file 1"));
    }

    #[test]
    fn declarations_per_importer_and_filer_with_sanitised_names() {
        let plan = build_plan(
            vec![set(
                "a.csv",
                vec![
                    cape(n("B76", 1), "12-3456789AB"),
                    cape(n("M27", 2), "12-3456789AB"),
                    cape(n("B76", 3), "98/765/4321"),
                    cape(n("B76", 4), ""),
                    // Differs from the third only by punctuation: must not share its file.
                    cape(n("B76", 5), "987654321"),
                    cape(n("B76", 6), "987654321"),
                ],
            )],
            &opts(None),
        );
        let names: Vec<&str> = plan
            .declarations
            .iter()
            .flat_map(|d| d.file_names.iter().map(String::as_str))
            .collect();
        assert_eq!(
            names,
            vec![
                "declaration-12-3456789AB-B76-2026-11-24.csv",
                "declaration-12-3456789AB-M27-2026-11-24.csv",
                "declaration-987654321-2026-11-24.csv",
                "declaration-987654321-2-2026-11-24.csv",
            ]
        );
        assert_eq!(plan.declarations[2].entries.len(), 1);
        assert_eq!(plan.declarations[3].entries.len(), 2);
        // No importer number: CBP cannot match the entry to an account; never on an upload.
        let left: Vec<_> = plan.worklist().iter().map(|e| e.entry_number).collect();
        assert_eq!(left, vec![n("B76", 4)]);
    }

    #[test]
    fn with_filer_other_filers_go_to_the_worklist() {
        let plan = build_plan(
            vec![set(
                "a.csv",
                vec![cape(n("B76", 1), "IOR"), cape(n("M27", 2), "IOR")],
            )],
            &opts(Some("b76")),
        );
        assert_eq!(plan.declarations.len(), 1);
        assert_eq!(
            plan.declarations[0].file_names,
            vec!["declaration-IOR-2026-11-24.csv"]
        );
        let w = plan.worklist();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].other_filer.as_deref(), Some("M27"));
        assert!(
            w[0].what_to_do(plan.filer.as_ref().map(FilerCode::as_str))
                .contains("filer M27")
        );
    }

    #[test]
    fn urgent_entries_come_first_in_a_declaration() {
        let mut urgent = cape(n("B76", 9), "IOR");
        urgent.liquidation_status = Some("Liquidated".into());
        urgent.liquidation_date = AS_OF.checked_sub(70.days()).ok();
        let mut later = cape(n("B76", 8), "IOR");
        later.liquidation_status = Some("Liquidated".into());
        later.liquidation_date = AS_OF.checked_sub(10.days()).ok();
        let plan = build_plan(
            vec![set("a.csv", vec![cape(n("B76", 1), "IOR"), later, urgent])],
            &opts(None),
        );
        assert_eq!(
            plan.declarations[0].entries,
            vec![n("B76", 9), n("B76", 8), n("B76", 1)]
        );
        assert_eq!(plan.declarations[0].urgent, 1);
        let buckets = plan.deadline_buckets();
        assert_eq!(buckets[0], ("0-14 days".to_owned(), 1));
        assert_eq!(
            buckets[DEADLINE_BUCKETS.len() + 1].1,
            1,
            "unliquidated: undated"
        );
        assert_eq!(buckets.iter().map(|(_, n)| n).sum::<usize>(), 3);
    }

    #[test]
    fn large_declarations_are_split_and_entries_know_their_part() {
        let entries: Vec<EntryData> = (1..=MAX_ENTRIES as u32 + 1)
            .map(|i| cape(n("B76", i), "IOR"))
            .collect();
        let plan = build_plan(vec![set("a.csv", entries)], &opts(None));
        assert_eq!(
            plan.declarations[0].file_names,
            vec![
                "declaration-IOR-2026-11-24-01.csv",
                "declaration-IOR-2026-11-24-02.csv"
            ]
        );
        let mut out = OutputSet::new();
        let files = add_plan_outputs(&mut out, FsPath::new("o"), &plan, false).expect("outputs");
        assert_eq!(
            files.declarations[0],
            vec![
                PathBuf::from("o/declaration-IOR-2026-11-24-01.csv"),
                PathBuf::from("o/declaration-IOR-2026-11-24-02.csv")
            ]
        );
        let last = plan.entries.last().expect("entry");
        assert_eq!(
            files.file_of(last),
            Some(&PathBuf::from("o/declaration-IOR-2026-11-24-02.csv"))
        );
    }

    #[test]
    fn entries_the_ledger_knows_stay_off_the_declarations() {
        let mut urgent = cape(n("B76", 3), "IOR");
        urgent.liquidation_status = Some("Liquidated".into());
        urgent.liquidation_date = AS_OF.checked_sub(70.days()).ok();
        let mut not_cape = cape(n("B76", 4), "IOR");
        not_cape.ieepa_duty_cents = 0;
        not_cape.ieepa_dutiable_lines = 0;
        let mut known = Known::new();
        known.insert(
            n("B76", 1),
            KnownState::Accepted {
                claim: "100000241223".into(),
            },
        );
        known.insert(
            n("B76", 2),
            KnownState::Pending {
                declaration: "refile.csv".into(),
                declared_at: jiff::Timestamp::UNIX_EPOCH,
            },
        );
        known.insert(
            n("B76", 3),
            KnownState::Accepted {
                claim: "100000241224".into(),
            },
        );
        // Known, but not a cape entry: the guard has nothing to keep off.
        known.insert(
            n("B76", 4),
            KnownState::Accepted {
                claim: "100000241225".into(),
            },
        );
        let mut decided = Vec::new();
        let plan = build_plan_with(
            vec![set(
                "a.csv",
                vec![
                    cape(n("B76", 1), "IOR"),
                    cape(n("B76", 2), "IOR"),
                    urgent,
                    not_cape,
                    cape(n("B76", 5), "IOR"),
                ],
            )],
            &opts(None),
            &known,
            |data, decision| decided.push((data.entry_number, decision.path)),
        );
        assert_eq!(decided.len(), 5, "every planned entry is handed over");
        assert_eq!(decided[3], (n("B76", 4), EntryPath::NotRefundable));
        assert_eq!(plan.declarations.len(), 1);
        assert_eq!(plan.declarations[0].entries, vec![n("B76", 5)]);
        let known: Vec<EntryNumber> = plan
            .known_entries()
            .iter()
            .map(|e| e.entry_number)
            .collect();
        assert_eq!(known, vec![n("B76", 1), n("B76", 2), n("B76", 3)]);
        // The path stays `cape`: the plan still adds up by path.
        assert_eq!(plan.totals[0].entries, 4);
        assert!(plan.reconciliation.holds);
        let worklist = plan.worklist();
        let what = |tx| {
            worklist
                .iter()
                .find(|e| e.entry_number == n("B76", tx))
                .map(|e| e.what_to_do(None))
                .unwrap_or_default()
        };
        assert!(
            what(1).starts_with(
                "accepted on claim 100000241223, as the ledger records: never declare it again"
            ),
            "{}",
            what(1)
        );
        assert!(
            what(2).contains("still pending on refile.csv") && what(2).contains("do not resubmit"),
            "{}",
            what(2)
        );
        // Regression: "(capekit ledger)" after every reason was jargon; it is said in words.
        for tx in 1..=4 {
            assert!(!what(tx).contains("(capekit ledger)"), "{}", what(tx));
        }
        assert!(what(2).contains(", as the ledger records: "), "{}", what(2));
        // Accepted: nothing left to do, so not urgent however close its window, and last.
        assert!(!plan.entries[2].urgent);
        let order: Vec<EntryNumber> = worklist.iter().map(|e| e.entry_number).collect();
        assert_eq!(
            order,
            vec![n("B76", 2), n("B76", 4), n("B76", 3), n("B76", 1)]
        );
        assert!(plan.entries[3].known.is_none());
        let text = plan_text(&plan, &PlanFiles::default());
        assert!(
            text.contains("not declared: 3 cape entries the ledger knows"),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "  {}  accepted on claim 100000241223: never declare it again",
                n("B76", 1)
            )),
            "{text}"
        );
    }

    #[test]
    fn money_and_names() {
        assert_eq!(dollars(123_456), "1,234.56");
        assert_eq!(decimal_dollars(123_456), "1234.56");
        assert_eq!(decimal_dollars(5), "0.05");
        assert_eq!(
            crate::names::name_part("12-345/678 90\u{e9}"),
            "12-345678-90"
        );
        assert_eq!(crate::names::name_part("--"), "unknown");
    }

    #[test]
    fn a_finding_repeated_on_many_lines_is_told_once_in_the_text_and_the_report() {
        let diags: Vec<Diagnostic> = (0..25u64)
            .map(|i| {
                capekit_core::reading::ENTRY_DATA_UNREADABLE_ENTRY_NUMBER
                    .diag(format!("line {}: `x{i}` is not an entry number", i + 2))
                    .at_line(i + 2)
                    .in_file("es003.csv")
            })
            .chain([capekit_core::reading::BAD_AMOUNT.diag("x")])
            .collect();
        let html = crate::html::findings_table(&diags, findings_where);
        assert!(html.contains("on 25 lines: 2-26"), "{html}");
        assert_eq!(html.matches("is not an entry number").count(), 3, "{html}");
        // Regression: rows whose entry number cannot be read are left out, so the report never
        // says their entries are on the worklist.
        assert!(
            html.contains(
                "... and 22 more like these (all in --format json; these rows are left out of the plan, so they are not on the worklist)"
            ),
            "{html}"
        );
        assert!(!html.contains("their entries on the worklist"), "{html}");
        let bad_dates: Vec<Diagnostic> = (0..5u64)
            .map(|i| {
                capekit_core::reading::BAD_DATE
                    .diag(format!("line {}: bad date", i + 2))
                    .at_line(i + 2)
                    .in_file("es003.csv")
            })
            .collect();
        assert!(
            crate::html::findings_table(&bad_dates, findings_where)
                .contains("(all in --format json; their entries on the worklist)")
        );
    }

    /// Any entry the plan doubts never reaches a declaration: generated entries covering every
    /// field a decision reads (unreadable cells, blank dates, negative duty, excluded types,
    /// protests, AD/CVD, liquidation states), planned on days around CBP's changes. A declared
    /// entry is a `cape` decision with no review reason, every deciding cell read, its entry
    /// date known, an importer number and no trade control status.
    mod no_doubt_is_declared {
        use super::*;
        use capekit_core::path::{Column, Doubt};
        use proptest::prelude::*;

        fn pick<T: Clone + std::fmt::Debug + 'static>(v: &'static [T]) -> impl Strategy<Value = T> {
            proptest::sample::select(v)
        }

        const TYPES: &[Option<&str>] = &[
            Some("01"),
            Some("01"),
            Some("01"),
            Some("01"),
            Some("01"),
            Some("03"),
            Some("06"),
            Some("08"),
            Some("09"),
            Some("11"),
            Some("21"),
            Some("22"),
            Some("23"),
            Some("31"),
            Some("47"),
            None,
        ];
        const LIQ: &[Option<&str>] = &[
            Some("Unliquidated"),
            Some("Liquidated"),
            Some("Extended"),
            Some("Suspended"),
            Some("Xyz"),
            None,
        ];
        const PROTEST: &[Option<&str>] = &[
            None,
            None,
            None,
            None,
            None,
            Some("Open"),
            Some("Denied"),
            Some("Approved"),
            Some("Withdrawn"),
            Some("Q"),
        ];
        const ADCVD: &[Option<&str>] = &[
            None,
            None,
            None,
            Some("Suspended"),
            Some("Pending Liquidation"),
            Some("Y"),
        ];
        const UNREADABLE: &[Option<Column>] = &[
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            Some(Column::Hts),
            Some(Column::Duty),
            Some(Column::GoodsValue),
            Some(Column::EntryType),
            Some(Column::EntryDate),
            Some(Column::LiquidationDate),
            Some(Column::EntrySummaryDate),
            Some(Column::ProtestDecisionDate),
        ];
        const CONTROL: &[Option<&str>] = &[None, Some("Statement"), Some("Trade")];
        const AS_OF: &[(i16, i8, i8)] =
            &[(2026, 5, 1), (2026, 7, 10), (2026, 11, 24), (2027, 1, 5)];

        #[allow(clippy::type_complexity)]
        fn entry() -> impl Strategy<Value = EntryData> {
            (
                (
                    pick(TYPES),
                    pick(LIQ),
                    pick(PROTEST),
                    pick(ADCVD),
                    pick(UNREADABLE),
                    pick(CONTROL),
                ),
                (
                    0i64..700,
                    prop::option::weighted(0.5, -200i64..400),
                    proptest::bool::weighted(0.9),
                    prop_oneof![1 => Just(0u32), 6 => Just(1u32), 1 => Just(2u32)],
                    prop_oneof![6 => Just(0u32), 1 => Just(1u32)],
                    proptest::bool::weighted(0.1),
                ),
                (
                    proptest::bool::weighted(0.1),
                    proptest::bool::weighted(0.1),
                    prop::option::weighted(0.1, 0i64..300),
                    proptest::bool::weighted(0.1),
                    1u32..9_999_999,
                    proptest::bool::weighted(0.1),
                ),
            )
                .prop_map(
                    |(
                        (t, liq, protest, adcvd, unreadable, control),
                        (entered, liq_days, importer, dutiable, negative, goods),
                        (recon, drawback, decided, absent_date, tx, conflict),
                    )| {
                        let mut e = cape(n("B76", tx), "IOR-1");
                        let as_of = jiff::civil::date(2026, 11, 24);
                        e.entry_type = t.map(Into::into);
                        e.entry_date = as_of.checked_sub(entered.days()).ok();
                        e.liquidation_status = liq.map(Into::into);
                        e.liquidation_date =
                            liq_days.and_then(|d| as_of.checked_sub(d.days()).ok());
                        e.protest_status = protest.map(Into::into);
                        e.protest_number = protest.map(|_| "270426100281".into());
                        e.protest_decision_date =
                            decided.and_then(|d| as_of.checked_sub(d.days()).ok());
                        e.adcvd = adcvd.map(Into::into);
                        e.control_status = control.map(Into::into);
                        e.importer_number = importer.then(|| "IOR-1".into());
                        e.ieepa_dutiable_lines = dutiable;
                        e.ieepa_duty_cents = i64::from(dutiable) * 10_000;
                        e.ieepa_lines = dutiable + negative;
                        e.ieepa_negative_duty_lines = negative;
                        e.ieepa_goods_value_on_99_line = goods;
                        e.reconciliation_indicator = recon.then(|| "Y".into());
                        e.drawback = drawback.then(|| "Y".into());
                        if let Some(c) = unreadable {
                            e.add_doubt(c, Doubt::Unreadable, "line 2".into(), "x", "unreadable");
                            if c == Column::EntryDate {
                                e.entry_date = None;
                            }
                        }
                        if absent_date {
                            e.entry_date = None;
                        }
                        if conflict {
                            e.add_doubt(
                                Column::LiquidationDate,
                                Doubt::Conflicting,
                                "line 3".into(),
                                "01/01/2026",
                                "`2026-10-01` on line 2",
                            );
                        }
                        e
                    },
                )
        }

        /// Plans `entries` on `day` and checks every declared entry; returns how many were
        /// declared, so that a test can prove the generator reaches the declarations at all.
        fn check(entries: Vec<EntryData>, day: (i16, i8, i8)) -> Result<usize, TestCaseError> {
            let mut seen = HashSet::new();
            let entries: Vec<EntryData> = entries
                .into_iter()
                .filter(|e| seen.insert(e.entry_number))
                .collect();
            let data: HashMap<EntryNumber, EntryData> = entries
                .iter()
                .map(|e| (e.entry_number, e.clone()))
                .collect();
            let mut o = opts(None);
            o.as_of = jiff::civil::date(day.0, day.1, day.2);
            let plan = build_plan(vec![set("x.csv", entries)], &o);
            let declared: HashSet<EntryNumber> = plan
                .declarations
                .iter()
                .flat_map(|d| d.entries.iter().copied())
                .collect();
            for p in &plan.entries {
                let on = declared.contains(&p.entry_number);
                prop_assert_eq!(on, p.declaration.is_some());
                if !on {
                    continue;
                }
                let e = &data[&p.entry_number];
                let d = &p.decision;
                prop_assert_eq!(d.path, EntryPath::Cape, "{:?}", d);
                for r in &d.reasons {
                    let rule = capekit_core::path::path_rule(r).expect("rule");
                    prop_assert_ne!(rule.path, EntryPath::Review, "{:?}", d);
                }
                let mut unread = e.unreadable_columns;
                unread.remove(Column::EntrySummaryDate);
                prop_assert!(unread.is_empty(), "{:?} {:?}", unread, d);
                prop_assert!(e.entry_date.is_some());
                prop_assert_eq!(e.ieepa_negative_duty_lines, 0);
                prop_assert!(
                    e.doubtful_cells
                        .iter()
                        .all(|c| c.column == Column::EntrySummaryDate
                            && c.doubt == Doubt::Unreadable),
                    "{:?}",
                    e.doubtful_cells
                );
                prop_assert!(e.importer_number.is_some());
                prop_assert_ne!(e.control_status.as_deref(), Some("Trade"));
                let t = e.entry_type.as_deref().unwrap_or("");
                prop_assert!(!["08", "09", "47", "23"].contains(&t), "{}", t);
                prop_assert!(e.ieepa_dutiable_lines > 0);
                prop_assert!(p.held.is_none());
            }
            Ok(declared.len())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]
            #[test]
            fn declared_entries_are_never_doubtful(
                entries in prop::collection::vec(entry(), 1..12),
                day in pick(AS_OF),
            ) {
                check(entries, day)?;
            }
        }

        #[test]
        fn the_generator_reaches_the_declarations() {
            use proptest::strategy::ValueTree;
            use proptest::test_runner::TestRunner;
            let mut runner = TestRunner::deterministic();
            let strategy = (prop::collection::vec(entry(), 1..12), pick(AS_OF));
            let mut declared = 0;
            for _ in 0..256 {
                let (entries, day) = strategy.new_tree(&mut runner).expect("tree").current();
                declared += check(entries, day).expect("invariant");
            }
            assert!(
                declared >= 10,
                "only {declared} declared: the test would prove nothing"
            );
        }
    }

    #[test]
    fn two_plans_of_one_day_never_share_a_name_nor_does_the_brokers_report_an_importers() {
        let one = build_plan(
            vec![set("a.csv", vec![cape(n("B76", 1), "11-1111111AA")])],
            &opts(None),
        );
        let two = build_plan(
            vec![set(
                "b.csv",
                vec![
                    cape(n("B76", 2), "22-2222222BB"),
                    cape(n("B76", 3), "33-3333333CC"),
                ],
            )],
            &opts(None),
        );
        let (a, b) = (plan_names(&one), plan_names(&two));
        let date = AS_OF.to_string();
        assert_eq!(
            a.worklist_xlsx,
            format!("plan-worklist-11-1111111AA-{date}.xlsx")
        );
        assert_eq!(
            b.worklist_csv,
            format!("plan-worklist-22-2222222BB-33-3333333CC-{date}.csv")
        );
        assert_ne!(a.report, b.report);
        // One importer: the broker's report and the importer's are two files.
        assert_eq!(a.report, format!("plan-report-11-1111111AA-{date}.html"));
        assert_eq!(
            a.importer_reports,
            [format!("plan-report-for-11-1111111AA-{date}.html")]
        );
    }

    #[test]
    fn a_liquidated_entry_without_its_date_is_urgent_first_and_says_why() {
        let mut undated = cape(n("B76", 3), "IOR");
        undated.liquidation_status = Some("Liquidated".into());
        undated.liquidation_date = None;
        // Liquidated 80 days ago: CAPE's 80-day window closes today, its last day; the
        // undatable one comes before it all the same (its date may be past already).
        let mut soon = cape(n("B76", 2), "IOR");
        soon.liquidation_status = Some("Liquidated".into());
        soon.liquidation_date = AS_OF.checked_sub(jiff::Span::new().days(80)).ok();
        let plan = build_plan(vec![set("a.csv", vec![soon, undated])], &opts(None));
        let urgent: Vec<EntryNumber> = plan.urgent().iter().map(|e| e.entry_number).collect();
        assert_eq!(
            urgent,
            [n("B76", 3), n("B76", 2)],
            "the undatable one comes before a deadline on its last day"
        );
        let e = plan.urgent()[0];
        assert_eq!(e.urgent_by, None);
        assert!(
            e.urgency().starts_with("protest due date unknown"),
            "{}",
            e.urgency()
        );
        let files = PlanFiles::default();
        let json = serde_json::to_value(plan_json(&plan, &files)).expect("json");
        let row = json["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .find(|r| r["urgent_undated"].is_string())
            .expect("the undated entry");
        assert_eq!(row["urgent"], true);
        assert!(
            row["urgent_undated"]
                .as_str()
                .is_some_and(|t| t.contains("look it up in ACE"))
        );
        let text = plan_text(&plan, &files);
        assert!(text.contains("protest due date unknown"), "{text}");
        // Counted as such in the chart, not by its later court date, and said in the report.
        let buckets = plan.deadline_buckets();
        assert_eq!(
            buckets.last(),
            Some(&(BUCKET_UNDATABLE.to_owned(), 1)),
            "{buckets:?}"
        );
        assert_eq!(buckets.iter().map(|(_, n)| n).sum::<usize>(), 2);
        let html = report_html(&plan, &files);
        assert!(html.contains("protest due date unknown"), "{html}");
    }
}
