//! What the runtime is, as js/platform.js and js/node_http.js tell (read once there).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/platform.js")]
extern "C" {
    /// `process.env[name]` where the runtime has one and lets it be read; `None` if empty.
    #[wasm_bindgen(js_name = envVar)]
    pub fn env_var(name: &str) -> Option<String>;

    /// Whether fetch writes header strings as UTF-8 (workerd) rather than one byte per character.
    #[wasm_bindgen(js_name = headersAreUtf8)]
    pub fn headers_are_utf8() -> bool;

    /// A browser page (not Workers, Deno, Bun or Node), where a key would reach every visitor.
    #[wasm_bindgen(js_name = looksLikeBrowserPage)]
    pub fn looks_like_browser_page() -> bool;
}

#[cfg(feature = "client")]
#[wasm_bindgen(module = "/js/node_http.js")]
extern "C" {
    /// Whether this is Node itself (not Deno, Bun or an edge runtime) with node:http at hand.
    #[wasm_bindgen(js_name = nodeHttpAvailable)]
    pub fn node_http_available() -> bool;
}

