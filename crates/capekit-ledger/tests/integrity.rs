//! Integrity of the ledger: every state transition, idempotent imports, the duplicate guard's
//! answers, a process killed in the middle of an import, and two writers at once - on in-memory
//! and on-disk databases.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use capekit_core::EntryNumber;
use capekit_core::catalog::Action;
use capekit_core::known::KnownState;
use capekit_core::triage::{ClaimRow, TriageInput, TriageReport, triage};
use capekit_ledger::{
    DeclRef, DeclState, EntryFacts, EntryState, EventKind, Except, FileKind, FileMeta,
    ImportOutcome, Ledger, Mark,
};
use jiff::civil::{Date, date};

const AS_OF: Date = date(2026, 11, 24);
const REFILE_MSG: &str = "HTS RELATIONSHIP/SEQUENCE MISMATCH";
const RETRY_MSG: &str = "STATEMENT PROCESSING NOT COMPLETE";
const OTHER_MSG: &str = "PROTEST ON ENTRY";

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

/// Runs `f` on an in-memory ledger and on a fresh on-disk one.
fn on_both(f: impl Fn(&mut Ledger)) {
    let mut mem = Ledger::open_in_memory().expect("in memory");
    f(&mut mem);
    assert_eq!(mem.verify().expect("verify"), vec![]);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut disk = Ledger::open(&dir.path().join("sub/ledger.sqlite3")).expect("on disk");
    f(&mut disk);
    assert_eq!(disk.verify().expect("verify"), vec![]);
}

fn state(l: &Ledger, tx: u32) -> EntryState {
    l.entry_state(n(tx)).expect("state")
}

