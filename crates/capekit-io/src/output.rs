//! Writing output files safely: never over an input, the ledger or a file capekit did not
//! write, never half-written, never leaving an earlier run's files behind.
//!
//! Every file goes to a temporary file in the target folder first; only when all files of one
//! output set are written are they renamed into place, so an interrupted run leaves the old files
//! or the new ones, never a mix or a truncated file. Before anything is written, every target is
//! resolved (`..`, symlinks, and folders not made yet: the nearest existing ancestor is resolved,
//! the rest appended, so `new/../in.csv` is `in.csv`) and refused when it is:
//! - one of the inputs;
//! - the ledger or one of its SQLite side files (`-wal`, `-shm`, `-journal`), by path, or any
//!   SQLite database, by its first bytes (a backup of the ledger, wherever it is);
//! - a declaration the ledger records (a draft it reserves entries for, an upload it keeps as
//!   the record of what CBP was sent), by the path capekit wrote it to or by its bytes - except a
//!   draft in the folder a run owns, which that run supersedes;
//! - a file capekit did not write: one the folder's manifest ([`MANIFEST`]) does not list with
//!   the bytes it holds now (a user's own `worklist.xlsx`, or one edited since).
//!
//! A folder a command owns (`triage --out DIR`) holds one run's outputs only: its manifest lists
//! what capekit wrote there, and the next run removes those files - only those, and only while
//! they still hold the bytes capekit wrote - before its own are renamed into place. A command that
//! writes a single file into a folder (`fix --out F`, `ledger export`) lists it in that folder's
//! manifest too, so that running it again may replace it, and no later run removes it.
//! Temporary files a killed run left behind are removed at the next one.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The manifest capekit keeps in an output folder it owns.
pub const MANIFEST: &str = ".capekit-manifest.json";

const TMP_PREFIX: &str = ".capekit-";
const TMP_SUFFIX: &str = ".tmp";

/// The first bytes of every SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Files named in a refusal, at most.
const NAMED: usize = 10;

