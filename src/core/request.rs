//! Checks and builds everything that goes on the wire before anything is sent, so a
//! malformed URL, id or key never leaves the process.

use super::error::ApiError;
use super::text::find;

pub const DEFAULT_BASE_URL: &str = "https://api.capx.ai/v1";

/// A `baseUrl` is an absolute http(s) URL with no query, fragment or credentials; its
/// trailing slash is dropped so that paths join with exactly one.
pub fn normalize_base_url(url: &str) -> Result<String, ApiError> {
    let bad = || ApiError::invalid_config(["baseUrl must be an absolute http(s) URL without query or credentials, got \"", url, "\""].concat());
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).ok_or_else(bad)?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || host.contains('@') || url.chars().any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#') {
        return Err(bad());
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// An API key goes into a header: anything that could not, or that is obviously pasted
/// wrong, is refused here; the server judges the rest. The key itself is never echoed.
pub fn check_api_key(key: &str) -> Result<(), ApiError> {
    if key.is_empty() {
        return Err(ApiError::invalid_config("apiKey is required: pass it from a server-side secret, or set CAPX_API_KEY in the environment"));
    }
    if !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::invalid_config("apiKey contains whitespace or characters that cannot go in a header"));
    }
    if key.len() > 512 {
        return Err(ApiError::invalid_config("apiKey is implausibly long"));
    }
    Ok(())
}

/// The headers the client sets on each request itself, with what to use instead.
const OWN_HEADERS: [(&str, &str); 6] = [
    ("authorization", "it is built from apiKey"),
    ("idempotency-key", "a fixed key would make every later create a replay of the first; pass idempotencyKey per call"),
    ("accept", "it follows the call (JSON or a stream)"),
    ("content-type", "the body is always JSON"),
    ("x-capx-client", "it names this client"),
    ("last-event-id", "pass lastEventId to activity()"),
];

/// One of `defaultHeaders`: a name fetch accepts (an RFC 9110 token), a value fetch accepts
/// (Latin-1, no line break or NUL), and not a header the client sets itself. Checked once,
/// here: fetch would otherwise throw at every request, and that would look like a network
/// failure and be retried.
pub fn check_default_header(name: &str, value: &str) -> Result<(), ApiError> {
    check_header("defaultHeaders", name, value)
}

/// A header of `option` (`defaultHeaders`, or a call's `options.headers`): refused as
/// `check_default_header` says.
pub fn check_header(option: &str, name: &str, value: &str) -> Result<(), ApiError> {
    let wrong = |why: &str| ApiError::invalid_config([option, "[\"", name, "\"] ", why].concat());
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if name.is_empty() || !name.bytes().all(token) {
        return Err(wrong("is not a valid header name"));
    }
    if !is_header_value(value) {
        return Err(wrong(["must be ", HEADER_VALUE].concat().as_str()));
    }
    match OWN_HEADERS.iter().find(|(own, _)| own.eq_ignore_ascii_case(name)) {
        Some((_, why)) => Err(wrong(&["cannot be set: the client sets it on each request (", why, ")"].concat())),
        None => Ok(()),
    }
}

/// What fetch accepts as a header value, as error messages say it.
pub const HEADER_VALUE: &str = "a string without line breaks, NUL or characters beyond U+00FF";

/// What fetch accepts as a header value (Latin-1 without line breaks or NUL); anything else
/// makes it throw, which would look like a network failure.
pub fn is_header_value(value: &str) -> bool {
    !value.chars().any(|c| matches!(c, '\n' | '\r' | '\0') || u32::from(c) > 0xFF)
}

/// One path segment built from a caller's id, such as a company or task id.
pub fn id_segment(name: &str, id: &str) -> Result<String, ApiError> {
    if id.is_empty() {
        return Err(ApiError::invalid_config([name, " must be a non-empty string"].concat()));
    }
    // "." would be dropped from the URL as a dot segment, naming the collection instead.
    if id == "." || id.contains('/') || find(id, "..").is_some() {
        return Err(ApiError::invalid_config([name, " must not be '.' or contain '/' or '..', got \"", id, "\""].concat()));
    }
    Ok(percent_encode(id))
}

