//! Writes the data of the end-to-end bench (`bench/run.sh`) and measures the csv crate's own
//! speed on it, the limit a reader built on it can reach.
//!
//! - `bench_data claims DIR ROWS CLAIMS`: CLAIMS Claim Details files of ROWS rows in all.
//! - `bench_data es003 FILE LINES`: an ES-003 export of LINES lines.
//! - `bench_data declaration FILE ENTRIES`: a declaration upload.
//! - `bench_data csv-read FILE`: the csv crate reading FILE's records (no field looked at), MB/s.

#[path = "../benches/support/claims_gen.rs"]
mod claims_gen;
#[path = "../benches/support/es003_gen.rs"]
mod es003_gen;

use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [cmd, dir, rows, claims] if cmd == "claims" => {
            let dir = PathBuf::from(dir);
            std::fs::create_dir_all(&dir)?;
            for (name, bytes) in claims_gen::claim_files(rows.parse()?, claims.parse()?) {
                std::fs::write(dir.join(name), bytes)?;
            }
        }
        [cmd, file, lines] if cmd == "es003" => {
            let lines: u64 = lines.replace('_', "").parse()?;
            es003_gen::generate(&PathBuf::from(file), lines)?;
        }
        [cmd, file, n] if cmd == "declaration" => {
            std::fs::write(file, claims_gen::declaration(n.parse()?))?;
        }
        [cmd, file] if cmd == "csv-read" => {
            let bytes = std::fs::metadata(file)?.len();
            let t = Instant::now();
            let mut r = csv::ReaderBuilder::new()
                .buffer_capacity(1 << 20)
                .from_path(file)?;
            let mut record = csv::ByteRecord::new();
            let mut n = 0u64;
            while r.read_byte_record(&mut record)? {
                n += 1;
            }
            let s = t.elapsed().as_secs_f64();
            println!(
                "csv crate: {n} records, {bytes} bytes in {s:.2} s: {:.0} MB/s",
                bytes as f64 / 1e6 / s
            );
        }
        _ => {
            eprintln!(
                "usage: bench_data claims DIR ROWS CLAIMS | es003 FILE LINES | declaration FILE ENTRIES | csv-read FILE"
            );
            std::process::exit(2);
        }
    }
    Ok(())
}
