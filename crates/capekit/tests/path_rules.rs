//! Every path rule (P001-P035) is triggered by a fixture named after it, through `capekit plan
//! --format json`, with the path, deciding rule and urgent deadline a user would see.
//!
//! The fixtures live in `tests/fixtures/path/` at the workspace root, named `CODE-NAME.csv`
//! after the rule they trigger: one entry each, an ES-003 with the optional columns the rule
//! reads. A test fails when a rule of the catalog has no fixture.

mod common;

use std::path::{Path, PathBuf};

use capekit_core::path::PATH_RULES;
use common::run;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/path")
}

/// One fixture and what the plan must say of its entry.
struct Case {
    /// The rule the fixture triggers (first reason, or among the reasons for P020/P021).
    code: &'static str,
    as_of: &'static str,
    args: &'static [&'static str],
    path: &'static str,
    /// The kind of the deadline that makes the entry urgent, if any.
    urgent: Option<&'static str>,
    /// A text the notes must hold.
    note: &'static str,
}

const CASES: &[Case] = &[
    Case {
        code: "P001",
        as_of: "2026-11-24",
        args: &[],
        path: "not-refundable",
        urgent: None,
        note: "outside 2025-02-04 to 2026-02-23",
    },
    Case {
        code: "P002",
        as_of: "2026-11-24",
        args: &[],
        path: "not-refundable",
        urgent: None,
        note: "none with duty above zero",
    },
    Case {
        code: "P003",
        as_of: "2026-11-24",
        args: &[],
        path: "review",
        urgent: None,
        note: "excluded from CAPE phase 1, and CBP has announced no phase that takes it",
    },
    Case {
        code: "P004",
        as_of: "2026-11-24",
        args: &[],
        path: "later-phase",
        urgent: None,
        note: "drawback-linked",
    },
    Case {
        code: "P005",
        as_of: "2026-06-01",
        args: &[],
        path: "later-phase",
        urgent: None,
        note: "until 2026-06-29",
    },
    Case {
        code: "P006",
        as_of: "2026-11-24",
        args: &[],
        path: "later-phase",
        urgent: None,
        note: "types 01, 02 and 06 only",
    },
    Case {
        code: "P007",
        as_of: "2026-11-24",
        args: &[],
        path: "cape",
        urgent: None,
        note: "declare it in CAPE before any type 09 is filed",
    },
    Case {
        code: "P008",
        as_of: "2026-11-24",
        args: &[],
        path: "protest",
        urgent: None,
        note: "the protest carries the claim",
    },
    Case {
        code: "P009",
        as_of: "2026-11-24",
        args: &[],
        path: "protest",
        urgent: None,
        note: "can be withdrawn and the entry declared in CAPE until 2026-12-20",
    },
    Case {
        code: "P010",
        as_of: "2026-11-24",
        args: &[],
        path: "review",
        urgent: Some("protest"),
        note: "`Protest Status` is blank",
    },
    Case {
        code: "P011",
        as_of: "2026-11-24",
        args: &[],
        path: "review",
        urgent: None,
        note: "neither `Liquidation Status` nor `Liquidation Date`",
    },
    Case {
        code: "P012",
        as_of: "2026-11-24",
        args: &[],
        path: "review",
        urgent: None,
        note: "the `Liquidation Date` is empty",
    },
    Case {
        code: "P013",
        as_of: "2026-11-24",
        args: &[],
        path: "court",
        urgent: None,
        note: "CAPE (80 days) and protest (180 days) are closed",
    },
    Case {
        code: "P014",
        as_of: "2026-11-24",
        args: &[],
        path: "protest",
        urgent: None,
        note: "protest under 19 USC 1514 by 2027-01-11",
    },
    Case {
        code: "P015",
        as_of: "2026-11-24",
        args: &[],
        path: "correct-first",
        urgent: None,
        note: "file a PSC moving the value to the Chapter 1-97 line by 2026-12-16",
    },
    Case {
        code: "P016",
        as_of: "2026-11-24",
        args: &[],
        path: "review",
        urgent: None,
        note: "the PSC window closed on 2026-11-10",
    },
    Case {
        code: "P017",
        as_of: "2026-11-24",
        args: &[],
        path: "cape",
        urgent: None,
        note: "",
    },
    Case {
        code: "P018",
        as_of: "2026-11-24",
        args: &[],
        path: "cape",
        urgent: None,
        note: "declare in CAPE by 2026-12-20",
    },
    Case {
        code: "P019",
        as_of: "2026-11-24",
        args: &[],
        path: "cape",
        urgent: Some("cape-window"),
        note: "the CAPE window closes on 2026-11-29",
    },
    Case {
        code: "P020",
        as_of: "2026-11-24",
        args: &[],
        path: "protest",
        urgent: Some("protest"),
        note: "urgent: the protest is due by 2026-12-04",
    },
    Case {
        code: "P021",
        as_of: "2026-12-15",
        args: &[],
        path: "court",
        urgent: Some("court-1581i"),
        note: "sue by 2027-02-01",
    },
    Case {
        code: "P022",
        as_of: "2026-11-24",
        args: &[],
        path: "court",
        urgent: None,
        note: "no second protest",
    },
    Case {
        code: "P023",
        as_of: "2026-11-24",
        args: &[],
        path: "review",
        urgent: None,
        note: "1581(i) by 2027-04-02",
    },
    Case {
        code: "P024",
        as_of: "2026-11-24",
        args: &[],
        path: "review",
        urgent: None,
        note: "may already have been refunded",
    },
    Case {
        code: "P025",
        as_of: "2026-11-24",
        args: &[],
        path: "review",
        urgent: None,
        note: "the data disagrees",
    },
    Case {
        code: "P026",
        as_of: "2026-11-24",
        args: &[],
        path: "review",
        urgent: None,
        note: "unknown, not zero",
    },
    Case {
        code: "P027",
        as_of: "2026-11-24",
        args: &[],
        path: "review",
        urgent: Some("protest"),
        note: "read as liquidated on 2026-06-07",
    },
    Case {
        code: "P028",
        as_of: "2026-11-24",
        args: &[],
        path: "review",
        urgent: None,
        note: "read as a scheduled liquidation",
    },
    Case {
        code: "P029",
        as_of: "2026-11-24",
        args: &[],
        path: "review",
        urgent: None,
        note: "entry type 23",
    },
    Case {
        code: "P030",
        as_of: "2026-11-24",
        args: &[],
        path: "later-phase",
        urgent: None,
        note: "pending liquidation",
    },
    Case {
        code: "P031",
        as_of: "2026-11-24",
        args: &[],
        path: "review",
        urgent: None,
        note: "does not say whether the entry is suspended",
    },
    Case {
        code: "P032",
        as_of: "2026-11-24",
        args: &[],
        path: "later-phase",
        urgent: None,
        note: "declare its withdrawals (types 31, 32, 34, 38)",
    },
    Case {
        code: "P033",
        as_of: "2026-11-24",
        args: &["--phase3-importers", "27-184593000:yes"],
        path: "phase-3",
        urgent: None,
        note: "CAPE Phase 3",
    },
    Case {
        code: "P034",
        as_of: "2026-11-24",
        args: &[],
        path: "review",
        urgent: None,
        note: "F883",
    },
    Case {
        code: "P035",
        as_of: "2026-11-24",
        args: &[],
        path: "done",
        urgent: None,
        note: "never declare it again",
    },
    Case {
        code: "P036",
        as_of: "2026-11-24",
        args: &[],
        path: "review",
        urgent: None,
        note: "line 3: `9.90E+07` in `HTS Number - Full`",
    },
    Case {
        code: "P037",
        as_of: "2026-11-24",
        args: &[],
        path: "review",
        urgent: None,
        note: "`Entry Date` is blank",
    },
    Case {
        code: "P038",
        as_of: "2026-11-24",
        args: &[],
        path: "review",
        urgent: None,
        note: "line 3: `($740.00)` in `Line Tariff Duty Amount` is a negative duty",
    },
    Case {
        code: "P039",
        as_of: "2026-11-24",
        args: &[],
        path: "protest",
        urgent: None,
        note: "protest under 19 USC 1514 by 2027-03-30",
    },
    Case {
        code: "P040",
        as_of: "2026-11-24",
        args: &[],
        path: "review",
        urgent: None,
        note: "entry type 47 is a drawback claim",
    },
    Case {
        code: "P041",
        as_of: "2026-11-24",
        args: &[],
        path: "review",
        urgent: None,
        note: "read as liquidated on 2026-05-01: the CAPE window closes 2026-07-20 and the protest is due 2026-10-28",
    },
];

