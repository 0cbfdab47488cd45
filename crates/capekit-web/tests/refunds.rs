//! The Refunds page and refund reports uploaded on the start page, through the router
//! (`oneshot`, no socket), with a temporary ledger.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use capekit_web::{AppState, app};
use http_body_util::BodyExt;
use tower::ServiceExt;

const AS_OF: &str = "2026-08-01";
const BOUNDARY: &str = "capekit-test-boundary-7f3a";
const IMPORTER: &str = "12-3456789AA";

fn entry(n: u32) -> String {
    capekit_core::EntryNumber::from_parts("B76", n)
        .expect("entry")
        .to_string()
}

fn plain(n: u32) -> String {
    capekit_core::EntryNumber::from_parts("B76", n)
        .expect("entry")
        .to_string()
}

struct Fixture {
    app: Router,
    _dir: tempfile::TempDir,
}

fn fixture(ledger: bool) -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut state = AppState::new(dir.path().join("uploads"));
    state.as_of = Some(AS_OF.parse().expect("date"));
    if ledger {
        state.ledger = Some(dir.path().join("ledger.sqlite3"));
    }
    Fixture {
        app: app(state),
        _dir: dir,
    }
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

async fn upload(app: &Router, files: &[(&str, &[u8])]) -> Response<Body> {
    let mut parts: Vec<(&str, Option<&str>, &[u8])> =
        files.iter().map(|(n, b)| ("files", Some(*n), *b)).collect();
    parts.push(("as_of", None, b"2026-05-01"));
    let req = Request::post("/upload")
        .header(header::HOST, "localhost:8080")
        .header(header::ORIGIN, "http://localhost:8080")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(multipart(&parts)))
        .expect("request");
    app.clone().oneshot(req).await.expect("infallible")
}

async fn get(app: &Router, uri: &str) -> Response<Body> {
    let req = Request::get(uri)
        .header(header::HOST, "localhost:8080")
        .body(Body::empty())
        .expect("request");
    app.clone().oneshot(req).await.expect("infallible")
}

async fn text(res: Response<Body>) -> String {
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    String::from_utf8(bytes.to_vec()).expect("utf8")
}

fn claim() -> Vec<u8> {
    let mut s = String::from("ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\n");
    for n in 1..=2 {
        s.push_str(&format!("{},100000241223,ACCEPTED,\r\n", entry(n)));
    }
    s.into_bytes()
}

fn es003() -> Vec<u8> {
    let mut s = String::from(
        "Entry Summary Number,Importer Number,Entry Summary Date,HTS Number - Full,Line Tariff Duty Amount,Liquidation Status,Liquidation Date\r\n",
    );
    for n in 1..=2 {
        s.push_str(&format!(
            "{},{IMPORTER},06/10/2025,99030125,\"$1,000.00\",Liquidated,06/10/2026\r\n",
            entry(n)
        ));
    }
    s.into_bytes()
}

fn rev615() -> Vec<u8> {
    format!(
        "REV-615 CAPE Details Refunds\r\nEntry Number,Declaration Number,Refund Number,Refund Amount,Interest Amount,Refund Status\r\n{},D1,R-1,$1000.00,$60.00,Treasury Issued\r\n{},D1,R-2,$1000.00,$60.00,Check/ACH Returned\r\n",
        entry(1),
        entry(2)
    )
    .into_bytes()
}

