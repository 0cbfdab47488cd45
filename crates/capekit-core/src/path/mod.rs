//! The path of each entry: declare it in CAPE now, correct it first, wait for a later phase,
//! protest, go to court, give up (not refundable), or have a person review it.
//!
//! The decision is made per entry from what an ACE entry report (ES-003) says about it, on an
//! `as_of` date, by a dated rule catalog ([`PATH_RULES`]) documented like the other catalogs. Two
//! constraints shaped it. Deadlines decide money: CAPE takes an entry only until 80 days after
//! liquidation, a protest only until 180 days after it, so every date is counted the way the law
//! counts it (the period starts the day after the event; the last day of "liquidation + 80 days"
//! is in, the day after is out) and every decision carries its deadlines. And ES-003 exports come
//! with any subset of columns: where the data that would decide an entry is missing, the entry
//! goes to `review` with a note naming the column that would decide it, never to a guess.
//! Pure logic: no I/O, no clock (the caller passes `as_of`).
//!
//! Split by concern: `rules` (the paths and the dated catalog), `status` (what the data's
//! statuses say and the deadlines they start), `steps` (the steps of [`decide_with`], in
//! precedence order); the facts of an entry are [`crate::entry_data`].

use std::fmt::{self, Write as _};

use jiff::civil::{Date, date};
use serde::Serialize;

use crate::catalog::RECON_CHANGE;
use crate::deadline::{Basis, add_days, court_1581i, days_between};
pub use crate::deadline::{
    CAPE_WINDOW_DAYS, Deadline, DeadlineKind, Deadlines, KindSet, OrderSet, PROTEST_DAYS,
    ProtestClock, URGENT_DAYS,
};
use crate::doc::RuleDoc;
use crate::entry::EntryNumber;
use crate::rules::{Catalog, Rule};

mod rules;
mod status;
mod steps;

pub use crate::entry_data::*;
pub use rules::*;
pub use status::*;
use steps::*;

/// First day of entry on which IEEPA duty was collected.
pub const IEEPA_FIRST_DAY: Date = date(2025, 2, 4);
/// Last day of entry on which IEEPA duty was collected.
pub const IEEPA_LAST_DAY: Date = date(2026, 2, 23);
/// A post-summary correction must be filed within this many days of entry.
pub const PSC_DAYS_FROM_ENTRY: i64 = 300;
/// ... and no later than this many days before the scheduled liquidation.
pub const PSC_DAYS_BEFORE_LIQUIDATION: i64 = 15;
/// ACE schedules an entry to liquidate about this many days after entry. When the file gives no
/// scheduled date the PSC due date assumes it: 15 days before is day 299, one day earlier than
/// the 300-day limit, so the assumption is the safe reading.
pub const USUAL_LIQUIDATION_DAYS: i64 = 314;
/// Entry types CAPE phase 1 excludes: 08 USMCA deferral, 09 reconciliation, 47 drawback.
pub const EXCLUDED_ENTRY_TYPES: [&str; 3] = ["08", "09", "47"];
/// Entry types whose reconciliation-flagged entries CAPE accepts from [`RECON_CHANGE`].
pub const RECON_ACCEPTED_TYPES: [&str; 3] = ["01", "02", "06"];

/// The path of one entry, why, and by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// Where the entry goes.
    pub path: EntryPath,
    /// Codes of the rules that fired: the deciding rule first, then those that add to it.
    pub reasons: Vec<&'static str>,
    /// Every deadline the data allows, whatever the path.
    pub deadlines: Deadlines,
    /// The kinds of deadline that matter for the path ([`crate::deadline::matter`]).
    pub matter: KindSet,
    /// Sentences for a person: what was not checked and which column would decide it, what to
    /// do by when.
    pub notes: Vec<String>,
    /// What to do when the deciding rule's advice does not fit the entry as it stands: once
    /// the filer recorded an act that answers the path (`capekit ledger acted`), since the
    /// rule's advice would ask for that act again; or when the data leaves a route the rule's
    /// advice does not name (a 1581(a) date passed with the 1581(i) date left, a PSC possible
    /// only if the importer asked for the extension of liquidation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advice: Option<String>,
    /// Why no post-summary correction is possible (liquidated, FTZ type 06 since F883, window
    /// closed), when the data tells: the PSC deadline is then left out of `deadlines`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psc_closed: Option<String>,
}

