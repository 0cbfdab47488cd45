//! Reading the ledger back: status, one entry's timeline, the export table, escalations, and
//! the integrity check.
//!
//! Every figure is computed from the recorded rows at the time of asking, with the same state
//! rules as [`crate::EntryState`], so `status`, `export` and `entry` never disagree.

use std::collections::{BTreeMap, HashMap, HashSet};

use capekit_core::catalog::{Action, normalize};
use capekit_core::deadline::{self, Deadline, DeadlineKind, days_between};
use capekit_core::entry::EntryNumber;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::import::EntryFacts;
use crate::state::EntryState;
use crate::{
    FileId, FileKind, Ledger, MIGRATIONS, Result, parse_action, parse_date, parse_entry, parse_ts,
};

/// Entries by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StateCounts {
    /// All entries.
    pub total: usize,
    /// Accepted on a claim.
    pub accepted: usize,
    /// On an uploaded declaration with no outcome after it.
    pub pending: usize,
    /// On a draft not yet uploaded, which reserves them.
    pub drafted: usize,
    /// Rejected on their latest claim.
    pub rejected: usize,
    /// Neither declared nor on a claim (entry data only).
    pub unknown: usize,
}

impl StateCounts {
    fn add(&mut self, s: &EntryState) {
        self.total += 1;
        match s {
            EntryState::Accepted { .. } => self.accepted += 1,
            EntryState::Pending { .. } => self.pending += 1,
            EntryState::Drafted { .. } => self.drafted += 1,
            EntryState::Rejected { .. } => self.rejected += 1,
            EntryState::Unknown => self.unknown += 1,
        }
    }
}

/// Rejected entries with one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ActionCount {
    /// The action.
    pub action: Action,
    /// Entries whose latest rejection has it.
    pub entries: usize,
}

/// One importer's entries, when entry data names the importer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImporterStatus {
    /// Importer of record number.
    pub importer: String,
    /// Its entries by state.
    pub entries: StateCounts,
    /// Its rejected entries by the action of their latest rejection, most urgent first.
    pub rejected_by_action: Vec<ActionCount>,
}

/// The deadline that matters for an entry not accepted, given its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryDeadline {
    /// The day.
    pub date: Date,
    /// Which deadline ([`capekit_core::deadline::DeadlineKind`]).
    pub kind: DeadlineKind,
    /// Days from the day asked about (`status_as_of`) to `date`; `None` without one.
    pub days_left: Option<i32>,
    /// The entry.
    pub entry: EntryNumber,
    /// Its importer, when known.
    pub importer: Option<String>,
    /// Its state.
    pub state: &'static str,
}

impl EntryDeadline {
    /// The entry's `deadline` (the domain's), with where the entry stands.
    pub fn of(
        deadline: Deadline,
        entry: EntryNumber,
        importer: Option<String>,
        state: &'static str,
    ) -> Self {
        Self {
            date: deadline.date,
            kind: deadline.kind,
            days_left: Some(deadline.days_left),
            entry,
            importer,
            state,
        }
    }

    /// Near enough to act today, by the domain's rule ([`capekit_core::deadline::urgent`]: 14
    /// days, 60 for the court); false without a day asked about.
    pub fn urgent(&self) -> bool {
        self.days_left
            .is_some_and(|d| deadline::urgent(self.kind, d))
    }
}

impl Serialize for EntryDeadline {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("EntryDeadline", 7)?;
        s.serialize_field("date", &self.date)?;
        s.serialize_field("kind", &self.kind)?;
        s.serialize_field("days_left", &self.days_left)?;
        s.serialize_field("urgent", &self.urgent())?;
        s.serialize_field("entry", &self.entry)?;
        s.serialize_field("importer", &self.importer)?;
        s.serialize_field("state", &self.state)?;
        s.end()
    }
}

/// What the ledger holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerStatus {
    /// The ledger file (`:memory:` for an in-memory ledger).
    pub path: String,
    /// Schema version.
    pub schema_version: i64,
    /// Files recorded, by kind.
    pub files: BTreeMap<&'static str, usize>,
    /// Claims recorded.
    pub claims: usize,
    /// Entries by state.
    pub entries: StateCounts,
    /// Rejected entries by the action of their latest rejection, most urgent first.
    pub rejected_by_action: Vec<ActionCount>,
    /// Per importer, when entry data is known; sorted by importer number.
    pub importers: Vec<ImporterStatus>,
    /// The nearest deadlines of entries not accepted, soonest first: one per entry, the one its
    /// path makes matter; every entry of the nearest [`STATUS_DEADLINES`] deadlines, a deadline
    /// being one date of one kind for one importer (many entries share a court date).
    pub deadlines: Vec<EntryDeadline>,
    /// How many entries have an open deadline, listed or not.
    pub deadlines_total: usize,
    /// Deadlines before this day were left out as passed; `None` lists them all.
    pub deadlines_from: Option<Date>,
    /// Entries that `ledger escalate` would list.
    pub escalations: usize,
}

/// How many deadlines `status` lists: dates of one kind for one importer, each with all its
/// entries.
pub const STATUS_DEADLINES: usize = 20;

/// One deadline of [`LedgerStatus::deadlines`]: its date, kind and importer.
pub fn deadline_group(d: &EntryDeadline) -> (Date, DeadlineKind, Option<&str>) {
    (d.date, d.kind, d.importer.as_deref())
}

/// `deadlines` (sorted as [`keep_nearest_deadlines`] leaves them) one deadline at a time: the
/// entries sharing a date of one kind for one importer, as the faces list them.
pub fn deadline_groups(deadlines: &[EntryDeadline]) -> impl Iterator<Item = &[EntryDeadline]> {
    deadlines.chunk_by(|a, b| deadline_group(a) == deadline_group(b))
}

