//! The global `--ledger` / `--no-ledger` options, and `capekit ledger ...`.
//!
//! Where the ledger is: `--ledger PATH`, else `CAPEKIT_LEDGER`, else the user's data folder.
//! Commands that only read (check, fix, the ledger's reports) never create a ledger file: with
//! none there yet they know nothing, and say so. Commands that record (triage, refile, ledger
//! import) create it.

use capekit_core::words::FirstUse;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use capekit_app::import::{self, Detected, Imported, Named};
use capekit_core::EntryNumber;
use capekit_core::check::group;
use capekit_core::triage::TriageInput;
use capekit_io::claims::{ClaimFileKind, MAX_CLAIM_FILE_BYTES};
use capekit_io::output::{OutputSet, RecordedFile};
use capekit_io::render::escape_controls;
use capekit_io::sheet::{SheetTable, to_csv, to_xlsx};
use capekit_io::triage_out::TriageFiles;
use capekit_ledger::{
    DeclRef, DeclState, Declaration, DeclarationId, EntryFacts, EntryState, Escalation, ExportRow,
    FileKind, FileMeta, ImportOutcome, Ledger, LedgerStatus, Mark, MarkOutcome, Problem,
    TimelineEvent,
};
use serde::Serialize;

use crate::cli::{Format, LedgerCommand};
use crate::exit;

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

    /// The ledger file, or `None` with `--no-ledger`.
    pub fn path(&self) -> anyhow::Result<Option<PathBuf>> {
        if self.disabled {
            return Ok(None);
        }
        if let Some(p) = &self.explicit {
            return Ok(Some(p.clone()));
        }
        if let Some(p) = std::env::var_os(LEDGER_ENV).filter(|v| !v.is_empty()) {
            return Ok(Some(PathBuf::from(p)));
        }
        match capekit_ledger::default_path() {
            Some(p) => Ok(Some(p)),
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

/// `1 entry`, `2 entries`, with thousands separators.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", group(n as u64), if n == 1 { one } else { many })
}

/// Shown name of a ledger.
pub fn shown(ledger: &Ledger) -> String {
    ledger
        .path()
        .map_or_else(|| ":memory:".to_owned(), |p| p.display().to_string())
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

/// Runs `capekit ledger ...`.
pub fn run(command: LedgerCommand, opt: &LedgerOpt) -> anyhow::Result<u8> {
    match command {
        LedgerCommand::Import {
            files,
            declaration,
            as_of,
            format,
        } => import(&files, declaration.as_deref(), as_of, format, opt),
        LedgerCommand::Status { as_of, format } => {
            let (l, _) = opt.for_reading()?;
            let mut status =
                capekit_app::status::status(&l, as_of.unwrap_or_else(super::triage::today))?;
            if l.path().is_none() {
                status.path = opt
                    .path()?
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
            }
            print_out(opt, format, &status, || status_text(&status))?;
            Ok(exit::OK)
        }
        LedgerCommand::Entry { number, format } => {
            let entry = EntryNumber::parse(&number)
                .with_context(|| format!("`{number}` is not an entry number"))?;
            let (l, _) = opt.for_reading()?;
            let view = EntryView {
                entry,
                state: l.entry_state(entry)?,
                timeline: l.timeline(entry)?,
            };
            print_out(opt, format, &view, || entry_text(&view))?;
            Ok(exit::OK)
        }
        LedgerCommand::Export { out, format } => export(&out, format, opt),
        LedgerCommand::Escalate { format } => {
            let (l, _) = opt.for_reading()?;
            let escalations = l.escalations()?;
            print_out(opt, format, &escalations, || escalation_email(&escalations))?;
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
        } => acted(&entries, protest, suit, psc, phase3, date, opt),
        LedgerCommand::Uploaded { files, at, job } => {
            uploaded(&files, at.as_deref(), job.as_deref(), opt)
        }
        LedgerCommand::Failed { file } => mark(
            &file,
            &Mark::Failed {
                note: "the user said its upload failed".to_owned(),
            },
            opt,
        ),
        LedgerCommand::Discard { file } => mark(
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
            outln!("{}", mark_text(&out));
            Ok(exit::OK)
        }
        LedgerCommand::Declarations { format } => {
            let (l, _) = opt.for_reading()?;
            let list = l.declarations()?;
            print_out(opt, format, &list, || declarations_text(&list))?;
            Ok(exit::OK)
        }
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
            let report = VerifyReport {
                ledger: shown,
                sound: problems.is_empty(),
                problems,
            };
            print_out(opt, format, &report, || verify_text(&report))?;
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

#[derive(Serialize)]
struct ImportReport<'a> {
    ledger: String,
    #[serde(flatten)]
    imported: &'a Imported,
}

fn import(
    files: &[PathBuf],
    named: Option<&str>,
    as_of: Option<jiff::civil::Date>,
    format: Format,
    opt: &LedgerOpt,
) -> anyhow::Result<u8> {
    let as_of = as_of.unwrap_or_else(super::triage::today);
    defer_notice();
    let timed = capekit_io::timings::phase("ledger import read files");
    // Read, recognised and hashed on every core; the first file refused, in the order given,
    // is the one named. Every file is read and recognised before anything is recorded: one
    // unknown file refuses the whole import.
    let read = capekit_io::claims::parallel_map(files, |path| {
        let bytes = capekit_io::read_file(path, MAX_CLAIM_FILE_BYTES)?;
        let name = path.display().to_string();
        anyhow::Ok(import::read_file(&name, bytes, || {
            super::plan::file_date(path)
        })?)
    })
    .into_iter()
    .collect::<anyhow::Result<Vec<_>>>()?;
    let read = import::gather(read, named.is_some())?;
    drop(timed);
    let mut ledger = opt.require("`capekit ledger import`")?;
    let command = opt.command();
    let imported = import::record(&mut ledger, read, as_of, |l| {
        named.map(|arg| named_declaration(l, arg)).transpose()
    })?;
    let report = ImportReport {
        ledger: shown(&ledger),
        imported: &imported,
    };
    print_out(opt, format, &report, || {
        let Imported {
            as_of,
            files,
            diagnostics,
            advice,
        } = report.imported;
        let mut out = String::new();
        // A finding repeated on many lines is told once, with its lines and the first few.
        for g in capekit_core::words::group_findings(diagnostics) {
            if g.count() > 1 {
                let _ = writeln!(
                    out,
                    "{}: {} {}",
                    g.all[0].file.as_deref().unwrap_or(""),
                    g.code,
                    g.whereabouts()
                );
            }
            for d in g.shown() {
                let _ = writeln!(
                    out,
                    "{}{}: {}",
                    if g.count() > 1 { "  " } else { "" },
                    d.file.as_deref().unwrap_or(""),
                    d.message
                );
            }
            if let Some(more) = g.more("all in --format json") {
                let _ = writeln!(out, "  {more}");
            }
        }
        for l in files {
            let _ = match &l.outcome {
                ImportOutcome::Imported { entries, .. } => writeln!(
                    out,
                    "{}: {}, {} recorded{}",
                    l.file,
                    l.report
                        .map_or_else(|| l.kind.to_string(), |r| r.to_string()),
                    match l.kind {
                        FileKind::Declaration | FileKind::Refile | FileKind::EntryData =>
                            plural(*entries, "entry", "entries"),
                        FileKind::ClaimDetails | FileKind::ValidationResult =>
                            plural(*entries, "claim row", "claim rows"),
                        FileKind::RefundReport => plural(*entries, "refund row", "refund rows"),
                    },
                    if l.kind == FileKind::EntryData {
                        format!(" with their paths and deadlines as of {as_of}")
                    } else {
                        String::new()
                    }
                ),
                ImportOutcome::AlreadyImported { imported_at, .. } => writeln!(
                    out,
                    "{}: already in the ledger since {} - nothing changed",
                    l.file,
                    capekit_core::words::shown_time(imported_at)
                ),
            };
        }
        for a in advice {
            let _ = writeln!(out, "{a}");
        }
        if files
            .iter()
            .any(|l| l.kind == FileKind::Declaration && !l.outcome.already())
        {
            let _ = writeln!(
                out,
                "declarations are recorded as drafts: once uploaded on ACE Portal, run `{} ledger uploaded FILE`",
                command
            );
        }
        let _ = writeln!(out, "ledger {}", report.ledger);
        out
    })?;
    notice_after(opt);
    Ok(exit::OK)
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

/// The declaration `ledger import --declaration` names: one the ledger records, else a
/// declaration file not recorded yet.
fn named_declaration(l: &Ledger, arg: &str) -> anyhow::Result<Named> {
    match find(l, arg) {
        Ok(d) => Ok(Named::Recorded(d.id)),
        Err(not_found) => {
            let p = Path::new(arg);
            if !p.is_file() {
                return Err(not_found.context(format!("--declaration {arg}")));
            }
            let bytes = capekit_io::read_file(p, capekit_io::declaration::MAX_READ_BYTES)?;
            let name = p.display().to_string();
            let Detected::Declaration(entries, _) = import::detect(&name, &bytes)? else {
                bail!("--declaration {name}: not a declaration upload (one `Entry Number` column)")
            };
            Ok(Named::File(
                FileMeta::of_bytes(&name, FileKind::Declaration, &bytes),
                entries,
            ))
        }
    }
}

fn mark(arg: &str, m: &Mark, opt: &LedgerOpt) -> anyhow::Result<u8> {
    let mut l = opt.require("marking a declaration")?;
    let d = find(&l, arg)?;
    let out = l.mark(d.id, m)?;
    outln!("{}", mark_text(&out));
    Ok(exit::OK)
}

fn mark_text(o: &MarkOutcome) -> String {
    match o {
        MarkOutcome::Changed {
            id,
            name,
            from,
            to,
            entries,
        } => {
            let what = match to {
                DeclState::Uploaded => format!(
                    "its {} {} pending with CBP until its claim is triaged",
                    plural(*entries, "entry", "entries"),
                    if *entries == 1 { "is" } else { "are" }
                ),
                DeclState::Failed | DeclState::Discarded => format!(
                    "its {} {} released",
                    plural(*entries, "entry", "entries"),
                    if *entries == 1 { "is" } else { "are" }
                ),
                DeclState::Draft => format!(
                    "it reserves its {} again",
                    plural(*entries, "entry", "entries")
                ),
                DeclState::Answered => "answered by its claim".to_owned(),
            };
            format!(
                "declaration #{id} {}: {} -> {to}: {what}",
                capekit_ledger::shown_name(name),
                from.map_or("new".to_owned(), |f| f.to_string())
            )
        }
        MarkOutcome::Unchanged { id, name, state } => format!(
            "declaration #{id} {}: already {state} - nothing changed",
            capekit_ledger::shown_name(name)
        ),
    }
}

/// Parses `--at`: an RFC 3339 time, or a local date and time, or a local date; never in the
/// future, nor before CAPE opened (2026-04-20 08:00 ET): an upload time outside those is a typo,
/// and would place the upload wrong against its claims.
fn parse_at(s: &str) -> anyhow::Result<jiff::Timestamp> {
    let t = parse_at_any(s)?;
    let now = jiff::Timestamp::now();
    if t > now {
        bail!(
            "--at `{s}` is in the future (now is {}): give the time the file was uploaded",
            capekit_core::words::shown_time(now)
        );
    }
    let opened: jiff::Timestamp = "2026-04-20T12:00:00Z".parse()?;
    if t < opened {
        bail!(
            "--at `{s}` is before CAPE opened (2026-04-20 08:00 ET): give the time the file was uploaded"
        );
    }
    Ok(t)
}

fn parse_at_any(s: &str) -> anyhow::Result<jiff::Timestamp> {
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    let tz = jiff::tz::TimeZone::system();
    if let Ok(dt) = s.replace(' ', "T").parse::<jiff::civil::DateTime>() {
        return Ok(tz.to_timestamp(dt)?);
    }
    if let Ok(d) = s.parse::<jiff::civil::Date>() {
        return Ok(tz.to_timestamp(d.at(0, 0, 0, 0))?);
    }
    bail!("--at `{s}`: give a time as 2026-11-24T10:00:00Z, 2026-11-24 10:00 or 2026-11-24")
}

fn uploaded(
    files: &[String],
    at: Option<&str>,
    job: Option<&str>,
    opt: &LedgerOpt,
) -> anyhow::Result<u8> {
    let at = at.map(parse_at).transpose()?;
    let job = job.map(str::to_owned);
    let mut l = opt.require("`capekit ledger uploaded`")?;
    for arg in files {
        let p = Path::new(arg);
        // The entries of an upload given as a file, for the warning below.
        let mut uploaded_entries = None;
        let out = if p.is_file() {
            let bytes = capekit_io::read_file(p, capekit_io::declaration::MAX_READ_BYTES)?;
            let sha = capekit_ledger::sha256_hex(&bytes);
            let name = p.display().to_string();
            // The same bytes may be on several declarations (a re-run into another folder after
            // the first draft was superseded): `find` takes the one meant.
            match l
                .find_declaration(&DeclRef::Sha256(sha))
                .map(|d| d.is_some())
            {
                Ok(true) | Err(_) => {
                    if let Ok(Detected::Declaration(entries, _)) = import::detect(&name, &bytes) {
                        uploaded_entries = Some(entries);
                    }
                    l.mark(
                        find(&l, arg)?.id,
                        &Mark::Uploaded {
                            at,
                            job: job.clone(),
                        },
                    )?
                }
                Ok(false) => {
                    let Detected::Declaration(entries, _) = import::detect(&name, &bytes)? else {
                        bail!("{name}: not a declaration upload (one `Entry Number` column)")
                    };
                    let meta = FileMeta::of_bytes(&name, FileKind::Declaration, &bytes);
                    let out = l.mark_uploaded_file(&meta, &bytes, &entries, at, job.clone())?;
                    uploaded_entries = Some(entries);
                    out
                }
            }
        } else {
            let d = find(&l, arg)?;
            l.mark(
                d.id,
                &Mark::Uploaded {
                    at,
                    job: job.clone(),
                },
            )?
        };
        outln!("{}", mark_text(&out));
        if let Some(entries) = &uploaded_entries {
            accepted_on_upload(&l, arg, entries)?;
        }
    }
    Ok(exit::OK)
}

/// Warns when the upload `name` holds entries the ledger knows as accepted on a claim: the
/// upload is recorded as the user made it, but CBP cannot accept an entry twice, and the next
/// declaration should leave them out.
fn accepted_on_upload(l: &Ledger, name: &str, entries: &[EntryNumber]) -> anyhow::Result<()> {
    let known = l.known_except(entries, &capekit_ledger::Except::none())?;
    let mut accepted: Vec<(&EntryNumber, &str)> = known
        .iter()
        .filter_map(|(e, k)| match k {
            capekit_core::known::KnownState::Accepted { claim } => Some((e, claim.as_str())),
            _ => None,
        })
        .collect();
    accepted.sort_unstable();
    if let Some((first, claim)) = accepted.first() {
        errln!(
            "capekit: warning: {} holds {} the ledger knows as accepted on a claim (first {first}, accepted on claim {claim}): CBP accepts an entry once, so expect a rejection for each; leave them off the next declaration (`capekit check` names them, F023)",
            escape_controls(name),
            plural(accepted.len(), "entry", "entries")
        );
    }
    Ok(())
}

fn declarations_text(list: &[Declaration]) -> String {
    if list.is_empty() {
        return "no declaration recorded\n".to_owned();
    }
    let now = jiff::Timestamp::now();
    let mut out = String::new();
    for d in list {
        let age = match d.days_uploaded(now) {
            Some(days) => format!(
                "uploaded {} ago",
                plural(days.max(0) as usize, "day", "days")
            ),
            None => format!(
                "recorded {}",
                capekit_core::words::shown_date(d.recorded_at)
            ),
        };
        let _ = write!(
            out,
            "#{:<4} {:<9} {:>6} entries ({} held)  {age}",
            d.id,
            d.state.as_str(),
            group(d.entries as u64),
            group(d.holding as u64)
        );
        if let Some(c) = &d.claim {
            let _ = write!(out, "  claim {c}");
        }
        if let Some(j) = &d.job {
            let _ = write!(out, "  job {j}");
        }
        let _ = write!(out, "  {}", capekit_ledger::shown_name(&d.name));
        if d.unconfirmed {
            out.push_str("  (recorded by an older capekit: confirm with `capekit ledger uploaded`, or `capekit ledger discard`)");
        }
        if d.stale(now) {
            out.push_str(
                "  (no claim after 2 days: look for it in ACE, File Uploads then Claim Status)",
            );
        }
        if !d.note.is_empty() {
            let _ = write!(out, "  - {}", d.note);
        }
        out.push('\n');
    }
    out
}

fn status_text(s: &LedgerStatus) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "ledger {}", s.path);
    if s.files.is_empty() {
        let _ = writeln!(out, "files: none recorded");
    } else {
        let files: Vec<String> = s
            .files
            .iter()
            .map(|(k, n)| format!("{} {}", group(*n as u64), FileKind::label_of(k)))
            .collect();
        let _ = writeln!(out, "files: {}", files.join(", "));
    }
    let _ = writeln!(out, "claims: {}", group(s.claims as u64));
    let e = &s.entries;
    let _ = writeln!(
        out,
        "entries: {} - accepted {}, pending with CBP {}, on a draft {}, rejected {}, not declared {}",
        group(e.total as u64),
        group(e.accepted as u64),
        group(e.pending as u64),
        group(e.drafted as u64),
        group(e.rejected as u64),
        group(e.unknown as u64)
    );
    if !s.rejected_by_action.is_empty() {
        let _ = writeln!(out, "rejected, by action (most urgent first):");
        for a in &s.rejected_by_action {
            let _ = writeln!(
                out,
                "  {:<20} {:>5}  {}",
                a.action.as_str(),
                group(a.entries as u64),
                a.action.describe()
            );
        }
    }
    if !s.importers.is_empty() {
        let _ = writeln!(out, "importers (from the entry data recorded):");
        for i in &s.importers {
            let _ = writeln!(
                out,
                "  {:<16} {} - accepted {}, pending with CBP {}, rejected {}, not declared {}",
                i.importer,
                plural(i.entries.total, "entry", "entries"),
                group(i.entries.accepted as u64),
                group(i.entries.pending as u64),
                group(i.entries.rejected as u64),
                group(i.entries.unknown as u64)
            );
            if !i.rejected_by_action.is_empty() {
                let actions: Vec<String> = i
                    .rejected_by_action
                    .iter()
                    .map(|a| format!("{} {}", a.action, group(a.entries as u64)))
                    .collect();
                let _ = writeln!(out, "  {:<16} rejected: {}", "", actions.join(", "));
            }
        }
    }
    if !s.deadlines.is_empty() {
        let _ = writeln!(
            out,
            "nearest deadlines{} (entries not accepted):",
            s.deadlines_from
                .map(|d| format!(" from {d}"))
                .unwrap_or_default()
        );
        for d in &s.deadlines {
            let what = d.kind.describe();
            let left = s
                .deadlines_from
                .and_then(|from| from.until(d.date).ok())
                .and_then(|span| usize::try_from(span.get_days()).ok())
                .map(|days| format!(", {} left", plural(days, "day", "days")))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}  {:<18} {} ({}{}{left})",
                d.date,
                what,
                d.entry.as_str(),
                capekit_ledger::EntryState::label_of(d.state),
                d.importer
                    .as_deref()
                    .map(|i| format!(", importer {i}"))
                    .unwrap_or_default()
            );
        }
    } else if s.files.contains_key(FileKind::EntryData.as_str()) {
        let _ = writeln!(
            out,
            "nearest deadlines: none ahead for an entry not accepted{}",
            s.deadlines_from
                .map(|d| format!(" (from {d})"))
                .unwrap_or_default()
        );
    }
    if s.escalations > 0 {
        let _ = writeln!(
            out,
            "escalate: {} entr{} rejected 3 or more times with the same retry-later message - run `capekit ledger escalate`",
            group(s.escalations as u64),
            if s.escalations == 1 { "y" } else { "ies" }
        );
    }
    out
}

