//! The preflight for CAPE declaration uploads: every file-level rule that makes ACE reject an
//! upload ("Failed initial validation"), judged before the file goes anywhere.
//!
//! The rules come from CBP's CAPE guidance (CBP's "ACE Portal: CAPE Declarations" quick reference guide, April 2026): a CSV with the header
//! `Entry Number`, one column, at most 9,999 entries, under 1 MB, each entry 11 letters and digits,
//! no duplicates. A failed upload costs a round trip through the ACE queue while the 80-day window
//! runs, so where CBP's rule is unpublished the check takes the stricter reading and says so.
//! Input is a [`DeclarationInput`], which the readers build from bytes; this module does no I/O.

use std::collections::HashMap;

use serde::Serialize;

use crate::diag::{Diagnostic, Severity, SeverityCounts};
use crate::doc::RuleDoc;
use crate::entry::{EntryNumber, EntryNumberError, FilerCode, StrictError};
use crate::known::{Known, KnownState};
use crate::rules::Rule;

/// The exact header CBP's upload template has in A1.
pub const UPLOAD_HEADER: &str = "Entry Number";
/// At most this many entries on one declaration (CBP's figure; one guide says 10,000).
pub const MAX_ENTRIES: usize = 9_999;
/// A declaration file must be smaller than this many bytes. CBP says "under 1 MB"; the stricter
/// reading of a megabyte (10^6 rather than 2^20 bytes) is used.
pub const MAX_FILE_BYTES: u64 = 1_000_000;

crate::rules::findings_catalog!(
    /// The catalog of file-level rules of `capekit check` (F).
    FileCheck,
    "declaration file check (capekit check)"
);

/// A file-level rule of `capekit check`.
pub type CheckRule = Rule<FileCheck>;

const GUIDE: &str = "CBP, \"ACE Portal: CAPE Declarations\" quick reference guide (April 2026) and \
CAPE upload template ACEP_CapeEntryNumberUploadTemplate";
const CATAIR_E: &str = "CBP CATAIR, Appendix E: entry number check digit";

macro_rules! rule {
    ($code:literal, $name:literal, $sev:ident, $title:literal, what: $what:expr, why: $why:expr,
     example: $ex:expr, fix: $fix:expr, source: $src:expr $(,)?) => {
        Rule {
            code: $code,
            name: $name,
            title: $title,
            kind: FileCheck {
                severity: Severity::$sev,
            },
            doc: RuleDoc {
                what: $what,
                why: $why,
                example: $ex,
                fix: $fix,
                source: $src,
            },
        }
    };
}

/// F001: the file is not a CSV text file.
pub static NOT_A_CSV: CheckRule = rule!("F001", "not-a-csv", Error, "the file is not a CSV text file",
        what: "The file's content, whatever its name: an Excel workbook (.xlsx or .xls), a ZIP \
archive, a PDF, a UTF-16 text file or other binary data is not a CSV.",
        why: "ACE refuses anything but a CSV with \"Not a CSV file\" and the whole upload fails. \
Renaming a workbook to .csv does not make it one.",
        example: "declaration.csv that starts with the bytes `PK` (an .xlsx saved under a .csv name).",
        fix: "In Excel use File > Save As > \"CSV (Comma delimited) (*.csv)\", or run \
`capekit fix FILE --out upload.csv`, which reads workbooks and UTF-16 text and writes a correct CSV.",
        source: GUIDE);

/// F002: the file is empty.
pub static EMPTY_FILE: CheckRule = rule!("F002", "empty-file", Error, "the file is empty",
        what: "A file of zero bytes, or one holding only white space and blank lines.",
        why: "ACE rejects an empty upload at file validation.",
        example: "A 0-byte file left by an export that failed.",
        fix: "Export the entry list again; the file needs the header `Entry Number` and one entry \
number a row.",
        source: GUIDE);

/// F003: the first row is not the `Entry Number` header.
pub static HEADER_MISSING: CheckRule = rule!("F003", "header-missing", Error, "the first row is not the `Entry Number` header",
        what: "The first row must hold the header `Entry Number`. The rule fires when the first row \
is an entry number (the header was deleted) or some other text.",
        why: "CBP's template has the header in A1; an upload without it fails file validation, or \
its first entry is read as the header and silently left out.",
        example: "Line 1 is `B7603245278` instead of `Entry Number`.",
        fix: "Insert `Entry Number` as the first row, or run `capekit fix`, which writes the header.",
        source: GUIDE);

/// F004: the header is spelled differently from `Entry Number`.
pub static HEADER_VARIANT: CheckRule = rule!("F004", "header-variant", Warning, "the header is spelled differently from `Entry Number`",
        what: "The first row reads like the header but differs in case, spacing or punctuation \
(`ENTRY NUMBER`, `Entry_Number`, `EntryNumber`).",
        why: "CBP publishes the header as `Entry Number`; whether ACE accepts variants is not \
published, so a variant is a risk not worth taking.",
        example: "Line 1 is `entry number`.",
        fix: "Change the header to `Entry Number` exactly, or run `capekit fix`.",
        source: GUIDE);

/// F005: the file has a header but no entry numbers.
pub static NO_ENTRIES: CheckRule = rule!("F005", "no-entries", Error, "the file has a header but no entry numbers",
        what: "Only the header row, or the header followed by blank rows.",
        why: "A declaration with no entries is rejected at file validation.",
        example: "A file holding the single line `Entry Number`.",
        fix: "Paste the entry numbers under the header, one a row, in column A.",
        source: GUIDE);

