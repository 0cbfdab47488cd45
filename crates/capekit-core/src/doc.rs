//! Rule documentation: the one text behind `capekit explain`, the web catalog pages and the
//! README's rule tables.
//!
//! Every rule of every catalog (file checks, CBP messages, entry paths) is documented in the same
//! fixed sections, so that a reader always finds what was checked, why, an example, what to do,
//! and the bulletin or guide that says so. A test in each catalog fails when a section is empty.

use serde::Serialize;

/// The fixed sections of a rule's documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleDoc {
    /// What it checks: the condition the rule looks for.
    pub what: &'static str,
    /// Why it matters: what goes wrong at CBP if it is ignored.
    pub why: &'static str,
    /// Example: a value or line that triggers it.
    pub example: &'static str,
    /// What to do about it.
    pub fix: &'static str,
    /// Where the rule comes from: CSMS number, CBP guide, statute.
    pub source: &'static str,
}

impl RuleDoc {
    /// The sections with their headings, in the order they are printed.
    pub fn sections(&self) -> [(&'static str, &'static str); 5] {
        [
            ("What it checks", self.what),
            ("Why it matters", self.why),
            ("Example", self.example),
            ("What to do", self.fix),
            ("Source", self.source),
        ]
    }

    /// The headings of sections left empty; a documented rule has none.
    pub fn missing_sections(&self) -> Vec<&'static str> {
        self.sections()
            .into_iter()
            .filter(|(_, text)| text.trim().is_empty())
            .map(|(heading, _)| heading)
            .collect()
    }
}

/// Anything `capekit explain` can print: a rule of one of the catalogs.
pub trait Documented {
    /// Stable code, e.g. `F013` or `M004`.
    fn code(&self) -> &'static str;
    /// Kebab-case name that says what was found, e.g. `check-digit-mismatch`.
    fn name(&self) -> &'static str;
    /// One line: the rule's title.
    fn title(&self) -> &'static str;
    /// The catalog it belongs to, e.g. `file check`.
    fn catalog(&self) -> &'static str;
    /// Extra `key: value` facts printed under the title (severity, action, dates).
    fn facts(&self) -> Vec<(&'static str, String)>;
    /// The documentation sections.
    fn doc(&self) -> &RuleDoc;

    /// Renders the rule as plain text, as `capekit explain` prints it.
    fn render_text(&self) -> String {
        let mut out = format!("{} {}: {}\n", self.code(), self.name(), self.title());
        out.push_str(&format!("catalog: {}\n", self.catalog()));
        for (k, v) in self.facts() {
            out.push_str(&format!("{k}: {v}\n"));
        }
        for (heading, text) in self.doc().sections() {
            out.push('\n');
            out.push_str(heading);
            out.push('\n');
            for line in text.lines() {
                out.push_str("  ");
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }
}
