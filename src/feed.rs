//! `openActivityFeed`: the browser side, with no key. It wraps the browser's own
//! `EventSource` (and so its reconnects and `Last-Event-ID`) pointed at the user's edge
//! function, and hands over typed events.

use crate::core::error::{code, ApiError};
use crate::core::json::JsonView;
use crate::json;
use js_sys::Function;
use wasm_bindgen::prelude::*;
use web_sys::{Event, EventSource, MessageEvent};

/// An open feed; `close()` ends it. Dropping it (or `free()`) closes the connection too.
#[wasm_bindgen]
pub struct ActivityFeed {
    source: EventSource,
    // The listeners live as long as the feed.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
    _on_open: Closure<dyn FnMut(Event)>,
}

/// `handlers` is either the event callback or `{ onEvent, onError?, onOpen? }`. Events are
/// the `data` objects of `event: activity` (and unnamed) messages; `id` is their SSE id.
#[wasm_bindgen(js_name = openActivityFeed)]
pub fn open_activity_feed(
    #[wasm_bindgen(unchecked_param_type = "string")] url: JsValue,
    #[wasm_bindgen(unchecked_param_type = "((event: ActivityEvent, id: string) => void) | ActivityFeedHandlers")] handlers: JsValue,
) -> Result<ActivityFeed, JsValue> {
    let url = url.as_string().ok_or_else(|| ApiError::invalid_config("url must be a string"))?;
    let callback = |name: &str| -> Result<Option<Function>, ApiError> {
        if name == "onEvent" && handlers.is_function() {
            return Ok(Some(handlers.clone().unchecked_into()));
        }
        crate::options::Bag::new("handlers", Some(handlers.clone()))?.function(name)
    };
    let on_event = callback("onEvent")?.ok_or_else(|| ApiError::invalid_config("handlers.onEvent is required"))?;
    let on_error_cb = callback("onError")?;
    let on_open_cb = callback("onOpen")?;
    let source = EventSource::new(&url).map_err(|_| ApiError::invalid_config(["cannot open an EventSource on \"", &url, "\""].concat()))?;

    let report = on_error_cb.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = json::parse_js_string(&event.data()).filter(JsonView::is_object);
        match data {
            Some(data) => {
                let _ = on_event.call2(&JsValue::NULL, &data, &event.last_event_id().into());
            }
            None => notify(report.as_ref(), ApiError::new(code::INVALID_RESPONSE, "an activity event's data is not a JSON object")),
        }
    });
    let closed_source = source.clone();
    let on_error = Closure::<dyn FnMut(Event)>::new(move |_| {
        // EventSource reconnects by itself unless it gave up (CLOSED).
        let message = if closed_source.ready_state() == EventSource::CLOSED {
            "the activity feed closed and will not reconnect"
        } else {
            "the activity feed lost its connection and is reconnecting"
        };
        notify(on_error_cb.as_ref(), ApiError::new(code::CONNECTION_ERROR, message));
    });
    let on_open = Closure::<dyn FnMut(Event)>::new(move |_| {
        if let Some(cb) = &on_open_cb {
            let _ = cb.call0(&JsValue::NULL);
        }
    });
    for kind in ["activity", "message"] {
        source.add_event_listener_with_callback(kind, on_message.as_ref().unchecked_ref())?;
    }
    source.add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref())?;
    source.add_event_listener_with_callback("open", on_open.as_ref().unchecked_ref())?;
    Ok(ActivityFeed { source, _on_message: on_message, _on_error: on_error, _on_open: on_open })
}

fn notify(callback: Option<&Function>, err: ApiError) {
    if let Some(cb) = callback {
        let _ = cb.call1(&JsValue::NULL, &err.into());
    }
}

#[wasm_bindgen]
impl ActivityFeed {
    pub fn close(&self) {
        self.source.close();
    }

    /// 0 connecting, 1 open, 2 closed, as `EventSource.readyState`.
    #[wasm_bindgen(getter, js_name = readyState)]
    pub fn ready_state(&self) -> u16 {
        self.source.ready_state()
    }
}

impl Drop for ActivityFeed {
    /// The closures die with this struct. A closed `EventSource` dispatches nothing more, so
    /// no event can reach a dropped closure.
    fn drop(&mut self) {
        self.source.close();
    }
}
