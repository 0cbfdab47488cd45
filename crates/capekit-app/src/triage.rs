//! `triage`'s records and guard: what a triage keeps in the ledger, and what the ledger knows
//! keeps entries off the next declaration.
//!
//! The faces read the files and write the outputs; in between, both run these steps, in this
//! order and inside one [`Reservation`]: [`record`] (the entry data given, the declaration, the
//! claim files and every claim row), [`guard_recorded`] (the guard below, and the recorded rows
//! restated when it changed the report), then the refile's drafts, which only the face can
//! name. [`advice`] is what the ledger then has to say of the claims it placed and the uploads
//! that failed.
//!
//! The one guard `capekit triage`, `capekit demo` and the workbench's triage run, so that both
//! faces leave out the same entries for the same reasons, and reconcile the same claims:
//! - an entry accepted on a claim this triage did not see, or still pending on an earlier
//!   declaration, or on a draft not marked uploaded, never goes on a refile list;
//! - worklist entries are judged by the entry data the ledger keeps (an earlier `plan` or
//!   `ledger import` of their ES-003 export) when the triage was given none for them;
//! - with no declaration given, the claims are reconciled against the uploads the ledger has
//!   them answer, so that an entry missing from its claim is said.
//!
//! The ledger only answers what it holds (`known_except`, `entry_records`,
//! `answered_entries`); the judging is the domain's ([`retriage`]).

use std::collections::{BTreeSet, HashMap, HashSet};

use capekit_core::Diagnostic;
use capekit_core::EntryNumber;
use capekit_core::catalog::Action;
use capekit_core::entry_data::EntryDataSet;
use capekit_core::known::{Known, KnownState};
use capekit_core::triage::{ClaimFileKind, TriageInput, TriageReport, retriage};
use capekit_io::claims::ClaimFile;
use capekit_io::triage_out::{Importers, importers_of};
use capekit_ledger::{
    EntryFacts, EntryRecords, Except, FileMeta, Ledger, LedgerError, Reservation, TriageImport,
};
use jiff::civil::Date;

/// What a triage says when its claims were reconciled against the uploads the ledger has them
/// answer, no declaration being given.
pub const RECONCILED_WITH_LEDGER: &str = "no declaration was given with the claim files: they are reconciled against the uploads the ledger has them answer";

/// The files a triage was given, by their identities: what [`record`] keeps.
#[derive(Debug, Clone, Copy, Default)]
pub struct Given<'a> {
    /// The declaration the claims answer, with the entries read from it.
    pub declaration: Option<(&'a FileMeta, &'a [EntryNumber])>,
    /// The claim files (Claim Details, Validation Result Files), in the order given.
    pub claims: &'a [FileMeta],
    /// The entry data given with them, each file with the facts of its entries
    /// ([`crate::plan::entry_facts`]).
    pub entry_reports: &'a [(FileMeta, Vec<EntryFacts>)],
}

/// Records a triage inside `reservation`: the entry data given first (a later `refile` judges
/// the entries again by its dates), then the declaration, the claim files and every claim row,
/// with the actions `report` gives them now.
pub fn record(
    reservation: &Reservation<'_>,
    given: &Given<'_>,
    report: &TriageReport,
) -> Result<TriageImport, LedgerError> {
    if !given.entry_reports.is_empty() {
        reservation.record_entry_reports(given.entry_reports)?;
    }
    reservation.import_triage(given.declaration, given.claims, report)
}

/// [`guard`] of a triage [`record`]ed before: when the guard changed the report, the rows
/// recorded with the first actions are restated with the new ones, so that the ledger answers
/// as the outputs do. True when the report changed.
pub fn guard_recorded(
    ledger: &Ledger,
    import: &TriageImport,
    input: &mut TriageInput,
    report: &mut TriageReport,
    except: &Except,
) -> Result<bool, LedgerError> {
    let changed = guard(ledger, input, report, except)?;
    if changed && let Some(t) = import.triage {
        ledger.restate_triage(t, report)?;
    }
    Ok(changed)
}

/// What the ledger has to say of a recorded triage, a sentence each: claims it placed among
/// other uploads of their entries (an older claim read late), and uploads a Validation Result
/// File failed.
pub fn advice(import: &TriageImport) -> Vec<String> {
    import
        .placed
        .iter()
        .map(capekit_ledger::ClaimPlacement::advice)
        .chain(
            import
                .failed_uploads
                .iter()
                .map(capekit_ledger::FailedUpload::advice),
        )
        .collect()
}

