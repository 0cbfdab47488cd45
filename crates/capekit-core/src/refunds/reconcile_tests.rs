use std::collections::HashSet;
use std::sync::Arc;

use jiff::civil::{Date, date};

use super::*;
use crate::interest::RATES;
use crate::refunds::{RefundReport, RefundStatus, StatusRead};

fn entry(n: u32) -> EntryNumber {
    EntryNumber::from_parts("B76", n).expect("entry")
}

const IMPORTER: &str = "12-3456789AA";

fn facts(duty: i64, summary: Date) -> RefundFacts {
    RefundFacts {
        importer: Some(Arc::from(IMPORTER)),
        importer_name: Some(Arc::from("Acme Imports")),
        ieepa_duty_cents: Some(duty),
        duty_unknown: None,
        entry_summary_date: Some(summary),
        liquidation_status: Some(Arc::from("Unliquidated")),
        liquidation_date: None,
        cape_liquidation: false,
    }
}

fn accepted(n: u32, by: Date) -> AcceptedEntry {
    AcceptedEntry {
        entry: entry(n),
        claim: Arc::from("100000241223"),
        accepted_by: by,
    }
}

fn ev(report: RefundReport, seq: i64, line: u64) -> RefundEvent {
    RefundEvent::new(
        report,
        Arc::from(format!("{}.csv", report.as_str())),
        seq,
        line,
    )
}

/// An ES-022 row: entry, declaration, refund number, principal and interest.
fn es022(n: u32, refund: &str, principal: i64, interest: i64) -> RefundEvent {
    RefundEvent {
        entry: Some(entry(n)),
        declaration: Some(Arc::from("D1")),
        refund_number: Some(Arc::from(refund)),
        principal_cents: Some(principal),
        interest_cents: Some(interest),
        ..ev(RefundReport::Es022, 1, u64::from(n) + 1)
    }
}

/// A REV-603 row: the declaration's status.
fn rev603(status: RefundStatus, seq: i64, on: Option<Date>) -> RefundEvent {
    RefundEvent {
        declaration: Some(Arc::from("D1")),
        status: Some(StatusRead::Known(status)),
        status_date: on,
        ..ev(RefundReport::Rev603, seq, 2)
    }
}

struct Case {
    as_of: Date,
    accepted: Vec<AcceptedEntry>,
    facts: crate::refunds::FactsMap,
    events: Vec<RefundEvent>,
    corporate: HashSet<String>,
    readiness: std::collections::HashMap<String, Readiness>,
    importer: Option<String>,
    rejected: RejectedMap,
}

impl Case {
    fn new(as_of: Date) -> Self {
        Self {
            as_of,
            accepted: Vec::new(),
            facts: crate::refunds::FactsMap::default(),
            events: Vec::new(),
            corporate: HashSet::new(),
            readiness: std::collections::HashMap::new(),
            importer: None,
            rejected: RejectedMap::default(),
        }
    }

    fn run(&self) -> Reconciliation {
        reconcile(&ReconcileInput {
            as_of: self.as_of,
            accepted: self.accepted.clone(),
            facts: self.facts.clone(),
            events: self.events.clone(),
            corporate: self.corporate.clone(),
            readiness: self.readiness.clone(),
            importer: self.importer.clone(),
            rejected: self.rejected.clone(),
            rates: RATES,
        })
    }
}

fn codes(e: &EntryRefund) -> Vec<&'static str> {
    e.findings.iter().map(|f| f.code).collect()
}

fn one(r: &Reconciliation) -> &EntryRefund {
    assert_eq!(r.entries.len(), 1, "{:#?}", r.entries);
    &r.entries[0]
}

/// An entry accepted by 2026-05-01, summary 2025-06-10, duty $5,000.00, liquidated on `liq`.
fn liquidated_case(as_of: Date, liq: Date) -> Case {
    let mut c = Case::new(as_of);
    c.accepted.push(accepted(1, date(2026, 5, 1)));
    let mut f = facts(500_000, date(2025, 6, 10));
    f.liquidation_status = Some(Arc::from("Liquidated"));
    f.liquidation_date = Some(liq);
    c.facts.insert(entry(1), f);
    c
}

#[test]
fn t001_accepted_and_not_liquidated_after_60_days() {
    let mut c = Case::new(date(2026, 6, 30));
    c.accepted.push(accepted(1, date(2026, 5, 1)));
    c.facts.insert(entry(1), facts(100_000, date(2025, 6, 10)));
    // 60 days after acceptance: still within the usual time.
    let r = c.run();
    assert!(codes(one(&r)).is_empty(), "{:?}", codes(one(&r)));
    assert_eq!(one(&r).state, "awaiting liquidation");
    c.as_of = date(2026, 7, 1);
    let r = c.run();
    let e = one(&r);
    assert_eq!(codes(e), ["T001"]);
    assert_eq!(e.state, "liquidation overdue");
    assert!(
        e.findings[0].message.contains("61 days"),
        "{}",
        e.findings[0].message
    );
    assert_eq!(r.importers[0].liquidation_overdue_entries, 1);
    // Interest still runs, to the as-of date, from the entry summary date: an estimate.
    let i = e.interest.as_ref().expect("estimate");
    assert_eq!(i.to_basis, ToBasis::AsOf);
    assert_eq!(i.from_basis, FromBasis::EntrySummary);
}

#[test]
fn t001_counts_a_liquidation_before_acceptance_as_awaiting_reliquidation() {
    let mut c = liquidated_case(date(2026, 7, 15), date(2026, 3, 1));
    let r = c.run();
    let e = one(&r);
    assert_eq!(codes(e), ["T001"]);
    assert!(
        e.findings[0]
            .message
            .contains("liquidated on 2026-03-01, before acceptance")
    );
    assert_eq!(
        e.liquidation,
        LiquidationSeen::Before {
            on: date(2026, 3, 1)
        }
    );
    // A refund reported for it means the reliquidation happened.
    c.events.push(es022(1, "R1", 500_000, 0));
    let r = c.run();
    assert_eq!(one(&r).liquidation, LiquidationSeen::Implied);
    assert!(!codes(one(&r)).contains(&"T001"));
}

