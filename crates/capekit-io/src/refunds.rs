//! Reader of ACE's refund reports: ES-022 (CAPE Entry Summary), REV-603 (Trade Refund), REV-613
//! (ACH Rejected Refunds) and REV-615 (CAPE Details Refunds), CSV or XLSX.
//!
//! CBP publishes no column list of them (CSMS 68536553 of 2026-05-04 names the reports and what
//! they hold), so headers are mapped tolerantly: case, spaces and punctuation aside, with the
//! synonyms exports use (`Refund Amount` or `Principal Amount`, `Interest Amount`). A report is
//! recognised by its content: a title above the header that names it, else its columns. A file
//! with refund columns that cannot be tied to an entry or declaration is refused whole, naming
//! the columns found (D009). Every data row becomes a [`RefundEvent`] or a diagnostic: amounts as
//! ACE writes them (`$1,234.56`; a negative `(1,234.56)` is kept and reported, D003), dates as
//! `MM/DD/YYYY`, ISO or an Excel serial of a day from 1990 to 2100, and a status that is none of
//! ACE's four kept as written for review (D005), never dropped.

use std::collections::HashMap;
use std::sync::Arc;

use capekit_core::check::Content;
use capekit_core::dates::{FIRST_DATE_YEAR, LAST_DATE_YEAR, parse_date};
use capekit_core::diag::Diagnostic;
use capekit_core::entry::{EntryNumber, unwrap_value};
use capekit_core::refunds::{
    REFUND_READER_RULES, RefundEvent, RefundReport, StatusRead, parse_status, squash,
};
use jiff::civil::Date;
use serde::Serialize;

use crate::entries::{MAX_DIAGNOSTICS_PER_RULE, parse_cents};
use crate::sniff::sniff;
use crate::table::{Row, TableError, visit_table};
use capekit_core::refunds::rules::{
    AMBIGUOUS_PAYMENT_DATE, NEGATIVE_REFUND_AMOUNT, REFUND_BAD_AMOUNT, REFUND_BAD_DATE,
    REFUND_DUPLICATE_COLUMN, REFUND_UNREADABLE_ENTRY_NUMBER, RefundReaderRule,
    UNKNOWN_REFUND_STATUS,
};

/// Files larger than this are refused (as claim files).
pub const MAX_REFUND_FILE_BYTES: u64 = 512 * 1024 * 1024;
/// The header is looked for among this many non-blank rows (a title, a run date and filters may
/// stand above it).
pub const MAX_ROWS_BEFORE_HEADER: usize = 20;
/// Bytes of a CSV looked at first to tell whether it is a refund report at all, so that a
/// gigabyte ES-003 is not parsed twice.
const HEAD_BYTES: usize = 256 * 1024;

/// A field of a refund report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Entry number.
    Entry,
    /// CAPE declaration number.
    Declaration,
    /// Refund number.
    RefundNumber,
    /// Principal (the duty) refunded.
    Principal,
    /// Interest refunded.
    Interest,
    /// REV-603's "Refund Secondary Status".
    SecondaryStatus,
    /// Another refund status column.
    Status,
    /// Importer of record number.
    Importer,
    /// The day the duty was deposited.
    DepositDate,
    /// Liquidation date.
    LiquidationDate,
    /// Reliquidation date.
    ReliquidationDate,
    /// The day of the refund or of its status (issued, rejected, returned).
    StatusDate,
    /// A rejection, return or diversion reason.
    Reason,
}

impl Role {
    /// How many roles there are.
    const COUNT: usize = Role::Reason as usize + 1;

    /// The header ACE is expected to write, for messages.
    pub fn header(self) -> &'static str {
        match self {
            Self::Entry => "Entry Number",
            Self::Declaration => "Declaration Number",
            Self::RefundNumber => "Refund Number",
            Self::Principal => "Principal Amount",
            Self::Interest => "Interest Amount",
            Self::SecondaryStatus => "Refund Secondary Status",
            Self::Status => "Refund Status",
            Self::Importer => "Importer Number",
            Self::DepositDate => "Deposit Date",
            Self::LiquidationDate => "Liquidation Date",
            Self::ReliquidationDate => "Reliquidation Date",
            Self::StatusDate => "Refund Date",
            Self::Reason => "Reject Reason",
        }
    }
}