/// Keeps the ledger's knowledge off the refile list of `report` (which must be `triage(input)`),
/// with the declarations `except` names set aside (the drafts the new refile supersedes). True
/// when the report changed, its warnings included, so that outputs built before must be built
/// again.
///
/// It may run again on its own result (inside a [`capekit_ledger::Reservation`], to see drafts
/// recorded since): the entries `input.known` already names are asked again with the rest, so
/// an entry kept off before stays off while the ledger still holds it, and comes back once it
/// is free.
pub fn guard(
    ledger: &Ledger,
    input: &mut TriageInput,
    report: &mut TriageReport,
    except: &Except,
) -> Result<bool, LedgerError> {
    let warnings = report.warnings.clone();
    let mut changed = add_entry_data(ledger, input, report)?;
    changed |= keep_known_off(ledger, input, report, except)?;
    // No declaration given, but the ledger knows the uploads these claims answer: the claims
    // are reconciled against them, so that an entry missing from its claim is said.
    if input.declaration.is_none() {
        let claims: Vec<&str> = report.claims.iter().map(|c| &*c.claim_number).collect();
        let declared = ledger.answered_entries(&claims)?;
        if !declared.is_empty() {
            input.declaration = Some(declared);
            retriage(input, report);
            report.warnings.push(RECONCILED_WITH_LEDGER.to_owned());
            changed = true;
        }
    }
    Ok(changed || report.warnings != warnings)
}

/// Asks about the entries of the refile list and the corrected ones (and whether any other
/// worklist entry was accepted on an earlier claim); when the ledger knows some
/// as accepted on a claim this triage did not see, or as still pending or drafted, the triage
/// runs again with that knowledge, which leaves them off the refile list with the reason.
fn keep_known_off(
    ledger: &Ledger,
    input: &mut TriageInput,
    report: &mut TriageReport,
    except: &Except,
) -> Result<bool, LedgerError> {
    let mut ask = report.refile.entries.clone();
    ask.extend(input.corrected.iter().copied());
    ask.extend(input.known.keys().copied());
    // Every other worklist entry is asked too, for its acceptance alone: an entry accepted on an
    // earlier claim has nothing left to pursue, by protest, correction or in court, whatever
    // this claim answered (accepted on any claim wins).
    let blocking: HashSet<EntryNumber> = ask.iter().copied().collect();
    let others: HashSet<EntryNumber> = report
        .worklist()
        .filter(|r| r.action != Action::None && !blocking.contains(&r.entry_number))
        .map(|r| r.entry_number)
        .collect();
    ask.extend(others.iter().copied());
    let here: HashSet<&str> = report.claims.iter().map(|c| &*c.claim_number).collect();
    let corrected: HashSet<EntryNumber> = input.corrected.iter().copied().collect();
    // An acceptance on a claim of this triage is already in the report, with the same reason.
    // A rejection is the ledger's word only when it comes from a later claim than this
    // triage's (the ledger places claims by their dates): that claim's answer decides, so an
    // entry it sends to review or to a correction is not refiled on an older claim's word; a
    // correction listed clears what a correction clears.
    let known: Known = ledger
        .known_for_plan_except(&ask, except)?
        .into_iter()
        .filter(|(e, k)| match k {
            KnownState::Accepted { claim } => !here.contains(claim.as_str()),
            KnownState::Rejected { claim, action, .. } => {
                let cleared = corrected.contains(e) && action.refile_once_corrected();
                !(here.contains(claim.as_str()) || others.contains(e) || cleared)
            }
            KnownState::Pending { .. } | KnownState::Drafted { .. } => !others.contains(e),
        })
        .collect();
    if known == input.known {
        return Ok(false);
    }
    input.known = known;
    // The new report keeps what the entry data step said of itself.
    retriage(input, report);
    Ok(true)
}

