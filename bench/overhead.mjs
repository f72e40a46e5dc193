// The client's own time per request, without a network: `capx.companies.get` against
// `fetch` + `JSON.parse`, both given a `fetch` that answers from memory, 16 in flight. What
// is left is what capx adds (options, headers, the deadline, the envelope, rate limits, the
// crossings into wasm and back); the loopback figure mixes it with the HTTP stack's noise.
import { Capx } from "capx";
import { alternate, median, fmt, report } from "./lib.mjs";

const body = JSON.stringify({
  success: true,
  data: { id: "co_1", name: "Overhead", governance_mode: "human_in_loop", created_at: "2026-05-25T10:00:00Z" },
  meta: { credits_used: 1, credits_remaining: 99 },
});
const headers = { "content-type": "application/json", "x-ratelimit-limit": "1000", "x-ratelimit-remaining": "999", "x-ratelimit-reset": "1790000000" };
const fromMemory = async () => new Response(body, { headers });
const capx = new Capx({ apiKey: "capx_sk_test_overhead", baseUrl: "https://api.capx.ai/v1", fetch: fromMemory });

const raw = async () => {
  const parsed = JSON.parse(await (await fromMemory()).text());
  if (parsed.data.id !== "co_1") throw new Error("wrong company");
};
const viaCapx = async () => {
  const { data } = await capx.companies.get("co_1");
  if (data.id !== "co_1") throw new Error("wrong company");
};

async function microsPerRequest(one, n = 20_000) {
  const started = performance.now();
  for (let i = 0; i < n; i += 16) await Promise.all(Array.from({ length: 16 }, one));
  return ((performance.now() - started) * 1000) / n;
}

await microsPerRequest(raw);
await microsPerRequest(viaCapx);
const { a: base, b: ours } = await alternate(9, () => microsPerRequest(raw), () => microsPerRequest(viaCapx));
const added = median(ours) - median(base);
console.log(`  fetch from memory + JSON.parse: ${base.map((t) => fmt(t, 1)).join(", ")} µs/request`);
console.log(`  capx.companies.get:             ${ours.map((t) => fmt(t, 1)).join(", ")} µs/request`);
report({
  figure: "the client's own time per request (a fetch answering from memory, 16 in flight)",
  baseline: `fetch + JSON.parse = ${fmt(median(base), 1)} µs`,
  measured: `+ ${fmt(added, 1)} µs (${fmt(median(ours), 1)} µs)`,
  target: "—",
  met: null,
});
