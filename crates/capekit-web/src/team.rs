//! The team server (`capekit serve --team`): sign-in, sessions, form tokens, sign-in limits and
//! the audit of who did what.
//!
//! Users and their roles live in the ledger (`capekit user add`), hashed with Argon2id
//! (`capekit_app::users`); sessions live in this server's memory only, so a restart signs
//! everybody out. Each request of a session asks the ledger for its user again, so that a user
//! disabled (on the Users page or with `capekit user disable`) is out on their next request, and
//! a changed role holds at once. The session cookie is `HttpOnly` (no script reads it),
//! `SameSite=Strict` (no other site's page sends it) and `Secure` when the browser reached the
//! server over HTTPS (its own, `tls.rs`, or a reverse proxy that says so with
//! `X-Forwarded-Proto`, trusted with `--behind-proxy` from loopback only). Every state-changing request carries the session's form
//! token (a hidden `csrf` field, or the `X-CSRF-Token` header), besides the `Origin` check of
//! `security.rs`: either alone stops a forged post, and both hold if one is bypassed.
//!
//! Without `--team` none of this runs and the workbench is as it was: one person on their own
//! computer.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use capekit_app::users::SignIn;
use capekit_ledger::{Audit, Ledger, Role};
use maud::{Markup, html};

use crate::error::AppError;
use crate::{AppState, layout};

/// The session cookie's name.
pub const COOKIE_NAME: &str = "capekit_session";

/// The form field, and the header, that carry a session's form token.
pub const CSRF_FIELD: &str = "csrf";
const CSRF_HEADER: &str = "x-csrf-token";

/// A session ends this long after its last request.
pub const IDLE: Duration = Duration::from_secs(2 * 60 * 60);

/// A session ends this long after its sign-in, however busy.
pub const LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);

/// Failed sign-ins counted per name and per client address...
pub const MAX_FAILURES: usize = 5;

/// ...within this window; past it they are forgotten.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Sessions held at most; past it the oldest idle ones end first.
const MAX_SIGNED_IN: usize = 10_000;

/// The address of the client of a connection, which `serve_on` adds to each request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub SocketAddr);

/// Who is signed in on the request being answered, for the pages: their name and role, and the
/// session's form token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current {
    /// The user's name.
    pub name: String,
    /// Their role, as the ledger says now.
    pub role: Role,
    csrf: String,
}

tokio::task_local! {
    static CURRENT: Current;
}

/// Who is signed in on the request being answered; `None` without `--team`.
pub fn current() -> Option<Current> {
    CURRENT.try_with(Clone::clone).ok()
}

/// The hidden field every state-changing form carries on a team server; nothing without
/// `--team`.
pub fn csrf_field() -> Markup {
    html! {
        @if let Some(c) = current() {
            input type="hidden" name=(CSRF_FIELD) value=(c.csrf);
        }
    }
}

/// What the page header shows on a team server: who is signed in, the Users page for an admin,
/// and the sign-out button.
pub fn signed_in_bar() -> Markup {
    html! {
        @if let Some(c) = current() {
            div.signed-in {
                "Signed in as " strong { (c.name) } " (" (c.role.as_str()) ")"
                @if c.role.is_admin() {
                    " " a href="/users" { "Users" }
                }
                " "
                form.inline method="post" action="/signout" {
                    (csrf_field())
                    button type="submit" { "Sign out" }
                }
            }
        }
    }
}

#[derive(Debug)]
struct Session {
    name: String,
    csrf: String,
    started: Instant,
    last_seen: Instant,
}

#[derive(Debug, Default)]
struct Inner {
    sessions: HashMap<String, Session>,
    failures: HashMap<String, VecDeque<Instant>>,
}

/// The team server's sessions and sign-in limits.
#[derive(Debug, Clone)]
pub struct Team {
    inner: Arc<Mutex<Inner>>,
    behind_proxy: bool,
}

