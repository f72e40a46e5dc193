//! One case per parsing rule, then the web-platform-tests `eventsource/format-*` cases and
//! `eventsource-parser`-style chunking cases, and the line-end scan against a plain loop.
//! They run natively and, with the wasm's SIMD scan, in wasm (`scripts/test.sh`).
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;
use crate::core::test_rng::rng;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn ev(event: &str, data: &str, id: &str) -> SseEvent {
    SseEvent { event: event.into(), data: data.into(), id: id.into() }
}

fn decode(input: &[u8]) -> Vec<SseEvent> {
    let mut d = SseDecoder::new();
    let mut out = Vec::new();
    d.feed(input, &mut out).unwrap();
    out
}

fn decode_chunks(chunks: &[&[u8]]) -> (Vec<SseEvent>, SseDecoder) {
    let mut d = SseDecoder::new();
    let mut out = Vec::new();
    for c in chunks {
        d.feed(c, &mut out).unwrap();
    }
    (out, d)
}

// --- the rules, one each ---------------------------------------------------------------

#[test]
fn strips_one_leading_bom_only() {
    assert_eq!(decode(b"\xEF\xBB\xBFdata: a\n\n"), [ev("message", "a", "")]);
    // A second BOM makes the field name "\u{FEFF}data", which is unknown: nothing is dispatched.
    assert_eq!(decode(b"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\n"), []);
}

#[test]
fn bom_split_across_chunks() {
    let (out, _) = decode_chunks(&[b"\xEF", b"\xBB", b"\xBFdata: x\n\n"]);
    assert_eq!(out, [ev("message", "x", "")]);
}

#[test]
fn lines_end_with_cr_lf_or_crlf() {
    assert_eq!(decode(b"data: a\rdata: b\ndata: c\r\n\r\n"), [ev("message", "a\nb\nc", "")]);
}

#[test]
fn crlf_split_across_chunks_is_one_line_end() {
    let (out, _) = decode_chunks(&[b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]);
    assert_eq!(out, [ev("message", "a\nb", "")]);
}

#[test]
fn a_lone_cr_at_a_chunk_end_followed_by_more_text() {
    let (out, _) = decode_chunks(&[b"data: a\r", b"data: b\r\r"]);
    assert_eq!(out, [ev("message", "a\nb", "")]);
}

#[test]
fn comments_are_ignored() {
    assert_eq!(decode(b": keepalive\n\n:\ndata: x\n: more\n\n"), [ev("message", "x", "")]);
}

#[test]
fn a_field_without_colon_has_an_empty_value() {
    assert_eq!(decode(b"data\ndata\ndata: x\n\n"), [ev("message", "\n\nx", "")]);
    assert_eq!(decode(b"data\n\n"), [ev("message", "", "")]);
}

#[test]
fn only_one_leading_space_is_removed() {
    assert_eq!(decode(b"data:  two\n\n"), [ev("message", " two", "")]);
    assert_eq!(decode(b"data:none\n\n"), [ev("message", "none", "")]);
}

#[test]
fn event_sets_the_type_for_one_event() {
    assert_eq!(decode(b"event: activity\ndata: a\n\ndata: b\n\n"), [ev("activity", "a", ""), ev("message", "b", "")]);
}

#[test]
fn data_lines_join_with_newlines() {
    assert_eq!(decode(b"data: a\ndata: b\ndata:\n\n"), [ev("message", "a\nb\n", "")]);
}

#[test]
fn id_persists_and_an_empty_id_clears_it() {
    assert_eq!(
        decode(b"id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n"),
        [ev("message", "a", "1"), ev("message", "b", "1"), ev("message", "c", "")]
    );
}

#[test]
fn an_id_with_nul_is_ignored() {
    let (out, d) = decode_chunks(&[b"id: 7\ndata: a\n\nid: 8\x009\ndata: b\n\n"]);
    assert_eq!(out, [ev("message", "a", "7"), ev("message", "b", "7")]);
    assert_eq!(d.last_event_id(), "7");
}

#[test]
fn retry_takes_digits_only() {
    let (_, d) = decode_chunks(&[b"retry: 2500\n"]);
    assert_eq!(d.retry_ms(), Some(2500));
    let (_, d) = decode_chunks(&[b"retry: 100\nretry: 1e3\nretry: -5\nretry: 5 \nretry:\n"]);
    assert_eq!(d.retry_ms(), Some(100));
    let (_, d) = decode_chunks(&[b"retry: 99999999999999999999999\n"]);
    assert_eq!(d.retry_ms(), Some(u64::MAX));
}

