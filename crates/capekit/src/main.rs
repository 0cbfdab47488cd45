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
        Err(e) => {
            // The message quotes file names and values from the files read.
            eprintln!(
                "capekit: error: {}",
                capekit_io::render::escape_controls(&format!("{e:#}"))
            );
            std::process::ExitCode::from(exit::COULD_NOT_RUN)
        }
    }
}
