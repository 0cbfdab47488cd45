//! Words a clerk understands, through the binary: entry numbers in the one form ACE shows (11
//! characters) in every workbook, report and line of text; times in local time with the zone;
//! the actions and paths explained where they are first printed; the catalog named by its date;
//! and a finding repeated on many lines told once with its count and lines.

mod common;

use std::path::{Path, PathBuf};

use common::{Run, TEST_TZ, run_with_ledger};

const DEMO_ES003: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/demo/es003.csv");

/// The first dashed entry number (`B76-4410000-3`) in a text, if any: the form a clerk's Ctrl+F
/// for `B7644100003` never finds.
fn dashed_entry(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(12)).find_map(|i| {
        let w = &b[i..i + 13];
        let ok = w[..3].iter().all(u8::is_ascii_alphanumeric)
            && w[3] == b'-'
            && w[4..11].iter().all(u8::is_ascii_digit)
            && w[11] == b'-'
            && w[12].is_ascii_digit()
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && b.get(i + 13).is_none_or(|c| !c.is_ascii_alphanumeric());
        ok.then(|| &text[i..i + 13])
    })
}

/// Every string cell of every sheet of a workbook.
fn cells(path: &Path) -> Vec<String> {
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    for name in calamine::Reader::sheet_names(&wb) {
        let range = calamine::Reader::worksheet_range(&mut wb, &name).expect("sheet");
        for row in range.rows() {
            for c in row {
                if let calamine::Data::String(s) = c {
                    out.push(s.clone());
                }
            }
        }
    }
    out
}

fn xlsx_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(xlsx_under(&p));
        } else if p.extension().is_some_and(|x| x == "xlsx") {
            out.push(p);
        }
    }
    out
}

/// The one output in `d/dir` whose name starts with `prefix` and ends with `ext`: output names
/// carry the claim or importer and the as-of date (the demo's is today).
fn output(d: &Path, dir: &str, prefix: &str, ext: &str) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(d.join(dir))
        .expect("read dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(ext))
        })
        .collect();
    assert_eq!(found.len(), 1, "{dir}/{prefix}*{ext}: {found:?}");
    found.into_iter().next().expect("one")
}

fn ok(r: Run) -> Run {
    assert!(matches!(r.code, Some(0 | 1)), "{}", r.both());
    r
}

#[test]
fn every_workbook_and_text_names_entries_by_their_11_characters() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let ledger = d.join("ledger.sqlite3");
    let mut texts: Vec<(String, String)> = Vec::new();
    // The triage (worklist.xlsx), through the demo and its own ledger.
    let demo = ok(run_with_ledger(d, &ledger, &["demo", "--out", "demo"]));
    texts.push(("demo".into(), demo.stdout));
    // The plan (worklist.xlsx, protest and court packets).
    std::fs::copy(DEMO_ES003, d.join("es003.csv")).expect("copy");
    let plan = ok(run_with_ledger(
        d,
        &ledger,
        &[
            "plan",
            "es003.csv",
            "--as-of",
            "2026-11-24",
            "--out",
            "plan",
        ],
    ));
    texts.push(("plan".into(), plan.stdout));
    // The ledger's export and its entry views, from the demo's ledger.
    let demo_ledger = d.join("demo/ledger.sqlite3");
    ok(run_with_ledger(
        d,
        &demo_ledger,
        &["ledger", "export", "--out", "export/ledger.xlsx"],
    ));
    for args in [
        &["ledger", "status"][..],
        &["ledger", "entry", "B7644100003"],
        &["ledger", "declarations"],
    ] {
        let r = ok(run_with_ledger(d, &demo_ledger, args));
        texts.push((args.join(" "), r.stdout));
    }
    for (what, text) in &texts {
        assert_eq!(dashed_entry(text), None, "{what}:\n{text}");
    }
    for f in [
        output(d, "demo", "report-1", ".html"),
        output(
            d,
            "plan",
            "plan-report-260314-38271-and-4-more-e61116-",
            ".html",
        ),
    ] {
        let html = std::fs::read_to_string(&f).expect("report");
        assert_eq!(dashed_entry(&html), None, "{}", f.display());
    }

    let books = xlsx_under(d);
    assert!(books.len() >= 5, "{books:?}");
    for book in &books {
        let cells = cells(book);
        for c in &cells {
            assert_eq!(dashed_entry(c), None, "{}: {c}", book.display());
        }
        // Ctrl+F finds an entry as ACE shows it: a cell that is exactly the 11 characters.
        assert!(
            cells
                .iter()
                .any(|c| c.len() == 11 && capekit_core::EntryNumber::parse(c).is_ok()),
            "{}: no 11-character entry number cell",
            book.display()
        );
    }
    let triage = cells(&output(d, "demo", "worklist-", ".xlsx"));
    assert!(triage.iter().any(|c| c == "B7644100003"), "accepted sheet");
}

