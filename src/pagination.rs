//! Following `meta.cursor` lazily (seed 000 "Pagination"): one page in memory at a time.

use crate::core::cursors::Cursors;
use crate::core::envelope::Envelope;
use crate::core::error::{code, ApiError};
use crate::core::request::query_string;
use crate::transport::{Call, Transport};
use js_sys::{Array, Promise};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// The engine behind an `AsyncIterable`; JavaScript sees it only through `asyncIterable`.
#[wasm_bindgen(skip_typescript)]
pub struct Pager {
    transport: Rc<Transport>,
    state: Rc<RefCell<State>>,
}

/// What to list: the path and the caller's filters, to which each page adds its cursor.
pub type Listing = Result<(String, Vec<(String, String)>), ApiError>;

struct State {
    listing: Listing,
    cursors: Cursors,
    done: bool,
}

impl Pager {
    pub fn start(transport: Rc<Transport>, listing: Listing) -> JsValue {
        let state = State { listing, cursors: Cursors::default(), done: false };
        crate::sys::async_iterable(Pager { transport, state: Rc::new(RefCell::new(state)) }.into())
    }
}

#[wasm_bindgen]
impl Pager {
    /// The next page's items, or `undefined` after the last page.
    #[wasm_bindgen(js_name = nextBatch)]
    pub fn next_batch(&self) -> Promise {
        let (transport, state) = (self.transport.clone(), self.state.clone());
        future_to_promise(async move {
            let request = {
                let mut s = state.borrow_mut();
                if s.done {
                    return Ok(JsValue::UNDEFINED);
                }
                match &s.listing {
                    Err(err) => {
                        let err = err.clone();
                        s.done = true;
                        return Err(err.into());
                    }
                    Ok((path, filters)) => {
                        let cursor = s.cursors.current();
                        let pairs = filters.iter().filter(|(k, _)| k != "cursor" || cursor.is_none()).map(|(k, v)| (k.as_str(), v.as_str()));
                        let query = query_string(pairs.chain(cursor.map(|c| ("cursor", c))));
                        Call { method: "GET", path: path.clone(), query, body: None, options: Default::default() }
                    }
                }
            };
            // No borrow is held across the fetch.
            let page = transport.send_envelope(&request).await;
            let mut s = state.borrow_mut();
            let page = match page.and_then(next_page) {
                Ok(page) => page,
                Err(err) => {
                    s.done = true;
                    return Err(err.into());
                }
            };
            s.done = !s.cursors.follow(page.cursor, page.has_more);
            Ok(page.items.into())
        })
    }

    /// `break` out of a `for await`: no further page is fetched.
    pub fn close(&self) {
        self.state.borrow_mut().done = true;
    }
}

struct Page {
    items: Array,
    cursor: Option<String>,
    has_more: Option<bool>,
}

fn next_page(env: Envelope<JsValue>) -> Result<Page, ApiError> {
    if !Array::is_array(&env.data) {
        return Err(ApiError::new(code::INVALID_RESPONSE, "a list endpoint answered with data that is not an array").with_status(env.status));
    }
    Ok(Page { items: env.data.into(), cursor: env.cursor, has_more: env.has_more })
}
