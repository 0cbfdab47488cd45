//! The ledger's reports in words: `capekit ledger status`, `entry` and `declarations`.

use std::fmt::Write as _;

use capekit_core::EntryNumber;
use capekit_core::check::group;
use capekit_core::words::FirstUse;
use capekit_ledger::{Declaration, EntryFacts, EntryState, FileKind, LedgerStatus, TimelineEvent};
use serde::Serialize;

use super::plural;

pub(super) fn declarations_text(list: &[Declaration]) -> String {
    if list.is_empty() {
        return "no declaration recorded\n".to_owned();
    }
    let now = jiff::Timestamp::now();
    let mut out = String::new();
    for d in list {
        let age = match d.days_uploaded(now) {
            Some(days) => format!(
                "uploaded {} ago",
                plural(days.max(0) as usize, "day", "days")
            ),
            None => format!(
                "recorded {}",
                capekit_core::words::shown_date(d.recorded_at)
            ),
        };
        let _ = write!(
            out,
            "#{:<4} {:<9} {:>6} entries ({} held)  {age}",
            d.id,
            d.state.as_str(),
            group(d.entries as u64),
            group(d.holding as u64)
        );
        if let Some(c) = &d.claim {
            let _ = write!(out, "  claim {c}");
        }
        if let Some(j) = &d.job {
            let _ = write!(out, "  job {j}");
        }
        let _ = write!(out, "  {}", capekit_ledger::shown_name(&d.name));
        if d.unconfirmed {
            out.push_str("  (recorded by an older capekit: confirm with `capekit ledger uploaded`, or `capekit ledger discard`)");
        }
        if d.stale(now) {
            out.push_str(
                "  (no claim after 2 days: look for it in ACE, File Uploads then Claim Status)",
            );
        }
        if !d.note.is_empty() {
            let _ = write!(out, "  - {}", d.note);
        }
        out.push('\n');
    }
    out
}

