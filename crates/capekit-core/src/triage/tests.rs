use super::*;
use jiff::civil::date;

const AS_OF: Date = date(2026, 11, 24);

fn n(tx: u32) -> EntryNumber {
    EntryNumber::from_parts("B76", tx).expect("valid")
}

fn row(tx: u32, claim: &str, status: &str, message: &str) -> ClaimRow {
    ClaimRow {
        file: "claim.csv".into(),
        line: u64::from(tx) + 1,
        entry: n(tx),
        claim: claim.into(),
        status: Some(status.into()),
        message: message.into(),
        claim_status: None,
        kind: Default::default(),
        claim_date: None,
        importer: None,
    }
}

#[test]
fn a_row_accepted_on_a_claim_cbp_rejected_is_review_not_accepted() {
    // The claim's own column says Rejected; the entry's says Accepted: nothing proves the
    // entry accepted, and counting it so would keep it off every later declaration.
    let with_claim = |r: ClaimRow, claim: &str| ClaimRow {
        claim_status: Some(claim.into()),
        ..r
    };
    let input = TriageInput {
        rows: vec![
            with_claim(
                row(1, "200000000007", "Accepted", "ENTRY SUMMARY UPDATED"),
                "Rejected",
            ),
            with_claim(row(2, "200000000007", "Accepted", ""), "Rejected"),
            with_claim(row(3, "200000000008", "Accepted", ""), "In Process"),
            // A claim accepted with errors accepts its accepted rows.
            with_claim(
                row(4, "200000000009", "Accepted", ""),
                "Accepted with Error(s)",
            ),
        ],
        ..TriageInput::default()
    };
    let report = triage(&input, AS_OF);
    for tx in [1, 2, 3] {
        let e = report
            .entries
            .iter()
            .find(|e| e.entry_number == n(tx))
            .expect("entry");
        assert_eq!(e.action, Action::Review, "{tx}: {e:?}");
        assert_ne!(e.outcome, Outcome::Accepted, "{tx}");
        assert!(e.what_to_do.contains("disagree"), "{}", e.what_to_do);
        assert!(!report.refile.entries.contains(&n(tx)), "{tx} refiled");
    }
    let ok = report
        .entries
        .iter()
        .find(|e| e.entry_number == n(4))
        .expect("entry");
    assert_eq!(ok.outcome, Outcome::Accepted);
}

#[test]
fn accepted_with_errors_splits_and_refiles_only_refile_actions() {
    let input = TriageInput {
        rows: vec![
            row(1, "100000241223", "Entry Summary Updated", ""),
            row(
                2,
                "100000241223",
                "Failed",
                "HTS RELATIONSHIP/SEQUENCE MISMATCH",
            ),
            row(
                3,
                "100000241223",
                "Failed",
                "ENTRY SUMMARY IS IN TRADE CONTROL",
            ),
            row(4, "100000241223", "Failed", "SOMETHING NEW"),
        ],
        declaration: Some(vec![n(1), n(2), n(3), n(4), n(5)]),
        corrected: vec![n(3), n(1), n(4)],
        known: Known::new(),
        ..TriageInput::default()
    };
    let r = triage(&input, AS_OF);
    assert_eq!(r.claims[0].status, ClaimStatus::AcceptedWithErrors);
    assert_eq!((r.claims[0].accepted, r.claims[0].rejected), (1, 3));
    assert_eq!(r.refile.entries, vec![n(2), n(3)]);
    assert_eq!(r.refile.from_corrected, 1);
    let left: Vec<_> = r.refile.left_out.iter().map(|l| l.entry_number).collect();
    assert_eq!(left, vec![n(1), n(4)]);
    assert!(
        r.refile.left_out[0]
            .reason
            .contains("accepted on claim 100000241223")
    );
    let rec = &r.reconciliation;
    assert_eq!(
        (rec.declared, rec.accepted, rec.rejected, rec.missing),
        (Some(5), 1, 3, 1)
    );
    assert!(rec.holds);
    let missing = r
        .entries
        .iter()
        .find(|e| e.outcome == Outcome::Missing)
        .expect("missing");
    assert_eq!(missing.action, Action::Review);
    // Worklist order: review (unknown text, missing) before refile before retry-later.
    let actions: Vec<Action> = r.worklist().map(|e| e.action).collect();
    assert_eq!(
        actions,
        vec![
            Action::Review,
            Action::Review,
            Action::Refile,
            Action::RetryLater
        ]
    );
}

