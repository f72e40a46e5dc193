//! A parsed response body as the envelope check (`core::envelope`) sees it. Asking the engine
//! about each field, one call across the boundary apiece, cost more than the rest of a
//! response's checks (parseEnvelope in workerd), so JavaScript answers every question the
//! check can ask in one call (js/objects.js `envelopeShape`): the kind of each value the
//! check looks at, three bits apiece. Only a string the check reads (a cursor, an error's
//! code, message and docs) is fetched afterwards.

use crate::core::json::JsonView;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/objects.js")]
extern "C" {
    /// The kind of every value in `MEMBERS` (and of the root), three bits each.
    #[wasm_bindgen(js_name = envelopeShape)]
    fn envelope_shape(root: &JsValue) -> f64;
}

/// The values the check looks at, numbered in the order of js/objects.js `envelopeShape`.
const ROOT: u8 = 0;
const META: u8 = 3;
const ERROR: u8 = 8;
/// `(parent, name, slot)`: where each member the check reads is found.
const MEMBERS: [(u8, &str, u8); 11] = [
    (ROOT, "success", 1),
    (ROOT, "data", 2),
    (ROOT, "meta", META),
    (META, "credits_used", 4),
    (META, "credits_remaining", 5),
    (META, "cursor", 6),
    (META, "has_more", 7),
    (ROOT, "error", ERROR),
    (ERROR, "code", 9),
    (ERROR, "message", 10),
    (ERROR, "docs", 11),
];

/// The kinds js/objects.js `kindOf` tells apart.
const ABSENT: u8 = 0;
const NULL: u8 = 1;
const FALSE: u8 = 2;
const TRUE: u8 = 3;
const NUMBER: u8 = 4;
const STRING: u8 = 5;
const OBJECT: u8 = 6;

/// One value of a parsed body. `field` knows the envelope's own members only: any other
/// reads as absent (the envelope check asks for no other).
pub struct Shaped {
    root: Rc<JsValue>,
    shape: u64,
    slot: u8,
}

impl Shaped {
    pub fn new(root: JsValue) -> Self {
        let shape = envelope_shape(&root) as u64;
        Self { root: Rc::new(root), shape, slot: ROOT }
    }

    /// The parsed body this value is part of.
    pub fn root(&self) -> &JsValue {
        &self.root
    }

    fn kind(&self) -> u8 {
        (self.shape >> (3 * u32::from(self.slot))) as u8 & 7
    }

    /// The value itself, read member by member from the root: for the few the check reads.
    fn value(&self) -> Option<JsValue> {
        match MEMBERS.iter().find(|(_, _, slot)| *slot == self.slot) {
            None => Some((*self.root).clone()),
            Some(&(parent, name, _)) => Self { root: self.root.clone(), shape: self.shape, slot: parent }.value()?.field(name),
        }
    }
}

impl JsonView for Shaped {
    fn field(&self, key: &str) -> Option<Self> {
        let &(_, _, slot) = MEMBERS.iter().find(|(parent, name, _)| *parent == self.slot && *name == key)?;
        let member = Self { root: self.root.clone(), shape: self.shape, slot };
        (member.kind() != ABSENT).then_some(member)
    }
    fn is_object(&self) -> bool {
        self.kind() == OBJECT
    }
    fn is_null(&self) -> bool {
        self.kind() == NULL
    }
    fn as_bool(&self) -> Option<bool> {
        match self.kind() {
            FALSE => Some(false),
            TRUE => Some(true),
            _ => None,
        }
    }
    fn is_number(&self) -> bool {
        self.kind() == NUMBER
    }
    fn as_f64(&self) -> Option<f64> {
        self.is_number().then(|| self.value()?.as_f64()).flatten()
    }
    fn as_string(&self) -> Option<String> {
        (self.kind() == STRING).then(|| self.value()?.as_string()).flatten()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::core::envelope::parse_envelope;
    use serde_json::Value;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Success, error and broken envelopes: each member the check reads, of each kind.
    const BODIES: [&str; 24] = [
        r#"{"success":true,"data":{"id":"co_1","n":[1,2]},"meta":{"credits_used":12,"credits_remaining":9988}}"#,
        r#"{"success":true,"data":[],"meta":{"cursor":"eyJpZCI6MX0","has_more":true,"credits_used":1,"credits_remaining":1.5}}"#,
        r#"{"success":true,"data":null,"meta":{"cursor":null,"has_more":false,"credits_used":0,"credits_remaining":0}}"#,
        r#"{"success":true,"data":"text","meta":{"credits_used":1,"credits_remaining":1,"extra":{"a":1}}}"#,
        r#"{"success":true,"data":{},"meta":{"credits_used":"1","credits_remaining":1}}"#,
        r#"{"success":true,"data":{},"meta":{"credits_used":1}}"#,
        r#"{"success":true,"data":{},"meta":{"credits_used":1,"credits_remaining":1,"cursor":5}}"#,
        r#"{"success":true,"data":{},"meta":{"credits_used":1,"credits_remaining":1,"cursor":{}}}"#,
        r#"{"success":true,"data":{},"meta":{"credits_used":1,"credits_remaining":1,"has_more":"no"}}"#,
        r#"{"success":true,"data":{},"meta":[1]}"#,
        r#"{"success":true,"data":{}}"#,
        r#"{"success":true,"meta":{"credits_used":1,"credits_remaining":1}}"#,
        r#"{"success":false,"error":{"code":"not_found","message":"no such task","docs":"https://capx.ai/docs/api#errors"}}"#,
        r#"{"success":false,"error":{"code":"teapot","message":"short","docs":null}}"#,
        r#"{"success":false,"error":{"code":1,"message":"m"}}"#,
        r#"{"success":false,"error":{"code":"c","message":"m","docs":7}}"#,
        r#"{"success":false,"error":"boom"}"#,
        r#"{"success":false}"#,
        r#"{"success":"yes","data":{}}"#,
        r#"{"data":{}}"#,
        "[1,2,3]",
        "null",
        "\"a string\"",
        "<html>502 Bad Gateway</html>",
    ];

    /// What JavaScript's reading of a body (`envelopeShape`) lets the check decide is what the
    /// same check decides on serde_json's reading of it.
    #[test]
    fn the_check_decides_alike_on_javascripts_reading() {
        for body in BODIES {
            for status in [200, 404] {
                let js = parse_envelope(status, js_sys::JSON::parse(body).ok().map(Shaped::new), body, None);
                let native = parse_envelope(status, serde_json::from_str::<Value>(body).ok(), body, None);
                match (js, native) {
                    (Ok(js), Ok(native)) => {
                        let data = js_sys::JSON::stringify(&js_sys::Reflect::get(js.data.root(), &"data".into()).unwrap()).unwrap();
                        assert_eq!(serde_json::from_str::<Value>(&String::from(data)).unwrap(), native.data, "{body}");
                        assert_eq!((js.cursor, js.has_more), (native.cursor, native.has_more), "{body}");
                    }
                    (Err(js), Err(native)) => assert_eq!(js, native, "{body}"),
                    (js, native) => panic!("{body}: {:?} against {:?}", js.is_ok(), native.is_ok()),
                }
            }
        }
    }
}
