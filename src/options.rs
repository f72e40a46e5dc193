//! Reading option bags handed in from JavaScript, where any value may have any type: a
//! wrong one becomes `invalid_config` naming the option, never a trap or a silent default.
// The browser build (no `client` feature) reads only `openActivityFeed`'s handlers.
#![cfg_attr(not(feature = "client"), allow(dead_code))]

use crate::core::error::ApiError;
use crate::core::text::decimal;
use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// An optional object argument; `undefined` and `null` read as empty.
pub struct Bag<'a> {
    name: &'a str,
    value: Option<JsValue>,
}

impl<'a> Bag<'a> {
    pub fn new(name: &'a str, value: Option<JsValue>) -> Result<Self, ApiError> {
        let value = value.filter(|v| !v.is_undefined() && !v.is_null());
        if value.as_ref().is_some_and(|v| !v.is_object() || v.is_function() || js_sys::Array::is_array(v)) {
            return Err(ApiError::invalid_config([name, " must be an object"].concat()));
        }
        Ok(Self { name, value })
    }

    /// Whether `key` is set (not `undefined`).
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn raw(&self) -> Option<&JsValue> {
        self.value.as_ref()
    }

    fn get(&self, key: &str) -> Option<JsValue> {
        let obj = self.value.as_ref()?;
        Reflect::get(obj, &JsValue::from_str(key)).ok().filter(|v| !v.is_undefined())
    }

    fn wrong(&self, key: &str, expected: &str) -> ApiError {
        ApiError::invalid_config([self.name, ".", key, " must be ", expected].concat())
    }

    pub fn string(&self, key: &str) -> Result<Option<String>, ApiError> {
        self.get(key).map(|v| v.as_string().ok_or_else(|| self.wrong(key, "a string"))).transpose()
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        self.get(key).map(|v| v.as_bool().ok_or_else(|| self.wrong(key, "a boolean"))).transpose()
    }

    /// A whole number in `min..=max`.
    pub fn integer(&self, key: &str, min: u32, max: u32) -> Result<Option<u32>, ApiError> {
        let expected = || ["a whole number from ", &decimal(min.into()), " to ", &decimal(max.into())].concat();
        self.get(key)
            .map(|v| {
                v.as_f64()
                    .filter(|n| n.fract() == 0.0 && (f64::from(min)..=f64::from(max)).contains(n))
                    .map(|n| n as u32)
                    .ok_or_else(|| self.wrong(key, &expected()))
            })
            .transpose()
    }

    pub fn number(&self, key: &str) -> Result<Option<f64>, ApiError> {
        self.get(key).map(|v| v.as_f64().filter(|n| n.is_finite()).ok_or_else(|| self.wrong(key, "a finite number"))).transpose()
    }

    pub fn function(&self, key: &str) -> Result<Option<Function>, ApiError> {
        self.get(key).map(|v| v.dyn_into::<Function>().map_err(|_| self.wrong(key, "a function"))).transpose()
    }

    pub fn signal(&self, key: &str) -> Result<Option<web_sys::AbortSignal>, ApiError> {
        self.get(key)
            .map(|v| v.dyn_into::<web_sys::AbortSignal>().map_err(|_| self.wrong(key, "an AbortSignal")))
            .transpose()
    }

    pub fn object(&self, key: &str) -> Result<Bag<'static>, ApiError> {
        Bag::new("option", self.get(key)).map_err(|_| self.wrong(key, "an object"))
    }

    /// A `Record<string, string>`.
    pub fn string_map(&self, key: &str) -> Result<Vec<(String, String)>, ApiError> {
        let Some(obj) = self.object(key)?.value else { return Ok(Vec::new()) };
        entries(&obj)
            .into_iter()
            .map(|(k, v)| v.as_string().map(|v| (k, v)))
            .collect::<Option<_>>()
            .ok_or_else(|| self.wrong(key, "a Record<string, string>"))
    }

    /// A `string[]`, or `None` when absent.
    pub fn string_list(&self, key: &str) -> Result<Option<Vec<String>>, ApiError> {
        let Some(value) = self.get(key) else { return Ok(None) };
        if !js_sys::Array::is_array(&value) {
            return Err(self.wrong(key, "an array of strings"));
        }
        js_sys::Array::from(&value)
            .iter()
            .map(|v| v.as_string().ok_or_else(|| self.wrong(key, "an array of strings")))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// Every defined entry as a query parameter: strings, numbers and booleans, so filters
    /// this version does not know yet still reach the server.
    pub fn query_pairs(&self) -> Result<Vec<(String, String)>, ApiError> {
        let Some(obj) = &self.value else { return Ok(Vec::new()) };
        entries(obj)
            .into_iter()
            .filter(|(_, v)| !v.is_undefined() && !v.is_null())
            .map(|(k, v)| {
                crate::json::scalar_text(&v).map(|t| (k.clone(), t)).ok_or_else(|| self.wrong(&k, "a string, number or boolean"))
            })
            .collect()
    }
}

fn entries(obj: &JsValue) -> Vec<(String, JsValue)> {
    Object::entries(obj.unchecked_ref())
        .iter()
        .filter_map(|e| Some((Reflect::get_u32(&e, 0).ok()?.as_string()?, Reflect::get_u32(&e, 1).ok()?)))
        .collect()
}

/// A caller's id argument, typed `string` in TypeScript but checked here for plain JS callers.
pub fn id_arg(name: &str, value: &JsValue) -> Result<String, ApiError> {
    let id = value.as_string().ok_or_else(|| ApiError::invalid_config([name, " must be a string"].concat()))?;
    crate::core::request::id_segment(name, &id)
}
