//! The Capx API never redirects. A 3xx is refused, never followed: the key, the body and the
//! `Idempotency-Key` go nowhere but `baseUrl`, and a foreign answer is never taken for
//! Capx's. The error names where the redirect pointed, by origin only (no path or query).

use super::error::{code, ApiError};
use super::text::find;

pub fn is_redirect(status: u16) -> bool {
    (300..400).contains(&status)
}

/// The error for a redirect, named by its `Location` (`None` when there is none to read: an
/// opaque redirect, whose status and headers the runtime hides). The client gives it the
/// redirect's status; the edge proxy, its page's 502.
pub fn redirect_refused(location: Option<&str>) -> ApiError {
    let target = match location {
        Some(location) => origin_of(location).map_or_else(|| "within Capx".to_owned(), |o| ["to ", &o].concat()),
        None => "(its target not disclosed)".to_owned(),
    };
    ApiError::new(code::INVALID_RESPONSE, ["Capx answered with a redirect ", &target, ", which is not followed"].concat())
}

/// The `scheme://host[:port]` of an absolute (or scheme-relative) URL, without any
/// `user:password@`; `None` for a relative one, which stays within Capx.
pub fn origin_of(url: &str) -> Option<String> {
    let authority_at = if url.starts_with("//") { 2 } else { find(url, "://")? + 3 };
    let rest = url.get(authority_at..)?;
    let authority = rest.get(..rest.bytes().position(|b| matches!(b, b'/' | b'?' | b'#' | b'\\')).unwrap_or(rest.len()))?;
    let host = authority.bytes().rposition(|b| b == b'@').and_then(|at| authority.get(at + 1..)).unwrap_or(authority);
    Some([url.get(..authority_at)?, host].concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_3xx_is_a_redirect() {
        assert!(is_redirect(300) && is_redirect(302) && is_redirect(307) && is_redirect(308) && is_redirect(399));
        assert!(!is_redirect(200) && !is_redirect(299) && !is_redirect(400) && !is_redirect(0));
    }

    #[test]
    fn a_redirect_is_named_by_its_origin_only() {
        let message = |location| redirect_refused(location).message;
        assert_eq!(message(Some("https://evil.example:8443/steal?x#y")), "Capx answered with a redirect to https://evil.example:8443, which is not followed");
        assert_eq!(message(Some("http://user:capx_sk_test_x@evil.example/")), "Capx answered with a redirect to http://evil.example, which is not followed");
        assert_eq!(message(Some("//evil.example/x")), "Capx answered with a redirect to //evil.example, which is not followed");
        assert_eq!(message(Some("/v1/elsewhere")), "Capx answered with a redirect within Capx, which is not followed");
        assert_eq!(message(None), "Capx answered with a redirect (its target not disclosed), which is not followed");
        let err = redirect_refused(None);
        assert_eq!((err.code.as_str(), err.status, err.retryable()), (code::INVALID_RESPONSE, None, false));
        assert!(!err.with_status(302).retryable(), "a redirect is not retried");
    }
}
