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
use capekit_core::dates::{FIRST_DATE_YEAR, LAST_DATE_YEAR};

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

/// Headers named in a refusal, at most: a row of 16,384 columns is not a list to read.
pub const MAX_HEADERS_SHOWN: usize = 20;

/// The headers of a header row on `line`, for a refusal that says what was found: the non-empty
/// ones with their cell addresses (`` `Entry Number` (A1) ``), at most [`MAX_HEADERS_SHOWN`]
/// (then how many more), and the empty columns counted in one phrase. A workbook with one stray
/// value in column XFD says so in a line, not in 16,384 empty names. Values are cut to 60
/// characters.
pub fn headers_found(fields: &[String], line: u64) -> String {
    let named: Vec<(usize, &str)> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| (i, f.trim()))
        .filter(|(_, f)| !f.is_empty())
        .collect();
    let empty = fields.len() - named.len();
    let mut parts: Vec<String> = named
        .iter()
        .take(MAX_HEADERS_SHOWN)
        .map(|(i, f)| {
            let shown: String = f.chars().take(60).collect();
            let cut = if shown.len() < f.len() { "..." } else { "" };
            format!("`{shown}{cut}` ({}{line})", column_letter(*i))
        })
        .collect();
    if named.len() > MAX_HEADERS_SHOWN {
        parts.push(format!(
            "and {} more",
            capekit_core::check::group((named.len() - MAX_HEADERS_SHOWN) as u64)
        ));
    }
    let mut out = if parts.is_empty() {
        "no header".to_owned()
    } else {
        parts.join(", ")
    };
    if empty > 0 {
        out.push_str(&format!(
            " ({} empty column{})",
            capekit_core::check::group(empty as u64),
            if empty == 1 { "" } else { "s" }
        ));
    }
    out
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
    /// An old-style `.xls` workbook: its reader sizes a sheet from what the file declares, so
    /// capekit does not take it.
    #[error(
        "the file is an old-style Excel workbook (.xls), which capekit does not read - open it in Excel and save it as an Excel Workbook (.xlsx) or as CSV"
    )]
    OldWorkbook,
    /// A part other than a worksheet unpacks to more than [`WorkbookLimits::part_bytes`].
    #[error(
        "the workbook part `{part}` unpacks to {} bytes, more than the {} capekit reads from one part - this is not an ACE export; check that it is the right file, or open it in Excel and save it again",
        capekit_core::check::group(*.size),
        capekit_core::check::group(*.limit)
    )]
    PartTooLarge {
        /// The part's name in the archive.
        part: String,
        /// Its declared unpacked size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The archive unpacks to more than [`WorkbookLimits::unpacked_bytes`].
    #[error(
        "the workbook unpacks to more than {} bytes (counted up to part `{part}`), more than capekit reads from one workbook - this is not an ACE export; check that it is the right file, or save it as CSV",
        capekit_core::check::group(*.limit)
    )]
    UnpacksTooLarge {
        /// The part at which the total passed the limit.
        part: String,
        /// The limit.
        limit: u64,
    },
    /// The first sheet holds more than [`WorkbookLimits::cells`] cells.
    #[error(
        "sheet `{sheet}` holds more than {} cells by row {line} (each row counted from column A to its last value), more than capekit reads from one sheet - check that it is the right file; if values stand far right of the table or far below it, delete them and save again, or save the sheet as CSV",
        capekit_core::check::group(*.limit)
    )]
    TooManyCells {
        /// The sheet.
        sheet: String,
        /// The row at which the count passed the limit.
        line: u64,
        /// The limit.
        limit: u64,
    },
    /// A cell beyond Excel's last row or column.
    #[error(
        "sheet `{sheet}` has a cell at row {row}, column {column}, beyond Excel's last cell XFD1048576 - the workbook was not written by Excel; open it in Excel and save it again"
    )]
    OutsideSheet {
        /// The sheet.
        sheet: String,
        /// 1-based row.
        row: u64,
        /// 1-based column.
        column: u64,
    },
    /// Rows out of order in the sheet XML (Excel writes them in order).
    #[error(
        "cell {cell} comes after row {after} in the file: the rows are out of order, which Excel never writes - open the workbook in Excel and save it again"
    )]
    RowsOutOfOrder {
        /// The cell found out of order.
        cell: String,
        /// The row read before it.
        after: u64,
    },
}

