//! Harness for the ES-003 reader's peak memory and throughput, outside criterion (whose own
//! buffers would blur the figure).
//!
//! `cargo run --release -p capekit-io --example es003_peak -- generate FILE LINES` writes a
//! generated export; `/usr/bin/time -v target/release/examples/es003_peak read FILE` reads it,
//! decides every entry, and prints MB/s; `time -v` gives the peak resident set.

#[path = "../benches/support/es003_gen.rs"]
mod es003_gen;

use std::path::PathBuf;
use std::time::Instant;

use capekit_core::path::{EntryPath, decide, is_urgent};
use capekit_io::entries::read_entry_data;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [cmd, file, lines] if cmd == "generate" => {
            let lines: u64 = lines.replace('_', "").parse()?;
            let t = Instant::now();
            let bytes = es003_gen::generate(&PathBuf::from(file), lines)?;
            println!(
                "wrote {lines} lines, {bytes} bytes in {:.1} s",
                t.elapsed().as_secs_f64()
            );
        }
        [cmd, file] if cmd == "read" => {
            let path = PathBuf::from(file);
            let bytes = std::fs::metadata(&path)?.len();
            let t = Instant::now();
            let set = read_entry_data(&path)?;
            let read = t.elapsed().as_secs_f64();
            let mut counts = [0usize; EntryPath::ALL.len()];
            let mut urgent = 0usize;
            for e in &set.entries {
                let d = decide(e, es003_gen::AS_OF);
                counts[d.path as usize] += 1;
                urgent += usize::from(is_urgent(&d));
            }
            let total = t.elapsed().as_secs_f64();
            let mb = bytes as f64 / 1e6;
            println!(
                "{bytes} bytes, {} rows read ({} used, {} dropped), {} entries, {} findings",
                set.rows_read,
                set.rows_used,
                set.rows_dropped,
                set.entries.len(),
                set.diagnostics.len()
            );
            println!(
                "read {read:.2} s ({:.0} MB/s); read + decide {total:.2} s ({:.0} MB/s)",
                mb / read,
                mb / total
            );
            let by_path: Vec<String> = EntryPath::ALL
                .iter()
                .map(|p| format!("{p} {}", counts[*p as usize]))
                .collect();
            println!("{}; urgent {urgent}", by_path.join(", "));
        }
        _ => {
            eprintln!("usage: es003_peak generate FILE LINES | es003_peak read FILE");
            std::process::exit(2);
        }
    }
    Ok(())
}
