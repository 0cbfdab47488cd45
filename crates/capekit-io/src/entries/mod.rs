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
//!
//! Split by concern: `columns` (which header names which column), `fold` (rows folded into
//! entries), `values` (dates, amounts, types and HTS numbers as written), `decode` (line ends and
//! UTF-16 before the CSV reader); this module opens the file and runs them.

pub use capekit_core::entry_data::EntryDataSet;
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, BufReader, Cursor, Read};
use std::path::Path;
use std::sync::Arc;

use capekit_core::check::Content;
use capekit_core::diag::Diagnostic;
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

mod columns;
mod decode;
mod fold;
mod values;

pub use columns::*;
use decode::*;
use fold::*;
pub use values::*;

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

#[cfg(test)]
mod tests;
