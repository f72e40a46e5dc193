/// <reference lib="esnext.disposable" />
// capx-mock's JS API. Needs TypeScript >= 5.2 (for `AsyncDisposable`).

/** The mock's built-in plans: requests per minute / in flight: 60/10, 300/50, 6000/500. */
export type PlanName = "starter" | "pro" | "enterprise";

/** What an injected fault does to a request; see the README's fault table. */
export type FaultKind =
  | "drop_after_commit"
  | "500"
  | "429"
  | "slow"
  | `slow:${number}`
  | "truncate"
  | "html_502"
  | "sse_drop"
  | `sse_drop:${number}`;

/** Another key the mock accepts (each key is its own account). */
export interface MockKey {
  /** `capx_sk_test_…` or `capx_sk_live_…`, letters and digits after the prefix. */
  key: string;
  /** Default `"starter"`. */
  plan?: PlanName;
  /** A read-only key gets 403 on POST, PATCH, PUT and DELETE. */
  readOnly?: boolean;
}

/** A fault armed for the next `times` matching requests of `mock.apiKey`. */
export interface MockFault {
  kind: FaultKind;
  /** Default 1. */
  times?: number;
  /** Only requests with this method. */
  method?: string;
  /** Only requests whose path starts with this, e.g. `/v1/companies`. */
  path?: string;
}

export interface CapxMockOptions {
  /** The plan of `mock.apiKey`. Default `"enterprise"`, so a test does not meet the rate limit by accident. */
  plan?: PlanName;
  /** More keys the mock accepts, as objects or as `KEY[:PLAN[:read_only]]`. */
  keys?: ReadonlyArray<MockKey | string>;
  /** The starting balance of every key. Default 10 000. */
  credits?: number;
  /** How often the simulated agents work. Default 2000; `mock.tick()` runs them now. */
  heartbeatMs?: number;
  /** The share (0 to 1) of tasks the agents fail. Default 0.1; 0 makes every task complete. */
  failRate?: number;
  /** Random faults on a share (`rate`, 0 to 1) of requests, of these kinds. */
  faults?: { rate: number; kinds: readonly FaultKind[] };
  /** Keep the state in this file across restarts. */
  state?: string;
  /** POST every event, signed, to `url` (`http://` only); `secret` is `whsec_` and base64. */
  webhook?: { url: string; secret: string; attempts?: number; backoffMs?: number };
  /** Default 0: a free port. */
  port?: number;
  /** The request log (one JSON line a request) on this process's stderr. Default off. */
  log?: boolean;
  /** More flags, as on the command line (`["--fail-rate", "0"]`). */
  args?: readonly string[];
  /** How long to wait for the mock to listen. Default 30 000. */
  timeoutMs?: number;
}

/** One request the mock received, as `GET /__mock/requests` reports it (the key redacted). */
export interface MockRequest {
  seq: number;
  method: string;
  path: string;
  query: string;
  status: number;
  idempotency_key: string | null;
  /** The fault injected into it, if any. */
  fault: string | null;
  replayed: boolean;
  headers: Record<string, string>;
}

/** A running capx-mock. Its control methods act on the account of `apiKey`. */
export interface CapxMock extends AsyncDisposable {
  /** `http://127.0.0.1:PORT/v1`: give it to `new Capx({ baseUrl })`. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** A key of this mock only (`capx_sk_test_…`), on `options.plan`. */
  readonly apiKey: string;
  /** The mock's process id. */
  readonly pid: number;
  /** Runs `n` (default 1) agent heartbeats now; resolves to the heartbeat count. */
  tick(n?: number): Promise<number>;
  /** Replaces the armed faults with these (none: disarms all). */
  setFaults(...faults: ReadonlyArray<MockFault | FaultKind>): Promise<void>;
  /** The last 10 000 requests of `apiKey`, oldest first. */
  requests(): Promise<MockRequest[]>;
  /** Empties the account: data, request log, faults; restores its balance. */
  reset(): Promise<void>;
  /** Stops the mock (cleanly: the `state` file is written) and resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

export type CapxMockErrorCode = "no_binary" | "port_in_use" | "bad_flag" | "exited" | "timeout" | "control_failed";

/** Why the mock could not start (or a control call failed): `code`, and a message naming the cause. */
export declare class CapxMockError extends Error {
  readonly code: CapxMockErrorCode;
  constructor(code: CapxMockErrorCode, message: string);
}

/** Starts capx-mock on a free port of 127.0.0.1; resolves once it listens. It ends with `stop()`, and with this process. */
export declare function startCapxMock(options?: CapxMockOptions): Promise<CapxMock>;
