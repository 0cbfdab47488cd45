//! `capekit check` on the largest file CBP takes: a declaration of 9,999 entries, generated in
//! memory, read from its bytes ([`parse_declaration`]) and judged ([`check`]).
//!
//! Run: `cargo bench -p capekit-io --bench check`. Results go into BENCHMARKS.md, section `check`.

#[path = "support/claims_gen.rs"]
mod claims_gen;

use std::hint::black_box;

use capekit_core::check::{CheckOptions, MAX_ENTRIES, check};
use capekit_io::declaration::parse_declaration;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench_check(c: &mut Criterion) {
    let bytes = claims_gen::declaration(MAX_ENTRIES);
    let options = CheckOptions::default();
    // Sanity: the benchmark measures a full pass over every entry.
    let report = check(&parse_declaration("upload.csv", &bytes), &options);
    assert_eq!(report.entries, MAX_ENTRIES);
    assert_eq!(
        report.valid_entries,
        MAX_ENTRIES - MAX_ENTRIES.div_ceil(100)
    );

    let mut group = c.benchmark_group("check");
    group.throughput(Throughput::Elements(MAX_ENTRIES as u64));
    group.bench_function("parse_and_check_9999", |b| {
        b.iter(|| {
            let input = parse_declaration("upload.csv", black_box(&bytes));
            check(&input, &options)
        });
    });
    let input = parse_declaration("upload.csv", &bytes);
    group.bench_function("parse_9999", |b| {
        b.iter(|| parse_declaration("upload.csv", black_box(&bytes)));
    });
    group.bench_function("check_9999", |b| {
        b.iter(|| check(black_box(&input), &options));
    });
    group.finish();
}

criterion_group!(benches, bench_check);
criterion_main!(benches);
