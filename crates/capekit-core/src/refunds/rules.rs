//! The two refund catalogs: what the readers of ACE's refund reports find in a row (D), and
//! where an accepted entry's refund stands (T). Documented like every other catalog, so that
//! `capekit explain T002` answers and the README lists them.

use crate::diag::Severity;
use crate::rules::Rule;

crate::rules::findings_catalog!(
    /// The catalog of the refund report readers (D).
    RefundReading,
    "reading ACE refund reports (capekit refunds)"
);

crate::rules::findings_catalog!(
    /// The catalog of where an accepted entry's refund stands (T).
    RefundState,
    "refund reconciliation (capekit refunds)"
);

/// A rule of the refund report readers.
pub type RefundReaderRule = Rule<RefundReading>;
/// A refund state.
pub type RefundStateRule = Rule<RefundState>;
const REPORTS: &str = "CSMS 68536553 (2026-05-04): ACE reports ES-022 CAPE Entry Summary, REV-603 Trade Refund, REV-613 ACH Rejected Refunds, REV-615 CAPE Details Refunds";

macro_rules! rule {
    ($catalog:ident, $code:literal, $name:literal, $sev:ident, $title:literal, what: $what:expr,
     why: $why:expr, example: $ex:expr, fix: $fix:expr, source: $src:expr $(,)?) => {
        Rule {
            code: $code,
            name: $name,
            title: $title,
            kind: $catalog {
                severity: Severity::$sev,
            },
            doc: crate::doc::RuleDoc {
                what: $what,
                why: $why,
                example: $ex,
                fix: $fix,
                source: $src,
            },
        }
    };
}

/// D001: a refund row's entry number cannot be read.
pub static REFUND_UNREADABLE_ENTRY_NUMBER: RefundReaderRule = rule!(RefundReading, "D001", "refund-unreadable-entry-number", Error,
        "a refund row's entry number cannot be read",
        what: "The entry number cell of a refund report row is not a valid entry number (wrong \
length or check digit, or spreadsheet damage such as `6.05761E+10`).",
        why: "capekit cannot tell which entry the refund belongs to. The row is left out and \
counted, never dropped silently; its money is missing from that entry until the report is read \
again.",
        example: "`6.05761E+10` in `Entry Number` of a REV-615 opened and saved in Excel.",
        fix: "Run the report again in ACE Reports and do not save it from Excel, or format the \
column as Text.",
        source: "CBP CATAIR Appendix E (entry number format)");

/// D002: a refund amount cannot be read.
pub static REFUND_BAD_AMOUNT: RefundReaderRule = rule!(RefundReading, "D002", "refund-bad-amount", Warning, "a refund amount cannot be read",
        what: "A principal or interest cell is not an amount in dollars and cents (`$1,234.56`, \
`1234.56`).",
        why: "The amount is taken as unknown, not as zero: a refund is never judged short because \
a cell could not be read.",
        example: "`$12.3.4` or `1.2E+3` in `Interest Amount`.",
        fix: "Correct the cell, or run the report again, and read it again.",
        source: REPORTS);

/// D003: a refund amount is negative.
pub static NEGATIVE_REFUND_AMOUNT: RefundReaderRule = rule!(RefundReading, "D003", "negative-refund-amount", Warning,
        "a refund amount is negative",
        what: "A principal or interest cell written as a negative amount: `(1,234.56)` as \
accounting exports write it, or `-1,234.56`.",
        why: "A refund is money CBP pays; a negative one is a reversal, a bill or a correction, \
and capekit cannot tell which. It is kept as written (negative) and the entry goes to review, \
never silently added as a payment or a debit.",
        example: "`(1,234.56)` in `Refund Amount`.",
        fix: "Ask CBP (the CAPE refund help desk, or the port that liquidated the entry) what the \
negative amount is; a bill issued on reliquidation is paid or protested (19 USC 1514).",
        source: REPORTS);

/// D004: a refund date cannot be read.
pub static REFUND_BAD_DATE: RefundReaderRule = rule!(RefundReading, "D004", "refund-bad-date", Warning, "a refund date cannot be read",
        what: "A date cell (deposit, liquidation, reliquidation, refund or status date) is not a \
date as `MM/DD/YYYY`, `YYYY-MM-DD` or an Excel date serial of a day from 1990 to 2100.",
        why: "Dates decide the 30-day refund clock, the 180-day protest date and the interest. \
The date is taken as unknown, and what depends on it says so.",
        example: "`02/30/2026`, or `1234567` in `Refund Date`.",
        fix: "Correct the cell, or format the column as a date, and read the report again.",
        source: REPORTS);

