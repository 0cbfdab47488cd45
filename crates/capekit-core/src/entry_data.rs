//! The facts of one entry that the path engine decides on: what an ACE entry report (ES-003)
//! says of it, column by column, as the readers folded its lines, and which cells were doubtful.

use std::fmt;
use std::sync::Arc;

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::check::Content;
use crate::deadline::OrderSet;
use crate::diag::Diagnostic;
use crate::entry::EntryNumber;

/// A column of an ES-003 export that a decision may need. The header names are the ones ACE
/// writes; readers also accept their aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    /// `Entry Summary Number`.
    EntryNumber,
    /// `Entry Type Code`.
    EntryType,
    /// `Importer Number`.
    ImporterNumber,
    /// `Importer Name`.
    ImporterName,
    /// `Entry Date`.
    EntryDate,
    /// `Entry Summary Date`.
    EntrySummaryDate,
    /// `HTS Number - Full`.
    Hts,
    /// `Line Tariff Goods Value Amount`.
    GoodsValue,
    /// `Line Tariff Duty Amount`.
    Duty,
    /// `Liquidation Status`.
    LiquidationStatus,
    /// `Liquidation Date`.
    LiquidationDate,
    /// `Reconciliation Indicator`.
    ReconciliationIndicator,
    /// `Reconciliation Entry Number`: the type 09 entry covering this one. Not in ES-003; a user
    /// may add it from a broker system.
    ReconciliationEntryNumber,
    /// `Control Status`.
    ControlStatus,
    /// `Protest Number`.
    ProtestNumber,
    /// `Protest Status`.
    ProtestStatus,
    /// `Drawback Indicator`: a drawback claim covers the entry. Not in ES-003; a user may add it.
    Drawback,
    /// `Protest Decision Date`: the day a protest was decided (denied or approved). Not in
    /// ES-003; a user may add it from ACE's Protest module.
    ProtestDecisionDate,
    /// `Liquidation Reason Code`: ACE's reason for the liquidation (36 = CAPE). From Entry
    /// Summary Query; a user may add it.
    LiquidationReason,
    /// `AD/CVD Status`: whether the entry is subject to antidumping or countervailing duty, and
    /// its state (suspended, pending liquidation after Commerce's instructions). Not in ES-003;
    /// a user may add it.
    AdCvd,
    /// `Port of Entry Code`.
    Port,
}

impl Column {
    /// Every column, in the order of an ES-003 export.
    pub const ALL: [Column; 21] = [
        Column::EntryNumber,
        Column::EntryType,
        Column::ImporterNumber,
        Column::ImporterName,
        Column::EntryDate,
        Column::EntrySummaryDate,
        Column::Hts,
        Column::GoodsValue,
        Column::Duty,
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

    /// The header as ACE writes it (or, for columns ES-003 lacks, as capekit names them).
    pub fn header(self) -> &'static str {
        match self {
            Self::EntryNumber => "Entry Summary Number",
            Self::EntryType => "Entry Type Code",
            Self::ImporterNumber => "Importer Number",
            Self::ImporterName => "Importer Name",
            Self::EntryDate => "Entry Date",
            Self::EntrySummaryDate => "Entry Summary Date",
            Self::Hts => "HTS Number - Full",
            Self::GoodsValue => "Line Tariff Goods Value Amount",
            Self::Duty => "Line Tariff Duty Amount",
            Self::LiquidationStatus => "Liquidation Status",
            Self::LiquidationDate => "Liquidation Date",
            Self::ReconciliationIndicator => "Reconciliation Indicator",
            Self::ReconciliationEntryNumber => "Reconciliation Entry Number",
            Self::ControlStatus => "Control Status",
            Self::ProtestNumber => "Protest Number",
            Self::ProtestStatus => "Protest Status",
            Self::Drawback => "Drawback Indicator",
            Self::ProtestDecisionDate => "Protest Decision Date",
            Self::LiquidationReason => "Liquidation Reason Code",
            Self::AdCvd => "AD/CVD Status",
            Self::Port => "Port of Entry Code",
        }
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.header())
    }
}

impl Serialize for Column {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.header())
    }
}

impl<'de> Deserialize<'de> for Column {
    /// The header [`Serialize`] writes; an unknown header is an error, not a guess.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let h = String::deserialize(deserializer)?;
        Column::ALL
            .into_iter()
            .find(|c| c.header() == h)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown column {h:?}")))
    }
}

/// A set of [`Column`]s, four bytes wide: every entry carries two, and a large ES-003 holds
/// millions of entries. Serializes as the list of headers.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ColumnSet(u32);

impl ColumnSet {
    /// The empty set.
    pub const EMPTY: ColumnSet = ColumnSet(0);

