// The edge proxy under attack, as a table per class: paths, methods, headers and origins,
// bodies, redirects, echoes of the key, connection errors, the authorize hook. Each row is
// sent through createEdgeHandler; every answer is scanned for the key (also after parsing
// it as the page would), and what must not reach Capx is checked against capx-mock's log
// or the hostile upstream's other origin (tests/fixtures/hostile-upstream.mjs).
// Runs in Node (over node:http and over fetch), workerd (an old and a new compatibility
// date) and edge-runtime.
import { eq, ok } from "./harness.mjs";

export function proxyAttackCases({ Capx, createEdgeHandler }, { mockOrigin, hostileOrigin, otherOrigin, clientOptions = {} }) {
  const edge = "http://edge.local";
  const setup = (baseUrl, options = {}) => {
    const key = `capx_sk_test_attack${Math.random().toString(36).slice(2)}`;
    const capx = new Capx({ apiKey: key, baseUrl, maxRetries: 0, dangerouslyAllowBrowser: true, ...clientOptions });
    const handler = createEdgeHandler(capx, { prefix: "/api", ...options });
    const call = (method, path, init = {}) => handler(new Request(`${edge}${path}`, { method, ...init }));
    // The answer as the page reads it: no key in any header, in the raw body, or in any
    // string once the body (or each event's data) is parsed.
    const read = async (res) => {
      for (const [name, value] of res.headers) ok(!value.includes(key), `the key is in header ${name}: ${value}`);
      const text = await res.text();
      ok(!text.includes(key), `the key is in the body: ${text}`);
      const parsed = [];
      const type = res.headers.get("content-type") ?? "";
      if (type.startsWith("text/event-stream")) {
        for (const event of text.split("\n\n")) {
          const data = event.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).replace(/^ /, "")).join("\n");
          if (data) parsed.push(tryParse(data));
        }
      } else parsed.push(tryParse(text));
      ok(!JSON.stringify(parsed).includes(key), `the key is in a parsed body: ${text}`);
      return { text, body: parsed[0] };
    };
    const mockLog = async () =>
      (await (await fetch(`${mockOrigin}/__mock/requests`, { headers: { Authorization: `Bearer ${key}` } })).json()).requests;
    return { key, capx, handler, call, read, mockLog };
  };
  const stolen = async () => (await (await fetch(`${otherOrigin}/__stolen`)).json());
  const refusedRows = async (rows, options) => {
    const { handler, read, mockLog } = setup(`${mockOrigin}/v1`, options);
    for (const [method, path, init, status, code] of rows) {
      let request;
      try {
        request = new Request(`${edge}${path}`, { method, ...init });
      } catch (e) {
        // A runtime that refuses to make such a request at all (workerd's older
        // compatibility dates refuse a lowercase "patch") needs no proxy to refuse it.
        ok(e instanceof TypeError, String(e));
        continue;
      }
      const res = await handler(request);
      const { body } = await read(res);
      // Where URL parsers differ (WHATWG's removes dot segments, "%2e%2e" and "\\" included;
      // workerd's older compatibility dates keep them as sent), the row names both
      // refusals it accepts.
      const expected = Array.isArray(status) ? status : [[status, code]];
      ok(expected.some(([s, c]) => res.status === s && body?.error?.code === c && body.success === false), `${method} ${path}: got ${res.status} ${JSON.stringify(body)}`);
    }
    eq((await mockLog()).length, 0, "nothing reached Capx");
  };
  const sameOrigin = { headers: { Origin: edge } };
  const json = (body, headers = {}) => ({ headers: { Origin: edge, "Content-Type": "application/json", ...headers }, body });

  return [
    ["attacks on paths: double encoding, ; parameters, lookalikes, empty segments, dots, backslashes", () =>
      refusedRows([
        ["GET", "/api/companies/co_1%252f..%252f..%252f__mock%252faccount/tasks", {}, 403, "forbidden"],
        ["GET", "/api/companies/co_1;x=1/tasks", {}, 403, "forbidden"],
        ["GET", "/api/companies/co_1/tasks;x=1", {}, 403, "forbidden"],
        ["GET", "/api/companies/．．/tasks", {}, 403, "forbidden"],
        ["GET", "/api/companies/co_1／..／x/tasks", {}, 403, "forbidden"],
        ["GET", "/api/companies/%EF%BC%8E%EF%BC%8E/tasks", {}, 403, "forbidden"],
        ["GET", "/api//companies", {}, 400, "invalid_request"],
        ["GET", "/api/companies//tasks", {}, 403, "forbidden"],
        ["GET", "/api/companies/co_1/tasks/", {}, 403, "forbidden"],
        ["GET", "/api/companies/%2e%2e/__mock/account", {}, 403, "forbidden"],
        ["GET", "/api/%2e%2e/__mock/account", {}, [[404, "not_found"], [403, "forbidden"]]],
        ["GET", "/api/companies/..%5c..%5c__mock%5caccount", {}, 403, "forbidden"],
        ["GET", "/api/companies/co_1%00/tasks", {}, 403, "forbidden"],
        ["GET", "/api/companies/co_1%0d%0aX-Injected:%201/tasks", {}, 403, "forbidden"],
        ["GET", "/api/companies\\..\\..\\__mock\\account", {}, [[404, "not_found"], [403, "forbidden"]]],
        ["GET", "/api/companies/co_1/../../__mock/account", {}, [[403, "forbidden"], [400, "invalid_request"]]],
        ["GET", "/apix/companies", {}, 404, "not_found"],
      ])],
    ["attacks on methods: only the allow-list's, in any letter case", () =>
      refusedRows([
        ["OPTIONS", "/api/companies", {}, 403, "forbidden"],
        ["PROPFIND", "/api/companies", {}, 403, "forbidden"],
        ["DELETE", "/api/companies/co_1", sameOrigin, 403, "forbidden"],
        ["patch", "/api/companies/co_1/tasks/t_1", sameOrigin, 403, "forbidden"],
        ["PUT", "/api/companies/co_1/tasks/t_1/approve", sameOrigin, 403, "forbidden"],
        ["GET", "/api/companies/co_1/tasks/t_1/approve", {}, 403, "forbidden"],
        ["POST", "/api/companies/co_1/pause", sameOrigin, 403, "forbidden"],
      ])],
    ["attacks by origin: a cross-site or origin-less write is refused before anything is relayed", () =>
      refusedRows([
        // What a form on another site sends: text/plain, no preflight.
        ["POST", "/api/companies/co_1/tasks/t_1/approve", { headers: { Origin: "https://evil.example", "Content-Type": "text/plain" }, body: '{"comment":"x"}' }, 403, "forbidden"],
        ["POST", "/api/companies/co_1/tasks/t_1/approve", { headers: { Origin: "null" } }, 403, "forbidden"],
        ["POST", "/api/companies/co_1/tasks/t_1/approve", { headers: { Origin: "http://edge.local.evil.example" } }, 403, "forbidden"],
        ["POST", "/api/companies/co_1/tasks/t_1/reject", {}, 403, "forbidden"],
      ])],
    ["the proxy's own origin and allowOrigins may write; headers of the caller's own stay home", async () => {
      const { capx, call, read, mockLog } = setup(`${mockOrigin}/v1`, { allowOrigins: ["https://app.example"] });
      const co = (await capx.companies.create({ name: "Attacked", governance_mode: "human_in_loop" })).data;
      const [t1, t2] = [(await capx.tasks.create(co.id, { title: "a" })).data, (await capx.tasks.create(co.id, { title: "b" })).data];
      const before = (await mockLog()).length;
      const approve = await call("POST", `/api/companies/${co.id}/tasks/${t1.id}/approve`, json('{"comment":"ok"}', { Cookie: "s=1", Authorization: "Bearer capx_sk_test_someoneelse", "X-Forwarded-For": "6.6.6.6" }));
      eq([approve.status, (await read(approve)).body.data.id], [200, t1.id], "same origin");
      const listed = await call("POST", `/api/companies/${co.id}/tasks/${t2.id}/reject`, json("{}", { Origin: "https://app.example" }));
      eq(listed.status, 200, "an allowed origin");
      const relayed = (await mockLog()).slice(before);
      eq(relayed.map((r) => r.path), [`/v1/companies/${co.id}/tasks/${t1.id}/approve`, `/v1/companies/${co.id}/tasks/${t2.id}/reject`]);
      for (const header of ["cookie", "x-forwarded-for", "origin"]) ok(!(header in relayed[0].headers), `${header} was relayed`);
    }],
    ["attacks with bodies: over the limit by Content-Length or chunked, trickling, not bytes; nothing is relayed", () => {
      const approve = "/api/companies/co_1/tasks/t_1/approve";
      const chunked = (chunks, { stall = false } = {}) => {
        let i = 0;
        return new ReadableStream({
          pull(controller) {
            if (i < chunks.length) return controller.enqueue(chunks[i++]);
            if (!stall) controller.close();
            return new Promise(() => {});
          },
        });
      };
      const mib = new Uint8Array(1 << 20).fill(32);
      const stream = (body) => ({ headers: { Origin: edge, "Content-Type": "application/json" }, body, duplex: "half" });
      return refusedRows([
        ["POST", approve, json("x".repeat(2048), { "Content-Length": "2048" }), 413, "invalid_request"],
        ["POST", approve, json("{}", { "Content-Length": "157286400" }), 413, "invalid_request"],
        ["POST", approve, stream(chunked([mib, mib, mib])), 413, "invalid_request"],
        ["POST", approve, stream(chunked([new Uint8Array(1000), new Uint8Array(1000)])), 413, "invalid_request"],
        ["POST", approve, stream(chunked([new TextEncoder().encode('{"comment":')], { stall: true })), 408, "invalid_request"],
      ], { maxBodyBytes: 1024, bodyTimeoutMs: 300 });
    }],
    ["a body within the limit is relayed as sent", async () => {
      const { capx, call, read, mockLog } = setup(`${mockOrigin}/v1`, { maxBodyBytes: 64 });
      const co = (await capx.companies.create({ name: "Bodies", governance_mode: "human_in_loop" })).data;
      const task = (await capx.tasks.create(co.id, { title: "a" })).data;
      const body = '{"reason":"too costly"}';
      const res = await call("POST", `/api/companies/${co.id}/tasks/${task.id}/reject`, { ...json(new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode(body)), c.close()) })), duplex: "half" });
      eq([res.status, (await read(res)).body.data.status], [200, "rejected"]);
      eq((await mockLog()).at(-1).path, `/v1/companies/${co.id}/tasks/${task.id}/reject`);
    }],
    ["redirects are never followed: a 3xx is a 502 naming its origin, for GET, POST and the stream", async () => {
      const { call, read } = setup(`${hostileOrigin}/v1`, { allow: ["GET /companies/:id", "POST /companies/:id/tasks", "GET /companies/:id/activity"] });
      for (const status of [301, 302, 303, 307, 308]) {
        for (const [method, path, init] of [
          ["GET", `/api/companies/redirect-${status}`, {}],
          ["POST", `/api/companies/redirect-${status}/tasks`, json('{"title":"t"}', { "Idempotency-Key": `k-${status}` })],
          ["GET", `/api/companies/redirect-${status}/activity`, { headers: { Accept: "text/event-stream" } }],
        ]) {
          const res = await call(method, path, init);
          const { body } = await read(res);
          eq([res.status, body.error.code], [502, "invalid_response"], `${status} ${method} ${path}`);
          ok(body.error.message.includes(otherOrigin), body.error.message);
        }
      }
      const res = await call("GET", "/api/companies/redirect-302-userinfo");
      const { body } = await read(res);
      ok(res.status === 502 && body.error.message.includes(otherOrigin), body.error.message);
      // A Location whose host holds the key: named, with the key taken out (read() checks).
      const keyHost = await call("GET", "/api/companies/redirect-302-keyhost");
      ok((await read(keyHost)).body.error.message.includes("[redacted]."), "the origin is named, redacted");
      eq(await stolen(), [], "nothing reached the other origin");
    }],
    ["echoes of the key: headers are relayed only when their values have their form", async () => {
      const { call, read } = setup(`${hostileOrigin}/v1`);
      const res = await call("GET", "/api/companies/echo-headers");
      await read(res);
      eq([res.status, res.headers.get("content-type")], [200, "application/json"]);
      eq([...res.headers.keys()].filter((h) => h !== "content-length").sort(), ["content-type"], "none of the echoing headers");
      const param = await call("GET", "/api/companies/echo-content-type");
      eq([param.status, (await read(param)).body.error.code], [502, "invalid_response"], "a Content-Type parameter");
    }],
    ["echoes of the key: JSON is relayed as re-serialized from its parsed value, so escapes are caught", async () => {
      const { call, read } = setup(`${hostileOrigin}/v1`);
      const res = await call("GET", "/api/companies/escaped-json");
      const { body, text } = await read(res);
      eq([res.status, res.headers.get("x-ratelimit-limit"), body.error.code], [401, "60", "unauthorized"]);
      eq(body.error.message, "Invalid API key: Bearer [redacted]");
      ok(text.includes('"[redacted]":["[redacted]",{"[redacted]":"x [redacted] y"}]'), text);
    }],
    ["echoes of the key: other charsets and types are refused, not relayed", async () => {
      const { call, read } = setup(`${hostileOrigin}/v1`);
      for (const mode of ["utf16", "latin1", "html", "deep-json"]) {
        const res = await call("GET", `/api/companies/${mode}`);
        eq([res.status, (await read(res)).body.error.code], [502, "invalid_response"], mode);
      }
    }],
    ["echoes of the key: every event of a stream is re-written, also one sent with status 500", async () => {
      const { key, call, read } = setup(`${hostileOrigin}/v1`);
      for (const [mode, status] of [["sse-echo", 200], ["sse-500", 500]]) {
        const res = await call("GET", `/api/companies/${mode}/activity`, { headers: { Accept: "text/event-stream" } });
        const { text } = await read(res);
        eq([res.status, res.headers.get("content-type")], [status, "text/event-stream"], mode);
        // Data that is not JSON has the key's text taken out; an escape in it stays text
        // (no reader parses it into the key). The event cut off by the end is dropped.
        eq(text,
          ": [redacted]\nretry: 1000\nid: [redacted]\nevent: [redacted]\n" +
          'data: {"type":"task.created","echo":"[redacted]","raw":"[redacted]"}\n\n' +
          `data: not json [redacted]\ndata: line two \\u0063${key.slice(1)}\n\n` +
          'id: 7\ndata: {"type":"agent.heartbeat","[redacted]":1}\n\n', mode);
      }
    }],
    ["echoes of the key: an event whose data cannot be re-written ends the stream, not relayed as it came", async () => {
      const { key, call } = setup(`${hostileOrigin}/v1`);
      const res = await call("GET", "/api/companies/sse-deep/activity", { headers: { Accept: "text/event-stream" } });
      const reader = res.body.getReader();
      let text = "";
      try {
        for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value);
        ok(false, "the stream ended without an error");
      } catch {}
      ok(text.startsWith('data: {"type":"x"}\n\n') && !text.includes(key.slice(1)), text.slice(0, 200));
    }],
    ["connection errors are opaque: no upstream address or runtime message reaches the page", async () => {
      const { call, read } = setup("http://127.0.0.1:9/v1");
      const res = await call("GET", "/api/companies");
      const { body, text } = await read(res);
      eq([res.status, body.error.code, body.error.message], [502, "connection_error", "Capx could not be reached"]);
      ok(!/127\.0\.0\.1|ECONNREFUSED|:9\b/.test(text), text);
    }],
    ["authorize runs before anything is relayed, sees the route, and namespaces Idempotency-Keys per caller", async () => {
      const seen = [];
      const users = { "Bearer alice": "alice", "Bearer bob": "bob" };
      const authorize = async (request, route) => {
        seen.push(route);
        const user = users[request.headers.get("x-session")];
        if (request.headers.get("x-session") === "throw") throw new Error("boom");
        return user ?? false;
      };
      const { capx, call, read, mockLog } = setup(`${mockOrigin}/v1`, { authorize, allow: ["POST /companies/:companyId/tasks"] });
      const co = (await capx.companies.create({ name: "Users" })).data;
      const path = `/api/companies/${co.id}/tasks`;
      const before = (await mockLog()).length;
      for (const session of [undefined, "Bearer mallory", "throw"]) {
        const res = await call("POST", path, json('{"title":"x"}', session ? { "x-session": session } : {}));
        eq([res.status, (await read(res)).body.error.code], [403, "forbidden"], String(session));
      }
      eq((await mockLog()).length, before, "nothing relayed for a refused caller");
      eq(seen[0], { pattern: "POST /companies/:companyId/tasks", method: "POST", path: `/companies/${co.id}/tasks`, params: { companyId: co.id } });
      const created = [];
      for (const session of ["Bearer alice", "Bearer bob", "Bearer alice"]) {
        const res = await call("POST", path, json(`{"title":"${session}"}`, { "x-session": session, "Idempotency-Key": "same-key" }));
        created.push([res.status, (await read(res)).body.data.title]);
      }
      eq(created, [[201, "Bearer alice"], [201, "Bearer bob"], [201, "Bearer alice"]], "bob's same key is not alice's replay");
      const keys = (await mockLog()).slice(before).map((r) => r.idempotency_key);
      ok(keys[0] === keys[2] && keys[0] !== keys[1] && /^[0-9a-f]{64}$/.test(keys[0]), JSON.stringify(keys));
    }],
  ];
}

function tryParse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
