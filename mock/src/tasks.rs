//! Seed 004, the Tasks API: create (auto-assigning an agent, gated under `human_in_loop`),
//! list with its filters, update, approve and reject.

use crate::call::Fields;
use crate::companies::company;
use crate::outcome::{err, invalid, not_found, Outcome, Reply, Routed};
use crate::pagination;
use crate::query::Params;
use crate::state::{Account, Data, Mock, Task};
use crate::time::{now_ms, parse_iso8601, rfc3339};
use serde_json::{json, Map, Value};

pub const STATUSES: [&str; 6] = ["pending", "pending_approval", "in_progress", "completed", "rejected", "failed"];
pub const PRIORITIES: [&str; 4] = ["low", "medium", "high", "critical"];
const TERMINAL: [&str; 3] = ["completed", "rejected", "failed"];
/// Seed 004: creating a task costs 2 credits, every other call 1.
pub const CREATE_COST: i64 = 2;

fn priority(input: &Fields) -> Result<Option<String>, Outcome> {
    let p = input.string("priority")?;
    if p.as_deref().is_some_and(|p| !PRIORITIES.contains(&p)) {
        return Err(invalid("priority must be one of low, medium, high, critical"));
    }
    Ok(p)
}

fn metadata(input: &Fields) -> Result<Option<Value>, Outcome> {
    match input.field("metadata") {
        None => Ok(None),
        Some(m @ Value::Object(_)) => Ok(Some(m.clone())),
        Some(_) => Err(invalid("metadata must be an object")),
    }
}

/// `title` as create requires it and update allows it: a non-empty string.
fn title(input: &Fields, required: bool) -> Result<Option<String>, Outcome> {
    match input.field("title") {
        Some(Value::String(t)) if !t.trim().is_empty() => Ok(Some(t.clone())),
        Some(Value::String(_)) => Err(invalid("title must not be empty")),
        None if required => Err(invalid("title is required")),
        None => Ok(None),
        Some(_) => Err(invalid("title must be a string")),
    }
}

pub fn create(mock: &Mock, account: &Account, d: &mut Data, company_id: &str, input: &Fields) -> Routed {
    let title = title(input, true)?;
    let description = input.string("description")?;
    let priority = priority(input)?.unwrap_or_else(|| "medium".into());
    let metadata = metadata(input)?.unwrap_or_else(|| json!({}));
    let agent_id = input.string("agent_id")?;
    let c = d.company_mut(company_id).ok_or_else(|| not_found("company"))?;
    let agent_id = match agent_id {
        Some(a) if c.agents.iter().any(|x| x.id == a) => a,
        Some(a) => return Err(invalid(format!("agent_id {a} is not an agent of this company"))),
        None => {
            // Auto-assignment: round-robin over the company's agents, so work spreads.
            let agent = c.agents.get(c.next_agent % c.agents.len().max(1)).map(|a| a.id.clone()).unwrap_or_default();
            c.next_agent += 1;
            agent
        }
    };
    let gated = c.governance_mode == "human_in_loop";
    let status = if gated { "pending_approval" } else { "pending" };
    let now = now_ms();
    let id = mock.new_id("tsk");
    let fields = json!({
        "id": id, "company_id": company_id, "agent_id": agent_id, "title": title, "description": description,
        "status": status, "priority": priority, "metadata": metadata, "created_at": rfc3339(now),
    });
    let Value::Object(fields) = fields else { return Err(err(500, "internal_error", "task")) };
    let seq = d.tasks.last().map_or(1, |t| t.seq + 1);
    let task = Task { seq, created_ms: now, started_beat: None, fields };
    let body = task.json();
    d.tasks.push(task);
    account.emit(d, company_id, "task.created", json!({"task_id": id, "agent_id": agent_id, "status": status}), mock);
    if gated {
        account.emit(d, company_id, "task.approval_required", json!({"task_id": id, "agent_id": agent_id}), mock);
    }
    Ok(Reply::created(body))
}

