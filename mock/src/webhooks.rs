//! Signed webhook delivery (Standard Webhooks, as DESIGN.md specifies), retried with
//! exponential backoff under the same `webhook-id`.

use crate::state::{lock, Event, Mock};
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
use tokio::sync::mpsc::UnboundedReceiver;

/// `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`; `None` for a secret that is not base64.
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
    for attempt in 1..=mock.config.webhook_attempts.max(1) {
        let timestamp = now_secs();
        let Some(signature) = sign(secret, &msg_id, timestamp, body.as_bytes()) else { return };
        let request = hyper::Request::post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &msg_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(Full::new(Bytes::from(body.clone())));
        let status = match request {
            Ok(req) => client.request(req).await.map(|r| r.status().as_u16()).ok(),
            Err(_) => return,
        };
        if let Some(account) = mock.account(key) {
            lock(&account.deliveries).push(json!({"webhook_id": msg_id, "event_seq": event.seq, "attempt": attempt, "status": status}));
        }
        if status.is_some_and(|s| (200..300).contains(&s)) {
            return;
        }
        tokio::time::sleep(backoff).await;
        backoff *= 2;
    }
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