impl Decision {
    /// The deciding rule.
    pub fn rule(&self) -> Option<&'static PathRule> {
        self.reasons.first().and_then(|c| path_rule(c))
    }

    /// What to do: the advice that follows a recorded act, else the deciding rule's.
    pub fn what_to_do(&self) -> String {
        match &self.advice {
            Some(a) => a.clone(),
            None => self
                .rule()
                .map_or_else(String::new, |r| r.doc.fix.to_owned()),
        }
    }

    /// Whether a PSC is still possible ([`crate::psc::psc_chance`]), counting the reason the
    /// engine found when it left the PSC deadline out.
    ///
    /// An extended entry past its 300 days from entry has a PSC only if the importer asked for
    /// the extension, which ES-003 cannot show: that is not known, and says both readings.
    pub fn psc_chance(&self, entry: &EntryData, as_of: Date) -> crate::psc::PscChance {
        if let Some(why) = &self.psc_closed {
            return crate::psc::PscChance::Closed(why.clone());
        }
        match self.deadlines.psc_due {
            Some(p) if matches!(p.basis, crate::deadline::Basis::ExtendedLiquidation(_)) => {
                crate::psc::PscChance::Unknown(format!(
                    "liquidation is extended and the 300 days from entry are out: a PSC is possible until {} ({}) only if the importer asked for the extension, which ES-003 cannot show; if CBP extended it on its own, none is possible - ask the importer or check ACE",
                    p.date,
                    p.left()
                ))
            }
            None if status::is_extended(entry) && entry.entry_date.is_some() => {
                crate::psc::PscChance::Unknown(
                    "liquidation is extended and the 300 days from entry are out: a PSC is possible until 15 days before the extended liquidation date only if the importer asked for the extension, which ES-003 cannot show, and the extended date is not in the file - look it up in ACE (Entry Summary Query)".to_owned(),
                )
            }
            _ => crate::psc::psc_chance(entry, &self.deadlines, as_of),
        }
    }

    /// The deadlines that matter for the path, in [`DeadlineKind::ALL`] order.
    pub fn deadlines_that_matter(&self) -> impl Iterator<Item = Deadline> + '_ {
        crate::deadline::of_kinds(&self.deadlines, self.matter)
    }

    /// The kinds of deadline that matter for what a claim answered with `action` leaves to do
    /// on this entry ([`crate::deadline::matter_after`]).
    pub fn matter_after(&self, action: crate::catalog::Action) -> crate::deadline::KindSet {
        crate::deadline::matter_after(action, self.path, self.matter)
    }

    /// The urgent deadline that matters and comes first: what makes the entry urgent.
    pub fn urgent_deadline(&self) -> Option<Deadline> {
        crate::deadline::most_urgent(self.deadlines_that_matter())
    }

    /// Why the entry is urgent though no deadline of it can be dated, if it is: liquidated (or
    /// perhaps liquidated) with a liquidation date that cannot be read (P012), so that its
    /// 180 days to protest (19 USC 1514(c)(3)) may be nearly out, or out, and nobody can tell.
    /// The safe reading is "act today": look the date up in ACE.
    pub fn undated_urgency(&self) -> Option<&'static str> {
        self.reasons
            .contains(&LIQUIDATION_UNCLEAR.code)
            .then_some(UNDATED_PROTEST)
    }

    /// Is a protest on file that CBP must decide or has decided (open, approved, denied, or
    /// decided with no outcome stated)? Then no new protest is possible: one protest per entry
    /// and decision (19 USC 1514), and the protest's own date no longer applies.
    pub fn protest_on_file(&self) -> bool {
        [
            OPEN_PROTEST.code,
            PROTEST_WITHDRAWABLE.code,
            PROTEST_APPROVED.code,
            PROTEST_DENIED.code,
            PROTEST_DENIED_UNDATED.code,
        ]
        .iter()
        .any(|c| self.reasons.contains(c))
    }

    /// The nearest deadline that matters and has not passed.
    pub fn next_deadline(&self) -> Option<Deadline> {
        crate::deadline::nearest_open(self.deadlines_that_matter())
    }
}

