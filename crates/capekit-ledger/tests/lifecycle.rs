//! The life of a declaration in the ledger: drafts, uploads, failures, answers, the upgrade of
//! an old ledger, undo, and the invariants `verify` checks.

use capekit_core::EntryNumber;
use capekit_core::triage::{ClaimRow, TriageInput, TriageReport, triage};
use capekit_ledger::{
    DeclRef, DeclState, DraftPart, EntryState, FileKind, FileMeta, ImportOutcome, Ledger,
    MIGRATIONS, Mark,
};
use jiff::civil::{Date, date};

const AS_OF: Date = date(2026, 11, 24);
const REFILE_MSG: &str = "HTS RELATIONSHIP/SEQUENCE MISMATCH";

fn n(tx: u32) -> EntryNumber {
    EntryNumber::from_parts("B76", tx).expect("valid entry")
}

/// A claim file: its identity and its rows (`""` message = accepted).
fn claim_file(name: &str, claim: &str, rows: &[(u32, &str)]) -> (FileMeta, Vec<ClaimRow>) {
    let mut bytes = format!("{name}\n{claim}\n");
    let rows = rows
        .iter()
        .enumerate()
        .map(|(i, (tx, msg))| {
            bytes.push_str(&format!("{tx},{msg}\n"));
            ClaimRow {
                file: name.into(),
                line: i as u64 + 2,
                entry: n(*tx),
                claim: claim.into(),
                status: Some(
                    if msg.is_empty() {
                        "Entry Summary Updated"
                    } else {
                        "Failed"
                    }
                    .into(),
                ),
                message: (*msg).into(),
                claim_status: None,
                kind: Default::default(),
                claim_date: None,
                importer: None,
            }
        })
        .collect();
    (
        FileMeta::of_bytes(name, FileKind::ClaimDetails, bytes.as_bytes()),
        rows,
    )
}

fn triaged(files: &[(FileMeta, Vec<ClaimRow>)]) -> (Vec<FileMeta>, TriageReport) {
    let input = TriageInput {
        rows: files.iter().flat_map(|(_, r)| r.iter().cloned()).collect(),
        ..TriageInput::default()
    };
    (
        files.iter().map(|(m, _)| m.clone()).collect(),
        triage(&input, AS_OF),
    )
}

fn import_claims(
    l: &mut Ledger,
    files: &[(FileMeta, Vec<ClaimRow>)],
) -> capekit_ledger::TriageImport {
    let (metas, report) = triaged(files);
    l.import_triage(None, &metas, &report)
        .expect("import triage")
}

fn declaration(name: &str, entries: &[EntryNumber]) -> FileMeta {
    let mut bytes = String::from("Entry Number\r\n");
    for e in entries {
        bytes.push_str(e.as_str());
        bytes.push_str("\r\n");
    }
    FileMeta::of_bytes(name, FileKind::Declaration, bytes.as_bytes())
}

fn csv(entries: &[EntryNumber]) -> Vec<u8> {
    let mut bytes = String::from("Entry Number\r\n");
    for e in entries {
        bytes.push_str(e.as_str());
        bytes.push_str("\r\n");
    }
    bytes.into_bytes()
}

fn draft(l: &mut Ledger, path: &str, entries: &[EntryNumber]) -> capekit_ledger::DraftsRecorded {
    let folder = std::path::Path::new(path)
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let bytes = csv(entries);
    l.record_drafts(
        &folder,
        &[DraftPart {
            path,
            bytes: &bytes,
            entries,
        }],
    )
    .expect("drafts")
}

fn id_of(l: &Ledger, name: &str) -> capekit_ledger::DeclarationId {
    l.find_declaration(&DeclRef::Name(name.into()))
        .expect("find")
        .expect("found")
        .id
}

fn rejected_all(l: &mut Ledger, claim: &str, entries: &[u32]) {
    let rows: Vec<(u32, &str)> = entries.iter().map(|t| (*t, REFILE_MSG)).collect();
    import_claims(l, &[claim_file(&format!("{claim}.csv"), claim, &rows)]);
}

