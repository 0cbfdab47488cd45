//! The steps of [`super::decide_with`], in precedence order: each rule that fires sets the path or
//! adds its code and notes to the decision.

use super::*;

/// Runs the rules in precedence order; returns the path and the deciding rule. Rules that only
/// add to the decision push their code and notes into `d`.
///
/// An "Unliquidated" status the dates contradict (P027) is read as liquidated for the
/// deadlines whatever rule decides: that reading is then said, beside the data's own
/// (unliquidated) with its dates, and where the two lead to different routes (a later phase
/// to wait for, or a suit now that the protest period has passed) the entry goes to review.
pub(super) fn choose(
    e: &EntryData,
    as_of: Date,
    liq: &Liquidation,
    ctx: &PathContext,
    d: &mut Decision,
) -> (EntryPath, &'static str) {
    let (path, rule) = choose_path(e, as_of, liq, ctx, d);
    let Liquidation::Stale { on, why, deemed } = liq else {
        return (path, rule);
    };
    if rule == UNLIQUIDATED_STALE.code || matches!(path, EntryPath::Done | EntryPath::NotRefundable)
    {
        return (path, rule);
    }
    d.notes
        .push(stale_note(e, as_of, *on, why, *deemed, d, path));
    if path == EntryPath::LaterPhase && d.deadlines.protest_due.is_some_and(Deadline::passed) {
        // Read as liquidated, the protest period has passed and only a suit remains; read as
        // unliquidated, it waits for a later phase: a person must choose. (While the protest
        // is open both readings wait, the protest date kept in view.)
        d.reasons.insert(0, rule);
        return (EntryPath::Review, UNLIQUIDATED_STALE.code);
    }
    d.reasons.push(UNLIQUIDATED_STALE.code);
    (path, rule)
}

/// The two readings of a stale "Unliquidated" status, each with its dates.
pub(super) fn stale_note(
    e: &EntryData,
    as_of: Date,
    on: Date,
    why: &str,
    deemed: bool,
    d: &Decision,
    path: EntryPath,
) -> String {
    let reading = if deemed {
        format!("read as liquidated by operation of law on {on} (19 USC 1504(a))")
    } else {
        format!("read as liquidated on {on}")
    };
    let unliquidated = match path {
        EntryPath::LaterPhase => {
            "it waits for a later phase and no protest is possible before it liquidates"
        }
        EntryPath::Review | EntryPath::Protest | EntryPath::Court => {
            "no protest period runs before it liquidates"
        }
        _ => "CAPE takes it now",
    };
    format!(
        "{why}: this plan counts the deadlines from that reading - {reading}, the deadlines are {}; read as the status says, unliquidated, {unliquidated}{} - check the entry in ACE",
        stale_deadlines(d),
        unliquidated_psc(e, as_of)
            .map(|p| format!(", and {p}"))
            .unwrap_or_default()
    )
}

/// The PSC of the unliquidated reading of a stale status: the 300 days from entry, as a
/// clause (`the PSC window (300 days from entry) closed on 2026-11-01`), or `None` without an
/// entry date.
pub(super) fn unliquidated_psc(e: &EntryData, as_of: Date) -> Option<String> {
    let p = e
        .entry_date
        .and_then(|entry| add_days(entry, PSC_DAYS_FROM_ENTRY))?;
    Some(if p < as_of {
        format!("the PSC window (300 days from entry) closed on {p}")
    } else {
        format!("a PSC is possible until {p} (300 days from entry)")
    })
}

