//! Files nobody should upload, and some nobody could: `capekit check` and `capekit fix` must
//! never panic on them, must exit with the documented code (check: 0 uploadable, 1 not
//! uploadable, 2 could not run; fix: 0 every entry written, 1 some rows left out, 2 could not
//! run), and must say what they found. Where `fix` can read the file (a workbook, UTF-16 text), the
//! file it writes must pass `check`.
//!
//! Large inputs are generated at run time in a scratch folder, never committed.

mod common;

use std::path::Path;

use capekit_core::check::MAX_ENTRIES;
use capekit_io::declaration::MAX_READ_BYTES;
use common::{Run, entries, run, upload_csv};

/// Text output of a check or fix is grouped and shortened; a hostile file must not make it huge.
const MAX_TEXT_OUTPUT: usize = 64 * 1024;

/// What `check` and `fix` must do with one hostile input.
struct Expect<'a> {
    check_exit: i32,
    check_says: &'a [&'a str],
    fix_exit: i32,
    fix_says: &'a [&'a str],
}

/// The outcome of running both commands on one input.
struct Outcome {
    dir: tempfile::TempDir,
    check: Run,
    fix: Run,
}

impl Outcome {
    fn out(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir.path().join(name))
            .unwrap_or_else(|e| panic!("{name} was not written: {e}\n{}", self.fix.both()))
    }
}

fn says(run: &Run, what: &str, phrases: &[&str]) {
    let both = format!("{}{}", run.stdout, run.stderr);
    for p in phrases {
        assert!(
            both.contains(p),
            "{what} does not say `{p}`:\n{}",
            run.both()
        );
    }
}

/// Writes `bytes` (or nothing, when `None`, so the name is whatever the caller made it) under
/// `name`, then runs `check` (text and JSON) and `fix --out fixed.csv` on it.
fn hostile(name: &str, bytes: Option<&[u8]>, expect: &Expect) -> Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    hostile_in(dir, name, bytes, expect)
}

fn hostile_in(
    dir: tempfile::TempDir,
    name: &str,
    bytes: Option<&[u8]>,
    expect: &Expect,
) -> Outcome {
    if let Some(bytes) = bytes {
        std::fs::write(dir.path().join(name), bytes).expect("write input");
    }
    let before = std::fs::read(dir.path().join(name)).ok();

    let check = run(dir.path(), &["check", name]);
    assert_eq!(
        check.code,
        Some(expect.check_exit),
        "check {name}:\n{}",
        check.both()
    );
    says(&check, &format!("check {name}"), expect.check_says);
    assert!(
        check.stdout.len() < MAX_TEXT_OUTPUT,
        "check {name} printed {} bytes",
        check.stdout.len()
    );
    if expect.check_exit == 2 {
        assert!(check.stdout.is_empty(), "check {name}:\n{}", check.both());
        assert!(
            check.stderr.starts_with("capekit: error: "),
            "{}",
            check.both()
        );
    } else if bytes.is_some_and(|b| b.len() < 10_000_000) {
        // The JSON report is well-formed whatever the input, and agrees with the exit code.
        let json = run(dir.path(), &["check", name, "--format", "json"]);
        assert_eq!(json.code, check.code, "{}", json.both());
        assert_eq!(json.json()["uploadable"], expect.check_exit == 0);
    }

    let fix = run(dir.path(), &["fix", name, "--out", "fixed.csv"]);
    assert_eq!(
        fix.code,
        Some(expect.fix_exit),
        "fix {name}:\n{}",
        fix.both()
    );
    says(&fix, &format!("fix {name}"), expect.fix_says);
    assert!(
        fix.stdout.len() < MAX_TEXT_OUTPUT,
        "fix {name} printed {} bytes",
        fix.stdout.len()
    );
    if expect.fix_exit == 2 {
        assert!(fix.stderr.starts_with("capekit: error: "), "{}", fix.both());
        assert!(
            !dir.path().join("fixed.csv").exists(),
            "fix wrote a file yet exited 2"
        );
    }
    // Neither command touches its input.
    assert_eq!(
        std::fs::read(dir.path().join(name)).ok(),
        before,
        "{name} was modified"
    );
    Outcome { dir, check, fix }
}

