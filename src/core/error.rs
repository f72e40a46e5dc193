//! The one error type every failure becomes before it reaches JavaScript.

use super::rate_limit::RateLimit;
use super::text::replace_all;

/// What stands for a secret wherever one would have been shown.
pub const REDACTED: &str = "[redacted]";

/// Client-side codes; API codes (seed 000's table, or any new one) pass through as strings.
pub mod code {
    pub const CONNECTION_ERROR: &str = "connection_error";
    pub const TIMEOUT: &str = "timeout";
    pub const ABORTED: &str = "aborted";
    pub const INVALID_RESPONSE: &str = "invalid_response";
    pub const INVALID_CONFIG: &str = "invalid_config";
    pub const BROWSER_KEY_EXPOSURE: &str = "browser_key_exposure";
    pub const INVALID_SIGNATURE: &str = "invalid_signature";
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    /// HTTP status, or `None` when no response arrived.
    pub status: Option<u16>,
    pub docs: Option<String>,
    pub rate_limit: Option<RateLimit>,
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self { code: code.to_owned(), message: message.into(), status: None, docs: None, rate_limit: None }
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub fn invalid_config(message: impl Into<String>) -> Self {
        Self::new(code::INVALID_CONFIG, message)
    }

    /// The error with every `secret` in what the server may have written (code, message,
    /// docs) replaced by `[redacted]`: a server or proxy that echoes the key does not get it
    /// into an error, and so not into a log.
    pub fn redacted(self, secret: &str) -> Self {
        let redact = |text: String| replace_all(&text, secret, REDACTED);
        Self { code: redact(self.code), message: redact(self.message), docs: self.docs.map(redact), ..self }
    }

    /// Exactly connection errors, timeouts, 429 and 5xx: everything else would fail the same way again.
    pub fn retryable(&self) -> bool {
        self.code == code::CONNECTION_ERROR
            || self.code == code::TIMEOUT
            || matches!(self.status, Some(429) | Some(500..=599))
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryable_exactly_for_connection_timeout_429_and_5xx() {
        assert!(ApiError::new(code::CONNECTION_ERROR, "x").retryable());
        assert!(ApiError::new(code::TIMEOUT, "x").retryable());
        assert!(ApiError::new("rate_limit_exceeded", "x").with_status(429).retryable());
        assert!(ApiError::new("internal_error", "x").with_status(500).retryable());
        assert!(ApiError::new(code::INVALID_RESPONSE, "x").with_status(502).retryable());
        for s in [400, 401, 403, 404, 409, 422] {
            assert!(!ApiError::new("whatever", "x").with_status(s).retryable(), "{s}");
        }
        assert!(!ApiError::new(code::ABORTED, "x").retryable());
        assert!(!ApiError::new(code::INVALID_RESPONSE, "x").with_status(200).retryable());
        assert!(!ApiError::new(code::INVALID_CONFIG, "x").retryable());
    }

    #[test]
    fn redacting_replaces_the_secret_wherever_the_server_wrote_it() {
        let key = "capx_sk_test_k3y";
        let mut err = ApiError::new("bad_capx_sk_test_k3y", "Invalid API key: Bearer capx_sk_test_k3y (capx_sk_test_k3y)").with_status(401);
        err.docs = Some("https://docs.example/?key=capx_sk_test_k3y".into());
        let err = err.redacted(key);
        assert_eq!(err.code, "bad_[redacted]");
        assert_eq!(err.message, "Invalid API key: Bearer [redacted] ([redacted])");
        assert_eq!(err.docs.as_deref(), Some("https://docs.example/?key=[redacted]"));
        assert_eq!(err.status, Some(401));
        let plain = ApiError::new("not_found", "capx_sk_test_other is not it");
        assert_eq!(plain.clone().redacted(key), plain);
    }
}
