//! What the edge proxy decides, before and after any I/O: whether a request is under the
//! prefix, from an allowed origin, on an allow-listed route, and small enough; what goes
//! upstream; and which parts of Capx's answer may reach the page.

use super::error::{code, ApiError};
use super::request::{check_relative_path, is_idempotency_key, is_mutating, normalize_method};
use super::route::{Route, DEFAULT_ALLOW};
use super::text::{decimal, find, hex_byte};
use sha2::{Digest, Sha256};

/// What a request body may weigh by default: far more than any Capx request needs.
pub const DEFAULT_MAX_BODY_BYTES: u32 = 1 << 20;
/// How long a request body may take to arrive by default.
pub const DEFAULT_BODY_TIMEOUT_MS: u32 = 10_000;

/// The headers of an upstream response that reach the caller, each only with a value of its
/// expected form (see [`relayable`]). Content-Type is the proxy's own, from [`body_kind`].
pub const RELAYED_HEADERS: [&str; 8] = [
    "cache-control", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
    "retry-after", "idempotent-replayed", "x-accel-buffering", "x-request-id",
];

pub struct Rules {
    prefix: String,
    allow: Vec<Route>,
    allow_origins: Vec<String>,
}

/// What the proxy reads of an incoming request before deciding.
pub struct Incoming<'a> {
    pub method: &'a str,
    /// Absolute, as `Request.url` gives it.
    pub url: &'a str,
    pub accept: Option<&'a str>,
    pub origin: Option<&'a str>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Plan<'a> {
    pub method: &'static str,
    /// Relative to `baseUrl`, as `request()` takes it.
    pub path: String,
    /// `?...` or empty; `stream=true` added for an event stream.
    pub query: String,
    pub streaming: bool,
    /// The allow-list entry that let the request through, and its `:param` values.
    pub route: &'a Route,
    pub params: Vec<(&'a str, &'a str)>,
}

impl Rules {
    /// `allow` of `None` is [`DEFAULT_ALLOW`]; `allow_origins` are origins besides the
    /// proxy's own that may send mutating requests.
    pub fn new(prefix: &str, allow: Option<&[String]>, allow_origins: Vec<String>) -> Result<Self, ApiError> {
        let allow = match allow {
            Some(list) => list.iter().map(|p| Route::parse(p)).collect::<Result<_, _>>()?,
            None => DEFAULT_ALLOW.iter().map(|p| Route::parse(p)).collect::<Result<_, _>>()?,
        };
        Ok(Self { prefix: prefix.trim_end_matches('/').to_owned(), allow, allow_origins })
    }

    pub fn plan<'a>(&'a self, request: &Incoming<'a>) -> Result<Plan<'a>, ApiError> {
        let (origin, pathname, query) = split_url(request.url);
        let not_found = || ApiError::new("not_found", "no such route on this proxy").with_status(404);
        let rest = pathname.strip_prefix(self.prefix.as_str()).ok_or_else(not_found)?;
        if !(rest.is_empty() || rest.starts_with('/')) {
            return Err(not_found());
        }
        let path = check_relative_path(rest).map_err(|e| ApiError::new("invalid_request", e.message).with_status(400))?;
        let forbidden = |why: &str| ApiError::new("forbidden", [request.method, " ", &path, why].concat()).with_status(403);
        // Fetch upper-cases GET, POST, PUT and DELETE but leaves "patch" as sent.
        let method = normalize_method(request.method).map_err(|_| forbidden(" is not allowed by this proxy"))?;
        let (route, params) = self
            .allow
            .iter()
            .find_map(|r| Some((r, r.captures(method, rest)?)))
            .ok_or_else(|| forbidden(" is not allowed by this proxy"))?;
        // A page of another site can make a browser send a form POST here; the browser tells
        // whose page it was in Origin, which that page cannot change.
        if is_mutating(method) && !request.origin.is_some_and(|o| o == origin || self.allow_origins.iter().any(|a| a == o)) {
            return Err(forbidden(" is allowed only from this site's own pages (Origin)"));
        }
        let streaming = method == "GET" && path.ends_with("/activity") && request.accept.is_some_and(|a| find(a, "text/event-stream").is_some());
        let mut query = query.to_owned();
        if streaming && !query.split(['?', '&']).any(|p| p == "stream=true") {
            query.push(if query.is_empty() { '?' } else { '&' });
            query.push_str("stream=true");
        }
        Ok(Plan { method, path, query, streaming, route, params })
    }
}