/// `check` of a file `fix` wrote: exit 0, no error, no warning.
fn assert_passes_check(dir: &Path, name: &str) {
    let run = run(dir, &["check", name, "--format", "json"]);
    assert_eq!(
        run.code,
        Some(0),
        "{name} does not pass check:\n{}",
        run.both()
    );
    let report = run.json();
    for d in report["diagnostics"].as_array().expect("diagnostics") {
        assert_eq!(d["severity"], "info", "{name}: {d}");
    }
}

/// Deterministic noise (xorshift64), so a failure can be reproduced.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        out.extend_from_slice(&seed.to_le_bytes());
    }
    out.truncate(len);
    out
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}

/// CRC-32 (IEEE), for a ZIP archive written by hand.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A valid ZIP archive holding one stored (uncompressed) file.
fn zip_one_file(name: &str, data: &[u8]) -> Vec<u8> {
    let crc = crc32(data).to_le_bytes();
    let size = u32::try_from(data.len()).expect("small").to_le_bytes();
    let name_len = u16::try_from(name.len()).expect("short").to_le_bytes();
    let mut z = Vec::new();
    z.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x21\x00");
    z.extend_from_slice(&crc);
    z.extend_from_slice(&size);
    z.extend_from_slice(&size);
    z.extend_from_slice(&name_len);
    z.extend_from_slice(&[0, 0]);
    z.extend_from_slice(name.as_bytes());
    z.extend_from_slice(data);
    let central = z.len();
    z.extend_from_slice(b"PK\x01\x02\x14\x00\x14\x00\x00\x00\x00\x00\x00\x00\x21\x00");
    z.extend_from_slice(&crc);
    z.extend_from_slice(&size);
    z.extend_from_slice(&size);
    z.extend_from_slice(&name_len);
    z.extend_from_slice(&[0; 12]); // extra, comment, disk, internal and external attributes
    z.extend_from_slice(&0u32.to_le_bytes()); // offset of the local header
    z.extend_from_slice(name.as_bytes());
    let central_len = u32::try_from(z.len() - central).expect("small");
    z.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00");
    z.extend_from_slice(&central_len.to_le_bytes());
    z.extend_from_slice(&u32::try_from(central).expect("small").to_le_bytes());
    z.extend_from_slice(&[0, 0]);
    z
}

#[test]
fn zero_bytes() {
    hostile(
        "empty.csv",
        Some(b""),
        &Expect {
            check_exit: 1,
            check_says: &["F002", "the file is empty (0 bytes)"],
            fix_exit: 2,
            fix_says: &["empty.csv: nothing to repair: the file is empty"],
        },
    );
}

#[test]
fn random_binary() {
    let bytes = noise(64 * 1024, 0x0123_4567_89AB_CDEF);
    hostile(
        "random.csv",
        Some(&bytes),
        &Expect {
            check_exit: 1,
            check_says: &["F001", "binary data, not text", "\"Not a CSV file\""],
            fix_exit: 2,
            fix_says: &["nothing to repair: the file is binary data"],
        },
    );
}

