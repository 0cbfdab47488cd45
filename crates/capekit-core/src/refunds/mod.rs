//! After acceptance: where the money is. The refund events ACE's refund reports give, and the
//! reconciliation of what each importer is owed against what CBP refunded.
//!
//! CBP liquidates or reliquidates an accepted entry, refunds its IEEPA duty with interest (19 USC
//! 1505(b), (c)) by ACH only, consolidated per importer of record and liquidation date, and says
//! where each refund stands in four ACE reports (CSMS 68536553, 2026-05-04): ES-022 (CAPE Entry
//! Summary), REV-603 (Trade Refund, with each declaration's "Refund Secondary Status"), REV-613
//! (ACH Rejected Refunds) and REV-615 (CAPE Details Refunds). CBP publishes no column list of
//! them, so a reader maps what it can and every row becomes one [`RefundEvent`]: the report, the
//! declaration and/or entry it speaks of, its status, amounts and dates, and where it stands in
//! which file. The reconciliation ([`reconcile`]) is pure: the ledger supplies the accepted
//! entries, their kept entry data and the events; the caller supplies the as-of date.

pub mod reconcile;
pub mod rules;

use std::fmt;
use std::sync::Arc;

use jiff::civil::Date;
use serde::Serialize;

use crate::entry::EntryNumber;

pub use reconcile::{
    AcceptedEntry, Balance, EntryRecordView, EntryRefund, EntrySet, FactsMap, ImporterRefunds,
    Readiness, ReconcileInput, Reconciliation, RefundFacts, RefundFinding, RefundProblem,
    RefundSeen, Tolerance, reconcile,
};
pub use rules::{REFUND_READER_RULES, REFUND_RULES};

/// Which ACE report a row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum RefundReport {
    /// ES-022 "CAPE Entry Summary": declaration, entry and refund numbers, principal and
    /// interest apart.
    #[serde(rename = "es-022")]
    Es022,
    /// REV-603 "Trade Refund": per declaration, its "Refund Secondary Status".
    #[serde(rename = "rev-603")]
    Rev603,
    /// REV-613 "ACH Rejected Refunds".
    #[serde(rename = "rev-613")]
    Rev613,
    /// REV-615 "CAPE Details Refunds", entry level.
    #[serde(rename = "rev-615")]
    Rev615,
}

impl RefundReport {
    /// Every report, in code order.
    pub const ALL: [RefundReport; 4] = [Self::Es022, Self::Rev603, Self::Rev613, Self::Rev615];

    /// The name stored in the ledger: `es-022`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Es022 => "es-022",
            Self::Rev603 => "rev-603",
            Self::Rev613 => "rev-613",
            Self::Rev615 => "rev-615",
        }
    }

    /// Reads [`RefundReport::as_str`] back.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// ACE's code: `ES-022`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Es022 => "ES-022",
            Self::Rev603 => "REV-603",
            Self::Rev613 => "REV-613",
            Self::Rev615 => "REV-615",
        }
    }

    /// ACE's title: `CAPE Entry Summary`.
    pub fn title(self) -> &'static str {
        match self {
            Self::Es022 => "CAPE Entry Summary",
            Self::Rev603 => "Trade Refund",
            Self::Rev613 => "ACH Rejected Refunds",
            Self::Rev615 => "CAPE Details Refunds",
        }
    }
}

impl fmt::Display for RefundReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code(), self.title())
    }
}

/// Where a refund stands, as ACE says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefundStatus {
    /// `Sent to Treasury`: CBP sent the refund to Treasury for payment.
    SentToTreasury,
    /// `Treasury Issued`: Treasury paid it.
    TreasuryIssued,
    /// `Funds Diverted`: applied to a debt the importer owes (Treasury offset or a CBP bill).
    FundsDiverted,
    /// `Check/ACH Returned`: the payment came back; CBP holds the money.
    CheckAchReturned,
    /// A row of REV-613 "ACH Rejected Refunds": the ACH payment was rejected; CBP holds it.
    AchRejected,
}

impl RefundStatus {
    /// Every status.
    pub const ALL: [RefundStatus; 5] = [
        Self::SentToTreasury,
        Self::TreasuryIssued,
        Self::FundsDiverted,
        Self::CheckAchReturned,
        Self::AchRejected,
    ];

