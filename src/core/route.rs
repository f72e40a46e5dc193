//! The edge proxy's allow-list: `"METHOD /path/:param"` patterns matched segment by segment.

use super::error::ApiError;

/// What a proxy relays when the caller names nothing: reading tasks and companies, approving
/// and rejecting, and the activity stream. Creating and updating are opt-in.
pub const DEFAULT_ALLOW: [&str; 7] = [
    "GET /companies",
    "GET /companies/:companyId",
    "GET /companies/:companyId/tasks",
    "GET /companies/:companyId/tasks/:taskId",
    "POST /companies/:companyId/tasks/:taskId/approve",
    "POST /companies/:companyId/tasks/:taskId/reject",
    "GET /companies/:companyId/activity",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    method: String,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param,
}

impl Route {
    pub fn parse(pattern: &str) -> Result<Self, ApiError> {
        let bad = || ApiError::invalid_config(["allow entry \"", pattern, "\" must look like \"GET /companies/:companyId\""].concat());
        let (method, path) = pattern.trim().split_once(' ').ok_or_else(bad)?;
        let method = super::request::normalize_method(method).map_err(|_| bad())?.to_owned();
        let path = path.trim();
        if !path.starts_with('/') {
            return Err(bad());
        }
        let segments = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| match s.strip_prefix(':') {
                Some(name) if !name.is_empty() => Ok(Segment::Param),
                Some(_) => Err(bad()),
                None => Ok(Segment::Literal(s.to_owned())),
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { method, segments })
    }

    /// `path` is the request path below the proxy's prefix, e.g. `/companies/co_1/tasks`.
    pub fn matches(&self, method: &str, path: &str) -> bool {
        let mut parts = path.split('/').filter(|s| !s.is_empty());
        self.method.eq_ignore_ascii_case(method)
            && self.segments.iter().all(|seg| match (seg, parts.next()) {
                (Segment::Literal(lit), Some(part)) => lit == part,
                (Segment::Param, Some(part)) => is_plain_param(part),
                (_, None) => false,
            })
            && parts.next().is_none()
    }
}

/// A parameter that stays one segment whoever decodes it: no encoded `/` or `\\`, and no
/// encoded dot that a server decoding before routing could turn into `..`.
fn is_plain_param(part: &str) -> bool {
    let lower = part.to_ascii_lowercase();
    !part.contains('\\') && ["%2f", "%5c", "%2e"].iter().all(|encoded| super::text::find(&lower, encoded).is_none())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn allowed(method: &str, path: &str) -> bool {
        DEFAULT_ALLOW.iter().map(|p| Route::parse(p).unwrap()).any(|r| r.matches(method, path))
    }

    #[test]
    fn the_default_list() {
        assert!(allowed("GET", "/companies"));
        assert!(allowed("GET", "/companies/co_1/tasks"));
        assert!(allowed("get", "/companies/co_1/tasks/tsk_1/"));
        assert!(allowed("POST", "/companies/co_1/tasks/tsk_1/approve"));
        assert!(allowed("GET", "/companies/co_1/activity"));
        assert!(!allowed("POST", "/companies/co_1/tasks"), "creating is opt-in");
        assert!(!allowed("PATCH", "/companies/co_1/tasks/tsk_1"));
        assert!(!allowed("POST", "/companies/co_1/pause"));
        assert!(!allowed("GET", "/companies/co_1/tasks/tsk_1/approve"));
        assert!(!allowed("GET", "/companies/co_1/agents"));
        assert!(!allowed("GET", "/"));
    }

    #[test]
    fn a_parameter_is_one_segment_however_it_is_decoded() {
        assert!(allowed("GET", "/companies/co_1%20x/tasks"));
        for sneaky in ["co_1%2F..%2F..%2Fcompanies", "co_1%2f", "%2e%2E", "co%5Cx", "co\\x"] {
            assert!(!allowed("GET", &["/companies/", sneaky, "/tasks"].concat()), "{sneaky}");
        }
    }

    #[test]
    fn bad_patterns() {
        for bad in ["", "GET", "GET companies", "FETCH /x", "GET /companies/:"] {
            assert!(Route::parse(bad).is_err(), "{bad}");
        }
    }
}
