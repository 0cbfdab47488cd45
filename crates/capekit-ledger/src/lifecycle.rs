//! The life of a declaration: drafted, uploaded, answered by its claim, failed or discarded.
//!
//! capekit cannot see ACE, so the one fact that makes entries pending with CBP - the upload - is
//! the user's to tell (`capekit ledger uploaded FILE`), and everything else follows from files
//! capekit reads: a claim answers the declaration it belongs to, a Validation Result File with
//! file-level errors fails it, a new draft written over an earlier one supersedes it.
//!
//! Each change is an event appended to `declaration_events`, never an update: the current state
//! is the latest event, an undo is an event naming the one it undoes, and `verify` replays every
//! declaration's events against [`allowed`] to prove that no state moved backwards.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use capekit_core::entry::EntryNumber;
use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::state::{Except, all_states, decls};
use crate::{ClaimId, DeclarationId, EntryState, FileMeta, Ledger, LedgerError, Result, parse_ts};

/// Where a declaration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeclState {
    /// Written (by capekit, or recorded from a file), not yet uploaded: it reserves its entries
    /// from later drafts, but CBP has not seen it.
    Draft,
    /// Uploaded on ACE Portal, as the user said: its entries are pending with CBP.
    Uploaded,
    /// A claim was recorded for it.
    Answered,
    /// File validation failed (its Validation Result File said so, or the user): its entries are
    /// released.
    Failed,
    /// Never uploaded, and given up (by the user, or superseded by a newer draft): its entries
    /// are released.
    Discarded,
}

impl DeclState {
    /// Every state, in lifecycle order.
    pub const ALL: [DeclState; 5] = [
        Self::Draft,
        Self::Uploaded,
        Self::Answered,
        Self::Failed,
        Self::Discarded,
    ];

    /// The name stored in the ledger.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Uploaded => "uploaded",
            Self::Answered => "answered",
            Self::Failed => "failed",
            Self::Discarded => "discarded",
        }
    }

    pub(crate) fn parse(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| LedgerError::Corrupt {
                what: "declaration state",
                value: s.to_owned(),
            })
    }
}

impl fmt::Display for DeclState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Is `from -> to` a move forward (an undo aside)? `migrated` says `from` is the state the
/// upgrade gave a declaration recorded before states were kept: the user may then confirm it
/// (`uploaded` again) or discard it.
///
/// A failed or discarded declaration may start again: the same bytes written again are a draft
/// once more, and a file whose upload failed for a load error may be uploaded again as it is.
pub fn allowed(from: DeclState, to: DeclState, migrated: bool) -> bool {
    use DeclState::*;
    match (from, to) {
        (Draft, Uploaded | Answered | Failed | Discarded) => true,
        (Uploaded, Answered | Failed) => true,
        (Uploaded, Uploaded | Discarded) => migrated,
        (Failed, Draft | Uploaded | Answered) => true,
        (Discarded, Draft | Uploaded | Answered) => true,
        _ => false,
    }
}

/// A declaration as `capekit ledger declarations` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Declaration {
    /// Its record.
    pub id: DeclarationId,
    /// The file (the path, for a file capekit wrote).
    pub name: String,
    /// A file capekit wrote, or one it was given.
    pub written_by_capekit: bool,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Where it stands.
    pub state: DeclState,
    /// Recorded before capekit kept declaration states and not confirmed since.
    pub unconfirmed: bool,
    /// Entries on it.
    pub entries: usize,
    /// Of those, entries it holds now (pending on it, or reserved by it as a draft).
    pub holding: usize,
    /// When it was recorded or written.
    pub recorded_at: Timestamp,
    /// When it was uploaded (as the user said, else when it was marked).
    pub uploaded_at: Option<Timestamp>,
    /// ACE's upload job or declaration number, when given.
    pub job: Option<String>,
    /// The claim that answered it.
    pub claim: Option<String>,
    /// Why it was failed or discarded, or other words of its latest event.
    pub note: String,
    /// Its bytes are kept in the ledger.
    pub bytes_kept: bool,
}