/// 32 random bytes as 64 hex digits.
fn random_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl Team {
    /// A team server with nobody signed in. `behind_proxy`: trust `X-Forwarded-Proto` and
    /// `X-Forwarded-For` from a loopback client.
    pub fn new(behind_proxy: bool) -> Self {
        Self {
            inner: Arc::default(),
            behind_proxy,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock left plain maps behind: usable.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts a session for `name`; returns its id.
    fn start(&self, name: &str) -> Result<String, getrandom::Error> {
        let id = random_token()?;
        let csrf = random_token()?;
        let now = Instant::now();
        let mut inner = self.lock();
        inner.sessions.retain(|_, s| alive(s, now));
        if inner.sessions.len() >= MAX_SIGNED_IN
            && let Some(oldest) = inner
                .sessions
                .iter()
                .min_by_key(|(_, s)| s.last_seen)
                .map(|(k, _)| k.clone())
        {
            inner.sessions.remove(&oldest);
        }
        inner.sessions.insert(
            id.clone(),
            Session {
                name: name.to_owned(),
                csrf,
                started: now,
                last_seen: now,
            },
        );
        Ok(id)
    }

    /// The user name and form token of the live session `id`, which is seen now.
    fn touch(&self, id: &str) -> Option<(String, String)> {
        let now = Instant::now();
        let mut inner = self.lock();
        let live = inner.sessions.get(id).is_some_and(|s| alive(s, now));
        if !live {
            inner.sessions.remove(id);
            return None;
        }
        let s = inner.sessions.get_mut(id)?;
        s.last_seen = now;
        Some((s.name.clone(), s.csrf.clone()))
    }

    /// Ends the session `id`.
    fn end(&self, id: &str) {
        self.lock().sessions.remove(id);
    }

    /// Ends every session of `name` (disabled).
    fn end_all_of(&self, name: &str) {
        self.lock()
            .sessions
            .retain(|_, s| !s.name.eq_ignore_ascii_case(name));
    }

    /// Sessions held now.
    pub fn signed_in(&self) -> usize {
        self.lock().sessions.len()
    }

    /// True when `key` failed [`MAX_FAILURES`] times within [`FAILURE_WINDOW`].
    fn limited(&self, keys: &[String]) -> bool {
        let now = Instant::now();
        let mut inner = self.lock();
        keys.iter().any(|k| {
            inner.failures.get_mut(k).is_some_and(|q| {
                forget_old(q, now);
                q.len() >= MAX_FAILURES
            })
        })
    }

    fn failed(&self, keys: &[String]) {
        let now = Instant::now();
        let mut inner = self.lock();
        // The map is bounded by what the window holds: forget keys with nothing left.
        inner.failures.retain(|_, q| {
            forget_old(q, now);
            !q.is_empty()
        });
        for k in keys {
            inner.failures.entry(k.clone()).or_default().push_back(now);
        }
    }

    fn succeeded(&self, account: &str) {
        self.lock().failures.remove(account);
    }

    /// The client's address, as the proxy says when it is trusted.
    fn client(&self, req_headers: &HeaderMap, peer: Option<ClientAddr>) -> String {
        let peer_ip = peer.map(|p| p.0.ip());
        if self.behind_proxy && peer_ip.is_some_and(|ip| ip.is_loopback()) {
            let forwarded = req_headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok());
            if let Some(ip) = forwarded {
                return ip.to_string();
            }
        }
        peer_ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
    }

    /// True when the browser reached this server over HTTPS: its own TLS, or the proxy says
    /// so, trusted.
    fn secure(&self, https: bool, headers: &HeaderMap, peer: Option<ClientAddr>) -> bool {
        https
            || self.behind_proxy
                && peer.is_some_and(|p| p.0.ip().is_loopback())
                && headers
                    .get("x-forwarded-proto")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
    }
}

fn alive(s: &Session, now: Instant) -> bool {
    now.duration_since(s.last_seen) < IDLE && now.duration_since(s.started) < LIFETIME
}

fn forget_old(q: &mut VecDeque<Instant>, now: Instant) {
    while q
        .front()
        .is_some_and(|t| now.duration_since(*t) >= FAILURE_WINDOW)
    {
        q.pop_front();
    }
}

/// The session id the request's cookie names.
fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE_NAME)
        .map(|(_, v)| v.to_owned())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn cookie(value: &str, max_age: u64, secure: bool) -> HeaderValue {
    let text = format!(
        "{COOKIE_NAME}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    );
    // Hex digits and fixed text: always a valid header value.
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Constant-time equality of two tokens.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Paths anyone may ask for: the sign-in, and the stylesheet, script and icon it needs.
fn open_path(path: &str) -> bool {
    path == "/signin" || path == "/favicon.ico" || path.starts_with("/static/")
}

/// The answer to a request without a live session: the sign-in page for a GET (coming back here
/// afterwards), 401 otherwise.
fn not_signed_in(method: &Method, uri: &axum::http::Uri, ended: bool) -> Response {
    let mut res = if *method == Method::GET || *method == Method::HEAD {
        let back = uri.path_and_query().map_or("/", |p| p.as_str());
        let to = format!("/signin{}", crate::pages::query(&[("next", back)]));
        Redirect::to(&to).into_response()
    } else {
        AppError::sign_in_first().into_response()
    };
    if ended {
        res.headers_mut().insert(SET_COOKIE, cookie("", 0, false));
    }
    res
}

/// The form token a state-changing request carries: its header, or the `csrf` field of its
/// form (read from the body, which is then handed on whole).
async fn posted_token(req: Request) -> Result<(Option<String>, Request), Response> {
    if let Some(t) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        let t = t.to_owned();
        return Ok((Some(t), req));
    }
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let (parts, body) = req.into_parts();
    // Past the limit, or cut off by the body deadline (which then answers 408 itself).
    let Ok(bytes) = axum::body::to_bytes(body, crate::MAX_UPLOAD_BYTES).await else {
        return Err(AppError::too_large().into_response());
    };
    let copy = || {
        Request::builder()
            .method(Method::POST)
            .header(CONTENT_TYPE, content_type.as_str())
            .body(Body::from(bytes.clone()))
            .unwrap_or_default()
    };
    let token = if content_type.starts_with("application/x-www-form-urlencoded") {
        axum::Form::<Vec<(String, String)>>::from_request(copy(), &())
            .await
            .ok()
            .and_then(|f| {
                f.0.into_iter()
                    .find(|(k, _)| k == CSRF_FIELD)
                    .map(|(_, v)| v)
            })
    } else if content_type.starts_with("multipart/form-data") {
        match Multipart::from_request(copy(), &()).await {
            Ok(mut m) => {
                let mut found = None;
                while let Ok(Some(field)) = m.next_field().await {
                    if field.name() == Some(CSRF_FIELD) {
                        found = field.text().await.ok();
                        break;
                    }
                }
                found
            }
            Err(_) => None,
        }
    } else {
        None
    };
    Ok((token, Request::from_parts(parts, Body::from(bytes))))
}

/// What a response says it did to which object, for the audit (a handler adds it when the
/// address does not say it: the declaration a "mark uploaded" marked).
#[derive(Debug, Clone)]
pub struct Audited {
    /// The kind of object.
    pub kind: &'static str,
    /// The object.
    pub object: String,
}

impl Audited {
    /// A declaration of the ledger.
    pub fn declaration(id: capekit_ledger::DeclarationId) -> Self {
        Self {
            kind: "declaration",
            object: id.to_string(),
        }
    }
}

/// The audit row of a request answered: what was done, to what. `None` for what changes and
/// hands out nothing (a page read).
fn audit_row(
    method: &Method,
    path: &str,
    res: &Response,
) -> Option<(String, &'static str, String)> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let named = res.extensions().get::<Audited>();
    let located = || {
        res.headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(|l| l.split(['?', '#']).next().unwrap_or(l).to_owned())
            .unwrap_or_default()
    };
    if *method == Method::GET {
        // A download: a file handed out.
        res.headers().get(CONTENT_DISPOSITION)?;
        return Some(match named {
            Some(a) => (format!("download {path}"), a.kind, a.object.clone()),
            None => ("download".to_owned(), "file", path.to_owned()),
        });
    }
    let (action, kind, object) = match parts.as_slice() {
        ["upload"] => ("upload and triage or plan".to_owned(), "upload", located()),
        ["check"] => ("check a declaration".to_owned(), "upload", located()),
        ["triage", id, "rebuild"] => (
            "add corrected entries".to_owned(),
            "upload",
            (*id).to_owned(),
        ),
        [_, id, file, "uploaded"] => (format!("mark uploaded: {file}"), "upload", (*id).to_owned()),
        ["declarations", id, act] => (
            format!("declaration {act}"),
            "declaration",
            (*id).to_owned(),
        ),
        ["signout"] => ("sign-out".to_owned(), "user", String::new()),
        ["users"] => ("add a user".to_owned(), "user", String::new()),
        ["users", "policy"] => (
            "change the sign-off rule".to_owned(),
            "setting",
            "signoff-required".to_owned(),
        ),
        ["users", name, act] => (format!("{act} user"), "user", (*name).to_owned()),
        ["refunds", "importer", imp] => (
            "record importer facts".to_owned(),
            "importer",
            (*imp).to_owned(),
        ),
        _ => (format!("{method} {path}"), "", String::new()),
    };
    Some(match named {
        Some(a) => (action, a.kind, a.object.clone()),
        None => (action, kind, object),
    })
}

/// Records an audit row; a failure is logged (the act itself is done).
pub async fn audit(
    state: &AppState,
    who: &str,
    action: &str,
    kind: &str,
    object: &str,
    detail: &str,
) {
    let Some(path) = state.ledger.clone() else {
        return;
    };
    let writer = state.clone();
    let what = action.to_owned();
    let (who, action, kind, object, detail) = (
        who.to_owned(),
        action.to_owned(),
        kind.to_owned(),
        object.to_owned(),
        detail.to_owned(),
    );
    let done = tokio::task::spawn_blocking(move || {
        crate::ledger::write(&writer.writes, &path, writer.ledger_busy_timeout, |l| {
            l.record_audit(&Audit {
                who: &who,
                action: &action,
                object_kind: &kind,
                object: &object,
                detail: &detail,
            })
        })
    })
    .await;
    match done {
        Ok(Ok(())) => {}
        Ok(Err(e)) => eprintln!("capekit serve: error: recording the audit of {what}: {e}"),
        Err(e) => eprintln!("capekit serve: error: recording the audit of {what}: {e}"),
    }
}

/// The gate of a team server: every request but the sign-in needs a live session of an enabled
/// user, and every state-changing one its form token. Runs the handler with [`current`] set,
/// and records in the audit what the request changed or handed out.
pub async fn gate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(team) = state.team.clone() else {
        return next.run(req).await;
    };
    if open_path(req.uri().path()) {
        return next.run(req).await;
    }
    let method = req.method().clone();
    let uri = req.uri().clone();
    let Some(id) = session_cookie(req.headers()) else {
        return not_signed_in(&method, &uri, false);
    };
    let Some((name, csrf)) = team.touch(&id) else {
        return not_signed_in(&method, &uri, true);
    };
    // The ledger says, on every request, whether the user may still be here and with what role.
    let Some(path) = state.ledger.clone() else {
        return AppError::internal("a team server without a ledger", "no ledger").into_response();
    };
    let lookup = name.clone();
    let user = tokio::task::spawn_blocking(move || Ledger::open(&path)?.user(&lookup)).await;
    let role = match user {
        Ok(Ok(Some(u))) if !u.disabled => u.role,
        Ok(Ok(_)) => {
            team.end_all_of(&name);
            return not_signed_in(&method, &uri, true);
        }
        Ok(Err(e)) => {
            return AppError::internal("reading the user from the ledger", e).into_response();
        }
        Err(e) => return AppError::from(e).into_response(),
    };
    let req = if method.is_safe() {
        req
    } else {
        match posted_token(req).await {
            Ok((Some(t), req)) if same_token(&t, &csrf) => req,
            Ok(_) => {
                return AppError::forbidden(
                    "Request refused",
                    "This form's token was missing or wrong, so nothing was changed: the page it came from is older than your sign-in, or it came from another site.",
                )
                .with_back("/", "Go to the start page")
                .into_response();
            }
            Err(res) => return res,
        }
    };
    let current = Current {
        name: name.clone(),
        role,
        csrf,
    };
    let res = CURRENT.scope(current, next.run(req)).await;
    let ok = res.status().is_success() || res.status().is_redirection();
    if ok && let Some((action, kind, object)) = audit_row(&method, uri.path(), &res) {
        audit(&state, &name, &action, kind, &object, uri.path()).await;
    }
    res
}

