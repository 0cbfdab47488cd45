//! `capekit user` and `capekit serve --team` as a user runs them: passwords from standard input,
//! never printed nor stored in clear; weak passwords and taken names refused; the binding rules
//! of a server without sign-in.

mod common;

use std::path::Path;

use common::{Run, capekit, run_with_ledger};

const PASSWORD: &str = "correct horse battery staple";

/// `capekit user add NAME --role ROLE --password-stdin`, with `password` on standard input.
fn add(dir: &Path, ledger: &Path, name: &str, role: &str, password: &str) -> Run {
    let out = capekit(dir, ledger)
        .args(["user", "add", name, "--role", role, "--password-stdin"])
        .write_stdin(format!("{password}\n"))
        .output()
        .expect("run capekit");
    Run::of(&out)
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
