//! What each importer is owed for its accepted entries, and where CBP's refunds of it stand.
//!
//! Per accepted entry, owed = its IEEPA duty (from the kept entry data; unknown without it) plus
//! the interest estimate of [`crate::interest`] (from the deposit when a report gives it, else
//! the entry summary date; to the (re)liquidation, else the as-of date). Against it stand the
//! refunds the reports show, each refund counted once (by refund number, else by declaration,
//! else by its amounts) at its latest status: paid (sent to Treasury or issued), diverted to a
//! debt, held (returned or rejected ACH), or only reported. Per importer the money is accounted
//! as owed = paid + diverted + held + outstanding, and the balance says whether that holds and,
//! when it does not, by how much and why. Every figure built on the interest estimate is an
//! estimate. Pure: no I/O and no clock.

use super::rules::{
    ACH_ENROLLMENT_NOT_KNOWN, DECLARATION_REFUND_WITHOUT_ENTRIES, DEPOSIT_AFTER_LIQUIDATION,
    FUNDS_DIVERTED, IMPORTER_MAY_BE_INACTIVE, LIQUIDATION_EXTENDED, LIQUIDATION_OVERDUE,
    NEGATIVE_REFUND, OWED_UNKNOWN, REFUND_AMOUNT_UNKNOWN, REFUND_FOR_ENTRY_NOT_ACCEPTED,
    REFUND_IMPORTER_DIFFERS, REFUND_OVER, REFUND_OVERDUE, REFUND_REPORTS_DISAGREE, REFUND_RETURNED,
    REFUND_SHORT, REFUND_STATUS_AMBIGUOUS, REFUND_STATUS_UNKNOWN, RefundStateRule,
};
use std::collections::{BTreeMap, HashSet};

// foldhash: these maps hold a million entry numbers, where SipHash is slow and DoS resistance
// buys nothing (the keys come from the user's own files).
use foldhash::{HashMap, HashMapExt};
use std::sync::Arc;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{Bucket, Place, RefundEvent, RefundStatus, StatusRead, later, squash};
use crate::deadline::{PROTEST_DAYS, add_days, days_between};
use crate::diag::Severity;
use crate::entry::EntryNumber;
use crate::interest::{
    FromBasis, InterestEstimate, QuarterLabel, QuarterRate, Taxpayer, ToBasis, estimate,
};
use crate::path::{
    Column, ColumnSet, EntryData, LiqStatus, cape_liquidation_reason, liquidation_status,
};

/// CBP liquidates an accepted entry about 45 days after acceptance; past this many days without
/// a liquidation, the entry is overdue (T001).
pub const LIQUIDATION_EXPECTED_DAYS: i32 = 60;
/// The refund is due within this many days of (re)liquidation (19 USC 1505(b)).
pub const REFUND_DUE_DAYS: i32 = 30;

/// How far a refund may differ from what is owed before it is short or over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Tolerance {
    /// The principal against the IEEPA duty: the duty is known to the cent.
    pub principal_cents: i64,
    /// The interest against the estimate: at least this much...
    pub interest_floor_cents: i64,
    /// ... or this share of what is owed, in basis points, whichever is larger: the estimate
    /// may start a few days early (the entry summary date) or run on other days.
    pub interest_bp_of_owed: i64,
}

impl Tolerance {
    /// $1.00 on the principal; $1.00 or 1 % of what is owed on the interest.
    pub const DEFAULT: Tolerance = Tolerance {
        principal_cents: 100,
        interest_floor_cents: 100,
        interest_bp_of_owed: 100,
    };

    /// The interest tolerance for an entry owed `owed_cents`.
    pub fn interest_cents(&self, owed_cents: i64) -> i64 {
        self.interest_floor_cents
            .max(owed_cents.max(0).saturating_mul(self.interest_bp_of_owed) / 10_000)
    }

    /// In words, for a report.
    pub fn describe(&self) -> String {
        format!(
            "principal within {} of the IEEPA duty; interest within {} or {} % of what is owed, whichever is larger",
            money(self.principal_cents),
            money(self.interest_floor_cents),
            self.interest_bp_of_owed as f64 / 100.0
        )
    }
}

/// An entry the ledger has as accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AcceptedEntry {
    /// The entry.
    pub entry: EntryNumber,
    /// The claim that accepted it.
    pub claim: Arc<str>,
    /// Accepted on or before this day: the earlier of the day its claim file was recorded and
    /// the day it was triaged as of.
    pub accepted_by: Date,
}

/// What the reconciliation needs of an entry's kept data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RefundFacts {
    /// Importer of record number.
    pub importer: Option<Arc<str>>,
    /// Importer name.
    pub importer_name: Option<Arc<str>>,
    /// The IEEPA duty in cents; `None` when the data cannot tell it.
    pub ieepa_duty_cents: Option<i64>,
    /// Why the duty is unknown.
    pub duty_unknown: Option<&'static str>,
    /// Entry summary date.
    pub entry_summary_date: Option<Date>,
    /// Liquidation status as written.
    pub liquidation_status: Option<Arc<str>>,
    /// Liquidation date.
    pub liquidation_date: Option<Date>,
    /// The liquidation was CAPE's (ACE reason code 36).
    pub cape_liquidation: bool,
}

impl RefundFacts {
    /// The facts of an entry's kept ES-003 data.
    pub fn of(e: &EntryData) -> Self {
        Self::from_parts(Parts {
            importer: e.importer_number.clone(),
            importer_name: e.importer_name.clone(),
            ieepa_duty_cents: e.ieepa_duty_cents,
            ieepa_blank_duty_lines: e.ieepa_blank_duty_lines,
            unknown: |c| e.unknown(c),
            entry_summary_date: e.entry_summary_date,
            liquidation_status: e.liquidation_status.clone(),
            liquidation_date: e.liquidation_date,
            cape_liquidation: cape_liquidation_reason(e).is_some(),
        })
    }

    fn from_parts(p: Parts<impl Fn(Column) -> bool>) -> Self {
        let duty_unknown = if (p.unknown)(Column::Duty) {
            Some("the kept entry data has no readable `Line Tariff Duty Amount`")
        } else if (p.unknown)(Column::Hts) {
            Some("the kept entry data has no readable `HTS Number - Full`")
        } else if p.ieepa_blank_duty_lines > 0 {
            Some("IEEPA lines of the kept entry data have blank duty cells")
        } else {
            None
        };
        Self {
            importer: p.importer,
            importer_name: p.importer_name,
            ieepa_duty_cents: duty_unknown.is_none().then_some(p.ieepa_duty_cents),
            duty_unknown,
            entry_summary_date: p.entry_summary_date,
            liquidation_status: p.liquidation_status,
            liquidation_date: p.liquidation_date,
            cape_liquidation: p.cape_liquidation,
        }
    }
}

/// What [`RefundFacts`] are made of.
struct Parts<F> {
    importer: Option<Arc<str>>,
    importer_name: Option<Arc<str>>,
    ieepa_duty_cents: i64,
    ieepa_blank_duty_lines: u32,
    unknown: F,
    entry_summary_date: Option<Date>,
    liquidation_status: Option<Arc<str>>,
    liquidation_date: Option<Date>,
    cape_liquidation: bool,
}

/// The fields of a serialized [`EntryData`] (the record the ledger keeps of each entry) that the
/// reconciliation reads. Deserializing these alone, the rest skipped, is several times faster
/// than the whole record, which counts for a million accepted entries. The field names are
/// those of [`EntryData`]; a test holds them together.
#[derive(Debug, Deserialize)]
pub struct EntryRecordView {
    /// The entry.
    pub entry_number: EntryNumber,
    #[serde(default)]
    importer_number: Option<Arc<str>>,
    #[serde(default)]
    importer_name: Option<Arc<str>>,
    #[serde(default)]
    entry_summary_date: Option<Date>,
    #[serde(default)]
    liquidation_status: Option<Arc<str>>,
    #[serde(default)]
    liquidation_date: Option<Date>,
    #[serde(default)]
    liquidation_reason: Option<Arc<str>>,
    #[serde(default)]
    ieepa_duty_cents: i64,
    #[serde(default)]
    ieepa_blank_duty_lines: u32,
    absent_columns: ColumnSet,
    #[serde(default)]
    unreadable_columns: ColumnSet,
}

impl From<EntryRecordView> for RefundFacts {
    fn from(v: EntryRecordView) -> Self {
        let cape_liquidation = v
            .liquidation_reason
            .as_deref()
            .is_some_and(crate::path::is_cape_liquidation_reason);
        let (absent, unreadable) = (v.absent_columns, v.unreadable_columns);
        RefundFacts::from_parts(Parts {
            importer: v.importer_number,
            importer_name: v.importer_name,
            ieepa_duty_cents: v.ieepa_duty_cents,
            ieepa_blank_duty_lines: v.ieepa_blank_duty_lines,
            unknown: |c| absent.contains(c) || unreadable.contains(c),
            entry_summary_date: v.entry_summary_date,
            liquidation_status: v.liquidation_status,
            liquidation_date: v.liquidation_date,
            cape_liquidation,
        })
    }
}

/// Everything a reconciliation looks at.
#[derive(Debug, Clone)]
pub struct ReconcileInput<'a> {
    /// The day to judge on.
    pub as_of: Date,
    /// Entries accepted.
    pub accepted: Vec<AcceptedEntry>,
    /// The kept data of entries (accepted or named by a report).
    pub facts: FactsMap,
    /// Every refund event.
    pub events: Vec<RefundEvent>,
    /// Importers known to be corporations (26 USC 6621(a)(1): the lower rate above $10,000),
    /// as the user wrote them: matched case, dashes and spaces aside.
    pub corporate: HashSet<String>,
    /// What the user recorded of importers' readiness to be refunded, by importer as written
    /// (matched case, dashes and spaces aside).
    pub readiness: std::collections::HashMap<String, Readiness>,
    /// Only this importer's entries.
    pub importer: Option<String>,
    /// Entries not accepted whose claim rows in the ledger rejected them, with the claim.
    pub rejected: RejectedMap,
    /// The IRS rates (normally [`crate::interest::RATES`]).
    pub rates: &'a [QuarterRate],
}

/// What the user recorded of an importer's readiness to be refunded: facts no ACE report
/// capekit reads gives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Readiness {
    /// Enrolled for ACH refunds (`true`) or not (`false`), and the day it was recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ach: Option<(bool, Date)>,
    /// The latest day the importer is known to have filed an entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_on: Option<Date>,
}

/// The day from which CBP deactivates importer numbers inactive for 366 days (CSMS 69268077).
pub const INACTIVE_IMPORTERS_FROM: Date = jiff::civil::date(2026, 7, 16);

/// Days without activity after which an importer number is deactivated.
pub const INACTIVE_DAYS: i32 = 366;

