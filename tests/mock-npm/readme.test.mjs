// The README's "capx-mock for your tests" examples that run without Playwright, as written:
// the node:test example, and the Worker in miniflare (the Worker bundled as wrangler would:
// the workerd entry of capx, its wasm a module beside the bundle). The Playwright fixture runs
// in ecosystem-tests/playwright-app.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { quickstart } from "../../ecosystem-tests/lib/readme.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const readme = join(root, "README.md");
const run = promisify(execFile);
// Inside the repository, so that capx, capx-mock and miniflare resolve from its node_modules.
const work = join(root, "target/readme-examples");

/** Runs a test file with node --test in `cwd`; rejects with its output if a test failed. */
async function nodeTest(cwd, file) {
  // Without this, the inner node --test would report to this one, not to its stdout.
  const { NODE_TEST_CONTEXT, ...env } = process.env;
  try {
    return (await run(process.execPath, ["--test", "--test-reporter=spec", file], { cwd, env })).stdout;
  } catch (e) {
    throw new Error(`${file} failed:\n${e.stdout}${e.stderr}`);
  }
}

test("README: the node:test example", async () => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, "node-test.test.mjs"), quickstart(readme, "node:test (and Vitest)"));
  assert.match(await nodeTest(work, "node-test.test.mjs"), /ℹ pass 2/);
});

test("README: a Worker in miniflare", async () => {
  const dir = join(work, "worker");
  mkdirSync(join(dir, "src"), { recursive: true });
  writeFileSync(join(dir, "src/worker.ts"), quickstart(readme, "A Worker in miniflare", ["ts"]));
  writeFileSync(join(dir, "worker.test.mjs"), quickstart(readme, "A Worker in miniflare", ["js"]));
  await run(join(root, "node_modules/.bin/esbuild"), [
    "src/worker.ts", "--bundle", "--format=esm", "--platform=neutral", "--conditions=workerd,worker",
    "--main-fields=module,main", "--external:*.wasm", "--outfile=dist/worker.js", "--log-level=warning",
  ], { cwd: dir });
  cpSync(join(root, "pkg/capx_bg.wasm"), join(dir, "dist/capx_bg.wasm"));
  assert.match(await nodeTest(dir, "worker.test.mjs"), /ℹ pass 1/);
});
