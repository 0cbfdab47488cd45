//! Phase timings for large runs: with `CAPEKIT_TIMINGS=1` in the environment, each phase of a
//! command prints its wall time and the process's peak memory so far to standard error, so that
//! the end-to-end bench (`bench/run.sh`) can say where the time of a run goes. Off by default:
//! nothing is measured or printed, and no output changes either way.

use std::sync::OnceLock;
use std::time::Instant;

/// Are timings on (`CAPEKIT_TIMINGS` set to anything but empty or `0`)?
pub fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| {
        std::env::var_os("CAPEKIT_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0")
    })
}

/// A phase being timed: prints `capekit: timing NAME: S s, peak N MB` when dropped.
#[derive(Debug)]
pub struct Phase {
    name: &'static str,
    start: Option<Instant>,
}

/// Starts timing the phase `name` (a no-op unless [`enabled`]).
pub fn phase(name: &'static str) -> Phase {
    Phase {
        name,
        start: enabled().then(Instant::now),
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if let Some(start) = self.start {
            let peak = peak_mb().map_or_else(String::new, |mb| format!(", peak {mb} MB"));
            eprintln!(
                "capekit: timing {}: {:.3} s{peak}",
                self.name,
                start.elapsed().as_secs_f64()
            );
        }
    }
}

/// The process's peak resident memory so far, in MB, where the system tells (Linux).
fn peak_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1000)
}
