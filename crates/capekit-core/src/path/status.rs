//! What the data says of an entry's state, read as ACE and brokers write it: yes/no flags,
//! protest states and outcomes, liquidation, and the deadlines they start.

use super::*;

/// Lower-case letters and digits only: how free-text statuses are compared.
pub fn squash(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A yes/no flag as ACE and broker exports write it, read tolerantly (case, spaces and
/// punctuation aside):
///
/// - no: blank or a dash, `N`, `No`, `0`, `000`, `False`, `N/A`, `NA`, `None`, `Not Applicable`,
///   `Not Flagged`, `No Drawback`, `No Recon`, `No Reconciliation`, `No AD/CVD`...;
/// - yes: `Y`, `Yes`, `1`, `True`, `X`, `Flagged`, an issue code such as `001`, or a claim or
///   case number such as `DBK-2026-0001` or `A-570-967`;
/// - anything else is `None`: capekit cannot tell, and the reader says so (rule R015) and sends
///   the entry to review, never reading it silently as yes or no.
pub fn flag_value(raw: &str) -> Option<bool> {
    let s = squash(raw);
    if s.is_empty() {
        // Blank, or only dashes: nothing flagged. Other punctuation alone (`?`) says nothing.
        let t = raw.trim();
        return t
            .chars()
            .all(|c| c == '-' || c == '\u{2013}' || c == '\u{2014}' || c.is_whitespace())
            .then_some(false);
    }
    if is_flag_no(&s) {
        return Some(false);
    }
    if matches!(
        s.as_str(),
        "y" | "yes" | "true" | "t" | "x" | "flagged" | "flag" | "checked"
    ) {
        return Some(true);
    }
    // An issue code (`001`) or a claim or case number (`DBK-2026-0001`, `A-570-967`): digits,
    // not all zero, behind at most a short prefix of letters.
    let letters = s.bytes().filter(u8::is_ascii_alphabetic).count();
    let leading = s.bytes().take_while(u8::is_ascii_alphabetic).count();
    if s.bytes().any(|b| (b'1'..=b'9').contains(&b)) && letters <= 4 && letters == leading {
        return Some(true);
    }
    None
}

/// Is the squashed flag a "no"?
fn is_flag_no(s: &str) -> bool {
    const WORDS: [&str; 10] = [
        "n",
        "no",
        "false",
        "f",
        "none",
        "na",
        "nil",
        "notapplicable",
        "nonapplicable",
        "off",
    ];
    // What a "no" or "not" may stand before: `No Drawback`, `Not Flagged`, `No Recon Flag`.
    const AFTER_NO: [&str; 20] = [
        "applicable",
        "flagged",
        "flag",
        "flags",
        "drawback",
        "drawbackclaim",
        "dbk",
        "recon",
        "reconflag",
        "reconciliation",
        "reconciliationflag",
        "reconciled",
        "adcvd",
        "addcvd",
        "adcvdcase",
        "adcvdorder",
        "case",
        "claim",
        "subject",
        "subjecttoadcvd",
    ];
    if WORDS.contains(&s) || s.bytes().all(|b| b == b'0') {
        return true;
    }
    ["not", "no", "non"]
        .iter()
        .filter_map(|p| s.strip_prefix(p))
        .any(|rest| AFTER_NO.contains(&rest))
}

/// What a liquidation status says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LiqStatus {
    Liquidated,
    Unliquidated,
    Unrecognized,
}

pub(crate) fn liquidation_status(raw: &str) -> Option<LiqStatus> {
    let s = squash(raw);
    if s.is_empty() {
        return None;
    }
    // Extended, suspended, under-review and warehouse entries are not liquidated yet (CAPE takes
    // them; their refund waits for liquidation). These words are checked before "liq", which
    // both "Liquidated" and "Liquidation Extended" contain.
    const NOT_YET: [&str; 10] = [
        "unliq",
        "notliq",
        "open",
        "pending",
        "extend",
        "suspend",
        "review",
        "warehouse",
        "scheduled",
        "deferred",
    ];
    if NOT_YET.iter().any(|w| s.contains(w)) || matches!(s.as_str(), "u" | "n" | "no") {
        return Some(LiqStatus::Unliquidated);
    }
    if s.contains("liq") || matches!(s.as_str(), "l" | "y" | "yes" | "final" | "closed") {
        return Some(LiqStatus::Liquidated);
    }
    Some(LiqStatus::Unrecognized)
}

/// What a protest status says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ProtestState {
    Open,
    Closed,
    Unrecognized,
}

