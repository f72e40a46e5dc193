// The objects that are cheaper to build or read here, in one call, than from wasm one
// property at a time.

// A JSON object: not null, not an array.
export const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

// `obj[key]` of a plain object, undefined for anything else (arrays included).
export function field(obj, key) {
  return isObject(obj) ? obj[key] : undefined;
}

// `headers.get(name)`, null also for a name `Headers` refuses (or a `get` that throws).
export function headerOf(headers, name) {
  try {
    return headers.get(name);
  } catch {
    return null;
  }
}

// Header `name` as a whole number: decimal digits, maybe a "+", whitespace around (as
// core::rate_limit::parse_whole_number reads one), at most 2^53 - 1; NaN when absent or
// anything else. A loop over the characters, not a regular expression, which costs a
// module's first parseEnvelope its compilation.
function headerNumber(headers, name) {
  const value = headerOf(headers, name)?.trim();
  if (!value) return NaN;
  for (let i = value.charCodeAt(0) === 43 ? 1 : 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return NaN;
  }
  return Number.isSafeInteger(+value) ? +value : NaN;
}

// The `X-RateLimit-*` headers as an ApiResult's `rateLimit`: all three whole numbers, or null.
export function rateLimitOf(headers) {
  const limit = headerNumber(headers, "x-ratelimit-limit");
  const remaining = limit >= 0 ? headerNumber(headers, "x-ratelimit-remaining") : NaN;
  const reset = remaining >= 0 ? headerNumber(headers, "x-ratelimit-reset") : NaN;
  return reset >= 0 ? { limit, remaining, reset } : null;
}

// What `parseEnvelope` and `Webhook#verify` take as headers, read as a Fetch `Headers` is: a
// `Headers` as it is; a plain object by lowercase names (the first of two that differ only
// in case), with its strings, finite numbers and booleans as `String()` writes them; anything
// else as no headers at all.
export function headersOf(value) {
  const fields = Object.create(null);
  if (!isObject(value)) return new HeaderMap(fields);
  // Only an object with a `get` method can be a `Headers`: asked first, because the first
  // touch of the `Headers` global makes Node load undici (about 15 ms), which a call given
  // no headers or a plain object never needs.
  if (typeof value.get === "function" && typeof Headers === "function" && value instanceof Headers) return value;
  for (const [name, v] of Object.entries(value)) {
    const key = name.toLowerCase();
    if (!(key in fields) && (typeof v === "string" || typeof v === "boolean" || Number.isFinite(v))) fields[key] = String(v);
  }
  return new HeaderMap(fields);
}

// The JSON kind of a value, as src/shape.rs numbers them.
const kindOf = (v) =>
  v === undefined ? 0 : v === null ? 1 : v === false ? 2 : v === true ? 3 : typeof v === "number" ? 4 : typeof v === "string" ? 5 : isObject(v) ? 6 : 7;

// The kinds of the values an envelope check looks at, three bits each, in the order of
// src/shape.rs `MEMBERS` after the root (the lowest): the check's questions answered in one
// call instead of one call per field.
export function envelopeShape(root) {
  const meta = field(root, "meta");
  const error = field(root, "error");
  const values = [root, field(root, "success"), field(root, "data"), meta, field(meta, "credits_used"), field(meta, "credits_remaining"), field(meta, "cursor"), field(meta, "has_more"), error, field(error, "code"), field(error, "message"), field(error, "docs")];
  return values.reduceRight((shape, value) => shape * 8 + kindOf(value), 0);
}

// A call's result: the envelope's `data` and `meta`, and what the response said besides: its
// rate limit (from `headers`, when there are any), and with the call's `reply` its headers,
// `X-Request-Id` and whether the server replayed a stored answer to the Idempotency-Key.
export function apiResult(root, headers, status, reply) {
  const { data, meta } = root;
  const rateLimit = headers === undefined ? null : rateLimitOf(headers);
  if (reply === undefined) return { data, meta, rateLimit, status };
  const requestId = reply.header("x-request-id");
  const idempotentReplayed = reply.header("idempotent-replayed") === "true";
  return { data, meta, rateLimit, status, headers: reply.headers, requestId, idempotentReplayed };
}

// `capx.tasks` and `capx.companies` are one object each per client, owned by it: freeing or
// disposing one (`using tasks = capx.tasks`) must not break the client's later calls.
export function ownedByClient(namespace) {
  namespace.free = () => {};
  if (Symbol.dispose) namespace[Symbol.dispose] = namespace.free;
  return namespace;
}

// Headers from a plain object of lowercase names, read as a Fetch `Headers` is: node:http's
// fields, and an error's copy. Repeated fields (an array) are joined by ", ".
export class HeaderMap {
  constructor(fields) {
    this.fields = fields;
  }

  get(name) {
    const value = this.fields[String(name).toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
  }

  has(name) {
    return this.get(name) !== null;
  }

  forEach(callback, thisArg) {
    for (const name of Object.keys(this.fields).sort()) callback.call(thisArg, this.get(name), name, this);
  }
}