/// F006: a row has more than one column.
pub static EXTRA_COLUMNS: CheckRule = rule!("F006", "extra-columns", Error, "a row has more than one column",
        what: "Each row may hold exactly one value: the entry number. Any second column, even an \
empty one written as a trailing comma, is flagged.",
        why: "CBP's template has one column and nothing else; extra columns (importer names, \
amounts, notes) fail file validation.",
        example: "`B7603245278,ACME CORP` or `B7603245278,`.",
        fix: "Delete every column but A before saving as CSV, or run `capekit fix`, which keeps only \
the entry numbers.",
        source: GUIDE);

/// F007: the file holds more than 9,999 entries.
pub static TOO_MANY_ENTRIES: CheckRule = rule!("F007", "too-many-entries", Error, "the file holds more than 9,999 entries",
        what: "The number of data rows exceeds 9,999.",
        why: "CBP limits one declaration to 9,999 entries (one guide says 10,000; the lower figure is \
CBP's own). A larger file is rejected whole.",
        example: "A file with 10,000 entry numbers.",
        fix: "Split the list into files of at most 9,999 entries; `capekit fix FILE --out PATH` \
writes PATH-01.csv, PATH-02.csv and so on.",
        source: GUIDE);

/// F008: the file is 1 MB or larger.
pub static FILE_TOO_LARGE: CheckRule = rule!("F008", "file-too-large", Error, "the file is 1 MB or larger",
        what: "The file size in bytes is at least 1,000,000.",
        why: "CBP limits the upload to under 1 MB. A file of 9,999 entries takes about 130 kB, so a \
file this large holds something else as well.",
        example: "An export that kept 40 columns of entry data.",
        fix: "Keep only the entry number column, or run `capekit fix`.",
        source: GUIDE);

/// F009: an entry number was turned into a number in scientific notation.
pub static ENTRY_SCIENTIFIC_NOTATION: CheckRule = rule!("F009", "entry-scientific-notation", Error, "an entry number was turned into a number in scientific notation",
        what: "A value such as `6.05761E+10`: Excel read an all-digit entry number as a number and \
printed it as a float.",
        why: "The last digits are gone; no program can recover them, and CBP rejects the value.",
        example: "`6.05761E+10`",
        fix: "Reopen the source (ACE report, broker system), format the column as Text before \
pasting, and copy the numbers again.",
        source: "CBP CATAIR, Appendix E (entry number format); spreadsheet damage as Excel does it");

/// F010: an entry number lost the leading zeros of its filer code.
pub static ENTRY_LOST_LEADING_ZERO: CheckRule = rule!("F010", "entry-lost-leading-zero", Error, "an entry number lost the leading zeros of its filer code",
        what: "An all-digit value of 9 or 10 characters: Excel dropped the leading zeros of a \
filer code such as `057` or `001`.",
        why: "CBP needs all 11 characters; a 10-character value fails file validation.",
        example: "`5760693427` for `05760693427`.",
        fix: "When the zero-padded number has a valid check digit, capekit names it and \
`capekit fix` writes it; otherwise copy the number again from ACE with the column formatted as Text.",
        source: "CBP CATAIR, Appendix E; spreadsheet damage as Excel does it");

/// F011: an entry number carries a decimal part such as `.0`.
pub static ENTRY_TRAILING_DECIMAL: CheckRule = rule!("F011", "entry-trailing-decimal", Error, "an entry number carries a decimal part such as `.0`",
        what: "An all-digit value followed by `.0` or `.00`, as spreadsheets and some exports write \
numbers.",
        why: "`60576069342.0` is not 11 letters and digits; file validation fails.",
        example: "`60576069342.0`",
        fix: "Format the column as Text and remove the decimals, or run `capekit fix`, which writes \
the number without them when its check digit is valid.",
        source: "spreadsheet damage as Excel does it (CBP CATAIR, Appendix E: 11 characters)");

/// F012: an entry number is valid but not written as 11 plain characters.
pub static ENTRY_NOT_CANONICAL: CheckRule = rule!("F012", "entry-not-canonical", Error, "an entry number is valid but not written as 11 plain characters",
        what: "A valid entry number written with dashes, spaces, quotes, lower-case letters or the \
Excel `=\"...\"` wrapper.",
        why: "CBP requires each entry number as 11 alphanumeric characters; `B76-0324527-8` is 13 \
characters and fails file validation.",
        example: "`B76-0324527-8`, `=\"B7603245278\"`, `b7603245278`",
        fix: "Write the 11 characters only (`B7603245278`), or run `capekit fix`.",
        source: GUIDE);

/// F013: a value is not an entry number.
pub static ENTRY_MALFORMED: CheckRule = rule!("F013", "entry-malformed", Error, "a value is not an entry number",
        what: "A value that is not 11 letters and digits in the entry number pattern: wrong length, \
characters other than A-Z and 0-9, letters in the transaction number or check digit, the filer code \
`000`, or an empty value.",
        why: "CBP rejects the file at validation when any entry number is malformed.",
        example: "`B760324527` (10 characters), `ACME CORP`, `B76_0324527_8`.",
        fix: "Correct the value from the entry summary in ACE, or delete the row.",
        source: "CBP CATAIR: entry number is filer code (3), transaction number (7), check digit (1)");

/// F014: an entry number's check digit is wrong.
pub static CHECK_DIGIT_MISMATCH: CheckRule = rule!("F014", "check-digit-mismatch", Error, "an entry number's check digit is wrong",
        what: "The 11th character does not equal the check digit computed from the first ten \
(CATAIR Appendix E).",
        why: "The number was mistyped: it is not the entry you mean, and CBP will not find it in ACE \
(or finds another importer's entry).",
        example: "`ABC12345678`: the first ten characters give the check digit 6, not 8.",
        fix: "Compare the number with the entry summary in ACE and correct the mistyped character.",
        source: CATAIR_E);

