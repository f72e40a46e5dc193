//! `capx::core::envelope::parse_envelope` on any status, body and rate-limit headers.
//!
//! Input layout (so seeds can be written by hand, see fuzz/make_seeds.py):
//!   [status: u16 big-endian] body [0xFF x-ratelimit-limit [0xFF remaining [0xFF reset]]]
//! 0xFF never occurs in UTF-8, so a textual body never contains the separator; a header
//! missing from the input is a header missing from the response.
//!
//! Checked on every input: no panic; the result agrees with an independent reading of the
//! envelope rules (seed 000) done directly on `serde_json::Value`; every error carries the
//! status and the rate limit; a body that is not a JSON object always gives
//! `invalid_response` with the status and a bounded message.
#![no_main]

use capx::core::envelope::parse_envelope;
use capx::core::error::code;
use capx::core::json::JsonView;
use capx::core::rate_limit::RateLimit;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// The crate implements `JsonView` for `serde_json::Value` only under `cfg(test)`, so the
/// fuzzer brings its own (the same few lines), on a newtype.
#[derive(Debug, Clone, PartialEq)]
struct J(Value);

impl JsonView for J {
    fn field(&self, key: &str) -> Option<Self> {
        self.0.as_object()?.get(key).cloned().map(J)
    }
    fn is_object(&self) -> bool {
        self.0.is_object()
    }
    fn is_null(&self) -> bool {
        self.0.is_null()
    }
    fn as_bool(&self) -> Option<bool> {
        self.0.as_bool()
    }
    fn as_f64(&self) -> Option<f64> {
        self.0.as_f64()
    }
    fn as_string(&self) -> Option<String> {
        self.0.as_str().map(str::to_owned)
    }
}

/// What the envelope rules say the outcome must be.
#[derive(Debug, PartialEq)]
enum Expected {
    Ok { data: Value, meta: Value, cursor: Option<String>, has_more: Option<bool> },
    ApiError { code: String, message: String, docs: Option<String> },
    Invalid,
}

fn expected(status: u16, parsed: Option<&Value>) -> Expected {
    let Some(root) = parsed.and_then(Value::as_object) else { return Expected::Invalid };
    match root.get("success") {
        Some(Value::Bool(true)) => {
            if !(200..300).contains(&status) {
                return Expected::Invalid;
            }
            let Some(data) = root.get("data") else { return Expected::Invalid };
            let Some(meta) = root.get("meta").filter(|m| m.is_object()) else { return Expected::Invalid };
            let number = |k: &str| matches!(meta.get(k), Some(Value::Number(_)));
            if !number("credits_used") || !number("credits_remaining") {
                return Expected::Invalid;
            }
            let cursor = match meta.get("cursor") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(_) => return Expected::Invalid,
            };
            let has_more = match meta.get("has_more") {
                None => None,
                Some(Value::Bool(b)) => Some(*b),
                Some(_) => return Expected::Invalid,
            };
            Expected::Ok { data: data.clone(), meta: meta.clone(), cursor, has_more }
        }
        Some(Value::Bool(false)) => {
            let Some(error) = root.get("error").and_then(Value::as_object) else { return Expected::Invalid };
            let (Some(Value::String(code)), Some(Value::String(message))) = (error.get("code"), error.get("message"))
            else {
                return Expected::Invalid;
            };
            let docs = match error.get("docs") {
                None | Some(Value::Null) => None,
                Some(Value::String(d)) => Some(d.clone()),
                Some(_) => return Expected::Invalid,
            };
            Expected::ApiError { code: code.clone(), message: message.clone(), docs }
        }
        _ => Expected::Invalid,
    }
}

fn expected_rate_limit(headers: &[Option<String>; 3]) -> Option<RateLimit> {
    let num = |h: &Option<String>| h.as_deref()?.trim().parse::<u64>().ok();
    Some(RateLimit { limit: num(&headers[0])?, remaining: num(&headers[1])?, reset: num(&headers[2])? })
}

fuzz_target!(|input: &[u8]| {
    let Some((status, rest)) = input.split_first_chunk::<2>() else { return };
    let status = u16::from_be_bytes(*status);
    let mut parts = rest.splitn(4, |&b| b == 0xFF);
    let body = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let mut headers: [Option<String>; 3] = Default::default();
    for h in &mut headers {
        *h = parts.next().map(|v| String::from_utf8_lossy(v).into_owned());
    }
    let header = |name: &str| match name {
        "x-ratelimit-limit" => headers[0].clone(),
        "x-ratelimit-remaining" => headers[1].clone(),
        "x-ratelimit-reset" => headers[2].clone(),
        _ => None,
    };
    let rate_limit = expected_rate_limit(&headers);
    assert_eq!(RateLimit::from_headers(&header), rate_limit);

    let parsed: Option<Value> = serde_json::from_str(&body).ok();
    let want = expected(status, parsed.as_ref());
    let got = parse_envelope(status, parsed.clone().map(J), &body, rate_limit);
    match (&got, &want) {
        (Ok(env), Expected::Ok { data, meta, cursor, has_more }) => {
            assert_eq!(&env.data.0, data);
            assert_eq!(&env.meta.0, meta);
            assert_eq!(&env.cursor, cursor);
            assert_eq!(env.has_more, *has_more);
            assert_eq!(env.status, status);
            assert_eq!(env.rate_limit, rate_limit);
        }
        (Err(e), Expected::ApiError { code, message, docs }) => {
            assert_eq!((&e.code, &e.message, &e.docs), (code, message, docs));
        }
        (Err(e), Expected::Invalid) => {
            assert_eq!(e.code, code::INVALID_RESPONSE, "{e:?}");
            assert!(e.message.starts_with(&format!("HTTP {status}: ")), "{e:?}");
            assert!(e.docs.is_none());
        }
        _ => panic!("status {status}, body {body:?}: got {got:?}, expected {want:?}"),
    }
    if let Err(e) = &got {
        assert_eq!(e.status, Some(status), "every error carries the status");
        assert_eq!(e.rate_limit, rate_limit, "every error carries the rate limit");
        let client_side = e.code == code::CONNECTION_ERROR || e.code == code::TIMEOUT;
        assert_eq!(e.retryable(), client_side || matches!(status, 429 | 500..=599));
    }

    // Not JSON at all (JSON.parse threw): always invalid_response, and the message shows
    // at most a bounded excerpt of the body.
    let e = parse_envelope::<J>(status, None, &body, rate_limit).expect_err("no JSON is never an envelope");
    assert_eq!((e.code.as_str(), e.status, e.rate_limit), (code::INVALID_RESPONSE, Some(status), rate_limit));
    assert!(e.message.chars().count() <= 130, "{}", e.message);
    if body.trim().is_empty() {
        assert!(e.message.ends_with("got an empty body"), "{}", e.message);
    }
    // Any JSON that is not an object (array, string, number, null, bool) likewise.
    if let Some(v) = parsed.filter(|v| !v.is_object()) {
        let e = parse_envelope(status, Some(J(v)), &body, rate_limit).expect_err("a non-object is never an envelope");
        assert_eq!((e.code.as_str(), e.status), (code::INVALID_RESPONSE, Some(status)));
    }
});