/// Sorts `deadlines` soonest first and keeps the entries of the nearest [`STATUS_DEADLINES`]
/// deadlines (see [`deadline_group`]); returns how many entries there were.
pub fn keep_nearest_deadlines(deadlines: &mut Vec<EntryDeadline>) -> usize {
    let total = deadlines.len();
    deadlines.sort_by(|a, b| {
        (a.date, a.kind, &a.importer, a.entry).cmp(&(b.date, b.kind, &b.importer, b.entry))
    });
    let mut groups = 0usize;
    let mut keep = deadlines.len();
    for (i, d) in deadlines.iter().enumerate() {
        if i == 0 || deadline_group(&deadlines[i - 1]) != deadline_group(d) {
            groups += 1;
            if groups > STATUS_DEADLINES {
                keep = i;
                break;
            }
        }
    }
    deadlines.truncate(keep);
    total
}

/// What happened to an entry, in recording order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    /// On a declaration the user uploaded.
    Declared,
    /// On a refile file capekit wrote.
    Refiled,
    /// Accepted on a claim.
    Accepted,
    /// Rejected on a claim.
    Rejected,
    /// Its entry data was recorded.
    EntryData,
    /// A declaration holding it was marked (uploaded, failed, discarded, an undo, superseded).
    DeclarationMarked,
    /// Something was done for it on another path (a protest, a suit, a PSC, a Phase 3
    /// submission), as `capekit ledger acted` recorded.
    Acted,
}

impl EventKind {
    /// The event in words, for the terminal and the web alike. A file capekit wrote is a draft
    /// until it is marked uploaded (a later event), so it is never called "refiled".
    pub fn label(self) -> &'static str {
        match self {
            Self::Declared => "on a declaration",
            Self::Refiled => "on a draft capekit wrote",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::EntryData => "entry data read",
            Self::DeclarationMarked => "declaration marked",
            Self::Acted => "acted on",
        }
    }
}

/// One event of an entry's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEvent {
    /// When it was recorded.
    pub at: Timestamp,
    /// What happened.
    pub kind: EventKind,
    /// The file it was recorded from (the path, for a file capekit wrote).
    pub file: String,
    /// The file's record.
    pub file_id: Option<FileId>,
    /// Line in the claim file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The claim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<String>,
    /// The message, for a rejection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The action as triaged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// The catalog rule applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The as-of date of the triage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// For entry data: what was recorded (importer, type, liquidation, path, deadlines).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<EntryFacts>,
}

/// One row of `ledger export`: an entry and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportRow {
    /// The entry.
    pub entry: EntryNumber,
    /// `accepted`, `pending`, `rejected` or `unknown`.
    pub state: &'static str,
    /// The accepting claim, or the latest rejecting one.
    pub claim: Option<String>,
    /// Action of the latest rejection.
    pub action: Option<Action>,
    /// Message of the latest rejection.
    pub message: Option<String>,
    /// Claims on which it was rejected.
    pub attempts: usize,
    /// The declaration it is pending on.
    pub pending_on: Option<String>,
    /// Importer of record, when entry data is known.
    pub importer: Option<String>,
    /// Entry type, when known.
    pub entry_type: Option<String>,
    /// Liquidation date, when known.
    pub liquidation_date: Option<Date>,
    /// EntryPath, when known.
    pub path: Option<String>,
    /// Last day on CAPE, when known.
    pub cape_window_closes: Option<Date>,
    /// Last day to protest, when known.
    pub protest_due: Option<Date>,
    /// Last day to sue in the Court of International Trade, when known: the earlier of the
    /// 28 USC 1581(i) and 1581(a) dates the plan recorded.
    pub court_due: Option<Date>,
    /// What was done for it on another path (`capekit ledger acted`), oldest first, in words.
    pub acted: Vec<String>,
}

/// An entry CBP keeps rejecting with the same transient message: time to write to CBP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Escalation {
    /// The entry.
    pub entry: EntryNumber,
    /// The message, as CBP wrote it last.
    pub message: String,
    /// The claims that rejected it with that message, in recording order.
    pub claims: Vec<String>,
    /// Importer of record, when known.
    pub importer: Option<String>,
}

/// How many rejections with one retry-later message make an escalation.
pub const ESCALATE_AFTER: usize = 3;

/// A problem `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Which check: `integrity`, `foreign-key`, `claim-without-entries`, `accepted-twice`,
    /// `declaration-count`, `unreadable-value`, `schema-version`, `counts`, `declaration-state`,
    /// `state-backwards`, `answered-without-claim`, `pending-twice`, `entry-record`.
    pub check: &'static str,
    /// What was found.
    pub message: String,
}

#[derive(Debug, Default)]
struct Facts {
    /// The deadlines that matter, as recorded with the entry data (`entry_deadlines`), without
    /// those met by an act recorded since (`entry_acts`). Empty for entry data recorded before
    /// they were kept.
    deadlines: Vec<(DeadlineKind, Date)>,
    /// Deadline kinds met by a recorded act.
    met: Vec<DeadlineKind>,
    importer: Option<String>,
    entry_type: Option<String>,
    liquidation_date: Option<Date>,
    path: Option<String>,
    cape_window_closes: Option<Date>,
    protest_due: Option<Date>,
}

