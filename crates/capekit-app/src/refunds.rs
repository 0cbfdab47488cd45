//! The refunds job both faces run: after acceptance, where the money is. `capekit refunds` and
//! the workbench's Refunds page reconcile each importer's accepted entries with ACE's refund
//! reports through these functions, so that the terminal and the browser answer alike.
//!
//! The steps, in this order:
//! 1. [`Said::check`]: what the user says of importers (a corporation or not, enrolled for ACH
//!    refunds or not, the day of its latest entry), checked against itself and the day judged
//!    on;
//! 2. [`read_report`] each file the user gives: a refund report, or refused (every file is read
//!    before anything is recorded, as `ledger import` reads them);
//! 3. [`run`]: records the reports and what was said ([`record_facts`], which the workbench's
//!    form calls too), gathers what the ledger holds ([`gather`]; without a ledger, the files
//!    given alone), finds the importer asked about ([`known_importer`]) and reconciles
//!    ([`capekit_core::refunds::reconcile`]).
//!
//! The faces read the files (a path on disk), write the outputs and say what was recorded.

use std::collections::{HashMap, HashSet};

use capekit_core::diag::Diagnostic;
use capekit_core::interest::RATES;
use capekit_core::refunds::{Readiness, ReconcileInput, Reconciliation, RefundEvent, reconcile};
use capekit_io::refunds::{RefundFile, RefundFileError, first_row_columns, parse_refund_file};
use capekit_io::timings::phase;
use capekit_ledger::{
    FileId, FileKind, FileMeta, ImportOutcome, Ledger, LedgerError, ReadinessFact, ReadinessKind,
    RefundData, RefundImport,
};
use jiff::civil::Date;

/// Importers listed by name when the one asked about is not known; the others are counted.
const KNOWN_LISTED: usize = 20;

/// What the user says of importers on one run, as given: each list names importers of record
/// as the user wrote them.
#[derive(Debug, Clone, Default)]
pub struct Said {
    /// Corporations (26 USC 6621(a)(1): the lower rate above $10,000).
    pub corporate: Vec<String>,
    /// Not corporations.
    pub not_corporate: Vec<String>,
    /// Enrolled for ACH refunds.
    pub ach_enrolled: Vec<String>,
    /// Not enrolled for ACH refunds.
    pub not_ach_enrolled: Vec<String>,
    /// The day of each importer's latest entry in ACE.
    pub active_on: Vec<(String, Date)>,
}

/// Why what the user said cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SaidError {
    /// The importer is said to be a corporation and not one.
    #[error("--corporate and --not-corporate both name {0}: say one")]
    Corporate(String),
    /// The importer is said to be enrolled for ACH refunds and not enrolled.
    #[error("--ach-enrolled and --not-ach-enrolled both name {0}: say one")]
    Ach(String),
    /// The importer's latest entry is said to be after the day judged on.
    #[error(
        "--active-on {importer}={day}: the day is after {as_of}, the day judged on - give the day of the importer's latest entry in ACE"
    )]
    ActiveAfter {
        /// The importer, as written.
        importer: String,
        /// The day given.
        day: Date,
        /// The day judged on.
        as_of: Date,
    },
}

/// What the user said, checked, as the ledger records it.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Each importer and whether it is a corporation: the corporations first, in the order
    /// given.
    pub corporate: Vec<(String, bool)>,
    /// ACH enrollment (dated the day judged on) and latest entries, in the order given.
    pub readiness: Vec<ReadinessFact>,
}

