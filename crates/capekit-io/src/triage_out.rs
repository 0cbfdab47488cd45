//! The files a triage writes, all from one [`TriageReport`]: the refile upload(s), the worklist as
//! CSV and XLSX, the report page, and the short terminal summary.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use capekit_core::check::group;
use capekit_core::diag::Diagnostic;
use capekit_core::triage::{ClaimFileKind, TriageReport};
use serde::Serialize;

use crate::html::{bar_chart, esc, page};
use crate::output::{OutputSet, WriteError};
use crate::sheet::{SheetTable, add_worklist};
use crate::upload::add_upload_files;

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
    /// report.html.
    pub report: Option<PathBuf>,
}

/// The worklist: one row per rejected or missing entry, most urgent first.
pub fn worklist_table(report: &TriageReport, diagnostics: &[Diagnostic]) -> SheetTable {
    SheetTable {
        headers: vec![
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
        ],
        widths: vec![
            14.0, 16.0, 10.0, 42.0, 20.0, 70.0, 7.0, 40.0, 24.0, 40.0, 12.0, 36.0, 60.0,
        ],
        rows: report
            .worklist()
            .map(|e| {
                vec![
                    e.entry_number.to_string(),
                    e.claim_number.as_deref().unwrap_or("").to_owned(),
                    e.outcome.as_str().to_owned(),
                    e.message.to_string(),
                    e.action.to_string(),
                    e.what_to_do.to_string(),
                    e.rule.unwrap_or("").to_owned(),
                    e.source.to_string(),
                    origin(e),
                    e.note.clone().unwrap_or_default(),
                    e.urgent.map_or("", |k| k.as_str()).to_owned(),
                    capekit_core::deadline::nearest_open(e.deadlines.iter().copied())
                        .map(|d| d.describe())
                        .unwrap_or_default(),
                    e.deadlines
                        .iter()
                        .map(|d| d.describe())
                        .collect::<Vec<_>>()
                        .join("; "),
                ]
            })
            // A row whose entry number cannot be read is still an answer of CBP's: it stays
            // on the worklist, under its raw value, for a person to read in ACE.
            .chain(diagnostics.iter().filter(|d| d.code == "C001").map(|d| {
                vec![
                    capekit_core::entry::unwrap_value(d.value.as_deref().unwrap_or("")).to_owned(),
                    String::new(),
                    "unreadable".to_owned(),
                    String::new(),
                    capekit_core::catalog::Action::Review.to_string(),
                    d.message.clone(),
                    d.code.to_owned(),
                    "capekit reader of claim files".to_owned(),
                    format!(
                        "{}:{}",
                        d.file.as_deref().unwrap_or(""),
                        d.line.unwrap_or(0)
                    ),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]
            }))
            .collect(),
    }
}

/// Where a worklist row came from: `file:line`, or `declaration` for a missing entry.
pub fn origin(e: &capekit_core::triage::EntryResult) -> String {
    if e.line == 0 {
        e.file.to_string()
    } else {
        format!("{}:{}", e.file, e.line)
    }
}

/// Adds every triage output to `set`, under `dir`. The workbook is optional (benchmarks skip it).
pub fn add_triage_outputs(
    set: &mut OutputSet,
    dir: &Path,
    report: &TriageReport,
    diagnostics: &[Diagnostic],
    with_xlsx: bool,
) -> Result<TriageFiles, WriteError> {
    let mut files = TriageFiles {
        refile: add_upload_files(set, &dir.join("refile.csv"), &report.refile.entries),
        ..TriageFiles::default()
    };
    let table = worklist_table(report, diagnostics);
    let (csv_path, xlsx_path) = add_worklist(set, dir, &table, with_xlsx)?;
    files.worklist_csv = Some(csv_path);
    files.worklist_xlsx = xlsx_path;
    let report_path = dir.join("report.html");
    set.add(
        &report_path,
        report_html(report, diagnostics, &files.refile).into_bytes(),
    );
    files.report = Some(report_path);
    Ok(files)
}