/// Entries rejected on a claim (and accepted on none), with the claim.
pub type RejectedMap = HashMap<EntryNumber, Arc<str>>;

/// The kept data of entries, by entry.
pub type FactsMap = HashMap<EntryNumber, RefundFacts>;

/// A set of entries (a million, for a large importer).
pub type EntrySet = foldhash::HashSet<EntryNumber>;

/// A finding about an entry's refund, from [`REFUND_RULES`]: made only through its rule, so that
/// its code, name and severity are the catalog's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundFinding {
    /// Rule code, read with [`RefundFinding::code`].
    code: &'static str,
    /// Rule name, read with [`RefundFinding::name`].
    name: &'static str,
    /// Severity, read with [`RefundFinding::severity`].
    severity: Severity,
    /// What was found and what to do.
    pub message: String,
}

/// A finding of `rule`: its code, name and severity from the catalog.
fn finding(rule: &'static RefundStateRule, message: String) -> RefundFinding {
    RefundFinding {
        code: rule.code,
        name: rule.name,
        severity: rule.severity,
        message,
    }
}

impl RefundFinding {
    /// The code of its rule, e.g. `T003`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The name of its rule.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Its rule's severity.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// Is this a finding of `rule`?
    pub fn is(&self, rule: &RefundStateRule) -> bool {
        self.code == rule.code
    }
}

/// One refund of an entry, as the reports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundSeen {
    /// CBP's refund number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_number: Option<Arc<str>>,
    /// The declaration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declaration: Option<Arc<str>>,
    /// Principal, in cents.
    pub principal_cents: i64,
    /// Interest, in cents.
    pub interest_cents: i64,
    /// Latest status, as ACE writes it (or as written, when unknown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Where the money is.
    pub bucket: Bucket,
    /// Where the status was read: `file line N`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_from: Option<Place>,
    /// The day of the status, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_date: Option<Date>,
    /// Where the amounts were read; `None` for a status row without amounts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amounts_from: Option<Place>,
    /// Its amount is unknown: a principal or interest cell could not be read (D002), or the
    /// reports give no principal or no interest for it (a blank cell, no such column, a status
    /// row without amounts) - and so is what the entry was paid.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub amount_unknown: bool,
}

/// The (re)liquidation the refund comes from, as far as known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum LiquidationSeen {
    /// Liquidated or reliquidated on this day after acceptance.
    Done {
        /// The day.
        on: Date,
        /// Liquidation or reliquidation.
        basis: ToBasis,
        /// The refund report row it was read on; `None` for the kept entry data (ES-003).
        #[serde(skip_serializing_if = "Option::is_none")]
        from: Option<Place>,
    },
    /// A refund is reported, so it happened; its day is not known.
    Implied,
    /// Liquidated on this day, before acceptance: CBP reliquidates it, which no file shows yet.
    Before {
        /// The earlier liquidation.
        on: Date,
    },
    /// Not liquidated yet.
    Pending {
        /// The entry data shows liquidation extended or suspended.
        extended: bool,
    },
    /// Nothing is known of it.
    Unknown,
}

/// The refund picture of one entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryRefund {
    /// The entry.
    pub entry: EntryNumber,
    /// Its importer, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub importer: Option<Arc<str>>,
    /// The importer's name, when the entry data gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub importer_name: Option<Arc<str>>,
    /// The claim that accepted it; `None` when the ledger has it not as accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<Arc<str>>,
    /// Accepted on or before this day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted_by: Option<Date>,
    /// A short word of where it stands: `paid`, `refund overdue`, ...
    pub state: &'static str,
    /// The IEEPA duty, in cents, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duty_cents: Option<i64>,
    /// The interest estimate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interest: Option<InterestEstimate>,
    /// Why no interest was estimated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interest_not_estimated: Option<String>,
    /// Owed: duty plus the interest estimated (the days counted, when a quarter's rate is not
    /// published); an estimate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owed_cents: Option<i64>,
    /// Paid out (issued by Treasury): principal.
    pub paid_principal_cents: i64,
    /// Paid out: interest.
    pub paid_interest_cents: i64,
    /// Sent to Treasury, not yet issued.
    pub sent_cents: i64,
    /// Applied to a debt.
    pub diverted_cents: i64,
    /// Held by CBP (returned or rejected ACH).
    pub held_cents: i64,
    /// Reported by CBP but not shown sent.
    pub reported_cents: i64,
    /// Owed and not received (paid, sent, diverted or held): never negative; `None` when owed
    /// is unknown, or a refund's amount is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outstanding_cents: Option<i64>,
    /// The (re)liquidation.
    pub liquidation: LiquidationSeen,
    /// The last day to protest the (re)liquidation (19 USC 1514(c)(3)), when a refund is short
    /// and the day is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protest_due: Option<Date>,
    /// The refunds the reports show.
    pub refunds: Vec<RefundSeen>,
    /// What to look at, most pressing first.
    pub findings: Vec<RefundFinding>,
}

impl EntryRefund {
    /// Paid out, principal and interest.
    pub fn paid_cents(&self) -> i64 {
        self.paid_principal_cents + self.paid_interest_cents
    }

    /// Paid, sent, diverted or held: what left CBP's books for this entry or waits for the
    /// importer.
    pub fn received_cents(&self) -> i64 {
        self.paid_cents() + self.sent_cents + self.diverted_cents + self.held_cents
    }

    /// Is a refund's amount unknown (a cell that could not be read, or one not given)?
    pub fn amount_unknown(&self) -> bool {
        self.refunds.iter().any(|r| r.amount_unknown)
    }

    /// Is any finding about this entry a warning or an error?
    pub fn needs_action(&self) -> bool {
        self.findings.iter().any(|f| f.severity != Severity::Info)
    }
}

/// A finding that belongs to no one entry: a declaration's refund whose entries no report names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundProblem {
    /// The finding.
    #[serde(flatten)]
    pub finding: RefundFinding,
    /// The importer, when the row names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub importer: Option<Arc<str>>,
    /// The declaration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declaration: Option<Arc<str>>,
    /// The refund number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_number: Option<Arc<str>>,
    /// Where it was read.
    pub from: Place,
}

/// Whether owed = paid + sent + diverted + held + outstanding holds for an importer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Balance {
    /// It holds to the cent.
    pub holds: bool,
    /// owed - (paid + sent + diverted + held + outstanding), in cents.
    pub difference_cents: i64,
    /// Received beyond what is owed, on entries whose owed is known.
    pub over_cents: i64,
    /// Entries with more received than owed.
    pub over_entries: usize,
    /// Received on entries whose owed is unknown (not in `owed`).
    pub unknown_owed_received_cents: i64,
    /// Those entries.
    pub unknown_owed_entries: usize,
    /// Owed and not received on entries a refund amount of which could not be read (not in
    /// `outstanding`: how much of it was paid is unknown).
    pub amount_unknown_cents: i64,
    /// Those entries.
    pub amount_unknown_entries: usize,
    /// The sum in words.
    pub text: String,
}

/// One importer's refunds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImporterRefunds {
    /// The importer of record number, or `(importer unknown)`.
    pub importer: String,
    /// Its name, when the entry data gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Arc<str>>,
    /// Recorded as a corporation: interest above $10,000 at the lower corporate rate.
    pub corporate: bool,
    /// Entries accepted.
    pub entries_accepted: usize,
    /// Entries named by a refund report but not accepted in the ledger.
    pub entries_not_accepted: usize,
    /// Accepted entries whose IEEPA duty is unknown.
    pub entries_owed_unknown: usize,
    /// IEEPA duty of the entries whose duty is known.
    pub duty_cents: i64,
    /// Interest estimated on them (an estimate).
    pub interest_cents: i64,
    /// Entries whose interest is estimated only in part or not at all.
    pub entries_interest_partial: usize,
    /// The first quarter whose IRS rate is not published that an estimate reached: the interest
    /// excludes the days from it on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interest_unpublished: Option<QuarterLabel>,
    /// duty + interest (an estimate).
    pub owed_cents: i64,
    /// Paid: principal.
    pub paid_principal_cents: i64,
    /// Paid: interest.
    pub paid_interest_cents: i64,
    /// Sent to Treasury, not yet issued.
    pub sent_cents: i64,
    /// Diverted to debts.
    pub diverted_cents: i64,
    /// Held for ACH.
    pub held_cents: i64,
    /// Reported by CBP but not shown sent (part of outstanding).
    pub reported_cents: i64,
    /// Owed and not received.
    pub outstanding_cents: i64,
    /// Entries whose refund is overdue (T002).
    pub overdue_entries: usize,
    /// What is outstanding on them.
    pub overdue_cents: i64,
    /// Entries accepted more than 60 days ago and not liquidated (T001).
    pub liquidation_overdue_entries: usize,
    /// Entries held for ACH (T006).
    pub held_entries: usize,
    /// Entries with diverted refunds (T005).
    pub diverted_entries: usize,
    /// Entries paid short (T003).
    pub short_entries: usize,
    /// Entries with a warning.
    pub entries_to_act_on: usize,
    /// The accounting.
    pub balance: Balance,
    /// What may keep the importer from being refunded at all (T018, T019): findings about the
    /// importer, not one entry.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub readiness: Vec<RefundFinding>,
    /// What the user recorded of the importer: ACH enrollment and its latest day of activity.
    #[serde(skip_serializing_if = "is_default")]
    pub recorded: Readiness,
}

fn is_default(r: &Readiness) -> bool {
    *r == Readiness::default()
}

/// The whole reconciliation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reconciliation {
    /// Judged as of this day.
    pub as_of: Date,
    /// The tolerance of short and over.
    pub tolerance: Tolerance,
    /// The tolerance in words.
    pub tolerance_text: String,
    /// Per importer, by importer number (the unknown importer last).
    pub importers: Vec<ImporterRefunds>,
    /// Per entry, by importer and entry number.
    pub entries: Vec<EntryRefund>,
    /// Findings that belong to no entry.
    pub problems: Vec<RefundProblem>,
    /// Events read.
    pub events: usize,
    /// Events dated after the as-of date (by their status, liquidation or reliquidation date),
    /// left out: on that day they were not yet known.
    #[serde(skip_serializing_if = "is_zero")]
    pub events_after_as_of: usize,
    /// The files the events were read from, each once: a page sent to an importer names none
    /// of them (they may be named after other clients).
    #[serde(skip)]
    pub files: Vec<Arc<str>>,
}

/// The importer of entries whose importer no file names.
pub const UNKNOWN_IMPORTER: &str = "(importer unknown)";

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Formats cents as `$1,234.56`.
fn money(cents: i64) -> String {
    crate::path::format_cents(cents)
}

/// From this many entries on, a reconciliation is judged on two threads.
const PARALLEL_ENTRIES: usize = 20_000;

