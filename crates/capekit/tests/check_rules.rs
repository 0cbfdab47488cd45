//! Every file-level rule of `capekit check` is triggered by a fixture named after it, through the
//! binary, with the severity and line a user would see in `--format json`.
//!
//! The fixtures live in `tests/fixtures/check/` at the workspace root, named `CODE-NAME.EXT`
//! after the rule they trigger. Two are too large to commit and are generated here at run time,
//! with a workbook ([`GENERATED`]); their names follow the same pattern. The rules that ask the
//! ledger (F023, F024, F025) first record the files of `tests/fixtures/check/ledger/` in a fresh ledger.

mod common;

use std::path::Path;

use capekit_core::check::{CHECK_RULES, MAX_ENTRIES, MAX_FILE_BYTES};
use common::{entries, fixture_dir, run, run_with_ledger, upload_csv};

/// One fixture and what `capekit check` must report on it.
struct Case {
    /// The rule the fixture triggers.
    code: &'static str,
    /// File name in the fixture folder (or among [`GENERATED`]).
    file: &'static str,
    /// Extra arguments of the check.
    args: &'static [&'static str],
    /// Expected severity in the JSON.
    severity: &'static str,
    /// Expected line of the finding (`None` for a finding about the whole file).
    line: Option<u64>,
    /// Files of `ledger/` recorded with `capekit ledger import` before the check.
    ledger: &'static [&'static str],
}

const fn case(
    code: &'static str,
    file: &'static str,
    severity: &'static str,
    line: Option<u64>,
) -> Case {
    Case {
        code,
        file,
        args: &[],
        severity,
        line,
        ledger: &[],
    }
}

const CASES: &[Case] = &[
    case("F001", "F001-not-a-csv.csv", "error", None),
    case("F001", "F001-not-a-csv-workbook.csv", "error", None),
    case("F002", "F002-empty-file.csv", "error", None),
    case("F003", "F003-header-missing.csv", "error", Some(1)),
    case("F004", "F004-header-variant.csv", "warning", Some(1)),
    case("F005", "F005-no-entries.csv", "error", None),
    case("F006", "F006-extra-columns.csv", "error", Some(3)),
    case("F007", "F007-too-many-entries.csv", "error", None),
    case("F008", "F008-file-too-large.csv", "error", None),
    case(
        "F009",
        "F009-entry-scientific-notation.csv",
        "error",
        Some(3),
    ),
    case("F010", "F010-entry-lost-leading-zero.csv", "error", Some(3)),
    case("F011", "F011-entry-trailing-decimal.csv", "error", Some(3)),
    case("F012", "F012-entry-not-canonical.csv", "error", Some(2)),
    case("F013", "F013-entry-malformed.csv", "error", Some(3)),
    case("F014", "F014-check-digit-mismatch.csv", "error", Some(3)),
    case("F015", "F015-duplicate-entry.csv", "error", Some(4)),
    Case {
        args: &["--filer", "B76"],
        ..case("F016", "F016-filer-code-mismatch.csv", "error", Some(3))
    },
    case("F017", "F017-blank-row.csv", "warning", Some(3)),
    case("F018", "F018-byte-order-mark.csv", "error", None),
    case("F019", "F019-line-endings.csv", "warning", None),
    case("F020", "F020-not-utf8.csv", "warning", None),
    case("F021", "F021-not-csv-extension.txt", "error", None),
    case("F022", "F022-several-filer-codes.csv", "info", None),
    Case {
        ledger: &["ledger/accepted-claim-details.csv"],
        ..case("F023", "F023-already-accepted.csv", "error", Some(3))
    },
    Case {
        ledger: &["ledger/earlier-declaration.csv"],
        ..case("F024", "F024-still-pending.csv", "error", Some(3))
    },
    Case {
        ledger: &["ledger/rejected-claim-details.csv"],
        ..case("F025", "F025-rejected-decide-first.csv", "warning", Some(3))
    },
];