/// Why output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output would replace one of the input files.
    #[error("refusing to write {path}: it is one of the input files; choose another output path")]
    WouldOverwriteInput {
        /// The path.
        path: PathBuf,
    },
    /// The output would replace the ledger (or one of its SQLite side files).
    #[error(
        "refusing to write {path}: it is the ledger or one of its side files (-wal, -shm, -journal), which remember every declaration and claim; choose another output path"
    )]
    WouldOverwriteLedger {
        /// The path.
        path: PathBuf,
    },
    /// The output would replace an SQLite database: a ledger, or a backup of one.
    #[error(
        "refusing to write {path}: it is an SQLite database (a ledger, or a copy made by `capekit ledger backup`); choose another output path"
    )]
    WouldOverwriteDatabase {
        /// The path.
        path: PathBuf,
    },
    /// The output would replace a declaration the ledger records.
    #[error(
        "refusing to write {path}: it is {what} recorded in the ledger, which keeps it as the record of what is or was sent to CBP; choose another output path or an empty folder"
    )]
    WouldOverwriteDeclaration {
        /// The path.
        path: PathBuf,
        /// Which declaration, in words.
        what: String,
    },
    /// The output would replace files capekit did not write (or that changed since it did).
    #[error(
        "refusing to write {}: capekit did not write {} (or {} changed since it did), and never replaces such a file; choose an empty folder or another name, or move {} away",
        named(paths),
        if paths.len() == 1 { "it" } else { "them" },
        if paths.len() == 1 { "it was" } else { "they were" },
        if paths.len() == 1 { "it" } else { "them" }
    )]
    NotWrittenByCapekit {
        /// The files, as the outputs name them.
        paths: Vec<PathBuf>,
    },
    /// File system error.
    // The cause is in the message, not an error `source`: a chain printing both said it twice
    // ("File exists (os error 17): File exists (os error 17)").
    #[error("cannot write {path}: {error}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        error: std::io::Error,
    },
    /// A workbook could not be built.
    #[error("cannot build the workbook {path}: {message}")]
    Workbook {
        /// The path.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// `a, b and 3 more`.
fn named(paths: &[PathBuf]) -> String {
    let mut out: Vec<String> = paths
        .iter()
        .take(NAMED)
        .map(|p| p.display().to_string())
        .collect();
    if paths.len() > NAMED {
        out.push(format!("and {} more", paths.len() - NAMED));
    }
    out.join(", ")
}

/// What a commit did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Committed {
    /// The files written, in the order added.
    pub written: Vec<PathBuf>,
    /// Files of the previous run in an owned folder, removed (those the new run did not write
    /// again).
    pub removed: Vec<PathBuf>,
    /// Files of the previous run that were changed since capekit wrote them, or that are now
    /// protected (a declaration the ledger records), so were kept.
    pub kept: Vec<PathBuf>,
    /// Temporary files of an interrupted run, removed.
    pub cleaned: Vec<PathBuf>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Manifest {
    written_by: String,
    files: Vec<ManifestFile>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ManifestFile {
    name: String,
    sha256: String,
    /// Written by a command that does not own the folder (`fix --out F`): a later run may
    /// replace it while it holds these bytes, but never removes it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    loose: bool,
}

impl Manifest {
    fn read(dir: &Path) -> Option<Manifest> {
        let bytes = std::fs::read(dir.join(MANIFEST)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Did capekit write `name` with these bytes?
    fn lists(&self, name: &str, sha256: &str) -> bool {
        self.files
            .iter()
            .any(|f| f.name == name && f.sha256 == sha256)
    }
}

/// A declaration the ledger records, which no output may replace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedFile {
    /// Where capekit wrote it, when the ledger knows.
    pub path: Option<PathBuf>,
    /// SHA-256 of its bytes: a file holding them is that declaration, wherever it is.
    pub sha256: String,
    /// What it is, for the message: `declaration #3 (uploaded)`.
    pub what: String,
    /// A draft capekit wrote into this folder: a run that owns the folder supersedes it, and
    /// may replace or remove it.
    pub draft_in: Option<PathBuf>,
}

/// What a file of a set holds: bytes in memory, or a temporary file in its folder already
/// written (a large output, written as it was built rather than held in memory).
#[derive(Debug)]
enum Content {
    Bytes(Vec<u8>),
    Staged(tempfile::NamedTempFile),
}

/// A set of files to write together.
#[derive(Debug, Default)]
pub struct OutputSet {
    files: Vec<(PathBuf, Content)>,
    ledger: Vec<PathBuf>,
    recorded: Vec<RecordedFile>,
    owned: Option<(PathBuf, String)>,
}

/// The protected files, resolved.
struct Guard<'a> {
    inputs: Vec<PathBuf>,
    ledger: Vec<PathBuf>,
    recorded: Vec<(Option<PathBuf>, &'a RecordedFile)>,
}

impl Guard<'_> {
    /// Why `target` (resolved; `given` as named) must not be replaced or removed, if it must
    /// not; `sha` is the SHA-256 of its bytes when it exists.
    fn refuse(&self, given: &Path, target: &Path, sha: Option<&str>) -> Option<WriteError> {
        let path = given.to_path_buf();
        if self.inputs.iter().any(|i| i == target) {
            return Some(WriteError::WouldOverwriteInput { path });
        }
        if self.ledger.iter().any(|l| l == target) {
            return Some(WriteError::WouldOverwriteLedger { path });
        }
        if let Some((_, r)) = self
            .recorded
            .iter()
            .find(|(p, r)| p.as_deref() == Some(target) || sha == Some(r.sha256.as_str()))
        {
            return Some(WriteError::WouldOverwriteDeclaration {
                path,
                what: r.what.clone(),
            });
        }
        None
    }
}

/// What [`OutputSet::prepare`] found: every target allowed, and what the owned folder's previous
/// run left.
struct Prepared {
    targets: Vec<PathBuf>,
    owned: Option<(PathBuf, String)>,
    remove: Vec<PathBuf>,
    kept: Vec<PathBuf>,
    manifests: HashMap<PathBuf, Manifest>,
}

impl OutputSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file.
    pub fn add(&mut self, path: impl Into<PathBuf>, bytes: Vec<u8>) {
        self.files.push((path.into(), Content::Bytes(bytes)));
    }

    /// A temporary file in the folder of `path` (made if need be), to write a large output into
    /// as it is built; [`OutputSet::add_staged`] then adds it to the set under `path`. Until the
    /// set is committed it is a temporary file like those of [`OutputSet::commit`], removed when
    /// dropped.
    pub fn stage(path: &Path) -> Result<tempfile::NamedTempFile, WriteError> {
        let io = |error| WriteError::Io {
            path: path.to_path_buf(),
            error,
        };
        let target = resolve(path).map_err(io)?;
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir).map_err(io)?;
        tempfile::Builder::new()
            .prefix(&format!("{TMP_PREFIX}{}-", std::process::id()))
            .suffix(TMP_SUFFIX)
            .tempfile_in(&dir)
            .map_err(io)
    }

    /// Adds a file written into a temporary file made by [`OutputSet::stage`] for `path`.
    pub fn add_staged(&mut self, path: impl Into<PathBuf>, file: tempfile::NamedTempFile) {
        self.files.push((path.into(), Content::Staged(file)));
    }

    /// The paths in the set, in the order added.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.files.iter().map(|(p, _)| p.clone()).collect()
    }

    /// Never writes over the ledger file at `path` (nor its `-wal`, `-shm` and `-journal`
    /// files), named as given or through the symlink it may be.
    pub fn protect_ledger(&mut self, path: &Path) {
        let mut bases = vec![path.to_path_buf()];
        if let Ok(r) = resolve(path) {
            bases.push(r);
        }
        for base in bases {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut p = base.as_os_str().to_owned();
                p.push(suffix);
                self.ledger.push(PathBuf::from(p));
            }
        }
    }

    /// Never writes over (nor removes) these declarations the ledger records.
    pub fn protect_recorded(&mut self, files: Vec<RecordedFile>) {
        self.recorded.extend(files);
    }

    /// The folder `dir` holds this run's outputs only: what the previous run of capekit wrote
    /// there (its manifest) is removed, and a new manifest lists what this run wrote. `command`
    /// names the run in the manifest.
    pub fn own_folder(&mut self, dir: &Path, command: &str) {
        self.owned = Some((dir.to_path_buf(), command.to_owned()));
    }

    /// Writes every file, refusing when any target is protected (see the module's doc). Parent
    /// folders are created.
    pub fn commit(self, inputs: &[PathBuf]) -> Result<Vec<PathBuf>, WriteError> {
        Ok(self.commit_all(inputs)?.written)
    }

    /// Everything [`OutputSet::commit`] would check, without writing anything: a command checks
    /// its outputs before it records in the ledger. The bytes added are not looked at.
    pub fn check(&self, inputs: &[PathBuf]) -> Result<(), WriteError> {
        self.prepare(inputs).map(|_| ())
    }

    fn prepare(&self, inputs: &[PathBuf]) -> Result<Prepared, WriteError> {
        let resolved_inputs: Vec<PathBuf> = inputs
            .iter()
            .map(|i| resolve(i).map_err(io_at(i)))
            .collect::<Result<_, _>>()?;
        let resolved_ledger: Vec<PathBuf> = self
            .ledger
            .iter()
            .map(|i| resolve(i).map_err(io_at(i)))
            .collect::<Result<_, _>>()?;
        let owned = match &self.owned {
            Some((dir, command)) => {
                let r = resolve(dir).map_err(io_at(dir))?;
                if resolved_inputs.contains(&r) || resolved_ledger.contains(&r) {
                    return Err(WriteError::WouldOverwriteInput { path: dir.clone() });
                }
                Some((r, command.clone()))
            }
            None => None,
        };
        let mut recorded = Vec::with_capacity(self.recorded.len());
        for r in &self.recorded {
            let superseded = match (&r.draft_in, &owned) {
                (Some(d), Some((odir, _))) => resolve(d).is_ok_and(|d| &d == odir),
                _ => false,
            };
            if !superseded {
                recorded.push((r.path.as_deref().and_then(|p| resolve(p).ok()), r));
            }
        }
        let guard = Guard {
            inputs: resolved_inputs,
            ledger: resolved_ledger,
            recorded,
        };
        let mut manifests: HashMap<PathBuf, Manifest> = HashMap::new();
        let mut manifest_of = |dir: &Path| -> Manifest {
            manifests
                .entry(dir.to_path_buf())
                .or_insert_with(|| Manifest::read(dir).unwrap_or_default())
                .clone()
        };
        let mut targets = Vec::with_capacity(self.files.len());
        let mut foreign = Vec::new();
        for (path, _) in &self.files {
            let r = resolve(path).map_err(io_at(path))?;
            if let Some(e) = guard.refuse(path, &r, None) {
                return Err(e);
            }
            match std::fs::symlink_metadata(&r) {
                Err(_) => {}
                Ok(m) if m.is_file() => {
                    let (sqlite, sha) = inspect(&r).map_err(io_at(path))?;
                    if sqlite {
                        return Err(WriteError::WouldOverwriteDatabase { path: path.clone() });
                    }
                    if let Some(e) = guard.refuse(path, &r, Some(&sha)) {
                        return Err(e);
                    }
                    let dir = r.parent().unwrap_or(Path::new("."));
                    let name = r
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    if !manifest_of(dir).lists(&name, &sha) {
                        foreign.push(path.clone());
                    }
                }
                // A folder, a symlink left dangling, a device: not a file capekit wrote.
                Ok(_) => foreign.push(path.clone()),
            }
            targets.push(r);
        }
        if !foreign.is_empty() {
            return Err(WriteError::NotWrittenByCapekit { paths: foreign });
        }
        let (mut remove, mut kept) = (Vec::new(), Vec::new());
        if let Some((odir, _)) = &owned {
            for f in manifest_of(odir).files.iter().filter(|f| !f.loose) {
                let plain = Path::new(&f.name)
                    .components()
                    .all(|c| matches!(c, Component::Normal(_)))
                    && Path::new(&f.name).components().count() == 1
                    && f.name != MANIFEST;
                if !plain {
                    continue;
                }
                let path = odir.join(&f.name);
                if targets.contains(&path) || remove.contains(&path) {
                    continue;
                }
                if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                    continue;
                }
                match inspect(&path) {
                    Ok((false, sha))
                        if sha == f.sha256 && guard.refuse(&path, &path, Some(&sha)).is_none() =>
                    {
                        remove.push(path);
                    }
                    Ok(_) => {
                        if !kept.contains(&path) {
                            kept.push(path);
                        }
                    }
                    Err(_) => {}
                }
            }
        }
        Ok(Prepared {
            targets,
            owned,
            remove,
            kept,
            manifests,
        })
    }

    /// [`OutputSet::commit`], saying what else it removed.
    pub fn commit_all(self, inputs: &[PathBuf]) -> Result<Committed, WriteError> {
        let Prepared {
            targets,
            owned,
            remove,
            kept,
            mut manifests,
        } = self.prepare(inputs)?;
        let mut done = Committed {
            kept,
            ..Committed::default()
        };
        // Temporary files an interrupted run left in the folders written to.
        let mut dirs: Vec<PathBuf> = targets.iter().map(|t| folder_of(t)).collect();
        if let Some((odir, _)) = &owned {
            dirs.push(odir.clone());
        }
        dirs.sort();
        dirs.dedup();
        for d in &dirs {
            done.cleaned.extend(clean_temporaries(d));
        }
        let mut staged = Vec::with_capacity(self.files.len());
        // What each folder's manifest gains: (file name, SHA-256).
        let mut written: HashMap<PathBuf, Vec<(String, String)>> = HashMap::new();
        let jobs: Vec<(PathBuf, Content, &PathBuf)> = self
            .files
            .into_iter()
            .zip(&targets)
            .map(|((path, content), target)| (path, content, target))
            .collect();
        // Each file is written, hashed and synced to disk on one of a few threads: a triage
        // writes a hundred reports, and their syncs wait on the disk, not on a core.
        for (path, target, tmp, sha256) in stage_all(jobs)? {
            let dir = folder_of(&target);
            if let Some(name) = target.file_name() {
                written
                    .entry(dir.clone())
                    .or_default()
                    .push((name.to_string_lossy().into_owned(), sha256));
            }
            staged.push((path, target, tmp));
        }
        // Manifests name the old bytes and the new until every file is in place: a run killed
        // between two renames leaves only files capekit can tell are its own.
        let owned_dir = owned.as_ref().map(|(d, _)| d.clone());
        let command = owned.as_ref().map(|(_, c)| c.clone());
        let mut dirs: Vec<PathBuf> = written.keys().cloned().collect();
        if let Some(d) = &owned_dir
            && !dirs.contains(d)
        {
            dirs.push(d.clone());
        }
        dirs.sort();
        let mut finals = Vec::with_capacity(dirs.len());
        for dir in dirs {
            let before = manifests
                .remove(&dir)
                .or_else(|| Manifest::read(&dir))
                .unwrap_or_default();
            let new = written.remove(&dir).unwrap_or_default();
            let is_owned = owned_dir.as_ref() == Some(&dir);
            let entries = |loose: bool| {
                new.iter().map(move |(name, sha)| ManifestFile {
                    name: name.clone(),
                    sha256: sha.clone(),
                    loose,
                })
            };
            let written_by = match (&command, is_owned) {
                (Some(c), true) => c.clone(),
                _ if !before.written_by.is_empty() => before.written_by.clone(),
                _ => "capekit".to_owned(),
            };
            let mut during = before.clone();
            during.written_by.clone_from(&written_by);
            during.files.extend(entries(!is_owned));
            let kept_names: Vec<&str> = new.iter().map(|(n, _)| n.as_str()).collect();
            let mut after = Manifest {
                written_by,
                files: Vec::new(),
            };
            for f in &before.files {
                // An owned folder's previous run is removed, but loose files stay listed while
                // they hold what capekit wrote; a folder not owned keeps every other entry.
                let stays = !kept_names.contains(&f.name.as_str())
                    && (!is_owned || (f.loose && holds(&dir.join(&f.name), &f.sha256)));
                if stays {
                    after.files.push(f.clone());
                }
            }
            after.files.extend(entries(!is_owned));
            write_manifest(&dir, &during)?;
            finals.push((dir, after));
        }
        for path in remove {
            if std::fs::remove_file(&path).is_ok() {
                done.removed.push(path);
            }
        }
        for (path, target, tmp) in staged {
            // The resolved target: `x/../a.csv` with no `x` is `a.csv`, which a rename of the
            // path as given could not reach.
            tmp.persist(&target).map_err(|e| WriteError::Io {
                path: path.clone(),
                error: e.error,
            })?;
            done.written.push(path);
        }
        for (dir, m) in finals {
            write_manifest(&dir, &m)?;
        }
        Ok(done)
    }
}

