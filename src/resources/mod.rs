//! One file per resource, as in the Stainless SDKs; this holds what they share.

mod companies;
mod tasks;

pub use companies::Companies;
pub use tasks::Tasks;

use crate::client::stringify;
use crate::core::error::ApiError;
use crate::core::request::query_string;
use crate::options::Bag;
use crate::pagination::Listing;
use crate::transport::{Call, CallOptions};
use wasm_bindgen::JsValue;

// Each resource method is an export of its own: these stay out of line so that the
// exports share one copy instead of each inlining it.

/// A POST or PATCH whose body is the caller's params object (`{}` when omitted).
#[inline(never)]
pub fn body_call(method: &'static str, path: Result<String, ApiError>, params: Option<JsValue>, options: Option<JsValue>) -> Result<Call, ApiError> {
    let path = path?;
    let params = Bag::new("params", params)?;
    let body = params.raw().map_or_else(|| Ok(JsValue::from_str("{}")), stringify)?;
    Ok(Call { method, path, query: String::new(), body: Some(body), options: CallOptions::read(&Bag::new("options", options)?)? })
}

/// A GET whose query is the caller's params object.
#[inline(never)]
pub fn get_call(path: Result<String, ApiError>, params: Option<JsValue>, options: Option<JsValue>) -> Result<Call, ApiError> {
    let (path, pairs) = listing(path, params)?;
    let query = query_string(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    Ok(Call { method: "GET", path, query, body: None, options: CallOptions::read(&Bag::new("options", options)?)? })
}

pub fn listing(path: Result<String, ApiError>, params: Option<JsValue>) -> Listing {
    Ok((path?, Bag::new("params", params)?.query_pairs()?))
}

/// The raw object behind an optional tsify-typed argument.
pub fn js<T: tsify::Tsify>(value: Option<tsify::Ts<T>>) -> Option<JsValue> {
    value.map(|v| v.js_value())
}