/// [`choose`] before the stale reading is said.
fn choose_path(
    e: &EntryData,
    as_of: Date,
    liq: &Liquidation,
    ctx: &PathContext,
    d: &mut Decision,
) -> (EntryPath, &'static str) {
    // 0. Refunded already.
    if let Some(reason) = cape_liquidation_reason(e) {
        d.notes.push(format!(
            "liquidation reason `{reason}` (36, CAPE): the entry was refunded through CAPE - never declare it again"
        ));
        return (EntryPath::Done, REFUNDED_BY_CAPE.code);
    }

    // 1. A negative IEEPA duty: the file says neither what was paid nor that nothing was.
    if e.ieepa_negative_duty_lines > 0 {
        negative_duty_note(e, d);
        return (EntryPath::Review, NEGATIVE_DUTY.code);
    }

    // 1. Nothing to refund (or the data disagrees about it).
    if let Some((path, rule)) = not_refundable(e, d) {
        return (path, rule);
    }
    // Rows that disagree on what decides the path: every later step would rest on a guess.
    if e.doubtful_cells
        .iter()
        .any(|c| c.doubt == Doubt::Conflicting)
    {
        conflict_note(e, d);
        return (EntryPath::Review, CONFLICTING_VALUES.code);
    }
    unchecked_notes(e, d);

    // 2. Excluded from phase 1, or unresolved by CBP.
    if normalized_type(e) == Some("23") {
        d.notes.push(
            "entry type 23 (temporary importation under bond): CBP has not said whether CAPE takes it - ask before declaring".to_owned(),
        );
        return (EntryPath::Review, TIB.code);
    }
    // Types 08, 09 and 47: never declared; a type 47 (a drawback claim) goes to a person, an
    // 08 or 09 follows its liquidation to the protest or the court.
    let excluded = normalized_type(e).filter(|t| EXCLUDED_ENTRY_TYPES.contains(t));
    if let Some(t) = excluded {
        excluded_type_note(t, d);
        if t == "47" {
            court_note(d);
            return (EntryPath::Review, DRAWBACK_CLAIM.code);
        }
    } else if let Some((path, rule)) = later_phase(e, as_of, d) {
        protect_by_protest_note(d);
        if d.deadlines.protest_due.is_some_and(Deadline::passed) {
            // A stale status says its reading itself ([`choose`]).
            if !matches!(liq, Liquidation::Stale { .. }) {
                d.notes.push(
                    "the protest period has passed and a later phase has no date: the court path remains".to_owned(),
                );
            }
            court_note(d);
        }
        return (path, rule);
    }

    // 3. A protest on the entry.
    // A protest recorded in the ledger (`capekit ledger acted --protest`) while the data shows
    // none: open until a decision is known, so CAPE refuses the entry as for one in the data.
    // Only while the CAPE window runs: past it the entry is off the CAPE path already, and the
    // act's advice follows the protest. (A protest answers a liquidation: on an entry the data
    // shows unliquidated it is left to the notes.)
    let cape_open = matches!(liq, Liquidation::Liquidated(_))
        && d.deadlines.cape_window_closes.is_some_and(|w| !w.passed());
    let recorded_protest = ctx
        .acts
        .get(&e.entry_number)
        .filter(|_| cape_open)
        .and_then(|acts| {
            acts.iter()
                .filter(|a| a.kind == crate::deadline::ActKind::Protest)
                .max_by_key(|a| a.on)
        });
    if let Some((path, rule)) =
        protest_on_entry(e, as_of, liq, d, excluded.is_none(), recorded_protest)
    {
        return (path, rule);
    }

    // 4. Liquidation age.
    let liquidated_on = match liq {
        Liquidation::Unknown { rule, note } => {
            d.notes.push(note.clone());
            return (EntryPath::Review, rule);
        }
        Liquidation::Stale { on, why, deemed } => {
            let unliquidated = if excluded.is_some() {
                "read as unliquidated, as the status says, no protest is possible yet (CAPE excludes the type)"
            } else {
                "read as unliquidated, as the status says, CAPE takes it now"
            };
            let reading = if *deemed {
                format!("read as liquidated by operation of law on {on} (19 USC 1504(a))")
            } else {
                format!("read as liquidated on {on}")
            };
            d.notes.push(format!(
                "{why}: {reading}, the deadlines are {} - {unliquidated}{}; check the entry in ACE before declaring",
                stale_deadlines(d),
                unliquidated_psc(e, as_of)
                    .map(|p| format!(", and {p}"))
                    .unwrap_or_default()
            ));
            return (EntryPath::Review, UNLIQUIDATED_STALE.code);
        }
        Liquidation::Liquidated(l) => Some(*l),
        Liquidation::Unliquidated { .. } => None,
    };
    if let Some(l) = liquidated_on {
        let age = i64::from(days_between(l, as_of));
        if excluded.is_some() && age <= PROTEST_DAYS {
            if let Some(p) = d.deadlines.protest_due {
                d.notes.push(format!(
                    "liquidated {l}, {age} days ago: protest under 19 USC 1514 by {} ({}); CAPE would reject the entry even inside its 80-day window",
                    p.date, p.left()
                ));
            }
            return (EntryPath::Protest, EXCLUDED_TYPE_PROTEST.code);
        }
        if age > PROTEST_DAYS {
            if let Some(found) = phase3(e, as_of, ctx, d) {
                return found;
            }
            d.notes.push(format!(
                "liquidated {l}, {age} days ago: CAPE (80 days) and protest (180 days) are closed; an action under 28 USC 1581(i) must be brought within two years (28 USC 2636(i)), but when they start is disputed - see trade counsel now"
            ));
            court_note(d);
            return (EntryPath::Court, PAST_PROTEST.code);
        }
        if age > CAPE_WINDOW_DAYS {
            if let Some(p) = d.deadlines.protest_due {
                d.notes.push(format!(
                    "liquidated {l}, {age} days ago: the CAPE window closed; protest under 19 USC 1514 by {} ({})",
                    p.date, p.left()
                ));
            }
            return (EntryPath::Protest, WITHIN_PROTEST.code);
        }
    }

    if excluded.is_some() {
        d.notes.push(
            "not liquidated: no protest is possible before the entry liquidates - watch its liquidation and protest within 180 days of it (19 USC 1514(c)(3))".to_owned(),
        );
        court_note(d);
        return (EntryPath::Review, EXCLUDED_TYPE.code);
    }

    // 5. What the entry would be declared or corrected on must be readable.
    if let Some(found) = doubtful(e, d) {
        return found;
    }

    // 6. A goods value on an IEEPA line must be corrected before the declaration.
    if e.ieepa_goods_value_on_99_line {
        return goods_value(e, as_of, liq, d);
    }

    // 7. CAPE.
    control_status_note(e, d);
    match (liquidated_on, d.deadlines.cape_window_closes) {
        (Some(l), Some(w)) => {
            d.notes.push(format!(
                "liquidated {l}: declare in CAPE by {} ({}), keeping a few days of margin",
                w.date,
                w.left()
            ));
            (EntryPath::Cape, WITHIN_CAPE_WINDOW.code)
        }
        (Some(_), None) => (EntryPath::Cape, WITHIN_CAPE_WINDOW.code),
        (None, _) => (EntryPath::Cape, UNLIQUIDATED.code),
    }
}

/// The deadlines of the liquidated reading of a stale status, in a clause.
pub(super) fn stale_deadlines(d: &Decision) -> String {
    let mut parts = Vec::new();
    for x in [d.deadlines.cape_window_closes, d.deadlines.protest_due]
        .into_iter()
        .flatten()
    {
        parts.push(x.describe());
    }
    if parts.is_empty() {
        "not datable".to_owned()
    } else {
        parts.join(", ")
    }
}

/// Phase 3, for an entry past its protest period, when the user named its importer.
pub(super) fn phase3(
    e: &EntryData,
    as_of: Date,
    ctx: &PathContext,
    d: &mut Decision,
) -> Option<(EntryPath, &'static str)> {
    let submitted = ctx.phase3(e.importer_number.as_deref())?;
    if !PHASE3.holds_on(as_of) {
        d.notes.push(format!(
            "the importer sued in the CIT, but CAPE Phase 3 opened only on {PHASE3_OPENED}"
        ));
        return None;
    }
    if !submitted {
        d.notes.push(format!(
            "the importer sued in the CIT, but its IOR was not submitted by {PHASE3_IOR_CUTOFF}: Phase 3 does not take it"
        ));
        return None;
    }
    // A type CAPE phase 1 excludes: its note said no phase takes it; Phase 3's terms do not
    // name entry types, so the note says what is known.
    if let Some(t) = normalized_type(e).filter(|t| ["08", "09"].contains(t)) {
        let prefix = format!("entry type {t} ");
        d.notes.retain(|n| !n.starts_with(&prefix));
        d.notes.push(format!(
            "entry type {t} ({}) is excluded from CAPE phase 1 and is never declared there; CBP has not published whether Phase 3 takes the type - ask CBP (IEEPARefunds@cbp.dhs.gov) before submitting it, and keep the court date in view until Phase 3 accepts it",
            if t == "08" { "USMCA duty deferral" } else { "reconciliation" }
        ));
    }
    d.notes.push(format!(
        "finally liquidated; the importer sued in the CIT and its IOR was submitted by {PHASE3_IOR_CUTOFF}: CAPE Phase 3 (open since {PHASE3_OPENED}) refunds it - its upload format is unpublished, so no declaration is written"
    ));
    court_note(d);
    Some((EntryPath::Phase3, PHASE3.code))
}

