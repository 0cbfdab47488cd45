//! Every rule of every catalog, for `capekit explain`, the web catalog pages and the README.

use crate::doc::Documented;

/// All rules, in catalog order: file checks (F), CBP messages (M), claim readers (C), entry
/// paths (P), entry-report readers (R), refund-report readers (D), refund states (T).
pub fn all_rules() -> Vec<&'static dyn Documented> {
    let mut out: Vec<&'static dyn Documented> = Vec::new();
    out.extend(
        crate::check::CHECK_RULES
            .iter()
            .map(|r| *r as &dyn Documented),
    );
    out.extend(
        crate::catalog::MESSAGE_RULES
            .iter()
            .map(|r| *r as &dyn Documented),
    );
    out.extend(
        crate::reading::CLAIM_READER_RULES
            .iter()
            .map(|r| *r as &dyn Documented),
    );
    out.extend(
        crate::path::PATH_RULES
            .iter()
            .map(|r| *r as &dyn Documented),
    );
    out.extend(
        crate::reading::ENTRY_READER_RULES
            .iter()
            .map(|r| *r as &dyn Documented),
    );
    out.extend(
        crate::refunds::REFUND_READER_RULES
            .iter()
            .map(|r| *r as &dyn Documented),
    );
    out.extend(
        crate::refunds::REFUND_RULES
            .iter()
            .map(|r| *r as &dyn Documented),
    );
    out
}

/// The rule with this code or name (case-insensitive), or the CBP message rule whose message
/// matches the pasted text.
pub fn find_rule(query: &str) -> Option<&'static dyn Documented> {
    let q = query.trim();
    all_rules()
        .into_iter()
        .find(|r| r.code().eq_ignore_ascii_case(q) || r.name().eq_ignore_ascii_case(q))
        .or_else(|| crate::catalog::match_message(q).map(|r| r as &dyn Documented))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_by_code_name_and_message() {
        assert_eq!(find_rule("f014").map(|r| r.code()), Some("F014"));
        assert_eq!(
            find_rule("account-mismatch").map(|r| r.code()),
            Some("M015")
        );
        assert_eq!(
            find_rule("entry summary is in final liquidation status").map(|r| r.code()),
            Some("M004")
        );
        assert!(find_rule("nothing like this").is_none());
        assert_eq!(find_rule("p019").map(|r| r.code()), Some("P019"));
        assert_eq!(
            find_rule("liquidated-within-protest-period").map(|r| r.code()),
            Some("P014")
        );
        assert_eq!(find_rule("R011").map(|r| r.code()), Some("R011"));
    }

    #[test]
    fn every_catalog_keeps_the_invariants() {
        use crate::rules::invariant_violations;
        let mut wrong = Vec::new();
        wrong.extend(invariant_violations('F', crate::check::CHECK_RULES));
        wrong.extend(invariant_violations('M', crate::catalog::MESSAGE_RULES));
        wrong.extend(invariant_violations(
            'C',
            crate::reading::CLAIM_READER_RULES,
        ));
        wrong.extend(invariant_violations('P', crate::path::PATH_RULES));
        wrong.extend(invariant_violations(
            'R',
            crate::reading::ENTRY_READER_RULES,
        ));
        wrong.extend(invariant_violations(
            'D',
            crate::refunds::REFUND_READER_RULES,
        ));
        wrong.extend(invariant_violations('T', crate::refunds::REFUND_RULES));
        assert!(wrong.is_empty(), "{wrong:#?}");
        // Every catalog is in the list `capekit explain` and the README read.
        let listed = all_rules().len();
        let counted = crate::check::CHECK_RULES.len()
            + crate::catalog::MESSAGE_RULES.len()
            + crate::reading::CLAIM_READER_RULES.len()
            + crate::path::PATH_RULES.len()
            + crate::reading::ENTRY_READER_RULES.len()
            + crate::refunds::REFUND_READER_RULES.len()
            + crate::refunds::REFUND_RULES.len();
        assert_eq!(listed, counted);
    }

    #[test]
    fn names_are_unique_across_catalogs() {
        // `capekit explain NAME` must find one rule.
        let mut names: Vec<&str> = all_rules().iter().map(|r| r.name()).collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n);
    }

    #[test]
    fn codes_are_unique_across_catalogs() {
        let mut codes: Vec<&str> = all_rules().iter().map(|r| r.code()).collect();
        let n = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), n);
    }
}
