//! Activity events cross into JavaScript a batch at a time, as one JSON text for one
//! `JSON.parse`: per-event strings and calls across the boundary cost more than decoding.

use super::json_check::is_json_object;
use super::sse::SseEvent;
use std::collections::VecDeque;

/// Moves events off the front of `queue` into `[[data, …], [id, …]]`, stopping before the
/// first whose data is not a JSON object (it stays at the front). `None` when nothing moved.
pub fn take_batch(queue: &mut VecDeque<SseEvent>) -> Option<String> {
    let mut data = String::from("[[");
    let mut ids = String::from("],[");
    let mut taken = 0;
    while let Some(event) = queue.front() {
        if !is_json_object(&event.data) {
            break;
        }
        if taken > 0 {
            data.push(',');
            ids.push(',');
        }
        data.push_str(&event.data);
        push_json_string(&mut ids, &event.id);
        taken += 1;
        queue.pop_front();
    }
    (taken > 0).then(|| [data.as_str(), ids.as_str(), "]]"].concat())
}

fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c < ' ' => {
                out.push_str("\\u00");
                out.extend(super::text::hex_byte(c as u8));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::{json, Value};

    fn event(id: &str, data: &str) -> SseEvent {
        SseEvent { event: "activity".into(), data: data.into(), id: id.into() }
    }

    fn parse(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn a_batch_is_one_json_text_of_the_data_and_the_ids() {
        let mut queue: VecDeque<_> = [
            event("1", r#"{"type":"task.created","task_id":"tsk_1"}"#),
            event("", "{\n\"type\": \"agent.heartbeat\"\n}"),
            event("id \"quoted\" \\ \u{1}", r#"{"type":"company.renamed"}"#),
        ]
        .into();
        let batch = take_batch(&mut queue).unwrap();
        assert_eq!(
            parse(&batch),
            json!([
                [{"type": "task.created", "task_id": "tsk_1"}, {"type": "agent.heartbeat"}, {"type": "company.renamed"}],
                ["1", "", "id \"quoted\" \\ \u{1}"]
            ])
        );
        assert!(queue.is_empty());
        assert_eq!(take_batch(&mut queue), None);
    }

    #[test]
    fn a_batch_stops_before_data_that_is_not_an_object() {
        let mut queue: VecDeque<_> = [event("1", r#"{"a":1}"#), event("2", r#"{"a":1},{"b":2}"#), event("3", "{}")].into();
        assert_eq!(parse(&take_batch(&mut queue).unwrap()), json!([[{"a": 1}], ["1"]]));
        assert_eq!(queue.len(), 2, "the bad event stays at the front");
        assert_eq!(take_batch(&mut queue), None);
    }
}
