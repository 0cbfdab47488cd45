//! The ledger: every declaration, claim file, claim and entry outcome capekit has seen, kept in
//! one SQLite file, so that no entry is ever filed twice.
//!
//! CAPE's one hard rule (CBP's "ACE Portal: CAPE Declarations" quick reference guide, April 2026) is that an accepted entry is never declared again,
//! and an entry still queued on a declaration must not be resubmitted either: duplicates conflict
//! later. A triage sees only the files it is given today; the ledger remembers all of them, so
//! `check`, `fix`, `triage` and `refile` can ask "was this entry accepted on an earlier claim, or
//! is it still pending?" The answer is derived, never stored: an entry's state is computed from
//! the declarations and claim rows recorded, in the order they were recorded (see [`EntryState`]).
//!
//! Constraints that shaped it (cargo's `util/sqlite.rs` is the model):
//! - Opening connects, turns on `foreign_keys`, switches to WAL (readers never block the one
//!   writer), sets a busy timeout so two capekit processes wait for each other instead of failing,
//!   and migrates. Migrations are an append-only list versioned with `PRAGMA user_version`.
//! - One import is one transaction, begun `IMMEDIATE` so that a second writer waits at the start
//!   rather than failing half-way; a crash or a kill leaves the ledger exactly as before.
//! - A file is identified by the SHA-256 of its bytes: importing it again changes nothing and
//!   says so ([`ImportOutcome::AlreadyImported`]).
//! - Domain values come in as `capekit-core` types; SQL never leaves this crate.

mod import;
mod lifecycle;
mod records;
mod refunds;
mod report;
mod reserve;
mod schema;
pub mod server;
mod state;
mod users;

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use capekit_core::catalog::Action;
use capekit_core::entry::EntryNumber;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use import::{
    ActFacts, ClaimPlacement, DraftPart, DraftsRecorded, EntryFacts, FailedUpload, FileImport,
    Kept, Superseded, TriageImport,
};
pub use lifecycle::{
    Attention, DeclRef, DeclState, Declaration, DeclarationFile, Holder, Mark, MarkOutcome,
    STALE_AFTER_DAYS, allowed,
};
pub use records::EntryRecords;
pub use refunds::{KeptFacts, ReadinessFact, ReadinessKind, RefundData, RefundImport};
pub use report::{
    ActionCount, ESCALATE_AFTER, EntryDeadline, Escalation, EventKind, ExportRow, ImporterStatus,
    LedgerStatus, Problem, STATUS_DEADLINES, StateCounts, TimelineEvent, deadline_group,
    deadline_groups, keep_nearest_deadlines,
};
pub use reserve::Reservation;
pub use schema::MIGRATIONS;
pub use state::{EntryState, Except};
pub use users::{Audit, AuditRow, MAX_USER_NAME, Role, User, user_name_problem};

/// How long a second capekit process waits for the one writing, before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the ledger could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The folder for the ledger file could not be created.
    #[error("cannot create the folder {path} for the ledger: {source}")]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The ledger file (or a backup) could not be created.
    #[error("cannot create {path}: {source}")]
    CreateFile {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file could not be opened as an SQLite database.
    #[error("cannot open the ledger {path}: {source}")]
    Open {
        /// The ledger file.
        path: PathBuf,
        /// The cause.
        source: rusqlite::Error,
    },
    /// The ledger was migrated by a newer capekit, whose tables this one does not know.
    #[error(
        "the ledger {path} has schema version {found}, but this capekit knows only up to {known} - it was written by a newer capekit; update capekit"
    )]
    TooNew {
        /// The ledger file.
        path: String,
        /// Version found in the file.
        found: i64,
        /// Versions this build knows.
        known: usize,
    },
    /// An SQL statement failed (disk full, lock held past the busy timeout, corrupt file).
    #[error("ledger: {0}")]
    Sql(#[from] rusqlite::Error),
    /// The ledger refuses a change that would break its rules (a state moving backwards, an
    /// entry on two pending uploads); the message says what to do instead.
    #[error("{0}")]
    Refused(String),
    /// A stored value cannot be read back as what it should be.
    #[error("the ledger holds a {what} it cannot read: `{value}` - run `capekit ledger verify`")]
    Corrupt {
        /// What kind of value.
        what: &'static str,
        /// The value as stored.
        value: String,
    },
}

