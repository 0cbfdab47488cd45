//! `capekit plan` and the ledger together: the entry data a plan reads is recorded (once per
//! file), `ledger status` and `ledger entry` show it with its deadlines, the duplicate guard keeps
//! accepted and pending entries off the plan's declarations, and `ledger import` recognises an
//! ES-003 by its content.
//!
//! Every run names its ledger with `CAPEKIT_LEDGER` inside a temporary folder (or runs with
//! `--no-ledger`): no test ever touches the real user ledger.

mod common;

use std::path::{Path, PathBuf};

use common::{Run, run_with_ledger, upload_csv};

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/demo");
const AS_OF: &str = "2026-11-24";
/// Cape entries of the demo ES-003, all of importer 27-184593000.
const CAPE_A: &str = "B7644100219";
const CAPE_B: &str = "B7644100391";
/// A cape entry whose CAPE window closes within 14 days of `AS_OF`.
const CAPE_URGENT: &str = "B7644100888";
const IMPORTER: &str = "27-184593000";

/// A scratch folder holding the demo ES-003 and the demo claim, and a ledger path inside it.
fn scratch() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    for f in ["es003.csv", "claim-details.csv"] {
        std::fs::copy(Path::new(DEMO).join(f), dir.path().join(f)).expect("copy demo file");
    }
    let ledger = dir.path().join("ledger/ledger.sqlite3");
    (dir, ledger)
}

fn ok(r: Run) -> Run {
    assert_eq!(r.code, Some(0), "{}", r.both());
    r
}

/// `capekit plan es003.csv` as of [`AS_OF`] into `out`, with `extra` arguments.
fn plan(dir: &Path, ledger: &Path, out: &str, extra: &[&str]) -> Run {
    let mut args = vec!["plan", "es003.csv", "--as-of", AS_OF, "--out", out];
    args.extend_from_slice(extra);
    ok(run_with_ledger(dir, ledger, &args))
}

/// The plan's JSON entry for `number`.
fn entry<'a>(plan: &'a serde_json::Value, number: &str) -> &'a serde_json::Value {
    plan["entries"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["entry_number"] == number))
        .unwrap_or_else(|| panic!("{number} not in the plan"))
}

fn declaration_of(dir: &Path, out: &str) -> String {
    std::fs::read_to_string(
        dir.join(out)
            .join(format!("declaration-{IMPORTER}-{AS_OF}.csv")),
    )
    .expect("the importer's declaration")
}

#[test]
fn plan_records_entry_data_and_status_shows_importers_and_deadlines() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    let first = plan(d, &ledger, "out", &[]);
    assert!(
        first
            .stderr
            .contains("es003.csv: entry data of 40 entries recorded"),
        "{}",
        first.both()
    );
    assert!(
        first
            .stderr
            .contains("declarations written are not recorded"),
        "{}",
        first.both()
    );

    let status = ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "status", "--as-of", AS_OF, "--format", "json"],
    ))
    .json();
    assert_eq!(status["files"]["entry-data"], 1);
    assert_eq!(status["entries"]["total"], 40);
    assert_eq!(
        status["entries"]["unknown"], 40,
        "entry data alone declares nothing: no entry is pending"
    );
    let importers = status["importers"].as_array().expect("importers");
    let names: Vec<&str> = importers
        .iter()
        .filter_map(|i| i["importer"].as_str())
        .collect();
    assert_eq!(
        names,
        vec!["260314-38271", IMPORTER, "45-302118700", "91-660247100"]
    );
    // One entry has no importer number in the file.
    let per_importer: u64 = importers
        .iter()
        .filter_map(|i| i["entries"]["total"].as_u64())
        .sum();
    assert_eq!(per_importer, 39);
    let deadlines = status["deadlines"].as_array().expect("deadlines");
    assert!(!deadlines.is_empty());
    let dates: Vec<&str> = deadlines
        .iter()
        .filter_map(|x| x["date"].as_str())
        .collect();
    assert!(
        dates.iter().all(|x| *x >= AS_OF),
        "passed deadlines are not listed: {dates:?}"
    );
    assert!(dates.is_sorted(), "soonest first: {dates:?}");
    assert_eq!(status["deadlines_from"], AS_OF);

    let text = ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "status", "--as-of", AS_OF],
    ))
    .stdout;
    assert!(
        text.contains("importers (from the entry data recorded):"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{IMPORTER:<16} 14 entries")),
        "{text}"
    );
    assert!(
        text.contains(&format!("nearest deadlines from {AS_OF}")),
        "{text}"
    );
    assert!(text.contains("CAPE window closes"), "{text}");
    assert!(text.contains("days left"), "{text}");

    // The entry's timeline holds its data and deadlines.
    let view = ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "entry", CAPE_URGENT, "--format", "json"],
    ))
    .json();
    assert_eq!(view["state"]["state"], "unknown");
    let event = &view["timeline"][0];
    assert_eq!(event["kind"], "entry-data");
    assert_eq!(event["file"], "es003.csv");
    assert_eq!(event["data"]["path"], "cape");
    assert_eq!(event["data"]["importer_number"], IMPORTER);
    assert!(event["data"]["cape_window_closes"].is_string(), "{view}");
    let text = ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "entry", CAPE_URGENT],
    ))
    .stdout;
    assert!(text.contains("only its entry data is known"), "{text}");
    assert!(text.contains("entry data read"), "{text}");
    assert!(text.contains("es003.csv  path cape"), "{text}");
    assert!(text.contains("CAPE window closes 2026-12-"), "{text}");
}

#[test]
fn plan_again_on_the_same_file_changes_nothing_and_writes_the_same_declarations() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    plan(d, &ledger, "out1", &[]);
    let second = plan(d, &ledger, "out2", &[]);
    assert!(
        second.stderr.contains("es003.csv: already recorded on"),
        "{}",
        second.both()
    );
    assert!(
        second.stderr.contains("nothing changed"),
        "{}",
        second.both()
    );
    // The declarations of the first run were not recorded as pending: the same files again.
    let names = |out: &str| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d.join(out))
            .expect("out")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("declaration-"))
            .collect();
        v.sort();
        v
    };
    // Five importers' declarations; the demo's entry without an importer number is never put
    // on an upload.
    assert_eq!(names("out1").len(), 5);
    assert_eq!(names("out1"), names("out2"));
    for n in names("out1") {
        assert_eq!(
            std::fs::read(d.join("out1").join(&n)).expect("first"),
            std::fs::read(d.join("out2").join(&n)).expect("second"),
            "{n} differs"
        );
    }
    let status = ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "status", "--format", "json"],
    ))
    .json();
    assert_eq!(status["files"]["entry-data"], 1);
    assert_eq!(status["entries"]["pending"], 0);
    let verify = ok(run_with_ledger(d, &ledger, &["ledger", "verify"]));
    assert!(verify.stdout.contains("sound"), "{}", verify.stdout);

    // With --no-ledger, nothing is asked or recorded.
    let (dir, ledger) = scratch();
    let r = plan(dir.path(), &ledger, "out", &["--no-ledger"]);
    assert!(!r.stderr.contains("ledger"), "{}", r.both());
    assert!(!ledger.exists());
}

