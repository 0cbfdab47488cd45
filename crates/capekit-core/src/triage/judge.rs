//! One row judged: its status read strictly, its message matched against the catalog, and the
//! failed uploads a Validation Result File's file-level messages show.

use super::*;

/// How an entry-level status text reads. Only the words CBP uses, and their plain synonyms, are
/// read; anything else (`Processed`, `Completed`: processed how?) is unknown and goes to review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StatusRead {
    /// `Entry Summary Updated`, `Accepted`.
    Accepted,
    /// A Validation Result File's word for an entry without a file-level error.
    Passed,
    /// `Failed`, `Rejected`, `Error`.
    Rejected,
    /// A claim-level status in the entry column (`Accepted with Error(s)`): says nothing of
    /// this entry.
    ClaimLevel,
    /// ACE has not processed the entry yet (`Not Started`, `In Progress`, `Pending`): no
    /// outcome, and not to be uploaded again meanwhile.
    Queued,
    /// Anything else.
    Unknown,
}

/// Does a row's status say it failed (`Failed`, `Rejected`, `Error`, ...)?
pub fn reads_as_failed(status: &str) -> bool {
    read_status(status) == Some(StatusRead::Rejected)
}

pub(super) fn read_status(status: &str) -> Option<StatusRead> {
    let s = crate::catalog::normalize(status);
    Some(match s.as_str() {
        "" => return None,
        // Acceptance is never read loosely: a full stop after it (which normalizing drops) is
        // text capekit does not know.
        "ENTRY SUMMARY UPDATED" | "ACCEPTED" if status.trim().ends_with('.') => StatusRead::Unknown,
        "ENTRY SUMMARY UPDATED" | "ACCEPTED" => StatusRead::Accepted,
        "PASSED" | "PASS" | "VALID" | "VALIDATED" | "PASSED VALIDATION" => StatusRead::Passed,
        "FAILED" | "FAIL" | "FAILURE" | "REJECTED" | "ERROR" | "ERRORS" | "INVALID" => {
            StatusRead::Rejected
        }
        "ACCEPTED WITH ERROR(S)" | "ACCEPTED WITH ERRORS" | "ACCEPTED WITH ERROR" => {
            StatusRead::ClaimLevel
        }
        "NOT STARTED" | "IN PROGRESS" | "IN PROCESS" | "PENDING" | "PROCESSING" | "QUEUED" => {
            StatusRead::Queued
        }
        _ => StatusRead::Unknown,
    })
}

/// The verdict for a row capekit must not decide, with the texts that made it so.
pub(super) fn review(what_to_do: String) -> Verdict {
    Verdict {
        rule: None,
        action: Action::Review,
        what_to_do,
        source: "Claim Details row".to_owned(),
        note: None,
    }
}

/// A row's message, judged.
pub(super) enum Msg {
    /// No message.
    None,
    /// CBP's acceptance message, alone.
    Accept(Verdict),
    /// Anything else: a rejection, several messages, unknown text.
    Reject(Verdict),
}

