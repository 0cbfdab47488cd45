//! The path of each entry: declare it in CAPE now, correct it first, wait for a later phase,
//! protest, go to court, give up (not refundable), or have a person review it.
//!
//! The decision is made per entry from what an ACE entry report (ES-003) says about it, on an
//! `as_of` date, by a dated rule catalog ([`PATH_RULES`]) documented like the other catalogs. Two
//! constraints shaped it. Deadlines decide money: CAPE takes an entry only until 80 days after
//! liquidation, a protest only until 180 days after it, so every date is counted the way the law
//! counts it (the period starts the day after the event; the last day of "liquidation + 80 days"
//! is in, the day after is out) and every decision carries its deadlines. And ES-003 exports come
//! with any subset of columns: where the data that would decide an entry is missing, the entry
//! goes to `review` with a note naming the column that would decide it, never to a guess.
//! Pure logic: no I/O, no clock (the caller passes `as_of`).

use std::fmt::{self, Write as _};
use std::sync::Arc;

use jiff::civil::{Date, date};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::catalog::RECON_CHANGE;
use crate::deadline::{Basis, add_days, court_1581i, days_between};
pub use crate::deadline::{
    CAPE_WINDOW_DAYS, Deadline, DeadlineKind, Deadlines, KindSet, OrderSet, PROTEST_DAYS,
    ProtestClock, URGENT_DAYS,
};
use crate::doc::RuleDoc;
use crate::entry::EntryNumber;
use crate::rules::{Catalog, Rule};

/// First day of entry on which IEEPA duty was collected.
pub const IEEPA_FIRST_DAY: Date = date(2025, 2, 4);
/// Last day of entry on which IEEPA duty was collected.
pub const IEEPA_LAST_DAY: Date = date(2026, 2, 23);
/// A post-summary correction must be filed within this many days of entry.
pub const PSC_DAYS_FROM_ENTRY: i64 = 300;
/// ... and no later than this many days before the scheduled liquidation.
pub const PSC_DAYS_BEFORE_LIQUIDATION: i64 = 15;
/// ACE schedules an entry to liquidate about this many days after entry. When the file gives no
/// scheduled date the PSC due date assumes it: 15 days before is day 299, one day earlier than
/// the 300-day limit, so the assumption is the safe reading.
pub const USUAL_LIQUIDATION_DAYS: i64 = 314;
/// Entry types CAPE phase 1 excludes: 08 USMCA deferral, 09 reconciliation, 47 drawback.
pub const EXCLUDED_ENTRY_TYPES: [&str; 3] = ["08", "09", "47"];
/// Entry types whose reconciliation-flagged entries CAPE accepts from [`RECON_CHANGE`].
pub const RECON_ACCEPTED_TYPES: [&str; 3] = ["01", "02", "06"];

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

/// Where an entry goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryPath {
    /// Declare it in CAPE now.
    Cape,
    /// Correct the entry summary by PSC first, then declare it.
    CorrectFirst,
    /// Not in CAPE phase 1: wait for a later phase (and keep protest deadlines in view).
    LaterPhase,
    /// Protest under 19 USC 1514 (or let an open protest carry the claim).
    Protest,
    /// Court of International Trade under 28 USC 1581(i) (or 1581(a) after a denied protest).
    Court,
    /// CAPE Phase 3 (from 2026-10-06): a finally liquidated entry of an importer that sued in the
    /// CIT and whose IOR was submitted by 2026-07-30. Its upload format is unpublished: no file
    /// is written.
    #[serde(rename = "phase-3")]
    Phase3,
    /// Already refunded through CAPE (liquidation reason 36): nothing left to do, never declare
    /// it again.
    Done,
    /// No IEEPA duty to refund.
    NotRefundable,
    /// A person must look: the data that would decide is missing or unclear.
    Review,
}

impl EntryPath {
    /// Every path.
    pub const ALL: [EntryPath; 9] = [
        EntryPath::Cape,
        EntryPath::CorrectFirst,
        EntryPath::LaterPhase,
        EntryPath::Protest,
        EntryPath::Court,
        EntryPath::Phase3,
        EntryPath::Done,
        EntryPath::NotRefundable,
        EntryPath::Review,
    ];

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cape => "cape",
            Self::CorrectFirst => "correct-first",
            Self::LaterPhase => "later-phase",
            Self::Protest => "protest",
            Self::Court => "court",
            Self::Phase3 => "phase-3",
            Self::Done => "done",
            Self::NotRefundable => "not-refundable",
            Self::Review => "review",
        }
    }

    /// What the path asks of the filer, in a sentence for people (legends of plan pages): its
    /// line of [`crate::words::MEANINGS`], as for the triage's actions.
    pub fn describe(self) -> &'static str {
        crate::words::meaning(self.as_str()).unwrap_or_default()
    }
}

