//! `createEdgeHandler`: the user's own edge function relays allow-listed routes to Capx with
//! the server-held key, so a page never needs the key. JavaScript does the I/O of each
//! request (js/proxy.js `edgeHandler`: the `authorize` hook, reading the body, the upstream
//! attempt) and asks `EdgeEngine` here, synchronously, at each step: what to relay
//! (`core::proxy`), whether the hook allowed it, what to send upstream and what to answer.
//! Every refusal comes back as the Response to send. Bodies never enter wasm memory; the
//! caller's credentials stay out of the upstream request, and the key stays out of every
//! response.

use crate::client::Capx;
use crate::core::error::{code, ApiError};
use crate::core::proxy::{
    body_error, body_kind, check_content_length, for_the_page, relayable, upstream_idempotency_key, BodyKind, Incoming, Plan, Rules,
    DEFAULT_BODY_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES, RELAYED_HEADERS,
};
use crate::core::redirect::redirect_refused;
use crate::core::request::is_mutating;
use crate::core::text::decimal;
use crate::call::{Call, CallOptions, Reply, MAX_TIMEOUT_MS};
use crate::error::Failure;
use crate::json;
use crate::options::Bag;
use crate::transport::{content_type, Wire};
use crate::types::EdgeHandlerOptions;
use js_sys::Function;
use tsify::Ts;
use wasm_bindgen::prelude::*;
use web_sys::Request;

#[wasm_bindgen(module = "/js/proxy.js")]
extern "C" {
    /// Takes the key out of what the edge proxy relays (see `redactor` in proxy.js).
    type Redactor;

    fn redactor(key: &str) -> Redactor;

    /// A JSON text re-written from its parsed value, the key out of every string; `undefined`
    /// for what is not JSON.
    #[wasm_bindgen(method)]
    fn json(this: &Redactor, text: &JsValue) -> JsValue;

    /// `text` with the key taken out.
    #[wasm_bindgen(method)]
    fn text(this: &Redactor, text: &str) -> JsValue;

    /// An event stream re-written event by event, the key out of every field.
    #[wasm_bindgen(method)]
    fn events(this: &Redactor, body: &JsValue) -> JsValue;

    /// `new Response(body, { status, headers })`, in one call across the boundary.
    fn response(status: u16, headers: &JsValue, body: &JsValue) -> JsValue;

    /// The handler: `(request) => Promise<Response>`, each request relayed by asking `engine`.
    #[wasm_bindgen(js_name = edgeHandler)]
    fn edge_handler(engine: EdgeEngine, wire: &Wire, authorize: Option<Function>) -> JsValue;
}

/// What js/proxy.js `edgeHandler` asks about each request.
#[wasm_bindgen(skip_typescript)]
pub struct EdgeEngine {
    rules: Rules,
    /// Whether there is an `authorize` hook, which gets each request's route.
    authorizes: bool,
    max_body_bytes: u32,
    body_timeout_ms: u32,
    redactor: Redactor,
}

/// One request on its way through the proxy: what `core::proxy` planned for it.
#[wasm_bindgen(skip_typescript)]
pub struct Relay {
    method: &'static str,
    /// The path and query to send to `baseUrl`.
    target: String,
    streaming: bool,
    /// What the `authorize` hook is handed, `{ pattern, method, path, params }`; `undefined`
    /// without one.
    route: JsValue,
    /// Who `authorize` said the caller is, to keep their Idempotency-Keys apart.
    namespace: Option<String>,
}

#[wasm_bindgen]
impl Relay {
    /// Whether Capx's answer is an event stream, to relay as it arrives.
    #[wasm_bindgen(getter)]
    pub fn streaming(&self) -> bool {
        self.streaming
    }

    /// Whether the caller's body is read and relayed (not for GET and DELETE).
    #[wasm_bindgen(getter, js_name = hasBody)]
    pub fn has_body(&self) -> bool {
        !matches!(self.method, "GET" | "DELETE")
    }

    /// What the `authorize` hook is handed.
    #[wasm_bindgen(getter)]
    pub fn route(&self) -> JsValue {
        self.route.clone()
    }
}