/// D005: a refund status is none of ACE's four.
pub static UNKNOWN_REFUND_STATUS: RefundReaderRule = rule!(RefundReading, "D005", "unknown-refund-status", Warning,
        "a refund status is none of ACE's four",
        what: "A status cell holds something other than `Sent to Treasury`, `Treasury Issued`, \
`Funds Diverted` or `Check/ACH Returned` (case, spaces and punctuation aside).",
        why: "REV-603 gives each declaration exactly one of these four. Any other value may be a \
new status or a damaged cell: the refund is kept, counted as not yet received, and its entries \
go to review with the value as written.",
        example: "`Pending Review` in `Refund Secondary Status`.",
        fix: "Look the declaration up in ACE (Reports > REV-603) and ask CBP what the status \
means.",
        source: REPORTS);

/// D006: rows above a refund report's header were skipped.
pub static REFUND_ROWS_BEFORE_HEADER: RefundReaderRule = rule!(RefundReading, "D006", "refund-rows-before-header", Info,
        "rows above a refund report's header were skipped",
        what: "Non-blank rows above the header row: the report title, the run date, filters.",
        why: "They hold no refunds; they are skipped and reported so that nothing goes unseen. A \
title naming the report (`REV-615`, `CAPE Details Refunds`) tells which report it is.",
        example: "`REV-615 CAPE Details Refunds` on line 1, the header on line 3.",
        fix: "Nothing, if they are a title.",
        source: REPORTS);

/// D007: two columns of a refund report map to the same field.
pub static REFUND_DUPLICATE_COLUMN: RefundReaderRule = rule!(RefundReading, "D007", "refund-duplicate-column", Warning,
        "two columns of a refund report map to the same field",
        what: "Two headers read as the same field, e.g. `Refund Amount` and `Principal Amount`.",
        why: "Only the first is used; if the other holds the right values the result is wrong.",
        example: "Headers `Entry Number` and `Entry Summary Number` in one REV-615.",
        fix: "Delete or rename the column that should not be used, and read the report again.",
        source: REPORTS);

/// D008: a refund row names no entry, declaration or refund.
pub static REFUND_ROW_WITHOUT_KEY: RefundReaderRule = rule!(RefundReading, "D008", "refund-row-without-key", Warning,
        "a refund row names no entry, declaration or refund",
        what: "A data row whose entry, declaration and refund number cells are all empty while \
other cells are not: a total or footer line, or a row cut from its keys.",
        why: "Its money cannot be given to any entry or declaration; it is left out and named, \
so that a total line is not counted twice and a real refund is not lost unseen.",
        example: "`Total,,,$12,345.67` at the foot of a REV-615.",
        fix: "Nothing, for a total line. Otherwise fill in the entry or declaration number.",
        source: REPORTS);

/// D009: a refund report's columns cannot be mapped.
pub static REFUND_COLUMNS_UNMAPPED: RefundReaderRule = rule!(RefundReading, "D009", "refund-columns-unmapped", Error,
        "a refund report's columns cannot be mapped",
        what: "A file with refund columns (refund number, principal, interest, refund status) \
but no entry number or declaration number column, or a REV-603 without its status column: \
capekit cannot tell whose refund a row is, or where it stands.",
        why: "CBP publishes no column list of these reports, so capekit maps headers tolerantly; \
what it cannot map it refuses whole, naming the columns found, rather than reading half of it.",
        example: "`Refund Number,Refund Amount,Interest Amount` with no entry or declaration \
column.",
        fix: "Run the report again in ACE Reports with its entry or declaration number column, or \
rename the column to `Entry Number` or `Declaration Number`.",
        source: REPORTS);

