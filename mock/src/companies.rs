//! Seed 000's companies: create (with its three agents), look up, pause and resume.

use crate::call::Fields;
use crate::outcome::{err, invalid, not_found, Outcome, Reply, Routed};
use crate::state::{Account, Agent, Company, Data, Mock, AGENT_ROLES};
use crate::time::{now_ms, rfc3339};
use serde_json::{json, Value};

const GOVERNANCE: [&str; 2] = ["autonomous", "human_in_loop"];

/// The company, or the 404 every route under it answers.
pub fn company<'a>(d: &'a Data, id: &str) -> Result<&'a Company, Outcome> {
    d.company(id).ok_or_else(|| not_found("company"))
}

pub fn create(mock: &Mock, account: &Account, d: &mut Data, input: &Fields) -> Routed {
    let name = match input.field("name") {
        Some(Value::String(n)) if !n.trim().is_empty() => n.clone(),
        Some(Value::String(_)) | None => return Err(invalid("name is required")),
        Some(_) => return Err(invalid("name must be a string")),
    };
    let mode = match input.field("governance_mode") {
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
pub fn pause_or_resume(mock: &Mock, account: &Account, d: &mut Data, id: &str, pause: bool) -> Routed {
    let (from, to, action) = if pause { ("running", "paused", "pause") } else { ("paused", "running", "resume") };
    let c = d.company_mut(id).ok_or_else(|| not_found("company"))?;
    if c.status != from {
        return Err(err(409, "conflict", format!("Company {id} is {}; only a {from} company can be {action}d", c.status)));
    }
    c.status = to.to_owned();
    let body = c.json();
    account.emit(d, id, "company.status_changed", json!({"status": to, "previous_status": from}), mock);
    Ok(Reply::ok(body))
}