#[test]
fn declared_pending_accepted_rejected_refiled_accepted() {
    on_both(|l| {
        let d1 = [n(1), n(2), n(3), n(4)];
        l.import_declaration(&declaration("d1.csv", &d1), &d1)
            .expect("declare");
        for tx in 1..=4 {
            assert!(
                matches!(state(l, tx), EntryState::Pending { ref declaration, written_by_capekit: false, .. } if declaration == "d1.csv"),
                "{tx}: {:?}",
                state(l, tx)
            );
        }
        assert_eq!(state(l, 9), EntryState::Unknown);

        import_claims(
            l,
            &[claim_file(
                "c1.csv",
                "100000000001",
                &[(1, ""), (2, REFILE_MSG), (3, RETRY_MSG), (4, OTHER_MSG)],
            )],
        );
        assert_eq!(
            state(l, 1),
            EntryState::Accepted {
                claim: "100000000001".into()
            }
        );
        assert!(matches!(
            state(l, 2),
            EntryState::Rejected { action: Action::Refile, attempts: 1, ref message, .. } if message == REFILE_MSG
        ));
        assert!(matches!(
            state(l, 3),
            EntryState::Rejected {
                action: Action::RetryLater,
                ..
            }
        ));
        assert_eq!(l.refile_candidates(None).expect("candidates"), vec![n(2)]);

        let plan = l
            .next_declaration(&[n(3), n(1), n(4), n(9), n(2)], None, &Except::none())
            .expect("plan");
        assert_eq!(plan.entries, vec![n(2), n(3)]);
        assert_eq!(plan.from_corrected, 1);
        let left: Vec<(EntryNumber, &str)> = plan
            .left_out
            .iter()
            .map(|l| (l.entry_number, l.reason.as_str()))
            .collect();
        assert_eq!(left.len(), 3);
        assert!(
            left[0].1.contains("accepted on claim 100000000001"),
            "{left:?}"
        );
        assert!(left[1].1.contains("other-path"), "{left:?}");
        assert!(left[2].1.contains("no claim outcome"), "{left:?}");

        // Refiled: a draft first, which holds its entries from a second file...
        let out = l
            .record_refile(
                "out/refile.csv",
                b"Entry Number\r\nrefile\r\n",
                &plan.entries,
            )
            .expect("refile");
        assert!(matches!(out, ImportOutcome::Imported { entries: 2, .. }));
        assert!(matches!(
            state(l, 2),
            EntryState::Drafted { ref declaration, .. } if declaration == "out/refile.csv"
        ));
        assert!(l.refile_candidates(None).expect("candidates").is_empty());
        let held = l
            .next_declaration(&[n(3)], None, &Except::none())
            .expect("plan");
        assert!(
            held.left_out[0]
                .reason
                .contains("on the draft out/refile.csv")
                && held.left_out[0]
                    .reason
                    .contains("capekit ledger discard '#2'"),
            "{:?}",
            held.left_out
        );
        // ...then pending once marked uploaded.
        let d = l
            .find_declaration(&DeclRef::Name("out/refile.csv".into()))
            .expect("find")
            .expect("found");
        assert_eq!(d.state, DeclState::Draft);
        l.mark(
            d.id,
            &Mark::Uploaded {
                at: None,
                job: Some("J-1".into()),
            },
        )
        .expect("uploaded");
        assert!(matches!(
            state(l, 2),
            EntryState::Pending { ref declaration, written_by_capekit: true, .. } if declaration == "out/refile.csv"
        ));
        let again = l
            .next_declaration(&[n(3)], None, &Except::none())
            .expect("plan");
        assert!(again.entries.is_empty());
        assert!(
            again.left_out[0]
                .reason
                .contains("still pending on out/refile.csv")
        );

        // Its claim: 2 accepted, 3 rejected again.
        import_claims(
            l,
            &[claim_file(
                "c2.csv",
                "100000000002",
                &[(2, ""), (3, RETRY_MSG)],
            )],
        );
        assert_eq!(
            state(l, 2),
            EntryState::Accepted {
                claim: "100000000002".into()
            }
        );
        assert!(matches!(
            state(l, 3),
            EntryState::Rejected { attempts: 2, .. }
        ));

        // A later rejection of an accepted entry does not undo the acceptance.
        import_claims(
            l,
            &[claim_file("c3.csv", "100000000003", &[(1, REFILE_MSG)])],
        );
        assert_eq!(
            state(l, 1),
            EntryState::Accepted {
                claim: "100000000001".into()
            }
        );
        assert!(
            !l.refile_candidates(None)
                .expect("candidates")
                .contains(&n(1))
        );

        let kinds: Vec<EventKind> = l
            .timeline(n(2))
            .expect("timeline")
            .iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(
            kinds,
            vec![
                EventKind::Declared,
                EventKind::Rejected,
                EventKind::Refiled,
                EventKind::DeclarationMarked,
                EventKind::Accepted
            ]
        );

        let s = l.status().expect("status");
        assert_eq!(
            (
                s.entries.total,
                s.entries.accepted,
                s.entries.rejected,
                s.entries.pending
            ),
            (4, 2, 2, 0)
        );
        assert_eq!(s.claims, 3);
        assert_eq!(s.files.get("declaration"), Some(&1));
        assert_eq!(s.files.get("refile"), Some(&1));
        assert_eq!(s.files.get("claim-details"), Some(&3));
        assert_eq!(l.export_rows().expect("export").len(), 4);
    });
}

#[test]
fn a_declaration_given_after_its_claims_takes_its_place_before_them() {
    on_both(|l| {
        // Triaged first without the declaration, then again with it: the declaration is what
        // those claims answer, so its entries are not pending.
        let files = [claim_file(
            "c.csv",
            "100000000001",
            &[(1, ""), (2, REFILE_MSG)],
        )];
        import_claims(l, &files);
        let d = [n(1), n(2), n(3)];
        let (metas, report) = triaged(&files);
        let done = l
            .import_triage(Some((&declaration("d.csv", &d), &d)), &metas, &report)
            .expect("again, with the declaration");
        assert!(matches!(
            done.declaration,
            Some(ImportOutcome::Imported { entries: 3, .. })
        ));
        assert_eq!(done.rows, 0);
        assert!(matches!(state(l, 1), EntryState::Accepted { .. }));
        assert!(
            matches!(state(l, 2), EntryState::Rejected { .. }),
            "{:?}",
            state(l, 2)
        );
        assert!(
            matches!(state(l, 3), EntryState::Pending { .. }),
            "declared, in no claim"
        );
        assert_eq!(l.refile_candidates(None).expect("candidates"), vec![n(2)]);
        let kinds: Vec<EventKind> = l
            .timeline(n(2))
            .expect("timeline")
            .iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(kinds, vec![EventKind::Declared, EventKind::Rejected]);
    });
}

