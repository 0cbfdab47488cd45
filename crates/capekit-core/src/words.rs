//! Words for people, in one place: what each action, path and outcome name means, times in the
//! reader's own zone, the catalog's date, and repeated findings told once with a count.
//!
//! Clerks live in Excel and the ACE Portal: a bare `other-path`, a UTC time or twenty copies of
//! one finding mean nothing to them. Every face (terminal, report, workbook, web page, README)
//! takes its words from here, so that a name means the same thing wherever it is read.

use std::collections::HashSet;
use std::fmt::Write;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::catalog::CATALOG_DATE;
use crate::check::group;
use crate::diag::Diagnostic;

/// Every action (`capekit triage`), path (`capekit plan`) and outcome (what CBP did) name a user
/// reads, with its meaning in one short sentence. A name shared by an action and a path
/// (`review`, `not-refundable`) means the same in both, so it is here once.
pub const MEANINGS: &[(&str, &str)] = &[
    // Actions of the triage, most urgent first.
    (
        "fix-file",
        "The whole upload failed CBP's file checks, so none of its entries was filed: fix the file and upload it whole as a new declaration.",
    ),
    (
        "correct-then-refile",
        "Fix the entry in ACE first (for example by post-summary correction), then put it on a new declaration.",
    ),
    (
        "review",
        "A person must look: the message or the data that would decide is unknown, missing or unclear.",
    ),
    (
        "other-path",
        "CAPE cannot take it now: protest, court or a later CAPE phase.",
    ),
    (
        "wrong-filer",
        "The importer of record or the broker who filed the entry must declare it.",
    ),
    ("refile", "Put it on a new declaration now, as it is."),
    (
        "retry-later",
        "A timing or CBP-side problem: declare it again later.",
    ),
    (
        "wait-for-claim",
        "Passed file checks, no claim yet: find its claim on Claim Status and do not upload it again meanwhile.",
    ),
    (
        "drop-duplicate",
        "Already on an earlier declaration: drop it and find that claim.",
    ),
    (
        "not-refundable",
        "No IEEPA duty was paid on it, so there is nothing to refund.",
    ),
    (
        "none",
        "Accepted: nothing to do, and never declare it again.",
    ),
    // Paths of the plan.
    ("cape", "Declare it in CAPE now."),
    (
        "correct-first",
        "Correct the entry summary by post-summary correction first, then declare it in CAPE.",
    ),
    (
        "later-phase",
        "CAPE does not take it in phase 1: wait for a later phase, and keep the protest deadline in view.",
    ),
    (
        "protest",
        "Protest the liquidation (19 USC 1514), or let an open protest carry the claim.",
    ),
    (
        "court",
        "Only the Court of International Trade remains (28 USC 1581(i), or 1581(a) within 180 days of a denied protest).",
    ),
    (
        "phase-3",
        "CAPE Phase 3 takes it (the importer sued in the CIT and its IOR was submitted by 2026-07-30); its upload format is unpublished, so no file is written.",
    ),
    (
        "done",
        "Already refunded through CAPE (liquidation reason 36): never declare it again.",
    ),
    // Outcomes: what CBP did with an entry.
    (
        "accepted",
        "CBP accepted it on a claim: never declare it again.",
    ),
    (
        "rejected",
        "CBP did not accept it on its claim: the action says what to do.",
    ),
    (
        "no-claim-yet",
        "Passed file checks, but CBP has not answered it on a claim yet.",
    ),
    (
        "not-filed",
        "Its upload failed file checks, so CBP never received it.",
    ),
    (
        "missing",
        "On the declaration but on none of the claim files read: find its claim before doing anything.",
    ),
];

/// The meaning of an action, path or outcome name, from [`MEANINGS`].
pub fn meaning(name: &str) -> Option<&'static str> {
    MEANINGS.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)
}

/// Names told with their meaning the first time they are printed, and bare after: a terminal
/// transcript or a page explains each word once, where it is first read.
#[derive(Debug, Default)]
pub struct FirstUse {
    told: HashSet<&'static str>,
}

impl FirstUse {
    /// Nothing told yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The meaning of `name` if it has not been told yet (and marks it told); `None` after, or
    /// for a name without a meaning.
    pub fn meaning(&mut self, name: &str) -> Option<&'static str> {
        let (n, m) = MEANINGS.iter().find(|(n, _)| *n == name)?;
        self.told.insert(n).then_some(*m)
    }

    /// `name (meaning)` the first time, `name` after.
    pub fn name(&mut self, name: &str) -> String {
        match self.meaning(name) {
            Some(m) => format!("{name} ({})", lower_first(m.trim_end_matches('.'))),
            None => name.to_owned(),
        }
    }
}