impl LedgerError {
    /// True when another connection held the ledger past the busy timeout (`SQLITE_BUSY`, or
    /// `SQLITE_LOCKED` within one process): nothing was written, and the same call may succeed
    /// when tried again.
    pub fn is_busy(&self) -> bool {
        let (Self::Sql(sql) | Self::Open { source: sql, .. }) = self else {
            return false;
        };
        matches!(
            sql.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    }
}

/// Result of ledger operations.
pub type Result<T, E = LedgerError> = std::result::Result<T, E>;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A recorded file. File ids grow with each import, so they order events in time.
    FileId
);
id_type!(
    /// A recorded declaration (an uploaded file, or a refile file capekit wrote).
    DeclarationId
);
id_type!(
    /// A claim, by its row in the ledger (the claim number is CBP's).
    ClaimId
);
id_type!(
    /// One triage run whose rows were recorded.
    TriageId
);

/// What a recorded file is: every kind but a corrected list (never recorded); a refund report is
/// kept in `refund_files`, never in `files` (see [`Ledger::record_refund_reports`]).
pub use capekit_core::FileKind;

/// The kind a `files` row names.
fn parse_file_kind(s: &str) -> Result<FileKind> {
    match FileKind::from_name(s) {
        Some(k) if !matches!(k, FileKind::RefundReport | FileKind::CorrectedList) => Ok(k),
        _ => Err(LedgerError::Corrupt {
            what: "file kind",
            value: s.to_owned(),
        }),
    }
}

/// A file as the ledger identifies it: by the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileMeta {
    /// The name to show: the base name, as the readers name rows' files.
    pub name: String,
    /// What it is.
    pub kind: FileKind,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// The date of the data it holds, when capekit knows one: an ES-003 export carries no run
    /// date in its rows, so the file's date stands in ([`FileMeta::dated`]). Kept for entry data,
    /// so that a triage judging entries by it says how old the data is, not when it was recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_date: Option<jiff::civil::Date>,
}

impl FileMeta {
    /// The same file, with the date of its data.
    pub fn dated(mut self, data_date: Option<jiff::civil::Date>) -> Self {
        self.data_date = data_date;
        self
    }

    /// The identity of `bytes`, shown as `name` (a path is shortened to its base name, the way
    /// the claim readers name rows' files).
    pub fn of_bytes(name: &str, kind: FileKind, bytes: &[u8]) -> Self {
        Self {
            name: base_name(name).to_owned(),
            kind,
            sha256: sha256_hex(bytes),
            size: bytes.len() as u64,
            data_date: None,
        }
    }

    /// The identity of what `reader` yields, read in blocks: an ES-003 export runs to
    /// gigabytes, which need not sit in memory to be hashed.
    pub fn of_reader(name: &str, kind: FileKind, mut reader: impl Read) -> std::io::Result<Self> {
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        let mut size = 0u64;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            hasher.update(&buf[..n]);
            size += n as u64;
        }
        Ok(Self {
            name: base_name(name).to_owned(),
            kind,
            sha256: hex(&hasher.finalize()),
            size,
            data_date: None,
        })
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(64);
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum ImportOutcome {
    /// Recorded now.
    Imported {
        /// The new file's id.
        file_id: FileId,
        /// Entries (declaration) or rows (claim file) recorded from it.
        entries: usize,
    },
    /// The same bytes were recorded before; nothing changed.
    AlreadyImported {
        /// The earlier record.
        file_id: FileId,
        /// When it was recorded.
        imported_at: Timestamp,
    },
}

impl ImportOutcome {
    /// True when the file was already in the ledger.
    pub fn already(&self) -> bool {
        matches!(self, Self::AlreadyImported { .. })
    }
}

/// The default ledger file: `DATA_DIR/capekit/ledger.sqlite3` (on Linux
/// `~/.local/share/capekit/ledger.sqlite3`). `None` when the platform has no data folder.
pub fn default_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("capekit").join("ledger.sqlite3"))
}