/// Header aliases, squashed to lower-case letters and digits. A header that is none of them is
/// ignored (and listed).
const ALIASES: &[(Role, &[&str])] = &[
    (
        Role::Entry,
        &[
            "entrynumber",
            "entrysummarynumber",
            "entryno",
            "entrynum",
            "entrynbr",
            "entry",
            "entrysummaryno",
            "entrysummarynbr",
        ],
    ),
    (
        Role::Declaration,
        &[
            "declarationnumber",
            "declarationno",
            "declarationnbr",
            "declaration",
            "declarationid",
            "capedeclarationnumber",
            "capedeclarationno",
            "capedeclarationid",
            "capedeclaration",
        ],
    ),
    (
        Role::RefundNumber,
        &[
            "refundnumber",
            "refundno",
            "refundnbr",
            "refundid",
            "refund",
            "refundreferencenumber",
            "refundtransactionnumber",
            "traderefundnumber",
            "caperefundnumber",
        ],
    ),
    (
        Role::Principal,
        &[
            "principalamount",
            "principal",
            "principalamt",
            "refundamount",
            "refundamt",
            "refundprincipal",
            "refundprincipalamount",
            "principalrefundamount",
            "principalrefund",
            "dutyrefundamount",
            "refunddutyamount",
            "dutyrefund",
        ],
    ),
    (
        Role::Interest,
        &[
            "interestamount",
            "interest",
            "interestamt",
            "refundinterest",
            "refundinterestamount",
            "interestrefundamount",
            "interestpaid",
        ],
    ),
    (
        Role::SecondaryStatus,
        &[
            "refundsecondarystatus",
            "secondarystatus",
            "refundsecondarystatusdescription",
            "secondarystatusdescription",
        ],
    ),
    (
        Role::Status,
        &[
            "refundstatus",
            "refundstatusdescription",
            "status",
            "statusdescription",
            "paymentstatus",
        ],
    ),
    (
        Role::Importer,
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
            "importer",
            "ior",
        ],
    ),
    (
        Role::DepositDate,
        &[
            "depositdate",
            "dutydepositdate",
            "dateofdeposit",
            "dutypaymentdate",
            "dutypaiddate",
            "collectiondate",
        ],
    ),
    (
        Role::LiquidationDate,
        &["liquidationdate", "liqdate", "liquidationdt"],
    ),
    (
        Role::ReliquidationDate,
        &["reliquidationdate", "reliqdate", "reliquidationdt"],
    ),
    (
        Role::StatusDate,
        &[
            "refunddate",
            "refundissuedate",
            "refundissueddate",
            "issuedate",
            "issueddate",
            "treasuryissuedate",
            "treasuryissueddate",
            "statusdate",
            "secondarystatusdate",
            "refundstatusdate",
            "senttotreasurydate",
            "refundscheduledate",
            "disbursementdate",
            "rejectdate",
            "rejecteddate",
            "rejectiondate",
            "returndate",
            "returneddate",
            "achreturndate",
            "achrejectdate",
            "achrejecteddate",
        ],
    ),
    (
        Role::Reason,
        &[
            "rejectreason",
            "rejectionreason",
            "rejectreasondescription",
            "returnreason",
            "returnreasoncode",
            "achreturnreason",
            "achrejectreason",
            "achreturncode",
            "rejectcode",
            "returncode",
            "reasoncode",
            "reason",
            "diversionreason",
            "offsetreason",
        ],
    ),
];

/// Headers that look like a refund payment date or a deposit date, and cannot be told apart:
/// not read (D010).
const AMBIGUOUS_DATES: &[&str] = &["paymentdate", "paiddate", "datepaid", "paymentdt"];

/// Is this header one of a refund report only (no claim file or ES-003 has it)?
fn refund_specific(role: Role, alias: &str) -> bool {
    matches!(
        role,
        Role::RefundNumber | Role::Principal | Role::Interest | Role::SecondaryStatus
    ) || alias.contains("refund")
        || alias.starts_with("ach")
}

/// Does this header say the report lists rejected or returned payments (REV-613)?
fn rejection_header(alias: &str) -> bool {
    alias.starts_with("ach") || alias.contains("reject") || alias.contains("return")
}

fn role_of(header: &str) -> Option<(Role, &'static str)> {
    let h = squash(header);
    ALIASES.iter().find_map(|(role, names)| {
        names
            .iter()
            .find(|n| **n == h.as_str())
            .map(|n| (*role, *n))
    })
}

/// Titles that name a report, squashed.
const TITLES: &[(RefundReport, &[&str])] = &[
    (RefundReport::Es022, &["es022", "capeentrysummary"]),
    (RefundReport::Rev603, &["rev603", "traderefund"]),
    (RefundReport::Rev613, &["rev613", "achrejectedrefund"]),
    (RefundReport::Rev615, &["rev615", "capedetailsrefund"]),
];