pub(super) fn not_refundable(e: &EntryData, d: &mut Decision) -> Option<(EntryPath, &'static str)> {
    let outside = |day: &Date| *day < IEEPA_FIRST_DAY || *day > IEEPA_LAST_DAY;
    if let Some(entered) = e.entry_date.filter(outside) {
        if e.ieepa_dutiable_lines > 0 {
            d.notes.push(format!(
                "entered {entered}, outside {IEEPA_FIRST_DAY} to {IEEPA_LAST_DAY}, yet {} IEEPA duty is shown on {} 9903.01/.02 line{}: the data disagrees - read by its entry date it is not refundable; read by its duty it is, and its deadlines are shown - check the entry (or withdrawal) date in ACE",
                format_cents(e.ieepa_duty_cents),
                e.ieepa_dutiable_lines,
                if e.ieepa_dutiable_lines == 1 { "" } else { "s" }
            ));
            return Some((EntryPath::Review, DUTY_OUTSIDE_PERIOD.code));
        }
        if e.ieepa_blank_duty_lines == 0 {
            d.notes.push(format!(
                "entered {entered}, outside {IEEPA_FIRST_DAY} to {IEEPA_LAST_DAY}: no IEEPA duty was due, so CAPE has nothing to refund"
            ));
            return Some((EntryPath::NotRefundable, OUTSIDE_PERIOD.code));
        }
    }
    // Only a file that shows every line's HTS number and duty, all readable, proves the absence
    // of IEEPA duty; anything less leaves the question open (noted by `unchecked_notes`).
    let hts_known = !e.unknown(Column::Hts);
    let duty_known = !e.unknown(Column::Duty);
    let no_ieepa = hts_known && e.ieepa_lines == 0;
    let no_dutiable = hts_known && duty_known && e.ieepa_dutiable_lines == 0;
    if !no_ieepa && no_dutiable && e.ieepa_blank_duty_lines > 0 {
        d.notes.push(format!(
            "{} IEEPA line{} with a blank `{}`: a blank cell is unknown, not zero (only 0.00 marks an exemption line) - export ES-003 with the duty amounts or check ACE",
            e.ieepa_blank_duty_lines,
            if e.ieepa_blank_duty_lines == 1 { " has" } else { "s have" },
            Column::Duty.header()
        ));
        return Some((EntryPath::Review, DUTY_CELL_BLANK.code));
    }
    if no_ieepa || no_dutiable {
        let o = e.other_chapter_99;
        let mut other: Vec<String> = Vec::new();
        for (cents, what) in [
            (o.section_122_cents, "Section 122"),
            (o.section_301_cents, "Section 301"),
            (o.section_232_cents, "Section 232"),
        ] {
            if cents != 0 {
                other.push(format!("{} of {what}", format_cents(cents)));
            }
        }
        let found = if no_ieepa {
            "no IEEPA line (HTS 9903.01.xx or 9903.02.xx)".to_owned()
        } else {
            format!(
                "{} IEEPA line{} but none with duty above zero (exemption codes)",
                e.ieepa_lines,
                if e.ieepa_lines == 1 { "" } else { "s" }
            )
        };
        d.notes.push(format!(
            "the entry has {found}: nothing for CAPE to refund{}",
            if other.is_empty() {
                String::new()
            } else {
                format!("; its {} duty is not refunded by CAPE", other.join(" and "))
            }
        ));
        return Some((EntryPath::NotRefundable, NO_DUTIABLE_IEEPA.code));
    }
    if e.ieepa_blank_duty_lines > 0 {
        d.notes.push(format!(
            "{} IEEPA line{} a blank duty cell: the IEEPA duty shown is a lower bound",
            e.ieepa_blank_duty_lines,
            if e.ieepa_blank_duty_lines == 1 {
                " has"
            } else {
                "s have"
            }
        ));
    }
    None
}

/// Says which checks the file could not make and which column would make them.
pub(super) fn unchecked_notes(e: &EntryData, d: &mut Decision) {
    let mut unchecked: Vec<String> = Vec::new();
    let mut say = |what: &str, column: Column, unreadable: bool| {
        unchecked.push(format!(
            "{what} (`{}` {})",
            column.header(),
            if unreadable {
                "unreadable"
            } else if e.absent_columns.contains(column) {
                "not in the file"
            } else {
                "blank"
            }
        ));
    };
    for (column, what) in [
        (Column::Hts, "IEEPA duty"),
        (Column::Duty, "IEEPA duty above zero"),
    ] {
        if e.unknown(column) && e.ieepa_dutiable_lines == 0 {
            say(what, column, !e.absent_columns.contains(column));
        }
    }
    if e.entry_date.is_none() {
        say(
            "the IEEPA entry period 2025-02-04 to 2026-02-23",
            Column::EntryDate,
            e.unreadable_columns.contains(Column::EntryDate),
        );
    }
    if e.unknown(Column::EntryType) && normalized_type(e).is_none() {
        say(
            "the excluded entry types 08, 09 and 47",
            Column::EntryType,
            e.unreadable_columns.contains(Column::EntryType),
        );
    }
    if e.unknown(Column::GoodsValue) && !e.ieepa_goods_value_on_99_line {
        say(
            "goods values on IEEPA lines",
            Column::GoodsValue,
            e.unreadable_columns.contains(Column::GoodsValue),
        );
    }
    if !unchecked.is_empty() {
        d.notes
            .push(format!("not checked: {}", unchecked.join("; ")));
    }
}

