// What a broken server or proxy can send, against a real HTTP server on 127.0.0.1: each
// response must give a CapxError with the expected code and status (never a SyntaxError or
// a trap), and the same wasm instance must keep working afterwards. The same for activity
// events whose data is not one JSON object.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { once } from "node:events";
import { inspect } from "node:util";
import { Capx, CapxError, createEdgeHandler } from "capx";

const meta = '"meta":{"credits_used":1,"credits_remaining":9}';
const ok = `{"success":true,"data":{"id":"co_1"},${meta}}`;
const json = "application/json";
// [name, status, body | (req, res) => void, headers?, expected code (null: resolves), expected status]
const cases = [
  ["empty body 200", 200, "", json, "invalid_response", 200],
  ["empty body 500", 500, "", json, "invalid_response", 500],
  ["empty 204", 204, "", json, "invalid_response", 204],
  ["HTML 502 from a proxy", 502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html", "invalid_response", 502],
  ["HTML 429 from a CDN", 429, "<html>Too Many Requests</html>", "text/html", "invalid_response", 429],
  ["plain text 200", 200, "OK", "text/plain", "invalid_response", 200],
  ["truncated JSON", 200, ok.slice(0, 30), json, "invalid_response", 200],
  ["a JSON array", 200, "[1,2,3]", json, "invalid_response", 200],
  ["JSON null", 200, "null", json, "invalid_response", 200],
  ["a JSON number", 200, "42", json, "invalid_response", 200],
  ["a JSON string", 200, '"success"', json, "invalid_response", 200],
  ["an empty object", 200, "{}", json, "invalid_response", 200],
  ["success as a string", 200, `{"success":"true","data":{},${meta}}`, json, "invalid_response", 200],
  ["success without data", 200, `{"success":true,${meta}}`, json, "invalid_response", 200],
  ["success without meta", 200, '{"success":true,"data":{}}', json, "invalid_response", 200],
  ["meta not an object", 200, '{"success":true,"data":{},"meta":[1]}', json, "invalid_response", 200],
  ["credits_used a string", 200, '{"success":true,"data":{},"meta":{"credits_used":"1","credits_remaining":9}}', json, "invalid_response", 200],
  ["credits_remaining missing", 200, '{"success":true,"data":{},"meta":{"credits_used":1}}', json, "invalid_response", 200],
  ["cursor a number", 200, '{"success":true,"data":[],"meta":{"cursor":5,"has_more":true,"credits_used":1,"credits_remaining":9}}', json, "invalid_response", 200],
  ["has_more a string", 200, '{"success":true,"data":[],"meta":{"cursor":null,"has_more":"no","credits_used":1,"credits_remaining":9}}', json, "invalid_response", 200],
  ["success true on a 500", 500, ok, json, "invalid_response", 500],
  ["success false without error", 400, '{"success":false}', json, "invalid_response", 400],
  ["error not an object", 400, '{"success":false,"error":"bad"}', json, "invalid_response", 400],
  ["error.code a number", 400, '{"success":false,"error":{"code":400,"message":"m"}}', json, "invalid_response", 400],
  ["error.message missing", 400, '{"success":false,"error":{"code":"invalid_request"}}', json, "invalid_response", 400],
  ["error.docs a number", 400, '{"success":false,"error":{"code":"invalid_request","message":"m","docs":1}}', json, "invalid_response", 400],
  ["invalid UTF-8 in the body", 200, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), json, "invalid_response", 200],
  ["nesting a million deep", 200, "[".repeat(1_000_000) + "]".repeat(1_000_000), json, "invalid_response", 200],
  ["a body cut short of its Content-Length", (req, res) => {
    res.writeHead(200, { "content-type": json, "content-length": String(ok.length) });
    res.write(ok.slice(0, 10));
    setTimeout(() => res.socket.destroy(), 10);
  }, "connection_error", null],
  ["the connection reset before any header", (req, res) => res.socket.destroy(), "connection_error", null],
  ["gzip announced, not sent", (req, res) => {
    res.writeHead(200, { "content-type": json, "content-encoding": "gzip" });
    res.end("not gzip at all");
  }, "connection_error", null],
  ["headers, then a body that never comes", (req, res) => res.writeHead(200, { "content-type": json }), "timeout", null],
  // A server or proxy that echoes the key: it reaches no string of the error (issue 17).
  ["the key echoed in error.message and error.docs", (req, res) => {
    const key = req.headers.authorization.slice(7);
    res.writeHead(401, { "content-type": json });
    res.end(JSON.stringify({ success: false, error: { code: "unauthorized", message: `Invalid API key: Bearer ${key}`, docs: `https://docs.example/?key=${key}` } }));
  }, "unauthorized", 401],
  ["the key echoed in error.code", (req, res) => {
    res.writeHead(400, { "content-type": json });
    res.end(JSON.stringify({ success: false, error: { code: `bad_${req.headers.authorization.slice(7)}`, message: "m" } }));
  }, "bad_[redacted]", 400],
  ["the key in a non-JSON body, cut where the excerpt ends", (req, res) => {
    res.writeHead(502, { "content-type": "text/html" });
    res.end(`<p>${"x".repeat(30)} ${req.headers.authorization}</p>`);
  }, "invalid_response", 502],
  ["an unknown error code passes through", 418, '{"success":false,"error":{"code":"teapot","message":"short and stout"}}', json, "teapot", 418],
  ["a valid envelope as text/html still parses", 200, ok, "text/html", null, 200],
  ["a UTF-8 BOM before the JSON", 200, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ok)]), json, null, 200],
  ["garbage rate-limit headers are ignored", (req, res) => {
    res.writeHead(200, { "content-type": json, "x-ratelimit-limit": "lots", "x-ratelimit-remaining": "-1", "x-ratelimit-reset": "soon" });
    res.end(ok);
  }, null, 200],
].map((c) => (typeof c[1] === "function" ? { name: c[0], handle: c[1], code: c[2], status: c[3] } : { name: c[0], handle: (req, res) => {
  res.writeHead(c[1], { "content-type": c[3] });
  res.end(c[2]);
}, code: c[4], status: c[5] }));

