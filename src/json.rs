//! The engine's own `JSON.parse` objects seen through the core's `JsonView`, and the few
//! objects built on the way back to JavaScript.

use crate::core::envelope::parse_envelope;
use crate::core::error::{ApiError, REDACTED};
use crate::core::text::replace_all;
use crate::core::json::JsonView;
use crate::headers::HeaderSource;
use crate::shape::Shaped;
use js_sys::Array;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/objects.js")]
extern "C" {
    /// `obj[key]` of a plain object, `undefined` for anything else (arrays included).
    fn field(obj: &JsValue, key: &str) -> JsValue;

    /// `{ data, meta, rateLimit, status }` of a parsed envelope (the rate limit read from
    /// `headers`), and with a call's reply its headers, request id and whether it was
    /// replayed, in one call across the boundary.
    #[wasm_bindgen(js_name = apiResult)]
    fn api_result(root: &JsValue, headers: Option<&HeaderSource>, status: u16, reply: &JsValue) -> JsValue;
}

impl JsonView for JsValue {
    fn field(&self, name: &str) -> Option<Self> {
        Some(field(self, name)).filter(|v| !v.is_undefined())
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

/// The `ApiResult` of a response whose body is a JavaScript string (anything else is no
/// JSON), or its error. The body is parsed where it is, and copied into wasm only to describe
/// one that is not an envelope, with `secret` (when not empty) replaced first: the excerpt
/// shown must not hold even part of it. `headers`: the response's, whose rate limit a result
/// carries (an error gets it where it gets the rest of what the response said: js/errors.js
/// `withReply`, or `parseEnvelope`). `reply`: the call's (see `apiResult`), or `undefined`.
#[inline(never)]
pub fn envelope_result(status: u16, body: &JsValue, headers: Option<&HeaderSource>, secret: &str, reply: &JsValue) -> Result<JsValue, ApiError> {
    let parsed = parse_js_string(body).map(Shaped::new);
    let text = if parsed.as_ref().is_some_and(JsonView::is_object) { String::new() } else { body.as_string().unwrap_or_default() };
    let envelope = parse_envelope(status, parsed, &replace_all(&text, secret, REDACTED), None)?;
    Ok(api_result(envelope.data.root(), headers, status, reply))
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
