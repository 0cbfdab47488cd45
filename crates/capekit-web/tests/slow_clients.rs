//! Clients that never finish (slowloris): a real server on 127.0.0.1 (a port of the system's
//! choosing) with short timeouts, and raw TCP connections that send half a request and wait.
//! Each wait is bounded: a connection the server keeps past the bound fails the test.

use std::time::Duration;

use capekit_web::{AppState, Timeouts, serve_on};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;

/// Far longer than the timeouts below: the server must close well before.
const BOUND: Duration = Duration::from_secs(20);

async fn server() -> (u16, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut state = AppState::new(dir.path().join("uploads"));
    state.timeouts = Timeouts {
        header: Duration::from_millis(300),
        body: Duration::from_millis(300),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(serve_on(listener, state));
    (port, dir)
}

/// Sends `bytes`, then reads until the server closes the connection; `None` if it is still
/// open after [`BOUND`] without a byte.
async fn send_and_wait(port: u16, bytes: &[u8]) -> Option<String> {
    let bytes = bytes.to_vec();
    tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.set_read_timeout(Some(BOUND)).expect("read timeout");
        stream.write_all(&bytes).expect("send");
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return None;
                }
                // Reset by the server: closed too.
                Err(_) => break,
            }
        }
        Some(String::from_utf8_lossy(&got).into_owned())
    })
    .await
    .expect("client thread")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_a_header_is_closed() {
    let (port, _dir) = server().await;
    let half = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: slow");
    let got = send_and_wait(port, half.as_bytes()).await;
    let got = got.expect("the connection was closed");
    assert!(!got.contains("200 OK"), "{got}");
    // Not a byte: the same.
    assert!(
        send_and_wait(port, b"").await.is_some(),
        "an idle connection is closed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_a_body_is_a_408_and_closed() {
    let (port, dir) = server().await;
    let head = format!(
        "POST /upload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"c.csv\"\r\n\r\nEntry Number,Status\r\n"
    );
    let got = send_and_wait(port, head.as_bytes())
        .await
        .expect("the connection was closed");
    assert!(got.starts_with("HTTP/1.1 408"), "{got}");
    assert!(got.contains("The upload took too long"), "{got}");
    assert!(!dir.path().join("uploads").exists(), "nothing was saved");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_request_is_answered() {
    let (port, _dir) = server().await;
    let got = send_and_wait(
        port,
        format!("GET /rules HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )
    .await
    .expect("closed after the answer");
    assert!(got.starts_with("HTTP/1.1 200"), "{got}");
    assert!(got.contains("F014"), "{got}");
}