#[test]
fn importing_the_same_file_again_changes_nothing() {
    on_both(|l| {
        let d = [n(1), n(2), n(2)];
        let meta = declaration("d.csv", &d);
        let first = l.import_declaration(&meta, &d).expect("first");
        let ImportOutcome::Imported { file_id, entries } = first else {
            panic!("{first:?}")
        };
        assert_eq!(entries, 2, "duplicates are counted once");
        let mut renamed = meta.clone();
        renamed.name = "copy of d.csv".into();
        match l.import_declaration(&renamed, &d).expect("again") {
            ImportOutcome::AlreadyImported { file_id: f, .. } => assert_eq!(f, file_id),
            other => panic!("{other:?}"),
        }

        let files = [claim_file(
            "c.csv",
            "100000000001",
            &[(1, ""), (2, REFILE_MSG)],
        )];
        let once = import_claims(l, &files);
        assert_eq!((once.rows, once.claims), (2, 1));
        let before = l.export_rows().expect("export");
        let twice = import_claims(l, &files);
        assert_eq!((twice.rows, twice.claims, twice.triage), (0, 0, None));
        assert!(twice.files[0].outcome.already());
        assert_eq!(l.export_rows().expect("export"), before);
        let s = l.status().expect("status");
        assert_eq!(s.files.values().sum::<usize>(), 2);
    });
}

#[test]
fn the_duplicate_guard_knows_accepted_and_pending_entries() {
    on_both(|l| {
        import_claims(
            l,
            &[claim_file(
                "c.csv",
                "100000000001",
                &[(1, ""), (2, RETRY_MSG)],
            )],
        );
        let d = [n(5)];
        l.import_declaration(&declaration("d.csv", &d), &d)
            .expect("declare");
        let known = l.known(&[n(1), n(2), n(5), n(6)]).expect("known");
        assert_eq!(known.len(), 2);
        assert_eq!(
            known.get(&n(1)),
            Some(&KnownState::Accepted {
                claim: "100000000001".into()
            })
        );
        assert!(
            matches!(known.get(&n(5)), Some(KnownState::Pending { declaration, .. }) if declaration == "d.csv")
        );
        // A claim file naming an entry twice on two claims: accepted anywhere wins.
        let states = l.states(&[n(1), n(1), n(2)]).expect("states");
        assert_eq!(states.len(), 2);
    });
}

#[test]
fn unable_to_calculate_duty_refiled_three_times_is_escalated() {
    on_both(|l| {
        for c in 1..=3u32 {
            import_claims(
                l,
                &[claim_file(
                    &format!("c{c}.csv"),
                    &format!("10000000000{c}"),
                    &[(1, "UNABLE TO CALCULATE DUTY")],
                )],
            );
        }
        let e = l.escalations().expect("escalations");
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].entry, n(1));
    });
}

#[test]
fn unable_to_calculate_duty_worded_three_ways_is_escalated() {
    on_both(|l| {
        let worded = [
            "UNABLE TO CALCULATE DUTY",
            "Unable to calculate duty ",
            "UNABLE TO CALCULATE DUTY - 11/25/2026",
        ];
        for (c, msg) in (1..=3u32).zip(worded) {
            import_claims(
                l,
                &[claim_file(
                    &format!("c{c}.csv"),
                    &format!("10000000000{c}"),
                    &[(1, msg)],
                )],
            );
        }
        let e = l.escalations().expect("escalations");
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].entry, n(1));
        assert_eq!(e[0].message, "UNABLE TO CALCULATE DUTY - 11/25/2026");
        assert_eq!(
            e[0].claims,
            vec!["100000000001", "100000000002", "100000000003"]
        );
    });
}

