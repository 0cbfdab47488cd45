//! Declarations through the binary, tried as a new user would: re-runs into the same folder,
//! failed uploads, a claim downloaded again, the demo beside a real ledger, and outputs that
//! would destroy an input or the ledger.
//!
//! Every run names its ledger with `CAPEKIT_LEDGER` inside a temporary folder.

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
/// Rejected on the demo claim with a message whose action is `refile`.
const REFILE_ACTION: &str = "B7644104112";
/// On the demo's corrected list.
const CORRECTED: &str = "B7644119185";

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
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

fn scratch() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    for f in ["declaration.csv", "claim-details.csv", "corrected.txt"] {
        std::fs::copy(Path::new(DEMO).join(f), dir.path().join(f)).expect("copy demo file");
    }
    let ledger = dir.path().join("ledger/ledger.sqlite3");
    (dir, ledger)
}

fn state(d: &Path, ledger: &Path, entry: &str) -> String {
    run(d, ledger, &["ledger", "entry", entry, "--format", "json"]).json()["state"]["state"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn triage<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "triage",
        "claim-details.csv",
        "--declaration",
        "declaration.csv",
        "--as-of",
        "2026-11-24",
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn a_second_triage_into_the_same_folder_supersedes_the_first_and_strands_nothing() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    let first = run(
        d,
        &ledger,
        &triage(&["--corrected", "corrected.txt", "--out", "out"]),
    );
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    assert_eq!(state(d, &ledger, CORRECTED), "drafted");
    // The corrected list changed: the second run does not take the corrected entries.
    let second = run(d, &ledger, &triage(&["--out", "out"]));
    assert_eq!(second.code, Some(0), "{}", second.stderr);
    assert!(
        second.stderr.contains("superseded the earlier draft"),
        "{}",
        second.stderr
    );
    // The entry of the first file only is released, not stranded on a file that no longer
    // holds it.
    assert_eq!(state(d, &ledger, CORRECTED), "rejected");
    let upload =
        std::fs::read_to_string(d.join("out/refile-100000241223-2026-11-24.csv")).expect("refile");
    assert!(!upload.contains(CORRECTED), "{upload}");
    let declarations = run(d, &ledger, &["ledger", "declarations", "--format", "json"]).json();
    let states: Vec<&str> = declarations
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|d| d["state"].as_str())
        .collect();
    assert_eq!(states, vec!["answered", "discarded", "draft"]);
    assert_eq!(run(d, &ledger, &["ledger", "verify"]).code, Some(0));
}

#[test]
fn a_failed_upload_releases_its_entries_for_the_next_refile() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    run(d, &ledger, &triage(&["--out", "out"]));
    let up = run(
        d,
        &ledger,
        &[
            "ledger",
            "uploaded",
            "out/refile-100000241223-2026-11-24.csv",
            "--job",
            "J1",
        ],
    );
    assert_eq!(up.code, Some(0), "{}", up.stderr);
    assert_eq!(state(d, &ledger, REFILE_ACTION), "pending");
    let none = run(d, &ledger, &["refile", "--out", "next"]);
    assert!(none.stdout.contains("nothing to refile"), "{}", none.stdout);
    assert!(
        none.stdout.contains("held: 4 entries pending on"),
        "{}",
        none.stdout
    );
    assert!(
        none.stdout.contains("capekit ledger failed"),
        "{}",
        none.stdout
    );
    let failed = run(
        d,
        &ledger,
        &["ledger", "failed", "out/refile-100000241223-2026-11-24.csv"],
    );
    assert_eq!(failed.code, Some(0), "{}", failed.stderr);
    assert!(
        failed.stdout.contains("uploaded -> failed"),
        "{}",
        failed.stdout
    );
    assert_eq!(state(d, &ledger, REFILE_ACTION), "rejected");
    let history = run(d, &ledger, &["ledger", "entry", REFILE_ACTION]).stdout;
    assert!(
        history.contains("marked uploaded") && history.contains("(ACE J1)"),
        "{history}"
    );
    assert!(history.contains("marked failed"), "{history}");
    let again = run(d, &ledger, &["refile", "--out", "next", "--format", "json"]).json();
    assert_eq!(again["entries"].as_array().map(Vec::len), Some(4));
    // Undoing the failure now would take the entries back from the newer draft: refused, and
    // the message names the draft that holds them.
    let blocked = run(
        d,
        &ledger,
        &["ledger", "undo", "out/refile-100000241223-2026-11-24.csv"],
    );
    assert_eq!(blocked.code, Some(2), "{}", blocked.stdout);
    assert!(
        blocked.stderr.contains(&format!("next/{}", refiled()))
            && blocked.stderr.contains("4 entries"),
        "{}",
        blocked.stderr
    );
    assert_eq!(state(d, &ledger, REFILE_ACTION), "drafted");
    // A wrong mark is undone once the newer draft is released, and the undo is recorded.
    run(
        d,
        &ledger,
        &["ledger", "discard", &format!("next/{}", refiled())],
    );
    let undo = run(
        d,
        &ledger,
        &["ledger", "undo", "out/refile-100000241223-2026-11-24.csv"],
    );
    assert!(
        undo.stdout.contains("failed -> uploaded"),
        "{}",
        undo.stdout
    );
    assert_eq!(state(d, &ledger, REFILE_ACTION), "pending");
    assert_eq!(run(d, &ledger, &["ledger", "verify"]).code, Some(0));
}

