// The few things that must be real JavaScript (an Error subclass, so that `instanceof Error`
// and stack traces work; timers; the async-iterator protocol keyed by a Symbol), and the
// objects that are cheaper to build here in one call than from wasm one property at a time.

export class CapxError extends Error {
  constructor(code, message, status, docs, rateLimit, retryable) {
    super(message);
    this.name = "CapxError";
    this.code = code;
    this.status = status ?? null;
    this.docs = docs ?? null;
    this.rateLimit = rateLimit ?? null;
    this.retryable = retryable;
  }
}

// Resolves to true after `ms`, or to false as soon as `signal` aborts.
export function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const abort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", abort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", abort, { once: true });
  });
}

// The calls waiting for a free slot of a client's throttle, woken in order. A call whose
// signal aborts leaves the queue; one already woken has dropped its abort listener, so a
// wake-up is never lost. Resolves to true when woken, false when aborted.
export function waitTurn(queue, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const abort = () => {
      const at = queue.indexOf(wake);
      if (at >= 0) queue.splice(at, 1);
      resolve(false);
    };
    const wake = () => {
      signal?.removeEventListener("abort", abort);
      resolve(true);
    };
    queue.push(wake);
    signal?.addEventListener("abort", abort, { once: true });
  });
}

export function wakeNext(queue) {
  queue.shift()?.();
}

