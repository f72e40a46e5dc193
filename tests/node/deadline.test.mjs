// Deadlines of calls in flight together (they share a timer and an AbortController on
// Node, see sharedDeadline in js/runtime.js), against capx-mock over real HTTP.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { Capx, CapxError } from "capx";

const mockOrigin = process.env.CAPX_MOCK_ORIGIN;
const skip = !mockOrigin && "CAPX_MOCK_ORIGIN is not set";
const apiKey = () => `capx_sk_test_deadline${Math.random().toString(36).slice(2)}`;

test("calls in flight together each time out on their own deadline", { skip }, async () => {
  const capx = new Capx({ apiKey: apiKey(), baseUrl: `${mockOrigin}/v1`, maxRetries: 0, defaultHeaders: { "X-Capx-Mock-Fault": "slow:1500" } });
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

test("a script's last calls leave no timer behind: Node exits when they are done", { skip }, async () => {
  // With the default 60 s timeout, a deadline timer left running would hold the process.
  const script = `
    import { Capx } from "capx";
    const capx = new Capx({ apiKey: ${JSON.stringify(apiKey())}, baseUrl: ${JSON.stringify(`${mockOrigin}/v1`)} });
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
