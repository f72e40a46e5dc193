//! `Webhook`: Standard Webhooks verification and signing for Capx deliveries.

use crate::core::error::{code, ApiError};
use crate::core::webhook::{self as core_webhook, WebhookError, WebhookSecret, DEFAULT_TOLERANCE_SECS};
use crate::core::json::JsonView;
use crate::headers::{HeaderSource, HeadersLike};
use crate::json;
use crate::options::Bag;
use crate::types::VerifyOptions;
use tsify::Ts;
use wasm_bindgen::prelude::*;

/// `new Webhook("whsec_...")`; the secret stays inside the wasm instance.
#[wasm_bindgen]
pub struct Webhook {
    secret: WebhookSecret,
}

#[wasm_bindgen]
impl Webhook {
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "string")] secret: JsValue) -> Result<Webhook, JsValue> {
        let secret = secret.as_string().ok_or_else(|| ApiError::invalid_config("the webhook secret must be a string"))?;
        let secret = WebhookSecret::parse(&secret)
            .map_err(|_| ApiError::invalid_config("the webhook secret must be \"whsec_\" followed by base64"))?;
        Ok(Webhook { secret })
    }

    /// Checks the signature and the timestamp (±`toleranceSec`, default 300 s), then returns
    /// the parsed event; anything wrong throws a `CapxError` with code `invalid_signature`.
    #[wasm_bindgen(unchecked_return_type = "WebhookEvent")]
    pub fn verify(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] payload: JsValue,
        headers: HeadersLike,
        options: Option<Ts<VerifyOptions>>,
    ) -> Result<JsValue, JsValue> {
        let bytes = payload_bytes(&payload)?;
        let bag = Bag::new("options", options.map(|o| o.js_value()))?;
        let tolerance = bag.integer("toleranceSec", 0, u32::MAX)?.map_or(DEFAULT_TOLERANCE_SECS, u64::from);
        let now = match bag.number("now")? {
            Some(now) => now as i64,
            None => (crate::sys::now() / 1000.0) as i64,
        };
        let headers = HeaderSource::from_js(&headers.into());
        core_webhook::verify(&self.secret, &bytes, |name| headers.get(name), tolerance, now).map_err(invalid_signature)?;
        let text = String::from_utf8_lossy(&bytes);
        let event = json::parse(&text)
            .filter(JsonView::is_object)
            .ok_or_else(|| ApiError::new(code::INVALID_SIGNATURE, "the signed payload is not a JSON object"))?;
        Ok(event)
    }

    /// The `webhook-signature` header value (`v1,<base64>`) for this message.
    pub fn sign(
        &self,
        #[wasm_bindgen(js_name = msgId, unchecked_param_type = "string")] msg_id: JsValue,
        #[wasm_bindgen(js_name = timestampSeconds, unchecked_param_type = "number")] timestamp: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] payload: JsValue,
    ) -> Result<String, JsValue> {
        let msg_id = msg_id.as_string().ok_or_else(|| ApiError::invalid_config("msgId must be a string"))?;
        let timestamp = timestamp
            .as_f64()
            .and_then(core_webhook::signable_timestamp)
            .ok_or_else(|| ApiError::invalid_config("timestampSeconds must be a whole, non-negative number of seconds"))?;
        Ok(core_webhook::sign(&self.secret, &msg_id, timestamp, &payload_bytes(&payload)?))
    }
}

fn payload_bytes(payload: &JsValue) -> Result<Vec<u8>, ApiError> {
    if let Some(text) = payload.as_string() {
        return Ok(text.into_bytes());
    }
    if payload.is_instance_of::<js_sys::Uint8Array>() {
        return Ok(js_sys::Uint8Array::new(payload).to_vec());
    }
    Err(ApiError::invalid_config("the payload must be the raw body, as a string or Uint8Array"))
}

fn invalid_signature(err: WebhookError) -> ApiError {
    ApiError::new(code::INVALID_SIGNATURE, err.message())
}
