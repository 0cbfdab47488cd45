//! Prints how long each phase of a large triage takes (profiling aid for the triage bench).
//! Run: `cargo run --release -p capekit-io --example triage_phases`.

use std::time::Instant;

use capekit_core::EntryNumber;
use capekit_core::triage::{TriageInput, triage};
use capekit_io::output::OutputSet;
use capekit_io::triage_out::add_triage_outputs;

fn main() {
    let rows = 1_000_000usize;
    let per = rows / 100;
    let files: Vec<(String, Vec<u8>)> = (0..100)
        .map(|c| {
            let mut csv = String::from("ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\n");
            for i in 0..per {
                let n = c * per + i;
                let e = EntryNumber::from_parts(["B76", "ABC", "057"][n % 3], (n / 3) as u32)
                    .expect("valid");
                if n.is_multiple_of(6) {
                    csv.push_str(&format!(
                        "=\"{e}\",=\"{}\",Failed,PROTEST ON ENTRY\r\n",
                        1000 + c
                    ));
                } else {
                    csv.push_str(&format!(
                        "=\"{e}\",=\"{}\",Entry Summary Updated,\r\n",
                        1000 + c
                    ));
                }
            }
            (format!("c{c}.csv"), csv.into_bytes())
        })
        .collect();
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
    add_triage_outputs(&mut set, dir.path(), &report, &[], false).expect("out");
    println!("render {:?}", t.elapsed());
    let t = Instant::now();
    set.commit(&[]).expect("commit");
    println!("write {:?}", t.elapsed());
}
