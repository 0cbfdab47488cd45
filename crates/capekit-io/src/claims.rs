//! Reader of what ACE gives back: Claim Details and Validation Result Files, CSV or XLSX.
//!
//! CBP publishes no column list, so headers are mapped tolerantly (case, spaces, underscores and
//! the aliases brokers' tools use); values may come wrapped as `="..."`. A file whose columns
//! cannot be mapped is refused with the columns found and those expected. Every data row ends up
//! either as a [`ClaimRow`] or as a diagnostic: none is lost silently.

use std::path::Path;

use capekit_core::dates::parse_date;
use capekit_core::diag::Diagnostic;
use capekit_core::entry::{EntryNumber, unwrap_value};
pub use capekit_core::triage::ClaimFileKind;
use capekit_core::triage::{ClaimRow, Text};

use crate::table::{Row, TableError, read_table, visit_sheet_delimited};
use capekit_core::reading::{
    CLAIM_COLUMN_NOT_READ, CLAIM_DATE_UNREADABLE, CLAIM_FILE_WITHOUT_ROWS, ClaimReaderRule,
    MESSAGE_WITHOUT_ENTRY, UNREADABLE_ENTRY_NUMBER,
};

/// Files larger than this are refused (a claim holds at most 9,999 entries).
pub const MAX_CLAIM_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// A claim file as read.
#[derive(Debug, Clone)]
pub struct ClaimFile {
    /// The file name as given.
    pub file: String,
    /// What it is.
    pub kind: ClaimFileKind,
    /// Mapped rows.
    pub rows: Vec<ClaimRow>,
    /// Data rows read (non-blank rows after the header).
    pub data_rows: usize,
    /// Rows that could not be used, and other findings.
    pub diagnostics: Vec<Diagnostic>,
    /// Messages of rows that name no entry (a Validation Result File's file-level error may
    /// stand on such a row).
    pub file_messages: Vec<Text>,
}

impl ClaimFile {
    /// Moves the file's rows and file-level messages into a triage's input; returns its
    /// findings. The one way every face (triage, ledger import, the workbench) hands a claim
    /// file to [`capekit_core::triage::triage`].
    pub fn add_to(self, input: &mut capekit_core::triage::TriageInput) -> Vec<Diagnostic> {
        let name = Text::from(base_name(&self.file));
        input.unreadable_rows += self
            .diagnostics
            .iter()
            .filter(|d| d.is(&UNREADABLE_ENTRY_NUMBER))
            .count();
        input.rows.extend(self.rows);
        input
            .file_messages
            .extend(self.file_messages.into_iter().map(|m| (name.clone(), m)));
        self.diagnostics
    }
}

/// Why a claim file was refused.
#[derive(Debug, thiserror::Error)]
pub enum ClaimFileError {
    /// Could not read the file.
    #[error(transparent)]
    Read(#[from] crate::ReadError),
    /// Not a table.
    #[error("{file}: {error}")]
    Table {
        /// File.
        file: String,
        /// Cause (not an error `source`: the message already says it).
        error: TableError,
    },
    /// No row at all.
    #[error(
        "{file}: the file is empty - download the Claim Details again from ACE (Claim Status > claim > Claim Details)"
    )]
    Empty {
        /// File.
        file: String,
    },
    /// Columns not mappable.
    #[error(
        "{file}: cannot find the {missing} column; found columns: {found}; expected an entry number column (one of: Entry Number, ENTRY_NUMBER, Entry Summary Number) and a status or error column (one of: Status, Claim Status, STATUS, Error Description, ERROR_DESCRIPTION, Error Message) - is this a Claim Details or Validation Result File from ACE?"
    )]
    Columns {
        /// File.
        file: String,
        /// What is missing.
        missing: &'static str,
        /// Headers found, as [`crate::table::headers_found`] says them.
        found: String,
    },
    /// A file capekit wrote (a worklist), given back as if ACE had: its outcomes are capekit's
    /// reading, not CBP's answer.
    #[error(
        "{file}: this is a worklist capekit wrote (it has the column `{column}`), not a file from ACE: its outcomes are capekit's reading, not CBP's answer, so it is not read as one. Give the Claim Details downloaded from ACE (Claim Status > claim > Claim Details) or the upload's Validation Result File"
    )]
    CapekitOutput {
        /// File.
        file: String,
        /// The column that gives it away, as found.
        column: String,
    },
    /// Two entry number columns that name different entries on one row.
    #[error("{file}: {detail}")]
    EntryColumnsDisagree {
        /// File.
        file: String,
        /// Where, which columns and values, and what to do.
        detail: String,
    },
    /// An ACE refund report given as a claim file.
    #[error(
        "{file}: this is an ACE refund report ({report}), not a Claim Details or Validation Result File: give it to `capekit refunds` or `capekit ledger import`, which read refund reports"
    )]
    RefundReport {
        /// File.
        file: String,
        /// Which report.
        report: capekit_core::refunds::RefundReport,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Entry,
    Claim,
    /// An entry-level status.
    Status,
    /// `Claim Status`: the claim's status, unless the file has no entry-level status column.
    ClaimStatus,
    Message,
    /// The claim's date (when CBP created or processed it).
    ClaimDate,
    /// The importer of record number: whose report an entry goes on.
    Importer,
}

