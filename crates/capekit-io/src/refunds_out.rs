//! Printers of a refund reconciliation: `refunds-DATE.xlsx` (one sheet per view: importers, entries,
//! problems), one report page per importer (`refunds-IMPORTER-DATE.html`, safe to send to that
//! importer: only its entries, no local paths), and the text summary.
//!
//! The workbook's cells are typed: amounts are numbers in a currency format, dates are dates,
//! entry, claim, declaration and refund numbers are text (so Excel never turns them into
//! floats), and no text cell can run as a formula. Every figure that rests on the interest
//! estimate says so in its header.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use capekit_core::diag::{Diagnostic, Severity};
use capekit_core::path::format_cents as money;
use capekit_core::refunds::reconcile::{EntryRefund, LiquidationSeen, UNKNOWN_IMPORTER};
use capekit_core::refunds::{ImporterRefunds, Reconciliation};
use jiff::civil::Date;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::html::{esc, page};
use crate::output::{OutputSet, WriteError};
use crate::sheet::defuse;

/// The files a reconciliation writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefundOutputs {
    /// `refunds-DATE.xlsx`.
    pub workbook: PathBuf,
    /// One page per importer: (importer, path).
    pub pages: Vec<(String, PathBuf)>,
}

/// Rows an importer's page lists: those to act on first. A larger importer's page says how many
/// more there are (all are in the workbook).
pub const PAGE_ROWS: usize = 5_000;

/// The file name of an importer's page on `as_of`: `refunds-12-3456789AA-2026-12-01.html`
/// ([`crate::names`]).
pub fn page_name(importer: &str, as_of: Date) -> String {
    page_name_numbered(importer, as_of, None)
}

fn page_name_numbered(importer: &str, as_of: Date, n: Option<usize>) -> String {
    let importer = if importer == UNKNOWN_IMPORTER {
        crate::names::UNKNOWN_IMPORTER
    } else {
        importer
    };
    let who = match n {
        Some(n) => format!("{importer}-{n}"),
        None => importer.to_owned(),
    };
    crate::names::output_name(
        crate::names::Kind::RefundsPage,
        crate::names::Whose {
            importer: Some(&who),
            ..crate::names::Whose::default()
        },
        as_of,
        None,
    )
}

/// The workbook's name on `as_of`: `refunds-2026-12-01.xlsx` ([`crate::names`]).
pub fn workbook_name(as_of: Date) -> String {
    crate::names::output_name(
        crate::names::Kind::RefundsWorkbook,
        crate::names::Whose::default(),
        as_of,
        None,
    )
}

/// Adds the workbook and the importers' pages under `dir` to `set`.
pub fn add_refund_outputs(
    set: &mut OutputSet,
    dir: &Path,
    rec: &Reconciliation,
    diagnostics: &[Diagnostic],
) -> Result<RefundOutputs, WriteError> {
    let workbook = dir.join(workbook_name(rec.as_of));
    // The workbook (a million entry rows, streamed to its temporary file) on a thread of its
    // own, the importers' pages beside it.
    let (book, texts) = std::thread::scope(|s| {
        let book = s.spawn(|| -> Result<tempfile::NamedTempFile, WriteError> {
            let _t = crate::timings::phase("refunds output refunds.xlsx");
            let mut tmp = OutputSet::stage(&workbook)?;
            refunds_workbook_to(
                rec,
                diagnostics,
                crate::sheet::EXCEL_DATA_ROWS,
                tmp.as_file_mut(),
            )
            .map_err(|e| WriteError::Workbook {
                path: workbook.clone(),
                message: e.to_string(),
            })?;
            Ok(tmp)
        });
        let texts: Vec<String> = {
            let _t = crate::timings::phase("refunds output pages");
            let by = by_importer(rec);
            rec.importers
                .iter()
                .map(|t| {
                    importer_page_of(
                        rec,
                        t,
                        by.get(t.importer.as_str()).map_or(&[][..], Vec::as_slice),
                    )
                })
                .collect()
        };
        // A panic on the workbook's thread is a bug: it goes on here as it would have there.
        let book = book.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        (book, texts)
    });
    set.add_staged(&workbook, book?);
    let mut pages = Vec::with_capacity(rec.importers.len());
    let mut taken = crate::names::Taken::new();
    for (t, text) in rec.importers.iter().zip(texts) {
        // Two importer numbers that differ only in characters left out: numbered apart.
        let name = taken
            .claim(|n| vec![page_name_numbered(&t.importer, rec.as_of, n)])
            .remove(0);
        let path = dir.join(&name);
        set.add(&path, text.into_bytes());
        pages.push((t.importer.clone(), path));
    }
    Ok(RefundOutputs { workbook, pages })
}

/// Cell formats of the workbook.
struct Formats {
    bold: Format,
    text: Format,
    money: Format,
    date: Format,
    /// For a number in a column formatted otherwise: General, said outright.
    general: Format,
}

