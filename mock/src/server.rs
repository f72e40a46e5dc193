//! The HTTP side: an accept loop that can drop a connection on purpose (fault injection),
//! and the router: `/health`, the `/__mock/` control routes, the `/v1` API behind its
//! pipeline, the envelope 404 for anything else. Around every request, whatever matched:
//! the CORS preflight, the `X-Request-Id`, CORS headers, rate-limit headers where the route
//! set none, and the request log.

use crate::conn::{ConnKill, DropConnection, InjectedFault, OriginalPath};
use crate::http::{self, header, Resp};
use crate::state::Mock;
use crate::{api, control, pipeline};
use axum::extract::{Request, State};
use axum::http::header::ALLOW;
use axum::http::{Method, Uri};
use axum::middleware::{from_fn_with_state, Next};
use axum::routing::any;
use axum::{Extension, Router};
use hyper_util::rt::TokioIo;
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tower::ServiceExt;

pub async fn serve(listener: TcpListener, mock: Arc<Mock>, mut shutdown: watch::Receiver<bool>) {
    let app = router(mock);
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
                        canonical(&mut req);
                        let app = app.clone();
                        async move {
                            let mut response = app.oneshot(req).await?;
                            // axum names the methods a path has (`Allow`) on its answer to another
                            // method, outside any middleware; to the mock that is a 404 like any
                            // unknown route, which names none.
                            response.headers_mut().remove(ALLOW);
                            Ok::<_, std::convert::Infallible>(response)
                        }
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

fn router(mock: Arc<Mock>) -> Router {
    Router::new()
        .route("/health", any(|| async { http::json_value(200, &json!({"success": true, "data": {"status": "ok"}})) }))
        .nest("/__mock", control::router(mock.clone()))
        .nest("/v1", api::router().layer(from_fn_with_state(mock.clone(), pipeline::admit)))
        .fallback(no_route)
        .layer(from_fn_with_state(mock.clone(), around))
        .with_state(mock)
}

/// Keeps the path as sent, and matches a `/v1` path segment by segment with empty ones
/// ignored: `/v1/companies/` and `/v1//companies` are `/v1/companies`, as a client joining
/// a base URL and a path may send them.
fn canonical<B>(req: &mut hyper::Request<B>) {
    let path = req.uri().path().to_owned();
    if path.starts_with("/v1/") && (path.contains("//") || path.ends_with('/')) {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let query = req.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
        if let Ok(uri) = format!("/{}{query}", segments.join("/")).parse::<Uri>() {
            *req.uri_mut() = uri;
        }
    }
    req.extensions_mut().insert(OriginalPath(path));
}

async fn around(State(mock): State<Arc<Mock>>, Extension(OriginalPath(path)): Extension<OriginalPath>, req: Request, next: Next) -> Resp {
    let started = Instant::now();
    let request_id = mock.request_id();
    let method = req.method().clone();
    let origin = header(req.headers(), "origin");
    let mut response = if method == Method::OPTIONS {
        http::preflight(header(req.headers(), "access-control-request-headers").as_deref())
    } else {
        next.run(req).await
    };
    if !response.headers().contains_key("x-ratelimit-limit") {
        http::rate_headers(&mut response, &http::anonymous_admission());
    }
    http::set(&mut response, "x-request-id", &request_id);
    http::cors(&mut response, &mock.config.cors_origins, origin.as_deref());
    if let Some(log) = &mock.request_log {
        let fault = response.extensions().get::<InjectedFault>().map(|f| f.0.as_str());
        log.record(&request_id, method.as_str(), &path, response.status().as_u16(), started.elapsed(), fault);
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

async fn no_route(method: Method, Extension(OriginalPath(path)): Extension<OriginalPath>) -> Resp {
    http::error(404, "not_found", &format!("No route for {method} {path}; the API is under /v1"))
}
