//! The ledger through the binary: import, the duplicate guard in `check` and `fix`, `refile`
//! from the ledger alone, the reports, and `demo` keeping out of the user's ledger.
//!
//! Every run names its ledger with `CAPEKIT_LEDGER` (or `--ledger`) inside a temporary folder:
//! no test ever touches the real user ledger.

use std::path::{Path, PathBuf};

/// The name `capekit refile` gives its declaration today ([`capekit_io::names`]): its runs in
/// these tests take the default as-of date.
fn refiled() -> String {
    format!(
        "refile-all-claims-{}.csv",
        capekit_core::deadline::cbp_today(jiff::Timestamp::now())
    )
}

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/demo");
const ACCEPTED: &str = "B7644100003";
const REFILE_ACTION: &str = "B7644104112";

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }
}

/// Runs `capekit ARGS` in `dir` with the ledger at `ledger`.
fn run(dir: &Path, ledger: &Path, args: &[&str]) -> Run {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_capekit"))
        .current_dir(dir)
        .env("CAPEKIT_LEDGER", ledger)
        .args(args)
        .output()
        .expect("run capekit");
    let run = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "capekit panicked: {}",
        run.stderr
    );
    run
}

/// A scratch folder with the demo's declaration, claim and corrected list, and a ledger path.
fn scratch() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    for f in ["declaration.csv", "claim-details.csv", "corrected.txt"] {
        std::fs::copy(Path::new(DEMO).join(f), dir.path().join(f)).expect("copy demo file");
    }
    let ledger = dir.path().join("ledger/ledger.sqlite3");
    (dir, ledger)
}