impl Formats {
    fn new() -> Self {
        Self {
            bold: Format::new().set_bold().set_text_wrap(),
            text: Format::new().set_num_format("@"),
            money: Format::new().set_num_format("$#,##0.00;-$#,##0.00"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            general: Format::new().set_num_format("General"),
        }
    }

    /// The format of a cell of `kind`, if any.
    fn of(&self, kind: Kind) -> Option<&Format> {
        match kind {
            Kind::Text => Some(&self.text),
            Kind::Money => Some(&self.money),
            Kind::Day => Some(&self.date),
            Kind::Count => None,
        }
    }
}

/// One typed cell.
enum Cell<'a> {
    Text(&'a str),
    Owned(String),
    Money(Option<i64>),
    Day(Option<Date>),
    Count(usize),
}

/// What a cell holds, for its format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Money,
    Day,
    Count,
}

impl Cell<'_> {
    fn kind(&self) -> Kind {
        match self {
            Cell::Text(_) | Cell::Owned(_) => Kind::Text,
            Cell::Money(_) => Kind::Money,
            Cell::Day(_) => Kind::Day,
            Cell::Count(_) => Kind::Count,
        }
    }
}

/// Writes a row of cells. `columns` are the kinds whose format each column has
/// (`set_column_format`): a cell of its column's kind is written without a format of its own and
/// takes the column's, the same style index in the file, without rust_xlsxwriter hashing a
/// `Format` for each of a million rows' cells (most of the workbook's time besides compression).
fn write_row(
    ws: &mut Worksheet,
    f: &Formats,
    columns: &[Kind],
    row: u32,
    cells: &[Cell<'_>],
) -> Result<(), XlsxError> {
    for (c, cell) in cells.iter().enumerate() {
        let column = columns.get(c).copied();
        let own = (column != Some(cell.kind())).then(|| f.of(cell.kind()));
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        match cell {
            Cell::Text(s) => {
                if !s.is_empty() {
                    text(ws, row, c, fit(&defuse(s)), own.flatten())?;
                }
            }
            Cell::Owned(s) => {
                if !s.is_empty() {
                    text(ws, row, c, fit(&defuse(s)), own.flatten())?;
                }
            }
            Cell::Money(Some(cents)) => {
                let n = *cents as f64 / 100.0;
                match own.flatten() {
                    Some(format) => ws.write_number_with_format(row, c, n, format)?,
                    None => ws.write_number(row, c, n)?,
                };
            }
            Cell::Day(Some(d)) => {
                let (Ok(y), Ok(m), Ok(day)) = (
                    u16::try_from(d.year()),
                    u8::try_from(d.month()),
                    u8::try_from(d.day()),
                ) else {
                    continue;
                };
                let d = ExcelDateTime::from_ymd(y, m, day)?;
                match own.flatten() {
                    Some(format) => ws.write_date_with_format(row, c, &d, format)?,
                    None => ws.write_datetime(row, c, &d)?,
                };
            }
            Cell::Count(n) => {
                // In a column formatted for another kind, the count says General itself.
                match column.and_then(|k| f.of(k)) {
                    Some(_) => ws.write_number_with_format(row, c, *n as f64, &f.general)?,
                    None => ws.write_number(row, c, *n as f64)?,
                };
            }
            Cell::Money(None) | Cell::Day(None) => {}
        }
    }
    Ok(())
}

fn text(
    ws: &mut Worksheet,
    row: u32,
    c: u16,
    s: String,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    match format {
        Some(format) => ws.write_string_with_format(row, c, s, format)?,
        None => ws.write_string(row, c, s)?,
    };
    Ok(())
}

/// A value cut to what a cell holds.
fn fit(s: &str) -> String {
    const MAX: usize = crate::sheet::EXCEL_CELL_CHARS;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(MAX - 1).collect();
        out.push('\u{2026}');
        out
    }
}

/// One view of the workbook: its rows continue on `NAME (2)`, `NAME (3)`... past Excel's
/// 1,048,575 rows below the header, each sheet with the header.
struct View {
    name: &'static str,
    headers: &'static [(&'static str, f64)],
    sheets: Vec<Worksheet>,
    row: u32,
    rows_per_sheet: usize,
    /// The kind of each column, from the first row (every row of a view has the same).
    columns: Vec<Kind>,
}

