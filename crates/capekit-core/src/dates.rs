//! Dates as ACE exports and spreadsheets write them, read in one place for every reader and for
//! the dates CBP appends to its messages.
//!
//! ACE writes `MM/DD/YYYY`; Excel re-saves as `M/D/YYYY` or `M/D/YY`, and other tools as ISO
//! `YYYY-MM-DD`, sometimes with a time of day. A value that reads as none of these is an error
//! the caller reports with its position, never a guessed date.

use jiff::civil::Date;

use crate::entry::unwrap_value;

/// Years of the dates a CAPE file can hold: entries, summaries and liquidations from 1990 (ACE's
/// records start in the 1990s) to 2100. A date outside them is a typo or a damaged cell (an
/// Excel serial of 0 shows as 1900-01-00, a huge one as 9999-12-31), reported by the reader and
/// left unknown, never taken for a real date.
pub const FIRST_DATE_YEAR: i16 = 1990;
/// The last year of [`FIRST_DATE_YEAR`]'s range.
pub const LAST_DATE_YEAR: i16 = 2100;

/// Parses a date as ACE and spreadsheets write it: `MM/DD/YYYY`, `M/D/YYYY`, `M/D/YY` (20YY),
/// `YYYY-MM-DD`; a time of day after a space or `T` is ignored. `Ok(None)` for an empty value.
pub fn parse_date(raw: &str) -> Result<Option<Date>, &'static str> {
    let s = unwrap_value(raw);
    if s.is_empty() {
        return Ok(None);
    }
    let day_part = s.split([' ', 'T']).next().unwrap_or(s);
    let num = |p: &str, max_len: usize| -> Option<i16> {
        if p.is_empty() || p.len() > max_len || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse().ok()
    };
    let (y, m, d) = if !day_part.contains('/') && day_part.parse::<f64>().is_ok() {
        return Err(
            "a number: probably an Excel date that lost its date format, or a date cell outside 1990-2100",
        );
    } else if day_part.contains('/') {
        let mut it = day_part.split('/');
        let (Some(m), Some(d), Some(y), None) = (it.next(), it.next(), it.next(), it.next()) else {
            return Err("not month/day/year");
        };
        let year = match y.len() {
            4 => num(y, 4),
            2 => num(y, 2).map(|v| 2000 + v),
            _ => None,
        };
        (year, num(m, 2), num(d, 2))
    } else if day_part.contains('-') {
        let mut it = day_part.split('-');
        let (Some(y), Some(m), Some(d), None) = (it.next(), it.next(), it.next(), it.next()) else {
            return Err("not year-month-day");
        };
        (
            if y.len() == 4 { num(y, 4) } else { None },
            num(m, 2),
            num(d, 2),
        )
    } else {
        return Err("not a date format capekit reads");
    };
    let (Some(y), Some(m), Some(d)) = (y, m, d) else {
        return Err("the day, month or year is not a number of the right length");
    };
    let (Ok(m), Ok(d)) = (i8::try_from(m), i8::try_from(d)) else {
        return Err("no such day");
    };
    if !(FIRST_DATE_YEAR..=LAST_DATE_YEAR).contains(&y) {
        return Err("a year outside 1990-2100, no date of a CAPE entry");
    }
    Date::new(y, m, d).map(Some).map_err(|_| "no such day")
}
