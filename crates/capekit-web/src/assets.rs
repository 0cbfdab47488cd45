//! The stylesheet and script, embedded in the binary so the workbench works offline and loads
//! nothing from elsewhere. The script only enhances: every page works without it.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// The stylesheet.
pub const CSS: &str = include_str!("assets/app.css");
/// The script: drag and drop, quick filtering of tables, filters applied on change.
pub const JS: &str = include_str!("assets/app.js");

/// `GET /static/{file}`.
pub async fn serve(Path(file): Path<String>) -> Result<Response, AppError> {
    let (body, content_type) = match file.as_str() {
        "app.css" => (CSS, "text/css; charset=utf-8"),
        "app.js" => (JS, "text/javascript; charset=utf-8"),
        _ => {
            return Err(AppError::not_found(
                "No such file",
                "capekit has no file by that name.",
            ));
        }
    };
    Ok((
        [
            (CONTENT_TYPE, content_type),
            (CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response())
}

/// `GET /favicon.ico`: none, and no error page for the browser's automatic request.
pub async fn favicon() -> StatusCode {
    StatusCode::NO_CONTENT
}