impl View {
    fn new(
        name: &'static str,
        headers: &'static [(&'static str, f64)],
        rows_per_sheet: usize,
    ) -> Self {
        Self {
            name,
            headers,
            sheets: Vec::new(),
            row: 0,
            rows_per_sheet: rows_per_sheet.clamp(1, crate::sheet::EXCEL_DATA_ROWS),
            columns: Vec::new(),
        }
    }

    fn start(&mut self, f: &Formats, wb: &Mutex<Workbook>) -> Result<(), XlsxError> {
        // Streamed: each row goes to the sheet's temporary file once the next one starts.
        let mut ws = wb
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .new_worksheet_with_constant_memory()?;
        match self.sheets.len() {
            0 => ws.set_name(self.name)?,
            n => ws.set_name(format!("{} ({})", self.name, n + 1))?,
        };
        for (c, (h, width)) in self.headers.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            ws.write_string_with_format(0, c, *h, &f.bold)?;
            ws.set_column_width(c, *width)?;
        }
        for (c, kind) in self.columns.iter().enumerate() {
            if let Some(format) = f.of(*kind) {
                ws.set_column_format(u16::try_from(c).unwrap_or(u16::MAX), format)?;
            }
        }
        ws.set_freeze_panes(1, 0)?;
        self.sheets.push(ws);
        self.row = 0;
        Ok(())
    }

    fn close(&mut self) -> Result<(), XlsxError> {
        let last = u16::try_from(self.headers.len().saturating_sub(1)).unwrap_or(0);
        if let Some(ws) = self.sheets.last_mut() {
            ws.autofilter(0, 0, self.row, last)?;
        }
        Ok(())
    }

    fn put(
        &mut self,
        f: &Formats,
        wb: &Mutex<Workbook>,
        cells: &[Cell<'_>],
    ) -> Result<(), XlsxError> {
        if self.columns.is_empty() {
            self.columns = cells.iter().map(Cell::kind).collect();
        }
        if self.sheets.is_empty() || self.row as usize >= self.rows_per_sheet {
            self.close()?;
            self.start(f, wb)?;
        }
        self.row += 1;
        let row = self.row;
        if let Some(ws) = self.sheets.last_mut() {
            write_row(ws, f, &self.columns, row, cells)?;
        }
        Ok(())
    }

    fn finish(mut self, f: &Formats, wb: &Mutex<Workbook>) -> Result<(), XlsxError> {
        if self.sheets.is_empty() {
            self.start(f, wb)?;
        }
        self.close()?;
        let mut wb = wb.lock().unwrap_or_else(PoisonError::into_inner);
        for ws in self.sheets {
            wb.push_worksheet(ws);
        }
        Ok(())
    }
}

const IMPORTER_HEADERS: &[(&str, f64)] = &[
    ("Importer", 16.0),
    ("Importer name", 22.0),
    ("Corporation", 11.0),
    ("Entries accepted", 10.0),
    ("Entries not recorded as accepted", 12.0),
    ("Entries owed unknown", 10.0),
    ("IEEPA duty", 14.0),
    ("Interest (estimate)", 14.0),
    ("Owed (estimate)", 14.0),
    ("Paid: principal", 14.0),
    ("Paid: interest", 14.0),
    ("Sent to Treasury, not yet issued", 14.0),
    ("Diverted to debts", 14.0),
    ("Held for ACH", 14.0),
    ("Reported, not sent", 14.0),
    ("Outstanding (estimate)", 14.0),
    ("Entries refund overdue", 10.0),
    ("Overdue (estimate)", 14.0),
    ("Entries liquidation overdue", 10.0),
    ("Entries held for ACH", 10.0),
    ("Entries diverted", 10.0),
    ("Entries paid short", 10.0),
    ("Entries to act on", 10.0),
    ("Interest not estimated", 30.0),
    ("owed = paid + sent + diverted + held + outstanding", 60.0),
];

const ENTRY_HEADERS: &[(&str, f64)] = &[
    ("Importer", 16.0),
    ("Entry", 14.0),
    ("Claim", 14.0),
    ("Accepted by", 11.0),
    ("State", 18.0),
    ("IEEPA duty", 13.0),
    ("Interest (estimate)", 13.0),
    ("Owed (estimate)", 13.0),
    ("Paid: principal", 13.0),
    ("Paid: interest", 13.0),
    ("Sent to Treasury, not yet issued", 13.0),
    ("Diverted", 13.0),
    ("Held for ACH", 13.0),
    ("Reported, not sent", 13.0),
    ("Outstanding (estimate)", 13.0),
    ("(Re)liquidation", 11.0),
    ("Protest due (19 USC 1514)", 11.0),
    ("Refunds", 24.0),
    ("Statuses", 22.0),
    ("Findings", 12.0),
    ("What to do", 80.0),
    ("Interest basis", 80.0),
];

const PROBLEM_HEADERS: &[(&str, f64)] = &[
    ("Code", 7.0),
    ("Name", 26.0),
    ("Severity", 9.0),
    ("Importer", 16.0),
    ("Entry", 14.0),
    ("Declaration", 14.0),
    ("Refund", 14.0),
    ("Where", 24.0),
    ("Message", 100.0),
];

