//! Rules of the readers of ACE files: what makes a row unusable, documented like every other
//! rule so that `capekit explain C001` (or `R001`) answers.
//!
//! The readers themselves live in `capekit-io`; their catalogs live here, in the crate without
//! I/O, so that `catalogs::all_rules()` (explain, the web pages, the README table) sees every
//! catalog without depending on the readers.

use crate::diag::Severity;
use crate::doc::RuleDoc;
use crate::rules::Rule;

crate::rules::findings_catalog!(
    /// The catalog of the Claim Details, Validation Result File and entry-list readers (C).
    ClaimReading,
    "reading ACE files (capekit triage)"
);

crate::rules::findings_catalog!(
    /// The catalog of the ES-003 entry report readers (R).
    EntryReading,
    "reading ES-003 entry reports (capekit plan)"
);

/// A rule of the claim file readers.
pub type ClaimReaderRule = Rule<ClaimReading>;
/// A rule of the entry report readers.
pub type EntryReaderRule = Rule<EntryReading>;

const ACE_EXPORT: &str = "ACE Reports, ES-003 \"Entry Summary Line Tariff Details\"";

/// C001: a row's entry number cannot be read.
pub static UNREADABLE_ENTRY_NUMBER: ClaimReaderRule = Rule {
    code: "C001",
    name: "unreadable-entry-number",
    title: "a row's entry number cannot be read",
    kind: ClaimReading {
        severity: Severity::Error,
    },
    doc: RuleDoc {
        what: "The entry number cell of a Claim Details, Validation Result File or corrected-list row is not a valid entry number (wrong length, check digit, or spreadsheet damage such as `6.05761E+10`).",
        why: "capekit cannot tell which entry the row speaks of, so it cannot triage it; the row is left out and counted, never dropped silently.",
        example: "`6.05761E+10` in the ENTRY_NUMBER column of a Claim Details file opened and saved in Excel.",
        fix: "Download the file again from ACE and do not save it from Excel, or format the column as Text; for a corrected list, correct the number.",
        source: "CBP CATAIR Appendix E (entry number format)",
    },
};

/// C002: rows above the header of a claim file were skipped.
pub static CLAIM_ROWS_BEFORE_HEADER: ClaimReaderRule = Rule {
    code: "C002",
    name: "claim-rows-before-header",
    title: "rows above the header of a claim file were skipped",
    kind: ClaimReading {
        severity: Severity::Info,
    },
    doc: RuleDoc {
        what: "A Claim Details or Validation Result File whose header row is not the first: a title, a date or a filter line stands above it (as report exports and hand-saved sheets often have). capekit looks for the header in the first ten non-blank rows and skips what stands above it.",
        why: "The skipped rows hold no entries; saying so keeps every row of the file accounted for.",
        example: "`Claim Details Report` on line 1, the header `ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION` on line 3.",
        fix: "Nothing, if the skipped rows are a title; if they hold entries, put the header first.",
        source: "capekit reader of Claim Details (CBP publishes no column list: CBP, \"ACE Portal: CAPE Declarations\" quick reference guide, April 2026)",
    },
};

/// C003: sheets of a claim workbook without a claim table were not read.
pub static SHEETS_NOT_READ: ClaimReaderRule = Rule {
    code: "C003",
    name: "sheets-not-read",
    title: "sheets of a claim workbook without a claim table were not read",
    kind: ClaimReading {
        severity: Severity::Info,
    },
    doc: RuleDoc {
        what: "A Claim Details or Validation Result workbook with several sheets, some of which have no entry and status (or error) columns: a summary, notes, a pivot.",
        why: "Every sheet is looked at, so that a claim saved on its second sheet, or split over two, loses no entry; the sheets that hold no claim table are named so that nothing is skipped unsaid.",
        example: "A workbook with a `Summary` sheet first and the claim rows on `Claim Details`.",
        fix: "Nothing, if the named sheets hold no entries; if one does, give it the entry number and status columns.",
        source: "capekit reader of Claim Details (CBP publishes no column list: CBP, \"ACE Portal: CAPE Declarations\" quick reference guide, April 2026)",
    },
};

