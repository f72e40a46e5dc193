//! The Capx routes of seeds 000 and 004, under `/v1` (behind `pipeline::admit`). Each
//! handler hands its route to `Call::run`: one lock of the account's data per request,
//! credits checked and charged under it. An unknown route or method goes the same way, so
//! it is a 404 in the envelope after the same checks as any call.

use crate::call::{Call, Caller};
use crate::companies::{self, company};
use crate::faults::Fault;
use crate::http::{self, header, Resp};
use crate::outcome::{err, not_found, Reply};
use crate::pagination;
use crate::query::Params;
use crate::state::Mock;
use crate::{sse, tasks};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{Method, Uri};
use axum::routing::{get, post};
use axum::{Extension, Router};
use serde::de::DeserializeOwned;
use serde_json::json;
use std::sync::Arc;

pub fn router() -> Router<Arc<Mock>> {
    Router::new()
        .route("/companies", get(list_companies).post(create_company))
        .route("/companies/{id}", get(get_company))
        .route("/companies/{id}/pause", post(pause))
        .route("/companies/{id}/resume", post(resume))
        .route("/companies/{id}/agents", get(list_agents))
        .route("/companies/{id}/tasks", get(list_tasks).post(create_task))
        .route("/companies/{id}/tasks/{task}", get(get_task).patch(update_task))
        .route("/companies/{id}/tasks/{task}/approve", post(approve))
        .route("/companies/{id}/tasks/{task}/reject", post(reject))
        .route("/companies/{id}/activity", get(activity))
        .fallback(no_route)
        .method_not_allowed_fallback(no_route)
}

/// Path parameters, percent-decoded. One that does not decode to UTF-8 names nothing: a 404
/// in the envelope, not axum's plain-text 400.
struct Ids<T>(T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Ids<T> {
    type Rejection = Resp;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Resp> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(ids)) => Ok(Ids(ids)),
            Err(rejection) => Err(http::error(404, "not_found", &rejection.body_text())),
        }
    }
}

async fn list_companies(Query(query): Query<Params>, call: Call) -> Resp {
    call.run(|_, _, d, _| {
        let (limit, after) = query.page("c")?;
        Ok(pagination::page(d.companies.iter().map(|c| (c.seq, c.json())), limit, after, "c").into())
    })
    .await
}

async fn create_company(call: Call) -> Resp {
    call.run(companies::create).await
}

async fn get_company(Ids(id): Ids<String>, call: Call) -> Resp {
    call.run(|_, _, d, _| Ok(Reply::ok(company(d, &id)?.json()))).await
}

async fn pause(Ids(id): Ids<String>, call: Call) -> Resp {
    call.run(|mock, account, d, _| companies::pause_or_resume(mock, account, d, &id, true)).await
}

async fn resume(Ids(id): Ids<String>, call: Call) -> Resp {
    call.run(|mock, account, d, _| companies::pause_or_resume(mock, account, d, &id, false)).await
}

async fn list_agents(Ids(id): Ids<String>, Query(query): Query<Params>, call: Call) -> Resp {
    call.run(|_, _, d, _| {
        let (limit, after) = query.page("a")?;
        let c = company(d, &id)?;
        let agents = c.agents.iter().zip(1..).map(|(a, seq)| (seq, json!({"id": a.id, "role": a.role, "company_id": c.id})));
        Ok(pagination::page(agents, limit, after, "a").into())
    })
    .await
}

async fn list_tasks(Ids(id): Ids<String>, Query(query): Query<Params>, call: Call) -> Resp {
    call.run(|_, _, d, _| tasks::list(d, &id, &query)).await
}

async fn create_task(Ids(id): Ids<String>, call: Call) -> Resp {
    call.run_costing(tasks::CREATE_COST, |mock, account, d, input| tasks::create(mock, account, d, &id, input)).await
}

async fn get_task(Ids((id, task)): Ids<(String, String)>, call: Call) -> Resp {
    call.run(|_, _, d, _| {
        company(d, &id)?;
        Ok(Reply::ok(d.task(&id, &task).ok_or_else(|| not_found("task"))?.json()))
    })
    .await
}

async fn update_task(Ids((id, task)): Ids<(String, String)>, call: Call) -> Resp {
    call.run(|_, _, d, input| tasks::update(d, &id, &task, input)).await
}

async fn approve(Ids((id, task)): Ids<(String, String)>, call: Call) -> Resp {
    call.run(|mock, account, d, input| tasks::decide(mock, account, d, &id, &task, true, input)).await
}

async fn reject(Ids((id, task)): Ids<(String, String)>, call: Call) -> Resp {
    call.run(|mock, account, d, input| tasks::decide(mock, account, d, &id, &task, false, input)).await
}

/// The activity: the event stream for `?stream=true` with `Accept: text/event-stream`
/// (opened before the body is read, and costing its credit at connect), else a JSON list.
async fn activity(Ids(id): Ids<String>, Query(query): Query<Params>, Extension(caller): Extension<Caller>, req: Request) -> Resp {
    let headers = req.headers();
    if query.get("stream") == Some("true") && header(headers, "accept").is_some_and(|a| a.contains("text/event-stream")) {
        let drop_after = match caller.fault {
            Some(Fault::SseDrop(n)) => Some(n),
            _ => None,
        };
        let last_id = header(headers, "last-event-id").and_then(|v| v.trim().parse::<u64>().ok());
        return sse::open(&caller.mock, &caller.account, &id, last_id, drop_after);
    }
    let call = match Call::from_request(req, &()).await {
        Ok(call) => call,
        Err(refused) => return refused,
    };
    call.run(|_, _, d, _| {
        company(d, &id)?;
        let (limit, after) = query.page("e")?;
        let events = d.events.iter().filter(|e| e.company_id == id).map(|e| (e.seq, e.listed()));
        Ok(pagination::page(events, limit, after, "e").into())
    })
    .await
}

async fn no_route(method: Method, uri: Uri, call: Call) -> Resp {
    call.run(|_, _, _, _| Err(err(404, "not_found", format!("no route for {method} /v1{}", uri.path())))).await
}
