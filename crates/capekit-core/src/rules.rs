//! The shape every rule of every catalog shares: [`Rule`], one documentation impl for all of
//! them, and the one way a finding is made, through its rule ([`Rule::diag`]), so that a
//! diagnostic's code and severity can only come from the catalog.
//!
//! A catalog is a kind `K` (what its rules add: a severity, a CBP message's dated meanings, an
//! entry path) that implements [`Catalog`]. Each rule is a named static (`check::NOT_A_CSV`,
//! `catalog::FINAL_LIQUIDATION`, `path::LIQUIDATED_PAST_PROTEST_PERIOD`), and code compares rules
//! by their statics ([`Rule::is`]), never by a string, so that a typo does not compile.

use std::ops::Deref;

use serde::Serialize;

use crate::diag::{Diagnostic, Severity};
use crate::doc::{Documented, RuleDoc};

/// A rule of the catalog `K`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule<K: 'static> {
    /// Stable code: the catalog's letter and three digits. Append-only: a retired rule keeps its
    /// code and its dates; a code is never reused.
    pub code: &'static str,
    /// Kebab-case name of what was found, unique across catalogs.
    pub name: &'static str,
    /// One line: the rule's title (for a CBP message, the message as CBP publishes it).
    pub title: &'static str,
    /// Documentation.
    pub doc: RuleDoc,
    /// What the catalog adds.
    #[serde(flatten)]
    pub kind: K,
}

/// What a catalog's rules add to [`Rule`], and how the catalog is named.
pub trait Catalog: Sized + 'static {
    /// The catalog, as `capekit explain` and the web pages name it.
    const NAME: &'static str;
    /// Extra `key: value` facts printed under a rule's title (severity, action, dates).
    fn facts(rule: &Rule<Self>) -> Vec<(&'static str, String)>;
}

/// A catalog whose rules are findings in a file, each with a severity.
pub trait Findings: Catalog {
    /// The rule's severity.
    fn severity(&self) -> Severity;
}

impl<K> Deref for Rule<K> {
    type Target = K;

    fn deref(&self) -> &K {
        &self.kind
    }
}

impl<K> Rule<K> {
    /// Is this the rule `other`? Rules are compared by their statics' codes, which are unique.
    pub fn is(&self, other: &Rule<K>) -> bool {
        self.code == other.code
    }
}

impl<K: Findings> Rule<K> {
    /// A finding of this rule: its code and severity from the catalog, the message given.
    pub fn diag(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::of(self.code, self.kind.severity(), message)
    }
}

impl<K: Catalog> Documented for Rule<K> {
    fn code(&self) -> &'static str {
        self.code
    }
    fn name(&self) -> &'static str {
        self.name
    }
    fn title(&self) -> &'static str {
        self.title
    }
    fn catalog(&self) -> &'static str {
        K::NAME
    }
    fn facts(&self) -> Vec<(&'static str, String)> {
        K::facts(self)
    }
    fn doc(&self) -> &RuleDoc {
        &self.doc
    }
}

/// Declares a catalog whose rules are findings with a severity and nothing else.
macro_rules! findings_catalog {
    ($(#[$meta:meta])* $kind:ident, $name:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
        pub struct $kind {
            /// The severity of its findings.
            pub severity: $crate::diag::Severity,
        }

        impl $crate::rules::Catalog for $kind {
            const NAME: &'static str = $name;
            fn facts(rule: &$crate::rules::Rule<Self>) -> Vec<(&'static str, String)> {
                vec![("severity", rule.kind.severity.to_string())]
            }
        }

        impl $crate::rules::Findings for $kind {
            fn severity(&self) -> $crate::diag::Severity {
                self.severity
            }
        }
    };
}
pub(crate) use findings_catalog;

/// The rule among `rules` with this code (case-insensitive): for codes read from a file, the
/// ledger or a user's query, never for code that names a rule (it uses the rule's static).
pub fn by_code<K>(rules: &'static [&'static Rule<K>], code: &str) -> Option<&'static Rule<K>> {
    rules
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code))
}

/// The name of a notes file kept outside the project, which no user has (spelt in two halves so
/// that the project's own search for it finds no citation here).
const OUTSIDE_FILE: &str = concat!("CAPE", ".md");