impl Declaration {
    /// Days since it was uploaded, on `now`; `None` when not uploaded.
    pub fn days_uploaded(&self, now: Timestamp) -> Option<i64> {
        self.uploaded_at
            .map(|u| (now.as_second() - u.as_second()).div_euclid(86_400))
    }

    /// Uploaded more than [`STALE_AFTER_DAYS`] days ago and still unanswered.
    pub fn stale(&self, now: Timestamp) -> bool {
        self.state == DeclState::Uploaded
            && self
                .uploaded_at
                .is_some_and(|u| now.as_second() - u.as_second() > STALE_AFTER_DAYS * 86_400)
    }
}

/// An upload still without a claim after this many days is worth a look in ACE: CBP answers most
/// declarations within a day or two, and a browser time-out can hide one that did go through.
pub const STALE_AFTER_DAYS: i64 = 2;

/// What the ledger should tell the user on every run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Attention {
    /// Declarations recorded before states were kept, counted as uploaded, never confirmed, and
    /// still holding entries.
    pub unconfirmed: Vec<Declaration>,
    /// Uploaded more than two days ago with no claim.
    pub stale: Vec<Declaration>,
}

/// How a declaration is named on the command line: by its file, its record number, or its
/// recorded name or path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeclRef {
    /// The SHA-256 of the file's bytes.
    Sha256(String),
    /// Its record number, as `ledger declarations` shows it.
    Id(DeclarationId),
    /// Its recorded name or path.
    Name(String),
}

/// What a mark did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum MarkOutcome {
    /// The declaration moved.
    Changed {
        /// Its record.
        id: DeclarationId,
        /// Its file.
        name: String,
        /// From.
        from: Option<DeclState>,
        /// To.
        to: DeclState,
        /// Entries it held before that it no longer holds, or entries it now holds.
        entries: usize,
    },
    /// Nothing to do: it already stands there.
    Unchanged {
        /// Its record.
        id: DeclarationId,
        /// Its file.
        name: String,
        /// Where it stands.
        state: DeclState,
    },
}

/// A mark asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    /// Uploaded, at this time (default now), with ACE's job or declaration number.
    Uploaded {
        /// When it was uploaded.
        at: Option<Timestamp>,
        /// ACE's upload job or declaration number.
        job: Option<String>,
    },
    /// File validation failed.
    Failed {
        /// Why, as said (a Validation Result File, the user).
        note: String,
    },
    /// Never uploaded; release its entries.
    Discarded {
        /// Why.
        note: String,
    },
}

impl Mark {
    fn state(&self) -> DeclState {
        match self {
            Self::Uploaded { .. } => DeclState::Uploaded,
            Self::Failed { .. } => DeclState::Failed,
            Self::Discarded { .. } => DeclState::Discarded,
        }
    }
}

/// One event of a declaration's log.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub(crate) id: i64,
    pub(crate) state: DeclState,
    pub(crate) undoes: Option<i64>,
    pub(crate) migrated: bool,
    pub(crate) claim_id: Option<i64>,
}

pub(crate) fn events(tx: &rusqlite::Connection, decl: DeclarationId) -> Result<Vec<Event>> {
    let mut stmt = tx.prepare_cached(
        "SELECT id, state, undoes, migrated, claim_id FROM declaration_events
         WHERE declaration_id = ?1 ORDER BY id",
    )?;
    let mut rows = stmt.query([decl.0])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let state: String = r.get(1)?;
        out.push(Event {
            id: r.get(0)?,
            state: DeclState::parse(&state)?,
            undoes: r.get(2)?,
            migrated: r.get::<_, i64>(3)? == 1,
            claim_id: r.get(4)?,
        });
    }
    Ok(out)
}

/// What an event of a new mark carries.
#[derive(Debug, Default)]
pub(crate) struct NewEvent<'a> {
    pub(crate) uploaded_at: Option<&'a str>,
    pub(crate) job: Option<&'a str>,
    pub(crate) claim: Option<ClaimId>,
    pub(crate) note: &'a str,
    pub(crate) undoes: Option<i64>,
}

