//! The CAPE domain, with no I/O: entry numbers, the rule catalogs and their documentation, the
//! file check of declaration uploads, triage of CBP's answers, and the path of each entry.
//!
//! Everything here works on values the readers built and returns values the printers render, so
//! that the CLI, the web workbench and the tests all call the same functions.

pub mod calendar;
pub mod catalog;
pub mod catalogs;
pub mod check;
pub mod dates;
pub mod deadline;
pub mod diag;
pub mod doc;
pub mod entry;
pub mod entry_data;
pub mod file_kind;
pub mod fix;
pub mod interest;
pub mod known;
pub mod names;
pub mod path;
pub mod plan;
pub mod psc;
pub mod reading;
pub mod refunds;
pub mod rules;
pub mod triage;
pub mod words;

pub use diag::{Diagnostic, Severity};
pub use entry::{EntryNumber, EntryNumberError, FilerCode};
pub use file_kind::FileKind;
pub use triage::refine;