/// Fixtures built at run time: too large to commit, or a workbook best written by the library
/// Excel users' files come from.
const GENERATED: &[&str] = &[
    "F001-not-a-csv-workbook.csv",
    "F007-too-many-entries.csv",
    "F008-file-too-large.csv",
];

fn generate(name: &str) -> Vec<u8> {
    match name {
        // A real workbook saved under a .csv name.
        "F001-not-a-csv-workbook.csv" => {
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            ws.write_string(0, 0, "Entry Number").expect("cell");
            ws.write_string(1, 0, "B7603245278").expect("cell");
            wb.save_to_buffer().expect("xlsx")
        }
        // One entry more than CBP takes, otherwise a perfect upload.
        "F007-too-many-entries.csv" => upload_csv(&entries("B76", MAX_ENTRIES as u32 + 1)),
        // 9,999 entries that kept 90 characters of other columns: the doc's "export that kept
        // 40 columns of entry data", at 1 MB or more.
        "F008-file-too-large.csv" => {
            let padding = format!(",{}", "ACME CORP;".repeat(9));
            let rows: Vec<String> = entries("B76", MAX_ENTRIES as u32)
                .into_iter()
                .map(|e| format!("{e}{padding}"))
                .collect();
            let bytes = upload_csv(&rows);
            assert!(
                bytes.len() as u64 >= MAX_FILE_BYTES,
                "{} bytes",
                bytes.len()
            );
            bytes
        }
        other => panic!("no generator for {other}"),
    }
}

/// The committed fixtures and the generated ones, side by side in a scratch folder.
fn fixtures_in_scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for sub in ["", "ledger"] {
        std::fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
        for entry in std::fs::read_dir(fixture_dir().join(sub)).expect("fixture folder") {
            let path = entry.expect("dir entry").path();
            if path.is_file() {
                let name = path.file_name().expect("file name");
                std::fs::copy(&path, dir.path().join(sub).join(name)).expect("copy fixture");
            }
        }
    }
    for name in GENERATED {
        std::fs::write(dir.path().join(name), generate(name)).expect("write generated fixture");
    }
    dir
}

fn committed_fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixture_dir())
        .expect("fixture folder")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| !n.starts_with('.') && fixture_dir().join(n).is_file())
        .collect();
    names.sort();
    names
}

/// `F014` for `F014-check-digit-mismatch.csv`; `None` for fixtures of no single rule.
fn rule_code_of(file: &str) -> Option<&str> {
    let code = file.get(..4)?;
    let is_code = code.starts_with('F') && code[1..].bytes().all(|b| b.is_ascii_digit());
    (is_code && file[4..].starts_with('-')).then_some(code)
}

