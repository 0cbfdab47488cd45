//! `capekit serve` as a user starts it: the `--allow-host` names it takes, and a real server on
//! 127.0.0.1 (a port of the system's choosing) that answers only requests naming it.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::run;

#[test]
fn a_bad_allow_host_is_refused_before_serving() {
    let dir = tempfile::tempdir().expect("tempdir");
    for bad in ["http://workbench.example", "workbench.example:8080", "a b"] {
        let out = run(
            dir.path(),
            &[
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--no-ledger",
                "--allow-host",
                bad,
            ],
        );
        assert_eq!(out.code, Some(2), "{bad}: {}", out.both());
        assert!(out.stderr.contains("is not a host name"), "{}", out.both());
        assert!(!out.stdout.contains("open http"), "{}", out.both());
    }
}

/// The server process, killed when the test ends however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Sends one request with this `Host` and returns the status line.
fn status_line(port: u16, host: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        stream,
        "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .unwrap_or_else(|e| panic!("{host}: {e}: {}", String::from_utf8_lossy(&response)));
    let response = String::from_utf8_lossy(&response);
    response.lines().next().unwrap_or("").to_owned()
}

#[test]
fn the_server_answers_only_the_hosts_it_serves() {
    let dir = tempfile::tempdir().expect("tempdir");
    let child = Command::new(env!("CARGO_BIN_EXE_capekit"))
        .current_dir(dir.path())
        .args(["serve", "--addr", "127.0.0.1:0", "--no-ledger"])
        .args([
            "--upload-dir",
            "uploads",
            "--allow-host",
            "Workbench.Example",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start capekit serve");
    let mut server = Server(child);
    let stdout = server.0.stdout.take().expect("stdout");
    let mut stdout = BufReader::new(stdout);
    let mut first = String::new();
    stdout.read_line(&mut first).expect("first line");
    // Keep reading what it prints, so that its next lines find the pipe open.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let port: u16 = first
        .trim()
        .strip_prefix("capekit workbench: open http://127.0.0.1:")
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in {first:?}"));

    for (host, status) in [
        (format!("127.0.0.1:{port}"), "200"),
        (format!("localhost:{port}"), "200"),
        (format!("workbench.example:{port}"), "200"),
        (format!("evil.example:{port}"), "421"),
        ("localhost:1".to_owned(), "421"),
    ] {
        let line = status_line(port, &host);
        assert!(
            line.starts_with(&format!("HTTP/1.1 {status}")),
            "{host}: {line}"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_does_not_stop_the_server() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A port that is free now; the server binds it a moment later.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let child = Command::new(env!("CARGO_BIN_EXE_capekit"))
        .current_dir(dir.path())
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--no-ledger",
        ])
        .args(["--upload-dir", "uploads"])
        .stdout(full)
        .stderr(Stdio::null())
        .spawn()
        .expect("start capekit serve");
    let mut server = Server(child);
    // Bounded: up to 30 s for the server to listen.
    let mut line = String::new();
    for _ in 0..300 {
        if let Some(status) = server.0.try_wait().expect("wait") {
            panic!("capekit serve stopped: {status}");
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            line = status_line(port, &format!("127.0.0.1:{port}"));
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(line.starts_with("HTTP/1.1 200"), "{line:?}");
    assert!(
        server.0.try_wait().expect("wait").is_none(),
        "still serving"
    );
}
