//! `ledger import`: files recorded in the ledger as they are, each recognised by its content.
//!
//! The steps, in this order:
//! 1. [`read_file`] each file: recognised ([`detect`]), with its identity (kind, SHA-256, the
//!    date of its data); one file refused refuses the whole import, so every file is read before
//!    anything is recorded;
//! 2. [`gather`] them by kind (and refuse a declaration named with no claim file to answer it);
//! 3. [`record`] them: declarations first (claim files answer them), then the claim files with
//!    every row, judged as `triage` judges them (by the entry data of the same import, then by
//!    what the ledger keeps), then entry data, then refund reports ([`record_refunds`], which the
//!    workbench's drop zone calls too).

use capekit_core::EntryNumber;
use capekit_core::diag::Diagnostic;
use capekit_core::refunds::RefundReport;
use capekit_core::triage::{TriageInput, triage};
use capekit_io::claims::ClaimFile;
use capekit_io::entries::EntryDataSet;
use capekit_io::recognize::{Recognized, recognize};
use capekit_io::refunds::{RefundFile, RefundFileError};
use capekit_ledger::{
    ClaimPlacement, DeclarationId, EntryFacts, FailedUpload, FileKind, FileMeta, ImportOutcome,
    Ledger, LedgerError, RefundImport,
};
use jiff::civil::Date;
use serde::Serialize;

/// What `--declaration` without a claim file is told.
pub const DECLARATION_WITHOUT_CLAIMS: &str = "--declaration names the declaration that claim files answer: give its Claim Details or Validation Result File too";

/// Why a file was not imported (and so nothing was).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read as a table, or is a refund report that cannot be used.
    #[error(transparent)]
    Read(#[from] RefundFileError),
    /// The file is not one capekit records, or the files given do not go together: why, and
    /// what to do.
    #[error("{0}")]
    Refused(String),
}

/// A file recognised by its content.
#[derive(Debug)]
pub enum Detected {
    /// A Claim Details or Validation Result File.
    Claim(ClaimFile),
    /// A declaration upload: its entries (read leniently), and its rows that could not be read.
    Declaration(Vec<EntryNumber>, Vec<Diagnostic>),
    /// Entry data (an ES-003 export).
    EntryData(EntryDataSet),
    /// An ACE refund report.
    Refunds(RefundFile),
}

impl Detected {
    /// What the ledger records the file as.
    pub fn kind(&self) -> FileKind {
        match self {
            Self::Claim(f) => f.kind.into(),
            Self::Declaration(..) => FileKind::Declaration,
            Self::EntryData(_) => FileKind::EntryData,
            Self::Refunds(_) => FileKind::RefundReport,
        }
    }
}

/// What kind of file `bytes` hold, by [`capekit_io::recognize::recognize`]: a claim file, an
/// ACE refund report, entry data, or a declaration (its entries read leniently, unreadable rows
/// named); anything else, a list of entry numbers under another header included, is refused.
pub fn detect(name: &str, bytes: &[u8]) -> Result<Detected, ImportError> {
    Ok(match recognize(name, bytes)? {
        Recognized::Refunds(f) => Detected::Refunds(f),
        Recognized::Claim(f) => Detected::Claim(f),
        Recognized::EntryData(set) => Detected::EntryData(set),
        Recognized::Declaration(input) => {
            let plan = capekit_core::fix::plan_fix(&input, None);
            if plan.entries.is_empty() {
                return Err(ImportError::Refused(format!(
                    "{name}: this looks like a declaration upload, but no entry number on it can be read, so nothing was imported: run `capekit check {name}` to see why"
                )));
            }
            let diags = plan
                .unrepairable
                .iter()
                .map(|u| {
                    capekit_core::reading::UNREADABLE_ENTRY_NUMBER
                        .diag(format!(
                            "line {}: {}; not recorded as declared",
                            u.line, u.reason
                        ))
                        .at_line(u.line)
                        .with_value(u.raw.clone())
                        .in_file(name)
                })
                .collect();
            Detected::Declaration(plan.entries, diags)
        }
        Recognized::EntryList(_) => {
            return Err(ImportError::Refused(format!(
                "{name}: this is a list of entry numbers under a header other than `Entry Number`, with no ES-003 column beside them, so nothing was imported: a declaration upload has the header `Entry Number` (run `capekit fix {name}` to make one), and entry data has ES-003 columns (Importer Number, Entry Date, Liquidation Date...)"
            )));
        }
        Recognized::Unknown(u) => {
            return Err(ImportError::Refused(format!(
                "{name}: {}, so nothing was imported",
                u.explain()
            )));
        }
    })
}

