//! Deadlines: the one home of "by when", for the path engine, the plan, triage, the ledger and
//! the web.
//!
//! A [`Deadline`] is a kind ([`DeadlineKind`]: CAPE window, PSC, protest, court under 28 USC
//! 1581(i) or 1581(a)), its last day, the days left from the as-of date and the [`Basis`] it was
//! counted from. Three questions have one answer each here: which deadlines an entry has
//! ([`Deadlines`]), which of them matter for its path ([`matter`]), and whether one is near
//! enough to act today ([`urgent`]: 14 days for CAPE, PSC and protest, 60 for the court, which
//! needs counsel).
//!
//! The court clock is disputed: 28 USC 2636(i) gives two years "after the cause of action first
//! accrues", and that may be the executive order that imposed the duty, the deposit of the duty
//! or the liquidation. The safe deadline is the earliest reading, the order's date + 2 years, from
//! the dated table [`COURT_CLOCK`] keyed by Chapter 99 heading; the later readings are kept beside
//! it ([`CourtReadings`]). Pure: no clock, no I/O; "today" comes in as a date, counted in Eastern
//! Time by [`cbp_today`].

use std::fmt;

use jiff::Timestamp;
use jiff::civil::{Date, date};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::catalog::Action;
use crate::path::EntryPath;

/// CAPE window, PSC and protest deadlines are urgent within this many days (day 14 is urgent,
/// day 15 is not): it is unknown whether CBP counts an upload to the upload or to its batch run,
/// and a protest or PSC takes a day or two to prepare.
pub const URGENT_DAYS: i32 = 14;
/// Court deadlines are urgent within this many days (day 60 is urgent, day 61 is not): a suit
/// needs trade counsel, who need weeks.
pub const COURT_URGENT_DAYS: i32 = 60;
/// A CAPE declaration is taken until this many days after liquidation (day 80 in, day 81 out).
pub const CAPE_WINDOW_DAYS: i64 = 80;
/// A protest is due within this many days after liquidation (19 USC 1514(c)(3)).
pub const PROTEST_DAYS: i64 = 180;
/// An action under 28 USC 1581(a) is due within this many days after the denial of the protest
/// (28 USC 2636(a)).
pub const DENIAL_SUIT_DAYS: i64 = 180;
/// An action under 28 USC 1581(i) is due within this many years after the cause of action
/// accrues (28 USC 2636(i)).
pub const COURT_YEARS: i16 = 2;
/// CBP's clock: its dates are Eastern Time.
pub const CBP_TIME_ZONE: &str = "America/New_York";

/// Which deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeadlineKind {
    /// Last day to declare in CAPE: liquidation + 80 days.
    CapeWindow,
    /// Last day for a post-summary correction: entry + 300 days, and 15 days before the
    /// scheduled liquidation.
    Psc,
    /// Last day to protest: liquidation + 180 days (19 USC 1514(c)(3)).
    Protest,
    /// Last day to sue in the Court of International Trade under 28 USC 1581(i): two years
    /// from the earliest reading of when the cause accrued (28 USC 2636(i)).
    #[serde(rename = "court-1581i")]
    Court1581i,
    /// Last day to sue under 28 USC 1581(a) after a denied protest: 180 days from the denial
    /// (28 USC 2636(a)).
    #[serde(rename = "court-1581a")]
    Court1581a,
}

impl DeadlineKind {
    /// Every kind, in the order they are listed.
    pub const ALL: [DeadlineKind; 5] = [
        DeadlineKind::CapeWindow,
        DeadlineKind::Psc,
        DeadlineKind::Protest,
        DeadlineKind::Court1581i,
        DeadlineKind::Court1581a,
    ];

    /// The kebab-case name (JSON, the ledger).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CapeWindow => "cape-window",
            Self::Psc => "psc",
            Self::Protest => "protest",
            Self::Court1581i => "court-1581i",
            Self::Court1581a => "court-1581a",
        }
    }

    /// The kind named `s` ([`DeadlineKind::as_str`]).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// For people: `CAPE window closes`, `protest due`...
    pub fn describe(self) -> &'static str {
        match self {
            Self::CapeWindow => "CAPE window closes",
            Self::Psc => "PSC due",
            Self::Protest => "protest due",
            Self::Court1581i => "court (28 USC 1581(i)) due",
            Self::Court1581a => "court (28 USC 1581(a)) due",
        }
    }

    /// Days before the deadline from which it is urgent.
    pub fn urgent_days(self) -> i32 {
        match self {
            Self::CapeWindow | Self::Psc | Self::Protest => URGENT_DAYS,
            Self::Court1581i | Self::Court1581a => COURT_URGENT_DAYS,
        }
    }

    /// Is it a court deadline?
    pub fn is_court(self) -> bool {
        matches!(self, Self::Court1581i | Self::Court1581a)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for DeadlineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Is a deadline of `kind` with `days_left` urgent? Day 0 (the last day) up to
/// [`DeadlineKind::urgent_days`] inclusive; a passed deadline is not urgent, it is gone.
pub fn urgent(kind: DeadlineKind, days_left: i32) -> bool {
    (0..=kind.urgent_days()).contains(&days_left)
}

/// Days from `from` to `to`: 0 on the same day, negative when `to` is earlier.
pub fn days_between(from: Date, to: Date) -> i32 {
    let days = from.duration_until(to).as_hours() / 24;
    i32::try_from(days).unwrap_or(if days < 0 { i32::MIN } else { i32::MAX })
}

/// `day` + `n` days, `None` past the calendar's end.
pub fn add_days(day: Date, n: i64) -> Option<Date> {
    // `try_days`: a count past what a span holds (an Excel serial of 20 digits) is no day,
    // never a panic.
    day.checked_add(jiff::Span::new().try_days(n).ok()?).ok()
}

/// `day` + `n` years; 29 February goes to 28 February in a common year (the earlier day, so the
/// safe one for a last day).
pub fn add_years(day: Date, n: i16) -> Option<Date> {
    day.checked_add(jiff::Span::new().try_years(n).ok()?).ok()
}

/// Today on CBP's clock (Eastern Time) at the instant `now`: the default as-of date. The time
/// zone database is built in (jiff's bundled copy), so this holds on a machine without
/// `/usr/share/zoneinfo`; were the zone still missing, UTC-4 (EDT) is used, whose date is never
/// earlier than New York's, so days left are never overstated.
pub fn cbp_today(now: Timestamp) -> Date {
    match jiff::tz::TimeZone::get(CBP_TIME_ZONE) {
        Ok(tz) => now.to_zoned_datetime(tz).date(),
        Err(_) => {
            let edt = jiff::tz::TimeZone::fixed(jiff::tz::Offset::constant(-4));
            now.to_zoned_datetime(edt).date()
        }
    }
}

/// Confidence of a fact: (A) CBP or court text, (B) a law firm or broker relaying CBP, (C) a
/// vendor page or an unconfirmed reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Confidence {
    /// CBP or court text.
    A,
    /// A law firm or broker relaying CBP.
    B,
    /// A vendor page, a single source, or a reading not confirmed against the text.
    C,
}

/// An executive order that imposed IEEPA duty, and the Chapter 99 headings that carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ChapterOrder {
    /// First heading of the range, digits only (`99030101`).
    pub first: &'static str,
    /// Last heading of the range, digits only, inclusive (`99030124`).
    pub last: &'static str,
    /// The range as printed (`9903.01.01-9903.01.24`).
    pub range: &'static str,
    /// The order(s), short (`EO 14193, 14194, 14195`).
    pub order: &'static str,
    /// Day the order was signed: the earliest day the cause of action can have accrued.
    pub signed: Date,
    /// The orders with their titles, Federal Register citations and dates in force.
    pub source: &'static str,
    /// How sure the heading range is.
    pub confidence: Confidence,
}

