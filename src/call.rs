//! A request as it crosses to JavaScript's transport: the `Call` (js/call.js) made here from
//! a method's arguments, and the `Reply` an attempt brings back.

use crate::core::error::ApiError;
use crate::headers::HeaderSource;
use crate::core::request::{check_header, is_idempotency_key, is_mutating, query_string, uuid_v4};
use crate::options::Bag;
use wasm_bindgen::prelude::*;

/// The largest delay `setTimeout` honours.
pub const MAX_TIMEOUT_MS: u32 = 2_147_483_647;

#[wasm_bindgen(module = "/js/call.js")]
extern "C" {
    /// One request: what to send, and the state of its retries.
    pub type Call;
    /// `target` is what follows `baseUrl`: the encoded path and query. `body`, the JSON text
    /// (or the edge proxy's bytes), is never copied into wasm memory.
    #[wasm_bindgen(constructor)]
    pub fn new(method: &str, target: &str, body: Option<&JsValue>) -> Call;
    #[wasm_bindgen(method, setter = idempotencyKey)]
    fn set_idempotency_key(this: &Call, key: &str);
    #[wasm_bindgen(method, setter)]
    fn set_signal(this: &Call, signal: &web_sys::AbortSignal);
    #[wasm_bindgen(method, setter = timeoutMs)]
    fn set_timeout_ms(this: &Call, ms: u32);
    #[wasm_bindgen(method, setter = maxRetries)]
    fn set_max_retries(this: &Call, retries: u32);
    #[wasm_bindgen(method, getter = maxRetries)]
    pub fn max_retries(this: &Call) -> Option<u32>;
    /// More headers for this call alone, as an object.
    #[wasm_bindgen(method, setter)]
    fn set_headers(this: &Call, headers: &JsValue);
    /// Attempts retried so far.
    #[wasm_bindgen(method, getter)]
    pub fn retries(this: &Call) -> u32;
    /// How long the transport waits before the next attempt.
    #[wasm_bindgen(method, setter = waitMs)]
    pub fn set_wait_ms(this: &Call, ms: f64);

    /// What an attempt that reached the server got.
    pub type Reply;
    #[wasm_bindgen(method, getter)]
    pub fn status(this: &Reply) -> u16;
    /// The body as the JavaScript string `text()` gave; null when unread or unreadable.
    #[wasm_bindgen(method, getter)]
    pub fn text(this: &Reply) -> JsValue;
    /// A stream request's unread body, or null.
    #[wasm_bindgen(method, getter)]
    pub fn body(this: &Reply) -> JsValue;
    /// A response header, `None` also for a name `Headers` refuses.
    #[wasm_bindgen(method, js_name = header)]
    pub fn get(this: &Reply, name: &str) -> Option<String>;
    /// The response's headers.
    #[wasm_bindgen(method, getter)]
    pub fn headers(this: &Reply) -> HeaderSource;
    /// Reads a stream request's body into `text`.
    #[wasm_bindgen(method, js_name = readText)]
    pub fn read_text(this: &Reply) -> js_sys::Promise;
    /// Lets go of a body left unread.
    #[wasm_bindgen(method)]
    pub fn discard(this: &Reply);
}

/// Per-call options (`RequestOptions` in TypeScript), checked.
#[derive(Default, Clone)]
pub struct CallOptions {
    pub idempotency_key: Option<String>,
    pub signal: Option<web_sys::AbortSignal>,
    pub timeout_ms: Option<u32>,
    pub max_retries: Option<u32>,
    pub headers: Vec<(String, String)>,
}