/// D010: a `Payment Date` column of a refund report is not read.
pub static AMBIGUOUS_PAYMENT_DATE: RefundReaderRule = rule!(RefundReading, "D010", "ambiguous-payment-date", Info,
        "a `Payment Date` column of a refund report is not read",
        what: "A column headed `Payment Date` (or `Paid Date`) in a refund report.",
        why: "Interest runs from the deposit of the duty (19 USC 1505(c)). In a refund report a \
payment date may be that deposit or the refund's own payment, and reading the wrong one moves \
the interest by months; capekit does not guess and estimates interest from the entry summary \
date, saying so.",
        example: "`Payment Date` beside `Refund Amount` in an ES-022.",
        fix: "If the column is the day the duty was paid, rename it `Deposit Date` and read the \
report again.",
        source: "19 USC 1505(c) (interest from the date of deposit)");

/// D011: more findings of one rule than are listed.
pub static REFUND_FINDINGS_CAPPED: RefundReaderRule = rule!(RefundReading, "D011", "refund-findings-capped", Info,
        "more findings of one rule than are listed",
        what: "More than 1,000 findings of one rule in one refund report.",
        why: "Listing millions of identical findings helps nobody; the rest are counted.",
        example: "Every row of a REV-615 with `6.05761E+10` entry numbers.",
        fix: "Fix the cause shown by the listed findings and read the report again.",
        source: "capekit's own limit: the first 1,000 findings of one rule in a file are listed, the rest counted (this rule's documentation, `capekit explain`)");

/// D012: a sheet of a refund workbook is not read.
pub static REFUND_SHEET_NOT_READ: RefundReaderRule = rule!(RefundReading, "D012", "refund-sheet-not-read", Warning,
        "a sheet of a refund workbook is not read",
        what: "A workbook with more than one sheet: the first sheet that is a refund report is \
read, and every other sheet is named - one that is a refund report too as a warning.",
        why: "One file is recorded as one report. A second report on another sheet (ES-022 then \
REV-603) would otherwise be passed over without a word, and its refunds and statuses missing.",
        example: "`refunds.xlsx` with sheets `ES-022` and `REV-603`.",
        fix: "Save each sheet that is a report as a file of its own (File > Save As > CSV) and \
read them together.",
        source: REPORTS);

/// Findings of the refund report readers, in code order. Codes are append-only.
pub static REFUND_READER_RULES: &[&RefundReaderRule] = &[
    &REFUND_UNREADABLE_ENTRY_NUMBER,
    &REFUND_BAD_AMOUNT,
    &NEGATIVE_REFUND_AMOUNT,
    &REFUND_BAD_DATE,
    &UNKNOWN_REFUND_STATUS,
    &REFUND_ROWS_BEFORE_HEADER,
    &REFUND_DUPLICATE_COLUMN,
    &REFUND_ROW_WITHOUT_KEY,
    &REFUND_COLUMNS_UNMAPPED,
    &AMBIGUOUS_PAYMENT_DATE,
    &REFUND_FINDINGS_CAPPED,
    &REFUND_SHEET_NOT_READ,
];

/// T001: accepted, but not liquidated 60 days later.
pub static LIQUIDATION_OVERDUE: RefundStateRule = rule!(RefundState, "T001", "liquidation-overdue", Warning,
        "accepted, but not liquidated 60 days later",
        what: "An entry accepted in CAPE more than 60 days ago with no liquidation or \
reliquidation since in the kept entry data or any refund report, and no extension or \
suspension shown.",
        why: "CBP liquidates or reliquidates an accepted entry about 45 days after acceptance; \
the refund follows within 30 days of that. Past 60 days something may be holding the entry.",
        example: "Accepted on claim 100000241223 by 2026-05-01; on 2026-07-15 ES-003 still shows \
it unliquidated and no refund report names it.",
        fix: "Look the entry up in ACE (ES-003, ES-701 liquidation notices); if it is still \
unliquidated, ask CBP through the CAPE help channel why, naming the claim.",
        source: "CBP, \"ACE Portal: CAPE Declarations\" quick reference guide (April 2026); CSMS \
68536553 (2026-05-04)");

/// T002: liquidated, and no refund paid 30 days later.
pub static REFUND_OVERDUE: RefundStateRule = rule!(RefundState, "T002", "refund-overdue", Warning,
        "liquidated, and no refund paid 30 days later",
        what: "An entry liquidated or reliquidated more than 30 days ago with no refund shown \
sent to Treasury or issued, diverted or held.",
        why: "The refund is due within 30 days of liquidation or reliquidation (19 USC 1505(b)); \
interest runs until then.",
        example: "Reliquidated 2026-06-10; on 2026-07-20 no REV-603 or REV-615 row shows its \
refund.",
        fix: "Run REV-603 and REV-615 again in ACE Reports; if the refund is still missing, ask \
CBP, naming the entry and its (re)liquidation date.",
        source: "19 USC 1505(b)");