/// Which order imposed the IEEPA duty of a heading, by Chapter 99 range. The ranges are (C):
/// confirm them against the HTSUS Chapter 99, Subchapter III notes. Where a later order (a
/// country rate amended after April 2025) carries a heading of the reciprocal range, this table
/// gives the earlier EO 14257 date: the earlier date is the safe last day.
pub static COURT_CLOCK: &[ChapterOrder] = &[
    ChapterOrder {
        first: "99030101",
        last: "99030124",
        range: "9903.01.01-9903.01.24",
        order: "EO 14193, 14194, 14195",
        signed: date(2025, 2, 1),
        source: "Executive Orders 14193 (Canada, 90 FR 9113), 14194 (Mexico, 90 FR 9117) and 14195 \
(China, 90 FR 9121), signed 2025-02-01, published 2025-02-07; duty in force 2025-02-04 (China) and \
2025-03-04 (Canada, Mexico)",
        confidence: Confidence::C,
    },
    ChapterOrder {
        first: "99030125",
        last: "99030199",
        range: "9903.01.25-9903.01.99",
        order: "EO 14257",
        signed: date(2025, 4, 2),
        source: "Executive Order 14257 (reciprocal tariffs, 90 FR 15041, published 2025-04-07), \
signed 2025-04-02; duty in force 2025-04-05 and 2025-04-09",
        confidence: Confidence::C,
    },
    ChapterOrder {
        first: "99030200",
        last: "99030299",
        range: "9903.02.xx",
        order: "EO 14257",
        signed: date(2025, 4, 2),
        source: "Executive Order 14257 (reciprocal tariffs, 90 FR 15041, published 2025-04-07), \
signed 2025-04-02; duty in force 2025-04-05 and 2025-04-09",
        confidence: Confidence::C,
    },
];

/// The order that imposed the duty of an HTS heading given as digits (`99030125`,
/// `9903012500`), or `None` when the table does not cover it.
pub fn order_of(hts_digits: &str) -> Option<&'static ChapterOrder> {
    let h = hts_digits.get(..8)?;
    COURT_CLOCK.iter().find(|o| o.first <= h && h <= o.last)
}

/// A set of [`COURT_CLOCK`] rows, one bit per row: which orders an entry's IEEPA lines fall
/// under. One byte, since every entry carries one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct OrderSet(u8);

impl OrderSet {
    /// The empty set.
    pub const EMPTY: OrderSet = OrderSet(0);

    /// Adds the order of `hts_digits`, when the table has it.
    pub fn add_heading(&mut self, hts_digits: &str) {
        if let Some(i) = hts_digits
            .get(..8)
            .and_then(|h| COURT_CLOCK.iter().position(|o| o.first <= h && h <= o.last))
        {
            self.0 |= 1 << i;
        }
    }

    /// Is the set empty?
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The orders, in table order.
    pub fn iter(self) -> impl Iterator<Item = &'static ChapterOrder> {
        COURT_CLOCK
            .iter()
            .enumerate()
            .filter(move |(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, o)| o)
    }

    /// The order signed first.
    pub fn earliest(self) -> Option<&'static ChapterOrder> {
        self.iter().min_by_key(|o| o.signed)
    }
}

impl Serialize for OrderSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(|o| o.range))
    }
}

impl<'de> serde::Deserialize<'de> for OrderSet {
    /// The list of ranges [`Serialize`] writes; a range the table lacks is an error, not a skip.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let ranges = Vec::<String>::deserialize(deserializer)?;
        let mut set = OrderSet::EMPTY;
        for r in &ranges {
            let i = COURT_CLOCK
                .iter()
                .position(|o| o.range == r)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown order range {r:?}")))?;
            set.0 |= 1 << i;
        }
        Ok(set)
    }
}

/// A later reading of the court's two years ([`CourtReadings`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaterReading {
    /// From the deposit of the duty (the entry summary date).
    Deposit,
    /// From liquidation.
    Liquidation,
}

impl LaterReading {
    /// `deposit`, `liquidation`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deposit => "deposit",
            Self::Liquidation => "liquidation",
        }
    }
}

/// What a deadline was counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The liquidation date (CAPE window, protest; a later court reading).
    Liquidation(Date),
    /// The entry date (the PSC's 300 days).
    Entry(Date),
    /// The scheduled liquidation date in the file (the PSC's 15 days before it).
    ScheduledLiquidation(Date),
    /// ACE's usual schedule, the file giving no date: liquidation at entry + 314 days.
    UsualSchedule(Date),
    /// The executive order that imposed the duty (the earliest court reading).
    Order(&'static ChapterOrder),
    /// The first order of IEEPA duty, taken because the file does not show the entry's Chapter
    /// 99 heading (HTS column absent or unreadable): no order can have accrued earlier.
    HeadingUnknown(&'static ChapterOrder),
    /// The deposit of the duty, taken as the entry summary date.
    Deposit(Date),
    /// The entry date, standing in for an unknown deposit (the entry is never later).
    EntryAsDeposit(Date),
    /// The deposit (or the entry date standing in for it, `true`) of a duty whose order the
    /// heading tells, before that order's date: the deposit's reading is then the earliest.
    DepositBeforeOrder(Date, bool, &'static ChapterOrder),
    /// The earliest reading passed on `passed`; a later reading, still ahead, gives `due`:
    /// the date left, whether it holds being for counsel to judge.
    LaterReading {
        /// The earliest reading's last day, passed.
        passed: Date,
        /// Which later reading: the deposit's or liquidation's.
        reading: LaterReading,
        /// What the later reading counts from (the deposit or the liquidation date).
        from: Date,
        /// Its last day.
        due: Date,
    },
    /// The decision date of a denied protest (the safe start of the notice of denial).
    Denial(Date),
    /// A liquidation by operation of law one year after entry (19 USC 1504(a)): a reading of
    /// an "Unliquidated" status the dates contradict, not what the data says.
    DeemedLiquidation(Date),
    /// 15 days before the extended liquidation date: the PSC's last day only if the importer
    /// asked for the extension, which ES-003 cannot show (CBP's own extension does not reopen
    /// the PSC).
    ExtendedLiquidation(Date),
    /// The latest liquidation CBP's FINAL LIQUIDATION message allows (81 days before the as-of
    /// date), earlier than the entry data's: the safer reading of the two.
    FinalLiquidationMessage(Date),
    /// The date CBP appended to its FINAL LIQUIDATION message, read as the day liquidation
    /// became final for CAPE (80 days after liquidation): liquidation is 80 days before it.
    MessageDateAsFinal(Date),
    /// The date CBP appended to its FINAL LIQUIDATION message, read as the liquidation date.
    MessageDateAsLiquidation(Date),
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Liquidation(d) => write!(f, "liquidation {d}"),
            Self::Entry(d) => write!(f, "entry {d} + 300 days"),
            Self::ScheduledLiquidation(d) => {
                write!(f, "15 days before the scheduled liquidation {d}")
            }
            Self::UsualSchedule(d) => write!(
                f,
                "15 days before ACE's usual liquidation {d} (entry + 314 days; no scheduled date in the file)"
            ),
            Self::Order(o) => write!(
                f,
                "{} signed {} (headings {}, confidence C) + 2 years: the earliest reading",
                o.order, o.signed, o.range
            ),
            Self::HeadingUnknown(o) => write!(
                f,
                "{} signed {} + 2 years: the first order of IEEPA duty, since the file does not show the entry's Chapter 99 heading",
                o.order, o.signed
            ),
            Self::Deposit(d) => write!(
                f,
                "deposit {d} (the entry summary date) + 2 years: the order date is unknown for these headings"
            ),
            Self::EntryAsDeposit(d) => write!(
                f,
                "entry {d} + 2 years (no entry summary date in the file; the deposit is not earlier than the entry)"
            ),
            Self::DepositBeforeOrder(d, entry_as_deposit, o) => write!(
                f,
                "{} {d} + 2 years: the earliest reading, earlier than the order's ({} signed {}, headings {}, confidence C, + 2 years {}) - a deposit before the order that imposed the duty is unusual: check the dates in ACE",
                if *entry_as_deposit {
                    "entry (no entry summary date in the file)"
                } else {
                    "deposit (the entry summary date)"
                },
                o.order,
                o.signed,
                o.range,
                add_years(o.signed, COURT_YEARS).map_or_else(|| "?".to_owned(), |x| x.to_string())
            ),
            Self::LaterReading {
                passed,
                reading,
                from,
                due,
            } => write!(
                f,
                "the earliest reading, {passed}, has passed; the {r} reading gives {due} ({r} {from} + 2 years): counsel must judge whether it holds",
                r = reading.as_str()
            ),
            Self::Denial(d) => write!(f, "protest denied {d} + 180 days"),
            Self::DeemedLiquidation(d) => write!(
                f,
                "liquidation by operation of law {d} (entry + 1 year, 19 USC 1504(a)) - a reading: the status says unliquidated"
            ),
            Self::ExtendedLiquidation(d) => write!(
                f,
                "15 days before the extended liquidation {d}, only if the importer asked for the extension (ES-003 cannot show who asked; CBP's own extension does not reopen the PSC)"
            ),
            Self::FinalLiquidationMessage(d) => write!(
                f,
                "liquidation {d} at the latest, as CBP's FINAL LIQUIDATION message says (the entry data's date is later): the safer reading"
            ),
            Self::MessageDateAsFinal(d) => write!(
                f,
                "CBP's message date {d} read as the day liquidation became final (liquidation 80 days before it) + 180 days: the earlier reading"
            ),
            Self::MessageDateAsLiquidation(d) => write!(
                f,
                "CBP's message date {d} read as the liquidation date + 180 days: the later reading"
            ),
        }
    }
}

