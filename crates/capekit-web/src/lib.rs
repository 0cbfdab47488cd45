//! The capekit web workbench: `capekit serve`.
//!
//! A second face over the same library calls as the CLI, for compliance clerks who live in Excel
//! and the browser: drop the files ACE gave back, read the triage, filter the worklist, download
//! the next declaration; drop an ES-003 entry report and get the plan of what to declare, with
//! the declaration files. The web adds no CAPE logic: every page is a `capekit-io` reader, a
//! `capekit-core` function and a `capekit-io` writer, rendered as HTML (maud escapes every value),
//! and the ledger (`capekit-ledger`) is asked and told what the CLI asks and tells it.
//!
//! It runs on the user's own machine: it binds 127.0.0.1 by default, answers only requests whose
//! `Host` names it (DNS rebinding), closes connections whose client never finishes a request,
//! loads nothing from elsewhere (CSS and script are embedded), sends every response with a strict
//! Content-Security-Policy, and refuses state-changing requests from other origins. What an
//! upload read and found is kept in memory, within a budget, and the files are saved, readable by
//! their owner only, under generated names in [`AppState::upload_dir`], with a record of each
//! upload from which a restarted server reads the result again (`persist.rs`).

mod assets;
mod error;
mod layout;
mod ledger;
mod memory;
mod pages;
mod persist;
mod security;
mod session;
mod team;
mod tls;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

pub use error::AppError;
pub use security::{AllowedHosts, BadHostName};
pub use session::{Limits, MAX_SESSION_BYTES, MAX_SESSIONS, SessionId, Sessions, private_dir};
pub use team::{ClientAddr, Team};
pub use tls::{Https, Tls, TlsError};

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
    /// How long a ledger write waits for another capekit process writing the ledger, before
    /// it is tried again (a few times) and then refused with a 503 page.
    pub ledger_busy_timeout: Duration,
    /// This server's one ledger writer (see `ledger.rs`).
    writes: ledger::WriteLock,
    /// Sessions of this server run.
    pub sessions: Sessions,
    /// The `Host` values answered; any other gets 421 (DNS rebinding). [`serve_on`] sets the
    /// port to the one bound.
    pub hosts: AllowedHosts,
    /// Header and body read timeouts.
    pub timeouts: Timeouts,
    /// With `--team`: sign-in, sessions and audit (`team.rs`); `None` serves one person on
    /// their own computer, as before.
    pub team: Option<Team>,
    /// With `--tls-cert` and `--tls-key`: serve HTTPS (`tls.rs`).
    pub tls: Option<Tls>,
}

/// The port `capekit serve` listens on by default.
pub const DEFAULT_PORT: u16 = 8080;

/// How long a client may take to send what it sends: a connection whose client never finishes
/// (slowloris) is closed instead of held for ever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// From the connection's first byte, or the end of its last response, to the end of a
    /// request's headers: past it the connection is closed without an answer (a browser sends
    /// its headers at once; an idle kept-alive connection is closed too, and the browser opens a
    /// new one).
    pub header: Duration,
    /// From the end of the headers to the end of the body: past it the request is answered 408
    /// and the connection closed. Generous: a 20 MB upload over a slow office network.
    pub body: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            header: Duration::from_secs(30),
            body: Duration::from_secs(120),
        }
    }
}

impl AppState {
    /// A state saving uploads under `upload_dir`, with no ledger.
    pub fn new(upload_dir: impl Into<PathBuf>) -> Self {
        Self {
            upload_dir: upload_dir.into(),
            ledger: None,
            as_of: None,
            ledger_busy_timeout: capekit_ledger::BUSY_TIMEOUT,
            writes: ledger::WriteLock::default(),
            sessions: Sessions::default(),
            hosts: AllowedHosts::new(DEFAULT_PORT),
            timeouts: Timeouts::default(),
            team: None,
            tls: None,
        }
    }

    /// The rules date for a triage: the state's override, else today.
    fn today(&self) -> jiff::civil::Date {
        // CBP's clock: Eastern Time, whatever the machine's zone.
        self.as_of
            .unwrap_or_else(|| capekit_core::deadline::cbp_today(jiff::Timestamp::now()))
    }
}

/// The default folder for uploads: the user's data folder, `capekit/uploads`.
pub fn default_upload_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("capekit").join("uploads"))
}

