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

fn refunds(d: &Path, ledger: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["refunds", "--as-of", "2026-08-01", "--format", "json"];
    args.extend_from_slice(extra);
    run_with_ledger(d, ledger, &args)
}

fn entry_json(json: &serde_json::Value, n: u32) -> &serde_json::Value {
    json["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["entry"] == entry(n))
        .unwrap_or_else(|| panic!("entry {n} in {json:#}"))
}

fn codes(e: &serde_json::Value) -> Vec<String> {
    e["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn refunds_reconciles_each_importer_and_writes_its_page() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    let r = import(d, &ledger, &["claim-details.csv", "es003.csv"]);
    assert_eq!(r.code, Some(0), "{}", r.both());
    let r = refunds(d, &ledger, &["es022.csv", "rev603.csv"]);
    assert_eq!(r.code, Some(0), "{}", r.both());
    let json = r.json();
    let importers = json["importers"].as_array().expect("importers");
    assert_eq!(importers.len(), 2);
    let a = &importers[0];
    assert_eq!(a["importer"], IMPORTER);
    assert_eq!(a["entries_accepted"], 3);
    assert_eq!(a["duty_cents"], 620_000);
    assert_eq!(a["paid_principal_cents"], 500_000);
    assert_eq!(a["paid_interest_cents"], 35_000);
    assert_eq!(a["held_cents"], 90_000);
    assert_eq!(a["balance"]["holds"], true, "{a:#}");
    // Entry 1: paid in full. Entry 2: short and held. Entry 3: not liquidated 92 days after
    // acceptance. The diverted declaration names no entry.
    assert_eq!(entry_json(&json, 1)["state"], "paid");
    let two = entry_json(&json, 2);
    assert_eq!(codes(two), ["T003", "T006"]);
    assert_eq!(two["protest_due"], "2026-12-17");
    assert_eq!(codes(entry_json(&json, 3)), ["T001"]);
    assert_eq!(json["problems"][0]["code"], "T012");
    // Interest is an estimate from the entry summary date, to the liquidation.
    let interest = &entry_json(&json, 1)["interest"];
    assert_eq!(interest["from_basis"], "entry-summary");
    assert_eq!(interest["to"], "2026-06-10");
    for f in [
        "refunds-2026-08-01.xlsx",
        "refunds-12-3456789AA-2026-08-01.html",
        "refunds-98-7654321BB-2026-08-01.html",
    ] {
        assert!(d.join("capekit-refunds").join(f).is_file(), "{f}");
    }
    let page =
        std::fs::read_to_string(d.join("capekit-refunds/refunds-98-7654321BB-2026-08-01.html"))
            .expect("page");
    assert!(
        page.contains(
            &capekit_core::EntryNumber::parse(&entry(4))
                .expect("e")
                .to_string()
        )
    );
    assert!(
        !page.contains(
            &capekit_core::EntryNumber::parse(&entry(1))
                .expect("e")
                .to_string()
        )
    );
    assert!(!page.contains(&d.display().to_string()), "no local path");
    // Run again without files: the ledger remembers the reports.
    let again = refunds(d, &ledger, &[]);
    assert_eq!(again.json()["importers"], json["importers"]);
}

#[test]
fn only_one_importer_and_corporations_remembered() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    import(d, &ledger, &["claim-details.csv", "es003.csv", "es022.csv"]);
    let before = refunds(d, &ledger, &["--importer", IMPORTER]);
    let json = before.json();
    assert_eq!(json["importers"].as_array().map(Vec::len), Some(1));
    assert!(
        !d.join("capekit-refunds/refunds-98-7654321BB-2026-08-01.html")
            .exists()
    );
    let plain = entry_json(&json, 1)["interest"]["cents"]
        .as_i64()
        .expect("cents");
    let corp = refunds(
        d,
        &ledger,
        &["--importer", IMPORTER, "--corporate", IMPORTER],
    );
    assert_eq!(corp.code, Some(0), "{}", corp.both());
    let remembered = refunds(d, &ledger, &["--importer", IMPORTER]);
    let json = remembered.json();
    assert_eq!(json["importers"][0]["corporate"], true);
    let lower = entry_json(&json, 1)["interest"]["cents"]
        .as_i64()
        .expect("cents");
    assert!(lower < plain, "{lower} < {plain}");
    let refused = refunds(d, &ledger, &["--corporate", "X", "--not-corporate", "X"]);
    assert_eq!(refused.code, Some(2));
}

#[test]
fn without_the_ledger_the_files_alone_and_no_entry_is_known_accepted() {
    let (dir, _) = scratch();
    let d = dir.path();
    let r = common::run(
        d,
        &["--no-ledger", "refunds", "es022.csv", "--format", "json"],
    );
    assert_eq!(r.code, Some(0), "{}", r.both());
    let json = r.json();
    assert_eq!(codes(entry_json(&json, 1))[0], "T009");
}

#[test]
fn a_file_that_is_not_a_refund_report_stops_the_run_and_inputs_are_never_overwritten() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    let r = refunds(d, &ledger, &["es003.csv"]);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(
        r.stderr.contains("not an ACE refund report"),
        "{}",
        r.both()
    );
    std::fs::create_dir(d.join("out")).expect("mkdir");
    std::fs::copy(d.join("es022.csv"), d.join("out/refunds-2026-08-01.xlsx")).expect("copy");
    let r = refunds(d, &ledger, &["out/refunds-2026-08-01.xlsx", "--out", "out"]);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(
        r.stderr.contains("it is one of the input files"),
        "{}",
        r.both()
    );
    assert_eq!(
        std::fs::read(d.join("out/refunds-2026-08-01.xlsx")).expect("input"),
        std::fs::read(d.join("es022.csv")).expect("es022")
    );
}

