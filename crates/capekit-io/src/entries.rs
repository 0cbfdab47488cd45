//! Reader of ACE entry reports (ES-003 "Entry Summary Line Tariff Details") and entry lists, CSV
//! or XLSX, into one [`EntryData`] per entry for the path engine ([`capekit_core::path`]).
//!
//! An ES-003 has one row per HTS number per line per entry, and a large importer's export runs to
//! millions of rows and gigabytes, so a CSV is streamed: rows pass one at a time through fixed
//! buffers and are folded into a map keyed by entry number (entries are far fewer than rows), and
//! diagnostics are capped per rule. Memory grows with the number of entries, never with the
//! number of rows. A workbook is read whole (calamine needs the whole ZIP; a sheet holds at most
//! 1,048,576 rows). Headers are mapped tolerantly (case, spaces, punctuation, aliases); any subset
//! of columns is accepted but the entry number, and what is missing is recorded so that a
//! decision can name the column that would decide it. Every data row is either used or dropped
//! with a diagnostic (`rows_read = rows_used + rows_dropped`); a value that cannot be read becomes
//! a diagnostic and an unknown, never a silent zero.

pub use capekit_core::entry_data::EntryDataSet;
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, BufReader, Cursor, Read};
use std::path::Path;
use std::sync::Arc;

use capekit_core::check::Content;
use capekit_core::diag::{Diagnostic, Severity};
use capekit_core::entry::{EntryNumber, EntryNumberError, unwrap_value};
use capekit_core::path::{Chapter99, Column, ColumnSet, Doubt, EntryData, chapter_99};

use crate::ReadError;
use crate::sniff::sniff;
use crate::table::{LineTracker, Row, TableError, column_letter, csv_reader, read_table, strip_cr};
use crate::text::decode_field;

/// The reader's rule catalog, which lives in `capekit_core::reading` so that `capekit explain`
/// and the README find it; re-exported here, where it was first defined.
pub use capekit_core::reading::ENTRY_READER_RULES;
use capekit_core::reading::{
    BAD_AMOUNT, BAD_DATE, CONFLICTING_VALUES, ENTRY_DATA_UNREADABLE_ENTRY_NUMBER, EntryReaderRule,
    MISSING_ENTRY_COLUMN, NEGATIVE_IEEPA_DUTY, REPORT_TOTAL_ROW, UNREADABLE_ENTRY_TYPE,
    UNREADABLE_HTS,
};

/// Workbooks larger than this are refused: they are read whole, and an ES-003 that large reads
/// better as CSV, which is streamed.
pub const MAX_WORKBOOK_BYTES: u64 = 256 * 1024 * 1024;
pub use capekit_core::reading::MAX_DIAGNOSTICS_PER_RULE;
/// The header is looked for among this many non-blank rows at the top (ACE report exports may
/// start with a title).
pub const MAX_ROWS_BEFORE_HEADER: usize = 20;
/// Bytes looked at to tell what the file is.
const HEAD_BYTES: usize = 64 * 1024;
/// Read buffer for CSV files: large enough that a multi-gigabyte file takes few system calls.
const READ_BUFFER_BYTES: usize = 1024 * 1024;

const ENTRY_COLUMN_NAMES: &str = "Entry Summary Number, Entry Number, ENTRY_NUMBER, Entry No";
/// Header aliases, squashed to lower-case letters and digits.
const ALIASES: &[(Column, &[&str])] = &[
    (
        Column::EntryNumber,
        &[
            "entrysummarynumber",
            "entrynumber",
            "entryno",
            "entrynum",
            "entrynbr",
            "entry",
            "entrysummaryno",
            "entrysummarynbr",
        ],
    ),
    (
        Column::EntryType,
        &[
            "entrytypecode",
            "entrytype",
            "entrytypecd",
            "entrysummarytypecode",
        ],
    ),
    (
        Column::ImporterNumber,
        &[
            "importernumber",
            "iornumber",
            "importerofrecordnumber",
            "importerofrecordno",
            "importerno",
            "iorno",
            "iornbr",
            "importernbr",
            "importerid",
            "iorid",
        ],
    ),
    (
        Column::ImporterName,
        &["importername", "iorname", "importerofrecordname"],
    ),
    (Column::EntryDate, &["entrydate", "dateofentry", "entrydt"]),
    (
        Column::EntrySummaryDate,
        &["entrysummarydate", "summarydate", "entrysummarydt"],
    ),
    (
        Column::Hts,
        &[
            "htsnumberfull",
            "htsnumber",
            "hts",
            "tariffnumber",
            "htsno",
            "htsus",
            "htsusnumber",
            "htscode",
            "tariffno",
            "linetariffhtsnumber",
        ],
    ),
    (
        Column::GoodsValue,
        &[
            "linetariffgoodsvalueamount",
            "goodsvalueamount",
            "goodsvalue",
            "linetariffgoodsvalue",
            "enteredvalue",
        ],
    ),
    (
        Column::Duty,
        &[
            "linetariffdutyamount",
            "dutyamount",
            "duty",
            "linetariffduty",
            "dutyamt",
            "linedutyamount",
        ],
    ),
    (
        Column::LiquidationStatus,
        &[
            "liquidationstatus",
            "liqstatus",
            "liquidationstatuscode",
            "liquidationstatusdescription",
        ],
    ),
    (
        Column::LiquidationDate,
        &[
            "liquidationdate",
            "liqdate",
            "liquidationdt",
            "dateofliquidation",
        ],
    ),
    (
        Column::ReconciliationIndicator,
        &[
            "reconciliationindicator",
            "reconindicator",
            "reconciliationflag",
            "reconflag",
            "reconciliationflagindicator",
            "reconciliationissuecode",
            "reconissuecode",
        ],
    ),
    (
        Column::ReconciliationEntryNumber,
        &[
            "reconciliationentrynumber",
            "reconentrynumber",
            "type09entrynumber",
        ],
    ),
    (
        Column::ControlStatus,
        &[
            "controlstatus",
            "entrysummarycontrolstatus",
            "controlstatuscode",
        ],
    ),
    (
        Column::ProtestNumber,
        &["protestnumber", "protestno", "protestnbr"],
    ),
    (
        Column::ProtestStatus,
        &[
            "proteststatus",
            "proteststatuscode",
            "proteststatusdescription",
        ],
    ),
    (
        Column::Drawback,
        &[
            "drawbackindicator",
            "drawbackflag",
            "drawback",
            "drawbackclaimnumber",
        ],
    ),
    (
        Column::ProtestDecisionDate,
        &[
            "protestdecisiondate",
            "protestdecisiondt",
            "protestdecideddate",
            "protestdenialdate",
            "protestdecision",
        ],
    ),
    (
        Column::LiquidationReason,
        &[
            "liquidationreasoncode",
            "liquidationreason",
            "liqreasoncode",
            "liqreason",
            "liquidationreasoncd",
        ],
    ),
    (
        Column::AdCvd,
        &[
            "adcvdstatus",
            "adcvdindicator",
            "adcvd",
            "addcvd",
            "addcvdindicator",
            "addcvdstatus",
            "adcvdflag",
            "adcvdcasestatus",
        ],
    ),
    (
        Column::Port,
        &[
            "portofentrycode",
            "portofentry",
            "portcode",
            "port",
            "entryport",
        ],
    ),
];

/// Columns whose value belongs to the whole entry (repeated on each of its rows).
const ENTRY_LEVEL: [Column; 17] = [
    Column::EntryType,
    Column::ImporterNumber,
    Column::ImporterName,
    Column::EntryDate,
    Column::EntrySummaryDate,
    Column::LiquidationStatus,
    Column::LiquidationDate,
    Column::ReconciliationIndicator,
    Column::ReconciliationEntryNumber,
    Column::ControlStatus,
    Column::ProtestNumber,
    Column::ProtestStatus,
    Column::Drawback,
    Column::ProtestDecisionDate,
    Column::LiquidationReason,
    Column::AdCvd,
    Column::Port,
];

fn squash(header: &str) -> String {
    unwrap_value(header)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The field a header names, if capekit knows it.
pub fn column_of(header: &str) -> Option<Column> {
    let h = squash(header);
    ALIASES
        .iter()
        .find(|(_, names)| names.contains(&h.as_str()))
        .map(|(c, _)| *c)
}

/// Why an entry file was refused.
#[derive(Debug, thiserror::Error)]
pub enum EntryFileError {
    /// The file could not be opened.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// Reading failed part way.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// File.
        file: String,
        /// Cause.
        source: io::Error,
    },
    /// The CSV parser failed (an I/O error underneath).
    #[error("{file}: cannot read the CSV: {source}")]
    Csv {
        /// File.
        file: String,
        /// Cause.
        source: csv::Error,
    },
    /// The workbook could not be read.
    #[error("{file}: {error}")]
    Table {
        /// File.
        file: String,
        /// Cause (not an error `source`: the message already says it).
        error: TableError,
    },
    /// Not a CSV or workbook.
    #[error(
        "{file}: the file is {}, not a CSV or Excel file - export the ES-003 report from ACE as CSV or Excel",
        content.describe()
    )]
    Unsupported {
        /// File.
        file: String,
        /// What it is.
        content: Content,
    },
    /// A workbook too large to read whole.
    #[error(
        "{file}: the workbook is larger than {} MB; save it as CSV (File > Save As > CSV), which capekit reads row by row",
        MAX_WORKBOOK_BYTES / (1024 * 1024)
    )]
    WorkbookTooLarge {
        /// File.
        file: String,
    },
    /// Nothing but blank rows.
    #[error("{file}: the file is empty - export the ES-003 report from ACE again")]
    Empty {
        /// File.
        file: String,
    },
    /// Rule R005: no entry number column.
    #[error(
        "{file}: R005 no entry number column; found columns: {found}; expected one of: {ENTRY_COLUMN_NAMES} - is this an ES-003 (Entry Summary Line Tariff Details) export or an entry list from ACE?"
    )]
    NoEntryColumn {
        /// File.
        file: String,
        /// The first non-blank row's values, as [`crate::table::headers_found`] says them.
        found: String,
    },
}