/// The origin, the path and the `?query` (or "") of an absolute URL; the fragment is dropped.
fn split_url(url: &str) -> (&str, &str, &str) {
    let url = url.split('#').next().unwrap_or_default();
    let authority_at = find(url, "://").map_or(0, |i| i + 3);
    let path_at = url.get(authority_at..).and_then(|rest| rest.bytes().position(|b| b == b'/' || b == b'?')).map_or(url.len(), |i| authority_at + i);
    let (origin, path_and_query) = (url.get(..path_at).unwrap_or_default(), url.get(path_at..).unwrap_or_default());
    let (path, query) = match path_and_query.find('?') {
        Some(i) => (path_and_query.get(..i).unwrap_or_default(), path_and_query.get(i..).unwrap_or_default()),
        None => (path_and_query, ""),
    };
    (origin, if path.is_empty() { "/" } else { path }, query)
}

/// A declared `Content-Length` over the limit is refused before a byte of the body is read.
pub fn check_content_length(value: Option<&str>, max_bytes: u32) -> Result<(), ApiError> {
    let Some(value) = value else { return Ok(()) };
    match value.trim().parse::<u64>() {
        Ok(length) if length > u64::from(max_bytes) => Err(too_large(max_bytes)),
        Ok(_) => Ok(()),
        Err(_) => Err(ApiError::new("invalid_request", "Content-Length is not a number").with_status(400)),
    }
}

/// Why reading a request body stopped, as `readBody` in js/proxy.js rejects.
pub fn body_error(kind: &str, max_bytes: u32, timeout_ms: u32) -> ApiError {
    match kind {
        "too_large" => too_large(max_bytes),
        "timeout" => ApiError::new("invalid_request", ["the request body did not arrive within ", &decimal(timeout_ms.into()), " ms"].concat()).with_status(408),
        _ => ApiError::new("invalid_request", "the request body could not be read").with_status(400),
    }
}

fn too_large(max_bytes: u32) -> ApiError {
    ApiError::new("invalid_request", ["the request body is over this proxy's limit of ", &decimal(max_bytes.into()), " bytes"].concat()).with_status(413)
}

/// The `Idempotency-Key` sent upstream for a caller's own: a caller with a namespace (what
/// `authorize` returned for them) gets one no other caller can collide with, since all
/// callers share the proxy's key and so its namespace at Capx. `None` when the caller sent
/// none that is valid.
pub fn upstream_idempotency_key(caller: Option<&str>, namespace: Option<&str>) -> Option<String> {
    let key = caller.filter(|k| is_idempotency_key(k))?;
    Some(match namespace {
        None => key.to_owned(),
        Some(namespace) => {
            let digest = Sha256::new().chain_update(namespace).chain_update([0]).chain_update(key).finalize();
            digest.iter().flat_map(|&b| hex_byte(b)).collect()
        }
    })
}

/// How an upstream body may be relayed: parsed and re-serialized as JSON, or as an event
/// stream whose every event is checked.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum BodyKind {
    Json,
    EventStream,
}

