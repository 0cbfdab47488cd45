//! The plan as `--format json` prints it.

use super::*;

/// The JSON output: one object. Money is given twice: `ieepa_duty` as a decimal string of
/// dollars (`"1234.56"`, exact, unlike a float) and `ieepa_duty_cents` as an integer.
#[derive(Debug, Serialize)]
pub struct PlanJson<'a> {
    /// Decided as of.
    pub as_of: Date,
    /// `--filer`, when given.
    pub filer: Option<&'a str>,
    /// Every entry, in file order.
    pub entries: Vec<EntryJson<'a>>,
    /// Per path.
    pub totals: Vec<TotalJson>,
    /// IEEPA duty of every entry, dollars.
    pub ieepa_duty: String,
    /// Number of urgent entries.
    pub urgent: usize,
    /// The declarations.
    pub declarations: Vec<DeclarationJson<'a>>,
    /// Every declaration file written.
    pub declaration_files: Vec<String>,
    /// worklist.csv and worklist.xlsx.
    pub worklist_files: Vec<String>,
    /// report.html.
    pub report: Option<String>,
    /// The protest and court packets (`protest-IMPORTER.xlsx`, `court-IMPORTER.xlsx`).
    pub packet_files: Vec<String>,
    /// One report per importer, safe to send to it.
    pub importer_report_files: Vec<String>,
    /// Every finding of the readers and the plan (not capped at 20 per rule).
    pub diagnostics: &'a [Diagnostic],
    /// The proof that nothing was lost.
    pub reconciliation: &'a PlanReconciliation,
    /// How old each file's data is.
    pub data_age: &'a [DataAge],
}

/// One entry in the JSON output.
#[derive(Debug, Serialize)]
pub struct EntryJson<'a> {
    /// The entry, 11 characters.
    pub entry_number: EntryNumber,
    /// Importer of record number.
    pub importer_number: Option<&'a str>,
    /// Importer of record name.
    pub importer_name: Option<&'a str>,
    /// The path.
    pub path: EntryPath,
    /// Rule codes, the deciding one first.
    pub reasons: &'a [&'static str],
    /// What to do.
    pub what_to_do: String,
    /// IEEPA duty, dollars as a decimal string.
    pub ieepa_duty: String,
    /// IEEPA duty, cents.
    pub ieepa_duty_cents: i64,
    /// `{date, days_left}` or null.
    pub cape_window_closes: Option<Deadline>,
    /// `{date, days_left}` or null.
    pub psc_due: Option<Deadline>,
    /// `{date, days_left}` or null.
    pub protest_due: Option<Deadline>,
    /// The court date to calendar, as the worklist's `court_due` gives it: the earliest of
    /// `court_1581a_due` and `court_1581i_due` still ahead (when both have passed, the
    /// earlier), `{kind, date, days_left, urgent, basis}` or null; `kind` names the route.
    pub court_due: Option<Deadline>,
    /// Court under 28 USC 1581(i) at the earliest reading, or null.
    pub court_1581i_due: Option<Deadline>,
    /// The later readings of `court_1581i_due` (deposit and liquidation + 2 years).
    pub court_readings: capekit_core::deadline::CourtReadings,
    /// Court under 28 USC 1581(a) after a denied protest, or null.
    pub court_1581a_due: Option<Deadline>,
    /// The kinds of deadline that matter for the path.
    pub deadlines_that_matter: capekit_core::deadline::KindSet,
    /// A deadline that matters is near (14 days; 60 for the court).
    pub urgent: bool,
    /// The deadline that makes it urgent, or null.
    pub urgent_deadline: Option<Deadline>,
    /// Why it is urgent when no deadline of it can be dated (a liquidated entry without its
    /// liquidation date), or null.
    pub urgent_undated: Option<&'static str>,
    /// The declaration file it is on, if any.
    pub declaration_file: Option<String>,
    /// The filer that must declare it, when `--filer` kept it off the declarations.
    pub other_filer: Option<&'a str>,
    /// Why the plan kept a `cape` entry off the declarations (no importer number, trade
    /// control status), or null.
    pub held: Option<&'a str>,
    /// What the ledger knows of it, when that kept it off the declarations: `{"state":
    /// "accepted", "claim"}` or `{"state": "pending", "declaration", "declared_at"}`. Absent
    /// otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ledger: Option<&'a KnownState>,
    /// Sentences for a person.
    pub notes: &'a [String],
    /// `file:line`.
    pub source: String,
}