fn title_of(text: &str) -> Option<RefundReport> {
    let s = squash(text);
    TITLES
        .iter()
        .find(|(_, names)| names.iter().any(|n| s.contains(n)))
        .map(|(r, _)| *r)
}

/// A refund report as read.
#[derive(Debug, Clone, Serialize)]
pub struct RefundFile {
    /// The file name as given.
    pub file: String,
    /// Which report.
    pub report: RefundReport,
    /// How the report was recognised, in words.
    pub recognized_by: String,
    /// The columns read, as `Header -> role`.
    pub columns: Vec<(String, Role)>,
    /// Headers not read.
    pub columns_ignored: Vec<String>,
    /// One event per row used, in file order; `file_seq` is 0 until the ledger numbers the file.
    pub events: Vec<RefundEvent>,
    /// Data rows read: non-blank rows after the header. Equals `events.len() + rows_dropped`.
    pub rows_read: u64,
    /// Rows left out (each with a diagnostic).
    pub rows_dropped: u64,
    /// Blank rows after the header.
    pub blank_rows: u64,
    /// Findings, capped per rule (D011 counts the rest).
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a refund report was refused.
#[derive(Debug, thiserror::Error)]
pub enum RefundFileError {
    /// Could not read the file.
    #[error(transparent)]
    Read(#[from] crate::ReadError),
    /// The table could not be read.
    #[error("{file}: {error}")]
    Table {
        /// File.
        file: String,
        /// Cause (not an error `source`: the message already says it).
        error: TableError,
    },
    /// A quoted value opens and never closes: the csv crate would read everything after it, to
    /// the end of the file, as one value, and the rows there would be lost without a word.
    #[error(
        "{file}: line {line}: a quote `\"` opens a value that is never closed, so everything from there to the end of the file would be read as one value and its rows lost - the file was cut off or edited by hand: close the quote (or remove it), or run the report again, and read it again"
    )]
    UnterminatedQuote {
        /// File.
        file: String,
        /// The 1-based line the quote opens on.
        line: u64,
    },
    /// Refund columns, but not enough to use them (D009).
    #[error(
        "{file}: this looks like an ACE refund report ({report}), but {missing}; found columns: {found} - run the report again in ACE Reports with its entry or declaration number column, or rename the columns (expected names: Entry Number, Declaration Number, Refund Number, Principal Amount or Refund Amount, Interest Amount, Refund Secondary Status) and read it again (capekit explain D009)"
    )]
    Columns {
        /// File.
        file: String,
        /// The report it would be.
        report: RefundReport,
        /// What is missing.
        missing: &'static str,
        /// Headers found, quoted and comma-separated.
        found: String,
    },
}

/// Which column holds which field: an array by role, so that every data row reads it without
/// a copy or a hash.
#[derive(Debug, Clone, Copy)]
struct Columns([Option<usize>; Role::COUNT]);

impl Columns {
    fn get(&self, role: Role) -> Option<usize> {
        self.0[role as usize]
    }

    fn has(&self, role: Role) -> bool {
        self.get(role).is_some()
    }
}

/// The header row and what it maps.
#[derive(Debug, Clone)]
struct Mapping {
    columns: Columns,
    aliases: Vec<(usize, Role, &'static str)>,
    specific: bool,
}

impl Mapping {
    fn get(&self, role: Role) -> Option<usize> {
        self.columns.get(role)
    }

