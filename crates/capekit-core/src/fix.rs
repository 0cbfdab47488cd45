//! What `capekit fix` makes of a declaration: the upload the user meant.
//!
//! Each data row is repaired when the repair is certain (formatting removed; a lost leading zero
//! or a `.0` undone only when the check digit proves the result), duplicates keep their first
//! line, and every row that cannot be repaired is listed with its reason. With what the ledger
//! knows, entries accepted on an earlier claim are left out (never declared twice) and entries
//! still pending are written with a warning. Every data row ends in exactly one of those lists,
//! so the counts reconcile.

use std::collections::HashMap;

use serde::Serialize;

use crate::check::{DeclarationInput, HeaderKind, InputRow, classify_header};
use crate::entry::{EntryNumber, EntryNumberError, FilerCode, StrictError};
use crate::known::{Known, KnownState};

/// An entry written after a repair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repair {
    /// Line of the row.
    pub line: u64,
    /// Value as found.
    pub raw: String,
    /// Entry number written.
    pub entry: EntryNumber,
    /// What was repaired.
    pub what: String,
}

/// A row left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unrepairable {
    /// Line of the row.
    pub line: u64,
    /// Value as found.
    pub raw: String,
    /// Why it cannot be written.
    pub reason: String,
}

/// A duplicate dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duplicate {
    /// Line of the dropped row.
    pub line: u64,
    /// The entry number.
    pub entry: EntryNumber,
    /// Line where it was first seen (and kept).
    pub first_line: u64,
}

/// A row the ledger knows about: left out, accepted or held on another upload or draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnownRow {
    /// Line of the row.
    pub line: u64,
    /// The entry number.
    pub entry: EntryNumber,
    /// What the ledger knows.
    pub known: KnownState,
}

/// The outcome of planning a fix.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FixPlan {
    /// Data rows read (non-blank rows that are not the header).
    pub data_rows: usize,
    /// Entries to write, in file order, each once.
    pub entries: Vec<EntryNumber>,
    /// Entries written after a repair (a subset of `entries`).
    pub repaired: Vec<Repair>,
    /// Rows dropped as duplicates of an earlier row.
    pub duplicates: Vec<Duplicate>,
    /// Rows that cannot be written.
    pub unrepairable: Vec<Unrepairable>,
    /// Blank rows dropped.
    pub blank_rows: usize,
    /// Rows whose entry the ledger knows as accepted on an earlier claim: not written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub already_accepted: Vec<KnownRow>,
    /// Rows whose entry is held by another declaration, uploaded and waiting for its claim, or
    /// a draft: not written, since declaring them again conflicts with that declaration.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub still_pending: Vec<KnownRow>,
    /// Rows whose entry was rejected on its latest claim with a message that asks for more than
    /// a refile: written (a subset of `entries`: the user put them in the file, and may have
    /// done what CBP asks), and warned of by the check (F025).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<KnownRow>,
}

impl FixPlan {
    /// True when every data row is accounted for: written, duplicate, unrepairable or already
    /// accepted.
    pub fn reconciles(&self) -> bool {
        self.entries.len()
            + self.duplicates.len()
            + self.unrepairable.len()
            + self.already_accepted.len()
            + self.still_pending.len()
            == self.data_rows
    }
}

/// Plans the repair of a declaration's rows. With `filer`, entries of other filer codes are left
/// out and listed: a broker's account may declare only its own entries.
pub fn plan_fix(input: &DeclarationInput, filer: Option<FilerCode>) -> FixPlan {
    plan_fix_known(input, filer, &Known::new())
}

