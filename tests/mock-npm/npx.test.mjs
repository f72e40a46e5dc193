// `npx capx-mock` (the package's bin) is the binary: the same output, exit codes, and signals.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const shim = join(root, "target/npm/node_modules/capx-mock/bin/capx-mock.js");
const binary = join(root, "target/npm/node_modules/capx-mock-linux-x64/bin/capx-mock");

test("the same output and exit code as the binary", () => {
  for (const args of [["--help"], ["--nope", "x"], ["--port"], ["--fault-kinds", "meltdown"]]) {
    const direct = spawnSync(binary, args, { encoding: "utf8" });
    const viaNpx = spawnSync(process.execPath, [shim, ...args], { encoding: "utf8" });
    assert.deepEqual([viaNpx.status, viaNpx.stdout, viaNpx.stderr], [direct.status, direct.stdout, direct.stderr], args.join(" "));
  }
});

/** Starts the shim on a free port; resolves once the binary listens. */
async function started(args = []) {
  const child = spawn(process.execPath, [shim, "--port", "0", "--quiet", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const origin = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  const exit = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const binaryPid = Number(execFileSync("pgrep", ["-P", String(child.pid)], { encoding: "utf8" }).trim());
  return { child, origin, exit, binaryPid };
}

test("SIGTERM and SIGINT reach the binary, which saves its state and exits 0", async () => {
  const dir = mkdtempSync(join(tmpdir(), "capx-mock-npx-"));
  try {
    for (const signal of ["SIGTERM", "SIGINT"]) {
      const state = join(dir, `${signal}.json`);
      const { child, origin, exit, binaryPid } = await started(["--state", state]);
      try {
        child.kill(signal);
        assert.deepEqual(await exit, { code: 0, signal: null }, signal);
        assert.ok(existsSync(state), `${signal}: the binary shut down cleanly`);
        await assert.rejects(fetch(`${origin}/health`), `${signal}: nothing listens any more`);
      } finally {
        // Had the signal not reached it, the binary would hold this test's pipes open.
        try {
          process.kill(binaryPid, "SIGKILL");
        } catch {}
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a binary killed by a signal: the shim ends by the same signal", async () => {
  const { exit, binaryPid } = await started();
  process.kill(binaryPid, "SIGKILL");
  assert.deepEqual(await exit, { code: null, signal: "SIGKILL" });
});
