//! `capx::core::json_check::is_json_object` and `capx::core::activity::take_batch`: the
//! activity stream hands a whole batch of events to one `JSON.parse` as
//! `[[data, …], [id, …]]`, trusting the check to let through nothing but single JSON objects.
//!
//! Input layout: event data and ids, `0xFF`-separated, alternating
//! (`data FF id FF data FF id …`), each read as UTF-8 (lossily, as the SSE decoder does).
//!
//! Checked on every input: no panic; `is_json_object` agrees with serde_json (strict RFC 8259)
//! on every data string; `take_batch` takes exactly the leading run of JSON objects, leaves
//! the rest queued in order, and its text parses as exactly those objects and ids.
#![no_main]

use capx::core::activity::take_batch;
use capx::core::json_check::is_json_object;
use capx::core::sse::SseEvent;
use libfuzzer_sys::fuzz_target;
use serde::de::IgnoredAny;
use serde_json::Value;
use std::collections::VecDeque;

/// serde_json's verdict: `Some(true)` for one object with JSON whitespace around it,
/// `None` when it cannot say (nesting past its recursion limit of 128).
fn serde_says_object(text: &str) -> Option<bool> {
    // IgnoredAny checks the full grammar (escapes, control characters, numbers) but, like
    // JSON.parse, not whether a \u escape is half of a surrogate pair.
    match serde_json::from_str::<IgnoredAny>(text) {
        Ok(_) => Some(text.trim_start_matches([' ', '\t', '\n', '\r']).starts_with('{')),
        Err(e) if e.to_string().contains("recursion limit") => None,
        Err(_) => Some(false),
    }
}

fuzz_target!(|input: &[u8]| {
    let mut parts = input.split(|&b| b == 0xFF).map(|p| String::from_utf8_lossy(p).into_owned());
    let mut events = VecDeque::new();
    while let Some(data) = parts.next() {
        let id = parts.next().unwrap_or_default();
        events.push_back(SseEvent { event: "activity".into(), data, id });
    }

    for e in &events {
        let ours = is_json_object(&e.data);
        if let Some(serde) = serde_says_object(&e.data) {
            assert_eq!(ours, serde, "is_json_object({:?})", e.data);
        }
    }

    let all: Vec<SseEvent> = events.iter().cloned().collect();
    let leading = all.iter().take_while(|e| is_json_object(&e.data)).count();
    let mut queue = events;
    let batch = take_batch(&mut queue);
    assert_eq!(queue.len(), all.len() - leading, "the events after the first non-object stay");
    assert!(queue.iter().eq(all.iter().skip(leading)), "in order");
    let Some(text) = batch else {
        assert_eq!(leading, 0, "a batch whenever the first event is an object");
        return;
    };
    assert!(leading > 0);
    let taken = &all[..leading];
    // The one JSON.parse of the batch: exactly [[the objects], [the ids]].
    if let Err(e) = serde_json::from_str::<IgnoredAny>(&text) {
        // Two levels deeper than its parts, the batch may pass serde_json's nesting limit.
        assert!(e.to_string().contains("recursion limit"), "batch {text:?} does not parse: {e}");
    }
    let values: Option<Vec<Value>> = taken.iter().map(|e| serde_json::from_str(&e.data).ok()).collect();
    if let Some(values) = values {
        let Ok(Value::Array(parsed)) = serde_json::from_str::<Value>(&text) else {
            // Only nesting past serde_json's limit, now one level deeper, gets here.
            assert!(taken.iter().any(|e| e.data.matches(['[', '{']).count() >= 126), "batch {text:?}");
            return;
        };
        let ids: Vec<Value> = taken.iter().map(|e| Value::String(e.id.clone())).collect();
        assert_eq!(parsed, vec![Value::Array(values), Value::Array(ids)], "batch {text:?}");
    }
});
