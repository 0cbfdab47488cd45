use capekit_core::diag::Severity;

use super::*;
use capekit_core::reading::FINDINGS_CAPPED;

#[test]
fn reader_rules_are_documented_and_unique() {
    let mut seen = std::collections::HashSet::new();
    for (i, r) in ENTRY_READER_RULES.iter().enumerate() {
        assert!(seen.insert(r.code), "duplicate {}", r.code);
        assert_eq!(r.code, format!("R{:03}", i + 1));
        assert!(
            r.doc.missing_sections().is_empty(),
            "{} lacks {:?}",
            r.code,
            r.doc.missing_sections()
        );
        assert!(
            r.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            r.name
        );
    }
}

#[test]
fn money_forms() {
    let ok = |s: &str| parse_cents(s).unwrap_or_else(|e| panic!("{s}: {e}"));
    assert_eq!(ok("$1,234.00"), Some(123_400));
    assert_eq!(ok("(12.00)"), Some(-1_200));
    assert_eq!(ok("$(12.00)"), Some(-1_200));
    assert_eq!(ok("-$12.00"), Some(-1_200));
    assert_eq!(ok("-12.5"), Some(-1_250));
    assert_eq!(ok("1234"), Some(123_400));
    assert_eq!(ok("=\"1,234.56\""), Some(123_456));
    assert_eq!(ok(".5"), Some(50));
    assert_eq!(ok("0.30000000000000004"), Some(30));
    assert_eq!(ok("2.005"), Some(201));
    assert_eq!(ok(""), None);
    for bad in [
        "$12.3.4",
        "1.2E+3",
        "12,34",
        "abc",
        "$",
        "1,2345.00",
        "-",
        "99999999999999999999",
    ] {
        assert!(parse_cents(bad).is_err(), "{bad}");
    }
}

#[test]
fn date_forms() {
    let d = |y, m, dd| Some(jiff::civil::date(y, m, dd));
    assert_eq!(parse_date("03/01/2026"), Ok(d(2026, 3, 1)));
    assert_eq!(parse_date("3/1/2026"), Ok(d(2026, 3, 1)));
    assert_eq!(parse_date("3/1/26"), Ok(d(2026, 3, 1)));
    assert_eq!(parse_date("2026-03-01"), Ok(d(2026, 3, 1)));
    assert_eq!(parse_date("2026-03-01T00:00:00"), Ok(d(2026, 3, 1)));
    assert_eq!(parse_date("03/01/2026 12:00:00 AM"), Ok(d(2026, 3, 1)));
    assert_eq!(parse_date("=\"02/29/2028\""), Ok(d(2028, 2, 29)));
    assert_eq!(parse_date(" "), Ok(None));
    for bad in [
        "02/30/2026",
        "46082",
        "2026/03",
        "March 1, 2026",
        "13/01/2026",
        "1/1/226",
    ] {
        assert!(parse_date(bad).is_err(), "{bad}");
    }
}

#[test]
fn hts_and_entry_type_forms() {
    let h = |s: &str| {
        hts_digits(s)
            .map(|d| String::from_utf8_lossy(d.as_slice()).into_owned())
            .unwrap_or_else(|e| e.to_owned())
    };
    assert_eq!(h("9903.01.25"), "99030125");
    assert_eq!(h("9903012500"), "9903012500");
    assert_eq!(h("101210010"), "0101210010");
    assert!(hts_digits("9.90301E+09").is_err());
    assert!(hts_digits("N/A").is_err());
    assert_eq!(entry_type("1").as_deref(), Some("01"));
    assert_eq!(entry_type("01 - Consumption").as_deref(), Some("01"));
    assert_eq!(entry_type("47").as_deref(), Some("47"));
    assert_eq!(entry_type("1.0").as_deref(), Some("01"));
    assert_eq!(entry_type("Consumption"), None);
    assert_eq!(entry_type("123"), None);
}

#[test]
fn header_aliases() {
    for h in [
        "Entry Summary Number",
        "Entry Number",
        "ENTRY_NUMBER",
        "Entry No",
        "entry-no.",
    ] {
        assert_eq!(column_of(h), Some(Column::EntryNumber), "{h}");
    }
    for h in ["HTS Number - Full", "HTS Number", "HTS", "Tariff Number"] {
        assert_eq!(column_of(h), Some(Column::Hts), "{h}");
    }
    for h in ["Importer Number", "IOR Number", "Importer of Record Number"] {
        assert_eq!(column_of(h), Some(Column::ImporterNumber), "{h}");
    }
    assert_eq!(column_of("Line Tariff Duty Amount"), Some(Column::Duty));
    assert_eq!(column_of("Duty Amount"), Some(Column::Duty));
    // The port is read for the protest packet (CBP Form 19 names the port of entry).
    assert_eq!(column_of("Port of Entry Code"), Some(Column::Port));
}

