//! The columns of an ES-003 export and their aliases: which header names which column.

use super::*;

pub(super) const ENTRY_COLUMN_NAMES: &str =
    "Entry Summary Number, Entry Number, ENTRY_NUMBER, Entry No";
/// Header aliases, squashed to lower-case letters and digits.
pub(super) const ALIASES: &[(Column, &[&str])] = &[
    (
        Column::EntryNumber,
        &[
            "entrysummarynumber",
            "entrynumber",
            "entryno",
            "entrynum",
            "entrynbr",
            "entry",
            "entrysummaryno",
            "entrysummarynbr",
        ],
    ),
    (
        Column::EntryType,
        &[
            "entrytypecode",
            "entrytype",
            "entrytypecd",
            "entrysummarytypecode",
        ],
    ),
    (
        Column::ImporterNumber,
        &[
            "importernumber",
            "iornumber",
            "importerofrecordnumber",
            "importerofrecordno",
            "importerno",
            "iorno",
            "iornbr",
            "importernbr",
            "importerid",
            "iorid",
            "importerofrecord",
            "importerofrecordnbr",
            "ior",
        ],
    ),
    (
        Column::ImporterName,
        &["importername", "iorname", "importerofrecordname"],
    ),
    (Column::EntryDate, &["entrydate", "dateofentry", "entrydt"]),
    (
        Column::EntrySummaryDate,
        &["entrysummarydate", "summarydate", "entrysummarydt"],
    ),
    (
        Column::Hts,
        &[
            "htsnumberfull",
            "htsnumber",
            "hts",
            "tariffnumber",
            "htsno",
            "htsus",
            "htsusnumber",
            "htscode",
            "tariffno",
            "linetariffhtsnumber",
            "tariffnumberfull",
            "htsfull",
            "htsnbr",
            "tariffnbr",
            "linetariffnumber",
        ],
    ),
    (
        Column::GoodsValue,
        &[
            "linetariffgoodsvalueamount",
            "goodsvalueamount",
            "goodsvalue",
            "linetariffgoodsvalue",
            "enteredvalue",
            "linetariffgoodsvalueamt",
            "goodsvalueamt",
            "linegoodsvalueamount",
            "linegoodsvalue",
        ],
    ),
    (
        Column::Duty,
        &[
            "dutyamount",
            "duty",
            "linetariffduty",
            "dutyamt",
            "linedutyamount",
            "linetariffdutyamt",
            "linedutyamt",
            "linetariffdutyamount",
        ],
    ),
    (
        Column::LiquidationStatus,
        &[
            "liquidationstatus",
            "liqstatus",
            "liquidationstatuscode",
            "liquidationstatusdescription",
            "liquidationstatusdesc",
            "liqstatusdesc",
            "liqstatusdescription",
        ],
    ),
    (
        Column::LiquidationDate,
        &[
            "liquidationdate",
            "liqdate",
            "liquidationdt",
            "dateofliquidation",
            "liqdt",
        ],
    ),
    (
        Column::ReconciliationIndicator,
        &[
            "reconciliationindicator",
            "reconindicator",
            "reconciliationflag",
            "reconflag",
            "reconciliationflagindicator",
            "reconciliationissuecode",
            "reconissuecode",
            "reconciliationflagind",
            "reconind",
        ],
    ),
    (
        Column::ReconciliationEntryNumber,
        &[
            "reconciliationentrynumber",
            "reconentrynumber",
            "type09entrynumber",
        ],
    ),
    (
        Column::ControlStatus,
        &[
            "controlstatus",
            "entrysummarycontrolstatus",
            "controlstatuscode",
        ],
    ),
    (
        Column::ProtestNumber,
        &["protestnumber", "protestno", "protestnbr"],
    ),
    (
        Column::ProtestStatus,
        &[
            "proteststatus",
            "proteststatuscode",
            "proteststatusdescription",
            "proteststatusdesc",
        ],
    ),
    (
        Column::Drawback,
        &[
            "drawbackindicator",
            "drawbackflag",
            "drawback",
            "drawbackclaimnumber",
            "drawbackclaimnbr",
            "drawbackclaimno",
            "drawbackclaimnum",
            "drawbackclaim",
            "dbkclaimnumber",
            "dbkclaimnbr",
            "dbkclaimno",
            "dbkindicator",
            "dbkflag",
            "dbk",
        ],
    ),
    (
        Column::ProtestDecisionDate,
        &[
            "protestdecisiondate",
            "protestdecisiondt",
            "protestdecideddate",
            "protestdenialdate",
            "protestdecision",
        ],
    ),
    (
        Column::LiquidationReason,
        &[
            "liquidationreasoncode",
            "liquidationreason",
            "liqreasoncode",
            "liqreason",
            "liquidationreasoncd",
            "liquidationreasondescription",
            "liquidationreasondesc",
            "liqreasondesc",
            "liqreasondescription",
            "liquidationreasoncodedescription",
            "liquidationreasoncodedesc",
        ],
    ),
    (
        Column::AdCvd,
        &[
            "adcvdstatus",
            "adcvdindicator",
            "adcvd",
            "addcvd",
            "addcvdindicator",
            "addcvdstatus",
            "adcvdflag",
            "adcvdcasestatus",
            "adcvdcasenumber",
            "adcvdcasenbr",
            "adcvdcaseno",
            "adcvdcase",
            "addcvdcasenumber",
            "adcvdcasenum",
        ],
    ),
    (
        Column::Port,
        &[
            "portofentrycode",
            "portofentry",
            "portcode",
            "port",
            "entryport",
            "portofentrycd",
        ],
    ),
];

/// Columns whose value belongs to the whole entry (repeated on each of its rows).
pub(super) const ENTRY_LEVEL: [Column; 17] = [
    Column::EntryType,
    Column::ImporterNumber,
    Column::ImporterName,
    Column::EntryDate,
    Column::EntrySummaryDate,
    Column::LiquidationStatus,
    Column::LiquidationDate,
    Column::ReconciliationIndicator,
    Column::ReconciliationEntryNumber,
    Column::ControlStatus,
    Column::ProtestNumber,
    Column::ProtestStatus,
    Column::Drawback,
    Column::ProtestDecisionDate,
    Column::LiquidationReason,
    Column::AdCvd,
    Column::Port,
];

/// Lower-case letters and digits of a header, a note in brackets left out (`Entry Date
/// (MM/DD/YYYY)`, `Duty [USD]`) unless the header is nothing else.
pub(super) fn squash(header: &str) -> String {
    let header = unwrap_value(header);
    let letters = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let mut outside = String::with_capacity(header.len());
    let mut depth = 0usize;
    for c in header.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => outside.push(c),
            _ => {}
        }
    }
    let squashed = letters(&outside);
    if squashed.is_empty() {
        letters(header)
    } else {
        squashed
    }
}

/// The field a header names, if capekit knows it.
pub fn column_of(header: &str) -> Option<Column> {
    let h = squash(header);
    ALIASES
        .iter()
        .find(|(_, names)| names.contains(&h.as_str()))
        .map(|(c, _)| *c)
}
