//! The workbench's words, without a socket: entry numbers in ACE's 11 characters (the dashed
//! form only beside them, labelled), times in local time with the zone, actions, outcomes and
//! paths with their meaning, the catalog by its date, and a finding repeated on many rows told
//! once with its lines.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use capekit_web::{AppState, app};
use http_body_util::BodyExt;
use tower::ServiceExt;

const CLAIM: &[u8] = include_bytes!("../../capekit/demo/claim-details.csv");
const DECLARATION: &[u8] = include_bytes!("../../capekit/demo/declaration.csv");
const AS_OF: &str = "2026-11-24";
const BOUNDARY: &str = "capekit-words-boundary-3c1d";

fn workbench(dir: &tempfile::TempDir) -> Router {
    let mut state = AppState::new(dir.path().join("uploads"));
    state.as_of = Some(AS_OF.parse().expect("date"));
    state.ledger = Some(dir.path().join("ledger.sqlite3"));
    app(state)
}

async fn send(app: &Router, req: Request<Body>) -> Response<Body> {
    app.clone().oneshot(req).await.expect("infallible")
}

async fn text(res: Response<Body>) -> String {
    let b = res.into_body().collect().await.expect("body").to_bytes();
    String::from_utf8(b.to_vec()).expect("utf8")
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::HOST, "localhost:8080")
        .body(Body::empty())
        .expect("request")
}

/// Uploads files on the start page and returns the page it leads to.
async fn upload(app: &Router, files: &[(&str, &[u8])]) -> String {
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"as_of\"\r\n\r\n{AS_OF}\r\n--{BOUNDARY}--\r\n").as_bytes(),
    );
    let req = Request::post("/upload")
        .header(header::HOST, "localhost:8080")
        .header(header::ORIGIN, "http://localhost:8080")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .expect("request");
    let res = send(app, req).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("redirect")
        .to_owned();
    text(send(app, get(&to)).await).await
}

/// A time as the pages print it: `2026-12-01 09:14 EST` (or an offset for a zone without an
/// abbreviation), whatever this computer's zone.
fn has_zoned_time(page: &str) -> bool {
    let b = page.as_bytes();
    (0..b.len().saturating_sub(17)).any(|i| {
        let d = |j: usize| b[i + j].is_ascii_digit();
        (d(0) && d(1) && d(2) && d(3) && b[i + 4] == b'-' && d(5) && d(6) && b[i + 7] == b'-')
            && (d(8) && d(9) && b[i + 10] == b' ' && d(11) && d(12) && b[i + 13] == b':')
            && (d(14) && d(15) && b[i + 16] == b' ')
            && b.get(i + 17)
                .is_some_and(|c| c.is_ascii_uppercase() || *c == b'+' || *c == b'-')
    })
}

#[tokio::test]
async fn the_triage_page_explains_its_words_and_names_the_catalog_by_date() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = workbench(&dir);
    let page = upload(
        &app,
        &[
            ("claim-details.csv", CLAIM),
            ("declaration.csv", DECLARATION),
        ],
    )
    .await;
    assert!(
        page.contains("CBP messages known as of 2026-12-01"),
        "catalog line"
    );
    assert!(!page.contains("catalog 2026-12-01"));
    // Each action and outcome in the table carries its meaning as a tooltip, from the one table.
    let refile = capekit_core::words::meaning("refile").expect("refile");
    assert!(
        page.contains(&format!("title=\"{refile}\"")),
        "action tooltip"
    );
    let missing = capekit_core::words::meaning("missing").expect("missing");
    assert!(page.contains(missing), "outcome legend or tooltip");
    assert!(page.contains("What the outcomes and actions mean"));
}

#[tokio::test]
async fn the_entry_page_leads_with_the_11_characters_and_shows_local_times() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = workbench(&dir);
    upload(
        &app,
        &[
            ("claim-details.csv", CLAIM),
            ("declaration.csv", DECLARATION),
        ],
    )
    .await;
    let page = text(send(&app, get("/entry/B76-4410411-2")).await).await;
    assert!(page.contains("<title>Entry B7644104112"), "title");
    // The dashed form only beside the plain one, and labelled.
    let plain = page.find(">B7644104112<").expect("plain form");
    let dashed = page.find(">B76-4410411-2<").expect("dashed form");
    assert!(plain < dashed);
    assert!(page.contains("the same with dashes"));
    // The timeline's times are local, with the zone.
    assert!(has_zoned_time(&page), "no zoned time on the entry page");
    // The entry is on the refile the triage wrote: a draft, never "refiled" before it is
    // uploaded.
    assert!(page.contains("on a draft capekit wrote"), "draft event");
    assert!(!page.contains(">refiled<"));
}

#[tokio::test]
async fn the_start_page_counts_entries_by_the_states_words() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = workbench(&dir);
    upload(
        &app,
        &[
            ("claim-details.csv", CLAIM),
            ("declaration.csv", DECLARATION),
        ],
    )
    .await;
    let page = text(send(&app, get("/")).await).await;
    assert!(has_zoned_time(&page), "recent uploads with their zone");
    assert!(!page.contains("not declared yet"), "one name per state");
}

#[tokio::test]
async fn a_finding_on_many_rows_of_an_es003_is_one_group_on_the_plan_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = workbench(&dir);
    let mut es003 = String::from("Entry Summary Number,Importer Number,Liquidation Date\r\n");
    for _ in 0..25 {
        es003.push_str("6.05761E+10,27-184593000,09/05/2026\r\n");
    }
    es003.push_str("B7644130141,27-184593000,09/05/2026\r\n");
    let page = upload(&app, &[("es003.csv", es003.as_bytes())]).await;
    let findings = &page[page.find("id=\"findings\"").expect("findings")..];
    let findings = &findings[..findings.find("</section>").expect("end")];
    assert!(findings.contains("on 25 lines: 2-26"), "{findings}");
    assert_eq!(
        findings
            .matches("<td class=\"mono\">6.05761E+10</td>")
            .count(),
        capekit_core::words::FINDINGS_SHOWN,
        "{findings}"
    );
    assert!(findings.contains("22 more like these"), "{findings}");
    assert!(
        !findings.contains("format json"),
        "no terminal command on the web"
    );
}

#[tokio::test]
async fn unreadable_claim_rows_are_one_group_on_the_triage_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = workbench(&dir);
    let mut claim = String::from("ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\n");
    for _ in 0..20 {
        claim.push_str("6.05761E+10,100000241223,REJECTED,INVALID HTS\r\n");
    }
    claim.push_str("B7644130141,100000241223,REJECTED,INVALID HTS\r\n");
    let page = upload(&app, &[("claim-details.csv", claim.as_bytes())]).await;
    let start = page.find("Rows that could not be read").expect("findings");
    let rows = &page[start..];
    let rows = &rows[..rows.find("</table>").expect("end")];
    assert!(rows.contains("C001 on 20 lines: 2-21"), "{rows}");
    assert_eq!(
        rows.matches("<td class=\"mono\">6.05761E+10</td>").count(),
        capekit_core::words::FINDINGS_SHOWN,
        "{rows}"
    );
    assert!(rows.contains("17 more like these"), "{rows}");
}
