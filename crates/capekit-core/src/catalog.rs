//! The catalog of CBP's entry-level CAPE messages: what each means and what to do, by date.
//!
//! CBP changes the messages and their meaning by CSMS bulletin (CSMS 69056483 of 2026-06-25 split
//! one HTS check in two and retired another), so every rule holds one or more dated versions, each
//! with its action, and a triage picks the version in force on its `--as-of` date. Matching is on
//! normalized text (trimmed, spaces collapsed, case folded, final full stop dropped) against the
//! published message and its known variants; any text that matches nothing goes to `review`, never
//! to a guess. Messages whose exact wording CBP has not published are marked unconfirmed.

use jiff::civil::{Date, date};
use serde::Serialize;

use crate::doc::RuleDoc;
use crate::rules::{Catalog, Rule};

/// The version of this catalog, named in every triage report.
pub const CATALOG_VERSION: &str = "2026-12-01 (CBP messages through CSMS 69635410 of 2026-08-21)";

/// The latest CBP bulletin this catalog was brought up to date with, as users cite it.
pub const CATALOG_LATEST_BULLETIN: &str = "CSMS 69635410 of 2026-08-21";

/// The day this catalog was last brought up to date with CBP's bulletins.
pub const CATALOG_DATE: Date = date(2026, 12, 1);

/// The day CAPE opened (2026-04-20, 08:00 Eastern): no rule here holds before it.
pub const CAPE_OPENED: Date = date(2026, 4, 20);

/// A triage run as of a day this catalog may not describe: before CAPE opened, or more than 90
/// days after the catalog was last brought up to date (CBP may have changed messages since).
pub fn catalog_warning(as_of: Date) -> Option<String> {
    if as_of < CAPE_OPENED {
        return Some(format!(
            "the as-of date {as_of} is before CAPE opened on {CAPE_OPENED}: no CBP message had a CAPE meaning then; check the date"
        ));
    }
    let stale = CATALOG_DATE.checked_add(jiff::Span::new().days(90)).ok()?;
    (as_of > stale).then(|| {
        format!(
            "the message catalog dates from {CATALOG_DATE}, more than 90 days before the as-of date {as_of}: CBP may have changed messages since (see the CSMS bulletins); treat its advice as possibly out of date"
        )
    })
}

/// What to do with an entry, from a fixed vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// The whole upload failed file validation: none of its entries was filed. Fix the file and
    /// upload it whole as a new declaration.
    FixFile,
    /// Fix it in ACE first (e.g. by post-summary correction), then refile.
    CorrectThenRefile,
    /// Unknown text or missing data: a person must look.
    Review,
    /// Not in CAPE's lane now: protest, court or a later phase.
    OtherPath,
    /// The importer of record or the filing broker must file it.
    WrongFiler,
    /// Put it on a new declaration now.
    Refile,
    /// Timing or CBP-side: resubmit later.
    RetryLater,
    /// Passed file checks on a Validation Result File, no claim yet: wait for its claim, do not
    /// resubmit.
    WaitForClaim,
    /// Already on an earlier declaration: drop it.
    DropDuplicate,
    /// No IEEPA duty to refund.
    NotRefundable,
    /// Accepted: nothing to do, never refile.
    None,
}

impl Action {
    /// Every action, most urgent first: the order of worklists.
    pub const ALL: [Action; 11] = [
        Action::FixFile,
        Action::CorrectThenRefile,
        Action::Review,
        Action::OtherPath,
        Action::WrongFiler,
        Action::Refile,
        Action::RetryLater,
        Action::WaitForClaim,
        Action::DropDuplicate,
        Action::NotRefundable,
        Action::None,
    ];

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::FixFile => "fix-file",
            Self::WaitForClaim => "wait-for-claim",
            Self::Refile => "refile",
            Self::CorrectThenRefile => "correct-then-refile",
            Self::RetryLater => "retry-later",
            Self::WrongFiler => "wrong-filer",
            Self::OtherPath => "other-path",
            Self::NotRefundable => "not-refundable",
            Self::DropDuplicate => "drop-duplicate",
            Self::Review => "review",
        }
    }

    /// What the action asks of the filer, in a sentence for people (worklist legends, web pages):
    /// its line of [`crate::words::MEANINGS`].
    pub fn describe(self) -> &'static str {
        crate::words::meaning(self.as_str()).unwrap_or_default()
    }

    /// Position in the urgency order (0 = most urgent).
    pub fn urgency(self) -> usize {
        Self::ALL
            .iter()
            .position(|a| *a == self)
            .unwrap_or(usize::MAX)
    }

    /// May an entry with this action go on a new declaration once the user says it was corrected
    /// (or the wait is over)?
    pub fn refile_once_corrected(self) -> bool {
        matches!(
            self,
            Self::Refile | Self::CorrectThenRefile | Self::RetryLater | Self::FixFile
        )
    }

    /// How much this action blocks putting the entry on a new declaration. When one entry has
    /// several problems (rows of one claim, or messages in one text), the one that blocks most
    /// decides: an entry can go on a new declaration only when every problem is cleared.
    pub fn blocking(self) -> u8 {
        match self {
            Self::Review => 10,
            Self::WrongFiler => 9,
            Self::NotRefundable => 8,
            Self::OtherPath => 7,
            Self::DropDuplicate => 6,
            Self::WaitForClaim => 5,
            Self::CorrectThenRefile => 4,
            Self::FixFile => 3,
            Self::RetryLater => 2,
            Self::Refile => 1,
            Self::None => 0,
        }
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One dated meaning of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleVersion {
    /// First day this version holds; `None` since CAPE opened.
    pub valid_from: Option<Date>,
    /// First day it no longer holds; `None` while in force.
    pub valid_to: Option<Date>,
    /// What to do.
    pub action: Action,
    /// What to do, in a sentence for the worklist.
    pub what_to_do: &'static str,
    /// Where this version comes from.
    pub source: &'static str,
}

impl RuleVersion {
    /// Does this version hold on `day`?
    pub fn holds_on(&self, day: Date) -> bool {
        self.valid_from.is_none_or(|f| day >= f) && self.valid_to.is_none_or(|t| day < t)
    }
}

/// How a pattern matches normalized text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Match {
    /// The whole message equals the pattern.
    Exact(&'static str),
    /// The message contains the pattern (for long notices CBP words freely around a fixed phrase).
    Contains(&'static str),
}

/// The catalog of CBP's entry messages (M): what a rule adds to [`Rule`], its title being the
/// message as CBP publishes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Message {
    /// False when the exact wording is not published (CBP's guide is known only through summaries).
    pub confirmed: bool,
    /// Normalized patterns: the message and its known variants.
    pub patterns: &'static [Match],
    /// The dated versions, oldest first.
    pub versions: &'static [RuleVersion],
}

/// A CBP message and its dated meanings.
pub type MessageRule = Rule<Message>;

impl Message {
    /// The version in force on `day`.
    pub fn version_on(&self, day: Date) -> Option<&'static RuleVersion> {
        self.versions.iter().find(|v| v.holds_on(day))
    }

    fn matches(&self, normalized: &str) -> bool {
        self.patterns.iter().any(|p| match p {
            Match::Exact(s) => normalized == *s,
            Match::Contains(s) => normalized.contains(s),
        })
    }
}

impl Catalog for Message {
    const NAME: &'static str = "CBP entry message (capekit triage)";

    fn facts(rule: &Rule<Self>) -> Vec<(&'static str, String)> {
        let mut facts = vec![(
            "wording",
            if rule.confirmed {
                "as published by CBP".to_owned()
            } else {
                "not published letter for letter by CBP (?): known variants are matched, any other wording goes to review".to_owned()
            },
        )];
        for v in rule.versions {
            let from = v
                .valid_from
                .map_or("CAPE opening".to_owned(), |d| d.to_string());
            let to = v
                .valid_to
                .map_or("in force".to_owned(), |d| format!("until {d}"));
            facts.push((
                "action",
                format!("{} (from {from}, {to}; {})", v.action, v.source),
            ));
        }
        facts
    }
}

/// CSMS 69056483 took effect on this day: INVALID HTS and HTS RELATIONSHIP MISMATCH replaced HTS
/// RELATIONSHIP/SEQUENCE MISMATCH, and the Chapter 1-97 goods value check was removed.
pub const CSMS_69056483: Date = date(2026, 6, 25);
/// From this day CBP accepts reconciliation-flagged entries of types 01, 02 and 06 for which no
/// type 09 reconciliation entry was filed.
pub const RECON_CHANGE: Date = date(2026, 6, 29);

/// CSMS 69127837 took effect on this day: warehouse entries (types 21 and 22) are no longer taken
/// on a CAPE declaration; their withdrawals are.
pub const CSMS_69127837: Date = date(2026, 7, 7);

const QRG: &str = "CBP, \"ACE Portal: CAPE Declarations\" quick reference guide (April 2026)";
const CSMS: &str = "CSMS 69056483 (2026-06-25)";
const RECON_SRC: &str =
    "CBP CAPE guidance of 2026-06-29 on reconciliation-flagged entries of types 01, 02 and 06";
const WAREHOUSE_SRC: &str = "CSMS 69127837 (2026-07-07), as relayed by brokers (unconfirmed)";
const BROKER_REPORTS: &str = "wording reported by brokers from CAPE claims, autumn 2026 (unconfirmed: not in a CBP bulletin)";
const FILE_RULES: &str = "CBP, \"ACE Portal: CAPE Declarations\" quick reference guide (April 2026): file-level rules, any failure rejects the whole upload (Validation Result File wording unconfirmed)";

macro_rules! v {
    ($from:expr, $to:expr, $action:ident, $todo:expr, $src:expr) => {
        RuleVersion {
            valid_from: $from,
            valid_to: $to,
            action: Action::$action,
            what_to_do: $todo,
            source: $src,
        }
    };
}

/// M001: ENTRY SUMMARY UPDATED.
pub static ENTRY_SUMMARY_UPDATED: MessageRule = Rule {
    code: "M001",
    name: "entry-summary-updated",
    title: "ENTRY SUMMARY UPDATED",
    kind: Message {
        confirmed: true,
        patterns: &[Match::Exact("ENTRY SUMMARY UPDATED")],
        versions: &[v!(
            None,
            None,
            None,
            "Nothing: the entry was accepted and its IEEPA lines removed. Never declare it again.",
            QRG
        )],
    },
    doc: RuleDoc {
        what: "The entry was accepted: CBP removed its IEEPA Chapter 99 lines and will recalculate duty and (re)liquidate.",
        why: "Declaring an accepted entry again gets the new declaration rejected as a duplicate.",
        example: "Claim Details row with status `Entry Summary Updated`.",
        fix: "Nothing. Keep the row as it is; the refund follows by ACH, usually 60-90 days after acceptance.",
        source: QRG,
    },
};

