//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Check CAPE declarations before upload, triage CBP's answers and rebuild correct uploads.
///
/// Exit codes: 0 = ran, nothing to act on; 1 = ran, found something to act on (file not
/// uploadable, entries left out); 2 = could not run (bad arguments, file missing or unreadable).
#[derive(Debug, Parser)]
#[command(name = "capekit", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// One JSON object on standard output.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a declaration upload file against every CAPE file-level rule.
    ///
    /// Exit 0 = uploadable (warnings allowed), 1 = not uploadable, 2 = could not run.
    Check {
        /// The declaration CSV to check.
        file: PathBuf,
        /// The filing account's filer code: every entry must start with it.
        #[arg(long, value_name = "CODE")]
        filer: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Write the upload the file meant: canonical entry numbers, duplicates removed, exact header,
    /// CRLF, no BOM, parts of at most 9,999 entries.
    ///
    /// Reads CSV, UTF-16 text and Excel workbooks. Exit 0 = every entry written, 1 = some rows
    /// could not be repaired (listed, not written), 2 = could not run.
    Fix {
        /// The file to repair (never modified).
        file: PathBuf,
        /// Where to write; with more than 9,999 entries, PATH's stem plus -01, -02...
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// Drop entries whose filer code is not CODE (listed as not written).
        #[arg(long, value_name = "CODE")]
        filer: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Explain a rule: give its code (F014) or paste a CBP error message.
    Explain {
        /// A rule code, or the text of an error message.
        #[arg(required_unless_present = "list", num_args = 1..)]
        query: Vec<String>,
        /// List every rule of every catalog.
        #[arg(long)]
        list: bool,
    },
}
