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
    server_with(Timeouts {
        header: Duration::from_millis(300),
        body: Duration::from_millis(300),
    })
    .await
}

async fn server_with(timeouts: Timeouts) -> (u16, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut state = AppState::new(dir.path().join("uploads"));
    state.timeouts = timeouts;
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

/// Sends the headers, then reads the first bytes the server answers while the connection stays
/// open; with `chunks`, keeps sending chunks of a chunked body (up to `chunks` of 64 KiB) until
/// the server answers. Returns the answer and how long it took.
fn answer_while_sending(port: u16, head: &str, chunks: usize) -> (String, std::time::Duration) {
    let started = std::time::Instant::now();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.write_all(head.as_bytes()).expect("send");
    stream
        .set_read_timeout(Some(Duration::from_millis(if chunks == 0 {
            BOUND.as_millis() as u64
        } else {
            1
        })))
        .expect("read timeout");
    let chunk = format!("10000\r\n{}\r\n", "x".repeat(0x10000));
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let mut sent = 0;
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                got.extend_from_slice(&buf[..n]);
                if got.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                if chunks == 0 || sent >= chunks || started.elapsed() > BOUND {
                    break;
                }
                if stream.write_all(chunk.as_bytes()).is_err() {
                    // Closed by the server: read what it said.
                    stream
                        .set_read_timeout(Some(Duration::from_secs(2)))
                        .expect("read timeout");
                    let _ = stream.read_to_end(&mut got);
                    break;
                }
                sent += 1;
            }
            Err(_) => break,
        }
    }
    (
        String::from_utf8_lossy(&got).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_content_length_is_answered_413_from_the_header_alone() {
    // Timeouts far longer than the answer may take: the 413 comes from the header, not a timer.
    let (port, dir) = server_with(Timeouts {
        header: Duration::from_secs(60),
        body: Duration::from_secs(60),
    })
    .await;
    let head = format!(
        "POST /upload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 10000000000\r\n\r\n"
    );
    let (got, took) = tokio::task::spawn_blocking(move || answer_while_sending(port, &head, 0))
        .await
        .expect("client thread");
    assert!(got.starts_with("HTTP/1.1 413"), "{got}");
    assert!(
        got.to_ascii_lowercase().contains("connection: close"),
        "{got}"
    );
    assert!(took < Duration::from_secs(10), "answered after {took:?}");
    assert!(!dir.path().join("uploads").exists(), "nothing was saved");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chunked_upload_past_the_limit_is_cut_off_with_413() {
    let (port, dir) = server_with(Timeouts {
        header: Duration::from_secs(60),
        body: Duration::from_secs(60),
    })
    .await;
    let part = "--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"c.csv\"\r\n\r\n";
    let head = format!(
        "POST /upload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{part}\r\n",
        part.len()
    );
    // Up to twice the limit in chunks: the server must answer before the client stops sending.
    let chunks = 2 * capekit_web::MAX_UPLOAD_BYTES / 0x10000;
    let (got, _) = tokio::task::spawn_blocking(move || answer_while_sending(port, &head, chunks))
        .await
        .expect("client thread");
    assert!(got.starts_with("HTTP/1.1 413"), "{got}");
    assert!(!dir.path().join("uploads").exists(), "nothing was saved");
}
