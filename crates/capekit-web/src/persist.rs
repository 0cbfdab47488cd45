//! Results kept across restarts: each upload's saved record, and the session read again from it.
//!
//! A session lives in memory (see `session.rs`), and its uploaded files are saved under generated
//! names in the upload folder. Beside them, each upload writes a small record, `ID.json`: the
//! kind of job (triage, plan, declaration check), the files as the browser named them with the
//! names they were saved under, the options (rules date, filer code, the corrected list) and when
//! it was made. A server started again on the same folder, asked for an address it does not hold
//! (`/triage/ID`...), reads that record and runs the job again from the saved files, so the same
//! address shows the same result. Nothing is done at start: only the pages asked for are read
//! again, one at a time, and each goes through the same memory budget as a new upload.
//!
//! Reading again is read-only: the upload was recorded in the ledger when it was made, so the
//! job runs with what the ledger knows now (what was accepted or uploaded since) and records
//! nothing; the page says it was reopened. The record is written like every upload, readable by
//! its owner only (0600) and whole or not at all (a temporary file renamed); a name in it that
//! is not one of this upload's generated names is refused, so an edited record cannot make the
//! server read another file.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::session::{FileKind, Session, SessionId, UploadedFile, write_private};

/// The version of the record written; a record of another version is not read.
const VERSION: u32 = 1;

/// Which job an upload ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Job {
    /// Claim files (with a declaration, entry reports, a corrected list): `/triage/ID`.
    Triage,
    /// Entry reports alone: `/plan/ID`.
    Plan,
    /// A declaration alone: `/check/ID`.
    Check,
}

/// One saved file of an upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFile {
    /// The name the browser gave, for display.
    pub name: String,
    /// The generated name it was saved under, in the upload folder.
    pub saved: String,
    /// Its size in bytes.
    pub size: usize,
    /// What it was read as ([`FileKind::as_str`]).
    pub kind: String,
}

/// The saved record of one upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`VERSION`].
    pub version: u32,
    /// The job.
    pub job: Job,
    /// When the upload was made.
    pub created: jiff::Timestamp,
    /// The rules date the job ran with.
    pub as_of: Option<Date>,
    /// The filer code given with the upload.
    pub filer: Option<String>,
    /// The files, in upload order.
    pub files: Vec<SavedFile>,
    /// The corrected list pasted on the rebuild page (a list given as a file is among `files`);
    /// `Some` once a corrected list was given, even one given only as a file.
    pub corrected: Option<String>,
}

impl Manifest {
    /// The record of `session`.
    pub fn of(session: &Session) -> Self {
        let saved = |files: &[UploadedFile]| files.iter().map(SavedFile::of).collect();
        match session {
            Session::Triage(t) => Self {
                version: VERSION,
                job: Job::Triage,
                created: t.created,
                as_of: Some(t.as_of),
                filer: None,
                files: saved(&t.files),
                corrected: t.corrected.as_ref().map(|c| c.text.clone()),
            },
            Session::Plan(p) => Self {
                version: VERSION,
                job: Job::Plan,
                created: p.created,
                as_of: Some(p.plan.as_of),
                filer: p.plan.filer.map(|f| f.to_string()),
                files: saved(&p.files),
                corrected: None,
            },
            Session::Check(c) => Self {
                version: VERSION,
                job: Job::Check,
                created: c.created,
                as_of: None,
                filer: c.filer.map(|f| f.to_string()),
                files: saved(std::slice::from_ref(&c.file)),
                corrected: None,
            },
        }
    }
}

impl SavedFile {
    fn of(f: &UploadedFile) -> Self {
        Self {
            name: f.name.clone(),
            saved: f
                .stored
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            size: f.size,
            kind: f.kind.as_str().to_owned(),
        }
    }
}

/// Where the record of upload `id` is kept.
fn manifest_path(dir: &Path, id: &SessionId) -> PathBuf {
    dir.join(format!("{id}.json"))
}

