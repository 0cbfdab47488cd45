//! Writing output files safely: never over an input or the ledger, never half-written, never
//! leaving an earlier run's files behind.
//!
//! Every file goes to a temporary file in the target folder first; only when all files of one
//! output set are written are they renamed into place, so an interrupted run leaves the old files
//! or the new ones, never a mix or a truncated file. Targets are compared with the protected files
//! (inputs, the ledger) after resolving both: `..`, symlinks, and folders not made yet (the
//! nearest existing ancestor is resolved, the rest appended), so `new/../in.csv` is `in.csv`.
//!
//! A folder a command owns (`triage --out DIR`) holds one run's outputs only: capekit keeps a
//! manifest there ([`MANIFEST`]) of what it wrote, and the next run removes those files - only
//! those, and only while they still hold the bytes capekit wrote - before its own are renamed
//! into place. Temporary files a killed run left behind are removed at the next one.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The manifest capekit keeps in an output folder it owns.
pub const MANIFEST: &str = ".capekit-manifest.json";

const TMP_PREFIX: &str = ".capekit-";
const TMP_SUFFIX: &str = ".tmp";

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
        "refusing to write {path}: it is the ledger, which remembers every declaration and claim; choose another output path"
    )]
    WouldOverwriteLedger {
        /// The path.
        path: PathBuf,
    },
    /// File system error.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
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

