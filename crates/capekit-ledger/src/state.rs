//! The state of an entry, derived from what was recorded and in which order.
//!
//! The rules (CBP's quick reference guide, April 2026: an accepted entry is never declared again,
//! and one queued on a declaration is not resubmitted):
//! - accepted on any claim: accepted for good, whatever came before or after;
//! - else, on a declaration uploaded (or answered) after its last claim outcome (or with none):
//!   pending - CBP has it queued, and resubmitting it conflicts later;
//! - else, on a draft written after its last claim outcome: drafted - the draft reserves it, so
//!   no second file offers it, until the draft is uploaded, discarded or superseded;
//! - else, rejected, with the latest claim's action and message;
//! - else unknown.
//!
//! A failed or discarded declaration holds nothing: its entries fall back to what their claims
//! say. "After" is by place on the ledger's clock: a declaration's `seq`, and for a claim row the
//! `seq` of the declaration its claim answers (else its file id), so that an old claim read late
//! sits where it belongs and never releases entries of a later declaration (a claim answering
//! none has a place of its own, or its file id).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use capekit_core::catalog::Action;
use capekit_core::entry::EntryNumber;
use capekit_core::known::{
    KnownState, Standing, corrected_refusal, importer_refusal, refile_as_is,
};
use capekit_core::triage::{LeftOut, Outcome, RefilePlan};
use jiff::Timestamp;
use rusqlite::Connection;
use serde::Serialize;

use crate::lifecycle::DeclState;
use crate::{DeclarationId, FileKind, Ledger, Result, parse_action, parse_entry, parse_ts};

/// Where an entry stands, as far as the ledger knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum EntryState {
    /// Accepted on a claim: never declare it again.
    Accepted {
        /// The (first) claim that accepted it.
        claim: String,
    },
    /// On an uploaded declaration with no claim outcome recorded after it: do not resubmit.
    Pending {
        /// The declaration file (the path, for a file capekit wrote).
        declaration: String,
        /// The declaration's record.
        declaration_id: DeclarationId,
        /// When it was uploaded (as the user said, else when the upload was recorded).
        declared_at: Timestamp,
        /// True for a file capekit wrote.
        written_by_capekit: bool,
        /// Recorded before capekit kept declaration states, and not confirmed since: counted as
        /// uploaded, the safe reading.
        unconfirmed: bool,
    },
    /// On a draft (written, not uploaded) with no claim outcome after it: the draft reserves it.
    Drafted {
        /// The draft (the path, for a file capekit wrote).
        declaration: String,
        /// The draft's record.
        declaration_id: DeclarationId,
        /// When it was written or recorded.
        written_at: Timestamp,
    },
    /// Rejected on its latest claim.
    Rejected {
        /// That claim.
        claim: String,
        /// What to do, as the latest triage read the message.
        action: Action,
        /// The message as CBP wrote it.
        message: String,
        /// Claims on which it was rejected so far.
        attempts: usize,
    },
    /// The ledger has no declaration and no claim outcome for it.
    Unknown,
}

impl EntryState {
    /// `accepted`, `pending`, `drafted`, `rejected` or `unknown`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Accepted { .. } => "accepted",
            Self::Pending { .. } => "pending",
            Self::Drafted { .. } => "drafted",
            Self::Rejected { .. } => "rejected",
            Self::Unknown => "unknown",
        }
    }

    /// The state in words, as every page, terminal line and workbook names it: see
    /// [`EntryState::label_of`].
    pub fn label(&self) -> &'static str {
        Self::label_of(self.name())
    }

    /// The words for a state's [`EntryState::name`] (the JSON and CSV value): `accepted`,
    /// `pending with CBP`, `on a draft` (written, not uploaded), `rejected`, `not declared`
    /// (the ledger has no declaration and no claim outcome for it). Any other name is returned
    /// as it is.
    pub fn label_of(name: &str) -> &str {
        match name {
            "pending" => "pending with CBP",
            "drafted" => "on a draft",
            "unknown" => "not declared",
            other => other,
        }
    }

    /// The claim answer that stands for the entry, as an outcome and an action: accepted, or
    /// rejected with its latest claim's action; `None` when a declaration after its last claim
    /// outcome holds it, or when it has none.
    pub fn latest(&self) -> Option<(Outcome, Action)> {
        match self {
            Self::Accepted { .. } => Some((Outcome::Accepted, Action::None)),
            Self::Rejected { action, .. } => Some((Outcome::Rejected, *action)),
            Self::Pending { .. } | Self::Drafted { .. } | Self::Unknown => None,
        }
    }

    /// What `check`, `fix` and `triage` must know: accepted, pending or drafted, else nothing.
    pub fn known(&self) -> Option<KnownState> {
        match self {
            Self::Accepted { claim } => Some(KnownState::Accepted {
                claim: claim.clone(),
            }),
            Self::Pending {
                declaration,
                declared_at,
                ..
            } => Some(KnownState::Pending {
                declaration: declaration.clone(),
                declared_at: *declared_at,
            }),
            Self::Drafted {
                declaration,
                declaration_id,
                written_at,
            } => Some(KnownState::Drafted {
                declaration: declaration.clone(),
                number: Some(declaration_id.0),
                written_at: *written_at,
            }),
            Self::Rejected { .. } | Self::Unknown => None,
        }
    }
}

