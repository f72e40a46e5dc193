//! Companies, tasks (seed 004) and the simulated agents, over real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;
use common::*;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::Duration;

fn ids(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn companies_create_read_pause_resume() {
    let server = start(|_| {}).await;
    let c = Client::new(&server);
    let created = c.post("/v1/companies", r#"{"name":"Acme Research","governance_mode":"human_in_loop"}"#).await;
    assert_eq!(created.status, 201);
    let co = created.data();
    let id = co["id"].as_str().unwrap();
    assert!(id.starts_with("co_"));
    assert_eq!((co["name"].as_str(), co["status"].as_str(), co["governance_mode"].as_str()), (Some("Acme Research"), Some("running"), Some("human_in_loop")));
    assert!(co["created_at"].as_str().unwrap().ends_with('Z'));
    let auto = c.post("/v1/companies", r#"{"name":"Auto"}"#).await.data();
    assert_eq!(auto["governance_mode"], "autonomous", "the default");
    assert_eq!(c.get(&format!("/v1/companies/{id}")).await.data(), co);
    assert_eq!(ids(&c.get("/v1/companies").await.data()), [id, auto["id"].as_str().unwrap()]);
    assert_eq!(c.get("/v1/companies/co_missing").await.status, 404);
    assert!(ids(&Client::new(&server).get("/v1/companies").await.data()).is_empty(), "another key sees none of them");

    let base = format!("/v1/companies/{id}");
    let resumed_running = c.post(&format!("{base}/resume"), "").await;
    assert_eq!((resumed_running.status, resumed_running.code().as_str()), (409, "conflict"));
    assert_eq!(resumed_running.json()["error"]["docs"], "https://capx.ai/docs/api#error-conflict");
    let paused = c.post(&format!("{base}/pause"), "").await;
    assert_eq!((paused.status, paused.data()["status"].as_str()), (200, Some("paused")));
    assert_eq!(c.get(&base).await.data()["status"], "paused");
    let again = c.post(&format!("{base}/pause"), "").await;
    assert_eq!((again.status, again.code().as_str()), (409, "conflict"));
    assert_eq!(again.json()["error"]["message"], format!("Company {id} is paused; only a running company can be paused"));
    assert_eq!(c.post(&format!("{base}/resume"), "").await.data()["status"], "running");
    assert_eq!(c.post("/v1/companies/co_missing/pause", "").await.status, 404);
    let changes: Vec<Value> = c.events(id).await.into_iter().filter(|e| e["type"] == "company.status_changed").collect();
    assert_eq!(changes.iter().map(|e| e["status"].as_str().unwrap()).collect::<Vec<_>>(), ["paused", "running"]);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn tasks_create_get_update_and_auto_assignment() {
    let server = start(|_| {}).await;
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    let agents = ids(&c.get(&format!("/v1/companies/{co}/agents")).await.data());
    assert_eq!(agents.len(), 3);
    let tasks = format!("/v1/companies/{co}/tasks");
    let body = json!({
        "title": "Generate Q2 market report",
        "description": "Research current market trends.",
        "agent_id": agents[1],
        "priority": "high",
        "metadata": {"department": "research", "due_date": "2026-05-30"},
    });
    let created = c.post(&tasks, &body.to_string()).await;
    assert_eq!(created.status, 201);
    let t = created.data();
    assert!(t["id"].as_str().unwrap().starts_with("tsk_"));
    assert_eq!(
        (&t["company_id"], &t["agent_id"], &t["title"], &t["description"], &t["status"], &t["priority"], &t["metadata"]),
        (&json!(co), &body["agent_id"], &body["title"], &body["description"], &json!("pending"), &json!("high"), &body["metadata"])
    );
    // No agent_id: assigned automatically, round-robin over the company's agents.
    let auto: Vec<String> = {
        let mut v = Vec::new();
        for i in 0..3 {
            v.push(c.task(&co, &format!("auto {i}")).await["agent_id"].as_str().unwrap().to_owned());
        }
        v
    };
    assert_eq!(auto.iter().collect::<HashSet<_>>(), agents.iter().collect::<HashSet<_>>(), "{auto:?}");
    let minimal = c.task(&co, "minimal").await;
    assert_eq!((minimal["priority"].as_str(), minimal["metadata"].clone(), minimal["description"].clone()), (Some("medium"), json!({}), Value::Null));
    let path = format!("{tasks}/{}", t["id"].as_str().unwrap());
    let got = c.get(&path).await.data();
    assert_eq!(got, t, "GET serves what create returned");
    let updated = c.patch(&path, r#"{"priority":"critical","description":"Updated scope: include APAC."}"#).await.data();
    assert_eq!((updated["priority"].as_str(), updated["description"].as_str(), updated["status"].as_str()), (Some("critical"), Some("Updated scope: include APAC."), Some("pending")));
    assert_eq!(updated["title"], "Generate Q2 market report");
    let renamed = c.patch(&path, r#"{"title":"Q2 report","metadata":{"department":"sales"}}"#).await.data();
    assert_eq!(renamed["title"], "Q2 report");
    let full = c.get(&path).await.data();
    assert_eq!((full["metadata"].clone(), full["updated_at"].clone()), (json!({"department": "sales"}), renamed["updated_at"].clone()));
    assert_eq!(c.patch(&format!("{tasks}/tsk_missing"), r#"{"title":"x"}"#).await.status, 404);
    let other = c.company("autonomous").await;
    assert_eq!(c.get(&format!("/v1/companies/{other}/tasks/{}", t["id"].as_str().unwrap())).await.status, 404, "a task of another company");
    assert_eq!(c.post("/v1/companies/co_missing/tasks", r#"{"title":"x"}"#).await.status, 404);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn task_list_filters() {
    let server = start(|c| c.fail_rate = 0.0).await;
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    let tasks = format!("/v1/companies/{co}/tasks");
    let agents = ids(&c.get(&format!("/v1/companies/{co}/agents")).await.data());
    let a = c.post(&tasks, &json!({"title": "a", "priority": "high", "agent_id": agents[0]}).to_string()).await.data();
    let b = c.post(&tasks, &json!({"title": "b", "priority": "low", "agent_id": agents[0]}).to_string()).await.data();
    let d = c.post(&tasks, &json!({"title": "d", "priority": "high", "agent_id": agents[2]}).to_string()).await.data();
    c.tick().await; // a and d start; b waits behind a
    let list = |q: &str| {
        let (c, tasks, q) = (&c, &tasks, q.to_owned());
        async move { ids(&c.get(&format!("{tasks}?{q}")).await.data()) }
    };
    let id = |t: &Value| t["id"].as_str().unwrap().to_owned();
    assert_eq!(list("status=in_progress").await, [id(&a), id(&d)]);
    assert_eq!(list("status=pending").await, [id(&b)]);
    assert_eq!(list("status=completed").await, Vec::<String>::new());
    assert_eq!(list("priority=high").await, [id(&a), id(&d)]);
    assert_eq!(list(&format!("agent_id={}", agents[0])).await, [id(&a), id(&b)]);
    assert_eq!(list(&format!("agent_id={}&priority=low&status=pending", agents[0])).await, [id(&b)]);
    assert_eq!(list("agent_id=ag_nobody").await, Vec::<String>::new());
    let summary = c.get(&format!("{tasks}?status=in_progress&limit=10")).await.data()[0].clone();
    assert_eq!(summary["status"], "in_progress");
    // since: created strictly after the timestamp, as served (to the second).
    assert_eq!(list("since=2000-01-01T00:00:00Z").await.len(), 3);
    assert_eq!(list("since=2999-01-01T00:00:00%2B02:00").await.len(), 0);
    let created_at = d["created_at"].as_str().unwrap();
    assert!(!list(&format!("since={created_at}")).await.contains(&id(&d)));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let later = c.task(&co, "later").await;
    assert_eq!(list(&format!("since={created_at}")).await, [id(&later)]);
    for bad in ["status=archived", "status=PENDING", "priority=urgent", "since=yesterday", "since=2026-13-01"] {
        let r = c.get(&format!("{tasks}?{bad}")).await;
        assert_eq!((r.status, r.code().as_str()), (400, "invalid_request"), "{bad}");
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn human_in_loop_approval_gates() {
    let server = start(|c| c.fail_rate = 0.0).await;
    let c = Client::new(&server);
    let co = c.company("human_in_loop").await;
    let tasks = format!("/v1/companies/{co}/tasks");
    let a = c.task(&co, "needs a human").await;
    let b = c.task(&co, "also").await;
    assert_eq!((a["status"].as_str(), b["status"].as_str()), (Some("pending_approval"), Some("pending_approval")));
    let (pa, pb) = (format!("{tasks}/{}", a["id"].as_str().unwrap()), format!("{tasks}/{}", b["id"].as_str().unwrap()));
    c.tick().await;
    assert_eq!(c.get(&pa).await.data()["status"], "pending_approval", "agents never start an unapproved task");

    let approved = c.post(&format!("{pa}/approve"), r#"{"comment":"Approved. Prioritize APAC data."}"#).await;
    assert_eq!(approved.status, 200);
    let ap = approved.data();
    assert_eq!(ap.as_object().unwrap().keys().collect::<Vec<_>>(), ["id", "status", "approved_by", "approved_at", "approval_comment"]);
    assert_eq!((ap["id"].clone(), ap["status"].as_str(), ap["approved_by"].as_str()), (a["id"].clone(), Some("pending"), Some("user_demo")));
    assert_eq!(ap["approval_comment"], "Approved. Prioritize APAC data.");
    assert!(ap["approved_at"].as_str().unwrap().ends_with('Z'));
    let full = c.get(&pa).await.data();
    assert_eq!((full["approved_by"].clone(), full["approved_at"].clone(), full["approval_comment"].clone()), (ap["approved_by"].clone(), ap["approved_at"].clone(), ap["approval_comment"].clone()));

    let rejected = c.post(&format!("{pb}/reject"), r#"{"reason":"Duplicate of tsk_abc123. Already in progress."}"#).await.data();
    assert_eq!(rejected.as_object().unwrap().keys().collect::<Vec<_>>(), ["id", "status", "rejected_by", "rejected_at", "rejection_reason"]);
    assert_eq!((rejected["status"].as_str(), rejected["rejected_by"].as_str()), (Some("rejected"), Some("user_demo")));
    assert_eq!(rejected["rejection_reason"], "Duplicate of tsk_abc123. Already in progress.");
    assert!(rejected["rejected_at"].is_string());
    assert_eq!(c.get(&pb).await.data()["rejection_reason"], rejected["rejection_reason"]);
    // Seed 004: the rejection reason is logged in the activity feed.
    let logged = c.events(&co).await.into_iter().find(|e| e["type"] == "task.rejected").unwrap();
    assert_eq!((logged["task_id"].clone(), logged["reason"].clone()), (b["id"].clone(), rejected["rejection_reason"].clone()));

    // Only from pending_approval: approved (pending), rejected, in progress, completed: 409.
    let conflict = |r: Reply| {
        assert_eq!((r.status, r.code().as_str()), (409, "conflict"), "{}", r.text());
        assert_eq!(r.json()["error"]["docs"], "https://capx.ai/docs/api#error-conflict");
    };
    for path in [&pa, &pb] {
        conflict(c.post(&format!("{path}/approve"), "").await);
        conflict(c.post(&format!("{path}/reject"), "").await);
    }
    let message = |r: Reply| r.json()["error"]["message"].as_str().unwrap_or_default().to_owned();
    assert!(message(c.post(&format!("{pb}/approve"), "").await).ends_with("only a pending_approval task can be approved"));
    assert!(message(c.post(&format!("{pb}/reject"), "").await).ends_with("only a pending_approval task can be rejected"));
    c.tick().await;
    assert_eq!(c.get(&pa).await.data()["status"], "in_progress");
    conflict(c.post(&format!("{pa}/approve"), "").await);
    c.tick().await;
    assert_eq!(c.get(&pa).await.data()["status"], "completed");
    conflict(c.post(&format!("{pa}/reject"), r#"{"reason":"too late"}"#).await);
    conflict(c.patch(&pa, r#"{"title":"too late"}"#).await);
    let auto = c.company("autonomous").await;
    let plain = c.task(&auto, "no gate").await;
    assert_eq!(plain["status"], "pending");
    conflict(c.post(&format!("/v1/companies/{auto}/tasks/{}/approve", plain["id"].as_str().unwrap()), "").await);
    // Without a body, the note is null.
    let third = c.task(&co, "silent").await;
    let silent = c.post(&format!("{tasks}/{}/approve", third["id"].as_str().unwrap()), "").await.data();
    assert_eq!(silent["approval_comment"], Value::Null);
    assert_eq!(c.post(&format!("{tasks}/tsk_missing/approve"), "").await.status, 404);
    let bad = c.post(&format!("{tasks}/{}/reject", c.task(&co, "x").await["id"].as_str().unwrap()), r#"{"reason":5}"#).await;
    assert_eq!(bad.status, 422);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_heartbeat_does_the_work_in_real_time() {
    let server = start(|c| {
        c.heartbeat = Duration::from_millis(20);
        c.fail_rate = 0.0;
    })
    .await;
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    let t = c.task(&co, "Generate Q2 market report").await;
    let path = format!("/v1/companies/{co}/tasks/{}", t["id"].as_str().unwrap());
    let done = eventually("the task to complete", || async {
        let d = c.get(&path).await.data();
        (d["status"] == "completed").then_some(d)
    })
    .await;
    assert!(!done["output"]["summary"].as_str().unwrap().is_empty());
    let artifacts = done["output"]["artifacts"].as_array().unwrap();
    assert!(!artifacts.is_empty() && artifacts.iter().all(Value::is_string), "{artifacts:?}");
    assert!(done["cost"].as_f64().unwrap() > 0.0);
    let (created, started, completed) = (done["created_at"].as_str().unwrap(), done["started_at"].as_str().unwrap(), done["completed_at"].as_str().unwrap());
    assert!(created <= started && started <= completed, "{created} {started} {completed}");
    let types: HashSet<String> = c.events(&co).await.iter().map(|e| e["type"].as_str().unwrap().to_owned()).collect();
    assert!(types.contains("agent.heartbeat") && types.contains("task.completed"), "{types:?}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn heartbeats_move_tasks_pending_in_progress_completed() {
    let server = start(|c| {
        c.fail_rate = 0.0;
        c.cost_threshold = 0.01;
    })
    .await;
    let c = Client::new(&server);
    let co = c.company("autonomous").await;
    let t = c.task(&co, "Generate Q2 market report").await;
    let path = format!("/v1/companies/{co}/tasks/{}", t["id"].as_str().unwrap());
    assert_eq!(c.get(&path).await.data()["status"], "pending");
    c.tick().await;
    let started = c.get(&path).await.data();
    assert_eq!(started["status"], "in_progress");
    assert!(started["started_at"].is_string());
    for absent in ["completed_at", "output", "cost"] {
        assert!(started.get(absent).is_none(), "{absent} before completion: {started}");
    }
    c.tick().await;
    let done = c.get(&path).await.data();
    assert_eq!(done["status"], "completed");
    assert_eq!(done["output"]["artifacts"], json!(["generate_q2_market_report.pdf"]));
    assert_eq!(done["started_at"], started["started_at"]);
    let events = c.events(&co).await;
    let completed = events.iter().find(|e| e["type"] == "task.completed").unwrap();
    assert_eq!((completed["task_id"].clone(), completed["cost"].clone()), (t["id"].clone(), done["cost"].clone()));
    let threshold = events.iter().find(|e| e["type"] == "costs.threshold_reached").unwrap();
    assert_eq!(threshold["threshold"], 0.01);
    assert_eq!(events.iter().filter(|e| e["type"] == "agent.heartbeat").count(), 6, "3 agents, 2 beats");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_configured_share_of_tasks_fails() {
    for (rate, expect_failed) in [(1.0, Some(12)), (0.0, Some(0)), (0.5, None)] {
        let server = start(|c| c.fail_rate = rate).await;
        let c = Client::new(&server);
        let co = c.company("autonomous").await;
        for i in 0..12 {
            c.task(&co, &format!("t{i}")).await;
        }
        // Each agent finishes one task per beat after starting it on the previous one.
        for _ in 0..10 {
            c.tick().await;
        }
        let list = c.get(&format!("/v1/companies/{co}/tasks?limit=100")).await.data();
        let statuses: Vec<&str> = list.as_array().unwrap().iter().map(|t| t["status"].as_str().unwrap()).collect();
        assert!(statuses.iter().all(|s| *s == "completed" || *s == "failed"), "{statuses:?}");
        let failed = statuses.iter().filter(|s| **s == "failed").count();
        match expect_failed {
            Some(n) => assert_eq!(failed, n, "fail rate {rate}"),
            None => assert!((1..12).contains(&failed), "fail rate 0.5 gave {failed} of 12"),
        }
        let events = c.events(&co).await;
        assert_eq!(events.iter().filter(|e| e["type"] == "agent.error").count(), failed);
        if rate == 1.0 {
            let t = c.get(&format!("/v1/companies/{co}/tasks/{}", list[0]["id"].as_str().unwrap())).await.data();
            assert!(t["output"]["summary"].as_str().unwrap().starts_with("Failed"));
            assert!(t["cost"].as_f64().is_some() && t["completed_at"].is_string() && t["started_at"].is_string());
        }
        server.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn paused_companies_do_no_work() {
    let server = start(|c| {
        c.fail_rate = 0.0;
        c.heartbeat = Duration::from_millis(20);
    })
    .await;
    let c = Client::new(&server);
    let paused = c.company("autonomous").await;
    c.post(&format!("/v1/companies/{paused}/pause"), "").await;
    let idle = c.task(&paused, "waits").await;
    let path = format!("/v1/companies/{paused}/tasks/{}", idle["id"].as_str().unwrap());
    // A running company beside it shows that beats happen meanwhile.
    let busy = c.company("autonomous").await;
    c.task(&busy, "runs").await;
    eventually("the running company's task to complete", || async {
        let l = c.get(&format!("/v1/companies/{busy}/tasks?status=completed")).await.data();
        (!l.as_array().unwrap().is_empty()).then_some(())
    })
    .await;
    for _ in 0..3 {
        c.tick().await;
    }
    assert_eq!(c.get(&path).await.data()["status"], "pending");
    let events = c.events(&paused).await;
    assert!(events.iter().all(|e| e["type"] != "agent.heartbeat"), "no agent of a paused company reports in: {events:?}");
    c.post(&format!("/v1/companies/{paused}/resume"), "").await;
    eventually("work to resume", || async { (c.get(&path).await.data()["status"] == "completed").then_some(()) }).await;
    server.shutdown().await;
}
