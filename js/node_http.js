// On Node itself, a request that reads its whole body goes through node:http(s) rather than
// the global fetch, unless the client was given a `fetch` of its own: undici's fetch costs
// the Node thread about three times what node:http does per request on loopback, more than
// all of capx's own work (bench/throughput.mjs). Streams keep fetch: the body is read as a
// ReadableStream there, and a long-lived request does not feel a per-request cost.
//
// Resolves and rejects as `fetchAttempt` in fetch.js does, with a Reply whose headers offer
// `get(name)` as `Headers` does.
import { Failure } from "./errors.js";
import { Reply } from "./call.js";
import { HeaderMap } from "./objects.js";
import { onNode } from "./platform.js";

const g = globalThis;

// Loaded when first used, not at import: node:https alone (TLS, crypto) would double the
// package's cold start.
const builtins = {};
function builtin(name) {
  return (builtins[name] ??= g.process.getBuiltinModule(`node:${name}`));
}

export function nodeHttpAvailable() {
  return onNode;
}

// A client's baseUrl, parsed once: parsing a whole URL per request costs a fifth of the
// requests/s on loopback.
const origins = new Map();

function origin(baseUrl) {
  let known = origins.get(baseUrl);
  if (known === undefined) {
    if (origins.size >= 64) origins.clear();
    const url = new URL(baseUrl);
    const { hostname, port } = builtin("url").urlToHttpOptions(url);
    known = { secure: url.protocol === "https:", hostname, port, path: url.pathname.replace(/\/$/, "") };
    origins.set(baseUrl, known);
  }
  return known;
}

// `call.target` is what follows `baseUrl`, already percent-encoded by core::request; a path
// that node:http would refuse or URL would rewrite (a caller's raw path with non-ASCII or a
// backslash, say) goes by URL's rules, as with fetch. `headers` is this attempt's own object.
export function nodeAttempt(baseUrl, call, headers, timeoutMs) {
  if (call.signal?.aborted) return Promise.reject(Failure.unsent());
  let options;
  try {
    options = requestOptions(baseUrl, call, headers);
  } catch (e) {
    // A base URL fetch would refuse too ("http://[x", say).
    return Promise.reject(lost(e));
  }
  return send(options, call.body, timeoutMs, call.signal);
}

function requestOptions(baseUrl, { method, target: path, body }, headers) {
  const { secure, hostname, port, path: basePath } = origin(baseUrl);
  const url = /^[\x21-\x5b\x5d-\x7e]*$/.test(path) ? null : new URL(baseUrl + path);
  // What fetch asks for too; over plain HTTP (a local mock) compression only costs time.
  if (secure && !Object.keys(headers).some((name) => name.toLowerCase() === "accept-encoding")) {
    headers["Accept-Encoding"] = "br, gzip, deflate";
  }
  if (body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(body));
  return { secure, hostname, port, path: url === null ? basePath + path : url.pathname + url.search, method, headers };
}

// `options` carries `secure` beside node:http's own fields, which it ignores.
function send(options, body, timeoutMs, signal) {
  return new Promise((resolve, reject) => {
    let request = null;
    const settle = (outcome) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
      outcome();
    };
    // The first outcome counts; a failure also closes the connection, so nothing of this
    // request is left running.
    let over = false;
    const fail = (reason) => {
      if (over) return;
      over = true;
      settle(() => reject(reason));
      request?.destroy();
    };
    const abort = () => fail(Failure.aborted());
    const timer = setTimeout(() => fail(Failure.timeout(timeoutMs)), timeoutMs);
    signal?.addEventListener("abort", abort, { once: true });
    try {
      request = builtin(options.secure ? "https" : "http").request(options, (response) => {
        const cut = () => fail(Failure.connection("The connection closed before the whole body arrived"));
        response.on("close", () => response.complete || cut());
        let decoded;
        try {
          decoded = decode(response);
        } catch (e) {
          return fail(lost(e));
        }
        decoded.setEncoding("utf8");
        let text = "";
        decoded.on("data", (chunk) => (text += chunk));
        decoded.on("error", (e) => fail(lost(e)));
        decoded.on("end", () => {
          if (!response.complete) return cut();
          if (over) return;
          over = true;
          // As fetch's text(): a leading byte order mark is not part of the body.
          const reply = new Reply(response.statusCode, new HeaderMap(response.headers), text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, null, undefined);
          settle(() => resolve(reply));
        });
      });
    } catch (e) {
      // Refused before sending: a header node:http will not write, say.
      return fail(lost(e));
    }
    request.on("error", (e) => fail(lost(e)));
    request.end(body);
  });
}

// The body with its Content-Encoding undone, leniently about a cut-short end as fetch is;
// an encoding fetch would not know is left as it came.
function decode(response) {
  const header = response.headers["content-encoding"];
  if (header === undefined) return response;
  const codings = header.toLowerCase().split(",").map((c) => c.trim()).filter((c) => c && c !== "identity");
  if (codings.length === 0) return response;
  const zlib = builtin("zlib");
  const lenient = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  // A Map, so that a coding named like an Object property ("constructor") is just unknown.
  const decoders = new Map([
    ["gzip", () => zlib.createGunzip(lenient)],
    ["x-gzip", () => zlib.createGunzip(lenient)],
    ["deflate", () => zlib.createInflate(lenient)],
    ["br", () => zlib.createBrotliDecompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH })],
  ]);
  if (!codings.every((c) => decoders.has(c))) return response;
  // Applied in the order listed, so undone in reverse.
  return codings.reverse().reduce((stream, coding) => {
    const decoder = decoders.get(coding)();
    stream.on("error", (e) => decoder.destroy(e));
    return stream.pipe(decoder);
  }, response);
}

// A connection failure with the runtime's error as its cause.
function lost(e) {
  return Failure.connection(describe(e), e);
}

function describe(e) {
  const message = e?.message ?? String(e);
  return e?.code && !message.includes(e.code) ? `${message} (${e.code})` : message;
}
