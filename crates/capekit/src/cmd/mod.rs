//! One module a command; each returns the exit code.
//!
//! Commands print to standard output through [`out!`] and [`outln!`], never `print!`: a closed
//! pipe (`capekit explain --list | head -1`) is then an error passed up to `main`, which ends
//! quietly with exit 0, where `print!` would panic. They print to standard error through
//! [`errln!`] and [`err!`]. All four make control characters visible
//! ([`capekit_io::render::escape_controls`]): what they print quotes names and values read from
//! files, and a file must not drive the terminal, whichever path prints it.

/// `print!` that hands a write error (a closed pipe) up to the caller's `anyhow::Result`.
macro_rules! out {
    ($($t:tt)*) => {
        if let Err(e) = {
            use std::io::Write as _;
            let text = format!($($t)*);
            std::io::stdout()
                .lock()
                .write_all(capekit_io::render::escape_controls(&text).as_bytes())
        } {
            return Err(anyhow::Error::from(e));
        }
    };
}

/// `println!` that hands a write error (a closed pipe) up to the caller's `anyhow::Result`.
macro_rules! outln {
    ($($t:tt)*) => {
        out!("{}\n", format_args!($($t)*))
    };
}

/// `eprint!`, with control characters made visible.
macro_rules! err {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let text = format!($($t)*);
        let _ = std::io::stderr()
            .lock()
            .write_all(capekit_io::render::escape_controls(&text).as_bytes());
    }};
}

/// `eprintln!`, with control characters made visible.
macro_rules! errln {
    ($($t:tt)*) => {
        err!("{}\n", format_args!($($t)*))
    };
}

mod check;
mod explain;
mod files;
mod fix;
pub mod ledger;
mod plan;
mod refile;
mod refunds;
mod serve;
mod triage;
pub(crate) mod user;

use crate::cli::{Cli, Command};

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    let ledger = ledger::LedgerOpt {
        explicit: cli.ledger,
        disabled: cli.no_ledger,
        sample: false,
    };
    // A ledger on a server is read by `ledger copy` alone: every other command stops before
    // it starts, rather than treat the address as a file name or go on without a ledger.
    if !matches!(
        cli.command,
        Command::Ledger {
            command: crate::cli::LedgerCommand::Copy { .. }
        }
    ) && let Ok(Some(capekit_ledger::server::Location::Server(url))) = ledger.location()
    {
        return Err(ledger::server_refused(&url));
    }
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
            as_of,
            format,
        } => refile::run(
            corrected.as_deref(),
            importer,
            &out,
            as_of.unwrap_or_else(files::today),
            format,
            &ledger,
        ),
        Command::Refunds {
            files,
            as_of,
            importer,
            out,
            format,
            corporate,
            not_corporate,
            ach_enrolled,
            not_ach_enrolled,
            active_on,
        } => refunds::run(
            &refunds::RefundsArgs {
                files,
                as_of,
                importer,
                out,
                format,
                corporate,
                not_corporate,
                ach_enrolled,
                not_ach_enrolled,
                active_on,
            },
            &ledger,
        ),
        Command::Ledger { command } => ledger::run(command, &ledger),
        Command::Serve {
            addr,
            allow_remote,
            allow_hosts,
            upload_dir,
            no_browser,
            team,
            behind_proxy,
            tls_cert,
            tls_key,
        } => serve::run(
            serve::ServeArgs {
                addr,
                allow_remote,
                allow_hosts,
                upload_dir,
                team,
                behind_proxy,
                tls: tls_cert.zip(tls_key),
                open_browser: !no_browser && std::io::IsTerminal::is_terminal(&std::io::stdout()),
            },
            &ledger,
        ),
        Command::User { command } => user::run(command, &ledger),
    }
}

/// Reads a `--filer` value ([`capekit_core::FilerCode`]).
pub fn filer_code(code: Option<String>) -> anyhow::Result<Option<capekit_core::FilerCode>> {
    code.map(|c| capekit_core::FilerCode::parse(&c).map_err(|e| anyhow::anyhow!("--filer {e}")))
        .transpose()
}
