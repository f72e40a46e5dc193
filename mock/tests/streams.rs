//! The activity stream, webhook delivery and fault injection, over raw sockets.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;
use common::*;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test(flavor = "multi_thread")]
async fn sse_frames_replay_and_keepalive() {
    let server = start(|c| {
        c.keepalive = Duration::from_millis(100);
        c.sse_retry_ms = 1234;
        c.fail_rate = 0.0;
    })
    .await;
    let c = Client::new(&server);
    let co = c.company("human_in_loop").await;
    let path = format!("/v1/companies/{co}/activity?stream=true");
    // Live: starts with no history; a task created while connected arrives.
    let (addr, key, co2) = (server.addr(), c.key.clone(), co.clone());
    let live = tokio::spawn(async move {
        sse(addr, &key, &format!("/v1/companies/{co2}/activity?stream=true"), &[], 3000, |t| t.contains("task.approval_required") && t.contains(": keepalive")).await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let task = c.task(&co, "watched").await;
    let (text, closed) = live.await.unwrap();
    assert!(!closed);
    assert!(text.starts_with("retry: 1234\n\n"), "{text}");
    assert!(!text.contains("company.created"), "no history without Last-Event-ID: {text}");
    let frame = text.split("\n\n").find(|b| b.contains("task.created")).unwrap();
    let lines: Vec<&str> = frame.lines().collect();
    assert!(lines[0].starts_with("id: ") && lines[1] == "event: activity" && lines[2].starts_with("data: "), "{frame}");
    let data: Value = serde_json::from_str(lines[2].strip_prefix("data: ").unwrap()).unwrap();
    assert_eq!((data["type"].as_str(), data["task_id"].as_str()), (Some("task.created"), task["id"].as_str()));
    assert!(data["timestamp"].as_str().unwrap().ends_with('Z'));
    assert!(text.contains(": keepalive\n\n"));

    // Resume: everything after Last-Event-ID, once, in order.
    c.tick().await;
    c.tick().await;
    let (all, _) = sse(server.addr(), &c.key, &path, &[("Last-Event-ID", "0")], 1500, |t| event_ids(t).len() >= 9).await;
    let ids = event_ids(&all);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "monotonic: {ids:?}");
    let from = ids[3];
    let (rest, _) = sse(server.addr(), &c.key, &path, &[("Last-Event-ID", &from.to_string())], 1000, |t| event_ids(t).len() >= ids.len() - 4).await;
    assert_eq!(event_ids(&rest), ids[4..].to_vec(), "no duplicates, no gaps");
    // Without stream=true: the same events as a paginated list.
    let list = c.get(&format!("/v1/companies/{co}/activity?limit=100")).await.json();
    assert_eq!(list["data"].as_array().unwrap().len(), ids.len());
    assert_eq!(list["meta"]["cursor"], Value::Null);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sse_drop_and_stream_errors() {
    let server = start(|_| {}).await;
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    for i in 0..3 {
        c.task(&co, &format!("t{i}")).await;
    }
    let path = format!("/v1/companies/{co}/activity?stream=true");
    let (text, closed) = sse(server.addr(), &c.key, &path, &[("Last-Event-ID", "0"), ("X-Capx-Mock-Fault", "sse_drop:2")], 2000, |_| false).await;
    assert!(closed, "the connection was cut");
    assert_eq!(event_ids(&text).len(), 2);
    let missing = c.call("GET", "/v1/companies/co_nope/activity?stream=true", None, &[("Accept", "text/event-stream")]).await;
    assert_eq!((missing.status, missing.code().as_str()), (404, "not_found"));
    let anonymous = raw(server.addr(), "GET", &path, &[("Accept", "text/event-stream")], None).await.unwrap();
    assert_eq!(anonymous.status, 401);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn injected_faults() {
    let server = start(|_| {}).await;
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    let tasks = format!("/v1/companies/{co}/tasks");
    let auth = format!("Bearer {}", c.key);
    let headers = [("Authorization", auth.as_str()), ("X-Capx-Mock-Fault", "drop_after_commit"), ("Idempotency-Key", "k1")];
    let dropped = raw(server.addr(), "POST", &tasks, &headers, Some(r#"{"title":"committed"}"#)).await;
    assert!(dropped.is_none(), "no response bytes at all");
    let list = c.get(&tasks).await.data();
    assert_eq!(list.as_array().unwrap().len(), 1, "but the task was committed");
    let replay = c.call("POST", &tasks, Some(r#"{"title":"committed"}"#), &[("Idempotency-Key", "k1")]).await;
    assert_eq!((replay.status, replay.header("idempotent-replayed")), (201, Some("true")));

    let truncated = c.call("GET", &tasks, None, &[("X-Capx-Mock-Fault", "truncate")]).await;
    let promised: usize = truncated.header("content-length").unwrap().parse().unwrap();
    assert!(truncated.body.len() < promised, "{} of {promised} bytes", truncated.body.len());

    let page = c.call("GET", &tasks, None, &[("X-Capx-Mock-Fault", "html_502")]).await;
    assert_eq!((page.status, page.header("content-type")), (502, Some("text/html")));
    assert!(String::from_utf8_lossy(&page.body).contains("502 Bad Gateway"));

    let started = std::time::Instant::now();
    assert_eq!(c.call("GET", &tasks, None, &[("X-Capx-Mock-Fault", "slow:300")]).await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));

    let limited = c.call("GET", &tasks, None, &[("X-Capx-Mock-Fault", "429")]).await;
    assert_eq!((limited.status, limited.header("retry-after")), (429, Some("1")));

    // Armed faults: the next N matching requests, then normal service.
    let armed = c.post("/__mock/faults", &format!(r#"{{"kind":"500","times":2,"method":"GET","path":"{tasks}"}}"#)).await;
    assert_eq!(armed.status, 200);
    assert_eq!(c.get("/v1/companies").await.status, 200, "another path is untouched");
    assert_eq!(c.get(&tasks).await.status, 500);
    assert_eq!(c.get(&tasks).await.status, 500);
    assert_eq!(c.get(&tasks).await.status, 200);
    let log = c.requests().await;
    assert_eq!(log.iter().filter(|r| r["fault"] == "500").count(), 2);
    server.shutdown().await;

    // Random faults by config, deterministic per seed.
    let noisy = start(|c| {
        c.fault_rate = 0.5;
        c.fault_kinds = vec!["500".into()];
    })
    .await;
    let c = Client::new(&noisy);
    let mut statuses = Vec::new();
    for _ in 0..40 {
        statuses.push(c.get("/v1/companies").await.status);
    }
    let failures = statuses.iter().filter(|s| **s == 500).count();
    assert!((8..=32).contains(&failures), "{failures} of 40 at rate 0.5");
    noisy.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn webhooks_are_signed_and_retried() {
    let receiver = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", receiver.local_addr().unwrap());
    type Delivery = (String, Vec<(String, String)>, String);
    let got: Arc<Mutex<Vec<Delivery>>> = Arc::default();
    let sink = got.clone();
    tokio::spawn(async move {
        let mut n = 0;
        loop {
            let (mut s, _) = receiver.accept().await.unwrap();
            n += 1;
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            loop {
                let read = s.read(&mut chunk).await.unwrap_or(0);
                buf.extend_from_slice(&chunk[..read]);
                let Some(r) = parse(&buf) else { if read == 0 { break } else { continue } };
                let len: usize = r.header("content-length").unwrap_or("0").parse().unwrap();
                if r.body.len() >= len || read == 0 {
                    // The very first delivery attempt fails, to exercise the retry.
                    let status = if n == 1 { "500 Internal Server Error" } else { "204 No Content" };
                    sink.lock().unwrap().push((status.to_owned(), r.headers.clone(), String::from_utf8_lossy(&r.body).into_owned()));
                    let _ = s.write_all(format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes()).await;
                    break;
                }
            }
        }
    });
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let server = start(|c| {
        c.webhook_url = Some(url);
        c.webhook_secret = Some(secret.into());
        c.webhook_backoff = Duration::from_millis(50);
    })
    .await;
    let c = Client::new(&server);
    c.company("autonomous").await;
    for _ in 0..50 {
        if got.lock().unwrap().len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let got = got.lock().unwrap().clone();
    assert!(got.len() >= 2, "a failed delivery is retried: {got:?}");
    let header = |h: &Vec<(String, String)>, n: &str| h.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()).unwrap();
    let (first, second) = (&got[0], &got[1]);
    assert_eq!(header(&first.1, "webhook-id"), header(&second.1, "webhook-id"), "same webhook-id on the retry");
    for (_, headers, body) in [first, second] {
        let (id, ts) = (header(headers, "webhook-id"), header(headers, "webhook-timestamp"));
        let expected = capx_mock::sign_webhook(secret, &id, ts.parse().unwrap(), body.as_bytes()).unwrap();
        assert_eq!(header(headers, "webhook-signature"), expected);
        let event: Value = serde_json::from_str(body).unwrap();
        assert_eq!(event["type"], "company.created");
        assert!(event["id"].as_str().unwrap().starts_with("evt_") && event["data"]["company_id"].is_string());
    }
    let log = c.get("/__mock/webhooks").await.json();
    assert!(log["deliveries"].as_array().unwrap().len() >= 2);
    server.shutdown().await;
}
