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
    /// The ledger file that remembers every declaration, claim and entry [env: CAPEKIT_LEDGER;
    /// default: the user's data folder, capekit/ledger.sqlite3]. A `postgres://` URL names a
    /// ledger on a server, which only `ledger copy` reads.
    #[arg(long, global = true, value_name = "PATH")]
    pub ledger: Option<PathBuf>,
    /// Neither read nor write the ledger: no duplicate guard, nothing remembered.
    #[arg(long, global = true, conflicts_with = "ledger")]
    pub no_ledger: bool,
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
        /// ACE entry data (ES-003 export or an entry list, CSV or XLSX): adds protest deadlines,
        /// the withdrawal option of a protest inside the 80-day window, and the reconciliation
        /// decision to the advice. May be given more than once.
        #[arg(long = "entries", value_name = "FILE")]
        entries: Vec<PathBuf>,
        /// Apply the rules in force on this date (YYYY-MM-DD); default today.
        #[arg(long, value_name = "DATE", value_parser = date_arg)]
        as_of: Option<jiff::civil::Date>,
        /// Folder for the refile upload, the worklist (.csv, .xlsx), the report and a report per
        /// importer, each named after the claim and the as-of date (refile-CLAIM-DATE.csv...).
        #[arg(long, value_name = "DIR", default_value = "capekit-out")]
        out: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Decide each entry's path (cape, correct-first, later-phase, protest, court,
    /// not-refundable, review) and its deadlines from ACE entry reports, and write the CAPE
    /// declarations, a worklist of everything else and a report.
    ///
    /// Exit 0 = the plan ran (urgent entries or not: read its worklist), 2 = it could not run.
    Plan {
        /// ES-003 exports ("Entry Summary Line Tariff Details") or entry lists, CSV or XLSX. Several
        /// files make one plan; an entry in two of them is taken from the first.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Decide as of this date (YYYY-MM-DD); default today.
        #[arg(long, value_name = "DATE", value_parser = date_arg)]
        as_of: Option<jiff::civil::Date>,
        /// The filing account's filer code: only entries bearing it are declared; other filers'
        /// cape entries go to the worklist.
        #[arg(long, value_name = "CODE")]
        filer: Option<String>,
        /// Folder for declaration-IMPORTER-DATE.csv, plan-worklist-IMPORTERS-DATE.csv and .xlsx,
        /// plan-report-IMPORTERS-DATE.html and plan-report-for-IMPORTER-DATE.html per importer.
        #[arg(long, value_name = "DIR", default_value = "capekit-plan")]
        out: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Importers that sued in the CIT, for CAPE Phase 3: a file or a list of
        /// `IMPORTER:yes|no` (yes = its IOR was submitted by 2026-07-30). Remembered in the
        /// ledger per importer.
        #[arg(long, value_name = "FILE-OR-LIST")]
        phase3_importers: Option<String>,
        /// One declaration for all importers (CBP allows it); by default one per importer,
        /// since refunds are consolidated per importer of record.
        #[arg(long)]
        one_declaration: bool,
    },
    /// After acceptance, where the money is: per importer, the entries accepted, their IEEPA
    /// duty, the interest estimated (19 USC 1505(c)), what was paid (principal and interest),
    /// diverted to debts, held for ACH, what is outstanding and overdue; writes refunds-DATE.xlsx and
    /// one page per importer (refunds-IMPORTER-DATE.html, safe to send to that importer).
    ///
    /// Reads the ACE refund reports given (ES-022, REV-603, REV-613, REV-615, CSV or XLSX) and
    /// records them in the ledger, which supplies the accepted entries, their entry data and the
    /// refund reports imported before. Exit 0 = the reconciliation ran (read its findings), 2 =
    /// it could not run.
    Refunds {
        /// ACE refund reports to read and record first; none reconciles what the ledger holds.
        files: Vec<PathBuf>,
        /// Judge as of this date (YYYY-MM-DD); default today (Eastern Time).
        #[arg(long, value_name = "DATE", value_parser = date_arg)]
        as_of: Option<jiff::civil::Date>,
        /// Only this importer of record's entries.
        #[arg(long, value_name = "NUMBER")]
        importer: Option<String>,
        /// Folder for refunds-DATE.xlsx and the importers' pages.
        #[arg(long, value_name = "DIR", default_value = "capekit-refunds")]
        out: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Record that this importer is a corporation: the part of an overpayment above $10,000
        /// then earns the lower corporate rate (26 USC 6621(a)(1)). Remembered in the ledger;
        /// repeat for several.
        #[arg(long, value_name = "IMPORTER")]
        corporate: Vec<String>,
        /// Record that this importer is not a corporation (the default reading). Remembered in
        /// the ledger; repeat for several.
        #[arg(long = "not-corporate", value_name = "IMPORTER")]
        not_corporate: Vec<String>,
        /// Record that this importer is enrolled for ACH refunds (it has entered its ACH refund
        /// details in its ACE Portal account): CBP pays CAPE refunds by ACH only. Remembered in
        /// the ledger with today's date; repeat for several.
        #[arg(long = "ach-enrolled", value_name = "IMPORTER")]
        ach_enrolled: Vec<String>,
        /// Record that this importer is not enrolled for ACH refunds: its refunds are held.
        /// Remembered in the ledger; repeat for several.
        #[arg(long = "not-ach-enrolled", value_name = "IMPORTER")]
        not_ach_enrolled: Vec<String>,
        /// Record the latest day this importer filed an entry (from ACE), so that it is not
        /// taken for inactive (CBP deactivates importer numbers with no activity for 366 days).
        /// Remembered in the ledger; repeat for several.
        #[arg(long = "active-on", value_name = "IMPORTER=DATE", value_parser = importer_day)]
        active_on: Vec<(String, jiff::civil::Date)>,
    },
    /// Run the main job on built-in sample data: triage a 40-entry "Accepted with Error(s)" claim.
    Demo {
        /// Folder to write into.
        #[arg(long, value_name = "DIR", default_value = "capekit-demo")]
        out: PathBuf,
        /// Apply the rules in force on this date (YYYY-MM-DD); default today.
        #[arg(long, value_name = "DATE", value_parser = date_arg)]
        as_of: Option<jiff::civil::Date>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Open the web workbench: drop ACE's files in the browser, read the triage, download uploads.
    ///
    /// Listens on 127.0.0.1 (this computer only) unless --allow-remote is given. Exit 0 = stopped
    /// with Ctrl+C, 2 = could not start.
    Serve {
        /// Address and port to listen on.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Allow an address other computers can reach. Refused without --team (there is no
        /// sign-in without it); a team server listens elsewhere only with --tls-cert and
        /// --tls-key, or on loopback behind a reverse proxy (README: Team server).
        #[arg(long)]
        allow_remote: bool,
        /// Also answer requests that name this host (a name or an address, without a port), on
        /// the port listened on; repeat for several. Without it only 127.0.0.1, localhost, [::1]
        /// and the address listened on are answered: any other name gets 421, so that a web site
        /// whose name is pointed at this computer cannot read the workbench (DNS rebinding).
        #[arg(long = "allow-host", value_name = "NAME")]
        allow_hosts: Vec<String>,
        /// Folder for uploaded files [default: the user's data folder, capekit/uploads].
        #[arg(long, value_name = "DIR")]
        upload_dir: Option<PathBuf>,
        /// Do not open the workbench in the browser. Without it, the default browser is opened
        /// when capekit runs in a terminal (never when its output goes to a file or a pipe).
        #[arg(long)]
        no_browser: bool,
        /// Serve a team: every page needs a sign-in by a user of the ledger (`capekit user
        /// add`), with roles, and an audit of who did what. Needed for --allow-remote.
        #[arg(long)]
        team: bool,
        /// Behind a reverse proxy on this computer that serves HTTPS: trust its
        /// X-Forwarded-Proto and X-Forwarded-For headers (from loopback only), so that cookies
        /// are marked Secure and sign-in limits count the real client address. Needs --team.
        #[arg(long, requires = "team")]
        behind_proxy: bool,
        /// Serve HTTPS with this certificate chain (PEM, the server's certificate first), so a
        /// team server may listen on an address other computers reach. Needs --team and
        /// --tls-key.
        #[arg(long, value_name = "FILE", requires_all = ["team", "tls_key"])]
        tls_cert: Option<PathBuf>,
        /// The private key of --tls-cert (PEM: PKCS#8, PKCS#1 or SEC1).
        #[arg(long, value_name = "FILE", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
    },
    /// Manage the users of a team server (`capekit serve --team`), kept in the ledger.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Write the next declaration from the ledger alone: every entry whose latest rejection says
    /// `refile`, plus the corrected entries whose rejection a correction or the wait clears.
    ///
    /// Never an entry accepted on any claim, never one still pending. Records what it wrote, so
    /// those entries are pending until their claim is triaged. Exit 0 = written (or nothing to
    /// refile), 1 = some entries were left out (each listed with why: a corrected entry that
    /// may not be refiled, or one judged again as of --as-of), 2 = could not run.
    Refile {
        /// Entries corrected (or waited for): one entry number a line, or a CSV/XLSX with an entry
        /// column.
        #[arg(long, value_name = "FILE")]
        corrected: Option<PathBuf>,
        /// Only this importer of record's entries (needs recorded entry data).
        #[arg(long, value_name = "NUMBER")]
        importer: Option<String>,
        /// Folder for the upload, refile-all-claims-DATE.csv (refile-IMPORTER-DATE.csv with
        /// --importer; parts of at most 9,999 entries: ...-01.csv).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The day of the new declaration (YYYY-MM-DD): each entry's rejection and kept entry
        /// data are judged again as of it; default today.
        #[arg(long, value_name = "DATE", value_parser = date_arg)]
        as_of: Option<jiff::civil::Date>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Look into the ledger: import files, mark declarations uploaded, failed or discarded, show
    /// where entries stand, export, escalate, back up, verify.
    Ledger {
        #[command(subcommand)]
        command: LedgerCommand,
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

/// `capekit ledger ...`.
#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Record files in the ledger: Claim Details and Validation Result Files (triaged as of
    /// --as-of), declaration uploads, ES-003 exports or entry lists (their entries' paths and
    /// deadlines decided as of --as-of), and ACE refund reports (ES-022, REV-603, REV-613,
    /// REV-615: every row as a refund event), recognised by their content.
    ///
    /// A file already recorded (same bytes) changes nothing. Declarations are recorded before
    /// claim files. A file of unknown kind refuses the whole import. Exit 0 = recorded, 2 = could
    /// not run.
    Import {
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The declaration the claim files answer: its file, its path as capekit wrote it, or
        /// `#N` from `capekit ledger declarations`. Each Claim Details answers it, and a
        /// Validation Result File with a file-level error marks it failed (even one imported
        /// before). A file not yet in the ledger is recorded as uploaded.
        #[arg(long, value_name = "DECLARATION")]
        declaration: Option<String>,
        /// Triage claim files with the rules in force on this date, and decide entry data as of
        /// it (YYYY-MM-DD); default today.
        #[arg(long, value_name = "DATE", value_parser = date_arg)]
        as_of: Option<jiff::civil::Date>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Entries by state and action, per importer when entry data is known, nearest deadlines.
    Status {
        /// List the deadlines from this date on (YYYY-MM-DD); default today.
        #[arg(long, value_name = "DATE", value_parser = date_arg)]
        as_of: Option<jiff::civil::Date>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Where one entry stands, and everything recorded about it.
    Entry {
        /// The entry number (dashes and spaces are fine).
        number: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Every entry with its state, as CSV or XLSX (by the extension of --out).
    Export {
        /// The file to write: .csv or .xlsx.
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// Output format of the summary.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// The email to IEEPARefunds@cbp.dhs.gov about entries rejected 3 or more times with the
    /// same retry-later message. Exit 0 = none, 1 = some to send.
    Escalate {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Say that declaration files were uploaded on ACE Portal: from now on their entries are
    /// pending with CBP, and their bytes are kept in the ledger. A file the ledger does not know
    /// yet is recorded. Refused when an entry is already pending on another upload.
    Uploaded {
        /// The declaration files (or a declaration's number from `ledger declarations`, `#12`).
        #[arg(required = true)]
        files: Vec<String>,
        /// When it was uploaded: `2026-11-24T10:00:00Z`, `2026-11-24 10:00` or `2026-11-24`
        /// (local time); default now.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// ACE's upload job or declaration number, as File Uploads shows it.
        #[arg(long, value_name = "ID")]
        job: Option<String>,
    },
    /// A reviewer's sign-off of a draft declaration: on a team's ledger (one with users) a draft
    /// is marked uploaded only once a reviewer or an admin signed it off, unless an admin turned
    /// the rule off (`capekit user policy --no-signoff`). The reviewer's password is asked (or
    /// read from standard input); the sign-off is recorded with who and when.
    SignOff {
        /// The declaration file (or `#NUMBER`).
        file: String,
        /// The reviewer or admin signing it off.
        #[arg(long, value_name = "NAME")]
        reviewer: String,
        /// Read the reviewer's password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Say that a declaration's upload failed file validation: its entries are released.
    Failed {
        /// The declaration file (or `#NUMBER`).
        file: String,
    },
    /// Give up a declaration that was never uploaded: its entries are released.
    Discard {
        /// The declaration file (or `#NUMBER`).
        file: String,
    },
    /// Undo the latest mark (uploaded, failed, discarded) of a declaration; the undo is recorded.
    Undo {
        /// The declaration file (or `#NUMBER`).
        file: String,
    },
    /// Every declaration with its state (draft, uploaded, answered, failed, discarded), entries,
    /// age and claim.
    Declarations {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// A consistent copy of the ledger, even while another capekit writes to it (SQLite's online
    /// backup). Records are kept five years (19 CFR 163.4): keep copies elsewhere.
    Backup {
        /// The copy to write; must not exist.
        file: PathBuf,
    },
    /// Copy the whole ledger to a PostgreSQL server, or from one back to a file: `--ledger
    /// FILE ledger copy --to postgres://...`, or `--ledger postgres://... ledger copy --to FILE`.
    /// The target must be new or empty (exit 2 otherwise); the source is only read; each table's
    /// rows are counted on both sides, and the copy is committed only when they reconcile.
    Copy {
        /// The target: a `postgres://` URL or a key=value connection string (`host=/run/postgresql
        /// dbname=ledger`) when the ledger is a file; a new ledger file when it is on a server.
        #[arg(long, value_name = "URL_OR_FILE")]
        to: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// SQLite's integrity check plus the ledger's invariants. Exit 0 = sound, 1 = problems.
    Verify {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Record what was done for entries on another path: a protest, a suit, a PSC or a CAPE
    /// Phase 3 submission. The deadline it met stops alarming in `plan` and `ledger status`.
    #[command(group(clap::ArgGroup::new("act").required(true).args(["protest", "suit", "psc", "phase3"])))]
    Acted {
        /// The entries (dashes and spaces are fine).
        #[arg(required = true)]
        entries: Vec<String>,
        /// A protest was filed: its number.
        #[arg(long, value_name = "NUMBER")]
        protest: Option<String>,
        /// A suit was filed in the Court of International Trade: its court number.
        #[arg(long, value_name = "NUMBER")]
        suit: Option<String>,
        /// A post-summary correction was filed: its reference.
        #[arg(long, value_name = "REFERENCE")]
        psc: Option<String>,
        /// The entries were submitted through CAPE Phase 3; a reference, if any, is given as
        /// `--phase3=REFERENCE` (so that the first entry is never taken for it).
        #[arg(
            long,
            value_name = "REFERENCE",
            num_args = 0..=1,
            require_equals = true,
            default_missing_value = ""
        )]
        phase3: Option<String>,
        /// The day it was done (YYYY-MM-DD); default today (Eastern Time).
        #[arg(long, value_name = "DATE", value_parser = date_arg)]
        date: Option<jiff::civil::Date>,
    },
}

/// A date argument: YYYY-MM-DD, or as ACE and Excel write dates (MM/DD/YYYY, M/D/YY).
fn date_arg(s: &str) -> Result<jiff::civil::Date, String> {
    match capekit_core::dates::parse_date(s) {
        Ok(Some(d)) => Ok(d),
        Ok(None) => Err("give a date as YYYY-MM-DD (or MM/DD/YYYY)".to_owned()),
        Err(why) => Err(format!(
            "`{s}` is not a date ({why}): give it as YYYY-MM-DD (or MM/DD/YYYY)"
        )),
    }
}

/// Parses `IMPORTER=DATE` (`--active-on 27-184593000=2026-11-02`).
fn importer_day(s: &str) -> Result<(String, jiff::civil::Date), String> {
    let Some((importer, day)) = s.rsplit_once('=') else {
        return Err(format!(
            "`{s}`: give the importer and the day as IMPORTER=DATE, e.g. 27-184593000=2026-11-02"
        ));
    };
    let importer = importer.trim();
    if importer.is_empty() {
        return Err(format!("`{s}`: the importer number before `=` is missing"));
    }
    Ok((importer.to_owned(), date_arg(day.trim())?))
}

/// `capekit user ...`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user. The password is asked twice on the terminal without echo, or read from the
    /// first line of standard input with --password-stdin; at least 12 characters. Exit 0 =
    /// added, 2 = refused (name taken, weak password).
    Add {
        /// The sign-in name: letters, digits, `.`, `_`, `-` and `@`.
        name: String,
        /// What the user may do.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Read the password from the first line of standard input instead of the terminal.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the users, their roles and whether they are disabled (never a password or its hash).
    List,
    /// Disable a user: they cannot sign in, and their sessions end on their next request.
    Disable {
        /// The user.
        name: String,
    },
    /// Enable a disabled user again.
    Enable {
        /// The user.
        name: String,
    },
    /// Whether a reviewer must sign off a declaration before it may be marked uploaded on a team
    /// server (on by default). Without an option, says which.
    Policy {
        /// Turn the sign-off rule off.
        #[arg(long, conflicts_with = "signoff")]
        no_signoff: bool,
        /// Turn the sign-off rule on.
        #[arg(long)]
        signoff: bool,
    },
}

/// A role, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// Reads files, triages, plans, downloads drafts, marks uploads.
    Clerk,
    /// A clerk who also signs off drafts before they are marked uploaded.
    Reviewer,
    /// A reviewer who also manages users and the sign-off rule.
    Admin,
}

impl From<RoleArg> for capekit_ledger::Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Clerk => Self::Clerk,
            RoleArg::Reviewer => Self::Reviewer,
            RoleArg::Admin => Self::Admin,
        }
    }
}
