// End-to-end: the task board in headless Chromium, served by the edge function (workerd via
// miniflare) in front of a capx-mock of its own. The steps share one page, in order, so the
// last ones also prove that nothing before them needed a reload. Last, the whole client
// (capx/client) in a page of its own.
// Run: node --test tests/e2e/   (after scripts/build.sh and cargo build --release -p capx-mock)
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { Capx } from "../../pkg/node.js";
import { startEdge } from "../../www/serve.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const MOCK_BIN = process.env.CAPX_MOCK_BIN ?? join(root, "target/release/capx-mock");
const SCREENSHOT = join(root, "tests/artifacts/board.png");
// The machine is shared and slow: wait long, and never assert how fast something happened.
const PATIENCE = 90_000;
const STEP = { timeout: 5 * 60_000 };
// A key of this run only, so finding it anywhere it should not be is unambiguous.
const KEY = `capx_sk_test_e2e${randomBytes(12).toString("hex")}`;

const work = mkdtempSync(join(tmpdir(), "capx-e2e-"));
let mock; // { proc, origin, port }
let edge;
let context;
let page;
let api; // a server-side client straight to the mock, to check what the page did
let companyId;
const served = []; // every response the browser got: { url, headers, body? }
const logs = []; // capx-mock's request log and the page's console, for the key scan

