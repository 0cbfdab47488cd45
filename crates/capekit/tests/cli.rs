//! Transcripts of the CLI as a user sees it, snapshot-tested with insta: `check` in text and JSON
//! on a file with many problems, `fix` on the same file, `explain F014`, `explain --list` and the
//! help of `check`. The JSON report is also held to its documented shape field by field.
//!
//! Every command runs in a scratch folder with relative file names, so no snapshot holds a
//! temporary path.

mod common;

use common::{fixture, run};

const MIXED: &str = "mixed-problems.csv";

/// A scratch folder holding the mixed-problem fixture.
fn scratch_with_mixed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(MIXED), fixture(MIXED)).expect("copy fixture");
    dir
}

#[test]
fn check_text_on_mixed_problems() {
    let dir = scratch_with_mixed();
    let run = run(dir.path(), &["check", MIXED]);
    assert_eq!(run.code, Some(1), "{}", run.both());
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn check_json_on_mixed_problems() {
    let dir = scratch_with_mixed();
    let run = run(dir.path(), &["check", MIXED, "--format", "json"]);
    assert_eq!(run.code, Some(1), "{}", run.both());
    assert!(run.stderr.is_empty(), "{}", run.both());
    // The bytes as printed (field order included), once they are known to be JSON.
    run.json();
    insta::assert_snapshot!(run.stdout);
}

/// The documented shape of `capekit check --format json`: `uploadable` (bool), `entries`
/// (number), `diagnostics` (array of objects with `code`, `severity` in error|warning|info, `line`
/// number or null, `value` string or null, `message`). The full key set is pinned too, so that a
/// field added or removed is a reviewed change.
#[test]
fn check_json_has_the_documented_shape() {
    let dir = scratch_with_mixed();
    let report = run(dir.path(), &["check", MIXED, "--format", "json"]).json();
    let top = report.as_object().expect("top level is an object");
    assert!(top["uploadable"].is_boolean());
    assert!(top["entries"].is_u64());
    let diags = top["diagnostics"]
        .as_array()
        .expect("diagnostics is an array");
    assert!(!diags.is_empty());
    let mut top_keys: Vec<&str> = top.keys().map(String::as_str).collect();
    top_keys.sort_unstable();
    assert_eq!(
        top_keys,
        [
            "diagnostics",
            "entries",
            "file",
            "uploadable",
            "valid_entries"
        ]
    );

    let mut lines_seen = (false, false);
    for d in diags {
        let d = d.as_object().expect("a diagnostic is an object");
        let code = d["code"].as_str().expect("code is a string");
        assert!(
            code.len() == 4 && code.starts_with('F'),
            "code `{code}` is not F and three digits"
        );
        assert!(
            matches!(d["severity"].as_str(), Some("error" | "warning" | "info")),
            "{code}: severity {}",
            d["severity"]
        );
        match &d["line"] {
            serde_json::Value::Null => lines_seen.0 = true,
            l => {
                assert!(l.as_u64().is_some_and(|n| n >= 1), "{code}: line {l}");
                lines_seen.1 = true;
            }
        }
        assert!(
            d["value"].is_null() || d["value"].is_string(),
            "{code}: value {}",
            d["value"]
        );
        let message = d["message"].as_str().expect("message is a string");
        assert!(!message.is_empty());
        let mut keys: Vec<&str> = d.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["code", "file", "line", "message", "severity", "value"],
            "{code}"
        );
    }
    assert_eq!(lines_seen, (true, true), "findings with and without a line");
}

#[test]
fn fix_transcript_on_mixed_problems() {
    let dir = scratch_with_mixed();
    let fix = run(dir.path(), &["fix", MIXED, "--out", "fixed.csv"]);
    assert_eq!(fix.code, Some(1), "rows were left out: {}", fix.both());
    let written = std::fs::read_to_string(dir.path().join("fixed.csv")).expect("fixed.csv");
    let check = run(dir.path(), &["check", "fixed.csv"]);
    assert_eq!(check.code, Some(0), "{}", check.both());
    let session = format!(
        "$ capekit fix {MIXED} --out fixed.csv\n{}\n$ cat fixed.csv\n{}\n$ capekit check fixed.csv\n{}",
        fix.transcript(),
        written.replace("\r\n", "\\r\\n\n"),
        check.transcript()
    );
    insta::assert_snapshot!(session);
}

#[test]
fn explain_f014() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = run(dir.path(), &["explain", "F014"]);
    assert_eq!(run.code, Some(0), "{}", run.both());
    assert!(
        run.stdout.starts_with("F014 check-digit-mismatch: "),
        "{}",
        run.stdout
    );
    for heading in [
        "What it checks",
        "Why it matters",
        "Example",
        "What to do",
        "Source",
    ] {
        assert!(run.stdout.contains(heading), "lacks {heading}");
    }
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn explain_list() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = run(dir.path(), &["explain", "--list"]);
    assert_eq!(run.code, Some(0), "{}", run.both());
    // Every check rule is listed, in code order.
    let codes: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| c.starts_with('F'))
        .collect();
    let expected: Vec<&str> = capekit_core::check::CHECK_RULES
        .iter()
        .map(|r| r.code)
        .collect();
    assert_eq!(codes, expected);
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn explain_unknown_rule_could_not_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = run(dir.path(), &["explain", "F999"]);
    assert_eq!(run.code, Some(2), "{}", run.both());
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("no rule matches `F999`"),
        "{}",
        run.both()
    );
}

#[test]
fn check_help() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = run(dir.path(), &["check", "--help"]);
    assert_eq!(run.code, Some(0), "{}", run.both());
    assert!(run.stdout.contains("--format <FORMAT>"));
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn check_without_a_file_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = run(dir.path(), &["check"]);
    assert_eq!(run.code, Some(2), "{}", run.both());
    assert!(run.stderr.contains("<FILE>"), "{}", run.both());
}

/// Runs capekit with its standard output read for `keep` bytes and then closed, as `| head -c`
/// does; returns the exit code and standard error.
fn closed_early(dir: &std::path::Path, args: &[&str], keep: usize) -> (Option<i32>, String) {
    use std::io::Read as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_capekit"))
        .current_dir(dir)
        .env("CAPEKIT_LEDGER", dir.join("ledger.sqlite3"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut head = vec![0u8; keep];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut head)
        .expect("read the first bytes");
    // The pipe's reading end is dropped here: every later write of capekit's fails.
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_stdout_ends_the_command_quietly_with_exit_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Large enough that capekit is still writing when the reader goes: 200,000 duplicates.
    let mut big = String::from("Entry Number\r\n");
    for _ in 0..200_000 {
        big.push_str("B7644100003\r\n");
    }
    std::fs::write(dir.path().join("big.csv"), big).expect("write");
    for args in [
        &["check", "big.csv", "--format", "json"][..],
        &["check", "big.csv"][..],
        &["explain", "--list"][..],
    ] {
        let (code, stderr) = closed_early(dir.path(), args, 10);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        assert!(
            code == Some(0) || (args.len() == 2 && args[0] == "check" && code == Some(1)),
            "{args:?}: exit {code:?}"
        );
    }
}