#[test]
fn nothing_is_dispatched_without_data() {
    assert_eq!(decode(b"event: x\nid: 3\n\n\n\n"), []);
    // and the event type does not leak into the next event
    assert_eq!(decode(b"event: x\n\ndata: y\n\n"), [ev("message", "y", "")]);
}

#[test]
fn a_partial_event_at_the_end_is_discarded() {
    let (out, mut d) = decode_chunks(&[b"data: done\n\ndata: half"]);
    assert_eq!(out, [ev("message", "done", "")]);
    d.finish();
    let mut more = Vec::new();
    d.feed(b"\n\n", &mut more).unwrap();
    assert_eq!(more, [], "the half event died with the stream");
    let (out, _) = decode_chunks(&[b"data: a\n"]);
    assert_eq!(out, []);
}

#[test]
fn a_multibyte_character_split_across_chunks() {
    let text = "data: héllo → 世界 🎉\n\n".as_bytes();
    for cut in 0..text.len() {
        let (out, _) = decode_chunks(&[&text[..cut], &text[cut..]]);
        assert_eq!(out, [ev("message", "héllo → 世界 🎉", "")], "cut at {cut}");
    }
}

#[test]
fn invalid_utf8_becomes_replacement_characters() {
    assert_eq!(decode(b"data: a\xFFb\n\n"), [ev("message", "a\u{FFFD}b", "")]);
}

#[test]
fn a_line_that_never_ends_is_an_error_not_growth() {
    let mut d = SseDecoder::with_max_line(16);
    let mut out = Vec::new();
    d.feed(b"data: 0123456", &mut out).unwrap();
    assert_eq!(d.feed(b"789abcdef", &mut out), Err(SseError::LineTooLong { limit: 16 }));
    assert_eq!(d.feed(b"\n\n", &mut out), Err(SseError::LineTooLong { limit: 16 }), "stays failed");
    let mut d = SseDecoder::with_max_line(16);
    assert!(d.feed(b"data: 0123456789\ndata: 0123456789\n", &mut out).is_err(), "an event's data is bounded too");
    assert!(out.is_empty());
}

#[test]
fn a_long_line_fails_however_it_was_chunked() {
    // Found by fuzzing (fuzz/regressions/sse): a complete line over the limit passed when it
    // arrived in one chunk and failed when it was buffered across chunks.
    let input = b"event: much-too-long\ndata: x\n\n";
    let mut out = Vec::new();
    let mut d = SseDecoder::with_max_line(8);
    assert_eq!(d.feed(input, &mut out), Err(SseError::LineTooLong { limit: 8 }));
    let mut d = SseDecoder::with_max_line(8);
    let fed: Vec<_> = input.chunks(1).map(|c| d.feed(c, &mut out)).collect();
    assert_eq!(fed.iter().position(Result::is_err), Some(8), "fails as the 9th byte of the line arrives");
    assert!(out.is_empty());
    let mut d = SseDecoder::with_max_line(0);
    assert!(d.feed(b"\xF0\n", &mut out).is_err(), "the fuzzer's minimized input");
    // A line of exactly the limit still passes, in one chunk or many.
    let (whole, _) = decode_chunks(&[b"event: x\ndata: y\n\n"]);
    let mut d = SseDecoder::with_max_line(8);
    d.feed(b"event: x\ndata: y\n\n", &mut out).unwrap();
    assert_eq!((whole, out), (vec![ev("x", "y", "")], vec![ev("x", "y", "")]));
}

#[test]
fn reconnecting_keeps_the_id_and_retry() {
    let (_, mut d) = decode_chunks(&[b"retry: 10\nid: 5\ndata: a\n\ndata: partial"]);
    d.finish();
    assert_eq!((d.last_event_id().as_ref(), d.retry_ms()), ("5", Some(10)));
    let mut out = Vec::new();
    d.feed(b"\xEF\xBB\xBFdata: b\n\n", &mut out).unwrap();
    assert_eq!(out, [ev("message", "b", "5")], "a new stream may start with its own BOM");
}

// --- web-platform-tests eventsource/format-* ---------------------------------------------

#[test]
fn wpt_format_field_parsing() {
    assert_eq!(decode(b"data:\0\ndata:  2\rData:1\ndata\0:2\ndata:1\r\0data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n data:32\ndata:4\n\n"),
        [ev("message", "\0\n 2\n1\n3\n\n4", "")]);
}

