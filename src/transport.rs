//! A client's decisions about its requests. JavaScript's `Transport` (js/transport.js) does
//! the I/O — attempts over fetch or node:http, waits, the throttle's queue — and asks the
//! `Engine` here, synchronously, what a reply means, whether and when to retry, and whether
//! the throttle lets an attempt start. Every error it hands out has the key taken out.

use crate::call::{Call, Reply};
use crate::core::error::ApiError;
use crate::core::rate_limit::parse_whole_number;
use crate::core::redirect::{is_redirect, redirect_refused};
use crate::core::retry::{ms_until_reset, parse_retry_after, retry_delay_ms, ServerHint};
use crate::core::secret::{wipe, Secret};
use crate::core::throttle::{Throttle, Wait};
use crate::error::Failure;
use crate::json;
use js_sys::Promise;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

pub const CLIENT_ID: &str = concat!("capx/", env!("CARGO_PKG_VERSION"));
pub const EVENT_STREAM: &str = "text/event-stream";

#[wasm_bindgen(module = "/js/transport.js")]
extern "C" {
    /// The JavaScript side of a client's transport.
    #[derive(Clone)]
    pub type Wire;
    /// `settings`: see the constructor in js/transport.js.
    #[wasm_bindgen(constructor, js_class = "Transport")]
    fn new(engine: Engine, settings: &JsValue) -> Wire;
    /// The calls waiting for the throttle, `null` without one.
    #[wasm_bindgen(method, getter)]
    fn waiting(this: &Wire) -> JsValue;

    /// Resolves to the call's `ApiResult`, or rejects with its `CapxError`.
    #[wasm_bindgen(method)]
    pub fn send(this: &Wire, call: &Call) -> Promise;
    /// One attempt (a stream's body left unread): resolves to a `Reply`, or rejects with a
    /// `Failure`.
    #[wasm_bindgen(method)]
    pub fn exchange(this: &Wire, call: &Call, stream: bool) -> Promise;
}

/// A client's fixed settings and its throttle, shared by its namespaces, streams and edge
/// handlers.
pub struct Transport {
    pub api_key: Secret,
    pub base_url: String,
    pub max_retries: u32,
    pub timeout_ms: f64,
    /// Whether fetch writes a header string as UTF-8 (workerd), not one byte per character.
    pub utf8_headers: bool,
    /// Shared by the clients `withOptions` makes for the same key and origin.
    pub throttle: Option<Rc<RefCell<Throttle>>>,
    pub fetch: Option<js_sys::Function>,
    /// Requests that read their whole body go through node:http (see js/node_http.js).
    pub node_http: bool,
    pub default_headers: Vec<(String, String)>,
    pub log_level: &'static str,
    pub logger: JsValue,
}

/// How a client reaches JavaScript's side: the transport's settings and how to send there.
pub struct Connection {
    pub transport: Rc<Transport>,
    pub wire: Wire,
}

impl Connection {
    /// `queue`: the throttle's waiting calls, when the throttle is shared with another client.
    pub fn open(transport: Transport, queue: Option<JsValue>) -> Self {
        let transport = Rc::new(transport);
        let t = &transport;
        let waiting = match (&t.throttle, queue) {
            (None, _) => JsValue::NULL,
            (Some(_), Some(queue)) => queue,
            (Some(_), None) => js_sys::Array::new().into(),
        };
        let key = t.api_key.read();
        let settings = json::object(&[
            ("baseUrl", t.base_url.as_str().into()),
            ("timeoutMs", t.timeout_ms.into()),
            ("fetch", t.fetch.clone().map_or(JsValue::UNDEFINED, Into::into)),
            ("nodeHttp", t.node_http.into()),
            ("jsonHeaders", fixed_headers(&t.default_headers, &key, "application/json")),
            ("streamHeaders", fixed_headers(&t.default_headers, &key, EVENT_STREAM)),
            ("waiting", waiting),
            ("logLevel", t.log_level.into()),
            ("logger", t.logger.clone()),
        ]);
        drop(key);
        let wire = Wire::new(Engine { transport: transport.clone() }, &settings);
        Self { transport, wire }
    }

    /// The throttle's waiting calls, to share with a client on the same throttle.
    pub fn queue(wire: &Wire) -> JsValue {
        wire.waiting()
    }
}

/// Sends a prepared call; a preparation error rejects the promise like any other.
#[inline(never)]
pub fn send(wire: &Wire, call: Result<Call, ApiError>) -> Promise {
    match call {
        Ok(call) => wire.send(&call),
        Err(err) => Promise::reject(&err.into()),
    }
}

/// What JavaScript's `Transport` asks.
#[wasm_bindgen(skip_typescript)]
pub struct Engine {
    transport: Rc<Transport>,
}