pub(super) fn protest_state(raw: &str) -> Option<ProtestState> {
    let s = squash(raw);
    if s.is_empty() {
        return None;
    }
    const CLOSED: [&str; 11] = [
        "denied",
        "deny",
        "approved",
        "allowed",
        "granted",
        "closed",
        "rejected",
        "withdrawn",
        "decided",
        "complete",
        "void",
    ];
    const OPEN: [&str; 9] = [
        "open", "suspend", "pending", "filed", "received", "review", "active", "progress",
        "accepted",
    ];
    if CLOSED.iter().any(|w| s.contains(w)) {
        Some(ProtestState::Closed)
    } else if OPEN.iter().any(|w| s.contains(w)) {
        Some(ProtestState::Open)
    } else {
        Some(ProtestState::Unrecognized)
    }
}

/// How a closed protest ended, as far as its status tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ProtestOutcome {
    /// Denied (in whole): the 1581(a) clock runs.
    Denied,
    /// Approved, allowed or granted, in whole or in part (so also denied in part): the duty
    /// may be refunded already.
    Approved,
    /// Withdrawn or void: as if no protest had been filed.
    Withdrawn,
    /// Closed, decided or complete, the outcome not stated.
    Unstated,
}

pub(super) fn protest_outcome(e: &EntryData) -> Option<ProtestOutcome> {
    let raw = e.protest_status.as_deref().unwrap_or("");
    if protest_state(raw) != Some(ProtestState::Closed) {
        return None;
    }
    let s = squash(raw);
    Some(
        if ["approved", "allowed", "granted", "part"]
            .iter()
            .any(|w| s.contains(w))
        {
            ProtestOutcome::Approved
        } else if ["denied", "deny", "rejected"].iter().any(|w| s.contains(w)) {
            ProtestOutcome::Denied
        } else if ["withdrawn", "void"].iter().any(|w| s.contains(w)) {
            ProtestOutcome::Withdrawn
        } else {
            ProtestOutcome::Unstated
        },
    )
}

/// What the file says about liquidation, read safely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Liquidation {
    /// Not liquidated; `scheduled` is the scheduled liquidation date when the file gives one.
    Unliquidated { scheduled: Option<Date> },
    /// Liquidated on this date.
    Liquidated(Date),
    /// The status says unliquidated but the dates say the entry may be liquidated (a past
    /// liquidation date, or deemed liquidation a year after entry, 19 USC 1504(a)): the
    /// deadlines are counted from `on`, the earlier reading; `why` says which; `deemed` when
    /// `on` is the liquidation by operation of law (19 USC 1504(a)), a reading of the dates.
    Stale { on: Date, why: String, deemed: bool },
    /// Cannot be told: the rule to apply and the sentence naming the deciding column.
    Unknown { rule: &'static str, note: String },
}

