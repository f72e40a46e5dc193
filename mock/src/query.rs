//! The query string of a `/v1` call, as axum's `Query` parses it (percent-decoded, `+` a
//! space): every `(name, value)` pair in order, so that the first of a repeated name wins
//! and nothing in a query can make the extractor refuse it; the routes judge the values.

use crate::outcome::Outcome;
use crate::pagination;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(transparent)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// `limit` and `cursor` for a list of kind `kind` (a 400 when they are not valid).
    pub fn page(&self, kind: &str) -> Result<(usize, u64), Outcome> {
        pagination::params(self.get("limit"), self.get("cursor"), kind)
    }
}

#[cfg(test)]
mod tests {
    use super::Params;
    use axum::extract::Query;

    #[test]
    fn decodes_in_order_and_the_first_wins() {
        let uri = "/x?since=2026-05-25T12%3A00%3A00%2B02%3A00&status=in_progress&x&q=a+b&bad=%zz&status=failed".parse().unwrap_or_default();
        let Ok(Query(params)) = Query::<Params>::try_from_uri(&uri) else { panic!("a query never fails to parse") };
        let pairs = [("since", "2026-05-25T12:00:00+02:00"), ("status", "in_progress"), ("x", ""), ("q", "a b"), ("bad", "%zz")];
        for (k, v) in pairs {
            assert_eq!(params.get(k), Some(v), "{k}");
        }
        assert_eq!(params.get("nothing"), None);
    }
}
