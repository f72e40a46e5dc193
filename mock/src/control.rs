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
use axum::body::to_bytes;
use axum::extract::Request;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

pub async fn handle(mock: &Arc<Mock>, rest: &str, req: Request) -> Resp {
    let account = match authenticate(mock, req.headers()) {
        Ok(a) => a,
        Err(message) => return unauthorized(message),
    };
    let method = req.method().as_str().to_owned();
    let mut response = match (method.as_str(), rest) {
        ("GET", "requests") => http::json_value(200, &json!({"requests": *lock(&account.log)})),
        ("GET", "webhooks") => http::json_value(200, &json!({"deliveries": *lock(&account.deliveries)})),
        ("GET", "account") => http::json_value(200, &describe(&account)),
        ("POST", "reset") => {
            mock.reset(&account);
            http::json_value(200, &json!({"reset": true}))
        }
        ("POST", "tick") => {
            heartbeat::beat(mock, &account);
            http::json_value(200, &json!({"beat": lock(&account.data).beat}))
        }
        ("POST", "faults") => match body::<ArmedFault>(req).await {
            Ok(fault) if Fault::parse(&fault.kind).is_some() => {
                let mut armed = lock(&account.faults);
                armed.push(fault);
                http::json_value(200, &json!({"armed": armed.len()}))
            }
            Ok(fault) => http::error(400, "invalid_request", &faults::unknown(&fault.kind)),
            Err(e) => http::error(400, "invalid_request", &format!("expected {{\"kind\", \"times\"?, \"method\"?, \"path\"?}}: {e}")),
        },
        ("DELETE", "faults") => {
            lock(&account.faults).clear();
            http::json_value(200, &json!({"armed": 0}))
        }
        ("POST", "credits") => match body::<SetCredits>(req).await {
            Ok(SetCredits { credits_remaining }) => {
                lock(&account.data).credits = credits_remaining;
                mock.mark_dirty();
                http::json_value(200, &json!({"credits_remaining": credits_remaining}))
            }
            Err(e) => http::error(400, "invalid_request", &format!("expected {{\"credits_remaining\": N}}: {e}")),
        },
        _ => http::error(404, "not_found", &format!("No control route {method} /__mock/{rest}")),
    };
    http::rate_headers(&mut response, &lock(&account.limiter).peek(account.plan.rpm, now_ms()));
    response
}

#[derive(Deserialize)]
struct SetCredits {
    credits_remaining: i64,
}

async fn body<T: DeserializeOwned>(req: Request) -> Result<T, String> {
    let bytes = to_bytes(req.into_body(), 1 << 20).await.map_err(|e| e.to_string())?;
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
