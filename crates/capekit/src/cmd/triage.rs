//! `capekit triage` and `capekit demo`.

use super::files::{read_corrected, read_list, refuse_empty_list, today};
use std::path::{Path, PathBuf};

use anyhow::Context;
use capekit_core::diag::Diagnostic;
use capekit_core::triage::{TriageReport, triage};
use capekit_io::claims::{parse_claim_file, read_claim_files, read_entry_list};
use capekit_io::output::OutputSet;
use capekit_io::triage_out::{TriageFiles, add_triage_outputs, triage_output_paths, triage_text};
use jiff::civil::Date;
use serde::Serialize;

use crate::cli::Format;
use crate::exit;

/// Arguments of a triage.
#[derive(Debug)]
pub struct TriageArgs {
    pub files: Vec<PathBuf>,
    pub declaration: Option<PathBuf>,
    pub corrected: Option<PathBuf>,
    /// ES-003 exports or entry lists whose data refines the advice.
    pub entries: Vec<PathBuf>,
    pub as_of: Option<Date>,
    pub out: PathBuf,
    pub format: Format,
}

#[derive(Serialize)]
struct TriageJson<'a> {
    #[serde(flatten)]
    report: &'a TriageReport,
    refile_files: Vec<String>,
    files: &'a TriageFiles,
    diagnostics: &'a [Diagnostic],
}

/// How a triage names itself in the manifest of its output folder.
const TRIAGE: &str = "capekit triage";

pub fn run(args: &TriageArgs, ledger: &super::ledger::LedgerOpt) -> anyhow::Result<u8> {
    // The claims this run records may answer the uploads the ledger would call stale.
    super::ledger::defer_notice();
    let read = capekit_io::timings::phase("triage read claim files");
    let mut claim_files = Vec::with_capacity(args.files.len());
    for f in read_claim_files(&args.files) {
        claim_files.push(f?);
    }
    drop(read);
    let declaration = match &args.declaration {
        Some(p) => {
            let bytes = read_list(
                p,
                "--declaration",
                "a declared entry",
                "the declaration file you uploaded to CAPE (the header `Entry Number`, one entry a row); its claim files are the other arguments",
            )?;
            let declared = declared_from(&capekit_io::declaration::declaration_of(p, &bytes)?);
            refuse_empty_list(
                p,
                "--declaration",
                &declared,
                "the declaration file you uploaded to CAPE",
            )?;
            Some(declared)
        }
        None => None,
    };
    let corrected = match &args.corrected {
        Some(p) => Some(
            read_corrected(
                p,
                "a file listing only the entries you corrected (or waited for) since the claim, one entry number a line",
            )?
            .0,
        ),
        None => None,
    };
    let mut inputs: Vec<PathBuf> = args.files.clone();
    inputs.extend(args.declaration.clone());
    inputs.extend(args.corrected.clone());
    inputs.extend(args.entries.iter().cloned());
    Ok(finish(
        claim_files,
        declaration,
        corrected,
        &inputs,
        args,
        ledger,
        TRIAGE,
    )?
    .0)
}

/// The declared entries of a declaration, read leniently (a triage is no place to refuse a file
/// CBP already took); rows that are not entry numbers become diagnostics.
fn declared_from(
    input: &capekit_core::check::DeclarationInput,
) -> (Vec<capekit_core::EntryNumber>, Vec<Diagnostic>) {
    // The same reading the web workbench uses.
    capekit_io::declaration::declared_entries(input)
}

use capekit_app::triage::EntryList;

/// Refuses to write into a folder that holds a draft of other claims, not marked uploaded: the
/// run owns its folder and would supersede that draft, releasing its entries and removing its
/// file, which the clerk may have uploaded already without saying so. A draft of the same
/// claims (`refile-CLAIMS-...`, a triage run again) is superseded as before.
fn refuse_other_claims_drafts(
    ledger: &super::ledger::LedgerOpt,
    out: &Path,
    report: &TriageReport,
) -> anyhow::Result<()> {
    let Some(l) = ledger.open_existing()? else {
        return Ok(());
    };
    let Ok(folder) = capekit_io::output::resolve(out) else {
        return Ok(());
    };
    let ours = format!("refile-{}-", capekit_io::names::claims_part(report));
    let others: Vec<capekit_ledger::Declaration> = l
        .declarations()?
        .into_iter()
        .filter(|d| d.state == capekit_ledger::DeclState::Draft && d.holding > 0)
        .filter(|d| {
            let p = Path::new(&d.name);
            p.parent().is_some_and(|dir| dir == folder)
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(&ours))
        })
        .collect();
    if others.is_empty() {
        return Ok(());
    }
    let listed: Vec<String> = others
        .iter()
        .map(|d| {
            format!(
                "#{} {} ({} entries held)",
                d.id,
                capekit_io::names::file_label(&d.name),
                d.holding
            )
        })
        .collect();
    anyhow::bail!(
        "{} holds the draft {} of other claims, not marked uploaded: this triage would replace it and release its entries. Give another --out folder; or, if you uploaded that draft, say so first (`{} ledger uploaded '#{}'`), or discard it (`{} ledger discard '#{}'`)",
        out.display(),
        listed.join(", "),
        ledger.command(),
        others[0].id,
        ledger.command(),
        others[0].id
    )
}

