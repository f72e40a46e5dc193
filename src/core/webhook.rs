//! Standard Webhooks signatures: `webhook-signature` is a space-separated list of
//! `v1,<base64 HMAC-SHA256(secret, "{id}.{timestamp}.{payload}")>`, the secret given as
//! `whsec_<base64>` (or the bare base64, as the `standardwebhooks` package accepts).

use super::base64;
use super::text::decimal;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

pub const DEFAULT_TOLERANCE_SECS: u64 = 300;
const PREFIX: &str = "whsec_";

pub struct WebhookSecret {
    key: Vec<u8>,
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret([redacted])")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookError {
    InvalidSecret,
    MissingHeader(&'static str),
    InvalidTimestamp,
    TimestampTooOld,
    TimestampTooNew,
    NoMatchingSignature,
}

impl WebhookError {
    pub fn message(&self) -> String {
        match self {
            Self::InvalidSecret => "the webhook secret is not valid base64".into(),
            Self::MissingHeader(name) => ["the ", name, " header is missing"].concat(),
            Self::InvalidTimestamp => "webhook-timestamp is not a Unix time in seconds".into(),
            Self::TimestampTooOld => "webhook-timestamp is too old: a replay, or a clock far off".into(),
            Self::TimestampTooNew => "webhook-timestamp is in the future".into(),
            Self::NoMatchingSignature => "no signature in webhook-signature matches the payload".into(),
        }
    }
}

impl WebhookSecret {
    pub fn parse(secret: &str) -> Result<Self, WebhookError> {
        let encoded = secret.strip_prefix(PREFIX).unwrap_or(secret);
        let key = base64::decode(encoded).ok_or(WebhookError::InvalidSecret)?;
        if key.is_empty() {
            return Err(WebhookError::InvalidSecret);
        }
        Ok(Self { key })
    }

