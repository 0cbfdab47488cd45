//! The names of what `triage` and `plan` write, the reports per importer, and that no file they
//! write tells where anything lies on this computer: inputs, outputs and the ledger all live
//! under a temporary folder given by absolute paths, and no byte of any output (every workbook
//! unpacked) holds that folder or the user's home.

mod common;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use common::{Run, run_with_ledger};

const AS_OF: &str = "2026-11-24";
const CLAIM: &str = "100000241223";
const IMPORTER_A: &str = "12-3456789AB";
const IMPORTER_B: &str = "98-7654321BB";
/// Importer A: one accepted, one to refile. Importer B: one accepted, one on another path.
const A_ACCEPTED: &str = "B7644100003";
const A_REFILE: &str = "B7644104112";
const B_ACCEPTED: &str = "B7644101373";
const B_PROTEST: &str = "B7644134259";

/// A Claim Details with an importer column, and its declaration, under `dir/inputs`.
fn inputs(dir: &Path) -> (PathBuf, PathBuf) {
    let inputs = dir.join("inputs");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    let claim = inputs.join("claim-details.csv");
    std::fs::write(
        &claim,
        format!(
            "ENTRY_NUMBER,CLAIM_NUMBER,IMPORTER_NUMBER,STATUS,ERROR_DESCRIPTION\r\n\
             ={A_ACCEPTED:?},={CLAIM:?},{IMPORTER_A},Entry Summary Updated,\r\n\
             ={A_REFILE:?},={CLAIM:?},{IMPORTER_A},Failed,HTS RELATIONSHIP/SEQUENCE MISMATCH\r\n\
             ={B_ACCEPTED:?},={CLAIM:?},{IMPORTER_B},Entry Summary Updated,\r\n\
             ={B_PROTEST:?},={CLAIM:?},{IMPORTER_B},Failed,PROTEST ON ENTRY\r\n"
        ),
    )
    .expect("claim");
    let declaration = inputs.join("declaration.csv");
    std::fs::write(
        &declaration,
        format!("Entry Number\r\n{A_ACCEPTED}\r\n{A_REFILE}\r\n{B_ACCEPTED}\r\n{B_PROTEST}\r\n"),
    )
    .expect("declaration");
    (claim, declaration)
}

fn ok(r: Run) -> Run {
    assert_eq!(r.code, Some(0), "{}", r.both());
    r
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// The names of the files in `dir` (not the manifest).
fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("out")
        .flatten()
        .map(|f| f.file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".capekit-manifest.json")
        .collect()
}

/// The text of a file as it is stored, a workbook's parts unpacked.
fn contents(path: &Path) -> Vec<(String, String)> {
    let bytes = std::fs::read(path).expect("read output");
    if path.extension().is_some_and(|e| e == "xlsx") {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("workbook");
        (0..zip.len())
            .map(|i| {
                let mut part = zip.by_index(i).expect("part");
                let mut text = String::new();
                part.read_to_string(&mut text).expect("xml part");
                (
                    format!("{}:{}", path.display(), part.name().unwrap_or_default()),
                    text,
                )
            })
            .collect()
    } else {
        vec![(
            path.display().to_string(),
            String::from_utf8_lossy(&bytes).into_owned(),
        )]
    }
}

/// No file under `out` holds `dir` (in any spelling the system may give it) or the home folder.
fn assert_no_local_path(out: &Path, dir: &Path) {
    let mut forbidden = vec![s(dir)];
    if let Ok(real) = dir.canonicalize() {
        forbidden.push(s(&real));
    }
    // The temporary folder's own name, which a path cut at another separator would still show.
    forbidden.extend(dir.file_name().map(|n| n.to_string_lossy().into_owned()));
    if let Some(home) = std::env::var_os("HOME").filter(|h| h.len() > 1) {
        forbidden.push(PathBuf::from(home).display().to_string());
    }
    let mut checked = 0;
    for f in std::fs::read_dir(out).expect("out").flatten() {
        let path = f.path();
        if path
            .file_name()
            .is_some_and(|n| n == ".capekit-manifest.json")
        {
            continue;
        }
        for (what, text) in contents(&path) {
            checked += 1;
            for bad in &forbidden {
                assert!(!text.contains(bad.as_str()), "{what} holds {bad}");
            }
        }
    }
    assert!(checked > 5, "{checked} parts checked");
}