impl Said {
    /// Checks what was said against itself and `as_of`, the day judged on: an importer said to
    /// be a corporation and not one, or enrolled and not enrolled, or with its latest entry
    /// after `as_of`, is refused.
    pub fn check(&self, as_of: Date) -> Result<Facts, SaidError> {
        if let Some(both) = self
            .corporate
            .iter()
            .find(|i| self.not_corporate.contains(i))
        {
            return Err(SaidError::Corporate(both.clone()));
        }
        if let Some(both) = self
            .ach_enrolled
            .iter()
            .find(|i| self.not_ach_enrolled.contains(i))
        {
            return Err(SaidError::Ach(both.clone()));
        }
        if let Some((who, day)) = self.active_on.iter().find(|(_, d)| *d > as_of) {
            return Err(SaidError::ActiveAfter {
                importer: who.clone(),
                day: *day,
                as_of,
            });
        }
        let corporate = self
            .corporate
            .iter()
            .map(|i| (i.clone(), true))
            .chain(self.not_corporate.iter().map(|i| (i.clone(), false)))
            .collect();
        let readiness = self
            .ach_enrolled
            .iter()
            .map(|i| (i, ReadinessKind::AchEnrolled(true), as_of))
            .chain(
                self.not_ach_enrolled
                    .iter()
                    .map(|i| (i, ReadinessKind::AchEnrolled(false), as_of)),
            )
            .chain(
                self.active_on
                    .iter()
                    .map(|(i, d)| (i, ReadinessKind::ActiveOn, *d)),
            )
            .map(|(importer, fact, on)| ReadinessFact {
                importer: importer.clone(),
                fact,
                on,
            })
            .collect();
        Ok(Facts {
            corporate,
            readiness,
        })
    }
}

impl Facts {
    /// Nothing was said.
    pub fn is_empty(&self) -> bool {
        self.corporate.is_empty() && self.readiness.is_empty()
    }

    /// Every importer named, in the order said (an importer named twice, twice).
    pub fn named(&self) -> impl Iterator<Item = &str> {
        self.corporate
            .iter()
            .map(|(i, _)| i.as_str())
            .chain(self.readiness.iter().map(|f| f.importer.as_str()))
    }

    /// The readiness said, by importer, for a run without the ledger (with it, the ledger's
    /// answers, these included, are used).
    fn readiness_by_importer(&self) -> HashMap<String, Readiness> {
        let mut out: HashMap<String, Readiness> = HashMap::new();
        for f in &self.readiness {
            let r = out.entry(f.importer.clone()).or_default();
            match f.fact {
                ReadinessKind::AchEnrolled(yes) => r.ach = Some((yes, f.on)),
                ReadinessKind::ActiveOn => r.active_on = r.active_on.max(Some(f.on)),
            }
        }
        out
    }
}