#[test]
fn the_same_claim_downloaded_again_changes_nothing_and_says_so() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    run(d, &ledger, &triage(&["--out", "out"]));
    run(
        d,
        &ledger,
        &[
            "ledger",
            "uploaded",
            "out/refile-100000241223-2026-11-24.csv",
        ],
    );
    // The claim again, rows in another order, LF line ends, under another name.
    let claim = std::fs::read_to_string(d.join("claim-details.csv")).expect("claim");
    let mut lines: Vec<&str> = claim.lines().collect();
    let header = lines.remove(0);
    lines.reverse();
    let again = format!("{header}\n{}\n", lines.join("\n"));
    std::fs::write(d.join("claim-again.csv"), again).expect("write");
    let import = run(d, &ledger, &["ledger", "import", "claim-again.csv"]);
    assert_eq!(import.code, Some(0), "{}", import.stderr);
    assert!(
        import.stdout.contains("already in the ledger"),
        "{}",
        import.stdout
    );
    assert_eq!(
        state(d, &ledger, REFILE_ACTION),
        "pending",
        "the old claim must not release an entry pending on the later upload"
    );
    let none = run(d, &ledger, &["refile", "--out", "next", "--format", "json"]).json();
    assert_eq!(none["entries"], serde_json::json!([]));
}

#[test]
fn the_demo_never_touches_a_real_ledger_and_says_it_ran_on_sample_data() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    let explicit = d.join("mine.sqlite3");
    let demo = run(
        d,
        &ledger,
        &[
            "--ledger",
            explicit.to_str().expect("utf8"),
            "demo",
            "--out",
            "demo",
            "--as-of",
            "2026-11-24",
        ],
    );
    assert_eq!(demo.code, Some(0), "{}", demo.stderr);
    assert!(!explicit.exists(), "the demo wrote into --ledger");
    assert!(!ledger.exists(), "the demo wrote into CAPEKIT_LEDGER");
    assert!(d.join("demo/ledger.sqlite3").exists());
    let last = demo.stdout.trim_end().lines().last().unwrap_or_default();
    assert!(last.contains("sample data"), "{last}");
    assert!(!last.contains("upload demo"), "{last}");
}

#[test]
fn outputs_never_replace_an_input_or_the_ledger() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    let original = std::fs::read(d.join("declaration.csv")).expect("read");
    let fix = run(
        d,
        &ledger,
        &["fix", "declaration.csv", "--out", "new/../declaration.csv"],
    );
    assert_eq!(fix.code, Some(2), "{}", fix.stdout);
    assert!(
        fix.stderr.contains("one of the input files"),
        "{}",
        fix.stderr
    );
    assert_eq!(
        std::fs::read(d.join("declaration.csv")).expect("read"),
        original
    );
    // triage --out x/.. writes into this folder, where an input is named like an output.
    std::fs::copy(d.join("declaration.csv"), d.join("worklist.csv")).expect("copy");
    let t = run(
        d,
        &ledger,
        &[
            "triage",
            "claim-details.csv",
            "--declaration",
            "worklist.csv",
            "--out",
            "x/..",
        ],
    );
    assert_eq!(t.code, Some(2), "{}", t.stdout);
    assert_eq!(
        std::fs::read(d.join("worklist.csv")).expect("read"),
        original
    );
    // The ledger itself.
    run(d, &ledger, &["ledger", "import", "declaration.csv"]);
    let before = std::fs::read(&ledger).expect("ledger");
    let out = ledger.to_str().expect("utf8");
    let fix = run(d, &ledger, &["fix", "declaration.csv", "--out", out]);
    assert_eq!(fix.code, Some(2), "{}", fix.stdout);
    assert!(fix.stderr.contains("it is the ledger"), "{}", fix.stderr);
    assert_eq!(std::fs::read(&ledger).expect("ledger"), before);
}

#[test]
fn an_output_folder_holds_one_run_and_temporaries_of_a_killed_run_go() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    run(d, &ledger, &triage(&["--out", "out"]));
    std::fs::write(d.join("out/notes.txt"), "mine").expect("user file");
    std::fs::write(d.join("out/.capekit-4194399-left.tmp"), "half").expect("tmp");
    // The refile is marked uploaded and its claim rejects nothing more: a refile from the ledger
    // into the same folder has nothing to write, so the earlier triage's files go - but not
    // refile.csv, the record of what was uploaded.
    run(
        d,
        &ledger,
        &[
            "ledger",
            "uploaded",
            "out/refile-100000241223-2026-11-24.csv",
        ],
    );
    let r = run(d, &ledger, &["refile", "--out", "out"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("removed"), "{}", r.stdout);
    assert!(!d.join("out/worklist-100000241223-2026-11-24.csv").exists());
    assert!(
        d.join("out/refile-100000241223-2026-11-24.csv").exists(),
        "an uploaded declaration is never removed"
    );
    assert!(r.stdout.contains("kept "), "{}", r.stdout);
    assert!(
        d.join("out/notes.txt").exists(),
        "never a file capekit did not write"
    );
    assert!(!d.join("out/.capekit-4194399-left.tmp").exists() || !Path::new("/proc/self").exists());
    // Its bytes are kept in the ledger.
    let list = run(d, &ledger, &["ledger", "declarations", "--format", "json"]).json();
    assert!(
        list.as_array()
            .expect("list")
            .iter()
            .any(|d| d["state"] == "uploaded" && d["bytes_kept"] == true),
        "{list}"
    );
}