fn fixture_of(code: &str) -> String {
    let rule = PATH_RULES
        .iter()
        .find(|r| r.code == code)
        .unwrap_or_else(|| panic!("no rule {code}"));
    format!("{}-{}.csv", rule.code, rule.name)
}

#[test]
fn every_rule_has_a_fixture_and_a_case() {
    for r in PATH_RULES {
        let name = fixture_of(r.code);
        assert!(fixture_dir().join(&name).is_file(), "no fixture {name}");
        assert!(
            CASES.iter().any(|c| c.code == r.code),
            "no case for {}",
            r.code
        );
    }
}

#[test]
fn each_fixture_triggers_its_rule_through_the_cli() {
    for c in CASES {
        let dir = tempfile::tempdir().expect("tempdir");
        let name = fixture_of(c.code);
        std::fs::copy(fixture_dir().join(&name), dir.path().join(&name)).expect("copy fixture");
        let mut args = vec![
            "plan", &name, "--as-of", c.as_of, "--format", "json", "--out", "out",
        ];
        args.extend_from_slice(c.args);
        let r = run(dir.path(), &args);
        assert_eq!(r.code, Some(0), "{name}: {}", r.both());
        let v = r.json();
        let entries = v["entries"].as_array().expect("entries");
        assert_eq!(entries.len(), 1, "{name}");
        let e = &entries[0];
        assert_eq!(e["path"], c.path, "{name}: {e}");
        let reasons: Vec<&str> = e["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .filter_map(|x| x.as_str())
            .collect();
        // These rules add to the rule that decides the path (a deadline near, a withdrawal
        // possible, a reconciliation flag CAPE now takes): among the reasons, not first.
        if ["P007", "P009", "P019", "P020", "P021"].contains(&c.code) {
            assert!(reasons.contains(&c.code), "{name}: {reasons:?}");
        } else {
            assert_eq!(reasons[0], c.code, "{name}: {reasons:?}");
        }
        assert_eq!(
            e["urgent_deadline"]["kind"].as_str(),
            c.urgent,
            "{name}: {e}"
        );
        // A liquidated entry without its date is urgent with no deadline to date it (its
        // protest may be due any day); every other urgent entry has its deadline.
        if c.code == "P012" {
            assert_eq!(e["urgent"], true, "{name}: {e}");
            assert!(e["urgent_undated"].is_string(), "{name}: {e}");
        } else {
            assert_eq!(e["urgent"], c.urgent.is_some(), "{name}");
            assert!(e["urgent_undated"].is_null(), "{name}: {e}");
        }
        let notes = e["notes"].to_string();
        assert!(notes.contains(c.note), "{name}: {notes}");
        // An entry goes on a declaration exactly when its path is CAPE.
        assert_eq!(
            v["declaration_files"]
                .as_array()
                .is_some_and(|f| !f.is_empty()),
            c.path == "cape",
            "{name}: {}",
            v["declaration_files"]
        );
    }
}

#[test]
fn a_denied_protest_gives_the_1581a_date_180_days_after_the_decision() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = fixture_of("P022");
    std::fs::copy(fixture_dir().join(&name), dir.path().join(&name)).expect("copy");
    let v = run(
        dir.path(),
        &["plan", &name, "--as-of", "2026-11-24", "--format", "json"],
    )
    .json();
    let e = &v["entries"][0];
    assert_eq!(e["court_1581a_due"]["date"], "2027-03-30");
    assert_eq!(e["court_1581i_due"]["date"], "2027-04-02");
    // The date to calendar is the earlier, as the worklist's `court_due` gives it.
    assert_eq!(e["court_due"]["date"], "2027-03-30");
    assert!(!e["what_to_do"].to_string().contains("File a protest"));
}