/// The invariants every catalog keeps, checked by one test suite for all of them: codes carry
/// the catalog's letter and three digits, in order, unique; names are kebab-case and unique;
/// every section of the documentation is written; no source cites a file outside the project.
/// Returns what is wrong, one line each.
pub fn invariant_violations<K: Catalog>(letter: char, rules: &[&Rule<K>]) -> Vec<String> {
    let mut wrong = Vec::new();
    let mut last: Option<u32> = None;
    let mut names = std::collections::HashSet::new();
    for r in rules {
        let digits = r.code.strip_prefix(letter).unwrap_or("");
        match digits.parse::<u32>() {
            Ok(n) if digits.len() == 3 => {
                if last.is_some_and(|l| n <= l) {
                    wrong.push(format!("{}: codes out of order or repeated", r.code));
                }
                last = Some(n);
            }
            _ => wrong.push(format!("{}: not `{letter}` and three digits", r.code)),
        }
        let kebab = !r.name.is_empty()
            && r.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !r.name.starts_with('-')
            && !r.name.ends_with('-')
            && !r.name.contains("--");
        if !kebab {
            wrong.push(format!("{}: name `{}` is not kebab-case", r.code, r.name));
        }
        if !names.insert(r.name) {
            wrong.push(format!("{}: name `{}` used twice", r.code, r.name));
        }
        if r.title.trim().is_empty() {
            wrong.push(format!("{}: no title", r.code));
        }
        for heading in r.doc.missing_sections() {
            wrong.push(format!("{}: section `{heading}` is empty", r.code));
        }
        for (heading, text) in r.doc.sections() {
            if text.contains(OUTSIDE_FILE) || text.contains("../shared") {
                wrong.push(format!(
                    "{}: section `{heading}` cites a file users do not have",
                    r.code
                ));
            }
        }
        for (key, value) in K::facts(r) {
            if value.contains(OUTSIDE_FILE) {
                wrong.push(format!(
                    "{}: fact `{key}` cites a file users do not have",
                    r.code
                ));
            }
        }
    }
    wrong
}

#[cfg(test)]
mod tests {
    use super::*;

    findings_catalog!(
        /// A catalog for the tests of this module.
        Sample,
        "sample"
    );

    static ONE: Rule<Sample> = Rule {
        code: "S001",
        name: "one-thing",
        title: "one thing",
        doc: RuleDoc {
            what: "w",
            why: "y",
            example: "e",
            fix: "f",
            source: "CSMS 1 (2026-01-01)",
        },
        kind: Sample {
            severity: Severity::Warning,
        },
    };
    static TWO: Rule<Sample> = Rule {
        code: "S001",
        name: "Two_things",
        title: "",
        doc: RuleDoc {
            what: "",
            why: "y",
            example: "e",
            fix: "f",
            source: concat!("CAPE", ".md section 3"),
        },
        kind: Sample {
            severity: Severity::Error,
        },
    };

    #[test]
    fn a_finding_takes_its_code_and_severity_from_its_rule() {
        let d = ONE.diag("found");
        assert_eq!(d.code(), "S001");
        assert_eq!(d.severity(), Severity::Warning);
        assert_eq!(d.message, "found");
        assert!(d.is(&ONE));
        assert_eq!(ONE.catalog(), "sample");
        assert_eq!(ONE.facts(), vec![("severity", "warning".to_owned())]);
    }

    #[test]
    fn the_invariants_catch_what_a_catalog_can_get_wrong() {
        assert!(invariant_violations('S', &[&ONE]).is_empty());
        let wrong = invariant_violations('S', &[&ONE, &TWO]);
        assert!(
            wrong.iter().any(|w| w.contains("out of order")),
            "{wrong:?}"
        );
        assert!(wrong.iter().any(|w| w.contains("kebab-case")), "{wrong:?}");
        assert!(wrong.iter().any(|w| w.contains("no title")), "{wrong:?}");
        assert!(
            wrong.iter().any(|w| w.contains("`What it checks`")),
            "{wrong:?}"
        );
        assert!(
            wrong.iter().any(|w| w.contains("users do not have")),
            "{wrong:?}"
        );
        assert!(invariant_violations('F', &[&ONE])[0].contains("three digits"));
    }

    #[test]
    fn codes_read_from_elsewhere_find_their_rule() {
        static ALL: &[&Rule<Sample>] = &[&ONE];
        assert!(by_code(ALL, "s001").is_some_and(|r| r.is(&ONE)));
        assert!(by_code(ALL, "S002").is_none());
    }
}