pub(super) fn liquidation(e: &EntryData, as_of: Date, notes: &mut Vec<String>) -> Liquidation {
    let status_raw = e.liquidation_status.as_deref().unwrap_or("");
    let status = liquidation_status(status_raw);
    let date_unreadable = e.unreadable_columns.contains(Column::LiquidationDate);
    let date_absent = e.absent_columns.contains(Column::LiquidationDate);
    let status_absent = e.absent_columns.contains(Column::LiquidationStatus);
    let why_no_date = if date_unreadable {
        "is unreadable"
    } else if date_absent {
        "is not in the file"
    } else {
        "is empty"
    };
    match (status, e.liquidation_date) {
        (Some(LiqStatus::Liquidated), Some(d)) if d > as_of => Liquidation::Unknown {
            rule: LIQUIDATED_IN_FUTURE.code,
            note: future_liquidation_note(status_raw, d, as_of),
        },
        (Some(LiqStatus::Liquidated), Some(d)) => Liquidation::Liquidated(d),
        (Some(LiqStatus::Liquidated), None) => Liquidation::Unknown {
            rule: LIQUIDATION_UNCLEAR.code,
            note: format!(
                "the liquidation status is `{status_raw}` but the `Liquidation Date` {why_no_date}: the CAPE, protest and court deadlines all count from it - look it up in ACE and add it"
            ),
        },
        (Some(LiqStatus::Unliquidated), scheduled) => match stale(e, status_raw, scheduled, as_of, notes) {
            Some((on, why, deemed)) => Liquidation::Stale { on, why, deemed },
            None => Liquidation::Unliquidated { scheduled },
        },
        (Some(LiqStatus::Unrecognized), Some(d)) => {
            notes.push(format!(
                "the liquidation status `{status_raw}` is not one capekit knows; the entry is judged by its `Liquidation Date` {d} - check the status in ACE"
            ));
            liquidation_by_date(d, as_of, notes)
        }
        (Some(LiqStatus::Unrecognized), None) => Liquidation::Unknown {
            rule: LIQUIDATION_UNCLEAR.code,
            note: format!(
                "the liquidation status `{status_raw}` is not one capekit knows and the `Liquidation Date` {why_no_date}: look the entry up in ACE"
            ),
        },
        (None, Some(d)) => liquidation_by_date(d, as_of, notes),
        (None, None) if date_unreadable => Liquidation::Unknown {
            rule: LIQUIDATION_UNCLEAR.code,
            note: "the `Liquidation Date` is unreadable and no liquidation status says whether the entry is liquidated: correct the date (see the reader's findings) and run again".to_owned(),
        },
        (None, None) if date_absent && status_absent => Liquidation::Unknown {
            rule: LIQUIDATION_ABSENT.code,
            note: "the file has neither `Liquidation Status` nor `Liquidation Date`: which of CAPE, protest or court is open depends on them - export ES-003 with these columns and run again".to_owned(),
        },
        (None, None) if date_absent => Liquidation::Unknown {
            rule: LIQUIDATION_ABSENT.code,
            note: "the `Liquidation Status` is blank and the file has no `Liquidation Date` column: export ES-003 with `Liquidation Date` and run again".to_owned(),
        },
        (None, None) => {
            // ACE leaves the liquidation date of an unliquidated entry empty.
            notes.push(
                "no liquidation date in the file: read as unliquidated".to_owned(),
            );
            Liquidation::Unliquidated { scheduled: None }
        }
    }
}

/// Readings of a "Liquidated" status beside a future date, with the deadlines of each.
pub(super) fn future_liquidation_note(status_raw: &str, d: Date, as_of: Date) -> String {
    let plus = |n| add_days(d, n).map_or_else(String::new, |x: Date| x.to_string());
    format!(
        "the liquidation status is `{status_raw}` but the `Liquidation Date` {d} is after {as_of}: read as a scheduled liquidation, the entry is unliquidated and CAPE takes it now; read as a liquidation on {d}, the CAPE window closes {} and the protest is due {} - check the entry in ACE",
        plus(CAPE_WINDOW_DAYS),
        plus(PROTEST_DAYS)
    )
}

