//! What every `/v1` request goes through before its route, in order: auth (401), the burst
//! and rolling-window limits (429), fault injection, scope (403); then the route (`api.rs`,
//! which reads the body and runs the call), the faults that strike after the commit, and
//! the account's request log.

use crate::auth::{authenticate, unauthorized};
use crate::call::{Caller, Executed};
use crate::config::Scope;
use crate::conn::{ConnKill, DropConnection, InjectedFault, OriginalPath};
use crate::faults::{self, Fault};
use crate::http::{self, header, Resp};
use crate::limiter::Admission;
use crate::locks::lock;
use crate::state::{push_capped, Account, LogEntry, Mock};
use crate::time::{now_ms, now_secs};
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use serde_json::{Map, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;

fn is_mutation(method: &str) -> bool {
    matches!(method, "POST" | "PATCH" | "PUT" | "DELETE")
}

/// The middleware in front of every `/v1` route (and of its 404).
pub async fn admit(State(mock): State<Arc<Mock>>, mut req: Request, next: Next) -> Resp {
    let account = match authenticate(&mock, req.headers()) {
        Ok(a) => a,
        Err(message) => return unauthorized(message),
    };
    let method = req.method().as_str().to_owned();
    let path = req.extensions().get::<OriginalPath>().map_or_else(|| req.uri().path().to_owned(), |p| p.0.clone());
    let query = req.uri().query().unwrap_or_default().to_owned();
    let headers = req.headers();
    let kill = req.extensions().get::<ConnKill>().cloned();
    let mut entry = log_entry(&account, &method, &path, &query, headers);
    let plan = account.plan;

    let Some(_in_flight) = account.in_flight.enter(plan.burst) else {
        let window = lock(&account.limiter).peek(plan.rpm, now_ms());
        let message = format!("More than {} requests in flight: this plan's burst limit", plan.burst);
        return finish(&account, entry, limited(&window, &message));
    };
    let admission = lock(&account.limiter).admit(plan.rpm, now_ms());
    if !admission.allowed {
        return finish(&account, entry, limited(&admission, &format!("You have exceeded {} requests per minute.", plan.rpm)));
    }
    let with_rate = |mut r: Resp| {
        http::rate_headers(&mut r, &admission);
        r
    };

    let fault = match choose_fault(&mock, &account, headers, &method, &path) {
        Ok(f) => f,
        Err(message) => return finish(&account, entry, with_rate(http::error(400, "invalid_request", &message))),
    };
    entry.fault = fault.as_ref().map(|(_, name)| name.clone());
    let fault = fault.map(|(f, _)| f);
    match fault {
        Some(Fault::ServerError) => {
            return finish(&account, entry, with_rate(http::error(500, "internal_error", "Unexpected server error (injected)")));
        }
        Some(Fault::RateLimited) => {
            let window = Admission { allowed: false, remaining: 0, reset: now_secs() + 1, ..admission };
            return finish(&account, entry, limited(&window, &format!("You have exceeded {} requests per minute.", plan.rpm)));
        }
        Some(Fault::Html502) => return finish(&account, entry, with_rate(http::text(502, "text/html", faults::BAD_GATEWAY_PAGE))),
        Some(f) => {
            if let Some(delay) = f.delay() {
                tokio::time::sleep(delay).await;
            }
        }
        None => {}
    }

    if is_mutation(&method) && account.scope == Scope::ReadOnly {
        return finish(&account, entry, with_rate(http::error(403, "forbidden", "This API key is read-only: it cannot make changes")));
    }
    let idempotency_key = entry.idempotency_key.clone();
    req.extensions_mut().insert(Caller { mock: mock.clone(), account: account.clone(), fault, idempotency_key });
    let response = next.run(req).await;
    // Refused before it ran (a body that is not JSON), or the stream: no commit to strike after.
    let Some(&Executed { replayed }) = response.extensions().get::<Executed>() else {
        return finish(&account, entry, with_rate(response));
    };
    entry.replayed = replayed;
    // The figures after this request, which a replay or a slow one may have seen change.
    let window = lock(&account.limiter).peek(plan.rpm, now_ms());

    match fault {
        Some(Fault::DropAfterCommit) => {
            // Committed; the server logs the request, then closes the socket without an answer.
            let mut r = finish(&account, entry, http::text(response.status().as_u16(), "application/json", Body::empty()));
            r.extensions_mut().insert(DropConnection(kill));
            r
        }
        Some(Fault::Truncate) => {
            let status = response.status().as_u16();
            let text = to_bytes(response.into_body(), usize::MAX).await.unwrap_or_default();
            let head = text.slice(..text.len() / 2);
            let mut r = http::text(status, "application/json", Body::from_stream(faults::cut_off(head)));
            http::set(&mut r, "content-length", &text.len().to_string());
            http::rate_headers(&mut r, &window);
            finish(&account, entry, r)
        }
        _ => {
            let mut r = response;
            http::rate_headers(&mut r, &window);
            finish(&account, entry, r)
        }
    }
}

/// The request as `GET /__mock/requests` shows it, with the key redacted.
fn log_entry(account: &Account, method: &str, path: &str, query: &str, headers: &HeaderMap) -> LogEntry {
    LogEntry {
        seq: account.log_seq.fetch_add(1, Ordering::Relaxed) + 1,
        method: method.to_owned(),
        path: path.to_owned(),
        query: query.to_owned(),
        status: 0,
        idempotency_key: is_mutation(method).then(|| header(headers, "idempotency-key")).flatten().filter(|k| !k.is_empty()),
        fault: None,
        replayed: false,
        headers: headers
            .iter()
            .map(|(k, v)| {
                let value = if k == "authorization" { "[redacted]".to_owned() } else { v.to_str().unwrap_or_default().to_owned() };
                (k.as_str().to_owned(), Value::String(value))
            })
            .collect::<Map<_, _>>(),
    }
}

/// The header's fault, else an armed one, else a random one at `--fault-rate`; the header's
/// `none` opts out of the other two. An unknown kind in the header is the caller's mistake.
fn choose_fault(mock: &Mock, account: &Account, headers: &HeaderMap, method: &str, path: &str) -> Result<Option<(Fault, String)>, String> {
    if let Some(kind) = header(headers, faults::HEADER) {
        return match Fault::parse(&kind) {
            Some(Fault::None) => Ok(None),
            Some(f) => Ok(Some((f, kind))),
            None => Err(faults::unknown(&kind)),
        };
    }
    let kind = account.take_fault(method, path).or_else(|| random_fault(mock));
    Ok(kind.and_then(|k| Some((Fault::parse(&k)?, k))))
}

fn random_fault(mock: &Mock) -> Option<String> {
    let kinds = &mock.config.fault_kinds;
    if mock.config.fault_rate <= 0.0 || kinds.is_empty() || mock.random() >= mock.config.fault_rate {
        return None;
    }
    kinds.get((mock.random() * kinds.len() as f64) as usize % kinds.len()).cloned()
}

fn limited(window: &Admission, message: &str) -> Resp {
    let mut r = http::error(429, "rate_limit_exceeded", message);
    http::rate_headers(&mut r, window);
    http::set(&mut r, "retry-after", &window.reset.saturating_sub(now_secs()).max(1).to_string());
    r
}

fn finish(account: &Account, mut entry: LogEntry, mut response: Resp) -> Resp {
    entry.status = response.status().as_u16();
    if let Some(name) = &entry.fault {
        response.extensions_mut().insert(InjectedFault(name.clone()));
    }
    push_capped(&account.log, entry);
    response
}