#[test]
fn a_new_draft_in_the_same_folder_supersedes_the_earlier_and_releases_its_entries() {
    let mut l = Ledger::open_in_memory().expect("ledger");
    let d = [n(1), n(2), n(3)];
    l.import_declaration(&declaration("d.csv", &d), &d)
        .expect("declare");
    rejected_all(&mut l, "100000000001", &[1, 2, 3]);
    draft(&mut l, "/out/refile.csv", &[n(1), n(2), n(3)]);
    let s = l.entry_state(n(1)).expect("state");
    assert!(
        matches!(s, EntryState::Drafted { .. }),
        "{s:?} {:?}",
        l.declarations()
    );
    // The corrected list changed: the new run writes only entry 1.
    let second = draft(&mut l, "/out/refile.csv", &[n(1)]);
    assert_eq!(second.superseded.len(), 1, "{second:?}");
    assert_eq!(second.superseded[0].entries, 3);
    assert!(matches!(
        l.entry_state(n(1)).expect("state"),
        EntryState::Drafted { .. }
    ));
    assert!(
        matches!(
            l.entry_state(n(2)).expect("state"),
            EntryState::Rejected { .. }
        ),
        "entry 2 is released, not stranded on a file that no longer holds it"
    );
    assert_eq!(
        l.refile_candidates(None).expect("candidates"),
        vec![n(2), n(3)]
    );
    // A draft elsewhere does not supersede; writing the same bytes again changes nothing.
    let other = draft(&mut l, "/elsewhere/refile.csv", &[n(2)]);
    assert!(other.superseded.is_empty());
    let same = draft(&mut l, "/out/refile.csv", &[n(1)]);
    assert!(same.superseded.is_empty());
    assert!(same.parts[0].already());
    assert_eq!(l.verify().expect("verify"), vec![]);
}

#[test]
fn a_failed_upload_releases_its_entries_and_the_undo_is_recorded() {
    let mut l = Ledger::open_in_memory().expect("ledger");
    draft(&mut l, "/out/refile.csv", &[n(1), n(2)]);
    let id = id_of(&l, "/out/refile.csv");
    l.mark(
        id,
        &Mark::Uploaded {
            at: None,
            job: None,
        },
    )
    .expect("uploaded");
    assert!(matches!(
        l.entry_state(n(1)).expect("state"),
        EntryState::Pending { .. }
    ));
    l.mark(
        id,
        &Mark::Failed {
            note: "failed initial validation".into(),
        },
    )
    .expect("failed");
    assert_eq!(l.entry_state(n(1)).expect("state"), EntryState::Unknown);
    // Back to uploaded by an undo, and the undo is an event of its own.
    let undone = l.undo(id).expect("undo");
    assert!(matches!(
        undone,
        capekit_ledger::MarkOutcome::Changed {
            to: DeclState::Uploaded,
            ..
        }
    ));
    assert!(matches!(
        l.entry_state(n(1)).expect("state"),
        EntryState::Pending { .. }
    ));
    // Nothing moves backwards without an undo.
    let err = l
        .mark(
            id,
            &Mark::Discarded {
                note: String::new(),
            },
        )
        .expect_err("refused");
    assert!(err.to_string().contains("undo"), "{err}");
    assert_eq!(l.verify().expect("verify"), vec![]);
}

#[test]
fn an_entry_is_never_marked_pending_on_two_uploads() {
    let mut l = Ledger::open_in_memory().expect("ledger");
    draft(&mut l, "/a/refile.csv", &[n(1)]);
    draft(&mut l, "/b/refile.csv", &[n(1), n(2)]);
    l.mark(
        id_of(&l, "/a/refile.csv"),
        &Mark::Uploaded {
            at: None,
            job: None,
        },
    )
    .expect("uploaded");
    let err = l
        .mark(
            id_of(&l, "/b/refile.csv"),
            &Mark::Uploaded {
                at: None,
                job: None,
            },
        )
        .expect_err("refused");
    assert!(err.to_string().contains("already pending"), "{err}");
}

#[test]
fn the_same_claim_read_again_in_another_order_changes_nothing() {
    let mut l = Ledger::open_in_memory().expect("ledger");
    let d1 = [n(1), n(2)];
    l.import_declaration(&declaration("d1.csv", &d1), &d1)
        .expect("declare");
    import_claims(
        &mut l,
        &[claim_file(
            "c.csv",
            "100000000001",
            &[(1, ""), (2, REFILE_MSG)],
        )],
    );
    // Entry 2 refiled and uploaded.
    draft(&mut l, "/out/refile.csv", &[n(2)]);
    l.mark(
        id_of(&l, "/out/refile.csv"),
        &Mark::Uploaded {
            at: None,
            job: None,
        },
    )
    .expect("uploaded");
    // The old claim downloaded again: other name, other row order, message in other case.
    let again = import_claims(
        &mut l,
        &[claim_file(
            "claim-again.csv",
            "100000000001",
            &[(2, "hts relationship/sequence mismatch"), (1, "")],
        )],
    );
    assert!(again.files[0].outcome.already(), "{again:?}");
    assert_eq!(again.rows, 0);
    assert!(
        matches!(
            l.entry_state(n(2)).expect("state"),
            EntryState::Pending { .. }
        ),
        "the old claim must not release entry 2 pending on the later upload"
    );
    assert!(l.refile_candidates(None).expect("candidates").is_empty());
    assert_eq!(l.verify().expect("verify"), vec![]);
}