pub(super) fn later_phase(
    e: &EntryData,
    as_of: Date,
    d: &mut Decision,
) -> Option<(EntryPath, &'static str)> {
    flagged_later_phase(e, as_of, d).or_else(|| adcvd_type_unclear(e, d))
}

/// Entry types 03 and 07 are AD/CVD entries whatever the AD/CVD column says (or when the file
/// has none): unliquidated, which of CAPE's two AD/CVD readings holds is unknown. Asked only of
/// an entry nothing else keeps off the CAPE path.
fn adcvd_type_unclear(e: &EntryData, d: &mut Decision) -> Option<(EntryPath, &'static str)> {
    let t = normalized_type(e).filter(|t| matches!(t.trim_start_matches('0'), "3" | "7"))?;
    if e.liquidation_date.is_some()
        || e.adcvd
            .as_deref()
            .is_some_and(|raw| squash(raw).contains("susp"))
    {
        return None;
    }
    d.notes.push(format!(
        "entry type {t} is an AD/CVD entry (CBP CATAIR entry type codes), and the file does not say whether it is suspended (CAPE takes it) or pending liquidation after Commerce's instructions (CAPE does not){} - check the case in ACE",
        e.adcvd
            .as_deref()
            .map(|raw| format!("; its AD/CVD cell says `{raw}`"))
            .unwrap_or_default()
    ));
    Some((EntryPath::Review, ADCVD_UNCLEAR.code))
}

fn flagged_later_phase(
    e: &EntryData,
    as_of: Date,
    d: &mut Decision,
) -> Option<(EntryPath, &'static str)> {
    let later = |rule| Some((EntryPath::LaterPhase, rule));
    let entry_type = normalized_type(e);
    if let Some(t) = entry_type.filter(|t| WAREHOUSE_TYPES.contains(t))
        && WAREHOUSE.holds_on(as_of)
    {
        d.notes.push(format!(
            "entry type {t} (warehouse): since {WAREHOUSE_CHANGE} CAPE answers ENTRY TYPE NOT ALLOWED - declare its withdrawals (types {}) instead; the refund follows when the warehouse entry liquidates",
            WITHDRAWAL_TYPES.join(", ")
        ));
        return later(WAREHOUSE.code);
    }
    if let Some(raw) = e.adcvd.as_deref() {
        let s = squash(raw);
        // "suspended" holds "pend": test it first.
        if !s.contains("susp") && (s.contains("pend") || s.contains("instruct")) {
            d.notes.push(format!(
                "AD/CVD `{raw}`: CAPE phase 1 excludes AD/CVD entries pending liquidation after Commerce's instructions"
            ));
            return later(ADCVD_PENDING.code);
        }
        if s.contains("susp") {
            d.notes.push(format!(
                "AD/CVD `{raw}`: CAPE takes suspended AD/CVD entries; the refund waits for liquidation"
            ));
        } else if flag_value(raw) == Some(true) {
            d.notes.push(format!(
                "AD/CVD `{raw}`: the file does not say whether the entry is suspended (CAPE takes it) or pending liquidation after Commerce's instructions (CAPE does not) - check the case in ACE"
            ));
            return Some((EntryPath::Review, ADCVD_UNCLEAR.code));
        }
    }
    if let Some(raw) = e
        .drawback
        .as_deref()
        .filter(|v| flag_value(v) == Some(true))
    {
        d.notes.push(format!(
            "the drawback column says `{raw}`: CBP rejects drawback-linked entries (ENTRY ON DRAWBACK) in phase 1"
        ));
        return later(DRAWBACK.code);
    }
    let flag = e.reconciliation_indicator.as_deref().unwrap_or("");
    if flag_value(flag) != Some(true) {
        return None;
    }
    if RECON_BEFORE_CHANGE.holds_on(as_of) {
        d.notes.push(format!(
            "flagged for reconciliation (`{flag}`): CBP refuses flagged entries until {RECON_CHANGE}"
        ));
        return later(RECON_BEFORE_CHANGE.code);
    }
    if !RECON_NOT_ACCEPTED.holds_on(as_of) {
        return None;
    }
    if let Some(recon) = e.reconciliation_entry_number.as_deref() {
        d.notes.push(format!(
            "flagged for reconciliation and the type 09 entry `{recon}` was filed: CAPE does not take it; the IEEPA duty goes through the reconciliation or a later phase"
        ));
        return later(RECON_NOT_ACCEPTED.code);
    }
    match entry_type {
        Some(t) if !RECON_ACCEPTED_TYPES.contains(&t) => {
            d.notes.push(format!(
                "flagged for reconciliation, entry type {t}: since {RECON_CHANGE} CAPE takes flagged entries of types 01, 02 and 06 only"
            ));
            later(RECON_NOT_ACCEPTED.code)
        }
        _ => {
            d.reasons.push(RECON_ACCEPTED.code);
            let mut note = format!(
                "flagged for reconciliation (`{flag}`): CAPE takes it since {RECON_CHANGE} unless a type 09 reconciliation entry was filed - declare it in CAPE before any type 09 is filed"
            );
            if e.absent_columns.contains(Column::ReconciliationEntryNumber) {
                note.push_str(" (the file does not say; if one was, CBP rejects the entry and it waits for a later phase)");
            }
            if entry_type.is_none() {
                note.push_str(
                    "; the entry type is unknown, and only types 01, 02 and 06 are taken",
                );
            }
            d.notes.push(note);
            None
        }
    }
}

/// What CBP's exclusion of types 08, 09 and 47 means for the entry.
pub(super) fn excluded_type_note(t: &str, d: &mut Decision) {
    let note = match t {
        "08" => "entry type 08 (USMCA duty deferral) is excluded from CAPE phase 1, and CBP has announced no phase that takes it: never declare it".to_owned(),
        "09" => "entry type 09 (reconciliation) is excluded from CAPE phase 1, and CBP has announced no phase that takes it: never declare it; its liquidation can be protested (19 USC 1514(a)(5))".to_owned(),
        _ => "entry type 47 is a drawback claim: CAPE phase 1 excludes it, and no IEEPA duty was deposited on the claim itself - the import entries it designates are drawback-linked (CBP answers ENTRY ON DRAWBACK) and are planned on their own; what to do about the claim is for trade counsel or IEEPARefunds@cbp.dhs.gov".to_owned(),
    };
    d.notes.push(note);
}

