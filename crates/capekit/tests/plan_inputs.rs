//! How `capekit plan` reads what an ES-003 export says: flags written as brokers write them,
//! columns under other names, and an entry in two files that disagree.
//!
//! The fixtures live in `tests/fixtures/plan/inputs-*` at the workspace root.

mod common;

use std::path::{Path, PathBuf};

use common::run;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/plan")
}

/// `capekit plan` of the fixtures, as of `as_of`, in a scratch folder: its JSON.
fn plan(names: &[&str], as_of: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("tempdir");
    for n in names {
        std::fs::copy(fixture_dir().join(n), dir.path().join(n)).expect("copy fixture");
    }
    let mut args = vec!["--no-ledger", "plan"];
    args.extend(names);
    args.extend(["--as-of", as_of, "--out", "out", "--format", "json"]);
    let out = run(dir.path(), &args);
    assert_eq!(out.code, Some(0), "{}", out.both());
    serde_json::from_str(&out.stdout).expect("json")
}

fn entry<'a>(v: &'a serde_json::Value, n: &str) -> &'a serde_json::Value {
    v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["entry_number"] == n)
        .unwrap_or_else(|| panic!("{n} not planned"))
}

/// Is the entry on a declaration file?
fn declared(v: &serde_json::Value, n: &str) -> bool {
    !entry(v, n)["declaration_file"].is_null()
}

#[test]
fn negative_flags_are_read_as_no_and_an_unreadable_one_sends_the_entry_to_review() {
    let v = plan(&["inputs-flags.csv"], "2026-12-10");
    for n in [
        "C4500000251",
        "C4500000269",
        "C4500000277",
        "C4500000285",
        "C4500000293",
    ] {
        assert_eq!(entry(&v, n)["path"], "cape", "{n}: {}", entry(&v, n));
    }
    // Liquidated 2026-10-05: its CAPE window closes 2026-12-24, within 14 days.
    assert_eq!(entry(&v, "C4500000269")["urgent"], true);
    let unknown = entry(&v, "C4500000392");
    assert_eq!(unknown["path"], "review", "{unknown}");
    assert!(!declared(&v, "C4500000392"));
    assert!(declared(&v, "C4500000269"));
    let flags: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "R015")
        .collect();
    assert_eq!(flags.len(), 1, "{}", v["diagnostics"]);
    assert!(
        flags[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("`See notes` in `Drawback Indicator`")),
        "{}",
        flags[0]
    );
}