/// What a commit did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Committed {
    /// The files written, in the order added.
    pub written: Vec<PathBuf>,
    /// Files of the previous run in an owned folder, removed (those the new run did not write
    /// again).
    pub removed: Vec<PathBuf>,
    /// Files of the previous run that were changed since capekit wrote them, so were kept.
    pub kept: Vec<PathBuf>,
    /// Temporary files of an interrupted run, removed.
    pub cleaned: Vec<PathBuf>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    written_by: String,
    files: Vec<ManifestFile>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ManifestFile {
    name: String,
    sha256: String,
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
    owned: Option<(PathBuf, String)>,
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
        let io = |source| WriteError::Io {
            path: path.to_path_buf(),
            source,
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

    /// Never writes over the ledger file at `path` (nor its `-wal` and `-shm` files).
    pub fn protect_ledger(&mut self, path: &Path) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            self.ledger.push(PathBuf::from(p));
        }
    }

    /// The folder `dir` holds this run's outputs only: what the previous run of capekit wrote
    /// there (its manifest) is removed, and a new manifest lists what this run wrote. `command`
    /// names the run in the manifest.
    pub fn own_folder(&mut self, dir: &Path, command: &str) {
        self.owned = Some((dir.to_path_buf(), command.to_owned()));
    }

    /// Writes every file, refusing when any target is one of `inputs` or the ledger. Parent
    /// folders are created.
    pub fn commit(self, inputs: &[PathBuf]) -> Result<Vec<PathBuf>, WriteError> {
        Ok(self.commit_all(inputs)?.written)
    }

    /// [`OutputSet::commit`], saying what else it removed.
    pub fn commit_all(self, inputs: &[PathBuf]) -> Result<Committed, WriteError> {
        let io_at = |path: &Path| {
            let path = path.to_path_buf();
            move |source| WriteError::Io {
                path: path.clone(),
                source,
            }
        };
        let resolved_inputs: Vec<PathBuf> = inputs
            .iter()
            .map(|i| resolve(i).map_err(io_at(i)))
            .collect::<Result<_, _>>()?;
        let resolved_ledger: Vec<PathBuf> = self
            .ledger
            .iter()
            .map(|i| resolve(i).map_err(io_at(i)))
            .collect::<Result<_, _>>()?;
        let mut targets = Vec::with_capacity(self.files.len());
        for (path, _) in &self.files {
            let r = resolve(path).map_err(io_at(path))?;
            if resolved_inputs.contains(&r) {
                return Err(WriteError::WouldOverwriteInput { path: path.clone() });
            }
            if resolved_ledger.contains(&r) {
                return Err(WriteError::WouldOverwriteLedger { path: path.clone() });
            }
            targets.push(r);
        }
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
        let mut done = Committed::default();
        // Temporary files an interrupted run left in the folders written to.
        let mut dirs: Vec<PathBuf> = targets
            .iter()
            .filter_map(|t| t.parent().map(Path::to_path_buf))
            .collect();
        if let Some((odir, _)) = &owned {
            dirs.push(odir.clone());
        }
        dirs.sort();
        dirs.dedup();
        for d in &dirs {
            done.cleaned.extend(clean_temporaries(d));
        }
        let mut staged = Vec::with_capacity(self.files.len());
        let mut manifest = Vec::new();
        for ((path, content), target) in self.files.into_iter().zip(&targets) {
            let (tmp, sha256) = match content {
                Content::Bytes(bytes) => {
                    let dir = match target.parent() {
                        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                        _ => PathBuf::from("."),
                    };
                    let io = io_at(&path);
                    std::fs::create_dir_all(&dir).map_err(io)?;
                    let io = io_at(&path);
                    let mut tmp = tempfile::Builder::new()
                        .prefix(&format!("{TMP_PREFIX}{}-", std::process::id()))
                        .suffix(TMP_SUFFIX)
                        .tempfile_in(&dir)
                        .map_err(io)?;
                    tmp.write_all(&bytes).map_err(io_at(&path))?;
                    (tmp, owned.is_some().then(|| sha256_hex(&bytes)))
                }
                Content::Staged(tmp) => {
                    let sha256 = match owned {
                        Some(_) => Some(sha256_of_file(tmp.path()).map_err(io_at(&path))?),
                        None => None,
                    };
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
            if let Some((odir, _)) = &owned
                && target.parent() == Some(odir.as_path())
                && let Some(name) = target.file_name()
            {
                manifest.push(ManifestFile {
                    name: name.to_string_lossy().into_owned(),
                    sha256: sha256.unwrap_or_default(),
                });
            }
            staged.push((path, target.clone(), tmp));
        }
        if let Some((odir, _)) = &owned {
            let (removed, kept) = remove_previous(odir, &targets);
            done.removed = removed;
            done.kept = kept;
        }
        for (path, target, tmp) in staged {
            // The resolved target: `x/../a.csv` with no `x` is `a.csv`, which a rename of the
            // path as given could not reach.
            tmp.persist(&target).map_err(|e| WriteError::Io {
                path: path.clone(),
                source: e.error,
            })?;
            done.written.push(path);
        }
        if let Some((odir, command)) = owned {
            let m = Manifest {
                written_by: command,
                files: manifest,
            };
            let bytes = serde_json::to_vec_pretty(&m).unwrap_or_default();
            let path = odir.join(MANIFEST);
            std::fs::create_dir_all(&odir).map_err(io_at(&odir))?;
            let mut tmp = tempfile::Builder::new()
                .prefix(&format!("{TMP_PREFIX}{}-", std::process::id()))
                .suffix(TMP_SUFFIX)
                .tempfile_in(&odir)
                .map_err(io_at(&path))?;
            tmp.write_all(&bytes).map_err(io_at(&path))?;
            tmp.persist(&path).map_err(|e| WriteError::Io {
                path: path.clone(),
                source: e.error,
            })?;
        }
        Ok(done)
    }
}

/// The SHA-256 of the file at `path`, read as it streams.
fn sha256_of_file(path: &Path) -> std::io::Result<String> {
    use std::fmt::Write as _;
    use std::io::Read as _;
    let mut file = std::fs::File::open(path)?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
    }
    let mut out = String::with_capacity(64);
    for b in hash.finalize() {
        let _ = write!(out, "{b:02x}");
    }
    Ok(out)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(64);
    for b in Sha256::digest(bytes) {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Removes the files the manifest of `dir` lists, unless this run writes them again (they are
/// then replaced) or they changed since capekit wrote them (kept: capekit did not write those
/// bytes). A name that is not a plain file name is ignored.
fn remove_previous(dir: &Path, targets: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut removed = Vec::new();
    let mut kept = Vec::new();
    let Ok(bytes) = std::fs::read(dir.join(MANIFEST)) else {
        return (removed, kept);
    };
    let Ok(m) = serde_json::from_slice::<Manifest>(&bytes) else {
        return (removed, kept);
    };
    for f in m.files {
        let plain = Path::new(&f.name)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
            && Path::new(&f.name).components().count() == 1
            && f.name != MANIFEST;
        if !plain {
            continue;
        }
        let path = dir.join(&f.name);
        if targets.contains(&path) {
            continue;
        }
        match std::fs::read(&path) {
            Ok(b) if sha256_hex(&b) == f.sha256 => {
                if std::fs::remove_file(&path).is_ok() {
                    removed.push(path);
                }
            }
            Ok(_) => kept.push(path),
            Err(_) => {}
        }
    }
    (removed, kept)
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
}
