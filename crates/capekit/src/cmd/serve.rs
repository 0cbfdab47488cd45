//! `capekit serve`: the web workbench on this computer.
//!
//! Without `--team` the workbench has no sign-in, so it listens on this computer only
//! (`--allow-remote` alone is refused). With `--team` every page needs a sign-in; it listens on
//! another address only over HTTPS (`--tls-cert`, `--tls-key`), or on loopback behind a reverse
//! proxy that serves HTTPS to the other computers. Whatever the address,
//! the workbench answers only requests that name it (the loopback names, the address bound, and
//! the names given with `--allow-host`), so that a web site whose name is pointed at this
//! computer cannot read it (DNS rebinding).
//!
//! The ledger is resolved as every command resolves it (`--ledger`, `CAPEKIT_LEDGER`, the data
//! folder; `--no-ledger` turns it off) and opened once before serving, so that a ledger that
//! cannot be used (a newer schema, a folder that cannot be written) stops the server with the
//! reason instead of failing on every page; the pages then open it per request.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use capekit_web::{AllowedHosts, AppState, default_upload_dir, serve_blocking};

use crate::exit;

/// What `capekit serve` was given.
#[derive(Debug)]
pub struct ServeArgs {
    pub addr: SocketAddr,
    pub allow_remote: bool,
    pub allow_hosts: Vec<String>,
    pub upload_dir: Option<PathBuf>,
    /// Open the workbench in the default browser once it listens.
    pub open_browser: bool,
    /// `--team`: sign-in, roles and audit.
    pub team: bool,
    /// `--behind-proxy`: trust a reverse proxy's forwarded headers from loopback.
    pub behind_proxy: bool,
    /// `--tls-cert` and `--tls-key`.
    pub tls: Option<(PathBuf, PathBuf)>,
}

pub fn run(args: ServeArgs, ledger: &super::ledger::LedgerOpt) -> anyhow::Result<u8> {
    let ServeArgs {
        addr,
        allow_remote,
        allow_hosts,
        upload_dir,
        open_browser,
        team,
        behind_proxy,
        tls,
    } = args;
    let mut hosts = AllowedHosts::new(addr.port());
    for name in &allow_hosts {
        hosts.allow(name).context("--allow-host")?;
    }
    if let Some(refusal) = binding_refusal(addr, allow_remote, team, tls.is_some()) {
        anyhow::bail!("{refusal}");
    }
    if addr.ip().is_unspecified() && allow_hosts.is_empty() {
        errln!(
            "capekit: warning: {addr} is every address of this computer, but only requests naming 127.0.0.1, localhost or [::1] are answered; name the address or host name other computers use with --allow-host NAME"
        );
    }
    let Some(dir) = upload_dir.or_else(default_upload_dir) else {
        anyhow::bail!("no data folder is known for this user; give one with --upload-dir DIR");
    };
    if let Some(warning) = capekit_web::private_dir(&dir)
        .with_context(|| format!("creating the upload folder {}", dir.display()))?
    {
        errln!("capekit: warning: {warning}");
    }
    let ledger_path = ledger.path()?;
    if let Some(path) = &ledger_path {
        capekit_ledger::Ledger::open(path).with_context(|| {
            format!(
                "opening the ledger {}; run with --no-ledger to serve without it",
                path.display()
            )
        })?;
    }
    let mut state = AppState::new(dir.clone());
    state.ledger.clone_from(&ledger_path);
    if team {
        let Some(path) = &ledger_path else {
            anyhow::bail!(
                "--team keeps its users, sessions' owners and audit in the ledger; run it without --no-ledger"
            );
        };
        if capekit_ledger::Ledger::open(path)?.users()?.is_empty() {
            anyhow::bail!(
                "the ledger {} has no users yet, so nobody could sign in; add one first with `capekit user add NAME --role admin`",
                path.display()
            );
        }
        state.team = Some(capekit_web::Team::new(behind_proxy));
        if let Some((cert, key)) = &tls {
            state.tls = Some(
                capekit_web::Tls::from_pem_files(cert, key).context("--tls-cert and --tls-key")?,
            );
        }
        hosts.set_proxied(behind_proxy);
    }
    state.hosts = hosts;
    let https = state.tls.is_some();
    serve_blocking(addr, state, |bound| {
        // Where it listens is for the person at the terminal; a closed or full stdout (a
        // service manager, `| head -1`) must not stop the server, so write errors are ignored.
        let ledger = match &ledger_path {
            Some(p) => format!("ledger: {}", p.display()),
            None => "ledger: off (--no-ledger): nothing is remembered between uploads".to_owned(),
        };
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "capekit workbench: open {} in your browser\nuploads are saved in {}\n{ledger}\npress Ctrl+C to stop",
            browser_url(bound, https),
            dir.display()
        )
        .and_then(|()| out.flush());
        if open_browser {
            let url = browser_url(bound, https);
            // A text browser (lynx) would block until it quits: open it beside the server.
            std::thread::spawn(move || {
                if let Err(e) = webbrowser::open(&url) {
                    errln!(
                        "capekit: could not open a browser ({e}); open {url} yourself, or pass --no-browser"
                    );
                }
            });
        }
    })
    .with_context(|| format!("serving on {addr}"))?;
    Ok(exit::OK)
}

