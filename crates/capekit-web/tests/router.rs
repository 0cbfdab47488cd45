//! Router tests without a socket (`tower::ServiceExt::oneshot`, as in axum's `examples/testing`):
//! every page, the downloads against the CLI's bytes, and the safety rules (body limit, file
//! refusals, same-origin, security headers, escaping).

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use capekit_web::{AppState, MAX_UPLOAD_BYTES, app};
use http_body_util::BodyExt;
use tower::ServiceExt;

const CLAIM: &[u8] = include_bytes!("../../capekit/demo/claim-details.csv");
const DECLARATION: &[u8] = include_bytes!("../../capekit/demo/declaration.csv");
const CORRECTED: &[u8] = include_bytes!("../../capekit/demo/corrected.txt");
/// The CLI's snapshot date (crates/capekit/tests/triage.rs).
const AS_OF: &str = "2026-11-24";
const CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

struct Fixture {
    app: Router,
    dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut state = AppState::new(dir.path().join("uploads"));
    state.as_of = Some(AS_OF.parse().expect("date"));
    Fixture {
        app: app(state),
        dir,
    }
}

const BOUNDARY: &str = "capekit-test-boundary-7f3a";

/// A multipart body: (field, file name or None for a text field, bytes).
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

fn post(uri: &str, body: Vec<u8>) -> Request<Body> {
    Request::post(uri)
        .header(header::HOST, "localhost:8080")
        .header(header::ORIGIN, "http://localhost:8080")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .expect("request")
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::HOST, "localhost:8080")
        .body(Body::empty())
        .expect("request")
}

async fn send(app: &Router, req: Request<Body>) -> Response<Body> {
    app.clone().oneshot(req).await.expect("infallible")
}

async fn text(res: Response<Body>) -> String {
    String::from_utf8(bytes(res).await).expect("utf8")
}

async fn bytes(res: Response<Body>) -> Vec<u8> {
    res.into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec()
}

fn location(res: &Response<Body>) -> String {
    res.headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("redirect")
        .to_owned()
}

/// Uploads files on the start page; returns the page it redirects to.
async fn upload(app: &Router, files: &[(&str, &[u8])]) -> String {
    let mut parts: Vec<(&str, Option<&str>, &[u8])> =
        files.iter().map(|(n, b)| ("files", Some(*n), *b)).collect();
    parts.push(("as_of", None, AS_OF.as_bytes()));
    let res = send(app, post("/upload", multipart(&parts))).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", text(res).await);
    location(&res)
}

/// The rows of the entries table.
fn entry_rows(page: &str) -> Vec<&str> {
    let start = page.find("id=\"entries\"").expect("entries table");
    let table = &page[start..];
    let table = &table[..table.find("</table>").expect("table end")];
    let body = &table[table.find("<tbody>").expect("tbody")..];
    body.split("<tr").skip(1).collect()
}

#[tokio::test]
async fn home_page_offers_the_upload() {
    let f = fixture();
    let res = send(&f.app, get("/")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = text(res).await;
    assert!(page.contains("Drop your files here"));
    assert!(page.contains("action=\"/upload\""));
    assert!(page.contains("type=\"file\""));
    assert!(page.contains("enctype=\"multipart/form-data\""));
    // Works offline: nothing from elsewhere.
    assert!(!page.contains("http://") && !page.contains("https://"));
    // No ledger configured: nothing rendered for it.
    assert!(!page.contains("Ledger at a glance"));
}

#[tokio::test]
async fn ledger_at_a_glance_shows_when_configured() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut state = AppState::new(dir.path().join("uploads"));
    state.ledger = Some(dir.path().join("ledger.sqlite3"));
    let page = text(send(&app(state), get("/")).await).await;
    assert!(page.contains("Ledger at a glance"));
}

