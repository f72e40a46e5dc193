//! The HTTP side: an accept loop that can drop a connection on purpose (fault injection),
//! and the first dispatch of every request: CORS preflight, `/health`, the `/__mock/`
//! control routes, the `/v1` API, the envelope 404 for anything else; then CORS headers,
//! rate-limit headers where the route set none, and the request log.

use crate::conn::{ConnKill, DropConnection, InjectedFault};
use crate::http::{self, header, Resp};
use crate::state::Mock;
use crate::{control, pipeline};
use axum::extract::{Request, State};
use axum::Router;
use hyper_util::rt::TokioIo;
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tower::ServiceExt;

pub async fn serve(listener: TcpListener, mock: Arc<Mock>, mut shutdown: watch::Receiver<bool>) {
    let app = Router::new().fallback(dispatch).with_state(mock);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let app = app.clone();
                tokio::spawn(async move {
                    let kill = Arc::new(Notify::new());
                    let conn_kill = ConnKill(kill.clone());
                    let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                        req.extensions_mut().insert(conn_kill.clone());
                        app.clone().oneshot(req)
                    });
                    let conn = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
                    // Dropping the connection future closes the socket mid-request.
                    tokio::select! { _ = conn => {}, _ = kill.notified() => {} }
                });
            }
            _ = shutdown.changed() => break,
        }
    }
}

async fn dispatch(State(mock): State<Arc<Mock>>, req: Request) -> Resp {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let origin = header(req.headers(), "origin");
    let mut response = if method == "OPTIONS" {
        http::preflight(header(req.headers(), "access-control-request-headers").as_deref())
    } else if path == "/health" {
        http::json_value(200, &json!({"success": true, "data": {"status": "ok"}}))
    } else if let Some(rest) = path.strip_prefix("/__mock/") {
        control::handle(&mock, rest, req).await
    } else if path == "/v1" || path.starts_with("/v1/") {
        pipeline::api(&mock, req).await
    } else {
        http::error(404, "not_found", &format!("No route for {method} {path}; the API is under /v1"))
    };
    if !response.headers().contains_key("x-ratelimit-limit") {
        http::rate_headers(&mut response, &http::anonymous_admission());
    }
    http::cors(&mut response, &mock.config.cors_origins, origin.as_deref());
    if let Some(log) = &mock.request_log {
        let fault = response.extensions().get::<InjectedFault>().map(|f| f.0.as_str());
        log.record(method.as_str(), &path, response.status().as_u16(), started.elapsed(), fault);
    }
    if let Some(DropConnection(kill)) = response.extensions_mut().remove::<DropConnection>() {
        if let Some(ConnKill(kill)) = kill {
            kill.notify_one();
        }
        // The connection task drops this future along with the socket.
        return std::future::pending::<Resp>().await;
    }
    response
}
