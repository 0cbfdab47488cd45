//! The global `--ledger` / `--no-ledger` options, and `capekit ledger ...`.
//!
//! Where the ledger is: `--ledger PATH`, else `CAPEKIT_LEDGER`, else the user's data folder.
//! Commands that only read (check, fix, the ledger's reports) never create a ledger file: with
//! none there yet they know nothing, and say so. Commands that record (triage, refile, ledger
//! import) create it.
//!
//! `run` dispatches each `capekit ledger` subcommand; those that say more than a line have a file
//! of their own beside this one.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use capekit_core::EntryNumber;
use capekit_io::output::{OutputSet, RecordedFile};
use capekit_io::render::escape_controls;
use capekit_ledger::server::{Location, ServerUrl};
use capekit_ledger::{DeclRef, DeclState, Declaration, DeclarationId, Ledger, Mark};
use serde::Serialize;

use crate::cli::{Format, LedgerCommand};
use crate::exit;

mod acted;
mod copy;
mod escalate;
mod export;
mod import;
mod mark;
mod record;
mod status;
mod verify;

pub use record::{DEMO, demo_ledger, record_reserved, record_triage};

/// The environment variable naming the ledger file.
pub const LEDGER_ENV: &str = "CAPEKIT_LEDGER";

/// The global ledger options.
#[derive(Debug, Clone, Default)]
pub struct LedgerOpt {
    /// `--ledger PATH`, when given on the command line.
    pub explicit: Option<PathBuf>,
    /// `--no-ledger`.
    pub disabled: bool,
    /// The demo's own ledger of sample data: nothing in it is to be uploaded.
    pub sample: bool,
}

impl LedgerOpt {
    /// How the commands the user is told to run must start to reach this ledger: `capekit`, or
    /// `capekit --ledger PATH` when it was named with `--ledger` (the demo's own, or one given on
    /// the command line), so that a hint copied as printed acts on the same ledger.
    pub fn command(&self) -> String {
        match &self.explicit {
            Some(p) if !self.disabled => {
                format!("capekit --ledger {}", shell_word(&p.display().to_string()))
            }
            _ => "capekit".to_owned(),
        }
    }

    /// The ledger file, or `None` with `--no-ledger`. A ledger on a server is refused: this
    /// version runs its commands on a file ([`server_refused`]).
    pub fn path(&self) -> anyhow::Result<Option<PathBuf>> {
        match self.location()? {
            None => Ok(None),
            Some(Location::File(p)) => Ok(Some(p)),
            Some(Location::Server(url)) => Err(server_refused(&url)),
        }
    }

    /// Where the ledger is, a file or a server, or `None` with `--no-ledger`.
    pub fn location(&self) -> anyhow::Result<Option<Location>> {
        if self.disabled {
            return Ok(None);
        }
        if let Some(p) = &self.explicit {
            return Ok(Some(Location::of(p)));
        }
        if let Some(p) = std::env::var_os(LEDGER_ENV).filter(|v| !v.is_empty()) {
            return Ok(Some(Location::of(Path::new(&p))));
        }
        match capekit_ledger::default_path() {
            Some(p) => Ok(Some(Location::File(p))),
            None => bail!(
                "this system has no data folder for the ledger; give --ledger PATH (or set {LEDGER_ENV}), or run with --no-ledger"
            ),
        }
    }

    /// Opens the ledger to record into, creating it when absent; `None` with `--no-ledger`.
    pub fn open(&self) -> anyhow::Result<Option<Ledger>> {
        let l = self
            .path()?
            .map(|p| {
                open_waiting(&p).with_context(
                    || "the ledger could not be opened; run with --no-ledger to go on without it",
                )
            })
            .transpose()?;
        if let Some(l) = &l {
            notice(l);
        }
        Ok(l)
    }

    /// Opens the ledger to read; `None` with `--no-ledger` or when no ledger file exists yet
    /// (nothing is created).
    pub fn open_existing(&self) -> anyhow::Result<Option<Ledger>> {
        match self.path()? {
            Some(p) if p.exists() => {
                let l = open_waiting(&p).with_context(
                    || "the ledger could not be opened; run with --no-ledger to go on without it",
                )?;
                notice(&l);
                Ok(Some(l))
            }
            _ => Ok(None),
        }
    }