    fn has(&self, role: Role) -> bool {
        self.columns.has(role)
    }
}

fn map_header(row: &Row) -> Mapping {
    let mut m = Mapping {
        columns: Columns([None; Role::COUNT]),
        aliases: Vec::new(),
        specific: false,
    };
    for (i, h) in row.fields.iter().enumerate() {
        if let Some((role, alias)) = role_of(h) {
            m.specific |= refund_specific(role, alias);
            m.aliases.push((i, role, alias));
            m.columns.0[role as usize].get_or_insert(i);
        }
    }
    m
}

/// Reads a refund report from disk.
pub fn read_refund_file(path: &std::path::Path) -> Result<Option<RefundFile>, RefundFileError> {
    let bytes = crate::read_file(path, MAX_REFUND_FILE_BYTES)?;
    parse_refund_file(&path.display().to_string(), &bytes)
}

/// The headers of the first non-blank row of a table (of a CSV's first bytes, or of a
/// workbook's first sheet), quoted and comma-separated, at most 30: what a file that is no
/// refund report shows where its header would be, for the message that refuses it. Empty when
/// the bytes are no table.
pub fn first_row_columns(bytes: &[u8]) -> String {
    let head = if sniff(bytes) == Content::Text && bytes.len() > HEAD_BYTES {
        let cut = bytes[..HEAD_BYTES]
            .iter()
            .rposition(|&b| b == b'\n')
            .unwrap_or(HEAD_BYTES);
        &bytes[..cut]
    } else {
        bytes
    };
    let mut found: Option<String> = None;
    let _ = visit_table(head, |row| {
        if found.is_some() || row.is_blank() {
            return;
        }
        found = Some(
            row.fields
                .iter()
                .filter(|h| !h.trim().is_empty())
                .take(30)
                .map(|h| format!("`{}`", h.trim()))
                .collect::<Vec<_>>()
                .join(", "),
        );
    });
    found.unwrap_or_default()
}

/// Is the file a refund report? Answered from a CSV's first bytes when the file is large.
fn looks_like_refund_report(bytes: &[u8]) -> bool {
    if bytes.len() <= HEAD_BYTES || sniff(bytes) != Content::Text {
        return true;
    }
    let head = &bytes[..HEAD_BYTES];
    let cut = head.iter().rposition(|&b| b == b'\n').unwrap_or(HEAD_BYTES);
    let mut found = false;
    let mut seen = 0usize;
    let _ = visit_table(&head[..cut], |row| {
        if found || seen >= MAX_ROWS_BEFORE_HEADER || row.is_blank() {
            return;
        }
        seen += 1;
        found = map_header(row).specific;
    });
    found
}

/// Reads a refund report from its bytes. `Ok(None)` when the file is not one: none of the first
/// [`MAX_ROWS_BEFORE_HEADER`] non-blank rows holds a refund column (refund number, principal,
/// interest, refund status), or the bytes are no table at all (the other readers say what they
/// are). A refund report that cannot be used is refused ([`RefundFileError::Columns`]).
pub fn parse_refund_file(file: &str, bytes: &[u8]) -> Result<Option<RefundFile>, RefundFileError> {
    let sheets = crate::table::workbook_sheets(bytes).unwrap_or_default();
    if sheets.len() <= 1 {
        return parse_refund_sheet(file, bytes, 0);
    }
    // A workbook: the first sheet that is a refund report is read; every other sheet is named
    // (D012), a refund report among them as a warning - it is never passed over silently.
    let mut read: Option<RefundFile> = None;
    let mut notes: Vec<(String, String)> = Vec::new();
    for (k, name) in sheets.iter().enumerate() {
        let got = match parse_refund_sheet(file, bytes, k) {
            Ok(got) => got,
            Err(e) if read.is_some() => {
                notes.push((name.clone(), format!("is not read: {e}")));
                continue;
            }
            Err(e) => return Err(e),
        };
        match (got, &read) {
            (Some(f), None) => read = Some(f),
            (Some(f), Some(first)) => notes.push((
                name.clone(),
                format!(
                    "is a refund report too ({}, {} rows), and is not read: capekit reads one report per file, and reads this one as {} - save that sheet as a file of its own (File > Save As > CSV) and read it with the others",
                    f.report,
                    f.events.len(),
                    first.report
                ),
            )),
            (None, _) => notes.push((
                name.clone(),
                "holds no refund report columns: not read".to_owned(),
            )),
        }
    }
    let Some(mut f) = read else {
        return Ok(None);
    };
    let base: Arc<str> = Arc::from(base_name(file));
    for (sheet, what) in notes {
        f.diagnostics.push(
            capekit_core::refunds::rules::REFUND_SHEET_NOT_READ
                .diag(format!("sheet `{sheet}` {what}"))
                .in_file(&*base),
        );
    }
    Ok(Some(f))
}

/// [`parse_refund_file`] on one sheet (0-based) of a workbook, or a CSV.
fn parse_refund_sheet(
    file: &str,
    bytes: &[u8],
    sheet: usize,
) -> Result<Option<RefundFile>, RefundFileError> {
    if !looks_like_refund_report(bytes) {
        return Ok(None);
    }
    let mut state = State::new(file);
    let visited = crate::table::visit_sheet(bytes, sheet, |row| state.row(row));
    match visited {
        Ok(_) => {}
        // Not a table, or none with a refund header: not a refund report; the claim and entry
        // readers say what it is.
        // An old `.xls` workbook is said to be one, as for claim files: save it as `.xlsx`.
        Err(error)
            if state.header.is_none()
                && !error.is_limit()
                && !matches!(error, TableError::OldWorkbook) =>
        {
            return Ok(None);
        }
        Err(error) => {
            return Err(RefundFileError::Table {
                file: file.to_owned(),
                error,
            });
        }
    }
    if state.header.is_some()
        && sniff(bytes) == Content::Text
        && let Some(line) = unterminated_quote(bytes)
    {
        return Err(RefundFileError::UnterminatedQuote {
            file: file.to_owned(),
            line,
        });
    }
    state.finish()
}

/// The 1-based line of a quoted value of CSV text (comma-separated, as refund reports are read)
/// that is never closed, if one is. A quote opens a value only at its start; inside, `""` is a
/// quote and a lone `"` closes it - as the csv crate reads it, which says nothing of a value left
/// open at the end of the file.
fn unterminated_quote(bytes: &[u8]) -> Option<u64> {
    let mut line = 1u64;
    let mut opened = None;
    let mut at_start = true;
    let mut i = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    while i < bytes.len() {
        let b = bytes[i];
        if opened.is_some() {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    opened = None;
                }
            }
        } else if b == b'"' && at_start {
            opened = Some(line);
        }
        if b == b'\n' {
            line += 1;
        }
        at_start = opened.is_none() && matches!(b, b',' | b'\n' | b'\r');
        i += 1;
    }
    opened
}