/// Reconciles the accepted entries with the refund events.
pub fn reconcile(input: &ReconcileInput<'_>) -> Reconciliation {
    reconcile_split(input, PARALLEL_ENTRIES)
}

/// [`reconcile`], on two threads from `parallel_from` entries on.
fn reconcile_split(input: &ReconcileInput<'_>, parallel_from: usize) -> Reconciliation {
    let as_of = input.as_of;
    // A refund event is applied by its date (its status, liquidation or reliquidation date,
    // the latest of them): a status dated after the as-of day (`Treasury Issued` on 2026-08-10,
    // judged as of 2026-07-01), or a refund of a liquidation after it, had not happened on that
    // day, and counting it would show money paid that was not, and judge it short or over.
    // Rows without a date are kept: nothing says they are later.
    let known = |e: &RefundEvent| {
        [e.status_date, e.liquidation_date, e.reliquidation_date]
            .into_iter()
            .flatten()
            .max()
            .is_none_or(|d| d <= as_of)
    };
    let kept: Vec<RefundEvent>;
    let events: &[RefundEvent] = if input.events.iter().all(known) {
        &input.events
    } else {
        kept = input.events.iter().filter(|e| known(e)).cloned().collect();
        &kept
    };
    let events_after_as_of = input.events.len() - events.len();
    // The entry-level events sorted by entry (in file order within one), and the accepted
    // entries sorted by entry: one merge walks both, with no map per entry.
    let mut order: Vec<usize> = (0..events.len())
        .filter(|&i| events[i].entry.is_some())
        .collect();
    order.sort_by_key(|&i| events[i].entry);
    let mut accepted: Vec<&AcceptedEntry> = input.accepted.iter().collect();
    accepted.sort_by_key(|a| a.entry);
    accepted.dedup_by_key(|a| a.entry);
    let mut by_refund: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_declaration: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in events.iter().enumerate().filter(|(_, e)| e.entry.is_none()) {
        if let Some(r) = &e.refund_number {
            by_refund.entry(r).or_default().push(i);
        }
        if let Some(d) = &e.declaration {
            by_declaration.entry(d).or_default().push(i);
        }
    }
    let index = Index {
        events,
        by_refund,
        by_declaration,
    };
    let spelling = importer_spellings(input, events);
    let only = input.importer.as_deref().map(squash);
    let mut items: Vec<Item<'_>> = Vec::with_capacity(accepted.len().max(order.len()));
    let (mut a, mut o) = (0, 0);
    while a < accepted.len() || o < order.len() {
        let next_event = order.get(o).and_then(|&i| events[i].entry);
        let next_accepted = accepted.get(a).map(|x| x.entry);
        let entry = match (next_accepted, next_event) {
            (Some(x), Some(y)) => x.min(y),
            (Some(x), None) => x,
            (None, Some(y)) => y,
            (None, None) => break,
        };
        let acc = (next_accepted == Some(entry)).then(|| {
            a += 1;
            accepted[a - 1]
        });
        let from = o;
        while o < order.len() && events[order[o]].entry == Some(entry) {
            o += 1;
        }
        let own = &order[from..o];
        let facts = input.facts.get(&entry);
        let importer = facts
            .and_then(|f| f.importer.clone())
            .or_else(|| own.iter().find_map(|&i| events[i].importer.clone()))
            .map(|i| spelling.get(&i).cloned().unwrap_or(i));
        if let Some(only) = &only
            && importer.as_deref().map(squash).as_ref() != Some(only)
        {
            continue;
        }
        let rejected = acc.is_none().then(|| input.rejected.get(&entry)).flatten();
        items.push(Item {
            rejected,
            rank: 0,
            entry,
            importer,
            accepted: acc,
            facts,
            own,
        });
    }
    // By importer and entry number, sorted before the entries are built (they are large to
    // move): importers ranked once, so the sort compares numbers, not names.
    let mut names: Vec<Arc<str>> = {
        let distinct: foldhash::HashSet<&Arc<str>> =
            items.iter().filter_map(|i| i.importer.as_ref()).collect();
        distinct.into_iter().cloned().collect()
    };
    names.sort_unstable();
    let rank: HashMap<Arc<str>, u32> = names
        .into_iter()
        .enumerate()
        .map(|(r, n)| (n, u32::try_from(r).unwrap_or(u32::MAX)))
        .collect();
    // The user's answers are matched to the importers as the files write them, case, dashes and
    // spaces aside: `--corporate 27184593000` is `27-184593000` of ES-003.
    let corporate_keys: HashSet<String> = input.corporate.iter().map(|c| squash(c)).collect();
    let corporate_of: HashMap<Arc<str>, bool> = rank
        .keys()
        .map(|n| (n.clone(), corporate_keys.contains(&squash(n))))
        .collect();
    for it in &mut items {
        it.rank = it
            .importer
            .as_deref()
            .and_then(|n| rank.get(n).copied())
            .unwrap_or(u32::MAX);
    }
    items.sort_unstable_by_key(|i| (i.rank, i.entry));

    // Each entry is judged on its own (it only marks the declaration-level rows it takes up):
    // a large reconciliation is split in two halves, judged on two threads, and joined in order.
    let build = |items: Vec<Item<'_>>, linked: &mut [bool]| -> Vec<EntryRefund> {
        items
            .into_iter()
            .map(|it| {
                let corporate = it
                    .importer
                    .as_ref()
                    .is_some_and(|i| corporate_of.get(i).copied().unwrap_or(false));
                entry_refund(
                    &EntryInput {
                        entry: it.entry,
                        importer: it.importer,
                        accepted: it.accepted,
                        facts: it.facts,
                        own: it.own,
                        corporate,
                        as_of,
                        rates: input.rates,
                        rejected: it.rejected,
                    },
                    &index,
                    linked,
                )
            })
            .collect()
    };
    let mut linked = vec![false; events.len()];
    let two = items.len() >= parallel_from.max(2)
        && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    let out = if two {
        let second = items.split_off(items.len() / 2);
        let (mut out, (rest, marked)) = std::thread::scope(|s| {
            let other = s.spawn(|| {
                let mut marked = vec![false; events.len()];
                let rest = build(second, &mut marked);
                (rest, marked)
            });
            let out = build(items, &mut linked);
            // A panic on the other thread is a bug: it goes on here as it would have there.
            (
                out,
                other
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            )
        });
        out.extend(rest);
        for (l, m) in linked.iter_mut().zip(marked) {
            *l |= m;
        }
        out
    } else {
        build(items, &mut linked)
    };
    let problems = unlinked(events, &linked, input.importer.as_deref());
    let mut importers = importer_totals(&out, &corporate_of);
    readiness(&mut importers, &out, input);
    // Events come file by file: each file's name once.
    let mut files: Vec<Arc<str>> = Vec::new();
    for e in events {
        if files
            .last()
            .is_none_or(|f| !Arc::ptr_eq(f, &e.file) && **f != *e.file)
            && !files.contains(&e.file)
        {
            files.push(e.file.clone());
        }
    }
    Reconciliation {
        as_of,
        tolerance: Tolerance::DEFAULT,
        tolerance_text: Tolerance::DEFAULT.describe(),
        importers,
        entries: out,
        problems,
        events: events.len(),
        events_after_as_of,
        files,
    }
}

/// One spelling per importer: the files may write one importer number as `98-7654321BB` and
/// `987654321bb`; they are one importer, compared case, dashes and spaces aside ([`squash`], as
/// `--importer` and the user's answers are matched), shown as the entry data (ES-003) writes it,
/// else in the first of its spellings in sort order (dashes and capitals sort first). Maps each
/// spelling that is not the one shown to the one shown.
fn importer_spellings(
    input: &ReconcileInput<'_>,
    events: &[RefundEvent],
) -> HashMap<Arc<str>, Arc<str>> {
    // Distinct spellings first (events share a few interned names), then one squash each.
    let mut from_facts: foldhash::HashSet<&Arc<str>> = foldhash::HashSet::default();
    from_facts.extend(input.facts.values().filter_map(|f| f.importer.as_ref()));
    let mut all: foldhash::HashSet<&Arc<str>> = from_facts.clone();
    all.extend(events.iter().filter_map(|e| e.importer.as_ref()));
    let mut shown: HashMap<String, (bool, &Arc<str>)> = HashMap::new();
    for name in &all {
        let key = (from_facts.contains(name), *name);
        shown
            .entry(squash(name))
            .and_modify(|best| {
                // Entry data first, then the smallest spelling.
                if (key.0, std::cmp::Reverse(key.1)) > (best.0, std::cmp::Reverse(best.1)) {
                    *best = key;
                }
            })
            .or_insert(key);
    }
    all.into_iter()
        .filter_map(|name| {
            let (_, best) = shown.get(&squash(name))?;
            (*best != name).then(|| (name.clone(), (*best).clone()))
        })
        .collect()
}

/// An entry to reconcile, before it is.
struct Item<'a> {
    rejected: Option<&'a Arc<str>>,
    rank: u32,
    entry: EntryNumber,
    importer: Option<Arc<str>>,
    accepted: Option<&'a AcceptedEntry>,
    facts: Option<&'a RefundFacts>,
    own: &'a [usize],
}

struct Index<'e> {
    events: &'e [RefundEvent],
    by_refund: HashMap<&'e str, Vec<usize>>,
    by_declaration: HashMap<&'e str, Vec<usize>>,
}

struct EntryInput<'a> {
    entry: EntryNumber,
    importer: Option<Arc<str>>,
    accepted: Option<&'a AcceptedEntry>,
    facts: Option<&'a RefundFacts>,
    own: &'a [usize],
    corporate: bool,
    as_of: Date,
    rates: &'a [QuarterRate],
    /// Not accepted: the claim that rejected it, when the ledger has one.
    rejected: Option<&'a Arc<str>>,
}

/// A refund of an entry: the events that give its amounts.
struct Group<'e> {
    key: Key<'e>,
    refund_number: Option<Arc<str>>,
    declaration: Option<Arc<str>>,
    /// The first row that gives its amounts, and the others (most refunds have one).
    first: usize,
    more: Vec<usize>,
}

impl Group<'_> {
    fn amounts(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.first).chain(self.more.iter().copied())
    }
}

/// What a refund is counted once by: its number, else its declaration, else its amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key<'e> {
    Refund(&'e str),
    Declaration(&'e str),
    Amounts(i64, i64),
}

fn group_key(e: &RefundEvent) -> Key<'_> {
    match (&e.refund_number, &e.declaration) {
        (Some(r), _) => Key::Refund(r),
        (None, Some(d)) => Key::Declaration(d),
        (None, None) => Key::Amounts(
            e.principal_cents.unwrap_or(0),
            e.interest_cents.unwrap_or(0),
        ),
    }
}

