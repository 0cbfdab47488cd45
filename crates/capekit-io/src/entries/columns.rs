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
        ],
    ),
    (
        Column::Duty,
        &[
            "linetariffdutyamount",
            "dutyamount",
            "duty",
            "linetariffduty",
            "dutyamt",
            "linedutyamount",
        ],
    ),
    (
        Column::LiquidationStatus,
        &[
            "liquidationstatus",
            "liqstatus",
            "liquidationstatuscode",
            "liquidationstatusdescription",
        ],
    ),
    (
        Column::LiquidationDate,
        &[
            "liquidationdate",
            "liqdate",
            "liquidationdt",
            "dateofliquidation",
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
        ],
    ),
    (
        Column::Drawback,
        &[
            "drawbackindicator",
            "drawbackflag",
            "drawback",
            "drawbackclaimnumber",
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

pub(super) fn squash(header: &str) -> String {
    unwrap_value(header)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The field a header names, if capekit knows it.
pub fn column_of(header: &str) -> Option<Column> {
    let h = squash(header);
    ALIASES
        .iter()
        .find(|(_, names)| names.contains(&h.as_str()))
        .map(|(c, _)| *c)
}
