use std::path::PathBuf;

use capekit_core::refunds::RefundStatus;
use jiff::civil::date;

use super::*;

/// A refund report fixture: `tests/fixtures/refunds/` at the workspace root, or, for a file
/// named after a reader rule (`D001-...`), `tests/fixtures/reader/`.
fn fixture(name: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let rule =
        name.len() > 4 && name.starts_with('D') && name[1..4].bytes().all(|b| b.is_ascii_digit());
    root.join(if rule || name.is_empty() {
        "reader"
    } else {
        "refunds"
    })
    .join(name)
}

fn read(name: &str) -> RefundFile {
    let bytes = std::fs::read(fixture(name)).expect("fixture");
    match parse_refund_file(name, &bytes) {
        Ok(Some(f)) => f,
        Ok(None) => panic!("{name}: not recognised"),
        Err(e) => panic!("{name}: {e}"),
    }
}

fn codes(f: &RefundFile) -> Vec<&'static str> {
    f.diagnostics.iter().map(|d| d.code()).collect()
}

fn entry(s: &str) -> Option<EntryNumber> {
    Some(EntryNumber::parse(s).expect("entry"))
}

#[test]
fn es022_with_a_title_odd_headers_and_wrapped_values() {
    let f = read("es022_title_odd_headers.csv");
    assert_eq!(f.report, RefundReport::Es022);
    assert!(
        f.recognized_by
            .contains("the title `ES-022 CAPE Entry Summary` on line 1"),
        "{}",
        f.recognized_by
    );
    assert_eq!(codes(&f), ["D006"]);
    assert_eq!(f.rows_read, 3);
    assert_eq!(f.events.len(), 3);
    let e = &f.events[0];
    assert_eq!(e.line, 5);
    assert_eq!(e.entry, entry("B7610000005"));
    assert_eq!(e.declaration.as_deref(), Some("260512000123"));
    assert_eq!(e.refund_number.as_deref(), Some("R-0001"));
    assert_eq!(e.importer.as_deref(), Some("12-3456789AA"));
    assert_eq!(
        (e.principal_cents, e.interest_cents),
        (Some(500_000), Some(3_125))
    );
    assert_eq!(e.liquidation_date, Some(date(2026, 6, 10)));
    // ISO and an Excel serial read as the same day; a dashed entry number reads too.
    assert_eq!(f.events[1].liquidation_date, Some(date(2026, 6, 10)));
    assert_eq!(f.events[2].liquidation_date, Some(date(2026, 6, 10)));
    assert!(f.events[2].entry.is_some());
    let roles: Vec<Role> = f.columns.iter().map(|(_, r)| *r).collect();
    assert_eq!(
        roles,
        [
            Role::Declaration,
            Role::Entry,
            Role::RefundNumber,
            Role::Importer,
            Role::Principal,
            Role::Interest,
            Role::LiquidationDate
        ]
    );
}

#[test]
fn rev603_reads_the_four_statuses_per_declaration() {
    let f = read("rev603_statuses.csv");
    assert_eq!(f.report, RefundReport::Rev603);
    assert_eq!(f.recognized_by, "its columns");
    assert!(codes(&f).is_empty(), "{:?}", f.diagnostics);
    let statuses: Vec<Option<StatusRead>> = f.events.iter().map(|e| e.status.clone()).collect();
    assert_eq!(
        statuses,
        [
            RefundStatus::SentToTreasury,
            RefundStatus::TreasuryIssued,
            RefundStatus::FundsDiverted,
            RefundStatus::CheckAchReturned
        ]
        .map(|s| Some(StatusRead::Known(s)))
    );
    assert!(f.events.iter().all(|e| e.entry.is_none()));
    assert_eq!(f.events[0].principal_cents, Some(637_423));
    assert_eq!(f.events[3].status_date, Some(date(2026, 6, 26)));
}

#[test]
fn rev613_rows_are_rejected_ach_refunds() {
    let f = read("rev613_ach_rejected.csv");
    assert_eq!(f.report, RefundReport::Rev613);
    let e = &f.events[0];
    assert_eq!(
        e.status(),
        Some(StatusRead::Known(RefundStatus::AchRejected))
    );
    assert_eq!(e.refund_number.as_deref(), Some("R-0004"));
    assert_eq!(e.reason.as_deref(), Some("R03 No account/unable to locate"));
    assert_eq!(e.status_date, Some(date(2026, 6, 28)));
}