/// An ES-003-like export used as a declaration: `rows` entries, each with 487 bytes of other
/// columns, 500 bytes a row.
fn export(rows: u32) -> Vec<u8> {
    let mut bytes = b"Entry Number\r\n".to_vec();
    let filler = format!(",{}", "x".repeat(486));
    for e in entries("B76", rows) {
        bytes.extend_from_slice(e.as_bytes());
        bytes.extend_from_slice(filler.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes
}

#[test]
fn fifty_megabytes() {
    let bytes = export(100_000);
    assert_eq!(bytes.len(), 50_000_014);
    let o = hostile(
        "export.csv",
        Some(&bytes),
        &Expect {
            check_exit: 1,
            check_says: &[
                "F008",
                "the file is 50,000,014 bytes",
                "F007",
                "the file holds 100,000 entries",
                "F006",
                "[100,000]",
                "... and 99,997 more like these",
            ],
            fix_exit: 0,
            fix_says: &[
                "100,000 data rows = 100,000 written + 0 duplicates + 0 not repairable (reconciled)",
                "wrote fixed-01.csv",
                "wrote fixed-11.csv",
            ],
        },
    );
    // 100,000 entries make 10 full parts and one of 10.
    let last = o.out("fixed-11.csv");
    assert_eq!(
        last,
        upload_csv(&entries("B76", 100_000)[10 * MAX_ENTRIES..])
    );
    assert_passes_check(o.dir.path(), "fixed-01.csv");
    assert_passes_check(o.dir.path(), "fixed-11.csv");
    assert!(!o.dir.path().join("fixed.csv").exists());
}

#[test]
fn a_file_over_the_read_limit_is_refused_not_cut() {
    // Regression: the reader kept the first 64 MiB and dropped the rest without a word, so `fix`
    // wrote 133,950 of 140,000 entries, exited 0 and printed "(reconciled)", and `check` reported
    // the size as 67,108,864 bytes.
    let bytes = export(140_000);
    assert!(bytes.len() as u64 > MAX_READ_BYTES);
    let o = hostile(
        "export.csv",
        Some(&bytes),
        &Expect {
            check_exit: 2,
            check_says: &["export.csv: the file is larger than 67,108,864 bytes"],
            fix_exit: 2,
            fix_says: &["export.csv: the file is larger than 67,108,864 bytes"],
        },
    );
    assert!(!o.dir.path().join("fixed-01.csv").exists());
}

#[test]
fn single_huge_line_without_newline() {
    // 5 MB of prose on one line, no line end: the first row is a wrong header 5 MB long.
    let prose = "lorem ipsum dolor sit amet ".repeat(185_186);
    let bytes = &prose.as_bytes()[..5_000_000];
    let o = hostile(
        "one-line.csv",
        Some(bytes),
        &Expect {
            check_exit: 1,
            check_says: &[
                "F003",
                "the first row is `lorem ipsum dolor sit amet",
                "F005",
                "F008",
                "the file is 5,000,000 bytes",
            ],
            fix_exit: 1,
            fix_says: &[
                "0 data rows = 0 written",
                "no entry could be written, so no file was written",
            ],
        },
    );
    assert!(!o.dir.path().join("fixed.csv").exists());
}

#[test]
fn huge_value_after_the_header_is_not_echoed_whole() {
    // Regression: a 5 MB value was quoted whole in the message of F013 (and in `fix`'s list of
    // rows left out), so a terminal received 5 MB of text.
    let mut bytes = b"Entry Number\r\nB7603245278\r\n".to_vec();
    bytes.extend(std::iter::repeat_n(b'7', 5_000_000));
    let o = hostile(
        "long-value.csv",
        Some(&bytes),
        &Expect {
            check_exit: 1,
            check_says: &[
                "F013",
                "line 3: `7777",
                "... (5000000 characters in all)` has 5000000 letters and digits",
                "F008",
            ],
            fix_exit: 1,
            fix_says: &[
                "line 3: `7777",
                "2 data rows = 1 written + 0 duplicates + 1 not repairable (reconciled)",
            ],
        },
    );
    assert_eq!(o.out("fixed.csv"), upload_csv(&["B7603245278"]));
    assert!(
        o.check.stdout.len() < 4096,
        "{}",
        common::shorten(&o.check.stdout)
    );
}

#[test]
fn huge_padding_around_a_valid_entry_is_not_echoed_whole() {
    // Regression: the value of F012 and of `fix`'s list of repairs was quoted whole.
    let mut bytes = b"Entry Number\r\n".to_vec();
    bytes.extend(std::iter::repeat_n(b' ', 5_000_000));
    bytes.extend_from_slice(b"B7603245278\r\n");
    let o = hostile(
        "padded.csv",
        Some(&bytes),
        &Expect {
            check_exit: 1,
            check_says: &[
                "F012",
                "is a valid entry number written with spaces around the number; the upload needs its 11 characters `B7603245278`",
            ],
            fix_exit: 0,
            fix_says: &[
                "line 2: `",
                "-> B7603245278 (removed spaces around the number)",
            ],
        },
    );
    assert_eq!(o.out("fixed.csv"), upload_csv(&["B7603245278"]));
    assert!(
        o.check.stdout.len() < 4096,
        "{}",
        common::shorten(&o.check.stdout)
    );
    assert!(
        o.fix.stdout.len() < 4096,
        "{}",
        common::shorten(&o.fix.stdout)
    );
}

#[test]
fn invalid_utf8() {
    let bytes = b"Entry Number\r\nB7603245278\r\nB76\xFF\xFE\xC3\x280324527\r\n";
    let o = hostile(
        "garbled.csv",
        Some(bytes),
        &Expect {
            check_exit: 1,
            check_says: &["F020", "not valid UTF-8", "F013", "line 3:"],
            fix_exit: 1,
            fix_says: &[
                "NOT written, cannot be repaired 1:",
                "line 3:",
                "wrote fixed.csv",
            ],
        },
    );
    assert_eq!(o.out("fixed.csv"), upload_csv(&["B7603245278"]));
    assert_passes_check(o.dir.path(), "fixed.csv");
}

#[test]
fn windows_1252_text() {
    // An old Excel export: the importer's name beside each entry, accents in Windows-1252.
    let bytes = b"Entry Number\r\nB7603245278,Soci\xE9t\xE9 G\xE9n\xE9rale\r\nB7600000015,Caf\xE9 M\xFCller\r\n";
    let o = hostile(
        "cp1252.csv",
        Some(bytes),
        &Expect {
            check_exit: 1,
            check_says: &[
                "F020",
                "read it as Windows-1252",
                "F006",
                "Soci\u{e9}t\u{e9} G\u{e9}n\u{e9}rale",
            ],
            fix_exit: 0,
            fix_says: &[
                "other columns dropped",
                "2 data rows = 2 written + 0 duplicates + 0 not repairable (reconciled)",
            ],
        },
    );
    assert_eq!(
        o.out("fixed.csv"),
        upload_csv(&["B7603245278", "B7600000015"])
    );
    assert_passes_check(o.dir.path(), "fixed.csv");
}

#[test]
fn only_a_header() {
    let o = hostile(
        "header-only.csv",
        Some(b"Entry Number\r\n"),
        &Expect {
            check_exit: 1,
            check_says: &["F005", "the file has the header but no entry numbers"],
            fix_exit: 1,
            fix_says: &[
                "0 data rows",
                "no entry could be written, so no file was written",
            ],
        },
    );
    assert!(!o.dir.path().join("fixed.csv").exists());
}

#[test]
fn only_blank_lines() {
    let o = hostile(
        "blank.csv",
        Some(b"\r\n\r\n   \r\n\r\n"),
        &Expect {
            check_exit: 1,
            check_says: &["F002", "the file holds only blank lines"],
            fix_exit: 1,
            fix_says: &[
                "0 data rows",
                "no entry could be written, so no file was written",
            ],
        },
    );
    assert!(!o.dir.path().join("fixed.csv").exists());
}

#[test]
fn utf16_le_with_bom_is_fixed_into_a_correct_csv() {
    // Excel's "Unicode Text", with one value in the printed form.
    let bytes = utf16le_with_bom("Entry Number\r\nB7603245278\r\nB76-0000001-5\r\n");
    let o = hostile(
        "unicode.csv",
        Some(&bytes),
        &Expect {
            check_exit: 1,
            check_says: &[
                "F001",
                "UTF-16 text (Excel's \"Unicode Text\")",
                "not a CSV",
            ],
            fix_exit: 0,
            fix_says: &[
                "line 3: `B76-0000001-5` -> B7600000015 (removed dashes)",
                "2 data rows = 2 written + 0 duplicates + 0 not repairable (reconciled)",
            ],
        },
    );
    assert_eq!(
        o.out("fixed.csv"),
        upload_csv(&["B7603245278", "B7600000015"])
    );
    assert_passes_check(o.dir.path(), "fixed.csv");
}

#[test]
fn pdf_header() {
    hostile(
        "declaration.csv",
        Some(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"),
        &Expect {
            check_exit: 1,
            check_says: &["F001", "the file is a PDF document, not a CSV"],
            fix_exit: 2,
            fix_says: &["nothing to repair: the file is a PDF document with no readable rows"],
        },
    );
}

#[test]
fn xlsx_renamed_csv_is_fixed_into_a_correct_csv() {
    // A workbook saved under a .csv name, with one entry Excel stored as a number and so lost
    // its leading zero, and one in the printed form.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Entry Number").expect("cell");
    ws.write_string(1, 0, "B7603245278").expect("cell");
    ws.write_number(2, 0, 5_760_693_423.0).expect("cell");
    ws.write_string(3, 0, "ABC-1234567-6").expect("cell");
    let bytes = wb.save_to_buffer().expect("xlsx");
    let o = hostile(
        "workbook.csv",
        Some(&bytes),
        &Expect {
            check_exit: 1,
            check_says: &["F001", "an Excel workbook (.xlsx), not a CSV"],
            fix_exit: 0,
            fix_says: &[
                "line 3: `5760693423` -> 05760693423 (restored the leading zeros",
                "line 4: `ABC-1234567-6` -> ABC12345676 (removed dashes)",
                "3 data rows = 3 written + 0 duplicates + 0 not repairable (reconciled)",
            ],
        },
    );
    assert_eq!(
        o.out("fixed.csv"),
        upload_csv(&["B7603245278", "05760693423", "ABC12345676"])
    );
    assert_passes_check(o.dir.path(), "fixed.csv");
}

#[test]
fn zip_archive() {
    let bytes = zip_one_file("entries.txt", b"Entry Number\r\nB7603245278\r\n");
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926, "CRC-32 check value");
    hostile(
        "entries.csv",
        Some(&bytes),
        &Expect {
            check_exit: 1,
            check_says: &["F001", "the file is a ZIP archive, not a CSV"],
            fix_exit: 2,
            fix_says: &["nothing to repair: the file is a ZIP archive"],
        },
    );
}

#[test]
fn a_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("uploads.csv")).expect("mkdir");
    let o = hostile_in(
        dir,
        "uploads.csv",
        None,
        &Expect {
            check_exit: 2,
            check_says: &["uploads.csv is a folder, not a file"],
            fix_exit: 2,
            fix_says: &["uploads.csv is a folder, not a file"],
        },
    );
    let json = run(o.dir.path(), &["check", "uploads.csv", "--format", "json"]);
    assert_eq!(json.code, Some(2));
    assert!(json.stdout.is_empty());
}

