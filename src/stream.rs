//! `companies.activity`: Server-Sent Events over fetch (so the Authorization header can be
//! sent, which EventSource cannot), decoded by the core's WHATWG decoder, resumed after a
//! drop with `Last-Event-ID` after the server's `retry:` delay.

use crate::core::activity::Batch;
use crate::core::error::{code, ApiError};
use crate::core::retry::{reconnect_delay_ms, ServerHint};
use crate::core::sse::{is_event_stream, SseDecoder};
use crate::transport::{aborted, content_type, hint, read_text, sleep, Call, CallOptions, Reply, Transport};
use js_sys::{Function, Promise};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::{AbortController, AbortSignal, ReadableStreamDefaultReader};

/// Until the server says otherwise with `retry:`.
const DEFAULT_RETRY_MS: u64 = 1_000;

/// The engine behind the object `activity()` returns; JavaScript sees it through
/// `activityStream` in runtime.js, which hands out the events of each batch.
#[wasm_bindgen(skip_typescript)]
pub struct ActivityEngine {
    inner: Rc<Engine>,
}

struct Engine {
    transport: Rc<Transport>,
    /// Its signal is the stream's own (`closer`'s), so that `close()` also ends a request
    /// still waiting for its headers, a reconnection delay or a throttle slot.
    call: Result<Call, ApiError>,
    /// Aborted by `close()` and by the caller's signal.
    closer: AbortController,
    /// The caller's signal: only its abort is an error.
    signal: Option<AbortSignal>,
    state: RefCell<State>,
}

struct State {
    decoder: SseDecoder,
    /// What was decoded and not yet handed to JavaScript.
    batch: Batch,
    reader: Option<ReadableStreamDefaultReader>,
    /// Unlinks the open connection from the stream's signal once it is over.
    detach: Option<Function>,
    /// Failed connections in a row.
    failures: u32,
    /// What the last failed connection's `Retry-After` or rate-limit reset asked for.
    hint: ServerHint,
    /// A decoding error, handed out after the events decoded before it.
    error: Option<ApiError>,
    connected: bool,
    done: bool,
}

enum Step {
    Batch(JsValue),
    Fail(ApiError),
    Finished,
    Connect { wait_ms: Option<u64> },
    Read(ReadableStreamDefaultReader),
}

impl ActivityEngine {
    pub fn start(transport: Rc<Transport>, path: Result<String, ApiError>, signal: Option<AbortSignal>, last_event_id: Option<String>) -> JsValue {
        let closer = crate::sys::linked_controller(signal.as_ref());
        let call = path.map(|path| Call {
            method: "GET",
            path,
            query: "?stream=true".to_owned(),
            body: None,
            options: CallOptions { signal: Some(closer.signal()), ..CallOptions::default() },
        });
        let mut decoder = SseDecoder::new();
        if let Some(id) = &last_event_id {
            decoder.resume_from(id.as_bytes());
        }
        let state = State { decoder, batch: Batch::default(), reader: None, detach: None, failures: 0, hint: ServerHint::default(), error: None, connected: false, done: false };
        let engine = ActivityEngine { inner: Rc::new(Engine { transport, call, closer, signal: signal.clone(), state: RefCell::new(state) }) };
        crate::sys::activity_stream(engine.into(), last_event_id, signal.as_ref())
    }
}

#[wasm_bindgen]
impl ActivityEngine {
    /// The next events as `[events, ids]` (see `eventBatch` in runtime.js), `undefined` once
    /// the stream is over, or the reader of a connection open for `activityStream` in
    /// runtime.js to read and `feed` while there is nothing else to do: a read costs no
    /// trip through Rust futures.
    #[wasm_bindgen(js_name = nextBatch)]
    pub fn next_batch(&self) -> Promise {
        let engine = self.inner.clone();
        future_to_promise(async move {
            match engine.next_batch().await {
                Ok(batch) => Ok(batch),
                Err(err) => {
                    engine.finish();
                    Err(engine.transport.redact(err).into())
                }
            }
        })
    }

