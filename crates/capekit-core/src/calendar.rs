//! Business days as CBP counts them: weekends and the federal holidays of 5 USC 6103 are not
//! business days.
//!
//! A protest withdrawal must post before CBP's batch validates the new declaration, so it is
//! advised only with enough business days left in the 80-day window. The holidays follow the
//! statute's rules (fixed dates, observed on the Friday before a Saturday and the Monday after a
//! Sunday; the others on the nth Monday or Thursday of their month), so no yearly table goes out
//! of date. Inauguration Day, a holiday only in the Washington area, is not counted.

use jiff::civil::{Date, Weekday, date};

/// A protest withdrawal is advised only with this many business days left in the CAPE window: it
/// must post before CBP's batch validates the new declaration.
pub const WITHDRAWAL_BUSINESS_DAYS: u32 = 5;

/// The nth `weekday` of `month` in `year` (n from 1), or the last one when `n` is 0.
fn nth_weekday(year: i16, month: i8, weekday: Weekday, n: i8) -> Option<Date> {
    let first = Date::new(year, month, 1).ok()?;
    if n == 0 {
        let last = first.last_of_month();
        let back = (last.weekday().to_monday_zero_offset() - weekday.to_monday_zero_offset())
            .rem_euclid(7);
        return last
            .checked_sub(jiff::Span::new().days(i64::from(back)))
            .ok();
    }
    let ahead =
        (weekday.to_monday_zero_offset() - first.weekday().to_monday_zero_offset()).rem_euclid(7);
    first
        .checked_add(jiff::Span::new().days(i64::from(ahead + 7 * (n - 1))))
        .ok()
}

/// A fixed-date holiday as observed: Saturday to the Friday before, Sunday to the Monday after
/// (5 USC 6103(b)).
fn observed(d: Date) -> Date {
    let shift = match d.weekday() {
        Weekday::Saturday => -1,
        Weekday::Sunday => 1,
        _ => 0,
    };
    d.checked_add(jiff::Span::new().days(shift)).unwrap_or(d)
}

/// The federal holidays observed in `year` (5 USC 6103(a)).
pub fn federal_holidays(year: i16) -> Vec<Date> {
    use Weekday::{Monday, Thursday};
    let fixed = |m: i8, d: i8| Date::new(year, m, d).ok().map(observed);
    [
        fixed(1, 1),
        nth_weekday(year, 1, Monday, 3),
        nth_weekday(year, 2, Monday, 3),
        nth_weekday(year, 5, Monday, 0),
        fixed(6, 19),
        fixed(7, 4),
        nth_weekday(year, 9, Monday, 1),
        nth_weekday(year, 10, Monday, 2),
        fixed(11, 11),
        nth_weekday(year, 11, Thursday, 4),
        fixed(12, 25),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Is `d` a business day: not a Saturday, a Sunday or a federal holiday as observed? New Year's
/// Day of the next year may be observed on 31 December.
pub fn is_business_day(d: Date) -> bool {
    if matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
        return false;
    }
    let next_new_year = date(d.year().saturating_add(1), 1, 1);
    !(federal_holidays(d.year()).contains(&d) || observed(next_new_year) == d)
}

/// Business days after `from` up to and including `to` (0 when `to` is not after `from`).
pub fn business_days_between(from: Date, to: Date) -> u32 {
    let mut n = 0;
    let mut d = from;
    while d < to {
        let Ok(next) = d.tomorrow() else { break };
        d = next;
        if is_business_day(d) {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holidays_of_2026_and_2027_as_opm_lists_them() {
        assert_eq!(
            federal_holidays(2026),
            vec![
                date(2026, 1, 1),
                date(2026, 1, 19),
                date(2026, 2, 16),
                date(2026, 5, 25),
                date(2026, 6, 19),
                date(2026, 7, 3), // 4 July is a Saturday
                date(2026, 9, 7),
                date(2026, 10, 12),
                date(2026, 11, 11),
                date(2026, 11, 26),
                date(2026, 12, 25),
            ]
        );
        assert_eq!(
            federal_holidays(2027)[..3],
            [date(2027, 1, 1), date(2027, 1, 18), date(2027, 2, 15)]
        );
        // 25 December 2027 is a Saturday: observed on Friday the 24th.
        assert!(federal_holidays(2027).contains(&date(2027, 12, 24)));
    }

    #[test]
    fn business_days_skip_weekends_and_holidays() {
        // Wednesday 2026-11-25 to Wednesday 2026-12-02: Thanksgiving and a weekend skipped.
        assert_eq!(
            business_days_between(date(2026, 11, 25), date(2026, 12, 2)),
            4
        );
        assert_eq!(
            business_days_between(date(2026, 12, 2), date(2026, 12, 2)),
            0
        );
        assert!(!is_business_day(date(2026, 12, 25)));
        assert!(is_business_day(date(2026, 12, 24)));
        // 1 January 2028 is a Saturday: observed on Friday 31 December 2027.
        assert!(!is_business_day(date(2027, 12, 31)));
    }
}
