//! `capx::core::webhook`: `WebhookSecret::parse`, `sign` and `verify` on any secret,
//! headers and payload.
//!
//! Input layout:
//!   [flags] [now: i64 BE] [tolerance: u64 BE]
//!   secret 0xFF webhook-id 0xFF webhook-timestamp 0xFF webhook-signature 0xFF payload...
//! flags bits 0..=2 drop webhook-id, webhook-timestamp, webhook-signature; the other bits
//! pick which payload bit a tampering check flips. The payload is everything after the
//! fourth 0xFF, so it may hold any byte.
//!
//! Checked on every input: no panic; `parse` and `verify` agree with an independent
//! implementation of Standard Webhooks (base64 secret, HMAC-SHA256 of "id.timestamp.payload",
//! any `v1,` entry of the space-separated list, the tolerance both ways); a signature made by
//! `sign` always verifies (for a timestamp of 0 or later), also among other entries; a
//! tampered payload, id, timestamp, signature or secret never does; the crate's own base64
//! and decimal formatting equal the base64 crate's and `Display`'s.
#![no_main]

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use capx::core::base64 as own_base64;
use capx::core::text::decimal;
use capx::core::webhook::{sign, verify, WebhookError, WebhookSecret};
use hmac::{Hmac, Mac};
use libfuzzer_sys::fuzz_target;
use sha2::Sha256;

fn oracle_key(secret: &str) -> Option<Vec<u8>> {
    let key = STANDARD.decode(secret.strip_prefix("whsec_").unwrap_or(secret)).ok()?;
    (!key.is_empty()).then_some(key)
}

fn oracle_mac(key: &[u8], id: &str, ts: &str, payload: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(format!("{id}.{ts}.").as_bytes());
    mac.update(payload);
    mac.finalize().into_bytes().to_vec()
}

fn oracle_verify(
    key: &[u8],
    payload: &[u8],
    headers: &[Option<String>; 3],
    tolerance: u64,
    now: i64,
) -> Result<(), WebhookError> {
    let [id, ts, sigs] = headers;
    let id = id.as_deref().ok_or(WebhookError::MissingHeader("webhook-id"))?;
    let ts = ts.as_deref().ok_or(WebhookError::MissingHeader("webhook-timestamp"))?;
    let sigs = sigs.as_deref().ok_or(WebhookError::MissingHeader("webhook-signature"))?;
    // Unix seconds: digits (a leading `+` is tolerated, as by `u64::from_str`), no sign.
    let sent = ts.trim().parse::<u64>().ok().and_then(|t| i64::try_from(t).ok()).ok_or(WebhookError::InvalidTimestamp)?;
    // In i128 nothing saturates or overflows. A tolerance of i64::MAX seconds or more (the
    // most `verify` takes) accepts any timestamp.
    let age = i128::from(now) - i128::from(sent);
    if tolerance < i64::MAX as u64 {
        if age > i128::from(tolerance) {
            return Err(WebhookError::TimestampTooOld);
        }
        if -age > i128::from(tolerance) {
            return Err(WebhookError::TimestampTooNew);
        }
    }
    let expected = oracle_mac(key, id, ts.trim(), payload);
    let found = sigs.split(' ').any(|entry| {
        entry.strip_prefix("v1,").and_then(|s| STANDARD.decode(s).ok()).is_some_and(|sig| sig == expected)
    });
    if found {
        Ok(())
    } else {
        Err(WebhookError::NoMatchingSignature)
    }
}

fn lookup(headers: &[Option<String>; 3]) -> impl Fn(&str) -> Option<String> + '_ {
    move |name| match name {
        "webhook-id" => headers[0].clone(),
        "webhook-timestamp" => headers[1].clone(),
        "webhook-signature" => headers[2].clone(),
        _ => None,
    }
}

fn check(secret: &WebhookSecret, payload: &[u8], id: &str, ts: &str, sigs: &str, tol: u64, now: i64) -> Result<(), WebhookError> {
    let headers = [Some(id.to_owned()), Some(ts.to_owned()), Some(sigs.to_owned())];
    verify(secret, payload, lookup(&headers), tol, now)
}

