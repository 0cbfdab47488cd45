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
    let target = web_upload(app, &[(name, bytes)]).await;
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
    let app = workbench(d, &ledger);
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

/// Uploads `files` on the workbench's start page, as of [`AS_OF`]; the address it is sent to.
async fn web_upload(app: &axum::Router, files: &[(&str, &[u8])]) -> String {
    let mut b = Vec::new();
    for (name, bytes) in files {
        b.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        b.extend_from_slice(bytes);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"as_of\"\r\n\r\n{AS_OF}\r\n--{BOUNDARY}--\r\n").as_bytes(),
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
    res.headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("redirect")
        .to_owned()
}

async fn web_get(app: &axum::Router, uri: &str) -> Vec<u8> {
    let req = Request::get(uri)
        .header(header::HOST, "localhost:8080")
        .body(Body::empty())
        .expect("request");
    let res = app.clone().oneshot(req).await.expect("infallible");
    assert_eq!(res.status(), StatusCode::OK, "{uri}");
    body(res).await
}

/// What a ledger holds of each entry, as `capekit ledger export` writes it, without the
/// declaration's name (a file path in the terminal, a workbench draft on the web).
fn ledger_rows(dir: &std::path::Path, ledger: &std::path::Path) -> Vec<String> {
    let out = dir.join(format!(
        "export-{}.csv",
        ledger.file_stem().and_then(|s| s.to_str()).expect("name")
    ));
    let run = run_with_ledger(
        dir,
        ledger,
        &["ledger", "export", "--out", out.to_str().expect("utf8")],
    );
    assert_eq!(run.code, Some(0), "{}", run.both());
    let mut r = csv::Reader::from_path(&out).expect("export");
    let headers = r.headers().expect("headers").clone();
    let skip = headers
        .iter()
        .position(|h| h == "pending_on")
        .expect("pending_on column");
    r.records()
        .map(|rec| {
            let rec = rec.expect("row");
            rec.iter()
                .enumerate()
                .map(|(i, v)| if i == skip { "" } else { v })
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect()
}

/// A ledger that knows the demo's declaration as uploaded, so that a claim triaged without it
/// is reconciled against it.
fn ledger_with_upload(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let ledger = dir.join(name);
    let decl = format!("{DEMO}/declaration.csv");
    for args in [
        ["ledger", "import", decl.as_str()],
        ["ledger", "uploaded", decl.as_str()],
    ] {
        let run = run_with_ledger(dir, &ledger, &args);
        assert_eq!(run.code, Some(0), "{}", run.both());
    }
    ledger
}

#[tokio::test]
async fn triage_gives_the_same_files_and_records_in_the_terminal_and_the_workbench() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let claim = std::fs::read(format!("{DEMO}/claim-details.csv")).expect("demo claim");

    // Two ledgers alike, one for each face: each knows the declaration as uploaded.
    let cli_ledger = ledger_with_upload(d, "cli.sqlite3");
    let web_ledger = ledger_with_upload(d, "web.sqlite3");
    assert_eq!(ledger_rows(d, &cli_ledger), ledger_rows(d, &web_ledger));

    let triage = run_with_ledger(
        d,
        &cli_ledger,
        &[
            "triage",
            &format!("{DEMO}/claim-details.csv"),
            "--as-of",
            AS_OF,
            "--out",
            "out",
            "--format",
            "json",
        ],
    );
    assert_eq!(triage.code, Some(0), "{}", triage.both());
    let json = triage.json();
    // No declaration was given: the ledger's upload is what the claim is reconciled against,
    // which finds the entry missing from the claim.
    assert_eq!(json["reconciliation"]["declared"], 40, "{}", triage.both());
    assert_eq!(json["reconciliation"]["missing"], 1, "{}", triage.both());

    let app = workbench(d, &web_ledger);
    let at = web_upload(&app, &[("claim-details.csv", &claim)]).await;
    assert!(at.starts_with("/triage/"), "{at}");
    let page = String::from_utf8(web_get(&app, &at).await).expect("utf8");
    assert!(
        !page.contains("missing entries cannot be found"),
        "the page did not reconcile against the ledger's upload"
    );

    // The same refile bytes and the same worklist rows.
    let out = d.join("out");
    let cli_file = |prefix: &str| {
        let found: Vec<_> = std::fs::read_dir(&out)
            .expect("out")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".csv"))
            })
            .collect();
        assert_eq!(found.len(), 1, "{prefix}*.csv in {found:?}");
        std::fs::read(&found[0]).expect("read")
    };
    let cli_refile = cli_file("refile-");
    assert_eq!(
        String::from_utf8(web_get(&app, &format!("{at}/refile.csv")).await).expect("utf8"),
        String::from_utf8(cli_refile).expect("utf8"),
        "the refile files differ"
    );
    assert_eq!(
        String::from_utf8(web_get(&app, &format!("{at}/worklist.csv")).await).expect("utf8"),
        String::from_utf8(cli_file("worklist-")).expect("utf8"),
        "the worklists differ"
    );
    // The same records: every entry in the same state, on the same claim, with the same action.
    assert_eq!(
        ledger_rows(d, &web_ledger),
        ledger_rows(d, &cli_ledger),
        "the ledgers differ"
    );
}