#[test]
fn tab_and_semicolon_separated_exports_are_read() {
    // Excel "Unicode Text" (UTF-16, tabs) and a semicolon CSV; amounts keep their commas.
    let text = "Entry Summary Number\tEntry Date\tHTS Number - Full\tLine Tariff Duty Amount\r\n\
B7603245278\t01/12/2026\t99030125\t$1,234.00\r\n";
    let mut le = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
    }
    let set = parse_entry_data("u.txt", &le).expect("read");
    assert_eq!(set.diagnostics, vec![]);
    assert_eq!(set.entries[0].ieepa_duty_cents, 123_400);
    let semi = "Entry Summary Number;Entry Date;HTS Number - Full;Line Tariff Duty Amount\n\
B7603245278;01/12/2026;99030125;\"$1,234.00\"\n";
    let set = parse_entry_data("s.csv", semi.as_bytes()).expect("read");
    assert_eq!(set.entries[0].ieepa_duty_cents, 123_400);
    assert_eq!(
        set.entries[0].entry_date,
        Some(jiff::civil::date(2026, 1, 12))
    );
    // A comma file whose amounts hold commas stays a comma file.
    let comma = "Entry Summary Number,Line Tariff Duty Amount\nB7603245278,\"$1,234.00\"\n";
    assert_eq!(sniff_delimiter(comma), b',');
}

#[test]
fn utf16_streams_decode() {
    let text = "Entry Number\r\nB7603245278\r\n";
    let mut le = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
    }
    let set = parse_entry_data("u.csv", &le).expect("read");
    assert_eq!(set.content, Content::Utf16);
    assert_eq!(set.entries.len(), 1);
    assert_eq!(set.entries[0].first_line, 2);
}

#[test]
fn findings_are_capped_and_counted() {
    let mut csv = String::from("Entry Number\n");
    for _ in 0..MAX_DIAGNOSTICS_PER_RULE + 5 {
        csv.push_str("6.05761E+10\n");
    }
    let set = parse_entry_data("x.csv", csv.as_bytes()).expect("read");
    assert_eq!(set.rows_dropped, MAX_DIAGNOSTICS_PER_RULE as u64 + 5);
    let r001 = set
        .diagnostics
        .iter()
        .filter(|d| d.is(&ENTRY_DATA_UNREADABLE_ENTRY_NUMBER))
        .count();
    assert_eq!(r001, MAX_DIAGNOSTICS_PER_RULE);
    let summary: Vec<_> = set
        .diagnostics
        .iter()
        .filter(|d| d.is(&FINDINGS_CAPPED))
        .collect();
    assert_eq!(summary.len(), 1);
    assert!(summary[0].message.starts_with("5 more findings of R001"));
}

use capekit_core::path::{EntryPath, decide};

const AS_OF: jiff::civil::Date = jiff::civil::date(2026, 11, 24);

macro_rules! fixture {
    ($name:literal) => {
        parse_entry_data(
            $name,
            include_bytes!(concat!("../../tests/fixtures/entries/", $name)),
        )
        .expect($name)
    };
}

fn reconciles(set: &EntryDataSet) {
    assert_eq!(
        set.rows_read,
        set.rows_used + set.rows_dropped,
        "rows read = used + dropped"
    );
}

fn codes(set: &EntryDataSet) -> Vec<(&'static str, Option<u64>)> {
    set.diagnostics.iter().map(|d| (d.code(), d.line)).collect()
}

fn entry<'a>(set: &'a EntryDataSet, n: &str) -> &'a EntryData {
    set.entries
        .iter()
        .find(|e| e.entry_number.as_str() == n)
        .unwrap_or_else(|| panic!("{n} not read"))
}

