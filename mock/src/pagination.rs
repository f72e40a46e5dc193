//! Seed 000 "Pagination": `limit` (default 25, at most 100) and an opaque cursor. A list is
//! in ascending creation sequence and a cursor means "after this item", so inserts made
//! while a caller pages only ever add to the end: no page shifts, nothing repeats or is lost.

use crate::outcome::{err, Outcome, Reply};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

pub const DEFAULT_LIMIT: usize = 25;
pub const MAX_LIMIT: usize = 100;

/// One page: the items, and `(cursor, has_more)` for `meta`.
pub struct Page {
    pub items: Vec<Value>,
    pub cursor: Option<String>,
    pub has_more: bool,
}

/// The `limit` and the position after which the page starts, for a list of kind `kind`.
pub fn params(limit: Option<&str>, cursor: Option<&str>, kind: &str) -> Result<(usize, u64), Outcome> {
    let limit = match limit {
        None => DEFAULT_LIMIT,
        Some(l) => l.parse::<usize>().ok().filter(|l| (1..=MAX_LIMIT).contains(l)).ok_or_else(|| {
            err(400, "invalid_request", format!("limit must be an integer from 1 to {MAX_LIMIT}"))
        })?,
    };
    let after = match cursor {
        None | Some("") => 0,
        Some(c) => decode(c, kind).ok_or_else(|| err(400, "invalid_request", "cursor is not valid for this list"))?,
    };
    Ok((limit, after))
}

/// Base64url of `{"k":kind,"s":seq}`, like the seed's example cursor.
fn encode(kind: &str, seq: u64) -> String {
    URL_SAFE_NO_PAD.encode(json!({"k": kind, "s": seq}).to_string())
}

fn decode(cursor: &str, kind: &str) -> Option<u64> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    (v.get("k")?.as_str()? == kind).then(|| v.get("s")?.as_u64()).flatten()
}

/// `items` in ascending sequence; the page is the first `limit` after `after`.
pub fn page(items: impl Iterator<Item = (u64, Value)>, limit: usize, after: u64, kind: &str) -> Page {
    let mut rest = items.filter(|(seq, _)| *seq > after);
    let chosen: Vec<(u64, Value)> = rest.by_ref().take(limit).collect();
    let has_more = rest.next().is_some();
    let cursor = if has_more { chosen.last().map(|(seq, _)| encode(kind, *seq)) } else { None };
    Page { items: chosen.into_iter().map(|(_, v)| v).collect(), cursor, has_more }
}

impl From<Page> for Reply {
    fn from(p: Page) -> Self {
        Self { status: 200, data: Value::Array(p.items), page: Some((p.cursor, p.has_more)) }
    }
}