/// M002: ENTRY ON DRAWBACK.
pub static ENTRY_ON_DRAWBACK: MessageRule = Rule {
    code: "M002",
    name: "entry-on-drawback",
    title: "ENTRY ON DRAWBACK",
    kind: Message {
        confirmed: true,
        patterns: &[Match::Exact("ENTRY ON DRAWBACK")],
        versions: &[v!(
            None,
            None,
            OtherPath,
            "Not refundable through CAPE now: the entry is tied to a drawback claim. Pursue it by protest or in court, or wait for a later CAPE phase.",
            QRG
        )],
    },
    doc: RuleDoc {
        what: "The entry is linked to a drawback claim.",
        why: "Phase 1 of CAPE excludes drawback-linked entries; refiling gets the same rejection.",
        example: "`ENTRY ON DRAWBACK`",
        fix: "Do not refile. Track the protest deadline (liquidation + 180 days) or the court path, or a later CAPE phase.",
        source: QRG,
    },
};

/// M003: ENTRY SUMMARY FLAGGED FOR RECON.
pub static FLAGGED_FOR_RECON: MessageRule = Rule {
    code: "M003",
    name: "flagged-for-recon",
    title: "ENTRY SUMMARY FLAGGED FOR RECON",
    kind: Message {
        confirmed: true,
        patterns: &[
            Match::Exact("ENTRY SUMMARY FLAGGED FOR RECON"),
            Match::Exact("ENTRY SUMMARY FLAGGED FOR RECONCILIATION"),
        ],
        versions: &[
            v!(
                None,
                Some(RECON_CHANGE),
                OtherPath,
                "Not in CAPE now: reconciliation-flagged entries wait for a later phase.",
                QRG
            ),
            v!(
                Some(RECON_CHANGE),
                None,
                Review,
                "Since 2026-06-29 CBP accepts flagged entries of types 01, 02 and 06 when no type 09 reconciliation entry was filed: refile those; if a type 09 was filed, the entry is on another path. Check the entry's reconciliation (ES-003 `Reconciliation Indicator`) to decide.",
                RECON_SRC
            ),
        ],
    },
    doc: RuleDoc {
        what: "The entry summary carries a reconciliation flag.",
        why: "Until 2026-06-29 CAPE rejected every flagged entry. Since then it accepts types 01, 02 and 06 with no type 09 filed, so an old rejection may now be refiled, and a new one means a type 09 exists.",
        example: "`ENTRY SUMMARY FLAGGED FOR RECON`",
        fix: "Look up whether a type 09 reconciliation entry was filed. If not, and the entry type is 01, 02 or 06, refile; otherwise follow the protest, court or later-phase path.",
        source: RECON_SRC,
    },
};

/// M004: ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS.
pub static FINAL_LIQUIDATION: MessageRule = Rule {
    code: "M004",
    name: "final-liquidation",
    title: "ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS",
    kind: Message {
        confirmed: true,
        patterns: &[
            Match::Exact("ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS"),
            Match::Exact("ENTRY SUMMARY IN FINAL LIQUIDATION"),
            Match::Exact("ENTRY SUMMARY IN FINAL LIQUIDATION STATUS"),
            Match::Exact("ENTRY SUMMARY IS IN FINAL LIQUIDATION"),
        ],
        versions: &[v!(
            None,
            None,
            OtherPath,
            "Liquidated more than 80 days ago: CAPE cannot take it. File a protest within 180 days of liquidation (19 USC 1514); past that, the court path (28 USC 1581(i), two years) or a later phase.",
            "19 USC 1514; 28 USC 1581(i); CBP CAPE guidance"
        )],
    },
    doc: RuleDoc {
        what: "The entry liquidated more than 80 days before the declaration, so its liquidation is final for CAPE.",
        why: "CAPE's Phase 1 takes entries liquidated no more than 80 days before filing; the refund must now come by protest or in court.",
        example: "`ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS`",
        fix: "Do not refile. File a protest before liquidation + 180 days; once that has passed, consider the Court of International Trade (28 USC 1581(i)) or a later CAPE phase. `capekit triage --entries ES003.csv` shows each entry's protest deadline.",
        source: "19 USC 1514 (protest within 180 days of liquidation); 28 USC 1581(i); CBP CAPE guidance",
    },
};

/// M005: PROTEST ON ENTRY.
pub static PROTEST_ON_ENTRY: MessageRule = Rule {
    code: "M005",
    name: "protest-on-entry",
    title: "PROTEST ON ENTRY",
    kind: Message {
        confirmed: true,
        patterns: &[Match::Exact("PROTEST ON ENTRY")],
        versions: &[v!(
            None,
            None,
            OtherPath,
            "An open or suspended protest covers the entry: pursue the refund in the protest. If the protest is about IEEPA duty only and the entry liquidated no more than 80 days ago, you may withdraw the protest and then refile in CAPE.",
            QRG
        )],
    },
    doc: RuleDoc {
        what: "An open or suspended protest exists on the entry.",
        why: "CAPE excludes entries under protest; refiling as is gets the same rejection.",
        example: "`PROTEST ON ENTRY`",
        fix: "Keep the protest, which can itself recover the IEEPA duty; or, for an IEEPA-only protest while within 80 days of liquidation, withdraw it and refile in CAPE.",
        source: QRG,
    },
};

/// M006: ENTRY SUMMARY IS CANCELLED/REJECTED.
pub static ENTRY_SUMMARY_CANCELLED_REJECTED: MessageRule = Rule {
    code: "M006",
    name: "entry-summary-cancelled-rejected",
    title: "ENTRY SUMMARY IS CANCELLED/REJECTED",
    kind: Message {
        confirmed: true,
        patterns: &[
            Match::Exact("ENTRY SUMMARY IS CANCELLED/REJECTED"),
            Match::Exact("ENTRY SUMMARY IS CANCELED/REJECTED"),
            Match::Exact("ENTRY SUMMARY IS CANCELLED"),
            Match::Exact("ENTRY SUMMARY IS REJECTED"),
        ],
        versions: &[v!(
            None,
            None,
            CorrectThenRefile,
            "The entry summary is not in accepted status: get it corrected and accepted in ACE, then refile.",
            QRG
        )],
    },
    doc: RuleDoc {
        what: "The entry summary is cancelled or rejected in ACE, not in accepted status.",
        why: "CAPE processes only accepted entry summaries.",
        example: "`ENTRY SUMMARY IS CANCELLED/REJECTED`",
        fix: "Have the filer correct and retransmit the entry summary until ACE accepts it, then put the entry on a new declaration.",
        source: QRG,
    },
};

/// M007: ENTRY SUMMARY IS IN TRADE CONTROL.
pub static TRADE_CONTROL: MessageRule = Rule {
    code: "M007",
    name: "trade-control",
    title: "ENTRY SUMMARY IS IN TRADE CONTROL",
    kind: Message {
        confirmed: true,
        patterns: &[
            Match::Exact("ENTRY SUMMARY IS IN TRADE CONTROL"),
            Match::Exact("ENTRY SUMMARY IN TRADE CONTROL"),
        ],
        versions: &[v!(
            None,
            None,
            RetryLater,
            "Accepted but not yet on a statement: refile once it is on a statement.",
            QRG
        )],
    },
    doc: RuleDoc {
        what: "The entry summary is accepted but its control status is still Trade: it is not yet on a statement.",
        why: "CAPE needs the entry on a statement; this clears by itself.",
        example: "`ENTRY SUMMARY IS IN TRADE CONTROL`",
        fix: "Wait until the entry is on a statement, then refile (list it with `--corrected`).",
        source: QRG,
    },
};

/// M008: STATEMENT PROCESSING NOT COMPLETE.
pub static STATEMENT_PROCESSING_NOT_COMPLETE: MessageRule = Rule {
    code: "M008",
    name: "statement-processing-not-complete",
    title: "STATEMENT PROCESSING NOT COMPLETE",
    kind: Message {
        confirmed: true,
        patterns: &[
            Match::Exact("STATEMENT PROCESSING NOT COMPLETE"),
            Match::Exact("STATEMENT PROCESSING IS NOT COMPLETE"),
        ],
        versions: &[v!(
            None,
            None,
            RetryLater,
            "The periodic statement covering the entry is not paid yet: refile after payment.",
            QRG
        )],
    },
    doc: RuleDoc {
        what: "The periodic statement that covers the entry has not been paid.",
        why: "CAPE refunds duty that was paid; until the statement is paid there is nothing to refund.",
        example: "`STATEMENT PROCESSING NOT COMPLETE`",
        fix: "Refile after the statement is paid (list the entry with `--corrected`).",
        source: QRG,
    },
};

/// M009: UNABLE TO CALCULATE DUTY.
pub static UNABLE_TO_CALCULATE_DUTY: MessageRule = Rule {
    code: "M009",
    name: "unable-to-calculate-duty",
    title: "UNABLE TO CALCULATE DUTY",
    kind: Message {
        confirmed: true,
        patterns: &[Match::Exact("UNABLE TO CALCULATE DUTY")],
        versions: &[v!(
            None,
            None,
            Refile,
            "Often transient on CBP's side and may clear on resubmission: refile now; if the same message comes back, write to IEEPARefunds@cbp.dhs.gov (`capekit ledger escalate` drafts the email).",
            QRG
        )],
    },
    doc: RuleDoc {
        what: "CBP's system could not recalculate the entry's duty.",
        why: "Often a transient CBP-side failure that clears on resubmission.",
        example: "`UNABLE TO CALCULATE DUTY`",
        fix: "Refile: it is on the next refile file. If the same message comes back, write to IEEPARefunds@cbp.dhs.gov with the entry and claim numbers (`capekit ledger escalate`).",
        source: QRG,
    },
};

/// M010: INVALID HTS.
pub static INVALID_HTS: MessageRule = Rule {
    code: "M010",
    name: "invalid-hts",
    title: "INVALID HTS",
    kind: Message {
        confirmed: true,
        patterns: &[Match::Exact("INVALID HTS")],
        versions: &[v!(
            Some(CSMS_69056483),
            None,
            CorrectThenRefile,
            "A line date is outside its HTS number's begin/end dates: correct by post-summary correction (reason H99) while the PSC window is open, then refile. Correct before declaring: once on a declaration, a PSC is refused.",
            CSMS
        )],
    },
    doc: RuleDoc {
        what: "A line's date falls outside the begin and end dates of its HTS number.",
        why: "CBP cannot recalculate duty on an invalid tariff number; the entry must be corrected first.",
        example: "`INVALID HTS`",
        fix: "File a post-summary correction (reason code H99) within 300 days of entry and at least 15 days before scheduled liquidation, then refile. ACE refuses a PSC on an entry already on a CAPE declaration (condition 864), so correct first.",
        source: CSMS,
    },
};

