//! After acceptance, through the binary: refund reports imported into the ledger, and
//! `capekit refunds` reconciling what each importer is owed with what CBP refunded.

mod common;

use std::path::Path;

use common::{Run, run_with_ledger};

const IMPORTER: &str = "12-3456789AA";
const OTHER: &str = "98-7654321BB";

fn entry(n: u32) -> String {
    capekit_core::EntryNumber::from_parts("B76", n)
        .expect("entry")
        .to_string()
}

/// A scratch folder with a Claim Details accepting entries 1-4, an ES-003 of them (entry 4 of
/// another importer; entry 1 liquidated by CAPE on 2026-06-10, entries 2 and 3 unliquidated)
/// and refund reports, and a ledger path.
fn scratch() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let mut claim = String::from("ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\n");
    for n in 1..=4 {
        claim.push_str(&format!("{},100000241223,ACCEPTED,\r\n", entry(n)));
    }
    write(d, "claim-details.csv", &claim);
    let mut es003 = String::from(
        "Entry Summary Number,Entry Type Code,Importer Number,Importer Name,Entry Date,Entry Summary Date,HTS Number - Full,Line Tariff Duty Amount,Liquidation Status,Liquidation Date\r\n",
    );
    let rows = [
        (1, IMPORTER, "5,000.00", "Liquidated", "06/10/2026"),
        (2, IMPORTER, "1,000.00", "Unliquidated", ""),
        (3, IMPORTER, "200.00", "Unliquidated", ""),
        (4, OTHER, "300.00", "Unliquidated", ""),
    ];
    for (n, importer, duty, status, liq) in rows {
        es003.push_str(&format!(
            "{},01,{importer},Acme,06/01/2025,06/10/2025,99030125,\"${duty}\",{status},{liq}\r\n",
            entry(n)
        ));
    }
    write(d, "es003.csv", &es003);
    // ES-022: entry 1 refunded in full principal, entry 2 short.
    write(
        d,
        "es022.csv",
        &format!(
            "ES-022 CAPE Entry Summary\r\nDeclaration Number,Entry Number,Refund Number,Principal Amount,Interest Amount,Liquidation Date\r\n260512000123,{},R-1,\"$5,000.00\",$350.00,06/10/2026\r\n260512000124,{},R-2,$900.00,$0.00,06/20/2026\r\n",
            entry(1),
            entry(2)
        ),
    );
    write(
        d,
        "rev603.csv",
        "Declaration Number,Refund Number,Refund Secondary Status,Status Date\r\n260512000123,R-1,Treasury Issued,07/01/2026\r\n260512000124,R-2,Check/ACH Returned,07/02/2026\r\n260599999999,R-9,Funds Diverted,07/02/2026\r\n",
    );
    let ledger = d.join("ledger.sqlite3");
    (dir, ledger)
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write fixture");
}

fn import(d: &Path, ledger: &Path, files: &[&str]) -> Run {
    let mut args = vec![
        "ledger",
        "import",
        "--as-of",
        "2026-05-01",
        "--format",
        "json",
    ];
    args.extend_from_slice(files);
    run_with_ledger(d, ledger, &args)
}

#[test]
fn refund_reports_are_recorded_once_and_recognised_by_content() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    // Named .txt: the content decides.
    std::fs::rename(d.join("rev603.csv"), d.join("statuses.txt")).expect("rename");
    let r = import(
        d,
        &ledger,
        &[
            "claim-details.csv",
            "es003.csv",
            "es022.csv",
            "statuses.txt",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.both());
    let files = r.json()["files"].clone();
    let refund: Vec<&serde_json::Value> = files
        .as_array()
        .expect("files")
        .iter()
        .filter(|f| f["kind"] == "refund-report")
        .collect();
    assert_eq!(refund.len(), 2, "{files:#}");
    assert_eq!(refund[0]["report"], "es-022");
    assert_eq!(refund[0]["entries"], 2);
    assert_eq!(refund[1]["report"], "rev-603");
    assert_eq!(refund[1]["entries"], 3);
    // The same bytes again change nothing.
    let again = run_with_ledger(
        d,
        &ledger,
        &["ledger", "import", "es022.csv", "statuses.txt"],
    );
    assert_eq!(again.code, Some(0), "{}", again.both());
    assert_eq!(
        again.stdout.matches("already in the ledger since").count(),
        2,
        "{}",
        again.stdout
    );
    // A text import names the report.
    write(
        d,
        "rev613.csv",
        "Refund Number,ACH Return Reason\r\nR-2,R03 No account\r\n",
    );
    let text = run_with_ledger(d, &ledger, &["ledger", "import", "rev613.csv"]);
    assert!(
        text.stdout
            .contains("rev613.csv: REV-613 ACH Rejected Refunds, 1 refund row recorded"),
        "{}",
        text.both()
    );
}

#[test]
fn a_refund_report_that_cannot_be_mapped_refuses_the_whole_import() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    write(
        d,
        "refunds.csv",
        "Refund Amount,Interest Amount,Refund Status\r\n$1.00,$0.01,Sent to Treasury\r\n",
    );
    let r = import(d, &ledger, &["claim-details.csv", "refunds.csv"]);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(
        r.stderr
            .contains("found columns: `Refund Amount`, `Interest Amount`, `Refund Status`"),
        "{}",
        r.both()
    );
    // Nothing was recorded, not even the claim file.
    let status = run_with_ledger(d, &ledger, &["ledger", "status", "--format", "json"]);
    assert_eq!(status.json()["entries"]["total"], 0, "{}", status.stdout);
}
