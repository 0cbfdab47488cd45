//! Whether a post-summary correction (PSC) is still possible: one answer for the triage of a
//! message whose fix is a PSC and for the plan of an entry that needs one.
//!
//! A PSC may be filed only on an unliquidated entry, within 300 days of entry and no later than
//! 15 days before the scheduled liquidation (19 CFR 101.9(b)); when liquidation was extended at
//! the importer's request, until 15 days before the extended date, which ES-003 cannot show.
//! Since 2026-08-21 ACE refuses a PSC that changes an IEEPA HTS line of an FTZ type 06 entry
//! (error F883, CSMS 69635410). IEEPA duty stopped on 2026-02-23, so from 2026-12-21 no IEEPA
//! entry is within 300 days of entry.

use jiff::civil::{Date, date};

use crate::deadline::{Deadline, Deadlines};
use crate::path::EntryData;

/// CSMS 69635410: from this day ACE refuses a PSC that changes an IEEPA HTS line on an FTZ
/// type 06 entry (F883 "PSC NOT ALLOWED TO MODIFY IEEPA HTS").
pub const F883_FROM: Date = date(2026, 8, 21);

/// The last entry date of IEEPA duty.
pub const IEEPA_LAST_ENTRY: Date = date(2026, 2, 23);

/// From this day no IEEPA entry is within 300 days of entry.
pub const PSC_CLOSED_FOR_ALL_IEEPA: Date = date(2026, 12, 21);

/// The exception a user may know of and ES-003 cannot show.
pub const EXTENSION_EXCEPTION: &str = "unless liquidation was extended at the importer's request (ES-003 cannot show it): then a PSC is possible until 15 days before the extended date";

/// Whether a PSC is still possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PscChance {
    /// Possible until the deadline's date.
    Open(Deadline),
    /// Not possible, and why, in a sentence.
    Closed(String),
    /// The data cannot tell, and which column would.
    Unknown(String),
}

/// Whether a PSC is possible for `entry` on `as_of`, from its deadlines (the path engine's).
pub fn psc_chance(entry: &EntryData, deadlines: &Deadlines, as_of: Date) -> PscChance {
    if let Some(w) = deadlines.cape_window_closes {
        let liquidated = match w.basis {
            crate::deadline::Basis::Liquidation(l) => format!(" on {l}"),
            _ => String::new(),
        };
        return PscChance::Closed(format!(
            "the entry liquidated{liquidated}, and a PSC is possible only on an unliquidated entry (19 CFR 101.9(b))"
        ));
    }
    // Liquidated by its status, its date unreadable or empty: no window to count, and no PSC
    // either way.
    if entry.liquidation_date.is_none()
        && let Some(raw) = entry.liquidation_status.as_deref()
        && crate::path::liquidation_status(raw) == Some(crate::path::LiqStatus::Liquidated)
    {
        return PscChance::Closed(format!(
            "the liquidation status is `{}`: the entry liquidated, and a PSC is possible only on an unliquidated entry (19 CFR 101.9(b))",
            raw.trim()
        ));
    }
    let ftz = entry.entry_type.as_deref().map(str::trim) == Some("06");
    if ftz && as_of >= F883_FROM {
        return PscChance::Closed(
            "the entry is an FTZ type 06 entry: since 2026-08-21 ACE refuses a PSC that changes an IEEPA HTS line (F883, CSMS 69635410)".to_owned(),
        );
    }
    match deadlines.psc_due {
        None => PscChance::Unknown(
            "the entry data has no `Entry Date`, which dates the PSC window (300 days from entry, and 15 days before scheduled liquidation)".to_owned(),
        ),
        // On ACE's usual schedule the date is an assumption, and says so: the file has no
        // scheduled liquidation date, which may be later.
        Some(p) if p.passed() && matches!(p.basis, crate::deadline::Basis::UsualSchedule(_)) => {
            PscChance::Closed(format!(
                "on ACE's usual schedule the PSC window closed on {} ({}) - an assumption, since the file has no scheduled liquidation date: check that date in ACE before giving up the PSC; {EXTENSION_EXCEPTION}",
                p.date, p.basis
            ))
        }
        Some(p) if p.passed() => PscChance::Closed(format!(
            "the PSC window closed on {} ({}), {EXTENSION_EXCEPTION}",
            p.date, p.basis
        )),
        Some(p) => PscChance::Open(p),
    }
}

