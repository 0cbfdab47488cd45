//! The name of every file capekit writes, from one function: what the file is, whose entries it
//! holds (importer, claim, or the plan), the as-of date, and the part.
//!
//! A clerk downloads many of these into one Downloads folder and mails some of them on: a name
//! must say what the file is without opening it, and two runs (two claims, two importers, two
//! days) must never give the same name, or the browser turns the second into `refile (3).csv`.
//! So every name is `WHAT[-IMPORTER][-FILER][-OF]-DATE[-PART].EXT`:
//!
//! | file | name |
//! |---|---|
//! | triage: the new declaration | `refile-100000241223-2026-12-01.csv` (`-01`, `-02`... past 9,999) |
//! | triage: the worklist | `worklist-100000241223-2026-12-01.xlsx`, `.csv` |
//! | triage: the report for the broker | `report-100000241223-2026-12-01.html` |
//! | triage: the report for one importer | `report-IMPORTER-100000241223-2026-12-01.html`, after that importer's own claims |
//! | triage: entries whose importer is not known | `report-unknown-importer-100000241223-2026-12-01.html`, one per claim |
//! | triage of several claims | up to three claim numbers (`refile-100000241223-100000241224-2026-12-01.csv`), else the first, how many more and six hex digits of the list: `refile-100000241223-and-4-more-3f9a0c-2026-12-01.csv` |
//! | `refile` (from the ledger) | `refile-all-claims-2026-12-01.csv`; with `--importer`, `refile-IMPORTER-2026-12-01.csv` |
//! | plan: a declaration | `declaration-IMPORTER-2026-12-01.csv` (`-FILER` after the importer when split by filer; `-01`... past 9,999) |
//! | plan: the worklist | `plan-worklist-IMPORTER-2026-12-01.xlsx`, `.csv`; several importers listed as claims are |
//! | plan: the report for the broker | `plan-report-IMPORTER-2026-12-01.html`, importers as for the worklist |
//! | plan: the report for one importer | `plan-report-for-IMPORTER-2026-12-01.html` |
//! | plan: packets | `protest-IMPORTER-2026-12-01.xlsx`, `court-IMPORTER-2026-12-01.xlsx` |
//! | refunds | `refunds-2026-12-01.xlsx`, `refunds-IMPORTER-2026-12-01.html` |
//! | a repaired declaration (workbench) | `fixed-NAME-2026-12-01.csv` (a name already ending in that date keeps it once) |
//!
//! Names hold ASCII letters, digits and `-` only (a declaration's name is also one ACE takes:
//! a `.csv`, nothing a file system refuses); a part that would leave nothing is `unknown`.
//! The date is the as-of date the run decided on, not the day it ran: the same files and the
//! same date give the same names.

use std::collections::HashSet;

use crate::triage::{ClaimFileKind, TriageReport};
use jiff::civil::Date;

/// Importer numbers and other parts are cut to this many characters: real importer numbers are
/// 11 to 14, and some file systems refuse long names.
pub const MAX_PART: usize = 40;

/// The importer part of a file of entries with no importer number.
pub const UNKNOWN_IMPORTER: &str = "unknown-importer";

/// What a file is. The kind decides the first word of the name and the extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A triage's (or `refile`'s) new declaration: `refile-...csv`.
    Refile,
    /// A triage's worklist as CSV.
    WorklistCsv,
    /// A triage's worklist as a workbook.
    WorklistXlsx,
    /// A triage's report: for the broker (no importer), or for one importer.
    Report,
    /// A plan's declaration for one importer.
    Declaration,
    /// A plan's worklist as CSV.
    PlanWorklistCsv,
    /// A plan's worklist as a workbook.
    PlanWorklistXlsx,
    /// A plan's report: for the broker (`plan-report-IMPORTERS-...`), or for one importer
    /// (`plan-report-for-IMPORTER-...`).
    PlanReport,
    /// A plan's protest packet.
    ProtestPacket,
    /// A plan's court packet.
    CourtPacket,
    /// The refunds workbook.
    RefundsWorkbook,
    /// One importer's refunds page.
    RefundsPage,
    /// A repaired declaration.
    Fixed,
}

