//! Triage reads acceptance strictly: each file under `tests/fixtures/triage/` is a class of claim
//! file on which capekit once gave advice that loses refunds (an entry counted accepted that CBP
//! did not accept, a Validation Result File taken for acceptance, a known message missed for its
//! appended text). Each test runs the real command on the fixture and checks every entry.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use common::{Run, run_with_ledger, written};

const AS_OF: &str = "2026-11-24";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/triage")
        .join(name)
}

/// Runs `capekit triage FIXTURE... --format json` with a ledger of its own; returns the report
/// and the scratch folder (kept alive for the ledger and the outputs).
fn triage(names: &[&str], extra: &[&str]) -> (serde_json::Value, tempfile::TempDir, Run) {
    let dir = tempfile::tempdir().expect("tempdir");
    for n in names {
        std::fs::copy(fixture(n), dir.path().join(n)).expect("copy fixture");
    }
    let ledger = dir.path().join("ledger.sqlite3");
    let mut args = vec!["triage"];
    args.extend_from_slice(names);
    if !extra.contains(&"--as-of") {
        args.extend_from_slice(&["--as-of", AS_OF]);
    }
    args.extend_from_slice(&["--out", "out", "--format", "json"]);
    args.extend_from_slice(extra);
    let out = run_with_ledger(dir.path(), &ledger, &args);
    assert_eq!(out.code, Some(0), "{}", out.both());
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    (v, dir, out)
}

/// Per entry number: (outcome, action) of its worklist or accepted row.
fn by_entry(v: &serde_json::Value) -> HashMap<String, (String, String)> {
    v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["entry_number"].as_str().expect("entry").to_owned(),
                (
                    e["outcome"].as_str().expect("outcome").to_owned(),
                    e["action"].as_str().expect("action").to_owned(),
                ),
            )
        })
        .collect()
}

fn refile(v: &serde_json::Value) -> Vec<String> {
    v["refile"]["entries"]
        .as_array()
        .expect("refile entries")
        .iter()
        .map(|e| e.as_str().expect("entry").to_owned())
        .collect()
}

fn pair(outcome: &str, action: &str) -> (String, String) {
    (outcome.to_owned(), action.to_owned())
}

#[test]
fn a_status_that_contradicts_its_message_is_review_never_accepted() {
    let (v, _dir, _) = triage(&["status-contradicts-message.csv"], &[]);
    let e = by_entry(&v);
    // `Processed` / `Completed` with a rejection message: unknown status, review.
    assert_eq!(e["B7644100003"], pair("rejected", "review"));
    assert_eq!(e["B7644101373"], pair("rejected", "review"));
    // `Accepted` with FINAL LIQUIDATION: they disagree, review.
    assert_eq!(e["B7644102744"], pair("rejected", "review"));
    // `Failed` with ENTRY SUMMARY UPDATED: review, not silently accepted.
    assert_eq!(e["B7644104112"], pair("rejected", "review"));
    // The one row that says accepted and nothing against it.
    assert_eq!(e["B7644105481"], pair("accepted", "none"));
    // Listed both accepted and rejected on one claim: on the worklist, review.
    assert_eq!(e["B7644106851"], pair("rejected", "review"));
    assert_eq!(v["reconciliation"]["accepted"], 1);
    assert!(refile(&v).is_empty(), "nothing doubtful is refiled");
    // The advice of the known message stays in view on a disagreeing row.
    let row = v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|r| r["entry_number"] == "B7644102744")
        .expect("row");
    assert!(
        row["what_to_do"]
            .as_str()
            .expect("text")
            .contains("protest within 180 days"),
        "{row}"
    );
}

#[test]
fn an_entry_status_column_decides_rows_and_claim_status_is_the_claims() {
    let (v, _dir, _) = triage(&["claim-and-entry-status.csv"], &[]);
    let e = by_entry(&v);
    // The entry's own column decides its row; but an acceptance on a claim whose own column says
    // Rejected is contradicted on its row: review, never counted accepted (which would keep the
    // entry off every later declaration).
    assert_eq!(e["B7644100003"], pair("rejected", "review"));
    assert_eq!(e["B7644101373"], pair("rejected", "correct-then-refile"));
    let claim = &v["claims"][0];
    assert_eq!(claim["status"], "Rejected");
    assert_eq!(claim["reported_status"], "Rejected");
    assert_eq!(v["reconciliation"]["accepted"], 0);
}

#[test]
fn a_claim_accepted_with_errors_accepts_its_accepted_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("claim.csv"),
        "Entry Number,Claim Number,Claim Status,Entry Status,Error Description\r\nB7644100003,100000241301,Accepted with Error(s),Entry Summary Updated,\r\nB7644101373,100000241301,Accepted with Error(s),Failed,INVALID HTS\r\n",
    )
    .expect("write");
    let run = common::run(
        dir.path(),
        &[
            "--no-ledger",
            "triage",
            "claim.csv",
            "--as-of",
            AS_OF,
            "--out",
            "out",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.both());
    let v = run.json();
    let e = by_entry(&v);
    assert_eq!(e["B7644100003"], pair("accepted", "none"));
    assert_eq!(e["B7644101373"], pair("rejected", "correct-then-refile"));
    assert_eq!(v["claims"][0]["status"], "Accepted with Error(s)");
}

#[test]
fn a_validation_result_file_never_proves_acceptance() {
    let (v, dir, out) = triage(&["vrf-passed-file-checks.csv"], &[]);
    let e = by_entry(&v);
    assert_eq!(e["B7644100003"], pair("no-claim-yet", "wait-for-claim"));
    assert_eq!(e["B7644101373"], pair("no-claim-yet", "wait-for-claim"));
    assert_eq!(e["B7644102744"], pair("rejected", "review"));
    assert_eq!(e["B7644104112"], pair("rejected", "wrong-filer"));
    assert_eq!(v["reconciliation"]["accepted"], 0);
    assert_eq!(v["reconciliation"]["no_claim_yet"], 2);
    assert!(refile(&v).is_empty());
    // The ledger holds no acceptance: `ledger entry` does not call them accepted, and `check`
    // does not tell the user to delete them (F023).
    let ledger = dir.path().join("ledger.sqlite3");
    let status = run_with_ledger(dir.path(), &ledger, &["ledger", "entry", "B7644100003"]);
    assert!(
        !status.stdout.to_lowercase().contains("accepted on"),
        "{}",
        status.both()
    );
    std::fs::write(
        dir.path().join("again.csv"),
        "Entry Number\r\nB7644100003\r\nB7644101373\r\n",
    )
    .expect("write");
    let check = run_with_ledger(dir.path(), &ledger, &["check", "again.csv"]);
    assert!(!check.stdout.contains("F023"), "{}", check.both());
    drop(out);
}

