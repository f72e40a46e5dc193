//! The Capx routes of seeds 000 and 004, on one account's data. Everything here is
//! synchronous: one lock of the account's data per request, credits checked and charged
//! under it.

use crate::call::Call;
use crate::companies::{self, company};
use crate::locks::lock;
use crate::outcome::{err, insufficient, not_found, Outcome, Reply, Routed};
use crate::pagination;
use crate::state::{Account, Data, Mock};
use crate::tasks;
use serde_json::json;

/// Seed 004: creating a task costs 2 credits, every other call 1.
pub fn cost(method: &str, segments: &[&str]) -> i64 {
    match (method, segments) {
        ("POST", ["companies", _, "tasks"]) => 2,
        _ => 1,
    }
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

fn route(mock: &Mock, account: &Account, d: &mut Data, call: &Call) -> Routed {
    match (call.method, call.segments.as_slice()) {
        ("GET", ["companies"]) => {
            let (limit, after) = call.page_params("c")?;
            Ok(pagination::page(d.companies.iter().map(|c| (c.seq, c.json())), limit, after, "c").into())
        }
        ("POST", ["companies"]) => companies::create(mock, account, d, call),
        ("GET", ["companies", id]) => Ok(Reply::ok(company(d, id)?.json())),
        ("POST", ["companies", id, action @ ("pause" | "resume")]) => companies::pause_or_resume(mock, account, d, id, action),
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
