//! What kind of file capekit was given or wrote: one name for each, the same in the ledger, in a
//! workbench upload's saved record and in JSON output.

use std::fmt;

use serde::Serialize;

/// What kind of file capekit was given or wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// A declaration upload the user made (an `Entry Number` list).
    Declaration,
    /// A Claim Details file from ACE's Claim Status.
    ClaimDetails,
    /// A Validation Result File from ACE's File Uploads.
    ValidationResult,
    /// A declaration capekit wrote (`triage` or `refile`).
    Refile,
    /// A report of entry data: an ES-003 export, or an entry list with entry data.
    EntryData,
    /// An ACE refund report (ES-022, REV-603, REV-613, REV-615).
    RefundReport,
    /// The list of entries corrected since their claim, given to the workbench's rebuild page.
    CorrectedList,
}

impl From<crate::triage::ClaimFileKind> for FileKind {
    /// What a claim file of this kind is recorded as.
    fn from(kind: crate::triage::ClaimFileKind) -> Self {
        match kind {
            crate::triage::ClaimFileKind::ClaimDetails => Self::ClaimDetails,
            crate::triage::ClaimFileKind::ValidationResult => Self::ValidationResult,
        }
    }
}

impl FileKind {
    /// Every kind.
    pub const ALL: [Self; 7] = [
        Self::Declaration,
        Self::ClaimDetails,
        Self::ValidationResult,
        Self::Refile,
        Self::EntryData,
        Self::RefundReport,
        Self::CorrectedList,
    ];

    /// The name it is stored under (in the ledger, in an upload's saved record) and shown in
    /// JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Declaration => "declaration",
            Self::ClaimDetails => "claim-details",
            Self::ValidationResult => "validation-result",
            Self::Refile => "refile",
            Self::EntryData => "entry-data",
            Self::RefundReport => "refund-report",
            Self::CorrectedList => "corrected-list",
        }
    }

    /// The kind named `name` by [`FileKind::as_str`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// As a person would say it: a file capekit wrote is a declaration it wrote (a draft until
    /// marked uploaded), never "a refile".
    pub fn label(self) -> &'static str {
        match self {
            Self::Declaration => "declaration",
            Self::ClaimDetails => "Claim Details",
            Self::ValidationResult => "Validation Result File",
            Self::Refile => "declaration capekit wrote",
            Self::EntryData => "entry data report",
            Self::RefundReport => "refund report",
            Self::CorrectedList => "corrected entries",
        }
    }

    /// [`FileKind::label`] of the kind stored as `name`; any other name is returned as it is.
    pub fn label_of(name: &str) -> &str {
        match Self::from_name(name) {
            Some(k) => k.label(),
            None => name,
        }
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::FileKind;

    #[test]
    fn every_kind_reads_back_from_its_stored_name() {
        for k in FileKind::ALL {
            assert_eq!(FileKind::from_name(k.as_str()), Some(k), "{k:?}");
            assert_eq!(k.to_string(), k.as_str());
            assert_eq!(
                serde_json::to_value(k).expect("json"),
                serde_json::Value::String(k.as_str().to_owned())
            );
            assert_eq!(FileKind::label_of(k.as_str()), k.label());
        }
        assert_eq!(FileKind::from_name("Declaration"), None);
        assert_eq!(FileKind::label_of("something-else"), "something-else");
    }

    #[test]
    fn stored_names_are_those_of_the_data_already_kept() {
        // Ledgers and saved uploads hold these names: they never change.
        let names: Vec<&str> = FileKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "declaration",
                "claim-details",
                "validation-result",
                "refile",
                "entry-data",
                "refund-report",
                "corrected-list"
            ]
        );
    }
}