#[test]
fn import_then_guard_then_refile_from_the_ledger() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    let imported = run(
        d,
        &ledger,
        &[
            "ledger",
            "import",
            "claim-details.csv",
            "declaration.csv",
            "--format",
            "json",
        ],
    );
    assert_eq!(imported.code, Some(0), "{}", imported.stderr);
    let files = imported.json()["files"].clone();
    // Declarations are recorded first, whatever the order given.
    assert_eq!(files[0]["kind"], "declaration");
    assert_eq!(files[0]["entries"], 40);
    assert_eq!(files[1]["kind"], "claim-details");
    assert_eq!(files[1]["entries"], 39);

    let again = run(d, &ledger, &["ledger", "import", "declaration.csv"]);
    assert_eq!(again.code, Some(0));
    assert!(
        again.stdout.contains("already in the ledger"),
        "{}",
        again.stdout
    );

    let status = run(d, &ledger, &["ledger", "status", "--format", "json"]).json();
    assert_eq!(status["entries"]["total"], 40);
    assert_eq!(status["entries"]["accepted"], 25);
    assert_eq!(status["entries"]["rejected"], 14);
    assert_eq!(
        status["entries"]["pending"], 1,
        "declared, in no claim file"
    );

    // The duplicate guard: the declaration's accepted entries are errors now.
    let check = run(
        d,
        &ledger,
        &["check", "declaration.csv", "--format", "json"],
    );
    assert_eq!(check.code, Some(1));
    let report = check.json();
    let f023 = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|x| x["code"] == "F023")
        .count();
    assert_eq!(f023, 25);
    assert!(check.stdout.contains("100000241223"));

    let fix = run(
        d,
        &ledger,
        &["fix", "declaration.csv", "--out", "fixed.csv"],
    );
    assert_eq!(fix.code, Some(1), "{}", fix.stdout);
    assert!(fix.stdout.contains("already accepted"), "{}", fix.stdout);
    let fixed = std::fs::read_to_string(d.join("fixed.csv")).expect("fixed.csv");
    assert!(!fixed.contains(ACCEPTED));
    // The 14 rejected entries; the one its claim did not list is still held by this very
    // upload (it may be queued), so the corrected copy of the same bytes leaves it out too.
    assert_eq!(fixed.lines().count(), 1 + 14);

    let refile = run(
        d,
        &ledger,
        &[
            "refile",
            "--corrected",
            "corrected.txt",
            "--out",
            "next",
            "--format",
            "json",
        ],
    );
    assert_eq!(refile.code, Some(1), "the accepted entry is left out");
    let plan = refile.json();
    // Three refile as they are (UNABLE TO CALCULATE DUTY among them), two from the list.
    assert_eq!(plan["entries"].as_array().map(Vec::len), Some(6));
    assert_eq!(plan["from_corrected"], 2);
    assert_eq!(plan["left_out"][0]["entry_number"], ACCEPTED);
    let upload = std::fs::read_to_string(d.join("next").join(refiled())).expect("refile");
    assert!(upload.starts_with("Entry Number\r\n"));
    assert!(upload.contains(REFILE_ACTION));

    // What refile wrote is a draft now, which holds its entries: a run into another folder
    // writes nothing, and says where the entries are held and how to release them.
    let second = run(d, &ledger, &["refile", "--out", "next2"]);
    assert_eq!(second.code, Some(0));
    assert!(
        second.stdout.contains("nothing to refile"),
        "{}",
        second.stdout
    );
    assert!(
        second.stdout.contains("held: 6 entries on the draft")
            && second.stdout.contains("capekit ledger discard"),
        "{}",
        second.stdout
    );
    assert!(!d.join("next2").join(refiled()).exists());
    let entry = run(
        d,
        &ledger,
        &["ledger", "entry", REFILE_ACTION, "--format", "json"],
    )
    .json();
    assert_eq!(entry["state"]["state"], "drafted");
    // Once marked uploaded, pending with CBP.
    let marked = run(
        d,
        &ledger,
        &[
            "ledger",
            "uploaded",
            &format!("next/{}", refiled()),
            "--job",
            "J42",
        ],
    );
    assert_eq!(marked.code, Some(0), "{}", marked.stderr);
    assert!(
        marked.stdout.contains("draft -> uploaded"),
        "{}",
        marked.stdout
    );
    let entry = run(
        d,
        &ledger,
        &["ledger", "entry", REFILE_ACTION, "--format", "json"],
    )
    .json();
    assert_eq!(entry["state"]["state"], "pending");
    assert_eq!(entry["state"]["written_by_capekit"], true);
    let kinds: Vec<&str> = entry["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        vec!["declared", "rejected", "refiled", "declaration-marked"]
    );

    let export = run(d, &ledger, &["ledger", "export", "--out", "ledger.csv"]);
    assert_eq!(export.code, Some(0), "{}", export.stderr);
    let csv = std::fs::read_to_string(d.join("ledger.csv")).expect("export");
    assert_eq!(csv.lines().count(), 41);
    assert!(csv.starts_with("entry_number,state,claim_number"));
    // The workbook holds the same rows, typed for Excel and headed in words.
    let export = run(d, &ledger, &["ledger", "export", "--out", "ledger.xlsx"]);
    assert_eq!(export.code, Some(0), "{}", export.stderr);
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook(d.join("ledger.xlsx")).expect("workbook");
    let range = calamine::Reader::worksheet_range(&mut wb, "Ledger").expect("sheet");
    let rows: Vec<Vec<calamine::Data>> = range.rows().map(<[calamine::Data]>::to_vec).collect();
    assert_eq!(rows.len(), 41);
    let header: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
    assert_eq!(&header[..3], ["Entry number", "State", "Claim number"]);
    let attempts = header
        .iter()
        .position(|h| h == "Attempts")
        .expect("attempts");
    for row in &rows[1..] {
        assert!(
            matches!(&row[0], calamine::Data::String(s) if s.len() == 11),
            "{row:?}"
        );
        assert!(
            matches!(row[attempts], calamine::Data::Float(f) if f == f.trunc()),
            "{row:?}"
        );
    }

    let verify = run(d, &ledger, &["ledger", "verify"]);
    assert_eq!(verify.code, Some(0), "{}", verify.stdout);
    assert!(verify.stdout.contains("sound"));
    let escalate = run(d, &ledger, &["ledger", "escalate"]);
    assert_eq!(escalate.code, Some(0));
    assert!(escalate.stdout.contains("nothing to escalate"));
}

