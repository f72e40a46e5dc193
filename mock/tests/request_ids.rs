//! `X-Request-Id` (issue #16): on every response, whatever answered it (a route, an error,
//! the 404 outside `/v1`, a control route, a preflight, the activity stream), its own for
//! each request, and readable from a page. The request log's side is in process.rs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;
use common::*;
use std::collections::HashSet;
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn request_id(r: &Reply) -> String {
    let id = r.header("x-request-id").unwrap_or_else(|| panic!("no X-Request-Id on a {}: {}", r.status, r.text()));
    let rest = id.strip_prefix("req_").unwrap_or_default();
    assert!(!rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
    id.to_owned()
}

/// The status line and headers of an event stream, which never ends by itself.
async fn stream_head(addr: SocketAddr, key: &str, path: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {key}\r\nAccept: text/event-stream\r\n\r\n");
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tokio::time::timeout(std::time::Duration::from_secs(30), stream.read(&mut chunk)).await.unwrap().unwrap();
        assert!(n > 0, "closed before the head");
        buf.extend_from_slice(&chunk[..n]);
    }
    parse(&buf).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_response_has_a_request_id_of_its_own() {
    let server = start(|_| {}).await;
    let addr = server.addr();
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    let preflight = [("Origin", "http://a.test"), ("Access-Control-Request-Method", "POST")];
    let replies = vec![
        c.get("/v1/companies").await,
        raw(addr, "GET", "/health", &[], None).await.unwrap(),
        raw(addr, "GET", "/nowhere", &[], None).await.unwrap(),
        c.get("/v1/playbooks").await,
        c.call("DELETE", "/v1/companies", None, &[]).await,
        raw(addr, "GET", "/v1/companies", &[], None).await.unwrap(),
        c.post("/v1/companies", "{bad").await,
        c.get("/v1/companies?limit=0").await,
        c.call("GET", "/v1/companies", None, &[("X-Capx-Mock-Fault", "500")]).await,
        c.call("GET", "/v1/companies", None, &[("X-Capx-Mock-Fault", "html_502")]).await,
        c.get("/__mock/account").await,
        c.get("/__mock/nothing").await,
        raw(addr, "OPTIONS", "/v1/companies", &preflight, None).await.unwrap(),
        stream_head(addr, &c.key, &format!("/v1/companies/{co}/activity?stream=true")).await,
    ];
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 200, 404, 404, 404, 401, 400, 400, 500, 502, 200, 404, 204, 200]);
    assert_eq!(replies.last().unwrap().header("content-type"), Some("text/event-stream"));
    let ids: Vec<String> = replies.iter().map(request_id).collect();
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len(), "one id per request: {ids:?}");

    // Concurrent requests too, and a page can read the id (and Idempotent-Replayed).
    let many = futures_util::future::join_all((0..40).map(|_| c.call("GET", "/v1/companies", None, &[("Origin", "http://a.test")]))).await;
    let ids: HashSet<String> = many.iter().map(request_id).collect();
    assert_eq!(ids.len(), 40);
    let exposed = many[0].header("access-control-expose-headers").unwrap();
    assert!(exposed.contains("X-Request-Id") && exposed.contains("Idempotent-Replayed"), "{exposed}");
    server.shutdown().await;
}
