use std::collections::HashSet;
use std::sync::Arc;

use calamine::{Data, Reader};
use capekit_core::EntryNumber;
use capekit_core::interest::RATES;
use capekit_core::refunds::{
    AcceptedEntry, ReconcileInput, RefundEvent, RefundFacts, RefundReport, RefundStatus,
    StatusRead, reconcile,
};
use jiff::civil::date;

use super::*;

fn entry(n: u32) -> EntryNumber {
    EntryNumber::from_parts("B76", n).expect("entry")
}

/// Two importers: A with a paid entry and a held one, B with one entry awaiting liquidation.
fn sample() -> Reconciliation {
    let mut facts = capekit_core::refunds::FactsMap::default();
    let mut accepted = Vec::new();
    for (n, importer, duty) in [
        (1, "AA-1", 500_000),
        (2, "AA-1", 100_000),
        (3, "=BB/2", 7_000),
    ] {
        facts.insert(
            entry(n),
            RefundFacts {
                importer: Some(Arc::from(importer)),
                importer_name: Some(Arc::from("<Acme & Co>")),
                ieepa_duty_cents: Some(duty),
                entry_summary_date: Some(date(2025, 6, 10)),
                liquidation_status: Some(Arc::from("Liquidated")),
                liquidation_date: (n != 3).then_some(date(2026, 6, 10)),
                ..RefundFacts::default()
            },
        );
        accepted.push(AcceptedEntry {
            entry: entry(n),
            claim: Arc::from("100000241223"),
            accepted_by: date(2026, 5, 1),
        });
    }
    let ev = |n: u32, refund: &str, status: RefundStatus| RefundEvent {
        entry: Some(entry(n)),
        refund_number: Some(Arc::from(refund)),
        principal_cents: Some(if n == 1 { 500_000 } else { 100_000 }),
        interest_cents: Some(0),
        status: Some(StatusRead::Known(status)),
        ..RefundEvent::new(
            RefundReport::Rev615,
            Arc::from("rev615.csv"),
            1,
            u64::from(n) + 1,
        )
    };
    reconcile(&ReconcileInput {
        as_of: date(2026, 8, 1),
        accepted,
        facts,
        events: vec![
            ev(1, "R-1", RefundStatus::TreasuryIssued),
            ev(2, "R-2", RefundStatus::CheckAchReturned),
        ],
        corporate: HashSet::new(),
        readiness: Default::default(),
        importer: None,
        rejected: Default::default(),
        rates: RATES,
    })
}

#[test]
fn the_workbook_has_typed_cells_on_three_sheets() {
    let rec = sample();
    let bytes = refunds_workbook(&rec, &[]).expect("xlsx");
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("open");
    assert_eq!(wb.sheet_names(), ["Importers", "Entries", "Problems"]);
    let entries = wb.worksheet_range("Entries").expect("sheet");
    // Importers in order of their numbers: `=BB/2` sorts before `AA-1`.
    let row: Vec<&Data> = entries.rows().nth(2).expect("row").iter().collect();
    assert_eq!(
        row[1],
        &Data::String(entry(1).as_str().to_owned()),
        "entry as text"
    );
    assert!(
        matches!(row[3], Data::DateTime(_)),
        "accepted by: {:?}",
        row[3]
    );
    assert_eq!(row[5], &Data::Float(5_000.0), "duty in dollars");
    assert!(
        matches!(row[15], Data::DateTime(_)),
        "liquidation: {:?}",
        row[15]
    );
    let importers = wb.worksheet_range("Importers").expect("sheet");
    let header: Vec<String> = importers
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(header.contains(&"Interest (estimate)".to_owned()));
    assert!(header.contains(&"Owed (estimate)".to_owned()));
    // A text that starts like a formula is defused.
    let b = importers.rows().nth(1).expect("row B");
    assert_eq!(b[0], Data::String("'=BB/2".to_owned()));
    let problems = wb.worksheet_range("Problems").expect("sheet");
    let codes: Vec<String> = problems.rows().skip(1).map(|r| r[0].to_string()).collect();
    assert!(codes.contains(&"T006".to_owned()), "{codes:?}");
}

#[test]
fn an_importers_page_holds_only_its_entries() {
    let rec = sample();
    let a = rec
        .importers
        .iter()
        .find(|t| t.importer == "AA-1")
        .expect("AA-1");
    let html = importer_page(&rec, a);
    assert!(html.contains(&entry(1).to_string()));
    assert!(html.contains(&entry(2).to_string()));
    assert!(
        !html.contains(&entry(3).to_string()),
        "another importer's entry"
    );
    assert!(!html.contains("=BB/2"));
    assert!(html.contains("&lt;Acme &amp; Co&gt;"), "escaped");
    assert!(html.contains("<b>estimates</b>"));
    assert!(html.contains("only the importer"), "what to do about ACH");
    assert!(
        !html.contains("/tmp") && !html.contains("rev615.csv line"),
        "no paths or files"
    );
    assert!(!html.contains("<script"));
}