/// A negative duty on an IEEPA line, named where it stands.
pub(super) fn negative_duty_note(e: &EntryData, d: &mut Decision) {
    let cell = e
        .doubtful_cells
        .iter()
        .find(|c| c.doubt == Doubt::NegativeIeepaDuty)
        .map_or_else(
            || format!("a `{}` cell", Column::Duty.header()),
            DoubtfulCell::describe,
        );
    let n = e.ieepa_negative_duty_lines;
    d.notes.push(format!(
        "{cell} is a negative duty on an IEEPA line ({n} such line{}): an entry summary line does not carry negative duty - it may be a correction or a refund already made; the entry is neither declared nor written off on it - check the entry summary in ACE and correct the export",
        if n == 1 { "" } else { "s" }
    ));
}

/// The conflicting values of the entry, each with both readings; for a liquidation date, the
/// CAPE window and protest date of the other reading too.
pub(super) fn conflict_note(e: &EntryData, d: &mut Decision) {
    let mut parts = Vec::new();
    for c in e
        .doubtful_cells
        .iter()
        .filter(|c| c.doubt == Doubt::Conflicting)
    {
        let mut part = format!("{} against {}", c.describe(), c.why);
        if c.column == Column::LiquidationDate
            && let Ok(Some(other)) = crate::dates::parse_date(&c.value)
        {
            let plus = |n| add_days(other, n).map_or_else(String::new, |x: Date| x.to_string());
            let _ = write!(
                part,
                " (read as liquidated on {other}: the CAPE window closes {} and the protest is due {})",
                plus(CAPE_WINDOW_DAYS),
                plus(PROTEST_DAYS)
            );
        }
        parts.push(part);
    }
    d.notes.push(format!(
        "rows of the entry disagree: {} - the deadlines shown are counted from the value read (a file's first row; between two files, the newer file's); check the entry in ACE and correct the export before declaring it",
        parts.join("; ")
    ));
}

/// What a user does about an unreadable cell of `column`.
pub(super) fn remedy(column: Column) -> &'static str {
    match column {
        Column::Hts => {
            "export the HTS column as text (format it as Text in Excel before saving, or export ES-003 again and do not open it in Excel first)"
        }
        Column::Duty | Column::GoodsValue => {
            "write the amount in dollars and cents, such as `$1,234.00`"
        }
        Column::EntryType => "write the two-digit entry type, such as `01`",
        Column::Drawback
        | Column::ReconciliationIndicator
        | Column::AdCvd
        | Column::ProtestStatus
        | Column::ControlStatus
        | Column::LiquidationStatus
        | Column::LiquidationReason => {
            "write what ACE shows for the entry (`Y` or `N` for a flag; the status as ACE words it), or check the entry in ACE and correct the cell"
        }
        Column::EntryDate
        | Column::EntrySummaryDate
        | Column::LiquidationDate
        | Column::ProtestDecisionDate => "write the date as MM/DD/YYYY, as ACE does",
        _ => "check the cell against the entry in ACE and correct it",
    }
}

/// Cells the decision rests on that could not be read, or an entry date the file lacks: the
/// entry would be declared (or corrected first) on a guess, so a person looks first. The entry
/// summary date only dates the court's later reading and is noted, not held against the entry.
pub(super) fn doubtful(e: &EntryData, d: &mut Decision) -> Option<(EntryPath, &'static str)> {
    let mut deciding = e.unreadable_columns;
    deciding.remove(Column::EntrySummaryDate);
    if !deciding.is_empty() {
        let mut named: Vec<String> = Vec::new();
        for column in deciding.iter() {
            match e
                .doubtful_cells
                .iter()
                .find(|c| c.column == column && c.doubt == Doubt::Unreadable)
            {
                Some(c) if c.why.is_empty() => {
                    named.push(format!("{} - {}", c.describe(), remedy(column)));
                }
                Some(c) => {
                    named.push(format!("{} ({}) - {}", c.describe(), c.why, remedy(column)));
                }
                None => named.push(format!(
                    "`{}` unreadable - {}",
                    column.header(),
                    remedy(column)
                )),
            }
        }
        d.notes.push(format!(
            "not declared on a guess: {} could not be read, and the entry's path rests on it: {} - correct the cell and run again (the reader's findings list every such cell)",
            if named.len() == 1 { "a cell" } else { "cells" },
            named.join("; ")
        ));
        return Some((EntryPath::Review, CELL_UNREADABLE.code));
    }
    if e.entry_date.is_none() {
        let why = if e.absent_columns.contains(Column::EntryDate) {
            "the file has no `Entry Date` column"
        } else {
            "the entry's `Entry Date` is blank"
        };
        d.notes.push(format!(
            "not declared: {why}, so the IEEPA period ({IEEPA_FIRST_DAY} to {IEEPA_LAST_DAY}), a liquidation by operation of law a year after entry (19 USC 1504(a)) and the PSC window (300 days from entry) cannot be checked - fill in the entry date from ACE and run again"
        ));
        return Some((EntryPath::Review, ENTRY_DATE_UNKNOWN.code));
    }
    None
}

/// The court date at its earliest reading, and the later readings beside it.
pub(super) fn court_note(d: &mut Decision) {
    match d.deadlines.court_due {
        Some(c) => {
            let mut note = match c.basis {
                Basis::LaterReading { .. } => {
                    format!("court (28 USC 1581(i)): sue by {}: {}", c.date, c.basis)
                }
                _ => format!(
                    "court (28 USC 1581(i)): sue by {} at the earliest reading of when the two years start ({})",
                    c.date, c.basis
                ),
            };
            // Only the readings later than the date shown (it may be one of them).
            if let Some(later) = d.deadlines.court_readings.note_after(Some(c.date)) {
                note.push_str("; ");
                note.push_str(&later);
                note.push_str(" - do not count on them");
            }
            d.notes.push(note);
        }
        None => d.notes.push(
            "court (28 USC 1581(i)): the two years cannot be dated - the file has neither an IEEPA heading capekit can date nor an entry summary or entry date; look the entry up in ACE".to_owned(),
        ),
    }
}

