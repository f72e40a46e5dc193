// The board's static files as a deploy serves them: the page (public/) and, under /pkg/, the
// package's browser build (one module, its wasm inlined) from the installed capx. The client,
// the package's Node and workerd entries and its typings stay out, as would all else here.
//   node assets.mjs DIR     (wrangler.toml's build step: DIR is what [assets] serves)
import { cpSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const PKG_FOR_BROWSER = ["browser.js"];

/** Copies the page and the package's browser build into `dir`. */
export function stageAssets(dir) {
  const capx = dirname(createRequire(import.meta.url).resolve("capx/package.json"));
  mkdirSync(join(dir, "pkg"), { recursive: true });
  cpSync(join(here, "public"), dir, { recursive: true });
  for (const name of PKG_FOR_BROWSER) cpSync(join(capx, name), join(dir, "pkg", name));
  return dir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) stageAssets(process.argv[2] ?? "dist");