    /// The name stored in the ledger.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SentToTreasury => "sent-to-treasury",
            Self::TreasuryIssued => "treasury-issued",
            Self::FundsDiverted => "funds-diverted",
            Self::CheckAchReturned => "check-ach-returned",
            Self::AchRejected => "ach-rejected",
        }
    }

    /// Reads [`RefundStatus::as_str`] back.
    pub fn parse_stored(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// As ACE writes it: `Sent to Treasury`.
    pub fn label(self) -> &'static str {
        match self {
            Self::SentToTreasury => "Sent to Treasury",
            Self::TreasuryIssued => "Treasury Issued",
            Self::FundsDiverted => "Funds Diverted",
            Self::CheckAchReturned => "Check/ACH Returned",
            Self::AchRejected => "ACH rejected (REV-613)",
        }
    }

    /// Where the money is when this is a refund's latest status.
    pub fn bucket(self) -> Bucket {
        match self {
            Self::SentToTreasury => Bucket::Sent,
            Self::TreasuryIssued => Bucket::Paid,
            Self::FundsDiverted => Bucket::Diverted,
            Self::CheckAchReturned | Self::AchRejected => Bucket::Held,
        }
    }
}

/// Where a refund's money is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bucket {
    /// Issued by Treasury.
    Paid,
    /// Sent to Treasury, not yet issued: CBP has let it go, the importer does not have it.
    Sent,
    /// Applied to a debt.
    Diverted,
    /// Returned or rejected: CBP holds it until the importer's ACH details are right.
    Held,
    /// Reported by CBP, not shown sent (no status, or one capekit does not know).
    Reported,
}

/// A status value as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatusRead {
    /// One of ACE's statuses.
    Known(RefundStatus),
    /// A value that is none of them, as written: it goes to review, never dropped.
    Unrecognized(Arc<str>),
}

/// Lower-case letters and digits only: how headers and status values are compared.
pub fn squash(s: &str) -> String {
    crate::entry::unwrap_value(s)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Reads a refund status as ACE writes it, tolerating case, spaces and punctuation
/// (`SENT TO TREASURY`, `Check / ACH Returned`). `None` for an empty value.
pub fn parse_status(raw: &str) -> Option<StatusRead> {
    let s = squash(raw);
    if s.is_empty() {
        return None;
    }
    let known = match s.as_str() {
        "senttotreasury" => Some(RefundStatus::SentToTreasury),
        "treasuryissued" | "issuedbytreasury" => Some(RefundStatus::TreasuryIssued),
        "fundsdiverted" => Some(RefundStatus::FundsDiverted),
        "checkachreturned" | "achcheckreturned" | "checkorachreturned" => {
            Some(RefundStatus::CheckAchReturned)
        }
        _ => None,
    };
    Some(match known {
        Some(k) => StatusRead::Known(k),
        None => StatusRead::Unrecognized(Arc::from(crate::entry::unwrap_value(raw))),
    })
}

/// One row of a refund report: what it says about one declaration and/or entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundEvent {
    /// The report.
    pub report: RefundReport,
    /// The file, as named when read.
    pub file: Arc<str>,
    /// The file's place among the files: its ledger id, or its position when read without the
    /// ledger. A later file's row is the later news when rows carry no dates.
    pub file_seq: i64,
    /// 1-based line (or sheet row).
    pub line: u64,
    /// The entry, for entry-level rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<EntryNumber>,
    /// CAPE declaration number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declaration: Option<Arc<str>>,
    /// CBP's refund number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_number: Option<Arc<str>>,
    /// Importer of record number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub importer: Option<Arc<str>>,
    /// The refund's status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusRead>,
    /// Principal refunded (the duty), in cents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_cents: Option<i64>,
    /// Interest refunded, in cents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interest_cents: Option<i64>,
    /// The day the duty was deposited (paid), when the report says so unambiguously.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deposit_date: Option<Date>,
    /// Liquidation date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub liquidation_date: Option<Date>,
    /// Reliquidation date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reliquidation_date: Option<Date>,
    /// The day of the status (refund, issue, rejection or return date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_date: Option<Date>,
    /// A rejection, return or diversion reason, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Arc<str>>,
    /// A principal or interest cell was there but could not be read (D002): the row's amount is
    /// unknown, not the other amount alone.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub amount_unreadable: bool,
}

