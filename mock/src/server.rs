//! The HTTP side: an accept loop that can drop a connection on purpose (fault injection),
//! and the pipeline every /v1 request goes through: auth, burst and rolling-window limits,
//! faults, scope, idempotency, the route, the request log.

use crate::api::{self, Call, Outcome};
use crate::config::Scope;
use crate::http::{self, Resp};
use crate::state::{lock, Account, ArmedFault, LogEntry, Mock, Stored};
use crate::time::{now_ms, now_secs};
use crate::{heartbeat, sse};
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::Router;
use hyper_util::rt::TokioIo;
use serde_json::{json, Map, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tower::ServiceExt;

const MAX_BODY: usize = 1 << 20;
const IDEMPOTENCY_TTL: Duration = Duration::from_secs(24 * 3600);

/// Closes the connection a request arrived on, without a response.
#[derive(Clone)]
struct ConnKill(Arc<Notify>);

pub async fn serve(listener: TcpListener, mock: Arc<Mock>, mut shutdown: watch::Receiver<bool>) {
    let app = Router::new().fallback(dispatch).with_state(mock);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let app = app.clone();
                tokio::spawn(async move {
                    let kill = Arc::new(Notify::new());
                    let conn_kill = ConnKill(kill.clone());
                    let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                        req.extensions_mut().insert(conn_kill.clone());
                        app.clone().oneshot(req)
                    });
                    let conn = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
                    // Dropping the connection future closes the socket mid-request.
                    tokio::select! { _ = conn => {}, _ = kill.notified() => {} }
                });
            }
            _ = shutdown.changed() => break,
        }
    }
}

async fn dispatch(State(mock): State<Arc<Mock>>, req: Request) -> Resp {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let origin = header(req.headers(), "origin");
    let mut response = if method == "OPTIONS" {
        http::preflight(header(req.headers(), "access-control-request-headers").as_deref())
    } else if path == "/health" {
        http::json_value(200, &json!({"status": "ok"}))
    } else if let Some(rest) = path.strip_prefix("/__mock/") {
        let rest = rest.to_owned();
        control(&mock, &rest, req).await
    } else if path == "/v1" || path.starts_with("/v1/") {
        api(&mock, req).await
    } else {
        let mut r = http::error(404, "not_found", &format!("no route for {method} {path}"));
        http::rate_headers(&mut r, &http::anonymous_admission());
        r
    };
    http::cors(&mut response, &mock.config.cors_origins, origin.as_deref());
    if !mock.config.quiet {
        let line = json!({"method": method, "path": path, "status": response.status().as_u16(), "ms": started.elapsed().as_secs_f64() * 1000.0});
        eprintln!("{line}");
    }
    response
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// `Bearer capx_sk_(live|test)_<alnum>` (seed 000 "Authentication").
fn bearer_key(headers: &HeaderMap) -> Result<String, &'static str> {
    let value = header(headers, "authorization").ok_or("Missing API key: send Authorization: Bearer capx_sk_...")?;
    let key = value.strip_prefix("Bearer ").ok_or("The Authorization header must be \"Bearer <key>\"")?.trim();
    let body = key.strip_prefix("capx_sk_live_").or_else(|| key.strip_prefix("capx_sk_test_")).ok_or("Invalid API key")?;
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err("Invalid API key");
    }
    Ok(key.to_owned())
}

fn authenticate(mock: &Mock, headers: &HeaderMap) -> Result<Arc<Account>, &'static str> {
    let key = bearer_key(headers)?;
    match mock.account(&key) {
        Some(account) if !account.revoked => Ok(account),
        Some(_) => Err("This API key has been revoked"),
        None => Err("Invalid API key"),
    }
}

fn unauthorized(message: &str) -> Resp {
    let mut r = http::error(401, "unauthorized", message);
    http::rate_headers(&mut r, &http::anonymous_admission());
    r
}