#[test]
fn an_entry_accepted_on_an_earlier_claim_stays_off_plans_declarations() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    std::fs::write(
        d.join("claim.csv"),
        format!(
            "ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\n=\"{CAPE_A}\",=\"100000300001\",Entry Summary Updated,\r\n=\"{CAPE_URGENT}\",=\"100000300001\",Entry Summary Updated,\r\n"
        ),
    )
    .expect("claim file");
    ok(run_with_ledger(
        d,
        &ledger,
        &["triage", "claim.csv", "--as-of", AS_OF, "--out", "triaged"],
    ));
    let r = plan(d, &ledger, "out", &["--format", "json"]);
    let v = r.json();
    for n in [CAPE_A, CAPE_URGENT] {
        let e = entry(&v, n);
        assert_eq!(
            e["path"], "cape",
            "the path is the entry's; the ledger only keeps it off"
        );
        assert!(e["declaration_file"].is_null(), "{e}");
        assert_eq!(e["ledger"]["state"], "accepted");
        assert_eq!(e["ledger"]["claim"], "100000300001");
        let what = e["what_to_do"].as_str().expect("what to do");
        assert!(
            what.starts_with(
                "accepted on claim 100000300001, as the ledger records: never declare it again"
            ),
            "{what}"
        );
        // Nothing left to do: not urgent, however close its window.
        assert_eq!(e["urgent"], false, "{e}");
    }
    assert!(
        entry(&v, CAPE_B)["ledger"].is_null(),
        "absent when the ledger knows nothing"
    );
    let declaration = declaration_of(d, "out");
    assert!(!declaration.contains(CAPE_A), "{declaration}");
    assert!(!declaration.contains(CAPE_URGENT), "{declaration}");
    assert!(declaration.contains(CAPE_B), "{declaration}");
    assert!(
        v["declaration_files"]
            .as_array()
            .expect("files")
            .iter()
            .filter_map(|f| f.as_str())
            .all(|f| {
                let text = std::fs::read_to_string(d.join(f)).expect("declaration");
                !text.contains(CAPE_A) && !text.contains(CAPE_URGENT)
            }),
        "on no declaration at all"
    );
    let worklist = std::fs::read_to_string(
        d.join("out/plan-worklist-260314-38271-and-4-more-e61116-2026-11-24.csv"),
    )
    .expect("worklist");
    let row = worklist
        .lines()
        .find(|l| l.starts_with(CAPE_A))
        .unwrap_or_else(|| panic!("{CAPE_A} not on the worklist:\n{worklist}"));
    assert!(
        row.contains(
            "accepted on claim 100000300001, as the ledger records: never declare it again"
        ),
        "{row}"
    );
    assert_eq!(v["reconciliation"]["holds"], true);

    let text = plan(d, &ledger, "out-text", &[]).stdout;
    assert!(
        text.contains("not declared: 2 cape entries the ledger knows"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "  {CAPE_A}  accepted on claim 100000300001: never declare it again"
        )),
        "{text}"
    );
}

#[test]
fn a_pending_entry_stays_off_plans_declarations() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    std::fs::write(d.join("uploaded.csv"), upload_csv(&[CAPE_B])).expect("declaration");
    let imported = ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "uploaded", "uploaded.csv"],
    ));
    assert!(
        imported
            .stdout
            .contains("uploaded.csv: new -> uploaded: its 1 entry is pending"),
        "{}",
        imported.both()
    );
    let v = plan(d, &ledger, "out", &["--format", "json"]).json();
    let e = entry(&v, CAPE_B);
    assert!(e["declaration_file"].is_null(), "{e}");
    assert_eq!(e["ledger"]["state"], "pending");
    assert_eq!(e["ledger"]["declaration"], "uploaded.csv");
    let what = e["what_to_do"].as_str().expect("what to do");
    assert!(what.starts_with("still pending on uploaded.csv"), "{what}");
    assert!(what.contains("do not resubmit"), "{what}");
    let declaration = declaration_of(d, "out");
    assert!(!declaration.contains(CAPE_B), "{declaration}");
    assert!(declaration.contains(CAPE_A), "{declaration}");
    let worklist = std::fs::read_to_string(
        d.join("out/plan-worklist-260314-38271-and-4-more-e61116-2026-11-24.csv"),
    )
    .expect("worklist");
    assert!(
        worklist
            .lines()
            .any(|l| l.starts_with(CAPE_B) && l.contains("do not resubmit")),
        "{worklist}"
    );
    let report = std::fs::read_to_string(
        d.join("out/plan-report-260314-38271-and-4-more-e61116-2026-11-24.html"),
    )
    .expect("report");
    assert!(
        report.contains("1 cape entry the ledger knows are on the worklist"),
        "{report}"
    );

    // The guard is the ledger's: without it, the entry is declared.
    let off = plan(d, &ledger, "off", &["--no-ledger"]);
    assert!(
        off.stdout.contains("declarations to upload"),
        "{}",
        off.both()
    );
    assert!(declaration_of(d, "off").contains(CAPE_B));
}

#[test]
fn ledger_import_recognises_es003_and_a_second_import_changes_nothing() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    let first = ok(run_with_ledger(
        d,
        &ledger,
        &[
            "ledger",
            "import",
            "es003.csv",
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ],
    ))
    .json();
    assert_eq!(first["as_of"], AS_OF);
    let f = &first["files"][0];
    assert_eq!(f["kind"], "entry-data");
    assert_eq!(f["outcome"], "imported");
    assert_eq!(f["entries"], 40);
    // The demo's report-total footer is named, not taken for an entry.
    assert!(
        first["diagnostics"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["code"] == "R013")),
        "{}",
        first["diagnostics"]
    );

    let again = ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "import", "es003.csv", "--as-of", AS_OF],
    ));
    assert!(
        again
            .stdout
            .contains("es003.csv: already in the ledger since"),
        "{}",
        again.both()
    );
    let status = ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "status", "--format", "json"],
    ))
    .json();
    assert_eq!(status["files"]["entry-data"], 1);
    assert_eq!(status["entries"]["total"], 40);
    // Paths decided as of --as-of: the urgent entry is still a cape entry then.
    let view = ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "entry", CAPE_URGENT, "--format", "json"],
    ))
    .json();
    assert_eq!(view["timeline"][0]["data"]["path"], "cape");

    // An entry list with a data column is entry data; a bare list of entries is a declaration.
    std::fs::write(
        d.join("list.csv"),
        format!("Entry Number,Importer Number\r\n{CAPE_A},{IMPORTER}\r\n"),
    )
    .expect("list");
    std::fs::write(d.join("bare.csv"), upload_csv(&[CAPE_B])).expect("bare");
    let both = ok(run_with_ledger(
        d,
        &ledger,
        &[
            "ledger", "import", "list.csv", "bare.csv", "--format", "json",
        ],
    ))
    .json();
    let kinds: Vec<(&str, &str)> = both["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| Some((f["file"].as_str()?, f["kind"].as_str()?)))
        .collect();
    assert_eq!(
        kinds,
        vec![("bare.csv", "declaration"), ("list.csv", "entry-data")]
    );

    // --as-of reaches the triage of claim files too.
    let claim = ok(run_with_ledger(
        d,
        &ledger,
        &[
            "ledger",
            "import",
            "claim-details.csv",
            "--as-of",
            "2026-06-01",
        ],
    ));
    assert!(
        claim.stdout.contains("claim rows recorded"),
        "{}",
        claim.both()
    );
    let view = ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "entry", "B7644100003", "--format", "json"],
    ))
    .json();
    assert_eq!(view["timeline"][0]["as_of"], "2026-06-01");
}

