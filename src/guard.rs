//! Is this a browser page, where a secret key would reach every visitor? Plain globals
//! only (no `instanceof Window`), and the server runtimes that define some of them too.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

pub fn looks_like_browser_page() -> bool {
    let global = js_sys::global();
    let get = |obj: &JsValue, key: &str| Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    let defined = |key: &str| !get(&global, key).is_undefined();
    if !(defined("window") && defined("document")) {
        return false;
    }
    let navigator = get(&global, "navigator");
    let is_worker = get(&navigator, "userAgent").as_string().as_deref() == Some("Cloudflare-Workers");
    let is_node = !get(&get(&get(&global, "process"), "versions"), "node").is_undefined();
    !(is_worker || is_node || defined("Deno") || defined("Bun"))
}
