//! Activity events cross into JavaScript a batch at a time, every event of a read in one JSON
//! array text that JavaScript parses with one `JSON.parse` (one call per event cost more than
//! the rest of decoding the stream), and their ids in one text beside it.
//!
//! One event's bad data must never change what another event parses to, as it could in a
//! plain `[a,b]`: `{"x":[1` and `2]}` would parse as one object, and `{},{}` as two. So
//! between each two events stands a number the server cannot know (random per batch), and
//! JavaScript takes the parse only if it gives exactly the events' count of objects with that
//! number between each two: every separator was then read as a top-level comma, number,
//! comma, so each event's text was read as exactly one array element, which is what it
//! parses to alone. Otherwise it parses each event's text alone, as it is taken. The CRs
//! around each separator are JSON whitespace, and since CR ends an SSE line, no data can hold
//! one: splitting the text on CR gives back each event's data.

use super::sse::SseSink;

/// Frames the batch text and separates events in it and in the ids.
pub const CR: u8 = b'\r';

#[derive(Debug)]
pub struct Batch {
    /// `[` CR data (CR `,` sentinel `,` CR data)* CR `]`.
    text: Vec<u8>,
    /// A CR before each event's id.
    pub ids: Vec<u8>,
    count: u32,
    /// CR `,` sentinel `,` CR.
    separator: Vec<u8>,
    sentinel: u32,
}

impl Default for Batch {
    fn default() -> Self {
        Self::new(0)
    }
}

impl Batch {
    /// `sentinel` stands between events; the stream draws a new one at random for each batch.
    pub fn new(sentinel: u32) -> Self {
        let mut batch = Self { text: Vec::new(), ids: Vec::new(), count: 0, separator: Vec::new(), sentinel: 0 };
        batch.clear(sentinel);
        batch
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// How many events the batch holds.
    pub fn count(&self) -> u32 {
        self.count
    }

    pub fn sentinel(&self) -> u32 {
        self.sentinel
    }

    /// The batch as a JSON array text: the events' data, the sentinel between each two.
    pub fn json(&self) -> &[u8] {
        &self.text
    }

    /// Empties the batch for the next events, which `sentinel` will separate.
    pub fn clear(&mut self, sentinel: u32) {
        self.text.clear();
        self.text.extend_from_slice(b"[\r\r]");
        self.ids.clear();
        self.count = 0;
        self.sentinel = sentinel;
        self.separator.clear();
        self.separator.extend_from_slice(b"\r,");
        self.separator.extend_from_slice(super::text::decimal(i64::from(sentinel)).as_bytes());
        self.separator.extend_from_slice(b",\r");
    }
}

impl SseSink for Batch {
    fn event(&mut self, _event_type: &[u8], data: &[u8], id: &[u8]) {
        self.text.truncate(self.text.len().saturating_sub(2));
        if self.count > 0 {
            self.text.extend_from_slice(&self.separator);
        }
        self.text.extend_from_slice(data);
        self.text.extend_from_slice(b"\r]");
        self.ids.push(CR);
        self.ids.extend_from_slice(id);
        self.count = self.count.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::core::sse::SseDecoder;

    #[test]
    fn a_batch_holds_each_events_data_and_id_in_order() {
        let mut batch = Batch::new(123_456_789);
        let mut decoder = SseDecoder::new();
        let stream = b"id: 1\ndata: {\"a\":1}\n\ndata: {\ndata: \"b\": 2}\n\nid: x\xFFy\nevent: other\ndata:\n\n";
        decoder.feed(stream, &mut batch).unwrap();
        assert_eq!(batch.count(), 3);
        assert_eq!(batch.ids, b"\r1\r1\rx\xFFy");
        assert_eq!(batch.json(), b"[\r{\"a\":1}\r,123456789,\r{\n\"b\": 2}\r,123456789,\r\r]");
        batch.clear(7);
        assert!(batch.is_empty());
        assert_eq!(batch.json(), b"[\r\r]");
        decoder.feed(b"data: {}\n\n", &mut batch).unwrap();
        assert!(!batch.is_empty(), "one event with no id is still an event");
        assert_eq!((batch.json(), batch.ids.as_slice(), batch.sentinel()), (&b"[\r{}\r]"[..], &b"\rx\xFFy"[..], 7));
    }

    #[test]
    fn valid_events_parse_at_once_into_objects_and_sentinels() {
        let mut batch = Batch::new(999_999_999);
        let mut decoder = SseDecoder::new();
        decoder.feed(b"data: {\"a\":[1]}\n\ndata:  { \"b\" : \"\\\"\" } \n\n", &mut batch).unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(batch.json()).unwrap();
        assert_eq!(parsed, serde_json::json!([{ "a": [1] }, 999_999_999, { "b": "\"" }]));
    }
}
