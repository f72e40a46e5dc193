//! The Capx routes of seeds 000 and 004, on one account's data. Everything here is
//! synchronous: one lock of the account's data per request, credits checked and charged
//! under it.

use crate::state::{lock, Account, Agent, Company, Data, Mock, Task, AGENT_ROLES};
use crate::time::{now_ms, parse_iso8601, rfc3339};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Map, Value};

pub const STATUSES: [&str; 6] = ["pending", "pending_approval", "in_progress", "completed", "rejected", "failed"];
pub const PRIORITIES: [&str; 4] = ["low", "medium", "high", "critical"];
const GOVERNANCE: [&str; 2] = ["autonomous", "human_in_loop"];

pub enum Outcome {
    Ok { status: u16, data: Value, page: Option<(Option<String>, bool)>, credits_used: i64, credits_remaining: i64 },
    Err { status: u16, code: &'static str, message: String },
}

pub fn err(status: u16, code: &'static str, message: impl Into<String>) -> Outcome {
    Outcome::Err { status, code, message: message.into() }
}

pub fn not_found(what: &str) -> Outcome {
    err(404, "not_found", format!("{what} does not exist"))
}

/// The request as the routes see it.
pub struct Call<'a> {
    pub method: &'a str,
    pub segments: Vec<&'a str>,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
}

impl Call<'_> {
    fn param(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
    fn field(&self, key: &str) -> Option<&Value> {
        self.body.as_ref()?.get(key).filter(|v| !v.is_null())
    }
}

/// Seed 004: creating a task costs 2 credits, every other call 1.
pub fn cost(call: &Call) -> i64 {
    match (call.method, call.segments.as_slice()) {
        ("POST", ["companies", _, "tasks"]) => 2,
        _ => 1,
    }
}

/// Runs one API call. Credits are checked before anything changes and charged only on success.
pub fn execute(mock: &Mock, account: &Account, call: &Call) -> Outcome {
    let mut data = lock(&account.data);
    let price = cost(call);
    if data.credits < price {
        return err(403, "forbidden", "Credit balance exhausted");
    }
    let result = route(mock, account, &mut data, call);
    match result {
        Ok((status, value, page)) => {
            data.credits -= price;
            mock.mark_dirty();
            Outcome::Ok { status, data: value, page, credits_used: price, credits_remaining: data.credits }
        }
        Err(outcome) => outcome,
    }
}

type Routed = Result<(u16, Value, Option<(Option<String>, bool)>), Outcome>;