impl Facts {
    /// The deadline that matters for the entry's path, the nearest not passed on `today` (with
    /// `None`, passed ones count). One per entry, so the list `status` shows is of entries, and
    /// a cape entry's far protest date does not crowd out another entry's closing window.
    fn deadline(&self, today: Option<Date>) -> Option<(Date, DeadlineKind)> {
        let ahead = |d: Option<Date>| d.filter(|d| today.is_none_or(|t| *d >= t));
        // Which deadlines matter is the domain's answer for a path recorded on an earlier day:
        // a cape entry whose window has closed since keeps its protest.
        let matter = deadline::matter_as_recorded(
            self.path.as_deref().unwrap_or_default(),
            self.cape_window_closes,
            today,
        );
        if !self.deadlines.is_empty() {
            let recorded = |kind: DeadlineKind| self.deadlines.iter().any(|(k, _)| *k == kind);
            let protest = self
                .protest_due
                .filter(|_| {
                    matter.contains(DeadlineKind::Protest) && !recorded(DeadlineKind::Protest)
                })
                .map(|d| (DeadlineKind::Protest, d));
            return self
                .deadlines
                .iter()
                .copied()
                .chain(protest)
                .filter(|(k, _)| !self.met.contains(k))
                .filter_map(|(k, d)| ahead(Some(d)).map(|d| (d, k)))
                .min();
        }
        let mut list: Vec<(Date, DeadlineKind)> = Vec::new();
        if matter.contains(DeadlineKind::CapeWindow) {
            list.extend(ahead(self.cape_window_closes).map(|d| (d, DeadlineKind::CapeWindow)));
        }
        if matter.contains(DeadlineKind::Protest) {
            list.extend(ahead(self.protest_due).map(|d| (d, DeadlineKind::Protest)));
        }
        list.into_iter().min_by_key(|(d, _)| *d)
    }
}

/// Rejected entries counted by action, keyed by urgency so that they list most urgent first.
#[derive(Debug, Default)]
struct ActionTally(BTreeMap<usize, (Action, usize)>);

impl ActionTally {
    fn add(&mut self, s: &EntryState) {
        if let EntryState::Rejected { action, .. } = s {
            self.0.entry(action.urgency()).or_insert((*action, 0)).1 += 1;
        }
    }

    fn counts(self) -> Vec<ActionCount> {
        self.0
            .into_values()
            .map(|(action, entries)| ActionCount { action, entries })
            .collect()
    }
}

fn opt_date(s: Option<&str>) -> Result<Option<Date>> {
    s.map(parse_date).transpose()
}