#[test]
fn escalations_need_three_claims_with_the_same_retry_message() {
    on_both(|l| {
        for c in 1..=3u32 {
            let claim = format!("10000000000{c}");
            // The same message as CBP words it again, with other spacing and case.
            let msg = if c == 2 {
                " statement processing  not complete. "
            } else {
                RETRY_MSG
            };
            import_claims(
                l,
                &[claim_file(
                    &format!("c{c}.csv"),
                    &claim,
                    &[(1, msg), (2, RETRY_MSG)],
                )],
            );
        }
        // Entry 2 was accepted in the end: no escalation for it.
        import_claims(l, &[claim_file("c4.csv", "100000000004", &[(2, "")])]);
        let e = l.escalations().expect("escalations");
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].entry, n(1));
        assert_eq!(
            e[0].claims,
            vec!["100000000001", "100000000002", "100000000003"]
        );
        assert_eq!(l.status().expect("status").escalations, 1);
    });
}

#[test]
fn entry_data_groups_by_importer_and_shows_deadlines() {
    on_both(|l| {
        import_claims(
            l,
            &[claim_file(
                "c.csv",
                "100000000001",
                &[(1, REFILE_MSG), (2, REFILE_MSG), (3, "")],
            )],
        );
        let facts = |tx, importer: &str, closes| EntryFacts {
            entry: n(tx),
            importer_number: Some(importer.into()),
            entry_type: Some("01".into()),
            entry_date: None,
            liquidation_date: Some(date(2026, 9, 1)),
            path: "cape".into(),
            cape_window_closes: Some(closes),
            protest_due: None,
            deadlines: Vec::new(),
            record: None,
        };
        l.record_entry_data(
            Some(&FileMeta::of_bytes(
                "es003.csv",
                FileKind::EntryData,
                b"es003",
            )),
            &[
                facts(1, "12-3456789AB", date(2026, 12, 10)),
                facts(2, "98-7654321CD", date(2026, 12, 1)),
                facts(3, "12-3456789AB", date(2026, 11, 30)),
            ],
        )
        .expect("entry data");
        assert_eq!(
            l.refile_candidates(Some("12-3456789ab"))
                .expect("candidates"),
            vec![n(1)]
        );
        let s = l.status().expect("status");
        assert_eq!(s.importers.len(), 2);
        assert_eq!(s.importers[0].importer, "12-3456789AB");
        assert_eq!(s.importers[0].entries.accepted, 1);
        // The accepted entry's deadline is not shown; the rest soonest first.
        let d: Vec<EntryNumber> = s.deadlines.iter().map(|d| d.entry).collect();
        assert_eq!(d, vec![n(2), n(1)]);
        let plan = l
            .next_declaration(&[n(2)], Some("12-3456789AB"), &Except::none())
            .expect("plan");
        assert_eq!(plan.entries, vec![n(1)]);
        assert_eq!(plan.left_out.len(), 1);
        assert!(
            plan.left_out[0]
                .reason
                .contains("its importer is 98-7654321CD"),
            "{plan:?}"
        );
    });
}

