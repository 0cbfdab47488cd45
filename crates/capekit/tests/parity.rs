//! The command line and the web workbench run the same jobs: on the same files and the same
//! ledger they give the same answers. The check job (`capekit check`, `capekit fix` and the
//! workbench's Check page) is the first that lives in `capekit-app`; this test holds the faces to
//! it.

mod common;

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::run_with_ledger;
use http_body_util::BodyExt;
use tower::ServiceExt;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/demo");
const AS_OF: &str = "2026-11-24";
const BOUNDARY: &str = "capekit-parity-boundary";

/// The rule codes a check's JSON names.
fn cli_codes(json: &serde_json::Value) -> BTreeSet<String> {
    json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str().map(str::to_owned))
        .collect()
}

/// The rule codes a check page links to, beside its findings.
fn page_codes(page: &str) -> BTreeSet<String> {
    page.match_indices("href=\"/rules/")
        .map(|(i, m)| page[i + m.len()..].chars().take(4).collect())
        .collect()
}

async fn body(res: axum::response::Response) -> Vec<u8> {
    res.into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec()
}

/// Uploads `file` on the workbench's start page; the page it is sent to.
async fn web_check(app: &axum::Router, name: &str, bytes: &[u8]) -> (String, String) {
    let mut b = Vec::new();
    b.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    b.extend_from_slice(bytes);
    b.extend_from_slice(
        format!("\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"as_of\"\r\n\r\n{AS_OF}\r\n--{BOUNDARY}--\r\n").as_bytes(),
    );
    let req = Request::post("/upload")
        .header(header::HOST, "localhost:8080")
        .header(header::ORIGIN, "http://localhost:8080")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(b))
        .expect("request");
    let res = app.clone().oneshot(req).await.expect("infallible");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let target = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("redirect")
        .to_owned();
    assert!(target.starts_with("/check/"), "{target}");
    let get = |uri: String| {
        Request::get(uri)
            .header(header::HOST, "localhost:8080")
            .body(Body::empty())
            .expect("request")
    };
    let page = body(
        app.clone()
            .oneshot(get(target.clone()))
            .await
            .expect("page"),
    )
    .await;
    let fixed = app
        .clone()
        .oneshot(get(format!("{target}/declaration-fixed.csv")))
        .await
        .expect("fixed");
    assert_eq!(fixed.status(), StatusCode::OK);
    let fixed = body(fixed).await;
    (
        String::from_utf8(page).expect("utf8"),
        String::from_utf8(fixed).expect("utf8"),
    )
}

#[tokio::test]
async fn check_and_fix_give_the_same_answers_in_the_terminal_and_the_workbench() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let ledger = d.join("ledger.sqlite3");
    // The ledger learns the demo's claim: B7644100003 accepted, B7644136999 rejected ACCOUNT
    // MISMATCH (a wrong filer), B7644104112 on the triage's refile draft.
    let triage = run_with_ledger(
        d,
        &ledger,
        &[
            "triage",
            &format!("{DEMO}/claim-details.csv"),
            "--declaration",
            &format!("{DEMO}/declaration.csv"),
            "--as-of",
            AS_OF,
            "--out",
            "out",
        ],
    );
    assert_eq!(triage.code, Some(0), "{}", triage.both());
    let file = "Entry Number\r\nB7644100003\r\nB7644136999\r\nB7644104112\r\nB76-4410137-3\r\nB7644101373\r\n";
    std::fs::write(d.join("again.csv"), file).expect("write");

    let cli = run_with_ledger(d, &ledger, &["check", "again.csv", "--format", "json"]);
    let codes = cli_codes(&cli.json());
    for code in ["F012", "F023", "F024", "F025"] {
        assert!(
            codes.contains(code),
            "{code} not in {codes:?}: {}",
            cli.both()
        );
    }
    // A command the text suggests runs as printed: it names the ledger given with --ledger.
    let l = ledger.display().to_string();
    let text = run_with_ledger(d, &ledger, &["--ledger", &l, "check", "again.csv"]);
    assert!(
        text.stdout.contains("`capekit --ledger ") && !text.stdout.contains("`capekit ledger "),
        "{}",
        text.stdout
    );
    let fix = run_with_ledger(d, &ledger, &["fix", "again.csv", "--out", "fixed.csv"]);
    assert!(matches!(fix.code, Some(0 | 1)), "{}", fix.both());
    // The entry it keeps though CBP rejected it as a wrong filer's is said, not kept quiet.
    assert!(
        fix.stdout.contains("B7644136999") && fix.stdout.contains("(F025)"),
        "{}",
        fix.stdout
    );
    let cli_fixed = std::fs::read_to_string(d.join("fixed.csv")).expect("fixed");

    // The workbench on the same ledger.
    let mut state = capekit_web::AppState::new(d.join("uploads"));
    state.as_of = Some(AS_OF.parse().expect("date"));
    state.ledger = Some(ledger.clone());
    let app = capekit_web::app(state);
    let (page, web_fixed) = web_check(&app, "again.csv", file.as_bytes()).await;
    let on_page = page_codes(&page);
    for code in &codes {
        assert!(on_page.contains(code), "{code} not on the page: {page}");
    }
    let extra: Vec<&String> = on_page
        .iter()
        .filter(|c| c.starts_with('F') && !codes.contains(*c))
        .collect();
    assert!(extra.is_empty(), "the page finds more: {extra:?}");
    assert_eq!(web_fixed, cli_fixed, "the corrected files differ");

    // The same entries in a workbook: not a CSV (F001), and its entries are still checked
    // against the ledger, in the terminal and on the page alike.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, v) in file.lines().enumerate() {
        ws.write_string(u32::try_from(r).expect("row"), 0, v)
            .expect("cell");
    }
    let book = wb.save_to_buffer().expect("xlsx");
    std::fs::write(d.join("again.xlsx"), &book).expect("write");
    let cli = run_with_ledger(d, &ledger, &["check", "again.xlsx", "--format", "json"]);
    let xlsx_codes = cli_codes(&cli.json());
    for code in ["F001", "F023", "F024", "F025"] {
        assert!(
            xlsx_codes.contains(code),
            "{code} not in {xlsx_codes:?}: {}",
            cli.both()
        );
    }
    let fix = run_with_ledger(d, &ledger, &["fix", "again.xlsx", "--out", "fixed-x.csv"]);
    assert!(matches!(fix.code, Some(0 | 1)), "{}", fix.both());
    let cli_fixed = std::fs::read_to_string(d.join("fixed-x.csv")).expect("fixed");
    let (page, web_fixed) = web_check(&app, "again.xlsx", &book).await;
    let on_page = page_codes(&page);
    for code in &xlsx_codes {
        assert!(on_page.contains(code), "{code} not on the page: {page}");
    }
    assert_eq!(web_fixed, cli_fixed, "the corrected files differ");
}
