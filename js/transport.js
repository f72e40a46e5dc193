// A client's way to Capx. JavaScript does the I/O here: the attempt (over fetch or
// node:http), the waits between attempts, and the queue of calls waiting for the throttle.
// Every decision is Rust's, asked synchronously of `engine` (src/transport.rs): what a reply
// means, whether and when to retry, whether the throttle lets an attempt start.

import { abortedError, Failure, withCause, withReply } from "./errors.js";
import { sleep } from "./timers.js";
import { fetchAttempt } from "./fetch.js";
import { nodeAttempt } from "./node_http.js";
import { Log, logged } from "./log.js";

export class Transport {
  // `settings` come from Rust's `Connection::open`, once per client.
  constructor(engine, settings) {
    this.engine = engine;
    this.baseUrl = settings.baseUrl;
    this.timeoutMs = settings.timeoutMs;
    // The client's own; undefined: the global fetch, looked up at each attempt.
    this.fetch = settings.fetch;
    // Requests that read their whole body go through node:http (see node_http.js).
    this.nodeHttp = settings.nodeHttp;
    // The headers of every request that expects JSON, and of every stream request: made
    // once per client (the key among them), copied per attempt, never changed.
    this.jsonHeaders = settings.jsonHeaders;
    this.streamHeaders = settings.streamHeaders;
    // The calls waiting for an in-flight slot, when the client has a throttle (shared by the
    // clients `withOptions` made for the same key and origin); else null.
    this.waiting = settings.waiting;
    this.log = new Log(settings.logLevel, settings.logger);
  }

  // Resolves to the call's ApiResult, or rejects with its CapxError.
  async send(call) {
    const log = this.log.level > 0 ? this.log : null;
    log?.body(logged(call), call.body);
    for (;;) {
      const started = log === null ? 0 : Date.now();
      let result;
      let reply;
      try {
        reply = await this.exchange(call, false);
        log?.attempt(call, started, reply.status, reply.header("x-request-id"));
        log?.body("response", reply.text);
      } catch (e) {
        if (!(e instanceof Failure)) throw e;
        log?.attempt(call, started, e.code, null);
        // Throws the call's error, or sets call.waitMs.
        try {
          withCause(e, () => this.engine.failed(call, e));
        } catch (error) {
          throw log?.failed(call, error) ?? error;
        }
      }
      if (reply !== undefined) {
        try {
          result = this.engine.settle(call, reply);
        } catch (e) {
          const error = withReply(e, reply);
          throw log?.failed(call, error) ?? error;
        }
      }
      if (result !== undefined) return result;
      log?.write("debug", `${logged(call)}: retrying in ${Math.round(call.waitMs)} ms (${reply === undefined ? "no response" : `HTTP ${reply.status}`})`);
      if (!(await sleep(call.waitMs, call.signal))) throw log?.failed(call, abortedError()) ?? abortedError();
      call.retries++;
    }
  }

  // One attempt, once the throttle (if any) lets it start. Rejects with a Failure. Without a
  // throttle, the attempt's own promise: no async step of its own to wait through.
  exchange(call, stream) {
    return this.waiting === null ? this.attempt(call, stream) : this.throttled(call, stream);
  }

  async throttled(call, stream) {
    await this.admit(call.signal);
    try {
      return await this.attempt(call, stream);
    } finally {
      this.engine.release();
      this.waiting.shift()?.();
    }
  }

  attempt(call, stream) {
    const timeoutMs = call.timeoutMs ?? this.timeoutMs;
    // Each attempt gets an object of its own: fetch and node:http may keep it.
    const headers = { ...(stream ? this.streamHeaders : this.jsonHeaders) };
    if (call.body !== undefined) headers["Content-Type"] = "application/json";
    if (call.idempotencyKey !== undefined) headers["Idempotency-Key"] = call.idempotencyKey;
    if (call.headers !== undefined) Object.assign(headers, call.headers);
    if (this.nodeHttp && !stream) return nodeAttempt(this.baseUrl, call, headers, timeoutMs);
    return fetchAttempt(this.fetch, this.baseUrl + call.target, headers, call, timeoutMs, stream);
  }

  // Waits until the throttle lets an attempt start; a call waiting here still ends as soon
  // as its signal aborts.
  async admit(signal) {
    for (;;) {
      const wait = this.engine.admit(Date.now());
      if (wait === 0) return;
      this.log.write("debug", wait === Infinity ? "throttle: waiting for a request in flight to end" : `throttle: waiting ${Math.round(wait)} ms for the rate window`);
      const woken = wait === Infinity ? await waitTurn(this.waiting, signal) : await sleep(wait, signal);
      if (!woken) throw Failure.aborted();
    }
  }
}

// Joins the queue of calls waiting for a free slot, woken in order. A call whose signal
// aborts leaves the queue; one already woken has dropped its abort listener, so a wake-up
// is never lost. Resolves to true when woken, false when aborted.
function waitTurn(queue, signal) {
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