fn lower_first(s: &str) -> String {
    // An initialism (CAPE, CBP, IEEPA) keeps its capitals; a sentence's first letter is lowered.
    let first_word: &str = s.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    if first_word.len() > 1 && !first_word.chars().any(char::is_lowercase) {
        return s.to_owned();
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A time as its reader's clock shows it, with the zone: `2026-12-01 09:14 EST`.
pub fn local_time(t: Timestamp, tz: &TimeZone) -> String {
    let zoned = t.to_zoned_datetime(tz.clone());
    // An abbreviation the zone database lacks is printed as an offset (`-03`), still a zone.
    zoned.strftime("%Y-%m-%d %H:%M %Z").to_string()
}

/// [`local_time`] in this computer's zone (the `TZ` variable, else the system's setting; UTC when
/// neither can be read): the one place the domain reads its surroundings, since a time shown to
/// a clerk must be the clerk's. Tests fix `TZ`, or call [`local_time`] with a zone.
pub fn shown_time(t: impl std::borrow::Borrow<Timestamp>) -> String {
    local_time(*t.borrow(), &TimeZone::system())
}

/// The day of `t` in this computer's zone, as [`shown_time`] reads it.
pub fn shown_date(t: Timestamp) -> jiff::civil::Date {
    t.to_zoned_datetime(TimeZone::system()).date()
}

/// The catalog's date in words, for every output that names the catalog:
/// `CBP messages known as of 2026-12-01 (latest bulletin read: CSMS 69635410 of 2026-08-21)`.
pub fn catalog_line() -> String {
    format!(
        "CBP messages known as of {CATALOG_DATE} (latest bulletin read: {})",
        crate::catalog::CATALOG_LATEST_BULLETIN
    )
}

/// Findings of one rule that say the same thing about different lines: told once, with how many
/// and where.
#[derive(Debug, Clone)]
pub struct FindingGroup<'a> {
    /// The rule.
    pub code: &'static str,
    /// Every finding of the group, in file order.
    pub all: Vec<&'a Diagnostic>,
}

/// How many findings of a group are printed in full.
pub const FINDINGS_SHOWN: usize = 3;

/// How many places (lines or cells) a group's summary names before it stops.
pub const PLACES_NAMED: usize = 30;

impl<'a> FindingGroup<'a> {
    /// How many findings.
    pub fn count(&self) -> usize {
        self.all.len()
    }

    /// The first findings, printed in full.
    pub fn shown(&self) -> &[&'a Diagnostic] {
        &self.all[..self.all.len().min(FINDINGS_SHOWN)]
    }

    /// Where the findings are: `lines 3, 7, 9-12` (ranges of consecutive lines, per file when
    /// the group spans several), at most [`PLACES_NAMED`] places, then `...`. Empty when the
    /// findings have no place.
    pub fn places(&self) -> String {
        self.places_upto(PLACES_NAMED)
    }

    /// [`FindingGroup::places`], naming at most `limit` places (`usize::MAX`: every one).
    pub fn places_upto(&self, limit: usize) -> String {
        let mut out: Vec<String> = Vec::new();
        let mut named = 0usize;
        let mut cut = false;
        let files: Vec<Option<&str>> = {
            let mut f: Vec<Option<&str>> = Vec::new();
            for d in &self.all {
                if !f.contains(&d.file.as_deref()) {
                    f.push(d.file.as_deref());
                }
            }
            f
        };
        for file in &files {
            let mut lines: Vec<u64> = Vec::new();
            let mut cells: Vec<&str> = Vec::new();
            for d in self.all.iter().filter(|d| d.file.as_deref() == *file) {
                match (&d.cell, d.line) {
                    (Some(c), _) => cells.push(c),
                    (None, Some(l)) => lines.push(l),
                    (None, None) => {}
                }
            }
            lines.sort_unstable();
            lines.dedup();
            let mut parts: Vec<String> = Vec::new();
            let mut i = 0;
            while i < lines.len() {
                let mut j = i;
                while j + 1 < lines.len() && lines[j + 1] == lines[j] + 1 {
                    j += 1;
                }
                if named == limit {
                    cut = true;
                    break;
                }
                parts.push(if j > i + 1 {
                    format!("{}-{}", lines[i], lines[j])
                } else if j == i + 1 {
                    format!("{}, {}", lines[i], lines[j])
                } else {
                    lines[i].to_string()
                });
                named += 1;
                i = j + 1;
            }
            for c in cells {
                if named == limit {
                    cut = true;
                    break;
                }
                parts.push(c.to_owned());
                named += 1;
            }
            if parts.is_empty() {
                continue;
            }
            let word = match lines.len() {
                0 => "",
                1 => "line",
                _ => "lines",
            };
            let mut s = String::new();
            if files.len() > 1
                && let Some(f) = file
            {
                let _ = write!(s, "{f} ");
            }
            if !word.is_empty() {
                let _ = write!(s, "{word} ");
            }
            s.push_str(&parts.join(", "));
            out.push(s);
            if cut {
                break;
            }
        }
        let mut s = out.join("; ");
        if cut {
            s.push_str(", ...");
        }
        s
    }

    /// Where they are, in words: `on 20 lines: 3, 7, 9-12, ...`, `on line 5`, `3 times: a.csv
    /// lines 2, 3; b.xlsx Sheet1!A4`, or `3 times` when they have no place.
    pub fn whereabouts(&self) -> String {
        self.whereabouts_upto(PLACES_NAMED)
    }

    /// [`FindingGroup::whereabouts`], naming at most `limit` places (`usize::MAX`: every one).
    pub fn whereabouts_upto(&self, limit: usize) -> String {
        let places = self.places_upto(limit);
        let n = self.count();
        let one_file_of_lines = self
            .all
            .iter()
            .all(|d| d.cell.is_none() && d.line.is_some())
            && self.all.iter().all(|d| d.file == self.all[0].file);
        if places.is_empty() {
            if n == 1 {
                String::new()
            } else {
                format!("{} times", group(n as u64))
            }
        } else if n == 1 {
            format!("on {places}")
        } else if one_file_of_lines {
            let lines = places.strip_prefix("lines ").unwrap_or(&places);
            format!("on {} lines: {lines}", group(n as u64))
        } else {
            format!("{} times: {places}", group(n as u64))
        }
    }

    /// `F014 on 20 lines: 3, 7, 9-12, ... (all in the worklist)`: the head of a group;
    /// `where_all` says where every one of them is listed, and is printed only when some are
    /// not printed in full.
    pub fn summary(&self, where_all: &str) -> String {
        let w = self.whereabouts();
        let mut s = if w.is_empty() {
            self.code.to_owned()
        } else {
            format!("{} {w}", self.code)
        };
        if self.count() > FINDINGS_SHOWN && !where_all.is_empty() {
            let _ = write!(s, " ({where_all})");
        }
        s
    }

    /// The line after the findings printed in full, when some are not: `... and 17 more like
    /// these (all in the worklist)`.
    pub fn more(&self, where_all: &str) -> Option<String> {
        let rest = self
            .count()
            .checked_sub(FINDINGS_SHOWN)
            .filter(|n| *n > 0)?;
        let mut s = format!("... and {} more like these", group(rest as u64));
        if !where_all.is_empty() {
            let _ = write!(s, " ({where_all})");
        }
        Some(s)
    }
}

/// Findings grouped by rule and by what they say, the place and the values aside: `line 4:
/// `B7644100010`: check digit is 0 but ... give 1` and `line 9: `B7644100015`: check digit is 5
/// but ... give 1` are one group. Groups come in the order of their first finding.
pub fn group_findings<'a>(
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
) -> Vec<FindingGroup<'a>> {
    let mut groups: Vec<FindingGroup<'a>> = Vec::new();
    let mut keys: std::collections::HashMap<(&'static str, String), usize> =
        std::collections::HashMap::new();
    for d in diagnostics {
        let key = (d.code(), pattern(&d.message));
        match keys.get(&key) {
            Some(&i) => groups[i].all.push(d),
            None => {
                keys.insert(key, groups.len());
                groups.push(FindingGroup {
                    code: d.code(),
                    all: vec![d],
                });
            }
        }
    }
    groups
}

