//! Tables from CSV or XLSX files, with every row's position: the common ground of the readers of
//! declarations, Claim Details, Validation Result Files and entry lists.
//!
//! The csv crate counts lines wrongly when lines end in CRLF or blank lines are skipped, so rows
//! are positioned by their byte offset against a count of line ends kept beside the parser
//! ([`LineTracker`]); spreadsheet rows carry their sheet cell. Values stay text: a reader decides
//! what a value means, and quotes where it is wrong.

use std::collections::VecDeque;
use std::io::{Cursor, Read};

use calamine::{Data, Reader};
use capekit_core::check::Content;

use crate::sniff::sniff;
use crate::text::decode_field;

/// One row of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based line in a CSV, or row number in a sheet.
    pub line: u64,
    /// Sheet name for rows read from a workbook.
    pub sheet: Option<String>,
    /// The values, as text.
    pub fields: Vec<String>,
}

impl Row {
    /// Where a column's value of this row stands: `line 4` or `Sheet1!C4`.
    pub fn position(&self, column: usize) -> String {
        match &self.sheet {
            Some(sheet) => format!("{sheet}!{}{}", column_letter(column), self.line),
            None => format!("line {}", self.line),
        }
    }

    /// The cell reference for a column in a workbook row.
    pub fn cell(&self, column: usize) -> Option<String> {
        self.sheet
            .as_ref()
            .map(|sheet| format!("{sheet}!{}{}", column_letter(column), self.line))
    }

    /// The value of a column, empty when the row is short.
    pub fn get(&self, column: usize) -> &str {
        self.fields.get(column).map_or("", String::as_str)
    }

    /// True when every field is blank.
    pub fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.trim().is_empty())
    }
}

/// Spreadsheet column letters for a 0-based column index: 0 -> A, 26 -> AA.
pub fn column_letter(mut column: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (column % 26) as u8);
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A whole table read into memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// What the bytes were.
    pub content: Content,
    /// Rows in file order; blank rows included.
    pub rows: Vec<Row>,
    /// The first value carried a UTF-8 byte order mark (removed).
    pub bom: bool,
    /// Some value was not UTF-8 and was read as Windows-1252.
    pub windows_1252: bool,
}

/// Why a table could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// The workbook could not be opened.
    #[error("the workbook could not be read: {0}")]
    Workbook(String),
    /// The workbook has no sheet.
    #[error("the workbook has no worksheet")]
    NoSheet,
    /// The content is neither CSV text nor a workbook.
    #[error("the file is {}, not a CSV or Excel file", .0.describe())]
    Unsupported(Content),
    /// Reading failed.
    #[error("{0}")]
    Csv(#[from] csv::Error),
}

/// What reading a table found out about its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableInfo {
    /// What the bytes were.
    pub content: Content,
    /// A UTF-8 byte order mark was removed.
    pub bom: bool,
    /// Some value was not UTF-8 and was read as Windows-1252.
    pub windows_1252: bool,
}

/// Reads a CSV (UTF-8, Windows-1252 or UTF-16 text) or the first sheet of an XLSX/XLS workbook.
pub fn read_table(bytes: &[u8]) -> Result<Table, TableError> {
    let mut rows = Vec::new();
    let info = visit_table(bytes, |row| rows.push(row.clone()))?;
    Ok(Table {
        content: info.content,
        rows,
        bom: info.bom,
        windows_1252: info.windows_1252,
    })
}

/// Calls `visit` with every row of a CSV or of a workbook's first sheet, in order, reusing one
/// row buffer: readers of large files keep only what they need.
pub fn visit_table(bytes: &[u8], visit: impl FnMut(&Row)) -> Result<TableInfo, TableError> {
    let content = sniff(bytes);
    match content {
        Content::Text => visit_csv(bytes, content, visit),
        Content::Utf16 => {
            let text = crate::text::decode_utf16(bytes);
            visit_csv(text.as_bytes(), content, visit)
        }
        Content::Xlsx | Content::Xls => {
            let table = read_workbook(bytes, content)?;
            table.rows.iter().for_each(visit);
            Ok(TableInfo {
                content,
                bom: false,
                windows_1252: false,
            })
        }
        other => Err(TableError::Unsupported(other)),
    }
}

