//! Triage refined with entry data: what CBP's message means for this entry, with its dates.
//!
//! A message alone cannot say whether CAPE will still take an entry, whether a PSC is still
//! possible or a protest still open: that takes the entry's liquidation date, type and flags
//! from ACE's ES-003 export. `capekit triage --entries FILE` hands those to [`refine_rows`],
//! which runs the path engine ([`crate::path::decide`]) on each rejected or missing entry, as of
//! the day of the new declaration, and rewrites its advice: an entry past CAPE's 80-day window is
//! never refiled, whatever the message; a fix by PSC stands only while [`crate::psc`] says one
//! is possible; CBP's message and the data disagreeing is flagged for review with the safer date
//! in view; a protest is withdrawn only with five business days left. Every row then carries
//! the deadlines of what is left to do and the one that makes it urgent. Without entry data,
//! date-dependent advice names the date that decides it.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::calendar::business_days_between;
use crate::catalog::{
    Action, CAPE_HIGH_VOLUMES, ENTRY_TYPE_NOT_ALLOWED, FINAL_LIQUIDATION, FLAGGED_FOR_RECON,
    GOODS_VALUE_MUST_BE_REPORTED_CH_1_97, GOODS_VALUE_ON_IEEPA_LINE, HTS_RELATIONSHIP_MISMATCH,
    INVALID_HTS, JMS_PROCESSING_ERROR, MessageRule, NO_IEEPA_HTS, PROTEST_ON_ENTRY, RECON_CHANGE,
    STATEMENT_PROCESSING_NOT_COMPLETE, TRADE_CONTROL, UNABLE_TO_CALCULATE_DUTY,
};
use crate::deadline::DeadlineKind;
use crate::entry::EntryNumber;
use crate::path::{
    Column, Decision, EntryData, EntryPath, OPEN_PROTEST, PROTEST_APPROVED, PROTEST_WITHDRAWABLE,
    decide,
};
use crate::psc::{PscChance, psc_without_data};

pub use crate::calendar::WITHDRAWAL_BUSINESS_DAYS;
use crate::triage::{EntryResult, Outcome};

/// Per entry, what refinement did (for counts in the summary).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RefineSummary {
    /// Worklist rows with entry data.
    pub with_data: usize,
    /// Worklist rows without entry data (the file did not list them).
    pub without_data: usize,
    /// Rows whose action changed.
    pub action_changed: usize,
    /// Of the rows with entry data, those whose data came from the ledger rather than a file
    /// given to this triage.
    #[serde(skip_serializing_if = "is_zero")]
    pub from_ledger: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Refines every rejected or missing row with its entry data, as of `as_of`. Triage calls it
/// before choosing the refile list (see [`crate::triage::TriageInput::entry_data`]).
pub fn refine_rows(
    rows: &mut [EntryResult],
    data: &HashMap<EntryNumber, EntryData>,
    as_of: Date,
) -> RefineSummary {
    refine_rows_with(rows, data, as_of, &[])
}

/// [`refine_rows`], with the entries the user listed as corrected (`--corrected`): for a
/// reconciliation rejection after 2026-06-29, that listing is the user's word that no type 09
/// was filed, which ES-003 cannot show; without it the row is `review`.
pub fn refine_rows_with(
    rows: &mut [EntryResult],
    data: &HashMap<EntryNumber, EntryData>,
    as_of: Date,
    corrected: &[EntryNumber],
) -> RefineSummary {
    refine_rows_dated(rows, data, as_of, corrected, &HashMap::new())
}

/// [`refine_rows_with`], knowing the day each claim was answered (by claim number): a message
/// that speaks of the entry's state (final liquidation) speaks of that day, not of `as_of`.
pub fn refine_rows_dated(
    rows: &mut [EntryResult],
    data: &HashMap<EntryNumber, EntryData>,
    as_of: Date,
    corrected: &[EntryNumber],
    claim_dates: &HashMap<&str, Date>,
) -> RefineSummary {
    let mut summary = RefineSummary::default();
    for r in rows.iter_mut().filter(|r| r.outcome != Outcome::Accepted) {
        if r.action == Action::None {
            // Accepted on another claim: nothing to refine.
            continue;
        }
        let Some(entry) = data.get(&r.entry_number) else {
            summary.without_data += 1;
            without_data(r, as_of, !data.is_empty());
            continue;
        };
        summary.with_data += 1;
        let before = r.action;
        let confirmed = corrected.contains(&r.entry_number);
        // CBP judged the entry on the claim's day (never later than today).
        let answered = r
            .claim_number
            .as_deref()
            .and_then(|c| claim_dates.get(c))
            .copied()
            .filter(|d| *d <= as_of)
            .unwrap_or(as_of);
        // A protest CBP's message names is the same fact as one in the entry data: the
        // path engine then sees it on file (P008), whatever columns the export has.
        let named = protest_named(&r.message).filter(|_| knows_no_protest(entry));
        let with_protest;
        let entry = match &named {
            Some(number) => {
                with_protest = EntryData {
                    protest_status: Some(PROTEST_NAMED_BY_CBP.into()),
                    protest_number: number.as_deref().map(Into::into),
                    ..entry.clone()
                };
                &with_protest
            }
            None => entry,
        };
        let facts = Facts {
            entry,
            as_of,
            answered,
            confirmed,
            protest_named: named.is_some(),
        };
        refine_one(r, &facts, &decide(entry, as_of));
        if r.action != before {
            summary.action_changed += 1;
        }
    }
    summary
}

/// A rejection the ledger recorded, judged again as of `as_of` (the day of a new declaration):
/// CBP's message by the catalog of that day, then, with the entry's kept data, as triage
/// refines it ([`refine_rows`]). `capekit refile` offers an entry only while this still says
/// refile: a rejection triaged weeks ago may sit past CAPE's window by now.
pub fn rejudge(
    entry: EntryNumber,
    claim: &str,
    message: &str,
    data: Option<&EntryData>,
    as_of: Date,
) -> EntryResult {
    rejudge_with(entry, claim, message, data, as_of, false)
}

/// [`rejudge`] for an entry the user listed as corrected (`corrected`), as
/// [`refine_rows_with`] takes it.
pub fn rejudge_with(
    entry: EntryNumber,
    claim: &str,
    message: &str,
    data: Option<&EntryData>,
    as_of: Date,
    corrected: bool,
) -> EntryResult {
    let v = crate::catalog::judge(message, as_of);
    let mut row = EntryResult {
        entry_number: entry,
        claim_number: Some(claim.into()),
        outcome: Outcome::Rejected,
        message: message.into(),
        action: v.action,
        rule: v.rule,
        what_to_do: v.what_to_do.into(),
        source: v.source.into(),
        file: "".into(),
        line: 0,
        note: v.note,
        deadlines: Vec::new(),
        urgent: None,
    };
    if let Some(d) = data {
        let one: HashMap<EntryNumber, EntryData> = std::iter::once((entry, d.clone())).collect();
        let listed: &[EntryNumber] = if corrected { &[entry] } else { &[] };
        refine_rows_with(std::slice::from_mut(&mut row), &one, as_of, listed);
    }
    row
}

fn add_note(r: &mut EntryResult, note: String) {
    r.note = Some(match r.note.take() {
        Some(prev) => format!("{prev}; {note}"),
        None => note,
    });
}

fn days(n: i32) -> String {
    match n {
        1 => "1 day".to_owned(),
        -1 => "1 day ago".to_owned(),
        n if n < 0 => format!("{} days ago", -n),
        n => format!("{n} days"),
    }
}

/// Messages whose fix is a post-summary correction.
static PSC_FIXES: &[&MessageRule] = &[
    &INVALID_HTS,
    &HTS_RELATIONSHIP_MISMATCH,
    &GOODS_VALUE_MUST_BE_REPORTED_CH_1_97,
    &GOODS_VALUE_ON_IEEPA_LINE,
];

/// Is the message rule of a row (its code, as triage recorded it) one of `rules`?
fn is_one_of(code: Option<&str>, rules: &[&MessageRule]) -> bool {
    code.is_some_and(|c| rules.iter().any(|m| m.code == c))
}

/// The day a CAPE window was counted from, as text.
fn liquidated_on(w: crate::deadline::Deadline) -> String {
    match w.basis {
        crate::deadline::Basis::Liquidation(l) => l.to_string(),
        other => other.to_string(),
    }
}

/// Was a protest on the entry denied? Then no second protest is possible (19 USC 1514: one
/// protest per decision) and the court under 28 USC 1581(a) is the route.
fn protest_denied(entry: &EntryData, d: &Decision) -> bool {
    d.deadlines.court_1581a_due.is_some()
        || entry
            .protest_status
            .as_deref()
            .is_some_and(|s| s.trim().to_ascii_lowercase().starts_with("denied"))
}

/// What is left once CAPE cannot take the entry: the protest while it is open (not after a
/// denial), else the court; for an unliquidated entry, the protest once it liquidates.
fn next_route(entry: &EntryData, d: &Decision) -> String {
    let court_i = d.deadlines.court_due.map(|c| {
        format!(
            "{} {} ({})",
            c.kind.describe(),
            c.date,
            if c.passed() {
                format!("passed {}", days(c.days_left))
            } else {
                format!("{} left", days(c.days_left))
            }
        )
    });
    if protest_denied(entry, d) {
        return match d.deadlines.court_1581a_due {
            Some(a) => format!(
                "the protest was denied, so no new protest: sue in the Court of International Trade under 28 USC 1581(a) by {} ({}, 180 days from the denial, 28 USC 2636(a)){} - see counsel",
                a.date,
                if a.passed() {
                    "passed".to_owned()
                } else {
                    format!("{} left", days(a.days_left))
                },
                court_i
                    .map(|c| format!("; keep the 1581(i) reading in view: {c}"))
                    .unwrap_or_default()
            ),
            None => format!(
                "the protest was denied, so no new protest: the Court of International Trade under 28 USC 1581(a) within 180 days of the denial (the file has no decision date: find it in ACE){} - see counsel",
                court_i
                    .map(|c| format!("; keep the 1581(i) reading in view: {c}"))
                    .unwrap_or_default()
            ),
        };
    }
    if d.deadlines.cape_window_closes.is_none() && d.deadlines.protest_due.is_none() {
        return format!(
            "once it liquidates, a protest within 180 days of liquidation (19 USC 1514){}",
            court_i
                .map(|c| format!("; the court date stays in view: {c}"))
                .unwrap_or_default()
        );
    }
    let court = d.deadlines.court_due;
    match (d.deadlines.protest_due, court) {
        (Some(p), _) if !p.passed() => format!(
            "file a protest (19 USC 1514) by {} ({} left)",
            p.date,
            days(p.days_left)
        ),
        (p, Some(c)) => format!(
            "{}the route left is the Court of International Trade: {} {} ({}; at the earliest reading of a disputed start - see counsel)",
            p.map(|p| format!("the protest period closed on {}; ", p.date))
                .unwrap_or_default(),
            c.kind.describe(),
            c.date,
            if c.passed() {
                format!("passed {}", days(c.days_left))
            } else {
                format!("{} left", days(c.days_left))
            }
        ),
        (Some(p), None) => format!(
            "the protest period closed on {}: the court path (28 USC 1581(i)) or a later phase",
            p.date
        ),
        (None, None) => "check the entry's liquidation in ACE for the protest date".to_owned(),
    }
}

