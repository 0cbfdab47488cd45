//! Saying a declaration was uploaded to CAPE: the one step that makes its entries pending with
//! CBP. Given the upload's bytes, the ledger's declaration with the same bytes is marked (a draft
//! capekit wrote, an import); bytes it has never seen are recorded as a declaration the user
//! made, uploaded. Either way the entries the ledger knows as accepted on a claim are named:
//! CBP accepts an entry once, so each will come back rejected.

use capekit_core::EntryNumber;
use capekit_core::known::KnownState;
use capekit_ledger::{
    DeclRef, DeclarationId, Except, FileKind, FileMeta, Ledger, LedgerError, Mark, MarkOutcome,
};

use crate::import::{Detected, ImportError, detect};

/// What marking an upload did.
#[derive(Debug)]
pub struct Uploaded {
    /// The declaration's change of state.
    pub outcome: MarkOutcome,
    /// Entries of the upload the ledger knows as accepted, with their claim, in entry order:
    /// each will be rejected, and the next declaration should leave them out.
    pub accepted: Vec<(EntryNumber, String)>,
}

impl Uploaded {
    /// The ledger's declaration that was marked.
    pub fn declaration(&self) -> DeclarationId {
        match &self.outcome {
            MarkOutcome::Changed { id, .. } | MarkOutcome::Unchanged { id, .. } => *id,
        }
    }
}

