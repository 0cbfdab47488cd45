//! What several commands read and print alike: the day as CBP counts it, the identity and date
//! of an input file, lists of entries given with an option, and the lines that say which files
//! a run superseded. A leaf: it uses no other command's module.

use capekit_ledger::FileKind;
use std::path::Path;

use anyhow::Context as _;
use capekit_app::triage::EntryList;
use capekit_ledger::FileMeta;
use jiff::civil::Date;

/// Today on CBP's clock (Eastern Time, whatever the machine's zone): the default `--as-of`.
pub fn today() -> Date {
    capekit_core::deadline::cbp_today(jiff::Timestamp::now())
}

/// The identity of an entry file, hashed as it streams (an ES-003 export runs to gigabytes),
/// with the date of its data ([`data_date`]; `run_date` from its title row).
pub fn hash(path: &Path, run_date: Option<jiff::civil::Date>) -> anyhow::Result<FileMeta> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("reading {} again for the ledger", path.display()))?;
    FileMeta::of_reader(
        &path.display().to_string(),
        FileKind::EntryData,
        std::io::BufReader::new(file),
    )
    .map(|m| m.dated(data_date(path, run_date)))
    .with_context(|| format!("reading {} again for the ledger", path.display()))
}

/// The date of an entry file's data: the run date its title row states, else its modification
/// date (an ES-003 export's rows carry no date).
pub fn data_date(path: &Path, run_date: Option<jiff::civil::Date>) -> Option<jiff::civil::Date> {
    run_date.or_else(|| file_date(path))
}

/// A file's modification date on CBP's clock: the date of an ES-003 export's data, which its
/// rows do not carry.
pub fn file_date(path: &Path) -> Option<jiff::civil::Date> {
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
    let ts = jiff::Timestamp::try_from(modified).ok()?;
    Some(capekit_core::deadline::cbp_today(ts))
}

/// Reads a file given as a list of entries, once (it may be a pipe), refusing another kind of
/// file (a Claim Details, an ES-003 export, a refund report, a worklist capekit wrote): its entry
/// numbers would be taken for the declared or corrected ones, and a Claim Details given as
/// `--corrected` would refile every entry on it. Its bytes.
pub fn read_list(
    path: &Path,
    option: &str,
    taken: &str,
    expected: &str,
) -> anyhow::Result<Vec<u8>> {
    let bytes = capekit_io::read_file(path, capekit_io::claims::MAX_CLAIM_FILE_BYTES)?;
    capekit_io::recognize::refuse_other_than_list(
        &path.display().to_string(),
        &bytes,
        option,
        taken,
        expected,
    )
    .map_err(anyhow::Error::msg)?;
    Ok(bytes)
}

/// Refuses a list that holds no entry number capekit can read ([`capekit_app::triage::refuse_empty_list`]).
pub fn refuse_empty_list(
    path: &Path,
    option: &str,
    list: &EntryList,
    expected: &str,
) -> anyhow::Result<()> {
    capekit_app::triage::refuse_empty_list(&path.display().to_string(), option, list, expected)
        .map_err(anyhow::Error::msg)
}

/// The corrected list of `--corrected`, read once and refused when it is another kind of file
/// or lists nothing ([`capekit_app::triage::corrected_list`]); with its bytes, for the ledger to
/// tell an upload it holds from a list.
pub fn read_corrected(path: &Path, expected: &str) -> anyhow::Result<(EntryList, Vec<u8>)> {
    let bytes = capekit_io::read_file(path, capekit_io::claims::MAX_CLAIM_FILE_BYTES)?;
    let list = capekit_app::triage::corrected_list(
        &path.display().to_string(),
        &bytes,
        "--corrected",
        expected,
    )
    .map_err(anyhow::Error::msg)?;
    Ok((list, bytes))
}

/// What superseding and clearing the folder did, in lines for the terminal.
pub fn superseded_lines(
    superseded: &[capekit_ledger::Superseded],
    removed: &[String],
    kept: &[String],
) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for s in superseded {
        let _ = writeln!(
            out,
            "superseded the earlier draft {} (declaration #{}): discarded, its {} released unless this file holds them again",
            s.path,
            s.id,
            plural(s.entries, "entry", "entries")
        );
    }
    for r in removed {
        let _ = writeln!(
            out,
            "removed {r}, written by the previous run into this folder"
        );
    }
    for k in kept {
        let _ = writeln!(
            out,
            "kept {k}, written by the previous run into this folder: it changed since, or the ledger records it as a declaration"
        );
    }
    out
}

/// `1 entry`, `2 entries`, with thousands separators.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        capekit_core::check::group(n as u64),
        if n == 1 { one } else { many }
    )
}