pub(crate) fn append(
    tx: &rusqlite::Connection,
    decl: DeclarationId,
    state: DeclState,
    at: &str,
    e: &NewEvent<'_>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO declaration_events
           (declaration_id, state, recorded_at, uploaded_at, job, claim_id, note, undoes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            decl.0,
            state.as_str(),
            at,
            e.uploaded_at,
            e.job,
            e.claim.map(|c| c.0),
            e.note,
            e.undoes
        ],
    )?;
    Ok(())
}

/// The current state and whether it is the unconfirmed state of the upgrade.
pub(crate) fn current(
    conn: &rusqlite::Connection,
    decl: DeclarationId,
) -> Result<Option<(DeclState, bool)>> {
    let row: Option<(String, i64)> = conn
        .query_row(
            "SELECT state, migrated FROM declaration_state WHERE declaration_id = ?1",
            [decl.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    row.map(|(s, m)| Ok((DeclState::parse(&s)?, m == 1)))
        .transpose()
}

/// Keeps the bytes of a declaration (once).
pub(crate) fn keep_bytes(
    tx: &rusqlite::Connection,
    decl: DeclarationId,
    bytes: &[u8],
) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO declaration_bytes (declaration_id, sha256, bytes)
         VALUES (?1, ?2, ?3)",
        params![decl.0, crate::sha256_hex(bytes), bytes],
    )?;
    Ok(())
}

fn refused(message: String) -> LedgerError {
    LedgerError::Refused(message)
}

impl Ledger {
    /// The state of the declaration `id`; `None` when there is no such declaration. One row
    /// read, where [`Ledger::declarations`] counts every entry's state.
    pub fn declaration_state(&self, id: DeclarationId) -> Result<Option<DeclState>> {
        Ok(current(&self.conn, id)?.map(|(state, _)| state))
    }

    /// The declaration whose file has the SHA-256 `sha256`, if the ledger holds one.
    pub fn declaration_with_sha256(&self, sha256: &str) -> Result<Option<DeclarationId>> {
        Ok(self
            .conn
            .query_row(
                "SELECT d.id FROM declarations d JOIN files f ON f.id = d.file_id
                 WHERE f.sha256 = ?1",
                [sha256],
                |r| r.get(0),
            )
            .optional()?
            .map(DeclarationId))
    }

    /// Every declaration with its state, oldest first.
    pub fn declarations(&self) -> Result<Vec<Declaration>> {
        let mut holding: HashMap<DeclarationId, usize> = HashMap::new();
        for s in all_states(&self.conn, &Except::none())?.values() {
            match s {
                EntryState::Pending { declaration_id, .. }
                | EntryState::Drafted { declaration_id, .. } => {
                    *holding.entry(*declaration_id).or_default() += 1;
                }
                _ => {}
            }
        }
        self.summaries(&holding)
    }

    /// Every declaration, with `holding` as the entries each holds.
    fn summaries(&self, holding: &HashMap<DeclarationId, usize>) -> Result<Vec<Declaration>> {
        let seen = decls(&self.conn)?;
        let mut stmt = self.conn.prepare(
            "SELECT d.id, d.entries, f.imported_at, s.job, c.claim_number,
                    (SELECT note FROM declaration_events WHERE id = s.event_id),
                    EXISTS (SELECT 1 FROM declaration_bytes b WHERE b.declaration_id = d.id)
             FROM declarations d
             JOIN files f ON f.id = d.file_id
             JOIN declaration_state s ON s.declaration_id = d.id
             LEFT JOIN claim_answers ca ON ca.declaration_id = d.id
             LEFT JOIN claims c ON c.id = ca.claim_id
             GROUP BY d.id
             ORDER BY d.id",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let id = DeclarationId(r.get(0)?);
            let Some(d) = seen.get(&id) else { continue };
            let recorded: String = r.get(2)?;
            let uploaded = matches!(d.state, DeclState::Uploaded | DeclState::Answered);
            out.push(Declaration {
                id,
                name: d.name.clone(),
                written_by_capekit: d.refile,
                sha256: d.sha256.clone(),
                state: d.state,
                unconfirmed: d.migrated && d.state == DeclState::Uploaded,
                entries: usize::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                holding: holding.get(&id).copied().unwrap_or(0),
                recorded_at: parse_ts(&recorded)?,
                uploaded_at: uploaded.then_some(d.at),
                job: r.get(3)?,
                claim: r.get(4)?,
                note: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                bytes_kept: r.get(6)?,
            });
        }
        Ok(out)
    }

