//! One `/v1` call past the pipeline: who makes it (the `Caller` the pipeline found), its JSON
//! body, and how it runs: `Idempotency-Key` replay or execution, credits checked and charged
//! under one lock of the account's data.

use crate::conn::OriginalPath;
use crate::faults::Fault;
use crate::http::{self, Resp};
use crate::idempotency::{self, Decision, Fingerprint, Stored};
use crate::locks::lock;
use crate::outcome::{insufficient, invalid, Outcome, Reply, Routed};
use crate::state::{Account, Data, Mock};
use crate::time::now_ms;
use axum::body::{to_bytes, Body};
use axum::extract::{FromRequest, Request};
use serde_json::Value;
use std::sync::Arc;

const MAX_BODY: usize = 1 << 20;

/// What the pipeline learnt about a `/v1` request, for the handler (a request extension).
#[derive(Clone)]
pub struct Caller {
    pub mock: Arc<Mock>,
    pub account: Arc<Account>,
    pub fault: Option<Fault>,
    /// On POST, PATCH, PUT and DELETE only.
    pub idempotency_key: Option<String>,
}

/// On a response: it went through `Call::run` (executed, replayed or refused for credits),
/// so the faults that strike after the commit apply to it.
#[derive(Clone, Copy)]
pub struct Executed {
    pub replayed: bool,
}

/// A request's JSON body, as the routes read its fields.
pub struct Fields(Option<Value>);

impl Fields {
    pub fn field(&self, key: &str) -> Option<&Value> {
        self.0.as_ref()?.get(key).filter(|v| !v.is_null())
    }
    /// An optional string field: absent or null is `None`, any other type a 422.
    pub fn string(&self, key: &str) -> Result<Option<String>, Outcome> {
        match self.field(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(invalid(format!("{key} must be a string"))),
        }
    }
}

/// The extractor every `/v1` handler but the stream's takes: it reads the body (a 400 in
/// the envelope when it is not a JSON object) and carries what `run` needs.
pub struct Call {
    caller: Caller,
    fingerprint: Fingerprint,
}

impl<S: Send + Sync> FromRequest<S> for Call {
    type Rejection = Resp;

    async fn from_request(req: Request, _: &S) -> Result<Self, Resp> {
        let (parts, body) = req.into_parts();
        let caller = parts.extensions.get::<Caller>().cloned().ok_or_else(|| http::error(500, "internal_error", "no caller"))?;
        let path = parts.extensions.get::<OriginalPath>().map_or_else(|| parts.uri.path().to_owned(), |p| p.0.clone());
        let body = read_json(body).await.map_err(|message| http::error(400, "invalid_request", &message))?;
        let query = parts.uri.query().unwrap_or_default().to_owned();
        Ok(Call { caller, fingerprint: Fingerprint { method: parts.method.as_str().to_owned(), path, query, body } })
    }
}

impl Call {
    /// Runs a call that costs one credit.
    pub async fn run(self, route: impl FnOnce(&Mock, &Account, &mut Data, &Fields) -> Routed) -> Resp {
        self.run_costing(1, route).await
    }

    /// Replays the stored answer to its `Idempotency-Key`, refuses a different request under
    /// the same key (409), or executes `route`; the answer is the envelope.
    pub async fn run_costing(self, price: i64, route: impl FnOnce(&Mock, &Account, &mut Data, &Fields) -> Routed) -> Resp {
        let Caller { mock, account, idempotency_key, .. } = self.caller;
        let fingerprint = self.fingerprint;
        let (status, text, replayed) = match idempotency_key {
            Some(key) => {
                let ttl_ms = u64::try_from(mock.config.idempotency_ttl.as_millis()).unwrap_or(u64::MAX);
                let slot = account.idempotency.slot(&key, ttl_ms);
                // Concurrent duplicates queue here; the first executes, the rest replay.
                let mut stored = slot.lock().await;
                match idempotency::decide(&stored, &fingerprint, ttl_ms) {
                    Decision::Replay { status, body } => (status, body, true),
                    Decision::Conflict => {
                        let message = format!("Idempotency-Key {key:?} was already used with a different request");
                        (409, http::error_body("conflict", &message), false)
                    }
                    Decision::Execute => {
                        let fields = Fields(fingerprint.body.clone());
                        let result = execute(&mock, &account, price, &fields, route);
                        let executed = result.is_ok();
                        let (status, text) = http::envelope(result.unwrap_or_else(|refused| refused));
                        if executed {
                            *stored = Some(Stored { fingerprint, status, body: text.clone(), at_ms: now_ms() });
                            mock.mark_dirty();
                        }
                        (status, text, false)
                    }
                }
            }
            None => {
                let result = execute(&mock, &account, price, &Fields(fingerprint.body), route);
                let (status, text) = http::envelope(result.unwrap_or_else(|refused| refused));
                (status, text, false)
            }
        };
        let mut r = http::json_text(status, text);
        if replayed {
            http::set(&mut r, "idempotent-replayed", "true");
        }
        r.extensions_mut().insert(Executed { replayed });
        r
    }
}

/// Credits are checked before anything changes and charged only on success. `Err` is a call
/// refused for want of credits: it never ran, so an `Idempotency-Key` does not keep it and a
/// retry after a top-up executes.
fn execute(
    mock: &Mock,
    account: &Account,
    price: i64,
    fields: &Fields,
    route: impl FnOnce(&Mock, &Account, &mut Data, &Fields) -> Routed,
) -> Result<Outcome, Outcome> {
    let mut data = lock(&account.data);
    if data.credits < price {
        return Err(insufficient(price, data.credits));
    }
    Ok(match route(mock, account, &mut data, fields) {
        Ok(Reply { status, data: value, page }) => {
            data.credits -= price;
            mock.mark_dirty();
            Outcome::Ok { status, data: value, page, credits_used: price, credits_remaining: data.credits }
        }
        Err(outcome) => outcome,
    })
}

/// No body (or only whitespace) is `None`; anything else must be a JSON object.
async fn read_json(body: Body) -> Result<Option<Value>, String> {
    let bytes = to_bytes(body, MAX_BODY).await.map_err(|_| "The request body could not be read (at most 1 MiB)".to_owned())?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(v @ Value::Object(_)) => Ok(Some(v)),
        Ok(_) => Err("The request body must be a JSON object".into()),
        Err(e) => Err(format!("Malformed JSON body: {e}")),
    }
}