#[test]
fn entry_reports_record_once_and_status_lists_the_deadline_each_path_needs() {
    on_both(|l| {
        let facts = |tx, path: &str, window: Option<Date>, protest: Option<Date>| EntryFacts {
            entry: n(tx),
            importer_number: Some("12-3456789AB".into()),
            entry_type: Some("01".into()),
            entry_date: None,
            liquidation_date: Some(date(2026, 9, 1)),
            path: path.into(),
            cape_window_closes: window,
            protest_due: protest,
            deadlines: Vec::new(),
            record: None,
        };
        let a = FileMeta::of_bytes("a.csv", FileKind::EntryData, b"a");
        let reports = vec![
            (
                a.clone(),
                vec![
                    // Cape: its window, not its later protest date.
                    facts(1, "cape", Some(date(2026, 12, 1)), Some(date(2027, 3, 1))),
                    // Cape whose window has passed by the status day: the protest remains.
                    facts(2, "cape", Some(date(2026, 11, 1)), Some(date(2027, 2, 1))),
                    // Protest: the protest date, even though a window date is known.
                    facts(
                        3,
                        "protest",
                        Some(date(2026, 8, 1)),
                        Some(date(2026, 12, 20)),
                    ),
                    // Nothing refundable: no deadline.
                    facts(4, "not-refundable", Some(date(2026, 11, 30)), None),
                ],
            ),
            (
                FileMeta::of_bytes("b.csv", FileKind::EntryData, b"b"),
                vec![facts(5, "review", None, Some(date(2026, 12, 5)))],
            ),
        ];
        let done = l.record_entry_reports(&reports).expect("record");
        assert!(
            done.iter()
                .all(|o| matches!(o, ImportOutcome::Imported { .. })),
            "{done:?}"
        );
        // The same bytes again, even with other facts, change nothing.
        let again = l
            .record_entry_reports(&[(a, vec![facts(1, "court", None, None)])])
            .expect("again");
        assert!(again[0].already(), "{again:?}");
        let s = l.status_as_of(AS_OF).expect("status");
        assert_eq!(s.files.get("entry-data"), Some(&2));
        assert_eq!(s.deadlines_from, Some(AS_OF));
        let listed: Vec<(EntryNumber, Date)> =
            s.deadlines.iter().map(|d| (d.entry, d.date)).collect();
        assert_eq!(
            listed,
            vec![
                (n(1), date(2026, 12, 1)),
                (n(5), date(2026, 12, 5)),
                (n(3), date(2026, 12, 20)),
                (n(2), date(2027, 2, 1)),
            ]
        );
        assert_eq!(s.importers.len(), 1);
        assert_eq!(s.importers[0].entries.unknown, 5);
        // The timeline holds the recorded data.
        let t = l.timeline(n(1)).expect("timeline");
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].kind, EventKind::EntryData);
        assert_eq!(t[0].file, "a.csv");
        assert_eq!(
            t[0].data
                .as_ref()
                .map(|d| (d.path.as_str(), d.cape_window_closes)),
            Some(("cape", Some(date(2026, 12, 1))))
        );
    });
}

#[test]
fn status_counts_rejections_by_action_per_importer() {
    on_both(|l| {
        import_claims(
            l,
            &[claim_file(
                "c.csv",
                "100000000002",
                &[(1, REFILE_MSG), (2, OTHER_MSG), (3, REFILE_MSG)],
            )],
        );
        let facts = |tx, importer: &str| EntryFacts {
            entry: n(tx),
            importer_number: Some(importer.into()),
            entry_type: None,
            entry_date: None,
            liquidation_date: None,
            path: "cape".into(),
            cape_window_closes: None,
            protest_due: None,
            deadlines: Vec::new(),
            record: None,
        };
        l.record_entry_data(
            None,
            &[facts(1, "IOR-A"), facts(2, "IOR-A"), facts(3, "IOR-B")],
        )
        .expect("entry data");
        let s = l.status().expect("status");
        let actions = |i: usize| -> Vec<(Action, usize)> {
            s.importers[i]
                .rejected_by_action
                .iter()
                .map(|a| (a.action, a.entries))
                .collect()
        };
        assert_eq!(s.importers[0].importer, "IOR-A");
        assert_eq!(
            actions(0),
            vec![(Action::OtherPath, 1), (Action::Refile, 1)],
            "most urgent first"
        );
        assert_eq!(actions(1), vec![(Action::Refile, 1)]);
    });
}

#[test]
fn verify_finds_broken_invariants() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ledger.sqlite3");
    {
        let mut l = Ledger::open(&path).expect("open");
        import_claims(&mut l, &[claim_file("c.csv", "100000000001", &[(1, "")])]);
        assert_eq!(l.verify().expect("verify"), vec![]);
    }
    {
        // What only a bug or a hand edit could do.
        let conn = rusqlite::Connection::open(&path).expect("raw");
        conn.execute_batch(
            "INSERT INTO claims (claim_number, status) VALUES ('100000000009', 'Accepted');
             INSERT INTO claim_entries (claim_id, entry, outcome, message, action, rule, triage_id, file_id, line)
               SELECT 2, entry, outcome, message, action, rule, triage_id, file_id, line FROM claim_entries;
             INSERT INTO claims (claim_number, status) VALUES ('100000000010', 'Accepted');
             UPDATE declarations SET entries = 7;",
        )
        .expect("tamper");
    }
    let l = Ledger::open(&path).expect("reopen");
    let problems = l.verify().expect("verify");
    let checks: Vec<&str> = problems.iter().map(|p| p.check).collect();
    assert!(checks.contains(&"accepted-twice"), "{problems:?}");
    assert!(checks.contains(&"claim-without-entries"), "{problems:?}");
}

