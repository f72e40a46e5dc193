//! Header look-up over whatever a caller hands in: a Fetch `Headers`, a plain object
//! (names matched case-insensitively), or nothing.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/objects.js")]
extern "C" {
    /// `headers.get(name)`, `None` also for a name `Headers` refuses.
    #[wasm_bindgen(js_name = headerOf)]
    fn header_of(headers: &web_sys::Headers, name: &JsValue) -> Option<String>;
}

#[wasm_bindgen]
extern "C" {
    /// What `parseEnvelope` and `Webhook#verify` take as headers.
    #[wasm_bindgen(typescript_type = "Headers | Record<string, string>")]
    pub type HeadersLike;
}

pub enum HeaderSource {
    Fetch(web_sys::Headers),
    Plain(Vec<(String, String)>),
}

impl HeaderSource {
    pub fn from_js(value: &JsValue) -> Self {
        if !value.is_object() {
            return Self::Plain(Vec::new());
        }
        // Only an object with a `get` method can be a `Headers`: asked first, because the
        // first touch of the `Headers` global makes Node load undici (about 15 ms), which a
        // call given no headers or a plain object never needs.
        if Reflect::get(value, &"get".into()).is_ok_and(|get| get.is_function()) {
            if let Some(h) = value.dyn_ref::<web_sys::Headers>() {
                return Self::Fetch(h.clone());
            }
        }
        let pairs = Object::entries(value.unchecked_ref())
            .iter()
            .filter_map(|entry| {
                let name = Reflect::get_u32(&entry, 0).ok()?.as_string()?;
                let value = Reflect::get_u32(&entry, 1).ok()?;
                let value = crate::json::scalar_text(&value)?;
                Some((name.to_ascii_lowercase(), value))
            })
            .collect();
        Self::Plain(pairs)
    }

    /// `name` is lowercase.
    pub fn get(&self, name: &str) -> Option<String> {
        match self {
            // By a name made a JavaScript string once (in the client build), through a `get`
            // whose refusal is caught in JavaScript: wasm-bindgen's catching wrapper and the
            // name's decoding cost more than the lookup (parseEnvelope in workerd).
            Self::Fetch(h) => crate::json::with_key(name, |key| header_of(h, key)),
            Self::Plain(pairs) => pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
        }
    }
}
