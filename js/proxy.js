// The edge proxy's byte work, done here so that no body ever enters wasm memory: reading a
// caller's body within a size and a time limit, and relaying Capx's answer only as this
// module re-wrote it, with the key taken out of everything the page could read.
// What to relay, and whether, is decided in core::proxy.

import { cancelReader } from "./stream.js";

// A caller's request body as bytes, at most `maxBytes` of them, read within `timeoutMs`.
// Rejects with "too_large", "timeout" or "unreadable" (see core::proxy::body_error), and
// then reads no further.
export async function readBody(request, maxBytes, timeoutMs) {
  const reader = request.body?.getReader();
  if (reader === undefined) return new Uint8Array(0);
  let timer;
  const late = new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs, "timeout")));
  const chunks = [];
  let size = 0;
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), late]);
      if (next === "timeout") throw next;
      if (next.done) break;
      if (!(next.value instanceof Uint8Array)) throw "unreadable";
      size += next.value.byteLength;
      if (size > maxBytes) throw "too_large";
      chunks.push(next.value);
    }
  } catch (e) {
    cancelReader(reader);
    throw e === "timeout" || e === "too_large" ? e : "unreadable";
  } finally {
    clearTimeout(timer);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

// An upstream line or event longer than this ends the relayed stream: Capx's are small.
const MAX_EVENT_CHARS = 1 << 20;

// What takes the key out of Capx's answers, one per handler.
export function redactor(key) {
  const text = (s) => s.replaceAll(key, "[redacted]");
  // Every string of a parsed JSON value, names included: an escaped key (`\u0063apx…`)
  // is the key again once parsed.
  const value = (v) =>
    typeof v === "string" ? text(v)
    : v === null || typeof v !== "object" ? v
    : Array.isArray(v) ? v.map(value)
    : Object.fromEntries(Object.entries(v).map(([name, x]) => [text(name), value(x)]));
  const json = (s) => JSON.stringify(value(JSON.parse(s)));
  return {
    text,
    // The JSON text re-written from its parsed value, or undefined when it is not JSON
    // (or nested beyond what the engine's stack allows).
    json(s) {
      try {
        return json(s);
      } catch {
        return undefined;
      }
    },
    // An event stream re-written event by event (see `eventRewriter`).
    events: (body) => body.pipeThrough(eventRewriter(value, text)),
  };
}

// An event stream as a page's EventSource would read it, re-written: each event's data
// re-serialized from its parsed JSON (or, when it is not JSON, its text) with the key taken
// out; `id`, `event` and `retry` and comments with the key taken out; other fields, which
// every reader ignores, dropped; an event cut off by the end of the stream dropped, as a
// reader drops it. Lines end at CR, LF or CRLF, also split across chunks.
function eventRewriter(value, text) {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let rest = "";
  let afterCR = false;
  let lines = [];
  let data = null;
  let dataAt = 0;
  let size = 0;
  // Data that is not JSON has the key's text taken out (no reader parses it into the key);
  // JSON that cannot be re-written (nested beyond the stack) ends the stream instead.
  const dataLines = (d) => {
    let parsed;
    try {
      parsed = JSON.parse(d);
    } catch {
      return text(d).split("\n").map((l) => `data: ${l}`);
    }
    return [`data: ${JSON.stringify(value(parsed))}`];
  };
  const line = (l, out) => {
    if (l === "") {
      if (data !== null) lines.splice(dataAt, 0, ...dataLines(data.join("\n")));
      if (lines.length > 0) out.push(`${lines.join("\n")}\n\n`);
      [lines, data, size] = [[], null, 0];
      return;
    }
    size += l.length;
    if (l[0] === ":") return void out.push(`:${text(l.slice(1))}\n`);
    const colon = l.indexOf(":");
    const name = colon < 0 ? l : l.slice(0, colon);
    let value = colon < 0 ? "" : l.slice(colon + 1);
    if (value[0] === " ") value = value.slice(1);
    if (name === "data") {
      if (data === null) [data, dataAt] = [[], lines.length];
      data.push(value);
    } else if (name === "id" || name === "event" || name === "retry") {
      lines.push(`${name}: ${text(value)}`);
    }
  };
  return new TransformStream({
    transform(chunk, controller) {
      if (!(chunk instanceof Uint8Array)) throw new TypeError("not bytes");
      let input = decoder.decode(chunk, { stream: true });
      if (afterCR && input[0] === "\n") input = input.slice(1);
      if (input === "") return;
      const parts = (rest + input).split(/\r\n|\r|\n/);
      afterCR = input.at(-1) === "\r";
      rest = parts.pop();
      const out = [];
      for (const l of parts) line(l, out);
      if (rest.length + size > MAX_EVENT_CHARS) throw new RangeError("event too long");
      if (out.length > 0) controller.enqueue(encoder.encode(out.join("")));
    },
  });
}

// A Response from plain parts; the statuses that forbid a body get none, as fetch requires.
export function response(status, headers, body) {
  const nullBody = status === 101 || status === 204 || status === 205 || status === 304;
  return new Response(nullBody ? null : body, { status, headers });
}

// The handler `createEdgeHandler` returns: each request's I/O (the `authorize` hook, the
// caller's body, the upstream attempt over `transport`), every decision asked of `engine`
// (src/edge.rs), which answers each refusal with the Response to send.
export function edgeHandler(engine, transport, authorize) {
  return async (request) => {
    const relay = engine.plan(request);
    if (relay instanceof Response) return relay;
    try {
      if (authorize !== undefined) {
        let verdict;
        try {
          verdict = await authorize(request, relay.route);
        } catch {
          verdict = undefined;
        }
        const refused = engine.authorized(relay, verdict);
        if (refused !== undefined) return refused;
      }
      let body;
      if (relay.hasBody) {
        const refused = engine.refusesLength(request);
        if (refused !== undefined) return refused;
        try {
          body = await readBody(request, engine.maxBodyBytes, engine.bodyTimeoutMs);
        } catch (kind) {
          return engine.bodyFailed(kind);
        }
      }
      let reply;
      try {
        reply = await transport.exchange(engine.call(relay, request, body), relay.streaming);
      } catch (failure) {
        return engine.failed(failure);
      }
      if (engine.readsText(relay, reply)) await reply.readText();
      return engine.answer(relay, reply);
    } finally {
      relay.free();
    }
  };
}