impl Serialize for Basis {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A deadline: which, the last day, the days left to it and what it was counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// Which deadline.
    pub kind: DeadlineKind,
    /// The last day on which the step is allowed.
    pub date: Date,
    /// Days from the as-of date to `date`: 0 on the last day, negative once passed.
    pub days_left: i32,
    /// What it was counted from.
    pub basis: Basis,
}

impl Deadline {
    /// A deadline of `kind` on `date`, seen on `as_of`.
    pub fn new(kind: DeadlineKind, date: Date, as_of: Date, basis: Basis) -> Self {
        Self {
            kind,
            date,
            days_left: days_between(as_of, date),
            basis,
        }
    }

    /// Has the deadline passed on the as-of date?
    pub fn passed(self) -> bool {
        self.days_left < 0
    }

    /// Is it urgent ([`urgent`])?
    pub fn urgent(self) -> bool {
        urgent(self.kind, self.days_left)
    }

    /// `protest due 2026-12-28 (34 days left)`, `... (passed)`, `... (last day)`.
    pub fn describe(self) -> String {
        format!("{} {} ({})", self.kind.describe(), self.date, self.left())
    }

    /// `34 days left`, `1 day left`, `last day` or `passed`.
    pub fn left(self) -> String {
        match self.days_left {
            d if d < 0 => "passed".to_owned(),
            0 => "last day".to_owned(),
            1 => "1 day left".to_owned(),
            d => format!("{d} days left"),
        }
    }
}

impl Serialize for Deadline {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Deadline", 5)?;
        s.serialize_field("kind", &self.kind)?;
        s.serialize_field("date", &self.date)?;
        s.serialize_field("days_left", &self.days_left)?;
        s.serialize_field("urgent", &self.urgent())?;
        s.serialize_field("basis", &self.basis)?;
        s.end()
    }
}

/// The later readings of the court's two years, beside the earliest one: counted from the
/// deposit of the duty and from liquidation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CourtReadings {
    /// Deposit (entry summary date) + 2 years.
    pub deposit: Option<Date>,
    /// Liquidation + 2 years, once liquidated.
    pub liquidation: Option<Date>,
}

impl CourtReadings {
    /// `later readings: deposit + 2 years 2027-03-10; liquidation + 2 years 2028-01-15`, or
    /// `None` when there is none.
    pub fn note(&self) -> Option<String> {
        self.note_after(None)
    }

    /// [`CourtReadings::note`] with only the readings later than `after` (the court date shown,
    /// when it is itself one of them).
    pub fn note_after(&self, after: Option<Date>) -> Option<String> {
        let later = |d: &Date| after.is_none_or(|a| *d > a);
        let mut parts = Vec::new();
        if let Some(d) = self.deposit.filter(later) {
            parts.push(format!("deposit + 2 years {d}"));
        }
        if let Some(d) = self.liquidation.filter(later) {
            parts.push(format!("liquidation + 2 years {d}"));
        }
        (!parts.is_empty()).then(|| {
            format!(
                "later readings of the court's two years: {}",
                parts.join("; ")
            )
        })
    }
}

/// Every deadline of one entry the data allows, whatever its path.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Deadlines {
    /// Last day to declare in CAPE: liquidation + 80 days. `None` while unliquidated.
    pub cape_window_closes: Option<Deadline>,
    /// Last day for a post-summary correction. `None` without an entry date.
    pub psc_due: Option<Deadline>,
    /// Last day to protest: liquidation + 180 days. `None` while unliquidated.
    pub protest_due: Option<Deadline>,
    /// Last day to sue under 28 USC 1581(i), at the earliest reading. `None` without a date to
    /// count from.
    pub court_due: Option<Deadline>,
    /// The later readings of `court_due`.
    pub court_readings: CourtReadings,
    /// Last day to sue under 28 USC 1581(a): a denied protest's decision + 180 days.
    pub court_1581a_due: Option<Deadline>,
}

impl Deadlines {
    /// The deadline of `kind`, when the data allows it.
    pub fn get(&self, kind: DeadlineKind) -> Option<Deadline> {
        match kind {
            DeadlineKind::CapeWindow => self.cape_window_closes,
            DeadlineKind::Psc => self.psc_due,
            DeadlineKind::Protest => self.protest_due,
            DeadlineKind::Court1581i => self.court_due,
            DeadlineKind::Court1581a => self.court_1581a_due,
        }
    }

    /// The court date to calendar: the earliest of the 1581(a) date (after a denied protest)
    /// and the 1581(i) date still ahead, since which route fits IEEPA duty is disputed; when
    /// both have passed, the earlier.
    pub fn court_safe(&self) -> Option<Deadline> {
        let both = [self.court_1581a_due, self.court_due];
        both.iter()
            .flatten()
            .filter(|d| !d.passed())
            .min_by_key(|d| d.date)
            .or_else(|| both.iter().flatten().min_by_key(|d| d.date))
            .copied()
    }

