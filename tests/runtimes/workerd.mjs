// Runs tests/runtimes/worker.mjs inside workerd through miniflare: every suite at a current
// compatibility date, and the hostile-server suite also at one before 2025-09-01, when fetch
// in workerd still followed redirects with every header unless told not to.
import { Miniflare } from "miniflare";
import { summary } from "../suites/harness.mjs";
import { startHostile } from "../fixtures/hostile-upstream.mjs";
import { startMisbehaving } from "./hostile-server.mjs";

const mockOrigin = process.env.CAPX_MOCK_ORIGIN;
// The edge proxy's attack table and the client's hostile-server suite also run under a
// compatibility date before 2025-09-01, where fetch still followed redirects across origins
// with every header.
const hostile = await startHostile();
const misbehaving = await startMisbehaving();
const miniflare = (compatibilityDate) => new Miniflare({
  modules: true,
  scriptPath: "tests/runtimes/worker.mjs",
  modulesRoot: ".",
  modulesRules: [
    { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
    { type: "CompiledWasm", include: ["**/*.wasm"] },
  ],
  compatibilityDate,
  bindings: {
    CAPX_MOCK_ORIGIN: mockOrigin ?? "",
    HOSTILE_ORIGIN: hostile.origin,
    OTHER_ORIGIN: hostile.otherOrigin,
    CLIENT_HOSTILE_ORIGIN: misbehaving.origin,
    CLIENT_FOREIGN_ORIGIN: misbehaving.foreignOrigin,
  },
});
const runs = [
  ["2025-09-01", [...(mockOrigin ? ["core", "client", "stream", "surface", "edge", "proxy-attacks"] : ["core"]), "hostile"]],
  ["2024-01-01", [...(mockOrigin ? ["proxy-attacks"] : []), "hostile"]],
];
let failed = 0;
try {
  for (const [date, suites] of runs) {
    const mf = miniflare(date);
    try {
      for (const suite of suites) {
        const res = await mf.dispatchFetch(`http://localhost/?suite=${suite}`);
        const results = await res.json();
        const name = `workerd ${date === runs[0][0] ? "" : `(compatibility date ${date}) `}${suite}`;
        for (const r of results) console.log(`${r.ok ? "ok" : "not ok"} - ${name}: ${r.name}${r.ok ? "" : `: ${r.error}`}`);
        console.log(summary(name, results));
        failed += results.filter((r) => !r.ok).length;
      }
    } finally {
      await mf.dispose();
    }
  }
} finally {
  await hostile.close();
  misbehaving.close();
}
process.exit(failed ? 1 : 0);
