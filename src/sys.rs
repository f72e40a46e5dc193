//! Raw bindings to what every runtime has as a global, and to `js/runtime.js`. Nothing here
//! goes through `window`: Workers, Deno and Node have none.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/runtime.js")]
extern "C" {
    pub type CapxErrorJs;
    #[wasm_bindgen(constructor, js_class = "CapxError")]
    pub fn new(code: &str, message: &str, status: Option<u16>, docs: Option<String>, rate_limit: JsValue, retryable: bool) -> CapxErrorJs;

    /// Resolves to `true` after `ms`, or to `false` once `signal` aborts.
    pub fn sleep(ms: f64, signal: Option<&web_sys::AbortSignal>) -> js_sys::Promise;

    /// Joins `queue`: resolves to `true` when `wakeNext` reaches this call, or to `false`
    /// once `signal` aborts (and the call has left the queue).
    #[wasm_bindgen(js_name = waitTurn)]
    pub fn wait_turn(queue: &js_sys::Array, signal: Option<&web_sys::AbortSignal>) -> js_sys::Promise;

    /// Wakes the first call waiting in `queue`, if any.
    #[wasm_bindgen(js_name = wakeNext)]
    pub fn wake_next(queue: &js_sys::Array);

    #[wasm_bindgen(js_name = asyncIterable)]
    pub fn async_iterable(pager: JsValue) -> JsValue;

    /// Cancels a body reader; a stream that already errored (an aborted fetch) rejects the
    /// cancel, and an unhandled rejection would crash Node.
    #[wasm_bindgen(js_name = cancelReader)]
    pub fn cancel_reader(reader: &web_sys::ReadableStreamDefaultReader);

    /// See `attempt` in runtime.js: resolves to `[Response, string | null]`.
    #[allow(clippy::too_many_arguments)]
    pub fn attempt(
        fetch: Option<&js_sys::Function>,
        method: &str,
        url: &str,
        fixed_headers: &JsValue,
        header_lines: &str,
        body: Option<&JsValue>,
        timeout_ms: f64,
        signal: Option<&web_sys::AbortSignal>,
        read_body: bool,
    ) -> js_sys::Promise;

    /// `process.env[name]` where the runtime has one and lets it be read; `None` if empty.
    #[wasm_bindgen(js_name = envVar)]
    pub fn env_var(name: &str) -> Option<String>;

    /// Whether fetch writes header strings as UTF-8 (workerd) rather than one byte per character.
    #[wasm_bindgen(js_name = headersAreUtf8)]
    pub fn headers_are_utf8() -> bool;

    /// A browser page (not Workers, Deno, Bun or Node), where a key would reach every visitor.
    #[wasm_bindgen(js_name = looksLikeBrowserPage)]
    pub fn looks_like_browser_page() -> bool;

    /// `new Response(body, { status, headers })`, in one call across the boundary.
    pub fn response(status: u16, headers: &JsValue, body: &JsValue) -> JsValue;

    /// The events of a read as `[events, ids]` (see `core::activity::Batch`).
    #[wasm_bindgen(js_name = eventBatch)]
    pub fn event_batch(json: &[u8], ids: &[u8], count: u32, flat: bool) -> JsValue;

    /// `namespace` with `free()` and `[Symbol.dispose]()` that do nothing: the client frees it.
    #[wasm_bindgen(js_name = ownedByClient)]
    pub fn owned_by_client(namespace: JsValue) -> JsValue;

    /// Headers as `"name\nvalue\n"` lines, as an object.
    #[wasm_bindgen(js_name = headerObject)]
    pub fn header_object(lines: &str) -> JsValue;

    /// `headers.get(name)`, `None` also for a name `Headers` refuses.
    pub fn header(headers: &web_sys::Headers, name: &JsValue) -> Option<String>;

    /// `obj[key]` of a plain object, `undefined` for anything else (arrays included).
    pub fn field(obj: &JsValue, key: &JsValue) -> JsValue;

    /// `{ limit, remaining, reset }`.
    #[wasm_bindgen(js_name = rateLimit)]
    pub fn rate_limit(limit: f64, remaining: f64, reset: f64) -> JsValue;

    /// `{ data, meta, rateLimit, status }`, in one call across the boundary.
    #[wasm_bindgen(js_name = apiResult)]
    pub fn api_result(data: JsValue, meta: JsValue, rate_limit: JsValue, status: u16) -> JsValue;

    /// An AbortController of its own for a stream, aborted with `signal` too; the link to
    /// `signal` goes once either aborts.
    #[wasm_bindgen(js_name = linkedController)]
    pub fn linked_controller(signal: Option<&web_sys::AbortSignal>) -> web_sys::AbortController;

    #[wasm_bindgen(js_name = activityStream)]
    pub fn activity_stream(engine: JsValue, last_event_id: Option<String>, signal: Option<&web_sys::AbortSignal>) -> JsValue;
}

#[wasm_bindgen(module = "/js/node_http.js")]
extern "C" {
    /// Whether this is Node itself (not Deno, Bun or an edge runtime) with node:http at hand.
    #[wasm_bindgen(js_name = nodeHttpAvailable)]
    pub fn node_http_available() -> bool;

    /// `attempt` over node:http(s), for a request that reads its whole body: resolves to
    /// `[{ status, headers }, string]`, the headers offering `get(name)` as `Headers` does.
    #[wasm_bindgen(js_name = nodeAttempt)]
    #[allow(clippy::too_many_arguments)]
    pub fn node_attempt(
        method: &str,
        base_url: &str,
        path: &str,
        fixed_headers: &JsValue,
        header_lines: &str,
        body: Option<&JsValue>,
        timeout_ms: f64,
        signal: Option<&web_sys::AbortSignal>,
    ) -> js_sys::Promise;
}

#[wasm_bindgen(module = "/js/proxy.js")]
extern "C" {
    /// Takes the key out of what the edge proxy relays (see `redactor` in proxy.js).
    pub type Redactor;

    pub fn redactor(key: &str) -> Redactor;

    /// A JSON text re-written from its parsed value, the key out of every string; `undefined`
    /// for what is not JSON.
    #[wasm_bindgen(method)]
    pub fn json(this: &Redactor, text: &JsValue) -> JsValue;

    /// `text` with the key taken out.
    #[wasm_bindgen(method)]
    pub fn text(this: &Redactor, text: &str) -> JsValue;

    /// An event stream re-written event by event, the key out of every field.
    #[wasm_bindgen(method)]
    pub fn events(this: &Redactor, body: &web_sys::ReadableStream) -> web_sys::ReadableStream;

    /// A caller's request body as a `Uint8Array`, at most `max_bytes`, within `timeout_ms`;
    /// rejects with `"too_large"`, `"timeout"` or `"unreadable"`.
    #[wasm_bindgen(js_name = readBody)]
    pub fn read_body(request: &web_sys::Request, max_bytes: u32, timeout_ms: u32) -> js_sys::Promise;

    /// Cancels a body left unread, ignoring a stream that already failed.
    #[wasm_bindgen(js_name = cancelBody)]
    pub fn cancel_body(body: &web_sys::ReadableStream);
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Date)]
    pub fn now() -> f64;

    /// `JSON.parse` of a JavaScript string as it is, without a copy through wasm memory.
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    pub fn json_parse(text: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = Math)]
    pub fn random() -> f64;

    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues)]
    pub fn get_random_values(buf: &mut [u8]);
}
