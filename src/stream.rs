//! `companies.activity`: Server-Sent Events over fetch (so the Authorization header can be
//! sent, which EventSource cannot), decoded by the core's WHATWG decoder, resumed after a
//! drop with `Last-Event-ID` after the server's `retry:` delay. JavaScript
//! (`activityStream` in js/stream.js) connects, reads and waits; the `ActivityEngine` here
//! decodes and decides.

use crate::call::{Call, CallOptions, Reply};
use crate::core::activity::Batch;
use crate::core::error::{code, ApiError};
use crate::core::retry::{reconnect_delay_ms, ServerHint};
use crate::core::sse::{is_event_stream, SseDecoder};
use crate::error::Failure;
use crate::transport::{content_type, hint, Transport, Wire};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// Until the server says otherwise with `retry:`.
const DEFAULT_RETRY_MS: u64 = 1_000;

#[wasm_bindgen(module = "/js/stream.js")]
extern "C" {
    /// The events of one read.
    pub type EventBatch;

    /// The events of a read from their texts (see `core::activity::Batch`).
    #[wasm_bindgen(js_name = eventBatch)]
    fn event_batch(json: &[u8], ids: &[u8], count: u32, flat: bool, last: bool) -> EventBatch;

    /// The `ActivityStream` object.
    #[wasm_bindgen(js_name = activityStream)]
    fn activity_stream(engine: ActivityEngine, wire: &Wire, last_event_id: Option<String>, signal: Option<web_sys::AbortSignal>) -> JsValue;
}

/// The engine behind the object `activity()` returns.
#[wasm_bindgen(skip_typescript)]
pub struct ActivityEngine {
    transport: Rc<Transport>,
    path: Result<String, ApiError>,
    /// Every connection's (its signal aside: see `activityStream`).
    options: CallOptions,
    state: RefCell<State>,
}

struct State {
    decoder: SseDecoder,
    /// What was decoded and not yet handed to JavaScript.
    batch: Batch,
    /// Failed connections in a row.
    failures: u32,
    /// What the last failed connection's `Retry-After` or rate-limit reset asked for.
    hint: ServerHint,
    /// A decoding error, handed out after the events decoded before it.
    error: Option<ApiError>,
    connected: bool,
    done: bool,
}

impl ActivityEngine {
    pub fn start(transport: Rc<Transport>, wire: &Wire, path: Result<String, ApiError>, mut options: CallOptions, last_event_id: Option<String>) -> JsValue {
        let signal = options.signal.take();
        let mut decoder = SseDecoder::new();
        if let Some(id) = &last_event_id {
            decoder.resume_from(id.as_bytes());
        }
        let state = State { decoder, batch: Batch::default(), failures: 0, hint: ServerHint::default(), error: None, connected: false, done: false };
        activity_stream(ActivityEngine { transport, path, options, state: RefCell::new(state) }, wire, last_event_id, signal)
    }
}

#[wasm_bindgen]
impl ActivityEngine {
    /// Decodes a chunk of the open connection (`undefined`: its body ended or failed): the
    /// events it completed, and whether the connection is over (`last`); `undefined` when
    /// there is neither, and the connection is read on.
    pub fn feed(&self, chunk: Option<Vec<u8>>) -> Option<EventBatch> {
        let mut s = self.state.borrow_mut();
        let State { decoder, batch, error, done, .. } = &mut *s;
        let last = match chunk {
            _ if *done => true,
            // The connection ended or dropped: what was half-received is discarded, and the
            // next connection resumes with Last-Event-ID.
            None => {
                decoder.finish();
                true
            }
            // The events completed before a failure still reach the caller first; the
            // connection is not read any further.
            Some(bytes) => match decoder.feed(&bytes, batch) {
                Ok(()) => false,
                Err(e) => {
                    *error = Some(ApiError::new(code::INVALID_RESPONSE, e.message()));
                    true
                }
            },
        };
        if batch.is_empty() && !last {
            return None;
        }
        let (count, flat) = (batch.count(), batch.flat());
        let (json, ids) = batch.texts();
        let events = event_batch(json, ids, count, flat, last);
        batch.clear();
        Some(events)
    }