impl fmt::Display for EntryPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The catalog of the path engine (P): what a rule adds to [`Rule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PathKind {
    /// The path the rule sends an entry to (for rules that only flag, the path they go with).
    pub path: EntryPath,
    /// First day the rule holds (as-of date); `None` since CAPE opened.
    pub valid_from: Option<Date>,
    /// First day the rule no longer holds; `None` while in force.
    pub valid_to: Option<Date>,
}

/// A rule of the path engine.
pub type PathRule = Rule<PathKind>;

impl PathKind {
    /// Does the rule hold on `day`?
    pub fn holds_on(&self, day: Date) -> bool {
        self.valid_from.is_none_or(|f| day >= f) && self.valid_to.is_none_or(|t| day < t)
    }
}

impl Catalog for PathKind {
    const NAME: &'static str = "entry path (capekit plan)";

    fn facts(rule: &Rule<Self>) -> Vec<(&'static str, String)> {
        vec![
            ("path", rule.path.to_string()),
            (
                "valid from",
                rule.valid_from
                    .map_or_else(|| "CAPE opening (2026-04-20)".to_owned(), |d| d.to_string()),
            ),
            (
                "valid to",
                rule.valid_to
                    .map_or_else(|| "in force".to_owned(), |d| format!("until {d}")),
            ),
        ]
    }
}

/// From this day CAPE refuses warehouse entries, types 21 and 22 (ENTRY TYPE NOT ALLOWED); their
/// withdrawals are taken (CSMS 69127837).
pub const WAREHOUSE_CHANGE: Date = date(2026, 7, 7);
/// From this day ACE refuses a PSC that modifies an IEEPA HTS line of an FTZ type 06 entry
/// (F883, CSMS 69635410).
pub const FTZ_PSC_CHANGE: Date = date(2026, 8, 21);
/// CAPE Phase 3 opened on this day, for finally liquidated entries of importers that sued.
pub const PHASE3_OPENED: Date = date(2026, 10, 6);
/// Phase 3 takes an importer only if its IOR was submitted by this day.
pub const PHASE3_IOR_CUTOFF: Date = date(2026, 7, 30);
/// Entry types of warehouse entries (CAPE refuses them from [`WAREHOUSE_CHANGE`]).
pub const WAREHOUSE_TYPES: [&str; 2] = ["21", "22"];
/// Entry types of warehouse withdrawals, which CAPE takes.
pub const WITHDRAWAL_TYPES: [&str; 4] = ["31", "32", "34", "38"];
/// An entry not liquidated within one year of entry is liquidated by operation
/// of law unless extended or suspended (19 USC 1504(a)).
pub const DEEMED_LIQUIDATION_YEARS: i16 = 1;

const QRG: &str = "CBP, \"ACE Portal: CAPE Declarations\" quick reference guide (April 2026), \
CAPE phase 1 eligibility";
const PSC_SRC: &str = "CBP ACE Post Summary Correction rules (CATAIR, PSC chapter): within 300 \
days of entry and no later than 15 days before scheduled liquidation; ACE condition 864 \"PSC NOT \
ALLOWED\" once an entry is on a CAPE declaration; CBP liquidation guidance (entries generally \
liquidate 314 days after entry)";
const PHASE3_SRC: &str = "CBP CAPE Phase 3, open since 2026-10-06 (upload format not \
published), under a CIT order of July 2026 on refunds of finally liquidated entries, as relayed by \
law-firm alerts (confidence C)";
const DENIAL_SRC: &str = "28 USC 1581(a) and 2636(a) (180 days after the notice of denial is \
mailed); 19 USC 1514 (one protest per entry and decision); 28 USC 1581(i) and 2636(i)";
const RECON_SRC: &str = "CBP CSMS bulletin of 2026-06-29 on reconciliation-flagged entries in \
CAPE: flagged entries of types 01, 02 and 06 with no type 09 filed are accepted (bulletin number \
not recorded in capekit's sources)";

macro_rules! rule {
    ($code:literal, $name:literal, $path:ident, $from:expr, $to:expr, $title:literal,
     what: $what:expr, why: $why:expr, example: $ex:expr, fix: $fix:expr, source: $src:expr $(,)?) => {
        Rule {
            code: $code,
            name: $name,
            title: $title,
            kind: PathKind {
                path: EntryPath::$path,
                valid_from: $from,
                valid_to: $to,
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

/// P001: the entry date is outside the period of IEEPA duty.
pub static OUTSIDE_PERIOD: PathRule = rule!("P001", "entered-outside-ieepa-period", NotRefundable, None, None,
        "the entry date is outside the period of IEEPA duty",
        what: "The entry date lies before 2025-02-04 or after 2026-02-23, the days on which IEEPA \
duty was collected.",
        why: "No IEEPA duty was due on goods entered outside that period, so CAPE has nothing to \
refund; a declaration would only be rejected.",
        example: "`Entry Date` 01/15/2025.",
        fix: "Nothing through CAPE. If the entry date in ACE differs from the file's, correct the \
file and run again.",
        source: "CBP CAPE guidance: IEEPA duty applied to goods entered 2025-02-04 through \
2026-02-23 (Executive Orders 14193-14195 and 14257 as amended; duty ended 2026-02-23)");

/// P002: the entry has no IEEPA line with duty.
pub static NO_DUTIABLE_IEEPA: PathRule = rule!("P002", "no-dutiable-ieepa-line", NotRefundable, None, None,
        "the entry has no IEEPA line with duty",
        what: "No row of the entry has an HTS number 9903.01.xx or 9903.02.xx with a duty amount \
above zero. Lines of 9903.03 (Section 122), 9903.88 (Section 301) and 9903.80/.81/.85 (Section \
232) do not count; some 9903.01/.02 numbers are exemption codes with no duty.",
        why: "CAPE refunds IEEPA duty only; an entry without it is rejected (\"no IEEPA HTS on \
entry\").",
        example: "An entry whose only Chapter 99 line is 9903.88.15 (Section 301).",
        fix: "Nothing through CAPE. If ACE shows IEEPA duty that the file lacks, export the full \
ES-003 (all lines) and run again.",
        source: "CBP CAPE guidance: IEEPA Chapter 99 lines 9903.01.xx and 9903.02.xx with duty \
(CBP, \"ACE Portal: CAPE Declarations\" quick reference guide, April 2026)");

/// P003: an entry type CAPE excludes (08, 09), not yet liquidated.
pub static EXCLUDED_TYPE: PathRule = rule!("P003", "excluded-entry-type", Review, None, None,
        "an entry type CAPE excludes (08, 09), not yet liquidated",
        what: "Entry type 08 (USMCA duty deferral) or 09 (reconciliation) that is not liquidated \
(or whose liquidation the file does not date). Liquidated, they take P039 (protest) or P013 \
(court); a type 47 takes P040.",
        why: "CBP's phase 1 guidance excludes these types: a declaration is rejected. It has \
announced no phase that takes them, so \"wait for a later phase\" is not advice anyone can \
follow, and a protest is possible only once the entry liquidates (19 USC 1514(c)(3)). A person \
must choose: wait for the liquidation and protest, or go to court.",
        example: "`Entry Type Code` 08 and `Liquidation Status` Unliquidated.",
        fix: "Do not declare it. Watch its liquidation and protest within 180 days of it (19 USC \
1514); keep the court date in view and ask trade counsel whether to sue first.",
        source: "CBP, \"ACE Portal: CAPE Declarations\" quick reference guide (April 2026), CAPE \
phase 1 eligibility: types 08, 09 and 47 excluded; 19 USC 1514(a)(5) and (c)(3)");

/// P004: a drawback claim covers the entry.
pub static DRAWBACK: PathRule = rule!("P004", "drawback-linked", LaterPhase, None, None,
        "a drawback claim covers the entry",
        what: "The file's drawback column (not part of ES-003; added from a broker or drawback \
system) marks the entry as designated on a drawback claim.",
        why: "CBP rejects drawback-linked entries with ENTRY ON DRAWBACK; CAPE phase 1 excludes \
them.",
        example: "`Drawback Indicator` Y.",
        fix: "Do not declare it now: wait for a later phase, or protest (within 180 days of \
liquidation) or go to court.",
        source: "CBP CAPE message ENTRY ON DRAWBACK; CBP CAPE quick reference guide (April 2026)");

/// P005: the entry is flagged for reconciliation (before 2026-06-29).
pub static RECON_BEFORE_CHANGE: PathRule = rule!("P005", "recon-flagged-before-change", LaterPhase, None, Some(RECON_CHANGE),
        "the entry is flagged for reconciliation (before 2026-06-29)",
        what: "The reconciliation indicator is set and the as-of date is before 2026-06-29.",
        why: "Until 2026-06-29 CBP rejected every reconciliation-flagged entry with ENTRY SUMMARY \
FLAGGED FOR RECON.",
        example: "`Reconciliation Indicator` 001, as of 2026-05-15.",
        fix: "Wait: from 2026-06-29 flagged entries of types 01, 02 and 06 with no type 09 filed \
are accepted.",
        source: RECON_SRC);

/// P006: the entry is flagged for reconciliation and CAPE still refuses it.
pub static RECON_NOT_ACCEPTED: PathRule = rule!("P006", "recon-flagged-not-accepted", LaterPhase, Some(RECON_CHANGE), None,
        "the entry is flagged for reconciliation and CAPE still refuses it",
        what: "From 2026-06-29: the reconciliation indicator is set and either a type 09 \
reconciliation entry was filed for it, or its type is not 01, 02 or 06.",
        why: "CBP's change of 2026-06-29 accepts only flagged entries of types 01, 02 and 06 for \
which no type 09 was filed; the others stay excluded (the refund goes through the reconciliation \
or a later phase).",
        example: "`Reconciliation Indicator` Y and `Reconciliation Entry Number` filled.",
        fix: "Do not declare it; pursue the IEEPA duty through the reconciliation entry or wait for \
a later phase, watching the protest deadline.",
        source: RECON_SRC);

/// P007: the entry is flagged for reconciliation, which CAPE accepts since 2026-06-29.
pub static RECON_ACCEPTED: PathRule = rule!("P007", "recon-flagged-accepted", Cape, Some(RECON_CHANGE), None,
        "the entry is flagged for reconciliation, which CAPE accepts since 2026-06-29",
        what: "From 2026-06-29: the reconciliation indicator is set, the entry type is 01, 02 or 06, \
and no type 09 is known to have been filed. The flag then does not block the entry; the other \
rules decide.",
        why: "Since 2026-06-29 CBP accepts such entries; holding them back would waste days of the \
80-day window.",
        example: "`Entry Type Code` 01, `Reconciliation Indicator` Y, as of 2026-07-01.",
        fix: "Declare it as the other rules say. If a type 09 was in fact filed, CBP rejects the \
entry: it then waits for a later phase.",
        source: RECON_SRC);

/// P008: an open or suspended protest covers the entry.
pub static OPEN_PROTEST: PathRule = rule!("P008", "open-protest", Protest, None, None,
        "an open or suspended protest covers the entry",
        what: "The protest status is open, suspended, pending or similar.",
        why: "CBP rejects entries under an open or suspended protest with PROTEST ON ENTRY; the \
protest carries the claim.",
        example: "`Protest Number` 270425100123, `Protest Status` Suspended.",
        fix: "Follow the protest. If it is denied, the court deadline is 180 days from the denial \
(28 USC 2636(a)). See P009 for withdrawing an IEEPA-only protest.",
        source: "19 USC 1514; CBP CAPE message PROTEST ON ENTRY (CBP, \"ACE Portal: CAPE \
Declarations\" quick reference guide, April 2026)");

/// P009: an IEEPA-only protest may be withdrawn and the entry declared.
pub static PROTEST_WITHDRAWABLE: PathRule = rule!("P009", "protest-withdrawable", Protest, None, None,
        "an IEEPA-only protest may be withdrawn and the entry declared",
        what: "An open protest on an entry liquidated no more than 80 days ago.",
        why: "CBP's guidance lets the filer withdraw a protest that covers only IEEPA duty and \
declare the entry in CAPE, which refunds faster; this works only while the 80-day window is open.",
        example: "Liquidated 2026-10-01, protest open, as of 2026-11-24 (window closes 2026-12-20).",
        fix: "If the protest covers only IEEPA duty, withdraw it in ACE and declare the entry \
before the window closes; a protest covering other issues stays.",
        source: "CBP CAPE guidance on PROTEST ON ENTRY (\"ACE Portal: CAPE Declarations\" quick \
reference guide, April 2026); 19 USC 1514");

/// P010: a protest is on file but its status is missing or unclear.
pub static PROTEST_STATUS_UNKNOWN: PathRule = rule!("P010", "protest-status-unknown", Review, None, None,
        "a protest is on file but its status is missing or unclear",
        what: "A protest number with no protest status (column absent or blank), or a status \
capekit cannot read as open or closed.",
        why: "An open protest blocks CAPE and a closed one does not; guessing either way can cost \
the refund or a rejected declaration.",
        example: "`Protest Number` 270425100123 and no `Protest Status` column.",
        fix: "Look the protest up in ACE (Protest module); add `Protest Status` to the export and \
run again.",
        source: "19 USC 1514; CBP CAPE message PROTEST ON ENTRY (CBP, \"ACE Portal: CAPE \
Declarations\" quick reference guide, April 2026)");

/// P011: the file has no liquidation data for the entry.
pub static LIQUIDATION_ABSENT: PathRule = rule!("P011", "liquidation-data-absent", Review, None, None,
        "the file has no liquidation data for the entry",
        what: "The file has neither a `Liquidation Status` nor a `Liquidation Date` column, or \
only a blank status and no date column.",
        why: "Whether CAPE, a protest or the court is open depends on the liquidation date; \
without it no path can be chosen safely.",
        example: "An ES-003 exported without the optional liquidation columns.",
        fix: "Export ES-003 again with `Liquidation Status` and `Liquidation Date` (or look the \
entry up in ACE) and run again.",
        source: "19 USC 1514(c)(3) (protest within 180 days of liquidation); CBP CAPE phase 1 \
eligibility (liquidated no more than 80 days before filing)");

/// P012: the entry is liquidated but its liquidation date is missing or unreadable.
pub static LIQUIDATION_UNCLEAR: PathRule = rule!("P012", "liquidated-without-date", Review, None, None,
        "the entry is liquidated but its liquidation date is missing or unreadable",
        what: "The liquidation status says liquidated (or is a value capekit does not know) and \
no readable liquidation date stands beside it.",
        why: "The CAPE window (80 days), the protest period (180 days) and the court period all \
count from the liquidation date.",
        example: "`Liquidation Status` Liquidated, `Liquidation Date` empty.",
        fix: "Look up the liquidation date in ACE (or ES-701 liquidation notices), fill it in and \
run again.",
        source: "19 USC 1514(c)(3); CBP CAPE phase 1 eligibility");

/// P013: liquidated more than 180 days ago: only the court remains.
pub static PAST_PROTEST: PathRule = rule!("P013", "liquidated-past-protest-period", Court, None, None,
        "liquidated more than 180 days ago: only the court remains",
        what: "The liquidation date is more than 180 days before the as-of date (day 181 or \
later).",
        why: "CAPE takes entries only up to 80 days after liquidation and a protest only up to \
180 days; what remains is an action in the Court of International Trade under 28 USC 1581(i), \
which must be brought within two years (28 USC 2636(i)). When those two years start is disputed.",
        example: "Liquidated 2026-03-06, as of 2026-11-24 (263 days).",
        fix: "Talk to trade counsel now. The safe last day is the earliest reading: the date of \
the executive order that imposed the duty (by Chapter 99 heading: EO 14193-14195 of 2025-02-01 \
for 9903.01.01-.24, EO 14257 of 2025-04-02 for 9903.01.25 and up and 9903.02) + 2 years, so \
2027-02-01 for the first; where the heading does not tell, the deposit (entry summary date) + 2 \
years. The readings from deposit and liquidation are later and shown as notes.",
        source: "28 USC 1581(i); 28 USC 2636(i); Executive Orders 14193, 14194, 14195 (90 FR \
9113, 9117, 9121) and 14257 (90 FR 15041); CBP CAPE phase 1 eligibility");

/// P014: liquidated 81 to 180 days ago: protest.
pub static WITHIN_PROTEST: PathRule = rule!("P014", "liquidated-within-protest-period", Protest, None, None,
        "liquidated 81 to 180 days ago: protest",
        what: "The liquidation date is 81 to 180 days before the as-of date.",
        why: "CAPE refuses entries liquidated more than 80 days ago (ENTRY SUMMARY IS IN FINAL \
LIQUIDATION STATUS); a protest under 19 USC 1514 is open until liquidation + 180 days.",
        example: "Liquidated 2026-07-01, as of 2026-11-24 (146 days; protest due 2026-12-28).",
        fix: "File a protest in ACE before the protest due date.",
        source: "19 USC 1514(c)(3); CBP CAPE phase 1 eligibility");

/// P015: a goods value is reported on an IEEPA Chapter 99 line: correct by PSC first.
pub static GOODS_VALUE_PSC_OPEN: PathRule = rule!("P015", "goods-value-on-ieepa-line-psc-open", CorrectFirst, None, None,
        "a goods value is reported on an IEEPA Chapter 99 line: correct by PSC first",
        what: "An IEEPA line (9903.01.xx or 9903.02.xx) carries a goods value amount, and the PSC \
window is open.",
        why: "CBP rejects the entry with GOODS VALUE AMOUNT NOT ALLOWED ON IEEPA HTS LINE. Once \
the entry is on a CAPE declaration a PSC is refused (ACE condition 864), so the correction must \
come first.",
        example: "Row with `HTS Number - Full` 99030125 and `Line Tariff Goods Value Amount` \
$12,000.00.",
        fix: "File a PSC that moves the value to the Chapter 1-97 line before the PSC due date, \
then declare the entry.",
        source: PSC_SRC);

/// P016: a goods value is on an IEEPA line and a PSC is no longer possible (or cannot be dated).
pub static GOODS_VALUE_PSC_CLOSED: PathRule = rule!("P016", "goods-value-on-ieepa-line-psc-closed", Review, None, None,
        "a goods value is on an IEEPA line and a PSC is no longer possible (or cannot be dated)",
        what: "An IEEPA line carries a goods value amount, and the entry is liquidated, the PSC \
due date has passed, or the entry date needed to date the PSC window is missing.",
        why: "CAPE will reject the entry as it stands and the usual correction is closed or \
uncertain; someone must choose between protest, CBP contact and a later phase.",
        example: "Liquidated 2026-10-01 with a goods value on 9903.01.25.",
        fix: "Check the entry in ACE; consider a protest before liquidation + 180 days, or write \
to IEEPARefunds@cbp.dhs.gov.",
        source: PSC_SRC);

/// P017: unliquidated: declare in CAPE.
pub static UNLIQUIDATED: PathRule = rule!("P017", "unliquidated", Cape, None, None,
        "unliquidated: declare in CAPE",
        what: "The entry is not liquidated (including extended and suspended entries) and no \
stronger rule applies.",
        why: "CAPE phase 1 takes unliquidated entries; CBP removes the IEEPA lines and liquidates \
about 45 days after acceptance.",
        example: "`Liquidation Status` Unliquidated.",
        fix: "Declare the entry in CAPE: the plan puts it on its importer's declaration file, \
ready to upload.",
        source: QRG);

/// P018: liquidated no more than 80 days ago: declare in CAPE.
pub static WITHIN_CAPE_WINDOW: PathRule = rule!("P018", "liquidated-within-cape-window", Cape, None, None,
        "liquidated no more than 80 days ago: declare in CAPE",
        what: "The liquidation date is at most 80 days before the as-of date (day 80 is in).",
        why: "CAPE phase 1 takes entries liquidated no more than 80 days before filing; CBP \
reliquidates them.",
        example: "Liquidated 2026-09-05, as of 2026-11-24 (80 days: last day).",
        fix: "Declare the entry before the window closes, with a few days of margin.",
        source: QRG);

/// P019: the CAPE window closes within 14 days.
pub static WINDOW_CLOSING: PathRule = rule!("P019", "cape-window-closing", Cape, None, None,
        "the CAPE window closes within 14 days",
        what: "The CAPE window (liquidation + 80 days) closes within 14 days of the as-of date.",
        why: "After the window only a protest (or court) remains, which is slower and costlier; \
it is unknown whether CBP counts to the upload or to its batch run, so a margin is needed.",
        example: "Liquidated 2026-09-10, as of 2026-11-24: window closes 2026-11-29.",
        fix: "Declare the entry today; check the claim status the next day.",
        source: "CBP, \"ACE Portal: CAPE Declarations\" quick reference guide (April 2026), \
phase 1 eligibility (liquidated no more than 80 days before filing); the margin is capekit's, \
since CBP does not say whether it counts to the upload or to its batch run");

/// P020: a PSC or protest that matters for the entry is due within 14 days.
pub static DEADLINE_NEAR: PathRule = rule!("P020", "psc-or-protest-due-soon", Protest, None, None,
        "a PSC or protest that matters for the entry is due within 14 days",
        what: "A deadline that matters for the entry's path, the post-summary correction \
(correct-first, review) or the protest (protest, later-phase, court, review), falls within 14 \
days of the as-of date (day 14 is in, day 15 is not; the last day counts).",
        why: "A protest not filed within 180 days of liquidation is lost for good (19 USC \
1514(c)(3)), and a PSC not filed in time leaves an entry CAPE rejects; either takes a day or \
two to prepare.",
        example: "Liquidated 2026-06-10, as of 2026-11-27: protest due 2026-12-07 (10 days).",
        fix: "File the protest in ACE (or the PSC) now; record it with `capekit ledger acted` so \
that the deadline stops alarming.",
        source: "19 USC 1514(c)(3) (protest within 180 days of liquidation); CBP ACE Post \
Summary Correction rules (CATAIR PSC chapter: 300 days from entry, 15 days before scheduled \
liquidation)");

/// P021: the court deadline that matters for the entry is within 60 days.
pub static COURT_NEAR: PathRule = rule!("P021", "court-deadline-near", Court, None, None,
        "the court deadline that matters for the entry is within 60 days",
        what: "The last day to sue in the Court of International Trade, under 28 USC 1581(i) at \
its earliest reading or under 28 USC 1581(a) after a denied protest, falls within 60 days of the \
as-of date (day 60 is in, day 61 is not).",
        why: "A suit needs trade counsel, a summons and a complaint; counsel need weeks. The \
first 1581(i) dates at the earliest reading fall on 2027-02-01 for every entry under the \
fentanyl orders, whatever its entry date.",
        example: "HTS 9903.01.10 (EO 14195), as of 2026-12-15: court due 2027-02-01 (48 days).",
        fix: "Send the court packet (`court-IMPORTER-DATE.xlsx`) to trade counsel now; record the \
suit with `capekit ledger acted ENTRY --suit NUMBER --date D` once filed.",
        source: "28 USC 1581(i) and 2636(i) (two years); 28 USC 1581(a) and 2636(a) (180 days \
after denial); Executive Orders 14193-14195 (signed 2025-02-01) and 14257 (signed 2025-04-02)");

/// P022: the protest was denied: the court within 180 days of the denial.
pub static PROTEST_DENIED: PathRule = rule!("P022", "protest-denied", Court, None, None,
        "the protest was denied: the court within 180 days of the denial",
        what: "The protest status says denied and the file gives the protest decision date.",
        why: "Only one protest is allowed per entry and decision (19 USC 1514): the next step \
is an action in the Court of International Trade under 28 USC 1581(a) within 180 days after the \
notice of denial is mailed (28 USC 2636(a)); the ACE decision date is the safe start. Which \
route fits IEEPA duty is disputed, so the 1581(i) date is kept beside it.",
        example: "`Protest Status` Denied, `Protest Decision Date` 10/01/2026: sue by 2027-03-30.",
        fix: "Do not file another protest. Send the court packet to trade counsel before the \
earlier of the 1581(a) and 1581(i) dates: which route fits IEEPA duty is disputed.",
        source: DENIAL_SRC);

/// P023: the protest was denied but the file does not say when.
pub static PROTEST_DENIED_UNDATED: PathRule = rule!("P023", "protest-denied-without-date", Review, None, None,
        "the protest was denied but the file does not say when",
        what: "The protest status says denied and no protest decision date is in the file.",
        why: "The 1581(a) route runs 180 days from the denial (28 USC 2636(a)); without the \
date it cannot be counted, and the 1581(i) date may come first.",
        example: "`Protest Status` Denied and no `Protest Decision Date` column.",
        fix: "Look the decision date up in ACE (Protest module), add `Protest Decision Date` and \
run again; meanwhile keep the 1581(i) date shown. Never file a second protest.",
        source: DENIAL_SRC);

/// P024: the protest was approved, or decided with no outcome stated.
pub static PROTEST_APPROVED: PathRule = rule!("P024", "protest-approved-or-outcome-unknown", Review, None, None,
        "the protest was approved, or decided with no outcome stated",
        what: "The protest status says approved, allowed or granted (in whole or in part), or \
decided, closed or complete without saying how.",
        why: "An approved protest may already have refunded the IEEPA duty, and declaring it \
again is wasted or rejected; a decided protest of unknown outcome may be a denial whose 180 days \
run.",
        example: "`Protest Status` Approved.",
        fix: "Check the protest decision and any refund in ACE before declaring; if it was \
denied, see P022.",
        source: "19 USC 1515 (review of protests); 19 USC 1514; 28 USC 2636(a)");

/// P025: IEEPA duty is shown on a 9903.01/.02 line but the entry date is outside the IEEPA period.
pub static DUTY_OUTSIDE_PERIOD: PathRule = rule!("P025", "ieepa-duty-outside-period", Review, None, None,
        "IEEPA duty is shown on a 9903.01/.02 line but the entry date is outside the IEEPA period",
        what: "A line with HTS 9903.01.xx or 9903.02.xx carries duty above zero while the entry \
date is before 2025-02-04 or after 2026-02-23.",
        why: "The data disagrees with itself: either the entry date is wrong (and the duty is \
refundable) or the line is. Writing it off as not refundable could lose a real refund.",
        example: "`Entry Date` 02/03/2025 with $1,200.00 on 9903.01.10.",
        fix: "Check the entry date (or the date of withdrawal for consumption) in ACE; the plan \
shows the deadlines as if the duty were refundable.",
        source: "IEEPA duty applied to goods entered or withdrawn for consumption 2025-02-04 \
through 2026-02-23 (Executive Orders 14195 and 14257 as amended; CBP CAPE guidance)");

/// P026: an IEEPA line's duty cell is blank.
pub static DUTY_CELL_BLANK: PathRule = rule!("P026", "ieepa-duty-cell-blank", Review, None, None,
        "an IEEPA line's duty cell is blank",
        what: "A 9903.01.xx or 9903.02.xx line has an empty `Line Tariff Duty Amount` and no \
line of the entry shows IEEPA duty above zero.",
        why: "A blank cell is unknown, not zero: only an explicit 0.00 marks an exemption line. \
Counting blank as zero would write off a refundable entry.",
        example: "`HTS Number - Full` 99030125 with an empty duty cell.",
        fix: "Export ES-003 again with the duty amounts, or check the line in ACE.",
        source: "CBP ACE report ES-003 (Entry Summary Line Tariff Details); CBP CAPE guidance: \
IEEPA lines with duty above zero");

/// P027: "Unliquidated" disagrees with the dates: the entry may be liquidated.
pub static UNLIQUIDATED_STALE: PathRule = rule!("P027", "unliquidated-status-stale", Review, None, None,
        "\"Unliquidated\" disagrees with the dates: the entry may be liquidated",
        what: "The status says unliquidated but the liquidation date is in the past, or the \
entry is more than a year old with no extension or suspension shown.",
        why: "An entry not liquidated within one year of entry, and not extended or suspended, \
is liquidated by operation of law (19 USC 1504(a)); a past liquidation date is a liquidation \
that happened. The CAPE window and the protest period then run from that date.",
        example: "`Liquidation Status` Unliquidated, `Liquidation Date` 170 days ago.",
        fix: "Check the entry in ACE. The plan counts the deadlines from the earlier reading, \
so a protest due date is not missed.",
        source: "19 USC 1504(a) (deemed liquidation); 19 USC 1514(c)(3); CBP CAPE phase 1 \
eligibility");

/// P028: "Liquidated" with a liquidation date after the as-of date.
pub static LIQUIDATED_IN_FUTURE: PathRule = rule!("P028", "liquidated-date-in-future", Review, None, None,
        "\"Liquidated\" with a liquidation date after the as-of date",
        what: "The status says liquidated and the liquidation date is later than the as-of \
date.",
        why: "Either the date is the scheduled liquidation of an unliquidated entry (CAPE takes \
it) or the status or date is wrong; the CAPE window and protest period depend on which.",
        example: "`Liquidation Status` Liquidated, `Liquidation Date` next month.",
        fix: "Check the entry in ACE; the plan names the deadlines under both readings.",
        source: "19 USC 1504; 19 USC 1514(c)(3); CBP CAPE phase 1 eligibility");

/// P029: a temporary importation under bond (type 23): unresolved.
pub static TIB: PathRule = rule!("P029", "temporary-importation-bond", Review, None, None,
        "a temporary importation under bond (type 23): unresolved",
        what: "Entry type 23 (TIB).",
        why: "CBP has not said whether CAPE takes TIB entries; IEEPA duty on them is unusual \
and a declaration may be refused.",
        example: "`Entry Type Code` 23.",
        fix: "Ask CBP (IEEPARefunds@cbp.dhs.gov) or counsel before declaring; keep the protest \
date in view.",
        source: "CBP CAPE quick reference guide (April 2026): type 23 not listed among accepted \
or excluded types");

/// P030: AD/CVD entry pending liquidation after Commerce's instructions.
pub static ADCVD_PENDING: PathRule = rule!("P030", "adcvd-pending-liquidation", LaterPhase, None, None,
        "AD/CVD entry pending liquidation after Commerce's instructions",
        what: "The AD/CVD column says the entry is pending liquidation (Commerce has issued \
liquidation instructions).",
        why: "CAPE phase 1 excludes AD/CVD entries pending liquidation after Commerce's \
instructions (suspended AD/CVD entries are taken).",
        example: "`AD/CVD Status` Pending Liquidation.",
        fix: "Do not declare it now; watch the liquidation and protest within 180 days of it.",
        source: QRG);

/// P031: an AD/CVD entry whose state the file does not tell.
pub static ADCVD_UNCLEAR: PathRule = rule!("P031", "adcvd-state-unknown", Review, None, None,
        "an AD/CVD entry whose state the file does not tell",
        what: "The AD/CVD column marks the entry (`Y`, a case number) without saying whether it \
is suspended or pending liquidation.",
        why: "A suspended AD/CVD entry is taken by CAPE, one pending liquidation after \
Commerce's instructions is not.",
        example: "`AD/CVD Status` Y.",
        fix: "Check the AD/CVD case status in ACE and write `Suspended` or `Pending Liquidation`.",
        source: QRG);

/// P032: a warehouse entry (type 21/22): declare its withdrawals instead.
pub static WAREHOUSE: PathRule = rule!("P032", "warehouse-entry-not-declared", LaterPhase, Some(WAREHOUSE_CHANGE), None,
        "a warehouse entry (type 21/22): declare its withdrawals instead",
        what: "From 2026-07-07: entry type 21 or 22.",
        why: "Since 2026-07-07 CAPE answers ENTRY TYPE NOT ALLOWED for warehouse entries; their \
withdrawals for consumption (types 31, 32, 34, 38) are taken, and the refund follows when the \
warehouse entry liquidates.",
        example: "`Entry Type Code` 21, as of 2026-07-15.",
        fix: "Do not declare the warehouse entry; declare its withdrawal entries (types 31, 32, \
34, 38).",
        source: "CBP CSMS 69127837 of 2026-07-07, as relayed by brokers (confidence B/C)");

/// P033: finally liquidated entry of an importer that sued: CAPE Phase 3.
pub static PHASE3: PathRule = rule!("P033", "phase-3-importer", Phase3, Some(PHASE3_OPENED), None,
        "finally liquidated entry of an importer that sued: CAPE Phase 3",
        what: "From 2026-10-06: the entry is past its protest period (liquidated more than 180 \
days ago) and its importer is named by the user (`--phase3-importers`) as a CIT plaintiff whose \
IOR was submitted by 2026-07-30.",
        why: "Phase 3 refunds finally liquidated entries only for importers that sued in the \
CIT and whose IOR was submitted by 2026-07-30; everyone else has only the court. Entries 81 to \
180 days past liquidation keep the protest route.",
        example: "Liquidated 2026-03-01, importer 27-184593000 listed as submitted, as of \
2026-11-24.",
        fix: "Submit it through Phase 3 as CBP instructs (the format is unpublished, so capekit \
writes no upload); keep the court date in view until it is accepted; record it with `capekit \
ledger acted ENTRY --phase3 --date D`.",
        source: PHASE3_SRC);

/// P034: an FTZ type 06 entry whose fix is a PSC on the IEEPA line: not correctable.
pub static FTZ_PSC_BLOCKED: PathRule = rule!("P034", "ftz-06-psc-not-allowed", Review, Some(FTZ_PSC_CHANGE), None,
        "an FTZ type 06 entry whose fix is a PSC on the IEEPA line: not correctable",
        what: "From 2026-08-21: entry type 06 with a goods value on an IEEPA Chapter 99 line \
(the fix P015 would advise).",
        why: "ACE refuses a post-summary correction that modifies an IEEPA HTS line of an FTZ \
type 06 entry (F883 PSC NOT ALLOWED TO MODIFY IEEPA HTS), so CAPE will reject the entry and it \
cannot be corrected first.",
        example: "`Entry Type Code` 06, goods value on 9903.01.25, as of 2026-09-01.",
        fix: "Write to IEEPARefunds@cbp.dhs.gov; keep the protest date in view once liquidated.",
        source: "CBP CSMS 69635410 of 2026-08-21 (ACE error F883), as relayed by brokers \
(confidence B/C)");

/// P035: liquidation reason 36 (CAPE): already refunded through CAPE.
pub static REFUNDED_BY_CAPE: PathRule = rule!("P035", "refunded-through-cape", Done, None, None,
        "liquidation reason 36 (CAPE): already refunded through CAPE",
        what: "The liquidation reason code is 36 (\"CAPE\").",
        why: "ACE marks an entry refunded through CAPE with liquidation reason 36; declaring it \
again is the one mistake that gets a declaration rejected.",
        example: "`Liquidation Reason Code` 36.",
        fix: "Nothing: never declare it again. A refund short of what is owed is protested \
within 180 days of the reliquidation.",
        source: "CBP ACE Entry Summary Query, liquidation reason code 36 (CAPE), as relayed by a \
vendor (confidence C)");

/// P036: a cell that decides the entry could not be read.
pub static CELL_UNREADABLE: PathRule = rule!("P036", "deciding-cell-unreadable", Review, None, None,
        "a cell that decides the entry could not be read",
        what: "A cell of the entry's rows that the decision needs could not be read (reader \
findings R002, R003, R006, R007): an HTS number (`9.90E+07`, `N/A`), the duty or goods value of \
an IEEPA line, the entry type, or the entry, liquidation or protest decision date. The entry \
would otherwise be declared or corrected by PSC.",
        why: "The unreadable cell may be the IEEPA line, its duty, a goods value on it (which \
must be corrected by PSC before the entry is declared: once on a declaration a PSC is refused, \
ACE condition 864), an excluded entry type, or a date that moves the CAPE window. Declaring on a \
guess can cost the correction or the refund.",
        example: "`HTS Number - Full` `9.90E+07` on the entry's only Chapter 99 line.",
        fix: "Correct each cell the notes name and run again. An HTS number in scientific \
notation means Excel converted the column: export ES-003 again and open it with the HTS column \
formatted as Text (or do not open it in Excel before capekit reads it).",
        source: "CBP ACE report ES-003 (Entry Summary Line Tariff Details); CBP CAPE guidance: \
IEEPA lines 9903.01.xx and 9903.02.xx with duty; ACE condition 864 \"PSC NOT ALLOWED\"");

/// P037: the entry date is blank or not in the file.
pub static ENTRY_DATE_UNKNOWN: PathRule = rule!("P037", "entry-date-unknown", Review, None, None,
        "the entry date is blank or not in the file",
        what: "The entry has no entry date: the `Entry Date` cell is blank, or the file has no \
such column. The entry would otherwise be declared or corrected by PSC.",
        why: "The entry date decides whether the IEEPA duty was due (2025-02-04 to 2026-02-23), \
whether an \"Unliquidated\" entry more than a year old was in fact liquidated by operation of \
law (19 USC 1504(a)), whose CAPE window and protest period then run, and the PSC window (300 \
days from entry).",
        example: "`Entry Date` empty on every row of the entry.",
        fix: "Fill in the entry date from ACE (or export ES-003 with `Entry Date`) and run again.",
        source: "19 USC 1504(a) (liquidation by operation of law); CBP ACE Post Summary \
Correction rules (300 days from entry); CBP ACE report ES-003 (Entry Summary Line Tariff \
Details)");

/// P038: a negative duty on an IEEPA line.
pub static NEGATIVE_DUTY: PathRule = rule!("P038", "ieepa-duty-negative", Review, None, None,
        "a negative duty on an IEEPA line",
        what: "A 9903.01.xx or 9903.02.xx line carries a negative duty amount, such as \
`($740.00)` or `-740.00` (reader finding R012).",
        why: "An entry summary line does not carry negative duty: the value is a correction, a \
refund already made, or an export that wrote a credit as a line. Read as $740.00 the entry would \
be declared, read as nothing it would be written off; neither is safe.",
        example: "`Line Tariff Duty Amount` `($740.00)` on 9903.01.25.",
        fix: "Look the entry summary up in ACE: if the IEEPA duty was already refunded or \
corrected, record it; otherwise correct the export to the duty deposited and run again.",
        source: "CBP ACE report ES-003 (Entry Summary Line Tariff Details); CBP CAPE guidance: \
IEEPA lines with duty above zero");

/// P039: an entry type CAPE excludes (08, 09), liquidated no more than 180 days ago: protest.
pub static EXCLUDED_TYPE_PROTEST: PathRule = rule!("P039", "excluded-type-liquidated-protest", Protest, None, None,
        "an entry type CAPE excludes (08, 09), liquidated no more than 180 days ago: protest",
        what: "Entry type 08 (USMCA duty deferral) or 09 (reconciliation), liquidated no more \
than 180 days before the as-of date.",
        why: "CAPE phase 1 rejects these types even inside the 80-day window, and no phase that \
takes them is announced; the liquidation (or the reconciliation's) can be protested under 19 USC \
1514 until liquidation + 180 days, which keeps the claim alive.",
        example: "`Entry Type Code` 09, liquidated 2026-10-01, as of 2026-11-24: protest by \
2027-03-30.",
        fix: "File a protest in ACE before the protest due date; record it with `capekit ledger \
acted ENTRY --protest NUMBER --date D`.",
        source: "19 USC 1514(a)(5) and (c)(3); CBP, \"ACE Portal: CAPE Declarations\" quick \
reference guide (April 2026), CAPE phase 1 eligibility: types 08, 09 and 47 excluded");

/// P040: a drawback claim (entry type 47): not an entry CAPE refunds.
pub static DRAWBACK_CLAIM: PathRule = rule!("P040", "drawback-claim-entry", Review, None, None,
        "a drawback claim (entry type 47): not an entry CAPE refunds",
        what: "Entry type 47, a drawback claim, whatever its liquidation.",
        why: "CAPE phase 1 excludes type 47, and no IEEPA duty was deposited on a drawback claim: \
the duty sits on the import entries the claim designates, which CBP rejects as drawback-linked \
(ENTRY ON DRAWBACK: later phase, protest or court). Whether the claim itself should be amended, \
protested or left alone is a question for a person.",
        example: "`Entry Type Code` 47.",
        fix: "Do not declare it. Plan the import entries the claim designates (their own ES-003 \
rows); ask trade counsel or IEEPARefunds@cbp.dhs.gov about the claim itself.",
        source: "CBP, \"ACE Portal: CAPE Declarations\" quick reference guide (April 2026), CAPE \
phase 1 eligibility: type 47 excluded; CBP CAPE message ENTRY ON DRAWBACK");

/// P041: rows of the entry disagree on a value its path rests on.
pub static CONFLICTING_VALUES: PathRule = rule!("P041", "conflicting-entry-values", Review, None, None,
        "rows of the entry disagree on a value its path rests on",
        what: "Two rows of the same entry give different values for a column that belongs to \
the whole entry and decides its path (reader finding R004): entry type, importer number, entry \
date, liquidation status or date, reconciliation, control, protest, drawback, liquidation reason \
or AD/CVD.",
        why: "Only one can be right, and the path may change with it: a liquidation date 150 days \
earlier closes the CAPE window, an entry type 47 excludes the entry, another importer number \
makes the declaration fail. The reader keeps the first value; deciding on it would be a guess.",
        example: "`Liquidation Date` 11/01/2026 on line 2 and 06/01/2026 on line 3 of one entry.",
        fix: "Check the entry in ACE, correct the export (or drop the older of two merged \
reports) and run again. The notes give the deadlines of the other liquidation date.",
        source: "CBP ACE report ES-003 (Entry Summary Line Tariff Details); 19 USC 1514(c)(3); \
CBP CAPE phase 1 eligibility (liquidated no more than 80 days before filing)");

/// Every path rule, in code order.
pub static PATH_RULES: &[&PathRule] = &[
    &OUTSIDE_PERIOD,
    &NO_DUTIABLE_IEEPA,
    &EXCLUDED_TYPE,
    &DRAWBACK,
    &RECON_BEFORE_CHANGE,
    &RECON_NOT_ACCEPTED,
    &RECON_ACCEPTED,
    &OPEN_PROTEST,
    &PROTEST_WITHDRAWABLE,
    &PROTEST_STATUS_UNKNOWN,
    &LIQUIDATION_ABSENT,
    &LIQUIDATION_UNCLEAR,
    &PAST_PROTEST,
    &WITHIN_PROTEST,
    &GOODS_VALUE_PSC_OPEN,
    &GOODS_VALUE_PSC_CLOSED,
    &UNLIQUIDATED,
    &WITHIN_CAPE_WINDOW,
    &WINDOW_CLOSING,
    &DEADLINE_NEAR,
    &COURT_NEAR,
    &PROTEST_DENIED,
    &PROTEST_DENIED_UNDATED,
    &PROTEST_APPROVED,
    &DUTY_OUTSIDE_PERIOD,
    &DUTY_CELL_BLANK,
    &UNLIQUIDATED_STALE,
    &LIQUIDATED_IN_FUTURE,
    &TIB,
    &ADCVD_PENDING,
    &ADCVD_UNCLEAR,
    &WAREHOUSE,
    &PHASE3,
    &FTZ_PSC_BLOCKED,
    &REFUNDED_BY_CAPE,
    &CELL_UNREADABLE,
    &ENTRY_DATE_UNKNOWN,
    &NEGATIVE_DUTY,
    &EXCLUDED_TYPE_PROTEST,
    &DRAWBACK_CLAIM,
    &CONFLICTING_VALUES,
];

/// The rule with this code.
pub fn path_rule(code: &str) -> Option<&'static PathRule> {
    crate::rules::by_code(PATH_RULES, code)
}

/// The path of one entry, why, and by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// Where the entry goes.
    pub path: EntryPath,
    /// Codes of the rules that fired: the deciding rule first, then those that add to it.
    pub reasons: Vec<&'static str>,
    /// Every deadline the data allows, whatever the path.
    pub deadlines: Deadlines,
    /// The kinds of deadline that matter for the path ([`crate::deadline::matter`]).
    pub matter: KindSet,
    /// Sentences for a person: what was not checked and which column would decide it, what to
    /// do by when.
    pub notes: Vec<String>,
    /// What to do once the filer recorded an act that answers the path (`capekit ledger
    /// acted`): it replaces the deciding rule's advice, which would ask for that act again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advice: Option<String>,
    /// Why no post-summary correction is possible (liquidated, FTZ type 06 since F883, window
    /// closed), when the data tells: the PSC deadline is then left out of `deadlines`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psc_closed: Option<String>,
}