pub(super) fn protect_by_protest_note(d: &mut Decision) {
    if let Some(p) = d.deadlines.protest_due.filter(|p| !p.passed()) {
        d.notes.push(format!(
            "a later phase has no date yet: to keep the claim alive, a protest under 19 USC 1514 is possible until {} ({})",
            p.date, p.left()
        ));
    }
}

pub(super) fn protest_on_entry(
    e: &EntryData,
    as_of: Date,
    liq: &Liquidation,
    d: &mut Decision,
    cape_takes_type: bool,
    recorded: Option<&crate::deadline::Act>,
) -> Option<(EntryPath, &'static str)> {
    let number = e.protest_number.as_deref();
    let status_raw = e.protest_status.as_deref().unwrap_or("");
    let mut state = protest_state(status_raw);
    // The data knows no protest, the ledger does: it is open until the data shows a decision.
    let recorded = recorded.filter(|_| state.is_none() && number.is_none());
    if recorded.is_some() {
        state = Some(ProtestState::Open);
    }
    let named = match (number, recorded.and_then(|a| a.reference.as_deref())) {
        (Some(n), _) | (None, Some(n)) => format!("protest {n}"),
        (None, None) => "the protest".to_owned(),
    };
    match state {
        Some(ProtestState::Open) => {
            match recorded {
                Some(a) => d.notes.push(format!(
                    "{named}, filed {} as recorded in the ledger, is open while no decision is known: CBP rejects the entry in CAPE (PROTEST ON ENTRY) and the protest carries the claim - do not declare it; if it is denied, sue within 180 days of the denial (28 USC 2636(a)) - add the entry's `Protest Status` from ACE once CBP decides and run again",
                    a.on
                )),
                None => d.notes.push(format!(
                    "{named} is `{status_raw}`: CBP rejects the entry in CAPE (PROTEST ON ENTRY) and the protest carries the claim; if it is denied, sue within 180 days of the denial (28 USC 2636(a))"
                )),
            }
            // Withdrawing the protest helps only if CAPE takes the entry's type.
            let open_window = d
                .deadlines
                .cape_window_closes
                .filter(|w| !w.passed() && cape_takes_type);
            if let (Liquidation::Liquidated(_), Some(w)) = (liq, open_window) {
                // The withdrawal must post before CBP's batch validates the new declaration:
                // with fewer than 5 business days left in the window, keep the protest.
                let as_of = add_days(w.date, -i64::from(w.days_left)).unwrap_or(w.date);
                let business = crate::calendar::business_days_between(as_of, w.date);
                if business >= crate::calendar::WITHDRAWAL_BUSINESS_DAYS {
                    d.reasons.push(PROTEST_WITHDRAWABLE.code);
                    d.notes.push(format!(
                        "if {named} covers only IEEPA duty, it can be withdrawn and the entry declared in CAPE until {} ({}, {business} business days)",
                        w.date, w.left()
                    ));
                } else {
                    d.notes.push(format!(
                        "keep {named}: CAPE's window closes {} with {business} business day{} left, too few for a withdrawal to post before CBP validates a new declaration",
                        w.date,
                        if business == 1 { "" } else { "s" }
                    ));
                }
            }
            Some((EntryPath::Protest, OPEN_PROTEST.code))
        }
        Some(ProtestState::Closed) => {
            closed_protest(e, as_of, liq, &named, status_raw, d, cape_takes_type)
        }
        Some(ProtestState::Unrecognized) => {
            d.notes.push(format!(
                "{named} has the status `{status_raw}`, which capekit cannot read as open or closed: an open protest blocks CAPE - check it in ACE"
            ));
            Some((EntryPath::Review, PROTEST_STATUS_UNKNOWN.code))
        }
        None => {
            let n = number?;
            let why = if e.absent_columns.contains(Column::ProtestStatus) {
                "the file has no `Protest Status` column"
            } else {
                "its `Protest Status` is blank"
            };
            d.notes.push(format!(
                "protest {n} is on file but {why}: an open protest blocks CAPE, a closed one does not - add `Protest Status` or check ACE"
            ));
            Some((EntryPath::Review, PROTEST_STATUS_UNKNOWN.code))
        }
    }
}