    /// Every deadline present, in [`DeadlineKind::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = Deadline> + '_ {
        DeadlineKind::ALL.into_iter().filter_map(|k| self.get(k))
    }
}

/// A set of [`DeadlineKind`]s: the ones that matter for an entry. One byte.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct KindSet(u8);

impl KindSet {
    /// The empty set.
    pub const EMPTY: KindSet = KindSet(0);

    /// The set of these kinds.
    pub fn of(kinds: &[DeadlineKind]) -> Self {
        let mut s = Self::EMPTY;
        for k in kinds {
            s.insert(*k);
        }
        s
    }

    /// Adds a kind.
    pub fn insert(&mut self, kind: DeadlineKind) {
        self.0 |= kind.bit();
    }

    /// Removes a kind.
    pub fn remove(&mut self, kind: DeadlineKind) {
        self.0 &= !kind.bit();
    }

    /// Is the kind in the set?
    pub fn contains(self, kind: DeadlineKind) -> bool {
        self.0 & kind.bit() != 0
    }

    /// The kinds in either set.
    pub fn union(self, other: KindSet) -> Self {
        Self(self.0 | other.0)
    }

    /// The kinds, in [`DeadlineKind::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = DeadlineKind> {
        DeadlineKind::ALL
            .into_iter()
            .filter(move |k| self.contains(*k))
    }
}

impl Serialize for KindSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// Where a protest on the entry stands, as far as deadlines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtestClock {
    /// No protest on file (or a closed one that leaves CAPE open).
    None,
    /// An open or suspended protest; `withdrawable` while the CAPE window is still open.
    Open {
        /// The protest may be withdrawn and the entry declared while the window runs.
        withdrawable: bool,
    },
    /// A denied protest: the 1581(a) clock runs.
    Denied,
}

/// The deadlines that matter for an entry on `path`: the ones whose passing changes what the
/// filer can still do.
///
/// - `cape`: the CAPE window (an unliquidated entry has none yet).
/// - `correct-first`: the PSC and the CAPE window.
/// - `protest`: the protest and the court (28 USC 1581(i), the disputed route that may become
///   the only one); with an open protest, the CAPE window while it can be withdrawn, and the
///   court; with a denied one, 1581(a) and 1581(i).
/// - `later-phase`, `court`: the protest (while a protest can keep the claim) and the court.
/// - `phase-3`: the court, kept until the Phase 3 submission is recorded.
/// - `review`: every one, since nobody knows yet which route holds.
/// - `not-refundable`, `done`: none.
pub fn matter(path: EntryPath, protest: ProtestClock) -> KindSet {
    use DeadlineKind::*;
    let courts: &[DeadlineKind] = &[Court1581i, Court1581a];
    let mut s = match (path, protest) {
        (EntryPath::NotRefundable | EntryPath::Done, _) => return KindSet::EMPTY,
        (EntryPath::Cape, _) => KindSet::of(&[CapeWindow]),
        (EntryPath::CorrectFirst, _) => KindSet::of(&[Psc, CapeWindow]),
        (EntryPath::Protest, ProtestClock::Open { withdrawable }) => {
            let mut s = KindSet::of(&[Court1581i]);
            if withdrawable {
                s.insert(CapeWindow);
            }
            s
        }
        (EntryPath::Protest, ProtestClock::Denied) => KindSet::of(courts),
        (EntryPath::Protest | EntryPath::LaterPhase | EntryPath::Court, _) => {
            KindSet::of(&[Protest, Court1581i])
        }
        // Past the protest period by definition; the court date is kept until the Phase 3
        // submission is made.
        (EntryPath::Phase3, _) => KindSet::of(&[Court1581i]),
        (EntryPath::Review, _) => KindSet::of(&DeadlineKind::ALL),
    };
    if protest == ProtestClock::Denied {
        // After a denial no second protest is possible (19 USC 1514: one protest per decision).
        s.remove(Protest);
        s.insert(Court1581a);
    }
    s
}

/// The deadlines that matter for what a claim answered with `action` leaves to do, for an entry
/// on `path` whose deadlines that matter are `path_matter` ([`matter`], after the acts).
///
/// - `correct-then-refile`: the PSC and the CAPE window (no correction, no refile, once the
///   PSC date passes).
/// - `refile`, `retry-later`, `fix-file`, `wait-for-claim`, `wrong-filer`: the CAPE window.
/// - `other-path`: the path's own on `protest`, `later-phase` and `court`; on any other path,
///   the protest and the court, what is left once CAPE cannot take the entry.
/// - `review`: every one.
/// - `not-refundable`, `drop-duplicate`, `none`: none.
pub fn matter_after(action: Action, path: EntryPath, path_matter: KindSet) -> KindSet {
    use DeadlineKind::*;
    match action {
        Action::Review => KindSet::of(&DeadlineKind::ALL),
        Action::OtherPath => match path {
            EntryPath::Protest | EntryPath::LaterPhase | EntryPath::Court => path_matter,
            _ => KindSet::of(&[Protest, Court1581i, Court1581a]),
        },
        Action::CorrectThenRefile => KindSet::of(&[Psc, CapeWindow]),
        Action::Refile
        | Action::RetryLater
        | Action::FixFile
        | Action::WaitForClaim
        | Action::WrongFiler => KindSet::of(&[CapeWindow]),
        Action::NotRefundable | Action::DropDuplicate | Action::None => KindSet::EMPTY,
    }
}

/// The deadlines that matter for an entry whose path was recorded on an earlier day (the
/// ledger's entry data: its path by name, its CAPE window's last day), seen on `today` (`None`:
/// every day counts, passed or not).
///
/// The path's own ([`matter`], no protest known); a path this capekit does not name is
/// `review`, every deadline. A `cape` or `correct-first` entry whose window is closed on
/// `today` (or was never dated) keeps its protest: that is what remains once CAPE cannot take
/// it. The window is open on its last day.
pub fn matter_as_recorded(path: &str, window_closes: Option<Date>, today: Option<Date>) -> KindSet {
    let path = EntryPath::parse(path);
    let mut set = matter(path.unwrap_or(EntryPath::Review), ProtestClock::None);
    let window_open = window_closes.is_some_and(|w| today.is_none_or(|t| w >= t));
    if matches!(path, Some(EntryPath::Cape | EntryPath::CorrectFirst)) && !window_open {
        set.insert(DeadlineKind::Protest);
    }
    set
}

/// What the filer did on another path, as recorded (`capekit ledger acted`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActKind {
    /// A protest was filed (19 USC 1514).
    Protest,
    /// A suit was filed in the Court of International Trade.
    Suit,
    /// A post-summary correction was filed.
    Psc,
    /// The entry was submitted through CAPE Phase 3.
    Phase3,
}

impl ActKind {
    /// Every kind.
    pub const ALL: [ActKind; 4] = [
        ActKind::Protest,
        ActKind::Suit,
        ActKind::Psc,
        ActKind::Phase3,
    ];

