// The browser entry (browser.js, the build without the client) loaded in Node: the core
// suite runs on it, it exports exactly what browser.d.ts declares, and bundlers' default
// targets take it (no top-level await).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { coreCases } from "../suites/core.mjs";

// The package the tests run on (node_modules/capx: pkg/, or the plain-stable build).
const pkg = new URL("../../node_modules/capx/", import.meta.url);
const browser = await import(new URL("browser.js", pkg));

for (const [name, fn] of coreCases(browser, { HeadersClass: Headers })) test(`browser entry, core: ${name}`, fn);

test("browser entry: exports exactly what browser.d.ts declares, and no client", () => {
  // A generic overload (parseEnvelope<T>) declares a name twice.
  const declared = [...new Set([...readFileSync(new URL("browser.d.ts", pkg), "utf8").matchAll(/^export (?:declare )?(?:class|function) (\w+)/gm)].map((m) => m[1]))];
  assert.deepEqual(Object.keys(browser).sort(), declared.sort());
  assert.deepEqual(declared.sort(), ["ActivityFeed", "CapxError", "canTransition", "isTerminalStatus", "openActivityFeed", "parseEnvelope"]);
});

test("browser entry: one module that builds for ES2020 (no top-level await)", async () => {
  // Vite 5 and 6 build for ES2020-era browsers by default, and refuse a top-level await there.
  const result = await build({ entryPoints: [fileURLToPath(new URL("browser.js", pkg))], bundle: true, write: false, format: "esm", target: "es2020", logLevel: "silent", metafile: true });
  assert.deepEqual(Object.keys(result.metafile.inputs).map((p) => p.split("/").pop()), ["browser.js"], "browser.js loads nothing else");
});
