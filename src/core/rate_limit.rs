//! `X-RateLimit-*` headers (seed 000, "Rate Limits").

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: u64,
    pub remaining: u64,
    /// Unix epoch seconds at which the window frees up.
    pub reset: u64,
}

impl RateLimit {
    /// All three headers or nothing: a partial set is not something to plan on.
    pub fn from_headers(header: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let number = |name: &str| parse_whole_number(&header(name)?);
        Some(Self {
            limit: number("x-ratelimit-limit")?,
            remaining: number("x-ratelimit-remaining")?,
            reset: number("x-ratelimit-reset")?,
        })
    }
}

/// A header's value as a whole number: decimal digits, an optional `+`, whitespace around.
pub fn parse_whole_number(value: &str) -> Option<u64> {
    value.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.to_string())
    }

    #[test]
    fn reads_the_seed_example() {
        let h = [("X-RateLimit-Limit", "60"), ("X-RateLimit-Remaining", "42"), ("X-RateLimit-Reset", "1716700000")];
        assert_eq!(
            RateLimit::from_headers(headers(&h)),
            Some(RateLimit { limit: 60, remaining: 42, reset: 1716700000 })
        );
    }

    #[test]
    fn partial_or_garbage_headers_give_none() {
        assert_eq!(RateLimit::from_headers(headers(&[("X-RateLimit-Limit", "60")])), None);
        let h = [("X-RateLimit-Limit", "60"), ("X-RateLimit-Remaining", "-1"), ("X-RateLimit-Reset", "1")];
        assert_eq!(RateLimit::from_headers(headers(&h)), None);
        let h = [("X-RateLimit-Limit", "sixty"), ("X-RateLimit-Remaining", "1"), ("X-RateLimit-Reset", "1")];
        assert_eq!(RateLimit::from_headers(headers(&h)), None);
    }

    #[test]
    fn a_whole_number_is_digits_with_an_optional_plus() {
        assert_eq!([" 7 ", "+7"].map(parse_whole_number), [Some(7); 2]);
        assert_eq!(["", "-7", "7.0", "1e3", "0x10", "seven"].map(parse_whole_number), [None; 6]);
    }
}
