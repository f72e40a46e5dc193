// The client against a real capx-mock over HTTP. Every case uses a fresh API key, which the
// mock (run with --open-keys) treats as a fresh account: cases cannot disturb each other.
import { eq, ok, fails, within10s } from "./harness.mjs";

// `clientOptions` go to the clients the cases make (Node runs them over fetch too).
export function clientCases({ Capx, CapxError }, { mockOrigin, nodeInspect, clientOptions = {} }) {
  const baseUrl = `${mockOrigin}/v1`;
  const freshKey = () => `capx_sk_test_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const client = (opts = {}) => {
    const apiKey = opts.apiKey ?? freshKey();
    return { apiKey, capx: new Capx({ apiKey, baseUrl, dangerouslyAllowBrowser: true, ...clientOptions, ...opts }) };
  };
  // The mock's control API, outside /v1, scoped to one key's account.
  const control = async (apiKey, method, path, body) => {
    const res = await fetch(`${mockOrigin}/__mock/${path}`, {
      method,
      headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    ok(res.ok, `control ${method} ${path}: HTTP ${res.status}`);
    return res.json();
  };
  const requests = async (apiKey) => (await control(apiKey, "GET", "requests")).requests;
  const arm = (apiKey, fault) => control(apiKey, "POST", "faults", fault);
  const company = async (capx, governance_mode = "autonomous") =>
    (await capx.companies.create({ name: "Acme Research", governance_mode })).data;

  return [
    ["companies: create, get, list, pause, resume", async () => {
      const { capx } = client();
      const created = await capx.companies.create({ name: "Acme Research", governance_mode: "human_in_loop" });
      eq(created.status, 201);
      eq([created.data.name, created.data.status, created.data.governance_mode], ["Acme Research", "running", "human_in_loop"]);
      ok(/^co_/.test(created.data.id), created.data.id);
      eq(created.meta.credits_used, 1);
      ok(created.rateLimit.limit > 0 && created.rateLimit.reset > Date.now() / 1000 - 1, "rateLimit from the headers");
      const got = await capx.companies.get(created.data.id);
      eq(got.data, created.data);
      eq(got.status, 200);
      const list = await capx.companies.list({ limit: 10 });
      eq(list.data.map((c) => c.id), [created.data.id]);
      eq([list.meta.cursor, list.meta.has_more], [null, false]);
      eq((await capx.companies.pause(created.data.id)).data.status, "paused");
      const again = await fails(capx.companies.pause(created.data.id), "conflict", CapxError);
      eq([again.status, again.retryable], [409, false]);
      eq((await capx.companies.resume(created.data.id)).data.status, "running");
    }],
    ["tasks: create, get, list with filters, update", async () => {
      const { capx } = client();
      const co = await company(capx);
      const created = await capx.tasks.create(co.id, {
        title: "Generate Q2 market report", description: "Research trends", priority: "high",
        metadata: { department: "research", due_date: "2026-05-30" },
      });
      eq(created.status, 201);
      eq(created.meta.credits_used, 2, "a task costs two credits (seed 004)");
      const t = created.data;
      eq([t.company_id, t.title, t.description, t.status, t.priority], [co.id, "Generate Q2 market report", "Research trends", "pending", "high"]);
      eq(t.metadata, { department: "research", due_date: "2026-05-30" });
      ok(/^tsk_/.test(t.id) && /^ag_/.test(t.agent_id) && !Number.isNaN(Date.parse(t.created_at)), JSON.stringify(t));
      await capx.tasks.create(co.id, { title: "Low one", priority: "low" });
      eq((await capx.tasks.get(co.id, t.id)).data.id, t.id);
      const high = await capx.tasks.list(co.id, { priority: "high", limit: 5 });
      eq(high.data.map((x) => [x.id, x.title, x.status, x.priority]), [[t.id, "Generate Q2 market report", "pending", "high"]]);
      eq(Object.keys(high.data[0]).sort(), ["agent_id", "created_at", "id", "priority", "status", "title"]);
      const byAgent = await capx.tasks.list(co.id, { agent_id: t.agent_id });
      ok(byAgent.data.every((x) => x.agent_id === t.agent_id) && byAgent.data.some((x) => x.id === t.id));
      eq((await capx.tasks.list(co.id, { status: "completed" })).data, []);
      const updated = await capx.tasks.update(co.id, t.id, { priority: "critical", description: "APAC too" });
      eq([updated.data.id, updated.data.priority, updated.data.description, updated.data.status], [t.id, "critical", "APAC too", "pending"]);
      ok(updated.data.updated_at, "updated_at");
    }],
    ["tasks: approve and reject under human_in_loop, 409 outside pending_approval", async () => {
      const { capx } = client();
      const co = await company(capx, "human_in_loop");
      const a = (await capx.tasks.create(co.id, { title: "needs a human" })).data;
      const b = (await capx.tasks.create(co.id, { title: "also" })).data;
      eq([a.status, b.status], ["pending_approval", "pending_approval"]);
      const approved = await capx.tasks.approve(co.id, a.id, { comment: "Approved. Prioritize APAC data." });
      eq([approved.data.id, approved.data.status, approved.data.approved_by, approved.data.approval_comment], [a.id, "pending", "user_demo", "Approved. Prioritize APAC data."]);
      ok(approved.data.approved_at);
      const rejected = await capx.tasks.reject(co.id, b.id, { reason: "Duplicate" });
      eq([rejected.data.status, rejected.data.rejected_by, rejected.data.rejection_reason], ["rejected", "user_demo", "Duplicate"]);
      const e = await fails(capx.tasks.approve(co.id, a.id), "conflict", CapxError);
      eq([e.status, e.docs], [409, "https://capx.ai/docs/api#error-conflict"]);
      await fails(capx.tasks.reject(co.id, b.id), "conflict", CapxError);
    }],
    ["every error code arrives as a CapxError with status and docs", async () => {
      const { capx, apiKey } = client({ maxRetries: 0 });
      const co = await company(capx);
      const cases = [
        [() => capx.tasks.list(co.id, { limit: 101 }), "invalid_request", 400],
        [() => new Capx({ apiKey: "capx_sk_prod_nope", baseUrl, dangerouslyAllowBrowser: true }).companies.list(), "unauthorized", 401],
        [() => new Capx({ apiKey: "capx_sk_test_readonly", baseUrl, dangerouslyAllowBrowser: true }).companies.create({ name: "x" }), "forbidden", 403],
        [() => capx.companies.get("co_missing"), "not_found", 404],
        [() => capx.tasks.get(co.id, "tsk_missing"), "not_found", 404],
        [() => capx.tasks.create(co.id, { title: "" }), "validation_error", 422],
        [() => capx.tasks.create(co.id, { title: "t", priority: "urgent" }), "validation_error", 422],
        [() => capx.tasks.create(co.id, { description: "no title" }), "validation_error", 422],
      ];
      for (const [call, code, status] of cases) {
        const e = await fails(call, code, CapxError);
        eq([e.status, e.docs], [status, `https://capx.ai/docs/api#error-${code}`], code);
        ok(e.message.length > 0);
      }
      await arm(apiKey, { kind: "500", times: 1 });
      const e500 = await fails(capx.companies.list(), "internal_error", CapxError);
      eq([e500.status, e500.retryable], [500, true]);
      await arm(apiKey, { kind: "429", times: 1 });
      const e429 = await fails(capx.companies.list(), "rate_limit_exceeded", CapxError);
      eq([e429.status, e429.docs, e429.retryable], [429, "https://capx.ai/docs/api#rate-limits", true]);
      ok(e429.rateLimit && e429.rateLimit.remaining === 0, JSON.stringify(e429.rateLimit));
    }],
    ["iterate follows cursors over 230 tasks with no gaps or duplicates", async () => {
      const { capx, apiKey } = client();
      const co = await company(capx);
      const made = [];
      for (let i = 0; i < 230; i++) made.push((await capx.tasks.create(co.id, { title: `task ${i}` })).data.id);
      const seen = [];
      for await (const t of capx.tasks.iterate(co.id, { limit: 100 })) seen.push(t.id);
      eq(seen.length, 230);
      eq(new Set(seen).size, 230, "no duplicates");
      eq([...seen].sort(), [...made].sort(), "no gaps");
      const firstThree = [];
      for await (const t of capx.tasks.iterate(co.id)) {
        firstThree.push(t.title);
        if (firstThree.length === 3) break;
      }
      eq(firstThree, ["task 0", "task 1", "task 2"]);
      let companies = 0;
      for await (const c of capx.companies.iterate()) companies += c.id === co.id ? 1 : 0;
      eq(companies, 1);
      // return() while the first page is on its way: that page is never handed out.
      const { capx: slow } = client({ apiKey, defaultHeaders: { "X-Capx-Mock-Fault": "slow:300" } });
      const it = slow.tasks.iterate(co.id)[Symbol.asyncIterator]();
      const pending = it.next();
      await new Promise((resolve) => setTimeout(resolve, 50));
      eq(await it.return(), { value: undefined, done: true });
      eq(await pending, { value: undefined, done: true });
      eq(await it.next(), { value: undefined, done: true });
    }],
    ["a 500 then success: the same Idempotency-Key on both attempts, one task", async () => {
      const { capx, apiKey } = client();
      const co = await company(capx);
      await arm(apiKey, { kind: "500", times: 1, method: "POST", path: `/v1/companies/${co.id}/tasks` });
      const t = await capx.tasks.create(co.id, { title: "retried" });
      eq(t.status, 201);
      const posts = (await requests(apiKey)).filter((r) => r.method === "POST" && r.path.endsWith("/tasks"));
      eq(posts.map((r) => r.status), [500, 201]);
      ok(posts[0].idempotency_key && posts[0].idempotency_key === posts[1].idempotency_key, JSON.stringify(posts));
      ok(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(posts[0].idempotency_key), "a UUID v4");
      eq((await capx.tasks.list(co.id)).data.length, 1);
    }],
    ["drop after commit on create: the retry is replayed, exactly one task exists", async () => {
      const { capx, apiKey } = client();
      const co = await company(capx);
      await arm(apiKey, { kind: "drop_after_commit", times: 1, method: "POST", path: `/v1/companies/${co.id}/tasks` });
      const t = await capx.tasks.create(co.id, { title: "exactly once" }, { idempotencyKey: "req_unique_abc123" });
      eq(t.data.title, "exactly once");
      const list = await capx.tasks.list(co.id);
      eq(list.data.map((x) => x.id), [t.data.id]);
      const posts = (await requests(apiKey)).filter((r) => r.method === "POST" && r.path.endsWith("/tasks"));
      eq(posts.map((r) => r.idempotency_key), ["req_unique_abc123", "req_unique_abc123"], "the caller's key, unchanged");
      eq(posts[1].replayed, true);
    }],
    ["a 429 waits for the server's reset before retrying", async () => {
      const { capx, apiKey } = client();
      await arm(apiKey, { kind: "429", times: 1 });
      const started = Date.now();
      const r = await capx.companies.list();
      eq(r.status, 200);
      eq((await requests(apiKey)).map((x) => x.status), [429, 200]);
      // The mock's 429 says Retry-After: 1 and resets the window a second later.
      ok(Date.now() - started >= 950, `retried after ${Date.now() - started} ms, before the reset`);
    }],
    ["409 and 422 are not retried: one attempt each", async () => {
      const { capx, apiKey } = client({ maxRetries: 5 });
      const co = await company(capx, "human_in_loop");
      const t = (await capx.tasks.create(co.id, { title: "x" })).data;
      await capx.tasks.reject(co.id, t.id);
      await fails(capx.tasks.approve(co.id, t.id), "conflict", CapxError);
      await fails(capx.tasks.create(co.id, { title: 5 }), "validation_error", CapxError);
      const log = await requests(apiKey);
      eq(log.filter((r) => r.path.endsWith("/approve")).length, 1);
      eq(log.filter((r) => r.status === 422).length, 1);
    }],
    ["a slow server times out per attempt, and each attempt is retried", async () => {
      const { capx, apiKey } = client({ timeoutMs: 150, maxRetries: 1, defaultHeaders: { "X-Capx-Mock-Fault": "slow:1500" } });
      const e = await fails(capx.companies.list(), "timeout", CapxError);
      eq([e.status, e.retryable], [null, true]);
      const { capx: once } = client({ apiKey, timeoutMs: 150, maxRetries: 0, defaultHeaders: { "X-Capx-Mock-Fault": "slow:1500" } });
      await fails(once.companies.list({}, { timeoutMs: 100 }), "timeout", CapxError);
      const { capx: patient } = client({ apiKey, timeoutMs: 150, defaultHeaders: { "X-Capx-Mock-Fault": "slow:300" } });
      eq((await patient.companies.list({}, { timeoutMs: 5000 })).status, 200, "a per-call timeoutMs overrides the client's");
    }],
    ["abort during a backoff rejects with aborted at once", async () => {
      const { capx, apiKey } = client({ maxRetries: 5 });
      await arm(apiKey, { kind: "500", times: 10 });
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(), 100);
      await fails(capx.companies.list({}, { signal: controller.signal }), "aborted", CapxError);
      ok(Date.now() - started < 2000, "did not sit out the backoff");
      eq((await requests(apiKey)).filter((r) => r.path === "/v1/companies").length, 1, "no attempt after the abort");
      await fails(capx.companies.list({}, { signal: AbortSignal.abort() }), "aborted", CapxError);
    }],
    ["the key never shows: String, JSON, inspect, errors", async () => {
      const secret = "capx_sk_prod_SECRET0123456789";
      const capx = new Capx({ apiKey: secret, baseUrl, dangerouslyAllowBrowser: true, maxRetries: 0 });
      const e = await fails(capx.companies.list(), "unauthorized", CapxError);
      const bad = new Capx({ apiKey: secret, baseUrl: "http://127.0.0.1:9/v1", dangerouslyAllowBrowser: true, maxRetries: 0 });
      const conn = await fails(bad.companies.list(), "connection_error", CapxError);
      const shown = [String(capx), JSON.stringify(capx), nodeInspect?.(capx) ?? "", e.message, e.stack, JSON.stringify(e), String(e),
        conn.message, conn.stack, JSON.stringify(conn)];
      for (const s of shown) ok(!String(s).includes("SECRET0123456789"), `the key leaked into: ${s}`);
      eq(JSON.parse(JSON.stringify(capx)).apiKey, "[redacted]");
      const cfg = await fails(() => new Capx({ apiKey: "capx sk SECRET0123456789", baseUrl }), "invalid_config", CapxError);
      ok(!cfg.message.includes("SECRET0123456789"));
    }],
    ["the namespaces belong to the client: one object each, and freeing one breaks nothing", async () => {
      const { capx } = client();
      ok(capx.tasks === capx.tasks && capx.companies === capx.companies);
      capx.companies.free();
      capx.tasks.free();
      if (Symbol.dispose) capx.tasks[Symbol.dispose]();
      const co = (await capx.companies.create({ name: "Still here" })).data;
      eq((await capx.tasks.create(co.id, { title: "after free" })).data.title, "after free");
    }],
    ["bad input is refused before anything is sent", async () => {
      const { capx, apiKey } = client();
      for (const id of ["", "a/b", "..", "x/../y"]) await fails(capx.tasks.get("co_1", id), "invalid_config", CapxError);
      await fails(capx.tasks.list(""), "invalid_config", CapxError);
      await fails(capx.tasks.get(42, "t"), "invalid_config", CapxError);
      await fails(capx.tasks.create("co_1", "not an object"), "invalid_config", CapxError);
      await fails(capx.companies.list({}, { timeoutMs: -1 }), "invalid_config", CapxError);
      await fails(capx.companies.list({}, { signal: "nope" }), "invalid_config", CapxError);
      await fails(capx.companies.list({ limit: {} }), "invalid_config", CapxError);
      await fails(capx.request("GET", "https://evil.example/v1/companies"), "invalid_config", CapxError);
      // Both reached /__mock/account with the key (issue 17): a backslash is a slash to a URL
      // parser, and %2e%2e a dot segment.
      for (const path of ["\\..\\..\\__mock\\account", "/%2e%2e/__mock/account", "/%2E./__mock/account", "/companies%2f..%2f..%2f__mock%2faccount", "/a%5c..%5c..%5c__mock"]) {
        const err = await fails(capx.request("GET", path), "invalid_config", CapxError);
        ok(err.message.startsWith(`path "${path}"`), err.message);
      }
      await fails(capx.request("TRACE", "/companies"), "invalid_config", CapxError);
      const it = capx.tasks.iterate("a/b")[Symbol.asyncIterator]();
      await fails(it.next(), "invalid_config", CapxError);
      for (const opts of [undefined, null, {}, { apiKey: 5 }, { apiKey: "k", baseUrl: "ftp://x" }, { apiKey: "k", maxRetries: -1 },
        { apiKey: "k", timeoutMs: "5" }, { apiKey: "k", fetch: 1 }, { apiKey: "k", defaultHeaders: { a: 1 } },
        { apiKey: "k", defaultHeaders: { "bad name": "v" } }, { apiKey: "k", defaultHeaders: { "X-A": "a\nb" } },
        { apiKey: "k", defaultHeaders: { "X-A": "€" } }]) {
        await fails(() => new Capx(opts), "invalid_config", CapxError);
      }
      // A header the client sets on each request is refused by name, whatever its case: a
      // fixed Idempotency-Key would turn every later create into a replay of the first.
      for (const name of ["Authorization", "idempotency-key", "Content-Type", "accept"]) {
        const err = await fails(() => new Capx({ apiKey: "k", defaultHeaders: { [name]: "v" } }), "invalid_config", CapxError);
        ok(err.message.includes(`defaultHeaders["${name}"] cannot be set`), err.message);
      }
      eq((await requests(apiKey)).length, 0, "nothing reached the server");
    }],
    ["request() reaches any endpoint with the same envelope; headers are right", async () => {
      const { capx, apiKey } = client({ defaultHeaders: { "X-Trace": "t-1" } });
      const co = await company(capx);
      const agents = await capx.request("GET", `/companies/${co.id}/agents`, { query: { limit: 2 } });
      eq(agents.data.length, 2);
      ok(agents.data.every((a) => /^ag_/.test(a.id)));
      const slash = new Capx({ apiKey, baseUrl: `${baseUrl}/`, dangerouslyAllowBrowser: true });
      eq((await slash.request("get", "companies")).data.map((c) => c.id), [co.id], "a trailing slash on baseUrl is fine");
      await capx.request("POST", `/companies/${co.id}/tasks`, { body: { title: "raw" }, idempotencyKey: "raw-key-1" });
      const log = await requests(apiKey);
      const get = log.find((r) => r.path.endsWith("/agents"));
      eq([get.idempotency_key, get.query], [null, "limit=2"]);
      eq(get.headers["x-capx-client"], "capx/0.1.0");
      eq(get.headers["x-trace"], "t-1");
      eq(get.headers["accept"], "application/json");
      eq(log.find((r) => r.path.endsWith("/tasks")).idempotency_key, "raw-key-1");
      eq(log.filter((r) => r.method === "POST").every((r) => r.idempotency_key), true, "every POST carries a key");
    }],
    ["throttle caps requests in flight", async () => {
      let inFlight = 0;
      let peak = 0;
      const counting = async (url, init) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        try { return await fetch(url, init); } finally { inFlight--; }
      };
      const { capx } = client({ fetch: counting, throttle: { maxConcurrent: 2 }, defaultHeaders: { "X-Capx-Mock-Fault": "slow:50" } });
      const all = await Promise.all(Array.from({ length: 8 }, () => capx.companies.list()));
      eq(all.map((r) => r.status), Array(8).fill(200));
      eq(peak, 2);
    }],
    ["a call waiting in the throttle ends as soon as its signal aborts, and the queue moves on", async () => {
      const settle = (p) => p.then((r) => r.status, (e) => e.code);
      // Waiting for a slot in flight: the aborted call leaves the queue; the one behind it
      // still gets the slot when the slow call ahead finishes.
      const { capx } = client({ throttle: { maxConcurrent: 1 }, defaultHeaders: { "X-Capx-Mock-Fault": "slow:1000" } });
      const ahead = settle(capx.companies.list());
      const controller = new AbortController();
      const aborted = settle(capx.companies.list({}, { signal: controller.signal }));
      const behind = settle(capx.companies.list());
      const queued = () => new Promise((resolve) => setTimeout(resolve, 50));
      await queued();
      controller.abort();
      eq(await Promise.race([aborted, ahead.then(() => "the call ahead finished first")]), "aborted");
      eq(await ahead, 200);
      eq(await within10s(behind, "still queued after 10 s"), 200);
      // Waiting for the one-minute window.
      const { capx: perMinute } = client({ throttle: { requestsPerMinute: 1 } });
      eq((await perMinute.companies.list()).status, 200);
      const later = new AbortController();
      const waiting = settle(perMinute.companies.list({}, { signal: later.signal }));
      await queued();
      later.abort();
      eq(await within10s(waiting, "still waiting for the window"), "aborted");
    }],
  ];
}

// Node-only: the browser guard needs a page-like global object to be faked.
export function guardCases({ Capx, CapxError }) {
  return [
    ["browser guard: a page with a key throws browser_key_exposure unless allowed", async () => {
      const saved = { window: globalThis.window, document: globalThis.document };
      const process = globalThis.process;
      try {
        globalThis.window = globalThis;
        globalThis.document = {};
        // A page has no process.versions.node; hide Node's for the check.
        Object.defineProperty(globalThis, "process", { value: undefined, configurable: true, writable: true });
        await fails(() => new Capx({ apiKey: "capx_sk_test_x" }), "browser_key_exposure", CapxError);
        ok(new Capx({ apiKey: "capx_sk_test_x", dangerouslyAllowBrowser: true }));
      } finally {
        Object.defineProperty(globalThis, "process", { value: process, configurable: true, writable: true });
        globalThis.window = saved.window;
        globalThis.document = saved.document;
      }
      ok(new Capx({ apiKey: "capx_sk_test_x" }), "Node with window and document removed is a server again");
    }],
  ];
}
