//! The plan job both faces run: ask the ledger what it knows of the entries read, decide every
//! entry's path with it, and record each file's entry data, in that order.
//!
//! The faces read the files (a path on disk, an upload), write the outputs and say what was
//! recorded; the steps between are these functions, so that `capekit plan` and the workbench's
//! plan of the same exports give the same declarations and keep the same records.
//!
//! - [`ask`]: the entries accepted on a claim or still pending (kept off the declarations), the
//!   acts recorded on the other paths, and the importers that sued (CAPE Phase 3);
//! - [`decide`]: the plan, with the entry data to record of each file;
//! - [`FileFacts::reports`] and [`record`]: that entry data, each file dated as the plan dates it.

use capekit_core::EntryNumber;
use capekit_core::known::Known;
use capekit_core::path::EntryData;
use capekit_io::entries::EntryDataSet;
use capekit_io::plan_out::{Plan, PlanOptions, build_plan_with, data_date};
use capekit_ledger::{EntryFacts, FileMeta, ImportOutcome, Ledger, LedgerError};
use jiff::civil::Date;

/// Adds to `options` what the ledger remembers for a plan of `sets`, and returns what it knows of
/// their entries ([`Ledger::known_for_plan`]).
///
/// `given` are the importers that sued as the user gave them now (`--phase3-importers`); when
/// `None`, those the ledger recorded before are used.
pub fn ask(
    ledger: &Ledger,
    sets: &[EntryDataSet],
    given: Option<&[(String, bool)]>,
    options: &mut PlanOptions,
) -> Result<Known, LedgerError> {
    let numbers: Vec<EntryNumber> = sets
        .iter()
        .flat_map(|s| s.entries.iter().map(|e| e.entry_number))
        .collect();
    let known = ledger.known_for_plan(&numbers)?;
    options.context.acts = ledger.acts(&numbers)?;
    match given {
        Some(list) => add_phase3_importers(options, list),
        None => add_phase3_importers(options, &ledger.phase3_importers()?),
    }
    Ok(known)
}

/// Tells the path engine which importers sued, and whether their IOR was submitted in time.
pub fn add_phase3_importers(options: &mut PlanOptions, list: &[(String, bool)]) {
    for (importer, submitted) in list {
        options.context.add_phase3_importer(importer, *submitted);
    }
}

/// A plan, with what of it the ledger keeps.
#[derive(Debug)]
pub struct Planned {
    /// The plan.
    pub plan: Plan,
    /// The entry data to record.
    pub facts: FileFacts,
}

/// Per file read, in the order given: the date of its data, and the facts of the entries the
/// plan took from it (none when [`decide`] was told not to keep them).
#[derive(Debug, Default)]
pub struct FileFacts(Vec<(Option<Date>, Vec<EntryFacts>)>);

/// The plan of `sets` as of `options`, with `known` kept off the declarations
/// ([`build_plan_with`]); with `keep`, the entry data to record of each file.
pub fn decide(
    sets: Vec<EntryDataSet>,
    options: &PlanOptions,
    known: &Known,
    keep: bool,
) -> Planned {
    let dates: Vec<Option<Date>> = sets
        .iter()
        .map(|s| data_date(options, &s.file, s.run_date))
        .collect();
    let mut facts = Vec::new();
    let plan = build_plan_with(sets, options, known, |data, decision| {
        if keep {
            facts.push(EntryFacts::from_decision(data, decision));
        }
    });
    // The facts come in the plan's entry order: file by file, each file's entries less those an
    // earlier file had (two files of one name are still two files).
    let mut facts = facts.into_iter();
    let files = plan
        .reconciliation
        .files
        .iter()
        .zip(dates)
        .map(|(f, date)| {
            let taken = if keep {
                f.entries - f.in_earlier_file
            } else {
                0
            };
            (date, facts.by_ref().take(taken).collect())
        })
        .collect();
    Planned {
        plan,
        facts: FileFacts(files),
    }
}

impl FileFacts {
    /// What to record: each file's identity (`metas`, in the order of the files read), dated as
    /// the plan dates its data, with the facts of its entries.
    pub fn reports(&mut self, metas: Vec<FileMeta>) -> Vec<(FileMeta, Vec<EntryFacts>)> {
        metas
            .into_iter()
            .zip(self.0.iter_mut())
            .map(|(meta, (date, facts))| {
                let date = (*date).or(meta.data_date);
                (meta.dated(date), std::mem::take(facts))
            })
            .collect()
    }
}

/// The facts the ledger keeps of entry files read outside a plan (`triage --entries`, `ledger
/// import`, the entry data dropped with claim files on the workbench): each entry decided alone
/// as of `as_of`. An entry in two of the files is taken from the first, as the plan does (rule
/// R011), so that importing files and planning them record the same entries.
pub fn entry_facts<'a>(
    files: impl IntoIterator<Item = &'a [EntryData]>,
    as_of: Date,
) -> Vec<Vec<EntryFacts>> {
    EntryFacts::of_files(files, |e| capekit_core::path::decide(e, as_of))
}

/// Records the entry data of a plan ([`FileFacts::reports`]) and, when the user gave them, the
/// importers that sued, in the ledger's transaction.
pub fn record(
    ledger: &mut Ledger,
    reports: &[(FileMeta, Vec<EntryFacts>)],
    given: Option<&[(String, bool)]>,
) -> Result<Vec<ImportOutcome>, LedgerError> {
    if let Some(list) = given {
        ledger.record_phase3_importers(list)?;
    }
    ledger.record_entry_reports(reports)
}

/// Refuses a file given to plan that is another kind, by the one recognizer
/// ([`capekit_io::recognize::recognize`]): a Claim Details or Validation Result File (its entries
/// would all be planned as if they had no data, the claim's answer unread), an ACE refund report
/// or a worklist capekit wrote. `head` is the file's first bytes (an ES-003 export runs to
/// gigabytes; its header says what it is), cut at a line end.
pub fn refuse_other_than_entry_data(name: &str, head: &[u8]) -> Result<(), String> {
    use capekit_io::recognize::Recognized;
    let go_to = match capekit_io::recognize::recognize(name, head) {
        Ok(r @ Recognized::Claim(_)) => format!(
            "{}: give it to `capekit triage` with its declaration, or `capekit ledger import`",
            r.describe()
        ),
        Ok(r @ Recognized::Refunds(_)) => format!("{}: give it to `capekit refunds`", r.describe()),
        Ok(Recognized::Unknown(u)) if u.is_capekit_output() => u.explain(),
        Err(_) => {
            "an ACE refund report that cannot be read: give it to `capekit refunds`".to_owned()
        }
        Ok(_) => return Ok(()),
    };
    Err(format!(
        "{name}: this is {go_to}; `capekit plan` reads ES-003 exports (ACE Reports, \"Entry Summary Line Tariff Details\") or lists of entry numbers, so nothing was planned"
    ))
}
