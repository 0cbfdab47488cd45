//! Upload sessions: what one upload (a triage, a plan or a declaration check) read and found,
//! kept in memory for the life of the server, and the uploaded files saved on disk under
//! generated names.
//!
//! A session id is 128 random bits, so one session's address cannot be guessed from another's.
//! The client's file name is kept for display only and never becomes part of a path: a name like
//! `../../x` must not write anywhere; the files are readable by their owner only (0600 in a 0700
//! folder, on Unix). Memory is bounded: past [`MAX_SESSIONS`] sessions, or past
//! [`MAX_SESSION_BYTES`] held by them together (as `memory.rs` estimates it), the oldest are
//! forgotten (their files stay on disk), and their pages say so.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use capekit_core::check::{CheckReport, Content, DeclarationInput};
use capekit_core::fix::FixPlan;
use capekit_core::triage::{TriageInput, TriageReport};
use capekit_core::{Diagnostic, EntryNumber};
use capekit_io::plan_out::Plan;
use jiff::civil::Date;

use crate::ledger::LedgerNote;
use crate::memory::Held;

/// Sessions kept in memory; older ones are forgotten.
pub const MAX_SESSIONS: usize = 50;

/// A session's id: 32 lower-case hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionId(String);

impl SessionId {
    /// A new random id.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes)?;
        Ok(Self(bytes.iter().map(|b| format!("{b:02x}")).collect()))
    }

    /// The id in a URL, if it has the form of one.
    pub fn parse(s: &str) -> Option<Self> {
        (s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| Self(s.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What kind of file an upload was read as: a Claim Details, a Validation Result File, a
/// declaration, an entry report or a corrected list; stored in an upload's saved record by
/// [`FileKind::as_str`].
pub use capekit_core::FileKind;

/// One uploaded file.
#[derive(Debug, Clone)]
pub struct UploadedFile {
    /// The name the browser gave, reduced to its last part: for display only.
    pub name: String,
    /// Where it was saved (a generated name under the upload folder).
    pub stored: PathBuf,
    /// Size in bytes.
    pub size: usize,
    /// What it was read as.
    pub kind: FileKind,
}

/// The file name a browser sent, for display: its last path part, trimmed and shortened.
pub fn display_name(raw: Option<&str>) -> String {
    let raw = raw.unwrap_or("");
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw).trim();
    let short: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if short.is_empty() {
        "unnamed file".to_owned()
    } else {
        short
    }
}

/// Makes `dir` (and its missing parents) a folder only its owner can open: created 0700 on
/// Unix, and an existing folder that others may read is narrowed to 0700. Uploads are a filer's
/// entry lists; another account on the same computer has no business reading them. Returns a
/// warning when an existing folder's mode could not be narrowed (its files are 0600 all the same).
pub fn private_dir(dir: &Path) -> std::io::Result<Option<String>> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700);
        builder.create(dir)?;
        let mode = std::fs::metadata(dir)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0
            && let Err(e) =
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode & 0o700))
        {
            return Ok(Some(format!(
                "the upload folder {} can be read by other users (mode {mode:o}) and capekit could not change that ({e}); uploads in it are readable by you only, but the folder lists their names",
                dir.display()
            )));
        }
    }
    #[cfg(not(unix))]
    builder.create(dir)?;
    Ok(None)
}