/// Creates the ledger file `path` readable by its owner only (0600 on Unix: the ledger holds
/// importers' entries and claims), unless it exists; true when it was created here. A ledger the
/// user made keeps its mode.
pub(crate) fn create_private(path: &Path) -> Result<bool> {
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        open.mode(0o600);
    }
    match open.open(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(source) => Err(LedgerError::CreateFile {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Sets `path` (when it exists) to owner-only, whatever the umask.
pub(crate) fn make_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if path.exists() {
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// An open ledger.
#[derive(Debug)]
pub struct Ledger {
    conn: Connection,
    path: Option<PathBuf>,
}

impl Ledger {
    /// Opens (creating when absent) the ledger file at `path`, and its folder, and migrates it.
    pub fn open(path: &Path) -> Result<Ledger> {
        Self::open_with_busy_timeout(path, BUSY_TIMEOUT)
    }

    /// [`Ledger::open`], waiting up to `busy_timeout` (instead of [`BUSY_TIMEOUT`]) for another
    /// connection that holds the ledger.
    pub fn open_with_busy_timeout(path: &Path, busy_timeout: Duration) -> Result<Ledger> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| LedgerError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let created = create_private(path)?;
        let conn = Connection::open(path).map_err(|source| LedgerError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        let ledger = Self::setup(conn, Some(path.to_path_buf()), busy_timeout)?;
        if created {
            // SQLite gives its side files the database's mode; said again in case a file system
            // does not.
            for suffix in ["-wal", "-shm"] {
                let mut side = path.as_os_str().to_owned();
                side.push(suffix);
                make_private(Path::new(&side));
            }
        }
        Ok(ledger)
    }

    /// A ledger that lives in memory only: for tests, and for read-only commands when no ledger
    /// file exists yet (so that nothing is created just to say it is empty).
    pub fn open_in_memory() -> Result<Ledger> {
        Self::setup(Connection::open_in_memory()?, None, BUSY_TIMEOUT)
    }

    fn setup(
        mut conn: Connection,
        path: Option<PathBuf>,
        busy_timeout: Duration,
    ) -> Result<Ledger> {
        conn.busy_timeout(busy_timeout)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // `rarray(?)`: a query over a list of entries binds it whole.
        rusqlite::vtab::array::load_module(&conn)?;
        // WAL lets `ledger status` read while a triage writes, and makes a commit one append.
        // An in-memory database answers `memory`, which is fine.
        let shown = path
            .as_ref()
            .map_or_else(|| ":memory:".to_owned(), |p| p.display().to_string());
        // Switching a new file to WAL, and the first migration, can meet another process doing
        // the same; SQLite then answers SQLITE_BUSY at once for the journal-mode change, without
        // the busy handler. Both steps are idempotent, so they are retried for the busy timeout.
        let started = std::time::Instant::now();
        loop {
            let attempt = conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))
                .map_err(LedgerError::from)
                .and_then(|_| migrate(&mut conn, MIGRATIONS, &shown));
            match attempt {
                Err(LedgerError::Sql(rusqlite::Error::SqliteFailure(e, _)))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy
                        && started.elapsed() < busy_timeout =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => {
                    other?;
                    break;
                }
            }
        }
        Ok(Ledger { conn, path })
    }

    /// The file, or `None` for an in-memory ledger.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The schema version (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT user_version FROM pragma_user_version", [], |r| {
                r.get(0)
            })?)
    }

    /// The file recorded with this SHA-256, if any.
    pub fn file_by_sha256(&self, sha256: &str) -> Result<Option<(FileId, FileKind, Timestamp)>> {
        let row: Option<(i64, String, String)> = self
            .conn
            .query_row(
                "SELECT id, kind, imported_at FROM files WHERE sha256 = ?1",
                [sha256],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        row.map(|(id, kind, at)| Ok((FileId(id), parse_file_kind(&kind)?, parse_ts(&at)?)))
            .transpose()
    }
}

/// Applies the migrations the database has not seen. Each one runs once, in order, inside one
/// exclusive transaction with the `user_version` bump, so a crash never leaves half a schema.
fn migrate(conn: &mut Connection, migrations: &[&str], shown: &str) -> Result<()> {
    // Most opens find the schema current: answer that without the write lock, so that `check`
    // never waits for a triage being recorded in another process.
    let version: i64 = conn.query_row("SELECT user_version FROM pragma_user_version", [], |r| {
        r.get(0)
    })?;
    if usize::try_from(version).ok() == Some(migrations.len()) {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
    let version: i64 = tx.query_row("SELECT user_version FROM pragma_user_version", [], |r| {
        r.get(0)
    })?;
    let known = migrations.len();
    let done = usize::try_from(version).unwrap_or(usize::MAX);
    if done > known {
        return Err(LedgerError::TooNew {
            path: shown.to_owned(),
            found: version,
            known,
        });
    }
    if done < known {
        for m in &migrations[done..] {
            tx.execute_batch(m)?;
        }
        tx.pragma_update(None, "user_version", known as i64)?;
    }
    tx.commit()?;
    Ok(())
}

/// `1 entry`, `2 entries`, with thousands separators.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        capekit_core::check::group(n as u64),
        if n == 1 { one } else { many }
    )
}