#[test]
fn es003_with_bom_crlf_and_wrapped_values() {
    let set = fixture!("es003_bom_crlf_wrapped.csv");
    assert!(set.bom);
    // Only the columns no decision needs are said, once.
    assert_eq!(codes(&set), vec![("R016", Some(1))]);
    assert_eq!(
        (set.rows_read, set.rows_used, set.rows_dropped),
        (10, 10, 0)
    );
    assert_eq!(set.blank_rows, 1);
    reconciles(&set);
    assert_eq!(
        set.columns_ignored,
        vec![
            "Entry Summary Line Number",
            "Tariff Ordinal Number",
            "Country of Origin Code"
        ]
    );
    let order: Vec<&str> = set
        .entries
        .iter()
        .map(|e| e.entry_number.as_str())
        .collect();
    assert_eq!(
        order,
        vec![
            "B7603245278",
            "B7610000013",
            "B7610000021",
            "B7610000039",
            "B7610000047",
            "05760693423",
            "ABC12345676"
        ]
    );
    let first = entry(&set, "B7603245278");
    assert_eq!(first.rows, 3);
    assert_eq!(first.first_line, 2);
    assert_eq!(first.ieepa_duty_cents, 123_400);
    assert_eq!(first.other_chapter_99.section_301_cents, 50_000);
    assert_eq!(first.importer_name.as_deref(), Some("ACME TRADING CO"));
    assert_eq!(first.entry_type.as_deref(), Some("01"));
    assert!(
        first
            .absent_columns
            .contains(Column::ReconciliationEntryNumber)
    );
    assert!(!first.absent_columns.contains(Column::LiquidationDate));
    // The blank CRLF line 7 is skipped and the lines after it keep their numbers.
    assert_eq!(entry(&set, "B7610000021").first_line, 8);
    let paths: Vec<(&str, EntryPath, &str)> = set
        .entries
        .iter()
        .map(|e| {
            let d = decide(e, AS_OF);
            (e.entry_number.as_str(), d.path, d.reasons[0])
        })
        .collect();
    assert_eq!(
        paths,
        vec![
            // Entered 2025-06-02, "Unliquidated" 18 months later with no extension shown:
            // deemed liquidated (19 USC 1504(a)), so review with both readings.
            ("B7603245278", EntryPath::Review, "P027"),
            ("B7610000013", EntryPath::Cape, "P018"),
            ("B7610000021", EntryPath::Protest, "P014"),
            ("B7610000039", EntryPath::Review, "P040"),
            ("B7610000047", EntryPath::NotRefundable, "P002"),
            ("05760693423", EntryPath::CorrectFirst, "P015"),
            // Entered 2025-01-15 yet $100.00 of IEEPA duty shown: the data disagrees.
            ("ABC12345676", EntryPath::Review, "P025"),
        ]
    );
    assert!(capekit_core::path::is_urgent(&decide(
        entry(&set, "B7610000013"),
        AS_OF
    )));
}

#[test]
fn r001_unreadable_entry_numbers_are_dropped_and_counted() {
    let set = fixture!("r001_unreadable_entry_number.csv");
    assert_eq!(
        codes(&set),
        vec![
            ("R001", Some(3)),
            ("R001", Some(4)),
            ("R001", Some(5)),
            ("R001", Some(6))
        ]
    );
    assert_eq!((set.rows_read, set.rows_used, set.rows_dropped), (5, 1, 4));
    reconciles(&set);
    let m = &set.diagnostics;
    assert!(
        m[0].message.contains("scientific notation"),
        "{}",
        m[0].message
    );
    assert!(
        m[1].message.contains("probably 05760693423"),
        "{}",
        m[1].message
    );
    assert!(m[2].message.contains("is empty"), "{}", m[2].message);
    assert!(m[3].message.contains("check digit"), "{}", m[3].message);
    assert_eq!(m[3].value.as_deref(), Some("ABC12345678"));
    assert_eq!(
        m[3].file.as_deref(),
        Some("r001_unreadable_entry_number.csv")
    );
    assert!(m.iter().all(|d| d.severity() == Severity::Error));
}

#[test]
fn r002_bad_amounts_make_the_duty_unknown_not_zero() {
    let set = fixture!("r002_bad_amount.csv");
    assert_eq!(
        codes(&set),
        vec![("R002", Some(2)), ("R012", Some(3)), ("R002", Some(4))]
    );
    assert_eq!(set.diagnostics[0].value.as_deref(), Some("$12.3.4"));
    reconciles(&set);
    assert_eq!(set.rows_used, 4);
    let first = entry(&set, "B7603245278");
    assert!(first.unreadable_columns.contains(Column::Duty));
    assert_eq!(first.ieepa_dutiable_lines, 0);
    // Within a year of its entry, so its "Unliquidated" status is plausible.
    let d = decide(first, jiff::civil::date(2026, 5, 1));
    // Never written off because of an unreadable duty, and never declared on a guess.
    assert_eq!(
        (d.path, d.reasons[0]),
        (EntryPath::Review, "P036"),
        "an unreadable duty never makes it not refundable"
    );
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("line 2: `$12.3.4` in `Line Tariff Duty Amount`")),
        "{:?}",
        d.notes
    );
    assert!(
        d.notes.iter().any(|n| n.contains("unreadable")),
        "{:?}",
        d.notes
    );
    let second = entry(&set, "B7610000013");
    assert_eq!(
        second.ieepa_duty_cents, 750,
        "(5.00) is negative: not added to the IEEPA duty"
    );
    assert!(second.unreadable_columns.contains(Column::GoodsValue));
    // ... nor read silently: a finding names the line and cell, and the entry goes to
    // review (P038), neither declared nor written off.
    assert_eq!(second.ieepa_negative_duty_lines, 1);
    let r012 = &set.diagnostics[1];
    assert_eq!(r012.value.as_deref(), Some("(5.00)"));
    assert!(
        r012.message.starts_with("line 3: `(5.00)` in `Line Tariff Duty Amount` is a negative duty on the IEEPA line 99030125 of entry B7610000013"),
        "{}",
        r012.message
    );
    let d = decide(second, jiff::civil::date(2026, 5, 1));
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P038"));
}