/// Why `addr` may not be served, if it may not. The workbench without `--team` has no sign-in, so
/// it listens on this computer only. A team server may listen elsewhere only over TLS, which
/// capekit does not serve itself: it listens on loopback behind a reverse proxy that does (the
/// README's "Team server"), so that passwords and session cookies never cross a network in clear.
fn binding_refusal(addr: SocketAddr, allow_remote: bool, team: bool, tls: bool) -> Option<String> {
    if addr.ip().is_loopback() || (team && tls) {
        return None;
    }
    Some(match (team, allow_remote) {
        (false, false) => format!(
            "{addr} can be reached from other computers, and the workbench without --team has no sign-in; use 127.0.0.1:PORT, or serve a team with --team behind a reverse proxy (README: Team server)"
        ),
        (false, true) => format!(
            "--allow-remote needs --team: without it the workbench has no sign-in, and anyone who reached {addr} could upload files and read every upload; use 127.0.0.1:PORT"
        ),
        (true, _) => format!(
            "a team server listens on another address only over HTTPS: give --tls-cert FILE --tls-key FILE, or listen on 127.0.0.1:PORT with --team --behind-proxy and let a reverse proxy (nginx, Caddy) serve HTTPS at {addr} (README: Team server)"
        ),
    })
}

/// The address a browser on this computer opens: the one bound, or loopback when every address
/// (`0.0.0.0`, `[::]`) was bound, which is not an address a browser should be sent to.
fn browser_url(bound: SocketAddr, https: bool) -> String {
    let scheme = if https { "https" } else { "http" };
    match bound.ip() {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => {
            format!("{scheme}://127.0.0.1:{}/", bound.port())
        }
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => {
            format!("{scheme}://[::1]:{}/", bound.port())
        }
        _ => format!("{scheme}://{bound}/"),
    }
}

#[cfg(test)]
mod tests {
    use super::{binding_refusal, browser_url};

    #[test]
    fn only_loopback_is_served_without_tls() {
        let at = |a: &str| a.parse().expect("address");
        assert_eq!(
            binding_refusal(at("127.0.0.1:8080"), false, false, false),
            None
        );
        assert_eq!(binding_refusal(at("[::1]:8080"), false, true, false), None);
        for (remote, team) in [(false, false), (true, false), (false, true), (true, true)] {
            let why = binding_refusal(at("192.168.1.20:8080"), remote, team, false);
            assert!(why.is_some(), "{remote} {team}");
        }
        // A team over its own TLS may listen anywhere.
        assert_eq!(binding_refusal(at("0.0.0.0:8443"), true, true, true), None);
        let why = binding_refusal(at("0.0.0.0:8080"), true, false, false).unwrap_or_default();
        assert!(why.contains("--allow-remote needs --team"), "{why}");
    }

    #[test]
    fn the_browser_is_sent_to_an_address_it_can_open() {
        let url = |a: &str| browser_url(a.parse().expect("address"), false);
        assert_eq!(url("127.0.0.1:8080"), "http://127.0.0.1:8080/");
        assert_eq!(url("0.0.0.0:9000"), "http://127.0.0.1:9000/");
        assert_eq!(url("[::]:9000"), "http://[::1]:9000/");
        assert_eq!(url("[::1]:8080"), "http://[::1]:8080/");
        assert_eq!(url("192.168.1.20:8080"), "http://192.168.1.20:8080/");
        let tls = browser_url("192.168.1.20:8443".parse().expect("address"), true);
        assert_eq!(tls, "https://192.168.1.20:8443/");
    }
}
