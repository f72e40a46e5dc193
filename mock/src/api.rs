//! The Capx routes of seeds 000 and 004, on one account's data. Everything here is
//! synchronous: one lock of the account's data per request, credits checked and charged
//! under it.

use crate::pagination::{self, Page};
use crate::state::{lock, Account, Agent, Company, Data, Mock, AGENT_ROLES};
use crate::tasks;
use crate::time::{now_ms, rfc3339};
use serde_json::{json, Value};

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

pub fn invalid(message: impl Into<String>) -> Outcome {
    err(422, "validation_error", message)
}

/// The request as the routes see it.
pub struct Call<'a> {
    pub method: &'a str,
    pub segments: Vec<&'a str>,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
}

impl Call<'_> {
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
    pub fn field(&self, key: &str) -> Option<&Value> {
        self.body.as_ref()?.get(key).filter(|v| !v.is_null())
    }
    /// An optional string field: absent or null is `None`, any other type a 422.
    pub fn string(&self, key: &str) -> Result<Option<String>, Outcome> {
        match self.field(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(invalid(format!("{key} must be a string"))),
        }
    }
    pub fn page_params(&self, kind: &str) -> Result<(usize, u64), Outcome> {
        pagination::params(self.param("limit"), self.param("cursor"), kind)
    }
}

/// Seed 004: creating a task costs 2 credits, every other call 1.
pub fn cost(method: &str, segments: &[&str]) -> i64 {
    match (method, segments) {
        ("POST", ["companies", _, "tasks"]) => 2,
        _ => 1,
    }
}

/// When the balance cannot pay for a call, it is refused and nothing changes.
pub fn insufficient(price: i64, balance: i64) -> Outcome {
    err(403, "forbidden", format!("Insufficient credits: this request costs {price} and {} remain", balance.max(0)))
}

/// Runs one API call. Credits are checked before anything changes and charged only on
/// success. `Err` is a call refused for want of credits: it never ran, so an
/// `Idempotency-Key` does not keep it and a retry after a top-up executes.
pub fn execute(mock: &Mock, account: &Account, call: &Call) -> Result<Outcome, Outcome> {
    let mut data = lock(&account.data);
    let price = cost(call.method, &call.segments);
    if data.credits < price {
        return Err(insufficient(price, data.credits));
    }
    Ok(match route(mock, account, &mut data, call) {
        Ok(Reply { status, data: value, page }) => {
            data.credits -= price;
            mock.mark_dirty();
            Outcome::Ok { status, data: value, page, credits_used: price, credits_remaining: data.credits }
        }
        Err(outcome) => outcome,
    })
}

pub struct Reply {
    status: u16,
    data: Value,
    page: Option<(Option<String>, bool)>,
}

impl Reply {
    pub fn ok(data: Value) -> Self {
        Self { status: 200, data, page: None }
    }
    pub fn created(data: Value) -> Self {
        Self { status: 201, data, page: None }
    }
}

impl From<Page> for Reply {
    fn from(p: Page) -> Self {
        Self { status: 200, data: Value::Array(p.items), page: Some((p.cursor, p.has_more)) }
    }
}

pub type Routed = Result<Reply, Outcome>;

fn route(mock: &Mock, account: &Account, d: &mut Data, call: &Call) -> Routed {
    match (call.method, call.segments.as_slice()) {
        ("GET", ["companies"]) => {
            let (limit, after) = call.page_params("c")?;
            Ok(pagination::page(d.companies.iter().map(|c| (c.seq, c.json())), limit, after, "c").into())
        }
        ("POST", ["companies"]) => create_company(mock, account, d, call),
        ("GET", ["companies", id]) => Ok(Reply::ok(company(d, id)?.json())),
        ("POST", ["companies", id, action @ ("pause" | "resume")]) => pause_or_resume(mock, account, d, id, action),
        ("GET", ["companies", id, "agents"]) => {
            let (limit, after) = call.page_params("a")?;
            let c = company(d, id)?;
            let agents = c.agents.iter().zip(1..).map(|(a, seq)| (seq, json!({"id": a.id, "role": a.role, "company_id": c.id})));
            Ok(pagination::page(agents, limit, after, "a").into())
        }
        ("GET", ["companies", id, "tasks"]) => tasks::list(d, id, call),
        ("POST", ["companies", id, "tasks"]) => tasks::create(mock, account, d, id, call),
        ("GET", ["companies", id, "tasks", task]) => {
            company(d, id)?;
            Ok(Reply::ok(d.task(id, task).ok_or_else(|| not_found("task"))?.json()))
        }
        ("PATCH", ["companies", id, "tasks", task]) => tasks::update(d, id, task, call),
        ("POST", ["companies", id, "tasks", task, action @ ("approve" | "reject")]) => tasks::decide(mock, account, d, id, task, action, call),
        ("GET", ["companies", id, "activity"]) => {
            company(d, id)?;
            let (limit, after) = call.page_params("e")?;
            let events = d.events.iter().filter(|e| e.company_id == *id).map(|e| (e.seq, e.listed()));
            Ok(pagination::page(events, limit, after, "e").into())
        }
        _ => Err(err(404, "not_found", format!("no route for {} /v1/{}", call.method, call.segments.join("/")))),
    }
}

pub fn company<'a>(d: &'a Data, id: &str) -> Result<&'a Company, Outcome> {
    d.company(id).ok_or_else(|| not_found("company"))
}

fn create_company(mock: &Mock, account: &Account, d: &mut Data, call: &Call) -> Routed {
    let name = match call.field("name") {
        Some(Value::String(n)) if !n.trim().is_empty() => n.clone(),
        Some(Value::String(_)) | None => return Err(invalid("name is required")),
        Some(_) => return Err(invalid("name must be a string")),
    };
    let mode = match call.field("governance_mode") {
        None => "autonomous",
        Some(m) => m
            .as_str()
            .filter(|m| GOVERNANCE.contains(m))
            .ok_or_else(|| invalid("governance_mode must be \"autonomous\" or \"human_in_loop\""))?,
    };
    let company = Company {
        seq: d.companies.last().map_or(1, |c| c.seq + 1),
        id: mock.new_id("co"),
        name: name.clone(),
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
    Ok(Reply::created(body))
}

/// Seed 000's example conflict: pausing an already paused company (or resuming a running one).
fn pause_or_resume(mock: &Mock, account: &Account, d: &mut Data, id: &str, action: &str) -> Routed {
    let (from, to) = if action == "pause" { ("running", "paused") } else { ("paused", "running") };
    let c = d.company_mut(id).ok_or_else(|| not_found("company"))?;
    if c.status != from {
        return Err(err(409, "conflict", format!("Company {id} is {}; only a {from} company can be {action}d", c.status)));
    }
    c.status = to.to_owned();
    let body = c.json();
    account.emit(d, id, "company.status_changed", json!({"status": to, "previous_status": from}), mock);
    Ok(Reply::ok(body))
}
