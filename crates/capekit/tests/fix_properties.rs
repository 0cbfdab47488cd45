//! Properties of `capekit fix` that a user relies on without reading its output: it never
//! overwrites its input, it splits long lists into parts CBP takes, and its reconciliation line
//! accounts for every data row.

mod common;

use capekit_core::check::{CheckOptions, MAX_ENTRIES, check};
use capekit_core::fix::plan_fix;
use capekit_io::declaration::parse_declaration;
use capekit_io::upload::upload_bytes;
use common::{entries, run, upload_csv};
use proptest::prelude::*;

/// The numbers of the reconciliation line
/// `N data rows = W written + D duplicates + U not repairable (reconciled)`.
fn reconciliation(stdout: &str) -> [usize; 4] {
    let line = stdout
        .lines()
        .find(|l| l.contains(" data rows = "))
        .unwrap_or_else(|| panic!("no reconciliation line in:\n{stdout}"));
    assert!(line.ends_with(" (reconciled)"), "{line}");
    let numbers: Vec<usize> = line
        .split_whitespace()
        .filter_map(|w| w.replace(',', "").parse().ok())
        .collect();
    numbers
        .try_into()
        .unwrap_or_else(|n| panic!("expected four numbers in `{line}`, got {n:?}"))
}

#[test]
fn fix_refuses_to_write_over_its_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = b"Entry Number\nB76-0324527-8\n".to_vec();
    std::fs::write(dir.path().join("in.csv"), &input).expect("write");
    let abs = dir.path().join("in.csv").display().to_string();
    for out in ["in.csv", "./in.csv", abs.as_str()] {
        let run = run(dir.path(), &["fix", "in.csv", "--out", out]);
        assert_eq!(run.code, Some(2), "--out {out}: {}", run.both());
        assert!(
            run.stderr.contains("it is one of the input files"),
            "--out {out}: {}",
            run.both()
        );
        assert_eq!(
            std::fs::read(dir.path().join("in.csv")).expect("read"),
            input,
            "--out {out} changed the input"
        );
    }
}

#[test]
fn fix_refuses_when_a_part_would_be_the_input() {
    // 10,000 entries are split into up-01.csv and up-02.csv: the first part is the input.
    let dir = tempfile::tempdir().expect("tempdir");
    let input = upload_csv(&entries("B76", MAX_ENTRIES as u32 + 1));
    std::fs::write(dir.path().join("up-01.csv"), &input).expect("write");
    let run = run(dir.path(), &["fix", "up-01.csv", "--out", "up.csv"]);
    assert_eq!(run.code, Some(2), "{}", run.both());
    assert!(run.stderr.contains("up-01.csv"), "{}", run.both());
    assert_eq!(
        std::fs::read(dir.path().join("up-01.csv")).expect("read"),
        input
    );
    // All or nothing: the other part is not written either.
    assert!(!dir.path().join("up-02.csv").exists());
}