#[test]
fn an_entry_accepted_on_a_later_claim_is_never_refiled() {
    let input = TriageInput {
        rows: vec![
            row(1, "1", "Failed", "HTS RELATIONSHIP/SEQUENCE MISMATCH"),
            row(1, "2", "Entry Summary Updated", ""),
        ],
        declaration: None,
        corrected: vec![n(1)],
        known: Known::new(),
        ..TriageInput::default()
    };
    let r = triage(&input, AS_OF);
    assert!(r.refile.entries.is_empty());
    assert_eq!(r.refile.left_out.len(), 1);
    let rejected = r
        .entries
        .iter()
        .find(|e| e.outcome == Outcome::Rejected)
        .expect("row");
    assert_eq!(rejected.action, Action::None);
    assert!(
        rejected
            .note
            .as_deref()
            .unwrap_or("")
            .contains("accepted on claim 2")
    );
    assert!(r.reconciliation.holds);
    assert_eq!(
        (r.reconciliation.accepted, r.reconciliation.rejected),
        (1, 0)
    );
}

#[test]
fn the_ledger_keeps_accepted_and_pending_entries_off_the_refile_list() {
    let mut known = Known::new();
    known.insert(
        n(1),
        KnownState::Accepted {
            claim: "100000000007".into(),
        },
    );
    known.insert(
        n(2),
        KnownState::Pending {
            declaration: "refile.csv".into(),
            declared_at: jiff::Timestamp::UNIX_EPOCH,
        },
    );
    let input = TriageInput {
        rows: vec![
            row(1, "9", "Failed", "HTS RELATIONSHIP/SEQUENCE MISMATCH"),
            row(2, "9", "Failed", "ENTRY SUMMARY IS IN TRADE CONTROL"),
            row(3, "9", "Failed", "HTS RELATIONSHIP/SEQUENCE MISMATCH"),
        ],
        corrected: vec![n(2), n(1)],
        known,
        ..TriageInput::default()
    };
    let r = triage(&input, AS_OF);
    assert_eq!(r.refile.entries, vec![n(3)]);
    let left: Vec<(EntryNumber, &str)> = r
        .refile
        .left_out
        .iter()
        .map(|l| (l.entry_number, l.reason.as_str()))
        .collect();
    let mut left = left;
    left.sort_unstable();
    assert_eq!(left.len(), 2, "{left:?}");
    assert_eq!(left[0].0, n(1));
    assert!(
        left[0].1.contains("accepted on claim 100000000007"),
        "{left:?}"
    );
    assert_eq!(left[1].0, n(2));
    assert!(left[1].1.contains("do not resubmit"), "{left:?}");
    // The worklist says the same as the refile list: nothing to do for the accepted entry.
    let row1 = r.worklist().find(|e| e.entry_number == n(1)).expect("row");
    assert_eq!(row1.action, Action::None);
    assert!(
        row1.note
            .as_deref()
            .is_some_and(|n| n.contains("as the ledger records")),
        "{row1:?}"
    );
}