#[test]
fn page_names_are_safe_file_names() {
    let d = date(2026, 8, 1);
    assert_eq!(
        page_name("12-3456789AA", d),
        "refunds-12-3456789AA-2026-08-01.html"
    );
    assert_eq!(page_name("../x y", d), "refunds-x-y-2026-08-01.html");
    assert_eq!(
        page_name(UNKNOWN_IMPORTER, d),
        "refunds-unknown-importer-2026-08-01.html"
    );
    let rec = sample();
    let mut set = OutputSet::new();
    let out = add_refund_outputs(&mut set, Path::new("out"), &rec, &[]).expect("outputs");
    let names: Vec<String> = set
        .paths()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "out/refunds-2026-08-01.xlsx",
            "out/refunds-BB2-2026-08-01.html",
            "out/refunds-AA-1-2026-08-01.html"
        ]
    );
    assert_eq!(out.pages.len(), 2);
}

#[test]
fn the_text_summary_says_where_the_money_is() {
    let rec = sample();
    let text = refunds_text(&rec, None, &[]);
    assert!(
        text.contains("importer AA-1 (<Acme & Co>): 2 entries accepted"),
        "{text}"
    );
    assert!(text.contains("T006 refund-returned: 1 entry"), "{text}");
    assert!(text.contains("the sum holds"), "{text}");
}

#[test]
fn rows_past_a_sheet_continue_on_the_next() {
    let rec = sample();
    let bytes = refunds_workbook_paged(&rec, &[], 2).expect("xlsx");
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("open");
    assert_eq!(
        wb.sheet_names(),
        [
            "Importers",
            "Entries",
            "Entries (2)",
            "Problems",
            "Problems (2)",
            "Problems (3)",
            "Problems (4)"
        ]
    );
    // The importers' own findings (T018 for `=BB/2`: nothing issued by Treasury, no ACH
    // enrollment known) are rows of Problems too, with their importer (defused) and no entry.
    let mut importer_rows = Vec::new();
    for name in ["Problems", "Problems (2)", "Problems (3)", "Problems (4)"] {
        let range = wb.worksheet_range(name).expect("sheet");
        for r in range.rows().skip(1) {
            let cells: Vec<String> = r.iter().map(ToString::to_string).collect();
            if cells[0] == "T018" {
                importer_rows.push((cells[3].clone(), cells[4].clone()));
            }
        }
    }
    assert!(
        importer_rows
            .iter()
            .any(|(importer, entry)| importer == "'=BB/2" && entry.is_empty()),
        "{importer_rows:?}"
    );
    let mut seen = Vec::new();
    for name in ["Entries", "Entries (2)"] {
        let range = wb.worksheet_range(name).expect("sheet");
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(ToString::to_string).collect())
            .collect();
        assert_eq!(rows[0][1], "Entry", "{name} starts with the header");
        seen.extend(rows.into_iter().skip(1).map(|r| r[1].clone()));
    }
    let all: Vec<String> = rec
        .entries
        .iter()
        .map(|e| e.entry.as_str().to_owned())
        .collect();
    assert_eq!(seen, all, "every entry once, in order");
}

#[test]
fn cells_written_without_a_format_take_their_columns() {
    use std::io::Read;
    let rec = sample();
    let bytes = refunds_workbook(&rec, &[]).expect("xlsx");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut read = |name: &str| {
        let mut s = String::new();
        zip.by_name(name)
            .expect(name)
            .read_to_string(&mut s)
            .expect("utf-8");
        s
    };
    let sheet = read("xl/worksheets/sheet2.xml");
    let styles = read("xl/styles.xml");
    let number_after = |text: &str, key: &str| -> usize {
        let at = text.find(key).unwrap_or_else(|| panic!("{key} in {text}")) + key.len();
        text[at..]
            .split('"')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("a number after {key}"))
    };
    let xfs = &styles[styles.find("<cellXfs").expect("cellXfs")..];
    // The number format of a cell: its style's, by the style index the cell carries.
    let format_of = |cell: &str| -> String {
        let style = number_after(&sheet, &format!("<c r=\"{cell}\" s=\""));
        let xf = xfs.split("<xf ").nth(style + 1).expect("xf");
        let id = number_after(xf, "numFmtId=\"");
        if id == 49 {
            return "@".to_owned();
        }
        let key = format!("<numFmt numFmtId=\"{id}\" formatCode=\"");
        let at = styles.find(&key).expect("numFmt") + key.len();
        styles[at..].split('"').next().unwrap_or("").to_owned()
    };
    // Row 3 of Entries: entry (text), accepted by (date), IEEPA duty (money).
    assert_eq!(format_of("B3"), "@");
    assert_eq!(format_of("D3"), "yyyy-mm-dd");
    assert_eq!(format_of("F3"), "$#,##0.00;-$#,##0.00");
}