/// Why the refunds job stopped (and recorded nothing, unless the ledger failed midway, in which
/// case its transaction recorded nothing either).
#[derive(Debug, thiserror::Error)]
pub enum RefundsError {
    /// What the user said contradicts itself or the day judged on.
    #[error(transparent)]
    Said(#[from] SaidError),
    /// A file is not a refund report, or the importer asked about is not known: why, and what
    /// to do.
    #[error("{0}")]
    Refused(String),
    /// A refund report that cannot be used.
    #[error(transparent)]
    Read(#[from] RefundFileError),
    /// Recording in the ledger failed.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// The ledger could not be read.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// A step of recording that failed: which, and the ledger's error.
#[derive(Debug, thiserror::Error)]
#[error("{what}")]
pub struct RecordError {
    /// What was being recorded, in words.
    pub what: &'static str,
    /// The ledger's error.
    #[source]
    pub source: LedgerError,
}

/// One refund report read: its identity and what it holds.
#[derive(Debug)]
pub struct Report {
    /// The file's identity.
    pub meta: FileMeta,
    /// The report read.
    pub file: RefundFile,
}

/// Reads the file `name` of `bytes` as an ACE refund report. An empty file, or one that is no
/// refund report (a claim file, an ES-003 export), is refused with what to do.
pub fn read_report(name: &str, bytes: &[u8]) -> Result<Report, RefundsError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(RefundsError::Refused(format!(
            "{name}: the file is empty - run the report again in ACE Reports (ES-022, REV-603, REV-613 or REV-615) and download it again"
        )));
    }
    match parse_refund_file(name, bytes)? {
        Some(file) => Ok(Report {
            meta: FileMeta::of_bytes(name, FileKind::RefundReport, bytes),
            file,
        }),
        // Named .xlsx, no zip archive, and no refund report as text either (the content
        // decides, whatever the name): a damaged or renamed file, not one of the wrong columns.
        None if std::path::Path::new(name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
            && capekit_io::sniff::sniff(bytes) != capekit_core::check::Content::Xlsx =>
        {
            Err(RefundsError::Refused(format!(
                "{name}: not a readable XLSX workbook: an .xlsx file is a zip archive and this one is not (it is damaged, cut off, or another kind of file renamed) - download the report again from ACE Reports, or open it in Excel and save it again as .xlsx or CSV"
            )))
        }
        None => Err(RefundsError::Refused(format!(
            "{name}: not an ACE refund report (ES-022, REV-603, REV-613, REV-615): none of its first rows has a refund number, principal, interest or refund status column (its first row: {}) - claim files and ES-003 exports go to `capekit ledger import`; a refund report needs an Entry Number or Declaration Number column and a Refund Number, Principal Amount or Refund Amount, Interest Amount or Refund Secondary Status column: rename its columns so, and read it again",
            match first_row_columns(bytes).as_str() {
                "" => "nothing that reads as a table".to_owned(),
                found => found.to_owned(),
            }
        ))),
    }
}

/// Records what the user said of importers, in the ledger's transactions: which are
/// corporations, then their ACH enrollment and latest entries.
pub fn record_facts(ledger: &mut Ledger, facts: &Facts) -> Result<(), RecordError> {
    if !facts.corporate.is_empty() {
        ledger
            .record_corporate(&facts.corporate)
            .map_err(|source| RecordError {
                what: "recording which importers are corporations",
                source,
            })?;
    }
    if !facts.readiness.is_empty() {
        ledger
            .record_readiness(&facts.readiness)
            .map_err(|source| RecordError {
                what: "recording the importers' ACH enrollment and activity",
                source,
            })?;
    }
    Ok(())
}

/// What the ledger holds for a reconciliation.
#[derive(Debug)]
pub struct Gathered {
    /// The reconciliation's input, of every importer.
    pub input: ReconcileInput<'static>,
    /// Accepted entries whose kept data cannot be used: what each is owed is unknown.
    pub diagnostics: Vec<Diagnostic>,
}

/// What the ledger holds for a reconciliation as of `as_of`: the accepted entries, their kept
/// data, every refund event (those of `fresh`, just recorded, as read), the corporations and the
/// importers' readiness.
pub fn gather(
    ledger: &Ledger,
    as_of: Date,
    fresh: Vec<(FileId, Vec<RefundEvent>)>,
) -> Result<Gathered, LedgerError> {
    let timed = phase("refunds gather");
    let data = ledger.refund_data(fresh)?;
    drop(timed);
    Ok(gathered(as_of, data))
}

/// The reconciliation's input of `data`, with a diagnostic for each entry whose kept data
/// cannot be used.
fn gathered(as_of: Date, data: RefundData) -> Gathered {
    let diagnostics = data
        .unreadable
        .into_iter()
        .map(|(e, why)| {
            capekit_core::refunds::rules::OWED_UNKNOWN.diag(format!(
                "{}: its kept entry data cannot be used ({why}): what is owed is unknown",
                e.as_str()
            ))
        })
        .collect();
    Gathered {
        input: ReconcileInput {
            as_of,
            accepted: data.accepted,
            facts: data.facts,
            events: data.events,
            corporate: data.corporate,
            readiness: data.readiness,
            importer: None,
            rejected: data.rejected,
            rates: RATES,
        },
        diagnostics,
    }
}

/// The reconciliation of what the ledger holds as of `as_of`, of every importer, with what
/// gathering it found: what the workbench's Refunds page shows.
pub fn reconciled(ledger: &Ledger, as_of: Date) -> Result<Refunds, LedgerError> {
    let Gathered { input, diagnostics } = gather(ledger, as_of, Vec::new())?;
    Ok(Refunds {
        reconciliation: reconcile(&input),
        diagnostics,
        recorded: Vec::new(),
        unheard: Vec::new(),
    })
}

/// The importer among `known` that `asked` names, case, dashes and spaces aside
/// (`123456789ab` is `12-3456789AB`).
pub fn find_importer<'a>(asked: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let want = capekit_core::refunds::squash(asked);
    known
        .into_iter()
        .find(|k| capekit_core::refunds::squash(k) == want)
}

/// The importers the entry data and refund events of `input` name, sorted, once each.
fn importers<'a>(input: &'a ReconcileInput<'_>) -> Vec<&'a str> {
    let mut known: Vec<&str> = input
        .facts
        .values()
        .filter_map(|f| f.importer.as_deref())
        .chain(input.events.iter().filter_map(|e| e.importer.as_deref()))
        .collect();
    known.sort_unstable();
    known.dedup();
    known
}

/// The importer `--importer` names, as the ledger and the reports write it ([`find_importer`]).
/// One no entry data or report of `input` names is refused, with the importers known.
pub fn known_importer(asked: &str, input: &ReconcileInput<'_>) -> Result<String, RefundsError> {
    let known = importers(input);
    if let Some(found) = find_importer(asked, known.iter().copied()) {
        return Ok(found.to_owned());
    }
    let listed = if known.is_empty() {
        "none (import Claim Details, ES-003 exports and refund reports first)".to_owned()
    } else {
        let mut l = known
            .iter()
            .take(KNOWN_LISTED)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        if known.len() > KNOWN_LISTED {
            l.push_str(&format!(" and {} more", known.len() - KNOWN_LISTED));
        }
        l
    };
    Err(RefundsError::Refused(format!(
        "--importer {asked}: no such importer in the ledger or the reports given; known: {listed}"
    )))
}

/// One run of the refunds job.
#[derive(Debug)]
pub struct Asked {
    /// The day judged on.
    pub as_of: Date,
    /// Only this importer's entries, as the user wrote it.
    pub importer: Option<String>,
    /// What the user said of importers, checked ([`Said::check`]).
    pub facts: Facts,
    /// The refund reports given, in the order given ([`read_report`]).
    pub reports: Vec<Report>,
}

impl Asked {
    /// Nothing to record: no report and nothing said. A ledger not made yet need not be made
    /// for such a run.
    pub fn records_nothing(&self) -> bool {
        self.reports.is_empty() && self.facts.is_empty()
    }
}

/// What a run of the refunds job found and recorded.
#[derive(Debug)]
pub struct Refunds {
    /// The reconciliation.
    pub reconciliation: Reconciliation,
    /// What reading the reports found, then what gathering the ledger's data found.
    pub diagnostics: Vec<Diagnostic>,
    /// Each report given (its name) and what the ledger did with it; empty without a ledger.
    pub recorded: Vec<(String, ImportOutcome)>,
    /// Importers the user said something of that no entry data or refund report names yet:
    /// what was said is kept, and applies once one does (a mistyped number, perhaps).
    pub unheard: Vec<String>,
}

/// Runs the refunds job as `asked`. With `ledger`, records the reports given and what the user
/// said, and reconciles everything the ledger holds; without it, the reports given alone, in
/// the order given (nothing is known accepted, so every entry is reported as not recorded as
/// accepted).
pub fn run(ledger: Option<&mut Ledger>, asked: Asked) -> Result<Refunds, RefundsError> {
    let Asked {
        as_of,
        importer,
        facts,
        mut reports,
    } = asked;
    let mut diagnostics: Vec<Diagnostic> = reports
        .iter_mut()
        .flat_map(|r| std::mem::take(&mut r.file.diagnostics))
        .collect();
    let mut recorded = Vec::new();
    let mut input = match ledger {
        Some(l) => {
            record_facts(l, &facts)?;
            let imports: Vec<RefundImport<'_>> = reports
                .iter()
                .map(|r| RefundImport {
                    meta: &r.meta,
                    report: r.file.report,
                    events: &r.file.events,
                })
                .collect();
            // The reports are recorded while the ledger is read as it was before them.
            let timed = phase("refunds record and gather");
            let (outcomes, mut data) =
                l.record_refund_reports_and_gather(&imports)
                    .map_err(|source| RecordError {
                        what: "recording the refund reports in the ledger (run with --no-ledger to read them without it)",
                        source,
                    })?;
            // The reports just recorded are taken as read; the others come from the ledger.
            let fresh: Vec<(FileId, Vec<RefundEvent>)> = outcomes
                .iter()
                .zip(reports.iter_mut())
                .filter_map(|(o, r)| match o {
                    ImportOutcome::Imported { file_id, .. } => {
                        Some((*file_id, std::mem::take(&mut r.file.events)))
                    }
                    ImportOutcome::AlreadyImported { .. } => None,
                })
                .collect();
            data.add_fresh(fresh);
            drop(timed);
            recorded = reports
                .iter()
                .map(|r| r.meta.name.clone())
                .zip(outcomes)
                .collect();
            let gathered = gathered(as_of, data);
            diagnostics.extend(gathered.diagnostics);
            gathered.input
        }
        None => alone(as_of, &reports, &facts),
    };
    if let Some(asked) = &importer {
        input.importer = Some(known_importer(asked, &input)?);
    }
    let unheard = {
        let known = importers(&input);
        facts
            .named()
            .filter(|who| find_importer(who, known.iter().copied()).is_none())
            .map(str::to_owned)
            .collect()
    };
    let timed = phase("refunds reconcile");
    let reconciliation = reconcile(&input);
    drop(timed);
    Ok(Refunds {
        reconciliation,
        diagnostics,
        recorded,
        unheard,
    })
}

/// The reconciliation's input without the ledger: the reports given, each numbered by its place
/// in the order given, and what the user said.
fn alone(as_of: Date, reports: &[Report], facts: &Facts) -> ReconcileInput<'static> {
    let mut events = Vec::new();
    for (i, r) in reports.iter().enumerate() {
        let seq = i64::try_from(i).unwrap_or(i64::MAX);
        events.extend(r.file.events.iter().map(|e| RefundEvent {
            file_seq: seq,
            ..e.clone()
        }));
    }
    let corporate: HashSet<String> = facts
        .corporate
        .iter()
        .filter(|(_, yes)| *yes)
        .map(|(i, _)| i.clone())
        .collect();
    ReconcileInput {
        as_of,
        accepted: Vec::new(),
        facts: Default::default(),
        events,
        corporate,
        readiness: facts.readiness_by_importer(),
        importer: None,
        rejected: Default::default(),
        rates: RATES,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ES022: &[u8] = b"ES-022 CAPE Entry Summary\r\nDeclaration Number,Entry Number,Refund Number,Importer Number,Principal Amount,Interest Amount,Liquidation Date\r\n260512000123,B7644100003,R-1,12-3456789AA,\"$5,000.00\",$350.00,06/10/2026\r\n";

    fn day(s: &str) -> Date {
        s.parse().expect("date")
    }

    fn said_of(importer: &str) -> Said {
        Said {
            corporate: vec![importer.to_owned()],
            ach_enrolled: vec![importer.to_owned()],
            active_on: vec![(importer.to_owned(), day("2026-07-01"))],
            ..Said::default()
        }
    }

    #[test]
    fn what_is_said_is_checked_against_itself_and_the_day() {
        let both = Said {
            corporate: vec!["A".into()],
            not_corporate: vec!["A".into()],
            ..Said::default()
        };
        assert_eq!(
            both.check(day("2026-08-01"))
                .expect_err("refused")
                .to_string(),
            "--corporate and --not-corporate both name A: say one"
        );
        let both = Said {
            ach_enrolled: vec!["B".into()],
            not_ach_enrolled: vec!["B".into()],
            ..Said::default()
        };
        assert_eq!(
            both.check(day("2026-08-01")).expect_err("refused"),
            SaidError::Ach("B".into())
        );
        let late = Said {
            active_on: vec![("C".into(), day("2026-08-02"))],
            ..Said::default()
        };
        assert_eq!(
            late.check(day("2026-08-01"))
                .expect_err("refused")
                .to_string(),
            "--active-on C=2026-08-02: the day is after 2026-08-01, the day judged on - give the day of the importer's latest entry in ACE"
        );
        let facts = said_of("D").check(day("2026-08-01")).expect("checked");
        assert_eq!(facts.corporate, [("D".to_owned(), true)]);
        assert_eq!(facts.readiness.len(), 2);
        assert_eq!(
            facts.readiness[0].on,
            day("2026-08-01"),
            "ACH is dated as of"
        );
        assert_eq!(facts.named().collect::<Vec<_>>(), ["D", "D", "D"]);
        assert!(
            Said::default()
                .check(day("2026-08-01"))
                .expect("checked")
                .is_empty()
        );
    }

    fn fixture(name: &str) -> (String, Vec<u8>) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/refunds")
            .join(name);
        (name.to_owned(), std::fs::read(path).expect("fixture"))
    }