#[test]
fn a_file_level_error_means_the_whole_upload_failed_and_offers_the_corrected_file() {
    let (v, dir, out) = triage(&["vrf-failed-upload.csv"], &[]);
    let e = by_entry(&v);
    for n in ["B7644100003", "B7644101373", "B7644102744"] {
        assert_eq!(e[n], pair("not-filed", "fix-file"), "{n}");
    }
    assert_eq!(v["claims"][0]["status"], "Failed initial validation");
    assert!(
        v["warnings"][0]
            .as_str()
            .expect("warning")
            .contains("upload it whole as a new declaration"),
        "{v}"
    );
    // The corrected whole file: each entry once, in CBP's upload format.
    let mut entries = refile(&v);
    entries.sort();
    assert_eq!(entries, ["B7644100003", "B7644101373", "B7644102744"]);
    let upload = std::fs::read_to_string(written(&dir.path().join("out"), "refile-", ".csv"))
        .expect("refile");
    assert_eq!(upload.matches("B7644101373").count(), 1, "{upload}");
    drop(out);
}

#[test]
fn known_messages_with_appended_text_keep_their_guidance() {
    let (v, _dir, _) = triage(&["appended-text.csv"], &[]);
    let e = by_entry(&v);
    let rows = v["entries"].as_array().expect("entries");
    let row = |n: &str| {
        rows.iter()
            .find(|r| r["entry_number"] == n)
            .expect("row")
            .clone()
    };
    // FINAL LIQUIDATION with a date: the known rule, both readings' protest dates, earlier first.
    assert_eq!(e["B7644100003"], pair("rejected", "other-path"));
    let fl = row("B7644100003");
    assert_eq!(fl["rule"], "M004");
    let text = fl["what_to_do"].as_str().expect("text");
    let (early, late) = (
        text.find("2026-04-12").expect("100 days"),
        text.find("2026-07-01").expect("180 days"),
    );
    assert!(early < late, "{text}");
    // PROTEST ON ENTRY with its number: known, the number kept.
    let p = row("B7644101373");
    assert_eq!(p["rule"], "M005");
    assert!(
        p["note"].as_str().expect("note").contains("270426100281"),
        "{p}"
    );
    // Two messages after `;`: both known, the one blocking most decides.
    assert_eq!(e["B7644102744"], pair("rejected", "correct-then-refile"));
    // Acceptance is never matched loosely.
    assert_eq!(e["B7644104112"], pair("rejected", "review"));
    // Words appended could reverse the meaning: review.
    assert_eq!(e["B7644105481"], pair("rejected", "review"));
    // A bracketed code is kept (UNABLE TO CALCULATE DUTY is refiled at once).
    assert_eq!(e["B7644106851"], pair("rejected", "refile"));
}

#[test]
fn explain_takes_a_message_with_appended_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run_with_ledger(
        dir.path(),
        &dir.path().join("l.sqlite3"),
        &["explain", "PROTEST ON ENTRY: 270426100281"],
    );
    assert_eq!(out.code, Some(0), "{}", out.both());
    assert!(out.stdout.contains("M005"), "{}", out.stdout);
}

#[test]
fn an_as_of_date_outside_the_catalog_warns() {
    let (v, _dir, _) = triage(&["claim-and-entry-status.csv"], &["--as-of", "2026-03-01"]);
    assert!(
        v["warnings"][0]
            .as_str()
            .expect("warning")
            .contains("before CAPE opened"),
        "{v}"
    );
    let (v, dir, _) = triage(&["claim-and-entry-status.csv"], &["--as-of", "2027-04-01"]);
    assert!(
        v["warnings"][0]
            .as_str()
            .expect("warning")
            .contains("more than 90 days"),
        "{v}"
    );
    // Every report says it, the pages for the importers too.
    let pages: Vec<PathBuf> = std::fs::read_dir(dir.path().join("out"))
        .expect("out")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    assert!(pages.len() >= 2, "{pages:?}");
    for p in pages {
        let html = std::fs::read_to_string(&p).expect("page");
        assert!(html.contains("more than 90 days"), "{}", p.display());
    }
}

/// The dates-decide fixtures in a scratch folder with its ledger.
fn dates_decide_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    for n in [
        "dates-decide-claim.csv",
        "dates-decide-es003.csv",
        "dates-decide-corrected.txt",
    ] {
        std::fs::copy(fixture(n), dir.path().join(n)).expect("copy fixture");
    }
    let ledger = dir.path().join("ledger.sqlite3");
    (dir, ledger)
}

/// `capekit triage` of the dates-decide claim and corrected list, with `extra` arguments.
fn dates_decide_triage(dir: &Path, ledger: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "triage",
        "dates-decide-claim.csv",
        "--corrected",
        "dates-decide-corrected.txt",
        "--as-of",
        AS_OF,
        "--out",
        "out",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = run_with_ledger(dir, ledger, &args);
    assert_eq!(out.code, Some(0), "{}", out.both());
    serde_json::from_str(&out.stdout).expect("json")
}

#[test]
fn with_entry_data_the_dates_decide() {
    let (dir, ledger) = dates_decide_dir();
    let v = dates_decide_triage(
        dir.path(),
        &ledger,
        &["--entries", "dates-decide-es003.csv"],
    );
    assert_dates_decide(&v, dir.path());
}

#[test]
fn the_entry_data_the_ledger_keeps_decides_without_the_export() {
    // `ledger import` of the ES-003 export, then a triage given no entry data: the ledger's
    // record of each entry judges it, and the output says where the data came from.
    let (dir, ledger) = dates_decide_dir();
    let out = run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "ledger",
            "import",
            "dates-decide-es003.csv",
            "--as-of",
            AS_OF,
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.both());
    let v = dates_decide_triage(dir.path(), &ledger, &[]);
    assert_dates_decide(&v, dir.path());
    let warnings = v["warnings"].to_string();
    assert!(
        warnings.contains("judged by the entry data this ledger keeps")
            && warnings.contains("dates-decide-es003.csv"),
        "{warnings}"
    );
    assert!(
        v["refined"]["from_ledger"].as_u64() > Some(0),
        "{}",
        v["refined"]
    );
}

