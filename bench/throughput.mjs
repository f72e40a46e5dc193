// Requests/s to capx-mock on loopback with 16 requests in flight: `capx.companies.get`
// against what a user would write instead, `fetch` + `JSON.parse` with the same headers (the
// target's baseline). On Node capx sends through node:http (js/node_http.js), so, to show
// where its figure comes from: capx given the global fetch instead, the same features written
// by hand over fetch (a deadline through an AbortController, capx's headers, the envelope
// checked, the rate-limit headers read, the same result object), and node:http itself
// (a keep-alive agent, a deadline, JSON.parse), the floor of capx's own transport.
import http from "node:http";
import { Capx } from "capx";
import { baseUrl, freshKey, alternate, median, fmt, report } from "./lib.mjs";

const inFlight = 16;
const roundMs = 2000;
const rounds = 5;
const apiKey = freshKey("tp");
const capx = new Capx({ apiKey, baseUrl });
const { data: company } = await capx.companies.create({ name: "Throughput" });
const url = `${baseUrl}/companies/${company.id}`;
const headers = { Authorization: `Bearer ${apiKey}`, Accept: "application/json" };

const raw = async () => {
  const body = JSON.parse(await (await fetch(url, { headers })).text());
  if (body.data.id !== company.id) throw new Error("wrong company");
};
const sameHeaders = { ...headers, "X-Capx-Client": "capx/0.1.0" };
const byHand = async () => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 60_000);
  try {
    const response = await fetch(url, { method: "GET", headers: sameHeaders, signal: controller.signal });
    const body = JSON.parse(await response.text());
    const meta = body?.meta;
    if (body?.success !== true || typeof meta?.credits_used !== "number" || typeof meta?.credits_remaining !== "number") {
      throw new Error("not an envelope");
    }
    const [limit, remaining, reset] = ["limit", "remaining", "reset"].map((h) => response.headers.get(`x-ratelimit-${h}`));
    const rateLimit = limit === null ? null : { limit: Number(limit), remaining: Number(remaining), reset: Number(reset) };
    const result = { data: body.data, meta, rateLimit, status: response.status };
    if (result.data.id !== company.id) throw new Error("wrong company");
  } finally {
    clearTimeout(timer);
  }
};
const capxOverFetch = new Capx({ apiKey, baseUrl, fetch: (...args) => fetch(...args) });
const viaCapx = (client) => async () => {
  const { data } = await client.companies.get(company.id);
  if (data.id !== company.id) throw new Error("wrong company");
};
const agent = new http.Agent({ keepAlive: true });
const { hostname, port, pathname } = new URL(url);
const nodeHttp = () =>
  new Promise((resolve, reject) => {
    const request = http.request({ hostname, port, path: pathname, headers, agent }, (response) => {
      response.setEncoding("utf8");
      let text = "";
      response.on("data", (chunk) => (text += chunk));
      response.on("end", () => {
        clearTimeout(timer);
        if (JSON.parse(text).data.id !== company.id) reject(new Error("wrong company"));
        resolve();
      });
    });
    const timer = setTimeout(() => request.destroy(new Error("timeout")), 60_000);
    request.on("error", reject).end();
  });

// Requests completed per second by `inFlight` loops, each one request at a time.
async function rate(one) {
  let done = 0;
  const until = performance.now() + roundMs;
  const loop = async () => {
    while (performance.now() < until) {
      await one();
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, loop));
  return (done * 1000) / (performance.now() - started);
}

const variants = [raw, byHand, viaCapx(capxOverFetch), nodeHttp, viaCapx(capx)];
for (const one of variants) await rate(one);
const { a: rawRates, b: handRates, c: overFetchRates, d: nodeRates, e: capxRates } = await alternate(rounds, ...variants.map((one) => () => rate(one)));
const ofRaw = (rates) => fmt(median(rates) / median(rawRates));
const list = (rates) => rates.map((r) => fmt(r, 0)).join(", ");
console.log(`  raw fetch + JSON.parse:          ${list(rawRates)} req/s`);
console.log(`  the same features by hand:       ${list(handRates)} req/s (${ofRaw(handRates)} of raw fetch)`);
console.log(`  capx given the global fetch:     ${list(overFetchRates)} req/s (${ofRaw(overFetchRates)})`);
console.log(`  raw node:http + JSON.parse:      ${list(nodeRates)} req/s (${ofRaw(nodeRates)})`);
console.log(`  capx.companies.get (node:http):  ${list(capxRates)} req/s (${ofRaw(capxRates)}; ${fmt(median(capxRates) / median(nodeRates))} of raw node:http)`);
report({
  figure: "requests/s through capx vs raw fetch + JSON.parse, loopback, 16 in flight",
  baseline: `raw fetch = 1.0 (${fmt(median(rawRates), 0)} req/s)`,
  measured: `${ofRaw(capxRates)} (${fmt(median(capxRates), 0)} req/s, over node:http; capx given fetch: ${ofRaw(overFetchRates)}, the same features by hand over fetch: ${ofRaw(handRates)}, raw node:http: ${ofRaw(nodeRates)})`,
  target: "≥ 0.90",
  met: median(capxRates) / median(rawRates) >= 0.9,
});