/// Why an entry is urgent with no deadline to date it ([`Decision::undated_urgency`]): what
/// the plan's and the triage's "next deadline" say of it.
pub const UNDATED_PROTEST: &str = "protest due date unknown: the liquidation date cannot be read, and the 180 days to protest it (19 USC 1514(c)(3)) may be nearly out - look it up in ACE today";

/// Does a deadline that matters for the entry's path fall within its urgency margin (14 days
/// for CAPE, PSC and protest, 60 for the court)?
pub fn is_urgent(decision: &Decision) -> bool {
    decision.urgent_deadline().is_some()
}

/// Formats cents as dollars: `$1,234.56`, `-$12.00`.
pub fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let dollars = (abs / 100).to_string();
    let mut grouped = String::with_capacity(dollars.len() + dollars.len() / 3);
    for (i, ch) in dollars.chars().enumerate() {
        if i > 0 && (dollars.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}${grouped}.{:02}", abs % 100)
}

/// Decides the path of one entry on `as_of`.
///
/// When several rules fire, the first group in this order decides (tested in
/// `precedence_*` below):
///
/// 1. **not-refundable** (P001, P002): with no IEEPA duty nothing else matters.
/// 2. **later-phase** (P003-P006): CBP refuses the entry in phase 1 whatever its liquidation.
/// 3. **protest on entry** (P008, or review P010 when its status is unclear): the protest, not
///    CAPE, carries the claim.
/// 4. **liquidation age**: review when it cannot be told (P011, P012), court past 180 days
///    (P013), protest from day 81 (P014).
/// 5. **correct-first** (P015, or review P016 when the PSC window is closed or undatable).
/// 6. **cape** (P017, P018).
///
/// Missing data never decides a stronger rule: an absent `HTS` or `Entry Date` column does not
/// make an entry not-refundable; the decision goes on and a note says what was not checked.
/// Missing liquidation data does stop the decision at step 4 (review), since every remaining
/// path depends on it. Deadlines are filled whatever the path, so that later-phase and review
/// entries still show the protest date; the one exception is the court date of a
/// not-refundable entry, which has no IEEPA duty to sue for (a date beside it would read as a
/// claim to keep alive).
///
/// Where the data allows two readings, the decision names both with their dates and goes to
/// review when they lead to different routes, never to a silent guess: an "Unliquidated"
/// status the dates contradict (deemed liquidation, 19 USC 1504(a), is a reading), a
/// "Liquidated" status beside a future date, a denied protest without a usable decision date,
/// an extended entry whose PSC depends on who asked for the extension.
pub fn decide(entry: &EntryData, as_of: Date) -> Decision {
    decide_with(entry, as_of, &PathContext::default())
}

/// What the user tells the path engine beyond the entry data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathContext {
    /// Importers that sued in the CIT, by importer number as the file writes it (compared
    /// ignoring case, spaces and punctuation), each with whether its IOR was submitted by
    /// [`PHASE3_IOR_CUTOFF`] (CAPE Phase 3).
    pub phase3_importers: std::collections::HashMap<String, bool>,
    /// What the filer did on the other paths, per entry (`capekit ledger acted`): the deadlines
    /// an act met stop alarming, and the notes say what was done.
    pub acts: std::collections::HashMap<EntryNumber, Vec<crate::deadline::Act>>,
}