#[test]
fn check_and_fix_treat_entries_on_another_draft_as_not_uploadable_here() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    run(d, &ledger, &triage(&["--out", "out"]));
    // The draft itself is uploadable: it does not conflict with itself.
    let own = run(
        d,
        &ledger,
        &["check", "out/refile-100000241223-2026-11-24.csv"],
    );
    assert_eq!(own.code, Some(0), "{}", own.stdout);
    std::fs::write(
        d.join("mine.csv"),
        format!("Entry Number\r\n{REFILE_ACTION}\r\n"),
    )
    .expect("write");
    let other = run(d, &ledger, &["check", "mine.csv"]);
    assert_eq!(other.code, Some(1), "{}", other.stdout);
    assert!(other.stdout.contains("F024"), "{}", other.stdout);
    assert!(
        other.stdout.contains("capekit ledger discard"),
        "{}",
        other.stdout
    );
    let fix = run(d, &ledger, &["fix", "mine.csv", "--out", "fixed.csv"]);
    assert_eq!(fix.code, Some(1), "{}", fix.stdout);
    assert!(
        fix.stdout.contains("held on another declaration"),
        "{}",
        fix.stdout
    );
}

#[test]
fn an_upload_without_a_claim_after_two_days_is_said_first() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    run(d, &ledger, &triage(&["--out", "out"]));
    let up = run(
        d,
        &ledger,
        &[
            "ledger",
            "uploaded",
            "out/refile-100000241223-2026-11-24.csv",
            "--at",
            "2026-05-05 09:30",
        ],
    );
    assert_eq!(up.code, Some(0), "{}", up.stderr);
    let status = run(d, &ledger, &["ledger", "status"]);
    assert!(
        status
            .stderr
            .contains("look for its claim number in ACE (CAPE > File Uploads, then Claim Status)"),
        "{}",
        status.stderr
    );
    let bad = run(
        d,
        &ledger,
        &[
            "ledger",
            "uploaded",
            "out/refile-100000241223-2026-11-24.csv",
            "--at",
            "soon",
        ],
    );
    assert_eq!(bad.code, Some(2));
}

#[test]
fn a_backup_is_a_consistent_copy_and_never_replaces_a_file() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    run(d, &ledger, &triage(&["--out", "out"]));
    let b = run(d, &ledger, &["ledger", "backup", "copy.sqlite3"]);
    assert_eq!(b.code, Some(0), "{}", b.stderr);
    let copy = d.join("copy.sqlite3");
    let v = run(d, &copy, &["ledger", "verify"]);
    assert_eq!(v.code, Some(0), "{}", v.stdout);
    let again = run(d, &ledger, &["ledger", "backup", "copy.sqlite3"]);
    assert_eq!(again.code, Some(2));
    let onto = run(
        d,
        &ledger,
        &["ledger", "backup", ledger.to_str().expect("utf8")],
    );
    assert_eq!(onto.code, Some(2));
}

#[test]
fn a_plan_into_a_triage_folder_supersedes_its_draft() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    std::fs::copy(Path::new(DEMO).join("es003.csv"), d.join("es003.csv")).expect("copy");
    run(d, &ledger, &triage(&["--out", "out"]));
    assert_eq!(state(d, &ledger, REFILE_ACTION), "drafted");
    let plan = run(
        d,
        &ledger,
        &["plan", "es003.csv", "--as-of", "2026-11-24", "--out", "out"],
    );
    assert_eq!(plan.code, Some(0), "{}", plan.stderr);
    assert!(
        plan.stderr.contains("superseded the earlier draft"),
        "{}",
        plan.stderr
    );
    assert!(
        !d.join("out/refile-100000241223-2026-11-24.csv").exists(),
        "the triage's refile is gone"
    );
    assert_eq!(state(d, &ledger, REFILE_ACTION), "rejected");
}

#[test]
fn an_old_ledger_says_on_every_run_how_many_declarations_are_unconfirmed() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    std::fs::create_dir_all(ledger.parent().expect("parent")).expect("folder");
    {
        // A ledger of the first schema, with one refile file recorded.
        let conn = rusqlite::Connection::open(&ledger).expect("open");
        conn.execute_batch(capekit_ledger::MIGRATIONS[0])
            .expect("schema 1");
        conn.pragma_update(None, "user_version", 1)
            .expect("version");
        conn.execute_batch(&format!(
            "INSERT INTO files VALUES (1, '{}', 'refile', 'refile.csv', 10, '2026-11-01T10:00:00Z');
             INSERT INTO declarations VALUES (1, 1, 1, 1);
             INSERT INTO declaration_entries VALUES (1, '{REFILE_ACTION}');
             INSERT INTO refile_files VALUES (1, '/old/refile.csv', '2026-11-01T10:00:00Z');",
            "a".repeat(64)
        ))
        .expect("old rows");
    }
    let check = run(d, &ledger, &["check", "declaration.csv"]);
    assert!(
        check
            .stderr
            .contains("1 declaration recorded before capekit kept upload states")
            && check.stderr.contains("capekit ledger discard '#N'"),
        "{}",
        check.stderr
    );
    assert_eq!(
        state(d, &ledger, REFILE_ACTION),
        "pending",
        "the safe reading"
    );
    let discard = run(d, &ledger, &["ledger", "discard", "#1"]);
    assert_eq!(discard.code, Some(0), "{}", discard.stderr);
    let again = run(d, &ledger, &["check", "declaration.csv"]);
    assert!(!again.stderr.contains("upload states"), "{}", again.stderr);
}

