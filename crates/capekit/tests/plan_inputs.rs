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
    for n in ["C4500000251", "C4500000269", "C4500000277", "C4500000285"] {
        assert_eq!(entry(&v, n)["path"], "cape", "{n}: {}", entry(&v, n));
    }
    // `Not Flagged` is no recon flag (no P006); the entry is of type 03, an AD/CVD entry not
    // liquidated whose AD/CVD state the file does not give: review (P031), never declared.
    let t03 = entry(&v, "C4500000293");
    assert_eq!(t03["path"], "review", "{t03}");
    assert_eq!(t03["reasons"][0], "P031", "{t03}");
    assert!(!t03["reasons"].to_string().contains("P006"), "{t03}");
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

#[test]
fn columns_under_other_names_are_read_so_a_refunded_entry_is_not_declared_again() {
    // `Liquidation Reason Description`, `Drawback Claim Nbr`, `AD/CVD Case Number`.
    let v = plan(&["inputs-hdr2.csv"], "2026-12-10");
    assert_eq!(entry(&v, "C4500000053")["path"], "done");
    assert_eq!(entry(&v, "C4500000087")["path"], "later-phase");
    assert_eq!(entry(&v, "C4500000095")["path"], "review");
    for n in ["C4500000053", "C4500000087", "C4500000095"] {
        assert!(!declared(&v, n), "{n} declared");
    }
    // `Tariff Number - Full`, `Line Tariff Duty Amt`, `Entry Date (MM/DD/YYYY)`,
    // `Importer of Record`, `Liq Reason Desc`.
    let v = plan(&["inputs-hdr1.csv"], "2026-12-10");
    assert_eq!(entry(&v, "C4500000053")["path"], "done");
    assert_eq!(entry(&v, "C4500000061")["path"], "not-refundable");
    let notes = entry(&v, "C4500000087")["notes"].to_string();
    for column in ["HTS Number - Full", "Line Tariff Duty Amount", "Entry Date"] {
        assert!(
            !notes.contains(&format!("`{column}` not in the file")),
            "{notes}"
        );
    }
}

#[test]
fn every_column_not_read_is_named_once_with_what_is_missing() {
    let v = plan(&["inputs-unread.csv"], "2026-12-10");
    let unread: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "R016")
        .collect();
    assert_eq!(unread.len(), 1, "{}", v["diagnostics"]);
    let m = unread[0]["message"].as_str().expect("message");
    assert!(m.contains("`Tariff No. Full` (C)"), "{m}");
    assert!(m.contains("`HTS Number - Full`"), "{m}");
}

#[test]
fn an_entry_in_two_files_that_disagree_is_read_from_the_newer_and_not_declared() {
    // The old export (run 2026-06-01) says unliquidated; the new one (2026-12-03) liquidated
    // 2026-06-13, protest due 2026-12-10. Named in either order.
    for names in [
        ["inputs-two-old.csv", "inputs-two-new.csv"],
        ["inputs-two-new.csv", "inputs-two-old.csv"],
    ] {
        let v = plan(&names, "2026-12-03");
        let e = entry(&v, "C4500000053");
        assert_eq!(e["path"], "review", "{names:?}: {e}");
        assert!(!declared(&v, "C4500000053"), "{names:?}");
        assert_eq!(e["urgent"], true, "{names:?}: {e}");
        assert_eq!(e["protest_due"]["date"], "2026-12-10", "{names:?}: {e}");
        let dup = v["diagnostics"]
            .as_array()
            .and_then(|d| d.iter().find(|d| d["code"] == "R011"))
            .expect("R011");
        assert_eq!(dup["file"], "inputs-two-old.csv", "{names:?}");
        let m = dup["message"].as_str().expect("message");
        for said in [
            "inputs-two-new.csv (line 3)",
            "newer",
            "`Liquidation Status` `Unliquidated` here, `Liquidated` there",
            "`Liquidation Date` `(blank)` here, `2026-06-13` there",
        ] {
            assert!(m.contains(said), "{names:?}: {said}: {m}");
        }
    }
}
