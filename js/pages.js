// `for await` over batches of items: the pages of a list, the events of a stream.

// An async iterator over the batches `source.nextBatch()` resolves to (an array, or
// undefined at the end): the items of a batch already here are handed out without a trip
// into wasm, and calls to next() resolve in order even when they overlap. `take(items, i)`
// hands out one item, and may throw, which ends the iteration.
export function batchIterator(source, take) {
  let items = [];
  let index = 0;
  let done = false;
  let tail = null;
  const next = () => {
    try {
      return { value: take(items, index++), done: false };
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
    return next();
  };
  return {
    next() {
      if (tail === null && index < items.length) {
        try {
          return Promise.resolve(next());
        } catch (e) {
          return Promise.reject(e);
        }
      }
      const pending = (tail ?? Promise.resolve()).then(fill, fill);
      const settle = () => {
        if (tail === pending) tail = null;
      };
      pending.then(settle, settle);
      return (tail = pending);
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

import { abortedError, CapxError } from "./errors.js";

// Every item of a list, a page at a time: `pager` (src/pagination.rs) says which call fetches
// the next page, and takes the page's items from its result. `first`: the items of a page
// already here, handed out before any request; `signal`: the caller's, whose abort stops
// the items already here too (the calls carry it, so it is known from the first on).
export function listItems(pager, transport, first, signal) {
  const source = {
    nextBatch: async () => {
      if (first !== undefined) {
        const items = first;
        first = undefined;
        return items;
      }
      const call = pager.next();
      if (call === undefined) return undefined;
      signal = call.signal;
      return pager.take(await transport.send(call));
    },
    close: () => pager.close(),
  };
  const iterator = batchIterator(source, (items, i) => {
    if (signal?.aborted) throw abortedError();
    return items[i];
  });
  return { [Symbol.asyncIterator]: () => iterator };
}

// `list()`: the first page's ApiResponse, which leads on (as openai-node's pages do).
export async function firstPage(pager, transport) {
  const call = pager.next();
  return page(pager, transport, await transport.send(call), call.signal);
}

// The result of a page's call, with the way on: `hasNextPage()`, `nextPage()` (the same
// filters and options, the next cursor) and `for await` over every item from this page on.
// They are not enumerable: the result still prints and compares as an ApiResponse. Each page
// walks on from a copy of `pager` of its own, so calling them twice gives the same pages.
function page(pager, transport, result, signal) {
  const items = pager.take(result);
  const methods = {
    hasNextPage: () => pager.hasNext,
    nextPage: async () => {
      const next = pager.fork();
      const call = next.next();
      if (call === undefined) throw new CapxError("invalid_request", "There is no next page: check hasNextPage() first");
      return page(next, transport, await transport.send(call), signal);
    },
    [Symbol.asyncIterator]: () => listItems(pager.fork(), transport, items, signal)[Symbol.asyncIterator](),
  };
  for (const key of Reflect.ownKeys(methods)) Object.defineProperty(result, key, { value: methods[key], configurable: true, writable: true });
  return result;
}