/// T003: the refund is short of what is owed.
pub static REFUND_SHORT: RefundStateRule = rule!(RefundState, "T003", "refund-short", Warning,
        "the refund is short of what is owed",
        what: "The principal CBP refunded is more than $1.00 below the entry's IEEPA duty, or \
the interest is below the estimate by more than $1.00 or 1 % of what is owed (the larger), \
interest being compared only when the (re)liquidation date is known and every quarter's rate \
is published.",
        why: "A refund short of what is owed comes from the (re)liquidation, which can be \
protested only within 180 days of it (19 USC 1514(c)(3)); after that it is final.",
        example: "IEEPA duty $12,340.00; REV-615 shows principal $11,000.00: $1,340.00 short, \
protest due 180 days after the reliquidation.",
        fix: "Check the entry's IEEPA lines in ES-003 against the reliquidation (ES-701); if CBP \
left duty out, protest the (re)liquidation by the date shown.",
        source: "19 USC 1514(c)(3); 19 USC 1505(b), (c)");

/// T004: the refund is more than what is owed.
pub static REFUND_OVER: RefundStateRule = rule!(RefundState, "T004", "refund-over", Info,
        "the refund is more than what is owed",
        what: "The principal refunded is more than $1.00 above the entry's IEEPA duty, or the \
interest above the estimate by more than $1.00 or 1 % of what is owed.",
        why: "CBP may bill an overpayment back on a later reliquidation; knowing it early avoids \
a surprise. The interest estimate can also be the cause: it starts at the entry summary date \
when the deposit date is unknown.",
        example: "IEEPA duty $1,000.00 in the kept ES-003; REV-615 shows principal $1,500.00.",
        fix: "Check the entry's lines in ES-003: an export taken before a post-summary correction \
shows other duty. Keep the difference aside until the entry is final.",
        source: "19 USC 1505(b), (c)");

/// T005: the refund was applied to a debt.
pub static FUNDS_DIVERTED: RefundStateRule = rule!(RefundState, "T005", "funds-diverted", Warning,
        "the refund was applied to a debt",
        what: "The refund's latest status is `Funds Diverted`.",
        why: "The money was applied to a debt the importer owes (a CBP bill, or another federal \
debt through the Treasury Offset Program) instead of being paid out. The importer should know \
which debt, and contest it if it is not owed.",
        example: "REV-603 shows declaration 260512000123 `Funds Diverted`.",
        fix: "Ask CBP (Revenue Division) which debt the refund paid, with the refund number; for \
a Treasury offset, the Bureau of the Fiscal Service sends the importer a notice.",
        source: "31 USC 3716 (administrative offset); CSMS 68536553 (2026-05-04)");

/// T006: the refund came back: the importer must fix its ACH details.
pub static REFUND_RETURNED: RefundStateRule = rule!(RefundState, "T006", "refund-returned", Warning,
        "the refund came back: the importer must fix its ACH details",
        what: "The refund's latest status is `Check/ACH Returned`, or REV-613 \"ACH Rejected \
Refunds\" lists it.",
        why: "CAPE refunds go by ACH only. A returned or rejected payment stays with CBP until \
the importer's ACH refund details are right, and only the importer can enter them in its ACE \
Portal account, never the broker.",
        example: "REV-613 lists refund 26-0001234 of importer 12-3456789XX, reason `R03 No \
account`.",
        fix: "Tell the importer: log in to its ACE Portal account, enter or correct the ACH \
refund bank details, then ask CBP to reissue the refund.",
        source: "CSMS 68536553 (2026-05-04); Executive Order 14247 (2025-03-25), payments by \
electronic funds transfer");

