//! `capekit refile`: the next declaration from the ledger's state alone.
//!
//! A triage plans a refile from the claim files it is given; this command plans it from
//! everything recorded, so a user with many claims over weeks gets one upload that holds every
//! entry to refile, none accepted anywhere and none still pending (CAPE.md section 4).

use std::path::{Path, PathBuf};

use anyhow::Context;
use capekit_core::EntryNumber;
use capekit_core::check::{MAX_ENTRIES, group};
use capekit_core::diag::Diagnostic;
use capekit_core::triage::RefilePlan;
use capekit_io::claims::read_entry_list;
use capekit_io::output::OutputSet;
use capekit_io::render::escape_controls;
use capekit_io::upload::add_upload_files;
use capekit_ledger::Ledger;
use serde::Serialize;

use crate::cli::Format;
use crate::exit;

#[derive(Serialize)]
struct RefileOutput<'a> {
    ledger: String,
    #[serde(flatten)]
    plan: &'a RefilePlan,
    files: Vec<String>,
    diagnostics: &'a [Diagnostic],
}

pub fn run(
    corrected: Option<&Path>,
    importer: Option<String>,
    out: &Path,
    format: Format,
    opt: &super::ledger::LedgerOpt,
) -> anyhow::Result<u8> {
    let importer = importer
        .map(|i| i.trim().to_ascii_uppercase())
        .filter(|i| !i.is_empty());
    let (corrected_entries, diagnostics) = match corrected {
        Some(p) => read_entry_list(p)
            .with_context(|| format!("reading the corrected list {}", p.display()))?,
        None => (Vec::new(), Vec::new()),
    };
    let mut ledger = opt.require("`capekit refile`")?;
    let plan = ledger.next_declaration(&corrected_entries, importer.as_deref())?;
    let mut set = OutputSet::new();
    add_upload_files(&mut set, &out.join("refile.csv"), &plan.entries);
    let inputs: Vec<PathBuf> = corrected.map(Path::to_path_buf).into_iter().collect();
    let written = set.commit(&inputs).context("writing the refile upload")?;
    record_written(&mut ledger, &written, &plan.entries)?;
    let output = RefileOutput {
        ledger: super::ledger::shown(&ledger),
        plan: &plan,
        files: written.iter().map(|p| p.display().to_string()).collect(),
        diagnostics: &diagnostics,
    };
    match format {
        Format::Text => print!("{}", escape_controls(&text(&output))),
        Format::Json => println!("{}", serde_json::to_string_pretty(&output)?),
    }
    Ok(if plan.left_out.is_empty() && diagnostics.is_empty() {
        exit::OK
    } else {
        exit::FOUND_PROBLEMS
    })
}

/// Records each upload part capekit wrote, with the entries it holds, as read back from disk:
/// its entries are pending from now on. Parts hold [`MAX_ENTRIES`] entries each, in order, as
/// `add_upload_files` split them.
pub fn record_written(
    ledger: &mut Ledger,
    parts: &[PathBuf],
    entries: &[EntryNumber],
) -> anyhow::Result<()> {
    for (path, chunk) in parts.iter().zip(entries.chunks(MAX_ENTRIES)) {
        let bytes = std::fs::read(path)
            .with_context(|| format!("reading back {} for the ledger", path.display()))?;
        let shown = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        ledger.record_refile(&shown.display().to_string(), &bytes, chunk)?;
    }
    Ok(())
}

fn text(o: &RefileOutput<'_>) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for d in o.diagnostics {
        let _ = writeln!(out, "{}", d.message);
    }
    if o.plan.entries.is_empty() {
        let _ = writeln!(
            out,
            "nothing to refile: the ledger holds no rejected entry whose action is `refile`{}",
            if o.plan.from_corrected == 0 && !o.plan.left_out.is_empty() {
                ", and no corrected entry may be refiled"
            } else {
                ""
            }
        );
    } else {
        let _ = writeln!(
            out,
            "refile: {} entries ({} from the corrected list), none accepted, none pending",
            group(o.plan.entries.len() as u64),
            group(o.plan.from_corrected as u64)
        );
    }
    for l in &o.plan.left_out {
        let _ = writeln!(out, "  not refiled: {} - {}", l.entry_number, l.reason);
    }
    for f in &o.files {
        let _ = writeln!(out, "wrote {f}");
    }
    if !o.files.is_empty() {
        let _ = writeln!(
            out,
            "recorded in the ledger {}: these entries are pending until their claim is triaged\nupload on ACE Portal > CAPE > File Uploads",
            o.ledger
        );
    }
    out
}
