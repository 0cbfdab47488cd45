//! End-to-end tests of `capekit plan` on the built-in ES-003 sample (`demo/es003.csv`, 40 entries
//! covering every path, as of 2026-11-24): every output (terminal text, JSON, worklist CSV,
//! report HTML) is snapshot-tested on the same plan, every declaration must pass `capekit check`,
//! and the refusals (no entry column, missing file, output over an input) exit 2.

mod common;

use std::collections::HashSet;
use std::path::Path;

use common::{Run, run};

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/demo/es003.csv");
const AS_OF: &str = "2026-11-24";

fn copy_demo(dir: &Path) {
    let to = dir.join("es003.csv");
    std::fs::copy(DEMO, &to).expect("copy demo file");
    // A fixed file date, so that the plan's "how old is the data" line is the same every day:
    // 2026-11-20 12:00 UTC, four days before AS_OF.
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_795_176_000);
    std::fs::File::options()
        .write(true)
        .open(&to)
        .and_then(|f| f.set_modified(when))
        .expect("set the file date");
}

fn plan(dir: &Path, extra: &[&str]) -> Run {
    copy_demo(dir);
    let mut args = vec!["plan", "es003.csv", "--as-of", AS_OF, "--out", "out"];
    args.extend_from_slice(extra);
    let r = run(dir, &args);
    assert_eq!(r.code, Some(0), "{}", r.both());
    r
}

#[test]
fn plan_text_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = plan(dir.path(), &[]);
    assert!(r.stdout.contains(": reconciled"), "{}", r.stdout);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn plan_json_output_has_the_documented_shape() {
    let dir = tempfile::tempdir().expect("tempdir");
    let v = plan(dir.path(), &["--format", "json"]).json();
    assert_eq!(v["as_of"], AS_OF);
    let entries = v["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 40);
    for e in entries {
        for k in [
            "entry_number",
            "importer_number",
            "path",
            "reasons",
            "ieepa_duty",
            "ieepa_duty_cents",
            "cape_window_closes",
            "psc_due",
            "protest_due",
            "court_due",
            "court_1581i_due",
            "court_1581a_due",
            "urgent",
            "notes",
            "what_to_do",
            "source",
        ] {
            assert!(e.get(k).is_some(), "entry lacks {k}: {e}");
        }
        // Money as an exact decimal string of dollars.
        let duty = e["ieepa_duty"].as_str().expect("string");
        let cents = e["ieepa_duty_cents"].as_i64().expect("cents");
        assert_eq!(duty, format!("{}.{:02}", cents / 100, cents % 100));
        // A cape entry is on a declaration (no --filer) unless the plan doubts it (no importer
        // number, trade control), any other is not.
        assert_eq!(
            e["path"] == "cape" && e["held"].is_null(),
            e["declaration_file"].is_string(),
            "{e}"
        );
    }
    let paths: HashSet<&str> = entries.iter().filter_map(|e| e["path"].as_str()).collect();
    for p in [
        "cape",
        "correct-first",
        "later-phase",
        "protest",
        "court",
        "not-refundable",
        "review",
    ] {
        assert!(paths.contains(p), "the demo covers no {p} entry");
    }
    assert_eq!(
        v["worklist_files"],
        serde_json::json!([
            "out/plan-worklist-260314-38271-and-4-more-e61116-2026-11-24.csv",
            "out/plan-worklist-260314-38271-and-4-more-e61116-2026-11-24.xlsx"
        ])
    );
    assert_eq!(
        v["report"],
        "out/plan-report-260314-38271-and-4-more-e61116-2026-11-24.html"
    );
    let r = &v["reconciliation"];
    assert_eq!(r["holds"], true);
    assert_eq!(
        r["rows_read"].as_u64(),
        r["rows_used"]
            .as_u64()
            .zip(r["rows_dropped"].as_u64())
            .map(|(a, b)| a + b)
    );
    assert!(
        v["diagnostics"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["code"] == "R013")),
        "{}",
        v["diagnostics"]
    );
    insta::assert_json_snapshot!(v);
}

