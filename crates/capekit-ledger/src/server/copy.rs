//! `capekit ledger copy`: a whole ledger from a file to a server, or from a server to a file.
//!
//! The tables and their columns are read from the SQLite schema ([`crate::MIGRATIONS`] applied
//! to an empty in-memory ledger), in the order they were created, which puts every table after
//! those it refers to; rows go in key order, so a row that names an earlier row of its own table
//! (`declaration_events.undoes`) finds it. Each table's rows are counted in the source and, before
//! committing, in the target: a copy that does not reconcile is rolled back.

use std::path::Path;

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{ToSql, Type};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::{Location, ServerError, ServerUrl, migrate};
use crate::{Ledger, MIGRATIONS};

/// What a column holds: the three SQLite types capekit stores, and their server twins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
    Blob,
}

impl Kind {
    fn of(declared: &str) -> Kind {
        match declared.to_ascii_uppercase().as_str() {
            "INTEGER" => Kind::Int,
            "BLOB" => Kind::Blob,
            _ => Kind::Text,
        }
    }

    fn pg(self) -> Type {
        match self {
            Kind::Int => Type::INT8,
            Kind::Text => Type::TEXT,
            Kind::Blob => Type::BYTEA,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Int => "an integer",
            Kind::Text => "text",
            Kind::Blob => "bytes",
        }
    }
}

/// A table of the ledger, as the copy reads and writes it.
#[derive(Debug, Clone)]
struct Table {
    name: String,
    columns: Vec<(String, Kind)>,
    /// The primary key's columns, in key order.
    key: Vec<String>,
}

impl Table {
    fn select(&self) -> String {
        let cols: Vec<&str> = self.columns.iter().map(|(c, _)| c.as_str()).collect();
        format!(
            "SELECT {} FROM {} ORDER BY {}",
            cols.join(", "),
            self.name,
            self.key.join(", ")
        )
    }

    fn column_list(&self) -> String {
        let cols: Vec<&str> = self.columns.iter().map(|(c, _)| c.as_str()).collect();
        cols.join(", ")
    }
}

/// The ledger's tables in the order they were created (views aside), as the SQLite schema
/// defines them: the list a copy walks and the schema test compares with the server's.
pub fn tables() -> crate::Result<Vec<String>> {
    Ok(schema()?.into_iter().map(|t| t.name).collect())
}

fn schema() -> crate::Result<Vec<Table>> {
    let l = Ledger::open_in_memory()?;
    let names: Vec<String> = l
        .conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let mut columns = Vec::new();
        let mut key: Vec<(i64, String)> = Vec::new();
        let mut stmt = l
            .conn
            .prepare("SELECT name, type, pk FROM pragma_table_info(?1) ORDER BY cid")?;
        let mut rows = stmt.query([&name])?;
        while let Some(r) = rows.next()? {
            let col: String = r.get(0)?;
            let declared: String = r.get(1)?;
            let pk: i64 = r.get(2)?;
            if pk > 0 {
                key.push((pk, col.clone()));
            }
            columns.push((col, Kind::of(&declared)));
        }
        key.sort();
        let key = if key.is_empty() {
            columns.iter().map(|(c, _)| c.clone()).collect()
        } else {
            key.into_iter().map(|(_, c)| c).collect()
        };
        out.push(Table { name, columns, key });
    }
    Ok(out)
}

/// One table's rows, in the source and in the target.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TableCount {
    /// The table.
    pub table: String,
    /// Rows in the source.
    pub source: u64,
    /// Rows in the target, counted before the copy was committed.
    pub target: u64,
}

/// What a copy did: every table's count (they reconcile, or the copy was rolled back).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CopyReport {
    /// The source, as shown (a server's password masked).
    pub from: String,
    /// The target, as shown.
    pub to: String,
    /// Each table, in copy order.
    pub tables: Vec<TableCount>,
    /// Identity columns on a server target set past the largest id copied, by table.
    pub identities_reset: Vec<String>,
}

impl CopyReport {
    /// Rows in the source, all tables together.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.source).sum()
    }
}

