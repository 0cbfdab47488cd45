//! Turning bytes into text the way Excel users' files need it: BOM removed, UTF-8 when it is
//! valid, Windows-1252 otherwise, and UTF-16 when Excel saved "Unicode Text".

use std::borrow::Cow;

/// Decoded text and what it took to decode it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// The text, without BOM.
    pub text: Cow<'a, str>,
    /// A byte order mark was removed.
    pub bom: bool,
    /// The bytes were not UTF-8 and were read as Windows-1252.
    pub windows_1252: bool,
}

/// Decodes UTF-8 (with or without BOM), falling back to Windows-1252.
pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    let (body, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    match std::str::from_utf8(body) {
        Ok(s) => Decoded {
            text: Cow::Borrowed(s),
            bom,
            windows_1252: false,
        },
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(body);
            Decoded {
                text,
                bom,
                windows_1252: true,
            }
        }
    }
}

/// Decodes UTF-16 (LE or BE, by BOM; LE without one).
pub fn decode_utf16(bytes: &[u8]) -> String {
    let (enc, body) = if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        (encoding_rs::UTF_16BE, rest)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        (encoding_rs::UTF_16LE, rest)
    } else if bytes.first() == Some(&0) {
        (encoding_rs::UTF_16BE, bytes)
    } else {
        (encoding_rs::UTF_16LE, bytes)
    };
    enc.decode_without_bom_handling(body).0.into_owned()
}

/// Decodes one field of a CSV read as bytes: UTF-8 when valid, else Windows-1252.
pub fn decode_field(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_bom_utf8_and_1252() {
        let d = decode(b"\xEF\xBB\xBFEntry Number");
        assert!(d.bom && !d.windows_1252);
        assert_eq!(d.text, "Entry Number");
        let d = decode(b"caf\xE9");
        assert!(d.windows_1252);
        assert_eq!(d.text, "caf\u{e9}");
        assert_eq!(decode_utf16(b"\xFF\xFEA\x00B\x00"), "AB");
        assert_eq!(decode_field(b"\x80"), "\u{20ac}");
    }
}
