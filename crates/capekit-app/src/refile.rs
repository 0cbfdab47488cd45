//! `refile`: the next declaration from the ledger's state alone.
//!
//! A triage plans a refile from the claim files it is given; this job plans it from everything
//! recorded, so a user with many claims over weeks gets one upload that holds every entry to
//! refile, none accepted anywhere and none still pending. The face reads the corrected list,
//! writes the upload and records it as a draft; in between, these steps:
//! 1. [`recorded_as`]: a corrected list with the bytes of a declaration the ledger records (every
//!    entry on it is then taken as corrected, which the face says);
//! 2. [`plan`] outside the write lock (a large ledger takes a while): the ledger's next
//!    declaration, each entry judged again as of the day ([`rejudge`]);
//! 3. [`replan_reserved`] inside it: planned again when another run reserved some of its entries
//!    since, so that no entry goes on two drafts;
//! 4. once recorded, [`after`]: the entries held on other declarations ([`held`]) and those CBP
//!    asked to send again later ([`waiting_to_retry`]), from one reading of the ledger's states.

use std::collections::{BTreeMap, HashMap, HashSet};

use capekit_core::EntryNumber;
use capekit_core::known::{Standing, corrected_refusal, refile_as_is};
use capekit_core::triage::{Outcome, RefilePlan};
use capekit_ledger::{
    DeclRef, DeclState, Declaration, DeclarationId, EntryState, Except, Ledger, LedgerError,
    sha256_hex,
};
use jiff::civil::Date;
use serde::Serialize;

/// The declaration the ledger records with the bytes of the corrected list `bytes`, if any.
pub fn recorded_as(ledger: &Ledger, bytes: &[u8]) -> Result<Option<Declaration>, LedgerError> {
    ledger.find_declaration(&DeclRef::Sha256(sha256_hex(bytes)))
}

/// The next declaration, and the entries on it whose entry data the ledger does not keep.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The entries to declare, those left out and why.
    pub plan: RefilePlan,
    /// Entries on the refile whose entry data the ledger does not keep: judged by their
    /// message alone, their CAPE window unchecked.
    pub without_entry_data: Vec<EntryNumber>,
}

/// What the next declaration is asked for: the entries corrected since their claim, one
/// importer's entries only, the drafts it supersedes, and the day.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    /// Entries corrected (or waited for) since their claim.
    pub corrected: &'a [EntryNumber],
    /// One importer's entries only.
    pub importer: Option<&'a str>,
    /// The drafts the new declaration supersedes (those of the folder it is written into).
    pub except: &'a Except,
    /// The day of the new declaration.
    pub as_of: Date,
}

/// The ledger's next declaration ([`Ledger::next_declaration`]), each entry judged again as of
/// the day ([`rejudge`]).
pub fn plan(ledger: &Ledger, ask: &Ask<'_>) -> Result<Planned, LedgerError> {
    let mut plan = ledger.next_declaration(ask.corrected, ask.importer, ask.except)?;
    readmit_corrected(ledger, &mut plan, ask)?;
    let without_entry_data = rejudge(ledger, &mut plan, ask.corrected, ask.as_of)?;
    Ok(Planned {
        plan,
        without_entry_data,
    })
}

/// [`plan`] again when the ledger (inside the write lock) now knows some of `planned`'s entries
/// as held or accepted: another run reserved them since. True when it planned again.
pub fn replan_reserved(
    ledger: &Ledger,
    planned: &mut Planned,
    ask: &Ask<'_>,
) -> Result<bool, LedgerError> {
    if ledger
        .known_except(&planned.plan.entries, ask.except)?
        .is_empty()
    {
        return Ok(false);
    }
    *planned = plan(ledger, ask)?;
    Ok(true)
}

/// What the ledger holds once the refile is recorded, of the states it keeps outside the drafts
/// `except` sets aside: the entries held on other declarations, and those waiting to be sent
/// again.
pub fn after(
    ledger: &Ledger,
    except: &Except,
    plan: &RefilePlan,
    as_of: Date,
) -> Result<(Vec<Held>, Vec<Waiting>), LedgerError> {
    // One reading of the states for both lists.
    let states = ledger.all_states_except(except)?;
    let held = held(ledger, &states, as_of)?;
    let waiting = waiting_to_retry(ledger, &states, plan, as_of)?;
    Ok((held, waiting))
}