/// Without entry data: what can be said of a PSC on `as_of`.
pub fn psc_without_data(as_of: Date) -> String {
    if as_of >= PSC_CLOSED_FOR_ALL_IEEPA {
        format!(
            "Since {PSC_CLOSED_FOR_ALL_IEEPA} the 300-day PSC window has closed for every IEEPA entry (IEEPA duty ended on {IEEPA_LAST_ENTRY}), {EXTENSION_EXCEPTION}."
        )
    } else {
        "Whether a PSC is still possible depends on the entry date (300 days) and the scheduled liquidation (15 days before it), and no PSC is possible once the entry liquidated: give the ES-003 export with `--entries` to decide.".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::{Basis, DeadlineKind};
    use crate::entry::EntryNumber;

    fn entry(kind: &str) -> EntryData {
        let mut e = EntryData::new(EntryNumber::from_parts("B76", 1).expect("valid"), 2);
        e.entry_type = Some(kind.into());
        e
    }

    fn psc(day: Date, as_of: Date) -> Deadlines {
        Deadlines {
            psc_due: Some(Deadline::new(
                DeadlineKind::Psc,
                day,
                as_of,
                Basis::Entry(date(2025, 12, 1)),
            )),
            ..Deadlines::default()
        }
    }

    #[test]
    fn open_until_its_day_then_closed_with_the_exception() {
        let as_of = date(2026, 9, 1);
        let day = date(2026, 9, 27);
        assert!(matches!(
            psc_chance(&entry("01"), &psc(day, as_of), as_of),
            PscChance::Open(d) if d.date == day
        ));
        let later = date(2026, 9, 28);
        match psc_chance(&entry("01"), &psc(day, later), later) {
            PscChance::Closed(why) => assert!(why.contains("extended at the importer's request")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_window_closed_only_on_the_usual_schedule_says_it_is_an_assumption() {
        let as_of = date(2026, 12, 2);
        let d = Deadlines {
            psc_due: Some(Deadline::new(
                DeadlineKind::Psc,
                date(2026, 12, 1),
                as_of,
                Basis::UsualSchedule(date(2026, 12, 16)),
            )),
            ..Deadlines::default()
        };
        match psc_chance(&entry("01"), &d, as_of) {
            PscChance::Closed(why) => {
                assert!(why.contains("an assumption"), "{why}");
                assert!(why.contains("check that date in ACE"), "{why}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_liquidated_entry_has_no_psc() {
        let as_of = date(2026, 9, 1);
        let mut d = psc(date(2026, 9, 27), as_of);
        d.cape_window_closes = Some(Deadline::new(
            DeadlineKind::CapeWindow,
            date(2026, 10, 1),
            as_of,
            Basis::Liquidation(date(2026, 7, 13)),
        ));
        assert!(matches!(
            psc_chance(&entry("01"), &d, as_of),
            PscChance::Closed(why) if why.contains("2026-07-13")
        ));
    }

    #[test]
    fn ftz_type_06_from_f883() {
        let d = psc(date(2026, 12, 1), date(2026, 8, 20));
        assert!(matches!(
            psc_chance(&entry("06"), &d, date(2026, 8, 20)),
            PscChance::Open(_)
        ));
        assert!(matches!(
            psc_chance(&entry("06"), &d, F883_FROM),
            PscChance::Closed(why) if why.contains("F883")
        ));
    }

    #[test]
    fn without_data_the_december_date_closes_every_window() {
        assert!(psc_without_data(date(2026, 12, 20)).contains("--entries"));
        assert!(psc_without_data(PSC_CLOSED_FOR_ALL_IEEPA).contains("every IEEPA entry"));
    }
}
