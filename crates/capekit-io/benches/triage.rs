//! Triage of 1,000,000 generated Claim Details rows in 100 claims: read from CSV bytes, triaged,
//! and every output but the workbook written (refile parts, worklist.csv, report.html).
//!
//! Run: `cargo bench -p capekit-io --bench triage`. `CAPEKIT_BENCH_ROWS` changes the row count.

use capekit_core::EntryNumber;
use capekit_core::triage::{TriageInput, triage};
use capekit_io::claims::parse_claim_files;
use capekit_io::output::OutputSet;
use capekit_io::triage_out::add_triage_outputs;
use criterion::{Criterion, criterion_group, criterion_main};

const MESSAGES: &[&str] = &[
    "HTS RELATIONSHIP/SEQUENCE MISMATCH",
    "ENTRY SUMMARY IS IN TRADE CONTROL",
    "ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS",
    "PROTEST ON ENTRY",
    "ACCOUNT MISMATCH",
    "GOODS VALUE AMOUNT NOT ALLOWED ON IEEPA HTS LINE",
    "SOMETHING CAPEKIT DOES NOT KNOW",
];

/// 100 Claim Details files as CBP-style CSV bytes; about one row in six rejected.
fn claim_files(rows: usize) -> Vec<(String, Vec<u8>)> {
    let claims = 100;
    let per_claim = rows / claims;
    (0..claims)
        .map(|c| {
            let mut csv = String::from("ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\n");
            for i in 0..per_claim {
                let n = c * per_claim + i;
                let filer = ["B76", "ABC", "057"][n % 3];
                let entry = EntryNumber::from_parts(filer, (n / 3) as u32).expect("valid entry");
                if n.is_multiple_of(6) {
                    let m = MESSAGES[(n / 6) % MESSAGES.len()];
                    csv.push_str(&format!(
                        "=\"{entry}\",=\"{}\",Failed,{m}\r\n",
                        100_000_000_000u64 + c as u64
                    ));
                } else {
                    csv.push_str(&format!(
                        "=\"{entry}\",=\"{}\",Entry Summary Updated,\r\n",
                        100_000_000_000u64 + c as u64
                    ));
                }
            }
            (format!("claim-{c}.csv"), csv.into_bytes())
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let rows: usize = std::env::var("CAPEKIT_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let files = claim_files(rows);
    let out = tempfile::tempdir().expect("tempdir");
    let as_of = jiff::civil::date(2026, 11, 24);
    let mut group = c.benchmark_group("triage");
    group.sample_size(10);
    group.bench_function(
        format!("{rows} rows, 100 claims, outputs without xlsx"),
        |b| {
            b.iter(|| {
                let mut input = TriageInput::default();
                let parsed: Vec<_> = parse_claim_files(&files)
                    .into_iter()
                    .map(|f| f.expect("claim file"))
                    .collect();
                input
                    .rows
                    .reserve(parsed.iter().map(|f| f.rows.len()).sum());
                for f in parsed {
                    input.rows.extend(f.rows);
                }
                let report = triage(&input, as_of);
                let mut set = OutputSet::new();
                add_triage_outputs(&mut set, out.path(), &report, &[], false).expect("outputs");
                set.commit(&[]).expect("written");
                report.entries.len()
            });
        },
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
