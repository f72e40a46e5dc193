//! Activity events cross into JavaScript a batch at a time: every event of a read in one
//! text of data and one of ids, so that a read costs two strings, not three per event.
//! JavaScript splits them and `JSON.parse`s each event's data as it is taken, which also
//! checks it: one event's bad data can never change what another event parses to.

use super::sse::SseSink;

/// Separates events in both texts: CR ends an SSE line, so no data or id can hold one.
pub const SEPARATOR: u8 = b'\r';

#[derive(Debug, Default)]
pub struct Batch {
    pub data: Vec<u8>,
    pub ids: Vec<u8>,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn clear(&mut self) {
        self.data.clear();
        self.ids.clear();
    }
}

impl SseSink for Batch {
    fn event(&mut self, _event_type: &[u8], data: &[u8], id: &[u8]) {
        // The first event's separator would be ambiguous with an empty batch: ids carry one
        // before every event, data between events.
        if !self.ids.is_empty() {
            self.data.push(SEPARATOR);
        }
        self.ids.push(SEPARATOR);
        self.data.extend_from_slice(data);
        self.ids.extend_from_slice(id);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::core::sse::SseDecoder;

    #[test]
    fn a_batch_holds_each_events_data_and_id_in_order() {
        let mut batch = Batch::default();
        let mut decoder = SseDecoder::new();
        let stream = b"id: 1\ndata: {\"a\":1}\n\ndata: {\ndata: \"b\": 2}\n\nid: x\xFFy\nevent: other\ndata:\n\n";
        decoder.feed(stream, &mut batch).unwrap();
        assert_eq!(batch.data, b"{\"a\":1}\r{\n\"b\": 2}\r");
        assert_eq!(batch.ids, b"\r1\r1\rx\xFFy");
        batch.clear();
        assert!(batch.is_empty());
        decoder.feed(b"data: {}\n\n", &mut batch).unwrap();
        assert!(!batch.is_empty(), "one event with no id is still an event");
        assert_eq!((batch.data.as_slice(), batch.ids.as_slice()), (&b"{}"[..], &b"\rx\xFFy"[..]));
    }
}