#[test]
fn t010_extended_liquidation_is_not_overdue() {
    let mut c = Case::new(date(2026, 9, 1));
    c.accepted.push(accepted(1, date(2026, 5, 1)));
    let mut f = facts(100_000, date(2025, 6, 10));
    f.liquidation_status = Some(Arc::from("Liquidation Extended"));
    c.facts.insert(entry(1), f);
    let r = c.run();
    assert_eq!(codes(one(&r)), ["T010"]);
    assert_eq!(one(&r).state, "liquidation extended");
}

#[test]
fn t002_liquidated_and_no_refund_30_days_later() {
    let liq = date(2026, 6, 10);
    let c = liquidated_case(date(2026, 7, 10), liq);
    let r = c.run();
    assert!(codes(one(&r)).is_empty(), "30 days: still due");
    assert_eq!(one(&r).state, "awaiting refund");
    let c = liquidated_case(date(2026, 7, 11), liq);
    let r = c.run();
    let e = one(&r);
    assert_eq!(codes(e), ["T002"]);
    assert!(e.findings[0].message.contains("19 USC 1505(b)"));
    // Interest ends at the liquidation.
    assert_eq!(e.interest.as_ref().map(|i| i.to), Some(liq));
    let t = &r.importers[0];
    assert_eq!(t.overdue_entries, 1);
    assert_eq!(t.overdue_cents, e.owed_cents.expect("owed"));
    // A refund only reported (no status) is not a payment: still overdue.
    let mut c = liquidated_case(date(2026, 7, 11), liq);
    c.events.push(es022(1, "R1", 500_000, 1_000));
    assert!(codes(one(&c.run())).contains(&"T002"));
    // Sent to Treasury: no longer overdue.
    c.events.push(rev603(RefundStatus::SentToTreasury, 2, None));
    let r = c.run();
    assert!(!codes(one(&r)).contains(&"T002"), "{:?}", codes(one(&r)));
}

/// The interest CBP should pay on the entry of [`liquidated_case`], estimated the same way.
fn interest_of(c: &Case) -> i64 {
    one(&c.run())
        .interest
        .as_ref()
        .and_then(|i| i.cents)
        .expect("complete estimate")
}

#[test]
fn a_refund_paid_in_full_balances_to_the_cent() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    let interest = interest_of(&c);
    c.events.push(es022(1, "R1", 500_000, interest));
    c.events.push(rev603(RefundStatus::TreasuryIssued, 2, None));
    let r = c.run();
    let e = one(&r);
    assert!(codes(e).is_empty(), "{:?}", e.findings);
    assert_eq!(e.state, "paid");
    assert_eq!(e.paid_cents(), 500_000 + interest);
    assert_eq!(e.outstanding_cents, Some(0));
    let t = &r.importers[0];
    assert_eq!(t.owed_cents, 500_000 + interest);
    assert!(t.balance.holds, "{}", t.balance.text);
    assert!(
        t.balance.text.ends_with("the sum holds"),
        "{}",
        t.balance.text
    );
    assert_eq!(t.name.as_deref(), Some("Acme Imports"));
}

#[test]
fn t003_short_principal_gives_the_protest_date_of_the_liquidation() {
    let liq = date(2026, 6, 10);
    let mut c = liquidated_case(date(2026, 8, 1), liq);
    let interest = interest_of(&c);
    // $1.00 short is within the tolerance.
    c.events.push(es022(1, "R1", 499_900, interest));
    c.events.push(rev603(RefundStatus::TreasuryIssued, 2, None));
    assert!(codes(one(&c.run())).is_empty());
    c.events[0].principal_cents = Some(450_000);
    let r = c.run();
    let e = one(&r);
    assert_eq!(codes(e), ["T003"]);
    assert_eq!(e.state, "paid short");
    assert_eq!(e.protest_due, Some(date(2026, 12, 7)));
    let m = &e.findings[0].message;
    assert!(m.contains("$500.00 short"), "{m}");
    assert!(
        m.contains("protest the liquidation of 2026-06-10 by 2026-12-07"),
        "{m}"
    );
    assert!(m.contains("19 USC 1514(c)(3)"), "{m}");
    // What is still owed is outstanding, and the sum holds.
    assert_eq!(e.outstanding_cents, Some(50_000));
    assert!(r.importers[0].balance.holds);
    assert_eq!(r.importers[0].short_entries, 1);
}

#[test]
fn t003_short_interest_beyond_the_tolerance() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    let interest = interest_of(&c);
    let owed = 500_000 + interest;
    let tolerance = (owed / 100).max(100);
    c.events.push(es022(1, "R1", 500_000, interest - tolerance));
    c.events.push(rev603(RefundStatus::TreasuryIssued, 2, None));
    assert!(codes(one(&c.run())).is_empty(), "at the tolerance");
    c.events[0].interest_cents = Some(interest - tolerance - 1);
    let r = c.run();
    assert_eq!(codes(one(&r)), ["T003"]);
    assert!(one(&r).findings[0].message.contains("interest"));
}

#[test]
fn interest_is_not_compared_before_the_liquidation_date_is_known() {
    // The refund is reported without dates and the data shows no liquidation: the estimate runs
    // to the as-of date, so comparing would call every refund short.
    let mut c = Case::new(date(2026, 9, 1));
    c.accepted.push(accepted(1, date(2026, 5, 1)));
    c.facts.insert(entry(1), facts(500_000, date(2025, 6, 10)));
    c.events.push(es022(1, "R1", 500_000, 0));
    c.events.push(rev603(RefundStatus::TreasuryIssued, 2, None));
    let r = c.run();
    let e = one(&r);
    assert!(codes(e).is_empty(), "{:?}", e.findings);
    assert_eq!(e.liquidation, LiquidationSeen::Implied);
}

#[test]
fn t004_paid_over() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    let interest = interest_of(&c);
    c.events.push(es022(1, "R1", 600_000, interest));
    c.events.push(rev603(RefundStatus::TreasuryIssued, 2, None));
    let r = c.run();
    let e = one(&r);
    assert_eq!(codes(e), ["T004"]);
    assert_eq!(e.state, "paid over");
    assert_eq!(e.outstanding_cents, Some(0));
    // The sum does not hold, by what was paid over, and says so.
    let b = &r.importers[0].balance;
    assert!(!b.holds);
    assert_eq!(b.difference_cents, -100_000);
    assert_eq!(b.over_cents, 100_000);
    assert!(b.text.contains("off by $1,000.00"), "{}", b.text);
    assert!(
        b.text.contains("received beyond what is owed on 1 entry"),
        "{}",
        b.text
    );
}