    #[test]
    fn a_refused_file_names_the_columns_it_has_and_a_non_zip_xlsx_is_said_unreadable() {
        let (name, bytes) = fixture("not_a_refund_report_odd_columns.csv");
        let e = read_report(&name, &bytes).expect_err("refused").to_string();
        assert!(
            e.contains(
                "(its first row: `Entry Number`, `Amt Refunded USD`, `Int USD`, `Refund Ref`)"
            ),
            "{e}"
        );
        let (name, bytes) = fixture("not_a_zip.xlsx");
        let e = read_report(&name, &bytes).expect_err("refused").to_string();
        assert!(
            e.starts_with("not_a_zip.xlsx: not a readable XLSX workbook: "),
            "{e}"
        );
    }

    #[test]
    fn a_file_that_is_no_refund_report_is_refused_with_what_to_do() {
        let empty = read_report("empty.csv", b" \r\n").expect_err("refused");
        assert!(
            empty
                .to_string()
                .starts_with("empty.csv: the file is empty - "),
            "{empty}"
        );
        let claim = read_report(
            "claim.csv",
            b"ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\nB7644100003,1,ACCEPTED,\r\n",
        )
        .expect_err("refused");
        assert!(
            claim
                .to_string()
                .starts_with("claim.csv: not an ACE refund report"),
            "{claim}"
        );
        let r = read_report("dir/es022.csv", ES022).expect("read");
        assert_eq!(r.meta.name, "es022.csv");
        assert_eq!(r.meta.kind, FileKind::RefundReport);
        assert_eq!(r.file.events.len(), 1);
    }

