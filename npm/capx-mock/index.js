"use strict";
// startCapxMock(): the capx-mock binary as a child of this process, on a free port, with a key
// of its own, and the mock's /__mock control routes as methods. The child runs with
// --exit-on-stdin-close and this process holds its stdin, so it never outlives its parent:
// not after stop(), not after a failed test, not after a SIGKILL.
const { spawn } = require("node:child_process");
const { randomBytes } = require("node:crypto");
const { binaryPath } = require("./binary.js");
const { CapxMockError } = require("./error.js");

/** How long stop() waits for a clean exit (state saved) before it kills. */
const STOP_GRACE_MS = 5_000;
const READY = /capx-mock listening on (http:\/\/\S+)/;

/** @param {import("./index").CapxMockOptions} options */
function flags(options, apiKey) {
  const keys = (options.keys ?? []).map((k) =>
    typeof k === "string" ? k : [k.key, k.plan ?? "", k.readOnly ? "read_only" : ""].join(":").replace(/:+$/, ""),
  );
  /** @type {Array<[string, string | number | undefined]>} */
  const pairs = [
    ["--host", "127.0.0.1"],
    ["--port", options.port ?? 0],
    ["--keys", [`${apiKey}:${options.plan ?? "enterprise"}`, ...keys].join(",")],
    ["--credits", options.credits],
    ["--heartbeat-ms", options.heartbeatMs],
    ["--fail-rate", options.failRate],
    ["--fault-rate", options.faults?.rate],
    ["--fault-kinds", options.faults?.kinds.join(",")],
    ["--state", options.state],
    ["--webhook-url", options.webhook?.url],
    ["--webhook-secret", options.webhook?.secret],
    ["--webhook-attempts", options.webhook?.attempts],
    ["--webhook-backoff-ms", options.webhook?.backoffMs],
  ];
  const args = pairs.filter(([, v]) => v !== undefined).flatMap(([f, v]) => [f, String(v)]);
  return [...args, ...(options.log ? [] : ["--quiet"]), "--exit-on-stdin-close", ...(options.args ?? [])];
}

/**
 * Starts capx-mock; resolves once it listens.
 * @param {import("./index").CapxMockOptions} [options]
 * @returns {Promise<import("./index").CapxMock>}
 */
async function startCapxMock(options = {}) {
  const bin = binaryPath();
  const apiKey = `capx_sk_test_${randomBytes(12).toString("hex")}`;
  const args = flags(options, apiKey);
  // The mock reads CAPX_MOCK_<FLAG> from its environment: only the flags given here count.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("CAPX_MOCK_")));
  const child = spawn(bin, args, { env, stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk) => {
    if (options.log) process.stderr.write(chunk);
    stderr = (stderr + chunk).slice(-4096);
  });
  // A mock that already died makes closing its stdin an EPIPE: nothing to report then.
  child.stdin.on("error", () => {});
  const origin = await listening(child, () => stderr, options);
  // From here on nothing of the child keeps this process alive: a test run that forgot
  // stop() still ends, and its end closes the pipe, which ends the mock.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) stream.unref();
  return mockHandle(child, exited, origin, apiKey);
}

/** The origin from the "listening on" line, or a CapxMockError naming why it never came. */
function listening(child, stderr, options) {
  const port = options.port ?? 0;
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new CapxMockError("timeout", `capx-mock did not start listening within ${options.timeoutMs ?? 30_000} ms: ${stderr()}`));
    }, options.timeoutMs ?? 30_000);
    child.stdout.setEncoding("utf8").on("data", (chunk) => {
      out += chunk;
      const match = READY.exec(out);
      if (match) {
        clearTimeout(timer);
        child.stdout.resume();
        resolve(match[1]);
      }
    });
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(new CapxMockError("no_binary", `capx-mock: cannot run ${child.spawnfile}: ${e.message}`));
    });
    // "close", not "exit": by then all of its stderr has been read.
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const said = stderr().trim();
      if (code === 2) reject(new CapxMockError("bad_flag", `capx-mock refused its flags: ${said}`));
      else if (/in use|10048/i.test(said)) reject(new CapxMockError("port_in_use", `capx-mock cannot listen on 127.0.0.1:${port}: the port is in use (${said})`));
      else reject(new CapxMockError("exited", `capx-mock exited with ${code ?? signal} before it listened: ${said}`));
    });
  });
}

function mockHandle(child, exited, origin, apiKey) {
  async function control(method, route, payload) {
    const response = await fetch(`${origin}/__mock/${route}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      throw new CapxMockError("control_failed", `${method} /__mock/${route} answered ${response.status}: ${body?.error?.message ?? "no error message"}`);
    }
    return body;
  }
  /** @type {Promise<void> | undefined} */
  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      // End of stdin is a clean shutdown (the --state file is written), on every OS.
      child.stdin.end();
      const kill = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      await exited;
      clearTimeout(kill);
    })();
    return stopping;
  };
  return {
    baseUrl: `${origin}/v1`,
    origin,
    apiKey,
    pid: child.pid,
    async tick(n = 1) {
      let beat = 0;
      for (let i = 0; i < n; i++) ({ beat } = await control("POST", "tick"));
      return beat;
    },
    async setFaults(...faults) {
      await control("DELETE", "faults");
      for (const fault of faults) await control("POST", "faults", typeof fault === "string" ? { kind: fault } : fault);
    },
    async requests() {
      return (await control("GET", "requests")).requests;
    },
    async reset() {
      await control("POST", "reset");
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

exports.startCapxMock = startCapxMock;
exports.CapxMockError = CapxMockError;
