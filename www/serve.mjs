// Runs the edge function (www/worker.mjs, bundled as wrangler would) in workerd through
// miniflare on a real port, with the static files staged as the deploy stages them.
//   node www/serve.mjs [--port 8787]       (env: CAPX_API_KEY, CAPX_MOCK_ORIGIN or CAPX_BASE_URL)
// or, from a test: const edge = await startEdge({ apiKey, baseUrl }); ...; await edge.close();
import { Miniflare } from "miniflare";
import { build } from "esbuild";
import { createServer } from "node:net";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { stageAssets } from "./assets.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));

/** Bundles worker.mjs with capx resolved by name, as wrangler does: the workerd entry, its
 * wasm a file beside the bundle that workerd receives as a compiled module. */
async function bundleWorker(dir) {
  await build({
    entryPoints: [join(here, "worker.mjs")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    loader: { ".wasm": "copy" },
    outdir: dir,
    logLevel: "error",
  });
  return join(dir, "worker.js");
}

/** Every path the asset directory serves, e.g. ["/index.html", "/pkg/browser.js", ...]. */
function listAssets(dir, sub = dir) {
  return readdirSync(sub).flatMap((name) => {
    const path = join(sub, name);
    return statSync(path).isDirectory() ? listAssets(dir, path) : [`/${relative(dir, path).split("\\").join("/")}`];
  });
}

export async function startEdge({ apiKey, baseUrl, port = 0, host = "127.0.0.1" }) {
  if (!apiKey || !baseUrl) throw new Error("startEdge needs apiKey and baseUrl");
  // The deploy as wrangler would make it: the static files, and the Worker bundled.
  const staged = mkdtempSync(join(tmpdir(), "capx-www-"));
  // miniflare exits the process itself on SIGINT/SIGTERM: remove the copy on any exit.
  const cleanUp = () => rmSync(staged, { recursive: true, force: true });
  process.once("exit", cleanUp);
  const assetDir = stageAssets(join(staged, "assets"));
  const scriptPath = await bundleWorker(join(staged, "worker"));
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot: join(staged, "worker"),
    // The package's wasm arrives as a compiled module, as wrangler bundles it for Workers.
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2025-09-01",
    bindings: { CAPX_API_KEY: apiKey, CAPX_BASE_URL: baseUrl },
    assets: { directory: assetDir, binding: "ASSETS", routerConfig: { has_user_worker: true, invoke_user_worker_ahead_of_assets: true } },
    host,
    port,
  });
  let url;
  try {
    url = (await mf.ready).origin;
  } catch (e) {
    cleanUp();
    throw e;
  }
  return {
    url,
    assets: listAssets(assetDir),
    async close() {
      try {
        await mf.dispose();
      } finally {
        cleanUp();
        process.off("exit", cleanUp);
      }
    },
  };
}

/** `port` if nothing listens there, else 0 (any free port): a second demo still starts. */
const available = (port) =>
  new Promise((resolve) => {
    const probe = createServer().once("error", () => resolve(0));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(port)));
  });

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const portArg = process.argv.indexOf("--port");
  const port = await available(portArg > 0 ? Number(process.argv[portArg + 1]) : 8787);
  const baseUrl = process.env.CAPX_BASE_URL ?? (process.env.CAPX_MOCK_ORIGIN && `${process.env.CAPX_MOCK_ORIGIN}/v1`);
  const edge = await startEdge({ apiKey: process.env.CAPX_API_KEY, baseUrl, port });
  // Ctrl-C and SIGTERM: miniflare's own exit hook stops workerd, ours removes the copy.
  console.log(`edge function listening on ${edge.url}`);
}