/// Judges worklist entries by the entry data the ledger keeps (from an earlier plan or `ledger
/// import` of their ES-003 export) when the triage was given none for them: the triage runs
/// again with it, and its warnings say where the data came from, how old it is, and which
/// entries the ledger knows without data to judge by. `ledger import` judges the claim rows it
/// records with it too, so that both record a rejection with one action. True when the report
/// changed.
pub fn add_entry_data(
    ledger: &Ledger,
    input: &mut TriageInput,
    report: &mut TriageReport,
) -> Result<bool, LedgerError> {
    if !ledger.has_entry_data()? {
        return Ok(false);
    }
    let wanted: Vec<_> = report
        .worklist()
        .filter(|r| r.action != Action::None && !input.entry_data.contains_key(&r.entry_number))
        .map(|r| r.entry_number)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if wanted.is_empty() {
        return Ok(false);
    }
    let records = ledger.entry_records(wanted)?;
    let warnings = records_warnings(&records, report.as_of);
    let changed = !records.data.is_empty();
    if changed {
        let taken = records.data.len();
        input.entry_data.extend(records.data);
        retriage(input, report);
        if let Some(refined) = report.refined.as_mut() {
            refined.from_ledger += taken;
        }
    }
    for w in warnings {
        if !report.warnings.contains(&w) {
            report.warnings.push(w);
        }
    }
    Ok(changed)
}

/// A list of entries read from a file (a declaration, a corrected list), with the findings of
/// its rows that are not entry numbers.
pub type EntryList = (Vec<EntryNumber>, Vec<Diagnostic>);

/// The files of a triage, read by the face that was given them.
#[derive(Debug, Default)]
pub struct Files {
    /// The Claim Details and Validation Result Files, in the order given.
    pub claims: Vec<ClaimFile>,
    /// The declaration the claims answer, when given.
    pub declaration: Option<EntryList>,
    /// The entries corrected since the claims, when given.
    pub corrected: Option<EntryList>,
    /// The entry reports (ES-003) given with the claims, in the order given.
    pub entry_reports: Vec<EntryDataSet>,
}

/// What the files of a triage make: its input, the readers' findings, and each claim file's kind
/// (in the order of [`Files::claims`]).
#[derive(Debug, Default)]
pub struct Read {
    /// The triage's input.
    pub input: TriageInput,
    /// Every finding of the readers: the claim files', the declaration's, the corrected list's,
    /// then the entry reports'.
    pub diagnostics: Vec<Diagnostic>,
    /// Each claim file's kind.
    pub kinds: Vec<ClaimFileKind>,
}

/// A triage's input from its files, the same on both faces: every claim file's rows and
/// file-level messages, the declaration, the corrected list, and the entry data of the entry
/// reports, where the first report that lists an entry wins (as in `capekit plan`).
pub fn read(files: Files) -> Read {
    let mut read = Read {
        // One allocation for every row: growing a vector of a million rows copies it over and
        // over.
        input: TriageInput {
            rows: Vec::with_capacity(files.claims.iter().map(|f| f.rows.len()).sum()),
            ..TriageInput::default()
        },
        diagnostics: Vec::new(),
        kinds: Vec::with_capacity(files.claims.len()),
    };
    for f in files.claims {
        read.kinds.push(f.kind);
        read.diagnostics.extend(f.add_to(&mut read.input));
    }
    if let Some((entries, diags)) = files.declaration {
        read.input.declaration = Some(entries);
        read.input.unreadable_declared = diags
            .iter()
            .filter(|d| d.code() == capekit_core::reading::UNREADABLE_ENTRY_NUMBER.code)
            .count();
        read.diagnostics.extend(diags);
    }
    if let Some((entries, diags)) = files.corrected {
        read.input.corrected = entries;
        read.diagnostics.extend(diags);
    }
    for set in files.entry_reports {
        read.diagnostics.extend(set.diagnostics);
        for e in set.entries {
            read.input.entry_data.entry(e.entry_number).or_insert(e);
        }
    }
    read
}

/// Whose each entry of a triage is: the claim files' importer column, the entry data given,
/// then, for the others, what `lookup` finds (the ledger's kept entry data).
pub fn importers<E>(
    input: &TriageInput,
    report: &TriageReport,
    lookup: impl FnOnce(Vec<EntryNumber>) -> Result<HashMap<EntryNumber, String>, E>,
) -> Result<Importers, E> {
    let mut importers = importers_of(input);
    let mut ask: Vec<EntryNumber> = report
        .entries
        .iter()
        .map(|e| e.entry_number)
        .filter(|e| !importers.contains_key(e))
        .collect();
    ask.sort_unstable();
    ask.dedup();
    if !ask.is_empty() {
        for (e, i) in lookup(ask)? {
            importers.insert(e, i.into());
        }
    }
    Ok(importers)
}