#[test]
fn r012_a_negative_ieepa_duty_alone_is_review_not_not_refundable() {
    // The entry's only IEEPA line in accounting negative: read silently before, it left
    // the entry with no dutiable IEEPA line, so not refundable.
    for duty in ["($740.00)", "-740.00", "$(740.00)", "\"($740.00)\""] {
        let csv = format!(
            "Entry Summary Number,Entry Date,HTS Number - Full,Line Tariff Duty Amount,Liquidation Status\n\
B7603245278,01/12/2026,8471300100,$100.00,Unliquidated\n\
B7603245278,01/12/2026,99030125,{duty},Unliquidated\n"
        );
        let set = parse_entry_data("x.csv", csv.as_bytes()).expect("read");
        assert_eq!(codes(&set), vec![("R012", Some(3))], "{duty}");
        assert!(
            set.diagnostics[0]
                .message
                .contains("is a negative duty on the IEEPA line 99030125"),
            "{}",
            set.diagnostics[0].message
        );
        let d = decide(&set.entries[0], AS_OF);
        assert_eq!(
            (d.path, d.reasons[0]),
            (EntryPath::Review, "P038"),
            "{duty}"
        );
    }
}

#[test]
fn a_huge_bad_cell_is_quoted_short_in_its_finding() {
    let huge = "9".repeat(2_000_000);
    let csv = format!(
        "Entry Summary Number,Entry Date,HTS Number - Full,Line Tariff Duty Amount\r\nB7603245278,{huge},99030125,$10.00\r\n"
    );
    let set = parse_entry_data("huge.csv", csv.as_bytes()).expect("read");
    let d = set
        .diagnostics
        .iter()
        .find(|d| d.is(&BAD_DATE))
        .expect("R003");
    assert!(d.message.len() < 1_000, "{} characters", d.message.len());
    assert!(
        d.message.contains("(2000000 characters in all)"),
        "{}",
        d.message
    );
    // The value itself stays whole in the finding.
    assert_eq!(d.value.as_deref().map(str::len), Some(2_000_000));
}

#[test]
fn r003_bad_dates_are_reported_once_per_entry() {
    let set = fixture!("r003_bad_date.csv");
    assert_eq!(codes(&set), vec![("R003", Some(2)), ("R003", Some(2))]);
    assert!(set.diagnostics[1].message.contains("lost its date format"));
    let e = entry(&set, "B7603245278");
    assert_eq!(e.entry_date, None);
    assert!(e.unreadable_columns.contains(Column::LiquidationDate));
    let d = decide(e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P012"));
}

#[test]
fn an_excel_serial_in_a_date_cell_is_named_with_its_day_but_not_taken() {
    let csv = "Entry Summary Number,Entry Date,HTS Number - Full,Line Tariff Duty Amount,Liquidation Status\n\
B7603245278,46024,99030125,$10.00,Unliquidated\n\
B7610000013,12,99030125,$10.00,Unliquidated\n";
    let set = parse_entry_data("x.csv", csv.as_bytes()).expect("read");
    let m = &set.diagnostics[0].message;
    assert!(m.contains("`46024` would be 2026-01-02"), "{m}");
    assert_eq!(set.entries[0].entry_date, None);
    assert!(
        !set.diagnostics[1].message.contains("would be"),
        "{}",
        set.diagnostics[1].message
    );
    assert_eq!(
        excel_serial_date("45658"),
        Some(jiff::civil::date(2025, 1, 1))
    );
    assert_eq!(
        excel_serial_date("46024.0"),
        Some(jiff::civil::date(2026, 1, 2))
    );
    assert_eq!(excel_serial_date("60"), None);
    assert_eq!(excel_serial_date("9999999"), None);
}

#[test]
fn r004_conflicting_values_keep_the_first_and_name_both_lines() {
    let set = fixture!("r004_conflicting_values.csv");
    assert_eq!(codes(&set), vec![("R004", Some(4)), ("R004", Some(4))]);
    let liq = set
        .diagnostics
        .iter()
        .find(|d| d.message.contains("Liquidation Date"))
        .expect("liquidation conflict");
    assert!(
        liq.message.contains("2026-10-01` on line 2"),
        "{}",
        liq.message
    );
    let imp = set
        .diagnostics
        .iter()
        .find(|d| d.message.contains("Importer Number"))
        .expect("importer conflict");
    assert!(imp.message.contains("`IOR1` on line 2"), "{}", imp.message);
    let e = entry(&set, "B7603245278");
    assert_eq!(e.liquidation_date, Some(jiff::civil::date(2026, 10, 1)));
    assert_eq!(e.importer_number.as_deref(), Some("IOR1"));
    assert_eq!(e.ieepa_duty_cents, 3_000);
    reconciles(&set);
    // Kept first, but never declared on the first reading: review, with both.
    assert!(liq.message.contains("not declared"), "{}", liq.message);
    let d = decide(e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P041"));
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("`IOR2` in `Importer Number` against `IOR1` on line 2")),
        "{:?}",
        d.notes
    );
}