#[tokio::test]
async fn demo_claim_details_triage_page() {
    let f = fixture();
    let target = upload(&f.app, &[("claim-details.csv", CLAIM)]).await;
    assert!(target.starts_with("/triage/"), "{target}");
    let res = send(&f.app, get(&target)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = text(res).await;
    assert!(page.contains("Accepted with Error(s)"));
    assert!(page.contains("Triage of claim-details.csv"));
    assert!(page.contains("100000241223"));
    assert_eq!(page.matches("<svg").count(), 2, "two charts");
    assert!(page.contains("/refile.csv\""));
    assert!(page.contains("/worklist.xlsx\""));
    assert!(page.contains("/worklist.csv\""));
    assert!(page.contains("/report.html\""));
    assert_eq!(entry_rows(&page).len(), 39, "every entry of the claim");
    // The file was saved under a generated name.
    let saved: Vec<String> = std::fs::read_dir(f.dir.path().join("uploads"))
        .expect("upload dir")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    assert_eq!(saved.len(), 1);
    assert!(
        saved[0].ends_with("-01.csv") && !saved[0].contains("claim"),
        "{saved:?}"
    );
}

#[tokio::test]
async fn entries_filter_by_action_outcome_and_message() {
    let f = fixture();
    let target = upload(&f.app, &[("claim-details.csv", CLAIM)]).await;

    let page = text(send(&f.app, get(&format!("{target}?action=refile"))).await).await;
    let rows = entry_rows(&page);
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r.contains("<span class=\"action\">refile</span>")),
        "{rows:?}"
    );

    let page = text(send(&f.app, get(&format!("{target}?outcome=rejected"))).await).await;
    let rows = entry_rows(&page);
    assert_eq!(rows.len(), 14);
    assert!(rows.iter().all(|r| r.starts_with(" class=\"rejected\"")));

    let page = text(
        send(
            &f.app,
            get(&format!(
                "{target}?outcome=all&message=ENTRY+SUMMARY+IS+IN+TRADE+CONTROL"
            )),
        )
        .await,
    )
    .await;
    let rows = entry_rows(&page);
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter()
            .all(|r| r.contains("ENTRY SUMMARY IS IN TRADE CONTROL"))
    );

    let res = send(&f.app, get(&format!("{target}?outcome=bogus"))).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(text(res).await.contains("is not an outcome"));
}

