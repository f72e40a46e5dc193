// Cold start in Node: medians over fresh processes, alternating with the baseline (an empty
// module imported the same way). `import("capx")` reads, compiles and instantiates the wasm;
// the first client and the first parseEnvelope are shown apart, then all three together over
// the baseline: what the first answer of a Node serverless function costs beyond its own start.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { median, fmt, report } from "./lib.mjs";

const child = fileURLToPath(new URL("coldstart-child.mjs", import.meta.url));
const once = (mode) => JSON.parse(execFileSync(process.execPath, [child, mode], { encoding: "utf8" }));
const runs = 31;
const samples = [];
const empty = [];
for (let i = 0; i < runs; i++) {
  samples.push(once("capx"));
  empty.push(once("empty").importMs);
}
const med = (key) => median(samples.map((s) => s[key]));
const imports = samples.map((s) => s.importMs);
const overEmpty = med("totalMs") - median(empty);
console.log(
  `  ${runs} fresh processes: import (read, compile, instantiate) median ${fmt(med("importMs"))} ms, min ${fmt(Math.min(...imports))} ms, ` +
    `max ${fmt(Math.max(...imports))} ms; then the first \`new Capx()\` ${fmt(med("firstClientMs"))} ms and the first parseEnvelope ` +
    `${fmt(med("firstCallMs"))} ms; an empty import ${fmt(median(empty))} ms`,
);
report({
  figure: "cold start: import + instantiate in Node (median)",
  baseline: "—",
  measured: `${fmt(med("importMs"))} ms (+ ${fmt(med("firstClientMs"), 1)} ms first client)`,
  target: "≤ 10 ms",
  met: med("importMs") <= 10,
});
report({
  figure: "first call on Node: import + `new Capx()` + first parseEnvelope, over an empty import (median)",
  baseline: `empty import = ${fmt(median(empty))} ms`,
  measured: `+ ${fmt(overEmpty)} ms (first parseEnvelope ${fmt(med("firstCallMs"))} ms)`,
  target: "≤ 10 ms",
  met: overEmpty <= 10,
});
