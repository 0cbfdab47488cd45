//! The README's rule table is generated from the catalogs, so it cannot drift from what
//! `capekit explain` prints: this test rebuilds the section between `<!-- rules:begin -->` and
//! `<!-- rules:end -->` from `capekit_core::catalogs::all_rules()` and fails, printing the
//! expected section, when the README differs.
//!
//! `CAPEKIT_UPDATE_README=1 cargo test -p capekit --test readme` rewrites the section instead.

use std::path::{Path, PathBuf};

use capekit_core::catalogs::all_rules;

const BEGIN: &str = "<!-- rules:begin -->";
const END: &str = "<!-- rules:end -->";

fn readme_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md")
}

/// A table cell: pipes escaped and line breaks flattened, so that any title stays one cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// The section between the markers, as it must read.
fn expected_section() -> String {
    let mut out = String::from(
        "\n\n## Rules\n\n\
         Every rule capekit knows, from every catalog: the file checks of `capekit check` (F), the\n\
         CBP messages of `capekit triage` (M) and the others. `capekit explain CODE` prints a rule's\n\
         full documentation. Generated from the catalogs: `cargo test -p capekit --test readme` fails\n\
         when this table is out of date, and `CAPEKIT_UPDATE_README=1` makes it rewrite the table.\n\n\
         | code | name | catalog | title |\n|---|---|---|---|\n",
    );
    for rule in all_rules() {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            cell(rule.code()),
            cell(rule.name()),
            cell(rule.catalog()),
            cell(rule.title())
        ));
    }
    out.push('\n');
    out
}

/// The README split around the rule section: (before and BEGIN, section, END and after).
fn split(readme: &str) -> (&str, &str, &str) {
    split_at(readme, BEGIN, END)
}

/// The README split around the section between `begin` and `end`.
fn split_at<'a>(readme: &'a str, begin: &str, end: &str) -> (&'a str, &'a str, &'a str) {
    assert_eq!(
        readme.matches(begin).count(),
        1,
        "README.md must hold `{begin}` exactly once"
    );
    assert_eq!(
        readme.matches(end).count(),
        1,
        "README.md must hold `{end}` exactly once"
    );
    let start = readme
        .find(begin)
        .map(|i| i + begin.len())
        .unwrap_or_default();
    let stop = readme.find(end).unwrap_or_default();
    assert!(start <= stop, "`{begin}` must come before `{end}`");
    (&readme[..start], &readme[start..stop], &readme[stop..])
}

#[test]
fn readme_rule_table_matches_the_catalogs() {
    let path = readme_path();
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (before, section, after) = split(&readme);
    let expected = expected_section();
    if section == expected {
        return;
    }
    if std::env::var_os("CAPEKIT_UPDATE_README").is_some_and(|v| v == "1") {
        std::fs::write(&path, format!("{before}{expected}{after}")).expect("rewrite README.md");
        return;
    }
    panic!(
        "README.md's rule table differs from the catalogs; run \
         `CAPEKIT_UPDATE_README=1 cargo test -p capekit --test readme`, or put this between \
         the markers:\n{expected}"
    );
}

const WORDS_BEGIN: &str = "<!-- words:begin -->";
const WORDS_END: &str = "<!-- words:end -->";

/// The README's table of what the action, path and outcome names mean, as it must read: from
/// `capekit_core::words::MEANINGS`, the one table every output takes its words from.
fn expected_words() -> String {
    let mut out = String::from("\n\n| word | what it means |\n|---|---|\n");
    for (name, meaning) in capekit_core::words::MEANINGS {
        out.push_str(&format!("| `{}` | {} |\n", cell(name), cell(meaning)));
    }
    out.push('\n');
    out
}

#[test]
fn readme_words_table_matches_the_one_table_of_meanings() {
    let path = readme_path();
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (before, section, after) = split_at(&readme, WORDS_BEGIN, WORDS_END);
    let expected = expected_words();
    if section == expected {
        return;
    }
    if std::env::var_os("CAPEKIT_UPDATE_README").is_some_and(|v| v == "1") {
        std::fs::write(&path, format!("{before}{expected}{after}")).expect("rewrite README.md");
        return;
    }
    panic!(
        "README.md's table of words differs from capekit_core::words::MEANINGS; run \
         `CAPEKIT_UPDATE_README=1 cargo test -p capekit --test readme`, or put this between \
         the markers:\n{expected}"
    );
}

#[test]
fn the_table_lists_every_rule_once_in_catalog_order() {
    let section = expected_section();
    let rows: Vec<&str> = section
        .lines()
        .filter(|l| l.starts_with("| "))
        .skip(1)
        .collect();
    let rules = all_rules();
    assert_eq!(rows.len(), rules.len());
    for (row, rule) in rows.iter().zip(&rules) {
        assert!(
            row.starts_with(&format!("| {} | `{}` |", rule.code(), rule.name())),
            "{row}"
        );
        // Four columns, whatever the title holds.
        let unescaped_pipes = row.replace("\\|", "").matches('|').count();
        assert_eq!(unescaped_pipes, 5, "{row}");
    }
    assert!(
        rows.iter()
            .any(|r| r.starts_with("| F014 | `check-digit-mismatch` |"))
    );
}

#[test]
fn cells_escape_pipes_and_line_breaks() {
    assert_eq!(cell("a|b\nc"), "a\\|b c");
}

/// User-facing text cites sources a user can open (a CSMS bulletin, a statute, a CBP document),
/// never a note outside the project: no source file and no shipped document names one.
#[test]
fn no_text_cites_a_file_outside_the_project() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let banned = concat!("CAPE", ".md");
    let mut found = Vec::new();
    let mut stack = vec![root.join("crates")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                if !path.ends_with("target") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs" || e == "snap") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                if text.contains(banned) {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    for doc in ["README.md", "DESIGN.md", "BENCHMARKS.md", "RELIABILITY.md"] {
        let text = std::fs::read_to_string(root.join(doc)).unwrap_or_default();
        if text.contains(banned) {
            found.push(doc.to_owned());
        }
    }
    assert!(found.is_empty(), "{banned} is cited in: {found:?}");
}