/// F015: an entry number appears more than once.
pub static DUPLICATE_ENTRY: CheckRule = rule!("F015", "duplicate-entry", Error, "an entry number appears more than once",
        what: "The same entry number (after removing formatting) on two or more rows.",
        why: "CBP rejects a declaration file that lists an entry twice.",
        example: "`B7603245278` on lines 4 and 96.",
        fix: "Delete the repeated rows, or run `capekit fix`, which keeps the first.",
        source: GUIDE);

/// F016: an entry's filer code is not the filing account's.
pub static FILER_CODE_MISMATCH: CheckRule = rule!("F016", "filer-code-mismatch", Error, "an entry's filer code is not the filing account's",
        what: "With `--filer CODE`: an entry number whose first three characters are not CODE.",
        why: "A broker or filer account may declare only entries it filed, whose entry numbers begin \
with its filer code. This rule is not confirmed letter for letter in CBP's published guide; the \
safe reading is applied. Entries of another filer must be declared by that broker or by the \
importer of record.",
        example: "`--filer B76` and the value `ABC12345676`.",
        fix: "Remove entries of other filers and send them to the filer or importer of record that may \
declare them.",
        source: "CBP CAPE guidance as summarised in CSMS messages and broker guides (unconfirmed (?))");

/// F017: a blank row.
pub static BLANK_ROW: CheckRule = rule!("F017", "blank-row", Warning, "a blank row",
        what: "A row with no value (a line ending at the end of the file is not a row).",
        why: "CBP's template has one entry a row and nothing else; whether ACE skips blank rows or \
rejects them is not published.",
        example: "An empty line 7 between two entry numbers.",
        fix: "Delete the blank rows, or run `capekit fix`.",
        source: GUIDE);

/// F018: the file starts with a byte order mark.
pub static BYTE_ORDER_MARK: CheckRule = rule!("F018", "byte-order-mark", Error, "the file starts with a byte order mark",
        what: "The file begins with the UTF-8 byte order mark (EF BB BF), as Excel's \"CSV UTF-8\" \
format writes it.",
        why: "Brokers report uploads rejected when Excel wrote a BOM (a single source, not \
confirmed by CBP); Excel's \"CSV (Comma delimited)\" format, which CBP's guide names, writes \
none, and a BOM can make the header read as `\\u{feff}Entry Number`. A rejected upload costs a \
round trip while the 80-day window runs, so the file is treated as not uploadable.",
        example: "A file saved as \"CSV UTF-8 (Comma delimited)\".",
        fix: "Save as \"CSV (Comma delimited)\", or run `capekit fix`, which writes no BOM.",
        source: "broker reports of uploads rejected with a UTF-8 BOM (2026, unconfirmed by CBP; no \
CSMS bulletin); CBP, \"ACE Portal: CAPE Declarations\" quick reference guide (April 2026): save \
as CSV (Comma delimited)");

/// F019: lines do not end in CRLF.
pub static LINE_ENDINGS: CheckRule = rule!("F019", "line-endings", Warning, "lines do not end in CRLF",
        what: "Line ends other than CRLF (Windows): LF only, CR only, or a mix.",
        why: "Excel's CSV on Windows ends lines with CRLF; whether ACE accepts others is not \
published.",
        example: "A file written on a Mac or by a script with `\\n` line ends.",
        fix: "Run `capekit fix`, which writes CRLF.",
        source: GUIDE);

/// F020: the file is not UTF-8 text.
pub static NOT_UTF8: CheckRule = rule!("F020", "not-utf8", Warning, "the file is not UTF-8 text",
        what: "Bytes that are not valid UTF-8, usually a Windows-1252 export. capekit reads the file \
as Windows-1252.",
        why: "Entry numbers are plain ASCII, so the other characters belong to values that are not \
entry numbers; they are reported by the other rules.",
        example: "A header `Entry Number` followed by a value with `\u{e9}` saved by an old Excel.",
        fix: "Remove the rows that hold anything but entry numbers, or run `capekit fix`.",
        source: GUIDE);

/// F021: the file name does not end in .csv.
pub static NOT_CSV_EXTENSION: CheckRule = rule!("F021", "not-csv-extension", Error, "the file name does not end in .csv",
        what: "The file's name ends in something other than `.csv` (any case).",
        why: "ACE's upload takes CSV files; whether it judges by name or by content is not \
published, so the safe reading is that a file must be named .csv.",
        example: "`declaration.txt`",
        fix: "Rename the file to end in `.csv`, or run `capekit fix FILE --out NAME.csv`.",
        source: GUIDE);

/// F022: entries of several filer codes.
pub static SEVERAL_FILER_CODES: CheckRule = rule!("F022", "several-filer-codes", Info, "entries of several filer codes",
        what: "Without `--filer`: the file holds entries whose filer codes differ.",
        why: "An importer-of-record account may declare entries of every broker, but a broker's \
account only its own (unconfirmed (?)). Run with `--filer CODE` to check a broker upload.",
        example: "Entries starting `B76` and `ABC` in one file.",
        fix: "Nothing for an importer's account; for a broker's account run \
`capekit check FILE --filer CODE`.",
        source: "CBP CAPE guidance as summarised in CSMS messages and broker guides (unconfirmed (?))");

/// F023: an entry was already accepted on an earlier claim.
pub static ALREADY_ACCEPTED: CheckRule = rule!("F023", "already-accepted", Error, "an entry was already accepted on an earlier claim",
        what: "An entry that capekit's ledger records as accepted (status `Entry Summary Updated`) \
on an earlier claim. The message names that claim. Checked when a ledger is in use (not with \
`--no-ledger`).",
        why: "An accepted entry is never declared again: CBP rejects the new declaration's row as a \
duplicate of an earlier declaration, and the row costs a round trip through the ACE queue while \
other entries' 80-day windows run.",
        example: "`B7603245278` on the upload, accepted on claim 100000241223 a month ago.",
        fix: "Delete the row, or run `capekit fix FILE --out FIXED.csv`, which leaves accepted \
entries out and lists them with their claim. `capekit ledger entry NUMBER` shows the entry's \
history.",
        source: "CBP, \"ACE Portal: CAPE Declarations\" quick reference guide (April 2026): an entry \
may be declared again only after it was rejected; CBP, \"ACE Portal: CAPE Declarations\" quick reference guide (April 2026)");