impl TableError {
    /// True when the workbook is refused for its size, not for its form: a reader that takes
    /// unreadable workbooks as empty must still refuse these.
    pub fn is_limit(&self) -> bool {
        matches!(
            self,
            Self::PartTooLarge { .. } | Self::UnpacksTooLarge { .. } | Self::TooManyCells { .. }
        )
    }
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
    visit_table_within(bytes, &WorkbookLimits::DEFAULT, visit)
}

/// [`visit_table`] with the workbook limits given.
pub fn visit_table_within(
    bytes: &[u8],
    limits: &WorkbookLimits,
    visit: impl FnMut(&Row),
) -> Result<TableInfo, TableError> {
    visit_table_delimited(bytes, limits, &|_| false, visit)
}

/// Delimiters a CSV capekit reads may use: the comma; the tab of Excel's "Unicode Text"; the
/// semicolon of Excel's CSV under some regional settings.
const DELIMITERS: [u8; 3] = [b',', b'\t', b';'];

/// Lines of a table's start in which [`visit_table_delimited`] looks for the header.
const DELIMITER_LINES: usize = 12;

/// The delimiter of CSV text: the first of [`DELIMITERS`] that splits one of its first `lines`
/// lines into a field `is_key` accepts (the name of the column a reader maps first); a comma
/// when none does. Judged on header lines, never on data rows, whose amounts (`$1,234.00`) hold
/// commas.
pub fn sniff_delimiter(text: &[u8], lines: usize, is_key: &dyn Fn(&str) -> bool) -> u8 {
    let head = String::from_utf8_lossy(&text[..text.len().min(64 * 1024)]);
    for line in head.lines().take(lines) {
        for d in DELIMITERS {
            if line
                .split(char::from(d))
                .any(|f| is_key(f.trim().trim_matches('"').trim()))
            {
                return d;
            }
        }
    }
    b','
}

/// [`visit_table_within`] of a table whose CSV delimiter is judged by [`sniff_delimiter`] with
/// `is_key`.
pub fn visit_table_delimited(
    bytes: &[u8],
    limits: &WorkbookLimits,
    is_key: &dyn Fn(&str) -> bool,
    mut visit: impl FnMut(&Row),
) -> Result<TableInfo, TableError> {
    let content = sniff(bytes);
    match content {
        Content::Text => {
            let d = sniff_delimiter(bytes, DELIMITER_LINES, is_key);
            visit_csv(bytes, content, d, visit)
        }
        Content::Utf16 => {
            let text = crate::text::decode_utf16(bytes);
            let d = sniff_delimiter(text.as_bytes(), DELIMITER_LINES, is_key);
            visit_csv(text.as_bytes(), content, d, visit)
        }
        Content::Xlsx => {
            visit_xlsx(bytes, limits, &mut visit)?;
            Ok(TableInfo {
                content,
                bom: false,
                windows_1252: false,
            })
        }
        Content::Xls => Err(TableError::OldWorkbook),
        other => Err(TableError::Unsupported(other)),
    }
}

fn visit_csv(
    bytes: &[u8],
    content: Content,
    delimiter: u8,
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
    let mut rdr = csv_reader_with(LineTracker::new(body), delimiter);
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
    csv_reader_with(reader, b',')
}

/// [`csv_reader`] with another delimiter.
pub fn csv_reader_with<R: Read>(reader: R, delimiter: u8) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(reader)
}

/// Removes the `\r` of a CRLF line end from a field (see [`csv_reader`]).
pub fn strip_cr(field: &[u8]) -> &[u8] {
    field.strip_suffix(b"\r").unwrap_or(field)
}