fn entry_refund(x: &EntryInput<'_>, index: &Index<'_>, linked: &mut [bool]) -> EntryRefund {
    let events = index.events;
    let mut findings = Vec::new();
    let Refunds {
        refunds,
        negative,
        review,
        unknown,
    } = refunds_of(x, index, linked, &mut findings);
    // A negative amount (T013) or one that could not be read is in no bucket: it is shown, and
    // the entry goes to review.
    let counted =
        |r: &&RefundSeen| !r.amount_unknown && r.principal_cents >= 0 && r.interest_cents >= 0;
    let sum = |b: Bucket| -> i64 {
        refunds
            .iter()
            .filter(counted)
            .filter(|r| r.bucket == b)
            .map(|r| r.principal_cents + r.interest_cents)
            .sum()
    };
    let paid_principal: i64 = refunds
        .iter()
        .filter(counted)
        .filter(|r| r.bucket == Bucket::Paid)
        .map(|r| r.principal_cents)
        .sum();
    let paid_interest = sum(Bucket::Paid) - paid_principal;
    let (sent, diverted, held, reported) = (
        sum(Bucket::Sent),
        sum(Bucket::Diverted),
        sum(Bucket::Held),
        sum(Bucket::Reported),
    );
    let liquidation = liquidation_seen(x, events, !refunds.is_empty());
    let duty = x.facts.and_then(|f| f.ieepa_duty_cents);
    let (interest, interest_not_estimated) =
        interest_for(x, events, duty, &liquidation, &mut findings);
    let owed = duty.map(|d| d + interest.as_ref().map_or(0, |i| i.counted_cents));
    let received = paid_principal + paid_interest + sent + diverted + held;
    let amount_unknown = refunds.iter().any(|r| r.amount_unknown);
    let outstanding = owed
        .filter(|_| !amount_unknown)
        .map(|o| (o - received).max(0));

    let mut state = data_findings(x, events, &mut findings);
    let importer_differs = importer_differs(x, events, &mut findings);
    let any = |b: Bucket| refunds.iter().any(|r| r.bucket == b);
    let moving =
        any(Bucket::Paid) || any(Bucket::Sent) || any(Bucket::Diverted) || any(Bucket::Held);
    if let Some(acc) = x.accepted {
        state = state.or(timing(x, acc, &liquidation, moving, &mut findings));
    }
    if any(Bucket::Diverted) {
        findings.push(finding(
            &FUNDS_DIVERTED,
            format!(
                "{} of the refund was applied to a debt (`Funds Diverted`) - ask CBP which debt, with the refund number{}",
                money(diverted),
                refund_numbers(&refunds, Bucket::Diverted)
            ),
        ));
        state = Some("diverted");
    }
    if any(Bucket::Held) {
        findings.push(finding(
            &REFUND_RETURNED,
            format!(
                "{} came back (`Check/ACH Returned` or REV-613){}: CBP holds it until the importer's ACH refund details are right - only the importer can enter them, in its ACE Portal account, never the broker; then ask CBP to reissue",
                if held > 0 {
                    money(held)
                } else {
                    "the refund".to_owned()
                },
                refund_numbers(&refunds, Bucket::Held)
            ),
        ));
        state = Some("held for ACH");
    }
    let mut protest_due = None;
    if negative {
        findings.push(finding(
            &NEGATIVE_REFUND,
            "a refund report shows a negative amount for this entry: a reversal or a bill, which capekit cannot tell - not counted as paid, sent, diverted or held, and not judged short or over; ask CBP".to_owned(),
        ));
        state = Some("review");
    } else if amount_unknown {
        findings.push(finding(
            &REFUND_AMOUNT_UNKNOWN,
            format!(
                "{}: what was paid is unknown - not judged short or over, and no protest advice on it; read the amount in ACE and run the report again",
                unknown.join("; ")
            ),
        ));
        state = Some("review");
    } else if review {
        // Rows that disagree (T011) or a status that cannot be tied to one refund: what was
        // paid is not known well enough to judge it short or over.
        state = Some("review");
    } else if let Some(d) = duty.filter(|_| !refunds.is_empty()) {
        let judged = short_or_over(x, d, interest.as_ref(), &refunds, &liquidation);
        protest_due = judged.protest_due;
        if let Some(f) = judged.short {
            findings.push(f);
            // A refund only reported (no status) is not paid: the clock's state (refund overdue)
            // says more than "short".
            state = Some(if moving {
                "paid short"
            } else {
                state.unwrap_or("reported short")
            });
        }
        if let Some(f) = judged.over {
            findings.push(f);
            state = state.or(Some(if moving { "paid over" } else { "reported over" }));
        }
    }
    if importer_differs {
        state = Some("review");
    }
    let state = state.unwrap_or(
        if (any(Bucket::Paid) || any(Bucket::Sent)) && !any(Bucket::Reported) {
            if refunds
                .iter()
                .all(|r| r.status.as_deref() == Some(RefundStatus::TreasuryIssued.label()))
            {
                "paid"
            } else {
                "sent to Treasury"
            }
        } else if !refunds.is_empty() {
            "refund reported"
        } else {
            "no refund yet"
        },
    );
    // A status not tied (T015) may be any of the declaration's: the refund is not known overdue.
    if findings.iter().any(|f| f.is(&REFUND_STATUS_AMBIGUOUS)) {
        findings.retain(|f| !f.is(&REFUND_OVERDUE));
    }
    // The most pressing first: warnings before information, then in code order.
    findings.sort_by_key(|f| (f.severity == Severity::Info, f.code));
    EntryRefund {
        entry: x.entry,
        importer: x.importer.clone(),
        importer_name: x.facts.and_then(|f| f.importer_name.clone()),
        claim: x.accepted.map(|a| a.claim.clone()),
        accepted_by: x.accepted.map(|a| a.accepted_by),
        state,
        duty_cents: duty,
        interest,
        interest_not_estimated,
        owed_cents: owed,
        paid_principal_cents: paid_principal,
        paid_interest_cents: paid_interest,
        sent_cents: sent,
        diverted_cents: diverted,
        held_cents: held,
        reported_cents: reported,
        outstanding_cents: outstanding,
        liquidation,
        protest_due,
        refunds,
        findings,
    }
}

fn status_text(read: &StatusRead) -> String {
    match read {
        StatusRead::Known(k) => k.label().to_owned(),
        StatusRead::Unrecognized(raw) => raw.to_string(),
    }
}

fn bucket_of(read: Option<&StatusRead>) -> Bucket {
    match read {
        Some(StatusRead::Known(k)) => k.bucket(),
        _ => Bucket::Reported,
    }
}

/// The refunds of an entry, as [`refunds_of`] finds them.
struct Refunds {
    refunds: Vec<RefundSeen>,
    /// An amount is negative (T013).
    negative: bool,
    /// Rows of a refund disagree (T011), or a declaration's status cannot be tied to one refund
    /// (T015): what was paid is not known well enough to judge.
    review: bool,
    /// Why the amount of a refund is unknown, one line per such refund (T014).
    unknown: Vec<String>,
}

/// Why a refund's amount, as row `e` gives it (`None`: a status row without amounts), is
/// unknown: a cell that could not be read (D002), or a principal or interest the row does not
/// give - a blank cell or a report without the column is no $0.00, and a refund judged on it
/// would be judged short on a figure capekit made up.
fn amount_unknown_why(name: &str, e: &RefundEvent, amounts: bool) -> Option<String> {
    let at = format!("{} {}", e.report.code(), e.place());
    if !amounts {
        return Some(format!(
            "{name} is shown by {at} with no principal and no interest (no amount column, or blank cells)"
        ));
    }
    if e.amount_unreadable {
        return Some(format!(
            "{name} has an amount that could not be read (D002, {})",
            e.place()
        ));
    }
    match (e.principal_cents, e.interest_cents) {
        (Some(_), Some(_)) => None,
        (None, None) => Some(format!(
            "{name}: {at} gives no principal and no interest (blank cells)"
        )),
        (Some(p), None) => Some(format!(
            "{name}: {at} gives principal {} and no interest (a blank cell, or no interest column): the interest is unknown, not $0.00",
            money(p)
        )),
        (None, Some(i)) => Some(format!(
            "{name}: {at} gives interest {} and no principal (a blank cell, or no principal column): the principal is unknown, not $0.00",
            money(i)
        )),
    }
}

/// A refund's name in messages: `refund R1`, `the refund of declaration D1`.
fn seen_name(number: Option<&str>, declaration: Option<&str>) -> String {
    match (number, declaration) {
        (Some(n), _) => format!("refund {n}"),
        (None, Some(d)) => format!("the refund of declaration {d}"),
        (None, None) => "a refund".to_owned(),
    }
}