/// The demo's ES-003 export under its report title (`Run Date: 10/01/2026`), written to
/// `dir/es003.csv`; its bytes.
fn titled_es003(dir: &std::path::Path) -> Vec<u8> {
    let demo = std::fs::read(format!("{DEMO}/es003.csv")).expect("demo es003");
    let mut es003 =
        b"\"ES-003 Entry Summary Line Tariff Details\"\r\n\"Run Date: 10/01/2026\"\r\n".to_vec();
    es003.extend_from_slice(&demo);
    std::fs::write(dir.join("es003.csv"), &es003).expect("write");
    es003
}

/// The workbench on `ledger`, as of [`AS_OF`], keeping its uploads under `dir`.
fn workbench(dir: &std::path::Path, ledger: &std::path::Path) -> axum::Router {
    let mut state = capekit_web::AppState::new(dir.join("uploads"));
    state.as_of = Some(AS_OF.parse().expect("date"));
    state.ledger = Some(ledger.to_path_buf());
    capekit_web::app(state)
}

/// What a ledger keeps of entry files and their entries: each file with the date of its data,
/// and each entry's data, deadlines and record, without the times they were recorded at.
fn entry_records(ledger: &std::path::Path) -> Vec<String> {
    let db = rusqlite::Connection::open(ledger).expect("ledger");
    let mut rows = Vec::new();
    for sql in [
        "SELECT f.kind || ',' || f.name || ',' || f.sha256 || ',' || f.size || ',' || \
         COALESCE(d.data_date, 'undated') FROM files f LEFT JOIN file_dates d ON d.file_id = f.id \
         ORDER BY f.sha256",
        "SELECT e.entry || ',' || COALESCE(e.importer_number, '') || ',' || \
         COALESCE(e.entry_type, '') || ',' || COALESCE(e.liquidation_date, '') || ',' || e.path \
         || ',' || COALESCE(e.cape_window_closes, '') || ',' || COALESCE(e.protest_due, '') || \
         ',' || COALESCE(e.entry_date, '') || ',' || f.sha256 FROM entry_data e \
         JOIN files f ON f.id = e.file_id ORDER BY e.entry",
        "SELECT entry || ',' || kind || ',' || date || ',' || basis FROM entry_deadlines \
         ORDER BY entry, kind",
        "SELECT entry || ',' || record FROM entry_records ORDER BY entry",
    ] {
        let mut st = db.prepare(sql).expect("query");
        let found = st
            .query_map([], |r| r.get::<_, String>(0))
            .expect("rows")
            .collect::<Result<Vec<_>, _>>()
            .expect("rows");
        assert!(!found.is_empty(), "nothing recorded for {sql}");
        rows.extend(found);
    }
    rows
}