/// C004: a file without a claim number column is read as a Validation Result File.
pub static READ_AS_VALIDATION_RESULT: ClaimReaderRule = Rule {
    code: "C004",
    name: "read-as-validation-result",
    title: "a file without a claim number column is read as a Validation Result File",
    kind: ClaimReading {
        severity: Severity::Info,
    },
    doc: RuleDoc {
        what: "A claim file with entry and status or error columns but no claim number column. Claim Details carry the claim number; a Validation Result File (File Uploads) does not.",
        why: "A Validation Result File never proves acceptance: its rows without an error passed file checks only. Reading a claimless file as one means no entry is taken for accepted on its word, and none is refiled while its claim may still come.",
        example: "`Entry Number,Status,Error Message` with no `Claim Number` column.",
        fix: "For a Validation Result File, nothing. For a Claim Details, download it again from Claim Status with its claim number column, and triage that.",
        source: "CBP, \"ACE Portal: CAPE Declarations\" quick reference guide (April 2026): File Uploads and Claim Status",
    },
};

/// C005: a row without an entry number carries a message about the whole file.
pub static MESSAGE_WITHOUT_ENTRY: ClaimReaderRule = Rule {
    code: "C005",
    name: "message-without-entry",
    title: "a row without an entry number carries a message about the whole file",
    kind: ClaimReading {
        severity: Severity::Info,
    },
    doc: RuleDoc {
        what: "A row of a Validation Result File (or Claim Details) whose entry number cell is empty while its message cell is not.",
        why: "A failed upload may state its file-level error (FAILED INITIAL VALIDATION, NOT A CSV FILE) on such a row, naming no entry: that message decides that none of the upload's entries was filed, so it is read, not dropped.",
        example: "`,FAILED INITIAL VALIDATION` as the first data row of a Validation Result File.",
        fix: "Nothing: capekit reads the message. A file-level error makes the whole upload `not-filed`.",
        source: "CBP, \"ACE Portal: CAPE Declarations\" quick reference guide (April 2026): file-level rules",
    },
};

/// C006: a claim date cell cannot be read as a date.
pub static CLAIM_DATE_UNREADABLE: ClaimReaderRule = Rule {
    code: "C006",
    name: "claim-date-unreadable",
    title: "a claim date cell cannot be read as a date",
    kind: ClaimReading {
        severity: Severity::Warning,
    },
    doc: RuleDoc {
        what: "A Claim Details with a claim date column (`Claim Date`, `Date Submitted`, `Processed Date`...) whose cell is not a date capekit reads: MM/DD/YYYY, M/D/YY or YYYY-MM-DD, a time of day allowed after it.",
        why: "The ledger answers with a claim the declaration uploaded last on or before the claim's date, so that an older claim read late never releases entries pending on a later upload. A claim without a readable date is read the safe way: when several uploads hold its entries it answers the earliest and the later ones keep their entries pending, and the import says so.",
        example: "`Claim Date` holding `45627` (an Excel date that lost its format) or `Nov 2`.",
        fix: "Download the Claim Details again from ACE (Claim Status), or format the column as a date, and import it again; or name the declaration it answers with `capekit ledger import CLAIM --declaration FILE`.",
        source: "capekit reader of Claim Details (CBP publishes no column list: CBP, \"ACE Portal: CAPE Declarations\" quick reference guide, April 2026)",
    },
};

