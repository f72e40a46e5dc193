// The scripted scenario of the demo: a human_in_loop company, tasks, one approved and one
// rejected, and the approved one followed until it completes. Uses the package as a user does.
import { Capx, CapxError, canTransition, isTerminalStatus } from "capx";

const baseUrl = `${process.env.CAPX_MOCK_ORIGIN}/v1`;
const apiKey = process.env.CAPX_API_KEY ?? "capx_sk_test_demo";
const capx = new Capx({ apiKey, baseUrl });
const say = (step, text) => console.log(`  ${step.padEnd(10)} ${text}`);

console.log(`\ncapx demo against ${baseUrl} (${capx})\n`);
let last;
const company = (last = await capx.companies.create({ name: "Acme Research", governance_mode: "human_in_loop" })).data;
say("company", `${company.id} "${company.name}", ${company.governance_mode}, ${company.status}`);

const titles = ["Generate Q2 market report", "Summarise competitor pricing", "Draft the APAC launch memo"];
const tasks = [];
for (const title of titles) {
  const t = (last = await capx.tasks.create(company.id, { title, priority: "high", metadata: { department: "research" } })).data;
  tasks.push(t);
  say("task", `${t.id} "${t.title}" -> ${t.status} (agent ${t.agent_id})`);
}

const [approve, reject] = tasks;
const approved = (last = await capx.tasks.approve(company.id, approve.id, { comment: "Approved. Prioritize APAC data." })).data;
say("approve", `${approved.id} -> ${approved.status} by ${approved.approved_by}: "${approved.approval_comment}"`);
const rejected = (last = await capx.tasks.reject(company.id, reject.id, { reason: "Duplicate of an earlier task." })).data;
say("reject", `${rejected.id} -> ${rejected.status}: "${rejected.rejection_reason}"`);
try {
  await capx.tasks.approve(company.id, reject.id);
} catch (e) {
  if (!(e instanceof CapxError)) throw e;
  say("409", `approving a rejected task: ${e.code} (HTTP ${e.status}) "${e.message}"`);
}

let status = approved.status;
while (!isTerminalStatus(status)) {
  await new Promise((r) => setTimeout(r, 700));
  const t = (last = await capx.tasks.get(company.id, approve.id)).data;
  if (t.status !== status) {
    say("status", `${status} -> ${t.status}${canTransition(status, t.status) ? "" : "  (not a documented transition!)"}`);
    status = t.status;
    if (t.output) say("output", `"${t.output.summary}" ${JSON.stringify(t.output.artifacts)}, cost ${t.cost}`);
  }
}

const { credits_used, credits_remaining } = last.meta;
const rl = last.rateLimit;
console.log(`\n  credits    last call used ${credits_used}, ${credits_remaining} remaining`);
console.log(`  rate limit ${rl.remaining}/${rl.limit} requests left in the window, resets at ${new Date(rl.reset * 1000).toISOString()}\n`);
