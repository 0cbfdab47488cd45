//! Tables for people: CSV for programs and XLSX for Excel, from the same rows.
//!
//! The CSV keeps the machine names of the columns (`entry_number`) and every value as the
//! program wrote it. The workbook is for Excel users: headers in words ("Entry number"), amounts
//! as numbers with a currency format, dates as Excel dates, days left and counts as whole
//! numbers, so that Excel sorts, filters and sums them; entry and claim numbers, codes and HTS
//! numbers as text cells, so that Excel never turns them into floats or drops a leading zero;
//! long sentences wrapped in sized columns. The header is frozen and filtered. In both files a
//! value that starts like a formula (`=`, `+`, `-`, `@`) is prefixed with `'` so that a message
//! from CBP can never run as a formula (CSV injection).
//!
//! Workbooks are streamed: each sheet is written row by row to a temporary file (rust_xlsxwriter's
//! constant-memory worksheets, strings inline rather than in a shared-strings table), so a
//! million-row worklist costs no more memory than one row. Each column's format is set once on
//! the column and cells carry none of their own; a sheet past Excel's 1,048,576 rows continues
//! on `NAME (2)`, `NAME (3)`... with the header repeated.

use std::borrow::Cow;

use jiff::civil::Date;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};

/// A table: header and rows of text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SheetTable {
    /// Column names, as the CSV heads them; the workbook heads them in words ([`column`]).
    pub headers: Vec<&'static str>,
    /// Column widths in characters (same length as headers).
    pub widths: Vec<f64>,
    /// Rows.
    pub rows: Vec<Vec<String>>,
}

/// How a column's values become Excel cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// A text cell, as written: numbers that are names (entry, claim, importer, HTS), codes.
    Text,
    /// A text cell wrapped in its column: sentences.
    Wrapped,
    /// Dollars (`1,234.56`): a number with a currency format.
    Money,
    /// An ISO date (`2026-05-01`): an Excel date with a date format.
    Date,
    /// A whole number (days left, counts); a word such as `passed` stays text.
    Whole,
}

/// A column of a workbook: its machine name, its header in words, and its kind of cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The machine name (the CSV header and the JSON key).
    pub name: &'static str,
    /// The header in words.
    pub title: &'static str,
    /// What its cells hold.
    pub kind: CellKind,
}

