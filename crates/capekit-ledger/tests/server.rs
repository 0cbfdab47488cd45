//! The ledger on a PostgreSQL server, against a real one: the server schema is the file's twin,
//! and `copy` refuses a target that holds rows and leaves nothing behind when it fails.
//!
//! The server is `CAPEKIT_TEST_POSTGRES` (a libpq key=value string or a `postgres://` URL of a
//! database the tests may create schemas in); each test works in a schema of its own, dropped
//! at the end. Without it (or with the server down) the tests say they were skipped and pass,
//! except under CI (`CI` set), where they fail.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};

use capekit_ledger::Ledger;
use capekit_ledger::server::{Location, ServerUrl, copy, tables};

const SERVER_ENV: &str = "CAPEKIT_TEST_POSTGRES";

/// A schema of its own on the test server, dropped when done.
struct Scratch {
    admin: postgres::Client,
    schema: String,
    url: ServerUrl,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = self
            .admin
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
    }
}

/// The test server with a fresh schema, or `None` (said) when there is none outside CI.
fn server() -> Option<Scratch> {
    static N: AtomicU32 = AtomicU32::new(0);
    let base = std::env::var(SERVER_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty());
    let unavailable = |why: String| {
        if std::env::var_os("CI").is_some() {
            panic!("CI needs a PostgreSQL server for these tests ({SERVER_ENV}): {why}");
        }
        println!("skipped: no PostgreSQL server (set {SERVER_ENV}): {why}");
    };
    let Some(base) = base else {
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
        "capekit_test_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        jiff::Timestamp::now().as_millisecond()
    );
    admin
        .batch_execute(&format!("CREATE SCHEMA {schema}"))
        .expect("create a test schema");
    let with_path = if base.contains("://") {
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}options=-csearch_path%3D{schema}")
    } else {
        format!("{base} options='-csearch_path={schema}'")
    };
    let url = ServerUrl::parse(&with_path).expect("a server address");
    Some(Scratch { admin, schema, url })
}

fn sqlite_schema(path: &std::path::Path) -> BTreeMap<String, Vec<(String, bool, bool)>> {
    let conn = rusqlite::Connection::open(path).expect("open");
    let mut out = BTreeMap::new();
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("tables");
    for t in names {
        let cols: Vec<(String, bool, bool)> = conn
            .prepare("SELECT name, \"notnull\", pk FROM pragma_table_info(?1) ORDER BY cid")
            .and_then(|mut s| {
                s.query_map([&t], |r| {
                    let pk: i64 = r.get(2)?;
                    let notnull: bool = r.get(1)?;
                    // SQLite lets a primary key column other than a row id hold NULL unless
                    // said NOT NULL; every key column of the ledger is meant not null.
                    Ok((r.get(0)?, notnull || pk > 0, pk > 0))
                })?
                .collect()
            })
            .expect("columns");
        out.insert(t, cols);
    }
    out
}

fn server_schema(c: &mut postgres::Client) -> BTreeMap<String, Vec<(String, bool, bool)>> {
    let mut out: BTreeMap<String, Vec<(String, bool, bool)>> = BTreeMap::new();
    let rows = c
        .query(
            "SELECT c.table_name::text, c.column_name::text, c.is_nullable = 'NO',
                    EXISTS (SELECT 1 FROM information_schema.table_constraints tc
                            JOIN information_schema.key_column_usage k
                              ON k.constraint_name = tc.constraint_name
                             AND k.table_schema = tc.table_schema
                            WHERE tc.constraint_type = 'PRIMARY KEY'
                              AND tc.table_schema = c.table_schema
                              AND tc.table_name = c.table_name
                              AND k.column_name = c.column_name)
             FROM information_schema.columns c
             JOIN information_schema.tables t
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name
             WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
               AND c.table_name <> 'capekit_schema_version'
             ORDER BY c.table_name, c.ordinal_position",
            &[],
        )
        .expect("server columns");
    for r in rows {
        out.entry(r.get(0))
            .or_default()
            .push((r.get(1), r.get(2), r.get(3)));
    }
    out
}

#[test]
fn the_server_schema_is_the_twin_of_the_file_schema() {
    let Some(s) = server() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("ledger.sqlite3");
    Ledger::open(&file).expect("a new ledger file");
    // An empty copy creates the server's tables.
    let report = copy(
        &Location::File(file.clone()),
        &Location::Server(s.url.clone()),
    )
    .expect("copy an empty ledger");
    assert_eq!(report.rows(), 0);
    let mut c = s.url.connect().expect("connect");

    let sqlite = sqlite_schema(&file);
    let server = server_schema(&mut c);
    assert_eq!(
        sqlite.keys().collect::<Vec<_>>(),
        server.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    for (table, cols) in &sqlite {
        assert_eq!(Some(cols), server.get(table), "columns of {table}");
    }
    assert_eq!(
        tables().expect("tables").len(),
        sqlite.len(),
        "the copy walks every table"
    );

    // The same indexes by name (the server's own for keys and uniqueness aside), the one
    // view, and every CHECK of the file as a constraint on the server.
    let conn = rusqlite::Connection::open(&file).expect("open");
    let sqlite_indexes: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
        )
        .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
        .expect("indexes");
    let server_indexes: Vec<String> = c
        .query(
            "SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema()
               AND indexname NOT LIKE '%\\_pkey' AND indexname NOT LIKE '%\\_key'
               AND indexname <> 'users_name_nocase'
             ORDER BY indexname",
            &[],
        )
        .expect("server indexes")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(sqlite_indexes, server_indexes);
    let views: Vec<String> = c
        .query(
            "SELECT table_name::text FROM information_schema.views WHERE table_schema = current_schema()",
            &[],
        )
        .expect("views")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(views, ["declaration_state"]);
    let sqlite_checks: usize = conn
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'table'")
        .and_then(|mut st| {
            st.query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()
        })
        .expect("table sql")
        .iter()
        .map(|sql| sql.matches("CHECK").count())
        .sum();
    let server_checks: i64 = c
        .query_one(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'c'
               AND connamespace = current_schema()::regnamespace",
            &[],
        )
        .expect("checks")
        .get(0);
    assert_eq!(sqlite_checks as i64, server_checks, "CHECK constraints");

    // The rules hold on the server too: a password in clear, a user name taken in another
    // case, and an entry number of the wrong length are refused.
    for bad in [
        "INSERT INTO users (name, role, password_hash, created_at, changed_at) VALUES ('ada', 'admin', 'hunter2', 'x', 'x')",
        "INSERT INTO entry_records (entry, record) VALUES ('123', '{}')",
    ] {
        assert!(c.batch_execute(bad).is_err(), "{bad}");
    }
    c.batch_execute("INSERT INTO users (name, role, password_hash, created_at, changed_at) VALUES ('ada', 'admin', '$argon2id$v=19$x', 'x', 'x')")
        .expect("a hashed password");
    assert!(
        c.batch_execute("INSERT INTO users (name, role, password_hash, created_at, changed_at) VALUES ('ADA', 'clerk', '$argon2id$v=19$y', 'x', 'x')")
            .is_err(),
        "user names are unique whatever their case"
    );
}

