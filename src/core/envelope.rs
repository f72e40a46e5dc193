//! The response envelope of seed 000 ("Response Format", "Error Format", "Pagination").

use super::error::{code, ApiError};
use super::json::JsonView;
use super::rate_limit::RateLimit;
use super::text::decimal;

#[derive(Debug, Clone, PartialEq)]
pub struct Envelope<V> {
    pub data: V,
    /// Passed through as sent, after its fields were checked.
    pub meta: V,
    /// The next page's cursor; `None` at the end of a list or on a non-list response.
    pub cursor: Option<String>,
    /// `None` when the server left it out: the cursor alone then says whether more follows
    /// (seed 000 "Pagination": "When there are no more results, the cursor field will be null").
    pub has_more: Option<bool>,
    pub status: u16,
    pub rate_limit: Option<RateLimit>,
}

/// `parsed` is `None` when the body was not JSON at all; `body` is the raw text, used only
/// to describe what arrived instead of an envelope. `rate_limit`: what the response's
/// headers said (`RateLimit::from_headers`), for the result or the error.
pub fn parse_envelope<V: JsonView>(status: u16, parsed: Option<V>, body: &str, rate_limit: Option<RateLimit>) -> Result<Envelope<V>, ApiError> {
    let invalid = |what: &str| ApiError {
        code: code::INVALID_RESPONSE.to_owned(),
        message: ["HTTP ", &decimal(status.into()), ": expected a Capx JSON envelope, ", what].concat(),
        status: Some(status),
        docs: None,
        rate_limit,
    };
    let Some(root) = parsed.filter(JsonView::is_object) else {
        return Err(invalid(&describe_body(body)));
    };
    match root.field("success").and_then(|s| s.as_bool()) {
        Some(true) => {
            if !(200..300).contains(&status) {
                return Err(invalid("got success: true on a non-2xx status"));
            }
            let data = root.field("data").ok_or_else(|| invalid("got success: true without data"))?;
            let meta = root.field("meta").filter(JsonView::is_object).ok_or_else(|| invalid("meta is missing"))?;
            let (cursor, has_more) = page_meta(&meta).map_err(|e| invalid(&e))?;
            Ok(Envelope { data, meta, cursor, has_more, status, rate_limit })
        }
        Some(false) => {
            let error = root.field("error").filter(JsonView::is_object).ok_or_else(|| invalid("error is missing"))?;
            let text = |key: &str| error.field(key).and_then(|v| v.as_string());
            let (Some(code), Some(message)) = (text("code"), text("message")) else {
                return Err(invalid("error.code or error.message is not a string"));
            };
            let docs = match error.field("docs") {
                None => None,
                Some(d) if d.is_null() => None,
                Some(d) => Some(d.as_string().ok_or_else(|| invalid("error.docs is not a string"))?),
            };
            Err(ApiError { code, message, status: Some(status), docs, rate_limit })
        }
        None => Err(invalid("success is missing or not a boolean")),
    }
}

/// The checked `meta` of a success: the next page's cursor and `has_more`.
pub fn page_meta<V: JsonView>(meta: &V) -> Result<(Option<String>, Option<bool>), String> {
    for key in ["credits_used", "credits_remaining"] {
        if !meta.field(key).is_some_and(|v| v.is_number()) {
            return Err(["meta.", key, " is missing or not a number"].concat());
        }
    }
    let cursor = match meta.field("cursor") {
        None => None,
        Some(c) if c.is_null() => None,
        Some(c) => Some(c.as_string().ok_or("meta.cursor is not a string or null")?),
    };
    let has_more = meta.field("has_more").map(|h| h.as_bool().ok_or("meta.has_more is not a boolean")).transpose()?;
    Ok((cursor, has_more))
}

