// What an activity stream does when a server refuses a reconnection or sends more than it
// may: against a real HTTP server on 127.0.0.1 scripted request by request.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { once } from "node:events";
import { Capx, CapxError } from "capx";

const event = (id, type) => `id: ${id}\nevent: activity\ndata: {"type":"${type}"}\n\n`;
const refusal = JSON.stringify({ success: false, error: { code: "rate_limit_exceeded", message: "slow down" } });

// Serves `answers[i]` to the i-th activity request: [status, headers, body]; a 200 with
// `open` keeps the connection open after the body. Returns the requests as received.
async function serve(answers, t) {
  const requests = [];
  const server = createServer((req, res) => {
    const [status, headers, body, open] = answers[requests.length] ?? [500, {}, ""];
    requests.push({ at: performance.now(), lastEventId: req.headers["last-event-id"] });
    res.writeHead(status, headers);
    if (open) res.write(body);
    else res.end(body);
  }).listen(0, "127.0.0.1");
  await once(server, "listening");
  t.after(() => {
    server.close();
    server.closeAllConnections();
  });
  const capx = new Capx({ apiKey: "capx_sk_test_reconnect", baseUrl: `http://127.0.0.1:${server.address().port}/v1` });
  return { capx, requests };
}

const stream = { "content-type": "text/event-stream" };

test("a reconnection refused with 429 waits as long as Retry-After asks, not the stream's retry:", async (t) => {
  const { capx, requests } = await serve(
    [
      [200, stream, "retry: 10\n\n" + event(1, "a")],
      [429, { "content-type": "application/json", "retry-after": "2" }, refusal],
      [200, stream, event(2, "b"), true],
    ],
    t,
  );
  const got = [];
  for await (const e of capx.companies.activity("co_1")) if (got.push(e.type) === 2) break;
  assert.deepEqual(got, ["a", "b"]);
  assert.deepEqual(requests.map((r) => r.lastEventId), [undefined, "1", "1"]);
  // `retry: 10` backed off once is at most 20 ms; Retry-After: 2 is 2000.
  const waited = requests[2].at - requests[1].at;
  assert.ok(waited >= 1900, `reconnected ${waited.toFixed(0)} ms after the 429`);
});

test("a reconnection refused for longer than 60 s ends the stream with the server's error", async (t) => {
  const { capx, requests } = await serve(
    [
      [200, stream, "retry: 10\n\n" + event(1, "a")],
      [503, { "content-type": "application/json", "retry-after": "120" }, refusal.replace("rate_limit_exceeded", "service_unavailable")],
    ],
    t,
  );
  const activity = capx.companies.activity("co_1");
  const got = [];
  const error = await (async () => {
    for await (const e of activity) got.push(e.type);
  })().then(() => assert.fail("ended without an error"), (e) => e);
  assert.ok(error instanceof CapxError);
  assert.equal(error.code, "service_unavailable");
  assert.equal(error.status, 503);
  assert.deepEqual(got, ["a"]);
  assert.equal(activity.lastEventId, "1", "the caller can resume later from here");
  assert.equal(requests.length, 2);
});

test("events completed before an over-long line in the same read arrive before the error", async () => {
  // A real server cannot make the network hand the client both in one read; a `fetch` that
  // answers from memory can, and that is the case where they used to be dropped together.
  const body = new TextEncoder().encode(event(1, "a") + event(2, "b") + "data: " + "x".repeat((1 << 20) + 1) + "\n\n");
  const capx = new Capx({
    apiKey: "capx_sk_test_reconnect",
    fetch: async () => new Response(new ReadableStream({ start: (c) => (c.enqueue(body), c.close()) }), { headers: stream }),
  });
  const activity = capx.companies.activity("co_1");
  const got = [];
  const error = await (async () => {
    for await (const e of activity) got.push(e.type);
  })().then(() => assert.fail("ended without an error"), (e) => e);
  assert.deepEqual(got, ["a", "b"]);
  assert.equal(error.code, "invalid_response");
  assert.match(error.message, /exceeded 1048576 bytes/);
  assert.equal(activity.lastEventId, "2");
});

test("an event whose decoded text would outgrow the limit is refused as an over-long line is", async () => {
  // 400 000 bytes that are not UTF-8 read as 400 000 U+FFFD: 1 200 000 bytes of text.
  const head = new TextEncoder().encode(event(1, "a") + "data: ");
  const body = new Uint8Array(head.length + 400_002).fill(0xff);
  body.set(head);
  body.set([10, 10], body.length - 2);
  const capx = new Capx({
    apiKey: "capx_sk_test_reconnect",
    fetch: async () => new Response(new ReadableStream({ start: (c) => (c.enqueue(body), c.close()) }), { headers: stream }),
  });
  const got = [];
  const error = await (async () => {
    for await (const e of capx.companies.activity("co_1")) got.push(e.type);
  })().then(() => assert.fail("ended without an error"), (e) => e);
  assert.deepEqual(got, ["a"]);
  assert.equal(error.code, "invalid_response");
  assert.match(error.message, /exceeded 1048576 bytes/);
});
