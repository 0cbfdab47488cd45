//! `check`: a declaration before it is uploaded, against CBP's file rules and against what the
//! ledger knows of its entries, with the corrected file capekit can write from it.
//!
//! The one job `capekit check` and the workbench's Check page run:
//! 1. the entries the file holds (read leniently, as `fix` reads them);
//! 2. what the ledger knows of them: accepted on a claim (F023), pending or on a draft (F024),
//!    rejected with a message that asks for more than a refile (F025); the file's own draft
//!    never counts, since a draft checked before its upload cannot conflict with itself, but
//!    the same bytes uploaded already do (F024 on the whole file and on each entry): uploading
//!    them again declares every entry a second time;
//! 3. the file rules ([`capekit_core::check::check`]), a workbook's entries included;
//! 4. the corrected file's entries ([`capekit_core::fix::plan_fix_known`]): what the ledger
//!    knows as accepted or held is left out, and said so.

use capekit_core::FilerCode;
use capekit_core::check::{CheckOptions, CheckReport, DeclarationInput, check};
use capekit_core::fix::{FixPlan, plan_fix, plan_fix_known};
use capekit_core::known::Known;
use capekit_ledger::{DeclState, Declaration, Except, Ledger, LedgerError, sha256_hex};

/// What a check found, and the corrected file's plan.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The findings, file-level first, then by line; `uploadable` when none is an error.
    pub report: CheckReport,
    /// The corrected file: its entries, what was repaired, dropped or left out.
    pub plan: FixPlan,
    /// What the ledger knew of the file's entries (empty without a ledger).
    pub known: Known,
}

/// Checks `input` (whose bytes are `bytes`) for an upload by `filer`, against `ledger`.
pub fn check_declaration(
    ledger: &Ledger,
    input: &DeclarationInput,
    bytes: &[u8],
    filer: Option<FilerCode>,
) -> Result<Checked, LedgerError> {
    let sha = sha256_hex(bytes);
    let entries = plan_fix(input, None).entries;
    let uploaded = uploaded_with_bytes(ledger, &sha)?;
    // A draft checked before its upload cannot conflict with itself, so the file's own record
    // is set aside; but these very bytes uploaded already are another declaration, and every
    // entry it holds is held (the corrected file leaves them out, as it would from a copy
    // saved with other line ends).
    let except = match uploaded {
        Some(_) => Except::none(),
        None => Except::file(sha),
    };
    let known = ledger.known_for_plan_except(&entries, &except)?;
    let mut checked = checked_with(input, filer, known);
    if let Some(d) = uploaded {
        same_bytes_finding(&d, input, &mut checked.report);
    }
    Ok(checked)
}

/// Checks `input` for an upload by `filer` with no ledger to ask (`--no-ledger`, or a ledger
/// that cannot be read, which the face says).
pub fn check_alone(input: &DeclarationInput, filer: Option<FilerCode>) -> Checked {
    checked_with(input, filer, Known::new())
}

fn checked_with(input: &DeclarationInput, filer: Option<FilerCode>, known: Known) -> Checked {
    let report = check(
        input,
        &CheckOptions {
            filer,
            known: known.clone(),
        },
    );
    let plan = plan_fix_known(input, filer, &known);
    Checked {
        report,
        plan,
        known,
    }
}

/// The declaration uploaded with these very bytes that still holds entries, if any. Once its
/// claim rejected them, the same entries may be declared again, and a refile of them can hold
/// the same bytes, so only a declaration still holding entries counts.
fn uploaded_with_bytes(ledger: &Ledger, sha: &str) -> Result<Option<Declaration>, LedgerError> {
    Ok(ledger.declarations()?.into_iter().find(|d| {
        d.sha256 == sha
            && d.holding > 0
            && matches!(d.state, DeclState::Uploaded | DeclState::Answered)
    }))
}

/// F024 on the whole file: it is declaration `d`, uploaded already.
fn same_bytes_finding(d: &Declaration, input: &DeclarationInput, report: &mut CheckReport) {
    let when = d
        .uploaded_at
        .map(|t| format!(" on {}", capekit_core::words::shown_time(t)))
        .unwrap_or_default();
    report.diagnostics.insert(
        0,
        capekit_core::check::STILL_PENDING.diag(format!(
                "this file holds the same bytes as declaration #{} {}, uploaded{when} ({}): do not upload it again - its entries are with CBP; `capekit ledger declarations` shows where it stands",
                d.id,
                capekit_ledger::shown_name(&d.name),
                d.state
            ),
        )
        .in_file(input.file_name.clone()),
    );
    report.uploadable = false;
}
