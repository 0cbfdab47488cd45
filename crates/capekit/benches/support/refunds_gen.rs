//! The data of the refunds benchmarks (`benches/refunds.rs`, `bench/refunds.sh` through
//! `examples/refunds_data.rs`): a ledger of accepted entries with their ES-003 data, and a
//! REV-615 "CAPE Details Refunds" of the same entries.

use std::path::Path;

use capekit_core::EntryNumber;
use capekit_core::path::EntryData;
use capekit_core::triage::{ClaimRow, Text, TriageInput, triage};
use capekit_ledger::{EntryFacts, FileKind, FileMeta, Ledger};
use jiff::civil::date;

pub const CLAIMS: usize = 100;
pub const IMPORTERS: usize = 100;

pub fn entry(n: usize) -> EntryNumber {
    EntryNumber::from_parts("B76", u32::try_from(n).unwrap_or(u32::MAX)).expect("valid entry")
}

pub fn duty(n: usize) -> i64 {
    10_000 + (n % 997) as i64 * 1_234
}

/// Writes at `path` a ledger holding `rows` entries accepted on 100 claims, with their ES-003
/// data: 100 importers, summary dates in 2025, reliquidated 2026-06-10.
pub fn ledger(path: &Path, rows: usize) {
    let mut l = Ledger::open(path).expect("ledger");
    let updated: Text = "Entry Summary Updated".into();
    let empty: Text = "".into();
    let per_claim = rows.div_ceil(CLAIMS);
    let mut files = Vec::new();
    let mut claim_rows = Vec::with_capacity(rows);
    for c in 0..CLAIMS {
        let name = format!("claim-details-{c:03}.csv");
        files.push(FileMeta::of_bytes(
            &name,
            FileKind::ClaimDetails,
            name.as_bytes(),
        ));
        let file: Text = name.into();
        let claim: Text = format!("{}", 100_000_000_000u64 + c as u64).into();
        for i in 0..per_claim {
            let n = c * per_claim + i + 1;
            if n > rows {
                break;
            }
            claim_rows.push(ClaimRow {
                file: file.clone(),
                line: i as u64 + 2,
                entry: entry(n),
                claim: claim.clone(),
                status: Some(updated.clone()),
                message: empty.clone(),
                claim_status: None,
                claim_date: None,
                kind: Default::default(),
                importer: None,
            });
        }
    }
    let report = triage(
        &TriageInput {
            rows: claim_rows,
            ..TriageInput::default()
        },
        date(2026, 5, 1),
    );
    l.import_triage(None, &files, &report).expect("claims");
    let facts: Vec<EntryFacts> = (1..=rows)
        .map(|n| {
            let mut e = EntryData::new(entry(n), n as u64 + 1);
            e.rows = 3;
            e.importer_number = Some(format!("IMP{:03}", n % IMPORTERS).into());
            e.entry_type = Some("01".into());
            e.entry_date = Some(date(2025, 3 + (n % 9) as i8, 1 + (n % 27) as i8));
            e.entry_summary_date = e
                .entry_date
                .and_then(|d| d.checked_add(jiff::Span::new().days(10)).ok());
            e.liquidation_status = Some("Liquidated".into());
            e.liquidation_date = Some(date(2026, 6, 10));
            e.port = Some("2704".into());
            e.ieepa_duty_cents = duty(n);
            e.ieepa_lines = 1;
            e.ieepa_dutiable_lines = 1;
            e.absent_columns = capekit_core::path::ColumnSet::EMPTY;
            EntryFacts {
                entry: e.entry_number,
                importer_number: e.importer_number.as_deref().map(str::to_owned),
                entry_type: Some("01".to_owned()),
                entry_date: e.entry_date,
                liquidation_date: e.liquidation_date,
                path: "done".to_owned(),
                cape_window_closes: None,
                protest_due: None,
                deadlines: Vec::new(),
                record: serde_json::to_string(&e).ok(),
            }
        })
        .collect();
    let meta = FileMeta::of_bytes("es003.csv", FileKind::EntryData, b"es003");
    l.record_entry_reports(&[(meta, facts)])
        .expect("entry data");
    drop(l);
}

/// A REV-615 of `rows` rows: refunds per importer and declaration, one in fifty short, one in
/// twenty returned.
pub fn rev615(rows: usize) -> Vec<u8> {
    let mut csv = String::with_capacity(rows * 110);
    csv.push_str("Entry Number,Declaration Number,Refund Number,Refund Amount,Interest Amount,Reliquidation Date,Refund Status\r\n");
    for n in 1..=rows {
        let principal = if n % 50 == 0 {
            duty(n) - 5_000
        } else {
            duty(n)
        };
        let interest = principal * 6 / 100;
        let status = if n % 20 == 0 {
            "Check/ACH Returned"
        } else {
            "Treasury Issued"
        };
        csv.push_str(&format!(
            "{},{},R{:03}-{},\"${}.{:02}\",${}.{:02},06/10/2026,{status}\r\n",
            entry(n),
            260_512_000_000u64 + (n / 9_999) as u64,
            n % IMPORTERS,
            n / 9_999,
            principal / 100,
            principal % 100,
            interest / 100,
            interest % 100
        ));
    }
    csv.into_bytes()
}