/// Writes the record of `session` (upload `id`) beside its files, replacing an earlier one (a
/// corrected list given since): to a temporary file first, renamed over the old record, so a
/// crash leaves the old record or the new one.
pub fn save(dir: &Path, id: &SessionId, session: &Session) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(&Manifest::of(session)).map_err(std::io::Error::other)?;
    let tmp = dir.join(format!(".{id}.json.tmp"));
    // A temporary file left by a crash is ours: the id is this upload's.
    let _ = std::fs::remove_file(&tmp);
    let written =
        write_private(&tmp, &json).and_then(|()| std::fs::rename(&tmp, manifest_path(dir, id)));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Saves the record of a session just made, or says on the terminal why it could not: the
/// result is still shown, it only will not survive a restart.
pub fn save_or_warn(dir: &Path, id: &SessionId, session: &Session) {
    if let Err(e) = save(dir, id, session) {
        eprintln!(
            "capekit serve: warning: the record of upload {id} could not be saved in {} ({e}); its result is lost when capekit stops",
            dir.display()
        );
    }
}

/// Why a saved upload cannot be read again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReopenError {
    /// These files of the upload (as the browser named them) are no longer in the folder.
    Gone(Vec<String>),
    /// The record or a file cannot be read: why.
    Unreadable(String),
}

/// A saved upload read back: its record and each file with its bytes.
#[derive(Debug)]
pub struct Saved {
    /// The record.
    pub manifest: Manifest,
    /// The files, in upload order.
    pub files: Vec<(UploadedFile, Vec<u8>)>,
}

/// The record of upload `id` and its files, `Ok(None)` when there is no record (an address this
/// folder never held).
pub fn read(dir: &Path, id: &SessionId) -> Result<Option<Saved>, ReopenError> {
    let path = manifest_path(dir, id);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(ReopenError::Unreadable(format!(
                "{} cannot be read: {e}",
                path.display()
            )));
        }
    };
    let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
        ReopenError::Unreadable(format!(
            "{} is not a record capekit wrote: {e}",
            path.display()
        ))
    })?;
    if manifest.version != VERSION {
        return Err(ReopenError::Unreadable(format!(
            "{} was written by another version of capekit (record version {})",
            path.display(),
            manifest.version
        )));
    }
    let prefix = format!("{id}-");
    let mut files = Vec::with_capacity(manifest.files.len());
    let mut gone = Vec::new();
    for f in &manifest.files {
        // Only this upload's generated names: `ID-NN.ext`, no folder, nothing else.
        let generated = f.saved.starts_with(&prefix)
            && f.saved
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            && !f.saved.contains("..");
        let kind = FileKind::from_name(&f.kind);
        let (true, Some(kind)) = (generated, kind) else {
            return Err(ReopenError::Unreadable(format!(
                "{} names a file `{}` of kind `{}`, which is not one of this upload's",
                path.display(),
                f.saved,
                f.kind
            )));
        };
        let stored = dir.join(&f.saved);
        match std::fs::read(&stored) {
            Ok(bytes) => files.push((
                UploadedFile {
                    name: f.name.clone(),
                    stored,
                    size: bytes.len(),
                    kind,
                },
                bytes,
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => gone.push(f.name.clone()),
            Err(e) => {
                return Err(ReopenError::Unreadable(format!(
                    "{} cannot be read: {e}",
                    stored.display()
                )));
            }
        }
    }
    if !gone.is_empty() {
        return Err(ReopenError::Gone(gone));
    }
    Ok(Some(Saved { manifest, files }))
}

/// The saved uploads of the folder whose ids are not in `open`, newest first, at most `limit`:
/// each id with its record. Only the newest records by file date are read, so a folder of
/// thousands of uploads costs a directory listing and `limit` small reads.
pub fn saved_uploads(
    dir: &Path,
    open: &std::collections::HashSet<SessionId>,
    limit: usize,
) -> Vec<(SessionId, Manifest)> {
    let Ok(listing) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(std::time::SystemTime, SessionId)> = listing
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name();
            let id = SessionId::parse(name.to_str()?.strip_suffix(".json")?)?;
            if open.contains(&id) {
                return None;
            }
            let modified = e.metadata().and_then(|m| m.modified()).ok()?;
            Some((modified, id))
        })
        .collect();
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    found
        .into_iter()
        .take(limit)
        .filter_map(|(_, id)| {
            let bytes = std::fs::read(manifest_path(dir, &id)).ok()?;
            let m: Manifest = serde_json::from_slice(&bytes).ok()?;
            (m.version == VERSION).then_some((id, m))
        })
        .collect()
}

