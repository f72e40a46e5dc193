//! One file per resource, as in the Stainless SDKs.

mod companies;
mod tasks;

pub use companies::Companies;
pub use tasks::Tasks;

use wasm_bindgen::JsValue;

/// The raw object behind an optional tsify-typed argument.
pub fn js<T: tsify::Tsify>(value: Option<tsify::Ts<T>>) -> Option<JsValue> {
    value.map(|v| v.js_value())
}