/// M011: HTS RELATIONSHIP MISMATCH.
pub static HTS_RELATIONSHIP_MISMATCH: MessageRule = Rule {
    code: "M011",
    name: "hts-relationship-mismatch",
    title: "HTS RELATIONSHIP MISMATCH",
    kind: Message {
        confirmed: true,
        patterns: &[Match::Exact("HTS RELATIONSHIP MISMATCH")],
        versions: &[v!(
            Some(CSMS_69056483),
            None,
            CorrectThenRefile,
            "An add, replace or derived HTS number lacks its companion number: correct by post-summary correction, then refile.",
            CSMS
        )],
    },
    doc: RuleDoc {
        what: "An additional, replacement or derived HTS number was reported without the companion number it requires.",
        why: "CBP cannot recalculate duty until the line's tariff numbers are consistent.",
        example: "`HTS RELATIONSHIP MISMATCH`",
        fix: "File a post-summary correction adding the companion HTS number, then refile.",
        source: CSMS,
    },
};

/// M012: HTS RELATIONSHIP/SEQUENCE MISMATCH.
pub static HTS_RELATIONSHIP_SEQUENCE_MISMATCH: MessageRule = Rule {
    code: "M012",
    name: "hts-relationship-sequence-mismatch",
    title: "HTS RELATIONSHIP/SEQUENCE MISMATCH",
    kind: Message {
        confirmed: true,
        patterns: &[
            Match::Exact("HTS RELATIONSHIP/SEQUENCE MISMATCH"),
            Match::Exact("HTS RELATIONSHIP SEQUENCE MISMATCH"),
        ],
        versions: &[
            v!(
                None,
                Some(CSMS_69056483),
                Refile,
                "Refile as is: CBP found this check too broad and it may clear on resubmission; if the same message comes back, correct the line's HTS numbers by post-summary correction, then refile.",
                CSMS
            ),
            v!(
                Some(CSMS_69056483),
                None,
                Refile,
                "Message retired on 2026-06-25 and split into INVALID HTS and HTS RELATIONSHIP MISMATCH: refile as is; if a real problem remains, CBP now answers with one of the two.",
                CSMS
            ),
        ],
    },
    doc: RuleDoc {
        what: "The combined HTS relationship and sequence check of CAPE's first weeks.",
        why: "CBP split it into two precise checks on 2026-06-25; many entries rejected by it are acceptable.",
        example: "`HTS RELATIONSHIP/SEQUENCE MISMATCH`",
        fix: "Refile the entry as is.",
        source: CSMS,
    },
};

/// M013: GOODS VALUE AMOUNT MUST BE REPORTED ON THE CH 1-97.
pub static GOODS_VALUE_MUST_BE_REPORTED_CH_1_97: MessageRule = Rule {
    code: "M013",
    name: "goods-value-must-be-reported-ch-1-97",
    title: "GOODS VALUE AMOUNT MUST BE REPORTED ON THE CH 1-97",
    kind: Message {
        confirmed: true,
        patterns: &[
            Match::Exact("GOODS VALUE AMOUNT MUST BE REPORTED ON THE CH 1-97"),
            Match::Exact("GOODS VALUE AMOUNT MUST BE REPORTED ON THE CH 1-97 HTS"),
            Match::Exact("GOODS VALUE AMOUNT MUST BE REPORTED ON THE CH 1-97 LINE"),
        ],
        versions: &[
            v!(
                None,
                Some(CSMS_69056483),
                CorrectThenRefile,
                "Report the goods value on the Chapter 1-97 line by post-summary correction, then refile.",
                QRG
            ),
            v!(
                Some(CSMS_69056483),
                None,
                Refile,
                "CBP removed this check on 2026-06-25: refile as is.",
                CSMS
            ),
        ],
    },
    doc: RuleDoc {
        what: "CAPE's check that the goods value is on the Chapter 1-97 line.",
        why: "Until 2026-06-25 the entry had to be corrected; CBP then removed the check, so the rejection no longer stands.",
        example: "`GOODS VALUE AMOUNT MUST BE REPORTED ON THE CH 1-97`",
        fix: "After 2026-06-25: refile as is. Before: correct by PSC, then refile.",
        source: CSMS,
    },
};

/// M014: GOODS VALUE AMOUNT NOT ALLOWED ON IEEPA HTS LINE.
pub static GOODS_VALUE_ON_IEEPA_LINE: MessageRule = Rule {
    code: "M014",
    name: "goods-value-on-ieepa-line",
    title: "GOODS VALUE AMOUNT NOT ALLOWED ON IEEPA HTS LINE",
    kind: Message {
        confirmed: true,
        patterns: &[Match::Exact(
            "GOODS VALUE AMOUNT NOT ALLOWED ON IEEPA HTS LINE",
        )],
        versions: &[v!(
            None,
            None,
            CorrectThenRefile,
            "The goods value is on the Chapter 99 IEEPA line: move it by post-summary correction, then refile.",
            QRG
        )],
    },
    doc: RuleDoc {
        what: "A goods value amount is reported on the IEEPA Chapter 99 line instead of the Chapter 1-97 line.",
        why: "CBP cannot remove the IEEPA line and recalculate duty while value sits on it.",
        example: "`GOODS VALUE AMOUNT NOT ALLOWED ON IEEPA HTS LINE`",
        fix: "File a post-summary correction moving the value to the Chapter 1-97 line (within 300 days of entry and 15 days before scheduled liquidation), then refile.",
        source: QRG,
    },
};

/// M015: ACCOUNT MISMATCH.
pub static ACCOUNT_MISMATCH: MessageRule = Rule {
    code: "M015",
    name: "account-mismatch",
    title: "ACCOUNT MISMATCH",
    kind: Message {
        confirmed: true,
        patterns: &[Match::Exact("ACCOUNT MISMATCH")],
        versions: &[v!(
            None,
            None,
            WrongFiler,
            "The filing account's IOR number does not match the entry (e.g. the carrier is IOR): the importer of record, or the broker that filed the entry, must declare it.",
            QRG
        )],
    },
    doc: RuleDoc {
        what: "The IOR number of the ACE account that filed the declaration does not match the entry summary's importer of record.",
        why: "Only the importer of record, or the broker whose filer code starts the entry number, may declare an entry.",
        example: "`ACCOUNT MISMATCH`",
        fix: "Send the entry to its importer of record or filing broker to declare; do not refile it from this account.",
        source: QRG,
    },
};

/// M016: ENTRY NOT FOUND.
pub static ENTRY_NOT_FOUND: MessageRule = Rule {
    code: "M016",
    name: "entry-not-found",
    title: "ENTRY NOT FOUND",
    kind: Message {
        confirmed: false,
        patterns: &[
            Match::Exact("ENTRY NOT FOUND"),
            Match::Exact("ENTRY NOT FOUND IN ACE"),
            Match::Exact("ENTRY SUMMARY NOT FOUND"),
            Match::Exact("ENTRY SUMMARY NOT FOUND IN ACE"),
            Match::Exact("ENTRY DOES NOT EXIST"),
            Match::Exact("ENTRY NOT IN ACE"),
        ],
        versions: &[v!(
            None,
            None,
            Review,
            "ACE does not know the entry number: check it against the entry summary (a mistyped number, or an entry filed outside ACE), correct it, and refile.",
            QRG
        )],
    },
    doc: RuleDoc {
        what: "CBP did not find the entry number in ACE.",
        why: "A mistyped number or one that never reached ACE cannot be refunded as is.",
        example: "`ENTRY NOT FOUND` (exact CBP wording unconfirmed)",
        fix: "Compare the number with the entry summary, correct it and refile the corrected number.",
        source: QRG,
    },
};

/// M017: NO IEEPA HTS ON ENTRY.
pub static NO_IEEPA_HTS: MessageRule = Rule {
    code: "M017",
    name: "no-ieepa-hts",
    title: "NO IEEPA HTS ON ENTRY",
    kind: Message {
        confirmed: false,
        patterns: &[
            Match::Exact("NO IEEPA HTS ON ENTRY"),
            Match::Exact("NO IEEPA HTS"),
            Match::Exact("NO IEEPA HTS FOUND"),
            Match::Exact("NO IEEPA HTS FOUND ON ENTRY"),
            Match::Exact("ENTRY HAS NO IEEPA HTS"),
            Match::Exact("NO IEEPA LINES ON ENTRY"),
        ],
        versions: &[v!(
            None,
            None,
            Review,
            "Unconfirmed message (CBP has not published its wording or meaning): read as saying the entry has no dutiable IEEPA line (9903.01 or 9903.02), so nothing to refund through CAPE. What decides is the entry's lines in ES-003 (`capekit triage --entries ES003.csv`): if no 9903.01/9903.02 line carries duty, drop the entry from CAPE work (Section 122, 301 and 232 duty is not refunded by CAPE); if one does, the message is wrong - ask CBP (IEEPARefunds@cbp.dhs.gov) before refiling.",
            QRG
        )],
    },
    doc: RuleDoc {
        what: "The entry has no dutiable HTS line in 9903.01 or 9903.02.",
        why: "CAPE refunds IEEPA duty only.",
        example: "`NO IEEPA HTS ON ENTRY` (exact CBP wording unconfirmed)",
        fix: "The message is unconfirmed, so triage sends it to review: check the entry's ES-003 lines. With no dutiable 9903.01/9903.02 line, drop the entry from CAPE work; with one, ask CBP before refiling.",
        source: QRG,
    },
};

/// M018: ENTRY ALREADY DECLARED.
pub static DUPLICATE_DECLARATION: MessageRule = Rule {
    code: "M018",
    name: "duplicate-declaration",
    title: "ENTRY ALREADY DECLARED",
    kind: Message {
        confirmed: false,
        patterns: &[
            Match::Exact("ENTRY ALREADY DECLARED"),
            Match::Exact("ENTRY PREVIOUSLY DECLARED"),
            Match::Exact("ENTRY ALREADY SUBMITTED"),
            // Not "DUPLICATE ENTRY": it may name a duplicate inside the uploaded file, where
            // dropping the entry would lose its refund; that wording goes to review.
            Match::Exact("DUPLICATE DECLARATION"),
            Match::Exact("ENTRY ALREADY ON A DECLARATION"),
        ],
        versions: &[v!(
            None,
            None,
            DropDuplicate,
            "Already on an earlier declaration: drop it and find the earlier claim. An entry may be declared again only after it was rejected.",
            QRG
        )],
    },
    doc: RuleDoc {
        what: "The entry is already on an earlier declaration.",
        why: "An entry may be declared again only after it was rejected; duplicates conflict.",
        example: "`ENTRY ALREADY DECLARED` (exact CBP wording unconfirmed)",
        fix: "Drop it from the new declaration and look up the earlier claim's outcome.",
        source: QRG,
    },
};

