//! `capekit`: check CAPE declarations before upload, triage what CBP sends back, and rebuild
//! correct upload files.
//!
//! This binary is a thin face over `capekit-core` and `capekit-io`: it parses arguments, calls the
//! library, prints, and maps the outcome to a documented exit code (see [`exit`]).

mod cli;
mod cmd;
mod exit;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return std::process::ExitCode::from(code);
        }
    };
    match cmd::run(args) {
        Ok(code) => std::process::ExitCode::from(code),
        // The reader of our output went away (`| head`): nothing is wrong, and nothing is left
        // to say to anyone.
        Err(e) if is_broken_pipe(&e) => std::process::ExitCode::from(exit::OK),
        Err(e) => {
            // The message quotes file names and values from the files read.
            eprintln!(
                "capekit: error: {}",
                capekit_io::render::escape_controls(&format!("{e:#}"))
            );
            if is_ledger_busy(&e) {
                eprintln!(
                    "capekit: another capekit command (or the workbench) kept the ledger busy for over a minute, so this run stopped without recording anything; run it again once the other has finished"
                );
            }
            std::process::ExitCode::from(exit::COULD_NOT_RUN)
        }
    }
}

/// Did another connection hold the ledger past the wait?
fn is_ledger_busy(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<capekit_ledger::LedgerError>()
            .is_some_and(capekit_ledger::LedgerError::is_busy)
    })
}

/// Is the error, or any error under it, a write to a closed pipe?
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
