// Webhook verification: the published vector, both directions against the
// `standardwebhooks` package, and capx-mock's signed deliveries end to end.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { once } from "node:events";
import { Webhook, CapxError } from "capx";
import { Webhook as StandardWebhook } from "standardwebhooks";

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const ts = 1614265330;
const body = '{"test": 2432232314}';
const signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const headers = { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": signature };
const invalid = (fn) => assert.throws(fn, (e) => e instanceof CapxError && e.code === "invalid_signature" && e.retryable === false);

test("the published vector signs and verifies", () => {
  const wh = new Webhook(secret);
  assert.equal(wh.sign(id, ts, body), signature);
  assert.deepEqual(wh.verify(body, headers, { now: ts }), { test: 2432232314 });
  assert.deepEqual(wh.verify(new TextEncoder().encode(body), new Headers(headers), { now: ts }), { test: 2432232314 });
  const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
  assert.deepEqual(wh.verify(body, upper, { now: ts }), { test: 2432232314 }, "names are case-insensitive");
});

test("tampering, tolerance, rotation and missing headers", () => {
  const wh = new Webhook(secret);
  invalid(() => wh.verify('{"test": 2432232315}', headers, { now: ts }));
  invalid(() => wh.verify(body, { ...headers, "webhook-id": "msg_other" }, { now: ts }));
  wh.verify(body, headers, { now: ts + 300 });
  wh.verify(body, headers, { now: ts - 300 });
  invalid(() => wh.verify(body, headers, { now: ts + 301 }));
  invalid(() => wh.verify(body, headers, { now: ts - 301 }));
  wh.verify(body, headers, { now: ts + 1000, toleranceSec: 1000 });
  invalid(() => wh.verify(body, headers), "the real clock is years past 2021");
  wh.verify(body, { ...headers, "webhook-signature": `v1,bm9wZQ== v2,abc ${signature}` }, { now: ts });
  for (const missing of Object.keys(headers)) {
    const { [missing]: _, ...rest } = headers;
    invalid(() => wh.verify(body, rest, { now: ts }));
  }
  assert.throws(() => new Webhook("whsec_***"), (e) => e instanceof CapxError && e.code === "invalid_config");
  assert.throws(() => wh.verify(42, headers, { now: ts }), (e) => e.code === "invalid_config");
  // -0 too: written "-0", verify refuses it.
  for (const bad of [-1, -0, 1.5, NaN, Infinity, 2 ** 53, "1614265330"]) {
    assert.throws(() => wh.sign(id, bad, body), (e) => e instanceof CapxError && e.code === "invalid_config", `timestamp ${bad}`);
  }
});

test("a correctly signed payload that is not one JSON object is refused", () => {
  const wh = new Webhook(secret);
  for (const payload of ["[1,2]", "[]", "null", "42", '"text"', "not json", '{"a":1} {"b":2}']) {
    const signed = { ...headers, "webhook-signature": wh.sign(id, ts, payload) };
    assert.throws(() => wh.verify(payload, signed, { now: ts }), (e) => e instanceof CapxError && e.code === "invalid_signature" && /not a JSON object/.test(e.message), payload);
  }
});

test("cross-checked with the standardwebhooks package, both ways", () => {
  const ours = new Webhook(secret);
  const theirs = new StandardWebhook(secret);
  const payload = JSON.stringify({ id: "evt_1", type: "task.completed", timestamp: "2026-05-25T10:00:05Z", data: { task_id: "tsk_456" } });
  const now = Math.floor(Date.now() / 1000);
  const theirSig = theirs.sign("msg_1", new Date(now * 1000), payload);
  const event = ours.verify(payload, { "webhook-id": "msg_1", "webhook-timestamp": String(now), "webhook-signature": theirSig });
  assert.equal(event.type, "task.completed");
  assert.equal(event.data.task_id, "tsk_456");
  const ourSig = ours.sign("msg_2", now, payload);
  assert.deepEqual(theirs.verify(payload, { "webhook-id": "msg_2", "webhook-timestamp": String(now), "webhook-signature": ourSig }), JSON.parse(payload));
  const unknown = JSON.stringify({ id: "evt_2", type: "company.renamed", timestamp: "t", data: {} });
  const sig = ours.sign("msg_3", now, unknown);
  assert.equal(ours.verify(unknown, { "webhook-id": "msg_3", "webhook-timestamp": String(now), "webhook-signature": sig }).type, "company.renamed", "unknown types pass through");
});

test("capx-mock's deliveries verify end to end", { skip: !process.env.CAPX_MOCK_BIN && "CAPX_MOCK_BIN is not set" }, async () => {
  const received = [];
  const receiver = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      received.push({ headers: req.headers, text });
      res.writeHead(204).end();
    });
  }).listen(0, "127.0.0.1");
  await once(receiver, "listening");
  const url = `http://127.0.0.1:${receiver.address().port}/hooks`;
  const mock = spawn(process.env.CAPX_MOCK_BIN, ["--port", "0", "--quiet", "--webhook-url", url, "--webhook-secret", secret, "--heartbeat-ms", "3600000"]);
  try {
    const exited = once(mock, "exit").then(([code]) => Promise.reject(new Error(`capx-mock exited with ${code}`)));
    const [line] = await Promise.race([once(mock.stdout, "data"), exited]);
    const origin = String(line).trim().replace("capx-mock listening on ", "");
    const auth = { Authorization: "Bearer capx_sk_test_demo", "Content-Type": "application/json" };
    const co = await (await fetch(`${origin}/v1/companies`, { method: "POST", headers: auth, body: JSON.stringify({ name: "Hooked", governance_mode: "human_in_loop" }) })).json();
    await fetch(`${origin}/v1/companies/${co.data.id}/tasks`, { method: "POST", headers: auth, body: JSON.stringify({ title: "signed" }) });
    const deadline = Date.now() + 10_000;
    while (received.length < 3) {
      assert.ok(Date.now() < deadline, `3 deliveries expected within 10 s, got ${received.length}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const wh = new Webhook(secret);
    const theirs = new StandardWebhook(secret);
    const events = received.map(({ headers, text }) => {
      theirs.verify(text, headers);
      return wh.verify(text, headers);
    });
    assert.deepEqual(events.map((e) => e.type).sort(), ["company.created", "task.approval_required", "task.created"]);
    const created = events.find((e) => e.type === "task.created");
    assert.equal(created.data.company_id, co.data.id);
    assert.match(created.id, /^evt_\d+$/);
    invalid(() => wh.verify(received[0].text + " ", received[0].headers));
  } finally {
    mock.kill();
    receiver.close();
  }
});