/// M019: Unable to process this request at the time. Uncategorized exception occurred during JMS
/// processing..
pub static JMS_PROCESSING_ERROR: MessageRule = Rule {
    code: "M019",
    name: "jms-processing-error",
    title: "Unable to process this request at the time. Uncategorized exception occurred during JMS processing.",
    kind: Message {
        confirmed: true,
        patterns: &[
            Match::Contains("UNCATEGORIZED EXCEPTION OCCURRED DURING JMS PROCESSING"),
            Match::Exact("UNABLE TO PROCESS THIS REQUEST AT THE TIME"),
        ],
        versions: &[v!(
            None,
            None,
            RetryLater,
            "A load error, not a validation error: retry in 30 to 60 minutes. Before uploading again, look on Claim Status for a claim number: a time-out can hide a declaration that went through.",
            QRG
        )],
    },
    doc: RuleDoc {
        what: "ACE failed to process the request under load.",
        why: "Nothing is wrong with the entry; but a resubmission while the first one is queued creates duplicates.",
        example: "`Unable to process this request at the time. Uncategorized exception occurred during JMS processing.`",
        fix: "Wait 30 to 60 minutes; check Claim Status for a claim number first; then resubmit.",
        source: QRG,
    },
};

/// M020: CAPE High Volumes.
pub static CAPE_HIGH_VOLUMES: MessageRule = Rule {
    code: "M020",
    name: "cape-high-volumes",
    title: "CAPE High Volumes",
    kind: Message {
        confirmed: false,
        patterns: &[Match::Contains("CAPE HIGH VOLUME")],
        versions: &[v!(
            None,
            None,
            RetryLater,
            "CBP's high-volume notice: retry in 30 to 60 minutes, after checking Claim Status for a claim number.",
            QRG
        )],
    },
    doc: RuleDoc {
        what: "CBP's notice that CAPE is under high volume.",
        why: "A load condition, not a problem with the entries.",
        example: "`CAPE High Volumes`",
        fix: "Wait 30 to 60 minutes; check Claim Status for a claim number first; then resubmit.",
        source: QRG,
    },
};

/// M021: ENTRY TYPE NOT ALLOWED.
pub static ENTRY_TYPE_NOT_ALLOWED: MessageRule = Rule {
    code: "M021",
    name: "entry-type-not-allowed",
    title: "ENTRY TYPE NOT ALLOWED",
    kind: Message {
        confirmed: false,
        patterns: &[
            Match::Exact("ENTRY TYPE NOT ALLOWED"),
            Match::Exact("ENTRY TYPE IS NOT ALLOWED"),
            Match::Exact("INVALID ENTRY TYPE"),
        ],
        versions: &[v!(
            Some(CSMS_69127837),
            None,
            Review,
            "CAPE does not take this entry type. Since 2026-07-07 that is what CBP answers for warehouse entries (types 21 and 22): declare their withdrawals (types 31, 32, 34, 38) instead. Check the entry type (ES-003 `Entry Type Code`) before acting; for any other type, a person must read the claim.",
            WAREHOUSE_SRC
        )],
    },
    doc: RuleDoc {
        what: "CBP refused the entry because of its entry type.",
        why: "Since 2026-07-07 warehouse entries (types 21 and 22) are no longer taken on a CAPE declaration; their withdrawals are, and the refund follows when the warehouse entry liquidates. Declaring a withdrawal instead of the warehouse entry recovers the duty.",
        example: "`ENTRY TYPE NOT ALLOWED`",
        fix: "For a type 21 or 22 entry, declare its withdrawals (types 31, 32, 34, 38). For any other type, read the claim in ACE. `capekit triage --entries ES003.csv` decides from the entry type.",
        source: WAREHOUSE_SRC,
    },
};

/// M022: DUPLICATE TAX ID.
pub static DUPLICATE_TAX_ID: MessageRule = Rule {
    code: "M022",
    name: "duplicate-tax-id",
    title: "DUPLICATE TAX ID",
    kind: Message {
        confirmed: false,
        patterns: &[
            Match::Exact("DUPLICATE TAX ID"),
            Match::Exact("DUPLICATE TAX ID NUMBER"),
        ],
        versions: &[v!(
            None,
            None,
            Review,
            "Unconfirmed message (not in a CBP bulletin): read as CBP finding two accounts or filers for one importer number. What decides is who may declare the entry (its importer of record or the broker whose filer code it bears, as ACE shows the entry's importer and filer): confirm that with the importer before refiling, and refile from that account only.",
            BROKER_REPORTS
        )],
    },
    doc: RuleDoc {
        what: "CBP found the importer's tax ID on more than one account or filer.",
        why: "Either the wrong account declared the entry or two filers declared for one importer; refiling from the wrong account fails again.",
        example: "`DUPLICATE TAX ID`",
        fix: "Confirm with the importer which account declares its entries; refile from that account only.",
        source: BROKER_REPORTS,
    },
};

/// M023: ENTRY SUMMARY UNDER REVIEW.
pub static ENTRY_SUMMARY_UNDER_REVIEW: MessageRule = Rule {
    code: "M023",
    name: "entry-summary-under-review",
    title: "ENTRY SUMMARY UNDER REVIEW",
    kind: Message {
        confirmed: false,
        patterns: &[
            Match::Exact("ENTRY SUMMARY UNDER REVIEW"),
            Match::Exact("ENTRY SUMMARY IS UNDER REVIEW"),
        ],
        versions: &[v!(
            None,
            None,
            Review,
            "Unconfirmed message (not in a CBP bulletin): read as CBP reviewing the entry summary; what clears it is not published. What decides is the entry's status in ACE (Entry Summary Query): read it and ask CBP (IEEPARefunds@cbp.dhs.gov) before refiling.",
            BROKER_REPORTS
        )],
    },
    doc: RuleDoc {
        what: "The entry summary is under CBP review.",
        why: "What CBP is reviewing, and when it ends, is not published; refiling blindly may be rejected again.",
        example: "`ENTRY SUMMARY UNDER REVIEW`",
        fix: "Read the entry in ACE and ask CBP before refiling.",
        source: BROKER_REPORTS,
    },
};

/// M024: IOR MISMATCH.
pub static IOR_MISMATCH: MessageRule = Rule {
    code: "M024",
    name: "ior-mismatch",
    title: "IOR MISMATCH",
    kind: Message {
        confirmed: false,
        patterns: &[
            Match::Exact("IOR MISMATCH"),
            Match::Exact("IMPORTER OF RECORD MISMATCH"),
            Match::Exact("IOR NUMBER MISMATCH"),
            Match::Exact("IOR DOES NOT MATCH"),
        ],
        versions: &[v!(
            None,
            None,
            WrongFiler,
            "Batch validation: the importer of record of the entry is not the declaring account's. The importer of record, or the broker that filed the entry, must declare it.",
            QRG
        )],
    },
    doc: RuleDoc {
        what: "CBP's batch validation found that the entry's importer of record is not the declaring account's.",
        why: "Only the importer of record, or the broker whose filer code starts the entry number, may declare an entry.",
        example: "`IOR MISMATCH` (exact CBP wording unconfirmed)",
        fix: "Send the entry to its importer of record or filing broker to declare.",
        source: QRG,
    },
};

/// M025: FAILED INITIAL VALIDATION.
pub static FILE_FAILED_VALIDATION: MessageRule = Rule {
    code: "M025",
    name: "file-failed-validation",
    title: "FAILED INITIAL VALIDATION",
    kind: Message {
        confirmed: false,
        patterns: &[
            Match::Exact("FAILED INITIAL VALIDATION"),
            Match::Exact("FILE FAILED INITIAL VALIDATION"),
            Match::Exact("FILE VALIDATION FAILED"),
            Match::Exact("NOT A CSV FILE"),
            Match::Exact("INVALID FILE FORMAT"),
            Match::Exact("INVALID FILE TYPE"),
            Match::Exact("FILE IS EMPTY"),
            Match::Exact("EMPTY FILE"),
            Match::Exact("HEADER ROW MISSING"),
            Match::Exact("MISSING HEADER"),
            Match::Exact("INVALID HEADER"),
            Match::Exact("FILE EXCEEDS MAXIMUM NUMBER OF ENTRIES"),
            Match::Exact("MAXIMUM NUMBER OF ENTRIES EXCEEDED"),
            Match::Exact("FILE SIZE EXCEEDS LIMIT"),
            Match::Exact("FILE TOO LARGE"),
        ],
        versions: &[v!(
            None,
            None,
            FixFile,
            "The upload failed file validation, so none of its entries was filed: fix the file (`capekit fix`) and upload it whole as a new declaration.",
            FILE_RULES
        )],
    },
    doc: RuleDoc {
        what: "The declaration file as a whole failed CBP's initial validation (not a CSV, empty, no header, too many entries, too large).",
        why: "A file-level failure rejects the whole upload: no entry of it was filed, and every entry's window keeps running.",
        example: "`FAILED INITIAL VALIDATION` or `NOT A CSV FILE` in the Validation Result File (exact wording unconfirmed)",
        fix: "Fix the file (`capekit check` names every problem, `capekit fix` writes the corrected file) and upload it whole as a new declaration.",
        source: FILE_RULES,
    },
};

/// M026: INVALID ENTRY NUMBER.
pub static INVALID_ENTRY_NUMBER_FORMAT: MessageRule = Rule {
    code: "M026",
    name: "invalid-entry-number-format",
    title: "INVALID ENTRY NUMBER",
    kind: Message {
        confirmed: false,
        patterns: &[
            Match::Exact("INVALID ENTRY NUMBER"),
            Match::Exact("INVALID ENTRY NUMBER FORMAT"),
            Match::Exact("ENTRY NUMBER MUST BE 11 CHARACTERS"),
            Match::Exact("ENTRY NUMBER MUST BE 11 ALPHANUMERIC CHARACTERS"),
            Match::Exact("ENTRY NUMBER IS NOT 11 CHARACTERS"),
        ],
        versions: &[v!(
            None,
            None,
            FixFile,
            "An entry number is not 11 letters and digits, which fails the whole upload: none of its entries was filed. Fix the file (`capekit fix`) and upload it whole as a new declaration.",
            FILE_RULES
        )],
    },
    doc: RuleDoc {
        what: "An entry number of the upload is not 11 alphanumeric characters.",
        why: "Every entry number must be 11 letters and digits; one bad number fails the whole file.",
        example: "`INVALID ENTRY NUMBER` (exact wording unconfirmed)",
        fix: "Correct the number (`capekit fix` restores lost leading zeros and removes dashes) and upload the whole file again.",
        source: FILE_RULES,
    },
};

