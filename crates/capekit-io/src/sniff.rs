//! What a file really is, judged by its bytes and not by its name.
//!
//! Users rename workbooks to `.csv`, save "Unicode Text" (UTF-16) from Excel, or pick the PDF
//! printout by mistake. Every reader sniffs first so that the message names what the file is.

use capekit_core::check::Content;

/// Judges the content from the first bytes of a file.
pub fn sniff(bytes: &[u8]) -> Content {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        // An OOXML workbook names its parts `xl/...` or `[Content_Types].xml` near the start.
        let head = &bytes[..bytes.len().min(64 * 1024)];
        if contains(head, b"xl/") || contains(head, b"[Content_Types].xml") {
            return Content::Xlsx;
        }
        return Content::Zip;
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Content::Xls;
    }
    if bytes.starts_with(b"%PDF") {
        return Content::Pdf;
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Content::Utf16;
    }
    let head = &bytes[..bytes.len().min(4096)];
    let nuls = head.iter().filter(|&&b| b == 0).count();
    if nuls > 0 {
        // UTF-16 without BOM: every other byte is NUL for ASCII text.
        let even = head.iter().step_by(2).filter(|&&b| b == 0).count();
        let odd = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
        if head.len() >= 4 && (odd * 3 >= head.len() || even * 3 >= head.len()) {
            return Content::Utf16;
        }
        return Content::Binary;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    if controls * 10 > head.len().max(1) {
        return Content::Binary;
    }
    Content::Text
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_usual_suspects() {
        assert_eq!(sniff(b"Entry Number\r\nB7603245278\r\n"), Content::Text);
        assert_eq!(sniff(b"PK\x03\x04....xl/workbook.xml"), Content::Xlsx);
        assert_eq!(sniff(b"PK\x03\x04....other.txt"), Content::Zip);
        assert_eq!(sniff(b"%PDF-1.7\n"), Content::Pdf);
        assert_eq!(sniff(b"\xFF\xFEE\x00n\x00"), Content::Utf16);
        assert_eq!(sniff(b"E\x00n\x00t\x00r\x00y\x00"), Content::Utf16);
        assert_eq!(
            sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]),
            Content::Xls
        );
        assert_eq!(
            sniff(&[1, 2, 3, 0, 5, 6, 7, 8, 9, 10, 11, 12]),
            Content::Binary
        );
        assert_eq!(sniff(b""), Content::Text);
    }
}