/// A rejected entry waiting to be sent again.
#[derive(Debug, Serialize)]
pub struct Waiting {
    /// The entry.
    pub entry_number: EntryNumber,
    /// The claim that rejected it.
    pub claim: String,
    /// CBP's message.
    pub message: String,
    /// Its nearest deadline still open, where the ledger keeps its entry data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_deadline: Option<capekit_core::deadline::Deadline>,
    /// Judged again by its dates, what it is now when a retry would be refused (its CAPE
    /// window closed): the action and what to do instead. `None` while it waits for a retry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_longer: Option<(capekit_core::catalog::Action, String)>,
}

/// The rejected entries whose latest action is `retry-later` and that this declaration does not
/// hold, soonest deadline first: `refile` leaves them to the user (CBP asks for a wait of 30 to
/// 60 minutes, which only the user can tell is over), so it names them, with the date that
/// decides, rather than saying there is nothing to refile.
pub fn waiting_to_retry(
    ledger: &Ledger,
    states: &BTreeMap<EntryNumber, EntryState>,
    plan: &RefilePlan,
    as_of: Date,
) -> Result<Vec<Waiting>, LedgerError> {
    // An entry this declaration holds, or leaves out with its reason (its window closed,
    // say), is not waiting for anything.
    let on: HashSet<&EntryNumber> = plan
        .entries
        .iter()
        .chain(plan.left_out.iter().map(|l| &l.entry_number))
        .collect();
    let rejected: Vec<(EntryNumber, String, String)> = states
        .iter()
        .filter_map(|(e, s)| match s {
            EntryState::Rejected {
                claim,
                action: capekit_core::catalog::Action::RetryLater,
                message,
                ..
            } if !on.contains(e) => Some((*e, claim.clone(), message.clone())),
            _ => None,
        })
        .collect();
    if rejected.is_empty() {
        return Ok(Vec::new());
    }
    let records = ledger.entry_records(rejected.iter().map(|(e, _, _)| *e))?;
    // Judged again by its dates: one whose retry CAPE would now refuse (its window closed)
    // is on another path, not waiting, and says which.
    let mut out: Vec<Waiting> = rejected
        .into_iter()
        .map(|(e, claim, message)| {
            let row =
                capekit_core::refine::rejudge(e, &claim, &message, records.data.get(&e), as_of);
            Waiting {
                entry_number: e,
                next_deadline: capekit_core::deadline::nearest_open(row.deadlines.iter().copied()),
                no_longer: (row.action != capekit_core::catalog::Action::RetryLater)
                    .then(|| (row.action, row.what_to_do.to_string())),
                claim,
                message,
            }
        })
        .collect();
    out.sort_by_key(|w| {
        (
            w.next_deadline.map_or(i32::MAX, |d| d.days_left),
            w.entry_number,
        )
    });
    Ok(out)
}

/// Entries a declaration holds, so that no new file offers them.
#[derive(Debug, Serialize)]
pub struct Held {
    /// The declaration's number in the ledger, by which a command names it.
    pub id: DeclarationId,
    /// The declaration.
    pub declaration: String,
    /// `draft`, `uploaded`, or `answered` (its claim does not list them).
    pub state: &'static str,
    /// The claim that answered it, for `answered`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<String>,
    /// When it was written or uploaded.
    pub since: jiff::Timestamp,
    /// Entries it holds.
    pub entries: usize,
    /// Of a draft's entries, those whose CAPE window has closed by the day asked: CAPE refuses
    /// them on it, since a declaration is judged on the day CBP processes it. Known only where
    /// the ledger keeps their entry data.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub closed: Vec<ClosedOnDraft>,
}

/// An entry on a draft that CAPE can no longer take.
#[derive(Debug, Clone, Serialize)]
pub struct ClosedOnDraft {
    /// The entry.
    pub entry_number: EntryNumber,
    /// Its CAPE window, passed.
    pub window: capekit_core::deadline::Deadline,
    /// The routes left, by their deadlines still open, soonest first: the protest (19 USC
    /// 1514) unless one is on file, the court.
    pub routes: Vec<capekit_core::deadline::Deadline>,
}

/// The drafts holding entries whose CAPE window has closed as of `as_of` ([`Held::closed`]):
/// what `ledger status` warns of, since the draft cannot file them.
pub fn drafts_past_window(ledger: &Ledger, as_of: Date) -> Result<Vec<Held>, LedgerError> {
    let states: BTreeMap<EntryNumber, EntryState> = ledger
        .all_states_except(&Except::none())?
        .into_iter()
        .filter(|(_, s)| matches!(s, EntryState::Drafted { .. }))
        .collect();
    let mut held = held(ledger, &states, as_of)?;
    held.retain(|h| !h.closed.is_empty());
    Ok(held)
}