/// Entry data that doubts its own liquidation (an "unliquidated" status against a past
/// liquidation date, or deemed liquidation a year after entry, 19 USC 1504(a)): read as
/// liquidated on the window's basis, `consequence`; the path engine's notes give both readings'
/// deadlines. One home for every message whose advice the doubtful liquidation decides.
fn doubtful_liquidation(w: crate::deadline::Deadline, d: &Decision, consequence: &str) -> String {
    format!(
        "Read as liquidated on {}, CAPE's 80-day window {} {} and {consequence}; but the entry data is doubtful: {}. Check the entry in ACE (Entry Summary Query) before refiling.",
        liquidated_on(w),
        if w.passed() { "closed on" } else { "closes" },
        w.date,
        d.notes.join("; ")
    )
}

/// CBP says final liquidation while the data dates the liquidation inside the CAPE window: if
/// CBP is right the entry liquidated at least 81 days before `as_of`, so its protest is due 99
/// days from `as_of` at the latest, before the data's date. The row's protest deadline is that
/// earlier date, so that the worklist sorts and alarms by the safer reading, as its advice says.
fn safer_protest_by_the_message(
    r: &mut EntryResult,
    window: Option<crate::deadline::Deadline>,
    as_of: Date,
    answered: Date,
) {
    use crate::deadline::{Basis, Deadline, add_days};
    if window.is_none_or(|w| w.days_left < 0) {
        return;
    }
    // If CBP was right on the day it answered, the entry liquidated more than 80 days before.
    let (Some(latest_liquidation), Some(due)) = (add_days(answered, -81), add_days(answered, 99))
    else {
        return;
    };
    let safer = Deadline::new(
        DeadlineKind::Protest,
        due,
        as_of,
        Basis::FinalLiquidationMessage(latest_liquidation),
    );
    match r
        .deadlines
        .iter_mut()
        .find(|d| d.kind == DeadlineKind::Protest)
    {
        Some(p) if p.date > due => *p = safer,
        Some(_) => {}
        None => r.deadlines.push(safer),
    }
}

/// The status given to a protest CBP's message names while the entry data shows none: open,
/// as CBP's message says (PROTEST ON ENTRY: "the entry is under protest").
const PROTEST_NAMED_BY_CBP: &str = "open (named in CBP's message)";

/// Does CBP's message name a protest on the entry? `Some` with its number when the message
/// gives one: PROTEST ON ENTRY anywhere in it, or a known message followed by a protest
/// (`Entry Summary in Final Liquidation - Protest No. 270426100281`).
fn protest_named(message: &str) -> Option<Option<String>> {
    let found = crate::catalog::find_messages(message)?;
    let names = |f: &crate::catalog::Found| {
        // Appended words name a protest only with its number (`Protest No. 270426100281`):
        // `no protest filed` names none, and reading it as one on file would drop the
        // protest's deadline.
        f.rule.is(&PROTEST_ON_ENTRY)
            || (f.number.is_some()
                && f.extra.as_deref().is_some_and(|x| {
                    let x = x.to_uppercase();
                    x.contains("PROTEST") && !x.contains("NO PROTEST") && !x.contains("NOT ")
                }))
    };
    let naming: Vec<&crate::catalog::Found> = found.iter().filter(|f| names(f)).collect();
    if naming.is_empty() {
        return None;
    }
    Some(naming.iter().find_map(|f| f.number.clone()))
}

/// The entry data shows no protest: neither a status nor a number.
fn knows_no_protest(entry: &EntryData) -> bool {
    let blank = |v: &Option<std::sync::Arc<str>>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    blank(&entry.protest_status) && blank(&entry.protest_number)
}

/// What a row is refined with besides its decision.
struct Facts<'a> {
    /// The entry data, with the protest CBP's message names when the data shows none.
    entry: &'a EntryData,
    as_of: Date,
    /// The day CBP answered the claim (`as_of` when unknown).
    answered: Date,
    /// Listed as corrected (`--corrected`).
    confirmed: bool,
    /// The protest on file is the one CBP's message names (the entry data shows none).
    protest_named: bool,
}