#[test]
fn an_older_claim_read_late_never_releases_a_later_upload() {
    let mut l = Ledger::open_in_memory().expect("ledger");
    let d1 = [n(1), n(2)];
    l.import_declaration(&declaration("d1.csv", &d1), &d1)
        .expect("declare");
    let d2 = [n(2)];
    l.import_declaration(&declaration("d2.csv", &d2), &d2)
        .expect("declare");
    // D1's claim, first seen now: it answers d1 (all its entries), not the later d2.
    import_claims(
        &mut l,
        &[claim_file(
            "c1.csv",
            "100000000001",
            &[(1, ""), (2, REFILE_MSG)],
        )],
    );
    assert!(
        matches!(l.entry_state(n(2)).expect("state"), EntryState::Pending { ref declaration, .. } if declaration == "d2.csv"),
        "{:?}",
        l.entry_state(n(2))
    );
    let decls = l.declarations().expect("declarations");
    assert_eq!(decls[0].state, DeclState::Answered);
    assert_eq!(decls[0].claim.as_deref(), Some("100000000001"));
    assert_eq!(decls[1].state, DeclState::Uploaded);
    assert_eq!(l.verify().expect("verify"), vec![]);
}

#[test]
fn an_old_ledger_upgrades_with_its_declarations_uploaded_but_unconfirmed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("old.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.execute_batch(MIGRATIONS[0]).expect("schema 1");
        conn.pragma_update(None, "user_version", 1)
            .expect("version");
        conn.execute_batch(&format!(
            "INSERT INTO files (id, sha256, kind, name, size, imported_at)
               VALUES (1, '{}', 'refile', 'refile.csv', 10, '2026-11-01T10:00:00Z');
             INSERT INTO declarations (id, file_id, entries, seq) VALUES (1, 1, 1, 1);
             INSERT INTO declaration_entries VALUES (1, '{}');
             INSERT INTO refile_files VALUES (1, '/old/refile.csv', '2026-11-01T10:00:00Z');",
            "a".repeat(64),
            n(1).as_str()
        ))
        .expect("old rows");
    }
    let mut l = Ledger::open(&path).expect("upgraded");
    assert_eq!(
        l.schema_version().expect("version"),
        MIGRATIONS.len() as i64
    );
    assert!(matches!(
        l.entry_state(n(1)).expect("state"),
        EntryState::Pending {
            unconfirmed: true,
            ..
        }
    ));
    let now = "2026-11-24T10:00:00Z".parse().expect("ts");
    let attention = l.attention(now).expect("attention");
    assert_eq!(attention.unconfirmed.len(), 1);
    assert_eq!(attention.unconfirmed[0].holding, 1);
    assert!(
        attention.stale.is_empty(),
        "an unconfirmed old declaration is named once, as unconfirmed"
    );
    // Discarding an unconfirmed old declaration is allowed: it may never have been uploaded.
    l.mark(
        DeclRefId::first(&l),
        &Mark::Discarded {
            note: "never uploaded".into(),
        },
    )
    .expect("discard");
    assert_eq!(l.entry_state(n(1)).expect("state"), EntryState::Unknown);
    assert!(l.attention(now).expect("attention").unconfirmed.is_empty());
    assert_eq!(l.verify().expect("verify"), vec![]);
    // A consistent copy while open.
    let copy = dir.path().join("copy.sqlite3");
    l.backup(&copy).expect("backup");
    let c = Ledger::open(&copy).expect("copy opens");
    assert_eq!(c.declarations().expect("declarations").len(), 1);
}

struct DeclRefId;
impl DeclRefId {
    fn first(l: &Ledger) -> capekit_ledger::DeclarationId {
        l.declarations().expect("declarations")[0].id
    }
}

#[test]
fn verify_finds_a_state_moved_backwards() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("l.sqlite3");
    let mut l = Ledger::open(&path).expect("ledger");
    let d = [n(1)];
    l.import_declaration(&declaration("d.csv", &d), &d)
        .expect("declare");
    drop(l);
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute(
        "INSERT INTO declaration_events (declaration_id, state, recorded_at)
         VALUES (1, 'draft', '2026-11-24T10:00:00Z')",
        [],
    )
    .expect("bad event");
    conn.execute(
        "INSERT INTO declaration_events (declaration_id, state, recorded_at)
         VALUES (1, 'answered', '2026-11-24T10:00:00Z')",
        [],
    )
    .expect("bad event");
    drop(conn);
    let l = Ledger::open(&path).expect("ledger");
    let checks: Vec<&str> = l
        .verify()
        .expect("verify")
        .iter()
        .map(|p| p.check)
        .collect();
    assert!(checks.contains(&"state-backwards"), "{checks:?}");
    assert!(checks.contains(&"answered-without-claim"), "{checks:?}");
}