/// The rows of every table of a ledger, in order: what a refused run must leave unchanged.
fn ledger_rows(ledger: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(ledger).expect("open ledger");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .expect("tables")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("names");
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{t}\""))
            .expect("select");
        let cols = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let mut line = t.clone();
                for i in 0..cols {
                    let v: rusqlite::types::Value = r.get(i)?;
                    line.push_str(&format!("|{v:?}"));
                }
                Ok(line)
            })
            .expect("rows");
        out.extend(rows.map(|r| r.expect("row")));
    }
    out
}

#[test]
fn no_output_path_reaches_the_ledger_its_side_files_its_backups_or_a_recorded_declaration() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    let first = run(d, &ledger, &triage(&["--out", "out"]));
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let b = run(d, &ledger, &["ledger", "backup", "backups/before.sqlite3"]);
    assert_eq!(b.code, Some(2), "no folder made for a backup: {}", b.stdout);
    std::fs::create_dir(d.join("backups")).expect("mkdir");
    let b = run(d, &ledger, &["ledger", "backup", "backups/before.csv"]);
    assert_eq!(b.code, Some(0), "{}", b.stderr);
    // The draft is marked uploaded: out/refile-100000241223-2026-11-24.csv is now the record of what CBP was sent.
    let up = run(
        d,
        &ledger,
        &[
            "ledger",
            "uploaded",
            "out/refile-100000241223-2026-11-24.csv",
        ],
    );
    assert_eq!(up.code, Some(0), "{}", up.stderr);
    std::fs::copy(
        d.join("out/refile-100000241223-2026-11-24.csv"),
        d.join("sent-copy.csv"),
    )
    .expect("copy");
    std::os::unix::fs::symlink(d.join("ledger"), d.join("link")).expect("symlink");
    let wal = format!("{}-wal", ledger.display());
    let shm = "link/ledger.sqlite3-shm";
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["ledger", "export", "--out", "backups/before.csv"],
            "backups/before.csv",
            "SQLite database",
        ),
        (
            &["fix", "declaration.csv", "--out", "backups/x/../before.csv"],
            "backups/before.csv",
            "SQLite database",
        ),
        (
            &["fix", "declaration.csv", "--out", &wal],
            "",
            "the ledger or one of its side files",
        ),
        (
            &["fix", "declaration.csv", "--out", shm],
            "",
            "the ledger or one of its side files",
        ),
        (
            &[
                "fix",
                "declaration.csv",
                "--out",
                "link/../ledger/ledger.sqlite3-journal",
            ],
            "",
            "the ledger or one of its side files",
        ),
        (
            &[
                "ledger",
                "export",
                "--out",
                "out/refile-100000241223-2026-11-24.csv",
            ],
            "out/refile-100000241223-2026-11-24.csv",
            "recorded in the ledger",
        ),
        (
            &[
                "fix",
                "declaration.csv",
                "--out",
                "out/refile-100000241223-2026-11-24.csv",
            ],
            "out/refile-100000241223-2026-11-24.csv",
            "recorded in the ledger",
        ),
        (
            &["fix", "declaration.csv", "--out", "sent-copy.csv"],
            "sent-copy.csv",
            "recorded in the ledger",
        ),
        (
            &[
                "triage",
                "claim-details.csv",
                "--as-of",
                "2026-11-24",
                "--out",
                "out",
            ],
            "out/refile-100000241223-2026-11-24.csv",
            "recorded in the ledger",
        ),
        (
            &["ledger", "backup", "link/ledger.sqlite3-journal"],
            "",
            "the ledger or one of its side files",
        ),
    ];
    for (args, kept, says) in cases {
        let before_file = (!kept.is_empty()).then(|| std::fs::read(d.join(kept)).expect("read"));
        let before_rows = ledger_rows(&ledger);
        let r = run(d, &ledger, args);
        assert_eq!(r.code, Some(2), "{args:?}: {}\n{}", r.stdout, r.stderr);
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("refusing to write"),
            "{args:?}: {}",
            r.stderr
        );
        if let Some(b) = before_file {
            assert_eq!(std::fs::read(d.join(kept)).expect("read"), b, "{args:?}");
        }
        assert_eq!(
            ledger_rows(&ledger),
            before_rows,
            "{args:?} recorded nothing"
        );
    }
    assert!(!d.join("ledger/ledger.sqlite3-journal").exists());
    let v = run(d, &ledger, &["ledger", "verify"]);
    assert_eq!(v.code, Some(0), "{}", v.stdout);
}

