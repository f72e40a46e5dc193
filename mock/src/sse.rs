//! The activity stream (seed 000 "Streaming (SSE)"): `id:` is the account's event sequence,
//! `Last-Event-ID` replays what was missed, a comment keeps idle connections alive.

use crate::http::{self, Resp};
use crate::locks::lock;
use crate::outcome::insufficient;
use crate::state::{Account, Event, Mock};
use axum::body::Body;
use hyper::body::Bytes;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;

type Chunk = Result<Bytes, std::io::Error>;

pub fn open(mock: &Arc<Mock>, account: &Arc<Account>, company_id: &str, last_id: Option<u64>, drop_after: Option<usize>) -> Resp {
    // Subscribing and reading the backlog under one lock: every event is either in the
    // backlog or arrives on the subscription, never both, never neither.
    let (live, backlog, start) = {
        let mut d = lock(&account.data);
        if d.company(company_id).is_none() {
            return http::error(404, "not_found", "company does not exist");
        }
        // Opening a stream is a call like any other: one credit.
        if d.credits < 1 {
            let (status, body) = http::envelope(insufficient(1, d.credits));
            return http::json_text(status, body);
        }
        d.credits -= 1;
        mock.mark_dirty();
        // An id from the future (a reset since) means "from now", not "skip what comes".
        let start = last_id.map_or(d.event_seq, |id| id.min(d.event_seq));
        let backlog: Vec<Arc<Event>> =
            d.events.iter().filter(|e| e.company_id == company_id && e.seq > start).map(|e| Arc::new(e.clone())).collect();
        (account.events.subscribe(), backlog, start)
    };
    let (tx, rx) = mpsc::channel::<Chunk>(64);
    let stream = Stream { mock: mock.clone(), account: account.clone(), company_id: company_id.to_owned(), tx, sent: 0, upto: start, drop_after };
    tokio::spawn(stream.run(live, backlog));
    let body = Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) }));
    let mut r = http::text(200, "text/event-stream", body);
    http::set(&mut r, "cache-control", "no-cache");
    http::set(&mut r, "x-accel-buffering", "no");
    r
}

struct Stream {
    mock: Arc<Mock>,
    account: Arc<Account>,
    company_id: String,
    tx: mpsc::Sender<Chunk>,
    sent: usize,
    upto: u64,
    drop_after: Option<usize>,
}

impl Stream {
    async fn run(mut self, mut live: tokio::sync::broadcast::Receiver<Arc<Event>>, backlog: Vec<Arc<Event>>) {
        let retry = format!("retry: {}\n\n", self.mock.config.sse_retry_ms);
        if !self.write(retry).await {
            return;
        }
        for event in backlog {
            if !self.send(&event).await {
                return;
            }
        }
        // On a fixed period, busy or idle, so that no proxy in between times the stream out.
        let period = self.mock.config.keepalive;
        let mut keepalive = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        keepalive.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let next = tokio::select! {
                next = live.recv() => next,
                _ = keepalive.tick() => {
                    if !self.write(": keepalive\n\n".into()).await { return; }
                    continue;
                }
            };
            match next {
                Ok(event) => {
                    if !self.send(&event).await {
                        return;
                    }
                }
                // Fell behind the broadcast: catch up from the retained history instead of losing events.
                Err(RecvError::Lagged(_)) => {
                    let missed: Vec<Arc<Event>> = lock(&self.account.data)
                        .events
                        .iter()
                        .filter(|e| e.company_id == self.company_id && e.seq > self.upto)
                        .map(|e| Arc::new(e.clone()))
                        .collect();
                    for event in missed {
                        if !self.send(&event).await {
                            return;
                        }
                    }
                }
                Err(RecvError::Closed) => return,
            }
        }
    }

    /// False when the client is gone or the stream was cut on purpose.
    async fn send(&mut self, event: &Event) -> bool {
        if event.company_id != self.company_id || event.seq <= self.upto {
            return true;
        }
        if self.drop_after.is_some_and(|n| self.sent >= n) {
            // The injected mid-stream disconnect: once what was sent is on the wire, an
            // error aborts the connection.
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            let _ = self.tx.send(Err(std::io::Error::other("stream dropped (injected)"))).await;
            return false;
        }
        self.upto = event.seq;
        self.sent += 1;
        self.write(format!("id: {}\nevent: activity\ndata: {}\n\n", event.seq, event.data)).await
    }

    async fn write(&self, text: String) -> bool {
        self.tx.send(Ok(Bytes::from(text))).await.is_ok()
    }
}