/// The entry's refunds, each once at its amounts and latest status; whether an amount is
/// negative, and whether the entry needs review. Declaration-level rows that give a status, or
/// are named as candidates of one (T015), are marked `linked`.
fn refunds_of(
    x: &EntryInput<'_>,
    index: &Index<'_>,
    linked: &mut [bool],
    findings: &mut Vec<RefundFinding>,
) -> Refunds {
    let events = index.events;
    // An entry has one refund or a few: a list searched in order beats a map.
    let mut groups: Vec<Group<'_>> = Vec::new();
    for &i in x.own.iter().filter(|&&i| events[i].has_amount()) {
        let e = &events[i];
        let key = group_key(e);
        match groups.iter_mut().find(|g| g.key == key) {
            Some(g) => {
                if g.declaration.is_none() {
                    g.declaration.clone_from(&e.declaration);
                }
                g.more.push(i);
            }
            None => groups.push(Group {
                key,
                refund_number: e.refund_number.clone(),
                declaration: e.declaration.clone(),
                first: i,
                more: Vec::new(),
            }),
        }
    }
    merge_unnumbered(&mut groups, events);
    let latest_of = |items: &mut dyn Iterator<Item = usize>| {
        items.reduce(|a, b| if later(&events[b], &events[a]) { b } else { a })
    };
    let numbers: Vec<&str> = groups
        .iter()
        .filter_map(|g| g.refund_number.as_deref())
        .collect();
    let single = groups.len() == 1;
    let mut refunds = Vec::with_capacity(groups.len());
    let mut negative = false;
    let mut review = false;
    let mut unknown = Vec::new();
    for g in &groups {
        let Some(latest) = latest_of(&mut g.amounts()) else {
            continue;
        };
        let by_refund = g
            .refund_number
            .as_deref()
            .and_then(|r| index.by_refund.get(r))
            .map_or(&[][..], Vec::as_slice);
        let by_declaration = g
            .declaration
            .as_deref()
            .and_then(|d| index.by_declaration.get(d))
            .map_or(&[][..], Vec::as_slice);
        let (used, agreeing) = amounts_used(g, latest, events, by_refund);
        let le = &events[used];
        let (p, int) = (
            le.principal_cents.unwrap_or(0),
            le.interest_cents.unwrap_or(0),
        );
        negative |= p < 0 || int < 0;
        if let Some(f) = disagreement(g, used, &agreeing, events) {
            findings.push(f);
            review = true;
        }
        // The latest status: the refund's own rows, then the rows of its refund number, then
        // the declaration's rows that can be told to be this refund's.
        let in_group = |i: usize| i == g.first || g.more.contains(&i);
        let own_status = |i: usize| {
            let e = &events[i];
            in_group(i)
                || match (&e.refund_number, &g.refund_number) {
                    (Some(a), Some(b)) => a == b,
                    // A status row of the entry naming no refund (or naming one when this
                    // refund has no number): this refund's only when it is the entry's only one.
                    _ => !e.has_amount() && single,
                }
        };
        let (attached, candidates) = declaration_rows(g, le, events, by_declaration, &numbers);
        for &i in by_refund
            .iter()
            .chain(&attached)
            .chain(candidates.iter().flat_map(|c| c.rows.iter()))
        {
            linked[i] = true;
        }
        let status = latest_of(
            &mut x
                .own
                .iter()
                .copied()
                .filter(|&i| own_status(i))
                .chain(by_refund.iter().copied())
                .chain(attached.iter().copied())
                .filter(|&i| events[i].status().is_some()),
        );
        if status.is_none() && candidates.len() > 1 {
            findings.push(ambiguous_status(g, le, &candidates, events));
            review = true;
        }
        let read = status.and_then(|s| events[s].status());
        if let Some(StatusRead::Unrecognized(raw)) = &read {
            findings.push(finding(
                &REFUND_STATUS_UNKNOWN,
                format!(
                    "{}: status `{raw}` ({}) is none of ACE's four (Sent to Treasury, Treasury Issued, Funds Diverted, Check/ACH Returned) - counted as not received; ask CBP what it means",
                    refund_name(g),
                    status.map_or_else(String::new, |s| events[s].place().to_string())
                ),
            ));
        }
        // A row without number takes the number of the declaration's refund it was told to be
        // (by the declaration's only refund, or its amount).
        let refund_number = g.refund_number.clone().or_else(|| {
            status
                .map(|s| &events[s])
                .filter(|e| e.entry.is_none())
                .and_then(|e| e.refund_number.clone())
        });
        let why = amount_unknown_why(
            &seen_name(refund_number.as_deref(), g.declaration.as_deref()),
            le,
            true,
        );
        refunds.push(RefundSeen {
            refund_number,
            declaration: g.declaration.clone(),
            principal_cents: p,
            interest_cents: int,
            status: read.as_ref().map(status_text),
            bucket: bucket_of(read.as_ref()),
            status_from: status.map(|s| events[s].place()),
            status_date: status.and_then(|s| events[s].status_date),
            amounts_from: Some(le.place()),
            amount_unknown: why.is_some(),
        });
        unknown.extend(why);
    }
    // A status row of the entry with no amount anywhere (REV-613 naming the entry, say) still
    // tells where its money is: shown as a refund of unknown amount.
    if groups.is_empty()
        && let Some(i) = latest_of(
            &mut x
                .own
                .iter()
                .copied()
                .filter(|&i| events[i].status().is_some()),
        )
    {
        let e = &events[i];
        let read = e.status();
        unknown.extend(amount_unknown_why(
            &seen_name(e.refund_number.as_deref(), e.declaration.as_deref()),
            e,
            false,
        ));
        refunds.push(RefundSeen {
            refund_number: e.refund_number.clone(),
            declaration: e.declaration.clone(),
            principal_cents: 0,
            interest_cents: 0,
            status: read.as_ref().map(status_text),
            bucket: bucket_of(read.as_ref()),
            status_from: Some(e.place()),
            status_date: e.status_date,
            amounts_from: None,
            amount_unknown: true,
        });
    }
    Refunds {
        refunds,
        negative,
        review,
        unknown,
    }
}

/// A row's amounts, when both could be read.
fn amounts_read(e: &RefundEvent) -> Option<(Option<i64>, Option<i64>)> {
    (!e.amount_unreadable).then_some((e.principal_cents, e.interest_cents))
}

/// A refund without number (REV-615 gives none) whose declaration and amounts (or total) equal
/// those of exactly one numbered refund of the entry (ES-022), or failing that whose
/// (re)liquidation date does, is that refund, in whichever order the reports came: it is
/// counted once.
fn merge_unnumbered(groups: &mut Vec<Group<'_>>, events: &[RefundEvent]) {
    if groups.len() < 2 {
        return;
    }
    let mut k = 0;
    while k < groups.len() {
        if groups[k].refund_number.is_some() {
            k += 1;
            continue;
        }
        let g = &groups[k];
        let numbered = |h: &Group<'_>| {
            h.refund_number.is_some()
                && match (&g.declaration, &h.declaration) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                }
        };
        // The same amounts, or the same total when one row gives principal and interest
        // together (a blank interest cell beside a `Refund Amount` that holds both).
        let same_amounts = |h: &Group<'_>| {
            g.amounts().any(|i| {
                let a = &events[i];
                a.has_amount()
                    && !a.amount_unreadable
                    && h.amounts().any(|j| {
                        let b = &events[j];
                        b.has_amount() && !differs(a, b) && !differs(b, a)
                    })
            })
        };
        // Else the same (re)liquidation date: CBP refunds per importer and liquidation date.
        let dated = |e: &RefundEvent| e.reliquidation_date.or(e.liquidation_date);
        let same_date = |h: &Group<'_>| {
            g.amounts().filter_map(|i| dated(&events[i])).any(|d| {
                h.amounts()
                    .filter_map(|j| dated(&events[j]))
                    .any(|e| e == d)
            })
        };
        let matching = |test: &dyn Fn(&Group<'_>) -> bool| -> Vec<usize> {
            groups
                .iter()
                .enumerate()
                .filter(|(_, h)| numbered(h) && test(h))
                .map(|(j, _)| j)
                .collect()
        };
        let mut matches = matching(&same_amounts);
        if matches.is_empty() {
            matches = matching(&same_date);
        }
        if let [j] = matches[..] {
            let g = groups.remove(k);
            let h = &mut groups[if j > k { j - 1 } else { j }];
            if h.declaration.is_none() {
                h.declaration = g.declaration.clone();
            }
            h.more.extend(g.amounts());
        } else {
            k += 1;
        }
    }
}

/// Does the row give principal and interest apart, both read?
fn gives_both(e: &RefundEvent) -> bool {
    !e.amount_unreadable && e.principal_cents.is_some() && e.interest_cents.is_some()
}

/// Does row `e` give other amounts than `used`, the row a refund is counted at? An amount `e`
/// does not give is no disagreement; a row with one amount and no interest (REV-613's `Refund
/// Amount` is principal and interest together) agrees with a row giving both when it is their
/// total - compared as totals, never as a principal.
fn differs(e: &RefundEvent, used: &RefundEvent) -> bool {
    if e.amount_unreadable != used.amount_unreadable {
        return true;
    }
    let total_of = |one: &RefundEvent, both: &RefundEvent| {
        one.interest_cents.is_none()
            && one.principal_cents.is_some()
            && gives_both(both)
            && one.principal_cents == both.total_cents()
    };
    if total_of(e, used) || total_of(used, e) {
        return false;
    }
    (e.principal_cents.is_some() && e.principal_cents != used.principal_cents)
        || (e.interest_cents.is_some() && e.interest_cents != used.interest_cents)
}

/// Which row's amounts a refund is counted at: the latest, unless its rows disagree and more
/// reports (ES-022, REV-603, REV-615: another export of the same report is no second witness)
/// agree on other amounts; a declaration's row of the same refund number agrees when its
/// total is the same. Returns the row and the rows that agree with it.
fn amounts_used(
    g: &Group<'_>,
    latest: usize,
    events: &[RefundEvent],
    by_refund: &[usize],
) -> (usize, Vec<usize>) {
    let key = |i: usize| amounts_read(&events[i]);
    let complete = |i: usize| gives_both(&events[i]);
    let consistent =
        |i: usize, j: usize| !differs(&events[i], &events[j]) && !differs(&events[j], &events[i]);
    // Principal and interest are taken from a row that gives them apart, when one does.
    let any_complete = g.amounts().any(complete);
    if g.more.is_empty() || g.amounts().all(|i| consistent(i, latest)) {
        let used = if complete(latest) || !any_complete {
            latest
        } else {
            g.amounts()
                .filter(|&i| complete(i))
                .reduce(|a, b| if later(&events[b], &events[a]) { b } else { a })
                .unwrap_or(latest)
        };
        return (used, g.amounts().filter(|&i| i != used).collect());
    }
    let mut best: Option<(usize, Vec<usize>)> = None;
    for i in g.amounts().filter(|&i| complete(i) || !any_complete) {
        let agree: Vec<usize> = g
            .amounts()
            .filter(|&j| j != i && key(j).is_some() && consistent(i, j))
            .chain(by_refund.iter().copied().filter(|&j| {
                events[j].has_amount()
                    && events[i].total_cents().is_some()
                    && events[j].total_cents() == events[i].total_cents()
            }))
            .collect();
        let reports = |row: usize, rows: &[usize]| {
            let mut r: Vec<_> = rows.iter().map(|&j| events[j].report).collect();
            r.push(events[row].report);
            r.sort_unstable();
            r.dedup();
            r.len()
        };
        let better = match &best {
            None => true,
            Some((b, a)) => {
                let (mine, theirs) = (reports(i, &agree), reports(*b, a));
                mine > theirs || (mine == theirs && later(&events[i], &events[*b]))
            }
        };
        if better {
            best = Some((i, agree));
        }
    }
    best.unwrap_or((latest, Vec::new()))
}

/// The declaration's rows of no entry that give this refund's status (`attached`): those of
/// its number, else those that can be told to be its own - the declaration shows one refund,
/// or the amount of exactly one equals this refund's. Otherwise the declaration's refunds are
/// returned as candidates, none attached: a status is never guessed.
fn declaration_rows<'e>(
    g: &Group<'_>,
    le: &RefundEvent,
    events: &'e [RefundEvent],
    rows: &[usize],
    numbers: &[&str],
) -> (Vec<usize>, Vec<Candidate<'e>>) {
    let own = g.refund_number.as_deref();
    let mut candidates: Vec<Candidate<'e>> = Vec::new();
    for &i in rows {
        let n = events[i].refund_number.as_deref();
        // Its own number's rows come by number; another refund of this entry's are not its.
        if n.is_some() && (n == own || n.is_some_and(|n| numbers.contains(&n))) {
            continue;
        }
        match candidates.iter_mut().find(|c| c.number == n) {
            Some(c) => c.rows.push(i),
            None => candidates.push(Candidate {
                number: n,
                rows: vec![i],
            }),
        }
    }
    let total = le.total_cents();
    let matches = |c: &Candidate<'_>| {
        total.is_some()
            && c.rows
                .iter()
                .any(|&i| events[i].has_amount() && events[i].total_cents() == total)
    };
    let pick = |c: &Candidate<'e>| (c.rows.clone(), Vec::new());
    if own.is_some() {
        // A row of the declaration without refund number is this refund's only when the
        // declaration shows no other refund, or its amount is this refund's.
        let others = candidates.iter().any(|c| c.number.is_some());
        return match candidates.iter().find(|c| c.number.is_none()) {
            Some(u) if !others || matches(u) => pick(u),
            Some(_) => (Vec::new(), candidates),
            None => (Vec::new(), Vec::new()),
        };
    }
    if let [only] = &candidates[..] {
        return pick(only);
    }
    let matching: Vec<&Candidate<'e>> = candidates.iter().filter(|c| matches(c)).collect();
    if let [one] = matching[..] {
        return pick(one);
    }
    (Vec::new(), candidates)
}

