//! The control API under `/__mock/`, outside `/v1`: per account (the same Bearer key), free
//! of credits, rate limits and faults. It lets tests look at what reached the mock, arm
//! faults, run a heartbeat now, set the balance, and start over.

use crate::auth::{authenticate, unauthorized};
use crate::faults::{self, Fault};
use crate::heartbeat;
use crate::http::{self, Resp};
use crate::locks::lock;
use crate::state::{Account, ArmedFault, Mock};
use crate::time::now_ms;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{Method, Uri};
use axum::middleware::{from_fn_with_state, Next};
use axum::routing::{get, post};
use axum::{Extension, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// The control routes, behind the key's authentication; every answer but a 401 carries the
/// key's rate-limit figures (which the control routes never change).
pub fn router(mock: Arc<Mock>) -> Router<Arc<Mock>> {
    Router::new()
        .route("/requests", get(|Extension(a): Extension<Arc<Account>>| async move { json(&json!({"requests": *lock(&a.log)})) }))
        .route("/webhooks", get(|Extension(a): Extension<Arc<Account>>| async move { json(&json!({"deliveries": *lock(&a.deliveries)})) }))
        .route("/account", get(|Extension(a): Extension<Arc<Account>>| async move { json(&describe(&a)) }))
        .route("/reset", post(reset))
        .route("/tick", post(tick))
        .route("/faults", post(arm).delete(disarm))
        .route("/credits", post(set_credits))
        .fallback(no_route)
        .method_not_allowed_fallback(no_route)
        .layer(from_fn_with_state(mock, authenticated))
}

async fn authenticated(State(mock): State<Arc<Mock>>, mut req: Request, next: Next) -> Resp {
    let account = match authenticate(&mock, req.headers()) {
        Ok(a) => a,
        Err(message) => return unauthorized(message),
    };
    req.extensions_mut().insert(account.clone());
    let mut response = next.run(req).await;
    http::rate_headers(&mut response, &lock(&account.limiter).peek(account.plan.rpm, now_ms()));
    response
}

fn json(body: &Value) -> Resp {
    http::json_value(200, body)
}

async fn reset(State(mock): State<Arc<Mock>>, Extension(account): Extension<Arc<Account>>) -> Resp {
    mock.reset(&account);
    json(&json!({"reset": true}))
}

async fn tick(State(mock): State<Arc<Mock>>, Extension(account): Extension<Arc<Account>>) -> Resp {
    heartbeat::beat(&mock, &account);
    json(&json!({"beat": lock(&account.data).beat}))
}

async fn arm(Extension(account): Extension<Arc<Account>>, body: Body) -> Resp {
    match read::<ArmedFault>(body).await {
        Ok(fault) if Fault::parse(&fault.kind).is_some() => {
            let mut armed = lock(&account.faults);
            armed.push(fault);
            json(&json!({"armed": armed.len()}))
        }
        Ok(fault) => http::error(400, "invalid_request", &faults::unknown(&fault.kind)),
        Err(e) => http::error(400, "invalid_request", &format!("expected {{\"kind\", \"times\"?, \"method\"?, \"path\"?}}: {e}")),
    }
}

async fn disarm(Extension(account): Extension<Arc<Account>>) -> Resp {
    lock(&account.faults).clear();
    json(&json!({"armed": 0}))
}

async fn set_credits(State(mock): State<Arc<Mock>>, Extension(account): Extension<Arc<Account>>, body: Body) -> Resp {
    match read::<SetCredits>(body).await {
        Ok(SetCredits { credits_remaining }) => {
            lock(&account.data).credits = credits_remaining;
            mock.mark_dirty();
            json(&json!({"credits_remaining": credits_remaining}))
        }
        Err(e) => http::error(400, "invalid_request", &format!("expected {{\"credits_remaining\": N}}: {e}")),
    }
}

async fn no_route(method: Method, uri: Uri) -> Resp {
    http::error(404, "not_found", &format!("No control route {method} /__mock{}", uri.path()))
}

#[derive(Deserialize)]
struct SetCredits {
    credits_remaining: i64,
}

async fn read<T: DeserializeOwned>(body: Body) -> Result<T, String> {
    let bytes = to_bytes(body, 1 << 20).await.map_err(|e| e.to_string())?;
    serde_json::from_slice(&bytes).map_err(|e| e.to_string())
}

/// The account as the mock sees it: plan, scope, balance, and the limits' state right now.
fn describe(account: &Account) -> Value {
    let window = lock(&account.limiter).peek(account.plan.rpm, now_ms());
    json!({
        "plan": {"rpm": account.plan.rpm, "burst": account.plan.burst},
        "scope": account.scope,
        "user": account.user,
        "credits_remaining": lock(&account.data).credits,
        "in_flight": account.in_flight.count(),
        "rate_limit": {"limit": window.limit, "remaining": window.remaining, "reset": window.reset},
    })
}
