//! Who may be refiled: the refile list chosen from the aggregated entries and the corrected list.

use super::*;

/// The next declaration: the entries whose answers send them on as they are ([`refile_as_is`]:
/// rejected with the action `refile`, or on an upload that failed file validation), plus
/// corrected entries whose action allows refiling once corrected ([`corrected_refusal`]); never
/// an accepted one, never one that another claim's answer still holds back.
pub(super) fn plan_refile(
    worklist: &[EntryResult],
    by_entry: &ByEntry,
    claims: &[ClaimSummary],
    corrected: &[EntryNumber],
    known: &Known,
) -> (RefilePlan, HashMap<EntryNumber, Action>) {
    let mut refile = RefilePlan::default();
    // What holds each entry left out, as the action its worklist rows then carry (the first
    // reason given for it).
    let mut holds: HashMap<EntryNumber, Action> = HashMap::new();
    let mut chosen: HashSet<EntryNumber> = HashSet::new();
    // Entries the ledger refuses, each listed once.
    let mut refused: HashSet<EntryNumber> = HashSet::new();
    let mut refuse = |refile: &mut RefilePlan,
                      holds: &mut HashMap<EntryNumber, Action>,
                      e: EntryNumber|
     -> bool {
        let Some(k) = known.get(&e) else {
            return false;
        };
        if refused.insert(e) {
            holds.entry(e).or_insert(held_by(k));
            refile.left_out.push(LeftOut {
                entry_number: e,
                reason: known_reason(k),
            });
        }
        true
    };
    // Entries another claim of this triage holds back, each explained once.
    let mut held_elsewhere: HashSet<EntryNumber> = HashSet::new();
    for r in worklist {
        let agg = by_entry.get(&r.entry_number);
        // A rejection the ledger answers with an acceptance on another claim: nothing to do,
        // and the refile list says why it is not on it.
        if (r.outcome, r.action) == (Outcome::Rejected, Action::None)
            && matches!(
                known.get(&r.entry_number),
                Some(KnownState::Accepted { .. })
            )
        {
            refuse(&mut refile, &mut holds, r.entry_number);
            continue;
        }
        if !asks_refile_as_is(r.outcome, r.action) || chosen.contains(&r.entry_number) {
            continue;
        }
        // The answer that decides for the entry as a whole: an acceptance on another claim, or
        // another claim's answer that asks for more than a refile as it is (a correction, a
        // wait, another path), else this one.
        let holder = agg
            .filter(|a| a.accepted_on.is_none())
            .and_then(|a| a.held_back)
            .and_then(|(i, _)| worklist.get(i as usize));
        let latest = match (agg, holder) {
            (Some(a), _) if a.accepted_on.is_some() => (Outcome::Accepted, Action::None),
            (_, Some(h)) => (h.outcome, h.action),
            _ => (r.outcome, r.action),
        };
        match refile_as_is(Some(latest), known.get(&r.entry_number)) {
            Ok(()) => {
                chosen.insert(r.entry_number);
                refile.entries.push(r.entry_number);
            }
            Err(NotAsIs::Held(_)) => {
                refuse(&mut refile, &mut holds, r.entry_number);
            }
            // This row asks for a refile, another claim's row for more: the refile list says
            // which, so that its count of refile rows is not left unexplained.
            Err(NotAsIs::NotAsked(_)) => {
                if let Some(h) = holder
                    && held_elsewhere.insert(r.entry_number)
                {
                    holds.entry(r.entry_number).or_insert(h.action);
                    let what = h.rule.map_or_else(
                        || "its row there needs a person: see the worklist".to_owned(),
                        |code| format!("{code}, `{}`", h.message),
                    );
                    refile.left_out.push(LeftOut {
                        entry_number: r.entry_number,
                        reason: format!(
                            "claim {}'s answer asks for `{}` ({what}), not a refile as it is: do that first",
                            h.claim_number.as_deref().unwrap_or("(no claim number)"),
                            h.action,
                        ),
                    });
                }
            }
        }
    }
    let mut corrected_seen = HashSet::new();
    for e in corrected {
        if !corrected_seen.insert(*e) || chosen.contains(e) || refuse(&mut refile, &mut holds, *e) {
            continue;
        }
        let agg = by_entry.get(e);
        let strongest = agg
            .and_then(|a| a.strongest)
            .and_then(|(i, _)| worklist.get(i as usize));
        let accepted_claim = agg
            .and_then(|a| a.accepted_on)
            .and_then(|c| claims.get(c as usize))
            .map(|c| &c.claim_number);
        let standing = if let Some(claim) = accepted_claim {
            Standing::Accepted { claim }
        } else if let Some(r) = strongest {
            if r.outcome == Outcome::Missing {
                Standing::Missing
            } else {
                Standing::Rejected {
                    action: r.action,
                    advice: Some(&r.what_to_do),
                }
            }
        } else {
            Standing::NoOutcome
        };
        let held = match standing {
            Standing::Accepted { .. } => Action::None,
            Standing::Rejected { action, .. } => action,
            _ => Action::Review,
        };
        let reason = corrected_refusal(standing);
        match reason {
            None => {
                chosen.insert(*e);
                refile.entries.push(*e);
                refile.from_corrected += 1;
            }
            Some(reason) => {
                holds.entry(*e).or_insert(held);
                refile.left_out.push(LeftOut {
                    entry_number: *e,
                    reason,
                });
            }
        }
    }
    (refile, holds)
}

/// The action a worklist row takes when what the ledger knows holds its entry: nothing for an
/// entry accepted elsewhere, a wait for one pending or on a draft, the deciding claim's action
/// for a later rejection (one that asks for more than a refile).
pub(super) fn held_by(k: &KnownState) -> Action {
    match k {
        KnownState::Accepted { .. } => Action::None,
        KnownState::Pending { .. } | KnownState::Drafted { .. } => Action::WaitForClaim,
        KnownState::Rejected { action, .. } if KnownState::rejection_blocks(*action) => *action,
        // A row held off the refile list never says refile: a person decides.
        KnownState::Rejected { .. } => Action::Review,
    }
}