#[test]
fn refunds_text_output() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    import(d, &ledger, &["claim-details.csv", "es003.csv"]);
    let r = run_with_ledger(
        d,
        &ledger,
        &[
            "refunds",
            "--as-of",
            "2026-08-01",
            "es022.csv",
            "rev603.csv",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.both());
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn importer_is_matched_case_dashes_and_spaces_aside_and_an_unknown_one_is_refused() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    import(d, &ledger, &["claim-details.csv", "es003.csv", "es022.csv"]);
    let r = refunds(d, &ledger, &["--importer", "12 3456789aa"]);
    assert_eq!(r.code, Some(0), "{}", r.both());
    let json = r.json();
    assert_eq!(json["importers"].as_array().map(Vec::len), Some(1));
    assert_eq!(json["importers"][0]["importer"], IMPORTER);
    let unknown = refunds(d, &ledger, &["--importer", "99-9999999ZZ"]);
    assert_eq!(unknown.code, Some(2), "{}", unknown.both());
    assert!(
        unknown.stderr.contains("no such importer")
            && unknown.stderr.contains(IMPORTER)
            && unknown.stderr.contains(OTHER),
        "{}",
        unknown.stderr
    );
}

#[test]
fn bad_inputs_are_named_for_what_they_are() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    std::fs::copy(
        common::fixture_dir().join("../refunds/old-workbook.xls"),
        d.join("old.xls"),
    )
    .expect("copy");
    let r = refunds(d, &ledger, &["old.xls"]);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(
        r.stderr.contains("save it as an Excel Workbook (.xlsx)"),
        "{}",
        r.stderr
    );
    write(d, "empty.csv", "");
    let r = refunds(d, &ledger, &["empty.csv"]);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(
        r.stderr.contains("empty.csv: the file is empty"),
        "{}",
        r.stderr
    );
    write(d, "afile", "mine");
    let r = refunds(d, &ledger, &["rev603.csv", "--out", "afile"]);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(
        r.stderr.contains("a file of that name exists"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.matches("os error").count(), 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(d.join("afile")).ok().as_deref(),
        Some("mine")
    );
}

