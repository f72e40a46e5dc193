//! TypeScript shapes of the events (https://capx.ai/docs/api#webhook-events and #streaming-sse). Kept
//! as declarations only: events reach JavaScript as the engine's own JSON.parse objects.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const EVENTS_TS: &str = r#"
/** The event types of the API overview's webhook table (https://capx.ai/docs/api#webhooks),
 * and `task.rejected`, which the Tasks API logs in the activity feed when a task is rejected. */
export type EventType =
  | "company.created" | "company.status_changed" | "agent.heartbeat" | "agent.error"
  | "task.created" | "task.completed" | "task.approval_required" | "task.rejected"
  | "playbook.run_started" | "playbook.run_completed" | "costs.threshold_reached";

/** What each event type carries besides `type` and `timestamp`. */
export interface EventFields {
  "company.created": { company_id: string; name?: string };
  "company.status_changed": { company_id: string; status: CompanyStatus | (string & {}); previous_status?: CompanyStatus | (string & {}) };
  "agent.heartbeat": { agent_id: string; company_id?: string };
  "agent.error": { agent_id: string; company_id?: string; task_id?: string; message?: string };
  "task.created": { task_id: string; company_id?: string; agent_id?: string | null; status?: TaskStatus };
  "task.completed": { task_id: string; company_id?: string; agent_id?: string | null; cost?: number };
  "task.approval_required": { task_id: string; company_id?: string };
  "task.rejected": { task_id: string; company_id?: string; agent_id?: string | null; reason?: string | null };
  "playbook.run_started": { playbook_id: string; run_id?: string; company_id?: string };
  "playbook.run_completed": { playbook_id: string; run_id?: string; company_id?: string };
  "costs.threshold_reached": { company_id: string; threshold?: number; total?: number };
}

/**
 * An event type this version does not know yet. Such events are passed through as sent,
 * never an error; they are left out of `ActivityEvent` so that `switch (event.type)`
 * narrows. Widen to `ActivityEvent | UnknownEvent` to handle them.
 */
export interface UnknownEvent {
  type: string & {};
  timestamp: string;
  [field: string]: unknown;
}

/** One `data:` object of the activity stream, as sent: it carries `type` and `timestamp`. */
export type ActivityEvent =
  { [K in EventType]: { type: K; timestamp: string } & EventFields[K] & { [field: string]: unknown } }[EventType];

/** `companies.activity()`: `for await` over it; `break` closes the connection. */
export interface ActivityStream extends AsyncIterable<ActivityEvent> {
  /** The SSE id of the last event yielded: pass it as `lastEventId` to resume later. */
  readonly lastEventId: string | null;
  close(): void;
}

/** The callbacks of `openActivityFeed`. */
export interface ActivityFeedHandlers {
  onEvent: (event: ActivityEvent, id: string) => void;
  /** A lost connection (the browser reconnects by itself) or a malformed event. */
  onError?: (error: CapxError) => void;
  onOpen?: () => void;
}

/**
 * A verified webhook delivery. A type this version does not know arrives as sent, as for
 * `ActivityEvent`; widen to `WebhookEvent | UnknownWebhookEvent` to handle it.
 */
export type WebhookEvent =
  { [K in EventType]: { id: string; type: K; timestamp: string; data: EventFields[K] & { [field: string]: unknown } } }[EventType];

export interface UnknownWebhookEvent {
  id: string;
  type: string & {};
  timestamp: string;
  data: { [field: string]: unknown };
}
"#;