/// Header aliases, normalized to lower-case letters and digits only.
const ALIASES: &[(Role, &[&str])] = &[
    (
        Role::Entry,
        &[
            "entrynumber",
            "entrysummarynumber",
            "entryno",
            "entrynum",
            "entry",
            "entrysummaryno",
            "entrynbr",
        ],
    ),
    (
        Role::Claim,
        &[
            "claimnumber",
            "claimno",
            "claim",
            "claimid",
            "capeclaimnumber",
            "claimnbr",
        ],
    ),
    (
        Role::Status,
        &[
            "status",
            "statusdesc",
            "statusdescription",
            "entrystatus",
            "entrylevelstatus",
            "entrysummarylevelstatus",
            "entrystatusdesc",
            "entrystatusdescription",
            "linestatus",
            "entrysummarystatus",
            "processingstatus",
            "validationstatus",
            "result",
        ],
    ),
    (
        Role::ClaimStatus,
        &[
            "claimstatus",
            "capeclaimstatus",
            "claimstatusdesc",
            "claimstatusdescription",
        ],
    ),
    (
        Role::ClaimDate,
        &[
            "claimdate",
            "claimcreateddate",
            "claimcreatedate",
            "claimsubmitteddate",
            "claimsubmissiondate",
            "claimprocesseddate",
            "claimstatusdate",
            "datesubmitted",
            "submitteddate",
            "submissiondate",
            "createddate",
            "datecreated",
            "processeddate",
            "processingdate",
            "dateprocessed",
        ],
    ),
    (
        Role::Importer,
        &[
            "importernumber",
            "importerofrecordnumber",
            "importerofrecord",
            "iornumber",
            "ior",
            "iorno",
            "iornbr",
            "importerno",
            "importernbr",
            "importerid",
            "importer",
        ],
    ),
    (
        Role::Message,
        &[
            "errordescription",
            "errordesc",
            "error",
            "errors",
            "errormessage",
            "errormessages",
            "message",
            "messages",
            "description",
            "reason",
            "rejectionreason",
            "validationmessage",
            "validationerror",
            "validationerrors",
            "errordetails",
            "errorcodedescription",
            "errorcodedesc",
            "rejectionreasondescription",
            "rejectionmessage",
            "reasondescription",
        ],
    ),
];

fn squash(header: &str) -> String {
    unwrap_value(header)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .flat_map(|c| c.to_lowercase())
        .collect()
}

fn role_of(header: &str) -> Option<Role> {
    let h = squash(header);
    ALIASES
        .iter()
        .find(|(_, names)| names.contains(&h.as_str()))
        .map(|(role, _)| *role)
}

/// Reads a claim file from disk.
pub fn read_claim_file(path: &Path) -> Result<ClaimFile, ClaimFileError> {
    let bytes = crate::read_file(path, MAX_CLAIM_FILE_BYTES)?;
    parse_claim_file(&path.display().to_string(), &bytes)
}

/// The header is looked for in this many non-blank rows: report exports put a title above it.
const HEADER_SCAN_ROWS: usize = 10;

/// Interns the few distinct texts a claim file repeats (claim numbers, statuses, messages).
/// On foldhash: a million-row triage looks up four texts a row, where SipHash was a tenth of
/// the reading time.
#[derive(Debug, Default)]
struct Interner(foldhash::HashMap<String, Text>);

impl Interner {
    fn get(&mut self, s: &str) -> Text {
        if let Some(t) = self.0.get(s) {
            return t.clone();
        }
        let t: Text = Text::from(s);
        self.0.insert(s.to_owned(), t.clone());
        t
    }
}

/// How a claim file's columns map to what triage needs.
#[derive(Debug)]
struct Mapping {
    entry: usize,
    claim: Option<usize>,
    /// The entry-level status: an entry status column, else the `Claim Status` column (which
    /// then holds each entry's status, as brokers' exports do).
    status: Option<usize>,
    /// `Claim Status` beside an entry-level status column: the claim's status only.
    claim_status: Option<usize>,
    message: Option<usize>,
    claim_date: Option<usize>,
    importer: Option<usize>,
    /// Further columns read as the entry number: each must agree with the first on every row.
    entry_also: Vec<usize>,
    /// Headers that look like a column capekit reads but are not read, with why (C008).
    unread: Vec<(usize, String)>,
    /// The header's cells, trimmed, as the file names its columns.
    header: Vec<String>,
}

/// Columns only capekit's own worklists have (normalized as [`squash`] does): `what_to_do` of
/// the CSV and JSON, "What to do" of the workbook.
const CAPEKIT_COLUMNS: &[&str] = &["whattodo"];

