//! `capekit user` and `capekit serve --team` as a user runs them: passwords from standard input,
//! never printed nor stored in clear; weak passwords and taken names refused; the binding rules
//! of a server without sign-in.

mod common;

use std::path::Path;

use common::{Run, capekit, run_with_ledger};

const PASSWORD: &str = "correct horse battery staple";

/// `capekit ARGS...` with `password` on the first line of standard input.
fn with_password(dir: &Path, ledger: &Path, args: &[&str], password: &str) -> Run {
    let out = capekit(dir, ledger)
        .args(args)
        .write_stdin(format!("{password}\n"))
        .output()
        .expect("run capekit");
    Run::of(&out)
}

/// `capekit user add NAME --role ROLE --password-stdin`, with `password` on standard input.
fn add(dir: &Path, ledger: &Path, name: &str, role: &str, password: &str) -> Run {
    let args = ["user", "add", name, "--role", role, "--password-stdin"];
    with_password(dir, ledger, &args, password)
}

#[test]
fn users_are_added_listed_and_disabled_without_a_password_in_sight() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = dir.path().join("ledger.sqlite3");
    let out = add(dir.path(), &ledger, "ada", "admin", PASSWORD);
    assert_eq!(out.code, Some(0), "{}", out.both());
    assert!(out.stdout.contains("added ada (admin)"), "{}", out.both());
    assert!(!out.both().contains(PASSWORD));

    // A short password, and a name taken: refused, exit 2, nothing added.
    let out = add(dir.path(), &ledger, "cal", "clerk", "short");
    assert_eq!(out.code, Some(2), "{}", out.both());
    assert!(out.stderr.contains("the fewest is 12"), "{}", out.both());
    assert!(!out.both().contains("short\n"));
    let out = add(dir.path(), &ledger, "ADA", "clerk", PASSWORD);
    assert_eq!(out.code, Some(2), "{}", out.both());
    assert!(out.stderr.contains("already a user"), "{}", out.both());

    let out = run_with_ledger(dir.path(), &ledger, &["user", "list"]);
    assert_eq!(out.code, Some(0), "{}", out.both());
    assert!(
        out.stdout.starts_with("ada\tadmin\tenabled"),
        "{}",
        out.both()
    );
    assert!(!out.stdout.contains("argon2") && !out.stdout.contains("cal"));

    let out = run_with_ledger(dir.path(), &ledger, &["user", "disable", "ada"]);
    assert_eq!(out.code, Some(0), "{}", out.both());
    let out = run_with_ledger(dir.path(), &ledger, &["user", "list"]);
    assert!(
        out.stdout.contains("ada\tadmin\tdisabled"),
        "{}",
        out.both()
    );
    let out = run_with_ledger(dir.path(), &ledger, &["user", "disable", "nobody"]);
    assert_eq!(out.code, Some(2), "{}", out.both());

    let out = run_with_ledger(dir.path(), &ledger, &["user", "policy", "--no-signoff"]);
    assert!(out.stdout.contains("sign-off: off"), "{}", out.both());

    // The ledger's bytes hold only the hash.
    let conn = rusqlite::Connection::open(&ledger).expect("raw open");
    let hash: String = conn
        .query_row("SELECT password_hash FROM users", [], |r| r.get(0))
        .expect("hash");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    drop(conn);
    let bytes = std::fs::read(&ledger).expect("bytes");
    assert!(
        !bytes
            .windows(PASSWORD.len())
            .any(|w| w == PASSWORD.as_bytes())
    );
}

#[test]
fn a_server_without_sign_in_stays_on_this_computer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = dir.path().join("ledger.sqlite3");
    for args in [
        &["serve", "--addr", "0.0.0.0:0", "--no-browser"][..],
        &[
            "serve",
            "--addr",
            "0.0.0.0:0",
            "--allow-remote",
            "--no-browser",
        ],
        &["serve", "--addr", "0.0.0.0:0", "--team", "--no-browser"],
    ] {
        let out = run_with_ledger(dir.path(), &ledger, args);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.both());
        assert!(!out.stdout.contains("open http"), "{}", out.both());
    }
    let out = run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "serve",
            "--addr",
            "0.0.0.0:0",
            "--allow-remote",
            "--no-browser",
        ],
    );
    assert!(
        out.stderr.contains("--allow-remote needs --team"),
        "{}",
        out.both()
    );
    // A team server with nobody to sign in is refused too.
    let out = run_with_ledger(
        dir.path(),
        &ledger,
        &["serve", "--addr", "127.0.0.1:0", "--team", "--no-browser"],
    );
    assert_eq!(out.code, Some(2), "{}", out.both());
    assert!(out.stderr.contains("no users yet"), "{}", out.both());
    // HTTPS needs a team and both files; files that cannot be read stop it before serving.
    let out = run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "serve",
            "--addr",
            "0.0.0.0:0",
            "--tls-cert",
            "c.pem",
            "--tls-key",
            "k.pem",
        ],
    );
    assert_eq!(out.code, Some(2), "{}", out.both());
    assert!(out.stderr.contains("--team"), "{}", out.both());
    let added = add(dir.path(), &ledger, "ada", "admin", PASSWORD);
    assert_eq!(added.code, Some(0), "{}", added.both());
    let out = run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "serve",
            "--addr",
            "0.0.0.0:0",
            "--team",
            "--no-browser",
            "--tls-cert",
            "c.pem",
            "--tls-key",
            "k.pem",
        ],
    );
    assert_eq!(out.code, Some(2), "{}", out.both());
    assert!(out.stderr.contains("c.pem"), "{}", out.both());
    assert!(!out.stdout.contains("open http"), "{}", out.both());
}

