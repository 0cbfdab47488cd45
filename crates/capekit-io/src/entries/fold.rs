//! The streaming fold: rows, one at a time, mapped to their columns and folded into one
//! [`EntryData`] per entry, with each finding capped per rule.

use super::*;

/// Where a row stands: a CSV line, or a sheet row.
#[derive(Debug, Clone, Copy)]
pub(super) struct At<'a> {
    pub(super) line: u64,
    pub(super) sheet: Option<&'a str>,
}

impl At<'_> {
    pub(super) fn cell(self, column: usize) -> Option<String> {
        self.sheet
            .map(|s| format!("{s}!{}{}", column_letter(column), self.line))
    }

    pub(super) fn position(self, column: usize) -> String {
        self.cell(column)
            .unwrap_or_else(|| format!("line {}", self.line))
    }

    pub(super) fn where_line(self, line: u64) -> String {
        match self.sheet {
            Some(_) => format!("row {line}"),
            None => format!("line {line}"),
        }
    }
}

/// The raw values of one row, CSV or sheet, without copying them.
pub(super) trait Fields {
    fn count(&self) -> usize;
    fn raw(&self, column: usize) -> &[u8];
}

/// Is the row ACE's report-total footer: its first filled cell `Report Total`, `Grand Total` or
/// `Total`, with or without a colon, in any case?
pub(super) fn is_report_total(f: &impl Fields) -> bool {
    let Some(first) = (0..f.count())
        .map(|c| f.raw(c).trim_ascii())
        .find(|c| !c.is_empty())
    else {
        return false;
    };
    let word = String::from_utf8_lossy(first);
    let word = capekit_core::entry::unwrap_value(&word)
        .trim()
        .trim_end_matches(':')
        .trim()
        .to_ascii_uppercase();
    let word = word.split_whitespace().collect::<Vec<_>>().join(" ");
    matches!(
        word.as_str(),
        "REPORT TOTAL" | "REPORT TOTALS" | "GRAND TOTAL" | "TOTAL" | "TOTALS"
    )
}

pub(super) struct CsvFields<'a>(pub(super) &'a csv::ByteRecord);

impl Fields for CsvFields<'_> {
    fn count(&self) -> usize {
        self.0.len()
    }
    fn raw(&self, column: usize) -> &[u8] {
        match self.0.get(column) {
            // The `\r` of a CRLF line end stays on the last field (see `csv_reader`).
            Some(f) if column + 1 == self.0.len() => strip_cr(f),
            Some(f) => f,
            None => b"",
        }
    }
}

pub(super) struct RowFields<'a>(pub(super) &'a Row);

impl Fields for RowFields<'_> {
    fn count(&self) -> usize {
        self.0.fields.len()
    }
    fn raw(&self, column: usize) -> &[u8] {
        self.0.get(column).as_bytes()
    }
}

pub(super) fn is_blank(f: &impl Fields) -> bool {
    (0..f.count()).all(|i| f.raw(i).iter().all(u8::is_ascii_whitespace))
}

/// Columns most decisions need: said missing beside the columns left unread (R016).
pub(super) const NEEDED: [Column; 7] = [
    Column::EntryType,
    Column::ImporterNumber,
    Column::EntryDate,
    Column::Hts,
    Column::Duty,
    Column::LiquidationStatus,
    Column::LiquidationDate,
];

/// Which column holds which field.
#[derive(Debug)]
pub(super) struct Mapping {
    pub(super) columns: [Option<usize>; Column::ALL.len()],
    pub(super) present: ColumnSet,
}

impl Mapping {
    pub(super) fn get(&self, column: Column) -> Option<usize> {
        self.columns[column as usize]
    }
}

/// Per-entry bookkeeping needed only while reading.
#[derive(Debug, Default)]
pub(super) struct Side {
    /// Entry-level values first set on a row after the entry's first line.
    pub(super) later: Vec<(Column, u64)>,
    /// Columns already reported as conflicting (once per entry and column).
    pub(super) conflicted: ColumnSet,
}

/// Diagnostics, capped per rule.
#[derive(Debug)]
pub(super) struct Findings {
    pub(super) file: String,
    pub(super) list: Vec<Diagnostic>,
    pub(super) counts: HashMap<&'static str, usize>,
}

