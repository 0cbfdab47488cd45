//! What a file is, by its content: the one recognizer of `ledger import`, `triage`'s
//! `--declaration` and `--corrected`, and the workbench's drop zone. A file's name and
//! extension say nothing; its columns do.

use capekit_core::check::{HeaderKind, classify_header};
use capekit_core::path::Column;

use crate::claims::{ClaimFile, ClaimFileError, parse_claim_file};
use crate::declaration::parse_declaration;
use crate::entries::{EntryDataSet, parse_entry_data};
use crate::refunds::{RefundFile, RefundFileError, parse_refund_file};
use capekit_core::check::DeclarationInput;

/// What a file was recognised as, read.
#[derive(Debug)]
pub enum Recognized {
    /// An ACE refund report (ES-022, REV-603, REV-613, REV-615).
    Refunds(RefundFile),
    /// A Claim Details or Validation Result File.
    Claim(ClaimFile),
    /// An ES-003 export, or an entry list with some of its columns: an entry column and at
    /// least one other ES-003 column.
    EntryData(EntryDataSet),
    /// A declaration upload: the header `Entry Number` (or a variant of it), or an entry
    /// number, on its first row.
    Declaration(DeclarationInput),
    /// Entry numbers under another header, and nothing else: a list to plan or to check.
    EntryList(EntryDataSet),
    /// None of these.
    Unknown(Unrecognized),
}

/// Why a file is none of the kinds capekit reads.
#[derive(Debug)]
pub struct Unrecognized {
    /// Why it is no claim file.
    pub claim: ClaimFileError,
    /// Why it is no entry report.
    pub entry_data: String,
    /// The file read as a declaration would be (its content, its first rows).
    pub input: DeclarationInput,
}

impl Unrecognized {
    /// Is it a worklist capekit wrote? It is then refused whatever else it could pass for.
    pub fn is_capekit_output(&self) -> bool {
        matches!(self.claim, ClaimFileError::CapekitOutput { .. })
    }

    /// What its first row is, or what the file is when it has none.
    pub fn found(&self) -> String {
        match self
            .input
            .rows
            .iter()
            .find(|r| !r.is_blank())
            .and_then(|r| r.fields.first())
        {
            Some(f) => format!(
                "its first row is `{}`",
                capekit_core::check::truncate(f, 60)
            ),
            None => format!("it is {}", self.input.content.describe()),
        }
    }

    /// Why it is none of the kinds capekit reads, in a sentence.
    pub fn explain(&self) -> String {
        if self.is_capekit_output() {
            return self.claim.to_string();
        }
        format!(
            "capekit cannot tell what this file is. It is not a Claim Details or Validation Result File ({}), not an ACE refund report (no refund number, principal, interest or refund status column), not an ES-003 export or entry list with data ({}), and not a declaration upload ({}, not the header `Entry Number` followed by entry numbers)",
            self.claim,
            self.entry_data,
            self.found()
        )
    }
}

impl Recognized {
    /// What the file is, for a message: `a Claim Details file`.
    pub fn describe(&self) -> String {
        match self {
            Self::Refunds(f) => format!("an ACE refund report ({})", f.report),
            Self::Claim(f) => match f.kind {
                capekit_core::triage::ClaimFileKind::ClaimDetails => {
                    "a Claim Details file (it has entry, claim and status columns)".to_owned()
                }
                capekit_core::triage::ClaimFileKind::ValidationResult => {
                    "a Validation Result File (it has entry and status or error columns)".to_owned()
                }
            },
            Self::EntryData(_) => {
                "an ES-003 export or entry list with data (it has ES-003 columns beside the entry number)"
                    .to_owned()
            }
            Self::Declaration(_) => "a declaration upload".to_owned(),
            Self::EntryList(_) => "a list of entry numbers".to_owned(),
            Self::Unknown(u) if u.is_capekit_output() => "a worklist capekit wrote".to_owned(),
            Self::Unknown(_) => "a file capekit cannot read".to_owned(),
        }
    }
}

/// Does the entry file hold entry data, not a bare list of entry numbers: an entry column and
/// at least one of the ES-003 data columns.
pub fn has_entry_data(set: &EntryDataSet) -> bool {
    set.columns_present.contains(Column::EntryNumber)
        && set.columns_present.iter().any(|c| c != Column::EntryNumber)
}

/// What `bytes` hold. In order: a refund report (a REV-615 with `Entry Number` and `Refund
/// Status` would pass for a Validation Result File, and its refunds for claim outcomes; a
/// refund report that cannot be used is refused, D009, rather than read as something else); a
/// claim file if its columns map (never capekit's own worklist); entry data, an entry column
/// with at least one ES-003 data column (a declaration upload has one column only, so such a
/// file cannot be one, and an entry list with an importer or liquidation column would
/// otherwise pass for a declaration, every entry recorded as pending); a declaration if its
/// first row is the `Entry Number` header or an entry number; a list of entry numbers under
/// another header; else unknown.
pub fn recognize(name: &str, bytes: &[u8]) -> Result<Recognized, RefundFileError> {
    if let Some(f) = parse_refund_file(name, bytes)? {
        return Ok(Recognized::Refunds(f));
    }
    let claim = match parse_claim_file(name, bytes) {
        Ok(f) => return Ok(Recognized::Claim(f)),
        Err(e) => e,
    };
    let input = parse_declaration(name, bytes);
    if matches!(claim, ClaimFileError::CapekitOutput { .. }) {
        return Ok(Recognized::Unknown(Unrecognized {
            claim,
            entry_data: String::new(),
            input,
        }));
    }
    let (list, entry_data) = match parse_entry_data(name, bytes) {
        Ok(set) if has_entry_data(&set) => return Ok(Recognized::EntryData(set)),
        Ok(set) if !set.entries.is_empty() => (
            Some(set),
            "it has an entry column but no ES-003 data column".to_owned(),
        ),
        Ok(_) => (None, "it has no entry that can be read".to_owned()),
        Err(e) => (None, e.to_string()),
    };
    let first = input
        .rows
        .iter()
        .find(|r| !r.is_blank())
        .and_then(|r| r.fields.first());
    if matches!(
        first.map(|f| classify_header(f.trim())),
        Some(HeaderKind::Exact | HeaderKind::Variant | HeaderKind::Data)
    ) {
        return Ok(Recognized::Declaration(input));
    }
    Ok(match list {
        Some(set) => Recognized::EntryList(set),
        None => Recognized::Unknown(Unrecognized {
            claim,
            entry_data,
            input,
        }),
    })
}

