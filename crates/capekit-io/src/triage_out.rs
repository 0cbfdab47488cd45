//! The files a triage writes, all from one [`TriageReport`]: the refile upload(s), the worklist as
//! CSV and XLSX, the report page, and the short terminal summary.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use capekit_core::EntryNumber;
use capekit_core::check::group;
use capekit_core::diag::Diagnostic;
use capekit_core::triage::{ClaimFileKind, EntryResult, Outcome, Text, TriageInput, TriageReport};
use serde::Serialize;

use crate::html::{bar_chart, esc, importer_heading, page, table, tiles};
use crate::names::{
    Kind, Taken, UNKNOWN_IMPORTER, Whose, claims_part, file_label, output_name, scrub_paths,
};
use crate::output::{OutputSet, WriteError};
use crate::sheet::{Book, SheetTable, Value, column, csv_of};
use crate::timings;
use crate::upload::add_upload_files;
use capekit_core::reading::UNREADABLE_ENTRY_NUMBER;

/// The report page lists at most this many worklist rows; the worklist files hold them all. A
/// page of a million rows helps nobody and takes a browser minutes to open.
pub const REPORT_ROWS: usize = 5_000;

/// Paths of what a triage wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TriageFiles {
    /// The new declaration, in parts of at most 9,999.
    pub refile: Vec<PathBuf>,
    /// worklist.csv.
    pub worklist_csv: Option<PathBuf>,
    /// worklist.xlsx.
    pub worklist_xlsx: Option<PathBuf>,
    /// The report for the broker.
    pub report: Option<PathBuf>,
    /// One report per importer, safe to send to it (per claim for entries whose importer is
    /// not known): the importer (or [`UNKNOWN_IMPORTER`]) and the file.
    pub importer_reports: Vec<(String, PathBuf)>,
}

/// The importer of each entry, as far as it is known (see [`importers_of`]).
pub type Importers = HashMap<EntryNumber, Arc<str>>;

/// The importer of each entry of a triage: the claim file's importer column where it has one,
/// else the entry data given with it (`--entries`, or what the ledger keeps, which the caller
/// adds). A triage judges no entry by it; it only says whose report an entry goes on.
pub fn importers_of(input: &TriageInput) -> Importers {
    let mut out = Importers::new();
    for r in &input.rows {
        if let Some(i) = &r.importer {
            out.entry(r.entry).or_insert_with(|| i.clone());
        }
    }
    for (e, d) in &input.entry_data {
        if let Some(i) = d.importer_number.as_ref().filter(|i| !i.trim().is_empty()) {
            out.entry(*e).or_insert_with(|| i.clone());
        }
    }
    out
}

/// The entries of one importer's report, or, when their importer is not known, of one claim's.
#[derive(Debug, Clone)]
pub struct ImporterGroup<'a> {
    /// The importer; `None` when not known.
    pub importer: Option<Arc<str>>,
    /// The claims its entries are on, in the report's order.
    pub claims: Vec<Text>,
    /// Its results (accepted and on the worklist), in the report's order.
    pub entries: Vec<&'a EntryResult>,
    /// Its entries on the new declaration.
    pub refile: Vec<EntryNumber>,
}

/// The groups of a triage's importer reports: one per importer known (by importer number), then
/// one per claim of the entries whose importer is not known (an entry on no claim, missing from
/// every claim file, goes with the first).
pub fn importer_groups<'a>(
    report: &'a TriageReport,
    importers: &Importers,
) -> Vec<ImporterGroup<'a>> {
    // (not known, importer or claim) -> group; importers sort by number, claims keep their order.
    let claim_order: HashMap<&str, usize> = report
        .claims
        .iter()
        .enumerate()
        .map(|(i, c)| (&*c.claim_number, i))
        .collect();
    let first_claim: Text = report
        .claims
        .first()
        .map_or_else(|| Text::from(""), |c| c.claim_number.clone());
    // (not known, claim's order, importer or claim): shared texts, no copy per entry.
    let key_of = |e: EntryNumber, claim: Option<&Text>| -> (bool, usize, Text) {
        match importers.get(&e) {
            Some(i) => (false, 0, i.clone()),
            None => {
                let claim = claim.unwrap_or(&first_claim);
                (
                    true,
                    claim_order.get(&**claim).copied().unwrap_or(usize::MAX),
                    claim.clone(),
                )
            }
        }
    };
    let new_group = |key: &(bool, usize, Text)| ImporterGroup {
        importer: (!key.0).then(|| key.2.clone()),
        claims: Vec::new(),
        entries: Vec::new(),
        refile: Vec::new(),
    };
    let mut groups: BTreeMap<(bool, usize, Text), ImporterGroup<'a>> = BTreeMap::new();
    let mut claim_of: HashMap<EntryNumber, &Text> = HashMap::new();
    for e in &report.entries {
        let key = key_of(e.entry_number, e.claim_number.as_ref());
        let g = match groups.get_mut(&key) {
            Some(g) => g,
            None => {
                let g = new_group(&key);
                groups.entry(key).or_insert(g)
            }
        };
        if let Some(c) = &e.claim_number {
            // Entries come claim by claim: the last claim seen is nearly always this one.
            if g.claims.last() != Some(c) && !g.claims.contains(c) {
                g.claims.push(c.clone());
            }
            if e.outcome != Outcome::Accepted {
                claim_of.entry(e.entry_number).or_insert(c);
            }
        }
        g.entries.push(e);
    }
    for &n in &report.refile.entries {
        let key = key_of(n, claim_of.get(&n).copied());
        match groups.get_mut(&key) {
            Some(g) => g.refile.push(n),
            None => {
                let mut g = new_group(&key);
                g.refile.push(n);
                groups.insert(key, g);
            }
        }
    }
    for g in groups.values_mut() {
        g.claims
            .sort_by_key(|c| claim_order.get(&**c).copied().unwrap_or(usize::MAX));
    }
    groups.into_values().collect()
}

