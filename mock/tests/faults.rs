//! Fault injection: every kind, asked for by the `X-Capx-Mock-Fault` header and injected by
//! the config (`fault_rate` 1 over that one kind), plus armed faults and seeded randomness.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;
use capx_mock::time::now_secs;
use common::*;
use serde_json::Value;
use std::time::{Duration, Instant};

type Headers<'a> = &'a [(&'a str, &'a str)];

/// Runs `check(client, clean, faulty)` twice: on a plain mock where `faulty` is the header
/// asking for `kind`, and on a mock configured to inject `kind` into every request, where
/// `clean` is the header that opts a request out.
async fn header_and_config(kind: &str, check: impl AsyncFn(&Client, Headers<'_>, Headers<'_>)) {
    let plain = start(|_| {}).await;
    check(&Client::new(&plain), &[], &[("X-Capx-Mock-Fault", kind)]).await;
    plain.shutdown().await;
    let noisy = start(|c| {
        c.fault_rate = 1.0;
        c.fault_kinds = vec![kind.to_owned()];
    })
    .await;
    check(&Client::new(&noisy), &[("X-Capx-Mock-Fault", "none")], &[]).await;
    noisy.shutdown().await;
}

async fn company(c: &Client, clean: Headers<'_>) -> String {
    let r = c.call("POST", "/v1/companies", Some(r#"{"name":"Acme"}"#), clean).await;
    assert_eq!(r.status, 201, "{}", r.text());
    r.data()["id"].as_str().unwrap().to_owned()
}

async fn titles(c: &Client, co: &str, clean: Headers<'_>) -> Vec<String> {
    let list = c.call("GET", &format!("/v1/companies/{co}/tasks"), None, clean).await.data();
    list.as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap().to_owned()).collect()
}

fn with<'a>(headers: Headers<'a>, more: (&'a str, &'a str)) -> Vec<(&'a str, &'a str)> {
    headers.iter().copied().chain([more]).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn drop_after_commit_then_the_retry_replays() {
    header_and_config("drop_after_commit", async |c, clean, faulty| {
        let co = company(c, clean).await;
        let tasks = format!("/v1/companies/{co}/tasks");
        let auth = format!("Bearer {}", c.key);
        let mut headers = with(faulty, ("Idempotency-Key", "req_1"));
        headers.push(("Authorization", &auth));
        let dropped = raw(c.addr, "POST", &tasks, &headers, Some(r#"{"title":"committed"}"#)).await;
        assert!(dropped.is_none(), "not a byte of response");
        assert_eq!(titles(c, &co, clean).await, ["committed"], "but the task exists");
        let retry = c.call("POST", &tasks, Some(r#"{"title":"committed"}"#), &with(clean, ("Idempotency-Key", "req_1"))).await;
        assert_eq!((retry.status, retry.header("idempotent-replayed")), (201, Some("true")));
        assert_eq!(retry.data()["title"], "committed");
        assert_eq!(titles(c, &co, clean).await, ["committed"], "exactly one task");
        let log = c.requests().await;
        let first = log.iter().find(|r| r["method"] == "POST" && r["path"] == tasks.as_str()).unwrap();
        assert_eq!((first["status"].as_u64(), first["fault"].as_str()), (Some(201), Some("drop_after_commit")));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn server_error_500_executes_nothing() {
    header_and_config("500", async |c, clean, faulty| {
        let co = company(c, clean).await;
        let tasks = format!("/v1/companies/{co}/tasks");
        let r = c.call("POST", &tasks, Some(r#"{"title":"x"}"#), &with(faulty, ("Idempotency-Key", "k500"))).await;
        assert_eq!((r.status, r.code().as_str()), (500, "internal_error"));
        assert_eq!(r.json()["error"]["docs"], "https://capx.ai/docs/api#error-internal_error");
        r.rate();
        assert!(titles(c, &co, clean).await.is_empty());
        let retry = c.call("POST", &tasks, Some(r#"{"title":"x"}"#), &with(clean, ("Idempotency-Key", "k500"))).await;
        assert_eq!((retry.status, retry.header("idempotent-replayed")), (201, None), "nothing was stored: the retry executes");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limited_429_with_a_reset() {
    header_and_config("429", async |c, _, faulty| {
        let before = now_secs();
        let r = c.call("GET", "/v1/companies", None, faulty).await;
        assert_eq!((r.status, r.code().as_str()), (429, "rate_limit_exceeded"));
        assert_eq!(r.json()["error"]["docs"], "https://capx.ai/docs/api#rate-limits");
        let (limit, remaining, reset) = r.rate();
        assert_eq!((limit, remaining), (6000, 0));
        assert!(reset > before && reset <= now_secs() + 1, "a reset a second away: {reset}, now {before}");
        assert_eq!(r.header("retry-after"), Some("1"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn slow_responses() {
    header_and_config("slow:300", async |c, _, faulty| {
        let started = Instant::now();
        let r = c.call("GET", "/v1/companies", None, faulty).await;
        assert_eq!(r.status, 200);
        assert!(started.elapsed() >= Duration::from_millis(300), "{:?}", started.elapsed());
    })
    .await;
    let server = start(|_| {}).await;
    let started = Instant::now();
    assert_eq!(Client::new(&server).call("GET", "/v1/companies", None, &[("X-Capx-Mock-Fault", "slow")]).await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(1000), "plain slow is one second");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn truncated_body_on_a_create_is_committed_and_replayed() {
    header_and_config("truncate", async |c, clean, faulty| {
        let co = company(c, clean).await;
        let tasks = format!("/v1/companies/{co}/tasks");
        let cut = c.call("POST", &tasks, Some(r#"{"title":"once"}"#), &with(faulty, ("Idempotency-Key", "cut-1"))).await;
        let promised: usize = cut.header("content-length").unwrap().parse().unwrap();
        assert_eq!(cut.status, 201);
        assert!(cut.body.len() < promised, "{} of {promised} bytes", cut.body.len());
        assert!(serde_json::from_slice::<Value>(&cut.body).is_err());
        let retry = c.call("POST", &tasks, Some(r#"{"title":"once"}"#), &with(clean, ("Idempotency-Key", "cut-1"))).await;
        assert_eq!((retry.status, retry.header("idempotent-replayed")), (201, Some("true")));
        assert_eq!(retry.body.len(), promised);
        assert!(retry.body.starts_with(&cut.body), "the same response, whole");
        assert_eq!(titles(c, &co, clean).await, ["once"], "one task, not two");
        let get = c.call("GET", &tasks, None, faulty).await;
        assert!(get.body.len() < get.header("content-length").unwrap().parse().unwrap());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_proxys_html_502_page() {
    header_and_config("html_502", async |c, clean, faulty| {
        let co = company(c, clean).await;
        let r = c.call("POST", &format!("/v1/companies/{co}/tasks"), Some(r#"{"title":"x"}"#), faulty).await;
        assert_eq!((r.status, r.header("content-type")), (502, Some("text/html")));
        assert!(r.text().contains("<h1>502 Bad Gateway</h1>"));
        assert!(serde_json::from_slice::<Value>(&r.body).is_err(), "not JSON");
        r.rate();
        assert!(titles(c, &co, clean).await.is_empty(), "the request never reached the API");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sse_disconnect_mid_stream() {
    header_and_config("sse_drop:2", async |c, clean, faulty| {
        let co = company(c, clean).await;
        for i in 0..3 {
            c.call("POST", &format!("/v1/companies/{co}/tasks"), Some(&format!(r#"{{"title":"t{i}"}}"#)), clean).await;
        }
        let path = format!("/v1/companies/{co}/activity?stream=true");
        let (text, closed) = sse(c.addr, &c.key, &path, &with(faulty, ("Last-Event-ID", "0")), 30_000, |_| false).await;
        assert!(closed, "the connection was cut");
        assert_eq!(event_ids(&text).len(), 2, "after two events: {text}");
        let (whole, closed) = sse(c.addr, &c.key, &path, &with(clean, ("Last-Event-ID", "2")), 30_000, |t| event_ids(t).len() == 2).await;
        assert!(!closed);
        assert_eq!(event_ids(&whole), [3, 4], "a resume picks up where the cut left");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_kinds_are_refused_and_none_opts_out() {
    let server = start(|c| {
        c.fault_rate = 1.0;
        c.fault_kinds = vec!["500".into()];
    })
    .await;
    let c = Client::new(&server);
    let r = c.call("GET", "/v1/companies", None, &[("X-Capx-Mock-Fault", "meltdown")]).await;
    assert_eq!((r.status, r.code().as_str()), (400, "invalid_request"));
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("drop_after_commit"));
    assert_eq!(c.call("GET", "/v1/companies", None, &[("X-Capx-Mock-Fault", "none")]).await.status, 200);
    assert_eq!(c.get("/v1/companies").await.status, 500);
    assert_eq!(c.post("/__mock/faults", r#"{"kind":"meltdown"}"#).await.status, 400);
    server.shutdown().await;
    let bad = capx_mock::start(capx_mock::Config { port: 0, quiet: true, fault_kinds: vec!["meltdown".into()], ..Default::default() }).await;
    assert!(bad.is_err(), "a config with an unknown kind does not start");
}

#[tokio::test(flavor = "multi_thread")]
async fn armed_faults_hit_the_next_matching_requests() {
    let server = start(|_| {}).await;
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    let tasks = format!("/v1/companies/{co}/tasks");
    let armed = c.post("/__mock/faults", &format!(r#"{{"kind":"500","times":2,"method":"GET","path":"{tasks}"}}"#)).await;
    assert_eq!((armed.status, armed.json()["armed"].as_u64()), (200, Some(1)));
    assert_eq!(c.get("/v1/companies").await.status, 200, "another path is untouched");
    assert_eq!(c.post(&tasks, r#"{"title":"x"}"#).await.status, 201, "another method too");
    assert_eq!(c.get(&tasks).await.status, 500);
    assert_eq!(c.get(&tasks).await.status, 500);
    assert_eq!(c.get(&tasks).await.status, 200);
    c.post("/__mock/faults", r#"{"kind":"429","times":5}"#).await;
    assert_eq!(c.call("DELETE", "/__mock/faults", None, &[]).await.json()["armed"], 0);
    assert_eq!(c.get(&tasks).await.status, 200, "disarmed");
    let log = c.requests().await;
    assert_eq!(log.iter().filter(|r| r["fault"] == "500").count(), 2);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn random_faults_follow_the_rate_and_the_seed() {
    let run = |seed: u64| async move {
        let server = start(|c| {
            c.fault_rate = 0.5;
            c.fault_kinds = vec!["500".into(), "429".into()];
            c.seed = seed;
        })
        .await;
        let c = Client::new(&server);
        let mut statuses = Vec::new();
        for _ in 0..60 {
            statuses.push(c.get("/v1/companies").await.status);
        }
        server.shutdown().await;
        statuses
    };
    let (a, b, other) = (run(7).await, run(7).await, run(8).await);
    assert_eq!(a, b, "the same seed, the same faults");
    assert_ne!(a, other, "another seed, other faults");
    for kind in [500, 429] {
        let n = a.iter().filter(|s| **s == kind).count();
        assert!((5..=25).contains(&n), "{n} of 60 are {kind} at rate 0.5 over two kinds");
    }
    assert!(a.iter().all(|s| [200, 429, 500].contains(s)));
}
