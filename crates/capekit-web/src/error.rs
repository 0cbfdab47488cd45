//! The one error type of the handlers: a user's mistake becomes a 4xx page that says what was
//! wrong and what to do; anything else is logged to the terminal and shown as a short 500 page.
//!
//! Handlers return `Result<_, AppError>`, so a bad file can never surface as a bare 500 or an
//! empty body: a clerk always gets a page in plain words, with a way back.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use crate::layout;

/// A page-level failure. Boxed, so that `Result<_, AppError>` stays small.
#[derive(Debug)]
pub struct AppError(Box<Inner>);

#[derive(Debug)]
struct Inner {
    status: StatusCode,
    title: String,
    message: String,
    /// Further lines of explanation or advice, each a paragraph or list item.
    details: Vec<String>,
    /// Titled lists (for example, what capekit reads).
    lists: Vec<(String, Vec<String>)>,
    /// A link back: (href, label).
    back: Option<(String, String)>,
    /// For a server-side failure: what was being done and the cause, for the log only.
    log: Option<String>,
}

impl AppError {
    fn user(status: StatusCode, title: impl Into<String>, message: impl Into<String>) -> Self {
        Self(Box::new(Inner {
            status,
            title: title.into(),
            message: message.into(),
            details: Vec::new(),
            lists: Vec::new(),
            back: None,
            log: None,
        }))
    }

    /// 400: the request itself is wrong (a form field missing or malformed).
    pub fn bad_request(title: impl Into<String>, message: impl Into<String>) -> Self {
        Self::user(StatusCode::BAD_REQUEST, title, message)
    }

    /// 404: no such page, session, rule or file.
    pub fn not_found(title: impl Into<String>, message: impl Into<String>) -> Self {
        Self::user(StatusCode::NOT_FOUND, title, message)
    }

    /// 410: the session was removed to free memory for newer uploads.
    pub fn evicted() -> Self {
        Self::user(
            StatusCode::GONE,
            "This result was removed to free memory",
            "This result was removed to free memory; upload the files again to see it. capekit keeps the results of the latest uploads in memory while it runs, and removes the oldest when they would take too much.",
        )
        .with_detail("What the upload recorded in the ledger is still there: uploading the same files again changes nothing in it.")
        .with_back("/", "Upload files")
    }

    /// 410: the upload's record is in the upload folder, but these of its files (as the browser
    /// named them) are not, so its result cannot be read again after a restart.
    pub fn files_gone(names: &[String]) -> Self {
        Self::user(
            StatusCode::GONE,
            "The files of this upload are gone",
            format!(
                "capekit keeps each upload's files in its upload folder to show the result again after a restart, and {} no longer there. Upload the files again to see the result.",
                match names {
                    [one] => format!("{one} is"),
                    many => format!("{} are", many.join(", ")),
                }
            ),
        )
        .with_detail("What the upload recorded in the ledger is still there: uploading the same files again changes nothing in it.")
        .with_back("/", "Upload files")
    }

    /// 409: the request is right, but what it acts on has changed since the page was made (a
    /// draft superseded by a newer one).
    pub fn conflict(title: impl Into<String>, message: impl Into<String>) -> Self {
        Self::user(StatusCode::CONFLICT, title, message)
    }

    /// 422: the file was received but capekit cannot use it.
    pub fn unusable_file(title: impl Into<String>, message: impl Into<String>) -> Self {
        Self::user(StatusCode::UNPROCESSABLE_ENTITY, title, message)
    }

    /// 403: a state-changing request from another web site.
    pub fn cross_origin() -> Self {
        Self::user(
            StatusCode::FORBIDDEN,
            "Request refused",
            "This request came from another web site, so capekit refused it. Uploads and other changes are accepted only from capekit's own pages.",
        )
        .with_detail("If you used a bookmark or a saved page, open capekit's start page and try again from there.")
        .with_back("/", "Go to the start page")
    }

    /// 401: a team server's page asked for without a session (see `team.rs`).
    pub fn sign_in_first() -> Self {
        Self::user(
            StatusCode::UNAUTHORIZED,
            "Sign in first",
            "This capekit serves a team: sign in, then try again from its pages. Nothing was read or changed.",
        )
        .with_back("/signin", "Sign in")
    }

    /// 403: a signed-in user asked for what their role does not allow, or a form's token was
    /// missing or wrong.
    pub fn forbidden(title: impl Into<String>, message: impl Into<String>) -> Self {
        Self::user(StatusCode::FORBIDDEN, title, message)
    }