    /// Every column.
    pub fn all() -> Self {
        Column::ALL.into_iter().collect()
    }

    /// Adds a column.
    pub fn insert(&mut self, column: Column) {
        self.0 |= column.bit();
    }

    /// Removes a column.
    pub fn remove(&mut self, column: Column) {
        self.0 &= !column.bit();
    }

    /// Is the column in the set?
    pub fn contains(self, column: Column) -> bool {
        self.0 & column.bit() != 0
    }

    /// True when no column is in the set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Number of columns in the set.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The columns of `ColumnSet::all()` not in this set.
    #[must_use]
    pub fn complement(self) -> Self {
        ColumnSet(Self::all().0 & !self.0)
    }

    /// The columns, in [`Column::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Column> {
        Column::ALL.into_iter().filter(move |c| self.contains(*c))
    }
}

impl FromIterator<Column> for ColumnSet {
    fn from_iter<I: IntoIterator<Item = Column>>(iter: I) -> Self {
        let mut set = ColumnSet::EMPTY;
        for c in iter {
            set.insert(c);
        }
        set
    }
}

impl fmt::Debug for ColumnSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Serialize for ColumnSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for ColumnSet {
    /// The list of headers [`Serialize`] writes; an unknown header is an error, not a skip.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Vec::<Column>::deserialize(deserializer)?
            .into_iter()
            .collect())
    }
}

/// Chapter 99 duty of programs CAPE does not refund, summed per entry, for information.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherChapter99Duty {
    /// Section 122 (HTS 9903.03.xx), in cents.
    pub section_122_cents: i64,
    /// Section 301 (HTS 9903.88.xx), in cents.
    pub section_301_cents: i64,
    /// Section 232 (HTS 9903.80.xx, 9903.81.xx, 9903.85.xx), in cents.
    pub section_232_cents: i64,
}

impl OtherChapter99Duty {
    /// No such duty at all.
    pub fn is_zero(&self) -> bool {
        *self == Self::default()
    }
}

/// What one entry's ES-003 rows say, aggregated. Text values are shared (`Arc<str>`) because
/// importer numbers, names and statuses repeat across millions of entries. It reads back from
/// its JSON: the ledger keeps it so a later triage can judge the entry by its dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryData {
    /// The entry.
    pub entry_number: EntryNumber,
    /// 1-based line (or sheet row) where the entry first appears.
    pub first_line: u64,
    /// Number of rows aggregated.
    pub rows: u32,
    /// Importer of record number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub importer_number: Option<Arc<str>>,
    /// Importer of record name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub importer_name: Option<Arc<str>>,
    /// Entry type, two digits (`01`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_type: Option<Arc<str>>,
    /// Date of entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_date: Option<Date>,
    /// Date the entry summary was filed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_summary_date: Option<Date>,
    /// Liquidation status as written (`Liquidated`, `Unliquidated`, `Extended`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liquidation_status: Option<Arc<str>>,
    /// Liquidation date: the actual one once liquidated, or the scheduled one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liquidation_date: Option<Date>,
    /// Reconciliation flag as written (`Y`, `001`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconciliation_indicator: Option<Arc<str>>,
    /// The type 09 reconciliation entry covering this one, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconciliation_entry_number: Option<Arc<str>>,
    /// Control status as written (`Trade`, `Statement`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_status: Option<Arc<str>>,
    /// Protest number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protest_number: Option<Arc<str>>,
    /// Protest status as written (`Open`, `Suspended`, `Denied`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protest_status: Option<Arc<str>>,
    /// Drawback indicator as written (`Y`, a drawback claim number, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drawback: Option<Arc<str>>,
    /// The day the protest was decided, when the file gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protest_decision_date: Option<Date>,
    /// ACE's liquidation reason code as written (`36` = CAPE).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liquidation_reason: Option<Arc<str>>,
    /// AD/CVD status as written (`Suspended`, `Pending Liquidation`, `Y`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adcvd: Option<Arc<str>>,
    /// Port of entry code (`2704`), for the protest packet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<Arc<str>>,
    /// IEEPA duty: the sum of duty on IEEPA lines (HTS 9903.01.xx and 9903.02.xx) with duty > 0,
    /// in cents.
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub ieepa_duty_cents: i64,
    /// Rows with an IEEPA HTS number (9903.01.xx or 9903.02.xx), with or without duty.
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub ieepa_lines: u32,
    /// Of those, rows with duty > 0.
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub ieepa_dutiable_lines: u32,
    /// Of those, rows whose duty cell is blank in a file that has the duty column: the duty is
    /// unknown, not zero (only an explicit 0.00 marks an exemption line).
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub ieepa_blank_duty_lines: u32,
    /// A goods value amount was reported on an IEEPA Chapter 99 line: CBP rejects the entry with
    /// GOODS VALUE AMOUNT NOT ALLOWED ON IEEPA HTS LINE until a PSC removes it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub ieepa_goods_value_on_99_line: bool,
    /// The executive orders behind the entry's IEEPA lines (all but explicit zero-duty lines),
    /// by Chapter 99 heading: they date the court's two years.
    #[serde(default, skip_serializing_if = "no_orders")]
    pub ieepa_orders: OrderSet,
    /// Other Chapter 99 duty, not refunded by CAPE.
    #[serde(default, skip_serializing_if = "OtherChapter99Duty::is_zero")]
    pub other_chapter_99: OtherChapter99Duty,
    /// Columns the file does not have: what a decision could not look at.
    pub absent_columns: ColumnSet,
    /// Columns in which a row of this entry held a value that could not be read.
    #[serde(default, skip_serializing_if = "no_columns")]
    pub unreadable_columns: ColumnSet,
    /// The cells behind `unreadable_columns` and the negative IEEPA duties, where they stand:
    /// the first of each column and kind, so that a decision names the cell to correct. Empty
    /// (no allocation) for the entries whose every cell was read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubtful_cells: Vec<DoubtfulCell>,
    /// IEEPA lines (9903.01.xx, 9903.02.xx) whose duty is negative (`($740.00)`): no normal
    /// entry summary carries one, so the entry is not judged on its duty.
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub ieepa_negative_duty_lines: u32,
}

