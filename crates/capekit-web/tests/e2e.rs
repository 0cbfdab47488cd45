//! End to end in headless Chromium, driven from Rust through chromedriver (fantoccini): the
//! workbench on 127.0.0.1 with an ephemeral port and a ledger of its own, the demo Claim Details
//! uploaded through the file input, the entries filtered to rejected ones by the page's own
//! script, the refile CSV fetched and checked, the demo ES-003 report planned, the ledger on the
//! start page and an entry's history, and screenshots of each step saved under
//! `target/e2e-screenshots/`. Then a book of 60,000 entries: a Claim Details generated here,
//! uploaded with its progress shown, every row reached through the pages, an entry on a later
//! page found with the find box, the pages at 1024 px wide without horizontal scrolling, the
//! skip link from the keyboard, and a second server on the same upload folder that reopens the
//! result.
//!
//! Needs Debian's `chromium` and `chromium-driver`. Without /usr/bin/chromedriver the test is
//! skipped with a message, unless `CI` is set: CI must run it (`.ci/run` installs both).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use capekit_web::{AppState, serve_on};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder, Locator};
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::json;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const AS_OF: &str = "2026-11-24";
/// What the demo claim alone refiles under the rules of 2026-11-24 (the CLI's snapshot date):
/// the two retired HTS RELATIONSHIP/SEQUENCE MISMATCH rejections, the removed goods-value
/// check and UNABLE TO CALCULATE DUTY (refiled at once).
const EXPECTED_REFILE: &str =
    "Entry Number\r\nB7644104112\r\nB7644109590\r\nB7644115076\r\nB7644145214\r\n";

/// chromedriver, killed when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A demo file's canonical path (chromedriver refuses paths with `..`).
fn demo(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../capekit/demo")
        .join(name)
        .canonicalize()
        .expect("demo file")
        .display()
        .to_string()
}

fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"),
        PathBuf::from,
    );
    target.join("e2e-screenshots")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the browser's URL contains `part`.
