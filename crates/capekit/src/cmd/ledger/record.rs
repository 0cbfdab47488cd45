//! What `capekit triage` and `capekit demo` record in the ledger, and the demo's own ledger.

use capekit_core::EntryNumber;
use capekit_core::check::MAX_ENTRIES;
use capekit_ledger::{DraftPart, DraftsRecorded, Reservation};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use capekit_core::triage::TriageInput;
use capekit_io::claims::{ClaimFileKind, MAX_CLAIM_FILE_BYTES};
use capekit_io::output::OutputSet;
use capekit_io::render::escape_controls;
use capekit_io::triage_out::TriageFiles;
use capekit_ledger::{EntryFacts, FileKind, FileMeta, Ledger};

use super::{LedgerOpt, plural, shell_word, shown};

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
        anyhow::Ok(FileMeta::of_bytes(
            &path.display().to_string(),
            FileKind::from(**kind),
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
        let t = capekit_io::timings::phase("triage ledger guard");
        let changed = capekit_app::triage::guard_recorded(
            reservation.ledger(),
            &self.import,
            input,
            report,
            &capekit_ledger::Except::drafts_in(&self.folder),
        )
        .context("asking the ledger about the refile list")?;
        drop(t);
        if changed {
            let _t = capekit_io::timings::phase("triage outputs built again");
            built = build(report)?;
        }
        let (set, outputs) = built;
        // A write that fails drops the reservation: nothing is recorded.
        let t = capekit_io::timings::phase("triage outputs files");
        let done = set
            .commit_all(inputs)
            .context("writing the triage outputs")?;
        drop(t);
        let refile = &outputs.refile;
        let t = capekit_io::timings::phase("triage ledger drafts");
        let drafts = record_reserved(reservation, &self.folder, refile, &report.refile.entries)?;
        drop(t);
        // Everything this run recorded (the claims, the guard's answer, the drafts) stands now
        // that the files are written.
        let t = capekit_io::timings::phase("triage ledger commit");
        self.ledger
            .commit_run()
            .context("recording the triage in the ledger")?;
        drop(t);
        let removed: Vec<String> = done
            .removed
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        let kept: Vec<String> = done.kept.iter().map(|p| p.display().to_string()).collect();
        err!(
            "{}",
            escape_controls(&crate::cmd::files::superseded_lines(
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

/// Records the upload parts capekit wrote into `folder` as drafts, with the entries each holds,
/// as read back from disk, and commits the reservation: they reserve their entries until marked
/// uploaded or discarded, and supersede the earlier drafts of the same folder. Parts hold
/// [`MAX_ENTRIES`] entries each, in order, as `add_upload_files` split them.
///
/// When the ledger cannot record them, the parts are removed again: a file on disk that the
/// ledger does not know would offer its entries a second time.
pub fn record_reserved(
    reservation: Reservation<'_>,
    folder: &Path,
    parts: &[PathBuf],
    entries: &[EntryNumber],
) -> anyhow::Result<DraftsRecorded> {
    let recorded = (|| -> anyhow::Result<DraftsRecorded> {
        let mut read = Vec::with_capacity(parts.len());
        for (path, chunk) in parts.iter().zip(entries.chunks(MAX_ENTRIES)) {
            let bytes = std::fs::read(path)
                .with_context(|| format!("reading back {} for the ledger", path.display()))?;
            let shown = capekit_io::output::resolve(path).unwrap_or_else(|_| path.clone());
            read.push((shown.display().to_string(), bytes, chunk));
        }
        let drafts: Vec<DraftPart<'_>> = read
            .iter()
            .map(|(path, bytes, chunk)| DraftPart {
                path,
                bytes,
                entries: chunk,
            })
            .collect();
        let done = reservation.record_drafts(&folder.display().to_string(), &drafts)?;
        reservation.commit()?;
        Ok(done)
    })();
    recorded.map_err(|e| {
        let mut gone = Vec::new();
        for p in parts {
            if std::fs::remove_file(p).is_ok() {
                gone.push(p.display().to_string());
            }
        }
        if gone.is_empty() {
            e.context("recording the refile as a draft in the ledger")
        } else {
            e.context(format!(
                "recording the refile as a draft in the ledger; removed {} again, so that no file offers entries the ledger did not reserve - run the command again",
                gone.join(", ")
            ))
        }
    })
}
