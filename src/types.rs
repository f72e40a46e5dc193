//! TypeScript shapes of the option bags, declared through tsify so that the `.d.ts` is
//! generated, not written. They are read field by field in `options.rs`, never deserialized:
//! the Rust field types only stand in. All of them belong to the client (the `client` feature).
#![allow(dead_code)]

use tsify::Tsify;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const RESPONSE_TS: &str = r#"
/** What every call resolves to: the unwrapped envelope (`ApiResult`), and what the HTTP
 * response said besides, as openai-node's `.withResponse()` gives it. */
export interface ApiResponse<T> extends ApiResult<T> {
  readonly headers: ResponseHeaders;
  /** The response's `X-Request-Id`: quote it to match a server log line. */
  readonly requestId: string | null;
  /** True when the server answered a repeated `Idempotency-Key` from what it stored
   * (`Idempotent-Replayed: true`): the work was done once, by an earlier attempt. */
  readonly idempotentReplayed: boolean;
}

/** One page of a list (https://capx.ai/docs/api#pagination), as openai-node's pages: the
 * `ApiResponse`, and the way on. */
export interface Page<T> extends ApiResponse<T[]>, AsyncIterable<T> {
  /** Whether another page follows this one. */
  hasNextPage(): boolean;
  /** The next page, with the same filters and options; rejects with `invalid_request` when
   * there is none. Asking twice gives the same page. */
  nextPage(): Promise<Page<T>>;
}

/** How much a client logs (see `ClientOptions.logLevel`). */
export type LogLevel = "off" | "error" | "warn" | "info" | "debug";

/** Where a client's log lines go: `console`, or any object with its methods. */
export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

export interface Capx {
  /** Any other endpoint, with the same envelope, retries and idempotency. `path` is relative
   * to `baseUrl` (`/companies`, not `/v1/companies`); `T` is what you know `data` to be. */
  request<T = unknown>(method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", path: string, options?: RawRequestOptions): Promise<ApiResponse<T>>;
}
"#;

#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ClientOptions {
    /// Your secret key, from a server-side secret such as `env.CAPX_API_KEY`. Default: the
    /// `CAPX_API_KEY` environment variable, where the runtime has an environment
    /// (`process.env` on Node, Bun, Deno and Vercel Edge).
    #[tsify(optional)]
    pub api_key: Option<String>,
    /// Default: the global `fetch`, looked up at each call.
    #[tsify(optional, type = "typeof fetch")]
    pub fetch: Option<()>,
    /// Client-side pacing, so a busy server stays under its plan instead of collecting 429s.
    #[tsify(optional)]
    pub throttle: Option<ThrottleOptions>,
    /// Allow a secret key in a browser page. Default false: every visitor would get the key.
    #[tsify(optional)]
    pub dangerously_allow_browser: Option<bool>,
    #[serde(flatten)]
    pub settings: WithOptions,
}

/// The options a client has that `capx.withOptions()` can change; what it leaves out stays as
/// the client has it.
#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct WithOptions {
    /// Default: the `CAPX_BASE_URL` environment variable, else `"https://api.capx.ai/v1"`; a
    /// trailing slash is fine.
    #[tsify(optional)]
    pub base_url: Option<String>,
    /// Retries of connection errors, timeouts, 429 and 5xx. Default 2.
    #[tsify(optional)]
    pub max_retries: Option<u32>,
    /// Per attempt, in milliseconds. Default 60000.
    #[tsify(optional)]
    pub timeout_ms: Option<u32>,
    /// Sent with every request; `withOptions` replaces the client's.
    #[tsify(optional, type = "Record<string, string>")]
    pub default_headers: Option<()>,
    /// What the client logs, as openai-node's `logLevel`: `"info"` one line per attempt
    /// (method, path, status, attempt, duration, request id), `"debug"` also retries, throttle
    /// waits, stream reconnections and bodies, `"error"` calls that failed. Never a header or
    /// the key. Default: the `CAPX_LOG` environment variable, else `"off"`.
    #[tsify(optional, type = "LogLevel")]
    pub log_level: Option<()>,
    /// Where log lines go; any object with console's methods. Default: `console`.
    #[tsify(optional, type = "Logger")]
    pub logger: Option<()>,
}