/// An "Unliquidated" status that the dates contradict: the earlier day the entry may have
/// liquidated on, and why. A past liquidation date is a liquidation that happened; an entry a
/// year past its entry date, neither extended nor suspended, is deemed liquidated (19 USC
/// 1504(a)). An "Extended" status whose extended date has passed is stale too (not deemed:
/// 1504(a) excepts extensions). Warehouse entries are left out: their liquidation runs from withdrawal. An AD/CVD
/// entry is never deemed liquidated from its entry date: its liquidation is suspended by law
/// until Commerce's instructions (19 USC 1504(b)), and the six months of 1504(d) run from a
/// notice the file does not show.
pub(super) fn stale(
    e: &EntryData,
    status_raw: &str,
    scheduled: Option<Date>,
    as_of: Date,
    notes: &mut Vec<String>,
) -> Option<(Date, String, bool)> {
    let s = squash(status_raw);
    if s.contains("warehouse") || normalized_type(e).is_some_and(|t| WAREHOUSE_TYPES.contains(&t)) {
        return None;
    }
    let past = scheduled.filter(|d| *d < as_of);
    // An extended liquidation is not deemed liquidated a year after entry (19 USC 1504(a)
    // excepts it), but an extended date that has passed is stale all the same: the entry
    // liquidated on it, or was extended again, and the file cannot tell which. A suspension
    // has no date of its own to pass.
    if s.contains("suspend") {
        return None;
    }
    if s.contains("extend") {
        let p = past?;
        return Some((
            p,
            format!(
                "the liquidation status is `{status_raw}` but the extended `Liquidation Date` {p} has passed: the entry liquidated on it, or its liquidation was extended again, which the file cannot show"
            ),
            false,
        ));
    }
    let year_on = e
        .entry_date
        .and_then(|d| {
            d.checked_add(jiff::Span::new().years(DEEMED_LIQUIDATION_YEARS))
                .ok()
        })
        .filter(|d| *d < as_of);
    let deemed = match (year_on, adcvd_marked(e)) {
        (Some(_), Some(raw)) => {
            notes.push(format!(
                "AD/CVD `{raw}`: liquidation is suspended under the AD/CVD order (19 USC 1504(b)), so the entry is not liquidated by operation of law a year after entry, and no protest period runs until CBP liquidates it after Commerce's instructions"
            ));
            None
        }
        (deemed, _) => deemed,
    };
    let on = match (past, deemed) {
        (Some(p), Some(d)) => p.min(d),
        (Some(p), None) => p,
        (None, Some(d)) => d,
        (None, None) => return None,
    };
    let mut why = Vec::new();
    if let Some(p) = past {
        why.push(format!("the `Liquidation Date` {p} has passed"));
    }
    if let (Some(d), Some(entered)) = (deemed, e.entry_date) {
        why.push(format!(
            "the entry of {entered} is more than a year old with no extension or suspension shown, and an entry not liquidated within one year of entry, unless extended or suspended, is liquidated by operation of law on {d} (19 USC 1504(a)) - a reading of the dates, which ACE may contradict"
        ));
    }
    Some((
        on,
        format!(
            "the liquidation status is `{status_raw}` but {}",
            why.join(", and ")
        ),
        deemed == Some(on),
    ))
}

/// A date with no status: a date on or before `as_of` can only be a liquidation that happened;
/// a later one can only be the scheduled liquidation.
pub(super) fn liquidation_by_date(d: Date, as_of: Date, notes: &mut Vec<String>) -> Liquidation {
    if d <= as_of {
        Liquidation::Liquidated(d)
    } else {
        notes.push(format!(
            "the `Liquidation Date` {d} is after {as_of}: read as the scheduled liquidation of an unliquidated entry"
        ));
        Liquidation::Unliquidated { scheduled: Some(d) }
    }
}

