//! Per-entry aggregation of the judged rows: each entry's verdicts across claims and files,
//! kept compact for a million rows.

use super::*;

/// A judged verdict, shared by every row with the same status and message.
#[derive(Debug, Clone)]
pub(super) struct Judged {
    pub(super) outcome: Outcome,
    pub(super) action: Action,
    pub(super) rule: Option<&'static str>,
    pub(super) what_to_do: Text,
    pub(super) source: Text,
    pub(super) note: Option<String>,
}

impl From<(Outcome, Verdict)> for Judged {
    fn from((outcome, v): (Outcome, Verdict)) -> Self {
        Judged {
            outcome,
            action: v.action,
            rule: v.rule,
            what_to_do: v.what_to_do.into(),
            source: v.source.into(),
            note: v.note,
        }
    }
}

/// One (claim, entry) pair being built. Kept small (a million of them are built for a large
/// triage): texts stay in the input rows and verdicts in a shared list; only an entry listed more
/// than once on a claim carries the extra messages and notes.
pub(super) struct Building {
    pub(super) claim: u32,
    pub(super) entry: EntryNumber,
    /// The entry's slot in [`ByEntry`].
    pub(super) slot: u32,
    /// The previous building of the same entry (on another claim), or `NONE`.
    pub(super) prev_same_entry: u32,
    pub(super) first_row: u32,
    pub(super) verdict: u32,
    pub(super) rows: u32,
    /// Rows read as accepted.
    pub(super) accepted_rows: u32,
    pub(super) extra: Option<Box<Extra>>,
}

#[derive(Default)]
pub(super) struct Extra {
    pub(super) messages: Vec<Text>,
    pub(super) notes: Vec<String>,
}

pub(super) fn index_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

pub(super) const NONE: u32 = u32::MAX;

/// Accepted results wait for the end of the worklist in chunks of this many.
pub(super) const ACCEPTED_CHUNK: usize = 1 << 16;

/// Per distinct entry, what its results across claims add up to, and the last (claim, entry)
/// building of it. One hash lookup a row finds both the entry's aggregate and its buildings, so
/// that a million-row triage does not pay for two large maps.
#[derive(Debug, Default)]
pub(super) struct ByEntry {
    pub(super) slot_of: HashMap<EntryNumber, u32>,
    pub(super) slots: Vec<(EntryAgg, u32)>,
}

impl ByEntry {
    pub(super) fn with_capacity(n: usize) -> Self {
        Self {
            slot_of: HashMap::with_capacity(n),
            slots: Vec::with_capacity(n),
        }
    }

    pub(super) fn slot(&mut self, e: EntryNumber) -> u32 {
        let next = index_u32(self.slots.len());
        let slot = *self.slot_of.entry(e).or_insert(next);
        if slot == next {
            self.slots.push((EntryAgg::default(), NONE));
        }
        slot
    }

    pub(super) fn get(&self, e: &EntryNumber) -> Option<&EntryAgg> {
        self.slot_of.get(e).map(|&s| &self.slots[s as usize].0)
    }

    pub(super) fn len(&self) -> usize {
        self.slots.len()
    }

    pub(super) fn values(&self) -> impl Iterator<Item = &EntryAgg> {
        self.slots.iter().map(|(a, _)| a)
    }

    pub(super) fn keys(&self) -> impl Iterator<Item = &EntryNumber> {
        self.slot_of.keys()
    }
}

/// A claim (or Validation Result File) being built.
pub(super) struct ClaimBuilding {
    pub(super) number: Text,
    pub(super) files: Vec<Text>,
    pub(super) kind: ClaimFileKind,
    /// A Validation Result File with a file-level error.
    pub(super) failed: bool,
    /// ... that error being a load error: ACE did not process the upload.
    pub(super) load_error: bool,
    /// The claim-level status the file states.
    pub(super) reported: Option<Text>,
    /// The earliest claim date of its rows.
    pub(super) date: Option<Date>,
}

/// Distinct entries counted by the outcome that says most.
#[derive(Debug, Default)]
pub(super) struct Tally {
    pub(super) accepted: usize,
    pub(super) rejected: usize,
    pub(super) no_claim_yet: usize,
    pub(super) not_filed: usize,
    pub(super) missing: usize,
}

