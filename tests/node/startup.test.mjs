// What a Node process pays and reads when it starts a client: the environment's key and base
// URL, and nothing loaded that the first call does not need.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { Capx, CapxError } from "capx";

test("new Capx() takes apiKey and baseUrl from CAPX_API_KEY and CAPX_BASE_URL; options win", () => {
  const saved = { key: process.env.CAPX_API_KEY, url: process.env.CAPX_BASE_URL };
  try {
    process.env.CAPX_API_KEY = "capx_sk_test_fromenv";
    process.env.CAPX_BASE_URL = "http://127.0.0.1:9/v1";
    assert.equal(new Capx().toJSON().baseUrl, "http://127.0.0.1:9/v1");
    assert.equal(new Capx({ baseUrl: "http://127.0.0.1:8/v1" }).toJSON().baseUrl, "http://127.0.0.1:8/v1");
    delete process.env.CAPX_API_KEY;
    delete process.env.CAPX_BASE_URL;
    assert.throws(() => new Capx(), (e) => e instanceof CapxError && e.code === "invalid_config" && e.message.includes("CAPX_API_KEY"));
  } finally {
    for (const [name, value] of [["CAPX_API_KEY", saved.key], ["CAPX_BASE_URL", saved.url]]) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
});

test("import, new Capx() and a first parseEnvelope load no undici (Node's fetch, 15 ms to load)", () => {
  const script = `
    const { Capx, parseEnvelope } = await import("capx");
    new Capx({ apiKey: "capx_sk_test_startup" });
    parseEnvelope(200, '{"success":true,"data":{},"meta":{"credits_used":1,"credits_remaining":1}}');
    parseEnvelope(200, '{"success":true,"data":{},"meta":{"credits_used":1,"credits_remaining":1}}', { "x-ratelimit-limit": "60" });
    console.log(JSON.stringify(process.moduleLoadList.filter((m) => m.includes("undici"))));`;
  const loaded = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }));
  assert.deepEqual(loaded, []);
});