/// A protest due in 10 days on the demo (liquidated 2026-06-07).
const PROTEST_SOON: &str = "31618800796";

#[test]
fn a_recorded_protest_stops_its_deadline_alarming_in_plan_and_status() {
    let (dir, ledger) = scratch();
    let before = plan(dir.path(), &ledger, "out", &["--format", "json"]).json();
    let e = entry(&before, PROTEST_SOON);
    assert_eq!(e["urgent"], true, "{e}");
    assert_eq!(e["urgent_deadline"]["kind"], "protest");
    let status = |as_of: &str| {
        ok(run_with_ledger(
            dir.path(),
            &ledger,
            &["ledger", "status", "--as-of", as_of, "--format", "json"],
        ))
        .json()
    };
    let s = status(AS_OF);
    let row = |s: &serde_json::Value, n: &str| {
        s["deadlines"]
            .as_array()
            .and_then(|a| a.iter().find(|d| d["entry"] == n).cloned())
    };
    let d = row(&s, PROTEST_SOON).expect("listed");
    assert_eq!(
        (d["kind"].as_str(), d["urgent"].as_bool()),
        (Some("protest"), Some(true))
    );
    // Court deadlines are in the ledger too, and urgent within 60 days.
    let later = status("2026-12-15");
    assert!(
        later["deadlines"].as_array().is_some_and(|a| a
            .iter()
            .any(|d| d["kind"] == "court-1581i" && d["urgent"] == true)),
        "{later}"
    );

    let r = ok(run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "ledger",
            "acted",
            "316-1880079-6",
            "--protest",
            "270426100999",
            "--date",
            "2026-11-23",
        ],
    ));
    assert!(r.stdout.contains("protest filed"), "{}", r.both());
    let after = plan(dir.path(), &ledger, "out2", &["--format", "json"]).json();
    let e = entry(&after, PROTEST_SOON);
    assert_eq!(e["urgent"], false, "{e}");
    assert!(e["notes"].to_string().contains("270426100999"), "{e}");
    let d = row(&status(AS_OF), PROTEST_SOON);
    assert!(d.as_ref().is_none_or(|d| d["kind"] != "protest"), "{d:?}");
}

/// What `ledger acted` records shows where the entry's story is told: its timeline (`ledger
/// entry`) and the export; and `--phase3` never takes the entry number that follows it for its
/// reference.
#[test]
fn acts_show_in_the_entrys_timeline_and_the_export_and_phase3_takes_no_entry_for_reference() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    plan(d, &ledger, "out", &[]);
    ok(run_with_ledger(
        d,
        &ledger,
        &[
            "ledger",
            "acted",
            "--suit",
            "27-00123",
            "--date",
            "2026-11-23",
            PROTEST_SOON,
        ],
    ));
    // The entry after `--phase3` is an entry, not the reference.
    let r = ok(run_with_ledger(
        d,
        &ledger,
        &[
            "ledger",
            "acted",
            "--phase3",
            PROTEST_SOON,
            "--date",
            "2026-11-23",
        ],
    ));
    assert!(r.stdout.contains("Phase 3 for 1 entry"), "{}", r.both());
    let t = ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "entry", PROTEST_SOON],
    ));
    assert!(
        t.stdout.contains("acted on")
            && t.stdout.contains("suit filed (27-00123) on 2026-11-23")
            && t.stdout
                .contains("submitted through CAPE Phase 3 on 2026-11-23"),
        "{}",
        t.both()
    );
    ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "export", "--out", "export.csv"],
    ));
    let csv = std::fs::read_to_string(d.join("export.csv")).expect("export");
    assert!(
        csv.lines()
            .next()
            .is_some_and(|h| h.ends_with(",court_due,acted")),
        "{csv}"
    );
    let row = csv
        .lines()
        .find(|l| l.starts_with(PROTEST_SOON))
        .expect("the entry's row");
    assert!(row.contains("suit filed (27-00123) on 2026-11-23"), "{row}");
}

#[test]
fn after_a_recorded_protest_every_output_gives_the_same_advice_and_none_says_file_a_protest() {
    let (dir, ledger) = scratch();
    plan(dir.path(), &ledger, "out", &[]);
    ok(run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "ledger",
            "acted",
            PROTEST_SOON,
            "--protest",
            "270426100999",
            "--date",
            "2026-11-23",
        ],
    ));
    let v = plan(dir.path(), &ledger, "out2", &["--format", "json"]).json();
    let e = entry(&v, PROTEST_SOON);
    let advice = e["what_to_do"].as_str().expect("advice").to_owned();
    assert!(
        advice.starts_with("protest 270426100999 filed 2026-11-23: watch for CBP's decision"),
        "{advice}"
    );
    assert!(advice.contains("within 180 days of the denial (28 USC 2636(a))"));
    assert_eq!(e["urgent"], false);
    assert!(
        e["deadlines_that_matter"]
            .as_array()
            .is_some_and(|k| !k.iter().any(|k| k == "protest")),
        "{e}"
    );
    let out = dir.path().join("out2");
    // Worklist CSV and XLSX: the same advice on the entry's row.
    let csv = std::fs::read_to_string(
        out.join("plan-worklist-260314-38271-and-4-more-e61116-2026-11-24.csv"),
    )
    .expect("worklist");
    let row = csv
        .lines()
        .find(|l| l.starts_with(PROTEST_SOON))
        .expect("row");
    assert!(row.contains(&advice), "{row}");
    assert!(!row.contains("File a protest"), "{row}");
    let xlsx =
        std::fs::read(out.join("plan-worklist-260314-38271-and-4-more-e61116-2026-11-24.xlsx"))
            .expect("xlsx");
    let table = capekit_io::table::read_table(&xlsx).expect("read xlsx");
    let cells = table
        .rows
        .iter()
        .find(|r| r.fields.first().map(String::as_str) == Some(PROTEST_SOON))
        .expect("xlsx row");
    assert!(
        cells.fields.iter().any(|c| c == &advice),
        "{:?}",
        cells.fields
    );
    // The report page.
    let report = std::fs::read_to_string(
        out.join("plan-report-260314-38271-and-4-more-e61116-2026-11-24.html"),
    )
    .expect("report");
    let html_advice = advice.replace('\'', "&#39;");
    assert!(report.contains(&html_advice), "report lacks the advice");
    // The protest packet no longer lists it: its protest is filed.
    let packets: Vec<String> = v["packet_files"]
        .as_array()
        .expect("packets")
        .iter()
        .filter_map(|p| p.as_str().map(str::to_owned))
        .collect();
    for p in packets.iter().filter(|p| p.contains("protest-")) {
        let bytes = std::fs::read(dir.path().join(p)).expect("packet");
        let t = capekit_io::table::read_table(&bytes).expect("packet table");
        assert!(
            !t.rows
                .iter()
                .any(|r| r.fields.iter().any(|c| c == PROTEST_SOON)),
            "{p} still lists the filed protest"
        );
    }
}

