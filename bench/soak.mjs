// Fault soak: 1000 task creations through the client while capx-mock injects faults into
// 30 % of requests (drop after commit, 500, 429, truncated body). Afterwards the mock's own
// list is the truth: no task twice, no task lost, every call either created exactly one task
// or rejected with a CapxError saying why, and the wasm instance never trapped.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { Capx, CapxError } from "capx";
import { fmt, report } from "./lib.mjs";

const calls = 1000;
const inFlight = 16;
const kinds = "drop_after_commit,500,429,truncate";
const mock = spawn(process.env.CAPX_MOCK_BIN ?? "target/release/capx-mock", [
  "--port", "0", "--quiet", "--open-keys", "enterprise", "--credits", "1000000",
  "--heartbeat-ms", "3600000", "--fault-rate", "0.3", "--fault-kinds", kinds, "--seed", String(Date.now() % 100000),
]);
try {
  const [line] = await once(mock.stdout, "data");
  const origin = String(line).trim().replace("capx-mock listening on ", "");
  const apiKey = `capx_sk_test_soak${Date.now().toString(36)}`;
  const capx = new Capx({ apiKey, baseUrl: `${origin}/v1`, maxRetries: 5 });
  // The truth is read with faults switched off for the request, and without the client.
  const truth = (path) =>
    fetch(`${origin}/v1${path}`, { headers: { Authorization: `Bearer ${apiKey}`, "X-Capx-Mock-Fault": "none" } }).then((r) => r.json());
  const { data: company } = await capx.companies.create({ name: "Soak" });

  const outcomes = new Array(calls);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < calls) {
        const i = next++;
        const idempotencyKey = `soak-${i}`;
        try {
          const { data } = await capx.tasks.create(company.id, { title: `soak ${i}` }, { idempotencyKey });
          outcomes[i] = { ok: true, id: data.id, idempotencyKey };
        } catch (e) {
          outcomes[i] = { ok: false, error: e, idempotencyKey };
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;

  const held = [];
  for (let cursor = null; ; ) {
    const page = await truth(`/companies/${company.id}/tasks?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    held.push(...page.data);
    if (!page.meta.has_more) break;
    cursor = page.meta.cursor;
  }
  const byTitle = new Map();
  for (const t of held) byTitle.set(t.title, [...(byTitle.get(t.title) ?? []), t.id]);
  const duplicates = [...byTitle.values()].filter((ids) => ids.length > 1).length;
  const traps = outcomes.filter((o) => !o.ok && !(o.error instanceof CapxError)).length;
  const rejected = outcomes.filter((o) => !o.ok);
  let lost = 0;
  outcomes.forEach((o, i) => {
    const ids = byTitle.get(`soak ${i}`) ?? [];
    if (o.ok && (ids.length !== 1 || ids[0] !== o.id)) lost++;
  });
  // A rejected call may have committed before its last fault: the same key settles it.
  for (const o of rejected) {
    const i = outcomes.indexOf(o);
    const { data } = await new Capx({ apiKey, baseUrl: `${origin}/v1`, maxRetries: 10 }).tasks.create(company.id, { title: `soak ${i}` }, { idempotencyKey: o.idempotencyKey });
    const ids = (await truth(`/companies/${company.id}/tasks?limit=100`)).data.filter((t) => t.title === `soak ${i}`);
    if (ids.length > 1 || data.title !== `soak ${i}`) lost++;
  }
  const log = (await (await fetch(`${origin}/__mock/requests`, { headers: { Authorization: `Bearer ${apiKey}` } })).json()).requests;
  const faults = log.filter((r) => r.fault).reduce((acc, r) => ({ ...acc, [r.fault]: (acc[r.fault] ?? 0) + 1 }), {});
  const alive = (await capx.companies.get(company.id)).data.id === company.id;

  console.log(`  ${calls} creates, ${inFlight} in flight, ${fmt(seconds, 1)} s; ${log.length} requests reached the mock, faults injected: ${JSON.stringify(faults)}`);
  console.log(`  resolved ${calls - rejected.length}, rejected ${rejected.length} (${rejected.map((o) => o.error.code).join(", ") || "none"})`);
  console.log(`  mock holds ${held.length} tasks; duplicates ${duplicates}, lost ${lost}, wasm traps ${traps}, instance alive afterwards: ${alive}`);
  const met = duplicates === 0 && lost === 0 && traps === 0 && alive && held.length === calls - rejected.length + rejected.filter((o) => byTitle.has(`soak ${outcomes.indexOf(o)}`)).length;
  report({
    figure: "fault soak: 1000 creates, 30 % faults (drop after commit, 500, 429, truncated)",
    baseline: "—",
    measured: `${held.length} tasks held; 0 expected of each: ${duplicates} duplicates, ${lost} lost, ${traps} traps`,
    target: "0 duplicates, 0 lost, 0 traps",
    met,
  });
} finally {
  mock.kill();
}