impl RefundEvent {
    /// An event with nothing but its place.
    pub fn new(report: RefundReport, file: Arc<str>, file_seq: i64, line: u64) -> Self {
        Self {
            report,
            file,
            file_seq,
            line,
            entry: None,
            declaration: None,
            refund_number: None,
            importer: None,
            status: None,
            principal_cents: None,
            interest_cents: None,
            deposit_date: None,
            liquidation_date: None,
            reliquidation_date: None,
            status_date: None,
            reason: None,
            amount_unreadable: false,
        }
    }

    /// The row's status: a REV-613 row is a rejected ACH refund whatever else it says.
    pub fn status(&self) -> Option<StatusRead> {
        if self.report == RefundReport::Rev613 {
            return Some(StatusRead::Known(RefundStatus::AchRejected));
        }
        self.status.clone()
    }

    /// Does it carry an amount (one read, or one that could not be)?
    pub fn has_amount(&self) -> bool {
        self.principal_cents.is_some() || self.interest_cents.is_some() || self.amount_unreadable
    }

    /// The row's amount, principal and interest: `None` when a cell could not be read.
    pub fn total_cents(&self) -> Option<i64> {
        (!self.amount_unreadable).then(|| {
            self.principal_cents
                .unwrap_or(0)
                .saturating_add(self.interest_cents.unwrap_or(0))
        })
    }

    /// Where the row stands: `file line 4`.
    pub fn place(&self) -> Place {
        Place {
            file: self.file.clone(),
            line: self.line,
        }
    }
}

/// Where a row stands in its file: shown and serialized as `file line 4`. Kept as the file's
/// shared name and the line, so that a million rows need no million strings.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    /// The file, as named when read.
    pub file: Arc<str>,
    /// 1-based line (or sheet row).
    pub line: u64,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {}", self.file, self.line)
    }
}

impl Serialize for Place {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Is `a` later news than `b`? By their status dates when both have one and they differ, else
/// by the order the files were recorded and the line.
pub fn later(a: &RefundEvent, b: &RefundEvent) -> bool {
    match (a.status_date, b.status_date) {
        (Some(x), Some(y)) if x != y => x > y,
        _ => (a.file_seq, a.line) > (b.file_seq, b.line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_read_tolerantly_and_unknown_ones_are_kept() {
        let k = |s| {
            parse_status(s).and_then(|r| match r {
                StatusRead::Known(k) => Some(k),
                StatusRead::Unrecognized(_) => None,
            })
        };
        assert_eq!(k("Sent to Treasury"), Some(RefundStatus::SentToTreasury));
        assert_eq!(k("TREASURY ISSUED"), Some(RefundStatus::TreasuryIssued));
        assert_eq!(k(" funds-diverted "), Some(RefundStatus::FundsDiverted));
        assert_eq!(
            k("Check / ACH Returned"),
            Some(RefundStatus::CheckAchReturned)
        );
        assert_eq!(
            k("=\"Check/ACH Returned\""),
            Some(RefundStatus::CheckAchReturned)
        );
        assert_eq!(parse_status("  "), None);
        assert_eq!(
            parse_status("Pending Review"),
            Some(StatusRead::Unrecognized(Arc::from("Pending Review")))
        );
        for s in RefundStatus::ALL {
            assert_eq!(RefundStatus::parse_stored(s.as_str()), Some(s));
        }
        for r in RefundReport::ALL {
            assert_eq!(RefundReport::parse(r.as_str()), Some(r));
            assert_eq!(
                serde_json::to_value(r).ok(),
                Some(serde_json::Value::from(r.as_str()))
            );
        }
        for s in RefundStatus::ALL {
            assert_eq!(
                serde_json::to_value(s).ok(),
                Some(serde_json::Value::from(s.as_str()))
            );
        }
    }

    #[test]
    fn later_news_by_date_then_by_file_order() {
        let mut a = RefundEvent::new(RefundReport::Rev603, Arc::from("a"), 1, 5);
        let mut b = RefundEvent::new(RefundReport::Rev603, Arc::from("b"), 2, 2);
        assert!(later(&b, &a));
        a.status_date = Some(jiff::civil::date(2026, 7, 2));
        b.status_date = Some(jiff::civil::date(2026, 7, 1));
        assert!(later(&a, &b));
        b.status_date = a.status_date;
        assert!(later(&b, &a));
    }
}
