// Requests/s to capx-mock on loopback with 16 requests in flight: `capx.companies.get`
// against what a user would write instead, `fetch` + `JSON.parse` with the same headers (the
// target's baseline), and the same features written by hand over fetch (bench/by-hand.mjs: a
// deadline through an AbortController, capx's headers, the envelope checked, the rate-limit
// headers read, the same result object: an ApiResponse, with `requestId` and
// `idempotentReplayed`). Runs on Node, Deno and Bun:
//   node bench/throughput.mjs | deno run -A bench/throughput.mjs | bun bench/throughput.mjs
// On Node capx sends through node:http (js/node_http.js), so, to show where its figure comes
// from, Node also measures capx given the global fetch and node:http itself (a keep-alive
// agent, a deadline, JSON.parse), the floor of capx's own transport. Deno and Bun emulate
// node:http over their fetch, and capx uses their fetch there: those rows are Node's only.
import { Capx } from "capx";
import { byHandClient } from "./by-hand.mjs";
import { baseUrl, freshKey, alternate, median, fmt, report } from "./lib.mjs";

const runtime = globalThis.Deno ? `Deno ${Deno.version.deno}` : globalThis.Bun ? `Bun ${Bun.version}` : null;
const inFlight = 16;
// Deno and Bun measure three variants, not five: more, shorter rounds in the same minute.
const roundMs = runtime ? 1000 : 2000;
const rounds = runtime ? 11 : 5;
const apiKey = freshKey("tp");
const capx = new Capx({ apiKey, baseUrl });
const { data: company } = await capx.companies.create({ name: "Throughput" });
const path = `/companies/${company.id}`;
const url = `${baseUrl}${path}`;
const headers = { Authorization: `Bearer ${apiKey}`, Accept: "application/json" };

const check = (data) => {
  if (data.id !== company.id) throw new Error("wrong company");
};
const raw = async () => check(JSON.parse(await (await fetch(url, { headers })).text()).data);
const byHand = byHandClient({ apiKey, baseUrl });
const viaHand = async () => check((await byHand.get(path)).data);
const viaCapx = (client) => async () => check((await client.companies.get(company.id)).data);

// node:http with a keep-alive agent, a deadline and JSON.parse (Node only).
async function nodeHttpGet() {
  const http = await import("node:http");
  const agent = new http.Agent({ keepAlive: true });
  const { hostname, port, pathname } = new URL(url);
  return () =>
    new Promise((resolve, reject) => {
      const request = http.request({ hostname, port, path: pathname, headers, agent }, (response) => {
        response.setEncoding("utf8");
        let text = "";
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => {
          clearTimeout(timer);
          try {
            resolve(check(JSON.parse(text).data));
          } catch (e) {
            reject(e);
          }
        });
      });
      const timer = setTimeout(() => request.destroy(new Error("timeout")), 60_000);
      request.on("error", reject).end();
    });
}

// Requests completed per second by `inFlight` loops, each one request at a time, and this
// process's CPU time per request (µs): a shared machine moves the first more than the second.
async function rate(one) {
  let done = 0;
  const until = performance.now() + roundMs;
  const loop = async () => {
    while (performance.now() < until) {
      await one();
      done++;
    }
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, loop));
  const { user, system } = process.cpuUsage(cpu);
  return { rate: (done * 1000) / (performance.now() - started), cpu: (user + system) / done };
}

// [label, request]; the first is the baseline, the last is capx as users get it here.
const variants = runtime
  ? [
      ["raw fetch + JSON.parse:", raw],
      ["the same features by hand:", viaHand],
      ["capx.companies.get (fetch):", viaCapx(capx)],
    ]
  : [
      ["raw fetch + JSON.parse:", raw],
      ["the same features by hand:", viaHand],
      ["capx given the global fetch:", viaCapx(new Capx({ apiKey, baseUrl, fetch: (...args) => fetch(...args) }))],
      ["raw node:http + JSON.parse:", await nodeHttpGet()],
      ["capx.companies.get (node:http):", viaCapx(capx)],
    ];
for (const [, one] of variants) await rate(one);
const results = Object.values(await alternate(rounds, ...variants.map(([, one]) => () => rate(one))));
const measured = results.map((rounds) => rounds.map((r) => r.rate));
const cpus = results.map((rounds) => median(rounds.map((r) => r.cpu)));
const rawRates = measured[0];
const ofRaw = (rates) => fmt(median(rates) / median(rawRates));
const perCpu = (i) => fmt(cpus[0] / cpus[i]);
variants.forEach(([label], i) => {
  const rates = measured[i];
  const ratio = i ? ` (${ofRaw(rates)} of raw fetch${runtime || i < 4 ? "" : `; ${fmt(median(rates) / median(measured[3]))} of raw node:http`})` : "";
  const cpu = `${fmt(cpus[i], 1)} µs CPU a request${i ? ` (${perCpu(i)} per CPU-second)` : ""}`;
  console.log(`  ${label.padEnd(33)}${rates.map((r) => fmt(r, 0)).join(", ")} req/s${ratio}; ${cpu}`);
});
const [handRates, capxRates] = [measured[1], measured.at(-1)];
const nodeOnly = runtime ? "" : `, over node:http; capx given fetch: ${ofRaw(measured[2])}`;
const nodeHttpFloor = runtime ? "" : `, raw node:http: ${ofRaw(measured[3])}`;
report({
  figure: `requests/s through capx vs raw fetch + JSON.parse, loopback, 16 in flight${runtime ? ` (${runtime})` : ""}`,
  baseline: `raw fetch = 1.0 (${fmt(median(rawRates), 0)} req/s, ${fmt(cpus[0], 1)} µs CPU a request)`,
  measured: `${ofRaw(capxRates)} (${fmt(median(capxRates), 0)} req/s${nodeOnly}, the same features by hand over fetch: ${ofRaw(handRates)}${nodeHttpFloor}); per CPU-second of the process: capx ${perCpu(measured.length - 1)}, by hand ${perCpu(1)}`,
  target: "≥ 0.90",
  met: median(capxRates) / median(rawRates) >= 0.9,
});
