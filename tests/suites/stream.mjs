// companies.activity against capx-mock: live events, a forced mid-stream disconnect with
// resume by Last-Event-ID, errors at connect time, break and abort.
import { eq, ok, fails, within10s } from "./harness.mjs";

export function streamCases({ Capx, CapxError }, { mockOrigin }) {
  const baseUrl = `${mockOrigin}/v1`;
  const setup = async () => {
    const apiKey = `capx_sk_test_s${Math.random().toString(36).slice(2)}`;
    const capx = new Capx({ apiKey, baseUrl, dangerouslyAllowBrowser: true });
    const co = (await capx.companies.create({ name: "Streamed", governance_mode: "human_in_loop" })).data;
    const control = (method, path, body) =>
      fetch(`${mockOrigin}/__mock/${path}`, {
        method,
        headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
        body: body && JSON.stringify(body),
      }).then((r) => r.json());
    const activityRequests = async () => (await control("GET", "requests")).requests.filter((r) => r.path.endsWith("/activity"));
    return { capx, co, control, apiKey, activityRequests };
  };
  // Collects `n` events from `stream`, creating tasks as it goes so that there is traffic.
  const collect = async (stream, n, onStart) => {
    const got = [];
    const started = onStart?.();
    for await (const event of stream) {
      got.push({ event, id: stream.lastEventId });
      if (got.length === n) break;
    }
    await started;
    return got;
  };

  return [
    ["activity streams live events as typed objects", async () => {
      const { capx, co, control } = await setup();
      const stream = capx.companies.activity(co.id);
      eq(stream.lastEventId, null);
      const got = await collect(stream, 2, async () => {
        // Live means no history: create the task only once the stream is connected.
        const connected = async () => (await control("GET", "requests")).requests.some((r) => r.path.endsWith("/activity") && r.status === 200);
        while (!(await connected())) await new Promise((r) => setTimeout(r, 20));
        await capx.tasks.create(co.id, { title: "watched" });
      });
      eq(got.map((g) => g.event.type), ["task.created", "task.approval_required"]);
      ok(got.every((g) => typeof g.event.timestamp === "string" && g.event.company_id === co.id));
      ok(/^\d+$/.test(got[1].id) && Number(got[1].id) > Number(got[0].id), JSON.stringify(got.map((g) => g.id)));
      eq(stream.lastEventId, got[1].id);
    }],
    ["a dropped stream reconnects with Last-Event-ID: nothing lost, nothing twice", async () => {
      const { capx, co, control } = await setup();
      for (let i = 0; i < 3; i++) await capx.tasks.create(co.id, { title: `t${i}` });
      // The first connection is cut after two events; the resume must continue at the third.
      await control("POST", "faults", { kind: "sse_drop:2", times: 1, path: `/v1/companies/${co.id}/activity` });
      const stream = capx.companies.activity(co.id, { lastEventId: "0" });
      const got = await collect(stream, 7);
      // company.created is 1, then task.created and task.approval_required for each task.
      eq(got.map((g) => Number(g.id)), [1, 2, 3, 4, 5, 6, 7]);
      eq(got[0].event.type, "company.created");
      const log = (await control("GET", "requests")).requests.filter((r) => r.path.endsWith("/activity"));
      eq(log.length, 2, "one reconnection");
      eq(log.map((r) => r.headers["last-event-id"]), ["0", "2"]);
    }],
    ["a stream resumes from a saved lastEventId", async () => {
      const { capx, co } = await setup();
      await capx.tasks.create(co.id, { title: "a" });
      await capx.tasks.create(co.id, { title: "b" });
      const got = await collect(capx.companies.activity(co.id, { lastEventId: "3" }), 2);
      eq(got.map((g) => g.id), ["4", "5"]);
      eq(got.map((g) => g.event.type), ["task.created", "task.approval_required"]);
    }],
    ["401 and 404 at connect reject without reconnecting", async () => {
      const { capx, control } = await setup();
      const missing = capx.companies.activity("co_missing")[Symbol.asyncIterator]();
      const e = await fails(missing.next(), "not_found", CapxError);
      eq(e.status, 404);
      eq((await control("GET", "requests")).requests.filter((r) => r.path.endsWith("/activity")).length, 1);
      const stranger = new Capx({ apiKey: "capx_sk_prod_x", baseUrl, dangerouslyAllowBrowser: true });
      await fails(stranger.companies.activity("co_1")[Symbol.asyncIterator]().next(), "unauthorized", CapxError);
      await fails(capx.companies.activity("a/b")[Symbol.asyncIterator]().next(), "invalid_config", CapxError);
    }],
    ["a stream that cannot connect rejects after maxRetries; a lastEventId no event stream id could be is refused", async () => {
      const { co, control, apiKey, activityRequests } = await setup();
      await control("POST", "faults", { kind: "500", times: 5, path: `/v1/companies/${co.id}/activity` });
      const once = new Capx({ apiKey, baseUrl, maxRetries: 1, dangerouslyAllowBrowser: true });
      const first = once.companies.activity(co.id)[Symbol.asyncIterator]().next();
      const e = await fails(within10s(first, "still retrying after 10 s"), "internal_error", CapxError);
      eq(e.status, 500);
      eq((await activityRequests()).length, 2, "the first attempt and one retry");
      // Headers cross as lines: an id with a line break could add a header of its own.
      for (const lastEventId of ["5\nAuthorization\nBearer capx_sk_test_other", "5\r6", "evt\u00001"]) {
        await fails(once.companies.activity(co.id, { lastEventId })[Symbol.asyncIterator]().next(), "invalid_config", CapxError);
      }
      eq((await activityRequests()).length, 2, "nothing sent");
    }],
    ["close() while connecting aborts the request, headers or not", async () => {
      const { co, apiKey } = await setup();
      let [opened, aborted] = [0, 0];
      // The real fetch, noting whether its response came or it was aborted first.
      const tap = async (url, init) => {
        try {
          const response = await fetch(url, init);
          opened++;
          return response;
        } catch (e) {
          if (init.signal.aborted) aborted++;
          throw e;
        }
      };
      // capx-mock holds the response back for 300 ms; close() comes after 50.
      const slow = new Capx({ apiKey, baseUrl, fetch: tap, defaultHeaders: { "X-Capx-Mock-Fault": "slow:300" }, dangerouslyAllowBrowser: true });
      const stream = slow.companies.activity(co.id, { lastEventId: "0" });
      const first = stream[Symbol.asyncIterator]().next();
      await new Promise((resolve) => setTimeout(resolve, 50));
      stream.close();
      eq((await within10s(first, "still pending")).done, true, "nothing is handed out after close()");
      eq([opened, aborted], [0, 1]);
    }],
    ["reconnections leave no listener on the caller's signal", async () => {
      const { capx, co, control } = await setup();
      for (let i = 0; i < 3; i++) await capx.tasks.create(co.id, { title: `t${i}` });
      await control("POST", "faults", { kind: "sse_drop:1", times: 3, path: `/v1/companies/${co.id}/activity` });
      const controller = new AbortController();
      const { signal } = controller;
      let listening = 0;
      const [add, remove] = [signal.addEventListener.bind(signal), signal.removeEventListener.bind(signal)];
      signal.addEventListener = (type, fn, opts) => (type === "abort" && listening++, add(type, fn, opts));
      signal.removeEventListener = (type, fn, opts) => (type === "abort" && listening--, remove(type, fn, opts));
      const stream = capx.companies.activity(co.id, { lastEventId: "0", signal });
      const got = await collect(stream, 7);
      eq(got.map((g) => Number(g.id)), [1, 2, 3, 4, 5, 6, 7]);
      ok(listening <= 1, `${listening} abort listeners after three reconnections (one is the open connection's)`);
      stream.close();
      eq(listening, 0, "none once closed");
    }],
    ["events still buffered when the signal aborts are not handed out", async () => {
      const { capx, co } = await setup();
      for (let i = 0; i < 3; i++) await capx.tasks.create(co.id, { title: `t${i}` });
      const controller = new AbortController();
      // The history (seven events) arrives in one read; abort after taking the first.
      const it = capx.companies.activity(co.id, { lastEventId: "0", signal: controller.signal })[Symbol.asyncIterator]();
      eq((await it.next()).value.type, "company.created");
      controller.abort();
      await fails(it.next(), "aborted", CapxError);
      eq((await it.next()).done, true, "and the stream is over");
    }],
    ["abort ends the stream with aborted; break closes it", async () => {
      const { capx, co } = await setup();
      const controller = new AbortController();
      const stream = capx.companies.activity(co.id, { signal: controller.signal });
      setTimeout(() => controller.abort(), 200);
      await fails(async () => { for await (const _ of stream) { /* no events arrive */ } }, "aborted", CapxError);
      const again = capx.companies.activity(co.id, { lastEventId: "0" });
      for await (const e of again) {
        eq(e.type, "company.created");
        break;
      }
      eq((await again[Symbol.asyncIterator]().next()).done, true, "nothing after break");
    }],
  ];
}
