//! A read-only view of parsed JSON, so the envelope rules are written once and run on
//! `serde_json::Value` in native tests and on the engine's own `JSON.parse` result in wasm
//! (parsing in JS and walking a handful of fields beats copying every payload into wasm).

pub trait JsonView: Sized {
    /// The member `key` of an object; `None` when absent or when `self` is not an object.
    fn field(&self, key: &str) -> Option<Self>;
    /// A plain object: not an array, not null.
    fn is_object(&self) -> bool;
    fn is_null(&self) -> bool;
    fn as_bool(&self) -> Option<bool>;
    fn as_f64(&self) -> Option<f64>;
    fn as_string(&self) -> Option<String>;
    /// Whether the value is a number, for a view that can tell without reading it.
    fn is_number(&self) -> bool {
        self.as_f64().is_some()
    }
}

#[cfg(test)]
impl JsonView for serde_json::Value {
    fn field(&self, key: &str) -> Option<Self> {
        self.as_object()?.get(key).cloned()
    }
    fn is_object(&self) -> bool {
        self.is_object()
    }
    fn is_null(&self) -> bool {
        self.is_null()
    }
    fn as_bool(&self) -> Option<bool> {
        self.as_bool()
    }
    fn as_f64(&self) -> Option<f64> {
        self.as_f64()
    }
    fn as_string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }
}