fn map_header(file: &str, header: &Row) -> Result<Mapping, ClaimFileError> {
    if let Some(h) = header
        .fields
        .iter()
        .find(|h| CAPEKIT_COLUMNS.contains(&squash(h).as_str()))
    {
        return Err(ClaimFileError::CapekitOutput {
            file: file.to_owned(),
            column: h.trim().to_owned(),
        });
    }
    let mut columns: Vec<(Role, usize)> = Vec::new();
    let mut entry_also = Vec::new();
    let mut unread = Vec::new();
    let shown = |i: usize| header.fields[i].trim().to_owned();
    for (i, h) in header.fields.iter().enumerate() {
        match role_of(h) {
            Some(role) => match columns.iter().find(|(r, _)| *r == role) {
                None => columns.push((role, i)),
                Some((_, first)) if role == Role::Entry => {
                    entry_also.push(i);
                    unread.push((
                        i,
                        format!(
                            "the column `{}` reads as the entry number too: `{}` is used, and the file is refused on a row where they disagree",
                            shown(i),
                            shown(*first)
                        ),
                    ));
                }
                Some((_, first)) => unread.push((
                    i,
                    format!(
                        "the column `{}` is of the same kind as `{}`: only `{}` is read, and `{}` is not used",
                        shown(i),
                        shown(*first),
                        shown(*first),
                        shown(i)
                    ),
                )),
            },
            None => {
                let squashed = squash(h);
                if ["error", "reason", "message", "rejection"]
                    .iter()
                    .any(|w| squashed.contains(w))
                {
                    unread.push((
                        i,
                        format!(
                            "the column `{}` looks like CBP's message but is not one capekit reads, so its text is not used: if it holds each entry's error, rename it `Error Description` and triage the file again",
                            shown(i)
                        ),
                    ));
                } else if ["status", "outcome", "result"]
                    .iter()
                    .any(|w| squashed.contains(w))
                {
                    unread.push((
                        i,
                        format!(
                            "the column `{}` looks like a status but is not one capekit reads, so its values are not used: if it holds each entry's status, rename it `Entry Status` and triage the file again",
                            shown(i)
                        ),
                    ));
                }
            }
        }
    }
    let col = |role: Role| columns.iter().find(|(r, _)| *r == role).map(|(_, i)| *i);
    let found = || crate::table::headers_found(&header.fields, header.line);
    let Some(entry) = col(Role::Entry) else {
        return Err(ClaimFileError::Columns {
            file: file.to_owned(),
            missing: "entry number",
            found: found(),
        });
    };
    let (status, claim_status) = match (col(Role::Status), col(Role::ClaimStatus)) {
        (Some(entry), claim) => (Some(entry), claim),
        (None, claim) => (claim, None),
    };
    let message = col(Role::Message);
    if status.is_none() && message.is_none() {
        return Err(ClaimFileError::Columns {
            file: file.to_owned(),
            missing: "status or error",
            found: found(),
        });
    }
    Ok(Mapping {
        entry,
        claim: col(Role::Claim),
        status,
        claim_status,
        message,
        claim_date: col(Role::ClaimDate),
        importer: col(Role::Importer),
        entry_also,
        unread,
        header: header.fields.iter().map(|h| h.trim().to_owned()).collect(),
    })
}

/// Reads a claim file from its bytes. Rows are read one at a time and only the mapped columns
/// are kept, with repeated texts shared. Every sheet of a workbook is looked at: each sheet whose
/// header maps is read (a claim split over sheets loses no entry), and the others are named
/// (C003). A workbook in which no sheet maps is refused with the first sheet's columns.
pub fn parse_claim_file(file: &str, bytes: &[u8]) -> Result<ClaimFile, ClaimFileError> {
    match parse_claim_sheets(file, bytes) {
        // Columns that are no claim file's may be a refund report's: say so.
        Err(e @ ClaimFileError::Columns { .. }) => {
            match crate::refunds::parse_refund_file(file, bytes) {
                Ok(Some(f)) => Err(ClaimFileError::RefundReport {
                    file: file.to_owned(),
                    report: f.report,
                }),
                _ => Err(e),
            }
        }
        other => other,
    }
}

fn parse_claim_sheets(file: &str, bytes: &[u8]) -> Result<ClaimFile, ClaimFileError> {
    let sheets = crate::table::workbook_sheets(bytes).unwrap_or_default();
    if sheets.len() <= 1 {
        return parse_sheet(file, bytes, 0);
    }
    let mut read: Option<ClaimFile> = None;
    let mut first_error = None;
    let mut skipped = Vec::new();
    for (i, sheet) in sheets.iter().enumerate() {
        match parse_sheet(file, bytes, i) {
            Ok(f) => match &mut read {
                None => read = Some(f),
                Some(all) => {
                    all.rows.extend(f.rows);
                    all.file_messages.extend(f.file_messages);
                    all.data_rows += f.data_rows;
                    all.diagnostics.extend(f.diagnostics);
                }
            },
            Err(e @ (ClaimFileError::Columns { .. } | ClaimFileError::Empty { .. })) => {
                skipped.push(format!("`{sheet}`"));
                first_error.get_or_insert(e);
            }
            Err(e) => return Err(e),
        }
    }
    match (read, first_error) {
        (Some(mut f), _) => {
            // A sheet with its header alone beside sheets with rows: the file has rows.
            if f.data_rows > 0 {
                f.diagnostics.retain(|d| !d.is(&CLAIM_FILE_WITHOUT_ROWS));
            }
            if !skipped.is_empty() {
                f.diagnostics.push(
                    capekit_core::reading::SHEETS_NOT_READ.diag(format!(
                            "sheet{} {} of the workbook hold{} no entry and status columns and {} not read",
                            if skipped.len() == 1 { "" } else { "s" },
                            skipped.join(", "),
                            if skipped.len() == 1 { "s" } else { "" },
                            if skipped.len() == 1 { "was" } else { "were" }
                        ),
                    )
                    .in_file(base_name(file)),
                );
            }
            Ok(f)
        }
        (None, Some(e)) => Err(e),
        (None, None) => Err(ClaimFileError::Empty {
            file: file.to_owned(),
        }),
    }
}