/// T007: accepted, but what is owed is unknown.
pub static OWED_UNKNOWN: RefundStateRule = rule!(RefundState, "T007", "owed-unknown", Info,
        "accepted, but what is owed is unknown",
        what: "An accepted entry whose IEEPA duty the ledger does not know: no entry data kept \
for it, or entry data without the duty or HTS columns, or with blank duty cells on IEEPA lines.",
        why: "Without the duty, neither what is owed nor a short refund can be told; the refunds \
shown for it are counted, but not checked.",
        example: "An entry accepted on a claim whose ES-003 was never imported.",
        fix: "Import the entry's ES-003 (with `Line Tariff Duty Amount` and `HTS Number - Full`): \
`capekit ledger import es003.csv`, then run `capekit refunds` again.",
        source: "ACE Reports, ES-003 \"Entry Summary Line Tariff Details\"");

/// T008: a refund's status is not one capekit knows.
pub static REFUND_STATUS_UNKNOWN: RefundStateRule = rule!(RefundState, "T008", "refund-status-unknown", Warning,
        "a refund's status is not one capekit knows",
        what: "The latest status of a refund is a value other than ACE's four (see D005).",
        why: "Where the money is cannot be told; it is counted as not yet received, and shown \
for review with the value as written.",
        example: "`Pending Review` in REV-603.",
        fix: "Ask CBP what the status means, naming the declaration or refund number.",
        source: REPORTS);

/// T009: a refund for an entry the ledger does not have as accepted.
pub static REFUND_FOR_ENTRY_NOT_ACCEPTED: RefundStateRule = rule!(RefundState, "T009", "refund-for-entry-not-accepted", Warning,
        "a refund for an entry the ledger does not have as accepted",
        what: "A refund report names an entry that no Claim Details recorded in the ledger \
accepted.",
        why: "Either the claim was never imported, or the refund is not a CAPE refund (a protest \
or PSC refund), or the entry number is wrong. Its money is counted for its importer; what is \
owed is not checked until its acceptance is known.",
        example: "REV-615 names `B76-0324527-8`, which the ledger knows only from an ES-003.",
        fix: "Import the claim's Claim Details (`capekit ledger import`), or check the entry in \
ACE.",
        source: REPORTS);

/// T010: accepted, liquidation extended or suspended.
pub static LIQUIDATION_EXTENDED: RefundStateRule = rule!(RefundState, "T010", "liquidation-extended", Info,
        "accepted, liquidation extended or suspended",
        what: "An accepted entry not yet liquidated whose entry data shows liquidation extended \
or suspended (19 USC 1504(b)).",
        why: "An extended or suspended entry liquidates later than the usual 45 days after \
acceptance; it is not counted as overdue, and the refund waits for its liquidation.",
        example: "`Liquidation Status` `Extended` in the kept ES-003.",
        fix: "Nothing now; watch the extended date in ACE.",
        source: "19 USC 1504(b)");

/// T011: two reports give different amounts for the same refund.
pub static REFUND_REPORTS_DISAGREE: RefundStateRule = rule!(RefundState, "T011", "refund-reports-disagree", Warning,
        "two reports give different amounts for the same refund",
        what: "The same refund of the same entry (by refund number, or the same declaration) \
appears in two reports or exports with different principal or interest.",
        why: "Only one can be right; the later is used and both are shown, so that a refund is \
neither counted twice nor taken at the wrong amount unseen.",
        example: "Refund 26-0001234 of `B76-0324527-8`: $1,000.00 in ES-022, $900.00 in REV-615.",
        fix: "Run both reports again in ACE Reports; if they still disagree, ask CBP which \
holds.",
        source: REPORTS);

/// T012: a declaration's refund is known, but not its entries.
pub static DECLARATION_REFUND_WITHOUT_ENTRIES: RefundStateRule = rule!(RefundState, "T012", "declaration-refund-without-entries", Info,
        "a declaration's refund is known, but not its entries",
        what: "A REV-603 (or REV-613) row for a declaration or refund number that no \
entry-level report (ES-022, REV-615) read into the ledger links to an entry.",
        why: "Its status cannot be given to the entries it pays until an entry-level report \
names them; its amount is shown apart and not counted for any entry.",
        example: "REV-603 shows declaration 260512000123 `Treasury Issued`, and no ES-022 of that \
declaration was imported.",
        fix: "Run ES-022 or REV-615 in ACE Reports for the declaration and import it.",
        source: REPORTS);

