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
    /// `"METHOD /path/:param"` as normalised, what an `authorize` hook is told.
    pub pattern: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
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
                Some(name) if !name.is_empty() => Ok(Segment::Param(name.to_owned())),
                Some(_) => Err(bad()),
                None => Ok(Segment::Literal(s.to_owned())),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let pattern = [method.as_str(), " ", path].concat();
        Ok(Self { method, segments, pattern })
    }

    /// The `:param` values of `path` (the request path below the proxy's prefix, e.g.
    /// `/companies/co_1/tasks`) when the route matches it, by name and in order.
    pub fn captures<'p>(&self, method: &str, path: &'p str) -> Option<Vec<(&str, &'p str)>> {
        if !self.method.eq_ignore_ascii_case(method) {
            return None;
        }
        // Every segment is one plain, non-empty segment: `//`, a trailing `/` and a part that
        // another server might read differently match nothing.
        let mut parts = path.strip_prefix("/")?.split('/');
        let mut params = Vec::new();
        for segment in &self.segments {
            let part = parts.next().filter(|p| is_plain_segment(p))?;
            match segment {
                Segment::Literal(literal) if literal == part => {}
                Segment::Param(name) => params.push((name.as_str(), part)),
                Segment::Literal(_) => return None,
            }
        }
        parts.next().is_none().then_some(params)
    }
}

/// A segment that stays one and the same segment whoever decodes it: letters, digits and
/// `-._~`, and escapes of printable ASCII other than `/`, `\\`, `.` and `%` (an encoded dot
/// could become `..`; an encoded `%` is a second round of decoding, `%252f`). Nothing else:
/// no `;` path parameter, no non-ASCII (a fullwidth `．` or `／` that a normalising server
/// reads as `.` or `/` arrives here percent-encoded, as bytes over 0x7F).
fn is_plain_segment(part: &str) -> bool {
    let mut bytes = part.bytes();
    let mut any = false;
    while let Some(b) = bytes.next() {
        any = true;
        let plain = match b {
            b'%' => {
                let hex = |d: Option<u8>| d.and_then(|d| char::from(d).to_digit(16));
                match (hex(bytes.next()), hex(bytes.next())) {
                    (Some(hi), Some(lo)) => matches!(hi * 16 + lo, 0x20..=0x7e) && !matches!(char::from_u32(hi * 16 + lo), Some('/' | '\\' | '.' | '%')),
                    _ => false,
                }
            }
            _ => b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'),
        };
        if !plain {
            return false;
        }
    }
    any
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn allowed(method: &str, path: &str) -> bool {
        DEFAULT_ALLOW.iter().map(|p| Route::parse(p).unwrap()).any(|r| r.captures(method, path).is_some())
    }

    #[test]
    fn the_default_list() {
        assert!(allowed("GET", "/companies"));
        assert!(allowed("GET", "/companies/co_1/tasks"));
        assert!(allowed("get", "/companies/co_1/tasks/tsk_1"));
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
        for sneaky in [
            "co_1%2F..%2F..%2Fcompanies", "co_1%2f", "%2e%2E", "co%5Cx", "co\\x",
            // a second round of decoding, a path parameter, a fullwidth full stop and solidus
            // as Request.url encodes them, a raw one, a cut escape, control and 8-bit escapes
            "co_1%252f..", "co_1;x=1", "co%EF%BC%8E%EF%BC%8E", "co%ef%bc%8fx", "co\u{ff0e}", "co%2", "co%0a", "co%c3%a9",
        ] {
            assert!(!allowed("GET", &["/companies/", sneaky, "/tasks"].concat()), "{sneaky}");
        }
    }

    #[test]
    fn empty_segments_match_nothing() {
        for path in ["//companies", "/companies//co_1/tasks", "/companies/co_1/tasks/", "/companies/co_1/tasks//", "companies"] {
            assert!(!allowed("GET", path), "{path}");
        }
    }

    #[test]
    fn captures_name_the_parameters() {
        let route = Route::parse("POST /companies/:companyId/tasks/:taskId/approve").unwrap();
        assert_eq!(route.captures("POST", "/companies/co_1/tasks/t%20x/approve").unwrap(), [("companyId", "co_1"), ("taskId", "t%20x")]);
        assert_eq!(route.pattern, "POST /companies/:companyId/tasks/:taskId/approve");
        assert_eq!(Route::parse(" get  /companies ").unwrap().pattern, "GET /companies");
    }

    #[test]
    fn bad_patterns() {
        for bad in ["", "GET", "GET companies", "FETCH /x", "GET /companies/:"] {
            assert!(Route::parse(bad).is_err(), "{bad}");
        }
    }
}