/// Threads that write an output set's files.
const STAGING_THREADS: usize = 4;

/// One file staged: the path as given, the resolved target, the temporary file holding its
/// bytes (synced to disk) and their SHA-256.
type StagedFile = (PathBuf, PathBuf, tempfile::NamedTempFile, String);

/// Stages every file, in order, on up to [`STAGING_THREADS`] threads: the first error in the
/// files' order is returned, and the temporary files written are removed with it.
fn stage_all(jobs: Vec<(PathBuf, Content, &PathBuf)>) -> Result<Vec<StagedFile>, WriteError> {
    let threads = STAGING_THREADS.min(jobs.len()).max(1);
    let per = jobs.len().div_ceil(threads).max(1);
    let mut chunks: Vec<Vec<(PathBuf, Content, &PathBuf)>> = Vec::new();
    let mut jobs = jobs.into_iter().peekable();
    while jobs.peek().is_some() {
        chunks.push(jobs.by_ref().take(per).collect());
    }
    let results: Vec<Result<Vec<StagedFile>, WriteError>> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|(path, content, target)| stage_one(path, content, target))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut out = Vec::new();
    for r in results {
        out.extend(r?);
    }
    Ok(out)
}

fn stage_one(path: PathBuf, content: Content, target: &Path) -> Result<StagedFile, WriteError> {
    let dir = folder_of(target);
    let (tmp, sha256) = match content {
        Content::Bytes(bytes) => {
            std::fs::create_dir_all(&dir).map_err(io_at(&path))?;
            let mut tmp = tempfile::Builder::new()
                .prefix(&format!("{TMP_PREFIX}{}-", std::process::id()))
                .suffix(TMP_SUFFIX)
                .tempfile_in(&dir)
                .map_err(io_at(&path))?;
            tmp.write_all(&bytes).map_err(io_at(&path))?;
            (tmp, sha256_hex(&bytes))
        }
        Content::Staged(tmp) => {
            let (_, sha256) = inspect(tmp.path()).map_err(io_at(&path))?;
            (tmp, sha256)
        }
    };
    // Temporary files are private (0600); an output is an ordinary file the user shares.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(io_at(&path))?;
    }
    tmp.as_file().sync_all().map_err(io_at(&path))?;
    Ok((path, target.to_path_buf(), tmp, sha256))
}

