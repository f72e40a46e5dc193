//! Turning a core `ApiError` into the `CapxError` instance JavaScript sees, and an attempt's
//! `Failure` (js/errors.js) into an `ApiError`.

use crate::core::error::{code, ApiError};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    /// A `CapxError`, made in one call.
    #[wasm_bindgen(js_name = capxError)]
    fn capx_error(code: &str, message: &str, status: Option<u16>, docs: Option<String>, retryable: bool) -> JsValue;

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
        // The rate limit is not taken from `err`: an error's comes from the response that
        // carried it, read in JavaScript with the rest (js/errors.js `withReply`, and
        // `parseEnvelope`), and no `ApiError` made here holds one.
        let retryable = err.retryable();
        capx_error(&err.code, &err.message, err.status, err.docs, retryable)
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

/** A response's headers: a Fetch `Headers` over `fetch`; on Node's own transport (and on a
 * `CapxError`) an object that reads the same way. */
export interface ResponseHeaders {
  get(name: string): string | null;
  has(name: string): boolean;
  forEach(callback: (value: string, name: string) => void): void;
}

/** What a `CapxError` is made with besides its code and message (all optional). */
export interface CapxErrorOptions {
  status?: number | null;
  docs?: string | null;
  rateLimit?: RateLimit | null;
  retryable?: boolean;
  requestId?: string | null;
  headers?: ResponseHeaders | null;
  cause?: unknown;
}

/** Everything the client throws or rejects with. Make one yourself to test code that
 * handles them: `new CapxError("rate_limit_exceeded", "Slow down", { status: 429 })`. */
export declare class CapxError extends Error {
  constructor(code: CapxErrorCode, message: string, options?: CapxErrorOptions);
  readonly name: "CapxError";
  readonly code: CapxErrorCode;
  /** The HTTP status, or null when no response arrived. */
  readonly status: number | null;
  /** The API reference page for this error, e.g. `https://capx.ai/docs/api#errors`. */
  readonly docs: string | null;
  readonly rateLimit: RateLimit | null;
  /** True exactly for connection errors, timeouts, 429 and 5xx. */
  readonly retryable: boolean;
  /** The response's `X-Request-Id`, or null when no response (or none) arrived. */
  readonly requestId: string | null;
  /** The response's headers (anything that looks like a secret key taken out), or null when
   * no response arrived. */
  readonly headers: ResponseHeaders | null;
  /** For a connection error, the runtime's own error. */
  readonly cause?: unknown;
}

/** Unwraps a raw HTTP response; `T` is what you know `data` to be. */
export function parseEnvelope<T = unknown>(status: number, bodyText: string, headers?: Headers | Record<string, string> | null): ApiResult<T>;
"#;
