//! `capekit explain`.

use capekit_core::catalogs::{all_rules, find_rule};

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
