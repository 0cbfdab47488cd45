//! The paths an entry can take and the dated catalog of the path engine (P): each rule a
//! named static, documented like every other catalog.

use super::*;

/// Where an entry goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryPath {
    /// Declare it in CAPE now.
    Cape,
    /// Correct the entry summary by PSC first, then declare it.
    CorrectFirst,
    /// Not in CAPE phase 1: wait for a later phase (and keep protest deadlines in view).
    LaterPhase,
    /// Protest under 19 USC 1514 (or let an open protest carry the claim).
    Protest,
    /// Court of International Trade under 28 USC 1581(i) (or 1581(a) after a denied protest).
    Court,
    /// CAPE Phase 3 (from 2026-10-06): a finally liquidated entry of an importer that sued in the
    /// CIT and whose IOR was submitted by 2026-07-30. Its upload format is unpublished: no file
    /// is written.
    #[serde(rename = "phase-3")]
    Phase3,
    /// Already refunded through CAPE (liquidation reason 36): nothing left to do, never declare
    /// it again.
    Done,
    /// No IEEPA duty to refund.
    NotRefundable,
    /// A person must look: the data that would decide is missing or unclear.
    Review,
}

impl EntryPath {
    /// Every path.
    pub const ALL: [EntryPath; 9] = [
        EntryPath::Cape,
        EntryPath::CorrectFirst,
        EntryPath::LaterPhase,
        EntryPath::Protest,
        EntryPath::Court,
        EntryPath::Phase3,
        EntryPath::Done,
        EntryPath::NotRefundable,
        EntryPath::Review,
    ];

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cape => "cape",
            Self::CorrectFirst => "correct-first",
            Self::LaterPhase => "later-phase",
            Self::Protest => "protest",
            Self::Court => "court",
            Self::Phase3 => "phase-3",
            Self::Done => "done",
            Self::NotRefundable => "not-refundable",
            Self::Review => "review",
        }
    }

    /// The path named `s` ([`EntryPath::as_str`]).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// What the path asks of the filer, in a sentence for people (legends of plan pages): its
    /// line of [`crate::words::MEANINGS`], as for the triage's actions.
    pub fn describe(self) -> &'static str {
        crate::words::meaning(self.as_str()).unwrap_or_default()
    }
}