/// Every column a capekit workbook has: machine name, header in words, kind of cell.
const COLUMNS: &[(&str, &str, CellKind)] = {
    use CellKind::{Date, Money, Text, Whole, Wrapped};
    &[
        // Worklists of triage and plan, the ledger export.
        ("entry_number", "Entry number", Text),
        ("claim_number", "Claim number", Text),
        ("outcome", "Outcome", Text),
        ("message", "CBP message", Wrapped),
        ("action", "Action", Text),
        ("what_to_do", "What to do", Wrapped),
        ("rule", "Rule", Text),
        ("source", "Source", Wrapped),
        ("origin", "From (file:line)", Text),
        ("note", "Note", Wrapped),
        ("urgent", "Urgent", Text),
        ("next_deadline", "Next deadline", Wrapped),
        ("deadlines", "Deadlines", Wrapped),
        ("importer_number", "Importer number", Text),
        ("importer_name", "Importer name", Wrapped),
        ("path", "Path", Text),
        ("reasons", "Rules applied", Text),
        ("cape_window_closes", "CAPE window closes", Date),
        ("cape_days_left", "CAPE days left", Whole),
        ("psc_due", "PSC due", Date),
        ("protest_due", "Protest due", Date),
        ("protest_days_left", "Protest days left", Whole),
        ("court_due", "Court due", Date),
        ("court_days_left", "Court days left", Whole),
        ("court_1581i_due", "Court, 1581(i) due", Date),
        ("court_1581a_due", "Court, 1581(a) due", Date),
        ("urgent_deadline", "Urgent deadline", Wrapped),
        ("ieepa_duty", "IEEPA duty", Money),
        ("notes", "Notes", Wrapped),
        ("state", "State", Text),
        ("attempts", "Attempts", Whole),
        ("pending_on", "Pending on", Wrapped),
        ("importer", "Importer number", Text),
        ("entry_type", "Entry type", Text),
        ("liquidation_date", "Liquidation date", Date),
        // Protest and court packets.
        ("port", "Port", Text),
        ("entry_date", "Entry date", Date),
        ("ieepa_lines", "IEEPA lines", Whole),
        ("chapter_99_headings", "Chapter 99 headings", Wrapped),
        ("days_left", "Days left", Whole),
        ("drawback_linked", "Drawback linked", Text),
        ("rules", "Rules applied", Text),
        (
            "protestant_name_and_address",
            "Protestant name and address",
            Wrapped,
        ),
        ("decision_protested", "Decision protested", Wrapped),
        ("grounds_and_reasons", "Grounds and reasons", Wrapped),
        ("protest_number", "Protest number", Text),
        ("filed_on", "Filed on", Date),
        ("deposit_date", "Deposit date", Date),
        ("route", "Route", Text),
        ("why_court", "Why the court", Wrapped),
        ("safe_last_day", "Safe last day", Date),
        ("counted_from", "Counted from", Wrapped),
        ("court_1581i_earliest", "Court, 1581(i) earliest", Date),
        ("deposit_plus_2_years", "Deposit + 2 years", Date),
        ("liquidation_plus_2_years", "Liquidation + 2 years", Date),
        ("counsel", "Counsel", Wrapped),
        ("court_number", "Court number", Text),
    ]
};

/// The workbook column of machine name `name`. A name not in capekit's list (a test holds that
/// every table's columns are) is a text column headed by its own name.
pub fn column(name: &'static str) -> Column {
    match COLUMNS.iter().find(|(n, _, _)| *n == name) {
        Some(&(name, title, kind)) => Column { name, title, kind },
        None => Column {
            name,
            title: name,
            kind: CellKind::Text,
        },
    }
}

/// Is `name` in capekit's list of workbook columns?
pub fn is_known_column(name: &str) -> bool {
    COLUMNS.iter().any(|(n, _, _)| *n == name)
}

/// Neutralises a value that a spreadsheet would read as a formula.
pub fn defuse(value: &str) -> Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// The table as CSV (UTF-8, CRLF, header first).
pub fn to_csv(table: &SheetTable) -> Result<Vec<u8>, csv::Error> {
    csv_of(&table.headers, &table.rows)
}

/// Writes rows as CSV (UTF-8, CRLF, `headers` first) into `out`, each value defused.
pub fn write_csv<R, S>(
    out: impl std::io::Write,
    headers: &[&str],
    rows: impl IntoIterator<Item = R>,
) -> Result<(), csv::Error>
where
    R: AsRef<[S]>,
    S: AsRef<str>,
{
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .buffer_capacity(1 << 20)
        .from_writer(out);
    w.write_record(headers)?;
    for row in rows {
        for v in row.as_ref() {
            w.write_field(defuse(v.as_ref()).as_bytes())?;
        }
        w.write_record(None::<&[u8]>)?;
    }
    w.flush()?;
    Ok(())
}