    /// Keeps `set` off the ledger's files and off every declaration it records.
    pub fn protect(&self, set: &mut OutputSet) -> anyhow::Result<()> {
        self.protected()?.apply(set);
        Ok(())
    }

    /// What no output may replace: the ledger file and its side files, and the declaration
    /// files it records (read from an existing ledger; nothing is created).
    pub fn protected(&self) -> anyhow::Result<Protected> {
        let recorded = match self.open_existing()? {
            Some(l) => recorded_files(&l)?,
            None => Vec::new(),
        };
        Ok(Protected {
            ledger: self.path()?,
            recorded,
        })
    }
}

/// The declarations `ledger` records, as files outputs must not replace. A draft (or a draft
/// discarded when a later run superseded it) may be replaced by a run that owns its folder.
pub fn recorded_files(ledger: &Ledger) -> anyhow::Result<Vec<RecordedFile>> {
    Ok(ledger
        .declaration_files()?
        .into_iter()
        .map(|d| {
            let path = d.refile_path.as_ref().map(PathBuf::from);
            let draft_in = path
                .as_ref()
                .filter(|_| matches!(d.state, DeclState::Draft | DeclState::Discarded))
                .and_then(|p| p.parent().map(Path::to_path_buf));
            RecordedFile {
                what: format!(
                    "declaration #{} `{}` ({})",
                    d.id,
                    capekit_ledger::shown_name(&d.name),
                    d.state
                ),
                path,
                sha256: d.sha256,
                draft_in,
            }
        })
        .collect())
}

/// See [`LedgerOpt::protected`].
#[derive(Debug, Clone, Default)]
pub struct Protected {
    ledger: Option<PathBuf>,
    recorded: Vec<RecordedFile>,
}

impl Protected {
    /// Keeps `set` off these files.
    pub fn apply(&self, set: &mut OutputSet) {
        if let Some(p) = &self.ledger {
            set.protect_ledger(p);
        }
        set.protect_recorded(self.recorded.clone());
    }
}

impl LedgerOpt {
    /// The importer the ledger's kept entry data gives for each of `entries` (none without a
    /// ledger): whose report a triage's entry goes on when its claim file does not say.
    pub fn importers(
        &self,
        entries: impl IntoIterator<Item = EntryNumber>,
    ) -> anyhow::Result<std::collections::HashMap<EntryNumber, String>> {
        match self.open_existing()? {
            Some(l) => Ok(l.importers_of(entries)?),
            None => Ok(std::collections::HashMap::new()),
        }
    }

    /// The ledger for the `ledger` commands: refused with `--no-ledger`; an empty in-memory one
    /// when no file exists yet, so reports read "nothing recorded" without creating a file.
    fn for_reading(&self) -> anyhow::Result<(Ledger, String)> {
        let Some(path) = self.path()? else {
            bail!("--no-ledger: the ledger commands need the ledger; drop --no-ledger");
        };
        let shown = path.display().to_string();
        if path.exists() {
            let l = open_waiting(&path)?;
            notice(&l);
            Ok((l, shown))
        } else {
            errln!(
                "capekit: no ledger at {shown} yet: nothing is recorded (`capekit triage` and `capekit ledger import` create it)"
            );
            Ok((Ledger::open_in_memory()?, shown))
        }
    }

    /// The ledger to record into, refused with `--no-ledger`.
    pub fn require(&self, what: &str) -> anyhow::Result<Ledger> {
        match self.open()? {
            Some(l) => Ok(l),
            None => bail!("--no-ledger: {what} needs the ledger; drop --no-ledger"),
        }
    }
}

/// How long a command waits for another capekit process writing the ledger (a large triage
/// records and writes its outputs under the write lock for several seconds) before it gives up.
const WAIT_FOR_WRITER: std::time::Duration = std::time::Duration::from_secs(60);

/// The ledger at `path`, waiting up to [`WAIT_FOR_WRITER`] for another process writing it.
fn open_waiting(path: &Path) -> capekit_ledger::Result<Ledger> {
    Ledger::open_with_busy_timeout(path, WAIT_FOR_WRITER)
}