#[test]
fn ledger_times_are_local_with_their_zone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let ledger = d.join("l.sqlite3");
    ok(run_with_ledger(d, &ledger, &["demo", "--out", "demo"]));
    let demo_ledger = d.join("demo/ledger.sqlite3");
    // Uploaded at 14:14 UTC on 2026-11-30: 09:14 in New York (EST).
    let refile = output(d, "demo", "refile-", ".csv");
    let r = ok(run_with_ledger(
        d,
        &demo_ledger,
        &[
            "ledger",
            "uploaded",
            refile.to_str().expect("utf-8 path"),
            "--at",
            "2026-11-30T14:14:00Z",
        ],
    ));
    assert!(!r.both().contains("UTC"), "{}", r.both());
    let entry = capekit_core::EntryNumber::parse(
        std::fs::read_to_string(&refile)
            .expect("refile")
            .lines()
            .nth(1)
            .expect("an entry"),
    )
    .expect("entry");
    let r = ok(run_with_ledger(
        d,
        &demo_ledger,
        &["ledger", "entry", entry.as_str()],
    ));
    assert_eq!(TEST_TZ, "America/New_York");
    assert!(r.stdout.contains("2026-11-30 09:14 EST"), "{}", r.stdout);
    assert!(!r.stdout.contains("UTC"), "{}", r.stdout);
    // The same ledger read on a Pacific clock says 06:14 PST: the zone comes from TZ.
    let out = common::capekit(d, &demo_ledger)
        .env("TZ", "America/Los_Angeles")
        .args(["ledger", "entry", entry.as_str()])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("2026-11-30 06:14 PST"), "{text}");
}

#[test]
fn actions_and_paths_are_explained_where_first_printed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let ledger = d.join("l.sqlite3");
    let demo = ok(run_with_ledger(d, &ledger, &["demo", "--out", "demo"]));
    for (name, meaning) in [
        (
            "other-path",
            "CAPE cannot take it now: protest, court or a later CAPE phase.",
        ),
        ("refile", "Put it on a new declaration now, as it is."),
    ] {
        let line = demo
            .stdout
            .lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("no {name} line:\n{}", demo.stdout));
        assert!(line.contains(meaning), "{line}");
        assert_eq!(
            capekit_core::words::meaning(name),
            Some(meaning),
            "the one table"
        );
    }
    std::fs::copy(DEMO_ES003, d.join("es003.csv")).expect("copy");
    let plan = ok(run_with_ledger(
        d,
        &ledger,
        &[
            "plan",
            "es003.csv",
            "--as-of",
            "2026-11-24",
            "--out",
            "plan",
        ],
    ));
    let line = plan
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("later-phase"))
        .expect("later-phase line");
    assert!(line.contains("wait for a later phase"), "{line}");
    // Each report carries the legend.
    for (f, meaning) in [
        (
            output(d, "demo", "report-1", ".html"),
            "Put it on a new declaration now, as it is.",
        ),
        (
            output(
                d,
                "plan",
                "plan-report-260314-38271-and-4-more-e61116-",
                ".html",
            ),
            "Declare it in CAPE now.",
        ),
    ] {
        let html = std::fs::read_to_string(&f).expect("report");
        assert!(html.contains("What the words mean"), "{}", f.display());
        assert!(html.contains(meaning), "{}", f.display());
    }
}

#[test]
fn the_catalog_is_named_by_its_date_and_no_internal_id_is_printed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let ledger = d.join("l.sqlite3");
    let demo = ok(run_with_ledger(d, &ledger, &["demo", "--out", "demo"]));
    assert!(
        demo.stdout
            .contains("CBP messages known as of 2026-12-01 (latest bulletin read: CSMS 69635410 of 2026-08-21)"),
        "{}",
        demo.stdout
    );
    assert!(!demo.stdout.contains("catalog 2026"), "{}", demo.stdout);
    let status = ok(run_with_ledger(
        d,
        &d.join("demo/ledger.sqlite3"),
        &["ledger", "status"],
    ));
    assert!(!status.stdout.contains("schema"), "{}", status.stdout);
    let report = std::fs::read_to_string(output(d, "demo", "report-1", ".html")).expect("report");
    assert!(report.contains("CBP messages known as of 2026-12-01"));
}