/// Rows as CSV (UTF-8, CRLF, `headers` first), each value defused.
pub fn csv_of<R, S>(
    headers: &[&str],
    rows: impl IntoIterator<Item = R>,
) -> Result<Vec<u8>, csv::Error>
where
    R: AsRef<[S]>,
    S: AsRef<str>,
{
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(headers)?;
    for row in rows {
        // Field by field, so that a value needing no `'` is written without a copy.
        for v in row.as_ref() {
            w.write_field(defuse(v.as_ref()).as_bytes())?;
        }
        w.write_record(None::<&[u8]>)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Characters one Excel cell holds (UTF-16 code units, as Excel counts them).
pub const EXCEL_CELL_CHARS: usize = 32_767;

/// A value cut to what a cell holds, ending in `…` when cut: a longer CBP message must not make
/// the workbook, and with it every output of the run, fail. The CSV keeps the whole value.
/// Excel counts UTF-16 code units, in which a character past the Basic Multilingual Plane (an
/// emoji) is two.
fn fit_cell(value: &str) -> Cow<'_, str> {
    // A byte is at least one code unit: a value of at most that many bytes fits whole.
    if value.len() <= EXCEL_CELL_CHARS || value.encode_utf16().count() <= EXCEL_CELL_CHARS {
        return Cow::Borrowed(value);
    }
    // Room for the `…` (one unit).
    let mut units = 0;
    let mut end = 0;
    for (i, c) in value.char_indices() {
        if units + c.len_utf16() > EXCEL_CELL_CHARS - 1 {
            break;
        }
        units += c.len_utf16();
        end = i + c.len_utf8();
    }
    Cow::Owned(format!("{}\u{2026}", &value[..end]))
}

/// Data rows one sheet holds: Excel's 1,048,576 rows less the header.
pub const EXCEL_DATA_ROWS: usize = 1_048_575;

/// The table as an XLSX workbook: one sheet named `sheet_name`, continued on `NAME (2)`,
/// `NAME (3)`... when the rows pass Excel's limit, each sheet with the header.
pub fn to_xlsx(sheet_name: &str, table: &SheetTable) -> Result<Vec<u8>, XlsxError> {
    to_xlsx_paged(sheet_name, table, EXCEL_DATA_ROWS)
}

/// [`to_xlsx`] with at most `rows_per_sheet` data rows on a sheet (at least one).
pub fn to_xlsx_paged(
    sheet_name: &str,
    table: &SheetTable,
    rows_per_sheet: usize,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Book::new().with_rows_per_sheet(rows_per_sheet);
    book.text_sheet(sheet_name, &table.headers, &table.widths, table.rows.iter())?;
    book.finish()
}

/// A typed cell value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// No value: an empty cell.
    Blank,
    /// Text (defused and cut to a cell when written).
    Text(Cow<'a, str>),
    /// A number.
    Number(f64),
    /// Dollars, in cents.
    Cents(i64),
    /// A date.
    Date(Date),
}

impl<'a> Value<'a> {
    /// `text` read as a value of `kind`: an empty text is blank; a text that does not read as
    /// the kind (a day count of `passed`) stays text, so nothing is lost.
    pub fn parse(text: &'a str, kind: CellKind) -> Value<'a> {
        if text.is_empty() {
            return Value::Blank;
        }
        let parsed = match kind {
            CellKind::Text | CellKind::Wrapped => None,
            CellKind::Money => parse_cents(text).map(Value::Cents),
            CellKind::Date => parse_iso_date(text).map(Value::Date),
            CellKind::Whole => text.parse::<i64>().ok().map(|n| {
                #[expect(
                    clippy::cast_precision_loss,
                    reason = "day counts and attempts are far below 2^53"
                )]
                Value::Number(n as f64)
            }),
        };
        parsed.unwrap_or(Value::Text(Cow::Borrowed(text)))
    }
}

/// `1,234.56`, `-12.00` or `$1,234.56` in cents; `None` for anything else.
fn parse_cents(text: &str) -> Option<i64> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let rest = rest.strip_prefix('$').unwrap_or(rest);
    let (whole, cents) = rest.split_once('.')?;
    if cents.len() != 2 || whole.is_empty() || !cents.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut n: i64 = 0;
    for b in whole.bytes() {
        match b {
            b'0'..=b'9' => n = n.checked_mul(10)?.checked_add(i64::from(b - b'0'))?,
            b',' => {}
            _ => return None,
        }
    }
    let c: i64 = cents.parse().ok()?;
    let v = n.checked_mul(100)?.checked_add(c)?;
    Some(if negative { -v } else { v })
}