/// One file read for an import: its identity, what it is, and its bytes when the ledger keeps
/// them (a declaration's).
#[derive(Debug)]
pub struct ReadFile {
    /// Its identity, dated for entry data.
    pub meta: FileMeta,
    /// What it was recognised as.
    pub detected: Detected,
    /// The bytes of a declaration (the ledger holds them); none for other files.
    pub bytes: Option<Vec<u8>>,
}

/// Reads the file `name` of `bytes` for an import ([`detect`]). Entry data is dated by the run
/// date its title row states, else by `file_date` (its rows carry no export date: the data is
/// as old as the file).
pub fn read_file(
    name: &str,
    bytes: Vec<u8>,
    file_date: impl FnOnce() -> Option<Date>,
) -> Result<ReadFile, ImportError> {
    let detected = detect(name, &bytes)?;
    let dated = match &detected {
        Detected::EntryData(set) => set.run_date.or_else(file_date),
        _ => None,
    };
    let meta = FileMeta::of_bytes(name, detected.kind(), &bytes).dated(dated);
    let bytes = matches!(detected, Detected::Declaration(..)).then_some(bytes);
    Ok(ReadFile {
        meta,
        detected,
        bytes,
    })
}

/// The files of an import, by kind, in the order given, with what reading them found.
#[derive(Debug, Default)]
pub struct Read {
    /// Declaration uploads: identity, entries, bytes.
    pub declarations: Vec<(FileMeta, Vec<EntryNumber>, Vec<u8>)>,
    /// Claim files.
    pub claims: Vec<(FileMeta, ClaimFile)>,
    /// Entry data files.
    pub entry_files: Vec<(FileMeta, EntryDataSet)>,
    /// ACE refund reports.
    pub refund_files: Vec<(FileMeta, RefundFile)>,
    /// What reading them found (rows that could not be read, ...).
    pub diagnostics: Vec<Diagnostic>,
}

/// The files read, by kind. `named` is whether a declaration was named for the claim files to
/// answer: refused without a claim file ([`DECLARATION_WITHOUT_CLAIMS`]).
pub fn gather(files: Vec<ReadFile>, named: bool) -> Result<Read, ImportError> {
    let mut read = Read::default();
    for f in files {
        let meta = f.meta;
        match f.detected {
            Detected::Claim(c) => read.claims.push((meta, c)),
            Detected::Declaration(entries, diags) => {
                read.diagnostics.extend(diags);
                read.declarations
                    .push((meta, entries, f.bytes.unwrap_or_default()));
            }
            Detected::EntryData(mut set) => {
                read.diagnostics.append(&mut set.diagnostics);
                read.entry_files.push((meta, set));
            }
            Detected::Refunds(mut r) => {
                read.diagnostics.append(&mut r.diagnostics);
                read.refund_files.push((meta, r));
            }
        }
    }
    if named && read.claims.is_empty() {
        return Err(ImportError::Refused(DECLARATION_WITHOUT_CLAIMS.to_owned()));
    }
    Ok(read)
}

/// The declaration the claim files of an import answer, named by the user.
#[derive(Debug, Clone)]
pub enum Named {
    /// One the ledger records.
    Recorded(DeclarationId),
    /// A declaration file the ledger does not record yet: recorded as uploaded, since CBP
    /// answered it.
    File(FileMeta, Vec<EntryNumber>),
}