#[test]
fn a_declaration_marked_uploaded_keeps_its_bytes() {
    let mut l = Ledger::open_in_memory().expect("ledger");
    let bytes = csv(&[n(7)]);
    let meta = FileMeta::of_bytes("mine.csv", FileKind::Declaration, &bytes);
    let out = l
        .mark_uploaded_file(&meta, &bytes, &[n(7)], None, Some("D-42".into()))
        .expect("uploaded");
    assert!(matches!(
        out,
        capekit_ledger::MarkOutcome::Changed {
            to: DeclState::Uploaded,
            ..
        }
    ));
    let d = &l.declarations().expect("declarations")[0];
    assert_eq!(d.job.as_deref(), Some("D-42"));
    assert_eq!(
        l.declaration_bytes(d.id).expect("bytes"),
        Some(bytes.clone())
    );
    // Marking it again says so and changes nothing.
    let again = l
        .mark_uploaded_file(&meta, &bytes, &[n(7)], None, None)
        .expect("again");
    assert!(matches!(
        again,
        capekit_ledger::MarkOutcome::Unchanged { .. }
    ));
    let _ = ImportOutcome::already;
}

#[test]
fn a_validation_result_file_with_a_file_level_error_fails_its_declaration() {
    let mut l = Ledger::open_in_memory().expect("ledger");
    draft(&mut l, "/out/refile.csv", &[n(1), n(2)]);
    l.mark(
        id_of(&l, "/out/refile.csv"),
        &Mark::Uploaded {
            at: None,
            job: None,
        },
    )
    .expect("uploaded");
    let (_, mut rows) = claim_file(
        "vrf.csv",
        "validation vrf.csv",
        &[
            (1, "FAILED INITIAL VALIDATION"),
            (2, "FAILED INITIAL VALIDATION"),
        ],
    );
    for r in &mut rows {
        r.status = None;
        r.kind = capekit_core::triage::ClaimFileKind::ValidationResult;
    }
    let meta = FileMeta::of_bytes("vrf.csv", FileKind::ValidationResult, b"vrf 1,2 failed");
    let (_, report) = triaged(&[(meta.clone(), rows)]);
    l.import_triage(None, &[meta], &report).expect("import");
    let d = &l.declarations().expect("declarations")[0];
    assert_eq!(d.state, DeclState::Failed, "{d:?}");
    assert!(d.note.contains("vrf.csv"), "{}", d.note);
    // Released, and never accepted.
    for tx in [1, 2] {
        let s = l.entry_state(n(tx)).expect("state");
        assert!(
            !matches!(s, EntryState::Pending { .. } | EntryState::Accepted { .. }),
            "{s:?}"
        );
    }
    assert_eq!(l.verify().expect("verify"), vec![]);
}

/// Plans the next declaration and records it as a draft in `folder`, in one reservation, as
/// `capekit refile` does: the entries it reserved.
fn refile_reserved(path: &std::path::Path, folder: &str) -> Vec<EntryNumber> {
    let mut l = Ledger::open(path).expect("ledger");
    let reservation = l.reserve().expect("reserve");
    let except = capekit_ledger::Except::drafts_in(folder);
    let plan = reservation
        .ledger()
        .next_declaration(&[], None, &except)
        .expect("plan");
    if plan.entries.is_empty() {
        return Vec::new();
    }
    let bytes = csv(&plan.entries);
    let file = format!("{folder}/refile.csv");
    reservation
        .record_drafts(
            folder,
            &[DraftPart {
                path: &file,
                bytes: &bytes,
                entries: &plan.entries,
            }],
        )
        .expect("drafts");
    reservation.commit().expect("commit");
    plan.entries
}

#[test]
fn two_reservations_at_once_never_take_the_same_entry() {
    for round in 0..8 {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("l.sqlite3");
        {
            let mut l = Ledger::open(&path).expect("ledger");
            let d: Vec<EntryNumber> = (1..=20).map(n).collect();
            l.import_declaration(&declaration("d.csv", &d), &d)
                .expect("declare");
            rejected_all(&mut l, "100000000001", &(1..=20).collect::<Vec<_>>());
        }
        let start = std::sync::Arc::new(std::sync::Barrier::new(2));
        let runs: Vec<_> = ["/a", "/b"]
            .into_iter()
            .map(|folder| {
                let (path, start) = (path.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    refile_reserved(&path, folder)
                })
            })
            .collect();
        let taken: Vec<Vec<EntryNumber>> = runs
            .into_iter()
            .map(|r| r.join().expect("thread"))
            .collect();
        assert_eq!(
            taken.iter().map(Vec::len).sum::<usize>(),
            20,
            "round {round}: every entry reserved once: {taken:?}"
        );
        assert!(
            taken[0].iter().all(|e| !taken[1].contains(e)),
            "round {round}: {taken:?}"
        );
        let l = Ledger::open(&path).expect("ledger");
        assert_eq!(l.verify().expect("verify"), vec![], "round {round}");
    }
}

