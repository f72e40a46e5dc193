//! capx-mock over real HTTP on 127.0.0.1: the seeds' contract, bullet by bullet.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;
use common::*;
use serde_json::{json, Value};
use std::collections::HashSet;

fn key_config(key: &str, plan: &str, extra: Value) -> capx_mock::config::KeyConfig {
    let mut v = json!({"key": key, "plan": plan});
    v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    serde_json::from_value(v).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn auth_401_revoked_and_read_only_403() {
    let server = start(|c| {
        c.keys.push(key_config("capx_sk_live_revoked1", "starter", json!({"revoked": true})));
        c.keys.push(key_config("capx_sk_test_reader", "pro", json!({"scope": "read_only"})));
    })
    .await;
    let addr = server.addr();
    let missing = raw(addr, "GET", "/v1/companies", &[], None).await.unwrap();
    assert_eq!((missing.status, missing.code().as_str()), (401, "unauthorized"));
    assert_eq!(missing.json()["error"]["docs"], "https://capx.ai/docs/api#error-unauthorized");
    assert!(missing.header("x-ratelimit-limit").is_some(), "rate-limit headers on every response");
    for bad in ["Bearer capx_pk_test_x", "Bearer capx_sk_prod_x", "capx_sk_test_abc", "Bearer capx_sk_test_a-b"] {
        let r = raw(addr, "GET", "/v1/companies", &[("Authorization", bad)], None).await.unwrap();
        assert_eq!(r.status, 401, "{bad}");
    }
    assert_eq!(Client::with_key(&server, "capx_sk_live_revoked1").get("/v1/companies").await.status, 401);
    let reader = Client::with_key(&server, "capx_sk_test_reader");
    assert_eq!(reader.get("/v1/companies").await.status, 200);
    let denied = reader.post("/v1/companies", r#"{"name":"x"}"#).await;
    assert_eq!((denied.status, denied.code().as_str()), (403, "forbidden"));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn envelope_and_credits() {
    let server = start(|c| c.keys.push(key_config("capx_sk_test_poor", "pro", json!({"credits": 2})))).await;
    let c = Client::new(&server);
    let r = c.post("/v1/companies", r#"{"name":"Acme Research"}"#).await;
    let body = r.json();
    assert_eq!(body["success"], true);
    assert_eq!(body["meta"], json!({"credits_used": 1, "credits_remaining": 9999}));
    assert_eq!(body["data"]["status"], "running");
    assert_eq!(body["data"]["governance_mode"], "autonomous");
    let co = body["data"]["id"].as_str().unwrap().to_owned();
    let t = c.post(&format!("/v1/companies/{co}/tasks"), r#"{"title":"Generate Q2 market report"}"#).await.json();
    assert_eq!(t["meta"], json!({"credits_used": 2, "credits_remaining": 9997}), "a task costs 2 (seed 004)");
    let failed = c.get("/v1/companies/co_nope").await;
    assert_eq!(failed.json()["success"], false);
    assert!(failed.json().get("meta").is_none());
    assert_eq!(c.get(&format!("/v1/companies/{co}")).await.json()["meta"]["credits_remaining"], 9996, "errors cost nothing");
    let poor = Client::with_key(&server, "capx_sk_test_poor");
    let co2 = poor.company("autonomous").await;
    let broke = poor.post(&format!("/v1/companies/{co2}/tasks"), r#"{"title":"x"}"#).await;
    assert_eq!((broke.status, broke.code().as_str()), (403, "forbidden"));
    assert_eq!(broke.json()["error"]["message"], "Credit balance exhausted");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_error_code_with_its_status() {
    let server = start(|_| {}).await;
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    let tasks = format!("/v1/companies/{co}/tasks");
    let cases: Vec<(Reply, u16, &str)> = vec![
        (c.post(&tasks, "{not json").await, 400, "invalid_request"),
        (c.post(&tasks, "[1]").await, 400, "invalid_request"),
        (c.get(&format!("{tasks}?limit=101")).await, 400, "invalid_request"),
        (c.get(&format!("{tasks}?limit=0")).await, 400, "invalid_request"),
        (c.get(&format!("{tasks}?cursor=garbage")).await, 400, "invalid_request"),
        (c.get(&format!("{tasks}?status=archived")).await, 400, "invalid_request"),
        (c.get(&format!("{tasks}?since=yesterday")).await, 400, "invalid_request"),
        (c.get("/v1/companies/co_missing").await, 404, "not_found"),
        (c.get(&format!("{tasks}/tsk_missing")).await, 404, "not_found"),
        (c.get("/v1/unknown").await, 404, "not_found"),
        (c.call("DELETE", "/v1/companies", None, &[]).await, 404, "not_found"),
        (c.post(&tasks, r#"{"description":"no title"}"#).await, 422, "validation_error"),
        (c.post(&tasks, r#"{"title":""}"#).await, 422, "validation_error"),
        (c.post(&tasks, r#"{"title":5}"#).await, 422, "validation_error"),
        (c.post(&tasks, r#"{"title":"t","priority":"urgent"}"#).await, 422, "validation_error"),
        (c.post(&tasks, r#"{"title":"t","metadata":"x"}"#).await, 422, "validation_error"),
        (c.post(&tasks, r#"{"title":"t","agent_id":"ag_stranger"}"#).await, 422, "validation_error"),
        (c.post("/v1/companies", r#"{"name":"x","governance_mode":"anarchy"}"#).await, 422, "validation_error"),
        (c.post("/v1/companies", r#"{}"#).await, 422, "validation_error"),
        (c.call("GET", "/v1/companies", None, &[("X-Capx-Mock-Fault", "500")]).await, 500, "internal_error"),
        (c.call("GET", "/v1/companies", None, &[("X-Capx-Mock-Fault", "429")]).await, 429, "rate_limit_exceeded"),
    ];
    for (r, status, code) in cases {
        assert_eq!((r.status, r.code().as_str()), (status, code), "{}", String::from_utf8_lossy(&r.body));
        let docs = if code == "rate_limit_exceeded" { "https://capx.ai/docs/api#rate-limits".to_owned() } else { format!("https://capx.ai/docs/api#error-{code}") };
        assert_eq!(r.json()["error"]["docs"], docs.as_str());
        assert!(!r.json()["error"]["message"].as_str().unwrap().is_empty());
        assert!(r.header("x-ratelimit-reset").is_some());
    }
    c.post(&format!("/v1/companies/{co}/pause"), "").await;
    let again = c.post(&format!("/v1/companies/{co}/pause"), "").await;
    assert_eq!((again.status, again.code().as_str()), (409, "conflict"));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rolling_window_at_its_boundary() {
    let server = start(|c| c.keys.push(key_config("capx_sk_test_starter", "starter", json!({})))).await;
    let c = Client::with_key(&server, "capx_sk_test_starter");
    for i in 0..60 {
        let r = c.get("/v1/companies").await;
        assert_eq!(r.status, 200, "request {}", i + 1);
        assert_eq!(r.header("x-ratelimit-limit"), Some("60"));
        assert_eq!(r.header("x-ratelimit-remaining").unwrap(), (59 - i).to_string());
    }
    let limited = c.get("/v1/companies").await;
    assert_eq!((limited.status, limited.code().as_str()), (429, "rate_limit_exceeded"));
    assert_eq!(limited.json()["error"]["message"], "You have exceeded 60 requests per minute.");
    assert_eq!(limited.header("x-ratelimit-remaining"), Some("0"));
    let reset: u64 = limited.header("x-ratelimit-reset").unwrap().parse().unwrap();
    let now = capx_mock::time::now_secs();
    assert!(reset > now && reset <= now + 61, "reset {reset} is epoch seconds within the minute (now {now})");
    assert!(limited.header("retry-after").unwrap().parse::<u64>().unwrap() >= 1);
    // Control calls are outside the window.
    assert_eq!(c.get("/__mock/requests").await.status, 200);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn burst_caps_requests_in_flight() {
    let server = start(|c| {
        c.plans.insert("tiny".into(), capx_mock::config::Plan { rpm: 1000, burst: 2 });
        c.keys.push(key_config("capx_sk_test_tiny", "tiny", json!({})));
    })
    .await;
    let addr = server.addr();
    let slow = |_| async move {
        raw(addr, "GET", "/v1/companies", &[("Authorization", "Bearer capx_sk_test_tiny"), ("X-Capx-Mock-Fault", "slow:400")], None).await.unwrap().status
    };
    let statuses = futures_util::future::join_all((0..3).map(slow)).await;
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 2, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 1, "{statuses:?}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pagination_of_230_tasks_is_complete_and_stable() {
    let server = start(|_| {}).await;
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    let mut made = Vec::new();
    for i in 0..230 {
        made.push(c.task(&co, &format!("t{i}")).await["id"].as_str().unwrap().to_owned());
    }
    let default = c.get(&format!("/v1/companies/{co}/tasks")).await.json();
    assert_eq!(default["data"].as_array().unwrap().len(), 25, "default page size");
    let (mut seen, mut cursor, mut sizes) = (Vec::new(), None::<String>, Vec::new());
    loop {
        let q = cursor.as_ref().map_or(String::new(), |c| format!("&cursor={c}"));
        let page = c.get(&format!("/v1/companies/{co}/tasks?limit=100{q}")).await.json();
        let items = page["data"].as_array().unwrap();
        sizes.push(items.len());
        seen.extend(items.iter().map(|t| t["id"].as_str().unwrap().to_owned()));
        if seen.len() == 100 {
            // Inserts during iteration go to the end and never shift the pages.
            c.task(&co, "late").await;
        }
        match page["meta"]["cursor"].as_str() {
            Some(next) => {
                assert_eq!(page["meta"]["has_more"], true);
                cursor = Some(next.to_owned());
            }
            None => {
                assert_eq!((page["meta"]["cursor"].clone(), page["meta"]["has_more"].clone()), (Value::Null, json!(false)));
                break;
            }
        }
    }
    assert_eq!(sizes, [100, 100, 31]);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 231, "no duplicates");
    assert_eq!(&seen[..230], &made[..], "no gaps, creation order");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn idempotency_replays_conflicts_and_runs_once() {
    let server = start(|_| {}).await;
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    let path = format!("/v1/companies/{co}/tasks");
    let first = c.call("POST", &path, Some(r#"{"title":"once"}"#), &[("Idempotency-Key", "req_unique_abc123")]).await;
    let again = c.call("POST", &path, Some(r#"{"title":"once"}"#), &[("Idempotency-Key", "req_unique_abc123")]).await;
    assert_eq!((first.status, again.status), (201, 201));
    assert_eq!(first.body, again.body, "the original response");
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    let other = c.call("POST", &path, Some(r#"{"title":"different"}"#), &[("Idempotency-Key", "req_unique_abc123")]).await;
    assert_eq!((other.status, other.code().as_str()), (409, "conflict"));
    let addr = server.addr();
    let auth = format!("Bearer {}", c.key);
    let burst = (0..50).map(|_| {
        let (auth, path) = (auth.clone(), path.clone());
        async move { raw(addr, "POST", &path, &[("Authorization", &auth), ("Idempotency-Key", "same-50")], Some(r#"{"title":"fifty"}"#)).await.unwrap() }
    });
    let replies = futures_util::future::join_all(burst).await;
    let ids: HashSet<String> = replies.iter().map(|r| r.data()["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids.len(), 1, "50 concurrent duplicates executed once");
    let list = c.get(&format!("{path}?limit=100")).await.data();
    assert_eq!(list.as_array().unwrap().iter().filter(|t| t["title"] == "fifty").count(), 1);
    assert_eq!(list.as_array().unwrap().len(), 2);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn tasks_lifecycle_with_approval_gates() {
    let server = start(|_| {}).await;
    let c = Client::new(&server);
    let co = c.company("human_in_loop").await;
    let created = c
        .post(
            &format!("/v1/companies/{co}/tasks"),
            r#"{"title":"Generate Q2 market report","description":"Research","priority":"high","metadata":{"department":"research"}}"#,
        )
        .await
        .data();
    let keys: HashSet<&str> = created.as_object().unwrap().keys().map(String::as_str).collect();
    let expected: HashSet<&str> = ["id", "company_id", "agent_id", "title", "description", "status", "priority", "metadata", "created_at"].into();
    assert_eq!(keys, expected, "seed 004's create response fields");
    assert_eq!(created["status"], "pending_approval");
    assert!(created["agent_id"].as_str().unwrap().starts_with("ag_"), "auto-assigned");
    let id = created["id"].as_str().unwrap();
    let base = format!("/v1/companies/{co}/tasks/{id}");
    let upd = c.call("PATCH", &base, Some(r#"{"priority":"critical","description":"APAC too"}"#), &[]).await.data();
    assert_eq!(upd.as_object().unwrap().keys().collect::<Vec<_>>().len(), 6);
    assert_eq!((upd["priority"].as_str(), upd["description"].as_str()), (Some("critical"), Some("APAC too")));
    let approved = c.post(&format!("{base}/approve"), r#"{"comment":"Approved. Prioritize APAC data."}"#).await.data();
    assert_eq!(approved["status"], "pending");
    assert_eq!(approved["approved_by"], "user_demo");
    assert_eq!(approved["approval_comment"], "Approved. Prioritize APAC data.");
    assert!(approved["approved_at"].is_string());
    assert_eq!(c.post(&format!("{base}/approve"), "").await.status, 409);
    assert_eq!(c.post(&format!("{base}/reject"), "").await.status, 409);
    let other = c.task(&co, "dup").await;
    let rejected = c.post(&format!("/v1/companies/{co}/tasks/{}/reject", other["id"].as_str().unwrap()), r#"{"reason":"Duplicate"}"#).await.data();
    assert_eq!((rejected["status"].as_str(), rejected["rejection_reason"].as_str(), rejected["rejected_by"].as_str()), (Some("rejected"), Some("Duplicate"), Some("user_demo")));
    assert_eq!(c.call("PATCH", &format!("/v1/companies/{co}/tasks/{}", other["id"].as_str().unwrap()), Some(r#"{"title":"x"}"#), &[]).await.status, 409);
    let full = c.get(&base).await.data();
    assert_eq!((full["approved_by"].as_str(), full["status"].as_str()), (Some("user_demo"), Some("pending")));
    let filtered = c.get(&format!("/v1/companies/{co}/tasks?status=rejected&priority=medium")).await.data();
    assert_eq!(filtered.as_array().unwrap().len(), 1);
    assert_eq!(filtered[0].as_object().unwrap().len(), 6, "TaskSummary fields");
    let future = c.get(&format!("/v1/companies/{co}/tasks?since=2999-01-01T00:00:00Z")).await.data();
    assert_eq!(future, json!([]));
    let past = c.get(&format!("/v1/companies/{co}/tasks?since=2000-01-01T00:00:00%2B02:00")).await.data();
    assert_eq!(past.as_array().unwrap().len(), 2);
    let other_co = c.company("autonomous").await;
    assert_eq!(c.get(&format!("/v1/companies/{other_co}/tasks/{id}")).await.status, 404, "a task of another company");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn agents_work_on_heartbeats_and_paused_companies_rest() {
    let server = start(|c| c.fail_rate = 0.0).await;
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    let t = c.task(&co, "Generate Q2 market report").await;
    let path = format!("/v1/companies/{co}/tasks/{}", t["id"].as_str().unwrap());
    c.tick().await;
    let started = c.get(&path).await.data();
    assert_eq!(started["status"], "in_progress");
    assert!(started["started_at"].is_string() && started.get("completed_at").is_none());
    c.tick().await;
    let done = c.get(&path).await.data();
    assert_eq!(done["status"], "completed");
    assert!(done["output"]["summary"].is_string() && done["output"]["artifacts"].is_array());
    assert!(done["cost"].as_f64().unwrap() > 0.0 && done["completed_at"].is_string());
    let paused = c.company("autonomous").await;
    c.post(&format!("/v1/companies/{paused}/pause"), "").await;
    let idle = c.task(&paused, "waits").await;
    c.tick().await;
    c.tick().await;
    assert_eq!(c.get(&format!("/v1/companies/{paused}/tasks/{}", idle["id"].as_str().unwrap())).await.data()["status"], "pending");
    server.shutdown().await;

    let failing = start(|c| c.fail_rate = 1.0).await;
    let c = Client::new(&failing);
    let co = c.company("autonomous").await;
    let t = c.task(&co, "doomed").await;
    c.tick().await;
    c.tick().await;
    let failed = c.get(&format!("/v1/companies/{co}/tasks/{}", t["id"].as_str().unwrap())).await.data();
    assert_eq!(failed["status"], "failed");
    let events = c.get(&format!("/v1/companies/{co}/activity?limit=100")).await.data();
    assert!(events.as_array().unwrap().iter().any(|e| e["type"] == "agent.error"));
    failing.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn request_log_redacts_the_key_and_cors_preflight() {
    let server = start(|_| {}).await;
    let c = Client::new(&server);
    c.get("/v1/companies").await;
    let log = c.requests().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["headers"]["authorization"], "[redacted]");
    assert!(!serde_json::to_string(&log).unwrap().contains(&c.key));
    let pre = raw(
        server.addr(),
        "OPTIONS",
        "/v1/companies",
        &[("Origin", "http://127.0.0.1:9"), ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "authorization,idempotency-key")],
        None,
    )
    .await
    .unwrap();
    assert_eq!(pre.status, 204);
    assert_eq!(pre.header("access-control-allow-origin"), Some("*"));
    assert!(pre.header("access-control-allow-methods").unwrap().contains("PATCH"));
    assert_eq!(pre.header("access-control-allow-headers"), Some("authorization,idempotency-key"));
    let get = c.call("GET", "/v1/companies", None, &[("Origin", "http://x")]).await;
    assert!(get.header("access-control-expose-headers").unwrap().contains("X-RateLimit-Reset"));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn state_survives_a_restart() {
    let file = std::env::temp_dir().join(format!("capx-mock-state-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let key = fresh_key();
    let path = file.clone();
    let server = start(|c| c.state_file = Some(path)).await;
    let c = Client::with_key(&server, &key);
    let co = c.company("human_in_loop").await;
    let t = c.task(&co, "persisted").await;
    server.shutdown().await;
    let path = file.clone();
    let again = start(|c| c.state_file = Some(path)).await;
    let c = Client::with_key(&again, &key);
    let got = c.get(&format!("/v1/companies/{co}/tasks/{}", t["id"].as_str().unwrap())).await;
    assert_eq!((got.status, got.data()["title"].as_str()), (200, Some("persisted")));
    assert_ne!(c.company("autonomous").await, co, "ids continue, never reused");
    again.shutdown().await;
    let _ = std::fs::remove_file(&file);
}