#[test]
fn an_output_folder_never_loses_a_file_capekit_did_not_write() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    std::fs::create_dir(d.join("out")).expect("mkdir");
    std::fs::write(
        d.join("out/refile-100000241223-2026-11-24.csv"),
        "my own notes",
    )
    .expect("user file");
    std::fs::write(
        d.join("out/worklist-100000241223-2026-11-24.xlsx"),
        "my own workbook",
    )
    .expect("user file");
    let t = run(d, &ledger, &triage(&["--out", "out"]));
    assert_eq!(t.code, Some(2), "{}", t.stdout);
    for name in [
        "refile-100000241223-2026-11-24.csv",
        "worklist-100000241223-2026-11-24.xlsx",
        "choose an empty folder",
    ] {
        assert!(t.stderr.contains(name), "{}", t.stderr);
    }
    assert_eq!(
        std::fs::read_to_string(d.join("out/refile-100000241223-2026-11-24.csv")).expect("read"),
        "my own notes"
    );
    assert!(
        !d.join("out/report-100000241223-2026-11-24.html").exists(),
        "nothing written"
    );
    assert!(
        !ledger.exists(),
        "nothing recorded: the ledger was not even created"
    );
    // plan and fix into such a folder, the same.
    std::fs::write(
        d.join("out/plan-report-unknown-importer-2026-11-24.html"),
        "mine",
    )
    .expect("user file");
    let p = run(
        d,
        &ledger,
        &[
            "plan",
            "declaration.csv",
            "--as-of",
            "2026-11-24",
            "--out",
            "out",
        ],
    );
    assert_eq!(p.code, Some(2), "{}", p.stdout);
    assert!(p.stderr.contains("capekit did not write"), "{}", p.stderr);
    assert_eq!(
        std::fs::read_to_string(d.join("out/plan-report-unknown-importer-2026-11-24.html"))
            .expect("read"),
        "mine"
    );
    let f = run(
        d,
        &ledger,
        &[
            "fix",
            "declaration.csv",
            "--out",
            "out/refile-100000241223-2026-11-24.csv",
        ],
    );
    assert_eq!(f.code, Some(2), "{}", f.stdout);
    assert!(f.stderr.contains("capekit did not write"), "{}", f.stderr);
    // What capekit wrote it may write again; once edited, it is the user's.
    let f = run(
        d,
        &ledger,
        &["fix", "declaration.csv", "--out", "fixed.csv"],
    );
    assert_eq!(f.code, Some(0), "{}", f.stderr);
    let f = run(
        d,
        &ledger,
        &["fix", "declaration.csv", "--out", "fixed.csv"],
    );
    assert_eq!(f.code, Some(0), "{}", f.stderr);
    std::fs::write(d.join("fixed.csv"), "Entry Number\r\nedited\r\n").expect("edit");
    let f = run(
        d,
        &ledger,
        &["fix", "declaration.csv", "--out", "fixed.csv"],
    );
    assert_eq!(f.code, Some(2), "{}", f.stdout);
    assert_eq!(
        std::fs::read_to_string(d.join("fixed.csv")).expect("read"),
        "Entry Number\r\nedited\r\n"
    );
}

#[test]
fn a_triage_whose_outputs_are_refused_records_nothing() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    let first = run(d, &ledger, &["ledger", "import", "declaration.csv"]);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    std::fs::create_dir(d.join("mine")).expect("mkdir");
    std::fs::write(
        d.join("mine/report-100000241223-2026-11-24.html"),
        "my report",
    )
    .expect("user file");
    // A claim file not recorded yet, triaged into a folder capekit must not write.
    std::fs::copy(d.join("claim-details.csv"), d.join("claim-again.csv")).expect("copy");
    // An input where an output would go, and a file capekit did not write.
    std::fs::copy(
        d.join("corrected.txt"),
        d.join("mine/worklist-100000241223-2026-11-24.csv"),
    )
    .expect("copy");
    let refused: [&[&str]; 2] = [
        &[
            "triage",
            "claim-again.csv",
            "--corrected",
            "mine/worklist-100000241223-2026-11-24.csv",
            "--as-of",
            "2026-11-24",
            "--out",
            "mine",
        ],
        &[
            "triage",
            "claim-again.csv",
            "--as-of",
            "2026-11-24",
            "--out",
            "mine",
        ],
    ];
    for args in refused {
        let before_rows = ledger_rows(&ledger);
        // Checkpointed by the last close: the file holds every row.
        let before = std::fs::read(&ledger).expect("ledger");
        let t = run(d, &ledger, args);
        assert_eq!(t.code, Some(2), "{}", t.stdout);
        assert!(t.stderr.contains("refusing to write mine/"), "{}", t.stderr);
        assert_eq!(ledger_rows(&ledger), before_rows, "{args:?}");
        assert_eq!(
            std::fs::read(&ledger).expect("ledger"),
            before,
            "{args:?}: byte-identical"
        );
    }
    assert_eq!(
        std::fs::read_to_string(d.join("mine/report-100000241223-2026-11-24.html")).expect("read"),
        "my report"
    );
}