async fn wait_for_url(client: &Client, part: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let url = client.current_url().await.expect("url").to_string();
        if url.contains(part) {
            return url;
        }
        assert!(
            Instant::now() < deadline,
            "the browser did not reach a URL with `{part}`; it is at {url}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Opens the start page, chooses `file` in its file input and submits the form.
async fn upload(client: &Client, base: &str, file: &str) {
    client.goto(base).await.expect("home");
    client
        .find(Locator::Css("input#files"))
        .await
        .expect("file input")
        .send_keys(file)
        .await
        .expect("choose file");
    client
        .find(Locator::Css("form.upload button[type=submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
}

async fn shoot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    std::fs::write(dir.join(name), png).expect("screenshot written");
}

/// GET from Rust (the page's CSP lets the page send requests to its own server only, and the
/// test reads the bytes here): status and body.
async fn fetch(url: &str) -> (u16, String) {
    let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .build::<_, Empty<Bytes>>(HttpConnector::new());
    let res = client.get(url.parse().expect("url")).await.expect("GET");
    let status = res.status().as_u16();
    let body = res.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8(body.to_vec()).expect("utf8"))
}

async fn visible_rows(client: &Client) -> usize {
    let mut n = 0;
    for row in client
        .find_all(Locator::Css("#entries tbody tr"))
        .await
        .expect("rows")
    {
        if row.is_displayed().await.expect("displayed") {
            n += 1;
        }
    }
    n
}

async fn journey(client: &Client, base: &str) {
    // 1. The start page; upload through the plain file input.
    client.goto(base).await.expect("home");
    shoot(client, "01-home.png").await;
    let input = client
        .find(Locator::Css("input#files"))
        .await
        .expect("file input");
    input
        .send_keys(&demo("claim-details.csv"))
        .await
        .expect("choose file");
    let chosen = client
        .find(Locator::Css("#chosen"))
        .await
        .expect("chosen list")
        .text()
        .await
        .expect("text");
    assert!(
        chosen.contains("claim-details.csv"),
        "the script lists the chosen file: {chosen:?}"
    );
    client
        .find(Locator::Css("form.upload button[type=submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    let triage_url = wait_for_url(client, "/triage/").await;
    let source = client.source().await.expect("source");
    assert!(source.contains("Accepted with Error(s)"));
    shoot(client, "02-triage.png").await;

    // 2. Filter to rejected entries from the keyboard: an arrow key moves to the next option
    // without applying it (a keyboard user reaches every option), Enter applies it (app.js).
    let outcome = client
        .find(Locator::Css("select[name=outcome]"))
        .await
        .expect("outcome filter");
    outcome.send_keys("\u{E015}").await.expect("arrow down");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        client.current_url().await.expect("url").as_str(),
        triage_url.as_str(),
        "an arrow key alone applies no filter"
    );
    assert_eq!(
        outcome.prop("value").await.expect("value").as_deref(),
        Some("rejected"),
        "the arrow moved to the next option"
    );
    outcome.send_keys("\u{E007}").await.expect("enter");
    wait_for_url(client, "outcome=rejected").await;
    let rows = client
        .find_all(Locator::Css("#entries tbody tr"))
        .await
        .expect("rows");
    assert_eq!(rows.len(), 14, "the demo claim has 14 rejected entries");
    for row in &rows {
        assert_eq!(
            row.attr("class").await.expect("class").as_deref(),
            Some("rejected")
        );
    }
    shoot(client, "03-rejected.png").await;

    // Find on this page hides the rows without the text.
    client
        .find(Locator::Css("#quickfind"))
        .await
        .expect("quick find")
        .send_keys("trade control")
        .await
        .expect("type");
    assert_eq!(visible_rows(client).await, 2);
    shoot(client, "04-quickfind.png").await;

    // 3. The refile download: header and the expected entries, CRLF.
    let href = client
        .find(Locator::Css("#download-refile"))
        .await
        .expect("refile button")
        .attr("href")
        .await
        .expect("href")
        .expect("has href");
    assert!(href.ends_with("/refile.csv"), "{href}");
    let (status, body) = fetch(&format!("{base}{}", href.trim_start_matches('/'))).await;
    assert_eq!(status, 200);
    assert_eq!(body, EXPECTED_REFILE);

    // 4. Corrected entries: paste, get the new declaration and the ones left out.
    let triage_base = triage_url.split(['?', '#']).next().unwrap_or(&triage_url);
    client
        .goto(&format!("{triage_base}/rebuild"))
        .await
        .expect("rebuild page");
    client
        .find(Locator::Css("textarea#entries"))
        .await
        .expect("textarea")
        .send_keys("B76-4411918-5\nB7644100003\n")
        .await
        .expect("paste");
    client
        .find(Locator::Css("form.rebuild button[type=submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    wait_for_url(client, "#result").await;
    let source = client.source().await.expect("source");
    assert!(source.contains("an accepted entry is never declared again"));
    shoot(client, "05-rebuild.png").await;

    // 5. A file over 20 MB: the script warns and disables the button; forced through, the
    // server answers with its page (not a reset connection).
    client.goto(base).await.expect("home");
    let big = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(big.path(), vec![b'a'; capekit_web::MAX_UPLOAD_BYTES + 1]).expect("big file");
    client
        .find(Locator::Css("input#files"))
        .await
        .expect("file input")
        .send_keys(&big.path().display().to_string())
        .await
        .expect("choose file");
    let warning = client
        .find(Locator::Css("#too-big"))
        .await
        .expect("warning");
    assert!(warning.is_displayed().await.expect("displayed"));
    let submit = client
        .find(Locator::Css("form.upload button[type=submit]"))
        .await
        .expect("submit");
    assert!(!submit.is_enabled().await.expect("enabled"));
    client
        .execute(
            "document.querySelector('form.upload button[type=submit]').disabled = false;",
            Vec::new(),
        )
        .await
        .expect("enable the button");
    submit.click().await.expect("click");
    // The script posts the files itself (to show their progress) and shows the page the server
    // answers, here its 413 page.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !client
        .source()
        .await
        .expect("source")
        .contains("The upload is too large")
    {
        assert!(Instant::now() < deadline, "no 413 page");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    shoot(client, "06-too-large.png").await;

    // 6. A declaration alone is checked, line by line, and against the ledger: the claim of step
    // 1 accepted 25 of its entries, so it may not be uploaded again as it is (F023).
    upload(client, base, &demo("declaration.csv")).await;
    wait_for_url(client, "/check/").await;
    let source = client.source().await.expect("source");
    assert!(source.contains("Not uploadable as it is"));
    assert!(source.contains("href=\"/rules/F023\""));
    shoot(client, "07-check.png").await;

    // 7. An ES-003 report makes a plan: paths, urgent entries, declarations to download.
    upload(client, base, &demo("es003.csv")).await;
    wait_for_url(client, "/plan/").await;
    let source = client.source().await.expect("source");
    assert!(source.contains("Plan of es003.csv"));
    assert!(
        source.contains("cannot wait"),
        "the urgent entries come first"
    );
    shoot(client, "08-plan.png").await;
    let href = client
        .find(Locator::Css("a.download-declaration"))
        .await
        .expect("a declaration download")
        .attr("href")
        .await
        .expect("href")
        .expect("has href");
    let (status, body) = fetch(&format!("{base}{}", href.trim_start_matches('/'))).await;
    assert_eq!(status, 200);
    let input = capekit_io::declaration::parse_declaration("declaration.csv", body.as_bytes());
    let report = capekit_core::check::check(&input, &Default::default());
    assert!(report.uploadable, "{:?}", report.diagnostics);
    client
        .execute(
            "document.getElementById('declarations').scrollIntoView();",
            Vec::new(),
        )
        .await
        .expect("scroll");
    shoot(client, "09-plan-declarations.png").await;
    client
        .find(Locator::Css("select[name=path]"))
        .await
        .expect("path filter")
        .select_by_value("cape")
        .await
        .expect("select cape");
    // Chosen with the mouse, the filter applies on the Show button.
    client
        .find(Locator::Css("form.filters button[type=submit]"))
        .await
        .expect("show button")
        .click()
        .await
        .expect("click show");
    wait_for_url(client, "path=cape").await;
    assert_eq!(
        visible_rows(client).await,
        20,
        "the demo plan has 20 cape entries"
    );
    shoot(client, "10-plan-cape.png").await;

    // 8. The ledger at a glance, and one entry's history.
    client.goto(base).await.expect("home");
    client
        .execute(
            "document.getElementById('ledger').scrollIntoView();",
            Vec::new(),
        )
        .await
        .expect("scroll");
    let source = client.source().await.expect("source");
    assert!(source.contains("Ledger at a glance"));
    assert!(
        source.contains("CAPE window closes"),
        "deadlines from the ES-003"
    );
    shoot(client, "11-home-ledger.png").await;
    client
        .goto(&format!("{base}entry/B76-4410959-0"))
        .await
        .expect("entry page");
    assert!(
        client
            .source()
            .await
            .expect("source")
            .contains("id=\"timeline\"")
    );
    shoot(client, "12-entry.png").await;
    client
        .goto(&format!("{base}entry/316-1880046-5"))
        .await
        .expect("entry page");
    assert!(
        client
            .source()
            .await
            .expect("source")
            .contains("id=\"entry-data\"")
    );
    shoot(client, "12-entry-data.png").await;

    // 9. The refile of step 3 marked uploaded (a download records nothing; the button posts),
    // then the same claim file again: recognised, and the refile's entries are pending now, so
    // the ledger keeps them off the new declaration.
    client.goto(&triage_url).await.expect("triage page");
    client
        .find(Locator::Css("[id='uploaded-refile.csv']"))
        .await
        .expect("the I uploaded button")
        .click()
        .await
        .expect("mark uploaded");
    wait_for_url(client, "/triage/").await;
    upload(client, base, &demo("claim-details.csv")).await;
    wait_for_url(client, "/triage/").await;
    let source = client.source().await.expect("source");
    assert!(source.contains("is already in the ledger"));
    assert!(source.contains("Kept off the new declaration"));
    shoot(client, "13-triage-again.png").await;
}

/// Entries in the generated book: twelve pages of the entries table.
const BOOK: u32 = 60_000;

/// A Claim Details as ACE writes it (`="..."` cells) of `BOOK` entries of one claim, every
/// fourth rejected with a message that refiles.
fn book_claim(path: &Path) {
    let mut out = String::from("ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\n");
    for i in 0..BOOK {
        let entry = capekit_core::EntryNumber::from_parts("B76", 2_000_000 + i).expect("entry");
        if i % 4 == 0 {
            out.push_str(&format!(
                "=\"{entry}\",=\"100000700000\",Failed,UNABLE TO CALCULATE DUTY\r\n"
            ));
        } else {
            out.push_str(&format!(
                "=\"{entry}\",=\"100000700000\",Entry Summary Updated,\r\n"
            ));
        }
    }
    std::fs::write(path, out).expect("claim written");
}

/// Runs a script returning a JSON value.
async fn js(client: &Client, script: &str) -> serde_json::Value {
    client.execute(script, Vec::new()).await.expect("script")
}

/// True when the page is no wider than the window: no horizontal scrolling.
async fn fits(client: &Client) -> (bool, serde_json::Value) {
    let sizes = js(
        client,
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];",
    )
    .await;
    let ok = sizes[0].as_u64() <= sizes[1].as_u64();
    (ok, sizes)
}

/// Presses one key on whatever has the focus.
async fn press(client: &Client, key: char) {
    client
        .perform_actions(
            KeyActions::new("keyboard".to_owned())
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key }),
        )
        .await
        .expect("key");
    client.release_actions().await.expect("release");
}

/// The counts of the paged table (the whole page source of 5,000 rows is slow to fetch).
async fn pager_text(client: &Client) -> String {
    js(
        client,
        "var p = document.getElementById('pager-top'); return p ? p.textContent : '';",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

async fn wait_for_pager(client: &Client, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let now = pager_text(client).await;
        if now.contains(text) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the table never showed `{text}`: {now}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Starts a workbench on `dir` (uploads and ledger); returns its base address and its task.
async fn start_server(dir: &Path) -> (String, tokio::task::JoinHandle<std::io::Result<()>>) {
    let mut state = AppState::new(dir.join("uploads"));
    state.as_of = Some(AS_OF.parse().expect("date"));
    state.ledger = Some(dir.join("ledger.sqlite3"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    (
        format!("http://{addr}/"),
        tokio::spawn(serve_on(listener, state)),
    )
}

const PASSWORD: &str = "correct horse battery staple";

/// Signs in on the sign-in page the browser is at.
async fn sign_in(client: &Client, name: &str) {
    wait_for_url(client, "/signin").await;
    for (field, value) in [("#signin-name", name), ("#signin-password", PASSWORD)] {
        client
            .find(Locator::Css(field))
            .await
            .expect("sign-in field")
            .send_keys(value)
            .await
            .expect("typed");
    }
    client
        .find(Locator::Css("form.signin button[type=submit]"))
        .await
        .expect("sign-in button")
        .click()
        .await
        .expect("click");
    // Signed in once a page of the workbench names the user (the sign-in page's own address
    // starts with the server's too).
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let url = client.current_url().await.expect("url").to_string();
        let page = client.source().await.expect("source");
        if !url.contains("/signin") && page.contains("Signed in as") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{name} was not signed in: at {url}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn sign_out(client: &Client) {
    client
        .find(Locator::Css("form[action='/signout'] button[type=submit]"))
        .await
        .expect("the sign-out button")
        .click()
        .await
        .expect("click");
    wait_for_url(client, "/signin").await;
}

/// A team server (`serve --team`) with two clerks on one ledger: nothing without signing in;
/// the first clerk triages the demo claim, and its refile is a draft reserving the entries;
/// signed out, the pages ask for a sign-in again; the second clerk triages the same claim and
/// the ledger keeps the first clerk's entries off the second refile.
async fn team_journey(client: &Client) {
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = dir.path().join("ledger.sqlite3");
    {
        let mut l = capekit_ledger::Ledger::open(&ledger).expect("ledger");
        for name in ["cal", "dan"] {
            capekit_app::users::add_user(&mut l, name, capekit_ledger::Role::Clerk, PASSWORD)
                .expect("user");
        }
    }
    let mut state = AppState::new(dir.path().join("uploads"));
    state.as_of = Some(AS_OF.parse().expect("date"));
    state.ledger = Some(ledger.clone());
    state.team = Some(capekit_web::Team::new(false));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}/", listener.local_addr().expect("addr"));
    let server = tokio::spawn(serve_on(listener, state));

    // No page without a session, and none of its downloads either.
    client.goto(&base).await.expect("home");
    sign_in(client, "cal").await;
    let home = client.source().await.expect("source");
    assert!(home.contains("Signed in as"), "signed in: {home}");
    shoot(client, "20-team-signed-in.png").await;
    upload(client, &base, &demo("claim-details.csv")).await;
    let first = wait_for_url(client, "/triage/").await;
    let refile = format!("{}/refile.csv", first.split('?').next().expect("url"));
    assert_eq!(fetch(&refile).await.0, 303, "no download without a session");
    let refiled: Vec<capekit_core::EntryNumber> = EXPECTED_REFILE
        .lines()
        .skip(1)
        .map(|e| e.parse().expect("entry number"))
        .collect();
    let states = capekit_ledger::Ledger::open(&ledger)
        .expect("ledger")
        .states(&refiled)
        .expect("states");
    assert!(
        refiled.iter().all(|e| matches!(
            states.get(e),
            Some(capekit_ledger::EntryState::Drafted { .. })
        )),
        "the first clerk's refile reserves its entries: {states:?}"
    );
    shoot(client, "21-team-first-triage.png").await;
    sign_out(client).await;
    client.goto(&first).await.expect("the triage again");
    wait_for_url(client, "/signin").await;

    // The second clerk: the same claim, whose refile entries are on the first clerk's draft.
    sign_in(client, "dan").await;
    upload(client, &base, &demo("claim-details.csv")).await;
    wait_for_url(client, "/triage/").await;
    let source = client.source().await.expect("source");
    assert!(source.contains("Signed in as <strong>dan</strong>"));
    assert!(source.contains("Kept off the new declaration"), "{source}");
    assert!(source.contains("on the draft"), "{source}");
    shoot(client, "22-team-second-clerk.png").await;
    sign_out(client).await;
    server.abort();
}

async fn large_book(client: &Client) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (base, server) = start_server(dir.path()).await;
    let claim = dir.path().join("claim-60000.csv");
    book_claim(&claim);

    // 1. The upload, through the script that shows its progress.
    client.set_window_size(1280, 1000).await.expect("window");
    client.goto(&base).await.expect("home");
    assert!(
        !client
            .find(Locator::Css("form.upload .progress"))
            .await
            .expect("the progress line")
            .is_displayed()
            .await
            .expect("displayed"),
        "hidden until an upload starts"
    );
    client
        .find(Locator::Css("input#files"))
        .await
        .expect("file input")
        .send_keys(&claim.display().to_string())
        .await
        .expect("choose file");
    client
        .find(Locator::Css("form.upload button[type=submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    let progress = js(
        client,
        "var p = document.querySelector('form.upload .progress'); return p ? [!p.hidden, p.textContent] : [false, ''];",
    )
    .await;
    let triage_url = {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let url = client.current_url().await.expect("url").to_string();
            if url.contains("/triage/") {
                break url;
            }
            assert!(Instant::now() < deadline, "no triage page; at {url}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    // Shown while the file was sent or read, unless the page had already moved on.
    if progress[0].as_bool() == Some(true) {
        let said = progress[1].as_str().unwrap_or("");
        assert!(said.contains("MB"), "{said}");
    }
    shoot(client, "20-book-triage.png").await;
    wait_for_pager(client, "Rows 1-5,000 of 60,000 (page 1 of 12)").await;

    // 2. An entry the first page does not show, found with the box at the top, in lower case.
    let wanted = capekit_core::EntryNumber::from_parts("B76", 2_000_000 + 59_999).expect("entry");
    let on_first_page = js(
        client,
        &format!(
            "return document.body.textContent.indexOf('{}') >= 0;",
            wanted.as_str()
        ),
    )
    .await;
    assert_eq!(on_first_page.as_bool(), Some(false), "not on page 1");
    let find = client
        .find(Locator::Css("#find-entry"))
        .await
        .expect("the find box");
    find.send_keys(&wanted.dashed().to_ascii_lowercase())
        .await
        .expect("type");
    find.send_keys("\u{E007}").await.expect("enter");
    wait_for_url(client, "/find?entry=").await;
    shoot(client, "21-book-find.png").await;
    client
        .find(Locator::Css("a.row"))
        .await
        .expect("a link to its row")
        .click()
        .await
        .expect("click");
    wait_for_url(client, "#r").await;
    let row = js(
        client,
        "var r = document.getElementById(location.hash.slice(1)); return r ? r.textContent : null;",
    )
    .await;
    assert!(
        row.as_str().is_some_and(|t| t.contains(wanted.as_str())),
        "the row linked to is the entry's: {row}"
    );

    // 3. The pages' links: first, next, last, each with its counts. (The entry found is
    // accepted, so it comes after the rejected entries, on the last page.)
    assert!(
        pager_text(client).await.contains("(page 12 of 12)"),
        "the row found is on the last page"
    );
    for (link, counts) in [
        ("a.first", "Rows 1-5,000 of 60,000 (page 1 of 12)"),
        ("a.next", "Rows 5,001-10,000 of 60,000 (page 2 of 12)"),
        ("a.last", "Rows 55,001-60,000 of 60,000 (page 12 of 12)"),
    ] {
        client
            .find(Locator::Css(&format!("#pager-top {link}")))
            .await
            .expect("a page link")
            .click()
            .await
            .expect("click");
        wait_for_pager(client, counts).await;
    }
    // Every row is on a page: the pages read as the browser got them, following Next.
    let mut seen = std::collections::BTreeSet::new();
    let mut next = Some(triage_url.clone());
    let mut pages = 0;
    while let Some(url) = next.take() {
        let (status, page) = fetch(&url).await;
        assert_eq!(status, 200, "{url}");
        pages += 1;
        for row in page.split("<tr id=\"r").skip(1) {
            let at = row.find("/entry/").expect("an entry link") + "/entry/".len();
            seen.insert(row[at..at + 11].to_owned());
        }
        if let Some(at) = page.find("<a class=\"next\"") {
            let href = &page[at..];
            let start = href.find("href=\"").expect("href") + 6;
            let end = start + href[start..].find('"').expect("end");
            next = Some(format!(
                "{base}{}",
                href[start..end]
                    .replace("&amp;", "&")
                    .trim_start_matches('/')
            ));
        }
    }
    assert_eq!(pages, 12);
    assert_eq!(
        seen.len(),
        BOOK as usize,
        "every entry, once, across the pages"
    );

    // 4. The skip link is the first thing the keyboard reaches, and it leads to the content.
    client.goto(&base).await.expect("home");
    press(client, '\u{E004}').await;
    let focused = js(client, "return document.activeElement.textContent;").await;
    assert_eq!(focused.as_str(), Some("Skip to main content"));
    press(client, '\u{E007}').await;
    let focused = js(client, "return document.activeElement.id;").await;
    assert_eq!(focused.as_str(), Some("main"));

    // 5. At 1024 px, no page scrolls sideways.
    upload(client, &base, &demo("es003.csv")).await;
    let plan_url = wait_for_url(client, "/plan/").await;
    client.set_window_size(1024, 900).await.expect("window");
    let entry_url = format!("{base}entry/{}", wanted.as_str());
    for (name, url) in [
        ("home", base.clone()),
        ("triage", triage_url.clone()),
        ("plan", plan_url.clone()),
        ("entry", entry_url),
        ("declarations", format!("{base}declarations")),
    ] {
        client.goto(&url).await.expect("page");
        let (ok, sizes) = fits(client).await;
        // The entries table, where a wide page would show first.
        js(
            client,
            "var t = document.getElementById('entries-heading'); if (t) t.scrollIntoView(); return null;",
        )
        .await;
        shoot(client, &format!("22-1024-{name}.png")).await;
        assert!(
            ok,
            "{name} is wider than 1024 px: [scrollWidth, clientWidth] = {sizes}"
        );
    }

    // 6. A second server on the same upload folder (capekit restarted): the same address
    // shows the same result, said to be reopened.
    server.abort();
    let _ = server.await;
    let (second, server) = start_server(dir.path()).await;
    let id = triage_url
        .split("/triage/")
        .nth(1)
        .and_then(|rest| rest.get(..32))
        .expect("an id");
    client.set_window_size(1280, 1000).await.expect("window");
    client
        .goto(&format!("{second}find?entry={}", wanted.as_str()))
        .await
        .expect("find");
    let source = client.source().await.expect("source");
    assert!(
        source.contains("saved before capekit was restarted"),
        "the find page says what it did not search"
    );
    client
        .goto(&format!("{second}triage/{id}"))
        .await
        .expect("triage again");
    wait_for_pager(client, "Rows 1-5,000 of 60,000 (page 1 of 12)").await;
    let reopened = js(
        client,
        "var r = document.getElementById('reopened'); return r ? r.textContent : '';",
    )
    .await;
    assert!(
        reopened
            .as_str()
            .unwrap_or("")
            .contains("Reopened from saved uploads"),
        "{reopened}"
    );
    shoot(client, "23-book-reopened.png").await;
    client
        .goto(&format!("{second}find?entry={}", wanted.dashed()))
        .await
        .expect("find");
    assert!(
        client
            .source()
            .await
            .expect("source")
            .contains(&format!("/triage/{id}?page=")),
        "found in the reopened triage"
    );
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_uploads_filters_and_downloads_the_refile() {
    if !Path::new(CHROMEDRIVER).exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but {CHROMEDRIVER} is missing: apt-get install -y chromium chromium-driver"
        );
        eprintln!(
            "skipping the browser test: {CHROMEDRIVER} is missing (apt-get install -y chromium chromium-driver)"
        );
        return;
    }

    let uploads = tempfile::tempdir().expect("tempdir");
    let mut state = AppState::new(uploads.path().join("uploads"));
    state.as_of = Some(AS_OF.parse().expect("date"));
    state.ledger = Some(uploads.path().join("ledger.sqlite3"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(serve_on(listener, state));

    let port = free_port();
    let _driver = Driver(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    wait_for_port(port).await;

    let profile = tempfile::tempdir().expect("profile dir");
    let mut options = json!({
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,1600",
            format!("--user-data-dir={}", profile.path().display()),
        ]
    });
    if Path::new(CHROMIUM).exists() {
        options["binary"] = json!(CHROMIUM);
    }
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert("goog:chromeOptions".into(), options);
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a chromedriver session");

    let base = format!("http://{addr}/");
    // Run the journey, then close the browser whatever happened, then report.
    let outcome = tokio::spawn({
        let client = client.clone();
        async move {
            let started = Instant::now();
            journey(&client, &base).await;
            eprintln!("e2e: the demo journey took {:?}", started.elapsed());
            let started = Instant::now();
            large_book(&client).await;
            eprintln!("e2e: the 60,000-entry book took {:?}", started.elapsed());
            let started = Instant::now();
            team_journey(&client).await;
            eprintln!("e2e: the team journey took {:?}", started.elapsed());
        }
    })
    .await;
    let _ = client.close().await;
    server.abort();
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
