//! `capekit serve`: the web workbench on this computer.
//!
//! Binding an address other computers can reach needs `--allow-remote`, because the workbench
//! has no login: whoever reaches it can upload files and read every upload.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use capekit_web::{AppState, default_upload_dir, serve_blocking};

use crate::exit;

pub fn run(
    addr: SocketAddr,
    allow_remote: bool,
    upload_dir: Option<PathBuf>,
) -> anyhow::Result<u8> {
    if !addr.ip().is_loopback() {
        if !allow_remote {
            anyhow::bail!(
                "{addr} can be reached from other computers, and the workbench has no login; use 127.0.0.1:PORT, or add --allow-remote if you really mean it"
            );
        }
        eprintln!(
            "capekit: warning: listening on {addr}: anyone who can reach this computer can upload files and read every upload - there is no login"
        );
    }
    let Some(dir) = upload_dir.or_else(default_upload_dir) else {
        anyhow::bail!("no data folder is known for this user; give one with --upload-dir DIR");
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("creating the upload folder {}", dir.display()))?;
    let state = AppState::new(dir.clone());
    serve_blocking(addr, state, |bound| {
        println!("capekit workbench: open http://{bound}/ in your browser");
        println!("uploads are saved in {}", dir.display());
        println!("press Ctrl+C to stop");
    })
    .with_context(|| format!("serving on {addr}"))?;
    Ok(exit::OK)
}