impl Decision {
    /// The deciding rule.
    pub fn rule(&self) -> Option<&'static PathRule> {
        self.reasons.first().and_then(|c| path_rule(c))
    }

    /// What to do: the advice that follows a recorded act, else the deciding rule's.
    pub fn what_to_do(&self) -> String {
        match &self.advice {
            Some(a) => a.clone(),
            None => self
                .rule()
                .map_or_else(String::new, |r| r.doc.fix.to_owned()),
        }
    }

    /// Whether a PSC is still possible ([`crate::psc::psc_chance`]), counting the reason the
    /// engine found when it left the PSC deadline out.
    pub fn psc_chance(&self, entry: &EntryData, as_of: Date) -> crate::psc::PscChance {
        match &self.psc_closed {
            Some(why) => crate::psc::PscChance::Closed(why.clone()),
            None => crate::psc::psc_chance(entry, &self.deadlines, as_of),
        }
    }

    /// The deadlines that matter for the path, in [`DeadlineKind::ALL`] order.
    pub fn deadlines_that_matter(&self) -> impl Iterator<Item = Deadline> + '_ {
        crate::deadline::of_kinds(&self.deadlines, self.matter)
    }

    /// The urgent deadline that matters and comes first: what makes the entry urgent.
    pub fn urgent_deadline(&self) -> Option<Deadline> {
        crate::deadline::most_urgent(self.deadlines_that_matter())
    }

    /// Why the entry is urgent though no deadline of it can be dated, if it is: liquidated (or
    /// perhaps liquidated) with a liquidation date that cannot be read (P012), so that its
    /// 180 days to protest (19 USC 1514(c)(3)) may be nearly out, or out, and nobody can tell.
    /// The safe reading is "act today": look the date up in ACE.
    pub fn undated_urgency(&self) -> Option<&'static str> {
        self.reasons.contains(&LIQUIDATION_UNCLEAR.code).then_some(
            "protest due date unknown: the liquidation date cannot be read, and the 180 days to protest it (19 USC 1514(c)(3)) may be nearly out - look it up in ACE today",
        )
    }

    /// The nearest deadline that matters and has not passed.
    pub fn next_deadline(&self) -> Option<Deadline> {
        crate::deadline::nearest_open(self.deadlines_that_matter())
    }
}

/// Does a deadline that matters for the entry's path fall within its urgency margin (14 days
/// for CAPE, PSC and protest, 60 for the court)?
pub fn is_urgent(decision: &Decision) -> bool {
    decision.urgent_deadline().is_some()
}

/// Formats cents as dollars: `$1,234.56`, `-$12.00`.
pub fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let dollars = (abs / 100).to_string();
    let mut grouped = String::with_capacity(dollars.len() + dollars.len() / 3);
    for (i, ch) in dollars.chars().enumerate() {
        if i > 0 && (dollars.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}${grouped}.{:02}", abs % 100)
}

/// Lower-case letters and digits only: how free-text statuses are compared.
fn squash(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A yes/no flag as ACE and broker exports write it: `Y`, `Yes`, `1`, `X`, an issue code such
/// as `001`, or a claim number mean yes; `N`, `No`, `0`, `000`, `False` mean no; blank is unknown.
pub fn flag_value(raw: &str) -> Option<bool> {
    let s = squash(raw);
    if s.is_empty() {
        return None;
    }
    if matches!(s.as_str(), "n" | "no" | "false" | "f" | "none") || s.bytes().all(|b| b == b'0') {
        return Some(false);
    }
    Some(true)
}

/// What a liquidation status says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LiqStatus {
    Liquidated,
    Unliquidated,
    Unrecognized,
}

pub(crate) fn liquidation_status(raw: &str) -> Option<LiqStatus> {
    let s = squash(raw);
    if s.is_empty() {
        return None;
    }
    // Extended, suspended, under-review and warehouse entries are not liquidated yet (CAPE takes
    // them; their refund waits for liquidation). These words are checked before "liq", which
    // both "Liquidated" and "Liquidation Extended" contain.
    const NOT_YET: [&str; 10] = [
        "unliq",
        "notliq",
        "open",
        "pending",
        "extend",
        "suspend",
        "review",
        "warehouse",
        "scheduled",
        "deferred",
    ];
    if NOT_YET.iter().any(|w| s.contains(w)) || matches!(s.as_str(), "u" | "n" | "no") {
        return Some(LiqStatus::Unliquidated);
    }
    if s.contains("liq") || matches!(s.as_str(), "l" | "y" | "yes" | "final" | "closed") {
        return Some(LiqStatus::Liquidated);
    }
    Some(LiqStatus::Unrecognized)
}

/// What a protest status says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProtestState {
    Open,
    Closed,
    Unrecognized,
}

fn protest_state(raw: &str) -> Option<ProtestState> {
    let s = squash(raw);
    if s.is_empty() {
        return None;
    }
    const CLOSED: [&str; 11] = [
        "denied",
        "deny",
        "approved",
        "allowed",
        "granted",
        "closed",
        "rejected",
        "withdrawn",
        "decided",
        "complete",
        "void",
    ];
    const OPEN: [&str; 9] = [
        "open", "suspend", "pending", "filed", "received", "review", "active", "progress",
        "accepted",
    ];
    if CLOSED.iter().any(|w| s.contains(w)) {
        Some(ProtestState::Closed)
    } else if OPEN.iter().any(|w| s.contains(w)) {
        Some(ProtestState::Open)
    } else {
        Some(ProtestState::Unrecognized)
    }
}

/// How a closed protest ended, as far as its status tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProtestOutcome {
    /// Denied (in whole): the 1581(a) clock runs.
    Denied,
    /// Approved, allowed or granted, in whole or in part (so also denied in part): the duty
    /// may be refunded already.
    Approved,
    /// Withdrawn or void: as if no protest had been filed.
    Withdrawn,
    /// Closed, decided or complete, the outcome not stated.
    Unstated,
}

fn protest_outcome(e: &EntryData) -> Option<ProtestOutcome> {
    let raw = e.protest_status.as_deref().unwrap_or("");
    if protest_state(raw) != Some(ProtestState::Closed) {
        return None;
    }
    let s = squash(raw);
    Some(
        if ["approved", "allowed", "granted", "part"]
            .iter()
            .any(|w| s.contains(w))
        {
            ProtestOutcome::Approved
        } else if ["denied", "deny", "rejected"].iter().any(|w| s.contains(w)) {
            ProtestOutcome::Denied
        } else if ["withdrawn", "void"].iter().any(|w| s.contains(w)) {
            ProtestOutcome::Withdrawn
        } else {
            ProtestOutcome::Unstated
        },
    )
}

/// What the file says about liquidation, read safely.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Liquidation {
    /// Not liquidated; `scheduled` is the scheduled liquidation date when the file gives one.
    Unliquidated { scheduled: Option<Date> },
    /// Liquidated on this date.
    Liquidated(Date),
    /// The status says unliquidated but the dates say the entry may be liquidated (a past
    /// liquidation date, or deemed liquidation a year after entry, 19 USC 1504(a)): the
    /// deadlines are counted from `on`, the earlier reading; `why` says which.
    Stale { on: Date, why: String },
    /// Cannot be told: the rule to apply and the sentence naming the deciding column.
    Unknown { rule: &'static str, note: String },
}

fn liquidation(e: &EntryData, as_of: Date, notes: &mut Vec<String>) -> Liquidation {
    let status_raw = e.liquidation_status.as_deref().unwrap_or("");
    let status = liquidation_status(status_raw);
    let date_unreadable = e.unreadable_columns.contains(Column::LiquidationDate);
    let date_absent = e.absent_columns.contains(Column::LiquidationDate);
    let status_absent = e.absent_columns.contains(Column::LiquidationStatus);
    let why_no_date = if date_unreadable {
        "is unreadable"
    } else if date_absent {
        "is not in the file"
    } else {
        "is empty"
    };
    match (status, e.liquidation_date) {
        (Some(LiqStatus::Liquidated), Some(d)) if d > as_of => Liquidation::Unknown {
            rule: LIQUIDATED_IN_FUTURE.code,
            note: future_liquidation_note(status_raw, d, as_of),
        },
        (Some(LiqStatus::Liquidated), Some(d)) => Liquidation::Liquidated(d),
        (Some(LiqStatus::Liquidated), None) => Liquidation::Unknown {
            rule: LIQUIDATION_UNCLEAR.code,
            note: format!(
                "the liquidation status is `{status_raw}` but the `Liquidation Date` {why_no_date}: the CAPE, protest and court deadlines all count from it - look it up in ACE and add it"
            ),
        },
        (Some(LiqStatus::Unliquidated), scheduled) => match stale(e, status_raw, scheduled, as_of, notes) {
            Some((on, why)) => Liquidation::Stale { on, why },
            None => Liquidation::Unliquidated { scheduled },
        },
        (Some(LiqStatus::Unrecognized), Some(d)) => {
            notes.push(format!(
                "the liquidation status `{status_raw}` is not one capekit knows; the entry is judged by its `Liquidation Date` {d} - check the status in ACE"
            ));
            liquidation_by_date(d, as_of, notes)
        }
        (Some(LiqStatus::Unrecognized), None) => Liquidation::Unknown {
            rule: LIQUIDATION_UNCLEAR.code,
            note: format!(
                "the liquidation status `{status_raw}` is not one capekit knows and the `Liquidation Date` {why_no_date}: look the entry up in ACE"
            ),
        },
        (None, Some(d)) => liquidation_by_date(d, as_of, notes),
        (None, None) if date_unreadable => Liquidation::Unknown {
            rule: LIQUIDATION_UNCLEAR.code,
            note: "the `Liquidation Date` is unreadable and no liquidation status says whether the entry is liquidated: correct the date (see the reader's findings) and run again".to_owned(),
        },
        (None, None) if date_absent && status_absent => Liquidation::Unknown {
            rule: LIQUIDATION_ABSENT.code,
            note: "the file has neither `Liquidation Status` nor `Liquidation Date`: which of CAPE, protest or court is open depends on them - export ES-003 with these columns and run again".to_owned(),
        },
        (None, None) if date_absent => Liquidation::Unknown {
            rule: LIQUIDATION_ABSENT.code,
            note: "the `Liquidation Status` is blank and the file has no `Liquidation Date` column: export ES-003 with `Liquidation Date` and run again".to_owned(),
        },
        (None, None) => {
            // ACE leaves the liquidation date of an unliquidated entry empty.
            notes.push(
                "no liquidation date in the file: read as unliquidated".to_owned(),
            );
            Liquidation::Unliquidated { scheduled: None }
        }
    }
}