impl Findings {
    pub(super) fn push(&mut self, d: Diagnostic) {
        let n = self.counts.entry(d.code()).or_insert(0);
        *n += 1;
        if *n <= MAX_DIAGNOSTICS_PER_RULE {
            self.list.push(d.in_file(self.file.clone()));
        }
    }

    pub(super) fn finish(mut self) -> Vec<Diagnostic> {
        let mut over: Vec<(&'static str, usize)> = self
            .counts
            .iter()
            .filter(|(_, n)| **n > MAX_DIAGNOSTICS_PER_RULE)
            .map(|(c, n)| (*c, *n))
            .collect();
        over.sort_unstable();
        for (code, n) in over {
            let title = capekit_core::reading::entry_reader_rule(code).map_or("", |r| r.title);
            self.list.push(
                capekit_core::reading::FINDINGS_CAPPED.diag(format!(
                        "{} more findings of {code} ({title}) are not listed; the first {MAX_DIAGNOSTICS_PER_RULE} are - fix their cause and read the file again",
                        n - MAX_DIAGNOSTICS_PER_RULE
                    ),
                )
                .in_file(self.file.clone()),
            );
        }
        self.list
    }
}

/// A finding of `rule` about one cell.
pub(super) fn cell_diag(
    rule: &EntryReaderRule,
    at: At<'_>,
    column: usize,
    raw: &str,
    message: String,
) -> Diagnostic {
    let d = rule.diag(message).with_value(raw);
    match at.cell(column) {
        Some(cell) => d.at_cell(cell, at.line),
        None => d.at_line(at.line),
    }
}

/// The reader's state: looking for the header, then folding rows into entries.
pub(super) struct State<'f> {
    pub(super) file: &'f str,
    pub(super) mapping: Option<Mapping>,
    /// Non-blank rows above the header, while it is looked for.
    pub(super) before_header: Vec<(u64, Vec<String>)>,
    pub(super) header_line: u64,
    pub(super) columns_ignored: Vec<String>,
    // foldhash: a line or two of lookups for each of ten million lines, where SipHash cost.
    pub(super) index: foldhash::HashMap<EntryNumber, u32>,
    pub(super) entries: Vec<EntryData>,
    pub(super) sides: Vec<Side>,
    /// The raw entry number of the last row and its entry: the rows of one entry follow each
    /// other, so most rows need neither parse nor hash lookup.
    pub(super) last_entry: Option<(Vec<u8>, u32)>,
    /// Per entry-level column, the entry and raw value last merged: repeated values are skipped.
    pub(super) merged: Vec<Option<(u32, Vec<u8>)>>,
    pub(super) texts: foldhash::HashSet<Arc<str>>,
    pub(super) findings: Findings,
    pub(super) rows_read: u64,
    pub(super) rows_used: u64,
    pub(super) rows_dropped: u64,
    pub(super) blank_rows: u64,
    pub(super) windows_1252: bool,
    pub(super) run_date: Option<jiff::civil::Date>,
}

/// The run date a report title row states (`Run Date: 10/01/2026`, `Report Date`, `Date Run`,
/// in one cell or the next), if any.
pub(super) fn run_date_of(cells: &[String]) -> Option<jiff::civil::Date> {
    const LABELS: &[&str] = &[
        "RUN DATE",
        "REPORT DATE",
        "DATE RUN",
        "REPORT RUN DATE",
        "RUN ON",
    ];
    let line = cells.join(" ");
    let upper = line.to_ascii_uppercase();
    let at = LABELS
        .iter()
        .filter_map(|l| upper.find(l).map(|i| i + l.len()))
        .min()?;
    let rest = line
        .get(at..)?
        .trim_start_matches([':', ' ', '=', '-', '\t']);
    let token = rest.split([' ', ',', ';']).next()?;
    capekit_core::dates::parse_date(token).ok().flatten()
}