/// The PSC of an extended entry, under both readings of who asked for the extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ExtendedPsc {
    /// The extended liquidation date, when the file gives it.
    pub(super) extended_to: Option<Date>,
    /// Read as extended by CBP: the 300 days from entry, and 15 days before the scheduled
    /// liquidation (ACE's usual schedule when the file gives no date) - CBP's extension does
    /// not reopen them.
    pub(super) by_entry: Option<Deadline>,
    /// Read as extended at the importer's request: 15 days before the extended date.
    pub(super) by_extension: Option<Deadline>,
}

/// The PSC's last day: 300 days from entry and no later than 15 days before the liquidation
/// (`liquidation_day`; without one, ACE's usual schedule, entry + 314 days).
pub(super) fn ordinary_psc(
    e: &EntryData,
    liquidation_day: Option<Date>,
    as_of: Date,
) -> Option<Deadline> {
    let entry = e.entry_date?;
    let by_entry = add_days(entry, PSC_DAYS_FROM_ENTRY)?;
    let (liquidation_day, basis_of) = match liquidation_day {
        Some(l) => (l, Basis::ScheduledLiquidation as fn(Date) -> Basis),
        None => (
            add_days(entry, USUAL_LIQUIDATION_DAYS)?,
            Basis::UsualSchedule as fn(Date) -> Basis,
        ),
    };
    let before_liq = add_days(liquidation_day, -PSC_DAYS_BEFORE_LIQUIDATION)?;
    Some(if before_liq < by_entry {
        Deadline::new(
            DeadlineKind::Psc,
            before_liq,
            as_of,
            basis_of(liquidation_day),
        )
    } else {
        Deadline::new(DeadlineKind::Psc, by_entry, as_of, Basis::Entry(entry))
    })
}

/// Is the entry's liquidation extended, as its status says?
pub(super) fn is_extended(e: &EntryData) -> bool {
    e.liquidation_status
        .as_deref()
        .is_some_and(|s| squash(s).contains("extend"))
}

/// The PSC of an unliquidated entry whose liquidation is extended: a PSC may be filed until
/// 15 days before the extended date only if the importer asked for the extension; CBP's own
/// extensions do not reopen the 300 days from entry. ES-003 does not show who asked.
pub(super) fn extended_psc(e: &EntryData, liq: &Liquidation, as_of: Date) -> Option<ExtendedPsc> {
    let Liquidation::Unliquidated { scheduled } = liq else {
        return None;
    };
    if !is_extended(e) {
        return None;
    }
    let by_entry = ordinary_psc(e, *scheduled, as_of);
    let by_extension = scheduled.and_then(|x| {
        add_days(x, -PSC_DAYS_BEFORE_LIQUIDATION)
            .map(|d| Deadline::new(DeadlineKind::Psc, d, as_of, Basis::ExtendedLiquidation(x)))
    });
    Some(ExtendedPsc {
        extended_to: *scheduled,
        by_entry,
        by_extension,
    })
}

impl ExtendedPsc {
    /// The PSC date to show: the earlier reading while both are open (it holds either way);
    /// once the 300 days from entry are out, the importer-request reading while it is open
    /// (a person must find out who asked); else the 300 days. `None` when the extended date
    /// is not in the file and the 300 days are out: the date of the one reading left is
    /// unknown.
    pub(super) fn shown(&self) -> Option<Deadline> {
        match (self.by_entry, self.by_extension) {
            (Some(a), Some(b)) if !a.passed() => Some(if b.date < a.date { b } else { a }),
            (Some(a), None) if !a.passed() => Some(a),
            (_, Some(b)) if !b.passed() => Some(b),
            (Some(_), None) => None,
            (a, b) => a.or(b),
        }
    }
}