#[test]
fn a_reservation_dropped_before_its_commit_records_nothing() {
    let mut l = Ledger::open_in_memory().expect("ledger");
    let d = [n(1)];
    l.import_declaration(&declaration("d.csv", &d), &d)
        .expect("declare");
    rejected_all(&mut l, "100000000001", &[1]);
    {
        let reservation = l.reserve().expect("reserve");
        let bytes = csv(&d);
        reservation
            .record_drafts(
                "/out",
                &[DraftPart {
                    path: "/out/refile.csv",
                    bytes: &bytes,
                    entries: &d,
                }],
            )
            .expect("drafts");
        // The file could not be written: the reservation goes without a commit.
    }
    assert!(matches!(
        l.entry_state(n(1)).expect("state"),
        EntryState::Rejected { .. }
    ));
    assert_eq!(l.declarations().expect("declarations").len(), 1);
}

#[test]
fn verify_finds_an_entry_reserved_by_two_drafts() {
    let mut l = Ledger::open_in_memory().expect("ledger");
    draft(&mut l, "/a/refile.csv", &[n(1), n(2)]);
    draft(&mut l, "/b/refile.csv", &[n(2)]);
    let problems = l.verify().expect("verify");
    assert_eq!(
        problems.iter().map(|p| p.check).collect::<Vec<_>>(),
        vec!["drafted-twice"],
        "{problems:?}"
    );
    assert!(problems[0].message.contains(n(2).as_str()), "{problems:?}");
    // Discarding one of them is the way out.
    l.mark(
        id_of(&l, "/b/refile.csv"),
        &Mark::Discarded {
            note: String::new(),
        },
    )
    .expect("discard");
    assert_eq!(l.verify().expect("verify"), vec![]);
    // A draft written before a claim that answered the entry holds it no more.
    let mut l = Ledger::open_in_memory().expect("ledger");
    draft(&mut l, "/a/refile.csv", &[n(3)]);
    rejected_all(&mut l, "100000000002", &[3]);
    draft(&mut l, "/b/refile.csv", &[n(3)]);
    assert_eq!(l.verify().expect("verify"), vec![]);
}

#[test]
fn an_undo_never_takes_entries_a_newer_declaration_holds() {
    let mut l = Ledger::open_in_memory().expect("ledger");
    let d = [n(1), n(2), n(3)];
    l.import_declaration(&declaration("d.csv", &d), &d)
        .expect("declare");
    rejected_all(&mut l, "100000000001", &[1, 2, 3]);
    draft(&mut l, "/a/refile.csv", &d);
    let old = id_of(&l, "/a/refile.csv");
    l.mark(
        old,
        &Mark::Discarded {
            note: "not this one".into(),
        },
    )
    .expect("discard");
    // A newer draft elsewhere takes two of its entries.
    draft(&mut l, "/b/refile.csv", &[n(1), n(2)]);
    let newer = id_of(&l, "/b/refile.csv");
    let err = l.undo(old).expect_err("refused");
    let msg = err.to_string();
    assert!(
        msg.contains("/b/refile.csv") && msg.contains(&format!("#{newer}")),
        "{msg}"
    );
    assert!(msg.contains("2 entries"), "{msg}");
    assert!(
        msg.contains(&format!("capekit ledger discard '#{newer}'")),
        "{msg}"
    );
    // Nothing changed: the newer draft still holds them, the old one is still discarded.
    assert!(matches!(
        l.entry_state(n(1)).expect("state"),
        EntryState::Drafted { declaration_id, .. } if declaration_id == newer
    ));
    assert_eq!(
        l.declarations().expect("list")[1].state,
        DeclState::Discarded
    );
    assert_eq!(l.verify().expect("verify"), vec![]);
    // Released first, the undo goes through.
    l.mark(
        newer,
        &Mark::Discarded {
            note: String::new(),
        },
    )
    .expect("discard the newer");
    l.undo(old).expect("undo");
    assert!(matches!(
        l.entry_state(n(1)).expect("state"),
        EntryState::Drafted { declaration_id, .. } if declaration_id == old
    ));

    // An upload marked failed, then refiled and uploaded: undoing the failure would put the
    // entries on two pending uploads.
    let mut l = Ledger::open_in_memory().expect("ledger");
    draft(&mut l, "/a/refile.csv", &[n(4)]);
    let first = id_of(&l, "/a/refile.csv");
    let up = Mark::Uploaded {
        at: None,
        job: None,
    };
    l.mark(first, &up).expect("uploaded");
    l.mark(
        first,
        &Mark::Failed {
            note: String::new(),
        },
    )
    .expect("failed");
    draft(&mut l, "/b/refile.csv", &[n(4)]);
    let second = id_of(&l, "/b/refile.csv");
    l.mark(second, &up).expect("uploaded");
    let err = l.undo(first).expect_err("refused");
    assert!(
        err.to_string().contains(&format!(
            "`capekit ledger failed '#{second}'` if its upload failed"
        )),
        "{err}"
    );
    assert_eq!(l.verify().expect("verify"), vec![]);
}

