//! Router tests without a socket (`tower::ServiceExt::oneshot`, as in axum's `examples/testing`):
//! every page, the downloads against the CLI's bytes, the ledger (a temporary ledger file per
//! test), the plan of an ES-003 upload, and the safety rules (body limit, file refusals,
//! same-origin, security headers, escaping).

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use capekit_web::{AppState, MAX_UPLOAD_BYTES, app};
use http_body_util::BodyExt;
use tower::ServiceExt;

const CLAIM: &[u8] = include_bytes!("../../capekit/demo/claim-details.csv");
const DECLARATION: &[u8] = include_bytes!("../../capekit/demo/declaration.csv");
const CORRECTED: &[u8] = include_bytes!("../../capekit/demo/corrected.txt");
const ES003: &[u8] = include_bytes!("../../capekit/demo/es003.csv");
/// The CLI's snapshot date (crates/capekit/tests/triage.rs).
const AS_OF: &str = "2026-11-24";
const CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

struct Fixture {
    app: Router,
    dir: tempfile::TempDir,
}

/// The workbench without a ledger (`--no-ledger`).
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut state = AppState::new(dir.path().join("uploads"));
    state.as_of = Some(AS_OF.parse().expect("date"));
    Fixture {
        app: app(state),
        dir,
    }
}

/// The workbench with a ledger file of its own in a temporary folder.
fn fixture_with_ledger() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut state = AppState::new(dir.path().join("uploads"));
    state.as_of = Some(AS_OF.parse().expect("date"));
    state.ledger = Some(dir.path().join("ledger").join("ledger.sqlite3"));
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

/// The uploaded files saved in `dir` (not the records of uploads beside them, `ID.json`).
fn saved_uploads(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("upload dir")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| !n.ends_with(".json"))
        .collect()
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
    // ES-003 reports are read now.
    assert!(page.contains("ES-003 entry reports"));
    assert!(!page.contains("coming soon"));
    // No ledger: the page says so.
    assert!(page.contains("Ledger at a glance"));
    assert!(page.contains("The ledger is off"), "{page}");
}