    /// The declarations to tell the user about on every run: old ones never confirmed that
    /// still hold entries, and uploads without a claim after two days.
    ///
    /// It runs at every command, so it never derives every entry's state: an old declaration's
    /// hold is counted as its entries with no claim outcome at or after its place and never
    /// accepted, one indexed look-up per entry of those declarations only.
    pub fn attention(&self, now: Timestamp) -> Result<Attention> {
        let mut holding: HashMap<DeclarationId, usize> = HashMap::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT d.id,
                        (SELECT COUNT(*) FROM declaration_entries de
                         WHERE de.declaration_id = d.id
                           AND NOT EXISTS (
                               SELECT 1 FROM claim_entries ce
                               LEFT JOIN claim_answers ca ON ca.claim_id = ce.claim_id
                               LEFT JOIN declarations d2 ON d2.id = ca.declaration_id
                               LEFT JOIN claim_places cp ON cp.claim_id = ce.claim_id
                               WHERE ce.entry = de.entry
                                 AND (ce.outcome = 'accepted'
                                      OR COALESCE(d2.seq, cp.seq, ce.file_id) >= d.seq)))
                 FROM declarations d
                 JOIN declaration_state s ON s.declaration_id = d.id
                 WHERE s.state = 'uploaded' AND s.migrated = 1",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let n: i64 = r.get(1)?;
                holding.insert(DeclarationId(r.get(0)?), usize::try_from(n).unwrap_or(0));
            }
        }
        let all = self.summaries(&holding)?;
        Ok(Attention {
            unconfirmed: all
                .iter()
                .filter(|d| d.unconfirmed && d.holding > 0)
                .cloned()
                .collect(),
            // An unconfirmed old declaration has its own word above.
            stale: all
                .into_iter()
                .filter(|d| d.stale(now) && !d.unconfirmed)
                .collect(),
        })
    }

    /// The declaration `r` names, if any. A name that fits several is refused, listing them.
    pub fn find_declaration(&self, r: &DeclRef) -> Result<Option<Declaration>> {
        let all = self.declarations()?;
        let found: Vec<Declaration> = match r {
            DeclRef::Sha256(sha) => all.into_iter().filter(|d| &d.sha256 == sha).collect(),
            DeclRef::Id(id) => all.into_iter().filter(|d| d.id == *id).collect(),
            DeclRef::Name(n) => all
                .into_iter()
                .filter(|d| {
                    d.name == *n
                        || std::path::Path::new(&d.name)
                            .file_name()
                            .is_some_and(|f| f.to_string_lossy() == n.as_str())
                })
                .collect(),
        };
        match found.len() {
            0 => Ok(None),
            1 => Ok(found.into_iter().next()),
            _ => Err(refused(format!(
                "several declarations fit: {} - name one by its number",
                found
                    .iter()
                    .map(|d| format!("#{} {} ({})", d.id, crate::shown_name(&d.name), d.state))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// Moves a recorded declaration, in one transaction. Refused (with what to do instead) when
    /// the move would go backwards, or when marking uploaded would put an entry on a second
    /// pending upload.
    pub fn mark(&mut self, id: DeclarationId, mark: &Mark) -> Result<MarkOutcome> {
        let at = Timestamp::now().to_string();
        let tx = self.begin()?;
        let out = mark_tx(&tx, id, mark, &at)?;
        tx.commit()?;
        Ok(out)
    }

    /// Records a declaration upload the ledger may not know yet (the file, its entries, its
    /// bytes) and marks it uploaded, in one transaction.
    pub fn mark_uploaded_file(
        &mut self,
        file: &FileMeta,
        bytes: &[u8],
        entries: &[EntryNumber],
        at: Option<Timestamp>,
        job: Option<String>,
    ) -> Result<MarkOutcome> {
        let now = Timestamp::now().to_string();
        let tx = self.begin()?;
        let (id, new) = match declaration_of_sha(&tx, &file.sha256)? {
            Some(id) => (id, false),
            None => (
                crate::import::new_declaration(&tx, file, entries, &now, None)?.0,
                true,
            ),
        };
        keep_bytes(&tx, id, bytes)?;
        let mut out = mark_tx(&tx, id, &Mark::Uploaded { at, job }, &now)?;
        if new && let MarkOutcome::Changed { from, .. } = &mut out {
            *from = None;
        }
        tx.commit()?;
        Ok(out)
    }

    /// Undoes the latest mark of a declaration (uploaded, failed or discarded): a new event that
    /// restores the state before it, naming the event it undoes. A claim's answer and the first
    /// record are not undone.
    pub fn undo(&mut self, id: DeclarationId) -> Result<MarkOutcome> {
        let at = Timestamp::now().to_string();
        let tx = self.begin()?;
        let evs = events(&tx, id)?;
        let undone: Vec<i64> = evs.iter().filter_map(|e| e.undoes).collect();
        let live: Vec<&Event> = evs
            .iter()
            .filter(|e| e.undoes.is_none() && !undone.contains(&e.id))
            .collect();
        let name = name_of(&tx, id)?;
        let Some((last, before)) = live.split_last() else {
            return Err(refused(format!("{name}: nothing recorded to undo")));
        };
        let Some(before) = before.last() else {
            return Err(refused(format!(
                "{name}: its only event is its record ({}); there is no mark to undo - use `capekit ledger discard` to release a draft",
                last.state
            )));
        };
        if last.state == DeclState::Answered {
            return Err(refused(format!(
                "{name}: answered by a claim, which is CBP's word and not a mark to undo"
            )));
        }
        if last.migrated {
            return Err(refused(format!(
                "{name}: its state comes from the upgrade of the ledger; confirm it with `capekit ledger uploaded` or release it with `capekit ledger discard`"
            )));
        }
        // Restoring a draft or an upload makes it hold its entries again: never those another
        // declaration holds now (a newer draft took them after a discard, a refile went up after
        // a failure), or the same entry would sit on two files.
        if matches!(before.state, DeclState::Draft | DeclState::Uploaded) {
            let blockers = holders_elsewhere(&tx, id)?;
            if !blockers.is_empty() {
                return Err(refused(format!(
                    "{name}: not undone - undoing its mark {} would make it hold {} again that {} now: {}. If the undo is right, release {} first ({}), then undo again",
                    last.state,
                    crate::plural(blockers.iter().map(|b| b.entries).sum(), "entry", "entries"),
                    if blockers.len() == 1 {
                        "another declaration holds"
                    } else {
                        "other declarations hold"
                    },
                    blockers
                        .iter()
                        .map(Holder::describe)
                        .collect::<Vec<_>>()
                        .join("; "),
                    if blockers.len() == 1 { "it" } else { "them" },
                    release_commands(&blockers),
                )));
            }
        }
        let from = last.state;
        // An upload restored keeps the time and job it was marked with: the claim that answers
        // it is placed by that time, and its age is counted from it.
        let (uploaded_at, job): (Option<String>, Option<String>) =
            if before.state == DeclState::Uploaded {
                tx.query_row(
                    "SELECT COALESCE(uploaded_at, recorded_at), job FROM declaration_events
                     WHERE id = ?1",
                    [before.id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?
            } else {
                (None, None)
            };
        append(
            &tx,
            id,
            before.state,
            &at,
            &NewEvent {
                uploaded_at: uploaded_at.as_deref(),
                job: job.as_deref(),
                note: &format!("undo of the mark {from}"),
                undoes: Some(last.id),
                ..NewEvent::default()
            },
        )?;
        let entries = entries_of(&tx, id)?;
        tx.commit()?;
        Ok(MarkOutcome::Changed {
            id,
            name,
            from: Some(from),
            to: before.state,
            entries,
        })
    }

    /// The entries a declaration lists, in entry order.
    pub fn declaration_entries(&self, id: DeclarationId) -> Result<Vec<EntryNumber>> {
        let mut st = self.conn.prepare(
            "SELECT entry FROM declaration_entries WHERE declaration_id = ?1 ORDER BY entry",
        )?;
        let rows = st.query_map([id.0], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(crate::parse_entry(&r?)?);
        }
        Ok(out)
    }

    /// The bytes kept of a declaration, if any.
    pub fn declaration_bytes(&self, id: DeclarationId) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_row(
                "SELECT bytes FROM declaration_bytes WHERE declaration_id = ?1",
                [id.0],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Copies the ledger to `dest` with SQLite's online backup: a consistent copy even while
    /// another capekit writes. `dest` must not exist: it is created here, readable by its owner
    /// only (0600 on Unix) like the ledger, and never through a symlink or over a file (one that
    /// appears meanwhile is refused). A failed copy removes what it created.
    pub fn backup(&self, dest: &std::path::Path) -> Result<()> {
        if !crate::create_private(dest)? {
            return Err(LedgerError::Refused(format!(
                "{}: the file exists; a backup never replaces a file - give a new name",
                dest.display()
            )));
        }
        let copy = || -> Result<()> {
            let mut out = rusqlite::Connection::open(dest)?;
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut out)?;
            backup.run_to_completion(256, std::time::Duration::from_millis(10), None)?;
            Ok(())
        };
        let done = copy();
        if done.is_err() {
            let _ = std::fs::remove_file(dest);
        }
        crate::make_private(dest);
        done
    }

    /// Every declaration the ledger records, with where it was read or written and the SHA-256
    /// of its bytes: what output writers must never replace (a draft the ledger reserves
    /// entries for, an upload it keeps as the record of what CBP was sent).
    pub fn declaration_files(&self) -> Result<Vec<DeclarationFile>> {
        let mut out: Vec<DeclarationFile> = crate::state::decls(&self.conn)?
            .into_values()
            .map(|d| DeclarationFile {
                id: d.id,
                name: d.name,
                refile_path: d.refile_path,
                sha256: d.sha256,
                state: d.state,
            })
            .collect();
        out.sort_by_key(|d| d.id);
        Ok(out)
    }
}

/// A declaration file the ledger records (see [`Ledger::declaration_files`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclarationFile {
    /// Its record.
    pub id: DeclarationId,
    /// The file as it was named when recorded (the path given, or where capekit wrote it).
    pub name: String,
    /// Where capekit wrote it (resolved), for a refile file capekit wrote.
    pub refile_path: Option<String>,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Where it stands.
    pub state: DeclState,
}

/// The latest declaration of these bytes.
pub(crate) fn declaration_of_sha(
    tx: &rusqlite::Connection,
    sha: &str,
) -> Result<Option<DeclarationId>> {
    Ok(tx
        .query_row(
            "SELECT d.id FROM declarations d JOIN files f ON f.id = d.file_id
             LEFT JOIN declaration_bytes b ON b.declaration_id = d.id
             WHERE f.sha256 = ?1 OR b.sha256 = ?1
             ORDER BY d.id DESC LIMIT 1",
            [sha],
            |r| r.get(0),
        )
        .optional()?
        .map(DeclarationId))
}

/// A declaration's file as a user is shown it ([`crate::shown_name`]): what marks and their
/// refusals name it by.
fn name_of(tx: &rusqlite::Connection, id: DeclarationId) -> Result<String> {
    let name: String = tx.query_row(
        "SELECT COALESCE(r.path, f.name) FROM declarations d JOIN files f ON f.id = d.file_id
         LEFT JOIN refile_files r ON r.declaration_id = d.id WHERE d.id = ?1",
        [id.0],
        |r| r.get(0),
    )?;
    Ok(crate::shown_name(&name).into_owned())
}

fn entries_of(tx: &rusqlite::Connection, id: DeclarationId) -> Result<usize> {
    let n: i64 = tx.query_row(
        "SELECT entries FROM declarations WHERE id = ?1",
        [id.0],
        |r| r.get(0),
    )?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// A declaration holding some entries of another one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holder {
    /// Its record.
    pub id: DeclarationId,
    /// Its file (the path, for a file capekit wrote).
    pub name: String,
    /// `draft` (reserved) or `uploaded` (pending with CBP).
    pub state: DeclState,
    /// How many of those entries it holds.
    pub entries: usize,
}

impl Holder {
    /// `#7 out/refile.csv (draft, 3 entries)`.
    pub fn describe(&self) -> String {
        format!(
            "#{} {} ({}, {})",
            self.id,
            self.name,
            self.state,
            crate::plural(self.entries, "entry", "entries")
        )
    }
}

/// The commands that release what `blockers` hold: a draft is discarded, an upload marked failed
/// (only if it did fail).
fn release_commands(blockers: &[Holder]) -> String {
    blockers
        .iter()
        .map(|b| match b.state {
            DeclState::Uploaded => {
                format!("`capekit ledger failed '#{}'` if its upload failed", b.id)
            }
            _ => format!("`capekit ledger discard '#{}'`", b.id),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The other declarations that hold entries of `id` now, as they would without `id`: drafts
/// reserving them and uploads they are pending on, by declaration.
pub(crate) fn holders_elsewhere(
    conn: &rusqlite::Connection,
    id: DeclarationId,
) -> Result<Vec<Holder>> {
    let mut stmt =
        conn.prepare_cached("SELECT entry FROM declaration_entries WHERE declaration_id = ?1")?;
    let entries: Vec<String> = stmt
        .query_map([id.0], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let except = Except::declaration(id);
    let mut by: BTreeMap<DeclarationId, Holder> = BTreeMap::new();
    for e in entries {
        let (other, name, state) =
            match crate::state::state_of(conn, crate::parse_entry(&e)?, &except)? {
                EntryState::Pending {
                    declaration_id,
                    declaration,
                    ..
                } => (declaration_id, declaration, DeclState::Uploaded),
                EntryState::Drafted {
                    declaration_id,
                    declaration,
                    ..
                } => (declaration_id, declaration, DeclState::Draft),
                _ => continue,
            };
        by.entry(other)
            .or_insert_with(|| Holder {
                id: other,
                name,
                state,
                entries: 0,
            })
            .entries += 1;
    }
    Ok(by.into_values().collect())
}

impl Ledger {
    /// The other declarations holding entries of `id` now: what a superseded, discarded or
    /// failed declaration's entries went to.
    pub fn holders_elsewhere(&self, id: DeclarationId) -> Result<Vec<Holder>> {
        holders_elsewhere(&self.conn, id)
    }
}

/// Entries of `id` pending on another uploaded declaration: (entry, that declaration).
fn pending_elsewhere(
    tx: &rusqlite::Connection,
    id: DeclarationId,
) -> Result<BTreeMap<EntryNumber, String>> {
    let mut stmt = tx.prepare("SELECT entry FROM declaration_entries WHERE declaration_id = ?1")?;
    let entries: Vec<String> = stmt
        .query_map([id.0], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = BTreeMap::new();
    for e in entries {
        let e = crate::parse_entry(&e)?;
        if let EntryState::Pending {
            declaration,
            declaration_id,
            ..
        } = crate::state::state_of(tx, e, &Except::none())?
            && declaration_id != id
        {
            out.insert(e, declaration);
        }
    }
    Ok(out)
}

pub(crate) fn mark_tx(
    tx: &rusqlite::Connection,
    id: DeclarationId,
    mark: &Mark,
    at: &str,
) -> Result<MarkOutcome> {
    let name = name_of(tx, id)?;
    let to = mark.state();
    let (from, migrated) = match current(tx, id)? {
        Some((s, m)) => (Some(s), m),
        None => (None, false),
    };
    if let Some(from) = from {
        if from == to && !(migrated && to == DeclState::Uploaded) {
            return Ok(MarkOutcome::Unchanged {
                id,
                name,
                state: from,
            });
        }
        if !allowed(from, to, migrated) {
            let hint = match (from, to) {
                (DeclState::Uploaded, DeclState::Discarded) => {
                    " - if it was never uploaded, the mark was wrong: `capekit ledger undo` it"
                }
                (DeclState::Answered, _) => {
                    " - a claim answered it, so CBP processed it; triage a newer claim instead"
                }
                _ => "",
            };
            return Err(refused(format!(
                "{name} is {from}; it cannot become {to}{hint}"
            )));
        }
    }
    // A superseded, discarded or failed declaration whose entries a newer draft or upload holds
    // now cannot hold them again: the same entries would be on two files.
    if to == DeclState::Uploaded && matches!(from, Some(DeclState::Discarded | DeclState::Failed)) {
        let blockers = holders_elsewhere(tx, id)?;
        if !blockers.is_empty() {
            return Err(refused(format!(
                "{name} is {}: not marked uploaded, since {} now - {}. Upload that one instead; if you did upload {name}, release {} first ({}), then mark it again",
                from.map_or("", DeclState::as_str),
                if blockers.len() == 1 {
                    "a newer declaration holds its entries"
                } else {
                    "newer declarations hold its entries"
                },
                blockers
                    .iter()
                    .map(Holder::describe)
                    .collect::<Vec<_>>()
                    .join("; "),
                if blockers.len() == 1 { "it" } else { "them" },
                release_commands(&blockers),
            )));
        }
    }
    if to == DeclState::Uploaded {
        let clash = pending_elsewhere(tx, id)?;
        if !clash.is_empty() {
            let list: Vec<String> = clash
                .iter()
                .take(5)
                .map(|(e, d)| format!("{} on {d}", e.as_str()))
                .collect();
            return Err(refused(format!(
                "{name}: {} of its entries are already pending on another uploaded declaration ({}{}); CBP rejects an entry declared twice. If that other declaration was never uploaded, `capekit ledger undo` its mark first; if its upload failed, `capekit ledger failed` it",
                clash.len(),
                list.join(", "),
                if clash.len() > 5 { ", ..." } else { "" }
            )));
        }
    }
    let (uploaded_at, job, note) = match mark {
        Mark::Uploaded { at: when, job } => (
            when.map(|t| t.to_string()),
            job.as_deref(),
            if from == Some(DeclState::Uploaded) {
                "confirmed uploaded"
            } else {
                ""
            },
        ),
        Mark::Failed { note } | Mark::Discarded { note } => (None, None, note.as_str()),
    };
    append(
        tx,
        id,
        to,
        at,
        &NewEvent {
            uploaded_at: uploaded_at.as_deref(),
            job,
            note,
            ..NewEvent::default()
        },
    )?;
    Ok(MarkOutcome::Changed {
        id,
        name,
        from,
        to,
        entries: entries_of(tx, id)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_round_trips() -> Result<()> {
        for s in DeclState::ALL {
            assert_eq!(DeclState::parse(s.as_str())?, s);
        }
        Ok(())
    }

    #[test]
    fn nothing_moves_backwards_but_a_restart() {
        use DeclState::*;
        assert!(allowed(Draft, Uploaded, false));
        assert!(allowed(Uploaded, Answered, false));
        assert!(!allowed(Uploaded, Draft, false));
        assert!(!allowed(Answered, Uploaded, false));
        assert!(!allowed(Answered, Failed, false));
        assert!(!allowed(Uploaded, Discarded, false));
        assert!(allowed(Uploaded, Discarded, true), "an unconfirmed upgrade");
        assert!(allowed(Uploaded, Uploaded, true), "confirmed");
        assert!(!allowed(Uploaded, Uploaded, false));
        assert!(allowed(Discarded, Draft, false), "written again");
        assert!(
            allowed(Failed, Uploaded, false),
            "uploaded again after a load error"
        );
    }
}