/// The names of a triage's files, as [`crate::names`] gives them: the triage's claim number(s)
/// and its as-of date in each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriageNames {
    /// The new declaration's name before it is split (its parts add `-01`, `-02`...).
    pub refile_base: String,
    /// The new declaration's parts.
    pub refile: Vec<String>,
    /// The worklist as CSV.
    pub worklist_csv: String,
    /// The worklist as a workbook.
    pub worklist_xlsx: String,
    /// The report for the broker.
    pub report: String,
    /// The importers' reports, in [`importer_groups`] order.
    pub importer_reports: Vec<String>,
}

/// The names of the files of `report`, whose importers are `importers`.
pub fn triage_names(report: &TriageReport, importers: &Importers) -> TriageNames {
    names_of(report, &importer_groups(report, importers))
}

/// [`triage_names`], for the importer groups already made.
fn names_of(report: &TriageReport, groups: &[ImporterGroup<'_>]) -> TriageNames {
    let of = claims_part(report);
    let whose = Whose {
        of: Some(&of),
        ..Whose::default()
    };
    let date = report.as_of;
    let parts = report
        .refile
        .entries
        .len()
        .div_ceil(capekit_core::check::MAX_ENTRIES);
    let mut taken = Taken::new();
    let importer_reports = groups
        .iter()
        .map(|g| importer_report_name(g, &of, date, &mut taken))
        .collect();
    TriageNames {
        refile_base: output_name(Kind::Refile, whose, date, None),
        refile: crate::names::part_names(Kind::Refile, whose, date, parts),
        worklist_csv: output_name(Kind::WorklistCsv, whose, date, None),
        worklist_xlsx: output_name(Kind::WorklistXlsx, whose, date, None),
        report: output_name(Kind::Report, whose, date, None),
        importer_reports,
    }
}

/// `report-IMPORTER-CLAIMS-DATE.html`, named after the importer's own claims (its one claim,
/// or the first and `-and-N-more`), or `report-unknown-importer-CLAIM-DATE.html`. `of` (the
/// triage's claims) names a group on no claim at all.
fn importer_report_name(
    g: &ImporterGroup<'_>,
    of: &str,
    date: jiff::civil::Date,
    taken: &mut Taken,
) -> String {
    let importer = g.importer.as_deref().unwrap_or(UNKNOWN_IMPORTER);
    let claim = match (&g.importer, g.claims.first()) {
        (None, Some(c)) => crate::names::name_part(c),
        (Some(_), _) => crate::names::first_and_more(&g.claims).unwrap_or_else(|| of.to_owned()),
        (None, None) => of.to_owned(),
    };
    taken.importer_report(Kind::Report, importer, Some(&claim), date)
}

/// The worklist's columns (machine names, as the CSV heads them).
pub const WORKLIST_HEADERS: [&str; 13] = [
    "entry_number",
    "claim_number",
    "outcome",
    "message",
    "action",
    "what_to_do",
    "rule",
    "source",
    "origin",
    "note",
    "urgent",
    "next_deadline",
    "deadlines",
];

/// The worklist's column widths in the workbook, in characters.
pub const WORKLIST_WIDTHS: [f64; 13] = [
    14.0, 16.0, 10.0, 42.0, 20.0, 70.0, 7.0, 40.0, 24.0, 40.0, 12.0, 36.0, 60.0,
];

/// One worklist row, borrowed from the report where it can be.
pub type WorklistRow<'a> = [Cow<'a, str>; 13];

/// The worklist rows: one per rejected or missing entry, most urgent first, then one per
/// claim-file row whose entry number cannot be read. Built as they are written, so that the
/// worklist files of a million-row triage cost no table in memory.
pub fn worklist_rows<'a>(
    report: &'a TriageReport,
    diagnostics: &'a [Diagnostic],
) -> impl Iterator<Item = WorklistRow<'a>> + 'a {
    report
        .worklist()
        .map(|e| {
            [
                Cow::Borrowed(e.entry_number.as_str()),
                Cow::Borrowed(e.claim_number.as_deref().unwrap_or("")),
                Cow::Borrowed(e.outcome.as_str()),
                Cow::Borrowed(&*e.message),
                Cow::Borrowed(e.action.as_str()),
                scrub_paths(&e.what_to_do),
                Cow::Borrowed(e.rule.unwrap_or("")),
                Cow::Borrowed(&*e.source),
                origin_cow(e),
                scrub_paths(e.note.as_deref().unwrap_or("")),
                Cow::Borrowed(e.urgent.map_or("", |k| k.as_str())),
                e.next_deadline().map_or(Cow::Borrowed(""), Cow::Owned),
                if e.deadlines.is_empty() {
                    Cow::Borrowed("")
                } else {
                    Cow::Owned(
                        e.deadlines
                            .iter()
                            .map(|d| d.describe())
                            .collect::<Vec<_>>()
                            .join("; "),
                    )
                },
            ]
        })
        // A row whose entry number cannot be read is still an answer of CBP's: it stays
        // on the worklist, under its raw value, for a person to read in ACE.
        .chain(
            diagnostics
                .iter()
                .filter(|d| d.is(&UNREADABLE_ENTRY_NUMBER))
                .map(|d| {
                    [
                        Cow::Borrowed(capekit_core::entry::unwrap_value(
                            d.value.as_deref().unwrap_or(""),
                        )),
                        Cow::Borrowed(""),
                        Cow::Borrowed("unreadable"),
                        Cow::Borrowed(""),
                        Cow::Borrowed(capekit_core::catalog::Action::Review.as_str()),
                        Cow::Borrowed(d.message.as_str()),
                        Cow::Borrowed(d.code()),
                        Cow::Borrowed(capekit_core::reading::UNREADABLE_ENTRY_NUMBER.doc.source),
                        Cow::Owned(format!(
                            "{}:{}",
                            file_label(d.file.as_deref().unwrap_or("")),
                            d.line.unwrap_or(0)
                        )),
                        Cow::Borrowed(""),
                        Cow::Borrowed(""),
                        Cow::Borrowed(""),
                        Cow::Borrowed(""),
                    ]
                }),
        )
}