impl<'f> State<'f> {
    pub(super) fn new(file: &'f str) -> Self {
        Self {
            file,
            mapping: None,
            before_header: Vec::new(),
            header_line: 0,
            columns_ignored: Vec::new(),
            index: foldhash::HashMap::default(),
            entries: Vec::new(),
            sides: Vec::new(),
            last_entry: None,
            merged: vec![None; Column::ALL.len()],
            texts: foldhash::HashSet::default(),
            findings: Findings {
                file: base_name(file).to_owned(),
                list: Vec::new(),
                counts: HashMap::new(),
            },
            rows_read: 0,
            rows_used: 0,
            rows_dropped: 0,
            blank_rows: 0,
            windows_1252: false,
            run_date: None,
        }
    }

    pub(super) fn text<'a>(&mut self, raw: &'a [u8]) -> Cow<'a, str> {
        let s = decode_field(raw);
        self.windows_1252 |= matches!(s, Cow::Owned(_));
        s
    }

    pub(super) fn row(&mut self, at: At<'_>, f: &impl Fields) -> Result<(), EntryFileError> {
        if is_blank(f) {
            if self.mapping.is_some() {
                self.blank_rows += 1;
            }
            return Ok(());
        }
        if self.mapping.is_none() {
            return self.header(at, f);
        }
        self.data_row(at, f);
        Ok(())
    }

    pub(super) fn header(&mut self, at: At<'_>, f: &impl Fields) -> Result<(), EntryFileError> {
        let headers: Vec<String> = (0..f.count())
            .map(|i| self.text(f.raw(i)).into_owned())
            .collect();
        if !headers
            .iter()
            .any(|h| column_of(h) == Some(Column::EntryNumber))
        {
            if self.run_date.is_none() {
                self.run_date = run_date_of(&headers);
            }
            self.before_header.push((at.line, headers));
            if self.before_header.len() >= MAX_ROWS_BEFORE_HEADER {
                return Err(self.no_entry_column());
            }
            return Ok(());
        }
        let mut columns = [None; Column::ALL.len()];
        let mut present = ColumnSet::EMPTY;
        let mut unread: Vec<String> = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            match column_of(h) {
                Some(c) if present.contains(c) => {
                    let first = columns[c as usize].unwrap_or(0);
                    self.findings.push(
                        capekit_core::reading::DUPLICATE_COLUMN.diag(format!(
                                "{}: the columns `{}` ({}) and `{h}` ({}) both read as `{}`; the first is used - delete or rename the other",
                                at.where_line(at.line),
                                headers.get(first).map_or("", String::as_str),
                                column_letter(first),
                                column_letter(i),
                                c.header()
                            ),
                        )
                        .at_line(at.line)
                        .with_value(h.clone()),
                    );
                }
                Some(c) => {
                    columns[c as usize] = Some(i);
                    present.insert(c);
                }
                None if h.trim().is_empty() => {}
                None => {
                    self.columns_ignored.push(h.clone());
                    unread.push(format!("`{h}` ({})", column_letter(i)));
                }
            }
        }
        if !unread.is_empty() {
            let missing: Vec<String> = NEEDED
                .iter()
                .filter(|c| !present.contains(**c))
                .map(|c| format!("`{}`", c.header()))
                .collect();
            let missing = if missing.is_empty() {
                String::new()
            } else {
                format!(
                    "; no column of the file is read as {}: if one of those above holds it, rename its header to that name",
                    missing.join(", ")
                )
            };
            let n = unread.len();
            self.findings.push(
                capekit_core::reading::COLUMNS_NOT_READ
                    .diag(format!(
                        "{}: capekit does not read {n} column{} of this file: {}{missing} - nothing to do for columns no decision needs; if one holds what capekit reads under another name (a liquidation reason, a drawback claim or AD/CVD case number), rename its header to the ACE name (`capekit explain R016`) and read the file again",
                        at.where_line(at.line),
                        if n == 1 { "" } else { "s" },
                        unread.join(", ")
                    ))
                    .at_line(at.line),
            );
        }
        if !self.before_header.is_empty() {
            let lines: Vec<String> = self
                .before_header
                .iter()
                .map(|(l, _)| l.to_string())
                .collect();
            let n = lines.len();
            self.findings.push(
                capekit_core::reading::ROWS_BEFORE_HEADER
                    .diag(format!(
                        "{n} row{} above the header on {} skipped (a report title?): {} {}",
                        if n == 1 { "" } else { "s" },
                        at.where_line(at.line),
                        if at.sheet.is_some() { "rows" } else { "lines" },
                        lines.join(", ")
                    ))
                    .at_line(self.before_header[0].0),
            );
            self.before_header = Vec::new();
        }
        self.header_line = at.line;
        self.mapping = Some(Mapping { columns, present });
        Ok(())
    }

    pub(super) fn no_entry_column(&self) -> EntryFileError {
        let found = self
            .before_header
            .first()
            .map(|(line, h)| crate::table::headers_found(h, *line))
            .unwrap_or_default();
        EntryFileError::NoEntryColumn {
            file: self.file.to_owned(),
            found,
        }
    }

    pub(super) fn data_row(&mut self, at: At<'_>, f: &impl Fields) {
        let Some(mapping) = self.mapping.take() else {
            return;
        };
        self.rows_read += 1;
        match self.entry_of(at, f, &mapping) {
            Some(idx) => {
                self.fold(at, f, &mapping, idx);
                self.rows_used += 1;
            }
            None => self.rows_dropped += 1,
        }
        self.mapping = Some(mapping);
    }

    /// The index of the row's entry, creating it on first sight; `None` (with a finding) when
    /// the entry number cannot be read.
    pub(super) fn entry_of(
        &mut self,
        at: At<'_>,
        f: &impl Fields,
        mapping: &Mapping,
    ) -> Option<u32> {
        let column = mapping.get(Column::EntryNumber)?;
        let raw = f.raw(column);
        let same = |(last, _): &&(Vec<u8>, u32)| last.as_slice() == raw;
        if let Some((_, idx)) = self.last_entry.as_ref().filter(same) {
            return Some(*idx);
        }
        let text = self.text(raw);
        let number = match EntryNumber::parse(&text) {
            Ok(n) => n,
            Err(_) if is_report_total(f) => {
                let message = format!(
                    "{}: ACE's report-total row, not an entry: skipped",
                    at.position(column)
                );
                let d = cell_diag(&REPORT_TOTAL_ROW, at, column, &text, message);
                self.findings.push(d);
                return None;
            }
            Err(e) => {
                let message = entry_message(&e, &at.position(column));
                let d = cell_diag(
                    &ENTRY_DATA_UNREADABLE_ENTRY_NUMBER,
                    at,
                    column,
                    &text,
                    message,
                );
                self.findings.push(d);
                return None;
            }
        };
        let next = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        let idx = *self.index.entry(number).or_insert(next);
        if idx == next {
            let mut data = EntryData::new(number, at.line);
            data.absent_columns = mapping.present.complement();
            self.entries.push(data);
            self.sides.push(Side::default());
        }
        match &mut self.last_entry {
            Some((last, i)) => {
                last.clear();
                last.extend_from_slice(raw);
                *i = idx;
            }
            None => self.last_entry = Some((raw.to_vec(), idx)),
        }
        Some(idx)
    }

    pub(super) fn fold(&mut self, at: At<'_>, f: &impl Fields, mapping: &Mapping, idx: u32) {
        let i = idx as usize;
        if let Some(e) = self.entries.get_mut(i) {
            e.rows = e.rows.saturating_add(1);
        }
        for column in ENTRY_LEVEL {
            let Some(c) = mapping.get(column) else {
                continue;
            };
            let raw = f.raw(c);
            let slot = &mut self.merged[column as usize];
            match slot {
                Some((e, last)) if *e == idx && last.as_slice() == raw => continue,
                Some((e, last)) => {
                    *e = idx;
                    last.clear();
                    last.extend_from_slice(raw);
                }
                None => *slot = Some((idx, raw.to_vec())),
            }
            let text = self.text(raw);
            self.merge(at, c, column, i, unwrap_value(&text));
        }
        self.line_amounts(at, f, mapping, i);
    }

    /// Merges one entry-level value into entry `i`: the first non-empty value is kept, a
    /// different later one is reported.
    pub(super) fn merge(&mut self, at: At<'_>, c: usize, column: Column, i: usize, value: &str) {
        if value.is_empty() {
            return;
        }
        let Some(entry) = self.entries.get_mut(i) else {
            return;
        };
        let number = entry.entry_number;
        let kept: Option<String> = match column {
            Column::EntryDate
            | Column::EntrySummaryDate
            | Column::LiquidationDate
            | Column::ProtestDecisionDate => {
                let date = match parse_date(value) {
                    Ok(Some(d)) => d,
                    Ok(None) => return,
                    Err(why) => {
                        entry.add_doubt(column, Doubt::Unreadable, at.position(c), value, why);
                        let value_shown = capekit_core::diag::quoted(value);
                        let serial = excel_serial_date(value)
                            .map(|d| format!(" (read as an Excel date serial, `{value_shown}` would be {d}; capekit does not guess it)"))
                            .unwrap_or_default();
                        let message = format!(
                            "{}: `{value_shown}` in `{}` is not a date ({why}){serial}; expected MM/DD/YYYY as ACE writes it, or YYYY-MM-DD - correct the cell; until then entry {} is not declared (the plan sends it to review)",
                            at.position(c),
                            column.header(),
                            number.as_str()
                        );
                        self.findings
                            .push(cell_diag(&BAD_DATE, at, c, value, message));
                        return;
                    }
                };
                let slot = match column {
                    Column::EntryDate => &mut entry.entry_date,
                    Column::EntrySummaryDate => &mut entry.entry_summary_date,
                    Column::ProtestDecisionDate => &mut entry.protest_decision_date,
                    _ => &mut entry.liquidation_date,
                };
                match slot {
                    None => {
                        *slot = Some(date);
                        None
                    }
                    Some(old) if *old == date => return,
                    Some(old) => Some(old.to_string()),
                }
            }
            Column::ImporterNumber if placeholder_importer(value) => {
                let value_shown = capekit_core::diag::quoted(value);
                let message = format!(
                    "{}: `{value_shown}` in `{}` is not an importer number (a placeholder, or a number of zeros); it is read as no importer number, so entry {} is not declared and stays on the worklist - write the importer of record number from ACE into the cell",
                    at.position(c),
                    column.header(),
                    number.as_str()
                );
                self.findings.push(cell_diag(
                    &capekit_core::reading::PLACEHOLDER_IMPORTER_NUMBER,
                    at,
                    c,
                    value,
                    message,
                ));
                return;
            }
            Column::Drawback | Column::ReconciliationIndicator | Column::AdCvd
                if !flag_readable(column, value) =>
            {
                let why = "neither yes nor no";
                entry.add_doubt(column, Doubt::Unreadable, at.position(c), value, why);
                let value_shown = capekit_core::diag::quoted(value);
                let message = format!(
                    "{}: `{value_shown}` in `{}` is neither yes nor no as capekit reads a flag (no: blank, `N`, `No`, `N/A`, `None`, `Not Applicable`, `Not Flagged`; yes: `Y`, `Yes`, `X`, `Flagged`, a claim or case number) - write `Y` or `N` (or the claim or case number); until then entry {} is not declared (the plan sends it to review)",
                    at.position(c),
                    column.header(),
                    number.as_str()
                );
                self.findings.push(cell_diag(
                    &capekit_core::reading::UNREADABLE_FLAG,
                    at,
                    c,
                    value,
                    message,
                ));
                // Kept as written, so that a different value on another row is still said.
                let slot = match column {
                    Column::Drawback => &mut entry.drawback,
                    Column::ReconciliationIndicator => &mut entry.reconciliation_indicator,
                    _ => &mut entry.adcvd,
                };
                if slot.is_none() {
                    *slot = Some(intern(&mut self.texts, value));
                }
                return;
            }
            _ => {
                let normalized: Cow<'_, str> = if column == Column::EntryType {
                    match entry_type(value) {
                        Some(t) => Cow::Owned(t),
                        None => {
                            entry.add_doubt(
                                column,
                                Doubt::Unreadable,
                                at.position(c),
                                value,
                                "not a two-digit entry type",
                            );
                            let value_shown = capekit_core::diag::quoted(value);
                            let message = format!(
                                "{}: `{value_shown}` in `{}` is not an entry type; expected a two-digit code such as `01` - correct the cell; until then the excluded types 08, 09 and 47 are not checked and entry {} is not declared",
                                at.position(c),
                                column.header(),
                                number.as_str()
                            );
                            self.findings.push(cell_diag(
                                &UNREADABLE_ENTRY_TYPE,
                                at,
                                c,
                                value,
                                message,
                            ));
                            return;
                        }
                    }
                } else {
                    Cow::Borrowed(value)
                };
                let slot = match column {
                    Column::EntryType => &mut entry.entry_type,
                    Column::ImporterNumber => &mut entry.importer_number,
                    Column::ImporterName => &mut entry.importer_name,
                    Column::LiquidationStatus => &mut entry.liquidation_status,
                    Column::ReconciliationIndicator => &mut entry.reconciliation_indicator,
                    Column::ReconciliationEntryNumber => &mut entry.reconciliation_entry_number,
                    Column::ControlStatus => &mut entry.control_status,
                    Column::ProtestNumber => &mut entry.protest_number,
                    Column::ProtestStatus => &mut entry.protest_status,
                    Column::Drawback => &mut entry.drawback,
                    Column::LiquidationReason => &mut entry.liquidation_reason,
                    Column::AdCvd => &mut entry.adcvd,
                    Column::Port => &mut entry.port,
                    _ => return,
                };
                match slot {
                    None => {
                        *slot = Some(intern(&mut self.texts, &normalized));
                        None
                    }
                    Some(old) if old.eq_ignore_ascii_case(&normalized) => return,
                    Some(old) => Some(old.to_string()),
                }
            }
        };
        let first_line = entry.first_line;
        let Some(side) = self.sides.get_mut(i) else {
            return;
        };
        match kept {
            None => {
                if at.line != first_line {
                    side.later.push((column, at.line));
                }
            }
            Some(old) => {
                if side.conflicted.contains(column) {
                    return;
                }
                side.conflicted.insert(column);
                let kept_on = side
                    .later
                    .iter()
                    .find(|(c, _)| *c == column)
                    .map_or(first_line, |(_, l)| *l);
                let deciding = !matches!(column, Column::ImporterName | Column::Port);
                let value_shown = capekit_core::diag::quoted(value);
                let old_shown = capekit_core::diag::quoted(&old);
                let message = format!(
                    "{}: entry {} has `{}` `{value_shown}` here but `{old_shown}` on {}; the first is kept{} - check the entry in ACE and correct the export",
                    at.position(c),
                    number.as_str(),
                    column.header(),
                    at.where_line(kept_on),
                    if deciding {
                        " and the entry is not declared (the plan sends it to review)"
                    } else {
                        ""
                    }
                );
                if deciding && let Some(e) = self.entries.get_mut(i) {
                    e.add_doubt(
                        column,
                        Doubt::Conflicting,
                        at.position(c),
                        value,
                        &format!("`{old}` on {}", at.where_line(kept_on)),
                    );
                }
                self.findings
                    .push(cell_diag(&CONFLICTING_VALUES, at, c, value, message));
            }
        }
    }

    /// Reads the HTS number and, on Chapter 99 lines (the only ones a decision uses), the duty
    /// and goods value.
    pub(super) fn line_amounts(
        &mut self,
        at: At<'_>,
        f: &impl Fields,
        mapping: &Mapping,
        i: usize,
    ) {
        let Some(hc) = mapping.get(Column::Hts) else {
            return;
        };
        let raw = f.raw(hc);
        let text = self.text(raw);
        let value = unwrap_value(&text);
        if value.is_empty() {
            return;
        }
        let Some(number) = self.entries.get(i).map(|e| e.entry_number) else {
            return;
        };
        let digits = hts_digits(value);
        let program = match &digits {
            Ok(d) => std::str::from_utf8(d.as_slice()).ok().and_then(chapter_99),
            Err(why) => {
                if let Some(e) = self.entries.get_mut(i) {
                    e.add_doubt(Column::Hts, Doubt::Unreadable, at.position(hc), value, why);
                }
                let value_shown = capekit_core::diag::quoted(value);
                let message = format!(
                    "{}: `{value_shown}` in `{}` is not an HTS number ({why}); expected 8 or 10 digits with or without dots, such as `9903.01.25` or `99030125` - export the HTS column as text (format it as Text in Excel) or correct the cell; until then this line is not counted as IEEPA and entry {} is not declared",
                    at.position(hc),
                    Column::Hts.header(),
                    number.as_str()
                );
                self.findings
                    .push(cell_diag(&UNREADABLE_HTS, at, hc, value, message));
                return;
            }
        };
        let Some(program) = program else {
            return;
        };
        let ieepa = program == Chapter99::Ieepa;
        let has_duty_column = mapping.get(Column::Duty).is_some();
        let duty = self.amount(at, f, mapping, Column::Duty, number, ieepa);
        let goods = if ieepa {
            self.amount(at, f, mapping, Column::GoodsValue, number, true)
        } else {
            Ok(None)
        };
        let duty_at = mapping.get(Column::Duty).map(|c| at.position(c));
        let goods_at = mapping.get(Column::GoodsValue).map(|c| at.position(c));
        if ieepa
            && let (Ok(Some(v)), Some(dc)) = (&duty, mapping.get(Column::Duty))
            && *v < 0
        {
            let text = self.text(f.raw(dc));
            let value = unwrap_value(&text).to_owned();
            let value_shown = capekit_core::diag::quoted(&value);
            let message = format!(
                "{}: `{value_shown}` in `{}` is a negative duty on the IEEPA line {} of entry {}: an entry summary line does not carry negative duty (a correction or refund already made?) - check the entry summary in ACE and correct the export; until then the entry is not declared and not written off (the plan sends it to review)",
                at.position(dc),
                Column::Duty.header(),
                std::str::from_utf8(digits.as_ref().map_or(&[][..], HtsDigits::as_slice))
                    .unwrap_or(""),
                number.as_str()
            );
            self.findings
                .push(cell_diag(&NEGATIVE_IEEPA_DUTY, at, dc, &value, message));
            if let Some(e) = self.entries.get_mut(i) {
                e.ieepa_negative_duty_lines = e.ieepa_negative_duty_lines.saturating_add(1);
                e.add_doubt(
                    Column::Duty,
                    Doubt::NegativeIeepaDuty,
                    at.position(dc),
                    &value,
                    "",
                );
            }
        }
        let Some(e) = self.entries.get_mut(i) else {
            return;
        };
        let duty_cents = match &duty {
            Ok(d) => d.unwrap_or(0),
            Err((value, why)) => {
                if ieepa {
                    e.add_doubt(
                        Column::Duty,
                        Doubt::Unreadable,
                        duty_at.unwrap_or_default(),
                        value,
                        why,
                    );
                }
                0
            }
        };
        let total = match program {
            Chapter99::Ieepa => {
                e.ieepa_lines = e.ieepa_lines.saturating_add(1);
                // The order behind the line dates the court's two years: every line but an
                // explicit zero (an exemption code) counts.
                if !matches!(duty, Ok(Some(0)))
                    && let Ok(d) = &digits
                    && let Ok(h) = std::str::from_utf8(d.as_slice())
                {
                    e.ieepa_orders.add_heading(h);
                }
                if matches!(duty, Ok(None)) && has_duty_column {
                    e.ieepa_blank_duty_lines = e.ieepa_blank_duty_lines.saturating_add(1);
                }
                match &goods {
                    Ok(Some(v)) if *v != 0 => e.ieepa_goods_value_on_99_line = true,
                    Ok(_) => {}
                    Err((value, why)) => e.add_doubt(
                        Column::GoodsValue,
                        Doubt::Unreadable,
                        goods_at.unwrap_or_default(),
                        value,
                        why,
                    ),
                }
                if duty_cents <= 0 {
                    return;
                }
                e.ieepa_dutiable_lines = e.ieepa_dutiable_lines.saturating_add(1);
                &mut e.ieepa_duty_cents
            }
            Chapter99::Section122 => &mut e.other_chapter_99.section_122_cents,
            Chapter99::Section301 => &mut e.other_chapter_99.section_301_cents,
            Chapter99::Section232 => &mut e.other_chapter_99.section_232_cents,
        };
        match total
            .checked_add(duty_cents)
            .filter(|t| (-MAX_AMOUNT_CENTS..=MAX_AMOUNT_CENTS).contains(t))
        {
            Some(t) => *total = t,
            None => {
                // The line is left out of the total, which then stands for what could be read;
                // the duty is marked unreadable so that no decision rests on it.
                let Some(dc) = mapping.get(Column::Duty) else {
                    e.unreadable_columns.insert(Column::Duty);
                    return;
                };
                let raw = f.raw(dc);
                let text = decode_field(raw);
                let value = unwrap_value(&text);
                e.add_doubt(
                    Column::Duty,
                    Doubt::Unreadable,
                    at.position(dc),
                    value,
                    "the entry's Chapter 99 duty would pass $10,000,000,000.00",
                );
                let value_shown = capekit_core::diag::quoted(value);
                let message = format!(
                    "{}: `{value_shown}` in `{}` brings entry {}'s Chapter 99 duty past $10,000,000,000.00, beyond any entry's amounts - check the export; until then the entry is not judged on its duty (never as not refundable because of it)",
                    at.position(dc),
                    Column::Duty.header(),
                    number.as_str()
                );
                self.findings
                    .push(cell_diag(&BAD_AMOUNT, at, dc, value, message));
            }
        }
    }

    /// An amount column of the row: `Ok(None)` when the column is absent or the cell empty,
    /// `Err(())` (with a finding) when it cannot be read.
    pub(super) fn amount(
        &mut self,
        at: At<'_>,
        f: &impl Fields,
        mapping: &Mapping,
        column: Column,
        number: EntryNumber,
        ieepa: bool,
    ) -> Result<Option<i64>, (String, &'static str)> {
        let Some(c) = mapping.get(column) else {
            return Ok(None);
        };
        let raw = f.raw(c);
        let text = self.text(raw);
        let value = unwrap_value(&text);
        match parse_cents(value) {
            Ok(v) => Ok(v),
            Err(why) => {
                let what = if column == Column::Duty {
                    "duty"
                } else {
                    "goods value"
                };
                let effect = if ieepa {
                    format!(
                        "entry {} is not judged on this {what}: never written off as not refundable because of it, and not declared (the plan sends it to review)",
                        number.as_str()
                    )
                } else {
                    format!(
                        "this {what} is left out of entry {}'s totals",
                        number.as_str()
                    )
                };
                let value_shown = capekit_core::diag::quoted(value);
                let message = format!(
                    "{}: `{value_shown}` in `{}` is not an amount ({why}); expected dollars and cents such as `$1,234.00`, `(12.00)` or `-12.50` - correct the cell; until then {effect}",
                    at.position(c),
                    column.header(),
                );
                self.findings
                    .push(cell_diag(&BAD_AMOUNT, at, c, value, message));
                Err((value.to_owned(), why))
            }
        }
    }

    pub(super) fn finish(self) -> Result<EntryDataSet, EntryFileError> {
        let Some(mapping) = self.mapping else {
            return Err(if self.before_header.is_empty() {
                EntryFileError::Empty {
                    file: self.file.to_owned(),
                }
            } else {
                self.no_entry_column()
            });
        };
        // Dropped before the entries are handed over, so that peak memory is not both.
        drop(self.index);
        drop(self.sides);
        let mut diagnostics = self.findings.finish();
        // Findings are pushed in file order except R010 and header findings, which belong first.
        diagnostics.sort_by_key(|d| (d.line.is_some(), d.line));
        Ok(EntryDataSet {
            file: self.file.to_owned(),
            content: Content::Text,
            entries: self.entries,
            rows_read: self.rows_read,
            rows_used: self.rows_used,
            rows_dropped: self.rows_dropped,
            blank_rows: self.blank_rows,
            header_line: self.header_line,
            columns_present: mapping.present,
            columns_ignored: self.columns_ignored,
            bom: false,
            windows_1252: self.windows_1252,
            diagnostics,
            run_date: self.run_date,
        })
    }
}
