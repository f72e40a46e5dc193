//! Standard Webhooks signatures (as DESIGN.md specifies): what `--webhook-secret` must look
//! like, and the `webhook-signature` of a delivery.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`; `None` for a secret that is
/// not base64.
pub fn sign(secret: &str, msg_id: &str, timestamp: u64, body: &[u8]) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix("whsec_").unwrap_or(secret)).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{msg_id}.{timestamp}.").as_bytes());
    mac.update(body);
    Some(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())))
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
