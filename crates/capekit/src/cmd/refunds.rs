//! `capekit refunds`: after acceptance, where the money is. Reads ACE's refund reports (given,
//! and those the ledger keeps), reconciles each importer's accepted entries with them, and
//! writes `refunds-DATE.xlsx` and one page per importer.
//!
//! A thin face: `capekit_io::refunds` reads, the ledger records and supplies the accepted
//! entries, their kept entry data and every refund event, `capekit_core::refunds::reconcile`
//! judges, `capekit_io::refunds_out` prints. Like `plan`, it exits 0 whenever it ran, findings or
//! not (they are in its outputs): a daily run must not fail on a refund that is held.

use std::collections::HashSet;
use std::path::PathBuf;

use anyhow::{Context, bail};
use capekit_core::diag::Diagnostic;
use capekit_core::interest::RATES;
use capekit_core::refunds::{Readiness, ReconcileInput, RefundEvent, reconcile};
use capekit_io::output::OutputSet;
use capekit_io::refunds::{MAX_REFUND_FILE_BYTES, RefundFile, parse_refund_file};
use capekit_io::refunds_out::{add_refund_outputs, refunds_text};
use capekit_io::render::escape_controls;
use capekit_io::timings::phase;
use capekit_ledger::{
    FileKind, FileMeta, ImportOutcome, ReadinessFact, ReadinessKind, RefundImport,
};
use jiff::civil::Date;
use serde::Serialize;

use crate::cli::Format;
use crate::exit;

/// Arguments of `capekit refunds`.
#[derive(Debug)]
pub struct RefundsArgs {
    pub files: Vec<PathBuf>,
    pub as_of: Option<Date>,
    pub importer: Option<String>,
    pub out: PathBuf,
    pub format: Format,
    pub corporate: Vec<String>,
    pub not_corporate: Vec<String>,
    pub ach_enrolled: Vec<String>,
    pub not_ach_enrolled: Vec<String>,
    pub active_on: Vec<(String, Date)>,
}

#[derive(Serialize)]
struct Json<'a> {
    #[serde(flatten)]
    reconciliation: &'a capekit_core::refunds::Reconciliation,
    diagnostics: &'a [Diagnostic],
    files: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ledger: Option<String>,
}

