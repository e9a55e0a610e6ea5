//! Helpers shared by the integration tests: an in-process api router driven with `oneshot`, and
//! a minimal HTTP/1.1 client for the tests that need real sockets.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::{to_bytes, Body};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use clap::Parser;
use lpmon_emulator::server::api_router;
use lpmon_emulator::{AppState, Cli, Settings};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tower::ServiceExt;

pub const ACCOUNT: &str = "12345678";
pub const APP: &str = "8de29e3d-25b1-4d08-b713-8331ab222bfa";
pub const API_HOST: &str = "127.0.0.1:8031";

pub fn cli(extra: &[&str]) -> Cli {
    let mut args = vec!["lpmon-emulator"];
    args.extend_from_slice(extra);
    Cli::parse_from(args)
}

/// An api router on its own fresh state, as if started with these extra flags.
pub fn api(extra: &[&str]) -> Router {
    api_router(AppState::new(Settings::from_cli(
        &cli(extra),
        API_HOST.to_owned(),
    )))
}

/// An answer, with the body both as text and (when it parses) as JSON.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn code(&self) -> Option<i64> {
        self.json.get("internalCode").and_then(Value::as_i64)
    }

    pub fn str(&self, key: &str) -> String {
        self.json
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no string {key:?} in {}", self.text))
            .to_owned()
    }
}

pub async fn send(router: &Router, request: Request<Body>) -> Answer {
    let response = match router.clone().oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        text,
        json,
    }
}

pub fn request(method: Method, uri: &str, headers: &[(&str, &str)], body: &str) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Body::from(body.to_owned())).unwrap()
}

pub fn engagement_uri(query: &str) -> String {
    format!("/api/account/{ACCOUNT}/app/{APP}/engagement?{query}")
}

pub fn report_uri(query: &str) -> String {
    format!("/api/account/{ACCOUNT}/app/{APP}/report?{query}")
}

pub async fn engage(router: &Router, query: &str, body: &str) -> Answer {
    let headers = [("content-type", "application/json")];
    send(
        router,
        request(Method::POST, &engagement_uri(query), &headers, body),
    )
    .await
}

/// A report as browsers must send it: POST with the method override.
pub async fn report(router: &Router, query: &str, body: &str) -> Answer {
    let headers = [
        ("content-type", "application/json"),
        ("x-http-method-override", "PUT"),
    ];
    send(
        router,
        request(Method::POST, &report_uri(query), &headers, body),
    )
    .await
}

pub async fn get(router: &Router, uri: &str) -> Answer {
    send(router, request(Method::GET, uri, &[], "")).await
}

pub async fn post(router: &Router, uri: &str, body: &str) -> Answer {
    let headers = [("content-type", "application/json")];
    send(router, request(Method::POST, uri, &headers, body)).await
}

/// The query that continues the session an answer opened.
pub fn pair(answer: &Answer) -> String {
    format!(
        "v=1.0&vid={}&sid={}",
        answer.str("visitorId"),
        answer.str("sessionId")
    )
}

pub async fn stats(router: &Router) -> Value {
    get(router, "/__emulator/stats").await.json
}

/// A fresh empty directory under the system temp dir.
pub fn temp_dir(tag: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("lpmon-emu-{tag}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Sends raw request text on a new connection and reads until the server closes it.
pub async fn raw(addr: SocketAddr, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    // A reset counts as the end too: what was read so far is the answer.
    let _ = stream.read_to_end(&mut buf).await;
    String::from_utf8_lossy(&buf).into_owned()
}

/// A `Connection: close` HTTP/1.1 request text.
pub fn http(method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut text = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(body);
    text
}

/// The status code of a raw answer, if it has a status line.
pub fn raw_status(answer: &str) -> Option<u16> {
    answer.split_whitespace().nth(1)?.parse().ok()
}