/// Dumps every table of the ledger as text, to compare two states exactly.
fn dump(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).expect("raw open");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .expect("tables")
        .query_map([], |r| r.get(0))
        .expect("tables")
        .collect::<Result<_, _>>()
        .expect("tables");
    let mut out = Vec::new();
    for t in tables {
        let cols: i64 = conn
            .query_row(
                &format!("SELECT COUNT(*) FROM pragma_table_info('{t}')"),
                [],
                |r| r.get(0),
            )
            .expect("columns");
        let cols = usize::try_from(cols).expect("column count");
        let order: Vec<String> = (1..=cols).map(|i| i.to_string()).collect();
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {t} ORDER BY {}", order.join(", ")))
            .expect("select");
        let mut rows = stmt.query([]).expect("rows");
        while let Some(r) = rows.next().expect("row") {
            let mut line = format!("{t}:");
            for i in 0..cols {
                let v: rusqlite::types::Value = r.get(i).expect("value");
                line.push_str(&format!(" {v:?}"));
            }
            out.push(line);
        }
    }
    out
}

const CHILD_ENV: &str = "CAPEKIT_LEDGER_TEST_CRASH_CHILD";
const CHILD_ROWS: u32 = 300_000;

/// Not a test on its own: the child process of `a_killed_import_leaves_the_ledger_as_before`,
/// which runs this test binary again with the ledger path in an environment variable.
#[test]
fn crash_child() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut l = Ledger::open(Path::new(&path)).expect("child open");
    let rows: Vec<(u32, &str)> = (100..100 + CHILD_ROWS)
        .map(|tx| (tx, if tx.is_multiple_of(6) { REFILE_MSG } else { "" }))
        .collect();
    let files = [claim_file("big.csv", "100000000099", &rows)];
    let (metas, report) = triaged(&files);
    // The harness prints `test crash_child ... ` before; start a line of our own.
    println!("\nchild: importing");
    l.import_triage(None, &metas, &report)
        .expect("child import");
    println!("\nchild: done");
}

#[test]
fn a_killed_import_leaves_the_ledger_as_before() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ledger.sqlite3");
    {
        let mut l = Ledger::open(&path).expect("open");
        let d = [n(1), n(2)];
        l.import_declaration(&declaration("d.csv", &d), &d)
            .expect("declare");
        import_claims(
            &mut l,
            &[claim_file(
                "c.csv",
                "100000000001",
                &[(1, ""), (2, REFILE_MSG)],
            )],
        );
    }
    let before = dump(&path);
    let wal = dir.path().join("ledger.sqlite3-wal");

    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn child");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    loop {
        match lines.next() {
            Some(Ok(line)) if line.trim() == "child: importing" => break,
            Some(Ok(_)) => continue,
            other => panic!("the child stopped before importing: {other:?}"),
        }
    }
    // The transaction is under way once its pages spill into the WAL; kill it then.
    let start = Instant::now();
    let spilled = loop {
        let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        if size > 2 * 1024 * 1024 {
            break true;
        }
        if child.try_wait().expect("poll child").is_some()
            || start.elapsed() > Duration::from_secs(120)
        {
            break false;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(
        spilled,
        "the child finished (or stalled) before the import was under way; raise CHILD_ROWS"
    );
    child.kill().expect("kill child");
    child.wait().expect("reap child");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        !rest.iter().any(|l| l.trim() == "child: done"),
        "the import finished before the kill"
    );

    let l = Ledger::open(&path).expect("reopen after the kill");
    assert_eq!(l.verify().expect("verify"), vec![]);
    drop(l);
    assert_eq!(dump(&path), before);
}

