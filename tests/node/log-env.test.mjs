// CAPX_LOG: the log level from the environment, as openai-node reads OPENAI_LOG; logLevel wins.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Capx } from "capx";

const mockOrigin = process.env.CAPX_MOCK_ORIGIN;
const keeper = () => {
  const lines = [];
  const logger = Object.fromEntries(["error", "warn", "info", "debug"].map((level) => [level, (m) => lines.push(`${level} ${m}`)]));
  return { lines, logger };
};
const freshKey = () => `capx_sk_test_env${Math.random().toString(36).slice(2)}`;

test("CAPX_LOG sets the level when logLevel is not given; logLevel wins; a value that is no level is ignored", { skip: !mockOrigin && "CAPX_MOCK_ORIGIN is not set" }, async () => {
  const baseUrl = `${mockOrigin}/v1`;
  const before = process.env.CAPX_LOG;
  try {
    process.env.CAPX_LOG = "INFO";
    const fromEnv = keeper();
    await new Capx({ apiKey: freshKey(), baseUrl, logger: fromEnv.logger }).companies.list();
    assert.match(fromEnv.lines.join("\n"), /^info capx: GET \/companies → 200 \(attempt 1, \d+ ms, req_\w+\)$/);
    const given = keeper();
    await new Capx({ apiKey: freshKey(), baseUrl, logger: given.logger, logLevel: "error" }).companies.list();
    assert.deepEqual(given.lines, []);
    process.env.CAPX_LOG = "loud";
    const ignored = keeper();
    await new Capx({ apiKey: freshKey(), baseUrl, logger: ignored.logger }).companies.list();
    assert.deepEqual(ignored.lines, []);
  } finally {
    if (before === undefined) delete process.env.CAPX_LOG;
    else process.env.CAPX_LOG = before;
  }
});
