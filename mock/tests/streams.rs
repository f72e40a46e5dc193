//! The activity stream (SSE and the JSON list) and signed webhook delivery, over raw sockets.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;
use common::*;
use serde_json::Value;
use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The `data:` objects of the complete events in an SSE text.
fn event_data(text: &str) -> Vec<Value> {
    text.split("\n\n").filter_map(|b| b.lines().find_map(|l| l.strip_prefix("data: "))).map(|d| serde_json::from_str(d).unwrap()).collect()
}

/// Waits until `n` activity requests (streams, or the JSON list) have been answered with a
/// 200, so that events made after it reach a live stream.
async fn connected(c: &Client, n: usize) {
    eventually("the stream to be connected", || async {
        let opened = c.requests().await.iter().filter(|r| r["path"].as_str().unwrap().ends_with("/activity") && r["status"] == 200).count();
        (opened >= n).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sse_frames_live_events_and_keepalive() {
    let server = start(|c| {
        c.keepalive = Duration::from_millis(100);
        c.sse_retry_ms = 1234;
    })
    .await;
    let c = Client::new(&server);
    let co = c.company("human_in_loop").await;
    let path = format!("/v1/companies/{co}/activity?stream=true");
    let (addr, key, p) = (server.addr(), c.key.clone(), path.clone());
    let live = tokio::spawn(async move { sse(addr, &key, &p, &[], 30_000, |t| t.contains("task.approval_required") && t.contains(": keepalive")).await });
    connected(&c, 1).await;
    let task = c.task(&co, "watched").await;
    let (text, closed) = live.await.unwrap();
    assert!(!closed);
    assert!(text.starts_with("retry: 1234\n\n"), "{text}");
    assert!(!text.contains("company.created"), "live: no history without Last-Event-ID: {text}");
    let frame = text.split("\n\n").find(|b| b.contains("task.created")).unwrap();
    let lines: Vec<&str> = frame.lines().collect();
    assert_eq!(lines.len(), 3, "{frame}");
    assert!(lines[0].strip_prefix("id: ").unwrap().parse::<u64>().is_ok(), "{frame}");
    assert_eq!(lines[1], "event: activity");
    let data: Value = serde_json::from_str(lines[2].strip_prefix("data: ").unwrap()).unwrap();
    assert_eq!((data["type"].as_str(), data["task_id"].as_str(), data["company_id"].as_str()), (Some("task.created"), task["id"].as_str(), Some(co.as_str())));
    assert_eq!(data.as_object().unwrap().keys().next().unwrap(), "type", "seed 000's order: type first");
    assert_eq!(data.as_object().unwrap().keys().next_back().unwrap(), "timestamp", "and timestamp last");
    assert!(data["timestamp"].as_str().unwrap().ends_with('Z'));
    assert!(text.contains("\n\n: keepalive\n\n"), "a comment line: {text}");
    let ids = event_ids(&text);
    assert!(ids.len() == 2 && ids[0] < ids[1], "{ids:?}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn last_event_id_replays_what_was_missed() {
    let server = start(|c| c.fail_rate = 0.0).await;
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    let other = c.company("autonomous").await;
    c.task(&co, "one").await;
    c.task(&other, "elsewhere").await;
    c.tick().await;
    c.tick().await;
    let path = format!("/v1/companies/{co}/activity?stream=true");
    let listed = c.events(&co).await;
    let want: Vec<u64> = listed.iter().map(|e| e["id"].as_str().unwrap().parse().unwrap()).collect();
    assert!(want.len() >= 9, "{listed:?}");
    let (all, _) = sse(server.addr(), &c.key, &path, &[("Last-Event-ID", "0")], 30_000, |t| event_ids(t).len() >= want.len()).await;
    assert_eq!(event_ids(&all), want, "everything of this company, in order, and nothing of the other");
    assert!(event_ids(&all).windows(2).all(|w| w[0] < w[1]), "monotonic");
    assert_eq!(event_data(&all), listed.iter().map(|e| {
        let mut e = e.clone();
        e.as_object_mut().unwrap().shift_remove("id");
        e
    }).collect::<Vec<_>>(), "the same events as the JSON list");
    let from = want[3];
    let (rest, _) = sse(server.addr(), &c.key, &path, &[("Last-Event-ID", &from.to_string())], 30_000, |t| event_ids(t).len() >= want.len() - 4).await;
    assert_eq!(event_ids(&rest), want[4..].to_vec(), "no duplicates, no gaps");
    // Resumed streams go on live.
    let (addr, key, p, last) = (server.addr(), c.key.clone(), path.clone(), want.last().unwrap().to_string());
    let live = tokio::spawn(async move { sse(addr, &key, &p, &[("Last-Event-ID", &last)], 30_000, |t| t.contains("task.created")).await.0 });
    connected(&c, 4).await; // the JSON list, two replays, and this one
    let t = c.task(&co, "two").await;
    let text = live.await.unwrap();
    assert_eq!(event_data(&text).iter().map(|d| d["task_id"].clone()).collect::<Vec<_>>(), [t["id"].clone()]);
    assert!(event_ids(&text)[0] > *want.last().unwrap());
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_event_type_the_mock_produces() {
    let server = start(|c| {
        c.fail_rate = 0.5;
        c.cost_threshold = 0.01;
    })
    .await;
    let c = Client::new(&server);
    let co = c.company("human_in_loop").await;
    let path = format!("/v1/companies/{co}/activity?stream=true");
    let mut gated = Vec::new();
    for i in 0..8 {
        gated.push(c.task(&co, &format!("t{i}")).await["id"].as_str().unwrap().to_owned());
    }
    for id in &gated[1..] {
        c.post(&format!("/v1/companies/{co}/tasks/{id}/approve"), "").await;
    }
    c.post(&format!("/v1/companies/{co}/tasks/{}/reject", gated[0]), r#"{"reason":"no"}"#).await;
    for _ in 0..6 {
        c.tick().await;
    }
    c.post(&format!("/v1/companies/{co}/pause"), "").await;
    let types: BTreeSet<String> = c.events(&co).await.iter().map(|e| e["type"].as_str().unwrap().to_owned()).collect();
    let expected = [
        "agent.error",
        "agent.heartbeat",
        "company.created",
        "company.status_changed",
        "costs.threshold_reached",
        "task.approval_required",
        "task.completed",
        "task.created",
        "task.rejected",
    ];
    assert_eq!(types.iter().map(String::as_str).collect::<Vec<_>>(), expected);
    let (text, _) = sse(server.addr(), &c.key, &path, &[("Last-Event-ID", "0")], 30_000, |t| t.contains("company.status_changed")).await;
    let streamed: BTreeSet<String> = event_data(&text).iter().map(|d| d["type"].as_str().unwrap().to_owned()).collect();
    assert_eq!(streamed, types, "the stream carries every type");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_json_activity_list_is_paginated() {
    let server = start(|_| {}).await;
    let c = Client::new(&server);
    let co = c.company("human_in_loop").await;
    for i in 0..3 {
        c.task(&co, &format!("t{i}")).await;
    }
    // Without stream=true (or without the Accept header) the activity is a JSON list.
    let plain = c.call("GET", &format!("/v1/companies/{co}/activity"), None, &[("Accept", "text/event-stream")]).await;
    assert_eq!(plain.header("content-type"), Some("application/json"));
    let no_accept = c.get(&format!("/v1/companies/{co}/activity?stream=true")).await;
    assert_eq!(no_accept.header("content-type"), Some("application/json"));
    let (mut ids, mut cursor, mut pages) = (Vec::new(), None::<String>, 0);
    loop {
        let q = cursor.as_ref().map_or(String::new(), |c| format!("&cursor={c}"));
        let page = c.get(&format!("/v1/companies/{co}/activity?limit=2{q}")).await.json();
        pages += 1;
        for e in page["data"].as_array().unwrap() {
            assert!(e["type"].is_string() && e["timestamp"].is_string() && e["company_id"] == co.as_str(), "{e}");
            ids.push(e["id"].as_str().unwrap().parse::<u64>().unwrap());
        }
        match page["meta"]["cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => {
                assert_eq!(page["meta"]["has_more"], false);
                break;
            }
        }
    }
    assert_eq!((ids, pages), ((1..=7).collect::<Vec<u64>>(), 4), "company.created, then task.created + task.approval_required x3");
    // After a reset the sequence starts over: an old Last-Event-ID means "from now".
    c.post("/__mock/reset", "").await;
    let fresh = c.company("autonomous").await;
    let (addr, key) = (server.addr(), c.key.clone());
    let path = format!("/v1/companies/{fresh}/activity?stream=true");
    let live = tokio::spawn(async move { sse(addr, &key, &path, &[("Last-Event-ID", "7")], 30_000, |t| t.contains("task.created")).await.0 });
    connected(&c, 1).await;
    c.task(&fresh, "after the reset").await;
    assert_eq!(event_ids(&live.await.unwrap()), [2]);
    let r = c.get(&format!("/v1/companies/{fresh}/activity?limit=101")).await;
    assert_eq!(r.status, 400);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn stream_errors_at_connect() {
    let server = start(|_| {}).await;
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    let path = format!("/v1/companies/{co}/activity?stream=true");
    let missing = c.call("GET", "/v1/companies/co_nope/activity?stream=true", None, &[("Accept", "text/event-stream")]).await;
    assert_eq!((missing.status, missing.code().as_str()), (404, "not_found"));
    let anonymous = raw(server.addr(), "GET", &path, &[("Accept", "text/event-stream")], None).await.unwrap();
    assert_eq!((anonymous.status, anonymous.code().as_str()), (401, "unauthorized"));
    let other = Client::new(&server);
    let stranger = other.call("GET", &path, None, &[("Accept", "text/event-stream")]).await;
    assert_eq!(stranger.status, 404, "another key's company does not exist for this one");
    server.shutdown().await;
}

/// A webhook receiver on 127.0.0.1 that answers each delivery with the next status of
/// `statuses` (then 204), recording what it got.
type Delivery = (u16, Vec<(String, String)>, String);

async fn receiver(statuses: Vec<u16>) -> (String, Arc<Mutex<Vec<Delivery>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let got: Arc<Mutex<Vec<Delivery>>> = Arc::default();
    let sink = got.clone();
    tokio::spawn(async move {
        let mut n = 0;
        loop {
            let (mut s, _) = listener.accept().await.unwrap();
            let status = statuses.get(n).copied().unwrap_or(204);
            n += 1;
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            loop {
                let read = s.read(&mut chunk).await.unwrap_or(0);
                buf.extend_from_slice(&chunk[..read]);
                let Some(r) = parse(&buf) else {
                    if read == 0 {
                        break;
                    }
                    continue;
                };
                let len: usize = r.header("content-length").unwrap_or("0").parse().unwrap();
                if r.body.len() >= len || read == 0 {
                    sink.lock().unwrap().push((status, r.headers.clone(), String::from_utf8_lossy(&r.body).into_owned()));
                    let _ = s.write_all(format!("HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes()).await;
                    break;
                }
            }
        }
    });
    (url, got)
}

fn header(h: &[(String, String)], name: &str) -> String {
    h.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_else(|| panic!("no {name}"))
}

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[tokio::test(flavor = "multi_thread")]
async fn webhooks_are_signed_and_retried_with_backoff() {
    let (url, got) = receiver(vec![500, 503]).await;
    let server = start(|c| {
        c.webhook_url = Some(url);
        c.webhook_secret = Some(SECRET.into());
        c.webhook_backoff = Duration::from_millis(100);
    })
    .await;
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    let deliveries = eventually("a failed delivery to be retried until it succeeds", || async {
        let log = c.get("/__mock/webhooks").await.json()["deliveries"].as_array().unwrap().clone();
        (log.len() >= 3).then_some(log)
    })
    .await;
    assert_eq!(deliveries.iter().map(|d| (d["attempt"].as_u64().unwrap(), d["status"].as_u64().unwrap())).collect::<Vec<_>>(), [(1, 500), (2, 503), (3, 204)]);
    let at: Vec<u64> = deliveries.iter().map(|d| d["at_ms"].as_u64().unwrap()).collect();
    assert!(at[1] - at[0] >= 100 && at[2] - at[1] >= 200, "exponential backoff: {at:?}");
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 3);
    let id = header(&got[0].1, "webhook-id");
    for (_, headers, body) in &got {
        assert_eq!(header(headers, "webhook-id"), id, "the same webhook-id on every retry");
        assert_eq!(header(headers, "content-type"), "application/json");
        let ts = header(headers, "webhook-timestamp");
        let expected = capx_mock::sign_webhook(SECRET, &id, ts.parse().unwrap(), body.as_bytes()).unwrap();
        assert_eq!(header(headers, "webhook-signature"), expected);
        assert!(expected.starts_with("v1,"));
        let event: Value = serde_json::from_str(body).unwrap();
        assert_eq!(event.as_object().unwrap().keys().collect::<Vec<_>>(), ["id", "type", "timestamp", "data"]);
        assert_eq!((event["type"].as_str(), event["data"]["type"].as_str(), event["data"]["company_id"].as_str()), (Some("company.created"), Some("company.created"), Some(co.as_str())));
        assert!(event["id"].as_str().unwrap().starts_with("evt_"));
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_event_is_delivered_and_an_unreachable_endpoint_is_retried() {
    let (url, got) = receiver(vec![]).await;
    let server = start(|c| {
        c.webhook_url = Some(url);
        c.webhook_secret = Some(SECRET.into());
    })
    .await;
    let c = Client::new(&server);
    let co = c.company("human_in_loop").await;
    c.task(&co, "hooked").await;
    let types = eventually("three deliveries", || async {
        let got = got.lock().unwrap().clone();
        (got.len() >= 3).then(|| got.iter().map(|(_, _, b)| serde_json::from_str::<Value>(b).unwrap()["type"].as_str().unwrap().to_owned()).collect::<HashSet<_>>())
    })
    .await;
    assert_eq!(types, ["company.created", "task.created", "task.approval_required"].map(String::from).into());
    server.shutdown().await;

    // Nothing listens on the port: each attempt fails to connect (status null), then gives up.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", closed.local_addr().unwrap());
    drop(closed);
    let server = start(|c| {
        c.webhook_url = Some(url);
        c.webhook_secret = Some(SECRET.into());
        c.webhook_attempts = 3;
        c.webhook_backoff = Duration::from_millis(50);
    })
    .await;
    let c = Client::new(&server);
    c.company("autonomous").await;
    let log = eventually("three failed attempts", || async {
        let log = c.get("/__mock/webhooks").await.json()["deliveries"].as_array().unwrap().clone();
        (log.len() >= 3).then_some(log)
    })
    .await;
    assert!(log.iter().all(|d| d["status"].is_null()), "{log:?}");
    assert_eq!(log.iter().map(|d| d["attempt"].as_u64().unwrap()).collect::<Vec<_>>(), [1, 2, 3]);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(c.get("/__mock/webhooks").await.json()["deliveries"].as_array().unwrap().len(), 3, "no fourth attempt");
    server.shutdown().await;
}
