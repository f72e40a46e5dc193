// The scripted scenario of the demo: a human_in_loop company, tasks, one approved and one
// rejected, the company's activity streamed until the approved task is done, then what it
// all cost. Uses the package as a user's backend does (the Node entry, with the key).
import { Capx, CapxError } from "capx";

const baseUrl = process.env.CAPX_BASE_URL ?? `${process.env.CAPX_MOCK_ORIGIN}/v1`;
const apiKey = process.env.CAPX_API_KEY ?? "capx_sk_test_demo";
const boardUrl = process.env.CAPX_DEMO_URL;
const capx = new Capx({ apiKey, baseUrl });

const step = (n, text) => console.log(`\n[${n}/5] ${text}`);
const say = (label, text) => console.log(`      ${label.padEnd(9)} ${text}`);
let first;
let last;
const track = (result) => {
  first ??= result;
  last = result;
  return result.data;
};

console.log(`capx demo against ${baseUrl} (${capx})`);

step(1, "create a human_in_loop company");
const company = track(await capx.companies.create({ name: "Acme Research", governance_mode: "human_in_loop" }));
say("company", `${company.id} "${company.name}", ${company.governance_mode}, ${company.status}`);
if (boardUrl) say("board", `${boardUrl}/?company=${company.id}`);

step(2, "create tasks: human_in_loop holds each for approval");
const titles = [
  ["Generate Q2 market report", "high"],
  ["Summarise competitor pricing", "medium"],
  ["Draft the APAC launch memo", "critical"],
];
const tasks = [];
for (const [title, priority] of titles) {
  const t = track(await capx.tasks.create(company.id, { title, priority, metadata: { department: "research" } }));
  tasks.push(t);
  say("task", `${t.id} "${t.title}" (${t.priority}) -> ${t.status}, agent ${t.agent_id}`);
}

step(3, "approve one, reject one");
const [toApprove, toReject] = tasks;
const approved = track(await capx.tasks.approve(company.id, toApprove.id, { comment: "Approved. Prioritize APAC data." }));
say("approve", `${approved.id} -> ${approved.status} by ${approved.approved_by}: "${approved.approval_comment}"`);
const rejected = track(await capx.tasks.reject(company.id, toReject.id, { reason: "Duplicate of an earlier task." }));
say("reject", `${rejected.id} -> ${rejected.status}: "${rejected.rejection_reason}"`);
try {
  await capx.tasks.approve(company.id, toReject.id);
} catch (e) {
  if (!(e instanceof CapxError)) throw e;
  say("409", `approving it anyway: ${e.code} (HTTP ${e.status}) "${e.message}"`);
}

step(4, `stream the company's activity until ${approved.id} is done`);
// From the first event: the history so far, then live, so nothing can slip past.
const stream = capx.companies.activity(company.id, { lastEventId: "0", signal: AbortSignal.timeout(120_000) });
let beats = 0;
let outcome;
try {
  for await (const event of stream) {
    if (event.type === "agent.heartbeat") {
      beats++;
      continue;
    }
    if (beats) say("", `... ${beats} agent heartbeat${beats > 1 ? "s" : ""}`);
    beats = 0;
    const detail = Object.entries(event)
      .filter(([k]) => !["type", "timestamp", "company_id"].includes(k))
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" ");
    say(`#${stream.lastEventId}`, `${event.type} ${detail}`);
    if (event.task_id === approved.id && (event.type === "task.completed" || event.type === "agent.error")) {
      outcome = event.type;
      break;
    }
  }
} catch (e) {
  if (!(e instanceof CapxError)) throw e;
  console.error(`\nthe activity stream ended: ${e.code}: ${e.message}`);
  process.exit(1);
}
const done = track(await capx.tasks.get(company.id, approved.id));
say(outcome === "task.completed" ? "done" : "failed", `${done.id} ${done.status}: "${done.output?.summary}" ${JSON.stringify(done.output?.artifacts ?? [])}, cost ${done.cost}`);

step(5, "credits and rate limit");
const startBalance = first.meta.credits_remaining + first.meta.credits_used;
say("credits", `${startBalance - last.meta.credits_remaining} used by this scenario (the stream's connection included), ${last.meta.credits_remaining} remaining`);
const rl = last.rateLimit;
say("rate", `${rl.remaining}/${rl.limit} requests left in this minute's window, full again at ${new Date(rl.reset * 1000).toISOString()}`);
if (boardUrl) console.log(`\nThe board of ${company.name}: ${boardUrl}/?company=${company.id}`);
console.log();