#[test]
fn the_entry_data_a_plan_recorded_decides_a_later_triage() {
    let (dir, ledger) = dates_decide_dir();
    let out = run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "plan",
            "dates-decide-es003.csv",
            "--as-of",
            AS_OF,
            "--out",
            "plan",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.both());
    let v = dates_decide_triage(dir.path(), &ledger, &[]);
    assert_dates_decide(&v, dir.path());
}

#[test]
fn without_a_ledger_or_entry_data_no_date_decides() {
    // The control: the same triage with a fresh ledger refiles the entry whose window closed,
    // so the two tests above fail when the ledger's data is not used.
    let (dir, ledger) = dates_decide_dir();
    let v = dates_decide_triage(dir.path(), &ledger, &[]);
    assert!(refile(&v).contains(&"B7644100003".to_owned()), "{v}");
}

fn assert_dates_decide(v: &serde_json::Value, dir: &Path) {
    let e = by_entry(v);
    // Liquidated 100 days ago: the window has closed, so never on the refile, even listed as
    // corrected; the protest date instead.
    assert_eq!(e["B7644100003"], pair("rejected", "other-path"));
    assert!(refile(v).is_empty(), "{v}");
    assert_eq!(v["refile"]["left_out"][0]["entry_number"], "B7644100003");
    // INVALID HTS on an entry liquidated 170 days ago: no PSC; the protest due in 10 days is
    // on the row, urgent, and the row comes first.
    let rows = v["entries"].as_array().expect("entries");
    assert_eq!(rows[0]["entry_number"], "B7644101373");
    assert_eq!(rows[0]["action"], "review");
    assert_eq!(rows[0]["urgent"], "protest");
    assert!(
        rows[0]["deadlines"]
            .as_array()
            .expect("deadlines")
            .iter()
            .any(|d| d["kind"] == "protest" && d["date"] == "2026-12-04" && d["days_left"] == 10),
        "{}",
        rows[0]
    );
    // FINAL LIQUIDATION on an entry the data says liquidated 50 days ago: flagged, review.
    assert_eq!(e["B7644102744"], pair("rejected", "review"));
    // INVALID HTS, unliquidated but entered more than 300 days ago: the PSC window closed.
    assert_eq!(e["B7644104112"], pair("rejected", "review"));
    // The worklist CSV carries the same deadlines.
    let csv =
        std::fs::read_to_string(written(&dir.join("out"), "worklist-", ".csv")).expect("worklist");
    assert!(
        csv.lines()
            .next()
            .expect("header")
            .ends_with("urgent,next_deadline,deadlines")
    );
    assert!(
        csv.contains("protest due 2026-12-04 (10 days left)"),
        "{csv}"
    );
}

#[test]
fn a_claim_level_status_never_accepts_an_entry() {
    let (v, _dir, _) = triage(&["claim-level-status-only.csv"], &[]);
    let e = by_entry(&v);
    // `Accepted with Error(s)` beside a blank entry status and no message: review.
    assert_eq!(e["B7644100003"], pair("rejected", "review"));
    assert_eq!(e["B7644101373"], pair("rejected", "correct-then-refile"));
    assert_eq!(e["B7644102744"], pair("accepted", "none"));
}

#[test]
fn a_file_level_error_on_a_row_without_an_entry_fails_the_whole_declaration() {
    let dir = tempfile::tempdir().expect("tempdir");
    for n in ["vrf-failed-message-row.csv", "vrf-failed-declaration.csv"] {
        std::fs::copy(fixture(n), dir.path().join(n)).expect("copy fixture");
    }
    let out = run_with_ledger(
        dir.path(),
        &dir.path().join("ledger.sqlite3"),
        &[
            "triage",
            "vrf-failed-message-row.csv",
            "--declaration",
            "vrf-failed-declaration.csv",
            "--as-of",
            AS_OF,
            "--out",
            "out",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.both());
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let e = by_entry(&v);
    // Named without an error, or not named at all: not filed, on the corrected whole file.
    for n in ["B7644100003", "B7644102744", "B7644104112", "B7644105481"] {
        assert_eq!(e[n], pair("not-filed", "fix-file"), "{n}");
    }
    // An entry-level error of its own is kept, and not put on the file blindly.
    assert_eq!(e["B7644101373"], pair("rejected", "review"));
    let mut refile = refile(&v);
    refile.sort();
    assert_eq!(
        refile,
        ["B7644100003", "B7644102744", "B7644104112", "B7644105481"]
    );
    assert_eq!(v["reconciliation"]["not_filed"], 4);
    assert_eq!(v["reconciliation"]["holds"], true);
}

#[test]
fn a_validation_result_file_naming_no_entry_fails_every_declared_entry() {
    // Its only row is the file-level error: no entry is named, none is `missing`.
    let dir = tempfile::tempdir().expect("tempdir");
    for n in ["vrf-failed-no-entry.csv", "vrf-failed-declaration.csv"] {
        std::fs::copy(fixture(n), dir.path().join(n)).expect("copy fixture");
    }
    let out = run_with_ledger(
        dir.path(),
        &dir.path().join("ledger.sqlite3"),
        &[
            "triage",
            "vrf-failed-no-entry.csv",
            "--declaration",
            "vrf-failed-declaration.csv",
            "--as-of",
            AS_OF,
            "--out",
            "out",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.both());
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let e = by_entry(&v);
    for n in [
        "B7644100003",
        "B7644101373",
        "B7644102744",
        "B7644104112",
        "B7644105481",
    ] {
        assert_eq!(e[n], pair("not-filed", "fix-file"), "{n}");
    }
    assert_eq!(v["reconciliation"]["missing"], 0);
    assert_eq!(v["reconciliation"]["not_filed"], 5);
    assert_eq!(refile(&v).len(), 5);
    // The ledger failed the declaration given with it.
    let list = run_with_ledger(
        dir.path(),
        &dir.path().join("ledger.sqlite3"),
        &["ledger", "declarations", "--format", "json"],
    );
    let list: serde_json::Value = serde_json::from_str(&list.stdout).expect("json");
    let states: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|d| d["state"].as_str())
        .collect();
    assert_eq!(states, ["failed", "draft"], "{list}");
}

#[test]
fn a_row_whose_entry_cannot_be_read_stays_on_the_worklist_and_blocks_reconciliation() {
    let (v, dir, out) = triage(&["unreadable-row.csv"], &[]);
    assert_eq!(v["reconciliation"]["unreadable_rows"], 1);
    assert_eq!(v["reconciliation"]["holds"], false);
    let csv = std::fs::read_to_string(written(&dir.path().join("out"), "worklist-", ".csv"))
        .expect("worklist");
    let row = csv
        .lines()
        .find(|l| l.contains("unreadable"))
        .expect("the unreadable row is on the worklist");
    assert!(row.starts_with("6.05761E+10,"), "{row}");
    assert!(row.contains(",review,"), "{row}");
    drop(out);
}

#[test]
fn a_claim_row_without_an_entry_is_an_unreadable_row_never_a_message_about_the_file() {
    // UNABLE TO CALCULATE DUTY and INVALID HTS on rows whose entry cell is empty: two rejected
    // rows whose entry is lost, counted against the reconciliation; not the whole file's word.
    let (v, _dir, _) = triage(&["claim-row-without-entry.csv"], &[]);
    assert_eq!(
        v["reconciliation"]["unreadable_rows"], 2,
        "{}",
        v["reconciliation"]
    );
    assert_eq!(
        v["reconciliation"]["holds"], false,
        "{}",
        v["reconciliation"]
    );
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, ["C001", "C001"], "{codes:?}");
    assert!(v["warnings"].is_null(), "{}", v["warnings"]);
}