/// The worklist: one row per rejected or missing entry, most urgent first.
pub fn worklist_table(report: &TriageReport, diagnostics: &[Diagnostic]) -> SheetTable {
    SheetTable {
        headers: WORKLIST_HEADERS.to_vec(),
        widths: WORKLIST_WIDTHS.to_vec(),
        rows: worklist_rows(report, diagnostics)
            .map(|r| r.into_iter().map(Cow::into_owned).collect())
            .collect(),
    }
}

/// The columns of the workbook's "Accepted" sheet.
const ACCEPTED_HEADERS: [&str; 2] = ["entry_number", "claim_number"];

/// The triage workbook: the worklist on "Worklist", and the accepted entries with their claim
/// on "Accepted" (each continued on further sheets past Excel's rows).
pub fn triage_xlsx(
    report: &TriageReport,
    diagnostics: &[Diagnostic],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    triage_xlsx_paged(report, diagnostics, crate::sheet::EXCEL_DATA_ROWS)
}

fn triage_xlsx_paged(
    report: &TriageReport,
    diagnostics: &[Diagnostic],
    rows_per_sheet: usize,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Book::new().with_rows_per_sheet(rows_per_sheet);
    let worklist_columns = WORKLIST_HEADERS.map(column);
    let unreadable = diagnostics
        .iter()
        .filter(|d| d.is(&UNREADABLE_ENTRY_NUMBER))
        .count();
    // The worklist repeats a few hundred sentences of advice over every row: shared strings.
    let mut worklist = book.shared_pages(
        "Worklist",
        &worklist_columns,
        &WORKLIST_WIDTHS,
        report.worklist().count() + unreadable,
    )?;
    let accepted_rows = report
        .entries
        .iter()
        .filter(|e| e.outcome == Outcome::Accepted);
    let mut accepted = book.pages(
        "Accepted",
        &ACCEPTED_HEADERS.map(column),
        &[14.0, 16.0],
        accepted_rows.clone().count(),
    )?;
    // The two sheets are written on two threads; the workbook is put together after.
    std::thread::scope(|s| {
        let other = s.spawn(|| {
            let _t = timings::phase("triage output worklist.xlsx accepted sheet");
            accepted.typed(accepted_rows.map(|e| {
                [
                    Value::Text(Cow::Borrowed(e.entry_number.as_str())),
                    Value::Text(Cow::Borrowed(e.claim_number.as_deref().unwrap_or(""))),
                ]
            }))
        });
        let here = {
            let _t = timings::phase("triage output worklist.xlsx worklist sheet");
            worklist.text(worklist_rows(report, diagnostics))
        };
        let there = other
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        here.and(there)
    })?;
    book.push(worklist);
    book.push(accepted);
    let _t = timings::phase("triage output worklist.xlsx zipped");
    book.finish()
}

/// Where a worklist row came from: `file:line`, or `declaration` for a missing entry.
pub fn origin(e: &capekit_core::triage::EntryResult) -> String {
    origin_cow(e).into_owned()
}

fn origin_cow(e: &capekit_core::triage::EntryResult) -> Cow<'_, str> {
    // The file's name alone: a worklist goes to others, and where the file lies on this
    // computer is nobody's business.
    let file = file_label(&e.file);
    if e.line == 0 {
        Cow::Borrowed(file)
    } else {
        Cow::Owned(format!("{}:{}", file, e.line))
    }
}

/// Adds every triage output to `set`, under `dir`, named by [`triage_names`]. The workbook is
/// optional (benchmarks skip it).
///
/// The workbook, the largest output to build, is built on a thread of its own while the other
/// files are built on this one.
pub fn add_triage_outputs(
    set: &mut OutputSet,
    dir: &Path,
    report: &TriageReport,
    diagnostics: &[Diagnostic],
    importers: &Importers,
    with_xlsx: bool,
) -> Result<TriageFiles, WriteError> {
    let groups = importer_groups(report, importers);
    let names = names_of(report, &groups);
    let xlsx_path = dir.join(&names.worklist_xlsx);
    let csv_path = dir.join(&names.worklist_csv);
    let report_path = dir.join(&names.report);
    let mut files = TriageFiles::default();
    {
        let _t = timings::phase("triage output refile");
        files.refile = add_upload_files(set, &dir.join(&names.refile_base), &report.refile.entries);
    }
    let refile_names: Vec<String> = files
        .refile
        .iter()
        .map(|p| {
            p.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        })
        .collect();
    let (xlsx, csv, (html, pages)) = std::thread::scope(|s| {
        let xlsx = with_xlsx.then(|| {
            s.spawn(|| {
                let _t = timings::phase("triage output worklist.xlsx");
                triage_xlsx(report, diagnostics)
            })
        });
        // The reports are built beside the worklist CSV: each is a pass over every entry.
        let reports = s.spawn(|| {
            let html = {
                let _t = timings::phase("triage output report.html");
                report_html(report, diagnostics, &refile_names, &names.importer_reports)
            };
            let pages: Vec<String> = {
                let _t = timings::phase("triage output importer reports");
                groups
                    .iter()
                    .map(|g| importer_report_html(report, g, &refile_names))
                    .collect()
            };
            (html, pages)
        });
        let csv = {
            let _t = timings::phase("triage output worklist.csv");
            csv_of(&WORKLIST_HEADERS, worklist_rows(report, diagnostics))
        };
        (xlsx.map(joined), csv, joined(reports))
    });
    let csv = csv.map_err(|e| WriteError::Io {
        path: csv_path.clone(),
        error: std::io::Error::other(e.to_string()),
    })?;
    set.add(&csv_path, csv);
    files.worklist_csv = Some(csv_path);
    if let Some(xlsx) = xlsx {
        let bytes = xlsx.map_err(|e| WriteError::Workbook {
            path: xlsx_path.clone(),
            message: e.to_string(),
        })?;
        set.add(&xlsx_path, bytes);
        files.worklist_xlsx = Some(xlsx_path);
    }
    set.add(&report_path, html.into_bytes());
    files.report = Some(report_path);
    for ((g, name), page) in groups.iter().zip(&names.importer_reports).zip(pages) {
        let path = dir.join(name);
        set.add(&path, page.into_bytes());
        files.importer_reports.push((
            g.importer.as_deref().unwrap_or(UNKNOWN_IMPORTER).to_owned(),
            path,
        ));
    }
    Ok(files)
}