fn refine_one(r: &mut EntryResult, facts: &Facts<'_>, d: &Decision) {
    let &Facts {
        entry,
        as_of,
        answered,
        confirmed,
        protest_named,
    } = facts;
    let liquidation = entry.liquidation_date;
    let window = d.deadlines.cape_window_closes;
    let protest = d.deadlines.protest_due;
    let liquidated = window.is_some();
    let rule = r.rule;
    let is = |m: &MessageRule| rule == Some(m.code);
    // The data cannot date the liquidation: the date on CBP's message, if any, gives the
    // readings (set below).
    let mut readings_from_message = false;
    let settled = matches!(
        r.action,
        Action::NotRefundable | Action::DropDuplicate | Action::None
    );
    match () {
        // A protest on file, as the entry data shows it, decides before the message: it
        // carries the claim, and no second protest is possible (19 USC 1514: one protest per
        // entry and decision). An approved one may have refunded the duty already: review,
        // as the plan does (P024).
        _ if d.reasons.first() == Some(&PROTEST_APPROVED.code) && !settled => {
            r.action = Action::Review;
            let disagree = if is(&PROTEST_ON_ENTRY) {
                " CBP's message says a protest is open, the entry data says it is decided: the two disagree - check the protest in ACE (Protest module)."
            } else {
                ""
            };
            r.what_to_do = format!(
                "The entry data shows a decided protest ({}): {}.{disagree} If it was denied, the court under 28 USC 1581(a) within 180 days of the denial (28 USC 2636(a)); no new protest either way: one protest per entry and decision (19 USC 1514).",
                PROTEST_APPROVED.code,
                d.notes.join("; "),
            )
            .into();
        }
        _ if d.reasons.first() == Some(&OPEN_PROTEST.code)
            && !is(&PROTEST_ON_ENTRY)
            && !settled =>
        {
            let data_says = d.notes.join("; ");
            let asks_cape = r.action.refile_once_corrected()
                || matches!(r.action, Action::WaitForClaim | Action::WrongFiler);
            match window.filter(|w| !w.passed()) {
                // The message would have CAPE take the entry, which CAPE refuses while the
                // protest is open (PROTEST ON ENTRY): one of the two is wrong.
                Some(w) if asks_cape => {
                    let withdraw = if d.reasons.contains(&PROTEST_WITHDRAWABLE.code) {
                        format!(
                            " - or, if it covers IEEPA duty only, withdraw it, wait until the withdrawal shows in ACE and refile before CAPE's window closes {} ({}), listing the entry with --corrected",
                            w.date,
                            w.left()
                        )
                    } else {
                        String::new()
                    };
                    r.action = Action::Review;
                    r.what_to_do = format!(
                        "CBP answered `{}`, not PROTEST ON ENTRY, which it gives for an entry under an open protest, while the entry data shows {data_says}: the two disagree. Check the protest in ACE (Protest module) before refiling. If it is open, follow it{withdraw}; if it is closed, the message's advice holds: {}",
                        r.message, r.what_to_do
                    )
                    .into();
                }
                open => {
                    let cape = match (open, window) {
                        (None, Some(w)) => format!(
                            "CAPE's 80-day window closed on {} (liquidated {}): CAPE cannot take it whatever the message. ",
                            w.date,
                            liquidated_on(w)
                        ),
                        _ => String::new(),
                    };
                    let source = if protest_named {
                        format!(
                            "CBP's message `{}` names the protest: pursue the refund in it; if CBP denies it, the court under 28 USC 1581(a) within 180 days of the denial (28 USC 2636(a)).",
                            r.message
                        )
                    } else {
                        format!(
                            "CBP's message `{}` does not name the protest: check it in ACE (Protest module).",
                            r.message
                        )
                    };
                    r.action = Action::OtherPath;
                    r.what_to_do = format!(
                        "{cape}Follow the protest on file: {data_says}. No new protest: one protest per entry and decision (19 USC 1514){}. {source}",
                        d.deadlines
                            .court_due
                            .map(|c| format!("; keep the 1581(i) date {} in view", c.date))
                            .unwrap_or_default(),
                    )
                    .into();
                }
            }
        }
        // Final liquidation: the protest deadline decides what is left; data that says
        // otherwise is flagged, with the safer date in view.
        _ if is(&FINAL_LIQUIDATION) => match (liquidation, window) {
            (Some(liq), Some(w)) if w.days_left >= 0 => {
                r.action = Action::Review;
                r.what_to_do = format!(
                    "CBP says final liquidation, but the entry data says it liquidated on {liq}, inside the 80-day CAPE window (closes {}, {} left): the two disagree. Check the liquidation in ACE (Entry Summary Query). If CBP is right, the entry liquidated more than 80 days before CBP's answer of {answered} and a protest is due by {} at the latest (earlier if it liquidated earlier); if the data is right, refile before {}.",
                    w.date,
                    days(w.days_left),
                    crate::deadline::add_days(answered, 99)
                        .map_or_else(|| "99 days from now".to_owned(), |d| d.to_string()),
                    w.date
                )
                .into();
            }
            (Some(liq), Some(_)) => {
                r.what_to_do = format!(
                    "Liquidated on {liq}: CAPE cannot take it; {}.",
                    next_route(entry, d)
                )
                .into();
            }
            _ if !entry.unknown(Column::LiquidationStatus) || liquidation.is_some() => {
                r.action = Action::Review;
                r.what_to_do = format!(
                    "CBP says final liquidation, but the entry data shows no liquidation (status `{}`): the two disagree. Check the entry in ACE (Entry Summary Query); until then count on a protest being due 180 days after liquidation (19 USC 1514), and keep the court path in view{}.",
                    entry.liquidation_status.as_deref().unwrap_or("none"),
                    d.deadlines
                        .court_due
                        .map(|c| format!(" (by {}, earliest reading)", c.date))
                        .unwrap_or_default()
                )
                .into();
            }
            _ => {
                readings_from_message = true;
                add_note(
                    r,
                    format!(
                        "the entry data has no liquidation date: the `{}` column would give the protest deadline",
                        Column::LiquidationDate.header()
                    ),
                );
            }
        },
        // Protest on entry: an IEEPA-only protest can be withdrawn while the window leaves time
        // for the withdrawal to post before CBP's batch validates the new declaration.
        _ if is(&PROTEST_ON_ENTRY) => match (liquidation, window) {
            (Some(_), Some(w)) if w.days_left >= 0 => {
                let business = business_days_between(as_of, w.date);
                if business >= WITHDRAWAL_BUSINESS_DAYS {
                    r.action = Action::CorrectThenRefile;
                    r.what_to_do = format!(
                        "The entry is still inside CAPE's 80-day window (closes {}, {} left, {business} business days): if the protest covers IEEPA duty only, withdraw it, wait until the withdrawal shows in ACE, then refile (list the entry with --corrected); otherwise keep the protest on file{}.",
                        w.date,
                        days(w.days_left),
                        protest
                            .map(|p| format!(" (the protest period ends {})", p.date))
                            .unwrap_or_default()
                    )
                    .into();
                } else {
                    r.what_to_do = format!(
                        "Keep the protest: CAPE's window closes {} with {business} business day{} left, too few for a withdrawal to post before CBP validates a new declaration.",
                        w.date,
                        if business == 1 { "" } else { "s" }
                    )
                    .into();
                }
            }
            (Some(_), _) => {
                r.what_to_do = if protest_denied(entry, d) {
                    format!("Past CAPE's 80-day window, and {}.", next_route(entry, d))
                } else {
                    format!(
                        "Past CAPE's 80-day window: pursue the refund in the protest on file; if CBP denies it, the court under 28 USC 1581(a) within 180 days of the denial{}.",
                        d.deadlines
                            .court_due
                            .map(|c| format!(" (keep the 1581(i) date {} in view)", c.date))
                            .unwrap_or_default()
                    )
                }
                .into();
            }
            _ => add_note(
                r,
                format!(
                    "the entry data has no liquidation date: the `{}` column decides whether the protest can be withdrawn and the entry refiled",
                    Column::LiquidationDate.header()
                ),
            ),
        },
        // Reconciliation flag after the 2026-06-29 change: ES-003 cannot show a type 09.
        _ if is(&FLAGGED_FOR_RECON) && as_of >= RECON_CHANGE => match d.path {
            EntryPath::Cape => {
                let window_text = match window {
                    Some(w) => format!(
                        "CAPE's window closes {} ({})",
                        w.date,
                        if w.passed() {
                            format!("passed {}", days(w.days_left))
                        } else {
                            format!("{} left", days(w.days_left))
                        }
                    ),
                    None => {
                        "unliquidated: CAPE takes it until 80 days after liquidation".to_owned()
                    }
                };
                let t = entry.entry_type.as_deref().unwrap_or("?");
                if confirmed {
                    r.action = Action::CorrectThenRefile;
                    r.what_to_do = format!(
                        "Entry type {t}, listed as corrected: taken as the word that no type 09 reconciliation entry was filed (ES-003 cannot show it). Refile it now, before any type 09 is filed ({window_text})."
                    )
                    .into();
                } else {
                    r.action = Action::Review;
                    r.what_to_do = format!(
                        "Entry type {t}: since 2026-06-29 CBP accepts flagged entries of types 01, 02 and 06 only while no type 09 reconciliation entry was filed, which ES-003 cannot show. Ask whether one was filed. If none was, declare the entry in CAPE before any type 09 is filed ({window_text}): list it with --corrected to refile it. If one was, CAPE does not take it now: {}.",
                        next_route(entry, d)
                    )
                    .into();
                }
            }
            EntryPath::LaterPhase => {
                r.action = Action::OtherPath;
                r.what_to_do = format!(
                    "A type 09 reconciliation covers the entry (or its type is not 01, 02 or 06): not in CAPE now; {}.",
                    next_route(entry, d)
                )
                .into();
            }
            _ => add_note(r, d.notes.join("; ")),
        },
        // Trade control on an entry the data says liquidated: one of the two is wrong. While
        // CAPE's window is open the entry may still be declared, and a protest filed meanwhile
        // would make CAPE refuse it (PROTEST ON ENTRY): the window comes first, the protest
        // only once CAPE's route fails or the window closes.
        _ if is(&TRADE_CONTROL) && liquidated => {
            r.action = Action::Review;
            let liq = liquidation.map_or_else(|| "a known date".to_owned(), |l| l.to_string());
            r.what_to_do = match window {
                Some(w) if !w.passed() && !protest_denied(entry, d) => format!(
                    "CBP says the entry is in trade control (not yet on a statement), but the entry data says it liquidated on {liq}: the two disagree. Check the entry in ACE. CAPE's 80-day window closes {} ({}): if the data is right, refile well before then (CBP must process the new declaration by {}). Do not file a protest while the entry may still be declared: a protest on file makes CAPE refuse it (PROTEST ON ENTRY). Only if CAPE refuses it again or the window closes, {}.",
                    w.date,
                    w.left(),
                    w.date,
                    next_route(entry, d)
                ),
                _ => format!(
                    "CBP says the entry is in trade control (not yet on a statement), but the entry data says it liquidated on {liq}: the two disagree. Check the entry in ACE; meanwhile {}.",
                    next_route(entry, d)
                ),
            }
            .into();
        }
        // No IEEPA HTS, and the path engine finds no dutiable IEEPA line in the data either
        // (P002; or none was due, P001): the message is unconfirmed, but the data agrees.
        _ if is(&NO_IEEPA_HTS)
            && d.path == EntryPath::NotRefundable
            && d.reasons.first().is_some_and(|c| {
                [
                    crate::path::NO_DUTIABLE_IEEPA.code,
                    crate::path::OUTSIDE_PERIOD.code,
                ]
                .contains(c)
            }) =>
        {
            r.action = Action::NotRefundable;
            r.what_to_do = format!(
                "CBP's message is unconfirmed (its wording and meaning are not published), but the entry data agrees with it ({}: {}): not refundable through CAPE - drop the entry from CAPE work. What would change it: ACE (Entry Summary Query) showing a dutiable 9903.01/9903.02 line the export lacks; then ask CBP (IEEPARefunds@cbp.dhs.gov) before refiling.",
                d.reasons.join(", "),
                d.notes.join("; ")
            )
            .into();
        }
        // No IEEPA HTS, while the data shows IEEPA duty paid.
        _ if is(&NO_IEEPA_HTS) && entry.ieepa_duty_cents > 0 => {
            r.action = Action::Review;
            r.what_to_do = format!(
                "CBP found no IEEPA HTS on the entry, but the entry data shows {} of IEEPA duty on {} line(s) of 9903.01/9903.02: the two disagree. Check the entry's lines in ACE before dropping it.",
                crate::path::format_cents(entry.ieepa_duty_cents),
                entry.ieepa_dutiable_lines
            )
            .into();
        }
        // Entry type not allowed: warehouse entries since CSMS 69127837.
        _ if is(&ENTRY_TYPE_NOT_ALLOWED) => match entry.entry_type.as_deref().map(str::trim) {
            Some(t @ ("21" | "22")) => {
                r.action = Action::OtherPath;
                r.what_to_do = format!(
                    "A type {t} warehouse entry: CAPE no longer takes these since 2026-07-07 (CSMS 69127837). Declare its withdrawals (types 31, 32, 34, 38) instead; the refund follows when the warehouse entry liquidates."
                )
                .into();
            }
            Some(t) => add_note(
                r,
                format!(
                    "the entry data gives type {t}, not a warehouse type (21, 22): CBP's reason is unclear"
                ),
            ),
            None => {}
        },
        // Listed as corrected: the user's word that the correction was made (a PSC filed while
        // one was possible). The PSC window limits when a correction can be filed, not when
        // the corrected entry can be declared: CAPE's window, below, still decides.
        _ if is_one_of(rule, PSC_FIXES)
            && r.action == Action::CorrectThenRefile
            && confirmed
            && !d.reasons.contains(&crate::path::UNLIQUIDATED_STALE.code)
            && !matches!(d.psc_chance(entry, as_of), PscChance::Open(_)) =>
        {
            add_note(
                r,
                "listed as corrected: taken as the word that the correction was filed while one was possible (a PSC can no longer be filed now); if it was not, CAPE refuses the entry again".to_owned(),
            );
        }
        // A fix by PSC, only while a PSC is possible.
        _ if is_one_of(rule, PSC_FIXES) && r.action == Action::CorrectThenRefile => {
            match d.psc_chance(entry, as_of) {
                PscChance::Open(p) => add_note(
                    r,
                    format!("PSC due {} ({} left)", p.date, days(p.days_left)),
                ),
                // The data's "unliquidated" against a liquidation its dates show (a past
                // liquidation date, or deemed liquidation a year after entry, 19 USC 1504(a)):
                // both readings, for a person to decide.
                PscChance::Closed(_)
                    if d.reasons.contains(&crate::path::UNLIQUIDATED_STALE.code)
                        && window.is_some() =>
                {
                    let w = window.expect("checked");
                    r.action = Action::Review;
                    let psc_unliquidated = entry
                        .entry_date
                        .and_then(|e| {
                            crate::deadline::add_days(e, crate::path::PSC_DAYS_FROM_ENTRY)
                        })
                        .map(|p| {
                            if p < as_of {
                                format!(", nor read as unliquidated: its 300-day PSC window closed on {p}")
                            } else {
                                format!("; read as unliquidated, a PSC is due by {p}")
                            }
                        })
                        .unwrap_or_default();
                    r.what_to_do = doubtful_liquidation(
                        w,
                        d,
                        &format!(
                            "no post-summary correction, the fix this message needs, is possible (19 CFR 101.9(b)){psc_unliquidated}; {}",
                            next_route(entry, d)
                        ),
                    )
                    .into();
                }
                PscChance::Closed(why) => {
                    r.action = Action::Review;
                    r.what_to_do = format!(
                        "The fix is a post-summary correction, and none is possible: {why}. CAPE will refuse the entry as it is; {}.",
                        next_route(entry, d)
                    )
                    .into();
                }
                PscChance::Unknown(why) => {
                    r.action = Action::Review;
                    r.what_to_do = format!(
                        "The fix is a post-summary correction, and whether one is still possible cannot be told: {why}. Check the entry in ACE."
                    )
                    .into();
                }
            }
        }
        _ => {}
    }
    // The dates may take the entry out of CAPE whatever the message said. A refile is a new
    // filing: the 80-day window is counted to the new declaration, as of `as_of`.
    if r.action.refile_once_corrected() || r.action == Action::WrongFiler {
        match (d.path, window) {
            (EntryPath::NotRefundable, _) => {
                r.action = Action::NotRefundable;
                r.what_to_do = format!(
                    "The entry data shows no refundable IEEPA duty ({}): nothing to refund through CAPE.",
                    d.reasons.join(", ")
                )
                .into();
            }
            // The data itself is doubtful (stale liquidation, a status and a date that
            // disagree): the path engine's notes give both readings; a person decides.
            (EntryPath::Review, Some(w)) if w.passed() => {
                r.action = Action::Review;
                r.what_to_do =
                    doubtful_liquidation(w, d, "a new declaration would be refused").into();
            }
            // The path engine doubts the entry (IEEPA duty outside the period, a doubtful
            // cell, rows that disagree): `plan` would keep it off a declaration, and so does
            // the refile.
            (EntryPath::Review, _) => {
                r.action = Action::Review;
                r.what_to_do = format!(
                    "The entry data is doubtful ({}): {}. Check the entry in ACE (Entry Summary Query) before refiling.",
                    d.reasons.join(", "),
                    d.notes.join("; ")
                )
                .into();
            }
            (_, Some(w)) if w.passed() => {
                r.action = Action::OtherPath;
                r.what_to_do = format!(
                    "CAPE's 80-day window closed on {} (liquidated {}): a new declaration would be refused, whatever the message; {}.",
                    w.date,
                    liquidated_on(w),
                    next_route(entry, d)
                )
                .into();
            }
            // On the refile (as it is, or listed as corrected) with the window about to close:
            // the same margin as a retry's, and the protest if CBP does not take it in time.
            (_, Some(w))
                if w.urgent()
                    && (r.action == Action::Refile
                        || (confirmed && r.action.refile_once_corrected())) =>
            {
                r.what_to_do = format!(
                    "On the refile{} with CAPE's 80-day window closing {} ({}): upload the new declaration today - CBP must process it by {} (whether CBP counts to the upload or to its batch run is unknown), or it is refused. If it is refused or not processed in time, {}. {}",
                    if r.action == Action::Refile {
                        ""
                    } else {
                        " (listed as corrected)"
                    },
                    w.date,
                    w.left(),
                    w.date,
                    next_route(entry, d),
                    r.what_to_do
                )
                .into();
            }
            // A correction still to make, with the window about to close (a protest on file
            // says so already: its withdrawal needs five business days).
            (_, Some(w))
                if r.action == Action::CorrectThenRefile
                    && w.urgent()
                    && !is(&PROTEST_ON_ENTRY) =>
            {
                add_note(
                    r,
                    format!(
                        "CAPE's window closes {} ({}): correct it and refile so that CBP processes the new declaration by then - if that cannot be done in time, {}",
                        w.date,
                        w.left(),
                        next_route(entry, d)
                    ),
                );
            }
            // The right filer must declare it, on the same window (a declaration from any
            // account is judged on the day CBP processes it).
            (_, Some(w)) if r.action == Action::WrongFiler => {
                r.what_to_do = format!(
                    "{} The right filer must declare it before CAPE's 80-day window closes {} ({}); if it is not declared in time, {}.",
                    r.what_to_do,
                    w.date,
                    w.left(),
                    next_route(entry, d)
                )
                .into();
            }
            (_, None) if r.action == Action::WrongFiler => {
                r.what_to_do = format!(
                    "{} The right filer must declare it: unliquidated, CAPE takes it until 80 days after liquidation.",
                    r.what_to_do
                )
                .into();
            }
            (_, Some(w)) if r.action == Action::RetryLater && w.urgent() => add_note(
                r,
                format!(
                    "CAPE's window closes {} ({} left): a retry processed after it is refused - if it cannot be retried in time, {}",
                    w.date,
                    days(w.days_left),
                    next_route(entry, d)
                ),
            ),
            _ => {}
        }
    }
    // The deadlines of what is left to do, and the one that makes the row urgent; a PSC
    // deadline only while a PSC is possible at all.
    let mut kinds = d.matter_after(r.action);
    // On the CAPE route the other routes' dates apply too, should CAPE refuse or not process
    // the entry in time: the protest of a liquidated entry with no protest on file, and the
    // court's two years, which run whatever CAPE does.
    if r.action.refile_once_corrected()
        || matches!(r.action, Action::WaitForClaim | Action::WrongFiler)
    {
        let protest_on_file = entry
            .protest_status
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty())
            || entry
                .protest_number
                .as_deref()
                .is_some_and(|s| !s.trim().is_empty());
        if !protest_on_file {
            kinds.insert(DeadlineKind::Protest);
        }
        kinds.insert(DeadlineKind::Court1581i);
    }
    if d.protest_on_file() {
        // One protest per entry and decision (19 USC 1514): no second one to date.
        kinds.remove(DeadlineKind::Protest);
    }
    if matches!(d.psc_chance(entry, as_of), PscChance::Closed(_))
        || (is(&FLAGGED_FOR_RECON) && as_of >= RECON_CHANGE)
    {
        // A reconciliation flag is not fixed by a PSC: its date does not apply.
        kinds.remove(DeadlineKind::Psc);
    }
    r.deadlines = crate::deadline::of_kinds(&d.deadlines, kinds).collect();
    if is(&FINAL_LIQUIDATION) && !d.protest_on_file() {
        safer_protest_by_the_message(r, window, as_of, answered);
    }
    if readings_from_message {
        message_date_readings(r, as_of, d.deadlines.court_due);
    }
    r.urgent = crate::deadline::most_urgent(r.deadlines.iter().copied()).map(|d| d.kind);
    // No date to count from, and the protest may be due any day: urgent all the same.
    if r.urgent.is_none()
        && r.outcome != Outcome::Accepted
        && let Some(why) = d.undated_urgency()
    {
        r.urgent = Some(DeadlineKind::Protest);
        add_note(r, format!("urgent: {why}"));
    }
    if r.action == Action::Review && d.path == EntryPath::Review {
        let columns = [
            Column::LiquidationDate,
            Column::LiquidationStatus,
            Column::EntryType,
            Column::ReconciliationIndicator,
            Column::ProtestStatus,
        ];
        // A column the export lacks, and one it has whose value cannot be read, are two fixes:
        // export again with the column, or correct the value.
        let absent: Vec<&str> = columns
            .into_iter()
            .filter(|c| entry.absent_columns.contains(*c))
            .map(Column::header)
            .collect();
        let unreadable: Vec<&str> = columns
            .into_iter()
            .filter(|c| entry.unreadable_columns.contains(*c) && !entry.absent_columns.contains(*c))
            .map(Column::header)
            .collect();
        if !absent.is_empty() {
            add_note(
                r,
                format!(
                    "the entry data lacks {}: export ES-003 with {} to decide",
                    absent.join(", "),
                    if absent.len() == 1 { "it" } else { "them" }
                ),
            );
        }
        if !unreadable.is_empty() {
            add_note(
                r,
                format!(
                    "the entry data's {} cannot be read: correct {} (the reader's findings say where) to decide",
                    unreadable.join(", "),
                    if unreadable.len() == 1 { "it" } else { "them" }
                ),
            );
        }
    }
}