/// A path relative to `baseUrl`, never another origin: what `request()` and the edge proxy
/// send on.
pub fn check_relative_path(path: &str) -> Result<String, ApiError> {
    let bad = |why: &str| ApiError::invalid_config(["path \"", path, "\" ", why].concat());
    if find(path, "://").is_some() || path.starts_with("//") {
        return Err(bad("must be relative to baseUrl, not an absolute URL"));
    }
    if path.chars().any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#') {
        return Err(bad("must not contain whitespace, '?' or '#': pass query parameters in `query`"));
    }
    if path.split('/').any(|s| s == ".." || s == ".") {
        return Err(bad("must not contain '.' or '..' segments"));
    }
    let path = path.trim_start_matches('/');
    if path.is_empty() {
        return Err(bad("is empty"));
    }
    Ok(["/", path].concat())
}

/// A caller's path for `request()`: also never above `baseUrl`'s own path. What a WHATWG URL
/// parser would turn into a step up is refused, not rewritten: a backslash (read as `/`) and
/// a percent-encoded dot, slash or backslash (`%2e%2e` is a dot segment to it; `%2f` and
/// `%5c` are steps to a server that decodes before routing), besides the dot segments,
/// whitespace and controls (which it strips) that every relative path refuses. What is left
/// normalises to itself, under `baseUrl`.
pub fn check_request_path(path: &str) -> Result<String, ApiError> {
    let bad = |why: &str| ApiError::invalid_config(["path \"", path, "\" ", why].concat());
    if path.contains('\\') {
        return Err(bad("must not contain '\\', which URLs read as '/'"));
    }
    if has_encoded_step(path) {
        return Err(bad("must not contain %2e, %2f or %5c: an encoded dot or slash is a step out of the path"));
    }
    check_relative_path(path)
}

/// Whether `s` holds a percent-encoded dot, slash or backslash, in either case: what a
/// server decoding before routing, or a URL parser, can turn into a path step.
fn has_encoded_step(s: &str) -> bool {
    s.as_bytes().windows(3).any(|w| matches!(w, [b'%', b'2', b'e' | b'E' | b'f' | b'F'] | [b'%', b'5', b'c' | b'C']))
}

pub fn normalize_method(method: &str) -> Result<&'static str, ApiError> {
    ["GET", "POST", "PATCH", "PUT", "DELETE"]
        .into_iter()
        .find(|m| m.eq_ignore_ascii_case(method))
        .ok_or_else(|| ApiError::invalid_config(["method must be GET, POST, PATCH, PUT or DELETE, got \"", method, "\""].concat()))
}

/// An `Idempotency-Key` a caller may send: 1 to 255 visible ASCII characters. No sane key
/// is longer; a longer one is a caller's bug, not a key.
pub fn is_idempotency_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// Seed 000 "Idempotency Keys": every mutating request carries one.
pub fn is_mutating(method: &str) -> bool {
    matches!(method, "POST" | "PATCH" | "PUT" | "DELETE")
}

/// `?a=1&b=x%20y`, or an empty string when there is nothing to send.
pub fn query_string<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (key, value) in pairs {
        out.push(if out.is_empty() { '?' } else { '&' });
        out.push_str(&percent_encode(key));
        out.push('=');
        out.push_str(&percent_encode(value));
    }
    out
}

/// `encodeURIComponent`: everything but the unreserved characters.
pub fn percent_encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'!' | b'*' | b'\'' | b'(' | b')') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0') as char);
            out.push(HEX.get(usize::from(b & 15)).copied().unwrap_or(b'0') as char);
        }
    }
    out
}

