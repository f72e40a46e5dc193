// Runs tests/runtimes/worker.mjs inside workerd through miniflare.
import { Miniflare } from "miniflare";
import { summary } from "../suites/harness.mjs";

const mockOrigin = process.env.CAPX_MOCK_ORIGIN;
const mf = new Miniflare({
  modules: true,
  scriptPath: "tests/runtimes/worker.mjs",
  modulesRoot: ".",
  modulesRules: [
    { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
    { type: "CompiledWasm", include: ["**/*.wasm"] },
  ],
  compatibilityDate: "2025-09-01",
  bindings: { CAPX_MOCK_ORIGIN: mockOrigin ?? "" },
});
let failed = 0;
try {
  for (const suite of mockOrigin ? ["core", "client", "stream", "edge"] : ["core"]) {
    const res = await mf.dispatchFetch(`http://localhost/?suite=${suite}`);
    const results = await res.json();
    for (const r of results) console.log(`${r.ok ? "ok" : "not ok"} - workerd ${suite}: ${r.name}${r.ok ? "" : `: ${r.error}`}`);
    console.log(summary(`workerd ${suite}`, results));
    failed += results.filter((r) => !r.ok).length;
  }
} finally {
  await mf.dispose();
}
process.exit(failed ? 1 : 0);
