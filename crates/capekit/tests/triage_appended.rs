//! CBP's texts as they come: a file-level message joined to its reason by a colon, or followed by
//! words capekit does not read; a file-level message in a Validation Result File's status
//! column; known messages with a label and value or free words appended; unconfirmed messages;
//! and a file with an empty claim number column. Each test runs the real command on a fixture
//! under `tests/fixtures/triage/`.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use common::{Run, run_with_ledger};

const AS_OF: &str = "2026-11-15";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/triage")
        .join(name)
}

/// Runs `capekit triage FIXTURE --format json` (with `extra`) in a scratch folder with a ledger
/// of its own; returns the report, the folder and the ledger.
fn triage(name: &str, extra: &[&str]) -> (serde_json::Value, tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(fixture(name), dir.path().join(name)).expect("copy fixture");
    for f in extra.iter().filter(|f| f.ends_with(".csv")) {
        std::fs::copy(fixture(f), dir.path().join(f)).expect("copy fixture");
    }
    let ledger = dir.path().join("ledger.sqlite3");
    let mut args = vec!["triage", name, "--as-of", AS_OF, "--out", "out"];
    args.extend_from_slice(&["--format", "json"]);
    args.extend_from_slice(extra);
    let out = run_with_ledger(dir.path(), &ledger, &args);
    assert_eq!(out.code, Some(0), "{}", out.both());
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    (v, dir, ledger)
}

fn rows(v: &serde_json::Value) -> HashMap<String, serde_json::Value> {
    v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["entry_number"].as_str().expect("entry").to_owned(),
                e.clone(),
            )
        })
        .collect()
}

fn explain(text: &str) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    run_with_ledger(
        dir.path(),
        &dir.path().join("l.sqlite3"),
        &["explain", text],
    )
}