pub(super) fn status_text(s: &LedgerStatus) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "ledger {}", s.path);
    if s.files.is_empty() {
        let _ = writeln!(out, "files: none recorded");
    } else {
        let files: Vec<String> = s
            .files
            .iter()
            .map(|(k, n)| format!("{} {}", group(*n as u64), FileKind::label_of(k)))
            .collect();
        let _ = writeln!(out, "files: {}", files.join(", "));
    }
    let _ = writeln!(out, "claims: {}", group(s.claims as u64));
    let e = &s.entries;
    let _ = writeln!(
        out,
        "entries: {} - accepted {}, pending with CBP {}, on a draft {}, rejected {}, not declared {}",
        group(e.total as u64),
        group(e.accepted as u64),
        group(e.pending as u64),
        group(e.drafted as u64),
        group(e.rejected as u64),
        group(e.unknown as u64)
    );
    if !s.rejected_by_action.is_empty() {
        let _ = writeln!(out, "rejected, by action (most urgent first):");
        for a in &s.rejected_by_action {
            let _ = writeln!(
                out,
                "  {:<20} {:>5}  {}",
                a.action.as_str(),
                group(a.entries as u64),
                a.action.describe()
            );
        }
    }
    if !s.importers.is_empty() {
        let _ = writeln!(out, "importers (from the entry data recorded):");
        for i in &s.importers {
            let _ = writeln!(
                out,
                "  {:<16} {} - accepted {}, pending with CBP {}, rejected {}, not declared {}",
                i.importer,
                plural(i.entries.total, "entry", "entries"),
                group(i.entries.accepted as u64),
                group(i.entries.pending as u64),
                group(i.entries.rejected as u64),
                group(i.entries.unknown as u64)
            );
            if !i.rejected_by_action.is_empty() {
                let actions: Vec<String> = i
                    .rejected_by_action
                    .iter()
                    .map(|a| format!("{} {}", a.action, group(a.entries as u64)))
                    .collect();
                let _ = writeln!(out, "  {:<16} rejected: {}", "", actions.join(", "));
            }
        }
    }
    if !s.deadlines.is_empty() {
        let _ = writeln!(
            out,
            "nearest deadlines{} (entries not accepted):",
            s.deadlines_from
                .map(|d| format!(" from {d}"))
                .unwrap_or_default()
        );
        // One line a deadline: one date of one kind for one importer, however many entries
        // share it (a court date is shared by thousands).
        let mut groups = 0usize;
        for group_rows in capekit_ledger::deadline_groups(&s.deadlines) {
            let d = &group_rows[0];
            let n = group_rows.len();
            groups += 1;
            let left = d
                .days_left
                .and_then(|days| usize::try_from(days).ok())
                .map(|days| format!(", {} left", plural(days, "day", "days")))
                .unwrap_or_default();
            let urgent = if d.urgent() { "URGENT" } else { "" };
            let importer = d
                .importer
                .as_deref()
                .map(|i| format!("importer {i}"))
                .unwrap_or_else(|| "importer not known".to_owned());
            let who = if n == 1 {
                format!(
                    "{} ({}, {importer}{left})",
                    d.entry.as_str(),
                    capekit_ledger::EntryState::label_of(d.state)
                )
            } else {
                let first: Vec<&str> = group_rows
                    .iter()
                    .take(3)
                    .map(|x| x.entry.as_str())
                    .collect();
                format!(
                    "{} of {importer}{left} (first {}{})",
                    plural(n, "entry", "entries"),
                    first.join(", "),
                    if n > 3 { ", ..." } else { "" }
                )
            };
            let _ = writeln!(
                out,
                "  {urgent:<6} {}  {:<18} {who}",
                d.date,
                d.kind.describe(),
            );
        }
        let listed = s.deadlines.len();
        if s.deadlines_total > listed {
            let _ = writeln!(
                out,
                "  ... the {groups} nearest deadlines ({}) are listed, of {} with an open deadline: `capekit ledger export --out FILE.xlsx` lists every entry",
                plural(listed, "entry", "entries"),
                plural(s.deadlines_total, "entry", "entries"),
            );
        }
    } else if s.files.contains_key(FileKind::EntryData.as_str()) {
        let _ = writeln!(
            out,
            "nearest deadlines: none ahead for an entry not accepted{}",
            s.deadlines_from
                .map(|d| format!(" (from {d})"))
                .unwrap_or_default()
        );
    }
    if s.escalations > 0 {
        let _ = writeln!(
            out,
            "escalate: {} entr{} rejected 3 or more times with the same retry-later message - run `capekit ledger escalate`",
            group(s.escalations as u64),
            if s.escalations == 1 { "y" } else { "ies" }
        );
    }
    out
}

#[derive(Serialize)]
pub(super) struct EntryView {
    pub(super) entry: EntryNumber,
    pub(super) state: EntryState,
    pub(super) timeline: Vec<TimelineEvent>,
    /// On a draft, with its CAPE window closed as of today: CAPE refuses it on that draft.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) closed_on_draft: Option<capekit_app::refile::ClosedOnDraft>,
}

/// The entry's state in one line; `told` explains an action the first time it is printed.
fn state_line(entry: EntryNumber, s: &EntryState, told: &mut FirstUse) -> String {
    let e = entry.as_str();
    match s {
        EntryState::Accepted { claim } => {
            format!("{e}: accepted on claim {claim} - never declare it again")
        }
        EntryState::Pending {
            declaration,
            declared_at,
            unconfirmed,
            ..
        } => format!(
            "{e}: pending on {declaration} (uploaded {}{}) - do not resubmit; triage that declaration's claim when it comes",
            capekit_core::words::shown_time(declared_at),
            if *unconfirmed {
                "; recorded by an older capekit and counted as uploaded - confirm with `capekit ledger uploaded` or `capekit ledger discard`"
            } else {
                ""
            }
        ),
        EntryState::Drafted {
            declaration,
            declaration_id,
            written_at,
        } => format!(
            "{e}: on the draft {declaration} (written {}), not marked uploaded - upload it and run `capekit ledger uploaded '#{declaration_id}'`, or release it with `capekit ledger discard '#{declaration_id}'`",
            capekit_core::words::shown_time(written_at)
        ),
        EntryState::Rejected {
            claim,
            action,
            message,
            attempts,
        } => format!(
            "{e}: not accepted on claim {claim} ({attempts} claim{} so far) - {}: {}",
            if *attempts == 1 { "" } else { "s" },
            told.name(action.as_str()),
            if message.trim().is_empty() {
                "no message on its row (a status capekit does not read as accepted or rejected, or none): read the entry on the claim in ACE (Claim Status)"
            } else {
                message
            }
        ),
        EntryState::Unknown => {
            format!("{e}: not in the ledger (no declaration, no claim, no entry data)")
        }
    }
}