    fn asked(reports: Vec<Report>, facts: Facts, importer: Option<&str>) -> Asked {
        Asked {
            as_of: day("2026-08-01"),
            importer: importer.map(str::to_owned),
            facts,
            reports,
        }
    }

    #[test]
    fn the_ledger_records_reports_once_and_what_was_said() {
        let mut l = Ledger::open_in_memory().expect("ledger");
        let facts = said_of("12-3456789aa")
            .check(day("2026-08-01"))
            .expect("ok");
        let report = read_report("es022.csv", ES022).expect("read");
        let first = run(Some(&mut l), asked(vec![report], facts, None)).expect("ran");
        assert_eq!(first.recorded.len(), 1);
        assert!(!first.recorded[0].1.already());
        assert!(first.unheard.is_empty(), "{:?}", first.unheard);
        assert_eq!(first.reconciliation.importers.len(), 1);

        let report = read_report("es022.csv", ES022).expect("read");
        let again = run(
            Some(&mut l),
            asked(vec![report], Facts::default(), Some("123456789AA")),
        )
        .expect("ran");
        assert!(again.recorded[0].1.already());
        // The reconciliation from the ledger alone is the same: the events of a report read
        // again are not counted twice.
        let kept = reconciled(&l, day("2026-08-01")).expect("reconciled");
        assert_eq!(
            kept.reconciliation.importers,
            again.reconciliation.importers
        );
        assert_eq!(kept.reconciliation, first.reconciliation);
        // What was said is kept, and applies to the importer as the report writes it.
        let t = &kept.reconciliation.importers[0];
        assert_eq!(t.importer, "12-3456789AA");
        assert!(t.corporate, "{t:?}");
        assert_eq!(t.recorded.active_on, Some(day("2026-07-01")));
    }

    #[test]
    fn without_the_ledger_the_reports_alone_and_an_unknown_importer_is_refused() {
        let facts = Said {
            corporate: vec!["55-5555555ZZ".into()],
            ..Said::default()
        }
        .check(day("2026-08-01"))
        .expect("ok");
        let report = || read_report("es022.csv", ES022).expect("read");
        let done = run(None, asked(vec![report()], facts.clone(), None)).expect("ran");
        assert!(done.recorded.is_empty());
        assert_eq!(done.unheard, ["55-5555555ZZ"]);
        assert_eq!(done.reconciliation.importers.len(), 1);
        let err =
            run(None, asked(vec![report()], facts, Some("98-7654321BB"))).expect_err("refused");
        assert_eq!(
            err.to_string(),
            "--importer 98-7654321BB: no such importer in the ledger or the reports given; known: 12-3456789AA"
        );
        let err = run(None, asked(Vec::new(), Facts::default(), Some("x"))).expect_err("refused");
        assert!(
            err.to_string().ends_with(
                "known: none (import Claim Details, ES-003 exports and refund reports first)"
            ),
            "{err}"
        );
    }
}