/// Every path [`add_triage_outputs`] may write into `dir` for a refile list of at most
/// `refile_entries` entries (a shorter list splits into fewer parts, named differently): what a
/// command checks before it records anything.
pub fn triage_output_paths(dir: &Path, refile_entries: usize) -> Vec<PathBuf> {
    let parts = refile_entries.div_ceil(capekit_core::check::MAX_ENTRIES);
    let mut out = Vec::new();
    for n in 1..=parts {
        for p in crate::upload::part_paths(&dir.join("refile.csv"), n) {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    for name in ["worklist.csv", "worklist.xlsx", "report.html"] {
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

/// The short terminal summary.
pub fn triage_text(
    report: &TriageReport,
    diagnostics: &[Diagnostic],
    files: &TriageFiles,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "catalog {}", report.catalog_version);
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
                if c.status == capekit_core::triage::ClaimStatus::FailedValidation {
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
            "urgent: {} worklist row{} with a deadline within 14 days (60 for the court) - they come first in the worklist",
            group(urgent as u64),
            if urgent == 1 { "" } else { "s" }
        );
    }
    let by_action = report.by_action();
    if !by_action.is_empty() {
        let _ = writeln!(out, "to do, most urgent first:");
        for (action, n) in by_action {
            let _ = writeln!(out, "  {:<20} {}", action.as_str(), group(n as u64));
        }
    }
    // Findings of the readers: at most 20 a rule, so a file of unreadable rows stays legible.
    let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
    for d in diagnostics {
        let n = shown.entry(d.code).or_default();
        *n += 1;
        if *n <= crate::render::SHOWN_PER_RULE {
            let _ = writeln!(
                out,
                "{}: {} {}",
                d.file.as_deref().unwrap_or(""),
                d.code,
                d.message
            );
        }
    }
    for (code, n) in &shown {
        if *n > crate::render::SHOWN_PER_RULE {
            let _ = writeln!(
                out,
                "  ... and {} more {code} (all are listed by --format json and in report.html)",
                group((n - crate::render::SHOWN_PER_RULE) as u64)
            );
        }
    }
    let _ = writeln!(out, "{}", reconciliation_line(report));
    let unreadable = diagnostics
        .iter()
        .filter(|d| d.severity == capekit_core::Severity::Error)
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
    crate::render::escape_controls(&out).into_owned()
}

/// The report page.
pub fn report_html(
    report: &TriageReport,
    diagnostics: &[Diagnostic],
    refile: &[PathBuf],
) -> String {
    let mut b = String::new();
    let r = &report.reconciliation;
    let _ = writeln!(b, "<h1>CAPE triage</h1>");
    let _ = writeln!(
        b,
        "<p class=\"meta\">Rules as of {} &middot; catalog {}</p>",
        report.as_of,
        esc(report.catalog_version)
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
            esc(&c.files.join(", "))
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

    let _ = writeln!(b, "<h2>The next declaration</h2>");
    if report.refile.entries.is_empty() {
        let _ = writeln!(
            b,
            "<p>No entry to refile now; no refile file was written.</p>"
        );
    } else {
        let names: Vec<String> = refile
            .iter()
            .map(|p| {
                p.file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
            })
            .collect();
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
            "<p>Corrected entries left out:</p><table><thead><tr><th>entry</th><th>why</th></tr></thead><tbody>"
        );
        for l in &report.refile.left_out {
            let _ = writeln!(
                b,
                "<tr><td class=\"mono\">{}</td><td>{}</td></tr>",
                l.entry_number,
                esc(&l.reason)
            );
        }
        let _ = writeln!(b, "</tbody></table>");
    }

    if !diagnostics.is_empty() {
        let _ = writeln!(
            b,
            "<h2>Findings of the readers</h2><table><thead><tr><th>file</th><th>where</th><th>value</th><th>problem</th></tr></thead><tbody>"
        );
        for d in diagnostics {
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td>{}</td><td class=\"mono\">{}</td><td>{}</td></tr>",
                esc(d.file.as_deref().unwrap_or("")),
                esc(&d.position().unwrap_or_default()),
                esc(d.value.as_deref().unwrap_or("")),
                esc(&d.message)
            );
        }
        let _ = writeln!(b, "</tbody></table>");
    }

    let total = report.worklist().count();
    b.push_str("<h2>Worklist</h2>\n");
    if total > REPORT_ROWS {
        let _ = writeln!(
            b,
            "<p>The {} most urgent of {} rows; worklist.xlsx and worklist.csv hold them all.</p>",
            group(REPORT_ROWS as u64),
            group(total as u64)
        );
    }
    let _ = writeln!(
        b,
        "<table><thead><tr><th>entry</th><th>claim</th><th>outcome</th><th>message</th><th>action</th><th>what to do</th><th>next deadline</th><th>rule</th></tr></thead><tbody>"
    );
    for e in report.worklist().take(REPORT_ROWS) {
        let next = capekit_core::deadline::nearest_open(e.deadlines.iter().copied())
            .map(|d| {
                format!(
                    "{}{}",
                    if e.urgent.is_some() {
                        "<b>act now:</b> "
                    } else {
                        ""
                    },
                    esc(&d.describe())
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            b,
            "<tr><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td class=\"action\">{}</td><td>{}{}</td><td>{next}</td><td>{}</td></tr>",
            e.entry_number,
            esc(e.claim_number.as_deref().unwrap_or("")),
            e.outcome.as_str(),
            esc(&e.message),
            e.action,
            esc(&e.what_to_do),
            e.note
                .as_deref()
                .map(|n| format!("<br><i>{}</i>", esc(n)))
                .unwrap_or_default(),
            e.rule.unwrap_or("")
        );
    }
    let _ = writeln!(b, "</tbody></table>");
    page("CAPE triage", &b)
}