#[test]
fn phase3_importers_are_refused_without_yes_or_no() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = fixture_of("P033");
    std::fs::copy(fixture_dir().join(&name), dir.path().join(&name)).expect("copy");
    let r = run(
        dir.path(),
        &[
            "plan",
            &name,
            "--as-of",
            "2026-11-24",
            "--phase3-importers",
            "27-184593000",
        ],
    );
    assert_ne!(r.code, Some(0), "{}", r.both());
    assert!(r.stderr.contains(":yes"), "{}", r.both());
    // Not submitted by 2026-07-30: the court, with its date.
    let v = run(
        dir.path(),
        &[
            "plan",
            &name,
            "--as-of",
            "2026-11-24",
            "--format",
            "json",
            "--phase3-importers",
            "27-184593000:no",
        ],
    )
    .json();
    assert_eq!(v["entries"][0]["path"], "court");
    assert_eq!(v["entries"][0]["court_due"]["date"], "2027-04-02");
}

/// One entry of the files in `tests/fixtures/path/regress/` where the data is ambiguous, and
/// what the plan must say of it: never a silent guess.
struct Ambiguous {
    file: &'static str,
    as_of: &'static str,
    entry: &'static str,
    path: &'static str,
    rule: &'static str,
    /// Texts the notes or the advice must hold.
    says: &'static [&'static str],
    /// A text they must not hold.
    never: Option<&'static str>,
}

