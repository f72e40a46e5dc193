// After `wrangler deploy --dry-run` has bundled the Worker into dist/, `wrangler dev` runs it in
// workerd: the client's flow, the edge proxy as a page would call it, then the README's quickstart.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { createServer } from "node:net";

const { CAPX_API_KEY, CAPX_BASE_URL } = process.env;
if (!readdirSync("dist").some((f) => f.endsWith(".wasm"))) throw new Error("the bundle in dist/ does not hold capx's wasm");

/** `wrangler dev` on `script` (the project's main by default) until `use(origin)` settles. */
async function withDev(script, use) {
  const port = await new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
  const vars = ["--var", `CAPX_API_KEY:${CAPX_API_KEY}`, "--var", `CAPX_BASE_URL:${CAPX_BASE_URL}`];
  const dev = spawn("wrangler", ["dev", ...(script ? [script] : []), "--ip", "127.0.0.1", "--port", String(port), ...vars], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`wrangler dev did not start:\n${log}`)), 90_000);
      const take = (chunk) => {
        log += chunk;
        if (/Ready on http/.test(log)) resolve(clearTimeout(timer));
      };
      dev.stdout.on("data", take);
      dev.stderr.on("data", take);
      dev.on("close", (code) => reject(new Error(`wrangler dev exited with ${code}:\n${log}`)));
    });
    await use(`http://127.0.0.1:${port}`);
  } finally {
    process.kill(-dev.pid, "SIGKILL");
  }
}

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
