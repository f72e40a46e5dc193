// The few things that must be real JavaScript: an Error subclass (so `instanceof Error`
// and stack traces work), timers, and the async-iterator protocol keyed by a Symbol.

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

// `pager` has `next(): Promise<IteratorResult>` and `close(): void`. Calls to next() are
// chained so that two concurrent ones never fetch the same page twice.
export function asyncIterable(pager) {
  let chain = Promise.resolve();
  return {
    [Symbol.asyncIterator]() {
      return {
        next: () => (chain = chain.then(() => pager.next())),
        return: async (value) => {
          pager.close();
          return { done: true, value };
        },
      };
    },
  };
}

// One HTTP attempt under a per-attempt deadline, linked to the caller's AbortSignal.
// Resolves to [response, text] (text is null when readBody is false, for streams);
// rejects with [kind, message], kind being "timeout", "aborted" or "connection".
export async function attempt(fetchFn, url, init, timeoutMs, signal, readBody) {
  if (signal?.aborted) throw ["aborted", "The request was aborted before it was sent"];
  const controller = new AbortController();
  let why = null;
  const abort = () => {
    why ??= "aborted";
    controller.abort();
  };
  signal?.addEventListener("abort", abort, { once: true });
  const timer = setTimeout(() => {
    why ??= "timeout";
    controller.abort();
  }, timeoutMs);
  init.signal = controller.signal;
  try {
    const response = await (fetchFn ?? globalThis.fetch)(url, init);
    const text = readBody ? await response.text() : null;
    return [response, text];
  } catch (e) {
    if (why === "timeout") throw ["timeout", `No complete response within ${timeoutMs} ms`];
    if (why === "aborted") throw ["aborted", "The request was aborted"];
    const cause = e?.cause?.message ?? e?.cause?.code;
    throw ["connection", `${e?.message ?? e}${cause ? ` (${cause})` : ""}`];
  } finally {
    clearTimeout(timer);
    // A stream keeps the link so that aborting still cancels its body.
    if (readBody) signal?.removeEventListener("abort", abort);
  }
}

export function cancelReader(reader) {
  reader.cancel().catch(() => {});
}

// An activity stream: an async iterable that also exposes the last SSE id it yielded.
export function activityStream(engine) {
  const iterable = asyncIterable(engine);
  Object.defineProperty(iterable, "lastEventId", { get: () => engine.lastEventId, enumerable: true });
  iterable.close = () => engine.close();
  return iterable;
}
