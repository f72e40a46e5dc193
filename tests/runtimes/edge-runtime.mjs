// Vercel's edge-runtime: the package's "edge-light" build, bundled as Vercel does, with the
// wasm handed over as a compiled WebAssembly.Module (Vercel's `?module` import).
import { readFileSync } from "node:fs";
import { build } from "esbuild";
import { EdgeRuntime } from "edge-runtime";
import { summary } from "../suites/harness.mjs";
import { startHostile } from "../fixtures/hostile-upstream.mjs";
import { startMisbehaving } from "./hostile-server.mjs";

const wasmAsModule = {
  name: "wasm-module",
  setup(b) {
    b.onResolve({ filter: /\.wasm$/ }, (args) => ({ path: args.path, namespace: "wasm-module" }));
    b.onLoad({ filter: /.*/, namespace: "wasm-module" }, () => ({ contents: "export default globalThis.__CAPX_WASM__;", loader: "js" }));
  },
};
const bundle = await build({
  entryPoints: ["tests/runtimes/edge-entry.mjs"],
  bundle: true,
  write: false,
  format: "iife",
  conditions: ["edge-light"],
  plugins: [wasmAsModule],
  logLevel: "error",
});
const runtime = new EdgeRuntime();
runtime.context.CAPX_MOCK_ORIGIN = process.env.CAPX_MOCK_ORIGIN;
// The edge proxy's attack table needs a misbehaving Capx too.
const hostile = await startHostile();
[runtime.context.HOSTILE_ORIGIN, runtime.context.OTHER_ORIGIN] = [hostile.origin, hostile.otherOrigin];
// The client's own: a server that redirects, echoes the key and scripts event streams.
const misbehaving = await startMisbehaving();
[runtime.context.CLIENT_HOSTILE_ORIGIN, runtime.context.CLIENT_FOREIGN_ORIGIN] = [misbehaving.origin, misbehaving.foreignOrigin];
runtime.context.__CAPX_WASM_BYTES__ = new Uint8Array(readFileSync("pkg/capx_bg.wasm"));
// Compiled by the runtime's own WebAssembly, as the platform does at deploy time.
runtime.evaluate("globalThis.__CAPX_WASM__ = new WebAssembly.Module(globalThis.__CAPX_WASM_BYTES__)");
runtime.evaluate(bundle.outputFiles[0].text);
const results = await runtime.evaluate("globalThis.__runSuites()");
await hostile.close();
misbehaving.close();
for (const r of results) console.log(`${r.ok ? "ok" : "not ok"} - edge-runtime: ${r.name}${r.ok ? "" : `: ${r.error}`}`);
console.log(summary("edge-runtime", results));
process.exit(results.some((r) => !r.ok) ? 1 : 0);