/// F024: an entry is still pending on another declaration, uploaded or drafted: not uploadable
/// here.
pub static STILL_PENDING: CheckRule = rule!("F024", "still-pending", Error, "an entry is still pending on another declaration, uploaded or drafted: not uploadable here",
        what: "An entry that capekit's ledger records on another declaration that holds it: one marked \
uploaded with no claim outcome recorded since, or a draft capekit wrote (or was given) that is not \
yet marked uploaded, discarded or superseded. Checked when a ledger is in use; the checked file \
itself never counts.",
        why: "CBP may still have the uploaded declaration queued (\"Not Started\"); declaring the \
entry again makes the two declarations conflict later, and a browser time-out can hide a \
declaration that did go through. A draft holds its entries so that two people never both upload a \
file with the same entry.",
        example: "`B7603245278` on the upload, and on refile.csv that capekit wrote yesterday, with no \
claim triaged since.",
        fix: "For an uploaded declaration: look for its claim number in ACE (File Uploads, then Claim \
Status), triage its Claim Details with `capekit triage`, and declare the entry again only if it was \
rejected; if its upload failed, run `capekit ledger failed FILE`. For a draft: upload that draft \
instead (then `capekit ledger uploaded FILE`), or release it with `capekit ledger discard FILE`. \
`capekit ledger declarations` lists both.",
        source: "CBP, \"ACE Portal: CAPE Declarations\" quick reference guide (April 2026): \"Not \
Started\" means queued, do not resubmit; an entry may be declared again only after it was rejected");

/// F025: an entry was rejected with an answer that asks for more than a refile.
pub static REJECTED_DECIDE_FIRST: CheckRule = rule!("F025", "rejected-decide-first", Warning, "an entry was rejected with an answer that asks for more than a refile",
        what: "An entry whose latest claim, in capekit's ledger, rejected it with a message that asks \
for more than declaring it again: a correction first (correct-then-refile), another path (protest, \
court, a later phase), another filer, or a person's review (a status or message capekit could not \
read, a row that contradicts itself). Checked when a ledger is in use.",
        why: "Declared again as it is, the entry comes back with the same rejection, and a correction \
made by PSC is refused once the entry is on a declaration; an entry whose refund is on another \
path loses nothing by waiting, but its protest or court date may run meanwhile. capekit cannot see \
whether the correction or the decision was made, so it warns rather than refuses.",
        example: "`B7600000015` on the upload, rejected on claim 100000241223 with `PROTEST ON \
ENTRY`.",
        fix: "Make sure what the rejection asks is done (`capekit ledger entry NUMBER` shows its \
history, `capekit explain MESSAGE` what the message asks); then upload. Otherwise delete the row.",
        source: "CBP, \"ACE Portal: CAPE Declarations\" quick reference guide (April 2026): entry-level \
errors and what to do");

/// Every file-level rule, in code order.
pub static CHECK_RULES: &[&CheckRule] = &[
    &NOT_A_CSV,
    &EMPTY_FILE,
    &HEADER_MISSING,
    &HEADER_VARIANT,
    &NO_ENTRIES,
    &EXTRA_COLUMNS,
    &TOO_MANY_ENTRIES,
    &FILE_TOO_LARGE,
    &ENTRY_SCIENTIFIC_NOTATION,
    &ENTRY_LOST_LEADING_ZERO,
    &ENTRY_TRAILING_DECIMAL,
    &ENTRY_NOT_CANONICAL,
    &ENTRY_MALFORMED,
    &CHECK_DIGIT_MISMATCH,
    &DUPLICATE_ENTRY,
    &FILER_CODE_MISMATCH,
    &BLANK_ROW,
    &BYTE_ORDER_MARK,
    &LINE_ENDINGS,
    &NOT_UTF8,
    &NOT_CSV_EXTENSION,
    &SEVERAL_FILER_CODES,
    &ALREADY_ACCEPTED,
    &STILL_PENDING,
    &REJECTED_DECIDE_FIRST,
];

/// The rule with this code, if any (case-insensitive): for a code read from elsewhere.
pub fn rule(code: &str) -> Option<&'static CheckRule> {
    crate::rules::by_code(CHECK_RULES, code)
}

/// What the reader found out about the bytes of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Content {
    /// Text; the rows were read.
    Text,
    /// An Office Open XML workbook (a ZIP holding `xl/`).
    Xlsx,
    /// A legacy Excel workbook (OLE compound file).
    Xls,
    /// Some other ZIP archive.
    Zip,
    /// A PDF document.
    Pdf,
    /// UTF-16 text (with or without BOM).
    Utf16,
    /// Bytes that are not text.
    Binary,
}

impl Content {
    /// What a person would call it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Xlsx => "an Excel workbook (.xlsx)",
            Self::Xls => "an old-style Excel workbook (.xls)",
            Self::Zip => "a ZIP archive",
            Self::Pdf => "a PDF document",
            Self::Utf16 => "UTF-16 text (Excel's \"Unicode Text\")",
            Self::Binary => "binary data, not text",
        }
    }
}

/// How lines end in a text file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LineEndings {
    /// `\r\n` count.
    pub crlf: usize,
    /// Lone `\n` count.
    pub lf: usize,
    /// Lone `\r` count.
    pub cr: usize,
}

/// One row of the file as read, before any judgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputRow {
    /// 1-based line number where the row starts (for spreadsheets, the row number).
    pub line: u64,
    /// Sheet cell of the first column, for spreadsheets (`Sheet1!A5`).
    pub cell: Option<String>,
    /// The fields, as text.
    pub fields: Vec<String>,
}