impl fmt::Display for EntryPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The catalog of the path engine (P): what a rule adds to [`Rule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PathKind {
    /// The path the rule sends an entry to (for rules that only flag, the path they go with).
    pub path: EntryPath,
    /// First day the rule holds (as-of date); `None` since CAPE opened.
    pub valid_from: Option<Date>,
    /// First day the rule no longer holds; `None` while in force.
    pub valid_to: Option<Date>,
}

/// A rule of the path engine.
pub type PathRule = Rule<PathKind>;

impl PathKind {
    /// Does the rule hold on `day`?
    pub fn holds_on(&self, day: Date) -> bool {
        self.valid_from.is_none_or(|f| day >= f) && self.valid_to.is_none_or(|t| day < t)
    }
}

impl Catalog for PathKind {
    const NAME: &'static str = "entry path (capekit plan)";

    fn facts(rule: &Rule<Self>) -> Vec<(&'static str, String)> {
        vec![
            ("path", rule.path.to_string()),
            (
                "valid from",
                rule.valid_from
                    .map_or_else(|| "CAPE opening (2026-04-20)".to_owned(), |d| d.to_string()),
            ),
            (
                "valid to",
                rule.valid_to
                    .map_or_else(|| "in force".to_owned(), |d| format!("until {d}")),
            ),
        ]
    }
}

/// From this day CAPE refuses warehouse entries, types 21 and 22 (ENTRY TYPE NOT ALLOWED); their
/// withdrawals are taken (CSMS 69127837).
pub const WAREHOUSE_CHANGE: Date = date(2026, 7, 7);
/// From this day ACE refuses a PSC that modifies an IEEPA HTS line of an FTZ type 06 entry
/// (F883, CSMS 69635410).
pub const FTZ_PSC_CHANGE: Date = date(2026, 8, 21);
/// CAPE Phase 3 opened on this day, for finally liquidated entries of importers that sued.
pub const PHASE3_OPENED: Date = date(2026, 10, 6);
/// Phase 3 takes an importer only if its IOR was submitted by this day.
pub const PHASE3_IOR_CUTOFF: Date = date(2026, 7, 30);
/// Entry types of warehouse entries (CAPE refuses them from [`WAREHOUSE_CHANGE`]).
pub const WAREHOUSE_TYPES: [&str; 2] = ["21", "22"];
/// Entry types of warehouse withdrawals, which CAPE takes.
pub const WITHDRAWAL_TYPES: [&str; 4] = ["31", "32", "34", "38"];
/// An entry not liquidated within one year of entry is liquidated by operation
/// of law unless extended or suspended (19 USC 1504(a)).
pub const DEEMED_LIQUIDATION_YEARS: i16 = 1;

pub(super) const QRG: &str = "CBP, \"ACE Portal: CAPE Declarations\" quick reference guide (April 2026), \
CAPE phase 1 eligibility";
pub(super) const PSC_SRC: &str = "CBP ACE Post Summary Correction rules (CATAIR, PSC chapter): within 300 \
days of entry and no later than 15 days before scheduled liquidation; ACE condition 864 \"PSC NOT \
ALLOWED\" once an entry is on a CAPE declaration; CBP liquidation guidance (entries generally \
liquidate 314 days after entry)";
pub(super) const PHASE3_SRC: &str = "CBP CAPE Phase 3, open since 2026-10-06 (upload format not \
published), under a CIT order of July 2026 on refunds of finally liquidated entries, as relayed by \
law-firm alerts (confidence C)";
pub(super) const DENIAL_SRC: &str = "28 USC 1581(a) and 2636(a) (180 days after the notice of denial is \
mailed); 19 USC 1514 (one protest per entry and decision); 28 USC 1581(i) and 2636(i)";
pub(super) const RECON_SRC: &str = "CBP CSMS bulletin of 2026-06-29 on reconciliation-flagged entries in \
CAPE: flagged entries of types 01, 02 and 06 with no type 09 filed are accepted (bulletin number \
not recorded in capekit's sources)";

macro_rules! rule {
    ($code:literal, $name:literal, $path:ident, $from:expr, $to:expr, $title:literal,
     what: $what:expr, why: $why:expr, example: $ex:expr, fix: $fix:expr, source: $src:expr $(,)?) => {
        Rule {
            code: $code,
            name: $name,
            title: $title,
            kind: PathKind {
                path: EntryPath::$path,
                valid_from: $from,
                valid_to: $to,
            },
            doc: RuleDoc {
                what: $what,
                why: $why,
                example: $ex,
                fix: $fix,
                source: $src,
            },
        }
    };
}

/// P001: the entry date is outside the period of IEEPA duty.
pub static OUTSIDE_PERIOD: PathRule = rule!("P001", "entered-outside-ieepa-period", NotRefundable, None, None,
        "the entry date is outside the period of IEEPA duty",
        what: "The entry date lies before 2025-02-04 or after 2026-02-23, the days on which IEEPA \
duty was collected.",
        why: "No IEEPA duty was due on goods entered outside that period, so CAPE has nothing to \
refund; a declaration would only be rejected.",
        example: "`Entry Date` 01/15/2025.",
        fix: "Nothing through CAPE. If the entry date in ACE differs from the file's, correct the \
file and run again.",
        source: "CBP CAPE guidance: IEEPA duty applied to goods entered 2025-02-04 through \
2026-02-23 (Executive Orders 14193-14195 and 14257 as amended; duty ended 2026-02-23)");

/// P002: the entry has no IEEPA line with duty.
pub static NO_DUTIABLE_IEEPA: PathRule = rule!("P002", "no-dutiable-ieepa-line", NotRefundable, None, None,
        "the entry has no IEEPA line with duty",
        what: "No row of the entry has an HTS number 9903.01.xx or 9903.02.xx with a duty amount \
above zero. Lines of 9903.03 (Section 122), 9903.88 (Section 301) and 9903.80/.81/.85 (Section \
232) do not count; some 9903.01/.02 numbers are exemption codes with no duty.",
        why: "CAPE refunds IEEPA duty only; an entry without it is rejected (\"no IEEPA HTS on \
entry\").",
        example: "An entry whose only Chapter 99 line is 9903.88.15 (Section 301).",
        fix: "Nothing through CAPE. If ACE shows IEEPA duty that the file lacks, export the full \
ES-003 (all lines) and run again.",
        source: "CBP CAPE guidance: IEEPA Chapter 99 lines 9903.01.xx and 9903.02.xx with duty \
(CBP, \"ACE Portal: CAPE Declarations\" quick reference guide, April 2026)");

/// P003: an entry type CAPE excludes (08, 09), not yet liquidated.
pub static EXCLUDED_TYPE: PathRule = rule!("P003", "excluded-entry-type", Review, None, None,
        "an entry type CAPE excludes (08, 09), not yet liquidated",
        what: "Entry type 08 (USMCA duty deferral) or 09 (reconciliation) that is not liquidated \
(or whose liquidation the file does not date). Liquidated, they take P039 (protest) or P013 \
(court); a type 47 takes P040.",
        why: "CBP's phase 1 guidance excludes these types: a declaration is rejected. It has \
announced no phase that takes them, so \"wait for a later phase\" is not advice anyone can \
follow, and a protest is possible only once the entry liquidates (19 USC 1514(c)(3)). A person \
must choose: wait for the liquidation and protest, or go to court.",
        example: "`Entry Type Code` 08 and `Liquidation Status` Unliquidated.",
        fix: "Do not declare it. Watch its liquidation and protest within 180 days of it (19 USC \
1514); keep the court date in view and ask trade counsel whether to sue first.",
        source: "CBP, \"ACE Portal: CAPE Declarations\" quick reference guide (April 2026), CAPE \
phase 1 eligibility: types 08, 09 and 47 excluded; 19 USC 1514(a)(5) and (c)(3)");

/// P004: a drawback claim covers the entry.
pub static DRAWBACK: PathRule = rule!("P004", "drawback-linked", LaterPhase, None, None,
        "a drawback claim covers the entry",
        what: "The file's drawback column (not part of ES-003; added from a broker or drawback \
system) marks the entry as designated on a drawback claim.",
        why: "CBP rejects drawback-linked entries with ENTRY ON DRAWBACK; CAPE phase 1 excludes \
them.",
        example: "`Drawback Indicator` Y.",
        fix: "Do not declare it now: wait for a later phase, or protest (within 180 days of \
liquidation) or go to court.",
        source: "CBP CAPE message ENTRY ON DRAWBACK; CBP CAPE quick reference guide (April 2026)");

/// P005: the entry is flagged for reconciliation (before 2026-06-29).
pub static RECON_BEFORE_CHANGE: PathRule = rule!("P005", "recon-flagged-before-change", LaterPhase, None, Some(RECON_CHANGE),
        "the entry is flagged for reconciliation (before 2026-06-29)",
        what: "The reconciliation indicator is set and the as-of date is before 2026-06-29.",
        why: "Until 2026-06-29 CBP rejected every reconciliation-flagged entry with ENTRY SUMMARY \
FLAGGED FOR RECON.",
        example: "`Reconciliation Indicator` 001, as of 2026-05-15.",
        fix: "Wait: from 2026-06-29 flagged entries of types 01, 02 and 06 with no type 09 filed \
are accepted.",
        source: RECON_SRC);

/// P006: the entry is flagged for reconciliation and CAPE still refuses it.
pub static RECON_NOT_ACCEPTED: PathRule = rule!("P006", "recon-flagged-not-accepted", LaterPhase, Some(RECON_CHANGE), None,
        "the entry is flagged for reconciliation and CAPE still refuses it",
        what: "From 2026-06-29: the reconciliation indicator is set and either a type 09 \
reconciliation entry was filed for it, or its type is not 01, 02 or 06.",
        why: "CBP's change of 2026-06-29 accepts only flagged entries of types 01, 02 and 06 for \
which no type 09 was filed; the others stay excluded (the refund goes through the reconciliation \
or a later phase).",
        example: "`Reconciliation Indicator` Y and `Reconciliation Entry Number` filled.",
        fix: "Do not declare it; pursue the IEEPA duty through the reconciliation entry or wait for \
a later phase, watching the protest deadline.",
        source: RECON_SRC);

/// P007: the entry is flagged for reconciliation, which CAPE accepts since 2026-06-29.
pub static RECON_ACCEPTED: PathRule = rule!("P007", "recon-flagged-accepted", Cape, Some(RECON_CHANGE), None,
        "the entry is flagged for reconciliation, which CAPE accepts since 2026-06-29",
        what: "From 2026-06-29: the reconciliation indicator is set, the entry type is 01, 02 or 06, \
and no type 09 is known to have been filed. The flag then does not block the entry; the other \
rules decide.",
        why: "Since 2026-06-29 CBP accepts such entries; holding them back would waste days of the \
80-day window.",
        example: "`Entry Type Code` 01, `Reconciliation Indicator` Y, as of 2026-07-01.",
        fix: "Declare it as the other rules say. If a type 09 was in fact filed, CBP rejects the \
entry: it then waits for a later phase.",
        source: RECON_SRC);

/// P008: an open or suspended protest covers the entry.
pub static OPEN_PROTEST: PathRule = rule!("P008", "open-protest", Protest, None, None,
        "an open or suspended protest covers the entry",
        what: "The protest status is open, suspended, pending or similar.",
        why: "CBP rejects entries under an open or suspended protest with PROTEST ON ENTRY; the \
protest carries the claim.",
        example: "`Protest Number` 270425100123, `Protest Status` Suspended.",
        fix: "Follow the protest. If it is denied, the court deadline is 180 days from the denial \
(28 USC 2636(a)). See P009 for withdrawing an IEEPA-only protest.",
        source: "19 USC 1514; CBP CAPE message PROTEST ON ENTRY (CBP, \"ACE Portal: CAPE \
Declarations\" quick reference guide, April 2026)");

/// P009: an IEEPA-only protest may be withdrawn and the entry declared.
pub static PROTEST_WITHDRAWABLE: PathRule = rule!("P009", "protest-withdrawable", Protest, None, None,
        "an IEEPA-only protest may be withdrawn and the entry declared",
        what: "An open protest on an entry liquidated no more than 80 days ago.",
        why: "CBP's guidance lets the filer withdraw a protest that covers only IEEPA duty and \
declare the entry in CAPE, which refunds faster; this works only while the 80-day window is open.",
        example: "Liquidated 2026-10-01, protest open, as of 2026-11-24 (window closes 2026-12-20).",
        fix: "If the protest covers only IEEPA duty, withdraw it in ACE and declare the entry \
before the window closes; a protest covering other issues stays.",
        source: "CBP CAPE guidance on PROTEST ON ENTRY (\"ACE Portal: CAPE Declarations\" quick \
reference guide, April 2026); 19 USC 1514");

/// P010: a protest is on file but its status is missing or unclear.
pub static PROTEST_STATUS_UNKNOWN: PathRule = rule!("P010", "protest-status-unknown", Review, None, None,
        "a protest is on file but its status is missing or unclear",
        what: "A protest number with no protest status (column absent or blank), or a status \
capekit cannot read as open or closed.",
        why: "An open protest blocks CAPE and a closed one does not; guessing either way can cost \
the refund or a rejected declaration.",
        example: "`Protest Number` 270425100123 and no `Protest Status` column.",
        fix: "Look the protest up in ACE (Protest module); add `Protest Status` to the export and \
run again.",
        source: "19 USC 1514; CBP CAPE message PROTEST ON ENTRY (CBP, \"ACE Portal: CAPE \
Declarations\" quick reference guide, April 2026)");

/// P011: the file has no liquidation data for the entry.
pub static LIQUIDATION_ABSENT: PathRule = rule!("P011", "liquidation-data-absent", Review, None, None,
        "the file has no liquidation data for the entry",
        what: "The file has neither a `Liquidation Status` nor a `Liquidation Date` column, or \
only a blank status and no date column.",
        why: "Whether CAPE, a protest or the court is open depends on the liquidation date; \
without it no path can be chosen safely.",
        example: "An ES-003 exported without the optional liquidation columns.",
        fix: "Export ES-003 again with `Liquidation Status` and `Liquidation Date` (or look the \
entry up in ACE) and run again.",
        source: "19 USC 1514(c)(3) (protest within 180 days of liquidation); CBP CAPE phase 1 \
eligibility (liquidated no more than 80 days before filing)");

/// P012: the entry is liquidated but its liquidation date is missing or unreadable.
pub static LIQUIDATION_UNCLEAR: PathRule = rule!("P012", "liquidated-without-date", Review, None, None,
        "the entry is liquidated but its liquidation date is missing or unreadable",
        what: "The liquidation status says liquidated (or is a value capekit does not know) and \
no readable liquidation date stands beside it.",
        why: "The CAPE window (80 days), the protest period (180 days) and the court period all \
count from the liquidation date.",
        example: "`Liquidation Status` Liquidated, `Liquidation Date` empty.",
        fix: "Look up the liquidation date in ACE (or ES-701 liquidation notices), fill it in and \
run again.",
        source: "19 USC 1514(c)(3); CBP CAPE phase 1 eligibility");

/// P013: liquidated more than 180 days ago: only the court remains.
pub static PAST_PROTEST: PathRule = rule!("P013", "liquidated-past-protest-period", Court, None, None,
        "liquidated more than 180 days ago: only the court remains",
        what: "The liquidation date is more than 180 days before the as-of date (day 181 or \
later).",
        why: "CAPE takes entries only up to 80 days after liquidation and a protest only up to \
180 days; what remains is an action in the Court of International Trade under 28 USC 1581(i), \
which must be brought within two years (28 USC 2636(i)). When those two years start is disputed.",
        example: "Liquidated 2026-03-06, as of 2026-11-24 (263 days).",
        fix: "Talk to trade counsel now. The safe last day is the earliest reading: the date of \
the executive order that imposed the duty (by Chapter 99 heading: EO 14193-14195 of 2025-02-01 \
for 9903.01.01-.24, EO 14257 of 2025-04-02 for 9903.01.25 and up and 9903.02) + 2 years, so \
2027-02-01 for the first; where the heading does not tell, the deposit (entry summary date) + 2 \
years. The readings from deposit and liquidation are later and shown as notes.",
        source: "28 USC 1581(i); 28 USC 2636(i); Executive Orders 14193, 14194, 14195 (90 FR \
9113, 9117, 9121) and 14257 (90 FR 15041); CBP CAPE phase 1 eligibility");

/// P014: liquidated 81 to 180 days ago: protest.
pub static WITHIN_PROTEST: PathRule = rule!("P014", "liquidated-within-protest-period", Protest, None, None,
        "liquidated 81 to 180 days ago: protest",
        what: "The liquidation date is 81 to 180 days before the as-of date.",
        why: "CAPE refuses entries liquidated more than 80 days ago (ENTRY SUMMARY IS IN FINAL \
LIQUIDATION STATUS); a protest under 19 USC 1514 is open until liquidation + 180 days.",
        example: "Liquidated 2026-07-01, as of 2026-11-24 (146 days; protest due 2026-12-28).",
        fix: "File a protest in ACE before the protest due date.",
        source: "19 USC 1514(c)(3); CBP CAPE phase 1 eligibility");

/// P015: a goods value is reported on an IEEPA Chapter 99 line: correct by PSC first.
pub static GOODS_VALUE_PSC_OPEN: PathRule = rule!("P015", "goods-value-on-ieepa-line-psc-open", CorrectFirst, None, None,
        "a goods value is reported on an IEEPA Chapter 99 line: correct by PSC first",
        what: "An IEEPA line (9903.01.xx or 9903.02.xx) carries a goods value amount, and the PSC \
window is open.",
        why: "CBP rejects the entry with GOODS VALUE AMOUNT NOT ALLOWED ON IEEPA HTS LINE. Once \
the entry is on a CAPE declaration a PSC is refused (ACE condition 864), so the correction must \
come first.",
        example: "Row with `HTS Number - Full` 99030125 and `Line Tariff Goods Value Amount` \
$12,000.00.",
        fix: "File a PSC that moves the value to the Chapter 1-97 line before the PSC due date, \
then declare the entry.",
        source: PSC_SRC);

/// P016: a goods value is on an IEEPA line and a PSC is no longer possible (or cannot be dated).
pub static GOODS_VALUE_PSC_CLOSED: PathRule = rule!("P016", "goods-value-on-ieepa-line-psc-closed", Review, None, None,
        "a goods value is on an IEEPA line and a PSC is no longer possible (or cannot be dated)",
        what: "An IEEPA line carries a goods value amount, and the entry is liquidated, the PSC \
due date has passed, or the entry date needed to date the PSC window is missing; or its \
liquidation is extended and the 300 days from entry are out, so that a PSC is possible (until \
15 days before the extended date) only if the importer asked for the extension, which ES-003 \
cannot show.",
        why: "CAPE will reject the entry as it stands and the usual correction is closed or \
uncertain; someone must choose between protest, CBP contact and a later phase.",
        example: "Liquidated 2026-10-01 with a goods value on 9903.01.25.",
        fix: "Check the entry in ACE; consider a protest before liquidation + 180 days, or write \
to IEEPARefunds@cbp.dhs.gov.",
        source: PSC_SRC);

/// P017: unliquidated: declare in CAPE.
pub static UNLIQUIDATED: PathRule = rule!("P017", "unliquidated", Cape, None, None,
        "unliquidated: declare in CAPE",
        what: "The entry is not liquidated (including extended and suspended entries) and no \
stronger rule applies.",
        why: "CAPE phase 1 takes unliquidated entries; CBP removes the IEEPA lines and liquidates \
about 45 days after acceptance.",
        example: "`Liquidation Status` Unliquidated.",
        fix: "Declare the entry in CAPE: the plan puts it on its importer's declaration file, \
ready to upload.",
        source: QRG);

/// P018: liquidated no more than 80 days ago: declare in CAPE.
pub static WITHIN_CAPE_WINDOW: PathRule = rule!("P018", "liquidated-within-cape-window", Cape, None, None,
        "liquidated no more than 80 days ago: declare in CAPE",
        what: "The liquidation date is at most 80 days before the as-of date (day 80 is in).",
        why: "CAPE phase 1 takes entries liquidated no more than 80 days before filing; CBP \
reliquidates them.",
        example: "Liquidated 2026-09-05, as of 2026-11-24 (80 days: last day).",
        fix: "Declare the entry before the window closes, with a few days of margin.",
        source: QRG);

/// P019: the CAPE window closes within 14 days.
pub static WINDOW_CLOSING: PathRule = rule!("P019", "cape-window-closing", Cape, None, None,
        "the CAPE window closes within 14 days",
        what: "The CAPE window (liquidation + 80 days) closes within 14 days of the as-of date.",
        why: "After the window only a protest (or court) remains, which is slower and costlier; \
it is unknown whether CBP counts to the upload or to its batch run, so a margin is needed.",
        example: "Liquidated 2026-09-10, as of 2026-11-24: window closes 2026-11-29.",
        fix: "Declare the entry today; check the claim status the next day.",
        source: "CBP, \"ACE Portal: CAPE Declarations\" quick reference guide (April 2026), \
phase 1 eligibility (liquidated no more than 80 days before filing); the margin is capekit's, \
since CBP does not say whether it counts to the upload or to its batch run");

/// P020: a PSC or protest that matters for the entry is due within 14 days.
pub static DEADLINE_NEAR: PathRule = rule!("P020", "psc-or-protest-due-soon", Protest, None, None,
        "a PSC or protest that matters for the entry is due within 14 days",
        what: "A deadline that matters for the entry's path, the post-summary correction \
(correct-first, review) or the protest (protest, later-phase, court, review), falls within 14 \
days of the as-of date (day 14 is in, day 15 is not; the last day counts).",
        why: "A protest not filed within 180 days of liquidation is lost for good (19 USC \
1514(c)(3)), and a PSC not filed in time leaves an entry CAPE rejects; either takes a day or \
two to prepare.",
        example: "Liquidated 2026-06-10, as of 2026-11-27: protest due 2026-12-07 (10 days).",
        fix: "File the protest in ACE (or the PSC) now; record it with `capekit ledger acted` so \
that the deadline stops alarming.",
        source: "19 USC 1514(c)(3) (protest within 180 days of liquidation); CBP ACE Post \
Summary Correction rules (CATAIR PSC chapter: 300 days from entry, 15 days before scheduled \
liquidation)");

/// P021: the court deadline that matters for the entry is within 60 days.
pub static COURT_NEAR: PathRule = rule!("P021", "court-deadline-near", Court, None, None,
        "the court deadline that matters for the entry is within 60 days",
        what: "The last day to sue in the Court of International Trade, under 28 USC 1581(i) at \
its earliest reading or under 28 USC 1581(a) after a denied protest, falls within 60 days of the \
as-of date (day 60 is in, day 61 is not).",
        why: "A suit needs trade counsel, a summons and a complaint; counsel need weeks. The \
first 1581(i) dates at the earliest reading fall on 2027-02-01 for every entry under the \
fentanyl orders, whatever its entry date.",
        example: "HTS 9903.01.10 (EO 14195), as of 2026-12-15: court due 2027-02-01 (48 days).",
        fix: "Send the court packet (`court-IMPORTER-DATE.xlsx`) to trade counsel now; record the \
suit with `capekit ledger acted ENTRY --suit NUMBER --date D` once filed.",
        source: "28 USC 1581(i) and 2636(i) (two years); 28 USC 1581(a) and 2636(a) (180 days \
after denial); Executive Orders 14193-14195 (signed 2025-02-01) and 14257 (signed 2025-04-02)");

/// P022: the protest was denied: the court within 180 days of the denial.
pub static PROTEST_DENIED: PathRule = rule!("P022", "protest-denied", Court, None, None,
        "the protest was denied: the court within 180 days of the denial",
        what: "The protest status says denied and the file gives the protest decision date.",
        why: "Only one protest is allowed per entry and decision (19 USC 1514): the next step \
is an action in the Court of International Trade under 28 USC 1581(a) within 180 days after the \
notice of denial is mailed (28 USC 2636(a)); the ACE decision date is the safe start. Which \
route fits IEEPA duty is disputed, so the 1581(i) date is kept beside it.",
        example: "`Protest Status` Denied, `Protest Decision Date` 10/01/2026: sue by 2027-03-30.",
        fix: "Do not file another protest. Send the court packet to trade counsel before the \
earlier of the 1581(a) and 1581(i) dates: which route fits IEEPA duty is disputed.",
        source: DENIAL_SRC);

/// P023: the protest was denied but the file does not say when.
pub static PROTEST_DENIED_UNDATED: PathRule = rule!("P023", "protest-denied-without-date", Review, None, None,
        "the protest was denied but the file does not say when",
        what: "The protest status says denied and no protest decision date is in the file, or \
the date given cannot be right: after the as-of date, or before the liquidation the protest \
contests. Also while the CAPE window is open: a decided protest does not block CAPE, but the \
180 days to sue may be running unseen.",
        why: "The 1581(a) route runs 180 days from the denial (28 USC 2636(a)); without the \
date, or with a date that cannot be right, it cannot be counted, and the 1581(i) date may come \
first. Deciding on a guess could miss the suit's last day.",
        example: "`Protest Status` Denied and no `Protest Decision Date` column; or a `Protest \
Decision Date` of 06/20/2026 beside a liquidation of 09/25/2026.",
        fix: "Look the decision date up in ACE (Protest module), add or correct `Protest Decision \
Date` and run again; meanwhile keep the 1581(i) date shown, and the 1581(a) date where one is \
shown. Never file a second protest.",
        source: DENIAL_SRC);

/// P024: the protest was approved, or decided with no outcome stated.
pub static PROTEST_APPROVED: PathRule = rule!("P024", "protest-approved-or-outcome-unknown", Review, None, None,
        "the protest was approved, or decided with no outcome stated",
        what: "The protest status says approved, allowed or granted (in whole or in part), or \
decided, closed or complete without saying how.",
        why: "An approved protest may already have refunded the IEEPA duty, and declaring it \
again is wasted or rejected; a decided protest of unknown outcome may be a denial whose 180 days \
run.",
        example: "`Protest Status` Approved.",
        fix: "Check the protest decision and any refund in ACE before declaring; if it was \
denied, see P022.",
        source: "19 USC 1515 (review of protests); 19 USC 1514; 28 USC 2636(a)");

/// P025: IEEPA duty is shown on a 9903.01/.02 line but the entry date is outside the IEEPA period.
pub static DUTY_OUTSIDE_PERIOD: PathRule = rule!("P025", "ieepa-duty-outside-period", Review, None, None,
        "IEEPA duty is shown on a 9903.01/.02 line but the entry date is outside the IEEPA period",
        what: "A line with HTS 9903.01.xx or 9903.02.xx carries duty above zero while the entry \
date is before 2025-02-04 or after 2026-02-23.",
        why: "The data disagrees with itself: either the entry date is wrong (and the duty is \
refundable) or the line is. Writing it off as not refundable could lose a real refund.",
        example: "`Entry Date` 02/03/2025 with $1,200.00 on 9903.01.10.",
        fix: "Check the entry date (or the date of withdrawal for consumption) in ACE; the plan \
shows the deadlines as if the duty were refundable.",
        source: "IEEPA duty applied to goods entered or withdrawn for consumption 2025-02-04 \
through 2026-02-23 (Executive Orders 14195 and 14257 as amended; CBP CAPE guidance)");

/// P026: an IEEPA line's duty cell is blank.
pub static DUTY_CELL_BLANK: PathRule = rule!("P026", "ieepa-duty-cell-blank", Review, None, None,
        "an IEEPA line's duty cell is blank",
        what: "A 9903.01.xx or 9903.02.xx line has an empty `Line Tariff Duty Amount` and no \
line of the entry shows IEEPA duty above zero.",
        why: "A blank cell is unknown, not zero: only an explicit 0.00 marks an exemption line. \
Counting blank as zero would write off a refundable entry.",
        example: "`HTS Number - Full` 99030125 with an empty duty cell.",
        fix: "Export ES-003 again with the duty amounts, or check the line in ACE.",
        source: "CBP ACE report ES-003 (Entry Summary Line Tariff Details); CBP CAPE guidance: \
IEEPA lines with duty above zero");

/// P027: "Unliquidated" disagrees with the dates: the entry may be liquidated.
pub static UNLIQUIDATED_STALE: PathRule = rule!("P027", "unliquidated-status-stale", Review, None, None,
        "\"Unliquidated\" disagrees with the dates: the entry may be liquidated",
        what: "The status says unliquidated (or extended) but the liquidation date (the \
extended date) is in the past, or the entry is more than a year old with no extension or suspension shown. Where another rule decides \
the entry (a protest, a TIB, IEEPA duty outside the period), P027 stands beside it with both \
readings; where that rule would send it to a later phase and the protest period of the \
liquidated reading has passed, P027 decides (review): read as liquidated, only a suit remains, \
read as unliquidated, it waits.",
        why: "An entry not liquidated within one year of entry, and not extended or suspended, \
is liquidated by operation of law (19 USC 1504(a)); a past liquidation date is a liquidation \
that happened. The CAPE window and the protest period then run from that date.",
        example: "`Liquidation Status` Unliquidated, `Liquidation Date` 170 days ago.",
        fix: "Check the entry in ACE. The plan counts the deadlines from the earlier reading, \
so a protest due date is not missed, and names the deadlines of the unliquidated reading beside \
them.",
        source: "19 USC 1504(a) (deemed liquidation); 19 USC 1514(c)(3); CBP CAPE phase 1 \
eligibility");

/// P028: "Liquidated" with a liquidation date after the as-of date.
pub static LIQUIDATED_IN_FUTURE: PathRule = rule!("P028", "liquidated-date-in-future", Review, None, None,
        "\"Liquidated\" with a liquidation date after the as-of date",
        what: "The status says liquidated and the liquidation date is later than the as-of \
date.",
        why: "Either the date is the scheduled liquidation of an unliquidated entry (CAPE takes \
it) or the status or date is wrong; the CAPE window and protest period depend on which.",
        example: "`Liquidation Status` Liquidated, `Liquidation Date` next month.",
        fix: "Check the entry in ACE; the plan names the deadlines under both readings.",
        source: "19 USC 1504; 19 USC 1514(c)(3); CBP CAPE phase 1 eligibility");

/// P029: a temporary importation under bond (type 23): unresolved.
pub static TIB: PathRule = rule!("P029", "temporary-importation-bond", Review, None, None,
        "a temporary importation under bond (type 23): unresolved",
        what: "Entry type 23 (TIB).",
        why: "CBP has not said whether CAPE takes TIB entries; IEEPA duty on them is unusual \
and a declaration may be refused.",
        example: "`Entry Type Code` 23.",
        fix: "Ask CBP (IEEPARefunds@cbp.dhs.gov) or counsel before declaring; keep the protest \
date in view.",
        source: "CBP CAPE quick reference guide (April 2026): type 23 not listed among accepted \
or excluded types");

/// P030: AD/CVD entry pending liquidation after Commerce's instructions.
pub static ADCVD_PENDING: PathRule = rule!("P030", "adcvd-pending-liquidation", LaterPhase, None, None,
        "AD/CVD entry pending liquidation after Commerce's instructions",
        what: "The AD/CVD column says the entry is pending liquidation (Commerce has issued \
liquidation instructions).",
        why: "CAPE phase 1 excludes AD/CVD entries pending liquidation after Commerce's \
instructions (suspended AD/CVD entries are taken).",
        example: "`AD/CVD Status` Pending Liquidation.",
        fix: "Do not declare it now; watch the liquidation and protest within 180 days of it.",
        source: QRG);

/// P031: an AD/CVD entry whose state the file does not tell.
pub static ADCVD_UNCLEAR: PathRule = rule!("P031", "adcvd-state-unknown", Review, None, None,
        "an AD/CVD entry whose state the file does not tell",
        what: "The AD/CVD column marks the entry (`Y`, a case number) without saying whether it \
is suspended or pending liquidation; or the entry is of type 03 or 07 (AD/CVD entries), not \
liquidated, and the file does not say it is suspended.",
        why: "A suspended AD/CVD entry is taken by CAPE, one pending liquidation after \
Commerce's instructions is not.",
        example: "`AD/CVD Status` Y.",
        fix: "Check the AD/CVD case status in ACE and write `Suspended` or `Pending Liquidation`.",
        source: QRG);

/// P032: a warehouse entry (type 21/22): declare its withdrawals instead.
pub static WAREHOUSE: PathRule = rule!("P032", "warehouse-entry-not-declared", LaterPhase, Some(WAREHOUSE_CHANGE), None,
        "a warehouse entry (type 21/22): declare its withdrawals instead",
        what: "From 2026-07-07: entry type 21 or 22.",
        why: "Since 2026-07-07 CAPE answers ENTRY TYPE NOT ALLOWED for warehouse entries; their \
withdrawals for consumption (types 31, 32, 34, 38) are taken, and the refund follows when the \
warehouse entry liquidates.",
        example: "`Entry Type Code` 21, as of 2026-07-15.",
        fix: "Do not declare the warehouse entry; declare its withdrawal entries (types 31, 32, \
34, 38).",
        source: "CBP CSMS 69127837 of 2026-07-07, as relayed by brokers (confidence B/C)");

/// P033: finally liquidated entry of an importer that sued: CAPE Phase 3.
pub static PHASE3: PathRule = rule!("P033", "phase-3-importer", Phase3, Some(PHASE3_OPENED), None,
        "finally liquidated entry of an importer that sued: CAPE Phase 3",
        what: "From 2026-10-06: the entry is past its protest period (liquidated more than 180 \
days ago) and its importer is named by the user (`--phase3-importers`) as a CIT plaintiff whose \
IOR was submitted by 2026-07-30.",
        why: "Phase 3 refunds finally liquidated entries only for importers that sued in the \
CIT and whose IOR was submitted by 2026-07-30; everyone else has only the court. Entries 81 to \
180 days past liquidation keep the protest route.",
        example: "Liquidated 2026-03-01, importer 27-184593000 listed as submitted, as of \
2026-11-24.",
        fix: "Submit it through Phase 3 as CBP instructs (the format is unpublished, so capekit \
writes no upload); keep the court date in view until it is accepted; record it with `capekit \
ledger acted ENTRY --phase3 --date D`.",
        source: PHASE3_SRC);

/// P034: an FTZ type 06 entry whose fix is a PSC on the IEEPA line: not correctable.
pub static FTZ_PSC_BLOCKED: PathRule = rule!("P034", "ftz-06-psc-not-allowed", Review, Some(FTZ_PSC_CHANGE), None,
        "an FTZ type 06 entry whose fix is a PSC on the IEEPA line: not correctable",
        what: "From 2026-08-21: entry type 06 with a goods value on an IEEPA Chapter 99 line \
(the fix P015 would advise).",
        why: "ACE refuses a post-summary correction that modifies an IEEPA HTS line of an FTZ \
type 06 entry (F883 PSC NOT ALLOWED TO MODIFY IEEPA HTS), so CAPE will reject the entry and it \
cannot be corrected first.",
        example: "`Entry Type Code` 06, goods value on 9903.01.25, as of 2026-09-01.",
        fix: "Write to IEEPARefunds@cbp.dhs.gov; keep the protest date in view once liquidated.",
        source: "CBP CSMS 69635410 of 2026-08-21 (ACE error F883), as relayed by brokers \
(confidence B/C)");

/// P035: liquidation reason 36 (CAPE): already refunded through CAPE.
pub static REFUNDED_BY_CAPE: PathRule = rule!("P035", "refunded-through-cape", Done, None, None,
        "liquidation reason 36 (CAPE): already refunded through CAPE",
        what: "The liquidation reason code is 36 (\"CAPE\").",
        why: "ACE marks an entry refunded through CAPE with liquidation reason 36; declaring it \
again is the one mistake that gets a declaration rejected.",
        example: "`Liquidation Reason Code` 36.",
        fix: "Nothing: never declare it again. A refund short of what is owed is protested \
within 180 days of the reliquidation.",
        source: "CBP ACE Entry Summary Query, liquidation reason code 36 (CAPE), as relayed by a \
vendor (confidence C)");

/// P036: a cell that decides the entry could not be read.
pub static CELL_UNREADABLE: PathRule = rule!("P036", "deciding-cell-unreadable", Review, None, None,
        "a cell that decides the entry could not be read",
        what: "A cell of the entry's rows that the decision needs could not be read (reader \
findings R002, R003, R006, R007): an HTS number (`9.90E+07`, `N/A`), the duty or goods value of \
an IEEPA line, the entry type, or the entry, liquidation or protest decision date. The entry \
would otherwise be declared or corrected by PSC.",
        why: "The unreadable cell may be the IEEPA line, its duty, a goods value on it (which \
must be corrected by PSC before the entry is declared: once on a declaration a PSC is refused, \
ACE condition 864), an excluded entry type, or a date that moves the CAPE window. Declaring on a \
guess can cost the correction or the refund.",
        example: "`HTS Number - Full` `9.90E+07` on the entry's only Chapter 99 line.",
        fix: "Correct each cell the notes name and run again. An HTS number in scientific \
notation means Excel converted the column: export ES-003 again and open it with the HTS column \
formatted as Text (or do not open it in Excel before capekit reads it).",
        source: "CBP ACE report ES-003 (Entry Summary Line Tariff Details); CBP CAPE guidance: \
IEEPA lines 9903.01.xx and 9903.02.xx with duty; ACE condition 864 \"PSC NOT ALLOWED\"");

/// P037: the entry date is blank or not in the file.
pub static ENTRY_DATE_UNKNOWN: PathRule = rule!("P037", "entry-date-unknown", Review, None, None,
        "the entry date is blank or not in the file",
        what: "The entry has no entry date: the `Entry Date` cell is blank, or the file has no \
such column. The entry would otherwise be declared or corrected by PSC.",
        why: "The entry date decides whether the IEEPA duty was due (2025-02-04 to 2026-02-23), \
whether an \"Unliquidated\" entry more than a year old was in fact liquidated by operation of \
law (19 USC 1504(a)), whose CAPE window and protest period then run, and the PSC window (300 \
days from entry).",
        example: "`Entry Date` empty on every row of the entry.",
        fix: "Fill in the entry date from ACE (or export ES-003 with `Entry Date`) and run again.",
        source: "19 USC 1504(a) (liquidation by operation of law); CBP ACE Post Summary \
Correction rules (300 days from entry); CBP ACE report ES-003 (Entry Summary Line Tariff \
Details)");

/// P038: a negative duty on an IEEPA line.
pub static NEGATIVE_DUTY: PathRule = rule!("P038", "ieepa-duty-negative", Review, None, None,
        "a negative duty on an IEEPA line",
        what: "A 9903.01.xx or 9903.02.xx line carries a negative duty amount, such as \
`($740.00)` or `-740.00` (reader finding R012).",
        why: "An entry summary line does not carry negative duty: the value is a correction, a \
refund already made, or an export that wrote a credit as a line. Read as $740.00 the entry would \
be declared, read as nothing it would be written off; neither is safe.",
        example: "`Line Tariff Duty Amount` `($740.00)` on 9903.01.25.",
        fix: "Look the entry summary up in ACE: if the IEEPA duty was already refunded or \
corrected, record it; otherwise correct the export to the duty deposited and run again.",
        source: "CBP ACE report ES-003 (Entry Summary Line Tariff Details); CBP CAPE guidance: \
IEEPA lines with duty above zero");

/// P039: an entry type CAPE excludes (08, 09), liquidated no more than 180 days ago: protest.
pub static EXCLUDED_TYPE_PROTEST: PathRule = rule!("P039", "excluded-type-liquidated-protest", Protest, None, None,
        "an entry type CAPE excludes (08, 09), liquidated no more than 180 days ago: protest",
        what: "Entry type 08 (USMCA duty deferral) or 09 (reconciliation), liquidated no more \
than 180 days before the as-of date.",
        why: "CAPE phase 1 rejects these types even inside the 80-day window, and no phase that \
takes them is announced; the liquidation (or the reconciliation's) can be protested under 19 USC \
1514 until liquidation + 180 days, which keeps the claim alive.",
        example: "`Entry Type Code` 09, liquidated 2026-10-01, as of 2026-11-24: protest by \
2027-03-30.",
        fix: "File a protest in ACE before the protest due date; record it with `capekit ledger \
acted ENTRY --protest NUMBER --date D`.",
        source: "19 USC 1514(a)(5) and (c)(3); CBP, \"ACE Portal: CAPE Declarations\" quick \
reference guide (April 2026), CAPE phase 1 eligibility: types 08, 09 and 47 excluded");

/// P040: a drawback claim (entry type 47): not an entry CAPE refunds.
pub static DRAWBACK_CLAIM: PathRule = rule!("P040", "drawback-claim-entry", Review, None, None,
        "a drawback claim (entry type 47): not an entry CAPE refunds",
        what: "Entry type 47, a drawback claim, whatever its liquidation.",
        why: "CAPE phase 1 excludes type 47, and no IEEPA duty was deposited on a drawback claim: \
the duty sits on the import entries the claim designates, which CBP rejects as drawback-linked \
(ENTRY ON DRAWBACK: later phase, protest or court). Whether the claim itself should be amended, \
protested or left alone is a question for a person.",
        example: "`Entry Type Code` 47.",
        fix: "Do not declare it. Plan the import entries the claim designates (their own ES-003 \
rows); ask trade counsel or IEEPARefunds@cbp.dhs.gov about the claim itself.",
        source: "CBP, \"ACE Portal: CAPE Declarations\" quick reference guide (April 2026), CAPE \
phase 1 eligibility: type 47 excluded; CBP CAPE message ENTRY ON DRAWBACK");

/// P041: rows of the entry disagree on a value its path rests on.
pub static CONFLICTING_VALUES: PathRule = rule!("P041", "conflicting-entry-values", Review, None, None,
        "rows of the entry disagree on a value its path rests on",
        what: "Two rows of the same entry give different values for a column that belongs to \
the whole entry and decides its path (reader finding R004): entry type, importer number, entry \
date, liquidation status or date, reconciliation, control, protest, drawback, liquidation reason \
or AD/CVD.",
        why: "Only one can be right, and the path may change with it: a liquidation date 150 days \
earlier closes the CAPE window, an entry type 47 excludes the entry, another importer number \
makes the declaration fail. The reader keeps the first value; deciding on it would be a guess.",
        example: "`Liquidation Date` 11/01/2026 on line 2 and 06/01/2026 on line 3 of one entry.",
        fix: "Check the entry in ACE, correct the export (or drop the older of two merged \
reports) and run again. The notes give the deadlines of the other liquidation date.",
        source: "CBP ACE report ES-003 (Entry Summary Line Tariff Details); 19 USC 1514(c)(3); \
CBP CAPE phase 1 eligibility (liquidated no more than 80 days before filing)");

/// Every path rule, in code order.
pub static PATH_RULES: &[&PathRule] = &[
    &OUTSIDE_PERIOD,
    &NO_DUTIABLE_IEEPA,
    &EXCLUDED_TYPE,
    &DRAWBACK,
    &RECON_BEFORE_CHANGE,
    &RECON_NOT_ACCEPTED,
    &RECON_ACCEPTED,
    &OPEN_PROTEST,
    &PROTEST_WITHDRAWABLE,
    &PROTEST_STATUS_UNKNOWN,
    &LIQUIDATION_ABSENT,
    &LIQUIDATION_UNCLEAR,
    &PAST_PROTEST,
    &WITHIN_PROTEST,
    &GOODS_VALUE_PSC_OPEN,
    &GOODS_VALUE_PSC_CLOSED,
    &UNLIQUIDATED,
    &WITHIN_CAPE_WINDOW,
    &WINDOW_CLOSING,
    &DEADLINE_NEAR,
    &COURT_NEAR,
    &PROTEST_DENIED,
    &PROTEST_DENIED_UNDATED,
    &PROTEST_APPROVED,
    &DUTY_OUTSIDE_PERIOD,
    &DUTY_CELL_BLANK,
    &UNLIQUIDATED_STALE,
    &LIQUIDATED_IN_FUTURE,
    &TIB,
    &ADCVD_PENDING,
    &ADCVD_UNCLEAR,
    &WAREHOUSE,
    &PHASE3,
    &FTZ_PSC_BLOCKED,
    &REFUNDED_BY_CAPE,
    &CELL_UNREADABLE,
    &ENTRY_DATE_UNKNOWN,
    &NEGATIVE_DUTY,
    &EXCLUDED_TYPE_PROTEST,
    &DRAWBACK_CLAIM,
    &CONFLICTING_VALUES,
];

/// The rule with this code.
pub fn path_rule(code: &str) -> Option<&'static PathRule> {
    crate::rules::by_code(PATH_RULES, code)
}
