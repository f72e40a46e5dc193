// The markdown table of bench/run.sh, from the RESULT lines of the benchmarks (stdin).
import { readFileSync } from "node:fs";

const rows = readFileSync(0, "utf8").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line));
console.log(`\nMeasured ${new Date().toISOString().slice(0, 10)} on ${process.platform}/${process.arch}, Node ${process.version}:\n`);
console.log("| figure | baseline, same run | measured | target | met |");
console.log("|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.figure} | ${r.baseline} | ${r.measured} | ${r.target} | ${r.met === null ? "—" : r.met ? "yes" : "**no**"} |`);