impl InputRow {
    /// A row with no value in any field.
    pub fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.trim().is_empty())
    }
}

/// A declaration file as the reader found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclarationInput {
    /// The file name as the user gave it.
    pub file_name: String,
    /// Size in bytes.
    pub size: u64,
    /// What the content is.
    pub content: Content,
    /// A UTF-8 byte order mark was present (and removed).
    pub bom: bool,
    /// The text was not valid UTF-8 and was read as Windows-1252.
    pub windows_1252: bool,
    /// Line-ending counts.
    pub line_endings: LineEndings,
    /// Every row, blank ones included, in file order. Empty unless the content is text or a
    /// workbook the reader could open.
    pub rows: Vec<InputRow>,
}

/// Options of a check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// The filing account's filer code; entries must start with it.
    pub filer: Option<FilerCode>,
    /// What the ledger knows of the file's entries: accepted ones are errors (F023), pending ones
    /// warnings (F024). Empty without a ledger.
    pub known: Known,
}

/// The outcome of checking one declaration file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    /// The file checked.
    pub file: String,
    /// True when no finding is an error: ACE's file validation should pass.
    pub uploadable: bool,
    /// Number of data rows (non-blank rows after the header).
    pub entries: usize,
    /// Number of data rows holding a valid, canonical, first-seen entry number.
    pub valid_entries: usize,
    /// Every finding, sorted by line.
    pub diagnostics: Vec<Diagnostic>,
}

impl CheckReport {
    /// Counts by severity.
    pub fn counts(&self) -> SeverityCounts {
        SeverityCounts::of(&self.diagnostics)
    }
}

/// How the first row relates to the expected header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderKind {
    /// Exactly `Entry Number`.
    Exact,
    /// `Entry Number` in another case or spacing.
    Variant,
    /// An entry number (or damaged one): the header is missing and this row is data.
    Data,
    /// Some other text: taken as a wrong header.
    Other,
}

/// Classifies the first non-blank row's first field.
pub fn classify_header(first: &str) -> HeaderKind {
    if first == UPLOAD_HEADER {
        return HeaderKind::Exact;
    }
    let squashed: String = first
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if squashed == "entrynumber" {
        return HeaderKind::Variant;
    }
    match EntryNumber::parse(first) {
        Ok(_) => HeaderKind::Data,
        Err(
            EntryNumberError::ScientificNotation { .. }
            | EntryNumberError::LostLeadingZeros { .. }
            | EntryNumberError::TrailingDecimal { .. }
            | EntryNumberError::CheckDigit { .. }
            | EntryNumberError::BadStructure { .. },
        ) => HeaderKind::Data,
        Err(_) => HeaderKind::Other,
    }
}