impl EntryFileError {
    /// The reader rule behind the refusal, when there is one.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            Self::NoEntryColumn { .. } => Some(MISSING_ENTRY_COLUMN.code),
            _ => None,
        }
    }
}

/// Reads an ES-003 export or entry list from disk; CSV is streamed.
pub fn read_entry_data(path: &Path) -> Result<EntryDataSet, EntryFileError> {
    let file = crate::open_input(path)?;
    read_entry_data_from(
        &path.display().to_string(),
        BufReader::with_capacity(READ_BUFFER_BYTES, file),
    )
}

/// Reads an ES-003 export or entry list from its bytes.
pub fn parse_entry_data(file: &str, bytes: &[u8]) -> Result<EntryDataSet, EntryFileError> {
    read_entry_data_from(file, bytes)
}

/// Reads an ES-003 export or entry list from a reader: CSV (UTF-8, Windows-1252 or UTF-16) is
/// streamed; a workbook is read whole, up to [`MAX_WORKBOOK_BYTES`].
pub fn read_entry_data_from(
    file: &str,
    mut reader: impl Read,
) -> Result<EntryDataSet, EntryFileError> {
    let io_err = |source| EntryFileError::Io {
        file: file.to_owned(),
        source,
    };
    let mut head = Vec::with_capacity(HEAD_BYTES);
    (&mut reader)
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(io_err)?;
    let content = sniff(&head);
    match content {
        Content::Text => {
            let bom = head.starts_with(b"\xEF\xBB\xBF");
            if bom {
                head.drain(..3);
            }
            // Old Mac files end lines with a lone CR, which the `\n` terminator would not split.
            let lone_cr = head.contains(&b'\r') && !head.contains(&b'\n');
            let delimiter = sniff_delimiter(&String::from_utf8_lossy(&head));
            let stream = Cursor::new(head).chain(reader);
            let mut set = if lone_cr {
                stream_csv(file, CrToLf(stream), delimiter)?
            } else {
                stream_csv(file, stream, delimiter)?
            };
            set.bom = bom;
            Ok(set)
        }
        Content::Utf16 => {
            let decoder = utf16_decoder(&head);
            // Excel's "Unicode Text" is UTF-16 separated by tabs.
            let (text, _) = decoder.encoding().decode_with_bom_removal(&head);
            let delimiter = sniff_delimiter(&text);
            let stream = Utf16Reader::new(Cursor::new(head).chain(reader), decoder);
            let mut set = stream_csv(file, stream, delimiter)?;
            set.content = Content::Utf16;
            Ok(set)
        }
        Content::Xlsx | Content::Xls => {
            let mut bytes = head;
            let rest = MAX_WORKBOOK_BYTES + 1 - bytes.len() as u64;
            reader.take(rest).read_to_end(&mut bytes).map_err(io_err)?;
            if bytes.len() as u64 > MAX_WORKBOOK_BYTES {
                return Err(EntryFileError::WorkbookTooLarge {
                    file: file.to_owned(),
                });
            }
            let table = read_table(&bytes).map_err(|error| EntryFileError::Table {
                file: file.to_owned(),
                error,
            })?;
            drop(bytes);
            let mut state = State::new(file);
            for row in &table.rows {
                state.row(
                    At {
                        line: row.line,
                        sheet: row.sheet.as_deref(),
                    },
                    &RowFields(row),
                )?;
            }
            let mut set = state.finish()?;
            set.content = content;
            Ok(set)
        }
        other => Err(EntryFileError::Unsupported {
            file: file.to_owned(),
            content: other,
        }),
    }
}

/// The field separator of a text export: the first of comma, tab and semicolon that splits a
/// line of the file's start into a field naming the entry number (Excel writes "Unicode Text"
/// with tabs, and CSV with semicolons under some regional settings); a comma when none does.
/// Judged on the header, never on data rows, whose amounts (`$1,234.00`) hold commas.
fn sniff_delimiter(head: &str) -> u8 {
    crate::table::sniff_delimiter(head.as_bytes(), MAX_ROWS_BEFORE_HEADER * 2, &|f| {
        column_of(f) == Some(Column::EntryNumber)
    })
}

fn stream_csv<R: Read>(
    file: &str,
    reader: R,
    delimiter: u8,
) -> Result<EntryDataSet, EntryFileError> {
    let mut rdr = if delimiter == b',' {
        csv_reader(LineTracker::new(reader))
    } else {
        // `csv_reader`'s settings, with the sniffed separator.
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .terminator(csv::Terminator::Any(b'\n'))
            .delimiter(delimiter)
            .from_reader(LineTracker::new(reader))
    };
    let mut record = csv::ByteRecord::new();
    let mut state = State::new(file);
    loop {
        let more = rdr
            .read_byte_record(&mut record)
            .map_err(|source| EntryFileError::Csv {
                file: file.to_owned(),
                source,
            })?;
        if !more {
            break;
        }
        let offset = record.position().map_or(0, csv::Position::byte);
        let line = rdr.get_mut().line_at(offset);
        state.row(At { line, sheet: None }, &CsvFields(&record))?;
    }
    state.finish()
}

/// Where a row stands: a CSV line, or a sheet row.
#[derive(Debug, Clone, Copy)]
struct At<'a> {
    line: u64,
    sheet: Option<&'a str>,
}

impl At<'_> {
    fn cell(self, column: usize) -> Option<String> {
        self.sheet
            .map(|s| format!("{s}!{}{}", column_letter(column), self.line))
    }

    fn position(self, column: usize) -> String {
        self.cell(column)
            .unwrap_or_else(|| format!("line {}", self.line))
    }

    fn where_line(self, line: u64) -> String {
        match self.sheet {
            Some(_) => format!("row {line}"),
            None => format!("line {line}"),
        }
    }
}

/// The raw values of one row, CSV or sheet, without copying them.
trait Fields {
    fn count(&self) -> usize;
    fn raw(&self, column: usize) -> &[u8];
}

/// Is the row ACE's report-total footer: its first filled cell `Report Total`, `Grand Total` or
/// `Total`, with or without a colon, in any case?
fn is_report_total(f: &impl Fields) -> bool {
    let Some(first) = (0..f.count())
        .map(|c| f.raw(c).trim_ascii())
        .find(|c| !c.is_empty())
    else {
        return false;
    };
    let word = String::from_utf8_lossy(first);
    let word = capekit_core::entry::unwrap_value(&word)
        .trim()
        .trim_end_matches(':')
        .trim()
        .to_ascii_uppercase();
    let word = word.split_whitespace().collect::<Vec<_>>().join(" ");
    matches!(
        word.as_str(),
        "REPORT TOTAL" | "REPORT TOTALS" | "GRAND TOTAL" | "TOTAL" | "TOTALS"
    )
}

struct CsvFields<'a>(&'a csv::ByteRecord);

impl Fields for CsvFields<'_> {
    fn count(&self) -> usize {
        self.0.len()
    }
    fn raw(&self, column: usize) -> &[u8] {
        match self.0.get(column) {
            // The `\r` of a CRLF line end stays on the last field (see `csv_reader`).
            Some(f) if column + 1 == self.0.len() => strip_cr(f),
            Some(f) => f,
            None => b"",
        }
    }
}

struct RowFields<'a>(&'a Row);

impl Fields for RowFields<'_> {
    fn count(&self) -> usize {
        self.0.fields.len()
    }
    fn raw(&self, column: usize) -> &[u8] {
        self.0.get(column).as_bytes()
    }
}

fn is_blank(f: &impl Fields) -> bool {
    (0..f.count()).all(|i| f.raw(i).iter().all(u8::is_ascii_whitespace))
}

/// Which column holds which field.
#[derive(Debug)]
struct Mapping {
    columns: [Option<usize>; Column::ALL.len()],
    present: ColumnSet,
}

impl Mapping {
    fn get(&self, column: Column) -> Option<usize> {
        self.columns[column as usize]
    }
}

/// Per-entry bookkeeping needed only while reading.
#[derive(Debug, Default)]
struct Side {
    /// Entry-level values first set on a row after the entry's first line.
    later: Vec<(Column, u64)>,
    /// Columns already reported as conflicting (once per entry and column).
    conflicted: ColumnSet,
}

/// Diagnostics, capped per rule.
#[derive(Debug)]
struct Findings {
    file: String,
    list: Vec<Diagnostic>,
    counts: HashMap<&'static str, usize>,
}

impl Findings {
    fn push(&mut self, d: Diagnostic) {
        let n = self.counts.entry(d.code).or_insert(0);
        *n += 1;
        if *n <= MAX_DIAGNOSTICS_PER_RULE {
            self.list.push(d.in_file(self.file.clone()));
        }
    }

