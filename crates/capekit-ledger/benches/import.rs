//! Recording 1,000,000 triaged claim rows (100 claims of 10,000 entries, about one row in six
//! rejected) into a fresh on-disk ledger: one transaction, prepared statements.
//!
//! Run: `cargo bench -p capekit-ledger --bench import`. `CAPEKIT_BENCH_ROWS` changes the row
//! count. Criterion prints the rows per second as its throughput.

use capekit_core::EntryNumber;
use capekit_core::triage::{ClaimRow, Text, TriageInput, TriageReport, triage};
use capekit_ledger::{FileKind, FileMeta, Ledger};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

const MESSAGES: &[&str] = &[
    "HTS RELATIONSHIP/SEQUENCE MISMATCH",
    "ENTRY SUMMARY IS IN TRADE CONTROL",
    "ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS",
    "PROTEST ON ENTRY",
    "UNABLE TO CALCULATE DUTY",
];
const CLAIMS: usize = 100;

fn rows() -> usize {
    std::env::var("CAPEKIT_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

/// The triaged report and the claim files it came from.
fn generated(rows: usize) -> (Vec<FileMeta>, TriageReport) {
    let per_claim = rows.div_ceil(CLAIMS);
    let updated: Text = "Entry Summary Updated".into();
    let failed: Text = "Failed".into();
    let empty: Text = "".into();
    let messages: Vec<Text> = MESSAGES.iter().map(|m| Text::from(*m)).collect();
    let mut files = Vec::with_capacity(CLAIMS);
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
            let n = c * per_claim + i;
            if n >= rows {
                break;
            }
            let filer = ["B76", "ABC", "057"][n % 3];
            let Some(entry) = EntryNumber::from_parts(filer, (n / 3) as u32) else {
                continue;
            };
            let rejected = n.is_multiple_of(6);
            claim_rows.push(ClaimRow {
                file: file.clone(),
                line: i as u64 + 2,
                entry,
                claim: claim.clone(),
                status: Some(if rejected {
                    failed.clone()
                } else {
                    updated.clone()
                }),
                message: if rejected {
                    messages[(n / 6) % messages.len()].clone()
                } else {
                    empty.clone()
                },
                claim_status: None,
                kind: Default::default(),
                claim_date: None,
                importer: None,
            });
        }
    }
    let input = TriageInput {
        rows: claim_rows,
        ..TriageInput::default()
    };
    (files, triage(&input, jiff::civil::date(2026, 11, 24)))
}

fn bench(c: &mut Criterion) {
    let n = rows();
    let (files, report) = generated(n);
    let mut g = c.benchmark_group("ledger");
    g.sample_size(10);
    g.throughput(Throughput::Elements(report.entries.len() as u64));
    g.bench_function(format!("import_triage_{n}_rows_on_disk"), |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().expect("tempdir");
                let ledger = Ledger::open(&dir.path().join("ledger.sqlite3")).expect("open");
                (dir, ledger)
            },
            |(dir, mut ledger)| {
                let done = ledger.import_triage(None, &files, &report).expect("import");
                assert_eq!(done.rows, report.entries.len());
                (dir, ledger)
            },
            BatchSize::PerIteration,
        );
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