// On Node capx sends requests through node:http unless given a fetch: both must hold.
const transports = [["node:http", {}], ["fetch", { fetch: (...args) => fetch(...args) }]];

for (const [transport, options] of transports) test(`${cases.length} malformed responses each give the expected CapxError over ${transport}; the instance keeps working`, async (t) => {
  assert.ok(cases.filter((c) => c.code !== null).length >= 30);
  const server = createServer((req, res) => {
    const i = Number(new URL(req.url, "http://x").pathname.split("/").pop());
    (cases[i] ?? { handle: (_, r) => r.writeHead(200, { "content-type": json }).end(ok) }).handle(req, res);
  }).listen(0, "127.0.0.1");
  await once(server, "listening");
  const capx = new Capx({ apiKey: "capx_sk_test_malformed", baseUrl: `http://127.0.0.1:${server.address().port}/v1`, maxRetries: 0, timeoutMs: 500, ...options });
  try {
    for (const [i, c] of cases.entries()) {
      await t.test(c.name, async () => {
        const call = capx.companies.get(String(i));
        if (c.code === null) {
          const result = await call;
          assert.equal(result.status, c.status);
          assert.equal(result.data.id, "co_1");
          return;
        }
        const e = await call.then(() => assert.fail("resolved"), (e) => e);
        assert.ok(e instanceof CapxError, `${e?.name}: ${e?.message}`);
        assert.equal(e.code, c.code, e.message);
        assert.equal(e.status, c.status, e.message);
        assert.equal(e.retryable, c.code === "connection_error" || c.code === "timeout" || c.status === 429 || c.status >= 500);
        // Even a start of the key, as an excerpt cut inside it would show.
        for (const shown of [e.message, e.stack, String(e), inspect(e), e.docs, e.code]) assert.ok(!String(shown).includes("capx_sk_test_m"), `the key is in: ${shown}`);
      });
    }
    const after = await capx.companies.get("alive");
    assert.equal(after.data.id, "co_1", "the same instance still works");
  } finally {
    server.close();
    server.closeAllConnections();
  }
});

// [name, the bad event's data lines]: two good events come first and are delivered.
const badEvents = [
  ["not JSON", ["hello"]],
  ["an array", ["[1,2]"]],
  ["null", ["null"]],
  ["a string", ['"task.created"']],
  ["a number", ["42"]],
  ["empty data", [""]],
  ["two objects in one event", ['{"type":"a"},{"type":"b"}']],
  ["an object cut short", ['{"type":"task.created"']],
  ["half an object, its other half in the next event", ['{"type":"', '"}']],
  ["trailing garbage", ['{"type":"a"} x']],
  // Flat (a brace pair, no other bracket), so first parsed with the good events at once.
  ["a flat object whose string is left open", ['{"type":"}']],
  ["a flat object missing a colon", ['{"type" "a"}']],
  ["a flat object with a trailing comma", ['{"type":"a",}']],
];

