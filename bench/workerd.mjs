// capx in workerd (miniflare): requests/s of `capx.companies.get` to capx-mock on loopback,
// 16 in flight inside one Worker request, against raw `fetch` + `JSON.parse` (the target's
// baseline) and the same features by hand (bench/by-hand.mjs), alternating rounds; and
// `parseEnvelope` against `JSON.parse` + the same checks by hand. Inside workerd the clocks
// stand still between I/O, so each round is one request to the Worker (bench/workerd-worker.mjs)
// timed from Node, and workerd's CPU time is read from /proc around it (all its threads).
// The rows "from memory" give each client a fetch answering from memory: what is left is
// its own work, which is where the time capx adds per request goes.
//   node bench/workerd.mjs                      the figures
//   node --experimental-websocket bench/workerd.mjs --profile VARIANT [QUERY]
//       a CPU profile inside workerd of VARIANT's rounds instead (bench/inspector-profile.mjs),
//       e.g. `--profile capx '&memory'` or `--profile parse-capx`
import { Miniflare } from "miniflare";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Capx } from "capx";
import { baseUrl, freshKey, alternate, median, fmt, report } from "./lib.mjs";
import { profile } from "./inspector-profile.mjs";

const rounds = 9;
const perRound = 8000; // requests to capx-mock per round, about half a second
const memoryPerRound = 20_000;
const parsesPerRound = 20_000;
const profiled = process.argv.includes("--profile") ? process.argv.slice(process.argv.indexOf("--profile") + 1) : null;

const apiKey = freshKey("wd");
const { data: company } = await new Capx({ apiKey, baseUrl }).companies.create({ name: "Workerd" });
// capx-mock's own answer, for the rows that read it from memory.
const sample = await fetch(`${baseUrl}/companies/${company.id}`, { headers: { Authorization: `Bearer ${apiKey}` } });
const body = await sample.text();
const headers = Object.fromEntries([...sample.headers].filter(([name]) => name.startsWith("x-ratelimit-") || name === "content-type"));

const root = fileURLToPath(new URL("..", import.meta.url));
const mf = new Miniflare({
  modules: true,
  compatibilityDate: "2025-09-01",
  scriptPath: fileURLToPath(new URL("workerd-worker.mjs", import.meta.url)),
  modulesRoot: root,
  // The package's wasm arrives as a compiled module, as wrangler bundles it for Workers.
  modulesRules: [
    { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
    { type: "CompiledWasm", include: ["**/*.wasm"] },
  ],
  // By default miniflare sends a Worker's fetch through a second Worker that strips the
  // CF-Connecting-IP header, another hop per request that a deployed Worker does not make.
  stripCfConnectingIp: false,
  ...(profiled && { inspectorPort: 0 }),
  bindings: { CAPX_API_KEY: apiKey, CAPX_BASE_URL: baseUrl, COMPANY_ID: company.id, BODY: body, HEADERS: JSON.stringify(headers) },
});

// The workerd that miniflare started: this process's child.
function workerdPid() {
  const pid = readdirSync("/proc")
    .filter((pid) => /^\d+$/.test(pid))
    .find((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1] === String(process.pid) && stat.includes("(workerd)");
      } catch {
        return false; // gone since the listing
      }
    });
  if (!pid) throw new Error("workerd's process not found");
  return pid;
}
let workerd;
// CPU time of all of workerd's threads, in µs (schedstat: ns on a CPU).
const cpuMicros = () => {
  workerd ??= workerdPid();
  return readdirSync(`/proc/${workerd}/task`).reduce((sum, tid) => sum + Number(readFileSync(`/proc/${workerd}/task/${tid}/schedstat`, "utf8").split(" ")[0]) / 1000, 0);
};

// One round: `n` of `variant` in one request; µs of wall time and of workerd's CPU per call.
async function round(variant, n, extra = "") {
  const cpu0 = cpuMicros();
  const t0 = performance.now();
  const res = await mf.dispatchFetch(`http://localhost/?variant=${variant}&n=${n}${extra}`);
  const text = await res.text();
  const wall = (performance.now() - t0) * 1000;
  const cpu = cpuMicros() - cpu0;
  if (text !== "done") throw new Error(`${variant}: ${text.slice(0, 300)}`);
  return { wall: wall / Math.max(n, 1), cpu: cpu / Math.max(n, 1), totalWall: wall };
}

