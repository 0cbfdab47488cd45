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

/// Characters one Excel cell holds.
pub const EXCEL_CELL_CHARS: usize = 32_767;

/// A value cut to what a cell holds, ending in `…` when cut: a longer CBP message must not make
/// the workbook, and with it every output of the run, fail. The CSV keeps the whole value.
fn fit_cell(value: &str) -> std::borrow::Cow<'_, str> {
    match value.char_indices().nth(EXCEL_CELL_CHARS - 1) {
        Some((end, _)) if value[end..].chars().nth(1).is_some() => {
            std::borrow::Cow::Owned(format!("{}\u{2026}", &value[..end]))
        }
        _ => std::borrow::Cow::Borrowed(value),
    }
}

/// Data rows one sheet holds: Excel's 1,048,576 rows less the header.
pub const EXCEL_DATA_ROWS: usize = 1_048_575;

/// The table as an XLSX workbook: one sheet named `sheet_name`, continued on `NAME (2)`,
/// `NAME (3)`... when the rows pass Excel's limit, each sheet with the header.
pub fn to_xlsx(
    sheet_name: &str,
    table: &SheetTable,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    to_xlsx_paged(sheet_name, table, EXCEL_DATA_ROWS)
}

/// [`to_xlsx`] with at most `rows_per_sheet` data rows on a sheet (at least one).
pub fn to_xlsx_paged(
    sheet_name: &str,
    table: &SheetTable,
    rows_per_sheet: usize,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let rows_per_sheet = rows_per_sheet.clamp(1, EXCEL_DATA_ROWS);
    let pages: Vec<&[Vec<String>]> = if table.rows.is_empty() {
        vec![&[]]
    } else {
        table.rows.chunks(rows_per_sheet).collect()
    };
    for (page, rows) in pages.into_iter().enumerate() {
        let ws = wb.add_worksheet();
        if page == 0 {
            ws.set_name(sheet_name)?;
        } else {
            ws.set_name(format!("{sheet_name} ({})", page + 1))?;
        }
        for (c, h) in table.headers.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            ws.write_string_with_format(0, c, *h, &bold)?;
            let width = table.widths.get(usize::from(c)).copied().unwrap_or(14.0);
            ws.set_column_width(c, width)?;
        }
        for (r, row) in rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (c, v) in row.iter().enumerate() {
                let c = u16::try_from(c).unwrap_or(u16::MAX);
                ws.write_string_with_format(r, c, fit_cell(&defuse(v)).as_ref(), &text)?;
            }
        }
        ws.set_freeze_panes(1, 0)?;
        let last_row = u32::try_from(rows.len()).unwrap_or(u32::MAX);
        let last_col = u16::try_from(table.headers.len().saturating_sub(1)).unwrap_or(0);
        ws.autofilter(0, 0, last_row, last_col)?;
    }
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

    #[test]
    fn rows_past_a_sheet_continue_on_the_next_sheet() {
        // Regression: more than 1,048,575 worklist rows made the workbook fail, and with it the
        // whole output set: triage wrote nothing, refile included.
        let mut t = sample();
        t.rows = (1..=7)
            .map(|i| vec![format!("B76032452{i:02}"), "r".to_owned()])
            .collect();
        let bytes = to_xlsx_paged("Worklist", &t, 3).expect("xlsx");
        let mut wb: calamine::Xlsx<_> =
            calamine::Reader::new(std::io::Cursor::new(&bytes[..])).expect("open");
        let names = calamine::Reader::sheet_names(&wb);
        assert_eq!(names, ["Worklist", "Worklist (2)", "Worklist (3)"]);
        let mut seen = Vec::new();
        for name in &names {
            let range = calamine::Reader::worksheet_range(&mut wb, name).expect("sheet");
            let rows: Vec<Vec<String>> = range
                .rows()
                .map(|r| r.iter().map(ToString::to_string).collect())
                .collect();
            assert_eq!(rows[0][0], t.headers[0], "{name} starts with the header");
            seen.extend(rows.into_iter().skip(1).map(|r| r[0].clone()));
        }
        let all: Vec<String> = t.rows.iter().map(|r| r[0].clone()).collect();
        assert_eq!(seen, all, "every row once, in order");
        let one: calamine::Xlsx<_> =
            calamine::Reader::new(std::io::Cursor::new(to_xlsx("Worklist", &t).expect("xlsx")))
                .expect("open");
        assert_eq!(calamine::Reader::sheet_names(&one), ["Worklist"]);
    }

    #[test]
    fn a_sheet_holds_excel_data_rows_below_its_header() {
        // The limit is Excel's: a cell on the last row after the header is writable, one row
        // further is not.
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        let last = u32::try_from(EXCEL_DATA_ROWS).expect("fits");
        assert!(ws.write_string(last, 0, "last").is_ok());
        assert!(ws.write_string(last + 1, 0, "beyond").is_err());
    }

    #[test]
    fn a_value_longer_than_a_cell_is_cut_not_a_failed_workbook() {
        let mut t = sample();
        let long = "x".repeat(EXCEL_CELL_CHARS + 10);
        t.rows.push(vec!["B7603245278".into(), long.clone()]);
        let bytes = to_xlsx("Worklist", &t).expect("xlsx");
        let back = crate::table::read_table(&bytes).expect("read back");
        let cell = &back.rows[2].fields[1];
        assert_eq!(cell.chars().count(), EXCEL_CELL_CHARS);
        assert!(cell.ends_with('\u{2026}'));
        assert_eq!(fit_cell(&long[..EXCEL_CELL_CHARS]).len(), EXCEL_CELL_CHARS);
        assert!(
            String::from_utf8(to_csv(&t).expect("csv"))
                .expect("utf8")
                .contains(&long)
        );
    }
}