#[test]
fn every_rule_has_a_fixture_named_after_it() {
    let committed = committed_fixtures();
    let mut missing = Vec::new();
    for rule in CHECK_RULES {
        let prefix = format!("{}-{}", rule.code, rule.name);
        let named: Vec<&str> = committed
            .iter()
            .map(String::as_str)
            .chain(GENERATED.iter().copied())
            .filter(|f| f.starts_with(&prefix))
            .collect();
        let cased = CASES
            .iter()
            .any(|c| c.code == rule.code && named.contains(&c.file));
        if named.is_empty() || !cased {
            missing.push(format!(
                "{} ({}): add tests/fixtures/check/{prefix}.csv and a case in CASES",
                rule.code, rule.name
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "rules without a fixture:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_fixture_names_a_rule_and_has_a_case() {
    for file in committed_fixtures()
        .iter()
        .map(String::as_str)
        .chain(GENERATED.iter().copied())
    {
        let Some(code) = rule_code_of(file) else {
            continue;
        };
        let rule = CHECK_RULES
            .iter()
            .find(|r| r.code == code)
            .unwrap_or_else(|| panic!("{file}: no rule {code} in CHECK_RULES"));
        assert!(
            file.starts_with(&format!("{}-{}", rule.code, rule.name)),
            "{file} is not named after {} {}",
            rule.code,
            rule.name
        );
        assert!(
            CASES.iter().any(|c| c.file == file),
            "{file} has no case in CASES"
        );
    }
}

#[test]
fn each_fixture_triggers_its_rule_with_its_severity_and_line() {
    let dir = fixtures_in_scratch();
    let mut failures = Vec::new();
    for case in CASES {
        let mut args = vec!["check", case.file, "--format", "json"];
        args.extend_from_slice(case.args);
        let ledger = dir.path().join(format!("{}.ledger.sqlite3", case.file));
        if !case.ledger.is_empty() {
            let mut import = vec!["ledger", "import"];
            import.extend_from_slice(case.ledger);
            let imported = run_with_ledger(dir.path(), &ledger, &import);
            assert_eq!(imported.code, Some(0), "{}", imported.both());
        }
        let run = run_with_ledger(dir.path(), &ledger, &args);
        let report = run.json();
        let diags = report["diagnostics"].as_array().expect("diagnostics");
        let found = diags.iter().any(|d| {
            d["code"] == case.code
                && d["severity"] == case.severity
                && d["line"].as_u64() == case.line
        });
        if !found {
            let seen: Vec<String> = diags
                .iter()
                .map(|d| format!("{} {} line {}", d["code"], d["severity"], d["line"]))
                .collect();
            failures.push(format!(
                "{}: expected {} {} at line {:?}, found [{}]",
                case.file,
                case.code,
                case.severity,
                case.line,
                seen.join("; ")
            ));
        }
        // The exit code follows the verdict: 0 uploadable, 1 not.
        let has_error = diags.iter().any(|d| d["severity"] == "error");
        assert_eq!(report["uploadable"], !has_error, "{}", case.file);
        let expected_exit = if has_error { 1 } else { 0 };
        if run.code != Some(expected_exit) {
            failures.push(format!(
                "{}: exit {:?}, expected {expected_exit}",
                case.file, run.code
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn case_severities_agree_with_the_catalog() {
    for case in CASES {
        let rule = CHECK_RULES
            .iter()
            .find(|r| r.code == case.code)
            .unwrap_or_else(|| panic!("no rule {}", case.code));
        assert_eq!(rule.severity.as_str(), case.severity, "{}", case.code);
    }
}

#[test]
fn valid_fixture_is_uploadable_with_no_finding_but_several_filer_codes() {
    let bytes = common::fixture("valid.csv");
    assert!(
        !bytes.starts_with(b"\xEF\xBB\xBF"),
        "valid.csv must have no BOM"
    );
    assert!(bytes.starts_with(b"Entry Number\r\n"));
    assert_eq!(
        bytes.windows(2).filter(|w| w == b"\r\n").count(),
        bytes.iter().filter(|&&b| b == b'\n').count(),
        "every line of valid.csv ends in CRLF"
    );
    // Each value is canonical and carries a valid check digit.
    let text = std::str::from_utf8(&bytes).expect("ascii");
    for value in text.lines().skip(1) {
        let n = capekit_core::EntryNumber::parse(value).expect("valid entry number");
        assert_eq!(n.as_str(), value);
    }

    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("valid.csv"), &bytes).expect("write");
    let run = run(dir.path(), &["check", "valid.csv", "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.both());
    let report = run.json();
    assert_eq!(report["uploadable"], true);
    assert_eq!(report["entries"], 7);
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(
        codes.iter().all(|&c| c == "F022"),
        "valid.csv must trigger no rule but F022: {codes:?}"
    );
}

#[test]
fn valid_fixture_with_one_filer_has_no_finding_at_all() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = common::fixture("valid.csv");
    let b76: Vec<&str> = std::str::from_utf8(&bytes)
        .expect("ascii")
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("B76"))
        .collect();
    assert!(b76.len() >= 2);
    std::fs::write(dir.path().join("b76.csv"), upload_csv(&b76)).expect("write");
    let run = run(
        dir.path(),
        &["check", "b76.csv", "--filer", "B76", "--format", "json"],
    );
    assert_eq!(run.code, Some(0), "{}", run.both());
    assert_eq!(run.json()["diagnostics"], serde_json::json!([]));
}

#[test]
fn generated_fixtures_are_what_their_names_say() {
    assert!(
        Path::new(GENERATED[0])
            .extension()
            .is_some_and(|e| e == "csv")
    );
    let xlsx = generate("F001-not-a-csv-workbook.csv");
    assert!(xlsx.starts_with(b"PK\x03\x04"));
    let many = generate("F007-too-many-entries.csv");
    let rows = many
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .count();
    assert_eq!(rows, MAX_ENTRIES + 2, "header plus 10,000 entries");
    assert!(
        (many.len() as u64) < MAX_FILE_BYTES,
        "F007 must not also be F008"
    );
}

#[test]
fn a_workbook_named_xlsx_is_never_told_to_be_renamed_and_its_entries_are_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Entry Number").expect("cell");
    for (i, e) in ["B7603245278", "B7644100003", "B7720000002"]
        .iter()
        .enumerate()
    {
        ws.write_string(i as u32 + 1, 0, *e).expect("cell");
    }
    std::fs::write(
        dir.path().join("decl.xlsx"),
        wb.save_to_buffer().expect("xlsx"),
    )
    .expect("write");
    let out = run(
        dir.path(),
        &["--no-ledger", "check", "decl.xlsx", "--format", "json"],
    );
    assert_eq!(out.code, Some(1), "{}", out.both());
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(v["entries"], 3, "{v}");
    let f021 = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "F021")
        .expect("F021");
    let message = f021["message"].as_str().expect("message");
    assert!(message.contains("do not rename it"), "{message}");
    assert!(!message.contains("rename it to end in .csv"), "{message}");
}

#[test]
fn a_file_already_uploaded_is_not_uploadable_again_though_a_draft_checks_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = dir.path().join("l.sqlite3");
    std::fs::write(dir.path().join("decl.csv"), upload_csv(&entries("B76", 3))).expect("write");
    let check = |d: &Path| {
        let out = run_with_ledger(d, &ledger, &["check", "decl.csv", "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
        (out.code, v)
    };
    // A draft: the file never counts against itself.
    let out = run_with_ledger(dir.path(), &ledger, &["ledger", "import", "decl.csv"]);
    assert_eq!(out.code, Some(0), "{}", out.both());
    assert_eq!(check(dir.path()).0, Some(0));
    // Uploaded: these bytes are that declaration.
    let out = run_with_ledger(dir.path(), &ledger, &["ledger", "uploaded", "decl.csv"]);
    assert_eq!(out.code, Some(0), "{}", out.both());
    let (code, v) = check(dir.path());
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(v["uploadable"], false);
    assert!(
        v["diagnostics"][0]["message"]
            .as_str()
            .expect("message")
            .contains("do not upload it again"),
        "{v}"
    );
    // Its claim rejected every entry with a plain refile: the same bytes may go up again.
    let rejected: String =
        std::iter::once("ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\n".to_owned())
            .chain(
                entries("B76", 3)
                    .iter()
                    .map(|e| format!("{e},100000300005,Failed,UNABLE TO CALCULATE DUTY\r\n")),
            )
            .collect();
    std::fs::write(dir.path().join("claim.csv"), rejected).expect("write");
    let out = run_with_ledger(
        dir.path(),
        &ledger,
        &["ledger", "import", "claim.csv", "--as-of", "2026-12-02"],
    );
    assert_eq!(out.code, Some(0), "{}", out.both());
    let (code, v) = check(dir.path());
    assert_eq!(code, Some(0), "{v}");
}