/// Copies the ledger at `from` into the new or empty ledger at `to`: a file to a server, or a
/// server to a file. The source is only read; the target is written in one transaction, so a
/// refusal or a failure leaves it as it was (a file the copy created is removed).
pub fn copy(from: &Location, to: &Location) -> Result<CopyReport, ServerError> {
    match (from, to) {
        (Location::File(f), Location::Server(s)) => file_to_server(f, s),
        (Location::Server(s), Location::File(f)) => server_to_file(s, f),
        (Location::File(_), Location::File(_)) => Err(ServerError::Refused(
            "both ledgers are files: `ledger copy` moves a ledger to or from a server; copy a ledger file with `capekit ledger backup`".to_owned(),
        )),
        (Location::Server(_), Location::Server(_)) => Err(ServerError::Refused(
            "both ledgers are on a server: copy one to a file first, then the file to the other server".to_owned(),
        )),
    }
}

/// Opens the ledger file `path` to read only, at this capekit's schema version.
fn open_source_file(path: &Path) -> Result<Connection, ServerError> {
    let shown = path.display().to_string();
    if !path.is_file() {
        return Err(ServerError::Refused(format!(
            "no ledger file at {shown}: nothing to copy"
        )));
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|source| crate::LedgerError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    conn.busy_timeout(crate::BUSY_TIMEOUT)
        .map_err(crate::LedgerError::from)?;
    let version: i64 = conn
        .query_row("SELECT user_version FROM pragma_user_version", [], |r| {
            r.get(0)
        })
        .map_err(|source| crate::LedgerError::Open {
            path: path.to_path_buf(),
            source,
        })?;
    let known = MIGRATIONS.len();
    if usize::try_from(version).ok() != Some(known) {
        if usize::try_from(version).is_ok_and(|v| v > known) {
            return Err(crate::LedgerError::TooNew {
                path: shown,
                found: version,
                known,
            }
            .into());
        }
        return Err(ServerError::Refused(format!(
            "{shown} has schema version {version}, not {known}: `ledger copy` only reads its source, so it copies a ledger this capekit has opened before; run `capekit --ledger {shown} ledger verify` once (it brings the ledger up to date), then copy"
        )));
    }
    Ok(conn)
}

fn holds(counts: &[(String, u64)]) -> Option<String> {
    let held: Vec<String> = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(t, n)| format!("{n} {t}"))
        .collect();
    (!held.is_empty()).then(|| held.join(", "))
}

