//! CBP entry numbers: parsing what people paste, the CATAIR check digit, and the damage
//! spreadsheets do to them.
//!
//! An entry number is 11 characters: a 3-character filer code, a 7-digit transaction number and a
//! check digit (CATAIR Appendix E). People paste them with dashes, spaces, quotes, lower case or the
//! `="..."` wrapper that Excel exports use, and Excel itself turns all-digit numbers into floats
//! (`6.05761E+10`), drops leading zeros and appends `.0`. [`EntryNumber::parse`] accepts every
//! harmless form and names every damaged one, offering a repair only where the check digit proves
//! it; [`EntryNumber::parse_strict`] is what a CAPE upload file must hold, letter for letter.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Number of characters in a canonical entry number.
pub const ENTRY_NUMBER_LEN: usize = 11;

/// A valid entry number in canonical form: 11 upper-case ASCII characters, filer code of an
/// allowed pattern, check digit verified.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryNumber([u8; ENTRY_NUMBER_LEN]);

/// A filer code: the three letters or digits every entry number of a filer starts with, upper
/// case (`B76`, `057`). `000` is none: an all-digit filer code runs from 001 to 999.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FilerCode([u8; 3]);

/// Why a value is not a filer code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a filer code: a filer code is 3 letters or digits (not 000), the first three characters of the broker's entry numbers"
)]
pub struct FilerCodeError(pub String);

impl FilerCode {
    /// The filer code `value` writes, white space around it and case aside.
    pub fn parse(value: &str) -> Result<FilerCode, FilerCodeError> {
        let v = value.trim();
        let bytes: [u8; 3] = v
            .as_bytes()
            .try_into()
            .ok()
            .filter(|b: &[u8; 3]| b.iter().all(u8::is_ascii_alphanumeric) && b != b"000")
            .ok_or_else(|| FilerCodeError(value.to_owned()))?;
        Ok(FilerCode(bytes.map(|b| b.to_ascii_uppercase())))
    }

    /// The three characters.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters and digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for FilerCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for FilerCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FilerCode({})", self.as_str())
    }
}

impl Serialize for FilerCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Why a value is not a usable entry number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryNumberError {
    /// Nothing but white space, quotes or dashes.
    #[error("the value is empty")]
    Empty,
    /// Excel stored the number as a float and printed it in scientific notation; digits are lost.
    #[error(
        "`{}` is a number in scientific notation: Excel turned the entry number into a float and \
         its last digits are lost - reopen the source, format the column as Text and copy the numbers again",
        crate::diag::quoted(.raw)
    )]
    ScientificNotation {
        /// The value as found.
        raw: String,
    },
    /// An all-digit value shorter than 11 characters: Excel dropped the filer code's leading zeros.
    #[error("{}", lost_zero_message(raw, *repair))]
    LostLeadingZeros {
        /// The value as found.
        raw: String,
        /// The zero-padded number, offered only when its check digit is valid.
        repair: Option<EntryNumber>,
    },
    /// A trailing `.0` (or `.00`) that a spreadsheet appended to an all-digit number.
    #[error("{}", trailing_decimal_message(raw, *repair))]
    TrailingDecimal {
        /// The value as found.
        raw: String,
        /// The number without the decimal part (and with lost zeros restored) when that is valid.
        repair: Option<EntryNumber>,
    },
    /// A character that can never be part of an entry number.
    #[error(
        "`{}` contains `{ch}`, which is not a letter or digit - an entry number has only A-Z and 0-9",
        crate::diag::quoted(.raw)
    )]
    InvalidCharacter {
        /// The value as found.
        raw: String,
        /// The offending character.
        ch: char,
    },
    /// Not 11 characters once dashes and spaces are removed.
    #[error(
        "`{}` has {len} letters and digits; an entry number has 11 (3-character filer code, \
         7-digit transaction number, check digit)",
        crate::diag::quoted(.raw)
    )]
    WrongLength {
        /// The value as found.
        raw: String,
        /// Letters and digits counted.
        len: usize,
    },
    /// The filer code does not follow the CBP patterns (`000` and letters in the transaction number).
    #[error("`{}`: {reason}", crate::diag::quoted(.raw))]
    BadStructure {
        /// The value as found.
        raw: String,
        /// What is wrong with the structure.
        reason: &'static str,
    },
    /// The check digit does not match the other ten characters.
    #[error(
        "`{}`: check digit is {found} but the first ten characters give {expected} - a character \
         was mistyped; compare with the entry summary in ACE",
        crate::diag::quoted(.raw)
    )]
    CheckDigit {
        /// The value as found.
        raw: String,
        /// The check digit computed from the first ten characters.
        expected: char,
        /// The check digit in the value.
        found: char,
    },
}