#[test]
fn ledger_acted_refuses_a_future_date_or_one_before_the_entry_and_warns_a_late_one() {
    let (dir, ledger) = scratch();
    plan(dir.path(), &ledger, "out", &[]);
    let acted = |date: &str| {
        run_with_ledger(
            dir.path(),
            &ledger,
            &[
                "ledger",
                "acted",
                "31618800879",
                "--protest",
                "270426100777",
                "--date",
                date,
            ],
        )
    };
    // Far in the future, whatever day the test runs.
    let r = acted("2099-01-01");
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(r.stderr.contains("is after today"), "{}", r.both());
    assert!(r.stderr.contains("nothing was recorded"), "{}", r.both());
    // Before the entry date (2025-03-04 on the demo).
    let r = acted("2025-03-01");
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(
        r.stderr
            .contains("before the entry's date of entry 2025-03-04"),
        "{}",
        r.both()
    );
    let v = plan(dir.path(), &ledger, "out2", &["--format", "json"]).json();
    assert!(
        !entry(&v, "31618800879")
            .to_string()
            .contains("270426100777"),
        "refused acts are not recorded"
    );
    // After the protest due date (2026-09-15): recorded, with a warning naming it.
    let r = acted("2026-11-20");
    assert_eq!(r.code, Some(0), "{}", r.both());
    assert!(
        r.stderr.contains(
            "2026-11-20 is 66 days after the protest due 2026-09-15: the protest may be late"
        ),
        "{}",
        r.both()
    );
}

#[test]
fn phase3_importers_are_remembered_per_importer() {
    let (dir, ledger) = scratch();
    // The demo's court entries belong to 91-660247100 and 27-184593000.
    let v = plan(
        dir.path(),
        &ledger,
        "out",
        &["--format", "json", "--phase3-importers", "91-660247100:yes"],
    )
    .json();
    let phase3 = |v: &serde_json::Value| {
        v["entries"]
            .as_array()
            .map_or(0, |a| a.iter().filter(|e| e["path"] == "phase-3").count())
    };
    assert_eq!(phase3(&v), 1);
    // The next plan, without the option, remembers.
    let v = plan(dir.path(), &ledger, "out2", &["--format", "json"]).json();
    assert_eq!(phase3(&v), 1);
    let v = plan(
        dir.path(),
        &ledger,
        "out3",
        &["--format", "json", "--phase3-importers", "91-660247100:no"],
    )
    .json();
    assert_eq!(phase3(&v), 0);
}

#[test]
fn an_urgent_entry_pending_on_an_upload_says_both_with_the_declaration_and_its_age() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    std::fs::write(d.join("uploaded.csv"), upload_csv(&[CAPE_URGENT])).expect("declaration");
    ok(run_with_ledger(
        d,
        &ledger,
        &[
            "ledger",
            "uploaded",
            "uploaded.csv",
            "--at",
            "2026-11-20T12:00:00Z",
        ],
    ));
    let v = plan(d, &ledger, "out", &["--format", "json"]).json();
    let what = entry(&v, CAPE_URGENT)["what_to_do"]
        .as_str()
        .expect("what to do")
        .to_owned();
    assert!(
        what.starts_with("urgent and still pending on uploaded.csv"),
        "{what}"
    );
    assert!(what.contains("uploaded 4 days before 2026-11-24"), "{what}");
    assert!(
        what.contains("look for that declaration's claim number in ACE"),
        "{what}"
    );
}

#[test]
fn plan_keeps_off_its_declarations_an_entry_rejected_with_more_to_do_than_a_refile() {
    // A triage recorded a claim: INVALID HTS (correct first), UNABLE TO CALCULATE DUTY (refile),
    // ENTRY SUMMARY UPDATED with a date appended (review), and an acceptance. The plan of the
    // same entries declares only the refile and the entry never claimed; the others are on the
    // worklist with the claim's answer.
    let dir = tempfile::tempdir().expect("tempdir");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/plan");
    for f in ["rejected-claim.csv", "rejected-es003.csv"] {
        std::fs::copy(fixtures.join(f), dir.path().join(f)).expect("copy fixture");
    }
    let ledger = dir.path().join("ledger.sqlite3");
    ok(run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "triage",
            "rejected-claim.csv",
            "--as-of",
            AS_OF,
            "--out",
            "t",
        ],
    ));
    // The refile the triage wrote is a draft; discard it so that the plan may declare its entry.
    ok(run_with_ledger(
        dir.path(),
        &ledger,
        &["ledger", "discard", "t/refile-100000241302-2026-11-24.csv"],
    ));
    let r = ok(run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "plan",
            "rejected-es003.csv",
            "--as-of",
            AS_OF,
            "--out",
            "p",
            "--format",
            "json",
        ],
    ));
    let v = r.json();
    let declared = declaration_of(dir.path(), "p");
    assert_eq!(
        declared, "Entry Number\r\nB7644101373\r\nB7644105481\r\n",
        "{declared}"
    );
    let hts = entry(&v, "B7644100003")["what_to_do"]
        .as_str()
        .expect("text");
    assert!(
        hts.contains("rejected on claim 100000241302 with `INVALID HTS`")
            && hts.contains("is refused once the entry is on a declaration"),
        "{hts}"
    );
    let updated = entry(&v, "B7644102744")["what_to_do"]
        .as_str()
        .expect("text");
    assert!(updated.contains("(review)"), "{updated}");
    let accepted = entry(&v, "B7644104112")["what_to_do"]
        .as_str()
        .expect("text");
    assert!(accepted.contains("never declare it again"), "{accepted}");
}

/// Entries of the demo ES-003 on other paths than CAPE: a protest (liquidated 2026-08-31) and
/// the court (liquidated 2026-05-08).
const PROTEST: &str = "B7644101530";
const COURT: &str = "B7644101795";