#[test]
fn explain_of_an_acceptance_beside_a_rejection_says_review_never_accepted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = common::run(
        dir.path(),
        &[
            "--no-ledger",
            "explain",
            "ENTRY SUMMARY UPDATED; INVALID HTS",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.both());
    let first = out.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("2 CBP messages in this text: M001") && first.contains("review"),
        "{first}"
    );
    assert!(out.stdout.contains("M010 invalid-hts"), "{}", out.stdout);
}

#[test]
fn queued_entries_have_no_outcome_yet_and_their_claim_is_in_process() {
    let (v, _dir, _) = triage(&["queued-statuses.csv"], &[]);
    assert_eq!(v["claims"][0]["status"], "In process", "{}", v["claims"]);
    let e = by_entry(&v);
    let pair = |o: &str, a: &str| (o.to_owned(), a.to_owned());
    for queued in ["B7720000358", "B7720000424", "B7720000499"] {
        assert_eq!(
            e[queued],
            pair("no-claim-yet", "wait-for-claim"),
            "{queued}"
        );
    }
    // Queued, yet a message: the row contradicts itself.
    assert_eq!(e["B7720000283"], pair("rejected", "review"));
    assert_eq!(e["B7720000002"], pair("accepted", "none"));
    assert!(refile(&v).is_empty(), "{:?}", refile(&v));
}

#[test]
fn labelled_text_after_a_known_message_keeps_its_guidance() {
    let (v, _dir, _) = triage(&["labelled-suffixes.csv"], &[]);
    let rule = |n: &str| -> String {
        v["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .find(|e| e["entry_number"] == n)
            .map(|e| e["rule"].as_str().unwrap_or("").to_owned())
            .expect("row")
    };
    assert_eq!(rule("B7720000077"), "M004");
    assert_eq!(rule("B7720000564"), "M009");
    assert_eq!(rule("B7720000218"), "M005");
    let e = by_entry(&v);
    assert_eq!(e["B7720000564"].1, "refile");
}

#[test]
fn semicolon_and_tab_separated_claim_files_are_read() {
    for f in ["semicolon-separated.csv", "unicode-text-tabs.txt"] {
        let (v, _dir, _) = triage(&[f], &[]);
        let e = by_entry(&v);
        assert_eq!(e.len(), 2, "{f}: {e:?}");
        assert_eq!(e["B7720000002"].0, "accepted", "{f}");
        assert_eq!(e["B7720000986"].1, "correct-then-refile", "{f}");
    }
}

#[test]
fn capekits_own_worklist_or_a_claim_file_in_the_wrong_place_is_refused() {
    let (_, dir, _) = triage(&["queued-statuses.csv"], &[]);
    let ledger = dir.path().join("ledger.sqlite3");
    let worklist = written(&dir.path().join("out"), "worklist-", ".csv");
    let worklist = worklist.to_string_lossy();
    let out = run_with_ledger(
        dir.path(),
        &ledger,
        &["triage", &worklist, "--as-of", AS_OF, "--out", "again"],
    );
    assert_eq!(out.code, Some(2), "{}", out.both());
    assert!(
        out.stderr.contains("worklist capekit wrote"),
        "{}",
        out.stderr
    );
    for option in ["--declaration", "--corrected"] {
        let out = run_with_ledger(
            dir.path(),
            &ledger,
            &[
                "triage",
                "queued-statuses.csv",
                option,
                "queued-statuses.csv",
                "--as-of",
                AS_OF,
                "--out",
                "again",
            ],
        );
        assert_eq!(out.code, Some(2), "{option}: {}", out.both());
        assert!(
            out.stderr.contains("this is a Claim Details file"),
            "{option}: {}",
            out.stderr
        );
        assert!(!dir.path().join("again").exists(), "{option}");
    }
}

#[test]
fn a_file_level_error_joined_to_another_by_a_dash_fails_the_upload() {
    let (v, _dir, _) = triage(&["vrf-failed-joined-messages.csv"], &[]);
    assert_eq!(
        v["claims"][0]["status"], "Failed initial validation",
        "{}",
        v["claims"]
    );
    let e = by_entry(&v);
    assert_eq!(e["B7720000002"].0, "not-filed");
    assert_eq!(e["B7720000077"].0, "not-filed");
}

#[test]
fn kept_entry_data_is_as_old_as_its_export_not_as_its_recording() {
    // An export whose file is dated 60 days before the as-of date, imported today: its data
    // is 60 days old, and the triage that takes it from the ledger says so.
    let (dir, ledger) = dates_decide_dir();
    let export = dir.path().join("dates-decide-es003.csv");
    let dated: jiff::Timestamp = "2026-09-25T16:00:00Z".parse().expect("time");
    std::fs::File::options()
        .write(true)
        .open(&export)
        .expect("open")
        .set_modified(std::time::SystemTime::try_from(dated).expect("system time"))
        .expect("set the file's date");
    let out = run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "ledger",
            "import",
            "dates-decide-es003.csv",
            "--as-of",
            AS_OF,
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.both());
    let v = dates_decide_triage(dir.path(), &ledger, &[]);
    let warnings = v["warnings"].to_string();
    assert!(
        warnings.contains("data dated 2026-09-25 by its export files' dates"),
        "{warnings}"
    );
    assert!(warnings.contains("60 days old"), "{warnings}");
}

