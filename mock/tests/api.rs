//! capx-mock over real HTTP on 127.0.0.1: paths, auth, the envelope and credits, the error
//! table, validation, pagination and idempotency (seed 000), bullet by bullet.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;
use capx_mock::Config;
use common::*;
use serde_json::{json, Value};
use std::collections::HashSet;

fn docs(code: &str) -> String {
    if code == "rate_limit_exceeded" {
        "https://capx.ai/docs/api#rate-limits".into()
    } else {
        format!("https://capx.ai/docs/api#error-{code}")
    }
}

/// An error in the envelope: `success: false` first, then `error` with code, message, docs.
fn assert_error(r: &Reply, status: u16, code: &str) {
    assert_eq!((r.status, r.code().as_str()), (status, code), "{}", r.text());
    let body = r.json();
    assert_eq!(body.as_object().unwrap().keys().collect::<Vec<_>>(), ["success", "error"], "{}", r.text());
    assert_eq!(body["success"], false);
    assert_eq!(body["error"].as_object().unwrap().keys().collect::<Vec<_>>(), ["code", "message", "docs"]);
    assert_eq!(body["error"]["docs"], docs(code).as_str());
    assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    assert_eq!(r.header("content-type"), Some("application/json"));
    r.rate();
}

#[tokio::test(flavor = "multi_thread")]
async fn paths_health_and_unknown_routes() {
    let server = start(|_| {}).await;
    let addr = server.addr();
    let health = raw(addr, "GET", "/health", &[], None).await.unwrap();
    assert_eq!((health.status, health.json()), (200, json!({"success": true, "data": {"status": "ok"}})));
    health.rate();
    assert_eq!(server.base_url(), format!("http://{addr}/v1"));
    let c = Client::new(&server);
    assert_eq!(c.get("/v1/companies").await.status, 200);
    // Outside /v1 nothing but /health and /__mock/ exists: the API is not at the root.
    assert_error(&c.get("/companies").await, 404, "not_found");
    assert_error(&raw(addr, "GET", "/v2/companies", &[], None).await.unwrap(), 404, "not_found");
    assert_error(&c.get("/v1").await, 404, "not_found");
    assert_error(&c.get("/v1/playbooks").await, 404, "not_found");
    assert_error(&c.post("/v1/companies/co_x/unknown", "{}").await, 404, "not_found");
    // A method the path does not have is a 404 too, not a 405, and names no others.
    let delete = c.call("DELETE", "/v1/companies", None, &[]).await;
    assert_error(&delete, 404, "not_found");
    assert_eq!(delete.header("allow"), None);
    // Empty segments are ignored, as a client joining a base URL and a path may send them.
    assert_eq!(c.get("/v1/companies/").await.status, 200);
    assert_eq!(c.get("/v1//companies").await.status, 200);
    // A path parameter that is not UTF-8 names nothing: the envelope, not a plain-text 400.
    assert_error(&c.get("/v1/companies/co%FF").await, 404, "not_found");
    assert_error(&c.get("/__mock/nothing").await, 404, "not_found");
    // Inside /v1, the key is checked first, as for any route.
    assert_error(&raw(addr, "GET", "/v1/playbooks", &[], None).await.unwrap(), 401, "unauthorized");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn auth_401_and_read_only_403() {
    let server = start(|c| {
        c.open_keys = None;
        c.keys.push(key_config("capx_sk_live_revoked1", "starter", json!({"revoked": true})));
        c.keys.push(key_config("capx_sk_test_reader", "pro", json!({"scope": "read_only"})));
        c.keys.push(key_config("capx_sk_live_Mixed9Case", "pro", json!({})));
    })
    .await;
    let addr = server.addr();
    let get = |auth: Option<&'static str>| async move {
        let headers: Vec<(&str, &str)> = auth.map(|a| ("Authorization", a)).into_iter().collect();
        raw(addr, "GET", "/v1/companies", &headers, None).await.unwrap()
    };
    for bad in [
        None,
        Some(""),
        Some("Bearer"),
        Some("Bearer "),
        Some("Basic capx_sk_test_demo"),
        Some("capx_sk_test_demo"),
        Some("Bearer capx_pk_test_demo"),
        Some("Bearer capx_sk_prod_demo"),
        Some("Bearer capx_sk_test_"),
        Some("Bearer capx_sk_test_de-mo"),
        Some("Bearer capx_sk_test_unknownkey"),
        Some("Bearer capx_sk_live_revoked1"),
    ] {
        let r = get(bad).await;
        assert_error(&r, 401, "unauthorized");
    }
    assert!(get(None).await.json()["error"]["message"].as_str().unwrap().contains("Missing API key"));
    assert!(get(Some("Bearer capx_sk_live_revoked1")).await.json()["error"]["message"].as_str().unwrap().contains("revoked"));
    // The demo key exists without any config, on Starter; configured keys work, live or test.
    let demo = get(Some("Bearer capx_sk_test_demo")).await;
    assert_eq!((demo.status, demo.rate().0), (200, 60));
    assert_eq!(get(Some("bearer capx_sk_live_Mixed9Case")).await.rate().0, 300);
    // The control routes need a key too.
    assert_error(&raw(addr, "GET", "/__mock/requests", &[], None).await.unwrap(), 401, "unauthorized");

    let reader = Client::with_key(&server, "capx_sk_test_reader");
    assert_eq!(reader.get("/v1/companies").await.status, 200);
    for (method, path, body) in [
        ("POST", "/v1/companies", Some(r#"{"name":"x"}"#)),
        ("POST", "/v1/companies", Some("{malformed")),
        ("PATCH", "/v1/companies/co_1/tasks/tsk_1", Some(r#"{"title":"x"}"#)),
        ("DELETE", "/v1/companies/co_1", None),
        ("POST", "/v1/companies/co_1/pause", None),
    ] {
        let r = reader.call(method, path, body, &[]).await;
        assert_error(&r, 403, "forbidden");
        assert!(r.json()["error"]["message"].as_str().unwrap().contains("read-only"));
    }
    assert_eq!(reader.account().await["credits_remaining"], 10_000 - 1, "a refused call costs nothing");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn envelope_keys_come_in_the_seeds_order() {
    let server = start(|_| {}).await;
    let c = Client::new(&server);
    let created = c.post("/v1/companies", r#"{"name":"Acme Research"}"#).await;
    let text = created.text();
    assert!(text.starts_with(r#"{"success":true,"data":{"id":"co_"#), "{text}");
    assert!(text.contains(r#""name":"Acme Research","status":"running","governance_mode":"autonomous","created_at":""#), "{text}");
    assert!(text.ends_with(r#"},"meta":{"credits_used":1,"credits_remaining":9999}}"#), "{text}");
    let co = created.data()["id"].as_str().unwrap().to_owned();
    let list = c.get("/v1/companies").await.text();
    assert!(list.starts_with(r#"{"success":true,"data":[{"id":"#), "{list}");
    assert!(list.ends_with(r#"],"meta":{"cursor":null,"has_more":false,"credits_used":1,"credits_remaining":9998}}"#), "{list}");
    let body = r#"{"title":"Generate Q2 market report","description":"Research","agent_id":null,"priority":"high","metadata":{"department":"research","due_date":"2026-05-30"}}"#;
    let task = c.post(&format!("/v1/companies/{co}/tasks"), body).await.data();
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&task), ["id", "company_id", "agent_id", "title", "description", "status", "priority", "metadata", "created_at"]);
    assert_eq!(keys(&task["metadata"]), ["department", "due_date"], "the caller's metadata as sent");
    let summary = c.get(&format!("/v1/companies/{co}/tasks")).await.data()[0].clone();
    assert_eq!(keys(&summary), ["id", "title", "agent_id", "status", "priority", "created_at"]);
    let path = format!("/v1/companies/{co}/tasks/{}", task["id"].as_str().unwrap());
    let updated = c.patch(&path, r#"{"priority":"critical","description":"Updated scope"}"#).await.data();
    assert_eq!(keys(&updated), ["id", "title", "priority", "description", "status", "updated_at"]);
    c.tick().await;
    c.tick().await;
    let done = c.get(&path).await.data();
    let order = ["id", "company_id", "agent_id", "title", "description", "status", "priority", "output", "cost", "metadata", "created_at", "updated_at", "started_at", "completed_at"];
    assert_eq!(keys(&done), order, "{done}");
    assert_eq!(keys(&done["output"]), ["summary", "artifacts"]);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn credits_two_for_a_task_one_for_anything_else() {
    let server = start(|c| c.fail_rate = 0.0).await;
    let c = Client::new(&server);
    let gated = c.post("/v1/companies", r#"{"name":"Gated","governance_mode":"human_in_loop"}"#).await;
    assert_eq!((gated.status, gated.json()["meta"].clone()), (201, json!({"credits_used": 1, "credits_remaining": 9999})));
    let co = gated.data()["id"].as_str().unwrap().to_owned();
    let tasks = format!("/v1/companies/{co}/tasks");
    let created = c.post(&tasks, r#"{"title":"Generate Q2 market report"}"#).await;
    assert_eq!(created.json()["meta"], json!({"credits_used": 2, "credits_remaining": 9997}), "seed 004: a task costs 2");
    let task = format!("{tasks}/{}", created.data()["id"].as_str().unwrap());
    let mut expected = 9997;
    for (method, path, body) in [
        ("GET", "/v1/companies".to_owned(), None),
        ("GET", format!("/v1/companies/{co}"), None),
        ("GET", tasks.clone(), None),
        ("GET", task.clone(), None),
        ("PATCH", task.clone(), Some(r#"{"priority":"low"}"#)),
        ("POST", format!("{task}/approve"), Some(r#"{"comment":"ok"}"#)),
        ("GET", format!("/v1/companies/{co}/agents"), None),
        ("GET", format!("/v1/companies/{co}/activity"), None),
        ("POST", format!("/v1/companies/{co}/pause"), None),
        ("POST", format!("/v1/companies/{co}/resume"), None),
    ] {
        let r = c.call(method, &path, body, &[]).await;
        expected -= 1;
        assert_eq!((r.status, r.json()["meta"]["credits_used"].as_i64(), r.remaining()), (200, Some(1), expected), "{method} {path}");
    }
    // Failed calls cost nothing and carry no meta.
    for (method, path) in [("GET", "/v1/companies/co_missing"), ("POST", tasks.as_str()), ("POST", "/v1/companies/co_missing/tasks")] {
        let r = c.call(method, path, Some(r#"{"priority":"urgent"}"#), &[]).await;
        assert!(r.status >= 400 && r.json().get("meta").is_none(), "{}", r.text());
    }
    assert_eq!(c.get("/v1/companies").await.remaining(), expected - 1);
    // Opening the activity stream is one call.
    let before = c.account().await["credits_remaining"].as_i64().unwrap();
    let (text, _) = sse(server.addr(), &c.key, &format!("/v1/companies/{co}/activity?stream=true"), &[], 10_000, |t| t.starts_with("retry:")).await;
    assert!(text.starts_with("retry:"));
    assert_eq!(c.account().await["credits_remaining"].as_i64().unwrap(), before - 1);
    // The agents' work is free.
    c.tick().await;
    assert_eq!(c.account().await["credits_remaining"].as_i64().unwrap(), before - 1);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn running_out_of_credits_refuses_calls_and_changes_nothing() {
    let server = start(|c| c.keys.push(key_config("capx_sk_test_poor", "pro", json!({"credits": 4})))).await;
    let poor = Client::with_key(&server, "capx_sk_test_poor");
    assert_eq!(poor.account().await["credits_remaining"], 4);
    let co = poor.company("autonomous").await;
    let tasks = format!("/v1/companies/{co}/tasks");
    assert_eq!(poor.post(&tasks, r#"{"title":"one"}"#).await.remaining(), 1);
    let broke = poor.call("POST", &tasks, Some(r#"{"title":"two"}"#), &[("Idempotency-Key", "broke-1")]).await;
    assert_error(&broke, 403, "forbidden");
    assert_eq!(broke.json()["error"]["message"], "Insufficient credits: this request costs 2 and 1 remain");
    let last = poor.get(&tasks).await;
    assert_eq!((last.status, last.remaining(), last.data().as_array().unwrap().len()), (200, 0, 1), "the refused create made nothing");
    let empty = poor.get(&tasks).await;
    assert_error(&empty, 403, "forbidden");
    assert_eq!(empty.json()["error"]["message"], "Insufficient credits: this request costs 1 and 0 remain");
    let (text, _) = sse(server.addr(), &poor.key, &format!("{}/activity?stream=true", &tasks[..tasks.len() - 6]), &[], 10_000, |t| !t.is_empty()).await;
    assert!(text.contains("\"forbidden\""), "a stream is refused too: {text}");
    // The control API is free, and tops the balance up.
    let set = poor.post("/__mock/credits", r#"{"credits_remaining":10}"#).await;
    assert_eq!((set.status, set.json()["credits_remaining"].as_i64()), (200, Some(10)));
    assert_eq!(poor.get(&tasks).await.remaining(), 9);
    let retried = poor.call("POST", &tasks, Some(r#"{"title":"two"}"#), &[("Idempotency-Key", "broke-1")]).await;
    assert_eq!((retried.status, retried.remaining()), (201, 7), "a refusal for credits is not kept for its Idempotency-Key");
    // A reset gives back the key's configured starting balance.
    assert_eq!(poor.post("/__mock/reset", "").await.status, 200);
    assert_eq!(poor.account().await["credits_remaining"], 4);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_error_code_with_its_status_and_docs() {
    let server = start(|c| c.keys.push(key_config("capx_sk_test_readonly", "pro", json!({"scope": "read_only"})))).await;
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    let tasks = format!("/v1/companies/{co}/tasks");
    let task = c.task(&co, "t").await["id"].as_str().unwrap().to_owned();
    let reader = Client::with_key(&server, "capx_sk_test_readonly");
    let fault = |kind: &'static str| [("X-Capx-Mock-Fault", kind)];
    let cases: Vec<(Reply, u16, &str)> = vec![
        (c.post(&tasks, "{not json").await, 400, "invalid_request"),
        (c.get(&format!("{tasks}?limit=101")).await, 400, "invalid_request"),
        (raw(server.addr(), "GET", &tasks, &[], None).await.unwrap(), 401, "unauthorized"),
        (reader.post("/v1/companies", r#"{"name":"x"}"#).await, 403, "forbidden"),
        (c.get(&format!("{tasks}/tsk_missing")).await, 404, "not_found"),
        (c.post(&format!("{tasks}/{task}/approve"), "").await, 409, "conflict"),
        (c.post(&tasks, r#"{"description":"no title"}"#).await, 422, "validation_error"),
        (c.call("GET", &tasks, None, &fault("429")).await, 429, "rate_limit_exceeded"),
        (c.call("GET", &tasks, None, &fault("500")).await, 500, "internal_error"),
    ];
    let mut seen = HashSet::new();
    for (r, status, code) in cases {
        assert_error(&r, status, code);
        seen.insert(code);
    }
    assert_eq!(seen.len(), 8, "the seeds' whole error table");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn validation_422_and_malformed_400() {
    let server = start(|_| {}).await;
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    let tasks = format!("/v1/companies/{co}/tasks");
    for body in [
        r#"{}"#,
        r#"{"description":"no title"}"#,
        r#"{"title":null}"#,
        r#"{"title":""}"#,
        r#"{"title":"   "}"#,
        r#"{"title":5}"#,
        r#"{"title":["a"]}"#,
        r#"{"title":{"a":1}}"#,
        r#"{"title":"t","priority":"urgent"}"#,
        r#"{"title":"t","priority":"HIGH"}"#,
        r#"{"title":"t","priority":3}"#,
        r#"{"title":"t","description":42}"#,
        r#"{"title":"t","metadata":"x"}"#,
        r#"{"title":"t","metadata":[1]}"#,
        r#"{"title":"t","agent_id":7}"#,
        r#"{"title":"t","agent_id":"ag_stranger"}"#,
    ] {
        assert_error(&c.post(&tasks, body).await, 422, "validation_error");
    }
    for body in [r#"{}"#, r#"{"name":""}"#, r#"{"name":1}"#, r#"{"name":"x","governance_mode":"anarchy"}"#, r#"{"name":"x","governance_mode":true}"#] {
        assert_error(&c.post("/v1/companies", body).await, 422, "validation_error");
    }
    let t = c.task(&co, "kept").await["id"].as_str().unwrap().to_owned();
    for body in [r#"{"title":""}"#, r#"{"priority":"urgent"}"#, r#"{"description":false}"#, r#"{"metadata":"x"}"#] {
        assert_error(&c.patch(&format!("{tasks}/{t}"), body).await, 422, "validation_error");
    }
    for (body, message) in [
        (r#"{}"#, "title is required"),
        (r#"{"title":"t","priority":"urgent"}"#, "priority must be one of low, medium, high, critical"),
        (r#"{"title":5}"#, "title must be a string"),
    ] {
        assert_eq!(c.post(&tasks, body).await.json()["error"]["message"], message);
    }
    for body in ["{not json", r#"{"title":"#, r#"{"title":"x",}"#, "[1]", r#""title""#, "null", "\u{0}"] {
        let r = c.post(&tasks, body).await;
        assert_error(&r, 400, "invalid_request");
    }
    assert!(c.post(&tasks, "{not json").await.json()["error"]["message"].as_str().unwrap().starts_with("Malformed JSON body"));
    assert_error(&c.patch(&format!("{tasks}/{t}"), "{").await, 400, "invalid_request");
    assert_eq!(c.get(&tasks).await.data().as_array().unwrap().len(), 1, "nothing invalid was created");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pagination_limits_and_the_end_of_a_list() {
    let server = start(|_| {}).await;
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    let tasks = format!("/v1/companies/{co}/tasks");
    let empty = c.get(&tasks).await.json();
    assert_eq!((empty["data"].clone(), empty["meta"]["cursor"].clone(), empty["meta"]["has_more"].clone()), (json!([]), Value::Null, json!(false)));
    for i in 0..130 {
        c.task(&co, &format!("t{i}")).await;
    }
    let page = |q: String| {
        let c = &c;
        let tasks = &tasks;
        async move { c.get(&format!("{tasks}?{q}")).await }
    };
    let default = page(String::new()).await.json();
    assert_eq!((default["data"].as_array().unwrap().len(), default["meta"]["has_more"].clone()), (25, json!(true)), "default 25");
    let cursor = default["meta"]["cursor"].as_str().unwrap();
    assert!(!cursor.contains("tsk_") && !cursor.contains('{'), "opaque: {cursor}");
    let max = page("limit=100".into()).await.json();
    assert_eq!(max["data"].as_array().unwrap().len(), 100, "max 100");
    let rest = page(format!("limit=100&cursor={}", max["meta"]["cursor"].as_str().unwrap())).await.json();
    assert_eq!(rest["data"].as_array().unwrap().len(), 30);
    assert_eq!((rest["meta"]["cursor"].clone(), rest["meta"]["has_more"].clone()), (Value::Null, json!(false)));
    // A last page that is exactly full still ends with a null cursor.
    let exact = page("limit=65".into()).await.json();
    let end = page(format!("limit=65&cursor={}", exact["meta"]["cursor"].as_str().unwrap())).await.json();
    assert_eq!((end["data"].as_array().unwrap().len(), end["meta"]["cursor"].clone(), end["meta"]["has_more"].clone()), (65, Value::Null, json!(false)));
    for bad in ["limit=101", "limit=1000", "limit=0", "limit=-1", "limit=ten", "limit=", "cursor=garbage", "cursor=eyJpZCI6ImNvXzk5OSJ9"] {
        let r = page(bad.into()).await;
        assert_error(&r, 400, "invalid_request");
    }
    assert!(page("limit=101".into()).await.json()["error"]["message"].as_str().unwrap().contains("100"));
    // A cursor of one list is refused by another.
    let companies_cursor = {
        c.company("autonomous").await;
        c.get("/v1/companies?limit=1").await.json()["meta"]["cursor"].as_str().unwrap().to_owned()
    };
    assert_error(&page(format!("cursor={companies_cursor}")).await, 400, "invalid_request");
    let second = c.get(&format!("/v1/companies?limit=1&cursor={companies_cursor}")).await.json();
    assert_eq!((second["data"].as_array().unwrap().len(), second["meta"]["cursor"].clone()), (1, Value::Null));
    let agents = c.get(&format!("/v1/companies/{co}/agents?limit=2")).await.json();
    assert_eq!((agents["data"].as_array().unwrap().len(), agents["meta"]["has_more"].clone()), (2, json!(true)));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_stay_stable_under_concurrent_inserts() {
    let server = start(|_| {}).await;
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    let tasks = format!("/v1/companies/{co}/tasks");
    let mut made = Vec::new();
    for i in 0..60 {
        made.push(c.task(&co, &format!("early {i}")).await["id"].as_str().unwrap().to_owned());
    }
    // A writer inserts while the reader pages.
    let writer = {
        let (addr, key, co) = (server.addr(), c.key.clone(), co.clone());
        tokio::spawn(async move {
            let w = Client { addr, key };
            for i in 0..40 {
                w.task(&co, &format!("late {i}")).await;
            }
        })
    };
    let (mut seen, mut cursor, mut cursors) = (Vec::<String>::new(), None::<String>, Vec::new());
    loop {
        let q = cursor.as_ref().map_or(String::new(), |c| format!("&cursor={c}"));
        let page = c.get(&format!("{tasks}?limit=7{q}")).await.json();
        seen.extend(page["data"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap().to_owned()));
        match page["meta"]["cursor"].as_str() {
            Some(next) => {
                cursors.push((next.to_owned(), seen.len()));
                cursor = Some(next.to_owned());
            }
            None => break,
        }
    }
    writer.await.unwrap();
    assert_eq!(&seen[..60], &made[..], "what existed comes first, in order, nothing lost");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), seen.len(), "nothing twice");
    let all: Vec<String> = {
        let first = c.get(&format!("{tasks}?limit=100")).await.json();
        let mut ids: Vec<String> = first["data"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap().to_owned()).collect();
        assert_eq!(ids.len(), 100);
        assert_eq!(first["meta"]["cursor"], Value::Null, "exactly 100 tasks: one full page, then the end");
        ids.truncate(seen.len());
        ids
    };
    assert_eq!(seen, all, "the pages, joined, are the list in creation order");
    // A cursor still gives the very same page after all the inserts.
    let (again, at) = cursors[3].clone();
    let page = c.get(&format!("{tasks}?limit=7&cursor={again}")).await.data();
    let ids: Vec<&str> = page.as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, all[at..at + 7].iter().map(String::as_str).collect::<Vec<_>>());
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn idempotency_replays_and_conflicts() {
    let server = start(|_| {}).await;
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    let path = format!("/v1/companies/{co}/tasks");
    let key = [("Idempotency-Key", "req_unique_abc123")];
    let first = c.call("POST", &path, Some(r#"{"title":"once","priority":"high"}"#), &key).await;
    assert_eq!((first.status, first.header("idempotent-replayed")), (201, None));
    // The same request, serialized differently, is the same request.
    let again = c.call("POST", &path, Some(r#"{ "priority": "high", "title": "once" }"#), &key).await;
    assert_eq!((again.status, again.header("idempotent-replayed")), (201, Some("true")));
    assert_eq!(first.body, again.body, "the stored original response, credits meta included");
    again.rate();
    assert_eq!(c.get(&path).await.remaining(), first.remaining() - 1, "a replay costs nothing");
    for other in [r#"{"title":"different"}"#, r#"{"title":"once"}"#, ""] {
        let r = c.call("POST", &path, Some(other), &key).await;
        assert_error(&r, 409, "conflict");
        assert!(r.json()["error"]["message"].as_str().unwrap().contains("Idempotency-Key"));
    }
    assert_error(&c.call("POST", "/v1/companies", Some(r#"{"title":"once","priority":"high"}"#), &key).await, 409, "conflict");
    // Scoped to the API key: another key's identical request executes.
    let stranger = Client::new(&server);
    let theirs = stranger.company("autonomous").await;
    let r = stranger.call("POST", &format!("/v1/companies/{theirs}/tasks"), Some(r#"{"title":"once","priority":"high"}"#), &key).await;
    assert_eq!((r.status, r.header("idempotent-replayed")), (201, None));
    // PATCH and DELETE too; a stored error is replayed as well. GETs ignore the header.
    let task = format!("{path}/{}", first.data()["id"].as_str().unwrap());
    let patch = [("Idempotency-Key", "patch-1")];
    let p1 = c.call("PATCH", &task, Some(r#"{"priority":"low"}"#), &patch).await;
    let p2 = c.call("PATCH", &task, Some(r#"{"priority":"low"}"#), &patch).await;
    assert_eq!((p1.status, p2.header("idempotent-replayed"), p1.body == p2.body), (200, Some("true"), true));
    let del = [("Idempotency-Key", "delete-1")];
    let d1 = c.call("DELETE", &format!("/v1/companies/{co}"), None, &del).await;
    let d2 = c.call("DELETE", &format!("/v1/companies/{co}"), None, &del).await;
    assert_eq!((d1.status, d2.status, d2.header("idempotent-replayed")), (404, 404, Some("true")));
    let g = c.call("GET", &path, None, &key).await;
    assert_eq!((g.status, g.header("idempotent-replayed")), (200, None));
    let log = c.requests().await;
    assert_eq!(log.iter().filter(|r| r["idempotency_key"] == "req_unique_abc123").count(), 6, "GETs carry none in the log");
    assert_eq!(log.iter().filter(|r| r["replayed"] == true).count(), 3);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fifty_concurrent_identical_posts_create_one_task() {
    let server = start(|_| {}).await;
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    let path = format!("/v1/companies/{co}/tasks");
    let before = c.account().await["credits_remaining"].as_i64().unwrap();
    let (addr, auth) = (server.addr(), format!("Bearer {}", c.key));
    let burst = (0..50).map(|_| {
        let (auth, path) = (auth.clone(), path.clone());
        tokio::spawn(async move {
            raw(addr, "POST", &path, &[("Authorization", &auth), ("Idempotency-Key", "same-50")], Some(r#"{"title":"fifty"}"#)).await.unwrap()
        })
    });
    let replies: Vec<Reply> = futures_util::future::join_all(burst).await.into_iter().map(Result::unwrap).collect();
    assert!(replies.iter().all(|r| r.status == 201), "{:?}", replies.iter().map(|r| r.status).collect::<Vec<_>>());
    assert!(replies.iter().all(|r| r.body == replies[0].body), "every one got the original response");
    assert_eq!(replies.iter().filter(|r| r.header("idempotent-replayed").is_none()).count(), 1, "one executed, 49 replayed");
    let list = c.get(&format!("{path}?limit=100")).await.data();
    assert_eq!(list.as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap()).collect::<Vec<_>>(), ["fifty"]);
    assert_eq!(c.account().await["credits_remaining"].as_i64().unwrap(), before - 2 - 1, "charged once, plus the list");
    let created = c.events(&co).await.into_iter().filter(|e| e["type"] == "task.created").count();
    assert_eq!(created, 1, "one task.created event");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn idempotency_keys_expire() {
    let server = start(|c| c.idempotency_ttl = std::time::Duration::from_millis(300)).await;
    let c = Client::new(&server);
    let key = [("Idempotency-Key", "short-lived")];
    let first = c.call("POST", "/v1/companies", Some(r#"{"name":"a"}"#), &key).await.data()["id"].clone();
    let fresh = eventually("the key to expire", || async {
        let r = c.call("POST", "/v1/companies", Some(r#"{"name":"a"}"#), &key).await;
        r.header("idempotent-replayed").is_none().then(|| r.data()["id"].clone())
    })
    .await;
    assert_ne!(first, fresh, "after the TTL the request executes again");
    assert_eq!(Config::default().idempotency_ttl, std::time::Duration::from_secs(24 * 3600));
    server.shutdown().await;
}
