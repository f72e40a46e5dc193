//! What a route answers: a `Reply` (status, data, the page for lists) or an `Outcome::Err`,
//! and the `Outcome` the envelope is written from once credits are counted.

use serde_json::Value;

pub enum Outcome {
    Ok { status: u16, data: Value, page: Option<(Option<String>, bool)>, credits_used: i64, credits_remaining: i64 },
    Err { status: u16, code: &'static str, message: String },
}

pub fn err(status: u16, code: &'static str, message: impl Into<String>) -> Outcome {
    Outcome::Err { status, code, message: message.into() }
}

pub fn not_found(what: &str) -> Outcome {
    err(404, "not_found", format!("{what} does not exist"))
}

pub fn invalid(message: impl Into<String>) -> Outcome {
    err(422, "validation_error", message)
}

/// When the balance cannot pay for a call, it is refused and nothing changes.
pub fn insufficient(price: i64, balance: i64) -> Outcome {
    err(403, "forbidden", format!("Insufficient credits: this request costs {price} and {} remain", balance.max(0)))
}

pub struct Reply {
    pub status: u16,
    pub data: Value,
    /// `(cursor, has_more)` of a list.
    pub page: Option<(Option<String>, bool)>,
}

impl Reply {
    pub fn ok(data: Value) -> Self {
        Self { status: 200, data, page: None }
    }
    pub fn created(data: Value) -> Self {
        Self { status: 201, data, page: None }
    }
}

pub type Routed = Result<Reply, Outcome>;
