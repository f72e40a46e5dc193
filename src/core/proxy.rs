//! What the edge proxy decides about an incoming request, before any I/O: whether it is
//! under the prefix, whether the allow-list lets it through, what goes upstream, and
//! whether the answer is an event stream to pipe through unbuffered.

use super::error::ApiError;
use super::request::{check_relative_path, normalize_method};
use super::route::{Route, DEFAULT_ALLOW};
use super::text::find;

/// The headers of an upstream response that reach the caller; everything else (cookies,
/// hop-by-hop, server internals) stays upstream.
pub const RELAYED_HEADERS: [&str; 8] = [
    "content-type", "cache-control", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
    "retry-after", "idempotent-replayed", "x-accel-buffering",
];

pub struct Rules {
    prefix: String,
    allow: Vec<Route>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Plan {
    pub method: &'static str,
    /// Relative to `baseUrl`, as `request()` takes it.
    pub path: String,
    /// `?...` or empty; `stream=true` added for an event stream.
    pub query: String,
    pub streaming: bool,
}

impl Rules {
    /// `allow` of `None` is [`DEFAULT_ALLOW`].
    pub fn new(prefix: &str, allow: Option<&[String]>) -> Result<Self, ApiError> {
        let allow = match allow {
            Some(list) => list.iter().map(|p| Route::parse(p)).collect::<Result<_, _>>()?,
            None => DEFAULT_ALLOW.iter().map(|p| Route::parse(p)).collect::<Result<_, _>>()?,
        };
        Ok(Self { prefix: prefix.trim_end_matches('/').to_owned(), allow })
    }

    /// `url` is the incoming request's absolute URL, as `Request.url` gives it.
    pub fn plan(&self, method: &str, url: &str, accept: Option<&str>) -> Result<Plan, ApiError> {
        let (pathname, query) = split_url(url);
        let not_found = || ApiError::new("not_found", "no such route on this proxy").with_status(404);
        let rest = pathname.strip_prefix(self.prefix.as_str()).ok_or_else(not_found)?;
        if !(rest.is_empty() || rest.starts_with('/')) {
            return Err(not_found());
        }
        let path = check_relative_path(rest).map_err(|e| ApiError::new("invalid_request", e.message).with_status(400))?;
        let forbidden = || ApiError::new("forbidden", [method, " ", &path, " is not allowed by this proxy"].concat()).with_status(403);
        // Fetch upper-cases GET, POST, PUT and DELETE but leaves "patch" as sent.
        let method = normalize_method(method).map_err(|_| forbidden())?;
        if !self.allow.iter().any(|r| r.matches(method, &path)) {
            return Err(forbidden());
        }
        let streaming = method == "GET" && path.ends_with("/activity") && accept.is_some_and(|a| find(a, "text/event-stream").is_some());
        let mut query = query.to_owned();
        if streaming && !query.split(['?', '&']).any(|p| p == "stream=true") {
            query.push(if query.is_empty() { '?' } else { '&' });
            query.push_str("stream=true");
        }
        Ok(Plan { method, path, query, streaming })
    }
}

/// The path and the `?query` (or "") of an absolute URL; the fragment is dropped.
fn split_url(url: &str) -> (&str, &str) {
    let url = url.split('#').next().unwrap_or_default();
    let after_scheme = find(url, "://").and_then(|i| url.get(i + 3..)).unwrap_or(url);
    let path_and_query = after_scheme.find('/').and_then(|i| after_scheme.get(i..)).unwrap_or("/");
    match path_and_query.find('?') {
        Some(i) => (path_and_query.get(..i).unwrap_or_default(), path_and_query.get(i..).unwrap_or_default()),
        None => (path_and_query, ""),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn rules() -> Rules {
        Rules::new("/api/", None).unwrap()
    }

    fn refused(method: &str, url: &str) -> (Option<u16>, String) {
        let err = rules().plan(method, url, None).unwrap_err();
        (err.status, err.code)
    }

    #[test]
    fn allowed_reads_keep_their_query() {
        let plan = rules().plan("GET", "https://edge.example/api/companies/co_1/tasks?status=pending&limit=5#top", None).unwrap();
        assert_eq!(
            plan,
            Plan { method: "GET", path: "/companies/co_1/tasks".into(), query: "?status=pending&limit=5".into(), streaming: false }
        );
    }

    #[test]
    fn the_activity_stream_is_recognised_by_its_accept_header() {
        let url = "http://edge.local/api/companies/co_1/activity";
        let plan = rules().plan("GET", url, Some("text/event-stream")).unwrap();
        assert_eq!((plan.streaming, plan.query.as_str()), (true, "?stream=true"));
        let plan = rules().plan("GET", &format!("{url}?stream=true"), Some("text/event-stream")).unwrap();
        assert_eq!(plan.query, "?stream=true", "not added twice");
        let plan = rules().plan("GET", url, Some("application/json")).unwrap();
        assert_eq!((plan.streaming, plan.query.as_str()), (false, ""), "the JSON list of events");
    }

    #[test]
    fn outside_the_prefix_is_404_and_outside_the_allow_list_403() {
        assert_eq!(refused("GET", "http://e/elsewhere/companies"), (Some(404), "not_found".into()));
        assert_eq!(refused("GET", "http://e/apiary/companies"), (Some(404), "not_found".into()));
        assert_eq!(refused("POST", "http://e/api/companies/co_1/pause"), (Some(403), "forbidden".into()));
        assert_eq!(refused("POST", "http://e/api/companies/co_1/tasks"), (Some(403), "forbidden".into()));
        assert_eq!(refused("TRACE", "http://e/api/companies"), (Some(403), "forbidden".into()));
        assert_eq!(rules().plan("get", "http://e/api/companies", None).unwrap().method, "GET");
        assert_eq!(refused("GET", "http://e/api"), (Some(400), "invalid_request".into()));
        assert_eq!(refused("GET", "http://e/api/a/./b"), (Some(400), "invalid_request".into()));
    }

    #[test]
    fn opting_in_to_writes() {
        let rules = Rules::new("", Some(&["POST /companies/:id/tasks".to_owned()])).unwrap();
        let plan = rules.plan("POST", "http://e/companies/co_1/tasks", None).unwrap();
        assert_eq!((plan.method, plan.path.as_str()), ("POST", "/companies/co_1/tasks"));
        assert!(rules.plan("GET", "http://e/companies/co_1/tasks", None).is_err(), "the list replaces the default");
        assert!(Rules::new("", Some(&["FETCH /x".to_owned()])).is_err());
    }

    #[test]
    fn urls_split() {
        assert_eq!(split_url("http://h:8787/a/b?x=1&y=2"), ("/a/b", "?x=1&y=2"));
        assert_eq!(split_url("http://h"), ("/", ""));
        assert_eq!(split_url("http://h?q"), ("/", ""));
        assert_eq!(split_url("https://h/a#f?x"), ("/a", ""));
    }
}
