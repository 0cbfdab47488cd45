//! The plan: each entry of an ES-003 export (or several) on its path, with its deadlines, the
//! declarations to upload split per importer and in parts of 9,999, and the reconciliation that
//! proves every row and entry read is accounted for. The model only: the printers and writers
//! (text, JSON, CSV, XLSX, HTML, the packets) are `capekit_io::plan_out`'s.

use std::collections::hash_map::Entry as MapEntry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use jiff::civil::Date;
use serde::Serialize;

use crate::check::MAX_ENTRIES;
use crate::deadline::Deadline;
use crate::diag::Diagnostic;
use crate::entry_data::EntryDataSet;
use crate::known::{Known, KnownState};
use crate::names::{Kind as NameKind, Taken, Whose, file_label, output_name, part_names};
use crate::path::{Decision, EntryData, EntryPath, PathContext, decide_with};
use crate::reading::{ENTRY_IN_TWO_FILES, FINDINGS_CAPPED, MAX_DIAGNOSTICS_PER_RULE};
use crate::{EntryNumber, FilerCode};

/// The file-name part of the declaration of entries with no importer number.
pub use crate::names::UNKNOWN_IMPORTER;

/// What a plan is asked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// Decide as of this day.
    pub as_of: Date,
    /// The filing account's filer code: only entries bearing it are declared.
    pub filer: Option<FilerCode>,
    /// What the user told the path engine (importers that sued, for CAPE Phase 3).
    pub context: PathContext,
    /// One declaration for all importers instead of one per importer. CBP allows several
    /// importers on one declaration (CBP FAQ as relayed); the split per importer is the default
    /// because refunds are consolidated per importer of record and liquidation date, so one file
    /// per importer keeps each importer's claim, status and refund apart.
    pub one_declaration: bool,
    /// The date of each input file's data, by file name as read (the file's modification date
    /// on CBP's clock when the export does not say): the plan says how old its data is.
    pub file_dates: HashMap<String, Date>,
}

/// Entry data older than this many days on the as-of date is flagged: liquidations, protests
/// and CBP's own changes since then are not in it.
pub const STALE_DATA_DAYS: i32 = 30;

/// How old one input file's data is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataAge {
    /// The file, as named.
    pub file: String,
    /// The date of its data.
    pub date: Date,
    /// Days from `date` to the as-of date.
    pub days_old: i32,
    /// More than [`STALE_DATA_DAYS`] old.
    pub stale: bool,
    /// The date is the export's run date from its title row, not the file's date.
    pub from_title: bool,
}

/// The file-name part of the one declaration for all importers (`--one-declaration`).
pub const ALL_IMPORTERS: &str = "all-importers";

/// One entry of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedEntry {
    /// The entry.
    pub entry_number: EntryNumber,
    /// Importer of record number, as the file writes it.
    pub importer_number: Option<Arc<str>>,
    /// Importer of record name.
    pub importer_name: Option<Arc<str>>,
    /// The file the entry was taken from, as named on the command line.
    pub file: Arc<str>,
    /// 1-based line (or sheet row) where the entry first appears in that file.
    pub line: u64,
    /// IEEPA duty in cents.
    pub ieepa_duty_cents: i64,
    /// What the protest and court packets need of the entry data.
    pub facts: PacketFacts,
    /// The path, its reasons, deadlines and notes.
    pub decision: Decision,
    /// A deadline that matters is near (14 days for CAPE, PSC and protest, 60 for the court).
    pub urgent: bool,
    /// The deadline that makes it urgent: the nearest urgent one that matters.
    pub urgent_by: Option<Deadline>,
    /// Index in [`Plan::declarations`] and part (0-based) of the file the entry is on.
    pub declaration: Option<(usize, usize)>,
    /// A `cape` entry left off the declarations because another filer must declare it (only with
    /// `--filer`): that filer's code.
    pub other_filer: Option<String>,
    /// A `cape` entry left off the declarations because the ledger knows it as accepted on an
    /// earlier claim or still pending on an earlier declaration.
    pub known: Option<KnownState>,
    /// A `cape` entry the plan itself doubts CBP will take (trade control status, no importer
    /// number): on the worklist with this reason, never on a declaration.
    pub held: Option<String>,
}

impl PlannedEntry {
    /// Where the entry comes in "most urgent first", whichever list shows it: urgent entries
    /// first, those whose deadline cannot be dated before every dated one (the date may be
    /// past already), then by the days left to the deadline that makes them urgent, or to the
    /// nearest open one; entries with none open last.
    pub fn order_key(&self) -> (bool, i32) {
        let days = match (self.urgent, self.urgent_by) {
            (true, None) => -1,
            (true, Some(d)) => d.days_left,
            (false, _) => match self.horizon() {
                Horizon::Open(d) => d.days_left,
                Horizon::Passed | Horizon::Undated => i32::MAX,
            },
        };
        (!self.urgent, days)
    }