/// Counts a request in flight for the burst limit until dropped.
struct InFlight(Arc<Account>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

async fn api(mock: &Arc<Mock>, req: Request) -> Resp {
    let account = match authenticate(mock, req.headers()) {
        Ok(a) => a,
        Err(message) => return unauthorized(message),
    };
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or_default().to_owned();
    let headers = req.headers().clone();
    let kill = req.extensions().get::<ConnKill>().cloned();
    let mut entry = LogEntry {
        seq: account.log_seq.fetch_add(1, Ordering::Relaxed) + 1,
        method: method.clone(),
        path: path.clone(),
        query: query.clone(),
        status: 0,
        idempotency_key: matches!(method.as_str(), "POST" | "PATCH" | "PUT" | "DELETE").then(|| header(&headers, "idempotency-key")).flatten(),
        fault: None,
        replayed: false,
        headers: headers
            .iter()
            .map(|(k, v)| {
                let value = if k == "authorization" { "[redacted]".to_owned() } else { v.to_str().unwrap_or_default().to_owned() };
                (k.as_str().to_owned(), Value::String(value))
            })
            .collect::<Map<_, _>>(),
    };

    let prior = account.in_flight.fetch_add(1, Ordering::Relaxed);
    let _in_flight = InFlight(account.clone());
    let window = lock(&account.limiter).peek(account.plan.rpm, now_ms());
    if prior >= account.plan.burst {
        return finish(&account, entry, limited(&window, &format!("More than {} requests in flight", account.plan.burst)));
    }
    let admission = lock(&account.limiter).admit(account.plan.rpm, now_ms());
    if !admission.allowed {
        let message = format!("You have exceeded {} requests per minute.", account.plan.rpm);
        return finish(&account, entry, limited(&admission, &message));
    }

    let fault = header(&headers, "x-capx-mock-fault").or_else(|| account.take_fault(&method, &path)).or_else(|| random_fault(mock));
    entry.fault = fault.clone();
    let with_rate = |mut r: Resp| {
        http::rate_headers(&mut r, &admission);
        r
    };
    match fault.as_deref() {
        Some("500") => return finish(&account, entry, with_rate(http::error(500, "internal_error", "Unexpected server error (injected)"))),
        Some("429") => {
            let reset = now_secs() + 1;
            let window = crate::state::Admission { allowed: false, limit: admission.limit, remaining: 0, reset };
            return finish(&account, entry, limited(&window, &format!("You have exceeded {} requests per minute.", account.plan.rpm)));
        }
        Some("html_502") => {
            let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
            return finish(&account, entry, with_rate(http::text(502, "text/html", page)));
        }
        Some(f) if f.starts_with("slow:") => {
            let ms = f.get(5..).and_then(|m| m.parse().ok()).unwrap_or(1000);
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        _ => {}
    }

    let segments: Vec<String> = path.trim_start_matches("/v1").split('/').filter(|s| !s.is_empty()).map(str::to_owned).collect();
    let pairs = parse_query(&query);
    if let ["companies", company_id, "activity"] = segments.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        let wants_stream = pairs.iter().any(|(k, v)| k == "stream" && v == "true")
            && header(&headers, "accept").is_some_and(|a| a.contains("text/event-stream"));
        if wants_stream && method == "GET" {
            let drop_after = fault.as_deref().and_then(|f| f.strip_prefix("sse_drop:")).and_then(|n| n.parse().ok());
            let last_id = header(&headers, "last-event-id").and_then(|v| v.trim().parse::<u64>().ok());
            let r = sse::open(mock, &account, company_id, last_id, drop_after);
            return finish(&account, entry, with_rate(r));
        }
    }

    let mutating = matches!(method.as_str(), "POST" | "PATCH" | "PUT" | "DELETE");
    let bytes = match to_bytes(req.into_body(), MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return finish(&account, entry, with_rate(http::error(400, "invalid_request", "The request body could not be read (at most 1 MiB)"))),
    };
    let body = if bytes.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(v @ Value::Object(_)) => Some(v),
            Ok(_) => return finish(&account, entry, with_rate(http::error(400, "invalid_request", "The request body must be a JSON object"))),
            Err(e) => return finish(&account, entry, with_rate(http::error(400, "invalid_request", &format!("Malformed JSON body: {e}")))),
        }
    };
    if mutating && account.scope == Scope::ReadOnly {
        return finish(&account, entry, with_rate(http::error(403, "forbidden", "This API key is read-only")));
    }

    let call = Call { method: &method, segments: segments.iter().map(String::as_str).collect(), query: pairs, body };
    let idem_key = entry.idempotency_key.clone();
    let (status, text, replayed) = match &idem_key {
        Some(key) => {
            let fingerprint = format!("{method} {path}?{query}\n{}", String::from_utf8_lossy(&bytes));
            let slot = lock(&account.idempotency).entry(key.clone()).or_default().clone();
            // Concurrent duplicates queue here; the first executes, the rest replay.
            let mut stored = slot.lock().await;
            match stored.as_ref().filter(|s| s.at.elapsed() < IDEMPOTENCY_TTL) {
                Some(s) if s.fingerprint == fingerprint => (s.status, s.body.clone(), true),
                Some(_) => (409, http::error_body("conflict", "Idempotency-Key was already used with a different request"), false),
                None => {
                    let (status, text) = envelope(api::execute(mock, &account, &call));
                    *stored = Some(Stored { fingerprint, status, body: text.clone(), at: Instant::now() });
                    (status, text, false)
                }
            }
        }
        None => {
            let (status, text) = envelope(api::execute(mock, &account, &call));
            (status, text, false)
        }
    };
    entry.replayed = replayed;
    let window = lock(&account.limiter).peek(account.plan.rpm, now_ms());
    let mut response = http::json_text(status, text.clone());
    http::rate_headers(&mut response, &window);
    if replayed {
        http::set(&mut response, "idempotent-replayed", "true");
    }

    match fault.as_deref() {
        Some("drop_after_commit") => {
            finish(&account, entry, http::text(status, "application/json", Body::empty()));
            if let Some(ConnKill(kill)) = kill {
                kill.notify_one();
            }
            std::future::pending::<()>().await;
            response
        }
        Some("truncate") => {
            let half = text.len() / 2;
            let head = hyper::body::Bytes::copy_from_slice(text.as_bytes().get(..half).unwrap_or_default());
            let mut r = http::text(status, "application/json", Body::from_stream(cut_off(head)));
            http::set(&mut r, "content-length", &text.len().to_string());
            http::rate_headers(&mut r, &window);
            finish(&account, entry, r)
        }
        _ => finish(&account, entry, response),
    }
}