impl Kind {
    fn word(self, importer: bool) -> &'static str {
        match self {
            Self::Refile => "refile",
            Self::WorklistCsv | Self::WorklistXlsx => "worklist",
            Self::Report => "report",
            Self::Declaration => "declaration",
            Self::PlanWorklistCsv | Self::PlanWorklistXlsx => "plan-worklist",
            // An importer's page of the plan says whose it is; the broker's names the plan's
            // importers after the word, so the two never share a name, even for one importer.
            Self::PlanReport if importer => "plan-report-for",
            Self::PlanReport => "plan-report",
            Self::ProtestPacket => "protest",
            Self::CourtPacket => "court",
            Self::RefundsWorkbook | Self::RefundsPage => "refunds",
            Self::Fixed => "fixed",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Self::Refile | Self::WorklistCsv | Self::Declaration | Self::PlanWorklistCsv => "csv",
            Self::Fixed => "csv",
            Self::WorklistXlsx
            | Self::PlanWorklistXlsx
            | Self::ProtestPacket
            | Self::CourtPacket
            | Self::RefundsWorkbook => "xlsx",
            Self::Report | Self::PlanReport | Self::RefundsPage => "html",
        }
    }
}

/// Whose entries a file holds, each part as found (it is made safe for a name here).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Whose<'a> {
    /// The importer of record number; [`UNKNOWN_IMPORTER`] for entries without one.
    pub importer: Option<&'a str>,
    /// The filer code, when an importer's declaration is split by filer.
    pub filer: Option<&'a str>,
    /// What the entries come from: the claim number(s) of a triage ([`claims_part`]),
    /// `all-claims` for `refile`, a file's name for a repaired file.
    pub of: Option<&'a str>,
}

/// The one namer: `WHAT[-IMPORTER][-FILER][-OF]-DATE[-PART].EXT`. `part` is `(n, parts)`,
/// 1-based; a file in one part has no part number, and part numbers have at least two digits
/// (`-01`), as many as the last one needs.
pub fn output_name(
    kind: Kind,
    whose: Whose<'_>,
    date: Date,
    part: Option<(usize, usize)>,
) -> String {
    let mut name = kind.word(whose.importer.is_some()).to_owned();
    for p in [whose.importer, whose.filer, whose.of]
        .into_iter()
        .flatten()
    {
        name.push('-');
        name.push_str(&name_part(p));
    }
    // A part that already ends in the date (a repaired `declaration-IOR-2026-12-01`) is not
    // given it twice.
    let date = date.to_string();
    if !name.ends_with(&format!("-{date}")) {
        name.push('-');
        name.push_str(&date);
    }
    if let Some((n, parts)) = part
        && parts > 1
    {
        let width = parts.to_string().len().max(2);
        name.push_str(&format!("-{n:0width$}"));
    }
    name.push('.');
    name.push_str(kind.extension());
    name
}

/// The names of a file in `parts` parts: one name for one part (or none), else `-01`, `-02`...
pub fn part_names(kind: Kind, whose: Whose<'_>, date: Date, parts: usize) -> Vec<String> {
    if parts <= 1 {
        return vec![output_name(kind, whose, date, None)];
    }
    (1..=parts)
        .map(|n| output_name(kind, whose, date, Some((n, parts))))
        .collect()
}

/// A part of a name: ASCII letters, digits and `-` of `s` (others dropped, dashes never doubled
/// nor at an end), at most [`MAX_PART`] characters; `unknown` when nothing is left.
pub fn name_part(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(MAX_PART));
    for c in s.chars() {
        if out.len() >= MAX_PART {
            break;
        }
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if (c == '-' || c == '_' || c == ' ' || c == '.')
            && !out.is_empty()
            && !out.ends_with('-')
        {
            out.push('-');
        }
    }
    let out = out.trim_matches('-');
    if out.is_empty() {
        "unknown".to_owned()
    } else {
        out.to_owned()
    }
}

