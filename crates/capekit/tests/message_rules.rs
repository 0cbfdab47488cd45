//! Every CBP message rule (M001-M027) is triggered by a fixture named after it, through
//! `capekit triage --format json`, with the outcome, action and rule a user would see, on each
//! side of the rule's dated changes.
//!
//! The fixtures live in `tests/fixtures/message/` at the workspace root, named `CODE-NAME.csv`
//! after the rule: a Claim Details (or, for the file-level rules M025-M027, a Validation Result
//! File) whose first entry, B7644100003, carries the message. A test fails when a rule has no
//! fixture or no case.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use capekit_core::catalog::MESSAGE_RULES;
use common::run;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/message")
}

/// Before the catalog's changes of June and July 2026, and now.
const JUNE: &str = "2026-06-01";
const NOW: &str = "2026-11-24";

/// (rule, as-of, outcome and action of B7644100003, outcome and action of B7644101373).
type Case = (
    &'static str,
    &'static str,
    (&'static str, &'static str),
    (&'static str, &'static str),
);

/// The second entry of a Claim Details fixture: accepted, with no message.
const OK: (&str, &str) = ("accepted", "none");
/// An entry of a Validation Result File whose upload failed: not filed, fix the file.
const NOT_FILED: (&str, &str) = ("not-filed", "fix-file");

const CASES: &[Case] = &[
    ("M001", NOW, OK, OK),
    ("M002", NOW, ("rejected", "other-path"), OK),
    // Flagged for reconciliation: a later phase until 2026-06-29; since then refiled only when
    // no type 09 was filed, which the claim cannot show.
    ("M003", JUNE, ("rejected", "other-path"), OK),
    ("M003", NOW, ("rejected", "review"), OK),
    ("M004", NOW, ("rejected", "other-path"), OK),
    ("M005", NOW, ("rejected", "other-path"), OK),
    ("M006", NOW, ("rejected", "correct-then-refile"), OK),
    ("M007", NOW, ("rejected", "retry-later"), OK),
    ("M008", NOW, ("rejected", "retry-later"), OK),
    ("M009", NOW, ("rejected", "refile"), OK),
    // INVALID HTS and HTS RELATIONSHIP MISMATCH are published from 2026-06-25.
    ("M010", JUNE, ("rejected", "review"), OK),
    ("M010", NOW, ("rejected", "correct-then-refile"), OK),
    ("M011", JUNE, ("rejected", "review"), OK),
    ("M011", NOW, ("rejected", "correct-then-refile"), OK),
    ("M012", JUNE, ("rejected", "refile"), OK),
    ("M012", NOW, ("rejected", "refile"), OK),
    // The Chapter 1-97 goods value check was removed on 2026-06-25.
    ("M013", JUNE, ("rejected", "correct-then-refile"), OK),
    ("M013", NOW, ("rejected", "refile"), OK),
    ("M014", NOW, ("rejected", "correct-then-refile"), OK),
    ("M015", NOW, ("rejected", "wrong-filer"), OK),
    ("M016", NOW, ("rejected", "review"), OK),
    // Unconfirmed wording: review, saying what would decide (the entry's lines in ES-003).
    ("M017", NOW, ("rejected", "review"), OK),
    ("M018", NOW, ("rejected", "drop-duplicate"), OK),
    ("M019", NOW, ("rejected", "retry-later"), OK),
    ("M020", NOW, ("rejected", "retry-later"), OK),
    ("M021", NOW, ("rejected", "review"), OK),
    ("M022", NOW, ("rejected", "review"), OK),
    ("M023", NOW, ("rejected", "review"), OK),
    ("M024", NOW, ("rejected", "wrong-filer"), OK),
    ("M025", NOW, NOT_FILED, NOT_FILED),
    ("M026", NOW, NOT_FILED, NOT_FILED),
    ("M027", NOW, NOT_FILED, NOT_FILED),
];

fn fixture_of(code: &str) -> String {
    let rule = MESSAGE_RULES
        .iter()
        .find(|r| r.code == code)
        .unwrap_or_else(|| panic!("no rule {code}"));
    format!("{}-{}.csv", rule.code, rule.name)
}

#[test]
fn every_message_rule_has_a_fixture_and_a_case() {
    let mut missing = Vec::new();
    for r in MESSAGE_RULES {
        let name = fixture_of(r.code);
        if !fixture_dir().join(&name).is_file() {
            missing.push(format!("add tests/fixtures/message/{name}"));
        }
        if !CASES.iter().any(|c| c.0 == r.code) {
            missing.push(format!("add a case for {} in CASES", r.code));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn each_fixture_triggers_its_rule_through_the_cli() {
    let mut wrong = Vec::new();
    for &(code, as_of, first, second) in CASES {
        let name = fixture_of(code);
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::copy(fixture_dir().join(&name), dir.path().join(&name)).expect("copy fixture");
        let out = run(
            dir.path(),
            &[
                "--no-ledger",
                "triage",
                &name,
                "--as-of",
                as_of,
                "--out",
                "out",
                "--format",
                "json",
            ],
        );
        assert_eq!(out.code, Some(0), "{name}: {}", out.both());
        let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
        let got: HashMap<&str, (&str, &str, &str)> = v["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .map(|e| {
                (
                    e["entry_number"].as_str().expect("entry"),
                    (
                        e["outcome"].as_str().expect("outcome"),
                        e["action"].as_str().expect("action"),
                        e["rule"].as_str().unwrap_or("-"),
                    ),
                )
            })
            .collect();
        let a = got.get("B7644100003").copied();
        if a != Some((first.0, first.1, code)) {
            wrong.push(format!(
                "{name} as of {as_of}: B7644100003 is {a:?}, expected {first:?} by {code}"
            ));
        }
        let b = got.get("B7644101373").map(|(o, a, _)| (*o, *a));
        // M025 fails the whole upload from a row without an entry: its fixture lists one entry.
        if code != "M025" && b != Some(second) {
            wrong.push(format!(
                "{name} as of {as_of}: B7644101373 is {b:?}, expected {second:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