#[test]
fn wpt_format_field_event_empty() {
    assert_eq!(decode(b"event: \ndata:data\n\n"), [ev("message", "data", "")]);
}

#[test]
fn wpt_format_field_unknown() {
    assert_eq!(decode(b"data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\ndata:test\n\n"), [ev("message", "test\n\ntest", "")]);
}

#[test]
fn wpt_format_leading_space() {
    assert_eq!(decode(b"data:\x20test\rdata\ndata\ndata:\x20test\n\n"), [ev("message", "test\n\n\ntest", "")]);
}

#[test]
fn wpt_format_newlines() {
    assert_eq!(decode(b"data:test\r\ndata\ndata:test\r\n\r\n"), [ev("message", "test\n\ntest", "")]);
}

#[test]
fn wpt_format_null_character() {
    assert_eq!(decode(b"data:\0\n\n\n\n"), [ev("message", "\0", "")]);
}

#[test]
fn wpt_format_utf8() {
    assert_eq!(decode("data:ok\u{2026}\n\n".as_bytes()), [ev("message", "ok\u{2026}", "")]);
}

#[test]
fn wpt_format_data_before_final_empty_line() {
    assert_eq!(decode(b"retry:1000\ndata:test1\n\nid:test\ndata:test2"), [ev("message", "test1", "")]);
}

#[test]
fn wpt_format_field_retry_bogus() {
    let (_, d) = decode_chunks(&[b"retry:3000\nretry:1000x\ndata:x\n\n"]);
    assert_eq!(d.retry_ms(), Some(3000));
}

#[test]
fn wpt_format_field_retry_empty() {
    let (out, d) = decode_chunks(&[b"retry\ndata:test\n\n"]);
    assert_eq!((out, d.retry_ms()), (vec![ev("message", "test", "")], None));
}

#[test]
fn wpt_format_comments() {
    let long = "x".repeat(2049);
    let input = format!("data:1\r:\0\n:\r\ndata:2\n:{long}\rdata:3\n:data:fail\r:{long}\ndata:4\n\n");
    assert_eq!(decode(input.as_bytes()), [ev("message", "1\n2\n3\n4", "")]);
}

// --- chunking, as eventsource-parser tests it --------------------------------------------

const SAMPLE: &[u8] = b"\xEF\xBB\xBFretry: 1500\r\nid: 1\nevent: activity\ndata: {\"type\":\"agent.heartbeat\",\"agent_id\":\"ag_xyz\"}\n\n: keepalive\r\r\
id: 2\revent: activity\rdata: {\"type\":\"task.completed\",\r\ndata: \"task_id\":\"tsk_456\"}\r\n\r\n\
data: multi\ndata: line \xE2\x9C\x93\n\nid\ndata: no id\n\ndata: tail";

#[test]
fn every_two_chunk_split_matches_one_shot() {
    let (whole, d) = decode_chunks(&[SAMPLE]);
    assert_eq!(whole.len(), 4);
    assert_eq!(whole[1], ev("activity", "{\"type\":\"task.completed\",\n\"task_id\":\"tsk_456\"}", "2"));
    assert_eq!(whole[2], ev("message", "multi\nline ✓", "2"));
    assert_eq!(whole[3], ev("message", "no id", ""));
    assert_eq!(d.retry_ms(), Some(1500));
    for cut in 0..=SAMPLE.len() {
        let (split, _) = decode_chunks(&[&SAMPLE[..cut], &SAMPLE[cut..]]);
        assert_eq!(split, whole, "split at {cut}");
    }
}

#[test]
fn byte_by_byte_matches_one_shot() {
    let (whole, _) = decode_chunks(&[SAMPLE]);
    let bytes: Vec<&[u8]> = SAMPLE.chunks(1).collect();
    let (split, _) = decode_chunks(&bytes);
    assert_eq!(split, whole);
    let (empty_chunks, _) = decode_chunks(&[b"", b"data: a\r", b"", b"\n", b"", b"\n"]);
    assert_eq!(empty_chunks, [ev("message", "a", "")]);
}

