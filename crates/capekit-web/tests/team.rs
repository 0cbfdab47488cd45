//! The team server (`capekit serve --team`) through the router (`oneshot`, no socket): no page
//! or download without a session, the form token on every POST, the cross-site refusal, a
//! disabled user out at once, the sign-in limits, roles and sign-off, the audit, and passwords
//! kept only as Argon2id hashes.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use capekit_ledger::{Ledger, Role};
use capekit_web::{AppState, ClientAddr, Team, app};
use http_body_util::BodyExt;
use tower::ServiceExt;

const CLAIM: &[u8] = include_bytes!("../../capekit/demo/claim-details.csv");
const AS_OF: &str = "2026-11-24";
const PASSWORD: &str = "correct horse battery staple";
const BOUNDARY: &str = "capekit-test-boundary-7f3a";
const HOST: &str = "localhost:8080";
const ORIGIN: &str = "http://localhost:8080";

struct Fixture {
    app: Router,
    ledger: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

/// A team server whose ledger has an admin `ada`, a reviewer `rev` and a clerk `cal`.
fn fixture_with(behind_proxy: bool) -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = dir.path().join("ledger.sqlite3");
    let mut l = Ledger::open(&ledger).expect("ledger");
    for (name, role) in [
        ("ada", Role::Admin),
        ("rev", Role::Reviewer),
        ("cal", Role::Clerk),
    ] {
        capekit_app::users::add_user(&mut l, name, role, PASSWORD).expect("user");
    }
    drop(l);
    let mut state = AppState::new(dir.path().join("uploads"));
    state.as_of = Some(AS_OF.parse().expect("date"));
    state.ledger = Some(ledger.clone());
    state.team = Some(Team::new(behind_proxy));
    Fixture {
        app: app(state),
        ledger,
        _dir: dir,
    }
}

fn fixture() -> Fixture {
    fixture_with(false)
}

async fn send(app: &Router, req: Request<Body>) -> Response<Body> {
    app.clone().oneshot(req).await.expect("infallible")
}

async fn text(res: Response<Body>) -> String {
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    String::from_utf8(bytes.to_vec()).expect("utf8")
}

fn location(res: &Response<Body>) -> String {
    res.headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn get(uri: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::get(uri).header(header::HOST, HOST);
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::empty()).expect("request")
}

fn form_post(uri: &str, cookie: Option<&str>, body: &str, origin: &str) -> Request<Body> {
    let mut b = Request::post(uri)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, origin)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::from(body.to_owned())).expect("request")
}

fn sign_in_request(name: &str, password: &str, from: Option<&str>) -> Request<Body> {
    let mut req = form_post(
        "/signin",
        None,
        &format!("name={name}&password={}", password.replace(' ', "+")),
        ORIGIN,
    );
    if let Some(ip) = from {
        let addr: SocketAddr = format!("{ip}:50000").parse().expect("address");
        req.extensions_mut().insert(ClientAddr(addr));
    }
    req
}

/// The cookie to send back, from a sign-in's `Set-Cookie`.
fn session_of(res: &Response<Body>) -> String {
    let set = res
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .expect("a session cookie");
    set.split(';').next().expect("pair").to_owned()
}

/// The form token of a page.
fn token_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a form token") + 19;
    page[at..at + 64].to_owned()
}

/// Signs `name` in; returns the cookie and the form token.
async fn sign_in(app: &Router, name: &str) -> (String, String) {
    let res = send(app, sign_in_request(name, PASSWORD, None)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{name}");
    let cookie = session_of(&res);
    let page = text(send(app, get("/", Some(&cookie))).await).await;
    (cookie, token_of(&page))
}

fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (field, file, bytes) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{field}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{field}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// The claim uploaded on the start page's form, with `token` as its form token (or none).
fn upload_request(cookie: &str, token: Option<&str>, origin: &str) -> Request<Body> {
    let mut parts: Vec<(&str, Option<&str>, &[u8])> = Vec::new();
    if let Some(t) = token {
        parts.push(("csrf", None, t.as_bytes()));
    }
    parts.push(("files", Some("claim-details.csv"), CLAIM));
    Request::post("/upload")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, origin)
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(multipart(&parts)))
        .expect("request")
}