fuzz_target!(|input: &[u8]| {
    let Some((&flags, rest)) = input.split_first() else { return };
    let Some((now, rest)) = rest.split_first_chunk::<8>() else { return };
    let Some((tolerance, rest)) = rest.split_first_chunk::<8>() else { return };
    let (now, tolerance) = (i64::from_be_bytes(*now), u64::from_be_bytes(*tolerance));
    let mut parts = rest.splitn(5, |&b| b == 0xFF);
    let mut text = || String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let (secret_text, id, ts, sigs) = (text(), text(), text(), text());
    let payload = parts.next().unwrap_or_default();

    // The crate's own base64 and decimal (written to save wasm size) against the base64
    // crate and `Display`, on every string and the payload of the input.
    for text in [&secret_text, &id, &ts, &sigs] {
        let candidates = [text.as_str(), text.strip_prefix("whsec_").unwrap_or(text)];
        for candidate in candidates.into_iter().chain(text.split(' ').filter_map(|e| e.strip_prefix("v1,"))) {
            assert_eq!(own_base64::decode(candidate), STANDARD.decode(candidate).ok(), "decode {candidate:?}");
        }
    }
    let encoded = own_base64::encode(payload);
    assert_eq!(encoded, STANDARD.encode(payload));
    assert_eq!(own_base64::decode(&encoded).as_deref(), Some(payload));
    assert_eq!(decimal(now), now.to_string());
    assert_eq!(decimal(tolerance as i64), (tolerance as i64).to_string());

    let key = oracle_key(&secret_text);
    let secret = match WebhookSecret::parse(&secret_text) {
        Ok(s) => s,
        Err(e) => {
            assert_eq!(e, WebhookError::InvalidSecret);
            assert!(key.is_none(), "a valid secret was refused: {secret_text:?}");
            return;
        }
    };
    let key = key.expect("an invalid secret was accepted");
    assert_eq!(format!("{secret:?}"), "WebhookSecret([redacted])");

    // Whatever the headers say, verify agrees with the oracle.
    let headers = [
        Some(id.clone()).filter(|_| flags & 1 == 0),
        Some(ts.clone()).filter(|_| flags & 2 == 0),
        Some(sigs.clone()).filter(|_| flags & 4 == 0),
    ];
    assert_eq!(
        verify(&secret, payload, lookup(&headers), tolerance, now),
        oracle_verify(&key, payload, &headers, tolerance, now),
        "headers {headers:?}, tolerance {tolerance}, now {now}"
    );

    // Its own signature, on this id, payload and `now` as the timestamp, always verifies:
    // alone, and as any entry of a list (key rotation). `sign` takes any i64, but `verify`
    // takes no negative timestamp: before 1970 is not a time a webhook was sent.
    let signature = sign(&secret, &id, now, payload);
    let mac = STANDARD.decode(signature.strip_prefix("v1,").expect("v1, prefix")).expect("base64");
    assert_eq!(mac, oracle_mac(&key, &id, &now.to_string(), payload));
    let ts_now = now.to_string();
    if now < 0 {
        let got = check(&secret, payload, &id, &ts_now, &signature, tolerance, now);
        assert_eq!(got, Err(WebhookError::InvalidTimestamp));
        return;
    }
    assert_eq!(check(&secret, payload, &id, &ts_now, &signature, tolerance, now), Ok(()));
    assert_eq!(check(&secret, payload, &id, &ts_now, &format!("{sigs} {signature}"), tolerance, now), Ok(()));
    assert_eq!(check(&secret, payload, &id, &ts_now, &format!("{signature} {sigs}"), tolerance, now), Ok(()));
    assert_eq!(check(&secret, payload, &id, &format!(" {ts_now} "), &signature, tolerance, now), Ok(()));
    assert_eq!(check(&secret, payload, &id, &ts_now, &signature, 0, now), Ok(()));

    // Tampered, it never does.
    let no = Err(WebhookError::NoMatchingSignature);
    if !payload.is_empty() {
        let mut tampered = payload.to_vec();
        let bit = usize::from(flags >> 3);
        tampered[bit / 8 % payload.len()] ^= 1 << (bit % 8);
        assert_eq!(check(&secret, &tampered, &id, &ts_now, &signature, tolerance, now), no);
    }
    let mut shorter = payload.to_vec();
    if shorter.pop().is_some() {
        assert_eq!(check(&secret, &shorter, &id, &ts_now, &signature, tolerance, now), no);
    }
    assert_eq!(check(&secret, &[payload, b" "].concat(), &id, &ts_now, &signature, tolerance, now), no);
    assert_eq!(check(&secret, payload, &format!("{id}x"), &ts_now, &signature, tolerance, now), no);
    if let Some(later) = now.checked_add(1) {
        assert_eq!(check(&secret, payload, &id, &later.to_string(), &signature, tolerance, later), no);
    }
    // A few of the 256 one-bit forgeries each run (each costs an HMAC), the MAC cut short
    // and lengthened.
    for i in [usize::from(flags), usize::from(flags) * 7 + 3, payload.len()] {
        let mut forged = mac.clone();
        forged[i / 8 % 32] ^= 1 << (i % 8);
        let forged = format!("v1,{}", STANDARD.encode(&forged));
        assert_eq!(check(&secret, payload, &id, &ts_now, &forged, tolerance, now), no);
    }
    for forged in [&mac[..31], &[&mac[..], &[0]].concat()[..]] {
        let forged = format!("v1,{}", STANDARD.encode(forged));
        assert_eq!(check(&secret, payload, &id, &ts_now, &forged, tolerance, now), no);
    }
    assert_eq!(check(&secret, payload, &id, &ts_now, &format!("v1a,{}", &signature[3..]), tolerance, now), no);
    assert_eq!(check(&secret, payload, &id, &ts_now, &signature.replacen("v1,", "v2,", 1), tolerance, now), no);
    let mut other_key = key.clone();
    other_key[0] ^= 1;
    let other = WebhookSecret::parse(&format!("whsec_{}", STANDARD.encode(&other_key))).expect("a valid secret");
    assert_eq!(check(&other, payload, &id, &ts_now, &signature, tolerance, now), no);
    assert_eq!(check(&secret, payload, &id, &ts_now, &sign(&other, &id, now, payload), tolerance, now), no);
});