/// What the importer's interest total leaves out, when a quarter's IRS rate is not published:
/// `the days from 2027 Q1 on (rate not published), on 3 entries`.
pub fn interest_excluded(t: &ImporterRefunds) -> Option<String> {
    t.interest_unpublished.map(|q| {
        format!(
            "excludes the days from {q} on (rate not published), on {}",
            plural(t.entries_interest_partial, "entry", "entries")
        )
    })
}

/// A text for a page sent to an importer: the refund reports' file names (which may be named
/// after other clients) left out, `(all-clients-rev615.csv line 2)` read `(report line 2)`.
fn without_files(text: &str, files: &[std::sync::Arc<str>]) -> String {
    let mut out = text.to_owned();
    for f in files {
        let named = format!("{f} line ");
        if out.contains(&named) {
            out = out.replace(&named, "report line ");
        }
        if out.contains(&**f) {
            out = out.replace(&**f, "a refund report");
        }
    }
    out
}

/// The (re)liquidation day, when known.
fn liquidation_day(e: &EntryRefund) -> Option<Date> {
    match &e.liquidation {
        LiquidationSeen::Done { on, .. } => Some(*on),
        _ => None,
    }
}

fn liquidation_text(e: &EntryRefund) -> String {
    match &e.liquidation {
        LiquidationSeen::Done { on, from, .. } => match from {
            Some(place) => format!("{on} ({place})"),
            None => format!("{on} (entry data)"),
        },
        LiquidationSeen::Implied => "refunded, day not known".to_owned(),
        LiquidationSeen::Before { on } => format!("liquidated {on}, before acceptance"),
        LiquidationSeen::Pending { extended: true } => "extended or suspended".to_owned(),
        LiquidationSeen::Pending { extended: false } => "not yet".to_owned(),
        LiquidationSeen::Unknown => "not known".to_owned(),
    }
}

fn interest_basis(e: &EntryRefund) -> String {
    match (&e.interest, &e.interest_not_estimated) {
        (Some(i), _) => i.basis_text(),
        (None, Some(why)) => format!("not estimated: {why}"),
        (None, None) => String::new(),
    }
}

fn refunds_text_of(e: &EntryRefund) -> (String, String) {
    let numbers: Vec<String> = e
        .refunds
        .iter()
        .map(|r| {
            r.refund_number
                .as_deref()
                .or(r.declaration.as_deref().map(|_| "-"))
                .unwrap_or("-")
                .to_owned()
        })
        .collect();
    let statuses: Vec<String> = e
        .refunds
        .iter()
        .map(|r| r.status.clone().unwrap_or_else(|| "no status".to_owned()))
        .collect();
    (numbers.join(", "), statuses.join(", "))
}

/// The workbook: importers, entries, problems.
pub fn refunds_workbook(
    rec: &Reconciliation,
    diagnostics: &[Diagnostic],
) -> Result<Vec<u8>, XlsxError> {
    refunds_workbook_paged(rec, diagnostics, crate::sheet::EXCEL_DATA_ROWS)
}

/// [`refunds_workbook`] with at most `rows_per_sheet` data rows on a sheet.
pub fn refunds_workbook_paged(
    rec: &Reconciliation,
    diagnostics: &[Diagnostic],
    rows_per_sheet: usize,
) -> Result<Vec<u8>, XlsxError> {
    refunds_book(rec, diagnostics, rows_per_sheet)?.save_to_buffer()
}

/// [`refunds_workbook_paged`] written into `file` rather than held in memory.
pub fn refunds_workbook_to(
    rec: &Reconciliation,
    diagnostics: &[Diagnostic],
    rows_per_sheet: usize,
    file: &mut std::fs::File,
) -> Result<(), XlsxError> {
    let mut wb = refunds_book(rec, diagnostics, rows_per_sheet)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    wb.save_to_writer(&mut w)?;
    std::io::Write::flush(&mut w)?;
    Ok(())
}

fn refunds_book(
    rec: &Reconciliation,
    diagnostics: &[Diagnostic],
    rows_per_sheet: usize,
) -> Result<Workbook, XlsxError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    // Level 1 deflate, as the other workbooks: a third of the time of the default level.
    wb.set_zip_compression_level(1);
    // The sheets are filled on two threads (each streams to its own file): importers and
    // entries on this one, problems beside them; the workbook only makes and takes sheets.
    let wb = Mutex::new(wb);
    let (importers, entries, problems) = std::thread::scope(|s| {
        let problems = s.spawn(|| problems_view(rec, diagnostics, rows_per_sheet, &f, &wb));
        let ours = importers_and_entries(rec, rows_per_sheet, &f, &wb);
        // A panic on the other thread is a bug: it goes on here as it would have there.
        let problems = problems
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        ours.and_then(|(i, e)| Ok((i, e, problems?)))
    })?;
    importers.finish(&f, &wb)?;
    entries.finish(&f, &wb)?;
    problems.finish(&f, &wb)?;
    Ok(wb.into_inner().unwrap_or_else(PoisonError::into_inner))
}