impl Ledger {
    fn entry_facts(&self) -> Result<HashMap<EntryNumber, Facts>> {
        let mut stmt = self.conn.prepare(
            "SELECT entry, importer_number, entry_type, liquidation_date, path,
                    cape_window_closes, protest_due
             FROM entry_data",
        )?;
        let mut rows = stmt.query([])?;
        let mut out: HashMap<EntryNumber, Facts> = HashMap::new();
        while let Some(r) = rows.next()? {
            let entry: String = r.get(0)?;
            out.insert(
                parse_entry(&entry)?,
                Facts {
                    deadlines: Vec::new(),
                    met: Vec::new(),
                    importer: r.get(1)?,
                    entry_type: r.get(2)?,
                    liquidation_date: opt_date(r.get::<_, Option<String>>(3)?.as_deref())?,
                    path: r.get(4)?,
                    cape_window_closes: opt_date(r.get::<_, Option<String>>(5)?.as_deref())?,
                    protest_due: opt_date(r.get::<_, Option<String>>(6)?.as_deref())?,
                },
            );
        }
        {
            let mut stmt = self
                .conn
                .prepare("SELECT entry, kind, date FROM entry_deadlines")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let entry: String = r.get(0)?;
                let kind: String = r.get(1)?;
                let date: String = r.get(2)?;
                let kind =
                    DeadlineKind::parse(&kind).ok_or_else(|| crate::LedgerError::Corrupt {
                        what: "deadline kind",
                        value: kind.clone(),
                    })?;
                if let Some(f) = out.get_mut(&parse_entry(&entry)?) {
                    f.deadlines.push((kind, parse_date(&date)?));
                }
            }
            let mut stmt = self.conn.prepare("SELECT entry, act FROM entry_acts")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let entry: String = r.get(0)?;
                let act: String = r.get(1)?;
                let act = capekit_core::deadline::ActKind::parse(&act).ok_or_else(|| {
                    crate::LedgerError::Corrupt {
                        what: "act",
                        value: act.clone(),
                    }
                })?;
                if let Some(f) = out.get_mut(&parse_entry(&entry)?) {
                    f.met.extend_from_slice(act.meets());
                }
            }
        }
        Ok(out)
    }

    /// Files, claims, entries by state and action, per importer, and the nearest deadlines,
    /// passed ones included.
    pub fn status(&self) -> Result<LedgerStatus> {
        self.status_from(None)
    }

    /// [`Ledger::status`] with only the deadlines on or after `today`: a deadline that has
    /// passed can no longer be met, and listed first it would hide the ones that still can.
    pub fn status_as_of(&self, today: Date) -> Result<LedgerStatus> {
        self.status_from(Some(today))
    }

    /// [`Ledger::status_as_of`] with the state of every entry it was counted from, for a caller
    /// that judges some of them again (one reading of the ledger for both): every open
    /// deadline is in it, for the caller to keep the nearest ([`keep_nearest_deadlines`]).
    pub fn status_and_states_as_of(
        &self,
        today: Date,
    ) -> Result<(LedgerStatus, BTreeMap<EntryNumber, EntryState>)> {
        self.status_and_states(Some(today))
    }

    fn status_from(&self, today: Option<Date>) -> Result<LedgerStatus> {
        let mut status = self.status_and_states(today)?.0;
        keep_nearest_deadlines(&mut status.deadlines);
        Ok(status)
    }

    fn status_and_states(
        &self,
        today: Option<Date>,
    ) -> Result<(LedgerStatus, BTreeMap<EntryNumber, EntryState>)> {
        let states = self.all_states()?;
        let facts = self.entry_facts()?;
        let mut entries = StateCounts::default();
        let mut by_action = ActionTally::default();
        let mut importers: BTreeMap<&str, (StateCounts, ActionTally)> = BTreeMap::new();
        let mut deadlines = Vec::new();
        for (e, s) in &states {
            entries.add(s);
            by_action.add(s);
            let f = facts.get(e);
            if let Some(i) = f.and_then(|f| f.importer.as_deref()) {
                let (counts, actions) = importers.entry(i).or_default();
                counts.add(s);
                actions.add(s);
            }
            if matches!(s, EntryState::Accepted { .. }) {
                continue;
            }
            if let Some((f, (date, kind))) = f.and_then(|f| Some((f, f.deadline(today)?))) {
                let days_left = today.map(|t| days_between(t, date));
                deadlines.push(EntryDeadline {
                    date,
                    kind,
                    days_left,
                    entry: *e,
                    importer: f.importer.clone(),
                    state: s.name(),
                });
            }
        }
        // Every open deadline: a caller that judges some entries again keeps the nearest after
        // ([`keep_nearest_deadlines`]), as [`Ledger::status`] does.
        let deadlines_total = deadlines.len();
        let mut files = BTreeMap::new();
        {
            let mut stmt = self
                .conn
                .prepare("SELECT kind, COUNT(*) FROM files GROUP BY kind")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let kind: String = r.get(0)?;
                let n: i64 = r.get(1)?;
                files.insert(
                    crate::parse_file_kind(&kind)?.as_str(),
                    usize::try_from(n).unwrap_or(0),
                );
            }
        }
        let claims: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM claims", [], |r| r.get(0))?;
        let status = LedgerStatus {
            path: self
                .path
                .as_ref()
                .map_or_else(|| ":memory:".to_owned(), |p| p.display().to_string()),
            schema_version: self.schema_version()?,
            files,
            claims: usize::try_from(claims).unwrap_or(0),
            entries,
            rejected_by_action: by_action.counts(),
            importers: importers
                .into_iter()
                .map(|(i, (entries, actions))| ImporterStatus {
                    importer: i.to_owned(),
                    entries,
                    rejected_by_action: actions.counts(),
                })
                .collect(),
            deadlines,
            deadlines_total,
            deadlines_from: today,
            escalations: self.escalations()?.len(),
        };
        Ok((status, states))
    }

    /// Entries not accepted whose recorded court date (28 USC 1581(i) or 1581(a)) is before
    /// `today`: the plan that recorded it counted the earliest reading, and once that passed a
    /// later reading may still be ahead, which only the entry's data can tell.
    pub fn entries_past_their_court_date(&self, today: Date) -> Result<Vec<EntryNumber>> {
        self.entries_of(
            "SELECT DISTINCT entry FROM entry_deadlines
             WHERE kind IN ('court-1581i', 'court-1581a') AND date < ?1",
            [today.to_string()],
        )
    }

    /// Entries something was recorded for on another path (`capekit ledger acted`).
    pub fn entries_with_acts(&self) -> Result<Vec<EntryNumber>> {
        self.entries_of("SELECT DISTINCT entry FROM entry_acts", [])
    }

    /// The entry numbers a query of one column gives.
    fn entries_of<P: rusqlite::Params>(&self, sql: &str, params: P) -> Result<Vec<EntryNumber>> {
        let mut stmt = self.conn.prepare(sql)?;
        let mut rows = stmt.query(params)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let entry: String = r.get(0)?;
            out.push(parse_entry(&entry)?);
        }
        Ok(out)
    }

    /// Everything recorded about one entry, in recording order.
    pub fn timeline(&self, entry: EntryNumber) -> Result<Vec<TimelineEvent>> {
        // (file id, row order within the file, event)
        let mut events: Vec<(i64, i64, TimelineEvent)> = Vec::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT d.seq, COALESCE(r.path, f.name), f.imported_at, f.kind, f.id
                 FROM declaration_entries de
                 JOIN declarations d ON d.id = de.declaration_id
                 JOIN files f ON f.id = d.file_id
                 LEFT JOIN refile_files r ON r.declaration_id = d.id
                 WHERE de.entry = ?1",
            )?;
            let mut rows = stmt.query([entry.as_str()])?;
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                let at: String = r.get(2)?;
                let kind: String = r.get(3)?;
                events.push((
                    id,
                    0,
                    TimelineEvent {
                        at: parse_ts(&at)?,
                        kind: if kind == FileKind::Refile.as_str() {
                            EventKind::Refiled
                        } else {
                            EventKind::Declared
                        },
                        // As a user is shown it: no workbench upload id.
                        file: crate::shown_name(&r.get::<_, String>(1)?).into_owned(),
                        file_id: Some(FileId(r.get(4)?)),
                        line: None,
                        claim: None,
                        message: None,
                        action: None,
                        rule: None,
                        as_of: None,
                        data: None,
                    },
                ));
            }
        }
        {
            // The marks of the declarations holding it (their first event is their record,
            // shown above; an answer shows as the claim's rows).
            let mut stmt = self.conn.prepare_cached(
                "SELECT d.seq, COALESCE(r.path, f.name), e.recorded_at, e.state, e.note, e.job,
                        e.uploaded_at, f.id
                 FROM declaration_entries de
                 JOIN declarations d ON d.id = de.declaration_id
                 JOIN files f ON f.id = d.file_id
                 LEFT JOIN refile_files r ON r.declaration_id = d.id
                 JOIN declaration_events e ON e.declaration_id = d.id
                 WHERE de.entry = ?1 AND e.state != 'answered'
                   AND e.id > (SELECT MIN(id) FROM declaration_events
                               WHERE declaration_id = d.id)
                 ORDER BY e.id",
            )?;
            let mut rows = stmt.query([entry.as_str()])?;
            while let Some(r) = rows.next()? {
                let at: String = r.get(2)?;
                let state: String = r.get(3)?;
                let note: String = r.get(4)?;
                let job: Option<String> = r.get(5)?;
                let uploaded: Option<String> = r.get(6)?;
                let mut what = format!("marked {state}");
                if let Some(u) = uploaded {
                    what.push_str(&format!(" (uploaded {u})"));
                }
                if let Some(j) = job {
                    what.push_str(&format!(" (ACE {j})"));
                }
                if !note.is_empty() {
                    what.push_str(&format!(": {note}"));
                }
                events.push((
                    r.get(0)?,
                    0,
                    TimelineEvent {
                        at: parse_ts(&at)?,
                        kind: EventKind::DeclarationMarked,
                        // As a user is shown it: no workbench upload id.
                        file: crate::shown_name(&r.get::<_, String>(1)?).into_owned(),
                        file_id: Some(FileId(r.get(7)?)),
                        line: None,
                        claim: None,
                        message: Some(what),
                        action: None,
                        rule: None,
                        as_of: None,
                        data: None,
                    },
                ));
            }
        }
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT f.id, f.name, f.imported_at, ce.line, ce.line, c.claim_number, ce.outcome,
                        ce.message, ce.action, ce.rule, t.as_of
                 FROM claim_entries ce
                 JOIN claims c ON c.id = ce.claim_id
                 JOIN files f ON f.id = ce.file_id
                 JOIN triages t ON t.id = ce.triage_id
                 WHERE ce.entry = ?1",
            )?;
            let mut rows = stmt.query([entry.as_str()])?;
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                let at: String = r.get(2)?;
                let line: i64 = r.get(4)?;
                let outcome: String = r.get(6)?;
                let message: String = r.get(7)?;
                let action: String = r.get(8)?;
                let accepted = outcome == "accepted";
                events.push((
                    id,
                    r.get(3)?,
                    TimelineEvent {
                        at: parse_ts(&at)?,
                        kind: if accepted {
                            EventKind::Accepted
                        } else {
                            EventKind::Rejected
                        },
                        // As a user is shown it: no workbench upload id.
                        file: crate::shown_name(&r.get::<_, String>(1)?).into_owned(),
                        file_id: Some(FileId(id)),
                        line: u64::try_from(line).ok(),
                        claim: Some(r.get(5)?),
                        message: (!message.is_empty()).then_some(message),
                        action: Some(parse_action(&action)?),
                        rule: r.get(9)?,
                        as_of: Some(r.get(10)?),
                        data: None,
                    },
                ));
            }
        }
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT ed.file_id, COALESCE(f.name, 'entry data'), ed.recorded_at, ed.path,
                        ed.importer_number, ed.entry_type, ed.liquidation_date,
                        ed.cape_window_closes, ed.protest_due, ed.entry_date
                 FROM entry_data ed LEFT JOIN files f ON f.id = ed.file_id
                 WHERE ed.entry = ?1",
            )?;
            let mut rows = stmt.query([entry.as_str()])?;
            while let Some(r) = rows.next()? {
                let id: Option<i64> = r.get(0)?;
                let at: String = r.get(2)?;
                let path: String = r.get(3)?;
                let data = EntryFacts {
                    deadlines: Vec::new(),
                    entry,
                    importer_number: r.get(4)?,
                    entry_type: r.get(5)?,
                    entry_date: opt_date(r.get::<_, Option<String>>(9)?.as_deref())?,
                    liquidation_date: opt_date(r.get::<_, Option<String>>(6)?.as_deref())?,
                    path,
                    cape_window_closes: opt_date(r.get::<_, Option<String>>(7)?.as_deref())?,
                    protest_due: opt_date(r.get::<_, Option<String>>(8)?.as_deref())?,
                    record: None,
                };
                events.push((
                    id.unwrap_or(i64::MAX),
                    0,
                    TimelineEvent {
                        at: parse_ts(&at)?,
                        kind: EventKind::EntryData,
                        // As a user is shown it: no workbench upload id.
                        file: crate::shown_name(&r.get::<_, String>(1)?).into_owned(),
                        file_id: id.map(FileId),
                        line: None,
                        claim: None,
                        message: None,
                        action: None,
                        rule: None,
                        as_of: None,
                        data: Some(data),
                    },
                ));
            }
        }
        {
            // What was done on another path: after the files, in the order it was recorded.
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, act, reference, acted_on, recorded_at FROM entry_acts
                 WHERE entry = ?1 ORDER BY id",
            )?;
            let mut rows = stmt.query([entry.as_str()])?;
            while let Some(r) = rows.next()? {
                let at: String = r.get(4)?;
                let act = crate::import::act_of(
                    &r.get::<_, String>(1)?,
                    r.get(2)?,
                    &r.get::<_, String>(3)?,
                )?;
                events.push((
                    i64::MAX,
                    r.get(0)?,
                    TimelineEvent {
                        at: parse_ts(&at)?,
                        kind: EventKind::Acted,
                        file: String::new(),
                        file_id: None,
                        line: None,
                        claim: None,
                        message: Some(act.describe()),
                        action: None,
                        rule: None,
                        as_of: None,
                        data: None,
                    },
                ));
            }
        }
        events.sort_by_key(|(file, row, _)| (*file, *row));
        Ok(events.into_iter().map(|(_, _, e)| e).collect())
    }

    /// One row per entry with its state and what is known of it, in entry-number order.
    pub fn export_rows(&self) -> Result<Vec<ExportRow>> {
        let states = self.all_states()?;
        let mut facts = self.entry_facts()?;
        let mut court: HashMap<EntryNumber, Date> = HashMap::new();
        {
            let mut stmt = self.conn.prepare(
                "SELECT entry, MIN(date) FROM entry_deadlines
                 WHERE kind IN ('court-1581i', 'court-1581a') GROUP BY entry",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let entry: String = r.get(0)?;
                let date: String = r.get(1)?;
                court.insert(parse_entry(&entry)?, crate::parse_date(&date)?);
            }
        }
        let mut acted: HashMap<EntryNumber, Vec<String>> = HashMap::new();
        {
            let mut stmt = self
                .conn
                .prepare("SELECT entry, act, reference, acted_on FROM entry_acts ORDER BY id")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let entry: String = r.get(0)?;
                let act = crate::import::act_of(
                    &r.get::<_, String>(1)?,
                    r.get(2)?,
                    &r.get::<_, String>(3)?,
                )?;
                acted
                    .entry(parse_entry(&entry)?)
                    .or_default()
                    .push(act.describe());
            }
        }
        Ok(states
            .into_iter()
            .map(|(entry, s)| {
                let f = facts.remove(&entry).unwrap_or_default();
                let (claim, action, message, attempts, pending_on) = match &s {
                    EntryState::Accepted { claim } => (Some(claim.clone()), None, None, 0, None),
                    EntryState::Pending { declaration, .. }
                    | EntryState::Drafted { declaration, .. } => {
                        (None, None, None, 0, Some(declaration.clone()))
                    }
                    EntryState::Rejected {
                        claim,
                        action,
                        message,
                        attempts,
                    } => (
                        Some(claim.clone()),
                        Some(*action),
                        Some(message.clone()),
                        *attempts,
                        None,
                    ),
                    EntryState::Unknown => (None, None, None, 0, None),
                };
                ExportRow {
                    entry,
                    state: s.name(),
                    claim,
                    action,
                    message,
                    attempts,
                    pending_on,
                    importer: f.importer,
                    entry_type: f.entry_type,
                    liquidation_date: f.liquidation_date,
                    path: f.path,
                    cape_window_closes: f.cape_window_closes,
                    protest_due: f.protest_due,
                    court_due: court.get(&entry).copied(),
                    acted: acted.remove(&entry).unwrap_or_default(),
                }
            })
            .collect())
    }

    /// Entries not accepted that were rejected on [`ESCALATE_AFTER`] or more claims with the same
    /// `retry-later` message, or UNABLE TO CALCULATE DUTY (M009, refiled at once; CBP's guide:
    /// "if it repeats, write to IEEPARefunds@cbp.dhs.gov"). In entry order.
    pub fn escalations(&self) -> Result<Vec<Escalation>> {
        let accepted: HashSet<String> = {
            let mut stmt = self
                .conn
                .prepare("SELECT DISTINCT entry FROM claim_entries WHERE outcome = 'accepted'")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut stmt = self.conn.prepare(
            "SELECT ce.entry, c.claim_number, ce.message, ce.rule
             FROM claim_entries ce JOIN claims c ON c.id = ce.claim_id
             WHERE ce.outcome = 'rejected' AND (ce.action = ?1 OR ce.rule = ?2)
             ORDER BY ce.entry, ce.file_id, ce.line",
        )?;
        let mut rows = stmt.query([
            Action::RetryLater.as_str(),
            capekit_core::catalog::UNABLE_TO_CALCULATE_DUTY.code,
        ])?;
        // entry -> the message as the triage knew it -> (last raw message, claims). A repeat is
        // the same known message, however CBP words it this time (`Unable to calculate duty `,
        // `UNABLE TO CALCULATE DUTY - 11/25/2026`): the rule the triage matched it to, as the
        // catalog matches; the normalized text only for a message the catalog does not know.
        let mut seen: BTreeMap<String, BTreeMap<String, (String, Vec<String>)>> = BTreeMap::new();
        while let Some(r) = rows.next()? {
            let entry: String = r.get(0)?;
            if accepted.contains(&entry) {
                continue;
            }
            let claim: String = r.get(1)?;
            let message: String = r.get(2)?;
            let rule: Option<String> = r.get(3)?;
            let same = rule.unwrap_or_else(|| normalize(&message));
            let slot = seen.entry(entry).or_default().entry(same).or_default();
            slot.0 = message;
            if !slot.1.contains(&claim) {
                slot.1.push(claim);
            }
        }
        let facts = self.entry_facts()?;
        let mut out = Vec::new();
        for (entry, by_message) in seen {
            let entry = parse_entry(&entry)?;
            for (_, (message, claims)) in by_message {
                if claims.len() >= ESCALATE_AFTER {
                    out.push(Escalation {
                        entry,
                        message,
                        claims,
                        importer: facts.get(&entry).and_then(|f| f.importer.clone()),
                    });
                }
            }
        }
        Ok(out)
    }

    /// SQLite's own integrity check plus the ledger's invariants. An empty list means sound.
    pub fn verify(&self) -> Result<Vec<Problem>> {
        let mut problems = Vec::new();
        {
            let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            for r in rows {
                let r = r?;
                if r != "ok" {
                    push(&mut problems, "integrity", r);
                }
            }
        }
        {
            let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let table: String = r.get(0)?;
                let rowid: Option<i64> = r.get(1)?;
                let parent: String = r.get(2)?;
                push(
                    &mut problems,
                    "foreign-key",
                    format!(
                        "{table} row {} refers to a missing {parent} row",
                        rowid.map_or_else(|| "?".to_owned(), |r| r.to_string())
                    ),
                );
            }
        }
        let version = self.schema_version()?;
        if version != MIGRATIONS.len() as i64 {
            push(
                &mut problems,
                "schema-version",
                format!("schema version {version}, expected {}", MIGRATIONS.len()),
            );
        }
        {
            let mut stmt = self.conn.prepare(
                "SELECT claim_number FROM claims
                 WHERE id NOT IN (SELECT DISTINCT claim_id FROM claim_entries)",
            )?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            for c in rows {
                push(
                    &mut problems,
                    "claim-without-entries",
                    format!("claim {} has no entry rows", c?),
                );
            }
        }
        {
            // Every kept entry record belongs to an entry's data and reads back as it.
            let mut stmt = self.conn.prepare(
                "SELECT r.entry, r.record, ed.entry IS NULL FROM entry_records r
                 LEFT JOIN entry_data ed ON ed.entry = r.entry",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let entry: String = r.get(0)?;
                let record: String = r.get(1)?;
                if r.get::<_, bool>(2)? {
                    push(
                        &mut problems,
                        "entry-record",
                        format!("entry {entry} has a kept record but no entry data"),
                    );
                    continue;
                }
                match serde_json::from_str::<capekit_core::path::EntryData>(&record) {
                    Ok(d) if d.entry_number.as_str() == entry => {}
                    Ok(d) => push(
                        &mut problems,
                        "entry-record",
                        format!("the record kept for entry {entry} names {}", d.entry_number),
                    ),
                    Err(e) => push(
                        &mut problems,
                        "entry-record",
                        format!("the record kept for entry {entry} does not read back: {e}"),
                    ),
                }
            }
        }
        {
            // Only a Claim Details says an entry was accepted. A Validation Result File row
            // without an error means the entry passed file checks on the same upload (a ledger
            // written before capekit knew that holds such rows as "accepted"): with the claim,
            // it is one upload's answer, not a second acceptance.
            let mut stmt = self.conn.prepare(
                "SELECT ce.entry, group_concat(DISTINCT c.claim_number)
                 FROM claim_entries ce
                 JOIN claims c ON c.id = ce.claim_id
                 JOIN files f ON f.id = ce.file_id
                 WHERE ce.outcome = 'accepted' AND f.kind != 'validation-result'
                 GROUP BY ce.entry HAVING COUNT(DISTINCT ce.claim_id) > 1",
            )?;
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            for r in rows {
                let (entry, claims) = r?;
                push(
                    &mut problems,
                    "accepted-twice",
                    format!(
                        "entry {entry} is accepted on several claims ({claims}); CBP accepts an entry once - look at these claims in ACE"
                    ),
                );
            }
        }
        {
            let mut stmt = self.conn.prepare(
                "SELECT d.id, f.name, d.entries, COUNT(de.entry)
                 FROM declarations d JOIN files f ON f.id = d.file_id
                 LEFT JOIN declaration_entries de ON de.declaration_id = d.id
                 GROUP BY d.id HAVING COUNT(de.entry) != d.entries",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })?;
            for r in rows {
                let (name, said, found) = r?;
                push(
                    &mut problems,
                    "declaration-count",
                    format!("declaration {name} says {said} entries but {found} are recorded"),
                );
            }
        }
        // Every stored value must read back: entry numbers with their check digit, actions,
        // timestamps. A value that does not is a problem here rather than an error later.
        for (sql, what) in [
            (ALL_ENTRIES, "entry number"),
            ("SELECT DISTINCT action FROM claim_entries", "action"),
            ("SELECT imported_at FROM files", "timestamp"),
        ] {
            let mut stmt = self.conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            for v in rows {
                let v = v?;
                let ok = match what {
                    "entry number" => parse_entry(&v).is_ok(),
                    "action" => parse_action(&v).is_ok(),
                    _ => parse_ts(&v).is_ok(),
                };
                if !ok {
                    push(
                        &mut problems,
                        "unreadable-value",
                        format!("{what} `{v}` cannot be read"),
                    );
                }
            }
        }
        // Counts reconcile: every entry is in exactly one state.
        if problems.is_empty() {
            let states = self.all_states()?;
            let mut c = StateCounts::default();
            for s in states.values() {
                c.add(s);
            }
            let entries: i64 =
                self.conn
                    .query_row(&format!("SELECT COUNT(*) FROM ({ALL_ENTRIES})"), [], |r| {
                        r.get(0)
                    })?;
            let sum = c.accepted + c.pending + c.drafted + c.rejected + c.unknown;
            if i64::try_from(sum).ok() != Some(entries) || c.total != sum {
                push(
                    &mut problems,
                    "counts",
                    format!(
                        "{entries} entries recorded, but accepted {} + pending {} + drafted {} + rejected {} + unknown {} = {sum}",
                        c.accepted, c.pending, c.drafted, c.rejected, c.unknown
                    ),
                );
            }
        }
        self.verify_lifecycle(&mut problems)?;
        Ok(problems)
    }
}