#[test]
fn plan_files_worklist_report_and_declarations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let v = plan(dir.path(), &["--format", "json"]).json();
    let out = dir.path().join("out");
    let worklist = std::fs::read_to_string(
        out.join("plan-worklist-260314-38271-and-4-more-e61116-2026-11-24.csv"),
    )
    .expect("worklist");
    insta::assert_snapshot!("plan_worklist_csv", worklist);
    let report = std::fs::read_to_string(
        out.join("plan-report-260314-38271-and-4-more-e61116-2026-11-24.html"),
    )
    .expect("report");
    assert!(!report.contains("http://") || report.contains("http://www.w3.org/2000/svg"));
    assert!(!report.contains("<script"));
    insta::assert_snapshot!("plan_report_html", report);

    let files: Vec<&str> = v["declaration_files"]
        .as_array()
        .expect("declaration files")
        .iter()
        .filter_map(|f| f.as_str())
        .collect();
    assert_eq!(
        files,
        vec![
            "out/declaration-260314-38271-2026-11-24.csv",
            "out/declaration-27-184593000-2026-11-24.csv",
            "out/declaration-45-302118700-B76-2026-11-24.csv",
            "out/declaration-45-302118700-M27-2026-11-24.csv",
            "out/declaration-91-660247100-2026-11-24.csv",
        ]
    );
    let mut declared = HashSet::new();
    for f in &files {
        let r = run(dir.path(), &["check", f]);
        assert_eq!(r.code, Some(0), "{f} fails the check:\n{}", r.both());
        let text = std::fs::read_to_string(dir.path().join(f)).expect("declaration");
        assert!(text.starts_with("Entry Number\r\n"), "{text}");
        for line in text.lines().skip(1) {
            assert!(
                declared.insert(line.to_owned()),
                "{line} on two declarations"
            );
        }
    }
    // Every cape entry the plan does not doubt is on exactly one declaration; no worklist entry
    // is on one, and the doubted ones (no importer number, trade control) are on the worklist.
    let mut held = 0;
    for e in v["entries"].as_array().expect("entries") {
        let n = e["entry_number"].as_str().expect("number");
        let declarable = e["path"] == "cape" && e["held"].is_null();
        held += usize::from(e["path"] == "cape" && !e["held"].is_null());
        assert_eq!(declarable, declared.contains(n), "{n}");
        assert_eq!(declarable, !worklist.contains(n), "{n}");
    }
    assert_eq!(
        held, 2,
        "the demo has one entry without importer and one in trade control"
    );
    // The urgent entries come first in their declaration.
    let urgent_first = std::fs::read_to_string(out.join("declaration-27-184593000-2026-11-24.csv"))
        .expect("declaration");
    let first = urgent_first.lines().nth(1).expect("an entry");
    let entry = v["entries"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["entry_number"] == first))
        .expect("listed");
    assert_eq!(entry["urgent"], true, "{first} first but not urgent");
    // The workbook holds the same rows as the CSV, entry numbers as text.
    let xlsx =
        std::fs::read(out.join("plan-worklist-260314-38271-and-4-more-e61116-2026-11-24.xlsx"))
            .expect("xlsx");
    let table = capekit_io::table::read_table(&xlsx).expect("read workbook");
    assert_eq!(table.rows.len(), worklist.lines().count());
}

#[test]
fn filer_keeps_other_filers_entries_off_the_declarations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = plan(dir.path(), &["--filer", "b76", "--format", "json"]);
    let v = r.json();
    assert_eq!(v["filer"], "B76");
    let files: Vec<&str> = v["declaration_files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f.as_str())
        .collect();
    // Split by importer only: with --filer every declared entry bears the same filer code.
    assert_eq!(
        files,
        vec![
            "out/declaration-27-184593000-2026-11-24.csv",
            "out/declaration-45-302118700-2026-11-24.csv",
        ]
    );
    for f in &files {
        let r = run(dir.path(), &["check", f, "--filer", "B76"]);
        assert_eq!(r.code, Some(0), "{f}:\n{}", r.both());
    }
    let worklist = std::fs::read_to_string(
        dir.path()
            .join("out/plan-worklist-260314-38271-and-4-more-e61116-2026-11-24.csv"),
    )
    .expect("worklist");
    let mut others = 0;
    for e in v["entries"].as_array().expect("entries") {
        if e["path"] != "cape" || !e["held"].is_null() {
            continue;
        }
        let n = e["entry_number"].as_str().expect("number");
        if n.starts_with("B76") {
            assert!(e["declaration_file"].is_string(), "{n}");
        } else {
            others += 1;
            assert_eq!(e["other_filer"], &n[..3]);
            assert!(e["declaration_file"].is_null(), "{n}");
            let row = worklist
                .lines()
                .find(|l| l.starts_with(n))
                .unwrap_or_else(|| panic!("{n} not on the worklist"));
            assert!(
                row.contains(&format!("ACE account of filer {}", &n[..3])),
                "{row}"
            );
        }
    }
    // Ten entries of other filers; one of them (31618800200, trade control) is held for its own reason.
    assert_eq!(others, 9);
    // The text output says why, and that the rule is unconfirmed.
    let dir = tempfile::tempdir().expect("tempdir");
    let text = plan(dir.path(), &["--filer", "B76"]).stdout;
    assert!(
        text.contains("not declared: 10 cape entries of other filers"),
        "{text}"
    );
    assert!(text.contains("unconfirmed"), "{text}");
}