    /// Why the entry is urgent with no deadline to date it (a liquidated entry without its
    /// liquidation date), if it is: [`Decision::undated_urgency`] of an urgent entry whose
    /// urgency no dated deadline explains.
    pub fn undated_urgency(&self) -> Option<&'static str> {
        if self.urgent && self.urgent_by.is_none() {
            self.decision.undated_urgency()
        } else {
            None
        }
    }

    /// What makes the entry urgent, in words: the deadline (`protest due 2026-12-04 (10 days
    /// left)`), or why none can be dated; empty when it is not urgent.
    pub fn urgency(&self) -> String {
        match (self.urgent, self.urgent_by) {
            (_, Some(d)) => d.describe(),
            (true, None) => self
                .decision
                .undated_urgency()
                .unwrap_or("a deadline that matters cannot be dated")
                .to_owned(),
            (false, None) => String::new(),
        }
    }

    /// `file:line`, for worklists.
    pub fn source(&self) -> String {
        // The file's name alone: worklists and reports go to others, and where the file lies
        // on this computer is nobody's business.
        format!("{}:{}", file_label(&self.file), self.line)
    }

    /// What to do: the deciding rule's advice, or who must declare it.
    pub fn what_to_do(&self, our_filer: Option<&str>) -> String {
        // The ledger's word comes first: declaring an accepted entry again is the one mistake
        // that gets a whole declaration rejected, whoever's account would file it.
        match &self.known {
            Some(k @ KnownState::Accepted { .. }) => {
                return format!(
                    "{}, as the ledger records: never declare it again",
                    k.describe()
                );
            }
            Some(
                k @ KnownState::Pending {
                    declared_at,
                    declaration,
                },
            ) if self.urgent => {
                // Its age, counted to the plan's day: the urgent deadline's date less its days left.
                let age = self.urgent_by.as_ref().and_then(|d| {
                    let as_of = d
                        .date
                        .checked_sub(jiff::Span::new().days(d.days_left))
                        .ok()?;
                    // The upload's day on CBP's clock, as the plan's day is.
                    let uploaded = crate::deadline::cbp_today(*declared_at);
                    let days = uploaded.until(as_of).ok()?.get_days();
                    let when = match days {
                        ..=0 => format!("on {as_of}"),
                        1 => format!("1 day before {as_of}"),
                        n => format!("{n} days before {as_of}"),
                    };
                    // `CAPE window closes 2026-11-26`: the deadline in words, not its key.
                    Some(format!(
                        "; {declaration} was uploaded {when}, and its {} {}",
                        d.kind.describe(),
                        d.date
                    ))
                });
                return format!(
                    "urgent and {}{}, as the ledger records: look for that declaration's claim number in ACE (File Uploads, then Claim Status) before anything else - do not resubmit",
                    k.describe(),
                    age.unwrap_or_default()
                );
            }
            Some(k @ KnownState::Pending { .. }) => {
                return format!(
                    "{}, as the ledger records: do not resubmit - wait for that declaration's claim and triage it",
                    k.describe()
                );
            }
            Some(k @ (KnownState::Drafted { .. } | KnownState::Rejected { .. })) => {
                return format!("{}, as the ledger records: {}", k.describe(), k.remedy());
            }
            None => {}
        }
        if let Some(why) = &self.held {
            return why.clone();
        }
        if let Some(other) = &self.other_filer {
            return format!(
                "declare it from the ACE account of filer {other} (the broker that filed it) or the importer's own account; this plan declares only filer {}'s entries",
                our_filer.unwrap_or("?")
            );
        }
        self.decision.what_to_do()
    }

    /// The nearest deadline that matters for the entry's path.
    pub fn horizon(&self) -> Horizon {
        horizon(&self.decision)
    }
}

/// What the protest and court packets show of an entry, kept from its data (the plan keeps no
/// other part of it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PacketFacts {
    /// Entry type, two digits.
    pub entry_type: Option<Arc<str>>,
    /// Port of entry code.
    pub port: Option<Arc<str>>,
    /// Date of entry.
    pub entry_date: Option<Date>,
    /// Entry summary date (the deposit, when the payment date is unknown).
    pub entry_summary_date: Option<Date>,
    /// Liquidation date, as the file gives it.
    pub liquidation_date: Option<Date>,
    /// IEEPA lines (9903.01/.02) on the entry.
    pub ieepa_lines: u32,
    /// The orders behind those lines.
    pub orders: crate::deadline::OrderSet,
    /// Drawback-linked: `Some(true)`/`Some(false)` when the file says, `None` when it does not.
    pub drawback: Option<bool>,
}

impl PacketFacts {
    fn of(e: &EntryData) -> Self {
        Self {
            entry_type: e.entry_type.clone(),
            port: e.port.clone(),
            entry_date: e.entry_date,
            entry_summary_date: e.entry_summary_date,
            liquidation_date: e.liquidation_date,
            ieepa_lines: e.ieepa_lines,
            orders: e.ieepa_orders,
            // A flag the reader could not read (R015) is not said either way.
            drawback: e.drawback.as_deref().and_then(crate::path::flag_value).or(
                if e.absent_columns.contains(crate::path::Column::Drawback)
                    || e.unreadable_columns.contains(crate::path::Column::Drawback)
                {
                    None
                } else {
                    Some(false)
                },
            ),
        }
    }
}

/// The nearest deadline of an entry that its path makes matter
/// ([`crate::deadline::matter`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Horizon {
    /// The nearest deadline not yet passed.
    Open(Deadline),
    /// Every deadline that matters has passed.
    Passed,
    /// No dated deadline matters: an unliquidated entry (its CAPE window has not started), an
    /// entry with nothing to refund.
    Undated,
}

/// The nearest deadline of a decision that its path makes matter.
pub fn horizon(d: &Decision) -> Horizon {
    match d.next_deadline() {
        Some(dl) => Horizon::Open(dl),
        None if d.deadlines_that_matter().next().is_none() => Horizon::Undated,
        None => Horizon::Passed,
    }
}

