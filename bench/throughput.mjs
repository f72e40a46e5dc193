// Requests/s to capx-mock on loopback with 16 requests in flight: `capx.companies.get`
// against what a user would write instead, `fetch` + `JSON.parse` with the same headers.
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

await rate(raw);
await rate(viaCapx);
const { a: rawRates, b: capxRates } = await alternate(rounds, () => rate(raw), () => rate(viaCapx));
const ratio = median(capxRates) / median(rawRates);
console.log(`  raw fetch + JSON.parse: ${rawRates.map((r) => fmt(r, 0)).join(", ")} req/s`);
console.log(`  capx.companies.get:     ${capxRates.map((r) => fmt(r, 0)).join(", ")} req/s`);
report({
  figure: "requests/s through capx vs raw fetch + JSON.parse, loopback, 16 in flight",
  baseline: `raw fetch = 1.0 (${fmt(median(rawRates), 0)} req/s)`,
  measured: `${fmt(ratio)} (${fmt(median(capxRates), 0)} req/s)`,
  target: "≥ 0.90",
  met: ratio >= 0.9,
});
