//! `capekit plan`: decide each entry's path and its deadlines from ES-003 exports or entry lists,
//! and write the CAPE declarations, the worklist and the report.
//!
//! A thin face over `capekit_io::entries` (reading), `capekit_core::path` (deciding, through
//! `capekit_io::plan_out::build_plan`) and `capekit_io::plan_out` (writing). It exits 0 whenever
//! the plan ran, urgent entries or not: what to act on is in the worklist, and a scheduler that
//! runs the plan daily must not take urgent entries for a failure.

use std::path::PathBuf;

use anyhow::Context;
use capekit_io::entries::read_entry_data;
use capekit_io::output::OutputSet;
use capekit_io::plan_out::{PlanOptions, add_plan_outputs, build_plan, plan_json, plan_text};
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
}

pub fn run(args: PlanArgs) -> anyhow::Result<u8> {
    let filer = super::filer_code(args.filer)?;
    let as_of = args.as_of.unwrap_or_else(super::triage::today);
    let mut sets = Vec::with_capacity(args.files.len());
    for f in &args.files {
        // A file that cannot be read (missing, no entry column) stops the plan: a plan of the
        // other files alone would look complete and be wrong. The reader's errors name the file.
        sets.push(read_entry_data(f)?);
    }
    let plan = build_plan(sets, &PlanOptions { as_of, filer });
    let mut set = OutputSet::new();
    let files = add_plan_outputs(&mut set, &args.out, &plan, true)?;
    set.commit(&args.files)
        .context("writing the plan outputs")?;
    match args.format {
        Format::Text => print!("{}", plan_text(&plan, &files)),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&plan_json(&plan, &files))?
        ),
    }
    Ok(exit::OK)
}
