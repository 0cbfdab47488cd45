//! End-to-end tests of `capekit triage` and `capekit demo` on the built-in sample: every output
//! (terminal text, JSON, worklist CSV, report HTML, refile upload) is snapshot-tested on the same
//! triage, and the refile file must pass `capekit check`.

use std::path::Path;

use assert_cmd::Command;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/demo");
const AS_OF: &str = "2026-11-24";

fn capekit(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("capekit").expect("binary");
    cmd.current_dir(dir)
        .env("CAPEKIT_LEDGER", dir.join("test-ledger.sqlite3"));
    cmd
}

fn copy_demo(dir: &Path) {
    for f in ["declaration.csv", "claim-details.csv", "corrected.txt"] {
        std::fs::copy(Path::new(DEMO).join(f), dir.join(f)).expect("copy demo file");
    }
}

fn run_triage(dir: &Path, format: &str) -> String {
    copy_demo(dir);
    let out = capekit(dir)
        .args([
            "triage",
            "claim-details.csv",
            "--declaration",
            "declaration.csv",
            "--corrected",
            "corrected.txt",
            "--as-of",
            AS_OF,
            "--out",
            "out",
            "--format",
            format,
        ])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf8")
}

#[test]
fn triage_text_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    insta::assert_snapshot!(run_triage(dir.path(), "text"));
}

#[test]
fn triage_json_output_has_the_documented_shape() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = run_triage(dir.path(), "json");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert!(v["catalog_version"].is_string());
    for c in v["claims"].as_array().expect("claims") {
        for k in ["claim_number", "status", "accepted", "rejected"] {
            assert!(!c[k].is_null(), "claim lacks {k}");
        }
    }
    for e in v["entries"].as_array().expect("entries") {
        for k in [
            "entry_number",
            "claim_number",
            "outcome",
            "message",
            "action",
            "rule",
        ] {
            assert!(e.get(k).is_some(), "entry lacks {k}");
        }
    }
    assert_eq!(
        v["refile_files"],
        serde_json::json!(["out/refile-100000241223-2026-11-24.csv"])
    );
    insta::assert_json_snapshot!(v);
}

#[test]
fn triage_files_worklist_report_and_refile() {
    let dir = tempfile::tempdir().expect("tempdir");
    run_triage(dir.path(), "text");
    let out = dir.path().join("out");
    let worklist = std::fs::read_to_string(out.join("worklist-100000241223-2026-11-24.csv"))
        .expect("worklist");
    insta::assert_snapshot!("worklist_csv", worklist);
    let report =
        std::fs::read_to_string(out.join("report-100000241223-2026-11-24.html")).expect("report");
    assert!(!report.contains("http://") || report.contains("http://www.w3.org/2000/svg"));
    assert!(!report.contains("<script"));
    insta::assert_snapshot!("report_html", report);
    let refile =
        std::fs::read_to_string(out.join("refile-100000241223-2026-11-24.csv")).expect("refile");
    insta::assert_snapshot!("refile_csv", refile.replace("\r\n", "\\r\\n\n"));
    // The refile upload passes the checker, and no accepted entry is on it.
    capekit(dir.path())
        .args(["check", "out/refile-100000241223-2026-11-24.csv"])
        .assert()
        .code(0);
    let claim = std::fs::read_to_string(Path::new(DEMO).join("claim-details.csv")).expect("claim");
    for line in claim
        .lines()
        .filter(|l| l.contains("Entry Summary Updated"))
    {
        let entry = &line[2..13];
        assert!(
            !refile.contains(entry),
            "accepted entry {entry} on the refile"
        );
    }
    // The workbook holds the same rows as the CSV, entry numbers as text.
    let xlsx = std::fs::read(out.join("worklist-100000241223-2026-11-24.xlsx")).expect("xlsx");
    let table = capekit_io::table::read_table(&xlsx).expect("read workbook");
    let csv_rows = worklist.lines().count();
    assert_eq!(table.rows.len(), csv_rows);
}

#[test]
fn inputs_are_never_modified() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_demo(dir.path());
    let before = std::fs::read(dir.path().join("claim-details.csv")).expect("read");
    run_triage(dir.path(), "text");
    assert_eq!(
        std::fs::read(dir.path().join("claim-details.csv")).expect("read"),
        before
    );
    // Output into the folder of the inputs, onto an input's name, is refused.
    std::fs::copy(
        dir.path().join("claim-details.csv"),
        dir.path().join("worklist-100000241223-2026-11-24.csv"),
    )
    .expect("copy");
    let out = capekit(dir.path())
        .args([
            "triage",
            "worklist-100000241223-2026-11-24.csv",
            "--out",
            ".",
            "--as-of",
            AS_OF,
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("input"));
}