/// Declarations whose hold is set aside when asking: the file being checked (it cannot conflict
/// with itself), and the drafts in the folder a run is about to write into (the run supersedes
/// them).
#[derive(Debug, Clone, Default)]
pub struct Except {
    /// A declaration with these bytes holds nothing.
    pub sha256: Option<String>,
    /// Drafts capekit wrote into this folder (canonical) hold nothing.
    pub drafts_in: Option<PathBuf>,
    /// This declaration holds nothing: what would the others hold without it?
    pub declaration: Option<DeclarationId>,
}

impl Except {
    /// Nothing set aside.
    pub fn none() -> Self {
        Self::default()
    }

    /// The file with these bytes set aside.
    pub fn file(sha256: impl Into<String>) -> Self {
        Self {
            sha256: Some(sha256.into()),
            ..Self::default()
        }
    }

    /// The drafts written into `folder` set aside.
    pub fn drafts_in(folder: impl Into<PathBuf>) -> Self {
        Self {
            drafts_in: Some(folder.into()),
            ..Self::default()
        }
    }

    /// The declaration `id` set aside.
    pub fn declaration(id: DeclarationId) -> Self {
        Self {
            declaration: Some(id),
            ..Self::default()
        }
    }

    fn skips(&self, d: &DeclSeen) -> bool {
        if self.sha256.as_deref() == Some(d.sha256.as_str()) || self.declaration == Some(d.id) {
            return true;
        }
        match (&self.drafts_in, &d.refile_path) {
            (Some(dir), Some(p)) if d.state == DeclState::Draft => {
                Path::new(p).parent() == Some(dir.as_path())
            }
            _ => false,
        }
    }
}

/// A declaration as the state rules see it.
#[derive(Debug, Clone)]
pub(crate) struct DeclSeen {
    pub(crate) id: DeclarationId,
    pub(crate) seq: i64,
    pub(crate) name: String,
    pub(crate) at: Timestamp,
    pub(crate) refile: bool,
    pub(crate) refile_path: Option<String>,
    pub(crate) sha256: String,
    pub(crate) state: DeclState,
    pub(crate) migrated: bool,
}

/// The claim outcomes of an entry, folded in clock order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outcomes {
    accepted_on: Option<String>,
    last_seq: i64,
    last: Option<(String, Action, String)>,
    rejected_on: Vec<String>,
}

impl Outcomes {
    fn add(&mut self, seq: i64, claim: String, accepted: bool, action: Action, message: String) {
        self.last_seq = self.last_seq.max(seq);
        if accepted {
            self.accepted_on.get_or_insert_with(|| claim.clone());
        } else if !self.rejected_on.contains(&claim) {
            self.rejected_on.push(claim.clone());
        }
        self.last = Some((claim, action, message));
    }
}

/// The declarations of one entry that matter: the latest holding one (uploaded or answered) and
/// the latest draft.
#[derive(Debug, Clone, Default)]
pub(crate) struct Holds {
    held: Option<DeclSeen>,
    draft: Option<DeclSeen>,
}