/// `2026-05-01` as a date; `None` for anything else.
fn parse_iso_date(text: &str) -> Option<Date> {
    if text.len() != 10 {
        return None;
    }
    text.parse::<Date>().ok()
}

/// An XLSX workbook being written, sheet by sheet, row by row.
pub struct Book {
    wb: Workbook,
    rows_per_sheet: usize,
    bold: Format,
    text: Format,
    wrapped: Format,
    money: Format,
    date: Format,
    whole: Format,
}

impl std::fmt::Debug for Book {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Book")
            .field("rows_per_sheet", &self.rows_per_sheet)
            .finish_non_exhaustive()
    }
}

impl Default for Book {
    fn default() -> Self {
        Self::new()
    }
}

impl Book {
    /// An empty workbook.
    pub fn new() -> Self {
        let mut wb = Workbook::new();
        // Level 1 deflate: about a third of the time of the default level for a file some 20 %
        // larger; a worklist of a million cells is written in a fraction of a second.
        wb.set_zip_compression_level(1);
        let top = |f: Format| f.set_align(FormatAlign::Top);
        Book {
            wb,
            rows_per_sheet: EXCEL_DATA_ROWS,
            bold: Format::new().set_bold(),
            text: top(Format::new().set_num_format("@")),
            wrapped: top(Format::new().set_num_format("@").set_text_wrap()),
            money: top(Format::new().set_num_format("$#,##0.00")),
            date: top(Format::new().set_num_format("yyyy-mm-dd")),
            whole: top(Format::new().set_num_format("0")),
        }
    }

    /// At most `rows` data rows on a sheet (at least one; at most Excel's).
    pub fn with_rows_per_sheet(mut self, rows: usize) -> Self {
        self.rows_per_sheet = rows.clamp(1, EXCEL_DATA_ROWS);
        self
    }

    fn format(&self, kind: CellKind) -> &Format {
        match kind {
            CellKind::Text => &self.text,
            CellKind::Wrapped => &self.wrapped,
            CellKind::Money => &self.money,
            CellKind::Date => &self.date,
            CellKind::Whole => &self.whole,
        }
    }

    /// The sheets for `rows` rows under `columns`: `name`, then `name (2)`, `name (3)`... past
    /// the rows a sheet holds, each headed, frozen and sized. They are filled by [`Pages`]'
    /// methods, on any thread, then added with [`Book::push`].
    pub fn pages(
        &mut self,
        name: &str,
        columns: &[Column],
        widths: &[f64],
        rows: usize,
    ) -> Result<Pages, XlsxError> {
        self.new_pages(name, columns, widths, rows, false)
    }

    /// [`Book::pages`] whose text is kept once in the workbook's table of shared strings, each
    /// cell naming its string by number: for sheets whose sentences repeat over thousands of
    /// rows (a worklist's advice), a sheet some three times smaller, faster to write and to
    /// open. Its distinct strings are held in memory until the workbook is finished.
    pub fn shared_pages(
        &mut self,
        name: &str,
        columns: &[Column],
        widths: &[f64],
        rows: usize,
    ) -> Result<Pages, XlsxError> {
        self.new_pages(name, columns, widths, rows, true)
    }

