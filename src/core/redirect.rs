//! The Capx API never redirects. A 3xx is refused, never followed: the key, the body and the
//! `Idempotency-Key` go nowhere but `baseUrl`, and a foreign answer is never taken for
//! Capx's. The error names where the redirect pointed, by origin only (no path or query).

use super::error::{code, ApiError};
use super::text::{decimal, find};

pub fn is_redirect(status: u16) -> bool {
    (300..400).contains(&status)
}

/// `status` is `None` for an opaque redirect (`redirect: "manual"` in a browser), whose
/// status and `Location` the runtime hides.
pub fn redirect_error(status: Option<u16>, location: Option<&str>) -> ApiError {
    let answer = match status {
        Some(status) => ["Capx answered HTTP ", &decimal(status.into()), " with a redirect"].concat(),
        None => "Capx answered with a redirect".to_owned(),
    };
    let target = match location.map(|l| origin_of(l.trim())) {
        Some(Some(origin)) => [" to ", &origin].concat(),
        Some(None) => " within Capx".to_owned(),
        None => " (its target not disclosed)".to_owned(),
    };
    let err = ApiError::new(code::INVALID_RESPONSE, [&answer, &target, ", which is not followed: the key goes only to baseUrl"].concat());
    match status {
        Some(status) => err.with_status(status),
        None => err,
    }
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
    fn the_error_names_the_origin_and_is_not_retried() {
        let err = redirect_error(Some(302), Some(" https://user:pw@evil.example/steal?key=1 "));
        assert_eq!((err.code.as_str(), err.status), (code::INVALID_RESPONSE, Some(302)));
        assert_eq!(err.message, "Capx answered HTTP 302 with a redirect to https://evil.example, which is not followed: the key goes only to baseUrl");
        assert!(!err.retryable());
        let opaque = redirect_error(None, None);
        assert_eq!(opaque.status, None);
        assert!(opaque.message.starts_with("Capx answered with a redirect (its target not disclosed), which"), "{}", opaque.message);
        assert!(redirect_error(Some(300), None).message.starts_with("Capx answered HTTP 300 with a redirect (its target"));
        assert!(redirect_error(Some(307), Some("/v1/elsewhere")).message.starts_with("Capx answered HTTP 307 with a redirect within Capx, which"));
    }
}
