//! TypeScript shapes of the option bags, declared through tsify so that the `.d.ts` is
//! generated, not written. They are read field by field in `options.rs`, never deserialized:
//! the Rust field types only stand in. All of them belong to the client (the `client` feature).
#![allow(dead_code)]

use tsify::Tsify;

#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ClientOptions {
    /// Your secret key, from a server-side secret such as `env.CAPX_API_KEY`. Default: the
    /// `CAPX_API_KEY` environment variable, where the runtime has an environment
    /// (`process.env` on Node, Bun, Deno and Vercel Edge).
    #[tsify(optional)]
    pub api_key: Option<String>,
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
    /// Default: the global `fetch`, looked up at each call.
    #[tsify(optional, type = "typeof fetch")]
    pub fetch: Option<()>,
    #[tsify(optional, type = "Record<string, string>")]
    pub default_headers: Option<()>,
    /// Client-side pacing, so a busy server stays under its plan instead of collecting 429s.
    #[tsify(optional)]
    pub throttle: Option<ThrottleOptions>,
    /// Allow a secret key in a browser page. Default false: every visitor would get the key.
    #[tsify(optional)]
    pub dangerously_allow_browser: Option<bool>,
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
    #[tsify(optional, type = "AbortSignal")]
    pub signal: Option<()>,
    #[tsify(optional)]
    pub timeout_ms: Option<u32>,
    #[tsify(optional)]
    pub max_retries: Option<u32>,
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
    /// Aborting closes the connection and ends the iteration with `aborted`.
    #[tsify(optional, type = "AbortSignal")]
    pub signal: Option<()>,
    /// Replay every event after this SSE id, then continue live.
    #[tsify(optional)]
    pub last_event_id: Option<String>,
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