    fn new_pages(
        &mut self,
        name: &str,
        columns: &[Column],
        widths: &[f64],
        rows: usize,
        shared: bool,
    ) -> Result<Pages, XlsxError> {
        let per = self.rows_per_sheet;
        let count = rows.div_ceil(per).max(1);
        let mut sheets = Vec::with_capacity(count);
        for page in 1..=count {
            let mut ws = if shared {
                self.wb.new_worksheet_with_low_memory()?
            } else {
                self.wb.new_worksheet_with_constant_memory()?
            };
            if page == 1 {
                ws.set_name(name)?;
            } else {
                ws.set_name(format!("{name} ({page})"))?;
            }
            for (c, col) in columns.iter().enumerate() {
                let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
                // The column's format, set once: the cells below carry none of their own.
                ws.set_column_format(c, self.format(col.kind))?;
                let width = widths.get(usize::from(c)).copied().unwrap_or(14.0);
                ws.set_column_width(c, width)?;
                ws.write_string_with_format(0, c, col.title, &self.bold)?;
            }
            ws.set_freeze_panes(1, 0)?;
            let on_page = if page < count {
                per
            } else {
                rows - per * (count - 1)
            };
            let last_col = u16::try_from(columns.len().saturating_sub(1)).unwrap_or(0);
            ws.autofilter(0, 0, u32::try_from(on_page).unwrap_or(u32::MAX), last_col)?;
            sheets.push(ws);
        }
        Ok(Pages {
            sheets,
            per,
            rows,
            kinds: columns.iter().map(|c| c.kind).collect(),
        })
    }

    /// Adds filled sheets to the workbook, after those added before.
    pub fn push(&mut self, pages: Pages) {
        for ws in pages.sheets {
            self.wb.push_worksheet(ws);
        }
    }

    /// A sheet named `name` (continued on `name (2)`... past the rows a sheet holds) of the
    /// typed `rows` under `columns`.
    pub fn typed_sheet<'v, R>(
        &mut self,
        name: &str,
        columns: &[Column],
        widths: &[f64],
        rows: impl ExactSizeIterator<Item = R>,
    ) -> Result<(), XlsxError>
    where
        R: AsRef<[Value<'v>]>,
    {
        let mut pages = self.pages(name, columns, widths, rows.len())?;
        pages.typed(rows)?;
        self.push(pages);
        Ok(())
    }

    /// A sheet of text rows under the machine names `headers`: each value becomes a cell of its
    /// column's kind ([`column`], [`Value::parse`]).
    pub fn text_sheet<R, S>(
        &mut self,
        name: &str,
        headers: &[&'static str],
        widths: &[f64],
        rows: impl ExactSizeIterator<Item = R>,
    ) -> Result<(), XlsxError>
    where
        R: AsRef<[S]>,
        S: AsRef<str>,
    {
        let columns: Vec<Column> = headers.iter().map(|h| column(h)).collect();
        let mut pages = self.pages(name, &columns, widths, rows.len())?;
        pages.text(rows)?;
        self.push(pages);
        Ok(())
    }

    /// The workbook's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, XlsxError> {
        self.wb.save_to_buffer()
    }

    /// Writes the workbook into `file` (a large workbook, which need not be held in memory).
    pub fn finish_to(mut self, file: &mut std::fs::File) -> Result<(), XlsxError> {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
        self.wb.save_to_writer(&mut w)?;
        std::io::Write::flush(&mut w)?;
        Ok(())
    }
}

/// The sheets of one table, made by [`Book::pages`] for a number of rows, being filled.
pub struct Pages {
    sheets: Vec<Worksheet>,
    per: usize,
    rows: usize,
    kinds: Vec<CellKind>,
}

impl std::fmt::Debug for Pages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("sheets", &self.sheets.len())
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

