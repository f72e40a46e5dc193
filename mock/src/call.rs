//! The request as the routes see it: method, path segments, query and JSON body.

use crate::outcome::{invalid, Outcome};
use crate::pagination;
use serde_json::Value;

pub struct Call<'a> {
    pub method: &'a str,
    pub segments: Vec<&'a str>,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
}

impl Call<'_> {
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
    pub fn field(&self, key: &str) -> Option<&Value> {
        self.body.as_ref()?.get(key).filter(|v| !v.is_null())
    }
    /// An optional string field: absent or null is `None`, any other type a 422.
    pub fn string(&self, key: &str) -> Result<Option<String>, Outcome> {
        match self.field(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(invalid(format!("{key} must be a string"))),
        }
    }
    pub fn page_params(&self, kind: &str) -> Result<(usize, u64), Outcome> {
        pagination::params(self.param("limit"), self.param("cursor"), kind)
    }
}