#[test]
fn r005_a_file_without_entry_column_is_refused_naming_columns() {
    let err = parse_entry_data(
        "r005_missing_entry_column.csv",
        include_bytes!("../../tests/fixtures/entries/r005_missing_entry_column.csv"),
    )
    .expect_err("refused");
    assert_eq!(err.code(), Some("R005"));
    let msg = err.to_string();
    assert!(msg.contains("`Importer` (A1), `Amount` (B1)"), "{msg}");
    assert!(msg.contains("Entry Summary Number"), "{msg}");
    assert!(matches!(
        parse_entry_data("e.csv", b"\r\n\r\n"),
        Err(EntryFileError::Empty { .. })
    ));
    assert!(matches!(
        parse_entry_data("p.pdf", b"%PDF-1.7\n"),
        Err(EntryFileError::Unsupported { .. })
    ));
}

#[test]
fn r006_unreadable_hts() {
    let set = fixture!("r006_unreadable_hts.csv");
    assert_eq!(codes(&set), vec![("R006", Some(2)), ("R006", Some(3))]);
    assert!(set.diagnostics[0].message.contains("scientific notation"));
    let e = entry(&set, "B7603245278");
    assert!(e.unreadable_columns.contains(Column::Hts));
    assert_ne!(decide(e, AS_OF).path, EntryPath::NotRefundable);
}

#[test]
fn r007_unreadable_entry_type() {
    let set = fixture!("r007_unreadable_entry_type.csv");
    assert_eq!(codes(&set), vec![("R007", Some(2))]);
    let d = decide(entry(&set, "B7603245278"), AS_OF);
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("`Entry Type Code` unreadable")),
        "{:?}",
        d.notes
    );
}

#[test]
fn r008_duplicate_column_uses_the_first() {
    let set = fixture!("r008_duplicate_column.csv");
    assert_eq!(codes(&set), vec![("R008", Some(1))]);
    assert_eq!(set.entries[0].entry_number.as_str(), "B7603245278");
}

#[test]
fn a_run_date_in_a_title_row_is_the_datas_date() {
    let bytes = b"\"ES-003 Entry Summary Line Tariff Details\"\r\n\"Run Date: 10/01/2026\"\r\nEntry Summary Number,Importer Number\r\nB7603245278,27-184593000\r\n";
    let set = parse_entry_data("t.csv", bytes).expect("read");
    assert_eq!(set.run_date, Some(jiff::civil::date(2026, 10, 1)));
    assert_eq!(
        run_date_of(&["Report Date".into(), "2026-09-30".into()]),
        Some(jiff::civil::date(2026, 9, 30))
    );
    assert_eq!(
        run_date_of(&["Entry Summary Line Tariff Details".into()]),
        None
    );
    let plain = parse_entry_data(
        "p.csv",
        b"Entry Summary Number,Importer Number\r\nB7603245278,27-184593000\r\n",
    )
    .expect("read");
    assert_eq!(plain.run_date, None);
}

