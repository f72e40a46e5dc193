//! The shared JavaScript suites, run in headless Chromium by wasm-bindgen-test against the
//! capx exports compiled into this test binary and a capx-mock that sends CORS headers.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/browser/suites.bundle.js")]
extern "C" {
    #[wasm_bindgen(js_name = runSuites)]
    async fn run_suites(lib: JsValue, mock_origin: Option<String>) -> JsValue;
}

fn lib() -> JsValue {
    let client: JsValue = capx::Capx::new(Some(tsify::Ts::new_unchecked(capx_options()))).map(Into::into).unwrap_or(JsValue::UNDEFINED);
    let error = capx::parse_envelope_js(200.into(), "".into(), None).err().unwrap_or(JsValue::UNDEFINED);
    let get = |v: &JsValue, k: &str| Reflect::get(v, &k.into()).unwrap_or(JsValue::UNDEFINED);
    let parse = Closure::<dyn Fn(JsValue, JsValue, JsValue) -> Result<JsValue, JsValue>>::new(|s, b, h: JsValue| {
        capx::parse_envelope_js(s, b, (!h.is_undefined()).then(|| h.unchecked_into()))
    });
    let terminal = Closure::<dyn Fn(JsValue) -> bool>::new(capx::is_terminal_status);
    let transition = Closure::<dyn Fn(JsValue, JsValue) -> bool>::new(capx::can_transition);
    let feed = Closure::<dyn Fn(JsValue, JsValue) -> Result<JsValue, JsValue>>::new(|url, handlers| {
        capx::open_activity_feed(url, handlers).map(Into::into)
    });
    let lib = js_sys::Object::new();
    for (key, value) in [
        ("Capx", get(&client, "constructor")),
        ("CapxError", get(&error, "constructor")),
        ("parseEnvelope", parse.into_js_value()),
        ("isTerminalStatus", terminal.into_js_value()),
        ("canTransition", transition.into_js_value()),
        ("openActivityFeed", feed.into_js_value()),
    ] {
        Reflect::set(&lib, &key.into(), &value).unwrap();
    }
    lib.into()
}

fn capx_options() -> JsValue {
    let opts = js_sys::Object::new();
    Reflect::set(&opts, &"apiKey".into(), &"capx_sk_test_browser".into()).unwrap();
    Reflect::set(&opts, &"dangerouslyAllowBrowser".into(), &true.into()).unwrap();
    opts.into()
}

#[wasm_bindgen_test]
async fn shared_suites_in_chromium() {
    let results: Array = run_suites(lib(), option_env!("CAPX_MOCK_ORIGIN").map(str::to_owned)).await.into();
    let failures: Vec<String> = results
        .iter()
        .filter(|r| !Reflect::get(r, &"ok".into()).unwrap().is_truthy())
        .map(|r| format!("{:?}: {:?}", Reflect::get(&r, &"name".into()).unwrap(), Reflect::get(&r, &"error".into()).unwrap()))
        .collect();
    console_log!("chromium: {} passed, {} failed", results.length() as usize - failures.len(), failures.len());
    assert!(failures.is_empty(), "failed in Chromium:\n{}", failures.join("\n"));
}
