//! What the server attaches to a request or a response: the handle that closes the
//! connection (fault injection), the path as sent, and the markers it acts on before sending.

use std::sync::Arc;
use tokio::sync::Notify;

/// On a request: closes the connection it arrived on, without a response.
#[derive(Clone)]
pub struct ConnKill(pub Arc<Notify>);

/// On a response: the fault injected into it, for the request log.
#[derive(Clone)]
pub struct InjectedFault(pub String);

/// On a response: do not send it; close the connection instead (`drop_after_commit`).
#[derive(Clone)]
pub struct DropConnection(pub Option<ConnKill>);

/// On a request: its path as the client sent it, before `/v1` paths are made canonical and
/// nested routers strip their prefix; what the logs and `Idempotency-Key` compare.
#[derive(Clone)]
pub struct OriginalPath(pub String);