/// One refund of a declaration, among the rows of no entry.
struct Candidate<'e> {
    number: Option<&'e str>,
    rows: Vec<usize>,
}

/// T015: the declaration shows several refunds and nothing tells which is this one.
fn ambiguous_status(
    g: &Group<'_>,
    le: &RefundEvent,
    candidates: &[Candidate<'_>],
    events: &[RefundEvent],
) -> RefundFinding {
    let shown: Vec<String> = candidates
        .iter()
        .map(|c| {
            let latest = c
                .rows
                .iter()
                .copied()
                .reduce(|a, b| if later(&events[b], &events[a]) { b } else { a })
                .unwrap_or(c.rows[0]);
            let e = &events[latest];
            let status = match e.status() {
                Some(s) => format!(" `{}`", status_text(&s)),
                None => String::new(),
            };
            let amount = e
                .total_cents()
                .filter(|_| e.has_amount())
                .map_or_else(String::new, |t| format!(" {}", money(t)));
            format!(
                "{}{status}{amount} ({} {})",
                c.number.map_or_else(
                    || "a refund without number".to_owned(),
                    |n| format!("refund {n}")
                ),
                e.report.code(),
                e.place()
            )
        })
        .collect();
    finding(
        &REFUND_STATUS_AMBIGUOUS,
        format!(
            "{} ({} {}, {}) cannot be told apart among the {} refunds of declaration {} the reports show: {} - its status is not guessed: nothing paid, sent, diverted or held is counted for it; run ES-022 for the declaration (it gives each entry's refund number), or ask CBP which refund pays this entry",
            refund_name(g),
            le.report.code(),
            le.place(),
            le.total_cents()
                .map_or_else(|| "amount unknown".to_owned(), money),
            candidates.len(),
            g.declaration.as_deref().unwrap_or("-"),
            shown.join("; ")
        ),
    )
}

/// T011 when rows of one refund give other amounts than those used.
fn disagreement(
    g: &Group<'_>,
    used: usize,
    agreeing: &[usize],
    events: &[RefundEvent],
) -> Option<RefundFinding> {
    if g.more.is_empty() {
        return None;
    }
    let le = &events[used];
    let differing: Vec<String> = g
        .amounts()
        .map(|i| &events[i])
        .filter(|e| differs(e, le))
        .map(|e| {
            format!(
                "{} principal {} interest {} ({})",
                e.report.code(),
                e.principal_cents.map_or_else(|| "-".to_owned(), money),
                e.interest_cents.map_or_else(|| "-".to_owned(), money),
                e.place()
            )
        })
        .collect();
    let why = if agreeing.is_empty() {
        "used, the later news".to_owned()
    } else {
        format!(
            "used: {} agree{}",
            agreeing
                .iter()
                .map(|&i| format!("{} ({})", events[i].report.code(), events[i].place()))
                .collect::<Vec<_>>()
                .join(", "),
            if agreeing.len() == 1 { "s" } else { "" }
        )
    };
    (!differing.is_empty()).then(|| {
        finding(
            &REFUND_REPORTS_DISAGREE,
            format!(
                "{}: {} principal {} interest {} ({}, {why}) but {} - not judged short or over until they agree: run both reports again; if they still disagree ask CBP which holds",
                refund_name(g),
                le.report.code(),
                money(le.principal_cents.unwrap_or(0)),
                money(le.interest_cents.unwrap_or(0)),
                le.place(),
                differing.join("; ")
            ),
        )
    })
}

/// The interest estimate: on the duty, from the deposit (a report's) or the entry summary
/// date, to the (re)liquidation or the as-of date; or why there is none.
fn interest_for(
    x: &EntryInput<'_>,
    events: &[RefundEvent],
    duty: Option<i64>,
    liquidation: &LiquidationSeen,
    findings: &mut Vec<RefundFinding>,
) -> (Option<InterestEstimate>, Option<String>) {
    // A deposit after the (re)liquidation, or after the as-of date, cannot be the duty's: the
    // interest would run backwards. Not used, and said (T016).
    let last = match liquidation {
        LiquidationSeen::Done { on, .. } => (*on).min(x.as_of),
        _ => x.as_of,
    };
    let mut deposit = None;
    for &i in x.own {
        let e = &events[i];
        let Some(d) = e.deposit_date else { continue };
        if d > last {
            findings.push(finding(
                &DEPOSIT_AFTER_LIQUIDATION,
                format!(
                    "the deposit date {d} ({} {}) is after {}: it cannot be the day the duty was paid - not used; interest is estimated from {}; correct the report's `Deposit Date` or ask CBP",
                    e.report.code(),
                    e.place(),
                    match liquidation {
                        LiquidationSeen::Done { on, basis, .. } if *on <= x.as_of =>
                            format!("the {} of {on}", liquidation_word(*basis)),
                        _ => format!("the as-of date {}", x.as_of),
                    },
                    if x.facts.and_then(|f| f.entry_summary_date).is_some() {
                        "the entry summary date"
                    } else {
                        "another deposit date, or not at all"
                    }
                ),
            ));
        } else if deposit.is_none_or(|m| d < m) {
            deposit = Some(d);
        }
    }
    let Some(duty) = duty else {
        return (None, Some("the IEEPA duty is unknown".to_owned()));
    };
    let from = deposit.map(|d| (d, FromBasis::Payment)).or_else(|| {
        x.facts
            .and_then(|f| f.entry_summary_date)
            .map(|d| (d, FromBasis::EntrySummary))
    });
    let Some(from) = from else {
        return (
            None,
            Some("no deposit date in the reports and no entry summary date kept".to_owned()),
        );
    };
    let to = match liquidation {
        LiquidationSeen::Done { on, basis, .. } => (*on, *basis),
        _ => (x.as_of, ToBasis::AsOf),
    };
    let taxpayer = if x.corporate {
        Taxpayer::Corporate
    } else {
        Taxpayer::NonCorporate
    };
    (Some(estimate(duty, from, to, taxpayer, x.rates)), None)
}

/// T007 and T009: what the ledger does not know of the entry. Returns the state they set.
fn data_findings(
    x: &EntryInput<'_>,
    events: &[RefundEvent],
    findings: &mut Vec<RefundFinding>,
) -> Option<&'static str> {
    match (x.accepted, x.facts) {
        (None, _) => {
            let mut reports: Vec<&str> = x.own.iter().map(|&i| events[i].report.code()).collect();
            reports.sort_unstable();
            reports.dedup();
            let named = match &reports[..] {
                [] => "a refund report names".to_owned(),
                [one] => format!("{one} names"),
                [rest @ .., last] => format!("{} and {last} name", rest.join(", ")),
            };
            let what = match x.rejected {
                Some(claim) => format!(
                    "{named} this entry, but the ledger has it rejected on claim {claim}, and accepted on none - check whether this is a CAPE refund (a protest or PSC refund is not), or import the Claim Details of a later claim that accepted it"
                ),
                None => format!(
                    "{named} this entry, but no claim recorded in the ledger accepted it - import its Claim Details, or check whether this is a CAPE refund"
                ),
            };
            findings.push(finding(&REFUND_FOR_ENTRY_NOT_ACCEPTED, what));
            return Some("not recorded as accepted");
        }
        (Some(_), None) => findings.push(finding(
            &OWED_UNKNOWN,
            "the ledger keeps no entry data for it: what is owed is unknown - import its ES-003 (`capekit ledger import`)".to_owned(),
        )),
        (Some(_), Some(f)) => {
            if let Some(why) = f.duty_unknown {
                findings.push(finding(
                    &OWED_UNKNOWN,
                    format!(
                        "{why}: what is owed is unknown - import an ES-003 with the duty of every line"
                    ),
                ));
            }
        }
    }
    None
}

/// T017: a refund report names another importer of record than the kept entry data. The entry
/// stays with the data's importer; both are named. Returns whether they differ.
fn importer_differs(
    x: &EntryInput<'_>,
    events: &[RefundEvent],
    findings: &mut Vec<RefundFinding>,
) -> bool {
    let Some(kept) = x.facts.and_then(|f| f.importer.as_deref()) else {
        return false;
    };
    let same = super::squash(kept);
    let mut other: Vec<String> = Vec::new();
    for &i in x.own {
        let e = &events[i];
        if let Some(named) = e.importer.as_deref()
            && super::squash(named) != same
        {
            other.push(format!("{} ({} {})", named, e.report.code(), e.place()));
        }
    }
    if other.is_empty() {
        return false;
    }
    findings.push(finding(
        &REFUND_IMPORTER_DIFFERS,
        format!(
            "a refund report names importer {} for this entry, but its kept entry data (ES-003) names {kept}: the refund is shown under {kept} - check the importer of record in ACE; a refund paid to another importer is not this one's",
            other.join(", ")
        ),
    ));
    true
}