#[tokio::test]
async fn plan_gives_the_same_files_and_records_in_the_terminal_and_the_workbench() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    // The demo's ES-003 export under its report title, which dates its data: the date the plan
    // states and the ledger keeps, whichever face read it.
    let es003 = titled_es003(d);

    // Two ledgers alike, each knowing the demo's declaration as uploaded: its entries stay off
    // the declarations the plan writes.
    let cli_ledger = ledger_with_upload(d, "cli.sqlite3");
    let web_ledger = ledger_with_upload(d, "web.sqlite3");

    let plan = run_with_ledger(
        d,
        &cli_ledger,
        &[
            "plan",
            "es003.csv",
            "--as-of",
            AS_OF,
            "--out",
            "out",
            "--format",
            "json",
        ],
    );
    assert_eq!(plan.code, Some(0), "{}", plan.both());
    let json = plan.json();
    let planned = json["reconciliation"]["entries"].as_u64().expect("entries");
    assert!(planned > 0, "{}", plan.both());

    let app = workbench(d, &web_ledger);
    let at = web_upload(&app, &[("es003.csv", &es003)]).await;
    assert!(at.starts_with("/plan/"), "{at}");
    let page = String::from_utf8(web_get(&app, &at).await).expect("utf8");
    assert!(
        page.contains("2026-10-01"),
        "the page does not date the data"
    );

    // Every declaration, under the same names, and the worklist (linked as `worklist.csv`, and
    // saved under the terminal's name), byte for byte.
    let mut compared = 0;
    for f in std::fs::read_dir(d.join("out")).expect("out") {
        let path = f.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_owned();
        if !(name.starts_with("declaration-") || name.starts_with("plan-worklist-"))
            || !name.ends_with(".csv")
        {
            continue;
        }
        let cli = std::fs::read_to_string(&path).expect("read");
        let link = if name.starts_with("plan-worklist-") {
            "worklist.csv"
        } else {
            &name
        };
        let web = String::from_utf8(web_get(&app, &format!("{at}/{link}")).await).expect("utf8");
        assert_eq!(web, cli, "{name} differs");
        compared += 1;
    }
    assert!(compared >= 2, "{compared} files compared");
    // The same records: the file dated by its title row, and every entry's data alike.
    let cli_records = entry_records(&cli_ledger);
    assert!(
        cli_records
            .iter()
            .any(|r| r.starts_with("entry-data,es003.csv,") && r.ends_with(",2026-10-01")),
        "{cli_records:?}"
    );
    assert_eq!(
        entry_records(&web_ledger),
        cli_records,
        "the ledgers differ"
    );
}

#[tokio::test]
async fn entry_data_given_with_a_triage_is_kept_alike_in_the_terminal_and_the_workbench() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let claim = std::fs::read(format!("{DEMO}/claim-details.csv")).expect("demo claim");
    let es003 = titled_es003(d);
    let cli_ledger = ledger_with_upload(d, "cli.sqlite3");
    let web_ledger = ledger_with_upload(d, "web.sqlite3");

    let triage = run_with_ledger(
        d,
        &cli_ledger,
        &[
            "triage",
            &format!("{DEMO}/claim-details.csv"),
            "--entries",
            "es003.csv",
            "--as-of",
            AS_OF,
            "--out",
            "out",
        ],
    );
    assert_eq!(triage.code, Some(0), "{}", triage.both());
    let app = workbench(d, &web_ledger);
    let at = web_upload(
        &app,
        &[("claim-details.csv", &claim), ("es003.csv", &es003)],
    )
    .await;
    assert!(at.starts_with("/triage/"), "{at}");

    // The export is kept dated by its title row on both faces (the workbench kept it undated,
    // so a later triage took months-old data for today's).
    let cli_records = entry_records(&cli_ledger);
    assert!(
        cli_records
            .iter()
            .any(|r| r.starts_with("entry-data,es003.csv,") && r.ends_with(",2026-10-01")),
        "{cli_records:?}"
    );
    assert_eq!(
        entry_records(&web_ledger),
        cli_records,
        "the ledgers differ"
    );
}

