//! `capx::core::sse::SseDecoder` on any bytes, cut into chunks at any boundaries.
//!
//! Input layout:
//!   [limit] [seed hi] [seed lo] [reconnect] stream bytes...
//! limit < 128 makes the decoder's max line that many bytes (so the guard is reached),
//! anything else keeps the default (1 MiB). The seed drives a PRNG that cuts the stream
//! into chunks of 0..=N bytes (empty chunks included). A non-zero `reconnect` cuts the
//! stream in two at reconnect/256 of its length, with `finish()` in between (the stream
//! ended and a new one starts on the same decoder, as after a reconnect).
//!
//! Checked on every input: no panic; the stream fed in one chunk per connection, in random
//! chunks and byte by byte gives the same events, the same error, the same last event id
//! and retry as a small line-by-line reference decoder written from the WHATWG rules; and
//! the max-line guard holds: no event's data, type or id is longer than the limit, and any
//! line longer than the limit, as received or as decoded text, is an error, however it was
//! chunked. The activity stream's
//! `Batch`, fed the same stream, splits back into exactly those events' data and ids; and
//! when it says every event is flat and its text parses at once, it parses into exactly
//! what each event's data parses to alone (`core::activity`'s promise).
#![no_main]

use capx::core::activity::{Batch, CR};
use capx::core::sse::{SseDecoder, SseError, SseEvent, SseSink, DEFAULT_MAX_LINE};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, PartialEq)]
struct Outcome {
    events: Vec<SseEvent>,
    error: Option<SseError>,
    last_event_id: String,
    retry_ms: Option<u64>,
}

/// Feeds each stream in the chunks `cut` makes of it, `finish()` between streams.
fn decode(streams: &[&[u8]], max: usize, cut: impl FnMut(&[u8]) -> Vec<std::ops::Range<usize>>) -> Outcome {
    let mut events = Vec::new();
    let (error, d) = decode_into(streams, max, cut, &mut events);
    Outcome { events, error, last_event_id: d.last_event_id().into_owned(), retry_ms: d.retry_ms() }
}

fn decode_into(
    streams: &[&[u8]],
    max: usize,
    mut cut: impl FnMut(&[u8]) -> Vec<std::ops::Range<usize>>,
    events: &mut impl SseSink,
) -> (Option<SseError>, SseDecoder) {
    let mut d = SseDecoder::with_max_line(max);
    let mut error = None;
    for (i, stream) in streams.iter().enumerate() {
        if i > 0 {
            d.finish();
        }
        for range in cut(stream) {
            match d.feed(&stream[range], events) {
                Ok(()) => assert!(error.is_none(), "a failed decoder stays failed"),
                Err(e) => {
                    assert!(error.is_none() || error.as_ref() == Some(&e), "one error, repeated");
                    error = Some(e);
                }
            }
        }
    }
    (error, d)
}

