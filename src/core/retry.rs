//! When to try a request again, and how long to wait first (DESIGN.md "Retries").

use super::error::ApiError;

const BASE_MS: f64 = 500.0;
const CAP_MS: f64 = 8_000.0;
/// A server asking for a longer pause than this gets the error instead: a caller is better
/// served by a fast failure than by a call that hangs for minutes.
pub const MAX_SERVER_WAIT_MS: u64 = 60_000;

/// What the response said about waiting, already read from its headers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServerHint {
    /// `Retry-After`, in milliseconds from now.
    pub retry_after_ms: Option<u64>,
    /// On a 429, milliseconds until `X-RateLimit-Reset`.
    pub reset_in_ms: Option<u64>,
}

impl ServerHint {
    /// The longest of what the server asked for; 0 when it asked nothing.
    pub fn wait_ms(self) -> u64 {
        self.retry_after_ms.max(self.reset_in_ms).unwrap_or(0)
    }

    /// Asks for a longer pause than a caller should be kept waiting.
    pub fn too_long(self) -> bool {
        self.wait_ms() > MAX_SERVER_WAIT_MS
    }
}

/// `attempt` counts retries already made (0 before the first retry); `jitter` is uniform in [0, 1).
/// Returns `None` when the error must be returned instead.
pub fn retry_delay_ms(err: &ApiError, attempt: u32, max_retries: u32, jitter: f64, hint: ServerHint) -> Option<u64> {
    if attempt >= max_retries || !err.retryable() {
        return None;
    }
    // "Equal jitter": never less than half the exponential step, so retries spread out
    // without ever collapsing to an immediate retry storm.
    let step = (BASE_MS * 2f64.powi(attempt.min(16) as i32)).min(CAP_MS);
    let backoff = (step * (0.5 + 0.5 * jitter.clamp(0.0, 1.0))) as u64;
    if hint.too_long() {
        return None;
    }
    Some(backoff.max(hint.wait_ms()))
}

/// How long an event stream waits before reconnecting: the server's `retry:` delay after a
/// drop, doubled for every failed reconnection in a row (with jitter), up to 30 s; and at
/// least what the last failed attempt's `Retry-After` or rate-limit reset asked for (the
/// caller ends the stream instead when that is `too_long`).
pub fn reconnect_delay_ms(retry_ms: u64, failures: u32, jitter: f64, hint: ServerHint) -> u64 {
    const MAX_MS: u64 = 30_000;
    let backoff = if failures == 0 {
        retry_ms.min(MAX_MS)
    } else {
        let step = retry_ms.max(1).saturating_mul(1 << failures.min(15)).min(MAX_MS);
        (step as f64 * (0.5 + 0.5 * jitter.clamp(0.0, 1.0))) as u64
    };
    backoff.max(hint.wait_ms())
}

/// `Retry-After` is either whole delta-seconds or an IMF-fixdate (RFC 9110 §10.2.3).
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<u64> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(secs.saturating_mul(1000));
    }
    let at_ms = parse_imf_fixdate(value)? as f64 * 1000.0;
    Some((at_ms - now_ms).max(0.0) as u64)
}

/// Milliseconds from `now_ms` until the Unix-seconds `reset`, zero when it has passed.
pub fn ms_until_reset(reset_secs: u64, now_ms: f64) -> u64 {
    (reset_secs as f64 * 1000.0 - now_ms).max(0.0) as u64
}

/// "Sun, 06 Nov 1994 08:49:37 GMT" to Unix seconds.
fn parse_imf_fixdate(s: &str) -> Option<i64> {
    let mut parts = s.split_ascii_whitespace().skip(1);
    // Parsed unsigned (as every other number here is) and widened: one parser in the binary.
    let number = |p: &str| p.parse::<u64>().ok().and_then(|n| i64::try_from(n).ok());
    let day = number(parts.next()?)?;
    let month_name = parts.next()?;
    let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        .iter()
        .position(|m| *m == month_name)? as i64
        + 1;
    let year = number(parts.next()?)?;
    let mut hms = parts.next()?.split(':').map(number);
    let (h, m, sec) = (hms.next()??, hms.next()??, hms.next()??);
    if parts.next() != Some("GMT") || !(1..=31).contains(&day) || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + sec)
}