pub(super) fn deadlines(e: &EntryData, liq: &Liquidation, as_of: Date) -> Deadlines {
    let liquidated = match liq {
        Liquidation::Liquidated(d) | Liquidation::Stale { on: d, .. } => Some(*d),
        _ => None,
    };
    let liquidation_basis: fn(Date) -> Basis = match liq {
        Liquidation::Stale { deemed: true, .. } => Basis::DeemedLiquidation,
        _ => Basis::Liquidation,
    };
    let scheduled = match liq {
        Liquidation::Unliquidated { scheduled } => *scheduled,
        // "Liquidated" beside a future date: read as the scheduled liquidation, its date
        // dates the PSC (the liquidated reading has none).
        Liquidation::Unknown { rule, .. } if *rule == LIQUIDATED_IN_FUTURE.code => {
            e.liquidation_date
        }
        _ => None,
    };
    let liquidation_day = liquidated.or(scheduled);
    let psc = match extended_psc(e, liq, as_of) {
        Some(x) => x.shown(),
        None => ordinary_psc(e, liquidation_day, as_of),
    };
    // Without a readable HTS column the heading, so the order, is unknown: the first order of
    // IEEPA duty is then the earliest reading, not the deposit.
    let (court_due, court_readings) = if e.ieepa_orders.is_empty() && e.unknown(Column::Hts) {
        crate::deadline::court_1581i_heading_unknown(
            e.entry_summary_date,
            e.entry_date,
            liquidated,
            as_of,
        )
    } else {
        court_1581i(
            e.ieepa_orders,
            e.entry_summary_date,
            e.entry_date,
            liquidated,
            as_of,
        )
    };
    let from_liquidation = |kind, days| {
        liquidated.and_then(|l| {
            add_days(l, days).map(|d| Deadline::new(kind, d, as_of, liquidation_basis(l)))
        })
    };
    Deadlines {
        cape_window_closes: from_liquidation(DeadlineKind::CapeWindow, CAPE_WINDOW_DAYS),
        psc_due: psc,
        protest_due: from_liquidation(DeadlineKind::Protest, PROTEST_DAYS),
        court_due,
        court_readings,
        court_1581a_due: e
            .protest_decision_date
            .filter(|_| protest_outcome(e) == Some(ProtestOutcome::Denied))
            .and_then(|d| crate::deadline::court_1581a(d, as_of)),
    }
}

/// The AD/CVD column's value when it marks the entry as subject to an AD/CVD order (suspended,
/// pending liquidation, or a bare flag or case number).
pub(super) fn adcvd_marked(e: &EntryData) -> Option<&str> {
    let raw = e.adcvd.as_deref()?;
    let s = squash(raw);
    (s.contains("susp")
        || s.contains("pend")
        || s.contains("instruct")
        || flag_value(raw) == Some(true))
    .then_some(raw)
}

pub(super) fn normalized_type(e: &EntryData) -> Option<&str> {
    e.entry_type
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod flag_tests {
    use super::flag_value;

    #[test]
    fn negatives_are_read_as_no() {
        for no in [
            "",
            " ",
            "-",
            "N",
            "no",
            "0",
            "000",
            "FALSE",
            "N/A",
            "n/a",
            "NA",
            "None",
            "NOT APPLICABLE",
            "Not Applicable",
            "Not Flagged",
            "NO DRAWBACK",
            "No Drawback",
            "No Recon",
            "No Reconciliation",
            "no-recon flag",
            "No AD/CVD",
            "n.a.",
        ] {
            assert_eq!(flag_value(no), Some(false), "{no:?}");
        }
    }

    #[test]
    fn positives_and_claim_or_case_numbers_are_read_as_yes() {
        for yes in [
            "Y",
            "yes",
            "1",
            "TRUE",
            "x",
            "Flagged",
            "001",
            "DBK123",
            "DBK-2026-0001",
            "A-570-967",
            "C-570-968",
        ] {
            assert_eq!(flag_value(yes), Some(true), "{yes:?}");
        }
    }

    #[test]
    fn anything_else_is_unknown() {
        for unknown in ["?", "Maybe", "See notes", "Pending review", "Claim 12345"] {
            assert_eq!(flag_value(unknown), None, "{unknown:?}");
        }
    }
}