/// An RFC 9562 version-4 UUID from 16 random bytes.
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.extend(super::text::hex_byte(*byte));
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::core::error::code;

    #[test]
    fn base_urls() {
        assert_eq!(normalize_base_url("https://api.capx.ai/v1").unwrap(), "https://api.capx.ai/v1");
        assert_eq!(normalize_base_url("http://127.0.0.1:4010/v1/").unwrap(), "http://127.0.0.1:4010/v1");
        for bad in ["", "api.capx.ai", "ftp://x/v1", "https://", "https://user:pw@host/v1", "https://h/v1?x=1", "https://h/v1#f", "https://h /v1", "javascript:alert(1)"] {
            assert_eq!(normalize_base_url(bad).unwrap_err().code, code::INVALID_CONFIG, "{bad}");
        }
    }

    #[test]
    fn api_keys() {
        assert!(check_api_key("capx_sk_test_abc123").is_ok());
        for bad in ["", "capx sk", "capx_sk_\n", "Bearer\tcapx", "clé"] {
            let err = check_api_key(bad).unwrap_err();
            assert_eq!(err.code, code::INVALID_CONFIG);
            assert!(bad.is_empty() || !err.message.contains(bad), "the key must not be echoed");
        }
        assert!(check_api_key(&"a".repeat(513)).is_err());
    }

    #[test]
    fn default_headers() {
        assert!(check_default_header("X-Trace", "t-1 caf\u{e9}").is_ok());
        assert!(check_default_header("x-capx-mock-fault", "slow:50").is_ok());
        for (name, value) in [("", "v"), ("two words", "v"), ("X-A:", "v"), ("X-\u{e9}", "v"), ("X-A", "a\nb"), ("X-A", "a\rb"), ("X-A", "\0"), ("X-A", "\u{20ac}")] {
            assert_eq!(check_default_header(name, value).unwrap_err().code, code::INVALID_CONFIG, "{name:?}: {value:?}");
        }
        for own in ["Authorization", "authorization", "IDEMPOTENCY-KEY", "Accept", "Content-Type", "X-Capx-Client", "Last-Event-ID"] {
            let err = check_default_header(own, "v").unwrap_err();
            assert!(err.message.contains("the client sets it"), "{own}: {}", err.message);
        }
    }

    #[test]
    fn ids() {
        assert_eq!(id_segment("taskId", "tsk_q2r3p0rt").unwrap(), "tsk_q2r3p0rt");
        assert_eq!(id_segment("taskId", "a b?c#d").unwrap(), "a%20b%3Fc%23d");
        for bad in ["", "a/b", ".", "..", "x..y", "/"] {
            assert_eq!(id_segment("taskId", bad).unwrap_err().code, code::INVALID_CONFIG, "{bad}");
        }
    }

    #[test]
    fn relative_paths() {
        assert_eq!(check_relative_path("/companies").unwrap(), "/companies");
        assert_eq!(check_relative_path("companies/co_1/agents").unwrap(), "/companies/co_1/agents");
        for bad in ["", "/", "https://evil.example/v1", "//evil.example", "/a/../b", "/a?b=1", "/a b", "/./a"] {
            assert_eq!(check_relative_path(bad).unwrap_err().code, code::INVALID_CONFIG, "{bad}");
        }
    }

    #[test]
    fn paths_that_a_url_parser_would_take_out_of_base_url() {
        // The two of issue 17, then each class: backslashes, encoded dots, slashes and
        // backslashes in either case, wherever they sit in a segment.
        for bad in [
            "\\..\\..\\__mock\\account", "/%2e%2e/__mock/account", "/a\\b", "\\", "/%2E%2E/x", "/.%2e/x", "/%2e./x", "/%2e/x",
            "/a%2fb", "/a%2F..%2Fb", "/a%5cb", "/a%5C..", "/x%2ey", "/tasks/%2e",
        ] {
            assert_eq!(check_request_path(bad).unwrap_err().code, code::INVALID_CONFIG, "{bad}");
        }
        // Dots and percent-escapes that are neither stay allowed.
        for good in ["/files/a.txt", "/a..b/c", "/a%20b", "/%252e%252e/x", "/%2", "/x%2", "/%e2%80%a6"] {
            assert_eq!(check_request_path(good).unwrap(), good);
        }
        assert!(check_request_path("/a/../b").is_err() && check_request_path("//evil.example").is_err(), "and what every relative path refuses");
    }

    #[test]
    fn idempotency_keys() {
        assert!(is_idempotency_key("req_unique_abc123") && is_idempotency_key(&"k".repeat(255)));
        for bad in ["", "two words", "tab\t", "clé", &"k".repeat(256)] {
            assert!(!is_idempotency_key(bad), "{bad}");
        }
    }

    #[test]
    fn methods() {
        assert_eq!(normalize_method("patch").unwrap(), "PATCH");
        assert!(normalize_method("TRACE").is_err());
        assert!(is_mutating("POST") && is_mutating("PATCH") && is_mutating("DELETE") && !is_mutating("GET"));
    }

    #[test]
    fn queries() {
        assert_eq!(query_string([]), "");
        assert_eq!(query_string([("status", "in_progress"), ("limit", "10")]), "?status=in_progress&limit=10");
        assert_eq!(query_string([("since", "2026-05-25T10:00:00+02:00")]), "?since=2026-05-25T10%3A00%3A00%2B02%3A00");
        assert_eq!(percent_encode("é&="), "%C3%A9%26%3D");
    }

    #[test]
    fn uuids_are_version_4() {
        let id = uuid_v4([0xff; 16]);
        assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let id = uuid_v4([0; 16]);
        assert_eq!(id, "00000000-0000-4000-8000-000000000000");
    }
}