fn importers_and_entries(
    rec: &Reconciliation,
    rows_per_sheet: usize,
    f: &Formats,
    wb: &Mutex<Workbook>,
) -> Result<(View, View), XlsxError> {
    let mut importers = View::new("Importers", IMPORTER_HEADERS, rows_per_sheet);
    for t in &rec.importers {
        importers.put(
            f,
            wb,
            &[
                Cell::Text(&t.importer),
                Cell::Text(t.name.as_deref().unwrap_or("")),
                Cell::Text(if t.corporate { "yes" } else { "not recorded" }),
                Cell::Count(t.entries_accepted),
                Cell::Count(t.entries_not_accepted),
                Cell::Count(t.entries_owed_unknown),
                Cell::Money(Some(t.duty_cents)),
                Cell::Money(Some(t.interest_cents)),
                Cell::Money(Some(t.owed_cents)),
                Cell::Money(Some(t.paid_principal_cents)),
                Cell::Money(Some(t.paid_interest_cents)),
                Cell::Money(Some(t.sent_cents)),
                Cell::Money(Some(t.diverted_cents)),
                Cell::Money(Some(t.held_cents)),
                Cell::Money(Some(t.reported_cents)),
                Cell::Money(Some(t.outstanding_cents)),
                Cell::Count(t.overdue_entries),
                Cell::Money(Some(t.overdue_cents)),
                Cell::Count(t.liquidation_overdue_entries),
                Cell::Count(t.held_entries),
                Cell::Count(t.diverted_entries),
                Cell::Count(t.short_entries),
                Cell::Count(t.entries_to_act_on),
                Cell::Owned(interest_excluded(t).unwrap_or_default()),
                Cell::Text(&t.balance.text),
            ],
        )?;
    }
    let mut entries = View::new("Entries", ENTRY_HEADERS, rows_per_sheet);
    for e in &rec.entries {
        let (numbers, statuses) = refunds_text_of(e);
        let codes: Vec<&str> = e.findings.iter().map(|x| x.code()).collect();
        let todo: Vec<&str> = e.findings.iter().map(|x| x.message.as_str()).collect();
        let importer = e.importer.as_deref().unwrap_or(UNKNOWN_IMPORTER);
        entries.put(
            f,
            wb,
            &[
                Cell::Text(importer),
                Cell::Text(e.entry.as_str()),
                Cell::Text(e.claim.as_deref().unwrap_or("")),
                Cell::Day(e.accepted_by),
                Cell::Text(e.state),
                Cell::Money(e.duty_cents),
                Cell::Money(e.interest.as_ref().map(|i| i.counted_cents)),
                Cell::Money(e.owed_cents),
                Cell::Money(Some(e.paid_principal_cents)),
                Cell::Money(Some(e.paid_interest_cents)),
                Cell::Money(Some(e.sent_cents)),
                Cell::Money(Some(e.diverted_cents)),
                Cell::Money(Some(e.held_cents)),
                Cell::Money(Some(e.reported_cents)),
                Cell::Money(e.outstanding_cents),
                Cell::Day(liquidation_day(e)),
                Cell::Day(e.protest_due),
                Cell::Owned(numbers),
                Cell::Owned(statuses),
                Cell::Owned(codes.join(" ")),
                Cell::Owned(todo.join(" | ")),
                Cell::Owned(interest_basis(e)),
            ],
        )?;
    }
    Ok((importers, entries))
}

