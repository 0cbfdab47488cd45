//! Helpers shared by the CLI integration tests: running the binary in a scratch folder with
//! relative file names (so no output holds a temporary path), reading its outcome, and the
//! committed fixtures of `tests/fixtures/check/`.

#![allow(
    dead_code,
    reason = "each test crate uses a different part of this module"
)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The committed fixtures of the file check, one or more per rule.
pub fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/check")
}

/// The bytes of a committed fixture.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = fixture_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// The zone every test run shows its times in, whatever this computer's: times are printed in
/// local time with the zone, and a test must not depend on where it runs.
pub const TEST_TZ: &str = "America/New_York";

/// A `capekit` command that runs in `dir` with the ledger at `ledger`, never the user's own, on
/// the clock of [`TEST_TZ`].
pub fn capekit(dir: &Path, ledger: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_capekit"));
    cmd.current_dir(dir)
        .env("CAPEKIT_LEDGER", ledger)
        .env("TZ", TEST_TZ)
        .env_remove("RUST_BACKTRACE");
    cmd
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
}

impl Run {
    /// What a finished process did; fails when it panicked or died of a signal.
    pub fn of(out: &std::process::Output) -> Run {
        let run = Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        run.assert_no_panic();
        run
    }

    /// Both streams, for failure messages.
    pub fn both(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code,
            shorten(&self.stdout),
            shorten(&self.stderr)
        )
    }

    /// A transcript for snapshots: exit code and both streams.
    pub fn transcript(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code
                .map_or_else(|| "signal".to_owned(), |c| c.to_string()),
            self.stdout,
            self.stderr
        )
    }

    /// Standard output parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.both()))
    }

    /// Fails when the binary panicked or died of a signal.
    pub fn assert_no_panic(&self) {
        assert!(
            !self.stderr.contains("panicked") && !self.stdout.contains("panicked"),
            "capekit panicked:\n{}",
            self.both()
        );
        assert!(
            self.code.is_some(),
            "capekit died of a signal:\n{}",
            self.both()
        );
    }
}

/// Runs `capekit ARGS` in `dir`; fails when it panics. Each run has a ledger of its own, so that
/// what one command records (an upload `fix` wrote) never changes what the next one reports:
/// these tests are about files, not history.
pub fn run(dir: &Path, args: &[&str]) -> Run {
    let ledger = tempfile::tempdir().expect("tempdir for the ledger");
    run_with_ledger(dir, &ledger.path().join("ledger.sqlite3"), args)
}

/// Runs `capekit ARGS` in `dir` with the ledger file `ledger`; fails when it panics.
pub fn run_with_ledger(dir: &Path, ledger: &Path, args: &[&str]) -> Run {
    Run::of(
        &capekit(dir, ledger)
            .args(args)
            .output()
            .expect("run capekit"),
    )
}

/// The first 2,000 characters of a long text, for failure messages.
pub fn shorten(s: &str) -> String {
    if s.chars().count() <= 2_000 {
        s.to_owned()
    } else {
        let head: String = s.chars().take(2_000).collect();
        format!("{head}... ({} bytes in all)", s.len())
    }
}

/// `count` distinct valid entry numbers of filer `filer`, in order.
pub fn entries(filer: &str, count: u32) -> Vec<String> {
    (1..=count)
        .map(|i| {
            capekit_core::EntryNumber::from_parts(filer, i)
                .expect("valid parts")
                .to_string()
        })
        .collect()
}

/// A declaration as CBP's template saves it: header, one entry a row, CRLF, no BOM.
pub fn upload_csv<S: AsRef<str>>(entries: &[S]) -> Vec<u8> {
    let mut out = b"Entry Number\r\n".to_vec();
    for e in entries {
        out.extend_from_slice(e.as_ref().as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// The one file in `dir` whose name starts with `prefix` (`refile-`, `worklist-`) and ends with
/// `suffix` (`.csv`): capekit names its outputs by claim (or importer) and date
/// (`capekit_io::names`), which a test of other things need not spell out.
pub fn written(dir: &Path, prefix: &str, suffix: &str) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|f| f.path())
        .filter(|p| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(suffix))
        })
        .collect();
    match found.as_slice() {
        [one] => one.clone(),
        _ => panic!("{}: not one {prefix}*{suffix} but {found:?}", dir.display()),
    }
}