fn io_at(path: &Path) -> impl Fn(std::io::Error) -> WriteError + use<> {
    let path = path.to_path_buf();
    move |error| WriteError::Io {
        path: path.clone(),
        error,
    }
}

/// The folder a resolved target is in.
fn folder_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Is the file an SQLite database, and the SHA-256 of its bytes (streamed: a user's file in the
/// way may be large).
fn inspect(path: &Path) -> std::io::Result<(bool, String)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut first = true;
    let mut sqlite = false;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        if first {
            sqlite = buf[..n].starts_with(SQLITE_HEADER);
            first = false;
        }
        hasher.update(&buf[..n]);
    }
    let mut out = String::with_capacity(64);
    for b in hasher.finalize() {
        use std::fmt::Write as _;
        let _ = write!(out, "{b:02x}");
    }
    Ok((sqlite, out))
}

/// Does the file at `path` hold the bytes of this SHA-256?
fn holds(path: &Path, sha256: &str) -> bool {
    inspect(path).is_ok_and(|(_, s)| s == sha256)
}

fn write_manifest(dir: &Path, m: &Manifest) -> Result<(), WriteError> {
    let path = dir.join(MANIFEST);
    let bytes = serde_json::to_vec_pretty(m).unwrap_or_default();
    std::fs::create_dir_all(dir).map_err(io_at(dir))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!("{TMP_PREFIX}{}-", std::process::id()))
        .suffix(TMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(io_at(&path))?;
    tmp.write_all(&bytes).map_err(io_at(&path))?;
    tmp.persist(&path).map_err(|e| WriteError::Io {
        path: path.clone(),
        error: e.error,
    })?;
    Ok(())
}

fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(64);
    for b in Sha256::digest(bytes) {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Removes the `.capekit-*.tmp` files in `dir` that no running capekit is writing: those of a
/// process that is gone (on Linux, where `/proc` tells), else those older than an hour.
fn clean_temporaries(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(read) = std::fs::read_dir(dir) else {
        return out;
    };
    let me = std::process::id().to_string();
    let proc_fs = Path::new("/proc/self").exists();
    for e in read.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(middle) = name
            .strip_prefix(TMP_PREFIX)
            .and_then(|n| n.strip_suffix(TMP_SUFFIX))
        else {
            continue;
        };
        let pid = middle
            .split('-')
            .next()
            .filter(|p| p.chars().all(|c| c.is_ascii_digit()));
        if pid == Some(me.as_str()) {
            continue;
        }
        let alive = match pid {
            Some(p) if proc_fs && !p.is_empty() => Path::new("/proc").join(p).exists(),
            _ => e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_none_or(|age| age.as_secs() < 3600),
        };
        if !alive && std::fs::remove_file(e.path()).is_ok() {
            out.push(e.path());
        }
    }
    out
}

/// The absolute path `path` names, with `..` and symlinks resolved: the nearest existing
/// ancestor is resolved by the file system (symlinks followed), the components after it, which
/// do not exist yet and so cannot be symlinks, are appended with `.` and `..` applied.
pub fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut out = PathBuf::new();
    let mut existing = true;
    for c in abs.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => out.push(c.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(n) => {
                out.push(n);
                if existing {
                    match std::fs::canonicalize(&out) {
                        Ok(c) => out = c,
                        Err(_) => existing = false,
                    }
                }
            }
        }
    }
    Ok(out)
}

