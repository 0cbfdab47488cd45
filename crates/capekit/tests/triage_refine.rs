//! Triage re-judged with entry data (`--entries`): the dates the ES-003 export gives decide
//! what CBP's message means for each entry. Each test runs the real command on a broker's
//! claim file and export under `tests/fixtures/triage/refine-*` and checks the advice of the
//! entries whose dates once led it astray.

mod common;

use std::path::{Path, PathBuf};

use common::run;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/triage")
        .join(name)
}

/// Runs `capekit --no-ledger triage ARGS --out out --format json` in a scratch folder holding
/// the fixtures `names`; returns the report.
fn triage(names: &[&str], args: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("tempdir");
    for n in names {
        std::fs::copy(fixture(n), dir.path().join(n)).expect("copy fixture");
    }
    let mut all = vec!["--no-ledger", "triage"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", "out", "--format", "json"]);
    let out = run(dir.path(), &all);
    assert_eq!(out.code, Some(0), "{}", out.both());
    out.json()
}

/// The e2 claim file and its export, as of 2026-11-05.
fn e2() -> serde_json::Value {
    triage(
        &["refine-e2-claim.csv", "refine-e2-es003.csv"],
        &[
            "refine-e2-claim.csv",
            "--entries",
            "refine-e2-es003.csv",
            "--as-of",
            "2026-11-05",
        ],
    )
}

fn row<'a>(v: &'a serde_json::Value, entry: &str) -> &'a serde_json::Value {
    v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["entry_number"] == entry)
        .unwrap_or_else(|| panic!("no row for {entry}"))
}

fn text(r: &serde_json::Value, key: &str) -> String {
    r[key].as_str().unwrap_or("").to_owned()
}

#[test]
fn trade_control_inside_the_cape_window_never_says_protest_meanwhile() {
    // Liquidated 2026-09-01: CAPE's window closes 2026-11-20. A protest filed now would make
    // CAPE refuse the entry (PROTEST ON ENTRY).
    let v = e2();
    let r = row(&v, "T1300000135");
    assert_eq!(r["action"], "review");
    let t = text(r, "what_to_do");
    assert!(!t.contains("meanwhile file a protest"), "{t}");
    assert!(t.contains("Do not file a protest"), "{t}");
    assert!(t.contains("PROTEST ON ENTRY"), "{t}");
    let window = t.find("2026-11-20").expect("the window's date");
    let protest = t.find("by 2027-02-28").expect("the protest date");
    assert!(window < protest, "the window comes first: {t}");
}

#[test]
fn a_refile_on_the_last_day_of_its_window_says_so_with_the_protest_fallback() {
    let v = e2();
    let r = row(&v, "T1300000010");
    assert_eq!(r["action"], "refile");
    assert_eq!(r["urgent"], "cape-window");
    let t = text(r, "what_to_do");
    assert!(t.contains("2026-11-05 (last day)"), "{t}");
    assert!(t.contains("upload the new declaration today"), "{t}");
    assert!(t.contains("CBP must process it by 2026-11-05"), "{t}");
    assert!(
        t.contains("file a protest (19 USC 1514) by 2027-02-13"),
        "{t}"
    );
    assert!(
        v["refile"]["entries"]
            .as_array()
            .expect("refile")
            .iter()
            .any(|e| e == "T1300000010"),
        "{}",
        v["refile"]
    );
}

#[test]
fn a_corrected_refile_with_one_day_left_says_so_with_the_protest_fallback() {
    let v = triage(
        &[
            "refine-k2-claim.csv",
            "refine-k2-es003.csv",
            "refine-k2-corrected.csv",
        ],
        &[
            "refine-k2-claim.csv",
            "--entries",
            "refine-k2-es003.csv",
            "--corrected",
            "refine-k2-corrected.csv",
            "--as-of",
            "2026-11-05",
        ],
    );
    assert!(
        v["refile"]["entries"]
            .as_array()
            .expect("refile")
            .iter()
            .any(|e| e == "T1300000036"),
        "{}",
        v["refile"]
    );
    let r = row(&v, "T1300000036");
    assert_eq!(r["urgent"], "cape-window");
    let t = text(r, "what_to_do");
    assert!(t.contains("listed as corrected"), "{t}");
    assert!(t.contains("2026-11-06 (1 day left)"), "{t}");
    assert!(t.contains("upload the new declaration today"), "{t}");
    assert!(
        t.contains("file a protest (19 USC 1514) by 2027-02-14"),
        "{t}"
    );
    assert!(
        !text(r, "note").contains("if it cannot be retried in time"),
        "{}",
        text(r, "note")
    );
}

#[test]
fn no_ieepa_hts_is_judged_from_the_entry_data_given() {
    let v = e2();
    // Its only dutiable line is 9903.88.01 (Section 301): the data agrees with CBP.
    let r = row(&v, "T1300000127");
    assert_eq!(r["action"], "not-refundable");
    let t = text(r, "what_to_do");
    assert!(!t.contains("--entries"), "{t}");
    assert!(t.contains("unconfirmed"), "{t}");
    assert!(t.contains("agrees"), "{t}");
    assert!(t.contains("Section 301"), "{t}");
    assert!(t.contains("ACE"), "{t}");
    // A dutiable 9903.01.25 line: the two disagree.
    let r = row(&v, "T1300000119");
    assert_eq!(r["action"], "review");
    assert!(
        text(r, "what_to_do").contains("disagree"),
        "{}",
        text(r, "what_to_do")
    );
}