struct State<'f> {
    file: &'f str,
    name: Arc<str>,
    header: Option<(Columns, RefundReport)>,
    refused: Option<RefundFileError>,
    before: Vec<Row>,
    title: Option<(RefundReport, String)>,
    texts: HashMap<Box<str>, Arc<str>>,
    out: RefundFile,
    counts: HashMap<&'static str, usize>,
}

impl<'f> State<'f> {
    fn new(file: &'f str) -> Self {
        let name = base_name(file);
        Self {
            file,
            name: Arc::from(name),
            header: None,
            refused: None,
            before: Vec::new(),
            title: None,
            texts: HashMap::new(),
            out: RefundFile {
                file: file.to_owned(),
                report: RefundReport::Rev615,
                recognized_by: String::new(),
                columns: Vec::new(),
                columns_ignored: Vec::new(),
                events: Vec::new(),
                rows_read: 0,
                rows_dropped: 0,
                blank_rows: 0,
                diagnostics: Vec::new(),
            },
            counts: HashMap::new(),
        }
    }

    fn push(&mut self, d: Diagnostic) {
        let n = self.counts.entry(d.code()).or_insert(0);
        *n += 1;
        if *n <= MAX_DIAGNOSTICS_PER_RULE {
            self.out.diagnostics.push(d.in_file(&*self.name));
        }
    }

    fn cell_diag(
        &mut self,
        rule: &RefundReaderRule,
        row: &Row,
        column: usize,
        raw: &str,
        message: String,
    ) {
        let d = rule.diag(message).with_value(raw);
        let d = match row.cell(column) {
            Some(cell) => d.at_cell(cell, row.line),
            None => d.at_line(row.line),
        };
        self.push(d);
    }

    fn intern(&mut self, raw: &str) -> Option<Arc<str>> {
        let s = unwrap_value(raw);
        if s.is_empty() {
            return None;
        }
        if let Some(t) = self.texts.get(s) {
            return Some(t.clone());
        }
        let t: Arc<str> = Arc::from(s);
        self.texts.insert(Box::from(s), t.clone());
        Some(t)
    }

    fn row(&mut self, row: &Row) {
        if self.refused.is_some() {
            return;
        }
        if self.header.is_none() {
            self.look_for_header(row);
            return;
        }
        if row.is_blank() {
            self.out.blank_rows += 1;
            return;
        }
        self.data_row(row);
    }

