//! A deliberately tiny HTTP/1.1 client over a raw socket, so the tests see exactly what
//! went over the wire (dropped connections, truncated bodies, SSE frames) and need no
//! client library.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use capx_mock::{Config, MockServer};
use serde_json::Value;
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn data(&self) -> Value {
        self.json()["data"].clone()
    }
    pub fn code(&self) -> String {
        self.json()["error"]["code"].as_str().unwrap_or_default().to_owned()
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn remaining(&self) -> i64 {
        self.json()["meta"]["credits_remaining"].as_i64().unwrap()
    }
    /// `X-RateLimit-Limit`, `-Remaining`, `-Reset`, all present and numeric.
    pub fn rate(&self) -> (u64, u64, u64) {
        let n = |h: &str| self.header(h).unwrap_or_else(|| panic!("no {h}")).parse::<u64>().unwrap();
        (n("x-ratelimit-limit"), n("x-ratelimit-remaining"), n("x-ratelimit-reset"))
    }
}

/// Polls `f` every 20 ms until it gives `Some`, for at most 30 s: the machine may be slow,
/// and no test depends on how fast.
pub async fn eventually<T, Fut: std::future::Future<Output = Option<T>>>(what: &str, mut f: impl FnMut() -> Fut) -> T {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(std::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

pub fn key_config(key: &str, plan: &str, extra: Value) -> capx_mock::config::KeyConfig {
    let mut v = serde_json::json!({"key": key, "plan": plan});
    v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    serde_json::from_value(v).unwrap()
}

pub async fn start(configure: impl FnOnce(&mut Config)) -> MockServer {
    let mut config = Config { port: 0, quiet: true, heartbeat: std::time::Duration::from_secs(3600), ..Config::default() };
    config.open_keys = Some("enterprise".into());
    configure(&mut config);
    capx_mock::start(config).await.unwrap()
}

pub fn fresh_key() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!("capx_sk_test_k{}x{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

/// Sends one request (`Connection: close`) and reads the whole response; `None` when the
/// server closed the connection without answering.
pub async fn raw(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> Option<Reply> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        req.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", b.len()));
    }
    req.push_str("\r\n");
    req.push_str(body.unwrap_or_default());
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let _ = stream.read_to_end(&mut buf).await;
    parse(&buf)
}

/// Parses a response (or, with status 0, a request: the webhook receiver uses it too).
pub fn parse(buf: &[u8]) -> Option<Reply> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&buf[..end]);
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().unwrap_or(0);
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(": ")).map(|(k, v)| (k.to_ascii_lowercase(), v.to_owned())).collect();
    let mut body = buf[end + 4..].to_vec();
    if headers.iter().any(|(k, v)| k == "transfer-encoding" && v == "chunked") {
        body = dechunk(&body);
    }
    Some(Reply { status, headers, body })
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let Ok(size) = usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16) else { break };
        if size == 0 || b.len() < eol + 2 + size {
            out.extend_from_slice(&b[(eol + 2).min(b.len())..]);
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[(eol + 4 + size).min(b.len())..];
    }
    out
}

pub struct Client {
    pub addr: SocketAddr,
    pub key: String,
}

impl Client {
    pub fn new(server: &MockServer) -> Self {
        Self { addr: server.addr(), key: fresh_key() }
    }
    pub fn with_key(server: &MockServer, key: &str) -> Self {
        Self { addr: server.addr(), key: key.to_owned() }
    }
    pub async fn call(&self, method: &str, path: &str, body: Option<&str>, extra: &[(&str, &str)]) -> Reply {
        let auth = format!("Bearer {}", self.key);
        let mut headers = vec![("Authorization", auth.as_str())];
        headers.extend_from_slice(extra);
        raw(self.addr, method, path, &headers, body).await.expect("a response")
    }
    pub async fn get(&self, path: &str) -> Reply {
        self.call("GET", path, None, &[]).await
    }
    pub async fn post(&self, path: &str, body: &str) -> Reply {
        self.call("POST", path, Some(body), &[]).await
    }
    pub async fn patch(&self, path: &str, body: &str) -> Reply {
        self.call("PATCH", path, Some(body), &[]).await
    }
    /// `GET /__mock/account`: plan, balance, requests in flight, the rate window.
    pub async fn account(&self) -> Value {
        self.get("/__mock/account").await.json()
    }
    pub async fn events(&self, company: &str) -> Vec<Value> {
        self.get(&format!("/v1/companies/{company}/activity?limit=100")).await.data().as_array().unwrap().clone()
    }
    pub async fn company(&self, mode: &str) -> String {
        let r = self.post("/v1/companies", &format!(r#"{{"name":"Acme","governance_mode":"{mode}"}}"#)).await;
        assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
        r.data()["id"].as_str().unwrap().to_owned()
    }
    pub async fn task(&self, company: &str, title: &str) -> Value {
        let r = self.post(&format!("/v1/companies/{company}/tasks"), &format!(r#"{{"title":"{title}"}}"#)).await;
        assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
        r.data()
    }
    pub async fn tick(&self) {
        assert_eq!(self.post("/__mock/tick", "").await.status, 200);
    }
    pub async fn requests(&self) -> Vec<Value> {
        self.get("/__mock/requests").await.json()["requests"].as_array().unwrap().clone()
    }
}

/// Opens an SSE request and reads until `done(text)` holds for the decoded body (or the
/// server closes, or `ms` pass). Returns the body text and whether the server closed.
pub async fn sse(addr: SocketAddr, key: &str, path: &str, extra: &[(&str, &str)], ms: u64, done: impl Fn(&str) -> bool) -> (String, bool) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {key}\r\nAccept: text/event-stream\r\n");
    for (k, v) in extra {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).await.unwrap();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_millis(ms);
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let text = parse(&buf).map(|r| String::from_utf8_lossy(&r.body).into_owned()).unwrap_or_default();
        if done(&text) {
            return (text, false);
        }
        match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (text, true),
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
            Err(_) => return (text, false),
        }
    }
}

/// The `id:` values of the complete events in an SSE text.
pub fn event_ids(text: &str) -> Vec<u64> {
    text.split("\n\n").filter(|block| block.contains("data: ")).filter_map(|b| b.lines().find_map(|l| l.strip_prefix("id: "))?.parse().ok()).collect()
}