/// Checks a declaration against every file-level rule.
pub fn check(input: &DeclarationInput, options: &CheckOptions) -> CheckReport {
    let mut diags = Vec::new();
    let file = &input.file_name;

    if !input
        .file_name
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("csv"))
    {
        // Renaming makes a CSV of a text file only: a workbook renamed is a corrupt upload.
        let fix = if input.content == Content::Text || input.size == 0 {
            "rename it to end in .csv".to_owned()
        } else {
            format!(
                "do not rename it: renaming does not make {} a CSV; save it from Excel as \"CSV (Comma delimited)\", or run `capekit fix {} --out upload.csv`",
                input.content.describe(),
                base_name(file)
            )
        };
        diags.push(NOT_CSV_EXTENSION.diag(format!(
            "the file name `{}` does not end in .csv; ACE takes CSV files only - {fix}",
            base_name(file)
        )));
    }
    if input.size >= MAX_FILE_BYTES {
        diags.push(FILE_TOO_LARGE.diag(format!(
                "the file is {} bytes; CAPE takes files under 1 MB ({} bytes) - keep only the entry number column or run `capekit fix`",
                group(input.size),
                group(MAX_FILE_BYTES)
            ),
        ));
    }
    if input.content != Content::Text {
        if input.size == 0 {
            diags
                .push(EMPTY_FILE.diag("the file is empty (0 bytes) - export the entry list again"));
        } else {
            diags.push(NOT_A_CSV.diag(format!(
                    "the file is {}, not a CSV; ACE will answer \"Not a CSV file\" - save it from Excel as \"CSV (Comma delimited)\" or run `capekit fix {} --out upload.csv`",
                    input.content.describe(),
                    base_name(file)
                ),
            ));
        }
        // What the file holds all the same (a workbook's rows are read): `capekit fix` writes
        // those entries into a CSV, and what the ledger knows of them is said here as it would
        // be of a CSV's, row by row, so that the corrected file is not taken on trust.
        let plan = crate::fix::plan_fix_known(input, None, &options.known);
        let mut known_rows: Vec<&crate::fix::KnownRow> = plan
            .already_accepted
            .iter()
            .chain(&plan.still_pending)
            .chain(&plan.rejected)
            .collect();
        known_rows.sort_by_key(|k| k.line);
        let by_line: std::collections::HashMap<u64, &InputRow> = if known_rows.is_empty() {
            std::collections::HashMap::new()
        } else {
            input.rows.iter().map(|r| (r.line, r)).collect()
        };
        for k in known_rows {
            let d = known_finding(k.entry, &k.known);
            diags.push(
                match by_line.get(&k.line) {
                    Some(row) => match &row.cell {
                        Some(cell) => d.at_cell(cell.clone(), row.line),
                        None => d.at_line(row.line),
                    },
                    None => d.at_line(k.line),
                }
                .with_value(k.entry.as_str()),
            );
        }
        let held = plan.entries.len() + plan.already_accepted.len() + plan.still_pending.len();
        return finish(input, diags, held, 0);
    }
    if input.bom {
        diags.push(BYTE_ORDER_MARK.diag("the file starts with a UTF-8 byte order mark; brokers report uploads rejected for it (unconfirmed by CBP), and Excel's \"CSV (Comma delimited)\" writes none - save as \"CSV (Comma delimited)\" or run `capekit fix`",
        ));
    }
    if input.windows_1252 {
        diags.push(NOT_UTF8.diag("the file is not valid UTF-8; capekit read it as Windows-1252 - entry numbers are plain ASCII, so look at the values reported below",
        ));
    }
    let le = input.line_endings;
    if le.lf + le.cr > 0 {
        let found = match (le.crlf > 0, le.lf > 0, le.cr > 0) {
            (false, true, false) => "LF (Unix) line ends".to_owned(),
            (false, false, true) => "CR (old Mac) line ends".to_owned(),
            _ => format!(
                "mixed line ends ({} CRLF, {} LF, {} CR)",
                le.crlf, le.lf, le.cr
            ),
        };
        diags.push(LINE_ENDINGS.diag(format!(
                "the file has {found}; Excel's CSV has CRLF and whether ACE accepts others is not published - run `capekit fix` to write CRLF"
            ),
        ));
    }

    let Some(first_idx) = input.rows.iter().position(|r| !r.is_blank()) else {
        diags.push(EMPTY_FILE.diag(if input.size == 0 {
                "the file is empty (0 bytes) - export the entry list again".to_owned()
            } else {
                "the file holds only blank lines - it needs the header `Entry Number` and one entry number a row".to_owned()
            },
        ));
        return finish(input, diags, 0, 0);
    };
    let first = &input.rows[first_idx];
    let header_value = first.fields.first().map(String::as_str).unwrap_or("");
    // Quoted shortened: a first row of 5 MB must not make a 5 MB message.
    let header_shown = truncate(header_value, 60);
    let header_kind = classify_header(header_value);
    let at = |d: Diagnostic, row: &InputRow| match &row.cell {
        Some(cell) => d.at_cell(cell.clone(), row.line),
        None => d.at_line(row.line),
    };
    let data_start = match header_kind {
        HeaderKind::Exact | HeaderKind::Variant | HeaderKind::Other if first_idx > 0 => {
            diags.push(at(
                HEADER_MISSING.diag(format!(
                    "the header is on line {} instead of line 1 - delete the rows above it",
                    first.line
                )),
                first,
            ));
            first_idx + 1
        }
        HeaderKind::Exact => first_idx + 1,
        HeaderKind::Variant => {
            diags.push(
                at(
                    HEADER_VARIANT.diag(format!("the header is `{header_shown}`; CBP's template has `{UPLOAD_HEADER}` exactly - change it, or run `capekit fix`"),
                    ),
                    first,
                )
                .with_value(header_value),
            );
            first_idx + 1
        }
        HeaderKind::Data => {
            diags.push(
                at(
                    HEADER_MISSING.diag(format!("the first row holds the entry number `{header_shown}` and no header; ACE expects `{UPLOAD_HEADER}` in the first row - insert it, or run `capekit fix`"),
                    ),
                    first,
                )
                .with_value(header_value),
            );
            first_idx
        }
        HeaderKind::Other => {
            diags.push(
                at(
                    HEADER_MISSING.diag(format!("the first row is `{header_shown}`, not the header `{UPLOAD_HEADER}` - replace it with `{UPLOAD_HEADER}`"),
                    ),
                    first,
                )
                .with_value(header_value),
            );
            first_idx + 1
        }
    };
    if first.fields.len() > 1 && header_kind != HeaderKind::Data {
        diags.push(at(
            EXTRA_COLUMNS.diag(format!(
                    "the header row has {} columns; the upload has one column, `{UPLOAD_HEADER}` - delete the others",
                    first.fields.len()
                ),
            ),
            first,
        ));
    }
    for row in &input.rows[..first_idx] {
        diags.push(at(blank_row(), row));
    }

    let rows = &input.rows[data_start..];
    let last_data = rows.iter().rposition(|r| !r.is_blank());
    let mut entries = 0usize;
    let mut valid = 0usize;
    let mut seen: HashMap<EntryNumber, u64> = HashMap::new();
    let mut filers: Vec<String> = Vec::new();
    let filer = options.filer;

    for (i, row) in rows.iter().enumerate() {
        if row.is_blank() {
            // Blank rows after the last entry are reported once as a group below.
            if last_data.is_some_and(|l| i < l) {
                diags.push(at(blank_row(), row));
            }
            continue;
        }
        entries += 1;
        if row.fields.len() > 1 {
            let extra: Vec<&str> = row.fields[1..].iter().map(String::as_str).collect();
            diags.push(
                at(
                    EXTRA_COLUMNS.diag(format!(
                            "line {} has {} columns (`{}`); the upload has only the entry number - delete the other columns",
                            row.line,
                            row.fields.len(),
                            truncate(&row.fields.join(","), 60)
                        ),
                    ),
                    row,
                )
                .with_value(extra.join(",")),
            );
        }
        let raw = row.fields.first().map(String::as_str).unwrap_or("");
        let number = match EntryNumber::parse_strict(raw) {
            Ok(n) => Some((n, true)),
            Err(StrictError::NotCanonical { canonical, what }) => {
                diags.push(
                    at(
                        ENTRY_NOT_CANONICAL.diag(format!(
                                "`{}` is a valid entry number written with {what}; the upload needs its 11 characters `{canonical}` - write them, or run `capekit fix`",
                                truncate(raw, 60),
                            ),
                        ),
                        row,
                    )
                    .with_value(raw),
                );
                Some((canonical, false))
            }
            Err(StrictError::Invalid(e)) => {
                diags.push(at(entry_error(&e, raw), row).with_value(raw));
                None
            }
        };
        let Some((number, canonical)) = number else {
            continue;
        };
        if let Some(&first_line) = seen.get(&number) {
            diags.push(
                at(
                    DUPLICATE_ENTRY.diag(format!(
                            "{number} on line {} is already on line {first_line}; an entry may appear once - delete one of the rows, or run `capekit fix`",
                            row.line
                        ),
                    ),
                    row,
                )
                .with_value(raw),
            );
            continue;
        }
        seen.insert(number, row.line);
        if let Some(f) = &filer {
            if number.filer() != *f {
                diags.push(
                    at(
                        FILER_CODE_MISMATCH.diag(format!(
                                "{number} belongs to filer code {} but the filing account is {f}; a broker account may declare only its own entries (CBP rule unconfirmed (?), safe reading applied) - remove it and have its filer or the importer of record declare it",
                                number.filer_code()
                            ),
                        ),
                        row,
                    )
                    .with_value(raw),
                );
                continue;
            }
        } else if !filers.iter().any(|f| f == number.filer_code()) {
            filers.push(number.filer_code().to_owned());
        }
        if let Some(known) = options.known.get(&number) {
            diags.push(at(known_finding(number, known), row).with_value(raw));
            if !matches!(known, KnownState::Rejected { .. }) {
                continue;
            }
        }
        if canonical {
            valid += 1;
        }
    }
    if let Some(l) = last_data {
        let trailing: Vec<&InputRow> = rows[l + 1..].iter().collect();
        // One line end after the last row is normal; a spreadsheet row is never "trailing".
        if let Some(first_blank) = trailing.first() {
            diags.push(at(
                BLANK_ROW.diag(format!(
                        "{} blank row{} at the end of the file, from line {} - delete them, or run `capekit fix`",
                        trailing.len(),
                        if trailing.len() == 1 { "" } else { "s" },
                        first_blank.line
                    ),
                ),
                first_blank,
            ));
        }
    }
    if entries == 0 {
        diags.push(NO_ENTRIES.diag("the file has the header but no entry numbers - paste the entry numbers under the header, one a row",
        ));
    }
    if entries > MAX_ENTRIES {
        diags.push(TOO_MANY_ENTRIES.diag(format!(
                "the file holds {} entries; one declaration takes at most {} - split it, e.g. `capekit fix {} --out upload.csv` writes parts of at most {}",
                group(entries as u64),
                group(MAX_ENTRIES as u64),
                base_name(file),
                group(MAX_ENTRIES as u64)
            ),
        ));
    }
    if filer.is_none() && filers.len() > 1 {
        filers.sort();
        diags.push(SEVERAL_FILER_CODES.diag(format!(
                "entries of {} filer codes ({}); fine for an importer-of-record account - for a broker account run again with `--filer CODE`",
                filers.len(),
                filers.join(", ")
            ),
        ));
    }
    finish(input, diags, entries, valid)
}

