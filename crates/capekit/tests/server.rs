//! A ledger on a PostgreSQL server, through the binary: `capekit ledger copy` moves a filled
//! ledger to a server and back, row for row; every other command refuses a server ledger
//! clearly; a password is never printed.
//!
//! The server is `CAPEKIT_TEST_POSTGRES` (see `crates/capekit-ledger/tests/server.rs`): without
//! it the tests that need one say they were skipped and pass, except under CI (`CI` set).

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

use common::{Run, capekit, run_with_ledger};

const SERVER_ENV: &str = "CAPEKIT_TEST_POSTGRES";
const PASSWORD: &str = "s3cret-not-shown";

/// A schema of its own on the test server, dropped when done; `url` reaches it.
struct Scratch {
    admin: postgres::Client,
    schema: String,
    url: String,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = self
            .admin
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
    }
}

fn server() -> Option<Scratch> {
    static N: AtomicU32 = AtomicU32::new(0);
    let unavailable = |why: String| {
        if std::env::var_os("CI").is_some() {
            panic!("CI needs a PostgreSQL server for these tests ({SERVER_ENV}): {why}");
        }
        println!("skipped: no PostgreSQL server (set {SERVER_ENV}): {why}");
    };
    let Some(base) = std::env::var(SERVER_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty())
    else {
        unavailable("not set".to_owned());
        return None;
    };
    let mut admin = match postgres::Client::connect(&base, postgres::NoTls) {
        Ok(c) => c,
        Err(e) => {
            unavailable(e.to_string());
            return None;
        }
    };
    let schema = format!(
        "capekit_cli_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        jiff::Timestamp::now().as_millisecond()
    );
    admin
        .batch_execute(&format!("CREATE SCHEMA {schema}"))
        .expect("create a test schema");
    // A password the (trusting) test server ignores, to prove it is never printed.
    let url = if base.contains("://") {
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}password={PASSWORD}&options=-csearch_path%3D{schema}")
    } else {
        format!("{base} password={PASSWORD} options='-csearch_path={schema}'")
    };
    Some(Scratch { admin, schema, url })
}

fn entry(n: u32) -> String {
    capekit_core::EntryNumber::from_parts("B76", n)
        .expect("entry")
        .to_string()
}