/// Saves an upload under `dir` as `<session>-<nn>.<ext>`, the extension chosen from the content:
/// written to a temporary file first (0600 on Unix, in a 0700 folder: see [`private_dir`]) and
/// renamed, so that the name never shows a half-written file.
pub fn save_upload(
    dir: &Path,
    id: &SessionId,
    index: usize,
    bytes: &[u8],
) -> std::io::Result<PathBuf> {
    let ext = match capekit_io::sniff::sniff(bytes) {
        Content::Text => "csv",
        Content::Xlsx => "xlsx",
        Content::Xls => "xls",
        Content::Utf16 => "txt",
        Content::Zip => "zip",
        Content::Pdf => "pdf",
        Content::Binary => "bin",
    };
    if let Some(warning) = private_dir(dir)? {
        eprintln!("capekit serve: warning: {warning}");
    }
    let path = dir.join(format!("{id}-{index:02}.{ext}"));
    let tmp = dir.join(format!(".{id}-{index:02}.tmp"));
    let written = write_private(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, &path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map(|()| path)
}

/// Writes `bytes` to a new file at `path` that only its owner can read (0600 on Unix).
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The corrected list given on the rebuild page.
#[derive(Debug, Clone)]
pub struct Corrected {
    /// Entries read.
    pub entries: Vec<EntryNumber>,
    /// Values that are not entry numbers.
    pub diagnostics: Vec<Diagnostic>,
    /// The list as given, one entry a line, to show it again in the form.
    pub text: String,
}

/// A triage of one upload.
#[derive(Debug, Clone)]
pub struct TriageSession {
    /// When it was uploaded.
    pub created: jiff::Timestamp,
    /// The files read.
    pub files: Vec<UploadedFile>,
    /// What the triage was given: claim rows, the declaration, the corrected list, entry data
    /// uploaded with the claim files, and what the ledger knows.
    pub input: TriageInput,
    /// Rows of the claim files and declaration that could not be read.
    pub read_diagnostics: Vec<Diagnostic>,
    /// The corrected list, once given.
    pub corrected: Option<Corrected>,
    /// The rules date.
    pub as_of: Date,
    /// The triage.
    pub report: TriageReport,
    /// What the ledger recorded of the upload, or why it could not.
    pub ledger: LedgerNote,
    /// The draft each refile part is recorded as in the ledger, in part order; empty without a
    /// ledger, or when it could not record them.
    pub drafts: Vec<capekit_ledger::DeclarationId>,
    /// When it was read again from the saved uploads after a restart (see `persist.rs`);
    /// `None` for a session made by its upload in this server run.
    pub reopened: Option<jiff::Timestamp>,
}

impl TriageSession {
    /// The triage of what was read: `report` is `triage(input, as_of)`, with the ledger's
    /// knowledge in `input.known` when there is a ledger.
    pub fn new(
        files: Vec<UploadedFile>,
        input: TriageInput,
        report: TriageReport,
        read_diagnostics: Vec<Diagnostic>,
        ledger: LedgerNote,
        drafts: Vec<capekit_ledger::DeclarationId>,
    ) -> Self {
        Self {
            created: jiff::Timestamp::now(),
            files,
            as_of: report.as_of,
            input,
            read_diagnostics,
            corrected: None,
            report,
            ledger,
            drafts,
            reopened: None,
        }
    }

    /// The same triage with a corrected list: `input` and `report` are the triage run again with
    /// it, `file` the list's file when one was uploaded, `drafts` its refile's drafts.
    pub fn with_corrected(
        &self,
        corrected: Corrected,
        file: Option<UploadedFile>,
        input: TriageInput,
        report: TriageReport,
        ledger: LedgerNote,
        drafts: Vec<capekit_ledger::DeclarationId>,
    ) -> Self {
        let mut files: Vec<UploadedFile> = self
            .files
            .iter()
            .filter(|f| f.kind != FileKind::CorrectedList)
            .cloned()
            .collect();
        files.extend(file);
        Self {
            created: self.created,
            files,
            input,
            read_diagnostics: self.read_diagnostics.clone(),
            corrected: Some(corrected),
            as_of: self.as_of,
            report,
            ledger,
            drafts,
            reopened: self.reopened,
        }
    }

    /// Every row that could not be read: claim files, declaration and corrected list.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all = self.read_diagnostics.clone();
        if let Some(c) = &self.corrected {
            all.extend(c.diagnostics.iter().cloned());
        }
        all
    }

    /// The names of the claim files, for titles.
    pub fn claim_file_names(&self) -> Vec<&str> {
        self.files
            .iter()
            .filter(|f| matches!(f.kind, FileKind::ClaimDetails | FileKind::ValidationResult))
            .map(|f| f.name.as_str())
            .collect()
    }
}

/// A plan of one upload of entry reports.
#[derive(Debug, Clone)]
pub struct PlanSession {
    /// When it was uploaded.
    pub created: jiff::Timestamp,
    /// The files read.
    pub files: Vec<UploadedFile>,
    /// The plan, as `capekit plan` builds it (with the ledger's knowledge, when there is one).
    pub plan: Plan,
    /// What the ledger recorded of the upload, or why it could not.
    pub ledger: LedgerNote,
    /// The indexes of `plan.entries` in the order of the entries table: most urgent first, then
    /// the nearest deadline that can still be met, as the worklist. Sorted once, so that every
    /// page of the table and the find box agree on where an entry is.
    pub order: Vec<usize>,
    /// When it was read again from the saved uploads after a restart; `None` otherwise.
    pub reopened: Option<jiff::Timestamp>,
}

impl PlanSession {
    /// The session of a plan made now.
    pub fn new(files: Vec<UploadedFile>, plan: Plan, ledger: LedgerNote) -> Self {
        // Most urgent first, as the plan's worklist and text order them.
        let mut order: Vec<usize> = (0..plan.entries.len()).collect();
        order.sort_by_cached_key(|&i| {
            let e = &plan.entries[i];
            (e.order_key(), e.entry_number)
        });
        Self {
            created: jiff::Timestamp::now(),
            files,
            plan,
            ledger,
            order,
            reopened: None,
        }
    }