/// Refuses, unless the signed-in user's role is at least `role`.
pub fn require(role: Role) -> Result<Current, AppError> {
    match current() {
        Some(c) if c.role >= role => Ok(c),
        Some(c) => Err(AppError::forbidden(
            "Not allowed",
            format!(
                "This needs the {role} role, and {} is a {}. Ask an admin.",
                c.name, c.role
            ),
        )),
        None => Err(AppError::forbidden(
            "Not on this server",
            "This page is for a team server (capekit serve --team).",
        )),
    }
}

/// On a team server with the sign-off rule on, refuses to mark the declaration `id` uploaded
/// until a reviewer signed it off. Called inside the ledger write that marks it.
pub fn check_signed_off(
    l: &Ledger,
    team: bool,
    id: capekit_ledger::DeclarationId,
) -> Result<(), capekit_ledger::LedgerError> {
    capekit_app::users::check_signed_off(l, id, team)
}

/// `?next=` of the sign-in.
#[derive(Debug, serde::Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// The audit rows as a table (`#audit`): when, who, what, and the object.
pub fn audit_table(rows: &[capekit_ledger::AuditRow]) -> Markup {
    html! {
        table #audit {
            thead { tr { th { "when" } th { "who" } th { "what" } th { "object" } } }
            tbody {
                @for a in rows {
                    tr {
                        td { (crate::layout::local_time(a.at)) }
                        td { (a.who) }
                        td { (a.action) }
                        td { (a.object_kind) " " (a.object) }
                    }
                }
            }
        }
    }
}

