//! Wall-clock helpers: RFC 3339 timestamps as the seeds show them ("2026-05-25T10:00:00Z")
//! and ISO 8601 parsing for the `since` filter, without a date crate.

use std::time::{SystemTime, UNIX_EPOCH};

pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

pub fn now_secs() -> u64 {
    now_ms() / 1000
}

/// `2026-05-25T10:00:00Z`, to the second, as the seeds write timestamps.
pub fn rfc3339(ms: u64) -> String {
    let secs = (ms / 1000) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fff]]` with `Z` or `±HH:MM`, to Unix milliseconds.
pub fn parse_iso8601(s: &str) -> Option<u64> {
    let num = |t: &str| -> Option<i64> { (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok()).flatten() };
    let (date, time) = match s.split_once(['T', 't', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut dp = date.split('-');
    let (y, m, d) = (num(dp.next()?)?, num(dp.next()?)?, num(dp.next()?)?);
    if dp.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut offset_min = 0i64;
    let mut secs_of_day = 0i64;
    let mut millis = 0i64;
    if let Some(t) = time {
        let (clock, zone) = if let Some(c) = t.strip_suffix(['Z', 'z']) {
            (c, None)
        } else if let Some(i) = t.rfind(['+', '-']) {
            (t.get(..i)?, Some(t.get(i..)?))
        } else {
            (t, None)
        };
        if let Some(zone) = zone {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let (h, mi) = zone.get(1..)?.split_once(':')?;
            offset_min = sign * (num(h)? * 60 + num(mi)?);
        }
        let (hms, frac) = clock.split_once('.').map_or((clock, None), |(a, b)| (a, Some(b)));
        let mut parts = hms.split(':');
        let (h, mi) = (num(parts.next()?)?, num(parts.next()?)?);
        let sec = parts.next().map_or(Some(0), num)?;
        if parts.next().is_some() || h > 23 || mi > 59 || sec > 60 {
            return None;
        }
        secs_of_day = h * 3600 + mi * 60 + sec;
        if let Some(f) = frac {
            let digits: String = f.chars().chain("000".chars()).take(3).collect();
            millis = num(&digits)?;
        }
    }
    let total = (days_from_civil(y, m, d) * 86_400 + secs_of_day - offset_min * 60) * 1000 + millis;
    u64::try_from(total).ok()
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
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
        for bad in ["", "yesterday", "2026-13-01", "2026-05-25T25:00:00Z", "2026-05-25T10:00:00+0200"] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }
}
