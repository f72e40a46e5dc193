//! `createEdgeHandler`: the user's own edge function relays allow-listed routes to Capx with
//! the server-held key, so a page never needs the key. What to relay is decided by
//! `core::proxy`; this is the I/O around it. Bodies go through js/proxy.js and never enter
//! wasm memory; the caller's credentials stay out of the upstream request, and the key stays
//! out of every response.

use crate::client::Capx;
use crate::core::error::{code, ApiError};
use crate::core::proxy::{
    body_error, body_kind, check_content_length, for_the_page, relayable, upstream_idempotency_key, BodyKind, Incoming, Plan, Rules,
    DEFAULT_BODY_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES, RELAYED_HEADERS,
};
use crate::core::redirect::redirect_refused;
use crate::core::request::is_mutating;
use crate::core::text::decimal;
use crate::call::{CallOptions, Reply, MAX_TIMEOUT_MS};
use crate::error::Failure;
use crate::json;
use crate::options::Bag;
use crate::transport::{content_type, Wire};
use crate::types::EdgeHandlerOptions;
use js_sys::{Function, Promise};
use std::rc::Rc;
use tsify::Ts;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
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

    /// A caller's request body as a `Uint8Array`, at most `max_bytes`, within `timeout_ms`;
    /// rejects with `"too_large"`, `"timeout"` or `"unreadable"`.
    #[wasm_bindgen(js_name = readBody)]
    fn read_body(request: &Request, max_bytes: u32, timeout_ms: u32) -> Promise;

    /// `new Response(body, { status, headers })`, in one call across the boundary.
    fn response(status: u16, headers: &JsValue, body: &JsValue) -> JsValue;
}

struct Proxy {
    wire: Wire,
    rules: Rules,
    max_body_bytes: u32,
    body_timeout_ms: u32,
    authorize: Option<Function>,
    redactor: Redactor,
}

/// Returns `(request: Request) => Promise<Response>` for Workers, Vercel Edge, Deno, Bun
/// and fetch-style servers.
#[wasm_bindgen(js_name = createEdgeHandler, unchecked_return_type = "(request: Request) => Promise<Response>")]
pub fn create_edge_handler(capx: &Capx, options: Option<Ts<EdgeHandlerOptions>>) -> Result<JsValue, JsValue> {
    let bag = Bag::new("options", options.map(|o| o.js_value()))?;
    let allow_origins = bag.string_list("allowOrigins")?.unwrap_or_default();
    let rules = Rules::new(&bag.string("prefix")?.unwrap_or_default(), bag.string_list("allow")?.as_deref(), allow_origins)?;
    let (transport, wire) = capx.connection();
    let redactor = redactor(&transport.api_key.read());
    let proxy = Rc::new(Proxy {
        rules,
        max_body_bytes: bag.integer("maxBodyBytes", 0, u32::MAX)?.unwrap_or(DEFAULT_MAX_BODY_BYTES),
        body_timeout_ms: bag.integer("bodyTimeoutMs", 1, MAX_TIMEOUT_MS)?.unwrap_or(DEFAULT_BODY_TIMEOUT_MS),
        authorize: bag.function("authorize")?,
        redactor,
        wire,
    });
    let handler = Closure::<dyn Fn(Request) -> Promise>::new(move |request: Request| {
        let proxy = proxy.clone();
        future_to_promise(async move { Ok(proxy.relay(&request).await.unwrap_or_else(|err| proxy.error_response(err))) })
    });
    Ok(handler.into_js_value())
}

impl Proxy {
    async fn relay(&self, request: &Request) -> Result<JsValue, ApiError> {
        let header = |name: &str| request.headers().get(name).ok().flatten();
        let (method, url) = (request.method(), request.url());
        let (accept, origin) = (header("accept"), header("origin"));
        let plan = self.rules.plan(&Incoming { method: &method, url: &url, accept: accept.as_deref(), origin: origin.as_deref() })?;
        let namespace = self.authorize(request, &plan).await?;
        let body = if matches!(plan.method, "GET" | "DELETE") {
            None
        } else {
            check_content_length(header("content-length").as_deref(), self.max_body_bytes)?;
            let read = JsFuture::from(read_body(request, self.max_body_bytes, self.body_timeout_ms)).await;
            Some(read.map_err(|kind| body_error(&kind.as_string().unwrap_or_default(), self.max_body_bytes, self.body_timeout_ms))?)
        };
        // A mutating call without the caller's key gets a fresh one from `call_with`, as any call.
        let idempotency_key =
            is_mutating(plan.method).then(|| upstream_idempotency_key(header("idempotency-key").as_deref(), namespace.as_deref())).flatten();
        let options = CallOptions { idempotency_key, signal: Some(request.signal()), ..CallOptions::default() };
        let last_event_id = header("last-event-id");
        let target = [plan.path.as_str(), &plan.query].concat();
        let call = options.call_with(plan.method, &target, body.as_ref(), last_event_id.as_deref().map(|id| ("Last-Event-ID", id)));
        let reply: Reply = JsFuture::from(self.wire.exchange(&call, plan.streaming))
            .await
            .map_err(|failure| ApiError::from(failure.unchecked_ref::<Failure>()))?
            .unchecked_into();
        let status = reply.status();
        let kind = if (300..=399).contains(&status) {
            Err(redirect_refused(reply.get("location").as_deref()).with_status(502))
        } else if !(200..=599).contains(&status) {
            // A Response can carry 200 to 599 only; an upstream beyond that is broken.
            let status = decimal(i64::from(status));
            Err(ApiError::new(code::INVALID_RESPONSE, ["Capx answered with HTTP status ", &status, ", which cannot be relayed"].concat()).with_status(502))
        } else {
            body_kind(&content_type(&reply))
        };
        let body = match kind {
            // An event stream, also one answering with an error status, is re-written event
            // by event as it arrives: no buffering. Only a stream request gets one.
            Ok(BodyKind::EventStream) if plan.streaming => Some((self.redactor.events(&reply.body()), "text/event-stream")).filter(|(b, _)| !b.is_null()),
            Ok(BodyKind::Json) => {
                // Asked for a stream, answered with JSON (an error envelope): read it.
                if plan.streaming {
                    let _ = JsFuture::from(reply.read_text()).await;
                }
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

    /// Runs the `authorize` hook: `Ok(None)` on `true`, `Ok(Some(caller))` on a string, and
    /// 403 on anything else, a throw or a rejection.
    async fn authorize(&self, request: &Request, plan: &Plan<'_>) -> Result<Option<String>, ApiError> {
        let Some(hook) = &self.authorize else { return Ok(None) };
        let params: Vec<(&str, JsValue)> = plan.params.iter().map(|(k, v)| (*k, (*v).into())).collect();
        let route = json::object(&[
            ("pattern", plan.route.pattern.as_str().into()),
            ("method", plan.method.into()),
            ("path", plan.path.as_str().into()),
            ("params", json::object(&params)),
        ]);
        let verdict = match hook.call2(&JsValue::UNDEFINED, request, &route) {
            Ok(result) => JsFuture::from(Promise::resolve(&result)).await.ok(),
            Err(_) => None,
        };
        match verdict {
            Some(v) if v.as_bool() == Some(true) => Ok(None),
            Some(v) if v.as_string().is_some_and(|s| !s.is_empty()) => Ok(v.as_string()),
            _ => Err(ApiError::new("forbidden", "this request is not authorized").with_status(403)),
        }
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