pub(super) fn entry_text(v: &EntryView) -> String {
    // Each action and path is explained where it is first printed, bare after.
    let mut told = FirstUse::new();
    let mut out = match (&v.state, v.timeline.is_empty()) {
        // Entry data alone makes no state: the entry was never declared that the ledger knows.
        (EntryState::Unknown, false) => format!(
            "{}: on no declaration and no claim recorded - only its entry data is known",
            v.entry.as_str()
        ),
        (
            EntryState::Drafted {
                declaration,
                declaration_id,
                ..
            },
            _,
        ) if v.closed_on_draft.is_some() => {
            let c = v.closed_on_draft.as_ref().map_or_else(String::new, |c| {
                let routes: Vec<String> = c.routes.iter().map(|r| r.describe()).collect();
                format!(
                    "its CAPE window closed {}, so CAPE refuses it on that draft (a declaration is judged on the day CBP processes it) - discard the draft with `capekit ledger discard '#{declaration_id}'` (and run `capekit refile` for the draft's other entries); what is left: {}",
                    c.window.date,
                    if routes.is_empty() {
                        "no deadline open: see counsel".to_owned()
                    } else {
                        routes.join(", ")
                    }
                )
            });
            format!(
                "{}: on the draft {declaration}, not marked uploaded - {c}",
                v.entry.as_str()
            )
        }
        _ => state_line(v.entry, &v.state, &mut told),
    };
    out.push('\n');
    if !v.timeline.is_empty() {
        out.push_str("timeline:\n");
    }
    for t in &v.timeline {
        let kind = t.kind.label();
        let mut line = format!(
            "  {}  {:<24} {}",
            capekit_core::words::shown_time(t.at),
            kind,
            t.file
        );
        if let Some(l) = t.line {
            let _ = write!(line, ":{l}");
        }
        if let Some(c) = &t.claim {
            let _ = write!(line, "  claim {c}");
        }
        if let Some(a) = t
            .action
            .filter(|a| *a != capekit_core::catalog::Action::None)
        {
            let _ = write!(line, "  {}", told.name(a.as_str()));
        }
        if let Some(m) = &t.message {
            let _ = write!(line, "  {m}");
        }
        if let Some(d) = &t.as_of {
            let _ = write!(line, "  (rules as of {d})");
        }
        if let Some(d) = &t.data {
            let _ = write!(line, "  {}", facts_text(d, &mut told));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// An entry's recorded data in one clause: its path, importer, type, liquidation and deadlines.
fn facts_text(f: &EntryFacts, told: &mut FirstUse) -> String {
    let mut parts = vec![format!("path {}", told.name(&f.path))];
    if let Some(i) = &f.importer_number {
        parts.push(format!("importer {i}"));
    }
    if let Some(t) = &f.entry_type {
        parts.push(format!("type {t}"));
    }
    if let Some(d) = f.liquidation_date {
        parts.push(format!("liquidation {d}"));
    }
    if let Some(d) = f.cape_window_closes {
        parts.push(format!("CAPE window closes {d}"));
    }
    if let Some(d) = f.protest_due {
        parts.push(format!("protest due {d}"));
    }
    parts.join(", ")
}