impl PathContext {
    /// Adds an importer that sued in the CIT.
    pub fn add_phase3_importer(&mut self, importer: &str, ior_submitted_by_cutoff: bool) {
        self.phase3_importers
            .insert(squash(importer), ior_submitted_by_cutoff);
    }

    /// `Some(submitted by the cutoff)` when the importer sued in the CIT.
    pub fn phase3(&self, importer: Option<&str>) -> Option<bool> {
        if self.phase3_importers.is_empty() {
            return None;
        }
        self.phase3_importers.get(&squash(importer?)).copied()
    }
}

/// [`decide`] with what the user told the engine ([`PathContext`]).
pub fn decide_with(entry: &EntryData, as_of: Date, ctx: &PathContext) -> Decision {
    let mut notes = Vec::new();
    let liq = liquidation(entry, as_of, &mut notes);
    let deadlines = deadlines(entry, &liq, as_of);
    let mut d = Decision {
        path: EntryPath::Review,
        reasons: Vec::new(),
        deadlines,
        matter: KindSet::EMPTY,
        notes,
        advice: None,
        psc_closed: None,
    };
    let (path, rule) = choose(entry, as_of, &liq, ctx, &mut d);
    d.path = path;
    d.reasons.insert(0, rule);
    // Nothing to refund, so nothing to sue for: a court date would read as a claim to keep.
    if path == EntryPath::NotRefundable {
        d.deadlines.court_due = None;
        d.deadlines.court_readings = crate::deadline::CourtReadings::default();
    }
    // A PSC deadline is shown only while a PSC is possible: a date beside a liquidated entry
    // would read as a chance that does not exist, and alarm as one.
    if let crate::psc::PscChance::Closed(why) = crate::psc::psc_chance(entry, &d.deadlines, as_of) {
        d.deadlines.psc_due = None;
        // A stale status is liquidated only in one reading: say both.
        let why = match &liq {
            Liquidation::Stale { on, deemed, .. } => format!(
                "read as liquidated {} on {on}, none is possible (a PSC is possible only on an unliquidated entry, 19 CFR 101.9(b)); read as unliquidated, as the status says, {}",
                if *deemed {
                    "by operation of law (19 USC 1504(a))"
                } else {
                    "by the file's `Liquidation Date`"
                },
                steps::unliquidated_psc(entry, as_of).unwrap_or_else(|| {
                    "the PSC window cannot be dated without the entry date".to_owned()
                })
            ),
            _ => why,
        };
        d.psc_closed = Some(why);
    }
    let protest = if rule == OPEN_PROTEST.code {
        ProtestClock::Open {
            withdrawable: d.reasons.contains(&PROTEST_WITHDRAWABLE.code),
        }
    } else if d.deadlines.court_1581a_due.is_some() {
        ProtestClock::Denied
    } else {
        ProtestClock::None
    };
    d.matter = crate::deadline::matter(path, protest);
    if d.protest_on_file() {
        // One protest per entry and decision (19 USC 1514): no second one to date.
        d.matter.remove(DeadlineKind::Protest);
    }
    // An entry liquidated by its data has no PSC to speak of (19 CFR 101.9(b)): a sentence
    // on its PSC window would read as a route once open.
    let liquidated = matches!(liq, Liquidation::Liquidated(_))
        || (entry.liquidation_date.is_none()
            && entry
                .liquidation_status
                .as_deref()
                .and_then(liquidation_status)
                == Some(LiqStatus::Liquidated));
    if d.matter.contains(DeadlineKind::Psc)
        && !liquidated
        && ![GOODS_VALUE_PSC_CLOSED.code, FTZ_PSC_BLOCKED.code].contains(&rule)
        && let Some(why) = &d.psc_closed
    {
        // A window closed only on ACE's usual schedule is a likelihood, and says so; a stale
        // status gives two readings.
        let lead = if matches!(liq, Liquidation::Stale { .. }) {
            "PSC"
        } else if why.starts_with("on ACE's usual schedule") {
            "no PSC is likely possible"
        } else {
            "no PSC is possible"
        };
        d.notes.push(format!("{lead}: {why}"));
    }
    // An extended entry past its 300 days: a PSC only if the importer asked for the extension.
    if d.matter.contains(DeadlineKind::Psc)
        && ![GOODS_VALUE_PSC_CLOSED.code, GOODS_VALUE_PSC_OPEN.code].contains(&rule)
        && let crate::psc::PscChance::Unknown(why) = d.psc_chance(entry, as_of)
        && status::is_extended(entry)
    {
        d.notes.push(format!("PSC: {why}"));
    }
    if let Some(acts) = ctx.acts.get(&entry.entry_number) {
        d.advice = act_advice(&d, acts);
        d.matter = crate::deadline::after_acts(d.matter, acts);
        for a in acts {
            let met = a.kind.meets();
            d.notes.push(if met.is_empty() {
                format!(
                    "recorded in the ledger: {} - no deadline is met by it: keep the court date (28 USC 1581(i)) in view until CBP accepts it",
                    a.describe()
                )
            } else {
                format!(
                    "recorded in the ledger: {} - the {} deadline no longer alarms",
                    a.describe(),
                    met.iter()
                        .map(|k| k.describe())
                        .collect::<Vec<_>>()
                        .join(" and ")
                )
            });
        }
    }
    urgent_notes(&mut d);
    d
}