fn lost_zero_message(raw: &str, repair: Option<EntryNumber>) -> String {
    let raw_len = raw.len();
    let raw = crate::diag::quoted(raw);
    match repair {
        Some(fixed) => format!(
            "`{raw}` has {raw_len} digits: Excel dropped the leading zero of the filer code; \
             `{fixed}` has a valid check digit - use it, and format the column as Text"
        ),
        None => format!(
            "`{raw}` has {raw_len} digits and looks like a number that lost its leading zeros, but no \
             zero-padded form has a valid check digit - copy the number again from ACE"
        ),
    }
}

fn trailing_decimal_message(raw: &str, repair: Option<EntryNumber>) -> String {
    let raw = crate::diag::quoted(raw);
    match repair {
        Some(fixed) => format!(
            "`{raw}` ends in a decimal part that a spreadsheet added to a number; \
             `{fixed}` has a valid check digit - use it, and format the column as Text"
        ),
        None => format!(
            "`{raw}` ends in a decimal part that a spreadsheet added to a number, and the number \
             without it is not a valid entry number - copy the number again from ACE"
        ),
    }
}

impl EntryNumberError {
    /// The repaired number this error offers, if the check digit proves it.
    pub fn repair(&self) -> Option<EntryNumber> {
        match self {
            Self::LostLeadingZeros { repair, .. } | Self::TrailingDecimal { repair, .. } => *repair,
            _ => None,
        }
    }
}

/// How a lenient parse arrived at the canonical number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cleanup {
    /// The value was already canonical.
    None,
    /// Only harmless formatting was removed: dashes, spaces, quotes, the `="..."` wrapper, or the
    /// letters were lower case.
    Formatting,
}

/// Result of [`EntryNumber::parse_strict`] on a value that a lenient parse accepts but that is not
/// written the way a CAPE upload needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StrictError {
    /// The value is a valid entry number but must be written as the canonical 11 characters.
    NotCanonical {
        /// The canonical form.
        canonical: EntryNumber,
        /// What was removed or changed, for the message.
        what: &'static str,
    },
    /// The value is not an entry number at all.
    Invalid(EntryNumberError),
}

impl EntryNumber {
    /// Parses anything a user might paste: surrounding white space and quotes, the `="..."` Excel
    /// wrapper, dashes and spaces inside, lower case. Damage that loses information is an error that
    /// says what happened and, when the check digit proves it, offers the repair.
    pub fn parse(raw: &str) -> Result<EntryNumber, EntryNumberError> {
        Self::parse_with_cleanup(raw).map(|(n, _)| n)
    }

