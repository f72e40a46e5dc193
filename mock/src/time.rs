//! Wall-clock helpers: RFC 3339 timestamps as the seeds show them ("2026-05-25T10:00:00Z")
//! and ISO 8601 parsing for the `since` filter, both through the `time` crate.

use std::time::{SystemTime, UNIX_EPOCH};
use time::format_description::well_known::{Iso8601, Rfc3339};
use time::{Date, OffsetDateTime, PrimitiveDateTime};

pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

pub fn now_secs() -> u64 {
    now_ms() / 1000
}

/// `2026-05-25T10:00:00Z`, to the second, as the seeds write timestamps.
pub fn rfc3339(ms: u64) -> String {
    let secs = i64::try_from(ms / 1000).unwrap_or(i64::MAX);
    OffsetDateTime::from_unix_timestamp(secs).ok().and_then(|t| t.format(&Rfc3339).ok()).unwrap_or_default()
}

/// An ISO 8601 date or date and time, to Unix milliseconds: RFC 3339 (`Z` or `±HH:MM`,
/// fractions of a second), a local time without an offset or a bare date (both read as UTC).
pub fn parse_iso8601(s: &str) -> Option<u64> {
    let at = OffsetDateTime::parse(s, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(s, &Iso8601::DEFAULT))
        .or_else(|_| PrimitiveDateTime::parse(s, &Iso8601::DEFAULT).map(PrimitiveDateTime::assume_utc))
        .or_else(|_| Date::parse(s, &Iso8601::DEFAULT).map(|d| d.midnight().assume_utc()))
        .ok()?;
    u64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        assert_eq!(rfc3339(1_779_703_200_000), "2026-05-25T10:00:00Z");
        assert_eq!(parse_iso8601("2026-05-25T10:00:00Z"), Some(1_779_703_200_000));
        assert_eq!(parse_iso8601("2026-05-25T12:00:00+02:00"), Some(1_779_703_200_000));
        assert_eq!(parse_iso8601("2026-05-25T10:00:00.250Z"), Some(1_779_703_200_250));
        assert_eq!(rfc3339(1_779_703_200_250), "2026-05-25T10:00:00Z");
        assert_eq!(parse_iso8601("2026-05-25"), Some(1_779_667_200_000));
        assert_eq!(parse_iso8601("2026-05-25T10:00"), Some(1_779_703_200_000));
        assert_eq!(parse_iso8601("2026-05-25t10:00:00z"), Some(1_779_703_200_000));
        assert_eq!(parse_iso8601("2026-05-25 10:00:00Z"), Some(1_779_703_200_000));
        assert_eq!(parse_iso8601("2026-05-25T12:00+02:00"), Some(1_779_703_200_000));
        // ISO 8601's basic forms too, which the hand-written parser before refused.
        assert_eq!(parse_iso8601("2026-05-25T12:00:00+0200"), Some(1_779_703_200_000));
        assert_eq!(parse_iso8601("20260525T100000Z"), Some(1_779_703_200_000));
        for bad in ["", "yesterday", "2026-13-01", "2026-05-25T25:00:00Z", "2026-02-30", "2026-05-25T10:00:00 UTC"] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }
}