/// Like [`plan_fix`], with what the ledger knows of the entries: those accepted on an earlier
/// claim are left out and listed with the claim; those still pending are written and listed.
pub fn plan_fix_known(
    input: &DeclarationInput,
    filer: Option<FilerCode>,
    known: &Known,
) -> FixPlan {
    let mut plan = FixPlan::default();
    let mut seen: HashMap<EntryNumber, u64> = HashMap::new();
    let mut header_done = false;
    // The entry numbers are in the column headed `Entry Number` (in any case or spacing), as in
    // a broker's sheet with an importer column before it; with no such header, the first.
    let column = input
        .rows
        .iter()
        .find(|r| !r.is_blank())
        .and_then(|r| {
            r.fields.iter().position(|f| {
                matches!(
                    classify_header(f.trim()),
                    HeaderKind::Exact | HeaderKind::Variant
                )
            })
        })
        .unwrap_or(0);
    for row in &input.rows {
        if row.is_blank() {
            plan.blank_rows += 1;
            continue;
        }
        let raw = row.fields.get(column).map_or("", String::as_str);
        if !header_done {
            header_done = true;
            if matches!(
                classify_header(raw),
                HeaderKind::Exact | HeaderKind::Variant | HeaderKind::Other
            ) {
                continue;
            }
        }
        plan.data_rows += 1;
        let Some((entry, what)) = repair_row(row, raw, &mut plan) else {
            continue;
        };
        if let Some(f) = filer.filter(|f| entry.filer() != *f) {
            plan.unrepairable.push(Unrepairable {
                line: row.line,
                raw: raw.to_owned(),
                reason: format!(
                    "{entry} belongs to filer code {}, not {}; its filer or the importer of record must declare it",
                    entry.filer_code(),
                    f
                ),
            });
            continue;
        }
        if let Some(&first_line) = seen.get(&entry) {
            plan.duplicates.push(Duplicate {
                line: row.line,
                entry,
                first_line,
            });
            continue;
        }
        seen.insert(entry, row.line);
        match known.get(&entry) {
            Some(k @ KnownState::Accepted { .. }) => {
                plan.already_accepted.push(KnownRow {
                    line: row.line,
                    entry,
                    known: k.clone(),
                });
                continue;
            }
            // On another upload or draft: not uploadable here either.
            Some(k @ (KnownState::Pending { .. } | KnownState::Drafted { .. })) => {
                plan.still_pending.push(KnownRow {
                    line: row.line,
                    entry,
                    known: k.clone(),
                });
                continue;
            }
            // A rejection is for `plan` to weigh; the user put the entry in this file. It is
            // written, and listed for the check to warn of (F025).
            Some(k @ KnownState::Rejected { .. }) => plan.rejected.push(KnownRow {
                line: row.line,
                entry,
                known: k.clone(),
            }),
            None => {}
        }
        plan.entries.push(entry);
        if let Some(what) = what {
            plan.repaired.push(Repair {
                line: row.line,
                raw: raw.to_owned(),
                entry,
                what,
            });
        }
    }
    plan
}