/// The whole application, without a socket: what `serve` runs and what tests call with `oneshot`.
pub fn app(state: AppState) -> Router {
    let hosts = state.hosts.clone();
    let body_timeout = state.timeouts.body;
    let gate_state = state.clone();
    Router::new()
        .route("/signin", get(team::sign_in_form).post(team::sign_in))
        .route("/signout", post(team::sign_out))
        .route("/users", get(pages::users::page).post(pages::users::add))
        .route("/users/policy", post(pages::users::policy))
        .route("/users/{name}/{action}", post(pages::users::act))
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
        .route(
            "/plan/{id}/{file}/uploaded",
            post(pages::plan::mark_uploaded),
        )
        .route("/check", get(pages::check::form).post(pages::check::submit))
        .route("/check/{id}", get(pages::check::page))
        .route("/check/{id}/{file}", get(pages::check::file))
        .route("/rules", get(pages::rules::list))
        .route("/rules/{code}", get(pages::rules::rule))
        .route("/entry/{number}", get(pages::entry::page))
        .route("/find", get(pages::find::page))
        .route("/refunds", get(pages::refunds::page))
        .route(
            "/refunds/page/{importer}",
            get(pages::refunds::importer_download),
        )
        .route(
            "/refunds/importer/{importer}",
            post(pages::refunds::record_facts),
        )
        .route("/declarations", get(pages::declarations::page))
        .route(
            "/declarations/{id}/{action}",
            post(pages::declarations::act),
        )
        .route("/static/{file}", get(assets::serve))
        .route("/favicon.ico", get(assets::favicon))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(gate_state, team::gate))
        .layer(axum::middleware::from_fn(security::html_errors))
        .layer(axum::middleware::from_fn(security::oversize))
        .layer(axum::middleware::from_fn(security::same_origin))
        .layer(axum::middleware::from_fn_with_state(
            body_timeout,
            security::body_deadline,
        ))
        .layer(axum::middleware::from_fn_with_state(
            hosts,
            security::host_check,
        ))
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
/// Ctrl+C. Requests must name the port bound, and may name the address bound.
///
/// HTTP/1.1 only, through hyper's own connection builder rather than `axum::serve`, which sets
/// no timer and so no header read timeout: a client that opens connections and never finishes
/// its headers would hold each one for ever. The body deadline is a layer of [`app`].
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    mut state: AppState,
) -> std::io::Result<()> {
    let bound = listener.local_addr()?;
    state.hosts.set_port(bound.port());
    state.hosts.allow_address(bound.ip());
    let header_timeout = state.timeouts.header;
    let tls = state.tls.clone();
    let router = app(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let stop = async {
        // If the signal cannot be installed the server simply runs until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let mut stop = std::pin::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // A connection reset before it was accepted concerns that client only; out
                    // of file descriptors, wait for some to close (as `axum::serve` does).
                    if !matches!(
                        e.kind(),
                        std::io::ErrorKind::ConnectionAborted | std::io::ErrorKind::ConnectionReset
                    ) {
                        eprintln!("capekit serve: error: accepting a connection: {e}");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let router = router.clone();
        let watcher = graceful.watcher();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => {
                    serve_connection(stream, peer, false, router, header_timeout, watcher).await;
                }
                Some(tls) => {
                    // A handshake never finished holds nothing: it gets the header timeout too.
                    let handshake = tokio::time::timeout(header_timeout, tls.0.accept(stream));
                    if let Ok(Ok(stream)) = handshake.await {
                        serve_connection(stream, peer, true, router, header_timeout, watcher).await;
                    }
                }
            }
        });
    }
    // Let the requests under way finish, for a while.
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(10)) => {}
    }
    Ok(())
}

/// Serves one connection (plain, or after its TLS handshake) until it closes, telling each
/// request the client's address and whether it came over TLS.
async fn serve_connection<I>(
    io: I,
    peer: SocketAddr,
    https: bool,
    router: Router,
    header_timeout: Duration,
    watcher: hyper_util::server::graceful::Watcher,
) where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper_util::service::TowerToHyperService::new(router);
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(header_timeout)
        .serve_connection(
            hyper_util::rt::TokioIo::new(io),
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                // The client's address, for the sign-in limits of a team server.
                req.extensions_mut().insert(team::ClientAddr(peer));
                if https {
                    req.extensions_mut().insert(tls::Https);
                }
                hyper::service::Service::call(&service, req)
            }),
        );
    // A connection that fails (closed by the client, timed out) concerns that client only;
    // there is nobody to tell.
    let _ = watcher.watch(conn).await;
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