#[test]
fn r009_title_rows_above_the_header() {
    let set = fixture!("r009_rows_before_header.csv");
    assert_eq!(codes(&set), vec![("R009", Some(1))]);
    assert_eq!(set.header_line, 4);
    assert_eq!(set.entries[0].first_line, 5);
    // No status column, an empty date column: read as unliquidated; but with no `Entry
    // Date` column the entry is not declared (P037).
    let d = decide(&set.entries[0], AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P037"));
    assert!(d.notes.iter().any(|n| n.contains("read as unliquidated")));
}

#[test]
fn windows_1252_values_are_decoded() {
    let set = fixture!("windows_1252.csv");
    assert!(set.windows_1252);
    assert_eq!(
        set.entries[0].importer_name.as_deref(),
        Some("Soci\u{e9}t\u{e9} G\u{e9}n\u{e9}rale \u{2013} Import")
    );
}

#[test]
fn an_entry_list_alone_goes_to_review_naming_the_liquidation_columns() {
    let set = fixture!("entry_list_only.csv");
    assert_eq!(set.entries.len(), 2);
    assert_eq!(set.columns_present.len(), 1);
    for e in &set.entries {
        let d = decide(e, AS_OF);
        assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P011"));
        assert!(d.notes.iter().any(|n| n.contains("`Liquidation Status`")));
    }
}

#[test]
fn xlsx_with_date_and_number_cells() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let date_format = Format::new().set_num_format("mm/dd/yyyy");
    let headers = [
        "Entry Summary Number",
        "Entry Type Code",
        "Entry Date",
        "HTS Number - Full",
        "Line Tariff Duty Amount",
        "Liquidation Status",
        "Liquidation Date",
    ];
    let mut write = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let ws = wb.add_worksheet();
        for (c, h) in headers.iter().enumerate() {
            ws.write_string(0, c as u16, *h)?;
        }
        ws.write_string(1, 0, "B7610000013")?;
        ws.write_number(1, 1, 1.0)?;
        ws.write_datetime_with_format(1, 2, ExcelDateTime::from_ymd(2025, 6, 2)?, &date_format)?;
        ws.write_number(1, 3, 99030125.0)?;
        ws.write_number(1, 4, 1234.5)?;
        ws.write_string(1, 5, "Liquidated")?;
        ws.write_datetime_with_format(1, 6, ExcelDateTime::from_ymd(2026, 10, 1)?, &date_format)?;
        ws.write_string(2, 0, "B7610000013")?;
        ws.write_string(2, 2, "13/45/2025")?;
        ws.write_number(2, 3, 84713001.0)?;
        ws.write_number(3, 0, 5760693423.0)?;
        wb.save_to_buffer()
    };
    let bytes = write().expect("xlsx");
    let set = parse_entry_data("es003.xlsx", &bytes).expect("read");
    assert_eq!(set.content, Content::Xlsx);
    reconciles(&set);
    assert_eq!((set.rows_read, set.rows_used, set.rows_dropped), (3, 2, 1));
    let e = &set.entries[0];
    assert_eq!(e.entry_type.as_deref(), Some("01"));
    assert_eq!(e.entry_date, Some(jiff::civil::date(2025, 6, 2)));
    assert_eq!(e.liquidation_date, Some(jiff::civil::date(2026, 10, 1)));
    assert_eq!(e.ieepa_duty_cents, 123_450);
    let cells: Vec<(&str, Option<&str>)> = set
        .diagnostics
        .iter()
        .map(|d| (d.code(), d.cell.as_deref()))
        .collect();
    assert_eq!(
        cells,
        vec![("R003", Some("Sheet1!C3")), ("R001", Some("Sheet1!A4"))]
    );
    assert!(
        set.diagnostics[1].message.contains("probably 05760693423"),
        "{}",
        set.diagnostics[1].message
    );
    // The entry date of row 3 is unreadable although row 2's was read: the two may
    // disagree, so the entry is not declared, and the cell is named.
    let d = decide(e, AS_OF);
    assert_eq!((d.path, d.reasons[0]), (EntryPath::Review, "P036"));
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("Sheet1!C3: `13/45/2025` in `Entry Date`")),
        "{:?}",
        d.notes
    );
}

#[test]
fn blank_duty_cells_are_counted_apart_from_explicit_zeros_and_new_columns_are_read() {
    let csv = "Entry Summary Number,HTS Number - Full,Line Tariff Duty Amount,Protest Status,Protest Decision Date,Liquidation Reason Code,AD/CVD Status\n\
B7603245278,99030125,,Denied,10/01/2026,36,Suspended\n\
B7603245278,99030110,0.00,Denied,10/01/2026,36,Suspended\n\
B7610000013,99030125,5.00,,,,\n";
    let set = parse_entry_data("x.csv", csv.as_bytes()).expect("read");
    let first = entry(&set, "B7603245278");
    assert_eq!(first.ieepa_lines, 2);
    assert_eq!(first.ieepa_blank_duty_lines, 1);
    assert_eq!(first.ieepa_dutiable_lines, 0);
    assert_eq!(
        first.protest_decision_date,
        Some(jiff::civil::date(2026, 10, 1))
    );
    assert_eq!(first.liquidation_reason.as_deref(), Some("36"));
    assert_eq!(first.adcvd.as_deref(), Some("Suspended"));
    // The blank line's heading dates the court clock; the explicit zero does not.
    let orders: Vec<&str> = first.ieepa_orders.iter().map(|o| o.order).collect();
    assert_eq!(orders, vec!["EO 14257"]);
    assert_eq!(entry(&set, "B7610000013").ieepa_blank_duty_lines, 0);
}

#[test]
fn hostile_bytes_never_panic() {
    let inputs: [&[u8]; 6] = [
        b"Entry Number,HTS,Duty\n\"B7603245278,99030125\n",
        b"Entry Number\n\xff\xfe\xfd\n",
        b"Entry Number,Liquidation Date\nB7603245278,99/99/9999\n",
        b"Entry Number,HTS,Duty\nB7603245278,99030125,99999999999999999999999\n",
        b"PK\x03\x04xl/ broken zip",
        b"Entry Number,Entry Type Code\nB7603245278,\xe9\xe9\n",
    ];
    for bytes in inputs {
        if let Ok(set) = parse_entry_data("h.csv", bytes) {
            reconciles(&set);
        }
    }
}