/// Howard Hinnant's days-from-civil: days since 1970-01-01 in the proleptic Gregorian calendar.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::code;

    fn err(status: u16) -> ApiError {
        ApiError::new("x", "m").with_status(status)
    }

    #[test]
    fn exponential_with_equal_jitter_and_a_cap() {
        let none = ServerHint::default();
        assert_eq!(retry_delay_ms(&err(500), 0, 5, 0.0, none), Some(250));
        assert_eq!(retry_delay_ms(&err(500), 0, 5, 1.0, none), Some(500));
        assert_eq!(retry_delay_ms(&err(500), 1, 5, 1.0, none), Some(1000));
        assert_eq!(retry_delay_ms(&err(500), 3, 5, 1.0, none), Some(4000));
        assert_eq!(retry_delay_ms(&err(500), 4, 9, 1.0, none), Some(8000));
        assert_eq!(retry_delay_ms(&err(500), 8, 9, 1.0, none), Some(8000));
        assert_eq!(retry_delay_ms(&err(500), 30, 99, 0.5, none), Some(6000));
    }

    #[test]
    fn stops_after_max_retries() {
        assert_eq!(retry_delay_ms(&err(503), 2, 2, 0.5, ServerHint::default()), None);
        assert_eq!(retry_delay_ms(&err(503), 0, 0, 0.5, ServerHint::default()), None);
    }

    #[test]
    fn never_retries_client_errors() {
        for s in [400, 401, 403, 404, 409, 422] {
            assert_eq!(retry_delay_ms(&err(s), 0, 5, 0.5, ServerHint::default()), None, "{s}");
        }
        assert_eq!(retry_delay_ms(&ApiError::new(code::ABORTED, "m"), 0, 5, 0.5, ServerHint::default()), None);
    }

    #[test]
    fn retries_connection_errors_and_timeouts() {
        assert!(retry_delay_ms(&ApiError::new(code::CONNECTION_ERROR, "m"), 0, 2, 0.5, ServerHint::default()).is_some());
        assert!(retry_delay_ms(&ApiError::new(code::TIMEOUT, "m"), 0, 2, 0.5, ServerHint::default()).is_some());
    }

    #[test]
    fn waits_at_least_as_long_as_the_server_asks() {
        let hint = ServerHint { retry_after_ms: Some(3000), reset_in_ms: Some(7000) };
        assert_eq!(retry_delay_ms(&err(429), 0, 2, 0.0, hint), Some(7000));
        let hint = ServerHint { retry_after_ms: Some(100), reset_in_ms: None };
        assert_eq!(retry_delay_ms(&err(429), 0, 2, 1.0, hint), Some(500));
        let hint = ServerHint { retry_after_ms: None, reset_in_ms: Some(MAX_SERVER_WAIT_MS + 1) };
        assert_eq!(retry_delay_ms(&err(429), 0, 2, 1.0, hint), None);
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(parse_retry_after("2", 0.0), Some(2000));
        assert_eq!(parse_retry_after(" 3 ", 0.0), Some(3000));
        assert_eq!(parse_retry_after("0.5", 0.0), None, "delta-seconds is a whole number");
        assert_eq!(parse_retry_after("-1", 0.0), None);
        assert_eq!(parse_retry_after("soon", 0.0), None);
        let now_ms = 784_111_777_000.0 - 5_000.0;
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now_ms), Some(5000));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now_ms + 60_000.0), Some(0));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 PST", now_ms), None);
        assert_eq!(parse_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", now_ms), None);
    }

    #[test]
    fn stream_reconnects_use_the_server_delay_then_back_off() {
        let none = ServerHint::default();
        assert_eq!(reconnect_delay_ms(1000, 0, 0.3, none), 1000);
        assert_eq!(reconnect_delay_ms(1000, 1, 1.0, none), 2000);
        assert_eq!(reconnect_delay_ms(1000, 2, 1.0, none), 4000);
        assert_eq!(reconnect_delay_ms(1000, 2, 0.0, none), 2000);
        assert_eq!(reconnect_delay_ms(1000, 40, 1.0, none), 30_000);
        assert_eq!(reconnect_delay_ms(0, 3, 1.0, none), 8);
        assert_eq!(reconnect_delay_ms(90_000, 0, 1.0, none), 30_000);
    }

    #[test]
    fn stream_reconnects_wait_as_long_as_a_429_or_503_asks() {
        let hint = ServerHint { retry_after_ms: Some(2000), reset_in_ms: Some(45_000) };
        assert_eq!(reconnect_delay_ms(5, 1, 1.0, hint), 45_000, "beyond the 30 s backoff cap");
        let hint = ServerHint { retry_after_ms: Some(2000), reset_in_ms: None };
        assert_eq!(reconnect_delay_ms(5, 1, 1.0, hint), 2000);
        assert_eq!(reconnect_delay_ms(8000, 1, 1.0, hint), 16_000, "never shorter than the backoff");
        assert!(!hint.too_long());
        assert!(ServerHint { retry_after_ms: Some(MAX_SERVER_WAIT_MS + 1), reset_in_ms: None }.too_long());
    }

    #[test]
    fn civil_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(parse_imf_fixdate("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(parse_imf_fixdate("Sun, 26 May 2024 05:06:40 GMT"), Some(1_716_700_000));
    }

    #[test]
    fn reset_countdown() {
        assert_eq!(ms_until_reset(1_716_700_000, 1_716_699_998_500.0), 1500);
        assert_eq!(ms_until_reset(1, 5_000.0), 0);
    }
}
