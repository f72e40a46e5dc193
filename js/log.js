// What a client logs, off unless `logLevel` (or CAPX_LOG) asks: one line per attempt at
// "info", retries, throttle waits, reconnections and bodies at "debug", failed calls at
// "error". Never a header (so never the key or Authorization), and a body only at "debug",
// with anything that looks like a key taken out.

import { redactKeys } from "./errors.js";

const LEVELS = ["off", "error", "warn", "info", "debug"];

export class Log {
  // `level` is checked by Rust (src/client.rs); `logger` is any object with console's methods.
  constructor(level, logger) {
    this.level = LEVELS.indexOf(level);
    this.logger = logger ?? globalThis.console;
  }

  on(level) {
    return this.level >= LEVELS.indexOf(level);
  }

  write(level, message) {
    if (this.on(level)) this.logger[level]?.(`capx: ${message}`);
  }

  // At "info", one line per attempt: `outcome` is its status or why it got none.
  attempt(call, started, outcome, requestId) {
    if (!this.on("info")) return;
    const id = requestId === null ? "" : `, ${redactKeys(requestId)}`;
    this.write("info", `${logged(call)} → ${outcome} (attempt ${call.retries + 1}, ${Date.now() - started} ms${id})`);
  }

  // At "error": the call failed for good. Returns `error`, to throw.
  failed(call, error) {
    this.write("error", `${logged(call)} failed: ${error.code}${error.status === null ? "" : ` (HTTP ${error.status})`}: ${error.message}`);
    return error;
  }

  // At "debug": a body (request or response), key-like text out, cut to 1000 characters.
  body(what, text) {
    if (!this.on("debug") || typeof text !== "string") return;
    const shown = text.length > 1000 ? `${text.slice(0, 1000)}… (${text.length} characters)` : text;
    this.write("debug", `${what} body: ${redactKeys(shown)}`);
  }
}

// A call's path as logged: ids kept, query values hidden but for `cursor` (a caller's
// filters could be anything).
export function logged(call) {
  const at = call.target.indexOf("?");
  if (at < 0) return `${call.method} ${call.target}`;
  const query = call.target
    .slice(at + 1)
    .split("&")
    .map((pair) => (pair.startsWith("cursor=") ? pair : `${pair.split("=")[0]}=…`))
    .join("&");
  return `${call.method} ${call.target.slice(0, at)}?${redactKeys(query)}`;
}
