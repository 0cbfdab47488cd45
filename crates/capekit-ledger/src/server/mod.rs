//! A ledger on a PostgreSQL server, for a brokerage that keeps one ledger for all its desks.
//!
//! This version runs its commands on a ledger file; a server ledger is reached only by
//! [`copy`], which moves a whole ledger from a file to a server or back, so that a brokerage
//! can set one up and get one back. Constraints that shaped it:
//! - The server's tables are the file's, migration for migration ([`PG_MIGRATIONS`]), with a
//!   version table of their own (`capekit_schema_version`) in place of SQLite's `user_version`.
//! - A copy goes to a new or empty ledger only, in one transaction on the target: it never
//!   merges two ledgers (their ids would collide, and "recorded after" would lose its meaning),
//!   and a failure half-way leaves the target as it was. The source is only read, from one
//!   consistent snapshot.
//! - A server's address may carry a password: it is never printed, only [`ServerUrl::masked`].
//! - No TLS: the server is expected on the same machine (a unix socket or loopback).

mod copy;
mod schema;

use std::fmt;

pub use copy::{CopyReport, TableCount, copy, tables};
pub use schema::PG_MIGRATIONS;

/// The table that holds a server ledger's schema version (one row).
pub const VERSION_TABLE: &str = "capekit_schema_version";

/// Key of the advisory lock taken by whoever migrates a server ledger, so that two capekit
/// processes meeting a new database do not both create its tables.
const MIGRATION_LOCK: i64 = 0x6361_7065_6b69_7401;

/// Where a ledger is: a file, or a database on a PostgreSQL server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite file.
    File(std::path::PathBuf),
    /// A PostgreSQL database.
    Server(ServerUrl),
}

impl Location {
    /// Reads `--ledger` or `CAPEKIT_LEDGER`: a `postgres://` or `postgresql://` URL, or a
    /// libpq key=value string (`host=/run/postgresql dbname=ledger`), names a server; anything
    /// else is a file.
    pub fn of(given: &std::path::Path) -> Location {
        match given.to_str().and_then(ServerUrl::parse) {
            Some(url) => Location::Server(url),
            None => Location::File(given.to_path_buf()),
        }
    }
}

/// The libpq keywords a key=value connection string may start with.
const CONNINFO_KEYS: &[&str] = &[
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "options",
    "application_name",
    "connect_timeout",
    "sslmode",
    "target_session_attrs",
    "keepalives",
    "keepalives_idle",
    "channel_binding",
];

/// How a server ledger is reached: a `postgres://` URL or a libpq key=value string. Shown, it
/// is always [`ServerUrl::masked`].
#[derive(Clone, PartialEq, Eq)]
pub struct ServerUrl {
    raw: String,
}

impl ServerUrl {
    /// `s` as a server's address, or `None` when it names a file.
    pub fn parse(s: &str) -> Option<ServerUrl> {
        let t = s.trim();
        let url = ["postgres://", "postgresql://"]
            .iter()
            .any(|p| t.len() >= p.len() && t[..p.len()].eq_ignore_ascii_case(p));
        let conninfo = t.split_once('=').is_some_and(|(key, _)| {
            CONNINFO_KEYS.contains(&key.trim().to_ascii_lowercase().as_str())
        });
        (url || conninfo).then(|| ServerUrl { raw: t.to_owned() })
    }

    /// The address with any password replaced by `***`: in a URL's user part
    /// (`postgres://u:***@h/db`), in a `password=` query parameter, or in a key=value string.
    pub fn masked(&self) -> String {
        if self.raw.contains("://") {
            mask_url(&self.raw)
        } else {
            mask_conninfo(&self.raw)
        }
    }

    /// True when the address carries a password, so that it cannot be shown as given.
    pub fn has_password(&self) -> bool {
        self.masked() != self.raw
    }

    /// Connects, without TLS.
    pub fn connect(&self) -> Result<postgres::Client, ServerError> {
        postgres::Client::connect(&self.raw, postgres::NoTls).map_err(|source| {
            ServerError::Connect {
                url: self.masked(),
                source,
            }
        })
    }
}

impl fmt::Display for ServerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for ServerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServerUrl({})", self.masked())
    }
}