#[test]
fn a_bad_filer_code_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_demo(dir.path());
    let r = run(dir.path(), &["plan", "es003.csv", "--filer", "B7"]);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(r.stderr.contains("not a filer code"), "{}", r.both());
}

#[test]
fn a_file_without_entry_column_exits_2_naming_its_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("x.csv"),
        "Importer,Amount\r\n12-345678900,$1.00\r\n",
    )
    .expect("write");
    let r = run(dir.path(), &["plan", "x.csv", "--as-of", AS_OF]);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(
        r.stderr.contains("`Importer` (A1), `Amount` (B1)"),
        "{}",
        r.both()
    );
    assert!(r.stderr.contains("Entry Summary Number"), "{}", r.both());
    assert!(r.stdout.is_empty(), "{}", r.both());
    assert!(!dir.path().join("capekit-plan").exists());
}

#[test]
fn a_missing_file_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_demo(dir.path());
    let r = run(
        dir.path(),
        &["plan", "es003.csv", "nope.csv", "--as-of", AS_OF],
    );
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(r.stderr.contains("nope.csv"), "{}", r.both());
    assert!(!dir.path().join("capekit-plan").exists());
}

#[test]
fn output_over_an_input_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_demo(dir.path());
    std::fs::copy(
        DEMO,
        dir.path()
            .join("plan-worklist-260314-38271-and-4-more-e61116-2026-11-24.csv"),
    )
    .expect("copy");
    let before = std::fs::read(
        dir.path()
            .join("plan-worklist-260314-38271-and-4-more-e61116-2026-11-24.csv"),
    )
    .expect("read");
    let r = run(
        dir.path(),
        &[
            "plan",
            "plan-worklist-260314-38271-and-4-more-e61116-2026-11-24.csv",
            "--out",
            ".",
            "--as-of",
            AS_OF,
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(r.stderr.contains("input"), "{}", r.both());
    assert_eq!(
        std::fs::read(
            dir.path()
                .join("plan-worklist-260314-38271-and-4-more-e61116-2026-11-24.csv")
        )
        .expect("read"),
        before
    );
}

#[test]
fn several_files_are_one_plan_and_a_repeated_entry_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_demo(dir.path());
    // An entry list: one entry of the ES-003 again, and one new entry it alone knows, which,
    // without liquidation columns, goes to review (P011).
    let repeated = "B7644100219";
    let new = capekit_core::EntryNumber::from_parts("B76", 4_419_999)
        .expect("number")
        .to_string();
    std::fs::write(
        dir.path().join("list.csv"),
        format!("Entry Number\r\n{new}\r\n{repeated}\r\n"),
    )
    .expect("write");
    let r = run(
        dir.path(),
        &[
            "plan",
            "es003.csv",
            "list.csv",
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.both());
    let v = r.json();
    let entries = v["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 41);
    let added = entries
        .iter()
        .find(|e| e["entry_number"] == new.as_str())
        .expect("new entry");
    assert_eq!(added["path"], "review");
    assert_eq!(added["reasons"][0], "P011");
    assert_eq!(added["source"], "list.csv:2");
    let kept = entries
        .iter()
        .find(|e| e["entry_number"] == repeated)
        .expect("repeated entry");
    assert_eq!(kept["source"], "es003.csv:2", "the first file wins");
    let dup = v["diagnostics"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["code"] == "R011"))
        .expect("R011 finding");
    assert_eq!(dup["file"], "list.csv");
    let msg = dup["message"].as_str().expect("message");
    assert!(msg.contains("es003.csv (line 2)"), "{msg}");
    let rec = &v["reconciliation"];
    assert_eq!(rec["holds"], true);
    assert_eq!(rec["entries_read"], 42);
    assert_eq!(rec["in_earlier_file"], 1);
    let text = run(
        dir.path(),
        &[
            "plan",
            "es003.csv",
            "list.csv",
            "--as-of",
            AS_OF,
            "--out",
            "o2",
        ],
    )
    .stdout;
    assert!(
        text.contains("entries read 42 = planned 41 + already in an earlier file 1"),
        "{text}"
    );
    assert!(text.contains("R011 entry-in-two-files (1)"), "{text}");
}

/// The demo's CSV rows written into a workbook, as a user's Excel export would hold them:
/// numbers as numbers, dates as dates.
fn demo_as_xlsx() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let csv = std::fs::read(DEMO).expect("demo");
    let table = capekit_io::table::read_table(&csv).expect("demo table");
    let mut wb = Workbook::new();
    let date_format = Format::new().set_num_format("mm/dd/yyyy");
    let ws = wb.add_worksheet();
    for (r, rec) in table.rows.iter().enumerate() {
        for (c, v) in rec.fields.iter().enumerate() {
            let v = v.as_str();
            let (row, col) = (r as u32, c as u16);
            let date: Vec<u16> = v.split('/').filter_map(|p| p.parse().ok()).collect();
            if r > 0 && date.len() == 3 && v.len() == 10 {
                let d =
                    ExcelDateTime::from_ymd(date[2], date[0] as u8, date[1] as u8).expect("date");
                ws.write_datetime_with_format(row, col, d, &date_format)
                    .expect("cell");
            } else if r > 0 && c == 8 && !v.is_empty() {
                // HTS numbers come as numbers from Excel.
                ws.write_number(row, col, v.parse::<f64>().expect("hts"))
                    .expect("cell");
            } else {
                ws.write_string(row, col, v).expect("cell");
            }
        }
    }
    wb.save_to_buffer().expect("xlsx")
}