/// Returns `(request: Request) => Promise<Response>` for Workers, Vercel Edge, Deno, Bun
/// and fetch-style servers.
#[wasm_bindgen(js_name = createEdgeHandler, unchecked_return_type = "(request: Request) => Promise<Response>")]
pub fn create_edge_handler(capx: &Capx, options: Option<Ts<EdgeHandlerOptions>>) -> Result<JsValue, JsValue> {
    let bag = Bag::new("options", options.map(|o| o.js_value()))?;
    let allow_origins = bag.string_list("allowOrigins")?.unwrap_or_default();
    let rules = Rules::new(&bag.string("prefix")?.unwrap_or_default(), bag.string_list("allow")?.as_deref(), allow_origins)?;
    let (transport, wire) = capx.connection();
    let authorize = bag.function("authorize")?;
    let engine = EdgeEngine {
        rules,
        authorizes: authorize.is_some(),
        max_body_bytes: bag.integer("maxBodyBytes", 0, u32::MAX)?.unwrap_or(DEFAULT_MAX_BODY_BYTES),
        body_timeout_ms: bag.integer("bodyTimeoutMs", 1, MAX_TIMEOUT_MS)?.unwrap_or(DEFAULT_BODY_TIMEOUT_MS),
        redactor: redactor(&transport.api_key.read()),
    };
    Ok(edge_handler(engine, &wire, authorize))
}

#[wasm_bindgen]
impl EdgeEngine {
    /// What to relay for a caller's request (a `Relay`), or the Response refusing it.
    pub fn plan(&self, request: &Request) -> JsValue {
        let header = |name: &str| request.headers().get(name).ok().flatten();
        let (method, url) = (request.method(), request.url());
        let (accept, origin) = (header("accept"), header("origin"));
        let plan = self.rules.plan(&Incoming { method: &method, url: &url, accept: accept.as_deref(), origin: origin.as_deref() });
        let plan = match plan {
            Ok(plan) => plan,
            Err(err) => return self.error_response(err),
        };
        let route = if self.authorizes { hook_route(&plan) } else { JsValue::UNDEFINED };
        let target = [plan.path.as_str(), &plan.query].concat();
        Relay { method: plan.method, target, streaming: plan.streaming, route, namespace: None }.into()
    }

    /// What the `authorize` hook resolved to (`undefined` when it threw or rejected): `true`
    /// lets the request through, a non-empty string too, as the caller's namespace; anything
    /// else is refused with 403 (returned).
    pub fn authorized(&self, relay: &mut Relay, verdict: &JsValue) -> Option<JsValue> {
        if verdict.as_bool() == Some(true) {
            return None;
        }
        match verdict.as_string().filter(|s| !s.is_empty()) {
            Some(namespace) => {
                relay.namespace = Some(namespace);
                None
            }
            None => Some(self.error_response(ApiError::new("forbidden", "this request is not authorized").with_status(403))),
        }
    }

    /// The Response refusing a body whose declared `Content-Length` is over the limit, before
    /// a byte of it is read; `undefined` to read it.
    #[wasm_bindgen(js_name = refusesLength)]
    pub fn refuses_length(&self, request: &Request) -> Option<JsValue> {
        let length = request.headers().get("content-length").ok().flatten();
        check_content_length(length.as_deref(), self.max_body_bytes).err().map(|err| self.error_response(err))
    }

    /// The largest body `readBody` takes.
    #[wasm_bindgen(getter, js_name = maxBodyBytes)]
    pub fn max_body_bytes(&self) -> u32 {
        self.max_body_bytes
    }

    /// How long `readBody` waits for the whole body.
    #[wasm_bindgen(getter, js_name = bodyTimeoutMs)]
    pub fn body_timeout_ms(&self) -> u32 {
        self.body_timeout_ms
    }

    /// The Response for a body `readBody` refused (`"too_large"`, `"timeout"` or `"unreadable"`).
    #[wasm_bindgen(js_name = bodyFailed)]
    pub fn body_failed(&self, kind: &JsValue) -> JsValue {
        self.error_response(body_error(&kind.as_string().unwrap_or_default(), self.max_body_bytes, self.body_timeout_ms))
    }

    /// The upstream call: the caller's body, `Last-Event-ID` and (for a mutating call, made
    /// the caller's own) `Idempotency-Key`, and its signal; a mutating call without a key
    /// gets a fresh one from `call_with`, as any call.
    pub fn call(&self, relay: &Relay, request: &Request, body: Option<js_sys::Uint8Array>) -> Call {
        let header = |name: &str| request.headers().get(name).ok().flatten();
        let idempotency_key = is_mutating(relay.method)
            .then(|| upstream_idempotency_key(header("idempotency-key").as_deref(), relay.namespace.as_deref()))
            .flatten();
        let options = CallOptions { idempotency_key, signal: Some(request.signal()), ..CallOptions::default() };
        let last_event_id = header("last-event-id");
        let body: Option<JsValue> = body.map(Into::into);
        options.call_with(relay.method, &relay.target, body.as_ref(), last_event_id.as_deref().map(|id| ("Last-Event-ID", id)))
    }

