//! The plan as the terminal prints it: totals, urgent entries, findings, the files written.

use super::*;

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
pub(super) static NO_ENTRY_RULES: [&EntryReaderRule; 6] = [
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

pub(super) fn rule_name(code: &str) -> &'static str {
    entry_reader_rule(code).map_or("", |r| r.name)
}

pub(super) fn severity_summary(diagnostics: &[Diagnostic]) -> String {
    let n = |s: Severity| diagnostics.iter().filter(|d| d.severity() == s).count();
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
    // Each path with its meaning, where a clerk first reads its name; the cape row says how
    // many of its entries are not declared now (the ledger knows them, or the plan doubts them),
    // so that "declare it" never stands over entries that must not be.
    let known = plan.known_entries();
    let held = plan.held_entries();
    let kept_off = known.len() + held;
    for t in &plan.totals {
        let meaning = if t.path == EntryPath::Cape && kept_off > 0 {
            let which = match (kept_off == t.entries, kept_off) {
                (true, 1) => "It is".to_owned(),
                (true, n) => format!("All {} are", group(n as u64)),
                (false, 1) => "1 of them is".to_owned(),
                (false, n) => format!("{} of them are", group(n as u64)),
            };
            format!(
                "{} {which} kept off the declarations: see below.",
                t.path.describe()
            )
        } else {
            t.path.describe().to_owned()
        };
        let _ = writeln!(
            out,
            "  {:<16} {:>9} {:>18}  {}",
            t.path.as_str(),
            group(t.entries as u64),
            format_cents(t.ieepa_duty_cents),
            meaning
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
    if held > 0 {
        let _ = writeln!(
            out,
            "not declared: {} the plan doubts CBP would take now (no importer number, or trade control status; on the worklist with the reason)",
            plural(held, "cape entry", "cape entries")
        );
    }
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
            "court dates (the earliest still ahead: 28 USC 1581(i) at its earliest reading not yet passed, and 1581(a) after a denial), per importer:"
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
pub(super) fn known_clause(k: &KnownState) -> String {
    match k {
        KnownState::Accepted { .. } => format!("{}: never declare it again", k.describe()),
        KnownState::Pending { .. } => format!("{}: do not resubmit", k.describe()),
        KnownState::Drafted { .. } | KnownState::Rejected { .. } => {
            format!("{}: {}", k.describe(), k.remedy())
        }
    }
}