#[tokio::test]
async fn refund_reports_uploaded_are_recorded_and_reconciled_per_importer() {
    let f = fixture(true);
    // What was accepted, and the duty: a triage and a plan, as the start page records them.
    let res = upload(&f.app, &[("claim.csv", &claim())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = upload(&f.app, &[("es003.csv", &es003())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // Named .txt: the content decides.
    let res = upload(&f.app, &[("rev615.txt", &rev615())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", text(res).await);
    assert_eq!(
        res.headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/refunds")
    );
    let page = text(get(&f.app, "/refunds").await).await;
    assert!(page.contains("id=\"importers\""), "{page}");
    assert!(page.contains(IMPORTER), "{page}");
    assert!(page.contains("$2,000.00"), "IEEPA duty: {page}");
    assert!(page.contains("estimates"), "{page}");
    // The money by stage, per importer: a bar for the importer, split into its stages.
    let chart = &page[page.find("id=\"money-chart\"").expect("chart")..];
    let chart = &chart[..chart.find("</svg>").expect("svg")];
    assert!(chart.contains(&format!("{IMPORTER}: ")), "{chart}");
    assert!(chart.contains("held for ACH"), "{chart}");
    let one = text(get(&f.app, &format!("/refunds?importer={IMPORTER}")).await).await;
    assert!(one.contains(&plain(2)), "{one}");
    assert!(one.contains("T006"), "held for ACH: {one}");
    assert!(one.contains("only the importer can enter them"), "{one}");
    // The page to send the importer, as a download.
    let res = get(&f.app, &format!("/refunds/page/{IMPORTER}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()
            .get(header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok()),
        Some("attachment; filename=\"refunds-12-3456789AA-2026-08-01.html\"")
    );
    // Each entry's page shows its refund rows.
    let e = text(get(&f.app, &format!("/entry/{}", entry(2))).await).await;
    assert!(e.contains("id=\"refund-events\""), "{e}");
    assert!(e.contains("Check/ACH Returned"), "{e}");
    assert!(e.contains("rev615.txt line 4"), "{e}");
    // The same file again changes nothing.
    let res = upload(&f.app, &[("rev615.txt", &rev615())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let again = text(get(&f.app, &format!("/refunds?importer={IMPORTER}")).await).await;
    assert_eq!(again.matches("T006").count(), one.matches("T006").count());
}

#[tokio::test]
async fn refund_reports_are_uploaded_alone_and_need_the_ledger() {
    let f = fixture(true);
    let res = upload(
        &f.app,
        &[("rev615.csv", &rev615()), ("claim.csv", &claim())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text(res)
            .await
            .contains("Upload the refund reports on their own")
    );
    let off = fixture(false);
    let res = upload(&off.app, &[("rev615.csv", &rev615())]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(text(res).await.contains("--no-ledger"));
    let res = get(&off.app, "/refunds").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // A refund report whose columns cannot be used is refused naming them.
    let res = upload(
        &f.app,
        &[("x.csv", b"Refund Amount,Interest Amount\r\n$1.00,$0.01\r\n")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(res).await.contains("found columns"));
}

async fn post_form(app: &Router, uri: &str, body: &str) -> Response<Body> {
    let req = Request::post(uri)
        .header(header::HOST, "localhost:8080")
        .header(header::ORIGIN, "http://localhost:8080")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .expect("request");
    app.clone().oneshot(req).await.expect("infallible")
}

#[tokio::test]
async fn an_importers_ach_enrollment_and_latest_entry_are_recorded_from_its_page() {
    let f = fixture(true);
    assert_eq!(
        upload(&f.app, &[("claim.csv", &claim())]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        upload(&f.app, &[("es003.csv", &es003())]).await.status(),
        StatusCode::SEE_OTHER
    );
    let uri = format!("/refunds?importer={IMPORTER}");
    // Accepted, nothing issued, nothing known of ACH; its latest entry in the ledger is of
    // 2025-06-10, 417 days before 2026-08-01.
    let page = text(get(&f.app, &uri).await).await;
    assert!(page.contains("id=\"importer-readiness\""), "{page}");
    assert!(page.contains("T018") && page.contains("T019"), "{page}");
    assert!(page.contains("id=\"importer-facts\""), "the form: {page}");
    let overview = text(get(&f.app, "/refunds").await).await;
    assert!(overview.contains("T018"), "{overview}");

    // A day after today is refused, and nothing is recorded.
    let res = post_form(
        &f.app,
        &format!("/refunds/importer/{IMPORTER}"),
        "active_on=2026-08-02",
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(text(res).await.contains("after today"));
    let res = post_form(&f.app, &format!("/refunds/importer/{IMPORTER}"), "").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "nothing to record");

    // Written as ACE writes it, without the dashes: still that importer.
    let res = post_form(
        &f.app,
        "/refunds/importer/123456789AA",
        "corporate=&ach=enrolled&active_on=07%2F01%2F2026",
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let back = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(back.contains("recorded=1"), "{back}");
    let said = text(get(&f.app, &back).await).await;
    assert!(said.contains("id=\"facts-recorded\""), "{said}");
    // The form shows what is on file.
    assert!(said.contains("enrolled, recorded 2026-08-01"), "{said}");
    assert!(said.contains("value=\"2026-07-01\""), "{said}");
    let page = text(get(&f.app, &uri).await).await;
    assert!(!page.contains("T018"), "ACH recorded: {page}");
    assert!(!page.contains("T019"), "active on 2026-07-01: {page}");

    // A cross-site form is refused.
    let req = Request::post(format!("/refunds/importer/{IMPORTER}"))
        .header(header::HOST, "localhost:8080")
        .header(header::ORIGIN, "http://evil.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("ach=not-enrolled"))
        .expect("request");
    let res = f.app.clone().oneshot(req).await.expect("infallible");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(!text(get(&f.app, &uri).await).await.contains("T018"));
}