/// T001, T002 and T010: the clocks of liquidation after acceptance and of the refund after
/// liquidation. Returns the state.
fn timing(
    x: &EntryInput<'_>,
    acc: &AcceptedEntry,
    liquidation: &LiquidationSeen,
    moving: bool,
    findings: &mut Vec<RefundFinding>,
) -> Option<&'static str> {
    let since = days_between(acc.accepted_by, x.as_of);
    match liquidation {
        LiquidationSeen::Pending { extended: true } => {
            findings.push(finding(
                &LIQUIDATION_EXTENDED,
                format!(
                    "liquidation extended or suspended (`{}`): not overdue; the refund waits for the liquidation",
                    x.facts
                        .and_then(|f| f.liquidation_status.as_deref())
                        .unwrap_or("")
                ),
            ));
            Some("liquidation extended")
        }
        LiquidationSeen::Pending { .. }
        | LiquidationSeen::Before { .. }
        | LiquidationSeen::Unknown
            if since > LIQUIDATION_EXPECTED_DAYS =>
        {
            let what = match liquidation {
                LiquidationSeen::Before { on } => format!(
                    "liquidated on {on}, before acceptance, and no reliquidation since shows in the kept entry data or any refund report"
                ),
                _ => "no liquidation shows in the kept entry data or any refund report".to_owned(),
            };
            findings.push(finding(
                &LIQUIDATION_OVERDUE,
                format!(
                    "accepted on claim {} by {}, {since} days before {}: {what}; CBP liquidates about 45 days after acceptance - look the entry up in ACE (ES-003, ES-701) and ask CBP why it is not (re)liquidated",
                    acc.claim, acc.accepted_by, x.as_of
                ),
            ));
            Some("liquidation overdue")
        }
        LiquidationSeen::Pending { .. }
        | LiquidationSeen::Before { .. }
        | LiquidationSeen::Unknown => Some("awaiting liquidation"),
        LiquidationSeen::Done { .. } | LiquidationSeen::Implied if moving => None,
        LiquidationSeen::Done { on, basis, .. } => {
            let after = days_between(*on, x.as_of);
            if after > REFUND_DUE_DAYS {
                findings.push(finding(
                    &REFUND_OVERDUE,
                    format!(
                        "{} on {on}, {after} days before {}: the refund was due within 30 days (19 USC 1505(b)) and no report shows it sent, diverted or held - run REV-603 and REV-615 again and ask CBP",
                        liquidation_word(*basis),
                        x.as_of
                    ),
                ));
                Some("refund overdue")
            } else {
                Some("awaiting refund")
            }
        }
        LiquidationSeen::Implied => Some("refund reported"),
    }
}

/// What [`short_or_over`] found.
struct Judged {
    short: Option<RefundFinding>,
    over: Option<RefundFinding>,
    protest_due: Option<Date>,
}

/// T003 and T004: the refunds against the duty and the interest estimate, within
/// [`Tolerance::DEFAULT`]; a short refund with the protest date of its (re)liquidation.
fn short_or_over(
    x: &EntryInput<'_>,
    duty: i64,
    interest: Option<&InterestEstimate>,
    refunds: &[RefundSeen],
    liquidation: &LiquidationSeen,
) -> Judged {
    let principal: i64 = refunds.iter().map(|r| r.principal_cents).sum();
    let interest_paid: i64 = refunds.iter().map(|r| r.interest_cents).sum();
    let tol = Tolerance::DEFAULT;
    let mut short = Vec::new();
    let mut over = Vec::new();
    let diff = principal - duty;
    if diff < -tol.principal_cents {
        short.push(format!(
            "principal {} against IEEPA duty {} ({} short)",
            money(principal),
            money(duty),
            money(-diff)
        ));
    } else if diff > tol.principal_cents {
        over.push(format!(
            "principal {} against IEEPA duty {} ({} over)",
            money(principal),
            money(duty),
            money(diff)
        ));
    }
    // Interest only against a complete estimate that ends at the real (re)liquidation.
    if let Some(cents) = interest
        .filter(|e| e.to_basis != ToBasis::AsOf)
        .and_then(|e| e.cents)
    {
        let tol_i = tol.interest_cents(duty + cents);
        let diff = interest_paid - cents;
        let line = |word: &str, by: i64| {
            format!(
                "interest {} against about {} estimated ({} {word}, beyond the {} tolerance)",
                money(interest_paid),
                money(cents),
                money(by),
                money(tol_i)
            )
        };
        if diff < -tol_i {
            short.push(line("short", -diff));
        } else if diff > tol_i {
            over.push(line("over", diff));
        }
    }
    let due = match liquidation {
        LiquidationSeen::Done { on, .. } => add_days(*on, PROTEST_DAYS),
        _ => None,
    };
    let short = (!short.is_empty()).then(|| {
        let when = match (liquidation, due) {
            (LiquidationSeen::Done { on, basis, .. }, Some(due)) => format!(
                "protest the {} of {on} by {due} (180 days, 19 USC 1514(c)(3)){}",
                liquidation_word(*basis),
                if due < x.as_of {
                    " - that day has passed"
                } else {
                    ""
                }
            ),
            _ => "the (re)liquidation date is not known: look it up in ACE (ES-701); the protest is due 180 days after it (19 USC 1514(c)(3))".to_owned(),
        };
        finding(
            &REFUND_SHORT,
            format!("refund short: {}; {when}", short.join("; ")),
        )
    });
    let protest_due = short.as_ref().and(due);
    let over = (!over.is_empty()).then(|| {
        finding(
            &REFUND_OVER,
            format!(
                "refund over: {} - check the entry's lines in ES-003; CBP may bill it back",
                over.join("; ")
            ),
        )
    });
    Judged {
        short,
        over,
        protest_due,
    }
}

fn liquidation_word(basis: ToBasis) -> &'static str {
    match basis {
        ToBasis::Reliquidation => "reliquidation",
        ToBasis::Liquidation | ToBasis::AsOf => "liquidation",
    }
}

fn refund_name(g: &Group<'_>) -> String {
    match (&g.refund_number, &g.declaration) {
        (Some(r), _) => format!("refund {r}"),
        (None, Some(d)) => format!("the refund of declaration {d}"),
        (None, None) => "a refund without number or declaration".to_owned(),
    }
}

fn refund_numbers(refunds: &[RefundSeen], bucket: Bucket) -> String {
    let numbers: Vec<&str> = refunds
        .iter()
        .filter(|r| r.bucket == bucket)
        .filter_map(|r| r.refund_number.as_deref())
        .collect();
    if numbers.is_empty() {
        String::new()
    } else {
        format!(" ({})", numbers.join(", "))
    }
}

/// What the kept data and the reports say of the (re)liquidation after acceptance.
fn liquidation_seen(x: &EntryInput<'_>, events: &[RefundEvent], refunded: bool) -> LiquidationSeen {
    // A report's dates are the (re)liquidation its refund came from: the latest wins.
    let mut best: Option<(Date, ToBasis, Option<Place>)> = None;
    for &i in x.own {
        let e = &events[i];
        for (d, basis) in [
            (e.reliquidation_date, ToBasis::Reliquidation),
            (e.liquidation_date, ToBasis::Liquidation),
        ] {
            if let Some(d) = d.filter(|d| *d <= x.as_of)
                && best.as_ref().is_none_or(|(b, ..)| d > *b)
            {
                best = Some((d, basis, Some(e.place())));
            }
        }
    }
    if let Some((on, basis, from)) = best {
        return LiquidationSeen::Done { on, basis, from };
    }
    let from_data = x.facts.and_then(|f| {
        let status = f.liquidation_status.as_deref().and_then(liquidation_status);
        let extended = f.liquidation_status.as_deref().is_some_and(|s| {
            let s = super::squash(s);
            s.contains("extend") || s.contains("suspend")
        });
        match (status, f.liquidation_date) {
            (Some(LiqStatus::Unliquidated), _) => Some(LiquidationSeen::Pending { extended }),
            (Some(LiqStatus::Liquidated) | None | Some(LiqStatus::Unrecognized), Some(d))
                if d <= x.as_of =>
            {
                let after_acceptance = x.accepted.is_none_or(|a| d >= a.accepted_by);
                Some(if after_acceptance || f.cape_liquidation {
                    LiquidationSeen::Done {
                        on: d,
                        basis: ToBasis::Liquidation,
                        from: None,
                    }
                } else {
                    LiquidationSeen::Before { on: d }
                })
            }
            (_, Some(_)) => Some(LiquidationSeen::Pending { extended }),
            (Some(LiqStatus::Liquidated | LiqStatus::Unrecognized), None) => None,
            (None, None) => Some(LiquidationSeen::Pending { extended }),
        }
    });
    match from_data {
        Some(done @ LiquidationSeen::Done { .. }) => done,
        // A refund follows a (re)liquidation: the data that says otherwise is older.
        _ if refunded => LiquidationSeen::Implied,
        Some(seen) => seen,
        None => LiquidationSeen::Unknown,
    }
}

/// Declaration-level rows that no entry took up (T012), one finding per declaration or refund.
fn unlinked(events: &[RefundEvent], linked: &[bool], importer: Option<&str>) -> Vec<RefundProblem> {
    // By (declaration, refund number).
    type Key = (Option<Arc<str>>, Option<Arc<str>>);
    let mut seen: BTreeMap<Key, RefundProblem> = BTreeMap::new();
    for (i, e) in events.iter().enumerate() {
        if e.entry.is_some() || linked[i] {
            continue;
        }
        if let Some(only) = importer
            && e.importer.as_deref() != Some(only)
        {
            continue;
        }
        let key = (e.declaration.clone(), e.refund_number.clone());
        if seen.contains_key(&key) {
            continue;
        }
        let what = match (&e.declaration, &e.refund_number) {
            (Some(d), Some(r)) => format!("declaration {d}, refund {r}"),
            (Some(d), None) => format!("declaration {d}"),
            (None, Some(r)) => format!("refund {r}"),
            (None, None) => "a row".to_owned(),
        };
        let status = match e.status() {
            Some(StatusRead::Known(k)) => format!(" `{}`", k.label()),
            Some(StatusRead::Unrecognized(raw)) => format!(" `{raw}`"),
            None => String::new(),
        };
        let amount = if e.has_amount() {
            format!(
                " for {}",
                money(e.principal_cents.unwrap_or(0) + e.interest_cents.unwrap_or(0))
            )
        } else {
            String::new()
        };
        seen.insert(
            key,
            RefundProblem {
                finding: finding(
                    &DECLARATION_REFUND_WITHOUT_ENTRIES,
                    format!(
                        "{} shows {what}{status}{amount}, and no entry-level report (ES-022, REV-615) links it to an entry - import one for that declaration; the amount is not counted for any entry",
                        e.report.code()
                    ),
                ),
                importer: e.importer.clone(),
                declaration: e.declaration.clone(),
                refund_number: e.refund_number.clone(),
                from: e.place(),
            },
        );
    }
    seen.into_values().collect()
}

