//! Dates as ACE exports and spreadsheets write them, read in one place for every reader and for
//! the dates CBP appends to its messages.
//!
//! ACE writes `MM/DD/YYYY`; Excel re-saves as `M/D/YYYY` or `M/D/YY`, and other tools as ISO
//! `YYYY-MM-DD`, sometimes with a time of day. A value that reads as none of these is an error
//! the caller reports with its position, never a guessed date.

use jiff::civil::Date;

use crate::entry::unwrap_value;

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
    let (y, m, d) = if day_part.contains('/') {
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
    } else if day_part.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err("a number: probably an Excel date that lost its date format");
    } else {
        return Err("not a date format capekit reads");
    };
    let (Some(y), Some(m), Some(d)) = (y, m, d) else {
        return Err("the day, month or year is not a number of the right length");
    };
    let (Ok(m), Ok(d)) = (i8::try_from(m), i8::try_from(d)) else {
        return Err("no such day");
    };
    Date::new(y, m, d).map(Some).map_err(|_| "no such day")
}
