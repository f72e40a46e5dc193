// After `wrangler deploy --dry-run` has bundled the Worker into dist/, `wrangler dev` runs it in
// workerd: the client's flow, the edge proxy as a page would call it, then the README's quickstart.
import { readdirSync } from "node:fs";
import { withDev } from "./serve.mjs";

const { CAPX_API_KEY } = process.env;
if (!readdirSync("dist").some((f) => f.endsWith(".wasm"))) throw new Error("the bundle in dist/ does not hold capx's wasm");

await withDev(null, async (origin) => {
  const flow = await fetch(`${origin}/flow`);
  const lines = await flow.json();
  if (flow.status !== 200 || lines.length !== 6) throw new Error(`flow: ${flow.status} ${JSON.stringify(lines)}`);
  for (const line of lines) console.log(`cloudflare-worker: ${line}`);

  const listed = await fetch(`${origin}/api/capx/companies`);
  const body = await listed.text();
  if (listed.status !== 200 || !body.includes("Ecosystem Co")) throw new Error(`proxy: ${listed.status} ${body}`);
  if (body.includes(CAPX_API_KEY)) throw new Error("proxy: the key reached the page");
  const refused = await fetch(`${origin}/api/capx/companies/x`, { method: "DELETE" });
  if (refused.ok) throw new Error(`proxy: DELETE answered ${refused.status}`);
  console.log("cloudflare-worker: the edge proxy relays an allowed route and refuses another");
});

// The README's Workers quickstart, as written (src/quickstart.ts).
await withDev("src/quickstart.ts", async (origin) => {
  const res = await fetch(origin);
  const companies = await res.json();
  if (res.status !== 200 || !companies.some((c) => c.name === "Ecosystem Co")) throw new Error(`quickstart: ${res.status} ${JSON.stringify(companies)}`);
  console.log("cloudflare-worker: the README's Workers quickstart runs as written");
});