/// A ledger with real content: the demo's declarations, claim and entries, a refund report,
/// the importer's readiness and a user.
fn filled_ledger(d: &Path) -> std::path::PathBuf {
    let out = Run::of(
        &capekit(d, &d.join("unused.sqlite3"))
            .args(["demo", "--out", "demo"])
            .output()
            .expect("run capekit"),
    );
    assert_eq!(out.code, Some(0), "{}", out.both());
    let ledger = d.join("demo").join("ledger.sqlite3");
    std::fs::write(
        d.join("es022.csv"),
        format!(
            "ES-022 CAPE Entry Summary\r\nDeclaration Number,Entry Number,Refund Number,Principal Amount,Interest Amount,Liquidation Date\r\n260512000123,{},R-1,\"$5,000.00\",$350.00,06/10/2026\r\n260512000124,{},R-2,$900.00,$0.00,06/20/2026\r\n",
            entry(1),
            entry(2)
        ),
    )
    .expect("write");
    let out = run_with_ledger(d, &ledger, &["ledger", "import", "es022.csv"]);
    assert_eq!(out.code, Some(0), "{}", out.both());
    let out = run_with_ledger(
        d,
        &ledger,
        &[
            "refunds",
            "--as-of",
            "2026-08-01",
            "--corporate",
            "12-3456789AA",
            "--ach-enrolled",
            "12-3456789AA",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.both());
    let out = Run::of(
        &capekit(d, &ledger)
            .args(["user", "add", "ada", "--role", "admin", "--password-stdin"])
            .write_stdin("correct horse battery staple\n")
            .output()
            .expect("run capekit"),
    );
    assert_eq!(out.code, Some(0), "{}", out.both());
    // The entry data of a plan (its deadlines and records), and an act on another path.
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/es003.csv"),
        d.join("es003.csv"),
    )
    .expect("copy the demo ES-003");
    let out = run_with_ledger(
        d,
        &ledger,
        &[
            "plan",
            "es003.csv",
            "--as-of",
            "2026-11-24",
            "--out",
            "plan",
            "--phase3-importers",
            "27-184593000:yes",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.both());
    let out = run_with_ledger(
        d,
        &ledger,
        &[
            "ledger",
            "acted",
            "316-1880079-6",
            "--protest",
            "270426100999",
            "--date",
            "2026-11-23",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.both());
    let out = run_with_ledger(d, &ledger, &["user", "policy", "--no-signoff"]);
    assert_eq!(out.code, Some(0), "{}", out.both());
    // What a team server records as its users work: a reviewer's sign-off and the audit log.
    let mut l = capekit_ledger::Ledger::open(&ledger).expect("open the ledger");
    l.sign_off(capekit_ledger::DeclarationId(1), "ada")
        .expect("a sign-off");
    l.record_audit(&capekit_ledger::Audit {
        who: "ada",
        action: "sign-off",
        object_kind: "declaration",
        object: "1",
        detail: "",
    })
    .expect("an audit row");
    ledger
}

/// Every row of every table of a ledger file, table by table, in key order.
fn rows(path: &Path) -> Vec<(String, Vec<Vec<rusqlite::types::Value>>)> {
    let conn = rusqlite::Connection::open(path).expect("open");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("tables");
    tables
        .into_iter()
        .map(|t| {
            let mut s = conn
                .prepare(&format!("SELECT * FROM {t} ORDER BY 1, 2"))
                .or_else(|_| conn.prepare(&format!("SELECT * FROM {t} ORDER BY 1")))
                .expect("select");
            let n = s.column_count();
            let all: Vec<Vec<rusqlite::types::Value>> = s
                .query_map([], |r| (0..n).map(|i| r.get(i)).collect())
                .and_then(|rows| rows.collect())
                .expect("rows");
            (t, all)
        })
        .collect()
}

fn copy(d: &Path, ledger: &str, to: &str) -> Run {
    Run::of(
        &capekit(d, Path::new("unused.sqlite3"))
            .args(["--ledger", ledger, "ledger", "copy", "--to", to])
            .output()
            .expect("run capekit"),
    )
}

#[test]
fn a_filled_ledger_goes_to_the_server_and_back_row_for_row() {
    let Some(s) = server() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let ledger = filled_ledger(d);
    let before = rows(&ledger);
    for table in [
        "declarations",
        "claim_entries",
        "declaration_bytes",
        "refund_events",
        "importer_facts",
        "importer_readiness",
        "users",
        "audit",
        "signoffs",
        "settings",
        "entry_data",
        "entry_deadlines",
        "entry_acts",
        "entry_records",
        "file_dates",
        "refund_files",
        "phase3_importers",
    ] {
        let n = before
            .iter()
            .find(|(t, _)| t == table)
            .map_or(0, |(_, r)| r.len());
        assert!(n > 0, "the test ledger has rows in {table}");
    }

    let out = copy(d, &ledger.display().to_string(), &s.url);
    assert_eq!(out.code, Some(0), "{}", out.both());
    assert!(
        out.stdout.contains("reconciled: 25 tables"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("password=***"), "{}", out.stdout);
    assert!(!out.both().contains(PASSWORD), "{}", out.both());
    let files = before
        .iter()
        .find(|(t, _)| t == "files")
        .map(|(_, r)| r.len());
    assert!(
        out.stdout
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == [
                    "files",
                    &files.unwrap_or(0).to_string(),
                    &files.unwrap_or(0).to_string()
                ]),
        "{}",
        out.stdout
    );
    assert_eq!(rows(&ledger), before, "the source is only read");

    // The server numbers the next row after the ids copied.
    let mut c = postgres::Client::connect(&s.url, postgres::NoTls).expect("connect");
    let (max, next): (i64, i64) = {
        let max: i64 = c
            .query_one("SELECT max(id) FROM audit", &[])
            .expect("max")
            .get(0);
        let next: i64 = c
            .query_one(
                "INSERT INTO audit (at, who, action) VALUES ('x', 'test', 'probe') RETURNING id",
                &[],
            )
            .expect("insert")
            .get(0);
        (max, next)
    };
    assert_eq!(next, max + 1);
    c.batch_execute("DELETE FROM audit WHERE action = 'probe'")
        .expect("delete");

    // A second copy into the same database is refused, and says what it holds.
    let again = copy(d, &ledger.display().to_string(), &s.url);
    assert_eq!(again.code, Some(2), "{}", again.both());
    assert!(
        again.stderr.contains("is not empty: it holds"),
        "{}",
        again.stderr
    );
    assert!(again.stderr.contains("1 users"), "{}", again.stderr);
    assert!(!again.both().contains(PASSWORD));

    // And back to a new file: the same rows, and a sound ledger.
    let back = d.join("back.sqlite3");
    let out = copy(d, &s.url, &back.display().to_string());
    assert_eq!(out.code, Some(0), "{}", out.both());
    assert!(!out.both().contains(PASSWORD));
    assert_eq!(rows(&back), before, "every table, row for row");
    let verify = run_with_ledger(d, &back, &["ledger", "verify"]);
    assert_eq!(verify.code, Some(0), "{}", verify.both());
    let status = run_with_ledger(d, &back, &["ledger", "status"]);
    assert_eq!(status.code, Some(0), "{}", status.both());

    // Back again onto that file: refused, the file unchanged.
    let out = copy(d, &s.url, &back.display().to_string());
    assert_eq!(out.code, Some(2), "{}", out.both());
    assert!(out.stderr.contains("is not empty"), "{}", out.stderr);
    assert_eq!(rows(&back), before);
    // Nor onto a file that is not a ledger.
    std::fs::write(d.join("notes.txt"), "mine").expect("write");
    let out = copy(d, &s.url, "notes.txt");
    assert_eq!(out.code, Some(2), "{}", out.both());
    assert!(out.stderr.contains("is not a ledger"), "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(d.join("notes.txt")).ok().as_deref(),
        Some("mine")
    );
}

#[test]
fn every_other_command_refuses_a_server_ledger_clearly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("upload.csv"), "x").expect("write");
    let url = format!("postgres://ada:{PASSWORD}@localhost:1/ledger");
    let conninfo = format!("host=/nowhere dbname=ledger password={PASSWORD}");
    let commands: &[&[&str]] = &[
        &["ledger", "status"],
        &["ledger", "verify"],
        &["ledger", "import", "upload.csv"],
        &["check", "upload.csv"],
        &["triage", "upload.csv"],
        &["user", "list"],
        &["demo", "--out", "demo"],
        &["explain", "C001"],
    ];
    for given in [&url, &conninfo] {
        for args in commands {
            for through_env in [false, true] {
                let mut cmd = capekit(d, Path::new(given));
                if !through_env {
                    cmd.env_remove("CAPEKIT_LEDGER").args(["--ledger", given]);
                }
                let out = Run::of(&cmd.args(*args).output().expect("run capekit"));
                assert_eq!(out.code, Some(2), "{args:?}: {}", out.both());
                assert!(
                    out.stderr.contains("is on a PostgreSQL server")
                        && out.stderr.contains("runs its commands on a ledger file")
                        && out
                            .stderr
                            .contains("`capekit ledger copy` moves a ledger to and from a server"),
                    "{args:?}: {}",
                    out.stderr
                );
                assert!(!out.both().contains(PASSWORD), "{}", out.both());
            }
        }
    }
    // Nothing was created in the folder: no file named after the address.
    let mut names: Vec<String> = std::fs::read_dir(d)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["upload.csv"]);

    // `ledger copy` reaches for the server, and says when it cannot.
    let out = copy(d, &url, "back.sqlite3");
    assert_eq!(out.code, Some(2), "{}", out.both());
    assert!(
        out.stderr
            .contains("cannot connect to the ledger server postgres://ada:***@localhost:1/ledger"),
        "{}",
        out.stderr
    );
    assert!(!out.both().contains(PASSWORD));
    assert!(!d.join("back.sqlite3").exists());
}