fn u64_of(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn file_to_server(path: &Path, url: &ServerUrl) -> Result<CopyReport, ServerError> {
    let tables = schema()?;
    let mut src = open_source_file(path)?;
    // One read transaction: every table is read from the same snapshot, even while another
    // capekit records into the file.
    let src = src
        .transaction_with_behavior(TransactionBehavior::Deferred)
        .map_err(crate::LedgerError::from)?;
    let shown_to = url.masked();
    let mut client = url.connect()?;
    let mut tx = client.transaction()?;
    migrate(&mut tx, &shown_to)?;
    let mut before = Vec::with_capacity(tables.len());
    for t in &tables {
        let n: i64 = tx
            .query_one(&format!("SELECT count(*) FROM {}", t.name), &[])?
            .get(0);
        before.push((t.name.clone(), u64_of(n)));
    }
    if let Some(holds) = holds(&before) {
        return Err(ServerError::NotEmpty {
            target: shown_to,
            holds,
        });
    }
    let mut counts = Vec::with_capacity(tables.len());
    for t in &tables {
        let source: i64 = src
            .query_row(&format!("SELECT count(*) FROM {}", t.name), [], |r| {
                r.get(0)
            })
            .map_err(crate::LedgerError::from)?;
        let types: Vec<Type> = t.columns.iter().map(|(_, k)| k.pg()).collect();
        let writer = tx.copy_in(&format!(
            "COPY {} ({}) FROM STDIN (FORMAT binary)",
            t.name,
            t.column_list()
        ))?;
        let mut writer = postgres::binary_copy::BinaryCopyInWriter::new(writer, &types);
        let mut stmt = src.prepare(&t.select()).map_err(crate::LedgerError::from)?;
        let mut rows = stmt.query([]).map_err(crate::LedgerError::from)?;
        while let Some(r) = rows.next().map_err(crate::LedgerError::from)? {
            let cells = read_sqlite_row(t, r)?;
            let refs: Vec<&(dyn ToSql + Sync)> = cells.iter().map(Cell::as_sql).collect();
            writer.write(&refs)?;
        }
        writer.finish()?;
        let target: i64 = tx
            .query_one(&format!("SELECT count(*) FROM {}", t.name), &[])?
            .get(0);
        counts.push(TableCount {
            table: t.name.clone(),
            source: u64_of(source),
            target: u64_of(target),
        });
    }
    // Rows came with their ids: each identity must go on past the largest, or the next row
    // recorded on the server would take an id already used.
    let identities: Vec<String> = tx
        .query(
            "SELECT table_name::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND is_identity = 'YES' AND column_name = 'id'
             ORDER BY table_name",
            &[],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut identities_reset = Vec::new();
    for t in identities {
        let max: Option<i64> = tx
            .query_one(&format!("SELECT max(id) FROM {t}"), &[])?
            .get(0);
        if let Some(max) = max {
            tx.execute(
                "SELECT setval(pg_get_serial_sequence($1, 'id'), $2)",
                &[&t, &max],
            )?;
            identities_reset.push(t);
        }
    }
    reconcile(&counts)?;
    tx.commit()?;
    Ok(CopyReport {
        from: path.display().to_string(),
        to: shown_to,
        tables: counts,
        identities_reset,
    })
}

fn reconcile(counts: &[TableCount]) -> Result<(), ServerError> {
    let off: Vec<String> = counts
        .iter()
        .filter(|c| c.source != c.target)
        .map(|c| {
            format!(
                "{}: {} in the source, {} in the target",
                c.table, c.source, c.target
            )
        })
        .collect();
    if off.is_empty() {
        Ok(())
    } else {
        Err(ServerError::Mismatch(off.join("; ")))
    }
}

/// One value on its way between the stores.
enum Cell {
    Int(Option<i64>),
    Text(Option<String>),
    Blob(Option<Vec<u8>>),
}

impl Cell {
    fn as_sql(&self) -> &(dyn ToSql + Sync) {
        match self {
            Cell::Int(v) => v,
            Cell::Text(v) => v,
            Cell::Blob(v) => v,
        }
    }

    fn as_sqlite(&self) -> &dyn rusqlite::ToSql {
        match self {
            Cell::Int(v) => v,
            Cell::Text(v) => v,
            Cell::Blob(v) => v,
        }
    }
}

fn read_sqlite_row(t: &Table, r: &rusqlite::Row<'_>) -> Result<Vec<Cell>, ServerError> {
    let mut cells = Vec::with_capacity(t.columns.len());
    for (i, (col, kind)) in t.columns.iter().enumerate() {
        let v = r.get_ref(i).map_err(crate::LedgerError::from)?;
        let cell = match (kind, v) {
            (Kind::Int, ValueRef::Null) => Cell::Int(None),
            (Kind::Text, ValueRef::Null) => Cell::Text(None),
            (Kind::Blob, ValueRef::Null) => Cell::Blob(None),
            (Kind::Int, ValueRef::Integer(n)) => Cell::Int(Some(n)),
            (Kind::Text, ValueRef::Text(b)) => match std::str::from_utf8(b) {
                Ok(s) => Cell::Text(Some(s.to_owned())),
                Err(_) => return Err(bad_value(t, r, col, *kind, "text that is not UTF-8")),
            },
            (Kind::Blob, ValueRef::Blob(b)) => Cell::Blob(Some(b.to_vec())),
            (_, other) => {
                let found = match other {
                    ValueRef::Integer(n) => format!("the integer {n}"),
                    ValueRef::Real(x) => format!("the number {x}"),
                    ValueRef::Text(_) => "text".to_owned(),
                    ValueRef::Blob(b) => format!("{} bytes", b.len()),
                    ValueRef::Null => "nothing".to_owned(),
                };
                return Err(bad_value(t, r, col, *kind, &found));
            }
        };
        cells.push(cell);
    }
    Ok(cells)
}

fn bad_value(t: &Table, r: &rusqlite::Row<'_>, col: &str, kind: Kind, found: &str) -> ServerError {
    let row = t
        .key
        .iter()
        .map(|k| {
            let i = t.columns.iter().position(|(c, _)| c == k).unwrap_or(0);
            let v = match r.get_ref(i) {
                Ok(ValueRef::Integer(n)) => n.to_string(),
                Ok(ValueRef::Text(b)) => format!("`{}`", String::from_utf8_lossy(b)),
                _ => "?".to_owned(),
            };
            format!("{k} {v}")
        })
        .collect::<Vec<_>>()
        .join(", ");
    ServerError::Value {
        table: t.name.clone(),
        column: col.to_owned(),
        row,
        expected: kind.name(),
        found: found.to_owned(),
    }
}

fn server_to_file(url: &ServerUrl, path: &Path) -> Result<CopyReport, ServerError> {
    let tables = schema()?;
    let shown_from = url.masked();
    let shown_to = path.display().to_string();
    let mut client = url.connect()?;
    let mut src = client
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()?;
    let has_version: bool = src
        .query_one(
            "SELECT to_regclass($1) IS NOT NULL",
            &[&super::VERSION_TABLE],
        )?
        .get(0);
    let version: Option<i64> = if has_version {
        src.query_one(
            &format!("SELECT max(version) FROM {}", super::VERSION_TABLE),
            &[],
        )?
        .get(0)
    } else {
        None
    };
    let known = super::PG_MIGRATIONS.len();
    match version {
        None => {
            return Err(ServerError::Refused(format!(
                "{shown_from} holds no capekit ledger (no {} table in its schema): nothing to copy",
                super::VERSION_TABLE
            )));
        }
        Some(v) if usize::try_from(v).ok() != Some(known) && v < known as i64 => {
            return Err(ServerError::Refused(format!(
                "{shown_from} has schema version {v}, not {known}: `ledger copy` only reads its source; copy it with the capekit that last wrote it"
            )));
        }
        Some(v) if usize::try_from(v).ok() != Some(known) => {
            return Err(crate::LedgerError::TooNew {
                path: shown_from,
                found: v,
                known,
            }
            .into());
        }
        Some(_) => {}
    }

    let existed = std::fs::symlink_metadata(path).is_ok();
    let result = (|| {
        let mut target = Ledger::open(path)?;
        let copied = fill_file(&tables, &mut src, &mut target.conn, &shown_to);
        drop(target);
        copied
    })();
    if result.is_err() && !existed {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(&p);
        }
    }
    let counts = result?;
    Ok(CopyReport {
        from: shown_from,
        to: shown_to,
        tables: counts,
        identities_reset: Vec::new(),
    })
}

fn fill_file(
    tables: &[Table],
    src: &mut postgres::Transaction<'_>,
    conn: &mut Connection,
    shown_to: &str,
) -> Result<Vec<TableCount>, ServerError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(crate::LedgerError::from)?;
    let mut before = Vec::with_capacity(tables.len());
    for t in tables {
        let n: i64 = tx
            .query_row(&format!("SELECT count(*) FROM {}", t.name), [], |r| {
                r.get(0)
            })
            .map_err(crate::LedgerError::from)?;
        before.push((t.name.clone(), u64_of(n)));
    }
    if let Some(holds) = holds(&before) {
        return Err(ServerError::NotEmpty {
            target: shown_to.to_owned(),
            holds,
        });
    }
    let mut counts = Vec::with_capacity(tables.len());
    for t in tables {
        let source: i64 = src
            .query_one(&format!("SELECT count(*) FROM {}", t.name), &[])?
            .get(0);
        let marks: Vec<String> = (1..=t.columns.len()).map(|i| format!("?{i}")).collect();
        let mut insert = tx
            .prepare(&format!(
                "INSERT INTO {} ({}) VALUES ({})",
                t.name,
                t.column_list(),
                marks.join(", ")
            ))
            .map_err(crate::LedgerError::from)?;
        let mut rows = src.query_raw(&t.select(), std::iter::empty::<i64>())?;
        while let Some(r) = rows.next()? {
            let mut cells = Vec::with_capacity(t.columns.len());
            for (i, (_, kind)) in t.columns.iter().enumerate() {
                cells.push(match kind {
                    Kind::Int => Cell::Int(r.try_get(i)?),
                    Kind::Text => Cell::Text(r.try_get(i)?),
                    Kind::Blob => Cell::Blob(r.try_get(i)?),
                });
            }
            let params: Vec<&dyn rusqlite::ToSql> = cells.iter().map(Cell::as_sqlite).collect();
            insert
                .execute(params.as_slice())
                .map_err(crate::LedgerError::from)?;
        }
        drop(insert);
        let target: i64 = tx
            .query_row(&format!("SELECT count(*) FROM {}", t.name), [], |r| {
                r.get(0)
            })
            .map_err(crate::LedgerError::from)?;
        counts.push(TableCount {
            table: t.name.clone(),
            source: u64_of(source),
            target: u64_of(target),
        });
    }
    reconcile(&counts)?;
    tx.commit().map_err(crate::LedgerError::from)?;
    Ok(counts)
}