impl Ledger {
    /// The invariants of declaration states: every declaration has a state; no state moved
    /// backwards except by an undo that restores the state before the event it undoes; every
    /// answered declaration has its claim; an entry is pending on at most one uploaded
    /// declaration, and reserved by at most one draft.
    fn verify_lifecycle(&self, problems: &mut Vec<Problem>) -> Result<()> {
        use crate::lifecycle::{DeclState, allowed, events};
        let ids: Vec<(i64, String)> = {
            let mut stmt = self.conn.prepare(
                "SELECT d.id, COALESCE(r.path, f.name) FROM declarations d
                 JOIN files f ON f.id = d.file_id
                 LEFT JOIN refile_files r ON r.declaration_id = d.id ORDER BY d.id",
            )?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        for (id, name) in &ids {
            let evs = match events(&self.conn, crate::DeclarationId(*id)) {
                Ok(e) => e,
                Err(e) => {
                    push(
                        problems,
                        "declaration-state",
                        format!("declaration {name}: {e}"),
                    );
                    continue;
                }
            };
            if evs.is_empty() {
                push(
                    problems,
                    "declaration-state",
                    format!("declaration {name} has no state"),
                );
                continue;
            }
            for w in evs.windows(2) {
                let (prev, next) = (&w[0], &w[1]);
                let ok = match next.undoes {
                    // An undo names an earlier event of this declaration and restores the
                    // state that held before it.
                    Some(undone) => evs
                        .iter()
                        .position(|e| e.id == undone)
                        .filter(|&i| i > 0)
                        .is_some_and(|i| evs[i - 1].state == next.state),
                    None => allowed(prev.state, next.state, prev.migrated),
                };
                if !ok {
                    push(
                        problems,
                        "state-backwards",
                        format!(
                            "declaration {name} moved from {} to {}{}",
                            prev.state,
                            next.state,
                            if next.undoes.is_some() {
                                " by an undo that does not restore the earlier state"
                            } else {
                                ""
                            }
                        ),
                    );
                }
            }
            for e in evs.iter().filter(|e| e.state == DeclState::Answered) {
                let linked: bool = self.conn.query_row(
                    "SELECT EXISTS (SELECT 1 FROM claim_answers WHERE declaration_id = ?1
                                    AND (?2 IS NULL OR claim_id = ?2))",
                    rusqlite::params![id, e.claim_id],
                    |r| r.get(0),
                )?;
                if !linked || (e.claim_id.is_none() && e.undoes.is_none()) {
                    push(
                        problems,
                        "answered-without-claim",
                        format!("declaration {name} is answered, but its claim is not recorded"),
                    );
                }
            }
        }
        // An entry pending on two uploads at once: each upload not answered, both holding it
        // after its last claim outcome.
        let states = self.all_states()?;
        let mut stmt = self.conn.prepare(
            "SELECT de.entry, group_concat(COALESCE(r.path, f.name), ', ')
             FROM declaration_entries de
             JOIN declaration_state s ON s.declaration_id = de.declaration_id
             JOIN declarations d ON d.id = de.declaration_id
             JOIN files f ON f.id = d.file_id
             LEFT JOIN refile_files r ON r.declaration_id = d.id
             WHERE s.state = 'uploaded'
             GROUP BY de.entry HAVING COUNT(*) > 1",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for r in rows {
            let (entry, on) = r?;
            let pending = parse_entry(&entry)
                .ok()
                .and_then(|e| states.get(&e))
                .is_some_and(|s| matches!(s, EntryState::Pending { .. }));
            if pending {
                push(
                    problems,
                    "pending-twice",
                    format!(
                        "entry {entry} is pending on several uploaded declarations ({on}); CBP takes an entry once - look for their claims in ACE, and mark the one that failed with `capekit ledger failed`"
                    ),
                );
            }
        }
        // An entry reserved by two live drafts at once: each draft written after the entry's
        // last claim outcome, the entry never accepted. A second file would offer it again.
        let mut stmt = self.conn.prepare(&format!(
            "SELECT de.entry, group_concat(COALESCE(r.path, f.name), ', ')
             FROM declaration_entries de
             JOIN declaration_state s ON s.declaration_id = de.declaration_id
             JOIN declarations d ON d.id = de.declaration_id
             JOIN files f ON f.id = d.file_id
             LEFT JOIN refile_files r ON r.declaration_id = d.id
             WHERE s.state = 'draft'
               AND NOT EXISTS (SELECT 1 FROM claim_entries a
                               WHERE a.entry = de.entry AND a.outcome = 'accepted')
               AND d.seq > COALESCE((SELECT MAX({place}) FROM claim_entries ce {joins}
                                     WHERE ce.entry = de.entry), -1)
             GROUP BY de.entry HAVING COUNT(*) > 1",
            place = crate::state::CLAIM_PLACE,
            joins = crate::state::CLAIM_PLACE_JOINS
        ))?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for r in rows {
            let (entry, on) = r?;
            push(
                problems,
                "drafted-twice",
                format!(
                    "entry {entry} is reserved by several drafts ({on}); upload one of them at most - discard the others with `capekit ledger discard`"
                ),
            );
        }
        Ok(())
    }
}

