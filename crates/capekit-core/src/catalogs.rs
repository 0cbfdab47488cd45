//! Every rule of every catalog, for `capekit explain`, the web catalog pages and the README.

use crate::doc::Documented;

/// All rules, in catalog order.
pub fn all_rules() -> Vec<&'static dyn Documented> {
    let mut out: Vec<&'static dyn Documented> = Vec::new();
    out.extend(
        crate::check::CHECK_RULES
            .iter()
            .map(|r| r as &dyn Documented),
    );
    out
}

/// The rule with this code (case-insensitive), or whose message matches the pasted text.
pub fn find_rule(query: &str) -> Option<&'static dyn Documented> {
    let q = query.trim();
    all_rules()
        .into_iter()
        .find(|r| r.code().eq_ignore_ascii_case(q) || r.name().eq_ignore_ascii_case(q))
}