/// Where to go after signing in: a path of this server, never another site.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/",
    }
}

fn sign_in_page(next: &str, problem: Option<&str>) -> Markup {
    layout::page(
        "Sign in",
        html! {
            @if let Some(p) = problem {
                div.notice.bad { p { (p) } }
            }
            form.signin method="post" action="/signin" {
                input type="hidden" name="next" value=(next);
                p {
                    label for="signin-name" { "Name" } " "
                    input #signin-name type="text" name="name" autocomplete="username" required;
                }
                p {
                    label for="signin-password" { "Password" } " "
                    input #signin-password type="password" name="password" autocomplete="current-password" required;
                }
                p { button type="submit" { "Sign in" } }
            }
            p { "An admin adds users with " code { "capekit user add NAME --role ROLE" } "." }
        },
    )
}

/// `GET /signin`.
pub async fn sign_in_form(State(state): State<AppState>, Query(q): Query<NextQuery>) -> Response {
    if state.team.is_none() {
        return crate::pages::not_found().await.into_response();
    }
    crate::pages::private_page(sign_in_page(safe_next(q.next.as_deref()), None))
}

/// The sign-in form.
#[derive(Debug, serde::Deserialize)]
pub struct SignInForm {
    name: String,
    password: String,
    next: Option<String>,
}