#[test]
fn line_end_finds_the_first_cr_or_lf_at_any_offset() {
    for len in 0..40 {
        for at in 0..len {
            for end in [b'\r', b'\n'] {
                // Bytes one off CR and LF (and ones that borrow in the word test) around it.
                let mut bytes: Vec<u8> = (0..len).map(|i| [0x0c, 0x0e, 0x0b, 0x8d, 0x00, 0xff, b'a'][i % 7]).collect();
                bytes[at] = end;
                if at + 1 < len {
                    bytes[at + 1] = b'\n';
                }
                assert_eq!(line_end(&bytes), Some(at), "{bytes:?}");
            }
        }
        let none: Vec<u8> = (0..len).map(|i| [0x0c, 0x0e, 0x0b, 0x8d, 0x00, 0xff][i % 6]).collect();
        assert_eq!(line_end(&none), None);
    }
}

#[test]
fn an_id_counts_only_once_its_event_is_complete() {
    // The connection drops after event 2's id and before its blank line: resuming must ask
    // for what follows 1, or event 2 is never seen.
    let (out, mut d) = decode_chunks(&[b"id: 1\ndata: a\n\nid: 2\nevent: activity\n"]);
    assert_eq!((out, d.last_event_id().as_ref()), (vec![ev("message", "a", "1")], "1"));
    d.finish();
    assert_eq!(d.last_event_id(), "1");
    let mut out = Vec::new();
    d.feed(b"data: b\n\n", &mut out).unwrap();
    assert_eq!(out, [ev("message", "b", "1")], "the dropped id is gone with its event");
    // A blank line commits an id even without data.
    d.feed(b"id: 3\n\n", &mut out).unwrap();
    assert_eq!(d.last_event_id(), "3");
}

#[test]
fn resuming_from_a_callers_id() {
    let mut d = SseDecoder::new();
    d.resume_from(b"41");
    assert_eq!(d.last_event_id(), "41");
    let mut out = Vec::new();
    d.feed(b"data: a\n\nid\ndata: b\n\n", &mut out).unwrap();
    assert_eq!(out, [ev("message", "a", "41"), ev("message", "b", "")]);
    assert_eq!(d.last_event_id(), "", "the server reset it");
}

#[test]
fn text_held_decoded_is_bounded_too() {
    // Each 0xFF becomes a U+FFFD of three bytes: 18 bytes read would be 42 held.
    let mut out = Vec::new();
    let mut d = SseDecoder::with_max_line(30);
    let line = [&b"data: "[..], &[0xFF; 12], b"\n\n"].concat();
    assert_eq!(d.feed(&line, &mut out), Err(SseError::LineTooLong { limit: 30 }));
    let mut d = SseDecoder::with_max_line(30);
    let id = [&b"id: "[..], &[0xFF; 9], b"\n"].concat();
    assert!(d.feed(&id, &mut out).is_err(), "an id line too");
    // Two lines of 8 each pass as lines (30 decoded), not as one event's data (50).
    let mut d = SseDecoder::with_max_line(30);
    let two = [&b"data: "[..], &[0xFF; 8], b"\ndata: ", &[0xFF; 8], b"\n"].concat();
    d.feed(&two, &mut out).unwrap();
    assert_eq!(d.feed(b"\n", &mut out), Err(SseError::LineTooLong { limit: 30 }));
    assert!(out.is_empty());
    // Valid UTF-8 decodes to its own length: a line of exactly the limit passes.
    let mut d = SseDecoder::with_max_line(30);
    d.feed(format!("data: {}\n\n", "é".repeat(12)).as_bytes(), &mut out).unwrap();
    assert_eq!(out, [ev("message", &"é".repeat(12), "")]);
    assert_eq!(decoded_len(b"a\xF0\x9F\x98b\xFF\xE2\x82\xAC"), String::from_utf8_lossy(b"a\xF0\x9F\x98b\xFF\xE2\x82\xAC").len());
}

#[test]
fn last_event_id_goes_back_as_its_utf8_bytes() {
    let (_, d) = decode_chunks(&["id: café😀\u{FFFD}\ndata: a\n\n".as_bytes()]);
    let header: Vec<u32> = d.last_event_id_header(false).chars().map(u32::from).collect();
    assert_eq!(d.last_event_id_header(true), "café😀\u{FFFD}", "for a runtime that encodes it itself");
    let utf8: Vec<u32> = "café😀\u{FFFD}".bytes().map(u32::from).collect();
    assert_eq!(header, utf8);
    assert_eq!(&header[..5], [0x63, 0x61, 0x66, 0xc3, 0xa9]);
    // Bytes that are not UTF-8 go back as the U+FFFD they were decoded to.
    let (_, d) = decode_chunks(&[b"id: x\xFFy\ndata: a\n\n"]);
    assert_eq!(d.last_event_id_header(false), super::super::text::byte_string("x\u{FFFD}y".as_bytes()));
    let mut d = SseDecoder::new();
    d.resume_from("é".as_bytes());
    assert_eq!(d.last_event_id_header(false), "\u{c3}\u{a9}");
}

