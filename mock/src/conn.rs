//! What a request or a response carries for the connection it travels on: the handle that
//! closes it (fault injection), and the markers the server acts on before sending.

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
