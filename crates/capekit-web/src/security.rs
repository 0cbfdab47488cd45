//! The middleware every response passes through: the `Host` check, security headers, the
//! same-origin rule for state-changing requests, and HTML pages for errors that axum's extractors
//! answer in plain text.
//!
//! The workbench holds a filer's entry lists, so another web site open in the same browser must
//! neither read it nor post files to it. Two attacks are defended here:
//! - DNS rebinding: a page of `evil.example` whose name the attacker then points at 127.0.0.1 is,
//!   to the browser, the same origin as its own site, so it may read every page and post anything
//!   with a matching `Origin`. Only the `Host` header gives it away (`evil.example:8080`), so a
//!   request whose `Host` is not the address the workbench serves (127.0.0.1, localhost or [::1]
//!   with its port, the address it is bound to, or a name given with `--allow-host`) is answered
//!   421 Misdirected Request before any handler runs, whatever its method.
//! - Cross-site request forgery: browsers send `Origin` on every POST they make, so a POST whose
//!   `Origin` (or, lacking one, `Referer`) names another host is refused; a POST with neither
//!   comes from a program such as curl, not from a page of another site, and is let through.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONNECTION, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE, HOST, ORIGIN,
    REFERER, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;

use crate::error::AppError;

/// The Content-Security-Policy of every response: nothing from elsewhere, no inline script or
/// style, forms post only here, no framing. The script may send requests to this server only
/// (`connect-src 'self'`): the upload form posts its files itself to show their progress.
pub const CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The port a request names when its `Host` has none: HTTP's default.
const HTTP_PORT: u16 = 80;

/// The names this computer answers to whatever the name server says: a page can only reach them
/// by their own name, which no other site can claim.
const LOOPBACK_NAMES: [&str; 3] = ["127.0.0.1", "localhost", "[::1]"];

/// The `Host` values the workbench answers: the loopback names, and the names added with
/// [`AllowedHosts::allow`], each with the port the server listens on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHosts {
    port: u16,
    names: Vec<String>,
    /// Behind a reverse proxy that passes the browser's `Host` on: a name given with
    /// [`AllowedHosts::allow`] is answered without a port too (the proxy's HTTPS port).
    proxied: bool,
}

/// A name given to `--allow-host` that cannot be a `Host` header's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a host name: give a name such as `workbench.example` or an address such as `192.168.1.20` or `[fe80::1]`, without a port or a scheme (the port is the one capekit listens on)"
)]
pub struct BadHostName(pub String);

impl AllowedHosts {
    /// The loopback names on `port`.
    pub fn new(port: u16) -> Self {
        Self {
            port,
            names: Vec::new(),
            proxied: false,
        }
    }

    /// Answers the allowed names without a port too, as a reverse proxy serving them on
    /// HTTPS's default port passes the `Host` on (`capekit serve --team --behind-proxy`).
    pub fn set_proxied(&mut self, proxied: bool) {
        self.proxied = proxied;
    }

    /// The port requests must name.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Sets the port requests must name: the port the listener was bound to.
    pub fn set_port(&mut self, port: u16) {
        self.port = port;
    }

    /// Answers requests that name `name` (a host name, an IPv4 address, or an IPv6 address in
    /// brackets) with the server's port too.
    pub fn allow(&mut self, name: &str) -> Result<(), BadHostName> {
        let lower = name.trim().to_ascii_lowercase();
        let valid = if let Some(inner) = lower.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            inner.parse::<std::net::Ipv6Addr>().is_ok()
        } else {
            !lower.is_empty()
                && lower.len() <= 253
                && lower.split('.').all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && label
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                })
        };
        if !valid {
            return Err(BadHostName(name.to_owned()));
        }
        if !self.names.contains(&lower) && !LOOPBACK_NAMES.contains(&lower.as_str()) {
            self.names.push(lower);
        }
        Ok(())
    }

    /// Answers requests that name the address the server is bound to: an address literal, which
    /// no other site's name can stand for. The unspecified address (`0.0.0.0`) is no address a
    /// browser names, so it adds nothing.
    pub fn allow_address(&mut self, ip: std::net::IpAddr) {
        if ip.is_unspecified() {
            return;
        }
        let name = match ip {
            std::net::IpAddr::V4(v4) => v4.to_string(),
            std::net::IpAddr::V6(v6) => format!("[{v6}]"),
        };
        // An address literal is always a valid name.
        let _ = self.allow(&name);
    }

    /// The names answered besides the loopback ones.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// True when `host` (a `Host` header, or the authority of an absolute request URI) names
    /// this server: an allowed name with the server's port, or without a port when that is
    /// HTTP's default, as browsers then send it.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        let (name, port) = if host.starts_with('[') {
            match host.find(']') {
                Some(end) => host.split_at(end + 1),
                None => return false,
            }
        } else {
            match host.find(':') {
                Some(colon) => host.split_at(colon),
                None => (host.as_str(), ""),
            }
        };
        if self.proxied && port.is_empty() && self.names.iter().any(|n| n == name) {
            return true;
        }
        let port_ok = match port.strip_prefix(':') {
            None if port.is_empty() => self.port == HTTP_PORT,
            Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
                digits.parse::<u16>().ok() == Some(self.port)
            }
            _ => false,
        };
        port_ok && (LOOPBACK_NAMES.contains(&name) || self.names.iter().any(|n| n == name))
    }
}