/// What is wrong with a [`DoubtfulCell`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Doubt {
    /// The value could not be read (an HTS number in scientific notation, a garbled date).
    Unreadable,
    /// A negative duty on an IEEPA line.
    NegativeIeepaDuty,
    /// Another row of the entry holds a different value for a column that belongs to the whole
    /// entry (the first is kept; `why` names the other).
    Conflicting,
}

/// One cell of an entry's rows that the reader could not take at face value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoubtfulCell {
    /// The column.
    pub column: Column,
    /// What is wrong with the value.
    pub doubt: Doubt,
    /// Where it stands: `line 4`, or `Sheet1!F4` in a workbook.
    pub at: String,
    /// The value as found.
    pub value: String,
    /// Why it could not be read, as the reader's finding says (`a number in scientific
    /// notation: Excel converted the column`); for a conflict, the value kept and where
    /// (`` `2026-11-01` on line 2 ``); empty for a negative duty.
    pub why: String,
}

impl DoubtfulCell {
    /// `line 3: `9.90E+07` in `HTS Number - Full``.
    pub fn describe(&self) -> String {
        format!(
            "{}: `{}` in `{}`",
            self.at,
            self.value,
            self.column.header()
        )
    }
}

fn is_zero_i64(n: &i64) -> bool {
    *n == 0
}

fn is_zero_u32(n: &u32) -> bool {
    *n == 0
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn no_orders(o: &OrderSet) -> bool {
    o.is_empty()
}

fn no_columns(c: &ColumnSet) -> bool {
    c.is_empty()
}

impl EntryData {
    /// An entry with no data yet, first seen on `first_line`; every column counts as present.
    pub fn new(entry_number: EntryNumber, first_line: u64) -> Self {
        Self {
            entry_number,
            first_line,
            rows: 0,
            importer_number: None,
            importer_name: None,
            entry_type: None,
            entry_date: None,
            entry_summary_date: None,
            liquidation_status: None,
            liquidation_date: None,
            reconciliation_indicator: None,
            reconciliation_entry_number: None,
            control_status: None,
            protest_number: None,
            protest_status: None,
            drawback: None,
            protest_decision_date: None,
            liquidation_reason: None,
            adcvd: None,
            port: None,
            ieepa_duty_cents: 0,
            ieepa_lines: 0,
            ieepa_dutiable_lines: 0,
            ieepa_blank_duty_lines: 0,
            ieepa_goods_value_on_99_line: false,
            ieepa_orders: OrderSet::EMPTY,
            other_chapter_99: OtherChapter99Duty::default(),
            absent_columns: ColumnSet::EMPTY,
            unreadable_columns: ColumnSet::EMPTY,
            doubtful_cells: Vec::new(),
            ieepa_negative_duty_lines: 0,
        }
    }

    /// Records a cell the reader could not take at face value: the first of each column and
    /// kind is kept (a column of a million unreadable cells names one). An unreadable cell also
    /// makes its column unknown for this entry.
    pub fn add_doubt(&mut self, column: Column, doubt: Doubt, at: String, value: &str, why: &str) {
        if doubt == Doubt::Unreadable {
            self.unreadable_columns.insert(column);
        }
        if self
            .doubtful_cells
            .iter()
            .any(|c| c.column == column && c.doubt == doubt)
        {
            return;
        }
        // A cell of megabytes is named by its start; the reader's finding holds it whole.
        let value: String = value.chars().take(60).collect();
        self.doubtful_cells.push(DoubtfulCell {
            column,
            doubt,
            at,
            value,
            why: why.to_owned(),
        });
    }

    /// Is the column's value unknown for this entry: absent from the file, or unreadable?
    pub fn unknown(&self, column: Column) -> bool {
        self.absent_columns.contains(column) || self.unreadable_columns.contains(column)
    }
}

/// What a Chapter 99 HTS number is, judged by its first six digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Chapter99 {
    /// IEEPA: 9903.01.xx or 9903.02.xx, refunded by CAPE when duty was paid.
    Ieepa,
    /// Section 122: 9903.03.xx.
    Section122,
    /// Section 301: 9903.88.xx.
    Section301,
    /// Section 232: 9903.80.xx, 9903.81.xx, 9903.85.xx.
    Section232,
}