    /// The entries of the declaration file named `file` (`declaration-IOR.csv`, or a part
    /// `declaration-IOR-01.csv`...), split as `capekit plan` splits them: 9,999 a file.
    pub fn declaration_file(&self, file: &str) -> Option<&[EntryNumber]> {
        self.plan.declarations.iter().find_map(|d| {
            let part = d.file_names.iter().position(|n| n == file)?;
            d.entries.chunks(capekit_core::check::MAX_ENTRIES).nth(part)
        })
    }

    /// The names of the files read, for titles.
    pub fn file_names(&self) -> Vec<&str> {
        self.files.iter().map(|f| f.name.as_str()).collect()
    }
}

/// A check of one declaration.
#[derive(Debug, Clone)]
pub struct CheckSession {
    /// When it was uploaded.
    pub created: jiff::Timestamp,
    /// The file.
    pub file: UploadedFile,
    /// Its bytes, to show its lines.
    pub bytes: Vec<u8>,
    /// As read.
    pub input: DeclarationInput,
    /// The filer code checked against, if given.
    pub filer: Option<capekit_core::FilerCode>,
    /// The check.
    pub report: CheckReport,
    /// What `fix` would write.
    pub plan: FixPlan,
    /// Whether the check could ask the ledger (`Recorded` with no file: it asked, and recorded
    /// nothing).
    pub ledger: LedgerNote,
    /// When it was read again from the saved upload after a restart; `None` otherwise.
    pub reopened: Option<jiff::Timestamp>,
}

/// One session.
#[derive(Debug, Clone)]
pub enum Session {
    /// A triage of claim files.
    Triage(Arc<TriageSession>),
    /// A check of a declaration.
    Check(Arc<CheckSession>),
    /// A plan of entry reports.
    Plan(Arc<PlanSession>),
}

impl Session {
    /// When it was uploaded.
    pub fn uploaded(&self) -> jiff::Timestamp {
        self.created()
    }

    /// The bytes it holds, estimated.
    fn held_bytes(&self) -> usize {
        match self {
            Self::Triage(t) => t.held_bytes(),
            Self::Check(c) => c.held_bytes(),
            Self::Plan(p) => p.held_bytes(),
        }
    }

    fn created(&self) -> jiff::Timestamp {
        match self {
            Self::Triage(t) => t.created,
            Self::Check(c) => c.created,
            Self::Plan(p) => p.created,
        }
    }
}

/// The most sessions kept, and the most memory they may hold together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Sessions kept; past it the oldest is forgotten.
    pub sessions: usize,
    /// Bytes the kept sessions may hold together, as [`Held`] estimates them; past it the oldest
    /// are forgotten. The newest session is always kept, however large.
    pub bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            sessions: MAX_SESSIONS,
            bytes: MAX_SESSION_BYTES,
        }
    }
}

/// The memory the kept sessions may hold together: 512 MiB, room for several triages of the
/// largest claim files and dozens of ordinary ones.
pub const MAX_SESSION_BYTES: usize = 512 * 1024 * 1024;

/// Forgotten session ids remembered, to tell "removed to free memory" from "never existed".
const EVICTED_REMEMBERED: usize = 4096;

#[derive(Debug, Default)]
struct Inner {
    limits: Limits,
    /// Each session with the bytes it holds.
    map: HashMap<SessionId, (Session, usize)>,
    /// Oldest first.
    order: VecDeque<SessionId>,
    /// Bytes the sessions in `map` hold.
    held: usize,
    /// Ids forgotten to stay within the limits, oldest first.
    evicted: VecDeque<SessionId>,
    evicted_set: HashSet<SessionId>,
}

impl Inner {
    fn evict_oldest(&mut self) {
        let Some(old) = self.order.pop_front() else {
            return;
        };
        if let Some((_, bytes)) = self.map.remove(&old) {
            self.held -= bytes;
        }
        if self.evicted.len() >= EVICTED_REMEMBERED
            && let Some(gone) = self.evicted.pop_front()
        {
            self.evicted_set.remove(&gone);
        }
        self.evicted_set.insert(old.clone());
        self.evicted.push_back(old);
    }
}

/// Every session of this server run, shared by the handlers.
#[derive(Debug, Clone, Default)]
pub struct Sessions(Arc<Mutex<Inner>>);

