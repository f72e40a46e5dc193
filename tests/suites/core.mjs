// The core functions of the package: the envelope, the status machine and CapxError.
import { eq, ok, fails } from "./harness.mjs";

const SEED_SUCCESS = `{"success":true,"data":{"id":"co_abc123","name":"Acme Research","status":"running"},"meta":{"credits_used":12,"credits_remaining":9988}}`;
const SEED_ERROR = `{"success":false,"error":{"code":"rate_limit_exceeded","message":"You have exceeded 60 requests per minute.","docs":"https://capx.ai/docs/api#rate-limits"}}`;
const STATUSES = ["pending", "pending_approval", "in_progress", "completed", "rejected", "failed"];
const ALLOWED = new Set(["pending_approval>pending", "pending_approval>rejected", "pending>in_progress", "in_progress>completed", "in_progress>failed"]);

export function coreCases({ Capx, parseEnvelope, isTerminalStatus, canTransition, CapxError }, { HeadersClass } = {}) {
  // The browser entry has no client: only the builds with one run the first case.
  const withClient = Capx ? [
    ["request() never leaves baseUrl's path, whatever this runtime's URL parser makes of the path", async () => {
      const sent = [];
      const fetch = (url) => {
        sent.push(url);
        return Promise.resolve(new Response(SEED_SUCCESS, { headers: { "content-type": "application/json" } }));
      };
      const capx = new Capx({ apiKey: "capx_sk_test_paths", baseUrl: "https://api.example/v1/", fetch, maxRetries: 0, dangerouslyAllowBrowser: true });
      // Dot segments written every way a WHATWG parser reads them, encoded separators, and
      // what only looks like them.
      const pieces = ["..", ".", "%2e", "%2E.", ".%2e", "%2e%2e", "%2f", "%5C", "\\", "a", "%252e", "..;", "\uff0e\uff0e", "", "%2", "a%2Eb"];
      let refused = 0;
      for (const a of pieces) for (const sep of ["/", "\\", "%2F"]) for (const b of pieces) {
        const path = `/${a}${sep}${b}/__mock`;
        const before = sent.length;
        try {
          await capx.request("GET", path);
        } catch (e) {
          eq([e.code, sent.length], ["invalid_config", before], path);
          refused++;
          continue;
        }
        const url = new URL(sent.at(-1));
        ok(url.origin === "https://api.example" && url.pathname.startsWith("/v1/"), `${path} reached ${url.href}`);
      }
      ok(refused > 0 && sent.length > 0, `${refused} refused, ${sent.length} sent`);
    }],
  ] : [];
  return [
    ...withClient,
    ["parseEnvelope unwraps the seed's success envelope", () => {
      const headers = { "X-RateLimit-Limit": "60", "x-ratelimit-remaining": "42", "X-RateLimit-Reset": "1716700000" };
      const r = parseEnvelope(200, SEED_SUCCESS, headers);
      eq(r, {
        data: { id: "co_abc123", name: "Acme Research", status: "running" },
        meta: { credits_used: 12, credits_remaining: 9988 },
        rateLimit: { limit: 60, remaining: 42, reset: 1716700000 },
        status: 200,
      });
    }],
    ["parseEnvelope reads a Fetch Headers object", () => {
      if (!HeadersClass) return;
      const h = new HeadersClass({ "X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "299", "X-RateLimit-Reset": "1" });
      eq(parseEnvelope(201, SEED_SUCCESS, h).rateLimit, { limit: 300, remaining: 299, reset: 1 });
      eq(parseEnvelope(201, SEED_SUCCESS).rateLimit, null);
    }],
    ["parseEnvelope keeps a null cursor null", () => {
      const r = parseEnvelope(200, `{"success":true,"data":[],"meta":{"cursor":null,"has_more":false,"credits_used":1,"credits_remaining":2}}`);
      eq(r.meta.cursor, null);
      ok("cursor" in r.meta);
    }],
    ["parseEnvelope throws the API's error as a CapxError", async () => {
      const e = await fails(() => parseEnvelope(429, SEED_ERROR, { "x-ratelimit-limit": "60", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1716700000" }), "rate_limit_exceeded", CapxError);
      eq([e.status, e.docs, e.retryable, e.name], [429, "https://capx.ai/docs/api#rate-limits", true, "CapxError"]);
      eq(e.rateLimit, { limit: 60, remaining: 0, reset: 1716700000 });
      eq(e.message, "You have exceeded 60 requests per minute.");
      ok(typeof e.stack === "string");
    }],
    ["parseEnvelope: an HTML 502 page is invalid_response, retryable, never a SyntaxError", async () => {
      const e = await fails(() => parseEnvelope(502, "<html><body><h1>502 Bad Gateway</h1></body></html>"), "invalid_response", CapxError);
      eq([e.status, e.retryable, e.docs, e.rateLimit], [502, true, null, null]);
    }],
    ["parseEnvelope: malformed bodies are invalid_response with the HTTP status", async () => {
      const bodies = ["", "null", "[]", `{"data":1}`, `{"success":true,"meta":{"credits_used":1,"credits_remaining":1}}`,
        `{"success":true,"data":{}}`, `{"success":true,"data":{"id":"tr`, `{"success":false}`,
        `{"success":true,"data":{},"meta":{"credits_used":"1","credits_remaining":1}}`];
      for (const body of bodies) {
        const e = await fails(() => parseEnvelope(200, body), "invalid_response", CapxError);
        eq([e.status, e.retryable], [200, false], body);
      }
    }],
    ["parseEnvelope: unknown error codes pass through", async () => {
      const e = await fails(() => parseEnvelope(418, `{"success":false,"error":{"code":"teapot","message":"m"}}`), "teapot", CapxError);
      eq([e.status, e.retryable], [418, false]);
    }],
    ["isTerminalStatus and canTransition: the whole 6x6 table", () => {
      eq(STATUSES.filter((s) => isTerminalStatus(s)), ["completed", "rejected", "failed"]);
      for (const from of STATUSES) for (const to of STATUSES) eq(canTransition(from, to), ALLOWED.has(`${from}>${to}`), `${from} -> ${to}`);
    }],
    ["unknown statuses and garbage never throw", () => {
      for (const s of ["archived", "", undefined, null, 42, {}, []]) {
        eq(isTerminalStatus(s), false);
        eq(canTransition(s, "pending"), false);
        eq(canTransition("pending", s), false);
      }
    }],
    ["garbage into the exports never kills the instance", async () => {
      const garbage = [undefined, null, -1, 1e309, NaN, "x".repeat(100000), {}, [], () => 1, Symbol("s"), 2n];
      for (const g of garbage) {
        try { parseEnvelope(g, g, g); } catch (e) { ok(e instanceof Error, "only Errors are thrown"); }
      }
      eq(parseEnvelope(200, SEED_SUCCESS).status, 200, "the instance still works");
    }],
  ];
}