/// T013: a refund report shows a negative amount for the entry.
pub static NEGATIVE_REFUND: RefundStateRule = rule!(RefundState, "T013", "negative-refund", Warning,
        "a refund report shows a negative amount for the entry",
        what: "An entry-level refund row whose principal or interest is negative (see D003).",
        why: "A negative amount may be a reversal or a bill; capekit cannot tell which, so the \
entry is not judged paid, short or over on it.",
        example: "`(1,234.56)` as the principal of `B76-0324527-8` in REV-615.",
        fix: "Ask CBP what the amount is; a bill issued on reliquidation is paid or protested \
within 180 days (19 USC 1514(c)(3)).",
        source: REPORTS);

/// T014: a refund's amount is unknown.
pub static REFUND_AMOUNT_UNKNOWN: RefundStateRule = rule!(RefundState, "T014", "refund-amount-unknown", Warning,
        "a refund's amount is unknown",
        what: "A refund of the entry whose principal or interest cell could not be read (see \
D002: `N/A`, `12.000,00`, a fraction of a cent, an amount beyond any entry's), or whose \
principal or interest no report gives: a blank cell, a report without the column, a status \
row without amounts. A missing amount is unknown, never $0.00.",
        why: "What the entry was paid is unknown, so it is neither judged short or over nor \
given protest advice on a figure capekit made up; its owed stays out of outstanding and the \
importer's balance names it.",
        example: "`N/A` as the `Refund Amount` of `B76-5550023-2` in REV-615.",
        fix: "Look the refund up in ACE, run the report again, and read it again.",
        source: REPORTS);

/// T015: a declaration's status cannot be tied to one refund of the entry.
pub static REFUND_STATUS_AMBIGUOUS: RefundStateRule = rule!(RefundState, "T015", "refund-status-ambiguous", Warning,
        "a declaration's status cannot be tied to one refund of the entry",
        what: "An entry-level row without refund number (REV-615 gives none) on a declaration \
whose REV-603 shows several refunds, none of the same amount as this one, or more than one.",
        why: "REV-603 gives a status per refund of a declaration. Giving one of them to this \
entry would be a guess: a diverted refund could be shown paid, or the reverse. No status is \
counted; the candidates are named.",
        example: "`B76-5550010-9` on declaration 100000241223 for $1,073.53, and REV-603 shows \
R-1001 `Treasury Issued` $1,000.00 and R-1002 `Funds Diverted` $12,744.76.",
        fix: "Run ES-022 for the declaration (it gives each entry's refund number) and read it, \
or ask CBP which refund pays the entry.",
        source: REPORTS);

/// T016: a deposit date after the (re)liquidation.
pub static DEPOSIT_AFTER_LIQUIDATION: RefundStateRule = rule!(RefundState, "T016", "deposit-after-liquidation", Warning,
        "a deposit date after the (re)liquidation",
        what: "A refund report's `Deposit Date` for the entry is after its (re)liquidation, or \
after the as-of date.",
        why: "Interest runs from the deposit of the duty to the (re)liquidation (19 USC \
1505(c)); a deposit after it is a wrong date, and interest from it would be none. It is not \
used: interest is estimated from the entry summary date.",
        example: "`11/01/2030` as the deposit of an entry liquidated on 10/01/2026.",
        fix: "Correct the date in the report (run it again in ACE), or ask CBP.",
        source: "19 USC 1505(c)");

/// T017: a refund report names another importer than the entry data.
pub static REFUND_IMPORTER_DIFFERS: RefundStateRule = rule!(RefundState, "T017", "refund-importer-differs", Warning,
        "a refund report names another importer than the entry data",
        what: "A refund report row names an importer of record number for the entry that is \
not the one of its kept ES-003 data (dashes and case aside).",
        why: "Refunds are paid per importer of record. One of the two is wrong: the refund may \
be another importer's, or the entry number mistyped. The entry stays with its ES-003 importer \
and goes to review.",
        example: "ES-022 names `12-3456789AA` for `B76-5550010-9`, whose ES-003 names \
`27-184593000`.",
        fix: "Check the entry's importer of record in ACE, and the report's entry number.",
        source: REPORTS);