fn route(mock: &Mock, account: &Account, d: &mut Data, call: &Call) -> Routed {
    let one = |v: Value| Ok((200, v, None));
    match (call.method, call.segments.as_slice()) {
        ("GET", ["companies"]) => {
            let (limit, after) = page_params(call, "c")?;
            let items = d.companies.iter().map(|c| (c.seq, c.json()));
            page(items, limit, after, "c")
        }
        ("POST", ["companies"]) => create_company(mock, account, d, call),
        ("GET", ["companies", id]) => one(company(d, id)?.json()),
        ("POST", ["companies", id, action @ ("pause" | "resume")]) => {
            let (from, to) = if *action == "pause" { ("running", "paused") } else { ("paused", "running") };
            let c = d.company_mut(id).ok_or_else(|| not_found("company"))?;
            if c.status != from {
                return Err(err(409, "conflict", format!("company is already {}", c.status)));
            }
            c.status = to.to_owned();
            let body = c.json();
            account.emit(d, id, "company.status_changed", json!({"status": to}), mock);
            one(body)
        }
        ("GET", ["companies", id, "agents"]) => {
            let (limit, after) = page_params(call, "a")?;
            let c = company(d, id)?;
            let items = c.agents.iter().enumerate().map(|(i, a)| (i as u64 + 1, json!({"id": a.id, "role": a.role, "company_id": c.id})));
            page(items.collect::<Vec<_>>().into_iter(), limit, after, "a")
        }
        ("GET", ["companies", id, "tasks"]) => list_tasks(d, id, call),
        ("POST", ["companies", id, "tasks"]) => create_task(mock, account, d, id, call),
        ("GET", ["companies", id, "tasks", task]) => {
            company(d, id)?;
            let t = d.tasks.iter().find(|t| t.get("id") == *task && t.get("company_id") == *id).ok_or_else(|| not_found("task"))?;
            one(Value::Object(t.fields.clone()))
        }
        ("PATCH", ["companies", id, "tasks", task]) => update_task(d, id, task, call),
        ("POST", ["companies", id, "tasks", task, action @ ("approve" | "reject")]) => decide(account, d, id, task, action, call),
        ("GET", ["companies", id, "activity"]) => {
            company(d, id)?;
            let (limit, after) = page_params(call, "e")?;
            let items = d.events.iter().filter(|e| e.company_id == *id).map(|e| {
                let mut item = json!({"id": e.seq.to_string()});
                if let (Some(obj), Some(data)) = (item.as_object_mut(), e.data.as_object()) {
                    obj.extend(data.clone());
                }
                (e.seq, item)
            });
            page(items.collect::<Vec<_>>().into_iter(), limit, after, "e")
        }
        _ => Err(err(404, "not_found", format!("no route for {} /v1/{}", call.method, call.segments.join("/")))),
    }
}

fn company<'a>(d: &'a Data, id: &str) -> Result<&'a Company, Outcome> {
    d.company(id).ok_or_else(|| not_found("company"))
}

fn create_company(mock: &Mock, account: &Account, d: &mut Data, call: &Call) -> Routed {
    let name = call.field("name").and_then(Value::as_str).filter(|n| !n.trim().is_empty());
    let name = name.ok_or_else(|| err(422, "validation_error", "name is required and must be a non-empty string"))?;
    let mode = match call.field("governance_mode") {
        None => "autonomous",
        Some(m) => m.as_str().filter(|m| GOVERNANCE.contains(m)).ok_or_else(|| {
            err(422, "validation_error", "governance_mode must be \"autonomous\" or \"human_in_loop\"")
        })?,
    };
    let company = Company {
        seq: d.companies.last().map_or(1, |c| c.seq + 1),
        id: mock.new_id("co"),
        name: name.to_owned(),
        status: "running".into(),
        governance_mode: mode.into(),
        created_at: rfc3339(now_ms()),
        agents: AGENT_ROLES.iter().map(|role| Agent { id: mock.new_id("ag"), role: (*role).into() }).collect(),
        next_agent: 0,
        total_cost: 0.0,
        threshold_reached: false,
    };
    let body = company.json();
    let id = company.id.clone();
    d.companies.push(company);
    account.emit(d, &id, "company.created", json!({"name": name}), mock);
    Ok((201, body, None))
}

fn string_field(call: &Call, key: &str) -> Result<Option<String>, Outcome> {
    match call.field(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(err(422, "validation_error", format!("{key} must be a string"))),
    }
}

fn priority_field(call: &Call) -> Result<Option<String>, Outcome> {
    let p = string_field(call, "priority")?;
    if p.as_deref().is_some_and(|p| !PRIORITIES.contains(&p)) {
        return Err(err(422, "validation_error", "priority must be one of low, medium, high, critical"));
    }
    Ok(p)
}

fn metadata_field(call: &Call) -> Result<Option<Value>, Outcome> {
    match call.field("metadata") {
        None => Ok(None),
        Some(m @ Value::Object(_)) => Ok(Some(m.clone())),
        Some(_) => Err(err(422, "validation_error", "metadata must be an object")),
    }
}