/// Refuses a list that holds no entry number capekit can read (an empty file, a header alone,
/// lines of other text): the run would go on as if nothing had been declared or corrected, and
/// say so as if that were the answer. `option` says how the list was given, `expected` what to
/// give instead.
pub fn refuse_empty_list(
    name: &str,
    option: &str,
    (entries, diagnostics): &EntryList,
    expected: &str,
) -> Result<(), String> {
    if !entries.is_empty() {
        return Ok(());
    }
    let what = match diagnostics.first() {
        None => "the file is empty or holds a header alone".to_owned(),
        Some(d) => format!(
            "{} could not be read as one; the first: {}",
            if diagnostics.len() == 1 {
                "1 line".to_owned()
            } else {
                format!("{} lines", diagnostics.len())
            },
            d.message
        ),
    };
    Err(format!(
        "{name}: given with {option}, but it lists no entry number ({what}): give {expected}, one entry number a line"
    ))
}

/// The entries of a list given as the corrected ones, the same on both faces: refused when it is
/// another kind of file (a Claim Details given as the corrected list would refile every entry
/// on it; an ES-003 export, a refund report, a worklist capekit wrote) or lists no entry number.
pub fn corrected_list(
    name: &str,
    bytes: &[u8],
    option: &str,
    expected: &str,
) -> Result<EntryList, String> {
    capekit_io::recognize::refuse_other_than_list(
        name,
        bytes,
        option,
        "a corrected entry",
        expected,
    )?;
    let list = capekit_io::claims::parse_entry_list(name, bytes)
        .map_err(|e| format!("reading the corrected list {name}: {e}"))?;
    refuse_empty_list(name, option, &list, "the entries you corrected")?;
    Ok(list)
}

/// Refuses an entry report given with claim files that has no ES-003 column beside the entry
/// number: it cannot tell any entry's dates, and recorded as entry data it would say nothing
/// while looking like data. `given` says how it was given.
pub fn refuse_entry_report_without_data(
    name: &str,
    set: &EntryDataSet,
    given: &str,
) -> Result<(), String> {
    if capekit_io::recognize::has_entry_data(set) {
        return Ok(());
    }
    Err(format!(
        "{name}: given {given}, but it has no ES-003 column beside the entry number ({}), so it cannot tell any entry's dates: give the ES-003 \"Entry Summary Line Tariff Details\" export from ACE Reports (a Claim Details file goes among the claim files, a declaration with --declaration)",
        if set.columns_ignored.is_empty() {
            "it has no other column".to_owned()
        } else {
            format!("its other columns: {}", set.columns_ignored.join(", "))
        }
    ))
}

/// Kept entry data older than this is named stale: liquidations and protests move on.
pub const STALE_ENTRY_DATA_DAYS: i64 = 30;