#[test]
fn a_missing_file() {
    hostile(
        "missing.csv",
        None,
        &Expect {
            check_exit: 2,
            check_says: &["missing.csv: no such file - check the path"],
            fix_exit: 2,
            fix_says: &["missing.csv: no such file - check the path"],
        },
    );
}

/// A workbook with `Entry Number` in A1, then one value at column XFD on each of `rows` rows:
/// small on disk, but each row is 16,384 cells wide.
fn padded_workbook(rows: u32) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Entry Number").expect("cell");
    for r in 1..=rows {
        ws.write_string(r, 16_383, "x").expect("cell");
    }
    wb.save_to_buffer().expect("xlsx")
}

#[test]
fn a_workbook_padded_to_the_last_column_is_refused_by_every_reader() {
    // Regression: a workbook of a few KB with values at column XFD made the reader allocate
    // rows x 16,384 cells; every command aborted (exit 134) and `capekit serve` died.
    let bytes = padded_workbook(3_000);
    assert!(bytes.len() < 200_000, "{} bytes", bytes.len());
    let says = "sheet `Sheet1` holds more than 40,000,000 cells by row 2443";
    hostile(
        "padded.xlsx",
        Some(&bytes),
        &Expect {
            check_exit: 2,
            check_says: &["padded.xlsx: ", says],
            fix_exit: 2,
            fix_says: &["padded.xlsx: ", says],
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("padded.xlsx"), &bytes).expect("write");
    std::fs::write(
        dir.path().join("declaration.csv"),
        upload_csv(&["B7603245278"]),
    )
    .expect("write");
    for args in [
        &[
            "triage",
            "padded.xlsx",
            "--declaration",
            "declaration.csv",
            "--out",
            "out",
        ][..],
        &["plan", "padded.xlsx", "--out", "out"][..],
    ] {
        let r = run(dir.path(), args);
        assert_eq!(r.code, Some(2), "{args:?}:\n{}", r.both());
        assert!(r.stderr.contains("padded.xlsx: "), "{}", r.both());
        assert!(r.stderr.contains(says), "{args:?}:\n{}", r.both());
        assert!(!dir.path().join("out").exists(), "{args:?} wrote outputs");
    }
}

#[test]
fn a_workbook_with_one_stray_far_cell_still_reads() {
    // Regression: one value at XFD1048576 made the reader allocate 1,048,576 x 16,384 cells.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Entry Number").expect("cell");
    ws.write_string(1, 0, "B7603245278").expect("cell");
    ws.write_string(2, 0, "ABC-1234567-6").expect("cell");
    ws.write_string(1_048_575, 16_383, "stray").expect("cell");
    let bytes = wb.save_to_buffer().expect("xlsx");
    let o = hostile(
        "stray.xlsx",
        Some(&bytes),
        &Expect {
            check_exit: 1,
            check_says: &["F001", "an Excel workbook (.xlsx), not a CSV"],
            fix_exit: 1,
            fix_says: &["line 3: `ABC-1234567-6` -> ABC12345676 (removed dashes)"],
        },
    );
    assert_eq!(
        o.out("fixed.csv"),
        upload_csv(&["B7603245278", "ABC12345676"])
    );
}

#[test]
fn a_workbook_bomb_is_refused_from_its_declared_sizes() {
    // The sheet declares 3 GiB unpacked: refused before anything is unpacked.
    let bytes = zip_one_file("xl/worksheets/sheet1.xml", b"<worksheet/>");
    let mut bytes = bytes;
    let at = bytes
        .windows(4)
        .rposition(|w| w == b"PK\x01\x02")
        .expect("central header");
    bytes[at + 24..at + 28].copy_from_slice(&0xC000_0000u32.to_le_bytes());
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("bomb.xlsx"), &bytes).expect("write");
    let r = run(dir.path(), &["plan", "bomb.xlsx", "--out", "out"]);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(
        r.stderr
            .contains("bomb.xlsx: the workbook unpacks to more than 1,073,741,824 bytes"),
        "{}",
        r.both()
    );
}

