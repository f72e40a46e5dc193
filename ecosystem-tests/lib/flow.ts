// What every ecosystem project does with capx, as a user's code would: copied into each
// project as src/flow.ts by run.mjs, so that each imports capx by name from its own
// node_modules. Plain TypeScript with no runtime-specific API: it runs in Node, Deno, Bun,
// workerd and Next's edge sandbox alike.
import { Capx, CapxError, isTerminalStatus, type ActivityEvent } from "capx";

/** Runs the flow against `capx`; resolves to the lines it saw, rejects on anything unexpected. */
export async function runFlow(capx: Capx): Promise<string[]> {
  const seen: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`flow: ${what}`);
    seen.push(what);
  };

  const { data: company } = await capx.companies.create({ name: "Ecosystem Co", governance_mode: "human_in_loop" });
  const { data: task } = await capx.tasks.create(company.id, { title: "Write the Q2 report", priority: "high" });
  check(task.status === "pending_approval", "a human_in_loop task waits for approval");
  await capx.tasks.create(company.id, { title: "Second task" });

  const { data: approved } = await capx.tasks.approve(company.id, task.id, { comment: "go" });
  check(approved.status !== "pending_approval", "approve moves it on");

  let listed = 0;
  for await (const _task of capx.tasks.iterate(company.id, { limit: 1 })) listed += 1;
  check(listed === 2, "for await walks both pages of the list");

  // From the start of this key's history ("0"), so no event is missed between the approval
  // and the connection; the mock's agents complete the task within a few heartbeats.
  const stream = capx.companies.activity(company.id, { lastEventId: "0", signal: AbortSignal.timeout(20_000) });
  let completed: ActivityEvent | undefined;
  for await (const event of stream) {
    if (event.type === "task.completed" && event.task_id === task.id) {
      completed = event;
      break;
    }
  }
  check(completed !== undefined && stream.lastEventId !== null, "the activity stream reports the completion");
  const { data: done } = await capx.tasks.get(company.id, task.id);
  check(isTerminalStatus(done.status), "the task is done");

  try {
    await capx.tasks.get(company.id, "task_missing");
    check(false, "a missing task is an error");
  } catch (e) {
    check(e instanceof CapxError && e.code === "not_found" && e.status === 404, "a missing task is a CapxError not_found");
  }
  return seen;
}
