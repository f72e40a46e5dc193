// The error class users see, and how an attempt that got no usable response says why.

import { HeaderMap, rateLimitOf } from "./objects.js";

export class CapxError extends Error {
  constructor(code, message, options = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CapxError";
    this.code = code;
    this.status = options.status ?? null;
    this.docs = options.docs ?? null;
    this.rateLimit = options.rateLimit ?? null;
    this.retryable = options.retryable ?? false;
    this.requestId = options.requestId ?? null;
    this.headers = options.headers ?? null;
  }
}

// What Rust makes a CapxError from (src/error.rs), in one call.
export function capxError(code, message, status, docs, retryable) {
  return new CapxError(code, message, { status, docs, retryable });
}

// Anything that looks like a Capx secret key, in text a server wrote (and could have
// echoed a key into): it never reaches an error's headers or a log line.
const KEY_LIKE = /capx_sk_(?:live|test)_[A-Za-z0-9]+/g;

export function redactKeys(text) {
  return typeof text === "string" ? text.replace(KEY_LIKE, "[redacted]") : text;
}

// `error` (if a CapxError) with what the reply that carried it said besides: its rate limit,
// its request id and a copy of its headers, with anything key-like taken out.
export function withReply(error, reply) {
  if (!(error instanceof CapxError)) return error;
  error.rateLimit = rateLimitOf(reply.headers);
  const fields = {};
  reply.headers.forEach((value, name) => (fields[name.toLowerCase()] = redactKeys(value)));
  error.headers = new HeaderMap(fields);
  error.requestId = error.headers.get("x-request-id");
  return error;
}

// Why an attempt has no response to judge: `code` is the CapxError code it becomes
// ("timeout", "aborted", "connection_error" or "invalid_response"). The retry decision and
// the error itself are made in Rust (transport.rs), which also takes the key out.
export class Failure {
  constructor(code, message, cause) {
    this.code = code;
    this.message = message;
    // The runtime's own error, for the CapxError's `cause`.
    this.cause = cause;
  }

  static unsent() {
    return new Failure("aborted", "The request was aborted before it was sent");
  }

  static aborted() {
    return new Failure("aborted", "The request was aborted");
  }

  static timeout(timeoutMs) {
    return new Failure("timeout", `No complete response within ${timeoutMs} ms`);
  }

  static connection(message, cause) {
    return new Failure("connection_error", message, cause);
  }
}

// A wait (a retry's backoff, a throttle slot, a reconnection) that the caller's signal ended.
export function abortedError() {
  return new CapxError("aborted", "The request was aborted");
}

// `decide(failure)`, whose CapxError, if it throws one, gets the runtime's own error as its
// `cause`.
export function withCause(failure, decide) {
  try {
    return decide();
  } catch (e) {
    if (e instanceof CapxError && failure.cause !== undefined) e.cause = failure.cause;
    throw e;
  }
}