#[test]
fn rev615_is_an_entry_level_table_without_refund_numbers() {
    let f = read("rev615_details.csv");
    assert_eq!(f.report, RefundReport::Rev615);
    let e = &f.events[1];
    assert_eq!(e.reliquidation_date, Some(date(2026, 7, 1)));
    assert_eq!(e.deposit_date, Some(date(2025, 3, 15)));
    assert_eq!(
        (e.principal_cents, e.interest_cents),
        (Some(30_000), Some(120))
    );
}

#[test]
fn every_reader_rule_has_a_fixture_that_triggers_it() {
    for rule in REFUND_READER_RULES {
        let prefix = format!("{}-{}", rule.code, rule.name);
        let name = std::fs::read_dir(fixture(""))
            .expect("fixtures")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|n| n.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no fixture for {}", rule.code));
        let bytes = std::fs::read(fixture(&name)).expect("fixture");
        match parse_refund_file(&name, &bytes) {
            Ok(Some(f)) => assert!(codes(&f).contains(&rule.code), "{name}: {:?}", codes(&f)),
            Ok(None) => panic!("{name}: not recognised"),
            Err(e) => {
                assert_eq!(rule.code, "D009", "{name}: {e}");
                assert!(e.to_string().contains("capekit explain D009"), "{e}");
            }
        }
    }
}

#[test]
fn d001_an_unreadable_entry_is_left_out_and_counted() {
    let f = read("D001-refund-unreadable-entry-number.csv");
    assert_eq!((f.rows_read, f.rows_dropped, f.events.len()), (2, 1, 1));
    let d = &f.diagnostics[0];
    assert_eq!((d.code(), d.line), ("D001", Some(2)));
    assert!(d.message.contains("scientific notation"), "{}", d.message);
}

#[test]
fn d002_d003_bad_and_negative_amounts() {
    let f = read("D002-refund-bad-amount.csv");
    assert_eq!(f.events[0].principal_cents, None, "unknown, not zero");
    assert_eq!(f.events[0].interest_cents, Some(1));
    let f = read("D003-negative-refund-amount.csv");
    assert_eq!(
        f.events[0].principal_cents,
        Some(-123_456),
        "kept as written"
    );
    let d = &f.diagnostics[0];
    assert_eq!(d.code(), "D003");
    assert_eq!(d.value.as_deref(), Some("(1,234.56)"));
    assert!(
        d.message.contains("negative principal amount"),
        "{}",
        d.message
    );
}

#[test]
fn d004_dates_that_are_no_days() {
    let f = read("D004-refund-bad-date.csv");
    assert_eq!(codes(&f), ["D004", "D004"]);
    assert!(f.events.iter().all(|e| e.status_date.is_none()));
    assert!(
        f.diagnostics[1]
            .message
            .contains("no Excel date from 1990 to 2100")
    );
    assert_eq!(refund_date("46183"), Ok(Some(date(2026, 6, 10))));
    assert_eq!(refund_date("46183.0"), Ok(Some(date(2026, 6, 10))));
    assert!(refund_date("32873").is_err(), "1989-12-31 is out of range");
    assert_eq!(refund_date("32874"), Ok(Some(date(1990, 1, 1))));
    assert!(refund_date("-5").is_err());
    assert!(refund_date("99999999999999999999").is_err());
}

#[test]
fn d005_an_unknown_status_is_kept_for_review() {
    let f = read("D005-unknown-refund-status.csv");
    assert_eq!(codes(&f), ["D005"]);
    assert_eq!(
        f.events[0].status,
        Some(StatusRead::Unrecognized(Arc::from("Pending Review")))
    );
}

#[test]
fn d006_a_title_names_the_report() {
    let f = read("D006-refund-rows-before-header.csv");
    assert_eq!(f.report, RefundReport::Rev615);
    assert!(f.recognized_by.contains("REV-615"), "{}", f.recognized_by);
}

