// createEdgeHandler relaying to capx-mock: allow-list, credential stripping, key safety,
// SSE piped through, errors as the envelope. Runs in Node, workerd and edge-runtime.
import { eq, ok, fails } from "./harness.mjs";

export function edgeCases({ Capx, CapxError, createEdgeHandler }, { mockOrigin }) {
  const baseUrl = `${mockOrigin}/v1`;
  const setup = (allow) => {
    const serverKey = `capx_sk_test_edge${Math.random().toString(36).slice(2)}`;
    const capx = new Capx({ apiKey: serverKey, baseUrl, dangerouslyAllowBrowser: true });
    const handler = createEdgeHandler(capx, { prefix: "/api", ...(allow ? { allow } : {}) });
    const call = (method, path, init = {}) => handler(new Request(`http://edge.local${path}`, { method, ...init }));
    const log = async (key = serverKey) =>
      (await (await fetch(`${mockOrigin}/__mock/requests`, { headers: { Authorization: `Bearer ${key}` } })).json()).requests;
    // Every response the page could ever see is scanned for the key.
    const noKey = async (res) => {
      const text = await res.clone().text();
      ok(!text.includes(serverKey), "the key is in a response body");
      for (const [k, v] of res.headers) ok(!v.includes(serverKey), `the key is in response header ${k}`);
      ok(!res.headers.has("set-cookie"));
      return text;
    };
    return { capx, call, log, noKey, serverKey };
  };

  return [
    ["the proxy relays allowed reads with the server-held key", async () => {
      const { capx, call, noKey } = setup();
      const co = (await capx.companies.create({ name: "Edge Co" })).data;
      const res = await call("GET", `/api/companies/${co.id}`);
      eq([res.status, res.headers.get("content-type")], [200, "application/json"]);
      ok(res.headers.get("x-ratelimit-limit"), "rate-limit headers pass through");
      const body = JSON.parse(await noKey(res));
      eq([body.success, body.data.id, body.data.name], [true, co.id, "Edge Co"]);
      const list = JSON.parse(await noKey(await call("GET", `/api/companies/${co.id}/tasks?limit=5&status=pending`)));
      eq(list.meta.cursor, null);
    }],
    ["routes outside the allow-list are refused and never reach Capx", async () => {
      const { capx, call, log, noKey } = setup();
      const co = (await capx.companies.create({ name: "Edge Co" })).data;
      const before = (await log()).length;
      for (const [method, path, status, code] of [
        ["POST", `/api/companies/${co.id}/pause`, 403, "forbidden"],
        ["POST", `/api/companies/${co.id}/tasks`, 403, "forbidden"],
        ["PATCH", `/api/companies/${co.id}/tasks/tsk_1`, 403, "forbidden"],
        ["GET", `/api/companies/${co.id}/agents`, 403, "forbidden"],
        ["DELETE", `/api/companies/${co.id}`, 403, "forbidden"],
        ["GET", `/elsewhere/companies`, 404, "not_found"],
        ["GET", `/apiary/companies`, 404, "not_found"],
        ["GET", `/api/companies/%2e%2e/x`, 403, "forbidden"],
      ]) {
        const res = await call(method, path);
        const body = JSON.parse(await noKey(res));
        eq([res.status, body.success, body.error.code], [status, false, code], `${method} ${path}`);
      }
      eq((await log()).length, before, "nothing was relayed");
    }],
    ["the caller's Authorization and Cookie never go upstream", async () => {
      const { capx, call, log, noKey } = setup();
      const co = (await capx.companies.create({ name: "Edge Co" })).data;
      const attacker = "capx_sk_test_attackerkey";
      const res = await call("GET", `/api/companies/${co.id}`, {
        headers: { Authorization: `Bearer ${attacker}`, Cookie: "session=secret", "X-Forwarded-For": "1.2.3.4" },
      });
      eq(res.status, 200, "served with the server's key, not the caller's");
      await noKey(res);
      const relayed = (await log()).at(-1);
      eq(relayed.path, `/v1/companies/${co.id}`);
      ok(!("cookie" in relayed.headers) && !("x-forwarded-for" in relayed.headers), JSON.stringify(relayed.headers));
      eq((await log(attacker)).length, 0, "the attacker's key reached nothing");
    }],
    ["opt-in writes: creating a task through the proxy, the caller's Idempotency-Key kept", async () => {
      const allow = ["GET /companies/:id/tasks", "POST /companies/:id/tasks"];
      const { capx, call, log, noKey } = setup(allow);
      const co = (await capx.companies.create({ name: "Edge Co" })).data;
      const init = { headers: { Origin: "http://edge.local", "Content-Type": "application/json", "Idempotency-Key": "page-1" }, body: JSON.stringify({ title: "from the page" }) };
      const first = await call("POST", `/api/companies/${co.id}/tasks`, init);
      const again = await call("POST", `/api/companies/${co.id}/tasks`, init);
      eq([first.status, again.status, again.headers.get("idempotent-replayed")], [201, 201, "true"]);
      ok(/^req_\w+$/.test(first.headers.get("x-request-id")) && first.headers.get("x-request-id") !== again.headers.get("x-request-id"), "each answer's request id reaches the page");
      eq(JSON.parse(await noKey(first)).data.title, "from the page");
      eq((await log()).filter((r) => r.method === "POST" && r.path.endsWith("/tasks")).map((r) => r.idempotency_key), ["page-1", "page-1"]);
      const invalid = await call("POST", `/api/companies/${co.id}/tasks`, { headers: { Origin: "http://edge.local", "Content-Type": "application/json" }, body: JSON.stringify({ title: "" }) });
      const body = JSON.parse(await noKey(invalid));
      eq([invalid.status, body.error.code], [422, "validation_error"], "the API's validation message reaches the page");
      eq((await call("GET", `/api/companies/${co.id}`)).status, 403, "only what the list names");
    }],
    ["the activity stream is piped through as text/event-stream", async () => {
      const { capx, call, noKey, serverKey } = setup();
      const co = (await capx.companies.create({ name: "Edge Co" })).data;
      const res = await call("GET", `/api/companies/${co.id}/activity`, { headers: { Accept: "text/event-stream", "Last-Event-ID": "0" } });
      eq(res.status, 200);
      ok(res.headers.get("content-type").startsWith("text/event-stream"));
      const reader = res.body.getReader();
      let text = "";
      while (!text.includes("company.created")) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      await reader.cancel();
      ok(text.includes("id: 1\nevent: activity\ndata: {"), text);
      ok(!text.includes(serverKey));
      const missing = await call("GET", `/api/companies/co_nope/activity`, { headers: { Accept: "text/event-stream" } });
      eq(missing.status, 404);
      await noKey(missing);
    }],
    ["upstream failures come back as the envelope", async () => {
      const capx = new Capx({ apiKey: "capx_sk_test_nobody", baseUrl: "http://127.0.0.1:9/v1", dangerouslyAllowBrowser: true, maxRetries: 0 });
      const res = await createEdgeHandler(capx, { prefix: "/api" })(new Request("http://edge.local/api/companies"));
      const body = await res.json();
      eq([res.status, body.success, body.error.code], [502, false, "connection_error"]);
      ok(!JSON.stringify(body).includes("capx_sk_test_nobody"));
      await fails(() => createEdgeHandler(capx, { allow: ["FETCH everything"] }), "invalid_config", CapxError);
      await fails(() => createEdgeHandler(capx, { allow: "GET /companies" }), "invalid_config", CapxError);
    }],
    ["an upstream error that echoed the key is redacted, also when a stream was asked for", async () => {
      const serverKey = `capx_sk_test_echo${Math.random().toString(36).slice(2)}`;
      // capx-mock's real answer, with the key written into every error body, as a careless
      // upstream might.
      const echoing = async (url, init) => {
        const response = await fetch(url, init);
        if (response.ok) return response;
        const text = (await response.text()).replace('"message":"', `"message":"${serverKey} `);
        return new Response(text, { status: response.status, headers: response.headers });
      };
      const capx = new Capx({ apiKey: serverKey, baseUrl, fetch: echoing, dangerouslyAllowBrowser: true });
      const handler = createEdgeHandler(capx, { prefix: "/api" });
      for (const accept of ["application/json", "text/event-stream"]) {
        const res = await handler(new Request("http://edge.local/api/companies/co_missing/activity", { headers: { Accept: accept } }));
        const text = await res.text();
        eq(res.status, 404, accept);
        ok(!text.includes(serverKey) && text.includes("[redacted]"), `${accept}: ${text}`);
      }
    }],
  ];
}
