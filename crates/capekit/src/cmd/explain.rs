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
    // A pasted CBP text is explained as triage reads it: several messages in one text (`A; B`)
    // each once, after what triage makes of them together, so that a rejection beside an
    // acceptance is never read as accepted; words capekit does not read are quoted, and send
    // the entry to review.
    let by_code_or_name = all_rules().iter().any(|r| {
        r.code().eq_ignore_ascii_case(query.trim()) || r.name().eq_ignore_ascii_case(query.trim())
    });
    if let Some(found) = capekit_core::catalog::find_messages(query).filter(|_| !by_code_or_name)
        && (found.len() > 1 || found.iter().any(|f| f.unread.is_some()))
    {
        use capekit_core::catalog::Action;
        let today = super::files::today();
        let action = |r: &capekit_core::catalog::MessageRule| {
            r.version_on(today).map_or(Action::Review, |v| v.action)
        };
        let unread: Vec<&str> = found.iter().filter_map(|f| f.unread.as_deref()).collect();
        if found.len() > 1 {
            let codes: Vec<String> = found
                .iter()
                .map(|f| format!("{} {}", f.rule.code, f.rule.title))
                .collect();
            let together = if found.iter().any(|f| action(f.rule) == Action::None) {
                "an acceptance beside a rejection: triage sends the entry to review (never counted accepted, never dropped)".to_owned()
            } else if !unread.is_empty() {
                "with text capekit does not read, triage sends the entry to review".to_owned()
            } else {
                let most = found
                    .iter()
                    .map(|f| action(f.rule))
                    .max_by_key(|a| a.blocking())
                    .unwrap_or(Action::Review);
                format!("triage takes the one that blocks most: {most}")
            };
            outln!(
                "{} CBP messages in this text: {}; {together}",
                found.len(),
                codes.join(", ")
            );
        }
        if !unread.is_empty() {
            let first = found[0].rule;
            let reading = if capekit_core::catalog::is_file_message(query) {
                "on a Validation Result File it means the upload failed (fix the file and upload it whole as a new declaration); anywhere else triage sends the entry to review"
            } else {
                "triage sends the entry to review, never its action alone; the guidance below is the known message's"
            };
            outln!(
                "CBP added text capekit does not read: `{}` - read it in ACE before acting. Triage matches {} {}: {reading}.",
                unread.join("; "),
                first.code,
                first.title
            );
        }
        outln!("");
        for f in &found {
            out!("{}\n", f.rule.render_text());
        }
        return Ok(exit::OK);
    }
    // CBP's acceptance with anything appended is never matched loosely: triage sends such a
    // row to review. Said so here, with the acceptance message's own rule.
    let accepted = &capekit_core::catalog::ENTRY_SUMMARY_UPDATED;
    let normalized = capekit_core::catalog::normalize(query);
    if !by_code_or_name
        && let Some(rest) = normalized.strip_prefix(accepted.title)
        && !rest.trim().is_empty()
    {
        outln!(
            "CBP's acceptance message {} `{}` with text appended (`{}`): triage never reads it as accepted; it sends the entry to review, never counted accepted and never refiled. Read the entry on its claim in ACE (Claim Status) and decide.",
            accepted.code,
            accepted.title,
            rest.trim_matches(|c: char| c == ' ' || c == '-' || c == ':' || c == ',')
        );
        outln!("");
        out!("{}\n", accepted.render_text());
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