/// Reads one sheet of a claim file (a CSV is one sheet, 0).
fn parse_sheet(file: &str, bytes: &[u8], sheet: usize) -> Result<ClaimFile, ClaimFileError> {
    let name: Text = Text::from(base_name(file));
    let mut mapping: Option<Result<Mapping, ClaimFileError>> = None;
    let mut texts = Interner::default();
    let mut out = ClaimFile {
        file: file.to_owned(),
        kind: ClaimFileKind::ValidationResult,
        rows: Vec::new(),
        data_rows: 0,
        diagnostics: Vec::new(),
        file_messages: Vec::new(),
    };
    let mut default_claim = Text::from("");
    let mut header_scan = 0usize;
    let mut date_said = false;
    let mut claim_mangled_said = false;
    let mut refusal: Option<ClaimFileError> = None;
    // A claim file saved from Excel as "Unicode Text" is tab-separated, and as CSV under some
    // regional settings semicolon-separated: the delimiter is the one that splits out the entry
    // number column.
    let is_entry = |h: &str| role_of(h) == Some(Role::Entry);
    visit_sheet_delimited(bytes, sheet, &is_entry, |row| {
        if row.is_blank() {
            return;
        }
        let m = match &mapping {
            None | Some(Err(_)) if header_scan < HEADER_SCAN_ROWS => {
                header_scan += 1;
                let m = map_header(file, row);
                if m.is_ok() && header_scan > 1 {
                    let skipped = header_scan - 1;
                    let mut d = capekit_core::reading::CLAIM_ROWS_BEFORE_HEADER.diag(format!(
                            "the header is on line {}: {skipped} row{} above it skipped (a title or filter line holds no entries)",
                            row.line,
                            if skipped == 1 { "" } else { "s" }
                        ),
                    )
                    .in_file(base_name(file));
                    d = match row.cell(0) {
                        Some(cell) => d.at_cell(cell, row.line),
                        None => d.at_line(row.line),
                    };
                    out.diagnostics.push(d);
                }
                // The first row's failure is the one to report: it names the file's own columns.
                if m.is_err() && mapping.is_some() {
                    return;
                }
                if let Ok(m) = &m {
                    for (c, why) in &m.unread {
                        out.diagnostics.push(diag(
                            file,
                            row,
                            *c,
                            row.get(*c),
                            &CLAIM_COLUMN_NOT_READ,
                            format!("{}: {why}", row.position(*c)),
                        ));
                    }
                    out.kind = if m.claim.is_some() {
                        ClaimFileKind::ClaimDetails
                    } else {
                        ClaimFileKind::ValidationResult
                    };
                    if out.kind == ClaimFileKind::ValidationResult {
                        out.diagnostics.push(
                            capekit_core::reading::READ_AS_VALIDATION_RESULT.diag("no claim number column: read as a Validation Result File, which never proves acceptance (rows without an error are `no claim yet`); if this is a Claim Details, download it again from Claim Status with its claim number column".to_owned(),
                            )
                            .in_file(base_name(file))
                            .at_line(row.line),
                        );
                    }
                    default_claim = Text::from(match out.kind {
                        ClaimFileKind::ClaimDetails => format!("(no claim number) {name}"),
                        ClaimFileKind::ValidationResult => format!("validation {name}"),
                    });
                }
                mapping = Some(m);
                return;
            }
            None | Some(Err(_)) => return,
            Some(Ok(m)) => m,
        };
        out.data_rows += 1;
        let raw = row.get(m.entry);
        let message = m.message.map_or("", |c| unwrap_value(row.get(c)));
        let status = m.status.map_or("", |c| unwrap_value(row.get(c)));
        // No entry, and a message about the whole file; or words that name no entry's error
        // (words capekit does not know), or none under a status that says the row failed: a
        // failed upload says so here, and a file-level failure whose words are not known is a
        // failure all the same (the safe reading: the entries were not filed, and a corrected
        // whole file is offered; uploading entries that did go through again costs a duplicate
        // rejection, waiting for a claim that never comes costs the window). Any other row
        // without an entry (UNABLE TO CALCULATE DUTY, a blank row, any row of a Claim Details)
        // is a row whose entry cannot be read (C001): counted, never a verdict on the file.
        let file_level = unwrap_value(raw).is_empty()
            && out.kind == ClaimFileKind::ValidationResult
            && (capekit_core::catalog::is_upload_message(message)
                || (!capekit_core::catalog::names_entry_message(message)
                    && (capekit_core::triage::reads_as_failed(status)
                        || !message.trim().is_empty())));
        if file_level {
            let text = if message.trim().is_empty() {
                status
            } else {
                message
            };
            out.file_messages.push(texts.get(text));
            let d = diag(
                file,
                row,
                m.message.unwrap_or(m.entry),
                message,
                &MESSAGE_WITHOUT_ENTRY,
                format!(
                    "{}: a row without an entry number carries {}: read as a message about the whole file",
                    row.position(m.entry),
                    if message.trim().is_empty() {
                        format!("the status `{status}` and no message")
                    } else {
                        format!("the message `{message}`")
                    }
                ),
            );
            out.diagnostics.push(d);
            return;
        }
        // Another entry number column naming another entry: which one the row answers cannot
        // be told, so the file is refused (a row read by the wrong column loses an entry).
        if refusal.is_none()
            && let Some(&c) = m.entry_also.iter().find(|&&c| {
                let other = unwrap_value(row.get(c));
                !other.is_empty()
                    && match (EntryNumber::parse(raw), EntryNumber::parse(other)) {
                        (Ok(a), Ok(b)) => a != b,
                        _ => unwrap_value(raw) != other,
                    }
            })
        {
            refusal = Some(ClaimFileError::EntryColumnsDisagree {
                file: file.to_owned(),
                detail: format!(
                    "line {}: the columns `{}` (column {}) and `{}` (column {}) both read as the entry number and name different entries (`{}` and `{}`): capekit cannot tell which entry the row answers, so the file is not read - delete the column that is not the entry number (or rename it) and triage the file again",
                    row.line,
                    m.header[m.entry],
                    m.entry + 1,
                    m.header[c],
                    c + 1,
                    unwrap_value(raw),
                    unwrap_value(row.get(c)),
                ),
            });
        }
        let entry = match EntryNumber::parse(raw) {
            Ok(e) => e,
            Err(e) => {
                let repair = e
                    .repair()
                    .map(|r| format!(" (probably {r})"))
                    .unwrap_or_default();
                out.diagnostics.push(diag(
                    file,
                    row,
                    m.entry,
                    raw,
                    &UNREADABLE_ENTRY_NUMBER,
                    format!(
                        "{}: the entry number cannot be read: {e}{repair}; this row is left out of the triage - open the claim in ACE for this entry",
                        row.position(m.entry)
                    ),
                ));
                return;
            }
        };
        let claim_date = match m.claim_date.map(|c| (c, parse_date(row.get(c)))) {
            None | Some((_, Ok(None))) => None,
            Some((_, Ok(Some(d)))) => Some(d),
            Some((c, Err(why))) => {
                // Said once a file: a column of unreadable dates says the same on every row.
                if !date_said {
                    date_said = true;
                    let d = diag(
                        file,
                        row,
                        c,
                        row.get(c),
                        &CLAIM_DATE_UNREADABLE,
                        format!(
                            "{}: the claim date `{}` cannot be read ({why}); the claim is read as having no date, so the ledger does not use it to tell which upload it answers (rows below with such a date are read the same way)",
                            row.position(c),
                            unwrap_value(row.get(c))
                        ),
                    );
                    out.diagnostics.push(d);
                }
                None
            }
        };
        let claim = match m
            .claim
            .map(|c| unwrap_value(row.get(c)))
            .filter(|c| !c.is_empty())
        {
            None => default_claim.clone(),
            // Digits lost to a spreadsheet (C009): never a claim number, and never the same
            // claim as another file's rounded to the same text.
            Some(c) if scientific_notation(c) => {
                if !claim_mangled_said {
                    claim_mangled_said = true;
                    out.diagnostics.push(
                        capekit_core::reading::CLAIM_NUMBER_MANGLED
                            .diag(format!(
                                "{}: the claim number `{c}` is a number in scientific notation: its digits are lost, so its rows are read as the claim `(claim number lost) {name}` - download the Claim Details again (or format the column as text)",
                                row.position(m.claim.unwrap_or(m.entry))
                            ))
                            .in_file(base_name(file))
                            .at_line(row.line)
                            .with_value(c.to_owned()),
                    );
                }
                texts.get(&format!("(claim number lost) {name}"))
            }
            Some(c) => texts.get(c),
        };
        out.rows.push(ClaimRow {
            file: name.clone(),
            line: row.line,
            entry,
            claim,
            status: m.status.map(|c| texts.get(unwrap_value(row.get(c)))),
            claim_status: m.claim_status.map(|c| texts.get(unwrap_value(row.get(c)))),
            message: texts.get(m.message.map_or("", |c| unwrap_value(row.get(c)))),
            kind: out.kind,
            claim_date,
            importer: m
                .importer
                .map(|c| unwrap_value(row.get(c)).trim())
                .filter(|i| !i.is_empty())
                .map(|i| texts.get(i)),
        });
    })
    .map_err(|error| ClaimFileError::Table {
        file: file.to_owned(),
        error,
    })?;
    if let Some(e) = refusal {
        return Err(e);
    }
    match mapping {
        None => Err(ClaimFileError::Empty {
            file: file.to_owned(),
        }),
        Some(Err(e)) => Err(e),
        Some(Ok(_)) => {
            if out.data_rows == 0 {
                out.diagnostics.push(
                    capekit_core::reading::CLAIM_FILE_WITHOUT_ROWS.diag("the file has its header but no rows: no entry of it is read - download the Claim Details again from ACE (Claim Status > claim > Claim Details), with no Excel filter on".to_owned(),
                    )
                    .in_file(base_name(file)),
                );
            }
            Ok(out)
        }
    }
}