const AMBIGUOUS: &[Ambiguous] = &[
    // Extended to 2027-03-01, entered 2025-09-01, goods value on the IEEPA line.
    Ambiguous {
        file: "extended.csv",
        as_of: "2026-12-10",
        entry: "B7660001002",
        path: "review",
        rule: "P016",
        says: &["2027-02-14", "only if the importer asked"],
        never: Some("window closed"),
    },
    // Extended, no date.
    Ambiguous {
        file: "extended.csv",
        as_of: "2026-12-10",
        entry: "B7660001028",
        path: "review",
        rule: "P016",
        says: &["not in the file", "Entry Summary Query"],
        never: Some("window closed"),
    },
    // Extended, entered 2026-02-20: after the 300 days the importer-request date stays.
    Ambiguous {
        file: "extended.csv",
        as_of: "2026-12-22",
        entry: "B7660001036",
        path: "review",
        rule: "P016",
        says: &["2027-02-14", "importer asked"],
        never: Some("window closed"),
    },
    Ambiguous {
        file: "reason36.csv",
        as_of: "2026-12-10",
        entry: "B7610001011",
        path: "done",
        rule: "P035",
        says: &["`036`"],
        never: None,
    },
    Ambiguous {
        file: "reason36.csv",
        as_of: "2026-12-10",
        entry: "B7610001052",
        path: "done",
        rule: "P035",
        says: &["`Code 36`"],
        never: None,
    },
    // Denied, no date, inside the CAPE window.
    Ambiguous {
        file: "denied-in-window.csv",
        as_of: "2026-12-10",
        entry: "B7611001010",
        path: "review",
        rule: "P023",
        says: &["1581(a)", "1581(i) by 2027-04-02"],
        never: None,
    },
    // Denied 2026-06-20, before the liquidation of 2026-09-25.
    Ambiguous {
        file: "denied-in-window.csv",
        as_of: "2026-12-10",
        entry: "B7611001028",
        path: "review",
        rule: "P023",
        says: &["before the liquidation of 2026-09-25", "2026-12-17"],
        never: None,
    },
    // 1581(a) ended the day before.
    Ambiguous {
        file: "edges.csv",
        as_of: "2026-12-10",
        entry: "B7620001084",
        path: "court",
        rule: "P022",
        says: &["passed on 2026-12-09", "1581(i) date 2027-04-02", "counsel"],
        never: Some("by 2026-12-09"),
    },
    // Denied on a day after the plan's.
    Ambiguous {
        file: "edges.csv",
        as_of: "2026-12-10",
        entry: "B7620001092",
        path: "review",
        rule: "P023",
        says: &["after 2026-12-10", "2027-06-18"],
        never: None,
    },
    // Drawback-linked, "Unliquidated", entered 2025-03-20.
    Ambiguous {
        file: "laterphase-court.csv",
        as_of: "2026-12-10",
        entry: "B7612001001",
        path: "review",
        rule: "P027",
        says: &["1504(a)", "later phase"],
        never: Some("the protest period has passed"),
    },
    // A TIB entered 2025-11-20, "Unliquidated".
    Ambiguous {
        file: "laterphase-court.csv",
        as_of: "2026-12-10",
        entry: "B7612001035",
        path: "review",
        rule: "P029",
        says: &["1504(a)", "read as unliquidated"],
        never: Some("the entry liquidated on"),
    },
    // IEEPA duty entered 2025-02-03, "Unliquidated", no date.
    Ambiguous {
        file: "ambiguous-main.csv",
        as_of: "2026-12-10",
        entry: "B7690001204",
        path: "review",
        rule: "P025",
        says: &["1504(a)", "read as unliquidated"],
        never: Some("the entry liquidated on"),
    },
    // "Liquidated" 2027-01-15: that date dates the PSC of the scheduled reading.
    Ambiguous {
        file: "ambiguous-main.csv",
        as_of: "2026-12-10",
        entry: "B7690001147",
        path: "review",
        rule: "P028",
        says: &["2026-12-07"],
        never: Some("no scheduled date in the file"),
    },
];