fn problems_view(
    rec: &Reconciliation,
    diagnostics: &[Diagnostic],
    rows_per_sheet: usize,
    f: &Formats,
    wb: &Mutex<Workbook>,
) -> Result<View, XlsxError> {
    let mut problems = View::new("Problems", PROBLEM_HEADERS, rows_per_sheet);
    for e in &rec.entries {
        let importer = e.importer.as_deref().unwrap_or(UNKNOWN_IMPORTER);
        for x in e.findings.iter().filter(|x| x.severity() != Severity::Info) {
            problems.put(
                f,
                wb,
                &[
                    Cell::Text(x.code()),
                    Cell::Text(x.name()),
                    Cell::Text(x.severity().as_str()),
                    Cell::Text(importer),
                    Cell::Text(e.entry.as_str()),
                    Cell::Text(""),
                    Cell::Text(""),
                    Cell::Text(""),
                    Cell::Text(&x.message),
                ],
            )?;
        }
    }
    for t in &rec.importers {
        for x in &t.readiness {
            problems.put(
                f,
                wb,
                &[
                    Cell::Text(x.code()),
                    Cell::Text(x.name()),
                    Cell::Text(x.severity().as_str()),
                    Cell::Text(&t.importer),
                    Cell::Text(""),
                    Cell::Text(""),
                    Cell::Text(""),
                    Cell::Text(""),
                    Cell::Text(&x.message),
                ],
            )?;
        }
    }
    for p in &rec.problems {
        problems.put(
            f,
            wb,
            &[
                Cell::Text(p.finding.code()),
                Cell::Text(p.finding.name()),
                Cell::Text(p.finding.severity().as_str()),
                Cell::Text(p.importer.as_deref().unwrap_or("")),
                Cell::Text(""),
                Cell::Text(p.declaration.as_deref().unwrap_or("")),
                Cell::Text(p.refund_number.as_deref().unwrap_or("")),
                Cell::Owned(p.from.to_string()),
                Cell::Text(&p.finding.message),
            ],
        )?;
    }
    for d in diagnostics {
        let at = match (&d.file, d.position()) {
            (Some(file), Some(pos)) => format!("{file} {pos}"),
            (Some(file), None) => file.clone(),
            (None, pos) => pos.unwrap_or_default(),
        };
        let name = capekit_core::refunds::rules::refund_reader_rule(d.code())
            .map(|r| r.name)
            .or_else(|| capekit_core::refunds::rules::refund_rule(d.code()).map(|r| r.name))
            .unwrap_or("");
        problems.put(
            f,
            wb,
            &[
                Cell::Text(d.code()),
                Cell::Text(name),
                Cell::Text(d.severity().as_str()),
                Cell::Text(""),
                Cell::Text(""),
                Cell::Text(""),
                Cell::Text(""),
                Cell::Owned(at),
                Cell::Text(&d.message),
            ],
        )?;
    }
    Ok(problems)
}

/// The importer's page: its figures, what to do, its entries. Nothing of another importer, and
/// no local path (files are named by their base names).
pub fn importer_page(rec: &Reconciliation, t: &ImporterRefunds) -> String {
    let entries: Vec<&EntryRefund> = rec
        .entries
        .iter()
        .filter(|e| e.importer.as_deref().unwrap_or(UNKNOWN_IMPORTER) == t.importer)
        .collect();
    importer_page_of(rec, t, &entries)
}

/// The entries of each importer, by the name its totals carry, in the reconciliation's order:
/// one pass over a million entries rather than one per importer.
fn by_importer(rec: &Reconciliation) -> std::collections::HashMap<&str, Vec<&EntryRefund>> {
    let mut by: std::collections::HashMap<&str, Vec<&EntryRefund>> =
        std::collections::HashMap::new();
    for e in &rec.entries {
        by.entry(e.importer.as_deref().unwrap_or(UNKNOWN_IMPORTER))
            .or_default()
            .push(e);
    }
    by
}

