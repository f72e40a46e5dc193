// Cold start in workerd (miniflare): from a new workerd, and so a new isolate, to the first
// response of a Worker, with capx (bench/coldstart-worker.mjs: import, `new Capx`, a
// `parseEnvelope`) and without (the same answer from plain JavaScript), alternating rounds.
// Both include starting workerd itself; the difference is what capx adds.
import { Miniflare } from "miniflare";
import { fileURLToPath } from "node:url";
import { alternate, fmt, median, report } from "./lib.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const bindings = { CAPX_API_KEY: "capx_sk_test_coldstart", BODY: '{"success":true,"data":{"id":"co_1"},"meta":{"credits_used":1,"credits_remaining":2}}' };
const common = { modules: true, compatibilityDate: "2025-09-01", bindings };
const withCapx = {
  ...common,
  scriptPath: fileURLToPath(new URL("coldstart-worker.mjs", import.meta.url)),
  modulesRoot: root,
  // The package's wasm arrives as a compiled module, as wrangler bundles it for Workers.
  modulesRules: [
    { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
    { type: "CompiledWasm", include: ["**/*.wasm"] },
  ],
};
const plain = { ...common, script: "export default { fetch: (request, env) => Response.json(JSON.parse(env.BODY).data) };" };

async function firstResponse(options) {
  const t0 = performance.now();
  const mf = new Miniflare(options);
  try {
    const res = await mf.dispatchFetch("http://localhost/");
    const body = await res.json();
    if (body.id !== "co_1") throw new Error(`unexpected answer ${JSON.stringify(body)}`);
    return performance.now() - t0;
  } finally {
    await mf.dispose();
  }
}

// Starting workerd dominates and varies from one process to the next: many rounds, and
// what capx adds as the median of each round's difference.
const rounds = 31;
await firstResponse(plain); // the first workerd of the process pays for loading miniflare's own code
const { a: without, b: withIt } = await alternate(rounds, () => firstResponse(plain), () => firstResponse(withCapx));
const [base, capx] = [median(without), median(withIt)];
const added = median(withIt.map((ms, i) => ms - without[i]));
console.log(`  ${rounds} rounds of two new workerd processes: first response without capx median ${fmt(base)} ms, with capx ${fmt(capx)} ms; capx adds ${fmt(added)} ms (median of the rounds' differences)`);
report({
  figure: "cold start in workerd (miniflare): a new workerd and isolate to the first response (median)",
  baseline: `without capx = ${fmt(base, 0)} ms`,
  measured: `with capx (import, new Capx, parseEnvelope): ${fmt(capx, 0)} ms; capx adds ${fmt(added, 1)} ms`,
  target: "—",
  met: null,
});