/// Buckets of the deadline chart, by days left to the nearest open deadline (inclusive).
pub const DEADLINE_BUCKETS: [(&str, i32, i32); 6] = [
    ("0-14 days", 0, 14),
    ("15-30 days", 15, 30),
    ("31-60 days", 31, 60),
    ("61-90 days", 61, 90),
    ("91-180 days", 91, 180),
    ("over 180 days", 181, i32::MAX),
];
/// Chart label of entries whose deadlines have all passed.
pub const BUCKET_PASSED: &str = "passed";
/// Chart label of entries with no dated deadline.
pub const BUCKET_UNDATED: &str = "no dated deadline";
/// Chart label of urgent entries whose deadline cannot be dated (a liquidated entry without its
/// liquidation date); shown only when there are some.
pub const BUCKET_UNDATABLE: &str = "urgent, date unknown";

/// A CAPE declaration: one importer's `cape` entries (one filer's, when split), urgent first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Declaration {
    /// Importer of record number; `None` for entries without one.
    pub importer_number: Option<Arc<str>>,
    /// The filer code, when the importer's entries were split by filer.
    pub filer: Option<String>,
    /// The file name before splitting (`declaration-IOR.csv`); parts add `-01`, `-02`...
    pub base_name: String,
    /// The file names, one per part of at most 9,999 entries.
    pub file_names: Vec<String>,
    /// The entries, in upload order: urgent first, then by the CAPE window, then by number.
    pub entries: Vec<EntryNumber>,
    /// How many of them are urgent.
    pub urgent: usize,
    /// Their IEEPA duty, in cents.
    pub ieepa_duty_cents: i64,
}

/// Entries and IEEPA duty on one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PathTotal {
    /// The path.
    pub path: EntryPath,
    /// Number of entries.
    pub entries: usize,
    /// IEEPA duty, in cents.
    pub ieepa_duty_cents: i64,
}

/// What one input file gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileCount {
    /// The file, as named.
    pub file: String,
    /// Data rows read.
    pub rows_read: u64,
    /// Rows folded into an entry.
    pub rows_used: u64,
    /// Rows left out (unreadable entry number), each with a finding.
    pub rows_dropped: u64,
    /// Entries read.
    pub entries: usize,
    /// Of those, entries already taken from an earlier file (finding R011).
    pub in_earlier_file: usize,
}

/// The proof that nothing was lost: `rows_read = rows_used + rows_dropped`, `entries_read =
/// entries + in_earlier_file`, and `entries` = the sum over paths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanReconciliation {
    /// Per file.
    pub files: Vec<FileCount>,
    /// Data rows read, all files.
    pub rows_read: u64,
    /// Rows used.
    pub rows_used: u64,
    /// Rows dropped.
    pub rows_dropped: u64,
    /// Entries read, all files.
    pub entries_read: usize,
    /// Entries left out because an earlier file had them.
    pub in_earlier_file: usize,
    /// Entries planned.
    pub entries: usize,
    /// Entries per path, in path order (every path, zeros included).
    pub by_path: Vec<(EntryPath, usize)>,
    /// True when all three equations hold.
    pub holds: bool,
}

/// The plan of a set of entry files.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Decided as of this day.
    pub as_of: Date,
    /// The filing account's filer code, when given.
    pub filer: Option<FilerCode>,
    /// Every entry, in the order of the files and of first appearance.
    pub entries: Vec<PlannedEntry>,
    /// The declarations to upload.
    pub declarations: Vec<Declaration>,
    /// Per path, every path in [`EntryPath::ALL`] order.
    pub totals: Vec<PathTotal>,
    /// The proof that nothing was lost.
    pub reconciliation: PlanReconciliation,
    /// The readers' findings, then the plan's own (R011), in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// How old each file's data is, when its date is known.
    pub data_age: Vec<DataAge>,
}

/// The date of a file's data: the run date its title row states (`run_date`), else the date
/// the face knows of the file (`options.file_dates`, its modification date on disk); the plan
/// states each file's age from it, and the ledger keeps it with the file's entry data.
pub fn data_date(options: &PlanOptions, file: &str, run_date: Option<Date>) -> Option<Date> {
    run_date.or_else(|| options.file_dates.get(file).copied())
}

/// Builds the plan of the files read, in the order given: an entry in two files is taken from
/// the first named, or, when the files disagree on its facts, from the one of newer data, and
/// doubted (rule R011). No ledger: see [`build_plan_with`].
pub fn build_plan(sets: Vec<EntryDataSet>, options: &PlanOptions) -> Plan {
    build_plan_with(sets, options, &Known::new(), |_, _| {})
}

