//! Seed 000 "Authentication": the Bearer key and the account behind it, for `/v1` and the
//! control routes alike.

use crate::config::is_key;
use crate::http::{self, header, Resp};
use crate::state::{Account, Mock};
use axum::http::HeaderMap;
use std::sync::Arc;

/// `Bearer capx_sk_(live|test)_<alnum>`.
fn bearer_key(headers: &HeaderMap) -> Result<String, &'static str> {
    let value = header(headers, "authorization").ok_or("Missing API key: send Authorization: Bearer capx_sk_...")?;
    let (scheme, key) = value.split_once(' ').ok_or("The Authorization header must be \"Bearer <key>\"")?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err("The Authorization header must be \"Bearer <key>\"");
    }
    let key = key.trim();
    if !is_key(key) {
        return Err("Invalid API key");
    }
    Ok(key.to_owned())
}

/// The key's account, or why the request is a 401.
pub fn authenticate(mock: &Mock, headers: &HeaderMap) -> Result<Arc<Account>, &'static str> {
    match mock.account(&bearer_key(headers)?) {
        Some(account) if !account.revoked => Ok(account),
        Some(_) => Err("This API key has been revoked"),
        None => Err("Invalid API key"),
    }
}

pub fn unauthorized(message: &str) -> Resp {
    http::error(401, "unauthorized", message)
}
