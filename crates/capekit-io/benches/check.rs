//! `capekit check` on the largest file CBP takes: a declaration of 9,999 entries, generated in
//! memory, read from its bytes ([`parse_declaration`]) and judged ([`check`]).
//!
//! Run: `cargo bench -p capekit-io --bench check`. Results go into BENCHMARKS.md, section `check`.

use std::hint::black_box;

use capekit_core::EntryNumber;
use capekit_core::check::{CheckOptions, MAX_ENTRIES, check};
use capekit_io::declaration::parse_declaration;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A declaration of `n` entries of three filer codes, CRLF, as CBP's template saves it; every
/// hundredth entry in the printed form with dashes (`B76-0324527-8`), so that the check has findings to build.
fn declaration(n: usize) -> Vec<u8> {
    let mut out = b"Entry Number\r\n".to_vec();
    for i in 0..n {
        let filer = ["B76", "ABC", "057"][i % 3];
        let e = EntryNumber::from_parts(filer, (i / 3) as u32).expect("valid entry");
        if i.is_multiple_of(100) {
            out.extend_from_slice(e.dashed().as_bytes());
        } else {
            out.extend_from_slice(e.as_str().as_bytes());
        }
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn bench_check(c: &mut Criterion) {
    let bytes = declaration(MAX_ENTRIES);
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