pub fn run(args: &RefundsArgs, ledger: &super::ledger::LedgerOpt) -> anyhow::Result<u8> {
    let as_of = args.as_of.unwrap_or_else(super::triage::today);
    if let Some(both) = args
        .corporate
        .iter()
        .find(|i| args.not_corporate.contains(i))
    {
        bail!("--corporate and --not-corporate both name {both}: say one");
    }
    if let Some(both) = args
        .ach_enrolled
        .iter()
        .find(|i| args.not_ach_enrolled.contains(i))
    {
        bail!("--ach-enrolled and --not-ach-enrolled both name {both}: say one");
    }
    if let Some((who, day)) = args.active_on.iter().find(|(_, d)| *d > as_of) {
        bail!(
            "--active-on {who}={day}: the day is after {as_of}, the day judged on - give the day of the importer's latest entry in ACE"
        );
    }
    // Every file is read before anything is recorded: one that is not a refund report stops the
    // run, as `ledger import` refuses a file it cannot tell.
    let timed = phase("refunds read");
    let mut read: Vec<(FileMeta, RefundFile)> = Vec::with_capacity(args.files.len());
    if args.out.exists() && !args.out.is_dir() {
        bail!(
            "--out {}: a file of that name exists; --out names a folder, into which capekit writes the refunds workbook and a page per importer - give another name",
            args.out.display()
        );
    }
    for path in &args.files {
        let bytes = capekit_io::read_file(path, MAX_REFUND_FILE_BYTES)?;
        let name = path.display().to_string();
        if bytes.iter().all(u8::is_ascii_whitespace) {
            bail!(
                "{name}: the file is empty - run the report again in ACE Reports (ES-022, REV-603, REV-613 or REV-615) and download it again"
            );
        }
        match parse_refund_file(&name, &bytes)? {
            Some(f) => read.push((FileMeta::of_bytes(&name, FileKind::RefundReport, &bytes), f)),
            None => bail!(
                "{name}: not an ACE refund report (ES-022, REV-603, REV-613, REV-615): none of its first rows has a refund number, principal, interest or refund status column - claim files and ES-003 exports go to `capekit ledger import`"
            ),
        }
    }
    let mut diagnostics: Vec<Diagnostic> = read
        .iter_mut()
        .flat_map(|(_, f)| std::mem::take(&mut f.diagnostics))
        .collect();
    drop(timed);
    let answers: Vec<(String, bool)> = args
        .corporate
        .iter()
        .map(|i| (i.clone(), true))
        .chain(args.not_corporate.iter().map(|i| (i.clone(), false)))
        .collect();

    let said: Vec<ReadinessFact> = args
        .ach_enrolled
        .iter()
        .map(|i| (i, ReadinessKind::AchEnrolled(true), as_of))
        .chain(
            args.not_ach_enrolled
                .iter()
                .map(|i| (i, ReadinessKind::AchEnrolled(false), as_of)),
        )
        .chain(
            args.active_on
                .iter()
                .map(|(i, d)| (i, ReadinessKind::ActiveOn, *d)),
        )
        .map(|(importer, fact, on)| ReadinessFact {
            importer: importer.clone(),
            fact,
            on,
        })
        .collect();

    let mut input = ReconcileInput {
        as_of,
        accepted: Vec::new(),
        facts: Default::default(),
        events: Vec::new(),
        corporate: HashSet::new(),
        readiness: readiness_of(&said),
        importer: args.importer.clone(),
        rejected: Default::default(),
        rates: RATES,
    };
    let mut shown = None;
    let mut recorded = Vec::new();
    // Nothing to record: a ledger not made yet is not made just to say it knows nothing.
    let opened = if read.is_empty() && answers.is_empty() && said.is_empty() {
        ledger.open_existing()?
    } else {
        ledger.open()?
    };
    match opened {
        Some(mut l) => {
            if !answers.is_empty() {
                l.record_corporate(&answers)
                    .context("recording which importers are corporations")?;
            }
            if !said.is_empty() {
                l.record_readiness(&said)
                    .context("recording the importers' ACH enrollment and activity")?;
            }
            let imports: Vec<RefundImport<'_>> = read
                .iter()
                .map(|(meta, f)| RefundImport {
                    meta,
                    report: f.report,
                    events: &f.events,
                })
                .collect();
            let timed = phase("refunds record");
            let outcomes = l.record_refund_reports(&imports).context(
                "recording the refund reports in the ledger (run with --no-ledger to read them without it)",
            )?;
            drop(timed);
            // The reports just recorded are taken as read; the others come from the ledger.
            let fresh: Vec<(capekit_ledger::FileId, Vec<RefundEvent>)> = outcomes
                .iter()
                .zip(read.iter_mut())
                .filter_map(|(o, (_, f))| match o {
                    ImportOutcome::Imported { file_id, .. } => {
                        Some((*file_id, std::mem::take(&mut f.events)))
                    }
                    ImportOutcome::AlreadyImported { .. } => None,
                })
                .collect();
            recorded = read
                .iter()
                .map(|(m, _)| m.name.clone())
                .zip(outcomes)
                .collect();
            let timed = phase("refunds gather");
            let data = l.refund_data(fresh)?;
            drop(timed);
            for (e, why) in data.unreadable {
                diagnostics.push(capekit_core::refunds::rules::OWED_UNKNOWN.diag(format!(
                    "{}: its kept entry data cannot be used ({why}): what is owed is unknown",
                    e.as_str()
                )));
            }
            input.accepted = data.accepted;
            input.events = data.events;
            input.facts = data.facts;
            input.corporate = data.corporate;
            input.readiness = data.readiness;
            input.rejected = data.rejected;
            shown = Some(super::ledger::shown(&l));
        }
        None => {
            // Without the ledger: the files given alone, in the order given; nothing is known
            // accepted, so every entry is reported as not recorded as accepted.
            for (i, (_, f)) in read.iter().enumerate() {
                let seq = i64::try_from(i).unwrap_or(i64::MAX);
                input.events.extend(f.events.iter().map(|e| RefundEvent {
                    file_seq: seq,
                    ..e.clone()
                }));
            }
            input.corporate = args.corporate.iter().cloned().collect();
        }
    }
    if let Some(asked) = &args.importer {
        input.importer = Some(known_importer(asked, &input)?);
    }
    // An answer about an importer no file names yet is kept, and applies once one does: say so,
    // as a mistyped number would otherwise be kept without a word.
    let named = args
        .corporate
        .iter()
        .chain(&args.not_corporate)
        .chain(&args.ach_enrolled)
        .chain(&args.not_ach_enrolled)
        .chain(args.active_on.iter().map(|(i, _)| i));
    for who in named {
        if known_importer(who, &input).is_err() {
            errln!(
                "capekit: warning: {}: no entry data or refund report names this importer yet; the answer is kept and applies once one does - check the number",
                escape_controls(who)
            );
        }
    }
    let timed = phase("refunds reconcile");
    let rec = reconcile(&input);
    drop(timed);

    let mut set = OutputSet::new();
    ledger.protect(&mut set)?;
    set.own_folder(&args.out, "capekit refunds");
    let timed = phase("refunds build outputs");
    let outputs = add_refund_outputs(&mut set, &args.out, &rec, &diagnostics)?;
    drop(timed);
    let timed = phase("refunds write outputs");
    set.commit_all(&args.files)
        .context("writing the refund outputs")?;
    drop(timed);
    let timed = phase("refunds report");
    match args.format {
        Format::Text => out!(
            "{}",
            escape_controls(&refunds_text(&rec, Some(&outputs), &diagnostics))
        ),
        Format::Json => {
            let mut files = vec![outputs.workbook.display().to_string()];
            files.extend(outputs.pages.iter().map(|(_, p)| p.display().to_string()));
            outln!(
                "{}",
                serde_json::to_string_pretty(&Json {
                    reconciliation: &rec,
                    diagnostics: &diagnostics,
                    files,
                    ledger: shown.clone(),
                })
                .context("serialising the output")?
            );
        }
    }
    drop(timed);
    if let Some(shown) = shown {
        let parts: Vec<String> = recorded
            .iter()
            .map(|(name, o)| match o {
                ImportOutcome::Imported { entries, .. } => format!(
                    "{name}: {} recorded",
                    super::ledger::plural(*entries, "refund row", "refund rows")
                ),
                ImportOutcome::AlreadyImported { imported_at, .. } => format!(
                    "{name}: already recorded on {}, nothing changed",
                    capekit_core::words::shown_time(imported_at)
                ),
            })
            .collect();
        eprintln!(
            "capekit: ledger {}{}",
            escape_controls(&shown),
            if parts.is_empty() {
                String::new()
            } else {
                format!(": {}", escape_controls(&parts.join("; ")))
            }
        );
    }
    Ok(exit::OK)
}

