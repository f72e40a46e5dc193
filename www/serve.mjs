// Runs the edge function (www/worker.mjs) in workerd through miniflare on a real port.
//   node www/serve.mjs [--port 8787]       (env: CAPX_API_KEY, CAPX_MOCK_ORIGIN or CAPX_BASE_URL)
// or, from a test: const edge = await startEdge({ apiKey, baseUrl }); ...; await edge.close();
import { Miniflare } from "miniflare";
import { createServer } from "node:net";
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

// What the browser may load: the page, and the package's browser build (one module, its wasm
// inlined). The client, the package's Node and workerd entries and its typings stay out, as
// would everything else in the repo.
const PKG_FOR_BROWSER = ["browser.js"];

/** Copies the static site into a fresh directory, as a deploy step would. */
function stageAssets() {
  const dir = mkdtempSync(join(tmpdir(), "capx-www-"));
  cpSync(join(root, "www/public"), dir, { recursive: true });
  for (const name of PKG_FOR_BROWSER) cpSync(join(root, "pkg", name), join(dir, "pkg", name), { recursive: true });
  return dir;
}

/** Every path the asset directory serves, e.g. ["/index.html", "/pkg/capx_bg.wasm", ...]. */
function listAssets(dir, sub = dir) {
  return readdirSync(sub).flatMap((name) => {
    const path = join(sub, name);
    return statSync(path).isDirectory() ? listAssets(dir, path) : [`/${relative(dir, path).split("\\").join("/")}`];
  });
}

export async function startEdge({ apiKey, baseUrl, port = 0, host = "127.0.0.1" }) {
  if (!apiKey || !baseUrl) throw new Error("startEdge needs apiKey and baseUrl");
  const assetDir = stageAssets();
  // miniflare exits the process itself on SIGINT/SIGTERM: remove the copy on any exit.
  const cleanUp = () => rmSync(assetDir, { recursive: true, force: true });
  process.once("exit", cleanUp);
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(root, "www/worker.mjs"),
    modulesRoot: root,
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