/// Readings of a "Liquidated" status beside a future date, with the deadlines of each.
fn future_liquidation_note(status_raw: &str, d: Date, as_of: Date) -> String {
    let plus = |n| add_days(d, n).map_or_else(String::new, |x: Date| x.to_string());
    format!(
        "the liquidation status is `{status_raw}` but the `Liquidation Date` {d} is after {as_of}: read as a scheduled liquidation, the entry is unliquidated and CAPE takes it now; read as a liquidation on {d}, the CAPE window closes {} and the protest is due {} - check the entry in ACE",
        plus(CAPE_WINDOW_DAYS),
        plus(PROTEST_DAYS)
    )
}

/// An "Unliquidated" status that the dates contradict: the earlier day the entry may have
/// liquidated on, and why. A past liquidation date is a liquidation that happened; an entry a
/// year past its entry date, neither extended nor suspended, is deemed liquidated (19 USC
/// 1504(a)). Warehouse entries are left out: their liquidation runs from withdrawal. An AD/CVD
/// entry is never deemed liquidated from its entry date: its liquidation is suspended by law
/// until Commerce's instructions (19 USC 1504(b)), and the six months of 1504(d) run from a
/// notice the file does not show.
fn stale(
    e: &EntryData,
    status_raw: &str,
    scheduled: Option<Date>,
    as_of: Date,
    notes: &mut Vec<String>,
) -> Option<(Date, String)> {
    let s = squash(status_raw);
    if ["extend", "suspend", "warehouse"]
        .iter()
        .any(|w| s.contains(w))
        || normalized_type(e).is_some_and(|t| WAREHOUSE_TYPES.contains(&t))
    {
        return None;
    }
    let past = scheduled.filter(|d| *d < as_of);
    let year_on = e
        .entry_date
        .and_then(|d| {
            d.checked_add(jiff::Span::new().years(DEEMED_LIQUIDATION_YEARS))
                .ok()
        })
        .filter(|d| *d < as_of);
    let deemed = match (year_on, adcvd_marked(e)) {
        (Some(_), Some(raw)) => {
            notes.push(format!(
                "AD/CVD `{raw}`: liquidation is suspended under the AD/CVD order (19 USC 1504(b)), so the entry is not liquidated by operation of law a year after entry, and no protest period runs until CBP liquidates it after Commerce's instructions"
            ));
            None
        }
        (deemed, _) => deemed,
    };
    let on = match (past, deemed) {
        (Some(p), Some(d)) => p.min(d),
        (Some(p), None) => p,
        (None, Some(d)) => d,
        (None, None) => return None,
    };
    let mut why = Vec::new();
    if let Some(p) = past {
        why.push(format!("the `Liquidation Date` {p} has passed"));
    }
    if let (Some(d), Some(entered)) = (deemed, e.entry_date) {
        why.push(format!(
            "the entry of {entered} is more than a year old with no extension or suspension shown, so it was liquidated by operation of law on {d} (19 USC 1504(a)) unless ACE shows one"
        ));
    }
    Some((
        on,
        format!(
            "the liquidation status is `{status_raw}` but {}",
            why.join(", and ")
        ),
    ))
}

/// A date with no status: a date on or before `as_of` can only be a liquidation that happened;
/// a later one can only be the scheduled liquidation.
fn liquidation_by_date(d: Date, as_of: Date, notes: &mut Vec<String>) -> Liquidation {
    if d <= as_of {
        Liquidation::Liquidated(d)
    } else {
        notes.push(format!(
            "the `Liquidation Date` {d} is after {as_of}: read as the scheduled liquidation of an unliquidated entry"
        ));
        Liquidation::Unliquidated { scheduled: Some(d) }
    }
}

fn deadlines(e: &EntryData, liq: &Liquidation, as_of: Date) -> Deadlines {
    let liquidated = match liq {
        Liquidation::Liquidated(d) | Liquidation::Stale { on: d, .. } => Some(*d),
        _ => None,
    };
    let scheduled = match liq {
        Liquidation::Unliquidated { scheduled } => *scheduled,
        _ => None,
    };
    let liquidation_day = liquidated.or(scheduled);
    let psc = e.entry_date.and_then(|entry| {
        let by_entry = add_days(entry, PSC_DAYS_FROM_ENTRY)?;
        let (liquidation_day, basis_of) = match liquidation_day {
            Some(l) => (l, Basis::ScheduledLiquidation as fn(Date) -> Basis),
            None => (
                add_days(entry, USUAL_LIQUIDATION_DAYS)?,
                Basis::UsualSchedule as fn(Date) -> Basis,
            ),
        };
        let before_liq = add_days(liquidation_day, -PSC_DAYS_BEFORE_LIQUIDATION)?;
        Some(if before_liq < by_entry {
            Deadline::new(
                DeadlineKind::Psc,
                before_liq,
                as_of,
                basis_of(liquidation_day),
            )
        } else {
            Deadline::new(DeadlineKind::Psc, by_entry, as_of, Basis::Entry(entry))
        })
    });
    // Without a readable HTS column the heading, so the order, is unknown: the first order of
    // IEEPA duty is then the earliest reading, not the deposit.
    let (court_due, court_readings) = if e.ieepa_orders.is_empty() && e.unknown(Column::Hts) {
        crate::deadline::court_1581i_heading_unknown(
            e.entry_summary_date,
            e.entry_date,
            liquidated,
            as_of,
        )
    } else {
        court_1581i(
            e.ieepa_orders,
            e.entry_summary_date,
            e.entry_date,
            liquidated,
            as_of,
        )
    };
    let from_liquidation = |kind, days| {
        liquidated.and_then(|l| {
            add_days(l, days).map(|d| Deadline::new(kind, d, as_of, Basis::Liquidation(l)))
        })
    };
    Deadlines {
        cape_window_closes: from_liquidation(DeadlineKind::CapeWindow, CAPE_WINDOW_DAYS),
        psc_due: psc,
        protest_due: from_liquidation(DeadlineKind::Protest, PROTEST_DAYS),
        court_due,
        court_readings,
        court_1581a_due: e
            .protest_decision_date
            .filter(|_| protest_outcome(e) == Some(ProtestOutcome::Denied))
            .and_then(|d| crate::deadline::court_1581a(d, as_of)),
    }
}

/// The AD/CVD column's value when it marks the entry as subject to an AD/CVD order (suspended,
/// pending liquidation, or a bare flag or case number).
fn adcvd_marked(e: &EntryData) -> Option<&str> {
    let raw = e.adcvd.as_deref()?;
    let s = squash(raw);
    (s.contains("susp")
        || s.contains("pend")
        || s.contains("instruct")
        || flag_value(raw) == Some(true))
    .then_some(raw)
}

fn normalized_type(e: &EntryData) -> Option<&str> {
    e.entry_type
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// Decides the path of one entry on `as_of`.
///
/// When several rules fire, the first group in this order decides (tested in
/// `precedence_*` below):
///
/// 1. **not-refundable** (P001, P002): with no IEEPA duty nothing else matters.
/// 2. **later-phase** (P003-P006): CBP refuses the entry in phase 1 whatever its liquidation.
/// 3. **protest on entry** (P008, or review P010 when its status is unclear): the protest, not
///    CAPE, carries the claim.
/// 4. **liquidation age**: review when it cannot be told (P011, P012), court past 180 days
///    (P013), protest from day 81 (P014).
/// 5. **correct-first** (P015, or review P016 when the PSC window is closed or undatable).
/// 6. **cape** (P017, P018).
///
/// Missing data never decides a stronger rule: an absent `HTS` or `Entry Date` column does not
/// make an entry not-refundable; the decision goes on and a note says what was not checked.
/// Missing liquidation data does stop the decision at step 4 (review), since every remaining
/// path depends on it. Deadlines are filled whatever the path, so that later-phase and review
/// entries still show the protest date.
pub fn decide(entry: &EntryData, as_of: Date) -> Decision {
    decide_with(entry, as_of, &PathContext::default())
}

/// What the user tells the path engine beyond the entry data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathContext {
    /// Importers that sued in the CIT, by importer number as the file writes it (compared
    /// ignoring case, spaces and punctuation), each with whether its IOR was submitted by
    /// [`PHASE3_IOR_CUTOFF`] (CAPE Phase 3).
    pub phase3_importers: std::collections::HashMap<String, bool>,
    /// What the filer did on the other paths, per entry (`capekit ledger acted`): the deadlines
    /// an act met stop alarming, and the notes say what was done.
    pub acts: std::collections::HashMap<EntryNumber, Vec<crate::deadline::Act>>,
}

impl PathContext {
    /// Adds an importer that sued in the CIT.
    pub fn add_phase3_importer(&mut self, importer: &str, ior_submitted_by_cutoff: bool) {
        self.phase3_importers
            .insert(squash(importer), ior_submitted_by_cutoff);
    }

    /// `Some(submitted by the cutoff)` when the importer sued in the CIT.
    pub fn phase3(&self, importer: Option<&str>) -> Option<bool> {
        if self.phase3_importers.is_empty() {
            return None;
        }
        self.phase3_importers.get(&squash(importer?)).copied()
    }
}

/// [`decide`] with what the user told the engine ([`PathContext`]).
pub fn decide_with(entry: &EntryData, as_of: Date, ctx: &PathContext) -> Decision {
    let mut notes = Vec::new();
    let liq = liquidation(entry, as_of, &mut notes);
    let deadlines = deadlines(entry, &liq, as_of);
    let mut d = Decision {
        path: EntryPath::Review,
        reasons: Vec::new(),
        deadlines,
        matter: KindSet::EMPTY,
        notes,
        advice: None,
        psc_closed: None,
    };
    let (path, rule) = choose(entry, as_of, &liq, ctx, &mut d);
    d.path = path;
    d.reasons.insert(0, rule);
    // A PSC deadline is shown only while a PSC is possible: a date beside a liquidated entry
    // would read as a chance that does not exist, and alarm as one.
    if let crate::psc::PscChance::Closed(why) = crate::psc::psc_chance(entry, &d.deadlines, as_of) {
        d.deadlines.psc_due = None;
        d.psc_closed = Some(why);
    }
    let protest = if rule == OPEN_PROTEST.code {
        ProtestClock::Open {
            withdrawable: d.reasons.contains(&PROTEST_WITHDRAWABLE.code),
        }
    } else if d.deadlines.court_1581a_due.is_some() {
        ProtestClock::Denied
    } else {
        ProtestClock::None
    };
    d.matter = crate::deadline::matter(path, protest);
    if d.matter.contains(DeadlineKind::Psc)
        && ![GOODS_VALUE_PSC_CLOSED.code, FTZ_PSC_BLOCKED.code].contains(&rule)
        && let Some(why) = &d.psc_closed
    {
        // A window closed only on ACE's usual schedule is a likelihood, and says so.
        let lead = if why.starts_with("on ACE's usual schedule") {
            "no PSC is likely possible"
        } else {
            "no PSC is possible"
        };
        d.notes.push(format!("{lead}: {why}"));
    }
    if let Some(acts) = ctx.acts.get(&entry.entry_number) {
        d.advice = act_advice(&d, acts);
        d.matter = crate::deadline::after_acts(d.matter, acts);
        for a in acts {
            d.notes.push(format!(
                "recorded in the ledger: {} - the {} deadline no longer alarms",
                a.describe(),
                a.kind
                    .meets()
                    .iter()
                    .map(|k| k.describe())
                    .collect::<Vec<_>>()
                    .join(" and ")
            ));
        }
    }
    urgent_notes(&mut d);
    d
}

/// The advice once the filer recorded acts (`capekit ledger acted`), or `None` when no act
/// meets a deadline that matters for the path (then the rule's advice stands).
///
/// The act of the furthest stage among those that matter speaks (suit, then Phase 3, then
/// protest, then PSC). When it is what the deciding rule asks for (a protest on the protest
/// path, a PSC on correct-first, a suit on the court path), its advice replaces the rule's;
/// otherwise the rule's advice follows as what is still to do. An act dated after the deadline
/// it meets is said to be late.
fn act_advice(d: &Decision, acts: &[crate::deadline::Act]) -> Option<String> {
    use crate::deadline::ActKind;
    let matters = |a: &&crate::deadline::Act| a.kind.meets().iter().any(|k| d.matter.contains(*k));
    let stage = |k: ActKind| match k {
        ActKind::Suit => 0,
        ActKind::Phase3 => 1,
        ActKind::Protest => 2,
        ActKind::Psc => 3,
    };
    let act = acts
        .iter()
        .filter(matters)
        .min_by_key(|a| (stage(a.kind), std::cmp::Reverse(a.on)))?;
    let reference = act.reference.as_deref().filter(|r| !r.trim().is_empty());
    let court_i = d
        .deadlines
        .court_due
        .filter(|c| !c.passed())
        .map(|c| format!("; keep the court date (28 USC 1581(i)) {} in view", c.date));
    let mut advice = match act.kind {
        ActKind::Protest => format!(
            "protest {}filed {}: watch for CBP's decision in ACE (Protest module); if it is denied, sue in the Court of International Trade within 180 days of the denial (28 USC 2636(a)) - add its `{}` and run again{}",
            reference.map(|r| format!("{r} ")).unwrap_or_default(),
            act.on,
            Column::ProtestDecisionDate.header(),
            court_i.unwrap_or_default()
        ),
        ActKind::Suit => format!(
            "suit {}filed {} in the Court of International Trade: trade counsel carries the claim - follow the case; the court deadlines no longer alarm",
            reference.map(|r| format!("{r} ")).unwrap_or_default(),
            act.on
        ),
        ActKind::Psc => format!(
            "PSC {}filed {}: once ACE shows it accepted, declare the entry in CAPE - not before, since ACE refuses a PSC once the entry is on a declaration (condition 864){}",
            reference.map(|r| format!("{r} ")).unwrap_or_default(),
            act.on,
            d.deadlines
                .cape_window_closes
                .filter(|w| !w.passed())
                .map(|w| format!("; the CAPE window closes {}", w.date))
                .unwrap_or_default()
        ),
        ActKind::Phase3 => format!(
            "submitted through CAPE Phase 3 on {}{}: watch for CBP's answer and the refund (ACE reports ES-022 and REV-603){}",
            act.on,
            reference.map(|r| format!(" ({r})")).unwrap_or_default(),
            d.deadlines
                .court_due
                .filter(|c| !c.passed())
                .map(|c| format!(
                    "; if Phase 3 refuses it, the court (28 USC 1581(i)) by {}",
                    c.date
                ))
                .unwrap_or_default()
        ),
    };
    for k in act.kind.meets() {
        if let Some(due) = d.deadlines.get(*k).filter(|x| act.on > x.date) {
            let late = days_between(due.date, act.on);
            let _ = write!(
                advice,
                " - but it was done {late} day{} after the {} {}: it may be refused as late, see trade counsel",
                if late == 1 { "" } else { "s" },
                k.describe(),
                due.date
            );
        }
    }
    // The rule's own advice stands beside the act unless the act is what it asks for.
    let answers = match d.path {
        EntryPath::CorrectFirst => act.kind == ActKind::Psc,
        EntryPath::Protest | EntryPath::LaterPhase => act.kind == ActKind::Protest,
        EntryPath::Court | EntryPath::Phase3 => matches!(act.kind, ActKind::Suit | ActKind::Phase3),
        _ => false,
    };
    if !answers && let Some(r) = d.rule() {
        let _ = write!(advice, ". Still to do: {}", r.doc.fix);
    }
    Some(advice)
}

/// Flags every deadline that matters and is near: P019 for the CAPE window, P020 for a PSC or
/// protest, P021 for the court.
fn urgent_notes(d: &mut Decision) {
    let urgent: Vec<Deadline> = d.deadlines_that_matter().filter(|x| x.urgent()).collect();
    for u in urgent {
        let left = match u.days_left {
            0 => "today is the last day".to_owned(),
            1 => "1 day left".to_owned(),
            n => format!("{n} days left"),
        };
        let (code, note) = match u.kind {
            DeadlineKind::CapeWindow => (
                WINDOW_CLOSING,
                format!(
                    "urgent: the CAPE window closes on {} ({left}) - act today; it is unknown whether CBP counts to the upload or to its batch run",
                    u.date
                ),
            ),
            DeadlineKind::Psc => (
                DEADLINE_NEAR,
                format!(
                    "urgent: the PSC is due by {} ({left}; {}) - file it now",
                    u.date, u.basis
                ),
            ),
            DeadlineKind::Protest => (
                DEADLINE_NEAR,
                format!(
                    "urgent: the protest is due by {} ({left}; {} + 180 days, 19 USC 1514(c)(3)) - file it in ACE now",
                    u.date, u.basis
                ),
            ),
            DeadlineKind::Court1581i | DeadlineKind::Court1581a => (
                COURT_NEAR,
                format!(
                    "urgent: {} {} ({left}; {}) - trade counsel must act now",
                    u.kind.describe(),
                    u.date,
                    u.basis
                ),
            ),
        };
        if !d.reasons.contains(&code.code) {
            d.reasons.push(code.code);
        }
        d.notes.push(note);
    }
}

/// The entry's liquidation reason when it is CAPE's (ACE code 36): the liquidation that refunded
/// its IEEPA duty.
pub(crate) fn cape_liquidation_reason(e: &EntryData) -> Option<&str> {
    e.liquidation_reason
        .as_deref()
        .filter(|r| is_cape_liquidation_reason(r))
}

/// Is a liquidation reason as written CAPE's (`36`, `36 - CAPE`, `CAPE`)?
pub(crate) fn is_cape_liquidation_reason(raw: &str) -> bool {
    squash(raw).starts_with("36") || squash(raw) == "cape"
}

