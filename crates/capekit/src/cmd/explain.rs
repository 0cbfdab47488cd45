//! `capekit explain`.

use capekit_core::catalogs::{all_rules, find_rule};
use capekit_core::doc::Documented;

use crate::exit;

pub fn run(query: &str, list: bool) -> anyhow::Result<u8> {
    if list {
        let rules = all_rules();
        let width = rules.iter().map(|r| r.name().len()).max().unwrap_or(0);
        for r in rules {
            outln!("{} {:<width$} {}", r.code(), r.name(), r.title());
        }
        return Ok(exit::OK);
    }
    // Several CBP messages in one text (`A; B`): each is explained, after what triage makes of
    // them together, so that a rejection beside an acceptance is never read as accepted.
    if let Some(found) = capekit_core::catalog::find_messages(query).filter(|f| f.len() > 1) {
        let today = super::files::today();
        let action = |r: &capekit_core::catalog::MessageRule| {
            r.version_on(today)
                .map_or(capekit_core::catalog::Action::Review, |v| v.action)
        };
        let codes: Vec<String> = found
            .iter()
            .map(|f| format!("{} {}", f.rule.code, f.rule.title))
            .collect();
        let together = if found
            .iter()
            .any(|f| action(f.rule) == capekit_core::catalog::Action::None)
        {
            "an acceptance beside a rejection: triage sends the entry to review (never counted accepted, never dropped)".to_owned()
        } else {
            let most = found
                .iter()
                .map(|f| action(f.rule))
                .max_by_key(|a| a.blocking())
                .unwrap_or(capekit_core::catalog::Action::Review);
            format!("triage takes the one that blocks most: {most}")
        };
        outln!(
            "{} CBP messages in this text: {}; {together}\n",
            found.len(),
            codes.join(", ")
        );
        for f in &found {
            out!("{}\n", f.rule.render_text());
        }
        return Ok(exit::OK);
    }
    match find_rule(query) {
        Some(rule) => {
            out!("{}", rule.render_text());
            Ok(exit::OK)
        }
        None => anyhow::bail!(
            "no rule matches `{query}`; give a code such as F014 or paste the error message as CBP wrote it (`capekit explain --list` lists every rule). An unknown CBP message needs a person to review it"
        ),
    }
}