/// One file the ledger was given, and what it did with it.
#[derive(Debug, Clone, Serialize)]
pub struct ImportLine {
    /// The file's name.
    pub file: String,
    /// What it was recorded as.
    pub kind: FileKind,
    /// Which refund report, for a refund report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<RefundReport>,
    /// Recorded now, or before.
    #[serde(flatten)]
    pub outcome: ImportOutcome,
}

/// What an import recorded.
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    /// Claim files were triaged, and entry data decided, as of this day.
    pub as_of: Date,
    /// Each file, in the order recorded: declarations, claim files, entry data, refund reports.
    pub files: Vec<ImportLine>,
    /// What reading the files found.
    pub diagnostics: Vec<Diagnostic>,
    /// What the ledger did with claims and failed uploads that the user must know, or act on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub advice: Vec<String>,
}

/// Records the files of `read` in `ledger`, as of `as_of`. `named` says which declaration the
/// claim files answer, asked once the import's own declarations are recorded (it may be one of
/// them); `Ok(None)` when none was named.
pub fn record<E: From<LedgerError>>(
    ledger: &mut Ledger,
    read: Read,
    as_of: Date,
    named: impl FnOnce(&Ledger) -> Result<Option<Named>, E>,
) -> Result<Imported, E> {
    let Read {
        declarations,
        claims,
        entry_files,
        refund_files,
        mut diagnostics,
    } = read;
    let mut lines = Vec::new();
    let mut advice: Vec<String> = Vec::new();
    // Declarations first: claim files answer them, so their outcomes must be recorded after.
    for (meta, entries, bytes) in &declarations {
        let outcome = ledger.import_draft(meta, bytes, entries)?;
        lines.push(ImportLine {
            file: meta.name.clone(),
            kind: meta.kind,
            report: None,
            outcome,
        });
    }
    if !claims.is_empty() {
        let mut input = TriageInput::default();
        let mut metas = Vec::new();
        for (meta, f) in claims {
            diagnostics.extend(f.add_to(&mut input));
            metas.push(meta);
        }
        let timed = capekit_io::timings::phase("ledger import triage");
        // Judged as `capekit triage` judges them: by the entry data given in this import (the
        // first file that lists an entry wins), then by what the ledger keeps of the others, so
        // that a rejection is recorded with the action its entry's dates call for.
        for (_, set) in &entry_files {
            for e in &set.entries {
                input
                    .entry_data
                    .entry(e.entry_number)
                    .or_insert_with(|| e.clone());
            }
        }
        let mut report = triage(&input, as_of);
        crate::triage::add_entry_data(ledger, &mut input, &mut report)?;
        drop(input);
        drop(timed);
        let named = named(ledger)?;
        let timed = capekit_io::timings::phase("ledger import record");
        let done = match named {
            None => ledger.import_triage(None, &metas, &report)?,
            Some(Named::Recorded(id)) => ledger.import_triage_answering(id, &metas, &report)?,
            Some(Named::File(meta, entries)) => {
                let done = ledger.import_triage(Some((&meta, &entries)), &metas, &report)?;
                if let Some(outcome) = done.declaration.clone() {
                    lines.push(ImportLine {
                        file: meta.name.clone(),
                        kind: meta.kind,
                        report: None,
                        outcome,
                    });
                }
                done
            }
        };
        drop(timed);
        advice.extend(done.placed.iter().map(ClaimPlacement::advice));
        advice.extend(done.failed_uploads.iter().map(FailedUpload::advice));
        for (meta, f) in metas.iter().zip(done.files) {
            lines.push(ImportLine {
                file: f.name,
                kind: meta.kind,
                report: None,
                outcome: f.outcome,
            });
        }
    }
    if !entry_files.is_empty() {
        // Entry data is no event on the ledger's clock (it changes no entry's state), so its
        // place after the claim files is only the order of the report.
        let (metas, sets): (Vec<FileMeta>, Vec<EntryDataSet>) = entry_files.into_iter().unzip();
        let reports: Vec<(FileMeta, Vec<EntryFacts>)> = metas
            .into_iter()
            .zip(crate::plan::entry_facts(
                sets.iter().map(|s| s.entries.as_slice()),
                as_of,
            ))
            .collect();
        let done = ledger.record_entry_reports(&reports)?;
        for ((meta, _), outcome) in reports.into_iter().zip(done) {
            lines.push(ImportLine {
                file: meta.name,
                kind: meta.kind,
                report: None,
                outcome,
            });
        }
    }
    if !refund_files.is_empty() {
        // Refund events are no event on the claims' clock either: their order is their own.
        lines.extend(record_refunds(ledger, &refund_files)?);
    }
    Ok(Imported {
        as_of,
        files: lines,
        diagnostics,
        advice,
    })
}