/// How much of a workbook capekit reads. A workbook declares its size (a sheet's dimension, a
/// part's unpacked size, a cell's address) and nothing here is allocated from those
/// declarations: cells are read as they come, and what is really there is capped well above any
/// ACE export, so a crafted file is refused instead of exhausting memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkbookLimits {
    /// Cells of the first sheet, each row counted from column A to its last value: a value far
    /// to the right makes its row cost more, so rows padded to column XFD are capped too.
    pub cells: u64,
    /// Bytes of all parts of the archive together, as declared in its central directory (the
    /// zip reader refuses a part that inflates past its declared size).
    pub unpacked_bytes: u64,
    /// Bytes of one part other than a worksheet (shared strings, styles, the workbook part):
    /// the workbook reader loads those whole.
    pub part_bytes: u64,
}

impl WorkbookLimits {
    /// The limits of every reader: 40 million cells is Excel's 1,048,576 rows of 38 columns,
    /// more than any ES-003 export (a large importer's year is a few hundred thousand lines of
    /// 30 to 40 columns); 1 GiB unpacked and 128 MiB per non-sheet part are some ten times what
    /// such a workbook unpacks to.
    pub const DEFAULT: WorkbookLimits = WorkbookLimits {
        cells: 40_000_000,
        unpacked_bytes: 1 << 30,
        part_bytes: 128 << 20,
    };
}

/// Excel's last row (1,048,576) and column (XFD, the 16,384th): a cell beyond them is not
/// Excel's.
const EXCEL_ROWS: u32 = 1_048_576;
const EXCEL_COLUMNS: u32 = 16_384;

/// What the size checks of a workbook found before any part was unpacked.
fn check_archive(bytes: &[u8], limits: &WorkbookLimits) -> Result<(), TableError> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| TableError::Workbook(e.to_string()))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_data(i)
            .map_err(|e| TableError::Workbook(e.to_string()))?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let size = entry.size();
        let is_sheet = name.starts_with("xl/worksheets/");
        if !is_sheet && size > limits.part_bytes {
            return Err(TableError::PartTooLarge {
                part: name,
                size,
                limit: limits.part_bytes,
            });
        }
        total = total.saturating_add(size);
        if total > limits.unpacked_bytes {
            return Err(TableError::UnpacksTooLarge {
                part: name,
                limit: limits.unpacked_bytes,
            });
        }
    }
    Ok(())
}

/// The names of a workbook's sheets, in order; `None` for a file that is not an XLSX workbook.
pub fn workbook_sheets(bytes: &[u8]) -> Option<Vec<String>> {
    if sniff(bytes) != Content::Xlsx || check_archive(bytes, &WorkbookLimits::DEFAULT).is_err() {
        return None;
    }
    std::panic::catch_unwind(|| {
        calamine::Xlsx::new(Cursor::new(bytes))
            .ok()
            .map(|wb: calamine::Xlsx<_>| wb.sheet_names())
    })
    .ok()
    .flatten()
}

/// [`visit_table`] on sheet `sheet` (0-based) of an XLSX workbook; a CSV has one sheet, 0.
pub fn visit_sheet(
    bytes: &[u8],
    sheet: usize,
    visit: impl FnMut(&Row),
) -> Result<TableInfo, TableError> {
    visit_sheet_delimited(bytes, sheet, &|_| false, visit)
}

/// [`visit_sheet`] of a table whose CSV delimiter is judged by its header (see
/// [`visit_table_delimited`]).
pub fn visit_sheet_delimited(
    bytes: &[u8],
    sheet: usize,
    is_key: &dyn Fn(&str) -> bool,
    mut visit: impl FnMut(&Row),
) -> Result<TableInfo, TableError> {
    if sheet == 0 || sniff(bytes) != Content::Xlsx {
        return visit_table_delimited(bytes, &WorkbookLimits::DEFAULT, is_key, visit);
    }
    visit_xlsx_sheet(bytes, &WorkbookLimits::DEFAULT, sheet, &mut visit)?;
    Ok(TableInfo {
        content: Content::Xlsx,
        bom: false,
        windows_1252: false,
    })
}

