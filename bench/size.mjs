// What a Worker loads (the workerd entry, the glue and the wasm) and what a page loads (the
// browser entry, one module with its wasm inlined), each file gzipped on its own at level 9,
// as a server would send it.
//   node bench/size.mjs [PKG_DIR]   (default: pkg/)
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { report } from "./lib.mjs";

const pkg = process.argv[2] ? pathToFileURL(`${process.argv[2]}/`) : new URL("../pkg/", import.meta.url);

function measure(files) {
  let raw = 0;
  let gz = 0;
  for (const file of files) {
    const bytes = readFileSync(new URL(file, pkg));
    const zipped = gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gz += zipped;
    console.log(`  ${file.padEnd(16)} ${String(bytes.length).padStart(7)} raw ${String(zipped).padStart(7)} gzip`);
  }
  console.log(`  total ${raw} bytes raw, ${gz} bytes gzip (${(gz / 1024).toFixed(1)} KiB)`);
  return gz;
}

for (const [figure, files, budget, target] of [
  ["everything a Worker loads (.wasm + JS glue), gzip", ["workerd.js", "capx.js", "capx_bg.wasm"], 64_000, "≤ 64 000 B"],
  ["everything a page loads from the browser entry (browser.js, its wasm inlined), gzip", ["browser.js"], 15_000, "≤ 15 000 B"],
]) {
  const gz = measure(files);
  report({ figure, baseline: "—", measured: `${gz} B (${(gz / 1024).toFixed(1)} KiB)`, target, met: gz <= budget });
}
