//! Reader of declaration upload files (and of anything a user offers as one: a workbook, UTF-16
//! text), producing the [`DeclarationInput`] that `check` judges and `fix` repairs.
//!
//! The reader keeps every row, blank ones included, with its line, and records the facts of the
//! bytes (BOM, encoding, line ends) without judging them: judgement is the check's.

use std::path::Path;

use capekit_core::check::{Content, DeclarationInput, InputRow, LineEndings};

use crate::ReadError;
use crate::table::{Row, read_table};

/// Files larger than this are not parsed; `check` still reports their size.
pub const MAX_READ_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a declaration file from disk.
pub fn read_declaration(path: &Path) -> Result<DeclarationInput, ReadError> {
    let bytes = crate::read_file(path, MAX_READ_BYTES)?;
    Ok(parse_declaration(&path.display().to_string(), &bytes))
}

/// Builds a [`DeclarationInput`] from the bytes of a file named `file_name`.
pub fn parse_declaration(file_name: &str, bytes: &[u8]) -> DeclarationInput {
    let content = crate::sniff::sniff(bytes);
    let mut input = DeclarationInput {
        file_name: file_name.to_owned(),
        size: bytes.len() as u64,
        content,
        bom: false,
        windows_1252: false,
        line_endings: LineEndings::default(),
        rows: Vec::new(),
    };
    if bytes.is_empty() {
        return input;
    }
    if content == Content::Text {
        input.line_endings = count_line_endings(bytes);
    }
    // Unreadable workbooks and archives leave no rows; the check reports the content.
    let Ok(table) = read_table(bytes) else {
        return input;
    };
    input.bom = table.bom;
    input.windows_1252 = table.windows_1252;
    input.rows = if table.rows.first().is_some_and(|r| r.sheet.is_some()) {
        table.rows.into_iter().map(|r| to_input(r, true)).collect()
    } else {
        let lines = if content == Content::Utf16 {
            total_lines(crate::text::decode_utf16(bytes).as_bytes())
        } else {
            total_lines(bytes)
        };
        with_blank_lines(table.rows, lines)
    };
    input
}

fn to_input(row: Row, cell: bool) -> InputRow {
    InputRow {
        line: row.line,
        cell: if cell { row.cell(0) } else { None },
        fields: row.fields,
    }
}

/// The csv parser skips blank lines; a declaration check must see them, so the gaps between
/// records become blank rows.
fn with_blank_lines(rows: Vec<Row>, total: u64) -> Vec<InputRow> {
    let mut out = Vec::with_capacity(rows.len());
    let mut next = 1u64;
    for row in rows {
        for line in next..row.line {
            out.push(blank(line));
        }
        let spans = row
            .fields
            .iter()
            .map(|f| f.matches('\n').count() as u64)
            .sum::<u64>();
        next = row.line + spans + 1;
        out.push(to_input(row, false));
    }
    for line in next..=total {
        out.push(blank(line));
    }
    out
}

fn blank(line: u64) -> InputRow {
    InputRow {
        line,
        cell: None,
        fields: vec![String::new()],
    }
}

/// Lines in a text file; a line end after the last line does not start another.
fn total_lines(bytes: &[u8]) -> u64 {
    let le = count_line_endings(bytes);
    let ends = (le.crlf + le.lf + le.cr) as u64;
    if bytes.ends_with(b"\n") || bytes.ends_with(b"\r") {
        ends
    } else {
        ends + 1
    }
}

/// Counts CRLF, lone LF and lone CR line ends.
pub fn count_line_endings(bytes: &[u8]) -> LineEndings {
    let mut le = LineEndings::default();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                le.crlf += 1;
                i += 1;
            }
            b'\r' => le.cr += 1,
            b'\n' => le.lf += 1,
            _ => {}
        }
        i += 1;
    }
    le
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &DeclarationInput) -> Vec<(u64, String)> {
        input
            .rows
            .iter()
            .map(|r| (r.line, r.fields.join("|")))
            .collect()
    }

    #[test]
    fn blank_lines_become_rows() {
        let d = parse_declaration("x.csv", b"Entry Number\r\n\r\nB7603245278\r\n\r\n\r\n");
        assert_eq!(
            lines(&d),
            vec![
                (1, "Entry Number".into()),
                (2, String::new()),
                (3, "B7603245278".into()),
                (4, String::new()),
                (5, String::new()),
            ]
        );
        assert_eq!(d.line_endings.crlf, 5);
    }

    #[test]
    fn no_final_line_end() {
        let d = parse_declaration("x.csv", b"Entry Number\nB7603245278");
        assert_eq!(d.rows.len(), 2);
        assert_eq!(d.line_endings.lf, 1);
    }

    #[test]
    fn utf16_text_is_read_for_fix() {
        let mut bytes = vec![0xFF, 0xFE];
        for ch in "Entry Number\r\nB7603245278\r\n".encode_utf16() {
            bytes.extend_from_slice(&ch.to_le_bytes());
        }
        let d = parse_declaration("x.csv", &bytes);
        assert_eq!(d.content, Content::Utf16);
        assert_eq!(d.rows.len(), 2);
        assert_eq!(d.rows[1].fields, vec!["B7603245278".to_owned()]);
    }
}