    /// The Response for an upstream attempt that got no reply.
    pub fn failed(&self, failure: &Failure) -> JsValue {
        self.error_response(failure.into())
    }

    /// Whether a stream request's answer is JSON (an error envelope), whose text is read
    /// before `answer`.
    #[wasm_bindgen(js_name = readsText)]
    pub fn reads_text(&self, relay: &Relay, reply: &Reply) -> bool {
        relay.streaming && body_kind(&content_type(reply)) == Ok(BodyKind::Json)
    }

    /// What the caller gets for Capx's reply: its body re-written without the key, with
    /// the headers a page may see, or the Response saying why it cannot be relayed.
    pub fn answer(&self, relay: &Relay, reply: &Reply) -> JsValue {
        self.relayed(relay, reply).unwrap_or_else(|err| self.error_response(err))
    }
}

/// What the `authorize` hook is handed about a request: the allow-list entry that let it
/// through, and its `:param` values.
fn hook_route(plan: &Plan) -> JsValue {
    let params: Vec<(&str, JsValue)> = plan.params.iter().map(|(k, v)| (*k, (*v).into())).collect();
    json::object(&[
        ("pattern", plan.route.pattern.as_str().into()),
        ("method", plan.method.into()),
        ("path", plan.path.as_str().into()),
        ("params", json::object(&params)),
    ])
}

impl EdgeEngine {
    fn relayed(&self, relay: &Relay, reply: &Reply) -> Result<JsValue, ApiError> {
        let status = reply.status();
        let kind = if (300..=399).contains(&status) {
            Err(redirect_refused(reply.get("location").as_deref()).with_status(502))
        } else if !(200..=599).contains(&status) {
            // A Response can carry 200 to 599 only; an upstream beyond that is broken.
            let status = decimal(i64::from(status));
            Err(ApiError::new(code::INVALID_RESPONSE, ["Capx answered with HTTP status ", &status, ", which cannot be relayed"].concat()).with_status(502))
        } else {
            body_kind(&content_type(reply))
        };
        let body = match kind {
            // An event stream, also one answering with an error status, is re-written event
            // by event as it arrives: no buffering. Only a stream request gets one.
            Ok(BodyKind::EventStream) if relay.streaming => Some((self.redactor.events(&reply.body()), "text/event-stream")).filter(|(b, _)| !b.is_null()),
            // A stream request answered with JSON (an error envelope) had its text read first.
            Ok(BodyKind::Json) => {
                let json = self.redactor.json(&reply.text());
                (!json.is_undefined()).then_some((json, "application/json"))
            }
            _ => None,
        };
        let Some((body, content_type)) = body else {
            reply.discard();
            return Err(kind.err().unwrap_or_else(|| ApiError::new(code::INVALID_RESPONSE, "Capx answered with a body that cannot be relayed").with_status(502)));
        };
        let mut headers: Vec<(&str, JsValue)> = vec![("content-type", content_type.into())];
        for name in RELAYED_HEADERS {
            if let Some(value) = reply.get(name).filter(|v| relayable(name, v)) {
                headers.push((name, value.into()));
            }
        }
        Ok(response(status, &json::object(&headers), &body))
    }

    /// Errors leave the proxy as the API's own envelope, so the page handles one format.
    fn error_response(&self, err: ApiError) -> JsValue {
        let err = for_the_page(err);
        let status = err.status.unwrap_or(match err.code.as_str() {
            code::TIMEOUT => 504,
            code::ABORTED => 499,
            _ => 502,
        });
        let error = json::object(&[
            ("code", err.code.as_str().into()),
            // A redirect's origin, say, could hold the key.
            ("message", self.redactor.text(&err.message)),
            ("docs", err.docs.as_deref().map_or(JsValue::NULL, Into::into)),
        ]);
        let body = json::object(&[("success", false.into()), ("error", error)]);
        let text = js_sys::JSON::stringify(&body).map_or(JsValue::NULL, Into::into);
        response(status, &json::object(&[("content-type", "application/json".into())]), &text)
    }
}