#[test]
fn a_finding_on_many_lines_is_one_line_with_its_count_and_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    // 31 entries on lines 2-32, of which those of lines 3, 21 and 29 have a valid check digit.
    let mut csv = String::from("Entry Number\r\n");
    for i in 10..=40u32 {
        csv.push_str(&format!("B76441000{i:02}\r\n"));
    }
    std::fs::write(d.join("typed.csv"), &csv).expect("write");
    let r = run_with_ledger(d, &d.join("l.sqlite3"), &["check", "typed.csv"]);
    assert_eq!(r.code, Some(1), "{}", r.both());
    let head = r
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("on 28 lines"))
        .unwrap_or_else(|| panic!("no grouped line:\n{}", r.stdout));
    assert!(
        head.contains("on 28 lines: 2, 4-20, 22-28, 30-32"),
        "{head}"
    );
    // The first few in full, the rest by their lines: never "see --format json" alone.
    let full = r.stdout.matches("`: check digit is").count();
    assert_eq!(full, capekit_core::words::FINDINGS_SHOWN, "{}", r.stdout);
    assert!(
        !r.stdout.contains("listed by --format json"),
        "{}",
        r.stdout
    );
    // Every one of them is still in the JSON.
    let j = run_with_ledger(
        d,
        &d.join("l.sqlite3"),
        &["check", "typed.csv", "--format", "json"],
    );
    let n = j.json()["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|x| x["code"] == "F014")
        .count();
    assert_eq!(n, 28);
}

#[test]
fn unreadable_claim_rows_are_one_group_in_the_triage_and_all_on_the_worklist() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let mut claim = String::from("ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\n");
    for _ in 0..20 {
        claim.push_str("6.05761E+10,100000241223,REJECTED,INVALID HTS\r\n");
    }
    claim.push_str("B7644130141,100000241223,REJECTED,INVALID HTS\r\n");
    std::fs::write(d.join("claim.csv"), claim).expect("write");
    let r = ok(run_with_ledger(
        d,
        &d.join("l.sqlite3"),
        &[
            "triage",
            "claim.csv",
            "--as-of",
            "2026-11-24",
            "--out",
            "out",
        ],
    ));
    assert!(
        r.stdout.contains("claim.csv: C001 on 20 lines: 2-21"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("... and 17 more like these (all in the worklist)"),
        "{}",
        r.stdout
    );
    assert_eq!(r.stdout.matches("6.05761E+10").count(), 3, "{}", r.stdout);
    // Every unreadable row is a worklist row.
    let worklist =
        std::fs::read_to_string(output(d, "out", "worklist-", ".csv")).expect("worklist");
    let rows = worklist
        .lines()
        .filter(|l| l.starts_with("6.05761E+10,,unreadable,"))
        .count();
    assert_eq!(rows, 20, "{worklist}");
}

#[test]
fn the_ledger_names_each_state_one_way_and_explains_an_action_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    ok(run_with_ledger(
        d,
        &d.join("l.sqlite3"),
        &["demo", "--out", "demo"],
    ));
    let ledger = d.join("demo/ledger.sqlite3");
    let status = ok(run_with_ledger(d, &ledger, &["ledger", "status"])).stdout;
    assert!(
        status.contains("pending with CBP 1, on a draft 6, rejected 8, not declared 0"),
        "{status}"
    );
    assert!(status.contains("1 declaration capekit wrote"), "{status}");
    assert!(
        !status.contains(" refile,") && !status.contains(" refile\n"),
        "a draft is never a refile: {status}"
    );
    assert!(!status.contains(", unknown "), "{status}");
    let other = capekit_core::words::meaning("other-path").expect("meaning");
    assert!(status.contains(other), "{status}");
    // An entry rejected with other-path: the meaning on the state line, the bare name after.
    let entry = ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "entry", "B7644130141"],
    ))
    .stdout;
    assert!(
        entry
            .contains("other-path (CAPE cannot take it now: protest, court or a later CAPE phase)"),
        "{entry}"
    );
    assert_eq!(
        entry.matches("CAPE cannot take it now").count(),
        1,
        "{entry}"
    );
    assert_eq!(entry.matches("other-path").count(), 2, "{entry}");
    // A draft capekit wrote is called a draft in the timeline.
    let refile = std::fs::read_to_string(output(d, "demo", "refile-", ".csv")).expect("refile");
    let on_draft = refile.lines().nth(1).expect("entry").trim().to_owned();
    let entry = ok(run_with_ledger(d, &ledger, &["ledger", "entry", &on_draft])).stdout;
    assert!(entry.contains("on a draft capekit wrote"), "{entry}");
    assert!(!entry.contains("refiled"), "{entry}");
}