/// The kind of an upstream `Content-Type`: `application/json` or `text/event-stream`, with
/// at most `charset=utf-8`. Anything else (another type, another charset, another
/// parameter) cannot be checked for the key, so it is not relayed.
pub fn body_kind(content_type: &str) -> Result<BodyKind, ApiError> {
    let mut parts = content_type.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    let kind = if essence.eq_ignore_ascii_case("application/json") {
        BodyKind::Json
    } else if essence.eq_ignore_ascii_case("text/event-stream") {
        BodyKind::EventStream
    } else {
        return Err(unrelayable("a body that is neither JSON nor an event stream"));
    };
    let utf8 = |param: &str| {
        let (name, value) = param.split_once('=').unwrap_or((param, ""));
        name.trim().eq_ignore_ascii_case("charset") && value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
    };
    if parts.all(|p| p.trim().is_empty() || utf8(p)) {
        Ok(kind)
    } else {
        Err(unrelayable("a Content-Type other than UTF-8 JSON or event stream"))
    }
}

/// Whether an upstream header of [`RELAYED_HEADERS`] has a value of its expected form, and
/// so holds nothing else (an echoed key, say).
pub fn relayable(name: &str, value: &str) -> bool {
    let integer = |v: &str| (1..=16).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit());
    match name {
        "x-ratelimit-limit" | "x-ratelimit-remaining" | "x-ratelimit-reset" | "retry-after" => integer(value),
        "idempotent-replayed" => value == "true" || value == "false",
        "x-accel-buffering" => value == "no" || value == "yes",
        // An id to quote: visible ASCII, and nothing shaped like a Capx key.
        "x-request-id" => is_idempotency_key(value) && find(value, "capx_sk_").is_none(),
        "cache-control" => value.split(',').all(|d| {
            let (name, arg) = d.trim().split_once('=').unwrap_or((d.trim(), "0"));
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') && integer(arg)
        }),
        _ => false,
    }
}

fn unrelayable(what: &str) -> ApiError {
    ApiError::new(code::INVALID_RESPONSE, ["Capx answered with ", what].concat()).with_status(502)
}