fn importer_totals(
    entries: &[EntryRefund],
    corporate: &HashMap<Arc<str>, bool>,
) -> Vec<ImporterRefunds> {
    let mut out: Vec<ImporterRefunds> = Vec::new();
    let mut over = 0;
    let mut unknown_received = 0;
    for e in entries {
        let name = e.importer.as_deref().unwrap_or(UNKNOWN_IMPORTER);
        if out.last().is_none_or(|l| l.importer != name) {
            if let Some(l) = out.last_mut() {
                close(l, over, unknown_received);
            }
            (over, unknown_received) = (0, 0);
            out.push(ImporterRefunds {
                importer: name.to_owned(),
                name: None,
                corporate: e
                    .importer
                    .as_ref()
                    .is_some_and(|i| corporate.get(i).copied().unwrap_or(false)),
                entries_accepted: 0,
                entries_not_accepted: 0,
                entries_owed_unknown: 0,
                duty_cents: 0,
                interest_cents: 0,
                entries_interest_partial: 0,
                interest_unpublished: None,
                owed_cents: 0,
                paid_principal_cents: 0,
                paid_interest_cents: 0,
                sent_cents: 0,
                diverted_cents: 0,
                held_cents: 0,
                reported_cents: 0,
                outstanding_cents: 0,
                overdue_entries: 0,
                overdue_cents: 0,
                liquidation_overdue_entries: 0,
                held_entries: 0,
                diverted_entries: 0,
                short_entries: 0,
                entries_to_act_on: 0,
                balance: Balance {
                    holds: true,
                    difference_cents: 0,
                    over_cents: 0,
                    over_entries: 0,
                    unknown_owed_received_cents: 0,
                    unknown_owed_entries: 0,
                    amount_unknown_cents: 0,
                    amount_unknown_entries: 0,
                    text: String::new(),
                },
                readiness: Vec::new(),
                recorded: Readiness::default(),
            });
        }
        let Some(t) = out.last_mut() else { continue };
        if t.name.is_none() {
            t.name = e.importer_name.clone();
        }
        if e.claim.is_some() {
            t.entries_accepted += 1;
        } else {
            t.entries_not_accepted += 1;
        }
        t.duty_cents += e.duty_cents.unwrap_or(0);
        if let Some(i) = &e.interest {
            t.interest_cents += i.counted_cents;
            if i.cents.is_none() {
                t.entries_interest_partial += 1;
            }
            if let Some(q) = i.unpublished
                && t.interest_unpublished.is_none_or(|first| q < first)
            {
                t.interest_unpublished = Some(q);
            }
        } else if e.duty_cents.is_some() {
            t.entries_interest_partial += 1;
        }
        t.paid_principal_cents += e.paid_principal_cents;
        t.paid_interest_cents += e.paid_interest_cents;
        t.sent_cents += e.sent_cents;
        t.diverted_cents += e.diverted_cents;
        t.held_cents += e.held_cents;
        t.reported_cents += e.reported_cents;
        match e.owed_cents {
            Some(owed) if e.amount_unknown() => {
                // What was paid is unknown: what is left of owed is not outstanding, it is
                // unaccounted, and the balance says so.
                t.owed_cents += owed;
                t.balance.amount_unknown_cents += owed - e.received_cents();
                t.balance.amount_unknown_entries += 1;
            }
            Some(owed) => {
                t.owed_cents += owed;
                t.outstanding_cents += e.outstanding_cents.unwrap_or(0);
                let beyond = e.received_cents() - owed;
                if beyond > 0 {
                    over += beyond;
                    t.balance.over_entries += 1;
                }
            }
            None => {
                if e.claim.is_some() {
                    t.entries_owed_unknown += 1;
                }
                if e.received_cents() != 0 {
                    unknown_received += e.received_cents();
                    t.balance.unknown_owed_entries += 1;
                }
            }
        }
        let has = |rule: &RefundStateRule| e.findings.iter().any(|f| f.is(rule));
        if has(&REFUND_OVERDUE) {
            t.overdue_entries += 1;
            t.overdue_cents += e.outstanding_cents.unwrap_or(0);
        }
        t.liquidation_overdue_entries += usize::from(has(&LIQUIDATION_OVERDUE));
        t.held_entries += usize::from(has(&REFUND_RETURNED));
        t.diverted_entries += usize::from(has(&FUNDS_DIVERTED));
        t.short_entries += usize::from(has(&REFUND_SHORT));
        t.entries_to_act_on += usize::from(e.needs_action());
    }
    if let Some(l) = out.last_mut() {
        close(l, over, unknown_received);
    }
    out
}

/// Closes an importer's balance: the difference is computed from the totals, and explained by
/// what was received beyond what is owed and on entries whose owed is unknown.
fn close(t: &mut ImporterRefunds, over: i64, unknown_received: i64) {
    let paid = t.paid_principal_cents + t.paid_interest_cents;
    let difference = t.owed_cents
        - (paid + t.sent_cents + t.diverted_cents + t.held_cents + t.outstanding_cents);
    let amount_unknown = t.balance.amount_unknown_cents;
    let b = &mut t.balance;
    b.over_cents = over;
    b.unknown_owed_received_cents = unknown_received;
    b.difference_cents = difference;
    b.holds = difference == 0;
    let sum = format!(
        "owed {} (estimate{}) = paid {} + sent to Treasury, not yet issued {} + diverted {} + held {} + outstanding {}",
        money(t.owed_cents),
        t.interest_unpublished.map_or_else(String::new, |q| format!(
            "; interest excludes the days from {q} on, rate not published"
        )),
        money(paid),
        money(t.sent_cents),
        money(t.diverted_cents),
        money(t.held_cents),
        money(t.outstanding_cents)
    );
    b.text = if b.holds {
        format!("{sum}: the sum holds")
    } else {
        let mut why = Vec::new();
        if over > 0 {
            why.push(format!(
                "{} received beyond what is owed on {}",
                money(over),
                entries_word(b.over_entries)
            ));
        }
        if unknown_received != 0 {
            why.push(format!(
                "{} received on {} whose owed is unknown (not in owed)",
                money(unknown_received),
                entries_word(b.unknown_owed_entries)
            ));
        }
        if amount_unknown != 0 {
            why.push(format!(
                "{} owed on {} a refund amount of which is unknown (a cell that could not be read, D002, or a principal or interest the reports do not give): how much of it was paid is unknown, so it is not in outstanding",
                money(amount_unknown),
                entries_word(b.amount_unknown_entries)
            ));
        }
        let explained = -(over + unknown_received) + amount_unknown;
        if explained != difference {
            why.push(format!(
                "{} not explained - report this",
                money(difference - explained)
            ));
        }
        format!(
            "{sum} does not hold: off by {}: {}",
            money(difference.abs()),
            why.join("; ")
        )
    };
}

/// The importer-level findings: ACH enrollment not known (T018), and an importer that may be
/// inactive for entry purposes (T019). `entries` are in the importers' order.
fn readiness(
    importers: &mut [ImporterRefunds],
    entries: &[EntryRefund],
    input: &ReconcileInput<'_>,
) {
    // Spellings of one importer (`98-7654321BB`, `987654321bb`) are one: the later ACH answer
    // and the latest day of activity hold.
    let mut said: HashMap<String, Readiness> = HashMap::new();
    for (k, v) in &input.readiness {
        let r = said.entry(squash(k)).or_default();
        if v.ach
            .is_some_and(|(_, on)| r.ach.is_none_or(|(_, was)| on >= was))
        {
            r.ach = v.ach;
        }
        r.active_on = r.active_on.max(v.active_on);
    }
    let mut at = 0;
    for t in importers.iter_mut() {
        // The entries of this importer: a run in `entries`, as `importer_totals` walked them.
        let from = at;
        while at < entries.len()
            && entries[at].importer.as_deref().unwrap_or(UNKNOWN_IMPORTER) == t.importer
        {
            at += 1;
        }
        if t.importer == UNKNOWN_IMPORTER {
            continue;
        }
        let own = &entries[from..at];
        let r = said.get(&squash(&t.importer)).copied().unwrap_or_default();
        t.recorded = r;
        if let Some(f) = ach_finding(t, own, r) {
            t.readiness.push(f);
        }
        let latest_entry = own
            .iter()
            .filter_map(|e| input.facts.get(&e.entry).and_then(|f| f.entry_summary_date))
            .max();
        if let Some(f) = inactive_finding(&t.importer, r.active_on, latest_entry, input.as_of) {
            t.readiness.push(f);
        }
    }
}

/// T018: an importer with accepted entries, no refund issued by Treasury, and no ACH enrollment
/// recorded.
fn ach_finding(t: &ImporterRefunds, own: &[EntryRefund], r: Readiness) -> Option<RefundFinding> {
    if t.entries_accepted == 0 {
        return None;
    }
    let issued = own
        .iter()
        .any(|e| e.refunds.iter().any(|s| s.bucket == Bucket::Paid));
    let who = &t.importer;
    let message = match r.ach {
        Some((true, _)) => return None,
        _ if issued => return None,
        Some((false, on)) => format!(
            "importer {who} was recorded on {on} as not enrolled for ACH refunds: CBP pays CAPE refunds by ACH only and holds the others, so its {} accepted {} will be held - only the importer can enter its ACH refund details, in its ACE Portal account; once it has, record it with `capekit refunds --ach-enrolled {who}`",
            t.entries_accepted,
            if t.entries_accepted == 1 {
                "entry's refund"
            } else {
                "entries' refunds"
            }
        ),
        None => format!(
            "no ACH refund enrollment is known for importer {who} and no refund of it shows issued by Treasury: CBP pays CAPE refunds by ACH only and holds the others - ask the importer to check its ACH refund details in its ACE Portal account (only it can enter them), then record the answer with `capekit refunds --ach-enrolled {who}` (or `--not-ach-enrolled {who}`)"
        ),
    };
    Some(finding(&ACH_ENROLLMENT_NOT_KNOWN, message))
}

/// T019: on or after 2026-07-16, an importer whose latest known activity is 366 days or more
/// before `as_of`: the day the user recorded, else the latest entry summary date it has in the
/// ledger (a lower bound, and said so).
fn inactive_finding(
    who: &str,
    active_on: Option<Date>,
    latest_entry: Option<Date>,
    as_of: Date,
) -> Option<RefundFinding> {
    if as_of < INACTIVE_IMPORTERS_FROM {
        return None;
    }
    let (latest, whence) = match (active_on, latest_entry) {
        (Some(a), Some(e)) if e > a => (
            e,
            "the latest entry summary date of its entries in the ledger",
        ),
        (Some(a), _) => (a, "the day recorded with `--active-on`"),
        (None, Some(e)) => (
            e,
            "the latest entry summary date of its entries in the ledger, a lower bound of its activity",
        ),
        (None, None) => return None,
    };
    let days = days_between(latest, as_of);
    (days >= INACTIVE_DAYS).then(|| {
        finding(
            &IMPORTER_MAY_BE_INACTIVE,
            format!(
                "importer {who}: its latest known activity is {latest} ({whence}), {days} days before {as_of}: from 2026-07-16 CBP deactivates importer numbers with no activity for {INACTIVE_DAYS} days (F875 `IMPORTER INACTIVE FOR ENTRY PURPOSES`, CSMS 69268077, not confirmed in full), which can block its refunds - look it up in ACE: if it filed an entry since, record the day with `capekit refunds --active-on {who}=YYYY-MM-DD`; if ACE shows it inactive, ask CBP how to reactivate it (an updated CBP Form 5106)"
            ),
        )
    })
}

fn entries_word(n: usize) -> String {
    if n == 1 {
        "1 entry".to_owned()
    } else {
        format!("{n} entries")
    }
}

#[cfg(test)]
#[path = "reconcile_tests.rs"]
mod tests;
