//! Following `meta.cursor` (https://capx.ai/docs/api#pagination): one page in memory at a
//! time. JavaScript (js/pages.js) sends each page's call; the `Pager` here says which call
//! that is and takes each page apart.

use crate::call::{Call, Listing};
use crate::core::cursors::Cursors;
use crate::core::envelope::page_meta;
use crate::core::error::{code, ApiError};
use crate::core::json::JsonView;
use crate::core::request::query_string;
use crate::transport::Wire;
use js_sys::{Array, Promise};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/pages.js")]
extern "C" {
    /// `for await` over every item, a page at a time.
    #[wasm_bindgen(js_name = listItems)]
    fn list_items(pager: Pager, wire: &Wire, first: JsValue) -> JsValue;

    /// The first page, with `hasNextPage()`, `nextPage()` and `for await` from there on.
    #[wasm_bindgen(js_name = firstPage)]
    fn first_page(pager: Pager, wire: &Wire) -> Promise;
}

/// Where a listing stands; JavaScript sees it only through js/pages.js.
#[wasm_bindgen(skip_typescript)]
pub struct Pager {
    state: RefCell<State>,
}

#[derive(Clone)]
struct State {
    listing: Result<Listing, ApiError>,
    cursors: Cursors,
    done: bool,
}

impl Pager {
    fn new(listing: Result<Listing, ApiError>) -> Self {
        Pager { state: RefCell::new(State { listing, cursors: Cursors::default(), done: false }) }
    }

    /// Every item: `for await (const t of ...)`.
    pub fn items(wire: &Wire, listing: Result<Listing, ApiError>) -> JsValue {
        list_items(Self::new(listing), wire, JsValue::UNDEFINED)
    }

    /// The first page, which leads on to the next.
    pub fn first(wire: &Wire, listing: Result<Listing, ApiError>) -> Promise {
        first_page(Self::new(listing), wire)
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
        let listing = match &s.listing {
            Ok(listing) => listing,
            Err(err) => {
                let err = err.clone();
                s.done = true;
                return Err(err.into());
            }
        };
        let cursor = s.cursors.current();
        let pairs = listing.filters.iter().filter(|(k, _)| k != "cursor" || cursor.is_none()).map(|(k, v)| (k.as_str(), v.as_str()));
        let target = [listing.path.as_str(), &query_string(pairs.chain(cursor.map(|c| ("cursor", c))))].concat();
        Ok(Some(listing.options.clone().call("GET", &target, None)))
    }

    /// The items of a page's result; notes its cursor for the next.
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

    /// Whether a page follows the last one taken.
    #[wasm_bindgen(getter, js_name = hasNext)]
    pub fn has_next(&self) -> bool {
        !self.state.borrow().done
    }

    /// A pager that goes on from here on its own: each page object walks on independently.
    pub fn fork(&self) -> Pager {
        Pager { state: RefCell::new(self.state.borrow().clone()) }
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