#[test]
fn an_entry_the_ledger_knows_accepted_is_pursued_on_no_path() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    // A claim accepted both: CAPE is refunding them.
    std::fs::write(
        d.join("claim-a.csv"),
        format!(
            "Claim Number,Entry Number,Entry Status,Message\r\n300000000001,{PROTEST},Accepted,ENTRY SUMMARY UPDATED\r\n300000000001,{COURT},Accepted,ENTRY SUMMARY UPDATED\r\n"
        ),
    )
    .expect("write");
    ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "import", "claim-a.csv"],
    ));

    // The plan tells no one to protest or sue for them.
    let json = plan(d, &ledger, "out", &["--format", "json"]).json();
    for number in [PROTEST, COURT] {
        let e = entry(&json, number);
        let what = e["what_to_do"].as_str().expect("what to do");
        assert!(
            what.contains("accepted on claim 300000000001") && !what.contains("protest within"),
            "{number}: {what}"
        );
        assert_eq!(e["urgent"], false, "{number}");
    }
    // No protest or court packet holds them.
    for f in std::fs::read_dir(d.join("out")).expect("out") {
        let path = f.expect("file").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_owned();
        if !(name.starts_with("protest-") || name.starts_with("court-")) {
            continue;
        }
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).expect("packet");
        for sheet in calamine::Reader::sheet_names(&book) {
            let range = calamine::Reader::worksheet_range(&mut book, &sheet).expect("sheet");
            for cell in range.used_cells() {
                let text = cell.2.to_string();
                assert!(text != PROTEST && text != COURT, "{name} holds {text}");
            }
        }
    }

    // A later claim that rejects one with FINAL LIQUIDATION asks nothing of it either: accepted
    // on any claim wins.
    std::fs::write(
        d.join("claim-b.csv"),
        format!(
            "Claim Number,Entry Number,Entry Status,Message\r\n300000000002,{PROTEST},Rejected,ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS\r\n"
        ),
    )
    .expect("write");
    ok(run_with_ledger(
        d,
        &ledger,
        &["triage", "claim-b.csv", "--as-of", AS_OF, "--out", "tri"],
    ));
    let worklist =
        std::fs::read_to_string(d.join(format!("tri/worklist-300000000002-{AS_OF}.csv")))
            .expect("worklist");
    let row = worklist
        .lines()
        .find(|l| l.starts_with(PROTEST))
        .unwrap_or_else(|| panic!("{PROTEST} not on the worklist: {worklist}"));
    assert!(
        row.contains(",none,")
            && row.contains("accepted on claim 300000000001, as the ledger records:"),
        "{row}"
    );
}

#[test]
fn an_upload_of_an_accepted_entry_is_recorded_with_a_warning() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    std::fs::write(
        d.join("claim-a.csv"),
        format!(
            "Claim Number,Entry Number,Entry Status,Message\r\n300000000001,{CAPE_A},Accepted,ENTRY SUMMARY UPDATED\r\n"
        ),
    )
    .expect("write");
    ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "import", "claim-a.csv"],
    ));
    std::fs::write(d.join("again.csv"), upload_csv(&[CAPE_A, CAPE_B])).expect("write");
    let run = ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "uploaded", "again.csv"],
    ));
    assert!(
        run.stderr
            .contains("warning: again.csv holds 1 entry the ledger knows as accepted")
            && run
                .stderr
                .contains(&format!("first {CAPE_A}, accepted on claim 300000000001")),
        "{}",
        run.both()
    );
    // Recorded all the same: the user did upload it.
    assert!(run.stdout.contains("uploaded"), "{}", run.stdout);
}

#[test]
fn a_declaration_marked_uploaded_by_its_number_warns_of_its_accepted_entries_too() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    std::fs::write(
        d.join("claim-a.csv"),
        format!(
            "Claim Number,Entry Number,Entry Status,Message\r\n300000000001,{CAPE_A},Accepted,ENTRY SUMMARY UPDATED\r\n"
        ),
    )
    .expect("write");
    std::fs::write(d.join("draft.csv"), upload_csv(&[CAPE_A, CAPE_B])).expect("write");
    // The claim first, the draft later: imported together, the claim would answer it.
    ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "import", "claim-a.csv"],
    ));
    ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "import", "draft.csv"],
    ));
    let run = ok(run_with_ledger(d, &ledger, &["ledger", "uploaded", "#1"]));
    assert!(
        run.stderr
            .contains("warning: #1 holds 1 entry the ledger knows as accepted")
            && run.stdout.contains("-> uploaded"),
        "{}",
        run.both()
    );
}

#[test]
fn refile_names_the_entries_waiting_to_retry_with_their_deadline() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    // Its entry data first: the CAPE window of the entry is known (closes within 14 days).
    ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "import", "es003.csv"],
    ));
    std::fs::write(
        d.join("claim-h.csv"),
        format!(
            "Claim Number,Entry Number,Entry Status,Message\r\n300000000003,{CAPE_URGENT},Rejected,CAPE HIGH VOLUMES\r\n"
        ),
    )
    .expect("write");
    ok(run_with_ledger(
        d,
        &ledger,
        &["triage", "claim-h.csv", "--as-of", AS_OF, "--out", "tri"],
    ));
    let run = ok(run_with_ledger(
        d,
        &ledger,
        &["refile", "--as-of", AS_OF, "--out", "re"],
    ));
    assert!(
        run.stdout.contains("waiting to retry: 1 entry")
            && run.stdout.contains(CAPE_URGENT)
            && run.stdout.contains("CAPE window closes")
            && run.stdout.contains("refile --corrected FILE"),
        "{}",
        run.both()
    );
}

/// The same entry once its CAPE window has closed (2026-12-08): a retry would be refused, so
/// `refile` no longer says it waits for one, and names its path instead.
#[test]
fn refile_never_says_to_retry_an_entry_whose_window_has_closed() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "import", "es003.csv"],
    ));
    std::fs::write(
        d.join("claim-h.csv"),
        format!(
            "Claim Number,Entry Number,Entry Status,Message\r\n300000000003,{CAPE_URGENT},Rejected,CAPE HIGH VOLUMES\r\n"
        ),
    )
    .expect("write");
    ok(run_with_ledger(
        d,
        &ledger,
        &["triage", "claim-h.csv", "--as-of", AS_OF, "--out", "tri"],
    ));
    let run = ok(run_with_ledger(
        d,
        &ledger,
        &["refile", "--as-of", "2026-12-10", "--out", "re"],
    ));
    assert!(
        !run.stdout.contains("waiting to retry")
            && run
                .stdout
                .contains(&format!("no longer to retry: {CAPE_URGENT}"))
            && run.stdout.contains("window closed on 2026-12-08")
            && run.stdout.contains("file a protest"),
        "{}",
        run.both()
    );
}

#[test]
fn status_lists_a_rejected_entry_at_the_deadline_its_rejection_makes_matter() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    // An unliquidated cape entry (entered 2026-02-02): no CAPE window yet, so its path gives it
    // no deadline; rejected INVALID HTS, its PSC date is what matters now.
    let entry = "B7644100474";
    ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "import", "es003.csv"],
    ));
    std::fs::write(
        d.join("claim-p.csv"),
        format!(
            "Claim Number,Entry Number,Entry Status,Message\r\n300000000004,{entry},Rejected,INVALID HTS\r\n"
        ),
    )
    .expect("write");
    ok(run_with_ledger(
        d,
        &ledger,
        &["triage", "claim-p.csv", "--as-of", AS_OF, "--out", "tri"],
    ));
    let worklist =
        std::fs::read_to_string(d.join(format!("tri/worklist-300000000004-{AS_OF}.csv")))
            .expect("worklist");
    assert!(worklist.contains("PSC due"), "{worklist}");
    let status = ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "status", "--as-of", AS_OF, "--format", "json"],
    ))
    .json();
    let listed = status["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .find(|x| x["entry"] == entry)
        .unwrap_or_else(|| panic!("{entry} not among the deadlines: {status}"));
    assert_eq!(listed["kind"], "psc", "{listed}");
    assert_eq!(listed["urgent"], true, "{listed}");
    assert_eq!(listed["state"], "rejected", "{listed}");
    // A plan of the same export makes it urgent by that PSC date as well.
    let json = plan(d, &ledger, "out", &["--format", "json"]).json();
    let e = self::entry(&json, entry);
    assert_eq!(e["urgent"], true, "{e}");
    assert_eq!(e["urgent_deadline"]["kind"], "psc", "{e}");
}

