//! The values of the cells as ACE and Excel write them: dates, amounts, entry types, HTS numbers.

use super::*;

pub(super) fn intern(texts: &mut foldhash::HashSet<Arc<str>>, value: &str) -> Arc<str> {
    if let Some(t) = texts.get(value) {
        return Arc::clone(t);
    }
    let t: Arc<str> = Arc::from(value);
    texts.insert(Arc::clone(&t));
    t
}

pub(super) fn entry_message(e: &EntryNumberError, position: &str) -> String {
    match e {
        EntryNumberError::Empty => format!(
            "{position}: the entry number is empty; this row is left out - if it is a total or footer row, delete it; otherwise fill in the entry number"
        ),
        other => {
            let repair = other
                .repair()
                .map(|r| format!(" (probably {r})"))
                .unwrap_or_default();
            format!(
                "{position}: the entry number cannot be read: {other}{repair}; this row is left out - correct the number, or export the report again without opening it in Excel"
            )
        }
    }
}

pub(super) fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The day an Excel date serial stands for (1900 date system: serial 61 is 1900-03-01; the
/// fictitious 1900-02-29 of serial 60 and earlier serials are left out), when `value` is a whole
/// number naming a day of [`capekit_core::dates::FIRST_DATE_YEAR`] to `LAST_DATE_YEAR`: said
/// beside the finding so that the user can check the cell, never taken as the date.
pub(super) fn excel_serial_date(value: &str) -> Option<jiff::civil::Date> {
    let digits = value.strip_suffix(".0").unwrap_or(value);
    if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = digits.parse().ok()?;
    if n < 61 {
        return None;
    }
    let d = jiff::civil::date(1899, 12, 30)
        .checked_add(jiff::Span::new().days(n))
        .ok()?;
    (capekit_core::dates::FIRST_DATE_YEAR..=capekit_core::dates::LAST_DATE_YEAR)
        .contains(&d.year())
        .then_some(d)
}

/// A two-digit entry type from `01`, `1`, `01 - Consumption`, `1.0`; `None` when the value has
/// no such code.
pub(super) fn entry_type(value: &str) -> Option<String> {
    let digits = value.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &value[digits..];
    let rest_ok = rest.is_empty()
        || rest.starts_with([' ', '-', ':', '\t'])
        || (rest.starts_with('.') && rest[1..].bytes().all(|b| b == b'0'));
    match (digits, rest_ok) {
        (1, true) => Some(format!("0{}", &value[..1])),
        (2, true) => Some(value[..2].to_owned()),
        _ => None,
    }
}

/// The digits of an HTS number (dots, spaces and dashes removed), or why it is not one. A value
/// of 7 or 9 digits lost the leading zero of chapters 01-09 to a spreadsheet and gets it back.
pub(super) fn hts_digits(value: &str) -> Result<HtsDigits, &'static str> {
    let mut out = HtsDigits::default();
    for b in value.bytes() {
        match b {
            b'0'..=b'9' => {
                if out.len == out.buf.len() {
                    return Err("more than 10 digits");
                }
                out.buf[out.len] = b;
                out.len += 1;
            }
            b'.' | b' ' | b'-' => {}
            b'E' | b'e' | b'+' => {
                return Err("a number in scientific notation: Excel converted the column");
            }
            _ => return Err("a character other than digits and dots"),
        }
    }
    if out.len < 4 {
        return Err("fewer than 4 digits");
    }
    if out.len == 7 || out.len == 9 {
        out.buf.copy_within(..out.len, 1);
        out.buf[0] = b'0';
        out.len += 1;
    }
    Ok(out)
}

/// Up to 10 HTS digits, on the stack: one is read per row.
#[derive(Debug, Default)]
pub(super) struct HtsDigits {
    pub(super) buf: [u8; 10],
    pub(super) len: usize,
}