#[test]
fn unmappable_claim_file_is_refused_naming_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("x.csv"), "Foo,Bar\r\n1,2\r\n").expect("write");
    let out = capekit(dir.path())
        .args(["triage", "x.csv", "--as-of", AS_OF])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`Foo` (A1), `Bar` (B1)"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn several_claim_files_in_csv_and_xlsx_are_one_triage() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Claim 1 rejects an entry that claim 2 (an XLSX) later accepts: it must not be refiled.
    std::fs::write(
        dir.path().join("c1.csv"),
        "Entry Number,Claim Number,Status,Error Description\r\nB7603245278,1001,Failed,HTS RELATIONSHIP/SEQUENCE MISMATCH\r\nABC12345676,1001,Failed,HTS RELATIONSHIP/SEQUENCE MISMATCH\r\n",
    )
    .expect("write");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "ENTRY_NUMBER",
        "CLAIM_NUMBER",
        "STATUS",
        "ERROR_DESCRIPTION",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).expect("cell");
    }
    ws.write_string(1, 0, "B7603245278").expect("cell");
    ws.write_string(1, 1, "1002").expect("cell");
    ws.write_string(1, 2, "Entry Summary Updated")
        .expect("cell");
    wb.save(dir.path().join("c2.xlsx")).expect("save");
    let out = capekit(dir.path())
        .args([
            "triage", "c1.csv", "c2.xlsx", "--as-of", AS_OF, "--format", "json",
        ])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["claims"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["refile"]["entries"], serde_json::json!(["ABC12345676"]));
}

#[test]
fn demo_runs_and_says_where_the_files_are() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = capekit(dir.path())
        .args(["demo", "--as-of", AS_OF])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert!(
        text.contains("capekit-demo/refile-100000241223-2026-11-24.csv"),
        "{text}"
    );
    assert!(
        text.contains("capekit-demo/report-100000241223-2026-11-24.html"),
        "{text}"
    );
    assert!(
        text.contains("declared 40 = accepted 25 + rejected 14 + missing 1: reconciled"),
        "{text}"
    );
    assert!(
        dir.path()
            .join("capekit-demo/refile-100000241223-2026-11-24.csv")
            .exists()
    );
}

#[test]
fn explain_finds_a_pasted_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = capekit(dir.path())
        .args(["explain", "Entry summary is in final liquidation status."])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert!(text.starts_with("M004 final-liquidation"), "{text}");
    let out = capekit(dir.path())
        .args(["explain", "SOMETHING CBP NEVER SAID"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("review"));
}

#[test]
fn entry_data_refines_protest_and_final_liquidation_advice() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_demo(dir.path());
    // B7644134259 was rejected with PROTEST ON ENTRY, B7644130141 with FINAL LIQUIDATION.
    std::fs::write(
        dir.path().join("es003.csv"),
        "Entry Summary Number,Entry Type Code,Importer Number,Entry Date,HTS Number - Full,Line Tariff Duty Amount,Liquidation Status,Liquidation Date\r\n\
         B7644134259,01,12-3456789AB,06/02/2025,99030125,\"$1,200.00\",Liquidated,10/25/2026\r\n\
         B7644130141,01,12-3456789AB,03/03/2025,99030125,$800.00,Liquidated,08/16/2026\r\n",
    )
    .expect("write");
    let out = capekit(dir.path())
        .args([
            "triage",
            "claim-details.csv",
            "--entries",
            "es003.csv",
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let entry = |n: &str| {
        v["entries"]
            .as_array()
            .and_then(|a| a.iter().find(|e| e["entry_number"] == n))
            .cloned()
            .unwrap_or_default()
    };
    let protest = entry("B7644134259");
    assert_eq!(protest["action"], "correct-then-refile", "{protest}");
    assert!(
        protest["what_to_do"]
            .as_str()
            .unwrap_or("")
            .contains("2027-01-13"),
        "{protest}"
    );
    let final_liq = entry("B7644130141");
    assert_eq!(final_liq["action"], "other-path");
    // Liquidated 2026-08-16: protest due 180 days later, 2027-02-12.
    assert!(
        final_liq["what_to_do"]
            .as_str()
            .unwrap_or("")
            .contains("2027-02-12"),
        "{final_liq}"
    );
    assert_eq!(v["refined"]["with_data"], 2);
}
