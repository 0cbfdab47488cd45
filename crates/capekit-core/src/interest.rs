//! The interest CBP owes on a refunded deposit, estimated: 19 USC 1505(c) runs it from the date of
//! deposit to the date of liquidation or reliquidation, at the IRS overpayment rate of each
//! quarter (26 USC 6621(a)(1)), compounded daily (26 USC 6622(a)).
//!
//! The rates are data with their sources ([`RATES`]). A day in a quarter whose rate is not
//! published is never guessed: the estimate counts the days it can and says which quarter is
//! missing. For a corporation, the part of an overpayment above $10,000 earns the short-term rate
//! plus 0.5 points instead of plus 2 (26 USC 6621(a)(1), flush language); the estimate applies it
//! to each entry's overpayment. CBP consolidates refunds per importer and liquidation date, and
//! if the threshold is applied to the consolidated refund, more of it earns the lower rate: for a
//! corporation this estimate is then the higher reading. Every figure is an estimate.

use jiff::civil::{Date, date};
use serde::Serialize;

use crate::deadline::Confidence;

/// A corporate overpayment above this earns the lower rate (26 USC 6621(a)(1)), in cents.
pub const CORPORATE_THRESHOLD_CENTS: i64 = 1_000_000;

/// The IRS overpayment rates of one calendar quarter, in basis points a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct QuarterRate {
    /// Calendar year.
    pub year: i16,
    /// Quarter, 1 to 4.
    pub quarter: i8,
    /// Overpayments of taxpayers other than corporations: the federal short-term rate plus 3.
    pub non_corporate_bp: u32,
    /// Corporate overpayments up to $10,000: the short-term rate plus 2.
    pub corporate_bp: u32,
    /// The part of a corporate overpayment above $10,000: the short-term rate plus 0.5.
    pub corporate_over_threshold_bp: u32,
    /// Where the rates come from.
    pub source: &'static str,
    /// How sure the figures are.
    pub confidence: Confidence,
}

impl QuarterRate {
    /// The quarter's first day.
    pub fn first_day(&self) -> Date {
        date(self.year, (self.quarter - 1) * 3 + 1, 1)
    }

    /// `2026 Q2`.
    pub fn label(&self) -> QuarterLabel {
        QuarterLabel {
            year: self.year,
            quarter: self.quarter,
        }
    }
}

/// A calendar quarter, shown and serialized as `2026 Q2`. A value, not a string: an estimate is
/// made for each of a million entries, and each names the quarters it counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct QuarterLabel {
    /// Calendar year.
    pub year: i16,
    /// Quarter, 1 to 4.
    pub quarter: i8,
}

impl std::fmt::Display for QuarterLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} Q{}", self.year, self.quarter)
    }
}

impl Serialize for QuarterLabel {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

const IRS: &str = "IRS quarterly interest rate announcement for the quarter (irs.gov newsroom, \
\"Interest rates ... for the ... quarter\"); 26 USC 6621(a)(1)";

const fn q(
    year: i16,
    quarter: i8,
    non_corporate_bp: u32,
    corporate_bp: u32,
    over: u32,
) -> QuarterRate {
    QuarterRate {
        year,
        quarter,
        non_corporate_bp,
        corporate_bp,
        corporate_over_threshold_bp: over,
        source: IRS,
        confidence: Confidence::A,
    }
}

/// The published rates, quarter by quarter, from the first IEEPA deposits (February 2025). A
/// quarter not listed is not published yet.
pub const RATES: &[QuarterRate] = &[
    q(2025, 1, 700, 600, 450),
    q(2025, 2, 700, 600, 450),
    q(2025, 3, 700, 600, 450),
    q(2025, 4, 700, 600, 450),
    q(2026, 1, 700, 600, 450),
    q(2026, 2, 600, 500, 350),
    // The corporate figures of 2026 Q3 and Q4 are derived from the statutory formula (the
    // short-term rate plus 2, and plus 0.5 above $10,000), not read in the announcement.
    QuarterRate {
        confidence: Confidence::C,
        ..q(2026, 3, 700, 600, 450)
    },
    QuarterRate {
        confidence: Confidence::C,
        ..q(2026, 4, 700, 600, 450)
    },
];

/// Whose overpayment it is: the rate differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Taxpayer {
    /// Not a corporation (or not known to be one).
    NonCorporate,
    /// A corporation: above $10,000 the lower rate.
    Corporate,
}

