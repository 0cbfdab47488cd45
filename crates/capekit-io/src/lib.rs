//! Readers and writers of the files CAPE users handle: declaration uploads, Claim Details and
//! Validation Result Files, ACE entry reports, and the worklists and reports capekit writes.
//!
//! Readers return records with positioned diagnostics and never stop at the first bad row;
//! writers never overwrite an input and never leave a half-written file. Nothing here knows the
//! command line.

pub mod claims;
pub mod declaration;
pub mod entries;
pub mod html;
pub use capekit_core::names;
pub mod output;
pub mod packets;
pub mod plan_out;
pub mod recognize;
pub mod refunds;
pub mod refunds_out;
pub mod render;
pub mod sheet;
pub mod sniff;
pub mod table;
pub mod text;
pub mod timings;
pub mod triage_out;
pub mod upload;

use std::io::Read;
use std::path::{Path, PathBuf};

/// Why an input file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file does not exist.
    #[error("{path}: no such file - check the path")]
    NotFound {
        /// The path given.
        path: PathBuf,
    },
    /// The path is a folder.
    #[error("{path} is a folder, not a file")]
    IsDir {
        /// The path given.
        path: PathBuf,
    },
    /// The file is larger than the reader takes. Refused whole: reading only its beginning would
    /// drop the rows past the limit without a word.
    #[error(
        "{path}: the file is larger than {} bytes, the most capekit reads from one file - \
         check that it is the right file (a CAPE declaration upload is under 1 MB)",
        capekit_core::check::group(*.limit)
    )]
    TooLarge {
        /// The path given.
        path: PathBuf,
        /// The limit in bytes.
        limit: u64,
    },
    /// A workbook beyond what capekit reads ([`table::TableError::is_limit`]).
    #[error("{path}: {error}")]
    Workbook {
        /// The path given.
        path: PathBuf,
        /// What was too large (not an error `source`: the message already says it).
        error: table::TableError,
    },
    /// Reading failed.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The path given.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

impl ReadError {
    /// The error for an I/O failure on `path`: a missing file is named as such.
    pub fn from_io(path: &Path, source: std::io::Error) -> Self {
        if source.kind() == std::io::ErrorKind::NotFound {
            ReadError::NotFound {
                path: path.to_path_buf(),
            }
        } else {
            ReadError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    }
}

/// Opens an input file for reading; a folder or a missing file is named as such.
pub fn open_input(path: &Path) -> Result<std::fs::File, ReadError> {
    if path.is_dir() {
        return Err(ReadError::IsDir {
            path: path.to_path_buf(),
        });
    }
    std::fs::File::open(path).map_err(|e| ReadError::from_io(path, e))
}

/// Reads a whole file of at most `limit` bytes; a larger file is refused
/// ([`ReadError::TooLarge`]), never cut.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_input(path)?;
    let mut bytes = Vec::new();
    // One byte past the limit tells a file of exactly `limit` bytes from a larger one.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::from_io(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            limit,
        });
    }
    Ok(bytes)
}