impl CallOptions {
    pub fn read(bag: &Bag) -> Result<Self, ApiError> {
        let idempotency_key = bag.string("idempotencyKey")?;
        if idempotency_key.as_deref().is_some_and(|k| !is_idempotency_key(k)) {
            return Err(ApiError::invalid_config("options.idempotencyKey must be 1 to 255 visible ASCII characters"));
        }
        let headers = bag.string_map("headers")?;
        headers.iter().try_for_each(|(name, value)| check_header("options.headers", name, value))?;
        Ok(Self {
            idempotency_key,
            signal: bag.signal("signal")?,
            timeout_ms: bag.integer("timeoutMs", 1, MAX_TIMEOUT_MS)?,
            max_retries: bag.integer("maxRetries", 0, 10)?,
            headers,
        })
    }

    /// The call with these options; a POST, PATCH or DELETE gets its Idempotency-Key here,
    /// once for every attempt: that is what makes retrying it safe.
    pub fn call(self, method: &str, target: &str, body: Option<&JsValue>) -> Call {
        self.call_with(method, target, body, None)
    }

    /// `call`, with one more header of the client's own (a stream's `Last-Event-ID`).
    pub fn call_with(self, method: &str, target: &str, body: Option<&JsValue>, own: Option<(&str, &str)>) -> Call {
        let call = Call::new(method, target, body);
        if is_mutating(method) {
            call.set_idempotency_key(&self.idempotency_key.unwrap_or_else(new_uuid));
        }
        if let Some(signal) = &self.signal {
            call.set_signal(signal);
        }
        if let Some(ms) = self.timeout_ms {
            call.set_timeout_ms(ms);
        }
        if let Some(retries) = self.max_retries {
            call.set_max_retries(retries);
        }
        if !self.headers.is_empty() || own.is_some() {
            let headers: Vec<(&str, JsValue)> = self.headers.iter().map(|(k, v)| (k.as_str(), v.as_str().into())).chain(own.map(|(k, v)| (k, v.into()))).collect();
            call.set_headers(&crate::json::object(&headers));
        }
        call
    }
}

/// A POST or PATCH whose body is the caller's params object (`{}` when omitted).
#[inline(never)]
pub fn body_call(method: &'static str, path: Result<String, ApiError>, params: Option<JsValue>, options: Option<JsValue>) -> Result<Call, ApiError> {
    let path = path?;
    let params = Bag::new("params", params)?;
    let body = params.raw().map_or_else(|| Ok(JsValue::from_str("{}")), stringify)?;
    Ok(CallOptions::read(&Bag::new("options", options)?)?.call(method, &path, Some(&body)))
}

/// A GET whose query is the caller's params object.
#[inline(never)]
pub fn get_call(path: Result<String, ApiError>, params: Option<JsValue>, options: Option<JsValue>) -> Result<Call, ApiError> {
    let Listing { path, filters, options } = listing(path, params, options)?;
    // `&str`s, as everywhere: a concat of `String`s is a second copy of the joining code.
    let target = [path.as_str(), &query_string(filters.iter().map(|(k, v)| (k.as_str(), v.as_str())))].concat();
    Ok(options.call("GET", &target, None))
}

/// What to list: the path and the caller's filters, to which each page adds its cursor, and
/// the options every page's call gets.
#[derive(Clone)]
pub struct Listing {
    pub path: String,
    pub filters: Vec<(String, String)>,
    pub options: CallOptions,
}

pub fn listing(path: Result<String, ApiError>, params: Option<JsValue>, options: Option<JsValue>) -> Result<Listing, ApiError> {
    let filters = Bag::new("params", params)?.query_pairs()?;
    Ok(Listing { path: path?, filters, options: CallOptions::read(&Bag::new("options", options)?)? })
}

/// `JSON.stringify` of a request body, left a JavaScript string; a value it cannot encode
/// is the caller's error.
pub fn stringify(body: &JsValue) -> Result<JsValue, ApiError> {
    js_sys::JSON::stringify(body)
        .ok()
        .map(JsValue::from)
        .filter(JsValue::is_string)
        .ok_or_else(|| ApiError::invalid_config("the request body cannot be encoded as JSON"))
}

fn new_uuid() -> String {
    let mut bytes = [0u8; 16];
    crate::sys::get_random_values(&mut bytes);
    uuid_v4(bytes)
}