/// Triages the demo claim into `dir/out` with the ledger: the refile it writes, a draft.
fn triage_demo(dir: &Path, ledger: &Path) -> std::path::PathBuf {
    let claim = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/claim-details.csv");
    let claim = claim.to_str().expect("path");
    let args = ["triage", claim, "--as-of", "2026-11-24", "--out", "out"];
    let out = run_with_ledger(dir, ledger, &args);
    assert_eq!(out.code, Some(0), "{}", out.both());
    common::written(&dir.join("out"), "refile", ".csv")
}

/// `capekit ledger sign-off DECL --reviewer NAME --password-stdin`.
fn sign_off(dir: &Path, ledger: &Path, decl: &str, reviewer: &str, password: &str) -> Run {
    let args = [
        "ledger",
        "sign-off",
        decl,
        "--reviewer",
        reviewer,
        "--password-stdin",
    ];
    with_password(dir, ledger, &args, password)
}

#[test]
fn on_a_teams_ledger_the_cli_marks_a_draft_uploaded_only_once_a_reviewer_signed_it_off() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = dir.path().join("ledger.sqlite3");
    assert_eq!(
        add(dir.path(), &ledger, "rev", "reviewer", PASSWORD).code,
        Some(0)
    );
    assert_eq!(
        add(dir.path(), &ledger, "cal", "clerk", PASSWORD).code,
        Some(0)
    );
    let refile = triage_demo(dir.path(), &ledger);
    let refile = refile.to_str().expect("path");

    // Not signed off: refused, exit 2, nothing marked.
    let out = run_with_ledger(dir.path(), &ledger, &["ledger", "uploaded", refile]);
    assert_eq!(out.code, Some(2), "{}", out.both());
    assert_eq!(
        out.stderr.matches("has not been signed off").count(),
        1,
        "said once: {}",
        out.both()
    );
    assert!(
        out.stderr.contains("capekit ledger sign-off #1"),
        "{}",
        out.both()
    );
    let out = run_with_ledger(dir.path(), &ledger, &["ledger", "declarations"]);
    assert!(out.stdout.contains("draft"), "{}", out.both());

    // A clerk, a wrong password, a reviewer unknown: refused, and never echoed.
    let out = sign_off(dir.path(), &ledger, refile, "cal", PASSWORD);
    assert_eq!(out.code, Some(2), "{}", out.both());
    assert!(
        out.stderr.contains("only a reviewer or an admin"),
        "{}",
        out.both()
    );
    let out = sign_off(
        dir.path(),
        &ledger,
        refile,
        "rev",
        "not the password at all",
    );
    assert_eq!(out.code, Some(2), "{}", out.both());
    assert!(
        out.stderr.contains("or its password is wrong"),
        "{}",
        out.both()
    );
    assert!(!out.both().contains("not the password at all"));
    let out = sign_off(dir.path(), &ledger, refile, "nobody", PASSWORD);
    assert_eq!(out.code, Some(2), "{}", out.both());

    // The reviewer signs it off (recorded in the audit); then it may be marked uploaded.
    let out = sign_off(dir.path(), &ledger, refile, "rev", PASSWORD);
    assert_eq!(out.code, Some(0), "{}", out.both());
    assert!(out.stdout.contains("signed off by rev"), "{}", out.both());
    let out = run_with_ledger(dir.path(), &ledger, &["ledger", "uploaded", refile]);
    assert_eq!(out.code, Some(0), "{}", out.both());
    assert!(out.stdout.contains("draft -> uploaded"), "{}", out.both());
    let conn = rusqlite::Connection::open(&ledger).expect("raw open");
    let who: String = conn
        .query_row("SELECT who FROM audit WHERE action = 'sign off'", [], |r| {
            r.get(0)
        })
        .expect("the sign-off in the audit");
    assert_eq!(who, "rev");
}

#[test]
fn with_the_rule_off_or_without_users_no_sign_off_is_asked() {
    for with_users in [false, true] {
        let dir = tempfile::tempdir().expect("tempdir");
        let ledger = dir.path().join("ledger.sqlite3");
        if with_users {
            assert_eq!(
                add(dir.path(), &ledger, "ada", "admin", PASSWORD).code,
                Some(0)
            );
            let out = run_with_ledger(dir.path(), &ledger, &["user", "policy", "--no-signoff"]);
            assert_eq!(out.code, Some(0), "{}", out.both());
        }
        let refile = triage_demo(dir.path(), &ledger);
        let out = run_with_ledger(
            dir.path(),
            &ledger,
            &["ledger", "uploaded", refile.to_str().expect("path")],
        );
        assert_eq!(out.code, Some(0), "with users {with_users}: {}", out.both());
    }
}