fn create_task(mock: &Mock, account: &Account, d: &mut Data, company_id: &str, call: &Call) -> Routed {
    let title = match call.field("title") {
        Some(Value::String(t)) if !t.trim().is_empty() => t.clone(),
        Some(Value::String(_)) | None => return Err(err(422, "validation_error", "title is required")),
        Some(_) => return Err(err(422, "validation_error", "title must be a string")),
    };
    let description = string_field(call, "description")?;
    let priority = priority_field(call)?.unwrap_or_else(|| "medium".into());
    let metadata = metadata_field(call)?.unwrap_or_else(|| json!({}));
    let agent_id = string_field(call, "agent_id")?;
    let c = d.company_mut(company_id).ok_or_else(|| not_found("company"))?;
    let agent_id = match agent_id {
        Some(a) if c.agents.iter().any(|x| x.id == a) => a,
        Some(a) => return Err(err(422, "validation_error", format!("agent_id {a} is not an agent of this company"))),
        None => {
            // Auto-assignment: round-robin over the company's agents.
            let agent = c.agents.get(c.next_agent % c.agents.len().max(1)).map(|a| a.id.clone()).unwrap_or_default();
            c.next_agent += 1;
            agent
        }
    };
    let gated = c.governance_mode == "human_in_loop";
    let now = now_ms();
    let id = mock.new_id("tsk");
    let fields = json!({
        "id": id, "company_id": company_id, "agent_id": agent_id, "title": title, "description": description,
        "status": if gated { "pending_approval" } else { "pending" }, "priority": priority, "metadata": metadata,
        "created_at": rfc3339(now),
    });
    let Value::Object(fields) = fields else { return Err(err(500, "internal_error", "task")) };
    let seq = d.tasks.last().map_or(1, |t| t.seq + 1);
    d.tasks.push(Task { seq, created_ms: now, started_beat: None, fields: fields.clone() });
    account.emit(d, company_id, "task.created", json!({"task_id": id, "agent_id": agent_id, "status": fields.get("status")}), mock);
    if gated {
        account.emit(d, company_id, "task.approval_required", json!({"task_id": id}), mock);
    }
    Ok((201, Value::Object(fields), None))
}

fn list_tasks(d: &Data, company_id: &str, call: &Call) -> Routed {
    company(d, company_id)?;
    let (limit, after) = page_params(call, "t")?;
    let status = call.param("status");
    if status.is_some_and(|s| !STATUSES.contains(&s)) {
        return Err(err(400, "invalid_request", "status must be one of pending, pending_approval, in_progress, completed, rejected, failed"));
    }
    let priority = call.param("priority");
    if priority.is_some_and(|p| !PRIORITIES.contains(&p)) {
        return Err(err(400, "invalid_request", "priority must be one of low, medium, high, critical"));
    }
    let since = match call.param("since") {
        None => None,
        Some(s) => Some(parse_iso8601(s).ok_or_else(|| err(400, "invalid_request", "since must be an ISO 8601 timestamp"))?),
    };
    let agent = call.param("agent_id");
    let items = d.tasks.iter().filter(|t| {
        t.get("company_id") == company_id
            && status.is_none_or(|s| t.get("status") == s)
            && priority.is_none_or(|p| t.get("priority") == p)
            && agent.is_none_or(|a| t.get("agent_id") == a)
            && since.is_none_or(|s| t.created_ms > s)
    });
    page(items.map(|t| (t.seq, t.summary())), limit, after, "t")
}

