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
use crate::transport::{send, Connection, Transport, Wire};
use crate::types::{ClientOptions, RawRequestOptions, WithOptions};
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
        Ok(Self::over(Connection::open(configure(options.map(|o| o.js_value()), None)?, None)))
    }

    /// A client like this one with some options changed (openai-node's `withOptions`): the
    /// same key, fetch and throttle settings; on the same `baseUrl` it shares this client's
    /// throttle, so that the two together stay under its limits. `defaultHeaders`, when
    /// given, replace this client's.
    #[wasm_bindgen(js_name = withOptions)]
    pub fn with_options(&self, options: Option<Ts<WithOptions>>) -> Result<Capx, JsValue> {
        let transport = configure(options.map(|o| o.js_value()), Some(&self.transport))?;
        let queue = (transport.base_url == self.transport.base_url).then(|| Connection::queue(&self.wire));
        Ok(Self::over(Connection::open(transport, queue)))
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
            let target = [path.as_str(), &query_string(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))].concat();
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
    fn over(Connection { transport, wire }: Connection) -> Self {
        let tasks = owned_by_client(Tasks::new(wire.clone()).into());
        let companies = owned_by_client(Companies::new(transport.clone(), wire.clone()).into());
        Self { transport, wire, tasks, companies }
    }

    /// The key stays inside: only the edge proxy shares the transport.
    pub(crate) fn connection(&self) -> (Rc<Transport>, Wire) {
        (self.transport.clone(), self.wire.clone())
    }
}

/// A client's transport from its options; for `withOptions`, what they leave out comes from
/// `base`, whose key, fetch and throttle (on the same `baseUrl`, shared) it keeps.
fn configure(options: Option<JsValue>, base: Option<&Transport>) -> Result<Transport, ApiError> {
    let bag = Bag::new("options", options)?;
    let base_url = match (bag.string("baseUrl")?, base) {
        (Some(url), _) => normalize_base_url(&url)?,
        (None, Some(base)) => base.base_url.clone(),
        (None, None) => normalize_base_url(&platform::env_var("CAPX_BASE_URL").unwrap_or_else(|| DEFAULT_BASE_URL.to_owned()))?,
    };
    let max_retries = bag.integer("maxRetries", 0, 10)?.or(base.map(|b| b.max_retries)).unwrap_or(DEFAULT_MAX_RETRIES);
    let timeout_ms = bag.integer("timeoutMs", 1, MAX_TIMEOUT_MS)?.map(f64::from).or(base.map(|b| b.timeout_ms)).unwrap_or(DEFAULT_TIMEOUT_MS);
    let default_headers = match base {
        Some(base) if !bag.has("defaultHeaders") => base.default_headers.clone(),
        _ => default_headers(&bag)?,
    };
    let (log_level, logger) = log_options(&bag, base)?;
    let Some(base) = base else {
        return configure_new(&bag, Transport {
            api_key: Secret::new(String::new()),
            base_url,
            max_retries,
            timeout_ms,
            utf8_headers: platform::headers_are_utf8(),
            throttle: None,
            fetch: None,
            node_http: false,
            default_headers,
            log_level,
            logger,
        });
    };
    let throttle = match &base.throttle {
        Some(shared) if base_url == base.base_url => Some(shared.clone()),
        Some(other) => Some(Rc::new(RefCell::new(other.borrow().same_limits()))),
        None => None,
    };
    Ok(Transport {
        api_key: Secret::new(base.api_key.read().to_owned()),
        base_url,
        max_retries,
        timeout_ms,
        utf8_headers: base.utf8_headers,
        throttle,
        fetch: base.fetch.clone(),
        node_http: base.node_http,
        default_headers,
        log_level,
        logger,
    })
}

/// What only a new client reads: the key, the throttle, `fetch`, and the browser guard.
fn configure_new(bag: &Bag, transport: Transport) -> Result<Transport, ApiError> {
    // As openai-node does with OPENAI_API_KEY: where the runtime has an environment.
    let api_key = bag.string("apiKey")?.or_else(|| platform::env_var("CAPX_API_KEY")).unwrap_or_default();
    check_api_key(&api_key)?;
    let throttle_bag = bag.object("throttle")?;
    let per_minute = throttle_bag.integer("requestsPerMinute", 1, 1_000_000)?;
    let max_concurrent = throttle_bag.integer("maxConcurrent", 1, 100_000)?;
    let throttle = (per_minute.is_some() || max_concurrent.is_some())
        .then(|| Rc::new(RefCell::new(Throttle::new(per_minute.map(|n| n as usize), max_concurrent.map(|n| n as usize)))));
    let fetch = bag.function("fetch")?;
    // Judged last, so that a malformed option is reported as such first.
    if !bag.bool("dangerouslyAllowBrowser")?.unwrap_or(false) && platform::looks_like_browser_page() {
        return Err(ApiError::new(
            code::BROWSER_KEY_EXPOSURE,
            "a secret key in a browser page reaches every visitor: call Capx from your server or edge function \
             (see createEdgeHandler), or pass dangerouslyAllowBrowser: true for a page that is not public",
        ));
    }
    Ok(Transport { api_key: Secret::new(api_key), throttle, node_http: fetch.is_none() && platform::node_http_available(), fetch, ..transport })
}

/// The levels of `logLevel`, quietest first.
const LOG_LEVELS: [&str; 5] = ["off", "error", "warn", "info", "debug"];

/// `logLevel` and `logger`, each else `base`'s; for a new client, `CAPX_LOG` where the runtime
/// has an environment (a value there that is no level is ignored), and `console`.
fn log_options(bag: &Bag, base: Option<&Transport>) -> Result<(&'static str, JsValue), ApiError> {
    let level = match bag.string("logLevel")? {
        Some(level) => LOG_LEVELS.iter().find(|l| **l == level).copied().ok_or_else(|| {
            ApiError::invalid_config("options.logLevel must be \"off\", \"error\", \"warn\", \"info\" or \"debug\"")
        })?,
        None => match base {
            Some(base) => base.log_level,
            None => platform::env_var("CAPX_LOG").and_then(|level| LOG_LEVELS.iter().find(|l| **l == level.to_ascii_lowercase()).copied()).unwrap_or("off"),
        },
    };
    let logger = bag.object("logger")?.raw().cloned().or_else(|| base.map(|b| b.logger.clone())).unwrap_or(JsValue::UNDEFINED);
    Ok((level, logger))
}

fn default_headers(bag: &Bag) -> Result<Vec<(String, String)>, ApiError> {
    let headers = bag.string_map("defaultHeaders")?;
    headers.iter().try_for_each(|(name, value)| check_default_header(name, value))?;
    Ok(headers)
}
