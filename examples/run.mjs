// Runs the examples against the capx-mock at $CAPX_MOCK_ORIGIN (scripts/test.sh starts it
// with --open-keys), each with a fresh key: the Node scripts as processes, with a deadline and
// what their output must show; the Worker and Next.js handlers called here with Requests.
// Run it on Node 24, which runs the .ts files as they are (type stripping):
//   node_modules/node24/bin/node examples/run.mjs
// Exits 1 naming what failed, with the example's whole output.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Capx, Webhook } from "capx";

const origin = process.env.CAPX_MOCK_ORIGIN;
if (!origin) throw new Error("CAPX_MOCK_ORIGIN is not set: start capx-mock first (scripts/mock.sh)");
const baseUrl = `${origin}/v1`;
const freshKey = () => `capx_sk_test_ex${randomUUID().replaceAll("-", "")}`;

// Each example, the environment it runs with besides its key, and lines its output must hold.
const examples = [
  ["node-script.ts", {}, [/^same key again: replayed true, same task true$/m, /^rejected \S+: rejected \(Out of scope\)$/m, /^approving it anyway: conflict \(HTTP 409\)/m]],
  ["pagination.ts", {}, [/^page 3: 5 tasks$/m, /^high-priority tasks, four per request: 9$/m, /"Task 30": 30 tasks$/m]],
  ["activity-consumer.ts", {}, [/needs approval\nresumed after #\d+:\n  #\d+ task \S+ rejected: Duplicate$/m]],
  // CAPX_LOG=info: the client made without logLevel logs its one call.
  ["logging.ts", { CAPX_LOG: "info" }, [/^capx: POST \/companies body:/m, /^\{"level":"error","message":"capx: GET .*failed: not_found/m, /^capx: GET \/companies\/\S+ → 200 /m]],
];

// An uncaught error prints its source line, which in the minified package is one long line.
const indent = (text) => text.trimEnd().split("\n").map((line) => `  ${line.length > 300 ? `${line.slice(0, 300)}…` : line}`).join("\n");
let failed = 0;
const fail = (what, why) => {
  failed++;
  console.log(`  -> ${what}: ${why}`);
};

for (const [file, env, expected] of examples) {
  const started = Date.now();
  const run = spawnSync(process.execPath, [fileURLToPath(new URL(file, import.meta.url))], {
    env: { ...process.env, CAPX_LOG: "", ...env, CAPX_API_KEY: freshKey(), CAPX_BASE_URL: baseUrl },
    encoding: "utf8",
    timeout: 30_000,
  });
  const output = `${run.stdout}${run.stderr}`;
  const missing = expected.filter((re) => !re.test(run.stdout));
  const ok = run.status === 0 && missing.length === 0;
  console.log(`${ok ? "ok" : "FAILED"} ${file} (${Date.now() - started} ms)`);
  console.log(indent(output));
  if (!ok) fail(file, run.error ? run.error.message : run.status === 0 ? `output lacks ${missing.join(", ")}` : `exit ${run.status ?? run.signal}`);
}

// The handlers: each request, and the status (and body text) it must get.
const apiKey = freshKey();
const setup = new Capx({ apiKey, baseUrl });
const company = await setup.companies.create({ name: "Handlers Co", governance_mode: "human_in_loop" }).then(
  async ({ data }) => (await setup.tasks.create(data.id, { title: "Waits for approval" }), data),
  (e) => {
    fail("the handlers' company", `${e.code}: ${e.message}`);
    process.exit(1);
  },
);
const secret = `whsec_${Buffer.from(randomUUID()).toString("base64")}`;
const delivery = (body, signedBody = body) => {
  const id = `msg_${randomUUID()}`;
  const at = Math.floor(Date.now() / 1000);
  const headers = { "webhook-id": id, "webhook-timestamp": String(at), "webhook-signature": new Webhook(secret).sign(id, at, signedBody) };
  return new Request("https://hooks.example/", { method: "POST", body, headers });
};
const event = JSON.stringify({ id: "evt_1", type: "task.approval_required", timestamp: new Date().toISOString(), data: { task_id: "tsk_1" } });
const handlers = [
  ["worker.ts", (m, request) => m.default.fetch(request, { CAPX_API_KEY: apiKey, CAPX_BASE_URL: baseUrl }), [
    [new Request("https://w.example/"), 200, /<title>Companies<\/title>/],
    [new Request("https://w.example/api/capx/companies?limit=20"), 200, /"Handlers Co"/],
    // Approving is not on this page's allow-list, even from its own origin.
    [new Request(`https://w.example/api/capx/companies/${company.id}/tasks/tsk_1/approve`, { method: "POST", headers: { origin: "https://w.example" } }), 403, /"forbidden"/],
  ]],
  ["webhook-worker.ts", (m, request) => m.default.fetch(request, { CAPX_WEBHOOK_SECRET: secret }), [
    [delivery(event), 204, /^$/],
    [delivery(event.replace("tsk_1", "tsk_2"), event), 400, /invalid signature/],
    [new Request("https://hooks.example/"), 405, /POST/],
  ]],
  ["next-edge-route.ts", (m, query) => m.GET(new Request(`https://app.example/api/approvals${query}`)), [
    [`?company=${company.id}`, 200, /"title":"Waits for approval".*"more":false/],
    ["", 400, /company= is required/],
    ["?company=co_missing", 404, /"error":"not_found"/],
  ]],
];
// next-edge-route.ts reads its key from process.env when loaded.
Object.assign(process.env, { CAPX_API_KEY: apiKey, CAPX_BASE_URL: baseUrl });
for (const [file, call, cases] of handlers) {
  const started = Date.now();
  const module = await import(`./${file}`);
  const results = [];
  for (const [input, status, body] of cases) {
    const [got, text] = await call(module, input).then(
      async (response) => [response.status, await response.text()],
      (e) => ["threw", String(e)],
    );
    results.push(`${got} ${text.slice(0, 100).replace(/\s+/g, " ")}`);
    if (got !== status || !body.test(text)) results.push(`  expected ${status} and ${body}`);
  }
  const wrong = results.filter((line) => line.startsWith("  expected")).length;
  console.log(`${wrong === 0 ? "ok" : "FAILED"} ${file} (${Date.now() - started} ms)`);
  console.log(indent(results.join("\n")));
  if (wrong > 0) fail(file, `${wrong} of ${cases.length} requests answered otherwise`);
}
process.exit(failed === 0 ? 0 : 1);
