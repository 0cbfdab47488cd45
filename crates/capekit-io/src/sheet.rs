//! Tables for people: CSV for programs and XLSX for Excel, from the same rows.
//!
//! In the workbook every value is a text cell, so Excel never turns an entry or claim number
//! into a float or drops a leading zero; the header is frozen, filtered and sized. In both files a
//! value that starts like a formula (`=`, `+`, `-`, `@`) is prefixed with `'` so that a message
//! from CBP can never run as a formula (CSV injection).

use rust_xlsxwriter::{Format, Workbook};

/// A table: header and rows of text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SheetTable {
    /// Column headers.
    pub headers: Vec<&'static str>,
    /// Column widths in characters (same length as headers).
    pub widths: Vec<f64>,
    /// Rows.
    pub rows: Vec<Vec<String>>,
}

/// Neutralises a value that a spreadsheet would read as a formula.
pub fn defuse(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// The table as CSV (UTF-8, CRLF, header first).
pub fn to_csv(table: &SheetTable) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(&table.headers)?;
    for row in &table.rows {
        // Field by field, so that a value needing no `'` is written without a copy.
        for v in row {
            w.write_field(defuse(v).as_bytes())?;
        }
        w.write_record(None::<&[u8]>)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The table as an XLSX workbook with one sheet.
pub fn to_xlsx(
    sheet_name: &str,
    table: &SheetTable,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name)?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    for (c, h) in table.headers.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, c, *h, &bold)?;
        let width = table.widths.get(usize::from(c)).copied().unwrap_or(14.0);
        ws.set_column_width(c, width)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, v) in row.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            ws.write_string_with_format(r, c, defuse(v).as_ref(), &text)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    let last_row = u32::try_from(table.rows.len()).unwrap_or(u32::MAX);
    let last_col = u16::try_from(table.headers.len().saturating_sub(1)).unwrap_or(0);
    ws.autofilter(0, 0, last_row, last_col)?;
    wb.save_to_buffer()
}

/// Adds `worklist.csv` (and `worklist.xlsx` when `with_xlsx`) of `table` under `dir` to `set`,
/// returning their paths: the worklist files every command writes the same way.
pub fn add_worklist(
    set: &mut crate::output::OutputSet,
    dir: &std::path::Path,
    table: &SheetTable,
    with_xlsx: bool,
) -> Result<(std::path::PathBuf, Option<std::path::PathBuf>), crate::output::WriteError> {
    use crate::output::WriteError;
    let csv_path = dir.join("worklist.csv");
    let csv = to_csv(table).map_err(|e| WriteError::Io {
        path: csv_path.clone(),
        source: std::io::Error::other(e.to_string()),
    })?;
    set.add(&csv_path, csv);
    if !with_xlsx {
        return Ok((csv_path, None));
    }
    let xlsx_path = dir.join("worklist.xlsx");
    let xlsx = to_xlsx("Worklist", table).map_err(|e| WriteError::Workbook {
        path: xlsx_path.clone(),
        message: e.to_string(),
    })?;
    set.add(&xlsx_path, xlsx);
    Ok((csv_path, Some(xlsx_path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SheetTable {
        SheetTable {
            headers: vec!["entry_number", "message"],
            widths: vec![14.0, 40.0],
            rows: vec![vec!["05760693427".into(), "=HYPERLINK(\"x\")".into()]],
        }
    }

    #[test]
    fn csv_defuses_formulas() {
        let bytes = to_csv(&sample()).expect("csv");
        let s = String::from_utf8(bytes).expect("utf8");
        assert_eq!(
            s,
            "entry_number,message\r\n05760693427,\"'=HYPERLINK(\"\"x\"\")\"\r\n"
        );
    }

    #[test]
    fn xlsx_keeps_entry_numbers_as_text() {
        let bytes = to_xlsx("Worklist", &sample()).expect("xlsx");
        let t = crate::table::read_table(&bytes).expect("read back");
        assert_eq!(t.rows[1].fields[0], "05760693427");
        assert_eq!(t.rows[0].sheet.as_deref(), Some("Worklist"));
    }
}