/// [`build_plan`] with the ledger's knowledge and a look at each decision.
///
/// `known` is what the ledger knows of the entries (accepted on a claim, or still pending): such
/// a `cape` entry is never put on a declaration (an entry already declared conflicts at batch validation), as `CheckOptions`'s
/// `known` does for `check`.
///
/// `on_decided` gets each planned entry's data and decision as it is decided, in
/// [`Plan::entries`] order. The plan keeps only what its outputs need of an entry's data; a
/// caller that needs more (the ledger records the entry type and liquidation date) takes it here
/// rather than reading the files twice or holding every entry's data in memory.
pub fn build_plan_with(
    sets: Vec<EntryDataSet>,
    options: &PlanOptions,
    known: &Known,
    mut on_decided: impl FnMut(&EntryData, &Decision),
) -> Plan {
    let filer = options.filer;
    let mut left_out = in_two_files_read(&sets, options);
    let mut entries = Vec::new();
    let mut diagnostics = Vec::new();
    let mut files = Vec::with_capacity(sets.len());
    let mut repeats = 0usize;
    // The run date a title row states is the data's date; the file's date stands in otherwise.
    let run_dates: HashMap<String, Date> = sets
        .iter()
        .filter_map(|s| Some((s.file.clone(), s.run_date?)))
        .collect();
    for (si, set) in sets.into_iter().enumerate() {
        let file: Arc<str> = Arc::from(set.file.as_str());
        diagnostics.extend(set.diagnostics);
        let mut count = FileCount {
            file: set.file,
            rows_read: set.rows_read,
            rows_used: set.rows_used,
            rows_dropped: set.rows_dropped,
            entries: set.entries.len(),
            in_earlier_file: 0,
        };
        for (ei, mut e) in set.entries.into_iter().enumerate() {
            match left_out.remove(&(si, ei)) {
                Some(Occurrence::LeftOut(out)) => {
                    count.in_earlier_file += 1;
                    repeats += 1;
                    if repeats <= MAX_DIAGNOSTICS_PER_RULE {
                        diagnostics.push(in_two_files(&e, &file, &out));
                    }
                    continue;
                }
                Some(Occurrence::Read(doubts)) => {
                    for d in doubts {
                        e.add_doubt(
                            d.column,
                            crate::entry_data::Doubt::Conflicting,
                            d.at,
                            &d.value,
                            &d.why,
                        );
                    }
                }
                None => {}
            }
            let decision = decide_with(&e, options.as_of, &options.context);
            on_decided(&e, &decision);
            let other_filer = filer
                .filter(|f| decision.path == EntryPath::Cape && e.entry_number.filer() != *f)
                .map(|_| e.entry_number.filer_code().to_owned());
            // Only a `cape` entry would go on a declaration, so the guard concerns no other
            // path; but an entry accepted on a claim has nothing left to pursue on any path (a
            // protest or a suit for a refund CAPE is paying would claim it twice).
            let known = known
                .get(&e.entry_number)
                .filter(|k| match decision.path {
                    EntryPath::Cape => true,
                    // Nothing to pursue there anyway.
                    EntryPath::NotRefundable | EntryPath::Done => false,
                    _ => matches!(k, KnownState::Accepted { .. }),
                })
                .cloned();
            // An accepted entry has nothing left to do, however soon its window closes.
            let accepted = matches!(known, Some(KnownState::Accepted { .. }));
            // A rejection the ledger recorded that asks for a correction makes what it leaves
            // to do matter too (its PSC date), whatever the path of the entry's data: once the
            // PSC date passes, no correction and so no refile.
            let kinds = match &known {
                Some(KnownState::Rejected {
                    action: action @ crate::catalog::Action::CorrectThenRefile,
                    ..
                }) => decision.matter.union(decision.matter_after(*action)),
                _ => decision.matter,
            };
            let urgent_by =
                crate::deadline::most_urgent(crate::deadline::of_kinds(&decision.deadlines, kinds))
                    .filter(|_| !accepted);
            // A deadline that cannot be dated (a liquidated entry without its date) may be due
            // any day: urgent too, first in line ([`Plan::urgent`]).
            let urgent = urgent_by.is_some() || (!accepted && decision.undated_urgency().is_some());
            let held = (decision.path == EntryPath::Cape && known.is_none())
                .then(|| held_reason(&e, &decision))
                .flatten();
            let facts = PacketFacts::of(&e);
            entries.push(PlannedEntry {
                entry_number: e.entry_number,
                importer_number: e.importer_number,
                importer_name: e.importer_name,
                file: Arc::clone(&file),
                line: e.first_line,
                ieepa_duty_cents: e.ieepa_duty_cents,
                facts,
                urgent,
                urgent_by,
                decision,
                declaration: None,
                other_filer,
                known,
                held,
            });
        }
        files.push(count);
    }
    if repeats > MAX_DIAGNOSTICS_PER_RULE {
        diagnostics.push(FINDINGS_CAPPED.diag(format!(
            "{} more findings of {} (an entry appears in two of the files read together) are not listed; the first {MAX_DIAGNOSTICS_PER_RULE} are",
            repeats - MAX_DIAGNOSTICS_PER_RULE,
            ENTRY_IN_TWO_FILES.code
        )));
    }
    let declarations = declarations(
        &mut entries,
        filer.is_some(),
        options.one_declaration,
        options.as_of,
    );
    let totals: Vec<PathTotal> = EntryPath::ALL
        .iter()
        .map(|&path| {
            let on: Vec<&PlannedEntry> =
                entries.iter().filter(|e| e.decision.path == path).collect();
            PathTotal {
                path,
                entries: on.len(),
                ieepa_duty_cents: sum_cents(on.iter().map(|e| e.ieepa_duty_cents)),
            }
        })
        .collect();
    let data_age = files
        .iter()
        .filter_map(|f| {
            let run = run_dates.get(&f.file).copied();
            let date = data_date(options, &f.file, run)?;
            let days_old = crate::deadline::days_between(date, options.as_of);
            Some(DataAge {
                file: f.file.clone(),
                date,
                days_old,
                stale: days_old > STALE_DATA_DAYS,
                from_title: run.is_some(),
            })
        })
        .collect();
    let reconciliation = reconcile(files, entries.len(), &totals);
    Plan {
        data_age,
        as_of: options.as_of,
        filer,
        entries,
        declarations,
        totals,
        reconciliation,
        diagnostics,
    }
}