/// Every distinct entry number the ledger holds, wherever it stands.
const ALL_ENTRIES: &str = "SELECT entry FROM declaration_entries
     UNION SELECT entry FROM claim_entries
     UNION SELECT entry FROM entry_data";

fn push(problems: &mut Vec<Problem>, check: &'static str, message: String) {
    problems.push(Problem { check, message });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deadline(day: u32, importer: &str, n: u32) -> EntryDeadline {
        let entry = capekit_core::entry::EntryNumber::from_parts("B76", n).expect("entry");
        EntryDeadline {
            date: jiff::civil::date(2027, 1, i8::try_from(day).expect("day")),
            kind: DeadlineKind::Court1581i,
            days_left: Some(30),
            entry,
            importer: Some(importer.to_owned()),
            state: "rejected",
        }
    }

    /// A date shared by many entries of one importer is one deadline: all its entries are
    /// kept, and the nearest deadlines beyond the limit are cut whole.
    #[test]
    fn the_nearest_deadlines_are_kept_whole_with_every_entry() {
        let mut d: Vec<EntryDeadline> = (0..50).map(|n| deadline(1, "A", n)).collect();
        for day in 2..=(STATUS_DEADLINES as u32 + 5) {
            d.push(deadline(day, "A", 100 + day));
        }
        d.push(deadline(1, "B", 999));
        let total = keep_nearest_deadlines(&mut d);
        assert_eq!(total, 50 + STATUS_DEADLINES + 4 + 1);
        // Day 1 of A (50 entries), day 1 of B, then days 2.. up to the limit.
        assert_eq!(d.len(), 50 + 1 + (STATUS_DEADLINES - 2));
        assert!(d[..50].iter().all(|x| x.importer.as_deref() == Some("A")));
        assert_eq!(d[50].importer.as_deref(), Some("B"));
    }
}
