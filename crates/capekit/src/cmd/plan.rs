//! `capekit plan`: decide each entry's path and its deadlines from ES-003 exports or entry lists,
//! and write the CAPE declarations, the worklist and the report.
//!
//! A thin face over `capekit_io::entries` (reading), the plan job `capekit_app::plan` (asking the
//! ledger, deciding, recording; the workbench runs the same) and `capekit_io::plan_out`
//! (writing). It exits 0
//! whenever the plan ran, urgent entries or not: what to act on is in the worklist, and a
//! scheduler that runs the plan daily must not take urgent entries for a failure.
//!
//! With the ledger (the default), the plan asks it first which entries were accepted on an
//! earlier claim or are still pending, and keeps those off the declarations; then it records the
//! entry data it read, one transaction for the run. The declarations it writes are not recorded:
//! the user may never upload them, and the same input must give the same files (DESIGN.md).

use super::files::{file_date, hash};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use capekit_core::known::Known;
use capekit_core::path::PathContext;
use capekit_io::entries::read_entry_data;
use capekit_io::output::OutputSet;
use capekit_io::plan_out::{PlanOptions, add_plan_outputs, plan_json, plan_text};
use capekit_io::render::escape_controls;
use capekit_ledger::ImportOutcome;
use jiff::civil::Date;

use crate::cli::Format;
use crate::exit;

/// Arguments of a plan.
#[derive(Debug)]
pub struct PlanArgs {
    pub files: Vec<PathBuf>,
    pub as_of: Option<Date>,
    pub filer: Option<String>,
    pub out: PathBuf,
    pub format: Format,
    pub phase3_importers: Option<String>,
    pub one_declaration: bool,
}

pub fn run(args: PlanArgs, ledger: &super::ledger::LedgerOpt) -> anyhow::Result<u8> {
    let filer = super::filer_code(args.filer)?;
    let as_of = args.as_of.unwrap_or_else(super::files::today);
    let given = phase3_importers(args.phase3_importers.as_deref())?;
    let timed = capekit_io::timings::phase("plan read entry files");
    let mut sets = Vec::with_capacity(args.files.len());
    for f in &args.files {
        // A file of another kind (a Claim Details, a refund report) is refused by what it is.
        refuse_other_kinds(f)?;
        // A file that cannot be read (missing, no entry column) stops the plan: a plan of the
        // other files alone would look complete and be wrong. The reader's errors name the file.
        sets.push(read_entry_data(f)?);
    }
    drop(timed);
    for w in unmatched_phase3_importers(given.as_deref().unwrap_or(&[]), &sets) {
        eprintln!("capekit: warning: {w}");
    }
    let timed = capekit_io::timings::phase("plan ledger asked");
    let mut options = PlanOptions {
        as_of,
        filer,
        context: PathContext::default(),
        one_declaration: args.one_declaration,
        file_dates: file_dates(&args.files),
    };
    // The duplicate guard and what the ledger remembers (nothing with --no-ledger or before any
    // ledger exists): the entries accepted or pending, the acts on the other paths, and the
    // importers that sued (used when --phase3-importers is not given; recorded when it is).
    let known = match ledger.open_existing()? {
        Some(l) => capekit_app::plan::ask(&l, &sets, given.as_deref(), &mut options)
            .context("reading what the ledger knows of these entries")?,
        None => {
            capekit_app::plan::add_phase3_importers(&mut options, given.as_deref().unwrap_or(&[]));
            Known::new()
        }
    };
    drop(timed);
    let timed = capekit_io::timings::phase("plan decided");
    let recording = ledger.path()?.is_some();
    let capekit_app::plan::Planned { plan, mut facts } =
        capekit_app::plan::decide(sets, &options, &known, recording);
    // Every output is checked before anything is recorded; the records are one transaction,
    // committed once the outputs are written: a refused output or a failed write leaves the
    // ledger as it was, and a ledger that cannot be written stops the run with nothing written.
    let mut inputs = args.files.clone();
    if let Some(p) = args.phase3_importers.as_deref().map(Path::new)
        && p.is_file()
    {
        inputs.push(p.to_path_buf());
    }
    let mut set = OutputSet::new();
    ledger.protect(&mut set)?;
    set.own_folder(&args.out, "capekit plan");
    drop(timed);
    let timed = capekit_io::timings::phase("plan outputs built");
    let files = add_plan_outputs(&mut set, &args.out, &plan, true)?;
    drop(timed);
    let timed = capekit_io::timings::phase("plan ledger recorded");
    set.check(&inputs).context("writing the plan outputs")?;
    let mut records = match ledger.open()? {
        Some(mut l) => {
            l.begin_run().context(
                "recording the entry data in the ledger (run with --no-ledger to plan without it)",
            )?;
            let metas = args
                .files
                .iter()
                .map(|p| hash(p, None))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let reports = facts.reports(metas);
            let outcomes = capekit_app::plan::record(&mut l, &reports, given.as_deref()).context(
                "recording the entry data in the ledger (run with --no-ledger to plan without it)",
            )?;
            let names = reports.into_iter().map(|(meta, _)| meta.name);
            Some((l, names.zip(outcomes).collect::<Vec<_>>()))
        }
        None => None,
    };
    drop(timed);
    let timed = capekit_io::timings::phase("plan outputs written");
    let done = set
        .commit_all(&inputs)
        .context("writing the plan outputs")?;
    drop(timed);
    // The folder holds this run only: a refile draft written there before is superseded, so
    // that no entry stays reserved on a file that is gone.
    let mut superseded = Vec::new();
    let mut recorded = None;
    if let Some((l, outcomes)) = &mut records {
        let folder = capekit_io::output::resolve(&args.out)?;
        superseded = l
            .record_drafts(&folder.display().to_string(), &[])?
            .superseded;
        l.commit_run()
            .context("recording the entry data in the ledger")?;
        recorded = Some((super::ledger::shown(l), std::mem::take(outcomes)));
    }
    let removed: Vec<String> = done
        .removed
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let kept: Vec<String> = done.kept.iter().map(|p| p.display().to_string()).collect();
    err!(
        "{}",
        escape_controls(&super::files::superseded_lines(
            &superseded,
            &removed,
            &kept
        ))
    );
    match args.format {
        Format::Text => out!("{}", plan_text(&plan, &files)),
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&plan_json(&plan, &files))?
        ),
    }
    if let Some((shown, outcomes)) = recorded {
        // Standard error: standard output is the plan (and may be JSON).
        errln!(
            "capekit: ledger {}: {}",
            escape_controls(&shown),
            escape_controls(&ledger_line(&outcomes, !plan.declarations.is_empty()))
        );
    }
    Ok(exit::OK)
}