#[test]
fn d007_d008_d010_columns_and_rows() {
    let f = read("D007-refund-duplicate-column.csv");
    assert_eq!(codes(&f), ["D007"]);
    let f = read("D008-refund-row-without-key.csv");
    assert_eq!((f.rows_read, f.rows_dropped), (2, 1));
    assert!(f.diagnostics[0].message.contains("it starts `Total`"));
    let f = read("D010-ambiguous-payment-date.csv");
    assert_eq!(codes(&f), ["D010"]);
    assert!(f.events[0].deposit_date.is_none());
    assert_eq!(f.columns_ignored, ["Payment Date"]);
}

#[test]
fn d009_refund_columns_without_a_key_are_refused_naming_them() {
    let bytes = std::fs::read(fixture("D009-refund-columns-unmapped.csv")).expect("fixture");
    let err = parse_refund_file("x.csv", &bytes).expect_err("refused");
    let text = err.to_string();
    assert!(
        text.contains("found columns: `Refund Amount`, `Interest Amount`, `Refund Status`"),
        "{text}"
    );
    assert!(text.contains("no column names the entry"), "{text}");
}

#[test]
fn d011_findings_are_capped() {
    let f = read("D011-refund-findings-capped.csv");
    assert_eq!(f.rows_dropped, 1_001);
    assert_eq!(f.diagnostics.len(), MAX_DIAGNOSTICS_PER_RULE + 1);
    assert!(f.diagnostics.last().is_some_and(|d| d.code() == "D011"));
}

#[test]
fn other_files_are_not_refund_reports() {
    for bytes in [
        &b"Entry Number\r\nB7603245278\r\n"[..],
        b"ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\nB7603245278,1,ACCEPTED,\r\n",
        b"Entry Summary Number,Line Tariff Duty Amount,HTS Number - Full\r\n",
        b"%PDF-1.4 whatever",
        b"",
    ] {
        assert!(
            matches!(parse_refund_file("x", bytes), Ok(None)),
            "{}",
            String::from_utf8_lossy(bytes)
        );
    }
}

#[test]
fn a_large_csv_without_refund_columns_is_judged_from_its_head() {
    let mut big = b"Entry Summary Number,Line Tariff Duty Amount\r\n".to_vec();
    while big.len() < 2 * HEAD_BYTES {
        big.extend_from_slice(b"B7603245278,$1.00\r\n");
    }
    assert!(!looks_like_refund_report(&big));
    assert!(matches!(parse_refund_file("x", &big), Ok(None)));
    let mut refund = b"Entry Number,Refund Amount\r\n".to_vec();
    while refund.len() < 2 * HEAD_BYTES {
        refund.extend_from_slice(b"B7603245278,$1.00\r\n");
    }
    let f = parse_refund_file("x", &refund)
        .expect("read")
        .expect("refund");
    assert_eq!(f.rows_read as usize, f.events.len());
}

#[test]
fn a_workbook_with_typed_cells() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("REV-615").expect("name");
    let money = rust_xlsxwriter::Format::new().set_num_format("$#,##0.00");
    let day = rust_xlsxwriter::Format::new().set_num_format("mm/dd/yyyy");
    for (c, h) in ["Entry No", "Refund Amount", "Interest", "Refund Date"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, u16::try_from(c).expect("col"), *h)
            .expect("cell");
    }
    ws.write_string(1, 0, "B7603245278").expect("cell");
    ws.write_number_with_format(1, 1, 1234.56, &money)
        .expect("cell");
    ws.write_number_with_format(1, 2, -7.5, &money)
        .expect("cell");
    ws.write_number_with_format(1, 3, 46183.0, &day)
        .expect("cell");
    let bytes = wb.save_to_buffer().expect("xlsx");
    let f = parse_refund_file("r.xlsx", &bytes)
        .expect("read")
        .expect("refund");
    assert_eq!(f.report, RefundReport::Rev615);
    assert!(f.recognized_by.contains("sheet name `REV-615`"));
    let e = &f.events[0];
    assert_eq!(e.principal_cents, Some(123_456));
    assert_eq!(e.interest_cents, Some(-750));
    assert_eq!(e.status_date, Some(date(2026, 6, 10)));
    assert_eq!(codes(&f), ["D003"]);
    assert_eq!(f.diagnostics[0].cell.as_deref(), Some("REV-615!C2"));
}