/// A message with its values masked: quoted text (between backticks or double quotes) and
/// numbers become `#`, so that findings differing only in the value or the place compare equal.
pub fn pattern(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quote: Option<char> = None;
    let mut in_number = false;
    for c in message.chars() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        if c == '`' || c == '"' {
            quote = Some(c);
            out.push('#');
            in_number = false;
            continue;
        }
        if c.is_ascii_digit() {
            if !in_number {
                out.push('#');
                in_number = true;
            }
            continue;
        }
        // An entry number or a code: letters glued to digits are one value.
        if in_number && c.is_ascii_alphanumeric() {
            continue;
        }
        in_number = false;
        out.push(c);
    }
    // Letters before the digits of a value (`B76` of `B7644100010`, `R` of `R013`) are kept; the
    // digits after them masked, which is enough to tell two rules' texts apart.
    out
}

/// The first sentence of a text, for a table cell, and whether more follows (the full text is
/// elsewhere). A sentence ends at `. ` before a capital letter or a code span; one longer than
/// 180 characters is cut at a space, with an ellipsis.
pub fn first_sentence(text: &str) -> (std::borrow::Cow<'_, str>, bool) {
    const LONGEST: usize = 180;
    let end = sentence_end(text);
    let head = text[..end].trim_end();
    if head.chars().count() <= LONGEST {
        return (head.into(), end < text.trim_end().len());
    }
    let cut = head
        .char_indices()
        .take_while(|(i, _)| *i < LONGEST)
        .filter(|(_, c)| *c == ' ')
        .map(|(i, _)| i)
        .last()
        .unwrap_or(LONGEST.min(head.len()));
    let cut = (0..=cut)
        .rev()
        .find(|&i| head.is_char_boundary(i))
        .unwrap_or(0);
    // A code span cut in two would show the rest as code: close it.
    let mut short = head[..cut].trim_end().to_owned();
    if short.matches('`').count() % 2 == 1 {
        short.push('`');
    }
    short.push_str("...");
    (short.into(), true)
}