/// C007: a claim file has its header but no rows.
pub static CLAIM_FILE_WITHOUT_ROWS: ClaimReaderRule = Rule {
    code: "C007",
    name: "claim-file-without-rows",
    title: "a claim file has its header but no rows",
    kind: ClaimReading {
        severity: Severity::Warning,
    },
    doc: RuleDoc {
        what: "A Claim Details or Validation Result File whose columns map but that holds no row below its header.",
        why: "A claim lists at least one entry. A file without rows is a download that stopped, a filter left on in Excel, or the wrong claim: its entries are in none of the files read, so with `--declaration` they show as missing, and without it nothing shows at all.",
        example: "`Entry Number,Claim Number,Status,Error Description` and nothing below it.",
        fix: "Download the Claim Details again from ACE (Claim Status > claim > Claim Details), clear any Excel filter before saving, and triage it again.",
        source: "CBP, \"ACE Portal: CAPE Declarations\" quick reference guide (April 2026): Claim Status and Claim Details",
    },
};

/// C008: a column of a claim file that looks like one capekit reads was not read.
pub static CLAIM_COLUMN_NOT_READ: ClaimReaderRule = Rule {
    code: "C008",
    name: "claim-column-not-read",
    title: "a column of a claim file that looks like one capekit reads was not read",
    kind: ClaimReading {
        severity: Severity::Warning,
    },
    doc: RuleDoc {
        what: "A header of a Claim Details or Validation Result File that names a status, a message or an entry number but is not read: a second column of a kind already read (only the first is used), or a status column under a name capekit does not know (`Entry Level Status`, `Line Outcome`...).",
        why: "An entry's outcome is read from its own status column when there is one, else from the claim's: a status column left unread can turn accepted rows into rejected ones or the reverse, so it is named, never passed over in silence. Two entry number columns that disagree on a row refuse the file: capekit cannot tell which entry the row answers.",
        example: "`Claim Number,Claim Status,Entry Number,Entry Level Status,Error Description`: `Entry Level Status` is named, and read as the entry-level status when it is the only such column.",
        fix: "Rename the column to `Entry Status` if it holds each entry's status, or delete the column that should not be used, and triage the file again.",
        source: "capekit reader of Claim Details (CBP publishes no column list: CBP, \"ACE Portal: CAPE Declarations\" quick reference guide, April 2026)",
    },
};

/// C009: a claim number that Excel turned into a number in scientific notation.
pub static CLAIM_NUMBER_MANGLED: ClaimReaderRule = Rule {
    code: "C009",
    name: "claim-number-mangled",
    title: "a claim number that Excel turned into a number in scientific notation",
    kind: ClaimReading {
        severity: Severity::Warning,
    },
    doc: RuleDoc {
        what: "A claim number cell reads like `1.00001E+11`: a spreadsheet stored the 12-digit claim number as a number and shows it rounded, in scientific notation.",
        why: "Its digits are lost: two claims can round to the same text, and a claim recorded under it would never match the claim in ACE. capekit does not use it: the rows are read as the claim of their file, named `(claim number lost) FILE`, and their entries are triaged as usual.",
        example: "`Claim Number` `1.00001E+11` in a Claim Details opened and saved in Excel.",
        fix: "Download the Claim Details again from ACE (Claim Status > claim > Claim Details) and triage it as downloaded, or format the claim number column as text before saving.",
        source: "capekit reader of Claim Details (claim numbers as ACE shows them on Claim Status: CBP, \"ACE Portal: CAPE Declarations\" quick reference guide, April 2026)",
    },
};

/// Rules of the Claim Details, Validation Result File and entry-list readers.
pub static CLAIM_READER_RULES: &[&ClaimReaderRule] = &[
    &UNREADABLE_ENTRY_NUMBER,
    &CLAIM_ROWS_BEFORE_HEADER,
    &SHEETS_NOT_READ,
    &READ_AS_VALIDATION_RESULT,
    &MESSAGE_WITHOUT_ENTRY,
    &CLAIM_DATE_UNREADABLE,
    &CLAIM_FILE_WITHOUT_ROWS,
    &CLAIM_COLUMN_NOT_READ,
    &CLAIM_NUMBER_MANGLED,
];