#[test]
fn rows_of_one_entry_interleaved_across_claims_merge_per_claim() {
    let input = TriageInput {
        rows: vec![
            row(1, "A", "Failed", "HTS RELATIONSHIP/SEQUENCE MISMATCH"),
            row(1, "B", "Failed", "ENTRY SUMMARY IS IN TRADE CONTROL"),
            row(1, "C", "Failed", "PROTEST ON ENTRY"),
            row(1, "A", "Failed", "ACCOUNT MISMATCH"),
            row(1, "B", "Failed", "ENTRY SUMMARY IS IN TRADE CONTROL"),
        ],
        ..TriageInput::default()
    };
    let r = triage(&input, AS_OF);
    assert_eq!(r.entries.len(), 3, "one result per claim");
    let on = |claim: &str| {
        r.entries
            .iter()
            .find(|e| e.claim_number.as_deref() == Some(claim))
            .map(|e| (e.action, e.message.to_string()))
    };
    assert_eq!(
        on("A"),
        Some((
            Action::WrongFiler,
            "HTS RELATIONSHIP/SEQUENCE MISMATCH | ACCOUNT MISMATCH".to_owned()
        ))
    );
    assert_eq!(on("B").map(|x| x.0), Some(Action::RetryLater));
    assert_eq!(on("C").map(|x| x.0), Some(Action::OtherPath));
    // Blocked on claims A and C: nothing to refile.
    assert!(r.refile.entries.is_empty());
    assert_eq!(
        (r.reconciliation.accepted, r.reconciliation.rejected),
        (0, 1)
    );
}

#[test]
fn not_declared_entries_are_named() {
    let input = TriageInput {
        rows: vec![
            row(1, "1", "Entry Summary Updated", ""),
            row(9, "1", "Entry Summary Updated", ""),
        ],
        declaration: Some(vec![n(1)]),
        corrected: vec![],
        known: Known::new(),
        ..TriageInput::default()
    };
    let r = triage(&input, AS_OF);
    assert_eq!(r.reconciliation.not_declared, vec![n(9)]);
    assert!(r.reconciliation.holds);
}

#[test]
fn unknown_status_and_empty_failure_go_to_review() {
    let input = TriageInput {
        rows: vec![row(1, "1", "Pending Review", ""), row(2, "1", "Failed", "")],
        declaration: None,
        corrected: vec![n(1), n(2)],
        known: Known::new(),
        ..TriageInput::default()
    };
    let r = triage(&input, AS_OF);
    assert!(
        r.entries
            .iter()
            .all(|e| e.action == Action::Review && e.outcome == Outcome::Rejected)
    );
    assert!(r.refile.entries.is_empty());
    assert_eq!(r.refile.left_out.len(), 2);
}

#[test]
fn several_messages_on_one_entry_block_refile_by_the_strongest() {
    let input = TriageInput {
        rows: vec![
            row(1, "1", "Failed", "HTS RELATIONSHIP/SEQUENCE MISMATCH"),
            row(1, "1", "Failed", "ACCOUNT MISMATCH"),
        ],
        declaration: None,
        corrected: vec![],
        known: Known::new(),
        ..TriageInput::default()
    };
    let r = triage(&input, AS_OF);
    assert_eq!(r.entries.len(), 1);
    assert_eq!(r.entries[0].action, Action::WrongFiler);
    assert_eq!(
        &*r.entries[0].message,
        "HTS RELATIONSHIP/SEQUENCE MISMATCH | ACCOUNT MISMATCH"
    );
    assert!(r.refile.entries.is_empty());
}

/// A row without a status and without a message says nothing of acceptance: review, never
/// accepted (it was once read as accepted, and so never refiled).
#[test]
fn without_status_column_the_message_decides() {
    let mut a = row(1, "1", "", "");
    a.status = None;
    let mut b = row(2, "1", "", "PROTEST ON ENTRY");
    b.status = None;
    let r = triage(
        &TriageInput {
            rows: vec![a, b],
            ..TriageInput::default()
        },
        AS_OF,
    );
    let by_entry: HashMap<EntryNumber, (Outcome, Action)> = r
        .entries
        .iter()
        .map(|e| (e.entry_number, (e.outcome, e.action)))
        .collect();
    assert_eq!(by_entry[&n(1)], (Outcome::Rejected, Action::Review));
    assert_eq!(by_entry[&n(2)], (Outcome::Rejected, Action::OtherPath));
    assert!(r.refile.entries.is_empty());
}