/// The WHATWG "interpret an event stream" steps, one whole line at a time, with the guard
/// as documented: a line longer than `max` bytes (as received, before a BOM is stripped),
/// or an event's data reaching `max` bytes, is an error that ends the decoding for good,
/// whether or not the line arrived in one chunk; so is a line (after the BOM) or an event's
/// data (its lines joined by LF) whose text, decoded with U+FFFD for what is not UTF-8, is
/// longer than `max` bytes.
fn reference(streams: &[&[u8]], max: usize) -> Outcome {
    let mut out = Outcome { events: Vec::new(), error: None, last_event_id: String::new(), retry_ms: None };
    'streams: for stream in streams {
        // The id of an event cut off with its stream never counts.
        let mut id_buffer = out.last_event_id.clone();
        let mut event_type = String::new();
        let mut data = Vec::new();
        let mut lines: Vec<&[u8]> = Vec::new();
        let (mut start, mut i) = (0, 0);
        while i < stream.len() {
            match stream[i] {
                b'\r' => {
                    lines.push(&stream[start..i]);
                    if stream.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    start = i + 1;
                }
                b'\n' => {
                    lines.push(&stream[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
            i += 1;
        }
        let tail = &stream[start..];
        for (n, line) in lines.into_iter().enumerate() {
            if line.len() > max {
                out.error = Some(SseError::LineTooLong { limit: max });
                break 'streams;
            }
            let line = if n == 0 { line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line) } else { line };
            if decoded_len(line) > max {
                out.error = Some(SseError::LineTooLong { limit: max });
                break 'streams;
            }
            if line.is_empty() {
                if decoded_len(&data) > max {
                    out.error = Some(SseError::LineTooLong { limit: max });
                    break 'streams;
                }
                out.last_event_id = id_buffer.clone();
                if !data.is_empty() {
                    data.pop();
                    let event = if event_type.is_empty() { "message".to_owned() } else { event_type.clone() };
                    let data = String::from_utf8_lossy(&std::mem::take(&mut data)).into_owned();
                    out.events.push(SseEvent { event, data, id: out.last_event_id.clone() });
                }
                data.clear();
                event_type.clear();
                continue;
            }
            if line[0] == b':' {
                continue;
            }
            let (field, value) = match line.iter().position(|&b| b == b':') {
                Some(c) => {
                    let v = &line[c + 1..];
                    (&line[..c], v.strip_prefix(b" ").unwrap_or(v))
                }
                None => (line, &b""[..]),
            };
            let text = String::from_utf8_lossy(value);
            match field {
                b"data" => {
                    // Bytes as received, before U+FFFD can make the text longer.
                    if data.len() + value.len() >= max {
                        out.error = Some(SseError::LineTooLong { limit: max });
                        break 'streams;
                    }
                    data.extend_from_slice(value);
                    data.push(b'\n');
                }
                b"event" => event_type = text.into_owned(),
                b"id" if !value.contains(&0) => id_buffer = text.into_owned(),
                b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                    out.retry_ms = Some(text.parse().unwrap_or(u64::MAX));
                }
                _ => {}
            }
        }
        if tail.len() > max {
            out.error = Some(SseError::LineTooLong { limit: max });
            break;
        }
    }
    out
}

/// The length of `bytes` as text, each invalid sequence a 3-byte U+FFFD.
fn decoded_len(bytes: &[u8]) -> usize {
    String::from_utf8_lossy(bytes).len()
}

/// xorshift64*: chunk sizes from the input's own seed, so a crash reproduces.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fuzz_target!(|input: &[u8]| {
    let Some((&[limit, hi, lo, reconnect], stream)) = input.split_first_chunk::<4>() else { return };
    let max = if limit < 128 { usize::from(limit) } else { DEFAULT_MAX_LINE };
    let at = stream.len() * usize::from(reconnect) / 256;
    let streams: Vec<&[u8]> = if reconnect == 0 { vec![stream] } else { vec![&stream[..at], &stream[at..]] };

    let want = reference(&streams, max);
    let whole = decode(&streams, max, |s| vec![0..s.len()]);
    assert_eq!(whole, want, "one chunk per stream vs the reference");

    let mut rng = Rng((u64::from(hi) << 8 | u64::from(lo)).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let random = decode(&streams, max, |s| {
        let mut ranges = Vec::new();
        let mut pos = 0;
        while pos < s.len() {
            let r = rng.next();
            // Mostly short chunks (every CR/LF/BOM boundary case), sometimes long ones.
            let len = if r & 7 == 0 { (r >> 8) as usize % 257 } else { (r >> 8) as usize % 5 };
            let end = (pos + len).min(s.len());
            ranges.push(pos..end);
            pos = end;
        }
        ranges
    });
    assert_eq!(random, want, "random chunks vs the reference");

    let bytes = decode(&streams, max, |s| (0..s.len()).map(|i| i..i + 1).collect());
    assert_eq!(bytes, want, "byte by byte vs the reference");

    // What JavaScript does with a batch (eventBatch in js/runtime.js): decode, parse at once
    // when flat, or split on CR and parse each event's data alone.
    let mut batch = Batch::default();
    decode_into(&streams, max, |s| vec![0..s.len()], &mut batch);
    let (count, flat) = (batch.count() as usize, batch.flat());
    let (json, ids) = batch.texts();
    let split = |bytes: &[u8]| String::from_utf8_lossy(bytes).split(char::from(CR)).map(str::to_owned).collect::<Vec<_>>();
    let data: Vec<String> = want.events.iter().map(|e| e.data.clone()).collect();
    assert_eq!(count, data.len());
    // An empty batch is never handed to JavaScript.
    if count > 0 {
        let texts: Vec<String> = split(json).into_iter().skip(1).step_by(2).collect();
        assert_eq!(texts, data, "the batch splits into the events' data");
        let want_ids: Vec<String> = std::iter::once(String::new()).chain(want.events.iter().map(|e| e.id.clone())).collect();
        assert_eq!(split(ids), want_ids, "the ids split into the events' ids");
    }
    if flat && count > 0 {
        let at_once = serde_json::from_str::<Vec<serde_json::Value>>(&String::from_utf8_lossy(json)).ok();
        let alone: Option<Vec<serde_json::Value>> = data.iter().map(|d| serde_json::from_str(d).ok()).collect();
        match (at_once, alone) {
            (Some(at_once), alone) => assert_eq!(Some(at_once), alone, "a flat batch parsed at once is what each event parses to alone"),
            (None, Some(_)) => panic!("flat events that each parse must parse at once"),
            (None, None) => {}
        }
    }

    // The guard bounds what is buffered in bytes as received; decoded text is at most 3 times
    // that (one invalid byte becomes the 3-byte U+FFFD).
    for e in &want.events {
        assert!(e.data.len() < 3 * max, "an event's data stays bounded: {e:?}");
        assert!(e.event.len() <= (3 * max).max("message".len()) && e.id.len() <= 3 * max, "{e:?}");
    }
});
