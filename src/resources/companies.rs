//! Companies (https://capx.ai/docs/api; the mock documents the routes it serves).

use super::js;
use crate::call::{body_call, get_call, listing, CallOptions};
use crate::core::error::ApiError;
use crate::options::id_arg;
use crate::options::Bag;
use crate::pagination::Pager;
use crate::stream::ActivityEngine;
use crate::transport::{send, Transport, Wire};
use crate::types::ActivityOptions;
use js_sys::Promise;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use tsify::Ts;
use crate::types::RequestOptions;
use crate::core::models::*;

#[wasm_bindgen]
pub struct Companies {
    transport: Rc<Transport>,
    wire: Wire,
}

fn company_path(id: &JsValue, action: &str) -> Result<String, ApiError> {
    Ok(["/companies/", &id_arg("companyId", id)?, action].concat())
}

impl Companies {
    pub fn new(transport: Rc<Transport>, wire: Wire) -> Self {
        Self { transport, wire }
    }
}

#[wasm_bindgen]
impl Companies {
    /// One page of companies: `page.hasNextPage()`, `page.nextPage()` (same filters and
    /// options), and `for await (const c of page)` over every company from this page on.
    #[wasm_bindgen(unchecked_return_type = "Promise<Page<Company>>")]
    pub fn list(
        &self,
        params: Option<Ts<ListParams>>,
        options: Option<Ts<RequestOptions>>,
    ) -> Promise {
        Pager::first(&self.wire, listing(Ok("/companies".to_owned()), js(params), js(options)))
    }

    /// Every company, one page in memory at a time; `options` apply to every page's request.
    #[wasm_bindgen(unchecked_return_type = "AsyncIterable<Company>")]
    pub fn iterate(&self, params: Option<Ts<ListParams>>, options: Option<Ts<RequestOptions>>) -> JsValue {
        Pager::items(&self.wire, listing(Ok("/companies".to_owned()), js(params), js(options)))
    }

    #[wasm_bindgen(unchecked_return_type = "Promise<ApiResponse<Company>>")]
    pub fn create(
        &self,
        params: Ts<CreateCompanyParams>,
        options: Option<Ts<RequestOptions>>,
    ) -> Promise {
        send(&self.wire, body_call("POST", Ok("/companies".to_owned()), Some(params.js_value()), js(options)))
    }

    #[wasm_bindgen(unchecked_return_type = "Promise<ApiResponse<Company>>")]
    pub fn get(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        options: Option<Ts<RequestOptions>>,
    ) -> Promise {
        send(&self.wire, get_call(company_path(&id, ""), None, js(options)))
    }

    /// 409 `conflict` when the company is already paused.
    #[wasm_bindgen(unchecked_return_type = "Promise<ApiResponse<Company>>")]
    pub fn pause(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        options: Option<Ts<RequestOptions>>,
    ) -> Promise {
        send(&self.wire, body_call("POST", company_path(&id, "/pause"), None, js(options)))
    }

    /// The company's live activity as Server-Sent Events, resumed after drops with
    /// `Last-Event-ID`. Starts live; pass `lastEventId` to replay what came after it.
    #[wasm_bindgen(unchecked_return_type = "ActivityStream")]
    pub fn activity(
        &self,
        #[wasm_bindgen(js_name = companyId, unchecked_param_type = "string")] company_id: JsValue,
        options: Option<Ts<ActivityOptions>>,
    ) -> JsValue {
        let bag = Bag::new("options", js(options));
        let read = bag.and_then(|bag| Ok((CallOptions::read(&bag)?, last_event_id(&bag)?)));
        let (path, options, last) = match read {
            Ok((options, last)) => (company_path(&company_id, "/activity"), options, last),
            Err(err) => (Err(err), CallOptions::default(), None),
        };
        ActivityEngine::start(self.transport.clone(), &self.wire, path, options, last)
    }

    /// 409 `conflict` when the company is already running.
    #[wasm_bindgen(unchecked_return_type = "Promise<ApiResponse<Company>>")]
    pub fn resume(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        options: Option<Ts<RequestOptions>>,
    ) -> Promise {
        send(&self.wire, body_call("POST", company_path(&id, "/resume"), None, js(options)))
    }
}

/// The caller's `lastEventId` goes into `Last-Event-ID` as its UTF-8 bytes: any text an
/// event stream's id can hold fits, so only a line break or NUL (which none can) is refused.
fn last_event_id(bag: &Bag) -> Result<Option<String>, ApiError> {
    let id = bag.string("lastEventId")?;
    if id.as_deref().is_some_and(|id| id.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0))) {
        return Err(ApiError::invalid_config("options.lastEventId must not contain a line break or NUL, as no event stream id can"));
    }
    Ok(id)
}
