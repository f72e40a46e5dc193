// Creates a company and two tasks, approves one, rejects the other, and prints what happened.
//
//   CAPX_API_KEY=capx_sk_test_... node examples/node-script.ts
// Node 22.18+ runs TypeScript as is (22.6+ with --experimental-strip-types). For a local
// capx-mock, add CAPX_BASE_URL=http://127.0.0.1:4010/v1.
import { Capx, CapxError } from "capx";

const capx = new Capx(); // CAPX_API_KEY (and CAPX_BASE_URL) from the environment

// Per-call options: a tighter deadline and a header of our own for this call alone.
const { data: company, requestId } = await capx.companies.create(
  { name: "Research Co", governance_mode: "human_in_loop" },
  { timeoutMs: 10_000, headers: { "X-Team": "research" } },
);
console.log(`company ${company.id} (${company.governance_mode}), request ${requestId}`);

// One idempotency key per piece of work: a retry, or running this again, creates it once.
const idempotencyKey = `q2-report-${company.id}`;
const report = { title: "Q2 market report", priority: "high" } as const;
const first = await capx.tasks.create(company.id, report, { idempotencyKey });
const again = await capx.tasks.create(company.id, report, { idempotencyKey });
console.log(`task ${first.data.id}: ${first.data.status}`);
console.log(`same key again: replayed ${again.idempotentReplayed}, same task ${again.data.id === first.data.id}`);

const approved = await capx.tasks.approve(company.id, first.data.id, { comment: "Go ahead" });
console.log(`approved ${approved.data.id} by ${approved.data.approved_by}: ${approved.data.status}`);

// A client that fails fast instead of retrying, sharing this one's key and settings.
const failFast = capx.withOptions({ maxRetries: 0 });
const { data: draft } = await failFast.tasks.create(company.id, { title: "Blog post draft" });
const rejected = await failFast.tasks.reject(company.id, draft.id, { reason: "Out of scope" });
console.log(`rejected ${rejected.data.id}: ${rejected.data.status} (${rejected.data.rejection_reason})`);

try {
  await failFast.tasks.approve(company.id, draft.id); // a rejected task stays rejected
} catch (e) {
  if (!(e instanceof CapxError)) throw e;
  console.log(`approving it anyway: ${e.code} (HTTP ${e.status}), request ${e.requestId}`);
}
console.log(`credits left: ${rejected.meta.credits_remaining}`);