#[test]
fn an_unreadable_amount_stays_unknown_when_read_back_from_the_ledger() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    import(d, &ledger, &["claim-details.csv", "es003.csv"]);
    write(
        d,
        "rev615.csv",
        &format!(
            "Entry Number,Declaration Number,Refund Number,Refund Amount,Interest Amount,Liquidation Date\r\n{},260512000123,R-1,N/A,$10.00,06/10/2026\r\n",
            entry(1)
        ),
    );
    for files in [&["rev615.csv", "rev603.csv"][..], &[][..]] {
        let r = refunds(d, &ledger, files);
        assert_eq!(r.code, Some(0), "{}", r.both());
        let json = r.json();
        let e = entry_json(&json, 1);
        assert_eq!(e["state"], "review", "{e:#}");
        let c = codes(e);
        assert!(
            c.contains(&"T014".to_owned()) && !c.contains(&"T003".to_owned()),
            "{c:?}"
        );
        assert!(e.get("protest_due").is_none(), "{e:#}");
    }
}

#[test]
fn the_importer_page_names_no_file_and_says_what_the_interest_leaves_out() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    import(d, &ledger, &["claim-details.csv", "es003.csv"]);
    std::fs::rename(
        d.join("es022.csv"),
        d.join("all-clients-northwind-es022.csv"),
    )
    .expect("rename");
    // 2027 Q1: no IRS rate published yet.
    let r = run_with_ledger(
        d,
        &ledger,
        &[
            "refunds",
            "all-clients-northwind-es022.csv",
            "rev603.csv",
            "--as-of",
            "2027-02-15",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.both());
    assert!(
        r.stdout
            .contains("excludes the days from 2027 Q1 on (rate not published)"),
        "{}",
        r.stdout
    );
    let page =
        std::fs::read_to_string(d.join("capekit-refunds/refunds-12-3456789AA-2027-02-15.html"))
            .expect("page");
    assert!(
        !page.contains("northwind"),
        "a file name on the importer's page"
    );
    assert!(
        !page.contains("rev603.csv"),
        "a file name on the importer's page"
    );
    assert!(
        page.contains("2027 Q1"),
        "the unpublished quarter on the page"
    );
}

fn readiness_codes(json: &serde_json::Value, importer: &str) -> Vec<String> {
    json["importers"]
        .as_array()
        .expect("importers")
        .iter()
        .find(|t| t["importer"] == importer)
        .map(|t| {
            t["readiness"]
                .as_array()
                .map(|r| {
                    r.iter()
                        .map(|f| f["code"].as_str().unwrap_or("").to_owned())
                        .collect()
                })
                .unwrap_or_default()
        })
        .unwrap_or_else(|| panic!("{importer} in {json:#}"))
}