/// M027: DUPLICATE ENTRY NUMBER IN FILE.
pub static DUPLICATE_IN_FILE: MessageRule = Rule {
    code: "M027",
    name: "duplicate-in-file",
    title: "DUPLICATE ENTRY NUMBER IN FILE",
    kind: Message {
        confirmed: false,
        patterns: &[
            Match::Exact("DUPLICATE ENTRY NUMBER IN FILE"),
            Match::Exact("DUPLICATE ENTRY IN FILE"),
            Match::Exact("DUPLICATE ENTRY NUMBERS IN FILE"),
            Match::Exact("ENTRY NUMBER IS DUPLICATED IN THE FILE"),
        ],
        versions: &[v!(
            None,
            None,
            FixFile,
            "An entry number appears twice in the upload, which fails the whole file: none of its entries was filed. Remove the duplicate (`capekit fix`) and upload the whole file again.",
            FILE_RULES
        )],
    },
    doc: RuleDoc {
        what: "An entry number appears more than once in the uploaded file.",
        why: "Duplicates inside a file fail the whole upload at initial validation.",
        example: "`DUPLICATE ENTRY NUMBER IN FILE` (exact wording unconfirmed)",
        fix: "Remove the duplicate (`capekit fix` keeps each entry once) and upload the whole file again.",
        source: FILE_RULES,
    },
};

/// Every CBP message rule, in code order.
pub static MESSAGE_RULES: &[&MessageRule] = &[
    &ENTRY_SUMMARY_UPDATED,
    &ENTRY_ON_DRAWBACK,
    &FLAGGED_FOR_RECON,
    &FINAL_LIQUIDATION,
    &PROTEST_ON_ENTRY,
    &ENTRY_SUMMARY_CANCELLED_REJECTED,
    &TRADE_CONTROL,
    &STATEMENT_PROCESSING_NOT_COMPLETE,
    &UNABLE_TO_CALCULATE_DUTY,
    &INVALID_HTS,
    &HTS_RELATIONSHIP_MISMATCH,
    &HTS_RELATIONSHIP_SEQUENCE_MISMATCH,
    &GOODS_VALUE_MUST_BE_REPORTED_CH_1_97,
    &GOODS_VALUE_ON_IEEPA_LINE,
    &ACCOUNT_MISMATCH,
    &ENTRY_NOT_FOUND,
    &NO_IEEPA_HTS,
    &DUPLICATE_DECLARATION,
    &JMS_PROCESSING_ERROR,
    &CAPE_HIGH_VOLUMES,
    &ENTRY_TYPE_NOT_ALLOWED,
    &DUPLICATE_TAX_ID,
    &ENTRY_SUMMARY_UNDER_REVIEW,
    &IOR_MISMATCH,
    &FILE_FAILED_VALIDATION,
    &INVALID_ENTRY_NUMBER_FORMAT,
    &DUPLICATE_IN_FILE,
];

/// Normalizes a message for matching: trimmed, white space collapsed, upper case, spaces around
/// `/` removed, a final full stop dropped.
pub fn normalize(message: &str) -> String {
    let collapsed = message.split_whitespace().collect::<Vec<_>>().join(" ");
    let upper = collapsed.to_uppercase().replace(" / ", "/");
    upper.trim_end_matches(['.', ' ']).to_owned()
}

/// [`normalize`], with, for each byte of the normalized text, where in `message` the character
/// it came from starts: so that text capekit quotes back is quoted as CBP wrote it.
fn normalize_mapped(message: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(message.len());
    let mut map: Vec<usize> = Vec::with_capacity(message.len());
    let mut space: Option<usize> = None;
    for (i, c) in message.char_indices() {
        if c.is_whitespace() {
            if !out.is_empty() && space.is_none() {
                space = Some(i);
            }
            continue;
        }
        if let Some(at) = space.take() {
            out.push(' ');
            map.push(at);
        }
        for u in c.to_uppercase() {
            let before = out.len();
            out.push(u);
            map.resize(map.len() + (out.len() - before), i);
        }
    }
    // ` / ` to `/`, left to right as `str::replace` does.
    let (mut slim, mut slim_map) = (
        String::with_capacity(out.len()),
        Vec::with_capacity(map.len()),
    );
    let mut k = 0;
    while k < out.len() {
        if out[k..].starts_with(" / ") {
            slim.push('/');
            slim_map.push(map[k + 1]);
            k += 3;
            continue;
        }
        let c = out[k..].chars().next().unwrap_or(' ');
        slim.push(c);
        slim_map.extend_from_slice(&map[k..k + c.len_utf8()]);
        k += c.len_utf8();
    }
    let kept = slim.trim_end_matches(['.', ' ']).len();
    slim.truncate(kept);
    slim_map.truncate(kept);
    (slim, slim_map)
}

/// The part of `message` that the slice `part` of its normalized text `normalized` (with its
/// `map`, see [`normalize_mapped`]) came from, as CBP wrote it.
fn as_written(message: &str, normalized: &str, map: &[usize], part: &str) -> String {
    let start = (part.as_ptr() as usize).wrapping_sub(normalized.as_ptr() as usize);
    let end = start + part.len();
    if part.is_empty() || end > normalized.len() || end > map.len() {
        return part.to_owned();
    }
    let from = map[start];
    let last = map[end - 1];
    let to = last + message[last..].chars().next().map_or(0, char::len_utf8);
    message.get(from..to).map_or_else(
        || part.to_owned(),
        |t| t.split_whitespace().collect::<Vec<_>>().join(" "),
    )
}

/// A known message found in CBP's text, with what CBP appended to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The rule whose message it is.
    pub rule: &'static MessageRule,
    /// Text after the known message (a date, a protest number, a bracketed code), as found.
    pub extra: Option<String>,
    /// A date in the appended text.
    pub date: Option<Date>,
    /// A number of six or more digits in the appended text (a protest number, for instance).
    pub number: Option<String>,
    /// Appended words capekit does not read (`PENDING`, `RETRY`): they may change what the
    /// message means, so the text goes to review, with the known message's guidance beside it.
    pub unread: Option<String>,
    /// The date is labelled `FILED` (a protest's filing date): its meaning is CBP's own.
    pub filed: bool,
}

impl MessageRule {
    /// Is this the acceptance message? Acceptance is never matched loosely.
    fn is_acceptance(&self) -> bool {
        self.versions.iter().all(|v| v.action == Action::None)
    }

    /// Is this a message about the whole upload (every version `fix-file`)?
    pub fn is_file_level(&self) -> bool {
        self.versions.iter().all(|v| v.action == Action::FixFile)
    }
}

/// Characters that may stand between a known message and what CBP appended to it.
const SEPARATORS: &[char] = &[' ', '-', ':', ',', '#', '\u{2013}', '\u{2014}'];

/// Words that may label a date, number or code CBP appends (`LINE 003`, `ON CLAIM
/// 100000241223`, `PROTEST NO 270426100281`, `DATED 01/02/2026`). None of them can reverse a
/// message's meaning, and each must be followed, at once or after other labels, by a token
/// with a digit: a label alone is words, and words are not read.
const LABELS: &[&str] = &[
    "LINE",
    "LN",
    "SEQ",
    "SEQUENCE",
    "ON",
    "CLAIM",
    "ENTRY",
    "PROTEST",
    "NO",
    "NUMBER",
    "NBR",
    "NUM",
    "DATE",
    "DATED",
    "AS",
    "OF",
    "CODE",
    "REF",
    "HTS",
    "STATEMENT",
    "STMT",
    "IOR",
    "FILED",
];

/// Labels after which a number is not a protest or other reference of the message but the
/// claim, entry or line it is about.
const PLACE_LABELS: &[&str] = &["LINE", "LN", "SEQ", "SEQUENCE", "CLAIM", "ENTRY", "IOR"];

/// What appended text says, when it is of a shape capekit can read without changing the
/// message's meaning: dates, numbers and codes (tokens with a digit), each maybe labelled
/// ([`LABELS`]), and bracketed text. Other words ("WITHDRAWN", "NOT") could reverse the meaning,
/// so such text is not read: [`find_messages`] keeps it as unread and the text goes to review.
fn read_extra(extra: &str) -> Option<(Option<Date>, Option<String>, bool)> {
    let mut date = None;
    let mut filed = false;
    let mut number = None;
    let mut rest = extra.trim_matches(SEPARATORS);
    // The labels read since the last token with a digit.
    let mut labels: Vec<&str> = Vec::new();
    while !rest.is_empty() {
        if let Some(close) = match rest.as_bytes()[0] {
            b'[' => Some(']'),
            b'(' => Some(')'),
            _ => None,
        } {
            let end = rest.find(close)?;
            if end > 60 {
                return None;
            }
            rest = rest[end + 1..].trim_start_matches(SEPARATORS);
            continue;
        }
        let end = rest
            .find([' ', ',', '(', '[', ':', '#'])
            .unwrap_or(rest.len());
        let token = &rest[..end];
        let word = token.trim_end_matches('.');
        if !token.bytes().any(|b| b.is_ascii_digit()) {
            if !LABELS.contains(&word) {
                return None;
            }
            labels.push(word);
            rest = rest[end..].trim_start_matches(SEPARATORS);
            continue;
        }
        if !token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/-.".contains(&b))
        {
            return None;
        }
        let place = labels.iter().any(|l| PLACE_LABELS.contains(l));
        let filed_label = labels.contains(&"FILED");
        labels.clear();
        if let Ok(Some(d)) = crate::dates::parse_date(token) {
            if date.is_none() {
                date = Some(d);
                filed = filed_label;
            }
        } else if !place && token.len() >= 6 && token.bytes().all(|b| b.is_ascii_digit()) {
            number.get_or_insert_with(|| token.to_owned());
        }
        rest = rest[end..].trim_start_matches(SEPARATORS);
    }
    // Labels that label nothing are words.
    labels.is_empty().then_some((date, number, filed))
}

/// Characters that may follow a known message at the start of a text: a separator, a bracket,
/// the `/` of a normalized ` / `, a full stop.
const FOLLOWERS: &[char] = &[
    ' ', '-', ':', ',', '#', '\u{2013}', '\u{2014}', ';', '.', '/', '(', '[',
];

/// What stands between a known message and a second one in the same text: `;`, ` - `, `: `,
/// `. `, ` / ` (normalized to `/`), a long dash.
const MESSAGE_SEPARATORS: &[&str] = &[";", " - ", ": ", ". ", "/", " \u{2013} ", " \u{2014} "];

/// Trimmed from text appended to a message.
const EXTRA_TRIM: &[char] = &[
    ' ', '-', ':', ',', '#', '\u{2013}', '\u{2014}', ';', '.', '/',
];

/// The longest text a notice matched by a phrase within it (CBP's JMS and high-volume notices)
/// is read as, after a separator.
const LONGEST_NOTICE: usize = 300;

