//! `capekit ledger acted`: a protest, suit, PSC or Phase 3 submission recorded for entries.

use anyhow::bail;
use capekit_core::EntryNumber;

use super::{LedgerOpt, plural};
use crate::exit;

/// `capekit ledger acted`: records a protest, suit, PSC or Phase 3 submission for entries.
pub(super) fn acted(
    entries: &[String],
    protest: Option<String>,
    suit: Option<String>,
    psc: Option<String>,
    phase3: Option<String>,
    date: Option<jiff::civil::Date>,
    opt: &LedgerOpt,
) -> anyhow::Result<u8> {
    use capekit_core::deadline::ActKind;
    let (kind, reference) = match (protest, suit, psc, phase3) {
        (Some(r), _, _, _) => (ActKind::Protest, Some(r)),
        (_, Some(r), _, _) => (ActKind::Suit, Some(r)),
        (_, _, Some(r), _) => (ActKind::Psc, Some(r)),
        (_, _, _, Some(r)) => (ActKind::Phase3, Some(r).filter(|r| !r.trim().is_empty())),
        _ => bail!("give one of --protest, --suit, --psc or --phase3"),
    };
    let mut numbers = Vec::with_capacity(entries.len());
    for raw in entries {
        let cleaned: String = raw.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
        numbers.push(
            EntryNumber::parse(&cleaned)
                .map_err(|e| anyhow::anyhow!("`{raw}` is not an entry number: {e}"))?,
        );
    }
    let today = crate::cmd::files::today();
    let on = date.unwrap_or(today);
    let mut l = opt.require("recording what was done")?;
    let done =
        match capekit_app::acted::record(&mut l, &numbers, kind, reference.as_deref(), on, today) {
            Ok(done) => done,
            // The ledger's own error, so that a busy ledger is named as such.
            Err(capekit_app::acted::ActedError::Ledger(e)) => return Err(e.into()),
            Err(e) => bail!("--date {on}: {e}; nothing was recorded"),
        };
    for w in &done.warnings {
        eprintln!("capekit: warning: {w}");
    }
    for (n, importer) in &done.not_phase3 {
        eprintln!(
            "capekit: warning: {n}: {}: CAPE Phase 3 takes only the entries of importers that sued in the Court of International Trade and whose IOR was submitted by {} - recorded as you said; if the importer is one, give it with `capekit plan --phase3-importers` so the ledger knows",
            match importer {
                Some(i) =>
                    format!("the ledger does not know its importer {i} as a Phase 3 importer"),
                None =>
                    "the ledger does not know the entry's importer as a Phase 3 importer".to_owned(),
            },
            capekit_core::path::PHASE3_IOR_CUTOFF
        );
    }
    if !done.unknown.is_empty() {
        let unknown: Vec<String> = done.unknown.iter().map(ToString::to_string).collect();
        eprintln!(
            "capekit: warning: the ledger has no data for {}: the act is recorded, but `capekit ledger entry` and `capekit ledger status` cannot show it until the entry's data is in the ledger - import its ES-003 (`capekit ledger import ES003.csv`, or `capekit plan ES003.csv`)",
            unknown.join(", ")
        );
    }
    let unchecked: Vec<&EntryNumber> = done
        .unchecked
        .iter()
        .filter(|n| !done.unknown.contains(n))
        .collect();
    if !unchecked.is_empty() {
        let unchecked: Vec<String> = unchecked.iter().map(ToString::to_string).collect();
        eprintln!(
            "capekit: note: the ledger has no entry date for {} (no ES-003 read by `capekit plan` since it kept entry dates): the date was not checked against the entry date",
            unchecked.join(", ")
        );
    }
    let n = done.recorded;
    if kind.meets().is_empty() {
        outln!(
            "recorded: {} for {} on {on}; the court (28 USC 1581(i)) date stays in view in `capekit plan` and `capekit ledger status` until CBP accepts the submission",
            kind.describe(),
            plural(n, "entry", "entries"),
        );
    } else {
        outln!(
            "recorded: {} for {} on {on}; the {} deadline no longer alarms in `capekit plan` and `capekit ledger status`",
            kind.describe(),
            plural(n, "entry", "entries"),
            kind.meets()
                .iter()
                .map(|k| k.describe())
                .collect::<Vec<_>>()
                .join(" and ")
        );
    }
    Ok(exit::OK)
}