#[test]
fn unknown_files_are_refused_and_nothing_is_imported() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    std::fs::write(d.join("notes.csv"), "Foo,Bar\r\n1,2\r\n").expect("write");
    let r = run(
        d,
        &ledger,
        &["ledger", "import", "declaration.csv", "notes.csv"],
    );
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr
            .contains("notes.csv: capekit cannot tell what this file is"),
        "{}",
        r.stderr
    );
    assert!(
        !ledger.exists(),
        "nothing was recorded, not even a ledger file"
    );
}

#[test]
fn no_ledger_turns_the_guard_off_and_the_ledger_commands_away() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    let check = run(d, &ledger, &["check", "declaration.csv", "--no-ledger"]);
    assert_eq!(check.code, Some(0), "{}", check.stdout);
    let status = run(d, &ledger, &["--no-ledger", "ledger", "status"]);
    assert_eq!(status.code, Some(2));
    assert!(status.stderr.contains("--no-ledger"));
    // Reading commands do not create a ledger file.
    let status = run(d, &ledger, &["ledger", "status"]);
    assert_eq!(status.code, Some(0));
    assert!(!ledger.exists());
}

#[test]
fn demo_uses_a_fresh_ledger_of_its_own() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    let first = run(
        d,
        &ledger,
        &["demo", "--out", "demo", "--as-of", "2026-11-24"],
    );
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    assert!(!ledger.exists(), "the demo wrote into CAPEKIT_LEDGER");
    assert!(d.join("demo/ledger.sqlite3").exists());
    // A fresh ledger each run: the second run refiles the same entries, none pending.
    let second = run(
        d,
        &ledger,
        &["demo", "--out", "demo", "--as-of", "2026-11-24"],
    );
    assert_eq!(second.stdout, first.stdout);
    let status = run(
        d,
        &ledger,
        &[
            "--ledger",
            "demo/ledger.sqlite3",
            "ledger",
            "status",
            "--format",
            "json",
        ],
    )
    .json();
    assert_eq!(status["files"]["refile"], 1);
    assert_eq!(status["files"]["claim-details"], 1);
}

#[test]
fn triage_records_and_refuses_what_the_ledger_knows() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    let args = [
        "triage",
        "claim-details.csv",
        "--declaration",
        "declaration.csv",
        "--as-of",
        "2026-11-24",
        "--out",
        "out",
        "--format",
        "json",
    ];
    let first = run(d, &ledger, &args).json();
    let refile: Vec<String> = first["refile"]["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e.as_str().map(str::to_owned))
        .collect();
    assert_eq!(refile.len(), 4);
    // The same triage again into the same folder: its own draft does not hold the entries
    // against it (it supersedes it), so the same file is written, and recorded once.
    let second = run(d, &ledger, &args);
    assert!(
        second.stderr.contains("already recorded"),
        "{}",
        second.stderr
    );
    let plan = second.json();
    assert_eq!(plan["refile"]["entries"], first["refile"]["entries"]);
    // Into another folder: the draft in `out` holds them, naming it.
    let mut elsewhere = args;
    elsewhere[7] = "out2";
    let third = run(d, &ledger, &elsewhere).json();
    assert_eq!(third["refile"]["entries"], serde_json::json!([]));
    let left: Vec<&str> = third["refile"]["left_out"]
        .as_array()
        .expect("left out")
        .iter()
        .filter_map(|l| l["reason"].as_str())
        .collect();
    assert_eq!(left.len(), 4);
    assert!(
        left.iter()
            .all(|r| r.contains("on the draft")
                && r.contains("out/refile-100000241223-2026-11-24.csv")),
        "{left:?}"
    );
}