#[test]
fn the_demo_never_removes_a_ledger_it_did_not_make() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    let t = run(d, &ledger, &triage(&["--out", "out"]));
    assert_eq!(t.code, Some(0), "{}", t.stderr);
    let before = ledger_rows(&ledger);
    // The folder of the user's own ledger, named ledger.sqlite3 as the demo's is.
    let demo = run(d, &ledger, &["demo", "--out", "ledger"]);
    assert_eq!(demo.code, Some(2), "{}", demo.stdout);
    assert!(demo.stderr.contains("your ledger"), "{}", demo.stderr);
    assert_eq!(ledger_rows(&ledger), before);
    // Nor one of another folder; its own it replaces.
    std::fs::create_dir(d.join("other")).expect("mkdir");
    std::fs::copy(&ledger, d.join("other/ledger.sqlite3")).expect("copy");
    let demo = run(d, &ledger, &["demo", "--out", "other"]);
    assert_eq!(demo.code, Some(2), "{}", demo.stdout);
    assert!(d.join("other/ledger.sqlite3").exists());
    for _ in 0..2 {
        let demo = run(d, &ledger, &["demo", "--out", "demo"]);
        assert_eq!(demo.code, Some(0), "{}", demo.stderr);
    }
}

/// The entry numbers of a refile upload, or none when it was not written.
/// The entries of the refile upload(s) in `dir`, whichever run (`triage` or `refile`) wrote it.
fn upload_entries(dir: &Path) -> std::collections::BTreeSet<String> {
    let Ok(files) = std::fs::read_dir(dir) else {
        return Default::default();
    };
    files
        .flatten()
        .filter(|f| {
            let name = f.file_name().to_string_lossy().into_owned();
            name.starts_with("refile-") && name.ends_with(".csv")
        })
        .filter_map(|f| std::fs::read_to_string(f.path()).ok())
        .flat_map(|s| {
            s.lines()
                .skip(1)
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn two_refiles_at_once_never_write_the_same_entry_into_two_drafts() {
    // The race needs the two runs to overlap; a few rounds make an overlap near certain.
    for round in 0..12 {
        let (dir, ledger) = scratch();
        let d = dir.path();
        let import = run(
            d,
            &ledger,
            &["ledger", "import", "declaration.csv", "claim-details.csv"],
        );
        assert_eq!(import.code, Some(0), "{}", import.stderr);
        let spawn = |args: &[&str]| {
            std::process::Command::new(env!("CARGO_BIN_EXE_capekit"))
                .current_dir(d)
                .env("CAPEKIT_LEDGER", &ledger)
                .args(args)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn capekit")
        };
        // Every other round, a triage writing its refile file races the refile.
        let first = if round % 2 == 0 {
            vec!["refile", "--out", "a"]
        } else {
            triage(&["--out", "a"])
        };
        let (a, b) = (spawn(&first), spawn(&["refile", "--out", "b"]));
        let (a, b) = (
            a.wait_with_output().expect("a"),
            b.wait_with_output().expect("b"),
        );
        for o in [&a, &b] {
            assert!(
                o.status.code().is_some_and(|c| c <= 1),
                "round {round}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        let (in_a, in_b) = (upload_entries(&d.join("a")), upload_entries(&d.join("b")));
        assert!(
            !in_a.is_empty() || !in_b.is_empty(),
            "round {round}: one of the runs writes the refile"
        );
        let both: Vec<&String> = in_a.intersection(&in_b).collect();
        assert!(
            both.is_empty(),
            "round {round}: {both:?} written into the refile files of a and b"
        );
        let verify = run(d, &ledger, &["ledger", "verify"]);
        assert_eq!(verify.code, Some(0), "round {round}: {}", verify.stdout);
    }
}

#[test]
fn a_refile_that_cannot_be_written_reserves_nothing() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    run(
        d,
        &ledger,
        &["ledger", "import", "declaration.csv", "claim-details.csv"],
    );
    // A folder where the file should be: the write fails.
    std::fs::create_dir_all(d.join("out").join(refiled()).join("x")).expect("folder");
    let r = run(d, &ledger, &["refile", "--out", "out"]);
    assert_eq!(r.code, Some(2), "{}", r.stdout);
    assert_eq!(state(d, &ledger, REFILE_ACTION), "rejected");
    let next = run(d, &ledger, &["refile", "--out", "next", "--format", "json"]).json();
    assert_eq!(next["entries"].as_array().map(Vec::len), Some(4), "{next}");
}

fn declaration_state(d: &Path, ledger: &Path, n: usize) -> String {
    run(d, ledger, &["ledger", "declarations", "--format", "json"]).json()[n]["state"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn a_validation_result_file_naming_no_entry_fails_the_declaration_named_and_no_other() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    run(d, &ledger, &triage(&["--out", "out"]));
    run(
        d,
        &ledger,
        &[
            "ledger",
            "uploaded",
            "out/refile-100000241223-2026-11-24.csv",
        ],
    );
    std::fs::write(
        d.join("vrf.csv"),
        "Entry Number,Error Message\r\n,FAILED INITIAL VALIDATION\r\n",
    )
    .expect("write");
    // Without a declaration named, nothing is guessed: the one upload waiting is named, with
    // the command that marks it.
    let import = run(d, &ledger, &["ledger", "import", "vrf.csv"]);
    assert_eq!(import.code, Some(0), "{}", import.stderr);
    assert!(
        import.stdout.contains("capekit ledger failed '#2'"),
        "{}",
        import.stdout
    );
    assert_eq!(declaration_state(d, &ledger, 1), "uploaded");
    assert_eq!(state(d, &ledger, REFILE_ACTION), "pending");
    // Named, it fails that declaration, and its entries are released.
    let named = run(
        d,
        &ledger,
        &[
            "ledger",
            "import",
            "vrf.csv",
            "--declaration",
            "out/refile-100000241223-2026-11-24.csv",
        ],
    );
    assert_eq!(named.code, Some(0), "{}", named.stderr);
    assert!(named.stdout.contains("marked failed"), "{}", named.stdout);
    assert_eq!(declaration_state(d, &ledger, 1), "failed");
    assert_eq!(declaration_state(d, &ledger, 0), "answered");
    assert_eq!(state(d, &ledger, REFILE_ACTION), "rejected");
    assert_eq!(run(d, &ledger, &["ledger", "verify"]).code, Some(0));
    // --declaration without a claim file says what it is for.
    let alone = run(
        d,
        &ledger,
        &["ledger", "import", "declaration.csv", "--declaration", "#1"],
    );
    assert_eq!(alone.code, Some(2), "{}", alone.stdout);
    assert!(
        alone.stderr.contains("claim files answer"),
        "{}",
        alone.stderr
    );
}

/// A Claim Details of the demo refile's four entries, all rejected again, on claim `claim` of
/// `date` (MM/DD/YYYY).
fn refile_claim(d: &Path, name: &str, claim: &str, date: &str) {
    let mut csv = String::from("ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION,CLAIM_DATE\r\n");
    for e in ["B7644104112", "B7644109590", "B7644115076", "B7644145214"] {
        csv.push_str(&format!(
            "=\"{e}\",=\"{claim}\",Failed,UNABLE TO CALCULATE DUTY,{date}\r\n"
        ));
    }
    std::fs::write(d.join(name), csv).expect("write claim");
}

#[test]
fn an_older_claim_new_to_the_ledger_leaves_the_later_upload_pending_and_says_so() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    run(d, &ledger, &triage(&["--out", "out"]));
    let up = run(
        d,
        &ledger,
        &[
            "ledger",
            "uploaded",
            "out/refile-100000241223-2026-11-24.csv",
            "--at",
            "2026-11-20",
        ],
    );
    assert_eq!(up.code, Some(0), "{}", up.stderr);
    // A claim never recorded before, of 2026-11-02: it cannot answer an upload of 2026-11-20.
    refile_claim(d, "claim-old.csv", "100000239999", "11/02/2026");
    let import = run(d, &ledger, &["ledger", "import", "claim-old.csv"]);
    assert_eq!(import.code, Some(0), "{}", import.stderr);
    assert!(
        import
            .stdout
            .contains("claim 100000239999 of 2026-11-02 is older than every upload"),
        "{}",
        import.stdout
    );
    assert_eq!(state(d, &ledger, REFILE_ACTION), "pending");
    let none = run(d, &ledger, &["refile", "--out", "next", "--format", "json"]).json();
    assert_eq!(
        none["entries"],
        serde_json::json!([]),
        "offered twice: {none}"
    );
    assert_eq!(declaration_state(d, &ledger, 1), "uploaded");
    // The refile's own claim, of 2026-11-21, answers it and releases its entries.
    refile_claim(d, "claim-new.csv", "100000240001", "11/21/2026");
    let import = run(d, &ledger, &["ledger", "import", "claim-new.csv"]);
    assert_eq!(import.code, Some(0), "{}", import.stderr);
    assert_eq!(declaration_state(d, &ledger, 1), "answered");
    assert_eq!(state(d, &ledger, REFILE_ACTION), "rejected");
    assert_eq!(run(d, &ledger, &["ledger", "verify"]).code, Some(0));
}

/// Every command a run's output quotes between backticks that starts with `capekit `.
fn quoted_commands(text: &str) -> Vec<Vec<String>> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|c| c.starts_with("capekit "))
        .map(|c| c.split_whitespace().skip(1).map(str::to_owned).collect())
        .collect()
}

#[test]
fn every_hint_the_demo_prints_runs_as_printed_on_the_demo_ledger() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    let demo = run(
        d,
        &ledger,
        &["demo", "--out", "demo", "--as-of", "2026-11-24"],
    );
    assert_eq!(demo.code, Some(0), "{}", demo.stderr);
    let printed = format!("{}\n{}", demo.stdout, demo.stderr);
    // Sample data: no hint offers to mark it uploaded.
    assert!(!printed.contains("ledger uploaded"), "{printed}");
    let hints = quoted_commands(&printed);
    assert!(!hints.is_empty(), "{printed}");
    for hint in hints {
        assert_eq!(
            hint.first().map(String::as_str),
            Some("--ledger"),
            "a hint without the demo's ledger: {hint:?}"
        );
        let args: Vec<&str> = hint.iter().map(String::as_str).collect();
        let r = run(d, &ledger, &args);
        assert_eq!(r.code, Some(0), "{hint:?}: {}", r.stderr);
        assert!(
            r.stdout.contains("demo/refile-100000241223-2026-11-24.csv"),
            "{hint:?}: {}",
            r.stdout
        );
    }
    assert!(!ledger.exists(), "a hint reached the real ledger");
}

#[test]
fn hints_name_the_ledger_given_with_ledger() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    let mut args = vec!["--ledger", "mine.sqlite3"];
    args.extend(triage(&["--out", "out"]));
    let t = run(d, &ledger, &args);
    assert_eq!(t.code, Some(0), "{}", t.stderr);
    assert!(
        t.stderr
            .contains("run `capekit --ledger mine.sqlite3 ledger uploaded out/refile-100000241223-2026-11-24.csv`"),
        "{}",
        t.stderr
    );
    let hint = &quoted_commands(&t.stderr)[0];
    let args: Vec<&str> = hint.iter().map(String::as_str).collect();
    let up = run(d, &ledger, &args);
    assert_eq!(up.code, Some(0), "{}", up.stderr);
    assert!(up.stdout.contains("draft -> uploaded"), "{}", up.stdout);
    assert!(!ledger.exists(), "the hint went to another ledger");
}

