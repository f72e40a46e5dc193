// `next build` then `next start`, as a user deploys: the client's flow in an edge route, the
// edge proxy as a page would call it, and the README's quickstart route.
// CAPX_ECOSYSTEM_VARIANT=webpack builds with webpack on a Next that defaults to Turbopack.
import { execFileSync } from "node:child_process";
import { Capx } from "capx";
import { withServer } from "./serve.mjs";

const { CAPX_API_KEY } = process.env;
const build = ["build", ...(process.env.CAPX_ECOSYSTEM_VARIANT === "webpack" ? ["--webpack"] : [])];
execFileSync("next", build, { stdio: "inherit" });

await withServer((port) => ["next", ["start", "-H", "127.0.0.1", "-p", String(port)]], /Ready in|started server/i, async (origin, log) => {
  const flow = await fetch(`${origin}/api/flow`);
  const text = await flow.text();
  if (flow.status !== 200) throw new Error(`flow: ${flow.status} ${text}\n${log()}`);
  for (const line of JSON.parse(text)) console.log(`vercel-edge: ${line}`);

  const listed = await fetch(`${origin}/api/capx/companies`);
  const body = await listed.text();
  if (listed.status !== 200 || !body.includes("Ecosystem Co")) throw new Error(`proxy: ${listed.status} ${body}\n${log()}`);
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
    throw new Error(`quickstart: ${approved.status} ${JSON.stringify(result)}\n${log()}`);
  }
  console.log("vercel-edge: the README's Vercel Edge quickstart runs as written");
});
