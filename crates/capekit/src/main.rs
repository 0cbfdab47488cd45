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
                capekit_io::render::escape_controls(&shown(&e))
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
/// The error and its causes, joined with `: ` as `{:#}` joins them, each text once: an error
/// that shows its source's text (kept as its source so that a face can find it), or a cause
/// that repeats its wrapper's words before its own, is not said twice.
fn shown(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let text = cause.to_string();
        match parts.last_mut() {
            Some(last) if last.ends_with(&text) => {}
            Some(last) if text.starts_with(last.as_str()) => *last = text,
            _ => parts.push(text),
        }
    }
    parts.join(": ")
}

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
