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
    // Every entry's date is judged before anything is recorded: one refused date records none.
    let facts = l.act_facts(&numbers)?;
    let mut warnings = Vec::new();
    let mut unchecked = Vec::new();
    for n in &numbers {
        let f = facts.get(n);
        let deadlines = f.map_or(&[][..], |f| f.deadlines.as_slice());
        match capekit_core::deadline::check_act_date(
            kind,
            on,
            today,
            f.and_then(|f| f.entry_date),
            deadlines,
        ) {
            Ok(w) => warnings.extend(w.into_iter().map(|w| format!("{}: {w}", n.as_str()))),
            Err(why) => bail!(
                "--date {}: entry {}: {why}; nothing was recorded",
                on,
                n.as_str()
            ),
        }
        if f.is_none_or(|f| f.entry_date.is_none()) {
            unchecked.push(n.to_string());
        }
    }
    for w in &warnings {
        eprintln!("capekit: warning: {w}");
    }
    if !unchecked.is_empty() {
        eprintln!(
            "capekit: note: the ledger has no entry date for {} (no ES-003 read by `capekit plan` since it kept entry dates): the date was not checked against the entry date",
            unchecked.join(", ")
        );
    }
    let n = l.record_act(&numbers, kind, reference.as_deref(), on)?;
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
    Ok(exit::OK)
}