#[test]
fn fix_splits_25000_entries_into_three_parts_that_pass_check_and_reconcile() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = entries("B76", 25_000);
    // 25,000 data rows: every hundredth in the printed form, then 6 duplicates and 4 values
    // that cannot be repaired in place of the last 10 entries.
    let mut rows: Vec<String> = good[..24_990]
        .iter()
        .enumerate()
        .map(|(i, e)| {
            if i.is_multiple_of(100) {
                format!("{}-{}-{}", &e[..3], &e[3..10], &e[10..])
            } else {
                e.clone()
            }
        })
        .collect();
    rows.extend(good[..6].iter().cloned());
    rows.extend(["6.05761E+10", "ACME CORP", "B7603245279", "B76"].map(String::from));
    assert_eq!(rows.len(), 25_000);
    std::fs::write(dir.path().join("big.csv"), upload_csv(&rows)).expect("write");

    let fix = run(dir.path(), &["fix", "big.csv", "--out", "upload.csv"]);
    assert_eq!(fix.code, Some(1), "4 rows left out: {}", fix.both());
    let [data, written, duplicates, unrepairable] = reconciliation(&fix.stdout);
    assert_eq!(data, 25_000);
    assert_eq!((written, duplicates, unrepairable), (24_990, 6, 4));
    assert_eq!(written + duplicates + unrepairable, data);
    assert!(
        fix.stdout.contains("NOT written, cannot be repaired 4:"),
        "{}",
        fix.stdout
    );
    assert!(fix.stdout.contains("repaired 250:"), "{}", fix.stdout);

    assert!(
        !dir.path().join("upload.csv").exists(),
        "split output uses parts only"
    );
    let parts = ["upload-01.csv", "upload-02.csv", "upload-03.csv"];
    for p in parts {
        assert!(fix.stdout.contains(&format!("wrote {p}")), "{}", fix.stdout);
    }
    assert!(!dir.path().join("upload-04.csv").exists());

    let mut all = Vec::new();
    for (p, size) in parts
        .iter()
        .zip([MAX_ENTRIES, MAX_ENTRIES, 24_990 - 2 * MAX_ENTRIES])
    {
        let bytes = std::fs::read(dir.path().join(p)).expect("part");
        let text = String::from_utf8(bytes).expect("utf8");
        let part: Vec<String> = text.lines().skip(1).map(str::to_owned).collect();
        assert_eq!(part.len(), size, "{p}");
        all.extend(part);
        let check = run(
            dir.path(),
            &["check", p, "--filer", "B76", "--format", "json"],
        );
        assert_eq!(check.code, Some(0), "{p}: {}", check.both());
        let report = check.json();
        assert_eq!(report["entries"], size, "{p}");
        assert_eq!(report["diagnostics"], serde_json::json!([]), "{p}");
    }
    // The parts hold exactly the good entries, in file order.
    assert_eq!(all, good[..24_990]);
}

/// Values people paste as entry numbers, good and damaged.
fn messy_value() -> impl Strategy<Value = String> {
    let filer = prop::sample::select(vec!["B76", "ABC", "057", "001", "1A2"]);
    let entry = (filer, 0u32..200).prop_map(|(f, t)| {
        capekit_core::EntryNumber::from_parts(f, t)
            .expect("valid parts")
            .to_string()
    });
    prop_oneof![
        4 => entry.clone(),
        1 => entry.clone().prop_map(|e| format!("{}-{}-{}", &e[..3], &e[3..10], &e[10..])),
        1 => entry.clone().prop_map(|e| e.to_ascii_lowercase()),
        1 => entry.clone().prop_map(|e| format!("=\"{e}\"")),
        1 => entry.clone().prop_map(|e| format!("{e}.0")),
        1 => entry.clone().prop_map(|e| e.trim_start_matches('0').to_owned()),
        1 => entry.clone().prop_map(|e| format!("{e},note")),
        1 => entry.prop_map(|e| format!("{}{}", &e[..10], (e.as_bytes()[10] - b'0' + 1) % 10)),
        1 => Just("6.05761E+10".to_owned()),
        1 => Just(String::new()),
        1 => "[ -~]{0,15}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the rows, every data row is written, dropped as a duplicate or listed as not
    /// repairable, and what is written passes the check with no error or warning.
    #[test]
    fn every_row_is_accounted_for_and_the_output_passes_check(
        rows in prop::collection::vec(messy_value(), 0..60),
        header in prop::bool::ANY,
        crlf in prop::bool::ANY,
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = String::new();
        if header {
            text.push_str("Entry Number");
            text.push_str(eol);
        }
        for r in &rows {
            text.push_str(r);
            text.push_str(eol);
        }
        let input = parse_declaration("in.csv", text.as_bytes());
        let plan = plan_fix(&input, None);
        prop_assert!(plan.reconciles(), "{plan:?}");
        prop_assert_eq!(
            plan.entries.len() + plan.duplicates.len() + plan.unrepairable.len(),
            plan.data_rows
        );
        if !plan.entries.is_empty() {
            let out = parse_declaration("out.csv", &upload_bytes(&plan.entries));
            let report = check(&out, &CheckOptions::default());
            prop_assert!(report.uploadable, "{:?}", report.diagnostics);
            prop_assert!(
                report.diagnostics.iter().all(|d| d.code() == "F022"),
                "{:?}",
                report.diagnostics
            );
            prop_assert_eq!(report.entries, plan.entries.len());
        }
    }
}
