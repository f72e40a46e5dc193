//! The one way a request reaches Capx: headers, idempotency, per-attempt deadline, retries
//! with backoff, and the envelope. Every failure comes back as an `ApiError`.

use crate::core::envelope::Envelope;
use crate::core::error::{code, ApiError};
use crate::core::redirect::{is_redirect, redirect_refused};
use crate::core::request::{is_idempotency_key, is_mutating, uuid_v4};
use crate::core::secret::{wipe, Secret};
use crate::core::retry::{ms_until_reset, parse_retry_after, retry_delay_ms, ServerHint};
use crate::core::throttle::{Throttle, Wait};
use crate::options::Bag;
use crate::{json, sys};
use js_sys::{Function, Reflect};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

pub const CLIENT_ID: &str = concat!("capx/", env!("CARGO_PKG_VERSION"));
pub const EVENT_STREAM: &str = "text/event-stream";
/// The largest delay `setTimeout` honours.
pub const MAX_TIMEOUT_MS: u32 = 2_147_483_647;

pub struct Transport {
    pub api_key: Secret,
    pub base_url: String,
    pub max_retries: u32,
    pub timeout_ms: f64,
    pub fetch: Option<Function>,
    /// Requests that read their whole body go through node:http (see js/node_http.js).
    pub node_http: bool,
    /// Whether fetch writes a header string as UTF-8 (workerd), not one byte per character.
    pub utf8_headers: bool,
    /// The headers of every request that expects JSON, as `fixed_headers` made them.
    pub json_headers: JsValue,
    /// The same for an event stream.
    pub stream_headers: JsValue,
    pub throttle: Option<RefCell<Throttle>>,
    /// The calls waiting for an in-flight slot of the throttle (see `waitTurn` in runtime.js).
    pub waiting: js_sys::Array,
}

/// Per-call options (`RequestOptions` in TypeScript).
#[derive(Default)]
pub struct CallOptions {
    pub idempotency_key: Option<String>,
    pub signal: Option<web_sys::AbortSignal>,
    pub timeout_ms: Option<f64>,
    pub max_retries: Option<u32>,
}

impl CallOptions {
    pub fn read(bag: &Bag) -> Result<Self, ApiError> {
        let idempotency_key = bag.string("idempotencyKey")?;
        if idempotency_key.as_deref().is_some_and(|k| !is_idempotency_key(k)) {
            return Err(ApiError::invalid_config("options.idempotencyKey must be 1 to 255 visible ASCII characters"));
        }
        Ok(Self {
            idempotency_key,
            signal: bag.signal("signal")?,
            timeout_ms: bag.integer("timeoutMs", 1, MAX_TIMEOUT_MS)?.map(f64::from),
            max_retries: bag.integer("maxRetries", 0, 10)?,
        })
    }
}

pub struct Call {
    pub method: &'static str,
    /// Starts with `/`, already encoded.
    pub path: String,
    /// `?a=b` or empty.
    pub query: String,
    /// The JSON text (a JavaScript string, or the edge proxy's bytes), never copied into
    /// wasm memory.
    pub body: Option<JsValue>,
    pub options: CallOptions,
}

/// What came back from one attempt that reached the server.
pub struct Reply {
    /// A Response, or over node:http one in all that is read of it: status and headers.
    pub response: web_sys::Response,
    /// The body as the JavaScript string `text()` gave (null when left unread for a
    /// stream): it is parsed by `JSON.parse` where it is, never copied through wasm memory.
    pub body: JsValue,
    /// For a stream: unlinks the connection from the caller's signal once it is over.
    pub detach: JsValue,
}

impl Transport {
    /// Sends `call`, retrying what may be retried, and resolves to the checked envelope; its
    /// error never holds the key (see `redact`).
    pub async fn send_envelope(&self, call: &Call) -> Result<Envelope<JsValue>, ApiError> {
        self.send_with_retries(call).await.map_err(|err| self.redact(err))
    }