/// Reads the first sheet of an XLSX workbook cell by cell, calling `visit` once per row that
/// holds a value (rows in between are skipped; each row keeps its sheet row number).
fn visit_xlsx(
    bytes: &[u8],
    limits: &WorkbookLimits,
    visit: &mut dyn FnMut(&Row),
) -> Result<(), TableError> {
    visit_xlsx_sheet(bytes, limits, 0, visit)
}

fn visit_xlsx_sheet(
    bytes: &[u8],
    limits: &WorkbookLimits,
    sheet: usize,
    visit: &mut dyn FnMut(&Row),
) -> Result<(), TableError> {
    check_archive(bytes, limits)?;
    // calamine 0.38 parses cell addresses (`r="..."`) with unchecked arithmetic: a crafted
    // address overflows, which panics where overflow checks are on (debug builds). The panic is
    // turned into a refusal here, as the malformed workbook it is; rows already visited are
    // kept by nobody, since the caller gets an error.
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_xlsx_cells(bytes, limits, sheet, visit)
    }));
    read.unwrap_or_else(|_| {
        Err(TableError::Workbook(
            "a cell address or dimension is malformed".to_owned(),
        ))
    })
}

fn read_xlsx_cells(
    bytes: &[u8],
    limits: &WorkbookLimits,
    sheet: usize,
    visit: &mut dyn FnMut(&Row),
) -> Result<(), TableError> {
    let workbook_err = |e: calamine::XlsxError| TableError::Workbook(e.to_string());
    let mut wb: calamine::Xlsx<_> =
        calamine::Xlsx::new(Cursor::new(bytes)).map_err(workbook_err)?;
    let name = wb
        .sheet_names()
        .get(sheet)
        .cloned()
        .ok_or(TableError::NoSheet)?;
    let mut cells = wb.worksheet_cells_reader(&name).map_err(workbook_err)?;
    let mut row = Row {
        line: 0,
        sheet: Some(name.clone()),
        fields: Vec::new(),
    };
    // Cells counted so far: each finished row costs its width.
    let mut spent: u64 = 0;
    let mut open = false;
    while let Some(cell) = cells.next_cell().map_err(workbook_err)? {
        let (r, c) = cell.get_position();
        if r >= EXCEL_ROWS || c >= EXCEL_COLUMNS {
            return Err(TableError::OutsideSheet {
                sheet: name,
                row: u64::from(r) + 1,
                column: u64::from(c) + 1,
            });
        }
        let value = cell.get_value();
        if matches!(value, calamine::DataRef::Empty) {
            continue;
        }
        let line = u64::from(r) + 1;
        if open && line < row.line {
            return Err(TableError::RowsOutOfOrder {
                cell: format!("{name}!{}{line}", column_letter(c as usize)),
                after: row.line,
            });
        }
        if open && line > row.line {
            spent = spent.saturating_add(row.fields.len() as u64);
            finish_row(&mut row);
            visit(&row);
            row.fields.clear();
        }
        open = true;
        row.line = line;
        let column = c as usize;
        if column >= row.fields.len() {
            let width = column as u64 + 1;
            if spent.saturating_add(width) > limits.cells {
                return Err(TableError::TooManyCells {
                    sheet: name,
                    line,
                    limit: limits.cells,
                });
            }
            row.fields.resize_with(column + 1, String::new);
        }
        if let Some(slot) = row.fields.get_mut(column) {
            *slot = cell_text(&calamine::Data::from(value.clone()));
        }
    }
    if open {
        finish_row(&mut row);
        visit(&row);
    }
    Ok(())
}

/// Drops the empty cells that end a row, as a CSV row has none.
fn finish_row(row: &mut Row) {
    while row.fields.last().is_some_and(String::is_empty) {
        row.fields.pop();
    }
}