/// An error as the page may see it: a connection failure without the upstream's address
/// or the runtime's words. (The key is taken out of every message on the way out, as out of
/// every body: see `redactor` in js/proxy.js.)
pub fn for_the_page(mut err: ApiError) -> ApiError {
    if err.code == code::CONNECTION_ERROR {
        err.message = "Capx could not be reached".to_owned();
    }
    err
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn rules() -> Rules {
        Rules::new("/api/", None, vec!["https://app.example".to_owned()]).unwrap()
    }

    fn get<'a>(url: &'a str, accept: Option<&'a str>) -> Incoming<'a> {
        Incoming { method: "GET", url, accept, origin: None }
    }

    fn refused(method: &str, url: &str) -> (Option<u16>, String) {
        let err = rules().plan(&Incoming { method, ..get(url, None) }).unwrap_err();
        (err.status, err.code)
    }

    #[test]
    fn allowed_reads_keep_their_query() {
        let rules = rules();
        let plan = rules.plan(&get("https://edge.example/api/companies/co_1/tasks?status=pending&limit=5#top", None)).unwrap();
        assert_eq!((plan.method, plan.path.as_str(), plan.query.as_str(), plan.streaming), ("GET", "/companies/co_1/tasks", "?status=pending&limit=5", false));
        assert_eq!((plan.route.pattern.as_str(), plan.params.as_slice()), ("GET /companies/:companyId/tasks", &[("companyId", "co_1")][..]));
    }

    #[test]
    fn the_activity_stream_is_recognised_by_its_accept_header() {
        let (rules, url) = (rules(), "http://edge.local/api/companies/co_1/activity");
        let plan = rules.plan(&get(url, Some("text/event-stream"))).unwrap();
        assert_eq!((plan.streaming, plan.query.as_str()), (true, "?stream=true"));
        let with_query = [url, "?stream=true"].concat();
        let plan = rules.plan(&get(&with_query, Some("text/event-stream"))).unwrap();
        assert_eq!(plan.query, "?stream=true", "not added twice");
        let plan = rules.plan(&get(url, Some("application/json"))).unwrap();
        assert_eq!((plan.streaming, plan.query.as_str()), (false, ""), "the JSON list of events");
    }

    #[test]
    fn outside_the_prefix_is_404_and_outside_the_allow_list_403() {
        assert_eq!(refused("GET", "http://e/elsewhere/companies"), (Some(404), "not_found".into()));
        assert_eq!(refused("GET", "http://e/apiary/companies"), (Some(404), "not_found".into()));
        assert_eq!(refused("POST", "http://e/api/companies/co_1/pause"), (Some(403), "forbidden".into()));
        assert_eq!(refused("POST", "http://e/api/companies/co_1/tasks"), (Some(403), "forbidden".into()));
        assert_eq!(refused("TRACE", "http://e/api/companies"), (Some(403), "forbidden".into()));
        assert_eq!(rules().plan(&Incoming { method: "get", ..get("http://e/api/companies", None) }).unwrap().method, "GET");
        assert_eq!(refused("GET", "http://e/api"), (Some(400), "invalid_request".into()));
        assert_eq!(refused("GET", "http://e/api/a/./b"), (Some(400), "invalid_request".into()));
        assert_eq!(refused("GET", "http://e/api//companies"), (Some(400), "invalid_request".into()));
        for sneaky in ["/api/companies//tasks", "/api/companies/co_1%252f..%252f/tasks", "/api/companies/co_1;x/tasks", "/api/companies/co%EF%BC%8F/tasks"] {
            assert_eq!(refused("GET", &["http://e", sneaky].concat()), (Some(403), "forbidden".into()), "{sneaky}");
        }
    }

    #[test]
    fn mutating_routes_need_a_known_origin() {
        let rules = rules();
        let approve = |origin| rules.plan(&Incoming { method: "POST", url: "https://edge.example:8443/api/companies/co_1/tasks/t_1/approve", accept: None, origin });
        assert!(approve(Some("https://edge.example:8443")).is_ok(), "same origin");
        assert!(approve(Some("https://app.example")).is_ok(), "listed");
        for origin in [None, Some("null"), Some("https://evil.example"), Some("https://edge.example"), Some("http://edge.example:8443")] {
            assert_eq!(approve(origin).unwrap_err().status, Some(403), "{origin:?}");
        }
        assert!(rules.plan(&get("https://edge.example/api/companies", None)).is_ok(), "reads need none");
    }

    #[test]
    fn opting_in_to_writes() {
        let rules = Rules::new("", Some(&["POST /companies/:id/tasks".to_owned()]), Vec::new()).unwrap();
        let plan = rules.plan(&Incoming { method: "POST", url: "http://e/companies/co_1/tasks", accept: None, origin: Some("http://e") }).unwrap();
        assert_eq!((plan.method, plan.path.as_str()), ("POST", "/companies/co_1/tasks"));
        assert!(rules.plan(&get("http://e/companies/co_1/tasks", None)).is_err(), "the list replaces the default");
        assert!(Rules::new("", Some(&["FETCH /x".to_owned()]), Vec::new()).is_err());
    }

    #[test]
    fn urls_split() {
        assert_eq!(split_url("http://h:8787/a/b?x=1&y=2"), ("http://h:8787", "/a/b", "?x=1&y=2"));
        assert_eq!(split_url("http://h"), ("http://h", "/", ""));
        assert_eq!(split_url("http://h?q"), ("http://h", "/", "?q"));
        assert_eq!(split_url("https://h/a#f?x"), ("https://h", "/a", ""));
    }

    #[test]
    fn body_limits() {
        assert!(check_content_length(None, 10).is_ok() && check_content_length(Some("10"), 10).is_ok());
        assert_eq!(check_content_length(Some("11"), 10).unwrap_err().status, Some(413));
        assert_eq!(check_content_length(Some("157286400"), DEFAULT_MAX_BODY_BYTES).unwrap_err().status, Some(413));
        assert_eq!(check_content_length(Some("99999999999999999999999"), 10).unwrap_err().status, Some(400));
        assert_eq!(check_content_length(Some("-1"), 10).unwrap_err().status, Some(400));
        assert_eq!(body_error("too_large", 10, 5).status, Some(413));
        assert_eq!((body_error("timeout", 10, 5).status, body_error("timeout", 10, 5).message.as_str()), (Some(408), "the request body did not arrive within 5 ms"));
        assert_eq!(body_error("unreadable", 10, 5).status, Some(400));
    }

    #[test]
    fn idempotency_keys_are_namespaced_per_caller() {
        assert_eq!(upstream_idempotency_key(Some("k1"), None).as_deref(), Some("k1"));
        assert_eq!(upstream_idempotency_key(Some("bad key"), Some("alice")), None);
        assert_eq!(upstream_idempotency_key(None, Some("alice")), None);
        let alice = upstream_idempotency_key(Some("k1"), Some("alice")).unwrap();
        let bob = upstream_idempotency_key(Some("k1"), Some("bob")).unwrap();
        assert!(alice != bob && alice.len() == 64 && is_idempotency_key(&alice));
        assert_eq!(upstream_idempotency_key(Some("k1"), Some("alice")).unwrap(), alice, "stable, so retries replay");
        assert_ne!(upstream_idempotency_key(Some("1"), Some("alice:")), upstream_idempotency_key(Some(":1"), Some("alice")));
        assert_eq!(alice, "aa88580323c78c7b2ec8dc5b9259a664f0c8eaa7f2206f6483798ffd761a326a", "SHA-256 of the caller, a NUL and the key");
    }

    #[test]
    fn only_utf8_json_and_event_streams_are_relayed() {
        for json in ["application/json", "Application/JSON; charset=utf-8", "application/json;charset=\"UTF-8\"", "application/json; "] {
            assert_eq!(body_kind(json).unwrap(), BodyKind::Json, "{json}");
        }
        assert_eq!(body_kind("text/event-stream; charset=utf-8").unwrap(), BodyKind::EventStream);
        for bad in [
            "", "text/html", "application/jsonx", "text/event-streamx", "application/json; charset=utf-16",
            "application/json; charset=iso-8859-1", "application/json; charset=utf-8; key=capx_sk_test_x", "text/event-stream; x",
        ] {
            let err = body_kind(bad).unwrap_err();
            assert_eq!((err.status, err.code.as_str()), (Some(502), code::INVALID_RESPONSE), "{bad}");
        }
    }

    #[test]
    fn relayed_headers_carry_only_values_of_their_form() {
        for (name, value) in [("x-ratelimit-limit", "6000"), ("retry-after", "1"), ("idempotent-replayed", "true"), ("cache-control", "no-cache, max-age=0"), ("x-accel-buffering", "no"), ("x-request-id", "req_00000042")] {
            assert!(relayable(name, value), "{name}: {value}");
        }
        for (name, value) in [
            ("x-ratelimit-limit", "60 capx_sk_test_x"), ("x-ratelimit-remaining", "-1"), ("x-ratelimit-reset", ""), ("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT"),
            ("idempotent-replayed", "capx_sk_test_x"), ("cache-control", "private=capx_sk_test_x"), ("cache-control", "no_cache"), ("x-accel-buffering", "No"), ("set-cookie", "a=b"),
            ("x-request-id", "req_capx_sk_test_x"), ("x-request-id", "req 1"), ("x-request-id", ""), ("x-request-id", "é"),
        ] {
            assert!(!relayable(name, value), "{name}: {value}");
        }
    }

    #[test]
    fn errors_for_the_page() {
        let refused = ApiError::new(code::CONNECTION_ERROR, "fetch failed (connect ECONNREFUSED 127.0.0.1:4010)");
        assert_eq!(for_the_page(refused).message, "Capx could not be reached");
        let timeout = ApiError::new(code::TIMEOUT, "No complete response within 5 ms");
        assert_eq!(for_the_page(timeout.clone()), timeout);
    }
}