    async fn send_with_retries(&self, call: &Call) -> Result<Envelope<JsValue>, ApiError> {
        let max_retries = call.options.max_retries.unwrap_or(self.max_retries);
        // One key for every attempt: that is what makes retrying a POST safe.
        let idempotency_key = is_mutating(call.method).then(|| call.options.idempotency_key.clone().unwrap_or_else(new_uuid));
        let mut retries = 0;
        loop {
            let err = match self.attempt(call, idempotency_key.as_deref(), &[], true).await {
                Ok(reply) => match self.refuse_redirect(&reply.response).and_then(|()| self.envelope(&reply)) {
                    Ok(result) => return Ok(result),
                    Err(err) => (err, hint(&reply.response)),
                },
                Err(err) => (err, ServerHint::default()),
            };
            let (err, hint) = err;
            let Some(delay) = retry_delay_ms(&err, retries, max_retries, sys::random(), hint) else { return Err(err) };
            if !sleep(delay as f64, call.options.signal.as_ref()).await {
                return Err(aborted());
            }
            retries += 1;
        }
    }

    /// One attempt; with `read_body` false the body is left unread for streaming.
    pub async fn attempt(&self, call: &Call, idempotency_key: Option<&str>, extra_headers: &[(&str, &str)], read_body: bool) -> Result<Reply, ApiError> {
        self.acquire(call.options.signal.as_ref()).await?;
        let outcome = self.fetch_once(call, idempotency_key, extra_headers, read_body).await;
        self.release();
        outcome
    }

    /// `err` with the key replaced wherever a server could have echoed it: every error the
    /// client's calls and streams end with passes through here.
    pub fn redact(&self, err: ApiError) -> ApiError {
        err.redacted(&self.api_key.read())
    }

    /// The checked envelope of a reply; an excerpt of a body that is no JSON has the key
    /// replaced before it is cut.
    pub fn envelope(&self, reply: &Reply) -> Result<Envelope<JsValue>, ApiError> {
        let headers = reply.response.headers();
        json::parse_envelope_text(reply.response.status(), &reply.body, |name| header(&headers, name), &self.api_key.read())
    }

    /// A redirect is refused, never followed (see `core::redirect`): fetch is told not to
    /// follow one, and node:http never does. (The edge proxy answers its page with its own.)
    pub fn refuse_redirect(&self, response: &web_sys::Response) -> Result<(), ApiError> {
        // Status 0 is an opaque redirect: fetch resolves to no other kind of response with it.
        let status = response.status();
        if !(status == 0 || is_redirect(status)) {
            return Ok(());
        }
        let err = redirect_refused(header(&response.headers(), "location").as_deref());
        Err(if status == 0 { err } else { err.with_status(status) })
    }

    async fn fetch_once(&self, call: &Call, idempotency_key: Option<&str>, extra_headers: &[(&str, &str)], read_body: bool) -> Result<Reply, ApiError> {
        let path = [call.path.as_str(), &call.query].concat();
        let fixed = if read_body { &self.json_headers } else { &self.stream_headers };
        let mut headers: Vec<(&str, &str)> = Vec::new();
        if call.body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        if let Some(key) = idempotency_key {
            headers.push(("Idempotency-Key", key));
        }
        headers.extend_from_slice(extra_headers);
        let timeout = call.options.timeout_ms.unwrap_or(self.timeout_ms);
        let (headers, body, signal) = (lines(&headers), call.body.as_ref(), call.options.signal.as_ref());
        let node_http = read_body && self.node_http;
        let promise = if node_http {
            sys::node_attempt(call.method, &self.base_url, &path, fixed, &headers, body, timeout, signal)
        } else {
            let url = [self.base_url.as_str(), &path].concat();
            sys::attempt(self.fetch.as_ref(), call.method, &url, fixed, &headers, body, timeout, signal, read_body)
        };
        let pair = JsFuture::from(promise).await.map_err(|reason| attempt_error(&reason))?;
        let part = |i| Reflect::get_u32(&pair, i).unwrap_or(JsValue::UNDEFINED);
        // node_attempt's answer has the status and headers of a Response, and no more is read
        // of a body already read; a `fetch` is the caller's, so its answer is checked.
        let response = if node_http {
            part(0).unchecked_into::<web_sys::Response>()
        } else {
            part(0)
                .dyn_into::<web_sys::Response>()
                .map_err(|_| ApiError::new(code::INVALID_RESPONSE, "fetch resolved to something that is not a Response"))?
        };
        Ok(Reply { response, body: part(1), detach: part(2) })
    }