    /// Decodes a chunk read from the reader `nextBatch` gave (`undefined`: that body ended or
    /// failed). Returns the events it completed as `[events, ids]`, `null` to read on, or
    /// `undefined` when the reader is done with and `nextBatch` says what comes next.
    pub fn feed(&self, chunk: Option<Vec<u8>>) -> JsValue {
        self.inner.feed(chunk)
    }

    /// `break` out of a `for await`, or the caller is done: closes the connection.
    pub fn close(&self) {
        self.inner.finish();
    }

    /// An event's data was not a JSON object: the stream ends with this error.
    pub fn invalid(&self) -> JsValue {
        self.inner.finish();
        ApiError::new(code::INVALID_RESPONSE, "an activity event's data is not a JSON object").into()
    }

    /// The caller's signal aborted while events were still buffered: they are not handed out.
    pub fn aborted(&self) -> JsValue {
        self.inner.finish();
        aborted().into()
    }
}

impl Engine {
    async fn next_batch(&self) -> Result<JsValue, ApiError> {
        let call = self.call.as_ref().map_err(Clone::clone)?;
        loop {
            let outcome = match self.step() {
                Step::Batch(batch) => return Ok(batch),
                Step::Fail(err) => return Err(err),
                Step::Finished => return Ok(JsValue::UNDEFINED),
                Step::Connect { wait_ms: Some(ms) } if !sleep(ms as f64, call.options.signal.as_ref()).await => Err(aborted()),
                Step::Connect { .. } => self.connect(call).await,
                Step::Read(reader) => return Ok(reader.into()),
            };
            // What close() interrupted ends the stream, not with an error: the next step
            // says it is finished.
            match outcome {
                Err(err) if !self.state.borrow().done => return Err(err),
                _ => {}
            }
        }
    }

    /// Decides what to do next without holding the borrow across an await.
    fn step(&self) -> Step {
        let mut s = self.state.borrow_mut();
        if let Some(batch) = take_batch(&mut s) {
            return Step::Batch(batch);
        }
        if let Some(err) = s.error.take() {
            return Step::Fail(err);
        }
        if s.done {
            return Step::Finished;
        }
        match &s.reader {
            Some(reader) => Step::Read(reader.clone()),
            None if !s.connected && s.failures == 0 => Step::Connect { wait_ms: None },
            None => {
                let retry = s.decoder.retry_ms().unwrap_or(DEFAULT_RETRY_MS);
                Step::Connect { wait_ms: Some(reconnect_delay_ms(retry, s.failures, crate::sys::random(), s.hint)) }
            }
        }
    }

    async fn connect(&self, call: &Call) -> Result<(), ApiError> {
        // Resume from the last event received, whether or not the caller has taken it yet:
        // what was received is already on its way to the caller.
        let resume = self.state.borrow().decoder.last_event_id_header(self.transport.utf8_headers);
        let headers: Vec<(&str, &str)> = Some(("Last-Event-ID", resume.as_str())).filter(|_| !resume.is_empty()).into_iter().collect();
        let outcome = match self.transport.attempt(call, None, &headers, false).await {
            Ok(reply) => {
                let detach = reply.detach.clone().dyn_into::<Function>().ok();
                match open_stream(&self.transport, reply).await {
                    Ok(reader) => Ok((reader, detach)),
                    Err(err) => {
                        unlink(detach);
                        Err(err)
                    }
                }
            }
            Err(err) => Err((err, ServerHint::default())),
        };
        let mut s = self.state.borrow_mut();
        match outcome {
            Ok((reader, detach)) => {
                s.reader = Some(reader);
                s.detach = detach;
                s.connected = true;
                s.failures = 0;
                s.hint = ServerHint::default();
                if s.done {
                    // Closed while connecting: this connection is not wanted either.
                    close_connection(&mut s);
                }
                Ok(())
            }
            Err((err, _)) if err.code == code::ABORTED || !err.retryable() => Err(err),
            // A stream that never opened gives up like any call; once it has delivered,
            // it keeps reconnecting (with backoff) until closed, or until a server asks it
            // to stay away for longer than any call would wait.
            Err((err, _)) if !s.connected && s.failures >= call.options.max_retries.unwrap_or(self.transport.max_retries) => Err(err),
            Err((err, hint)) if hint.too_long() => Err(err),
            Err((_, hint)) => {
                s.failures = s.failures.saturating_add(1);
                s.hint = hint;
                Ok(())
            }
        }
    }