/// Records ACE refund reports (the same bytes again change nothing): what `ledger import` and
/// the workbench's drop zone do with them.
pub fn record_refunds(
    ledger: &mut Ledger,
    files: &[(FileMeta, RefundFile)],
) -> Result<Vec<ImportLine>, LedgerError> {
    let imports: Vec<RefundImport<'_>> = files
        .iter()
        .map(|(meta, f)| RefundImport {
            meta,
            report: f.report,
            events: &f.events,
        })
        .collect();
    let done = ledger.record_refund_reports(&imports)?;
    Ok(files
        .iter()
        .zip(done)
        .map(|((meta, f), outcome)| ImportLine {
            file: meta.name.clone(),
            kind: meta.kind,
            report: Some(f.report),
            outcome,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECLARATION: &[u8] = b"Entry Number\r\nB7644100003\r\n";

    #[test]
    fn a_declaration_is_kept_with_its_bytes_and_entries() {
        let f = read_file("dir/decl.csv", DECLARATION.to_vec(), || None).expect("read");
        assert_eq!(f.meta.kind, FileKind::Declaration);
        assert_eq!(f.meta.name, "decl.csv");
        assert_eq!(f.bytes.as_deref(), Some(DECLARATION));
        let Detected::Declaration(entries, diags) = &f.detected else {
            panic!("not a declaration: {:?}", f.detected);
        };
        assert_eq!(entries.len(), 1);
        assert!(diags.is_empty());
    }

    #[test]
    fn a_declaration_with_no_readable_entry_is_refused() {
        let err = detect("bad.csv", b"Entry Number\r\nnot-an-entry\r\n").expect_err("refused");
        assert!(
            err.to_string().starts_with(
                "bad.csv: this looks like a declaration upload, but no entry number on it can be read"
            ),
            "{err}"
        );
    }

    #[test]
    fn a_declaration_named_without_claims_is_refused() {
        let f = read_file("decl.csv", DECLARATION.to_vec(), || None).expect("read");
        let err = gather(vec![f], true).expect_err("refused");
        assert_eq!(err.to_string(), DECLARATION_WITHOUT_CLAIMS);
    }

    #[test]
    fn a_declaration_is_recorded_as_a_draft_and_once() {
        let mut l = Ledger::open_in_memory().expect("ledger");
        let as_of: Date = "2026-11-24".parse().expect("date");
        let none = |_: &Ledger| Ok::<_, LedgerError>(None);
        let read = || {
            let f = read_file("decl.csv", DECLARATION.to_vec(), || None).expect("read");
            gather(vec![f], false).expect("gathered")
        };
        let first = record(&mut l, read(), as_of, none).expect("recorded");
        assert_eq!(first.files.len(), 1);
        assert!(!first.files[0].outcome.already());
        let again = record(&mut l, read(), as_of, none).expect("recorded");
        assert!(again.files[0].outcome.already());
    }
}