#[test]
fn a_recorded_declaration_given_as_the_corrected_list_is_said_to_be_one() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    plan(d, &ledger, "out", &[]);
    let decl = format!("out/declaration-{IMPORTER}-{AS_OF}.csv");
    ok(run_with_ledger(d, &ledger, &["ledger", "uploaded", &decl]));
    let run = run_with_ledger(
        d,
        &ledger,
        &[
            "refile",
            "--corrected",
            &decl,
            "--as-of",
            AS_OF,
            "--out",
            "re",
        ],
    );
    assert!(matches!(run.code, Some(0 | 1)), "{}", run.both());
    assert!(
        run.stderr.contains("has the bytes of declaration #")
            && run
                .stderr
                .contains("every entry on it is taken as corrected"),
        "{}",
        run.both()
    );
}

#[test]
fn ledger_import_records_a_rejection_with_the_action_triage_gives_it() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    // Liquidated 2026-10-15 with an open protest: CAPE's window is still open (to 2027-01-03),
    // so PROTEST ON ENTRY is judged by these dates, not by the message alone.
    let entry = "B7644101613";
    std::fs::write(
        d.join("claim-q.csv"),
        format!(
            "Claim Number,Entry Number,Entry Status,Message\r\n300000000005,{entry},Rejected,PROTEST ON ENTRY\r\n"
        ),
    )
    .expect("write");
    let triaged = d.join("triaged.sqlite3");
    ok(run_with_ledger(
        d,
        &triaged,
        &["ledger", "import", "es003.csv"],
    ));
    ok(run_with_ledger(
        d,
        &triaged,
        &["triage", "claim-q.csv", "--as-of", AS_OF, "--out", "tri"],
    ));
    // The same claim imported, with the entry data in the ledger, and with it in the same import.
    ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "import", "es003.csv"],
    ));
    ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "import", "claim-q.csv", "--as-of", AS_OF],
    ));
    let together = d.join("together.sqlite3");
    ok(run_with_ledger(
        d,
        &together,
        &[
            "ledger",
            "import",
            "es003.csv",
            "claim-q.csv",
            "--as-of",
            AS_OF,
        ],
    ));
    let action = |l: &Path| {
        let text = ok(run_with_ledger(d, l, &["ledger", "entry", entry])).stdout;
        let line = text.lines().next().unwrap_or("").to_owned();
        line.split(" - ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("no action in {text}"))
    };
    let by_triage = action(&triaged);
    assert_ne!(by_triage, "other-path", "the dates were not used");
    assert_eq!(action(&ledger), by_triage);
    assert_eq!(action(&together), by_triage);
}

#[test]
fn claims_triaged_together_answer_each_its_own_upload() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    std::fs::write(d.join("decl-a.csv"), upload_csv(&[CAPE_A])).expect("write");
    std::fs::write(d.join("decl-b.csv"), upload_csv(&[CAPE_B])).expect("write");
    ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "uploaded", "decl-a.csv"],
    ));
    ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "uploaded", "decl-b.csv"],
    ));
    std::fs::write(
        d.join("claim-a.csv"),
        format!("Claim Number,Entry Number,Entry Status,Message\r\n300000000021,{CAPE_A},Accepted,ENTRY SUMMARY UPDATED\r\n"),
    )
    .expect("write");
    std::fs::write(
        d.join("claim-b.csv"),
        format!("Claim Number,Entry Number,Entry Status,Message\r\n300000000022,{CAPE_B},Accepted,ENTRY SUMMARY UPDATED\r\n"),
    )
    .expect("write");
    // Given one declaration with both claims: each claim answers the upload its entries are on.
    ok(run_with_ledger(
        d,
        &ledger,
        &[
            "triage",
            "claim-a.csv",
            "claim-b.csv",
            "--declaration",
            "decl-a.csv",
            "--as-of",
            AS_OF,
            "--out",
            "tri",
        ],
    ));
    let list = ok(run_with_ledger(d, &ledger, &["ledger", "declarations"])).stdout;
    let line = |name: &str| {
        list.lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} not listed: {list}"))
            .to_owned()
    };
    assert!(line("decl-a.csv").contains("claim 300000000021"), "{list}");
    assert!(line("decl-b.csv").contains("claim 300000000022"), "{list}");
}

#[test]
fn check_as_json_names_the_ledger_in_the_commands_it_suggests() {
    // Followed as printed, `capekit fix` would act on the default ledger, not this one.
    let (dir, ledger) = scratch();
    let d = dir.path();
    std::fs::write(
        d.join("upload.csv"),
        format!("Entry Number\r\n{CAPE_A}\r\n\r\n{CAPE_B}\r\n"),
    )
    .expect("write");
    let named = ledger.display().to_string();
    let run = run_with_ledger(
        d,
        &ledger,
        &[
            "--ledger",
            &named,
            "check",
            "upload.csv",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let messages: Vec<&str> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["message"].as_str())
        .filter(|m| m.contains("`capekit "))
        .collect();
    assert!(!messages.is_empty(), "{}", run.stdout);
    for m in messages {
        assert!(m.contains("`capekit --ledger "), "{m}");
    }
}

#[test]
fn ledger_status_keeps_a_cape_entrys_protest_date_once_its_window_has_closed() {
    // Liquidated 2026-10-01: the CAPE window closes 2026-12-20, the protest is due 2027-03-30.
    // From 2026-12-21 the protest is what remains, and status must still name it.
    let (dir, ledger) = scratch();
    let d = dir.path();
    std::fs::write(
        d.join("es003.csv"),
        "Entry Summary Number,Entry Type Code,Importer Number,Entry Date,Entry Summary Date,HTS Number - Full,Line Tariff Duty Amount,Liquidation Status,Liquidation Date\r\n\
B7600001112,01,12-3456789AB,2025-04-10,2025-04-15,9903.01.25,\"1,000.00\",Liquidated,2026-10-01\r\n",
    )
    .expect("write");
    ok(run_with_ledger(
        d,
        &ledger,
        &["plan", "es003.csv", "--as-of", "2026-11-24", "--out", "out"],
    ));
    let before = ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "status", "--as-of", "2026-12-20"],
    ));
    assert!(before.stdout.contains("2026-12-20"), "{}", before.stdout);
    let after = ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "status", "--as-of", "2026-12-21"],
    ));
    assert!(
        after.stdout.contains("B7600001112") && after.stdout.contains("2027-03-30"),
        "{}",
        after.stdout
    );
}