#[test]
fn huge_amounts_are_findings_and_an_unknown_duty_not_a_wrapped_sum() {
    // Regression: two duties of $5e16 summed to a negative total, so the entry read as owing
    // nothing.
    let csv = "Entry Summary Number,HTS Number - Full,Line Tariff Duty Amount\n\
               B7603245278,99030125,50000000000000000\n\
               B7603245278,99030125,$50000000000000000.00\n\
               B7610000013,99030125,\"6,000,000,000.00\"\n\
               B7610000013,99030125,\"6,000,000,000.00\"\n\
               B7610000013,99030125,12.00\n";
    let set = parse_entry_data("es003.csv", csv.as_bytes()).expect("read");
    reconciles(&set);
    assert_eq!(
        codes(&set),
        vec![("R002", Some(2)), ("R002", Some(3)), ("R002", Some(5))]
    );
    assert!(
        set.diagnostics[0]
            .message
            .contains("more than $10,000,000,000.00")
    );
    assert!(
        set.diagnostics[2]
            .message
            .contains("brings entry B7610000013's Chapter 99 duty past $10,000,000,000.00"),
        "{}",
        set.diagnostics[2].message
    );
    for n in ["B7603245278", "B7610000013"] {
        let e = entry(&set, n);
        assert!(e.unreadable_columns.contains(Column::Duty), "{n}");
        assert!(e.ieepa_duty_cents >= 0, "{n}: {}", e.ieepa_duty_cents);
        let d = decide(e, AS_OF);
        assert_ne!(d.path, EntryPath::NotRefundable, "{n}");
    }
    assert_eq!(entry(&set, "B7610000013").ieepa_duty_cents, 600_000_001_200);
    assert!(parse_cents("10000000000.00").is_ok());
    assert!(parse_cents("10000000000.01").is_err());
    assert!(parse_cents("-10000000000.01").is_err());
}

#[test]
fn excel_date_serials_outside_real_dates_are_findings_not_clamped_dates() {
    // Regression: date cells of 0, -1 and 1e308 read as 1899-12-31 or 9999-12-31, with no
    // finding, so the entry looked liquidated a century ago (not refundable) or far ahead.
    use rust_xlsxwriter::{Format, Workbook};
    let date = Format::new().set_num_format("mm/dd/yyyy");
    let serials = [0.0, -1.0, 1e308, 2_958_466.0, f64::NAN];
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "Entry Summary Number",
        "Liquidation Status",
        "Liquidation Date",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, u16::try_from(c).expect("col"), *h)
            .expect("cell");
    }
    let numbers = [
        "B7603245278",
        "B7610000013",
        "ABC12345676",
        "05760693423",
        "B7620000011",
    ];
    for (r, (n, v)) in numbers.iter().zip(serials).enumerate() {
        let r = u32::try_from(r + 1).expect("row");
        ws.write_string(r, 0, *n).expect("cell");
        ws.write_string(r, 1, "Liquidated").expect("cell");
        ws.write_number_with_format(r, 2, v, &date).expect("cell");
    }
    let set = parse_entry_data("es003.xlsx", &wb.save_to_buffer().expect("xlsx")).expect("read");
    reconciles(&set);
    assert_eq!(
        codes(&set),
        vec![
            ("R003", Some(2)),
            ("R003", Some(3)),
            ("R003", Some(4)),
            ("R003", Some(5)),
            ("R003", Some(6))
        ]
    );
    for (n, d) in numbers.iter().zip(&set.diagnostics) {
        assert!(d.message.contains("outside 1990-2100"), "{}", d.message);
        let e = entry(&set, n);
        assert_eq!(e.liquidation_date, None, "{n}");
        assert!(
            e.unreadable_columns.contains(Column::LiquidationDate),
            "{n}"
        );
        assert_eq!(decide(e, AS_OF).path, EntryPath::Review, "{n}");
    }
    // Text dates are held to the same years.
    assert!(parse_date("12/31/9999").is_err());
    assert!(parse_date("1899-12-31").is_err());
    assert!(parse_date("01/01/1990").is_ok());
    assert!(parse_date("12/31/2100").is_ok());
}

#[test]
fn r014_a_placeholder_importer_is_read_as_no_importer_number() {
    let set = fixture!("r014_placeholder_importer.csv");
    reconciles(&set);
    let placeholders = [
        ("B7630001009", "N/A"),
        ("B7630001017", "0"),
        ("B7630001025", "-"),
        ("B7630001033", "NONE"),
        ("B7630001041", "UNKNOWN"),
        ("B7630001058", "TBD"),
        ("B7630001066", "00-000000000"),
        ("B7630001074", "?"),
        ("B7630001082", "n/a"),
    ];
    for (n, value) in placeholders {
        let e = entry(&set, n);
        assert_eq!(
            e.importer_number, None,
            "{n}: `{value}` kept as an importer"
        );
        let d = set
            .diagnostics
            .iter()
            .find(|d| d.code() == "R014" && d.message.contains(n))
            .unwrap_or_else(|| panic!("no R014 finding for {n}: {:?}", codes(&set)));
        assert!(d.message.contains(&format!("`{value}`")), "{}", d.message);
        assert!(d.message.contains("`Importer Number`"), "{}", d.message);
    }
    assert_eq!(
        set.diagnostics
            .iter()
            .filter(|d| d.code() == "R014")
            .count(),
        placeholders.len()
    );
    // The real forms are kept as written.
    for (n, value) in [
        ("B7630002007", "22-222222200"),
        ("B7630003005", "27-184593000"),
        ("B7630003013", "261234-56789"),
        ("B7630003021", "123-45-6789"),
    ] {
        assert_eq!(entry(&set, n).importer_number.as_deref(), Some(value));
    }
}

