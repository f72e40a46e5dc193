//! Turning a core `ApiError` into the `CapxError` instance JavaScript sees, and an attempt's
//! `Failure` (js/errors.js) into an `ApiError`.

use crate::core::error::{code, ApiError};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    /// A `CapxError`, made in one call.
    #[wasm_bindgen(js_name = capxError)]
    fn capx_error(code: &str, message: &str, status: Option<u16>, docs: Option<String>, rate_limit: JsValue, retryable: bool) -> JsValue;

    /// Why an attempt got no response to judge.
    pub type Failure;
    // Options: a rejection that is no Failure (a bug) reads as a lost connection.
    #[wasm_bindgen(method, getter)]
    fn code(this: &Failure) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn message(this: &Failure) -> Option<String>;
}

impl From<ApiError> for JsValue {
    fn from(err: ApiError) -> Self {
        let rate_limit = crate::json::rate_limit_object(err.rate_limit);
        let retryable = err.retryable();
        capx_error(&err.code, &err.message, err.status, err.docs, rate_limit, retryable)
    }
}

impl From<&Failure> for ApiError {
    fn from(failure: &Failure) -> Self {
        // The codes an attempt can fail with; anything else is a lost connection.
        let code = match failure.code().unwrap_or_default().as_str() {
            code::TIMEOUT => code::TIMEOUT,
            code::ABORTED => code::ABORTED,
            code::INVALID_RESPONSE => code::INVALID_RESPONSE,
            _ => code::CONNECTION_ERROR,
        };
        ApiError::new(code, failure.message().unwrap_or_else(|| "The request failed before a response arrived".to_owned()))
    }
}

#[wasm_bindgen(typescript_custom_section)]
const CAPX_ERROR_TS: &str = r#"
/** An error code from the API's table (API overview, "Error Format"), one of the client's own, or a newer API code. */
export type CapxErrorCode =
  | "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict"
  | "validation_error" | "rate_limit_exceeded" | "internal_error"
  | "connection_error" | "timeout" | "aborted" | "invalid_response" | "invalid_config"
  | "browser_key_exposure" | "invalid_signature"
  | (string & {});

/** Everything the client throws or rejects with. */
export declare class CapxError extends Error {
  readonly name: "CapxError";
  readonly code: CapxErrorCode;
  /** The HTTP status, or null when no response arrived. */
  readonly status: number | null;
  readonly docs: string | null;
  readonly rateLimit: RateLimit | null;
  /** True exactly for connection errors, timeouts, 429 and 5xx. */
  readonly retryable: boolean;
}
"#;
