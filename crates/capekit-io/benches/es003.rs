//! The ES-003 reader and the path engine on a generated export: `CAPEKIT_BENCH_LINES` lines
//! (default 1,000,000, about 200 MB) streamed from a file in a temporary folder, folded into
//! entries, and every entry decided. Criterion reports the throughput in bytes of CSV.
//!
//! Run: `cargo bench -p capekit-io --bench es003`; a 2 GB run:
//! `CAPEKIT_BENCH_LINES=10000000 cargo bench -p capekit-io --bench es003`.
//! Peak memory is measured with the `es003_peak` example (see its doc).

#[path = "support/es003_gen.rs"]
mod es003_gen;

use std::hint::black_box;
use std::time::Duration;

use capekit_core::path::{EntryPath, decide};
use capekit_io::entries::read_entry_data;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let lines: u64 = std::env::var("CAPEKIT_BENCH_LINES")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("es003.csv");
    let bytes = es003_gen::generate(&path, lines).expect("generated");
    let mut group = c.benchmark_group("es003");
    group.sample_size(10);
    // About 0.6 s per million lines on 2 cores: leave room for 10 samples at any size.
    group.measurement_time(Duration::from_secs((lines / 100_000).max(8)));
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function(format!("read and decide {lines} lines"), |b| {
        b.iter(|| {
            let set = read_entry_data(&path).expect("read");
            let mut counts = [0usize; EntryPath::ALL.len()];
            for e in &set.entries {
                let d = decide(e, es003_gen::AS_OF);
                counts[d.path as usize] += 1;
            }
            black_box((set.rows_read, counts))
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
