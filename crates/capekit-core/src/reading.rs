//! Rules of the readers of ACE files: what makes a row unusable, documented like every other
//! rule so that `capekit explain C001` answers.

use serde::Serialize;

use crate::diag::Severity;
use crate::doc::{Documented, RuleDoc};

/// A reader rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReaderRule {
    /// Stable code. Append-only.
    pub code: &'static str,
    /// Kebab-case name.
    pub name: &'static str,
    /// One line.
    pub title: &'static str,
    /// Severity.
    pub severity: Severity,
    /// Documentation.
    pub doc: RuleDoc,
}

impl Documented for ReaderRule {
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
        "reading ACE files (capekit triage)"
    }
    fn facts(&self) -> Vec<(&'static str, String)> {
        vec![("severity", self.severity.to_string())]
    }
    fn doc(&self) -> &RuleDoc {
        &self.doc
    }
}

/// Rules of the Claim Details, Validation Result File and entry-list readers.
pub static CLAIM_READER_RULES: &[ReaderRule] = &[ReaderRule {
    code: "C001",
    name: "unreadable-entry-number",
    title: "a row's entry number cannot be read",
    severity: Severity::Error,
    doc: RuleDoc {
        what: "The entry number cell of a Claim Details, Validation Result File or corrected-list row is not a valid entry number (wrong length, check digit, or spreadsheet damage such as `6.05761E+10`).",
        why: "capekit cannot tell which entry the row speaks of, so it cannot triage it; the row is left out and counted, never dropped silently.",
        example: "`6.05761E+10` in the ENTRY_NUMBER column of a Claim Details file opened and saved in Excel.",
        fix: "Download the file again from ACE and do not save it from Excel, or format the column as Text; for a corrected list, correct the number.",
        source: "CBP CATAIR Appendix E (entry number format); CAPE.md section 2",
    },
}];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented() {
        for r in CLAIM_READER_RULES {
            assert!(r.doc.missing_sections().is_empty(), "{}", r.code);
        }
    }
}