    /// The name stored in the ledger.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Protest => "protest",
            Self::Suit => "suit",
            Self::Psc => "psc",
            Self::Phase3 => "phase3",
        }
    }

    /// The kind named `s`.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The deadlines the act meets: once done, they no longer alarm.
    pub fn meets(self) -> &'static [DeadlineKind] {
        match self {
            Self::Protest => &[DeadlineKind::Protest],
            Self::Suit => &[DeadlineKind::Court1581i, DeadlineKind::Court1581a],
            Self::Psc => &[DeadlineKind::Psc],
            // A Phase 3 submission meets no deadline: until CBP accepts it, the court date
            // (28 USC 1581(i)) is what keeps the claim, and it stays in view.
            Self::Phase3 => &[],
        }
    }

    /// The act as a noun: `protest`, `Phase 3 submission`.
    pub fn noun(self) -> &'static str {
        match self {
            Self::Protest => "protest",
            Self::Suit => "suit",
            Self::Psc => "PSC",
            Self::Phase3 => "Phase 3 submission",
        }
    }

    /// For people.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Protest => "protest filed",
            Self::Suit => "suit filed",
            Self::Psc => "PSC filed",
            Self::Phase3 => "submitted through CAPE Phase 3",
        }
    }
}

/// One act recorded for an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Act {
    /// What was done.
    pub kind: ActKind,
    /// Its number (protest number, court number, PSC reference), when given.
    pub reference: Option<String>,
    /// The day it was done.
    pub on: Date,
}

impl Act {
    /// `protest 270426100281 filed 2026-11-20`.
    pub fn describe(&self) -> String {
        match &self.reference {
            Some(r) => format!("{} ({r}) on {}", self.kind.describe(), self.on),
            None => format!("{} on {}", self.kind.describe(), self.on),
        }
    }
}

/// Judges the date of an act before it is recorded (`capekit ledger acted`): `Err` with the
/// reason when it cannot be right, else the warnings to show.
///
/// Refused: a date after `today` (CBP's clock: an act is recorded once done), before
/// 2025-02-04 (no IEEPA duty was collected earlier, so no act on it), or before the entry's
/// date when the ledger knows it. Warned: a date after a deadline of the kinds the act meets
/// ([`ActKind::meets`]) - the act may be late; it is recorded all the same, since it was done.
pub fn check_act_date(
    kind: ActKind,
    on: Date,
    today: Date,
    entry_date: Option<Date>,
    deadlines: &[(DeadlineKind, Date)],
) -> Result<Vec<String>, String> {
    if on > today {
        return Err(format!(
            "{on} is after today ({today}, Eastern Time, CBP's clock): record the {} once it is done",
            kind.noun()
        ));
    }
    if on < crate::path::IEEPA_FIRST_DAY {
        return Err(format!(
            "{on} is before {}, the first day of IEEPA duty: no act on an IEEPA refund can be that old - check the date",
            crate::path::IEEPA_FIRST_DAY
        ));
    }
    if let Some(entered) = entry_date.filter(|d| on < *d) {
        return Err(format!(
            "{on} is before the entry's date of entry {entered} (as the ledger's entry data says): an act on the entry cannot precede it - check the date"
        ));
    }
    let mut warnings = Vec::new();
    for k in kind.meets() {
        for (_, due) in deadlines.iter().filter(|(dk, due)| dk == k && on > *due) {
            let late = days_between(*due, on);
            warnings.push(format!(
                "{on} is {late} day{} after the {} {due}: the {} may be late - keep the receipt and see trade counsel",
                if late == 1 { "" } else { "s" },
                k.describe(),
                kind.noun()
            ));
        }
    }
    Ok(warnings)
}

/// `set` without the deadlines that `acts` met.
pub fn after_acts<'a>(mut set: KindSet, acts: impl IntoIterator<Item = &'a Act>) -> KindSet {
    for a in acts {
        for k in a.kind.meets() {
            set.remove(*k);
        }
    }
    set
}

/// The deadlines of `set` in `deadlines`, present ones only.
pub fn of_kinds(deadlines: &Deadlines, set: KindSet) -> impl Iterator<Item = Deadline> + '_ {
    set.iter().filter_map(|k| deadlines.get(k))
}

/// The urgent deadline among `list` that comes first, if any: what makes an entry urgent.
pub fn most_urgent(list: impl IntoIterator<Item = Deadline>) -> Option<Deadline> {
    list.into_iter()
        .filter(|d| d.urgent())
        .min_by_key(|d| (d.days_left, d.kind))
}

/// The nearest deadline among `list` that has not passed.
pub fn nearest_open(list: impl IntoIterator<Item = Deadline>) -> Option<Deadline> {
    list.into_iter()
        .filter(|d| !d.passed())
        .min_by_key(|d| (d.days_left, d.kind))
}

/// The court date of an entry (28 USC 1581(i)) at the earliest reading, with the later ones.
///
/// `orders` are the orders of its IEEPA lines with duty; `deposit` the entry summary date;
/// `entry` the entry date, used for the deposit when that is unknown; `liquidation` the
/// liquidation date, once liquidated.
pub fn court_1581i(
    orders: OrderSet,
    deposit: Option<Date>,
    entry: Option<Date>,
    liquidation: Option<Date>,
    as_of: Date,
) -> (Option<Deadline>, CourtReadings) {
    let readings = CourtReadings {
        deposit: deposit.and_then(|d| add_years(d, COURT_YEARS)),
        liquidation: liquidation.and_then(|d| add_years(d, COURT_YEARS)),
    };
    let by_order = orders.earliest().and_then(|o| {
        add_years(o.signed, COURT_YEARS)
            .map(|d| Deadline::new(DeadlineKind::Court1581i, d, as_of, Basis::Order(o)))
    });
    let by_deposit = || match (deposit, entry) {
        (Some(d), _) => add_years(d, COURT_YEARS)
            .map(|x| Deadline::new(DeadlineKind::Court1581i, x, as_of, Basis::Deposit(d))),
        (None, Some(e)) => add_years(e, COURT_YEARS)
            .map(|x| Deadline::new(DeadlineKind::Court1581i, x, as_of, Basis::EntryAsDeposit(e))),
        (None, None) => None,
    };
    // The earliest reading is the safe date. The order normally comes first; a deposit before
    // the order's date (a heading whose order was signed after the entry) makes the deposit's
    // reading the earlier one, and it is taken, said as such.
    let safe = match (by_order, by_deposit()) {
        (Some(o), Some(d)) if d.date < o.date => {
            let Basis::Order(order) = o.basis else {
                unreachable!("by_order is counted from an order")
            };
            let basis = match d.basis {
                Basis::Deposit(x) => Basis::DepositBeforeOrder(x, false, order),
                Basis::EntryAsDeposit(x) => Basis::DepositBeforeOrder(x, true, order),
                b => b,
            };
            Some(Deadline { basis, ..d })
        }
        (Some(o), _) => Some(o),
        (None, d) => d,
    };
    (
        safe.map(|s| next_reading_ahead(s, deposit, liquidation, as_of)),
        readings,
    )
}

/// The court date that counts once `safe`, the earliest reading, has passed: the next later
/// reading still ahead (the deposit's, then liquidation's), said as such; `safe` itself while
/// it is ahead or when no later reading is.
fn next_reading_ahead(
    safe: Deadline,
    deposit: Option<Date>,
    liquidation: Option<Date>,
    as_of: Date,
) -> Deadline {
    if !safe.passed() {
        return safe;
    }
    [
        (LaterReading::Deposit, deposit),
        (LaterReading::Liquidation, liquidation),
    ]
    .into_iter()
    .filter_map(|(reading, from)| {
        let from = from?;
        let due = add_years(from, COURT_YEARS)?;
        (due > safe.date && due >= as_of).then_some((reading, from, due))
    })
    .min_by_key(|(_, _, due)| *due)
    .map_or(safe, |(reading, from, due)| {
        Deadline::new(
            DeadlineKind::Court1581i,
            due,
            as_of,
            Basis::LaterReading {
                passed: safe.date,
                reading,
                from,
                due,
            },
        )
    })
}

