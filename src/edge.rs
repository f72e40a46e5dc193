//! `createEdgeHandler`: the user's own edge function relays allow-listed routes to Capx with
//! the server-held key, so a page never needs the key. The caller's credentials stay out of
//! the upstream request, and the key stays out of every response.

use crate::client::Capx;
use crate::core::error::{code, ApiError};
use crate::core::request::{check_relative_path, is_mutating};
use crate::core::route::{Route, DEFAULT_ALLOW};
use crate::json;
use crate::options::Bag;
use crate::transport::{new_uuid, Call, CallOptions, Reply, Transport};
use crate::types::EdgeHandlerOptions;
use js_sys::Promise;
use std::rc::Rc;
use tsify::Ts;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{Request, Response, ResponseInit};

/// Response headers worth relaying; everything else (cookies, hop-by-hop, server internals)
/// stays upstream.
const RELAYED_HEADERS: [&str; 8] = [
    "content-type", "cache-control", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
    "retry-after", "idempotent-replayed", "x-accel-buffering",
];

struct Proxy {
    transport: Rc<Transport>,
    prefix: String,
    allow: Vec<Route>,
}

/// Returns `(request: Request) => Promise<Response>` for Workers, Vercel Edge, Deno, Bun
/// and fetch-style servers.
#[wasm_bindgen(js_name = createEdgeHandler, unchecked_return_type = "(request: Request) => Promise<Response>")]
pub fn create_edge_handler(capx: &Capx, options: Option<Ts<EdgeHandlerOptions>>) -> Result<JsValue, JsValue> {
    let bag = Bag::new("options", options.map(|o| o.js_value()))?;
    let prefix = bag.string("prefix")?.unwrap_or_default().trim_end_matches('/').to_owned();
    let allow = match bag.string_list("allow")? {
        Some(list) => list.iter().map(|p| Route::parse(p)).collect::<Result<Vec<_>, _>>()?,
        None => DEFAULT_ALLOW.iter().map(|p| Route::parse(p)).collect::<Result<Vec<_>, _>>()?,
    };
    let proxy = Rc::new(Proxy { transport: capx.transport(), prefix, allow });
    let handler = Closure::<dyn Fn(Request) -> Promise>::new(move |request: Request| {
        let proxy = proxy.clone();
        future_to_promise(async move { proxy.handle(request).await.map(Into::into) })
    });
    Ok(handler.into_js_value())
}

impl Proxy {
    async fn handle(&self, request: Request) -> Result<Response, JsValue> {
        match self.relay(&request).await {
            Ok(response) => Ok(response),
            Err(err) => error_response(&err),
        }
    }

    async fn relay(&self, request: &Request) -> Result<Response, ApiError> {
        let url = web_sys::Url::new(&request.url()).map_err(|_| ApiError::new("invalid_request", "bad request URL").with_status(400))?;
        let pathname = url.pathname();
        let not_found = || ApiError::new("not_found", "no such route on this proxy").with_status(404);
        let rest = pathname.strip_prefix(self.prefix.as_str()).ok_or_else(not_found)?;
        if !(rest.is_empty() || rest.starts_with('/')) {
            return Err(not_found());
        }
        let path = check_relative_path(rest).map_err(|e| ApiError::new("invalid_request", e.message).with_status(400))?;
        let method = request.method().to_ascii_uppercase();
        let Some(route_method) = ["GET", "POST", "PATCH", "PUT", "DELETE"].into_iter().find(|m| *m == method) else {
            return Err(forbidden(&method, &path));
        };
        if !self.allow.iter().any(|r| r.matches(route_method, &path)) {
            return Err(forbidden(&method, &path));
        }
        let header = |name: &str| request.headers().get(name).ok().flatten();
        let streaming = path.ends_with("/activity") && header("accept").is_some_and(|a| a.contains("text/event-stream"));
        let mut query = url.search();
        if streaming && !query.split(['?', '&']).any(|p| p == "stream=true") {
            query = if query.is_empty() { "?stream=true".to_owned() } else { format!("{query}&stream=true") };
        }
        let body = if route_method == "GET" || route_method == "DELETE" {
            None
        } else {
            let text = JsFuture::from(request.text().map_err(|_| bad_body())?).await.map_err(|_| bad_body())?;
            Some(text.as_string().unwrap_or_default())
        };
        let idempotency_key = is_mutating(route_method).then(|| header("idempotency-key").filter(|k| valid_key(k)).unwrap_or_else(new_uuid));
        let last_event_id = header("last-event-id");
        let forwarded: Vec<(&str, &str)> = last_event_id.as_deref().map(|id| ("Last-Event-ID", id)).into_iter().collect();
        let call = Call {
            method: route_method,
            path,
            query,
            body,
            options: CallOptions { signal: Some(request.signal()), ..CallOptions::default() },
        };
        let reply = self.transport.attempt(&call, idempotency_key.as_deref(), &forwarded, !streaming).await?;
        self.respond(reply)
    }

    fn respond(&self, reply: Reply) -> Result<Response, ApiError> {
        let upstream = &reply.response;
        let headers = web_sys::Headers::new().map_err(|_| internal())?;
        for name in RELAYED_HEADERS {
            if let Some(value) = upstream.headers().get(name).ok().flatten() {
                let _ = headers.set(name, &value);
            }
        }
        let init = ResponseInit::new();
        init.set_status(upstream.status());
        init.set_headers(&headers);
        let response = match &reply.text {
            // Defence in depth: an upstream that echoed the key would not get it through.
            Some(text) => Response::new_with_opt_str_and_init(Some(&text.replace(&self.transport.api_key, "[redacted]")), &init),
            // Piped through as it arrives: no buffering of the event stream.
            None => Response::new_with_opt_readable_stream_and_init(upstream.body().as_ref(), &init),
        };
        response.map_err(|_| internal())
    }
}

fn valid_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

fn forbidden(method: &str, path: &str) -> ApiError {
    ApiError::new("forbidden", format!("{method} {path} is not allowed by this proxy")).with_status(403)
}

fn bad_body() -> ApiError {
    ApiError::new("invalid_request", "the request body could not be read").with_status(400)
}

fn internal() -> ApiError {
    ApiError::new("internal_error", "the proxy could not build its response").with_status(500)
}

/// Errors leave the proxy as the API's own envelope, so the page handles one format.
fn error_response(err: &ApiError) -> Result<Response, JsValue> {
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
    let text = js_sys::JSON::stringify(&body).ok().and_then(|s| s.as_string()).unwrap_or_default();
    let headers = web_sys::Headers::new()?;
    headers.set("content-type", "application/json")?;
    let init = ResponseInit::new();
    init.set_status(status);
    init.set_headers(&headers);
    Response::new_with_opt_str_and_init(Some(&text), &init)
}