impl Tally {
    pub(super) fn count(&mut self, a: &EntryAgg) {
        if a.accepted_on.is_some() {
            self.accepted += 1;
        } else if a.rejected {
            self.rejected += 1;
        } else if a.no_claim_yet {
            self.no_claim_yet += 1;
        } else if a.not_filed {
            self.not_filed += 1;
        }
    }

    pub(super) fn reconciliation(
        self,
        declared: Option<usize>,
        distinct: usize,
        unreadable_rows: usize,
        not_declared: Vec<EntryNumber>,
    ) -> Reconciliation {
        let counted =
            self.accepted + self.rejected + self.no_claim_yet + self.not_filed + self.missing;
        Reconciliation {
            declared,
            accepted: self.accepted,
            rejected: self.rejected,
            no_claim_yet: self.no_claim_yet,
            not_filed: self.not_filed,
            missing: self.missing,
            unreadable_rows,
            unreadable_declared: 0,
            declared_twice: 0,
            // Without a declaration, every distinct entry must have been counted once; a row
            // that could not be read is an entry nobody counted.
            holds: declared.unwrap_or(distinct) == counted && unreadable_rows == 0,
            not_declared,
        }
    }
}

/// What one entry's results across claims add up to (kept small: one per distinct entry).
#[derive(Debug, Default)]
pub(super) struct EntryAgg {
    /// Index of the first claim that accepted it.
    pub(super) accepted_on: Option<u32>,
    /// Some claim rejected it.
    pub(super) rejected: bool,
    /// A Validation Result File has it without an error.
    pub(super) no_claim_yet: bool,
    /// An upload that failed file validation held it.
    pub(super) not_filed: bool,
    /// The worklist row that blocks refiling most.
    pub(super) strongest: Option<(u32, Action)>,
    /// Of its worklist rows that do not ask for a refile as it is, the one whose action asks
    /// for most: it decides whether the entry goes on as it is.
    pub(super) held_back: Option<(u32, Action)>,
    /// The latest claim date of its worklist rows (Validation Result File rows superseded by a
    /// claim's answer aside): a dated row of an older claim is history, as in the ledger.
    pub(super) latest: Option<Date>,
    /// A Claim Details row of its answers the entry: it supersedes a Validation Result File's
    /// "passed file checks; no claim yet", which only says that the file passed.
    pub(super) answered: bool,
    /// The first worklist row that decides for the entry (not history).
    pub(super) decider: Option<u32>,
}

/// Where a worklist row stands among its entry's rows: what [`EntryAgg::history`] reads.
#[derive(Debug, Clone, Copy)]
pub(super) struct RowPlace {
    pub(super) outcome: Outcome,
    pub(super) kind: ClaimFileKind,
    pub(super) date: Option<Date>,
}

impl RowPlace {
    fn passed_file_checks(self) -> bool {
        (self.kind, self.outcome) == (ClaimFileKind::ValidationResult, Outcome::NoClaimYet)
    }
}

impl EntryAgg {
    /// First pass over the worklist: what the entry's rows say of their order.
    pub(super) fn place(&mut self, p: RowPlace) {
        if p.kind == ClaimFileKind::ClaimDetails && p.outcome != Outcome::Missing {
            self.answered = true;
        }
        if !p.passed_file_checks()
            && let Some(d) = p.date
        {
            self.latest = Some(self.latest.map_or(d, |l| l.max(d)));
        }
    }

    /// Is this row history, once every row was placed: a row of a claim dated before the
    /// entry's latest-dated claim (a later claim answered since and decides), or a Validation
    /// Result File's "no claim yet" for an entry a claim answers. Rows without a date, and rows
    /// of claims of the same date, all decide (the answer that asks for most wins among them).
    pub(super) fn history(&self, p: RowPlace) -> bool {
        if p.passed_file_checks() {
            return self.answered;
        }
        matches!((p.date, self.latest), (Some(d), Some(l)) if d < l)
    }

    pub(super) fn consider(&mut self, row: u32, outcome: Outcome, action: Action) {
        self.decider.get_or_insert(row);
        if !crate::known::asks_refile_as_is(outcome, action)
            && self
                .held_back
                .is_none_or(|(_, a)| action.blocking() > a.blocking())
        {
            self.held_back = Some((row, action));
        }
        let replace = match self.strongest {
            None => true,
            Some((_, prev)) => prev.refile_once_corrected() && !action.refile_once_corrected(),
        };
        if replace {
            self.strongest = Some((row, action));
        }
    }
}