/// A decided protest: denied leads to the court (1581(a)), approved or unstated to review.
///
/// A denial the file does not date, or dates on a day that cannot be right (after the as-of
/// date, or before the liquidation it would protest), is review naming both rules, even while
/// the CAPE window is open: the 180 days of 28 USC 2636(a) may be running unseen. A 1581(a)
/// date already passed is said to have passed, and the 1581(i) date is named as the one left.
pub(super) fn closed_protest(
    e: &EntryData,
    as_of: Date,
    liq: &Liquidation,
    named: &str,
    status_raw: &str,
    d: &mut Decision,
    cape_takes_type: bool,
) -> Option<(EntryPath, &'static str)> {
    let court_i = d.deadlines.court_due.map_or_else(
        || "not datable from the file".to_owned(),
        |c| {
            format!(
                "{} ({}{})",
                c.date,
                c.basis,
                if c.passed() { "; passed" } else { "" }
            )
        },
    );
    match protest_outcome(e) {
        Some(ProtestOutcome::Denied) => {
            let window = d
                .deadlines
                .cape_window_closes
                .filter(|w| !w.passed() && cape_takes_type);
            let window_note = window.map_or_else(String::new, |w| {
                format!(
                    "; a decided protest does not block CAPE, and the CAPE window is open until {} ({}) - declaring is the faster refund, but the court date must be known in case CAPE refuses it",
                    w.date,
                    w.left()
                )
            });
            let liquidated_on = match liq {
                Liquidation::Liquidated(l) | Liquidation::Stale { on: l, .. } => Some(*l),
                _ => None,
            };
            let Some(decided) = e.protest_decision_date else {
                let column = Column::ProtestDecisionDate;
                let missing = if e.unreadable_columns.contains(column) {
                    format!("its `{}` could not be read", column.header())
                } else if e.absent_columns.contains(column) {
                    format!("the file has no `{}`", column.header())
                } else {
                    format!("its `{}` is blank", column.header())
                };
                d.notes.push(format!(
                    "{named} is `{status_raw}` but {missing}: under 28 USC 1581(a) the suit is due 180 days after the notice of denial (28 USC 2636(a)), which cannot be dated; under 1581(i) by {court_i}{window_note} - look the decision date up in ACE (Protest module) and add it; never file a second protest"
                ));
                return Some((EntryPath::Review, PROTEST_DENIED_UNDATED.code));
            };
            let impossible = if decided > as_of {
                Some(format!(
                    "is after {as_of} (a denial cannot be dated in the future)"
                ))
            } else {
                liquidated_on.filter(|l| decided < *l).map(|l| {
                    format!(
                        "is before the liquidation of {l} it would protest (a protest is decided after the liquidation it contests)"
                    )
                })
            };
            if let Some(why) = impossible {
                let as_dated =
                    crate::deadline::court_1581a(decided, as_of).map_or_else(String::new, |a| {
                        format!(
                            "read as dated, sue under 28 USC 1581(a) by {} ({}, 28 USC 2636(a))",
                            a.date,
                            a.left()
                        )
                    });
                let other = if decided > as_of {
                    // A date to come is no start of the 180 days: the safe reading is an
                    // earlier denial, so that date is not calendared.
                    d.deadlines.court_1581a_due = None;
                    "; read as a mistyped earlier denial, the 180 days already run and end earlier - that date is unknown"
                } else {
                    "; read by the liquidation date, the denial came later and its 180 days end later - the date as written is the earlier, so it is the one shown"
                };
                d.notes.push(format!(
                    "{named} is `{status_raw}` but its `{}` {decided} {why}, so a date is wrong - {as_dated}{other}; under 1581(i) by {court_i}{window_note} - check the decision and liquidation dates in ACE (Protest module); never file a second protest",
                    Column::ProtestDecisionDate.header()
                ));
                return Some((EntryPath::Review, PROTEST_DENIED_UNDATED.code));
            }
            if let Some(w) = window {
                d.notes.push(format!(
                    "{named} is `{status_raw}`: a decided protest does not block CAPE, and the CAPE window is open until {}; if CAPE refuses it, the court remains (28 USC 1581(a), 180 days from the denial; 1581(i) by {court_i})",
                    w.date
                ));
                return None;
            }
            match d.deadlines.court_1581a_due {
                Some(a) if a.passed() => {
                    let left = d.deadlines.court_due.filter(|c| !c.passed());
                    d.notes.push(format!(
                        "{named} is `{status_raw}`: no second protest is possible (19 USC 1514); the 180 days to sue under 28 USC 1581(a) passed on {} ({}, 28 USC 2636(a)); {} - which route fits IEEPA duty is disputed, and whether 1581(i) is available after a denied protest is for trade counsel to judge",
                        a.date,
                        a.basis,
                        match left {
                            Some(c) => format!("the date left is the 1581(i) date {} ({})", c.date, c.basis),
                            None => format!("the 1581(i) date is {court_i}"),
                        }
                    ));
                    d.advice = Some(match left {
                        Some(c) => format!(
                            "Do not file another protest. The 1581(a) date {} has passed; the 1581(i) date {} is the one left: send the court packet to trade counsel now - whether 1581(i) is available after a denied protest is for counsel to judge.",
                            a.date, c.date
                        ),
                        None => format!(
                            "Do not file another protest. The 1581(a) date {} has passed, and the 1581(i) date at its earliest reading too: see trade counsel now about the later readings.",
                            a.date
                        ),
                    });
                    Some((EntryPath::Court, PROTEST_DENIED.code))
                }
                Some(a) => {
                    d.notes.push(format!(
                        "{named} is `{status_raw}`: no second protest is possible (19 USC 1514); sue in the Court of International Trade under 28 USC 1581(a) by {} ({}, 28 USC 2636(a)); the 1581(i) date, kept beside it since the route for IEEPA duty is disputed, is {court_i}",
                        a.date, a.basis
                    ));
                    Some((EntryPath::Court, PROTEST_DENIED.code))
                }
                None => {
                    d.notes.push(format!(
                        "{named} is `{status_raw}` but its decision date cannot be counted: under 28 USC 1581(a) the suit is due 180 days after the denial (28 USC 2636(a)), under 1581(i) by {court_i} - look the decision date up in ACE; never file a second protest"
                    ));
                    Some((EntryPath::Review, PROTEST_DENIED_UNDATED.code))
                }
            }
        }
        Some(ProtestOutcome::Approved) => {
            d.notes.push(format!(
                "{named} is `{status_raw}`: the IEEPA duty may already have been refunded - check the decision and any refund in ACE before declaring"
            ));
            Some((EntryPath::Review, PROTEST_APPROVED.code))
        }
        Some(ProtestOutcome::Unstated) => {
            d.notes.push(format!(
                "{named} is `{status_raw}`, which does not say whether it was approved or denied: approved, the duty may be refunded already; denied, the suit is due 180 days after the denial (28 USC 2636(a)), 1581(i) by {court_i} - check it in ACE"
            ));
            Some((EntryPath::Review, PROTEST_APPROVED.code))
        }
        Some(ProtestOutcome::Withdrawn) | None => {
            d.notes.push(format!(
                "{named} is `{status_raw}`: a withdrawn protest does not block CAPE"
            ));
            None
        }
    }
}