#[test]
fn t005_funds_diverted_through_the_declaration_status() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    let interest = interest_of(&c);
    c.events.push(es022(1, "R1", 500_000, interest));
    c.events.push(rev603(RefundStatus::FundsDiverted, 2, None));
    let r = c.run();
    let e = one(&r);
    assert!(codes(e).contains(&"T005"));
    assert_eq!(e.state, "diverted");
    assert_eq!(e.diverted_cents, 500_000 + interest);
    assert_eq!(e.paid_cents(), 0);
    assert!(
        e.findings
            .iter()
            .any(|f| f.message.contains("ask CBP which debt"))
    );
    assert_eq!(r.importers[0].diverted_entries, 1);
    assert!(
        r.problems.is_empty(),
        "the REV-603 row is linked: {:?}",
        r.problems
    );
}

#[test]
fn t006_returned_or_rejected_ach_is_for_the_importer_to_fix() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    let interest = interest_of(&c);
    c.events.push(es022(1, "R1", 500_000, interest));
    c.events
        .push(rev603(RefundStatus::CheckAchReturned, 2, None));
    let r = c.run();
    let e = one(&r);
    assert!(codes(e).contains(&"T006"));
    assert_eq!(e.state, "held for ACH");
    assert_eq!(e.held_cents, 500_000 + interest);
    let m = &e
        .findings
        .iter()
        .find(|f| f.code == "T006")
        .expect("T006")
        .message;
    assert!(m.contains("only the importer can enter them"), "{m}");
    assert!(m.contains("never the broker"), "{m}");
    // A REV-613 row for the refund number alone does the same.
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    c.events.push(es022(1, "R1", 500_000, 2_000));
    c.events.push(RefundEvent {
        refund_number: Some(Arc::from("R1")),
        reason: Some(Arc::from("R03 No account")),
        ..ev(RefundReport::Rev613, 3, 2)
    });
    let r = c.run();
    assert!(codes(one(&r)).contains(&"T006"));
    assert_eq!(r.importers[0].held_entries, 1);
    assert_eq!(r.importers[0].held_cents, 502_000);
}

#[test]
fn a_later_status_overrides_an_earlier_one() {
    // Returned in July, issued in August after the importer enrolled.
    let mut c = liquidated_case(date(2026, 9, 1), date(2026, 6, 10));
    c.events.push(es022(1, "R1", 500_000, 2_000));
    c.events.push(rev603(
        RefundStatus::TreasuryIssued,
        2,
        Some(date(2026, 8, 20)),
    ));
    c.events.push(rev603(
        RefundStatus::CheckAchReturned,
        3,
        Some(date(2026, 7, 20)),
    ));
    let r = c.run();
    let e = one(&r);
    assert_eq!(e.held_cents, 0);
    assert_eq!(e.paid_cents(), 502_000);
    assert_eq!(e.refunds[0].status_date, Some(date(2026, 8, 20)));
}

#[test]
fn t007_an_accepted_entry_without_entry_data_has_owed_unknown() {
    let mut c = Case::new(date(2026, 8, 1));
    c.accepted.push(accepted(1, date(2026, 5, 1)));
    let r = c.run();
    let e = one(&r);
    assert!(codes(e).contains(&"T007"));
    assert_eq!(e.owed_cents, None);
    assert_eq!(e.outstanding_cents, None);
    assert_eq!(e.importer, None);
    assert_eq!(r.importers[0].importer, UNKNOWN_IMPORTER);
    assert_eq!(r.importers[0].entries_owed_unknown, 1);
    // Money received for it is counted, and the balance says why it does not hold.
    c.events.push(RefundEvent {
        importer: Some(Arc::from(IMPORTER)),
        ..es022(1, "R1", 500_000, 2_000)
    });
    c.events.push(rev603(RefundStatus::TreasuryIssued, 2, None));
    let r = c.run();
    let t = &r.importers[0];
    assert_eq!(t.importer, IMPORTER, "the report names the importer");
    assert_eq!(t.paid_principal_cents, 500_000);
    assert!(!t.balance.holds);
    assert_eq!(t.balance.unknown_owed_received_cents, 502_000);
    assert!(
        t.balance.text.contains("whose owed is unknown"),
        "{}",
        t.balance.text
    );
    // Entry data with blank duty cells on IEEPA lines: unknown too.
    let mut f = facts(0, date(2025, 6, 10));
    f.ieepa_duty_cents = None;
    f.duty_unknown = Some("IEEPA lines of the kept entry data have blank duty cells");
    c.facts.insert(entry(1), f);
    assert!(codes(one(&c.run())).contains(&"T007"));
}

#[test]
fn t008_an_unknown_status_goes_to_review_and_is_not_received() {
    let mut c = liquidated_case(date(2026, 7, 1), date(2026, 6, 10));
    c.events.push(es022(1, "R1", 500_000, 2_000));
    c.events.push(RefundEvent {
        status: Some(StatusRead::Unrecognized(Arc::from("Pending Review"))),
        ..rev603(RefundStatus::SentToTreasury, 2, None)
    });
    let r = c.run();
    let e = one(&r);
    assert!(codes(e).contains(&"T008"));
    let m = &e
        .findings
        .iter()
        .find(|f| f.code == "T008")
        .expect("T008")
        .message;
    assert!(m.contains("`Pending Review`"), "{m}");
    assert_eq!(e.reported_cents, 502_000);
    assert_eq!(e.received_cents(), 0);
    assert_eq!(e.refunds[0].status.as_deref(), Some("Pending Review"));
}

#[test]
fn t009_a_refund_for_an_entry_not_accepted_is_counted_for_its_importer() {
    let mut c = Case::new(date(2026, 8, 1));
    c.events.push(RefundEvent {
        importer: Some(Arc::from(IMPORTER)),
        ..es022(7, "R9", 10_000, 100)
    });
    let r = c.run();
    let e = one(&r);
    assert_eq!(codes(e)[0], "T009");
    assert_eq!(e.claim, None);
    assert_eq!(r.importers[0].entries_not_accepted, 1);
    assert_eq!(r.importers[0].entries_accepted, 0);
}

