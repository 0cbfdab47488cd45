//! Every reader rule, of claim files (C001-C009), of entry reports (R001-R016) and of refund
//! reports (D001-D012), is triggered by a fixture named after it, through the command that reads
//! such a file (`capekit triage`, `capekit plan`, `capekit refunds`), and shows in its findings (`--format json`), or, for a file that cannot be
//! read at all, in its refusal.
//!
//! The fixtures live in `tests/fixtures/reader/` at the workspace root, named `CODE-NAME.*`
//! after the rule; a rule whose finding needs two files (R011) has two, read together. A test
//! fails when a rule has no fixture or no case.

mod common;

use std::path::{Path, PathBuf};

use capekit_core::doc::Documented;
use capekit_core::reading::{CLAIM_READER_RULES, ENTRY_READER_RULES};
use capekit_core::refunds::REFUND_READER_RULES;
use common::run;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/reader")
}

/// How a rule shows.
#[derive(Clone, Copy)]
enum Shows {
    /// Among the findings of a run that ends with exit 0.
    Finding,
    /// In the refusal of a run that ends with exit 2.
    Refusal,
}

/// (rule, command, how it shows).
const CASES: &[(&str, &str, Shows)] = &[
    ("C001", "triage", Shows::Finding),
    ("C002", "triage", Shows::Finding),
    ("C003", "triage", Shows::Finding),
    ("C004", "triage", Shows::Finding),
    ("C005", "triage", Shows::Finding),
    ("C006", "triage", Shows::Finding),
    ("C007", "triage", Shows::Finding),
    ("C008", "triage", Shows::Finding),
    ("C009", "triage", Shows::Finding),
    ("R001", "plan", Shows::Finding),
    ("R002", "plan", Shows::Finding),
    ("R003", "plan", Shows::Finding),
    ("R004", "plan", Shows::Finding),
    ("R005", "plan", Shows::Refusal),
    ("R006", "plan", Shows::Finding),
    ("R007", "plan", Shows::Finding),
    ("R008", "plan", Shows::Finding),
    ("R009", "plan", Shows::Finding),
    ("R010", "plan", Shows::Finding),
    ("R011", "plan", Shows::Finding),
    ("R012", "plan", Shows::Finding),
    ("R013", "plan", Shows::Finding),
    ("R014", "plan", Shows::Finding),
    ("R015", "plan", Shows::Finding),
    ("R016", "plan", Shows::Finding),
    ("D001", "refunds", Shows::Finding),
    ("D002", "refunds", Shows::Finding),
    ("D003", "refunds", Shows::Finding),
    ("D004", "refunds", Shows::Finding),
    ("D005", "refunds", Shows::Finding),
    ("D006", "refunds", Shows::Finding),
    ("D007", "refunds", Shows::Finding),
    ("D008", "refunds", Shows::Finding),
    ("D009", "refunds", Shows::Refusal),
    ("D010", "refunds", Shows::Finding),
    ("D011", "refunds", Shows::Finding),
    ("D012", "refunds", Shows::Finding),
];

fn rules() -> impl Iterator<Item = &'static dyn Documented> {
    let claims = CLAIM_READER_RULES.iter().map(|r| *r as &dyn Documented);
    let entries = ENTRY_READER_RULES.iter().map(|r| *r as &dyn Documented);
    let refunds = REFUND_READER_RULES.iter().map(|r| *r as &dyn Documented);
    claims.chain(entries).chain(refunds)
}

/// The fixtures of a rule, sorted.
fn fixtures_of(rule: &dyn Documented) -> Vec<String> {
    let prefix = format!("{}-{}", rule.code(), rule.name());
    let mut names: Vec<String> = std::fs::read_dir(fixture_dir())
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        .collect();
    names.sort();
    names
}

#[test]
fn every_reader_rule_has_a_fixture_and_a_case() {
    let mut missing = Vec::new();
    for r in rules() {
        if fixtures_of(r).is_empty() {
            missing.push(format!(
                "add tests/fixtures/reader/{}-{}.*",
                r.code(),
                r.name()
            ));
        }
        if !CASES.iter().any(|c| c.0 == r.code()) {
            missing.push(format!("add a case for {} in CASES", r.code()));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn each_fixture_triggers_its_rule_through_the_cli() {
    let mut wrong = Vec::new();
    for &(code, command, shows) in CASES {
        let rule = rules().find(|r| r.code() == code).expect("rule");
        let names = fixtures_of(rule);
        let dir = tempfile::tempdir().expect("tempdir");
        for n in &names {
            std::fs::copy(fixture_dir().join(n), dir.path().join(n)).expect("copy fixture");
        }
        let mut args = vec!["--no-ledger", command];
        args.extend(names.iter().map(String::as_str));
        args.extend(["--as-of", "2026-11-24", "--out", "out", "--format", "json"]);
        let out = run(dir.path(), &args);
        match shows {
            Shows::Finding => {
                if out.code != Some(0) {
                    wrong.push(format!("{code}: {}", out.both()));
                    continue;
                }
                let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
                let found = v["diagnostics"]
                    .as_array()
                    .expect("diagnostics")
                    .iter()
                    .any(|d| d["code"] == code);
                if !found {
                    wrong.push(format!("{code}: no {code} finding in {}", v["diagnostics"]));
                }
            }
            Shows::Refusal => {
                if out.code != Some(2) || !out.stderr.contains(code) {
                    wrong.push(format!(
                        "{code}: expected a refusal naming it, {}",
                        out.both()
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