/// What a ledger keeps of refund reports: each file and every event read from it, without the
/// numbers and times the ledger gave them.
fn refund_records(ledger: &std::path::Path) -> Vec<String> {
    let db = rusqlite::Connection::open(ledger).expect("ledger");
    let mut st = db
        .prepare(
            "SELECT f.sha256, f.report, f.name, f.size, f.rows, e.* FROM refund_events e \
             JOIN refund_files f ON f.id = e.file_id ORDER BY f.sha256, e.line",
        )
        .expect("query");
    let columns = st.column_count();
    // `e.file_id` is the ledger's own number for the file: the file is named by its SHA-256.
    let file_id = 5;
    let rows = st
        .query_map([], |r| {
            (0..columns)
                .filter(|i| *i != file_id)
                .map(|i| {
                    r.get::<_, rusqlite::types::Value>(i)
                        .map(|v| format!("{v:?}"))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(|v| v.join(","))
        })
        .expect("rows")
        .collect::<Result<Vec<_>, _>>()
        .expect("rows");
    assert!(!rows.is_empty(), "no refund event recorded");
    rows
}

#[tokio::test]
async fn refund_reports_are_recorded_alike_by_ledger_import_and_the_workbench() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let es022 = "ES-022 CAPE Entry Summary\r\nDeclaration Number,Entry Number,Refund Number,Principal Amount,Interest Amount,Liquidation Date\r\n260512000123,B7644100003,R-1,\"$5,000.00\",$350.00,06/10/2026\r\n260512000124,B7644104112,R-2,$900.00,$0.00,06/20/2026\r\n";
    let rev603 = "Declaration Number,Refund Number,Refund Secondary Status,Status Date\r\n260512000123,R-1,Treasury Issued,07/01/2026\r\n260512000124,R-2,Check/ACH Returned,07/02/2026\r\n";
    std::fs::write(d.join("es022.csv"), es022).expect("write");
    std::fs::write(d.join("rev603.csv"), rev603).expect("write");
    let cli_ledger = d.join("cli.sqlite3");
    let web_ledger = d.join("web.sqlite3");

    let import = run_with_ledger(
        d,
        &cli_ledger,
        &[
            "ledger",
            "import",
            "es022.csv",
            "rev603.csv",
            "--as-of",
            AS_OF,
        ],
    );
    assert_eq!(import.code, Some(0), "{}", import.both());

    let app = workbench(d, &web_ledger);
    let at = web_upload(
        &app,
        &[
            ("es022.csv", es022.as_bytes()),
            ("rev603.csv", rev603.as_bytes()),
        ],
    )
    .await;
    assert_eq!(at, "/refunds");

    let cli_records = refund_records(&cli_ledger);
    assert_eq!(
        refund_records(&web_ledger),
        cli_records,
        "the ledgers differ"
    );
    // The same bytes again change nothing, on either face.
    let again = run_with_ledger(
        d,
        &web_ledger,
        &[
            "ledger",
            "import",
            "es022.csv",
            "rev603.csv",
            "--as-of",
            AS_OF,
        ],
    );
    assert_eq!(again.code, Some(0), "{}", again.both());
    assert!(
        again.stdout.contains("already in the ledger"),
        "{}",
        again.stdout
    );
    assert_eq!(refund_records(&web_ledger), cli_records);
}

/// An entry number of the demo's filer, by its serial.
fn entry(n: u32) -> String {
    capekit_core::EntryNumber::from_parts("B76", n)
        .expect("entry")
        .to_string()
}

/// What a ledger keeps of what the user said of importers, without the times it was said at.
fn importer_records(ledger: &std::path::Path) -> Vec<String> {
    let db = rusqlite::Connection::open(ledger).expect("ledger");
    let mut rows = Vec::new();
    for sql in [
        "SELECT importer || ',' || corporate FROM importer_facts ORDER BY importer",
        "SELECT importer || ',' || fact || ',' || on_date FROM importer_readiness \
         ORDER BY importer, fact",
    ] {
        let mut st = db.prepare(sql).expect("query");
        let found = st
            .query_map([], |r| r.get::<_, String>(0))
            .expect("rows")
            .collect::<Result<Vec<_>, _>>()
            .expect("rows");
        assert!(!found.is_empty(), "nothing recorded for {sql}");
        rows.extend(found);
    }
    rows
}

/// Posts the Refunds page's form of what the user knows of `importer`.
async fn web_importer_facts(app: &axum::Router, importer: &str, form: &str) {
    let req = Request::post(format!("/refunds/importer/{importer}"))
        .header(header::HOST, "localhost:8080")
        .header(header::ORIGIN, "http://localhost:8080")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))
        .expect("request");
    let res = app.clone().oneshot(req).await.expect("infallible");
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{importer}: {form}");
}