/// An entry one claim sends to a refile and another claim asks to correct first (or to wait
/// for) is not refiled as it is: the answer that asks for more decides, as the several
/// messages of one claim do. Once corrected, the corrected list puts it on.
#[test]
fn an_entry_another_claim_asks_to_correct_is_not_refiled_as_it_is() {
    let rows = vec![
        row(1, "A", "Failed", "UNABLE TO CALCULATE DUTY"),
        row(1, "B", "Failed", "INVALID HTS"),
        row(2, "A", "Failed", "UNABLE TO CALCULATE DUTY"),
        row(2, "B", "Failed", "ENTRY SUMMARY IS IN TRADE CONTROL"),
        row(3, "A", "Failed", "UNABLE TO CALCULATE DUTY"),
    ];
    let r = triage(
        &TriageInput {
            rows: rows.clone(),
            ..TriageInput::default()
        },
        AS_OF,
    );
    assert_eq!(r.refile.entries, vec![n(3)], "{:?}", r.refile);
    // The refile list says which claim holds each back, so its refile rows are explained.
    let left: Vec<(EntryNumber, &str)> = r
        .refile
        .left_out
        .iter()
        .map(|l| (l.entry_number, l.reason.as_str()))
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
    assert_eq!((left[0].0, left[1].0), (n(1), n(2)), "{left:?}");
    assert!(
        left[0]
            .1
            .contains("claim B's answer asks for `correct-then-refile`"),
        "{left:?}"
    );
    assert!(left[1].1.contains("claim B's answer asks for"), "{left:?}");
    let r = triage(
        &TriageInput {
            rows,
            corrected: vec![n(1), n(2)],
            ..TriageInput::default()
        },
        AS_OF,
    );
    assert_eq!(r.refile.entries, vec![n(3), n(1), n(2)], "{:?}", r.refile);
    assert_eq!(r.refile.from_corrected, 2);
}

fn vrf_row(tx: u32, status: Option<&str>, message: &str) -> ClaimRow {
    ClaimRow {
        file: "vrf.csv".into(),
        claim: "validation vrf.csv".into(),
        status: status.map(Into::into),
        kind: ClaimFileKind::ValidationResult,
        ..row(tx, "", "", message)
    }
}

fn failed_upload_input(file_message: &str, rows: Vec<ClaimRow>) -> TriageInput {
    TriageInput {
        declaration: Some(rows.iter().map(|r| r.entry).collect()),
        rows,
        file_messages: vec![("vrf.csv".into(), file_message.into())],
        ..TriageInput::default()
    }
}

#[test]
fn a_file_level_message_joined_by_a_colon_fails_the_upload() {
    for text in [
        "FAILED INITIAL VALIDATION: NOT A CSV FILE",
        "Failed Initial Validation: header row missing [F003]",
        // Words capekit does not read after a file-level message: still a failed upload.
        "FAILED INITIAL VALIDATION: SEE ATTACHED",
    ] {
        let input = failed_upload_input(text, vec![vrf_row(1, None, ""), vrf_row(2, None, "")]);
        let report = triage(&input, AS_OF);
        assert_eq!(report.failed_uploads, vec![Text::from("vrf.csv")], "{text}");
        assert_eq!(
            report.claims[0].status,
            ClaimStatus::FailedValidation,
            "{text}"
        );
        for e in &report.entries {
            assert_eq!(e.outcome, Outcome::NotFiled, "{text}: {e:?}");
            assert_eq!(e.action, Action::FixFile, "{text}");
        }
        assert_eq!(report.refile.entries, vec![n(1), n(2)], "{text}");
        assert_eq!(report.reconciliation.no_claim_yet, 0, "{text}");
    }
    // The words capekit does not read stay in view.
    let report = triage(
        &failed_upload_input(
            "FAILED INITIAL VALIDATION: SEE ATTACHED",
            vec![vrf_row(1, None, "")],
        ),
        AS_OF,
    );
    assert!(
        report.warnings.iter().any(|w| w.contains("`SEE ATTACHED`")),
        "{:?}",
        report.warnings
    );
    // The same text on an entry's row fails the upload too, and the row is not filed.
    let input = TriageInput {
        rows: vec![
            vrf_row(1, None, "FAILED INITIAL VALIDATION: SEE ATTACHED"),
            vrf_row(2, None, ""),
        ],
        ..TriageInput::default()
    };
    let report = triage(&input, AS_OF);
    assert_eq!(report.failed_uploads, vec![Text::from("vrf.csv")]);
    for e in &report.entries {
        assert_eq!(e.outcome, Outcome::NotFiled, "{e:?}");
    }
    let first = report
        .entries
        .iter()
        .find(|e| e.entry_number == n(1))
        .expect("row");
    assert!(
        first
            .note
            .as_deref()
            .is_some_and(|n| n.contains("`SEE ATTACHED`")),
        "{first:?}"
    );
}