/// What a triage's files are named after: its one claim number, or the first and how many more
/// ([`first_and_more`]), in order. A triage of Validation
/// Result Files only (which carry no claim number) is named after the first file.
pub fn claims_part(report: &TriageReport) -> String {
    let claims: Vec<&str> = report
        .claims
        .iter()
        .filter(|c| c.kind == ClaimFileKind::ClaimDetails)
        .map(|c| &*c.claim_number)
        .collect();
    if claims.is_empty() {
        return report
            .claims
            .first()
            .map(|c| {
                let file = c.files.first().map_or(&*c.claim_number, |f| &**f);
                name_part(file_stem(file))
            })
            .unwrap_or_else(|| "no-claim".to_owned());
    }
    first_and_more(&claims).unwrap_or_else(|| "no-claim".to_owned())
}

/// The name part of a list, in order and each item once: its items, up to three
/// (`100000241223-100000241224`), or the first,
/// how many more and six hex digits of the SHA-256 of the whole list
/// (`100000241223-and-4-more-3f9a0c`); `None` for no item. Two lists name two files apart:
/// the same first claim and count with other claims behind them gives other digits. An
/// importer's report is named after the importer's own claims this way, a plan after its
/// importers.
pub fn first_and_more<S: AsRef<str>>(items: &[S]) -> Option<String> {
    use sha2::{Digest, Sha256};
    const LISTED: usize = 3;
    // In order, each once: the same claims given in another order are the same files.
    let mut sorted: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let first = *sorted.first()?;
    let joined = sorted
        .iter()
        .map(|i| name_part(i))
        .collect::<Vec<_>>()
        .join("-");
    if sorted.len() <= LISTED && joined.len() <= MAX_PART {
        return Some(joined);
    }
    // The list as given, not its name parts: `12-3456789AB` and `123456789AB` stay apart.
    let digest = Sha256::digest(sorted.join("\n").as_bytes());
    let hex: String = digest.iter().take(3).map(|b| format!("{b:02x}")).collect();
    Some(format!(
        "{}-and-{}-more-{hex}",
        name_part(first),
        sorted.len() - 1
    ))
}

/// The name of a file without its folder and extension.
pub fn file_stem(path: &str) -> &str {
    let base = file_label(path);
    match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => base,
    }
}