/// What a triage says of the entry data it took from the ledger.
fn records_warnings(records: &EntryRecords, as_of: Date) -> Vec<String> {
    let mut out = Vec::new();
    if !records.data.is_empty() {
        let from = if records.files.is_empty() {
            String::new()
        } else {
            format!(" from {}", records.files.join(", "))
        };
        // The day of the recording on this computer's clock, as every time shown is.
        let day = |t: &Option<String>| {
            t.as_deref().map_or_else(
                || "?".to_owned(),
                |t| match t.parse::<jiff::Timestamp>() {
                    Ok(ts) => capekit_core::words::shown_date(ts).to_string(),
                    Err(_) => t.get(..10).unwrap_or("?").to_owned(),
                },
            )
        };
        let (oldest, newest) = (day(&records.oldest), day(&records.newest));
        let range = |a: &str, b: &str| {
            if a == b {
                a.to_owned()
            } else {
                format!("{a} to {b}")
            }
        };
        let when = match records.data_dates {
            Some((lo, hi)) if records.undated == 0 => format!(
                "data dated {} by its export files' dates",
                range(&lo.to_string(), &hi.to_string())
            ),
            Some((lo, hi)) => format!(
                "data dated {} by its export files' dates; {} recorded {}, date of data unknown",
                range(&lo.to_string(), &hi.to_string()),
                records.undated,
                range(&oldest, &newest)
            ),
            None => format!(
                "recorded {}; the date of the data is unknown",
                range(&oldest, &newest)
            ),
        };
        out.push(format!(
            "{} worklist entries judged by the entry data this ledger keeps ({when}{from}); give \
             a newer ES-003 export with --entries to judge them by today's data",
            records.data.len()
        ));
        // The oldest of what is known: the data's date, and the recording time of records
        // without one (data is never younger than its recording).
        let recorded = oldest.parse::<Date>().ok();
        let oldest_known = match (records.data_dates.map(|(lo, _)| lo), recorded) {
            (Some(d), Some(r)) if records.undated > 0 => Some(d.min(r)),
            (Some(d), _) => Some(d),
            (None, r) => r,
        };
        let age = oldest_known
            .and_then(|d| d.until(as_of).ok())
            .map(|span| i64::from(span.get_days()));
        if let Some(age) = age.filter(|a| *a > STALE_ENTRY_DATA_DAYS) {
            out.push(format!(
                "the entry data kept for some worklist entries is {age} days old (more than \
                 {STALE_ENTRY_DATA_DAYS}): liquidations and protests may have changed since; \
                 download a new ES-003 export from ACE Reports and give it with --entries"
            ));
        }
    }
    if !records.without_record.is_empty() {
        out.push(format!(
            "{} worklist entries (first {}) are known to this ledger only by facts recorded \
             before it kept whole entry data: import their ES-003 export again (`capekit ledger \
             import FILE`) to judge them by their dates",
            records.without_record.len(),
            records.without_record[0]
        ));
    }
    if let Some((first, why)) = records.unreadable.first() {
        out.push(format!(
            "the entry data kept for {} worklist entries does not read back (first {first}: \
             {why}); they are judged without it: give their ES-003 export with --entries",
            records.unreadable.len()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLAIM: &str = "ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\n\
B7644100003,100000241302,Rejected,INVALID HTS\n\
B7644101373,100000241302,Accepted,\n\
6.05761E+10,100000241302,Rejected,INVALID HTS\n";

    fn entry_report(name: &str, importer: &str) -> EntryDataSet {
        let text = format!(
            "Entry Summary Number,Importer Number,Entry Date\nB7644100003,{importer},02/20/2026\n"
        );
        capekit_io::entries::parse_entry_data(name, text.as_bytes()).expect("entry report")
    }

    fn entry(s: &str) -> EntryNumber {
        EntryNumber::parse(s).expect("entry")
    }

    #[test]
    fn the_first_entry_report_that_lists_an_entry_wins_and_every_finding_is_kept() {
        let claim = capekit_io::claims::parse_claim_file("claim.csv", CLAIM.as_bytes())
            .expect("claim file");
        let read = read(Files {
            claims: vec![claim],
            declaration: Some((vec![entry("B7644100003")], Vec::new())),
            corrected: None,
            entry_reports: vec![
                entry_report("first.csv", "27-184593000"),
                entry_report("second.csv", "99-000000000"),
            ],
        });
        assert_eq!(read.input.rows.len(), 2);
        assert_eq!(read.kinds, vec![ClaimFileKind::ClaimDetails]);
        assert_eq!(
            read.input.declaration.as_deref(),
            Some(&[entry("B7644100003")][..])
        );
        let data = &read.input.entry_data[&entry("B7644100003")];
        assert_eq!(data.importer_number.as_deref(), Some("27-184593000"));
        // The unreadable row of the claim file is a finding, never a silent skip.
        assert!(
            read.diagnostics
                .iter()
                .any(|d| d.is(&capekit_core::reading::UNREADABLE_ENTRY_NUMBER)),
            "{:?}",
            read.diagnostics
        );
    }

    #[test]
    fn importers_asks_the_ledger_only_for_entries_the_files_do_not_name() {
        let claim = capekit_io::claims::parse_claim_file("claim.csv", CLAIM.as_bytes())
            .expect("claim file");
        let read = read(Files {
            claims: vec![claim],
            entry_reports: vec![entry_report("first.csv", "27-184593000")],
            ..Files::default()
        });
        let report = capekit_core::triage::triage(&read.input, jiff::civil::date(2026, 11, 24));
        let mut asked = Vec::new();
        let importers = importers(&read.input, &report, |ask| {
            asked = ask.clone();
            Ok::<_, std::convert::Infallible>(
                ask.into_iter()
                    .map(|e| (e, "11-111111111".to_owned()))
                    .collect(),
            )
        })
        .expect("importers");
        assert_eq!(asked, vec![entry("B7644101373")]);
        assert_eq!(
            importers.get(&entry("B7644100003")).map(|i| &**i),
            Some("27-184593000")
        );
        assert_eq!(
            importers.get(&entry("B7644101373")).map(|i| &**i),
            Some("11-111111111")
        );
    }
}