/// [`court_1581i`] for an entry whose Chapter 99 headings the file does not show (HTS column
/// absent or unreadable): the order is unknown, so the earliest reading is the first order of
/// IEEPA duty in [`COURT_CLOCK`] (2025-02-01, so 2027-02-01) - never a later deposit date that
/// a fentanyl-order heading would beat.
pub fn court_1581i_heading_unknown(
    deposit: Option<Date>,
    entry: Option<Date>,
    liquidation: Option<Date>,
    as_of: Date,
) -> (Option<Deadline>, CourtReadings) {
    let (by_deposit, readings) = court_1581i(OrderSet::EMPTY, deposit, entry, liquidation, as_of);
    let first = COURT_CLOCK.iter().min_by_key(|o| o.signed);
    let by_order = first.and_then(|o| {
        add_years(o.signed, COURT_YEARS)
            .map(|d| Deadline::new(DeadlineKind::Court1581i, d, as_of, Basis::HeadingUnknown(o)))
    });
    // `by_deposit` is already the next reading ahead when its own date passed.
    let safe = match (by_order, by_deposit) {
        (Some(o), Some(d)) if d.date < o.date => Some(d),
        (Some(o), _) => Some(next_reading_ahead(o, deposit, liquidation, as_of)),
        (None, d) => d,
    };
    (safe, readings)
}

/// The two protest dates a date appended to CBP's FINAL LIQUIDATION message gives, whose
/// meaning CBP does not publish, the earlier first: read as the day liquidation became final for
/// CAPE (80 days after liquidation), the protest is due 100 days after it; read as the
/// liquidation date, 180 days after it (19 USC 1514).
pub fn protests_of_message_date(date: Date, as_of: Date) -> Option<[Deadline; 2]> {
    let early = add_days(date, PROTEST_DAYS - CAPE_WINDOW_DAYS)?;
    let late = add_days(date, PROTEST_DAYS)?;
    Some([
        Deadline::new(
            DeadlineKind::Protest,
            early,
            as_of,
            Basis::MessageDateAsFinal(date),
        ),
        Deadline::new(
            DeadlineKind::Protest,
            late,
            as_of,
            Basis::MessageDateAsLiquidation(date),
        ),
    ])
}

