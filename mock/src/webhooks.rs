//! Webhook delivery: every event POSTed, signed (`signature.rs`), and retried with
//! exponential backoff under the same `webhook-id`.

use crate::signature::sign;
use crate::state::{push_capped, Event, Mock};
use crate::time::{now_ms, now_secs};
use http_body_util::Full;
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

pub async fn run(mock: Arc<Mock>, mut rx: UnboundedReceiver<(String, Arc<Event>)>) {
    let (Some(url), Some(secret)) = (mock.config.webhook_url.clone(), mock.config.webhook_secret.clone()) else { return };
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    while let Some((key, event)) = rx.recv().await {
        let (mock, client, url, secret) = (mock.clone(), client.clone(), url.clone(), secret.clone());
        // One task per delivery: a slow receiver delays its own retries, not other events.
        tokio::spawn(async move { deliver(&mock, &client, &url, &secret, &key, &event).await });
    }
}

async fn deliver(
    mock: &Mock,
    client: &Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
    url: &str,
    secret: &str,
    key: &str,
    event: &Event,
) {
    let msg_id = format!("msg_{}_{}", crate::state::base36(now_ms()), event.seq);
    let body = json!({
        "id": format!("evt_{}", event.seq),
        "type": event.data.get("type"),
        "timestamp": event.data.get("timestamp"),
        "data": event.data,
    })
    .to_string();
    let mut backoff = mock.config.webhook_backoff;
    let attempts = mock.config.webhook_attempts.max(1);
    for attempt in 1..=attempts {
        let timestamp = now_secs();
        let Some(signature) = sign(secret, &msg_id, timestamp, body.as_bytes()) else { return };
        let request = hyper::Request::post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &msg_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(Full::new(Bytes::from(body.clone())));
        let status = match request {
            // A receiver that never answers counts as a failed attempt, not a stuck one.
            Ok(req) => tokio::time::timeout(ATTEMPT_TIMEOUT, client.request(req)).await.ok().and_then(Result::ok).map(|r| r.status().as_u16()),
            Err(_) => return,
        };
        if let Some(account) = mock.account(key) {
            let entry = json!({"webhook_id": msg_id, "event_seq": event.seq, "type": event.data.get("type"), "attempt": attempt, "status": status, "at_ms": now_ms()});
            push_capped(&account.deliveries, entry);
        }
        if status.is_some_and(|s| (200..300).contains(&s)) || attempt == attempts {
            return;
        }
        tokio::time::sleep(backoff).await;
        backoff *= 2;
    }
}