pub(super) fn goods_value(
    e: &EntryData,
    as_of: Date,
    liq: &Liquidation,
    d: &mut Decision,
) -> (EntryPath, &'static str) {
    const PROBLEM: &str = "a goods value is reported on an IEEPA Chapter 99 line: CBP rejects the entry (GOODS VALUE AMOUNT NOT ALLOWED ON IEEPA HTS LINE)";
    if let Liquidation::Liquidated(l) = liq {
        d.notes.push(format!(
            "{PROBLEM}, and a PSC is no longer possible since the entry liquidated on {l}{}",
            d.deadlines
                .protest_due
                .map_or_else(String::new, |p| format!(
                    "; consider a protest by {}",
                    p.date
                ))
        ));
        return (EntryPath::Review, GOODS_VALUE_PSC_CLOSED.code);
    }
    let ftz_blocked = normalized_type(e) == Some("06") && FTZ_PSC_BLOCKED.holds_on(as_of);
    if let Some(x) = extended_psc(e, liq, as_of)
        && !ftz_blocked
        && let Some(found) = extended_goods_value(&x, d, PROBLEM)
    {
        return found;
    }
    let Some(psc) = d.deadlines.psc_due else {
        d.notes.push(format!(
            "{PROBLEM}; the PSC window (300 days from entry, and 15 days before scheduled liquidation) cannot be dated without the `Entry Date` - check it in ACE"
        ));
        return (EntryPath::Review, GOODS_VALUE_PSC_CLOSED.code);
    };
    if psc.passed() {
        d.notes.push(format!(
            "{PROBLEM}, and the PSC window closed on {}: check the entry in ACE or write to IEEPARefunds@cbp.dhs.gov",
            psc.date
        ));
        return (EntryPath::Review, GOODS_VALUE_PSC_CLOSED.code);
    }
    if ftz_blocked {
        d.notes.push(format!(
            "{PROBLEM}, and since {FTZ_PSC_CHANGE} ACE refuses a PSC that modifies an IEEPA HTS line of an FTZ type 06 entry (F883 PSC NOT ALLOWED TO MODIFY IEEPA HTS): it cannot be corrected first - write to IEEPARefunds@cbp.dhs.gov"
        ));
        return (EntryPath::Review, FTZ_PSC_BLOCKED.code);
    }
    d.notes.push(format!(
        "{PROBLEM}: file a PSC moving the value to the Chapter 1-97 line by {} ({}), then declare - once on a declaration a PSC is refused (ACE condition 864)",
        psc.date, psc.left()
    ));
    if matches!(liq, Liquidation::Unliquidated { scheduled: None }) {
        d.notes.push(
            "the scheduled liquidation date is not in the file: the PSC due date assumes ACE's usual schedule (liquidation 314 days after entry, so the PSC is due by day 299) - check the date in ACE".to_owned(),
        );
    }
    (EntryPath::CorrectFirst, GOODS_VALUE_PSC_OPEN.code)
}

/// Where the extended date is not in the file: what to say instead of it, and how to find it.
const EXTENDED_DATE_UNKNOWN: &str = "no later than 15 days before the extended liquidation date, which is not in the file (look it up in ACE's Entry Summary Query, or export ES-003 with `Liquidation Date`)";

/// A goods value on an IEEPA line of an extended entry: the PSC is possible until 15 days
/// before the extended date only if the importer asked for the extension, and ES-003 cannot
/// show who asked. While the 300 days from entry run, the PSC is due by the earlier date
/// (it holds either way) and the other reading is named; once they are out, review with both
/// readings and their dates. `None` when both readings are closed (the usual closed-window
/// review follows).
fn extended_goods_value(
    x: &ExtendedPsc,
    d: &mut Decision,
    problem: &str,
) -> Option<(EntryPath, &'static str)> {
    let to = x
        .extended_to
        .map_or_else(String::new, |t| format!(" to {t}"));
    let by_extension = x.by_extension.map_or_else(
        || EXTENDED_DATE_UNKNOWN.to_owned(),
        |b| {
            format!(
                "by {} ({}; 15 days before the extended date)",
                b.date,
                b.left()
            )
        },
    );
    let by_entry = x.by_entry?;
    if !by_entry.passed() {
        let psc = d.deadlines.psc_due?;
        d.notes.push(format!(
            "{problem}: file a PSC moving the value to the Chapter 1-97 line by {} ({}), then declare - once on a declaration a PSC is refused (ACE condition 864)",
            psc.date,
            psc.left()
        ));
        d.notes.push(format!(
            "liquidation is extended{to}: if the importer asked for the extension, the PSC may be filed {by_extension}; if CBP extended it on its own, the PSC window ends on {} ({}) and is not reopened - ES-003 does not show who asked, so the plan gives {}, the date that holds either way",
            by_entry.date, by_entry.basis, psc.date
        ));
        return Some((EntryPath::CorrectFirst, GOODS_VALUE_PSC_OPEN.code));
    }
    if x.by_extension.is_some_and(Deadline::passed) {
        return None;
    }
    d.notes.push(format!(
        "{problem}. Liquidation is extended{to}, and a PSC is still possible only if the importer asked for the extension - ES-003 cannot show who asked. Read as extended at the importer's request: file the PSC moving the value to the Chapter 1-97 line {by_extension}, then declare. Read as extended by CBP: the PSC window ended on {} ({}) and CBP's own extension does not reopen it, so no PSC - write to IEEPARefunds@cbp.dhs.gov",
        by_entry.date, by_entry.basis
    ));
    d.advice = Some(match x.by_extension {
        Some(b) => format!(
            "Ask the importer (or check ACE) whether it asked for the extension of liquidation: if it did, file a PSC moving the value to the Chapter 1-97 line by {} (15 days before the extended date), then declare; if CBP extended it on its own, no PSC is possible - write to IEEPARefunds@cbp.dhs.gov.",
            b.date
        ),
        None => format!(
            "Ask the importer (or check ACE) whether it asked for the extension of liquidation: if it did, file a PSC moving the value to the Chapter 1-97 line {EXTENDED_DATE_UNKNOWN}, then declare; if CBP extended it on its own, no PSC is possible - write to IEEPARefunds@cbp.dhs.gov."
        ),
    });
    Some((EntryPath::Review, GOODS_VALUE_PSC_CLOSED.code))
}

pub(super) fn control_status_note(e: &EntryData, d: &mut Decision) {
    let in_trade = |cs: &&str| squash(cs).contains("trade");
    if let Some(cs) = e.control_status.as_deref().filter(in_trade) {
        d.notes.push(format!(
            "control status `{cs}`: CBP answers ENTRY SUMMARY IS IN TRADE CONTROL until the entry is on a paid statement - declare it once it is"
        ));
    }
}
