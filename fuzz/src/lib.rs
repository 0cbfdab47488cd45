//! What the fuzz targets share: the invariants each reader promises, checked on whatever the
//! fuzzer feeds it, and the wrapping of a fuzzed sheet into a valid workbook.
//!
//! A workbook is a zip archive with checksums: random bytes almost never open as one, so the
//! XLSX targets fuzz the sheet's XML and let [`workbook`] pack it, with correct checksums,
//! beside fixed workbook parts.

use std::io::{Cursor, Write};

use capekit_io::claims::parse_claim_file;
use capekit_io::entries::parse_entry_data;

/// Every data row of a Claim Details or Validation Result File becomes a claim row or a
/// finding; the text printers never see a raw control character.
pub fn claims(name: &str, bytes: &[u8]) {
    let Ok(file) = parse_claim_file(name, bytes) else {
        return;
    };
    assert!(
        file.rows.len() <= file.data_rows && file.data_rows <= file.rows.len() + file.diagnostics.len(),
        "data rows {} = {} rows + findings among {}",
        file.data_rows,
        file.rows.len(),
        file.diagnostics.len()
    );
    for d in &file.diagnostics {
        assert_printable(&capekit_io::render::escape_controls(&d.message));
    }
}

/// Every data row of an ES-003 export is used or dropped (with a finding); every entry read can
/// be decided; no amount is negative where the reader promises a dutiable total.
pub fn entries(name: &str, bytes: &[u8]) {
    let Ok(set) = parse_entry_data(name, bytes) else {
        return;
    };
    assert_eq!(set.rows_read, set.rows_used + set.rows_dropped, "rows read = used + dropped");
    let as_of = jiff::civil::date(2026, 11, 24);
    for e in &set.entries {
        assert!(e.ieepa_duty_cents >= 0, "IEEPA duty {}", e.ieepa_duty_cents);
        assert!(e.ieepa_duty_cents <= capekit_io::entries::MAX_AMOUNT_CENTS);
        let _ = capekit_core::path::decide(e, as_of);
    }
}

/// A declaration is read, judged and repaired; every data row of the repair is accounted for;
/// the printed report holds no raw control character.
pub fn declaration(bytes: &[u8]) {
    let input = capekit_io::declaration::parse_declaration("fuzz.csv", bytes);
    let report = capekit_core::check::check(&input, &capekit_core::check::CheckOptions::default());
    assert_printable(&capekit_io::render::check_text(&report));
    let plan = capekit_core::fix::plan_fix(&input, None);
    assert!(plan.reconciles(), "fix plan does not reconcile: {plan:?}");
    assert_printable(&capekit_io::render::fix_text(&plan, &[]));
}

/// A refund report is read or refused, never a panic; every row read is a refund event or a
/// finding; amounts are within what the reader promises; findings print cleanly.
pub fn refunds(name: &str, bytes: &[u8]) {
    let Ok(Some(file)) = capekit_io::refunds::parse_refund_file(name, bytes) else {
        return;
    };
    for e in &file.events {
        for c in [e.principal_cents, e.interest_cents].into_iter().flatten() {
            assert!(c.abs() <= capekit_io::entries::MAX_AMOUNT_CENTS, "amount {c}");
        }
    }
    for d in &file.diagnostics {
        assert_printable(&capekit_io::render::escape_controls(&d.message));
    }
}

/// Whatever the bytes, the recognizer names one kind (or refuses), and its words print cleanly.
pub fn recognize(name: &str, bytes: &[u8]) {
    if let Ok(r) = capekit_io::recognize::recognize(name, bytes) {
        assert_printable(&capekit_io::render::escape_controls(&r.describe()));
        if let capekit_io::recognize::Recognized::Unknown(u) = &r {
            assert_printable(&capekit_io::render::escape_controls(&u.explain()));
        }
    }
}

fn assert_printable(text: &str) {
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t'),
        "raw control character in printed text: {text:?}"
    );
}

/// False when a cell or range address of `sheet_data` (an `r` or `ref` attribute) would make
/// calamine 0.38 overflow: its address parser multiplies unchecked, so 7 letters and more (26^7
/// passes `u32`) or 10 digits and more panic where overflow checks are on, as in these builds.
/// capekit's reader turns that panic into a refusal (the unit test
/// `an_overflowing_cell_address_is_refused_not_a_panic` proves it), but libFuzzer aborts at any
/// panic before it can be caught, so the XLSX targets skip such inputs to fuzz the rest.
pub fn addresses_fit(sheet_data: &[u8]) -> bool {
    let mut i = 0;
    while i < sheet_data.len() {
        let rest = &sheet_data[i..];
        let name_len = if rest.starts_with(b"ref=") {
            3
        } else if rest.starts_with(b"r=") {
            1
        } else {
            i += 1;
            continue;
        };
        let attribute = i == 0 || !sheet_data[i - 1].is_ascii_alphanumeric();
        i += name_len + 1;
        let Some(&quote) = sheet_data.get(i) else {
            break;
        };
        if !attribute || (quote != b'"' && quote != b'\'') {
            continue;
        }
        let value = &sheet_data[i + 1..];
        let end = value.iter().position(|&b| b == quote).unwrap_or(value.len());
        let (mut letters, mut digits) = (0usize, 0usize);
        for &b in &value[..end] {
            letters = if b.is_ascii_alphabetic() { letters + 1 } else { 0 };
            digits = if b.is_ascii_digit() { digits + 1 } else { 0 };
            if letters >= 7 || digits >= 10 {
                return false;
            }
        }
        i += 1 + end;
    }
    true
}

#[cfg(test)]
mod tests {
    #[test]
    fn addresses_that_overflow_calamine_are_told_apart() {
        use super::addresses_fit;
        assert!(addresses_fit(br#"<c r="XFD1048576" t="inlineStr"><f ref="A1:B2"/></c>"#));
        assert!(!addresses_fit(br#"<c r="nlineStr">"#));
        assert!(!addresses_fit(br#"<c r="A12345678901">"#));
        assert!(!addresses_fit(br#"<f ref='A1:AAAAAAA1'/>"#));
        assert!(addresses_fit(br#"<c t="inlineStr" s="1234567890123">"#));
    }
}

/// An XLSX workbook whose first sheet's `<sheetData>` holds `sheet_data` and whose shared
/// strings are `ONE`, `TWO` (so that `t="s"` cells can point at them).
pub fn workbook(sheet_data: &[u8]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let mut sheet = br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#.to_vec();
    sheet.extend_from_slice(sheet_data);
    sheet.extend_from_slice(b"</sheetData></worksheet>");
    let parts: [(&str, &[u8]); 7] = [
        ("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#),
        ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ("xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ("xl/_rels/workbook.xml.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#),
        ("xl/sharedStrings.xml", br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>ONE</t></si><si><t>TWO</t></si></sst>"#),
        ("xl/styles.xml", br#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="mm/dd/yyyy"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>"#),
        ("xl/worksheets/sheet1.xml", &sheet),
    ];
    for (name, bytes) in parts {
        if z.start_file(name, options).is_err() || z.write_all(bytes).is_err() {
            return Vec::new();
        }
    }
    z.finish().map(Cursor::into_inner).unwrap_or_default()
}