/// What the start of the interest was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FromBasis {
    /// The payment of the duty, as a file gives it.
    Payment,
    /// The entry summary date, the payment date being unknown: the deposit is usually paid with
    /// the summary or on the statement that follows, so the estimate may start a little early.
    EntrySummary,
}

/// What the end of the interest was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ToBasis {
    /// The liquidation.
    Liquidation,
    /// The reliquidation.
    Reliquidation,
    /// The as-of date, neither being known yet: interest still runs.
    AsOf,
}

/// One rate applied to some days.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateUsed {
    /// `2026 Q2`.
    pub quarter: QuarterLabel,
    /// The rate, % a year.
    pub percent: f64,
    /// For a corporation, the rate on the part above $10,000, % a year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub over_threshold_percent: Option<f64>,
    /// Days counted at it.
    pub days: i64,
    /// How sure the rate is.
    pub confidence: Confidence,
}

/// An estimate of the interest on one deposit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InterestEstimate {
    /// The deposit refunded, in cents.
    pub principal_cents: i64,
    /// First day of interest.
    pub from: Date,
    /// What `from` was taken from.
    pub from_basis: FromBasis,
    /// The day interest ends (not counted).
    pub to: Date,
    /// What `to` was taken from.
    pub to_basis: ToBasis,
    /// Days from `from` to `to`.
    pub days: i64,
    /// The interest, in cents; `None` when a quarter's rate is not published (see
    /// `unpublished`).
    pub cents: Option<i64>,
    /// The interest of the days counted (all of them when `cents` is given), in cents.
    pub counted_cents: i64,
    /// Days counted, at published rates.
    pub counted_days: i64,
    /// The first quarter whose rate is not published, when the period reaches it.
    pub unpublished: Option<QuarterLabel>,
    /// The rates applied, quarter by quarter.
    pub rates: Vec<RateUsed>,
}

impl InterestEstimate {
    /// What the estimate rests on, in words, for a report.
    pub fn basis_text(&self) -> String {
        let from = match self.from_basis {
            FromBasis::Payment => "from the payment",
            FromBasis::EntrySummary => "from the entry summary date (payment date not known)",
        };
        let to = match self.to_basis {
            ToBasis::Liquidation => "to liquidation",
            ToBasis::Reliquidation => "to reliquidation",
            ToBasis::AsOf => "to the as-of date (not liquidated yet: interest still runs)",
        };
        let rates: Vec<String> = self
            .rates
            .iter()
            .map(|r| match r.over_threshold_percent {
                Some(o) => format!(
                    "{} {}% ({}% above $10,000), {} days",
                    r.quarter, r.percent, o, r.days
                ),
                None => format!("{} {}%, {} days", r.quarter, r.percent, r.days),
            })
            .collect();
        let mut s = format!(
            "estimate: {} days {from} {to}, compounded daily (19 USC 1505(c), 26 USC 6622); rates {}",
            self.days,
            if rates.is_empty() {
                "none".to_owned()
            } else {
                rates.join("; ")
            }
        );
        if let Some(q) = &self.unpublished {
            s.push_str(&format!(
                "; rate not published for {q}: interest from then on is not estimated"
            ));
        }
        s
    }
}

