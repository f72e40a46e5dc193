//! Activity events cross into JavaScript a batch at a time: every event of a read in one text,
//! `[` CR data (CR `,` CR data)* CR `]`, and their ids in another. When every event's data
//! is a flat object, JavaScript parses the whole text with one `JSON.parse` (one call per
//! event cost more than all the rest of decoding the stream); otherwise it splits the text
//! on CR (no data can hold one: CR ends an SSE line) and parses each event's data alone.
//!
//! Why one parse gives exactly what each event's data parses to alone: a flat event's data
//! opens with `{`, closes with `}`, and holds no other bracket. No string is open where an
//! event ends, or the separator's raw CR would sit inside it and the parse fail; so those
//! two braces are the event's only brackets outside strings, every separator is a comma
//! between the array's elements, and each element is one event's data, parsed as it would
//! be alone. Anything else (`{"x":[1` then `2]}` would merge into one object, `{},{}` split
//! into two) is not flat, and so never parsed with its neighbours.

use super::sse::SseSink;

/// Frames the batch text and separates events in it and in the ids.
pub const CR: u8 = b'\r';

const SEPARATOR: &[u8] = b"\r,\r";
const CLOSE: &[u8] = b"\r]";

#[derive(Debug)]
pub struct Batch {
    text: Vec<u8>,
    /// Whether `text` ends in `CLOSE`, which the next event goes before.
    closed: bool,
    /// A CR before each event's id.
    ids: Vec<u8>,
    count: u32,
    flat: bool,
}

impl Default for Batch {
    fn default() -> Self {
        Self { text: b"[\r".to_vec(), closed: false, ids: Vec::new(), count: 0, flat: true }
    }
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// How many events the batch holds.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// Whether every event's data is a flat object, so that the text parses at once.
    pub fn flat(&self) -> bool {
        self.flat
    }

    /// The events' data as a JSON array text, and their ids.
    pub fn texts(&mut self) -> (&[u8], &[u8]) {
        if !self.closed {
            self.text.extend_from_slice(CLOSE);
            self.closed = true;
        }
        (&self.text, &self.ids)
    }

    pub fn clear(&mut self) {
        self.text.truncate(1);
        self.text.push(CR);
        self.closed = false;
        self.ids.clear();
        self.count = 0;
        self.flat = true;
    }
}

impl SseSink for Batch {
    /// The activity stream's events name their type in their data.
    const TYPED: bool = false;

    #[inline(always)]
    fn event(&mut self, _event_type: &[u8], data: &[u8], id: &[u8]) {
        if self.closed {
            self.text.truncate(self.text.len().saturating_sub(CLOSE.len()));
            self.closed = false;
        }
        if self.count > 0 {
            self.text.extend_from_slice(SEPARATOR);
        }
        self.text.extend_from_slice(data);
        self.flat &= is_flat(data);
        self.ids.push(CR);
        self.ids.extend_from_slice(id);
        self.count = self.count.saturating_add(1);
    }
}

/// `{`, then no bracket of either kind, then `}`.
fn is_flat(data: &[u8]) -> bool {
    matches!(data, [b'{', .., b'}']) && brackets(data) == 2
}

/// How many of `data`'s bytes are `{`, `}`, `[` or `]`, sixteen at a time (`core::simd`).
fn brackets(data: &[u8]) -> usize {
    let (vectors, rest) = super::simd::vectors(data);
    // `[` and `]` are `{` and `}` but for the 0x20 bit.
    let found: u32 = vectors.map(|v| super::simd::either(super::simd::or_each(v, 0x20), b'{', b'}').count_ones()).sum();
    found as usize + brackets_bytewise(rest)
}

