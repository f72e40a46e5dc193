// Cold start in Node: the median over fresh processes of `await import("capx")`, which
// reads, compiles and instantiates the wasm; constructing the first client is shown apart.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { median, fmt, report } from "./lib.mjs";

const child = fileURLToPath(new URL("coldstart-child.mjs", import.meta.url));
const runs = 31;
const samples = [];
for (let i = 0; i < runs; i++) samples.push(JSON.parse(execFileSync(process.execPath, [child], { encoding: "utf8" })));
const imports = samples.map((s) => s.importMs);
const med = median(imports);
console.log(`  ${runs} fresh processes: import (read, compile, instantiate) median ${fmt(med)} ms, min ${fmt(Math.min(...imports))} ms, max ${fmt(Math.max(...imports))} ms; then the first \`new Capx()\` ${fmt(median(samples.map((s) => s.firstClientMs)), 2)} ms more`);
report({ figure: "cold start: import + instantiate in Node (median)", baseline: "—", measured: `${fmt(med)} ms (+ ${fmt(median(samples.map((s) => s.firstClientMs)), 1)} ms first client)`, target: "≤ 10 ms", met: med <= 10 });
