//! Turning a core `ApiError` into the `CapxError` instance JavaScript sees.

use crate::core::error::ApiError;
use crate::sys::CapxErrorJs;
use wasm_bindgen::prelude::*;

impl From<ApiError> for JsValue {
    fn from(err: ApiError) -> Self {
        let rate_limit = crate::json::rate_limit_object(err.rate_limit);
        let retryable = err.retryable();
        CapxErrorJs::new(&err.code, &err.message, err.status, err.docs, rate_limit, retryable).into()
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