/// Why the plan keeps a `cape` entry off its declarations although the rules send it to CAPE:
/// what it knows CBP will refuse, or cannot check. A decision that names a review rule among
/// its reasons is held too: the path engine sends such entries to review, and should a `cape`
/// decision ever carry one, the doubt wins over the declaration.
fn held_reason(e: &EntryData, d: &Decision) -> Option<String> {
    if let Some(r) = d
        .reasons
        .iter()
        .filter_map(|c| crate::path::path_rule(c))
        .find(|r| r.path == EntryPath::Review)
    {
        return Some(format!(
            "{} {}: a person must look before it is declared (not put on a declaration now)",
            r.code, r.title
        ));
    }
    if e.importer_number
        .as_deref()
        .is_none_or(|n| n.trim().is_empty())
    {
        return Some(
            "no importer number in the file: CAPE matches the declaring account to the importer of record - add `Importer Number` (or look the entry up in ACE) before declaring it".to_owned(),
        );
    }
    if let Some(cs) = e
        .control_status
        .as_deref()
        .filter(|cs| cs.to_ascii_lowercase().contains("trade"))
    {
        return Some(format!(
            "control status `{cs}`: CBP answers ENTRY SUMMARY IS IN TRADE CONTROL until the entry is on a paid statement - declare it once it is (not put on a declaration now)"
        ));
    }
    None
}

/// An occurrence of an entry that is in two (or more) of the files read.
enum Occurrence {
    /// The one read: the disagreements with the others, as doubts of its data.
    Read(Vec<TwoFileDoubt>),
    /// One left out of the plan, and why.
    LeftOut(LeftOut),
}

/// A fact on which the occurrence left out disagrees with the one read.
struct TwoFileDoubt {
    column: crate::path::Column,
    /// Where the other reading stands: `twoA.csv line 2`.
    at: String,
    /// The other reading (`(blank)` when its cell is empty).
    value: String,
    /// The reading used, and where.
    why: String,
}

/// Where the occurrence read stands, and what the one left out says against it.
struct LeftOut {
    read_file: String,
    read_line: u64,
    /// The data dates, when both are known and the one read is newer.
    newer: Option<(Date, Date)>,
    /// `Liquidation Status` `Unliquidated` here, `Liquidated` there.
    disagreements: Vec<String>,
}

/// For each entry in two or more of the files, which occurrence is read: the first named while
/// the files agree on its facts; when they disagree, the one of the newest data (the export's
/// run date, else the file's date: [`data_date`]; the first named when the dates are equal or
/// unknown), doubted with each other reading (rule R011). Keyed by (file, entry) index in
/// `sets`.
fn in_two_files_read(
    sets: &[EntryDataSet],
    options: &PlanOptions,
) -> HashMap<(usize, usize), Occurrence> {
    let dates: Vec<Option<Date>> = sets
        .iter()
        .map(|s| data_date(options, &s.file, s.run_date))
        .collect();
    let mut read: HashMap<EntryNumber, (usize, usize)> = HashMap::new();
    let mut repeated: Vec<EntryNumber> = Vec::new();
    let mut others: HashMap<EntryNumber, Vec<(usize, usize)>> = HashMap::new();
    for (si, set) in sets.iter().enumerate() {
        for (ei, e) in set.entries.iter().enumerate() {
            match read.entry(e.entry_number) {
                MapEntry::Vacant(v) => {
                    v.insert((si, ei));
                }
                MapEntry::Occupied(o) => {
                    let list = others.entry(*o.key()).or_default();
                    if list.is_empty() {
                        repeated.push(*o.key());
                    }
                    list.push((si, ei));
                }
            }
        }
    }
    let mut out = HashMap::new();
    for number in repeated {
        let (Some(&first), Some(rest)) = (read.get(&number), others.remove(&number)) else {
            continue;
        };
        let entry = |(s, e): (usize, usize)| &sets[s].entries[e];
        // The first named is read while the files agree; when they disagree, the newest data.
        let mut all = vec![first];
        all.extend(rest);
        let disagree = all[1..]
            .iter()
            .any(|o| !differences(entry(first), entry(*o)).is_empty());
        let (rs, re) = if disagree {
            all.iter()
                .copied()
                .fold(first, |best, o| match (dates[o.0], dates[best.0]) {
                    (Some(a), Some(b)) if a > b => o,
                    _ => best,
                })
        } else {
            first
        };
        let chosen = &sets[rs].entries[re];
        let mut doubts = Vec::new();
        for &(os, oe) in all.iter().filter(|o| **o != (rs, re)) {
            let other = &sets[os].entries[oe];
            let mut disagreements = Vec::new();
            for (column, here, there) in differences(chosen, other) {
                let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "(blank)".to_owned());
                disagreements.push(format!(
                    "`{}` `{}` here, `{}` there",
                    column.header(),
                    shown(&there),
                    shown(&here)
                ));
                doubts.push(TwoFileDoubt {
                    column,
                    at: format!("{} line {}", sets[os].file, other.first_line),
                    value: shown(&there),
                    why: format!(
                        "`{}` in {} (line {}){}",
                        shown(&here),
                        sets[rs].file,
                        chosen.first_line,
                        match (dates[rs], dates[os]) {
                            (Some(a), Some(b)) if a > b =>
                                format!(", the newer data ({a}, the other {b}), which is read"),
                            _ => ", which is read (named first; no newer data date)".to_owned(),
                        }
                    ),
                });
            }
            let newer = match (dates[rs], dates[os]) {
                (Some(a), Some(b)) if a > b => Some((a, b)),
                _ => None,
            };
            out.insert(
                (os, oe),
                Occurrence::LeftOut(LeftOut {
                    read_file: sets[rs].file.clone(),
                    read_line: chosen.first_line,
                    newer,
                    disagreements,
                }),
            );
        }
        out.insert((rs, re), Occurrence::Read(doubts));
    }
    out
}