/// The known message at the start of normalized text `s`: the rule, and how long the message
/// is. The longest published wording (or variant) that `s` starts with and that ends at a word's
/// end; else a rule that matches the whole of `s` up to its first `;` (a long notice CBP words
/// freely around a fixed phrase).
fn message_at(s: &str) -> Option<(&'static MessageRule, usize)> {
    MESSAGE_RULES
        .iter()
        .flat_map(|r| {
            r.patterns.iter().filter_map(move |p| match p {
                Match::Exact(p) => Some((*r, *p)),
                Match::Contains(_) => None,
            })
        })
        .filter(|(_, p)| {
            s.strip_prefix(p)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(FOLLOWERS))
        })
        .max_by_key(|(_, p)| p.len())
        .map(|(r, p)| (r, p.len()))
        .or_else(|| {
            // Only a notice's length: a long text is not searched again at every separator.
            let end = s
                .bytes()
                .take(LONGEST_NOTICE + 1)
                .position(|b| b == b';')
                .or((s.len() <= LONGEST_NOTICE).then_some(s.len()))?;
            let segment = s[..end].trim_end();
            MESSAGE_RULES
                .iter()
                .find(|r| r.matches(segment))
                .map(|r| (*r, segment.len()))
        })
}

/// Where in `rest` (the text after a known message) a second known message begins, after one of
/// [`MESSAGE_SEPARATORS`]: the separator's position and the message's.
fn next_message(rest: &str) -> Option<(usize, usize)> {
    // The first separator in the text followed by a known message: each position is looked at
    // once, so a long text costs its length.
    rest.char_indices().find_map(|(i, _)| {
        let tail = &rest[i..];
        MESSAGE_SEPARATORS.iter().find_map(|sep| {
            let t = tail.strip_prefix(sep)?.trim_start();
            (!t.is_empty() && message_at(t).is_some()).then(|| (i, rest.len() - t.len()))
        })
    })
}

/// Strips a label CBP may put before its message (`ERROR: INVALID HTS`, `ERROR - INVALID HTS`).
fn strip_error_label(n: &str) -> &str {
    for label in ["ERROR:", "ERROR -", "ERROR \u{2013}", "ERROR \u{2014}"] {
        if let Some(rest) = n.strip_prefix(label) {
            let rest = rest.trim_start();
            if !rest.is_empty() {
                return rest;
            }
        }
    }
    n
}

impl Found {
    fn new(rule: &'static MessageRule, extra: &str) -> Self {
        if extra.is_empty() {
            return Found {
                rule,
                extra: None,
                date: None,
                number: None,
                unread: None,
                filed: false,
            };
        }
        match read_extra(extra) {
            Some((date, number, filed)) => Found {
                rule,
                extra: Some(extra.to_owned()),
                date,
                number,
                unread: None,
                filed,
            },
            None => Found {
                rule,
                extra: Some(extra.to_owned()),
                date: None,
                number: None,
                unread: Some(extra.to_owned()),
                filed: false,
            },
        }
    }

    /// The same rule found again in one text: what it adds is kept on the first.
    fn absorb(&mut self, other: Found) {
        let join = |a: &mut Option<String>, b: Option<String>| {
            if let Some(b) = b {
                *a = Some(match a.take() {
                    Some(a) => format!("{a}; {b}"),
                    None => b,
                });
            }
        };
        join(&mut self.extra, other.extra);
        join(&mut self.unread, other.unread);
        if self.date.is_none() {
            self.date = other.date;
            self.filed = other.filed;
        }
        if self.number.is_none() {
            self.number = other.number;
        }
    }
}

/// Finds the known message(s) in CBP's text: the whole text; else the known message it starts
/// with (after an `ERROR:` label), what follows it up to the next known message after a
/// separator (`;`, ` - `, `: `, `. `, ` / `), and so on. What follows a message is read when it
/// is a date, a number or a labelled reference ([`read_extra`]); other words are kept as
/// [`Found::unread`], which sends the text to review. `None` when the text does not start with
/// a known message, or when CBP's acceptance carries anything appended: acceptance is never
/// matched loosely. A rule found twice is found once.
pub fn find_messages(message: &str) -> Option<Vec<Found>> {
    let (normalized, map) = normalize_mapped(message);
    let n = strip_error_label(&normalized);
    if n.is_empty() {
        return None;
    }
    let written = |part: &str| as_written(message, &normalized, &map, part);
    let whole = || {
        MESSAGE_RULES
            .iter()
            .find(|r| r.matches(n))
            .map(|r| vec![Found::new(r, "")])
    };
    if let Some(rule) = MESSAGE_RULES.iter().find(|r| {
        r.patterns
            .iter()
            .any(|p| matches!(p, Match::Exact(e) if *e == n))
    }) {
        // Normalizing drops trailing full stops; CBP's acceptance followed by any (`.`, `...`)
        // is not matched: acceptance is never matched loosely.
        if rule.is_acceptance() {
            let collapsed = message.split_whitespace().collect::<Vec<_>>().join(" ");
            if !collapsed.to_uppercase().ends_with(n) {
                return None;
            }
        }
        return whole();
    }
    parse_messages(n, &written).or_else(whole)
}

/// The known messages `n` holds, from its start (see [`find_messages`]).
fn parse_messages(n: &str, written: &dyn Fn(&str) -> String) -> Option<Vec<Found>> {
    let mut found: Vec<Found> = Vec::new();
    let mut s = n;
    loop {
        let (rule, len) = message_at(s)?;
        let rest = &s[len..];
        let (extra, next) = match next_message(rest) {
            Some((sep, start)) => (&rest[..sep], Some(&rest[start..])),
            None => (rest, None),
        };
        let cut_off = next.is_none() && !extra.trim().is_empty();
        let extra = extra.trim_matches(EXTRA_TRIM);
        let mut f = Found::new(rule, extra);
        if f.unread.is_some() {
            f.unread = Some(written(extra));
        }
        // Anything after CBP's acceptance, a lone `:` or `;` included (a second message may
        // have been cut off), is not the acceptance.
        if f.rule.is_acceptance() && (f.extra.is_some() || cut_off) {
            return None;
        }
        match found.iter_mut().find(|g| g.rule.is(f.rule)) {
            Some(g) => g.absorb(f),
            None => found.push(f),
        }
        match next {
            Some(t) => s = t,
            None => break,
        }
    }
    Some(found)
}

/// The rule whose message the text is (or starts with, see [`find_messages`]): the first one
/// when the text holds several.
pub fn match_message(message: &str) -> Option<&'static MessageRule> {
    find_messages(message).and_then(|found| found.first().map(|f| f.rule))
}

/// Does `message` start with one CBP writes about a whole upload (file validation failed: fix
/// the file and upload it whole), whatever follows it (a second message, words capekit does not
/// read)? Such a message on a row of a Validation Result File without an entry means the upload
/// failed: read as passed, its entries would wait for a claim that never comes, while read as
/// failed they cost at most a re-upload CBP refuses as a duplicate. Any other text (an
/// entry-level message, unknown text) is a row whose entry is lost.
pub fn is_file_message(message: &str) -> bool {
    let n = normalize(message);
    message_at(strip_error_label(&n)).is_some_and(|(rule, _)| rule.is_file_level())
}

/// Does `message` start with a load error (M019, M020): ACE did not process the request at
/// all, which is no validation result? On a row of a Validation Result File without an entry it
/// speaks of the whole upload: retry in 30 to 60 minutes, after looking for a claim number (a
/// time-out can hide a declaration that went through). Source: CBP's CAPE quick reference guide.
pub fn is_load_error(message: &str) -> bool {
    let n = normalize(message);
    message_at(strip_error_label(&n)).is_some_and(|(rule, _)| {
        [&JMS_PROCESSING_ERROR, &CAPE_HIGH_VOLUMES]
            .iter()
            .any(|r| rule.is(r))
    })
}

/// Is `message`, on a row of a Validation Result File without an entry, about the whole upload:
/// a file-level error ([`is_file_message`]) or a load error ([`is_load_error`])?
pub fn is_upload_message(message: &str) -> bool {
    is_file_message(message) || is_load_error(message)
}

/// The verdict on a text that starts with a message about a whole upload
/// ([`is_upload_message`]): the upload failed (`fix-file`), or ACE did not process it
/// (`retry-later`), with what else the text holds in the note, unread words quoted. `None` for
/// any other text.
pub fn judge_file_message(message: &str, as_of: Date) -> Option<Verdict> {
    if !is_upload_message(message) {
        return None;
    }
    let n = normalize(message);
    let (rule, len) = message_at(strip_error_label(&n))?;
    let mut v = judge_found(&Found::new(rule, ""), as_of);
    let mut notes = Vec::new();
    match find_messages(message) {
        Some(found) => {
            let others: Vec<String> = found
                .iter()
                .filter(|f| !f.rule.is(rule))
                .map(|f| format!("{} `{}`", f.rule.code, f.rule.title))
                .collect();
            if !others.is_empty() {
                notes.push(format!("CBP's text also names {}", others.join(", ")));
            }
            let unread: Vec<&str> = found.iter().filter_map(|f| f.unread.as_deref()).collect();
            if !unread.is_empty() {
                notes.push(unread_note(&unread.join("; ")));
            }
        }
        None => {
            let rest = strip_error_label(&n)[len..].trim_matches(EXTRA_TRIM);
            if !rest.is_empty() {
                notes.push(unread_note(rest));
            }
        }
    }
    v.note = (!notes.is_empty()).then(|| notes.join("; "));
    Some(v)
}

/// Does `message` name a known message that is not about the whole upload (an entry's own
/// error beside a file-level one)?
pub fn names_entry_message(message: &str) -> bool {
    find_messages(message).is_some_and(|found| found.iter().any(|f| !f.rule.is_file_level()))
}

fn unread_note(unread: &str) -> String {
    format!("CBP added text capekit does not read: `{unread}` - read it in ACE before acting")
}

/// The verdict on one message as of one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The rule code; `None` for text the catalog does not know.
    pub rule: Option<&'static str>,
    /// What to do.
    pub action: Action,
    /// What to do, in a sentence.
    pub what_to_do: String,
    /// The source of the version applied.
    pub source: String,
    /// What the text held besides the known message: appended text, a second message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Verdict {
    /// The verdict on a text the catalog does not know.
    fn unknown() -> Self {
        Verdict {
            rule: None,
            action: Action::Review,
            what_to_do: "This message is not in capekit's catalog: a person must read it and decide. Do not refile or drop the entry until then.".to_owned(),
            source: format!(
                "no match in capekit's catalog of {}",
                crate::words::catalog_line()
            ),
            note: None,
        }
    }
}

fn plus_days(d: Date, days: i64) -> Option<Date> {
    d.checked_add(jiff::Span::new().days(days)).ok()
}