fn one_of(query: &Params, key: &str, allowed: &[&str]) -> Result<Option<String>, Outcome> {
    match query.get(key) {
        Some(v) if !allowed.contains(&v) => Err(err(400, "invalid_request", format!("{key} must be one of {}", allowed.join(", ")))),
        v => Ok(v.map(str::to_owned)),
    }
}

pub fn list(d: &Data, company_id: &str, query: &Params) -> Routed {
    company(d, company_id)?;
    let (limit, after) = query.page("t")?;
    let status = one_of(query, "status", &STATUSES)?;
    let priority = one_of(query, "priority", &PRIORITIES)?;
    let since = match query.get("since") {
        None => None,
        Some(s) => Some(parse_iso8601(s).ok_or_else(|| err(400, "invalid_request", "since must be an ISO 8601 timestamp"))?),
    };
    let agent = query.get("agent_id");
    let items = d.tasks.iter().filter(|t| {
        t.get("company_id") == company_id
            && status.as_deref().is_none_or(|s| t.get("status") == s)
            && priority.as_deref().is_none_or(|p| t.get("priority") == p)
            && agent.is_none_or(|a| t.get("agent_id") == a)
            // "Created after": judged on `created_at` as served (whole seconds), so passing a
            // task's own `created_at` excludes it.
            && since.is_none_or(|s| t.created_ms / 1000 * 1000 > s)
    });
    Ok(pagination::page(items.map(|t| (t.seq, t.summary())), limit, after, "t").into())
}

pub fn update(d: &mut Data, company_id: &str, task_id: &str, input: &Fields) -> Routed {
    company(d, company_id)?;
    let title = title(input, false)?;
    let description = input.string("description")?;
    let priority = priority(input)?;
    let metadata = metadata(input)?;
    let t = d.task_mut(company_id, task_id).ok_or_else(|| not_found("task"))?;
    if TERMINAL.contains(&t.get("status")) {
        return Err(err(409, "conflict", format!("Task {task_id} is {} and can no longer be updated", t.get("status"))));
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
    // Seed 004's update response: these fields, in this order.
    let pick = ["id", "title", "priority", "description", "status", "updated_at"];
    let body: Map<String, Value> = pick.iter().filter_map(|k| Some(((*k).to_owned(), f.get(*k)?.clone()))).collect();
    Ok(Reply::ok(Value::Object(body)))
}

/// Approve or reject, only from `pending_approval`; a rejection is logged in the activity
/// feed with its reason, as seed 004 says.
pub fn decide(mock: &Mock, account: &Account, d: &mut Data, company_id: &str, task_id: &str, approve: bool, input: &Fields) -> Routed {
    company(d, company_id)?;
    let note = input.string(if approve { "comment" } else { "reason" })?;
    let t = d.task_mut(company_id, task_id).ok_or_else(|| not_found("task"))?;
    if t.get("status") != "pending_approval" {
        return Err(err(409, "conflict", format!("Task {task_id} is {}; only a pending_approval task can be {}", t.get("status"), if approve { "approved" } else { "rejected" })));
    }
    let now = Value::String(rfc3339(now_ms()));
    let user = Value::String(account.user.clone());
    let note = note.map_or(Value::Null, Value::String);
    let (status, fields) = if approve {
        ("pending", [("approved_by", user), ("approved_at", now), ("approval_comment", note.clone())])
    } else {
        ("rejected", [("rejected_by", user), ("rejected_at", now), ("rejection_reason", note.clone())])
    };
    t.fields.insert("status".into(), Value::String(status.into()));
    let agent_id = t.get("agent_id").to_owned();
    let mut body = Map::new();
    body.insert("id".into(), Value::String(task_id.to_owned()));
    body.insert("status".into(), Value::String(status.into()));
    for (k, v) in fields {
        t.fields.insert(k.into(), v.clone());
        body.insert(k.into(), v);
    }
    if !approve {
        account.emit(d, company_id, "task.rejected", json!({"task_id": task_id, "agent_id": agent_id, "reason": note}), mock);
    }
    Ok(Reply::ok(Value::Object(body)))
}