#[wasm_bindgen]
impl Engine {
    /// The call's `ApiResult` for a reply; `undefined` to try again after `call.waitMs`; throws
    /// the call's `CapxError`.
    pub fn settle(&self, call: &Call, reply: &Reply) -> Result<JsValue, JsValue> {
        let t = &self.transport;
        match t.refuse_redirect(reply).and_then(|()| t.envelope(reply)) {
            Ok(result) => Ok(result),
            Err(err) => t.retry(call, err, hint(reply)).map(|()| JsValue::UNDEFINED),
        }
    }

    /// An attempt that got no reply: returns to try again after `call.waitMs`, or throws the
    /// call's `CapxError`.
    pub fn failed(&self, call: &Call, failure: &Failure) -> Result<(), JsValue> {
        self.transport.retry(call, failure.into(), ServerHint::default())
    }

    /// Whether the throttle lets an attempt start now (0, and it counts as started), or how
    /// many milliseconds to wait before asking again; `Infinity`: until an attempt ends.
    pub fn admit(&self, now: f64) -> f64 {
        let Some(throttle) = &self.transport.throttle else { return 0.0 };
        match throttle.borrow_mut().try_acquire(now) {
            Ok(()) => 0.0,
            Err(Wait::Ms(ms)) => ms.max(f64::MIN_POSITIVE),
            Err(Wait::ForRelease) => f64::INFINITY,
        }
    }

    /// An attempt admitted by the throttle has ended.
    pub fn release(&self) {
        if let Some(throttle) = &self.transport.throttle {
            throttle.borrow_mut().release();
        }
    }
}

impl Transport {
    /// `Ok` with `call.waitMs` set when `err` is retried, else `err` without the key.
    fn retry(&self, call: &Call, err: ApiError, hint: ServerHint) -> Result<(), JsValue> {
        let max_retries = call.max_retries().unwrap_or(self.max_retries);
        match retry_delay_ms(&err, call.retries(), max_retries, crate::sys::random(), hint) {
            Some(delay) => {
                call.set_wait_ms(delay as f64);
                Ok(())
            }
            None => Err(self.redact(err).into()),
        }
    }

    /// `err` with the key replaced wherever a server could have echoed it: every error the
    /// client's calls and streams end with passes through here.
    pub fn redact(&self, err: ApiError) -> ApiError {
        err.redacted(&self.api_key.read())
    }

    /// The `ApiResult` of a reply, or the error its envelope says; an excerpt of a body that
    /// is no JSON has the key replaced before it is cut.
    pub fn envelope(&self, reply: &Reply) -> Result<JsValue, ApiError> {
        json::envelope_result(reply.status(), &reply.text(), Some(&reply.headers()), &self.api_key.read(), reply)
    }

    /// A redirect is refused, never followed (see `core::redirect`): fetch is told not to
    /// follow one, and node:http never does. (The edge proxy answers its page with its own.)
    pub fn refuse_redirect(&self, reply: &Reply) -> Result<(), ApiError> {
        // Status 0 is an opaque redirect: fetch resolves to no other kind of response with it.
        let status = reply.status();
        if !(status == 0 || is_redirect(status)) {
            return Ok(());
        }
        let err = redirect_refused(reply.get("location").as_deref());
        Err(if status == 0 { err } else { err.with_status(status) })
    }
}

/// What a reply asked about waiting before the next attempt.
pub fn hint(reply: &Reply) -> ServerHint {
    let now = crate::sys::now();
    let reset_in_ms = (reply.status() == 429)
        .then(|| parse_whole_number(&reply.get("x-ratelimit-reset")?))
        .flatten()
        .map(|reset| ms_until_reset(reset, now));
    ServerHint { retry_after_ms: reply.get("retry-after").and_then(|v| parse_retry_after(&v, now)), reset_in_ms }
}

/// The response's `Content-Type`, "" when it has none.
pub fn content_type(reply: &Reply) -> String {
    reply.get("content-type").unwrap_or_default()
}

/// The headers every request of a client carries, made a JavaScript object once per client
/// and kind of answer (`accept`) instead of once per request.
fn fixed_headers(defaults: &[(String, String)], api_key: &str, accept: &str) -> JsValue {
    let authorization = ["Bearer ", api_key].concat();
    let own = [("Authorization", authorization.as_str()), ("Accept", accept), ("X-Capx-Client", CLIENT_ID)];
    let headers = js_sys::Object::new();
    for (name, value) in defaults.iter().map(|(k, v)| (k.as_str(), v.as_str())).chain(own) {
        let _ = js_sys::Reflect::set(&headers, &JsValue::from_str(name), &JsValue::from_str(value));
    }
    // The copy of the key: zeroed, not left in freed wasm memory.
    wipe(authorization);
    headers.into()
}