/// Judges one row: its outcome and verdict. An entry is accepted only when its Claim Details row
/// says so and nothing on it contradicts that; a row whose status and message disagree, whose
/// status is unknown, or that has neither, is `review`, never counted accepted and never
/// refiled. A Validation Result File never proves acceptance (`failed_upload`: the file holds a
/// file-level error, so its upload failed and nothing on it was filed).
/// `failed_upload` is the message of the failed upload `row` belongs to, if it does.
pub(super) fn judge_row(
    row: &ClaimRow,
    as_of: Date,
    failed_upload: Option<&str>,
) -> (Outcome, Verdict) {
    use StatusRead as S;
    let message = row.message.trim();
    let msg = match (!message.is_empty()).then(|| judge(message, as_of)) {
        None => Msg::None,
        Some(v) if v.action == Action::None => Msg::Accept(v),
        Some(v) => Msg::Reject(v),
    };
    let status_text = row.status.as_deref().unwrap_or("").trim();
    let status = row.status.as_deref().and_then(read_status);
    let disagree = |what: &str, rejection: Option<&Verdict>| -> Verdict {
        let mut v = review(format!(
            "The row's status `{status_text}` and its message `{message}` disagree ({what}): capekit neither counts it accepted nor refiles it. Read the entry on the claim in ACE (Claim Status) and decide.{}",
            rejection
                .map(|v| format!(" If it was rejected: {}", v.what_to_do))
                .unwrap_or_default()
        ));
        v.note = rejection.and_then(|v| v.note.clone());
        v
    };
    let unknown_status = |msg: &Msg| -> Verdict {
        let (shown, rejection) = match msg {
            Msg::None => (String::new(), None),
            Msg::Accept(_) => (format!(" (message `{message}`)"), None),
            Msg::Reject(v) => (format!(" (message `{message}`)"), Some(v)),
        };
        let mut v = review(format!(
            "capekit does not know the status `{status_text}`{shown}: a person must read the claim in ACE and decide; capekit neither counts it accepted nor refiles it.{}",
            rejection
                .map(|v| format!(" If it was rejected: {}", v.what_to_do))
                .unwrap_or_default()
        ));
        v.note = rejection.and_then(|v| v.note.clone());
        v
    };
    if row.kind == ClaimFileKind::ValidationResult {
        if let Some(upload) = failed_upload {
            // A row with an entry-level error of its own keeps it: the corrected whole file is
            // for the entries that merely shared the failed upload. A file-level message with
            // more text (words capekit does not read) is still the upload's failure, the words
            // kept in the note.
            if !crate::catalog::names_entry_message(message)
                && let Some(v) = crate::catalog::judge_file_message(message, as_of)
                    .or_else(|| crate::catalog::judge_file_message(status_text, as_of))
            {
                return (Outcome::NotFiled, v);
            }
            return match msg {
                Msg::Reject(v) if v.action != Action::FixFile => (Outcome::Rejected, v),
                Msg::Reject(v) => (Outcome::NotFiled, v),
                _ => (
                    Outcome::NotFiled,
                    crate::catalog::judge_file_message(upload, as_of)
                        .unwrap_or_else(|| judge("FAILED INITIAL VALIDATION", as_of)),
                ),
            };
        }
        let passed = || {
            Verdict {
            rule: None,
            action: Action::WaitForClaim,
            what_to_do: "Passed file checks on the Validation Result File; no claim yet. A Validation Result File never proves acceptance: find the declaration's claim on Claim Status and triage its Claim Details. Do not upload the entry again meanwhile.".to_owned(),
            source: "Validation Result File row".to_owned(),
            note: None,
        }
        };
        return match (status, msg) {
            (None | Some(S::Accepted | S::Passed), Msg::None | Msg::Accept(_)) => {
                (Outcome::NoClaimYet, passed())
            }
            (None | Some(S::Rejected), Msg::Reject(v)) => (Outcome::Rejected, v),
            (Some(S::Rejected), Msg::None | Msg::Accept(_)) => (
                Outcome::Rejected,
                review("Failed on the Validation Result File without a message capekit can read: open the upload in ACE (File Uploads) to read the reason.".to_owned()),
            ),
            (Some(S::Accepted | S::Passed), Msg::Reject(v)) => (
                Outcome::Rejected,
                disagree("passed, yet an error", Some(&v)),
            ),
            (Some(S::Unknown | S::ClaimLevel | S::Queued), msg) => {
                (Outcome::Rejected, unknown_status(&msg))
            }
        };
    }
    // A claim-level status in the entry column says nothing of the entry: read as no status.
    let status = status.filter(|s| *s != S::ClaimLevel);
    // The claim's own status column, when the file has one beside the entry's: a claim CBP
    // rejected, or has not processed, accepted none of its entries, whatever a row says.
    let claim_text = row.claim_status.as_deref().unwrap_or("").trim();
    if matches!(read_status(claim_text), Some(S::Rejected | S::Queued))
        && matches!(
            (status, &msg),
            (Some(S::Accepted), Msg::None | Msg::Accept(_)) | (None, Msg::Accept(_))
        )
    {
        return (
            Outcome::Rejected,
            review(format!(
                "The claim's status `{claim_text}` and this row (status `{status_text}`, message `{message}`) disagree: a claim CBP rejected or has not processed accepted none of its entries. capekit neither counts the entry accepted nor refiles it: read the claim in ACE (Claim Status) and decide."
            )),
        );
    }
    let (outcome, verdict) = judge_claim_row(row, status, msg, &disagree, &unknown_status, as_of);
    let passed = status == Some(S::Passed);
    if (outcome == Outcome::Accepted || passed) && claimless(row) {
        // Acceptance is CBP's answer on a claim: a row without the claim's number proves none
        // (a Validation Result File saved with an empty claim column reads the same).
        return (
            Outcome::Rejected,
            review(format!(
                "The row reads as {} (status `{status_text}`{}), but CBP's claim number is missing, so it proves no acceptance: capekit neither counts the entry accepted nor refiles it. Look the entry up in ACE (Claim Status) and triage that claim's Claim Details.",
                if passed {
                    "passed file checks, a Validation Result File's word"
                } else {
                    "accepted"
                },
                if message.is_empty() {
                    String::new()
                } else {
                    format!(", message `{message}`")
                }
            )),
        );
    }
    (outcome, verdict)
}

/// How the claim reader names the claim of a Claim Details row whose claim number cell is empty
/// (`(no claim number) FILE`).
const NO_CLAIM_NUMBER: &str = "(no claim number)";

/// Does the row lack CBP's claim number (the reader names such a claim after its file)?
pub(super) fn claimless(row: &ClaimRow) -> bool {
    let claim = row.claim.trim();
    claim.is_empty() || claim.starts_with(NO_CLAIM_NUMBER)
}

