// The two values a request is made of on its way through the transport: the `Call` Rust
// prepared (src/call.rs) and the `Reply` an attempt got. Plain classes with named fields,
// so that neither side reads a position in an array.

import { headerOf } from "./objects.js";

// One request: what to send, and the state of its retries. Made by Rust (`new Call` with
// the setters for what a call has beyond method, target and body), read here.
export class Call {
  constructor(method, target, body) {
    this.method = method;
    // What follows baseUrl: the encoded path and query.
    this.target = target;
    // The JSON text (or the edge proxy's bytes), or undefined.
    this.body = body;
    // Sent unchanged on every attempt of a POST, PATCH or DELETE.
    this.idempotencyKey = undefined;
    this.signal = undefined;
    // undefined: the client's.
    this.timeoutMs = undefined;
    this.maxRetries = undefined;
    // More headers for this call alone (Last-Event-ID), as an object.
    this.headers = undefined;
    // Attempts retried so far, and the wait before the next one, which Rust sets.
    this.retries = 0;
    this.waitMs = 0;
  }
}

// What one attempt that reached the server got: the status, the headers (a Fetch `Headers`,
// or node:http's fields behind the same `get`), and the body as `text()` gives it, or, for a
// stream, the unread `ReadableStream` (`body`) and what unlinks it from the caller's signal
// once it is over (`unlink`).
export class Reply {
  constructor(status, headers, text, response, unlink) {
    this.status = status;
    this.headers = headers;
    this.text = text;
    this.response = response;
    this.unlink = unlink;
  }

  get body() {
    return this.response?.body ?? null;
  }

  header(name) {
    return headerOf(this.headers, name);
  }

  // The body of a stream request answered otherwise, as `text()` gives it; null when it
  // cannot be read.
  async readText() {
    try {
      this.text = await this.response.text();
    } catch {
      this.text = null;
    }
  }

  // Lets go of a body left unread (after a redirect, say) and of the link to the signal.
  discard() {
    this.response?.body?.cancel().catch(() => {});
    this.unlink?.();
  }
}
