//! Writing output files safely: never over an input, never half-written.
//!
//! Every file goes to a temporary file in the target folder first; only when all files of one
//! output set are written are they renamed into place, so an interrupted run leaves the old files
//! or the new ones, never a mix or a truncated file.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output would replace one of the input files.
    #[error("refusing to write {path}: it is one of the input files; choose another output path")]
    WouldOverwriteInput {
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

/// A set of files to write together.
#[derive(Debug, Default)]
pub struct OutputSet {
    files: Vec<(PathBuf, Vec<u8>)>,
}

impl OutputSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file.
    pub fn add(&mut self, path: impl Into<PathBuf>, bytes: Vec<u8>) {
        self.files.push((path.into(), bytes));
    }

    /// The paths in the set, in the order added.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.files.iter().map(|(p, _)| p.clone()).collect()
    }

    /// Writes every file, refusing when any target is one of `inputs`. Parent folders are created.
    pub fn commit(self, inputs: &[PathBuf]) -> Result<Vec<PathBuf>, WriteError> {
        for (path, _) in &self.files {
            if inputs.iter().any(|i| same_file(i, path)) {
                return Err(WriteError::WouldOverwriteInput { path: path.clone() });
            }
        }
        let mut staged = Vec::with_capacity(self.files.len());
        for (path, bytes) in self.files {
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            let io = |source| WriteError::Io {
                path: path.clone(),
                source,
            };
            std::fs::create_dir_all(&dir).map_err(io)?;
            let mut tmp = tempfile::Builder::new()
                .prefix(".capekit-")
                .suffix(".tmp")
                .tempfile_in(&dir)
                .map_err(io)?;
            tmp.write_all(&bytes).map_err(io)?;
            // Temporary files are private (0600); an output is an ordinary file the user shares.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                tmp.as_file()
                    .set_permissions(std::fs::Permissions::from_mode(0o644))
                    .map_err(io)?;
            }
            tmp.as_file().sync_all().map_err(io)?;
            staged.push((path, tmp));
        }
        let mut written = Vec::with_capacity(staged.len());
        for (path, tmp) in staged {
            tmp.persist(&path).map_err(|e| WriteError::Io {
                path: path.clone(),
                source: e.error,
            })?;
            written.push(path);
        }
        Ok(written)
    }
}

/// True when both paths name the same existing file, or are the same path.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