#[test]
fn the_content_type_is_compared_by_mime_essence() {
    for yes in ["text/event-stream", "Text/Event-Stream; charset=utf-8", " text/event-stream ;x=y", "TEXT/EVENT-STREAM\t"] {
        assert!(is_event_stream(yes), "{yes}");
    }
    for no in ["", "text/event-streamx", "text/event-stream-x; a=b", "text/html", "application/json; text/event-stream", "text/event stream"] {
        assert!(!is_event_stream(no), "{no}");
    }
}

// --- the line-end scan ---------------------------------------------------------------------

/// The first CR or LF, as a plain loop finds it.
fn line_end_reference(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\r' || b == b'\n')
}


/// Bytes one bit away from CR or LF (0x0C, 0x0B, 0x8D, 0x2A…), which a wrong lane compare
/// would take for them, and plain text.
const NEAR: &[u8] = &[b'a', 0x0c, 0x0b, 0x0e, 0x8d, 0x8a, 0x2a, 0x2d, 0x09, 0xff, 0x00, b' '];

#[test]
fn a_line_end_is_found_at_every_position_around_the_vector_boundaries() {
    let ends: [&[u8]; 3] = [b"\r", b"\n", b"\r\n"];
    // A start that moves through the 16 byte offsets: the scan loads unaligned vectors.
    let buffer: Vec<u8> = (0..96).map(|i| NEAR[i % NEAR.len()]).collect();
    for start in 0..16 {
        for len in 0..=64 {
            let plain = &buffer[start..start + len];
            assert_eq!(line_end(plain), None, "{start} {len}");
            for at in 0..len {
                for end in ends {
                    for second in [None, Some(at + 1), Some(len - 1)] {
                        let mut bytes = plain.to_vec();
                        for (i, &b) in end.iter().enumerate() {
                            if let Some(slot) = bytes.get_mut(at + i) {
                                *slot = b;
                            }
                        }
                        if let Some(slot) = second.filter(|&s| s > at).and_then(|s| bytes.get_mut(s)) {
                            *slot = b'\n';
                        }
                        assert_eq!(line_end(&bytes), Some(at), "{start} {len} {at} {end:?} {second:?}");
                    }
                }
            }
        }
    }
}

#[test]
fn the_line_end_scan_matches_a_plain_loop_on_random_bytes() {
    let mut next = rng(0x5eed);
    for _ in 0..20_000 {
        let len = next(200);
        // Mostly text, a line end now and then, sometimes any byte at all.
        let bytes: Vec<u8> = (0..len)
            .map(|_| match next(64) {
                0 => b'\r',
                1 => b'\n',
                2..=9 => next(256) as u8,
                _ => NEAR[next(NEAR.len())],
            })
            .collect();
        for from in [0, 1, 15, 16, 17].into_iter().filter(|&f| f <= len) {
            assert_eq!(line_end(&bytes[from..]), line_end_reference(&bytes[from..]), "{bytes:?} from {from}");
        }
    }
}

#[test]
fn streams_decode_alike_in_any_chunks_whatever_the_line_lengths() {
    // Lines of every length around the vector size, CR, LF and CRLF ends, cut at every
    // chunk size: the decoder gives the same events as in one piece.
    let mut stream = Vec::new();
    for len in 0..48 {
        let end: &[u8] = [&b"\r"[..], b"\n", b"\r\n"][len % 3];
        stream.extend_from_slice(b"data: ");
        stream.extend(std::iter::repeat_n(b'x', len));
        stream.extend_from_slice(end);
        stream.extend_from_slice(end);
    }
    let whole = decode(&stream);
    assert_eq!(whole.len(), 48);
    assert!(whole.iter().enumerate().all(|(len, e)| e.data.len() == len));
    for size in 1..=40 {
        let chunks: Vec<&[u8]> = stream.chunks(size).collect();
        assert_eq!(decode_chunks(&chunks).0, whole, "chunks of {size}");
    }
}