#[test]
fn triage_names_its_files_by_claim_and_date_and_writes_a_report_per_importer_with_no_local_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (claim, declaration) = inputs(d);
    let out = d.join("work");
    let ledger = d.join("ledger/ledger.sqlite3");
    let r = ok(run_with_ledger(
        d,
        &ledger,
        &[
            "triage",
            &s(&claim),
            "--declaration",
            &s(&declaration),
            "--as-of",
            AS_OF,
            "--out",
            &s(&out),
        ],
    ));
    let expected: BTreeSet<String> = [
        format!("refile-{CLAIM}-{AS_OF}.csv"),
        format!("worklist-{CLAIM}-{AS_OF}.csv"),
        format!("worklist-{CLAIM}-{AS_OF}.xlsx"),
        format!("report-{CLAIM}-{AS_OF}.html"),
        format!("report-{IMPORTER_A}-{CLAIM}-{AS_OF}.html"),
        format!("report-{IMPORTER_B}-{CLAIM}-{AS_OF}.html"),
    ]
    .into_iter()
    .collect();
    assert_eq!(names(&out), expected);
    for name in &expected {
        assert!(r.stdout.contains(name.as_str()), "{name}: {}", r.stdout);
    }
    assert_no_local_path(&out, d);

    let page = |importer: &str| {
        std::fs::read_to_string(out.join(format!("report-{importer}-{CLAIM}-{AS_OF}.html")))
            .expect("importer report")
    };
    let a = page(IMPORTER_A);
    assert!(
        a.contains(&format!(
            "<title>CAPE triage of claim {CLAIM}: importer {IMPORTER_A}, as of {AS_OF}</title>"
        )),
        "{a}"
    );
    for e in [A_ACCEPTED, A_REFILE] {
        assert!(a.contains(e), "{e} on A's report");
    }
    for e in [B_ACCEPTED, B_PROTEST] {
        assert!(!a.contains(e), "{e} of importer B on A's report");
    }
    assert!(!a.contains(IMPORTER_B));
    // A's entry to refile is listed on the new declaration, by its file's name.
    assert!(a.contains(&format!("refile-{CLAIM}-{AS_OF}.csv")), "{a}");
    let b = page(IMPORTER_B);
    for e in [B_ACCEPTED, B_PROTEST] {
        assert!(b.contains(e), "{e} on B's report");
    }
    for e in [A_ACCEPTED, A_REFILE] {
        assert!(!b.contains(e), "{e} of importer A on B's report");
    }
    // B's protest is to act on, with what to do.
    let heading = "<h2>To act on</h2>";
    let act = &b[b.find(heading).expect("to act on") + heading.len()..];
    let act = &act[..act.find("<h2>").unwrap_or(act.len())];
    assert!(act.contains(B_PROTEST) && act.contains("protest"), "{act}");
    // The broker's report links both.
    let broker =
        std::fs::read_to_string(out.join(format!("report-{CLAIM}-{AS_OF}.html"))).expect("report");
    assert!(broker.contains(&format!(
        "href=\"report-{IMPORTER_A}-{CLAIM}-{AS_OF}.html\""
    )));
    assert!(broker.contains(&format!(
        "href=\"report-{IMPORTER_B}-{CLAIM}-{AS_OF}.html\""
    )));
}

