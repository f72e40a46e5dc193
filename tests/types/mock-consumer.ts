// capx-mock's types as a user's strict TypeScript sees them (tsc --strict, noEmit).
import { Capx } from "capx";
import { CapxMockError, startCapxMock, type CapxMock, type CapxMockErrorCode, type FaultKind, type MockRequest } from "capx-mock";

export async function usesTheMock(): Promise<number> {
  await using mock = await startCapxMock({
    plan: "pro",
    keys: ["capx_sk_test_other:starter", { key: "capx_sk_test_reader", readOnly: true }],
    credits: 100,
    heartbeatMs: 50,
    failRate: 0,
    faults: { rate: 0.1, kinds: ["500", "slow:200", "sse_drop:2"] },
    state: "state.json",
    webhook: { url: "http://127.0.0.1:9/hook", secret: "whsec_abc", attempts: 2, backoffMs: 10 },
    port: 0,
    log: true,
    args: ["--seed", "7"],
    timeoutMs: 5000,
  });
  const capx = new Capx({ apiKey: mock.apiKey, baseUrl: mock.baseUrl });
  await capx.companies.list();
  const beat: number = await mock.tick(3);
  await mock.setFaults({ kind: "html_502", times: 2, method: "GET", path: "/v1/companies" }, "drop_after_commit");
  await mock.setFaults();
  const log: MockRequest[] = await mock.requests();
  const first: string | null = log[0]?.idempotency_key ?? null;
  await mock.reset();
  const handle: CapxMock = mock;
  await handle.stop();
  return beat + log.length + (first ? 1 : 0) + handle.pid;
}

export function explains(e: unknown): CapxMockErrorCode | undefined {
  return e instanceof CapxMockError ? e.code : undefined;
}

// @ts-expect-error: not a fault kind
export const wrongKind: FaultKind = "meltdown";
// @ts-expect-error: not a plan
startCapxMock({ plan: "platinum" });