#[test]
fn a_file_level_message_in_the_status_column_fails_the_upload() {
    let rows = vec![
        vrf_row(1, Some("Failed Initial Validation"), ""),
        vrf_row(2, Some("Failed Initial Validation"), ""),
    ];
    let report = triage(
        &TriageInput {
            declaration: Some(vec![n(1), n(2)]),
            rows,
            ..TriageInput::default()
        },
        AS_OF,
    );
    assert_eq!(report.failed_uploads, vec![Text::from("vrf.csv")]);
    assert_eq!(report.claims[0].status, ClaimStatus::FailedValidation);
    for e in &report.entries {
        assert_eq!(e.outcome, Outcome::NotFiled, "{e:?}");
        assert_eq!(e.action, Action::FixFile);
        assert!(!e.what_to_do.contains("does not know the status"));
    }
    assert_eq!(report.refile.entries, vec![n(1), n(2)]);
}

#[test]
fn an_accepted_row_without_a_claim_number_is_not_counted_accepted() {
    // The reader names a claim whose claim number cells are empty after its file. The texts
    // are shared as a reader shares them, so a verdict judged once is not reused for a row
    // with a claim number.
    let status: Text = "Accepted".into();
    let message: Text = "".into();
    let with = |tx: u32, claim: &str| ClaimRow {
        status: Some(status.clone()),
        message: message.clone(),
        ..row(tx, claim, "", "")
    };
    let input = TriageInput {
        rows: vec![
            with(1, "(no claim number) v6.csv"),
            with(2, "100000241223"),
            ClaimRow {
                status: Some("Entry Summary Updated".into()),
                ..row(3, "(no claim number) v6.csv", "", "ENTRY SUMMARY UPDATED")
            },
            row(4, "(no claim number) v6.csv", "Passed", ""),
        ],
        ..TriageInput::default()
    };
    let report = triage(&input, AS_OF);
    for tx in [1, 3, 4] {
        let e = report
            .entries
            .iter()
            .find(|e| e.entry_number == n(tx))
            .expect("row");
        assert_ne!(e.outcome, Outcome::Accepted, "{tx}: {e:?}");
        assert_eq!(e.action, Action::Review, "{tx}");
        assert!(
            e.what_to_do.contains("claim number is missing"),
            "{}",
            e.what_to_do
        );
        assert!(e.what_to_do.contains("Claim Status"), "{}", e.what_to_do);
        assert!(!report.refile.entries.contains(&n(tx)));
    }
    let ok = report
        .entries
        .iter()
        .find(|e| e.entry_number == n(2))
        .expect("row");
    assert_eq!(ok.outcome, Outcome::Accepted);
    assert_eq!(report.reconciliation.accepted, 1);
}

fn dated(r: ClaimRow, d: Date) -> ClaimRow {
    ClaimRow {
        claim_date: Some(d),
        ..r
    }
}

fn rows_of(r: &TriageReport, tx: u32) -> Vec<&EntryResult> {
    r.entries
        .iter()
        .filter(|e| e.entry_number == n(tx))
        .collect()
}