#[tokio::test]
async fn refile_download_equals_the_cli() {
    let f = fixture();
    // The CLI's snapshot run: claim + declaration + corrected list, rules of 2026-11-24.
    let target = upload(
        &f.app,
        &[
            ("claim-details.csv", CLAIM),
            ("declaration.csv", DECLARATION),
        ],
    )
    .await;
    let page = text(send(&f.app, get(&target)).await).await;
    assert!(page.contains("declared 40 = accepted 25 + rejected 14 + missing 1: reconciled"));

    let res = send(
        &f.app,
        post(
            &format!("{target}/rebuild"),
            multipart(&[("entries", None, CORRECTED)]),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let rebuild = text(send(&f.app, get(&format!("{target}/rebuild"))).await).await;
    assert!(rebuild.contains("B7644100003"));
    assert!(rebuild.contains("an accepted entry is never declared again"));

    let res = send(&f.app, get(&format!("{target}/refile.csv"))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()
            .get(header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok()),
        Some("attachment; filename=\"refile.csv\"")
    );
    let body = bytes(res).await;
    // crates/capekit/tests/snapshots/triage__refile_csv.snap
    assert_eq!(
        String::from_utf8(body).expect("utf8"),
        "Entry Number\r\nB7644104112\r\nB7644109590\r\nB7644115076\r\nB7644119185\r\nB7644123294\r\n"
    );
}

#[tokio::test]
async fn refile_of_the_claim_alone_is_the_upload_writer_output() {
    let f = fixture();
    let target = upload(&f.app, &[("claim-details.csv", CLAIM)]).await;
    let body = bytes(send(&f.app, get(&format!("{target}/refile.csv"))).await).await;
    let claim = capekit_io::claims::parse_claim_file("claim-details.csv", CLAIM).expect("claim");
    let report = capekit_core::triage::triage(
        &capekit_core::triage::TriageInput {
            rows: claim.rows,
            ..Default::default()
        },
        AS_OF.parse().expect("date"),
    );
    assert_eq!(
        body,
        capekit_io::upload::upload_bytes(&report.refile.entries)
    );
    assert!(body.starts_with(b"Entry Number\r\n"));

    for (file, kind) in [
        ("worklist.csv", "text/csv"),
        ("worklist.xlsx", "application/vnd.openxmlformats"),
        ("report.html", "text/html"),
    ] {
        let res = send(&f.app, get(&format!("{target}/{file}"))).await;
        assert_eq!(res.status(), StatusCode::OK, "{file}");
        let ct = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(ct.starts_with(kind), "{file}: {ct}");
    }
    let res = send(&f.app, get(&format!("{target}/refile-01.csv"))).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn oversize_upload_gets_the_413_page() {
    let f = fixture();
    let big = vec![b'x'; MAX_UPLOAD_BYTES + 1024];
    let res = send(
        &f.app,
        post("/upload", multipart(&[("files", Some("big.csv"), &big)])),
    )
    .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        res.headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"))
    );
    let page = text(res).await;
    assert!(page.contains("The upload is too large"), "{page}");
    assert!(page.contains("20 MB"));

    // Declared too large up front: the body is read and dropped, then the same page.
    let body = multipart(&[("files", Some("big.csv"), &big)]);
    let mut req = post("/upload", body.clone());
    req.headers_mut()
        .insert(header::CONTENT_LENGTH, body.len().into());
    let res = send(&f.app, req).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(text(res).await.contains("The upload is too large"));
}

#[tokio::test]
async fn a_pdf_is_refused_with_a_page_naming_it() {
    let f = fixture();
    let res = send(
        &f.app,
        post(
            "/upload",
            multipart(&[(
                "files",
                Some("claim.pdf"),
                b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n",
            )]),
        ),
    )
    .await;
    assert!(res.status().is_client_error(), "{}", res.status());
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(res).await;
    assert!(page.contains("capekit cannot use claim.pdf"), "{page}");
    assert!(page.contains("a PDF document"), "{page}");
    assert!(page.contains("What capekit reads"));
    assert!(page.contains("Claim Details"));
}

#[tokio::test]
async fn unmappable_table_names_its_columns() {
    let f = fixture();
    let res = send(
        &f.app,
        post(
            "/upload",
            multipart(&[(
                "files",
                Some("es003.csv"),
                b"Entry Summary Number,HTS Number - Full\r\nB7644100003,99030128\r\n",
            )]),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(res).await;
    assert!(
        page.contains("`HTS Number - Full`") || page.contains("HTS Number - Full"),
        "{page}"
    );
}

#[tokio::test]
async fn no_file_chosen_is_a_400_page() {
    let f = fixture();
    let res = send(
        &f.app,
        post("/upload", multipart(&[("files", Some(""), b"")])),
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(text(res).await.contains("No file was chosen"));
}

#[tokio::test]
async fn cross_origin_post_is_refused() {
    let f = fixture();
    let mut req = post(
        "/upload",
        multipart(&[("files", Some("claim-details.csv"), CLAIM)]),
    );
    req.headers_mut().insert(
        header::ORIGIN,
        "http://evil.example".parse().expect("header"),
    );
    let res = send(&f.app, req).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(text(res).await.contains("came from another web site"));
    assert!(!f.dir.path().join("uploads").exists(), "nothing was saved");

    // A referer from another port is another origin too.
    let mut req = post(
        "/check",
        multipart(&[("file", Some("declaration.csv"), DECLARATION)]),
    );
    req.headers_mut().remove(header::ORIGIN);
    req.headers_mut().insert(
        header::REFERER,
        "http://localhost:9999/check".parse().expect("header"),
    );
    assert_eq!(send(&f.app, req).await.status(), StatusCode::FORBIDDEN);

    // No Origin and no Referer: a program such as curl, allowed.
    let mut req = post(
        "/check",
        multipart(&[("file", Some("declaration.csv"), DECLARATION)]),
    );
    req.headers_mut().remove(header::ORIGIN);
    assert_eq!(send(&f.app, req).await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn every_response_carries_the_csp() {
    let f = fixture();
    for uri in [
        "/",
        "/rules",
        "/static/app.css",
        "/static/app.js",
        "/no/such/page",
        "/triage/0123456789abcdef0123456789abcdef",
    ] {
        let res = send(&f.app, get(uri)).await;
        assert_eq!(
            res.headers()
                .get(header::CONTENT_SECURITY_POLICY)
                .and_then(|v| v.to_str().ok()),
            Some(CSP),
            "{uri}"
        );
        assert_eq!(
            res.headers()
                .get(header::X_CONTENT_TYPE_OPTIONS)
                .and_then(|v| v.to_str().ok()),
            Some("nosniff"),
            "{uri}"
        );
    }
    let res = send(&f.app, get("/no/such/page")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(text(res).await.contains("Page not found"));
}

#[tokio::test]
async fn axum_rejections_become_pages() {
    let f = fixture();
    // A GET-only page posted to.
    let res = send(&f.app, post("/rules", Vec::new())).await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    let page = text(res).await;
    assert!(page.contains("<!DOCTYPE html>"));
    // A multipart post with no boundary.
    let req = Request::post("/upload")
        .header(header::HOST, "localhost:8080")
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("hello"))
        .expect("request");
    let res = send(&f.app, req).await;
    assert!(res.status().is_client_error());
    assert!(text(res).await.contains("<!DOCTYPE html>"));
}

#[tokio::test]
async fn rule_page_shows_the_doc_sections() {
    let f = fixture();
    let res = send(&f.app, get("/rules/F014")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = text(res).await;
    let rule = capekit_core::catalogs::find_rule("F014").expect("F014");
    for (heading, body) in rule.doc().sections() {
        assert!(page.contains(&format!("<h2>{heading}</h2>")), "{heading}");
        let first_words: String = body
            .split('`')
            .next()
            .unwrap_or("")
            .chars()
            .take(30)
            .collect();
        assert!(
            page.contains(&first_words.replace('"', "&quot;")),
            "{heading}: {first_words}"
        );
    }
    assert!(page.contains(rule.name()));

    let list = text(send(&f.app, get("/rules")).await).await;
    assert!(list.contains("href=\"/rules/F014\""));
    assert!(list.contains("href=\"/rules/M001\""));

    // A pasted CBP message finds its rule.
    let res = send(&f.app, get("/rules?q=entry+summary+is+in+trade+control")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/rules/M"));
    let res = send(&f.app, get("/rules/NOPE")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_declaration_alone_is_checked_line_by_line() {
    let f = fixture();
    let bad = b"entry number\r\nB7644100003\r\nB76-4410137-3\r\nB7644100003\r\n6.05761E+10\r\n";
    let target = upload(&f.app, &[("decl.csv", bad)]).await;
    assert!(target.starts_with("/check/"), "{target}");
    let page = text(send(&f.app, get(&target)).await).await;
    assert!(page.contains("Not uploadable as it is"), "{page}");
    assert!(page.contains("lineno\">5<"));
    assert!(page.contains("6.05761E+10"));
    // The finding about line 5 follows line 5.
    let line5 = page.find("lineno\">5<").expect("line 5");
    let after = &page[line5..];
    assert!(after.find("scientific notation").is_some());
    assert!(
        page.contains("href=\"/rules/F004\""),
        "header variant flagged"
    );

    let res = send(&f.app, get(&format!("{target}/declaration-fixed.csv"))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        String::from_utf8(bytes(res).await).expect("utf8"),
        "Entry Number\r\nB7644100003\r\nB7644101373\r\n"
    );

    // A good file is uploadable.
    let target = upload(&f.app, &[("declaration.csv", DECLARATION)]).await;
    let page = text(send(&f.app, get(&target)).await).await;
    assert!(page.contains("Ready to upload"), "{page}");
}

#[tokio::test]
async fn check_form_takes_a_filer_code() {
    let f = fixture();
    let res = send(
        &f.app,
        post(
            "/check",
            multipart(&[
                ("file", Some("declaration.csv"), DECLARATION),
                ("filer", None, b"XYZ"),
            ]),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = text(send(&f.app, get(&location(&res))).await).await;
    assert!(page.contains("Not uploadable as it is"));
    let res = send(
        &f.app,
        post(
            "/check",
            multipart(&[
                ("file", Some("declaration.csv"), DECLARATION),
                ("filer", None, b"toolong"),
            ]),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn entry_page_shows_forms_and_rows() {
    let f = fixture();
    let target = upload(&f.app, &[("claim-details.csv", CLAIM)]).await;
    let id = target.trim_start_matches("/triage/");
    let page = text(send(&f.app, get(&format!("/entry/b76-4413014-1?session={id}"))).await).await;
    assert!(page.contains("B7644130141"), "{page}");
    assert!(page.contains("ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS"));
    let res = send(&f.app, get("/entry/B7644130141")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = text(res).await;
    assert!(page.contains("B76-4413014-1"));
    assert!(page.contains("ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS"));
    assert!(page.contains("No ledger is configured"));
    let res = send(&f.app, get("/entry/ABC12345678")).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(text(res).await.contains("check digit"));
}

#[tokio::test]
async fn user_text_is_escaped() {
    let f = fixture();
    let claim = b"Entry Number,Status,Error Description\r\nB7644100003,Failed,<script>alert(1)</script>\r\n";
    let target = upload(&f.app, &[("<b>x</b>.csv", claim)]).await;
    let page = text(send(&f.app, get(&target)).await).await;
    assert!(!page.contains("<script>alert"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.contains("<b>x</b>"));
}

#[tokio::test]
async fn unknown_sessions_are_404_pages() {
    let f = fixture();
    for uri in [
        "/triage/0123456789abcdef0123456789abcdef",
        "/triage/../../etc/passwd",
        "/check/nope",
        "/triage/0123456789abcdef0123456789abcdef/refile.csv",
    ] {
        let res = send(&f.app, get(uri)).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{uri}");
        assert!(text(res).await.contains("<!DOCTYPE html>"), "{uri}");
    }
}

#[tokio::test]
async fn several_claim_files_make_one_triage() {
    let f = fixture();
    let second = b"ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\n=\"B7644104112\",=\"100000241999\",Entry Summary Updated,\r\n";
    let vrf = b"Entry Number,Error Description\r\nB7644109590,ACCOUNT MISMATCH\r\n";
    let target = upload(
        &f.app,
        &[
            ("claim-details.csv", CLAIM),
            ("claim-2.csv", second),
            ("validation.csv", vrf),
        ],
    )
    .await;
    let page = text(send(&f.app, get(&target)).await).await;
    assert!(page.contains("Triage of 3 claim files"), "{page}");
    assert!(page.contains("100000241999"));
    // Accepted on the second claim: never refiled, whatever the first says.
    let body = bytes(send(&f.app, get(&format!("{target}/refile.csv"))).await).await;
    let refile = String::from_utf8(body).expect("utf8");
    assert!(!refile.contains("B7644104112"), "{refile}");
    // Blocked by the Validation Result File's ACCOUNT MISMATCH.
    assert!(!refile.contains("B7644109590"), "{refile}");
    assert!(refile.contains("B7644115076"), "{refile}");
}