#[test]
fn the_plans_cape_row_says_when_its_entries_are_kept_off_the_declarations() {
    // "Declare it in CAPE now" over an entry accepted already would read as an instruction.
    let (dir, ledger) = scratch();
    let d = dir.path();
    std::fs::write(
        d.join("claim.csv"),
        "Claim Number,Entry Number,Entry Status,Message\r\n300000000001,B7600001112,Accepted,ENTRY SUMMARY UPDATED\r\n",
    )
    .expect("write");
    ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "import", "claim.csv"],
    ));
    std::fs::write(
        d.join("es003.csv"),
        "Entry Summary Number,Entry Type Code,Importer Number,Entry Date,Entry Summary Date,HTS Number - Full,Line Tariff Duty Amount,Liquidation Status,Liquidation Date\r\n\
B7600001112,01,12-3456789AB,2025-04-10,2025-04-15,9903.01.25,\"1,000.00\",Liquidated,2026-10-01\r\n",
    )
    .expect("write");
    let run = ok(run_with_ledger(
        d,
        &ledger,
        &["plan", "es003.csv", "--as-of", "2026-11-24", "--out", "out"],
    ));
    let row = run
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("cape "))
        .unwrap_or_else(|| panic!("no cape row: {}", run.stdout));
    assert!(
        row.contains("It is kept off the declarations: see below."),
        "{row}"
    );
}

/// `ledger status` lists a date shared by many entries of one importer as one deadline, marks
/// the urgent ones in words, and says when it lists only the nearest.
#[test]
fn status_groups_a_shared_deadline_marks_urgency_and_says_what_it_left_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/plan/status-flood.csv"),
        d.join("es003.csv"),
    )
    .expect("copy fixture");
    let ledger = d.join("ledger.sqlite3");
    ok(run_with_ledger(
        d,
        &ledger,
        &["plan", "es003.csv", "--out", "out", "--as-of", "2026-12-10"],
    ));
    let text = ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "status", "--as-of", "2026-12-10"],
    ))
    .stdout;
    let court: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("2027-04-02") && l.contains("importer 22-222222200"))
        .collect();
    assert_eq!(court.len(), 1, "one line for the shared date:\n{text}");
    assert!(
        court[0].contains("entries of importer 22-222222200"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("URGENT") && l.contains("10 days left")),
        "{text}"
    );
    let v = ok(run_with_ledger(
        d,
        &ledger,
        &[
            "ledger",
            "status",
            "--as-of",
            "2026-12-10",
            "--format",
            "json",
        ],
    ))
    .json();
    let listed = v["deadlines"].as_array().expect("deadlines").len();
    let total = v["deadlines_total"].as_u64().expect("total") as usize;
    assert!(total >= listed, "{v}");
    if total > listed {
        assert!(text.contains("nearest deadlines"), "{text}");
    }
}

/// A scratch folder holding the court-readings ES-003 (tests/fixtures/path/regress), and a
/// ledger path inside it.
fn court_scratch() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = "court-readings.csv";
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/path/regress")
            .join(name),
        dir.path().join(name),
    )
    .expect("copy fixture");
    let ledger = dir.path().join("ledger/ledger.sqlite3");
    (dir, ledger)
}

fn court_plan(dir: &Path, ledger: &Path, out: &str, as_of: &str) -> serde_json::Value {
    ok(run_with_ledger(
        dir,
        ledger,
        &[
            "plan",
            "court-readings.csv",
            "--as-of",
            as_of,
            "--out",
            out,
            "--format",
            "json",
        ],
    ))
    .json()
}

#[test]
fn a_recorded_protest_takes_the_entry_off_the_cape_path() {
    // C4500000400: liquidated 2026-09-26, CAPE window open until 2026-12-15.
    let (dir, ledger) = court_scratch();
    let v = court_plan(dir.path(), &ledger, "out", "2026-12-01");
    assert_eq!(entry(&v, "C4500000400")["path"], "cape");
    ok(run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "ledger",
            "acted",
            "--protest",
            "270426100777",
            "--date",
            "2026-11-30",
            "C4500000400",
        ],
    ));
    let v = court_plan(dir.path(), &ledger, "out2", "2026-12-01");
    let e = entry(&v, "C4500000400");
    assert_eq!(e["path"], "protest", "{e}");
    assert_eq!(e["reasons"][0], "P008", "{e}");
    let notes = e["notes"].to_string();
    assert!(notes.contains("PROTEST ON ENTRY"), "{notes}");
    // 10 business days left: the withdrawal stays possible.
    assert!(
        notes.contains("if protest 270426100777 covers only IEEPA duty, it can be withdrawn"),
        "{notes}"
    );
    assert!(e["declaration_file"].is_null(), "{e}");
}

#[test]
fn a_phase3_submission_keeps_the_court_date_and_is_warned_outside_phase3_importers() {
    // C4500000087: on the court path, 2027-02-01 53 days from 2026-12-10; no Phase 3 importer.
    let (dir, ledger) = court_scratch();
    court_plan(dir.path(), &ledger, "out", "2026-12-10");
    let r = ok(run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "ledger",
            "acted",
            "--phase3",
            "--date",
            "2026-12-02",
            "C4500000087",
        ],
    ));
    assert!(
        r.stderr.contains(
            "C4500000087: the ledger does not know its importer 12-345678900 as a Phase 3 importer"
        ),
        "{}",
        r.both()
    );
    assert!(r.stdout.contains("stays in view"), "{}", r.both());
    let v = court_plan(dir.path(), &ledger, "out2", "2026-12-10");
    let e = entry(&v, "C4500000087");
    assert_eq!(e["urgent"], true, "{e}");
    assert!(
        e["deadlines_that_matter"]
            .as_array()
            .is_some_and(|k| k.iter().any(|k| k == "court-1581i")),
        "{e}"
    );
    assert!(!e["notes"].to_string().contains("no longer alarms"), "{e}");
    let status = ok(run_with_ledger(
        dir.path(),
        &ledger,
        &["ledger", "status", "--as-of", "2026-12-10"],
    ));
    assert!(status.stdout.contains("C4500000087"), "{}", status.both());
    // An entry the ledger does not know: recorded, and warned.
    let r = ok(run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "ledger",
            "acted",
            "--suit",
            "1",
            "--date",
            "2026-12-02",
            "B7644100003",
        ],
    ));
    assert!(
        r.stderr.contains("the ledger has no data for B7644100003")
            && r.stderr.contains("import its ES-003"),
        "{}",
        r.both()
    );
}

/// Once the court date a plan recorded (the earliest reading, 2027-02-01) has passed, `ledger
/// status` lists the reading still ahead (the deposit's, 2027-02-11), urgent, from the entry's
/// data: it dropped the entry as passed while its last chance ran.
#[test]
fn status_lists_the_next_court_reading_once_the_recorded_one_passed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/path/regress/court-readings.csv"),
        d.join("es003.csv"),
    )
    .expect("copy fixture");
    let ledger = d.join("ledger.sqlite3");
    ok(run_with_ledger(
        d,
        &ledger,
        &["plan", "es003.csv", "--out", "out", "--as-of", "2026-12-10"],
    ));
    let v = ok(run_with_ledger(
        d,
        &ledger,
        &[
            "ledger",
            "status",
            "--as-of",
            "2027-02-02",
            "--format",
            "json",
        ],
    ))
    .json();
    let row = v["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .find(|x| x["entry"] == "C4500000087")
        .cloned()
        .unwrap_or_else(|| panic!("listed: {v}"));
    assert_eq!(row["date"], "2027-02-11", "{row}");
    assert_eq!(row["urgent"], true, "{row}");
}