#[test]
fn a_superseded_draft_is_not_marked_uploaded_while_a_newer_one_holds_its_entries() {
    let mut l = Ledger::open_in_memory().expect("ledger");
    draft(&mut l, "/out/refile.csv", &[n(1), n(2)]);
    let old = id_of(&l, "/out/refile.csv");
    // A re-run into the same folder supersedes it.
    draft(&mut l, "/out/refile.csv", &[n(1)]);
    let newer = l.declarations().expect("list")[1].id;
    let up = Mark::Uploaded {
        at: None,
        job: None,
    };
    let err = l.mark(old, &up).expect_err("refused");
    assert!(
        err.to_string()
            .contains(&format!("#{newer} /out/refile.csv (draft, 1 entry)")),
        "{err}"
    );
    assert_eq!(
        l.declarations().expect("list")[0].state,
        DeclState::Discarded
    );
    // A failed upload whose entries nobody took since may be uploaded again as it is.
    draft(&mut l, "/c/refile.csv", &[n(5)]);
    let c = id_of(&l, "/c/refile.csv");
    l.mark(c, &up).expect("uploaded");
    l.mark(
        c,
        &Mark::Failed {
            note: "load error".into(),
        },
    )
    .expect("failed");
    l.mark(c, &up).expect("uploaded again");
    assert_eq!(l.verify().expect("verify"), vec![]);
}

/// A Validation Result File whose only row is its file-level error, naming no entry.
fn file_level_only(name: &str) -> (FileMeta, TriageReport) {
    let input = TriageInput {
        file_messages: vec![(name.into(), "FAILED INITIAL VALIDATION".into())],
        ..TriageInput::default()
    };
    (
        FileMeta::of_bytes(
            name,
            FileKind::ValidationResult,
            format!("Entry Number,Error Message\r\n,FAILED INITIAL VALIDATION\r\n{name}")
                .as_bytes(),
        ),
        triage(&input, AS_OF),
    )
}

#[test]
fn a_validation_result_file_naming_no_entry_fails_the_declaration_named_and_guesses_none() {
    let mut l = Ledger::open_in_memory().expect("ledger");
    draft(&mut l, "/out/refile.csv", &[n(1), n(2)]);
    let id = id_of(&l, "/out/refile.csv");
    l.mark(
        id,
        &Mark::Uploaded {
            at: None,
            job: None,
        },
    )
    .expect("uploaded");
    let (meta, report) = file_level_only("vrf.csv");
    assert_eq!(report.failed_uploads.len(), 1, "{:?}", report.warnings);
    // No declaration named: nothing guessed, the one upload waiting is named with the command.
    let done = l
        .import_triage(None, std::slice::from_ref(&meta), &report)
        .expect("import");
    let f = &done.failed_uploads[0];
    assert_eq!(f.marked, None);
    assert_eq!(f.candidates, vec![(id, "/out/refile.csv".to_owned())]);
    assert!(
        f.advice()
            .contains(&format!("capekit ledger failed '#{id}'")),
        "{}",
        f.advice()
    );
    assert_eq!(
        l.declarations().expect("list")[0].state,
        DeclState::Uploaded
    );
    // Named, the same file (already recorded) fails it.
    let done = l
        .import_triage_answering(id, std::slice::from_ref(&meta), &report)
        .expect("import");
    assert_eq!(
        done.failed_uploads[0].marked,
        Some((id, "/out/refile.csv".to_owned()))
    );
    let d = &l.declarations().expect("list")[0];
    assert_eq!(d.state, DeclState::Failed);
    assert!(d.note.contains("vrf.csv"), "{}", d.note);
    assert!(!matches!(
        l.entry_state(n(1)).expect("state"),
        EntryState::Pending { .. }
    ));
    assert_eq!(l.verify().expect("verify"), vec![]);

    // Given with the declaration it answers (a triage, the workbench), it fails that one.
    let mut l = Ledger::open_in_memory().expect("ledger");
    let d = [n(3)];
    let decl = declaration("up.csv", &d);
    let (meta, report) = file_level_only("vrf2.csv");
    l.import_triage(Some((&decl, &d)), &[meta], &report)
        .expect("import");
    assert_eq!(l.declarations().expect("list")[0].state, DeclState::Failed);
}

/// A claim file whose rows carry the claim's date.
fn dated_claim(
    name: &str,
    claim: &str,
    date: Option<&str>,
    rows: &[(u32, &str)],
) -> (FileMeta, Vec<ClaimRow>) {
    let (meta, mut rows) = claim_file(name, claim, rows);
    for r in &mut rows {
        r.claim_date = date.map(|d| d.parse().expect("date"));
    }
    (meta, rows)
}

/// Records a draft at `path` and marks it uploaded on `day` (`2026-11-10`, noon Eastern).
fn uploaded_on(
    l: &mut Ledger,
    path: &str,
    entries: &[EntryNumber],
    day: &str,
) -> capekit_ledger::DeclarationId {
    draft(l, path, entries);
    let id = id_of(l, path);
    l.mark(
        id,
        &Mark::Uploaded {
            at: Some(format!("{day}T17:00:00Z").parse().expect("ts")),
            job: None,
        },
    )
    .expect("uploaded");
    id
}