/// A cell as text. Whole numbers print without a decimal part, as Excel shows them in a cell
/// formatted "General" (an entry number stored as a number stays 11 digits, or shows the zeros it
/// lost); dates print as ISO dates, and date cells outside [`FIRST_DATE_YEAR`]..=
/// [`LAST_DATE_YEAR`] print as their serial number.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => number_text(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            // calamine clamps serials outside its calendar to 1899-12-31 or 9999-12-31, both
            // outside the range, so a year within it is the cell's real date.
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            let year = i16::try_from(y).unwrap_or(i16::MAX);
            if dt.is_datetime()
                && dt.as_f64().is_finite()
                && (FIRST_DATE_YEAR..=LAST_DATE_YEAR).contains(&year)
            {
                format!("{y:04}-{m:02}-{d:02}")
            } else {
                number_text(dt.as_f64())
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
        #[expect(unreachable_patterns, reason = "calamine may add cell kinds")]
        _ => String::new(),
    }
}

/// A number cell as Excel's "General" format shows it, without its 300 digits when huge.
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else if f.is_finite() && f.abs() >= 1e15 {
        format!("{f:e}")
    } else {
        f.to_string()
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
        // memchr finds the line ends a vector at a time: a byte-by-byte loop here took a tenth
        // of the time of reading a 2 GB ES-003 export.
        let at = self.read;
        self.newlines
            .extend(memchr::memchr_iter(b'\n', &buf[..n]).map(|i| at + i as u64));
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
    fn headers_found_names_only_the_non_empty_ones_and_counts_the_rest() {
        let mut far = vec![String::new(); 16_384];
        far[0] = "Entry".into();
        far[16_383] = "stray".into();
        assert_eq!(
            headers_found(&far, 1),
            "`Entry` (A1), `stray` (XFD1) (16,382 empty columns)"
        );
        assert_eq!(
            headers_found(&vec![String::new(); 3], 4),
            "no header (3 empty columns)"
        );
        let many: Vec<String> = (0..30).map(|i| format!("h{i}")).collect();
        let shown = headers_found(&many, 2);
        assert!(shown.ends_with("`h19` (T2), and 10 more"), "{shown}");
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    /// A workbook of one sheet, written part by part, so that a test can put in it what Excel
    /// never writes.
    pub(crate) fn workbook(sheet_data: &str) -> Vec<u8> {
        use std::io::Write;
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        let parts = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_owned(),
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_owned(),
            ),
            (
                "xl/workbook.xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_owned(),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_owned(),
            ),
            (
                "xl/worksheets/sheet1.xml",
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet_data}</sheetData></worksheet>"#
                ),
            ),
        ];
        for (name, text) in parts {
            z.start_file(name, options).expect("zip part");
            z.write_all(text.as_bytes()).expect("zip write");
        }
        z.finish().expect("zip").into_inner()
    }

    fn inline(cell: &str, value: &str) -> String {
        format!(r#"<c r="{cell}" t="inlineStr"><is><t>{value}</t></is></c>"#)
    }

    fn xlsx_rows(bytes: &[u8]) -> Vec<(u64, Vec<String>)> {
        read_table(bytes)
            .expect("workbook")
            .rows
            .into_iter()
            .map(|r| (r.line, r.fields))
            .collect()
    }

    #[test]
    fn a_stray_far_cell_does_not_size_the_sheet() {
        // Regression: the sheet was read as one range from A1 to its last cell, so one value at
        // XFD1048576 made the reader allocate 1,048,576 x 16,384 cells and abort.
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "Entry Number").expect("cell");
        for r in 1..=10u32 {
            ws.write_string(r, 0, format!("B76032452{r:02}"))
                .expect("cell");
        }
        ws.write_string(1_048_575, 16_383, "stray").expect("cell");
        let bytes = wb.save_to_buffer().expect("xlsx");
        let rows = xlsx_rows(&bytes);
        assert_eq!(rows.len(), 12, "header, 10 rows and the stray cell's row");
        assert_eq!(rows[0], (1, vec!["Entry Number".to_owned()]));
        assert_eq!(rows[10], (11, vec!["B7603245210".to_owned()]));
        let (line, stray) = &rows[11];
        assert_eq!(*line, 1_048_576);
        assert_eq!(stray.len(), 16_384);
        assert_eq!(stray[16_383], "stray");
    }

    #[test]
    fn rows_padded_to_the_last_column_are_capped() {
        // Regression: a 110 KB workbook with one value at column XFD on each row reached 7.8 GB.
        let data: String = (1..=3_000)
            .map(|r| format!("<row r=\"{r}\">{}</row>", inline(&format!("XFD{r}"), "x")))
            .collect();
        let err = read_table(&workbook(&data)).expect_err("refused");
        assert!(
            matches!(
                err,
                TableError::TooManyCells {
                    line: 2_442,
                    limit: 40_000_000,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.is_limit());
        let text = err.to_string();
        assert!(
            text.contains("sheet `Sheet1` holds more than 40,000,000 cells by row 2442"),
            "{text}"
        );
        assert!(text.contains("save the sheet as CSV"), "{text}");
        // Within the limit, every row is read.
        let rows = visit_count(
            &workbook(&data),
            &WorkbookLimits {
                cells: 49_152_000,
                ..WorkbookLimits::DEFAULT
            },
        );
        assert_eq!(rows, Ok(3_000));
    }

    fn visit_count(bytes: &[u8], limits: &WorkbookLimits) -> Result<usize, String> {
        let mut n = 0;
        visit_table_within(bytes, limits, |_| n += 1)
            .map(|_| n)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn the_cell_limit_counts_rows_up_to_their_last_value() {
        let data = format!(
            "<row r=\"1\">{}{}</row><row r=\"2\">{}</row>",
            inline("A1", "a"),
            inline("C1", "c"),
            inline("B2", "b")
        );
        let bytes = workbook(&data);
        let at = |cells| WorkbookLimits {
            cells,
            ..WorkbookLimits::DEFAULT
        };
        assert_eq!(visit_count(&bytes, &at(5)), Ok(2));
        let refused = visit_count(&bytes, &at(4)).expect_err("3 + 2 cells");
        assert!(refused.contains("more than 4 cells by row 2"), "{refused}");
    }

    #[test]
    fn unpacked_sizes_are_capped_from_the_central_directory() {
        let data = format!("<row r=\"1\">{}</row>", inline("A1", "Entry Number"));
        let bytes = workbook(&data);
        let total = WorkbookLimits {
            unpacked_bytes: 600,
            ..WorkbookLimits::DEFAULT
        };
        let err = visit_count(&bytes, &total).expect_err("over the total");
        assert!(
            err.contains("the workbook unpacks to more than 600 bytes"),
            "{err}"
        );
        let part = WorkbookLimits {
            part_bytes: 100,
            ..WorkbookLimits::DEFAULT
        };
        let err = visit_count(&bytes, &part).expect_err("a part over its limit");
        assert!(
            err.contains("the workbook part `[Content_Types].xml` unpacks to"),
            "{err}"
        );
        assert_eq!(visit_count(&bytes, &WorkbookLimits::DEFAULT), Ok(1));
    }

    #[test]
    fn a_deflate_bomb_is_refused_before_it_is_unpacked() {
        // 16 MiB of blanks inside the sheet: some 16 KB packed.
        let bomb = " ".repeat(16 << 20);
        let bytes = workbook(&bomb);
        assert!(bytes.len() < 100_000, "{} bytes", bytes.len());
        let limits = WorkbookLimits {
            unpacked_bytes: 8 << 20,
            ..WorkbookLimits::DEFAULT
        };
        let err = visit_count(&bytes, &limits).expect_err("refused");
        assert!(
            err.contains("unpacks to more than 8,388,608 bytes"),
            "{err}"
        );
    }

    /// Sets the declared unpacked size of part `name` in its local and central headers.
    fn declare_size(bytes: &mut [u8], name: &str, size: u32) {
        let mut patched = 0;
        for i in 0..bytes.len().saturating_sub(46) {
            let (sig, name_at, size_at) = match &bytes[i..i + 4] {
                b"PK\x03\x04" => ("local", i + 30, i + 22),
                b"PK\x01\x02" => ("central", i + 46, i + 24),
                _ => continue,
            };
            let len_at = if sig == "local" { i + 26 } else { i + 28 };
            let len = usize::from(u16::from_le_bytes([bytes[len_at], bytes[len_at + 1]]));
            if bytes.get(name_at..name_at + len) == Some(name.as_bytes()) {
                bytes[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        }
        assert_eq!(patched, 2, "local and central header of {name}");
    }

    #[test]
    fn a_part_that_inflates_past_its_declared_size_is_refused() {
        // The size check trusts the central directory because the zip reader stops a part at
        // its declared size; this proves that it does.
        let data = format!(
            "<row r=\"1\">{}</row>{}",
            inline("A1", "Entry Number"),
            " ".repeat(1 << 20)
        );
        let mut bytes = workbook(&data);
        assert_eq!(visit_count(&bytes, &WorkbookLimits::DEFAULT), Ok(1));
        declare_size(&mut bytes, "xl/worksheets/sheet1.xml", 200);
        let err = visit_count(&bytes, &WorkbookLimits::DEFAULT).expect_err("refused");
        assert!(
            err.contains("larger than its declared uncompressed size"),
            "{err}"
        );
    }

    #[test]
    fn cells_outside_excel_and_rows_out_of_order_are_refused() {
        let beyond = workbook(&format!("<row r=\"1\">{}</row>", inline("XFE1", "x")));
        let err = visit_count(&beyond, &WorkbookLimits::DEFAULT).expect_err("refused");
        assert!(err.contains("beyond Excel's last cell XFD1048576"), "{err}");
        let below = workbook(&format!(
            "<row r=\"1048577\">{}</row>",
            inline("A1048577", "x")
        ));
        assert!(visit_count(&below, &WorkbookLimits::DEFAULT).is_err());
        let backwards = workbook(&format!(
            "<row r=\"5\">{}</row><row r=\"2\">{}</row>",
            inline("A5", "a"),
            inline("A2", "b")
        ));
        let err = visit_count(&backwards, &WorkbookLimits::DEFAULT).expect_err("refused");
        assert!(err.contains("cell Sheet1!A2 comes after row 5"), "{err}");
    }

    #[test]
    fn an_overflowing_cell_address_is_refused_not_a_panic() {
        // Letters alone overflow too (a fuzzer found `r="nlineStr"`).
        for address in ["AAAAAAAAAAAAAAAAAAAA1", "A99999999999999999999", "nlineStr"] {
            let bytes = workbook(&format!("<row r=\"1\">{}</row>", inline(address, "x")));
            assert!(
                visit_count(&bytes, &WorkbookLimits::DEFAULT).is_err(),
                "{address}"
            );
        }
    }

    #[test]
    fn old_xls_workbooks_are_refused_with_what_to_do() {
        let mut bytes = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
        bytes.resize(4096, 0);
        let err = read_table(&bytes).expect_err("refused");
        assert!(matches!(err, TableError::OldWorkbook), "{err:?}");
        assert!(
            err.to_string()
                .contains("save it as an Excel Workbook (.xlsx) or as CSV")
        );
    }

    #[test]
    fn date_cells_outside_real_dates_show_their_serial() {
        // Regression: 0, -1 and 1e308 in date cells read as 1899-12-31 or 9999-12-31.
        let mut wb = rust_xlsxwriter::Workbook::new();
        let date = rust_xlsxwriter::Format::new().set_num_format("mm/dd/yyyy");
        let ws = wb.add_worksheet();
        for (r, v) in [
            0.0,
            -1.0,
            1e308,
            45_931.0,
            32_873.0,
            73_417.0,
            1e15,
            f64::NAN,
            -1e308,
        ]
        .into_iter()
        .enumerate()
        {
            ws.write_number_with_format(u32::try_from(r).expect("row"), 0, v, &date)
                .expect("cell");
        }
        let cells: Vec<String> = xlsx_rows(&wb.save_to_buffer().expect("xlsx"))
            .into_iter()
            .map(|(_, f)| f.concat())
            .collect();
        assert_eq!(
            cells,
            [
                "0",
                "-1",
                "1e308",
                "2025-10-01",
                "32873",
                "73417",
                "1e15",
                "NAN",
                "-1e308"
            ]
        );
    }
}