/// Runs the rules in precedence order; returns the path and the deciding rule. Rules that only
/// add to the decision push their code and notes into `d`.
fn choose(
    e: &EntryData,
    as_of: Date,
    liq: &Liquidation,
    ctx: &PathContext,
    d: &mut Decision,
) -> (EntryPath, &'static str) {
    // 0. Refunded already.
    if let Some(reason) = cape_liquidation_reason(e) {
        d.notes.push(format!(
            "liquidation reason `{reason}` (36, CAPE): the entry was refunded through CAPE - never declare it again"
        ));
        return (EntryPath::Done, REFUNDED_BY_CAPE.code);
    }

    // 1. A negative IEEPA duty: the file says neither what was paid nor that nothing was.
    if e.ieepa_negative_duty_lines > 0 {
        negative_duty_note(e, d);
        return (EntryPath::Review, NEGATIVE_DUTY.code);
    }

    // 1. Nothing to refund (or the data disagrees about it).
    if let Some((path, rule)) = not_refundable(e, d) {
        return (path, rule);
    }
    // Rows that disagree on what decides the path: every later step would rest on a guess.
    if e.doubtful_cells
        .iter()
        .any(|c| c.doubt == Doubt::Conflicting)
    {
        conflict_note(e, d);
        return (EntryPath::Review, CONFLICTING_VALUES.code);
    }
    unchecked_notes(e, d);

    // 2. Excluded from phase 1, or unresolved by CBP.
    if normalized_type(e) == Some("23") {
        d.notes.push(
            "entry type 23 (temporary importation under bond): CBP has not said whether CAPE takes it - ask before declaring".to_owned(),
        );
        return (EntryPath::Review, TIB.code);
    }
    // Types 08, 09 and 47: never declared; a type 47 (a drawback claim) goes to a person, an
    // 08 or 09 follows its liquidation to the protest or the court.
    let excluded = normalized_type(e).filter(|t| EXCLUDED_ENTRY_TYPES.contains(t));
    if let Some(t) = excluded {
        excluded_type_note(t, d);
        if t == "47" {
            court_note(d);
            return (EntryPath::Review, DRAWBACK_CLAIM.code);
        }
    } else if let Some((path, rule)) = later_phase(e, as_of, d) {
        protect_by_protest_note(d);
        if d.deadlines.protest_due.is_some_and(Deadline::passed) {
            d.notes.push(
                "the protest period has passed and a later phase has no date: the court path remains".to_owned(),
            );
            court_note(d);
        }
        return (path, rule);
    }

    // 3. A protest on the entry.
    if let Some((path, rule)) = protest_on_entry(e, liq, d, excluded.is_none()) {
        return (path, rule);
    }

    // 4. Liquidation age.
    let liquidated_on = match liq {
        Liquidation::Unknown { rule, note } => {
            d.notes.push(note.clone());
            return (EntryPath::Review, rule);
        }
        Liquidation::Stale { on, why } => {
            let unliquidated = if excluded.is_some() {
                "read as unliquidated, no protest is possible yet (CAPE excludes the type); check the entry in ACE"
            } else {
                "read as unliquidated, CAPE takes it now; check the entry in ACE before declaring"
            };
            d.notes.push(format!(
                "{why}: read as liquidated on {on}, the deadlines are {} - {unliquidated}",
                stale_deadlines(d)
            ));
            return (EntryPath::Review, UNLIQUIDATED_STALE.code);
        }
        Liquidation::Liquidated(l) => Some(*l),
        Liquidation::Unliquidated { .. } => None,
    };
    if let Some(l) = liquidated_on {
        let age = i64::from(days_between(l, as_of));
        if excluded.is_some() && age <= PROTEST_DAYS {
            if let Some(p) = d.deadlines.protest_due {
                d.notes.push(format!(
                    "liquidated {l}, {age} days ago: protest under 19 USC 1514 by {} ({}); CAPE would reject the entry even inside its 80-day window",
                    p.date, p.left()
                ));
            }
            return (EntryPath::Protest, EXCLUDED_TYPE_PROTEST.code);
        }
        if age > PROTEST_DAYS {
            if let Some(found) = phase3(e, as_of, ctx, d) {
                return found;
            }
            d.notes.push(format!(
                "liquidated {l}, {age} days ago: CAPE (80 days) and protest (180 days) are closed; an action under 28 USC 1581(i) must be brought within two years (28 USC 2636(i)), but when they start is disputed - see trade counsel now"
            ));
            court_note(d);
            return (EntryPath::Court, PAST_PROTEST.code);
        }
        if age > CAPE_WINDOW_DAYS {
            if let Some(p) = d.deadlines.protest_due {
                d.notes.push(format!(
                    "liquidated {l}, {age} days ago: the CAPE window closed; protest under 19 USC 1514 by {} ({})",
                    p.date, p.left()
                ));
            }
            return (EntryPath::Protest, WITHIN_PROTEST.code);
        }
    }

    if excluded.is_some() {
        d.notes.push(
            "not liquidated: no protest is possible before the entry liquidates - watch its liquidation and protest within 180 days of it (19 USC 1514(c)(3))".to_owned(),
        );
        court_note(d);
        return (EntryPath::Review, EXCLUDED_TYPE.code);
    }

    // 5. What the entry would be declared or corrected on must be readable.
    if let Some(found) = doubtful(e, d) {
        return found;
    }

    // 6. A goods value on an IEEPA line must be corrected before the declaration.
    if e.ieepa_goods_value_on_99_line {
        return goods_value(e, as_of, liq, d);
    }

    // 7. CAPE.
    control_status_note(e, d);
    match (liquidated_on, d.deadlines.cape_window_closes) {
        (Some(l), Some(w)) => {
            d.notes.push(format!(
                "liquidated {l}: declare in CAPE by {} ({}), keeping a few days of margin",
                w.date,
                w.left()
            ));
            (EntryPath::Cape, WITHIN_CAPE_WINDOW.code)
        }
        (Some(_), None) => (EntryPath::Cape, WITHIN_CAPE_WINDOW.code),
        (None, _) => (EntryPath::Cape, UNLIQUIDATED.code),
    }
}

/// The deadlines of the liquidated reading of a stale status, in a clause.
fn stale_deadlines(d: &Decision) -> String {
    let mut parts = Vec::new();
    for x in [d.deadlines.cape_window_closes, d.deadlines.protest_due]
        .into_iter()
        .flatten()
    {
        parts.push(x.describe());
    }
    if parts.is_empty() {
        "not datable".to_owned()
    } else {
        parts.join(", ")
    }
}

/// Phase 3, for an entry past its protest period, when the user named its importer.
fn phase3(
    e: &EntryData,
    as_of: Date,
    ctx: &PathContext,
    d: &mut Decision,
) -> Option<(EntryPath, &'static str)> {
    let submitted = ctx.phase3(e.importer_number.as_deref())?;
    if !PHASE3.holds_on(as_of) {
        d.notes.push(format!(
            "the importer sued in the CIT, but CAPE Phase 3 opened only on {PHASE3_OPENED}"
        ));
        return None;
    }
    if !submitted {
        d.notes.push(format!(
            "the importer sued in the CIT, but its IOR was not submitted by {PHASE3_IOR_CUTOFF}: Phase 3 does not take it"
        ));
        return None;
    }
    d.notes.push(format!(
        "finally liquidated; the importer sued in the CIT and its IOR was submitted by {PHASE3_IOR_CUTOFF}: CAPE Phase 3 (open since {PHASE3_OPENED}) refunds it - its upload format is unpublished, so no declaration is written"
    ));
    court_note(d);
    Some((EntryPath::Phase3, PHASE3.code))
}

fn not_refundable(e: &EntryData, d: &mut Decision) -> Option<(EntryPath, &'static str)> {
    let outside = |day: &Date| *day < IEEPA_FIRST_DAY || *day > IEEPA_LAST_DAY;
    if let Some(entered) = e.entry_date.filter(outside) {
        if e.ieepa_dutiable_lines > 0 {
            d.notes.push(format!(
                "entered {entered}, outside {IEEPA_FIRST_DAY} to {IEEPA_LAST_DAY}, yet {} IEEPA duty is shown on {} 9903.01/.02 line{}: the data disagrees - read by its entry date it is not refundable; read by its duty it is, and its deadlines are shown - check the entry (or withdrawal) date in ACE",
                format_cents(e.ieepa_duty_cents),
                e.ieepa_dutiable_lines,
                if e.ieepa_dutiable_lines == 1 { "" } else { "s" }
            ));
            return Some((EntryPath::Review, DUTY_OUTSIDE_PERIOD.code));
        }
        if e.ieepa_blank_duty_lines == 0 {
            d.notes.push(format!(
                "entered {entered}, outside {IEEPA_FIRST_DAY} to {IEEPA_LAST_DAY}: no IEEPA duty was due, so CAPE has nothing to refund"
            ));
            return Some((EntryPath::NotRefundable, OUTSIDE_PERIOD.code));
        }
    }
    // Only a file that shows every line's HTS number and duty, all readable, proves the absence
    // of IEEPA duty; anything less leaves the question open (noted by `unchecked_notes`).
    let hts_known = !e.unknown(Column::Hts);
    let duty_known = !e.unknown(Column::Duty);
    let no_ieepa = hts_known && e.ieepa_lines == 0;
    let no_dutiable = hts_known && duty_known && e.ieepa_dutiable_lines == 0;
    if !no_ieepa && no_dutiable && e.ieepa_blank_duty_lines > 0 {
        d.notes.push(format!(
            "{} IEEPA line{} with a blank `{}`: a blank cell is unknown, not zero (only 0.00 marks an exemption line) - export ES-003 with the duty amounts or check ACE",
            e.ieepa_blank_duty_lines,
            if e.ieepa_blank_duty_lines == 1 { " has" } else { "s have" },
            Column::Duty.header()
        ));
        return Some((EntryPath::Review, DUTY_CELL_BLANK.code));
    }
    if no_ieepa || no_dutiable {
        let o = e.other_chapter_99;
        let mut other: Vec<String> = Vec::new();
        for (cents, what) in [
            (o.section_122_cents, "Section 122"),
            (o.section_301_cents, "Section 301"),
            (o.section_232_cents, "Section 232"),
        ] {
            if cents != 0 {
                other.push(format!("{} of {what}", format_cents(cents)));
            }
        }
        let found = if no_ieepa {
            "no IEEPA line (HTS 9903.01.xx or 9903.02.xx)".to_owned()
        } else {
            format!(
                "{} IEEPA line{} but none with duty above zero (exemption codes)",
                e.ieepa_lines,
                if e.ieepa_lines == 1 { "" } else { "s" }
            )
        };
        d.notes.push(format!(
            "the entry has {found}: nothing for CAPE to refund{}",
            if other.is_empty() {
                String::new()
            } else {
                format!("; its {} duty is not refunded by CAPE", other.join(" and "))
            }
        ));
        return Some((EntryPath::NotRefundable, NO_DUTIABLE_IEEPA.code));
    }
    if e.ieepa_blank_duty_lines > 0 {
        d.notes.push(format!(
            "{} IEEPA line{} a blank duty cell: the IEEPA duty shown is a lower bound",
            e.ieepa_blank_duty_lines,
            if e.ieepa_blank_duty_lines == 1 {
                " has"
            } else {
                "s have"
            }
        ));
    }
    None
}

/// Says which checks the file could not make and which column would make them.
fn unchecked_notes(e: &EntryData, d: &mut Decision) {
    let mut unchecked: Vec<String> = Vec::new();
    let mut say = |what: &str, column: Column, unreadable: bool| {
        unchecked.push(format!(
            "{what} (`{}` {})",
            column.header(),
            if unreadable {
                "unreadable"
            } else if e.absent_columns.contains(column) {
                "not in the file"
            } else {
                "blank"
            }
        ));
    };
    for (column, what) in [
        (Column::Hts, "IEEPA duty"),
        (Column::Duty, "IEEPA duty above zero"),
    ] {
        if e.unknown(column) && e.ieepa_dutiable_lines == 0 {
            say(what, column, !e.absent_columns.contains(column));
        }
    }
    if e.entry_date.is_none() {
        say(
            "the IEEPA entry period 2025-02-04 to 2026-02-23",
            Column::EntryDate,
            e.unreadable_columns.contains(Column::EntryDate),
        );
    }
    if e.unknown(Column::EntryType) && normalized_type(e).is_none() {
        say(
            "the excluded entry types 08, 09 and 47",
            Column::EntryType,
            e.unreadable_columns.contains(Column::EntryType),
        );
    }
    if e.unknown(Column::GoodsValue) && !e.ieepa_goods_value_on_99_line {
        say(
            "goods values on IEEPA lines",
            Column::GoodsValue,
            e.unreadable_columns.contains(Column::GoodsValue),
        );
    }
    if !unchecked.is_empty() {
        d.notes
            .push(format!("not checked: {}", unchecked.join("; ")));
    }
}

fn later_phase(e: &EntryData, as_of: Date, d: &mut Decision) -> Option<(EntryPath, &'static str)> {
    let later = |rule| Some((EntryPath::LaterPhase, rule));
    let entry_type = normalized_type(e);
    if let Some(t) = entry_type.filter(|t| WAREHOUSE_TYPES.contains(t))
        && WAREHOUSE.holds_on(as_of)
    {
        d.notes.push(format!(
            "entry type {t} (warehouse): since {WAREHOUSE_CHANGE} CAPE answers ENTRY TYPE NOT ALLOWED - declare its withdrawals (types {}) instead; the refund follows when the warehouse entry liquidates",
            WITHDRAWAL_TYPES.join(", ")
        ));
        return later(WAREHOUSE.code);
    }
    if let Some(raw) = e.adcvd.as_deref() {
        let s = squash(raw);
        // "suspended" holds "pend": test it first.
        if !s.contains("susp") && (s.contains("pend") || s.contains("instruct")) {
            d.notes.push(format!(
                "AD/CVD `{raw}`: CAPE phase 1 excludes AD/CVD entries pending liquidation after Commerce's instructions"
            ));
            return later(ADCVD_PENDING.code);
        }
        if s.contains("susp") {
            d.notes.push(format!(
                "AD/CVD `{raw}`: CAPE takes suspended AD/CVD entries; the refund waits for liquidation"
            ));
        } else if flag_value(raw) == Some(true) {
            d.notes.push(format!(
                "AD/CVD `{raw}`: the file does not say whether the entry is suspended (CAPE takes it) or pending liquidation after Commerce's instructions (CAPE does not) - check the case in ACE"
            ));
            return Some((EntryPath::Review, ADCVD_UNCLEAR.code));
        }
    }
    if let Some(raw) = e
        .drawback
        .as_deref()
        .filter(|v| flag_value(v) == Some(true))
    {
        d.notes.push(format!(
            "the drawback column says `{raw}`: CBP rejects drawback-linked entries (ENTRY ON DRAWBACK) in phase 1"
        ));
        return later(DRAWBACK.code);
    }
    let flag = e.reconciliation_indicator.as_deref().unwrap_or("");
    if flag_value(flag) != Some(true) {
        return None;
    }
    if RECON_BEFORE_CHANGE.holds_on(as_of) {
        d.notes.push(format!(
            "flagged for reconciliation (`{flag}`): CBP refuses flagged entries until {RECON_CHANGE}"
        ));
        return later(RECON_BEFORE_CHANGE.code);
    }
    if !RECON_NOT_ACCEPTED.holds_on(as_of) {
        return None;
    }
    if let Some(recon) = e.reconciliation_entry_number.as_deref() {
        d.notes.push(format!(
            "flagged for reconciliation and the type 09 entry `{recon}` was filed: CAPE does not take it; the IEEPA duty goes through the reconciliation or a later phase"
        ));
        return later(RECON_NOT_ACCEPTED.code);
    }
    match entry_type {
        Some(t) if !RECON_ACCEPTED_TYPES.contains(&t) => {
            d.notes.push(format!(
                "flagged for reconciliation, entry type {t}: since {RECON_CHANGE} CAPE takes flagged entries of types 01, 02 and 06 only"
            ));
            later(RECON_NOT_ACCEPTED.code)
        }
        _ => {
            d.reasons.push(RECON_ACCEPTED.code);
            let mut note = format!(
                "flagged for reconciliation (`{flag}`): CAPE takes it since {RECON_CHANGE} unless a type 09 reconciliation entry was filed - declare it in CAPE before any type 09 is filed"
            );
            if e.absent_columns.contains(Column::ReconciliationEntryNumber) {
                note.push_str(" (the file does not say; if one was, CBP rejects the entry and it waits for a later phase)");
            }
            if entry_type.is_none() {
                note.push_str(
                    "; the entry type is unknown, and only types 01, 02 and 06 are taken",
                );
            }
            d.notes.push(note);
            None
        }
    }
}

/// What CBP's exclusion of types 08, 09 and 47 means for the entry.
fn excluded_type_note(t: &str, d: &mut Decision) {
    let note = match t {
        "08" => "entry type 08 (USMCA duty deferral) is excluded from CAPE phase 1, and CBP has announced no phase that takes it: never declare it".to_owned(),
        "09" => "entry type 09 (reconciliation) is excluded from CAPE phase 1, and CBP has announced no phase that takes it: never declare it; its liquidation can be protested (19 USC 1514(a)(5))".to_owned(),
        _ => "entry type 47 is a drawback claim: CAPE phase 1 excludes it, and no IEEPA duty was deposited on the claim itself - the import entries it designates are drawback-linked (CBP answers ENTRY ON DRAWBACK) and are planned on their own; what to do about the claim is for trade counsel or IEEPARefunds@cbp.dhs.gov".to_owned(),
    };
    d.notes.push(note);
}

/// A negative duty on an IEEPA line, named where it stands.
fn negative_duty_note(e: &EntryData, d: &mut Decision) {
    let cell = e
        .doubtful_cells
        .iter()
        .find(|c| c.doubt == Doubt::NegativeIeepaDuty)
        .map_or_else(
            || format!("a `{}` cell", Column::Duty.header()),
            DoubtfulCell::describe,
        );
    let n = e.ieepa_negative_duty_lines;
    d.notes.push(format!(
        "{cell} is a negative duty on an IEEPA line ({n} such line{}): an entry summary line does not carry negative duty - it may be a correction or a refund already made; the entry is neither declared nor written off on it - check the entry summary in ACE and correct the export",
        if n == 1 { "" } else { "s" }
    ));
}

/// The conflicting values of the entry, each with both readings; for a liquidation date, the
/// CAPE window and protest date of the other reading too.
fn conflict_note(e: &EntryData, d: &mut Decision) {
    let mut parts = Vec::new();
    for c in e
        .doubtful_cells
        .iter()
        .filter(|c| c.doubt == Doubt::Conflicting)
    {
        let mut part = format!("{} against {}", c.describe(), c.why);
        if c.column == Column::LiquidationDate
            && let Ok(Some(other)) = crate::dates::parse_date(&c.value)
        {
            let plus = |n| add_days(other, n).map_or_else(String::new, |x: Date| x.to_string());
            let _ = write!(
                part,
                " (read as liquidated on {other}: the CAPE window closes {} and the protest is due {})",
                plus(CAPE_WINDOW_DAYS),
                plus(PROTEST_DAYS)
            );
        }
        parts.push(part);
    }
    d.notes.push(format!(
        "rows of the entry disagree: {} - the first value is kept for the deadlines shown; check the entry in ACE and correct the export before declaring it",
        parts.join("; ")
    ));
}

/// What a user does about an unreadable cell of `column`.
fn remedy(column: Column) -> &'static str {
    match column {
        Column::Hts => {
            "export the HTS column as text (format it as Text in Excel before saving, or export ES-003 again and do not open it in Excel first)"
        }
        Column::Duty | Column::GoodsValue => {
            "write the amount in dollars and cents, such as `$1,234.00`"
        }
        Column::EntryType => "write the two-digit entry type, such as `01`",
        _ => "write the date as MM/DD/YYYY, as ACE does",
    }
}

/// Cells the decision rests on that could not be read, or an entry date the file lacks: the
/// entry would be declared (or corrected first) on a guess, so a person looks first. The entry
/// summary date only dates the court's later reading and is noted, not held against the entry.
fn doubtful(e: &EntryData, d: &mut Decision) -> Option<(EntryPath, &'static str)> {
    let mut deciding = e.unreadable_columns;
    deciding.remove(Column::EntrySummaryDate);
    if !deciding.is_empty() {
        let mut named: Vec<String> = Vec::new();
        for column in deciding.iter() {
            match e
                .doubtful_cells
                .iter()
                .find(|c| c.column == column && c.doubt == Doubt::Unreadable)
            {
                Some(c) if c.why.is_empty() => {
                    named.push(format!("{} - {}", c.describe(), remedy(column)));
                }
                Some(c) => {
                    named.push(format!("{} ({}) - {}", c.describe(), c.why, remedy(column)));
                }
                None => named.push(format!(
                    "`{}` unreadable - {}",
                    column.header(),
                    remedy(column)
                )),
            }
        }
        d.notes.push(format!(
            "not declared on a guess: {} could not be read, and the entry's path rests on it: {} - correct the cell and run again (the reader's findings list every such cell)",
            if named.len() == 1 { "a cell" } else { "cells" },
            named.join("; ")
        ));
        return Some((EntryPath::Review, CELL_UNREADABLE.code));
    }
    if e.entry_date.is_none() {
        let why = if e.absent_columns.contains(Column::EntryDate) {
            "the file has no `Entry Date` column"
        } else {
            "the entry's `Entry Date` is blank"
        };
        d.notes.push(format!(
            "not declared: {why}, so the IEEPA period ({IEEPA_FIRST_DAY} to {IEEPA_LAST_DAY}), a liquidation by operation of law a year after entry (19 USC 1504(a)) and the PSC window (300 days from entry) cannot be checked - fill in the entry date from ACE and run again"
        ));
        return Some((EntryPath::Review, ENTRY_DATE_UNKNOWN.code));
    }
    None
}