fn on_claim<'a>(r: &'a TriageReport, tx: u32, claim: &str) -> &'a EntryResult {
    r.entries
        .iter()
        .find(|e| e.entry_number == n(tx) && e.claim_number.as_deref() == Some(claim))
        .expect("row")
}

/// Claims with dates: the latest-dated claim's answer decides for the entry, whatever order
/// the files come in (the ledger orders an entry's claims the same way); older claims' rows
/// are history, say which claim decides, and invite no refile.
#[test]
fn the_latest_dated_claim_decides_for_the_entry_in_any_order() {
    let a = |tx, m| dated(row(tx, "A", "Failed", m), date(2026, 9, 1));
    let b = |tx, m| dated(row(tx, "B", "Failed", m), date(2026, 10, 1));
    let c = |tx, m| dated(row(tx, "C", "Failed", m), date(2026, 10, 20));
    let rows = [
        // 1: older claims ask for another path and a correction, the latest for a refile.
        a(1, "PROTEST ON ENTRY"),
        b(1, "INVALID HTS"),
        c(1, "UNABLE TO CALCULATE DUTY"),
        // 2: an older claim asks for a refile, the latest for another path.
        a(2, "UNABLE TO CALCULATE DUTY"),
        c(2, "ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS"),
    ];
    for order in [[0, 1, 2, 3, 4], [2, 0, 1, 4, 3], [1, 2, 0, 3, 4]] {
        let input = TriageInput {
            rows: order.iter().map(|&i| rows[i].clone()).collect(),
            ..TriageInput::default()
        };
        let r = triage(&input, AS_OF);
        assert_eq!(r.refile.entries, vec![n(1)], "{order:?}: {:?}", r.refile);
        // The older rows of 1 say which claim decides, and carry its action (`none` would read
        // as accepted).
        for claim in ["A", "B"] {
            let old = on_claim(&r, 1, claim);
            assert_eq!(old.action, Action::Refile, "{old:?}");
            assert!(
                old.what_to_do.contains("claim C (2026-10-20) decides"),
                "{old:?}"
            );
            assert!(
                old.note
                    .as_deref()
                    .is_some_and(|n| n.contains("answered since")),
                "{old:?}"
            );
        }
        assert_eq!(on_claim(&r, 1, "C").action, Action::Refile);
        // 2: the older refile row takes the latest claim's action and is explained.
        let old = on_claim(&r, 2, "A");
        assert_eq!(old.action, Action::OtherPath, "{old:?}");
        assert!(old.what_to_do.contains("claim C (2026-10-20)"), "{old:?}");
        let left: Vec<&LeftOut> = r.refile.left_out.iter().collect();
        assert_eq!(left.len(), 1, "{left:?}");
        assert_eq!(left[0].entry_number, n(2));
        assert!(
            left[0]
                .reason
                .contains("claim C's answer asks for `other-path`")
        );
        // No worklist row invites a refile of an entry that is not refiled.
        for e in r.worklist() {
            if e.action == Action::Refile {
                assert!(r.refile.entries.contains(&e.entry_number), "{e:?}");
            }
        }
    }
}

/// Among claims of the same date (or without dates) the order is unknown: the answer that asks
/// for most still decides, and an acceptance on any claim still wins over a later rejection.
#[test]
fn claims_of_one_date_and_acceptances_keep_the_safe_rule() {
    let day = date(2026, 10, 1);
    let r = triage(
        &TriageInput {
            rows: vec![
                dated(row(1, "A", "Failed", "PROTEST ON ENTRY"), day),
                dated(row(1, "B", "Failed", "UNABLE TO CALCULATE DUTY"), day),
                dated(row(2, "A", "Entry Summary Updated", ""), day),
                dated(
                    row(2, "B", "Failed", "UNABLE TO CALCULATE DUTY"),
                    date(2026, 10, 20),
                ),
            ],
            ..TriageInput::default()
        },
        AS_OF,
    );
    assert!(r.refile.entries.is_empty(), "{:?}", r.refile);
    // The held refile row carries the action of what holds it, never `refile`.
    let held = on_claim(&r, 1, "B");
    assert_eq!(held.action, Action::OtherPath, "{held:?}");
    assert!(
        held.what_to_do
            .contains("claim A's answer asks for `other-path`")
    );
    assert!(rows_of(&r, 2).iter().all(|e| e.action == Action::None));
    assert!(r.by_action().iter().all(|(a, _)| *a != Action::Refile));
}

