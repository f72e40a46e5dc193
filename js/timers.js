// Waiting, and deadlines linked to a caller's AbortSignal.

import { onEdgeRuntime, onWorkers } from "./platform.js";

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

// Workers and Vercel Edge run each request in a context of its own, which a timer set or an
// abort sent from another request's context must not reach: there, every attempt keeps its own.
const shareDeadlines = !onWorkers && !onEdgeRuntime;

// The deadline of one attempt: `signal` aborts at `timeoutMs` or when the caller's signal
// does, and `why()` says which. Attempts that need no link of their own (no caller's
// signal, not a stream) share one where that is allowed (see sharedDeadline).
export function deadline(timeoutMs, signal, stream) {
  return signal || stream || !shareDeadlines ? ownDeadline(timeoutMs, signal) : sharedDeadline(timeoutMs);
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
    // A stream keeps the link to the caller's signal so that aborting still cancels its
    // body, until `unlink()`.
    release(keepLink) {
      clearTimeout(timer);
      if (!keepLink) unlink();
    },
  };
}

// On Node an AbortController (and its timer) costs more than all the rest of a request's own
// work, so the attempts that need no link of their own share one: those with the same timeout
// that start within a slice of each other (a tenth of the timeout, at most 100 ms; 64
// attempts at most). Each gets a deadline of timeoutMs to timeoutMs + the slice. The timer
// goes once the last of them is over, so it keeps no process alive.
const openBatches = new Map();

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
    unlink() {},
    release() {
      if (--batch.pending > 0) return;
      clearTimeout(batch.timer);
      if (openBatches.get(timeoutMs) === batch) openBatches.delete(timeoutMs);
    },
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
