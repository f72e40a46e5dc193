// Cold start in Node: the median over fresh processes of `await import("capx")`, which
// reads, compiles and instantiates the wasm, plus constructing the first client.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { median, fmt, report } from "./lib.mjs";

const child = fileURLToPath(new URL("coldstart-child.mjs", import.meta.url));
const runs = 31;
const samples = [];
for (let i = 0; i < runs; i++) samples.push(JSON.parse(execFileSync(process.execPath, [child], { encoding: "utf8" })));
const totals = samples.map((s) => s.importMs + s.firstClientMs);
const med = median(totals);
console.log(`  ${runs} fresh processes: import median ${fmt(median(samples.map((s) => s.importMs)))} ms, first client ${fmt(median(samples.map((s) => s.firstClientMs)), 3)} ms, min ${fmt(Math.min(...totals))} ms, max ${fmt(Math.max(...totals))} ms`);
report({ figure: "cold start: import + instantiate in Node (median)", baseline: "—", measured: `${fmt(med)} ms`, target: "≤ 10 ms", met: med <= 10 });