#[derive(Serialize)]
struct EntryView {
    entry: EntryNumber,
    state: EntryState,
    timeline: Vec<TimelineEvent>,
}

/// The entry's state in one line; `told` explains an action the first time it is printed.
fn state_line(entry: EntryNumber, s: &EntryState, told: &mut FirstUse) -> String {
    let e = entry.as_str();
    match s {
        EntryState::Accepted { claim } => {
            format!("{e}: accepted on claim {claim} - never declare it again")
        }
        EntryState::Pending {
            declaration,
            declared_at,
            unconfirmed,
            ..
        } => format!(
            "{e}: pending on {declaration} (uploaded {}{}) - do not resubmit; triage that declaration's claim when it comes",
            capekit_core::words::shown_time(declared_at),
            if *unconfirmed {
                "; recorded by an older capekit and counted as uploaded - confirm with `capekit ledger uploaded` or `capekit ledger discard`"
            } else {
                ""
            }
        ),
        EntryState::Drafted {
            declaration,
            declaration_id,
            written_at,
        } => format!(
            "{e}: on the draft {declaration} (written {}), not marked uploaded - upload it and run `capekit ledger uploaded '#{declaration_id}'`, or release it with `capekit ledger discard '#{declaration_id}'`",
            capekit_core::words::shown_time(written_at)
        ),
        EntryState::Rejected {
            claim,
            action,
            message,
            attempts,
        } => format!(
            "{e}: not accepted on claim {claim} ({attempts} claim{} so far) - {}: {}",
            if *attempts == 1 { "" } else { "s" },
            told.name(action.as_str()),
            if message.trim().is_empty() {
                "no message on its row (a status capekit does not read as accepted or rejected, or none): read the entry on the claim in ACE (Claim Status)"
            } else {
                message
            }
        ),
        EntryState::Unknown => {
            format!("{e}: not in the ledger (no declaration, no claim, no entry data)")
        }
    }
}

