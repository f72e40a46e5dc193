// `companies.activity()`: the connection, its reads and its reconnections are done here;
// `engine` (src/stream.rs) decodes the bytes and decides: which call to open, whether a
// reply is the stream, whether and when to reconnect, and when the stream has failed.

import { abortedError, Failure, redactKeys, withCause, withReply } from "./errors.js";
import { linkedController, sleep } from "./timers.js";
import { batchIterator } from "./pages.js";
import { isObject } from "./objects.js";

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

// The events of one read: their data objects (or, see eventBatch, their texts), the text of
// their ids, each after a CR, and whether the connection is over with this read (it ended,
// dropped, or sent what cannot be decoded).
export class EventBatch {
  constructor(events, ids, last) {
    this.events = events;
    this.ids = ids;
    this.last = last;
  }
}

// The events of a read, from wasm memory (see core::activity::Batch): a JSON array text of the
// events' data, and the text of their ids, each after a CR. Invalid UTF-8 becomes U+FFFD.
// When every event is a flat object (`flat`), they come parsed at once; otherwise as each
// event's text, parsed (and refused) as it is taken, so that one event's bad data changes
// nothing of another's.
export function eventBatch(json, ids, count, flat, last) {
  if (count === 0) return new EventBatch([], "", last);
  const text = utf8.decode(json);
  let events;
  if (flat) {
    try {
      events = JSON.parse(text);
    } catch {}
  }
  if (events?.length !== count) events = text.split("\r").filter((_, i) => i % 2 === 1);
  return new EventBatch(events, utf8.decode(ids), last);
}

// The next chunk of a body, or undefined once it ended or failed (or gave something that is
// not bytes, which only a hand-made body can).
async function readChunk(reader) {
  try {
    const { done, value } = await reader.read();
    return done || !(value instanceof Uint8Array) ? undefined : value;
  } catch {
    return undefined;
  }
}

// Cancels a body reader; a stream that already errored (an aborted fetch) rejects the
// cancel, and an unhandled rejection would crash Node.
export function cancelReader(reader) {
  reader.cancel().catch(() => {});
}


// The stream object `activity()` returns. It exposes the SSE id of the last event it
// yielded, to resume from later; ids are split only when that is asked for in the middle of
// a batch.
export function activityStream(engine, transport, lastEventId = null, signal) {
  // Aborted by close() and by the caller's signal: it ends a request still waiting for its
  // headers, a reconnection delay or a throttle slot. Only the caller's abort is an error.
  const closer = linkedController(signal);
  let closed = false;
  // The current batch's id text, how many of its events were yielded, and its ids split
  // once asked for before all of them were.
  let ids = "";
  let yielded = 0;
  let split = null;
  let size = 0;
  // Each event carries the last event ID in force when it was dispatched, "" once an empty
  // `id` reset it: the last yielded event's is the stream's (found from the end of the text
  // when the whole batch was yielded, without splitting it).
  const current = () => {
    if (yielded === 0) return lastEventId;
    if (yielded === size) return ids.slice(ids.lastIndexOf("\r") + 1);
    split ??= ids.split("\r");
    return split[yielded];
  };
  // The open connection: its body's reader, and what unlinks it from the closer's signal.
  let reader = null;
  let unlink = null;
  const disconnect = () => {
    if (reader !== null) cancelReader(reader);
    unlink?.();
    [reader, unlink] = [null, null];
  };
  const end = () => {
    closed = true;
    engine.close();
    disconnect();
    closer.abort();
  };
  const connect = async () => {
    const call = engine.connection();
    call.signal = closer.signal;
    const resume = call.headers?.["Last-Event-ID"];
    transport.log.write("debug", `activity: connecting, ${resume === undefined ? "no Last-Event-ID" : `Last-Event-ID ${redactKeys(resume)}`}`);
    let reply;
    try {
      reply = await transport.exchange(call, true);
    } catch (e) {
      if (!(e instanceof Failure)) throw e;
      return withCause(e, () => engine.failed(e));
    }
    let open = false;
    try {
      open = engine.accepts(reply);
      if (!open) {
        await reply.readText();
        try {
          engine.refused(reply);
        } catch (e) {
          throw withReply(e, reply);
        }
      }
    } finally {
      if (open) [reader, unlink] = [reply.body.getReader(), reply.unlink];
      else reply.discard();
    }
  };
  const nextBatch = async () => {
    for (;;) {
      if (reader !== null) {
        const chunk = await readChunk(reader);
        if (closed) return undefined;
        if (chunk === undefined && signal?.aborted) throw abortedError();
        // One crossing a read: the events it completed, if any, and whether to read on.
        const batch = engine.feed(chunk);
        if (batch === undefined) continue;
        if (batch.last) disconnect();
        if (batch.events.length === 0) continue;
        lastEventId = current();
        [ids, yielded, split, size] = [batch.ids, 0, null, batch.events.length];
        return batch.events;
      }
      const wait = engine.nextWait();
      if (wait === undefined) return undefined;
      if (wait > 0 && !(await sleep(wait, closer.signal)) && !closed) throw abortedError();
      if (closed) return undefined;
      await connect();
      // Closed while connecting: this connection is not wanted either.
      if (closed) disconnect();
    }
  };
  const source = {
    nextBatch: async () => {
      try {
        return await nextBatch();
      } catch (e) {
        // What close() interrupted ends the stream, not with an error.
        const quiet = closed;
        end();
        if (quiet) return undefined;
        throw e;
      }
    },
    close: end,
  };
  const iterator = batchIterator(source, (data, i) => {
    // Events already received are not handed out once the caller has aborted.
    if (signal?.aborted) {
      end();
      throw abortedError();
    }
    let event = data[i];
    if (typeof event === "string") {
      try {
        event = JSON.parse(event);
      } catch {}
      if (!isObject(event)) {
        end();
        throw engine.invalid();
      }
    }
    yielded = i + 1;
    return event;
  });
  return {
    [Symbol.asyncIterator]: () => iterator,
    get lastEventId() {
      return current();
    },
    close: () => void iterator.return(),
  };
}
