// Deadlines of calls in flight together, against capx-mock over real HTTP: over node:http
// (capx's own transport on Node, a timer per attempt) and over a fetch (where they share a
// timer and an AbortController, see sharedDeadline in js/timers.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { Capx, CapxError } from "capx";

const mockOrigin = process.env.CAPX_MOCK_ORIGIN;
const skip = !mockOrigin && "CAPX_MOCK_ORIGIN is not set";
const apiKey = () => `capx_sk_test_deadline${Math.random().toString(36).slice(2)}`;

// [name, the option that picks it, the same as source for a child script]
const transports = [
  ["node:http", {}, ""],
  ["fetch", { fetch: (...args) => fetch(...args) }, "fetch: (...args) => fetch(...args)"],
];

for (const [transport, options] of transports) test(`calls in flight together each time out on their own deadline, over ${transport}`, { skip }, async () => {
  const capx = new Capx({ apiKey: apiKey(), baseUrl: `${mockOrigin}/v1`, maxRetries: 0, defaultHeaders: { "X-Capx-Mock-Fault": "slow:1500" }, ...options });
  // Started apart in time, some with their own timeout: the mock would answer all after 1.5 s.
  const calls = [];
  for (let i = 0; i < 24; i++) {
    calls.push(capx.companies.list({}, { timeoutMs: i % 3 === 0 ? 250 : 150 }));
    if (i % 8 === 7) await new Promise((resolve) => setTimeout(resolve, 40));
  }
  const outcomes = await Promise.allSettled(calls);
  for (const outcome of outcomes) {
    assert.equal(outcome.status, "rejected");
    assert.ok(outcome.reason instanceof CapxError);
    assert.equal(outcome.reason.code, "timeout");
  }
});

for (const [transport, , option] of transports) test(`a script's last calls leave no timer behind: Node exits when they are done, over ${transport}`, { skip }, async () => {
  // With the default 60 s timeout, a deadline timer left running would hold the process.
  const script = `
    import { Capx } from "capx";
    const capx = new Capx({ apiKey: ${JSON.stringify(apiKey())}, baseUrl: ${JSON.stringify(`${mockOrigin}/v1`)}, ${option} });
    const { data } = await capx.companies.create({ name: "Exits" });
    await Promise.all(Array.from({ length: 40 }, () => capx.companies.get(data.id)));
  `;
  const started = Date.now();
  await new Promise((resolve, reject) =>
    execFile(process.execPath, ["--input-type=module", "-e", script], { cwd: process.cwd(), timeout: 50_000 }, (err) => (err ? reject(err) : resolve())),
  );
  const took = Date.now() - started;
  assert.ok(took < 30_000, `the script took ${took} ms to exit`);
});
