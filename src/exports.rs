//! The plain functions of the public surface.

use crate::core::error::ApiError;
use crate::core::status;
use crate::headers::{rate_limit_of, HeaderSource, HeadersLike};
use crate::json;
use wasm_bindgen::prelude::*;

/// Unwraps a raw HTTP response (the API overview's "Response Format"): resolves to the
/// `ApiResult`, or throws a `CapxError` (the API's code, or `invalid_response` for anything
/// that is not an envelope).
#[wasm_bindgen(js_name = parseEnvelope, unchecked_return_type = "ApiResult<unknown>")]
pub fn parse_envelope_js(
    #[wasm_bindgen(unchecked_param_type = "number")] status: JsValue,
    #[wasm_bindgen(js_name = bodyText, unchecked_param_type = "string")] body_text: JsValue,
    headers: Option<HeadersLike>,
) -> Result<JsValue, JsValue> {
    let status = status
        .as_f64()
        .filter(|s| s.fract() == 0.0 && (100.0..=599.0).contains(s))
        .ok_or_else(|| ApiError::invalid_config("status must be an HTTP status from 100 to 599"))? as u16;
    if !body_text.is_string() {
        return Err(ApiError::invalid_config("bodyText must be a string").into());
    }
    // No headers, no rate limit: a first call given none runs no JavaScript for them.
    let headers = headers.map(|headers| HeaderSource::from_js(&headers.into()));
    json::envelope_result(status, &body_text, headers.as_ref(), "", &JsValue::UNDEFINED).map_err(|err| {
        let err = JsValue::from(err);
        if let Some(headers) = &headers {
            // A `CapxError`'s own property: setting it cannot fail.
            let _ = js_sys::Reflect::set(&err, &"rateLimit".into(), &rate_limit_of(headers));
        }
        err
    })
}

/// `completed`, `rejected` and `failed`; `false` for any status this version does not know.
#[wasm_bindgen(js_name = isTerminalStatus)]
pub fn is_terminal_status(#[wasm_bindgen(unchecked_param_type = "TaskStatus | (string & {})")] status: JsValue) -> bool {
    status.as_string().is_some_and(|s| status::is_terminal_status(&s))
}

/// Whether the task lifecycle of the Tasks API allows `from -> to`; `false` for unknown statuses.
#[wasm_bindgen(js_name = canTransition)]
pub fn can_transition(
    #[wasm_bindgen(unchecked_param_type = "TaskStatus | (string & {})")] from: JsValue,
    #[wasm_bindgen(unchecked_param_type = "TaskStatus | (string & {})")] to: JsValue,
) -> bool {
    match (from.as_string(), to.as_string()) {
        (Some(from), Some(to)) => status::can_transition(&from, &to),
        _ => false,
    }
}