fn parse_ts(s: &str) -> Result<Timestamp> {
    s.parse().map_err(|_| LedgerError::Corrupt {
        what: "timestamp",
        value: s.to_owned(),
    })
}

fn parse_entry(s: &str) -> Result<EntryNumber> {
    EntryNumber::parse_strict(s).map_err(|_| LedgerError::Corrupt {
        what: "entry number",
        value: s.to_owned(),
    })
}

fn parse_action(s: &str) -> Result<Action> {
    Action::ALL
        .iter()
        .copied()
        .find(|a| a.as_str() == s)
        .ok_or_else(|| LedgerError::Corrupt {
            what: "action",
            value: s.to_owned(),
        })
}

fn parse_date(s: &str) -> Result<jiff::civil::Date> {
    s.parse().map_err(|_| LedgerError::Corrupt {
        what: "date",
        value: s.to_owned(),
    })
}

/// The first word of the folder the ledger files a workbench's drafts under, one folder per
/// upload (`workbench-1a2b3c4d/refile-...csv`): see [`workbench_folder`].
const WORKBENCH: &str = "workbench-";

/// The folder the ledger files the drafts of one workbench upload under: `workbench-` and the
/// first 8 characters of the upload's id. It keeps one upload's drafts apart from another's
/// (a new draft of the same upload supersedes its earlier one, and nothing else); it is never
/// shown to a user ([`shown_name`]).
pub fn workbench_folder(upload: &str) -> String {
    format!("{WORKBENCH}{}", upload.get(..8).unwrap_or(upload))
}

/// A declaration's file as a user is shown it: a workbench draft by its file name and where it
/// was made (`refile-100000241223-2026-12-01.csv (made in the workbench)`), never by the upload
/// id it is filed under; any other file as recorded.
pub fn shown_name(name: &str) -> std::borrow::Cow<'_, str> {
    match name.strip_prefix(WORKBENCH).and_then(|r| r.split_once('/')) {
        Some((id, file))
            if !id.is_empty() && id.len() <= 8 && id.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            std::borrow::Cow::Owned(format!("{file} (made in the workbench)"))
        }
        _ => std::borrow::Cow::Borrowed(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_bytes() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn hashing_a_reader_equals_hashing_its_bytes() -> std::io::Result<()> {
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let streamed = FileMeta::of_reader("dir/es003.csv", FileKind::EntryData, &bytes[..])?;
        assert_eq!(
            streamed,
            FileMeta::of_bytes("dir/es003.csv", FileKind::EntryData, &bytes)
        );
        Ok(())
    }

    #[test]
    fn migrations_are_idempotent_and_versioned() -> Result<()> {
        let mut conn = Connection::open_in_memory()?;
        migrate(&mut conn, MIGRATIONS, ":memory:")?;
        migrate(&mut conn, MIGRATIONS, ":memory:")?;
        let v: i64 = conn.query_row("SELECT user_version FROM pragma_user_version", [], |r| {
            r.get(0)
        })?;
        assert_eq!(v, MIGRATIONS.len() as i64);
        // A later capekit appends a migration: only it runs.
        let mut more: Vec<&str> = MIGRATIONS.to_vec();
        more.push("CREATE TABLE later (x)");
        migrate(&mut conn, &more, ":memory:")?;
        conn.execute("INSERT INTO later VALUES (1)", [])?;
        Ok(())
    }

    #[test]
    fn a_newer_ledger_is_refused() -> Result<()> {
        let mut conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "user_version", 999)?;
        let err = migrate(&mut conn, MIGRATIONS, "x.sqlite3").expect_err("refused");
        assert!(
            matches!(err, LedgerError::TooNew { found: 999, .. }),
            "{err}"
        );
        Ok(())
    }

    #[test]
    fn every_action_round_trips() -> Result<()> {
        for a in Action::ALL {
            assert_eq!(parse_action(a.as_str())?, a);
        }
        Ok(())
    }

    #[test]
    fn a_workbench_draft_is_shown_by_its_file_never_its_upload_id() {
        let folder = workbench_folder("1a2b3c4d5e6f");
        assert_eq!(folder, "workbench-1a2b3c4d");
        assert_eq!(
            shown_name(&format!("{folder}/refile-100000241223-2026-12-01.csv")),
            "refile-100000241223-2026-12-01.csv (made in the workbench)"
        );
        for other in [
            "/home/clerk/out/refile-100000241223-2026-12-01.csv",
            "workbench-notes.csv",
            "workbench-/x.csv",
            "out/workbench-1a2b3c4d/refile.csv",
        ] {
            assert_eq!(shown_name(other), other);
        }
    }
}
