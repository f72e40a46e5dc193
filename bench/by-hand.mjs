// capx's features for one GET written by hand in JavaScript over `fetch`: what a user would
// write instead of capx, the baseline its targets are set against. One module, so that every
// runtime's benchmark (throughput.mjs on Node, Deno and Bun; workerd.mjs in a Worker)
// measures the same code. Plain ESM with no import: it also runs inside workerd.

// The envelope of a response body read by hand: parsed, checked as capx checks a success
// (`success: true`, numeric credits), the rate-limit headers read, and the same result object
// as capx's `ApiResult`. `headers` is a `Headers`.
export function envelopeByHand(status, text, headers) {
  const body = JSON.parse(text);
  const meta = body?.meta;
  if (body?.success !== true || typeof meta?.credits_used !== "number" || typeof meta?.credits_remaining !== "number") {
    throw new Error("not an envelope");
  }
  const limit = headers.get("x-ratelimit-limit");
  const rateLimit =
    limit === null
      ? null
      : { limit: Number(limit), remaining: Number(headers.get("x-ratelimit-remaining")), reset: Number(headers.get("x-ratelimit-reset")) };
  return { data: body.data, meta, rateLimit, status };
}

// A client whose `get(path)` sends capx's headers with a deadline through an
// AbortController and returns `envelopeByHand` of the answer with what capx's results carry
// besides (its ApiResponse): the headers, `X-Request-Id` and whether the server replayed a
// stored answer.
export function byHandClient({ apiKey, baseUrl, fetch = (...args) => globalThis.fetch(...args), timeoutMs = 60_000 }) {
  const headers = { Authorization: `Bearer ${apiKey}`, Accept: "application/json", "X-Capx-Client": "capx/0.1.0" };
  return {
    async get(path) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      try {
        const response = await fetch(`${baseUrl}${path}`, { method: "GET", headers, signal: controller.signal });
        const result = envelopeByHand(response.status, await response.text(), response.headers);
        result.headers = response.headers;
        result.requestId = response.headers.get("x-request-id");
        result.idempotentReplayed = response.headers.get("idempotent-replayed") === "true";
        return result;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
