//! Signed webhook delivery (Standard Webhooks, as DESIGN.md specifies), retried with
//! exponential backoff under the same `webhook-id`.

use crate::state::{push_capped, Event, Mock};
use crate::time::{now_ms, now_secs};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use http_body_util::Full;
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::json;
use sha2::Sha256;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>` (Standard Webhooks, as DESIGN.md
/// specifies); `None` for a secret that is not base64.
pub fn sign(secret: &str, msg_id: &str, timestamp: u64, body: &[u8]) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix("whsec_").unwrap_or(secret)).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{msg_id}.{timestamp}.").as_bytes());
    mac.update(body);
    Some(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())))
}

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

/// What `--webhook-secret` must look like: `whsec_` and base64 key bytes.
pub fn valid_secret(secret: &str) -> bool {
    secret.strip_prefix("whsec_").and_then(|b| STANDARD.decode(b).ok()).is_some_and(|k| !k.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_vector() {
        let sig = sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232314}"#);
        assert_eq!(sig.as_deref(), Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
    }
}
