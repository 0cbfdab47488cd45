//! The state of an entry, derived from what was recorded and in which order.
//!
//! The rules (CAPE.md sections 3 and 4):
//! - accepted on any claim: accepted for good, whatever came before or after (an accepted entry
//!   is never declared again);
//! - else, on a declaration or refile file recorded after its last claim outcome (or with none):
//!   pending - CBP has it queued, and resubmitting it conflicts later;
//! - else, rejected, with the latest claim's action and message;
//! - else unknown.
//!
//! "After" is by file id: files are numbered in the order they were recorded (a declaration
//! recorded with claim files that were recorded before it takes the place of the first of them).

use std::collections::{BTreeMap, HashMap, HashSet};

use capekit_core::catalog::Action;
use capekit_core::entry::EntryNumber;
use capekit_core::known::KnownState;
use capekit_core::triage::{LeftOut, RefilePlan};
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::{FileKind, Ledger, Result, parse_action, parse_entry, parse_ts};

/// Where an entry stands, as far as the ledger knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum EntryState {
    /// Accepted on a claim: never declare it again.
    Accepted {
        /// The (first) claim that accepted it.
        claim: String,
    },
    /// On a declaration with no claim outcome recorded after it: do not resubmit.
    Pending {
        /// The declaration file (the path, for a file capekit wrote).
        declaration: String,
        /// When that declaration was recorded.
        declared_at: Timestamp,
        /// True for a refile file capekit wrote (it may not be uploaded yet).
        written_by_capekit: bool,
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
    /// `accepted`, `pending`, `rejected` or `unknown`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Accepted { .. } => "accepted",
            Self::Pending { .. } => "pending",
            Self::Rejected { .. } => "rejected",
            Self::Unknown => "unknown",
        }
    }

    /// What `check`, `fix` and `triage` must know: accepted or pending, else nothing.
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
            Self::Rejected { .. } | Self::Unknown => None,
        }
    }
}

/// The latest declaration an entry is on.
#[derive(Debug, Clone)]
pub(crate) struct DeclSeen {
    pub(crate) seq: i64,
    pub(crate) name: String,
    pub(crate) at: Timestamp,
    pub(crate) refile: bool,
}

/// The claim outcomes of an entry, folded in recording order.
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