    fn feed(&self, chunk: Option<Vec<u8>>) -> JsValue {
        let mut s = self.state.borrow_mut();
        if s.done || s.reader.is_none() {
            // Closed while the read was on its way.
            return JsValue::UNDEFINED;
        }
        let Some(bytes) = chunk else {
            if self.signal.as_ref().is_some_and(AbortSignal::aborted) {
                s.error = Some(aborted());
            } else {
                // The connection ended or dropped: what was half-received is discarded, and
                // the next step reconnects with Last-Event-ID.
                s.decoder.finish();
            }
            close_connection(&mut s);
            return JsValue::UNDEFINED;
        };
        let State { decoder, batch, error, .. } = &mut *s;
        // The events completed before the failure still reach the caller first; the
        // connection is not read any further.
        if let Err(e) = decoder.feed(&bytes, batch) {
            *error = Some(ApiError::new(code::INVALID_RESPONSE, e.message()));
            close_connection(&mut s);
        }
        let read_on = if s.error.is_some() { JsValue::UNDEFINED } else { JsValue::NULL };
        take_batch(&mut s).unwrap_or(read_on)
    }

    fn finish(&self) {
        {
            let mut s = self.state.borrow_mut();
            s.done = true;
            s.batch.clear();
            close_connection(&mut s);
        }
        self.closer.abort();
    }
}

/// The events decoded and not yet handed out, as `[events, ids]`.
fn take_batch(s: &mut State) -> Option<JsValue> {
    if s.batch.is_empty() {
        return None;
    }
    let (count, flat) = (s.batch.count(), s.batch.flat());
    let (json, ids) = s.batch.texts();
    let batch = crate::sys::event_batch(json, ids, count, flat);
    s.batch.clear();
    Some(batch)
}

/// Cancels the open connection's body, if any, and unlinks it from the stream's signal.
fn close_connection(s: &mut State) {
    if let Some(reader) = s.reader.take() {
        crate::sys::cancel_reader(&reader);
    }
    unlink(s.detach.take());
}

/// Unlinks a connection that is over from the stream's signal.
fn unlink(detach: Option<Function>) {
    if let Some(detach) = detach {
        let _ = detach.call0(&JsValue::UNDEFINED);
    }
}

/// A 200 `text/event-stream` becomes a reader; anything else becomes the error it says,
/// with what it asked about waiting.
async fn open_stream(transport: &Transport, reply: Reply) -> Result<ReadableStreamDefaultReader, (ApiError, ServerHint)> {
    let response = &reply.response;
    if let Err(err) = transport.refuse_redirect(response) {
        // Nothing more of it is read.
        if let Some(body) = response.body() {
            crate::sys::cancel_body(&body);
        }
        return Err((err, ServerHint::default()));
    }
    let content_type = content_type(response);
    if response.status() == 200 && is_event_stream(&content_type) {
        if let Some(body) = response.body() {
            return Ok(body.get_reader().unchecked_into());
        }
    }
    let body = read_text(response).await;
    let reply = Reply { response: reply.response, body, detach: JsValue::UNDEFINED };
    let err = match transport.envelope(&reply) {
        Err(err) => err,
        Ok(_) => ApiError::new(code::INVALID_RESPONSE, ["expected a text/event-stream, got \"", &content_type, "\""].concat()).with_status(reply.response.status()),
    };
    Err((err, hint(&reply.response)))
}
