// The everyday surface users of the Stainless and Stripe SDKs reach for (issue 16): per-call
// options on every method, what the response said besides the data, errors with their
// request id, headers and cause, and list() pages that lead on. Against a real capx-mock.
import { eq, ok, fails } from "./harness.mjs";

export function surfaceCases({ Capx, CapxError }, { mockOrigin, clientOptions = {} }) {
  const baseUrl = `${mockOrigin}/v1`;
  const freshKey = () => `capx_sk_test_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const client = (opts = {}) => {
    const apiKey = opts.apiKey ?? freshKey();
    return { apiKey, capx: new Capx({ apiKey, baseUrl, dangerouslyAllowBrowser: true, ...clientOptions, ...opts }) };
  };
  const requests = async (apiKey) => {
    const res = await fetch(`${mockOrigin}/__mock/requests`, { headers: { Authorization: `Bearer ${apiKey}` } });
    return (await res.json()).requests;
  };
  const taskLists = async (apiKey) => (await requests(apiKey)).filter((r) => r.method === "GET" && /\/tasks$/.test(r.path));
  // A company with `n` tasks.
  const withTasks = async (capx, n) => {
    const { data: co } = await capx.companies.create({ name: "Surface" });
    for (let i = 0; i < n; i++) await capx.tasks.create(co.id, { title: `Task ${i}` });
    return co;
  };
  const ids = (items) => items.map((t) => t.id);
  const arm = (apiKey, fault) =>
    fetch(`${mockOrigin}/__mock/faults`, { method: "POST", headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" }, body: JSON.stringify(fault) });
  // A logger that keeps its lines, "level message".
  const keeper = () => {
    const lines = [];
    const logger = Object.fromEntries(["error", "warn", "info", "debug"].map((level) => [level, (message) => lines.push(`${level} ${message}`)]));
    return { lines, logger };
  };

  return [
    ["per-call headers go with that call only; the headers the client sets are refused", async () => {
      const { apiKey, capx } = client();
      await capx.companies.create({ name: "H" }, { headers: { "X-Trace": "t-1" } });
      await capx.companies.list();
      const log = await requests(apiKey);
      eq(log.map((r) => r.headers["x-trace"] ?? null), ["t-1", null]);
      for (const name of ["Authorization", "idempotency-key", "Accept", "X-Capx-Client", "Last-Event-ID"]) {
        const e = await fails(capx.companies.list(undefined, { headers: { [name]: "x" } }), "invalid_config", CapxError);
        ok(e.message.startsWith(`options.headers["${name}"]`), e.message);
      }
      await fails(capx.companies.list(undefined, { headers: { "X-Bad": "a\nb" } }), "invalid_config", CapxError);
      eq((await requests(apiKey)).length, 2, "nothing refused was sent");
    }],
    ["iterate sends every page with the call's options, and its signal ends the walk", async () => {
      const { apiKey, capx } = client();
      const co = await withTasks(capx, 5);
      const seen = [];
      for await (const t of capx.tasks.iterate(co.id, { limit: 2 }, { headers: { "X-Walk": "w" } })) seen.push(t.id);
      eq(seen.length, 5);
      eq((await taskLists(apiKey)).map((r) => r.headers["x-walk"]), ["w", "w", "w"]);
      const controller = new AbortController();
      const got = [];
      await fails(async () => {
        // One page of five: the items already here are not handed out after the abort either.
        for await (const t of capx.tasks.iterate(co.id, { limit: 5 }, { signal: controller.signal })) {
          got.push(t);
          controller.abort();
        }
      }, "aborted", CapxError);
      eq(got.length, 1);
      await fails(async () => {
        for await (const _ of capx.tasks.iterate(co.id, undefined, { timeoutMs: 0 })) ok(false, "no item");
      }, "invalid_config", CapxError);
    }],
    ["activity takes the call's options: its headers go on every connection", async () => {
      const { apiKey, capx } = client();
      const { data: co } = await capx.companies.create({ name: "Feed" });
      // Replayed from the start: the company's creation is the first event.
      const stream = capx.companies.activity(co.id, { lastEventId: "0", headers: { "X-Feed": "f" }, timeoutMs: 5000, maxRetries: 1 });
      eq((await stream[Symbol.asyncIterator]().next()).value.type, "company.created");
      stream.close();
      const opened = (await requests(apiKey)).filter((r) => r.path.endsWith("/activity"));
      eq(opened.map((r) => r.headers["x-feed"]), ["f"]);
      await fails(async () => {
        for await (const _ of capx.companies.activity(co.id, { headers: { Authorization: "x" } })) ok(false, "no event");
      }, "invalid_config", CapxError);
    }],
    ["a result carries the response's headers, requestId and idempotentReplayed", async () => {
      const { capx } = client();
      const idempotencyKey = `surface-${Math.random()}`;
      const first = await capx.companies.create({ name: "Replay" }, { idempotencyKey });
      const again = await capx.companies.create({ name: "Replay" }, { idempotencyKey });
      eq(again.data.id, first.data.id);
      eq([first.idempotentReplayed, again.idempotentReplayed], [false, true]);
      ok(typeof first.requestId === "string" && first.requestId.length > 0, `requestId ${first.requestId}`);
      ok(first.requestId !== again.requestId, "one id per request");
      eq(first.headers.get("x-request-id"), first.requestId);
      eq(Number(first.headers.get("x-ratelimit-limit")), first.rateLimit.limit);
    }],
    ["an error carries the response's requestId and headers", async () => {
      const { capx } = client();
      const e = await fails(capx.companies.get("co_missing"), "not_found", CapxError);
      ok(typeof e.requestId === "string" && e.requestId.length > 0, `requestId ${e.requestId}`);
      eq([e.status, e.headers.get("x-request-id")], [404, e.requestId]);
      ok(e.headers.has("x-ratelimit-limit"), "the rate-limit headers too");
    }],
    ["a connection error keeps the runtime's error as its cause, and has no response", async () => {
      const capx = new Capx({ apiKey: freshKey(), baseUrl: "http://127.0.0.1:9/v1", maxRetries: 0, dangerouslyAllowBrowser: true, ...clientOptions });
      const e = await fails(capx.companies.list(), "connection_error", CapxError);
      ok(e.cause instanceof Error, `cause ${e.cause}`);
      eq([e.requestId, e.headers, e.status], [null, null, null]);
    }],
    ["list() gives a page: hasNextPage(), nextPage() with the same filters and options, for await from it on", async () => {
      const { apiKey, capx } = client();
      const co = await withTasks(capx, 5);
      const first = await capx.tasks.list(co.id, { limit: 2 }, { headers: { "X-Page": "p" } });
      eq([first.data.length, first.status, first.hasNextPage()], [2, 200, true]);
      eq(Object.keys(first).includes("nextPage"), false, "the result still prints as an ApiResponse");
      const second = await first.nextPage();
      eq(ids((await first.nextPage()).data), ids(second.data), "a page leads to the same next page each time");
      const third = await second.nextPage();
      eq([third.data.length, third.hasNextPage()], [1, false]);
      await fails(third.nextPage(), "invalid_request", CapxError);
      const rest = [];
      for await (const t of second) rest.push(t.id);
      eq(rest, ids([...second.data, ...third.data]));
      const lists = await taskLists(apiKey);
      ok(lists.every((r) => r.headers["x-page"] === "p" && r.query.includes("limit=2")), JSON.stringify(lists.map((r) => r.query)));
      eq(ids((await capx.companies.list()).data).length, 1, "companies.list() is a page too");
    }],
    ["withOptions: a client with some options changed, the same key, never shown", async () => {
      const { apiKey, capx } = client({ defaultHeaders: { "X-Team": "a" } });
      const quick = capx.withOptions({ timeoutMs: 1234, maxRetries: 0, defaultHeaders: { "X-Team": "b" } });
      eq(JSON.parse(JSON.stringify(quick)), { baseUrl, maxRetries: 0, timeoutMs: 1234, apiKey: "[redacted]" });
      eq(JSON.parse(JSON.stringify(capx)).timeoutMs, 60000, "the original is unchanged");
      ok(!String(quick).includes(apiKey), String(quick));
      await quick.companies.create({ name: "W" });
      await capx.companies.list();
      eq((await requests(apiKey)).map((r) => r.headers["x-team"]), ["b", "a"], "the same key: the same account");
      const elsewhere = capx.withOptions({ baseUrl: "http://127.0.0.1:9/v1" });
      eq(JSON.parse(JSON.stringify(elsewhere)).maxRetries, 2, "what is not given stays");
      await fails(capx.withOptions({ maxRetries: 0, baseUrl: "http://127.0.0.1:9/v1" }).companies.list(), "connection_error", CapxError);
      await fails(() => capx.withOptions({ timeoutMs: -1 }), "invalid_config", CapxError);
      await fails(() => capx.withOptions({ defaultHeaders: { Authorization: "x" } }), "invalid_config", CapxError);
      const { lines, logger } = keeper();
      const logged = client({ logger }).capx;
      await logged.withOptions({ logLevel: "info" }).companies.list();
      eq(lines.length, 1, "a copy logs to the client's logger");
    }],
    ["withOptions on the same baseUrl shares the throttle; on another, it gets its own", async () => {
      let inFlight = 0;
      let most = 0;
      const counting = async (...args) => {
        most = Math.max(most, ++inFlight);
        try {
          return await fetch(...args);
        } finally {
          inFlight--;
        }
      };
      const { capx } = client({ fetch: counting, throttle: { maxConcurrent: 1 } });
      const twin = capx.withOptions({ timeoutMs: 30000 });
      await Promise.all([capx.companies.list(), twin.companies.list(), capx.companies.list(), twin.companies.list()]);
      eq(most, 1, "one in flight between the two");
      const other = capx.withOptions({ baseUrl: `${mockOrigin.replace("127.0.0.1", "localhost")}/v1` });
      most = 0;
      await Promise.all([capx.companies.list(), other.companies.list(), capx.companies.list(), other.companies.list()]);
      eq(most, 2, "each its own");
    }],
    ["logLevel info: one line per attempt, error: failed calls; never the key, a header or a body", async () => {
      const { lines, logger } = keeper();
      const { apiKey, capx } = client({ logLevel: "info", logger });
      const { data: co } = await capx.companies.create({ name: "Logged" });
      await arm(apiKey, { kind: "500", times: 1, path: `/v1/companies/${co.id}` });
      await capx.companies.get(co.id, { headers: { "X-Secret-Header": "hidden-value" } });
      await fails(capx.companies.get("co_missing"), "not_found", CapxError);
      const page = await capx.companies.list({ limit: 1 });
      const id = (line) => line.replace(/\d+ ms/, "N ms").replace(/req_\w+/, "req");
      eq(lines.map(id), [
        "info capx: POST /companies → 201 (attempt 1, N ms, req)",
        `info capx: GET /companies/${co.id} → 500 (attempt 1, N ms, req)`,
        `info capx: GET /companies/${co.id} → 200 (attempt 2, N ms, req)`,
        "info capx: GET /companies/co_missing → 404 (attempt 1, N ms, req)",
        "error capx: GET /companies/co_missing failed: not_found (HTTP 404): company does not exist",
        "info capx: GET /companies?limit=… → 200 (attempt 1, N ms, req)",
      ].slice(0, lines.length));
      eq(lines.length, 6, lines.join("\n"));
      ok(page.requestId !== null && lines.at(-1).includes(page.requestId), "the request id matches the server's");
      ok(!lines.some((l) => l.includes(apiKey) || /authorization|bearer|hidden-value|Logged/i.test(l)), lines.join("\n"));
      const quiet = keeper();
      await client({ logger: quiet.logger }).capx.companies.list();
      await client({ logLevel: "off", logger: quiet.logger }).capx.companies.list();
      eq(quiet.lines, [], "off by default");
      await fails(() => client({ logLevel: "verbose" }), "invalid_config", CapxError);
    }],
    ["logLevel debug: retries, throttle waits, reconnections with their Last-Event-ID, bodies without key-like text", async () => {
      const { lines, logger } = keeper();
      const { apiKey, capx } = client({ logLevel: "debug", logger, throttle: { maxConcurrent: 1 } });
      const { data: co } = await capx.companies.create({ name: "Debug capx_sk_test_someoneelse1" });
      await arm(apiKey, { kind: "500", times: 1, path: `/v1/companies/${co.id}` });
      await Promise.all([capx.companies.get(co.id), capx.companies.list()]);
      const page = await capx.companies.list({ limit: 1 });
      await fails(page.nextPage(), "invalid_request", CapxError);
      const stream = capx.companies.activity(co.id, { lastEventId: "0" });
      await stream[Symbol.asyncIterator]().next();
      stream.close();
      const has = (re) => ok(lines.some((l) => re.test(l)), `${re} in\n${lines.join("\n")}`);
      has(/^debug capx: POST \/companies body: \{"name":"Debug \[redacted\]"\}$/);
      has(/^debug capx: response body: \{"success":true/);
      has(new RegExp(`^debug capx: GET /companies/${co.id}: retrying in \\d+ ms \\(HTTP 500\\)$`));
      has(/^debug capx: throttle: waiting for a request in flight to end$/);
      has(/^debug capx: activity: connecting, Last-Event-ID 0$/);
      ok(!lines.some((l) => l.includes(apiKey) || l.includes("someoneelse1") || /authorization|bearer/i.test(l)), lines.join("\n"));
    }],
    ["a CapxError can be made by hand, as tests of code that handles one do", () => {
      const e = new CapxError("rate_limit_exceeded", "Slow down", { status: 429, retryable: true, requestId: "req_1" });
      ok(e instanceof Error && e instanceof CapxError, "an Error");
      eq([e.name, e.code, e.message, e.status, e.retryable, e.requestId, e.docs, e.rateLimit, e.headers],
        ["CapxError", "rate_limit_exceeded", "Slow down", 429, true, "req_1", null, null, null]);
      const cause = new Error("ECONNRESET");
      eq(new CapxError("connection_error", "Lost", { cause }).cause, cause);
      eq(new CapxError("conflict", "No", { headers: new Headers({ "X-Request-Id": "req_2" }) }).headers.get("x-request-id"), "req_2");
    }],
  ];
}