impl Holds {
    fn offer(&mut self, d: &DeclSeen, except: &Except) {
        if except.skips(d) {
            return;
        }
        let slot = match d.state {
            DeclState::Uploaded | DeclState::Answered => &mut self.held,
            DeclState::Draft => &mut self.draft,
            DeclState::Failed | DeclState::Discarded => return,
        };
        if slot.as_ref().is_none_or(|s| d.seq > s.seq) {
            *slot = Some(d.clone());
        }
    }
}

pub(crate) fn fold(holds: Holds, out: Option<Outcomes>) -> EntryState {
    let out = out.unwrap_or_default();
    if let Some(claim) = out.accepted_on {
        return EntryState::Accepted { claim };
    }
    let after = |d: &DeclSeen| out.last.is_none() || d.seq > out.last_seq;
    if let Some(d) = holds.held.filter(after) {
        return EntryState::Pending {
            // As a user is shown it: a workbench draft by its file, never its upload id.
            declaration: crate::shown_name(&d.name).into_owned(),
            declaration_id: d.id,
            declared_at: d.at,
            written_by_capekit: d.refile,
            unconfirmed: d.migrated && d.state == DeclState::Uploaded,
        };
    }
    if let Some(d) = holds.draft.filter(after) {
        return EntryState::Drafted {
            declaration: crate::shown_name(&d.name).into_owned(),
            declaration_id: d.id,
            written_at: d.at,
        };
    }
    match out.last {
        Some((claim, action, message)) => EntryState::Rejected {
            claim,
            action,
            message,
            attempts: out.rejected_on.len(),
        },
        None => EntryState::Unknown,
    }
}

/// Every declaration with its current state. The time shown is the upload's for a declaration
/// uploaded or answered (as the user gave it, else when it was marked), else when it was written.
pub(crate) const DECLS: &str = "
    SELECT d.id, d.seq, COALESCE(r.path, f.name), f.imported_at, f.kind,
           COALESCE((SELECT b.sha256 FROM declaration_bytes b WHERE b.declaration_id = d.id),
                    f.sha256),
           r.path,
           s.state, s.migrated,
           (SELECT COALESCE(e.uploaded_at, e.recorded_at) FROM declaration_events e
            WHERE e.declaration_id = d.id AND e.state = 'uploaded'
            ORDER BY e.id DESC LIMIT 1)
    FROM declarations d
    JOIN files f ON f.id = d.file_id
    JOIN declaration_state s ON s.declaration_id = d.id
    LEFT JOIN refile_files r ON r.declaration_id = d.id";

pub(crate) fn decl_from_row(r: &rusqlite::Row<'_>) -> Result<DeclSeen> {
    decl_from_row_at(r, 0)
}

/// [`decl_from_row`] of a row whose [`DECLS`] columns start at column `at`.
fn decl_from_row_at(r: &rusqlite::Row<'_>, at: usize) -> Result<DeclSeen> {
    let imported: String = r.get(at + 3)?;
    let kind: String = r.get(at + 4)?;
    let state: String = r.get(at + 7)?;
    let state = DeclState::parse(&state)?;
    let uploaded: Option<String> = r.get(at + 9)?;
    let shown_at = match (state, uploaded) {
        (DeclState::Uploaded | DeclState::Answered, Some(u)) => parse_ts(&u)?,
        _ => parse_ts(&imported)?,
    };
    Ok(DeclSeen {
        id: DeclarationId(r.get(at)?),
        seq: r.get(at + 1)?,
        name: r.get(at + 2)?,
        at: shown_at,
        refile: kind == FileKind::Refile.as_str(),
        sha256: r.get(at + 5)?,
        refile_path: r.get(at + 6)?,
        state,
        migrated: r.get::<_, i64>(at + 8)? == 1,
    })
}

/// Every declaration, by id.
pub(crate) fn decls(conn: &Connection) -> Result<HashMap<DeclarationId, DeclSeen>> {
    let mut stmt = conn.prepare_cached(DECLS)?;
    let mut rows = stmt.query([])?;
    let mut out = HashMap::new();
    while let Some(r) = rows.next()? {
        let d = decl_from_row(r)?;
        out.insert(d.id, d);
    }
    Ok(out)
}

