// The built package in headless Chromium (Playwright, Debian's chromium): each page imports
// capx by name, bundled by esbuild for the browser as a page's bundler would, and runs the
// shared suites against a capx-mock that answers CORS. One node:test per case.
// Run: node --test tests/browser/   (after scripts/build.sh, node_modules/capx -> pkg, and
// with CAPX_MOCK_ORIGIN set for the client and stream suites, as scripts/test.sh does)
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { realpathSync } from "node:fs";
import { createServer } from "node:http";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";

const root = fileURLToPath(new URL("../..", import.meta.url));
const pkg = realpathSync(join(root, "node_modules/capx"));
const mockOrigin = process.env.CAPX_MOCK_ORIGIN;
const SUITE = { timeout: 10 * 60_000 };

// Each page: its entry, the package's files its bundle must hold (so the run cannot
// silently test another build), and its suites.
const pages = [
  { entry: "browser-build", from: ["browser.js"], suites: ["core", "page"] },
  { entry: "client", from: ["capx.js", "client.js"], suites: ["core", "page", "client", "stream", "surface"] },
];

const bundle = await build({
  absWorkingDir: root,
  entryPoints: pages.map(({ entry }) => `tests/browser/${entry}.mjs`),
  bundle: true,
  format: "esm",
  platform: "browser",
  // Kept in memory (write: false); outdir only names the files the server hands out.
  outdir: "tests/browser/out",
  write: false,
  metafile: true,
  logLevel: "error",
});
const served = new Map(bundle.outputFiles.map((f) => [`/${basename(f.path)}`, f.contents]));
// capx/client fetches its wasm next to the module, as it would be deployed.
served.set("/capx_bg.wasm", await readFile(join(pkg, "capx_bg.wasm")));
const TYPES = { ".js": "text/javascript", ".wasm": "application/wasm" };

const server = createServer((req, res) => {
  const { pathname } = new URL(req.url, "http://x");
  if (pathname === "/") return res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>capx</title>");
  const body = served.get(pathname);
  if (!body) return res.writeHead(404).end();
  res.writeHead(200, { "content-type": TYPES[pathname.slice(pathname.lastIndexOf("."))] }).end(body);
});
let browser;

before(async () => {
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server.close();
});

for (const { entry, from, suites } of pages) {
  const script = `/${entry}.js`;

  test(`${entry}: the bundle holds the package's ${from.join(", ")}`, () => {
    const [, output] = Object.entries(bundle.metafile.outputs).find(([path]) => path.endsWith(script));
    const inputs = Object.keys(output.inputs).map((p) => resolve(root, p)).filter((p) => p.startsWith(`${pkg}/`));
    assert.deepEqual(inputs.map((p) => basename(p)).sort(), from);
  });

  let page;
  const pageErrors = [];
  const open = async () => {
    page = await browser.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
  };

  for (const suite of suites) {
    const skip = ["client", "stream", "surface"].includes(suite) && !mockOrigin && "CAPX_MOCK_ORIGIN is not set";
    test(`${entry}: ${suite}`, { ...SUITE, skip }, async (t) => {
      if (!page) await open();
      const results = await page.evaluate(
        async ([src, name, origin]) => (await import(src)).runSuite(name, origin),
        [script, suite, mockOrigin],
      );
      assert.ok(results.length > 0, "the suite has cases");
      for (const { name, ok, error } of results) {
        await t.test(name, () => {
          if (ok) return;
          // What failed in the page, not this loop's stack.
          const failure = new Error(`${error} (in Chromium, the ${entry} page's ${suite} suite)`);
          failure.stack = failure.message;
          throw failure;
        });
      }
      assert.deepEqual(pageErrors.splice(0), [], "uncaught errors in the page");
    });
  }
}
