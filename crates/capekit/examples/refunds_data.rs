//! Writes the data of the refunds end-to-end bench (`bench/refunds.sh`), from the generator the
//! criterion bench uses (`benches/support/refunds_gen.rs`):
//!
//! - `refunds_data ledger FILE ROWS`: a ledger of ROWS entries accepted on 100 claims, with their
//!   ES-003 data (100 importers).
//! - `refunds_data rev615 FILE ROWS`: a REV-615 "CAPE Details Refunds" of the same entries.

#[path = "../benches/support/refunds_gen.rs"]
mod refunds_gen;

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [cmd, file, rows] if cmd == "ledger" => {
            refunds_gen::ledger(&PathBuf::from(file), rows.replace('_', "").parse()?);
        }
        [cmd, file, rows] if cmd == "rev615" => {
            std::fs::write(file, refunds_gen::rev615(rows.replace('_', "").parse()?))?;
        }
        _ => {
            return Err(
                "usage: refunds_data ledger FILE ROWS | refunds_data rev615 FILE ROWS".into(),
            );
        }
    }
    Ok(())
}