/// A claim row's place on the clock, in SQL: the `seq` of the declaration its claim answers,
/// else the claim's own place (an older claim answering none), else the claim file's id.
macro_rules! claim_place {
    () => {
        "COALESCE(d.seq, cp.seq, ce.file_id)"
    };
}

/// The joins [`claim_place!`] reads, from a `claim_entries` row `ce`: `d`, the declaration its
/// claim answers, and `cp`, the claim's own place.
macro_rules! claim_place_joins {
    () => {
        " LEFT JOIN claim_answers ca ON ca.claim_id = ce.claim_id
          LEFT JOIN declarations d ON d.id = ca.declaration_id
          LEFT JOIN claim_places cp ON cp.claim_id = ce.claim_id "
    };
}

/// [`claim_place!`] as a string, for queries built at run time.
pub(crate) const CLAIM_PLACE: &str = claim_place!();
/// [`claim_place_joins!`] as a string.
pub(crate) const CLAIM_PLACE_JOINS: &str = claim_place_joins!();

/// How many entries one [`states_of`] asks about: the list is bound whole, so a plan of
/// millions of entries asks in chunks.
const ASKED_AT_ONCE: usize = 1 << 16;

/// [`OUT_ALL`] for the entries of an `rarray` (`?1`).
const OUT_OF: &str = concat!(
    "SELECT ce.entry, ",
    claim_place!(),
    " AS s, c.claim_number, ce.outcome, ce.action, ce.message
    FROM claim_entries ce JOIN claims c ON c.id = ce.claim_id",
    claim_place_joins!(),
    "WHERE ce.entry IN rarray(?1)
    ORDER BY ce.entry, s, ce.file_id, ce.line"
);

const OUT_ALL: &str = concat!(
    "SELECT ce.entry, ",
    claim_place!(),
    " AS s, c.claim_number, ce.outcome, ce.action, ce.message
    FROM claim_entries ce JOIN claims c ON c.id = ce.claim_id",
    claim_place_joins!(),
    "ORDER BY ce.entry, s, ce.file_id, ce.line"
);

pub(crate) fn state_of(
    conn: &Connection,
    entry: EntryNumber,
    except: &Except,
) -> Result<EntryState> {
    Ok(states_of(conn, &[entry], except)?
        .remove(&entry)
        .unwrap_or(EntryState::Unknown))
}

/// The state of each of `entries` that a declaration or a claim names, by entry number (an
/// entry named by neither is [`EntryState::Unknown`] and left out). One query over those
/// entries' rows (`rarray`), not two per entry: a triage asks about every entry of its
/// worklist, hundreds of thousands of them.
pub(crate) fn states_of(
    conn: &Connection,
    entries: &[EntryNumber],
    except: &Except,
) -> Result<HashMap<EntryNumber, EntryState>> {
    use rusqlite::types::Value;
    let asked: std::rc::Rc<Vec<Value>> = std::rc::Rc::new(
        entries
            .iter()
            .collect::<HashSet<_>>()
            .into_iter()
            .map(|e| Value::Text(e.as_str().to_owned()))
            .collect(),
    );
    let mut holds: HashMap<EntryNumber, Holds> = HashMap::new();
    {
        let mut stmt = conn.prepare_cached(&format!(
            "WITH held AS (SELECT entry, declaration_id FROM declaration_entries
                           WHERE entry IN rarray(?1))
             SELECT held.entry, decl.* FROM held
             JOIN ({DECLS}) decl ON decl.id = held.declaration_id"
        ))?;
        let mut rows = stmt.query([&asked])?;
        while let Some(r) = rows.next()? {
            let entry: String = r.get(0)?;
            holds
                .entry(parse_entry(&entry)?)
                .or_default()
                .offer(&decl_from_row_at(r, 1)?, except);
        }
    }
    let mut states = HashMap::with_capacity(holds.len());
    {
        let mut stmt = conn.prepare_cached(OUT_OF)?;
        let rows = stmt.query([&asked])?;
        fold_rows(rows, holds, |e, s| {
            states.insert(e, s);
        })?;
    }
    Ok(states)
}