/// Every deadline of a worklist row, as the worklist files give them, the next one still open
/// first: what the report and the workbench show in their deadline cell.
pub fn deadlines_next_first(e: &EntryResult) -> Vec<capekit_core::deadline::Deadline> {
    let first = capekit_core::deadline::nearest_open(e.deadlines.iter().copied());
    first
        .into_iter()
        .chain(e.deadlines.iter().copied().filter(|d| Some(*d) != first))
        .collect()
}

/// The output a thread built. A panic there is a bug: it goes on here as it would have there.
fn joined<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// Every path [`add_triage_outputs`] may write into `dir` for `report` and a refile list of
/// at most its length (a shorter list splits into fewer parts, named differently): what a
/// command checks before it records anything.
pub fn triage_output_paths(
    dir: &Path,
    report: &TriageReport,
    importers: &Importers,
) -> Vec<PathBuf> {
    let names = triage_names(report, importers);
    let of = claims_part(report);
    let whose = Whose {
        of: Some(&of),
        ..Whose::default()
    };
    let parts = report
        .refile
        .entries
        .len()
        .div_ceil(capekit_core::check::MAX_ENTRIES);
    let mut out = Vec::new();
    for n in 1..=parts {
        for p in crate::names::part_names(Kind::Refile, whose, report.as_of, n) {
            let p = dir.join(p);
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    for name in [&names.worklist_csv, &names.worklist_xlsx, &names.report]
        .into_iter()
        .chain(&names.importer_reports)
    {
        out.push(dir.join(name));
    }
    out
}

/// The reconciliation sentence.
pub fn reconciliation_line(report: &TriageReport) -> String {
    reconciliation_line_with(report, "no --declaration given")
}

/// The reconciliation sentence, saying in `no_declaration` why no declaration was compared (the
/// CLI names its `--declaration` option; the web workbench, its upload).
pub fn reconciliation_line_with(report: &TriageReport, no_declaration: &str) -> String {
    let r = &report.reconciliation;
    // The outcomes of Validation Result Files are named only when there are any.
    let mut terms = vec![
        format!("accepted {}", group(r.accepted as u64)),
        format!("rejected {}", group(r.rejected as u64)),
    ];
    if r.no_claim_yet > 0 {
        terms.push(format!("no claim yet {}", group(r.no_claim_yet as u64)));
    }
    if r.not_filed > 0 {
        terms.push(format!("not filed {}", group(r.not_filed as u64)));
    }
    let counted = r.accepted + r.rejected + r.no_claim_yet + r.not_filed;
    let mut s = match r.declared {
        Some(d) => {
            terms.push(format!("missing {}", group(r.missing as u64)));
            format!("declared {} = {}", group(d as u64), terms.join(" + "))
        }
        None => format!(
            "entries in claim files {} = {} ({no_declaration}, so missing entries cannot be found)",
            group(counted as u64),
            terms.join(" + ")
        ),
    };
    if r.unreadable_rows > 0 {
        let _ = write!(
            s,
            "; {} claim-file row{} whose entry number cannot be read (C001, listed in the worklist)",
            group(r.unreadable_rows as u64),
            if r.unreadable_rows == 1 { "" } else { "s" }
        );
    }
    if r.unreadable_declared > 0 {
        let _ = write!(
            s,
            "; {} declaration line{} whose entry number cannot be read (C001, listed above)",
            group(r.unreadable_declared as u64),
            if r.unreadable_declared == 1 { "" } else { "s" }
        );
    }
    if r.declared_twice > 0 {
        let _ = write!(
            s,
            " ({} entr{} listed twice on the declaration, counted once)",
            group(r.declared_twice as u64),
            if r.declared_twice == 1 { "y" } else { "ies" }
        );
    }
    s.push_str(if r.holds {
        ": reconciled"
    } else {
        ": DOES NOT RECONCILE"
    });
    if !r.not_declared.is_empty() {
        let shown: Vec<String> = r
            .not_declared
            .iter()
            .take(10)
            .map(ToString::to_string)
            .collect();
        let _ = write!(
            s,
            "; {} entr{} in the claim files not on the declaration: {}{}",
            r.not_declared.len(),
            if r.not_declared.len() == 1 {
                "y"
            } else {
                "ies"
            },
            shown.join(", "),
            if r.not_declared.len() > 10 {
                ", ..."
            } else {
                ""
            }
        );
    }
    s
}

/// Where every reader finding of a rule is listed, besides the terminal: unreadable rows (C001)
/// are worklist rows; the others are in the report.
fn where_all_findings(code: &str) -> &'static str {
    if code == UNREADABLE_ENTRY_NUMBER.code {
        "all in the worklist"
    } else {
        "all in report.html"
    }
}

/// The short terminal summary.
pub fn triage_text(
    report: &TriageReport,
    diagnostics: &[Diagnostic],
    files: &TriageFiles,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", capekit_core::words::catalog_line());
    let _ = writeln!(out, "rules as of {}", report.as_of);
    for w in &report.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    for c in &report.claims {
        let _ = write!(
            out,
            "{}: {} - {} accepted, {} rejected",
            match c.kind {
                ClaimFileKind::ClaimDetails => format!("claim {}", c.claim_number),
                ClaimFileKind::ValidationResult => {
                    format!("validation result file {}", c.files.join(", "))
                }
            },
            c.status.as_str(),
            group(c.accepted as u64),
            group(c.rejected as u64)
        );
        if c.not_answered > 0 {
            let _ = write!(
                out,
                ", {} {}",
                group(c.not_answered as u64),
                if c.status.upload_failed() {
                    "not filed"
                } else {
                    "with no claim yet"
                }
            );
        }
        let _ = writeln!(out);
        if let Some(note) = &c.note {
            let _ = writeln!(out, "  note: {note}");
        }
    }
    let urgent = report.worklist().filter(|e| e.urgent.is_some()).count();
    if urgent > 0 {
        let _ = writeln!(
            out,
            "urgent: {} worklist row{} with a deadline within {} days ({} for the court) - they come first in the worklist",
            group(urgent as u64),
            if urgent == 1 { "" } else { "s" },
            capekit_core::deadline::URGENT_DAYS,
            capekit_core::deadline::COURT_URGENT_DAYS
        );
    }
    let by_action = report.by_action();
    if !by_action.is_empty() {
        let _ = writeln!(out, "to do, most urgent first:");
        // Each action with its meaning, where a clerk first reads its name.
        for (action, n) in by_action {
            let _ = writeln!(
                out,
                "  {:<20} {:>5}  {}",
                action.as_str(),
                group(n as u64),
                action.describe()
            );
        }
    }
    // Findings of the readers: one that repeats is told once, with its lines and the first few
    // in full, so a file of unreadable rows stays legible.
    for g in capekit_core::words::group_findings(diagnostics) {
        let files: Vec<&str> = {
            let mut f: Vec<&str> = g.all.iter().filter_map(|d| d.file.as_deref()).collect();
            f.dedup();
            f
        };
        if g.count() > 1 {
            let _ = writeln!(
                out,
                "{}: {} {}",
                files.first().copied().unwrap_or(""),
                g.code,
                g.whereabouts()
            );
        }
        for d in g.shown() {
            let _ = writeln!(
                out,
                "{}{}: {} {}",
                if g.count() > 1 { "  " } else { "" },
                d.file.as_deref().unwrap_or(""),
                d.code(),
                d.message
            );
        }
        if let Some(more) = g.more(where_all_findings(g.code)) {
            let _ = writeln!(out, "  {more}");
        }
    }
    let _ = writeln!(out, "{}", reconciliation_line(report));
    let unreadable = diagnostics
        .iter()
        .filter(|d| d.severity() == capekit_core::Severity::Error)
        .count();
    if unreadable > 0 {
        let _ = writeln!(
            out,
            "{} row{} could not be read and {} not in the triage (listed above)",
            group(unreadable as u64),
            if unreadable == 1 { "" } else { "s" },
            if unreadable == 1 { "is" } else { "are" }
        );
    }
    let refile = &report.refile;
    if refile.entries.is_empty() {
        let _ = writeln!(
            out,
            "refile: no entry to refile now, so no refile file was written"
        );
    } else {
        let _ = writeln!(
            out,
            "refile: {} entr{} ({} from the corrected list) in {}",
            group(refile.entries.len() as u64),
            if refile.entries.len() == 1 {
                "y"
            } else {
                "ies"
            },
            group(refile.from_corrected as u64),
            files
                .refile
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    for l in &refile.left_out {
        let _ = writeln!(out, "  not refiled: {} - {}", l.entry_number, l.reason);
    }
    for p in [&files.worklist_csv, &files.worklist_xlsx, &files.report]
        .into_iter()
        .flatten()
    {
        let _ = writeln!(out, "wrote {}", p.display());
    }
    for (importer, p) in &files.importer_reports {
        let _ = writeln!(
            out,
            "wrote {} ({})",
            p.display(),
            if importer == UNKNOWN_IMPORTER {
                "the entries of one claim whose importer is not known: check whose they are before you send it".to_owned()
            } else {
                format!("importer {importer}'s entries only, to send to that importer")
            }
        );
    }
    crate::render::escape_controls(&out).into_owned()
}

/// The title of a triage's pages: `CAPE triage of claim 100000241223` (`claims A, B and C`).
fn claims_title(claims: &[&str]) -> String {
    match claims {
        [] => "CAPE triage".to_owned(),
        [one] => format!("CAPE triage of claim {one}"),
        [init @ .., last] => format!("CAPE triage of claims {} and {last}", init.join(", ")),
    }
}

/// The claim numbers of a triage's Claim Details (a Validation Result File has none).
fn claim_numbers(report: &TriageReport) -> Vec<&str> {
    report
        .claims
        .iter()
        .filter(|c| c.kind == ClaimFileKind::ClaimDetails)
        .map(|c| &*c.claim_number)
        .collect()
}

/// The report page for the broker: every claim and entry of the triage, the files named by
/// their names alone. `refile` names the new declaration's files, `importer_reports` the pages
/// for each importer (linked, as they lie in the same folder).
pub fn report_html(
    report: &TriageReport,
    diagnostics: &[Diagnostic],
    refile: &[String],
    importer_reports: &[String],
) -> String {
    let mut b = String::new();
    let r = &report.reconciliation;
    let title = format!(
        "{}, as of {}",
        claims_title(&claim_numbers(report)),
        report.as_of
    );
    let _ = writeln!(b, "<h1>{}</h1>", esc(&title));
    let _ = writeln!(
        b,
        "<p class=\"meta\">Rules as of {} &middot; {}</p>",
        report.as_of,
        esc(&capekit_core::words::catalog_line())
    );
    for w in &report.warnings {
        let _ = writeln!(b, "<p class=\"bad\">Warning: {}</p>", esc(w));
    }
    let _ = writeln!(b, "<div class=\"tiles\">");
    let worklist = report.worklist().count();
    for (label, n) in [
        ("claims", report.claims.len()),
        ("accepted entries", r.accepted),
        ("rejected entries", r.rejected),
        ("missing entries", r.missing),
        ("no claim yet", r.no_claim_yet),
        ("not filed (upload failed)", r.not_filed),
        ("worklist rows", worklist),
        ("to refile now", report.refile.entries.len()),
    ]
    .into_iter()
    .filter(|(label, n)| {
        *n > 0 || !label.starts_with("no claim") && !label.starts_with("not filed")
    }) {
        let _ = writeln!(
            b,
            "<div class=\"tile\"><b>{}</b>{label}</div>",
            group(n as u64)
        );
    }
    let _ = writeln!(b, "</div>");
    let _ = writeln!(
        b,
        "<p class=\"{}\">{}</p>",
        if r.holds { "ok" } else { "bad" },
        esc(&reconciliation_line(report))
    );

    let _ = writeln!(
        b,
        "<h2>Claims</h2><table><thead><tr><th>claim</th><th>status</th><th class=\"num\">accepted</th><th class=\"num\">rejected</th><th>files</th></tr></thead><tbody>"
    );
    for c in &report.claims {
        let _ = writeln!(
            b,
            "<tr><td class=\"mono\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            esc(&c.claim_number),
            esc(c.status.as_str()),
            c.accepted,
            c.rejected,
            esc(&c
                .files
                .iter()
                .map(|f| file_label(f))
                .collect::<Vec<_>>()
                .join(", "))
        );
        if let Some(note) = &c.note {
            let _ = writeln!(
                b,
                "<tr><td></td><td colspan=\"4\" class=\"bad\">{}</td></tr>",
                esc(note)
            );
        }
    }
    let _ = writeln!(b, "</tbody></table>");

    let _ = writeln!(
        b,
        "<h2>Rejected and missing entries</h2><div class=\"charts\">"
    );
    let by_action: Vec<(String, usize)> = report
        .by_action()
        .into_iter()
        .map(|(a, n)| (a.to_string(), n))
        .collect();
    b.push_str(&bar_chart("By action (most urgent first)", &by_action));
    b.push_str(&bar_chart("By message", &report.by_message()));
    let _ = writeln!(b, "</div>");
    // The words of the worklist's outcome and action columns, in the order the chart shows them.
    let mut words: Vec<&str> = capekit_core::triage::Outcome::ALL
        .iter()
        .filter(|o| report.entries.iter().any(|e| e.outcome == **o))
        .map(|o| o.as_str())
        .collect();
    words.extend(report.by_action().into_iter().map(|(a, _)| a.as_str()));
    b.push_str(&crate::html::legend(&words));

    let _ = writeln!(b, "<h2>The next declaration</h2>");
    if report.refile.entries.is_empty() {
        let _ = writeln!(
            b,
            "<p>No entry to refile now; no refile file was written.</p>"
        );
    } else {
        let names = refile;
        let _ = writeln!(
            b,
            "<p>{} entr{} in <code>{}</code>, ready to upload on ACE Portal &gt; CAPE &gt; File Uploads. Accepted entries are never on it.</p>",
            report.refile.entries.len(),
            if report.refile.entries.len() == 1 {
                "y"
            } else {
                "ies"
            },
            esc(&names.join(", "))
        );
    }
    if !report.refile.left_out.is_empty() {
        let _ = writeln!(
            b,
            "<p>Kept off the new declaration (CBP would refuse them, or they would be filed twice):</p><table><thead><tr><th>entry</th><th>why</th></tr></thead><tbody>"
        );
        for l in &report.refile.left_out {
            let _ = writeln!(
                b,
                "<tr><td class=\"mono\">{}</td><td>{}</td></tr>",
                l.entry_number,
                esc(&scrub_paths(&l.reason))
            );
        }
        let _ = writeln!(b, "</tbody></table>");
    }

    if !diagnostics.is_empty() {
        b.push_str("<h2>Findings of the readers</h2>\n");
        // C001 rows are worklist rows; the others are listed here, all of them.
        b.push_str(&crate::html::findings_table(diagnostics, |code| {
            if code == UNREADABLE_ENTRY_NUMBER.code {
                "all in the worklist"
            } else {
                "all in --format json"
            }
        }));
    }

    if !importer_reports.is_empty() {
        let _ = writeln!(
            b,
            "<h2>Reports per importer</h2><p>One page per importer, with only its entries and no file of this computer named: each may be sent to its importer. A page of entries whose importer is not known says so.</p><ul>"
        );
        for name in importer_reports {
            let _ = writeln!(b, "<li><a href=\"{0}\">{0}</a></li>", esc(name));
        }
        let _ = writeln!(b, "</ul>");
    }

    let total = report.worklist().count();
    b.push_str("<h2>Worklist</h2>\n");
    if total > REPORT_ROWS {
        let _ = writeln!(
            b,
            "<p>The {} most urgent of {} rows; the worklist files (.xlsx, .csv) hold them all.</p>",
            group(REPORT_ROWS as u64),
            group(total as u64)
        );
    }
    let _ = writeln!(
        b,
        "<table><thead><tr><th>entry</th><th>claim</th><th>outcome</th><th>message</th><th>action</th><th>what to do</th><th>deadlines</th><th>rule</th></tr></thead><tbody>"
    );
    for e in report.worklist().take(REPORT_ROWS) {
        // A row urgent with no date to count leads with why, not with a later dated deadline.
        let undated = e.undated_urgency().then(|| {
            format!(
                "<b>act now:</b> {}",
                esc(capekit_core::path::UNDATED_PROTEST)
            )
        });
        let next = undated
            .into_iter()
            .chain(
                deadlines_next_first(e)
                    .into_iter()
                    .enumerate()
                    .map(|(i, d)| {
                        format!(
                            "{}{}",
                            if i == 0 && e.urgent.is_some() && !e.undated_urgency() {
                                "<b>act now:</b> "
                            } else {
                                ""
                            },
                            esc(&d.describe())
                        )
                    }),
            )
            .collect::<Vec<_>>()
            .join("<br>");
        let _ = writeln!(
            b,
            "<tr><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td class=\"action\">{}</td><td>{}{}</td><td>{next}</td><td>{}</td></tr>",
            e.entry_number,
            esc(e.claim_number.as_deref().unwrap_or("")),
            e.outcome.as_str(),
            esc(&e.message),
            e.action,
            esc(&scrub_paths(&e.what_to_do)),
            e.note
                .as_deref()
                .map(|n| format!("<br><i>{}</i>", esc(&scrub_paths(n))))
                .unwrap_or_default(),
            e.rule.unwrap_or("")
        );
    }
    let _ = writeln!(b, "</tbody></table>");
    page(&title, &b)
}

/// One importer's report (or, when their importer is not known, one claim's), safe to send:
/// only the group's entries, no file of this computer named. It lists what is to be done first
/// (with the deadline to do it by), then the entries on the new declaration, then those
/// accepted.
pub fn importer_report_html(
    report: &TriageReport,
    g: &ImporterGroup<'_>,
    refile: &[String],
) -> String {
    let claims: Vec<&str> = g.claims.iter().map(|c| &**c).collect();
    let who = match &g.importer {
        Some(i) => format!("importer {i}"),
        None => "importer not known".to_owned(),
    };
    let title = format!("{}: {who}, as of {}", claims_title(&claims), report.as_of);
    let mut b = importer_heading(&title, report.as_of, g.importer.as_deref());
    // The catalog's own warning (an as-of date it may not hold for) matters to the importer
    // too; the broker's other warnings name files and commands, and stay in the broker's report.
    if let Some(w) = capekit_core::catalog::catalog_warning(report.as_of) {
        let _ = writeln!(b, "<p class=\"bad\">Warning: {}</p>", esc(&w));
    }
    let on_refile: HashSet<EntryNumber> = g.refile.iter().copied().collect();
    let accepted: Vec<&&EntryResult> = g
        .entries
        .iter()
        .filter(|e| e.outcome == Outcome::Accepted)
        .collect();
    let act: Vec<&&EntryResult> = g
        .entries
        .iter()
        .filter(|e| e.outcome != Outcome::Accepted && !on_refile.contains(&e.entry_number))
        .collect();
    b.push_str(&tiles([
        ("accepted", group(accepted.len() as u64)),
        ("on the new declaration", group(g.refile.len() as u64)),
        ("to act on", group(act.len() as u64)),
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
    b.push_str("<h2>To act on</h2>\n");
    if act.is_empty() {
        b.push_str("<p class=\"ok\">Nothing.</p>\n");
    } else {
        more(&mut b, act.len());
        // Plain advice: no command, ledger note or rule code in a page sent on. A few hundred
        // sentences repeat over thousands of rows: each is made plain once.
        let key = |e: &EntryResult| (e.what_to_do.as_ptr(), e.what_to_do.len());
        let mut plain: HashMap<(*const u8, usize), String> = HashMap::new();
        for e in act.iter().take(REPORT_ROWS) {
            plain
                .entry(key(e))
                .or_insert_with(|| capekit_core::words::plain_advice(&scrub_paths(&e.what_to_do)));
        }
        let rows = act.iter().take(REPORT_ROWS).map(|e| {
            let advice = Cow::Borrowed(plain.get(&key(e)).map_or("", String::as_str));
            [
                Cow::Borrowed(e.entry_number.as_str()),
                Cow::Borrowed(e.claim_number.as_deref().unwrap_or("")),
                Cow::Borrowed(&*e.message),
                advice,
                e.next_deadline().map_or(Cow::Borrowed(""), Cow::Owned),
            ]
        });
        b.push_str(&table(
            &["entry", "claim", "CBP's message", "what to do", "by when"],
            rows,
        ));
    }
    b.push_str("<h2>On the new declaration</h2>\n");
    if g.refile.is_empty() {
        b.push_str("<p>None of these entries is to be declared again now.</p>\n");
    } else {
        // The new declaration is a draft here: the report says it is to be uploaded, never
        // that these entries are declared already.
        let _ = writeln!(
            b,
            "<p>On the new declaration {} {} (to be uploaded on ACE Portal &gt; CAPE &gt; File Uploads).</p>",
            if refile.len() > 1 { "files" } else { "file" },
            esc(&refile.join(", "))
        );
        more(&mut b, g.refile.len());
        let message: HashMap<EntryNumber, &EntryResult> = g
            .entries
            .iter()
            .filter(|e| e.outcome != Outcome::Accepted)
            .map(|e| (e.entry_number, *e))
            .collect();
        b.push_str(&table(
            &["entry", "claim", "CBP's message"],
            g.refile.iter().take(REPORT_ROWS).map(|n| {
                let e = message.get(n);
                [
                    n.as_str(),
                    e.and_then(|e| e.claim_number.as_deref()).unwrap_or(""),
                    e.map_or("", |e| &*e.message),
                ]
            }),
        ));
    }
    b.push_str("<h2>Accepted</h2>\n");
    if accepted.is_empty() {
        b.push_str("<p>None of these entries was accepted on the claims above.</p>\n");
    } else {
        more(&mut b, accepted.len());
        b.push_str(&table(
            &["entry", "claim"],
            accepted.iter().take(REPORT_ROWS).map(|e| {
                [
                    e.entry_number.as_str(),
                    e.claim_number.as_deref().unwrap_or(""),
                ]
            }),
        ));
    }
    let _ = writeln!(
        b,
        "<p class=\"meta\">CBP's messages as ACE gives them in Claim Details; what to do as capekit's catalog of CBP messages reads them on {}.</p>",
        report.as_of
    );
    page(&title, &b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use capekit_core::EntryNumber;
    use capekit_core::triage::{ClaimRow, Text, TriageInput, triage};

    fn report() -> TriageReport {
        let file: Text = "claim-details.csv".into();
        let claim: Text = "100000241223".into();
        let rows = (1..=4u32)
            .map(|i| ClaimRow {
                file: file.clone(),
                line: u64::from(i) + 1,
                entry: EntryNumber::from_parts("B76", i).expect("entry"),
                claim: claim.clone(),
                status: Some(
                    if i == 1 {
                        "Failed"
                    } else {
                        "Entry Summary Updated"
                    }
                    .into(),
                ),
                claim_status: None,
                claim_date: None,
                message: if i == 1 { "PROTEST ON ENTRY" } else { "" }.into(),
                kind: Default::default(),
                importer: None,
            })
            .collect();
        triage(
            &TriageInput {
                rows,
                ..TriageInput::default()
            },
            jiff::civil::date(2026, 11, 24),
        )
    }

    fn sheets(bytes: Vec<u8>) -> Vec<(String, Vec<Vec<Data>>)> {
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("open");
        wb.sheet_names()
            .into_iter()
            .map(|name| {
                let range = wb.worksheet_range(&name).expect("sheet");
                let rows = range.rows().map(<[Data]>::to_vec).collect();
                (name, rows)
            })
            .collect()
    }

    #[test]
    fn the_workbook_lists_the_worklist_and_the_accepted_entries_with_their_claim() {
        let r = report();
        let book = sheets(triage_xlsx(&r, &[]).expect("xlsx"));
        let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Worklist", "Accepted"]);
        let worklist = &book[0].1;
        let header: Vec<String> = worklist[0].iter().map(ToString::to_string).collect();
        assert_eq!(header[0], "Entry number");
        assert_eq!(header[5], "What to do");
        assert_eq!(worklist.len(), 2, "the header and the rejected entry");
        assert_eq!(
            worklist[1][0],
            Data::String(EntryNumber::from_parts("B76", 1).expect("n").to_string())
        );
        assert_eq!(worklist[1][1], Data::String("100000241223".into()));
        let accepted = &book[1].1;
        assert_eq!(
            accepted[0],
            [
                Data::String("Entry number".into()),
                Data::String("Claim number".into())
            ]
        );
        let listed: Vec<(String, String)> = accepted[1..]
            .iter()
            .map(|r| (r[0].to_string(), r[1].to_string()))
            .collect();
        let expected: Vec<(String, String)> = r
            .entries
            .iter()
            .filter(|e| e.outcome == Outcome::Accepted)
            .map(|e| (e.entry_number.to_string(), "100000241223".to_owned()))
            .collect();
        assert_eq!(listed.len(), 3);
        assert_eq!(listed, expected);
        assert!(
            accepted[1..]
                .iter()
                .all(|r| matches!(&r[0], Data::String(_)) && matches!(&r[1], Data::String(_))),
            "entry and claim numbers are text"
        );
    }

    #[test]
    fn each_sheet_continues_on_the_next_past_its_rows_with_its_header() {
        let r = report();
        let book = sheets(triage_xlsx_paged(&r, &[], 2).expect("xlsx"));
        let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Worklist", "Accepted", "Accepted (2)"]);
        assert_eq!(book[1].1.len(), 3);
        assert_eq!(book[2].1.len(), 2);
        assert_eq!(book[2].1[0][0], Data::String("Entry number".into()));
    }

    #[test]
    fn the_worklist_csv_keeps_its_machine_names_and_the_table_its_rows() {
        let r = report();
        let csv =
            String::from_utf8(csv_of(&WORKLIST_HEADERS, worklist_rows(&r, &[])).expect("csv"))
                .expect("utf8");
        assert!(csv.starts_with("entry_number,claim_number,outcome,message,action,what_to_do,"));
        let table = worklist_table(&r, &[]);
        assert_eq!(crate::sheet::to_csv(&table).expect("csv"), csv.as_bytes());
    }

    #[test]
    fn a_liquidated_entry_without_its_date_says_so_as_its_next_deadline() {
        // Case 16 of the tester's triages: `Liquidated`, `Liquidation Date` 13/45/2026. The
        // `urgent` column says protest; `next_deadline` must not give the later court date.
        let n = EntryNumber::from_parts("XK7", 4_300_001).expect("entry");
        let mut e = capekit_core::path::EntryData::new(n, 2);
        e.entry_type = Some("01".into());
        e.entry_date = Some(jiff::civil::date(2025, 12, 1));
        e.ieepa_duty_cents = 10_000;
        e.ieepa_lines = 1;
        e.ieepa_dutiable_lines = 1;
        e.absent_columns = capekit_core::path::ColumnSet::EMPTY;
        e.liquidation_status = Some("Liquidated".into());
        e.unreadable_columns
            .insert(capekit_core::path::Column::LiquidationDate);
        let r = triage(
            &TriageInput {
                rows: vec![ClaimRow {
                    file: "claim.csv".into(),
                    line: 2,
                    entry: n,
                    claim: "100000301301".into(),
                    status: Some("Failed".into()),
                    claim_status: None,
                    claim_date: None,
                    message: "UNABLE TO CALCULATE DUTY".into(),
                    kind: Default::default(),
                    importer: None,
                }],
                entry_data: [(n, e)].into_iter().collect(),
                ..TriageInput::default()
            },
            jiff::civil::date(2026, 12, 4),
        );
        let row = worklist_rows(&r, &[]).next().expect("a row");
        assert_eq!(&*row[10], "protest");
        assert_eq!(&*row[11], capekit_core::path::UNDATED_PROTEST);
        assert!(row[12].contains("court"), "{}", row[12]);
    }

    #[test]
    fn every_worklist_column_has_words_and_a_kind() {
        for h in WORKLIST_HEADERS.iter().chain(&ACCEPTED_HEADERS) {
            assert!(crate::sheet::is_known_column(h), "{h}");
        }
    }
}