#[test]
fn the_same_refund_in_two_exports_counts_once_and_t011_when_they_disagree() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    let interest = interest_of(&c);
    c.events.push(es022(1, "R1", 500_000, interest));
    c.events.push(RefundEvent {
        file_seq: 5,
        ..es022(1, "R1", 500_000, interest)
    });
    c.events.push(rev603(RefundStatus::TreasuryIssued, 2, None));
    let r = c.run();
    assert_eq!(one(&r).paid_cents(), 500_000 + interest);
    assert!(codes(one(&r)).is_empty());
    // A REV-615 export with another amount: the later one is used, both are shown.
    c.events.push(RefundEvent {
        report: RefundReport::Rev615,
        file_seq: 9,
        ..es022(1, "R1", 490_000, interest)
    });
    let r = c.run();
    let e = one(&r);
    assert!(codes(e).contains(&"T011"), "{:?}", codes(e));
    assert_eq!(e.paid_principal_cents, 490_000);
    let m = &e
        .findings
        .iter()
        .find(|f| f.code == "T011")
        .expect("T011")
        .message;
    assert!(m.contains("REV-615 principal $4,900.00"), "{m}");
    assert!(m.contains("ES-022 principal $5,000.00"), "{m}");
}

#[test]
fn t012_a_declaration_refund_without_entries_is_a_problem_of_its_own() {
    let mut c = Case::new(date(2026, 8, 1));
    c.events.push(RefundEvent {
        declaration: Some(Arc::from("D7")),
        principal_cents: Some(123_456),
        ..rev603(RefundStatus::TreasuryIssued, 2, None)
    });
    let r = c.run();
    assert!(r.entries.is_empty());
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].finding.code, "T012");
    assert!(
        r.problems[0]
            .finding
            .message
            .contains("declaration D7 `Treasury Issued` for $1,234.56")
    );
}

#[test]
fn t013_a_negative_amount_is_never_judged_short_or_paid() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    c.events.push(es022(1, "R1", -123_456, 0));
    let r = c.run();
    let e = one(&r);
    assert!(codes(e).contains(&"T013"));
    assert!(!codes(e).contains(&"T003"));
    assert_eq!(e.state, "review");
}

#[test]
fn a_status_row_without_amounts_still_says_where_the_money_is() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    c.events.push(RefundEvent {
        entry: Some(entry(1)),
        ..ev(RefundReport::Rev613, 3, 2)
    });
    let r = c.run();
    let e = one(&r);
    assert!(codes(e).contains(&"T006"));
    assert!(!codes(e).contains(&"T002"), "held is not overdue");
}

#[test]
fn the_deposit_date_of_a_report_starts_the_interest_and_corporations_earn_less() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    c.facts.get_mut(&entry(1)).expect("facts").ieepa_duty_cents = Some(5_000_000);
    c.events.push(RefundEvent {
        deposit_date: Some(date(2025, 7, 15)),
        ..es022(1, "R1", 5_000_000, 0)
    });
    let r = c.run();
    let i = one(&r).interest.clone().expect("estimate");
    assert_eq!(
        (i.from, i.from_basis),
        (date(2025, 7, 15), FromBasis::Payment)
    );
    let expected = crate::interest::estimate(
        5_000_000,
        (date(2025, 7, 15), FromBasis::Payment),
        (date(2026, 6, 10), ToBasis::Liquidation),
        crate::interest::Taxpayer::NonCorporate,
        RATES,
    );
    assert_eq!(i.cents, expected.cents);
    c.corporate.insert(IMPORTER.to_owned());
    let r = c.run();
    let corp = one(&r).interest.clone().expect("estimate");
    assert!(corp.cents < i.cents, "{:?} < {:?}", corp.cents, i.cents);
    assert!(r.importers[0].corporate);
}

#[test]
fn only_the_importer_asked_for() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    c.accepted.push(accepted(2, date(2026, 5, 1)));
    let mut other = facts(1_000, date(2025, 6, 10));
    other.importer = Some(Arc::from("99-9999999ZZ"));
    c.facts.insert(entry(2), other);
    assert_eq!(c.run().importers.len(), 2);
    c.importer = Some("99-9999999ZZ".to_owned());
    let r = c.run();
    assert_eq!(r.importers.len(), 1);
    assert_eq!(one(&r).entry, entry(2));
}

#[test]
fn an_unpublished_quarter_makes_owed_a_partial_estimate() {
    let mut c = Case::new(date(2027, 2, 1));
    c.accepted.push(accepted(1, date(2026, 12, 20)));
    c.facts.insert(entry(1), facts(100_000, date(2025, 6, 10)));
    let r = c.run();
    let e = one(&r);
    let i = e.interest.as_ref().expect("estimate");
    assert_eq!(
        i.unpublished.map(|q| q.to_string()).as_deref(),
        Some("2027 Q1")
    );
    assert_eq!(e.owed_cents, Some(100_000 + i.counted_cents));
    assert_eq!(r.importers[0].entries_interest_partial, 1);
}

#[test]
fn the_record_view_reads_what_the_whole_entry_data_gives() {
    use crate::path::{Column, EntryData};
    let mut cases = Vec::new();
    let mut e = EntryData::new(entry(1), 2);
    e.importer_number = Some(Arc::from(IMPORTER));
    e.importer_name = Some(Arc::from("Acme"));
    e.entry_summary_date = Some(date(2025, 6, 10));
    e.liquidation_status = Some(Arc::from("Liquidated"));
    e.liquidation_date = Some(date(2026, 6, 10));
    e.liquidation_reason = Some(Arc::from("36 - CAPE"));
    e.ieepa_duty_cents = 123_456;
    e.absent_columns = crate::path::ColumnSet::EMPTY;
    cases.push(e.clone());
    let mut blank = e.clone();
    blank.ieepa_blank_duty_lines = 2;
    cases.push(blank);
    let mut no_duty = EntryData::new(entry(2), 3);
    no_duty.absent_columns.insert(Column::Duty);
    cases.push(no_duty);
    let mut unreadable = e;
    unreadable.unreadable_columns.insert(Column::Hts);
    unreadable.liquidation_reason = None;
    cases.push(unreadable);
    for e in cases {
        let json = serde_json::to_string(&e).expect("json");
        let view: EntryRecordView = serde_json::from_str(&json).expect("view");
        assert_eq!(view.entry_number, e.entry_number);
        assert_eq!(RefundFacts::from(view), RefundFacts::of(&e), "{json}");
    }
}