/// The facts of an entry on which two readings of it disagree: (column, the reading of `a`, of
/// `b`). A column either file lacks is no disagreement; a blank cell against a value is.
fn differences(
    a: &EntryData,
    b: &EntryData,
) -> Vec<(crate::path::Column, Option<String>, Option<String>)> {
    use crate::path::Column as C;
    let text = |v: &Option<Arc<str>>| v.as_deref().map(str::to_owned);
    let date = |v: &Option<Date>| v.map(|d| d.to_string());
    let facts = |e: &EntryData| {
        [
            (C::EntryType, text(&e.entry_type)),
            (C::ImporterNumber, text(&e.importer_number)),
            (C::EntryDate, date(&e.entry_date)),
            (C::LiquidationStatus, text(&e.liquidation_status)),
            (C::LiquidationDate, date(&e.liquidation_date)),
            (C::LiquidationReason, text(&e.liquidation_reason)),
            (
                C::ReconciliationIndicator,
                text(&e.reconciliation_indicator),
            ),
            (
                C::ReconciliationEntryNumber,
                text(&e.reconciliation_entry_number),
            ),
            (C::ControlStatus, text(&e.control_status)),
            (C::ProtestNumber, text(&e.protest_number)),
            (C::ProtestStatus, text(&e.protest_status)),
            (C::ProtestDecisionDate, date(&e.protest_decision_date)),
            (C::Drawback, text(&e.drawback)),
            (C::AdCvd, text(&e.adcvd)),
        ]
    };
    let flag = |c: C| matches!(c, C::Drawback | C::ReconciliationIndicator | C::AdCvd);
    let same = |c: C, x: &Option<String>, y: &Option<String>| match (x, y) {
        (Some(x), Some(y)) => {
            crate::path::squash(x) == crate::path::squash(y)
                || (flag(c)
                    && crate::path::flag_value(x).is_some()
                    && crate::path::flag_value(x) == crate::path::flag_value(y))
        }
        (None, None) => true,
        // A flag left blank says no, as `N` does.
        (Some(v), None) | (None, Some(v)) => flag(c) && crate::path::flag_value(v) == Some(false),
    };
    let mut out: Vec<_> = facts(a)
        .into_iter()
        .zip(facts(b))
        .filter(|((c, _), _)| !a.absent_columns.contains(*c) && !b.absent_columns.contains(*c))
        .filter(|((c, x), (_, y))| !same(*c, x, y))
        .map(|((c, x), (_, y))| (c, x, y))
        .collect();
    // The IEEPA duty, when both files have the columns that give it.
    let duty = [C::Hts, C::Duty];
    if duty
        .iter()
        .all(|c| !a.absent_columns.contains(*c) && !b.absent_columns.contains(*c))
        && a.ieepa_duty_cents != b.ieepa_duty_cents
    {
        let cents = |n: i64| Some(format!("{}.{:02}", n / 100, (n % 100).abs()));
        out.push((
            C::Duty,
            cents(a.ieepa_duty_cents),
            cents(b.ieepa_duty_cents),
        ));
    }
    out
}

fn in_two_files(e: &crate::path::EntryData, file: &str, out: &LeftOut) -> Diagnostic {
    let rows = if e.rows == 1 { "row" } else { "rows" };
    let why = match out.newer {
        Some((read, here)) if !out.disagreements.is_empty() => {
            format!("whose data is newer ({read}, this file's {here})")
        }
        _ => "which was named first".to_owned(),
    };
    let hint = if out.disagreements.is_empty() || out.newer.is_some() {
        ""
    } else {
        " - the data dates do not tell which file is newer: if this one is, name it first"
    };
    let disagree = if out.disagreements.is_empty() {
        "; the two files agree on its facts".to_owned()
    } else {
        format!(
            "; the two files disagree: {} - the entry is not declared on conflicting data (the plan sends it to review): check it in ACE",
            out.disagreements.join("; ")
        )
    };
    ENTRY_IN_TWO_FILES
        .diag(format!(
            "line {}: entry {} is also in {} (line {}), {why}: the entry is taken from there and the {} {rows} of it here are left out of the plan{disagree}{hint}",
            e.first_line,
            e.entry_number.as_str(),
            out.read_file,
            out.read_line,
            e.rows
        ))
        .at_line(e.first_line)
        .with_value(e.entry_number.as_str())
        .in_file(file)
}

fn reconcile(files: Vec<FileCount>, entries: usize, totals: &[PathTotal]) -> PlanReconciliation {
    let rows_read = files.iter().map(|f| f.rows_read).sum();
    let rows_used = files.iter().map(|f| f.rows_used).sum();
    let rows_dropped = files.iter().map(|f| f.rows_dropped).sum();
    let entries_read = files.iter().map(|f| f.entries).sum();
    let in_earlier_file = files.iter().map(|f| f.in_earlier_file).sum();
    let by_path: Vec<(EntryPath, usize)> = totals.iter().map(|t| (t.path, t.entries)).collect();
    let holds = rows_read == rows_used + rows_dropped
        && entries_read == entries + in_earlier_file
        && by_path.iter().map(|(_, n)| n).sum::<usize>() == entries;
    PlanReconciliation {
        files,
        rows_read,
        rows_used,
        rows_dropped,
        entries_read,
        in_earlier_file,
        entries,
        by_path,
        holds,
    }
}

