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
    /// Triage what ACE sent back: split claims into accepted and rejected entries, judge every
    /// message, and write the next declaration, the worklist and a report.
    ///
    /// Exit 0 = the triage ran (read its worklist), 2 = it could not run.
    Triage {
        /// Claim Details or Validation Result Files (CSV or XLSX), one or more.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The declaration that was uploaded: finds entries missing from every claim.
        #[arg(long, value_name = "FILE")]
        declaration: Option<PathBuf>,
        /// Entries corrected (or waited for) since: one entry number a line, or a CSV/XLSX with an
        /// entry column.
        #[arg(long, value_name = "FILE")]
        corrected: Option<PathBuf>,
        /// Apply the rules in force on this date (YYYY-MM-DD); default today.
        #[arg(long, value_name = "DATE")]
        as_of: Option<jiff::civil::Date>,
        /// Folder for refile.csv, worklist.csv, worklist.xlsx and report.html.
        #[arg(long, value_name = "DIR", default_value = "capekit-out")]
        out: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Run the main job on built-in sample data: triage a 40-entry "Accepted with Error(s)" claim.
    Demo {
        /// Folder to write into.
        #[arg(long, value_name = "DIR", default_value = "capekit-demo")]
        out: PathBuf,
        /// Apply the rules in force on this date (YYYY-MM-DD); default today.
        #[arg(long, value_name = "DATE")]
        as_of: Option<jiff::civil::Date>,
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