/// T018: no ACH refund enrollment is known for the importer.
pub static ACH_ENROLLMENT_NOT_KNOWN: RefundStateRule = rule!(RefundState, "T018", "ach-enrollment-not-known", Warning,
        "no ACH refund enrollment is known for the importer",
        what: "An importer with accepted entries whose refunds no report shows issued by \
Treasury, and of which the user has not recorded that it is enrolled for ACH refunds \
(`capekit refunds --ach-enrolled IMPORTER`), or has recorded that it is not.",
        why: "CAPE refunds are paid by ACH only; CBP holds a refund whose importer is not \
enrolled (about $1.3 billion in 20,184 refunds were held so in September 2026, a figure \
reported but not confirmed by CBP). Only the importer can enter its ACH refund details, in its \
own ACE Portal account, never the broker. A refund issued by Treasury shows the enrollment \
works, so then nothing is said.",
        example: "Importer 27-184593000 has 120 accepted entries, no refund issued yet, and \
nothing recorded of its ACH enrollment.",
        fix: "Ask the importer to check (or enter) its ACH refund details in its ACE Portal \
account, then record the answer: `capekit refunds --ach-enrolled IMPORTER` (or \
`--not-ach-enrolled IMPORTER`).",
        source: "Executive Order 14247 (2025-03-25), federal payments by electronic funds \
transfer; CSMS 68536553 (2026-05-04)");

/// T019: the importer may be inactive for entry purposes (F875).
pub static IMPORTER_MAY_BE_INACTIVE: RefundStateRule = rule!(RefundState, "T019", "importer-may-be-inactive", Warning,
        "the importer may be inactive for entry purposes (F875)",
        what: "On or after 2026-07-16, an importer whose latest known entry is 366 days or more \
before the as-of date: the latest day the user recorded it active \
(`capekit refunds --active-on IMPORTER=DATE`), else the latest entry summary date of its entries \
in the ledger, which is only a lower bound of its activity.",
        why: "From 2026-07-16 CBP deactivates importer of record numbers with no activity for 366 \
days (`IMPORTER INACTIVE FOR ENTRY PURPOSES`, F875). A deactivated number can block the \
importer's refunds until it is active again. capekit holds this rule as probable, not \
confirmed in full, and knows the importer's activity only through the entries it was given: \
the finding is a check, not a certainty.",
        example: "Importer 27-184593000, whose latest entry in the ledger is of 2025-11-20, on \
2026-12-01 (376 days).",
        fix: "Look the importer up in ACE: if it filed an entry since, record the day \
(`capekit refunds --active-on IMPORTER=YYYY-MM-DD`); if ACE shows it inactive, ask CBP how to \
reactivate the number (an updated CBP Form 5106) before its refunds are due.",
        source: "CSMS 69268077 (importer of record numbers inactive for 366 days, from \
2026-07-16)");

/// Where an accepted entry's refund stands, in code order. Codes are append-only.
pub static REFUND_RULES: &[&RefundStateRule] = &[
    &LIQUIDATION_OVERDUE,
    &REFUND_OVERDUE,
    &REFUND_SHORT,
    &REFUND_OVER,
    &FUNDS_DIVERTED,
    &REFUND_RETURNED,
    &OWED_UNKNOWN,
    &REFUND_STATUS_UNKNOWN,
    &REFUND_FOR_ENTRY_NOT_ACCEPTED,
    &LIQUIDATION_EXTENDED,
    &REFUND_REPORTS_DISAGREE,
    &DECLARATION_REFUND_WITHOUT_ENTRIES,
    &NEGATIVE_REFUND,
    &REFUND_AMOUNT_UNKNOWN,
    &REFUND_STATUS_AMBIGUOUS,
    &DEPOSIT_AFTER_LIQUIDATION,
    &REFUND_IMPORTER_DIFFERS,
    &ACH_ENROLLMENT_NOT_KNOWN,
    &IMPORTER_MAY_BE_INACTIVE,
];

/// The refund report reader rule with this code (case-insensitive), for a code read from
/// elsewhere.
pub fn refund_reader_rule(code: &str) -> Option<&'static RefundReaderRule> {
    crate::rules::by_code(REFUND_READER_RULES, code)
}

/// The refund state with this code (case-insensitive), for a code read from elsewhere.
pub fn refund_rule(code: &str) -> Option<&'static RefundStateRule> {
    crate::rules::by_code(REFUND_RULES, code)
}