/// A body that sends `head`, lets it reach the wire, then aborts the connection.
pub fn cut_off(head: hyper::body::Bytes) -> impl futures_util::Stream<Item = Result<hyper::body::Bytes, std::io::Error>> {
    futures_util::stream::unfold(Some(head), |state| async move {
        match state {
            Some(head) => Some((Ok(head), None)),
            None => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                Some((Err(std::io::Error::other("connection cut (injected)")), None))
            }
        }
    })
}

fn limited(window: &crate::state::Admission, message: &str) -> Resp {
    let mut r = http::error(429, "rate_limit_exceeded", message);
    http::rate_headers(&mut r, window);
    http::set(&mut r, "retry-after", &window.reset.saturating_sub(now_secs()).max(1).to_string());
    r
}

fn random_fault(mock: &Mock) -> Option<String> {
    let kinds = &mock.config.fault_kinds;
    if mock.config.fault_rate <= 0.0 || kinds.is_empty() || mock.random() >= mock.config.fault_rate {
        return None;
    }
    kinds.get((mock.random() * kinds.len() as f64) as usize % kinds.len()).cloned()
}

fn envelope(outcome: Outcome) -> (u16, String) {
    match outcome {
        Outcome::Ok { status, data, page, credits_used, credits_remaining } => {
            let mut meta = json!({"credits_used": credits_used, "credits_remaining": credits_remaining});
            if let (Some((cursor, has_more)), Some(m)) = (page, meta.as_object_mut()) {
                m.insert("cursor".into(), cursor.map_or(Value::Null, Value::String));
                m.insert("has_more".into(), Value::Bool(has_more));
            }
            (status, json!({"success": true, "data": data, "meta": meta}).to_string())
        }
        Outcome::Err { status, code, message } => (status, http::error_body(code, &message)),
    }
}

/// The request log keeps the latest entries only, so a load test cannot grow it without bound.
const LOG_LIMIT: usize = 10_000;

fn finish(account: &Account, mut entry: LogEntry, response: Resp) -> Resp {
    entry.status = response.status().as_u16();
    let mut log = lock(&account.log);
    if log.len() >= LOG_LIMIT {
        log.drain(..LOG_LIMIT / 10);
    }
    log.push(entry);
    response
}

fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |j: usize| bytes.get(j).and_then(|c| (*c as char).to_digit(16));
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The control API, outside /v1: per account, free of credits and rate limits.
async fn control(mock: &Arc<Mock>, rest: &str, req: Request) -> Resp {
    let account = match authenticate(mock, req.headers()) {
        Ok(a) => a,
        Err(message) => return unauthorized(message),
    };
    let method = req.method().as_str().to_owned();
    match (method.as_str(), rest) {
        ("GET", "requests") => http::json_value(200, &json!({"requests": *lock(&account.log)})),
        ("GET", "webhooks") => http::json_value(200, &json!({"deliveries": *lock(&account.deliveries)})),
        ("POST", "reset") => {
            mock.reset(&account);
            http::json_value(200, &json!({"reset": true}))
        }
        ("POST", "tick") => {
            heartbeat::beat(mock, &account);
            http::json_value(200, &json!({"beat": lock(&account.data).beat}))
        }
        ("POST", "faults") => {
            let bytes = to_bytes(req.into_body(), MAX_BODY).await.unwrap_or_default();
            match serde_json::from_slice::<ArmedFault>(&bytes) {
                Ok(fault) => {
                    lock(&account.faults).push(fault);
                    http::json_value(200, &json!({"armed": lock(&account.faults).len()}))
                }
                Err(e) => http::error(400, "invalid_request", &format!("expected {{\"kind\", \"times\"?, \"method\"?, \"path\"?}}: {e}")),
            }
        }
        ("DELETE", "faults") => {
            lock(&account.faults).clear();
            http::json_value(200, &json!({"armed": 0}))
        }
        _ => http::error(404, "not_found", &format!("no control route {method} /__mock/{rest}")),
    }
}
