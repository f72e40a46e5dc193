//! Header look-up over whatever a caller hands in: a Fetch `Headers`, a plain object
//! (names matched case-insensitively), or nothing.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

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
            Self::Fetch(h) => h.get(name).ok().flatten(),
            Self::Plain(pairs) => pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
        }
    }
}
