//! `GET /users`: a team server's users, for an admin: add one, disable or enable one, and the
//! sign-off rule; with the latest rows of the audit log. What `capekit user` does, behind pages.
//!
//! Only an admin reaches it (`team::require`); the forms POST with the session's form token like
//! every other, and what they change is in the audit as every POST of a team server is.

use axum::extract::{Path as UrlPath, State};
use axum::response::{IntoResponse, Redirect, Response};
use capekit_app::users::UserError;
use capekit_ledger::{Ledger, Role};
use maud::html;

use super::private_page;
use crate::AppState;
use crate::error::AppError;
use crate::layout;
use crate::team::{csrf_field, require};

/// Audit rows shown on the page.
const AUDIT_SHOWN: usize = 50;

fn ledger_path(state: &AppState) -> Result<std::path::PathBuf, AppError> {
    state.ledger.clone().ok_or_else(|| {
        AppError::bad_request(
            "The ledger is off",
            "Users are kept in the ledger; this server runs without one.",
        )
    })
}

/// `GET /users`.
pub async fn page(State(state): State<AppState>) -> Result<Response, AppError> {
    require(Role::Admin)?;
    let path = ledger_path(&state)?;
    let (users, signoff, audit) = tokio::task::spawn_blocking(move || {
        let l = Ledger::open(&path)?;
        Ok::<_, capekit_ledger::LedgerError>((
            l.users()?,
            l.signoff_required()?,
            l.recent_audit(AUDIT_SHOWN)?,
        ))
    })
    .await?
    .map_err(|e| AppError::bad_request("The ledger could not be read", e.to_string()))?;
    let body = html! {
        table #users {
            thead { tr { th { "name" } th { "role" } th { "state" } th { "added" } th { "" } } }
            tbody {
                @for u in &users {
                    tr {
                        td { (u.name) }
                        td { (u.role.as_str()) }
                        td { @if u.disabled { "disabled" } @else { "enabled" } }
                        td { (layout::local_time(u.created_at)) }
                        td {
                            form.inline method="post" action={ "/users/" (u.name) "/" (if u.disabled { "enable" } else { "disable" }) } {
                                (csrf_field())
                                button.button type="submit" { @if u.disabled { "Enable" } @else { "Disable" } }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Add a user" }
        form #add-user method="post" action="/users" {
            (csrf_field())
            p { label for="user-name" { "Name" } " " input #user-name type="text" name="name" required autocomplete="off"; }
            p { label for="user-role" { "Role" } " "
                select #user-role name="role" {
                    @for r in Role::ALL { option value=(r.as_str()) { (r.as_str()) } }
                }
            }
            p { label for="user-password" { "Password (at least 12 characters)" } " " input #user-password type="password" name="password" required autocomplete="new-password"; }
            p { button type="submit" { "Add" } }
        }
        h2 { "Sign-off" }
        form #signoff-policy method="post" action="/users/policy" {
            (csrf_field())
            @if signoff {
                p { "On: a reviewer signs off a declaration before it may be marked uploaded." }
                input type="hidden" name="signoff" value="off";
                button type="submit" { "Turn it off" }
            } @else {
                p { "Off: any signed-in user may mark a declaration uploaded." }
                input type="hidden" name="signoff" value="on";
                button type="submit" { "Turn it on" }
            }
        }
        h2 { "Latest actions" }
        (crate::team::audit_table(&audit))
    };
    Ok(private_page(layout::page("Users", body)))
}

/// The add form.
#[derive(Debug, serde::Deserialize)]
pub struct AddForm {
    name: String,
    role: String,
    password: String,
}

/// `POST /users`: adds a user.
pub async fn add(
    State(state): State<AppState>,
    axum::Form(form): axum::Form<AddForm>,
) -> Result<Response, AppError> {
    require(Role::Admin)?;
    let path = ledger_path(&state)?;
    let Some(role) = Role::parse(&form.role) else {
        return Err(
            AppError::bad_request("No such role", "A role is clerk, reviewer or admin.")
                .with_back("/users", "Back to the users"),
        );
    };
    let name = form.name.trim().to_owned();
    if let Some(why) = capekit_app::users::password_problem(&form.password) {
        return Err(AppError::bad_request("Not added", format!("{why}."))
            .with_back("/users", "Back to the users"));
    }
    let writer = state.clone();
    let done = tokio::task::spawn_blocking(move || {
        let hash = capekit_app::users::hash_password(&form.password)?;
        crate::ledger::write(&writer.writes, &path, writer.ledger_busy_timeout, |l| {
            l.add_user(&name, role, &hash)
        })
        .map_err(UserError::Ledger)
    })
    .await?;
    match done {
        Ok(()) => Ok(Redirect::to("/users").into_response()),
        Err(e) => Err(AppError::bad_request("Not added", e.to_string())
            .with_back("/users", "Back to the users")),
    }
}

/// `POST /users/{name}/{disable|enable}`.
pub async fn act(
    State(state): State<AppState>,
    UrlPath((name, action)): UrlPath<(String, String)>,
) -> Result<Response, AppError> {
    let me = require(Role::Admin)?;
    let path = ledger_path(&state)?;
    let disabled = match action.as_str() {
        "disable" => true,
        "enable" => false,
        _ => {
            return Err(AppError::not_found(
                "No such action",
                "A user can be disabled or enabled.",
            )
            .with_back("/users", "Back to the users"));
        }
    };
    if disabled && me.name.eq_ignore_ascii_case(&name) {
        return Err(AppError::bad_request(
            "Not disabled",
            "You cannot disable yourself: another admin can, or `capekit user disable`.",
        )
        .with_back("/users", "Back to the users"));
    }
    let writer = state.clone();
    let who = name.clone();
    let done = tokio::task::spawn_blocking(move || {
        crate::ledger::write(&writer.writes, &path, writer.ledger_busy_timeout, |l| {
            l.set_user_disabled(&who, disabled)
        })
    })
    .await?;
    match done {
        Ok(()) => Ok(Redirect::to("/users").into_response()),
        Err(e) => Err(AppError::bad_request("Not changed", e.to_string())
            .with_back("/users", "Back to the users")),
    }
}

/// The sign-off rule form.
#[derive(Debug, serde::Deserialize)]
pub struct PolicyForm {
    signoff: String,
}

/// `POST /users/policy`: turns the sign-off rule on or off.
pub async fn policy(
    State(state): State<AppState>,
    axum::Form(form): axum::Form<PolicyForm>,
) -> Result<Response, AppError> {
    require(Role::Admin)?;
    let path = ledger_path(&state)?;
    let on = form.signoff == "on";
    let writer = state.clone();
    tokio::task::spawn_blocking(move || {
        crate::ledger::write(&writer.writes, &path, writer.ledger_busy_timeout, |l| {
            l.set_signoff_required(on)
        })
    })
    .await?
    .map_err(|e| AppError::bad_request("Not changed", e.to_string()))?;
    Ok(Redirect::to("/users").into_response())
}