/// Refuses a file given as a list of entries (a declaration, the corrected entries) that is
/// another kind of file, whose entry numbers would be taken for the list's: a Claim Details
/// given as `--corrected` would refile every entry on it. `option` names how it was given
/// (`--declaration`), `taken` what each entry would be taken for (`a declared entry`),
/// `expected` what to give instead. A declaration, a bare list
/// of entry numbers, and a file capekit cannot tell (the list reader then says what is wrong
/// with it) pass.
pub fn refuse_other_than_list(
    name: &str,
    bytes: &[u8],
    option: &str,
    taken: &str,
    expected: &str,
) -> Result<(), String> {
    let what = match recognize(name, bytes) {
        Ok(Recognized::Declaration(_) | Recognized::EntryList(_)) => return Ok(()),
        Ok(Recognized::Unknown(u)) if !u.is_capekit_output() => return Ok(()),
        Ok(r) => r.describe(),
        Err(_) => "an ACE refund report".to_owned(),
    };
    Err(format!(
        "{name}: given with {option}, but this is {what}, not a list of entry numbers: every entry on it would be taken for {taken}. Give {expected}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(bytes: &[u8]) -> &'static str {
        match recognize("f.csv", bytes).expect("recognized") {
            Recognized::Refunds(_) => "refunds",
            Recognized::Claim(_) => "claim",
            Recognized::EntryData(_) => "entry-data",
            Recognized::Declaration(_) => "declaration",
            Recognized::EntryList(_) => "entry-list",
            Recognized::Unknown(u) if u.is_capekit_output() => "capekit-output",
            Recognized::Unknown(_) => "unknown",
        }
    }

    #[test]
    fn each_kind_is_told_by_its_columns() {
        assert_eq!(
            kind(b"Entry Number,Claim Number,Status,Error Description\r\nB7603245278,100000241223,Entry Summary Updated,\r\n"),
            "claim"
        );
        assert_eq!(kind(b"Entry Number\r\nB7603245278\r\n"), "declaration");
        assert_eq!(kind(b"B7603245278\r\n"), "declaration");
        assert_eq!(
            kind(b"Entry Summary Number,Importer Number,Liquidation Date\r\nB7603245278,12-3456789AB,01/02/2026\r\n"),
            "entry-data"
        );
        assert_eq!(
            kind(b"entry_number,claim_number,outcome,message,action,what_to_do\r\nB7603245278,100000241223,rejected,INVALID HTS,correct-then-refile,x\r\n"),
            "capekit-output"
        );
        assert_eq!(kind(b"hello,world\r\n1,2\r\n"), "unknown");
    }

    #[test]
    fn tells_a_declaration_from_other_tables() {
        let yes = |b: &[u8]| {
            matches!(
                recognize("x.csv", b).expect("recognized"),
                Recognized::Declaration(_)
            )
        };
        assert!(yes(b"Entry Number\r\nB7603245278\r\n"));
        assert!(yes(b"\r\nentry number\r\n"));
        assert!(yes(b"B7603245278\r\nB7603245278\r\n"));
        assert!(yes(b"6.05761E+10\r\n"));
        assert!(!yes(
            b"Entry Summary Number,HTS Number - Full\r\nB7603245278,99030128\r\n"
        ));
        assert!(!yes(b"%PDF-1.7\n"));
        assert!(!yes(b""));
    }

    #[test]
    fn a_claim_file_or_worklist_given_as_a_list_is_refused_and_a_list_passes() {
        let claim = b"Entry Number,Claim Number,Status,Error Description\r\nB7603245278,100000241223,Failed,INVALID HTS\r\n";
        let err =
            refuse_other_than_list("c.csv", claim, "--corrected", "a corrected entry", "a list")
                .expect_err("refused");
        assert!(err.contains("Claim Details"), "{err}");
        let worklist = b"entry_number,claim_number,outcome,message,action,what_to_do\r\nB7603245278,100000241223,rejected,INVALID HTS,correct-then-refile,x\r\n";
        let err = refuse_other_than_list(
            "w.csv",
            worklist,
            "--declaration",
            "a declared entry",
            "the upload",
        )
        .expect_err("refused");
        assert!(err.contains("worklist capekit wrote"), "{err}");
        for ok in [
            &b"Entry Number\r\nB7603245278\r\n"[..],
            b"B7603245278\nB7603245278\n",
            b"",
        ] {
            assert!(
                refuse_other_than_list("l.txt", ok, "--corrected", "a corrected entry", "x")
                    .is_ok()
            );
        }
    }
}