/// The 1581(a) date after a denied protest: the decision date + 180 days (28 USC 2636(a)).
pub fn court_1581a(denied_on: Date, as_of: Date) -> Option<Deadline> {
    add_days(denied_on, DENIAL_SUIT_DAYS)
        .map(|d| Deadline::new(DeadlineKind::Court1581a, d, as_of, Basis::Denial(denied_on)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const AS_OF: Date = date(2026, 12, 1);

    #[test]
    fn the_court_date_is_the_earliest_reading_even_when_the_deposit_precedes_the_order() {
        let mut orders = OrderSet::EMPTY;
        orders.add_heading("99030125");
        let deposit = date(2025, 3, 17);
        let (due, _) = court_1581i(orders, Some(deposit), None, None, AS_OF);
        let due = due.expect("dated");
        assert_eq!(due.date, date(2027, 3, 17));
        let order = order_of("99030125").expect("in the table");
        assert_eq!(due.basis, Basis::DepositBeforeOrder(deposit, false, order));
        // The basis says the order is known and the deposit's reading is the earlier one.
        let text = due.basis.to_string();
        assert!(text.contains("EO 14257 signed 2025-04-02"), "{text}");
        assert!(text.contains("2027-04-02"), "{text}");
        assert!(text.contains("the earliest reading"), "{text}");
        assert!(!text.contains("unknown"), "{text}");
    }

    #[test]
    fn once_the_earliest_court_reading_passes_the_next_one_ahead_counts_and_is_urgent() {
        let mut orders = OrderSet::EMPTY;
        orders.add_heading("99030120");
        let deposit = date(2025, 2, 11);
        let liquidation = date(2025, 12, 20);
        let as_of = date(2027, 2, 2);
        let (due, readings) = court_1581i(orders, Some(deposit), None, Some(liquidation), as_of);
        let due = due.expect("dated");
        assert_eq!(due.date, date(2027, 2, 11));
        assert_eq!(due.days_left, 9);
        assert!(due.urgent());
        assert_eq!(
            due.basis,
            Basis::LaterReading {
                passed: date(2027, 2, 1),
                reading: LaterReading::Deposit,
                from: deposit,
                due: date(2027, 2, 11),
            }
        );
        let text = due.basis.to_string();
        assert!(
            text.starts_with(
                "the earliest reading, 2027-02-01, has passed; the deposit reading gives 2027-02-11"
            ),
            "{text}"
        );
        assert!(
            text.contains("counsel must judge whether it holds"),
            "{text}"
        );
        assert_eq!(
            readings.note_after(Some(due.date)).as_deref(),
            Some("later readings of the court's two years: liquidation + 2 years 2027-12-20")
        );
        // Past the deposit reading too: liquidation's is next.
        let (due, _) = court_1581i(
            orders,
            Some(deposit),
            None,
            Some(liquidation),
            date(2027, 3, 1),
        );
        let due = due.expect("dated");
        assert_eq!(due.date, date(2027, 12, 20));
        assert!(matches!(
            due.basis,
            Basis::LaterReading {
                reading: LaterReading::Liquidation,
                ..
            }
        ));
        // Before the earliest passes, it stands; after every reading, the last stays passed.
        let (due, _) = court_1581i(orders, Some(deposit), None, Some(liquidation), AS_OF);
        assert_eq!(
            due.expect("dated").basis,
            Basis::Order(order_of("99030120").expect("in the table"))
        );
        let (due, _) = court_1581i(
            orders,
            Some(deposit),
            None,
            Some(liquidation),
            date(2028, 1, 1),
        );
        assert!(due.expect("dated").passed());
    }

    #[test]
    fn a_final_liquidation_message_date_gives_both_protest_readings_earlier_first() {
        let [early, late] =
            protests_of_message_date(date(2026, 5, 25), date(2026, 11, 15)).expect("dated");
        assert_eq!((early.date, early.days_left), (date(2026, 9, 2), -74));
        assert_eq!((late.date, late.days_left), (date(2026, 11, 21), 6));
        assert_eq!(early.kind, DeadlineKind::Protest);
        assert!(late.urgent() && !early.urgent());
    }

    #[test]
    fn a_day_count_past_what_a_span_holds_is_no_day_not_a_panic() {
        assert_eq!(add_days(AS_OF, i64::MAX), None);
        assert_eq!(add_days(AS_OF, i64::MIN), None);
        assert_eq!(add_days(AS_OF, 30_000_000), None);
        assert_eq!(add_days(AS_OF, 1), Some(date(2026, 12, 2)));
        assert_eq!(add_years(AS_OF, i16::MAX), None);
    }

    fn at(kind: DeadlineKind, days: i64) -> Deadline {
        let d = add_days(AS_OF, days).expect("date");
        Deadline::new(kind, d, AS_OF, Basis::Liquidation(AS_OF))
    }

    #[test]
    fn cape_psc_and_protest_are_urgent_on_day_14_not_15() {
        for kind in [
            DeadlineKind::CapeWindow,
            DeadlineKind::Psc,
            DeadlineKind::Protest,
        ] {
            assert!(at(kind, 14).urgent(), "{kind} day 14");
            assert!(!at(kind, 15).urgent(), "{kind} day 15");
            assert!(at(kind, 0).urgent(), "{kind} last day");
            assert!(!at(kind, -1).urgent(), "{kind} passed");
        }
    }

    #[test]
    fn court_is_urgent_on_day_60_not_61() {
        for kind in [DeadlineKind::Court1581i, DeadlineKind::Court1581a] {
            assert!(at(kind, 60).urgent(), "{kind} day 60");
            assert!(!at(kind, 61).urgent(), "{kind} day 61");
            assert!(at(kind, 0).urgent());
            assert!(!at(kind, -1).urgent());
        }
    }

    #[test]
    fn fentanyl_headings_share_the_order_date_whatever_the_entry() {
        let mut orders = OrderSet::EMPTY;
        orders.add_heading("99030110");
        let (d, later) = court_1581i(
            orders,
            Some(date(2025, 9, 15)),
            Some(date(2025, 9, 10)),
            Some(date(2026, 7, 1)),
            AS_OF,
        );
        let d = d.expect("court date");
        assert_eq!(d.date, date(2027, 2, 1));
        assert_eq!(d.kind, DeadlineKind::Court1581i);
        assert!(matches!(d.basis, Basis::Order(o) if o.order.contains("14193")));
        assert_eq!(later.deposit, Some(date(2027, 9, 15)));
        assert_eq!(later.liquidation, Some(date(2028, 7, 1)));
        // 62 days before 2027-02-01 it is not urgent; 60 days before it is.
        assert!(
            !court_1581i(orders, None, None, None, date(2026, 12, 1))
                .0
                .expect("d")
                .urgent()
        );
        assert!(
            court_1581i(orders, None, None, None, date(2026, 12, 3))
                .0
                .expect("d")
                .urgent()
        );
        assert!(
            !court_1581i(orders, None, None, None, date(2026, 12, 2))
                .0
                .expect("d")
                .urgent()
        );
    }

    #[test]
    fn reciprocal_headings_take_eo_14257() {
        for h in ["99030125", "9903014700", "99030201", "99030299"] {
            let o = order_of(h).expect(h);
            assert_eq!(o.signed, date(2025, 4, 2), "{h}");
        }
        assert_eq!(
            order_of("99030124").map(|o| o.signed),
            Some(date(2025, 2, 1))
        );
        assert_eq!(order_of("99030301"), None, "Section 122 is not IEEPA");
        let mut both = OrderSet::EMPTY;
        both.add_heading("99030125");
        both.add_heading("99030101");
        assert_eq!(both.earliest().map(|o| o.signed), Some(date(2025, 2, 1)));
    }

    #[test]
    fn two_years_from_deposit_without_a_known_order_including_leap_day() {
        let (d, _) = court_1581i(OrderSet::EMPTY, Some(date(2025, 5, 20)), None, None, AS_OF);
        let d = d.expect("date");
        assert_eq!(d.date, date(2027, 5, 20));
        assert!(matches!(d.basis, Basis::Deposit(_)));
        // 29 February + 2 years is 28 February, the earlier day.
        let (d, _) = court_1581i(OrderSet::EMPTY, Some(date(2028, 2, 29)), None, None, AS_OF);
        assert_eq!(d.map(|d| d.date), Some(date(2030, 2, 28)));
        // No entry summary date: the entry date stands in and says so.
        let (d, _) = court_1581i(OrderSet::EMPTY, None, Some(date(2025, 6, 2)), None, AS_OF);
        let d = d.expect("date");
        assert_eq!(d.date, date(2027, 6, 2));
        assert!(d.basis.to_string().contains("no entry summary date"));
        assert_eq!(
            court_1581i(OrderSet::EMPTY, None, None, None, AS_OF).0,
            None
        );
    }

    #[test]
    fn an_unknown_heading_takes_the_first_order_not_the_later_deposit() {
        let (d, later) = court_1581i_heading_unknown(Some(date(2026, 1, 12)), None, None, AS_OF);
        let d = d.expect("dated");
        assert_eq!(d.date, date(2027, 2, 1));
        assert!(matches!(d.basis, Basis::HeadingUnknown(_)));
        assert!(
            d.basis
                .to_string()
                .contains("does not show the entry's Chapter 99 heading")
        );
        assert_eq!(later.deposit, Some(date(2028, 1, 12)));
    }

    #[test]
    fn one_hundred_eighty_days_from_a_denial() {
        let d = court_1581a(date(2026, 10, 1), AS_OF).expect("date");
        assert_eq!(d.date, date(2027, 3, 30));
        assert_eq!(d.kind, DeadlineKind::Court1581a);
        // Day 180 after the denial is the last day; day 181 is past it.
        assert_eq!(
            court_1581a(date(2026, 6, 4), AS_OF).map(|d| d.days_left),
            Some(0)
        );
        assert_eq!(
            court_1581a(date(2026, 6, 3), AS_OF).map(|d| d.days_left),
            Some(-1)
        );
        // Across a leap day: 2028-01-01 + 180 days = 2028-06-29.
        assert_eq!(
            court_1581a(date(2028, 1, 1), AS_OF).map(|d| d.date),
            Some(date(2028, 6, 29))
        );
    }

    #[test]
    fn what_matters_per_path() {
        use DeadlineKind::*;
        let kinds = |p, c| matter(p, c).iter().collect::<Vec<_>>();
        assert_eq!(kinds(EntryPath::Cape, ProtestClock::None), vec![CapeWindow]);
        assert_eq!(
            kinds(EntryPath::CorrectFirst, ProtestClock::None),
            vec![CapeWindow, Psc]
        );
        assert_eq!(
            kinds(EntryPath::Protest, ProtestClock::None),
            vec![Protest, Court1581i]
        );
        assert_eq!(
            kinds(
                EntryPath::Protest,
                ProtestClock::Open { withdrawable: true }
            ),
            vec![CapeWindow, Court1581i]
        );
        assert_eq!(
            kinds(
                EntryPath::Protest,
                ProtestClock::Open {
                    withdrawable: false
                }
            ),
            vec![Court1581i]
        );
        assert_eq!(
            kinds(EntryPath::Protest, ProtestClock::Denied),
            vec![Court1581i, Court1581a]
        );
        assert_eq!(
            kinds(EntryPath::Court, ProtestClock::None),
            vec![Protest, Court1581i]
        );
        assert_eq!(
            kinds(EntryPath::Review, ProtestClock::Denied),
            vec![CapeWindow, Psc, Court1581i, Court1581a]
        );
        assert!(kinds(EntryPath::NotRefundable, ProtestClock::None).is_empty());
    }

    #[test]
    fn what_matters_after_a_claim_answer() {
        use DeadlineKind::*;
        let kinds = |a, p| {
            matter_after(a, p, matter(p, ProtestClock::None))
                .iter()
                .collect::<Vec<_>>()
        };
        assert_eq!(
            kinds(Action::CorrectThenRefile, EntryPath::Cape),
            vec![CapeWindow, Psc]
        );
        for a in [
            Action::Refile,
            Action::RetryLater,
            Action::FixFile,
            Action::WaitForClaim,
            Action::WrongFiler,
        ] {
            assert_eq!(kinds(a, EntryPath::Cape), vec![CapeWindow], "{a:?}");
        }
        assert_eq!(
            kinds(Action::OtherPath, EntryPath::Cape),
            vec![Protest, Court1581i, Court1581a]
        );
        assert_eq!(
            kinds(Action::OtherPath, EntryPath::Protest),
            vec![Protest, Court1581i]
        );
        assert_eq!(
            kinds(Action::Review, EntryPath::Cape),
            DeadlineKind::ALL.to_vec()
        );
        for a in [Action::NotRefundable, Action::DropDuplicate, Action::None] {
            assert!(kinds(a, EntryPath::Cape).is_empty(), "{a:?}");
        }
        // A correction asked for: the PSC is urgent on day 14, not 15.
        let set = matter_after(Action::CorrectThenRefile, EntryPath::Cape, KindSet::EMPTY);
        let with_psc = |days| Deadlines {
            psc_due: Some(at(Psc, days)),
            cape_window_closes: Some(at(CapeWindow, 70)),
            ..Deadlines::default()
        };
        assert_eq!(
            most_urgent(of_kinds(&with_psc(14), set)).map(|d| d.kind),
            Some(Psc)
        );
        assert_eq!(most_urgent(of_kinds(&with_psc(15), set)), None);
        // Sent to the court: urgent on day 60, not 61.
        let set = matter_after(Action::OtherPath, EntryPath::Cape, KindSet::EMPTY);
        let with_court = |days| Deadlines {
            court_due: Some(at(Court1581i, days)),
            ..Deadlines::default()
        };
        assert!(most_urgent(of_kinds(&with_court(60), set)).is_some());
        assert!(most_urgent(of_kinds(&with_court(61), set)).is_none());
    }

    #[test]
    fn what_matters_for_a_recorded_path_once_its_window_closed() {
        use DeadlineKind::*;
        let kinds = |p, w: Option<Date>, t| matter_as_recorded(p, w, t).iter().collect::<Vec<_>>();
        let window = Some(AS_OF);
        // Open on its last day; closed the day after, and the protest is what remains.
        assert_eq!(kinds("cape", window, Some(AS_OF)), vec![CapeWindow]);
        let next_day = add_days(AS_OF, 1);
        assert_eq!(kinds("cape", window, next_day), vec![CapeWindow, Protest]);
        assert_eq!(
            kinds("correct-first", window, next_day),
            vec![CapeWindow, Psc, Protest]
        );
        assert_eq!(kinds("cape", None, Some(AS_OF)), vec![CapeWindow, Protest]);
        // Without a day, every date counts: a dated window is open.
        assert_eq!(kinds("cape", window, None), vec![CapeWindow]);
        assert_eq!(
            kinds("protest", None, Some(AS_OF)),
            vec![Protest, Court1581i]
        );
        assert!(kinds("not-refundable", None, Some(AS_OF)).is_empty());
        // A path this capekit does not name: every deadline.
        assert_eq!(
            kinds("someday", window, Some(AS_OF)),
            DeadlineKind::ALL.to_vec()
        );
    }

    #[test]
    fn days_between_counts_calendar_days() {
        assert_eq!(days_between(AS_OF, AS_OF), 0);
        assert_eq!(days_between(date(2026, 11, 24), date(2027, 1, 1)), 38);
        assert_eq!(days_between(date(2026, 11, 24), date(2026, 11, 20)), -4);
        assert!(urgent(
            DeadlineKind::Protest,
            days_between(AS_OF, date(2026, 12, 15))
        ));
        assert!(!urgent(
            DeadlineKind::Protest,
            days_between(AS_OF, date(2026, 12, 16))
        ));
        assert!(urgent(
            DeadlineKind::Court1581i,
            days_between(AS_OF, date(2027, 1, 30))
        ));
        assert!(!urgent(
            DeadlineKind::Court1581i,
            days_between(AS_OF, date(2027, 1, 31))
        ));
    }

    #[test]
    fn the_urgent_deadline_is_the_nearest_urgent_one() {
        let list = [
            at(DeadlineKind::Court1581i, 40),
            at(DeadlineKind::Protest, 10),
            at(DeadlineKind::CapeWindow, -3),
        ];
        assert_eq!(
            most_urgent(list).map(|d| d.kind),
            Some(DeadlineKind::Protest)
        );
        assert_eq!(most_urgent([at(DeadlineKind::Protest, 20)]), None);
        assert_eq!(
            nearest_open(list).map(|d| d.kind),
            Some(DeadlineKind::Protest)
        );
    }

    #[test]
    fn today_is_counted_in_eastern_time() {
        // 2026-12-02 03:30 UTC is still 2026-12-01 in New York (EST, UTC-5).
        let ts: Timestamp = "2026-12-02T03:30:00Z".parse().expect("ts");
        assert_eq!(cbp_today(ts), date(2026, 12, 1));
        // 2026-07-01 04:30 UTC is 00:30 in New York (EDT, UTC-4): already 07-01.
        let ts: Timestamp = "2026-07-01T04:30:00Z".parse().expect("ts");
        assert_eq!(cbp_today(ts), date(2026, 7, 1));
        let ts: Timestamp = "2026-07-01T03:30:00Z".parse().expect("ts");
        assert_eq!(cbp_today(ts), date(2026, 6, 30));
    }

    #[test]
    fn an_act_stops_the_deadline_it_met_from_alarming() {
        let set = matter(EntryPath::Protest, ProtestClock::None);
        let protest = Act {
            kind: ActKind::Protest,
            reference: Some("270426100281".into()),
            on: AS_OF,
        };
        let after = after_acts(set, [&protest]);
        assert!(!after.contains(DeadlineKind::Protest));
        assert!(after.contains(DeadlineKind::Court1581i));
        let suit = Act {
            kind: ActKind::Suit,
            reference: None,
            on: AS_OF,
        };
        assert_eq!(after_acts(set, [&protest, &suit]), KindSet::EMPTY);
        for k in ActKind::ALL {
            assert_eq!(ActKind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn an_act_date_is_refused_in_the_future_or_before_the_entry_and_warned_when_late() {
        let today = date(2026, 12, 1);
        let entered = Some(date(2025, 6, 2));
        let protest = [(DeadlineKind::Protest, date(2026, 11, 20))];
        let check = |kind, on| check_act_date(kind, on, today, entered, &protest);
        assert!(
            check(ActKind::Protest, date(2026, 12, 2))
                .is_err_and(|w| w.contains("after today (2026-12-01"))
        );
        assert!(
            check(ActKind::Protest, date(2025, 6, 1))
                .is_err_and(|w| w.contains("before the entry's date of entry 2025-06-02"))
        );
        assert!(check_act_date(ActKind::Suit, date(2025, 1, 31), today, None, &[]).is_err());
        assert_eq!(check(ActKind::Protest, date(2026, 11, 20)), Ok(vec![]));
        let late = check(ActKind::Protest, today).expect("accepted");
        assert_eq!(late.len(), 1);
        assert!(
            late[0].contains("11 days after the protest due 2026-11-20"),
            "{}",
            late[0]
        );
        // A suit is not late against a protest date.
        assert_eq!(check(ActKind::Suit, today), Ok(vec![]));
        assert!(
            check_act_date(ActKind::Phase3, date(2026, 12, 2), today, None, &[])
                .is_err_and(|w| w.contains("record the Phase 3 submission once it is done"))
        );
    }

    #[test]
    fn kinds_round_trip_and_serialize() {
        for k in DeadlineKind::ALL {
            assert_eq!(DeadlineKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).expect("json"), k.as_str());
        }
        let json = serde_json::to_value(at(DeadlineKind::Protest, 3)).expect("json");
        assert_eq!(json["kind"], "protest");
        assert_eq!(json["urgent"], true);
        assert_eq!(json["days_left"], 3);
    }
}