/** capx-mock on `port` (0: any), its state in a file so a restart keeps the data. */
async function startMock(port = 0) {
  for (let attempt = 1; ; attempt++) {
    const proc = spawn(MOCK_BIN, [
      "--host", "127.0.0.1", "--port", String(port), "--state", join(work, "mock-state.json"),
      "--open-keys", "enterprise", "--heartbeat-ms", "1000", "--fail-rate", "0", "--sse-retry-ms", "500",
    ], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    // The request log stays on: the key scan reads it.
    proc.stderr.on("data", (d) => {
      stderr += d;
      logs.push(String(d));
    });
    const origin = await new Promise((resolve) => {
      let out = "";
      proc.stdout.on("data", (d) => {
        out += d;
        const m = /capx-mock listening on (\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      proc.once("exit", () => resolve(null));
    });
    if (origin) return { proc, origin, port: Number(new URL(origin).port) };
    // The old listener's port may take a moment to be free again.
    if (attempt >= 20) throw new Error(`capx-mock did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function stopMock() {
  const { proc } = mock;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once("exit", r));
  proc.kill("SIGTERM"); // it writes its state file on the way out
  await exited;
}

const region = (name) => page.getByRole("region", { name, exact: true });
const card = (column, title) => region(column).getByRole("article", { name: title, exact: true });
const feedStatus = () => page.getByRole("status");

async function createTask(title, priority = "medium") {
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Priority").selectOption(priority);
  await page.getByRole("button", { name: "Create task" }).click();
  await card("Pending approval", title).waitFor();
}

before(async () => {
  mkdirSync(join(root, "tests/artifacts"), { recursive: true });
  mock = await startMock();
  edge = await startEdge({ apiKey: KEY, baseUrl: `${mock.origin}/v1` });
  api = new Capx({ apiKey: KEY, baseUrl: `${mock.origin}/v1` });
  context = await chromium.launchPersistentContext(join(work, "profile"), {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
    viewport: { width: 1440, height: 900 },
  });
  context.setDefaultTimeout(PATIENCE);
  page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (e) => console.error(`page error: ${e.message}`));
  page.on("console", (m) => logs.push(`${m.type()}: ${m.text()}\n`));
  page.on("response", (res) => {
    const entry = { url: res.url(), status: res.status(), headers: res.headers() };
    served.push(entry);
    // An event stream never ends; its content is scanned separately, from Node.
    if (!entry.headers["content-type"]?.startsWith("text/event-stream")) {
      entry.body = res.body().catch(() => Buffer.alloc(0));
    }
  });
});

after(async () => {
  await context?.close().catch(() => {});
  await edge?.close().catch(() => {});
  if (mock) await stopMock().catch(() => {});
  rmSync(work, { recursive: true, force: true });
});

test("without a company, the page offers to create one, then shows its empty board", STEP, async () => {
  await page.goto(edge.url);
  await page.getByRole("heading", { name: "Pick a company" }).waitFor();
  await page.getByText("No companies yet").waitFor();
  await page.getByLabel("Company name").fill("E2E Robotics");
  await page.getByRole("button", { name: "Create company" }).click();
  await page.waitForURL(/\?company=co_/);
  companyId = new URL(page.url()).searchParams.get("company");
  await page.getByRole("heading", { name: "E2E Robotics", level: 1 }).waitFor();
  await page.getByText("No tasks yet").waitFor();
  await feedStatus().filter({ hasText: /^Live$/ }).waitFor();
  assert.equal(await region("Pending approval").getByText("No tasks").isVisible(), true);
  // From here on the page must never reload: everything arrives through the live feed.
  await page.evaluate(() => (window.__sameDocument = true));
});

test("an empty title shows the API's 422 message", STEP, async () => {
  // What the API itself says to an empty title: the page must show exactly that.
  const direct = await fetch(`${mock.origin}/v1/companies/${companyId}/tasks`, {
    method: "POST",
    headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" },
    body: JSON.stringify({ title: "" }),
  });
  const { error } = await direct.json();
  assert.deepEqual([direct.status, error.code], [422, "validation_error"]);
  await page.getByLabel("Title").fill("   ");
  await page.getByRole("button", { name: "Create task" }).click();
  const alert = page.locator("#task-error");
  await alert.filter({ hasText: error.message }).waitFor();
  assert.equal(await alert.textContent(), `${error.message} (validation_error, HTTP 422)`);
  assert.equal(await page.getByLabel("Title").getAttribute("aria-invalid"), "true");
});

const credits = async () => Number((await page.locator("#credits-remaining").textContent()).replace(/\D/g, ""));

test("a task created in the page, approved, reaches completed through the live feed", STEP, async () => {
  const before = await credits();
  assert.ok(before > 0, "the credits meter shows the balance");
  await createTask("Write the launch plan", "high");
  assert.ok((await credits()) < before, "creating a task costs credits, and the meter shows it");
  const pending = card("Pending approval", "Write the launch plan");
  await pending.getByLabel("Comment").fill("Ship it by Friday");
  await pending.getByRole("button", { name: "Approve" }).click();
  const done = card("Completed", "Write the launch plan");
  await done.waitFor({ timeout: 3 * PATIENCE });
  await done.getByText("Done: Write the launch plan").waitFor();
  await page.locator("#feed-list li[data-type='task.completed']").first().waitFor();
  assert.equal(await page.evaluate(() => window.__sameDocument), true, "the page reloaded");
  const id = await done.getAttribute("data-id");
  const { data } = await api.tasks.get(companyId, id);
  assert.equal(data.status, "completed");
  assert.equal(data.approval_comment, "Ship it by Friday");
});

test("a task rejected with a reason lands in Rejected", STEP, async () => {
  await createTask("Order 500 standing desks", "low");
  const pending = card("Pending approval", "Order 500 standing desks");
  await pending.getByLabel("Reason").fill("Over budget this quarter");
  await pending.getByRole("button", { name: "Reject" }).click();
  const rejected = card("Rejected", "Order 500 standing desks");
  await rejected.getByText("Over budget this quarter").waitFor();
  const { data } = await api.tasks.get(companyId, await rejected.getAttribute("data-id"));
  assert.deepEqual([data.status, data.rejection_reason], ["rejected", "Over budget this quarter"]);
});

test("the feed reconnects after capx-mock stops and starts again", STEP, async () => {
  await feedStatus().filter({ hasText: /^Live$/ }).waitFor();
  const port = mock.port;
  await stopMock();
  await feedStatus().filter({ hasText: /Reconnecting|Offline/ }).waitFor();
  mock = await startMock(port);
  await feedStatus().filter({ hasText: /^Live$/ }).waitFor({ timeout: 3 * PATIENCE });
  // The restarted mock kept its state, and the reconnected feed carries new events.
  await card("Completed", "Write the launch plan").waitFor();
  await createTask("Plan the offsite");
  const pending = card("Pending approval", "Plan the offsite");
  await pending.getByRole("button", { name: "Approve" }).click();
  await card("Completed", "Plan the offsite").waitFor({ timeout: 3 * PATIENCE });
  assert.equal(await page.evaluate(() => window.__sameDocument), true, "the page reloaded");
});

test("screenshot of the board", STEP, async () => {
  // One left waiting, so the picture shows the approval controls too.
  await createTask("Draft the Q3 roadmap", "critical");
  await page.getByLabel("Comment").first().fill("Looks good");
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
});

test("no secret key in anything the server serves", STEP, async () => {
  const leaks = [];
  const scan = (what, bytes, headers = {}) => {
    if (Buffer.from(bytes).includes(KEY)) leaks.push(`${what}: body`);
    for (const [name, value] of Object.entries(headers)) if (String(value).includes(KEY)) leaks.push(`${what}: header ${name}`);
  };

  // The page and everything it references, followed from "/"; and every file deployed.
  const fetched = new Map();
  const queue = ["/", ...edge.assets];
  while (queue.length) {
    const path = queue.shift();
    if (fetched.has(path)) continue;
    const res = await fetch(edge.url + path);
    const bytes = Buffer.from(await res.arrayBuffer());
    fetched.set(path, res.status);
    scan(`GET ${path}`, bytes, Object.fromEntries(res.headers));
    if (!/html|javascript|css/.test(res.headers.get("content-type") ?? "")) continue;
    const refs = bytes.toString().matchAll(/(?:src|href)="([^"]+)"|from\s*["']([^"']+)["']|new URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url/g);
    for (const m of refs) {
      const url = new URL(m[1] ?? m[2] ?? m[3], edge.url + path);
      if (url.origin === edge.url) queue.push(url.pathname);
    }
  }
  for (const [path, status] of fetched) assert.equal(status, 200, `${path} is referenced or deployed but answers ${status}`);
  for (const must of ["/", "/app.mjs", "/style.css", "/pkg/browser.js"]) assert.ok(fetched.has(must), must);
  // The page loads no more of the package than its browser build: not the client's wasm.
  const fromPkg = (paths) => paths.filter((p) => p.startsWith("/pkg/"));
  assert.deepEqual(fromPkg(edge.assets), ["/pkg/browser.js"], "deployed from the package");
  assert.deepEqual([...new Set(fromPkg(served.map((r) => new URL(r.url).pathname)))], ["/pkg/browser.js"], "loaded by the page from the package");

  // Every response the browser saw, API relays included.
  assert.ok(served.some((r) => r.url.includes("/api/companies/") && r.url.includes("/tasks")), "the browser used the proxy");
  for (const r of served) scan(`${r.status} ${r.url}`, r.body ? await r.body : Buffer.alloc(0), r.headers);

  // The event stream through the proxy, from its first event; and the proxy's errors.
  const stream = await fetch(`${edge.url}/api/companies/${companyId}/activity`, {
    headers: { Accept: "text/event-stream", "Last-Event-ID": "0" },
    signal: AbortSignal.timeout(PATIENCE),
  });
  assert.equal(stream.status, 200);
  let text = "";
  const reader = stream.body.getReader();
  while (!text.includes("task.completed") || text.split("event: activity").length < 20) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString();
  }
  await reader.cancel();
  assert.match(text, /event: activity\ndata: \{/);
  scan("the activity stream", Buffer.from(text), Object.fromEntries(stream.headers));
  for (const [method, path] of [["GET", `/api/companies/co_missing`], ["PATCH", `/api/companies/${companyId}/tasks/x`], ["GET", "/api/companies/co_1/agents"]]) {
    const res = await fetch(edge.url + path, { method });
    assert.ok(res.status >= 400, `${method} ${path}`);
    scan(`${method} ${path}`, Buffer.from(await res.arrayBuffer()), Object.fromEntries(res.headers));
  }

  // The logs: capx-mock's request log and everything the page wrote to its console.
  assert.ok(logs.some((l) => l.includes('"path":"/v1/companies')), "the request log was captured");
  scan("the logs", Buffer.from(logs.join("")));

  assert.deepEqual(leaks, [], "the key reached the browser side or a log");
});

test("capx/client: the whole client in a page, with dangerouslyAllowBrowser, calls the API", STEP, async () => {
  // The package's files from disk, from a server of their own; capx-mock answers CORS for
  // any origin.
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url, "http://x");
    if (pathname === "/") return res.end("<!doctype html><title>capx/client</title>");
    const type = pathname.endsWith(".wasm") ? "application/wasm" : "text/javascript";
    readFile(join(root, "pkg", basename(pathname))).then(
      (body) => res.writeHead(200, { "content-type": type }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const tab = await context.newPage();
  try {
    await tab.goto(`http://127.0.0.1:${server.address().port}/`);
    const result = await tab.evaluate(async (baseUrl) => {
      const { Capx, CapxError } = await import("/pkg/client.js");
      let refused = null;
      try {
        new Capx({ apiKey: "capx_sk_test_clientpage" });
      } catch (e) {
        refused = e instanceof CapxError ? e.code : String(e);
      }
      const capx = new Capx({ apiKey: "capx_sk_test_clientpage", baseUrl, dangerouslyAllowBrowser: true });
      const { status, data } = await capx.companies.list();
      return { refused, status, list: Array.isArray(data) };
    }, `${mock.origin}/v1`);
    assert.deepEqual(result, { refused: "browser_key_exposure", status: 200, list: true });
  } finally {
    await tab.close();
    server.close();
  }
});