/// The verdict on one known message found in the text.
fn judge_found(found: &Found, as_of: Date) -> Verdict {
    let rule = found.rule;
    let mut v = match rule.version_on(as_of) {
        Some(v) => Verdict {
            rule: Some(rule.code),
            action: v.action,
            what_to_do: v.what_to_do.to_owned(),
            source: v.source.to_owned(),
            note: None,
        },
        None => Verdict {
            rule: Some(rule.code),
            action: Action::Review,
            what_to_do: format!(
                "capekit knows this message only from {} on, after the as-of date {as_of}: check the as-of date, then decide.",
                rule.versions
                    .first()
                    .and_then(|v| v.valid_from)
                    .map_or_else(|| "another date".to_owned(), |d| d.to_string())
            ),
            source: rule.versions.first().map_or("", |v| v.source).to_owned(),
            note: None,
        },
    };
    let Some(extra) = &found.extra else {
        return v;
    };
    if let Some(unread) = &found.unread {
        // Words capekit does not read may change what the message means: a person reads them,
        // and the known message's guidance stands beside them, never its action alone. The
        // rule is named in the text, not in `rule`: advice keyed on the rule (entry data's
        // refinements) would act on it.
        return Verdict {
            rule: None,
            action: Action::Review,
            what_to_do: format!(
                "{}. CBP's text starts with {} `{}`, which alone says: {}",
                unread_note(unread),
                rule.code,
                rule.title,
                v.what_to_do
            ),
            source: v.source,
            note: Some(format!(
                "{} `{}` with text capekit does not read: `{unread}`",
                rule.code, rule.title
            )),
        };
    }
    let mut note = format!("CBP appended `{extra}` to `{}`", rule.title);
    if let Some(n) = &found.number {
        note.push_str(&format!(" (number {n}"));
        if rule.is(&PROTEST_ON_ENTRY) {
            note.push_str(", probably the protest number");
        }
        note.push(')');
    }
    if let Some(d) = found.date {
        if rule.is(&FINAL_LIQUIDATION) {
            // What the date is, CBP does not say. Read as the liquidation date, the protest is
            // due 180 days after it (19 USC 1514); read as the day liquidation became final
            // for CAPE (80 days after liquidation), 100 days after it. The earlier counts.
            if let (Some(early), Some(late)) = (plus_days(d, 100), plus_days(d, 180)) {
                v.what_to_do = format!(
                    "{} CBP's message carries the date {d}, whose meaning is not published: if it is the day the liquidation became final for CAPE (80 days after liquidation), the protest is due by {early}; if it is the liquidation date, by {late}. Count on {early} until the liquidation date is confirmed (ES-003 `Liquidation Date`, or `capekit triage --entries`).",
                    v.what_to_do
                );
            }
        } else {
            if found.filed {
                note.push_str(&format!(" (filed {d})"));
            } else {
                note.push_str(&format!(" (date {d}, meaning not published)"));
            }
        }
    }
    v.note = Some(note);
    v
}