impl Pages {
    /// Writes typed rows, in order.
    pub fn typed<'v, R>(&mut self, rows: impl IntoIterator<Item = R>) -> Result<(), XlsxError>
    where
        R: AsRef<[Value<'v>]>,
    {
        self.fill(rows, |ws, r, row, _| {
            for (c, v) in row.as_ref().iter().enumerate() {
                let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
                write_value(ws, r, c, v)?;
            }
            Ok(())
        })
    }

    /// Writes text rows, in order, each value read as its column's kind ([`Value::parse`]).
    pub fn text<R, S>(&mut self, rows: impl IntoIterator<Item = R>) -> Result<(), XlsxError>
    where
        R: AsRef<[S]>,
        S: AsRef<str>,
    {
        self.fill(rows, |ws, r, row, kinds| {
            for (c, v) in row.as_ref().iter().enumerate() {
                let kind = kinds.get(c).copied().unwrap_or(CellKind::Text);
                let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
                write_value(ws, r, c, &Value::parse(v.as_ref(), kind))?;
            }
            Ok(())
        })
    }

    fn fill<R>(
        &mut self,
        rows: impl IntoIterator<Item = R>,
        mut write: impl FnMut(&mut Worksheet, u32, &R, &[CellKind]) -> Result<(), XlsxError>,
    ) -> Result<(), XlsxError> {
        for (n, row) in rows.into_iter().enumerate() {
            if n == self.rows {
                return Err(XlsxError::ParameterError(format!(
                    "more rows than the {} the sheets were made for",
                    self.rows
                )));
            }
            let ws = &mut self.sheets[n / self.per];
            let r = u32::try_from(n % self.per + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            write(ws, r, &row, &self.kinds)?;
        }
        Ok(())
    }
}

fn write_value(ws: &mut Worksheet, r: u32, c: u16, v: &Value<'_>) -> Result<(), XlsxError> {
    match v {
        Value::Blank => {}
        Value::Text(s) => {
            if !s.is_empty() {
                ws.write_string(r, c, fit_cell(&defuse(s)).into_owned())?;
            }
        }
        Value::Number(n) => {
            ws.write_number(r, c, *n)?;
        }
        Value::Cents(cents) => {
            #[expect(
                clippy::cast_precision_loss,
                reason = "a duty in cents is far below 2^53; Excel holds money as a double anyway"
            )]
            let dollars = *cents as f64 / 100.0;
            ws.write_number(r, c, dollars)?;
        }
        Value::Date(d) => match excel_date(*d) {
            Some(x) => {
                ws.write_datetime(r, c, &x)?;
            }
            // Before 1900, which Excel's dates do not reach: the date as text.
            None => {
                ws.write_string(r, c, d.to_string())?;
            }
        },
    }
    Ok(())
}