#[test]
fn without_an_importer_the_report_is_per_claim_and_says_the_importer_is_not_known() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(
        d.join("claim.csv"),
        format!(
            "Entry Number,Claim Number,Status,Error Description\r\n{A_ACCEPTED},{CLAIM},Entry Summary Updated,\r\n{A_REFILE},100000241999,Failed,HTS RELATIONSHIP/SEQUENCE MISMATCH\r\n"
        ),
    )
    .expect("claim");
    let out = d.join("out");
    ok(run_with_ledger(
        d,
        &d.join("ledger.sqlite3"),
        &["triage", "claim.csv", "--as-of", AS_OF, "--out", "out"],
    ));
    let names = names(&out);
    let of = format!("{CLAIM}-100000241999");
    for n in [
        format!("refile-{of}-{AS_OF}.csv"),
        format!("report-{of}-{AS_OF}.html"),
        format!("report-unknown-importer-{CLAIM}-{AS_OF}.html"),
        format!("report-unknown-importer-100000241999-{AS_OF}.html"),
    ] {
        assert!(names.contains(&n), "{n} not in {names:?}");
    }
    let first =
        std::fs::read_to_string(out.join(format!("report-unknown-importer-{CLAIM}-{AS_OF}.html")))
            .expect("report");
    assert!(
        first.contains("The importer of these entries is not known"),
        "{first}"
    );
    assert!(
        first.contains(A_ACCEPTED) && !first.contains(A_REFILE),
        "{first}"
    );
}

#[test]
fn plan_names_its_files_by_importer_and_date_and_each_importer_report_holds_only_its_entries() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::create_dir_all(d.join("inputs")).expect("mkdir");
    let es003 = d.join("inputs/es003.csv");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/es003.csv"),
        &es003,
    )
    .expect("copy");
    let out = d.join("plan");
    let ledger = d.join("ledger/ledger.sqlite3");
    let r = ok(run_with_ledger(
        d,
        &ledger,
        &[
            "plan",
            &s(&es003),
            "--as-of",
            AS_OF,
            "--out",
            &s(&out),
            "--format",
            "json",
        ],
    ));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let names = names(&out);
    for n in [
        format!("plan-worklist-260314-38271-and-4-more-e61116-{AS_OF}.csv"),
        format!("plan-worklist-260314-38271-and-4-more-e61116-{AS_OF}.xlsx"),
        format!("plan-report-260314-38271-and-4-more-e61116-{AS_OF}.html"),
        format!("declaration-27-184593000-{AS_OF}.csv"),
        format!("protest-27-184593000-{AS_OF}.xlsx"),
        format!("court-27-184593000-{AS_OF}.xlsx"),
        format!("plan-report-for-27-184593000-{AS_OF}.html"),
    ] {
        assert!(names.contains(&n), "{n} not in {names:?}");
    }
    assert_no_local_path(&out, d);
    // The broker's report names the file it read by its name alone.
    let report = std::fs::read_to_string(out.join(format!(
        "plan-report-260314-38271-and-4-more-e61116-{AS_OF}.html"
    )))
    .expect("report");
    assert!(report.contains("es003.csv"), "{report}");

    let mut by_importer: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for e in v["entries"].as_array().expect("entries") {
        let importer = e["importer_number"].as_str().unwrap_or("").to_owned();
        by_importer
            .entry(importer)
            .or_default()
            .push(e["entry_number"].as_str().expect("entry").to_owned());
    }
    assert!(by_importer.len() >= 3, "{by_importer:?}");
    let pages: Vec<&str> = v["importer_report_files"]
        .as_array()
        .expect("importer reports")
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    assert_eq!(pages.len(), by_importer.len(), "{pages:?}");
    for (importer, mine) in &by_importer {
        if importer.is_empty() {
            continue;
        }
        let html =
            std::fs::read_to_string(out.join(format!("plan-report-for-{importer}-{AS_OF}.html")))
                .expect("importer report");
        assert!(
            html.contains(&format!(
                "<title>CAPE plan: importer {importer}, as of {AS_OF}</title>"
            )),
            "{html}"
        );
        for e in mine {
            assert!(
                html.contains(e.as_str()),
                "{e} missing from {importer}'s report"
            );
        }
        for (other, theirs) in &by_importer {
            if other == importer {
                continue;
            }
            for e in theirs {
                assert!(
                    !html.contains(e.as_str()),
                    "{e} of {other:?} on {importer}'s report"
                );
            }
        }
    }
}

