//! Generates Claim Details files shaped like CBP's (header, CRLF, `="..."` entry and claim
//! numbers as ACE exports them, one row in six rejected with a mix of seven messages, one of them
//! unknown to the catalog), for the `triage` benchmark, the `triage_phases` example and the
//! end-to-end bench script. Deterministic, so runs compare.

#![allow(dead_code)]

use capekit_core::EntryNumber;

/// The rejection messages, in turn: six the catalog knows and one it does not.
pub const MESSAGES: &[&str] = &[
    "HTS RELATIONSHIP/SEQUENCE MISMATCH",
    "ENTRY SUMMARY IS IN TRADE CONTROL",
    "ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS",
    "PROTEST ON ENTRY",
    "ACCOUNT MISMATCH",
    "GOODS VALUE AMOUNT NOT ALLOWED ON IEEPA HTS LINE",
    "SOMETHING CAPEKIT DOES NOT KNOW",
];

/// `claims` Claim Details files of `rows / claims` rows each, as `(name, CSV bytes)`.
pub fn claim_files(rows: usize, claims: usize) -> Vec<(String, Vec<u8>)> {
    let per_claim = rows / claims;
    (0..claims)
        .map(|c| {
            let mut csv = String::from("ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\n");
            for i in 0..per_claim {
                let n = c * per_claim + i;
                let filer = ["B76", "ABC", "057"][n % 3];
                let entry = EntryNumber::from_parts(filer, (n / 3) as u32).expect("valid entry");
                let claim = 100_000_000_000u64 + c as u64;
                if n.is_multiple_of(6) {
                    let m = MESSAGES[(n / 6) % MESSAGES.len()];
                    csv.push_str(&format!("=\"{entry}\",=\"{claim}\",Failed,{m}\r\n"));
                } else {
                    csv.push_str(&format!(
                        "=\"{entry}\",=\"{claim}\",Entry Summary Updated,\r\n"
                    ));
                }
            }
            (format!("claim-{c:03}.csv"), csv.into_bytes())
        })
        .collect()
}

/// A declaration of `n` entries of three filer codes, CRLF, as CBP's template saves it; every
/// hundredth entry in the printed form with dashes (`B76-0324527-8`), so that the check has
/// findings to build.
pub fn declaration(n: usize) -> Vec<u8> {
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