    /// 429: too many failed sign-ins.
    pub fn too_many(message: impl Into<String>) -> Self {
        Self::user(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many failed sign-ins",
            message,
        )
        .with_back("/signin", "Back to the sign-in")
    }

    /// 413: the upload is larger than [`crate::MAX_UPLOAD_BYTES`].
    pub fn too_large() -> Self {
        Self::user(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The upload is too large",
            format!(
                "capekit takes at most {} MB in one upload, and this one is larger.",
                crate::MAX_UPLOAD_BYTES / (1024 * 1024)
            ),
        )
        .with_detail("A Claim Details file of 9,999 entries is about 1 MB, so a file this large is probably not one ACE gave you. Check that you picked the right file.")
        .with_detail("If you uploaded several claim files at once, upload fewer at a time.")
        .with_back("/", "Back to the start page")
    }

    /// 500: something failed on the server; `context` says what was being done. Logged, not shown.
    pub fn internal(context: impl Into<String>, cause: impl std::fmt::Display) -> Self {
        let context = context.into();
        Self(Box::new(Inner {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            title: "Something went wrong on this computer".to_owned(),
            message: format!(
                "capekit could not finish: {context}. Your files are not at fault. The details are in the window where `capekit serve` runs."
            ),
            details: Vec::new(),
            lists: Vec::new(),
            back: Some(("/".to_owned(), "Back to the start page".to_owned())),
            log: Some(format!("{context}: {cause}")),
        }))
    }

    /// 408: the request's body did not arrive within `timeout`.
    pub fn timed_out(timeout: std::time::Duration) -> Self {
        Self::user(
            StatusCode::REQUEST_TIMEOUT,
            "The upload took too long",
            format!(
                "capekit waits {} seconds for an upload to arrive, and this one did not arrive in time, so nothing of it was read.",
                timeout.as_secs()
            ),
        )
        .with_detail("Send the files again; if the network is slow, upload fewer files at a time.")
        .with_back("/", "Back to the start page")
    }

    /// 503: the ledger stayed busy (another capekit writing it) past every try, so the upload
    /// was not recorded and nothing of it was kept. Logged too.
    pub fn ledger_busy(path: &std::path::Path, cause: &capekit_ledger::LedgerError) -> Self {
        let mut e = Self::user(
            StatusCode::SERVICE_UNAVAILABLE,
            "The ledger is busy: nothing was recorded",
            format!(
                "Another capekit was writing to the ledger ({}) for too long, so this could not be recorded and nothing of it was kept.",
                path.display()
            ),
        )
        .with_detail("Wait a moment (an import of a large file may be running in another window) and send the files again.")
        .with_back("/", "Back to the start page");
        e.0.log = Some(format!(
            "recording in the ledger {}: {cause}",
            path.display()
        ));
        e
    }

    /// Adds a paragraph of explanation or advice.
    #[must_use]
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.0.details.push(detail.into());
        self
    }

    /// Adds a titled list.
    #[must_use]
    pub fn with_list(mut self, title: impl Into<String>, items: &[&str]) -> Self {
        self.0.lists.push((
            title.into(),
            items.iter().map(|s| (*s).to_owned()).collect(),
        ));
        self
    }

    /// Sets the link back.
    #[must_use]
    pub fn with_back(mut self, href: impl Into<String>, label: impl Into<String>) -> Self {
        self.0.back = Some((href.into(), label.into()));
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }
}

impl Inner {
    fn body(&self) -> Markup {
        html! {
            div.notice.bad {
                p { (self.message) }
            }
            @for d in &self.details {
                p { (layout::with_code(d)) }
            }
            @for (title, items) in &self.lists {
                h2 { (title) }
                ul {
                    @for item in items {
                        li { (layout::with_code(item)) }
                    }
                }
            }
            p {
                @match &self.back {
                    Some((href, label)) => a.button href=(href) { (label) },
                    None => a.button href="/" { "Back to the start page" },
                }
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let e = self.0;
        if let Some(log) = &e.log {
            eprintln!("capekit serve: error: {log}");
        }
        let page = layout::page(&e.title, e.body());
        (e.status, page).into_response()
    }
}

impl From<axum::extract::multipart::MultipartError> for AppError {
    fn from(e: axum::extract::multipart::MultipartError) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Self::too_large()
        } else {
            Self::bad_request(
                "The upload could not be read",
                format!(
                    "The browser's upload was cut short or malformed ({}). Choose the files again and send them once more.",
                    e.body_text()
                ),
            )
            .with_back("/", "Back to the start page")
        }
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::internal("reading the files failed unexpectedly", e)
    }
}
