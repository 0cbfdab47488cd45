//! `capekit ledger escalate`: the email to CBP about entries rejected again and again.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use capekit_ledger::Escalation;

/// CBP's mailbox for IEEPA refund questions (CBP's CAPE guidance).
pub const CBP_MAILBOX: &str = "IEEPARefunds@cbp.dhs.gov";

pub(super) fn escalation_email(list: &[Escalation]) -> String {
    if list.is_empty() {
        return "no entry was rejected 3 or more times with the same retry-later message: nothing to escalate\n".to_owned();
    }
    let mut out = String::new();
    let _ = writeln!(out, "To: {CBP_MAILBOX}");
    let _ = writeln!(
        out,
        "Subject: CAPE declarations: {} entr{} rejected repeatedly with the same message",
        list.len(),
        if list.len() == 1 { "y" } else { "ies" }
    );
    out.push('\n');
    out.push_str("Hello,\n\n");
    out.push_str(
        "the entries below were declared on CAPE and rejected on three or more claims with the same \
message. CBP's guidance treats these messages as temporary and says to resubmit, but the message \
keeps coming back. Could you look into these entries and tell us what is needed for CAPE to \
accept them?\n\n",
    );
    // Grouped by message: CBP can look at one cause at a time.
    let mut by_message: BTreeMap<&str, Vec<&Escalation>> = BTreeMap::new();
    for e in list {
        by_message.entry(e.message.as_str()).or_default().push(e);
    }
    for (message, entries) in by_message {
        let _ = writeln!(out, "Message: {message}");
        for e in entries {
            let _ = write!(out, "  Entry {}", e.entry.as_str());
            if let Some(i) = &e.importer {
                let _ = write!(out, ", importer of record {i}");
            }
            let _ = writeln!(out, ": claims {}", e.claims.join(", "));
        }
        out.push('\n');
    }
    out.push_str("Thank you,\n[name, company, filer code or importer of record number, phone]\n");
    out
}