/// Estimates the interest on `principal_cents` deposited on `from` and refunded at `to`, at
/// the rates of `table` (normally [`RATES`]).
pub fn estimate(
    principal_cents: i64,
    (from, from_basis): (Date, FromBasis),
    (to, to_basis): (Date, ToBasis),
    taxpayer: Taxpayer,
    table: &[QuarterRate],
) -> InterestEstimate {
    let total = days(from, to).max(0);
    let mut est = InterestEstimate {
        principal_cents,
        from,
        from_basis,
        to,
        to_basis,
        days: total,
        cents: None,
        counted_cents: 0,
        counted_days: 0,
        unpublished: None,
        rates: Vec::new(),
    };
    let principal = principal_cents.max(0) as f64;
    let (low, high) = match taxpayer {
        Taxpayer::NonCorporate => (principal, 0.0),
        Taxpayer::Corporate => {
            let low = principal.min(CORPORATE_THRESHOLD_CENTS as f64);
            (low, principal - low)
        }
    };
    // Each part grows by its own daily factor; a quarter never crosses a year, so the divisor
    // (the days of the year: 366 in a leap year) is one per quarter.
    let (mut grown_low, mut grown_high) = (low, high);
    let mut day = from;
    while day < to {
        let (year, quarter) = (day.year(), (day.month() - 1) / 3 + 1);
        let next = quarter_after(year, quarter);
        let end = if next < to { next } else { to };
        let n = days(day, end);
        let Some(rate) = table
            .iter()
            .find(|r| r.year == year && r.quarter == quarter)
        else {
            est.unpublished = Some(QuarterLabel { year, quarter });
            break;
        };
        let year_days = if date(year, 12, 31).day_of_year() == 366 {
            366.0
        } else {
            365.0
        };
        let (r_low, r_high) = match taxpayer {
            Taxpayer::NonCorporate => (rate.non_corporate_bp, rate.non_corporate_bp),
            Taxpayer::Corporate => (rate.corporate_bp, rate.corporate_over_threshold_bp),
        };
        let factor = |bp: u32| (1.0 + f64::from(bp) / 10_000.0 / year_days).powi(n as i32);
        grown_low *= factor(r_low);
        grown_high *= factor(r_high);
        est.counted_days += n;
        est.rates.push(RateUsed {
            quarter: rate.label(),
            percent: f64::from(r_low) / 100.0,
            over_threshold_percent: (taxpayer == Taxpayer::Corporate)
                .then(|| f64::from(r_high) / 100.0),
            days: n,
            confidence: rate.confidence,
        });
        day = end;
    }
    est.counted_cents = ((grown_low - low) + (grown_high - high)).round() as i64;
    if est.unpublished.is_none() {
        est.cents = Some(est.counted_cents);
    }
    est
}

fn days(from: Date, to: Date) -> i64 {
    i64::from(from.until(to).map(|s| s.get_days()).unwrap_or_default())
}