fn mask_url(raw: &str) -> String {
    let Some((scheme, rest)) = raw.split_once("://") else {
        return raw.to_owned();
    };
    let (before_query, query) = match rest.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match before_query.find('/') {
        Some(i) => before_query.split_at(i),
        None => (before_query, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, hosts)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:***@{hosts}"),
            None => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    let mut out = format!("{scheme}://{authority}{path}");
    if let Some(q) = query {
        let params: Vec<String> = q
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => p.to_owned(),
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
}

/// A libpq key=value string with the password's value replaced: values may be quoted
/// (`password='a b\'c'`), and spaces may surround the `=`.
fn mask_conninfo(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    loop {
        while let Some(c) = chars.peek().copied().filter(|c| c.is_whitespace()) {
            out.push(c);
            chars.next();
        }
        let mut key = String::new();
        while let Some(c) = chars
            .peek()
            .copied()
            .filter(|c| *c != '=' && !c.is_whitespace())
        {
            key.push(c);
            chars.next();
        }
        if key.is_empty() && chars.peek().is_none() {
            return out;
        }
        out.push_str(&key);
        while let Some(c) = chars.peek().copied().filter(|c| c.is_whitespace()) {
            out.push(c);
            chars.next();
        }
        if chars.peek() != Some(&'=') {
            // Not a key=value pair: the rest is shown as given, but a password can only follow
            // `password=`, which this is not.
            out.extend(chars);
            return out;
        }
        out.push('=');
        chars.next();
        while let Some(c) = chars.peek().copied().filter(|c| c.is_whitespace()) {
            out.push(c);
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'\'') {
            value.push('\'');
            chars.next();
            while let Some(c) = chars.next() {
                value.push(c);
                match c {
                    '\\' => value.extend(chars.next()),
                    '\'' => break,
                    _ => {}
                }
            }
        } else {
            while let Some(c) = chars.peek().copied().filter(|c| !c.is_whitespace()) {
                value.push(c);
                chars.next();
            }
        }
        if key.eq_ignore_ascii_case("password") {
            out.push_str("***");
        } else {
            out.push_str(&value);
        }
    }
}

/// Why a copy to or from a server did not happen. Nothing was written to the target.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The server could not be reached, or refused the sign-in.
    #[error("cannot connect to the ledger server {url}: {source}")]
    Connect {
        /// The server, its password masked.
        url: String,
        /// The cause.
        source: postgres::Error,
    },
    /// A statement on the server failed.
    #[error("ledger server: {0}")]
    Pg(#[from] postgres::Error),
    /// The ledger file could not be read or written.
    #[error(transparent)]
    Ledger(#[from] crate::LedgerError),
    /// The target already holds a ledger (or rows of one): a copy never merges.
    #[error(
        "{target} is not empty: it holds {holds}; copy to a new or empty ledger (a new database, or a file that does not exist yet)"
    )]
    NotEmpty {
        /// The target, as shown.
        target: String,
        /// What it holds, table by table (`3 files, 2 declarations`).
        holds: String,
    },
    /// The source is not a ledger this capekit can copy.
    #[error("{0}")]
    Refused(String),
    /// A value of the source has no place in the target's column.
    #[error(
        "table {table}, column {column}, row {row}: the source holds {found} where the schema has {expected}; nothing was copied - run `capekit ledger verify` on the source"
    )]
    Value {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The row, by its key.
        row: String,
        /// What the column holds.
        expected: &'static str,
        /// What the source holds there.
        found: String,
    },
    /// The target's row counts, read back before committing, differ from the source's.
    #[error("the copy does not reconcile, so nothing was copied: {0}")]
    Mismatch(String),
}

impl ServerError {
    /// True when the copy was refused because the target is not empty.
    pub fn is_not_empty(&self) -> bool {
        matches!(self, ServerError::NotEmpty { .. })
    }
}

/// Creates or updates the server ledger's tables inside `tx`, under an advisory lock; returns
/// the version found before. Refuses a ledger of a newer capekit.
pub(crate) fn migrate(
    tx: &mut postgres::Transaction<'_>,
    shown: &str,
) -> Result<usize, ServerError> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(&format!(
        "CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version BIGINT NOT NULL)"
    ))?;
    let found: Option<i64> = tx
        .query_opt(&format!("SELECT max(version) FROM {VERSION_TABLE}"), &[])?
        .and_then(|r| r.get(0));
    let known = PG_MIGRATIONS.len();
    let done = usize::try_from(found.unwrap_or(0)).unwrap_or(usize::MAX);
    if done > known {
        return Err(crate::LedgerError::TooNew {
            path: shown.to_owned(),
            found: found.unwrap_or(0),
            known,
        }
        .into());
    }
    for m in &PG_MIGRATIONS[done..] {
        tx.batch_execute(m)?;
    }
    tx.execute(&format!("DELETE FROM {VERSION_TABLE}"), &[])?;
    let version = i64::try_from(known).unwrap_or(i64::MAX);
    tx.execute(
        &format!("INSERT INTO {VERSION_TABLE} (version) VALUES ($1)"),
        &[&version],
    )?;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sqlite_migration_has_its_server_twin() {
        assert_eq!(
            PG_MIGRATIONS.len(),
            crate::MIGRATIONS.len(),
            "a SQLite migration was added without its PostgreSQL twin in server/schema.rs (or the other way round)"
        );
    }

    #[test]
    fn urls_and_conninfo_name_a_server_and_paths_name_files() {
        for s in [
            "postgres://u@h/db",
            "postgresql://h/db",
            "POSTGRES://h/db",
            "host=/var/run/postgresql dbname=ledger",
            "dbname=ledger",
            " port = 5439 dbname=x",
        ] {
            assert!(ServerUrl::parse(s).is_some(), "{s}");
        }
        for s in [
            "ledger.sqlite3",
            "postgres:",
            "postgres:/x",
            "./postgres://x",
            "/home/a/host=1",
            "a=b",
            "",
        ] {
            assert!(ServerUrl::parse(s).is_none(), "{s}");
        }
    }

    #[test]
    fn passwords_are_masked_wherever_they_are_given() {
        let cases = [
            (
                "postgres://ada:s3cret@db.local:5432/ledger",
                "postgres://ada:***@db.local:5432/ledger",
            ),
            (
                "postgres://ada:p%40ss@h/db?sslmode=disable",
                "postgres://ada:***@h/db?sslmode=disable",
            ),
            (
                "postgres://ada@h/db?password=s3cret&x=1",
                "postgres://ada@h/db?password=***&x=1",
            ),
            ("postgres://h/db", "postgres://h/db"),
            (
                "host=h password=s3cret dbname=l",
                "host=h password=*** dbname=l",
            ),
            (
                "host=h password = 's3 cr\\'et' dbname=l",
                "host=h password = *** dbname=l",
            ),
            ("PASSWORD=s3cret", "PASSWORD=***"),
        ];
        for (raw, shown) in cases {
            let url = ServerUrl::parse(raw).expect("a server");
            assert_eq!(url.masked(), shown);
            assert!(!format!("{url} {url:?}").contains("s3"), "{raw}");
        }
    }
}
