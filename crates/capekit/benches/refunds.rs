//! `capekit refunds` on 1,000,000 generated REV-615 rows: read from CSV bytes, recorded in a
//! ledger that holds 1,000,000 accepted entries with their entry data, and reconciled. Each
//! iteration starts from a copy of that ledger (made before the clock starts), so every run
//! records the report anew (while a second connection gathers what the ledger held before it).
//!
//! Run: `cargo bench -p capekit --bench refunds`. `CAPEKIT_BENCH_ROWS` changes the row count.
//! Before measuring, one run prints the time of each phase.

#[path = "support/refunds_gen.rs"]
mod refunds_gen;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use capekit_core::interest::RATES;
use capekit_core::refunds::{ReconcileInput, reconcile};
use capekit_io::refunds::parse_refund_file;
use capekit_ledger::{FileKind, FileMeta, ImportOutcome, Ledger, RefundImport};
use criterion::{Criterion, criterion_group, criterion_main};
use jiff::civil::date;

use refunds_gen::{IMPORTERS, rev615};

fn rows() -> usize {
    std::env::var("CAPEKIT_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

/// The ledger every iteration copies.
fn template(dir: &Path, rows: usize) -> PathBuf {
    let path = dir.join("template.sqlite3");
    refunds_gen::ledger(&path, rows);
    path
}

/// What one run does, timed by phase: read, record and gather (at once, as `capekit refunds`
/// does), reconcile.
fn run(ledger: &Path, bytes: &[u8]) -> [Duration; 3] {
    let t = Instant::now();
    let mut f = parse_refund_file("rev615.csv", bytes)
        .expect("read")
        .expect("a refund report");
    let read = t.elapsed();
    let t = Instant::now();
    let mut l = Ledger::open(ledger).expect("ledger");
    let meta = FileMeta::of_bytes("rev615.csv", FileKind::RefundReport, bytes);
    let (done, mut data) = l
        .record_refund_reports_and_gather(&[RefundImport {
            meta: &meta,
            report: f.report,
            events: &f.events,
        }])
        .expect("record and gather");
    let Some(ImportOutcome::Imported { file_id, .. }) = done.first().cloned() else {
        panic!("not recorded: {done:?}");
    };
    data.add_fresh(vec![(file_id, std::mem::take(&mut f.events))]);
    let record_gather = t.elapsed();
    let t = Instant::now();
    let rec = reconcile(&ReconcileInput {
        as_of: date(2026, 8, 1),
        accepted: data.accepted,
        facts: data.facts,
        events: data.events,
        corporate: data.corporate,
        readiness: Default::default(),
        importer: None,
        rejected: data.rejected,
        rates: RATES,
    });
    assert_eq!(rec.importers.len(), IMPORTERS.min(rows()));
    std::hint::black_box(&rec);
    [read, record_gather, t.elapsed()]
}

fn fresh_copy(template: &Path, dir: &Path) -> PathBuf {
    let copy = dir.join("run.sqlite3");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
    }
    std::fs::copy(template, &copy).expect("copy the ledger");
    copy
}

fn bench(c: &mut Criterion) {
    let n = rows();
    let dir = tempfile::tempdir().expect("tempdir");
    let started = Instant::now();
    let template = template(dir.path(), n);
    let bytes = rev615(n);
    eprintln!(
        "setup: {n} accepted entries with entry data, REV-615 of {} bytes, in {:.1?}",
        bytes.len(),
        started.elapsed()
    );
    let [read, record_gather, reconciled] = run(&fresh_copy(&template, dir.path()), &bytes);
    eprintln!(
        "phases: read {read:.2?}, record and gather {record_gather:.2?}, reconcile {reconciled:.2?}; total {:.2?}",
        read + record_gather + reconciled
    );
    let mut g = c.benchmark_group("refunds");
    g.sample_size(10);
    g.bench_function(format!("import_and_reconcile_{n}_rev615_rows"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let copy = fresh_copy(&template, dir.path());
                let t = Instant::now();
                std::hint::black_box(run(&copy, &bytes));
                total += t.elapsed();
            }
            total
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