/// Answers a request whose `Host` is not an address this server serves with 421 and a short
/// plain page, before any handler or other check runs.
pub async fn host_check(State(hosts): State<AllowedHosts>, req: Request, next: Next) -> Response {
    let host_ok = req
        .headers()
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|h| hosts.allows(h));
    // A request in absolute form (`GET http://name/ HTTP/1.1`) names its host twice: both must
    // be this server.
    let uri_ok = req
        .uri()
        .authority()
        .is_none_or(|a| hosts.allows(a.as_str()));
    if host_ok && uri_ok {
        return next.run(req).await;
    }
    let port = hosts.port();
    let body = format!(
        "421 Misdirected Request\n\n\
         capekit answers only at the address it serves, such as http://127.0.0.1:{port}/ or \
         http://localhost:{port}/, and this request named another one, so nothing was read or \
         changed.\n\n\
         If you opened capekit under another name on purpose, start it with --allow-host NAME.\n"
    );
    (
        StatusCode::MISDIRECTED_REQUEST,
        [(CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Adds the security headers to every response.
pub async fn headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}

/// Refuses a state-changing request whose `Origin` or `Referer` names another host.
pub async fn same_origin(req: Request, next: Next) -> Response {
    if !req.method().is_safe() && !is_same_origin(req.headers()) {
        return AppError::cross_origin().into_response();
    }
    next.run(req).await
}

/// True unless the request names an origin other than the host it was sent to.
pub fn is_same_origin(headers: &HeaderMap) -> bool {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let claimed = match (headers.get(ORIGIN), headers.get(REFERER)) {
        (Some(_), _) => text(ORIGIN),
        (None, Some(_)) => text(REFERER),
        // Neither header: not sent by a browser page of another site.
        (None, None) => return true,
    };
    let (Some(claimed), Some(host)) = (claimed, text(HOST)) else {
        // A header that is not text, or no Host to compare with: refuse.
        return false;
    };
    match authority(claimed) {
        Some((scheme, authority)) => {
            normalize(scheme, &authority) == normalize(scheme, &host.to_ascii_lowercase())
        }
        // `Origin: null` (sandboxed frame, file://) and anything unparsable.
        None => false,
    }
}

/// The scheme and lower-cased `host[:port]` of an origin or URL.
fn authority(url: &str) -> Option<(&str, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    (!authority.is_empty()).then(|| (scheme, authority.to_ascii_lowercase()))
}

/// Drops the scheme's default port, so `localhost` and `localhost:80` compare equal.
fn normalize<'a>(scheme: &str, authority: &'a str) -> &'a str {
    let default = if scheme.eq_ignore_ascii_case("https") {
        ":443"
    } else {
        ":80"
    };
    authority.strip_suffix(default).unwrap_or(authority)
}

/// A request body that ends in an error once `deadline` passes: the client that sends a body
/// slowly, or never finishes it, cannot keep a handler (and the body limit's drain) waiting.
struct DeadlineBody {
    inner: Body,
    deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
    expired: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// The error a [`DeadlineBody`] ends in.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
struct BodyTimedOut;

impl http_body::Body for DeadlineBody {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let this = self.get_mut();
        if let std::task::Poll::Ready(frame) = std::pin::Pin::new(&mut this.inner).poll_frame(cx) {
            return std::task::Poll::Ready(frame);
        }
        match this.deadline.as_mut().poll(cx) {
            std::task::Poll::Ready(()) => {
                this.expired
                    .store(true, std::sync::atomic::Ordering::Relaxed);
                std::task::Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut))))
            }
            std::task::Poll::Pending => std::task::Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// Gives the request body `timeout` to arrive, from the end of the headers. A request whose body
/// was late is answered 408 with a page and the connection closed, whatever the handler made of
/// the cut body.
pub async fn body_deadline(
    State(timeout): State<std::time::Duration>,
    req: Request,
    next: Next,
) -> Response {
    let expired = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let req = req.map(|inner| {
        Body::new(DeadlineBody {
            inner,
            deadline: Box::pin(tokio::time::sleep(timeout)),
            expired: expired.clone(),
        })
    });
    let res = next.run(req).await;
    if !expired.load(std::sync::atomic::Ordering::Relaxed) {
        return res;
    }
    let mut res = AppError::timed_out(timeout).into_response();
    res.headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    res
}

/// The most of an oversized body read and dropped after answering 413.
const DRAIN_LIMIT: u64 = 256 * 1024 * 1024;

/// How long an oversized body is read and dropped after answering 413, at most.
const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(30);