#[test]
fn placeholder_importers_and_real_forms() {
    for p in [
        "N/A",
        "n/a",
        "NA",
        "0",
        "-",
        "--",
        "?",
        "NONE",
        "None",
        "UNKNOWN",
        "TBD",
        "00-000000000",
        "000000-00000",
        "XX-XXXXXXX00",
        "null",
        " . ",
    ] {
        assert!(super::values::placeholder_importer(p), "{p}");
    }
    for real in [
        "27-184593000",
        "12-3456789AB",
        "261234-56789",
        "123-45-6789",
        "IOR-A",
        "10-000000001",
    ] {
        assert!(!super::values::placeholder_importer(real), "{real}");
    }
}

#[test]
fn flag_cells_read_negatives_as_no_and_say_what_they_cannot_read() {
    let csv = "Entry Summary Number,Entry Date,HTS Number - Full,Line Tariff Duty Amount,Drawback Indicator,Reconciliation Indicator,ADCVD Status\n\
C4500000269,03/10/2025,99030125,$100.00,N/A,Not Flagged,NA\n\
C4500000277,03/10/2025,99030125,$100.00,No Drawback,No Recon,Not Applicable\n\
C4500000285,03/10/2025,99030125,$100.00,DBK-2026-0001,001,A-570-967\n\
C4500000293,03/10/2025,99030125,$100.00,See notes,Maybe,Suspended\n";
    let set = parse_entry_data("flags.csv", csv.as_bytes()).expect("read");
    for n in ["C4500000269", "C4500000277", "C4500000285"] {
        let e = entry(&set, n);
        assert!(
            e.unreadable_columns.is_empty(),
            "{n}: {:?}",
            e.doubtful_cells
        );
    }
    let e = entry(&set, "C4500000293");
    assert!(e.unreadable_columns.contains(Column::Drawback));
    assert!(
        e.unreadable_columns
            .contains(Column::ReconciliationIndicator)
    );
    // A status of the AD/CVD column is read as one.
    assert!(!e.unreadable_columns.contains(Column::AdCvd));
    let flags: Vec<_> = set
        .diagnostics
        .iter()
        .filter(|d| d.code() == "R015")
        .collect();
    assert_eq!(flags.len(), 2, "{:?}", set.diagnostics);
    for said in [
        "`See notes` in `Drawback Indicator`",
        "`Maybe` in `Reconciliation Indicator`",
    ] {
        assert!(
            flags
                .iter()
                .any(|d| d.message.contains(said) && d.line == Some(5)),
            "{said}: {flags:?}"
        );
    }
}

#[test]
fn headers_under_other_names_are_read_and_the_rest_are_named() {
    for (h, c) in [
        ("Tariff Number - Full", Column::Hts),
        ("Line Tariff Duty Amt", Column::Duty),
        ("Entry Date (MM/DD/YYYY)", Column::EntryDate),
        ("Importer of Record", Column::ImporterNumber),
        ("Liquidation Reason Description", Column::LiquidationReason),
        ("Liq Reason Desc", Column::LiquidationReason),
        ("Drawback Claim Nbr", Column::Drawback),
        ("AD/CVD Case Number", Column::AdCvd),
        ("Duty [USD]", Column::Duty),
    ] {
        assert_eq!(column_of(h), Some(c), "{h}");
    }
    let csv = "Entry Summary Number,Country of Origin Code,Entry Date,Broker Ref\n\
B7630001009,CN,02/01/2026,R-1\n";
    let set = parse_entry_data("unread.csv", csv.as_bytes()).expect("read");
    let unread: Vec<_> = set
        .diagnostics
        .iter()
        .filter(|d| d.code() == "R016")
        .collect();
    assert_eq!(unread.len(), 1, "{:?}", set.diagnostics);
    assert_eq!(unread[0].severity(), Severity::Warning);
    assert_eq!(unread[0].line, Some(1));
    let m = &unread[0].message;
    assert!(
        m.contains("`Country of Origin Code` (B), `Broker Ref` (D)"),
        "{m}"
    );
    assert!(m.contains("`HTS Number - Full`"), "{m}");
    assert!(!m.contains("`Entry Date`,"), "{m}");
    // A file whose every header is read says nothing.
    let all = "Entry Summary Number,Entry Date\nB7630001009,02/01/2026\n";
    let set = parse_entry_data("all.csv", all.as_bytes()).expect("read");
    assert!(set.diagnostics.is_empty(), "{:?}", set.diagnostics);
}