fn entry_text(v: &EntryView) -> String {
    // Each action and path is explained where it is first printed, bare after.
    let mut told = FirstUse::new();
    let mut out = match (&v.state, v.timeline.is_empty()) {
        // Entry data alone makes no state: the entry was never declared that the ledger knows.
        (EntryState::Unknown, false) => format!(
            "{}: on no declaration and no claim recorded - only its entry data is known",
            v.entry.as_str()
        ),
        _ => state_line(v.entry, &v.state, &mut told),
    };
    out.push('\n');
    if !v.timeline.is_empty() {
        out.push_str("timeline:\n");
    }
    for t in &v.timeline {
        let kind = t.kind.label();
        let mut line = format!(
            "  {}  {:<24} {}",
            capekit_core::words::shown_time(t.at),
            kind,
            t.file
        );
        if let Some(l) = t.line {
            let _ = write!(line, ":{l}");
        }
        if let Some(c) = &t.claim {
            let _ = write!(line, "  claim {c}");
        }
        if let Some(a) = t
            .action
            .filter(|a| *a != capekit_core::catalog::Action::None)
        {
            let _ = write!(line, "  {}", told.name(a.as_str()));
        }
        if let Some(m) = &t.message {
            let _ = write!(line, "  {m}");
        }
        if let Some(d) = &t.as_of {
            let _ = write!(line, "  (rules as of {d})");
        }
        if let Some(d) = &t.data {
            let _ = write!(line, "  {}", facts_text(d, &mut told));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// An entry's recorded data in one clause: its path, importer, type, liquidation and deadlines.
fn facts_text(f: &EntryFacts, told: &mut FirstUse) -> String {
    let mut parts = vec![format!("path {}", told.name(&f.path))];
    if let Some(i) = &f.importer_number {
        parts.push(format!("importer {i}"));
    }
    if let Some(t) = &f.entry_type {
        parts.push(format!("type {t}"));
    }
    if let Some(d) = f.liquidation_date {
        parts.push(format!("liquidation {d}"));
    }
    if let Some(d) = f.cape_window_closes {
        parts.push(format!("CAPE window closes {d}"));
    }
    if let Some(d) = f.protest_due {
        parts.push(format!("protest due {d}"));
    }
    parts.join(", ")
}

/// The export's rows; `for_people` (the workbook) writes each state in words, the CSV its
/// machine name.
fn export_table(rows: &[ExportRow], for_people: bool) -> SheetTable {
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    let date = |d: &Option<jiff::civil::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    SheetTable {
        headers: vec![
            "entry_number",
            "state",
            "claim_number",
            "action",
            "message",
            "attempts",
            "pending_on",
            "importer",
            "entry_type",
            "liquidation_date",
            "path",
            "cape_window_closes",
            "protest_due",
        ],
        widths: vec![
            14.0, 10.0, 16.0, 20.0, 42.0, 9.0, 30.0, 16.0, 10.0, 14.0, 12.0, 16.0, 12.0,
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.entry.to_string(),
                    if for_people {
                        capekit_ledger::EntryState::label_of(r.state).to_owned()
                    } else {
                        r.state.to_owned()
                    },
                    opt(&r.claim),
                    r.action.map(|a| a.to_string()).unwrap_or_default(),
                    opt(&r.message),
                    r.attempts.to_string(),
                    opt(&r.pending_on),
                    opt(&r.importer),
                    opt(&r.entry_type),
                    date(&r.liquidation_date),
                    opt(&r.path),
                    date(&r.cape_window_closes),
                    date(&r.protest_due),
                ]
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct ExportReport {
    ledger: String,
    file: String,
    entries: usize,
}

fn export(out: &Path, format: Format, opt: &LedgerOpt) -> anyhow::Result<u8> {
    let ext = out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if ext != "csv" && ext != "xlsx" {
        bail!(
            "--out {}: give a file ending in .csv or .xlsx",
            out.display()
        );
    }
    let (l, shown) = opt.for_reading()?;
    let rows = l.export_rows()?;
    let table = export_table(&rows, ext == "xlsx");
    let bytes = if ext == "csv" {
        to_csv(&table).context("building the CSV")?
    } else {
        to_xlsx("Ledger", &table).context("building the workbook")?
    };
    let mut set = OutputSet::new();
    set.add(out, bytes);
    opt.protect(&mut set)?;
    set.commit(&[]).context("writing the export")?;
    let report = ExportReport {
        ledger: shown,
        file: out.display().to_string(),
        entries: rows.len(),
    };
    print_out(opt, format, &report, || {
        format!(
            "wrote {}: {} entries from the ledger {}\n",
            report.file,
            group(report.entries as u64),
            report.ledger
        )
    })?;
    Ok(exit::OK)
}

/// CBP's mailbox for IEEPA refund questions (CBP's CAPE guidance).
pub const CBP_MAILBOX: &str = "IEEPARefunds@cbp.dhs.gov";

fn escalation_email(list: &[Escalation]) -> String {
    if list.is_empty() {
        return "no entry was rejected 3 or more times with the same retry-later message: nothing to escalate\n".to_owned();
    }
    let mut out = String::new();
    let _ = writeln!(out, "To: {CBP_MAILBOX}");
    let _ = writeln!(
        out,
        "Subject: CAPE declarations: {} entr{} rejected repeatedly with the same message",
        list.len(),
        if list.len() == 1 { "y" } else { "ies" }
    );
    out.push('\n');
    out.push_str("Hello,\n\n");
    out.push_str(
        "the entries below were declared on CAPE and rejected on three or more claims with the same \
message. CBP's guidance treats these messages as temporary and says to resubmit, but the message \
keeps coming back. Could you look into these entries and tell us what is needed for CAPE to \
accept them?\n\n",
    );
    // Grouped by message: CBP can look at one cause at a time.
    let mut by_message: BTreeMap<&str, Vec<&Escalation>> = BTreeMap::new();
    for e in list {
        by_message.entry(e.message.as_str()).or_default().push(e);
    }
    for (message, entries) in by_message {
        let _ = writeln!(out, "Message: {message}");
        for e in entries {
            let _ = write!(out, "  Entry {}", e.entry.as_str());
            if let Some(i) = &e.importer {
                let _ = write!(out, ", importer of record {i}");
            }
            let _ = writeln!(out, ": claims {}", e.claims.join(", "));
        }
        out.push('\n');
    }
    out.push_str("Thank you,\n[name, company, filer code or importer of record number, phone]\n");
    out
}

#[derive(Serialize)]
struct VerifyReport {
    ledger: String,
    sound: bool,
    problems: Vec<Problem>,
}

fn verify_text(r: &VerifyReport) -> String {
    if r.sound {
        return format!(
            "ledger {}: sound - SQLite's integrity check passed and every invariant holds\n",
            r.ledger
        );
    }
    let mut out = format!(
        "ledger {}: {} problem{}\n",
        r.ledger,
        r.problems.len(),
        if r.problems.len() == 1 { "" } else { "s" }
    );
    for p in &r.problems {
        let _ = writeln!(out, "  {}: {}", p.check, p.message);
    }
    out.push_str("keep a copy of the ledger file before changing anything\n");
    out
}

/// A triage recorded in the ledger, waiting for its refile files to be written.
#[derive(Debug)]
pub struct Recorded {
    ledger: Ledger,
    import: capekit_ledger::TriageImport,
    folder: PathBuf,
    /// How the hints start ([`LedgerOpt::command`]).
    command: String,
    /// The demo's sample data.
    sample: bool,
}

/// Records a triage in the ledger (unless `--no-ledger`): the declaration (`declared`, the
/// entries read from the file at `declaration`), then the claim files and every claim row. It
/// only reads the report, so that the outputs can be built from it meanwhile; [`Recorded::guard`]
/// then asks the ledger about the refile list and the corrected entries.
pub fn record_triage(
    opt: &LedgerOpt,
    claim_paths: &[PathBuf],
    kinds: &[ClaimFileKind],
    declaration: Option<(&Path, &[capekit_core::EntryNumber])>,
    entry_reports: &[(FileMeta, Vec<EntryFacts>)],
    report: &capekit_core::triage::TriageReport,
    out: &Path,
) -> anyhow::Result<Option<Recorded>> {
    let Some(mut ledger) = opt.open()? else {
        return Ok(None);
    };
    // One transaction until the outputs are written (see `Recorded::finish`).
    ledger.begin_run().context(
        "recording the triage in the ledger (run with --no-ledger to triage without it)",
    )?;
    // Read again for their SHA-256 (the reader kept rows, not bytes), on every core.
    let paths: Vec<(&PathBuf, &ClaimFileKind)> = claim_paths.iter().zip(kinds).collect();
    let metas = capekit_io::claims::parallel_map(&paths, |(path, kind)| {
        let bytes = capekit_io::read_file(path, MAX_CLAIM_FILE_BYTES)?;
        let kind = match kind {
            ClaimFileKind::ClaimDetails => FileKind::ClaimDetails,
            ClaimFileKind::ValidationResult => FileKind::ValidationResult,
        };
        anyhow::Ok(FileMeta::of_bytes(
            &path.display().to_string(),
            kind,
            &bytes,
        ))
    })
    .into_iter()
    .collect::<anyhow::Result<Vec<_>>>()?;
    let declared = declaration.map(|(_, entries)| entries);
    let declaration_meta = match declaration {
        Some((path, _)) => {
            let bytes = capekit_io::read_file(path, capekit_io::declaration::MAX_READ_BYTES)?;
            Some(FileMeta::of_bytes(
                &path.display().to_string(),
                FileKind::Declaration,
                &bytes,
            ))
        }
        _ => None,
    };
    let given = capekit_app::triage::Given {
        declaration: declaration_meta.as_ref().zip(declared),
        claims: &metas,
        entry_reports,
    };
    let import = ledger
        .reserve()
        .and_then(|r| capekit_app::triage::record(&r, &given, report))
        .context(
            "recording the triage in the ledger (run with --no-ledger to triage without it)",
        )?;
    // The drafts of the folder written into are superseded by this run: they hold nothing.
    let folder = capekit_io::output::resolve(out)?;
    Ok(Some(Recorded {
        ledger,
        import,
        folder,
        command: opt.command(),
        sample: opt.sample,
    }))
}

impl Recorded {
    /// Asks the ledger about the refile list and the corrected entries; when it knows some as
    /// accepted on a claim this triage did not see, or as still pending, the triage runs again
    /// with that knowledge, which keeps them off the refile list. True when the report changed
    /// (its warnings included), so that outputs built before must be built again.
    pub fn guard(
        &mut self,
        input: &mut TriageInput,
        report: &mut capekit_core::triage::TriageReport,
    ) -> anyhow::Result<bool> {
        capekit_app::triage::guard_recorded(
            &self.ledger,
            &self.import,
            input,
            report,
            &capekit_ledger::Except::drafts_in(&self.folder),
        )
        .context("asking the ledger about the refile list")
    }

    /// Writes the triage's outputs and records its refile files as drafts, in one reservation
    /// of the ledger: the guard is asked again inside it (another run may have reserved some of
    /// the refile's entries since the triage was recorded), and when its answer changed the
    /// report, `build` runs again on the new report before anything is written. Says on
    /// standard error what the ledger now holds (standard output is the triage's own report).
    pub fn write_reserved(
        &mut self,
        input: &mut TriageInput,
        report: &mut capekit_core::triage::TriageReport,
        mut built: (OutputSet, TriageFiles),
        build: impl Fn(&capekit_core::triage::TriageReport) -> anyhow::Result<(OutputSet, TriageFiles)>,
        inputs: &[PathBuf],
    ) -> anyhow::Result<(TriageFiles, capekit_io::output::Committed)> {
        let reservation = self
            .ledger
            .reserve()
            .context("taking the ledger's write lock to reserve the refile's entries")?;
        if capekit_app::triage::guard_recorded(
            reservation.ledger(),
            &self.import,
            input,
            report,
            &capekit_ledger::Except::drafts_in(&self.folder),
        )
        .context("asking the ledger about the refile list")?
        {
            built = build(report)?;
        }
        let (set, outputs) = built;
        // A write that fails drops the reservation: nothing is recorded.
        let done = set
            .commit_all(inputs)
            .context("writing the triage outputs")?;
        let refile = &outputs.refile;
        let drafts = super::refile::record_reserved(
            reservation,
            &self.folder,
            refile,
            &report.refile.entries,
        )?;
        // Everything this run recorded (the claims, the guard's answer, the drafts) stands now
        // that the files are written.
        self.ledger
            .commit_run()
            .context("recording the triage in the ledger")?;
        let removed: Vec<String> = done
            .removed
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        let kept: Vec<String> = done.kept.iter().map(|p| p.display().to_string()).collect();
        err!(
            "{}",
            escape_controls(&super::refile::superseded_lines(
                &drafts.superseded,
                &removed,
                &kept
            ))
        );
        let new = self
            .import
            .files
            .iter()
            .filter(|f| !f.outcome.already())
            .count();
        let mut parts = Vec::new();
        if let Some(d) = &self.import.declaration {
            parts.push(if d.already() {
                "declaration already recorded".to_owned()
            } else {
                "declaration recorded".to_owned()
            });
        }
        parts.push(if new == 0 {
            "claim files already recorded, nothing new".to_owned()
        } else {
            format!(
                "{new} claim file{} recorded ({})",
                if new == 1 { "" } else { "s" },
                plural(self.import.rows, "row", "rows")
            )
        });
        if !refile.is_empty() {
            let files = refile
                .iter()
                .map(|p| shell_word(&p.display().to_string()))
                .collect::<Vec<_>>()
                .join(" ");
            parts.push(if self.sample {
                format!(
                    "{} refile file{} recorded as a draft in the demo's own ledger - sample data, never to be uploaded; to see what the ledger keeps: `{} ledger declarations`",
                    refile.len(),
                    if refile.len() == 1 { "" } else { "s" },
                    self.command
                )
            } else {
                format!(
                    "{} refile file{} recorded as a draft - once uploaded, run `{} ledger uploaded {files}`",
                    refile.len(),
                    if refile.len() == 1 { "" } else { "s" },
                    self.command
                )
            });
        }
        errln!(
            "capekit: ledger {}: {}",
            escape_controls(&shown(&self.ledger)),
            escape_controls(&parts.join(", "))
        );
        for a in capekit_app::triage::advice(&self.import) {
            eprintln!("capekit: {}", escape_controls(&a));
        }
        Ok((outputs, done))
    }
}

/// How `capekit demo` names itself in the manifest of its folder: the mark that the ledger
/// there is the demo's own.
pub const DEMO: &str = "capekit demo";

/// The ledger `capekit demo` uses: a fresh `DIR/ledger.sqlite3` of its own, whatever `--ledger`
/// or `CAPEKIT_LEDGER` say, so that sample entries never reach a real ledger (with
/// `--no-ledger`, none).
pub fn demo_ledger(out: &Path, opt: &LedgerOpt) -> anyhow::Result<LedgerOpt> {
    if opt.disabled {
        return Ok(opt.clone());
    }
    let path = out.join("ledger.sqlite3");
    let sides: Vec<PathBuf> = ["", "-wal", "-shm"]
        .iter()
        .map(|suffix| {
            let mut p = path.clone().into_os_string();
            p.push(suffix);
            PathBuf::from(p)
        })
        .collect();
    if sides.iter().any(|p| std::fs::symlink_metadata(p).is_ok()) {
        // Only the ledger an earlier demo made in this folder is replaced: never the user's.
        let real = [opt.path().ok().flatten(), capekit_ledger::default_path()];
        if real
            .iter()
            .flatten()
            .any(|r| capekit_io::output::same_file(r, &path))
        {
            bail!(
                "{}: that is your ledger; `capekit demo` keeps a fresh ledger of its own in its folder - give --out an empty folder",
                path.display()
            );
        }
        if capekit_io::output::written_by(out).as_deref() != Some(DEMO) {
            bail!(
                "{}: a ledger that no earlier `capekit demo` made in this folder; `capekit demo` replaces only its own - give --out an empty folder",
                path.display()
            );
        }
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.clone().into_os_string();
        p.push(suffix);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e).with_context(|| {
                    format!(
                        "removing the previous demo ledger {}",
                        PathBuf::from(&p).display()
                    )
                });
            }
        }
    }
    Ok(LedgerOpt {
        explicit: Some(path),
        disabled: false,
        sample: true,
    })
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

/// `capekit ledger acted`: records a protest, suit, PSC or Phase 3 submission for entries.
fn acted(
    entries: &[String],
    protest: Option<String>,
    suit: Option<String>,
    psc: Option<String>,
    phase3: Option<String>,
    date: Option<jiff::civil::Date>,
    opt: &LedgerOpt,
) -> anyhow::Result<u8> {
    use capekit_core::deadline::ActKind;
    let (kind, reference) = match (protest, suit, psc, phase3) {
        (Some(r), _, _, _) => (ActKind::Protest, Some(r)),
        (_, Some(r), _, _) => (ActKind::Suit, Some(r)),
        (_, _, Some(r), _) => (ActKind::Psc, Some(r)),
        (_, _, _, Some(r)) => (ActKind::Phase3, Some(r).filter(|r| !r.trim().is_empty())),
        _ => bail!("give one of --protest, --suit, --psc or --phase3"),
    };
    let mut numbers = Vec::with_capacity(entries.len());
    for raw in entries {
        let cleaned: String = raw.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
        numbers.push(
            EntryNumber::parse(&cleaned)
                .map_err(|e| anyhow::anyhow!("`{raw}` is not an entry number: {e}"))?,
        );
    }
    let today = super::triage::today();
    let on = date.unwrap_or(today);
    let mut l = opt.require("recording what was done")?;
    // Every entry's date is judged before anything is recorded: one refused date records none.
    let facts = l.act_facts(&numbers)?;
    let mut warnings = Vec::new();
    let mut unchecked = Vec::new();
    for n in &numbers {
        let f = facts.get(n);
        let deadlines = f.map_or(&[][..], |f| f.deadlines.as_slice());
        match capekit_core::deadline::check_act_date(
            kind,
            on,
            today,
            f.and_then(|f| f.entry_date),
            deadlines,
        ) {
            Ok(w) => warnings.extend(w.into_iter().map(|w| format!("{}: {w}", n.as_str()))),
            Err(why) => bail!(
                "--date {}: entry {}: {why}; nothing was recorded",
                on,
                n.as_str()
            ),
        }
        if f.is_none_or(|f| f.entry_date.is_none()) {
            unchecked.push(n.to_string());
        }
    }
    for w in &warnings {
        eprintln!("capekit: warning: {w}");
    }
    if !unchecked.is_empty() {
        eprintln!(
            "capekit: note: the ledger has no entry date for {} (no ES-003 read by `capekit plan` since it kept entry dates): the date was not checked against the entry date",
            unchecked.join(", ")
        );
    }
    let n = l.record_act(&numbers, kind, reference.as_deref(), on)?;
    outln!(
        "recorded: {} for {} on {on}; the {} deadline no longer alarms in `capekit plan` and `capekit ledger status`",
        kind.describe(),
        plural(n, "entry", "entries"),
        kind.meets()
            .iter()
            .map(|k| k.describe())
            .collect::<Vec<_>>()
            .join(" and ")
    );
    Ok(exit::OK)
}