/// Per path in the JSON output.
#[derive(Debug, Serialize)]
pub struct TotalJson {
    /// The path.
    pub path: EntryPath,
    /// Entries.
    pub entries: usize,
    /// IEEPA duty, dollars as a decimal string.
    pub ieepa_duty: String,
}

/// One declaration in the JSON output.
#[derive(Debug, Serialize)]
pub struct DeclarationJson<'a> {
    /// Its files (parts).
    pub files: Vec<String>,
    /// Importer of record number.
    pub importer_number: Option<&'a str>,
    /// Filer code, when split by filer.
    pub filer: Option<&'a str>,
    /// Number of entries.
    pub entries: usize,
    /// Number of urgent entries.
    pub urgent: usize,
    /// IEEPA duty, dollars as a decimal string.
    pub ieepa_duty: String,
}

pub(super) fn shown(p: &FsPath) -> String {
    p.display().to_string()
}

/// The JSON value of a plan.
pub fn plan_json<'a>(plan: &'a Plan, files: &PlanFiles) -> PlanJson<'a> {
    let filer = plan.filer.as_ref().map(FilerCode::as_str);
    PlanJson {
        as_of: plan.as_of,
        filer,
        entries: plan
            .entries
            .iter()
            .map(|e| EntryJson {
                entry_number: e.entry_number,
                importer_number: e.importer_number.as_deref(),
                importer_name: e.importer_name.as_deref(),
                path: e.decision.path,
                reasons: &e.decision.reasons,
                what_to_do: match files.file_of(e) {
                    // The rule's advice says to write a declaration; the plan wrote it.
                    Some(f) => format!(
                        "upload {} on ACE Portal > CAPE > File Uploads{}",
                        f.display(),
                        if e.urgent {
                            format!(
                                " today: the CAPE window closes within {} days",
                                capekit_core::deadline::URGENT_DAYS
                            )
                        } else {
                            String::new()
                        }
                    ),
                    None => e.what_to_do(filer),
                },
                ieepa_duty: decimal_dollars(e.ieepa_duty_cents),
                ieepa_duty_cents: e.ieepa_duty_cents,
                cape_window_closes: e.decision.deadlines.cape_window_closes,
                psc_due: e.decision.deadlines.psc_due,
                protest_due: e.decision.deadlines.protest_due,
                court_due: e.decision.deadlines.court_safe(),
                court_1581i_due: e.decision.deadlines.court_due,
                court_readings: e.decision.deadlines.court_readings,
                court_1581a_due: e.decision.deadlines.court_1581a_due,
                deadlines_that_matter: e.decision.matter,
                urgent: e.urgent,
                urgent_deadline: e.urgent_by,
                urgent_undated: e.undated_urgency(),
                declaration_file: files.file_of(e).map(|p| shown(p)),
                other_filer: e.other_filer.as_deref(),
                held: e.held.as_deref(),
                ledger: e.known.as_ref(),
                notes: &e.decision.notes,
                source: e.source(),
            })
            .collect(),
        totals: plan
            .totals
            .iter()
            .map(|t| TotalJson {
                path: t.path,
                entries: t.entries,
                ieepa_duty: decimal_dollars(t.ieepa_duty_cents),
            })
            .collect(),
        ieepa_duty: decimal_dollars(plan.ieepa_duty_cents()),
        urgent: plan.entries.iter().filter(|e| e.urgent).count(),
        declarations: plan
            .declarations
            .iter()
            .zip(&files.declarations)
            .map(|(d, paths)| DeclarationJson {
                files: paths.iter().map(|p| shown(p)).collect(),
                importer_number: d.importer_number.as_deref(),
                filer: d.filer.as_deref(),
                entries: d.entries.len(),
                urgent: d.urgent,
                ieepa_duty: decimal_dollars(d.ieepa_duty_cents),
            })
            .collect(),
        declaration_files: files.declaration_files().map(|p| shown(p)).collect(),
        worklist_files: [&files.worklist_csv, &files.worklist_xlsx]
            .into_iter()
            .flatten()
            .map(|p| shown(p))
            .collect(),
        report: files.report.as_deref().map(shown),
        packet_files: files.packets.iter().map(|p| shown(p)).collect(),
        importer_report_files: files
            .importer_reports
            .iter()
            .map(|(_, p)| shown(p))
            .collect(),
        diagnostics: &plan.diagnostics,
        reconciliation: &plan.reconciliation,
        data_age: &plan.data_age,
    }
}