/// `POST /signin`: checks the name and password (at most [`MAX_FAILURES`] failures per name and
/// per client address within [`FAILURE_WINDOW`]), starts a session and sets its cookie.
pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: Option<axum::Extension<ClientAddr>>,
    https: Option<axum::Extension<crate::tls::Https>>,
    axum::Form(form): axum::Form<SignInForm>,
) -> Response {
    let Some(team) = state.team.clone() else {
        return crate::pages::not_found().await.into_response();
    };
    let Some(path) = state.ledger.clone() else {
        return AppError::internal("a team server without a ledger", "no ledger").into_response();
    };
    let peer = peer.map(|p| p.0);
    let client = team.client(&headers, peer);
    let name = form.name.trim().to_owned();
    let keys = [
        format!("name:{}", name.to_lowercase()),
        format!("addr:{client}"),
    ];
    let next = safe_next(form.next.as_deref()).to_owned();
    if team.limited(&keys) {
        audit(
            &state,
            &name,
            "sign-in refused: too many failures",
            "user",
            &name,
            &client,
        )
        .await;
        return AppError::too_many(format!(
            "There were {MAX_FAILURES} failed sign-ins within {} minutes for this name or from this address, so sign-ins are refused for a while. Wait {} minutes and try again, or ask an admin.",
            FAILURE_WINDOW.as_secs() / 60,
            FAILURE_WINDOW.as_secs() / 60
        ))
        .into_response();
    }
    let (who, password) = (name.clone(), form.password);
    let checked = tokio::task::spawn_blocking(move || {
        let l = Ledger::open(&path)?;
        capekit_app::users::check_sign_in(&l, &who, &password)
            .map_err(|e| capekit_ledger::LedgerError::Refused(e.to_string()))
    })
    .await;
    let user = match checked {
        Ok(Ok(SignIn::Valid(u))) => u,
        Ok(Ok(outcome)) => {
            team.failed(&keys);
            audit(&state, &name, "sign-in failed", "user", &name, &client).await;
            let why = if outcome == SignIn::Disabled {
                "This user is disabled. Ask an admin."
            } else {
                "The name or the password is wrong."
            };
            let mut res = crate::pages::private_page(sign_in_page(&next, Some(why)));
            *res.status_mut() = StatusCode::UNAUTHORIZED;
            return res;
        }
        Ok(Err(e)) => return AppError::internal("checking a sign-in", e).into_response(),
        Err(e) => return AppError::from(e).into_response(),
    };
    team.succeeded(&keys[0]);
    let id = match team.start(&user.name) {
        Ok(id) => id,
        Err(e) => return AppError::internal("making a session id", e).into_response(),
    };
    audit(&state, &user.name, "sign-in", "user", &user.name, &client).await;
    let mut res = Redirect::to(&next).into_response();
    let secure = team.secure(https.is_some(), &headers, peer);
    res.headers_mut()
        .insert(SET_COOKIE, cookie(&id, LIFETIME.as_secs(), secure));
    res
}

/// `POST /signout`: ends the session at once.
pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let (Some(team), Some(id)) = (state.team.as_ref(), session_cookie(&headers)) {
        team.end(&id);
    }
    let mut res = Redirect::to("/signin").into_response();
    res.headers_mut().insert(SET_COOKIE, cookie("", 0, false));
    res
}