/// The outcome of a Claim Details row from its status and message.
fn judge_claim_row(
    row: &ClaimRow,
    status: Option<StatusRead>,
    msg: Msg,
    disagree: &dyn Fn(&str, Option<&Verdict>) -> Verdict,
    unknown_status: &dyn Fn(&Msg) -> Verdict,
    as_of: Date,
) -> (Outcome, Verdict) {
    use StatusRead as S;
    let status_text = row.status.as_deref().unwrap_or("").trim();
    let accepted = || judge("ENTRY SUMMARY UPDATED", as_of);
    match (status, msg) {
        (Some(S::Queued), Msg::None) => (
            Outcome::NoClaimYet,
            Verdict {
                rule: None,
                action: Action::WaitForClaim,
                what_to_do: format!(
                    "ACE has not processed this entry yet (status `{status_text}`): no outcome yet. Do not upload it again meanwhile (a second declaration of a queued entry conflicts with the first); download the claim's Claim Details again once it is processed and triage that."
                ),
                source: "Claim Details row".to_owned(),
                note: None,
            },
        ),
        (Some(S::Queued), msg) => (Outcome::Rejected, {
            let rejection = match &msg {
                Msg::Reject(v) => Some(v),
                _ => None,
            };
            disagree("not processed yet, yet a message", rejection)
        }),
        (Some(S::Accepted), Msg::None) => (Outcome::Accepted, accepted()),
        (Some(S::Accepted) | None, Msg::Accept(v)) => (Outcome::Accepted, v),
        (Some(S::Rejected) | None, Msg::Reject(v)) => (Outcome::Rejected, v),
        (Some(S::Rejected), Msg::Accept(_)) => (
            Outcome::Rejected,
            disagree("a failed status, yet the acceptance message", None),
        ),
        (Some(S::Accepted), Msg::Reject(v)) => (
            Outcome::Rejected,
            disagree(
                "an accepted status, yet a message other than CBP's acceptance",
                v.rule.is_some().then_some(&v),
            ),
        ),
        (Some(S::Rejected), Msg::None) => (
            Outcome::Rejected,
            review(
                "Rejected without a message: open the claim in ACE to read the reason.".to_owned(),
            ),
        ),
        // No entry-level status and no message: nothing on the row speaks for the entry. A
        // claim-level status (`Accepted with Error(s)`, or `Accepted` beside rows that failed)
        // says nothing of one entry.
        (None, Msg::None) if !status_text.is_empty() => (
            Outcome::Rejected,
            review(format!(
                "The row's status `{status_text}` is a claim's status, which says nothing of one entry, and the row has no message, so nothing on it says CBP accepted the entry: read it on the claim in ACE (Claim Status) before refiling or dropping it."
            )),
        ),
        (None, Msg::None) => (
            Outcome::Rejected,
            review(format!(
                "The row has neither an entry status nor a message{}, so nothing on it says CBP accepted the entry: read it on the claim in ACE (Claim Status) before refiling or dropping it.",
                row.claim_status
                    .as_deref()
                    .or(row.status.as_deref())
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| format!(" (only the claim's status, `{}`)", s.trim()))
                    .unwrap_or_default()
            )),
        ),
        (Some(S::Passed | S::Unknown | S::ClaimLevel), msg) => {
            (Outcome::Rejected, unknown_status(&msg))
        }
    }
}

/// The message of a row, trimmed, when it has one (shared, not copied, when already trimmed).
pub(super) fn message_of(row: &ClaimRow) -> Option<Text> {
    let trimmed = row.message.trim();
    if trimmed.is_empty() {
        None
    } else if trimmed.len() == row.message.len() {
        Some(row.message.clone())
    } else {
        Some(Text::from(trimmed))
    }
}

/// The Validation Result Files (by file name) that hold a file-level error, each with the first
/// such text: their uploads failed as a whole. A text that starts with a file-level message
/// counts whatever follows it ([`crate::catalog::is_file_message`]), in a row's message or in its
/// status column (`Validation Status: Failed Initial Validation`).
pub(super) fn failed_uploads(
    rows: &[ClaimRow],
    file_messages: &[(Text, Text)],
) -> Vec<(Text, Text)> {
    let mut failed: Vec<(Text, Text)> = Vec::new();
    // The readers keep a file's message only when it speaks of the whole upload (a file-level
    // or load error, or a failed status on a row without an entry, whatever its words).
    for (f, m) in file_messages {
        if !failed.iter().any(|(g, _)| g == f) {
            failed.push((f.clone(), m.clone()));
        }
    }
    let mut judged: HashMap<usize, bool> = HashMap::new();
    for row in rows
        .iter()
        .filter(|r| r.kind == ClaimFileKind::ValidationResult)
    {
        if failed.iter().any(|(f, _)| **f == *row.file) {
            continue;
        }
        let texts = [Some(&row.message), row.status.as_ref()];
        let file_level = texts.into_iter().flatten().find(|t| {
            !t.trim().is_empty()
                && *judged
                    .entry(t.as_ptr() as usize)
                    .or_insert_with(|| crate::catalog::is_file_message(t))
        });
        if let Some(t) = file_level {
            failed.push((row.file.clone(), t.clone()));
        }
    }
    failed
}
