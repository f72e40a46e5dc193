//! A Server-Sent Events decoder following the WHATWG HTML "server-sent events" parsing
//! rules (§9.2.6), fed byte chunks of any size.
//!
//! Lines are split on bytes: CR and LF never occur inside a multi-byte UTF-8 sequence, so a
//! character split across chunks simply waits in the line buffer. Events leave as the bytes
//! received: decoding them (U+FFFD for what is not UTF-8) gives the same text as decoding the
//! stream first, since every piece is cut at an ASCII byte, and a receiver that decodes a
//! whole batch at once saves a pass and an allocation per event.

use std::borrow::Cow;

/// Whether a `Content-Type` names an event stream: its MIME type essence (before any
/// parameter, without the whitespace around it) is `text/event-stream`, in any letter case.
pub fn is_event_stream(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default();
    essence.trim().eq_ignore_ascii_case("text/event-stream")
}

/// A line (or an event's data) longer than this without an end is an error, not unbounded
/// memory growth.
pub const DEFAULT_MAX_LINE: usize = 1 << 20;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Where the decoder dispatches events: the `event:` type ("" when none was given), the data,
/// and the last event id in force ("" when none).
pub trait SseSink {
    /// Whether `event` reads its `event_type`; when not, `event:` lines cost no copy.
    const TYPED: bool = true;
    fn event(&mut self, event_type: &[u8], data: &[u8], id: &[u8]);
}

enum Field {
    Data,
    Event,
    Id,
    Retry,
    Other,
}

impl Field {
    fn named(name: &[u8]) -> Self {
        match name {
            b"data" => Self::Data,
            b"event" => Self::Event,
            b"id" => Self::Id,
            b"retry" => Self::Retry,
            _ => Self::Other,
        }
    }
}

/// An event as text, for receivers that keep events one by one (tests, the fuzzer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field, or "message".
    pub event: String,
    pub data: String,
    /// The last event id in force when the event was dispatched ("" when none).
    pub id: String,
}

