//! `capekit ledger import`: the files given, recognised and recorded by
//! [`capekit_app::import`]; printed here.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::bail;
use capekit_app::import::{self, Detected, Imported, Named};
use capekit_io::claims::MAX_CLAIM_FILE_BYTES;
use capekit_ledger::{FileKind, FileMeta, ImportOutcome, Ledger};
use serde::Serialize;

use super::{LedgerOpt, defer_notice, find, notice_after, plural, print_out, shown};
use crate::cli::Format;
use crate::exit;

#[derive(Serialize)]
struct ImportReport<'a> {
    ledger: String,
    #[serde(flatten)]
    imported: &'a Imported,
}

pub(super) fn import(
    files: &[PathBuf],
    named: Option<&str>,
    as_of: Option<jiff::civil::Date>,
    format: Format,
    opt: &LedgerOpt,
) -> anyhow::Result<u8> {
    let as_of = as_of.unwrap_or_else(crate::cmd::files::today);
    defer_notice();
    let timed = capekit_io::timings::phase("ledger import read files");
    // Read, recognised and hashed on every core; the first file refused, in the order given,
    // is the one named. Every file is read and recognised before anything is recorded: one
    // unknown file refuses the whole import.
    let read = capekit_io::claims::parallel_map(files, |path| {
        let bytes = capekit_io::read_file(path, MAX_CLAIM_FILE_BYTES)?;
        let name = path.display().to_string();
        anyhow::Ok(import::read_file(&name, bytes, || {
            crate::cmd::files::file_date(path)
        })?)
    })
    .into_iter()
    .collect::<anyhow::Result<Vec<_>>>()?;
    let read = import::gather(read, named.is_some())?;
    drop(timed);
    let mut ledger = opt.require("`capekit ledger import`")?;
    let command = opt.command();
    let imported = import::record(&mut ledger, read, as_of, |l| {
        named.map(|arg| named_declaration(l, arg)).transpose()
    })?;
    let report = ImportReport {
        ledger: shown(&ledger),
        imported: &imported,
    };
    print_out(opt, format, &report, || {
        let Imported {
            as_of,
            files,
            diagnostics,
            advice,
        } = report.imported;
        let mut out = String::new();
        // A finding repeated on many lines is told once, with its lines and the first few.
        for g in capekit_core::words::group_findings(diagnostics) {
            if g.count() > 1 {
                let _ = writeln!(
                    out,
                    "{}: {} {}",
                    g.all[0].file.as_deref().unwrap_or(""),
                    g.code,
                    g.whereabouts()
                );
            }
            for d in g.shown() {
                let _ = writeln!(
                    out,
                    "{}{}: {}",
                    if g.count() > 1 { "  " } else { "" },
                    d.file.as_deref().unwrap_or(""),
                    d.message
                );
            }
            if let Some(more) = g.more("all in --format json") {
                let _ = writeln!(out, "  {more}");
            }
        }
        for l in files {
            let _ = match &l.outcome {
                ImportOutcome::Imported { entries, .. } => writeln!(
                    out,
                    "{}: {}, {} recorded{}",
                    l.file,
                    l.report
                        .map_or_else(|| l.kind.to_string(), |r| r.to_string()),
                    match l.kind {
                        FileKind::Declaration
                        | FileKind::Refile
                        | FileKind::EntryData
                        | FileKind::CorrectedList => plural(*entries, "entry", "entries"),
                        FileKind::ClaimDetails | FileKind::ValidationResult =>
                            plural(*entries, "claim row", "claim rows"),
                        FileKind::RefundReport => plural(*entries, "refund row", "refund rows"),
                    },
                    if l.kind == FileKind::EntryData {
                        format!(" with their paths and deadlines as of {as_of}")
                    } else {
                        String::new()
                    }
                ),
                ImportOutcome::AlreadyImported { imported_at, .. } => writeln!(
                    out,
                    "{}: already in the ledger since {} - nothing changed",
                    l.file,
                    capekit_core::words::shown_time(imported_at)
                ),
            };
        }
        for a in advice {
            let _ = writeln!(out, "{a}");
        }
        if files
            .iter()
            .any(|l| l.kind == FileKind::Declaration && !l.outcome.already())
        {
            let _ = writeln!(
                out,
                "declarations are recorded as drafts: once uploaded on ACE Portal, run `{} ledger uploaded FILE`",
                command
            );
        }
        let _ = writeln!(out, "ledger {}", report.ledger);
        out
    })?;
    notice_after(opt);
    Ok(exit::OK)
}

/// The declaration `ledger import --declaration` names: one the ledger records, else a
/// declaration file not recorded yet.
fn named_declaration(l: &Ledger, arg: &str) -> anyhow::Result<Named> {
    match find(l, arg) {
        Ok(d) => Ok(Named::Recorded(d.id)),
        Err(not_found) => {
            let p = Path::new(arg);
            if !p.is_file() {
                return Err(not_found.context(format!("--declaration {arg}")));
            }
            let bytes = capekit_io::read_file(p, capekit_io::declaration::MAX_READ_BYTES)?;
            let name = p.display().to_string();
            let Detected::Declaration(entries, _) = import::detect(&name, &bytes)? else {
                bail!("--declaration {name}: not a declaration upload (one `Entry Number` column)")
            };
            Ok(Named::File(
                FileMeta::of_bytes(&name, FileKind::Declaration, &bytes),
                entries,
            ))
        }
    }
}