/// Two entries of one declaration, liquidated, each with a REV-615 row (no refund number).
fn two_entries_on_one_declaration() -> Case {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    c.accepted.push(accepted(2, date(2026, 5, 1)));
    let mut f = facts(1_200_000, date(2025, 6, 10));
    f.liquidation_status = Some(Arc::from("Liquidated"));
    f.liquidation_date = Some(date(2026, 6, 10));
    c.facts.insert(entry(2), f);
    for (n, p, i) in [(1, 500_000, 35_000), (2, 1_200_000, 74_476)] {
        c.events.push(RefundEvent {
            entry: Some(entry(n)),
            declaration: Some(Arc::from("D1")),
            principal_cents: Some(p),
            interest_cents: Some(i),
            ..ev(RefundReport::Rev615, 1, u64::from(n) + 1)
        });
    }
    c
}

/// A REV-603 row of declaration D1 with its refund number, amount and status.
fn rev603_refund(number: &str, total: i64, status: RefundStatus, line: u64) -> RefundEvent {
    RefundEvent {
        declaration: Some(Arc::from("D1")),
        refund_number: Some(Arc::from(number)),
        principal_cents: Some(total),
        status: Some(StatusRead::Known(status)),
        ..ev(RefundReport::Rev603, 2, line)
    }
}

#[test]
fn a_declaration_status_goes_to_the_refund_of_the_same_amount_never_to_every_refund() {
    let mut c = two_entries_on_one_declaration();
    c.events.push(rev603_refund(
        "R-1001",
        535_000,
        RefundStatus::TreasuryIssued,
        2,
    ));
    c.events.push(rev603_refund(
        "R-1002",
        1_274_476,
        RefundStatus::FundsDiverted,
        3,
    ));
    let r = c.run();
    let (a, b) = (&r.entries[0], &r.entries[1]);
    assert_eq!(a.state, "paid", "{:?}", a.findings);
    assert_eq!(a.diverted_cents, 0);
    assert_eq!(a.paid_cents(), 535_000);
    assert_eq!(a.refunds[0].refund_number.as_deref(), Some("R-1001"));
    assert_eq!(b.state, "diverted");
    assert_eq!(b.diverted_cents, 1_274_476);
    assert_eq!(r.importers[0].diverted_cents, 1_274_476);
}

#[test]
fn a_declaration_status_that_fits_no_one_refund_is_review_naming_the_candidates() {
    let mut c = two_entries_on_one_declaration();
    c.events.push(rev603_refund(
        "R-1001",
        100_000,
        RefundStatus::TreasuryIssued,
        2,
    ));
    c.events.push(rev603_refund(
        "R-1002",
        1_200_000,
        RefundStatus::FundsDiverted,
        3,
    ));
    let r = c.run();
    for e in &r.entries {
        assert_eq!(e.state, "review", "{:?}", e.findings);
        assert_eq!(e.received_cents(), 0);
        assert!(!codes(e).contains(&"T005"), "{:?}", codes(e));
        assert!(!codes(e).contains(&"T002"), "{:?}", codes(e));
        let m = &e
            .findings
            .iter()
            .find(|f| f.code == "T015")
            .expect("T015")
            .message;
        assert!(m.contains("R-1001 `Treasury Issued`"), "{m}");
        assert!(m.contains("R-1002 `Funds Diverted`"), "{m}");
    }
    // A declaration with one refund only: its status is that refund's.
    let mut c = two_entries_on_one_declaration();
    c.events
        .push(rev603_refund("R-1001", 1, RefundStatus::TreasuryIssued, 2));
    let r = c.run();
    assert!(
        r.entries.iter().all(|e| e.state == "paid"),
        "{:?}",
        r.entries
    );
}

#[test]
fn a_rev615_row_without_number_equal_to_an_es022_refund_is_that_refund() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    let interest = interest_of(&c);
    // REV-615 first (an earlier file), then ES-022 with the refund number: still one refund.
    c.events.push(RefundEvent {
        entry: Some(entry(1)),
        declaration: Some(Arc::from("D1")),
        principal_cents: Some(500_000),
        interest_cents: Some(interest),
        ..ev(RefundReport::Rev615, 0, 2)
    });
    c.events.push(es022(1, "R1", 500_000, interest));
    c.events.push(rev603(RefundStatus::TreasuryIssued, 2, None));
    let r = c.run();
    let e = one(&r);
    assert_eq!(e.refunds.len(), 1, "{:?}", e.refunds);
    assert_eq!(e.paid_cents(), 500_000 + interest);
    assert_eq!(e.state, "paid", "{:?}", e.findings);
    assert!(
        r.importers[0].balance.holds,
        "{}",
        r.importers[0].balance.text
    );
}

#[test]
fn an_unreadable_amount_makes_what_was_paid_unknown_and_no_protest_advice() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    c.events.push(RefundEvent {
        entry: Some(entry(1)),
        declaration: Some(Arc::from("D1")),
        refund_number: Some(Arc::from("R1")),
        interest_cents: Some(1_000),
        amount_unreadable: true,
        ..ev(RefundReport::Rev615, 1, 2)
    });
    c.events.push(rev603(RefundStatus::TreasuryIssued, 2, None));
    let r = c.run();
    let e = one(&r);
    assert_eq!(e.state, "review");
    assert!(codes(e).contains(&"T014"), "{:?}", codes(e));
    assert!(!codes(e).contains(&"T003"), "{:?}", codes(e));
    assert_eq!(e.protest_due, None);
    assert_eq!(e.outstanding_cents, None);
    assert_eq!(e.paid_cents(), 0);
    let t = &r.importers[0];
    assert!(!t.balance.holds);
    assert_eq!(t.balance.amount_unknown_entries, 1);
    assert!(
        t.balance.text.contains("could not be read") && !t.balance.text.contains("report this"),
        "{}",
        t.balance.text
    );
}

#[test]
fn a_refund_without_status_is_overdue_not_paid_short() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    c.events.push(es022(1, "R1", 100_000, 0));
    let r = c.run();
    let e = one(&r);
    assert!(codes(e).contains(&"T002"), "{:?}", codes(e));
    assert_eq!(e.state, "refund overdue");
}

#[test]
fn sent_to_treasury_is_not_paid_and_the_sum_still_holds() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    let interest = interest_of(&c);
    c.events.push(es022(1, "R1", 500_000, interest));
    c.events.push(rev603(RefundStatus::SentToTreasury, 2, None));
    let r = c.run();
    let e = one(&r);
    assert_eq!(e.state, "sent to Treasury");
    assert_eq!(e.paid_cents(), 0);
    assert_eq!(e.sent_cents, 500_000 + interest);
    let t = &r.importers[0];
    assert_eq!(t.paid_principal_cents + t.paid_interest_cents, 0);
    assert_eq!(t.sent_cents, 500_000 + interest);
    assert!(t.balance.holds, "{}", t.balance.text);
    assert!(
        t.balance.text.contains("sent to Treasury, not yet issued"),
        "{}",
        t.balance.text
    );
}