fn repair_row(
    row: &InputRow,
    raw: &str,
    plan: &mut FixPlan,
) -> Option<(EntryNumber, Option<String>)> {
    // Any other non-empty cell beside the entry number (before or after it) is dropped.
    let extra = row.fields.iter().filter(|f| !f.trim().is_empty()).count() > 1;
    let dropped_columns = extra.then(|| "other columns dropped".to_owned());
    match EntryNumber::parse_strict(raw) {
        Ok(n) => Some((n, dropped_columns)),
        Err(StrictError::NotCanonical { canonical, what }) => {
            let mut w = format!("removed {what}");
            if let Some(d) = dropped_columns {
                w = format!("{w}; {d}");
            }
            Some((canonical, Some(w)))
        }
        Err(StrictError::Invalid(e)) => match e.repair() {
            Some(n) => {
                let what = match e {
                    EntryNumberError::LostLeadingZeros { .. } => {
                        "restored the leading zeros Excel dropped (check digit valid)"
                    }
                    _ => "removed the decimal part a spreadsheet added (check digit valid)",
                };
                Some((n, Some(what.to_owned())))
            }
            None => {
                plan.unrepairable.push(Unrepairable {
                    line: row.line,
                    raw: raw.to_owned(),
                    reason: match e {
                        EntryNumberError::Empty => {
                            "empty value in the entry number column".to_owned()
                        }
                        other => other.to_string(),
                    },
                });
                None
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Content, LineEndings};

    fn input(values: &[&str]) -> DeclarationInput {
        DeclarationInput {
            file_name: "x.csv".into(),
            size: 1,
            content: Content::Text,
            bom: false,
            windows_1252: false,
            line_endings: LineEndings::default(),
            rows: values
                .iter()
                .enumerate()
                .map(|(i, v)| InputRow {
                    line: i as u64 + 1,
                    cell: None,
                    fields: v.split(',').map(str::to_owned).collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn the_entry_number_column_is_taken_wherever_it_stands() {
        // A broker's sheet with the importer first: the first column is not the entry's.
        let plan = plan_fix(
            &input(&[
                "Importer,Entry Number,Note",
                "ACME,B7644100003,x",
                "ACME,B7644101373,",
            ]),
            None,
        );
        let entries: Vec<&str> = plan.entries.iter().map(EntryNumber::as_str).collect();
        assert_eq!(entries, ["B7644100003", "B7644101373"]);
        assert!(plan.unrepairable.is_empty(), "{:?}", plan.unrepairable);
        // With no `Entry Number` header, the first column as before.
        let plan = plan_fix(&input(&["B7644100003,ACME"]), None);
        assert_eq!(plan.entries.len(), 1);
    }

    #[test]
    fn repairs_dedups_and_reconciles() {
        let zero = EntryNumber::from_parts("057", 6069342).expect("valid");
        let lost = zero.as_str()[1..].to_owned();
        let plan = plan_fix(
            &input(&[
                "entry number",
                "B76-0324527-8",
                "B7603245278",
                &lost,
                "6.05761E+10",
                "",
                "ABC12345676,ACME",
            ]),
            None,
        );
        assert_eq!(plan.data_rows, 5);
        assert_eq!(
            plan.entries.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
            vec!["B7603245278", zero.as_str(), "ABC12345676"]
        );
        assert_eq!(plan.duplicates.len(), 1);
        assert_eq!(plan.duplicates[0].first_line, 2);
        assert_eq!(plan.unrepairable.len(), 1);
        assert_eq!(plan.unrepairable[0].line, 5);
        assert_eq!(plan.repaired.len(), 3);
        assert_eq!(plan.blank_rows, 1);
        assert!(plan.reconciles());
    }

    #[test]
    fn other_filers_are_left_out_with_their_line() {
        let plan = plan_fix(
            &input(&["Entry Number", "B7603245278", "ABC12345676"]),
            FilerCode::parse("b76").ok(),
        );
        assert_eq!(plan.entries.len(), 1);
        assert_eq!(plan.unrepairable[0].line, 3);
        assert!(plan.reconciles());
    }

    #[test]
    fn accepted_and_pending_entries_are_left_out() {
        let mut known = Known::new();
        let accepted = EntryNumber::parse("B7603245278").expect("valid");
        let pending = EntryNumber::parse("ABC12345676").expect("valid");
        known.insert(
            accepted,
            KnownState::Accepted {
                claim: "100000241223".into(),
            },
        );
        known.insert(
            pending,
            KnownState::Pending {
                declaration: "d.csv".into(),
                declared_at: jiff::Timestamp::UNIX_EPOCH,
            },
        );
        let plan = plan_fix_known(
            &input(&[
                "Entry Number",
                "B76-0324527-8",
                "ABC12345676",
                "B7603245278",
            ]),
            None,
            &known,
        );
        assert!(plan.entries.is_empty(), "{:?}", plan.entries);
        assert_eq!(plan.already_accepted.len(), 1);
        assert_eq!(plan.already_accepted[0].line, 2);
        assert_eq!(
            plan.duplicates.len(),
            1,
            "the second copy is still a duplicate"
        );
        assert_eq!(plan.still_pending[0].entry, pending);
        assert!(plan.reconciles());
    }

    #[test]
    fn headerless_file_keeps_first_row() {
        let plan = plan_fix(&input(&["B7603245278"]), None);
        assert_eq!(plan.entries.len(), 1);
        assert!(plan.reconciles());
    }
}