#[test]
fn a_target_that_holds_rows_is_refused_and_left_as_it_was() {
    let Some(s) = server() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("ledger.sqlite3");
    let mut l = Ledger::open(&file).expect("a new ledger file");
    l.set_signoff_required(true).expect("a setting");
    drop(l);
    copy(
        &Location::File(file.clone()),
        &Location::Server(s.url.clone()),
    )
    .expect("first copy");

    let again = copy(
        &Location::File(file.clone()),
        &Location::Server(s.url.clone()),
    )
    .expect_err("a second copy into the same database");
    assert!(again.is_not_empty(), "{again}");
    assert!(again.to_string().contains("1 settings"), "{again}");
    let mut c = s.url.connect().expect("connect");
    let n: i64 = c
        .query_one("SELECT count(*) FROM settings", &[])
        .expect("count")
        .get(0);
    assert_eq!(n, 1);

    // Back to a file that already holds a ledger with rows: refused, the file unchanged.
    let back = copy(
        &Location::Server(s.url.clone()),
        &Location::File(file.clone()),
    )
    .expect_err("a file that holds a ledger");
    assert!(back.is_not_empty(), "{back}");
    assert!(
        back.to_string().contains(&file.display().to_string()),
        "{back}"
    );
}

#[test]
fn a_copy_that_fails_half_way_leaves_the_target_empty() {
    let Some(s) = server() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("ledger.sqlite3");
    let mut l = Ledger::open(&file).expect("a new ledger file");
    l.set_signoff_required(true).expect("a setting");
    drop(l);
    // Rows in the first tables, then a value the server cannot hold in the last one copied
    // (SQLite keeps bytes in a TEXT column as they are).
    let conn = rusqlite::Connection::open(&file).expect("open");
    conn.execute_batch(
        "INSERT INTO files (sha256, kind, name, size, imported_at)
           VALUES ('0000000000000000000000000000000000000000000000000000000000000000', 'declaration', 'a.csv', 1, '2026-01-01T00:00:00Z');
         INSERT INTO settings (key, value, changed_at) VALUES ('broken', X'FF00', '2026-01-01T00:00:00Z');",
    )
    .expect("rows");
    drop(conn);
    let last = tables().expect("tables");
    assert_eq!(last.last().map(String::as_str), Some("settings"));

    let err = copy(&Location::File(file), &Location::Server(s.url.clone()))
        .expect_err("bytes in a text column");
    let msg = err.to_string();
    assert!(
        msg.contains("table settings, column value, row key `broken`"),
        "{msg}"
    );
    // Nothing is left: not even the tables the copy created.
    let mut c = s.url.connect().expect("connect");
    let left: i64 = c
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()",
            &[],
        )
        .expect("count")
        .get(0);
    assert_eq!(left, 0, "the target is as before the copy");

    // Failing on the way back: a file the copy created is removed. The server ledger is given,
    // behind the copy's back, a sign-off of no declaration, which the file's foreign keys
    // refuse when the last table is copied.
    let empty = dir.path().join("empty.sqlite3");
    Ledger::open(&empty).expect("a new ledger file");
    copy(&Location::File(empty), &Location::Server(s.url.clone())).expect("an empty copy");
    c.batch_execute(
        "INSERT INTO files (id, sha256, kind, name, size, imported_at)
           VALUES (1, '1111111111111111111111111111111111111111111111111111111111111111', 'declaration', 'a.csv', 1, 'x');
         INSERT INTO declarations (id, file_id, entries, seq) VALUES (1, 1, 0, 1);
         ALTER TABLE signoffs DROP CONSTRAINT signoffs_declaration_id_fkey;
         INSERT INTO signoffs (declaration_id, reviewer, at) VALUES (99, 'ada', 'x');",
    )
    .expect("a server ledger with a sign-off of no declaration");
    let back = dir.path().join("back.sqlite3");
    let err = copy(
        &Location::Server(s.url.clone()),
        &Location::File(back.clone()),
    )
    .expect_err("a sign-off of no declaration");
    assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
    assert!(!back.exists(), "the file the copy created is removed");
}