/// Reads several claim files, in parallel on the machine's cores; results keep the input order.
pub fn read_claim_files(paths: &[std::path::PathBuf]) -> Vec<Result<ClaimFile, ClaimFileError>> {
    parallel_map(paths, |p| read_claim_file(p))
}

/// Parses several claim files from bytes, in parallel; results keep the input order.
pub fn parse_claim_files(files: &[(String, Vec<u8>)]) -> Vec<Result<ClaimFile, ClaimFileError>> {
    parallel_map(files, |(name, bytes)| parse_claim_file(name, bytes))
}

/// `f` of every item, on as many threads as the machine has cores (each a run of the items);
/// the results keep the items' order.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(items.len().max(1));
    if threads <= 1 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        // A worker only panics on a bug; re-raise it rather than lose its files silently.
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

fn diag(
    file: &str,
    row: &Row,
    column: usize,
    value: &str,
    rule: &ClaimReaderRule,
    message: String,
) -> Diagnostic {
    let d = rule
        .diag(message)
        .with_value(value)
        .in_file(base_name(file));
    match row.cell(column) {
        Some(cell) => d.at_cell(cell, row.line),
        None => d.at_line(row.line),
    }
}

/// Reads the `--corrected` list: one entry number a line, or a CSV/XLSX with an entry column.
pub fn read_entry_list(path: &Path) -> Result<(Vec<EntryNumber>, Vec<Diagnostic>), ClaimFileError> {
    let bytes = crate::read_file(path, MAX_CLAIM_FILE_BYTES)?;
    parse_entry_list(&path.display().to_string(), &bytes)
}