#[test]
fn two_reports_agreeing_outweigh_the_odd_one_and_the_entry_goes_to_review() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    c.events.push(es022(1, "R1", 100_000, 7_353));
    c.events.push(RefundEvent {
        report: RefundReport::Rev615,
        file_seq: 9,
        ..es022(1, "R1", 90_000, 7_353)
    });
    c.events.push(RefundEvent {
        refund_number: Some(Arc::from("R1")),
        principal_cents: Some(107_353),
        ..rev603(RefundStatus::TreasuryIssued, 3, None)
    });
    let r = c.run();
    let e = one(&r);
    assert_eq!(e.paid_principal_cents, 100_000, "{:?}", e.refunds);
    assert_eq!(e.state, "review");
    assert!(!codes(e).contains(&"T003"), "{:?}", codes(e));
    assert_eq!(e.protest_due, None);
    let m = &e
        .findings
        .iter()
        .find(|f| f.code == "T011")
        .expect("T011")
        .message;
    assert!(m.contains("ES-022 principal $1,000.00"), "{m}");
    assert!(m.contains("REV-603"), "{m}");
    assert!(m.contains("but REV-615 principal $900.00"), "{m}");
}

#[test]
fn a_negative_returned_refund_is_not_held() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    c.events.push(es022(1, "R1", -1_200, 0));
    c.events
        .push(rev603(RefundStatus::CheckAchReturned, 2, None));
    let r = c.run();
    let e = one(&r);
    assert_eq!(e.held_cents, 0);
    assert!(codes(e).contains(&"T013"));
    assert_eq!(r.importers[0].held_cents, 0);
    assert!(
        r.importers[0].balance.holds,
        "{}",
        r.importers[0].balance.text
    );
}

#[test]
fn a_deposit_after_the_liquidation_is_not_used() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    let from_summary = interest_of(&c);
    c.events.push(RefundEvent {
        deposit_date: Some(date(2030, 11, 1)),
        ..es022(1, "R1", 500_000, from_summary)
    });
    let r = c.run();
    let e = one(&r);
    assert!(codes(e).contains(&"T016"), "{:?}", codes(e));
    let i = e.interest.as_ref().expect("interest");
    assert_eq!(i.from, date(2025, 6, 10));
    assert_eq!(i.cents, Some(from_summary));
}

#[test]
fn a_report_naming_another_importer_is_review_naming_both() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    c.events.push(RefundEvent {
        importer: Some(Arc::from("27-184593000")),
        ..es022(1, "R1", 500_000, 0)
    });
    // Dashes and case aside, the same importer is no finding.
    c.events.push(RefundEvent {
        importer: Some(Arc::from("123456789aa")),
        ..es022(1, "R1", 500_000, 0)
    });
    let r = c.run();
    let e = one(&r);
    assert_eq!(e.state, "review");
    let m = &e
        .findings
        .iter()
        .find(|f| f.code == "T017")
        .expect("T017")
        .message;
    assert!(m.contains("27-184593000") && m.contains(IMPORTER), "{m}");
    assert!(!m.contains("123456789aa"), "{m}");
}

#[test]
fn t009_names_every_report_and_the_claim_that_rejected_the_entry() {
    let mut c = Case::new(date(2026, 8, 1));
    c.events.push(RefundEvent {
        report: RefundReport::Rev615,
        file_seq: 2,
        ..es022(1, "R1", 100, 0)
    });
    c.events.push(es022(1, "R1", 100, 0));
    c.rejected.insert(entry(1), Arc::from("100000999999"));
    let r = c.run();
    let m = &one(&r).findings[0].message;
    assert!(m.starts_with("ES-022 and REV-615 name this entry"), "{m}");
    assert!(m.contains("rejected on claim 100000999999"), "{m}");
    assert!(!m.contains("import its Claim Details"), "{m}");
}

#[test]
fn judged_on_two_threads_the_reconciliation_is_the_same() {
    // Entries of two importers, some refunded on their own rows, some through a declaration's
    // status row (which the judging marks as taken up: R302, in the second half, must not be
    // reported as tied to no entry), some short, some without data.
    let mut c = Case::new(date(2026, 8, 1));
    for n in 1..=401 {
        c.accepted.push(accepted(n, date(2026, 5, 1)));
        if n % 7 != 0 {
            let mut f = facts(100_000 + i64::from(n), date(2025, 6, 10));
            f.liquidation_status = Some(Arc::from("Liquidated"));
            f.liquidation_date = Some(date(2026, 6, 10));
            if n % 2 == 0 {
                f.importer = Some(Arc::from("98-7654321BB"));
            }
            c.facts.insert(entry(n), f);
        }
        if n % 3 != 0 {
            let short = if n % 5 == 0 { 1_000 } else { 0 };
            c.events.push(es022(
                n,
                &format!("R{n}"),
                100_000 + i64::from(n) - short,
                6_000,
            ));
        }
    }
    c.events.push(rev603(
        RefundStatus::TreasuryIssued,
        2,
        Some(date(2026, 7, 1)),
    ));
    c.events.push(RefundEvent {
        refund_number: Some(Arc::from("R302")),
        status: Some(StatusRead::Known(RefundStatus::CheckAchReturned)),
        ..ev(RefundReport::Rev603, 3, 2)
    });
    c.events.push(RefundEvent {
        declaration: Some(Arc::from("D9")),
        status: Some(StatusRead::Known(RefundStatus::FundsDiverted)),
        ..ev(RefundReport::Rev603, 3, 3)
    });
    let input = ReconcileInput {
        as_of: c.as_of,
        accepted: c.accepted.clone(),
        facts: c.facts.clone(),
        events: c.events.clone(),
        corporate: c.corporate.clone(),
        readiness: c.readiness.clone(),
        importer: None,
        rejected: c.rejected.clone(),
        rates: RATES,
    };
    let one = reconcile_split(&input, usize::MAX);
    let two = reconcile_split(&input, 0);
    assert_eq!(one.entries.len(), 401);
    assert_eq!(
        one.problems.len(),
        1,
        "the declaration no entry names: {:?}",
        one.problems
    );
    assert_eq!(one, two);
}