impl Sessions {
    /// Sessions kept within `limits`.
    pub fn with_limits(limits: Limits) -> Self {
        Self(Arc::new(Mutex::new(Inner {
            limits,
            ..Inner::default()
        })))
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A handler that panicked while holding the lock left the map whole (every update
        // completes before the next begins), so the data is still good to use.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds a session (or replaces the one with this id), forgetting the oldest while more than
    /// the limits allow are kept.
    pub fn insert(&self, id: SessionId, session: Session) {
        // Estimated before the lock is taken: a large triage takes a moment to count.
        let bytes = session.held_bytes();
        let mut inner = self.lock();
        match inner.map.insert(id.clone(), (session, bytes)) {
            Some((_, before)) => inner.held -= before,
            None => inner.order.push_back(id),
        }
        inner.held += bytes;
        while inner.order.len() > 1
            && (inner.order.len() > inner.limits.sessions || inner.held > inner.limits.bytes)
        {
            inner.evict_oldest();
        }
    }

    /// The session with this id.
    pub fn get(&self, id: &SessionId) -> Option<Session> {
        self.lock().map.get(id).map(|(s, _)| s.clone())
    }

    /// True when the session with this id was forgotten to free memory (as opposed to one this
    /// server never had).
    pub fn evicted(&self, id: &SessionId) -> bool {
        self.lock().evicted_set.contains(id)
    }

    /// Sessions kept, and the bytes they hold together as estimated.
    pub fn usage(&self) -> (usize, usize) {
        let inner = self.lock();
        (inner.map.len(), inner.held)
    }

    /// The triage session with this id.
    pub fn triage(&self, id: &SessionId) -> Option<Arc<TriageSession>> {
        match self.get(id)? {
            Session::Triage(t) => Some(t),
            _ => None,
        }
    }

    /// The check session with this id.
    pub fn check(&self, id: &SessionId) -> Option<Arc<CheckSession>> {
        match self.get(id)? {
            Session::Check(c) => Some(c),
            _ => None,
        }
    }

    /// The plan session with this id.
    pub fn plan(&self, id: &SessionId) -> Option<Arc<PlanSession>> {
        match self.get(id)? {
            Session::Plan(p) => Some(p),
            _ => None,
        }
    }

    /// Every session, newest first.
    pub fn list(&self) -> Vec<(SessionId, Session)> {
        let inner = self.lock();
        let mut all: Vec<(SessionId, Session)> = inner
            .order
            .iter()
            .filter_map(|id| inner.map.get(id).map(|(s, _)| (id.clone(), s.clone())))
            .collect();
        all.sort_by_key(|(_, s)| std::cmp::Reverse(s.created()));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_random_hex_and_parsed_strictly() {
        let a = SessionId::generate().expect("random");
        let b = SessionId::generate().expect("random");
        assert_ne!(a, b);
        assert_eq!(SessionId::parse(a.as_str()), Some(a));
        assert_eq!(SessionId::parse("../etc/passwd"), None);
        assert_eq!(SessionId::parse(&"A".repeat(32)), None);
    }

    #[test]
    fn display_names_never_carry_paths() {
        assert_eq!(display_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(display_name(Some("C:\\Users\\me\\claim.csv")), "claim.csv");
        assert_eq!(display_name(Some("  ")), "unnamed file");
        assert_eq!(display_name(None), "unnamed file");
    }

    #[test]
    fn saved_names_are_generated() {
        let dir = tempfile::tempdir().expect("tmp");
        let id = SessionId::generate().expect("random");
        let p = save_upload(dir.path(), &id, 1, b"Entry Number\r\n").expect("saved");
        assert_eq!(
            p.file_name().and_then(|n| n.to_str()),
            Some(format!("{id}-01.csv").as_str())
        );
        assert!(p.starts_with(dir.path()));
        assert_eq!(std::fs::read(&p).expect("saved"), b"Entry Number\r\n");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(left.len(), 1, "no temporary file left: {left:?}");
    }

    #[cfg(unix)]
    #[test]
    fn uploads_are_private_to_their_owner() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
        let tmp = tempfile::tempdir().expect("tmp");
        let id = SessionId::generate().expect("random");

        // A new folder (and its missing parent) is made 0700, the file 0600.
        let dir = tmp.path().join("data").join("uploads");
        let p = save_upload(&dir, &id, 1, b"Entry Number\r\n").expect("saved");
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&p), 0o600);

        // An existing folder open to others is narrowed.
        let open = tmp.path().join("open");
        std::fs::create_dir(&open).expect("dir");
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let p = save_upload(&open, &id, 2, b"Entry Number\r\n").expect("saved");
        assert_eq!(mode(&open), 0o700);
        assert_eq!(mode(&p), 0o600);
        assert_eq!(private_dir(&open).expect("again"), None);
    }
}