    /// Like [`EntryNumber::parse`], and also says whether formatting had to be removed.
    pub fn parse_with_cleanup(raw: &str) -> Result<(EntryNumber, Cleanup), EntryNumberError> {
        // Most values are already canonical: judge them without building a cleaned copy.
        if raw.len() == ENTRY_NUMBER_LEN
            && raw
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        {
            return Self::from_canonical(raw, raw.as_bytes()).map(|n| (n, Cleanup::None));
        }
        let unwrapped = unwrap_value(raw);
        let mut chars = String::with_capacity(ENTRY_NUMBER_LEN);
        for ch in unwrapped.chars() {
            match ch {
                '-' | ' ' | '\t' | '\u{a0}' => {}
                c if c.is_ascii_alphanumeric() => chars.push(c.to_ascii_uppercase()),
                '.' | ',' | '+' => {
                    // Handled below as spreadsheet number damage.
                    chars.push(ch);
                }
                c => {
                    return Err(EntryNumberError::InvalidCharacter {
                        raw: raw.to_owned(),
                        ch: c,
                    });
                }
            }
        }
        if chars.is_empty() {
            return Err(EntryNumberError::Empty);
        }
        // A value of 11 letters and digits is judged as an entry number even where it reads like
        // a float (`0E000000009` is a valid entry number of filer `0E0`).
        let plain =
            chars.len() == ENTRY_NUMBER_LEN && chars.bytes().all(|b| b.is_ascii_alphanumeric());
        if let Some(err) = (!plain).then(|| spreadsheet_damage(raw, &chars)).flatten() {
            return Err(err);
        }
        if let Some(c) = chars.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(EntryNumberError::InvalidCharacter {
                raw: raw.to_owned(),
                ch: c,
            });
        }
        if chars.len() < ENTRY_NUMBER_LEN && chars.bytes().all(|b| b.is_ascii_digit()) {
            return Err(EntryNumberError::LostLeadingZeros {
                raw: raw.to_owned(),
                repair: zero_pad_repair(&chars),
            });
        }
        let number = Self::from_canonical(raw, chars.as_bytes())?;
        let cleanup = if raw.as_bytes() == number.0 {
            Cleanup::None
        } else {
            Cleanup::Formatting
        };
        Ok((number, cleanup))
    }

    /// Parses a value as it must stand in a CAPE upload file: exactly 11 upper-case letters and
    /// digits. A value that [`EntryNumber::parse`] would accept after removing formatting is
    /// reported as [`StrictError::NotCanonical`] with the canonical form.
    pub fn parse_strict(raw: &str) -> Result<EntryNumber, StrictError> {
        match Self::parse_with_cleanup(raw) {
            Ok((number, Cleanup::None)) => Ok(number),
            Ok((canonical, Cleanup::Formatting)) => Err(StrictError::NotCanonical {
                canonical,
                what: describe_formatting(raw),
            }),
            Err(e) => Err(StrictError::Invalid(e)),
        }
    }

    fn from_canonical(raw: &str, bytes: &[u8]) -> Result<EntryNumber, EntryNumberError> {
        let arr: [u8; ENTRY_NUMBER_LEN] =
            bytes
                .try_into()
                .map_err(|_| EntryNumberError::WrongLength {
                    raw: raw.to_owned(),
                    len: bytes.len(),
                })?;
        if let Some(reason) = structure_problem(&arr) {
            return Err(EntryNumberError::BadStructure {
                raw: raw.to_owned(),
                reason,
            });
        }
        let expected = check_digit(&arr[..10]);
        let found = char::from(arr[10]);
        if expected != found {
            return Err(EntryNumberError::CheckDigit {
                raw: raw.to_owned(),
                expected,
                found,
            });
        }
        Ok(EntryNumber(arr))
    }

    /// Builds an entry number from a filer code and a 7-digit transaction number, computing the
    /// check digit. Returns `None` when the parts do not follow CBP's patterns.
    pub fn from_parts(filer: &str, transaction: u32) -> Option<EntryNumber> {
        if filer.len() != 3 || transaction > 9_999_999 {
            return None;
        }
        let ten = format!("{}{transaction:07}", filer.to_ascii_uppercase());
        let mut arr = [0u8; ENTRY_NUMBER_LEN];
        arr[..10].copy_from_slice(ten.as_bytes());
        arr[10] = check_digit(&arr[..10]) as u8;
        if structure_problem(&arr).is_some() {
            return None;
        }
        Some(EntryNumber(arr))
    }

    /// The 11 ASCII bytes, without the UTF-8 check of [`EntryNumber::as_str`]: for hot loops
    /// (sorting a million rows).
    pub fn as_bytes(&self) -> &[u8; ENTRY_NUMBER_LEN] {
        &self.0
    }

    /// The canonical 11 characters, as a CAPE upload file holds them.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters and digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The filer code (first three characters).
    pub fn filer_code(&self) -> &str {
        &self.as_str()[..3]
    }

    /// The filer code, as the type that travels.
    pub fn filer(&self) -> FilerCode {
        FilerCode([self.0[0], self.0[1], self.0[2]])
    }

    /// The printed form with dashes: filer code, transaction number, check digit (`B76-0324527-8`).
    pub fn dashed(&self) -> String {
        let s = self.as_str();
        format!("{}-{}-{}", &s[..3], &s[3..10], &s[10..])
    }
}

/// The CATAIR Appendix E check digit of the first ten characters of an entry number.
///
/// Letters map to digits (A-I -> 1-9, J-R -> 1-9, S-Z -> 2-9); the digits at even positions
/// (counting from 1) are doubled, a product over 9 replaced by the sum of its digits; the check
/// digit is `(10 - total mod 10) mod 10`.
pub fn check_digit(first_ten: &[u8]) -> char {
    let total: u32 = first_ten
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            let d = digit_value(b);
            if i % 2 == 1 {
                let p = d * 2;
                if p > 9 { p - 9 } else { p }
            } else {
                d
            }
        })
        .sum();
    char::from(b'0' + ((10 - total % 10) % 10) as u8)
}