fn update_task(d: &mut Data, company_id: &str, task_id: &str, call: &Call) -> Routed {
    company(d, company_id)?;
    let title = match call.field("title") {
        Some(Value::String(t)) if t.trim().is_empty() => return Err(err(422, "validation_error", "title must not be empty")),
        _ => string_field(call, "title")?,
    };
    let description = string_field(call, "description")?;
    let priority = priority_field(call)?;
    let metadata = metadata_field(call)?;
    let t = d.task_mut(company_id, task_id).ok_or_else(|| not_found("task"))?;
    if ["completed", "rejected", "failed"].contains(&t.get("status")) {
        return Err(err(409, "conflict", format!("task is {} and can no longer be updated", t.get("status"))));
    }
    let f = &mut t.fields;
    for (key, value) in [("title", title), ("description", description), ("priority", priority)] {
        if let Some(v) = value {
            f.insert(key.into(), Value::String(v));
        }
    }
    if let Some(m) = metadata {
        f.insert("metadata".into(), m);
    }
    f.insert("updated_at".into(), Value::String(rfc3339(now_ms())));
    let pick = ["id", "title", "priority", "description", "status", "updated_at"];
    let body: Map<String, Value> = pick.iter().filter_map(|k| Some(((*k).to_owned(), f.get(*k)?.clone()))).collect();
    Ok((200, Value::Object(body), None))
}

fn decide(account: &Account, d: &mut Data, company_id: &str, task_id: &str, action: &str, call: &Call) -> Routed {
    company(d, company_id)?;
    let note_key = if action == "approve" { "comment" } else { "reason" };
    let note = string_field(call, note_key)?;
    let t = d.task_mut(company_id, task_id).ok_or_else(|| not_found("task"))?;
    if t.get("status") != "pending_approval" {
        return Err(err(409, "conflict", format!("task is {}, not pending_approval", t.get("status"))));
    }
    let now = Value::String(rfc3339(now_ms()));
    let user = Value::String(account.user.clone());
    let note = note.map_or(Value::Null, Value::String);
    let (status, fields) = if action == "approve" {
        ("pending", [("approved_by", user), ("approved_at", now), ("approval_comment", note)])
    } else {
        ("rejected", [("rejected_by", user), ("rejected_at", now), ("rejection_reason", note)])
    };
    t.fields.insert("status".into(), Value::String(status.into()));
    let mut body = json!({"id": task_id, "status": status});
    for (k, v) in fields {
        t.fields.insert(k.into(), v.clone());
        if let Some(obj) = body.as_object_mut() {
            obj.insert(k.into(), v);
        }
    }
    Ok((200, body, None))
}

/// `limit` (default 25, 1..=100) and the cursor's position, for a list of kind `kind`.
fn page_params(call: &Call, kind: &str) -> Result<(usize, u64), Outcome> {
    let limit = match call.param("limit") {
        None => 25,
        Some(l) => l.parse::<usize>().ok().filter(|l| (1..=100).contains(l)).ok_or_else(|| {
            err(400, "invalid_request", "limit must be an integer from 1 to 100")
        })?,
    };
    let after = match call.param("cursor") {
        None | Some("") => 0,
        Some(c) => decode_cursor(c, kind).ok_or_else(|| err(400, "invalid_request", "cursor is not valid for this list"))?,
    };
    Ok((limit, after))
}

/// Cursors are opaque to callers: base64url of `{"k":kind,"s":seq}`, "after this item".
fn encode_cursor(kind: &str, seq: u64) -> String {
    URL_SAFE_NO_PAD.encode(json!({"k": kind, "s": seq}).to_string())
}

fn decode_cursor(cursor: &str, kind: &str) -> Option<u64> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    (v.get("k")?.as_str()? == kind).then(|| v.get("s")?.as_u64()).flatten()
}

/// Items in ascending sequence; a page is those after `after`, so inserts never shift it.
fn page(items: impl Iterator<Item = (u64, Value)>, limit: usize, after: u64, kind: &str) -> Routed {
    let mut rest = items.filter(|(seq, _)| *seq > after);
    let chosen: Vec<(u64, Value)> = rest.by_ref().take(limit).collect();
    let has_more = rest.next().is_some();
    let cursor = if has_more { chosen.last().map(|(seq, _)| encode_cursor(kind, *seq)) } else { None };
    Ok((200, Value::Array(chosen.into_iter().map(|(_, v)| v).collect()), Some((cursor, has_more))))
}