async function measure() {
  const network = ["raw", "hand", "capx"].map((v) => () => round(v, perRound));
  const memory = ["raw", "hand", "capx"].map((v) => () => round(v, memoryPerRound, "&memory"));
  const parses = ["parse-hand", "parse-capx", "parse-capx-bare"].map((v) => () => round(v, parsesPerRound));
  const empty = () => round("parse-hand", 0);
  for (const run of [...network, ...memory, ...parses, empty]) await run(); // warm up
  const all = Object.values(await alternate(rounds, ...network, ...memory, ...parses, empty));
  const [raw, hand, capx, memRaw, memHand, memCapx, parseHand, parseCapx, parseBare, idle] = all;

  const med = (results, key) => median(results.map((r) => r[key]));
  const rate = (results) => 1e6 / med(results, "wall");
  const ofRaw = (results) => fmt(rate(results) / rate(raw));
  const list = (results) => results.map((r) => fmt(1e6 / r.wall, 0)).join(", ");
  // Each round's ratio to the raw fetch of the same round: the spread a shared machine leaves.
  const spread = (results) => {
    const ratios = results.map((r, i) => raw[i].wall / r.wall).sort((x, y) => x - y);
    return `rounds ${fmt(ratios[0])}–${fmt(ratios.at(-1))}`;
  };
  const cpu = (results) => fmt(med(results, "cpu"), 1);
  // Requests per second of workerd's CPU, to raw fetch's: what a busy Worker's throughput
  // follows, less moved by neighbours on a shared machine than wall time is.
  const cpuOfRaw = (results) => fmt(med(raw, "cpu") / med(results, "cpu"));
  console.log(`  to capx-mock, ${perRound} GETs a round, ${rounds} rounds: req/s each round; median workerd CPU per request`);
  console.log(`    raw fetch + JSON.parse:      ${list(raw)} req/s; ${cpu(raw)} µs CPU`);
  console.log(`    the same features by hand:   ${list(hand)} req/s (${ofRaw(hand)} of raw fetch, ${spread(hand)}); ${cpu(hand)} µs CPU (${cpuOfRaw(hand)})`);
  console.log(`    capx.companies.get:          ${list(capx)} req/s (${ofRaw(capx)} of raw fetch, ${spread(capx)}); ${cpu(capx)} µs CPU (${cpuOfRaw(capx)})`);
  // A request of n parses less an empty request, per parse.
  const idleWall = med(idle, "totalWall");
  const perParse = (results) => (med(results, "totalWall") - idleWall) / parsesPerRound;
  const perCall = (results) => fmt(med(results, "wall"), 2);
  const added = (results) => fmt(med(results, "wall") - med(memRaw, "wall"));
  console.log(`  from memory (a fetch answering capx-mock's body), ${memoryPerRound} a round: wall and workerd CPU µs per request`);
  console.log(`    raw fetch + JSON.parse:      ${perCall(memRaw)} µs; ${cpu(memRaw)} µs CPU`);
  console.log(`    the same features by hand:   ${perCall(memHand)} µs (+ ${added(memHand)} µs); ${cpu(memHand)} µs CPU`);
  console.log(`    capx.companies.get:          ${perCall(memCapx)} µs (+ ${added(memCapx)} µs); ${cpu(memCapx)} µs CPU`);
  console.log(`  reading capx-mock's body (${body.length} B), ${parsesPerRound} a round, less an empty request (${fmt(idleWall / 1000)} ms): µs each`);
  console.log(`    JSON.parse + the checks by hand:   ${fmt(perParse(parseHand))} µs`);
  console.log(`    parseEnvelope(200, body, headers): ${fmt(perParse(parseCapx))} µs (${fmt(perParse(parseCapx) / perParse(parseHand))}×)`);
  console.log(`    parseEnvelope(200, body):          ${fmt(perParse(parseBare))} µs (${fmt(perParse(parseBare) / perParse(parseHand))}×)`);

  report({
    figure: "requests/s through capx vs raw fetch + JSON.parse in workerd (miniflare), loopback, 16 in flight",
    baseline: `raw fetch = 1.0 (${fmt(rate(raw), 0)} req/s, workerd CPU ${cpu(raw)} µs/request)`,
    measured: `${ofRaw(capx)} (${fmt(rate(capx), 0)} req/s; per CPU-second ${cpuOfRaw(capx)}, ${cpu(capx)} µs/request); the same features by hand: ${ofRaw(hand)} (per CPU-second ${cpuOfRaw(hand)}, ${cpu(hand)} µs/request); own work from memory: capx + ${added(memCapx)} µs, by hand + ${added(memHand)} µs`,
    target: "≥ 0.90",
    met: rate(capx) / rate(raw) >= 0.9,
  });
  const parseRatio = perParse(parseCapx) / perParse(parseHand);
  report({
    figure: "parseEnvelope in workerd vs JSON.parse + the same checks by hand (capx-mock's company, its rate-limit headers)",
    baseline: `by hand = 1.0 (${fmt(perParse(parseHand))} µs)`,
    measured: `${fmt(parseRatio)}× (${fmt(perParse(parseCapx))} µs; without headers ${fmt(perParse(parseBare))} µs)`,
    target: "≤ 1.2×",
    met: parseRatio <= 1.2,
  });
}

try {
  await mf.ready;
  if (profiled) {
    const [variant, query = ""] = profiled;
    const n = variant.startsWith("parse") ? 100_000 : query.includes("memory") ? memoryPerRound : perRound;
    await round(variant, n, query); // warm up
    await profile(await mf.getInspectorURL(), async () => {
      for (let i = 0; i < 3; i++) await round(variant, n, query);
    }, { calls: 3 * n });
  } else {
    await measure();
  }
} finally {
  await mf.dispose();
}