fn quarter_after(year: i16, quarter: i8) -> Date {
    if quarter == 4 {
        date(year + 1, 1, 1)
    } else {
        date(year, quarter * 3 + 1, 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAID: FromBasis = FromBasis::Payment;
    const LIQ: ToBasis = ToBasis::Liquidation;

    // The expected figures are computed by hand: principal x ((1 + r/365)^days - 1) for each
    // quarter's days in turn, rounded to the cent.

    #[test]
    fn thirty_days_inside_one_quarter() {
        // $10,000.00 from 2026-03-02 to 2026-04-01: 30 days of 2026 Q1 at 7 %.
        // 1,000,000 x ((1 + 0.07/365)^30 - 1) = 5,769.45 cents.
        let e = estimate(
            1_000_000,
            (date(2026, 3, 2), PAID),
            (date(2026, 4, 1), LIQ),
            Taxpayer::NonCorporate,
            RATES,
        );
        assert_eq!(e.days, 30);
        assert_eq!(e.cents, Some(5_769));
        assert_eq!(e.rates.len(), 1);
    }

    #[test]
    fn across_the_2026_q1_to_q2_rate_change() {
        // $50,000.00 from 2026-03-17 to 2026-04-16: 15 days at 7 % (March 17-31), then 15 at
        // 6 % (April 1-15). 5,000,000 x (1 + 0.07/365)^15 x (1 + 0.06/365)^15 - 5,000,000
        // = 26,781.41 cents.
        let e = estimate(
            5_000_000,
            (date(2026, 3, 17), PAID),
            (date(2026, 4, 16), LIQ),
            Taxpayer::NonCorporate,
            RATES,
        );
        assert_eq!(e.cents, Some(26_781));
        let days: Vec<(String, i64)> = e
            .rates
            .iter()
            .map(|r| (r.quarter.to_string(), r.days))
            .collect();
        assert_eq!(
            days,
            [("2026 Q1".to_owned(), 15), ("2026 Q2".to_owned(), 15)]
        );
        assert!(e.basis_text().contains("2026 Q2 6%"), "{}", e.basis_text());
    }

    #[test]
    fn a_leap_year_divides_by_366() {
        // A made-up 2028 Q1 at 8 %: $10,000.00 for 60 days (January 1 - March 1, 2028, a leap
        // year). 1,000,000 x ((1 + 0.08/366)^60 - 1) = 13,199.68 cents; with 365, 13,236.08.
        let table = [q(2028, 1, 800, 700, 550)];
        let e = estimate(
            1_000_000,
            (date(2028, 1, 1), PAID),
            (date(2028, 3, 1), LIQ),
            Taxpayer::NonCorporate,
            &table,
        );
        assert_eq!(e.days, 60);
        assert_eq!(e.cents, Some(13_200));
    }

    #[test]
    fn a_corporation_earns_the_lower_rate_above_10000() {
        // $25,000.00 from 2025-07-01 to 2025-09-29 (90 days of 2025 Q3) for a corporation:
        // $10,000 at 6 %, 1,000,000 x ((1 + 0.06/365)^90 - 1) = 14,903.27, and $15,000 at
        // 4.5 %, 1,500,000 x ((1 + 0.045/365)^90 - 1) = 16,735.48: 31,638.75 cents.
        let e = estimate(
            2_500_000,
            (date(2025, 7, 1), PAID),
            (date(2025, 9, 29), LIQ),
            Taxpayer::Corporate,
            RATES,
        );
        assert_eq!(e.cents, Some(31_639));
        // Not a corporation: all of it at 7 %: 2,500,000 x ((1 + 0.07/365)^90 - 1) = 43,521.02.
        let n = estimate(
            2_500_000,
            (date(2025, 7, 1), PAID),
            (date(2025, 9, 29), LIQ),
            Taxpayer::NonCorporate,
            RATES,
        );
        assert_eq!(n.cents, Some(43_521));
        // At or under the threshold a corporation earns the corporate rate on all of it.
        let small = estimate(
            1_000_000,
            (date(2025, 7, 1), PAID),
            (date(2025, 9, 29), LIQ),
            Taxpayer::Corporate,
            RATES,
        );
        assert_eq!(small.cents, Some(14_903));
    }

    #[test]
    fn an_unpublished_quarter_is_never_guessed() {
        // Into 2027 Q1, whose rate is not published: no total, the days before it counted.
        let e = estimate(
            1_000_000,
            (date(2026, 12, 2), PAID),
            (date(2027, 1, 31), ToBasis::AsOf),
            Taxpayer::NonCorporate,
            RATES,
        );
        assert_eq!(e.cents, None);
        assert_eq!(
            e.unpublished.map(|q| q.to_string()).as_deref(),
            Some("2027 Q1")
        );
        assert_eq!(
            serde_json::to_value(&e)
                .ok()
                .map(|v| v["unpublished"].clone()),
            Some(serde_json::Value::from("2027 Q1"))
        );
        assert_eq!(e.counted_days, 30);
        assert!(e.counted_cents > 0);
        assert!(e.basis_text().contains("rate not published for 2027 Q1"));
    }

    #[test]
    fn no_days_no_interest() {
        let d = date(2026, 5, 1);
        let e = estimate(
            1_000_000,
            (d, PAID),
            (d, LIQ),
            Taxpayer::NonCorporate,
            RATES,
        );
        assert_eq!(e.cents, Some(0));
        // A liquidation before the deposit (bad data) counts no days rather than negative ones.
        let e = estimate(
            1_000_000,
            (d, PAID),
            (date(2026, 4, 1), LIQ),
            Taxpayer::NonCorporate,
            RATES,
        );
        assert_eq!((e.days, e.cents), (0, Some(0)));
    }

    #[test]
    fn the_table_has_every_quarter_from_2025_in_order() {
        for (i, r) in RATES.iter().enumerate() {
            assert_eq!(r.year, 2025 + (i / 4) as i16);
            assert_eq!(r.quarter, (i % 4) as i8 + 1);
            assert!(r.corporate_over_threshold_bp < r.corporate_bp);
            assert!(r.corporate_bp < r.non_corporate_bp);
        }
    }
}