#[test]
fn an_xlsx_es003_gives_the_same_plan() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_demo(dir.path());
    std::fs::write(dir.path().join("es003.xlsx"), demo_as_xlsx()).expect("write");
    let from_csv = run(
        dir.path(),
        &[
            "plan",
            "es003.csv",
            "--as-of",
            AS_OF,
            "--out",
            "a",
            "--format",
            "json",
        ],
    );
    let from_xlsx = run(
        dir.path(),
        &[
            "plan",
            "es003.xlsx",
            "--as-of",
            AS_OF,
            "--out",
            "b",
            "--format",
            "json",
        ],
    );
    assert_eq!(from_xlsx.code, Some(0), "{}", from_xlsx.both());
    let (a, b) = (from_csv.json(), from_xlsx.json());
    let key = |v: &serde_json::Value| -> Vec<(String, String, String)> {
        v["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .map(|e| {
                (
                    e["entry_number"].to_string(),
                    e["path"].to_string(),
                    e["ieepa_duty"].to_string(),
                )
            })
            .collect()
    };
    assert_eq!(key(&a), key(&b));
    assert_eq!(b["reconciliation"]["holds"], true);
    assert_eq!(
        std::fs::read(dir.path().join("a/declaration-27-184593000-2026-11-24.csv")).expect("a"),
        std::fs::read(dir.path().join("b/declaration-27-184593000-2026-11-24.csv")).expect("b"),
    );
}

#[test]
fn explain_finds_path_and_reader_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = run(dir.path(), &["explain", "P013"]);
    assert_eq!(r.code, Some(0), "{}", r.both());
    assert!(
        r.stdout.starts_with("P013 liquidated-past-protest-period"),
        "{}",
        r.stdout
    );
    let r = run(dir.path(), &["explain", "r011"]);
    assert_eq!(r.code, Some(0), "{}", r.both());
    assert!(r.stdout.contains("capekit plan"), "{}", r.stdout);
    let list = run(dir.path(), &["explain", "--list"]).stdout;
    assert!(list.contains("P019 cape-window-closing"), "{list}");
    assert!(
        list.contains("R001 entry-data-unreadable-entry-number"),
        "{list}"
    );
}

#[test]
fn one_declaration_puts_every_importer_on_one_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let v = plan(dir.path(), &["--one-declaration", "--format", "json"]).json();
    let files: Vec<&str> = v["declaration_files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f.as_str())
        .collect();
    // Importers together; filer codes still apart, so that each file suits a broker's account
    // (which may declare only entries bearing its filer code) as well as an importer's.
    assert_eq!(
        files,
        vec![
            "out/declaration-all-importers-316-2026-11-24.csv",
            "out/declaration-all-importers-B76-2026-11-24.csv",
            "out/declaration-all-importers-M27-2026-11-24.csv"
        ]
    );
    let declared = v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["declaration_file"].is_string())
        .count();
    // The same 18 entries the per-importer split declares, on one file.
    assert_eq!(declared, 18);
    for f in files {
        let r = run(dir.path(), &["check", f]);
        assert_eq!(r.code, Some(0), "{}", r.both());
    }
}