fn digit_value(b: u8) -> u32 {
    match b {
        b'0'..=b'9' => u32::from(b - b'0'),
        b'A'..=b'I' => u32::from(b - b'A' + 1),
        b'J'..=b'R' => u32::from(b - b'J' + 1),
        b'S'..=b'Z' => u32::from(b - b'S' + 2),
        _ => 0,
    }
}

/// CBP filer codes follow the patterns NNN (001-999), ANN, AAN, AAA, ANA, NAN, NNA and NAA; the
/// transaction number and the check digit are digits.
fn structure_problem(arr: &[u8; ENTRY_NUMBER_LEN]) -> Option<&'static str> {
    if &arr[..3] == b"000" {
        return Some(
            "filer code `000` does not exist; an all-digit filer code runs from 001 to 999",
        );
    }
    if !arr[3..10].iter().all(u8::is_ascii_digit) {
        return Some(
            "characters 4 to 10 must be the 7-digit transaction number, but a letter stands there",
        );
    }
    if !arr[10].is_ascii_digit() {
        return Some("the last character must be the check digit, but it is a letter");
    }
    None
}

/// Removes what surrounds a value in spreadsheets and pastes: white space, the `="..."` Excel
/// wrapper, and one level of quotes.
pub fn unwrap_value(raw: &str) -> &str {
    let mut s = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if let Some(inner) = s.strip_prefix('=') {
        s = inner.trim();
    }
    for q in ['"', '\''] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            s = s[1..s.len() - 1].trim();
        }
    }
    s
}

fn describe_formatting(raw: &str) -> &'static str {
    let inner = unwrap_value(raw);
    if inner.len() != raw.len() {
        if raw.trim_start().starts_with('=') {
            "the Excel `=\"...\"` wrapper"
        } else if raw.trim() != raw {
            "spaces around the number"
        } else {
            "quotes around the number"
        }
    } else if inner.contains('-') {
        "dashes"
    } else if inner.contains(char::is_whitespace) || inner.contains('\u{a0}') {
        "spaces"
    } else {
        "lower-case letters"
    }
}

/// Recognises numbers a spreadsheet produced: scientific notation and a trailing `.0`.
fn spreadsheet_damage(raw: &str, chars: &str) -> Option<EntryNumberError> {
    let upper = chars.replace(',', "");
    if let Some((mantissa, exp)) = upper.split_once('E') {
        let exp = exp.strip_prefix('+').unwrap_or(exp);
        let mantissa_ok = !mantissa.is_empty()
            && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && mantissa.bytes().filter(|&b| b == b'.').count() <= 1;
        if mantissa_ok && !exp.is_empty() && exp.bytes().all(|b| b.is_ascii_digit()) {
            return Some(EntryNumberError::ScientificNotation {
                raw: raw.to_owned(),
            });
        }
    }
    if let Some((int, frac)) = upper.split_once('.') {
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if all_digits(int) && all_digits(frac) && frac.bytes().all(|b| b == b'0') {
            let repair = match int.len() {
                ENTRY_NUMBER_LEN => EntryNumber::from_canonical(raw, int.as_bytes()).ok(),
                n if n < ENTRY_NUMBER_LEN => zero_pad_repair(int),
                _ => None,
            };
            return Some(EntryNumberError::TrailingDecimal {
                raw: raw.to_owned(),
                repair,
            });
        }
    }
    None
}

/// Zero-pads an all-digit value to 11 characters and keeps it only when the check digit is valid.
/// Excel drops at most the two leading zeros of a filer code (`001` is the smallest), so only
/// values of 9 or 10 digits can be repaired.
fn zero_pad_repair(digits: &str) -> Option<EntryNumber> {
    if !(9..ENTRY_NUMBER_LEN).contains(&digits.len()) {
        return None;
    }
    let padded = format!("{digits:0>11}");
    EntryNumber::from_canonical(&padded, padded.as_bytes()).ok()
}

impl fmt::Display for EntryNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for EntryNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EntryNumber({})", self.as_str())
    }
}