#[test]
fn control_characters_from_files_reach_the_terminal_escaped() {
    // Regression: messages, values and names from claim files were printed raw, so a file
    // could clear the screen, retitle the terminal or hide a line behind a carriage return.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("claim.csv"),
        "ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\n\
         B7603245278,100000241223,Failed,\"PROTEST\x1b]0;owned\x07 ON ENTRY\rall fine\"\r\n\
         B76\x1b[2J0324527,100000241223,Failed,x\r\n",
    )
    .expect("write");
    let triage = run(dir.path(), &["triage", "claim.csv", "--out", "out"]);
    assert!(matches!(triage.code, Some(0 | 1)), "{}", triage.both());
    for (what, text) in [("stdout", &triage.stdout), ("stderr", &triage.stderr)] {
        assert!(
            !text.contains(['\x1b', '\x07', '\r']),
            "triage {what} holds a raw control character:\n{}",
            triage.both()
        );
    }
    assert!(
        triage.stdout.contains("B76\\u{1b}[2J0324527"),
        "{}",
        triage.both()
    );

    let missing = run(dir.path(), &["check", "in\x1b[2J.csv"]);
    assert_eq!(missing.code, Some(2), "{}", missing.both());
    assert!(!missing.stderr.contains('\x1b'), "{}", missing.both());
    assert!(
        missing.stderr.contains("in\\u{1b}[2J.csv: no such file"),
        "{}",
        missing.both()
    );
}