/// The triage proper; `command` names it in the output folder's manifest.
fn finish(
    claim_files: Vec<capekit_io::claims::ClaimFile>,
    declaration: Option<EntryList>,
    corrected: Option<EntryList>,
    inputs: &[PathBuf],
    args: &TriageArgs,
    ledger: &super::ledger::LedgerOpt,
    command: &str,
) -> anyhow::Result<(u8, Option<PathBuf>)> {
    let as_of = args.as_of.unwrap_or_else(today);
    let mut entry_reports = Vec::with_capacity(args.entries.len());
    for path in &args.entries {
        let set = capekit_io::entries::read_entry_data(path)
            .with_context(|| format!("reading the entry data {}", path.display()))?;
        capekit_app::triage::refuse_entry_report_without_data(
            &path.display().to_string(),
            &set,
            "with --entries",
        )
        .map_err(anyhow::Error::msg)?;
        entry_reports.push(set);
    }
    // What the ledger keeps of each entry file, as `plan` and `ledger import` record it: a
    // later `refile` judges the entries again by these dates.
    let entry_facts: Vec<(capekit_ledger::FileMeta, Vec<capekit_ledger::EntryFacts>)> =
        if ledger.path()?.is_some() && !entry_reports.is_empty() {
            let metas = args
                .entries
                .iter()
                .zip(&entry_reports)
                .map(|(path, set)| super::files::hash(path, set.run_date))
                .collect::<anyhow::Result<Vec<_>>>()?;
            metas
                .into_iter()
                .zip(capekit_app::plan::entry_facts(
                    entry_reports.iter().map(|s| s.entries.as_slice()),
                    as_of,
                ))
                .collect()
        } else {
            Vec::new()
        };
    let capekit_app::triage::Read {
        mut input,
        diagnostics,
        kinds,
    } = capekit_app::triage::read(capekit_app::triage::Files {
        claims: claim_files,
        declaration,
        corrected,
        entry_reports,
    });
    let timed = capekit_io::timings::phase("triage");
    let mut report = triage(&input, as_of);
    drop(timed);
    let importers = capekit_app::triage::importers(&input, &report, |ask| ledger.importers(ask))?;
    // Without a ledger nothing triages the rows again: a million of them are some 100 MB that
    // the outputs can use instead.
    if ledger.path()?.is_none() {
        drop(std::mem::take(&mut input.rows));
    }
    refuse_other_claims_drafts(ledger, &args.out, &report)?;
    // Every output this triage may write is checked before anything is recorded, so that a
    // refused output leaves the ledger as it was. The ledger can only shorten the refile list.
    let protected = ledger.protected()?;
    let mut planned = OutputSet::new();
    protected.apply(&mut planned);
    planned.own_folder(&args.out, command);
    for p in triage_output_paths(&args.out, &report, &importers) {
        planned.add(p, Vec::new());
    }
    planned
        .check(inputs)
        .context("writing the triage outputs")?;
    let build = |report: &TriageReport| -> anyhow::Result<(OutputSet, TriageFiles)> {
        let mut set = OutputSet::new();
        protected.apply(&mut set);
        set.own_folder(&args.out, command);
        let files =
            add_triage_outputs(&mut set, &args.out, report, &diagnostics, &importers, true)?;
        Ok((set, files))
    };
    // The triage is recorded on a thread of its own while the outputs are built from the same
    // report on this one (both only read it): a large triage takes seconds for each. The
    // records are committed once the outputs are written.
    let (recorded, built) = std::thread::scope(|s| {
        let recording = s.spawn(|| {
            let _t = capekit_io::timings::phase("triage ledger");
            super::ledger::record_triage(
                ledger,
                &args.files,
                &kinds,
                args.declaration
                    .as_deref()
                    .zip(input.declaration.as_deref()),
                &entry_facts,
                &report,
                &args.out,
            )
        });
        let built = {
            let _t = capekit_io::timings::phase("triage outputs built");
            build(&report)
        };
        // A panic on the recording thread is a bug: it goes on here as it would have there.
        let recorded = recording
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (recorded, built)
    });
    let mut recorded = recorded?;
    let mut built = built?;
    // Entries the ledger knows as accepted on an earlier claim, or still pending, are kept off
    // the refile list: when that changes the report, its outputs are built again.
    if let Some(r) = &mut recorded
        && r.guard(&mut input, &mut report)?
    {
        let _t = capekit_io::timings::phase("triage outputs built again");
        built = build(&report)?;
    }
    let timed = capekit_io::timings::phase("triage outputs written");
    let files = match &mut recorded {
        Some(recorded) => {
            recorded
                .write_reserved(&mut input, &mut report, built, build, inputs)?
                .0
        }
        None => {
            let (set, files) = built;
            let done = set
                .commit_all(inputs)
                .context("writing the triage outputs")?;
            let shown = |l: &[PathBuf]| -> Vec<String> {
                l.iter().map(|p| p.display().to_string()).collect()
            };
            err!(
                "{}",
                capekit_io::render::escape_controls(&super::files::superseded_lines(
                    &[],
                    &shown(&done.removed),
                    &shown(&done.kept)
                ))
            );
            files
        }
    };
    drop(timed);
    match args.format {
        Format::Text => out!(
            "{}",
            super::ledger::runnable(
                &triage_text(&report, &diagnostics, &files),
                &ledger.command()
            )
        ),
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&TriageJson {
                report: &report,
                refile_files: files
                    .refile
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect(),
                files: &files,
                diagnostics: &diagnostics,
            })?
        ),
    }
    super::ledger::notice_after(ledger);
    // The process ends here: freeing a million results one by one would only cost time.
    std::mem::forget(report);
    Ok((exit::OK, files.report))
}