/// Where the first sentence of `text` ends: after a `. ` before a capital letter or a code
/// span, else at its end.
fn sentence_end(text: &str) -> usize {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(2))
        .find(|&i| {
            bytes[i] == b'.'
                && bytes[i + 1] == b' '
                && (bytes[i + 2].is_ascii_uppercase() || bytes[i + 2] == b'`')
        })
        .map_or(text.len(), |i| i + 1)
}

/// Whether `text` names a rule by its code (`P009`, `M010`, `R001`): a capital letter and three
/// digits standing alone.
pub fn names_rule_code(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
        let b = w.as_bytes();
        b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
    })
}

/// What to do, as a report meant for an importer says it: the first sentence of the advice,
/// without the terminal commands, the ledger notes, the rule codes and the action names that
/// are the broker's (`(then `capekit ledger uploaded ...`)`, `(capekit ledger)`, `See P009`,
/// `(other-path)`), and a declaration named by its file alone (never the folder the workbench
/// keeps it in). A clause that gives a command is left out whole; what is left is plain
/// advice, or, when nothing is, a pointer to the broker's worklist.
pub fn plain_advice(text: &str) -> String {
    // The whole first sentence: its asides and commands go below, and what is left is short.
    let head = text[..sentence_end(text)].trim_end();
    let broker_only = |t: &str| t.contains("capekit") || names_rule_code(t);
    // Parenthesized asides that are the broker's: commands, ledger notes, codes, action names.
    let mut kept = String::with_capacity(head.len());
    let mut depth = 0usize;
    let mut aside = String::new();
    for c in head.chars() {
        match c {
            '(' => {
                depth += 1;
                aside.push(c);
            }
            ')' if depth > 0 => {
                depth -= 1;
                aside.push(c);
                if depth == 0 {
                    let inner = &aside[1..aside.len() - 1];
                    if !(broker_only(inner) || meaning(inner.trim()).is_some()) {
                        kept.push_str(&aside);
                    } else {
                        // The space before the aside goes with it.
                        while kept.ends_with(' ') {
                            kept.pop();
                        }
                    }
                    aside.clear();
                }
            }
            _ if depth > 0 => aside.push(c),
            _ => kept.push(c),
        }
    }
    kept.push_str(&aside);
    // Clauses (outside parentheses) that give a command are left out whole.
    const SEPARATORS: [&str; 4] = ["; ", ": ", ", or ", " - "];
    let mut clauses: Vec<(&str, &str)> = Vec::new();
    let (mut start, mut sep, mut depth, mut i) = (0, "", 0usize, 0);
    let bytes = kept.as_bytes();
    while i < bytes.len() {
        match bytes[i] {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0
            && let Some(s) = SEPARATORS.iter().find(|s| kept[i..].starts_with(**s))
        {
            clauses.push((sep, &kept[start..i]));
            sep = s;
            i += s.len();
            start = i;
            continue;
        }
        i += 1;
    }
    clauses.push((sep, &kept[start..]));
    let mut out = String::with_capacity(kept.len());
    for (sep, clause) in clauses.into_iter().filter(|(_, c)| !broker_only(c)) {
        if !out.is_empty() {
            out.push_str(sep);
        }
        out.push_str(clause);
    }
    // A declaration the workbench keeps under its session's folder is named by its file.
    let out = out
        .split(' ')
        .map(|w| match w.rsplit_once('/') {
            Some((_, file))
                if [".csv", ".xlsx", ".txt"]
                    .iter()
                    .any(|x| file.trim_end_matches([',', ';', ':', ')']).ends_with(x)) =>
            {
                file
            }
            _ => w,
        })
        .collect::<Vec<_>>()
        .join(" ");
    let out = out.trim().trim_end_matches([',', ';', ':', '-', ' ']);
    if out.is_empty() {
        "see your broker's worklist".to_owned()
    } else {
        out.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Action;
    use crate::path::EntryPath;
    use crate::triage::Outcome;

    #[test]
    fn every_action_path_and_outcome_has_one_meaning() {
        for a in Action::ALL {
            assert!(meaning(a.as_str()).is_some(), "{a:?}");
        }
        for p in EntryPath::ALL {
            assert!(meaning(p.as_str()).is_some(), "{p:?}");
        }
        for o in Outcome::ALL {
            assert!(meaning(o.as_str()).is_some(), "{o:?}");
        }
        let mut names: Vec<&str> = MEANINGS.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "a name twice in MEANINGS");
    }

    #[test]
    fn a_name_is_explained_on_first_use_only() {
        let mut f = FirstUse::new();
        assert_eq!(
            f.name("refile"),
            "refile (put it on a new declaration now, as it is)"
        );
        assert_eq!(f.name("refile"), "refile");
        assert_eq!(f.name("cape"), "cape (declare it in CAPE now)");
        assert_eq!(f.name("no-such-name"), "no-such-name");
        // An initialism at the start keeps its capitals.
        assert!(f.name("phase-3").starts_with("phase-3 (CAPE Phase 3"));
    }

    #[test]
    fn local_time_names_the_zone() {
        let t: Timestamp = "2026-12-01T14:14:00Z".parse().expect("time");
        let ny = TimeZone::get("America/New_York").expect("zone");
        assert_eq!(local_time(t, &ny), "2026-12-01 09:14 EST");
        let summer: Timestamp = "2026-07-01T14:14:00Z".parse().expect("time");
        assert_eq!(local_time(summer, &ny), "2026-07-01 10:14 EDT");
        let la = TimeZone::get("America/Los_Angeles").expect("zone");
        assert_eq!(local_time(t, &la), "2026-12-01 06:14 PST");
        assert_eq!(local_time(t, &TimeZone::UTC), "2026-12-01 14:14 UTC");
    }

    #[test]
    fn catalog_line_has_no_internal_ids() {
        let s = catalog_line();
        assert!(s.starts_with("CBP messages known as of 2026-12-01"), "{s}");
        assert!(s.contains("CSMS"), "{s}");
        // The ledger's record of a triage keeps the machine form; it must say the same.
        let v = crate::catalog::CATALOG_VERSION;
        assert!(v.starts_with(&CATALOG_DATE.to_string()), "{v}");
        assert!(v.contains(crate::catalog::CATALOG_LATEST_BULLETIN), "{v}");
    }

    fn f014(line: u64, raw: &str, expected: u8) -> Diagnostic {
        crate::check::CHECK_DIGIT_MISMATCH.diag(format!("`{raw}`: check digit is 0 but the first ten characters give {expected} - a character was mistyped"),
        )
        .at_line(line)
        .with_value(raw)
    }

    #[test]
    fn twenty_copies_of_one_finding_are_one_group_with_their_lines() {
        let mut diags: Vec<Diagnostic> = [3u64, 7, 9, 10, 11, 12, 14, 15]
            .iter()
            .map(|&l| f014(l, &format!("B76441000{l:02}"), (l % 10) as u8))
            .collect();
        diags.push(crate::check::BLANK_ROW.diag("a blank row").at_line(5));
        let groups = group_findings(&diags);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].code, "F014");
        assert_eq!(groups[0].count(), 8);
        assert_eq!(groups[0].shown().len(), FINDINGS_SHOWN);
        assert_eq!(groups[0].places(), "lines 3, 7, 9-12, 14, 15");
        assert_eq!(
            groups[0].summary("all in the worklist"),
            "F014 on 8 lines: 3, 7, 9-12, 14, 15 (all in the worklist)"
        );
        assert_eq!(
            groups[0].more("all in the worklist").as_deref(),
            Some("... and 5 more like these (all in the worklist)")
        );
        assert_eq!(groups[1].summary("all in the worklist"), "F017 on line 5");
        assert_eq!(groups[1].more("all in the worklist"), None);
    }

    #[test]
    fn different_texts_of_one_rule_are_different_groups() {
        let a = crate::reading::BAD_DATE.diag("`x` in `Entry Date` is not a date");
        let b = crate::reading::BAD_DATE.diag("`y` in `Liquidation Date` is not a date");
        let c = crate::reading::BAD_DATE.diag("the date is after the as-of date");
        let g = group_findings([&a, &b, &c]);
        // Quoted values are masked alike, so a and b are one group; c says something else.
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].count(), 2);
        assert_eq!(g[1].summary(""), "R003");
        assert_eq!(g[0].summary(""), "R003 2 times");
    }

    #[test]
    fn places_stop_after_a_limit_and_say_so() {
        let diags: Vec<Diagnostic> = (0..100u64)
            .map(|i| f014(i * 2 + 2, "B7644100010", 1))
            .collect();
        let g = group_findings(&diags);
        let p = g[0].places();
        assert!(p.ends_with(", ..."), "{p}");
        assert_eq!(p.matches(", ").count(), PLACES_NAMED);
        let every = g[0].places_upto(usize::MAX);
        assert!(every.ends_with(", 200"), "{every}");
        assert_eq!(every.matches(", ").count(), 99);
        assert!(
            g[0].summary("all in --format json")
                .starts_with("F014 on 100 lines: 2, 4, 6,")
        );
    }

    #[test]
    fn places_name_cells_and_files() {
        let a = f014(2, "x", 1).in_file("a.csv");
        let b = f014(3, "x", 1).in_file("a.csv");
        let c = f014(4, "x", 1).in_file("b.xlsx").at_cell("Sheet1!A4", 4);
        let g = group_findings([&a, &b, &c]);
        assert_eq!(g[0].places(), "a.csv lines 2, 3; b.xlsx Sheet1!A4");
        assert_eq!(
            g[0].whereabouts(),
            "3 times: a.csv lines 2, 3; b.xlsx Sheet1!A4"
        );
    }
    #[test]
    fn advice_for_an_importer_holds_no_command_note_code_or_folder() {
        let cases = [
            (
                "on the draft workbench-1e943481/refile-1-2026-12-02.csv (written 2026-12-02 07:40 UTC, not marked uploaded): upload that draft (then `capekit ledger uploaded workbench-1e943481/refile-1-2026-12-02.csv`), or release its entries with `capekit ledger discard workbench-1e943481/refile-1-2026-12-02.csv` (capekit ledger)",
                "on the draft refile-1-2026-12-02.csv (written 2026-12-02 07:40 UTC, not marked uploaded): upload that draft",
            ),
            (
                "rejected on claim 100000318902 with `INVALID HTS` (correct-then-refile): do first what CBP's message asks (`capekit explain \"INVALID HTS\"` says what: a post-summary correction); once corrected, declare it with `capekit refile --corrected LIST` (capekit ledger)",
                "rejected on claim 100000318902 with `INVALID HTS`: do first what CBP's message asks",
            ),
            (
                "rejected on claim 1 with `PROTEST ON ENTRY` (other-path): its refund is on another path (protest, court or a later CAPE phase): see `capekit explain` for the message (capekit ledger)",
                "rejected on claim 1 with `PROTEST ON ENTRY`: its refund is on another path (protest, court or a later CAPE phase)",
            ),
            (
                "Follow the protest. If it is denied, the court deadline is 180 days from the denial (28 USC 2636(a)). See P009 for withdrawing an IEEPA-only protest.",
                "Follow the protest.",
            ),
            (
                "review CBP's answer first (`capekit ledger entry` shows its history); if it should be declared after all, run `capekit check` on it (capekit ledger)",
                "review CBP's answer first",
            ),
            ("run `capekit fix` on it", "see your broker's worklist"),
        ];
        for (text, plain) in cases {
            assert_eq!(plain_advice(text), plain, "{text}");
        }
        assert!(names_rule_code("See P009."));
        assert!(!names_rule_code("entry B7666200285, filer M27, [X17]"));
    }
}