    fn look_for_header(&mut self, row: &Row) {
        if row.is_blank() || self.before.len() >= MAX_ROWS_BEFORE_HEADER {
            return;
        }
        if self.title.is_none()
            && let Some(sheet) = &row.sheet
            && let Some(r) = title_of(sheet)
        {
            self.title = Some((r, format!("the sheet name `{sheet}`")));
        }
        let m = map_header(row);
        if !m.specific {
            if self.title.is_none() {
                let text = row.fields.join(" ");
                if let Some(r) = title_of(&text) {
                    self.title = Some((
                        r,
                        format!(
                            "the title `{}` on line {}",
                            capekit_core::check::truncate(text.trim(), 60),
                            row.line
                        ),
                    ));
                }
            }
            self.before.push(row.clone());
            return;
        }
        let by_headers = report_by_headers(&m);
        // Without a title, the file's name tells the two entry-level reports apart (ES-022 and
        // REV-615 may have the same columns); it never makes a report a status report.
        let named = title_of(&self.name).filter(|r| {
            matches!(r, RefundReport::Es022 | RefundReport::Rev615)
                && matches!(by_headers, RefundReport::Es022 | RefundReport::Rev615)
        });
        let (report, recognized_by) = match (self.title.take(), named) {
            (Some((r, how)), _) => (r, how),
            (None, Some(r)) => (r, format!("its columns and the file name `{}`", self.name)),
            (None, None) => (by_headers, "its columns".to_owned()),
        };
        let found = || {
            row.fields
                .iter()
                .filter(|h| !h.trim().is_empty())
                .take(30)
                .map(|h| format!("`{h}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let missing =
            if !(m.has(Role::Entry) || m.has(Role::Declaration) || m.has(Role::RefundNumber)) {
                Some("no column names the entry, the declaration or the refund")
            } else if report == RefundReport::Rev603
                && !(m.has(Role::SecondaryStatus) || m.has(Role::Status))
                && !(m.has(Role::Principal) || m.has(Role::Interest))
            {
                Some("it has neither a `Refund Secondary Status` nor an amount column")
            } else if matches!(report, RefundReport::Es022 | RefundReport::Rev615)
                && !(m.has(Role::Principal)
                    || m.has(Role::Interest)
                    || m.has(Role::SecondaryStatus)
                    || m.has(Role::Status))
            {
                Some("it has no principal, interest or status column")
            } else {
                None
            };
        if let Some(missing) = missing {
            self.refused = Some(RefundFileError::Columns {
                file: self.file.to_owned(),
                report,
                missing,
                found: found(),
            });
            return;
        }
        if !self.before.is_empty() {
            let n = self.before.len();
            self.push(
                capekit_core::refunds::rules::REFUND_ROWS_BEFORE_HEADER.diag(format!(
                        "the header is on line {}: {n} row{} above it skipped (a title or filter line holds no refunds)",
                        row.line,
                        if n == 1 { "" } else { "s" }
                    ),
                )
                .at_line(row.line),
            );
        }
        let mut used = std::collections::HashSet::new();
        for &(i, role, _) in &m.aliases {
            let header = row.get(i).to_owned();
            if used.insert(role) {
                self.out.columns.push((header, role));
            } else {
                let first = m.get(role).map_or("", |c| row.get(c)).to_owned();
                self.cell_diag(
                    &REFUND_DUPLICATE_COLUMN,
                    row,
                    i,
                    &header,
                    format!(
                        "{}: `{header}` and `{first}` both read as {}; the first is used",
                        row.position(i),
                        role.header()
                    ),
                );
            }
        }
        for (i, h) in row.fields.iter().enumerate() {
            if h.trim().is_empty() || m.aliases.iter().any(|(c, ..)| *c == i) {
                continue;
            }
            if AMBIGUOUS_DATES.contains(&squash(h).as_str()) {
                self.cell_diag(
                    &AMBIGUOUS_PAYMENT_DATE,
                    row,
                    i,
                    h,
                    format!(
                        "{}: `{h}` is not read: in a refund report it may be the day the duty was paid or the day the refund was, and interest runs from the first (19 USC 1505(c)); interest is estimated from the entry summary date - rename the column `Deposit Date` if it is the duty's payment",
                        row.position(i)
                    ),
                );
            }
            self.out.columns_ignored.push(h.clone());
        }
        self.out.report = report;
        self.out.recognized_by = recognized_by;
        self.header = Some((m.columns, report));
    }

    fn data_row(&mut self, row: &Row) {
        let Some((m, report)) = self.header else {
            return;
        };
        self.out.rows_read += 1;
        let mut ev = RefundEvent::new(report, self.name.clone(), 0, row.line);
        ev.declaration = m
            .get(Role::Declaration)
            .and_then(|c| self.intern(row.get(c)));
        ev.refund_number = m
            .get(Role::RefundNumber)
            .and_then(|c| self.intern(row.get(c)));
        if let Some(c) = m.get(Role::Entry) {
            let raw = row.get(c);
            // A word without digits where the entry stands (`Total`), on a row naming no
            // declaration or refund, is a total line, not a damaged entry number.
            let word = !raw.bytes().any(|b| b.is_ascii_digit());
            let keyless = ev.declaration.is_none() && ev.refund_number.is_none();
            let total_line = word && keyless;
            if !unwrap_value(raw).is_empty() && !total_line {
                match EntryNumber::parse(raw) {
                    Ok(e) => ev.entry = Some(e),
                    Err(e) => {
                        let repair = e
                            .repair()
                            .map(|r| format!(" (probably {r})"))
                            .unwrap_or_default();
                        self.cell_diag(
                            &REFUND_UNREADABLE_ENTRY_NUMBER,
                            row,
                            c,
                            raw,
                            format!(
                                "{}: the entry number cannot be read: {e}{repair}; this refund row is left out - run the report again without saving it from Excel",
                                row.position(c)
                            ),
                        );
                        self.out.rows_dropped += 1;
                        return;
                    }
                }
            }
        }
        if ev.entry.is_none() && ev.declaration.is_none() && ev.refund_number.is_none() {
            let first = row
                .fields
                .iter()
                .map(|f| unwrap_value(f))
                .find(|f| !f.is_empty())
                .unwrap_or("")
                .to_owned();
            let d = capekit_core::refunds::rules::REFUND_ROW_WITHOUT_KEY.diag(format!(
                    "line {}: no entry, declaration or refund number on this row (it starts `{}`): left out - a total or footer line needs nothing; otherwise fill in the entry or declaration number",
                    row.line,
                    capekit_core::check::truncate(&first, 40)
                ),
            )
            .at_line(row.line)
            .with_value(first);
            self.push(d);
            self.out.rows_dropped += 1;
            return;
        }
        ev.importer = m.get(Role::Importer).and_then(|c| self.intern(row.get(c)));
        ev.reason = m.get(Role::Reason).and_then(|c| self.intern(row.get(c)));
        let status_col = m.get(Role::SecondaryStatus).or(m.get(Role::Status));
        if let Some(c) = status_col {
            let raw = row.get(c);
            ev.status = match parse_status(raw) {
                Some(StatusRead::Unrecognized(_)) => {
                    let kept = self.intern(raw).unwrap_or_else(|| Arc::from(""));
                    if report != RefundReport::Rev613 {
                        self.cell_diag(
                            &UNKNOWN_REFUND_STATUS,
                            row,
                            c,
                            raw,
                            format!(
                                "{}: the status `{kept}` is none of ACE's four (Sent to Treasury, Treasury Issued, Funds Diverted, Check/ACH Returned): kept for review, counted as not received",
                                row.position(c)
                            ),
                        );
                    }
                    Some(StatusRead::Unrecognized(kept))
                }
                other => other,
            };
        }
        let (principal, interest) = (
            self.amount(&m, Role::Principal, row),
            self.amount(&m, Role::Interest, row),
        );
        ev.principal_cents = principal.unwrap_or(None);
        ev.interest_cents = interest.unwrap_or(None);
        ev.amount_unreadable = principal.is_err() || interest.is_err();
        ev.deposit_date = self.date(&m, Role::DepositDate, row);
        ev.liquidation_date = self.date(&m, Role::LiquidationDate, row);
        ev.reliquidation_date = self.date(&m, Role::ReliquidationDate, row);
        ev.status_date = self.date(&m, Role::StatusDate, row);
        self.out.events.push(ev);
    }

    /// The amount of a cell: `Ok(None)` for no column or a blank cell, `Err` for one that
    /// could not be read (D002).
    fn amount(&mut self, m: &Columns, role: Role, row: &Row) -> Result<Option<i64>, ()> {
        let Some(c) = m.get(role) else {
            return Ok(None);
        };
        let raw = row.get(c);
        // `$0.001`: a fraction of a cent is no amount ACE writes; rounding it would make an
        // amount up.
        let parsed = match unwrap_value(raw).split_once('.') {
            Some((_, frac))
                if frac.len() > 2
                    && frac.bytes().all(|b| b.is_ascii_digit() || b == b')')
                    && frac
                        .bytes()
                        .skip(2)
                        .any(|b| b.is_ascii_digit() && b != b'0') =>
            {
                Err("a fraction of a cent")
            }
            _ => parse_cents(raw),
        };
        match parsed {
            Ok(Some(v)) if v < 0 => {
                self.cell_diag(
                    &NEGATIVE_REFUND_AMOUNT,
                    row,
                    c,
                    raw,
                    format!(
                        "{}: `{}` is a negative {}: a reversal, a bill or a correction - kept as written and the entry goes to review; ask CBP what it is",
                        row.position(c),
                        unwrap_value(raw),
                        role.header().to_lowercase()
                    ),
                );
                Ok(Some(v))
            }
            Ok(v) => Ok(v),
            Err(why) => {
                self.cell_diag(
                    &REFUND_BAD_AMOUNT,
                    row,
                    c,
                    raw,
                    format!(
                        "{}: `{}` is not an amount ({why}): the {} is taken as unknown, not zero, and so is what the entry was paid (T014)",
                        row.position(c),
                        unwrap_value(raw),
                        role.header().to_lowercase()
                    ),
                );
                Err(())
            }
        }
    }

    fn date(&mut self, m: &Columns, role: Role, row: &Row) -> Option<Date> {
        let c = m.get(role)?;
        let raw = row.get(c);
        match refund_date(raw) {
            Ok(d) => d,
            Err(why) => {
                self.cell_diag(
                    &REFUND_BAD_DATE,
                    row,
                    c,
                    raw,
                    format!(
                        "{}: `{}` is not a date ({why}): the {} is taken as unknown",
                        row.position(c),
                        unwrap_value(raw),
                        role.header().to_lowercase()
                    ),
                );
                None
            }
        }
    }

    fn finish(mut self) -> Result<Option<RefundFile>, RefundFileError> {
        if let Some(e) = self.refused.take() {
            return Err(e);
        }
        if self.header.is_none() {
            return Ok(None);
        }
        let mut over: Vec<(&'static str, usize)> = self
            .counts
            .iter()
            .filter(|(_, n)| **n > MAX_DIAGNOSTICS_PER_RULE)
            .map(|(c, n)| (*c, *n))
            .collect();
        over.sort_unstable();
        for (code, n) in over {
            let title = REFUND_READER_RULES
                .iter()
                .find(|r| r.code == code)
                .map_or("", |r| r.title);
            self.out.diagnostics.push(
                capekit_core::refunds::rules::REFUND_FINDINGS_CAPPED.diag(format!(
                        "{} more findings of {code} ({title}) are not listed; the first {MAX_DIAGNOSTICS_PER_RULE} are - fix their cause and read the report again",
                        n - MAX_DIAGNOSTICS_PER_RULE
                    ),
                )
                .in_file(&*self.name),
            );
        }
        Ok(Some(self.out))
    }
}

/// The report a header names when no title does: REV-603 by its secondary status, REV-613 by
/// its rejection columns; an entry-level table is ES-022 when it has the declaration, refund
/// number, principal and interest CSMS 68536553 lists for it, else REV-615; a table without
/// entries is per declaration (REV-603).
fn report_by_headers(m: &Mapping) -> RefundReport {
    if m.has(Role::SecondaryStatus) {
        RefundReport::Rev603
    } else if m.aliases.iter().any(|(_, _, a)| rejection_header(a)) {
        RefundReport::Rev613
    } else if m.has(Role::Entry) {
        if [
            Role::Declaration,
            Role::RefundNumber,
            Role::Principal,
            Role::Interest,
        ]
        .iter()
        .all(|r| m.has(*r))
        {
            RefundReport::Es022
        } else {
            RefundReport::Rev615
        }
    } else {
        RefundReport::Rev603
    }
}

/// Excel's day 0 is 1899-12-30 (its serials count the phantom 1900-02-29 in, so day 61 on are
/// right from there).
const EXCEL_EPOCH: Date = jiff::civil::date(1899, 12, 30);

/// A date as ACE and spreadsheets write it: `MM/DD/YYYY`, `YYYY-MM-DD`, or a whole Excel serial
/// of a day from [`FIRST_DATE_YEAR`] to [`LAST_DATE_YEAR`] (a date cell that lost its format).
pub fn refund_date(raw: &str) -> Result<Option<Date>, &'static str> {
    match parse_date(raw) {
        Ok(d) => Ok(d),
        Err(why) => {
            let s = unwrap_value(raw);
            let serial = s
                .strip_suffix(".0")
                .unwrap_or(s)
                .parse::<i64>()
                .map_err(|_| why)?;
            let d = capekit_core::deadline::add_days(EXCEL_EPOCH, serial)
                .filter(|d| (FIRST_DATE_YEAR..=LAST_DATE_YEAR).contains(&d.year()))
                .ok_or("a number that is no Excel date from 1990 to 2100")?;
            Ok(Some(d))
        }
    }
}

fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

#[cfg(test)]
#[path = "refunds_tests.rs"]
mod tests;
