//! `createEdgeHandler`: the user's own edge function relays allow-listed routes to Capx with
//! the server-held key, so a page never needs the key. What to relay is decided by
//! `core::proxy`; this is the I/O around it. The caller's credentials stay out of the
//! upstream request, and the key stays out of every response.

use crate::client::Capx;
use crate::core::error::{code, ApiError};
use crate::core::proxy::{Rules, RELAYED_HEADERS};
use crate::core::request::{is_idempotency_key, is_mutating};
use crate::core::text::{decimal, replace_all};
use crate::json;
use crate::options::Bag;
use crate::sys;
use crate::transport::{content_type, new_uuid, read_text, Call, CallOptions, Reply, Transport, EVENT_STREAM};
use crate::types::EdgeHandlerOptions;
use js_sys::Promise;
use std::rc::Rc;
use tsify::Ts;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::Request;

struct Proxy {
    transport: Rc<Transport>,
    rules: Rules,
}

/// Returns `(request: Request) => Promise<Response>` for Workers, Vercel Edge, Deno, Bun
/// and fetch-style servers.
#[wasm_bindgen(js_name = createEdgeHandler, unchecked_return_type = "(request: Request) => Promise<Response>")]
pub fn create_edge_handler(capx: &Capx, options: Option<Ts<EdgeHandlerOptions>>) -> Result<JsValue, JsValue> {
    let bag = Bag::new("options", options.map(|o| o.js_value()))?;
    let rules = Rules::new(&bag.string("prefix")?.unwrap_or_default(), bag.string_list("allow")?.as_deref())?;
    let proxy = Rc::new(Proxy { transport: capx.transport(), rules });
    let handler = Closure::<dyn Fn(Request) -> Promise>::new(move |request: Request| {
        let proxy = proxy.clone();
        future_to_promise(async move { Ok(proxy.relay(&request).await.unwrap_or_else(|err| error_response(&err))) })
    });
    Ok(handler.into_js_value())
}

impl Proxy {
    async fn relay(&self, request: &Request) -> Result<JsValue, ApiError> {
        let header = |name: &str| request.headers().get(name).ok().flatten();
        let plan = self.rules.plan(&request.method(), &request.url(), header("accept").as_deref())?;
        let body = if matches!(plan.method, "GET" | "DELETE") {
            None
        } else {
            let bad_body = || ApiError::new("invalid_request", "the request body could not be read").with_status(400);
            let text = JsFuture::from(request.text().map_err(|_| bad_body())?).await.map_err(|_| bad_body())?;
            Some(text.as_string().unwrap_or_default())
        };
        let idempotency_key = is_mutating(plan.method).then(|| header("idempotency-key").filter(|k| is_idempotency_key(k)).unwrap_or_else(new_uuid));
        let last_event_id = header("last-event-id");
        let forwarded: Vec<(&str, &str)> = last_event_id.as_deref().map(|id| ("Last-Event-ID", id)).into_iter().collect();
        let call = Call {
            method: plan.method,
            path: plan.path,
            query: plan.query,
            body,
            options: CallOptions { signal: Some(request.signal()), ..CallOptions::default() },
        };
        let mut reply = self.transport.attempt(&call, idempotency_key.as_deref(), &forwarded, !plan.streaming).await?;
        if reply.body.is_null() && !content_type(&reply.response).starts_with(EVENT_STREAM) {
            // Asked for a stream, answered with something else (an error envelope): read it,
            // so that it is redacted like any other body.
            reply.body = read_text(&reply.response).await;
        }
        // A Response can carry 200 to 599 only; an upstream beyond that is broken.
        let status = reply.response.status();
        if !(200..=599).contains(&status) {
            let status = decimal(i64::from(status));
            return Err(ApiError::new(code::INVALID_RESPONSE, ["Capx answered with HTTP status ", &status, ", which cannot be relayed"].concat()));
        }
        Ok(self.respond(reply))
    }

    fn respond(&self, reply: Reply) -> JsValue {
        let upstream = reply.response.headers();
        let headers: Vec<(&str, JsValue)> = RELAYED_HEADERS
            .iter()
            .filter_map(|name| Some((*name, upstream.get(name).ok().flatten()?.into())))
            .collect();
        let body = match reply.body.as_string() {
            // Defence in depth: an upstream that echoed the key would not get it through.
            Some(text) => replace_all(&text, &self.transport.api_key, "[redacted]").into(),
            // Piped through as it arrives: no buffering of the event stream.
            None => reply.response.body().map_or(JsValue::NULL, Into::into),
        };
        sys::response(reply.response.status(), &json::object(&headers), &body)
    }
}

/// Errors leave the proxy as the API's own envelope, so the page handles one format.
fn error_response(err: &ApiError) -> JsValue {
    let status = err.status.unwrap_or(match err.code.as_str() {
        code::TIMEOUT => 504,
        code::ABORTED => 499,
        _ => 502,
    });
    let error = json::object(&[
        ("code", err.code.as_str().into()),
        ("message", err.message.as_str().into()),
        ("docs", err.docs.as_deref().map_or(JsValue::NULL, Into::into)),
    ]);
    let body = json::object(&[("success", false.into()), ("error", error)]);
    let text = js_sys::JSON::stringify(&body).map_or(JsValue::NULL, Into::into);
    sys::response(status, &json::object(&[("content-type", "application/json".into())]), &text)
}