#[test]
fn ach_enrollment_and_latest_entry_are_remembered_per_importer() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    import(
        d,
        &ledger,
        &["claim-details.csv", "es003.csv", "es022.csv", "rev603.csv"],
    );
    // IMPORTER had a refund issued by Treasury: its ACH works. OTHER had none, and no
    // one said; both have no entry after 2025-06-10, 417 days before 2026-08-01.
    let json = refunds(d, &ledger, &[]).json();
    assert_eq!(readiness_codes(&json, IMPORTER), ["T019"]);
    assert_eq!(readiness_codes(&json, OTHER), ["T018", "T019"]);
    let text = run_with_ledger(d, &ledger, &["refunds", "--as-of", "2026-08-01"]);
    assert!(
        text.stdout.contains("T018 ach-enrollment-not-known"),
        "{}",
        text.both()
    );

    // Said, as a clerk types them: without dashes, lower case; remembered for the next run.
    let said = refunds(
        d,
        &ledger,
        &[
            "--ach-enrolled",
            "987654321bb",
            "--active-on",
            "98-7654321BB=07/15/2026",
            "--active-on",
            &format!("{IMPORTER}=2025-12-01"),
        ],
    );
    assert_eq!(said.code, Some(0), "{}", said.both());
    let json = refunds(d, &ledger, &[]).json();
    assert!(readiness_codes(&json, OTHER).is_empty(), "{json:#}");
    assert!(
        readiness_codes(&json, IMPORTER).is_empty(),
        "2025-12-01 is 243 days before"
    );

    // Recorded as not enrolled: T018 says so.
    let json = refunds(d, &ledger, &["--not-ach-enrolled", OTHER]).json();
    let other = json["importers"]
        .as_array()
        .expect("importers")
        .iter()
        .find(|t| t["importer"] == OTHER)
        .expect("other");
    assert!(
        other["readiness"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("as not enrolled")),
        "{other:#}"
    );

    // Bad answers are refused before anything is recorded; an unknown importer is warned of.
    let bad = refunds(d, &ledger, &["--active-on", "98-7654321BB"]);
    assert_eq!(bad.code, Some(2), "{}", bad.both());
    assert!(bad.stderr.contains("IMPORTER=DATE"), "{}", bad.stderr);
    let late = refunds(d, &ledger, &["--active-on", "98-7654321BB=2026-09-01"]);
    assert_eq!(late.code, Some(2), "{}", late.both());
    assert!(late.stderr.contains("after 2026-08-01"), "{}", late.stderr);
    let both = refunds(
        d,
        &ledger,
        &["--ach-enrolled", "X1", "--not-ach-enrolled", "X1"],
    );
    assert_eq!(both.code, Some(2));
    let unknown = refunds(d, &ledger, &["--ach-enrolled", "55-5555555ZZ"]);
    assert_eq!(unknown.code, Some(0), "{}", unknown.both());
    assert!(
        unknown
            .stderr
            .contains("55-5555555ZZ: no entry data or refund report names this importer"),
        "{}",
        unknown.stderr
    );
}

/// A refund report of `tests/fixtures/refunds/`.
fn refund_fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/refunds")
        .join(name)
}

#[test]
fn a_missing_amount_is_unknown_never_zero_and_gives_no_short_or_protest_advice() {
    for name in [
        "T014-status-only.csv",
        "T014-no-interest-column.csv",
        "T014-blank-interest.csv",
    ] {
        let (dir, ledger) = scratch();
        let d = dir.path();
        import(d, &ledger, &["claim-details.csv", "es003.csv"]);
        std::fs::copy(refund_fixture(name), d.join(name)).expect("copy fixture");
        let r = refunds(d, &ledger, &[name, "rev603.csv"]);
        assert_eq!(r.code, Some(0), "{name}: {}", r.both());
        let json = r.json();
        let e = entry_json(&json, 1);
        let c = codes(e);
        assert!(c.contains(&"T014".to_owned()), "{name}: {c:?}");
        assert!(
            !c.contains(&"T003".to_owned()) && !c.contains(&"T004".to_owned()),
            "{name}: {c:?}"
        );
        assert!(e.get("protest_due").is_none(), "{name}: {e:#}");
        assert!(e.get("outstanding_cents").is_none(), "{name}: {e:#}");
        let balance = &json["importers"][0]["balance"];
        assert_eq!(balance["amount_unknown_entries"], 1, "{name}: {balance:#}");
        assert!(
            balance["text"]
                .as_str()
                .is_some_and(|t| t.contains("unknown") && !t.contains("report this")),
            "{name}: {balance:#}"
        );
    }
}

#[test]
fn a_refund_issued_after_the_as_of_date_is_not_counted_paid_on_it() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    import(d, &ledger, &["claim-details.csv", "es003.csv"]);
    let name = "rev603_issued_after_as_of.csv";
    std::fs::copy(refund_fixture(name), d.join(name)).expect("copy fixture");
    // Issued on 2026-08-10: not yet as of 2026-08-01 (`refunds` judges as of that day).
    let r = refunds(d, &ledger, &["es022.csv", name]);
    assert_eq!(r.code, Some(0), "{}", r.both());
    let json = r.json();
    assert_eq!(json["events_after_as_of"], 1, "{json:#}");
    let e = entry_json(&json, 1);
    assert_eq!(e["paid_principal_cents"], 0, "{e:#}");
    assert_ne!(e["state"], "paid", "{e:#}");
    // As of a day after it, it is paid.
    let later = run_with_ledger(
        d,
        &ledger,
        &["refunds", "--as-of", "2026-08-11", "--format", "json"],
    );
    assert_eq!(later.code, Some(0), "{}", later.both());
    assert_eq!(entry_json(&later.json(), 1)["state"], "paid");
}