fn visit_csv(
    bytes: &[u8],
    content: Content,
    mut visit: impl FnMut(&Row),
) -> Result<TableInfo, TableError> {
    let (body, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    // Old Mac files end lines with a lone CR, which the `\n` terminator below would not split.
    let converted;
    let body = if body.contains(&b'\r') && !body.contains(&b'\n') {
        converted = body
            .iter()
            .map(|&b| if b == b'\r' { b'\n' } else { b })
            .collect::<Vec<u8>>();
        &converted[..]
    } else {
        body
    };
    let mut rdr = csv_reader(LineTracker::new(body));
    let mut record = csv::ByteRecord::new();
    let mut windows_1252 = false;
    let mut row = Row {
        line: 0,
        sheet: None,
        fields: Vec::new(),
    };
    while rdr.read_byte_record(&mut record)? {
        let offset = record.position().map_or(0, csv::Position::byte);
        row.line = rdr.get_mut().line_at(offset);
        let last = record.len().saturating_sub(1);
        row.fields.resize_with(record.len(), String::new);
        for (i, (f, out)) in record.iter().zip(row.fields.iter_mut()).enumerate() {
            let f = if i == last { strip_cr(f) } else { f };
            let s = decode_field(f);
            windows_1252 |= matches!(s, std::borrow::Cow::Owned(_));
            out.clear();
            out.push_str(&s);
        }
        visit(&row);
    }
    Ok(TableInfo {
        content,
        bom,
        windows_1252,
    })
}

/// The CSV reader settings every capekit reader uses: no header handling (readers map headers
/// themselves), rows of any length, and `\n` alone as the record terminator. With the default
/// terminator the csv crate skips blank CRLF lines and reports record positions inconsistently;
/// with `\n` a blank CRLF line is a record of one `\r` and positions are exact. Callers strip the
/// `\r` that then ends the last field ([`strip_cr`]).
pub fn csv_reader<R: Read>(reader: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(reader)
}

/// Removes the `\r` of a CRLF line end from a field (see [`csv_reader`]).
pub fn strip_cr(field: &[u8]) -> &[u8] {
    field.strip_suffix(b"\r").unwrap_or(field)
}

fn read_workbook(bytes: &[u8], content: Content) -> Result<Table, TableError> {
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| TableError::Workbook(e.to_string()))?;
    let name = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or(TableError::NoSheet)?;
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| TableError::Workbook(e.to_string()))?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::with_capacity(range.height());
    for (i, cells) in range.rows().enumerate() {
        let mut fields = vec![String::new(); col0 as usize];
        fields.extend(cells.iter().map(cell_text));
        while fields.last().is_some_and(String::is_empty) {
            fields.pop();
        }
        rows.push(Row {
            line: u64::from(row0) + i as u64 + 1,
            sheet: Some(name.clone()),
            fields,
        });
    }
    Ok(Table {
        content,
        rows,
        bom: false,
        windows_1252: false,
    })
}

/// A cell as text. Whole numbers print without a decimal part, as Excel shows them in a cell
/// formatted "General" (an entry number stored as a number stays 11 digits, or shows the zeros it
/// lost); dates print as ISO dates.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{f:.0}")
            } else {
                f.to_string()
            }
        }
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
        #[expect(unreachable_patterns, reason = "calamine may add cell kinds")]
        _ => String::new(),
    }
}

/// Wraps a reader and remembers where its line ends are, so that a CSV record's byte offset can
/// be turned into the 1-based line it starts on. Memory stays bounded: offsets behind the last
/// asked-for position are dropped.
#[derive(Debug)]
pub struct LineTracker<R> {
    inner: R,
    read: u64,
    newlines: VecDeque<u64>,
    passed: u64,
}

impl<R: Read> LineTracker<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            read: 0,
            newlines: VecDeque::new(),
            passed: 0,
        }
    }

    /// The 1-based line of the record starting at byte `offset`. Offsets must not decrease
    /// between calls.
    pub fn line_at(&mut self, offset: u64) -> u64 {
        // The csv crate reports the start of a record after a CRLF at the `\n`; counting line ends
        // at or before the offset gives the record's own line either way.
        while self.newlines.front().is_some_and(|&n| n <= offset) {
            self.newlines.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.read
    }
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for (i, &b) in buf[..n].iter().enumerate() {
            if b == b'\n' {
                self.newlines.push_back(self.read + i as u64);
            }
        }
        self.read += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(data: &[u8]) -> Vec<(u64, Vec<String>)> {
        read_table(data)
            .map(|t| t.rows.into_iter().map(|r| (r.line, r.fields)).collect())
            .unwrap_or_default()
    }

    #[test]
    fn line_numbers_survive_crlf_and_blank_lines() {
        let expect = vec![
            (1, vec!["H".to_owned()]),
            (2, vec!["A".to_owned()]),
            (3, vec!["B".to_owned()]),
            (5, vec!["C".to_owned()]),
        ];
        assert_eq!(lines(b"H\nA\nB\n\nC\n"), expect);
        // A blank CRLF line is a blank row; a blank LF line is skipped. Either way the lines of the
        // rows that follow are right.
        let mut with_blank = expect.clone();
        with_blank.insert(3, (4, vec![String::new()]));
        assert_eq!(lines(b"H\r\nA\r\nB\r\n\r\nC\r\n"), with_blank);
        assert_eq!(lines(b"\xEF\xBB\xBFH\r\nA\r\nB\r\n\r\nC"), with_blank);
        assert_eq!(lines(b"H\rA\rB\r\rC\r"), expect);
    }

    #[test]
    fn quoted_newlines_keep_following_lines_right() {
        let rows = lines(b"H,X\r\nA,\"two\r\nlines\"\r\nB,y\r\n");
        assert_eq!(rows[1].0, 2);
        assert_eq!(rows[2], (4, vec!["B".to_owned(), "y".to_owned()]));
    }

    #[test]
    fn windows_1252_fields_are_decoded() {
        let t = read_table(b"H\r\ncaf\xE9\r\n").expect("table");
        assert!(t.windows_1252);
        assert_eq!(t.rows[1].fields, vec!["caf\u{e9}".to_owned()]);
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
