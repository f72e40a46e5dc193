// The objects that are cheaper to build or read here, in one call, than from wasm one
// property at a time.

// A JSON object: not null, not an array.
export const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

// `obj[key]` of a plain object, undefined for anything else (arrays included).
export function field(obj, key) {
  return isObject(obj) ? obj[key] : undefined;
}

export function rateLimit(limit, remaining, reset) {
  return { limit, remaining, reset };
}

// `headers.get(name)`, null also for a name `Headers` refuses (or a `get` that throws).
export function headerOf(headers, name) {
  try {
    return headers.get(name);
  } catch {
    return null;
  }
}

// A call's result also says what the response said besides: its headers, `X-Request-Id`
// and whether the server replayed a stored answer to the Idempotency-Key.
export function apiResult(data, meta, rateLimit, status, reply) {
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