#[test]
fn ambiguous_entry_data_is_review_or_done_with_both_readings_never_a_guess() {
    let regress = fixture_dir().join("regress");
    for c in AMBIGUOUS {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::copy(regress.join(c.file), dir.path().join(c.file)).expect("copy fixture");
        let r = run(
            dir.path(),
            &[
                "plan", c.file, "--as-of", c.as_of, "--format", "json", "--out", "out",
            ],
        );
        assert_eq!(r.code, Some(0), "{}: {}", c.file, r.both());
        let v = r.json();
        let e = v["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .find(|e| e["entry_number"] == c.entry)
            .unwrap_or_else(|| panic!("{} not in {}", c.entry, c.file));
        assert_eq!(e["path"], c.path, "{}: {e}", c.entry);
        assert_eq!(e["reasons"][0], c.rule, "{}: {e}", c.entry);
        let said = format!("{} {}", e["notes"], e["what_to_do"]);
        for s in c.says {
            assert!(said.contains(s), "{}: no {s:?} in {said}", c.entry);
        }
        if let Some(n) = c.never {
            assert!(!said.contains(n), "{}: {n:?} in {said}", c.entry);
        }
        // Only a cape entry goes on a declaration.
        for f in v["declaration_files"].as_array().into_iter().flatten() {
            let text = std::fs::read_to_string(dir.path().join(f.as_str().expect("name")))
                .expect("declaration");
            assert!(!text.contains(c.entry), "{} declared: {text}", c.entry);
        }
    }
}

#[test]
fn a_not_refundable_entry_shows_no_court_date() {
    // Its only IEEPA line is 9903.01.25 with $0.00: nothing to refund, nothing to sue for.
    let dir = tempfile::tempdir().expect("tempdir");
    let name = "ambiguous-main.csv";
    std::fs::copy(
        fixture_dir().join("regress").join(name),
        dir.path().join(name),
    )
    .expect("copy fixture");
    let v = run(
        dir.path(),
        &[
            "plan",
            name,
            "--as-of",
            "2026-12-10",
            "--format",
            "json",
            "--out",
            "out",
        ],
    )
    .json();
    let e = v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["entry_number"] == "B7690001238")
        .expect("entry");
    assert_eq!(e["path"], "not-refundable");
    assert!(e["court_due"].is_null(), "{e}");
}

/// `plan` on the court-readings fixture as of `as_of`, in `dir`, with `extra` arguments.
fn court_readings_plan(dir: &Path, as_of: &str, extra: &[&str]) -> common::Run {
    let name = "court-readings.csv";
    std::fs::copy(fixture_dir().join("regress").join(name), dir.join(name)).expect("copy fixture");
    let mut args = vec![
        "plan",
        name,
        "--as-of",
        as_of,
        "--out",
        "out",
        "--no-ledger",
    ];
    args.extend_from_slice(extra);
    run(dir, &args)
}

