//! `capekit serve`: the web workbench on this computer.
//!
//! Binding an address other computers can reach needs `--allow-remote`, because the workbench
//! has no login: whoever reaches it can upload files and read every upload. Whatever the address,
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
}

pub fn run(args: ServeArgs, ledger: &super::ledger::LedgerOpt) -> anyhow::Result<u8> {
    let ServeArgs {
        addr,
        allow_remote,
        allow_hosts,
        upload_dir,
        open_browser,
    } = args;
    let mut hosts = AllowedHosts::new(addr.port());
    for name in &allow_hosts {
        hosts.allow(name).context("--allow-host")?;
    }
    if !addr.ip().is_loopback() {
        if !allow_remote {
            anyhow::bail!(
                "{addr} can be reached from other computers, and the workbench has no login; use 127.0.0.1:PORT, or add --allow-remote if you really mean it"
            );
        }
        errln!(
            "capekit: warning: listening on {addr}: anyone who can reach this computer can upload files and read every upload - there is no login"
        );
        if addr.ip().is_unspecified() && allow_hosts.is_empty() {
            errln!(
                "capekit: warning: {addr} is every address of this computer, but only requests naming 127.0.0.1, localhost or [::1] are answered; name the address or host name other computers use with --allow-host NAME"
            );
        }
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
    state.hosts = hosts;
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
            browser_url(bound),
            dir.display()
        )
        .and_then(|()| out.flush());
        if open_browser {
            let url = browser_url(bound);
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

/// The address a browser on this computer opens: the one bound, or loopback when every address
/// (`0.0.0.0`, `[::]`) was bound, which is not an address a browser should be sent to.
fn browser_url(bound: SocketAddr) -> String {
    match bound.ip() {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => {
            format!("http://127.0.0.1:{}/", bound.port())
        }
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => {
            format!("http://[::1]:{}/", bound.port())
        }
        _ => format!("http://{bound}/"),
    }
}

#[cfg(test)]
mod tests {
    use super::browser_url;

    #[test]
    fn the_browser_is_sent_to_an_address_it_can_open() {
        let url = |a: &str| browser_url(a.parse().expect("address"));
        assert_eq!(url("127.0.0.1:8080"), "http://127.0.0.1:8080/");
        assert_eq!(url("0.0.0.0:9000"), "http://127.0.0.1:9000/");
        assert_eq!(url("[::]:9000"), "http://[::1]:9000/");
        assert_eq!(url("[::1]:8080"), "http://[::1]:8080/");
        assert_eq!(url("192.168.1.20:8080"), "http://192.168.1.20:8080/");
    }
}
