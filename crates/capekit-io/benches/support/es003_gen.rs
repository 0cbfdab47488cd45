//! Generates an ES-003 "Entry Summary Line Tariff Details" CSV of a given number of lines, shaped
//! like ACE's exports (CRLF, `="..."` entry numbers, `$1,234.00` amounts, MM/DD/YYYY dates), for
//! the `es003` benchmark and the `es003_peak` memory harness. Deterministic, so runs compare.
//!
//! About 200 bytes a line (the columns the reader ignores included) and 8 lines an entry on average; entries spread over every path
//! (unliquidated, liquidated at every age, excluded types, goods values on IEEPA lines).

use std::io::{self, BufWriter, Write};
use std::path::Path;

use capekit_core::EntryNumber;
use jiff::ToSpan;
use jiff::civil::{Date, date};

/// The header ACE writes.
pub const HEADER: &str = "Entry Summary Number,Entry Summary Line Number,Entry Type Code,Importer Number,Port of Entry Code,Entry Date,Entry Summary Date,HTS Number - Full,Tariff Ordinal Number,Line Tariff Goods Value Amount,Line Tariff Duty Amount,Country of Origin Code,Liquidation Status,Liquidation Date,Reconciliation Indicator,Control Status,Protest Number,Protest Status,Importer Name,Manufacturer ID,Line Tariff Quantity,Line Tariff UOM,Line Tariff Ad Valorem Rate";

/// The as-of date the generated liquidation dates are spread around.
pub const AS_OF: Date = date(2026, 11, 24);

const FILERS: [&str; 3] = ["B76", "ABC", "057"];
const IMPORTERS: [(&str, &str); 4] = [
    ("12-345678900", "ACME TRADING CO"),
    ("98-765432100", "GLOBAL WIDGETS INC"),
    ("55-123123100", "NORTHWIND IMPORTS LLC"),
    ("77-000111200", "SOCIETE GENERALE IMPORT"),
];

fn mdy(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.month(), d.day(), d.year())
}

fn dollars(cents: u64) -> String {
    let whole = cents / 100;
    let s = whole.to_string();
    let mut out = String::with_capacity(s.len() + 4);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    format!("\"${out}.{:02}\"", cents % 100)
}

/// Writes `lines` data lines (plus the header) to `path`; returns the bytes written.
pub fn generate(path: &Path, lines: u64) -> io::Result<u64> {
    let file = std::fs::File::create(path)?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    w.write_all(HEADER.as_bytes())?;
    w.write_all(b"\r\n")?;
    let mut written = 0u64;
    let mut k: u64 = 0;
    while written < lines {
        let filer = FILERS[(k % 3) as usize];
        let Some(entry) = EntryNumber::from_parts(filer, (k / 3 % 10_000_000) as u32) else {
            k += 1;
            continue;
        };
        let (imp_no, imp_name) = IMPORTERS[(k % 4) as usize];
        let entry_type = match k % 50 {
            0 => "47",
            1 => "09",
            2 => "11",
            _ => "01",
        };
        let entered = date(2025, 2, 4)
            .checked_add((((k * 37) % 385) as i64).days())
            .unwrap_or(date(2025, 2, 4));
        let summary = entered.checked_add(10.days()).unwrap_or(entered);
        let (status, liq) = if k.is_multiple_of(4) {
            ("Unliquidated", String::new())
        } else {
            let day = AS_OF
                .checked_sub((((k * 13) % 400) as i64).days())
                .unwrap_or(AS_OF);
            ("Liquidated", mdy(day))
        };
        let recon = if k % 40 == 5 { "001" } else { "" };
        let (protest_no, protest_status) = if k % 97 == 3 {
            ("270425100123", "Suspended")
        } else {
            ("", "")
        };
        let rows = 2 + (k * 7) % 13;
        for r in 0..rows {
            if written >= lines {
                break;
            }
            let line_no = r / 2 + 1;
            let (hts, goods, duty) = if r % 2 == 0 {
                let goods = 100_000 + (k * 7919 + r * 104_729) % 5_000_000;
                ("8471300100", dollars(goods), dollars(goods / 40))
            } else if k % 31 == 7 {
                // A goods value on the IEEPA line: correct-first.
                ("9903.01.25", dollars(1_200_000), dollars(120_000))
            } else if k % 23 == 1 {
                ("99038815", String::new(), dollars(25_00 + k % 1000))
            } else {
                (
                    "99030125",
                    String::new(),
                    dollars(10_00 + (k * 31 + r) % 200_000),
                )
            };
            writeln!(
                w,
                "=\"{entry}\",{line_no},{entry_type},{imp_no},2704,{},{},=\"{hts}\",1,{goods},{duty},CN,{status},{liq},{recon},Statement,{protest_no},{protest_status},\"{imp_name}\",CNACMTRA{:04}SHA,\"{},250\",NO,25.000%\r",
                mdy(entered),
                mdy(summary),
                k % 10_000,
                1 + r % 9,
            )?;
            written += 1;
        }
        k += 1;
    }
    w.flush()?;
    Ok(std::fs::metadata(path)?.len())
}
