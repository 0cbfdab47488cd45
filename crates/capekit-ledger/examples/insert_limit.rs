//! The limit of recording claim rows in SQLite: a bare rusqlite insert, for the end-to-end
//! bench (`bench/run.sh`) to set beside `capekit ledger import`.
//!
//! `insert_limit DB CLAIM-FILE...` reads the claim files' rows (entry, claim, status, message)
//! with the csv crate, then inserts them into a fresh on-disk database with the ledger's
//! durability (WAL, SQLite's default synchronous=FULL, one transaction) into a table keyed like the ledger's
//! `claim_entries` (primary key entry, file, claim; WITHOUT ROWID), one prepared statement, one
//! row an execution, once in the files' order and once in the key's order. It prints rows per
//! second of each insert alone.

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [db, files @ ..] = args.as_slice() else {
        eprintln!("usage: insert_limit DB CLAIM-FILE...");
        std::process::exit(2);
    };
    let start = Instant::now();
    // (entry, file, claim, line, status, message)
    let mut rows: Vec<Row> = Vec::new();
    for (f, path) in files.iter().enumerate() {
        let mut r = csv::Reader::from_path(path)?;
        for (line, rec) in r.records().enumerate() {
            let rec = rec?;
            let unwrap = |s: &str| s.trim_start_matches("=\"").trim_end_matches('"').to_owned();
            rows.push((
                unwrap(&rec[0]),
                i64::try_from(f)?,
                unwrap(&rec[1]),
                i64::try_from(line + 2)?,
                rec[2].to_owned(),
                rec[3].to_owned(),
            ));
        }
    }
    let read = start.elapsed().as_secs_f64();
    let n = rows.len() as f64;
    let file_order = insert(db, &rows)?;
    // The same rows in the key's order: each insert appends to the B-tree.
    rows.sort_unstable_by(|a, b| (&a.0, a.1, &a.2).cmp(&(&b.0, b.1, &b.2)));
    let key_order = insert(db, &rows)?;
    let total = start.elapsed().as_secs_f64();
    println!(
        "bare rusqlite: {} rows; insert in file order {file_order:.2} s ({:.0} rows/s), in key order {key_order:.2} s ({:.0} rows/s); read {read:.2} s; total {total:.2} s",
        rows.len(),
        n / file_order,
        n / key_order,
    );
    Ok(())
}

type Row = (String, i64, String, i64, String, String);

/// Inserts `rows` into a fresh database at `db`; the seconds the transaction took.
fn insert(db: &str, rows: &[Row]) -> Result<f64, Box<dyn std::error::Error>> {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{db}{suffix}"));
    }
    let mut conn = rusqlite::Connection::open(db)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.execute_batch(
        "CREATE TABLE claim_entries (
            entry    TEXT    NOT NULL,
            file_id  INTEGER NOT NULL,
            claim    TEXT    NOT NULL,
            line     INTEGER NOT NULL,
            status   TEXT    NOT NULL,
            message  TEXT    NOT NULL,
            PRIMARY KEY (entry, file_id, claim)
        ) WITHOUT ROWID;",
    )?;
    let t = Instant::now();
    let tx = conn.transaction()?;
    {
        let mut st = tx.prepare(
            "INSERT INTO claim_entries (entry, file_id, claim, line, status, message)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (entry, file, claim, line, status, message) in rows {
            st.execute(rusqlite::params![entry, file, claim, line, status, message])?;
        }
    }
    tx.commit()?;
    Ok(t.elapsed().as_secs_f64())
}