/// Groups the `cape` entries into declarations (per importer, and per filer when an importer's
/// entries bear several filer codes and no `--filer` was given), orders each, names the files,
/// and marks each entry with its declaration and part.
fn declarations(
    entries: &mut [PlannedEntry],
    one_filer: bool,
    one_declaration: bool,
    as_of: Date,
) -> Vec<Declaration> {
    // Entries without an importer number sort last; the rest by importer number.
    let mut by_importer: BTreeMap<(bool, Option<Arc<str>>), Vec<usize>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        if e.decision.path == EntryPath::Cape
            && e.other_filer.is_none()
            && e.known.is_none()
            && e.held.is_none()
        {
            let importer = if one_declaration {
                Some(Arc::from(ALL_IMPORTERS))
            } else {
                e.importer_number.clone().filter(|n| !n.trim().is_empty())
            };
            by_importer
                .entry((importer.is_none(), importer))
                .or_default()
                .push(i);
        }
    }
    let mut out = Vec::new();
    // File names already taken, lower-cased: Windows and macOS do not tell `ab` from `AB`.
    let mut taken = Taken::new();
    for ((_, importer), members) in by_importer {
        let filers: BTreeSet<&str> = members
            .iter()
            .map(|&i| entries[i].entry_number.filer_code())
            .collect();
        let groups: Vec<(Option<String>, Vec<usize>)> = if one_filer || filers.len() <= 1 {
            vec![(None, members)]
        } else {
            let mut split: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for i in members {
                split
                    .entry(entries[i].entry_number.filer_code().to_owned())
                    .or_default()
                    .push(i);
            }
            split.into_iter().map(|(f, m)| (Some(f), m)).collect()
        };
        for (filer, mut members) in groups {
            // Urgent first, then the window closing soonest (unliquidated entries, with no window
            // yet, last): when a declaration is split at 9,999, part 1 is the one to upload today.
            members.sort_by_key(|&i| {
                let e = &entries[i];
                let window = e
                    .decision
                    .deadlines
                    .cape_window_closes
                    .map_or(i32::MAX, |w| w.days_left);
                (!e.urgent, window, e.entry_number)
            });
            let importer_part = importer.as_deref().unwrap_or(UNKNOWN_IMPORTER);
            let parts = members.len().div_ceil(MAX_ENTRIES);
            // Two importer numbers that differ only in punctuation or case would otherwise write
            // over each other's declaration: the second is numbered after its importer.
            let mut base_name = String::new();
            let file_names = taken.claim(|n| {
                let who = match n {
                    Some(n) => format!("{importer_part}-{n}"),
                    None => importer_part.to_owned(),
                };
                let whose = Whose {
                    importer: Some(&who),
                    filer: filer.as_deref(),
                    of: None,
                };
                base_name = output_name(NameKind::Declaration, whose, as_of, None);
                part_names(NameKind::Declaration, whose, as_of, parts)
            });
            let index = out.len();
            for (pos, &i) in members.iter().enumerate() {
                entries[i].declaration = Some((index, pos / MAX_ENTRIES));
            }
            out.push(Declaration {
                // One declaration for all importers names none of them.
                importer_number: importer.clone().filter(|_| !one_declaration),
                filer,
                base_name,
                file_names,
                urgent: members.iter().filter(|&&i| entries[i].urgent).count(),
                ieepa_duty_cents: sum_cents(members.iter().map(|&i| entries[i].ieepa_duty_cents)),
                entries: members.iter().map(|&i| entries[i].entry_number).collect(),
            });
        }
    }
    out
}

impl Plan {
    /// Every entry not on a declaration: urgent first, then by the nearest deadline that can
    /// still be met, then by entry number; entries accepted on an earlier claim, with nothing
    /// left to do, come after every other.
    pub fn worklist(&self) -> Vec<&PlannedEntry> {
        let mut list: Vec<&PlannedEntry> = self
            .entries
            .iter()
            .filter(|e| e.declaration.is_none())
            .collect();
        // The key is worth caching: working out the horizon allocates, and a large plan has
        // millions of entries.
        list.sort_by_cached_key(|e| {
            let (not_urgent, days) = e.order_key();
            let accepted = matches!(e.known, Some(KnownState::Accepted { .. }));
            (not_urgent, accepted, days, e.entry_number)
        });
        list
    }

    /// The urgent entries, in [`PlannedEntry::order_key`] order: those whose deadline cannot be
    /// dated first, then the deadline that makes them urgent coming soonest first.
    pub fn urgent(&self) -> Vec<&PlannedEntry> {
        let mut list: Vec<&PlannedEntry> = self.entries.iter().filter(|e| e.urgent).collect();
        list.sort_by_key(|e| (e.order_key(), e.entry_number));
        list
    }

    /// IEEPA duty of every entry, in cents.
    pub fn ieepa_duty_cents(&self) -> i64 {
        sum_cents(self.totals.iter().map(|t| t.ieepa_duty_cents))
    }

    /// `cape` entries the ledger kept off the declarations: accepted on an earlier claim or
    /// still pending, in entry order. (An entry on another path the ledger knows as accepted
    /// was never to be declared, and is not among them.)
    pub fn known_entries(&self) -> Vec<&PlannedEntry> {
        let mut list: Vec<&PlannedEntry> = self
            .entries
            .iter()
            .filter(|e| e.known.is_some() && e.decision.path == EntryPath::Cape)
            .collect();
        list.sort_by_key(|e| e.entry_number);
        list
    }

    /// `cape` entries the plan itself keeps off the declarations (no importer number, trade
    /// control status).
    pub fn held_entries(&self) -> usize {
        self.entries.iter().filter(|e| e.held.is_some()).count()
    }