static NOTICED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static DEFERRED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Holds the ledger's notice ([`notice`]) back until [`notice_after`]: a run that records
/// claims may answer the very uploads the notice would call stale.
pub fn defer_notice() {
    DEFERRED.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// The notice held back by [`defer_notice`], of the ledger as the run left it.
pub fn notice_after(opt: &LedgerOpt) {
    DEFERRED.store(false, std::sync::atomic::Ordering::Relaxed);
    if let Ok(Some(l)) = opt.open_existing() {
        notice(&l);
    }
}

/// Says on standard error, once a run, what the ledger needs from the user before anything else:
/// uploads with no claim after two days, and declarations of an older capekit never confirmed.
fn notice(l: &Ledger) {
    if DEFERRED.load(std::sync::atomic::Ordering::Relaxed)
        || NOTICED.swap(true, std::sync::atomic::Ordering::Relaxed)
    {
        return;
    }
    let now = jiff::Timestamp::now();
    let Ok(a) = l.attention(now) else { return };
    for d in &a.stale {
        errln!(
            "capekit: warning: declaration #{} {} was uploaded {} ago and has no claim yet: look for its claim number in ACE (CAPE > File Uploads, then Claim Status) before anything else, then triage its Claim Details; if its upload failed, run `capekit ledger failed '#{}'`",
            d.id,
            capekit_ledger::shown_name(&d.name),
            plural(
                d.days_uploaded(now).unwrap_or(0).max(0) as usize,
                "day",
                "days"
            ),
            d.id
        );
    }
    if !a.unconfirmed.is_empty() {
        errln!(
            "capekit: {} recorded before capekit kept upload states count{} as uploaded and still hold{} {}: confirm each with `capekit ledger uploaded '#N'`, or release one never uploaded with `capekit ledger discard '#N'` (`capekit ledger declarations` lists them: {})",
            plural(a.unconfirmed.len(), "declaration", "declarations"),
            if a.unconfirmed.len() == 1 { "s" } else { "" },
            if a.unconfirmed.len() == 1 { "s" } else { "" },
            plural(
                a.unconfirmed.iter().map(|d| d.holding).sum(),
                "entry",
                "entries"
            ),
            a.unconfirmed
                .iter()
                .take(5)
                .map(|d| format!("#{} {}", d.id, capekit_ledger::shown_name(&d.name)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}

pub use super::files::plural;

/// Shown name of a ledger.
pub fn shown(ledger: &Ledger) -> String {
    ledger
        .path()
        .map_or_else(|| ":memory:".to_owned(), |p| p.display().to_string())
}

/// Why a command other than `ledger copy` stops on a ledger on a server (exit 2).
pub fn server_refused(url: &ServerUrl) -> anyhow::Error {
    // The address is shown with its password masked, so the command to copy it names it only
    // when it has none to hide.
    let given = if url.has_password() {
        "URL".to_owned()
    } else {
        shell_word(&url.masked())
    };
    anyhow::anyhow!(
        "the ledger {url} is on a PostgreSQL server, but this version of capekit runs its commands on a ledger file; `capekit ledger copy` moves a ledger to and from a server: copy it to a file (`capekit --ledger {given} ledger copy --to ledger.sqlite3`) and give that file as --ledger"
    )
}

/// `ledger status`: the ledger's status, and the drafts holding entries CAPE will refuse on
/// the day asked.
#[derive(Serialize)]
struct StatusOutput<'a> {
    #[serde(flatten)]
    status: &'a capekit_ledger::LedgerStatus,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    drafts_past_window: &'a [capekit_app::refile::Held],
}

/// Runs `capekit ledger ...`.
pub fn run(command: LedgerCommand, opt: &LedgerOpt) -> anyhow::Result<u8> {
    match command {
        LedgerCommand::Import {
            files,
            declaration,
            as_of,
            format,
        } => import::import(&files, declaration.as_deref(), as_of, format, opt),
        LedgerCommand::Status { as_of, format } => {
            let (l, _) = opt.for_reading()?;
            let mut status =
                capekit_app::status::status(&l, as_of.unwrap_or_else(super::files::today))?;
            if l.path().is_none() {
                status.path = opt
                    .path()?
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
            }
            let drafts = capekit_app::refile::drafts_past_window(
                &l,
                as_of.unwrap_or_else(super::files::today),
            )?;
            let shown = StatusOutput {
                status: &status,
                drafts_past_window: &drafts,
            };
            print_out(opt, format, &shown, || {
                let mut text = status::status_text(&status);
                for h in &drafts {
                    text.push_str(&super::refile::draft_past_window(
                        h,
                        "capekit",
                        as_of.unwrap_or_else(super::files::today),
                    ));
                }
                text
            })?;
            Ok(exit::OK)
        }
        LedgerCommand::Entry { number, format } => {
            let entry = EntryNumber::parse(&number)
                .with_context(|| format!("`{number}` is not an entry number"))?;
            let (l, _) = opt.for_reading()?;
            let state = l.entry_state(entry)?;
            let closed_on_draft = match state {
                capekit_ledger::EntryState::Drafted { .. } => {
                    capekit_app::refile::closed_on_draft(&l, [entry], super::files::today())?.pop()
                }
                _ => None,
            };
            let view = status::EntryView {
                entry,
                state,
                timeline: l.timeline(entry)?,
                closed_on_draft,
            };
            print_out(opt, format, &view, || status::entry_text(&view))?;
            Ok(exit::OK)
        }
        LedgerCommand::Export { out, format } => export::export(&out, format, opt),
        LedgerCommand::Escalate { format } => {
            let (l, _) = opt.for_reading()?;
            let escalations = l.escalations()?;
            print_out(opt, format, &escalations, || {
                escalate::escalation_email(&escalations)
            })?;
            Ok(if escalations.is_empty() {
                exit::OK
            } else {
                exit::FOUND_PROBLEMS
            })
        }
        LedgerCommand::Acted {
            entries,
            protest,
            suit,
            psc,
            phase3,
            date,
        } => acted::acted(&entries, protest, suit, psc, phase3, date, opt),
        LedgerCommand::Uploaded { files, at, job } => {
            mark::uploaded(&files, at.as_deref(), job.as_deref(), opt)
        }
        LedgerCommand::SignOff {
            file,
            reviewer,
            password_stdin,
        } => {
            let mut l = opt.require("signing off a declaration")?;
            let d = find(&l, &file)?;
            let password = crate::cmd::user::read_existing_password(password_stdin, &reviewer)?;
            capekit_app::users::sign_off(
                &mut l,
                d.id,
                &reviewer,
                &password,
                "capekit ledger sign-off",
            )?;
            outln!(
                "declaration #{} {} signed off by {reviewer}: it may be marked uploaded",
                d.id,
                capekit_ledger::shown_name(&d.name)
            );
            Ok(exit::OK)
        }
        LedgerCommand::Failed { file } => mark::mark(
            &file,
            &Mark::Failed {
                note: "the user said its upload failed".to_owned(),
            },
            opt,
        ),
        LedgerCommand::Discard { file } => mark::mark(
            &file,
            &Mark::Discarded {
                note: "discarded by the user".to_owned(),
            },
            opt,
        ),
        LedgerCommand::Undo { file } => {
            let mut l = opt.require("`capekit ledger undo`")?;
            let d = find(&l, &file)?;
            let out = l.undo(d.id)?;
            outln!("{}", mark::mark_text(&out));
            Ok(exit::OK)
        }
        LedgerCommand::Declarations { format } => {
            let (l, _) = opt.for_reading()?;
            let list = l.declarations()?;
            print_out(opt, format, &list, || status::declarations_text(&list))?;
            Ok(exit::OK)
        }
        LedgerCommand::Copy { to, format } => copy::copy(&to, format, opt),
        LedgerCommand::Backup { file } => {
            let (l, shown) = opt.for_reading()?;
            // A dangling symlink exists too: SQLite would create its target.
            if std::fs::symlink_metadata(&file).is_ok() {
                bail!(
                    "{}: the file exists; a backup never replaces a file - give a new name",
                    file.display()
                );
            }
            // The guard every output passes: never the ledger, its side files, nor a
            // declaration it records, however the path is spelled.
            let mut set = OutputSet::new();
            opt.protect(&mut set)?;
            set.add(&file, Vec::new());
            set.check(&[]).context("backing up the ledger")?;
            l.backup(&file)
                .with_context(|| format!("backing up the ledger to {}", file.display()))?;
            outln!("backed up the ledger {shown} to {}", file.display());
            Ok(exit::OK)
        }
        LedgerCommand::Verify { format } => {
            let (l, shown) = opt.for_reading()?;
            let problems = l.verify()?;
            let report = verify::VerifyReport {
                ledger: shown,
                sound: problems.is_empty(),
                problems,
            };
            print_out(opt, format, &report, || verify::verify_text(&report))?;
            Ok(if report.sound {
                exit::OK
            } else {
                exit::FOUND_PROBLEMS
            })
        }
    }
}

/// `text` with every command it suggests (`` `capekit ledger uploaded ...` ``) naming the
/// ledger this run used (`capekit --ledger PATH ...`), so that it runs as printed.
pub fn runnable(text: &str, command: &str) -> String {
    if command == "capekit" {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("`capekit ") {
        let after = &rest[i + "`capekit ".len()..];
        out.push_str(&rest[..i]);
        if after.starts_with("--") {
            out.push_str("`capekit ");
        } else {
            out.push('`');
            out.push_str(command);
            out.push(' ');
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

fn print_out<T: Serialize>(
    opt: &LedgerOpt,
    format: Format,
    value: &T,
    text: impl FnOnce() -> String,
) -> anyhow::Result<()> {
    match format {
        Format::Text => out!("{}", escape_controls(&runnable(&text(), &opt.command()))),
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(value).context("serialising the output")?
        ),
    }
    Ok(())
}

/// A declaration named on the command line: a file (by its bytes), `#N` or `N`, or a recorded
/// name or path.
fn decl_ref(arg: &str) -> anyhow::Result<DeclRef> {
    let p = Path::new(arg);
    if p.is_file() {
        let bytes = capekit_io::read_file(p, capekit_io::declaration::MAX_READ_BYTES)?;
        return Ok(DeclRef::Sha256(capekit_ledger::sha256_hex(&bytes)));
    }
    if let Ok(n) = arg.trim_start_matches('#').parse::<i64>() {
        return Ok(DeclRef::Id(DeclarationId(n)));
    }
    let shown = capekit_io::output::resolve(p)
        .map(|r| r.display().to_string())
        .unwrap_or_else(|_| arg.to_owned());
    Ok(DeclRef::Name(shown))
}

fn find(l: &Ledger, arg: &str) -> anyhow::Result<Declaration> {
    let r = decl_ref(arg)?;
    if let DeclRef::Sha256(sha) = &r {
        // The same bytes may be on several declarations (written into two folders): the one
        // recorded at this path, if any, is the one meant.
        let here = capekit_io::output::resolve(Path::new(arg))
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let same: Vec<Declaration> = l
            .declarations()?
            .into_iter()
            .filter(|d| &d.sha256 == sha)
            .collect();
        if let Some(d) = same.iter().find(|d| d.name == here) {
            return Ok(d.clone());
        }
        // Else the one that still holds its entries (a draft or an upload), when only one does:
        // the others were superseded, discarded, failed or answered.
        let live: Vec<&Declaration> = same
            .iter()
            .filter(|d| matches!(d.state, DeclState::Draft | DeclState::Uploaded))
            .collect();
        if let [d] = live.as_slice() {
            return Ok((*d).clone());
        }
    }
    if let Some(d) = l.find_declaration(&r)? {
        return Ok(d);
    }
    if let DeclRef::Name(_) = r
        && let Some(d) = l.find_declaration(&DeclRef::Name(arg.to_owned()))?
    {
        return Ok(d);
    }
    bail!(
        "{arg}: no such declaration in the ledger - `capekit ledger declarations` lists them (name one as #NUMBER)"
    )
}

/// `word` as one shell word: as it is when it holds only characters no shell reads, else in
/// single quotes.
pub fn shell_word(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:,@=".contains(c))
    {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod runnable_tests {
    #[test]
    fn suggested_commands_name_the_ledger_once() {
        let t = "upload it and run `capekit ledger uploaded a.csv`, or `capekit --ledger x ledger discard a.csv`";
        assert_eq!(
            super::runnable(t, "capekit --ledger L.sqlite"),
            "upload it and run `capekit --ledger L.sqlite ledger uploaded a.csv`, or `capekit --ledger x ledger discard a.csv`"
        );
        assert_eq!(super::runnable(t, "capekit"), t);
    }
}
