//! The engine's own `JSON.parse` objects seen through the core's `JsonView`, and the few
//! objects built on the way back to JavaScript.

use crate::core::envelope::{parse_envelope, Envelope};
use crate::core::error::{ApiError, REDACTED};
use crate::core::text::replace_all;
use crate::core::json::JsonView;
use crate::core::rate_limit::RateLimit;
use js_sys::Array;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/objects.js")]
extern "C" {
    /// `obj[key]` of a plain object, `undefined` for anything else (arrays included).
    fn field(obj: &JsValue, key: &JsValue) -> JsValue;

    /// `{ limit, remaining, reset }`.
    #[wasm_bindgen(js_name = rateLimit)]
    fn rate_limit(limit: f64, remaining: f64, reset: f64) -> JsValue;

    /// `{ data, meta, rateLimit, status }`, and with a call's reply its headers, request id and
    /// whether it was replayed, in one call across the boundary.
    #[wasm_bindgen(js_name = apiResult)]
    fn api_result(data: JsValue, meta: JsValue, rate_limit: JsValue, status: u16, reply: &JsValue) -> JsValue;
}

/// What every response is read by: the envelope's keys (`core::envelope`) and the rate-limit
/// headers (`core::rate_limit`). Made JavaScript strings once, a lookup by one of them passes
/// a reference instead of text for the glue to decode, ten times per response. The browser
/// build (no `client` feature) reads few responses, and makes each key when it needs it:
/// there the cache would cost 500 B of its 14.7 KB gzip.
#[cfg(feature = "client")]
const KEYS: [&str; 14] = [
    "success", "data", "meta", "credits_used", "credits_remaining", "cursor", "has_more", "error", "code", "message", "docs",
    "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
];

#[cfg(feature = "client")]
thread_local! {
    static JS_KEYS: Vec<JsValue> = KEYS.iter().map(|k| JsValue::from_str(k)).collect();
}

/// `f` of `name` as a JavaScript string: one of `KEYS` made once (lent, not cloned: a clone
/// and its drop cost a slot in wasm-bindgen's table each), any other made now.
pub fn with_key<R>(name: &str, f: impl FnOnce(&JsValue) -> R) -> R {
    #[cfg(feature = "client")]
    if let Some(i) = KEYS.iter().position(|k| *k == name) {
        return JS_KEYS.with(|keys| match keys.get(i) {
            Some(known) => f(known),
            None => f(&JsValue::from_str(name)),
        });
    }
    f(&JsValue::from_str(name))
}

impl JsonView for JsValue {
    fn field(&self, name: &str) -> Option<Self> {
        Some(with_key(name, |key| field(self, key))).filter(|v| !v.is_undefined())
    }
    fn is_object(&self) -> bool {
        JsValue::is_object(self) && !Array::is_array(self)
    }
    fn is_null(&self) -> bool {
        JsValue::is_null(self)
    }
    fn as_bool(&self) -> Option<bool> {
        JsValue::as_bool(self)
    }
    fn as_f64(&self) -> Option<f64> {
        JsValue::as_f64(self)
    }
    fn as_string(&self) -> Option<String> {
        JsValue::as_string(self)
    }
}

/// `JSON.parse`, with "not JSON" as `None` rather than a `SyntaxError`.
#[cfg(feature = "client")]
pub fn parse(text: &str) -> Option<JsValue> {
    js_sys::JSON::parse(text).ok()
}

/// `JSON.parse` of a value that is a JavaScript string, parsed where it is (no copy through
/// wasm memory); `None` for anything else and for what is not JSON.
pub fn parse_js_string(value: &JsValue) -> Option<JsValue> {
    value.is_string().then(|| crate::sys::json_parse(value).ok()).flatten()
}

/// The envelope of a body that is a JavaScript string (anything else is no JSON): parsed
/// where it is, and copied into wasm only to describe a body that is not an envelope, with
/// `secret` (when not empty) replaced first: the excerpt shown must not hold even part of it.
#[inline(never)]
pub fn parse_envelope_text(status: u16, body: &JsValue, header: impl Fn(&str) -> Option<String>, secret: &str) -> Result<Envelope<JsValue>, ApiError> {
    let parsed = parse_js_string(body);
    let text = if parsed.as_ref().is_some_and(JsonView::is_object) { String::new() } else { body.as_string().unwrap_or_default() };
    parse_envelope(status, parsed, &replace_all(&text, secret, REDACTED), header)
}

/// A string, finite number or boolean as JavaScript's `String()` writes it ("10", "1.5",
/// "true"); anything else is `None`. Formatting numbers in JS keeps float printing out of wasm.
pub fn scalar_text(v: &JsValue) -> Option<String> {
    if let Some(s) = v.as_string() {
        return Some(s);
    }
    let scalar = v.as_f64().is_some_and(f64::is_finite) || v.as_bool().is_some();
    // For these two kinds, JSON.stringify writes exactly what String() does.
    scalar.then(|| js_sys::JSON::stringify(v).ok()?.as_string()).flatten()
}

/// A plain object from key/value pairs. Setting a property on a fresh plain object cannot fail.
#[cfg(feature = "client")]
pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let obj = js_sys::Object::new();
    for (key, value) in pairs {
        let _ = js_sys::Reflect::set(&obj, &JsValue::from_str(key), value);
    }
    obj.into()
}

pub fn rate_limit_object(r: Option<RateLimit>) -> JsValue {
    r.map_or(JsValue::NULL, |r| rate_limit(r.limit as f64, r.remaining as f64, r.reset as f64))
}

/// The `ApiResult` JavaScript gets for a checked envelope; with the `Reply` of a call
/// (`undefined` for `parseEnvelope`), its `ApiResponse`.
pub fn api_result_object(envelope: Envelope<JsValue>, reply: &JsValue) -> JsValue {
    api_result(envelope.data, envelope.meta, rate_limit_object(envelope.rate_limit), envelope.status, reply)
}