    fn finish(mut self) -> Vec<Diagnostic> {
        let mut over: Vec<(&'static str, usize)> = self
            .counts
            .iter()
            .filter(|(_, n)| **n > MAX_DIAGNOSTICS_PER_RULE)
            .map(|(c, n)| (*c, *n))
            .collect();
        over.sort_unstable();
        for (code, n) in over {
            let title = capekit_core::reading::entry_reader_rule(code).map_or("", |r| r.title);
            self.list.push(
                capekit_core::reading::FINDINGS_CAPPED.diag(format!(
                        "{} more findings of {code} ({title}) are not listed; the first {MAX_DIAGNOSTICS_PER_RULE} are - fix their cause and read the file again",
                        n - MAX_DIAGNOSTICS_PER_RULE
                    ),
                )
                .in_file(self.file.clone()),
            );
        }
        self.list
    }
}

/// A finding of `rule` about one cell.
fn cell_diag(
    rule: &EntryReaderRule,
    at: At<'_>,
    column: usize,
    raw: &str,
    message: String,
) -> Diagnostic {
    let d = rule.diag(message).with_value(raw);
    match at.cell(column) {
        Some(cell) => d.at_cell(cell, at.line),
        None => d.at_line(at.line),
    }
}

/// The reader's state: looking for the header, then folding rows into entries.
struct State<'f> {
    file: &'f str,
    mapping: Option<Mapping>,
    /// Non-blank rows above the header, while it is looked for.
    before_header: Vec<(u64, Vec<String>)>,
    header_line: u64,
    columns_ignored: Vec<String>,
    // foldhash: a line or two of lookups for each of ten million lines, where SipHash cost.
    index: foldhash::HashMap<EntryNumber, u32>,
    entries: Vec<EntryData>,
    sides: Vec<Side>,
    /// The raw entry number of the last row and its entry: the rows of one entry follow each
    /// other, so most rows need neither parse nor hash lookup.
    last_entry: Option<(Vec<u8>, u32)>,
    /// Per entry-level column, the entry and raw value last merged: repeated values are skipped.
    merged: Vec<Option<(u32, Vec<u8>)>>,
    texts: foldhash::HashSet<Arc<str>>,
    findings: Findings,
    rows_read: u64,
    rows_used: u64,
    rows_dropped: u64,
    blank_rows: u64,
    windows_1252: bool,
    run_date: Option<jiff::civil::Date>,
}

/// The run date a report title row states (`Run Date: 10/01/2026`, `Report Date`, `Date Run`,
/// in one cell or the next), if any.
fn run_date_of(cells: &[String]) -> Option<jiff::civil::Date> {
    const LABELS: &[&str] = &[
        "RUN DATE",
        "REPORT DATE",
        "DATE RUN",
        "REPORT RUN DATE",
        "RUN ON",
    ];
    let line = cells.join(" ");
    let upper = line.to_ascii_uppercase();
    let at = LABELS
        .iter()
        .filter_map(|l| upper.find(l).map(|i| i + l.len()))
        .min()?;
    let rest = line
        .get(at..)?
        .trim_start_matches([':', ' ', '=', '-', '\t']);
    let token = rest.split([' ', ',', ';']).next()?;
    capekit_core::dates::parse_date(token).ok().flatten()
}

impl<'f> State<'f> {
    fn new(file: &'f str) -> Self {
        Self {
            file,
            mapping: None,
            before_header: Vec::new(),
            header_line: 0,
            columns_ignored: Vec::new(),
            index: foldhash::HashMap::default(),
            entries: Vec::new(),
            sides: Vec::new(),
            last_entry: None,
            merged: vec![None; Column::ALL.len()],
            texts: foldhash::HashSet::default(),
            findings: Findings {
                file: base_name(file).to_owned(),
                list: Vec::new(),
                counts: HashMap::new(),
            },
            rows_read: 0,
            rows_used: 0,
            rows_dropped: 0,
            blank_rows: 0,
            windows_1252: false,
            run_date: None,
        }
    }