/// How many saved uploads of the folder are not in `open`: a directory listing, no file read.
pub fn saved_count(dir: &Path, open: &std::collections::HashSet<SessionId>) -> usize {
    std::fs::read_dir(dir).map_or(0, |listing| {
        listing
            .filter_map(Result::ok)
            .filter(|e| {
                e.file_name()
                    .to_str()
                    .and_then(|n| n.strip_suffix(".json"))
                    .and_then(SessionId::parse)
                    .is_some_and(|id| !open.contains(&id))
            })
            .count()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::save_upload;

    fn claim_session(dir: &Path, id: &SessionId) -> Session {
        let stored = save_upload(dir, id, 1, b"Entry Number\r\n").expect("saved");
        let file = UploadedFile {
            name: "claim.csv".to_owned(),
            stored,
            size: 14,
            kind: FileKind::ClaimDetails,
        };
        let report = capekit_core::triage::triage(
            &capekit_core::triage::TriageInput::default(),
            "2026-11-24".parse().expect("date"),
        );
        Session::Triage(std::sync::Arc::new(crate::session::TriageSession::new(
            vec![file],
            capekit_core::triage::TriageInput::default(),
            report,
            Vec::new(),
            crate::ledger::LedgerNote::Off,
            Vec::new(),
        )))
    }

    #[test]
    fn a_record_is_read_back_with_its_files() {
        let dir = tempfile::tempdir().expect("tmp");
        let id = SessionId::generate().expect("random");
        let session = claim_session(dir.path(), &id);
        save(dir.path(), &id, &session).expect("saved");
        let saved = read(dir.path(), &id).expect("read").expect("a record");
        assert_eq!(saved.manifest, Manifest::of(&session));
        assert_eq!(saved.manifest.job, Job::Triage);
        assert_eq!(saved.files.len(), 1);
        assert_eq!(saved.files[0].0.name, "claim.csv");
        assert_eq!(saved.files[0].1, b"Entry Number\r\n");
        // No temporary file is left.
        assert!(!dir.path().join(format!(".{id}.json.tmp")).exists());

        // Another id has no record.
        let other = SessionId::generate().expect("random");
        assert!(read(dir.path(), &other).expect("read").is_none());
    }

    #[test]
    fn a_missing_file_is_named_and_a_foreign_name_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        let id = SessionId::generate().expect("random");
        let session = claim_session(dir.path(), &id);
        save(dir.path(), &id, &session).expect("saved");
        std::fs::remove_file(dir.path().join(format!("{id}-01.csv"))).expect("removed");
        assert_eq!(
            read(dir.path(), &id).expect_err("gone"),
            ReopenError::Gone(vec!["claim.csv".to_owned()])
        );

        // A record edited to name a file of another upload, or outside the folder, is refused.
        for bad in ["../secret.csv", "0123456789abcdef0123456789abcdef-01.csv"] {
            let mut m = Manifest::of(&session);
            m.files[0].saved = bad.to_owned();
            std::fs::write(
                manifest_path(dir.path(), &id),
                serde_json::to_vec(&m).expect("json"),
            )
            .expect("written");
            assert!(
                matches!(read(dir.path(), &id), Err(ReopenError::Unreadable(_))),
                "{bad}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn records_are_private_to_their_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tmp");
        let id = SessionId::generate().expect("random");
        let session = claim_session(dir.path(), &id);
        save(dir.path(), &id, &session).expect("saved");
        // Saved again (a corrected list given since): replaced, still private.
        save(dir.path(), &id, &session).expect("saved again");
        let mode = std::fs::metadata(manifest_path(dir.path(), &id))
            .expect("stat")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn saved_uploads_leave_out_the_open_ones() {
        let dir = tempfile::tempdir().expect("tmp");
        let a = SessionId::generate().expect("random");
        let b = SessionId::generate().expect("random");
        for id in [&a, &b] {
            let s = claim_session(dir.path(), id);
            save(dir.path(), id, &s).expect("saved");
        }
        let open: std::collections::HashSet<SessionId> = [a].into_iter().collect();
        let listed = saved_uploads(dir.path(), &open, 10);
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].0, b);
        assert_eq!(saved_count(dir.path(), &open), 1);
        assert_eq!(saved_count(dir.path(), &Default::default()), 2);
    }
}
