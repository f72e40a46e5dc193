//! Rate limits (seed 000): the rolling one-minute window at its boundary, the headers on
//! every response, and the burst cap on requests in flight.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;
use capx_mock::config::Plan;
use capx_mock::time::now_secs;
use common::*;
use serde_json::json;

/// Spends the whole window one request at a time, checking the headers of each; then the
/// next request is refused.
async fn exhaust(c: &Client, rpm: u64) {
    let started = now_secs();
    for i in 1..=rpm {
        let r = c.get("/v1/companies").await;
        assert_eq!(r.status, 200, "request {i} of {rpm}");
        let (limit, remaining, reset) = r.rate();
        assert_eq!((limit, remaining), (rpm, rpm - i), "request {i}");
        // Epoch seconds at which the first request leaves the window.
        assert!(reset >= started + 60 && reset <= now_secs() + 61, "reset {reset}, started {started}");
    }
    for _ in 0..2 {
        let limited = c.get("/v1/companies").await;
        assert_eq!((limited.status, limited.code().as_str()), (429, "rate_limit_exceeded"));
        assert_eq!(limited.json()["error"]["message"], format!("You have exceeded {rpm} requests per minute."));
        assert_eq!(limited.json()["error"]["docs"], "https://capx.ai/docs/api#rate-limits");
        let (limit, remaining, reset) = limited.rate();
        assert_eq!((limit, remaining), (rpm, 0));
        assert!(reset >= started + 60 && reset <= now_secs() + 61);
        let retry_after: u64 = limited.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=61).contains(&retry_after), "{retry_after}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn starter_60th_request_passes_61st_is_429() {
    let server = start(|c| c.keys.push(key_config("capx_sk_test_starter", "starter", json!({})))).await;
    let c = Client::with_key(&server, "capx_sk_test_starter");
    exhaust(&c, 60).await;
    // A refused request takes no slot and costs nothing; control calls are outside the window.
    let account = c.account().await;
    assert_eq!((account["rate_limit"]["remaining"].as_u64(), account["credits_remaining"].as_i64()), (Some(0), Some(10_000 - 60)));
    assert_eq!(c.get("/__mock/requests").await.status, 200);
    // Another key has its own window.
    let (limit, remaining, _) = Client::with_key(&server, "capx_sk_test_demo").get("/v1/companies").await.rate();
    assert_eq!((limit, remaining), (60, 59));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pro_and_configured_plans() {
    let server = start(|c| {
        c.plans.insert("tiny".into(), Plan { rpm: 5, burst: 2 });
        c.keys.push(key_config("capx_sk_live_pro", "pro", json!({})));
        c.keys.push(key_config("capx_sk_test_tiny", "tiny", json!({})));
    })
    .await;
    exhaust(&Client::with_key(&server, "capx_sk_live_pro"), 300).await;
    exhaust(&Client::with_key(&server, "capx_sk_test_tiny"), 5).await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_headers_on_every_response() {
    let server = start(|_| {}).await;
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    let addr = server.addr();
    let responses = vec![
        c.get("/v1/companies").await,
        c.post("/v1/companies", "{bad").await,
        c.get("/v1/companies/co_missing").await,
        c.post(&format!("/v1/companies/{co}/resume"), "").await,
        c.post(&format!("/v1/companies/{co}/tasks"), "{}").await,
        c.call("GET", "/v1/companies", None, &[("X-Capx-Mock-Fault", "500")]).await,
        c.call("GET", "/v1/companies", None, &[("X-Capx-Mock-Fault", "html_502")]).await,
        c.get("/__mock/requests").await,
        raw(addr, "GET", "/v1/companies", &[], None).await.unwrap(),
        raw(addr, "GET", "/nowhere", &[], None).await.unwrap(),
        raw(addr, "GET", "/health", &[], None).await.unwrap(),
    ];
    for r in &responses {
        r.rate();
    }
    // Each API request took one slot of the key's window (enterprise: 6000/min).
    assert_eq!(responses[6].rate().1, 6000 - 8);
    let (stream, _) = sse(addr, &c.key, &format!("/v1/companies/{co}/activity?stream=true"), &[], 10_000, |t| t.starts_with("retry:")).await;
    assert!(stream.starts_with("retry:"));
    assert_eq!(c.get("/v1/companies").await.rate().1, 6000 - 10, "a stream counts as one request, at connect");
    server.shutdown().await;
}

/// Holds `burst` slow requests in flight, waits until the mock counts them all, then checks
/// that one more is refused with 429 while a request of another key is not.
async fn burst_is_capped(plan: &str, burst: usize) {
    let key = format!("capx_sk_test_burst{plan}");
    let server = start(|c| c.keys.push(key_config(&key, plan, json!({})))).await;
    let c = Client::with_key(&server, &key);
    let addr = server.addr();
    let auth = format!("Bearer {key}");
    let held: Vec<_> = (0..burst)
        .map(|_| {
            let auth = auth.clone();
            tokio::spawn(async move {
                raw(addr, "GET", "/v1/companies", &[("Authorization", &auth), ("X-Capx-Mock-Fault", "slow:5000")], None).await.unwrap().status
            })
        })
        .collect();
    eventually("every slow request to be in flight", || async { (c.account().await["in_flight"] == burst).then_some(()) }).await;
    let refused = c.get("/v1/companies").await;
    assert_eq!((refused.status, refused.code().as_str()), (429, "rate_limit_exceeded"));
    assert_eq!(refused.json()["error"]["message"], format!("More than {burst} requests in flight: this plan's burst limit"));
    refused.rate();
    assert_eq!(Client::new(&server).get("/v1/companies").await.status, 200, "the cap is per key");
    let statuses: Vec<u16> = futures_util::future::join_all(held).await.into_iter().map(Result::unwrap).collect();
    assert_eq!(statuses, vec![200; burst]);
    assert_eq!(c.account().await["in_flight"], 0);
    assert_eq!(c.get("/v1/companies").await.status, 200, "free again");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn starter_burst_is_10_in_flight() {
    burst_is_capped("starter", 10).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pro_burst_is_50_in_flight() {
    burst_is_capped("pro", 50).await;
}