/// `passed 74 days ago` or `74 days left`.
fn state(d: crate::deadline::Deadline) -> String {
    if d.passed() {
        format!("passed {}", days(d.days_left))
    } else {
        format!("{} left", days(d.days_left))
    }
}

/// A FINAL LIQUIDATION message with a date appended, and no entry data: CBP does not say what
/// the date is, so the row carries both readings' protest dates (the earlier first) and the
/// court date, says which have passed, and points to the route still open - the earlier
/// protest date, else the later one, else the court (28 USC 1581(i), at its earliest reading).
/// `court`: the court date the entry data gives, when it gives one (its headings date it more
/// surely than the first order of IEEPA duty, taken otherwise).
fn message_date_readings(
    r: &mut EntryResult,
    as_of: Date,
    court: Option<crate::deadline::Deadline>,
) -> bool {
    let Some(date) = crate::catalog::find_messages(&r.message).and_then(|found| {
        found
            .iter()
            .find(|f| f.rule.is(&FINAL_LIQUIDATION))
            .and_then(|f| f.date)
    }) else {
        return false;
    };
    let Some([early, late]) = crate::deadline::protests_of_message_date(date, as_of) else {
        return false;
    };
    // The earliest liquidation the date allows dates the later readings of the court's years.
    let liquidation = crate::deadline::add_days(date, -crate::deadline::CAPE_WINDOW_DAYS);
    let court = court
        .or_else(|| crate::deadline::court_1581i_heading_unknown(None, None, liquidation, as_of).0);
    let readings = format!(
        "CBP's message carries the date {date}, whose meaning is not published: if it is the day the liquidation became final for CAPE (80 days after liquidation), the protest is due by {} ({}); if it is the liquidation date, by {} ({}).",
        early.date,
        state(early),
        late.date,
        state(late)
    );
    let court_text = |c: crate::deadline::Deadline| {
        format!(
            "{} {} ({}; at the earliest reading of a disputed start - see counsel)",
            c.kind.describe(),
            c.date,
            state(c)
        )
    };
    let next = if !early.passed() {
        format!(
            "File a protest (19 USC 1514) by {} ({} left), the earlier reading, until the liquidation date is confirmed (ES-003 `Liquidation Date`, or `capekit triage --entries`){}.",
            early.date,
            days(early.days_left),
            court
                .map(|c| format!("; past both, the court: {}", court_text(c)))
                .unwrap_or_default()
        )
    } else if !late.passed() {
        format!(
            "The earlier reading's date has passed: file a protest (19 USC 1514) now, by {} ({} left) at the latest - it is timely only if {date} is the liquidation date; confirm it in ACE (ES-003 `Liquidation Date`, or `capekit triage --entries`), and keep the court path in view{}.",
            late.date,
            days(late.days_left),
            court
                .map(|c| format!(": {}", court_text(c)))
                .unwrap_or_default()
        )
    } else {
        format!(
            "Both readings' protest dates have passed: no protest is timely; the route left is the Court of International Trade{}.",
            court
                .map(|c| format!(": {}", court_text(c)))
                .unwrap_or_else(|| " (28 USC 1581(i), two years) - see counsel".to_owned())
        )
    };
    r.what_to_do =
        format!("Liquidated more than 80 days ago: CAPE cannot take it. {readings} {next}").into();
    r.deadlines = [early, late].into_iter().chain(court).collect();
    r.urgent = crate::deadline::most_urgent(r.deadlines.iter().copied()).map(|d| d.kind);
    true
}

/// How to give the entry data that decides: the ES-003 export with `--entries`, or, when entry
/// data was given (a file, or what the ledger holds) without this entry, its own export.
fn how_to_give(entry: EntryNumber, others_given: bool) -> String {
    if others_given {
        format!(
            "entry {entry} is not in the entry data given: export ES-003 for that entry and give it with `--entries`"
        )
    } else {
        "give the ES-003 export with `--entries`".to_owned()
    }
}