/// The advice once the filer recorded acts (`capekit ledger acted`), or `None` when no act
/// meets a deadline that matters for the path (then the rule's advice stands).
///
/// The act of the furthest stage among those that matter speaks (suit, then Phase 3, then
/// protest, then PSC). When it is what the deciding rule asks for (a protest on the protest
/// path, a PSC on correct-first, a suit on the court path), its advice replaces the rule's;
/// otherwise the rule's advice follows as what is still to do. An act dated after the deadline
/// it meets is said to be late.
fn act_advice(d: &Decision, acts: &[crate::deadline::Act]) -> Option<String> {
    use crate::deadline::ActKind;
    // A Phase 3 submission meets no deadline, but it is what the Phase 3 path asks for.
    let matters = |a: &&crate::deadline::Act| {
        a.kind.meets().iter().any(|k| d.matter.contains(*k))
            || (a.kind == ActKind::Phase3 && d.path == EntryPath::Phase3)
    };
    let stage = |k: ActKind| match k {
        ActKind::Suit => 0,
        ActKind::Phase3 => 1,
        ActKind::Protest => 2,
        ActKind::Psc => 3,
    };
    let act = acts
        .iter()
        .filter(matters)
        .min_by_key(|a| (stage(a.kind), std::cmp::Reverse(a.on)))?;
    let reference = act.reference.as_deref().filter(|r| !r.trim().is_empty());
    let court_i = d
        .deadlines
        .court_due
        .filter(|c| !c.passed())
        .map(|c| format!("; keep the court date (28 USC 1581(i)) {} in view", c.date));
    let mut advice = match act.kind {
        ActKind::Protest => format!(
            "protest {}filed {}: watch for CBP's decision in ACE (Protest module); if it is denied, sue in the Court of International Trade within 180 days of the denial (28 USC 2636(a)) - add its `{}` and run again{}",
            reference.map(|r| format!("{r} ")).unwrap_or_default(),
            act.on,
            Column::ProtestDecisionDate.header(),
            court_i.unwrap_or_default()
        ),
        ActKind::Suit => format!(
            "suit {}filed {} in the Court of International Trade: trade counsel carries the claim - follow the case; the court deadlines no longer alarm",
            reference.map(|r| format!("{r} ")).unwrap_or_default(),
            act.on
        ),
        ActKind::Psc => format!(
            "PSC {}filed {}: once ACE shows it accepted, declare the entry in CAPE - not before, since ACE refuses a PSC once the entry is on a declaration (condition 864){}",
            reference.map(|r| format!("{r} ")).unwrap_or_default(),
            act.on,
            d.deadlines
                .cape_window_closes
                .filter(|w| !w.passed())
                .map(|w| format!("; the CAPE window closes {}", w.date))
                .unwrap_or_default()
        ),
        ActKind::Phase3 => format!(
            "submitted through CAPE Phase 3 on {}{}: watch for CBP's answer and the refund (ACE reports ES-022 and REV-603){}",
            act.on,
            reference.map(|r| format!(" ({r})")).unwrap_or_default(),
            d.deadlines
                .court_due
                .filter(|c| !c.passed())
                .map(|c| format!(
                    "; keep the court date (28 USC 1581(i)) {} in view until CBP accepts it - the submission does not stop the two years, and if Phase 3 refuses it the court remains",
                    c.date
                ))
                .unwrap_or_default()
        ),
    };
    for k in act.kind.meets() {
        if let Some(due) = d.deadlines.get(*k).filter(|x| act.on > x.date) {
            let late = days_between(due.date, act.on);
            let _ = write!(
                advice,
                " - but it was done {late} day{} after the {} {}: it may be refused as late, see trade counsel",
                if late == 1 { "" } else { "s" },
                k.describe(),
                due.date
            );
        }
    }
    // The rule's own advice stands beside the act unless the act is what it asks for.
    let answers = match d.path {
        EntryPath::CorrectFirst => act.kind == ActKind::Psc,
        EntryPath::Protest | EntryPath::LaterPhase => act.kind == ActKind::Protest,
        EntryPath::Court | EntryPath::Phase3 => matches!(act.kind, ActKind::Suit | ActKind::Phase3),
        _ => false,
    };
    if !answers {
        let still = d
            .advice
            .clone()
            .or_else(|| d.rule().map(|r| r.doc.fix.to_owned()));
        if let Some(still) = still {
            let _ = write!(advice, ". Still to do: {still}");
        }
    }
    Some(advice)
}