fn readiness_codes(r: &Reconciliation) -> Vec<&'static str> {
    r.importers[0].readiness.iter().map(|f| f.code).collect()
}

#[test]
fn corporate_is_matched_dashes_and_case_aside() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    c.corporate.insert("123456789aa".to_owned());
    let r = c.run();
    assert!(r.importers[0].corporate, "`123456789aa` is `12-3456789AA`");
}

#[test]
fn t018_no_ach_enrollment_known_until_recorded_or_a_refund_is_issued() {
    let mut c = Case::new(date(2026, 8, 1));
    c.accepted.push(accepted(1, date(2026, 5, 1)));
    c.facts.insert(entry(1), facts(100_000, date(2026, 1, 10)));
    let r = c.run();
    assert_eq!(readiness_codes(&r), ["T018"]);
    assert!(
        r.importers[0].readiness[0]
            .message
            .contains("--ach-enrolled 12-3456789AA")
    );
    // Recorded as not enrolled: still T018, saying so.
    c.readiness.insert(
        "123456789AA".to_owned(),
        Readiness {
            ach: Some((false, date(2026, 7, 1))),
            active_on: None,
        },
    );
    let r = c.run();
    assert_eq!(readiness_codes(&r), ["T018"]);
    assert!(
        r.importers[0].readiness[0]
            .message
            .contains("recorded on 2026-07-01 as not enrolled"),
        "{}",
        r.importers[0].readiness[0].message
    );
    // Recorded as enrolled: nothing.
    c.readiness.get_mut("123456789AA").expect("said").ach = Some((true, date(2026, 7, 2)));
    assert!(c.run().importers[0].readiness.is_empty());
    // Not recorded, but a refund issued by Treasury shows ACH works.
    c.readiness.clear();
    c.events.push(es022(1, "R1", 100_000, 500));
    c.events.push(rev603(RefundStatus::TreasuryIssued, 2, None));
    let r = c.run();
    assert!(
        r.entries[0]
            .refunds
            .iter()
            .any(|s| s.bucket == Bucket::Paid),
        "{:?}",
        r.entries[0].refunds
    );
    assert!(
        r.importers[0].readiness.is_empty(),
        "{:?}",
        r.importers[0].readiness
    );
}

#[test]
fn t018_not_for_an_importer_with_no_accepted_entry() {
    let mut c = Case::new(date(2026, 8, 1));
    c.facts.insert(entry(1), facts(100_000, date(2026, 1, 10)));
    c.events.push(es022(1, "R1", 100_000, 500));
    let r = c.run();
    assert_eq!(r.importers[0].entries_accepted, 0);
    assert!(!readiness_codes(&r).contains(&"T018"));
}

#[test]
fn t019_inactive_366_days_from_the_latest_entry_or_the_day_recorded() {
    // The latest entry summary date in the ledger: 2025-07-15. 366 days later is 2026-07-16.
    let mut c = Case::new(date(2026, 7, 15));
    c.accepted.push(accepted(1, date(2026, 5, 1)));
    c.facts.insert(entry(1), facts(100_000, date(2025, 7, 15)));
    c.readiness.insert(
        IMPORTER.to_owned(),
        Readiness {
            ach: Some((true, date(2026, 5, 1))),
            active_on: None,
        },
    );
    assert!(
        c.run().importers[0].readiness.is_empty(),
        "365 days, and before 2026-07-16"
    );
    c.as_of = date(2026, 7, 16);
    let r = c.run();
    assert_eq!(readiness_codes(&r), ["T019"]);
    let m = &r.importers[0].readiness[0].message;
    assert!(
        m.contains("2025-07-15") && m.contains("366 days") && m.contains("lower bound"),
        "{m}"
    );
    // A day of activity recorded since: nothing.
    c.readiness.get_mut(IMPORTER).expect("said").active_on = Some(date(2026, 3, 1));
    assert!(c.run().importers[0].readiness.is_empty());
    // The day recorded is older than the ledger's latest entry: the entry counts.
    c.as_of = date(2027, 3, 2);
    c.readiness.get_mut(IMPORTER).expect("said").active_on = Some(date(2025, 1, 1));
    let r = c.run();
    assert_eq!(readiness_codes(&r), ["T019"]);
    assert!(r.importers[0].readiness[0].message.contains("2025-07-15"));
}

#[test]
fn t019_not_before_cbp_deactivates_nor_without_any_date() {
    let mut c = Case::new(date(2026, 7, 15));
    c.accepted.push(accepted(1, date(2026, 5, 1)));
    c.facts.insert(entry(1), facts(100_000, date(2024, 1, 2)));
    assert!(
        !readiness_codes(&c.run()).contains(&"T019"),
        "2026-07-15 is before the rule"
    );
    let mut no_date = facts(100_000, date(2024, 1, 2));
    no_date.entry_summary_date = None;
    c.facts.insert(entry(1), no_date);
    c.as_of = date(2026, 12, 1);
    assert!(
        !readiness_codes(&c.run()).contains(&"T019"),
        "nothing known of its activity"
    );
}

/// Every refund state (T) has a case here: a state that no test triggers could drift from its
/// documentation unseen, so adding a state without its case fails.
#[test]
fn every_refund_state_has_a_case() {
    let cases = include_str!("reconcile_tests.rs");
    let missing: Vec<&str> = crate::refunds::REFUND_RULES
        .iter()
        .map(|r| r.code)
        .filter(|code| {
            // A case asserts the code as a string (`codes(e) == ["T001"]`); a line that says it
            // is absent (`!codes(..).contains(&"T001")`) is no case of it.
            let quoted = format!("\"{code}\"");
            !cases.lines().any(|line| {
                line.find(&quoted).is_some_and(|at| {
                    // A negation, not a macro's `!(` or `!=`.
                    let negated = line[..at]
                        .match_indices('!')
                        .any(|(i, _)| !matches!(line.as_bytes().get(i + 1), Some(b'(' | b'=')));
                    !negated
                })
            })
        })
        .collect();
    assert!(
        missing.is_empty(),
        "no case triggers {missing:?}: add one to reconcile_tests.rs"
    );
}