/// Enough of a non-envelope body to recognise it (an HTML 502 page, a truncated JSON).
fn describe_body(body: &str) -> String {
    const SHOWN: usize = 60;
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return "got an empty body".to_owned();
    }
    let mut shown: String = trimmed.chars().take(SHOWN).collect();
    if shown.len() < trimmed.len() {
        shown.push('…');
    }
    ["got \"", &shown, "\""].concat()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::{json, Value};

    fn parse(status: u16, body: &str) -> Result<Envelope<Value>, ApiError> {
        parse_envelope(status, serde_json::from_str(body).ok(), body, None)
    }

    fn invalid(status: u16, body: &str) -> ApiError {
        let err = parse(status, body).unwrap_err();
        assert_eq!(err.code, code::INVALID_RESPONSE, "{body}");
        assert_eq!(err.status, Some(status));
        err
    }

    #[test]
    fn success_from_seed_000() {
        let body = r#"{"success":true,"data":{"id":"co_abc123","name":"Acme Research","status":"running"},
                       "meta":{"credits_used":12,"credits_remaining":9988}}"#;
        let env = parse(200, body).unwrap();
        assert_eq!(env.data, json!({"id":"co_abc123","name":"Acme Research","status":"running"}));
        assert_eq!(env.meta, json!({"credits_used":12,"credits_remaining":9988}));
        assert_eq!((env.cursor, env.has_more, env.status, env.rate_limit), (None, None, 200, None));
    }

    #[test]
    fn paginated_meta_from_seed_000() {
        let body = r#"{"success":true,"data":[],"meta":{"cursor":"eyJpZCI6ImNvXzEwMDkifQ","has_more":true,
                       "credits_used":1,"credits_remaining":9987}}"#;
        let env = parse(200, body).unwrap();
        assert_eq!(env.cursor.as_deref(), Some("eyJpZCI6ImNvXzEwMDkifQ"));
        assert_eq!(env.has_more, Some(true));
        let end = parse(200, r#"{"success":true,"data":[],"meta":{"cursor":null,"has_more":false,"credits_used":1,"credits_remaining":1}}"#).unwrap();
        assert_eq!((end.cursor, end.has_more), (None, Some(false)));
        assert_eq!(end.meta.get("cursor"), Some(&Value::Null), "null stays null");
    }

    #[test]
    fn error_from_seed_000_with_rate_limit_headers() {
        let body = r#"{"success":false,"error":{"code":"rate_limit_exceeded","message":"You have exceeded 60 requests per minute.","docs":"https://capx.ai/docs/api#rate-limits"}}"#;
        let headers = |name: &str| match name {
            "x-ratelimit-limit" => Some("60".to_owned()),
            "x-ratelimit-remaining" => Some("0".to_owned()),
            "x-ratelimit-reset" => Some("1716700000".to_owned()),
            _ => None,
        };
        let err = parse_envelope(429, serde_json::from_str::<Value>(body).ok(), body, RateLimit::from_headers(headers)).unwrap_err();
        assert_eq!(err.code, "rate_limit_exceeded");
        assert_eq!(err.message, "You have exceeded 60 requests per minute.");
        assert_eq!(err.docs.as_deref(), Some("https://capx.ai/docs/api#rate-limits"));
        assert_eq!(err.status, Some(429));
        assert_eq!(err.rate_limit, Some(RateLimit { limit: 60, remaining: 0, reset: 1716700000 }));
        assert!(err.retryable());
    }

    #[test]
    fn unknown_error_codes_pass_through() {
        let err = parse(418, r#"{"success":false,"error":{"code":"teapot","message":"short and stout"}}"#).unwrap_err();
        assert_eq!((err.code.as_str(), err.docs), ("teapot", None));
    }

    #[test]
    fn anything_else_is_invalid_response() {
        invalid(502, "");
        invalid(200, "   ");
        let html = invalid(502, "<html><body><h1>502 Bad Gateway</h1></body></html>");
        assert!(html.message.contains("502 Bad Gateway"), "{}", html.message);
        assert!(html.retryable());
        invalid(200, r#"{"data":{}}"#);
        invalid(200, r#"{"success":"yes","data":{}}"#);
        invalid(200, r#"{"success":true,"meta":{"credits_used":1,"credits_remaining":1}}"#);
        invalid(200, r#"{"success":true,"data":{}}"#);
        invalid(200, r#"{"success":true,"data":{},"meta":{"credits_used":"1","credits_remaining":1}}"#);
        invalid(200, r#"{"success":true,"data":{},"meta":{"credits_used":1,"credits_remaining":1,"cursor":5}}"#);
        invalid(200, r#"{"success":true,"data":{},"meta":{"credits_used":1,"credits_remaining":1,"has_more":"no"}}"#);
        invalid(200, r#"{"success":true,"data":{"id":"tsk_1","title":"trunc"#);
        invalid(200, "[1,2,3]");
        invalid(200, "null");
        invalid(500, r#"{"success":true,"data":{},"meta":{"credits_used":1,"credits_remaining":1}}"#);
        invalid(400, r#"{"success":false}"#);
        invalid(400, r#"{"success":false,"error":{"code":1,"message":"m"}}"#);
        invalid(400, r#"{"success":false,"error":{"code":"c","message":"m","docs":7}}"#);
        assert!(!invalid(200, "garbage").retryable());
    }

    #[test]
    fn a_long_body_is_cut_on_a_char_boundary() {
        let body = "é".repeat(500);
        let err = invalid(502, &body);
        assert!(err.message.ends_with("…\""), "{}", err.message);
        assert!(err.message.len() < 200);
    }
}