fn blank_row() -> Diagnostic {
    BLANK_ROW.diag(
        "blank row; CBP's template has one entry number a row - delete it, or run `capekit fix`",
    )
}

/// The diagnostic for a value that is not an entry number.
fn entry_error(e: &EntryNumberError, raw: &str) -> Diagnostic {
    let rule = match e {
        EntryNumberError::ScientificNotation { .. } => &ENTRY_SCIENTIFIC_NOTATION,
        EntryNumberError::LostLeadingZeros { .. } => &ENTRY_LOST_LEADING_ZERO,
        EntryNumberError::TrailingDecimal { .. } => &ENTRY_TRAILING_DECIMAL,
        EntryNumberError::CheckDigit { .. } => &CHECK_DIGIT_MISMATCH,
        EntryNumberError::Empty
        | EntryNumberError::InvalidCharacter { .. }
        | EntryNumberError::WrongLength { .. }
        | EntryNumberError::BadStructure { .. } => &ENTRY_MALFORMED,
    };
    let message = match e {
        EntryNumberError::Empty => {
            format!("`{raw}` is empty where an entry number belongs - fill it in or delete the row")
        }
        other => other.to_string(),
    };
    rule.diag(message)
}

/// What the ledger knows of an entry of the file, as a finding: accepted on a claim (F023) or
/// held by another declaration (F024), errors; rejected with a message that asks for more than a
/// refile (F025), a warning: the user put the entry in this file, and may have done what the
/// rejection asks (a correction, a decision on review).
fn known_finding(number: EntryNumber, known: &KnownState) -> Diagnostic {
    match known {
        KnownState::Accepted { claim } => ALREADY_ACCEPTED.diag(format!(
                "{number} was already accepted on claim {claim}; an accepted entry is never declared again - delete the row, or run `capekit fix`, which leaves it out"
            ),
        ),
        KnownState::Pending { .. } | KnownState::Drafted { .. } => STILL_PENDING.diag(format!("{number} is {}: {}", known.describe(), known.remedy()),
        ),
        KnownState::Rejected { .. } => REJECTED_DECIDE_FIRST.diag(format!(
                "{number} was {}: make sure that is done before uploading it - {}",
                known.describe(),
                known.remedy()
            ),
        ),
    }
}

fn finish(
    input: &DeclarationInput,
    mut diagnostics: Vec<Diagnostic>,
    entries: usize,
    valid_entries: usize,
) -> CheckReport {
    for d in &mut diagnostics {
        d.file = Some(input.file_name.clone());
    }
    // File-level findings (no line) first, then by line; stable within a line.
    diagnostics.sort_by_key(|d| (d.line.is_some(), d.line));
    let uploadable = !diagnostics.iter().any(|d| d.severity() == Severity::Error);
    CheckReport {
        file: input.file_name.clone(),
        uploadable,
        entries,
        valid_entries,
        diagnostics,
    }
}

fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Shortens a value for a message, on a character boundary.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}...")
    }
}