// An async iterator over the batches `source.nextBatch()` resolves to (an array, or
// undefined at the end): the items of a batch already here are handed out without a trip
// into wasm, and calls to next() resolve in order even when they overlap.
function batchIterator(source, unpack) {
  let items = [];
  let index = 0;
  let done = false;
  let tail = null;
  const take = () => {
    try {
      return { value: unpack(items, index++), done: false };
    } catch (e) {
      done = true;
      [items, index] = [[], 0];
      throw e;
    }
  };
  const fill = async () => {
    while (index >= items.length) {
      if (done) return { value: undefined, done: true };
      let batch;
      try {
        batch = await source.nextBatch();
      } catch (e) {
        done = true;
        throw e;
      }
      // return() came while this batch was on its way: nothing more is handed out.
      if (done) return { value: undefined, done: true };
      if (batch === undefined) done = true;
      else [items, index] = [batch, 0];
    }
    return take();
  };
  return {
    next() {
      if (tail === null && index < items.length) {
        try {
          return Promise.resolve(take());
        } catch (e) {
          return Promise.reject(e);
        }
      }
      const next = (tail ?? Promise.resolve()).then(fill, fill);
      const settle = () => {
        if (tail === next) tail = null;
      };
      next.then(settle, settle);
      return (tail = next);
    },
    return(value) {
      done = true;
      [items, index] = [[], 0];
      source.close();
      return Promise.resolve({ value, done: true });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

// `pager` resolves `nextBatch()` to each page's data array: `for await` over the items.
export function asyncIterable(pager) {
  const iterator = batchIterator(pager, (items, i) => items[i]);
  return { [Symbol.asyncIterator]: () => iterator };
}

// What an attempt (here or over node:http) rejects with: [kind, message], the kind being
// "timeout", "aborted" or "connection", which transport.rs maps to a code.
export const failure = {
  unsent: ["aborted", "The request was aborted before it was sent"],
  aborted: ["aborted", "The request was aborted"],
  timeout: (timeoutMs) => ["timeout", `No complete response within ${timeoutMs} ms`],
  connection: (message) => ["connection", message],
};

// One HTTP attempt under a per-attempt deadline, linked to the caller's AbortSignal.
// `fixedHeaders` (the client's own, an object made once) and `headerLines` (this request's,
// "name\nvalue\n" per header) are never changed: each attempt gets an object of its own.
// Resolves to [response, text, detach]: for streams (readBody false) text is null and the
// link to the signal stays, so that aborting still cancels the body, until detach() is
// called; rejects with a `failure`.
export async function attempt(fetchFn, method, url, fixedHeaders, headerLines, body, timeoutMs, signal, readBody) {
  // Capx does not redirect: a 3xx comes back as it is, and the key, the body and the
  // Idempotency-Key go nowhere but baseUrl.
  const init = { method, headers: headerObject(headerLines, { ...fixedHeaders }), redirect: "manual" };
  if (body !== undefined) init.body = body;
  if (signal?.aborted) throw failure.unsent;
  const deadline = signal || !readBody || !shareDeadlines ? ownDeadline(timeoutMs, signal) : sharedDeadline(timeoutMs);
  init.signal = deadline.signal;
  try {
    const response = await (fetchFn ?? globalThis.fetch)(url, init);
    if (!readBody) return [response, null, deadline.unlink];
    return [response, await response.text()];
  } catch (e) {
    const why = deadline.why();
    if (why === "timeout") throw failure.timeout(timeoutMs);
    if (why === "aborted") throw failure.aborted;
    const cause = e?.cause?.message ?? e?.cause?.code;
    throw failure.connection(`${e?.message ?? e}${cause ? ` (${cause})` : ""}`);
  } finally {
    // A stream keeps the link to the caller's signal so that aborting still cancels its body.
    deadline.release(readBody);
  }
}

// Headers as "name\nvalue\n" lines (see transport.rs) added to `headers`, an object for
// fetch or node:http.
export function headerObject(lines, headers = {}) {
  if (lines === "") return headers;
  const parts = lines.split("\n");
  for (let i = 1; i < parts.length; i += 2) headers[parts[i - 1]] = parts[i];
  return headers;
}

// An attempt's own AbortController: aborted by its timer or by the caller's `signal`,
// whichever comes first names why.
function ownDeadline(timeoutMs, signal) {
  const controller = new AbortController();
  const unlink = follow(signal, controller);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = !controller.signal.aborted;
    controller.abort();
  }, timeoutMs);
  return {
    signal: controller.signal,
    why: () => (timedOut ? "timeout" : controller.signal.aborted ? "aborted" : null),
    unlink,
    release(readBody) {
      clearTimeout(timer);
      if (readBody) unlink();
    },
  };
}

// On Node an AbortController (and its timer) costs more than all the rest of a request's own
// work, so the attempts that need no link of their own (no caller's signal, not a stream)
// share one: those with the same timeout that start within a slice of each other (a tenth of
// the timeout, at most 100 ms; 64 attempts at most). Each gets a deadline of timeoutMs to
// timeoutMs + the slice. The timer goes once the last of them is over, so it keeps no
// process alive.
const openBatches = new Map();

// Cloudflare Workers (workerd), which names itself so; several choices below depend on it.
export const onWorkers = globalThis.navigator?.userAgent === "Cloudflare-Workers";

// Workers and Vercel Edge run each request in a context of its own, which a timer set or an
// abort sent from another request's context must not reach: there, every attempt keeps its own.
const shareDeadlines = !onWorkers && globalThis.EdgeRuntime === undefined;

function sharedDeadline(timeoutMs) {
  const now = performance.now();
  let batch = openBatches.get(timeoutMs);
  if (batch === undefined || batch.closes <= now || batch.joined === 64 || batch.controller.signal.aborted) {
    const controller = new AbortController();
    const slice = Math.min(timeoutMs / 10, 100);
    batch = { controller, closes: now + slice, joined: 0, pending: 0, timer: setTimeout(() => controller.abort(), timeoutMs + slice) };
    openBatches.set(timeoutMs, batch);
  }
  batch.joined++;
  batch.pending++;
  const { signal } = batch.controller;
  return {
    signal,
    why: () => (signal.aborted ? "timeout" : null),
    release() {
      if (--batch.pending > 0) return;
      clearTimeout(batch.timer);
      if (openBatches.get(timeoutMs) === batch) openBatches.delete(timeoutMs);
    },
  };
}

// `capx.tasks` and `capx.companies` are one object each per client, owned by it: freeing or
// disposing one (`using tasks = capx.tasks`) must not break the client's later calls.
export function ownedByClient(namespace) {
  namespace.free = () => {};
  if (Symbol.dispose) namespace[Symbol.dispose] = namespace.free;
  return namespace;
}

export function header(headers, name) {
  try {
    return headers.get(name);
  } catch {
    return null;
  }
}

// A JSON object: not null, not an array.
const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

export function field(obj, key) {
  return isObject(obj) ? obj[key] : undefined;
}

export function rateLimit(limit, remaining, reset) {
  return { limit, remaining, reset };
}

export function apiResult(data, meta, rateLimit, status) {
  return { data, meta, rateLimit, status };
}

// A Response from plain parts; the statuses that forbid a body get none, as fetch requires.
export function response(status, headers, body) {
  const nullBody = status === 101 || status === 204 || status === 205 || status === 304;
  return new Response(nullBody ? null : body, { status, headers });
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

export function cancelReader(reader) {
  reader.cancel().catch(() => {});
}

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

// The events of a read, from wasm memory (see core::activity::Batch): a JSON array text of the
// events' data, and the text of their ids, each after a CR. Invalid UTF-8 becomes U+FFFD.
// When every event is a flat object (`flat`), they come parsed at once; otherwise as each
// event's text, parsed (and refused) as it is taken, so that one event's bad data changes
// nothing of another's.
export function eventBatch(json, ids, count, flat) {
  const text = utf8.decode(json);
  let events;
  if (flat) {
    try {
      events = JSON.parse(text);
    } catch {}
  }
  if (events?.length !== count) events = text.split("\r").filter((_, i) => i % 2 === 1);
  return [events, utf8.decode(ids)];
}

// An activity stream: `engine.nextBatch()` resolves to an eventBatch, or to a connection's
// reader, whose chunks go to `engine.feed()` until it has events; each event must be a JSON
// object. The stream also exposes the SSE id of the last event it yielded, to resume from
// later; ids are split only when that is asked for in the middle of a batch.
export function activityStream(engine, lastEventId, signal) {
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
  // The open connection, read here while the engine has nothing else to do.
  let reader = null;
  const source = {
    nextBatch: async () => {
      let batch = null;
      while (batch === null) {
        if (reader === null) {
          batch = await engine.nextBatch();
          if (batch !== undefined && !Array.isArray(batch)) [reader, batch] = [batch, null];
        } else {
          batch = engine.feed(await readChunk(reader));
          if (batch === undefined) [reader, batch] = [null, null];
        }
      }
      if (batch === undefined) return undefined;
      lastEventId = current();
      [ids, yielded, split, size] = [batch[1], 0, null, batch[0].length];
      return batch[0];
    },
    close: () => engine.close(),
  };
  const iterator = batchIterator(source, (data, i) => {
    // Events already received are not handed out once the caller has aborted.
    if (signal?.aborted) throw engine.aborted();
    let event = data[i];
    if (typeof event === "string") {
      try {
        event = JSON.parse(event);
      } catch {}
      if (!isObject(event)) throw engine.invalid();
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

// A stream's own AbortController: close() aborts it, and so does the caller's `signal`. The
// link to `signal` goes as soon as either aborts, so that a long-lived signal does not
// collect a listener per stream.
export function linkedController(signal) {
  const controller = new AbortController();
  if (signal?.aborted) controller.abort();
  controller.signal.addEventListener("abort", follow(signal, controller), { once: true });
  return controller;
}

// Aborts `controller` when `signal` aborts; returns what removes that link.
function follow(signal, controller) {
  const abort = () => controller.abort();
  signal?.addEventListener("abort", abort, { once: true });
  return () => signal?.removeEventListener("abort", abort);
}

// workerd writes a header string as its UTF-8 bytes; Node, Deno, Bun and browsers write one
// byte per character, as the Fetch standard says (tests/suites/hostile.mjs checks both).
export function headersAreUtf8() {
  return onWorkers;
}

// A browser page, where a secret key would reach every visitor: plain globals only (no
// `instanceof Window`), minus the server runtimes that define some of them too.
export function looksLikeBrowserPage() {
  const g = globalThis;
  if (g.window === undefined || g.document === undefined) return false;
  const server = onWorkers || g.process?.versions?.node !== undefined;
  return !(server || g.Deno !== undefined || g.Bun !== undefined);
}

// `new Capx()` without apiKey or baseUrl reads them here, as openai-node reads OPENAI_API_KEY.
// Deno without --allow-env throws on the read: that is no environment.
export function envVar(name) {
  try {
    const value = globalThis.process?.env?.[name];
    return typeof value === "string" && value !== "" ? value : undefined;
  } catch {
    return undefined;
  }
}