/// `ledger entry NUMBER --format json`'s action of the entry's latest claim.
fn ledger_action(dir: &Path, ledger: &Path, entry: &str) -> String {
    let out = run_with_ledger(dir, ledger, &["ledger", "entry", entry, "--format", "json"]);
    assert_eq!(out.code, Some(0), "{}", out.both());
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    v["state"]["action"]
        .as_str()
        .unwrap_or_else(|| panic!("no action: {v}"))
        .to_owned()
}

#[test]
fn the_ledger_records_the_action_the_kept_entry_data_decided_and_refile_follows_it() {
    // Plan first (the ledger keeps the entry data), then a triage given no entry data: the
    // worklist judges B7644100003 (liquidated 100 days ago) `other-path`, and so must the ledger,
    // or `refile` would offer an entry CAPE refuses.
    let (dir, ledger) = dates_decide_dir();
    let out = run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "plan",
            "dates-decide-es003.csv",
            "--as-of",
            AS_OF,
            "--out",
            "p",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.both());
    let v = dates_decide_triage(dir.path(), &ledger, &[]);
    assert_eq!(by_entry(&v)["B7644100003"].1, "other-path");
    assert_eq!(
        ledger_action(dir.path(), &ledger, "B7644100003"),
        "other-path"
    );
    let out = run_with_ledger(
        dir.path(),
        &ledger,
        &["refile", "--out", "r", "--as-of", AS_OF, "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert!(
        !v["entries"].to_string().contains("B7644100003"),
        "{}",
        out.both()
    );
}

#[test]
fn refile_judges_each_entry_again_on_the_day_of_the_new_declaration() {
    // Triaged with its entry data while CAPE's window was open (refile), then refiled after it
    // closed: left out, with the protest instead.
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = dir.path().join("ledger.sqlite3");
    std::fs::write(
        dir.path().join("claim.csv"),
        "ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\nB7644100003,100000241223,Failed,UNABLE TO CALCULATE DUTY\r\n",
    )
    .expect("claim");
    std::fs::write(
        dir.path().join("es003.csv"),
        "Entry Summary Number,Entry Type Code,Importer Number,Entry Date,Entry Summary Date,HTS Number - Full,Line Tariff Duty Amount,Liquidation Status,Liquidation Date\r\nB7644100003,01,27-184593000,06/01/2025,06/08/2025,99030125,$500.00,Liquidated,09/05/2026\r\n",
    )
    .expect("es003");
    let out = run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "triage",
            "claim.csv",
            "--entries",
            "es003.csv",
            "--as-of",
            "2026-11-20",
            "--out",
            "t",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.both());
    let refile = written(&dir.path().join("t"), "refile-", ".csv");
    let out = run_with_ledger(
        dir.path(),
        &ledger,
        &["ledger", "discard", &refile.to_string_lossy()],
    );
    assert_eq!(out.code, Some(0), "{}", out.both());
    let out = run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "refile",
            "--out",
            "r",
            "--as-of",
            "2026-12-02",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert!(v["entries"].as_array().is_none_or(Vec::is_empty), "{v}");
    let left = v["left_out"].to_string();
    assert!(
        left.contains("B7644100003") && left.contains("window closed on 2026-11-24"),
        "{left}"
    );
    // As of a day the window was open, it is refiled.
    let out = run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "refile",
            "--out",
            "r2",
            "--as-of",
            "2026-11-20",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(v["entries"][0], "B7644100003", "{}", out.both());
    assert_eq!(v["without_entry_data"], serde_json::json!([]), "{v}");
}

#[test]
fn a_claim_file_given_as_entry_data_is_refused() {
    let (_, dir, _) = triage(&["queued-statuses.csv"], &[]);
    let out = run_with_ledger(
        dir.path(),
        &dir.path().join("ledger.sqlite3"),
        &[
            "triage",
            "queued-statuses.csv",
            "--entries",
            "queued-statuses.csv",
            "--as-of",
            AS_OF,
            "--out",
            "again",
        ],
    );
    assert_eq!(out.code, Some(2), "{}", out.both());
    assert!(
        out.stderr.contains("given with --entries"),
        "{}",
        out.stderr
    );
}

#[test]
fn refile_refuses_a_claim_file_given_as_the_corrected_list() {
    let (_, dir, _) = triage(&["queued-statuses.csv"], &[]);
    let out = run_with_ledger(
        dir.path(),
        &dir.path().join("ledger.sqlite3"),
        &["refile", "--corrected", "queued-statuses.csv", "--out", "r"],
    );
    assert_eq!(out.code, Some(2), "{}", out.both());
    assert!(
        out.stderr.contains("this is a Claim Details file"),
        "{}",
        out.stderr
    );
    assert!(!dir.path().join("r").exists());
}

#[test]
fn a_refund_report_given_as_a_claim_file_is_named_for_what_it_is() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/refunds/rev603_statuses.csv"),
        dir.path().join("rev603.csv"),
    )
    .expect("copy");
    let out = run_with_ledger(
        dir.path(),
        &dir.path().join("l.sqlite3"),
        &["triage", "rev603.csv", "--out", "o"],
    );
    assert_eq!(out.code, Some(2), "{}", out.both());
    assert!(
        out.stderr
            .contains("this is an ACE refund report (REV-603 Trade Refund)"),
        "{}",
        out.stderr
    );
}