/// The drafted entries of `drafted` whose CAPE window has closed as of `as_of`, by their kept
/// entry data (an entry without it is not judged).
pub fn closed_on_draft(
    ledger: &Ledger,
    drafted: impl IntoIterator<Item = EntryNumber>,
    as_of: Date,
) -> Result<Vec<ClosedOnDraft>, LedgerError> {
    let records = ledger.entry_records(drafted)?;
    let mut out: Vec<ClosedOnDraft> = records
        .data
        .iter()
        .filter_map(|(e, data)| {
            let d = capekit_core::path::decide(data, as_of);
            let window = d.deadlines.cape_window_closes.filter(|w| w.passed())?;
            let protest = d.deadlines.protest_due.filter(|_| !d.protest_on_file());
            let mut routes: Vec<capekit_core::deadline::Deadline> =
                [protest, d.deadlines.court_1581a_due, d.deadlines.court_due]
                    .into_iter()
                    .flatten()
                    .filter(|r| !r.passed())
                    .collect();
            routes.sort_by_key(|r| r.days_left);
            Some(ClosedOnDraft {
                entry_number: *e,
                window,
                routes,
            })
        })
        .collect();
    out.sort_by_key(|c| c.entry_number);
    Ok(out)
}

/// Entries held on drafts and on uploads awaiting their claim, by declaration, of `states` (the
/// ledger's, less those `Except` sets aside).
pub fn held(
    ledger: &Ledger,
    states: &BTreeMap<EntryNumber, EntryState>,
    as_of: Date,
) -> Result<Vec<Held>, LedgerError> {
    let answered: HashMap<DeclarationId, Option<String>> = ledger
        .declarations()?
        .into_iter()
        .filter(|d| d.state == DeclState::Answered)
        .map(|d| (d.id, d.claim))
        .collect();
    // By declaration number: two workbench drafts may show the same file name.
    let mut by: BTreeMap<(DeclarationId, &'static str), Held> = Default::default();
    for s in states.values() {
        let (id, declaration, state, since) = match s {
            // On a declaration its claim answered without listing them: missing from the claim.
            EntryState::Pending {
                declaration,
                declaration_id,
                declared_at,
                ..
            } if answered.contains_key(declaration_id) => {
                (*declaration_id, declaration, "answered", *declared_at)
            }
            EntryState::Pending {
                declaration,
                declaration_id,
                declared_at,
                ..
            } => (*declaration_id, declaration, "uploaded", *declared_at),
            EntryState::Drafted {
                declaration,
                declaration_id,
                written_at,
            } => (*declaration_id, declaration, "draft", *written_at),
            _ => continue,
        };
        by.entry((id, state))
            .or_insert_with(|| Held {
                id,
                declaration: declaration.clone(),
                state,
                claim: match s {
                    EntryState::Pending { declaration_id, .. } => {
                        answered.get(declaration_id).cloned().flatten()
                    }
                    _ => None,
                },
                since,
                entries: 0,
                closed: Vec::new(),
            })
            .entries += 1;
    }
    let drafted = states.iter().filter_map(|(e, s)| match s {
        EntryState::Drafted { declaration_id, .. } => Some((*declaration_id, *e)),
        _ => None,
    });
    let (ids, entries): (Vec<DeclarationId>, Vec<EntryNumber>) = drafted.unzip();
    let on: HashMap<EntryNumber, DeclarationId> =
        entries.iter().copied().zip(ids.iter().copied()).collect();
    for c in closed_on_draft(ledger, entries, as_of)? {
        if let Some(h) = on
            .get(&c.entry_number)
            .and_then(|id| by.get_mut(&(*id, "draft")))
        {
            h.closed.push(c);
        }
    }
    Ok(by.into_values().collect())
}

/// Corrected entries the ledger left out by the action recorded at their triage, judged again
/// with the user's word as triage judges them (`--corrected`): a reconciliation rejection after
/// 2026-06-29 listed as corrected is the word that no type 09 was filed, which the entry data
/// cannot show. Where the day's action is one a correction clears (and the entry is the asked
/// importer's), the entry goes on the declaration after all; `refile --corrected` and `triage
/// --corrected` then agree.
fn readmit_corrected(
    ledger: &Ledger,
    plan: &mut RefilePlan,
    ask: &Ask<'_>,
) -> Result<(), LedgerError> {
    let corrected: HashSet<&EntryNumber> = ask.corrected.iter().collect();
    let asked: Vec<EntryNumber> = plan
        .left_out
        .iter()
        .map(|l| l.entry_number)
        .filter(|e| corrected.contains(e))
        .collect();
    if asked.is_empty() {
        return Ok(());
    }
    let states = ledger.states(&asked)?;
    let records = ledger.entry_records(asked.iter().copied())?;
    let importers = match ask.importer {
        Some(_) => ledger.importers_of(asked.iter().copied())?,
        None => HashMap::new(),
    };
    let mut readmitted = HashSet::new();
    for e in &asked {
        let Some(EntryState::Rejected {
            claim,
            message,
            action,
            ..
        }) = states.get(e)
        else {
            continue;
        };
        if action.refile_once_corrected() {
            // Left out for another reason (its importer).
            continue;
        }
        let row = capekit_core::refine::rejudge_with(
            *e,
            claim,
            message,
            records.data.get(e),
            ask.as_of,
            true,
        );
        let cleared = corrected_refusal(Standing::Rejected {
            action: row.action,
            advice: None,
        })
        .is_none();
        let importer_ok = ask.importer.is_none_or(|i| {
            capekit_core::known::importer_refusal(i, importers.get(e).map(String::as_str)).is_none()
        });
        if cleared && importer_ok {
            readmitted.insert(*e);
        }
    }
    plan.left_out
        .retain(|l| !readmitted.contains(&l.entry_number));
    for e in asked.into_iter().filter(|e| readmitted.contains(e)) {
        if !plan.entries.contains(&e) {
            plan.entries.push(e);
            plan.from_corrected += 1;
        }
    }
    Ok(())
}

/// Judges each entry of `plan` again as of `as_of`, the day of the new declaration: its latest
/// rejection by the catalog of that day and, where the ledger keeps its entry data, by its dates
/// (as triage does, [`capekit_core::refine::rejudge`]). An entry the rejudging no longer sends to
/// a refile (CAPE's window closed since its triage, a PSC no longer possible, a path the data
/// now shows) is left out, with what to do instead; a corrected entry stays while its action
/// is one a correction clears. Returns the entries kept whose entry data the ledger does not
/// keep (judged by their message alone).
pub fn rejudge(
    ledger: &Ledger,
    plan: &mut RefilePlan,
    corrected: &[EntryNumber],
    as_of: Date,
) -> Result<Vec<EntryNumber>, LedgerError> {
    if plan.entries.is_empty() {
        return Ok(Vec::new());
    }
    let states = ledger.states(&plan.entries)?;
    let records = ledger.entry_records(plan.entries.iter().copied())?;
    let corrected: HashSet<&EntryNumber> = corrected.iter().collect();
    let mut kept = Vec::with_capacity(plan.entries.len());
    for e in std::mem::take(&mut plan.entries) {
        let Some(EntryState::Rejected {
            claim,
            message,
            action,
            ..
        }) = states.get(&e)
        else {
            kept.push(e);
            continue;
        };
        let row = capekit_core::refine::rejudge_with(
            e,
            claim,
            message,
            records.data.get(&e),
            as_of,
            corrected.contains(&e),
        );
        // The rules of the domain, on the action of the day: a corrected entry's, else an
        // entry's as it is (what the ledger holds was asked of it already).
        let fine = if corrected.contains(&e) {
            corrected_refusal(Standing::Rejected {
                action: row.action,
                advice: None,
            })
            .is_none()
        } else {
            refile_as_is(Some((Outcome::Rejected, row.action)), None).is_ok()
        };
        if fine {
            kept.push(e);
        } else {
            // Counted from the corrected list only when it was not a refile already.
            if corrected.contains(&e) && *action != capekit_core::catalog::Action::Refile {
                plan.from_corrected = plan.from_corrected.saturating_sub(1);
            }
            let basis = if records.data.contains_key(&e) {
                "by its message and the entry data the ledger keeps"
            } else {
                "by its message"
            };
            plan.left_out.push(capekit_core::triage::LeftOut {
                entry_number: e,
                reason: format!(
                    "judged again as of {as_of} {basis}, it is `{}`, not a refile: {}",
                    row.action, row.what_to_do
                ),
            });
        }
    }
    let undated = kept
        .iter()
        .filter(|e| !records.data.contains_key(e))
        .copied()
        .collect();
    plan.entries = kept;
    Ok(undated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use capekit_ledger::{FileKind, FileMeta};

    #[test]
    fn a_draft_holds_its_entries_and_a_list_of_its_bytes_is_named() {
        let mut l = Ledger::open_in_memory().expect("ledger");
        let bytes = b"Entry Number\r\nB7644100003\r\n";
        let entry = EntryNumber::parse("B7644100003").expect("entry");
        let meta = FileMeta::of_bytes("decl.csv", FileKind::Declaration, bytes);
        l.import_draft(&meta, bytes, &[entry]).expect("draft");
        let d = recorded_as(&l, bytes).expect("asked").expect("recorded");
        assert_eq!(d.name, "decl.csv");
        assert!(recorded_as(&l, b"other").expect("asked").is_none());

        let as_of: Date = "2026-11-24".parse().expect("date");
        let except = Except::none();
        let planned = plan(
            &l,
            &Ask {
                corrected: &[],
                importer: None,
                except: &except,
                as_of,
            },
        )
        .expect("planned");
        assert!(planned.plan.entries.is_empty(), "{:?}", planned.plan);
        let (held, waiting) = after(&l, &except, &planned.plan, as_of).expect("after");
        assert!(waiting.is_empty());
        assert_eq!(held.len(), 1, "{held:?}");
        assert_eq!((held[0].state, held[0].entries), ("draft", 1));
    }

    /// Entry `number`, liquidated on `liquidated`, its CAPE window closing 80 days later.
    fn liquidated(number: &str, liquidated: Date) -> capekit_core::path::EntryData {
        let mut e =
            capekit_core::path::EntryData::new(EntryNumber::parse(number).expect("entry"), 2);
        e.entry_type = Some("01".into());
        e.entry_date = Some("2025-06-01".parse().expect("date"));
        e.ieepa_duty_cents = 10_000;
        e.ieepa_lines = 1;
        e.ieepa_dutiable_lines = 1;
        e.absent_columns = capekit_core::path::ColumnSet::EMPTY;
        e.liquidation_status = Some("Liquidated".into());
        e.liquidation_date = Some(liquidated);
        e
    }

    #[test]
    fn a_draft_names_its_entries_whose_cape_window_closed_since_it_was_written() {
        let mut l = Ledger::open_in_memory().expect("ledger");
        // Windows closing 2026-12-04 and 2026-12-05.
        let data = [
            liquidated("WR872000018", "2026-09-15".parse().expect("date")),
            liquidated("WR872000083", "2026-09-16".parse().expect("date")),
        ];
        let on = |d: Date| {
            data.iter()
                .map(|e| {
                    capekit_ledger::EntryFacts::from_decision(e, &capekit_core::path::decide(e, d))
                })
                .collect::<Vec<_>>()
        };
        l.record_entry_data(None, &on("2026-12-01".parse().expect("date")))
            .expect("entry data");
        let entries: Vec<EntryNumber> = data.iter().map(|e| e.entry_number).collect();
        let bytes = b"Entry Number\r\nWR872000018\r\nWR872000083\r\n";
        let meta = FileMeta::of_bytes("decl.csv", FileKind::Declaration, bytes);
        l.import_draft(&meta, bytes, &entries).expect("draft");
        let except = Except::none();
        let held_on = |d: &str| {
            let as_of: Date = d.parse().expect("date");
            let (held, _) = after(&l, &except, &RefilePlan::default(), as_of).expect("after");
            assert_eq!(held.len(), 1, "{held:?}");
            assert_eq!((held[0].state, held[0].entries), ("draft", 2));
            held[0]
                .closed
                .iter()
                .map(|c| {
                    (
                        c.entry_number,
                        c.window.date.to_string(),
                        c.routes.first().map(|n| n.kind),
                    )
                })
                .collect::<Vec<_>>()
        };
        // Inside both windows, the draft stays as it is.
        assert_eq!(held_on("2026-12-04"), vec![]);
        let protest = Some(capekit_core::deadline::DeadlineKind::Protest);
        assert_eq!(
            held_on("2026-12-05"),
            vec![(entries[0], "2026-12-04".to_owned(), protest)]
        );
        assert_eq!(
            held_on("2026-12-10"),
            vec![
                (entries[0], "2026-12-04".to_owned(), protest),
                (entries[1], "2026-12-05".to_owned(), protest)
            ]
        );
    }
}
