//! The `Capx` class: configuration, the browser guard, and the resource namespaces.

use crate::call::{stringify, CallOptions, MAX_TIMEOUT_MS};
use crate::core::error::{code, ApiError, REDACTED};
use crate::core::request::{check_api_key, check_default_header, check_request_path, normalize_base_url, normalize_method, query_string, DEFAULT_BASE_URL};
use crate::core::secret::Secret;
use crate::core::throttle::Throttle;
use crate::json;
use crate::options::Bag;
use crate::platform;
use crate::resources::{Companies, Tasks};
use crate::transport::{send, Connection, Transport, Wire, Wiring};
use crate::types::{ClientOptions, RawRequestOptions};
use js_sys::{Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use tsify::Ts;
use wasm_bindgen::prelude::*;

const DEFAULT_MAX_RETRIES: u32 = 2;
const DEFAULT_TIMEOUT_MS: f64 = 60_000.0;

#[wasm_bindgen(module = "/js/objects.js")]
extern "C" {
    /// `namespace` with `free()` and `[Symbol.dispose]()` that do nothing: the client frees it.
    #[wasm_bindgen(js_name = ownedByClient)]
    fn owned_by_client(namespace: JsValue) -> JsValue;
}

/// The Capx API client. Holds the secret key inside the wasm instance: it is sent only to
/// `baseUrl`, and never appears in `String(capx)`, `JSON.stringify(capx)` or an error.
#[wasm_bindgen]
pub struct Capx {
    transport: Rc<Transport>,
    wire: Wire,
    /// The namespaces, made once: `capx.tasks` is the same object on every access rather
    /// than a fresh wrapper (and a finalizer registration) per call.
    tasks: JsValue,
    companies: JsValue,
}

#[wasm_bindgen]
impl Capx {
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<Ts<ClientOptions>>) -> Result<Capx, JsValue> {
        let Connection { transport, wire } = configure(options.map(|o| o.js_value()))?;
        let tasks = owned_by_client(Tasks::new(wire.clone()).into());
        let companies = owned_by_client(Companies::new(transport.clone(), wire.clone()).into());
        Ok(Self { transport, wire, tasks, companies })
    }

    #[wasm_bindgen(getter, unchecked_return_type = "Tasks")]
    pub fn tasks(&self) -> JsValue {
        self.tasks.clone()
    }

    #[wasm_bindgen(getter, unchecked_return_type = "Companies")]
    pub fn companies(&self) -> JsValue {
        self.companies.clone()
    }

    /// Any other endpoint, with the same envelope, retries and idempotency. `path` is
    /// relative to `baseUrl` (`/companies`, not `/v1/companies`).
    #[wasm_bindgen(unchecked_return_type = "Promise<ApiResponse<unknown>>")]
    pub fn request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "\"GET\" | \"POST\" | \"PATCH\" | \"PUT\" | \"DELETE\"")] method: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] path: JsValue,
        options: Option<Ts<RawRequestOptions>>,
    ) -> Promise {
        let call = (|| {
            let method = normalize_method(&method.as_string().unwrap_or_default())?;
            let path = check_request_path(&path.as_string().ok_or_else(|| ApiError::invalid_config("path must be a string"))?)?;
            let bag = Bag::new("options", options.map(|o| o.js_value()))?;
            let pairs = bag.object("query")?.query_pairs()?;
            let body = match Reflect::get(bag.raw().unwrap_or(&JsValue::UNDEFINED), &"body".into()) {
                Ok(body) if !body.is_undefined() => Some(stringify(&body)?),
                _ => None,
            };
            let target = [path, query_string(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))].concat();
            Ok(CallOptions::read(&bag)?.call(method, &target, body.as_ref()))
        })();
        send(&self.wire, call)
    }

    /// What `JSON.stringify(capx)` shows: the configuration, never the key.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "{ baseUrl: string; maxRetries: number; timeoutMs: number; apiKey: \"[redacted]\" }")]
    pub fn to_json(&self) -> JsValue {
        json::object(&[
            ("baseUrl", self.transport.base_url.as_str().into()),
            ("maxRetries", self.transport.max_retries.into()),
            ("timeoutMs", self.transport.timeout_ms.into()),
            ("apiKey", REDACTED.into()),
        ])
    }
}

/// `free()`, or the garbage collector, zeroes the key in wasm memory (see `core::secret`).
impl Drop for Capx {
    fn drop(&mut self) {
        self.transport.api_key.wipe();
    }
}

impl Capx {
    /// The key stays inside: only the edge proxy shares the transport.
    pub(crate) fn connection(&self) -> (Rc<Transport>, Wire) {
        (self.transport.clone(), self.wire.clone())
    }
}

fn configure(options: Option<JsValue>) -> Result<Connection, ApiError> {
    let bag = Bag::new("options", options)?;
    // As openai-node does with OPENAI_API_KEY: where the runtime has an environment.
    let api_key = bag.string("apiKey")?.or_else(|| platform::env_var("CAPX_API_KEY")).unwrap_or_default();
    check_api_key(&api_key)?;
    let throttle_bag = bag.object("throttle")?;
    let per_minute = throttle_bag.integer("requestsPerMinute", 1, 1_000_000)?;
    let max_concurrent = throttle_bag.integer("maxConcurrent", 1, 100_000)?;
    let throttle = (per_minute.is_some() || max_concurrent.is_some())
        .then(|| RefCell::new(Throttle::new(per_minute.map(|n| n as usize), max_concurrent.map(|n| n as usize))));
    let base_url = bag.string("baseUrl")?.or_else(|| platform::env_var("CAPX_BASE_URL"));
    let base_url = normalize_base_url(&base_url.unwrap_or_else(|| DEFAULT_BASE_URL.to_owned()))?;
    let max_retries = bag.integer("maxRetries", 0, 10)?.unwrap_or(DEFAULT_MAX_RETRIES);
    let timeout_ms = bag.integer("timeoutMs", 1, MAX_TIMEOUT_MS)?.map_or(DEFAULT_TIMEOUT_MS, f64::from);
    let fetch = bag.function("fetch")?;
    let default_headers = default_headers(&bag)?;
    // Judged last, so that a malformed option is reported as such first.
    if !bag.bool("dangerouslyAllowBrowser")?.unwrap_or(false) && platform::looks_like_browser_page() {
        return Err(ApiError::new(
            code::BROWSER_KEY_EXPOSURE,
            "a secret key in a browser page reaches every visitor: call Capx from your server or edge function \
             (see createEdgeHandler), or pass dangerouslyAllowBrowser: true for a page that is not public",
        ));
    }
    let transport = Transport {
        api_key: Secret::new(api_key),
        base_url,
        max_retries,
        timeout_ms,
        utf8_headers: platform::headers_are_utf8(),
        throttle,
    };
    let node_http = fetch.is_none() && platform::node_http_available();
    Ok(Connection::open(transport, Wiring { fetch, node_http, default_headers: &default_headers }))
}

fn default_headers(bag: &Bag) -> Result<Vec<(String, String)>, ApiError> {
    let headers = bag.string_map("defaultHeaders")?;
    headers.iter().try_for_each(|(name, value)| check_default_header(name, value))?;
    Ok(headers)
}