fn pending_on(l: &Ledger, tx: u32) -> Option<capekit_ledger::DeclarationId> {
    match l.entry_state(n(tx)).expect("state") {
        EntryState::Pending { declaration_id, .. } => Some(declaration_id),
        _ => None,
    }
}

#[test]
fn an_older_claim_new_to_the_ledger_never_releases_a_later_upload() {
    let mut l = Ledger::open_in_memory().expect("ledger");
    let d = [n(1), n(2), n(3)];
    let first = uploaded_on(&mut l, "/a/d1.csv", &d, "2026-11-01");
    let msgs: Vec<(u32, &str)> = [1, 2, 3].iter().map(|t| (*t, REFILE_MSG)).collect();
    let (metas, report) = triaged(&[dated_claim(
        "c1.csv",
        "100000000001",
        Some("2026-11-03"),
        &msgs,
    )]);
    l.import_triage(None, &metas, &report).expect("c1");
    assert_eq!(pending_on(&l, 1), None, "c1 answers d1");
    // The refile, uploaded on 2026-11-10.
    let refile = uploaded_on(&mut l, "/out/refile.csv", &d, "2026-11-10");
    // A claim never recorded before, of 2026-11-02: older than the refile's upload.
    let (metas, report) = triaged(&[dated_claim(
        "c0.csv",
        "100000000000",
        Some("2026-11-02"),
        &msgs,
    )]);
    let done = l.import_triage(None, &metas, &report).expect("c0");
    for tx in [1, 2, 3] {
        assert_eq!(pending_on(&l, tx), Some(refile), "entry {tx} stays pending");
    }
    assert_eq!(done.placed.len(), 1, "{done:?}");
    let advice = done.placed[0].advice();
    assert!(
        advice.contains("claim 100000000000 of 2026-11-02")
            && advice.contains(&format!("#{refile} /out/refile.csv (uploaded 2026-11-10)")),
        "{advice}"
    );
    let states: Vec<DeclState> = l
        .declarations()
        .expect("list")
        .iter()
        .map(|d| d.state)
        .collect();
    assert_eq!(states, vec![DeclState::Answered, DeclState::Uploaded]);
    assert_eq!(l.refile_candidates(None).expect("candidates"), vec![]);
    // The refile's own claim, of 2026-11-12, answers it.
    let (metas, report) = triaged(&[dated_claim(
        "c2.csv",
        "100000000002",
        Some("2026-11-12"),
        &msgs,
    )]);
    let done = l.import_triage(None, &metas, &report).expect("c2");
    assert!(done.placed.is_empty(), "{done:?}");
    assert_eq!(pending_on(&l, 1), None);
    assert_eq!(
        l.declarations().expect("list")[1].state,
        DeclState::Answered
    );
    let _ = first;
    assert_eq!(l.verify().expect("verify"), vec![]);
}

/// Two uploads of the same entries, neither answered: one marked on 2026-01-05, one recorded
/// with a triage today (a declaration given to `capekit triage` counts as uploaded, unchecked).
fn two_uploads(l: &mut Ledger) -> (capekit_ledger::DeclarationId, capekit_ledger::DeclarationId) {
    let early = uploaded_on(l, "/a/d0.csv", &[n(1), n(2)], "2026-01-05");
    let d = [n(2), n(1)];
    l.import_declaration(&declaration("d1.csv", &d), &d)
        .expect("declare");
    let late = id_of(l, "d1.csv");
    (early, late)
}

#[test]
fn a_dated_claim_answers_the_last_upload_on_or_before_its_day() {
    let mut l = Ledger::open_in_memory().expect("ledger");
    let (early, late) = two_uploads(&mut l);
    let msgs = [(1, REFILE_MSG), (2, REFILE_MSG)];
    let (metas, report) = triaged(&[dated_claim(
        "c.csv",
        "100000000007",
        Some("2026-01-10"),
        &msgs,
    )]);
    let done = l.import_triage(None, &metas, &report).expect("c");
    let list = l.declarations().expect("list");
    assert_eq!(list[0].claim.as_deref(), Some("100000000007"), "{list:?}");
    assert_eq!(list[1].state, DeclState::Uploaded);
    assert_eq!(pending_on(&l, 1), Some(late));
    assert!(
        done.placed[0]
            .advice()
            .contains(&format!("answers #{early}")),
        "{}",
        done.placed[0].advice()
    );
}