/// Without entry data: the date that decides a date-dependent advice, and how to give it.
/// `others_given`: entry data was given for other entries, not this one.
fn without_data(r: &mut EntryResult, as_of: Date, others_given: bool) {
    let rule = r.rule;
    let is = |m: &MessageRule| rule == Some(m.code);
    if is(&FINAL_LIQUIDATION) {
        message_date_readings(r, as_of, None);
    }
    let need = match () {
        _ if is(&FINAL_LIQUIDATION) => {
            "the liquidation date decides the protest deadline (liquidation + 180 days, 19 USC 1514) and, after it, the court date"
        }
        _ if is(&PROTEST_ON_ENTRY) => {
            "the liquidation date decides whether the protest can be withdrawn in time (80-day window, 5 business days)"
        }
        _ if is(&FLAGGED_FOR_RECON) && as_of >= RECON_CHANGE => {
            "the entry type and reconciliation flag decide whether CAPE takes the entry now"
        }
        _ if is_one_of(
            rule,
            &[
                &TRADE_CONTROL,
                &STATEMENT_PROCESSING_NOT_COMPLETE,
                &UNABLE_TO_CALCULATE_DUTY,
                &JMS_PROCESSING_ERROR,
                &CAPE_HIGH_VOLUMES,
            ],
        ) =>
        {
            "the liquidation date decides whether a retry is still inside CAPE's 80-day window"
        }
        _ if is_one_of(rule, PSC_FIXES) && r.action == Action::CorrectThenRefile => {
            let mut text = psc_without_data(as_of);
            if others_given {
                text = text.replace(
                    "give the ES-003 export with `--entries` to decide",
                    &format!("{} to decide", how_to_give(r.entry_number, true)),
                );
            }
            if as_of >= crate::psc::PSC_CLOSED_FOR_ALL_IEEPA {
                r.action = Action::Review;
                r.what_to_do = format!("The fix is a post-summary correction. {text}").into();
            } else {
                add_note(r, text);
            }
            return;
        }
        _ => return,
    };
    add_note(
        r,
        format!("{need}: {}", how_to_give(r.entry_number, others_given)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::{ClaimRow, TriageInput, TriageReport, triage};
    use jiff::civil::date;

    const AS_OF: Date = date(2026, 11, 24);

    fn n(tx: u32) -> EntryNumber {
        EntryNumber::from_parts("B76", tx).expect("valid")
    }

    /// A Claim Details row of claim `1` rejecting entry `tx` with `message`.
    fn claim_row(tx: u32, message: &str) -> ClaimRow {
        ClaimRow {
            file: "c.csv".into(),
            line: 2,
            entry: n(tx),
            claim: "1".into(),
            status: Some("Failed".into()),
            message: message.into(),
            claim_status: None,
            kind: Default::default(),
            claim_date: None,
            importer: None,
        }
    }

    fn report(rows: &[(u32, &str)], entry_data: HashMap<EntryNumber, EntryData>) -> TriageReport {
        let input = TriageInput {
            entry_data,
            rows: rows.iter().map(|(tx, m)| claim_row(*tx, m)).collect(),
            ..TriageInput::default()
        };
        triage(&input, AS_OF)
    }

    fn data(tx: u32, liquidated_days_ago: Option<i32>) -> EntryData {
        let mut e = EntryData::new(n(tx), 2);
        e.entry_type = Some("01".into());
        e.entry_date = Some(date(2025, 6, 1));
        e.ieepa_duty_cents = 10_000;
        e.ieepa_lines = 1;
        e.ieepa_dutiable_lines = 1;
        e.absent_columns = crate::path::ColumnSet::EMPTY;
        if let Some(d) = liquidated_days_ago {
            e.liquidation_status = Some("Liquidated".into());
            e.liquidation_date = AS_OF.checked_sub(jiff::Span::new().days(d)).ok();
        }
        e
    }

    fn refined(message: &str, entry: EntryData) -> EntryResult {
        let mut r = report(&[(1, message)], [(n(1), entry)].into_iter().collect());
        assert_eq!(r.refined.map(|s| s.with_data), Some(1));
        r.entries.remove(0)
    }

    #[test]
    fn a_liquidated_entry_without_its_date_is_urgent_for_its_undatable_protest() {
        // Liquidated, but the date is missing: the 180 days to protest may be nearly out, and
        // no deadline can say so. The row is urgent all the same, and says why.
        let mut e = data(1, Some(100));
        e.liquidation_date = None;
        let r = refined("UNABLE TO CALCULATE DUTY", e);
        assert_eq!(r.action, Action::Review, "{r:?}");
        assert_eq!(r.urgent, Some(DeadlineKind::Protest), "{r:?}");
        assert!(
            r.note
                .as_deref()
                .is_some_and(|n| n.contains("protest due date unknown")),
            "{r:?}"
        );
        // A date the export has but that cannot be read is named as such, not as missing.
        let mut bad = data(1, Some(100));
        bad.liquidation_date = None;
        bad.unreadable_columns.insert(Column::LiquidationDate);
        let r = refined("UNABLE TO CALCULATE DUTY", bad);
        let note = r.note.unwrap_or_default();
        assert!(
            note.contains("`Liquidation Date` cannot be read")
                || note.contains("Liquidation Date cannot be read"),
            "{note}"
        );
        assert!(!note.contains("lacks"), "{note}");
        // With its date, the same entry is judged by it: 80 days left, not urgent.
        let dated = refined("UNABLE TO CALCULATE DUTY", data(1, Some(100)));
        assert_eq!(dated.urgent, None, "{dated:?}");
    }

    #[test]
    fn final_liquidation_shows_the_protest_deadline_or_that_it_closed() {
        let open = refined(
            "ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS",
            data(1, Some(100)),
        );
        assert_eq!(open.action, Action::OtherPath);
        assert!(
            open.what_to_do.contains("file a protest"),
            "{}",
            open.what_to_do
        );
        assert!(
            open.what_to_do.contains("80 days left"),
            "{}",
            open.what_to_do
        );
        let closed = refined(
            "ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS",
            data(1, Some(200)),
        );
        assert!(
            closed.what_to_do.contains("protest period closed"),
            "{}",
            closed.what_to_do
        );
    }

    #[test]
    fn appended_words_name_a_protest_only_with_its_number() {
        assert_eq!(
            protest_named("Entry Summary in Final Liquidation - Protest No. 270426100281"),
            Some(Some("270426100281".to_owned()))
        );
        assert!(
            protest_named("ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS; PROTEST ON ENTRY")
                .is_some()
        );
        for t in [
            "Entry Summary in Final Liquidation - no protest filed",
            "Entry Summary in Final Liquidation - protest not filed",
            "Entry Summary in Final Liquidation - protest",
        ] {
            assert_eq!(protest_named(t), None, "{t}");
        }
    }

    #[test]
    fn a_protest_named_by_the_message_is_pursued_not_filed_again() {
        // Entry data without protest columns; CBP's message names the protest (by its number,
        // or as PROTEST ON ENTRY beside FINAL LIQUIDATION). Past CAPE's window, the protest
        // carries the claim: never "file a protest", and no protest deadline left open.
        for (message, number) in [
            (
                "Entry Summary in Final Liquidation - Protest No. 270426100281",
                Some("270426100281"),
            ),
            (
                "ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS; PROTEST ON ENTRY",
                None,
            ),
        ] {
            let mut e = data(1, Some(100));
            e.absent_columns.insert(Column::ProtestStatus);
            e.absent_columns.insert(Column::ProtestNumber);
            let r = refined(message, e);
            let todo = r.what_to_do.to_lowercase();
            assert!(!todo.contains("file a protest"), "{message}: {todo}");
            assert!(todo.contains("protest on file"), "{message}: {todo}");
            assert!(todo.contains("no new protest"), "{message}: {todo}");
            assert!(todo.contains("in view"), "{message}: court date: {todo}");
            if let Some(number) = number {
                assert!(todo.contains(number), "{message}: {todo}");
            }
            assert!(
                !todo.contains("does not name the protest"),
                "{message}: {todo}"
            );
            assert!(
                r.deadlines.iter().all(|d| d.kind != DeadlineKind::Protest),
                "{message}: {:?}",
                r.deadlines
            );
            assert!(
                r.deadlines
                    .iter()
                    .any(|d| d.kind == DeadlineKind::Court1581i),
                "{message}: {:?}",
                r.deadlines
            );
        }
        // A protest number after another known message, not said to be a protest's, names
        // none: the final liquidation's own advice holds.
        let r = refined(
            "ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS - 270426100281",
            data(1, Some(100)),
        );
        assert!(r.what_to_do.contains("file a protest"), "{}", r.what_to_do);
    }

    #[test]
    fn protest_inside_the_window_can_be_withdrawn_and_refiled() {
        let inside = refined("PROTEST ON ENTRY", data(1, Some(30)));
        assert_eq!(inside.action, Action::CorrectThenRefile);
        assert!(
            inside.what_to_do.contains("withdraw it"),
            "{}",
            inside.what_to_do
        );
        let outside = refined("PROTEST ON ENTRY", data(1, Some(120)));
        assert_eq!(outside.action, Action::OtherPath);
    }

    #[test]
    fn recon_flag_after_the_change_follows_the_entry_data() {
        let mut e = data(1, None);
        e.reconciliation_indicator = Some("Y".into());
        let r = refined("ENTRY SUMMARY FLAGGED FOR RECON", e.clone());
        // ES-003 cannot show a type 09: review until the user confirms none was filed, with
        // no PSC date (a PSC does not clear the flag).
        assert_eq!(r.action, Action::Review, "{}", r.what_to_do);
        assert!(
            r.what_to_do.contains("before any type 09 is filed"),
            "{}",
            r.what_to_do
        );
        assert!(r.what_to_do.contains("--corrected"), "{}", r.what_to_do);
        assert!(
            r.deadlines.iter().all(|d| d.kind != DeadlineKind::Psc),
            "{:?}",
            r.deadlines
        );
        // Listed as corrected: the user's word that no type 09 was filed; it is refiled.
        let input = TriageInput {
            entry_data: [(n(1), e.clone())].into_iter().collect(),
            rows: vec![claim_row(1, "ENTRY SUMMARY FLAGGED FOR RECON")],
            corrected: vec![n(1)],
            ..TriageInput::default()
        };
        let t = triage(&input, AS_OF);
        assert_eq!(t.entries[0].action, Action::CorrectThenRefile);
        assert_eq!(t.refile.entries, vec![n(1)]);
        // The ledger's re-judgement takes the same word.
        let again = rejudge_with(
            n(1),
            "1",
            "ENTRY SUMMARY FLAGGED FOR RECON",
            Some(&e),
            AS_OF,
            true,
        );
        assert_eq!(again.action, Action::CorrectThenRefile);
        let again = rejudge(
            n(1),
            "1",
            "ENTRY SUMMARY FLAGGED FOR RECON",
            Some(&e),
            AS_OF,
        );
        assert_eq!(again.action, Action::Review);
        // Liquidated: the CAPE window's date is in view.
        let mut liq = data(1, Some(30));
        liq.reconciliation_indicator = Some("Y".into());
        let r = refined("ENTRY SUMMARY FLAGGED FOR RECON", liq);
        assert_eq!(r.action, Action::Review, "{}", r.what_to_do);
        assert!(
            r.what_to_do.contains("CAPE's window closes 2027-01-13"),
            "{}",
            r.what_to_do
        );
        assert!(
            r.deadlines
                .iter()
                .any(|d| d.kind == DeadlineKind::CapeWindow)
        );
    }

    #[test]
    fn a_final_liquidation_date_of_unknown_meaning_gives_both_readings_deadlines() {
        let as_of = date(2026, 11, 15);
        let input = TriageInput {
            rows: vec![
                ClaimRow {
                    line: 2,
                    ..claim_row(
                        1,
                        "ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS - 05/25/2026",
                    )
                },
                ClaimRow {
                    line: 3,
                    ..claim_row(
                        2,
                        "ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS - 03/01/2026",
                    )
                },
                ClaimRow {
                    line: 4,
                    ..claim_row(3, "UNABLE TO CALCULATE DUTY")
                },
            ],
            ..TriageInput::default()
        };
        let t = triage(&input, as_of);
        // The earlier reading has passed, the later is 6 days off: urgent, first in the list.
        let r = &t.entries[0];
        assert_eq!(r.entry_number, n(1), "{:?}", t.entries);
        let dates: Vec<(DeadlineKind, Date, i32)> = r
            .deadlines
            .iter()
            .map(|d| (d.kind, d.date, d.days_left))
            .collect();
        assert_eq!(
            dates[..2],
            [
                (DeadlineKind::Protest, date(2026, 9, 2), -74),
                (DeadlineKind::Protest, date(2026, 11, 21), 6)
            ],
            "{dates:?}"
        );
        assert!(
            r.deadlines
                .iter()
                .any(|d| d.kind == DeadlineKind::Court1581i)
        );
        assert_eq!(r.urgent, Some(DeadlineKind::Protest));
        assert!(
            r.what_to_do.contains("passed 74 days ago"),
            "{}",
            r.what_to_do
        );
        assert!(
            r.what_to_do.contains("by 2026-11-21 (6 days left)"),
            "{}",
            r.what_to_do
        );
        assert!(
            !r.what_to_do.contains("Count on 2026-09-02"),
            "{}",
            r.what_to_do
        );
        // Both protest dates passed: the court route, with its date, and no protest advised.
        let r = t
            .entries
            .iter()
            .find(|r| r.entry_number == n(2))
            .expect("row");
        assert!(
            r.what_to_do
                .contains("Both readings' protest dates have passed"),
            "{}",
            r.what_to_do
        );
        assert!(
            r.what_to_do.contains("1581(i)) due 2027-02-01"),
            "{}",
            r.what_to_do
        );
        assert!(!r.what_to_do.contains("File a protest"), "{}", r.what_to_do);
        let court = r
            .deadlines
            .iter()
            .find(|d| d.kind == DeadlineKind::Court1581i)
            .expect("a court date");
        assert_eq!(court.days_left, 78);
        assert_eq!(r.urgent, None);
        // Inside 60 days of the court date, it is urgent.
        let t = triage(&input, date(2026, 12, 10));
        let r = t
            .entries
            .iter()
            .find(|r| r.entry_number == n(2))
            .expect("row");
        assert_eq!(r.urgent, Some(DeadlineKind::Court1581i));
        // Both readings open: the earlier date is the one to count on.
        let t = triage(&input, date(2026, 8, 1));
        let r = t
            .entries
            .iter()
            .find(|r| r.entry_number == n(1))
            .expect("row");
        assert!(
            r.what_to_do
                .contains("File a protest (19 USC 1514) by 2026-09-02"),
            "{}",
            r.what_to_do
        );
    }

    #[test]
    fn entry_data_without_a_liquidation_leaves_the_message_date_to_give_the_readings() {
        let mut e = data(1, None);
        e.absent_columns.insert(Column::LiquidationDate);
        e.absent_columns.insert(Column::LiquidationStatus);
        let r = refine_on(
            "ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS - 05/25/2026",
            e,
            date(2026, 11, 15),
        );
        let protests: Vec<(Date, i32)> = r
            .deadlines
            .iter()
            .filter(|d| d.kind == DeadlineKind::Protest)
            .map(|d| (d.date, d.days_left))
            .collect();
        assert_eq!(
            protests,
            [(date(2026, 9, 2), -74), (date(2026, 11, 21), 6)],
            "{r:?}"
        );
        assert_eq!(r.urgent, Some(DeadlineKind::Protest), "{r:?}");
        assert!(
            r.note.as_deref().unwrap_or("").contains("Liquidation Date"),
            "{:?}",
            r.note
        );
    }

    #[test]
    fn a_row_on_the_cape_route_carries_the_protest_and_court_dates_too() {
        // Liquidated 70 days ago, a retry message: the window is near; the protest (should
        // CAPE not take it in time) and the court dates are on the row, not only in the note.
        for message in [
            "STATEMENT PROCESSING NOT COMPLETE",
            "UNABLE TO CALCULATE DUTY",
        ] {
            let r = refined(message, data(1, Some(70)));
            let kinds: Vec<DeadlineKind> = r.deadlines.iter().map(|d| d.kind).collect();
            assert!(
                kinds.contains(&DeadlineKind::CapeWindow),
                "{message}: {kinds:?}"
            );
            assert!(
                kinds.contains(&DeadlineKind::Protest),
                "{message}: {kinds:?}"
            );
            assert!(
                kinds.contains(&DeadlineKind::Court1581i),
                "{message}: {kinds:?}"
            );
            let protest = r
                .deadlines
                .iter()
                .find(|d| d.kind == DeadlineKind::Protest)
                .expect("protest");
            assert_eq!(protest.days_left, 110);
        }
    }

    #[test]
    fn an_old_unliquidated_entry_on_the_psc_path_gives_both_readings() {
        // "Unliquidated", entered more than a year ago: deemed liquidated a year after entry
        // (19 USC 1504(a)) is one reading, the data's status the other.
        let mut e = data(1, None);
        e.entry_date = Some(date(2025, 2, 10));
        e.liquidation_status = Some("Unliquidated".into());
        let r = refine_on("INVALID HTS", e, date(2026, 11, 15));
        assert_eq!(r.action, Action::Review, "{}", r.what_to_do);
        assert!(r.what_to_do.contains("doubtful"), "{}", r.what_to_do);
        assert!(r.what_to_do.contains("1504(a)"), "{}", r.what_to_do);
        assert!(
            r.what_to_do.contains("read as unliquidated"),
            "{}",
            r.what_to_do
        );
        assert!(
            !r.what_to_do.starts_with(
                "The fix is a post-summary correction, and none is possible: the entry liquidated"
            ),
            "{}",
            r.what_to_do
        );
        assert!(r.deadlines.iter().any(|d| d.kind == DeadlineKind::Protest));
        assert!(
            r.deadlines
                .iter()
                .any(|d| d.kind == DeadlineKind::Court1581i)
        );
    }

    #[test]
    fn an_entry_missing_from_the_entry_data_given_is_named() {
        let mut other = EntryData::new(n(2), 2);
        other.ieepa_duty_cents = 1;
        let r = report(
            &[(1, "UNABLE TO CALCULATE DUTY")],
            [(n(2), other.clone())].into_iter().collect(),
        );
        let note = r.entries[0].note.clone().unwrap_or_default();
        assert!(note.contains("is not in the entry data given"), "{note}");
        assert!(!note.contains("give the ES-003 export with"), "{note}");
        let r = report(&[(1, "INVALID HTS")], [(n(2), other)].into_iter().collect());
        let note = r.entries[0].note.clone().unwrap_or_default();
        assert!(note.contains("is not in the entry data given"), "{note}");
        // Without any entry data, the export is asked for.
        let r = report(&[(1, "UNABLE TO CALCULATE DUTY")], HashMap::new());
        let note = r.entries[0].note.clone().unwrap_or_default();
        assert!(
            note.contains("give the ES-003 export with `--entries`"),
            "{note}"
        );
    }

    fn refine_on(message: &str, entry: EntryData, as_of: Date) -> EntryResult {
        let input = TriageInput {
            entry_data: [(entry.entry_number, entry)].into_iter().collect(),
            rows: vec![claim_row(1, message)],
            ..TriageInput::default()
        };
        triage(&input, as_of).entries.remove(0)
    }

    #[test]
    fn an_entry_the_path_engine_doubts_is_review_not_refiled() {
        // IEEPA duty on a 9903.01 line, but entered after the IEEPA period (P025): `plan` sends
        // it to review, and so must a triage whose message says refile.
        let mut e = data(1, Some(10));
        e.entry_date = Some(date(2026, 8, 23));
        let r = refined("UNABLE TO CALCULATE DUTY", e);
        assert_eq!(r.action, Action::Review, "{r:?}");
        assert!(r.what_to_do.contains("P025"), "{}", r.what_to_do);
    }

    #[test]
    fn a_refile_message_past_the_cape_window_is_not_refiled() {
        let input = TriageInput {
            entry_data: [(n(1), data(1, Some(100)))].into_iter().collect(),
            rows: vec![claim_row(1, "UNABLE TO CALCULATE DUTY")],
            corrected: vec![n(1)],
            ..TriageInput::default()
        };
        let r = triage(&input, AS_OF);
        assert!(r.refile.entries.is_empty(), "{:?}", r.refile);
        assert_eq!(r.refile.left_out.len(), 1);
        let row = &r.entries[0];
        assert_eq!(row.action, Action::OtherPath);
        assert!(
            row.what_to_do.contains("window closed"),
            "{}",
            row.what_to_do
        );
        assert!(
            row.what_to_do.contains("file a protest"),
            "{}",
            row.what_to_do
        );
    }

    #[test]
    fn a_psc_fix_only_while_a_psc_is_possible() {
        // Liquidated 170 days ago: no PSC; the protest, due in 10 days, is shown and urgent.
        let r = refine_on("INVALID HTS", data(1, Some(170)), AS_OF);
        assert_eq!(r.action, Action::Review, "{}", r.what_to_do);
        assert!(r.what_to_do.contains("unliquidated"), "{}", r.what_to_do);
        assert!(r.what_to_do.contains("10 days left"), "{}", r.what_to_do);
        assert_eq!(r.urgent, Some(DeadlineKind::Protest));
        assert!(
            r.deadlines
                .iter()
                .any(|d| d.kind == DeadlineKind::Protest && d.days_left == 10)
        );
        // Unliquidated, entered more than 300 days (and less than a year) ago: the PSC window
        // closed.
        let mut old = data(1, None);
        old.entry_date = Some(date(2025, 12, 1));
        old.liquidation_status = Some("Unliquidated".into());
        let r = refine_on(
            "GOODS VALUE AMOUNT NOT ALLOWED ON IEEPA HTS LINE",
            old,
            AS_OF,
        );
        assert_eq!(r.action, Action::Review, "{}", r.what_to_do);
        assert!(
            r.what_to_do.contains("PSC window closed"),
            "{}",
            r.what_to_do
        );
        // Unliquidated and recent: the PSC stays, with its date.
        let mut fresh = data(1, None);
        fresh.entry_date = Some(date(2026, 2, 20));
        fresh.liquidation_status = Some("Unliquidated".into());
        let r = refine_on("INVALID HTS", fresh, AS_OF);
        assert_eq!(r.action, Action::CorrectThenRefile);
        assert!(
            r.note.as_deref().unwrap_or("").contains("PSC due"),
            "{:?}",
            r.note
        );
    }

    /// The PSC window limits when a correction can be filed, not when the corrected entry can
    /// be declared: an entry listed as corrected after its PSC window closed is refiled while
    /// CAPE's window is open (unliquidated: until 80 days after liquidation).
    #[test]
    fn a_corrected_entry_is_refiled_after_its_psc_window_closed() {
        let mut e = data(1, None);
        e.entry_date = Some(date(2026, 2, 20));
        e.liquidation_status = Some("Unliquidated".into());
        let as_of = date(2026, 12, 21);
        let input = TriageInput {
            entry_data: [(n(1), e.clone())].into_iter().collect(),
            rows: vec![claim_row(1, "INVALID HTS")],
            corrected: vec![n(1)],
            ..TriageInput::default()
        };
        let t = triage(&input, as_of);
        assert_eq!(t.refile.entries, vec![n(1)], "{:?}", t.entries[0]);
        assert_eq!(t.entries[0].action, Action::CorrectThenRefile);
        assert!(
            t.entries[0]
                .note
                .as_deref()
                .is_some_and(|n| n.contains("listed as corrected")),
            "{:?}",
            t.entries[0].note
        );
        // Not listed: no PSC is possible, so CAPE refuses it as it is.
        let r = refine_on("INVALID HTS", e.clone(), as_of);
        assert_eq!(r.action, Action::Review, "{}", r.what_to_do);
        // The ledger's re-judgement (`refile --corrected`) takes the same word.
        let again = rejudge_with(n(1), "1", "INVALID HTS", Some(&e), as_of, true);
        assert_eq!(
            again.action,
            Action::CorrectThenRefile,
            "{}",
            again.what_to_do
        );
    }

    /// FINAL LIQUIDATION on a claim answered on 2026-10-20 against data that says liquidated
    /// on 2026-10-15: if CBP was right that day, the entry liquidated by 2026-07-31, and its
    /// protest is due by 2027-01-27 at the latest, counted from the claim's day, not from today.
    #[test]
    fn final_liquidation_against_the_data_counts_the_safer_protest_from_the_claims_day() {
        let mut e = data(1, None);
        e.liquidation_status = Some("Liquidated".into());
        e.liquidation_date = Some(date(2026, 10, 15));
        let mut row = claim_row(1, "ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS");
        row.claim_date = Some(date(2026, 10, 20));
        let as_of = date(2026, 12, 4);
        let input = TriageInput {
            entry_data: [(n(1), e.clone())].into_iter().collect(),
            rows: vec![row.clone()],
            ..TriageInput::default()
        };
        let r = triage(&input, as_of).entries.remove(0);
        assert_eq!(r.action, Action::Review, "{}", r.what_to_do);
        assert!(r.what_to_do.contains("2027-01-27"), "{}", r.what_to_do);
        let protest = r
            .deadlines
            .iter()
            .find(|d| d.kind == DeadlineKind::Protest)
            .expect("protest deadline");
        assert_eq!(protest.date, date(2027, 1, 27), "{:?}", r.deadlines);
        // Undated claim: counted from today, as before.
        row.claim_date = None;
        let input = TriageInput {
            entry_data: [(n(1), e)].into_iter().collect(),
            rows: vec![row],
            ..TriageInput::default()
        };
        let r = triage(&input, as_of).entries.remove(0);
        assert!(r.what_to_do.contains("2027-03-13"), "{}", r.what_to_do);
    }

    #[test]
    fn cbp_and_the_data_disagreeing_goes_to_review() {
        let r = refine_on(
            "ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS",
            data(1, Some(50)),
            AS_OF,
        );
        assert_eq!(r.action, Action::Review);
        assert!(r.what_to_do.contains("disagree"), "{}", r.what_to_do);
        let r = refine_on("NO IEEPA HTS ON ENTRY", data(1, None), AS_OF);
        assert_eq!(r.action, Action::Review);
        let r = refine_on(
            "ENTRY SUMMARY IS IN TRADE CONTROL",
            data(1, Some(20)),
            AS_OF,
        );
        assert_eq!(r.action, Action::Review);
    }

    #[test]
    fn trade_control_inside_the_window_names_the_window_first_and_no_protest_meanwhile() {
        // Liquidated 65 days ago: CAPE's window closes in 15 days. A protest filed now would
        // make CAPE refuse the entry (PROTEST ON ENTRY).
        let r = refine_on(
            "ENTRY SUMMARY IS IN TRADE CONTROL",
            data(1, Some(65)),
            AS_OF,
        );
        assert_eq!(r.action, Action::Review, "{}", r.what_to_do);
        let t = r.what_to_do.to_string();
        assert!(!t.contains("meanwhile file a protest"), "{t}");
        assert!(t.contains("Do not file a protest"), "{t}");
        assert!(t.contains("PROTEST ON ENTRY"), "{t}");
        let window = t.find("2026-12-09").expect("the window's date");
        let protest = t
            .find("file a protest (19 USC 1514) by 2027-03-19")
            .expect("the protest date");
        assert!(window < protest, "{t}");
        // Past the window, the protest is the route at once.
        let r = refine_on(
            "ENTRY SUMMARY IS IN TRADE CONTROL",
            data(1, Some(100)),
            AS_OF,
        );
        assert!(
            r.what_to_do.contains("meanwhile file a protest"),
            "{}",
            r.what_to_do
        );
    }

    #[test]
    fn a_refile_on_the_last_days_of_its_window_says_so_with_the_protest_fallback() {
        // Liquidated 80 days ago: the window closes today.
        let r = refine_on("UNABLE TO CALCULATE DUTY", data(1, Some(80)), AS_OF);
        assert_eq!(r.action, Action::Refile);
        let t = r.what_to_do.to_string();
        assert!(t.contains("closing 2026-11-24 (last day)"), "{t}");
        assert!(t.contains("upload the new declaration today"), "{t}");
        assert!(t.contains("CBP must process it by 2026-11-24"), "{t}");
        assert!(
            t.contains("not processed in time, file a protest (19 USC 1514) by 2027-03-04"),
            "{t}"
        );
        assert_eq!(r.urgent, Some(DeadlineKind::CapeWindow));
        // Within the retry's margin (14 days) it says so too; beyond it, not.
        let r = refine_on("UNABLE TO CALCULATE DUTY", data(1, Some(67)), AS_OF);
        assert!(
            r.what_to_do.contains("upload the new declaration today"),
            "{}",
            r.what_to_do
        );
        let r = refine_on("UNABLE TO CALCULATE DUTY", data(1, Some(60)), AS_OF);
        assert!(
            !r.what_to_do.contains("upload the new declaration today"),
            "{}",
            r.what_to_do
        );
        // A retry listed as corrected goes on the refile: the same, not "if it cannot be
        // retried".
        let input = TriageInput {
            entry_data: [(n(1), data(1, Some(79)))].into_iter().collect(),
            rows: vec![claim_row(1, "STATEMENT PROCESSING NOT COMPLETE")],
            corrected: vec![n(1)],
            ..TriageInput::default()
        };
        let rep = triage(&input, AS_OF);
        assert_eq!(rep.refile.entries, vec![n(1)]);
        let row = &rep.entries[0];
        let t = row.what_to_do.to_string();
        assert!(t.contains("(listed as corrected)"), "{t}");
        assert!(t.contains("closing 2026-11-25 (1 day left)"), "{t}");
        assert!(
            t.contains("file a protest (19 USC 1514) by 2027-03-05"),
            "{t}"
        );
        assert!(
            !row.note
                .as_deref()
                .unwrap_or("")
                .contains("if it cannot be retried in time"),
            "{:?}",
            row.note
        );
        assert_eq!(row.urgent, Some(DeadlineKind::CapeWindow));
    }

    #[test]
    fn a_correction_still_to_make_near_the_window_gives_the_window_and_the_protest() {
        // Liquidated 75 days ago: 5 days left to correct and refile.
        let r = refine_on(
            "ENTRY SUMMARY IS CANCELLED/REJECTED",
            data(1, Some(75)),
            AS_OF,
        );
        assert_eq!(r.action, Action::CorrectThenRefile, "{}", r.what_to_do);
        let note = r.note.clone().unwrap_or_default();
        assert!(note.contains("CAPE's window closes 2026-11-29"), "{note}");
        assert!(
            note.contains("file a protest (19 USC 1514) by 2027-03-09"),
            "{note}"
        );
        assert_eq!(r.urgent, Some(DeadlineKind::CapeWindow));
        // Listed as corrected, it goes on the refile: upload today.
        let input = TriageInput {
            entry_data: [(n(1), data(1, Some(75)))].into_iter().collect(),
            rows: vec![claim_row(1, "ENTRY SUMMARY IS CANCELLED/REJECTED")],
            corrected: vec![n(1)],
            ..TriageInput::default()
        };
        let rep = triage(&input, AS_OF);
        assert_eq!(rep.refile.entries, vec![n(1)]);
        assert!(
            rep.entries[0]
                .what_to_do
                .contains("upload the new declaration today"),
            "{}",
            rep.entries[0].what_to_do
        );
    }

    #[test]
    fn no_ieepa_hts_with_data_agreeing_is_not_refundable() {
        // The only Chapter 99 line is Section 301: the path engine finds no dutiable IEEPA line
        // (P002), so the data agrees with CBP's unconfirmed message.
        let mut e = data(1, Some(50));
        e.ieepa_duty_cents = 0;
        e.ieepa_lines = 0;
        e.ieepa_dutiable_lines = 0;
        e.other_chapter_99.section_301_cents = 50_000;
        let r = refine_on("NO IEEPA HTS ON ENTRY", e, AS_OF);
        assert_eq!(r.action, Action::NotRefundable, "{}", r.what_to_do);
        let t = r.what_to_do.to_string();
        assert!(t.contains("unconfirmed"), "{t}");
        assert!(t.contains("agrees"), "{t}");
        assert!(t.contains("P002"), "{t}");
        assert!(t.contains("Section 301"), "{t}");
        assert!(t.contains("ACE"), "{t}");
        assert!(!t.contains("--entries"), "{t}");
        assert!(r.deadlines.is_empty(), "{:?}", r.deadlines);
        // An IEEPA line with duty: the two disagree, review.
        let r = refine_on("NO IEEPA HTS ON ENTRY", data(1, Some(50)), AS_OF);
        assert_eq!(r.action, Action::Review);
        assert!(r.what_to_do.contains("disagree"), "{}", r.what_to_do);
        // Lines the export cannot show (no HTS column): not proof of absence, review.
        let mut unknown = data(1, Some(50));
        unknown.ieepa_duty_cents = 0;
        unknown.ieepa_lines = 0;
        unknown.ieepa_dutiable_lines = 0;
        unknown.absent_columns.insert(Column::Hts);
        let r = refine_on("NO IEEPA HTS ON ENTRY", unknown, AS_OF);
        assert_eq!(r.action, Action::Review, "{}", r.what_to_do);
    }

    #[test]
    fn a_denied_protest_leads_to_the_court_never_a_new_protest() {
        let mut e = data(1, Some(100));
        e.protest_status = Some("Denied".into());
        let r = refine_on("ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS", e, AS_OF);
        assert!(r.what_to_do.contains("1581(a)"), "{}", r.what_to_do);
        assert!(!r.what_to_do.contains("file a protest"), "{}", r.what_to_do);
    }

    #[test]
    fn final_liquidation_against_recent_data_gives_the_safe_protest_date() {
        // If CBP is right, the entry liquidated at least 81 days ago: protest by as-of + 99.
        let r = refine_on(
            "ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS",
            data(1, Some(50)),
            AS_OF,
        );
        assert!(r.what_to_do.contains("2027-03-03"), "{}", r.what_to_do);
        // The row's protest deadline is that safer date too, not the data's (liquidation + 180):
        // the worklist sorts and alarms by what its advice says.
        let protest = r
            .deadlines
            .iter()
            .find(|d| d.kind == DeadlineKind::Protest)
            .expect("a protest deadline");
        assert_eq!(protest.date, date(2027, 3, 3));
        assert!(
            protest
                .basis
                .to_string()
                .contains("FINAL LIQUIDATION message"),
            "{}",
            protest.basis
        );
    }

    #[test]
    fn an_unliquidated_entry_without_a_psc_keeps_the_protest_route() {
        let mut e = data(1, None);
        e.entry_type = Some("06".into());
        e.entry_date = Some(date(2026, 2, 20));
        e.liquidation_status = Some("Unliquidated".into());
        let r = refine_on("INVALID HTS", e, AS_OF);
        assert_eq!(r.action, Action::Review);
        assert!(r.what_to_do.contains("F883"), "{}", r.what_to_do);
        assert!(
            r.what_to_do.contains("once it liquidates"),
            "{}",
            r.what_to_do
        );
        assert!(r.deadlines.iter().all(|d| d.kind != DeadlineKind::Psc));
    }

    #[test]
    fn a_protest_is_kept_with_fewer_than_five_business_days_left() {
        // As of Monday 2026-11-23, liquidated 77 days before: the window closes Thursday
        // 2026-11-26 (Thanksgiving), three business days away.
        let as_of = date(2026, 11, 23);
        let mut e = data(1, None);
        e.liquidation_status = Some("Liquidated".into());
        e.liquidation_date = Some(date(2026, 9, 7));
        let r = refine_on("PROTEST ON ENTRY", e, as_of);
        assert_eq!(r.action, Action::OtherPath, "{}", r.what_to_do);
        assert!(
            r.what_to_do.contains("Keep the protest"),
            "{}",
            r.what_to_do
        );
    }

    #[test]
    fn warehouse_entries_declare_their_withdrawals() {
        let mut e = data(1, None);
        e.entry_type = Some("21".into());
        let r = refine_on("ENTRY TYPE NOT ALLOWED", e, AS_OF);
        assert_eq!(r.action, Action::OtherPath);
        assert!(r.what_to_do.contains("withdrawals"), "{}", r.what_to_do);
        let r = refine_on("ENTRY TYPE NOT ALLOWED", data(1, None), AS_OF);
        assert_eq!(r.action, Action::Review);
    }

    #[test]
    fn without_data_psc_advice_names_the_date_that_decides() {
        let before = report(&[(1, "INVALID HTS")], HashMap::new())
            .entries
            .remove(0);
        assert_eq!(before.action, Action::CorrectThenRefile);
        assert!(before.note.as_deref().unwrap_or("").contains("--entries"));
        let input = TriageInput {
            rows: vec![claim_row(1, "INVALID HTS")],
            ..TriageInput::default()
        };
        let after = triage(&input, crate::psc::PSC_CLOSED_FOR_ALL_IEEPA)
            .entries
            .remove(0);
        assert_eq!(after.action, Action::Review);
        assert!(
            after.what_to_do.contains("every IEEPA entry"),
            "{}",
            after.what_to_do
        );
    }

    #[test]
    fn urgent_rows_sort_first() {
        let input = TriageInput {
            entry_data: [(n(1), data(1, Some(30))), (n(2), data(2, Some(75)))]
                .into_iter()
                .collect(),
            rows: [1, 2]
                .into_iter()
                .map(|tx| ClaimRow {
                    line: u64::from(tx) + 1,
                    ..claim_row(tx, "UNABLE TO CALCULATE DUTY")
                })
                .collect(),
            ..TriageInput::default()
        };
        let r = triage(&input, AS_OF);
        assert_eq!(r.entries[0].entry_number, n(2));
        assert_eq!(r.entries[0].urgent, Some(DeadlineKind::CapeWindow));
        assert_eq!(r.entries[1].urgent, None);
    }

    #[test]
    fn missing_liquidation_column_is_named() {
        let mut e = data(1, None);
        e.absent_columns.insert(Column::LiquidationDate);
        let r = refined("ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS", e);
        assert!(
            r.note.as_deref().unwrap_or("").contains("Liquidation Date"),
            "{:?}",
            r.note
        );
    }

    #[test]
    fn rows_without_data_are_counted_not_changed() {
        let mut other = EntryData::new(n(2), 2);
        other.ieepa_duty_cents = 1;
        let r = report(
            &[(1, "PROTEST ON ENTRY")],
            [(n(2), other)].into_iter().collect(),
        );
        assert_eq!(r.refined.map(|s| s.without_data), Some(1));
        assert_eq!(r.entries[0].action, Action::OtherPath);
    }

    #[test]
    fn a_withdrawn_protest_listed_as_corrected_is_refiled() {
        let input = TriageInput {
            rows: vec![claim_row(1, "PROTEST ON ENTRY")],
            corrected: vec![n(1)],
            entry_data: [(n(1), data(1, Some(30)))].into_iter().collect(),
            ..TriageInput::default()
        };
        let r = triage(&input, AS_OF);
        assert_eq!(r.refile.entries, vec![n(1)]);
        // Without entry data the same list leaves it out: a protest is another path.
        let r = triage(
            &TriageInput {
                entry_data: HashMap::new(),
                ..input
            },
            AS_OF,
        );
        assert!(r.refile.entries.is_empty());
    }

    /// The day of the tester's triages (cases 10, 13 and 16).
    const DEC_4: Date = date(2026, 12, 4);

    /// One entry of $100 IEEPA duty entered on `entered`, with its liquidation as ES-003 gives it.
    fn entry_on(entered: Date, status: &str, liquidated: Option<Date>) -> EntryData {
        let mut e = data(1, None);
        e.entry_date = Some(entered);
        e.liquidation_status = Some(status.into());
        e.liquidation_date = liquidated;
        e
    }

    fn kinds(r: &EntryResult) -> Vec<(DeadlineKind, Date)> {
        r.deadlines.iter().map(|d| (d.kind, d.date)).collect()
    }

    #[test]
    fn an_open_protest_in_the_data_is_followed_whatever_the_message() {
        // Case 10, XK737000207: UNABLE TO CALCULATE DUTY, liquidated 2026-08-20, protest
        // 270426100301 `Open`. The protest carries the claim: never "file a protest".
        let mut e = entry_on(date(2025, 11, 1), "Liquidated", Some(date(2026, 8, 20)));
        e.protest_number = Some("270426100301".into());
        e.protest_status = Some("Open".into());
        let r = refine_on("UNABLE TO CALCULATE DUTY", e.clone(), DEC_4);
        assert_eq!(r.action, Action::OtherPath, "{r:?}");
        assert!(
            r.what_to_do.contains("Follow the protest")
                && r.what_to_do.contains("270426100301")
                && r.what_to_do.contains("No new protest")
                && !r.what_to_do.contains("file a protest"),
            "{}",
            r.what_to_do
        );
        assert!(
            r.deadlines.iter().all(|d| d.kind != DeadlineKind::Protest),
            "{:?}",
            r.deadlines
        );
        assert!(
            r.deadlines
                .iter()
                .any(|d| d.kind == DeadlineKind::Court1581i),
            "{:?}",
            r.deadlines
        );
        // Inside CAPE's window the message would have CAPE take an entry it refuses under an
        // open protest (PROTEST ON ENTRY): the two disagree, a person looks.
        e.liquidation_date = Some(date(2026, 10, 20));
        let r = refine_on("UNABLE TO CALCULATE DUTY", e, DEC_4);
        assert_eq!(r.action, Action::Review, "{r:?}");
        assert!(
            r.what_to_do.contains("the two disagree") && r.what_to_do.contains("withdraw it"),
            "{}",
            r.what_to_do
        );
    }

    #[test]
    fn an_approved_protest_is_review_as_the_plan_says() {
        // Case 13, XK740000111: PROTEST ON ENTRY, protest `Approved` on 2026-09-01.
        let mut e = entry_on(date(2025, 11, 1), "Liquidated", Some(date(2026, 8, 1)));
        e.protest_number = Some("270426100403".into());
        e.protest_status = Some("Approved".into());
        e.protest_decision_date = Some(date(2026, 9, 1));
        let d = decide(&e, DEC_4);
        assert_eq!(d.reasons[0], crate::path::PROTEST_APPROVED.code);
        let r = refine_on("PROTEST ON ENTRY", e, DEC_4);
        assert_eq!(r.action, Action::Review, "{r:?}");
        assert!(
            r.what_to_do.contains("P024") && r.what_to_do.contains("refunded"),
            "{}",
            r.what_to_do
        );
        assert!(
            !kinds(&r).iter().any(|(k, _)| *k == DeadlineKind::Protest),
            "{:?}",
            r.deadlines
        );
    }

    #[test]
    fn a_wrong_filer_row_carries_every_deadline_and_names_the_right_filer() {
        // Case 10, XK737000025: ACCOUNT MISMATCH, liquidated 2026-09-20.
        let e = entry_on(date(2025, 12, 10), "Liquidated", Some(date(2026, 9, 20)));
        let r = refine_on("ACCOUNT MISMATCH", e, DEC_4);
        assert_eq!(r.action, Action::WrongFiler, "{r:?}");
        let k = kinds(&r);
        assert!(
            k.contains(&(DeadlineKind::CapeWindow, date(2026, 12, 9)))
                && k.contains(&(DeadlineKind::Protest, date(2027, 3, 19)))
                && k.iter().any(|(k, _)| *k == DeadlineKind::Court1581i),
            "{k:?}"
        );
        assert!(
            r.what_to_do.contains("importer of record")
                && r.what_to_do
                    .contains("before CAPE's 80-day window closes 2026-12-09"),
            "{}",
            r.what_to_do
        );
    }

    #[test]
    fn an_extended_date_already_past_is_stale_with_both_readings() {
        // Case 13, XK740000095: `Extended`, liquidation date 2026-10-01, entered 2025-03-01.
        let e = entry_on(date(2025, 3, 1), "Extended", Some(date(2026, 10, 1)));
        let d = decide(&e, DEC_4);
        assert_eq!(
            (d.path, d.reasons[0]),
            (EntryPath::Review, crate::path::UNLIQUIDATED_STALE.code)
        );
        let r = refine_on("UNABLE TO CALCULATE DUTY", e, DEC_4);
        assert_eq!(r.action, Action::Review, "{r:?}");
        let k = kinds(&r);
        assert_eq!(
            k.first(),
            Some(&(DeadlineKind::CapeWindow, date(2026, 12, 20))),
            "{k:?}"
        );
        assert!(
            k.contains(&(DeadlineKind::Protest, date(2027, 3, 30))),
            "{k:?}"
        );
        assert!(
            r.what_to_do.contains("`Extended`") && r.what_to_do.contains("unliquidated"),
            "{}",
            r.what_to_do
        );
    }

    #[test]
    fn a_liquidated_entry_without_a_readable_date_is_urgent_first_and_has_no_psc() {
        // Case 10 #6 and case 16 #1: `Liquidated`, the date empty or unreadable.
        let mut e = entry_on(date(2025, 12, 10), "Liquidated", None);
        e.unreadable_columns.insert(Column::LiquidationDate);
        let r = refine_on("UNABLE TO CALCULATE DUTY", e, DEC_4);
        assert_eq!(r.urgent, Some(DeadlineKind::Protest), "{r:?}");
        assert!(r.undated_urgency());
        assert_eq!(
            r.next_deadline().as_deref(),
            Some(crate::path::UNDATED_PROTEST)
        );
        let all = format!("{} {}", r.what_to_do, r.note.as_deref().unwrap_or(""));
        assert!(!all.contains("PSC"), "{all}");
        // Before a row urgent by a date, as the plan sorts them.
        let mut undated = data(1, Some(100));
        undated.liquidation_date = None;
        let rep = report(
            &[
                (2, "UNABLE TO CALCULATE DUTY"),
                (1, "UNABLE TO CALCULATE DUTY"),
            ],
            [(n(1), undated), (n(2), data(2, Some(75)))]
                .into_iter()
                .collect(),
        );
        assert!(rep.entries[1].urgent.is_some(), "{:?}", rep.entries[1]);
        assert_eq!(
            rep.entries
                .iter()
                .map(|r| r.entry_number)
                .collect::<Vec<_>>(),
            [n(1), n(2)]
        );
    }
}