#[tokio::test]
async fn refunds_give_the_same_figures_in_the_terminal_and_the_workbench() {
    const IMPORTER: &str = "12-3456789AA";
    const OTHER: &str = "98-7654321BB";
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    // Entries 1-4 accepted; entry 1 liquidated by CAPE, paid in full; entry 2 paid short and
    // held; entry 4 another importer's.
    let mut claim = String::from("ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\n");
    let mut es003 = String::from(
        "Entry Summary Number,Entry Type Code,Importer Number,Importer Name,Entry Date,Entry Summary Date,HTS Number - Full,Line Tariff Duty Amount,Liquidation Status,Liquidation Date\r\n",
    );
    for (n, importer, duty, status, liq) in [
        (1, IMPORTER, "5,000.00", "Liquidated", "06/10/2026"),
        (2, IMPORTER, "1,000.00", "Unliquidated", ""),
        (3, IMPORTER, "200.00", "Unliquidated", ""),
        (4, OTHER, "300.00", "Unliquidated", ""),
    ] {
        claim.push_str(&format!("{},100000241223,ACCEPTED,\r\n", entry(n)));
        es003.push_str(&format!(
            "{},01,{importer},Acme,06/01/2025,06/10/2025,99030125,\"${duty}\",{status},{liq}\r\n",
            entry(n)
        ));
    }
    let es022 = format!(
        "ES-022 CAPE Entry Summary\r\nDeclaration Number,Entry Number,Refund Number,Principal Amount,Interest Amount,Liquidation Date\r\n260512000123,{},R-1,\"$5,000.00\",$350.00,06/10/2026\r\n260512000124,{},R-2,$900.00,$0.00,06/20/2026\r\n",
        entry(1),
        entry(2)
    );
    let rev603 = "Declaration Number,Refund Number,Refund Secondary Status,Status Date\r\n260512000123,R-1,Treasury Issued,07/01/2026\r\n260512000124,R-2,Check/ACH Returned,07/02/2026\r\n";
    for (name, text) in [
        ("claim-details.csv", claim.as_str()),
        ("es003.csv", es003.as_str()),
        ("es022.csv", es022.as_str()),
        ("rev603.csv", rev603),
    ] {
        std::fs::write(d.join(name), text).expect("write");
    }
    // Two ledgers alike, each knowing the claim and the entries' data.
    let cli_ledger = d.join("cli.sqlite3");
    let web_ledger = d.join("web.sqlite3");
    for l in [&cli_ledger, &web_ledger] {
        let run = run_with_ledger(
            d,
            l,
            &[
                "ledger",
                "import",
                "claim-details.csv",
                "es003.csv",
                "--as-of",
                "2026-05-01",
            ],
        );
        assert_eq!(run.code, Some(0), "{}", run.both());
    }

    // The terminal: the reports and what the user knows of the importers, on one run.
    let cli = run_with_ledger(
        d,
        &cli_ledger,
        &[
            "refunds",
            "es022.csv",
            "rev603.csv",
            "--as-of",
            AS_OF,
            "--corporate",
            IMPORTER,
            "--ach-enrolled",
            IMPORTER,
            "--active-on",
            &format!("{OTHER}=2026-10-01"),
            "--out",
            "out",
            "--format",
            "json",
        ],
    );
    assert_eq!(cli.code, Some(0), "{}", cli.both());
    let json = cli.json();
    let importers = json["importers"].as_array().expect("importers");
    assert_eq!(importers.len(), 2, "{}", cli.both());

    // The workbench: the reports uploaded, the same answers given on the importers' forms.
    let app = workbench(d, &web_ledger);
    let at = web_upload(
        &app,
        &[
            ("es022.csv", es022.as_bytes()),
            ("rev603.csv", rev603.as_bytes()),
        ],
    )
    .await;
    assert_eq!(at, "/refunds");
    web_importer_facts(&app, IMPORTER, "corporate=yes&ach=enrolled&active_on=").await;
    web_importer_facts(&app, OTHER, "corporate=&ach=&active_on=2026-10-01").await;
    assert_eq!(
        importer_records(&web_ledger),
        importer_records(&cli_ledger),
        "the ledgers differ"
    );

    // Per importer, in the same order, the same figures on the page as in the JSON.
    let page = String::from_utf8(web_get(&app, "/refunds").await).expect("utf8");
    let money = |v: &serde_json::Value| {
        capekit_core::path::format_cents(v.as_i64().unwrap_or_else(|| panic!("cents: {v}")))
    };
    let mut last = 0;
    for t in importers {
        let importer = t["importer"].as_str().expect("importer");
        let id = format!("id=\"importer-refunds-{importer}\"");
        let start = page
            .find(&id)
            .unwrap_or_else(|| panic!("{importer} not on the page: {page}"));
        assert!(start > last, "{importer} is out of order on the page");
        last = start;
        let row = &page[start..start + page[start..].find("</tr>").expect("row end")];
        let paid = t["paid_principal_cents"].as_i64().expect("paid")
            + t["paid_interest_cents"].as_i64().expect("paid");
        for (what, shown) in [
            ("owed", money(&t["owed_cents"])),
            ("duty", money(&t["duty_cents"])),
            ("interest", money(&t["interest_cents"])),
            ("paid", capekit_core::path::format_cents(paid)),
            ("outstanding", money(&t["outstanding_cents"])),
            (
                "entries accepted",
                format!(">{}<", t["entries_accepted"].as_u64().expect("count")),
            ),
        ] {
            assert!(
                row.contains(&shown),
                "{importer}: {what} {shown} not on the page: {row}"
            );
        }
        let holds = t["balance"]["holds"].as_bool().expect("holds");
        assert_eq!(row.contains("holds"), holds, "{importer}: {row}");
        // The page to send the importer, byte for byte.
        let name = format!("refunds-{importer}-{AS_OF}.html");
        let cli_page = std::fs::read_to_string(d.join("out").join(&name)).expect("cli page");
        let web_page = String::from_utf8(web_get(&app, &format!("/refunds/page/{importer}")).await)
            .expect("utf8");
        assert_eq!(web_page, cli_page, "{name} differs");
    }
    // The answers count alike: the corporation's lower rate, its ACH enrollment.
    let a = &importers[0];
    assert_eq!(a["importer"], IMPORTER);
    assert_eq!(a["corporate"], true, "{a:#}");
    assert_eq!(a["recorded"]["ach"][0], true, "{a:#}");
    assert_eq!(importers[1]["recorded"]["active_on"], "2026-10-01");

    // An accepted entry whose kept data cannot be used is said on both faces (the page used to
    // leave it out): here the last entry's record is another entry's.
    for l in [&cli_ledger, &web_ledger] {
        let db = rusqlite::Connection::open(l).expect("ledger");
        let changed = db
            .execute(
                "UPDATE entry_records SET record = (SELECT record FROM entry_records ORDER BY \
                 entry LIMIT 1) WHERE entry = (SELECT entry FROM entry_records ORDER BY entry \
                 DESC LIMIT 1)",
                [],
            )
            .expect("update");
        assert_eq!(changed, 1);
    }
    let cli = run_with_ledger(
        d,
        &cli_ledger,
        &[
            "refunds", "--as-of", AS_OF, "--out", "out", "--format", "json",
        ],
    );
    assert_eq!(cli.code, Some(0), "{}", cli.both());
    let json = cli.json();
    let said: Vec<&str> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "T007")
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert_eq!(said.len(), 1, "{}", cli.both());
    let page = String::from_utf8(web_get(&app, "/refunds").await).expect("utf8");
    for message in said {
        assert!(page.contains(message), "{message} not on the page: {page}");
    }
}
