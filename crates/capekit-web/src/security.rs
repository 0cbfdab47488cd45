//! The middleware every response passes through: security headers, the same-origin rule for
//! state-changing requests, and HTML pages for errors that axum's extractors answer in plain text.
//!
//! The workbench holds a filer's entry lists, so another web site open in the same browser must
//! neither post files to it (cross-site request forgery) nor frame or script it. Browsers send
//! `Origin` on every POST they make, so a POST whose `Origin` (or, lacking one, `Referer`) names
//! another host is refused; a POST with neither comes from a program such as curl, not from a page
//! of another site, and is let through.

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE, HOST, ORIGIN, REFERER,
    REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;

use crate::error::AppError;

/// The Content-Security-Policy of every response: nothing from elsewhere, no inline script or
/// style, forms post only here, no framing.
pub const CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

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

/// The most of an oversized body read and dropped before answering 413.
const DRAIN_LIMIT: u64 = 256 * 1024 * 1024;

/// Answers an upload whose declared size is over [`crate::MAX_UPLOAD_BYTES`] with the 413 page,
/// after reading the body and dropping it: a browser still sending a body when the server answers
/// and closes shows "connection reset" instead of the page.
pub async fn oversize(req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_none_or(|n| n <= crate::MAX_UPLOAD_BYTES as u64) {
        return next.run(req).await;
    }
    let mut body = req.into_body();
    let mut read = 0u64;
    while let Some(Ok(frame)) = body.frame().await {
        read += frame.data_ref().map_or(0, |d| d.len() as u64);
        if read > DRAIN_LIMIT {
            break;
        }
    }
    AppError::too_large().into_response()
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