#[test]
fn a_blank_interest_cell_is_unknown_not_zero_and_gives_no_short_or_protest_advice() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    c.events.push(RefundEvent {
        interest_cents: None,
        ..es022(1, "R1", 500_000, 0)
    });
    c.events.push(rev603(RefundStatus::TreasuryIssued, 2, None));
    let r = c.run();
    let e = one(&r);
    assert!(codes(e).contains(&"T014"), "{:?}", codes(e));
    assert!(!codes(e).contains(&"T003"), "{:?}", codes(e));
    assert_eq!(e.protest_due, None);
    assert_eq!(e.outstanding_cents, None);
    let t14 = e.findings.iter().find(|f| f.code == "T014").expect("T014");
    assert!(t14.message.contains("no interest"), "{}", t14.message);
    let t = &r.importers[0];
    assert_eq!(t.balance.amount_unknown_entries, 1);
    assert!(
        t.balance.text.contains("do not give") && !t.balance.text.contains("report this"),
        "{}",
        t.balance.text
    );
}

#[test]
fn a_status_row_without_amounts_is_no_refund_of_zero_dollars() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    c.events.push(RefundEvent {
        entry: Some(entry(1)),
        status: Some(StatusRead::Known(RefundStatus::TreasuryIssued)),
        ..ev(RefundReport::Rev615, 1, 2)
    });
    let r = c.run();
    let e = one(&r);
    assert!(codes(e).contains(&"T014"), "{:?}", codes(e));
    assert!(!codes(e).contains(&"T003"), "{:?}", codes(e));
    assert_eq!(e.protest_due, None);
    assert_eq!(e.outstanding_cents, None);
    assert_eq!(r.importers[0].balance.amount_unknown_entries, 1);
}

#[test]
fn an_as_of_date_in_the_past_leaves_out_refund_events_dated_after_it() {
    let mut c = liquidated_case(date(2026, 7, 1), date(2026, 6, 10));
    c.events.push(es022(1, "R1", 400_000, 0));
    c.events.push(rev603(
        RefundStatus::TreasuryIssued,
        2,
        Some(date(2026, 8, 10)),
    ));
    // A refund of a reliquidation after the as-of day is not known on it either.
    c.events.push(RefundEvent {
        reliquidation_date: Some(date(2026, 7, 20)),
        ..es022(1, "R2", 100_000, 0)
    });
    let r = c.run();
    assert_eq!(r.events_after_as_of, 2);
    let e = one(&r);
    assert_eq!(e.paid_cents(), 0, "{e:#?}");
    assert_eq!(e.refunds.len(), 1, "{e:#?}");
    assert_eq!(e.refunds[0].bucket, crate::refunds::Bucket::Reported);
    assert!(!codes(e).contains(&"T004"), "{:?}", codes(e));
    // Judged as of a day after both, they count.
    c.as_of = date(2026, 8, 15);
    let r = c.run();
    assert_eq!(r.events_after_as_of, 0);
    assert_eq!(one(&r).paid_cents(), 500_000);
}

#[test]
fn a_rev613_refund_amount_is_principal_and_interest_together_not_a_principal() {
    let rev613 = |total: i64| RefundEvent {
        entry: Some(entry(1)),
        refund_number: Some(Arc::from("R1")),
        principal_cents: Some(total),
        ..ev(RefundReport::Rev613, 3, 2)
    };
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    c.events.push(es022(1, "R1", 800_000, 59_413));
    c.events.push(rev613(859_413));
    let r = c.run();
    let e = one(&r);
    assert!(!codes(e).contains(&"T011"), "{:?}", codes(e));
    assert!(!codes(e).contains(&"T014"), "{:?}", codes(e));
    assert!(codes(e).contains(&"T006"), "{:?}", codes(e));
    assert_eq!(e.refunds.len(), 1, "{:#?}", e.refunds);
    assert_eq!(
        (e.refunds[0].principal_cents, e.refunds[0].interest_cents),
        (800_000, 59_413)
    );
    assert_eq!(e.held_cents, 859_413);
    // A total that is neither still disagrees.
    c.events[1] = rev613(850_000);
    assert!(codes(one(&c.run())).contains(&"T011"));
}

#[test]
fn a_second_row_without_refund_number_and_a_blank_interest_is_the_same_refund_not_a_second() {
    let rev615 = |principal: i64| RefundEvent {
        entry: Some(entry(1)),
        principal_cents: Some(principal),
        liquidation_date: Some(date(2026, 6, 10)),
        ..ev(RefundReport::Rev615, 3, 3)
    };
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    let interest = interest_of(&c);
    c.events.push(RefundEvent {
        liquidation_date: Some(date(2026, 6, 10)),
        ..es022(1, "R2", 500_000, interest)
    });
    c.events.push(rev615(500_000 + interest));
    c.events.push(rev603(RefundStatus::TreasuryIssued, 2, None));
    let r = c.run();
    let e = one(&r);
    assert_eq!(e.refunds.len(), 1, "{:#?}", e.refunds);
    assert_eq!(e.paid_cents(), 500_000 + interest);
    assert!(!codes(e).contains(&"T004"), "{:?}", codes(e));
    assert!(!codes(e).contains(&"T011"), "{:?}", codes(e));
    // Another total on the same liquidation date: the same refund, whose rows disagree.
    c.events[1] = rev615(600_000);
    let r = c.run();
    let e = one(&r);
    assert_eq!(e.refunds.len(), 1, "{:#?}", e.refunds);
    assert!(codes(e).contains(&"T011"), "{:?}", codes(e));
    assert!(!codes(e).contains(&"T004"), "{:?}", codes(e));
}

#[test]
fn one_importer_written_two_ways_is_one_importer() {
    let mut c = liquidated_case(date(2026, 8, 1), date(2026, 6, 10));
    let mut f = facts(500_000, date(2025, 6, 10));
    f.importer = Some(Arc::from("98-7654321BB"));
    c.facts.insert(entry(1), f);
    c.events.push(RefundEvent {
        importer: Some(Arc::from("987654321bb")),
        ..es022(2, "R2", 99_900, 999)
    });
    let r = c.run();
    assert_eq!(r.importers.len(), 1, "{:#?}", r.importers);
    assert_eq!(&*r.importers[0].importer, "98-7654321BB");
    assert!(
        r.entries
            .iter()
            .all(|e| e.importer.as_deref() == Some("98-7654321BB"))
    );
    c.importer = Some("987654321BB".to_owned());
    assert_eq!(c.run().entries.len(), 2);
}
