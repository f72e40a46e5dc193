// Compiled with `tsc --strict --noEmit` as a bundler resolves for a page (the "browser"
// condition): the browser entry's types, which declare no client.
import {
  CapxError, parseEnvelope, isTerminalStatus, canTransition, openActivityFeed,
  type ActivityEvent, type ActivityFeed, type ApiResult, type Task, type TaskStatus,
} from "capx";
// @ts-expect-error the client is not in the browser build; a page that needs it imports capx/client
import { Capx } from "capx";
import { Capx as Client } from "capx/client";

export function page(render: (event: ActivityEvent) => void): ActivityFeed {
  const tasks: ApiResult<Task[]> = parseEnvelope(200, "{}") as ApiResult<Task[]>;
  const status: TaskStatus = tasks.data[0].status;
  if (isTerminalStatus(status) || canTransition(status, "completed")) render({ type: "task.created", task_id: "tsk_1", timestamp: "" });
  new Client({ apiKey: "capx_sk_test_page", dangerouslyAllowBrowser: true });
  void Capx;
  return openActivityFeed("/api/companies/co_1/activity", {
    onEvent: render,
    onError: (err: CapxError) => console.error(err.code),
  });
}