test(`${badEvents.length} activity events that are not JSON objects end the stream with invalid_response`, async (t) => {
  const good = (id) => `id: ${id}\nevent: activity\ndata: {"type":"agent.heartbeat","n":${id}}\n\n`;
  const server = createServer((req, res) => {
    const i = Number(new URL(req.url, "http://x").pathname.split("/")[3].slice(3));
    res.writeHead(200, { "content-type": "text/event-stream" });
    if (i === badEvents.length) {
      // Invalid UTF-8 inside a string is replaced, as TextDecoder does: still an object.
      res.end(Buffer.concat([Buffer.from('id: 9\ndata: {"type":"x","s":"a'), Buffer.from([0xff]), Buffer.from('b"}\n\n')]));
      return;
    }
    const [, lines] = badEvents[i];
    res.end(good(1) + good(2) + "id: 3\n" + lines.map((l) => `data: ${l}\n`).join("") + "\n" + good(4));
  }).listen(0, "127.0.0.1");
  await once(server, "listening");
  const capx = new Capx({ apiKey: "capx_sk_test_malformed", baseUrl: `http://127.0.0.1:${server.address().port}/v1`, maxRetries: 0 });
  try {
    for (const [i, [name]] of badEvents.entries()) {
      await t.test(name, async () => {
        const stream = capx.companies.activity(`co_${i}`);
        const got = [];
        const e = await (async () => {
          for await (const event of stream) got.push(event.n);
        })().then(() => assert.fail("ended without an error"), (e) => e);
        assert.ok(e instanceof CapxError, `${e?.name}: ${e?.message}`);
        assert.equal(e.code, "invalid_response");
        assert.match(e.message, /not a JSON object/);
        assert.deepEqual(got, [1, 2], "the events before the bad one arrive, none after it");
        assert.equal(stream.lastEventId, "2");
        assert.equal((await stream[Symbol.asyncIterator]().next()).done, true, "the stream is over");
      });
    }
    for await (const event of capx.companies.activity(`co_${badEvents.length}`)) {
      assert.deepEqual(event, { type: "x", s: "a\ufffdb" });
      break;
    }
  } finally {
    server.close();
    server.closeAllConnections();
  }
});

// Each read's events are parsed at once when all are flat objects, else one by one: either
// way each arrives as its data parses alone (own __proto__ keys, duplicate keys, brackets in
// strings, whitespace around the object).
test("activity events of every shape arrive as each one's data parses alone", async () => {
  const flat = ['{"a":1}', '{"__proto__":"p","k":"v","k":"w"}', '{"s":"x,y","n":-0.5e3,"t":true,"u":null}', '{"e":"\\"\\u00e9"}'];
  const nested = ['{"b":{"c":[1,2]}}', ' {"d":"x"} ', '{"s":"[{"}', '{"__proto__":{"p":1}}', ...flat];
  // Two bad events that would parse at once into as many objects as there are events: one
  // merges with the next, the last splits in two.
  const merged = ['{"a":1}', '{"x":[1', "2]}", '{"b":2},{"c":3}'];
  const server = createServer((req, res) => {
    const datas = req.url.includes("/co_flat/") ? flat : req.url.includes("/co_merged/") ? merged : nested;
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(datas.map((d, i) => `id: ${i + 1}\ndata: ${d}\n\n`).join(""));
  }).listen(0, "127.0.0.1");
  await once(server, "listening");
  const capx = new Capx({ apiKey: "capx_sk_test_shapes", baseUrl: `http://127.0.0.1:${server.address().port}/v1`, maxRetries: 0 });
  try {
    for (const [company, datas] of [["co_flat", flat], ["co_nested", nested]]) {
      const got = [];
      for await (const event of capx.companies.activity(company)) if (got.push(event) === datas.length) break;
      assert.deepEqual(got, datas.map((d) => JSON.parse(d)), company);
      for (const event of got) assert.equal(Object.getPrototypeOf(event), Object.prototype, company);
      assert.equal(got.find((e) => "k" in e).k, "w");
    }
    const got = [];
    const e = await (async () => {
      for await (const event of capx.companies.activity("co_merged")) got.push(event);
    })().then(() => assert.fail("ended without an error"), (e) => e);
    assert.equal(e.code, "invalid_response");
    assert.deepEqual(got, [{ a: 1 }]);
  } finally {
    server.close();
    server.closeAllConnections();
  }
});

// A Response carries 200 to 599 only: the edge proxy answers an upstream beyond that with
// its own 502 envelope rather than failing to build one.
for (const [transport, options] of transports) test(`the edge proxy answers 502 for an upstream status a Response cannot carry, over ${transport}`, async () => {
  const server = createServer((req, res) => res.writeHead(999, { "content-type": json }).end(ok)).listen(0, "127.0.0.1");
  await once(server, "listening");
  try {
    const capx = new Capx({ apiKey: "capx_sk_test_malformed", baseUrl: `http://127.0.0.1:${server.address().port}/v1`, maxRetries: 0, ...options });
    const handler = createEdgeHandler(capx, { prefix: "/api" });
    const response = await handler(new Request("http://edge.test/api/companies/co_1"));
    assert.equal(response.status, 502);
    const body = await response.json();
    assert.equal(body.error.code, "invalid_response");
    assert.match(body.error.message, /999/);
    assert.equal((await handler(new Request("http://edge.test/api/companies/co_1"))).status, 502, "the handler still answers");
  } finally {
    server.close();
    server.closeAllConnections();
  }
});
