// Requests/s to capx-mock on loopback with 16 requests in flight: `capx.companies.get`
// against what a user would write instead, `fetch` + `JSON.parse` with the same headers (the
// target's baseline), and, to show what the features themselves cost: that baseline with only
// a per-attempt deadline, and the same features written by hand in JavaScript (the deadline
// through an AbortController, capx's headers, the envelope checked, the rate-limit headers
// read, the same result object).
import { Capx } from "capx";
import { baseUrl, freshKey, alternate, median, fmt, report } from "./lib.mjs";

const inFlight = 16;
const roundMs = 3000;
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
// Only the per-attempt deadline, which a client must have and which passes a signal to fetch:
// on Node, creating the AbortController and undici's handling of the signal are not free.
const deadlineOnly = async () => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 60_000);
  try {
    const body = JSON.parse(await (await fetch(url, { headers, signal: controller.signal })).text());
    if (body.data.id !== company.id) throw new Error("wrong company");
  } finally {
    clearTimeout(timer);
  }
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
const viaCapx = async () => {
  const { data } = await capx.companies.get(company.id);
  if (data.id !== company.id) throw new Error("wrong company");
};

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

const variants = [raw, deadlineOnly, byHand, viaCapx];
for (const one of variants) await rate(one);
const { a: rawRates, b: deadlineRates, c: handRates, d: capxRates } = await alternate(rounds, ...variants.map((one) => () => rate(one)));
const ratio = median(capxRates) / median(rawRates);
console.log(`  raw fetch + JSON.parse:     ${rawRates.map((r) => fmt(r, 0)).join(", ")} req/s`);
console.log(`  the same + a deadline only: ${deadlineRates.map((r) => fmt(r, 0)).join(", ")} req/s (${fmt(median(deadlineRates) / median(rawRates))} of raw)`);
console.log(`  the same features, by hand: ${handRates.map((r) => fmt(r, 0)).join(", ")} req/s (${fmt(median(handRates) / median(rawRates))} of raw)`);
console.log(`  capx.companies.get:         ${capxRates.map((r) => fmt(r, 0)).join(", ")} req/s (${fmt(median(capxRates) / median(handRates))} of by hand)`);
report({
  figure: "requests/s through capx vs raw fetch + JSON.parse, loopback, 16 in flight",
  baseline: `raw fetch = 1.0 (${fmt(median(rawRates), 0)} req/s)`,
  measured: `${fmt(ratio)} (${fmt(median(capxRates), 0)} req/s; a deadline alone: ${fmt(median(deadlineRates) / median(rawRates))}, the same features by hand: ${fmt(median(handRates) / median(rawRates))})`,
  target: "≥ 0.90",
  met: ratio >= 0.9,
});