macro_rules! reader_rule {
    ($code:literal, $name:literal, $sev:ident, $title:literal, what: $what:expr, why: $why:expr,
     example: $ex:expr, fix: $fix:expr, source: $src:expr $(,)?) => {
        Rule {
            code: $code,
            name: $name,
            title: $title,
            kind: EntryReading {
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

/// R001: a row's entry number cannot be read.
pub static ENTRY_DATA_UNREADABLE_ENTRY_NUMBER: EntryReaderRule = reader_rule!("R001", "entry-data-unreadable-entry-number", Error, "a row's entry number cannot be read",
        what: "The entry number cell is empty or not a valid entry number: wrong length, wrong \
check digit, or spreadsheet damage such as `6.05761E+10` or a lost leading zero.",
        why: "capekit cannot tell which entry the row belongs to, so the row is left out (and \
counted as dropped). Its duty may be missing from an entry's total.",
        example: "`6.05761E+10` in `Entry Summary Number`; an empty cell on a report's total row.",
        fix: "Export the report again without opening it in Excel, or format the column as Text; \
correct mistyped numbers from ACE. Delete total and footer rows.",
        source: "CBP CATAIR Appendix E (entry number format)");

/// R002: an amount cannot be read.
pub static BAD_AMOUNT: EntryReaderRule = reader_rule!("R002", "bad-amount", Warning, "an amount cannot be read",
        what: "A duty or goods value cell on a Chapter 99 line is not an amount in dollars and \
cents. Accepted: `$1,234.00`, `1234`, `-12.5`, `(12.00)` (negative).",
        why: "The amount decides whether an entry paid IEEPA duty and whether a goods value sits \
on an IEEPA line. It is treated as unknown: the entry is never judged not refundable because of \
it.",
        example: "`$12.3.4` or `1.2E+3` in `Line Tariff Duty Amount`.",
        fix: "Correct the cell (or export again from ACE) and read the file again.",
        source: ACE_EXPORT);

/// R003: a date cannot be read.
pub static BAD_DATE: EntryReaderRule = reader_rule!("R003", "bad-date", Warning, "a date cannot be read",
        what: "A date cell (entry, entry summary or liquidation date) is not a date as \
`MM/DD/YYYY`, `M/D/YYYY` or `YYYY-MM-DD` (a time of day after it is ignored), or names a day that \
does not exist.",
        why: "Dates decide the IEEPA period, the PSC window and the CAPE, protest and court \
deadlines. The date is treated as missing, and the decision says so.",
        example: "`02/30/2026`, or `46082` (an Excel date that lost its format).",
        fix: "Correct the cell, or format the column as a date in Excel, and read the file again.",
        source: ACE_EXPORT);

/// R004: an entry has two different values for one column.
pub static CONFLICTING_VALUES: EntryReaderRule = reader_rule!("R004", "conflicting-values", Warning, "an entry has two different values for one column",
        what: "Rows of the same entry disagree on a value that belongs to the whole entry: \
importer, entry type, entry or liquidation date, statuses, protest number.",
        why: "Only one can be right, and deadlines depend on some of them. The first value is \
kept; the finding names both lines.",
        example: "`Liquidation Date` 03/01/2026 on line 3 and 04/01/2026 on line 9 for the same \
entry.",
        fix: "Check the entry in ACE and correct the export (or merge the two reports it came \
from).",
        source: ACE_EXPORT);

/// R005: the file has no entry number column.
pub static MISSING_ENTRY_COLUMN: EntryReaderRule = reader_rule!("R005", "missing-entry-column", Error, "the file has no entry number column",
        what: "None of the first 20 non-blank rows holds a header for the entry number \
(`Entry Summary Number`, `Entry Number`, `ENTRY_NUMBER`, `Entry No`, ...).",
        why: "Without it no row can be given to an entry; the file is refused, naming the columns \
it has.",
        example: "A file whose header is `Entry,Amount` split over two cells, or a report saved \
without headers.",
        fix: "Export ES-003 again with its header row, or add the header `Entry Number` above the \
entry numbers.",
        source: ACE_EXPORT);

/// R006: an HTS number cannot be read.
pub static UNREADABLE_HTS: EntryReaderRule = reader_rule!("R006", "unreadable-hts", Warning, "an HTS number cannot be read",
        what: "The HTS cell holds something other than 4 to 10 digits with optional dots, spaces \
or dashes.",
        why: "The HTS number tells IEEPA lines (9903.01.xx, 9903.02.xx) from the others; an \
unreadable one is not counted as IEEPA, and the entry is not judged not refundable because of it.",
        example: "`9.90301E+09` (Excel's scientific notation) or `N/A`.",
        fix: "Format the column as Text and export again, or correct the cell.",
        source: ACE_EXPORT);

/// R007: an entry type cannot be read.
pub static UNREADABLE_ENTRY_TYPE: EntryReaderRule = reader_rule!("R007", "unreadable-entry-type", Warning, "an entry type cannot be read",
        what: "The entry type cell is not a one- or two-digit code (optionally followed by its \
description).",
        why: "Entry types 08, 09 and 47 are excluded from CAPE phase 1; with the type unknown \
that check cannot be made.",
        example: "`Consumption` instead of `01`.",
        fix: "Correct the cell to the two-digit code.",
        source: ACE_EXPORT);

/// R008: two columns map to the same field.
pub static DUPLICATE_COLUMN: EntryReaderRule = reader_rule!("R008", "duplicate-column", Warning, "two columns map to the same field",
        what: "Two headers read as the same field, e.g. `Entry Number` and `Entry Summary \
Number`.",
        why: "Only the first is used; if the other holds the right values the result is wrong.",
        example: "Headers `HTS`, `HTS Number - Full`.",
        fix: "Delete or rename the column that should not be used.",
        source: ACE_EXPORT);

/// R009: rows above the header were skipped.
pub static ROWS_BEFORE_HEADER: EntryReaderRule = reader_rule!("R009", "rows-before-header", Info, "rows above the header were skipped",
        what: "Non-blank rows above the header row, such as a report title or run date.",
        why: "They are not data; they are skipped and reported so that nothing goes unseen.",
        example: "`Entry Summary Line Tariff Details` on line 1, header on line 3.",
        fix: "Nothing, if they are a title. If they are data, the header row is in the wrong place.",
        source: ACE_EXPORT);

/// R010: more findings of one rule than are listed.
pub static FINDINGS_CAPPED: EntryReaderRule = reader_rule!("R010", "findings-capped", Info, "more findings of one rule than are listed",
        what: "More than 1,000 findings of one rule in one file.",
        why: "Listing millions of identical findings helps nobody and could exhaust memory; they \
are counted instead.",
        example: "Every row of a 2-million-row file with `6.05761E+10` entry numbers.",
        fix: "Fix the cause shown by the listed findings (usually a column Excel converted) and \
read the file again.",
        source: "capekit's own limit: the first 1,000 findings of one rule in a file are listed, the rest counted (this rule's documentation, `capekit explain`)");

/// R011: an entry appears in two of the files read together.
pub static ENTRY_IN_TWO_FILES: EntryReaderRule = reader_rule!("R011", "entry-in-two-files", Warning, "an entry appears in two of the files read together",
        what: "The same entry number appears in two files given to one `capekit plan` (two ES-003 \
exports that overlap, or an ES-003 and an entry list).",
        why: "An entry has one path and one set of deadlines; adding both files' rows up would \
double its IEEPA duty and could mix two liquidation dates. While the files agree on the entry's \
facts it is taken from the first file named. When they disagree (liquidation status or date, \
entry type, importer, protest, flags, IEEPA duty), it is taken from the file of newer data (the \
export's run date in its title row, else the file's date), and it is not declared on conflicting \
data: the plan sends it to review, naming both files and both readings. The other file's rows \
for it are left out of the plan.",
        example: "`B76-0324527-8` on line 2 of `es003-march.csv` and on line 40 of \
`es003-q1.csv`.",
        fix: "Nothing, if the exports overlap by design. If they disagree, check the entry in ACE; \
drop the older file, or export ES-003 again, and run again.",
        source: ACE_EXPORT);

/// R012: a negative duty on an IEEPA line.
pub static NEGATIVE_IEEPA_DUTY: EntryReaderRule = reader_rule!("R012", "negative-ieepa-duty", Warning, "a negative duty on an IEEPA line",
        what: "The duty cell of a 9903.01.xx or 9903.02.xx line holds a negative amount: \
`($740.00)` (accounting style), `-740.00`, `$(740.00)`.",
        why: "An entry summary line does not carry negative duty; the value is a correction, a \
refund already made, or an export that wrote a credit as a line. It is not added to the entry's \
IEEPA duty nor read as an exemption: the plan sends the entry to review (P038), never to a \
declaration and never to not refundable.",
        example: "`($740.00)` in `Line Tariff Duty Amount` on 9903.01.25.",
        fix: "Look the entry summary up in ACE; correct the export to the duty deposited, or \
leave the entry out if the IEEPA duty was already refunded.",
        source: ACE_EXPORT);

/// R013: ACE's report-total row was skipped.
pub static REPORT_TOTAL_ROW: EntryReaderRule = reader_rule!("R013", "report-total-row", Info, "ACE's report-total row was skipped",
        what: "A row whose entry number cell is not an entry number and whose first filled cell \
reads `Report Total`, `Grand Total` or `Total` (with or without a colon): the footer ACE Reports \
writes under an export, summing its amount columns.",
        why: "It is no entry, and its sums are not an entry's duty: read as one it would be an \
unreadable entry number on every export (R001) or, worse, add the whole report's duty again. It \
is skipped, and said once, with its line.",
        example: "`Report Total:,,,,,$1,234,567.89` as the last line of an ES-003 export.",
        fix: "Nothing.",
        source: ACE_EXPORT);

/// R014: an importer cell holds a placeholder, not an importer number.
pub static PLACEHOLDER_IMPORTER_NUMBER: EntryReaderRule = reader_rule!("R014", "placeholder-importer-number", Warning, "an importer cell holds no importer number",
        what: "The importer number cell holds a placeholder rather than a number: a word such as \
`N/A`, `NONE`, `UNKNOWN` or `TBD`, only punctuation such as `-` or `?`, or a number whose digits \
are all zero such as `0` or `00-000000000`.",
        why: "CAPE matches the declaring account to the importer of record. A placeholder read as \
an importer would put the entry on a declaration of its own, named after the placeholder, that \
CBP cannot match. It is read as no importer number: the entry stays on the worklist, never on a \
declaration, until the cell is corrected.",
        example: "`N/A` or `00-000000000` in `Importer Number`.",
        fix: "Look the entry up in ACE and write the importer of record number into the cell \
(an IRS number, a CBP-assigned number or an SSN-style number, as ACE shows it), then read the \
file again.",
        source: ACE_EXPORT);

/// R015: a yes/no flag cell holds a value capekit cannot read as yes or no.
pub static UNREADABLE_FLAG: EntryReaderRule = reader_rule!("R015", "unreadable-flag", Warning, "a yes/no flag cannot be read as yes or no",
        what: "A drawback, reconciliation or AD/CVD cell holds something capekit cannot read as \
yes or no. Read as no: blank, `N`, `No`, `0`, `False`, `N/A`, `NA`, `None`, `Not Applicable`, \
`Not Flagged`, `No Drawback`, `No Recon` (any case, punctuation aside). Read as yes: `Y`, `Yes`, \
`1`, `True`, `X`, `Flagged`, an issue code such as `001`, or a claim or case number such as \
`DBK-2026-0001` or `A-570-967`. In the AD/CVD column, `Suspended` and `Pending Liquidation` \
are read as the statuses they are.",
        why: "CBP rejects drawback-linked entries in CAPE phase 1 and takes reconciliation-flagged \
and AD/CVD entries only in some cases: a flag read the wrong way either loses a refund (an entry \
held back as drawback-linked that is not) or gets the entry rejected. It is read neither as yes \
nor as no: the entry is not declared (the plan sends it to review) until the cell is corrected.",
        example: "`Maybe` or `See notes` in `Drawback Indicator`.",
        fix: "Write `Y` or `N` (or the drawback claim or AD/CVD case number) into the cell, as ACE \
shows the entry, and read the file again.",
        source: ACE_EXPORT);

/// R016: columns of the file that capekit does not read.
pub static COLUMNS_NOT_READ: EntryReaderRule = reader_rule!("R016", "columns-not-read", Warning, "columns of the file that capekit does not read",
        what: "Headers of an ES-003 export or entry list that name no column capekit reads, said \
once per file with the list: columns no decision needs (`Country of Origin Code`, `Entry Summary \
Line Number`), and columns capekit would read under another name. When a column a decision needs \
is not found (`HTS Number - Full`, `Line Tariff Duty Amount`, `Entry Date`, `Liquidation \
Date`...), the finding names it beside the columns left unread.",
        why: "A column passed over in silence can hide what decides an entry: a liquidation reason \
36 (refunded through CAPE), a drawback claim number or an AD/CVD case number under a header \
capekit does not know would leave an entry to be declared again, or declared when CBP rejects it.",
        example: "`Drawback Claim Num.` or `Liq. Reason (36=CAPE)` as a header, or `Country of Origin \
Code`.",
        fix: "Nothing, for columns no decision needs. If one holds a column capekit reads, rename \
its header to the ACE name (`Liquidation Reason Code`, `Drawback Indicator`, `ADCVD Status`, \
`HTS Number - Full`, `Line Tariff Duty Amount`...) and read the file again.",
        source: ACE_EXPORT);

/// Rules of the ES-003 / entry-list reader, in code order. Codes are append-only.
pub static ENTRY_READER_RULES: &[&EntryReaderRule] = &[
    &ENTRY_DATA_UNREADABLE_ENTRY_NUMBER,
    &BAD_AMOUNT,
    &BAD_DATE,
    &CONFLICTING_VALUES,
    &MISSING_ENTRY_COLUMN,
    &UNREADABLE_HTS,
    &UNREADABLE_ENTRY_TYPE,
    &DUPLICATE_COLUMN,
    &ROWS_BEFORE_HEADER,
    &FINDINGS_CAPPED,
    &ENTRY_IN_TWO_FILES,
    &NEGATIVE_IEEPA_DUTY,
    &REPORT_TOTAL_ROW,
    &PLACEHOLDER_IMPORTER_NUMBER,
    &UNREADABLE_FLAG,
    &COLUMNS_NOT_READ,
];

/// The claim reader rule with this code (case-insensitive), for a code read from elsewhere.
pub fn claim_reader_rule(code: &str) -> Option<&'static ClaimReaderRule> {
    crate::rules::by_code(CLAIM_READER_RULES, code)
}

/// The entry report reader rule with this code (case-insensitive), for a code read from
/// elsewhere.
pub fn entry_reader_rule(code: &str) -> Option<&'static EntryReaderRule> {
    crate::rules::by_code(ENTRY_READER_RULES, code)
}

/// At most this many diagnostics of one rule are listed; the rest are counted (rule R010), so
/// that a file whose every row has the same fault cannot exhaust memory.
pub const MAX_DIAGNOSTICS_PER_RULE: usize = 1_000;