const DEMO_DECLARATION: &[u8] = include_bytes!("../../demo/declaration.csv");
const DEMO_CLAIM: &[u8] = include_bytes!("../../demo/claim-details.csv");
const DEMO_CORRECTED: &[u8] = include_bytes!("../../demo/corrected.txt");

/// `capekit demo`: the sample declaration and claim written to `dir/input/`, then triaged into `dir`.
pub fn demo(
    out: &Path,
    as_of: Option<Date>,
    format: Format,
    ledger: &super::ledger::LedgerOpt,
) -> anyhow::Result<u8> {
    let ledger = &super::ledger::demo_ledger(out, ledger)?;
    let input_dir = out.join("input");
    let mut set = OutputSet::new();
    let decl = input_dir.join("declaration.csv");
    let claim = input_dir.join("claim-details-100000241223.csv");
    let corrected = input_dir.join("corrected.txt");
    set.add(&decl, DEMO_DECLARATION.to_vec());
    set.add(&claim, DEMO_CLAIM.to_vec());
    set.add(&corrected, DEMO_CORRECTED.to_vec());
    ledger.protect(&mut set)?;
    set.commit(&[]).context("writing the demo inputs")?;
    if format == Format::Text {
        outln!(
            "capekit demo: a 40-entry declaration whose claim came back \"Accepted with Error(s)\", and a list of two entries corrected since (plus one accepted entry listed by mistake).\ninputs in {}\n",
            input_dir.display()
        );
    }
    let claim_file = parse_claim_file(&claim.display().to_string(), DEMO_CLAIM)?;
    let declaration = declared_from(&capekit_io::declaration::parse_declaration(
        &decl.display().to_string(),
        DEMO_DECLARATION,
    ));
    let corrected_list = read_entry_list(&corrected)?;
    let args = TriageArgs {
        files: vec![claim.clone()],
        declaration: Some(decl.clone()),
        corrected: Some(corrected.clone()),
        entries: Vec::new(),
        as_of,
        out: out.to_path_buf(),
        format,
    };
    let (code, report) = finish(
        vec![claim_file],
        Some(declaration),
        Some(corrected_list),
        &[decl, claim, corrected],
        &args,
        ledger,
        super::ledger::DEMO,
    )?;
    if format == Format::Text {
        outln!(
            "\nopen {} for the full picture. This ran on sample data: do not upload these files. With your own files: capekit triage CLAIM-DETAILS.csv --declaration WHAT-YOU-UPLOADED.csv --out DIR",
            report.unwrap_or_else(|| out.to_path_buf()).display()
        );
    } else {
        errln!("capekit demo: this ran on sample data - do not upload these files");
    }
    Ok(code)
}