    /// Waits for the throttle, if any, to let this attempt start; a call waiting there still
    /// ends as soon as its signal aborts.
    async fn acquire(&self, signal: Option<&web_sys::AbortSignal>) -> Result<(), ApiError> {
        let Some(throttle) = &self.throttle else { return Ok(()) };
        loop {
            let wait = throttle.borrow_mut().try_acquire(sys::now());
            let woken = match wait {
                Ok(()) => return Ok(()),
                Err(Wait::Ms(ms)) => sleep(ms, signal).await,
                Err(Wait::ForRelease) => resolves_true(sys::wait_turn(&self.waiting, signal)).await,
            };
            if !woken {
                return Err(aborted());
            }
        }
    }

    fn release(&self) {
        let Some(throttle) = &self.throttle else { return };
        throttle.borrow_mut().release();
        sys::wake_next(&self.waiting);
    }
}

/// What a response asked about waiting before the next attempt.
pub fn hint(response: &web_sys::Response) -> ServerHint {
    let headers = response.headers();
    let now = sys::now();
    let reset_in_ms = (response.status() == 429)
        .then(|| header(&headers, "x-ratelimit-reset")?.trim().parse::<u64>().ok())
        .flatten()
        .map(|reset| ms_until_reset(reset, now));
    ServerHint { retry_after_ms: header(&headers, "retry-after").and_then(|v| parse_retry_after(&v, now)), reset_in_ms }
}

/// A response header, by a name `json::key` may already hold as a JavaScript string.
fn header(headers: &web_sys::Headers, name: &str) -> Option<String> {
    sys::header(headers, &json::key(name))
}

/// Maps the `[kind, message]` that `attempt` in runtime.js rejects with.
fn attempt_error(reason: &JsValue) -> ApiError {
    let part = |i| Reflect::get_u32(reason, i).ok().and_then(|v| v.as_string());
    let message = part(1).unwrap_or_else(|| "The request failed before a response arrived".to_owned());
    let code = match part(0).as_deref() {
        Some("timeout") => code::TIMEOUT,
        Some("aborted") => code::ABORTED,
        _ => code::CONNECTION_ERROR,
    };
    ApiError::new(code, message)
}

pub fn aborted() -> ApiError {
    ApiError::new(code::ABORTED, "The request was aborted")
}

/// Resolves to `true` after `ms`, or `false` once `signal` aborts.
pub async fn sleep(ms: f64, signal: Option<&web_sys::AbortSignal>) -> bool {
    resolves_true(sys::sleep(ms, signal)).await
}

/// Whether `promise` resolved to `true` (a rejection counts as `false`).
async fn resolves_true(promise: js_sys::Promise) -> bool {
    JsFuture::from(promise).await.ok().and_then(|v| v.as_bool()).unwrap_or(false)
}

/// The headers every request of a client carries, made a JavaScript object once per client
/// and kind of answer (`accept`) instead of once per request.
pub fn fixed_headers(defaults: &[(String, String)], api_key: &str, accept: &str) -> JsValue {
    let authorization = ["Bearer ", api_key].concat();
    let own = [("Authorization", authorization.as_str()), ("Accept", accept), ("X-Capx-Client", CLIENT_ID)];
    let all: Vec<(&str, &str)> = defaults.iter().map(|(k, v)| (k.as_str(), v.as_str())).chain(own).collect();
    let text = lines(&all);
    let headers = sys::header_object(&text);
    // Copies of the key: zeroed, not left in freed wasm memory.
    wipe(text);
    wipe(authorization);
    headers
}

/// Headers as one string across the boundary rather than two per header: "name\nvalue\n"
/// each. No header name or value holds a line break (the options and the key are checked).
/// Made in one allocation of the exact size: a string grown step by step would leave
/// half-grown copies (of the key, for the fixed headers) in freed memory.
fn lines(headers: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(headers.iter().map(|(k, v)| k.len() + v.len() + 2).sum());
    for (name, value) in headers {
        out.extend([*name, "\n", value, "\n"]);
    }
    out
}

/// The response's `Content-Type`, "" when it has none.
pub fn content_type(response: &web_sys::Response) -> String {
    header(&response.headers(), "content-type").unwrap_or_default()
}

/// The body of a response left unread (a stream request answered otherwise), as the
/// JavaScript string `text()` gives; null when it cannot be read.
pub async fn read_text(response: &web_sys::Response) -> JsValue {
    match response.text() {
        Ok(text) => JsFuture::from(text).await.unwrap_or(JsValue::NULL),
        Err(_) => JsValue::NULL,
    }
}

pub fn new_uuid() -> String {
    let mut bytes = [0u8; 16];
    sys::get_random_values(&mut bytes);
    uuid_v4(bytes)
}