    fn text<'a>(&mut self, raw: &'a [u8]) -> Cow<'a, str> {
        let s = decode_field(raw);
        self.windows_1252 |= matches!(s, Cow::Owned(_));
        s
    }

    fn row(&mut self, at: At<'_>, f: &impl Fields) -> Result<(), EntryFileError> {
        if is_blank(f) {
            if self.mapping.is_some() {
                self.blank_rows += 1;
            }
            return Ok(());
        }
        if self.mapping.is_none() {
            return self.header(at, f);
        }
        self.data_row(at, f);
        Ok(())
    }

    fn header(&mut self, at: At<'_>, f: &impl Fields) -> Result<(), EntryFileError> {
        let headers: Vec<String> = (0..f.count())
            .map(|i| self.text(f.raw(i)).into_owned())
            .collect();
        if !headers
            .iter()
            .any(|h| column_of(h) == Some(Column::EntryNumber))
        {
            if self.run_date.is_none() {
                self.run_date = run_date_of(&headers);
            }
            self.before_header.push((at.line, headers));
            if self.before_header.len() >= MAX_ROWS_BEFORE_HEADER {
                return Err(self.no_entry_column());
            }
            return Ok(());
        }
        let mut columns = [None; Column::ALL.len()];
        let mut present = ColumnSet::EMPTY;
        for (i, h) in headers.iter().enumerate() {
            match column_of(h) {
                Some(c) if present.contains(c) => {
                    let first = columns[c as usize].unwrap_or(0);
                    self.findings.push(
                        capekit_core::reading::DUPLICATE_COLUMN.diag(format!(
                                "{}: the columns `{}` ({}) and `{h}` ({}) both read as `{}`; the first is used - delete or rename the other",
                                at.where_line(at.line),
                                headers.get(first).map_or("", String::as_str),
                                column_letter(first),
                                column_letter(i),
                                c.header()
                            ),
                        )
                        .at_line(at.line)
                        .with_value(h.clone()),
                    );
                }
                Some(c) => {
                    columns[c as usize] = Some(i);
                    present.insert(c);
                }
                None if h.trim().is_empty() => {}
                None => self.columns_ignored.push(h.clone()),
            }
        }
        if !self.before_header.is_empty() {
            let lines: Vec<String> = self
                .before_header
                .iter()
                .map(|(l, _)| l.to_string())
                .collect();
            let n = lines.len();
            self.findings.push(
                capekit_core::reading::ROWS_BEFORE_HEADER
                    .diag(format!(
                        "{n} row{} above the header on {} skipped (a report title?): {} {}",
                        if n == 1 { "" } else { "s" },
                        at.where_line(at.line),
                        if at.sheet.is_some() { "rows" } else { "lines" },
                        lines.join(", ")
                    ))
                    .at_line(self.before_header[0].0),
            );
            self.before_header = Vec::new();
        }
        self.header_line = at.line;
        self.mapping = Some(Mapping { columns, present });
        Ok(())
    }

    fn no_entry_column(&self) -> EntryFileError {
        let found = self
            .before_header
            .first()
            .map(|(line, h)| crate::table::headers_found(h, *line))
            .unwrap_or_default();
        EntryFileError::NoEntryColumn {
            file: self.file.to_owned(),
            found,
        }
    }

    fn data_row(&mut self, at: At<'_>, f: &impl Fields) {
        let Some(mapping) = self.mapping.take() else {
            return;
        };
        self.rows_read += 1;
        match self.entry_of(at, f, &mapping) {
            Some(idx) => {
                self.fold(at, f, &mapping, idx);
                self.rows_used += 1;
            }
            None => self.rows_dropped += 1,
        }
        self.mapping = Some(mapping);
    }

    /// The index of the row's entry, creating it on first sight; `None` (with a finding) when
    /// the entry number cannot be read.
    fn entry_of(&mut self, at: At<'_>, f: &impl Fields, mapping: &Mapping) -> Option<u32> {
        let column = mapping.get(Column::EntryNumber)?;
        let raw = f.raw(column);
        let same = |(last, _): &&(Vec<u8>, u32)| last.as_slice() == raw;
        if let Some((_, idx)) = self.last_entry.as_ref().filter(same) {
            return Some(*idx);
        }
        let text = self.text(raw);
        let number = match EntryNumber::parse(&text) {
            Ok(n) => n,
            Err(_) if is_report_total(f) => {
                let message = format!(
                    "{}: ACE's report-total row, not an entry: skipped",
                    at.position(column)
                );
                let mut d = cell_diag(&REPORT_TOTAL_ROW, at, column, &text, message);
                d.severity = Severity::Info;
                self.findings.push(d);
                return None;
            }
            Err(e) => {
                let message = entry_message(&e, &at.position(column));
                let d = cell_diag(
                    &ENTRY_DATA_UNREADABLE_ENTRY_NUMBER,
                    at,
                    column,
                    &text,
                    message,
                );
                self.findings.push(d);
                return None;
            }
        };
        let next = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        let idx = *self.index.entry(number).or_insert(next);
        if idx == next {
            let mut data = EntryData::new(number, at.line);
            data.absent_columns = mapping.present.complement();
            self.entries.push(data);
            self.sides.push(Side::default());
        }
        match &mut self.last_entry {
            Some((last, i)) => {
                last.clear();
                last.extend_from_slice(raw);
                *i = idx;
            }
            None => self.last_entry = Some((raw.to_vec(), idx)),
        }
        Some(idx)
    }

    fn fold(&mut self, at: At<'_>, f: &impl Fields, mapping: &Mapping, idx: u32) {
        let i = idx as usize;
        if let Some(e) = self.entries.get_mut(i) {
            e.rows = e.rows.saturating_add(1);
        }
        for column in ENTRY_LEVEL {
            let Some(c) = mapping.get(column) else {
                continue;
            };
            let raw = f.raw(c);
            let slot = &mut self.merged[column as usize];
            match slot {
                Some((e, last)) if *e == idx && last.as_slice() == raw => continue,
                Some((e, last)) => {
                    *e = idx;
                    last.clear();
                    last.extend_from_slice(raw);
                }
                None => *slot = Some((idx, raw.to_vec())),
            }
            let text = self.text(raw);
            self.merge(at, c, column, i, unwrap_value(&text));
        }
        self.line_amounts(at, f, mapping, i);
    }

    /// Merges one entry-level value into entry `i`: the first non-empty value is kept, a
    /// different later one is reported.
    fn merge(&mut self, at: At<'_>, c: usize, column: Column, i: usize, value: &str) {
        if value.is_empty() {
            return;
        }
        let Some(entry) = self.entries.get_mut(i) else {
            return;
        };
        let number = entry.entry_number;
        let kept: Option<String> = match column {
            Column::EntryDate
            | Column::EntrySummaryDate
            | Column::LiquidationDate
            | Column::ProtestDecisionDate => {
                let date = match parse_date(value) {
                    Ok(Some(d)) => d,
                    Ok(None) => return,
                    Err(why) => {
                        entry.add_doubt(column, Doubt::Unreadable, at.position(c), value, why);
                        let value_shown = capekit_core::diag::quoted(value);
                        let serial = excel_serial_date(value)
                            .map(|d| format!(" (read as an Excel date serial, `{value_shown}` would be {d}; capekit does not guess it)"))
                            .unwrap_or_default();
                        let message = format!(
                            "{}: `{value_shown}` in `{}` is not a date ({why}){serial}; expected MM/DD/YYYY as ACE writes it, or YYYY-MM-DD - correct the cell; until then entry {} is not declared (the plan sends it to review)",
                            at.position(c),
                            column.header(),
                            number.as_str()
                        );
                        self.findings
                            .push(cell_diag(&BAD_DATE, at, c, value, message));
                        return;
                    }
                };
                let slot = match column {
                    Column::EntryDate => &mut entry.entry_date,
                    Column::EntrySummaryDate => &mut entry.entry_summary_date,
                    Column::ProtestDecisionDate => &mut entry.protest_decision_date,
                    _ => &mut entry.liquidation_date,
                };
                match slot {
                    None => {
                        *slot = Some(date);
                        None
                    }
                    Some(old) if *old == date => return,
                    Some(old) => Some(old.to_string()),
                }
            }
            _ => {
                let normalized: Cow<'_, str> = if column == Column::EntryType {
                    match entry_type(value) {
                        Some(t) => Cow::Owned(t),
                        None => {
                            entry.add_doubt(
                                column,
                                Doubt::Unreadable,
                                at.position(c),
                                value,
                                "not a two-digit entry type",
                            );
                            let value_shown = capekit_core::diag::quoted(value);
                            let message = format!(
                                "{}: `{value_shown}` in `{}` is not an entry type; expected a two-digit code such as `01` - correct the cell; until then the excluded types 08, 09 and 47 are not checked and entry {} is not declared",
                                at.position(c),
                                column.header(),
                                number.as_str()
                            );
                            self.findings.push(cell_diag(
                                &UNREADABLE_ENTRY_TYPE,
                                at,
                                c,
                                value,
                                message,
                            ));
                            return;
                        }
                    }
                } else {
                    Cow::Borrowed(value)
                };
                let slot = match column {
                    Column::EntryType => &mut entry.entry_type,
                    Column::ImporterNumber => &mut entry.importer_number,
                    Column::ImporterName => &mut entry.importer_name,
                    Column::LiquidationStatus => &mut entry.liquidation_status,
                    Column::ReconciliationIndicator => &mut entry.reconciliation_indicator,
                    Column::ReconciliationEntryNumber => &mut entry.reconciliation_entry_number,
                    Column::ControlStatus => &mut entry.control_status,
                    Column::ProtestNumber => &mut entry.protest_number,
                    Column::ProtestStatus => &mut entry.protest_status,
                    Column::Drawback => &mut entry.drawback,
                    Column::LiquidationReason => &mut entry.liquidation_reason,
                    Column::AdCvd => &mut entry.adcvd,
                    Column::Port => &mut entry.port,
                    _ => return,
                };
                match slot {
                    None => {
                        *slot = Some(intern(&mut self.texts, &normalized));
                        None
                    }
                    Some(old) if old.eq_ignore_ascii_case(&normalized) => return,
                    Some(old) => Some(old.to_string()),
                }
            }
        };
        let first_line = entry.first_line;
        let Some(side) = self.sides.get_mut(i) else {
            return;
        };
        match kept {
            None => {
                if at.line != first_line {
                    side.later.push((column, at.line));
                }
            }
            Some(old) => {
                if side.conflicted.contains(column) {
                    return;
                }
                side.conflicted.insert(column);
                let kept_on = side
                    .later
                    .iter()
                    .find(|(c, _)| *c == column)
                    .map_or(first_line, |(_, l)| *l);
                let deciding = !matches!(column, Column::ImporterName | Column::Port);
                let value_shown = capekit_core::diag::quoted(value);
                let old_shown = capekit_core::diag::quoted(&old);
                let message = format!(
                    "{}: entry {} has `{}` `{value_shown}` here but `{old_shown}` on {}; the first is kept{} - check the entry in ACE and correct the export",
                    at.position(c),
                    number.as_str(),
                    column.header(),
                    at.where_line(kept_on),
                    if deciding {
                        " and the entry is not declared (the plan sends it to review)"
                    } else {
                        ""
                    }
                );
                if deciding && let Some(e) = self.entries.get_mut(i) {
                    e.add_doubt(
                        column,
                        Doubt::Conflicting,
                        at.position(c),
                        value,
                        &format!("`{old}` on {}", at.where_line(kept_on)),
                    );
                }
                self.findings
                    .push(cell_diag(&CONFLICTING_VALUES, at, c, value, message));
            }
        }
    }

    /// Reads the HTS number and, on Chapter 99 lines (the only ones a decision uses), the duty
    /// and goods value.
    fn line_amounts(&mut self, at: At<'_>, f: &impl Fields, mapping: &Mapping, i: usize) {
        let Some(hc) = mapping.get(Column::Hts) else {
            return;
        };
        let raw = f.raw(hc);
        let text = self.text(raw);
        let value = unwrap_value(&text);
        if value.is_empty() {
            return;
        }
        let Some(number) = self.entries.get(i).map(|e| e.entry_number) else {
            return;
        };
        let digits = hts_digits(value);
        let program = match &digits {
            Ok(d) => std::str::from_utf8(d.as_slice()).ok().and_then(chapter_99),
            Err(why) => {
                if let Some(e) = self.entries.get_mut(i) {
                    e.add_doubt(Column::Hts, Doubt::Unreadable, at.position(hc), value, why);
                }
                let value_shown = capekit_core::diag::quoted(value);
                let message = format!(
                    "{}: `{value_shown}` in `{}` is not an HTS number ({why}); expected 8 or 10 digits with or without dots, such as `9903.01.25` or `99030125` - export the HTS column as text (format it as Text in Excel) or correct the cell; until then this line is not counted as IEEPA and entry {} is not declared",
                    at.position(hc),
                    Column::Hts.header(),
                    number.as_str()
                );
                self.findings
                    .push(cell_diag(&UNREADABLE_HTS, at, hc, value, message));
                return;
            }
        };
        let Some(program) = program else {
            return;
        };
        let ieepa = program == Chapter99::Ieepa;
        let has_duty_column = mapping.get(Column::Duty).is_some();
        let duty = self.amount(at, f, mapping, Column::Duty, number, ieepa);
        let goods = if ieepa {
            self.amount(at, f, mapping, Column::GoodsValue, number, true)
        } else {
            Ok(None)
        };
        let duty_at = mapping.get(Column::Duty).map(|c| at.position(c));
        let goods_at = mapping.get(Column::GoodsValue).map(|c| at.position(c));
        if ieepa
            && let (Ok(Some(v)), Some(dc)) = (&duty, mapping.get(Column::Duty))
            && *v < 0
        {
            let text = self.text(f.raw(dc));
            let value = unwrap_value(&text).to_owned();
            let value_shown = capekit_core::diag::quoted(&value);
            let message = format!(
                "{}: `{value_shown}` in `{}` is a negative duty on the IEEPA line {} of entry {}: an entry summary line does not carry negative duty (a correction or refund already made?) - check the entry summary in ACE and correct the export; until then the entry is not declared and not written off (the plan sends it to review)",
                at.position(dc),
                Column::Duty.header(),
                std::str::from_utf8(digits.as_ref().map_or(&[][..], HtsDigits::as_slice))
                    .unwrap_or(""),
                number.as_str()
            );
            self.findings
                .push(cell_diag(&NEGATIVE_IEEPA_DUTY, at, dc, &value, message));
            if let Some(e) = self.entries.get_mut(i) {
                e.ieepa_negative_duty_lines = e.ieepa_negative_duty_lines.saturating_add(1);
                e.add_doubt(
                    Column::Duty,
                    Doubt::NegativeIeepaDuty,
                    at.position(dc),
                    &value,
                    "",
                );
            }
        }
        let Some(e) = self.entries.get_mut(i) else {
            return;
        };
        let duty_cents = match &duty {
            Ok(d) => d.unwrap_or(0),
            Err((value, why)) => {
                if ieepa {
                    e.add_doubt(
                        Column::Duty,
                        Doubt::Unreadable,
                        duty_at.unwrap_or_default(),
                        value,
                        why,
                    );
                }
                0
            }
        };
        let total = match program {
            Chapter99::Ieepa => {
                e.ieepa_lines = e.ieepa_lines.saturating_add(1);
                // The order behind the line dates the court's two years: every line but an
                // explicit zero (an exemption code) counts.
                if !matches!(duty, Ok(Some(0)))
                    && let Ok(d) = &digits
                    && let Ok(h) = std::str::from_utf8(d.as_slice())
                {
                    e.ieepa_orders.add_heading(h);
                }
                if matches!(duty, Ok(None)) && has_duty_column {
                    e.ieepa_blank_duty_lines = e.ieepa_blank_duty_lines.saturating_add(1);
                }
                match &goods {
                    Ok(Some(v)) if *v != 0 => e.ieepa_goods_value_on_99_line = true,
                    Ok(_) => {}
                    Err((value, why)) => e.add_doubt(
                        Column::GoodsValue,
                        Doubt::Unreadable,
                        goods_at.unwrap_or_default(),
                        value,
                        why,
                    ),
                }
                if duty_cents <= 0 {
                    return;
                }
                e.ieepa_dutiable_lines = e.ieepa_dutiable_lines.saturating_add(1);
                &mut e.ieepa_duty_cents
            }
            Chapter99::Section122 => &mut e.other_chapter_99.section_122_cents,
            Chapter99::Section301 => &mut e.other_chapter_99.section_301_cents,
            Chapter99::Section232 => &mut e.other_chapter_99.section_232_cents,
        };
        match total
            .checked_add(duty_cents)
            .filter(|t| (-MAX_AMOUNT_CENTS..=MAX_AMOUNT_CENTS).contains(t))
        {
            Some(t) => *total = t,
            None => {
                // The line is left out of the total, which then stands for what could be read;
                // the duty is marked unreadable so that no decision rests on it.
                let Some(dc) = mapping.get(Column::Duty) else {
                    e.unreadable_columns.insert(Column::Duty);
                    return;
                };
                let raw = f.raw(dc);
                let text = decode_field(raw);
                let value = unwrap_value(&text);
                e.add_doubt(
                    Column::Duty,
                    Doubt::Unreadable,
                    at.position(dc),
                    value,
                    "the entry's Chapter 99 duty would pass $10,000,000,000.00",
                );
                let value_shown = capekit_core::diag::quoted(value);
                let message = format!(
                    "{}: `{value_shown}` in `{}` brings entry {}'s Chapter 99 duty past $10,000,000,000.00, beyond any entry's amounts - check the export; until then the entry is not judged on its duty (never as not refundable because of it)",
                    at.position(dc),
                    Column::Duty.header(),
                    number.as_str()
                );
                self.findings
                    .push(cell_diag(&BAD_AMOUNT, at, dc, value, message));
            }
        }
    }

    /// An amount column of the row: `Ok(None)` when the column is absent or the cell empty,
    /// `Err(())` (with a finding) when it cannot be read.
    fn amount(
        &mut self,
        at: At<'_>,
        f: &impl Fields,
        mapping: &Mapping,
        column: Column,
        number: EntryNumber,
        ieepa: bool,
    ) -> Result<Option<i64>, (String, &'static str)> {
        let Some(c) = mapping.get(column) else {
            return Ok(None);
        };
        let raw = f.raw(c);
        let text = self.text(raw);
        let value = unwrap_value(&text);
        match parse_cents(value) {
            Ok(v) => Ok(v),
            Err(why) => {
                let what = if column == Column::Duty {
                    "duty"
                } else {
                    "goods value"
                };
                let effect = if ieepa {
                    format!(
                        "entry {} is not judged on this {what}: never written off as not refundable because of it, and not declared (the plan sends it to review)",
                        number.as_str()
                    )
                } else {
                    format!(
                        "this {what} is left out of entry {}'s totals",
                        number.as_str()
                    )
                };
                let value_shown = capekit_core::diag::quoted(value);
                let message = format!(
                    "{}: `{value_shown}` in `{}` is not an amount ({why}); expected dollars and cents such as `$1,234.00`, `(12.00)` or `-12.50` - correct the cell; until then {effect}",
                    at.position(c),
                    column.header(),
                );
                self.findings
                    .push(cell_diag(&BAD_AMOUNT, at, c, value, message));
                Err((value.to_owned(), why))
            }
        }
    }

    fn finish(self) -> Result<EntryDataSet, EntryFileError> {
        let Some(mapping) = self.mapping else {
            return Err(if self.before_header.is_empty() {
                EntryFileError::Empty {
                    file: self.file.to_owned(),
                }
            } else {
                self.no_entry_column()
            });
        };
        // Dropped before the entries are handed over, so that peak memory is not both.
        drop(self.index);
        drop(self.sides);
        let mut diagnostics = self.findings.finish();
        // Findings are pushed in file order except R010 and header findings, which belong first.
        diagnostics.sort_by_key(|d| (d.line.is_some(), d.line));
        Ok(EntryDataSet {
            file: self.file.to_owned(),
            content: Content::Text,
            entries: self.entries,
            rows_read: self.rows_read,
            rows_used: self.rows_used,
            rows_dropped: self.rows_dropped,
            blank_rows: self.blank_rows,
            header_line: self.header_line,
            columns_present: mapping.present,
            columns_ignored: self.columns_ignored,
            bom: false,
            windows_1252: self.windows_1252,
            diagnostics,
            run_date: self.run_date,
        })
    }
}