/// The Excel date of `d`; `None` before 1900-01-01, Excel's first day.
fn excel_date(d: Date) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok().filter(|y| *y >= 1900)?;
    let month = u8::try_from(d.month()).ok()?;
    let day = u8::try_from(d.day()).ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SheetTable {
        SheetTable {
            headers: vec!["entry_number", "message"],
            widths: vec![14.0, 40.0],
            rows: vec![vec!["05760693427".into(), "=HYPERLINK(\"x\")".into()]],
        }
    }

    #[test]
    fn csv_defuses_formulas() {
        let bytes = to_csv(&sample()).expect("csv");
        let s = String::from_utf8(bytes).expect("utf8");
        assert_eq!(
            s,
            "entry_number,message\r\n05760693427,\"'=HYPERLINK(\"\"x\"\")\"\r\n"
        );
    }

    #[test]
    fn xlsx_keeps_entry_numbers_as_text() {
        let bytes = to_xlsx("Worklist", &sample()).expect("xlsx");
        let t = crate::table::read_table(&bytes).expect("read back");
        assert_eq!(t.rows[1].fields[0], "05760693427");
        assert_eq!(t.rows[0].sheet.as_deref(), Some("Worklist"));
    }

    #[test]
    fn rows_past_a_sheet_continue_on_the_next_sheet() {
        // Regression: more than 1,048,575 worklist rows made the workbook fail, and with it the
        // whole output set: triage wrote nothing, refile included.
        let mut t = sample();
        t.rows = (1..=7)
            .map(|i| vec![format!("B76032452{i:02}"), "r".to_owned()])
            .collect();
        let bytes = to_xlsx_paged("Worklist", &t, 3).expect("xlsx");
        let mut wb: calamine::Xlsx<_> =
            calamine::Reader::new(std::io::Cursor::new(&bytes[..])).expect("open");
        let names = calamine::Reader::sheet_names(&wb);
        assert_eq!(names, ["Worklist", "Worklist (2)", "Worklist (3)"]);
        let mut seen = Vec::new();
        for name in &names {
            let range = calamine::Reader::worksheet_range(&mut wb, name).expect("sheet");
            let rows: Vec<Vec<String>> = range
                .rows()
                .map(|r| r.iter().map(ToString::to_string).collect())
                .collect();
            assert_eq!(rows[0][0], "Entry number", "{name} starts with the header");
            seen.extend(rows.into_iter().skip(1).map(|r| r[0].clone()));
        }
        let all: Vec<String> = t.rows.iter().map(|r| r[0].clone()).collect();
        assert_eq!(seen, all, "every row once, in order");
        let one: calamine::Xlsx<_> =
            calamine::Reader::new(std::io::Cursor::new(to_xlsx("Worklist", &t).expect("xlsx")))
                .expect("open");
        assert_eq!(calamine::Reader::sheet_names(&one), ["Worklist"]);
    }

    fn cells(bytes: &[u8], sheet: &str) -> Vec<Vec<calamine::Data>> {
        let mut wb: calamine::Xlsx<_> =
            calamine::Reader::new(std::io::Cursor::new(bytes)).expect("open");
        let range = calamine::Reader::worksheet_range(&mut wb, sheet).expect("sheet");
        range.rows().map(<[calamine::Data]>::to_vec).collect()
    }

    #[test]
    fn cells_are_typed_by_their_column_and_headed_in_words() {
        use calamine::Data;
        let t = SheetTable {
            headers: vec![
                "entry_number",
                "importer_number",
                "ieepa_duty",
                "protest_due",
                "protest_days_left",
                "what_to_do",
            ],
            widths: vec![14.0; 6],
            rows: vec![
                vec![
                    "05760693427".into(),
                    "12-345678900".into(),
                    "1,234.56".into(),
                    "2026-05-01".into(),
                    "30".into(),
                    "File a protest.".into(),
                ],
                vec![
                    "B7603245278".into(),
                    String::new(),
                    "-12.00".into(),
                    String::new(),
                    "passed".into(),
                    "-dangerous".into(),
                ],
            ],
        };
        let rows = cells(&to_xlsx("Worklist", &t).expect("xlsx"), "Worklist");
        let header: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
        assert_eq!(
            header,
            [
                "Entry number",
                "Importer number",
                "IEEPA duty",
                "Protest due",
                "Protest days left",
                "What to do"
            ]
        );
        assert_eq!(
            rows[1][0],
            Data::String("05760693427".into()),
            "entry numbers are text"
        );
        assert_eq!(rows[1][1], Data::String("12-345678900".into()));
        assert_eq!(rows[1][2], Data::Float(1234.56), "amounts are numbers");
        match &rows[1][3] {
            // Excel's serial day of 2026-05-01 (36,526 is 2000-01-01).
            Data::DateTime(d) => assert_eq!(d.as_f64(), 46_143.0),
            other => panic!("a date cell, found {other:?}"),
        }
        assert_eq!(rows[1][4], Data::Float(30.0), "days left are whole numbers");
        assert_eq!(rows[1][5], Data::String("File a protest.".into()));
        assert_eq!(rows[2][1], Data::Empty, "an empty value is an empty cell");
        assert_eq!(rows[2][2], Data::Float(-12.0));
        assert_eq!(
            rows[2][4],
            Data::String("passed".into()),
            "a word stays text"
        );
        assert_eq!(rows[2][5], Data::String("'-dangerous".into()), "defused");
        // The CSV keeps the machine names and the values as they were.
        let csv = String::from_utf8(to_csv(&t).expect("csv")).expect("utf8");
        assert!(
            csv.starts_with("entry_number,importer_number,ieepa_duty,"),
            "{csv}"
        );
        assert!(csv.contains("\"1,234.56\",2026-05-01,30,"), "{csv}");
    }

    #[test]
    fn money_and_dates_read_only_when_they_are_whole() {
        assert_eq!(parse_cents("1,234.56"), Some(123_456));
        assert_eq!(parse_cents("$1,234.56"), Some(123_456));
        assert_eq!(parse_cents("-0.05"), Some(-5));
        assert_eq!(parse_cents("12.5"), None);
        assert_eq!(parse_cents("12"), None);
        assert_eq!(parse_cents("1.2.34"), None);
        assert_eq!(parse_cents("abc.00"), None);
        assert_eq!(parse_iso_date("2026-02-30"), None);
        assert_eq!(parse_iso_date("05/01/2026"), None);
        assert_eq!(
            Value::parse("1899-12-31", CellKind::Date),
            Value::Date(jiff::civil::date(1899, 12, 31))
        );
        // Before Excel's first date: written as text rather than lost.
        let t = SheetTable {
            headers: vec!["protest_due"],
            widths: vec![12.0],
            rows: vec![vec!["1899-12-31".into()]],
        };
        let rows = cells(&to_xlsx("Worklist", &t).expect("xlsx"), "Worklist");
        assert_eq!(rows[1][0], calamine::Data::String("1899-12-31".into()));
    }

    #[test]
    fn more_rows_than_the_sheets_were_made_for_is_an_error_not_a_lost_row() {
        let mut book = Book::new();
        let mut pages = book
            .pages("Worklist", &[column("entry_number")], &[14.0], 1)
            .expect("pages");
        let err = pages
            .text([["B7603245278"], ["B7603245286"]])
            .expect_err("refused");
        assert!(err.to_string().contains("more rows"), "{err}");
    }

    #[test]
    fn a_sheet_holds_excel_data_rows_below_its_header() {
        // The limit is Excel's: a cell on the last row after the header is writable, one row
        // further is not.
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        let last = u32::try_from(EXCEL_DATA_ROWS).expect("fits");
        assert!(ws.write_string(last, 0, "last").is_ok());
        assert!(ws.write_string(last + 1, 0, "beyond").is_err());
    }

    #[test]
    fn a_value_of_wide_characters_is_cut_to_excels_count_not_a_failed_workbook() {
        // Regression: 20,000 emoji are 20,000 characters but 40,000 of Excel's UTF-16 units;
        // the cut counted characters, so the workbook failed, and with it every output.
        let mut t = sample();
        let wide = "\u{1F600}".repeat(20_000);
        t.rows.push(vec!["B7603245278".into(), wide.clone()]);
        let bytes = to_xlsx("Worklist", &t).expect("xlsx");
        let back = crate::table::read_table(&bytes).expect("read back");
        let cell = &back.rows[2].fields[1];
        assert_eq!(cell.encode_utf16().count(), EXCEL_CELL_CHARS);
        assert!(cell.ends_with('\u{2026}'));
        assert!(wide.starts_with(cell.trim_end_matches('\u{2026}')));
        let fits = "\u{1F600}".repeat(EXCEL_CELL_CHARS / 2);
        assert_eq!(fit_cell(&fits), fits.as_str());
    }

    #[test]
    fn a_value_longer_than_a_cell_is_cut_not_a_failed_workbook() {
        let mut t = sample();
        let long = "x".repeat(EXCEL_CELL_CHARS + 10);
        t.rows.push(vec!["B7603245278".into(), long.clone()]);
        let bytes = to_xlsx("Worklist", &t).expect("xlsx");
        let back = crate::table::read_table(&bytes).expect("read back");
        let cell = &back.rows[2].fields[1];
        assert_eq!(cell.chars().count(), EXCEL_CELL_CHARS);
        assert!(cell.ends_with('\u{2026}'));
        assert_eq!(fit_cell(&long[..EXCEL_CELL_CHARS]).len(), EXCEL_CELL_CHARS);
        assert!(
            String::from_utf8(to_csv(&t).expect("csv"))
                .expect("utf8")
                .contains(&long)
        );
    }
}