#[test]
fn two_writers_at_once_both_land() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ledger.sqlite3");
    // Both create the ledger at once too: migration must cope.
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let handles: Vec<_> = (0..2u32)
        .map(|k| {
            let path = path.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let mut l = Ledger::open(&path).expect("open");
                let base = 1_000 + k * 100_000;
                let rows: Vec<(u32, &str)> = (base..base + 20_000)
                    .map(|tx| (tx, if tx.is_multiple_of(5) { RETRY_MSG } else { "" }))
                    .collect();
                let entries: Vec<EntryNumber> = rows.iter().map(|(tx, _)| n(*tx)).collect();
                l.import_declaration(&declaration(&format!("d{k}.csv"), &entries), &entries)
                    .expect("declare");
                let files = [claim_file(
                    &format!("c{k}.csv"),
                    &format!("20000000000{k}"),
                    &rows,
                )];
                let done = import_claims(&mut l, &files);
                assert_eq!(done.rows, 20_000);
            })
        })
        .collect();
    for h in handles {
        h.join().expect("writer thread");
    }
    let l = Ledger::open(&path).expect("open");
    assert_eq!(l.verify().expect("verify"), vec![]);
    let s = l.status().expect("status");
    assert_eq!(s.entries.total, 40_000);
    assert_eq!(s.entries.accepted, 32_000);
    assert_eq!(s.entries.rejected, 8_000);
    assert_eq!(s.claims, 2);
    assert_eq!(s.files.get("declaration"), Some(&2));
}

/// A Validation Result File: rows of one upload without a claim number, which the claim reader
/// files under the claim `validation NAME` (`capekit-io::claims`).
fn validation_file(name: &str, rows: &[(u32, &str)]) -> (FileMeta, Vec<ClaimRow>) {
    let (_, mut rows) = claim_file(name, &format!("validation {name}"), rows);
    let mut bytes = format!("validation {name}\n");
    for r in &mut rows {
        bytes.push_str(&format!("{},{}\n", r.entry, r.message));
        r.status = None;
        r.kind = capekit_core::triage::ClaimFileKind::ValidationResult;
    }
    (
        FileMeta::of_bytes(name, FileKind::ValidationResult, bytes.as_bytes()),
        rows,
    )
}

#[test]
fn a_claim_and_its_validation_result_file_verify_clean() {
    on_both(|l| {
        let entries = [n(1), n(2), n(3)];
        l.import_declaration(&declaration("d.csv", &entries), &entries)
            .expect("declare");
        // The claim of the declaration, and the Validation Result File of the same upload.
        import_claims(
            l,
            &[claim_file(
                "claim.csv",
                "100000000001",
                &[(1, ""), (2, ""), (3, REFILE_MSG)],
            )],
        );
        import_claims(
            l,
            &[validation_file(
                "vrf.csv",
                &[(1, ""), (2, ""), (3, REFILE_MSG)],
            )],
        );
        assert_eq!(l.verify().expect("verify"), vec![]);
        assert_eq!(
            state(l, 1),
            EntryState::Accepted {
                claim: "100000000001".into()
            }
        );
    });
}

#[test]
fn validation_result_rows_an_earlier_capekit_recorded_as_accepted_verify_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ledger.sqlite3");
    {
        let mut l = Ledger::open(&path).expect("open");
        import_claims(
            &mut l,
            &[claim_file("claim.csv", "100000000001", &[(1, ""), (2, "")])],
        );
        import_claims(&mut l, &[validation_file("vrf.csv", &[(1, ""), (2, "")])]);
    }
    {
        // What an earlier capekit recorded of the Validation Result File: its rows without an
        // error, as accepted on the claim named after the file.
        let conn = rusqlite::Connection::open(&path).expect("raw");
        conn.execute_batch(
            "INSERT OR IGNORE INTO claims (claim_number, status) VALUES ('validation vrf.csv', 'Accepted');
             INSERT OR REPLACE INTO claim_entries
               (claim_id, entry, outcome, message, action, rule, triage_id, file_id, line)
             SELECT (SELECT id FROM claims WHERE claim_number = 'validation vrf.csv'),
                    entry, 'accepted', '', 'none', NULL, triage_id,
                    (SELECT id FROM files WHERE kind = 'validation-result'), line
             FROM claim_entries WHERE claim_id = (SELECT id FROM claims WHERE claim_number = '100000000001');",
        )
        .expect("as recorded before");
    }
    let l = Ledger::open(&path).expect("reopen");
    assert_eq!(l.verify().expect("verify"), vec![]);

    // Two Claim Details accepting one entry are still found.
    let conn = rusqlite::Connection::open(&path).expect("raw");
    conn.execute_batch(
        "INSERT INTO claims (claim_number, status) VALUES ('100000000002', 'Accepted');
         INSERT INTO claim_entries
           (claim_id, entry, outcome, message, action, rule, triage_id, file_id, line)
         SELECT (SELECT id FROM claims WHERE claim_number = '100000000002'),
                entry, outcome, message, action, rule, triage_id, file_id, line
         FROM claim_entries WHERE claim_id = (SELECT id FROM claims WHERE claim_number = '100000000001');",
    )
    .expect("tamper");
    let problems = l.verify().expect("verify");
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems.iter().all(|p| p.check == "accepted-twice"),
        "{problems:?}"
    );
}