#[test]
fn an_earlier_runs_files_under_the_old_names_are_removed_by_the_next_run() {
    // Regression: the names changed (refile.csv became refile-CLAIM-DATE.csv); a folder written
    // by an earlier capekit still holds refile.csv, worklist.csv... which the manifest lists.
    // The next run removes them as its own earlier files, so no stale refile.csv is left to be
    // uploaded beside the new one.
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (claim, declaration) = inputs(d);
    let out = d.join("work");
    std::fs::create_dir_all(&out).expect("mkdir");
    let mut listed = Vec::new();
    for (name, bytes) in [
        ("refile.csv", "Entry Number\r\nB7644104112\r\n"),
        ("worklist.csv", "entry_number\n"),
        ("report.html", "<p>old</p>"),
    ] {
        std::fs::write(out.join(name), bytes).expect("old file");
        let sha = capekit_ledger::sha256_hex(bytes.as_bytes());
        listed.push(serde_json::json!({ "name": name, "sha256": sha }));
    }
    std::fs::write(
        out.join(".capekit-manifest.json"),
        serde_json::to_vec(&serde_json::json!({ "written_by": "capekit triage", "files": listed }))
            .expect("json"),
    )
    .expect("manifest");
    let r = ok(run_with_ledger(
        d,
        &d.join("ledger.sqlite3"),
        &[
            "triage",
            &s(&claim),
            "--declaration",
            &s(&declaration),
            "--as-of",
            AS_OF,
            "--out",
            &s(&out),
        ],
    ));
    let left = names(&out);
    for old in ["refile.csv", "worklist.csv", "report.html"] {
        assert!(!left.contains(old), "{old} left: {left:?}\n{}", r.both());
    }
    assert!(
        left.contains(&format!("refile-{CLAIM}-{AS_OF}.csv")),
        "{left:?}"
    );
    assert!(
        r.stderr.contains("refile.csv"),
        "the removal is said: {}",
        r.both()
    );
}

#[test]
fn each_importer_report_is_named_after_that_importers_own_claims() {
    // Regression: every importer's report was named after the first claim of the whole triage
    // (`report-B-CLAIM1-and-2-more-...`) though importer B's entries are on other claims.
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (c1, c2, c3) = ("100000241223", "100000241300", "100000241400");
    std::fs::write(
        d.join("claim-1.csv"),
        format!(
            "ENTRY_NUMBER,CLAIM_NUMBER,IMPORTER_NUMBER,STATUS,ERROR_DESCRIPTION\r\n\
             ={A_ACCEPTED:?},={c1:?},{IMPORTER_A},Entry Summary Updated,\r\n"
        ),
    )
    .expect("claim 1");
    std::fs::write(
        d.join("claim-2.csv"),
        format!(
            "ENTRY_NUMBER,CLAIM_NUMBER,IMPORTER_NUMBER,STATUS,ERROR_DESCRIPTION\r\n\
             ={B_ACCEPTED:?},={c2:?},{IMPORTER_B},Entry Summary Updated,\r\n"
        ),
    )
    .expect("claim 2");
    std::fs::write(
        d.join("claim-3.csv"),
        format!(
            "ENTRY_NUMBER,CLAIM_NUMBER,IMPORTER_NUMBER,STATUS,ERROR_DESCRIPTION\r\n\
             ={B_PROTEST:?},={c3:?},{IMPORTER_B},Failed,PROTEST ON ENTRY\r\n\
             ={A_REFILE:?},={c3:?},{IMPORTER_A},Failed,HTS RELATIONSHIP/SEQUENCE MISMATCH\r\n"
        ),
    )
    .expect("claim 3");
    std::fs::write(
        d.join("declaration.csv"),
        format!("Entry Number\r\n{A_ACCEPTED}\r\n{A_REFILE}\r\n{B_ACCEPTED}\r\n{B_PROTEST}\r\n"),
    )
    .expect("declaration");
    let r = ok(run_with_ledger(
        d,
        &d.join("ledger.sqlite3"),
        &[
            "triage",
            "claim-1.csv",
            "claim-2.csv",
            "claim-3.csv",
            "--declaration",
            "declaration.csv",
            "--as-of",
            AS_OF,
            "--out",
            "out",
        ],
    ));
    let names = names(&d.join("out"));
    for n in [
        format!("report-{c1}-{c2}-{c3}-{AS_OF}.html"),
        format!("report-{IMPORTER_A}-{c1}-{c3}-{AS_OF}.html"),
        format!("report-{IMPORTER_B}-{c2}-{c3}-{AS_OF}.html"),
    ] {
        assert!(names.contains(&n), "{n} not in {names:?}\n{}", r.both());
    }
    let a = std::fs::read_to_string(
        d.join("out")
            .join(format!("report-{IMPORTER_A}-{c1}-{c3}-{AS_OF}.html")),
    )
    .expect("A's report");
    // A's entry to refile is on a draft: the report says it is to be uploaded, not declared.
    assert!(!a.contains("Declared again"), "{a}");
    assert!(
        a.contains(&format!(
            "On the new declaration file refile-{c1}-{c2}-{c3}-{AS_OF}.csv (to be uploaded"
        )),
        "{a}"
    );
}

