//! Reader of declaration upload files (and of anything a user offers as one: a workbook, UTF-16
//! text), producing the [`DeclarationInput`] that `check` judges and `fix` repairs.
//!
//! The reader keeps every row, blank ones included, with its line, and records the facts of the
//! bytes (BOM, encoding, line ends) without judging them: judgement is the check's.

use std::path::Path;

use capekit_core::check::{Content, DeclarationInput, InputRow, LineEndings};
use capekit_core::{Diagnostic, EntryNumber};

use crate::ReadError;
use crate::table::{Row, read_table};

/// Files larger than this are refused whole ([`crate::ReadError::TooLarge`]): a cut file would
/// lose its last rows without a word.
pub const MAX_READ_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a declaration file from disk.
pub fn read_declaration(path: &Path) -> Result<DeclarationInput, ReadError> {
    let bytes = crate::read_file(path, MAX_READ_BYTES)?;
    declaration_of(path, &bytes)
}

/// [`read_declaration`] of the bytes already read from `path` (a pipe is read only once).
pub fn declaration_of(path: &Path, bytes: &[u8]) -> Result<DeclarationInput, ReadError> {
    if bytes.len() as u64 > MAX_READ_BYTES {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            limit: MAX_READ_BYTES,
        });
    }
    // A workbook beyond the reader's limits is refused: judged as one without rows, it would
    // pass for an empty file.
    if crate::sniff::sniff(bytes) == Content::Xlsx
        && let Err(error) = read_table(bytes)
        && error.is_limit()
    {
        return Err(ReadError::Workbook {
            path: path.to_path_buf(),
            error,
        });
    }
    Ok(parse_declaration(&path.display().to_string(), bytes))
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

/// The declared entries of a declaration, read leniently for a triage (no place to refuse a file
/// CBP already took): repairable values are repaired, a duplicate listed again after the entries
/// (the triage counts it once, and says that CBP fails such an upload), and every row that is
/// not an entry number becomes a `C001` diagnostic.
pub fn declared_entries(input: &DeclarationInput) -> (Vec<EntryNumber>, Vec<Diagnostic>) {
    let plan = capekit_core::fix::plan_fix(input, None);
    let diags = plan
        .unrepairable
        .iter()
        .map(|u| {
            capekit_core::reading::UNREADABLE_ENTRY_NUMBER
                .diag(format!(
                    "declaration line {}: {}; not counted as declared",
                    u.line, u.reason
                ))
                .at_line(u.line)
                .with_value(u.raw.clone())
                .in_file(input.file_name.clone())
        })
        .collect();
    let mut entries = plan.entries;
    entries.extend(plan.duplicates.iter().map(|d| d.entry));
    (entries, diags)
}

/// One line of a declaration as a person sees it, for showing findings beside their line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    /// 1-based line (or sheet row), numbered as the reader numbers [`InputRow::line`].
    pub line: u64,
    /// Sheet cell of the first column, for workbooks.
    pub cell: Option<String>,
    /// The line's text as written (for workbooks, the row's cells joined by commas).
    pub text: String,
}

/// The lines of a declaration file, numbered like the reader's rows so that each diagnostic's
/// line finds its text. Text files show their raw lines (the reader splits at `\n`, or at `\r` in
/// a file with no `\n`); workbooks show their rows; other content (PDF, binary) has no lines.
pub fn source_lines(input: &DeclarationInput, bytes: &[u8]) -> Vec<SourceLine> {
    let split = |text: &str| -> Vec<SourceLine> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let sep = if text.contains('\n') { '\n' } else { '\r' };
        let mut lines: Vec<&str> = text.split(sep).collect();
        // A line end after the last line does not start another.
        if lines.len() > 1 && lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        lines
            .into_iter()
            .zip(1u64..)
            .map(|(l, line)| SourceLine {
                line,
                cell: None,
                text: l.strip_suffix('\r').unwrap_or(l).to_owned(),
            })
            .collect()
    };
    match input.content {
        _ if bytes.is_empty() => Vec::new(),
        Content::Text => split(&crate::text::decode(bytes).text),
        Content::Utf16 => split(&crate::text::decode_utf16(bytes)),
        Content::Xlsx | Content::Xls => input
            .rows
            .iter()
            .map(|r| SourceLine {
                line: r.line,
                cell: r.cell.clone(),
                text: r.fields.join(","),
            })
            .collect(),
        Content::Zip | Content::Pdf | Content::Binary => Vec::new(),
    }
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
    fn declared_entries_keep_going_past_bad_rows() {
        let d = parse_declaration(
            "d.csv",
            b"Entry Number\r\nB7603245278\r\nnope\r\nB7603245278\r\n",
        );
        let (entries, diags) = declared_entries(&d);
        // The duplicate comes again after the entries: the triage counts it once and says CBP
        // fails an upload with a duplicate.
        assert_eq!(entries, vec![entries[0]; 2]);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].line, Some(3));
    }

    #[test]
    fn source_lines_match_the_reader_lines() {
        let bytes = b"\xEF\xBB\xBFEntry Number\r\n\r\nB7603245278,x\nlast";
        let d = parse_declaration("x.csv", bytes);
        let lines = source_lines(&d, bytes);
        let got: Vec<(u64, &str)> = lines.iter().map(|l| (l.line, l.text.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (1, "Entry Number"),
                (2, ""),
                (3, "B7603245278,x"),
                (4, "last")
            ]
        );
        assert_eq!(d.rows[2].line, 3);
        let mac = b"Entry Number\rB7603245278\r";
        let d = parse_declaration("x.csv", mac);
        assert_eq!(source_lines(&d, mac).len(), 2);
        assert!(source_lines(&parse_declaration("x.pdf", b"%PDF-1.4"), b"%PDF-1.4").is_empty());
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
