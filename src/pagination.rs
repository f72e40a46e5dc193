//! Following `meta.cursor` lazily (the API overview's "Pagination"): one page in memory at a
//! time. JavaScript (`listItems` in js/pages.js) sends each page's call; the `Pager` here
//! says which call that is and takes the page apart.

use crate::call::{Call, CallOptions, Listing};
use crate::core::cursors::Cursors;
use crate::core::envelope::page_meta;
use crate::core::error::{code, ApiError};
use crate::core::json::JsonView;
use crate::core::request::query_string;
use crate::transport::Wire;
use js_sys::Array;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/pages.js")]
extern "C" {
    /// `for await` over every item, a page at a time.
    #[wasm_bindgen(js_name = listItems)]
    fn list_items(pager: Pager, wire: &Wire) -> JsValue;
}

/// The engine behind an `AsyncIterable`; JavaScript sees it only through `listItems`.
#[wasm_bindgen(skip_typescript)]
pub struct Pager {
    state: RefCell<State>,
}

struct State {
    listing: Listing,
    cursors: Cursors,
    done: bool,
}

impl Pager {
    pub fn start(wire: &Wire, listing: Listing) -> JsValue {
        let state = State { listing, cursors: Cursors::default(), done: false };
        list_items(Pager { state: RefCell::new(state) }, wire)
    }
}

#[wasm_bindgen]
impl Pager {
    /// The call for the next page, or `undefined` after the last page.
    pub fn next(&self) -> Result<Option<Call>, JsValue> {
        let mut s = self.state.borrow_mut();
        if s.done {
            return Ok(None);
        }
        let (path, filters) = match &s.listing {
            Ok(listing) => listing,
            Err(err) => {
                let err = err.clone();
                s.done = true;
                return Err(err.into());
            }
        };
        let cursor = s.cursors.current();
        let pairs = filters.iter().filter(|(k, _)| k != "cursor" || cursor.is_none()).map(|(k, v)| (k.as_str(), v.as_str()));
        let target = [path.as_str(), &query_string(pairs.chain(cursor.map(|c| ("cursor", c))))].concat();
        Ok(Some(CallOptions::default().call("GET", &target, None)))
    }

    /// The items of a page's `ApiResult`; notes its cursor for the next.
    pub fn take(&self, result: JsValue) -> Result<Array, JsValue> {
        let mut s = self.state.borrow_mut();
        let page = read_page(&result);
        let more = match &page {
            Ok((_, cursor, has_more)) => s.cursors.follow(cursor.clone(), *has_more),
            Err(_) => false,
        };
        s.done = !more;
        Ok(page?.0)
    }

    /// `break` out of a `for await`: no further page is fetched.
    pub fn close(&self) {
        self.state.borrow_mut().done = true;
    }
}

fn read_page(result: &JsValue) -> Result<(Array, Option<String>, Option<bool>), ApiError> {
    let data = result.field("data").unwrap_or(JsValue::UNDEFINED);
    if !Array::is_array(&data) {
        let status = result.field("status").and_then(|s| s.as_f64()).unwrap_or_default() as u16;
        return Err(ApiError::new(code::INVALID_RESPONSE, "a list endpoint answered with data that is not an array").with_status(status));
    }
    let meta = result.field("meta").unwrap_or(JsValue::UNDEFINED);
    let (cursor, has_more) = page_meta(&meta).map_err(|e| ApiError::new(code::INVALID_RESPONSE, e))?;
    Ok((data.into(), cursor, has_more))
}
