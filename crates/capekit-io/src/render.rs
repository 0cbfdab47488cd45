//! Text printers for people: the check report and the fix summary as a terminal shows them.
//!
//! Findings are grouped by rule so that 9,000 copies of one mistake read as one problem with
//! examples; JSON output is the serde form of the same report values.
//!
//! Every text printer, here and in the triage and plan modules, ends with [`escape_controls`]:
//! values from the files read (entry cells, CBP messages, file names) reach the terminal, and a
//! control character among them must be shown, never obeyed.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write;

use capekit_core::check::{CheckReport, group, rule, truncate};
use capekit_core::diag::Diagnostic;
use capekit_core::fix::FixPlan;

/// How many findings of one rule the text output lists before summarising the rest.
pub const SHOWN_PER_RULE: usize = 20;

/// Text for a terminal with its control characters made visible: ESC, BEL, CR, backspace,
/// DEL, the C1 controls and the bidirectional overrides become `\u{1b}`-style escapes, so a
/// value read from a file cannot move the cursor, recolour or retitle the terminal, or hide the
/// text before it. Line feeds and tabs stay.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    let hostile = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.contains(hostile) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if hostile(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Renders a check report for a terminal.
pub fn check_text(report: &CheckReport) -> String {
    let mut out = String::new();
    let mut by_rule: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &report.diagnostics {
        by_rule.entry(d.code()).or_default().push(d);
    }
    // Errors first, then warnings, then information; by code within a severity.
    let mut groups: Vec<(&str, Vec<&Diagnostic>)> = by_rule.into_iter().collect();
    groups.sort_by_key(|(code, ds)| (ds[0].severity(), *code));
    for (code, ds) in &groups {
        let (name, title) = rule(code).map_or(("", ""), |r| (r.name, r.title));
        let _ = writeln!(
            out,
            "{code} {name} ({}): {title} [{}]",
            ds[0].severity(),
            group(ds.len() as u64)
        );
        // One rule may say several things (a scientific-notation number, a decimal part):
        // each is told once, with its lines and the first few in full.
        for g in capekit_core::words::group_findings(ds.iter().copied()) {
            let w = g.whereabouts();
            if !w.is_empty() && g.count() > 1 {
                let _ = writeln!(out, "  {w}");
            }
            for d in g.shown() {
                match d.position() {
                    Some(pos) => {
                        let _ = writeln!(out, "  {pos}: {}", d.message);
                    }
                    None => {
                        let _ = writeln!(out, "  {}", d.message);
                    }
                }
            }
            let where_all = if g.places().ends_with("...") {
                "every line in `capekit check --format json`; `capekit fix` repairs or lists each"
            } else {
                "on the lines named above"
            };
            if let Some(more) = g.more(where_all) {
                let _ = writeln!(out, "  {more}");
            }
        }
        out.push('\n');
    }
    let c = report.counts();
    let verdict = if report.uploadable {
        "uploadable".to_owned()
    } else {
        format!(
            "NOT uploadable - correct the errors above, or run `capekit fix {} --out FIXED.csv`, then check again",
            report.file
        )
    };
    let _ = writeln!(
        out,
        "{}: {} entries, {} error{}, {} warning{}: {verdict}",
        report.file,
        group(report.entries as u64),
        group(c.errors as u64),
        if c.errors == 1 { "" } else { "s" },
        group(c.warnings as u64),
        if c.warnings == 1 { "" } else { "s" },
    );
    escape_controls(&out).into_owned()
}