/// Refuses a file that is not entry data by its first bytes
/// ([`capekit_app::plan::refuse_other_than_entry_data`]). A workbook is left to the reader: it
/// would be parsed twice, and one of another kind plans every entry as review, never declared.
fn refuse_other_kinds(path: &Path) -> anyhow::Result<()> {
    use std::io::Read as _;
    const HEAD: u64 = 64 * 1024;
    let Ok(file) = std::fs::File::open(path) else {
        // The reader says why it cannot be opened.
        return Ok(());
    };
    let mut head = Vec::new();
    file.take(HEAD).read_to_end(&mut head)?;
    if head.starts_with(b"PK") {
        return Ok(());
    }
    if head.len() as u64 == HEAD
        && let Some(end) = head.iter().rposition(|&b| b == b'\n')
    {
        head.truncate(end + 1);
    }
    capekit_app::plan::refuse_other_than_entry_data(&path.display().to_string(), &head)
        .map_err(anyhow::Error::msg)
}

/// What the ledger recorded, in one line.
fn ledger_line(outcomes: &[(String, ImportOutcome)], declared: bool) -> String {
    let mut parts: Vec<String> = outcomes
        .iter()
        .map(|(name, o)| match o {
            ImportOutcome::Imported { entries, .. } => format!(
                "{name}: entry data of {} recorded",
                super::ledger::plural(*entries, "entry", "entries")
            ),
            ImportOutcome::AlreadyImported { imported_at, .. } => format!(
                "{name}: already recorded on {}, nothing changed",
                capekit_core::words::shown_time(imported_at)
            ),
        })
        .collect();
    if declared {
        // Plan's declarations are not pending until the user says they were uploaded.
        parts.push(
            "the declarations written are not recorded - once uploaded, record each with `capekit ledger uploaded FILE`".to_owned(),
        );
    }
    parts.join("; ")
}

/// The importers that sued in the CIT, from `--phase3-importers`: a file, or a list given on
/// the command line, of `IMPORTER:yes` (IOR submitted by 2026-07-30) or `IMPORTER:no`, one per
/// line or separated by commas. A file may instead be a table whose header row names the
/// importer's column (`Importer Number`, `IOR Number`, `Importer`) and the answer's (`IOR
/// submitted`, `Submitted`, `Phase 3`), other columns (an importer name) being ignored; without
/// such a header, `IMPORTER,yes` lines work too. A bare importer number is refused: whether its
/// IOR was submitted decides between Phase 3 and the court, and capekit does not guess it.
pub fn phase3_importers(arg: Option<&str>) -> anyhow::Result<Option<Vec<(String, bool)>>> {
    let mut list = Vec::new();
    let Some(arg) = arg else {
        return Ok(None);
    };
    let from_file = Path::new(arg).is_file();
    let text = if from_file {
        std::fs::read_to_string(arg).with_context(|| format!("reading --phase3-importers {arg}"))?
    } else {
        arg.replace(',', "\n")
    };
    if from_file && let Some(table) = phase3_table(arg, &text)? {
        return Ok(Some(table));
    }
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty()
            || (from_file && n == 0 && line.to_ascii_lowercase().contains("importer"))
        {
            continue;
        }
        let (importer, answer) = line
            .rsplit_once([':', ',', '\t', ';'])
            .map(|(i, a)| (i.trim(), a.trim().to_ascii_lowercase()))
            .with_context(|| format!("--phase3-importers: `{line}` needs `:yes` or `:no` after the importer number (was its IOR submitted by {})", capekit_core::path::PHASE3_IOR_CUTOFF))?;
        list.push(phase3_row(importer, &answer, line)?);
    }
    Ok(Some(list))
}

