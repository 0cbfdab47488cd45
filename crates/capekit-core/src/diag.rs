//! Diagnostics: what a reader or a check found, where, and what to do.
//!
//! Every finding carries a stable rule code, a severity, the 1-based line (or sheet cell) and the
//! raw value, so that a person can find it in the file and a program can act on it. Readers and
//! checks return diagnostics beside their records instead of stopping at the first problem.

use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The file cannot be used as it is.
    Error,
    /// The file can be used, but something may go wrong or deserves a look.
    Warning,
    /// A fact worth knowing.
    Info,
}

impl Severity {
    /// The lower-case name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding in one file. It is made by its rule ([`crate::rules::Rule::diag`]), so that its
/// code and severity can only come from the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Diagnostic {
    /// Stable rule code, e.g. `F013`: its rule's, read with [`Diagnostic::code`].
    code: &'static str,
    /// Severity of this finding: its rule's, read with [`Diagnostic::severity`].
    severity: Severity,
    /// The file it was found in, as the user named it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line number in the file (the header is line 1), when the finding has one.
    pub line: Option<u64>,
    /// Sheet and cell (`Sheet1!A5`) for findings in spreadsheets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// The raw value as found, when the finding is about one value.
    pub value: Option<String>,
    /// What was found and what to do, in lower case prose.
    pub message: String,
}

impl Diagnostic {
    /// A finding with no position and no value; made by [`crate::rules::Rule::diag`].
    pub(crate) fn of(code: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Self {
            code,
            severity,
            file: None,
            line: None,
            cell: None,
            value: None,
            message: message.into(),
        }
    }

    /// The code of its rule, e.g. `F013`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Its rule's severity.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// Is this a finding of `rule`?
    pub fn is<K>(&self, rule: &crate::rules::Rule<K>) -> bool {
        self.code == rule.code
    }

    /// Sets the line.
    #[must_use]
    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    /// Sets the cell (and the line, which for a spreadsheet is the row).
    #[must_use]
    pub fn at_cell(mut self, cell: impl Into<String>, row: u64) -> Self {
        self.cell = Some(cell.into());
        self.line = Some(row);
        self
    }

    /// Sets the raw value.
    #[must_use]
    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// Sets the file name.
    #[must_use]
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// `line 4` or `Sheet1!A4`, for messages.
    pub fn position(&self) -> Option<String> {
        match (&self.cell, self.line) {
            (Some(cell), _) => Some(cell.clone()),
            (None, Some(line)) => Some(format!("line {line}")),
            (None, None) => None,
        }
    }
}

/// Counts of diagnostics by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SeverityCounts {
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Number of informational findings.
    pub infos: usize,
}

impl SeverityCounts {
    /// Counts the given diagnostics.
    pub fn of<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) -> Self {
        let mut c = Self::default();
        for d in diags {
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
            }
        }
        c
    }
}

/// At most this many characters of a value are quoted in a message: one 5 MB cell must not make
/// a 5 MB message (the value itself stays whole in the error and in the diagnostic).
pub const QUOTED_CHARS: usize = 60;

/// A value as a message quotes it: whole when short, else its first [`QUOTED_CHARS`] characters
/// and the length of the whole value.
pub fn quoted(raw: &str) -> std::borrow::Cow<'_, str> {
    match raw.char_indices().nth(QUOTED_CHARS) {
        None => std::borrow::Cow::Borrowed(raw),
        Some((cut, _)) => std::borrow::Cow::Owned(format!(
            "{}... ({} characters in all)",
            &raw[..cut],
            raw.chars().count()
        )),
    }
}
