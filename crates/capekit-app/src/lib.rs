//! The jobs both faces of capekit call: the command line (`capekit`) and the web workbench
//! (`capekit-web`). Each job reads what it is given, decides with the domain (`capekit-core`),
//! asks and records with the ledger (`capekit-ledger`), and returns values the faces print or
//! render. A face parses its arguments or form, calls the job, and shows what it returns: it
//! holds no step of the job, so that the terminal and the browser cannot answer one file
//! differently.
//!
//! The jobs: [`acted`] (what was done on another path), [`check`] (check and fix), [`import`] (`ledger import`, and the refund reports the
//! workbench's drop zone records), [`plan`], [`refile`] (the next declaration from the ledger),
//! [`refunds`] (refund reports recorded and reconciled, and what the user says of importers),
//! [`status`], [`triage`] (reading its files, its records and guard) [`uploaded`] (saying a
//! declaration was uploaded) and [`users`] (the people of a team server: passwords and sign-in). DESIGN.md says why each moved here.

pub mod acted;
pub mod check;
pub mod import;
pub mod plan;
pub mod refile;
pub mod refunds;
pub mod status;
pub mod triage;
pub mod uploaded;
pub mod users;