#[tokio::test]
async fn no_page_or_download_without_a_session() {
    let f = fixture();
    for page in [
        "/",
        "/declarations",
        "/rules",
        "/entry/B7644104112",
        "/triage/0123456789abcdef0123456789abcdef/refile.csv",
        "/users",
    ] {
        let res = send(&f.app, get(page, None)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{page}");
        assert!(location(&res).starts_with("/signin?next="), "{page}");
    }
    // A made-up session is no session, and its cookie is cleared.
    let forged = format!("capekit_session={}", "ab".repeat(32));
    let res = send(&f.app, get("/", Some(&forged))).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // A POST without a session is refused, and changes nothing.
    let res = send(
        &f.app,
        form_post("/declarations/1/discard", None, "", ORIGIN),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = send(&f.app, upload_request("x=y", None, ORIGIN)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // The sign-in page and what it needs are open.
    for open in ["/signin", "/static/app.css"] {
        let res = send(&f.app, get(open, None)).await;
        assert_eq!(res.status(), StatusCode::OK, "{open}");
    }
}

#[tokio::test]
async fn a_signed_in_user_sees_who_they_are_and_signs_out() {
    let f = fixture();
    let res = send(&f.app, sign_in_request("cal", PASSWORD, None)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let set = res
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set.contains(attribute), "{set}");
    }
    // Plain HTTP: not Secure (the browser would drop it).
    assert!(!set.contains("Secure"), "{set}");
    let cookie = session_of(&res);
    let page = text(send(&f.app, get("/", Some(&cookie))).await).await;
    assert!(
        page.contains("Signed in as <strong>cal</strong> (clerk)"),
        "{page}"
    );
    // A clerk is offered no Users page.
    assert!(!page.contains("href=\"/users\""));
    let token = token_of(&page);
    let res = send(
        &f.app,
        form_post("/signout", Some(&cookie), &format!("csrf={token}"), ORIGIN),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/signin");
    // The session ended at once.
    let res = send(&f.app, get("/", Some(&cookie))).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn behind_a_https_proxy_the_cookie_is_secure() {
    let f = fixture_with(true);
    let mut req = sign_in_request("cal", PASSWORD, Some("127.0.0.1"));
    req.headers_mut()
        .insert("x-forwarded-proto", "https".parse().expect("header"));
    let res = send(&f.app, req).await;
    let set = res
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(set.contains("; Secure"), "{set}");
    // The header from a client that is not the proxy on this computer is not believed.
    let mut req = sign_in_request("cal", PASSWORD, Some("192.168.1.9"));
    req.headers_mut()
        .insert("x-forwarded-proto", "https".parse().expect("header"));
    let res = send(&f.app, req).await;
    let set = res
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(!set.contains("Secure"), "{set}");
}

#[tokio::test]
async fn a_post_without_the_right_form_token_is_refused() {
    let f = fixture();
    let (cookie, token) = sign_in(&f.app, "cal").await;
    let res = send(&f.app, upload_request(&cookie, None, ORIGIN)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let wrong = "0".repeat(64);
    let res = send(&f.app, upload_request(&cookie, Some(&wrong), ORIGIN)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Another user's token is wrong too.
    let (_, other) = sign_in(&f.app, "rev").await;
    let res = send(&f.app, upload_request(&cookie, Some(&other), ORIGIN)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = send(
        &f.app,
        form_post("/signout", Some(&cookie), "csrf=nope", ORIGIN),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Nothing was recorded by the refused uploads.
    assert!(
        Ledger::open(&f.ledger)
            .expect("ledger")
            .declarations()
            .expect("declarations")
            .is_empty()
    );
    // The right token in the form's field goes through.
    let res = send(&f.app, upload_request(&cookie, Some(&token), ORIGIN)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/triage/"));
}

#[tokio::test]
async fn a_cross_site_post_is_refused_even_with_the_token() {
    let f = fixture();
    let (cookie, token) = sign_in(&f.app, "cal").await;
    let res = send(
        &f.app,
        upload_request(&cookie, Some(&token), "http://evil.example"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = send(
        &f.app,
        sign_in_request_from_origin("cal", "http://evil.example"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

fn sign_in_request_from_origin(name: &str, origin: &str) -> Request<Body> {
    form_post(
        "/signin",
        None,
        &format!("name={name}&password={}", PASSWORD.replace(' ', "+")),
        origin,
    )
}

#[tokio::test]
async fn a_disabled_user_is_out_on_the_next_request() {
    let f = fixture();
    let (cookie, _) = sign_in(&f.app, "cal").await;
    assert_eq!(
        send(&f.app, get("/", Some(&cookie))).await.status(),
        StatusCode::OK
    );
    // Disabled from the command line, while the session is open.
    let mut l = Ledger::open(&f.ledger).expect("ledger");
    l.set_user_disabled("cal", true).expect("disable");
    let res = send(&f.app, get("/", Some(&cookie))).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/signin"));
    // Enabled again, the old session stays ended: a new sign-in is needed.
    l.set_user_disabled("cal", false).expect("enable");
    let res = send(&f.app, get("/", Some(&cookie))).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // A disabled user cannot sign in.
    l.set_user_disabled("cal", true).expect("disable");
    let res = send(&f.app, sign_in_request("cal", PASSWORD, None)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(text(res).await.contains("This user is disabled"));
}

#[tokio::test]
async fn sign_ins_are_limited_per_name_and_per_address() {
    let f = fixture();
    for _ in 0..5 {
        let res = send(
            &f.app,
            sign_in_request("cal", "wrong password!", Some("10.0.0.1")),
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert!(
            text(res)
                .await
                .contains("The name or the password is wrong")
        );
    }
    // The name is refused from anywhere, even with its right password...
    let res = send(&f.app, sign_in_request("cal", PASSWORD, Some("10.0.0.2"))).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        text(res)
            .await
            .contains("5 failed sign-ins within 15 minutes")
    );
    // ...and the address for any name...
    let res = send(&f.app, sign_in_request("rev", PASSWORD, Some("10.0.0.1"))).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // ...while another name from another address signs in.
    let res = send(&f.app, sign_in_request("rev", PASSWORD, Some("10.0.0.2"))).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // Unknown names count the same, and answer the same.
    for _ in 0..5 {
        let res = send(
            &f.app,
            sign_in_request("nobody", PASSWORD, Some("10.0.0.3")),
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert!(
            text(res)
                .await
                .contains("The name or the password is wrong")
        );
    }
    let res = send(
        &f.app,
        sign_in_request("nobody", PASSWORD, Some("10.0.0.4")),
    )
    .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn passwords_are_kept_only_as_argon2id_hashes() {
    let f = fixture();
    let (cookie, token) = sign_in(&f.app, "ada").await;
    // An admin adds a user on the Users page.
    let new_password = "another long passphrase";
    let res = send(
        &f.app,
        form_post(
            "/users",
            Some(&cookie),
            &format!(
                "csrf={token}&name=dee&role=reviewer&password={}",
                new_password.replace(' ', "+")
            ),
            ORIGIN,
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // A wrong sign-in, so that the audit has a failure too.
    send(&f.app, sign_in_request("dee", "a wrong password", None)).await;
    let conn = rusqlite::Connection::open(&f.ledger).expect("raw open");
    let hashes: Vec<String> = conn
        .prepare("SELECT password_hash FROM users")
        .expect("select")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(hashes.len(), 4);
    for h in &hashes {
        assert!(h.starts_with("$argon2id$v=19$"), "{h}");
    }
    drop(conn);
    // Nowhere in the ledger's bytes (the audit included) is a password in clear.
    let mut bytes = std::fs::read(&f.ledger).expect("ledger bytes");
    if let Ok(wal) = std::fs::read(f.ledger.with_extension("sqlite3-wal")) {
        bytes.extend(wal);
    }
    for pw in [PASSWORD, new_password, "a wrong password"] {
        assert!(
            !bytes.windows(pw.len()).any(|w| w == pw.as_bytes()),
            "{pw} is in the ledger"
        );
    }
    let l = Ledger::open(&f.ledger).expect("ledger");
    assert_eq!(
        l.user("dee").expect("user").map(|u| u.role),
        Some(Role::Reviewer)
    );
    let audit = l.recent_audit(100).expect("audit");
    assert!(
        audit
            .iter()
            .any(|a| a.action == "sign-in failed" && a.object == "dee")
    );
}

#[tokio::test]
async fn roles_users_page_sign_off_and_audit() {
    let f = fixture();
    let (clerk, clerk_token) = sign_in(&f.app, "cal").await;
    // Only an admin has the Users page.
    assert_eq!(
        send(&f.app, get("/users", Some(&clerk))).await.status(),
        StatusCode::FORBIDDEN
    );
    let (admin, _) = sign_in(&f.app, "ada").await;
    let users = text(send(&f.app, get("/users", Some(&admin))).await).await;
    assert!(
        users.contains("<td>cal</td>") && !users.contains("argon2"),
        "{users}"
    );

    // The clerk triages a claim: its refile is a draft in the ledger.
    let res = send(&f.app, upload_request(&clerk, Some(&clerk_token), ORIGIN)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let triage = location(&res);
    let res = send(&f.app, get(&format!("{triage}/refile.csv"), Some(&clerk))).await;
    assert_eq!(res.status(), StatusCode::OK);
    let mark = |cookie: &str, token: &str| {
        form_post(
            &format!("{triage}/refile.csv/uploaded"),
            Some(cookie),
            &format!("csrf={token}"),
            ORIGIN,
        )
    };
    // Not signed off: the clerk cannot mark it uploaded.
    let res = send(&f.app, mark(&clerk, &clerk_token)).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(text(res).await.contains("has not been signed off"));
    let draft = Ledger::open(&f.ledger)
        .expect("ledger")
        .declarations()
        .expect("declarations")
        .first()
        .map(|d| d.id)
        .expect("a draft");
    // A clerk cannot sign off; a reviewer can, from the Declarations page.
    let res = send(
        &f.app,
        form_post(
            &format!("/declarations/{draft}/signoff"),
            Some(&clerk),
            &format!("csrf={clerk_token}"),
            ORIGIN,
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (reviewer, reviewer_token) = sign_in(&f.app, "rev").await;
    let page = text(send(&f.app, get("/declarations", Some(&reviewer))).await).await;
    assert!(
        page.contains(&format!("/declarations/{draft}/signoff")),
        "{page}"
    );
    let res = send(
        &f.app,
        form_post(
            &format!("/declarations/{draft}/signoff"),
            Some(&reviewer),
            &format!("csrf={reviewer_token}"),
            ORIGIN,
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // Now the clerk marks it uploaded.
    let res = send(&f.app, mark(&clerk, &clerk_token)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Who did what, on the entry's page.
    let page = text(send(&f.app, get("/entry/B7644104112", Some(&clerk))).await).await;
    let at = page.find("id=\"audit\"").expect("an audit table");
    let audit = &page[at..];
    assert!(
        audit.contains("declaration signoff") && audit.contains("<td>rev</td>"),
        "{audit}"
    );
    assert!(
        audit.contains("mark uploaded: refile.csv") && audit.contains("<td>cal</td>"),
        "{audit}"
    );
    let l = Ledger::open(&f.ledger).expect("ledger");
    let all = l.recent_audit(100).expect("audit");
    for action in ["sign-in", "upload and triage or plan", "download"] {
        assert!(all.iter().any(|a| a.action == action), "{action}: {all:?}");
    }
    assert_eq!(
        l.signed_off(draft).expect("signed").map(|s| s.0),
        Some("rev".to_owned())
    );
}

#[tokio::test]
async fn an_admin_may_turn_the_sign_off_rule_off() {
    let f = fixture();
    let (admin, token) = sign_in(&f.app, "ada").await;
    let res = send(
        &f.app,
        form_post(
            "/users/policy",
            Some(&admin),
            &format!("csrf={token}&signoff=off"),
            ORIGIN,
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (clerk, clerk_token) = sign_in(&f.app, "cal").await;
    let res = send(&f.app, upload_request(&clerk, Some(&clerk_token), ORIGIN)).await;
    let triage = location(&res);
    let res = send(
        &f.app,
        form_post(
            &format!("{triage}/refile.csv/uploaded"),
            Some(&clerk),
            &format!("csrf={clerk_token}"),
            ORIGIN,
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // A clerk cannot turn it back on.
    let res = send(
        &f.app,
        form_post(
            "/users/policy",
            Some(&clerk),
            &format!("csrf={clerk_token}&signoff=on"),
            ORIGIN,
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // An admin disables the clerk on the Users page: out at once.
    let res = send(
        &f.app,
        form_post(
            "/users/cal/disable",
            Some(&admin),
            &format!("csrf={token}"),
            ORIGIN,
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        send(&f.app, get("/", Some(&clerk))).await.status(),
        StatusCode::SEE_OTHER
    );
    let l = Ledger::open(&f.ledger).expect("ledger");
    assert!(l.user("cal").expect("user").is_some_and(|u| u.disabled));
    let disabled = l.audit_of("user", "cal").expect("audit");
    assert!(
        disabled
            .iter()
            .any(|a| a.action == "disable user" && a.who == "ada"),
        "{disabled:?}"
    );
    let rule = l.audit_of("setting", "signoff-required").expect("audit");
    assert_eq!(rule.len(), 1, "{rule:?}");
}

#[tokio::test]
async fn without_team_there_is_no_sign_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut state = AppState::new(dir.path().join("uploads"));
    state.as_of = Some(AS_OF.parse().expect("date"));
    let app = app(state);
    let res = send(&app, get("/", None)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = text(res).await;
    assert!(!page.contains("Signed in") && !page.contains("name=\"csrf\""));
    // The sign-in answers nothing there.
    let res = send(&app, sign_in_request("cal", PASSWORD, None)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

/// One HTTP/1.1 request over TLS to a team server serving HTTPS itself; the raw response.
async fn https_request(port: u16, request: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    let cert = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls/cert.pem");
    let mut roots = rustls::RootCertStore::empty();
    for c in rustls::pki_types::CertificateDer::pem_file_iter(cert).expect("cert") {
        roots.add(c.expect("cert")).expect("root");
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let name = rustls::pki_types::ServerName::try_from("localhost").expect("name");
    let mut tls = connector.connect(name, tcp).await.expect("handshake");
    tls.write_all(request.as_bytes()).await.expect("send");
    let mut response = Vec::new();
    // The server closes after answering: the request says `Connection: close`.
    let _ = tls.read_to_end(&mut response).await;
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn a_team_server_serves_https_itself_with_secure_cookies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = dir.path().join("ledger.sqlite3");
    let mut l = Ledger::open(&ledger).expect("ledger");
    capekit_app::users::add_user(&mut l, "cal", Role::Clerk, PASSWORD).expect("user");
    drop(l);
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls");
    let mut state = AppState::new(dir.path().join("uploads"));
    state.ledger = Some(ledger);
    state.team = Some(Team::new(false));
    state.tls = Some(
        capekit_web::Tls::from_pem_files(&fixtures.join("cert.pem"), &fixtures.join("key.pem"))
            .expect("certificate and key"),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server = tokio::spawn(capekit_web::serve_on(listener, state));
    let page = https_request(
        port,
        format!("GET /signin HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    let body = format!("name=cal&password={}", PASSWORD.replace(' ', "+"));
    let signed = https_request(
        port,
        format!(
            "POST /signin HTTP/1.1\r\nHost: localhost:{port}\r\nOrigin: https://localhost:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
    .await;
    assert!(signed.starts_with("HTTP/1.1 303"), "{signed}");
    let cookie = signed
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap_or_default();
    assert!(
        cookie.contains("; Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    // Plain HTTP on the TLS port gets no page.
    let mut plain = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    plain
        .write_all(format!("GET / HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n").as_bytes())
        .await
        .expect("send");
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        plain.read_to_end(&mut answer),
    )
    .await;
    assert!(!String::from_utf8_lossy(&answer).contains("HTTP/1.1 200"));
    server.abort();
}