#[test]
fn without_a_declaration_the_claim_is_reconciled_against_the_upload_the_ledger_has_it_answer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo");
    for f in ["declaration.csv", "claim-details.csv"] {
        std::fs::copy(demo.join(f), dir.path().join(f)).expect("copy");
    }
    let ledger = dir.path().join("ledger.sqlite3");
    let out = run_with_ledger(
        dir.path(),
        &ledger,
        &["ledger", "uploaded", "declaration.csv"],
    );
    assert_eq!(out.code, Some(0), "{}", out.both());
    let out = run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "triage",
            "claim-details.csv",
            "--as-of",
            AS_OF,
            "--out",
            "out",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.both());
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    // The demo's declaration holds 40 entries, its claim 39.
    assert_eq!(
        v["reconciliation"]["declared"], 40,
        "{}",
        v["reconciliation"]
    );
    assert_eq!(v["reconciliation"]["missing"], 1, "{}", v["reconciliation"]);
    assert!(
        v["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .any(|e| e["outcome"] == "missing"),
        "{v}"
    );
}

#[test]
fn an_empty_declaration_or_corrected_list_is_refused_and_a_pipe_is_read_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(
        d.join("claim.csv"),
        "Claim Number,Entry Number,Entry Status,Message\r\n300000000001,B7644101373,Rejected,INVALID HTS\r\n",
    )
    .expect("write");
    std::fs::write(d.join("empty.csv"), "").expect("write");
    std::fs::write(d.join("header.csv"), "Entry Number\r\n").expect("write");
    std::fs::write(d.join("words.txt"), "hello world\nfoo\n").expect("write");
    for (option, file) in [
        ("--declaration", "empty.csv"),
        ("--declaration", "header.csv"),
        ("--corrected", "empty.csv"),
        ("--corrected", "words.txt"),
    ] {
        let run = common::run(
            d,
            &[
                "--no-ledger",
                "triage",
                "claim.csv",
                option,
                file,
                "--as-of",
                AS_OF,
                "--out",
                "out",
            ],
        );
        assert_eq!(run.code, Some(2), "{option} {file}: {}", run.both());
        assert!(
            run.stderr.contains(file) && run.stderr.contains("lists no entry number"),
            "{}",
            run.stderr
        );
        assert!(!d.join("out").exists(), "an output was written");
    }
    // A corrected list read from a pipe is read once: its entry is corrected, not lost.
    let ledger = d.join("l.sqlite3");
    let out = common::capekit(d, &ledger)
        .args([
            "--no-ledger",
            "triage",
            "claim.csv",
            "--corrected",
            "/dev/stdin",
            "--as-of",
            AS_OF,
            "--out",
            "piped",
            "--format",
            "json",
        ])
        .write_stdin("B7644101373\n")
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(refile(&v), vec!["B7644101373".to_owned()], "{v}");
}

/// Both claims of `two-claims-*.csv` in one ledger, the newer (2026-10-20) read first: the older
/// claim's triage must not refile an entry the newer claim sent to review, whatever order the
/// files were read in, and the ledger's refile follows the newer claim too.
#[test]
fn an_older_claim_read_after_a_newer_one_never_refiles_what_the_newer_one_holds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for n in ["two-claims-newer.csv", "two-claims-older.csv"] {
        std::fs::copy(fixture(n), d.join(n)).expect("copy fixture");
    }
    let ledger = d.join("ledger.sqlite3");
    let triage = |file: &str, out: &str| {
        let r = run_with_ledger(
            d,
            &ledger,
            &[
                "triage", file, "--out", out, "--as-of", AS_OF, "--format", "json",
            ],
        );
        assert_eq!(r.code, Some(0), "{}", r.both());
        serde_json::from_str::<serde_json::Value>(&r.stdout).expect("json")
    };
    triage("two-claims-newer.csv", "out-newer");
    let older = triage("two-claims-older.csv", "out-older");
    // T1100000046: `Processed` (review) on the newer claim, UNABLE TO CALCULATE DUTY on the
    // older one.
    assert!(
        !refile(&older).contains(&"T1100000046".to_owned()),
        "{}",
        older["refile"]
    );
    let left_out = older["refile"]["left_out"].to_string();
    assert!(
        left_out.contains("T1100000046") && left_out.contains("100000300062"),
        "the refile list says which claim holds it: {left_out}"
    );
    // The ledger places the older claim before the newer one: its answer is the newer's.
    let entry = run_with_ledger(d, &ledger, &["ledger", "entry", "T1100000046"]);
    assert!(
        entry
            .stdout
            .starts_with("T1100000046: not accepted on claim 100000300062"),
        "{}",
        entry.both()
    );
}

/// One triage of both claims: an entry whose refile row another claim holds back is named on
/// the refile list with that claim, so that the count of refile rows is never left unexplained.
/// The newer claim (2026-10-20) decides, as in the ledger: T1100000038, INVALID HTS on the
/// older claim and UNABLE TO CALCULATE DUTY on the newer one, is refiled.
#[test]
fn a_refile_row_held_back_by_another_claim_is_named_with_that_claim() {
    let (v, _dir, _) = triage(&["two-claims-newer.csv", "two-claims-older.csv"], &[]);
    assert_eq!(
        refile(&v),
        vec!["T1100000038".to_owned()],
        "{}",
        v["refile"]
    );
    let left_out = v["refile"]["left_out"].to_string();
    assert!(!left_out.contains("T1100000038"), "{left_out}");
    assert!(
        left_out.contains("T1100000046")
            && left_out.contains("claim 100000300062's answer asks for `review`"),
        "{left_out}"
    );
}

/// Two entry number columns naming different entries on a row: the file is refused, naming
/// both columns and values (the second column's entry was dropped without a word).
#[test]
fn two_entry_columns_that_disagree_refuse_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = "two-entry-columns.csv";
    std::fs::copy(fixture(name), dir.path().join(name)).expect("copy fixture");
    let r = run_with_ledger(
        dir.path(),
        &dir.path().join("ledger.sqlite3"),
        &["triage", name, "--out", "out", "--as-of", AS_OF],
    );
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(
        r.stderr
            .contains("`Entry Number` (column 1) and `Entry Number` (column 5)")
            && r.stderr.contains("T1100000012")
            && r.stderr.contains("T1100000020"),
        "{}",
        r.stderr
    );
    assert!(!dir.path().join("out").exists(), "nothing written");
}

/// `Entry Level Status` is the entry's own status column: the claim's `Claim Status` is the
/// claim's, and an entry whose own status says updated is accepted.
#[test]
fn an_entry_level_status_column_is_read_as_the_entrys_status() {
    let (v, _dir, _) = triage(&["entry-level-status.csv"], &[]);
    let e = by_entry(&v);
    assert_eq!(e["T1100000152"], pair("accepted", "none"));
    assert_eq!(e["T1100000178"], pair("accepted", "none"));
    assert_eq!(e["T1100000160"], pair("rejected", "correct-then-refile"));
    assert_eq!(v["claims"][0]["status"], "Accepted with Error(s)");
}