/// The readiness the user gave on this run, for a run without the ledger (with it, the ledger's
/// answers, these included, are used).
fn readiness_of(said: &[ReadinessFact]) -> std::collections::HashMap<String, Readiness> {
    let mut out: std::collections::HashMap<String, Readiness> = std::collections::HashMap::new();
    for f in said {
        let r = out.entry(f.importer.clone()).or_default();
        match f.fact {
            ReadinessKind::AchEnrolled(yes) => r.ach = Some((yes, f.on)),
            ReadinessKind::ActiveOn => r.active_on = r.active_on.max(Some(f.on)),
        }
    }
    out
}

/// The importer `--importer` names, as the ledger and the reports write it: case, dashes and
/// spaces aside (`12-3456789AB`, `123456789ab`). One no entry data or report names is refused
/// (exit 2), with the importers known.
fn known_importer(asked: &str, input: &ReconcileInput<'_>) -> anyhow::Result<String> {
    let want = capekit_core::refunds::squash(asked);
    let mut known: Vec<&str> = input
        .facts
        .values()
        .filter_map(|f| f.importer.as_deref())
        .chain(input.events.iter().filter_map(|e| e.importer.as_deref()))
        .collect();
    known.sort_unstable();
    known.dedup();
    if let Some(found) = known
        .iter()
        .find(|k| capekit_core::refunds::squash(k) == want)
    {
        return Ok((*found).to_owned());
    }
    let listed = if known.is_empty() {
        "none (import Claim Details, ES-003 exports and refund reports first)".to_owned()
    } else {
        let mut l = known
            .iter()
            .take(20)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        if known.len() > 20 {
            l.push_str(&format!(" and {} more", known.len() - 20));
        }
        l
    };
    bail!(
        "--importer {asked}: no such importer in the ledger or the reports given; known: {listed}"
    )
}
