//! `capekit ledger copy --to URL_OR_FILE`: the whole ledger from a file to a PostgreSQL server,
//! or from a server back to a file.
//!
//! The target must be new or empty: a copy never merges two ledgers. What was copied is said
//! table by table, with the rows counted in the source and in the target before the copy was
//! committed, so that the user sees it reconcile. A server's password is never printed.

use std::path::Path;

use anyhow::{Context, bail};
use capekit_ledger::server::{CopyReport, Location};

use super::LedgerOpt;
use crate::cli::Format;
use crate::exit;

/// The first bytes of every SQLite database file.
const SQLITE_HEADER: &[u8] = b"SQLite format 3\0";

/// Runs `capekit ledger copy`.
pub fn copy(to: &Path, format: Format, opt: &LedgerOpt) -> anyhow::Result<u8> {
    let Some(from) = opt.location()? else {
        bail!("--no-ledger: `ledger copy` needs the ledger to copy; drop --no-ledger");
    };
    let to = Location::of(to);
    if let Location::File(f) = &to {
        refuse_other_file(f)?;
    }
    let report = capekit_ledger::server::copy(&from, &to)
        .context("`ledger copy` stopped, and wrote nothing to the target")?;
    match format {
        Format::Text => out!("{}", text(&report)),
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&report).context("serialising the output")?
        ),
    }
    Ok(exit::OK)
}

/// A target file must be new, or a ledger (which the copy then finds empty or refuses): any
/// other file is the user's, and is left alone.
fn refuse_other_file(path: &Path) -> anyhow::Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    if !meta.is_file() {
        bail!(
            "{}: not a file; `ledger copy --to` writes a new ledger file - give a new name",
            path.display()
        );
    }
    if meta.len() == 0 {
        return Ok(());
    }
    let mut head = [0u8; 16];
    let read = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .with_context(|| format!("reading {}", path.display()))?;
    if head[..read] != *SQLITE_HEADER {
        bail!(
            "{}: the file exists and is not a ledger; `ledger copy --to` never replaces a file - give a new name",
            path.display()
        );
    }
    Ok(())
}

/// The copy for people: each table's rows on both sides, then the verdict.
pub fn text(r: &CopyReport) -> String {
    let mut s = format!("copied the ledger {} to {}\n", r.from, r.to);
    let width = r.tables.iter().map(|t| t.table.len()).max().unwrap_or(0);
    s.push_str(&format!(
        "  {:width$}  {:>10}  {:>10}\n",
        "table", "source", "target"
    ));
    for t in &r.tables {
        s.push_str(&format!(
            "  {:width$}  {:>10}  {:>10}\n",
            t.table, t.source, t.target
        ));
    }
    s.push_str(&format!(
        "reconciled: {} tables, {} rows in the source and the same in the target\n",
        r.tables.len(),
        r.rows()
    ));
    if !r.identities_reset.is_empty() {
        s.push_str(&format!(
            "the server numbers new rows after the largest id copied ({})\n",
            r.identities_reset.join(", ")
        ));
    }
    s
}