#[test]
fn a_file_level_message_joined_by_a_colon_fails_the_upload() {
    for (name, entries) in [
        ("vrf-failed-colon.csv", &["T1100000228", "T1100000236"][..]),
        ("vrf-failed-colon-appended.csv", &["T1100000228"][..]),
        ("vrf-failed-unread-text.csv", &["T1100000228"][..]),
    ] {
        let (v, _dir, _) = triage(name, &[]);
        assert_eq!(
            v["claims"][0]["status"], "Failed initial validation",
            "{name}"
        );
        assert_eq!(v["failed_uploads"][0], name, "{name}");
        let rows = rows(&v);
        for e in entries {
            assert_eq!(rows[*e]["outcome"], "not-filed", "{name} {e}");
            assert_eq!(rows[*e]["action"], "fix-file", "{name} {e}");
        }
        assert_eq!(v["reconciliation"]["unreadable_rows"], 0, "{name}");
        let refile: Vec<&str> = v["refile"]["entries"]
            .as_array()
            .expect("refile")
            .iter()
            .map(|e| e.as_str().expect("entry"))
            .collect();
        assert_eq!(refile, entries, "{name}");
    }
    // With its declaration: every declared entry is not filed, none missing.
    let (v, _dir, _) = triage(
        "vrf-failed-colon.csv",
        &["--declaration", "vrf-failed-colon-declaration.csv"],
    );
    assert_eq!(
        v["reconciliation"]["not_filed"], 2,
        "{}",
        v["reconciliation"]
    );
    assert_eq!(v["reconciliation"]["no_claim_yet"], 0);
    // Words capekit does not read after the file-level message stay in view.
    let (v, _dir, _) = triage("vrf-failed-unread-text.csv", &[]);
    assert!(
        v["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .any(|w| w.as_str().is_some_and(|w| w.contains("`SEE ATTACHED`"))),
        "{}",
        v["warnings"]
    );
}

#[test]
fn explain_reads_a_colon_like_a_dash_and_a_rule_once() {
    for text in [
        "FAILED INITIAL VALIDATION: NOT A CSV FILE",
        "FAILED INITIAL VALIDATION - header row missing",
    ] {
        let out = explain(text);
        assert_eq!(out.code, Some(0), "{text}: {}", out.both());
        assert!(out.stdout.starts_with("M025 "), "{text}: {}", out.stdout);
        assert_eq!(
            out.stdout.matches("M025 file-failed-validation").count(),
            1,
            "{text}: {}",
            out.stdout
        );
        assert!(
            !out.stdout.contains("CBP messages in this text"),
            "{}",
            out.stdout
        );
    }
}

#[test]
fn a_file_level_message_in_the_status_column_fails_the_upload() {
    let (v, _dir, _) = triage("vrf-failed-status-column.csv", &[]);
    assert_eq!(v["claims"][0]["status"], "Failed initial validation");
    for (e, row) in rows(&v) {
        assert_eq!(row["outcome"], "not-filed", "{e}");
        assert_eq!(row["action"], "fix-file", "{e}");
        assert!(
            !row["what_to_do"]
                .as_str()
                .expect("text")
                .contains("does not know the status"),
            "{row}"
        );
    }
}

#[test]
fn known_messages_with_labelled_or_free_text_appended() {
    let (v, _dir, _) = triage("appended-free-text.csv", &[]);
    let rows = rows(&v);
    let is = |e: &str, action: &str, rule: Option<&str>| {
        let r = &rows[e];
        assert_eq!(r["action"], action, "{e}: {r}");
        assert_eq!(r["rule"].as_str(), rule, "{e}: {r}");
        assert_eq!(r["outcome"], "rejected", "{e}: {r}");
    };
    // A label and its value: read, the known message's action.
    is("T1200000250", "retry-later", Some("M008"));
    is("T1200000268", "other-path", Some("M005"));
    assert!(
        rows["T1200000268"]["note"]
            .as_str()
            .is_some_and(|n| n.contains("270426100281")),
        "{}",
        rows["T1200000268"]
    );
    is("T1200000276", "wrong-filer", Some("M015"));
    is("T1200000300", "correct-then-refile", Some("M010"));
    is("T1100000012", "correct-then-refile", Some("M010"));
    is("T1100000020", "correct-then-refile", Some("M010"));
    // Free words: review, the known message's guidance kept, the words quoted.
    for (e, words, code) in [
        ("T1200000284", "pending", "M007"),
        ("T1200000292", "retry", "M009"),
    ] {
        is(e, "review", None);
        let text = rows[e]["what_to_do"].as_str().expect("text");
        assert!(
            text.contains(&format!(
                "CBP added text capekit does not read: `{words}` - read it in ACE before acting"
            )),
            "{text}"
        );
        assert!(text.contains(code), "{text}");
        assert!(
            !v["refile"]["entries"]
                .as_array()
                .expect("refile")
                .iter()
                .any(|r| r == e)
        );
    }
    let guidance = capekit_core::catalog::judge(
        "ENTRY SUMMARY IS IN TRADE CONTROL",
        "2026-11-15".parse().expect("date"),
    )
    .what_to_do;
    assert!(
        rows["T1200000284"]["what_to_do"]
            .as_str()
            .expect("text")
            .contains(&guidance),
        "the trade control guidance is kept: {}",
        rows["T1200000284"]
    );
    // Acceptance is never matched loosely.
    is("T1100000038", "review", None);

    // `explain` takes such text the same way.
    let out = explain("ENTRY SUMMARY IS IN TRADE CONTROL - pending");
    assert_eq!(out.code, Some(0), "{}", out.both());
    assert!(
        out.stdout.contains(
            "CBP added text capekit does not read: `pending` - read it in ACE before acting"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("M007 trade-control"), "{}", out.stdout);
    assert!(out.stdout.contains("review"), "{}", out.stdout);
    for text in [
        "STATEMENT PROCESSING NOT COMPLETE - STATEMENT 270126M",
        "PROTEST ON ENTRY - Protest No. 270426100281 filed 03/02/2026",
        "ACCOUNT MISMATCH - IOR 27-184593000",
        "UNABLE TO CALCULATE DUTY - retry",
        "Error: INVALID HTS",
        "INVALID HTS. HTS RELATIONSHIP MISMATCH",
        "INVALID HTS / LINE 3",
    ] {
        let out = explain(text);
        assert_eq!(out.code, Some(0), "{text}: {}", out.both());
    }
    // CBP's acceptance with text appended is never read as accepted: explain says review.
    let out = explain("ENTRY SUMMARY UPDATED - pending");
    assert_eq!(out.code, Some(0), "{}", out.both());
    assert!(
        out.stdout.contains("never reads it as accepted"),
        "{}",
        out.stdout
    );
}

#[test]
fn unconfirmed_messages_without_entry_data_are_review_and_say_so() {
    let (v, _dir, _) = triage("unconfirmed-messages.csv", &[]);
    let rows = rows(&v);
    for (e, rule) in [
        ("T1100000012", "M017"),
        ("T1100000020", "M022"),
        ("T1100000038", "M023"),
    ] {
        let r = &rows[e];
        assert_eq!(r["action"], "review", "{e}: {r}");
        assert_eq!(r["rule"], rule, "{e}");
        let text = r["what_to_do"].as_str().expect("text");
        assert!(text.starts_with("Unconfirmed message"), "{e}: {text}");
        assert!(text.contains("What decides"), "{e}: {text}");
    }
    assert!(
        rows["T1100000012"]["what_to_do"]
            .as_str()
            .expect("text")
            .contains("ES-003")
    );
}

#[test]
fn an_accepted_row_without_a_claim_number_is_not_recorded_accepted() {
    let (v, dir, ledger) = triage("empty-claim-number-column.csv", &[]);
    assert_eq!(
        v["reconciliation"]["accepted"], 0,
        "{}",
        v["reconciliation"]
    );
    let rows = rows(&v);
    for e in ["T1100000228", "T1100000236", "T1100000244"] {
        assert_ne!(rows[e]["outcome"], "accepted", "{e}");
        assert_eq!(rows[e]["action"], "review", "{e}");
    }
    let text = rows["T1100000244"]["what_to_do"].as_str().expect("text");
    assert!(text.contains("claim number is missing"), "{text}");
    assert!(text.contains("Claim Status"), "{text}");
    // The ledger did not record it accepted: `check` does not ask to delete it.
    std::fs::write(dir.path().join("d.csv"), "Entry Number\r\nT1100000244\r\n").expect("write");
    let out = run_with_ledger(dir.path(), &ledger, &["check", "d.csv"]);
    assert!(!out.both().contains("F023"), "{}", out.both());
}

/// A Validation Result File whose only word on the upload is a load error, on a row without an
/// entry: ACE did not process the upload. Its entries are retried (after a look for a claim
/// number), never held for a claim that never comes: the ledger releases them, so the same
/// declaration passes `check` again.
#[test]
fn a_load_error_on_a_validation_result_file_is_retried_not_held() {
    let (v, dir, ledger) = triage(
        "vrf-load-error.csv",
        &["--declaration", "decl-load-error.csv"],
    );
    assert_eq!(v["claims"][0]["status"], "Not processed (load error)");
    let rows = rows(&v);
    assert_eq!(rows.len(), 3, "{v}");
    for (e, row) in &rows {
        assert_eq!(row["outcome"], "not-filed", "{e}");
        assert_eq!(row["action"], "retry-later", "{e}");
    }
    let check = run_with_ledger(dir.path(), &ledger, &["check", "decl-load-error.csv"]);
    assert_eq!(check.code, Some(0), "{}", check.both());
    assert!(
        !check.stdout.contains("F024"),
        "the entries are not held: {}",
        check.both()
    );
}

/// `explain` takes CBP's acceptance with a date appended, and says triage reads it as review.
#[test]
fn explain_takes_the_acceptance_with_text_appended_and_says_review() {
    for text in [
        "ENTRY SUMMARY UPDATED 11/02/2026",
        "Entry Summary Updated - 11/02/2026",
    ] {
        let out = explain(text);
        assert_eq!(out.code, Some(0), "{text}: {}", out.both());
        assert!(
            out.stdout.contains("M001") && out.stdout.contains("review"),
            "{text}: {}",
            out.stdout
        );
        assert!(out.stdout.contains("`11/02/2026`"), "{}", out.stdout);
    }
}

/// A Validation Result File whose row without an entry says `Failed`, with words capekit does
/// not know or none at all: the upload failed all the same (the safe reading), so its entries
/// are not filed and go on the corrected whole file, never "passed file checks; no claim yet"
/// while their window runs. The ledger releases them, so `check` passes the declaration again.
#[test]
fn a_failed_row_without_an_entry_fails_the_upload_whatever_its_words() {
    for name in ["vrf-unknown-file-failure.csv", "vrf-failed-no-message.csv"] {
        let (v, dir, ledger) = triage(name, &["--declaration", "decl-load-error.csv"]);
        assert_eq!(
            v["claims"][0]["status"], "Failed initial validation",
            "{name}"
        );
        let rows = rows(&v);
        assert_eq!(rows.len(), 3, "{name}: {v}");
        for (e, row) in &rows {
            assert_eq!(row["outcome"], "not-filed", "{name} {e}");
            assert_eq!(row["action"], "fix-file", "{name} {e}");
        }
        let warning = v["warnings"].to_string();
        assert!(warning.contains("CAPE > File Uploads"), "{name}: {warning}");
        assert_eq!(
            v["refile"]["entries"].as_array().map(Vec::len),
            Some(3),
            "{name}"
        );
        let check = run_with_ledger(dir.path(), &ledger, &["check", "decl-load-error.csv"]);
        assert!(!check.stdout.contains("F024"), "{name}: {}", check.both());
    }
    // Unknown words with no status at all read the same way; an entry's message on a row
    // without an entry stays a row whose entry cannot be read (C001), counted against the
    // reconciliation, never a verdict on the file.
    let (v, ..) = triage(
        "vrf-unknown-no-status.csv",
        &["--declaration", "decl-load-error.csv"],
    );
    assert_eq!(v["claims"][0]["status"], "Failed initial validation", "{v}");
    let (v, ..) = triage(
        "vrf-entry-message-no-entry.csv",
        &["--declaration", "decl-load-error.csv"],
    );
    assert_eq!(v["claims"][0]["status"], "Validated, no claim yet", "{v}");
    assert_eq!(
        v["reconciliation"]["unreadable_rows"], 1,
        "{}",
        v["reconciliation"]
    );
}

/// A declaration with a duplicate and a mistyped entry number (a BOM and blank lines too): the
/// reconciliation never says "reconciled" while a declared line cannot be read, and the warning
/// says that CBP fails an upload with a duplicate as a whole, so the file may not be the one that
/// made the claim.
#[test]
fn a_declaration_with_a_duplicate_or_an_unreadable_line_does_not_reconcile() {
    let (v, ..) = triage(
        "claim-for-decl-duplicate.csv",
        &["--declaration", "decl-duplicate-mistyped.csv"],
    );
    let r = &v["reconciliation"];
    assert_eq!(r["holds"], false, "{r}");
    assert_eq!(r["unreadable_declared"], 1, "{r}");
    assert_eq!(r["declared_twice"], 1, "{r}");
    assert_eq!(r["declared"], 4, "{r}");
    let warnings = v["warnings"].to_string();
    assert!(warnings.contains("more than once"), "{warnings}");
    assert!(warnings.contains("Failed initial validation"), "{warnings}");
}

/// A claim number Excel turned into `1.00001E+11` has lost its digits: never used as a claim
/// number (C009), the rows read as the claim of their file, and the ledger records no claim
/// under it.
#[test]
fn a_claim_number_in_scientific_notation_is_never_a_claim_number() {
    let (v, _dir, ledger) = triage("claim-number-scientific.csv", &[]);
    let claim = v["claims"][0]["claim_number"].as_str().expect("claim");
    assert_eq!(claim, "(claim number lost) claim-number-scientific.csv");
    let codes = v["diagnostics"].to_string();
    assert!(codes.contains("C009"), "{codes}");
    let conn = rusqlite::Connection::open(&ledger).expect("ledger");
    let numbers: Vec<String> = conn
        .prepare("SELECT claim_number FROM claims")
        .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
        .expect("claims");
    assert!(numbers.iter().all(|n| !n.contains("E+")), "{numbers:?}");
    assert_eq!(numbers.len(), 1, "{numbers:?}");
}