/// Folds the claim rows of [`OUT_ALL`]'s columns (`rows`, in entry order) with each entry's
/// `holds` into its state, given to `put` entry by entry; entries held but without a claim row
/// come last.
fn fold_rows(
    mut rows: rusqlite::Rows<'_>,
    mut holds: HashMap<EntryNumber, Holds>,
    mut put: impl FnMut(EntryNumber, EntryState),
) -> Result<()> {
    let mut current: Option<(EntryNumber, Outcomes)> = None;
    while let Some(r) = rows.next()? {
        let entry: String = r.get(0)?;
        let entry = parse_entry(&entry)?;
        if current.as_ref().is_some_and(|(e, _)| *e != entry)
            && let Some((e, out)) = current.take()
        {
            put(e, fold(holds.remove(&e).unwrap_or_default(), Some(out)));
        }
        let action: String = r.get(4)?;
        let outcome: String = r.get(3)?;
        current
            .get_or_insert_with(|| (entry, Outcomes::default()))
            .1
            .add(
                r.get(1)?,
                r.get(2)?,
                outcome == "accepted",
                parse_action(&action)?,
                r.get(5)?,
            );
    }
    if let Some((e, out)) = current {
        put(e, fold(holds.remove(&e).unwrap_or_default(), Some(out)));
    }
    for (e, h) in holds {
        put(e, fold(h, None));
    }
    Ok(())
}

/// The state of every entry the ledger knows, by entry number.
pub(crate) fn all_states(
    conn: &Connection,
    except: &Except,
) -> Result<BTreeMap<EntryNumber, EntryState>> {
    let decls = decls(conn)?;
    let mut holds: HashMap<EntryNumber, Holds> = HashMap::new();
    {
        let mut stmt = conn.prepare("SELECT entry, declaration_id FROM declaration_entries")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let entry: String = r.get(0)?;
            let Some(d) = decls.get(&DeclarationId(r.get(1)?)) else {
                continue;
            };
            holds
                .entry(parse_entry(&entry)?)
                .or_default()
                .offer(d, except);
        }
    }
    let mut states = BTreeMap::new();
    {
        let mut stmt = conn.prepare(OUT_ALL)?;
        let rows = stmt.query([])?;
        fold_rows(rows, holds, |e, s| {
            states.insert(e, s);
        })?;
    }
    // Entries known only from their data (no declaration, no claim) are unknown.
    let mut stmt = conn.prepare("SELECT entry FROM entry_data")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let entry: String = r.get(0)?;
        states
            .entry(parse_entry(&entry)?)
            .or_insert(EntryState::Unknown);
    }
    Ok(states)
}

impl Ledger {
    /// Where one entry stands.
    pub fn entry_state(&self, entry: EntryNumber) -> Result<EntryState> {
        state_of(&self.conn, entry, &Except::none())
    }

    /// Where each of `entries` stands.
    pub fn states(&self, entries: &[EntryNumber]) -> Result<HashMap<EntryNumber, EntryState>> {
        let mut out = HashMap::with_capacity(entries.len());
        for chunk in entries.chunks(ASKED_AT_ONCE) {
            out.extend(states_of(&self.conn, chunk, &Except::none())?);
        }
        for e in entries {
            out.entry(*e).or_insert(EntryState::Unknown);
        }
        Ok(out)
    }

    /// Of `entries`, those accepted, pending or drafted: what `check`, `fix`, `triage` and
    /// `plan` take as `known`.
    pub fn known(&self, entries: &[EntryNumber]) -> Result<HashMap<EntryNumber, KnownState>> {
        self.known_except(entries, &Except::none())
    }

    /// [`Ledger::known`], with the declarations `except` names set aside: the file being
    /// checked, or the drafts a run is about to supersede.
    pub fn known_except(
        &self,
        entries: &[EntryNumber],
        except: &Except,
    ) -> Result<HashMap<EntryNumber, KnownState>> {
        self.known_by(entries, except, EntryState::known)
    }

    /// What `plan` must know: [`Ledger::known`], and the entries whose latest claim rejected
    /// them with a message that asks for more than a refile ([`KnownState::Rejected`]), which
    /// a new declaration must not hold until the correction or the other path is done.
    pub fn known_for_plan(
        &self,
        entries: &[EntryNumber],
    ) -> Result<HashMap<EntryNumber, KnownState>> {
        self.known_for_plan_except(entries, &Except::none())
    }

