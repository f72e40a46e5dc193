//! Pure logic with no JavaScript in it: unit-tested natively with `cargo test`.

pub mod activity;
pub mod base64;
pub mod cursors;
pub mod envelope;
pub mod error;
pub mod json;
pub mod models;
pub mod proxy;
pub mod redirect;
pub mod rate_limit;
pub mod request;
pub mod retry;
pub mod route;
pub mod secret;
pub mod simd;
pub mod sse;
pub mod status;
#[cfg(test)]
pub mod test_rng;
pub mod text;
pub mod throttle;
pub mod webhook;