/// A protest recorded after the plan takes the entry off the CAPE path in `ledger status` as
/// in the next plan: status no longer says its CAPE window closes (declaring it would be
/// refused: PROTEST ON ENTRY).
#[test]
fn status_follows_a_protest_recorded_after_the_plan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/path/regress/court-readings.csv"),
        d.join("es003.csv"),
    )
    .expect("copy fixture");
    let ledger = d.join("ledger.sqlite3");
    ok(run_with_ledger(
        d,
        &ledger,
        &["plan", "es003.csv", "--out", "out", "--as-of", "2026-12-10"],
    ));
    let window = |v: &serde_json::Value| {
        v["deadlines"]
            .as_array()
            .expect("deadlines")
            .iter()
            .any(|x| x["entry"] == "C4500000400" && x["kind"] == "cape-window")
    };
    let status = || {
        ok(run_with_ledger(
            d,
            &ledger,
            &[
                "ledger",
                "status",
                "--as-of",
                "2026-12-10",
                "--format",
                "json",
            ],
        ))
        .json()
    };
    assert!(window(&status()), "before the protest");
    ok(run_with_ledger(
        d,
        &ledger,
        &[
            "ledger",
            "acted",
            "--protest",
            "270426100777",
            "--date",
            "2026-12-02",
            "C4500000400",
        ],
    ));
    let after = status();
    assert!(!window(&after), "{after}");
}

/// A reconciliation-flagged entry (type 01, after 2026-06-29) is `review` until the user says
/// no type 09 was filed; `--corrected` is that word for `refile` as it is for `triage`: the
/// entry goes on the refile, where `refile` used to refuse it by the action its triage recorded.
#[test]
fn refile_corrected_takes_a_reconciliation_rejection_as_triage_does() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/refile-recon");
    let dir = tempfile::tempdir().expect("tempdir");
    for f in ["claim.csv", "decl.csv", "es003.csv", "corrected.txt"] {
        std::fs::copy(src.join(f), dir.path().join(f)).expect("copy fixture");
    }
    let ledger = dir.path().join("ledger.sqlite3");
    let as_of = ["--as-of", "2026-12-04"];
    let t = run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "triage",
            "claim.csv",
            "--declaration",
            "decl.csv",
            "--entries",
            "es003.csv",
            "--out",
            "t",
            as_of[0],
            as_of[1],
        ],
    );
    assert_eq!(t.code, Some(0), "{}", t.both());
    assert!(t.stdout.contains("review"), "{}", t.stdout);
    let r = run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "refile",
            "--out",
            "rf",
            "--corrected",
            "corrected.txt",
            as_of[0],
            as_of[1],
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.both());
    let written: Vec<_> = std::fs::read_dir(dir.path().join("rf"))
        .expect("rf")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("refile"))
        .collect();
    assert_eq!(written.len(), 1, "{}", r.both());
    let body = std::fs::read_to_string(written[0].path()).expect("read");
    assert!(body.contains("XK733000086"), "{body}");
}

/// A triage's draft holds two entries whose CAPE windows close 2026-12-04 and 2026-12-05. Days
/// later, `refile` and `ledger status` must not say "upload it": CAPE judges a declaration on
/// the day CBP processes it, so the draft is to be discarded, each entry with its route left.
/// Inside both windows the draft is shown as before.
#[test]
fn a_draft_whose_entries_passed_their_cape_window_is_not_offered_for_upload() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/draft-past-window");
    let dir = tempfile::tempdir().expect("tempdir");
    for f in ["claim.csv", "es003.csv"] {
        std::fs::copy(src.join(f), dir.path().join(f)).expect("copy fixture");
    }
    let ledger = dir.path().join("ledger.sqlite3");
    let t = run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "triage",
            "claim.csv",
            "--entries",
            "es003.csv",
            "--out",
            "d1",
            "--as-of",
            "2026-12-04",
        ],
    );
    assert!(t.stdout.contains("refile-"), "{}", t.both());
    let inside = run_with_ledger(
        dir.path(),
        &ledger,
        &["ledger", "status", "--as-of", "2026-12-04"],
    );
    assert!(
        !inside.stdout.contains("CAPE will refuse"),
        "{}",
        inside.both()
    );
    for args in [
        &["refile", "--out", "r10", "--as-of", "2026-12-10"][..],
        &["ledger", "status", "--as-of", "2026-12-10"][..],
    ] {
        let r = run_with_ledger(dir.path(), &ledger, args);
        let out = &r.stdout;
        assert!(
            out.contains("2 entries CAPE will refuse as of 2026-12-10"),
            "{args:?}: {}",
            r.both()
        );
        assert!(out.contains("ledger discard '#1'"), "{args:?}: {out}");
        assert!(!out.contains("upload it and run"), "{args:?}: {out}");
        for (entry, closed) in [("WR872000018", "2026-12-04"), ("WR872000083", "2026-12-05")] {
            let line = out
                .lines()
                .find(|l| l.trim_start().starts_with(entry) && l.contains("CAPE window closed"))
                .unwrap_or_else(|| panic!("{args:?}: no line for {entry}: {out}"));
            assert!(line.contains(closed), "{line}");
            assert!(line.contains("protest due"), "{line}");
        }
    }
}

/// `ledger entry` on an entry of a draft whose CAPE window has closed since (liquidated
/// 2026-09-01, the window closed 2026-11-20, before any day these tests run): the draft cannot
/// file it; the line says so, and the route left, instead of "upload it".
#[test]
fn ledger_entry_says_a_drafted_entry_past_its_window_cannot_be_filed_by_its_draft() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/draft-past-window");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(src.join("claim.csv"), dir.path().join("claim.csv")).expect("copy fixture");
    std::fs::copy(
        src.join("es003-liquidated-earlier.csv"),
        dir.path().join("es003.csv"),
    )
    .expect("copy fixture");
    let ledger = dir.path().join("ledger.sqlite3");
    let t = run_with_ledger(
        dir.path(),
        &ledger,
        &[
            "triage",
            "claim.csv",
            "--entries",
            "es003.csv",
            "--out",
            "d1",
            "--as-of",
            "2026-11-19",
        ],
    );
    assert!(t.stdout.contains("refile-"), "{}", t.both());
    let e = run_with_ledger(dir.path(), &ledger, &["ledger", "entry", "WR872000018"]);
    let first = e.stdout.lines().next().unwrap_or_default();
    assert!(first.contains("on the draft"), "{}", e.both());
    assert!(first.contains("CAPE window closed 2026-11-20"), "{first}");
    assert!(first.contains("ledger discard '#1'"), "{first}");
    assert!(first.contains("protest due"), "{first}");
    assert!(!first.contains("upload it"), "{first}");
}
