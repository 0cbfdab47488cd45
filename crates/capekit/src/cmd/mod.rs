//! One module a command; each returns the exit code.
//!
//! Commands print to standard output through [`out!`] and [`outln!`], never `print!`: a closed
//! pipe (`capekit explain --list | head -1`) is then an error passed up to `main`, which ends
//! quietly with exit 0, where `print!` would panic.

/// `print!` that hands a write error (a closed pipe) up to the caller's `anyhow::Result`.
macro_rules! out {
    ($($t:tt)*) => {
        if let Err(e) = {
            use std::io::Write as _;
            write!(std::io::stdout().lock(), $($t)*)
        } {
            return Err(anyhow::Error::from(e));
        }
    };
}

/// `println!` that hands a write error (a closed pipe) up to the caller's `anyhow::Result`.
macro_rules! outln {
    ($($t:tt)*) => {
        if let Err(e) = {
            use std::io::Write as _;
            writeln!(std::io::stdout().lock(), $($t)*)
        } {
            return Err(anyhow::Error::from(e));
        }
    };
}

mod check;
mod explain;
mod fix;
pub mod ledger;
mod plan;
mod refile;
mod refunds;
mod serve;
mod triage;

use crate::cli::{Cli, Command};

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    let ledger = ledger::LedgerOpt {
        explicit: cli.ledger,
        disabled: cli.no_ledger,
    };
    match cli.command {
        Command::Check {
            file,
            filer,
            format,
        } => check::run(&file, filer, format, &ledger),
        Command::Fix {
            file,
            out,
            filer,
            format,
        } => fix::run(&file, &out, filer, format, &ledger),
        Command::Explain { query, list } => explain::run(&query.join(" "), list),
        Command::Triage {
            files,
            declaration,
            corrected,
            entries,
            as_of,
            out,
            format,
        } => triage::run(
            &triage::TriageArgs {
                files,
                declaration,
                corrected,
                entries,
                as_of,
                out,
                format,
            },
            &ledger,
        ),
        Command::Demo { out, as_of, format } => triage::demo(&out, as_of, format, &ledger),
        Command::Plan {
            files,
            as_of,
            filer,
            out,
            format,
            phase3_importers,
            one_declaration,
        } => plan::run(
            plan::PlanArgs {
                files,
                as_of,
                filer,
                out,
                format,
                phase3_importers,
                one_declaration,
            },
            &ledger,
        ),
        Command::Refile {
            corrected,
            importer,
            out,
            format,
        } => refile::run(corrected.as_deref(), importer, &out, format, &ledger),
        Command::Refunds {
            files,
            as_of,
            importer,
            out,
            format,
            corporate,
            not_corporate,
        } => refunds::run(
            &refunds::RefundsArgs {
                files,
                as_of,
                importer,
                out,
                format,
                corporate,
                not_corporate,
            },
            &ledger,
        ),
        Command::Ledger { command } => ledger::run(command, &ledger),
        Command::Serve {
            addr,
            allow_remote,
            allow_hosts,
            upload_dir,
        } => serve::run(
            serve::ServeArgs {
                addr,
                allow_remote,
                allow_hosts,
                upload_dir,
            },
            &ledger,
        ),
    }
}

/// Validates a `--filer` value: three letters or digits.
pub fn filer_code(code: Option<String>) -> anyhow::Result<Option<String>> {
    match code {
        Some(c) if c.len() == 3 && c.chars().all(|ch| ch.is_ascii_alphanumeric()) => {
            Ok(Some(c.to_ascii_uppercase()))
        }
        Some(c) => anyhow::bail!(
            "--filer `{c}` is not a filer code; a filer code is 3 letters or digits, the first three characters of the broker's entry numbers"
        ),
        None => Ok(None),
    }
}