#[test]
fn validation_result_files_record_no_acceptance() {
    let mut l = Ledger::open_in_memory().expect("in memory");
    import_claims(&mut l, &[validation_file("vrf-1.csv", &[(1, "")])]);
    import_claims(&mut l, &[validation_file("vrf-2.csv", &[(1, "")])]);
    assert_eq!(l.verify().expect("verify"), vec![]);
    assert!(
        !matches!(state(&l, 1), EntryState::Accepted { .. }),
        "{:?}",
        state(&l, 1)
    );
}

#[test]
fn the_importer_of_kept_entry_data_is_given_for_the_entries_asked() {
    let mut l = Ledger::open_in_memory().expect("open");
    assert!(
        l.importers_of([n(1)]).expect("importers").is_empty(),
        "no entry data yet"
    );
    let mut a = capekit_core::path::EntryData::new(n(1), 2);
    a.importer_number = Some("12-3456789AB".into());
    let b = capekit_core::path::EntryData::new(n(2), 3);
    let facts: Vec<EntryFacts> = [&a, &b]
        .into_iter()
        .map(|d| EntryFacts::from_decision(d, &capekit_core::path::decide(d, AS_OF)))
        .collect();
    l.record_entry_data(None, &facts).expect("entry data");
    let got = l.importers_of([n(1), n(2), n(3)]).expect("importers");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got.get(&n(1)).map(String::as_str), Some("12-3456789AB"));
}

#[test]
fn an_entry_record_reads_back_and_verify_finds_one_that_does_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ledger.sqlite3");
    let mut l = Ledger::open(&path).expect("open");
    let mut data = capekit_core::path::EntryData::new(n(1), 2);
    data.entry_type = Some("01".into());
    data.entry_date = Some(date(2025, 6, 2));
    data.liquidation_date = Some(date(2026, 4, 17));
    let decision = capekit_core::path::decide(&data, AS_OF);
    let facts = [
        EntryFacts::from_decision(&data, &decision),
        // Facts without a record (as kept before records were): known, but no data to judge by.
        EntryFacts {
            record: None,
            ..EntryFacts::from_decision(&capekit_core::path::EntryData::new(n(2), 3), &decision)
        },
    ];
    let meta = FileMeta::of_bytes("es003.csv", FileKind::EntryData, b"es003");
    l.record_entry_data(Some(&meta), &facts)
        .expect("entry data");
    let got = l.entry_records([n(1), n(2), n(3)]).expect("records");
    assert_eq!(got.data.get(&n(1)), Some(&data));
    assert_eq!(got.without_record, vec![n(2)]);
    assert!(got.unreadable.is_empty());
    assert_eq!(got.files, vec!["es003.csv".to_owned()]);
    assert!(l.verify().expect("verify").is_empty());
    drop(l);

    let conn = rusqlite::Connection::open(&path).expect("raw");
    conn.execute(
        "UPDATE entry_records SET record = '{\"entry_number\":\"B7600000026\"}' WHERE entry = ?1",
        [n(1).as_str()],
    )
    .expect("tamper");
    drop(conn);
    let l = Ledger::open(&path).expect("reopen");
    let got = l.entry_records([n(1)]).expect("records");
    assert!(got.data.is_empty());
    assert_eq!(got.unreadable.len(), 1, "{got:?}");
    let problems = l.verify().expect("verify");
    assert!(
        problems.iter().any(|p| p.check == "entry-record"),
        "{problems:?}"
    );
}