/// Classifies an HTS number given as digits only (`99030125`, `9903012500`).
pub fn chapter_99(hts_digits: &str) -> Option<Chapter99> {
    match hts_digits.get(..6)? {
        "990301" | "990302" => Some(Chapter99::Ieepa),
        "990303" => Some(Chapter99::Section122),
        "990388" => Some(Chapter99::Section301),
        "990380" | "990381" | "990385" => Some(Chapter99::Section232),
        _ => None,
    }
}

/// An entry file as read.
#[derive(Debug, Clone, Serialize)]
pub struct EntryDataSet {
    /// The file name as given.
    pub file: String,
    /// What the bytes were.
    pub content: Content,
    /// One per entry, in the order entries first appear.
    pub entries: Vec<EntryData>,
    /// Data rows read: non-blank rows after the header. Equals `rows_used + rows_dropped`.
    pub rows_read: u64,
    /// Rows folded into an entry (some with a finding about one of their values).
    pub rows_used: u64,
    /// Rows left out because their entry number could not be read (each with a diagnostic).
    pub rows_dropped: u64,
    /// Blank rows after the header, skipped.
    pub blank_rows: u64,
    /// Line (or sheet row) of the header.
    pub header_line: u64,
    /// Columns found.
    pub columns_present: ColumnSet,
    /// Headers capekit does not use, as written.
    pub columns_ignored: Vec<String>,
    /// A UTF-8 byte order mark was removed.
    pub bom: bool,
    /// Some value was not UTF-8 and was read as Windows-1252.
    pub windows_1252: bool,
    /// Findings, in file order, capped per rule (see [`crate::reading::MAX_DIAGNOSTICS_PER_RULE`]).
    pub diagnostics: Vec<Diagnostic>,
    /// The export's run date, when a title row above the header gives one (`Run Date:
    /// 10/01/2026`): the date of its data, which the rows do not carry.
    pub run_date: Option<jiff::civil::Date>,
}

/// ACE's liquidation reason code for a liquidation through CAPE ("CAPE"): the entry was
/// refunded through CAPE and is never declared again.
pub const CAPE_LIQUIDATION_REASON: u32 = 36;

/// The code of a liquidation reason as written, read tolerantly: `36`, `036`, `Code 36`,
/// `Reason 36`, `36 - CAPE`, `36-CAPE Refund` give 36; the word `CAPE` alone (or first) gives
/// [`CAPE_LIQUIDATION_REASON`]. Leading zeros and a `Code` or `Reason` label are ignored.
/// `None` for a text with no code capekit can read: the reason is then not taken as CAPE's.
pub fn liquidation_reason_code(raw: &str) -> Option<u32> {
    let s: String = raw
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    const LABELS: [&str; 7] = [
        "liquidationreasoncode",
        "liquidationreason",
        "liqreasoncode",
        "liqreason",
        "reasoncode",
        "reason",
        "code",
    ];
    let rest = LABELS.iter().find_map(|l| s.strip_prefix(l)).unwrap_or(&s);
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        return rest[..digits].parse().ok();
    }
    // The word, not a longer one that starts with it.
    let first_word = raw
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("");
    first_word
        .eq_ignore_ascii_case("cape")
        .then_some(CAPE_LIQUIDATION_REASON)
}

/// Is a liquidation reason as written CAPE's (code 36, [`liquidation_reason_code`])?
pub fn is_cape_liquidation_reason(raw: &str) -> bool {
    liquidation_reason_code(raw) == Some(CAPE_LIQUIDATION_REASON)
}
