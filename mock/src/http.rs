//! Reading request headers and building responses: the envelope, rate-limit and CORS headers.

use crate::outcome::Outcome;
use crate::limiter::Admission;
use crate::time::now_secs;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Response, StatusCode};
use serde_json::{json, Map, Value};

pub type Resp = Response<Body>;

/// `error.docs` per code: the seed's own link for rate limits, an anchor per code otherwise.
pub fn docs(code: &str) -> String {
    if code == "rate_limit_exceeded" {
        "https://capx.ai/docs/api#rate-limits".to_owned()
    } else {
        format!("https://capx.ai/docs/api#error-{code}")
    }
}

pub fn error_body(code: &str, message: &str) -> String {
    json!({"success": false, "error": {"code": code, "message": message, "docs": docs(code)}}).to_string()
}

/// Seed 000's envelope, keys in the seed's order: `success`, `data`, then `meta` with the
/// page's `cursor` and `has_more` (lists only) before the credits.
pub fn envelope(outcome: Outcome) -> (u16, String) {
    match outcome {
        Outcome::Ok { status, data, page, credits_used, credits_remaining } => {
            let mut meta = Map::new();
            if let Some((cursor, has_more)) = page {
                meta.insert("cursor".into(), cursor.map_or(Value::Null, Value::String));
                meta.insert("has_more".into(), Value::Bool(has_more));
            }
            meta.insert("credits_used".into(), credits_used.into());
            meta.insert("credits_remaining".into(), credits_remaining.into());
            (status, json!({"success": true, "data": data, "meta": meta}).to_string())
        }
        Outcome::Err { status, code, message } => (status, error_body(code, &message)),
    }
}

pub fn text(status: u16, content_type: &str, body: impl Into<Body>) -> Resp {
    let mut r = Response::new(body.into());
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    set(&mut r, "content-type", content_type);
    r
}

pub fn json_text(status: u16, body: String) -> Resp {
    text(status, "application/json", body)
}

pub fn json_value(status: u16, body: &Value) -> Resp {
    json_text(status, body.to_string())
}

pub fn error(status: u16, code: &str, message: &str) -> Resp {
    json_text(status, error_body(code, message))
}

/// A request header as text; `None` when absent or not visible ASCII.
pub fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

pub fn set(r: &mut Resp, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        r.headers_mut().insert(HeaderName::from_static(name), v);
    }
}

pub fn rate_headers(r: &mut Resp, a: &Admission) {
    set(r, "x-ratelimit-limit", &a.limit.to_string());
    set(r, "x-ratelimit-remaining", &a.remaining.to_string());
    set(r, "x-ratelimit-reset", &a.reset.to_string());
}

/// Requests without a usable key are counted against no account: they carry the Starter
/// figures of an untouched window.
pub fn anonymous_admission() -> Admission {
    Admission { allowed: true, limit: 60, remaining: 60, reset: now_secs() + 60 }
}

pub fn cors(r: &mut Resp, origins: &str, request_origin: Option<&str>) {
    let allowed = if origins == "*" {
        Some("*".to_owned())
    } else {
        request_origin.filter(|o| origins.split(',').any(|a| a.trim() == *o)).map(str::to_owned)
    };
    if let Some(origin) = allowed {
        set(r, "access-control-allow-origin", &origin);
        set(r, "access-control-expose-headers", "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, Idempotent-Replayed, X-Request-Id");
        if origin != "*" {
            set(r, "vary", "Origin");
        }
    }
}

/// Any header a browser asks to send is allowed: this is a test server.
pub fn preflight(requested_headers: Option<&str>) -> Resp {
    let mut r = text(204, "text/plain", Body::empty());
    set(&mut r, "access-control-allow-methods", "GET, POST, PATCH, DELETE, OPTIONS");
    let default = "Authorization, Content-Type, Idempotency-Key, X-Capx-Client, X-Capx-Mock-Fault, Last-Event-ID, Accept";
    set(&mut r, "access-control-allow-headers", requested_headers.unwrap_or(default));
    set(&mut r, "access-control-max-age", "600");
    r
}