/// What to do about one message on `as_of`. Unknown text, and a known message outside the dates
/// of every version, go to `review`. A text holding several known messages takes the verdict
/// that blocks refiling most, and names the others; acceptance mixed with anything else is
/// `review`.
pub fn judge(message: &str, as_of: Date) -> Verdict {
    let Some(found) = find_messages(message) else {
        return Verdict::unknown();
    };
    if found.len() == 1 {
        return judge_found(&found[0], as_of);
    }
    let verdicts: Vec<Verdict> = found.iter().map(|f| judge_found(f, as_of)).collect();
    let codes = found
        .iter()
        .map(|f| format!("{} `{}`", f.rule.code, f.rule.title))
        .collect::<Vec<_>>()
        .join(", ");
    if found.iter().any(|f| f.rule.is_acceptance()) {
        return Verdict {
            rule: None,
            action: Action::Review,
            what_to_do: "The text reads both accepted and rejected: a person must read the claim in ACE. Do not refile or drop the entry until then.".to_owned(),
            source: verdicts.iter().map(|v| v.source.as_str()).collect::<Vec<_>>().join("; "),
            note: Some(format!("CBP's text holds {} messages: {codes}", found.len())),
        };
    }
    let decides = verdicts
        .iter()
        .enumerate()
        .max_by_key(|(i, v)| (v.action.blocking(), std::cmp::Reverse(*i)))
        .map_or(0, |(i, _)| i);
    let mut v = verdicts[decides].clone();
    for (i, other) in verdicts.iter().enumerate().filter(|(i, _)| *i != decides) {
        v.what_to_do = format!(
            "{} Also ({}): {}",
            v.what_to_do, found[i].rule.title, other.what_to_do
        );
    }
    let mut notes = vec![format!(
        "CBP's text holds {} messages: {codes}; the one that blocks refiling most decides",
        found.len()
    )];
    notes.extend(verdicts.iter().filter_map(|v| v.note.clone()));
    v.note = Some(notes.join("; "));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: Date = date(2026, 5, 1);
    const AFTER: Date = date(2026, 11, 24);

    #[test]
    fn every_message_has_patterns_and_versions_without_gaps() {
        // Codes, names and documentation: `catalogs::tests::every_catalog_keeps_the_invariants`.
        for r in MESSAGE_RULES {
            assert!(!r.patterns.is_empty(), "{}", r.code);
            // Versions are ordered and do not overlap.
            for w in r.versions.windows(2) {
                assert_eq!(
                    w[0].valid_to, w[1].valid_from,
                    "{} versions must meet",
                    r.code
                );
            }
            // Each rule's published message matches itself.
            assert_eq!(match_message(r.title).map(|m| m.code), Some(r.code));
        }
    }

    #[test]
    fn every_rule_has_a_verdict_per_period() {
        let expected: &[(&str, Action, Action)] = &[
            ("M001", Action::None, Action::None),
            ("M002", Action::OtherPath, Action::OtherPath),
            ("M003", Action::OtherPath, Action::Review),
            ("M004", Action::OtherPath, Action::OtherPath),
            ("M005", Action::OtherPath, Action::OtherPath),
            ("M006", Action::CorrectThenRefile, Action::CorrectThenRefile),
            ("M007", Action::RetryLater, Action::RetryLater),
            ("M008", Action::RetryLater, Action::RetryLater),
            ("M009", Action::Refile, Action::Refile),
            ("M010", Action::Review, Action::CorrectThenRefile),
            ("M011", Action::Review, Action::CorrectThenRefile),
            ("M012", Action::Refile, Action::Refile),
            ("M013", Action::CorrectThenRefile, Action::Refile),
            ("M014", Action::CorrectThenRefile, Action::CorrectThenRefile),
            ("M015", Action::WrongFiler, Action::WrongFiler),
            ("M016", Action::Review, Action::Review),
            ("M017", Action::Review, Action::Review),
            ("M018", Action::DropDuplicate, Action::DropDuplicate),
            ("M019", Action::RetryLater, Action::RetryLater),
            ("M020", Action::RetryLater, Action::RetryLater),
            ("M021", Action::Review, Action::Review),
            ("M022", Action::Review, Action::Review),
            ("M023", Action::Review, Action::Review),
            ("M024", Action::WrongFiler, Action::WrongFiler),
            ("M025", Action::FixFile, Action::FixFile),
            ("M026", Action::FixFile, Action::FixFile),
            ("M027", Action::FixFile, Action::FixFile),
        ];
        assert_eq!(
            expected.len(),
            MESSAGE_RULES.len(),
            "a new rule needs a line here"
        );
        for (code, before, after) in expected {
            let rule = MESSAGE_RULES
                .iter()
                .find(|r| r.code == *code)
                .expect("rule");
            assert_eq!(judge(rule.title, BEFORE).action, *before, "{code} before");
            assert_eq!(judge(rule.title, AFTER).action, *after, "{code} after");
        }
    }

    #[test]
    fn retired_goods_value_check_turns_into_refile_on_the_bulletin_day() {
        let msg = "Goods value amount must be reported on the CH 1-97";
        assert_eq!(
            judge(msg, date(2026, 6, 24)).action,
            Action::CorrectThenRefile
        );
        assert_eq!(judge(msg, CSMS_69056483).action, Action::Refile);
    }

    #[test]
    fn normalization_tolerates_case_spacing_and_full_stop() {
        assert_eq!(
            match_message("  entry summary is  cancelled / rejected. ").map(|r| r.code),
            Some("M006")
        );
        assert_eq!(
            match_message("Entry Summary in Final Liquidation").map(|r| r.code),
            Some("M004")
        );
        assert_eq!(
            match_message("Unable to process this request at the time. Uncategorized exception occurred during JMS processing.").map(|r| r.code),
            Some("M019")
        );
    }

    #[test]
    fn unknown_text_goes_to_review() {
        let v = judge("SOMETHING NEW FROM CBP", AFTER);
        assert_eq!(v.action, Action::Review);
        assert_eq!(v.rule, None);
        // A near miss is not a match.
        assert_eq!(
            judge("ENTRY SUMMARY UPDATED PARTIALLY", AFTER).action,
            Action::Review
        );
        // An ambiguous duplicate (inside the file, or an earlier declaration?) is not dropped.
        assert_eq!(judge("DUPLICATE ENTRY", AFTER).action, Action::Review);
    }

    #[test]
    fn labelled_text_appended_to_a_rejection_is_read_and_words_are_not() {
        // Read: the known message and what its appended text says; `None` when the text is
        // unknown or holds words capekit does not read.
        let one = |t: &str| {
            find_messages(t)
                .filter(|f| f.iter().all(|f| f.unread.is_none()))
                .map(|f| {
                    assert_eq!(f.len(), 1, "{t}");
                    (f[0].rule.code, f[0].number.clone())
                })
        };
        let hts = one("INVALID HTS").expect("known").0;
        assert_eq!(one("INVALID HTS - LINE 003"), Some((hts, None)));
        assert_eq!(one("Invalid HTS (line 3)"), Some((hts, None)));
        let protest = one("PROTEST ON ENTRY").expect("known").0;
        // A claim number is where the message was, not the protest's number.
        assert_eq!(
            one("PROTEST ON ENTRY ON CLAIM 100000241223"),
            Some((protest, None))
        );
        assert_eq!(
            one("PROTEST ON ENTRY - PROTEST NO. 270426100281"),
            Some((protest, Some("270426100281".to_owned())))
        );
        assert_eq!(
            one("PROTEST ON ENTRY #270426100281"),
            Some((protest, Some("270426100281".to_owned())))
        );
        let fl = one("ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS")
            .expect("known")
            .0;
        assert_eq!(
            one("ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS AS OF 01/02/2026"),
            Some((fl, None))
        );
        // A label that labels nothing, or any other word, is text capekit does not read.
        assert_eq!(one("PROTEST ON ENTRY ON CLAIM"), None);
        assert_eq!(one("PROTEST ON ENTRY NOT 270426100281"), None);
        assert_eq!(one("PROTEST ON ENTRY WITHDRAWN"), None);
        assert_eq!(one("INVALID HTS LINE 3 CORRECTED"), None);
        // Acceptance is never matched loosely.
        assert_eq!(one("ENTRY SUMMARY UPDATED - LINE 003"), None);
        // Two known messages joined by a dash are both read; the same rule twice is one.
        let both = find_messages("FAILED INITIAL VALIDATION - NOT A CSV FILE").expect("known");
        assert_eq!(both.len(), 1);
        assert_eq!(both[0].rule.code, "M025");
        assert!(is_file_message(
            "FAILED INITIAL VALIDATION - NOT A CSV FILE"
        ));
        let unread = find_messages("FAILED INITIAL VALIDATION - SEE ATTACHED").expect("known");
        assert_eq!(unread[0].unread.as_deref(), Some("SEE ATTACHED"));
    }

    #[test]
    fn a_colon_joins_messages_like_a_dash() {
        for t in [
            "FAILED INITIAL VALIDATION: NOT A CSV FILE",
            "Failed Initial Validation: header row missing [F003]",
            "FAILED INITIAL VALIDATION - header row missing",
        ] {
            let found = find_messages(t).expect(t);
            assert_eq!(found.len(), 1, "{t}: {found:?}");
            assert_eq!(found[0].rule.code, "M025", "{t}");
            assert_eq!(found[0].unread, None, "{t}");
            assert!(is_file_message(t), "{t}");
            assert_eq!(judge(t, AFTER).action, Action::FixFile, "{t}");
            assert_eq!(match_message(t).map(|r| r.code), Some("M025"), "{t}");
        }
    }

    #[test]
    fn a_file_level_message_followed_by_any_text_is_a_failed_upload() {
        for t in [
            "FAILED INITIAL VALIDATION: SEE ATTACHED",
            "FAILED INITIAL VALIDATION - please contact the help desk",
            "NOT A CSV FILE (xlsx)",
            "Failed Initial Validation: INVALID HTS",
        ] {
            assert!(is_file_message(t), "{t}");
            let v = judge_file_message(t, AFTER).expect(t);
            assert_eq!(v.action, Action::FixFile, "{t}");
        }
        // The words capekit does not read stay in view.
        let v = judge_file_message("FAILED INITIAL VALIDATION: SEE ATTACHED", AFTER).expect("file");
        assert!(
            v.note
                .as_deref()
                .is_some_and(|n| n.contains("`SEE ATTACHED`")),
            "{v:?}"
        );
        let v = judge_file_message("Failed Initial Validation: INVALID HTS", AFTER).expect("file");
        assert!(
            v.note.as_deref().is_some_and(|n| n.contains("M010")),
            "{v:?}"
        );
        assert!(names_entry_message(
            "Failed Initial Validation: INVALID HTS"
        ));
        // A file-level message must stand at the start, ending at a word's end.
        for t in [
            "INVALID HTS; NOT A CSV FILE",
            "FILE EXCEEDS MAXIMUM OF 9999 ENTRIES",
            "EMPTY FILES",
            "UNABLE TO CALCULATE DUTY",
        ] {
            assert!(!is_file_message(t), "{t}");
            assert_eq!(judge_file_message(t, AFTER), None, "{t}");
        }
    }

    #[test]
    fn labelled_references_and_separators_are_read() {
        let read = |t: &str| {
            let f = find_messages(t).unwrap_or_else(|| panic!("{t}: unknown"));
            assert!(f.iter().all(|f| f.unread.is_none()), "{t}: {f:?}");
            f.iter().map(|f| f.rule.code).collect::<Vec<_>>()
        };
        assert_eq!(
            read("STATEMENT PROCESSING NOT COMPLETE - STATEMENT 270126M"),
            ["M008"]
        );
        let protest = find_messages("PROTEST ON ENTRY - Protest No. 270426100281 filed 03/02/2026")
            .expect("known");
        assert_eq!(protest[0].rule.code, "M005");
        assert_eq!(protest[0].number.as_deref(), Some("270426100281"));
        assert_eq!(protest[0].date, Some(date(2026, 3, 2)));
        assert!(protest[0].filed);
        let note = judge(
            "PROTEST ON ENTRY - Protest No. 270426100281 filed 03/02/2026",
            AFTER,
        )
        .note
        .expect("note");
        assert!(note.contains("(filed 2026-03-02)"), "{note}");
        assert_eq!(protest[0].unread, None);
        let ior = find_messages("ACCOUNT MISMATCH - IOR 27-184593000").expect("known");
        assert_eq!(ior[0].rule.code, "M015");
        assert_eq!(ior[0].unread, None);
        assert_eq!(ior[0].number, None, "an IOR number is no reference");
        assert_eq!(read("Error: INVALID HTS"), ["M010"]);
        assert_eq!(read("ERROR - INVALID HTS"), ["M010"]);
        assert_eq!(
            read("INVALID HTS. HTS RELATIONSHIP MISMATCH"),
            ["M010", "M011"]
        );
        assert_eq!(read("INVALID HTS / LINE 3"), ["M010"]);
        assert_eq!(read("INVALID HTS: LINE 003"), ["M010"]);
        assert_eq!(
            read("INVALID HTS / HTS RELATIONSHIP MISMATCH"),
            ["M010", "M011"]
        );
        assert_eq!(
            read("ENTRY SUMMARY IS CANCELLED / REJECTED - 05/01/2026"),
            ["M006"]
        );
        assert_eq!(read("HTS RELATIONSHIP/SEQUENCE MISMATCH"), ["M012"]);
        assert_eq!(read("INVALID HTS; CAPE High Volumes"), ["M010", "M020"]);
        // Those read take the known message's action.
        assert_eq!(
            judge("ACCOUNT MISMATCH - IOR 27-184593000", AFTER).action,
            Action::WrongFiler
        );
        assert_eq!(
            judge(
                "STATEMENT PROCESSING NOT COMPLETE - STATEMENT 270126M",
                AFTER
            )
            .action,
            Action::RetryLater
        );
    }

    #[test]
    fn a_known_rejection_with_words_capekit_does_not_read_is_review_with_its_guidance() {
        for (t, code, words) in [
            (
                "ENTRY SUMMARY IS IN TRADE CONTROL - pending",
                "M007",
                "pending",
            ),
            ("UNABLE TO CALCULATE DUTY - retry", "M009", "retry"),
            ("Protest on entry  Under  Appeal.", "M005", "Under Appeal"),
            ("PROTEST ON ENTRY WITHDRAWN", "M005", "WITHDRAWN"),
            ("INVALID HTS; UNKNOWN THING", "M010", "UNKNOWN THING"),
        ] {
            let found = find_messages(t).expect(t);
            assert_eq!(found[0].rule.code, code, "{t}");
            assert_eq!(found[0].unread.as_deref(), Some(words), "{t}");
            let v = judge(t, AFTER);
            assert_eq!(v.action, Action::Review, "{t}");
            // Never the rule's automatic action: the row names no rule that entry data
            // could act on, and the text names the rule and its guidance.
            assert_eq!(v.rule, None, "{t}");
            assert!(
                v.what_to_do.contains(&format!(
                    "CBP added text capekit does not read: `{words}` - read it in ACE before acting"
                )),
                "{t}: {}",
                v.what_to_do
            );
            let rule = MESSAGE_RULES.iter().find(|r| r.code == code).expect("rule");
            let guidance = rule.version_on(AFTER).expect("version").what_to_do;
            assert!(v.what_to_do.contains(guidance), "{t}: {}", v.what_to_do);
            assert!(v.what_to_do.contains(code), "{t}");
        }
        // Acceptance is never matched loosely.
        for t in [
            "ENTRY SUMMARY UPDATED - pending",
            "ENTRY SUMMARY UPDATED [A1]",
            "ENTRY SUMMARY UPDATED PARTIALLY",
            "ENTRY SUMMARY UPDATED: LINE 3",
            // Punctuation alone after it: a second message may have been cut off.
            "ENTRY SUMMARY UPDATED.",
            "ENTRY SUMMARY UPDATED ...",
            "ENTRY SUMMARY UPDATED:",
            "ENTRY SUMMARY UPDATED;",
            "entry summary updated .",
        ] {
            assert_eq!(find_messages(t), None, "{t}");
            let v = judge(t, AFTER);
            assert_eq!(v.action, Action::Review, "{t}");
            assert_eq!(v.rule, None, "{t}");
        }
        for t in [
            "ENTRY SUMMARY UPDATED",
            " Entry  summary updated ",
            "ERROR: ENTRY SUMMARY UPDATED",
        ] {
            assert_eq!(judge(t, AFTER).action, Action::None, "{t}");
        }
        // Text that does not start with a known message is unknown.
        assert_eq!(
            find_messages("PENDING - ENTRY SUMMARY IS IN TRADE CONTROL"),
            None
        );
    }

    #[test]
    fn the_mapped_normalization_is_the_normalization() {
        for t in [
            "  entry summary is  cancelled / rejected. ",
            "Entry Summary in Final Liquidation",
            "straße / maß ..",
            "a\u{a0}b\t/\nc",
            "",
            " . ",
            "ÉTÉ - ǆ / x",
        ] {
            let (n, map) = normalize_mapped(t);
            assert_eq!(n, normalize(t), "{t:?}");
            assert_eq!(map.len(), n.len(), "{t:?}");
            assert!(map.iter().all(|i| t.is_char_boundary(*i)), "{t:?}");
        }
        assert_eq!(
            find_messages("INVALID HTS - Straße  frei").expect("known")[0]
                .unread
                .as_deref(),
            Some("Straße frei")
        );
    }

    #[test]
    fn a_long_text_is_read_once() {
        // A text with many separators and no second message: each position looked at once.
        let long = format!("INVALID HTS{}", " - A".repeat(50_000));
        let started = std::time::Instant::now();
        let found = find_messages(&long).expect("known");
        assert_eq!(found.len(), 1);
        assert!(found[0].unread.is_some());
        let many = "INVALID HTS; ".repeat(5_000);
        assert_eq!(find_messages(&many).expect("known").len(), 1);
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    }

    #[test]
    fn unconfirmed_messages_are_review_and_say_so() {
        for code in ["M017", "M022", "M023"] {
            let rule = MESSAGE_RULES.iter().find(|r| r.code == code).expect("rule");
            assert!(!rule.confirmed, "{code}");
            for day in [BEFORE, AFTER] {
                let v = judge(rule.title, day);
                assert_eq!(v.action, Action::Review, "{code}");
                assert!(
                    v.what_to_do.starts_with("Unconfirmed message"),
                    "{code}: {}",
                    v.what_to_do
                );
                assert!(
                    v.what_to_do.contains("What decides"),
                    "{code}: {}",
                    v.what_to_do
                );
            }
        }
        assert!(
            judge("NO IEEPA HTS ON ENTRY", AFTER)
                .what_to_do
                .contains("ES-003")
        );
    }

    #[test]
    fn urgency_order_is_total() {
        for (i, a) in Action::ALL.iter().enumerate() {
            assert_eq!(a.urgency(), i);
        }
    }
}