/// Flags every deadline that matters and is near: P019 for the CAPE window, P020 for a PSC or
/// protest, P021 for the court.
fn urgent_notes(d: &mut Decision) {
    let urgent: Vec<Deadline> = d.deadlines_that_matter().filter(|x| x.urgent()).collect();
    for u in urgent {
        let left = match u.days_left {
            0 => "today is the last day".to_owned(),
            1 => "1 day left".to_owned(),
            n => format!("{n} days left"),
        };
        let (code, note) = match u.kind {
            DeadlineKind::CapeWindow => (
                WINDOW_CLOSING,
                format!(
                    "urgent: the CAPE window closes on {} ({left}) - act today; it is unknown whether CBP counts to the upload or to its batch run",
                    u.date
                ),
            ),
            DeadlineKind::Psc => (
                DEADLINE_NEAR,
                format!(
                    "urgent: the PSC is due by {} ({left}; {}) - file it now",
                    u.date, u.basis
                ),
            ),
            DeadlineKind::Protest => (
                DEADLINE_NEAR,
                format!(
                    "urgent: the protest is due by {} ({left}; {} + 180 days, 19 USC 1514(c)(3)) - file it in ACE now",
                    u.date, u.basis
                ),
            ),
            DeadlineKind::Court1581i | DeadlineKind::Court1581a => (
                COURT_NEAR,
                format!(
                    "urgent: {} {} ({left}; {}) - trade counsel must act now",
                    u.kind.describe(),
                    u.date,
                    u.basis
                ),
            ),
        };
        if !d.reasons.contains(&code.code) {
            d.reasons.push(code.code);
        }
        d.notes.push(note);
    }
}

/// The entry's liquidation reason when it is CAPE's (ACE code 36): the liquidation that refunded
/// its IEEPA duty.
pub(crate) fn cape_liquidation_reason(e: &EntryData) -> Option<&str> {
    e.liquidation_reason
        .as_deref()
        .filter(|r| is_cape_liquidation_reason(r))
}

#[cfg(test)]
mod tests;