#[test]
fn a_claim_without_a_date_answers_the_earliest_upload_and_says_the_later_keeps_its_entries() {
    let mut l = Ledger::open_in_memory().expect("ledger");
    let (early, late) = two_uploads(&mut l);
    let msgs = [(1, REFILE_MSG), (2, REFILE_MSG)];
    let (metas, report) = triaged(&[dated_claim("c.csv", "100000000008", None, &msgs)]);
    let done = l.import_triage(None, &metas, &report).expect("c");
    assert_eq!(
        l.declarations().expect("list")[0].state,
        DeclState::Answered
    );
    assert_eq!(pending_on(&l, 2), Some(late));
    let advice = done.placed[0].advice();
    assert!(advice.contains("carries no date"), "{advice}");
    assert!(advice.contains(&format!("answers #{early}")), "{advice}");
    assert!(advice.contains(&format!("#{late} d1.csv")), "{advice}");
}

#[test]
fn a_claim_that_answered_nothing_is_linked_when_its_declaration_is_named() {
    let mut l = Ledger::open_in_memory().expect("ledger");
    let d = [n(1), n(2)];
    let up = uploaded_on(&mut l, "/out/refile.csv", &d, "2026-11-20");
    let msgs = [(1, REFILE_MSG), (2, REFILE_MSG)];
    let files = [dated_claim(
        "c.csv",
        "100000000009",
        Some("2026-11-19"),
        &msgs,
    )];
    let (metas, report) = triaged(&files);
    l.import_triage(None, &metas, &report).expect("c");
    assert_eq!(pending_on(&l, 1), Some(up), "its date says it is older");
    // The user knows better (the upload was marked a day late): the same file, named.
    let done = l
        .import_triage_answering(up, &metas, &report)
        .expect("named");
    assert!(done.files[0].outcome.already());
    assert_eq!(pending_on(&l, 1), None);
    let list = l.declarations().expect("list");
    assert_eq!(list[0].state, DeclState::Answered);
    assert_eq!(list[0].claim.as_deref(), Some("100000000009"));
    assert_eq!(l.verify().expect("verify"), vec![]);
}

#[test]
fn an_undone_failure_keeps_the_upload_time_and_job() {
    let mut l = Ledger::open_in_memory().expect("ledger");
    draft(&mut l, "/out/refile.csv", &[n(1)]);
    let id = id_of(&l, "/out/refile.csv");
    let when: jiff::Timestamp = "2026-11-10T17:00:00Z".parse().expect("ts");
    l.mark(
        id,
        &Mark::Uploaded {
            at: Some(when),
            job: Some("J-1".into()),
        },
    )
    .expect("uploaded");
    l.mark(
        id,
        &Mark::Failed {
            note: String::new(),
        },
    )
    .expect("failed");
    l.undo(id).expect("undo");
    let d = &l.declarations().expect("list")[0];
    assert_eq!(d.state, DeclState::Uploaded);
    assert_eq!(d.uploaded_at, Some(when), "{d:?}");
    assert_eq!(d.job.as_deref(), Some("J-1"));
    // A claim of 2026-11-11 still answers it.
    let (metas, report) = triaged(&[dated_claim(
        "c.csv",
        "100000000010",
        Some("2026-11-11"),
        &[(1, REFILE_MSG)],
    )]);
    l.import_triage(None, &metas, &report).expect("claim");
    assert_eq!(
        l.declarations().expect("list")[0].state,
        DeclState::Answered
    );
}

/// A triage asks about every entry of its worklist at once, and a plan about millions: the
/// answer covers each entry asked, whatever the size of the list, its order or its repeats.
#[test]
fn a_long_list_of_entries_is_answered_entry_by_entry() {
    const N: u32 = 70_000;
    let mut l = Ledger::open_in_memory().expect("ledger");
    let rows: Vec<(u32, &str)> = (1..=N)
        .map(|t| (t, if t > N - 2 { "" } else { REFILE_MSG }))
        .collect();
    import_claims(&mut l, &[claim_file("c1.csv", "C1", &rows)]);
    draft(&mut l, "/out/refile.csv", &[n(5), n(66_000)]);
    let mut asked: Vec<EntryNumber> = (1..=N).rev().map(n).collect();
    asked.extend([n(5), n(N), n(N + 1)]);
    let known = l.known(&asked).expect("known");
    let mut got: Vec<(u32, &str)> = known
        .iter()
        .map(|(e, k)| {
            let tx = e.as_str()[3..10].parse().expect("digits");
            let kind = match k {
                capekit_core::known::KnownState::Accepted { .. } => "accepted",
                capekit_core::known::KnownState::Drafted { .. } => "drafted",
                _ => "other",
            };
            (tx, kind)
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (5, "drafted"),
            (66_000, "drafted"),
            (N - 1, "accepted"),
            (N, "accepted")
        ]
    );
    let states = l.states(&[n(7), n(66_000), n(N + 1)]).expect("states");
    assert!(matches!(states[&n(7)], EntryState::Rejected { .. }));
    assert!(matches!(states[&n(66_000)], EntryState::Drafted { .. }));
    assert_eq!(states[&n(N + 1)], EntryState::Unknown);
    let plan = l.known_for_plan(&asked).expect("known for plan");
    assert_eq!(plan.len(), 4, "a refile rejection holds nothing back");
}