/// The court date at its earliest reading, and the later readings beside it.
fn court_note(d: &mut Decision) {
    match d.deadlines.court_due {
        Some(c) => {
            let mut note = format!(
                "court (28 USC 1581(i)): sue by {} at the earliest reading of when the two years start ({})",
                c.date, c.basis
            );
            if let Some(later) = d.deadlines.court_readings.note() {
                note.push_str("; ");
                note.push_str(&later);
                note.push_str(" - do not count on them");
            }
            d.notes.push(note);
        }
        None => d.notes.push(
            "court (28 USC 1581(i)): the two years cannot be dated - the file has neither an IEEPA heading capekit can date nor an entry summary or entry date; look the entry up in ACE".to_owned(),
        ),
    }
}

fn protect_by_protest_note(d: &mut Decision) {
    if let Some(p) = d.deadlines.protest_due.filter(|p| !p.passed()) {
        d.notes.push(format!(
            "a later phase has no date yet: to keep the claim alive, a protest under 19 USC 1514 is possible until {} ({})",
            p.date, p.left()
        ));
    }
}

fn protest_on_entry(
    e: &EntryData,
    liq: &Liquidation,
    d: &mut Decision,
    cape_takes_type: bool,
) -> Option<(EntryPath, &'static str)> {
    let number = e.protest_number.as_deref();
    let status_raw = e.protest_status.as_deref().unwrap_or("");
    let named = number.map_or_else(|| "the protest".to_owned(), |n| format!("protest {n}"));
    match protest_state(status_raw) {
        Some(ProtestState::Open) => {
            d.notes.push(format!(
                "{named} is `{status_raw}`: CBP rejects the entry in CAPE (PROTEST ON ENTRY) and the protest carries the claim; if it is denied, sue within 180 days of the denial (28 USC 2636(a))"
            ));
            // Withdrawing the protest helps only if CAPE takes the entry's type.
            let open_window = d
                .deadlines
                .cape_window_closes
                .filter(|w| !w.passed() && cape_takes_type);
            if let (Liquidation::Liquidated(_), Some(w)) = (liq, open_window) {
                // The withdrawal must post before CBP's batch validates the new declaration:
                // with fewer than 5 business days left in the window, keep the protest.
                let as_of = add_days(w.date, -i64::from(w.days_left)).unwrap_or(w.date);
                let business = crate::calendar::business_days_between(as_of, w.date);
                if business >= crate::calendar::WITHDRAWAL_BUSINESS_DAYS {
                    d.reasons.push(PROTEST_WITHDRAWABLE.code);
                    d.notes.push(format!(
                        "if {named} covers only IEEPA duty, it can be withdrawn and the entry declared in CAPE until {} ({}, {business} business days)",
                        w.date, w.left()
                    ));
                } else {
                    d.notes.push(format!(
                        "keep {named}: CAPE's window closes {} with {business} business day{} left, too few for a withdrawal to post before CBP validates a new declaration",
                        w.date,
                        if business == 1 { "" } else { "s" }
                    ));
                }
            }
            Some((EntryPath::Protest, OPEN_PROTEST.code))
        }
        Some(ProtestState::Closed) => closed_protest(e, &named, status_raw, d, cape_takes_type),
        Some(ProtestState::Unrecognized) => {
            d.notes.push(format!(
                "{named} has the status `{status_raw}`, which capekit cannot read as open or closed: an open protest blocks CAPE - check it in ACE"
            ));
            Some((EntryPath::Review, PROTEST_STATUS_UNKNOWN.code))
        }
        None => {
            let n = number?;
            let why = if e.absent_columns.contains(Column::ProtestStatus) {
                "the file has no `Protest Status` column"
            } else {
                "its `Protest Status` is blank"
            };
            d.notes.push(format!(
                "protest {n} is on file but {why}: an open protest blocks CAPE, a closed one does not - add `Protest Status` or check ACE"
            ));
            Some((EntryPath::Review, PROTEST_STATUS_UNKNOWN.code))
        }
    }
}

/// A decided protest: denied leads to the court (1581(a)), approved or unstated to review.
fn closed_protest(
    e: &EntryData,
    named: &str,
    status_raw: &str,
    d: &mut Decision,
    cape_takes_type: bool,
) -> Option<(EntryPath, &'static str)> {
    let court_i = d.deadlines.court_due.map_or_else(
        || "not datable from the file".to_owned(),
        |c| format!("{} ({})", c.date, c.basis),
    );
    match protest_outcome(e) {
        Some(ProtestOutcome::Denied) => {
            if let Some(w) = d
                .deadlines
                .cape_window_closes
                .filter(|w| !w.passed() && cape_takes_type)
            {
                d.notes.push(format!(
                    "{named} is `{status_raw}`: a decided protest does not block CAPE, and the CAPE window is open until {}; if CAPE refuses it, the court remains (28 USC 1581(a), 180 days from the denial; 1581(i) by {court_i})",
                    w.date
                ));
                return None;
            }
            match d.deadlines.court_1581a_due {
                Some(a) => {
                    d.notes.push(format!(
                        "{named} is `{status_raw}`: no second protest is possible (19 USC 1514); sue in the Court of International Trade under 28 USC 1581(a) by {} ({}, 28 USC 2636(a)); the 1581(i) date, kept beside it since the route for IEEPA duty is disputed, is {court_i}",
                        a.date, a.basis
                    ));
                    Some((EntryPath::Court, PROTEST_DENIED.code))
                }
                None => {
                    d.notes.push(format!(
                        "{named} is `{status_raw}` but the file has no `{}`: under 28 USC 1581(a) the suit is due 180 days after the denial (28 USC 2636(a)), under 1581(i) by {court_i} - look the decision date up in ACE; never file a second protest",
                        Column::ProtestDecisionDate.header()
                    ));
                    Some((EntryPath::Review, PROTEST_DENIED_UNDATED.code))
                }
            }
        }
        Some(ProtestOutcome::Approved) => {
            d.notes.push(format!(
                "{named} is `{status_raw}`: the IEEPA duty may already have been refunded - check the decision and any refund in ACE before declaring"
            ));
            Some((EntryPath::Review, PROTEST_APPROVED.code))
        }
        Some(ProtestOutcome::Unstated) => {
            d.notes.push(format!(
                "{named} is `{status_raw}`, which does not say whether it was approved or denied: approved, the duty may be refunded already; denied, the suit is due 180 days after the denial (28 USC 2636(a)), 1581(i) by {court_i} - check it in ACE"
            ));
            Some((EntryPath::Review, PROTEST_APPROVED.code))
        }
        Some(ProtestOutcome::Withdrawn) | None => {
            d.notes.push(format!(
                "{named} is `{status_raw}`: a withdrawn protest does not block CAPE"
            ));
            None
        }
    }
}

fn goods_value(
    e: &EntryData,
    as_of: Date,
    liq: &Liquidation,
    d: &mut Decision,
) -> (EntryPath, &'static str) {
    const PROBLEM: &str = "a goods value is reported on an IEEPA Chapter 99 line: CBP rejects the entry (GOODS VALUE AMOUNT NOT ALLOWED ON IEEPA HTS LINE)";
    if let Liquidation::Liquidated(l) = liq {
        d.notes.push(format!(
            "{PROBLEM}, and a PSC is no longer possible since the entry liquidated on {l}{}",
            d.deadlines
                .protest_due
                .map_or_else(String::new, |p| format!(
                    "; consider a protest by {}",
                    p.date
                ))
        ));
        return (EntryPath::Review, GOODS_VALUE_PSC_CLOSED.code);
    }
    let Some(psc) = d.deadlines.psc_due else {
        d.notes.push(format!(
            "{PROBLEM}; the PSC window (300 days from entry, and 15 days before scheduled liquidation) cannot be dated without the `Entry Date` - check it in ACE"
        ));
        return (EntryPath::Review, GOODS_VALUE_PSC_CLOSED.code);
    };
    if psc.passed() {
        d.notes.push(format!(
            "{PROBLEM}, and the PSC window closed on {}: check the entry in ACE or write to IEEPARefunds@cbp.dhs.gov",
            psc.date
        ));
        return (EntryPath::Review, GOODS_VALUE_PSC_CLOSED.code);
    }
    if normalized_type(e) == Some("06") && FTZ_PSC_BLOCKED.holds_on(as_of) {
        d.notes.push(format!(
            "{PROBLEM}, and since {FTZ_PSC_CHANGE} ACE refuses a PSC that modifies an IEEPA HTS line of an FTZ type 06 entry (F883 PSC NOT ALLOWED TO MODIFY IEEPA HTS): it cannot be corrected first - write to IEEPARefunds@cbp.dhs.gov"
        ));
        return (EntryPath::Review, FTZ_PSC_BLOCKED.code);
    }
    d.notes.push(format!(
        "{PROBLEM}: file a PSC moving the value to the Chapter 1-97 line by {} ({}), then declare - once on a declaration a PSC is refused (ACE condition 864)",
        psc.date, psc.left()
    ));
    if e.liquidation_status
        .as_deref()
        .is_some_and(|s| squash(s).contains("extend"))
    {
        d.notes.push(
            "liquidation is extended: if the importer asked for the extension, the PSC may be filed until 15 days before the extended date; CBP's own extensions do not reopen it - ES-003 does not say which".to_owned(),
        );
    }
    if matches!(liq, Liquidation::Unliquidated { scheduled: None }) {
        d.notes.push(
            "the scheduled liquidation date is not in the file: the PSC due date assumes ACE's usual schedule (liquidation 314 days after entry, so the PSC is due by day 299) - check the date in ACE".to_owned(),
        );
    }
    (EntryPath::CorrectFirst, GOODS_VALUE_PSC_OPEN.code)
}