/// Why an upload was not marked.
#[derive(Debug, thiserror::Error)]
pub enum UploadedError {
    /// The ledger refused. Its error is the source, so that a face walking the chain finds it
    /// (a busy ledger is told as such).
    #[error("{0}")]
    Ledger(#[from] LedgerError),
    /// The file is not a declaration upload, or its declaration cannot be found: why.
    #[error("{0}")]
    Refused(String),
}

impl From<ImportError> for UploadedError {
    fn from(e: ImportError) -> Self {
        Self::Refused(e.to_string())
    }
}

/// Marks the upload of the file `name` whose bytes are `bytes`. When the ledger holds these bytes
/// as a declaration, `find` names it (the face resolves its argument: a path, a name, `#id`);
/// otherwise the file is recorded as a declaration the user made, uploaded now or `at`.
pub fn file<E>(
    ledger: &mut Ledger,
    name: &str,
    bytes: &[u8],
    at: Option<jiff::Timestamp>,
    job: Option<String>,
    find: impl FnOnce(&Ledger) -> Result<DeclarationId, E>,
) -> Result<Uploaded, E>
where
    E: From<UploadedError>,
{
    let sha = capekit_ledger::sha256_hex(bytes);
    let known = ledger
        .find_declaration(&DeclRef::Sha256(sha))
        .map(|d| d.is_some());
    match known {
        // A ledger that cannot tell leaves the face's own lookup to find it, or say why not.
        Ok(true) | Err(_) => {
            // Named before the mark (which does not change them): a failed lookup leaves
            // nothing marked.
            let accepted = match detect(name, bytes) {
                Ok(Detected::Declaration(entries, _)) => {
                    accepted_among(ledger, &entries).map_err(UploadedError::from)?
                }
                _ => Vec::new(),
            };
            let id = find(ledger)?;
            crate::users::check_signed_off(ledger, id, false).map_err(UploadedError::from)?;
            let outcome = ledger
                .mark(id, &Mark::Uploaded { at, job })
                .map_err(UploadedError::from)?;
            Ok(Uploaded { outcome, accepted })
        }
        Ok(false) => {
            let Detected::Declaration(entries, _) =
                detect(name, bytes).map_err(UploadedError::from)?
            else {
                return Err(UploadedError::Refused(format!(
                    "{name}: not a declaration upload (one `Entry Number` column)"
                ))
                .into());
            };
            Ok(entries_of(ledger, name, bytes, &entries, at, job).map_err(UploadedError::from)?)
        }
    }
}

/// Marks the upload of a declaration file whose entries the caller knows (one capekit made:
/// a plan's declaration file), named `name`, with the bytes `bytes`: the ledger's declaration
/// with these bytes, else a new one recorded uploaded, now or `at`. Names its entries known as
/// accepted.
pub fn entries_of(
    ledger: &mut Ledger,
    name: &str,
    bytes: &[u8],
    entries: &[EntryNumber],
    at: Option<jiff::Timestamp>,
    job: Option<String>,
) -> Result<Uploaded, LedgerError> {
    let meta = FileMeta::of_bytes(name, FileKind::Declaration, bytes);
    if let Some(id) = ledger.declaration_with_sha256(&meta.sha256)? {
        crate::users::check_signed_off(ledger, id, false)?;
    }
    let accepted = accepted_among(ledger, entries)?;
    let outcome = ledger.mark_uploaded_file(&meta, bytes, entries, at, job)?;
    Ok(Uploaded { outcome, accepted })
}

/// Marks the ledger's declaration `id` uploaded, now or `at`, naming its entries known as
/// accepted.
pub fn declaration(
    ledger: &mut Ledger,
    id: DeclarationId,
    at: Option<jiff::Timestamp>,
    job: Option<String>,
) -> Result<Uploaded, LedgerError> {
    crate::users::check_signed_off(ledger, id, false)?;
    // Named before the mark (which does not change them): a failed lookup leaves nothing
    // marked.
    let entries = ledger.declaration_entries(id)?;
    let accepted = accepted_among(ledger, &entries)?;
    let outcome = ledger.mark(id, &Mark::Uploaded { at, job })?;
    Ok(Uploaded { outcome, accepted })
}

/// The entries among `entries` the ledger knows as accepted on a claim, with the claim.
pub fn accepted_among(
    ledger: &Ledger,
    entries: &[EntryNumber],
) -> Result<Vec<(EntryNumber, String)>, LedgerError> {
    let known = ledger.known_except(entries, &Except::none())?;
    let mut accepted: Vec<(EntryNumber, String)> = known
        .into_iter()
        .filter_map(|(e, k)| match k {
            KnownState::Accepted { claim } => Some((e, claim)),
            _ => None,
        })
        .collect();
    accepted.sort_unstable();
    Ok(accepted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{gather, read_file, record};

    const ACCEPTED: &str = "B7644100003";
    const OTHER: &str = "B7644101373";

    fn ledger_with_an_accepted_entry() -> Ledger {
        let mut l = Ledger::open_in_memory().expect("ledger");
        let claim = format!(
            "Claim Number,Entry Number,Entry Status,Message\r\n300000000001,{ACCEPTED},Accepted,ENTRY SUMMARY UPDATED\r\n"
        );
        let f = read_file("claim.csv", claim.into_bytes(), || None).expect("read");
        let read = gather(vec![f], false).expect("gathered");
        let none = |_: &Ledger| Ok::<_, LedgerError>(None);
        record(&mut l, read, "2026-11-24".parse().expect("date"), none).expect("recorded");
        l
    }

    fn upload() -> Vec<u8> {
        format!("Entry Number\r\n{ACCEPTED}\r\n{OTHER}\r\n").into_bytes()
    }

    #[test]
    fn an_upload_never_seen_is_recorded_uploaded_and_its_accepted_entries_named() {
        let mut l = ledger_with_an_accepted_entry();
        let never = |_: &Ledger| -> Result<DeclarationId, UploadedError> {
            panic!("the ledger has no declaration of these bytes to find")
        };
        let done = file(&mut l, "again.csv", &upload(), None, None, never).expect("marked");
        assert!(
            matches!(
                done.outcome,
                MarkOutcome::Changed {
                    to: capekit_ledger::DeclState::Uploaded,
                    ..
                }
            ),
            "{:?}",
            done.outcome
        );
        let accepted = EntryNumber::parse(ACCEPTED).expect("entry");
        assert_eq!(done.accepted, vec![(accepted, "300000000001".to_owned())]);
        // Its entries are pending now, as any upload's.
        let id = l
            .find_declaration(&DeclRef::Sha256(capekit_ledger::sha256_hex(&upload())))
            .expect("find")
            .expect("recorded")
            .id;
        assert_eq!(l.declaration_entries(id).expect("entries").len(), 2);
    }

    #[test]
    fn a_declaration_marked_by_its_number_names_its_accepted_entries_too() {
        let mut l = ledger_with_an_accepted_entry();
        let draft = read_file("draft.csv", upload(), || None).expect("read");
        let none = |_: &Ledger| Ok::<_, LedgerError>(None);
        record(
            &mut l,
            gather(vec![draft], false).expect("gathered"),
            "2026-11-24".parse().expect("date"),
            none,
        )
        .expect("recorded");
        let id = l
            .find_declaration(&DeclRef::Sha256(capekit_ledger::sha256_hex(&upload())))
            .expect("find")
            .expect("recorded")
            .id;
        let done = declaration(&mut l, id, None, None).expect("marked");
        assert_eq!(done.accepted.len(), 1);
        assert_eq!(done.accepted[0].0.as_str(), ACCEPTED);
    }

    /// On a team's ledger, a plan's declaration file (marked by its bytes and entries) waits
    /// for a reviewer's sign-off like any draft; then it is marked.
    #[test]
    fn a_drafted_plan_declaration_on_a_teams_ledger_waits_for_its_sign_off() {
        let mut l = ledger_with_an_accepted_entry();
        crate::users::add_user(
            &mut l,
            "rev",
            capekit_ledger::Role::Reviewer,
            "correct horse battery staple",
        )
        .expect("user");
        let draft = read_file("draft.csv", upload(), || None).expect("read");
        let none = |_: &Ledger| Ok::<_, LedgerError>(None);
        record(
            &mut l,
            gather(vec![draft], false).expect("gathered"),
            "2026-11-24".parse().expect("date"),
            none,
        )
        .expect("recorded");
        let entries = [ACCEPTED, OTHER].map(|e| EntryNumber::parse(e).expect("entry"));
        let err = entries_of(&mut l, "draft.csv", &upload(), &entries, None, None)
            .expect_err("not signed off");
        assert!(err.to_string().contains("has not been signed off"), "{err}");
        let id = l
            .declaration_with_sha256(&capekit_ledger::sha256_hex(&upload()))
            .expect("lookup")
            .expect("the draft");
        assert_eq!(
            l.declaration_state(id).expect("state"),
            Some(capekit_ledger::DeclState::Draft)
        );
        l.sign_off(id, "rev").expect("signed off");
        entries_of(&mut l, "draft.csv", &upload(), &entries, None, None).expect("marked");
        assert_eq!(
            l.declaration_state(id).expect("state"),
            Some(capekit_ledger::DeclState::Uploaded)
        );
    }

    #[test]
    fn a_file_that_is_no_declaration_is_refused_with_its_name() {
        let mut l = ledger_with_an_accepted_entry();
        let never =
            |_: &Ledger| -> Result<DeclarationId, UploadedError> { panic!("not looked up") };
        let err = file(
            &mut l,
            "notes.csv",
            b"just,some\r\ntext,here\r\n",
            None,
            None,
            never,
        )
        .expect_err("refused");
        assert!(err.to_string().starts_with("notes.csv"), "{err}");
    }

    #[test]
    fn a_ledger_error_stays_in_the_chain() {
        let e = UploadedError::from(LedgerError::Refused("no such declaration".into()));
        assert_eq!(
            e.to_string(),
            LedgerError::Refused("no such declaration".into()).to_string()
        );
        let source = std::error::Error::source(&e).expect("a source");
        assert!(source.downcast_ref::<LedgerError>().is_some(), "{source:?}");
    }

    #[test]
    fn a_plan_file_marked_uploaded_names_its_accepted_entries() {
        let mut l = ledger_with_an_accepted_entry();
        let entries = [
            EntryNumber::parse(ACCEPTED).expect("entry"),
            EntryNumber::parse(OTHER).expect("entry"),
        ];
        let done =
            entries_of(&mut l, "plan-1.csv", &upload(), &entries, None, None).expect("marked");
        assert_eq!(done.accepted.len(), 1);
        assert!(matches!(
            done.outcome,
            MarkOutcome::Changed {
                from: None,
                to: capekit_ledger::DeclState::Uploaded,
                ..
            }
        ));
    }
}