#[test]
fn a_rev613_refund_amount_is_compared_with_the_es022_total_not_its_principal() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    import(d, &ledger, &["claim-details.csv", "es003.csv"]);
    let name = "rev613_refund_amount_total.csv";
    std::fs::copy(refund_fixture(name), d.join(name)).expect("copy fixture");
    let r = refunds(d, &ledger, &["es022.csv", name]);
    assert_eq!(r.code, Some(0), "{}", r.both());
    let json = r.json();
    let e = entry_json(&json, 1);
    let c = codes(e);
    assert!(!c.contains(&"T011".to_owned()), "{c:?}");
    assert!(c.contains(&"T006".to_owned()), "{c:?}");
    assert_eq!(e["refunds"][0]["principal_cents"], 500_000, "{e:#}");
    assert_eq!(e["refunds"][0]["interest_cents"], 35_000, "{e:#}");
    assert_eq!(e["held_cents"], 535_000, "{e:#}");
}

#[test]
fn a_rev615_row_without_refund_number_holding_the_total_is_the_es022_refund_counted_once() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    import(d, &ledger, &["claim-details.csv", "es003.csv"]);
    let name = "rev615_total_without_refund_number.csv";
    std::fs::copy(refund_fixture(name), d.join(name)).expect("copy fixture");
    let r = refunds(d, &ledger, &["es022.csv", name, "rev603.csv"]);
    assert_eq!(r.code, Some(0), "{}", r.both());
    let json = r.json();
    let e = entry_json(&json, 1);
    assert_eq!(e["refunds"].as_array().map(Vec::len), Some(1), "{e:#}");
    assert_eq!(e["paid_principal_cents"], 500_000, "{e:#}");
    assert_eq!(e["paid_interest_cents"], 35_000, "{e:#}");
    assert_eq!(e["state"], "paid", "{e:#}");
}

#[test]
fn an_importer_number_written_two_ways_is_one_importer() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    import(d, &ledger, &["claim-details.csv", "es003.csv"]);
    let name = "es022_importer_written_two_ways.csv";
    std::fs::copy(refund_fixture(name), d.join(name)).expect("copy fixture");
    let r = refunds(d, &ledger, &[name, "--importer", "123456789AA"]);
    assert_eq!(r.code, Some(0), "{}", r.both());
    let json = r.json();
    let importers = json["importers"].as_array().expect("importers");
    assert_eq!(importers.len(), 1, "{importers:#?}");
    assert_eq!(importers[0]["importer"], IMPORTER);
    let other = json["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["entry"] == "B7610000039")
        .unwrap_or_else(|| panic!("{json:#}"));
    assert_eq!(other["importer"], IMPORTER, "{other:#}");
}

#[test]
fn a_run_refused_for_overwriting_an_input_records_nothing() {
    let (dir, ledger) = scratch();
    let d = dir.path();
    import(d, &ledger, &["claim-details.csv", "es003.csv"]);
    let r = refunds(d, &ledger, &["es022.csv"]);
    assert_eq!(r.code, Some(0), "{}", r.both());
    let before = r.json()["events"].clone();
    // A report saved under the name of that run's workbook, in its folder (recognised by its
    // content, whatever its name), read into that folder: the workbook would replace it.
    let name = "capekit-refunds/refunds-2026-08-01.xlsx";
    assert!(d.join(name).is_file());
    std::fs::copy(d.join("rev603.csv"), d.join(name)).expect("copy");
    let refused = refunds(d, &ledger, &[name, "--out", "capekit-refunds"]);
    assert_eq!(refused.code, Some(2), "{}", refused.both());
    let after = refunds(d, &ledger, &["--out", "later"]);
    assert_eq!(after.code, Some(0), "{}", after.both());
    assert_eq!(after.json()["events"], before, "{}", after.stdout);
}