/// [`importer_page`] of `entries`, those of importer `t`.
fn importer_page_of(rec: &Reconciliation, t: &ImporterRefunds, entries: &[&EntryRefund]) -> String {
    let mut b = String::new();
    let who = match &t.name {
        Some(name) => format!("{} ({})", t.importer, name),
        None => t.importer.clone(),
    };
    let _ = writeln!(
        b,
        "<h1>Refunds of IEEPA duty: importer {}</h1>\n<p class=\"meta\">As of {}. Interest, owed and outstanding are <b>estimates</b>: interest under 19 USC 1505(c), compounded daily at the IRS overpayment rate of each quarter (26 USC 6621, 6622){}; CBP's own figures are those it pays.</p>",
        esc(&who),
        rec.as_of,
        if t.corporate {
            ", at the corporate rates (the part above $10,000 at the lower rate)"
        } else {
            ", at the non-corporate rate (not recorded as a corporation)"
        }
    );
    let paid = t.paid_principal_cents + t.paid_interest_cents;
    let interest = match interest_excluded(t) {
        Some(x) => format!("interest (estimate; {x})"),
        None => "interest (estimate)".to_owned(),
    };
    b.push_str(&crate::html::tiles([
        ("entries accepted", t.entries_accepted.to_string()),
        ("IEEPA duty", money(t.duty_cents)),
        (interest.as_str(), money(t.interest_cents)),
        ("owed (estimate)", money(t.owed_cents)),
        ("paid (issued by Treasury)", money(paid)),
        ("sent to Treasury, not yet issued", money(t.sent_cents)),
        ("diverted to debts", money(t.diverted_cents)),
        ("held for ACH", money(t.held_cents)),
        ("outstanding (estimate)", money(t.outstanding_cents)),
    ]));
    let _ = writeln!(
        b,
        "<p class=\"{}\">{}</p>",
        if t.balance.holds { "ok" } else { "bad" },
        esc(&t.balance.text)
    );
    // What to do, by finding: how many entries.
    let mut by_code: std::collections::BTreeMap<&str, (&str, usize)> =
        std::collections::BTreeMap::new();
    for e in entries {
        for x in &e.findings {
            by_code.entry(x.code()).or_insert((x.name(), 0)).1 += 1;
        }
    }
    let problems: Vec<_> = rec
        .problems
        .iter()
        .filter(|p| p.importer.as_deref() == Some(t.importer.as_str()))
        .collect();
    b.push_str("<h2>What to do</h2>\n");
    if by_code.is_empty() && problems.is_empty() && t.readiness.is_empty() {
        b.push_str("<p class=\"ok\">Nothing: every refund shown is where it should be.</p>\n");
    } else {
        b.push_str("<ul>\n");
        // What may keep every refund of the importer back comes first.
        for x in &t.readiness {
            let _ = writeln!(
                b,
                "<li><b>{}</b> <code>{} {}</code>: {}</li>",
                esc(rule_title(x.code())),
                x.code(),
                esc(x.name()),
                esc(&x.message)
            );
        }
        for (code, (name, count)) in &by_code {
            let rule = capekit_core::refunds::rules::refund_rule(code);
            let _ = writeln!(
                b,
                "<li><b>{}</b> <code>{code} {}</code>: {} - {}</li>",
                esc(rule.map_or("", |r| r.title)),
                esc(name),
                esc(&plural(*count, "entry", "entries")),
                esc(rule.map_or("", |r| r.doc.fix))
            );
        }
        for p in &problems {
            let _ = writeln!(
                b,
                "<li><code>{} {}</code>: {}</li>",
                p.finding.code(),
                esc(p.finding.name()),
                esc(&without_files(&p.finding.message, &rec.files))
            );
        }
        b.push_str("</ul>\n");
    }
    b.push_str("<h2>Entries</h2>\n");
    let mut ordered = entries.to_vec();
    ordered.sort_by_key(|e| !e.needs_action());
    let _ = writeln!(
        b,
        "<table><tr><th>Entry</th><th>State</th><th class=\"num\">IEEPA duty</th><th class=\"num\">Interest (estimate)</th><th class=\"num\">Paid</th><th class=\"num\">Sent to Treasury</th><th class=\"num\">Diverted</th><th class=\"num\">Held</th><th class=\"num\">Outstanding (estimate)</th><th>(Re)liquidation</th><th>Protest due</th><th>What to do</th></tr>"
    );
    let opt = |c: Option<i64>| c.map_or_else(|| "unknown".to_owned(), money);
    for e in ordered.iter().take(PAGE_ROWS) {
        let todo: Vec<String> = e
            .findings
            .iter()
            .map(|x| format!("{} {}", x.code(), without_files(&x.message, &rec.files)))
            .collect();
        let _ = writeln!(
            b,
            "<tr><td class=\"mono\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(e.entry.as_str()),
            esc(e.state),
            esc(&opt(e.duty_cents)),
            esc(&opt(e.interest.as_ref().map(|i| i.counted_cents))),
            esc(&money(e.paid_cents())),
            esc(&money(e.sent_cents)),
            esc(&money(e.diverted_cents)),
            esc(&money(e.held_cents)),
            esc(&opt(e.outstanding_cents)),
            esc(&without_files(&liquidation_text(e), &rec.files)),
            e.protest_due.map_or_else(String::new, |d| d.to_string()),
            esc(&todo.join("; "))
        );
    }
    b.push_str("</table>\n");
    if ordered.len() > PAGE_ROWS {
        let _ = writeln!(
            b,
            "<p class=\"meta\">{} more entries, none of them to act on before those above, are not listed here.</p>",
            ordered.len() - PAGE_ROWS
        );
    }
    let _ = writeln!(
        b,
        "<p class=\"meta\">Tolerance: {}. Refund statuses as ACE reports them (CSMS 68536553, 2026-05-04: ES-022, REV-603, REV-613, REV-615). ACH refund details can be entered only by the importer, in its ACE Portal account.</p>",
        esc(&rec.tolerance_text)
    );
    page(&format!("Refunds: importer {}", t.importer), &b)
}

/// The title of a reconciliation rule, by code.
fn rule_title(code: &str) -> &'static str {
    capekit_core::refunds::rules::refund_rule(code).map_or("", |r| r.title)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        capekit_core::check::group(n as u64),
        if n == 1 { one } else { many }
    )
}