/// Words in a report meant for an importer that are the broker's: a terminal command, the
/// workbench's folder, the ledger's note, a rule code (`P009`).
fn assert_importer_page_is_plain(name: &str, html: &str) {
    for bad in ["capekit ", "workbench-", "(capekit ledger)"] {
        assert!(!html.contains(bad), "{name} holds {bad:?}:\n{html}");
    }
    let code = html.split(|c: char| !c.is_ascii_alphanumeric()).find(|w| {
        let b = w.as_bytes();
        b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
    });
    assert!(code.is_none(), "{name} names rule {code:?}:\n{html}");
}

#[test]
fn importer_reports_of_a_triage_and_a_plan_hold_no_command_ledger_note_or_rule_code() {
    // Regression: the plan's importer report showed `capekit ledger uploaded
    // workbench-.../refile-...csv`, `capekit explain`, `capekit refile --corrected LIST`,
    // "(capekit ledger)" after reasons and "See P009": a page sent to an importer gives advice
    // in plain words. The ledger here knows entries accepted, pending, drafted and rejected.
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/es003.csv"),
        d.join("es003.csv"),
    )
    .expect("copy");
    let ledger = d.join("ledger.sqlite3");
    std::fs::write(d.join("uploaded.csv"), common::upload_csv(&["B7644100391"]))
        .expect("declaration");
    ok(run_with_ledger(
        d,
        &ledger,
        &["ledger", "uploaded", "uploaded.csv"],
    ));
    let importer = "27-184593000";
    let claim = "100000300001";
    let mut rows =
        String::from("ENTRY_NUMBER,CLAIM_NUMBER,IMPORTER_NUMBER,STATUS,ERROR_DESCRIPTION\r\n");
    for (entry, status, message) in [
        ("B7644100219", "Entry Summary Updated", ""),
        ("B7644100888", "Failed", "INVALID HTS"),
        (
            "B7644101043",
            "Failed",
            "HTS RELATIONSHIP/SEQUENCE MISMATCH",
        ),
        ("B7644101126", "Failed", "ENTRY TYPE NOT ALLOWED"),
        ("B7644101209", "Failed", "PROTEST ON ENTRY"),
    ] {
        rows.push_str(&format!(
            "={entry:?},={claim:?},{importer},{status},{message}\r\n"
        ));
    }
    std::fs::write(d.join("claim.csv"), rows).expect("claim");
    let triage = ok(run_with_ledger(
        d,
        &ledger,
        &["triage", "claim.csv", "--as-of", AS_OF, "--out", "triaged"],
    ));
    let page = format!("report-{importer}-{claim}-{AS_OF}.html");
    let html = std::fs::read_to_string(d.join("triaged").join(&page))
        .unwrap_or_else(|e| panic!("{page}: {e}\n{}", triage.both()));
    assert_importer_page_is_plain(&page, &html);

    let r = ok(run_with_ledger(
        d,
        &ledger,
        &[
            "plan",
            "es003.csv",
            "--as-of",
            AS_OF,
            "--out",
            "plan",
            "--format",
            "json",
        ],
    ));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let states: BTreeSet<&str> = v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["ledger"]["state"].as_str())
        .collect();
    for state in ["accepted", "pending", "drafted", "rejected"] {
        assert!(states.contains(state), "no {state} entry: {states:?}");
    }
    let pages: Vec<&str> = v["importer_report_files"]
        .as_array()
        .expect("importer reports")
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    assert!(pages.len() >= 3, "{pages:?}");
    let mut told = 0;
    for p in pages {
        let html = std::fs::read_to_string(d.join(p)).expect("importer report");
        assert_importer_page_is_plain(p, &html);
        told += usize::from(html.contains("B7644100391"));
    }
    // The pending entry is still on its importer's page, in words.
    assert_eq!(told, 1);
}