#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ThrottleOptions {
    /// Requests started per rolling minute.
    #[tsify(optional)]
    pub requests_per_minute: Option<u32>,
    #[tsify(optional)]
    pub max_concurrent: Option<u32>,
}

#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct RequestOptions {
    /// Sent unchanged on every attempt. Default: a fresh UUID v4 per POST, PATCH or DELETE call.
    #[tsify(optional)]
    pub idempotency_key: Option<String>,
    #[serde(flatten)]
    pub common: SendOptions,
}

/// The options of every request, streams' included.
#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct SendOptions {
    /// Aborts the call: its attempts, its waits, a walk over pages or a stream.
    #[tsify(optional, type = "AbortSignal")]
    pub signal: Option<()>,
    /// Per attempt (for a stream, to its response headers). Default: the client's.
    #[tsify(optional)]
    pub timeout_ms: Option<u32>,
    /// Default: the client's. A stream that has opened keeps reconnecting regardless.
    #[tsify(optional)]
    pub max_retries: Option<u32>,
    /// Headers for this call alone, refused as `defaultHeaders` are when the client sets them
    /// itself (`Authorization`, `Idempotency-Key`, `Accept`, `Content-Type`, `X-Capx-Client`,
    /// `Last-Event-ID`).
    #[tsify(optional, type = "Record<string, string>")]
    pub headers: Option<()>,
}

#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct EdgeHandlerOptions {
    /// The path the handler is mounted at, e.g. `"/api/capx"`: `/api/capx/companies` relays
    /// to `{baseUrl}/companies`.
    #[tsify(optional)]
    pub prefix: Option<String>,
    /// `"METHOD /path/:param"` patterns. Default: reading companies and tasks, approve,
    /// reject and the activity stream.
    #[tsify(optional)]
    pub allow: Option<Vec<String>>,
    /// Origins besides the handler's own whose pages may call its POST, PATCH, PUT and
    /// DELETE routes, e.g. `["https://app.example.com"]`. Those routes need an `Origin`
    /// header naming one of them or the handler's own origin (browsers always send it).
    #[tsify(optional)]
    pub allow_origins: Option<Vec<String>>,
    /// The largest request body relayed, in bytes; a larger one gets 413 before any of it is
    /// relayed. Default 1048576 (1 MiB).
    #[tsify(optional)]
    pub max_body_bytes: Option<u32>,
    /// How long a request body may take to arrive, in milliseconds; a slower one gets 408.
    /// Default 10000.
    #[tsify(optional)]
    pub body_timeout_ms: Option<u32>,
    /// Runs before anything is relayed, with the matched route: `true` lets the request
    /// through; a string does too and names the caller, so that their `Idempotency-Key`s
    /// cannot collide with another caller's; anything else, or a throw, is 403.
    #[tsify(optional, type = "(request: Request, route: EdgeRoute) => boolean | string | Promise<boolean | string>")]
    pub authorize: Option<()>,
}

/// What `authorize` is told about the route a request matched.
#[derive(Tsify)]
pub struct EdgeRoute {
    /// The allow-list entry, e.g. `"POST /companies/:companyId/tasks/:taskId/approve"`.
    pub pattern: String,
    pub method: String,
    /// Below the prefix, e.g. `"/companies/co_1/tasks/tsk_1/approve"`.
    pub path: String,
    /// The `:param` values as they appear in the path (still percent-encoded).
    #[tsify(type = "Record<string, string>")]
    pub params: (),
}

#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct VerifyOptions {
    /// How far `webhook-timestamp` may be from now, either way. Default 300.
    #[tsify(optional)]
    pub tolerance_sec: Option<u32>,
    /// Unix seconds to check against; default: the clock.
    #[tsify(optional)]
    pub now: Option<f64>,
}

#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ActivityOptions {
    /// Replay every event after this SSE id, then continue live.
    #[tsify(optional)]
    pub last_event_id: Option<String>,
    #[serde(flatten)]
    pub common: SendOptions,
}

#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct RawRequestOptions {
    #[tsify(optional, type = "Record<string, string | number | boolean | undefined>")]
    pub query: Option<()>,
    /// Sent as JSON.
    #[tsify(optional, type = "unknown")]
    pub body: Option<()>,
    #[serde(flatten)]
    pub request: RequestOptions,
}
