//! The ledger's own files: created private, backups private and never over a file, and one
//! command's records held in one transaction until it commits.

use capekit_core::EntryNumber;
use capekit_ledger::{DeclState, FileKind, FileMeta, Ledger};

fn n(tx: u32) -> EntryNumber {
    EntryNumber::from_parts("B76", tx).expect("valid entry")
}

fn declaration(name: &str, entries: &[u32]) -> (FileMeta, Vec<EntryNumber>) {
    let mut bytes = String::from("Entry Number\r\n");
    let numbers: Vec<EntryNumber> = entries.iter().map(|t| n(*t)).collect();
    for e in &numbers {
        bytes.push_str(e.as_str());
        bytes.push_str("\r\n");
    }
    (
        FileMeta::of_bytes(name, FileKind::Declaration, bytes.as_bytes()),
        numbers,
    )
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

#[cfg(unix)]
#[test]
fn a_new_ledger_and_its_side_files_are_private() -> capekit_ledger::Result<()> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ledger.sqlite3");
    let mut l = Ledger::open(&path)?;
    let (meta, entries) = declaration("d.csv", &[1, 2]);
    l.import_declaration(&meta, &entries)?;
    assert_eq!(mode(&path), 0o600, "the ledger file");
    for side in ["ledger.sqlite3-wal", "ledger.sqlite3-shm"] {
        let p = dir.path().join(side);
        assert!(p.exists(), "{side} exists while the ledger is open");
        assert_eq!(mode(&p), 0o600, "{side}");
    }
    Ok(())
}

#[cfg(unix)]
#[test]
fn a_ledger_the_user_made_keeps_its_mode() -> capekit_ledger::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("shared.sqlite3");
    drop(Ledger::open(&path)?);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    drop(Ledger::open(&path)?);
    assert_eq!(mode(&path), 0o640);
    Ok(())
}

#[cfg(unix)]
#[test]
fn a_backup_is_private_and_never_replaces_a_file() -> capekit_ledger::Result<()> {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut l = Ledger::open(&dir.path().join("ledger.sqlite3"))?;
    let (meta, entries) = declaration("d.csv", &[1]);
    l.import_declaration(&meta, &entries)?;
    let backup = dir.path().join("backup.sqlite3");
    l.backup(&backup)?;
    assert_eq!(mode(&backup), 0o600);
    assert_eq!(Ledger::open(&backup)?.declarations()?.len(), 1);
    // A name that appeared meanwhile, or a symlink to the ledger's own side file, is refused.
    let other = dir.path().join("other.txt");
    std::fs::write(&other, b"keep").expect("write");
    assert!(l.backup(&other).is_err());
    assert_eq!(std::fs::read(&other).expect("read"), b"keep");
    let link = dir.path().join("link.sqlite3");
    std::os::unix::fs::symlink(dir.path().join("ledger.sqlite3-journal"), &link).expect("link");
    assert!(
        l.backup(&link).is_err(),
        "a dangling symlink is not followed"
    );
    assert!(!dir.path().join("ledger.sqlite3-journal").exists());
    Ok(())
}

#[test]
fn a_run_not_committed_leaves_nothing_recorded() -> capekit_ledger::Result<()> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ledger.sqlite3");
    {
        let mut l = Ledger::open(&path)?;
        l.begin_run()?;
        let (meta, entries) = declaration("d.csv", &[1, 2]);
        l.import_declaration(&meta, &entries)?;
        assert_eq!(l.declarations()?.len(), 1, "seen inside the run");
        // Dropped without commit_run: the command failed after recording.
    }
    let mut l = Ledger::open(&path)?;
    assert!(l.declarations()?.is_empty());
    l.begin_run()?;
    let (meta, entries) = declaration("d.csv", &[1, 2]);
    l.import_declaration(&meta, &entries)?;
    l.commit_run()?;
    drop(l);
    let l = Ledger::open(&path)?;
    let files = l.declaration_files()?;
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].state, DeclState::Uploaded);
    assert_eq!(files[0].sha256, meta.sha256);
    Ok(())
}
