//! Raw bindings to what every runtime has as a global. Nothing here goes through `window`:
//! Workers, Deno and Node have none. The bindings to capx's own JavaScript sit beside the
//! Rust that uses them, one JS module each.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Date)]
    pub fn now() -> f64;

    /// `JSON.parse` of a JavaScript string as it is, without a copy through wasm memory.
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    pub fn json_parse(text: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = Math)]
    pub fn random() -> f64;

    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues)]
    pub fn get_random_values(buf: &mut [u8]);
}
