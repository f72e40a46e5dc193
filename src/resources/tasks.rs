//! The Tasks API (https://capx.ai/docs/api#tasks).

use super::js;
use crate::call::{body_call, get_call, listing};
use crate::core::error::ApiError;
use crate::options::id_arg;
use crate::pagination::Pager;
use crate::transport::{send, Wire};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use tsify::Ts;
use crate::types::RequestOptions;
use crate::core::models::*;

#[wasm_bindgen]
pub struct Tasks {
    wire: Wire,
}

fn tasks_path(company_id: &JsValue) -> Result<String, ApiError> {
    Ok(["/companies/", &id_arg("companyId", company_id)?, "/tasks"].concat())
}

fn task_path(company_id: &JsValue, task_id: &JsValue, action: &str) -> Result<String, ApiError> {
    Ok([&tasks_path(company_id)?, "/", &id_arg("taskId", task_id)?, action].concat())
}

impl Tasks {
    pub fn new(wire: Wire) -> Self {
        Self { wire }
    }
}

#[wasm_bindgen]
impl Tasks {
    /// Creates a task; under `human_in_loop` governance it starts in `pending_approval`.
    #[wasm_bindgen(unchecked_return_type = "Promise<ApiResponse<Task>>")]
    pub fn create(
        &self,
        #[wasm_bindgen(js_name = companyId, unchecked_param_type = "string")] company_id: JsValue,
        params: Ts<CreateTaskParams>,
        options: Option<Ts<RequestOptions>>,
    ) -> Promise {
        send(&self.wire, body_call("POST", tasks_path(&company_id), Some(params.js_value()), js(options)))
    }

    /// One page of tasks: `page.hasNextPage()`, `page.nextPage()` (same filters and
    /// options), and `for await (const t of page)` over every task from this page on.
    #[wasm_bindgen(unchecked_return_type = "Promise<Page<TaskSummary>>")]
    pub fn list(
        &self,
        #[wasm_bindgen(js_name = companyId, unchecked_param_type = "string")] company_id: JsValue,
        params: Option<Ts<ListTasksParams>>,
        options: Option<Ts<RequestOptions>>,
    ) -> Promise {
        Pager::first(&self.wire, listing(tasks_path(&company_id), js(params), js(options)))
    }

    /// Every task matching `filters`, one page in memory at a time: `for await (const t of ...)`.
    /// `options` apply to every page's request.
    #[wasm_bindgen(unchecked_return_type = "AsyncIterable<TaskSummary>")]
    pub fn iterate(
        &self,
        #[wasm_bindgen(js_name = companyId, unchecked_param_type = "string")] company_id: JsValue,
        filters: Option<Ts<ListTasksParams>>,
        options: Option<Ts<RequestOptions>>,
    ) -> JsValue {
        Pager::items(&self.wire, listing(tasks_path(&company_id), js(filters), js(options)))
    }

    #[wasm_bindgen(unchecked_return_type = "Promise<ApiResponse<Task>>")]
    pub fn get(
        &self,
        #[wasm_bindgen(js_name = companyId, unchecked_param_type = "string")] company_id: JsValue,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        options: Option<Ts<RequestOptions>>,
    ) -> Promise {
        send(&self.wire, get_call(task_path(&company_id, &task_id, ""), None, js(options)))
    }

    #[wasm_bindgen(unchecked_return_type = "Promise<ApiResponse<TaskUpdate>>")]
    pub fn update(
        &self,
        #[wasm_bindgen(js_name = companyId, unchecked_param_type = "string")] company_id: JsValue,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        params: Ts<UpdateTaskParams>,
        options: Option<Ts<RequestOptions>>,
    ) -> Promise {
        send(&self.wire, body_call("PATCH", task_path(&company_id, &task_id, ""), Some(params.js_value()), js(options)))
    }

    /// Moves a `pending_approval` task to `pending`; anything else is a 409 `conflict`.
    #[wasm_bindgen(unchecked_return_type = "Promise<ApiResponse<TaskApproval>>")]
    pub fn approve(
        &self,
        #[wasm_bindgen(js_name = companyId, unchecked_param_type = "string")] company_id: JsValue,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        params: Option<Ts<ApproveTaskParams>>,
        options: Option<Ts<RequestOptions>>,
    ) -> Promise {
        send(&self.wire, body_call("POST", task_path(&company_id, &task_id, "/approve"), js(params), js(options)))
    }

    /// Moves a `pending_approval` task to `rejected`; anything else is a 409 `conflict`.
    #[wasm_bindgen(unchecked_return_type = "Promise<ApiResponse<TaskRejection>>")]
    pub fn reject(
        &self,
        #[wasm_bindgen(js_name = companyId, unchecked_param_type = "string")] company_id: JsValue,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        params: Option<Ts<RejectTaskParams>>,
        options: Option<Ts<RequestOptions>>,
    ) -> Promise {
        send(&self.wire, body_call("POST", task_path(&company_id, &task_id, "/reject"), js(params), js(options)))
    }
}