/// The text summary of a reconciliation.
pub fn refunds_text(
    rec: &Reconciliation,
    outputs: Option<&RefundOutputs>,
    diagnostics: &[Diagnostic],
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "refunds as of {}: {} refund rows read; interest, owed and outstanding are estimates (19 USC 1505(c): daily compounding at each quarter's IRS overpayment rate)",
        rec.as_of,
        capekit_core::check::group(rec.events as u64)
    );
    if rec.events_after_as_of > 0 {
        let _ = writeln!(
            out,
            "{} refund rows dated after {} left out: on that day they were not yet known",
            capekit_core::check::group(rec.events_after_as_of as u64),
            rec.as_of
        );
    }
    if rec.importers.is_empty() {
        out.push_str(
            "no accepted entry and no refund is known: import Claim Details and refund reports first (`capekit ledger import`)\n",
        );
    }
    let by = by_importer(rec);
    for t in &rec.importers {
        let _ = writeln!(
            out,
            "\nimporter {}{}{}: {} accepted{}",
            t.importer,
            t.name
                .as_deref()
                .map_or_else(String::new, |n| format!(" ({n})")),
            if t.corporate { ", corporation" } else { "" },
            plural(t.entries_accepted, "entry", "entries"),
            if t.entries_not_accepted > 0 {
                format!(
                    ", {} with refunds not recorded as accepted",
                    plural(t.entries_not_accepted, "entry", "entries")
                )
            } else {
                String::new()
            }
        );
        let line = |label: &str, value: String| format!("  {label:<24}{value:>18}\n");
        out.push_str(&line("IEEPA duty", money(t.duty_cents)));
        match interest_excluded(t) {
            Some(x) => out.push_str(&format!(
                "{}  ({x})\n",
                line("interest (estimate)", money(t.interest_cents)).trim_end()
            )),
            None => out.push_str(&line("interest (estimate)", money(t.interest_cents))),
        }
        out.push_str(&line("owed (estimate)", money(t.owed_cents)));
        let paid = t.paid_principal_cents + t.paid_interest_cents;
        out.push_str(&format!(
            "{}  (principal {}, interest {})\n",
            line("paid", money(paid)).trim_end(),
            money(t.paid_principal_cents),
            money(t.paid_interest_cents)
        ));
        out.push_str(&format!(
            "{}  (not yet issued)\n",
            line("sent to Treasury", money(t.sent_cents)).trim_end()
        ));
        out.push_str(&line("diverted to debts", money(t.diverted_cents)));
        out.push_str(&line("held for ACH", money(t.held_cents)));
        out.push_str(&line("outstanding (estimate)", money(t.outstanding_cents)));
        out.push_str(&format!(
            "{}  ({})\n",
            line("overdue (estimate)", money(t.overdue_cents)).trim_end(),
            plural(t.overdue_entries, "entry", "entries")
        ));
        if t.entries_owed_unknown > 0 {
            let _ = writeln!(
                out,
                "  owed unknown for {}: no entry data kept (import their ES-003)",
                plural(t.entries_owed_unknown, "entry", "entries")
            );
        }
        let _ = writeln!(out, "  {}", t.balance.text);
        for x in &t.readiness {
            let _ = writeln!(out, "  {} {}: {}", x.code(), x.name(), x.message);
        }
        // Per finding: how many entries, and the first five.
        let mut by_code: std::collections::BTreeMap<&str, (&str, usize, Vec<String>)> =
            std::collections::BTreeMap::new();
        for e in by.get(t.importer.as_str()).map_or(&[][..], Vec::as_slice) {
            for x in &e.findings {
                let (_, count, shown) =
                    by_code.entry(x.code()).or_insert((x.name(), 0, Vec::new()));
                *count += 1;
                if shown.len() < 5 {
                    shown.push(e.entry.to_string());
                }
            }
        }
        for (code, (name, count, shown)) in &by_code {
            let _ = writeln!(
                out,
                "  {code} {name}: {}{}{}",
                plural(*count, "entry", "entries"),
                if shown.is_empty() { "" } else { " - " },
                shown.join(", ")
                    + &if *count > 5 {
                        format!(" and {} more", count - 5)
                    } else {
                        String::new()
                    }
            );
        }
    }
    if !rec.problems.is_empty() {
        let _ = writeln!(out, "\nrefunds not tied to an entry:");
        for p in rec.problems.iter().take(20) {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                p.finding.code(),
                p.from,
                p.finding.message
            );
        }
        if rec.problems.len() > 20 {
            let _ = writeln!(
                out,
                "  ... and {} more (see {}, sheet Problems)",
                rec.problems.len() - 20,
                workbook_name(rec.as_of)
            );
        }
    }
    if !diagnostics.is_empty() {
        let _ = writeln!(out, "\nfindings of the readers:");
        for d in diagnostics.iter().take(20) {
            let _ = writeln!(
                out,
                "  {}: {} {}",
                d.file.as_deref().unwrap_or(""),
                d.code(),
                d.message
            );
        }
        if diagnostics.len() > 20 {
            let _ = writeln!(
                out,
                "  ... and {} more (see {}, sheet Problems)",
                diagnostics.len() - 20,
                workbook_name(rec.as_of)
            );
        }
    }
    if let Some(o) = outputs {
        let _ = writeln!(out, "\nwrote {}", o.workbook.display());
        for (_, p) in &o.pages {
            let _ = writeln!(out, "wrote {}", p.display());
        }
    }
    let _ = writeln!(out, "tolerance: {}", rec.tolerance_text);
    out
}

#[cfg(test)]
#[path = "refunds_out_tests.rs"]
mod tests;
