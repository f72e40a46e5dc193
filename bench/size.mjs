// Everything a Worker loads (the workerd entry, the glue and the wasm), each file gzipped
// on its own at level 9, as a server would send it.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { report } from "./lib.mjs";

const pkg = new URL("../pkg/", import.meta.url);
const files = ["workerd.js", "capx.js", "capx_bg.wasm"];
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
report({
  figure: "everything a Worker loads (.wasm + JS glue), gzip",
  baseline: "—",
  measured: `${gz} B (${(gz / 1024).toFixed(1)} KiB)`,
  target: "≤ 60 KB",
  met: gz <= 60_000,
});