/// `capekit triage CLAIM --entries ES003 --as-of 2026-11-15` with `extra` arguments, in a
/// scratch folder with its ledger; `files` are further fixtures to copy there.
fn triage_with_entries(
    claim: &str,
    es003: &str,
    files: &[(&str, &str)],
    extra: &[&str],
) -> (serde_json::Value, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    for n in [claim, es003] {
        std::fs::copy(fixture(n), dir.path().join(n)).expect("copy fixture");
    }
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let ledger = dir.path().join("ledger.sqlite3");
    let mut args = vec![
        "triage",
        claim,
        "--entries",
        es003,
        "--as-of",
        "2026-11-15",
        "--out",
        "out",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = run_with_ledger(dir.path(), &ledger, &args);
    assert_eq!(out.code, Some(0), "{}", out.both());
    (serde_json::from_str(&out.stdout).expect("json"), dir)
}

/// The worklist row of `entry` in a triage report.
fn row<'a>(v: &'a serde_json::Value, entry: &str) -> &'a serde_json::Value {
    v["entries"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["entry_number"] == entry))
        .unwrap_or_else(|| panic!("{entry} not in {v}"))
}

/// `(kind, date, days_left)` of each deadline of a row, in its order.
fn deadlines(row: &serde_json::Value) -> Vec<(String, String, i64)> {
    row["deadlines"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| {
                    (
                        d["kind"].as_str().unwrap_or("").to_owned(),
                        d["date"].as_str().unwrap_or("").to_owned(),
                        d["days_left"].as_i64().unwrap_or(i64::MIN),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_final_liquidation_date_of_unknown_meaning_carries_both_readings_and_the_court() {
    let (v, dir, _) = triage(&["final-liquidation-dated.csv"], &["--as-of", "2026-11-15"]);
    // 05/25/2026: the earlier reading passed 74 days ago, the later one is 6 days off.
    let r = row(&v, "T1200000011");
    let d = deadlines(r);
    assert_eq!(
        d[..2],
        [
            ("protest".to_owned(), "2026-09-02".to_owned(), -74),
            ("protest".to_owned(), "2026-11-21".to_owned(), 6)
        ],
        "{r}"
    );
    assert_eq!(r["urgent"], "protest", "{r}");
    let todo = r["what_to_do"].as_str().unwrap_or("");
    assert!(todo.contains("passed 74 days ago"), "{todo}");
    assert!(!todo.contains("Count on 2026-09-02"), "{todo}");
    // It sorts first, above the rows with no deadline.
    assert_eq!(v["entries"][0]["entry_number"], "T1200000011", "{v}");
    // 03/01/2026: both protest dates passed; the court route with its date.
    let r = row(&v, "T1200000037");
    let todo = r["what_to_do"].as_str().unwrap_or("");
    assert!(todo.contains("Court of International Trade"), "{todo}");
    assert!(!todo.contains("File a protest"), "{todo}");
    assert!(
        deadlines(r)
            .iter()
            .any(|(k, d, _)| k == "court-1581i" && d == "2027-02-01"),
        "{r}"
    );
    // The worklist CSV shows the same deadlines.
    let csv = std::fs::read_to_string(dir.path().join("out/worklist-100000300051-2026-11-15.csv"))
        .expect("worklist");
    let line = csv
        .lines()
        .find(|l| l.starts_with("T1200000011"))
        .expect("row");
    assert!(
        line.contains("protest due 2026-09-02 (passed); protest due 2026-11-21 (6 days left)"),
        "{line}"
    );
}

#[test]
fn with_entry_data_every_deadline_is_on_the_row_and_the_recon_flag_is_review() {
    let (v, dir) =
        triage_with_entries("broker-dates-claim.csv", "broker-dates-es003.csv", &[], &[]);
    // A reconciliation flag: review until the user says no type 09 was filed; no PSC date.
    let r = row(&v, "T1200000086");
    assert_eq!(r["action"], "review", "{r}");
    assert!(
        r["what_to_do"]
            .as_str()
            .unwrap_or("")
            .contains("before any type 09 is filed"),
        "{r}"
    );
    assert!(deadlines(r).iter().all(|(k, _, _)| k != "psc"), "{r}");
    // On the CAPE route, the protest and court dates are on the row, not only in the note.
    for (entry, protest) in [("T1200000052", "2027-02-24"), ("T1200000193", "2027-02-28")] {
        let d = deadlines(row(&v, entry));
        assert!(
            d.iter().any(|(k, _, _)| k == "cape-window"),
            "{entry}: {d:?}"
        );
        assert!(
            d.iter().any(|(k, x, _)| k == "protest" && x == protest),
            "{entry}: {d:?}"
        );
        assert!(
            d.iter().any(|(k, _, _)| k == "court-1581i"),
            "{entry}: {d:?}"
        );
    }
    // "Unliquidated" more than a year after entry on the PSC path: both readings, review.
    let r = row(&v, "T1200000029");
    assert_eq!(r["action"], "review", "{r}");
    let todo = r["what_to_do"].as_str().unwrap_or("");
    assert!(
        todo.contains("1504(a)") && todo.contains("read as unliquidated"),
        "{todo}"
    );
    // The report shows every deadline of a row, as the worklist files do.
    let html = std::fs::read_to_string(dir.path().join("out/report-100000300010-2026-11-15.html"))
        .expect("report");
    assert!(
        html.contains("CAPE window closes 2026-11-16 (1 day left)<br>protest due 2027-02-24"),
        "{html}"
    );
}

#[test]
fn with_corrected_a_recon_flagged_entry_is_refiled() {
    // Listing the entry as corrected is the user's word that no type 09 was filed.
    let (v, _dir) = triage_with_entries(
        "broker-dates-claim.csv",
        "broker-dates-es003.csv",
        &[("corrected.txt", "T1200000086\n")],
        &["--corrected", "corrected.txt"],
    );
    assert_eq!(row(&v, "T1200000086")["action"], "correct-then-refile");
    assert!(refile(&v).contains(&"T1200000086".to_owned()), "{v}");
}

#[test]
fn an_entry_not_in_the_entry_data_given_is_named() {
    let (v, _dir) = triage_with_entries(
        "entry-not-in-data-claim.csv",
        "entry-not-in-data-es003.csv",
        &[],
        &[],
    );
    let note = row(&v, "T1200000045")["note"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert!(note.contains("not in the entry data given"), "{note}");
    assert!(!note.contains("give the ES-003 export with"), "{note}");
}

/// CBP's message under `Error Code Description` is read as the message (it was dropped, and the
/// row said it had none); a second message-like column is named, never passed over.
#[test]
fn a_message_column_under_another_name_is_read_and_an_unread_one_is_named() {
    let (v, _dir, _) = triage(&["error-code-description.csv"], &["--as-of", "2026-11-01"]);
    let row = v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|r| r["entry_number"] == "T1100000012")
        .expect("row");
    assert_eq!(
        row["message"], "ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS",
        "{row}"
    );
    let (v, _dir, _) = triage(&["unread-message-column.csv"], &[]);
    let found = v["diagnostics"].to_string();
    assert!(
        found.contains("C008") && found.contains("Error Remarks Extra"),
        "{found}"
    );
}

/// The actions and what-to-do texts of an entry's rows, by claim.
fn rows_by_claim(v: &serde_json::Value, entry: &str) -> HashMap<String, (String, String)> {
    v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["entry_number"] == entry)
        .map(|e| {
            (
                e["claim_number"].as_str().unwrap_or("").to_owned(),
                (
                    e["action"].as_str().expect("action").to_owned(),
                    e["what_to_do"].as_str().expect("what_to_do").to_owned(),
                ),
            )
        })
        .collect()
}

/// Three dated claims of one broker in one triage, the newest file first: the latest-dated
/// claim's answer decides for each entry, as when the claims are triaged one by one into one
/// ledger. T1300000028: PROTEST ON ENTRY (09/01/2026), INVALID HTS (2026-10-01), UNABLE TO
/// CALCULATE DUTY (10/20/2026), so it is refiled; T1300000010's latest answer is a final
/// liquidation, so its older refile row takes that action.
#[test]
fn the_latest_dated_claim_decides_whatever_order_the_files_come_in() {
    let files = [
        "later-claim-c.csv",
        "later-claim-a.csv",
        "later-claim-b.csv",
    ];
    for order in [[0, 1, 2], [1, 2, 0]] {
        let names: Vec<&str> = order.iter().map(|&i| files[i]).collect();
        let (v, _dir, _) = triage(&names, &["--as-of", "2026-11-05"]);
        assert_eq!(
            refile(&v),
            vec!["T1300000028".to_owned()],
            "{}",
            v["refile"]
        );
        let rows = rows_by_claim(&v, "T1300000028");
        assert_eq!(rows["100000300703"].0, "refile", "{rows:?}");
        for older in ["100000300701", "100000300702"] {
            let (action, todo) = &rows[older];
            assert_eq!(action, "refile", "{older}: {rows:?}");
            assert!(
                todo.contains("claim 100000300703 (2026-10-20) decides"),
                "{older}: {todo}"
            );
        }
        let rows = rows_by_claim(&v, "T1300000010");
        for (claim, (action, _)) in &rows {
            assert_eq!(action, "other-path", "{claim}: {rows:?}");
        }
        let left_out = v["refile"]["left_out"].to_string();
        assert!(
            left_out.contains("T1300000010")
                && left_out.contains("claim 100000300703's answer asks for `other-path`"),
            "{left_out}"
        );
        assert!(!left_out.contains("T1300000028"), "{left_out}");
    }
}

/// An older claim triaged after a newer one into one ledger: the row of the entry the newer
/// claim sent to review carries `review`, never `refile`, in the CSV worklist and
/// the summary's counts, so that a clerk filtering on the action resubmits nothing held back.
/// Its what-to-do keeps the explanation.
#[test]
fn a_row_the_ledger_holds_off_the_refile_list_never_says_refile() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for n in ["two-claims-newer.csv", "two-claims-older.csv"] {
        std::fs::copy(fixture(n), d.join(n)).expect("copy fixture");
    }
    let ledger = d.join("ledger.sqlite3");
    let triage = |file: &str, out: &str, format: &str| {
        let r = run_with_ledger(
            d,
            &ledger,
            &[
                "triage", file, "--out", out, "--as-of", AS_OF, "--format", format,
            ],
        );
        assert_eq!(r.code, Some(0), "{}", r.both());
        r
    };
    triage("two-claims-newer.csv", "out-newer", "json");
    let text = triage("two-claims-older.csv", "out-older", "text");
    assert!(text.stdout.contains("review "), "{}", text.stdout);
    let csv = std::fs::read_to_string(written(&d.join("out-older"), "worklist-", ".csv"))
        .expect("worklist");
    let line = csv
        .lines()
        .find(|l| l.starts_with("T1100000046,"))
        .expect("worklist row");
    assert!(
        line.contains(
            ",review,\"Not on the new declaration: rejected on claim 100000300062 with no message"
        ),
        "{line}"
    );
    assert!(
        !text
            .stdout
            .lines()
            .any(|l| l.trim_start().starts_with("refile ")),
        "no row counted under refile: {}",
        text.stdout
    );
}

/// A Validation Result File and a Claim Details sheet in one workbook: the claim's answer for
/// 60576069342 (UNABLE TO CALCULATE DUTY) supersedes the Validation Result File's "passed file
/// checks; no claim yet", so the entry is refiled and the file's row asks for no wait.
#[test]
fn a_claims_answer_supersedes_the_validation_result_files_no_claim_yet() {
    let (v, _dir, _) = triage(&["claim-beside-vrf.xlsx"], &["--as-of", "2026-11-01"]);
    assert_eq!(
        refile(&v),
        vec!["60576069342".to_owned()],
        "{}",
        v["refile"]
    );
    let rows = rows_by_claim(&v, "60576069342");
    assert_eq!(rows["100000300301"].0, "refile", "{rows:?}");
    let (action, todo) = &rows["validation claim-beside-vrf.xlsx"];
    assert_eq!(action, "refile", "{rows:?}");
    assert!(
        todo.contains("Claim 100000300301 answered this entry"),
        "{todo}"
    );
    // An entry no claim answers still waits for its claim.
    assert_eq!(
        by_entry(&v)["00100000033"],
        pair("no-claim-yet", "wait-for-claim")
    );
}
