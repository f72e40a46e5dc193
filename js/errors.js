// The error class users see, and how an attempt that got no usable response says why.

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

// Why an attempt has no response to judge: `code` is the CapxError code it becomes
// ("timeout", "aborted", "connection_error" or "invalid_response"). The retry decision and
// the error itself are made in Rust (transport.rs), which also takes the key out.
export class Failure {
  constructor(code, message) {
    this.code = code;
    this.message = message;
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

  static connection(message) {
    return new Failure("connection_error", message);
  }
}

// A wait (a retry's backoff, a throttle slot, a reconnection) that the caller's signal ended.
export function abortedError() {
  return new CapxError("aborted", "The request was aborted", null, null, null, false);
}