fn intern(texts: &mut foldhash::HashSet<Arc<str>>, value: &str) -> Arc<str> {
    if let Some(t) = texts.get(value) {
        return Arc::clone(t);
    }
    let t: Arc<str> = Arc::from(value);
    texts.insert(Arc::clone(&t));
    t
}

fn entry_message(e: &EntryNumberError, position: &str) -> String {
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

fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The day an Excel date serial stands for (1900 date system: serial 61 is 1900-03-01; the
/// fictitious 1900-02-29 of serial 60 and earlier serials are left out), when `value` is a whole
/// number naming a day of [`capekit_core::dates::FIRST_DATE_YEAR`] to `LAST_DATE_YEAR`: said
/// beside the finding so that the user can check the cell, never taken as the date.
fn excel_serial_date(value: &str) -> Option<jiff::civil::Date> {
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
fn entry_type(value: &str) -> Option<String> {
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
fn hts_digits(value: &str) -> Result<HtsDigits, &'static str> {
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
struct HtsDigits {
    buf: [u8; 10],
    len: usize,
}

impl HtsDigits {
    fn as_slice(&self) -> &[u8] {
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

/// Turns lone CR line ends into LF (old Mac files).
struct CrToLf<R>(R);

impl<R: Read> Read for CrToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.0.read(buf)?;
        for b in &mut buf[..n] {
            if *b == b'\r' {
                *b = b'\n';
            }
        }
        Ok(n)
    }
}

/// The UTF-16 decoder for a file's first bytes: by BOM, else big-endian when the first byte is
/// NUL, else little-endian (as `text::decode_utf16`).
fn utf16_decoder(head: &[u8]) -> encoding_rs::Decoder {
    let enc = if head.starts_with(&[0xFF, 0xFE]) {
        encoding_rs::UTF_16LE
    } else if head.starts_with(&[0xFE, 0xFF]) || head.first() == Some(&0) {
        encoding_rs::UTF_16BE
    } else {
        encoding_rs::UTF_16LE
    };
    enc.new_decoder_with_bom_removal()
}

/// Decodes a UTF-16 stream to UTF-8 through fixed buffers (Excel's "Unicode Text" can be as
/// large as any export).
struct Utf16Reader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Box<[u8]>,
    in_start: usize,
    in_end: usize,
    eof: bool,
    output: Box<[u8]>,
    out_start: usize,
    out_end: usize,
    done: bool,
}

impl<R: Read> Utf16Reader<R> {
    fn new(inner: R, decoder: encoding_rs::Decoder) -> Self {
        const BUF: usize = 64 * 1024;
        Self {
            inner,
            decoder,
            input: vec![0; BUF].into_boxed_slice(),
            in_start: 0,
            in_end: 0,
            eof: false,
            // UTF-16 code units become at most 3 bytes of UTF-8 each.
            output: vec![0; BUF * 2 + 16].into_boxed_slice(),
            out_start: 0,
            out_end: 0,
            done: false,
        }
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_start < self.out_end {
                let n = buf.len().min(self.out_end - self.out_start);
                buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
                self.out_start += n;
                return Ok(n);
            }
            if self.done {
                return Ok(0);
            }
            if self.in_start == self.in_end && !self.eof {
                let n = self.inner.read(&mut self.input)?;
                self.in_start = 0;
                self.in_end = n;
                self.eof = n == 0;
            }
            let (result, read, written, _) = self.decoder.decode_to_utf8(
                &self.input[self.in_start..self.in_end],
                &mut self.output,
                self.eof,
            );
            self.in_start += read;
            self.out_start = 0;
            self.out_end = written;
            if self.eof && result == encoding_rs::CoderResult::InputEmpty {
                self.done = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use capekit_core::reading::FINDINGS_CAPPED;

    #[test]
    fn reader_rules_are_documented_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for (i, r) in ENTRY_READER_RULES.iter().enumerate() {
            assert!(seen.insert(r.code), "duplicate {}", r.code);
            assert_eq!(r.code, format!("R{:03}", i + 1));
            assert!(
                r.doc.missing_sections().is_empty(),
                "{} lacks {:?}",
                r.code,
                r.doc.missing_sections()
            );
            assert!(
                r.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                r.name
            );
        }
    }

    #[test]
    fn money_forms() {
        let ok = |s: &str| parse_cents(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(ok("$1,234.00"), Some(123_400));
        assert_eq!(ok("(12.00)"), Some(-1_200));
        assert_eq!(ok("$(12.00)"), Some(-1_200));
        assert_eq!(ok("-$12.00"), Some(-1_200));
        assert_eq!(ok("-12.5"), Some(-1_250));
        assert_eq!(ok("1234"), Some(123_400));
        assert_eq!(ok("=\"1,234.56\""), Some(123_456));
        assert_eq!(ok(".5"), Some(50));
        assert_eq!(ok("0.30000000000000004"), Some(30));
        assert_eq!(ok("2.005"), Some(201));
        assert_eq!(ok(""), None);
        for bad in [
            "$12.3.4",
            "1.2E+3",
            "12,34",
            "abc",
            "$",
            "1,2345.00",
            "-",
            "99999999999999999999",
        ] {
            assert!(parse_cents(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn date_forms() {
        let d = |y, m, dd| Some(jiff::civil::date(y, m, dd));
        assert_eq!(parse_date("03/01/2026"), Ok(d(2026, 3, 1)));
        assert_eq!(parse_date("3/1/2026"), Ok(d(2026, 3, 1)));
        assert_eq!(parse_date("3/1/26"), Ok(d(2026, 3, 1)));
        assert_eq!(parse_date("2026-03-01"), Ok(d(2026, 3, 1)));
        assert_eq!(parse_date("2026-03-01T00:00:00"), Ok(d(2026, 3, 1)));
        assert_eq!(parse_date("03/01/2026 12:00:00 AM"), Ok(d(2026, 3, 1)));
        assert_eq!(parse_date("=\"02/29/2028\""), Ok(d(2028, 2, 29)));
        assert_eq!(parse_date(" "), Ok(None));
        for bad in [
            "02/30/2026",
            "46082",
            "2026/03",
            "March 1, 2026",
            "13/01/2026",
            "1/1/226",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hts_and_entry_type_forms() {
        let h = |s: &str| {
            hts_digits(s)
                .map(|d| String::from_utf8_lossy(d.as_slice()).into_owned())
                .unwrap_or_else(|e| e.to_owned())
        };
        assert_eq!(h("9903.01.25"), "99030125");
        assert_eq!(h("9903012500"), "9903012500");
        assert_eq!(h("101210010"), "0101210010");
        assert!(hts_digits("9.90301E+09").is_err());
        assert!(hts_digits("N/A").is_err());
        assert_eq!(entry_type("1").as_deref(), Some("01"));
        assert_eq!(entry_type("01 - Consumption").as_deref(), Some("01"));
        assert_eq!(entry_type("47").as_deref(), Some("47"));
        assert_eq!(entry_type("1.0").as_deref(), Some("01"));
        assert_eq!(entry_type("Consumption"), None);
        assert_eq!(entry_type("123"), None);
    }

    #[test]
    fn header_aliases() {
        for h in [
            "Entry Summary Number",
            "Entry Number",
            "ENTRY_NUMBER",
            "Entry No",
            "entry-no.",
        ] {
            assert_eq!(column_of(h), Some(Column::EntryNumber), "{h}");
        }
        for h in ["HTS Number - Full", "HTS Number", "HTS", "Tariff Number"] {
            assert_eq!(column_of(h), Some(Column::Hts), "{h}");
        }
        for h in ["Importer Number", "IOR Number", "Importer of Record Number"] {
            assert_eq!(column_of(h), Some(Column::ImporterNumber), "{h}");
        }
        assert_eq!(column_of("Line Tariff Duty Amount"), Some(Column::Duty));
        assert_eq!(column_of("Duty Amount"), Some(Column::Duty));
        // The port is read for the protest packet (CBP Form 19 names the port of entry).
        assert_eq!(column_of("Port of Entry Code"), Some(Column::Port));
    }

    #[test]
    fn tab_and_semicolon_separated_exports_are_read() {
        // Excel "Unicode Text" (UTF-16, tabs) and a semicolon CSV; amounts keep their commas.
        let text = "Entry Summary Number\tEntry Date\tHTS Number - Full\tLine Tariff Duty Amount\r\n\
B7603245278\t01/12/2026\t99030125\t$1,234.00\r\n";
        let mut le = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        let set = parse_entry_data("u.txt", &le).expect("read");
        assert_eq!(set.diagnostics, vec![]);
        assert_eq!(set.entries[0].ieepa_duty_cents, 123_400);
        let semi = "Entry Summary Number;Entry Date;HTS Number - Full;Line Tariff Duty Amount\n\
B7603245278;01/12/2026;99030125;\"$1,234.00\"\n";
        let set = parse_entry_data("s.csv", semi.as_bytes()).expect("read");
        assert_eq!(set.entries[0].ieepa_duty_cents, 123_400);
        assert_eq!(
            set.entries[0].entry_date,
            Some(jiff::civil::date(2026, 1, 12))
        );
        // A comma file whose amounts hold commas stays a comma file.
        let comma = "Entry Summary Number,Line Tariff Duty Amount\nB7603245278,\"$1,234.00\"\n";
        assert_eq!(sniff_delimiter(comma), b',');
    }

    #[test]
    fn utf16_streams_decode() {
        let text = "Entry Number\r\nB7603245278\r\n";
        let mut le = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        let set = parse_entry_data("u.csv", &le).expect("read");
        assert_eq!(set.content, Content::Utf16);
        assert_eq!(set.entries.len(), 1);
        assert_eq!(set.entries[0].first_line, 2);
    }

    #[test]
    fn findings_are_capped_and_counted() {
        let mut csv = String::from("Entry Number\n");
        for _ in 0..MAX_DIAGNOSTICS_PER_RULE + 5 {
            csv.push_str("6.05761E+10\n");
        }
        let set = parse_entry_data("x.csv", csv.as_bytes()).expect("read");
        assert_eq!(set.rows_dropped, MAX_DIAGNOSTICS_PER_RULE as u64 + 5);
        let r001 = set
            .diagnostics
            .iter()
            .filter(|d| d.is(&ENTRY_DATA_UNREADABLE_ENTRY_NUMBER))
            .count();
        assert_eq!(r001, MAX_DIAGNOSTICS_PER_RULE);
        let summary: Vec<_> = set
            .diagnostics
            .iter()
            .filter(|d| d.is(&FINDINGS_CAPPED))
            .collect();
        assert_eq!(summary.len(), 1);
        assert!(summary[0].message.starts_with("5 more findings of R001"));
    }

    use capekit_core::path::{EntryPath, decide};

    const AS_OF: jiff::civil::Date = jiff::civil::date(2026, 11, 24);

    macro_rules! fixture {
        ($name:literal) => {
            parse_entry_data(
                $name,
                include_bytes!(concat!("../tests/fixtures/entries/", $name)),
            )
            .expect($name)
        };
    }

    fn reconciles(set: &EntryDataSet) {
        assert_eq!(
            set.rows_read,
            set.rows_used + set.rows_dropped,
            "rows read = used + dropped"
        );
    }

    fn codes(set: &EntryDataSet) -> Vec<(&'static str, Option<u64>)> {
        set.diagnostics.iter().map(|d| (d.code, d.line)).collect()
    }

    fn entry<'a>(set: &'a EntryDataSet, n: &str) -> &'a EntryData {
        set.entries
            .iter()
            .find(|e| e.entry_number.as_str() == n)
            .unwrap_or_else(|| panic!("{n} not read"))
    }

    #[test]
    fn es003_with_bom_crlf_and_wrapped_values() {
        let set = fixture!("es003_bom_crlf_wrapped.csv");
        assert!(set.bom);
        assert_eq!(set.diagnostics, vec![]);
        assert_eq!(
            (set.rows_read, set.rows_used, set.rows_dropped),
            (10, 10, 0)
        );
        assert_eq!(set.blank_rows, 1);
        reconciles(&set);
        assert_eq!(
            set.columns_ignored,
            vec![
                "Entry Summary Line Number",
                "Tariff Ordinal Number",
                "Country of Origin Code"
            ]
        );
        let order: Vec<&str> = set
            .entries
            .iter()
            .map(|e| e.entry_number.as_str())
            .collect();
        assert_eq!(
            order,
            vec![
                "B7603245278",
                "B7610000013",
                "B7610000021",
                "B7610000039",
                "B7610000047",
                "05760693423",
                "ABC12345676"
            ]
        );
        let first = entry(&set, "B7603245278");
        assert_eq!(first.rows, 3);
        assert_eq!(first.first_line, 2);
        assert_eq!(first.ieepa_duty_cents, 123_400);
        assert_eq!(first.other_chapter_99.section_301_cents, 50_000);
        assert_eq!(first.importer_name.as_deref(), Some("ACME TRADING CO"));
        assert_eq!(first.entry_type.as_deref(), Some("01"));
        assert!(
            first
                .absent_columns
                .contains(Column::ReconciliationEntryNumber)
        );
        assert!(!first.absent_columns.contains(Column::LiquidationDate));
        // The blank CRLF line 7 is skipped and the lines after it keep their numbers.
        assert_eq!(entry(&set, "B7610000021").first_line, 8);
        let paths: Vec<(&str, EntryPath, &str)> = set
            .entries
            .iter()
            .map(|e| {
                let d = decide(e, AS_OF);
                (e.entry_number.as_str(), d.path, d.reasons[0])
            })
            .collect();
        assert_eq!(
            paths,
            vec![
                // Entered 2025-06-02, "Unliquidated" 18 months later with no extension shown:
                // deemed liquidated (19 USC 1504(a)), so review with both readings.
                ("B7603245278", EntryPath::Review, "P027"),
                ("B7610000013", EntryPath::Cape, "P018"),
                ("B7610000021", EntryPath::Protest, "P014"),
                ("B7610000039", EntryPath::Review, "P040"),
                ("B7610000047", EntryPath::NotRefundable, "P002"),
                ("05760693423", EntryPath::CorrectFirst, "P015"),
                // Entered 2025-01-15 yet $100.00 of IEEPA duty shown: the data disagrees.
                ("ABC12345676", EntryPath::Review, "P025"),
            ]
        );
        assert!(capekit_core::path::is_urgent(&decide(
            entry(&set, "B7610000013"),
            AS_OF
        )));
    }

    #[test]
    fn r001_unreadable_entry_numbers_are_dropped_and_counted() {
        let set = fixture!("r001_unreadable_entry_number.csv");
        assert_eq!(
            codes(&set),
            vec![
                ("R001", Some(3)),
                ("R001", Some(4)),
                ("R001", Some(5)),
                ("R001", Some(6))
            ]
        );
        assert_eq!((set.rows_read, set.rows_used, set.rows_dropped), (5, 1, 4));
        reconciles(&set);
        let m = &set.diagnostics;
        assert!(
            m[0].message.contains("scientific notation"),
            "{}",
            m[0].message
        );
        assert!(
            m[1].message.contains("probably 05760693423"),
            "{}",
            m[1].message
        );
        assert!(m[2].message.contains("is empty"), "{}", m[2].message);
        assert!(m[3].message.contains("check digit"), "{}", m[3].message);
        assert_eq!(m[3].value.as_deref(), Some("ABC12345678"));
        assert_eq!(
            m[3].file.as_deref(),
            Some("r001_unreadable_entry_number.csv")
        );
        assert!(m.iter().all(|d| d.severity == Severity::Error));
    }

    #[test]
    fn r002_bad_amounts_make_the_duty_unknown_not_zero() {
        let set = fixture!("r002_bad_amount.csv");
        assert_eq!(
            codes(&set),
            vec![("R002", Some(2)), ("R012", Some(3)), ("R002", Some(4))]
        );
        assert_eq!(set.diagnostics[0].value.as_deref(), Some("$12.3.4"));
        reconciles(&set);
        assert_eq!(set.rows_used, 4);
        let first = entry(&set, "B7603245278");
        assert!(first.unreadable_columns.contains(Column::Duty));
        assert_eq!(first.ieepa_dutiable_lines, 0);
        // Within a year of its entry, so its "Unliquidated" status is plausible.
        let d = decide(first, jiff::civil::date(2026, 5, 1));
        // Never written off because of an unreadable duty, and never declared on a guess.
        assert_eq!(
            (d.path, d.reasons[0]),
            (EntryPath::Review, "P036"),
            "an unreadable duty never makes it not refundable"
        );
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains("line 2: `$12.3.4` in `Line Tariff Duty Amount`")),
            "{:?}",
            d.notes
        );
        assert!(
            d.notes.iter().any(|n| n.contains("unreadable")),
            "{:?}",
            d.notes
        );
        let second = entry(&set, "B7610000013");
        assert_eq!(
            second.ieepa_duty_cents, 750,
            "(5.00) is negative: not added to the IEEPA duty"
        );
        assert!(second.unreadable_columns.contains(Column::GoodsValue));
        // ... nor read silently: a finding names the line and cell, and the entry goes to
        // review (P038), neither declared nor written off.
        assert_eq!(second.ieepa_negative_duty_lines, 1);
        let r012 = &set.diagnostics[1];
        assert_eq!(r012.value.as_deref(), Some("(5.00)"));
        assert!(
            r012.message.starts_with("line 3: `(5.00)` in `Line Tariff Duty Amount` is a negative duty on the IEEPA line 99030125 of entry B7610000013"),
            "{}",
            r012.message
        );
        let d = decide(second, jiff::civil::date(2026, 5, 1));
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P038"));
    }

    #[test]
    fn r012_a_negative_ieepa_duty_alone_is_review_not_not_refundable() {
        // The entry's only IEEPA line in accounting negative: read silently before, it left
        // the entry with no dutiable IEEPA line, so not refundable.
        for duty in ["($740.00)", "-740.00", "$(740.00)", "\"($740.00)\""] {
            let csv = format!(
                "Entry Summary Number,Entry Date,HTS Number - Full,Line Tariff Duty Amount,Liquidation Status\n\
B7603245278,01/12/2026,8471300100,$100.00,Unliquidated\n\
B7603245278,01/12/2026,99030125,{duty},Unliquidated\n"
            );
            let set = parse_entry_data("x.csv", csv.as_bytes()).expect("read");
            assert_eq!(codes(&set), vec![("R012", Some(3))], "{duty}");
            assert!(
                set.diagnostics[0]
                    .message
                    .contains("is a negative duty on the IEEPA line 99030125"),
                "{}",
                set.diagnostics[0].message
            );
            let d = decide(&set.entries[0], AS_OF);
            assert_eq!(
                (d.path, d.reasons[0]),
                (EntryPath::Review, "P038"),
                "{duty}"
            );
        }
    }

    #[test]
    fn a_huge_bad_cell_is_quoted_short_in_its_finding() {
        let huge = "9".repeat(2_000_000);
        let csv = format!(
            "Entry Summary Number,Entry Date,HTS Number - Full,Line Tariff Duty Amount\r\nB7603245278,{huge},99030125,$10.00\r\n"
        );
        let set = parse_entry_data("huge.csv", csv.as_bytes()).expect("read");
        let d = set
            .diagnostics
            .iter()
            .find(|d| d.is(&BAD_DATE))
            .expect("R003");
        assert!(d.message.len() < 1_000, "{} characters", d.message.len());
        assert!(
            d.message.contains("(2000000 characters in all)"),
            "{}",
            d.message
        );
        // The value itself stays whole in the finding.
        assert_eq!(d.value.as_deref().map(str::len), Some(2_000_000));
    }

    #[test]
    fn r003_bad_dates_are_reported_once_per_entry() {
        let set = fixture!("r003_bad_date.csv");
        assert_eq!(codes(&set), vec![("R003", Some(2)), ("R003", Some(2))]);
        assert!(set.diagnostics[1].message.contains("lost its date format"));
        let e = entry(&set, "B7603245278");
        assert_eq!(e.entry_date, None);
        assert!(e.unreadable_columns.contains(Column::LiquidationDate));
        let d = decide(e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P012"));
    }

    #[test]
    fn an_excel_serial_in_a_date_cell_is_named_with_its_day_but_not_taken() {
        let csv = "Entry Summary Number,Entry Date,HTS Number - Full,Line Tariff Duty Amount,Liquidation Status\n\
B7603245278,46024,99030125,$10.00,Unliquidated\n\
B7610000013,12,99030125,$10.00,Unliquidated\n";
        let set = parse_entry_data("x.csv", csv.as_bytes()).expect("read");
        let m = &set.diagnostics[0].message;
        assert!(m.contains("`46024` would be 2026-01-02"), "{m}");
        assert_eq!(set.entries[0].entry_date, None);
        assert!(
            !set.diagnostics[1].message.contains("would be"),
            "{}",
            set.diagnostics[1].message
        );
        assert_eq!(
            excel_serial_date("45658"),
            Some(jiff::civil::date(2025, 1, 1))
        );
        assert_eq!(
            excel_serial_date("46024.0"),
            Some(jiff::civil::date(2026, 1, 2))
        );
        assert_eq!(excel_serial_date("60"), None);
        assert_eq!(excel_serial_date("9999999"), None);
    }

    #[test]
    fn r004_conflicting_values_keep_the_first_and_name_both_lines() {
        let set = fixture!("r004_conflicting_values.csv");
        assert_eq!(codes(&set), vec![("R004", Some(4)), ("R004", Some(4))]);
        let liq = set
            .diagnostics
            .iter()
            .find(|d| d.message.contains("Liquidation Date"))
            .expect("liquidation conflict");
        assert!(
            liq.message.contains("2026-10-01` on line 2"),
            "{}",
            liq.message
        );
        let imp = set
            .diagnostics
            .iter()
            .find(|d| d.message.contains("Importer Number"))
            .expect("importer conflict");
        assert!(imp.message.contains("`IOR1` on line 2"), "{}", imp.message);
        let e = entry(&set, "B7603245278");
        assert_eq!(e.liquidation_date, Some(jiff::civil::date(2026, 10, 1)));
        assert_eq!(e.importer_number.as_deref(), Some("IOR1"));
        assert_eq!(e.ieepa_duty_cents, 3_000);
        reconciles(&set);
        // Kept first, but never declared on the first reading: review, with both.
        assert!(liq.message.contains("not declared"), "{}", liq.message);
        let d = decide(e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P041"));
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains("`IOR2` in `Importer Number` against `IOR1` on line 2")),
            "{:?}",
            d.notes
        );
    }

    #[test]
    fn r005_a_file_without_entry_column_is_refused_naming_columns() {
        let err = parse_entry_data(
            "r005_missing_entry_column.csv",
            include_bytes!("../tests/fixtures/entries/r005_missing_entry_column.csv"),
        )
        .expect_err("refused");
        assert_eq!(err.code(), Some("R005"));
        let msg = err.to_string();
        assert!(msg.contains("`Importer` (A1), `Amount` (B1)"), "{msg}");
        assert!(msg.contains("Entry Summary Number"), "{msg}");
        assert!(matches!(
            parse_entry_data("e.csv", b"\r\n\r\n"),
            Err(EntryFileError::Empty { .. })
        ));
        assert!(matches!(
            parse_entry_data("p.pdf", b"%PDF-1.7\n"),
            Err(EntryFileError::Unsupported { .. })
        ));
    }

    #[test]
    fn r006_unreadable_hts() {
        let set = fixture!("r006_unreadable_hts.csv");
        assert_eq!(codes(&set), vec![("R006", Some(2)), ("R006", Some(3))]);
        assert!(set.diagnostics[0].message.contains("scientific notation"));
        let e = entry(&set, "B7603245278");
        assert!(e.unreadable_columns.contains(Column::Hts));
        assert_ne!(decide(e, AS_OF).path, EntryPath::NotRefundable);
    }

    #[test]
    fn r007_unreadable_entry_type() {
        let set = fixture!("r007_unreadable_entry_type.csv");
        assert_eq!(codes(&set), vec![("R007", Some(2))]);
        let d = decide(entry(&set, "B7603245278"), AS_OF);
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains("`Entry Type Code` unreadable")),
            "{:?}",
            d.notes
        );
    }

    #[test]
    fn r008_duplicate_column_uses_the_first() {
        let set = fixture!("r008_duplicate_column.csv");
        assert_eq!(codes(&set), vec![("R008", Some(1))]);
        assert_eq!(set.entries[0].entry_number.as_str(), "B7603245278");
    }

    #[test]
    fn a_run_date_in_a_title_row_is_the_datas_date() {
        let bytes = b"\"ES-003 Entry Summary Line Tariff Details\"\r\n\"Run Date: 10/01/2026\"\r\nEntry Summary Number,Importer Number\r\nB7603245278,27-184593000\r\n";
        let set = parse_entry_data("t.csv", bytes).expect("read");
        assert_eq!(set.run_date, Some(jiff::civil::date(2026, 10, 1)));
        assert_eq!(
            run_date_of(&["Report Date".into(), "2026-09-30".into()]),
            Some(jiff::civil::date(2026, 9, 30))
        );
        assert_eq!(
            run_date_of(&["Entry Summary Line Tariff Details".into()]),
            None
        );
        let plain = parse_entry_data(
            "p.csv",
            b"Entry Summary Number,Importer Number\r\nB7603245278,27-184593000\r\n",
        )
        .expect("read");
        assert_eq!(plain.run_date, None);
    }

    #[test]
    fn r009_title_rows_above_the_header() {
        let set = fixture!("r009_rows_before_header.csv");
        assert_eq!(codes(&set), vec![("R009", Some(1))]);
        assert_eq!(set.header_line, 4);
        assert_eq!(set.entries[0].first_line, 5);
        // No status column, an empty date column: read as unliquidated; but with no `Entry
        // Date` column the entry is not declared (P037).
        let d = decide(&set.entries[0], AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P037"));
        assert!(d.notes.iter().any(|n| n.contains("read as unliquidated")));
    }

    #[test]
    fn windows_1252_values_are_decoded() {
        let set = fixture!("windows_1252.csv");
        assert!(set.windows_1252);
        assert_eq!(
            set.entries[0].importer_name.as_deref(),
            Some("Soci\u{e9}t\u{e9} G\u{e9}n\u{e9}rale \u{2013} Import")
        );
    }

    #[test]
    fn an_entry_list_alone_goes_to_review_naming_the_liquidation_columns() {
        let set = fixture!("entry_list_only.csv");
        assert_eq!(set.entries.len(), 2);
        assert_eq!(set.columns_present.len(), 1);
        for e in &set.entries {
            let d = decide(e, AS_OF);
            assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P011"));
            assert!(d.notes.iter().any(|n| n.contains("`Liquidation Status`")));
        }
    }

    #[test]
    fn xlsx_with_date_and_number_cells() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut wb = Workbook::new();
        let date_format = Format::new().set_num_format("mm/dd/yyyy");
        let headers = [
            "Entry Summary Number",
            "Entry Type Code",
            "Entry Date",
            "HTS Number - Full",
            "Line Tariff Duty Amount",
            "Liquidation Status",
            "Liquidation Date",
        ];
        let mut write = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
            let ws = wb.add_worksheet();
            for (c, h) in headers.iter().enumerate() {
                ws.write_string(0, c as u16, *h)?;
            }
            ws.write_string(1, 0, "B7610000013")?;
            ws.write_number(1, 1, 1.0)?;
            ws.write_datetime_with_format(
                1,
                2,
                ExcelDateTime::from_ymd(2025, 6, 2)?,
                &date_format,
            )?;
            ws.write_number(1, 3, 99030125.0)?;
            ws.write_number(1, 4, 1234.5)?;
            ws.write_string(1, 5, "Liquidated")?;
            ws.write_datetime_with_format(
                1,
                6,
                ExcelDateTime::from_ymd(2026, 10, 1)?,
                &date_format,
            )?;
            ws.write_string(2, 0, "B7610000013")?;
            ws.write_string(2, 2, "13/45/2025")?;
            ws.write_number(2, 3, 84713001.0)?;
            ws.write_number(3, 0, 5760693423.0)?;
            wb.save_to_buffer()
        };
        let bytes = write().expect("xlsx");
        let set = parse_entry_data("es003.xlsx", &bytes).expect("read");
        assert_eq!(set.content, Content::Xlsx);
        reconciles(&set);
        assert_eq!((set.rows_read, set.rows_used, set.rows_dropped), (3, 2, 1));
        let e = &set.entries[0];
        assert_eq!(e.entry_type.as_deref(), Some("01"));
        assert_eq!(e.entry_date, Some(jiff::civil::date(2025, 6, 2)));
        assert_eq!(e.liquidation_date, Some(jiff::civil::date(2026, 10, 1)));
        assert_eq!(e.ieepa_duty_cents, 123_450);
        let cells: Vec<(&str, Option<&str>)> = set
            .diagnostics
            .iter()
            .map(|d| (d.code, d.cell.as_deref()))
            .collect();
        assert_eq!(
            cells,
            vec![("R003", Some("Sheet1!C3")), ("R001", Some("Sheet1!A4"))]
        );
        assert!(
            set.diagnostics[1].message.contains("probably 05760693423"),
            "{}",
            set.diagnostics[1].message
        );
        // The entry date of row 3 is unreadable although row 2's was read: the two may
        // disagree, so the entry is not declared, and the cell is named.
        let d = decide(e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P036"));
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains("Sheet1!C3: `13/45/2025` in `Entry Date`")),
            "{:?}",
            d.notes
        );
    }

    #[test]
    fn blank_duty_cells_are_counted_apart_from_explicit_zeros_and_new_columns_are_read() {
        let csv = "Entry Summary Number,HTS Number - Full,Line Tariff Duty Amount,Protest Status,Protest Decision Date,Liquidation Reason Code,AD/CVD Status\n\
B7603245278,99030125,,Denied,10/01/2026,36,Suspended\n\
B7603245278,99030110,0.00,Denied,10/01/2026,36,Suspended\n\
B7610000013,99030125,5.00,,,,\n";
        let set = parse_entry_data("x.csv", csv.as_bytes()).expect("read");
        let first = entry(&set, "B7603245278");
        assert_eq!(first.ieepa_lines, 2);
        assert_eq!(first.ieepa_blank_duty_lines, 1);
        assert_eq!(first.ieepa_dutiable_lines, 0);
        assert_eq!(
            first.protest_decision_date,
            Some(jiff::civil::date(2026, 10, 1))
        );
        assert_eq!(first.liquidation_reason.as_deref(), Some("36"));
        assert_eq!(first.adcvd.as_deref(), Some("Suspended"));
        // The blank line's heading dates the court clock; the explicit zero does not.
        let orders: Vec<&str> = first.ieepa_orders.iter().map(|o| o.order).collect();
        assert_eq!(orders, vec!["EO 14257"]);
        assert_eq!(entry(&set, "B7610000013").ieepa_blank_duty_lines, 0);
    }

    #[test]
    fn hostile_bytes_never_panic() {
        let inputs: [&[u8]; 6] = [
            b"Entry Number,HTS,Duty\n\"B7603245278,99030125\n",
            b"Entry Number\n\xff\xfe\xfd\n",
            b"Entry Number,Liquidation Date\nB7603245278,99/99/9999\n",
            b"Entry Number,HTS,Duty\nB7603245278,99030125,99999999999999999999999\n",
            b"PK\x03\x04xl/ broken zip",
            b"Entry Number,Entry Type Code\nB7603245278,\xe9\xe9\n",
        ];
        for bytes in inputs {
            if let Ok(set) = parse_entry_data("h.csv", bytes) {
                reconciles(&set);
            }
        }
    }

    #[test]
    fn huge_amounts_are_findings_and_an_unknown_duty_not_a_wrapped_sum() {
        // Regression: two duties of $5e16 summed to a negative total, so the entry read as owing
        // nothing.
        let csv = "Entry Summary Number,HTS Number - Full,Line Tariff Duty Amount\n\
                   B7603245278,99030125,50000000000000000\n\
                   B7603245278,99030125,$50000000000000000.00\n\
                   B7610000013,99030125,\"6,000,000,000.00\"\n\
                   B7610000013,99030125,\"6,000,000,000.00\"\n\
                   B7610000013,99030125,12.00\n";
        let set = parse_entry_data("es003.csv", csv.as_bytes()).expect("read");
        reconciles(&set);
        assert_eq!(
            codes(&set),
            vec![("R002", Some(2)), ("R002", Some(3)), ("R002", Some(5))]
        );
        assert!(
            set.diagnostics[0]
                .message
                .contains("more than $10,000,000,000.00")
        );
        assert!(
            set.diagnostics[2]
                .message
                .contains("brings entry B7610000013's Chapter 99 duty past $10,000,000,000.00"),
            "{}",
            set.diagnostics[2].message
        );
        for n in ["B7603245278", "B7610000013"] {
            let e = entry(&set, n);
            assert!(e.unreadable_columns.contains(Column::Duty), "{n}");
            assert!(e.ieepa_duty_cents >= 0, "{n}: {}", e.ieepa_duty_cents);
            let d = decide(e, AS_OF);
            assert_ne!(d.path, EntryPath::NotRefundable, "{n}");
        }
        assert_eq!(entry(&set, "B7610000013").ieepa_duty_cents, 600_000_001_200);
        assert!(parse_cents("10000000000.00").is_ok());
        assert!(parse_cents("10000000000.01").is_err());
        assert!(parse_cents("-10000000000.01").is_err());
    }

    #[test]
    fn excel_date_serials_outside_real_dates_are_findings_not_clamped_dates() {
        // Regression: date cells of 0, -1 and 1e308 read as 1899-12-31 or 9999-12-31, with no
        // finding, so the entry looked liquidated a century ago (not refundable) or far ahead.
        use rust_xlsxwriter::{Format, Workbook};
        let date = Format::new().set_num_format("mm/dd/yyyy");
        let serials = [0.0, -1.0, 1e308, 2_958_466.0, f64::NAN];
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in [
            "Entry Summary Number",
            "Liquidation Status",
            "Liquidation Date",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(0, u16::try_from(c).expect("col"), *h)
                .expect("cell");
        }
        let numbers = [
            "B7603245278",
            "B7610000013",
            "ABC12345676",
            "05760693423",
            "B7620000011",
        ];
        for (r, (n, v)) in numbers.iter().zip(serials).enumerate() {
            let r = u32::try_from(r + 1).expect("row");
            ws.write_string(r, 0, *n).expect("cell");
            ws.write_string(r, 1, "Liquidated").expect("cell");
            ws.write_number_with_format(r, 2, v, &date).expect("cell");
        }
        let set =
            parse_entry_data("es003.xlsx", &wb.save_to_buffer().expect("xlsx")).expect("read");
        reconciles(&set);
        assert_eq!(
            codes(&set),
            vec![
                ("R003", Some(2)),
                ("R003", Some(3)),
                ("R003", Some(4)),
                ("R003", Some(5)),
                ("R003", Some(6))
            ]
        );
        for (n, d) in numbers.iter().zip(&set.diagnostics) {
            assert!(d.message.contains("outside 1990-2100"), "{}", d.message);
            let e = entry(&set, n);
            assert_eq!(e.liquidation_date, None, "{n}");
            assert!(
                e.unreadable_columns.contains(Column::LiquidationDate),
                "{n}"
            );
            assert_eq!(decide(e, AS_OF).path, EntryPath::Review, "{n}");
        }
        // Text dates are held to the same years.
        assert!(parse_date("12/31/9999").is_err());
        assert!(parse_date("1899-12-31").is_err());
        assert!(parse_date("01/01/1990").is_ok());
        assert!(parse_date("12/31/2100").is_ok());
    }
}
