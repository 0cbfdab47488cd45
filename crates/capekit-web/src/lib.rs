//! The capekit web workbench: `capekit serve`.
//!
//! A second face over the same library calls as the CLI, for compliance clerks who live in Excel
//! and the browser: drop the files ACE gave back, read the triage, filter the worklist, download
//! the next declaration; drop an ES-003 entry report and get the plan of what to declare, with
//! the declaration files. The web adds no CAPE logic: every page is a `capekit-io` reader, a
//! `capekit-core` function and a `capekit-io` writer, rendered as HTML (maud escapes every value),
//! and the ledger (`capekit-ledger`) is asked and told what the CLI asks and tells it.
//!
//! It runs on the user's own machine: it binds 127.0.0.1 by default, loads nothing from elsewhere
//! (CSS and script are embedded), sends every response with a strict Content-Security-Policy, and
//! refuses state-changing requests from other origins. Uploaded files are kept in memory for the
//! session and saved under generated names in [`AppState::upload_dir`].

mod assets;
mod error;
mod layout;
mod ledger;
mod pages;
mod security;
mod session;

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

pub use error::AppError;
pub use session::{SessionId, Sessions};

/// The largest request body accepted: 20 MB. CBP's own files are far smaller (a declaration must
/// be under 1 MB; a Claim Details of 9,999 entries is about 1 MB as CSV).
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Where uploaded files are saved, under generated names (never the client's file name).
    pub upload_dir: PathBuf,
    /// The ledger file, resolved as every command resolves it (`--ledger`, `CAPEKIT_LEDGER`, the
    /// data folder); `None` with `--no-ledger`, and every page then says the ledger is off. It is
    /// opened per request (see `ledger.rs`).
    pub ledger: Option<PathBuf>,
    /// Apply the rules in force on this date instead of today (tests; the upload form can also
    /// set it per upload).
    pub as_of: Option<jiff::civil::Date>,
    /// Sessions of this server run.
    pub sessions: Sessions,
}

impl AppState {
    /// A state saving uploads under `upload_dir`, with no ledger.
    pub fn new(upload_dir: impl Into<PathBuf>) -> Self {
        Self {
            upload_dir: upload_dir.into(),
            ledger: None,
            as_of: None,
            sessions: Sessions::default(),
        }
    }

    /// The rules date for a triage: the state's override, else today.
    fn today(&self) -> jiff::civil::Date {
        self.as_of
            .unwrap_or_else(|| jiff::ZonedDateTime::now().date())
    }
}

/// The default folder for uploads: the user's data folder, `capekit/uploads`.
pub fn default_upload_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("capekit").join("uploads"))
}

/// The whole application, without a socket: what `serve` runs and what tests call with `oneshot`.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::home::page))
        .route("/upload", post(pages::upload::upload))
        .route("/triage/{id}", get(pages::triage::page))
        .route("/triage/{id}/{file}", get(pages::triage::file))
        .route(
            "/triage/{id}/{file}/uploaded",
            post(pages::triage::mark_uploaded),
        )
        .route(
            "/triage/{id}/rebuild",
            get(pages::rebuild::page).post(pages::rebuild::submit),
        )
        .route("/plan/{id}", get(pages::plan::page))
        .route("/plan/{id}/{file}", get(pages::plan::file))
        .route("/check", get(pages::check::form).post(pages::check::submit))
        .route("/check/{id}", get(pages::check::page))
        .route("/check/{id}/{file}", get(pages::check::file))
        .route("/rules", get(pages::rules::list))
        .route("/rules/{code}", get(pages::rules::rule))
        .route("/entry/{number}", get(pages::entry::page))
        .route("/static/{file}", get(assets::serve))
        .route("/favicon.ico", get(assets::favicon))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(security::html_errors))
        .layer(axum::middleware::from_fn(security::oversize))
        .layer(axum::middleware::from_fn(security::same_origin))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
        .with_state(state)
}

/// Binds `addr` and serves the workbench until the process is stopped.
pub async fn serve(addr: SocketAddr, state: AppState) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(listener, state).await
}

/// Serves the workbench on a bound listener (tests bind port 0 and read the port first), until
/// Ctrl+C.
pub async fn serve_on(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(async {
            // If the signal cannot be installed the server simply runs until killed.
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

/// Runs the server on its own runtime, for the CLI (which has no async runtime): binds `addr`,
/// calls `on_bound` with the address bound, and serves until Ctrl+C.
pub fn serve_blocking(
    addr: SocketAddr,
    state: AppState,
    on_bound: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        on_bound(listener.local_addr()?);
        serve_on(listener, state).await
    })
}
