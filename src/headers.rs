//! Headers as a caller hands them in (`parseEnvelope`, `Webhook#verify`): a Fetch `Headers`,
//! a plain object, or nothing, read through one interface (js/objects.js `headersOf`).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/objects.js")]
extern "C" {
    /// What `headersOf` makes of a caller's headers: anything with a `Headers`' `get`.
    pub type HeaderSource;
    #[wasm_bindgen(js_name = headersOf)]
    fn headers_of(value: &JsValue) -> HeaderSource;
    /// `headers.get(name)`, `None` also for a name `Headers` refuses.
    #[wasm_bindgen(js_name = headerOf)]
    fn header_of(headers: &HeaderSource, name: &str) -> Option<String>;
    /// The `X-RateLimit-*` headers as an `ApiResult`'s `rateLimit`, or null.
    #[wasm_bindgen(js_name = rateLimitOf)]
    pub fn rate_limit_of(headers: &HeaderSource) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    /// What `parseEnvelope` and `Webhook#verify` take as headers.
    #[wasm_bindgen(typescript_type = "Headers | Record<string, string>")]
    pub type HeadersLike;
}

impl HeaderSource {
    pub fn from_js(value: &JsValue) -> Self {
        headers_of(value)
    }

    /// `name` is lowercase.
    pub fn get(&self, name: &str) -> Option<String> {
        header_of(self, name)
    }
}