    /// [`Ledger::known_for_plan`], with the declarations `except` names set aside: what
    /// `check` tells of a file's entries.
    pub fn known_for_plan_except(
        &self,
        entries: &[EntryNumber],
        except: &Except,
    ) -> Result<HashMap<EntryNumber, KnownState>> {
        self.known_by(entries, except, |state| match state {
            EntryState::Rejected {
                claim,
                action,
                message,
                ..
            } if KnownState::rejection_blocks(*action) => Some(KnownState::Rejected {
                claim: claim.clone(),
                message: message.clone(),
                action: *action,
            }),
            state => state.known(),
        })
    }

    /// The answers `known` gives for `entries`, asked in chunks: a plan asks about every entry
    /// of an ES-003, millions, nearly all never declared.
    fn known_by(
        &self,
        entries: &[EntryNumber],
        except: &Except,
        known: impl Fn(&EntryState) -> Option<KnownState>,
    ) -> Result<HashMap<EntryNumber, KnownState>> {
        let mut out = HashMap::new();
        for chunk in entries.chunks(ASKED_AT_ONCE) {
            out.extend(
                states_of(&self.conn, chunk, except)?
                    .into_iter()
                    .filter_map(|(e, s)| Some((e, known(&s)?))),
            );
        }
        Ok(out)
    }

    /// The state of every entry in the ledger, in entry-number order.
    pub fn all_states(&self) -> Result<BTreeMap<EntryNumber, EntryState>> {
        all_states(&self.conn, &Except::none())
    }

    /// [`Ledger::all_states`], with the declarations `except` names set aside.
    pub fn all_states_except(&self, except: &Except) -> Result<BTreeMap<EntryNumber, EntryState>> {
        all_states(&self.conn, except)
    }

