// Follows a company's activity and can stop and resume without losing or repeating an event:
// it keeps the id of the last event it handled, and reconnects from there.
//
//   CAPX_API_KEY=capx_sk_test_... node examples/activity-consumer.ts
// Node 22.18+ runs TypeScript as is. For a local capx-mock, add CAPX_BASE_URL=http://127.0.0.1:4010/v1.
import { Capx, type ActivityEvent } from "capx";

const capx = new Capx();
const { data: company } = await capx.companies.create({ name: "Activity Co", governance_mode: "human_in_loop" });

// Where the consumer got to. Keep it somewhere durable (a file, KV, a database row) in your app.
let checkpoint: string | null = null;

function handle(event: ActivityEvent): string {
  switch (event.type) {
    case "task.created": return `task ${event.task_id} created (${event.status})`;
    case "task.approval_required": return `task ${event.task_id} needs approval`;
    case "task.rejected": return `task ${event.task_id} rejected: ${event.reason ?? "no reason"}`;
    case "task.completed": return `task ${event.task_id} completed`;
    default: return event.type;
  }
}

// Handles events until `until` says stop, saving the checkpoint after each one.
async function consume(until: (event: ActivityEvent) => boolean): Promise<void> {
  const stream = capx.companies.activity(company.id, {
    lastEventId: checkpoint ?? undefined, // none: start live
    signal: AbortSignal.timeout(15_000),
  });
  for await (const event of stream) {
    console.log(`  #${stream.lastEventId} ${handle(event)}`);
    checkpoint = stream.lastEventId;
    if (until(event)) break; // closes the connection
  }
}

// First run: a live stream sees what happens once it is connected, so keep making tasks
// until it has seen one.
console.log("live:");
let seen = false;
const live = consume((event) => {
  seen = event.type === "task.approval_required";
  return seen;
});
const tasks: string[] = [];
while (!seen) {
  tasks.push((await capx.tasks.create(company.id, { title: `Review ${tasks.length + 1}` })).data.id);
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await live;

// While no one listens: a rejection. The next run starts after the checkpoint and replays it.
await capx.tasks.reject(company.id, tasks[0], { reason: "Duplicate" });
console.log(`resumed after #${checkpoint}:`);
await consume((event) => event.type === "task.rejected");