#[test]
fn an_entry_held_by_an_earlier_draft_says_so_on_its_row_and_in_its_importers_report() {
    // Regression: the second triage of a claim left A's entry off its refile (the first
    // triage's draft holds it) but its worklist row and A's report still said "refile as is",
    // beside "none of these entries is to be declared again now".
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (claim, declaration) = inputs(d);
    let ledger = d.join("ledger.sqlite3");
    let triage = |out: &str| {
        ok(run_with_ledger(
            d,
            &ledger,
            &[
                "triage",
                &s(&claim),
                "--declaration",
                &s(&declaration),
                "--as-of",
                AS_OF,
                "--out",
                out,
            ],
        ))
    };
    triage("first");
    assert!(
        std::fs::read_to_string(d.join(format!("first/refile-{CLAIM}-{AS_OF}.csv")))
            .expect("first refile")
            .contains(A_REFILE)
    );
    triage("second");
    let worklist = std::fs::read_to_string(d.join(format!("second/worklist-{CLAIM}-{AS_OF}.csv")))
        .expect("worklist");
    let row = worklist
        .lines()
        .find(|l| l.contains(A_REFILE))
        .expect("A's row");
    assert!(
        row.contains("Not on the new declaration: on the draft"),
        "{row}"
    );
    assert!(!row.contains(",Refile as is"), "{row}");
    let report =
        std::fs::read_to_string(d.join(format!("second/report-{IMPORTER_A}-{CLAIM}-{AS_OF}.html")))
            .expect("A's report");
    let act = &report[report.find("To act on").expect("to act on")..];
    let act = &act[..act.find("</table>").expect("table")];
    assert!(act.contains(A_REFILE), "{act}");
    assert!(act.contains("Not on the new declaration"), "{act}");
    assert_importer_page_is_plain("A's report", &report);
}

#[test]
fn a_triage_never_replaces_another_claims_draft_in_its_folder() {
    // Regression: names of other claims invite one folder for all, and the run owning it
    // superseded the first claim's draft: its entries released, its file removed, though the
    // clerk may have uploaded it already.
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (claim, declaration) = inputs(d);
    let other = d.join("inputs/claim-other.csv");
    std::fs::write(
        &other,
        "ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\n\
         =\"B7644109590\",=\"100000241999\",Failed,HTS RELATIONSHIP/SEQUENCE MISMATCH\r\n",
    )
    .expect("other claim");
    let ledger = d.join("ledger.sqlite3");
    let first = ok(run_with_ledger(
        d,
        &ledger,
        &[
            "triage",
            &s(&claim),
            "--declaration",
            &s(&declaration),
            "--as-of",
            AS_OF,
            "--out",
            "out",
        ],
    ));
    let refile = d.join(format!("out/refile-{CLAIM}-{AS_OF}.csv"));
    assert!(refile.exists(), "{}", first.both());
    let second = run_with_ledger(
        d,
        &ledger,
        &["triage", &s(&other), "--as-of", AS_OF, "--out", "out"],
    );
    assert_eq!(second.code, Some(2), "{}", second.both());
    assert!(
        second.stderr.contains("of other claims"),
        "{}",
        second.stderr
    );
    assert!(
        second.stderr.contains("ledger discard '#"),
        "{}",
        second.stderr
    );
    assert!(refile.exists(), "the first claim's draft is kept");
    let held = run_with_ledger(d, &ledger, &["ledger", "entry", A_REFILE]);
    assert!(held.stdout.contains("on the draft"), "{}", held.both());
    // Another folder is fine, and the same claim again supersedes its own draft as before.
    ok(run_with_ledger(
        d,
        &ledger,
        &["triage", &s(&other), "--as-of", AS_OF, "--out", "other"],
    ));
    ok(run_with_ledger(
        d,
        &ledger,
        &[
            "triage",
            &s(&claim),
            "--declaration",
            &s(&declaration),
            "--as-of",
            AS_OF,
            "--out",
            "out",
        ],
    ));
}