/// Reads an entry list from its bytes (an uploaded file or pasted text): one entry number a line,
/// or a CSV/XLSX with an entry column. Values that are not entry numbers become diagnostics.
pub fn parse_entry_list(
    file: &str,
    bytes: &[u8],
) -> Result<(Vec<EntryNumber>, Vec<Diagnostic>), ClaimFileError> {
    let file = file.to_owned();
    let table = read_table(bytes).map_err(|error| ClaimFileError::Table {
        file: file.clone(),
        error,
    })?;
    let rows: Vec<Row> = table.rows.into_iter().filter(|r| !r.is_blank()).collect();
    let Some(first) = rows.first() else {
        return Ok((Vec::new(), Vec::new()));
    };
    // A header row names the entry column; a list without header has entry numbers in column A.
    let header_col = first
        .fields
        .iter()
        .position(|h| role_of(h) == Some(Role::Entry));
    let (col, skip) = match header_col {
        Some(c) => (c, 1),
        None => (0, 0),
    };
    let mut entries = Vec::new();
    let mut diags = Vec::new();
    for row in rows.iter().skip(skip) {
        let raw = row.get(col);
        match EntryNumber::parse(raw) {
            Ok(e) => entries.push(e),
            Err(e) => diags.push(diag(
                &file,
                row,
                col,
                raw,
                &UNREADABLE_ENTRY_NUMBER,
                format!(
                    "{}: `{raw}` is not an entry number ({e}); it is left out of the corrected list - fix the list and run again",
                    row.position(col)
                ),
            )),
        }
    }
    Ok((entries, diags))
}

fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Does `s` read as a number in scientific notation (`1.00001E+11`, `1E11`)?
fn scientific_notation(s: &str) -> bool {
    let upper = s.trim().to_ascii_uppercase();
    let Some((mantissa, exp)) = upper.split_once('E') else {
        return false;
    };
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    !mantissa.is_empty()
        && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && mantissa.bytes().filter(|&b| b == b'.').count() <= 1
        && !exp.is_empty()
        && exp.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use capekit_core::reading::{READ_AS_VALIDATION_RESULT, SHEETS_NOT_READ};

    #[test]
    fn maps_broker_headers_and_unwraps_values() {
        let csv = b"\xEF\xBB\xBFENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\n=\"B7603245278\",=\"100000241223\",Entry Summary Updated,\r\n=\"ABC12345676\",=\"100000241223\",Failed,PROTEST ON ENTRY\r\n\r\n";
        let f = parse_claim_file("cd.csv", csv).expect("read");
        assert_eq!(f.kind, ClaimFileKind::ClaimDetails);
        assert_eq!(f.rows.len(), 2);
        assert_eq!(&*f.rows[0].claim, "100000241223");
        assert_eq!(&*f.rows[1].message, "PROTEST ON ENTRY");
        assert_eq!(f.rows[1].line, 3);
        assert_eq!(f.data_rows, 2);
    }

    #[test]
    fn an_importer_column_says_whose_each_entry_is() {
        let csv = b"Entry Number,Claim Number,Importer Number,Status,Error Description\r\nB7603245278,100000241223,12-3456789AB,Entry Summary Updated,\r\nB7644104112,100000241223,,Failed,PROTEST ON ENTRY\r\n";
        let f = parse_claim_file("cd.csv", csv).expect("read");
        assert_eq!(f.rows[0].importer.as_deref(), Some("12-3456789AB"));
        assert_eq!(f.rows[1].importer, None, "a blank cell names no importer");
        let plain = parse_claim_file("cd.csv", b"Entry Number,Status\r\nB7603245278,Accepted\r\n")
            .expect("read");
        assert_eq!(plain.rows[0].importer, None);
    }

    #[test]
    fn status_description_headers_are_the_entry_status() {
        // `Status_Desc` was once left unread, so an accepted row had no status and went to
        // review; `Claim_Status_Desc` is the claim's.
        let csv = b"Entry_Number,Claim_Number,Status_Desc,Claim_Status_Desc,Error_Description\r\nB7603245278,100000241223,Accepted,Accepted with Error(s),\r\n";
        let f = parse_claim_file("cd.csv", csv).expect("read");
        assert_eq!(f.rows[0].status.as_deref(), Some("Accepted"));
        assert_eq!(
            f.rows[0].claim_status.as_deref(),
            Some("Accepted with Error(s)")
        );
    }

    #[test]
    fn reads_a_claim_date_column_and_says_when_a_date_cannot_be_read() {
        let csv = b"Entry Number,Claim Number,Status,Error Description,Claim Date\r\nB7603245278,100000241223,Failed,PROTEST ON ENTRY,11/02/2026 10:15 AM\r\nB7644104112,100000241223,Failed,PROTEST ON ENTRY,2026-11-02\r\n";
        let f = parse_claim_file("cd.csv", csv).expect("read");
        let d: jiff::civil::Date = "2026-11-02".parse().expect("date");
        assert_eq!(f.rows[0].claim_date, Some(d));
        assert_eq!(f.rows[1].claim_date, Some(d));
        assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
        let csv = b"ENTRY_NUMBER,CLAIM_NUMBER,STATUS,DATE_SUBMITTED\r\nB7603245278,100000241223,Entry Summary Updated,45627\r\nB7644104112,100000241223,Entry Summary Updated,Nov 2\r\n";
        let f = parse_claim_file("cd.csv", csv).expect("read");
        assert_eq!(f.rows.len(), 2, "the rows are kept");
        assert!(f.rows.iter().all(|r| r.claim_date.is_none()));
        let said: Vec<_> = f
            .diagnostics
            .iter()
            .filter(|d| d.is(&CLAIM_DATE_UNREADABLE))
            .collect();
        assert_eq!(said.len(), 1, "said once: {:?}", f.diagnostics);
        assert!(said[0].message.contains("`45627`"), "{}", said[0].message);
        assert_eq!(said[0].line, Some(2));
    }

    #[test]
    fn human_headers_and_windows_1252() {
        let csv = b"Entry Summary Number;x\r\n";
        assert!(parse_claim_file("x.csv", csv).is_err());
        let csv = b"Entry Number,Claim Status,Error Description\nB76-0324527-8,Failed,ENTRY ON DRAWBACK \x96 see\n";
        let f = parse_claim_file("x.csv", csv).expect("read");
        assert_eq!(f.kind, ClaimFileKind::ValidationResult);
        assert!(f.rows[0].message.contains('\u{2013}'));
    }

    #[test]
    fn refuses_unmappable_columns_naming_them() {
        let err = parse_claim_file("x.csv", b"Foo,Bar\n1,2\n").expect_err("refused");
        let msg = err.to_string();
        assert!(msg.contains("`Foo` (A1), `Bar` (B1)"), "{msg}");
        assert!(msg.contains("entry number"), "{msg}");
        let err = parse_claim_file("x.csv", b"Entry Number\nB7603245278\n").expect_err("refused");
        assert!(err.to_string().contains("status or error"));
    }

    #[test]
    fn lf_line_ends_trailing_blank_rows_and_quoted_fields() {
        let csv = b"Entry Number,Claim Number,Status,Error Description\n\"B7603245278\",\"100000241223\",\"Failed\",\"PROTEST ON ENTRY\"\n\n,,,\n\n";
        let f = parse_claim_file("x.csv", csv).expect("read");
        assert_eq!(f.rows.len(), 1);
        assert_eq!(f.data_rows, 1);
        assert!(f.diagnostics.is_empty());
    }

    fn sheet(wb: &mut rust_xlsxwriter::Workbook, name: &str, cells: &[&[&str]]) {
        let ws = wb.add_worksheet();
        ws.set_name(name).expect("name");
        for (r, row) in cells.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v).expect("cell");
            }
        }
    }

    #[test]
    fn every_sheet_is_looked_at_and_the_others_named() {
        const HEADER: &[&str] = &[
            "Entry Number",
            "Claim Number",
            "Status",
            "Error Description",
        ];
        let mut wb = rust_xlsxwriter::Workbook::new();
        sheet(
            &mut wb,
            "Summary",
            &[&["Claim", "Accepted"], &["100000241223", "1"]],
        );
        sheet(
            &mut wb,
            "Claim Details",
            &[
                HEADER,
                &["B7603245278", "100000241223", "Entry Summary Updated", ""],
            ],
        );
        sheet(
            &mut wb,
            "Claim Details (2)",
            &[
                HEADER,
                &["B7644100003", "100000241223", "Failed", "INVALID HTS"],
            ],
        );
        let bytes = wb.save_to_buffer().expect("xlsx");
        let f = parse_claim_file("cd.xlsx", &bytes).expect("read");
        assert_eq!(f.kind, ClaimFileKind::ClaimDetails);
        assert_eq!(f.rows.len(), 2, "both claim sheets are read");
        let named: Vec<_> = f
            .diagnostics
            .iter()
            .filter(|d| d.is(&SHEETS_NOT_READ))
            .collect();
        assert_eq!(named.len(), 1);
        assert!(
            named[0].message.contains("`Summary`"),
            "{}",
            named[0].message
        );
    }

    #[test]
    fn a_workbook_with_no_claim_sheet_is_refused_with_its_columns() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        sheet(&mut wb, "Summary", &[&["Claim", "Accepted"]]);
        sheet(&mut wb, "Notes", &[&["Note"]]);
        let bytes = wb.save_to_buffer().expect("xlsx");
        let e = parse_claim_file("cd.xlsx", &bytes).expect_err("refused");
        assert!(e.to_string().contains("`Claim`"), "{e}");
    }

    #[test]
    fn a_claimless_file_is_said_to_be_read_as_a_validation_result_file() {
        let f = parse_claim_file("v.csv", b"Entry Number,Error Message\r\nB7603245278,\r\n")
            .expect("read");
        assert_eq!(f.kind, ClaimFileKind::ValidationResult);
        assert!(
            f.diagnostics
                .iter()
                .any(|d| d.is(&READ_AS_VALIDATION_RESULT))
        );
    }

    #[test]
    fn xlsx_claim_details_are_read_with_cells() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let cells = [
            [
                "Entry Summary Number",
                "Claim Number",
                "Claim Status",
                "Error Description",
            ],
            ["B7603245278", "100000241223", "Failed", "ACCOUNT MISMATCH"],
            ["ABC1234567", "100000241223", "Failed", "ACCOUNT MISMATCH"],
        ];
        for (r, row) in cells.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v).expect("cell");
            }
        }
        let bytes = wb.save_to_buffer().expect("xlsx");
        let f = parse_claim_file("cd.xlsx", &bytes).expect("read");
        assert_eq!(f.rows.len(), 1);
        assert_eq!(f.diagnostics.len(), 1);
        assert_eq!(f.diagnostics[0].cell.as_deref(), Some("Sheet1!A3"));
    }

    #[test]
    fn empty_and_header_only_files() {
        assert!(matches!(
            parse_claim_file("x.csv", b""),
            Err(ClaimFileError::Empty { .. })
        ));
        let f = parse_claim_file("x.csv", b"ENTRY_NUMBER,STATUS\r\n\r\n").expect("read");
        assert_eq!(f.data_rows, 0);
    }

    #[test]
    fn a_pdf_is_refused_with_what_it_is() {
        let err = parse_claim_file("x.csv", b"%PDF-1.7\n").expect_err("refused");
        assert!(err.to_string().contains("PDF"), "{err}");
    }

    #[test]
    fn a_title_above_the_header_is_skipped_and_said() {
        let csv = b"Claim Details Report\r\nRun 11/24/2026\r\nENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\nB7603245278,1,Failed,PROTEST ON ENTRY\r\n";
        let f = parse_claim_file("x.csv", csv).expect("read");
        assert_eq!(f.rows.len(), 1);
        assert_eq!(f.rows[0].line, 4);
        assert_eq!(f.diagnostics.len(), 1);
        assert_eq!(f.diagnostics[0].code(), "C002");
        assert_eq!(f.diagnostics[0].line, Some(3));
        // Without any header in reach, the first row's columns are named.
        let err = parse_claim_file("x.csv", b"Foo,Bar\r\n1,2\r\n3,4\r\n").expect_err("refused");
        assert!(err.to_string().contains("`Foo` (A1), `Bar` (B1)"), "{err}");
    }

    #[test]
    fn unreadable_entries_become_diagnostics() {
        let f = parse_claim_file(
            "x.csv",
            b"Entry Number,Status,Error\n6.05761E+10,Failed,X\nB7603245278,Failed,Y\n",
        )
        .expect("read");
        assert_eq!(f.rows.len(), 1);
        let c001: Vec<_> = f
            .diagnostics
            .iter()
            .filter(|d| d.is(&UNREADABLE_ENTRY_NUMBER))
            .collect();
        assert_eq!(c001.len(), 1);
        assert_eq!(c001[0].line, Some(2));
        assert_eq!(f.data_rows, 2);
    }
}