fn control_status_note(e: &EntryData, d: &mut Decision) {
    let in_trade = |cs: &&str| squash(cs).contains("trade");
    if let Some(cs) = e.control_status.as_deref().filter(in_trade) {
        d.notes.push(format!(
            "control status `{cs}`: CBP answers ENTRY SUMMARY IS IN TRADE CONTROL until the entry is on a paid statement - declare it once it is"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AS_OF: Date = date(2026, 11, 24);

    fn entry() -> EntryData {
        let n = EntryNumber::parse("B7603245278").expect("valid");
        let mut e = EntryData::new(n, 2);
        e.entry_type = Some("01".into());
        // Less than a year before AS_OF: an "Unliquidated" status is then plausible
        // (19 USC 1504(a)); liquidated() sets its own dates.
        e.entry_date = Some(date(2025, 12, 15));
        e.liquidation_status = Some("Unliquidated".into());
        e.ieepa_lines = 1;
        e.ieepa_dutiable_lines = 1;
        e.ieepa_duty_cents = 123_400;
        e
    }

    fn liquidated(on: Date) -> EntryData {
        let mut e = entry();
        e.liquidation_status = Some("Liquidated".into());
        e.liquidation_date = Some(on);
        e
    }

    fn days_before(n: i64) -> Date {
        add_days(AS_OF, -n).expect("date")
    }

    fn path(e: &EntryData) -> (EntryPath, &'static str) {
        let d = decide(e, AS_OF);
        (d.path, d.reasons[0])
    }

    #[test]
    fn every_rule_names_its_source_and_renders_its_title() {
        // Codes, names and documentation: `catalogs::tests::every_catalog_keeps_the_invariants`.
        for r in PATH_RULES {
            let src = r.doc.source;
            assert!(
                ["CSMS", "USC", "CBP"].iter().any(|s| src.contains(s)),
                "{} names no source: {src}",
                r.code
            );
            assert!(crate::doc::Documented::render_text(*r).contains(r.title));
        }
    }

    #[test]
    fn code_list_snapshot() {
        let codes: Vec<String> = PATH_RULES
            .iter()
            .map(|r| format!("{} {} -> {}", r.code, r.name, r.path))
            .collect();
        insta::assert_snapshot!(codes.join("\n"));
    }

    #[test]
    fn recon_rules_change_on_the_same_day() {
        let before = path_rule(RECON_BEFORE_CHANGE.code).expect("rule");
        let after = path_rule(RECON_NOT_ACCEPTED.code).expect("rule");
        let accepted = path_rule(RECON_ACCEPTED.code).expect("rule");
        assert_eq!(before.valid_to, Some(RECON_CHANGE));
        assert_eq!(after.valid_from, Some(RECON_CHANGE));
        assert_eq!(accepted.valid_from, Some(RECON_CHANGE));
        let eve = date(2026, 6, 28);
        assert!(before.holds_on(eve) && !after.holds_on(eve));
        assert!(!before.holds_on(RECON_CHANGE) && after.holds_on(RECON_CHANGE));
    }

    #[test]
    fn p001_entered_outside_ieepa_period() {
        let mut e = entry();
        // No IEEPA duty shown: outside the period, nothing to refund.
        e.ieepa_dutiable_lines = 0;
        e.ieepa_duty_cents = 0;
        e.entry_date = Some(date(2025, 2, 3));
        assert_eq!(path(&e), (EntryPath::NotRefundable, "P001"));
        e.entry_date = Some(date(2026, 2, 24));
        assert_eq!(path(&e), (EntryPath::NotRefundable, "P001"));
        let mut e = entry();
        for inside in [IEEPA_FIRST_DAY, IEEPA_LAST_DAY] {
            e.entry_date = Some(inside);
            e.liquidation_status = Some("Liquidation Extended".into());
            assert_eq!(path(&e).0, EntryPath::Cape, "{inside}");
        }
    }

    #[test]
    fn p002_no_dutiable_ieepa_line() {
        let mut e = entry();
        e.ieepa_dutiable_lines = 0;
        e.ieepa_duty_cents = 0;
        e.other_chapter_99.section_301_cents = 5_000;
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::NotRefundable, "P002"));
        assert!(
            d.notes[0].contains("$50.00 of Section 301"),
            "{:?}",
            d.notes
        );
        e.ieepa_lines = 0;
        assert_eq!(path(&e), (EntryPath::NotRefundable, "P002"));
    }

    #[test]
    fn missing_hts_or_duty_does_not_make_an_entry_not_refundable() {
        let mut e = entry();
        e.ieepa_lines = 0;
        e.ieepa_dutiable_lines = 0;
        e.absent_columns.insert(Column::Hts);
        e.absent_columns.insert(Column::Duty);
        let d = decide(&e, AS_OF);
        assert_eq!(d.path, EntryPath::Cape);
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains("`HTS Number - Full` not in the file")),
            "{:?}",
            d.notes
        );
        // An IEEPA line whose duty could not be read proves nothing either: not written off,
        // and not declared on a guess (P036).
        let mut e = entry();
        e.ieepa_dutiable_lines = 0;
        e.unreadable_columns.insert(Column::Duty);
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P036"));
        assert!(
            d.notes.iter().any(|n| n.contains("unreadable")),
            "{:?}",
            d.notes
        );
    }

    #[test]
    fn p036_an_unreadable_deciding_cell_is_review_naming_the_cell() {
        // The entry's only Chapter 99 line has its HTS number in scientific notation.
        let mut e = entry();
        e.ieepa_lines = 0;
        e.ieepa_dutiable_lines = 0;
        e.ieepa_duty_cents = 0;
        e.add_doubt(
            Column::Hts,
            Doubt::Unreadable,
            "line 3".into(),
            "9.90E+07",
            "a number in scientific notation: Excel converted the column",
        );
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P036"));
        let note = d
            .notes
            .iter()
            .find(|n| n.contains("9.90E+07"))
            .expect("note");
        assert!(note.contains("line 3"), "{note}");
        assert!(note.contains("export the HTS column as text"), "{note}");
        // The heading is unknown, so the court date is the first order's, not the deposit's
        // (entry 2025-12-15 + 2 years) that a fentanyl-order heading would beat.
        assert_eq!(
            d.deadlines.court_due.map(|c| c.date),
            Some(date(2027, 2, 1))
        );
        // Beside a readable dutiable IEEPA line, an unreadable one may still carry a goods
        // value that must be corrected first: review too.
        let mut e = entry();
        e.add_doubt(Column::Hts, Doubt::Unreadable, "line 9".into(), "N/A", "x");
        assert_eq!(path(&e), (EntryPath::Review, "P036"));
        // Every deciding column, and only the entry summary date is noted, not held.
        for c in [
            Column::Duty,
            Column::GoodsValue,
            Column::EntryType,
            Column::EntryDate,
            Column::LiquidationDate,
            Column::ProtestDecisionDate,
        ] {
            let mut e = entry();
            e.unreadable_columns.insert(c);
            if c == Column::EntryDate {
                e.entry_date = None;
            }
            assert_eq!(path(&e), (EntryPath::Review, "P036"), "{c}");
        }
        let mut e = entry();
        e.unreadable_columns.insert(Column::EntrySummaryDate);
        assert_eq!(path(&e), (EntryPath::Cape, "P017"));
        // A liquidated entry past the CAPE window keeps its protest: the cell does not change it.
        let mut e = liquidated(days_before(100));
        e.unreadable_columns.insert(Column::Hts);
        assert_eq!(path(&e), (EntryPath::Protest, "P014"));
    }

    #[test]
    fn p041_rows_that_disagree_on_a_deciding_value_are_review_with_both_readings() {
        // Kept: liquidated 30 days ago (CAPE); the other row: 200 days ago (court).
        let mut e = liquidated(days_before(30));
        e.add_doubt(
            Column::LiquidationDate,
            Doubt::Conflicting,
            "line 3".into(),
            "05/08/2026",
            "`2026-10-25` on line 2",
        );
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P041"));
        let note = d
            .notes
            .iter()
            .find(|n| n.contains("disagree"))
            .expect("note");
        assert!(
            note.contains(
                "line 3: `05/08/2026` in `Liquidation Date` against `2026-10-25` on line 2"
            ),
            "{note}"
        );
        assert!(note.contains("read as liquidated on 2026-05-08: the CAPE window closes 2026-07-27 and the protest is due 2026-11-04"), "{note}");
        // An entry type 47 on another row: never declared.
        let mut e = entry();
        e.add_doubt(
            Column::EntryType,
            Doubt::Conflicting,
            "line 5".into(),
            "47",
            "`01` on line 4",
        );
        assert_eq!(path(&e), (EntryPath::Review, "P041"));
        // Nothing to refund stays nothing to refund.
        e.ieepa_dutiable_lines = 0;
        e.ieepa_lines = 0;
        assert_eq!(path(&e), (EntryPath::NotRefundable, "P002"));
    }

    #[test]
    fn p037_a_blank_or_absent_entry_date_is_review() {
        let mut e = entry();
        e.entry_date = None;
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P037"));
        assert!(
            d.notes.iter().any(|n| n.contains("`Entry Date` is blank")),
            "{:?}",
            d.notes
        );
        e.absent_columns.insert(Column::EntryDate);
        let d = decide(&liquidated(days_before(10)), AS_OF);
        assert_eq!(d.path, EntryPath::Cape);
        let mut e = liquidated(days_before(70));
        e.entry_date = None;
        e.absent_columns.insert(Column::EntryDate);
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P037"));
        assert!(
            d.notes.iter().any(|n| n.contains("no `Entry Date` column")),
            "{:?}",
            d.notes
        );
        // Its CAPE window still alarms: review keeps every deadline in view.
        assert!(d.urgent_deadline().is_some());
    }

    #[test]
    fn p038_a_negative_ieepa_duty_is_neither_declared_nor_written_off() {
        let mut e = entry();
        e.ieepa_dutiable_lines = 0;
        e.ieepa_duty_cents = 0;
        e.ieepa_negative_duty_lines = 1;
        e.add_doubt(
            Column::Duty,
            Doubt::NegativeIeepaDuty,
            "line 4".into(),
            "($740.00)",
            "",
        );
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P038"));
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains("line 4: `($740.00)` in `Line Tariff Duty Amount`")),
            "{:?}",
            d.notes
        );
        // Beside another dutiable line too.
        let mut e = entry();
        e.ieepa_negative_duty_lines = 1;
        assert_eq!(path(&e), (EntryPath::Review, "P038"));
    }

    #[test]
    fn p003_excluded_entry_types_are_never_later_phase() {
        // Unliquidated: no protest yet, no phase announced - a person decides.
        for t in EXCLUDED_ENTRY_TYPES {
            let mut e = entry();
            e.entry_type = Some(t.into());
            let d = decide(&e, AS_OF);
            let want = if t == "47" { "P040" } else { "P003" };
            assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, want), "{t}");
            assert!(
                d.notes
                    .iter()
                    .any(|n| n.contains(&format!("entry type {t}")))
            );
        }
        // 08 and 09 follow their liquidation: protest within 180 days (inside the 80-day CAPE
        // window too), court past it; 47 stays review.
        for (t, age, want) in [
            ("08", 10, (EntryPath::Protest, "P039")),
            ("09", 150, (EntryPath::Protest, "P039")),
            ("09", 181, (EntryPath::Court, "P013")),
            ("47", 10, (EntryPath::Review, "P040")),
            ("47", 181, (EntryPath::Review, "P040")),
        ] {
            let mut e = liquidated(days_before(age));
            e.entry_type = Some(t.into());
            let d = decide(&e, AS_OF);
            assert_eq!((d.path, d.reasons[0]), want, "{t} {age}");
            assert_ne!(d.path, EntryPath::LaterPhase);
        }
        // An open protest on an 08 inside the window is not withdrawable: CAPE would not take it.
        let mut e = liquidated(days_before(10));
        e.entry_type = Some("08".into());
        e.protest_status = Some("Open".into());
        assert_eq!(decide(&e, AS_OF).reasons, vec!["P008"]);
        // A denied protest on an 09 inside the window goes to the court, never a new protest.
        let mut e = liquidated(days_before(10));
        e.entry_type = Some("09".into());
        e.protest_status = Some("Denied".into());
        e.protest_decision_date = Some(days_before(5));
        assert_eq!(path(&e), (EntryPath::Court, "P022"));
    }

    #[test]
    fn p004_drawback_linked() {
        let mut e = entry();
        e.drawback = Some("Y".into());
        assert_eq!(path(&e), (EntryPath::LaterPhase, "P004"));
        e.drawback = Some("N".into());
        assert_eq!(path(&e).0, EntryPath::Cape);
    }

    #[test]
    fn p005_recon_flagged_before_change() {
        let mut e = entry();
        e.reconciliation_indicator = Some("001".into());
        let d = decide(&e, date(2026, 6, 28));
        assert_eq!((d.path, d.reasons[0]), (EntryPath::LaterPhase, "P005"));
    }

    #[test]
    fn p006_recon_flagged_with_type_09_or_other_type() {
        let mut e = entry();
        e.reconciliation_indicator = Some("Y".into());
        e.reconciliation_entry_number = Some("B7699999990".into());
        assert_eq!(path(&e), (EntryPath::LaterPhase, "P006"));
        let mut e = entry();
        e.reconciliation_indicator = Some("Y".into());
        e.entry_type = Some("03".into());
        assert_eq!(path(&e), (EntryPath::LaterPhase, "P006"));
    }

    #[test]
    fn p007_recon_flagged_accepted_from_change_day() {
        for t in RECON_ACCEPTED_TYPES {
            let mut e = entry();
            e.entry_type = Some(t.into());
            e.reconciliation_indicator = Some("Y".into());
            e.absent_columns.insert(Column::ReconciliationEntryNumber);
            let d = decide(&e, RECON_CHANGE);
            assert_eq!(d.path, EntryPath::Cape, "{t}");
            assert_eq!(d.reasons, vec!["P017", "P007"]);
            assert!(d.notes.iter().any(|n| n.contains("the file does not say")));
        }
        let mut e = entry();
        e.reconciliation_indicator = Some("N".into());
        assert_eq!(decide(&e, AS_OF).reasons, vec!["P017"]);
    }

    #[test]
    fn p008_open_protest_and_p009_withdrawable() {
        let mut e = liquidated(days_before(30));
        e.protest_number = Some("270425100123".into());
        e.protest_status = Some("Suspended".into());
        let d = decide(&e, AS_OF);
        assert_eq!(d.path, EntryPath::Protest);
        assert_eq!(d.reasons, vec!["P008", "P009"]);
        assert!(
            d.notes.iter().any(|n| n.contains("withdrawn")),
            "{:?}",
            d.notes
        );
        // With fewer than 5 business days left in the window: keep the protest. As of Monday
        // 2026-11-23, a window closing Thursday 2026-11-26 (Thanksgiving) has three.
        let mut e = liquidated(jiff::civil::date(2026, 9, 7));
        e.protest_status = Some("Open".into());
        let d = decide(&e, jiff::civil::date(2026, 11, 23));
        assert_eq!(d.reasons, vec!["P008"]);
        assert!(
            d.notes.iter().any(|n| n.starts_with("keep")),
            "{:?}",
            d.notes
        );
        // Past the window the protest still carries the claim, without the withdrawal note.
        let mut e = liquidated(days_before(81));
        e.protest_status = Some("Open".into());
        assert_eq!(decide(&e, AS_OF).reasons, vec!["P008"]);
        // A withdrawn protest does not block.
        let mut e = entry();
        e.protest_number = Some("270425100123".into());
        e.protest_status = Some("Withdrawn".into());
        assert_eq!(path(&e), (EntryPath::Cape, "P017"));
    }

    #[test]
    fn p010_protest_status_unknown() {
        let mut e = entry();
        e.protest_number = Some("270425100123".into());
        e.absent_columns.insert(Column::ProtestStatus);
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P010"));
        assert!(d.notes.iter().any(|n| n.contains("`Protest Status`")));
        e.protest_status = Some("Xyzzy".into());
        assert_eq!(path(&e), (EntryPath::Review, "P010"));
    }

    #[test]
    fn p011_liquidation_columns_absent() {
        let mut e = entry();
        e.liquidation_status = None;
        e.absent_columns.insert(Column::LiquidationStatus);
        e.absent_columns.insert(Column::LiquidationDate);
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P011"));
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains("`Liquidation Status`") && n.contains("`Liquidation Date`")),
            "{:?}",
            d.notes
        );
        // A stronger rule still decides.
        e.entry_type = Some("47".into());
        assert_eq!(path(&e), (EntryPath::Review, "P040"));
    }

    #[test]
    fn p012_liquidated_without_date() {
        let mut e = entry();
        e.liquidation_status = Some("LIQUIDATED".into());
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P012"));
        assert!(d.notes.iter().any(|n| n.contains("`Liquidation Date`")));
        assert_eq!(d.deadlines.cape_window_closes, None);
        // An unreadable date with no status is unclear too.
        let mut e = entry();
        e.liquidation_status = None;
        e.unreadable_columns.insert(Column::LiquidationDate);
        assert_eq!(path(&e), (EntryPath::Review, "P012"));
    }

    #[test]
    fn p013_court_after_day_180() {
        let e = liquidated(days_before(181));
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Court, "P013"));
        assert!(
            d.notes.iter().any(|n| n.contains("disputed")),
            "{:?}",
            d.notes
        );
        assert_eq!(d.deadlines.protest_due.map(|p| p.days_left), Some(-1));
    }

    #[test]
    fn p014_protest_from_day_81_to_180() {
        for age in [81, 180] {
            let d = decide(&liquidated(days_before(age)), AS_OF);
            assert_eq!(
                (d.path, d.reasons[0]),
                (EntryPath::Protest, "P014"),
                "{age}"
            );
        }
        let d = decide(&liquidated(days_before(180)), AS_OF);
        assert_eq!(d.deadlines.protest_due.map(|p| p.days_left), Some(0));
        assert_eq!(d.deadlines.protest_due.map(|p| p.date), Some(AS_OF));
    }

    #[test]
    fn p015_goods_value_correct_first_while_psc_open() {
        let mut e = entry();
        e.entry_date = Some(date(2026, 2, 20));
        e.ieepa_goods_value_on_99_line = true;
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::CorrectFirst, "P015"));
        // 2026-02-20 + 314 days - 15 days (the usual schedule), one day before entry + 300.
        assert_eq!(
            d.deadlines.psc_due.map(|p| p.date),
            Some(date(2026, 12, 16))
        );
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains("scheduled liquidation date is not in the file"))
        );
        // A scheduled liquidation brings the PSC due date forward to 15 days before it.
        e.liquidation_date = Some(date(2026, 12, 20));
        let d = decide(&e, AS_OF);
        assert_eq!(d.deadlines.psc_due.map(|p| p.date), Some(date(2026, 12, 5)));
        assert_eq!(d.path, EntryPath::CorrectFirst);
    }

    #[test]
    fn p016_goods_value_when_psc_closed_or_undatable() {
        let mut e = entry();
        e.entry_date = Some(date(2025, 6, 2));
        e.liquidation_status = Some("Liquidation Extended".into());
        e.ieepa_goods_value_on_99_line = true;
        assert_eq!(path(&e), (EntryPath::Review, "P016"));
        e.entry_date = None;
        e.absent_columns.insert(Column::EntryDate);
        assert_eq!(path(&e), (EntryPath::Review, "P037"));
        let mut e = liquidated(days_before(10));
        e.ieepa_goods_value_on_99_line = true;
        assert_eq!(path(&e), (EntryPath::Review, "P016"));
    }

    #[test]
    fn p017_unliquidated() {
        let d = decide(&entry(), AS_OF);
        assert_eq!(
            (d.path, d.reasons.as_slice()),
            (EntryPath::Cape, &["P017"][..])
        );
        assert_eq!(d.deadlines.cape_window_closes, None);
        assert_eq!(d.deadlines.protest_due, None);
        assert!(!is_urgent(&d));
        // Extended and suspended entries are unliquidated.
        for s in ["Extended", "Liquidation Suspended", "Unliquidated"] {
            let mut e = entry();
            e.liquidation_status = Some(s.into());
            assert_eq!(path(&e), (EntryPath::Cape, "P017"), "{s}");
        }
        // An empty date in a present column with no status reads as unliquidated.
        let mut e = entry();
        e.liquidation_status = None;
        e.absent_columns.insert(Column::LiquidationStatus);
        assert_eq!(path(&e), (EntryPath::Cape, "P017"));
    }

    #[test]
    fn p018_day_80_is_in_and_day_81_is_out() {
        let d = decide(&liquidated(days_before(80)), AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Cape, "P018"));
        let w = d.deadlines.cape_window_closes.expect("window");
        assert_eq!((w.date, w.days_left), (AS_OF, 0));
        let d = decide(&liquidated(days_before(81)), AS_OF);
        assert_eq!(d.path, EntryPath::Protest);
        assert_eq!(
            d.deadlines.cape_window_closes.map(|w| w.days_left),
            Some(-1)
        );
    }

    #[test]
    fn p019_urgent_within_14_days() {
        let d = decide(&liquidated(days_before(66)), AS_OF);
        assert!(is_urgent(&d));
        assert_eq!(d.reasons, vec!["P018", "P019"]);
        assert!(d.notes.iter().any(|n| n.starts_with("urgent")));
        let d = decide(&liquidated(days_before(65)), AS_OF);
        assert!(!is_urgent(&d), "15 days left is not urgent");
        assert_eq!(d.reasons, vec!["P018"]);
    }

    #[test]
    fn liquidation_date_without_status() {
        let mut e = entry();
        e.liquidation_status = None;
        e.absent_columns.insert(Column::LiquidationStatus);
        e.liquidation_date = Some(days_before(100));
        assert_eq!(path(&e), (EntryPath::Protest, "P014"));
        // A future date can only be the scheduled liquidation.
        e.liquidation_date = Some(add_days(AS_OF, 30).expect("date"));
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Cape, "P017"));
        assert!(d.notes.iter().any(|n| n.contains("scheduled")));
    }

    #[test]
    fn leap_years() {
        // 2028-02-29 + 80 days = 2028-05-19; + 180 days = 2028-08-27.
        let liq = date(2028, 2, 29);
        let mut e = liquidated(liq);
        e.entry_date = Some(date(2025, 12, 1));
        let d = decide(&e, date(2028, 5, 19));
        assert_eq!(d.path, EntryPath::Cape);
        assert_eq!(
            d.deadlines.cape_window_closes.map(|w| w.date),
            Some(date(2028, 5, 19))
        );
        assert_eq!(decide(&e, date(2028, 5, 20)).path, EntryPath::Protest);
        assert_eq!(
            d.deadlines.protest_due.map(|p| p.date),
            Some(date(2028, 8, 27))
        );
        assert_eq!(decide(&e, date(2028, 8, 27)).path, EntryPath::Protest);
        let late = decide(&e, date(2028, 8, 28));
        assert_eq!(late.path, EntryPath::Court);
        // Two years from 2028-02-29 is 2030-02-28 (no 29th).
        assert!(
            late.notes.iter().any(|n| n.contains("2030-02-28")),
            "{:?}",
            late.notes
        );
        // Across 2024-02-29: 2024-02-10 + 80 days = 2024-04-30.
        assert_eq!(add_days(date(2024, 2, 10), 80), Some(date(2024, 4, 30)));
        assert_eq!(add_days(date(2025, 2, 10), 80), Some(date(2025, 5, 1)));
    }

    #[test]
    fn precedence_not_refundable_over_everything() {
        let mut e = liquidated(days_before(300));
        e.entry_type = Some("47".into());
        e.protest_status = Some("Open".into());
        e.ieepa_goods_value_on_99_line = true;
        e.entry_date = Some(date(2024, 12, 1));
        e.ieepa_dutiable_lines = 0;
        e.ieepa_duty_cents = 0;
        assert_eq!(path(&e), (EntryPath::NotRefundable, "P001"));
    }

    #[test]
    fn precedence_later_phase_over_protest_and_liquidation() {
        let mut e = liquidated(days_before(300));
        e.entry_type = Some("21".into());
        e.protest_status = Some("Open".into());
        assert_eq!(path(&e), (EntryPath::LaterPhase, "P032"));
        // A type CAPE excludes has no later phase to wait for: the open protest carries it.
        e.entry_type = Some("09".into());
        assert_eq!(path(&e), (EntryPath::Protest, "P008"));
        let mut e = liquidated(days_before(100));
        e.drawback = Some("Y".into());
        let d = decide(&e, AS_OF);
        assert_eq!(d.path, EntryPath::LaterPhase);
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains("protest under 19 USC 1514 is possible"))
        );
    }

    #[test]
    fn precedence_open_protest_over_liquidation_age_and_missing_liquidation() {
        let mut e = liquidated(days_before(300));
        e.protest_status = Some("Pending".into());
        assert_eq!(path(&e), (EntryPath::Protest, "P008"));
        let mut e = entry();
        e.liquidation_status = Some("Liquidated".into());
        e.protest_status = Some("Open".into());
        assert_eq!(path(&e), (EntryPath::Protest, "P008"));
    }

    #[test]
    fn precedence_liquidation_age_over_correct_first() {
        let mut e = liquidated(days_before(100));
        e.ieepa_goods_value_on_99_line = true;
        assert_eq!(path(&e), (EntryPath::Protest, "P014"));
        let mut e = liquidated(days_before(200));
        e.ieepa_goods_value_on_99_line = true;
        assert_eq!(path(&e), (EntryPath::Court, "P013"));
    }

    #[test]
    fn precedence_review_for_missing_liquidation_over_cape_and_correct_first() {
        let mut e = entry();
        e.entry_date = Some(date(2026, 2, 20));
        e.ieepa_goods_value_on_99_line = true;
        e.liquidation_status = None;
        e.absent_columns.insert(Column::LiquidationStatus);
        e.absent_columns.insert(Column::LiquidationDate);
        assert_eq!(path(&e), (EntryPath::Review, "P011"));
    }

    #[test]
    fn deadlines_are_filled_whatever_the_path() {
        let mut e = liquidated(days_before(100));
        e.entry_date = Some(date(2025, 6, 2));
        e.entry_type = Some("08".into());
        let d = decide(&e, AS_OF);
        assert_eq!(d.path, EntryPath::Protest);
        assert_eq!(d.deadlines.protest_due.map(|p| p.days_left), Some(80));
        assert_eq!(
            d.deadlines.cape_window_closes.map(|p| p.days_left),
            Some(-20)
        );
        // No PSC deadline beside a liquidated entry: a PSC is impossible once liquidated.
        assert_eq!(d.deadlines.psc_due, None);
        assert!(
            d.psc_closed
                .as_deref()
                .is_some_and(|w| w.contains("liquidated"))
        );
        // Unliquidated, its PSC window open: the date shows.
        let mut e = entry();
        e.entry_date = Some(date(2026, 2, 20));
        let d = decide(&e, AS_OF);
        assert_eq!(
            d.deadlines.psc_due.map(|p| p.date),
            Some(date(2026, 12, 16))
        );
        // Its window closed: no date, and the reason where the PSC matters.
        let mut e = entry();
        e.entry_date = Some(date(2025, 6, 2));
        e.liquidation_status = Some("Extended".into());
        e.unreadable_columns.insert(Column::GoodsValue);
        let d = decide(&e, AS_OF);
        assert_eq!(d.path, EntryPath::Review);
        assert_eq!(d.deadlines.psc_due, None);
        assert!(
            d.notes
                .iter()
                .any(|n| n.starts_with(
                    "no PSC is likely possible: on ACE's usual schedule the PSC window closed on 2026-03-28"
                )),
            "{:?}",
            d.notes
        );
    }

    #[test]
    fn trade_control_status_is_noted() {
        let mut e = entry();
        e.control_status = Some("Trade".into());
        let d = decide(&e, AS_OF);
        assert_eq!(d.path, EntryPath::Cape);
        assert!(d.notes.iter().any(|n| n.contains("TRADE CONTROL")));
    }

    #[test]
    fn flags_and_statuses() {
        for yes in ["Y", "yes", "1", "001", "X", "DBK123"] {
            assert_eq!(flag_value(yes), Some(true), "{yes}");
        }
        for no in ["N", "No", "0", "000", "false"] {
            assert_eq!(flag_value(no), Some(false), "{no}");
        }
        assert_eq!(flag_value("  "), None);
        assert_eq!(
            liquidation_status("Reliquidated"),
            Some(LiqStatus::Liquidated)
        );
        assert_eq!(
            liquidation_status("Final Liquidation"),
            Some(LiqStatus::Liquidated)
        );
        assert_eq!(
            liquidation_status("Liquidation Extended"),
            Some(LiqStatus::Unliquidated)
        );
        assert_eq!(liquidation_status("??"), None);
        assert_eq!(liquidation_status("Zebra"), Some(LiqStatus::Unrecognized));
        assert_eq!(
            protest_state("Approved in part"),
            Some(ProtestState::Closed)
        );
        assert_eq!(protest_state("Suspended"), Some(ProtestState::Open));
    }

    #[test]
    fn chapter_99_programs() {
        assert_eq!(chapter_99("99030125"), Some(Chapter99::Ieepa));
        assert_eq!(chapter_99("9903024500"), Some(Chapter99::Ieepa));
        assert_eq!(chapter_99("99030301"), Some(Chapter99::Section122));
        assert_eq!(chapter_99("99038815"), Some(Chapter99::Section301));
        assert_eq!(chapter_99("99038501"), Some(Chapter99::Section232));
        assert_eq!(chapter_99("8471300100"), None);
        assert_eq!(chapter_99("99"), None);
    }

    #[test]
    fn money_and_column_sets_render() {
        assert_eq!(format_cents(123_456), "$1,234.56");
        assert_eq!(format_cents(-1_200), "-$12.00");
        assert_eq!(format_cents(5), "$0.05");
        let mut s = ColumnSet::EMPTY;
        s.insert(Column::LiquidationDate);
        s.insert(Column::EntryNumber);
        assert_eq!(s.len(), 2);
        assert_eq!(
            serde_json::to_string(&s).expect("json"),
            r#"["Entry Summary Number","Liquidation Date"]"#
        );
        assert_eq!(s.complement().len(), Column::ALL.len() - 2);
    }

    #[test]
    fn p013_court_date_counts_from_the_order_not_liquidation() {
        // Before: two years from liquidation (2028-05-28), a year after the safe date.
        let mut e = liquidated(days_before(181));
        e.ieepa_orders.add_heading("99030110");
        e.entry_summary_date = Some(date(2025, 6, 9));
        let d = decide(&e, AS_OF);
        let c = d.deadlines.court_due.expect("court date");
        assert_eq!(c.date, date(2027, 2, 1));
        assert_eq!(c.days_left, 69);
        assert!(!d.urgent_deadline().is_some_and(|u| u.kind.is_court()));
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains("2027-02-01") && n.contains("2027-06-09"))
        );
        // Sixty days before, the court deadline makes the entry urgent (P021).
        let d = decide(&e, date(2026, 12, 3));
        assert_eq!(
            d.urgent_deadline().map(|u| u.kind),
            Some(DeadlineKind::Court1581i)
        );
        assert!(d.reasons.contains(&"P021"), "{:?}", d.reasons);
        let d = decide(&e, date(2026, 12, 2));
        assert!(!d.reasons.contains(&"P021"));
        // No heading the table dates: deposit + 2 years.
        e.ieepa_orders = OrderSet::EMPTY;
        let c = decide(&e, AS_OF).deadlines.court_due.expect("court date");
        assert_eq!(c.date, date(2027, 6, 9));
    }

    #[test]
    fn p020_protest_due_today_and_psc_in_12_days_are_urgent() {
        let d = decide(&liquidated(days_before(180)), AS_OF);
        assert_eq!(d.path, EntryPath::Protest);
        assert_eq!(
            d.urgent_deadline().map(|u| (u.kind, u.days_left)),
            Some((DeadlineKind::Protest, 0))
        );
        assert!(d.reasons.contains(&"P020"));
        let d = decide(&liquidated(days_before(166)), AS_OF);
        assert!(d.urgent_deadline().is_some(), "14 days left is urgent");
        let d = decide(&liquidated(days_before(165)), AS_OF);
        assert!(d.urgent_deadline().is_none(), "15 days left is not");
        let mut e = entry();
        e.entry_date = Some(date(2026, 2, 10));
        e.ieepa_goods_value_on_99_line = true;
        let d = decide(&e, AS_OF);
        assert_eq!(d.path, EntryPath::CorrectFirst);
        let u = d.urgent_deadline().expect("urgent");
        assert_eq!(u.kind, DeadlineKind::Psc);
        assert!(u.days_left <= 14);
    }

    #[test]
    fn p022_denied_protest_goes_to_court_within_180_days_of_the_denial() {
        let mut e = liquidated(days_before(150));
        e.protest_number = Some("270426100281".into());
        e.protest_status = Some("Denied".into());
        e.protest_decision_date = Some(date(2026, 10, 1));
        e.ieepa_orders.add_heading("99030125");
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Court, "P022"));
        assert_eq!(
            d.deadlines.court_1581a_due.map(|a| a.date),
            Some(date(2027, 3, 30))
        );
        assert!(d.notes.iter().any(|n| n.contains("no second protest")));
        assert!(
            d.notes.iter().any(|n| n.contains("2027-04-02")),
            "1581(i) beside: {:?}",
            d.notes
        );
        let kinds: Vec<DeadlineKind> = d.deadlines_that_matter().map(|x| x.kind).collect();
        assert_eq!(
            kinds,
            vec![DeadlineKind::Court1581i, DeadlineKind::Court1581a]
        );
        let fix = d.rule().map(|r| r.doc.fix).unwrap_or_default();
        assert!(!fix.contains("File a protest"), "{fix}");
    }

    #[test]
    fn p023_denied_protest_without_date_names_both_rules() {
        let mut e = liquidated(days_before(150));
        e.protest_number = Some("270426100281".into());
        e.protest_status = Some("DENIED".into());
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P023"));
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains("1581(a)") && n.contains("1581(i)"))
        );
    }

    #[test]
    fn p024_approved_protest_is_review() {
        // A protest denied in part was approved in part: the duty may be refunded already.
        for status in [
            "Approved",
            "Approved in part",
            "Decided",
            "Denied in Part",
            "Partially Denied",
        ] {
            let mut e = liquidated(days_before(150));
            e.protest_number = Some("270426100281".into());
            e.protest_status = Some(status.into());
            assert_eq!(path(&e), (EntryPath::Review, "P024"), "{status}");
        }
    }

    #[test]
    fn p025_ieepa_duty_outside_the_period_is_review_not_written_off() {
        let mut e = liquidated(days_before(30));
        e.entry_date = Some(date(2025, 2, 3));
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P025"));
        assert!(d.deadlines.cape_window_closes.is_some());
        assert!(d.urgent_deadline().is_none());
    }

    #[test]
    fn p026_blank_duty_cell_is_unknown_not_zero() {
        let mut e = entry();
        e.ieepa_dutiable_lines = 0;
        e.ieepa_duty_cents = 0;
        e.ieepa_blank_duty_lines = 1;
        assert_eq!(path(&e), (EntryPath::Review, "P026"));
        // An explicit zero is an exemption line.
        e.ieepa_blank_duty_lines = 0;
        assert_eq!(path(&e), (EntryPath::NotRefundable, "P002"));
    }

    #[test]
    fn p027_unliquidated_beside_a_past_date_or_a_year_after_entry() {
        // The issue's case: liquidation date 170 days ago, protest due in 10 days.
        let mut e = entry();
        e.liquidation_date = Some(days_before(170));
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P027"));
        assert_eq!(d.deadlines.protest_due.map(|p| p.days_left), Some(10));
        assert_eq!(
            d.urgent_deadline().map(|u| u.kind),
            Some(DeadlineKind::Protest)
        );
        // More than a year after entry with no extension: deemed liquidated a year after entry.
        let mut e = entry();
        e.entry_date = Some(date(2025, 6, 2));
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P027"));
        assert_eq!(
            d.deadlines.protest_due.map(|p| p.date),
            Some(date(2026, 11, 29))
        );
        assert!(d.notes.iter().any(|n| n.contains("1504(a)")));
        // Extended or suspended: not stale.
        e.liquidation_status = Some("Extended".into());
        assert_eq!(path(&e), (EntryPath::Cape, "P017"));
    }

    #[test]
    fn p028_liquidated_with_a_future_date() {
        let e = liquidated(add_days(AS_OF, 20).expect("date"));
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P028"));
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains("scheduled") && n.contains("2027-03-04"))
        );
    }

    #[test]
    fn p029_tib_type_23_is_review() {
        let mut e = entry();
        e.entry_type = Some("23".into());
        assert_eq!(path(&e), (EntryPath::Review, "P029"));
    }

    #[test]
    fn p030_p031_adcvd() {
        let mut e = entry();
        e.adcvd = Some("Pending Liquidation".into());
        assert_eq!(path(&e), (EntryPath::LaterPhase, "P030"));
        e.adcvd = Some("Y".into());
        assert_eq!(path(&e), (EntryPath::Review, "P031"));
        e.adcvd = Some("Suspended".into());
        assert_eq!(path(&e), (EntryPath::Cape, "P017"));
        e.adcvd = Some("N".into());
        assert_eq!(path(&e), (EntryPath::Cape, "P017"));
    }

    #[test]
    fn an_adcvd_entry_a_year_old_is_not_deemed_liquidated() {
        // Unliquidated, entered more than a year ago: without AD/CVD, deemed liquidated (P027)
        // with a protest date; with it, liquidation is suspended by law (19 USC 1504(b)).
        let mut e = entry();
        e.entry_date = Some(date(2025, 6, 10));
        e.ieepa_orders.add_heading("99030125");
        let d = decide(&e, AS_OF);
        assert_eq!(d.reasons[0], "P027");
        assert!(d.deadlines.protest_due.is_some());
        for (status, want) in [
            ("Pending Liquidation", (EntryPath::LaterPhase, "P030")),
            ("Suspended", (EntryPath::Cape, "P017")),
            ("Y", (EntryPath::Review, "P031")),
        ] {
            e.adcvd = Some(status.into());
            let d = decide(&e, AS_OF);
            assert_eq!((d.path, d.reasons[0]), want, "{status}");
            assert_eq!(d.deadlines.protest_due, None, "{status}");
            assert_eq!(d.deadlines.cape_window_closes, None, "{status}");
            assert!(!d.reasons.contains(&"P020"), "{status}");
            // The court clock does not wait for liquidation.
            assert_eq!(
                d.deadlines.court_due.map(|c| c.date),
                Some(date(2027, 4, 2)),
                "{status}"
            );
            assert!(
                d.notes.iter().any(|n| n.contains("19 USC 1504(b)")),
                "{status}: {:?}",
                d.notes
            );
        }
    }

    #[test]
    fn p032_warehouse_entries_from_2026_07_07() {
        let mut e = entry();
        e.entry_type = Some("21".into());
        assert_eq!(path(&e), (EntryPath::LaterPhase, "P032"));
        assert!(
            decide(&e, AS_OF)
                .notes
                .iter()
                .any(|n| n.contains("31, 32, 34, 38"))
        );
        assert_eq!(decide(&e, date(2026, 7, 6)).path, EntryPath::Cape);
        e.entry_type = Some("32".into());
        assert_eq!(path(&e).0, EntryPath::Cape);
    }

    #[test]
    fn p033_phase_3_for_importers_that_sued() {
        let mut e = liquidated(days_before(300));
        e.importer_number = Some("27-184593000".into());
        let mut ctx = PathContext::default();
        ctx.add_phase3_importer("27184593000", true);
        let d = decide_with(&e, AS_OF, &ctx);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Phase3, "P033"));
        assert!(
            d.deadlines_that_matter()
                .any(|x| x.kind == DeadlineKind::Court1581i)
        );
        // Before Phase 3 opened, or IOR not submitted by 2026-07-30: the court.
        assert_eq!(
            decide_with(&e, date(2026, 10, 5), &ctx).path,
            EntryPath::Court
        );
        ctx.add_phase3_importer("27-184593000", false);
        assert_eq!(decide_with(&e, AS_OF, &ctx).path, EntryPath::Court);
        // 81 to 180 days past liquidation keeps the protest route.
        ctx.add_phase3_importer("27-184593000", true);
        let mut e = liquidated(days_before(100));
        e.importer_number = Some("27-184593000".into());
        assert_eq!(decide_with(&e, AS_OF, &ctx).path, EntryPath::Protest);
    }

    #[test]
    fn p034_ftz_06_psc_blocked_from_2026_08_21() {
        let mut e = entry();
        e.entry_type = Some("06".into());
        e.entry_date = Some(date(2026, 2, 20));
        e.ieepa_goods_value_on_99_line = true;
        assert_eq!(path(&e), (EntryPath::Review, "P034"));
        let d = decide(&e, date(2026, 8, 20));
        assert_eq!(d.path, EntryPath::CorrectFirst);
    }

    #[test]
    fn p035_liquidation_reason_36_is_done() {
        let mut e = liquidated(days_before(30));
        e.liquidation_reason = Some("36".into());
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Done, "P035"));
        assert!(d.deadlines_that_matter().next().is_none());
    }

    #[test]
    fn excluded_type_past_protest_names_the_court_and_its_date() {
        let mut e = liquidated(days_before(200));
        e.entry_type = Some("08".into());
        e.ieepa_orders.add_heading("99030101");
        let d = decide(&e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Court, "P013"));
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains("court") && n.contains("2027-02-01")),
            "{:?}",
            d.notes
        );
    }

    #[test]
    fn recon_flagged_on_cape_says_declare_before_type_09() {
        let mut e = entry();
        e.reconciliation_indicator = Some("Y".into());
        let d = decide(&e, AS_OF);
        assert_eq!(d.path, EntryPath::Cape);
        assert!(d.notes.iter().any(|n| n.contains("before any type 09")));
    }

    #[test]
    fn extended_entry_needing_a_psc_names_the_importer_request_exception() {
        let mut e = entry();
        e.entry_date = Some(date(2026, 2, 20));
        e.liquidation_status = Some("Extended".into());
        e.ieepa_goods_value_on_99_line = true;
        let d = decide(&e, AS_OF);
        assert_eq!(d.path, EntryPath::CorrectFirst);
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains("at the importer's request") || n.contains("importer asked"))
        );
    }

    #[test]
    fn a_protest_recorded_as_filed_stops_its_deadline_alarming() {
        let e = liquidated(days_before(175));
        assert!(decide(&e, AS_OF).urgent_deadline().is_some());
        let mut ctx = PathContext::default();
        ctx.acts.insert(
            e.entry_number,
            vec![crate::deadline::Act {
                kind: crate::deadline::ActKind::Protest,
                reference: Some("270426100281".into()),
                on: days_before(2),
            }],
        );
        let d = decide_with(&e, AS_OF, &ctx);
        assert_eq!(d.urgent_deadline(), None);
        assert!(!d.reasons.contains(&"P020"));
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains("protest filed (270426100281)"))
        );
        // The advice follows the act: never "file a protest" again.
        let advice = d.what_to_do();
        assert!(
            !advice.to_lowercase().contains("file a protest"),
            "{advice}"
        );
        assert!(
            advice.starts_with("protest 270426100281 filed 2026-11-22: watch for CBP's decision"),
            "{advice}"
        );
        assert!(
            advice.contains("within 180 days of the denial (28 USC 2636(a))"),
            "{advice}"
        );
        assert!(!advice.contains("late"), "{advice}");
    }

    #[test]
    fn the_advice_follows_each_act_and_says_when_it_was_late() {
        use crate::deadline::{Act, ActKind};
        let act = |kind, on| Act {
            kind,
            reference: Some("X1".into()),
            on,
        };
        let with = |e: &EntryData, acts: Vec<Act>| {
            let mut ctx = PathContext::default();
            ctx.acts.insert(e.entry_number, acts);
            decide_with(e, AS_OF, &ctx)
        };
        // Court path: a suit answers it.
        let mut e = liquidated(days_before(200));
        e.ieepa_orders.add_heading("99030110");
        let d = with(&e, vec![act(ActKind::Suit, days_before(1))]);
        assert!(
            d.what_to_do().starts_with("suit X1 filed"),
            "{}",
            d.what_to_do()
        );
        assert!(d.deadlines_that_matter().all(|x| !x.kind.is_court()));
        // A protest filed 20 days after its due date is late, and the court remains to do.
        let d = with(&e, vec![act(ActKind::Protest, days_before(0))]);
        let advice = d.what_to_do();
        assert!(advice.contains("20 days after the protest due"), "{advice}");
        assert!(
            advice.contains("Still to do: Talk to trade counsel"),
            "{advice}"
        );
        // Correct-first: a PSC filed, declare once accepted.
        let mut e = entry();
        e.entry_date = Some(date(2026, 2, 20));
        e.ieepa_goods_value_on_99_line = true;
        let d = with(&e, vec![act(ActKind::Psc, days_before(1))]);
        assert_eq!(d.path, EntryPath::CorrectFirst);
        assert!(
            d.what_to_do().starts_with("PSC X1 filed"),
            "{}",
            d.what_to_do()
        );
        assert!(d.what_to_do().contains("condition 864"));
        // Phase 3.
        let mut ctx = PathContext::default();
        ctx.add_phase3_importer("27-1", true);
        let mut e = liquidated(days_before(200));
        e.importer_number = Some("27-1".into());
        ctx.acts
            .insert(e.entry_number, vec![act(ActKind::Phase3, days_before(1))]);
        let d = decide_with(&e, AS_OF, &ctx);
        assert_eq!(d.path, EntryPath::Phase3);
        assert!(
            d.what_to_do().starts_with("submitted through CAPE Phase 3"),
            "{}",
            d.what_to_do()
        );
        // A cape entry: no act meets its deadline, the rule's advice stands.
        let e = entry();
        let d = with(&e, vec![act(ActKind::Protest, days_before(1))]);
        assert_eq!(
            d.what_to_do(),
            d.rule().map(|r| r.doc.fix).unwrap_or_default()
        );
        // Review: the act is said, and the review's own advice follows.
        let mut e = liquidated(days_before(100));
        e.unreadable_columns.insert(Column::Hts);
        e.liquidation_status = Some("Unliquidated".into());
        e.liquidation_date = Some(days_before(100));
        let d = with(&e, vec![act(ActKind::Protest, days_before(1))]);
        assert_eq!(d.path, EntryPath::Review);
        assert!(
            d.what_to_do().contains(". Still to do: "),
            "{}",
            d.what_to_do()
        );
    }

    #[test]
    fn decision_serializes_in_kebab_case() {
        let d = decide(&liquidated(days_before(70)), AS_OF);
        let json = serde_json::to_value(&d).expect("json");
        assert_eq!(json["path"], "cape");
        assert_eq!(json["deadlines"]["cape_window_closes"]["days_left"], 10);
        for p in EntryPath::ALL {
            assert_eq!(serde_json::to_value(p).expect("json"), p.as_str());
        }
    }

    #[test]
    fn entry_data_reads_back_from_its_json() {
        let mut e = liquidated(days_before(40));
        e.importer_name = Some("ACME \"Imports\"".into());
        e.entry_summary_date = Some(date(2025, 12, 20));
        e.protest_decision_date = Some(date(2026, 3, 1));
        e.ieepa_orders.add_heading("99030125");
        e.ieepa_orders.add_heading("99030201");
        e.other_chapter_99.section_301_cents = 5_000;
        e.absent_columns.insert(Column::Drawback);
        e.unreadable_columns.insert(Column::LiquidationDate);
        e.ieepa_goods_value_on_99_line = true;
        e.ieepa_negative_duty_lines = 1;
        e.doubtful_cells.push(DoubtfulCell {
            column: Column::Hts,
            doubt: Doubt::Unreadable,
            at: "line 3".into(),
            value: "9.90E+07".into(),
            why: "a number in scientific notation".into(),
        });
        let json = serde_json::to_string(&e).expect("serializes");
        let back: EntryData = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, e);
        // Empty fields are left out of the JSON and read back as they were.
        let plain = EntryData::new(e.entry_number, 9);
        let json_plain = serde_json::to_string(&plain).expect("serializes");
        assert!(!json_plain.contains("ieepa_lines"), "{json_plain}");
        let back: EntryData = serde_json::from_str(&json_plain).expect("reads back");
        assert_eq!(back, plain);
        // A header or order the tables do not know is an error, never a silent drop.
        let bad = json.replace("Drawback Indicator", "Drawback Flag");
        assert!(serde_json::from_str::<EntryData>(&bad).is_err());
        let bad = json.replace("9903.02.xx", "9903.09.xx");
        assert!(serde_json::from_str::<EntryData>(&bad).is_err());
    }
}