pub(crate) fn fold(decl: Option<DeclSeen>, out: Option<Outcomes>) -> EntryState {
    let out = out.unwrap_or_default();
    if let Some(claim) = out.accepted_on {
        return EntryState::Accepted { claim };
    }
    if let Some(d) = decl.filter(|d| out.last.is_none() || d.seq > out.last_seq) {
        return EntryState::Pending {
            declaration: d.name,
            declared_at: d.at,
            written_by_capekit: d.refile,
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

const DECL_ONE: &str = "
    SELECT d.seq, COALESCE(r.path, f.name), f.imported_at, f.kind
    FROM declaration_entries de
    JOIN declarations d ON d.id = de.declaration_id
    JOIN files f ON f.id = d.file_id
    LEFT JOIN refile_files r ON r.declaration_id = d.id
    WHERE de.entry = ?1
    ORDER BY d.seq DESC, f.id DESC LIMIT 1";

const OUT_ONE: &str = "
    SELECT ce.file_id, c.claim_number, ce.outcome, ce.action, ce.message
    FROM claim_entries ce JOIN claims c ON c.id = ce.claim_id
    WHERE ce.entry = ?1
    ORDER BY ce.file_id, ce.line";

// SQLite takes the bare columns of a `MAX()` aggregate from the row holding the maximum.
const DECL_ALL: &str = "
    SELECT de.entry, MAX(d.seq), COALESCE(r.path, f.name), f.imported_at, f.kind
    FROM declaration_entries de
    JOIN declarations d ON d.id = de.declaration_id
    JOIN files f ON f.id = d.file_id
    LEFT JOIN refile_files r ON r.declaration_id = d.id
    GROUP BY de.entry";

const OUT_ALL: &str = "
    SELECT ce.entry, ce.file_id, c.claim_number, ce.outcome, ce.action, ce.message
    FROM claim_entries ce JOIN claims c ON c.id = ce.claim_id
    ORDER BY ce.entry, ce.file_id, ce.line";

fn decl_row(seq: i64, name: String, at: &str, kind: &str) -> Result<DeclSeen> {
    Ok(DeclSeen {
        seq,
        name,
        at: parse_ts(at)?,
        refile: kind == FileKind::Refile.as_str(),
    })
}

pub(crate) fn state_of(conn: &Connection, entry: EntryNumber) -> Result<EntryState> {
    let decl: Option<(i64, String, String, String)> = conn
        .prepare_cached(DECL_ONE)?
        .query_row([entry.as_str()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let decl = decl
        .map(|(seq, name, at, kind)| decl_row(seq, name, &at, &kind))
        .transpose()?;
    let mut stmt = conn.prepare_cached(OUT_ONE)?;
    let mut rows = stmt.query([entry.as_str()])?;
    let mut out: Option<Outcomes> = None;
    while let Some(r) = rows.next()? {
        let action: String = r.get(3)?;
        let outcome: String = r.get(2)?;
        out.get_or_insert_with(Outcomes::default).add(
            r.get(0)?,
            r.get(1)?,
            outcome == "accepted",
            parse_action(&action)?,
            r.get(4)?,
        );
    }
    Ok(fold(decl, out))
}

/// The state of every entry the ledger knows, by entry number.
pub(crate) fn all_states(conn: &Connection) -> Result<BTreeMap<EntryNumber, EntryState>> {
    let mut decls: HashMap<EntryNumber, DeclSeen> = HashMap::new();
    {
        let mut stmt = conn.prepare(DECL_ALL)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let entry: String = r.get(0)?;
            let at: String = r.get(3)?;
            let kind: String = r.get(4)?;
            decls.insert(
                parse_entry(&entry)?,
                decl_row(r.get(1)?, r.get(2)?, &at, &kind)?,
            );
        }
    }
    let mut states = BTreeMap::new();
    {
        let mut stmt = conn.prepare(OUT_ALL)?;
        let mut rows = stmt.query([])?;
        let mut current: Option<(EntryNumber, Outcomes)> = None;
        while let Some(r) = rows.next()? {
            let entry: String = r.get(0)?;
            let entry = parse_entry(&entry)?;
            if current.as_ref().is_some_and(|(e, _)| *e != entry)
                && let Some((e, out)) = current.take()
            {
                states.insert(e, fold(decls.remove(&e), Some(out)));
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
            states.insert(e, fold(decls.remove(&e), Some(out)));
        }
    }
    for (e, d) in decls {
        states.insert(e, fold(Some(d), None));
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
        state_of(&self.conn, entry)
    }

    /// Where each of `entries` stands (each looked up once).
    pub fn states(&self, entries: &[EntryNumber]) -> Result<HashMap<EntryNumber, EntryState>> {
        let mut out = HashMap::with_capacity(entries.len());
        for e in entries {
            if !out.contains_key(e) {
                out.insert(*e, state_of(&self.conn, *e)?);
            }
        }
        Ok(out)
    }

    /// Of `entries`, those accepted or pending: what `check`, `fix`, `triage` and `plan` take
    /// as `known`.
    pub fn known(&self, entries: &[EntryNumber]) -> Result<HashMap<EntryNumber, KnownState>> {
        // A plan asks about every entry of an ES-003, hundreds of thousands, nearly all never
        // declared: one existence test each spares them the two queries of a full state. Only
        // an entry on a declaration can be pending, and only one with an accepted row accepted.
        let mut may_be_known = self.conn.prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM declaration_entries WHERE entry = ?1)
                 OR EXISTS (SELECT 1 FROM claim_entries
                            WHERE entry = ?1 AND outcome = 'accepted')",
        )?;
        let mut seen = HashSet::with_capacity(entries.len());
        let mut out = HashMap::new();
        for e in entries {
            if !seen.insert(*e) || !may_be_known.query_row([e.as_str()], |r| r.get::<_, bool>(0))? {
                continue;
            }
            if let Some(k) = state_of(&self.conn, *e)?.known() {
                out.insert(*e, k);
            }
        }
        Ok(out)
    }

    /// The state of every entry in the ledger, in entry-number order.
    pub fn all_states(&self) -> Result<BTreeMap<EntryNumber, EntryState>> {
        all_states(&self.conn)
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

    /// Entries to refile as they are: rejected on their latest claim with the action `refile`,
    /// never accepted, not pending. With `importer`, only that importer's entries (entries with
    /// no recorded importer are left out then).
    pub fn refile_candidates(&self, importer: Option<&str>) -> Result<Vec<EntryNumber>> {
        let importers = match importer {
            Some(_) => Some(self.importers()?),
            None => None,
        };
        Ok(self
            .all_states()?
            .into_iter()
            .filter(|(_, s)| {
                matches!(
                    s,
                    EntryState::Rejected {
                        action: Action::Refile,
                        ..
                    }
                )
            })
            .filter(|(e, _)| match (importer, &importers) {
                (Some(i), Some(map)) => map.get(e).is_some_and(|x| x.eq_ignore_ascii_case(i)),
                _ => true,
            })
            .map(|(e, _)| e)
            .collect())
    }

    /// The next declaration, from the ledger alone: every refile candidate, plus each entry of
    /// `corrected` whose latest rejection a correction (or the wait) clears
    /// (`correct-then-refile`, `retry-later`, `refile`). Never an accepted or a pending entry;
    /// every corrected entry left out is listed with the reason.
    pub fn next_declaration(
        &self,
        corrected: &[EntryNumber],
        importer: Option<&str>,
    ) -> Result<RefilePlan> {
        let mut plan = RefilePlan {
            entries: self.refile_candidates(importer)?,
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
            let state = self.entry_state(*e)?;
            let reason = match &state {
                EntryState::Accepted { claim } => Some(format!(
                    "accepted on claim {claim}: an accepted entry is never declared again"
                )),
                EntryState::Pending {
                    declaration,
                    declared_at,
                    ..
                } => Some(format!(
                    "still pending on {declaration} (recorded {}): do not resubmit - wait for its claim",
                    declared_at.strftime("%Y-%m-%d %H:%M UTC")
                )),
                EntryState::Rejected { action, .. } if !action.refile_once_corrected() => Some(
                    format!("its action is `{action}`, which a correction does not change"),
                ),
                EntryState::Rejected { .. } => None,
                EntryState::Unknown => Some(
                    "the ledger has no claim outcome for it: triage its claim first".to_owned(),
                ),
            };
            let reason = reason.or_else(|| {
                let i = importer?;
                match importers.get(e) {
                    Some(x) if x.eq_ignore_ascii_case(i) => None,
                    Some(x) => Some(format!("its importer is {x}, not {i}")),
                    None => Some(format!(
                        "the ledger has no entry data for it, so it cannot tell whether its importer is {i}"
                    )),
                }
            });
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

    fn decl(seq: i64) -> DeclSeen {
        DeclSeen {
            seq,
            name: "d.csv".into(),
            at: Timestamp::UNIX_EPOCH,
            refile: false,
        }
    }

    #[test]
    fn fold_follows_the_rules() {
        assert_eq!(fold(None, None), EntryState::Unknown);
        assert!(matches!(
            fold(Some(decl(1)), None),
            EntryState::Pending { .. }
        ));
        let mut rejected = Outcomes::default();
        rejected.add(2, "c1".into(), false, Action::Refile, "X".into());
        assert!(matches!(
            fold(Some(decl(1)), Some(rejected.clone())),
            EntryState::Rejected { attempts: 1, .. }
        ));
        assert!(matches!(
            fold(Some(decl(3)), Some(rejected.clone())),
            EntryState::Pending { .. }
        ));
        let mut accepted = rejected;
        accepted.add(4, "c2".into(), true, Action::None, String::new());
        accepted.add(5, "c3".into(), false, Action::Refile, "Y".into());
        assert_eq!(
            fold(Some(decl(6)), Some(accepted)),
            EntryState::Accepted { claim: "c2".into() }
        );
    }
}