fn brackets_bytewise(data: &[u8]) -> usize {
    data.iter().filter(|&&b| matches!(b, b'{' | b'}' | b'[' | b']')).count()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::core::sse::SseDecoder;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_batch_holds_each_events_data_and_id_in_order() {
        let mut batch = Batch::default();
        let mut decoder = SseDecoder::new();
        let stream = b"id: 1\ndata: {\"a\":1}\n\ndata: {\ndata: \"b\": 2}\n\nid: x\xFFy\nevent: other\ndata:\n\n";
        decoder.feed(stream, &mut batch).unwrap();
        assert_eq!(batch.count(), 3);
        assert_eq!(batch.texts().1, b"\r1\r1\rx\xFFy");
        assert!(!batch.flat(), "the last event's data is empty");
        assert_eq!(batch.texts().0, b"[\r{\"a\":1}\r,\r{\n\"b\": 2}\r,\r\r]");
        assert_eq!(batch.texts().0, b"[\r{\"a\":1}\r,\r{\n\"b\": 2}\r,\r\r]", "closed once");
        batch.clear();
        assert!(batch.is_empty() && batch.flat());
        assert_eq!(batch.texts().0, b"[\r\r]");
        decoder.feed(b"data: {}\n\n", &mut batch).unwrap();
        assert!(!batch.is_empty(), "one event with no id is still an event");
        assert_eq!(batch.texts(), (&b"[\r{}\r]"[..], &b"\rx\xFFy"[..]));
    }

    #[test]
    fn flat_events_parse_at_once_into_what_each_parses_to() {
        let mut batch = Batch::default();
        let mut decoder = SseDecoder::new();
        decoder.feed(b"data: {\"a\":1,\"b\":\"x,y\"}\n\ndata: { \"c\" : \"\\\"\" }\n\n", &mut batch).unwrap();
        assert!(batch.flat());
        let parsed: serde_json::Value = serde_json::from_slice(batch.texts().0).unwrap();
        assert_eq!(parsed, serde_json::json!([{ "a": 1, "b": "x,y" }, { "c": "\"" }]));
    }

    #[test]
    fn only_a_brace_pair_with_no_other_bracket_is_flat() {
        let flat: &[&[u8]] = &[b"{}", b"{\"a\":\"b\"}", b"{\"type\":\"task.created\",\"cost\":0.25,\"x\":null,\"y\":true}"];
        let not_flat: &[&[u8]] = &[
            b"",
            b"{",
            b" {}",
            b"{} ",
            b"[]",
            b"{\"a\":[1]}",
            b"{\"a\":{}}",
            b"{\"a\":\"]\"}",
            b"{},{}",
            b"{\"x\":[1",
            b"\"}\"",
            b"{\"a\":\"{\"}",
        ];
        for data in flat {
            assert!(is_flat(data), "{:?}", String::from_utf8_lossy(data));
        }
        for data in not_flat {
            assert!(!is_flat(data), "{:?}", String::from_utf8_lossy(data));
        }
        let long: Vec<u8> = [&b"{\""[..], &b"ab".repeat(40), b"\":\"", &b"[".repeat(17), b"\"}"].concat();
        assert_eq!(brackets(&long), 19);
    }

    #[test]
    fn the_bracket_count_matches_a_plain_loop() {
        // Every byte value at every position of every length around the vector size (the
        // 0x20 fold must not count `;`, `{`'s neighbours or bytes above 0x80), then random text.
        for len in 0..=48 {
            for at in 0..len {
                for byte in 0..=255u8 {
                    let mut data = vec![b'a'; len];
                    data[at] = byte;
                    assert_eq!(brackets(&data), brackets_bytewise(&data), "{len} {at} {byte}");
                }
            }
        }
        // The brackets, their 0x20-bit twins (`;`, `{`'s neighbours) and bytes above 0x80.
        const ALPHABET: &[u8] = b"{}[]{;a\x1b\x1d\xfb\xdb\x5c";
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..5_000 {
            let mut next = || {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x
            };
            let len = (next() % 100) as usize;
            let data: Vec<u8> = (0..len).map(|_| ALPHABET[next() as usize % ALPHABET.len()]).collect();
            assert_eq!(brackets(&data), brackets_bytewise(&data), "{data:?}");
        }
    }
}