/// The command that last owned the folder `dir`, as its manifest says; `None` without one.
pub fn written_by(dir: &Path) -> Option<String> {
    resolve(dir)
        .ok()
        .and_then(|d| Manifest::read(&d))
        .map(|m| m.written_by)
        .filter(|w| !w.is_empty())
}

/// True when both paths name the same file once resolved (see [`resolve`]).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (resolve(a), resolve(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staged_file_is_written_guarded_and_listed_like_the_others() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        let big = out.join("worklist.csv");
        let mut tmp = OutputSet::stage(&big).expect("staged");
        tmp.write_all(b"entry_number\r\n").expect("written");
        let mut set = OutputSet::new();
        set.own_folder(&out, "capekit test");
        set.add_staged(&big, tmp);
        set.add(out.join("small.csv"), b"x".to_vec());
        let done = set.commit_all(&[]).expect("committed");
        assert_eq!(done.written, [big.clone(), out.join("small.csv")]);
        assert_eq!(std::fs::read(&big).expect("read"), b"entry_number\r\n");
        let manifest = std::fs::read_to_string(out.join(MANIFEST)).expect("manifest");
        assert!(
            manifest.contains(&sha256_hex(b"entry_number\r\n")),
            "{manifest}"
        );
        // No temporary file is left behind.
        let names: Vec<String> = std::fs::read_dir(&out)
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|n| n.ends_with(TMP_SUFFIX)), "{names:?}");

        // A staged file over an input is refused, and its temporary file removed.
        let input = out.join("small.csv");
        let mut tmp = OutputSet::stage(&input).expect("staged");
        tmp.write_all(b"new").expect("written");
        let mut set = OutputSet::new();
        set.add_staged(&input, tmp);
        let err = set
            .commit(std::slice::from_ref(&input))
            .expect_err("refused");
        assert!(
            matches!(err, WriteError::WouldOverwriteInput { .. }),
            "{err}"
        );
        assert_eq!(std::fs::read(&input).expect("read"), b"x");
        let left = std::fs::read_dir(&out)
            .expect("dir")
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(TMP_SUFFIX))
            })
            .count();
        assert_eq!(left, 0);
    }

    #[test]
    fn refuses_to_overwrite_an_input() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("in.csv");
        std::fs::write(&input, b"keep").expect("write");
        let mut set = OutputSet::new();
        set.add(dir.path().join("./in.csv"), b"new".to_vec());
        let err = set
            .commit(std::slice::from_ref(&input))
            .expect_err("refused");
        assert!(matches!(err, WriteError::WouldOverwriteInput { .. }));
        assert_eq!(std::fs::read(&input).expect("read"), b"keep");
    }

    #[test]
    fn refuses_an_input_named_through_a_folder_not_made_yet() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("in.csv");
        std::fs::write(&input, b"keep").expect("write");
        let mut set = OutputSet::new();
        set.add(dir.path().join("new/../in.csv"), b"new".to_vec());
        let err = set
            .commit(std::slice::from_ref(&input))
            .expect_err("refused");
        assert!(
            matches!(err, WriteError::WouldOverwriteInput { .. }),
            "{err}"
        );
        assert_eq!(std::fs::read(&input).expect("read"), b"keep");
        assert!(!dir.path().join("new").exists(), "nothing created");
    }

    #[cfg(unix)]
    #[test]
    fn refuses_an_input_reached_through_a_symlink() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("in.csv");
        std::fs::write(&input, b"keep").expect("write");
        std::os::unix::fs::symlink(dir.path(), dir.path().join("link")).expect("symlink");
        let mut set = OutputSet::new();
        set.add(dir.path().join("link/in.csv"), b"new".to_vec());
        assert!(set.commit(std::slice::from_ref(&input)).is_err());
        assert_eq!(std::fs::read(&input).expect("read"), b"keep");
    }

    #[test]
    fn refuses_the_ledger_and_its_side_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ledger = dir.path().join("ledger.sqlite3");
        std::fs::write(&ledger, b"SQLite format 3").expect("write");
        for target in ["ledger.sqlite3", "x/../ledger.sqlite3-wal"] {
            let mut set = OutputSet::new();
            set.protect_ledger(&ledger);
            set.add(dir.path().join(target), b"csv".to_vec());
            let err = set.commit(&[]).expect_err("refused");
            assert!(
                matches!(err, WriteError::WouldOverwriteLedger { .. }),
                "{err}"
            );
        }
        assert_eq!(std::fs::read(&ledger).expect("read"), b"SQLite format 3");
    }

    #[test]
    fn an_owned_folder_holds_one_run_only_and_never_loses_a_file_capekit_did_not_write() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        let mut first = OutputSet::new();
        first.own_folder(&out, "test");
        first.add(out.join("refile-01.csv"), b"1".to_vec());
        first.add(out.join("refile-02.csv"), b"2".to_vec());
        first.add(out.join("edited.csv"), b"3".to_vec());
        first.commit(&[]).expect("first");
        std::fs::write(out.join("mine.txt"), b"user").expect("user file");
        std::fs::write(out.join("edited.csv"), b"changed by the user").expect("edit");
        let mut second = OutputSet::new();
        second.own_folder(&out, "test");
        second.add(out.join("refile.csv"), b"new".to_vec());
        let done = second.commit_all(&[]).expect("second");
        assert_eq!(
            done.removed,
            vec![
                resolve(&out.join("refile-01.csv")).expect("r"),
                resolve(&out.join("refile-02.csv")).expect("r")
            ]
        );
        assert_eq!(
            done.kept.len(),
            1,
            "an edited file is not capekit's any more"
        );
        assert!(out.join("mine.txt").exists());
        assert!(out.join("edited.csv").exists());
        assert!(out.join("refile.csv").exists());
        assert!(!out.join("refile-01.csv").exists());
    }

    #[test]
    fn temporaries_of_a_killed_run_are_cleaned_at_the_next() {
        let dir = tempfile::tempdir().expect("tempdir");
        // A pid no process has (above Linux's pid_max).
        let left = dir.path().join(".capekit-4194399-abc.tmp");
        std::fs::write(&left, b"half").expect("write");
        let mut set = OutputSet::new();
        set.add(dir.path().join("a.csv"), b"1".to_vec());
        let done = set.commit_all(&[]).expect("written");
        if Path::new("/proc/self").exists() {
            assert_eq!(done.cleaned.len(), 1);
            assert!(!left.exists());
        }
    }

    #[test]
    fn resolve_applies_dots_after_the_last_existing_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = resolve(dir.path()).expect("base");
        assert_eq!(
            resolve(&dir.path().join("x/../y/./z")).expect("r"),
            base.join("y/z")
        );
        assert_eq!(resolve(&dir.path().join("x/..")).expect("r"), base);
    }

    #[test]
    fn writes_all_files_and_creates_folders() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut set = OutputSet::new();
        set.add(dir.path().join("a/b.txt"), b"1".to_vec());
        set.add(dir.path().join("c.txt"), b"2".to_vec());
        let written = set.commit(&[]).expect("written");
        assert_eq!(written.len(), 2);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("c.txt"))
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(
                mode & 0o777,
                0o644,
                "outputs are ordinary files, not private temp files"
            );
        }
        assert_eq!(
            std::fs::read(dir.path().join("a/b.txt")).expect("read"),
            b"1"
        );
        let leftovers = std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .count();
        assert_eq!(leftovers, 0);
    }

    fn recorded(path: Option<PathBuf>, bytes: &[u8], draft_in: Option<PathBuf>) -> RecordedFile {
        RecordedFile {
            path,
            sha256: sha256_hex(bytes),
            what: "declaration #1 (uploaded)".to_owned(),
            draft_in,
        }
    }

    #[test]
    fn never_replaces_a_file_capekit_did_not_write_and_says_which() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        std::fs::create_dir(&out).expect("mkdir");
        std::fs::write(out.join("refile.csv"), b"the user's own").expect("write");
        std::fs::write(out.join("worklist.xlsx"), b"the user's workbook").expect("write");
        let mut set = OutputSet::new();
        set.own_folder(&out, "test");
        set.add(out.join("refile.csv"), b"new".to_vec());
        set.add(out.join("worklist.xlsx"), b"new".to_vec());
        set.add(out.join("report.html"), b"new".to_vec());
        let err = set.commit(&[]).expect_err("refused");
        let WriteError::NotWrittenByCapekit { paths } = &err else {
            panic!("{err}");
        };
        assert_eq!(paths.len(), 2, "{err}");
        let text = err.to_string();
        assert!(
            text.contains("refile.csv") && text.contains("worklist.xlsx"),
            "{text}"
        );
        assert!(text.contains("choose an empty folder"), "{text}");
        assert_eq!(
            std::fs::read(out.join("refile.csv")).expect("read"),
            b"the user's own"
        );
        assert!(!out.join("report.html").exists(), "nothing written");
        assert!(!out.join(MANIFEST).exists());
    }

    #[test]
    fn a_file_written_alone_may_be_written_again_but_not_once_edited() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("fixed.csv");
        let write = |bytes: &[u8]| {
            let mut set = OutputSet::new();
            set.add(&target, bytes.to_vec());
            set.commit(&[])
        };
        write(b"1").expect("first");
        write(b"2").expect("its own file, replaced");
        assert_eq!(std::fs::read(&target).expect("read"), b"2");
        std::fs::write(&target, b"edited by the user").expect("edit");
        let err = write(b"3").expect_err("an edited file is the user's");
        assert!(
            matches!(err, WriteError::NotWrittenByCapekit { .. }),
            "{err}"
        );
        assert_eq!(std::fs::read(&target).expect("read"), b"edited by the user");
    }

    #[test]
    fn a_loose_file_survives_a_run_that_owns_its_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        let mut fix = OutputSet::new();
        fix.add(out.join("fixed.csv"), b"fixed".to_vec());
        fix.commit(&[]).expect("fix");
        for _ in 0..2 {
            let mut triage = OutputSet::new();
            triage.own_folder(&out, "test");
            triage.add(out.join("report.html"), b"r".to_vec());
            let done = triage.commit_all(&[]).expect("triage");
            assert!(done.removed.is_empty(), "{:?}", done.removed);
        }
        assert!(out.join("fixed.csv").exists());
        let mut fix = OutputSet::new();
        fix.add(out.join("fixed.csv"), b"fixed again".to_vec());
        fix.commit(&[]).expect("still capekit's file");
    }

    #[test]
    fn refuses_any_sqlite_database_such_as_a_backup_of_the_ledger() {
        let dir = tempfile::tempdir().expect("tempdir");
        let backup = dir.path().join("backup-2026.csv");
        std::fs::write(&backup, b"SQLite format 3\0rest of the pages").expect("write");
        let mut set = OutputSet::new();
        set.add(dir.path().join("x/../backup-2026.csv"), b"csv".to_vec());
        let err = set.commit(&[]).expect_err("refused");
        assert!(
            matches!(err, WriteError::WouldOverwriteDatabase { .. }),
            "{err}"
        );
        assert!(
            std::fs::read(&backup)
                .expect("read")
                .starts_with(SQLITE_HEADER)
        );
    }

    #[cfg(unix)]
    #[test]
    fn refuses_the_side_files_of_a_ledger_named_through_a_symlink() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real.sqlite3");
        std::fs::write(&real, b"SQLite format 3\0").expect("write");
        let link = dir.path().join("ledger.sqlite3");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        for target in ["real.sqlite3-wal", "real.sqlite3-shm", "ledger.sqlite3-wal"] {
            let mut set = OutputSet::new();
            set.protect_ledger(&link);
            set.add(dir.path().join(target), b"csv".to_vec());
            let err = set.commit(&[]).expect_err("refused");
            assert!(
                matches!(err, WriteError::WouldOverwriteLedger { .. }),
                "{target}: {err}"
            );
            assert!(!dir.path().join(target).exists());
        }
    }

    #[test]
    fn refuses_a_declaration_the_ledger_records_by_path_or_by_bytes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let uploaded = dir.path().join("uploaded.csv");
        std::fs::write(&uploaded, b"Entry Number\r\nB7600000019\r\n").expect("write");
        let copy = dir.path().join("copy.csv");
        std::fs::copy(&uploaded, &copy).expect("copy");
        let draft = dir.path().join("drafts/refile.csv");
        for (target, rec) in [
            (
                &copy,
                recorded(None, &std::fs::read(&uploaded).expect("read"), None),
            ),
            (&draft, recorded(Some(draft.clone()), b"gone", None)),
        ] {
            let mut set = OutputSet::new();
            set.protect_recorded(vec![rec]);
            set.add(target, b"csv".to_vec());
            let err = set.commit(&[]).expect_err("refused");
            assert!(
                matches!(err, WriteError::WouldOverwriteDeclaration { .. }),
                "{}: {err}",
                target.display()
            );
            assert!(
                err.to_string().contains("declaration #1 (uploaded)"),
                "{err}"
            );
        }
        assert_eq!(
            std::fs::read(&copy).expect("read"),
            std::fs::read(&uploaded).expect("read")
        );
    }

    #[test]
    fn a_run_owning_the_folder_replaces_its_drafts_but_never_removes_an_upload() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        let mut first = OutputSet::new();
        first.own_folder(&out, "test");
        first.add(out.join("refile.csv"), b"draft".to_vec());
        first.add(out.join("refile-2.csv"), b"uploaded".to_vec());
        first.commit(&[]).expect("first");
        let draft = recorded(Some(out.join("refile.csv")), b"draft", Some(out.clone()));
        let upload = recorded(Some(out.join("refile-2.csv")), b"uploaded", None);
        let mut second = OutputSet::new();
        second.own_folder(&out, "test");
        second.protect_recorded(vec![draft, upload]);
        second.add(out.join("refile.csv"), b"new draft".to_vec());
        let done = second.commit_all(&[]).expect("the draft is superseded");
        assert!(done.removed.is_empty(), "{:?}", done.removed);
        assert_eq!(done.kept.len(), 1);
        assert_eq!(
            std::fs::read(out.join("refile-2.csv")).expect("read"),
            b"uploaded"
        );
        // Written into by a command that does not own it, the draft is protected too.
        let mut fix = OutputSet::new();
        fix.protect_recorded(vec![recorded(
            Some(out.join("refile.csv")),
            b"new draft",
            Some(out.clone()),
        )]);
        fix.add(out.join("refile.csv"), b"fix".to_vec());
        let err = fix.commit(&[]).expect_err("refused");
        assert!(
            matches!(err, WriteError::WouldOverwriteDeclaration { .. }),
            "{err}"
        );
    }

    #[test]
    fn check_writes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("new/out");
        let mut set = OutputSet::new();
        set.own_folder(&out, "test");
        set.add(out.join("a.csv"), Vec::new());
        set.check(&[]).expect("allowed");
        assert!(!dir.path().join("new").exists());
    }
}