    /// With no events to hand out and no connection open: how many milliseconds to wait
    /// before connecting, `undefined` once the stream is over; throws how it failed.
    #[wasm_bindgen(js_name = nextWait)]
    pub fn next_wait(&self) -> Result<Option<f64>, JsValue> {
        let mut s = self.state.borrow_mut();
        if let Some(err) = s.error.take() {
            return Err(self.fail(err));
        }
        if s.done {
            return Ok(None);
        }
        if let Err(err) = &self.path {
            return Err(self.fail(err.clone()));
        }
        if !s.connected && s.failures == 0 {
            return Ok(Some(0.0));
        }
        let retry = s.decoder.retry_ms().unwrap_or(DEFAULT_RETRY_MS);
        Ok(Some(reconnect_delay_ms(retry, s.failures, crate::sys::random(), s.hint) as f64))
    }

    /// The request that opens the next connection, resuming from the last event received,
    /// whether or not the caller has taken it yet: what was received is on its way to them.
    pub fn connection(&self) -> Call {
        let resume = self.state.borrow().decoder.last_event_id_header(self.transport.utf8_headers);
        let target = [self.path.as_deref().unwrap_or_default(), "?stream=true"].concat();
        let own = Some(("Last-Event-ID", resume.as_str())).filter(|_| !resume.is_empty());
        self.options.clone().call_with("GET", &target, None, own)
    }

    /// Whether a reply is the event stream, to be read; a redirect throws. Any other reply
    /// goes to `refused` once its body is read.
    pub fn accepts(&self, reply: &Reply) -> Result<bool, JsValue> {
        self.transport.refuse_redirect(reply).map_err(|err| self.fail(err))?;
        let open = reply.status() == 200 && is_event_stream(&content_type(reply)) && !reply.body().is_null();
        if open {
            let mut s = self.state.borrow_mut();
            s.connected = true;
            s.failures = 0;
            s.hint = ServerHint::default();
        }
        Ok(open)
    }

    /// A reply that is not the stream, its body read: returns to reconnect later, or throws
    /// the error it says.
    pub fn refused(&self, reply: &Reply) -> Result<(), JsValue> {
        let err = match self.transport.envelope(reply) {
            Err(err) => err,
            Ok(_) => ApiError::new(code::INVALID_RESPONSE, ["expected a text/event-stream, got \"", &content_type(reply), "\""].concat())
                .with_status(reply.status()),
        };
        self.setback(err, hint(reply))
    }

    /// A connection attempt that got no reply: returns to reconnect later, or throws.
    pub fn failed(&self, failure: &Failure) -> Result<(), JsValue> {
        self.setback(failure.into(), ServerHint::default())
    }

    /// `break` out of a `for await`, or the caller is done: nothing more is handed out.
    pub fn close(&self) {
        let mut s = self.state.borrow_mut();
        s.done = true;
        s.batch.clear();
    }

    /// An event's data was not a JSON object: the stream ends with this error.
    pub fn invalid(&self) -> JsValue {
        self.close();
        ApiError::new(code::INVALID_RESPONSE, "an activity event's data is not a JSON object").into()
    }
}

impl ActivityEngine {
    /// A connection that failed with `err`. A stream that never opened gives up like any
    /// call; once it has delivered, it keeps reconnecting (with backoff) until closed, or
    /// until a server asks it to stay away for longer than any call would wait.
    fn setback(&self, err: ApiError, hint: ServerHint) -> Result<(), JsValue> {
        let mut s = self.state.borrow_mut();
        let give_up = err.code == code::ABORTED
            || !err.retryable()
            || (!s.connected && s.failures >= self.options.max_retries.unwrap_or(self.transport.max_retries))
            || hint.too_long();
        if give_up {
            drop(s);
            return Err(self.fail(err));
        }
        s.failures = s.failures.saturating_add(1);
        s.hint = hint;
        Ok(())
    }

    /// The stream's end with `err`, without the key.
    fn fail(&self, err: ApiError) -> JsValue {
        self.transport.redact(err).into()
    }
}