#[test]
fn once_the_earliest_court_reading_passed_the_deposit_reading_counts_and_stays_urgent() {
    // C4500000087: heading 9903.01.20 (2027-02-01 at the order's reading), deposit 2025-02-11.
    let dir = tempfile::tempdir().expect("tempdir");
    let r = court_readings_plan(dir.path(), "2027-02-02", &["--format", "json"]);
    assert_eq!(r.code, Some(0), "{}", r.both());
    let v = r.json();
    let e = v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["entry_number"] == "C4500000087")
        .expect("entry");
    assert_eq!(e["court_due"]["date"], "2027-02-11", "{e}");
    assert_eq!(e["court_due"]["urgent"], true, "{e}");
    assert_eq!(e["urgent"], true, "{e}");
    let basis = e["court_due"]["basis"].as_str().expect("basis");
    assert!(
        basis.contains(
            "the earliest reading, 2027-02-01, has passed; the deposit reading gives 2027-02-11"
        ) && basis.contains("counsel must judge whether it holds"),
        "{basis}"
    );
    // The text's court-dates summary keeps it.
    let dir = tempfile::tempdir().expect("tempdir");
    let r = court_readings_plan(dir.path(), "2027-02-02", &[]);
    assert_eq!(r.code, Some(0), "{}", r.both());
    let summary = r
        .stdout
        .split("court dates")
        .nth(1)
        .unwrap_or_else(|| panic!("no court dates summary: {}", r.stdout));
    assert!(summary.contains("2027-02-11"), "{summary}");
}

#[test]
fn a_deposit_before_its_order_says_the_order_is_known_and_the_deposit_reading_is_earlier() {
    // C4500000020: heading 9903.01.25 (EO 14257, 2025-04-02), deposit 2025-03-20.
    let dir = tempfile::tempdir().expect("tempdir");
    let r = court_readings_plan(dir.path(), "2026-12-10", &["--format", "json"]);
    assert_eq!(r.code, Some(0), "{}", r.both());
    let v = r.json();
    let e = v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["entry_number"] == "C4500000020")
        .expect("entry");
    assert_eq!(e["court_due"]["date"], "2027-03-20", "{e}");
    let basis = e["court_due"]["basis"].as_str().expect("basis");
    assert!(!basis.contains("unknown"), "{basis}");
    assert!(
        basis.contains("EO 14257 signed 2025-04-02") && basis.contains("2027-04-02"),
        "{basis}"
    );
    assert!(basis.contains("the earliest reading"), "{basis}");
}

#[test]
fn a_phase3_importers_table_is_read_by_its_headers_and_an_unknown_importer_is_warned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = fixture_of("P033");
    std::fs::copy(fixture_dir().join(&name), dir.path().join(&name)).expect("copy");
    // A table with a header row, an extra column and a name holding a comma.
    std::fs::write(
        dir.path().join("sued.csv"),
        "Importer Number,Importer Name,IOR submitted\n27-184593000,\"Acme, Inc.\",yes\n55-555555500,Beta LLC,no\n",
    )
    .expect("write");
    let r = run(
        dir.path(),
        &[
            "plan",
            &name,
            "--as-of",
            "2026-11-24",
            "--format",
            "json",
            "--out",
            "out",
            "--phase3-importers",
            "sued.csv",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.both());
    assert_eq!(r.json()["entries"][0]["path"], "phase-3", "{}", r.both());
    assert!(
        r.stderr.contains(
            "--phase3-importers: no entry of importer 55-555555500 in the entry data: check the number"
        ),
        "{}",
        r.both()
    );
    assert!(!r.stderr.contains("importer 27-184593000"), "{}", r.both());
    // A mistyped number on the command line: warned, and the entry is not on Phase 3.
    let r = run(
        dir.path(),
        &[
            "plan",
            &name,
            "--as-of",
            "2026-11-24",
            "--format",
            "json",
            "--out",
            "out2",
            "--phase3-importers",
            "27-184593001:yes",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.both());
    assert!(
        r.stderr
            .contains("no entry of importer 27-184593001 in the entry data: check the number"),
        "{}",
        r.both()
    );
    assert_ne!(r.json()["entries"][0]["path"], "phase-3");
}