impl SseSink for Vec<SseEvent> {
    fn event(&mut self, event_type: &[u8], data: &[u8], id: &[u8]) {
        let event = if event_type.is_empty() { "message".into() } else { String::from_utf8_lossy(event_type).into_owned() };
        self.push(SseEvent { event, data: String::from_utf8_lossy(data).into_owned(), id: String::from_utf8_lossy(id).into_owned() });
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SseError {
    LineTooLong { limit: usize },
}

impl SseError {
    pub fn message(&self) -> String {
        match self {
            Self::LineTooLong { limit } => {
                let limit = super::text::decimal(i64::try_from(*limit).unwrap_or(i64::MAX));
                ["an event stream line or event exceeded ", &limit, " bytes"].concat()
            }
        }
    }
}

#[derive(Debug)]
pub struct SseDecoder {
    max_line: usize,
    line: Vec<u8>,
    /// The previous chunk ended in CR: an LF opening this one belongs to that line end.
    after_cr: bool,
    /// Whether the first line of the current stream (where a BOM may sit) is behind us.
    started: bool,
    event_type: Vec<u8>,
    /// Each `data:` value so far, each followed by LF.
    data: Vec<u8>,
    /// The `id:` in force for the event being read ("the last event ID buffer").
    id_buffer: Vec<u8>,
    /// The id as of the last complete event, which a reconnection resumes from: an `id:` of
    /// an event cut off by a dropped connection must not count, or that event is skipped.
    /// Kept only while an `id:` line has changed `id_buffer` since the last blank line
    /// (`id_changed`); otherwise it is `id_buffer`, and dispatching an event copies nothing.
    committed_id: Vec<u8>,
    id_changed: bool,
    retry_ms: Option<u64>,
    /// Set by an over-long line; from then on every `feed` fails the same way, since the
    /// stream's framing can no longer be trusted.
    failed: bool,
}

impl Default for SseDecoder {
    fn default() -> Self {
        Self::with_max_line(DEFAULT_MAX_LINE)
    }
}

impl SseDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_max_line(limit: usize) -> Self {
        Self {
            max_line: limit,
            line: Vec::new(),
            after_cr: false,
            started: false,
            event_type: Vec::new(),
            data: Vec::new(),
            id_buffer: Vec::new(),
            committed_id: Vec::new(),
            id_changed: false,
            retry_ms: None,
            failed: false,
        }
    }

    /// Feeds one chunk, dispatching every event it completes to `out`.
    pub fn feed(&mut self, chunk: &[u8], out: &mut impl SseSink) -> Result<(), SseError> {
        if self.failed {
            return Err(self.too_long());
        }
        let mut rest = chunk;
        if self.after_cr && !rest.is_empty() {
            self.after_cr = false;
            if let Some(tail) = rest.strip_prefix(b"\n") {
                rest = tail;
            }
        }
        // The data of the event being read while it is a single line of this chunk, handed
        // to `out` from where it is: one copy per event instead of two.
        let mut pending = None;
        while let Some(end) = line_end(rest) {
            let (head, tail) = rest.split_at(end);
            if self.line.is_empty() {
                // A line that came whole in one chunk is held to the same limit as one
                // buffered across chunks: how the network cut the stream never changes
                // whether it fails.
                if head.len() > self.max_line {
                    return self.fail();
                }
                self.line_done(head, &mut pending, out)?;
            } else {
                self.buffer(head)?;
                let line = std::mem::take(&mut self.line);
                // The buffer is reused for the next line: data from it is copied at once.
                let mut copied = None;
                let done = self.line_done(&line, &mut copied, out).and_then(|()| self.keep(copied));
                self.line = line;
                self.line.clear();
                done?;
            }
            rest = match tail {
                [b'\r', b'\n', after @ ..] => after,
                [b'\r'] => {
                    self.after_cr = true;
                    &[]
                }
                [_, after @ ..] => after,
                [] => &[],
            };
        }
        self.keep(pending)?;
        self.buffer(rest)
    }

    /// Starts from an id a previous connection left (the caller's `lastEventId`), as if an
    /// event had carried it.
    pub fn resume_from(&mut self, id: &[u8]) {
        id.clone_into(&mut self.id_buffer);
        self.id_changed = false;
    }

    /// The stream ended: drops any incomplete event, its `id:` included. The last event id
    /// and retry delay survive for the next connection, which starts a new stream (BOM and all).
    pub fn finish(&mut self) {
        self.line.clear();
        self.after_cr = false;
        self.started = false;
        self.event_type.clear();
        self.data.clear();
        if self.id_changed {
            std::mem::swap(&mut self.id_buffer, &mut self.committed_id);
            self.id_changed = false;
        }
    }

    pub fn last_event_id(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(if self.id_changed { &self.committed_id } else { &self.id_buffer })
    }

    /// The `Last-Event-ID` value a reconnection sends (WHATWG: the id "encoded as UTF-8").
    /// Fetch writes a header string one byte per character, so the id's UTF-8 bytes go as
    /// one character each; a runtime that writes header strings as UTF-8 itself
    /// (`utf8_headers`: workerd) gets the text. Any id fits: it holds no CR, LF (they end
    /// lines) or NUL (such an id is ignored).
    pub fn last_event_id_header(&self, utf8_headers: bool) -> String {
        let id = self.last_event_id();
        if utf8_headers {
            id.into_owned()
        } else {
            super::text::byte_string(id.as_bytes())
        }
    }

    pub fn retry_ms(&self) -> Option<u64> {
        self.retry_ms
    }

    fn too_long(&self) -> SseError {
        SseError::LineTooLong { limit: self.max_line }
    }

    /// Whether `bytes`, once decoded, outgrow the limit: each invalid byte becomes a U+FFFD
    /// of three, so the text a receiver holds could otherwise reach three times the bytes
    /// read. Only what is longer than a third of the limit needs counting.
    fn decodes_too_long(&self, bytes: &[u8]) -> bool {
        bytes.len() > self.max_line / 3 && decoded_len(bytes) > self.max_line
    }

    fn buffer(&mut self, bytes: &[u8]) -> Result<(), SseError> {
        if self.line.len() + bytes.len() > self.max_line {
            return self.fail();
        }
        self.line.extend_from_slice(bytes);
        Ok(())
    }

    fn fail(&mut self) -> Result<(), SseError> {
        self.finish();
        self.failed = true;
        Err(self.too_long())
    }

    /// Copies a pending data line into the data buffer, LF and all.
    fn keep(&mut self, pending: Option<&[u8]>) -> Result<(), SseError> {
        match pending {
            Some(value) => self.append_data(value),
            None => Ok(()),
        }
    }

    fn append_data(&mut self, value: &[u8]) -> Result<(), SseError> {
        if self.data.len() + value.len() >= self.max_line {
            return self.fail();
        }
        self.data.extend_from_slice(value);
        self.data.push(b'\n');
        Ok(())
    }

    /// `pending` is the event's data while it is one line that outlives this call (see `feed`).
    #[inline(always)]
    fn line_done<'a, O: SseSink>(&mut self, mut line: &'a [u8], pending: &mut Option<&'a [u8]>, out: &mut O) -> Result<(), SseError> {
        if !self.started {
            self.started = true;
            line = line.strip_prefix(BOM).unwrap_or(line);
        }
        if self.decodes_too_long(line) {
            return self.fail();
        }
        let (field, value) = match line {
            [] => return self.dispatch(pending.take(), out),
            [b':', ..] => return Ok(()),
            // The fields of nearly every line of a stream, without a search for the colon.
            [b'd', b'a', b't', b'a', b':', value @ ..] => (Field::Data, value),
            [b'i', b'd', b':', value @ ..] => (Field::Id, value),
            [b'e', b'v', b'e', b'n', b't', b':', value @ ..] => (Field::Event, value),
            _ => match line.iter().position(|&b| b == b':') {
                Some(colon) => {
                    let (name, value) = line.split_at(colon);
                    (Field::named(name), value.get(1..).unwrap_or_default())
                }
                None => (Field::named(line), &[][..]),
            },
        };
        let value = match value {
            [b' ', rest @ ..] => rest,
            _ => value,
        };
        match field {
            Field::Data => match pending.take() {
                None if self.data.is_empty() && value.len() < self.max_line => *pending = Some(value),
                first => {
                    self.keep(first)?;
                    self.append_data(value)?;
                }
            },
            Field::Event if O::TYPED => value.clone_into(&mut self.event_type),
            Field::Id if !value.contains(&0) => {
                if !self.id_changed {
                    // The id in force is the committed one until the next blank line.
                    std::mem::swap(&mut self.id_buffer, &mut self.committed_id);
                    self.id_changed = true;
                }
                value.clone_into(&mut self.id_buffer);
            }
            Field::Retry if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                // Too many digits for u64 is still "digits only": the largest delay it can be.
                self.retry_ms = Some(std::str::from_utf8(value).ok().and_then(|v| v.parse().ok()).unwrap_or(u64::MAX));
            }
            _ => {}
        }
        Ok(())
    }

    /// `pending` is a single data line, already held to the limit as a line.
    #[inline(always)]
    fn dispatch(&mut self, pending: Option<&[u8]>, out: &mut impl SseSink) -> Result<(), SseError> {
        if pending.is_none() && self.decodes_too_long(&self.data) {
            return self.fail();
        }
        // Every blank line commits the id, with or without data (WHATWG "dispatch the event", step 1).
        self.id_changed = false;
        match pending {
            Some(data) => out.event(&self.event_type, data, &self.id_buffer),
            None => {
                if let Some((_, data)) = self.data.split_last() {
                    out.event(&self.event_type, data, &self.id_buffer);
                }
            }
        }
        self.data.clear();
        self.event_type.clear();
        Ok(())
    }
}

/// The length of `bytes` decoded as UTF-8 with each invalid sequence replaced by U+FFFD, as
/// `String::from_utf8_lossy` and `TextDecoder` give it.
fn decoded_len(bytes: &[u8]) -> usize {
    bytes.utf8_chunks().map(|chunk| chunk.valid().len() + if chunk.invalid().is_empty() { 0 } else { 3 }).sum()
}

/// The index of the first CR or LF, sixteen bytes at a time (`core::simd`: wasm's SIMD in
/// the package): this scan is most of what decoding a stream costs.
#[inline(always)]
fn line_end(bytes: &[u8]) -> Option<usize> {
    let (vectors, _) = super::simd::vectors(bytes);
    let mut skipped = 0;
    for v in vectors {
        let ends = super::simd::either(v, b'\r', b'\n');
        if ends != 0 {
            return Some(skipped + ends.trailing_zeros() as usize);
        }
        skipped += 16;
    }
    line_end_bytewise(bytes, skipped)
}

fn line_end_bytewise(bytes: &[u8], from: usize) -> Option<usize> {
    let tail = bytes.get(from..)?;
    tail.iter().position(|&b| b == b'\r' || b == b'\n').map(|i| from + i)
}

#[cfg(test)]
mod tests;