fn parse(name: &str, text: &str) -> RefundFile {
    match parse_refund_file(name, text.as_bytes()) {
        Ok(Some(f)) => f,
        Ok(None) => panic!("{name}: not recognised"),
        Err(e) => panic!("{name}: {e}"),
    }
}

#[test]
fn an_untitled_entry_level_report_is_told_by_its_file_name_and_only_between_es022_and_rev615() {
    let five = "Entry Number,Declaration Number,Refund Number,Refund Amount,Interest Amount\nB7655500109,1,R-1,$1.00,$0.00\n";
    assert_eq!(parse("x.csv", five).report, RefundReport::Es022);
    assert_eq!(parse("N-rev615.csv", five).report, RefundReport::Rev615);
    let four = "Entry Summary Number,Refund Number,Principal Amount,Interest Amount\nB7655500109,R-1,$1.00,$0.00\n";
    assert_eq!(parse("x.csv", four).report, RefundReport::Rev615);
    assert_eq!(parse("A-es022.csv", four).report, RefundReport::Es022);
    // A file name never makes a report a status report: REV-613 would reject every refund.
    let statuses = "Refund Number,Refund Secondary Status\nR-1,Treasury Issued\n";
    assert_eq!(parse("rev613.csv", statuses).report, RefundReport::Rev603);
}

#[test]
fn an_amount_that_cannot_be_read_or_a_fraction_of_a_cent_is_unknown_not_zero() {
    let f = parse(
        "rev615.csv",
        "Entry Number,Refund Number,Refund Amount,Interest Amount\nB7655500109,R-1,$0.001,$1.00\nB7655500232,R-2,N/A,$1.00\nB7655500364,R-3,$5.00,$1.00\nB7655500497,R-4,\"$99,999,999,999,999.99\",$0.00\n",
    );
    let unreadable: Vec<bool> = f.events.iter().map(|e| e.amount_unreadable).collect();
    assert_eq!(unreadable, [true, true, false, true]);
    assert_eq!(codes(&f), ["D002", "D002", "D002"]);
    assert!(
        f.diagnostics[0].message.contains("a fraction of a cent"),
        "{}",
        f.diagnostics[0].message
    );
    assert_eq!(f.events[2].principal_cents, Some(500));
    // Trailing zeros are no fraction of a cent.
    let f = parse(
        "rev615.csv",
        "Entry Number,Refund Number,Refund Amount\nB7655500109,R-1,$1.000\n",
    );
    assert!(codes(&f).is_empty());
    assert_eq!(f.events[0].principal_cents, Some(100));
}

#[test]
fn a_date_cell_holding_a_huge_number_is_a_finding_not_a_panic() {
    // Found by fuzzing: an Excel serial past what a span holds panicked in the date reader.
    let bytes = b"Entry Number,Declaration Number,Refund Amount,Interest Amount,Reliquidation Date\r\nB7603245278,D1,$100.00,$1.00,99999999999999999\r\n";
    let f = match parse_refund_file("r.csv", bytes) {
        Ok(Some(f)) => f,
        other => panic!("{other:?}"),
    };
    assert!(codes(&f).contains(&"D004"), "{:?}", codes(&f));
}

#[test]
fn an_unterminated_quote_is_refused_naming_the_file_and_line() {
    let name = "rev615_unterminated_quote.csv";
    let bytes = std::fs::read(fixture(name)).expect("fixture");
    match parse_refund_file(name, &bytes) {
        Err(e @ RefundFileError::UnterminatedQuote { line: 3, .. }) => {
            let text = e.to_string();
            assert!(
                text.starts_with("rev615_unterminated_quote.csv: line 3:"),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Quoted values that close, an escaped quote and a line break inside one are fine.
    let ok = b"Entry Number,Principal Amount,Reject Reason\r\nB7600000015,\"$5,000.00\",\"said \"\"no\"\"\r\nsecond line\"\r\n";
    assert!(matches!(parse_refund_file("ok.csv", ok), Ok(Some(_))));
    assert_eq!(unterminated_quote(ok), None);
    assert_eq!(unterminated_quote(b"\xEF\xBB\xBF\"a\",\"b\n"), Some(1));
    // A quote inside an unquoted value is a character of it, as the csv crate reads it.
    assert_eq!(unterminated_quote(b"a,5\" pipe,b\n"), None);
}
