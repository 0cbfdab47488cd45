//! Triage of 1,000,000 generated Claim Details rows in 100 claims: read from CSV bytes, triaged,
//! and every output but the workbook written (refile parts, worklist.csv, report.html).
//!
//! Run: `cargo bench -p capekit-io --bench triage`. `CAPEKIT_BENCH_ROWS` changes the row count.

#[path = "support/claims_gen.rs"]
mod claims_gen;

use capekit_core::triage::{TriageInput, triage};
use capekit_io::claims::parse_claim_files;
use capekit_io::output::OutputSet;
use capekit_io::triage_out::add_triage_outputs;
use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let rows: usize = std::env::var("CAPEKIT_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let files = claims_gen::claim_files(rows, 100);
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
                add_triage_outputs(
                    &mut set,
                    out.path(),
                    &report,
                    &[],
                    &Default::default(),
                    false,
                )
                .expect("outputs");
                set.commit(&[]).expect("written");
                report.entries.len()
            });
        },
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
