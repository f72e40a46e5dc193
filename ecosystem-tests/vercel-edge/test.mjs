// `next build` then `next start`, as a user deploys: the client's flow in an edge route, the edge
// proxy as a page would call it, and the README's quickstart route. CAPX_ECOSYSTEM_VARIANT=webpack builds with webpack
// on a Next that defaults to Turbopack.
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { Capx } from "capx";

const { CAPX_API_KEY } = process.env;
const build = ["build", ...(process.env.CAPX_ECOSYSTEM_VARIANT === "webpack" ? ["--webpack"] : [])];
execFileSync("next", build, { stdio: "inherit" });

const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, "127.0.0.1", () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const server = spawn("next", ["start", "-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "pipe", "pipe"], detached: true });
let log = "";
await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`next start did not start:\n${log}`)), 60_000);
  const take = (chunk) => {
    log += chunk;
    if (/Ready in|started server/i.test(log)) resolve(clearTimeout(timer));
  };
  server.stdout.on("data", take);
  server.stderr.on("data", take);
  server.on("close", (code) => reject(new Error(`next start exited with ${code}:\n${log}`)));
});
const origin = `http://127.0.0.1:${port}`;
try {
  const flow = await fetch(`${origin}/api/flow`);
  const text = await flow.text();
  if (flow.status !== 200) throw new Error(`flow: ${flow.status} ${text}\n${log}`);
  for (const line of JSON.parse(text)) console.log(`vercel-edge: ${line}`);

  const listed = await fetch(`${origin}/api/capx/companies`);
  const body = await listed.text();
  if (listed.status !== 200 || !body.includes("Ecosystem Co")) throw new Error(`proxy: ${listed.status} ${body}\n${log}`);
  if (body.includes(CAPX_API_KEY)) throw new Error("proxy: the key reached the page");
  console.log("vercel-edge: the edge proxy relays an allowed route");

  // The README's Vercel Edge quickstart, as written (app/api/quickstart/route.ts).
  const capx = new Capx();
  const { data: company } = await capx.companies.create({ name: "Quickstart Co", governance_mode: "human_in_loop" });
  const { data: task } = await capx.tasks.create(company.id, { title: "Approve me" });
  const approved = await fetch(`${origin}/api/quickstart`, {
    method: "POST",
    body: JSON.stringify({ companyId: company.id, taskId: task.id, comment: "ok" }),
  });
  const result = await approved.json();
  if (approved.status !== 200 || result.id !== task.id || result.status === "pending_approval") {
    throw new Error(`quickstart: ${approved.status} ${JSON.stringify(result)}\n${log}`);
  }
  console.log("vercel-edge: the README's Vercel Edge quickstart runs as written");
} finally {
  process.kill(-server.pid, "SIGKILL");
}