#[tokio::test]
async fn ledger_at_a_glance_shows_when_configured() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut state = AppState::new(dir.path().join("uploads"));
    state.ledger = Some(dir.path().join("ledger.sqlite3"));
    let page = text(send(&app(state), get("/")).await).await;
    assert!(page.contains("Ledger at a glance"));
    assert!(page.contains("Nothing recorded yet"), "{page}");
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
    let saved = saved_uploads(&f.dir.path().join("uploads"));
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
        rows.iter().all(|r| r.contains(&format!(
            "<span class=\"action\" title=\"{}\">refile</span>",
            capekit_core::catalog::Action::Refile.describe()
        ))),
        "{rows:?}"
    );

    let page = text(send(&f.app, get(&format!("{target}?outcome=rejected"))).await).await;
    let rows = entry_rows(&page);
    assert_eq!(rows.len(), 14);
    assert!(rows.iter().all(|r| r.contains(" class=\"rejected\"")));

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
        Some("attachment; filename=\"refile-100000241223-2026-11-24.csv\"")
    );
    let body = bytes(res).await;
    // crates/capekit/tests/snapshots/triage__refile_csv.snap
    assert_eq!(
        String::from_utf8(body).expect("utf8"),
        "Entry Number\r\nB7644104112\r\nB7644109590\r\nB7644115076\r\nB7644145214\r\nB7644119185\r\nB7644123294\r\n"
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
async fn a_422_page_lists_only_the_headers_found_not_the_empty_columns_of_a_far_cell() {
    // Regression: one value at XFD1 made the page list 16,384 empty headers.
    for (name, headers) in [
        ("far.xlsx", &[(16_383u16, "stray")][..]),
        (
            "headers-and-far.xlsx",
            &[(0, "Importer"), (1, "Claim Status"), (16_383, "x")][..],
        ),
    ] {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (col, h) in headers {
            ws.write_string(0, *col, *h).expect("cell");
        }
        ws.write_string(1, 0, "B7603245278").expect("cell");
        let bytes = wb.save_to_buffer().expect("xlsx");
        let f = fixture();
        let res = send(
            &f.app,
            post("/upload", multipart(&[("files", Some(name), &bytes)])),
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let page = text(res).await;
        assert!(
            page.contains(&format!("capekit cannot use {name}")),
            "{page}"
        );
        assert!(page.contains("(XFD1)"), "{name}: {page}");
        assert!(page.contains("empty columns)"), "{name}: {page}");
        assert!(!page.contains("``, ``"), "{name}: empty headers listed");
        assert!(
            page.len() < 20_000,
            "{name}: a page of {} bytes",
            page.len()
        );
    }
}

#[tokio::test]
async fn a_workbook_beyond_the_reader_limits_gets_a_422_page() {
    // Regression: a workbook with a value at column XFD on each row made the reader allocate
    // rows x 16,384 cells, and the server died.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Entry Number").expect("cell");
    for r in 1..=3_000 {
        ws.write_string(r, 16_383, "x").expect("cell");
    }
    let bytes = wb.save_to_buffer().expect("xlsx");
    let f = fixture();
    let res = send(
        &f.app,
        post(
            "/upload",
            multipart(&[("files", Some("padded.xlsx"), &bytes)]),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(res).await;
    assert!(page.contains("capekit cannot use padded.xlsx"), "{page}");
    assert!(
        page.contains("holds more than 40,000,000 cells by row 2443"),
        "{page}"
    );
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
                Some("vendors.csv"),
                b"Vendor,Invoice Amount\r\nACME,12.00\r\n",
            )]),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(res).await;
    assert!(page.contains("Invoice Amount"), "{page}");
    assert!(page.contains("ES-003"), "{page}");
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
async fn a_workbook_declaration_is_counted_for_its_corrected_file_not_as_none_valid() {
    let f = fixture();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Entry Number").expect("cell");
    for (r, e) in ["B7644100003", "B7644101373", "B7644100011", "B7644100029"]
        .iter()
        .enumerate()
    {
        ws.write_string(u32::try_from(r + 1).expect("row"), 0, *e)
            .expect("cell");
    }
    let bytes = wb.save_to_buffer().expect("xlsx");
    let target = upload(&f.app, &[("declaration.xlsx", &bytes)]).await;
    assert!(target.starts_with("/check/"), "{target}");
    let page = text(send(&f.app, get(&target)).await).await;
    assert!(page.contains("Not uploadable as it is"), "{page}");
    assert!(!page.contains(" 0 valid"), "{page}");
    assert!(
        page.contains("4 entries read from this"),
        "the workbook's entries are counted: {page}"
    );
    assert!(
        page.contains("they go in the corrected file below"),
        "{page}"
    );
}

#[tokio::test]
async fn the_check_page_asks_the_ledger_as_capekit_check_does() {
    let f = fixture_with_ledger();
    // The claim recorded: B7644100003 accepted, B7644136999 rejected ACCOUNT MISMATCH (a
    // wrong filer), B7644104112 on the triage's refile draft.
    upload(
        &f.app,
        &[
            ("claim-details.csv", CLAIM),
            ("declaration.csv", DECLARATION),
        ],
    )
    .await;
    let csv = b"Entry Number\r\nB7644100003\r\nB7644136999\r\nB7644104112\r\nB7644101373\r\n";
    let target = upload(&f.app, &[("again.csv", csv)]).await;
    assert!(target.starts_with("/check/"), "{target}");
    let page = text(send(&f.app, get(&target)).await).await;
    for code in ["F023", "F024", "F025"] {
        assert!(
            page.contains(&format!("href=\"/rules/{code}\"")),
            "{code} missing: {page}"
        );
    }
    // The same entries in a workbook: not a CSV, so its entries are not checked one by one,
    // but the corrected file still leaves out what the ledger knows, and the page says which.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Entry Number").expect("cell");
    for (r, e) in ["B7644100003", "B7644136999", "B7644104112"]
        .iter()
        .enumerate()
    {
        ws.write_string(u32::try_from(r + 1).expect("row"), 0, *e)
            .expect("cell");
    }
    let book = wb.save_to_buffer().expect("xlsx");
    let target = upload(&f.app, &[("again.xlsx", &book)]).await;
    let page = text(send(&f.app, get(&target)).await).await;
    let left = from_id(&page, "left-out-known");
    let left = &left[..left.find("</table>").unwrap_or(left.len())];
    assert!(
        left.contains("B7644100003") && left.contains("accepted on claim 100000241223"),
        "{left}"
    );
    assert!(
        left.contains("B7644104112") && left.contains("on the draft"),
        "{left}"
    );
    assert!(
        !left.contains("B7644136999"),
        "a rejection stays in: {left}"
    );
    let res = send(&f.app, get(&format!("{target}/declaration-fixed.csv"))).await;
    let fixed = String::from_utf8(bytes(res).await).expect("utf8");
    assert_eq!(fixed, "Entry Number\r\nB7644136999\r\n");
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
    assert!(page.contains("The ledger is off"));
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

// The ledger and the plan.

/// Uploads one file and returns the page it leads to, read.
async fn upload_and_read(app: &Router, name: &str, bytes: &[u8]) -> (String, String) {
    let target = upload(app, &[(name, bytes)]).await;
    let res = send(app, get(&target)).await;
    assert_eq!(res.status(), StatusCode::OK, "{target}");
    (target.clone(), text(res).await)
}

/// A section of a page, from the element with `id` to the end of the page.
fn from_id<'a>(page: &'a str, id: &str) -> &'a str {
    let at = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in the page"));
    &page[at..]
}

#[tokio::test]
async fn home_page_shows_ledger_counts_after_a_claim_upload() {
    let f = fixture_with_ledger();
    let (_, triage) = upload_and_read(&f.app, "claim-details.csv", CLAIM).await;
    assert!(
        triage.contains("claim-details.csv: recorded in the ledger (39 claim rows)."),
        "{triage}"
    );
    let home = text(send(&f.app, get("/")).await).await;
    let glance = from_id(&home, "ledger");
    assert!(glance.contains("39 entries recorded"), "{glance}");
    assert!(
        glance.contains("<b>25</b>accepted - never declare again"),
        "{glance}"
    );
    // The 4 entries to refile as they are sit on the triage's refile, a draft until uploaded.
    assert!(
        glance.contains("<b>10</b>rejected on their latest claim"),
        "{glance}"
    );
    assert!(glance.contains("<b>0</b>pending with CBP"), "{glance}");
    assert!(
        glance.contains("<b>4</b>on a draft - not marked uploaded"),
        "{glance}"
    );
    // Rejected entries by action, most urgent first, with what each means.
    assert!(!glance.contains("\">refile</span>"));
    assert!(glance.contains(&format!(
        "<span class=\"action\" title=\"{}\">retry-later</span>",
        capekit_core::catalog::Action::RetryLater.describe()
    )));
    // No entry data yet: no deadline known.
    assert!(glance.contains("No deadline known yet"));
}

#[tokio::test]
async fn the_same_claim_file_twice_is_recognised() {
    let f = fixture_with_ledger();
    let (_, first) = upload_and_read(&f.app, "claim-details.csv", CLAIM).await;
    assert!(first.contains("recorded in the ledger"), "{first}");
    assert!(!first.contains("already in the ledger"));
    // The same bytes under another name: the ledger knows the file by its content.
    let (_, second) = upload_and_read(&f.app, "claim-again.csv", CLAIM).await;
    let note = from_id(&second, "ledger-note");
    assert!(
        note.contains("claim-again.csv is already in the ledger: the same file was recorded on"),
        "{note}"
    );
    assert!(note.contains("nothing was added"), "{note}");
    // Nothing was counted twice.
    let home = text(send(&f.app, get("/")).await).await;
    // The claim file and the refile draft of the first upload; the second upload's refile had
    // nothing left to offer.
    assert!(
        home.contains("39 entries recorded from 2 files and 1 claim."),
        "{home}"
    );
}

#[tokio::test]
async fn entry_page_shows_its_timeline() {
    let f = fixture_with_ledger();
    let target = upload(
        &f.app,
        &[
            ("claim-details.csv", CLAIM),
            ("declaration.csv", DECLARATION),
        ],
    )
    .await;
    let page = text(send(&f.app, get("/entry/B76-4413014-1")).await).await;
    let state = from_id(&page, "entry-state");
    assert!(state.contains("Rejected"), "{state}");
    assert!(state.contains("ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS"));
    let timeline = from_id(&page, "timeline");
    // Declared first, then rejected on the claim, with the action and the rule.
    let declared = timeline.find("on a declaration").expect("declared");
    let rejected = timeline.find(">rejected<").expect("rejected");
    assert!(declared < rejected, "{timeline}");
    assert!(timeline.contains("declaration.csv"));
    assert!(timeline.contains("100000241223"));
    assert!(timeline.contains("<span class=\"action\">other-path</span>"));
    assert!(timeline.contains("rules as of 2026-11-24"));

    // The refile was recorded as a draft when the triage was made: its entries are reserved,
    // and the download (a GET) changes nothing.
    let page = text(send(&f.app, get("/entry/B7644104112")).await).await;
    let drafted = from_id(&page, "entry-state").to_owned();
    assert!(drafted.contains("(made in the workbench)"), "{drafted}");
    let res = send(&f.app, get(&format!("{target}/refile.csv"))).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = text(send(&f.app, get("/entry/B7644104112")).await).await;
    assert_eq!(from_id(&page, "entry-state"), drafted);
    // Marking it uploaded is a POST, refused from another site...
    let mark = |origin: &str| {
        Request::post(format!("{target}/refile.csv/uploaded"))
            .header(header::HOST, "localhost:8080")
            .header(header::ORIGIN, origin)
            .body(Body::empty())
            .expect("request")
    };
    let res = send(&f.app, mark("http://evil.example")).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let page = text(send(&f.app, get("/entry/B7644104112")).await).await;
    assert_eq!(from_id(&page, "entry-state"), drafted);
    // ...and from the workbench its entries are pending from then on.
    let res = send(&f.app, mark("http://localhost:8080")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // The triage page says so, and offers the button no more.
    let after = text(send(&f.app, get(&target)).await).await;
    assert!(after.contains("recorded as uploaded"), "{after}");
    assert!(!after.contains("I uploaded refile-"), "{after}");
    let page = text(send(&f.app, get("/entry/B7644104112")).await).await;
    let state = from_id(&page, "entry-state");
    assert!(state.contains("Pending"), "{state}");
    assert!(
        state.contains("refile-100000241223-2026-11-24.csv (made in the workbench)")
            && !state.contains("workbench-"),
        "{state}"
    );
    assert!(from_id(&page, "timeline").contains("on a declaration"));

    // An entry the ledger does not know.
    let page = text(send(&f.app, get("/entry/ABC-1234567-6")).await).await;
    assert!(
        page.contains("no declaration and no claim outcome"),
        "{page}"
    );
}

#[tokio::test]
async fn refile_leaves_out_an_entry_accepted_on_an_earlier_claim() {
    let f = fixture_with_ledger();
    // Claim A accepts B7644104112...
    let claim_a = b"ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\n=\"B7644104112\",=\"100000241999\",Entry Summary Updated,\r\n";
    upload_and_read(&f.app, "claim-a.csv", claim_a).await;
    // ...claim B (the demo claim) rejects it with a message whose action is `refile`.
    let (target, page) = upload_and_read(&f.app, "claim-b.csv", CLAIM).await;
    let body = bytes(send(&f.app, get(&format!("{target}/refile.csv"))).await).await;
    let refile = String::from_utf8(body).expect("utf8");
    assert!(!refile.contains("B7644104112"), "{refile}");
    // The others of the CLI's refile are still there.
    assert!(refile.contains("B7644109590") && refile.contains("B7644115076"));
    // The page names the reason.
    let left = from_id(&page, "left-out");
    assert!(left.contains("B7644104112"), "{left}");
    assert!(
        left.contains("accepted on claim 100000241999, as the ledger records: an accepted entry is never declared again"),
        "{left}"
    );
}

#[tokio::test]
async fn es003_upload_opens_the_plan_with_its_declarations() {
    let f = fixture_with_ledger();
    let (target, page) = upload_and_read(&f.app, "es003.csv", ES003).await;
    assert!(target.starts_with("/plan/"), "{target}");
    assert!(page.contains("Plan of es003.csv"));
    // Totals by path, as `capekit plan` prints them for the demo (README).
    for path in [
        "cape",
        "correct-first",
        "later-phase",
        "protest",
        "court",
        "not-refundable",
        "review",
    ] {
        assert!(
            page.contains(&format!("<span class=\"path {path}\">{path}</span>")),
            "{path}"
        );
    }
    assert!(page.contains("$160,794.00"), "total IEEPA duty");
    assert!(page.contains(": reconciled"));
    assert_eq!(page.matches("<svg").count(), 2, "duty and deadline charts");
    // Urgent entries first, in their own section.
    let urgent = from_id(&page, "urgent");
    assert!(urgent.contains("31618800465"), "{urgent}");
    // The reader's finding about the footer row.
    assert!(from_id(&page, "findings").contains("R013"));
    // Recorded in the ledger.
    assert!(from_id(&page, "ledger-note").contains("es003.csv: recorded in the ledger"));

    // Each declaration is a CAPE upload that passes the check.
    let hrefs: Vec<&str> = page
        .split("href=\"")
        .skip(1)
        .filter_map(|h| h.split('"').next())
        .filter(|h| h.contains("/declaration-"))
        .collect();
    // One per importer (and filer); the entry without importer number is held on the worklist.
    assert_eq!(hrefs.len(), 5, "{hrefs:?}");
    for href in &hrefs {
        let res = send(&f.app, get(href)).await;
        assert_eq!(res.status(), StatusCode::OK, "{href}");
        let body = bytes(res).await;
        let name = href.rsplit('/').next().unwrap_or("declaration.csv");
        let input = capekit_io::declaration::parse_declaration(name, &body);
        let report = capekit_core::check::check(&input, &Default::default());
        assert!(report.uploadable, "{href}: {:?}", report.diagnostics);
        assert!(
            report.diagnostics.is_empty(),
            "{href}: {:?}",
            report.diagnostics
        );
        assert!(body.starts_with(b"Entry Number\r\n"));
    }
    let first = bytes(
        send(
            &f.app,
            get(&format!("{target}/declaration-91-660247100-2026-11-24.csv")),
        )
        .await,
    )
    .await;
    // The urgent entry comes first in its file.
    assert!(first.starts_with(b"Entry Number\r\n31618800465\r\n"));

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
    assert_eq!(
        send(&f.app, get(&format!("{target}/declaration-nope.csv")))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // The entries table filters by path and importer, on the server.
    let cape = text(send(&f.app, get(&format!("{target}?path=cape"))).await).await;
    let rows = entry_rows(&cape);
    assert_eq!(rows.len(), 20);
    assert!(rows.iter().all(|r| {
        r.contains("<span class=\"path cape\" title=\"Declare it in CAPE now.\">cape</span>")
    }));
    let one = text(send(&f.app, get(&format!("{target}?importer=27-184593000"))).await).await;
    let rows = entry_rows(&one);
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.contains("27-184593000")), "{rows:?}");
    let res = send(&f.app, get(&format!("{target}?path=bogus"))).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // The entry data is in the ledger now: deadlines on the start page and the entry page.
    let home = text(send(&f.app, get("/")).await).await;
    let glance = from_id(&home, "ledger");
    assert!(glance.contains("CAPE window closes"), "{glance}");
    assert!(glance.contains("href=\"/entry/31618800465\""), "{glance}");
    let entry = text(send(&f.app, get("/entry/31618800465")).await).await;
    assert!(
        from_id(&entry, "entry-data").contains("CAPE window closes"),
        "{entry}"
    );
    assert!(from_id(&entry, "timeline").contains("entry data read"));

    // The same report again is recognised.
    let (_, again) = upload_and_read(&f.app, "es003-copy.csv", ES003).await;
    assert!(from_id(&again, "ledger-note").contains("es003-copy.csv is already in the ledger"));
}

#[tokio::test]
async fn plan_keeps_an_entry_the_ledger_knows_off_its_declarations() {
    let f = fixture_with_ledger();
    // B7644100219 is a `cape` entry of the demo report; a claim accepted it already.
    let claim = b"ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\n=\"B7644100219\",=\"100000242000\",Entry Summary Updated,\r\n";
    upload_and_read(&f.app, "claim.csv", claim).await;
    let (target, page) = upload_and_read(&f.app, "es003.csv", ES003).await;
    let left = from_id(&page, "left-out");
    assert!(left.contains("B7644100219"), "{left}");
    assert!(left.contains("accepted on claim 100000242000"), "{left}");
    let body = bytes(
        send(
            &f.app,
            get(&format!("{target}/declaration-27-184593000-2026-11-24.csv")),
        )
        .await,
    )
    .await;
    let csv = String::from_utf8(body).expect("utf8");
    assert!(!csv.contains("B7644100219"), "{csv}");
    assert!(csv.starts_with("Entry Number\r\n"));
}

#[tokio::test]
async fn every_page_works_without_a_ledger() {
    let f = fixture();
    let home = text(send(&f.app, get("/")).await).await;
    assert!(from_id(&home, "ledger").contains("The ledger is off"));
    let (target, triage) = upload_and_read(&f.app, "claim-details.csv", CLAIM).await;
    assert!(from_id(&triage, "ledger-note").contains("The ledger is off"));
    assert_eq!(
        send(&f.app, get(&format!("{target}/refile.csv")))
            .await
            .status(),
        StatusCode::OK
    );
    let (_, plan) = upload_and_read(&f.app, "es003.csv", ES003).await;
    assert!(from_id(&plan, "ledger-note").contains("The ledger is off"));
    assert!(plan.contains("Download declaration-27-184593000-2026-11-24.csv"));
    let (_, check) = upload_and_read(&f.app, "declaration.csv", DECLARATION).await;
    assert!(from_id(&check, "ledger-note").contains("The ledger is off"));
    let entry = text(send(&f.app, get("/entry/31618800465")).await).await;
    assert!(entry.contains("The ledger is off"), "{entry}");
    assert!(entry.contains("In your plan"), "{entry}");
}

#[tokio::test]
async fn a_ledger_that_cannot_be_opened_is_said_not_a_500() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A folder where the ledger file should be: SQLite cannot open it.
    let blocked = dir.path().join("ledger.sqlite3");
    std::fs::create_dir_all(&blocked).expect("folder");
    let mut state = AppState::new(dir.path().join("uploads"));
    state.as_of = Some(AS_OF.parse().expect("date"));
    state.ledger = Some(blocked);
    let app = app(state);
    let res = send(&app, get("/")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(text(res).await.contains("The ledger could not be read"));
    let (_, triage) = upload_and_read(&app, "claim-details.csv", CLAIM).await;
    assert!(from_id(&triage, "ledger-note").contains("Not recorded in the ledger"));
    let (_, plan) = upload_and_read(&app, "es003.csv", ES003).await;
    assert!(from_id(&plan, "ledger-note").contains("Not recorded in the ledger"));
    let res = send(&app, get("/entry/B7644104112")).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_declaration_check_asks_the_ledger() {
    let f = fixture_with_ledger();
    // The demo claim accepts B7644100003, which the demo declaration holds.
    upload_and_read(&f.app, "claim-details.csv", CLAIM).await;
    let (target, page) = upload_and_read(&f.app, "declaration.csv", DECLARATION).await;
    assert!(target.starts_with("/check/"), "{target}");
    assert!(page.contains("Not uploadable as it is"), "{page}");
    assert!(page.contains("href=\"/rules/F023\""), "{page}");
    assert!(from_id(&page, "ledger-note").contains("Checked against the ledger"));
    let fixed = bytes(send(&f.app, get(&format!("{target}/declaration-fixed.csv"))).await).await;
    let fixed = String::from_utf8(fixed).expect("utf8");
    assert!(!fixed.contains("B7644100003"), "{fixed}");
    assert!(fixed.starts_with("Entry Number\r\n"));
}

#[tokio::test]
async fn an_entry_report_with_no_readable_entry_is_a_plan_with_findings() {
    let f = fixture();
    let report = b"Entry Summary Number,Importer Number,Liquidation Date\r\n6.05761E+10,27-184593000,09/05/2026\r\n,27-184593000,\r\n";
    let (target, page) = upload_and_read(&f.app, "es003.csv", report).await;
    assert!(target.starts_with("/plan/"), "{target}");
    assert!(page.contains("no declaration file"), "{page}");
    let findings = from_id(&page, "findings");
    assert!(findings.contains("R001"), "{findings}");
    assert!(findings.contains("6.05761E+10"), "{findings}");
}

/// A request as a page of `evil.example` sends it once the name points at 127.0.0.1: same port,
/// and an `Origin` that matches its `Host`.
fn rebound(mut req: Request<Body>, host: Option<&str>) -> Request<Body> {
    let headers = req.headers_mut();
    headers.remove(header::HOST);
    headers.remove(header::ORIGIN);
    if let Some(host) = host {
        headers.insert(header::HOST, host.parse().expect("header"));
        headers.insert(
            header::ORIGIN,
            format!("http://{host}").parse().expect("header"),
        );
    }
    req
}

#[tokio::test]
async fn a_rebinding_host_is_misdirected_for_get_and_post() {
    let f = fixture_with_ledger();
    let triage = upload(&f.app, &[("claim-details.csv", CLAIM)]).await;
    let ledger = f.dir.path().join("ledger").join("ledger.sqlite3");
    let recorded = || {
        let l = capekit_ledger::Ledger::open(&ledger).expect("ledger");
        let s = l.status().expect("status");
        (s.files, s.claims, s.entries.accepted)
    };
    let before = recorded();
    for host in [
        Some("evil.example:8080"),
        Some("evil.example"),
        Some("localhost:9999"),
        Some("127.0.0.1.evil.example:8080"),
        None,
    ] {
        for uri in [
            "/",
            triage.as_str(),
            &format!("{triage}/refile.csv"),
            "/rules",
        ] {
            let res = send(&f.app, rebound(get(uri), host)).await;
            assert_eq!(
                res.status(),
                StatusCode::MISDIRECTED_REQUEST,
                "{host:?} {uri}"
            );
            assert_eq!(
                res.headers()
                    .get(header::CONTENT_SECURITY_POLICY)
                    .map(|v| v.as_bytes()),
                Some(CSP.as_bytes())
            );
            let page = text(res).await;
            assert!(
                page.contains("answers only at the address it serves"),
                "{page}"
            );
            assert!(!page.contains("B7644"), "no entry leaks: {page}");
        }
        // A forged Claim Details that accepts every entry of the demo declaration.
        let forged = b"Entry Number,Claim Number,Status\r\nB7644104112,100000999999,Entry Summary Updated\r\n";
        let res = send(
            &f.app,
            rebound(
                post(
                    "/upload",
                    multipart(&[
                        ("files", Some("claim-details.csv"), forged),
                        ("as_of", None, AS_OF.as_bytes()),
                    ]),
                ),
                host,
            ),
        )
        .await;
        assert_eq!(res.status(), StatusCode::MISDIRECTED_REQUEST, "{host:?}");
    }
    assert_eq!(recorded(), before, "the ledger is untouched");
    let uploads = saved_uploads(&f.dir.path().join("uploads")).len();
    assert_eq!(uploads, 1, "only the first upload was saved");
    // The entry the forged file names is still rejected, never accepted.
    let entry = text(send(&f.app, get("/entry/B7644104112")).await).await;
    assert!(!entry.contains("100000999999"), "{entry}");

    // The names the server answers, with its port.
    for host in ["127.0.0.1:8080", "[::1]:8080", "LOCALHOST:8080"] {
        let res = send(&f.app, rebound(get("/"), Some(host))).await;
        assert_eq!(res.status(), StatusCode::OK, "{host}");
    }
}

#[tokio::test]
async fn an_allowed_host_name_is_answered() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut state = AppState::new(dir.path().join("uploads"));
    state.as_of = Some(AS_OF.parse().expect("date"));
    state.hosts.set_port(80);
    state.hosts.allow("workbench.example").expect("name");
    let app = app(state);
    for (host, status) in [
        ("workbench.example", StatusCode::OK),
        ("workbench.example:80", StatusCode::OK),
        ("localhost", StatusCode::OK),
        ("workbench.example:8080", StatusCode::MISDIRECTED_REQUEST),
        ("other.example", StatusCode::MISDIRECTED_REQUEST),
    ] {
        let res = send(&app, rebound(get("/"), Some(host))).await;
        assert_eq!(res.status(), status, "{host}");
    }
    // An absolute request URI must name this server too.
    let res = send(
        &app,
        rebound(get("http://evil.example/"), Some("workbench.example")),
    )
    .await;
    assert_eq!(res.status(), StatusCode::MISDIRECTED_REQUEST);
}

/// A Claim Details of `rows` entries of its own, all accepted on claim `10000050NNNN`.
fn claim_details(k: u32, rows: u32) -> Vec<u8> {
    let mut out = String::from("Entry Number,Claim Number,Status\r\n");
    for i in 0..rows {
        let entry = capekit_core::EntryNumber::from_parts("B76", k * 100_000 + i).expect("entry");
        out.push_str(&format!(
            "{entry},{},Entry Summary Updated\r\n",
            100_000_500_000u64 + u64::from(k)
        ));
    }
    out.into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_uploads_all_reach_the_ledger() {
    // The largest claims a declaration makes, all at once: each write holds the ledger for a
    // while, and SQLite's busy handler alone left some waiting past its timeout.
    const UPLOADS: u32 = 50;
    const ROWS: u32 = 9_999;
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = dir.path().join("ledger").join("ledger.sqlite3");
    let mut state = AppState::new(dir.path().join("uploads"));
    state.as_of = Some(AS_OF.parse().expect("date"));
    state.ledger = Some(ledger.clone());
    let router = app(state);
    let mut tasks = tokio::task::JoinSet::new();
    for k in 0..UPLOADS {
        let app = router.clone();
        tasks.spawn(async move {
            let bytes = claim_details(k, ROWS);
            let body = multipart(&[
                ("files", Some(&format!("claim-{k}.csv")), &bytes),
                ("as_of", None, AS_OF.as_bytes()),
            ]);
            let res = send(&app, post("/upload", body)).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "upload {k}");
            let page = text(send(&app, get(&location(&res))).await).await;
            assert!(
                from_id(&page, "ledger-note").contains("recorded in the ledger"),
                "upload {k}: {}",
                from_id(&page, "ledger-note")
            );
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("upload task");
    }
    let l = capekit_ledger::Ledger::open(&ledger).expect("ledger");
    let s = l.status().expect("status");
    assert_eq!(s.files.get("claim-details"), Some(&(UPLOADS as usize)));
    assert_eq!(s.claims, UPLOADS as usize);
    assert_eq!(s.entries.accepted, (UPLOADS * ROWS) as usize);
    assert_eq!(l.verify().expect("verify"), vec![]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ledger_held_by_another_process_is_a_503_never_a_silent_success() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ledger.sqlite3");
    capekit_ledger::Ledger::open(&path).expect("create the ledger");
    let mut state = AppState::new(dir.path().join("uploads"));
    state.as_of = Some(AS_OF.parse().expect("date"));
    state.ledger = Some(path.clone());
    state.ledger_busy_timeout = std::time::Duration::from_millis(20);
    let app = app(state);
    // The triage of a claim, recorded while the ledger is free.
    let triage = upload(&app, &[("claim-details.csv", CLAIM)]).await;

    // Another process writing, for longer than every try waits.
    let other = rusqlite::Connection::open(&path).expect("open");
    other
        .execute_batch("BEGIN IMMEDIATE")
        .expect("hold the write lock");

    let res = send(
        &app,
        post(
            "/upload",
            multipart(&[
                ("files", Some("claim-2.csv"), &claim_details(7, 3)),
                ("as_of", None, AS_OF.as_bytes()),
            ]),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let page = text(res).await;
    assert!(
        page.contains("The ledger is busy: nothing was recorded"),
        "{page}"
    );
    assert!(page.contains("send the files again"), "{page}");
    let saved = saved_uploads(&dir.path().join("uploads")).len();
    assert_eq!(saved, 1, "the refused upload's file is not kept");

    let res = send(
        &app,
        post("/upload", multipart(&[("files", Some("es003.csv"), ES003)])),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE, "a plan too");

    // A download records nothing, so it is handed out while the ledger is busy; saying it was
    // uploaded is a write, refused while busy, never a silent success.
    let res = send(&app, get(&format!("{triage}/refile.csv"))).await;
    assert_eq!(res.status(), StatusCode::OK);
    let mark = || {
        Request::post(format!("{triage}/refile.csv/uploaded"))
            .header(header::HOST, "localhost:8080")
            .header(header::ORIGIN, "http://localhost:8080")
            .body(Body::empty())
            .expect("request")
    };
    let res = send(&app, mark()).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);

    // Marking the refile uploaded is not answered as if it were recorded.
    let mark = || {
        Request::post(format!("{triage}/refile.csv/uploaded"))
            .header(header::HOST, "localhost:8080")
            .header(header::ORIGIN, "http://localhost:8080")
            .body(Body::empty())
            .expect("request")
    };
    let res = send(&app, mark()).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(text(res).await.contains("The ledger is busy"));

    other.execute_batch("ROLLBACK").expect("release");
    let res = send(&app, mark()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let l = capekit_ledger::Ledger::open(&path).expect("ledger");
    let files = l.status().expect("status").files;
    assert_eq!(files.get("claim-details"), Some(&1), "{files:?}");
    assert_eq!(files.get("refile"), Some(&1), "{files:?}");
    assert_eq!(files.get("entry-data"), None, "{files:?}");
}

#[tokio::test]
async fn older_sessions_are_evicted_past_the_count_and_reopen_from_their_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let limits = capekit_web::Limits {
        sessions: 3,
        bytes: usize::MAX,
    };
    let (app, sessions) = with_limits(dir.path(), limits);
    let mut pages = Vec::new();
    for k in 0..5 {
        pages.push(upload(&app, &[(&format!("claim-{k}.csv"), &claim_details(k, 5))]).await);
    }
    assert_eq!(sessions.usage().0, 3);
    // A page removed from memory is read again from its saved files, within the count.
    for (k, page) in pages.iter().enumerate() {
        let res = send(&app, get(page)).await;
        assert_eq!(res.status(), StatusCode::OK, "{page}");
        let text = text(res).await;
        if k < 2 {
            assert!(text.contains("Reopened from saved uploads"), "{text}");
        }
        assert!(text.contains(&format!("Triage of claim-{k}.csv")), "{text}");
        assert!(sessions.usage().0 <= 3);
    }
    let res = send(&app, get(&format!("{}/worklist.csv", pages[0]))).await;
    assert_eq!(res.status(), StatusCode::OK, "downloads reopen too");

    // Without its record, a removed upload says it was removed to free memory.
    let evicted = pages
        .iter()
        .find(|p| {
            let id = p.trim_start_matches("/triage/");
            !sessions.list().iter().any(|(s, _)| s.as_str() == id)
        })
        .expect("one page is not in memory")
        .clone();
    let id = evicted.trim_start_matches("/triage/");
    std::fs::remove_file(dir.path().join("uploads").join(format!("{id}.json"))).expect("record");
    let res = send(&app, get(&evicted)).await;
    assert_eq!(res.status(), StatusCode::GONE);
    assert!(
        text(res)
            .await
            .contains("This result was removed to free memory; upload the files again")
    );

    // A restarted server (the same folder) whose upload's files are gone says so.
    let (restarted, _) = with_limits(dir.path(), limits);
    let gone = pages.iter().find(|p| **p != evicted).expect("another page");
    let id = gone.trim_start_matches("/triage/");
    std::fs::remove_file(dir.path().join("uploads").join(format!("{id}-01.csv"))).expect("file");
    let res = send(&restarted, get(gone)).await;
    assert_eq!(res.status(), StatusCode::GONE);
    let page = text(res).await;
    assert!(page.contains("The files of this upload are gone"), "{page}");
    assert!(page.contains("claim-"), "names the file: {page}");

    // An id this server never had is still a plain 404.
    let res = send(&app, get("/triage/0123456789abcdef0123456789abcdef")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!text(res).await.contains("free memory"));
}

/// The workbench without a ledger, keeping sessions within `limits`; with the sessions, to
/// look at what they hold.
fn with_limits(
    dir: &std::path::Path,
    limits: capekit_web::Limits,
) -> (Router, capekit_web::Sessions) {
    let mut state = AppState::new(dir.join("uploads"));
    state.as_of = Some(AS_OF.parse().expect("date"));
    state.sessions = capekit_web::Sessions::with_limits(limits);
    let sessions = state.sessions.clone();
    (app(state), sessions)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kept_sessions_stay_within_the_memory_budget() {
    const ROWS: u32 = 5_000;
    let dir = tempfile::tempdir().expect("tempdir");
    let unbounded = capekit_web::Limits {
        sessions: 50,
        bytes: usize::MAX,
    };

    // What one triage of ROWS rows holds, as counted: at least its claim rows and triage rows.
    let (router, sessions) = with_limits(dir.path(), unbounded);
    upload(&router, &[("claim-0.csv", &claim_details(0, ROWS))]).await;
    let (_, one) = sessions.usage();
    let floor = ROWS as usize
        * (std::mem::size_of::<capekit_core::triage::ClaimRow>()
            + std::mem::size_of::<capekit_core::triage::EntryResult>());
    assert!(
        one >= floor,
        "{one} bytes counted for {ROWS} rows, under {floor}"
    );

    // A budget of two and a half such triages, and ten of them uploaded.
    let budget = one * 5 / 2;
    let (router, sessions) = with_limits(
        dir.path(),
        capekit_web::Limits {
            sessions: 50,
            bytes: budget,
        },
    );
    let mut pages = Vec::new();
    for k in 1..=10 {
        pages.push(
            upload(
                &router,
                &[(&format!("claim-{k}.csv"), &claim_details(k, ROWS))],
            )
            .await,
        );
        let (kept, held) = sessions.usage();
        assert!(
            held <= budget,
            "upload {k}: {held} bytes held, over {budget}"
        );
        assert!(kept <= 2, "upload {k}: {kept} kept");
    }
    assert_eq!(sessions.usage().0, 2, "two fit the budget");
    // Each page opens again, from its saved files when it was removed, within the budget.
    for (k, page) in pages.iter().enumerate() {
        let res = send(&router, get(page)).await;
        assert_eq!(res.status(), StatusCode::OK, "upload {}", k + 1);
        let reopened = text(res).await.contains("Reopened from saved uploads");
        assert!(
            reopened || k >= 8,
            "upload {} was removed and reopens",
            k + 1
        );
        let (kept, held) = sessions.usage();
        assert!(held <= budget, "page {k}: {held} bytes held, over {budget}");
        assert!(kept <= 2, "page {k}: {kept} kept");
    }

    // One session larger than the whole budget is still kept, alone: the newest always is.
    let (router, sessions) = with_limits(
        dir.path(),
        capekit_web::Limits {
            sessions: 50,
            bytes: 1,
        },
    );
    let a = upload(&router, &[("a.csv", &claim_details(20, 3))]).await;
    let b = upload(&router, &[("b.csv", &claim_details(21, 3))]).await;
    assert_eq!(sessions.usage().0, 1);
    assert_eq!(send(&router, get(&b)).await.status(), StatusCode::OK);
    assert_eq!(send(&router, get(&a)).await.status(), StatusCode::OK);
    assert_eq!(sessions.usage().0, 1, "the one reopened replaces the other");
}

#[tokio::test]
async fn the_declarations_page_marks_uploads_failed_and_undoes_with_posts() {
    let f = fixture_with_ledger();
    let target = upload(
        &f.app,
        &[
            ("claim-details.csv", CLAIM),
            ("declaration.csv", DECLARATION),
        ],
    )
    .await;
    let form = |uri: String, origin: &str| {
        Request::post(uri)
            .header(header::HOST, "localhost:8080")
            .header(header::ORIGIN, origin)
            .body(Body::empty())
            .expect("request")
    };
    let res = send(
        &f.app,
        form(
            format!("{target}/refile.csv/uploaded"),
            "http://localhost:8080",
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = text(send(&f.app, get("/declarations")).await).await;
    let table = from_id(&page, "declarations");
    assert!(
        table.contains("answered") && table.contains("100000241223"),
        "{table}"
    );
    // A workbench draft by its file and where it was made, never its upload id.
    assert!(table.contains("(made in the workbench)"), "{table}");
    assert!(!table.contains("workbench-"), "{table}");
    assert!(table.contains("/declarations/2/failed"), "{table}");
    // Another site cannot mark it.
    let res = send(
        &f.app,
        form("/declarations/2/failed".into(), "http://evil.example"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = send(
        &f.app,
        form("/declarations/2/failed".into(), "http://localhost:8080"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = text(send(&f.app, get("/entry/B7644104112")).await).await;
    assert!(
        from_id(&page, "entry-state").contains("Rejected"),
        "released"
    );
    let res = send(
        &f.app,
        form("/declarations/2/undo".into(), "http://localhost:8080"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = text(send(&f.app, get("/entry/B7644104112")).await).await;
    assert!(from_id(&page, "entry-state").contains("Pending"));
    // A move backwards is refused with a page saying why.
    let res = send(
        &f.app,
        form("/declarations/1/uploaded".into(), "http://localhost:8080"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_claim_is_judged_by_the_entry_data_an_earlier_upload_left_in_the_ledger() {
    // The ES-003 export uploaded first (its plan records each entry's data), the claim later on
    // its own: the entry liquidated 100 days before the as-of date is not refiled, whatever
    // its message, and the page says where the data came from.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/triage");
    let es003 = std::fs::read(root.join("dates-decide-es003.csv")).expect("es003");
    let claim = std::fs::read(root.join("dates-decide-claim.csv")).expect("claim");
    let f = fixture_with_ledger();
    upload_and_read(&f.app, "dates-decide-es003.csv", &es003).await;
    let (target, page) = upload_and_read(&f.app, "dates-decide-claim.csv", &claim).await;
    assert!(
        page.contains("judged by the entry data this ledger keeps"),
        "{page}"
    );
    let body = bytes(send(&f.app, get(&format!("{target}/refile.csv"))).await).await;
    let refile = String::from_utf8(body).expect("utf8");
    assert!(!refile.contains("B7644100003"), "{refile}");

    // Without the earlier upload the same claim refiles it: the data made the difference.
    let g = fixture_with_ledger();
    let (target, _) = upload_and_read(&g.app, "dates-decide-claim.csv", &claim).await;
    let body = bytes(send(&g.app, get(&format!("{target}/refile.csv"))).await).await;
    let refile = String::from_utf8(body).expect("utf8");
    assert!(refile.contains("B7644100003"), "{refile}");
}

#[tokio::test]
async fn after_a_recorded_protest_the_plan_and_entry_pages_follow_the_act() {
    // 31618800796 of the demo: liquidated 2026-06-07, its protest due 2026-12-04.
    let f = fixture_with_ledger();
    upload_and_read(&f.app, "es003.csv", ES003).await;
    {
        let mut l =
            capekit_ledger::Ledger::open(&f.dir.path().join("ledger").join("ledger.sqlite3"))
                .expect("ledger");
        let n = capekit_core::EntryNumber::parse("31618800796").expect("entry");
        l.record_act(
            &[n],
            capekit_core::deadline::ActKind::Protest,
            Some("270426100999"),
            "2026-11-23".parse().expect("date"),
        )
        .expect("act");
    }
    let (target, plan) = upload_and_read(&f.app, "es003-again.csv", ES003).await;
    let advice = "protest 270426100999 filed 2026-11-23: watch for CBP";
    assert!(plan.contains(advice), "plan page lacks the advice");
    let id = target.trim_start_matches("/plan/");
    let entry = text(send(&f.app, get(&format!("/entry/31618800796?plan={id}"))).await).await;
    let in_plan = entry.split("In your plan").nth(1).expect("plan part");
    assert!(in_plan.contains(advice), "{in_plan}");
    assert!(!in_plan.contains("File a protest in ACE"), "{in_plan}");
    // The protest it met is shown as no longer mattering, uncoloured.
    assert!(
        in_plan.contains("2026-12-04 (not for this path)"),
        "{in_plan}"
    );
}

/// The "I uploaded" form's target for `file` on a triage page.
fn uploaded_action(page: &str, file: &str) -> String {
    let at = page
        .find(&format!("/{file}/uploaded"))
        .unwrap_or_else(|| panic!("no I uploaded form for {file}"));
    let start = page[..at].rfind('"').expect("attribute start") + 1;
    let end = at + page[at..].find('"').expect("attribute end");
    page[start..end].replace("&amp;", "&")
}

fn same_origin_post(uri: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::HOST, "localhost:8080")
        .header(header::ORIGIN, "http://localhost:8080")
        .body(Body::empty())
        .expect("request")
}

#[tokio::test]
async fn a_workbench_refile_is_a_draft_that_no_other_file_offers_again() {
    let f = fixture_with_ledger();
    let (first, page) = upload_and_read(&f.app, "claim-details.csv", CLAIM).await;
    let downloads = from_id(&page, "downloads");
    assert!(
        downloads.contains("as a draft (#"),
        "{}",
        &downloads[..downloads.len().min(2000)]
    );
    let body = bytes(send(&f.app, get(&format!("{first}/refile.csv"))).await).await;
    let refile = String::from_utf8(body).expect("utf8");
    assert!(refile.contains("B7644104112"), "{refile}");
    // The same claim again, in another tab: its triage leaves out what the first draft holds.
    let (second, page) = upload_and_read(&f.app, "claim-again.csv", CLAIM).await;
    let res = send(&f.app, get(&format!("{second}/refile.csv"))).await;
    if res.status() == StatusCode::OK {
        let again = text(res).await;
        assert!(!again.contains("B7644104112"), "offered twice: {again}");
    }
    let left = from_id(&page, "left-out");
    assert!(
        left.contains("B7644104112")
            && left.contains(
                "on the draft refile-100000241223-2026-11-24.csv (made in the workbench), written"
            )
            && !left.contains("workbench-"),
        "{left}"
    );
    // The entry's page names the draft by its file, never the upload id it is filed under.
    let entry = text(send(&f.app, get("/entry/B7644104112")).await).await;
    let state = from_id(&entry, "entry-state");
    assert!(
        state.contains("refile-100000241223-2026-11-24.csv (made in the workbench)"),
        "{state}"
    );
    assert!(!entry.contains("workbench-"), "{entry}");
    // The ledger's own next declaration offers nothing either, and the ledger is sound.
    let l = capekit_ledger::Ledger::open(&f.dir.path().join("ledger").join("ledger.sqlite3"))
        .expect("ledger");
    let next = l
        .next_declaration(&[], None, &capekit_ledger::Except::none())
        .expect("next");
    assert!(next.entries.is_empty(), "{:?}", next.entries);
    assert_eq!(l.verify().expect("verify"), vec![]);
}

#[tokio::test]
async fn i_uploaded_marks_exactly_its_draft_and_refuses_a_superseded_one() {
    let f = fixture_with_ledger();
    let target = upload(
        &f.app,
        &[
            ("claim-details.csv", CLAIM),
            ("declaration.csv", DECLARATION),
        ],
    )
    .await;
    let page = text(send(&f.app, get(&target)).await).await;
    let old = uploaded_action(&page, "refile.csv");
    assert!(old.contains("?declaration="), "{old}");
    // A new declaration from the corrected entries replaces the upload's draft.
    let res = send(
        &f.app,
        post(
            &format!("{target}/rebuild"),
            multipart(&[("entries", None, CORRECTED)]),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = text(send(&f.app, get(&target)).await).await;
    let new = uploaded_action(&page, "refile.csv");
    assert_ne!(old, new);
    let newer = new.rsplit('=').next().expect("id").to_owned();
    // The button of the page as it was before: refused, naming the newer draft.
    let res = send(&f.app, same_origin_post(&old)).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let refused = text(res).await;
    assert!(refused.contains("superseded by"), "{refused}");
    assert!(refused.contains(&format!("draft #{newer}")), "{refused}");
    let page = text(send(&f.app, get("/entry/B7644104112")).await).await;
    let state = from_id(&page, "entry-state");
    assert!(
        !state.contains("Pending"),
        "the superseded draft was revived: {state}"
    );
    // The current one is marked, exactly it.
    let res = send(&f.app, same_origin_post(&new)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let l = capekit_ledger::Ledger::open(&f.dir.path().join("ledger").join("ledger.sqlite3"))
        .expect("ledger");
    let states: Vec<(String, capekit_ledger::DeclState)> = l
        .declarations()
        .expect("declarations")
        .into_iter()
        .map(|d| (d.id.to_string(), d.state))
        .collect();
    assert!(
        states.contains(&(newer.clone(), capekit_ledger::DeclState::Uploaded)),
        "{states:?}"
    );
    assert_eq!(
        states
            .iter()
            .filter(|(_, s)| *s == capekit_ledger::DeclState::Discarded)
            .count(),
        1,
        "{states:?}"
    );
    assert_eq!(l.verify().expect("verify"), vec![]);
    // A declaration of another upload is not this triage's to mark.
    let res = send(
        &f.app,
        same_origin_post(&format!("{target}/refile.csv/uploaded?declaration=1")),
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_validation_result_file_naming_no_entry_fails_the_declaration_uploaded_with_it() {
    let f = fixture_with_ledger();
    let target = upload(
        &f.app,
        &[
            ("claim-details.csv", CLAIM),
            ("declaration.csv", DECLARATION),
        ],
    )
    .await;
    let page = text(send(&f.app, get(&target)).await).await;
    let res = send(
        &f.app,
        same_origin_post(&uploaded_action(&page, "refile.csv")),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let refile = bytes(send(&f.app, get(&format!("{target}/refile.csv"))).await).await;
    // Its Validation Result File says only that the upload failed, with the refile given.
    let vrf: &[u8] = b"Entry Number,Error Message\r\n,FAILED INITIAL VALIDATION\r\n";
    let (_, page) = {
        let t = upload(&f.app, &[("vrf.csv", vrf), ("refile.csv", &refile)]).await;
        let res = send(&f.app, get(&t)).await;
        (t, text(res).await)
    };
    assert!(
        page.contains("is marked failed"),
        "{}",
        &page[..page.len().min(3000)]
    );
    let l = capekit_ledger::Ledger::open(&f.dir.path().join("ledger").join("ledger.sqlite3"))
        .expect("ledger");
    let states: Vec<capekit_ledger::DeclState> = l
        .declarations()
        .expect("list")
        .into_iter()
        .map(|d| d.state)
        .collect();
    // Its entries were not filed: the corrected whole file is the triage's refile, a new draft.
    assert_eq!(
        states,
        vec![
            capekit_ledger::DeclState::Answered,
            capekit_ledger::DeclState::Failed,
            capekit_ledger::DeclState::Draft
        ]
    );
    let page = text(send(&f.app, get("/entry/B7644104112")).await).await;
    assert!(
        !from_id(&page, "entry-state").contains("Pending"),
        "released"
    );
    assert_eq!(l.verify().expect("verify"), vec![]);
}

/// A Claim Details of `rows` entries of claim 100000600000, every third rejected with a message
/// that refiles.
fn mixed_claim(rows: u32) -> Vec<u8> {
    let mut out = String::from("Entry Number,Claim Number,Status,Error Description\r\n");
    for i in 0..rows {
        let entry = capekit_core::EntryNumber::from_parts("B76", 1_000_000 + i).expect("entry");
        if i % 3 == 0 {
            out.push_str(&format!(
                "{entry},100000600000,Failed,UNABLE TO CALCULATE DUTY\r\n"
            ));
        } else {
            out.push_str(&format!("{entry},100000600000,Entry Summary Updated,\r\n"));
        }
    }
    out.into_bytes()
}

/// The entry numbers of the rows of an entries table.
fn row_entries(page: &str) -> Vec<String> {
    entry_rows(page)
        .iter()
        .filter_map(|r| {
            let start = r.find("/entry/")? + "/entry/".len();
            Some(r[start..start + 11].to_owned())
        })
        .collect()
}

/// The `href` of the link with this class, `&amp;` read back as `&`.
fn link(page: &str, class: &str) -> Option<String> {
    let at = page.find(&format!("<a class=\"{class}\""))?;
    let rest = &page[at..];
    let start = rest.find("href=\"")? + 6;
    let end = start + rest[start..].find('"')?;
    Some(rest[start..end].replace("&amp;", "&"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_entries_table_is_paged_with_counts_and_keeps_its_filters() {
    const ROWS: u32 = 12_001;
    let f = fixture();
    let target = upload(&f.app, &[("big-claim.csv", &mixed_claim(ROWS))]).await;

    // Every row once, across the pages, following the next links.
    let mut seen = Vec::new();
    let mut next = Some(target.clone());
    let mut pages = 0;
    while let Some(url) = next {
        let page = text(send(&f.app, get(&url)).await).await;
        pages += 1;
        let rows = row_entries(&page);
        assert!(rows.len() <= 5_000, "{} rows on one page", rows.len());
        seen.extend(rows);
        if pages == 2 {
            assert!(
                page.contains("Rows 5,001-10,000 of 12,001 (page 2 of 3)"),
                "the counts"
            );
            assert!(link(&page, "first").is_some() && link(&page, "last").is_some());
        }
        next = link(&page, "next");
    }
    assert_eq!(pages, 3);
    seen.sort();
    let expected: Vec<String> = (0..ROWS)
        .map(|i| {
            capekit_core::EntryNumber::from_parts("B76", 1_000_000 + i)
                .expect("entry")
                .as_str()
                .to_owned()
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(
        seen == expected,
        "every entry once: {} rows seen",
        seen.len()
    );

    // A filter is kept in the page links, and its counts are of the filtered rows.
    let page = text(send(&f.app, get(&format!("{target}?outcome=rejected"))).await).await;
    assert!(page.contains("Rows 1-4,001 of 4,001") || !page.contains("id=\"pager-top\""));
    let page = text(send(&f.app, get(&format!("{target}?outcome=accepted"))).await).await;
    assert!(
        page.contains("Rows 1-5,000 of 8,000 (page 1 of 2)"),
        "{}",
        &page[..2000]
    );
    let next = link(&page, "next").expect("a next page");
    assert!(
        next.contains("outcome=accepted") && next.contains("page=2"),
        "{next}"
    );
    let second = text(send(&f.app, get(&next)).await).await;
    assert!(second.contains("Rows 5,001-8,000 of 8,000"));
    assert!(
        entry_rows(&second)
            .iter()
            .all(|r| r.contains("class=\"accepted\""))
    );
    // Past the last page: the last.
    let page = text(send(&f.app, get(&format!("{target}?page=99"))).await).await;
    assert!(page.contains("Rows 10,001-12,001 of 12,001"));
    let res = send(&f.app, get(&format!("{target}?page=zero"))).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // Nothing matches: said, with the way back.
    let page = text(
        send(
            &f.app,
            get(&format!("{target}?outcome=rejected&action=drop-duplicate")),
        )
        .await,
    )
    .await;
    assert!(page.contains("No entries match these filters"), "{page}");
    assert!(page.contains(&format!("href=\"{target}#entries-heading\"")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_find_box_finds_an_entry_on_any_page_in_any_form() {
    const ROWS: u32 = 12_001;
    let f = fixture_with_ledger();
    let target = upload(&f.app, &[("big-claim.csv", &mixed_claim(ROWS))]).await;
    let id = target.trim_start_matches("/triage/");
    // Every page has the box.
    let home = text(send(&f.app, get("/")).await).await;
    assert!(home.contains("action=\"/find\"") && home.contains("name=\"entry\""));
    assert!(
        text(send(&f.app, get(&target)).await)
            .await
            .contains("action=\"/find\"")
    );

    // The last entry of the file, typed dashed, plain, lower case and with spaces.
    let last = capekit_core::EntryNumber::from_parts("B76", 1_000_000 + ROWS - 1).expect("entry");
    let mut found_pages = std::collections::BTreeSet::new();
    let dashed = last.dashed();
    for typed in [
        dashed.clone(),
        last.as_str().to_owned(),
        last.as_str().to_ascii_lowercase(),
        dashed.replace('-', " "),
    ] {
        let q: String = typed.replace(' ', "+");
        let page = text(send(&f.app, get(&format!("/find?entry={q}"))).await).await;
        assert!(
            page.contains("Searched 1 upload (1 triage) and the ledger."),
            "{page}"
        );
        let row = link(&page, "row").expect("a link to its row");
        assert!(row.starts_with(&format!("/triage/{id}")), "{row}");
        assert!(page.contains(&format!("/entry/{}?session={id}", last.as_str())));
        assert!(page.contains("In the ledger"), "the ledger knows it");
        // The row it links to is on the page it names, and is this entry's.
        let (url, anchor) = row.split_once('#').expect("an anchor");
        let table = text(send(&f.app, get(url)).await).await;
        let at = table
            .find(&format!("<tr id=\"{anchor}\""))
            .expect("the row is on that page");
        let row_html = &table[at..at + table[at..].find("</tr>").expect("row end")];
        assert!(row_html.contains(last.as_str()), "{row_html}");
        found_pages.insert(url.to_owned());
    }

    assert_eq!(found_pages.len(), 1, "the same row whatever the form typed");
    // An accepted entry, which the triage sorts after the rejected ones, on a page past the first.
    let accepted = capekit_core::EntryNumber::from_parts("B76", 1_000_000 + 11_999).expect("entry");
    let page = text(send(&f.app, get(&format!("/find?entry={}", accepted.dashed()))).await).await;
    let row = link(&page, "row").expect("a link to its row");
    assert!(row.contains("page=3"), "{row}");

    // An entry nowhere says so, and what was searched.
    let nowhere = capekit_core::EntryNumber::from_parts("ZZZ", 1).expect("entry");
    let page = text(send(&f.app, get(&format!("/find?entry={}", nowhere.as_str()))).await).await;
    assert!(page.contains("id=\"not-found\""), "{page}");
    assert!(
        page.contains("is not in the one upload capekit holds, and the ledger has no record of it"),
        "{page}"
    );
    assert!(page.contains("Searched 1 upload (1 triage) and the ledger."));

    // Not an entry number: said, not a crash.
    let res = send(&f.app, get("/find?entry=B76-4410411-9")).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(text(res).await.contains("That is not an entry number"));

    // A plan's entry is found too, with its row.
    let plan = upload(&f.app, &[("es003.csv", ES003)]).await;
    let plan_id = plan.trim_start_matches("/plan/");
    let page = text(send(&f.app, get("/find?entry=b76+4410021+9")).await).await;
    assert!(page.contains(&format!("/plan/{plan_id}#r")), "{page}");
    assert!(
        page.contains(&format!("/entry/B7644100219?plan={plan_id}")),
        "{page}"
    );
    assert!(page.contains("Searched 2 uploads (1 triage, 1 plan) and the ledger."));
}

#[tokio::test]
async fn the_find_box_without_a_ledger_says_it_was_not_searched() {
    let f = fixture();
    upload(&f.app, &[("claim-details.csv", CLAIM)]).await;
    let page = text(send(&f.app, get("/find?entry=b76-4410000-3")).await).await;
    assert!(page.contains("and not the ledger"), "{page}");
    assert!(
        link(&page, "row").is_some_and(|r| r.contains("#r")),
        "{page}"
    );
    let page = text(send(&f.app, get("/find")).await).await;
    assert!(page.contains("Type an entry number"));
}

#[tokio::test]
async fn a_restarted_server_reopens_results_from_the_saved_uploads_read_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = dir.path().join("ledger.sqlite3");
    let state = || {
        let mut state = AppState::new(dir.path().join("uploads"));
        state.as_of = Some(AS_OF.parse().expect("date"));
        state.ledger = Some(ledger.clone());
        app(state)
    };
    let first = state();
    let triage = upload(
        &first,
        &[
            ("claim-details.csv", CLAIM),
            ("declaration.csv", DECLARATION),
        ],
    )
    .await;
    // A corrected list given on the rebuild page is kept too.
    let res = send(
        &first,
        post(
            &format!("{triage}/rebuild"),
            multipart(&[("entries", None, CORRECTED)]),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let plan = upload(&first, &[("es003.csv", ES003)]).await;
    let check = {
        let res = send(
            &first,
            post(
                "/check",
                multipart(&[("file", Some("declaration.csv"), DECLARATION)]),
            ),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        location(&res)
    };
    let before: Vec<(String, Vec<u8>)> = {
        let mut pages = Vec::new();
        for url in [
            format!("{triage}/refile.csv"),
            format!("{triage}/worklist.csv"),
            format!("{plan}/worklist.csv"),
        ] {
            let res = send(&first, get(&url)).await;
            assert_eq!(res.status(), StatusCode::OK, "{url}");
            pages.push((url, bytes(res).await));
        }
        pages
    };
    let rebuild_before = text(send(&first, get(&format!("{triage}/rebuild"))).await).await;
    let recorded = || {
        let l = capekit_ledger::Ledger::open(&ledger).expect("ledger");
        (
            l.status().expect("status").files,
            l.declarations().expect("declarations").len(),
        )
    };
    let ledger_before = recorded();

    // The same upload folder, a new server: the same addresses show the same results.
    let second = state();
    let page = text(send(&second, get(&triage)).await).await;
    assert!(page.contains("Reopened from saved uploads"), "{page}");
    assert!(page.contains("Nothing was recorded in the ledger again"));
    assert!(page.contains("Triage of claim-details.csv"));
    for (url, was) in &before {
        let res = send(&second, get(url)).await;
        assert_eq!(res.status(), StatusCode::OK, "{url}");
        assert_eq!(&bytes(res).await, was, "{url} is the same file");
    }
    let rebuild_after = text(send(&second, get(&format!("{triage}/rebuild"))).await).await;
    assert!(rebuild_after.contains("B76-4411918-5") || rebuild_after.contains("B7644119185"));
    assert_eq!(
        rebuild_before.contains("id=\"result\""),
        rebuild_after.contains("id=\"result\""),
        "the corrected list is given again"
    );
    let page = text(send(&second, get(&plan)).await).await;
    assert!(page.contains("Reopened from saved uploads") && page.contains("Plan of es003.csv"));
    let page = text(send(&second, get(&check)).await).await;
    assert!(page.contains("Reopened from saved uploads") && page.contains("declaration.csv"));
    assert_eq!(recorded(), ledger_before, "reopening records nothing");
    // The start page of the new server lists nothing as earlier once they are open again.
    let third = state();
    let home = text(send(&third, get("/")).await).await;
    assert!(home.contains("Earlier uploads"), "{home}");
    assert!(home.contains(&format!("href=\"{triage}\"")));

    // The refile's "I uploaded" button of the reopened page marks the draft the upload recorded.
    let res = send(
        &second,
        Request::post(format!("{triage}/refile.csv/uploaded"))
            .header(header::HOST, "localhost:8080")
            .header(header::ORIGIN, "http://localhost:8080")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", text(res).await);
}

#[tokio::test]
async fn the_web_offers_its_own_buttons_not_terminal_commands() {
    // A declaration to fix: the page's way is the download button, never `capekit fix`.
    let f = fixture();
    let bad = b"entry number\r\nB7644100003\r\nB76-4410137-3\r\nB7644100003\r\n";
    let res = send(
        &f.app,
        post("/check", multipart(&[("file", Some("d.csv"), bad)])),
    )
    .await;
    let page = text(send(&f.app, get(&location(&res))).await).await;
    assert!(page.contains("id=\"download-fixed\""), "{page}");
    assert!(!page.contains("capekit fix"), "{page}");

    // Refund reports without a ledger: what to do in the workbench first, the command an aside.
    let rev615 = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/refunds/rev615_details.csv"),
    )
    .expect("fixture");
    let res = send(
        &f.app,
        post(
            "/upload",
            multipart(&[("files", Some("rev615.csv"), &rev615)]),
        ),
    )
    .await;
    let page = text(res).await;
    assert!(page.contains("start capekit without --no-ledger"), "{page}");
    assert!(!page.contains("run `capekit refunds"), "{page}");

    // No page of a triage, its rebuild, the start page or the entry page tells the clerk to run
    // `capekit fix` or `capekit refile`: the buttons do it.
    let f = fixture_with_ledger();
    let target = upload(&f.app, &[("claim-details.csv", CLAIM)]).await;
    for url in [
        target.clone(),
        format!("{target}/rebuild"),
        "/".to_owned(),
        "/entry/B7644104112".to_owned(),
    ] {
        let page = text(send(&f.app, get(&url)).await).await;
        for command in ["capekit fix", "capekit refile"] {
            if let Some(at) = page.find(&format!("<code>{command}</code>")) {
                assert!(
                    page[..at].ends_with("(On the command line, "),
                    "{url}: {command}"
                );
            }
        }
    }
}

/// The name a download is saved under.
fn saved_as(res: &Response<Body>) -> String {
    let d = res
        .headers()
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    d.strip_prefix("attachment; filename=\"")
        .and_then(|d| d.strip_suffix('"'))
        .unwrap_or(d)
        .to_owned()
}

#[tokio::test]
async fn every_download_is_saved_under_a_name_that_says_what_whose_and_when() {
    let f = fixture();
    // A claim with an importer column: two importers, one report each.
    let claim = b"ENTRY_NUMBER,CLAIM_NUMBER,IMPORTER_NUMBER,STATUS,ERROR_DESCRIPTION\r\n\
=\"B7644100003\",=\"100000241223\",12-3456789AB,Entry Summary Updated,\r\n\
=\"B7644104112\",=\"100000241223\",12-3456789AB,Failed,HTS RELATIONSHIP/SEQUENCE MISMATCH\r\n\
=\"B7644134259\",=\"100000241223\",98-7654321BB,Failed,PROTEST ON ENTRY\r\n";
    let target = upload(&f.app, &[("claim-details.csv", claim)]).await;
    assert!(target.starts_with("/triage/"), "{target}");
    for (file, name) in [
        ("refile.csv", "refile-100000241223-2026-11-24.csv"),
        ("worklist.xlsx", "worklist-100000241223-2026-11-24.xlsx"),
        ("worklist.csv", "worklist-100000241223-2026-11-24.csv"),
        ("report.html", "report-100000241223-2026-11-24.html"),
    ] {
        let res = send(&f.app, get(&format!("{target}/{file}"))).await;
        assert_eq!(res.status(), StatusCode::OK, "{file}");
        assert_eq!(saved_as(&res), name, "{file}");
    }
    let page = text(send(&f.app, get(&target)).await).await;
    assert!(
        page.contains("New declaration (refile-100000241223-2026-11-24.csv)"),
        "{page}"
    );
    // The button names the file as the user has it, and the find box shows the 11 characters.
    assert!(
        page.contains("I uploaded refile-100000241223-2026-11-24.csv"),
        "{page}"
    );
    assert!(page.contains("placeholder=\"B7644104112\""), "{page}");
    for (importer, mine, theirs) in [
        ("12-3456789AB", "B7644104112", "B7644134259"),
        ("98-7654321BB", "B7644134259", "B7644104112"),
    ] {
        let name = format!("report-{importer}-100000241223-2026-11-24.html");
        assert!(
            page.contains(&format!("href=\"{target}/{name}\"")),
            "{name}: {page}"
        );
        let res = send(&f.app, get(&format!("{target}/{name}"))).await;
        assert_eq!(res.status(), StatusCode::OK, "{name}");
        assert_eq!(saved_as(&res), name);
        let html = text(res).await;
        assert!(html.contains(&format!("importer {importer}")), "{html}");
        assert!(html.contains(mine) && !html.contains(theirs), "{html}");
        assert!(!html.contains("uploads"), "no upload folder named: {html}");
    }
    let report = text(send(&f.app, get(&format!("{target}/report.html"))).await).await;
    assert!(report.contains("report-98-7654321BB-100000241223-2026-11-24.html"));
    assert!(
        !report.contains(&f.dir.path().display().to_string()),
        "{report}"
    );

    // The plan: per importer, and the plan's own files named "plan".
    let target = upload(&f.app, &[("es003.csv", ES003)]).await;
    assert!(target.starts_with("/plan/"), "{target}");
    for (file, name) in [
        (
            "declaration-27-184593000-2026-11-24.csv",
            "declaration-27-184593000-2026-11-24.csv",
        ),
        (
            "worklist.xlsx",
            "plan-worklist-260314-38271-and-4-more-e61116-2026-11-24.xlsx",
        ),
        (
            "worklist.csv",
            "plan-worklist-260314-38271-and-4-more-e61116-2026-11-24.csv",
        ),
        (
            "report.html",
            "plan-report-260314-38271-and-4-more-e61116-2026-11-24.html",
        ),
        (
            "protest-27-184593000-2026-11-24.xlsx",
            "protest-27-184593000-2026-11-24.xlsx",
        ),
        (
            "plan-report-for-27-184593000-2026-11-24.html",
            "plan-report-for-27-184593000-2026-11-24.html",
        ),
    ] {
        let res = send(&f.app, get(&format!("{target}/{file}"))).await;
        assert_eq!(res.status(), StatusCode::OK, "{file}");
        assert_eq!(saved_as(&res), name, "{file}");
    }
    let page = text(send(&f.app, get(&target)).await).await;
    assert!(
        page.contains(&format!(
            "href=\"{target}/plan-report-for-27-184593000-2026-11-24.html\""
        )),
        "{page}"
    );
    let one = text(
        send(
            &f.app,
            get(&format!(
                "{target}/plan-report-for-27-184593000-2026-11-24.html"
            )),
        )
        .await,
    )
    .await;
    assert!(
        one.contains("CAPE plan: importer 27-184593000, as of 2026-11-24"),
        "{one}"
    );
    assert!(
        !one.contains("91-660247100"),
        "another importer on the page: {one}"
    );
    assert!(!one.contains(&f.dir.path().display().to_string()), "{one}");

    // A repaired declaration: the uploaded file's name and the day.
    let bad = b"entry number\r\nB7644100003\r\nB76-4410137-3\r\n";
    let target = upload(&f.app, &[("my upload.csv", bad)]).await;
    assert!(target.starts_with("/check/"), "{target}");
    let res = send(&f.app, get(&format!("{target}/declaration-fixed.csv"))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(saved_as(&res), "fixed-my-upload-2026-11-24.csv");
}

#[tokio::test]
async fn a_plans_declaration_marked_uploaded_is_never_offered_again() {
    let f = fixture_with_ledger();
    let plan = upload(&f.app, &[("es003.csv", ES003)]).await;
    assert!(plan.starts_with("/plan/"), "{plan}");
    let page = text(send(&f.app, get(&plan)).await).await;
    let file = "declaration-27-184593000-2026-11-24.csv";
    assert!(page.contains(&format!("I uploaded {file}")), "{page}");
    let declared = text(send(&f.app, get(&format!("{plan}/{file}"))).await).await;
    let first = declared.lines().nth(1).expect("an entry").trim().to_owned();
    // A POST from another site is refused; from the workbench it is recorded.
    let mark = |origin: &str| {
        Request::post(format!("{plan}/{file}/uploaded"))
            .header(header::HOST, "localhost:8080")
            .header(header::ORIGIN, origin)
            .body(Body::empty())
            .expect("request")
    };
    assert_eq!(
        send(&f.app, mark("http://evil.example")).await.status(),
        StatusCode::FORBIDDEN
    );
    let res = send(&f.app, mark("http://localhost:8080")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let back = location(&res);
    assert!(back.contains(&format!("uploaded={file}")), "{back}");
    let page = text(send(&f.app, get(&back)).await).await;
    assert!(page.contains("is recorded as uploaded"), "{page}");
    // The plan's page, opened again, reads the ledger: no button to say it twice.
    let page = text(send(&f.app, get(&plan)).await).await;
    let table = from_id(&page, "declarations");
    assert!(
        table.contains(&format!("id=\"uploaded-state-{file}\"")),
        "{table}"
    );
    assert!(!table.contains(&format!("I uploaded {file}")), "{table}");
    assert!(
        table.contains("I uploaded declaration-91-660247100-2026-11-24.csv"),
        "the others are still offered: {table}"
    );
    assert!(
        page.contains("1 of the 5 files is recorded as uploaded already: upload the others."),
        "{page}"
    );
    assert!(!page.contains("id=\"all-uploaded\""), "{page}");
    let entry_page = text(send(&f.app, get(&format!("/entry/{first}"))).await).await;
    let state = from_id(&entry_page, "entry-state");
    assert!(state.contains("Pending"), "{state}");
    // Twice is once.
    assert_eq!(
        send(&f.app, mark("http://localhost:8080")).await.status(),
        StatusCode::SEE_OTHER
    );
    // The same export planned again: those entries are kept off its declarations.
    let again = upload(&f.app, &[("es003 again.csv", ES003)]).await;
    assert_ne!(again, plan);
    let page = text(send(&f.app, get(&again)).await).await;
    assert!(!page.contains(&format!("I uploaded {file}")), "{page}");
    // A file the plan does not have is a 404.
    let res = send(
        &f.app,
        Request::post(format!("{plan}/nothing.csv/uploaded"))
            .header(header::HOST, "localhost:8080")
            .header(header::ORIGIN, "http://localhost:8080")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn entry_data_uploaded_with_claim_files_is_kept_in_the_ledger() {
    let f = fixture_with_ledger();
    let triage = upload(
        &f.app,
        &[("claim-details.csv", CLAIM), ("es003.csv", ES003)],
    )
    .await;
    assert!(triage.starts_with("/triage/"), "{triage}");
    // An entry of the export that no claim names: the ledger knows its data now, as
    // `capekit triage --entries` keeps it.
    let page = text(send(&f.app, get("/entry/B7644100219")).await).await;
    assert!(page.contains("id=\"entry-data\""), "{page}");
    assert!(page.contains("27-184593000"), "its importer: {page}");
    // And the same export on its own later is recognised, not recorded twice.
    let plan = upload(&f.app, &[("es003.csv", ES003)]).await;
    let page = text(send(&f.app, get(&plan)).await).await;
    assert!(
        page.contains("es003.csv is already in the ledger"),
        "{page}"
    );
}

#[tokio::test]
async fn marking_a_declaration_uploaded_names_the_entries_the_ledger_knows_as_accepted() {
    // As `capekit ledger uploaded` warns: CBP accepts an entry once, so each such entry of the
    // upload will come back rejected.
    let f = fixture_with_ledger();
    let path = f.dir.path().join("ledger").join("ledger.sqlite3");
    std::fs::create_dir_all(path.parent().expect("folder")).expect("folder");
    {
        use capekit_app::import::{gather, read_file, record};
        let mut l = capekit_ledger::Ledger::open(&path).expect("ledger");
        let claim = b"Claim Number,Entry Number,Entry Status,Message\r\n300000000001,B7644100003,Accepted,ENTRY SUMMARY UPDATED\r\n".to_vec();
        let draft = b"Entry Number\r\nB7644100003\r\nB7644101373\r\n".to_vec();
        let none = |_: &capekit_ledger::Ledger| Ok::<_, capekit_ledger::LedgerError>(None);
        for (name, bytes) in [("claim.csv", claim), ("draft.csv", draft)] {
            let file = read_file(name, bytes, || None).expect("read");
            let read = gather(vec![file], false).expect("gathered");
            record(&mut l, read, AS_OF.parse().expect("date"), none).expect("recorded");
        }
    }
    let res = send(
        &f.app,
        Request::post("/declarations/1/uploaded")
            .header(header::HOST, "localhost:8080")
            .header(header::ORIGIN, "http://localhost:8080")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = text(res).await;
    assert!(
        page.contains("the ledger knows as accepted on a claim")
            && page.contains("B7644100003")
            && page.contains("300000000001")
            && !page.contains("B7644101373"),
        "{page}"
    );
    let list = text(send(&f.app, get("/declarations")).await).await;
    assert!(
        from_id(&list, "declarations").contains("uploaded"),
        "{list}"
    );
}

#[tokio::test]
async fn a_claim_details_given_as_the_corrected_list_is_refused_as_the_terminal_refuses_it() {
    // Taken as the corrected list, every entry of a Claim Details would be refiled.
    let f = fixture();
    let target = upload(
        &f.app,
        &[
            ("claim-details.csv", CLAIM),
            ("declaration.csv", DECLARATION),
        ],
    )
    .await;
    let res = send(
        &f.app,
        post(
            &format!("{target}/rebuild"),
            multipart(&[("file", Some("claim-details.csv"), CLAIM)]),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(res).await;
    assert!(
        page.contains("not a list of entry numbers") && page.contains("claim-details.csv"),
        "{page}"
    );
    // An empty pasted list is refused too, not taken as "nothing corrected".
    let res = send(
        &f.app,
        post(
            &format!("{target}/rebuild"),
            multipart(&[("entries", None, b"Entry Number\n".as_slice())]),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(res).await.contains("lists no entry number"));
}

#[tokio::test]
async fn an_entry_list_without_entry_data_is_refused_beside_claim_files() {
    // As `capekit triage --entries` refuses it: it tells no entry's dates.
    let f = fixture_with_ledger();
    let list = b"Entry No,Remarks\r\nB7644100003,corrected\r\n";
    let mut parts: Vec<(&str, Option<&str>, &[u8])> = vec![
        ("files", Some("claim-details.csv"), CLAIM),
        ("files", Some("entries.csv"), list.as_slice()),
    ];
    parts.push(("as_of", None, AS_OF.as_bytes()));
    let res = send(&f.app, post("/upload", multipart(&parts))).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(res).await;
    assert!(
        page.contains("entries.csv") && page.contains("no ES-003 column"),
        "{page}"
    );
}

/// Records in the workbench's ledger a claim that accepts `entry`: answering a declaration
/// uploaded outside the workbench when `elsewhere`, else the one the ledger finds holding it.
fn record_accepted(f: &Fixture, entry: &str, claim: &str, elsewhere: bool) {
    use capekit_app::import::{Named, gather, read_file, record};
    let path = f.dir.path().join("ledger").join("ledger.sqlite3");
    let mut l = capekit_ledger::Ledger::open(&path).expect("ledger");
    let bytes = format!(
        "Claim Number,Entry Number,Entry Status,Message\r\n{claim},{entry},Accepted,ENTRY SUMMARY UPDATED\r\n"
    )
    .into_bytes();
    let file = read_file("late-claim.csv", bytes, || None).expect("read");
    let read = gather(vec![file], false).expect("gathered");
    let upload = format!("Entry Number\r\n{entry}\r\n").into_bytes();
    let other = capekit_ledger::FileMeta::of_bytes(
        "other-upload.csv",
        capekit_ledger::FileKind::Declaration,
        &upload,
    );
    let entries = vec![capekit_core::EntryNumber::parse(entry).expect("entry")];
    let named = |_: &capekit_ledger::Ledger| {
        Ok::<_, capekit_ledger::LedgerError>(elsewhere.then_some(Named::File(other, entries)))
    };
    record(&mut l, read, AS_OF.parse().expect("date"), named).expect("recorded");
}

#[tokio::test]
async fn marking_a_triages_refile_uploaded_names_the_entries_the_ledger_knows_as_accepted() {
    let f = fixture_with_ledger();
    let target = upload(
        &f.app,
        &[
            ("claim-details.csv", CLAIM),
            ("declaration.csv", DECLARATION),
        ],
    )
    .await;
    let page = text(send(&f.app, get(&target)).await).await;
    let action = uploaded_action(&page, "refile.csv");
    // A claim read after the refile was made accepts one of its entries.
    record_accepted(&f, "B7644104112", "300000000009", true);
    let res = send(&f.app, same_origin_post(&action)).await;
    let status = res.status();
    let page = text(res).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("the ledger knows as accepted on a claim")
            && page.contains("B7644104112")
            && page.contains("300000000009")
            && page.contains("Back to the triage"),
        "{page}"
    );
    let list = text(send(&f.app, get("/declarations")).await).await;
    assert!(
        from_id(&list, "declarations").contains("uploaded"),
        "{list}"
    );
}

#[tokio::test]
async fn marking_a_plans_declaration_uploaded_names_the_entries_the_ledger_knows_as_accepted() {
    let f = fixture_with_ledger();
    let plan = upload(&f.app, &[("es003.csv", ES003)]).await;
    let file = "declaration-27-184593000-2026-11-24.csv";
    let declared = text(send(&f.app, get(&format!("{plan}/{file}"))).await).await;
    let first = declared.lines().nth(1).expect("an entry").trim().to_owned();
    let second = declared
        .lines()
        .nth(2)
        .expect("two entries")
        .trim()
        .to_owned();
    // A claim read after the plan was made accepts one of its entries.
    record_accepted(&f, &first, "300000000009", true);
    let res = send(&f.app, same_origin_post(&format!("{plan}/{file}/uploaded"))).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = text(res).await;
    assert!(
        page.contains("the ledger knows as accepted on a claim")
            && page.contains(&first)
            && page.contains("300000000009")
            && !page.contains(&second)
            && page.contains("Back to the plan"),
        "{page}"
    );
    let list = text(send(&f.app, get("/declarations")).await).await;
    assert!(
        from_id(&list, "declarations").contains("uploaded"),
        "{list}"
    );
}

#[tokio::test]
async fn a_refile_a_claim_answered_already_is_not_marked_uploaded_and_the_page_says_so() {
    let f = fixture_with_ledger();
    let target = upload(
        &f.app,
        &[
            ("claim-details.csv", CLAIM),
            ("declaration.csv", DECLARATION),
        ],
    )
    .await;
    let page = text(send(&f.app, get(&target)).await).await;
    let action = uploaded_action(&page, "refile.csv");
    // A claim naming an entry of the draft answers it: CBP processed it.
    record_accepted(&f, "B7644104112", "300000000009", false);
    let res = send(&f.app, same_origin_post(&action)).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let page = text(res).await;
    assert!(
        page.contains("was answered by claim 300000000009 already")
            && page.contains("not marked uploaded"),
        "{page}"
    );
    let l = capekit_ledger::Ledger::open(&f.dir.path().join("ledger").join("ledger.sqlite3"))
        .expect("ledger");
    assert!(
        !l.declarations()
            .expect("declarations")
            .iter()
            .any(|d| d.state == capekit_ledger::DeclState::Uploaded),
        "marked after all"
    );
}

/// The triage page's deadline cell lists every deadline of the row, the next one first, as the
/// worklist files and the report do (it showed the next one alone).
#[tokio::test]
async fn the_triage_page_lists_every_deadline_of_a_row() {
    let f = fixture();
    let claim = include_bytes!("../../../tests/fixtures/triage/dates-decide-claim.csv");
    let es003 = include_bytes!("../../../tests/fixtures/triage/dates-decide-es003.csv");
    let target = upload(&f.app, &[("claim.csv", claim), ("es003.csv", es003)]).await;
    assert!(target.starts_with("/triage/"), "{target}");
    let page = text(send(&f.app, get(&target)).await).await;
    let rows = entry_rows(&page);
    let with_several = rows
        .iter()
        .filter(|r| {
            r.matches(" due ").count() + r.matches(" closes ").count() >= 2 && r.contains("<br>")
        })
        .count();
    assert!(with_several > 0, "{}", rows.join("\n"));
}
