//! `/rules` and `/rules/{code}`: the catalogs, with the same text as `capekit explain` (the
//! `Documented` trait: code, name, title, catalog, facts and the fixed doc sections).

use axum::extract::{Path as UrlPath, Query};
use axum::response::{IntoResponse, Redirect, Response};
use capekit_core::catalogs::{all_rules, find_rule};
use capekit_core::doc::Documented;
use maud::html;
use serde::Deserialize;

use crate::error::AppError;
use crate::layout;

/// The search box of the list.
#[derive(Debug, Default, Deserialize)]
pub struct Search {
    /// A code, a rule name, or a CBP message as pasted.
    pub q: Option<String>,
}

/// `GET /rules`, or `GET /rules?q=...` to look a message up.
pub async fn list(Query(search): Query<Search>) -> Response {
    let q = search.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if let Some(rule) = q.and_then(find_rule) {
        return Redirect::to(&format!("/rules/{}", rule.code())).into_response();
    }
    let rules = all_rules();
    let mut catalogs: Vec<&'static str> = Vec::new();
    for r in &rules {
        if !catalogs.contains(&r.catalog()) {
            catalogs.push(r.catalog());
        }
    }
    let body = html! {
        p.lead {
            "Every rule capekit applies: the file rules of a declaration upload (F), the messages CBP writes on "
            "rejected entries (M), and the problems of reading ACE's files (C). Each says what it checks, why it "
            "matters, and what to do."
        }
        form.search method="get" action="/rules" {
            label for="q" { "Paste a CBP error message or a code: " }
            input #q.wide type="search" name="q" value=(q.unwrap_or("")) placeholder="ENTRY SUMMARY IS IN TRADE CONTROL";
            " "
            button type="submit" { "Look up" }
        }
        @if let Some(q) = q {
            div.notice.bad {
                p {
                    "No rule matches " code { (q) } ". A message capekit does not know must be read by a person: "
                    "the triage puts it under " span.action { "review" } "."
                }
            }
        }
        @for catalog in &catalogs {
            h2 { (capitalized(catalog)) }
            table.rules {
                thead { tr { th { "code" } th { "name" } th { "what it is about" } } }
                tbody {
                    @for r in rules.iter().filter(|r| r.catalog() == *catalog) {
                        tr {
                            td.mono { a href={ "/rules/" (r.code()) } { (r.code()) } }
                            td.mono { (r.name()) }
                            td { (layout::with_code(r.title())) }
                        }
                    }
                }
            }
        }
    };
    layout::page("Messages and rules", body).into_response()
}

/// A catalog's name as a heading: first letter upper case.
fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `GET /rules/{code}`.
pub async fn rule(UrlPath(code): UrlPath<String>) -> Result<Response, AppError> {
    let rule: &dyn Documented = find_rule(&code).ok_or_else(|| {
        AppError::not_found(
            "No such rule",
            format!("capekit has no rule `{code}`. Rule codes look like F014, M004 or C001."),
        )
        .with_back("/rules", "See every rule")
    })?;
    if rule.code() != code {
        // A name or a message was given: show the rule at its code's address.
        return Ok(Redirect::to(&format!("/rules/{}", rule.code())).into_response());
    }
    let body = html! {
        p.meta { span.mono { (rule.code()) } " · " span.mono { (rule.name()) } " · " (rule.catalog()) }
        dl.facts {
            @for (k, v) in rule.facts() {
                dt { (k) }
                dd { (layout::with_code(&v)) }
            }
        }
        @for (heading, text) in rule.doc().sections() {
            section.doc {
                h2 { (heading) }
                (layout::paragraphs(text))
            }
        }
        p { a href="/rules" { "Every rule" } }
    };
    let title = format!("{}: {}", rule.code(), rule.title());
    Ok(layout::page(&title, body).into_response())
}