/// One importer and its answer, as [`phase3_importers`] reads them (`line` names the row).
fn phase3_row(importer: &str, answer: &str, line: &str) -> anyhow::Result<(String, bool)> {
    let submitted = match answer.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "submitted" => true,
        "no" | "n" | "false" | "not-submitted" => false,
        other => anyhow::bail!(
            "--phase3-importers: `{other}` after `{importer}` is neither yes nor no (was its IOR submitted by {})",
            capekit_core::path::PHASE3_IOR_CUTOFF
        ),
    };
    if importer.trim().is_empty() {
        anyhow::bail!("--phase3-importers: `{line}` has no importer number");
    }
    Ok((importer.trim().to_owned(), submitted))
}

/// A `--phase3-importers` file read as a table, when its first row is a header naming the
/// importer's column and the answer's; `None` when it has no such header (then it is read line
/// by line). A header naming the importer but no answer column is refused, naming its columns.
fn phase3_table(file: &str, text: &str) -> anyhow::Result<Option<Vec<(String, bool)>>> {
    let first = text.lines().next().unwrap_or("");
    let delimiter = [b'\t', b';', b',']
        .into_iter()
        .find(|d| first.as_bytes().contains(d))
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .with_context(|| format!("reading --phase3-importers {file}"))?
        .clone();
    let names: Vec<String> = headers.iter().map(capekit_core::path::squash).collect();
    let answer = names.iter().position(|h| {
        h.contains("submitted") || h.contains("phase3") || h == "answer" || h == "yesno"
    });
    let importer = names.iter().enumerate().position(|(i, h)| {
        Some(i) != answer
            && !h.contains("name")
            && (h.contains("importer") || h.starts_with("ior") || h.contains("iornumber"))
    });
    let Some(importer) = importer else {
        return Ok(None);
    };
    let Some(answer) = answer else {
        anyhow::bail!(
            "--phase3-importers {file}: the header row ({}) names the importer's column but none for the answer: add a column `IOR submitted` with yes or no (was its IOR submitted by {})",
            headers.iter().collect::<Vec<_>>().join(", "),
            capekit_core::path::PHASE3_IOR_CUTOFF
        );
    };
    let mut list = Vec::new();
    for row in reader.records() {
        let row = row.with_context(|| format!("reading --phase3-importers {file}"))?;
        if row.iter().all(str::is_empty) {
            continue;
        }
        let line = row.iter().collect::<Vec<_>>().join(",");
        list.push(phase3_row(
            row.get(importer).unwrap_or(""),
            row.get(answer).unwrap_or(""),
            &line,
        )?);
    }
    Ok(Some(list))
}

/// A warning for every importer of `--phase3-importers` that no entry of the entry data has:
/// a mistyped number would otherwise leave its entries off Phase 3 without a word.
fn unmatched_phase3_importers(
    given: &[(String, bool)],
    sets: &[capekit_core::path::EntryDataSet],
) -> Vec<String> {
    if given.is_empty() {
        return Vec::new();
    }
    // Importers compared as the path engine compares them (case, spaces and punctuation aside).
    let present: std::collections::HashSet<String> = sets
        .iter()
        .flat_map(|s| &s.entries)
        .filter_map(|e| e.importer_number.as_deref())
        .map(capekit_core::path::squash)
        .collect();
    given
        .iter()
        .filter(|(importer, _)| !present.contains(&capekit_core::path::squash(importer)))
        .map(|(importer, _)| {
            format!(
                "--phase3-importers: no entry of importer {importer} in the entry data: check the number"
            )
        })
        .collect()
}

/// Each file's modification date on CBP's clock, by the name the readers give it: how old the
/// entry data is (an ES-003 export does not carry its run date in its rows).
fn file_dates(paths: &[PathBuf]) -> HashMap<String, jiff::civil::Date> {
    paths
        .iter()
        .filter_map(|p| Some((p.display().to_string(), file_date(p)?)))
        .collect()
}
