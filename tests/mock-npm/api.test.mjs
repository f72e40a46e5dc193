// The capx-mock npm package as built by scripts/build-mock-npm.sh (target/npm/node_modules/,
// linked as node_modules/capx-mock): startCapxMock, its options and control methods, its
// errors, and that the mock never outlives the process that started it.
// Run: scripts/build-mock-npm.sh && node --test tests/mock-npm/
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Capx, CapxError } from "capx";
import { CapxMockError, startCapxMock } from "capx-mock";

const root = fileURLToPath(new URL("../..", import.meta.url));
const pkg = join(root, "target/npm/node_modules/capx-mock");

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function gone(pid, ms = 10_000) {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
const client = (mock, extra) => new Capx({ apiKey: mock.apiKey, baseUrl: mock.baseUrl, ...extra });
/** Runs `node -e code` in the repository, where `capx-mock` resolves to the built package. */
const nodeChild = (code, node = process.execPath) => spawn(node, ["--input-type=module", "-e", code], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
const firstLine = (child) =>
  new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(out.split("\n")[0]);
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${out} ${err}`)));
  });

test("starts on a free port with a key of its own; the control methods act on it", async () => {
  const mock = await startCapxMock({ heartbeatMs: 3_600_000, failRate: 0 });
  try {
    assert.match(mock.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    assert.equal(mock.origin, mock.baseUrl.slice(0, -3));
    assert.match(mock.apiKey, /^capx_sk_test_[0-9a-f]{24}$/);
    const capx = client(mock);
    const first = await capx.companies.create({ name: "Acme" });
    assert.equal(first.rateLimit?.limit, 6000, "the key is on enterprise by default");
    const { data: task } = await capx.tasks.create(first.data.id, { title: "work" });
    assert.equal(task.status, "pending");
    assert.equal(await mock.tick(2), 2, "two heartbeats");
    assert.equal((await capx.tasks.get(first.data.id, task.id)).data.status, "completed", "started on one beat, done on the next");

    await mock.setFaults({ kind: "500", times: 1, path: "/v1/companies" });
    await capx.companies.list();
    const log = await mock.requests();
    assert.deepEqual(log.slice(-2).map((r) => [r.method, r.path, r.status, r.fault]), [["GET", "/v1/companies", 500, "500"], ["GET", "/v1/companies", 200, null]]);
    await mock.setFaults("html_502", "500");
    await mock.setFaults();
    await assert.rejects(mock.setFaults("meltdown"), (e) => e instanceof CapxMockError && e.code === "control_failed" && /unknown fault kind "meltdown"/.test(e.message));
    assert.equal((await capx.companies.list({}, { maxRetries: 0 })).status, 200, "setFaults() disarms");

    await mock.reset();
    assert.deepEqual((await capx.companies.list()).data, []);
    assert.equal((await mock.requests()).length, 1, "the log starts over");
  } finally {
    await mock.stop();
  }
  assert.ok(await gone(mock.pid), "stop() ends the process");
  await mock.stop(); // twice is fine
});

test("options become the mock's flags", async () => {
  const deliveries = [];
  const hook = createServer((req, res) => {
    req.resume();
    deliveries.push(req.headers["webhook-id"]);
    res.end();
  });
  await new Promise((r) => hook.listen(0, "127.0.0.1", r));
  const dir = mkdtempSync(join(tmpdir(), "capx-mock-npm-"));
  const state = join(dir, "state.json");
  const webhook = { url: `http://127.0.0.1:${hook.address().port}/hook`, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", attempts: 1, backoffMs: 10 };
  const reader = "capx_sk_test_reader";
  const mock = await startCapxMock({ plan: "starter", credits: 50, keys: [{ key: reader, readOnly: true }, "capx_sk_test_other:pro"], state, webhook, faults: { rate: 0, kinds: ["500"] } });
  let company;
  try {
    const created = await client(mock).companies.create({ name: "Kept" });
    company = created.data.id;
    assert.deepEqual([created.rateLimit?.limit, created.meta.credits_remaining], [60, 49], "plan and credits");
    await assert.rejects(new Capx({ apiKey: reader, baseUrl: mock.baseUrl }).companies.create({ name: "x" }), (e) => e instanceof CapxError && e.code === "forbidden");
    assert.equal((await new Capx({ apiKey: "capx_sk_test_other", baseUrl: mock.baseUrl }).companies.list()).rateLimit?.limit, 300);
    for (let i = 0; i < 100 && deliveries.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(deliveries.length > 0, "the event went to the webhook");
  } finally {
    await mock.stop();
    hook.close();
  }
  assert.ok(readFileSync(state, "utf8").includes(company), "stop() is clean: the state file is written");
  const again = await startCapxMock({ state });
  try {
    const faulty = await startCapxMock({ faults: { rate: 1, kinds: ["500"] } });
    await assert.rejects(client(faulty, { maxRetries: 0 }).companies.list(), (e) => e.code === "internal_error");
    await faulty.stop();
    assert.ok(readFileSync(state, "utf8").includes(company));
  } finally {
    await again.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("stop() of a mock that died on its own resolves", async () => {
  const mock = await startCapxMock();
  process.kill(mock.pid, "SIGKILL");
  assert.ok(await gone(mock.pid));
  await mock.stop();
});

test("await using, and Symbol.asyncDispose", async () => {
  const mock = await startCapxMock();
  await mock[Symbol.asyncDispose]();
  assert.ok(await gone(mock.pid));
  // `await using` itself: Node 24 has the syntax.
  const node24 = join(root, "node_modules/node24/bin/node");
  const child = nodeChild(
    `import { startCapxMock } from "capx-mock";
     let pid;
     { await using mock = await startCapxMock(); pid = mock.pid; }
     let alive = true; try { process.kill(pid, 0); } catch { alive = false; }
     console.log(alive ? "alive" : "gone");`,
    node24,
  );
  assert.equal(await firstLine(child), "gone", "the mock has exited when the block is left");
});

test("errors name the cause: a bad flag, a port in use", async () => {
  for (const log of [false, true]) {
    await assert.rejects(startCapxMock({ log, args: ["--nope", "1"] }), (e) => e instanceof CapxMockError && e.code === "bad_flag" && /unknown flag --nope/.test(e.message));
  }
  await assert.rejects(startCapxMock({ webhook: { url: "http://127.0.0.1:9/", secret: "not-a-secret" } }), (e) => e.code === "bad_flag" && /--webhook-secret/.test(e.message));
  const taken = await startCapxMock();
  try {
    const port = Number(new URL(taken.origin).port);
    await assert.rejects(startCapxMock({ port }), (e) => e instanceof CapxMockError && e.code === "port_in_use" && e.message.includes(`127.0.0.1:${port}`));
  } finally {
    await taken.stop();
  }
});

test("errors name the cause: no binary for this platform", async () => {
  // The JS package alone, as after `npm install --omit=optional`.
  const dir = mkdtempSync(join(tmpdir(), "capx-mock-alone-"));
  cpSync(pkg, join(dir, "node_modules/capx-mock"), { recursive: true });
  const attempt = (preload = "") =>
    execFileSync(process.execPath, ["--input-type=module", "-e", `${preload}
      const { startCapxMock } = await import("capx-mock");
      try { await startCapxMock(); } catch (e) { console.log(e.code + ": " + e.message); }`], { cwd: dir, env: { ...process.env, CAPX_MOCK_BINARY: "" }, encoding: "utf8" });
  try {
    assert.match(attempt(), /^no_binary: capx-mock has no binary installed for linux-x64: install capx-mock-linux-x64@\d/);
    const other = attempt(`Object.defineProperty(process, "arch", { value: "riscv64" });`);
    assert.match(other, /^no_binary: capx-mock has no prebuilt binary for linux-riscv64 \(there are: linux-x64.*\).*CAPX_MOCK_BINARY/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the mock never outlives its parent: SIGKILLed, or forgetting stop()", async () => {
  const killed = nodeChild(`import { startCapxMock } from "capx-mock";
    const mock = await startCapxMock(); console.log(mock.pid); setInterval(() => {}, 1000);`);
  const pid = Number(await firstLine(killed));
  assert.ok(alive(pid));
  killed.kill("SIGKILL");
  assert.ok(await gone(pid), "the mock exited with its SIGKILLed parent");

  const forgot = nodeChild(`import { startCapxMock } from "capx-mock";
    const mock = await startCapxMock(); console.log(mock.pid);`);
  const exited = new Promise((resolve) => forgot.on("exit", resolve));
  const forgotten = Number(await firstLine(forgot));
  assert.equal(await exited, 0, "a script that never calls stop() still ends");
  assert.ok(await gone(forgotten));
});

test("errors name the cause: a binary that cannot run, exits early or never listens (CAPX_MOCK_BINARY)", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "capx-mock-fake-"));
  const script = (name, body) => {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
    return join(dir, name);
  };
  const saved = process.env.CAPX_MOCK_BINARY;
  t.after(() => {
    process.env.CAPX_MOCK_BINARY = saved ?? "";
    rmSync(dir, { recursive: true, force: true });
  });
  process.env.CAPX_MOCK_BINARY = join(dir, "missing");
  await assert.rejects(startCapxMock(), (e) => e.code === "no_binary" && e.message.includes(`cannot run ${join(dir, "missing")}`));
  process.env.CAPX_MOCK_BINARY = script("crash", "echo 'out of memory' >&2; exit 3");
  await assert.rejects(startCapxMock(), (e) => e.code === "exited" && /exited with 3 before it listened: out of memory/.test(e.message));
  process.env.CAPX_MOCK_BINARY = script("silent", "exec sleep 30");
  await assert.rejects(startCapxMock({ timeoutMs: 300 }), (e) => e.code === "timeout" && /within 300 ms/.test(e.message));
});

test("log: true passes the request log on to this process's stderr", async () => {
  const child = nodeChild(`import { startCapxMock } from "capx-mock";
    const mock = await startCapxMock({ log: true });
    await fetch(mock.origin + "/health");
    await new Promise((r) => setTimeout(r, 300));
    await mock.stop();`);
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  assert.equal(await new Promise((resolve) => child.on("exit", resolve)), 0);
  assert.match(err, /"method":"GET","path":"\/health","status":200/);
});
