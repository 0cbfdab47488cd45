//! `capekit ledger verify`: the ledger's integrity and invariants, in words.

use std::fmt::Write as _;

use capekit_ledger::Problem;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct VerifyReport {
    pub(super) ledger: String,
    pub(super) sound: bool,
    pub(super) problems: Vec<Problem>,
}

pub(super) fn verify_text(r: &VerifyReport) -> String {
    if r.sound {
        return format!(
            "ledger {}: sound - SQLite's integrity check passed and every invariant holds\n",
            r.ledger
        );
    }
    let mut out = format!(
        "ledger {}: {} problem{}\n",
        r.ledger,
        r.problems.len(),
        if r.problems.len() == 1 { "" } else { "s" }
    );
    for p in &r.problems {
        let _ = writeln!(out, "  {}: {}", p.check, p.message);
    }
    out.push_str("keep a copy of the ledger file before changing anything\n");
    out
}