/// Formats a count with thousands separators: `9,999`.
pub fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(lines: &[&str]) -> DeclarationInput {
        DeclarationInput {
            file_name: "upload.csv".into(),
            size: 100,
            content: Content::Text,
            bom: false,
            windows_1252: false,
            line_endings: LineEndings {
                crlf: lines.len(),
                ..LineEndings::default()
            },
            rows: lines
                .iter()
                .enumerate()
                .map(|(i, l)| InputRow {
                    line: i as u64 + 1,
                    cell: None,
                    fields: if l.is_empty() {
                        vec![String::new()]
                    } else {
                        l.split(',').map(str::to_owned).collect()
                    },
                })
                .collect(),
        }
    }

    fn codes(r: &CheckReport) -> Vec<&'static str> {
        r.diagnostics.iter().map(|d| d.code()).collect()
    }

    #[test]
    fn clean_file_is_uploadable() {
        let r = check(
            &input(&["Entry Number", "B7603245278", "ABC12345676"]),
            &CheckOptions::default(),
        );
        assert!(r.uploadable, "{:?}", r.diagnostics);
        assert_eq!(r.entries, 2);
        assert_eq!(r.valid_entries, 2);
        assert_eq!(codes(&r), vec!["F022"]);
    }

    #[test]
    fn duplicates_name_both_lines() {
        let r = check(
            &input(&["Entry Number", "B7603245278", "B76-0324527-8"]),
            &CheckOptions::default(),
        );
        let dup = r
            .diagnostics
            .iter()
            .find(|d| d.code() == "F015")
            .expect("dup");
        assert_eq!(dup.line, Some(3));
        assert!(dup.message.contains("line 2"), "{}", dup.message);
        assert!(!r.uploadable);
    }

    #[test]
    fn filer_mismatch_with_filer_option() {
        let r = check(
            &input(&["Entry Number", "B7603245278", "ABC12345676"]),
            &CheckOptions {
                filer: FilerCode::parse("b76").ok(),
                ..CheckOptions::default()
            },
        );
        assert_eq!(codes(&r), vec!["F016"]);
        assert_eq!(r.diagnostics[0].line, Some(3));
    }

    #[test]
    fn header_kinds() {
        assert_eq!(classify_header("Entry Number"), HeaderKind::Exact);
        assert_eq!(classify_header("ENTRY_NUMBER"), HeaderKind::Variant);
        assert_eq!(classify_header("B7603245278"), HeaderKind::Data);
        assert_eq!(classify_header("6.05761E+10"), HeaderKind::Data);
        assert_eq!(classify_header("Entry No"), HeaderKind::Other);
    }

    #[test]
    fn missing_header_counts_first_row_as_data() {
        let r = check(&input(&["B7603245278"]), &CheckOptions::default());
        assert_eq!(r.entries, 1);
        assert_eq!(codes(&r), vec!["F003"]);
    }

    #[test]
    fn blank_rows_inside_and_at_end() {
        let r = check(
            &input(&["Entry Number", "B7603245278", "", "ABC12345676", "", ""]),
            &CheckOptions::default(),
        );
        let blanks: Vec<_> = r
            .diagnostics
            .iter()
            .filter(|d| d.code() == "F017")
            .map(|d| d.line)
            .collect();
        assert_eq!(blanks, vec![Some(3), Some(5)]);
        assert!(r.uploadable);
    }

    #[test]
    fn too_many_entries() {
        let mut lines = vec!["Entry Number".to_owned()];
        for i in 0..=MAX_ENTRIES as u32 {
            lines.push(
                EntryNumber::from_parts("B76", i)
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
            );
        }
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let r = check(&input(&refs), &CheckOptions::default());
        assert_eq!(codes(&r), vec!["F007"]);
        assert_eq!(r.entries, 10_000);
    }

    #[test]
    fn group_formats_thousands() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(9999), "9,999");
        assert_eq!(group(1_000_000), "1,000,000");
    }

    #[test]
    fn ledger_knowledge_makes_accepted_pending_and_drafted_entries_errors() {
        let accepted = EntryNumber::parse("B7603245278").expect("valid");
        let pending = EntryNumber::parse("ABC12345676").expect("valid");
        let mut known = Known::new();
        known.insert(
            accepted,
            KnownState::Accepted {
                claim: "100000241223".into(),
            },
        );
        known.insert(
            pending,
            KnownState::Pending {
                declaration: "refile.csv".into(),
                declared_at: jiff::Timestamp::UNIX_EPOCH,
            },
        );
        let r = check(
            &input(&["Entry Number", "B7603245278", "ABC12345676"]),
            &CheckOptions {
                known,
                ..CheckOptions::default()
            },
        );
        assert_eq!(codes(&r), vec!["F022", "F023", "F024"]);
        assert!(!r.uploadable);
        assert!(r.diagnostics[1].message.contains("claim 100000241223"));
        assert!(r.diagnostics[2].message.contains("do not resubmit"));
        assert_eq!(r.diagnostics[2].severity(), Severity::Error);
        assert_eq!(r.valid_entries, 0);
        let mut known = Known::new();
        known.insert(
            pending,
            KnownState::Drafted {
                declaration: "out/refile.csv".into(),
                number: None,
                written_at: jiff::Timestamp::UNIX_EPOCH,
            },
        );
        let r = check(
            &input(&["Entry Number", "ABC12345676"]),
            &CheckOptions {
                known,
                ..CheckOptions::default()
            },
        );
        assert_eq!(codes(&r), vec!["F024"]);
        assert!(
            !r.uploadable,
            "an entry on another draft is not uploadable here"
        );
        assert!(
            r.diagnostics[0]
                .message
                .contains("capekit ledger discard out/refile.csv"),
            "{}",
            r.diagnostics[0].message
        );
    }
}