#[test]
fn an_entry_without_importer_number_is_never_declared() {
    let dir = tempfile::tempdir().expect("tempdir");
    let v = plan(dir.path(), &["--format", "json"]).json();
    let entries = v["entries"].as_array().expect("entries");
    let no_importer: Vec<&serde_json::Value> = entries
        .iter()
        .filter(|e| e["path"] == "cape" && e["importer_number"].is_null())
        .collect();
    assert_eq!(no_importer.len(), 1);
    assert!(no_importer[0]["declaration_file"].is_null());
    assert!(
        no_importer[0]["held"]
            .as_str()
            .is_some_and(|h| h.contains("no importer number"))
    );
}

#[test]
fn plan_says_how_old_its_data_is_and_warns_past_30_days() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = plan(dir.path(), &[]).stdout;
    assert!(
        text.contains("entry data of es003.csv: dated 2026-11-20 (the file's date; the export date is not in the file), 4 days before the as-of date\n"),
        "{text}"
    );
    let r = run(
        dir.path(),
        &[
            "plan",
            "es003.csv",
            "--as-of",
            "2026-12-21",
            "--out",
            "late",
            "--format",
            "json",
        ],
    );
    let v = r.json();
    assert_eq!(v["data_age"][0]["days_old"], 31);
    assert_eq!(v["data_age"][0]["stale"], true);
    let r = run(
        dir.path(),
        &[
            "plan",
            "es003.csv",
            "--as-of",
            "2026-12-20",
            "--out",
            "late2",
        ],
    );
    assert!(
        !r.stdout.contains("WARNING: older than 30 days"),
        "{}",
        r.stdout
    );
    let r = run(
        dir.path(),
        &[
            "plan",
            "es003.csv",
            "--as-of",
            "2026-12-21",
            "--out",
            "late3",
        ],
    );
    assert!(
        r.stdout.contains("WARNING: older than 30 days"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_claim_details_or_a_refund_report_given_to_plan_is_refused_by_what_it_is() {
    // Read as an entry list, every entry of a Claim Details would be planned without its data
    // and the claim's answer left unread.
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(
        d.join("claim.csv"),
        "ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\nB7644100003,100000241302,Rejected,INVALID HTS\r\n",
    )
    .expect("write");
    std::fs::write(
        d.join("rev615.csv"),
        "Entry Number,Importer Number,Refund Principal Amount,Refund Interest Amount,Refund Status\r\nB7644100003,12-3456789AB,$350.00,$0.00,Treasury Issued\r\n",
    )
    .expect("write");
    for (file, goes_to) in [
        ("claim.csv", "capekit triage"),
        ("rev615.csv", "capekit refunds"),
    ] {
        let r = run(
            d,
            &[
                "--no-ledger",
                "plan",
                file,
                "--as-of",
                AS_OF,
                "--out",
                "out",
            ],
        );
        assert_eq!(r.code, Some(2), "{}", r.both());
        assert!(
            r.stderr.contains(goes_to) && r.stderr.contains("nothing was planned"),
            "{}",
            r.both()
        );
        assert!(!d.join("out").exists(), "nothing written");
    }
}

#[test]
fn placeholder_importer_numbers_never_reach_a_declaration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = "R014-placeholder-importer-number.csv";
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/reader")
            .join(name),
        dir.path().join(name),
    )
    .expect("copy");
    let r = run(
        dir.path(),
        &[
            "plan",
            name,
            "--as-of",
            "2026-12-10",
            "--out",
            "out",
            "--no-ledger",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.both());
    let mut declarations: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .expect("out")
        .filter_map(|f| f.ok()?.file_name().into_string().ok())
        .filter(|f| f.starts_with("declaration-"))
        .collect();
    declarations.sort();
    // Only the real importer's one entry that CBP would take; none named after a placeholder.
    assert_eq!(
        declarations,
        ["declaration-22-222222200-2026-12-10.csv"],
        "{}",
        r.both()
    );
    // Every placeholder entry is on the worklist, held for want of an importer number.
    let worklist = std::fs::read_dir(dir.path().join("out"))
        .expect("out")
        .filter_map(|f| f.ok())
        .find(|f| {
            let n = f.file_name().to_string_lossy().into_owned();
            n.starts_with("plan-worklist-") && n.ends_with(".csv")
        })
        .expect("worklist");
    let worklist = std::fs::read_to_string(worklist.path()).expect("read");
    for n in [
        "B7630001009",
        "B7630001017",
        "B7630001025",
        "B7630001033",
        "B7630001041",
        "B7630001058",
        "B7630001066",
        "B7630001074",
        "B7630001082",
    ] {
        let line = worklist
            .lines()
            .find(|l| l.starts_with(n))
            .unwrap_or_else(|| panic!("{n} not on the worklist"));
        assert!(line.contains(",cape,"), "{line}");
    }
    assert!(r.stdout.contains("R014"), "{}", r.stdout);
}
