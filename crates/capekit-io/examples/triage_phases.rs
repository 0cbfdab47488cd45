//! Prints how long each phase of a large triage takes (profiling aid for the triage bench).
//! Run: `cargo run --release -p capekit-io --example triage_phases`.

#[path = "../benches/support/claims_gen.rs"]
mod claims_gen;

use std::time::Instant;

use capekit_core::triage::{TriageInput, triage};
use capekit_io::output::OutputSet;
use capekit_io::triage_out::add_triage_outputs;

fn main() {
    let files = claims_gen::claim_files(1_000_000, 100);
    let t = Instant::now();
    let mut input = TriageInput::default();
    let parsed: Vec<_> = capekit_io::claims::parse_claim_files(&files)
        .into_iter()
        .map(|f| f.expect("parse"))
        .collect();
    input
        .rows
        .reserve(parsed.iter().map(|f| f.rows.len()).sum());
    for f in parsed {
        input.rows.extend(f.rows);
    }
    println!("parse {:?}", t.elapsed());
    let t = Instant::now();
    let report = triage(&input, jiff::civil::date(2026, 11, 24));
    println!("triage {:?}", t.elapsed());
    let t = Instant::now();
    let dir = tempfile::tempdir().expect("tmp");
    let mut set = OutputSet::new();
    add_triage_outputs(
        &mut set,
        dir.path(),
        &report,
        &[],
        &Default::default(),
        false,
    )
    .expect("out");
    println!("render {:?}", t.elapsed());
    let t = Instant::now();
    set.commit(&[]).expect("commit");
    println!("write {:?}", t.elapsed());
}