#[test]
fn control_characters_in_recorded_names_reach_the_terminal_escaped_from_every_ledger_command() {
    // Regression: declaration names recorded in the ledger (the file name as given) were
    // printed raw by `ledger uploaded`, `failed`, `undo`, and by the notice every ledger command
    // (`ledger status` among them) prints first.
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = dir.path().join("ledger.sqlite3");
    let name = "decl\x1b]0;owned\x07\x1b[2J.csv";
    std::fs::write(dir.path().join(name), "Entry Number\r\nB7603245278\r\n").expect("write");
    let runs = [
        vec!["ledger", "uploaded", name, "--at", "2026-05-05"],
        vec!["ledger", "status"],
        vec!["ledger", "declarations"],
        vec!["ledger", "entry", "B7603245278"],
        vec!["ledger", "failed", "#1"],
        vec!["ledger", "undo", "#1"],
        vec!["check", name],
        vec!["explain", "PROTEST\x1b[2J ON ENTRY"],
        vec!["explain", "no such\x1b[2J rule"],
    ];
    let mut seen_name = false;
    for args in runs {
        let r = common::run_with_ledger(dir.path(), &ledger, &args);
        for (what, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
            assert!(
                !text.contains(['\x1b', '\x07']),
                "{args:?} {what} holds a raw control character:\n{}",
                r.both()
            );
        }
        seen_name |= r.both().contains("decl\\u{1b}]0;owned\\u{7}");
    }
    assert!(seen_name, "the name is shown, escaped");
}

#[test]
fn an_old_xls_workbook_is_refused_with_the_way_out() {
    // Its reader sizes a sheet from the dimension the file declares, so it is not read; `check`
    // still judges it as a file CBP refuses.
    let mut bytes = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    bytes.resize(4096, 0);
    hostile(
        "old.xls",
        Some(&bytes),
        &Expect {
            check_exit: 1,
            check_says: &["F001", "an old-style Excel workbook (.xls), not a CSV"],
            fix_exit: 2,
            fix_says: &[
                "old.xls: the file is an old-style Excel workbook (.xls), which capekit does not read - open it in Excel and save it as an Excel Workbook (.xlsx) or as CSV",
            ],
        },
    );
}