    /// The importer of each entry whose data was recorded.
    pub(crate) fn importers(&self) -> Result<HashMap<EntryNumber, String>> {
        let mut stmt = self.conn.prepare(
            "SELECT entry, importer_number FROM entry_data WHERE importer_number IS NOT NULL",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = HashMap::new();
        while let Some(r) = rows.next()? {
            let entry: String = r.get(0)?;
            out.insert(parse_entry(&entry)?, r.get(1)?);
        }
        Ok(out)
    }

    /// Entries to refile as they are ([`capekit_core::known::refile_as_is`] of what the ledger
    /// records: rejected on their latest claim with the action `refile`, never accepted, not
    /// pending, not on a draft). With `importer`, only that importer's entries (entries with no
    /// recorded importer are left out then).
    pub fn refile_candidates(&self, importer: Option<&str>) -> Result<Vec<EntryNumber>> {
        self.refile_candidates_except(importer, &Except::none())
    }

    fn refile_candidates_except(
        &self,
        importer: Option<&str>,
        except: &Except,
    ) -> Result<Vec<EntryNumber>> {
        let importers = match importer {
            Some(_) => self.importers()?,
            None => HashMap::new(),
        };
        Ok(self
            .all_states_except(except)?
            .into_iter()
            .filter(|(_, s)| refile_as_is(s.latest(), s.known().as_ref()).is_ok())
            .filter(|(e, _)| {
                importer.is_none_or(|i| {
                    importer_refusal(i, importers.get(e).map(String::as_str)).is_none()
                })
            })
            .map(|(e, _)| e)
            .collect())
    }

    /// The next declaration, from the ledger alone: every refile candidate, plus each entry of
    /// `corrected` whose latest rejection a correction (or the wait) clears
    /// (`correct-then-refile`, `retry-later`, `refile`). Never an accepted or a pending entry;
    /// every corrected entry left out is listed with the reason. Drafts `except` names (those
    /// in the folder the new file goes to, which it supersedes) hold nothing.
    pub fn next_declaration(
        &self,
        corrected: &[EntryNumber],
        importer: Option<&str>,
        except: &Except,
    ) -> Result<RefilePlan> {
        let mut plan = RefilePlan {
            entries: self.refile_candidates_except(importer, except)?,
            ..RefilePlan::default()
        };
        let mut chosen: std::collections::HashSet<EntryNumber> =
            plan.entries.iter().copied().collect();
        let importers = match importer {
            Some(_) => self.importers()?,
            None => HashMap::new(),
        };
        for e in corrected {
            if chosen.contains(e) {
                continue;
            }
            let state = state_of(&self.conn, *e, except)?;
            let held = state.known();
            let standing = match (&state, &held) {
                (EntryState::Accepted { claim }, _) => Standing::Accepted { claim },
                (_, Some(k)) => Standing::Held(k),
                (EntryState::Rejected { action, .. }, None) => Standing::Rejected {
                    action: *action,
                    advice: None,
                },
                _ => Standing::NoOutcome,
            };
            let reason = corrected_refusal(standing)
                .or_else(|| importer_refusal(importer?, importers.get(e).map(String::as_str)));
            match reason {
                None => {
                    chosen.insert(*e);
                    plan.entries.push(*e);
                    plan.from_corrected += 1;
                }
                Some(reason) => plan.left_out.push(LeftOut {
                    entry_number: *e,
                    reason,
                }),
            }
        }
        Ok(plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl(seq: i64, state: DeclState) -> DeclSeen {
        DeclSeen {
            id: DeclarationId(seq),
            seq,
            name: "d.csv".into(),
            at: Timestamp::UNIX_EPOCH,
            refile: false,
            refile_path: None,
            sha256: format!("{seq:064}"),
            state,
            migrated: false,
        }
    }

    fn holds(ds: &[DeclSeen]) -> Holds {
        let mut h = Holds::default();
        for d in ds {
            h.offer(d, &Except::none());
        }
        h
    }

    #[test]
    fn fold_follows_the_rules() {
        use DeclState::*;
        assert_eq!(fold(Holds::default(), None), EntryState::Unknown);
        assert!(matches!(
            fold(holds(&[decl(1, Uploaded)]), None),
            EntryState::Pending { .. }
        ));
        assert!(matches!(
            fold(holds(&[decl(1, Draft)]), None),
            EntryState::Drafted { .. }
        ));
        // Failed and discarded declarations hold nothing.
        assert_eq!(fold(holds(&[decl(1, Failed)]), None), EntryState::Unknown);
        assert_eq!(
            fold(holds(&[decl(1, Discarded)]), None),
            EntryState::Unknown
        );
        // An upload wins over a draft.
        assert!(matches!(
            fold(holds(&[decl(2, Draft), decl(1, Uploaded)]), None),
            EntryState::Pending { .. }
        ));
        let mut rejected = Outcomes::default();
        rejected.add(2, "c1".into(), false, Action::Refile, "X".into());
        assert!(matches!(
            fold(holds(&[decl(1, Answered)]), Some(rejected.clone())),
            EntryState::Rejected { attempts: 1, .. }
        ));
        // A claim answering the declaration takes its place: equal seq is not "after".
        assert!(matches!(
            fold(holds(&[decl(2, Answered)]), Some(rejected.clone())),
            EntryState::Rejected { .. }
        ));
        assert!(matches!(
            fold(holds(&[decl(3, Uploaded)]), Some(rejected.clone())),
            EntryState::Pending { .. }
        ));
        let mut accepted = rejected;
        accepted.add(4, "c2".into(), true, Action::None, String::new());
        accepted.add(5, "c3".into(), false, Action::Refile, "Y".into());
        assert_eq!(
            fold(holds(&[decl(6, Uploaded)]), Some(accepted)),
            EntryState::Accepted { claim: "c2".into() }
        );
    }

    #[test]
    fn except_sets_aside_the_file_and_the_drafts_of_a_folder() {
        let mut d = decl(1, DeclState::Draft);
        d.refile_path = Some("/out/refile.csv".into());
        let mut h = Holds::default();
        h.offer(&d, &Except::drafts_in("/out"));
        assert!(h.draft.is_none());
        h.offer(&d, &Except::drafts_in("/elsewhere"));
        assert!(h.draft.is_some());
        let mut h = Holds::default();
        h.offer(&d, &Except::file(d.sha256.clone()));
        assert!(h.draft.is_none());
    }
}