impl FromStr for EntryNumber {
    type Err = EntryNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for EntryNumber {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EntryNumber {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        EntryNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(s: &str) -> EntryNumber {
        EntryNumber::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn worked_examples_from_catair() {
        assert_eq!(ok("B76-0324527-8").as_str(), "B7603245278");
        assert_eq!(ok("ABC-1234567-6").as_str(), "ABC12345676");
        assert_eq!(check_digit(b"B760324527"), '8');
    }

    #[test]
    fn dashed_form_round_trips() {
        let n = ok("B7603245278");
        assert_eq!(n.dashed(), "B76-0324527-8");
        assert_eq!(ok(&n.dashed()), n);
        assert_eq!(n.filer_code(), "B76");
    }

    #[test]
    fn harmless_formatting_is_removed() {
        for raw in [
            " b76-0324527-8 ",
            "=\"B7603245278\"",
            "\"B76 0324527 8\"",
            "'B7603245278'",
            "B76\u{a0}0324527\u{a0}8",
        ] {
            let (n, c) = EntryNumber::parse_with_cleanup(raw).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(n.as_str(), "B7603245278", "{raw}");
            assert_eq!(c, Cleanup::Formatting, "{raw}");
        }
        assert_eq!(
            EntryNumber::parse_with_cleanup("B7603245278").map(|x| x.1),
            Ok(Cleanup::None)
        );
    }

    #[test]
    fn strict_parse_names_the_formatting() {
        let cases = [
            ("=\"B7603245278\"", "the Excel `=\"...\"` wrapper"),
            ("B76-0324527-8", "dashes"),
            ("b7603245278", "lower-case letters"),
            (" B7603245278", "spaces around the number"),
        ];
        for (raw, what) in cases {
            match EntryNumber::parse_strict(raw) {
                Err(StrictError::NotCanonical { canonical, what: w }) => {
                    assert_eq!(canonical.as_str(), "B7603245278");
                    assert_eq!(w, what, "{raw}");
                }
                other => panic!("{raw}: {other:?}"),
            }
        }
    }

    #[test]
    fn placeholder_numbers_fail_the_check_digit() {
        assert!(matches!(
            EntryNumber::parse("ABC12345678"),
            Err(EntryNumberError::CheckDigit {
                expected: '6',
                found: '8',
                ..
            })
        ));
    }

    #[test]
    fn scientific_notation_is_named() {
        for raw in ["6.05761E+10", "6.05761e+10", "6,05761E+10", "6E10"] {
            assert!(
                matches!(
                    EntryNumber::parse(raw),
                    Err(EntryNumberError::ScientificNotation { .. })
                ),
                "{raw}"
            );
        }
    }

    #[test]
    fn lost_leading_zero_offers_a_valid_repair() {
        let full = EntryNumber::from_parts("057", 6069342).expect("valid parts");
        let damaged = &full.as_str()[1..];
        match EntryNumber::parse(damaged) {
            Err(e @ EntryNumberError::LostLeadingZeros { .. }) => {
                assert_eq!(e.repair(), Some(full));
                assert!(e.to_string().contains(full.as_str()));
            }
            other => panic!("{other:?}"),
        }
        let two_zeros = EntryNumber::from_parts("001", 1234567).expect("valid parts");
        assert_eq!(
            EntryNumber::parse(&two_zeros.as_str()[2..])
                .err()
                .and_then(|e| e.repair()),
            Some(two_zeros)
        );
    }

    #[test]
    fn lost_leading_zero_without_valid_repair_offers_none() {
        let full = EntryNumber::from_parts("057", 6069342).expect("valid parts");
        let mut damaged = full.as_str()[1..].to_owned();
        // Change the check digit so that no padding can be valid.
        let last = damaged.pop().and_then(|c| c.to_digit(10)).unwrap_or(0);
        damaged.push(char::from(b'0' + ((last + 1) % 10) as u8));
        let err = EntryNumber::parse(&damaged).expect_err("damaged");
        assert!(matches!(
            err,
            EntryNumberError::LostLeadingZeros { repair: None, .. }
        ));
    }

    #[test]
    fn trailing_decimal_is_named_and_repaired() {
        let full = EntryNumber::from_parts("605", 7606934).expect("valid parts");
        let err = EntryNumber::parse(&format!("{full}.0")).expect_err("decimal");
        assert!(matches!(err, EntryNumberError::TrailingDecimal { .. }));
        assert_eq!(err.repair(), Some(full));
        let zero = EntryNumber::from_parts("057", 6069342).expect("valid parts");
        let err = EntryNumber::parse(&format!("{}.00", &zero.as_str()[1..])).expect_err("decimal");
        assert_eq!(err.repair(), Some(zero));
    }

    #[test]
    fn structure_errors() {
        let n = EntryNumber::parse("00012345678");
        assert!(
            matches!(n, Err(EntryNumberError::BadStructure { .. })),
            "{n:?}"
        );
        assert!(matches!(
            EntryNumber::parse("B76032452X8"),
            Err(EntryNumberError::BadStructure { .. })
        ));
        assert!(matches!(
            EntryNumber::parse("B760324527"),
            Err(EntryNumberError::WrongLength { len: 10, .. })
        ));
        assert!(matches!(
            EntryNumber::parse("B76_0324527_8"),
            Err(EntryNumberError::InvalidCharacter { ch: '_', .. })
        ));
        assert_eq!(EntryNumber::parse(" \"\" "), Err(EntryNumberError::Empty));
    }

    #[test]
    fn letter_and_digit_with_equal_value_share_a_check_digit() {
        // CATAIR Appendix E: `Z99` vs `999` - the check catches typos, not every substitution.
        assert_eq!(check_digit(b"Z991234567"), check_digit(b"9991234567"));
    }

    #[test]
    fn a_filer_code_is_three_letters_or_digits_and_never_000() {
        assert_eq!(
            FilerCode::parse(" b76 ").map(|f| f.to_string()),
            Ok("B76".to_owned())
        );
        assert_eq!(
            FilerCode::parse("057").map(|f| f.to_string()),
            Ok("057".to_owned())
        );
        for bad in ["", "B7", "B766", "B-7", "000", "É76"] {
            assert!(FilerCode::parse(bad).is_err(), "{bad}");
        }
        let n = EntryNumber::parse("B76-0324527-8").expect("valid");
        assert_eq!(n.filer(), FilerCode::parse("B76").expect("valid"));
    }

    fn filer_code() -> impl Strategy<Value = String> {
        let alnum = proptest::char::ranges(vec!['A'..='Z', '0'..='9'].into());
        proptest::collection::vec(alnum, 3)
            .prop_map(|v| v.into_iter().collect::<String>())
            .prop_filter("000 is not a filer code", |s| s != "000")
    }

    proptest! {
        #[test]
        fn every_valid_number_round_trips(filer in filer_code(), tx in 0u32..=9_999_999) {
            let n = EntryNumber::from_parts(&filer, tx).expect("valid parts");
            prop_assert_eq!(EntryNumber::parse(n.as_str()), Ok(n));
            prop_assert_eq!(EntryNumber::parse(&n.dashed()), Ok(n));
            prop_assert_eq!(EntryNumber::parse(&n.as_str().to_lowercase()), Ok(n));
            prop_assert_eq!(EntryNumber::parse(&format!("=\"{n}\"")), Ok(n));
            prop_assert_eq!(EntryNumber::parse_strict(n.as_str()), Ok(n));
        }

        #[test]
        fn any_single_changed_digit_is_caught(
            filer in filer_code(),
            tx in 0u32..=9_999_999,
            pos in 0usize..ENTRY_NUMBER_LEN,
            delta in 1u8..10,
        ) {
            let n = EntryNumber::from_parts(&filer, tx).expect("valid parts");
            let mut bytes = n.as_str().as_bytes().to_vec();
            prop_assume!(bytes[pos].is_ascii_digit());
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let changed = std::str::from_utf8(&bytes).expect("ascii");
            prop_assert!(EntryNumber::parse(changed).is_err(), "{} accepted", changed);
        }

        #[test]
        fn parse_never_panics(s in ".{0,40}") {
            let _ = EntryNumber::parse(&s);
            let _ = EntryNumber::parse_strict(&s);
        }
    }

    #[test]
    fn a_huge_value_is_not_quoted_whole_in_its_message() {
        // Regression: a 5 MB cell made a 5 MB message in `check` and `fix`.
        for raw in [
            "7".repeat(5_000_000),
            format!("{}\u{e9}", "\u{e9}".repeat(100)),
        ] {
            let msg = EntryNumber::parse(&raw)
                .expect_err("not an entry")
                .to_string();
            assert!(msg.len() < 400, "{} bytes", msg.len());
            assert!(msg.contains(" characters in all)"), "{msg}");
        }
        let short = EntryNumber::parse("B760324527")
            .expect_err("short")
            .to_string();
        assert!(short.starts_with("`B760324527` has 10 letters"), "{short}");
    }
}