impl HtsDigits {
    pub(super) fn as_slice(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Parses an amount in dollars into cents: `$1,234.00`, `1234`, `-12.5`, `(12.00)` and `$(12.00)`
/// (negative), `="12.00"`. More than two decimals round half away from zero (spreadsheet floats
/// such as `0.30000000000000004`). `Ok(None)` for an empty value.
pub fn parse_cents(raw: &str) -> Result<Option<i64>, &'static str> {
    let mut s = unwrap_value(raw);
    if s.is_empty() {
        return Ok(None);
    }
    let mut negative = false;
    // Each sign marker may appear once, in the orders accounting exports use.
    for _ in 0..3 {
        if let Some(inner) = s.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
            negative = !negative;
            s = inner.trim();
        } else if let Some(rest) = s.strip_prefix('-') {
            negative = !negative;
            s = rest.trim();
        } else if let Some(rest) = s.strip_prefix('$') {
            s = rest.trim();
        } else if let Some(rest) = s.strip_prefix('+') {
            s = rest.trim();
        }
    }
    if s.contains(['e', 'E']) {
        return Err("a number in scientific notation");
    }
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return Err("no digits");
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err("unexpected characters after the decimal point");
    }
    let mut dollars: i64 = 0;
    let groups: Vec<&str> = int.split(',').collect();
    for (i, g) in groups.iter().enumerate() {
        let grouped = groups.len() > 1;
        let ok_len = if !grouped {
            true
        } else if i == 0 {
            (1..=3).contains(&g.len())
        } else {
            g.len() == 3
        };
        if !ok_len || !g.bytes().all(|b| b.is_ascii_digit()) {
            return Err("not digits with thousands separators");
        }
        for b in g.bytes() {
            dollars = dollars
                .checked_mul(10)
                .and_then(|d| d.checked_add(i64::from(b - b'0')))
                .ok_or("too large")?;
        }
    }
    let fb = frac.as_bytes();
    let digit = |i: usize| fb.get(i).map_or(0, |b| i64::from(b - b'0'));
    let mut cents = digit(0) * 10 + digit(1);
    if digit(2) >= 5 {
        cents += 1;
    }
    let total = dollars
        .checked_mul(100)
        .and_then(|d| d.checked_add(cents))
        .filter(|&t| t <= MAX_AMOUNT_CENTS)
        .ok_or("more than $10,000,000,000.00, beyond any entry's amounts")?;
    Ok(Some(if negative { -total } else { total }))
}

/// The largest amount a cell or an entry's total may hold: $10 billion. No entry carries that
/// much duty or goods value (the largest entries are a few million dollars), and at this bound
/// no sum over a file's lines or entries comes near `i64::MAX` cents; a larger value is a typo or
/// a crafted file, reported (R002) and left unknown rather than wrapped or clamped.
pub const MAX_AMOUNT_CENTS: i64 = 1_000_000_000_000;

pub use capekit_core::dates::parse_date;

/// Is an importer cell a placeholder rather than an importer number: a word such as `N/A`,
/// `NONE`, `UNKNOWN` or `TBD`, punctuation alone (`-`, `?`), a run of `X`s, or digits that are
/// all zero (`0`, `00-000000000`)? Every other value is kept as the file writes it: importer
/// numbers come as IRS numbers (`12-3456789AB`), CBP-assigned numbers (`261234-56789`) and
/// SSN-style numbers, and capekit does not judge their form.
pub(super) fn placeholder_importer(value: &str) -> bool {
    const WORDS: [&str; 17] = [
        "na",
        "none",
        "unknown",
        "unk",
        "tbd",
        "tba",
        "null",
        "nil",
        "missing",
        "pending",
        "notapplicable",
        "notavailable",
        "notprovided",
        "blank",
        "empty",
        "nan",
        "void",
    ];
    let alnum: String = value
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if alnum.is_empty() {
        return true;
    }
    if WORDS.contains(&alnum.as_str()) {
        return true;
    }
    // Only zeros, or only x's (`XX-XXXXXXX00`, a mask), carry no number.
    alnum.chars().all(|c| c == '0' || c == 'x')
}

/// Can a flag column's value be read: yes or no ([`capekit_core::path::flag_value`]), or, in the
/// AD/CVD column, a status the path engine reads (suspended, pending liquidation, Commerce's
/// instructions)?
pub(super) fn flag_readable(column: Column, value: &str) -> bool {
    if capekit_core::path::flag_value(value).is_some() {
        return true;
    }
    let s: String = value
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    column == Column::AdCvd && ["susp", "pend", "instruct"].iter().any(|w| s.contains(w))
}