/// Answers an upload whose declared size is over [`crate::MAX_UPLOAD_BYTES`] with the 413 page
/// at once, from the `Content-Length` header alone, and closes the connection: a client that
/// declares ten gigabytes and sends nothing gets its answer now, not at the body timeout. The
/// body is read and dropped in the background for a while (bounded in bytes and time), so that a
/// browser still sending it sees the page rather than "connection reset".
pub async fn oversize(req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_none_or(|n| n <= crate::MAX_UPLOAD_BYTES as u64) {
        return next.run(req).await;
    }
    let mut body = req.into_body();
    tokio::spawn(async move {
        let drain = async {
            let mut read = 0u64;
            while let Some(Ok(frame)) = body.frame().await {
                read += frame.data_ref().map_or(0, |d| d.len() as u64);
                if read > DRAIN_LIMIT {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(DRAIN_TIME, drain).await;
    });
    let mut res = AppError::too_large().into_response();
    res.headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    res
}

/// Turns error responses that are not HTML (axum's rejections: a malformed path, query or
/// upload, a method not allowed, a body over the limit) into pages in plain words.
pub async fn html_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    let is_html = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !(status.is_client_error() || status.is_server_error()) || is_html {
        return res;
    }
    let text = match axum::body::to_bytes(res.into_body(), 4096).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => String::new(),
    };
    let err = match status {
        StatusCode::PAYLOAD_TOO_LARGE => AppError::too_large(),
        StatusCode::METHOD_NOT_ALLOWED => AppError::bad_request(
            "This address does not take that kind of request",
            "Use the buttons and forms on capekit's pages rather than typing this address.",
        ),
        s if s.is_server_error() => AppError::internal("the request failed", text),
        _ => AppError::bad_request(
            "The request could not be understood",
            if text.trim().is_empty() {
                "The browser sent something capekit did not expect.".to_owned()
            } else {
                format!("The browser sent something capekit did not expect: {text}")
            },
        ),
    };
    let mut res = err.into_response();
    // Keep the status axum chose (a 405 stays a 405).
    *res.status_mut() = status;
    res
}

/// A response with `Cache-Control: no-store`, for pages and files holding a filer's data.
pub fn no_store(mut res: Response<Body>) -> Response<Body> {
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_the_loopback_names_with_the_port() {
        let hosts = AllowedHosts::new(8080);
        for ok in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LocalHost:8080",
            "[::1]:8080",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example:8080",
            "evil.example",
            "localhost",
            "localhost:8081",
            "localhost:80",
            "localhost:",
            "localhost:+8080",
            "localhost:8080:8080",
            "127.0.0.1.evil.example:8080",
            "localhost.:8080",
            "[::1]",
            "[::1:8080",
            "",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
        // On port 80 browsers leave the port out.
        let web = AllowedHosts::new(80);
        assert!(web.allows("localhost"));
        assert!(web.allows("[::1]"));
        assert!(web.allows("127.0.0.1:80"));
        assert!(!web.allows("evil.example"));
    }

    #[test]
    fn allowed_names_and_addresses() {
        let mut hosts = AllowedHosts::new(8080);
        hosts.allow("Workbench.Example").expect("a name");
        hosts.allow("[fe80::1]").expect("an IPv6 address");
        hosts.allow_address("192.168.1.20".parse().expect("ip"));
        hosts.allow_address("0.0.0.0".parse().expect("ip"));
        assert!(hosts.allows("workbench.example:8080"));
        assert!(hosts.allows("[fe80::1]:8080"));
        assert!(hosts.allows("192.168.1.20:8080"));
        assert!(!hosts.allows("workbench.example:9090"));
        assert!(!hosts.allows("0.0.0.0:8080"));
        assert_eq!(hosts.names().len(), 3);
        for bad in ["", "http://x", "x:8080", "a..b", "fe80::1", "[nope]", "a b"] {
            assert!(hosts.allow(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn behind_a_proxy_an_allowed_name_is_answered_without_a_port() {
        let mut hosts = AllowedHosts::new(8080);
        hosts.allow("workbench.example").expect("a name");
        assert!(!hosts.allows("workbench.example"));
        hosts.set_proxied(true);
        assert!(hosts.allows("workbench.example"));
        assert!(hosts.allows("workbench.example:8080"));
        // Only the names given: never another, and loopback keeps its port.
        assert!(!hosts.allows("evil.example"));
        assert!(!hosts.allows("localhost"));
        assert!(!hosts.allows("workbench.example:9090"));
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).expect("header"));
        }
        h
    }

    #[test]
    fn same_origin_rules() {
        assert!(is_same_origin(&headers(&[("host", "127.0.0.1:8080")])));
        assert!(is_same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080")
        ])));
        assert!(is_same_origin(&headers(&[
            ("host", "localhost"),
            ("origin", "http://LOCALHOST:80")
        ])));
        assert!(is_same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("referer", "http://127.0.0.1:8080/triage/x?a=b")
        ])));
        assert!(!is_same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://evil.example")
        ])));
        assert!(!is_same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "null")
        ])));
        assert!(!is_same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("referer", "http://127.0.0.1:9999/")
        ])));
        assert!(!is_same_origin(&headers(&[(
            "origin",
            "http://127.0.0.1:8080"
        )])));
    }
}