#[test]
fn uploaded_marks_the_live_draft_when_a_superseded_one_has_the_same_bytes() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    run(d, &ledger, &triage(&["--out", "out"]));
    run(
        d,
        &ledger,
        &[
            "ledger",
            "discard",
            "out/refile-100000241223-2026-11-24.csv",
        ],
    );
    // The same entries written again elsewhere: the same bytes as the discarded draft.
    let r = run(d, &ledger, &["refile", "--out", "again"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    std::fs::copy(d.join("again").join(refiled()), d.join("copy.csv")).expect("copy");
    let up = run(d, &ledger, &["ledger", "uploaded", "copy.csv"]);
    assert_eq!(up.code, Some(0), "{}", up.stderr);
    assert!(
        up.stdout
            .contains(&format!("again/{}: draft -> uploaded", refiled())),
        "{}",
        up.stdout
    );
    let up = run(
        d,
        &ledger,
        &["ledger", "uploaded", &format!("again/{}", refiled())],
    );
    assert_eq!(up.code, Some(0), "{}", up.stderr);
    assert!(up.stdout.contains("already uploaded"), "{}", up.stdout);
    assert_eq!(declaration_state(d, &ledger, 1), "discarded");
    assert_eq!(run(d, &ledger, &["ledger", "verify"]).code, Some(0));
}

#[test]
fn an_entry_its_claim_left_out_is_not_released_with_a_command_the_ledger_refuses() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    run(d, &ledger, &triage(&["--out", "out"]));
    // The demo declaration has one entry in no claim file: held on the answered declaration.
    let r = run(d, &ledger, &["refile", "--out", "next"]);
    assert!(
        r.stdout
            .contains("which claim 100000241223 answered without listing them"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("ledger failed declaration.csv"),
        "{}",
        r.stdout
    );
}

#[test]
fn outputs_built_while_the_triage_is_recorded_say_what_the_ledger_knows() {
    // The outputs are built from the report while the triage is recorded; the ledger's answer
    // (here: an entry accepted on a claim this triage does not see) comes after, and changes the
    // report, so the files written must be built from the changed report.
    let (dir, ledger) = scratch();
    let d = dir.path();
    let first = run(d, &ledger, &triage(&["--out", "out"]));
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let accepted = "B7644100003";
    std::fs::write(
        d.join("claim-2.csv"),
        format!(
            "ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\n=\"{accepted}\",=\"100000241999\",Failed,HTS RELATIONSHIP/SEQUENCE MISMATCH\n=\"{REFILE_ACTION}\",=\"100000241999\",Failed,HTS RELATIONSHIP/SEQUENCE MISMATCH\n"
        ),
    )
    .expect("write");
    let second = run(
        d,
        &ledger,
        &[
            "triage",
            "claim-2.csv",
            "--as-of",
            "2026-11-24",
            "--out",
            "second",
        ],
    );
    assert_eq!(second.code, Some(0), "{}", second.stderr);
    let worklist = std::fs::read_to_string(d.join("second/worklist-100000241999-2026-11-24.csv"))
        .expect("worklist");
    let row = worklist
        .lines()
        .find(|l| l.starts_with(accepted))
        .unwrap_or_else(|| panic!("{accepted} on the worklist: {worklist}"));
    assert!(
        row.contains("accepted on claim 100000241223, as the ledger records"),
        "{row}"
    );
    let html = std::fs::read_to_string(d.join("second/report-100000241999-2026-11-24.html"))
        .expect("report");
    assert!(html.contains("accepted on claim 100000241223"), "{html}");
    let refile: String = std::fs::read_dir(d.join("second"))
        .expect("folder")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("refile"))
        .map(|e| std::fs::read_to_string(e.path()).expect("refile"))
        .collect();
    assert!(refile.contains(REFILE_ACTION), "{refile}");
    assert!(!refile.contains(accepted), "{refile}");
}

#[test]
fn an_upload_time_in_the_future_or_before_cape_opened_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = dir.path().join("ledger.sqlite3");
    std::fs::write(dir.path().join("d.csv"), "Entry Number\r\nB7603245278\r\n").expect("write");
    for (at, says) in [
        ("2030-01-01", "in the future"),
        ("2020-01-01", "before CAPE opened"),
    ] {
        let out = run(
            dir.path(),
            &ledger,
            &["ledger", "uploaded", "d.csv", "--at", at],
        );
        assert_eq!(out.code, Some(2), "{at}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{at}: {}", out.stderr);
    }
}