    /// `cape` entries left off the declarations because another filer must declare them.
    pub fn other_filer_entries(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.other_filer.is_some())
            .count()
    }

    /// Entries by the nearest deadline that matters, in [`DEADLINE_BUCKETS`] order, then
    /// passed, then undated: every entry is in exactly one.
    pub fn deadline_buckets(&self) -> Vec<(String, usize)> {
        let mut counts = [0usize; DEADLINE_BUCKETS.len() + 2];
        let mut undatable = 0;
        for e in &self.entries {
            // Urgent with no date to count: not "over 180 days" because a later deadline is.
            if e.undated_urgency().is_some() {
                undatable += 1;
                continue;
            }
            let slot = match e.horizon() {
                Horizon::Open(d) => DEADLINE_BUCKETS
                    .iter()
                    .position(|(_, lo, hi)| (*lo..=*hi).contains(&d.days_left))
                    .unwrap_or(DEADLINE_BUCKETS.len() - 1),
                Horizon::Passed => DEADLINE_BUCKETS.len(),
                Horizon::Undated => DEADLINE_BUCKETS.len() + 1,
            };
            counts[slot] += 1;
        }
        let mut out: Vec<(String, usize)> = DEADLINE_BUCKETS
            .iter()
            .map(|(label, _, _)| *label)
            .chain([BUCKET_PASSED, BUCKET_UNDATED])
            .zip(counts)
            .map(|(l, n)| (l.to_owned(), n))
            .collect();
        if undatable > 0 {
            out.push((BUCKET_UNDATABLE.to_owned(), undatable));
        }
        out
    }
}

/// A sum of amounts in cents. The readers hold each entry's duty to
/// the readers' largest amount, so a sum reaches `i64::MAX` only past nine million
/// entries at that bound; it then stops there rather than wrapping to a negative total.
pub fn sum_cents(amounts: impl Iterator<Item = i64>) -> i64 {
    amounts.fold(0, i64::saturating_add)
}

#[cfg(test)]
mod two_file_tests {
    use super::*;
    use crate::path::{ColumnSet, Doubt};

    const AS_OF: Date = jiff::civil::date(2026, 12, 3);

    fn entry(status: &str, liquidated: Option<Date>, drawback: &str) -> EntryData {
        let number = EntryNumber::from_parts("C45", 5).expect("entry number");
        let mut e = EntryData::new(number, 2);
        e.rows = 1;
        e.importer_number = Some("12-345678900".into());
        e.entry_type = Some("01".into());
        e.entry_date = Some(jiff::civil::date(2025, 12, 20));
        e.liquidation_status = Some(status.into());
        e.liquidation_date = liquidated;
        e.drawback = Some(drawback.into());
        e.ieepa_duty_cents = 50_000;
        e.ieepa_lines = 1;
        e.ieepa_dutiable_lines = 1;
        e
    }

    fn set(file: &str, run: Option<Date>, e: EntryData) -> EntryDataSet {
        EntryDataSet {
            file: file.into(),
            content: crate::check::Content::Text,
            entries: vec![e],
            rows_read: 1,
            rows_used: 1,
            rows_dropped: 0,
            blank_rows: 0,
            header_line: 1,
            columns_present: ColumnSet::all(),
            columns_ignored: vec![],
            bom: false,
            windows_1252: false,
            diagnostics: vec![],
            run_date: run,
        }
    }

    fn options() -> PlanOptions {
        PlanOptions {
            as_of: AS_OF,
            ..PlanOptions::default()
        }
    }

    #[test]
    fn files_that_agree_keep_the_first_named_without_doubt() {
        // `N` and `No` say the same; the later file's date does not matter.
        let a = set(
            "a.csv",
            Some(jiff::civil::date(2026, 6, 1)),
            entry("Unliquidated", None, "N"),
        );
        let b = set("b.csv", Some(AS_OF), entry("UNLIQUIDATED", None, "No"));
        let plan = build_plan(vec![a, b], &options());
        assert_eq!(plan.entries.len(), 1);
        assert_eq!(&*plan.entries[0].file, "a.csv");
        assert_eq!(plan.entries[0].decision.path, EntryPath::Cape);
        let r011 = plan
            .diagnostics
            .iter()
            .find(|d| d.code() == "R011")
            .expect("R011");
        assert!(r011.message.contains("agree"), "{}", r011.message);
    }

    #[test]
    fn files_that_disagree_read_the_newer_and_doubt_the_entry() {
        let old = set(
            "old.csv",
            Some(jiff::civil::date(2026, 6, 1)),
            entry("Unliquidated", None, "N"),
        );
        let new = set(
            "new.csv",
            Some(AS_OF),
            entry("Liquidated", Some(jiff::civil::date(2026, 6, 13)), "N"),
        );
        let mut doubted = Vec::new();
        let plan = build_plan_with(vec![old, new], &options(), &Known::new(), |e, _| {
            doubted.extend(
                e.doubtful_cells
                    .iter()
                    .filter(|c| c.doubt == Doubt::Conflicting)
                    .map(|c| (c.column, c.value.clone())),
            );
        });
        assert_eq!(plan.entries.len(), 1);
        let e = &plan.entries[0];
        assert_eq!(&*e.file, "new.csv");
        assert_eq!(e.decision.path, EntryPath::Review);
        assert_eq!(e.declaration, None);
        assert!(e.urgent, "protest due 2026-12-10");
        assert_eq!(
            doubted,
            vec![
                (
                    crate::path::Column::LiquidationStatus,
                    "Unliquidated".to_owned()
                ),
                (crate::path::Column::LiquidationDate, "(blank)".to_owned()),
            ]
        );
        let r011 = plan
            .diagnostics
            .iter()
            .find(|d| d.code() == "R011")
            .expect("R011");
        assert_eq!(r011.file.as_deref(), Some("old.csv"));
        assert!(
            r011.message
                .contains("new.csv (line 2), whose data is newer"),
            "{}",
            r011.message
        );
    }
}