/// A row held off the refile list by what the ledger knows carries the action of what holds
/// it: a wait for a pending or drafted entry, the later claim's action for its rejection.
#[test]
fn a_row_the_ledger_holds_never_says_refile() {
    let mut known = Known::new();
    known.insert(
        n(1),
        KnownState::Pending {
            declaration: "refile.csv".into(),
            declared_at: jiff::Timestamp::UNIX_EPOCH,
        },
    );
    known.insert(
        n(2),
        KnownState::Drafted {
            declaration: "draft.csv".into(),
            number: Some(3),
            written_at: jiff::Timestamp::UNIX_EPOCH,
        },
    );
    known.insert(
        n(3),
        KnownState::Rejected {
            claim: "100000300062".into(),
            message: String::new(),
            action: Action::Review,
        },
    );
    let r = triage(
        &TriageInput {
            rows: (1..=4)
                .map(|tx| row(tx, "9", "Failed", "UNABLE TO CALCULATE DUTY"))
                .collect(),
            known,
            ..TriageInput::default()
        },
        AS_OF,
    );
    assert_eq!(r.refile.entries, vec![n(4)]);
    for (tx, action, says) in [
        (1, Action::WaitForClaim, "still pending on refile.csv"),
        (2, Action::WaitForClaim, "on the draft draft.csv"),
        (
            3,
            Action::Review,
            "rejected on claim 100000300062 with no message",
        ),
    ] {
        let e = on_claim(&r, tx, "9");
        assert_eq!(e.action, action, "{e:?}");
        assert!(e.what_to_do.contains(says), "{e:?}");
        // What CBP's message alone said stays in the note.
        assert!(
            e.note
                .as_deref()
                .is_some_and(|n| n.contains("CBP's message alone")),
            "{e:?}"
        );
    }
    assert_eq!(on_claim(&r, 4, "9").action, Action::Refile);
    let refile_rows = r
        .by_action()
        .into_iter()
        .find(|(a, _)| *a == Action::Refile)
        .map(|(_, c)| c);
    assert_eq!(refile_rows, Some(1));
}

/// A claim's answer for an entry supersedes a Validation Result File's "passed file checks; no
/// claim yet" (the file passed; the claim is the answer).
#[test]
fn a_claims_answer_supersedes_a_validation_result_files_no_claim_yet() {
    let r = triage(
        &TriageInput {
            rows: vec![
                vrf_row(1, None, ""),
                row(1, "100000300301", "Failed", "UNABLE TO CALCULATE DUTY"),
                vrf_row(2, None, ""),
            ],
            ..TriageInput::default()
        },
        AS_OF,
    );
    assert_eq!(r.refile.entries, vec![n(1)], "{:?}", r.refile);
    let vrf = on_claim(&r, 1, "validation vrf.csv");
    assert_eq!(vrf.outcome, Outcome::NoClaimYet);
    assert_eq!(vrf.action, Action::Refile, "{vrf:?}");
    assert!(
        vrf.what_to_do
            .contains("Claim 100000300301 answered this entry")
    );
    // An entry no claim answers still waits for its claim.
    assert_eq!(
        on_claim(&r, 2, "validation vrf.csv").action,
        Action::WaitForClaim
    );
}