/// The name of a file without its folder, whichever separator the path uses: what a report
/// shows of an input file, never where it lies on this computer.
pub fn file_label(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// `text` with every absolute path in it (`/home/clerk/out/refile.csv`, `C:\\Users\\...`,
/// `~/...`) cut to the file's name: advice that names a declaration by where the ledger saw it
/// is still clear by its name, and a file sent to others tells nothing of this computer.
pub fn scrub_paths(text: &str) -> std::borrow::Cow<'_, str> {
    // Called on every row of a worklist: most texts hold no `/`, `\\` or `~` where a word
    // starts, and are returned as they are without being split into words.
    if !may_hold_path(text) || !text.split(is_delimiter).any(starts_path) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if starts_path(word) {
            out.push_str(file_label(word));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if is_delimiter(c) {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    std::borrow::Cow::Owned(out)
}

/// Whether a word is a path [`scrub_paths`] cuts: `/x`, `~/x`, `X:\\x`, `X:/x` or `\\\\x`.
fn starts_path(w: &str) -> bool {
    let b = w.as_bytes();
    (b.first() == Some(&b'/') && b.len() > 1 && b[1] != b'/')
        || w.starts_with("~/")
        || (b.len() > 2
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && (b[2] == b'\\' || b[2] == b'/'))
        || w.starts_with("\\\\")
}

/// What ends a word for [`scrub_paths`].
fn is_delimiter(c: char) -> bool {
    c.is_whitespace() || matches!(c, '`' | '(' | ')' | '"' | '\'' | ',' | ';')
}

/// Whether `text` has a `/`, `\\` or `~` where a word starts (or a drive's `X:\\` or `X:/`),
/// which every path [`scrub_paths`] cuts begins with: a quick look before the word by word one.
/// A byte past ASCII before it may end a wide space, which splits words too: it counts as one.
fn may_hold_path(text: &str) -> bool {
    let b = text.as_bytes();
    let starts_word = |i: usize| {
        i == 0
            || b.get(i - 1).is_some_and(|&p| {
                !p.is_ascii()
                    || p.is_ascii_whitespace()
                    || p == 0x0b
                    || matches!(p, b'`' | b'(' | b')' | b'"' | b'\'' | b',' | b';')
            })
    };
    memchr::memchr3_iter(b'/', b'\\', b'~', b).any(|i| {
        starts_word(i)
            || (i >= 2 && b[i - 1] == b':' && b[i - 2].is_ascii_alphabetic() && starts_word(i - 2))
    })
}

/// Names already given in one folder, compared as Windows and macOS compare them (case aside):
/// two importer numbers that differ only in punctuation or case must not write over each
/// other's file.
#[derive(Debug, Default)]
pub struct Taken(HashSet<String>);

impl Taken {
    /// No name taken.
    pub fn new() -> Self {
        Self::default()
    }

    /// The names `names(None)` gives, or, when one of them is taken, those of `names(Some(2))`,
    /// `Some(3)`...: the caller puts the number where it says whose the file is
    /// (`declaration-IOR-2-2026-12-01.csv`), never where it would read as a part.
    pub fn claim(&mut self, mut names: impl FnMut(Option<usize>) -> Vec<String>) -> Vec<String> {
        let mut out = names(None);
        let mut n = 2;
        while out.iter().any(|x| self.0.contains(&x.to_lowercase())) {
            out = names(Some(n));
            n += 1;
        }
        self.0.extend(out.iter().map(|x| x.to_lowercase()));
        out
    }

    /// The name of one importer's report (`kind`), of `of` when given: numbered past a clash
    /// (`report-IOR-2-...`) with a name already taken here.
    pub fn importer_report(
        &mut self,
        kind: Kind,
        importer: &str,
        of: Option<&str>,
        date: Date,
    ) -> String {
        self.claim(|n| {
            let who = match n {
                Some(n) => format!("{importer}-{n}"),
                None => importer.to_owned(),
            };
            vec![output_name(
                kind,
                Whose {
                    importer: Some(&who),
                    filer: None,
                    of,
                },
                date,
                None,
            )]
        })
        .remove(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: Date = jiff::civil::date(2026, 12, 1);

    fn name(kind: Kind, importer: Option<&str>, of: Option<&str>) -> String {
        output_name(
            kind,
            Whose {
                importer,
                filer: None,
                of,
            },
            D,
            None,
        )
    }

    #[test]
    fn every_kind_is_named_as_the_readme_table_says() {
        let claim = Some("100000241223");
        assert_eq!(
            name(Kind::Refile, None, claim),
            "refile-100000241223-2026-12-01.csv"
        );
        assert_eq!(
            name(Kind::WorklistXlsx, None, claim),
            "worklist-100000241223-2026-12-01.xlsx"
        );
        assert_eq!(
            name(Kind::WorklistCsv, None, claim),
            "worklist-100000241223-2026-12-01.csv"
        );
        assert_eq!(
            name(Kind::Report, None, claim),
            "report-100000241223-2026-12-01.html"
        );
        assert_eq!(
            name(Kind::Report, Some("12-3456789AB"), claim),
            "report-12-3456789AB-100000241223-2026-12-01.html"
        );
        assert_eq!(
            name(Kind::Report, Some(UNKNOWN_IMPORTER), claim),
            "report-unknown-importer-100000241223-2026-12-01.html"
        );
        assert_eq!(
            name(Kind::Refile, None, Some("all-claims")),
            "refile-all-claims-2026-12-01.csv"
        );
        assert_eq!(
            name(
                Kind::PlanWorklistXlsx,
                None,
                Some("12-3456789AB-and-3-more-abcdef")
            ),
            "plan-worklist-12-3456789AB-and-3-more-abcdef-2026-12-01.xlsx"
        );
        assert_eq!(
            name(Kind::PlanReport, None, Some("12-3456789AB")),
            "plan-report-12-3456789AB-2026-12-01.html"
        );
        // The importer's own report never shares the broker's name, even in a plan of one
        // importer.
        assert_eq!(
            name(Kind::PlanReport, Some("12-3456789AB"), None),
            "plan-report-for-12-3456789AB-2026-12-01.html"
        );
        assert_eq!(
            name(Kind::ProtestPacket, Some("IOR"), None),
            "protest-IOR-2026-12-01.xlsx"
        );
        assert_eq!(
            name(Kind::CourtPacket, Some("IOR"), None),
            "court-IOR-2026-12-01.xlsx"
        );
        assert_eq!(
            name(Kind::RefundsWorkbook, None, None),
            "refunds-2026-12-01.xlsx"
        );
        assert_eq!(
            name(Kind::RefundsPage, Some("12-3456789AA"), None),
            "refunds-12-3456789AA-2026-12-01.html"
        );
        assert_eq!(
            name(Kind::Fixed, None, Some("my upload.csv")),
            "fixed-my-upload-csv-2026-12-01.csv"
        );
        // A name already ending in the date does not get it twice; another date is kept.
        assert_eq!(
            name(Kind::Fixed, None, Some("declaration-IOR-2026-12-01")),
            "fixed-declaration-IOR-2026-12-01.csv"
        );
        assert_eq!(
            name(Kind::Fixed, None, Some("declaration-IOR-2026-11-30")),
            "fixed-declaration-IOR-2026-11-30-2026-12-01.csv"
        );
        assert_eq!(
            output_name(
                Kind::Declaration,
                Whose {
                    importer: Some("12-3456789AB"),
                    filer: Some("B76"),
                    of: None
                },
                D,
                Some((1, 2))
            ),
            "declaration-12-3456789AB-B76-2026-12-01-01.csv"
        );
    }

    #[test]
    fn parts_are_numbered_only_past_one_and_as_wide_as_the_last() {
        let whose = Whose {
            importer: Some("IOR"),
            ..Whose::default()
        };
        assert_eq!(
            part_names(Kind::Declaration, whose, D, 1),
            ["declaration-IOR-2026-12-01.csv"]
        );
        assert_eq!(
            part_names(Kind::Declaration, whose, D, 2),
            [
                "declaration-IOR-2026-12-01-01.csv",
                "declaration-IOR-2026-12-01-02.csv"
            ]
        );
        assert_eq!(
            part_names(Kind::Declaration, whose, D, 100)[99],
            "declaration-IOR-2026-12-01-100.csv"
        );
    }

    #[test]
    fn parts_of_names_keep_letters_digits_and_single_dashes() {
        assert_eq!(name_part("12-3456789AB"), "12-3456789AB");
        assert_eq!(name_part("../x y"), "x-y");
        assert_eq!(name_part("--a__b--"), "a-b");
        assert_eq!(name_part("/"), "unknown");
        assert_eq!(name_part(&"9".repeat(60)).len(), MAX_PART);
        assert_eq!(name_part("C:\\Users\\clerk"), "CUsersclerk");
    }

    #[test]
    fn files_are_shown_by_their_name_alone() {
        assert_eq!(file_label("/home/clerk/claims/claim.csv"), "claim.csv");
        assert_eq!(file_label("C:\\Users\\clerk\\claim.csv"), "claim.csv");
        assert_eq!(file_label("claim.csv"), "claim.csv");
        assert_eq!(
            file_stem("/tmp/x/validation-result.csv"),
            "validation-result"
        );
        assert_eq!(file_stem(".csv"), ".csv");
    }

    #[test]
    fn absolute_paths_in_advice_are_cut_to_their_file() {
        assert_eq!(
            scrub_paths("upload it (then `capekit ledger uploaded /home/clerk/out/refile.csv`)"),
            "upload it (then `capekit ledger uploaded refile.csv`)"
        );
        assert_eq!(
            scrub_paths("still pending on C:\\Users\\clerk\\refile.csv (uploaded ...)"),
            "still pending on refile.csv (uploaded ...)"
        );
        assert_eq!(scrub_paths("~/x/a.csv, out/b.csv"), "a.csv, out/b.csv");
        let plain = "9903.01/.02 lines, and/or 19 USC 1514(c)(3)";
        assert!(matches!(scrub_paths(plain), std::borrow::Cow::Borrowed(_)));
        assert_eq!(scrub_paths("/"), "/");
        // The quick look lets through only what holds no path.
        for (text, holds) in [
            ("HTS RELATIONSHIP/SEQUENCE MISMATCH", false),
            ("see https://www.cbp.gov/trade and 1/2", false),
            ("on /home/clerk/a.csv", true),
            ("(C:\\Users\\clerk\\a.csv)", true),
            ("D:/out/a.csv", true),
            ("~/a.csv", true),
            ("\\\\server\\share\\a.csv", true),
            ("after\u{a0}/tmp/a.csv", true),
        ] {
            assert_eq!(may_hold_path(text), holds, "{text}");
            if !holds {
                assert!(matches!(scrub_paths(text), std::borrow::Cow::Borrowed(_)));
            }
        }
        assert_eq!(scrub_paths("after\u{a0}/tmp/a.csv"), "after\u{a0}a.csv");
    }

    #[test]
    fn a_taken_name_is_numbered_where_it_says_whose() {
        let mut taken = Taken::new();
        let names = |importer: &'static str| {
            move |n: Option<usize>| {
                let who = match n {
                    Some(n) => format!("{importer}-{n}"),
                    None => importer.to_owned(),
                };
                vec![output_name(
                    Kind::Declaration,
                    Whose {
                        importer: Some(&who),
                        ..Whose::default()
                    },
                    D,
                    None,
                )]
            }
        };
        assert_eq!(taken.claim(names("ab")), ["declaration-ab-2026-12-01.csv"]);
        assert_eq!(
            taken.claim(names("AB")),
            ["declaration-AB-2-2026-12-01.csv"]
        );
        assert_eq!(
            taken.claim(names("Ab")),
            ["declaration-Ab-3-2026-12-01.csv"]
        );
    }

    proptest::proptest! {
        /// The quick look never lets a path through: whatever it passes, the word by word
        /// look finds no path in either.
        #[test]
        fn the_quick_look_never_misses_a_path(text in "[ a-zA-Z:/\\\\~`(),;'\"\u{a0}\u{b}\u{2003}.]{0,24}") {
            let has = text.split(is_delimiter).any(starts_path);
            proptest::prop_assert!(may_hold_path(&text) || !has, "{text:?}");
        }
    }

    #[test]
    fn a_list_is_named_in_full_up_to_three_and_by_its_digits_past() {
        assert_eq!(first_and_more::<&str>(&[]), None);
        assert_eq!(
            first_and_more(&["100000241223"]).as_deref(),
            Some("100000241223")
        );
        assert_eq!(
            first_and_more(&["100000241223", "100000241224", "100000241225"]).as_deref(),
            Some("100000241223-100000241224-100000241225")
        );
        // Two lists of one first claim and one count: two names.
        let a = first_and_more(&["1", "2", "3", "4"]).expect("name");
        let b = first_and_more(&["1", "2", "3", "5"]).expect("name");
        assert!(
            a.starts_with("1-and-3-more-") && a.len() == "1-and-3-more-".len() + 6,
            "{a}"
        );
        assert_ne!(a, b);
        // The order the list comes in does not change it, nor does an item given twice.
        assert_eq!(first_and_more(&["4", "3", "2", "1"]), Some(a));
        assert_eq!(
            first_and_more(&["100000241224", "100000241223", "100000241224"]).as_deref(),
            Some("100000241223-100000241224")
        );
        // A list of long items is named by its digits even when it has three.
        let long = [
            "12-3456789AB-1234",
            "12-3456789AB-5678",
            "12-3456789AB-9012",
        ];
        assert!(
            first_and_more(&long)
                .expect("name")
                .contains("-and-2-more-")
        );
    }
}