/// Renders what `capekit fix` did.
pub fn fix_text(plan: &FixPlan, written: &[std::path::PathBuf]) -> String {
    let mut out = String::new();
    if !plan.repaired.is_empty() {
        let _ = writeln!(out, "repaired {}:", group(plan.repaired.len() as u64));
        for r in plan.repaired.iter().take(SHOWN_PER_RULE) {
            let _ = writeln!(
                out,
                "  line {}: `{}` -> {} ({})",
                r.line,
                truncate(&r.raw, 60),
                r.entry,
                r.what
            );
        }
        more(&mut out, plan.repaired.len());
    }
    if !plan.duplicates.is_empty() {
        let _ = writeln!(
            out,
            "duplicates dropped {}:",
            group(plan.duplicates.len() as u64)
        );
        for d in plan.duplicates.iter().take(SHOWN_PER_RULE) {
            let _ = writeln!(
                out,
                "  line {}: {} (kept line {})",
                d.line, d.entry, d.first_line
            );
        }
        more(&mut out, plan.duplicates.len());
    }
    if !plan.unrepairable.is_empty() {
        let _ = writeln!(
            out,
            "NOT written, cannot be repaired {}:",
            group(plan.unrepairable.len() as u64)
        );
        for u in plan.unrepairable.iter().take(SHOWN_PER_RULE) {
            let _ = writeln!(out, "  line {}: {}", u.line, u.reason);
        }
        more(&mut out, plan.unrepairable.len());
    }
    if !plan.already_accepted.is_empty() {
        let _ = writeln!(
            out,
            "NOT written, already accepted on an earlier claim {} (never declare them again):",
            group(plan.already_accepted.len() as u64)
        );
        for k in plan.already_accepted.iter().take(SHOWN_PER_RULE) {
            let _ = writeln!(out, "  line {}: {} {}", k.line, k.entry, k.known.describe());
        }
        more(&mut out, plan.already_accepted.len());
    }
    known_rows_with_remedy(
        &mut out,
        &plan.still_pending,
        "NOT written, held on another declaration",
        "(an upload awaiting its claim, or a draft):",
    );
    known_rows_with_remedy(
        &mut out,
        &plan.rejected,
        "written, but rejected on their latest claim with a message that asks for more than a refile",
        "- make sure that is done before uploading (F025):",
    );
    for p in written {
        let _ = writeln!(out, "wrote {}", p.display());
    }
    let accepted = if plan.already_accepted.is_empty() {
        String::new()
    } else {
        format!(
            " + {} already accepted",
            group(plan.already_accepted.len() as u64)
        )
    };
    let held = if plan.still_pending.is_empty() {
        String::new()
    } else {
        format!(
            " + {} held elsewhere",
            group(plan.still_pending.len() as u64)
        )
    };
    let _ = writeln!(
        out,
        "{} data rows = {} written + {} duplicates + {} not repairable{accepted}{held}{}",
        group(plan.data_rows as u64),
        group(plan.entries.len() as u64),
        group(plan.duplicates.len() as u64),
        group(plan.unrepairable.len() as u64),
        if plan.reconciles() {
            " (reconciled)"
        } else {
            " (DOES NOT RECONCILE - report this as a bug)"
        }
    );
    escape_controls(&out).into_owned()
}

/// A list of rows the ledger knows, headed `HEAD COUNT TAIL`, each with what releases it; the
/// first [`SHOWN_PER_RULE`], then how many more. Nothing for none.
fn known_rows_with_remedy(
    out: &mut String,
    rows: &[capekit_core::fix::KnownRow],
    head: &str,
    tail: &str,
) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "{head} {} {tail}", group(rows.len() as u64));
    for k in rows.iter().take(SHOWN_PER_RULE) {
        let _ = writeln!(
            out,
            "  line {}: {} {} - {}",
            k.line,
            k.entry,
            k.known.describe(),
            k.known.remedy()
        );
    }
    more(out, rows.len());
}

fn more(out: &mut String, n: usize) {
    if n > SHOWN_PER_RULE {
        let _ = writeln!(out, "  ... and {} more", group((n - SHOWN_PER_RULE) as u64));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_never_sent() {
        let hostile = "B76\u{1b}[2J\u{1b}]0;title\u{7}x\rcover\u{8}\u{7f}\u{9b}\u{202e}txt\tok\n";
        let shown = escape_controls(hostile);
        assert_eq!(
            shown,
            "B76\\u{1b}[2J\\u{1b}]0;title\\u{7}x\\u{d}cover\\u{8}\\u{7f}\\u{9b}\\u{202e}txt\tok\n"
        );
        assert!(matches!(
            escape_controls("plain, caf\u{e9}\n"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn the_check_printer_escapes_values_from_the_file() {
        let input = crate::declaration::parse_declaration(
            "in.csv",
            b"Entry Number\r\nB760\x1b[31m3245278\x07\r\n",
        );
        let report = capekit_core::check::check(&input, &Default::default());
        let text = check_text(&report);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text}"
        );
        assert!(text.contains("B760\\u{1b}[31m3245278\\u{7}"), "{text}");
    }
}