/// A Validation Result File that failed the upload beside a Claim Details answering entries it
/// lists: the files contradict each other (a failed upload has no claim). The entry no claim
/// answers is review, never sent again on the corrected file nor held for a claim, and the
/// warning says what to check.
#[test]
fn a_failed_upload_beside_a_claim_of_its_entries_is_a_contradiction_to_review() {
    let mut rows = vec![
        vrf_row(1, None, ""),
        vrf_row(2, None, ""),
        vrf_row(3, None, ""),
    ];
    rows.push(row(1, "100000300800", "Entry Summary Updated", ""));
    rows.push(row(2, "100000300800", "Failed", "UNABLE TO CALCULATE DUTY"));
    let input = failed_upload_input("FAILED INITIAL VALIDATION: HEADER ROW MISSING", rows);
    let report = triage(&input, AS_OF);
    let third: Vec<&EntryResult> = rows_of(&report, 3);
    assert_eq!(third.len(), 1, "{third:?}");
    assert_eq!(third[0].action, Action::Review, "{third:?}");
    assert!(
        !report.refile.entries.contains(&n(3)),
        "{:?}",
        report.refile
    );
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("a failed upload has no claim")),
        "{:?}",
        report.warnings
    );
    // A failed upload alone still sends every entry on the corrected file.
    let alone = failed_upload_input(
        "FAILED INITIAL VALIDATION: HEADER ROW MISSING",
        vec![vrf_row(1, None, ""), vrf_row(3, None, "")],
    );
    assert_eq!(triage(&alone, AS_OF).refile.entries, vec![n(1), n(3)]);
}

/// A load error is no validation result: a Validation Result File whose only word on the upload
/// is one (on a row without an entry) says ACE did not process the upload. Its entries are not
/// known to be filed: never "passed file checks, wait for the claim" (a claim that never comes),
/// but retried, after a look for a claim number.
#[test]
fn a_load_error_on_a_validation_result_file_means_the_upload_was_not_processed() {
    for load_error in [
        "Unable to process this request at the time. Uncategorized exception occurred during JMS processing.",
        "CAPE High Volumes",
    ] {
        let input = TriageInput {
            declaration: Some(vec![n(1), n(2), n(3)]),
            rows: vec![vrf_row(1, None, ""), vrf_row(2, None, "")],
            file_messages: vec![("vrf.csv".into(), load_error.into())],
            ..TriageInput::default()
        };
        let report = triage(&input, AS_OF);
        assert_eq!(report.failed_uploads, vec![Text::from("vrf.csv")]);
        assert_eq!(report.claims[0].status, ClaimStatus::NotProcessed);
        assert_eq!(report.worklist().count(), 3, "{:?}", report.entries);
        for e in report.worklist() {
            assert_eq!(e.outcome, Outcome::NotFiled, "{e:?}");
            assert_eq!(e.action, Action::RetryLater, "{e:?}");
            assert!(!e.what_to_do.contains("Passed file checks"), "{e:?}");
        }
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.contains("load error") && w.contains("claim number")),
            "{:?}",
            report.warnings
        );
    }
    // A file-level error beside it still fails the upload for its file.
    let input = TriageInput {
        rows: vec![vrf_row(1, None, "")],
        file_messages: vec![("vrf.csv".into(), "FAILED INITIAL VALIDATION".into())],
        ..TriageInput::default()
    };
    assert_eq!(
        triage(&input, AS_OF).claims[0].status,
        ClaimStatus::FailedValidation
    );
}

/// A claim's status in the entry's column (`Accepted with Error(s)`) says nothing of the entry:
/// review, and the advice names the status it could not read as the entry's.
#[test]
fn a_claim_status_in_the_entry_column_is_named_in_the_review() {
    let mut r = row(1, "100000300001", "Accepted with Error(s)", "");
    r.claim_status = Some("Accepted".into());
    let report = triage(
        &TriageInput {
            rows: vec![r],
            ..TriageInput::default()
        },
        AS_OF,
    );
    let e = &report.entries[0];
    assert_eq!(e.action, Action::Review, "{e:?}");
    assert!(
        e.what_to_do
            .contains("`Accepted with Error(s)` is a claim's status")
            && !e.what_to_do.contains("neither an entry status"),
        "{}",
        e.what_to_do
    );
}