    fn mac(&self, msg_id: &str, timestamp: &str, payload: &[u8]) -> [u8; 32] {
        // HMAC takes a key of any length: new_from_slice cannot fail for it.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) else { return [0; 32] };
        mac.update(msg_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(payload);
        mac.finalize().into_bytes().into()
    }
}

/// The largest whole number JavaScript holds exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A timestamp `sign` takes as a JavaScript number: only what `verify` reads back as
/// `webhook-timestamp` (digits only), so a whole number of seconds from 0 up to what
/// JavaScript holds exactly. -0 is negative too: written "-0", verify refuses it.
pub fn signable_timestamp(seconds: f64) -> Option<i64> {
    let whole = seconds.fract() == 0.0 && !seconds.is_sign_negative() && seconds <= MAX_SAFE_INTEGER;
    whole.then_some(seconds as i64)
}

/// The `webhook-signature` value for one message.
pub fn sign(secret: &WebhookSecret, msg_id: &str, timestamp: i64, payload: &[u8]) -> String {
    ["v1,", &base64::encode(&secret.mac(msg_id, &decimal(timestamp), payload))].concat()
}

/// `header` looks a header up by lowercase name.
pub fn verify(
    secret: &WebhookSecret,
    payload: &[u8],
    header: impl Fn(&str) -> Option<String>,
    tolerance_secs: u64,
    now_secs: i64,
) -> Result<(), WebhookError> {
    let get = |name: &'static str| header(name).ok_or(WebhookError::MissingHeader(name));
    let msg_id = get("webhook-id")?;
    let timestamp = get("webhook-timestamp")?;
    let signatures = get("webhook-signature")?;
    let sent = timestamp.trim().parse::<u64>().ok().and_then(|t| i64::try_from(t).ok()).ok_or(WebhookError::InvalidTimestamp)?;
    let tolerance = i64::try_from(tolerance_secs).unwrap_or(i64::MAX);
    if now_secs.saturating_sub(sent) > tolerance {
        return Err(WebhookError::TimestampTooOld);
    }
    if sent.saturating_sub(now_secs) > tolerance {
        return Err(WebhookError::TimestampTooNew);
    }
    let expected = secret.mac(&msg_id, timestamp.trim(), payload);
    // Every candidate is compared in full, in constant time: timing says nothing about
    // which bytes matched.
    let matched = signatures
        .split(' ')
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .filter_map(base64::decode)
        .fold(subtle::Choice::from(0), |found, sig| found | sig.as_slice().ct_eq(&expected));
    if bool::from(matched) {
        Ok(())
    } else {
        Err(WebhookError::NoMatchingSignature)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TS: i64 = 1614265330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn headers(id: &str, ts: &str, sig: &str) -> impl Fn(&str) -> Option<String> {
        let (id, ts, sig) = (id.to_owned(), ts.to_owned(), sig.to_owned());
        move |name| match name {
            "webhook-id" => Some(id.clone()),
            "webhook-timestamp" => Some(ts.clone()),
            "webhook-signature" => Some(sig.clone()),
            _ => None,
        }
    }

    fn check(body: &[u8], id: &str, ts: &str, sig: &str, now: i64) -> Result<(), WebhookError> {
        verify(&WebhookSecret::parse(SECRET).unwrap(), body, headers(id, ts, sig), DEFAULT_TOLERANCE_SECS, now)
    }

    #[test]
    fn the_published_vector() {
        assert_eq!(sign(&WebhookSecret::parse(SECRET).unwrap(), ID, TS, BODY), SIGNATURE);
        assert_eq!(check(BODY, ID, "1614265330", SIGNATURE, TS), Ok(()));
    }

    #[test]
    fn tampering_is_caught() {
        assert_eq!(check(br#"{"test": 2432232315}"#, ID, "1614265330", SIGNATURE, TS), Err(WebhookError::NoMatchingSignature));
        assert_eq!(check(BODY, "msg_other", "1614265330", SIGNATURE, TS), Err(WebhookError::NoMatchingSignature));
        assert_eq!(check(BODY, ID, "1614265331", SIGNATURE, TS), Err(WebhookError::NoMatchingSignature));
    }

    #[test]
    fn tolerance_both_ways() {
        assert_eq!(check(BODY, ID, "1614265330", SIGNATURE, TS + 300), Ok(()));
        assert_eq!(check(BODY, ID, "1614265330", SIGNATURE, TS - 300), Ok(()));
        assert_eq!(check(BODY, ID, "1614265330", SIGNATURE, TS + 301), Err(WebhookError::TimestampTooOld));
        assert_eq!(check(BODY, ID, "1614265330", SIGNATURE, TS - 301), Err(WebhookError::TimestampTooNew));
        assert_eq!(check(BODY, ID, "1614265330", SIGNATURE, i64::MAX), Err(WebhookError::TimestampTooOld));
    }

    #[test]
    fn key_rotation_and_other_versions() {
        let sigs = format!("v1,Zm9vYmFy v1a,{} {SIGNATURE}", &SIGNATURE[3..]);
        assert_eq!(check(BODY, ID, "1614265330", &sigs, TS), Ok(()));
        let only_v1a = format!("v1a,{}", &SIGNATURE[3..]);
        assert_eq!(check(BODY, ID, "1614265330", &only_v1a, TS), Err(WebhookError::NoMatchingSignature));
    }

    #[test]
    fn malformed_input() {
        assert_eq!(check(BODY, ID, "soon", SIGNATURE, TS), Err(WebhookError::InvalidTimestamp));
        assert_eq!(check(BODY, ID, "1614265330", "", TS), Err(WebhookError::NoMatchingSignature));
        assert_eq!(check(BODY, ID, "1614265330", "v1,not*base64", TS), Err(WebhookError::NoMatchingSignature));
        let secret = WebhookSecret::parse(SECRET).unwrap();
        for missing in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
            let h = headers(ID, "1614265330", SIGNATURE);
            let without = |name: &str| if name == missing { None } else { h(name) };
            assert_eq!(verify(&secret, BODY, without, 300, TS), Err(WebhookError::MissingHeader(missing)));
        }
    }

    #[test]
    fn sign_takes_exactly_the_timestamps_verify_reads() {
        for ok in [0.0, 1.0, 1614265330.0, MAX_SAFE_INTEGER] {
            assert_eq!(signable_timestamp(ok), Some(ok as i64), "{ok}");
        }
        for bad in [-0.0, -1.0, -1614265330.0, 1.5, MAX_SAFE_INTEGER + 1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(signable_timestamp(bad), None, "{bad}");
        }
        // What verify makes of those written out: refused, whatever the signature.
        for written in ["-0", "-1", "-1614265330", "1.5"] {
            assert_eq!(check(BODY, ID, written, SIGNATURE, 0), Err(WebhookError::InvalidTimestamp), "{written}");
        }
    }

    #[test]
    fn secrets() {
        let bare = WebhookSecret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(sign(&bare, ID, TS, BODY), SIGNATURE);
        assert_eq!(WebhookSecret::parse("whsec_***").unwrap_err(), WebhookError::InvalidSecret);
        assert_eq!(WebhookSecret::parse("whsec_").unwrap_err(), WebhookError::InvalidSecret);
        assert_eq!(format!("{bare:?}"), "WebhookSecret([redacted])");
    }
}
