// Compiled with `tsc --strict --noEmit`: the public types as a user meets them.
import {
  Capx, CapxError, Webhook, parseEnvelope, isTerminalStatus, canTransition, createEdgeHandler, openActivityFeed,
  type ApiResult, type Task, type TaskSummary, type TaskStatus, type Company, type RequestOptions,
  type ActivityEvent, type UnknownEvent, type WebhookEvent,
  type ApiResponse, type Page, type CompanyStatus,
} from "capx";

declare const env: { CAPX_API_KEY: string };

export async function consumer(): Promise<string[]> {
  const capx = new Capx({ apiKey: env.CAPX_API_KEY, maxRetries: 3, throttle: { maxConcurrent: 4 } });
  const opts: RequestOptions = { idempotencyKey: "req_1", timeoutMs: 5_000, signal: AbortSignal.timeout(10_000) };
  const company: ApiResult<Company> = await capx.companies.create({ name: "Acme", governance_mode: "human_in_loop" }, opts);
  const created: ApiResult<Task> = await capx.tasks.create(company.data.id, { title: "Q2 report", priority: "high", metadata: { a: 1 } });
  const status: TaskStatus = created.data.status;
  const credits: number = created.meta.credits_used;
  const remaining: number | undefined = created.rateLimit?.remaining;
  const cursor: string | null | undefined = (await capx.tasks.list(company.data.id, { status: "pending", limit: 10 })).meta.cursor;
  const titles: string[] = [];
  for await (const t of capx.tasks.iterate(company.data.id, { priority: "high" })) {
    const summary: TaskSummary = t;
    titles.push(summary.title);
  }
  await capx.tasks.approve(company.data.id, created.data.id, { comment: "ok" });
  await capx.tasks.reject(company.data.id, created.data.id);
  const raw: ApiResult<unknown> = await capx.request("GET", `/companies/${company.data.id}/agents`, { query: { limit: 5 } });
  try {
    parseEnvelope(502, "<html></html>");
  } catch (e) {
    if (e instanceof CapxError) {
      const code: string = e.code;
      const http: number | null = e.status;
      const retry: boolean = e.retryable;
      titles.push(`${code} ${http} ${retry} ${e.docs ?? ""} ${e.rateLimit?.reset ?? 0}`);
    }
  }
  titles.push(String(isTerminalStatus(status)), String(canTransition("pending", "in_progress")), String(credits), String(remaining), String(cursor), String(raw.status));

  // Streams, webhooks, the proxy and the browser feed.
  const stream = capx.companies.activity(company.data.id, { lastEventId: "0", signal: AbortSignal.timeout(1_000) });
  for await (const event of stream) {
    const e: ActivityEvent = event;
    if (e.type === "task.completed") titles.push(e.task_id);
    const wide: ActivityEvent | UnknownEvent = event;
    if (wide.type === "company.renamed") titles.push(String(wide.name));
    const resumeFrom: string | null = stream.lastEventId;
    if (e.type === "task.rejected") titles.push(e.task_id, e.reason ?? "");
    if (e.type === "company.status_changed") {
      const before: CompanyStatus | (string & {}) | undefined = e.previous_status;
      titles.push(String(before));
    }
    titles.push(e.timestamp, String(resumeFrom));
    break;
  }
  const hook: WebhookEvent = new Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").verify("{}", new Headers(), { toleranceSec: 60 });
  if (hook.type === "task.approval_required") titles.push(hook.data.task_id, hook.id);
  const signature: string = new Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").sign("msg_1", 1614265330, "{}");
  const handler: (request: Request) => Promise<Response> = createEdgeHandler(capx, { prefix: "/api", allow: ["GET /companies"] });
  const response: Response = await handler(new Request("http://edge.local/api/companies"));
  createEdgeHandler(capx, {
    allowOrigins: ["https://app.example"], maxBodyBytes: 4096, bodyTimeoutMs: 2_000,
    authorize: async (request: Request, route) => route.params.companyId === "co_1" && (request.headers.get("x-user") ?? false),
  });
  // @ts-expect-error: the hook answers with a boolean or a caller's name, nothing else
  createEdgeHandler(capx, { authorize: () => 1 });
  const feed = openActivityFeed("/api/companies/co_1/activity", { onEvent: (e, id) => titles.push(e.type, id), onError: (err) => titles.push(err.code) });
  feed.close();
  titles.push(signature, String(response.status), String(feed.readyState));

  // @ts-expect-error: the signal must be an AbortSignal
  capx.companies.activity("co_1", { signal: "stop" });
  // @ts-expect-error: the edge handler's allow-list is a list of strings
  createEdgeHandler(capx, { allow: "GET /companies" });
  // @ts-expect-error: apiKey is a string (left out, it comes from CAPX_API_KEY)
  new Capx({ apiKey: 42 });
  const fromEnvironment: Capx = new Capx();
  titles.push(String(fromEnvironment));
  // @ts-expect-error: priority is a union of four strings
  await capx.tasks.create("co_1", { title: "t", priority: "urgent" });
  // @ts-expect-error: title is required
  await capx.tasks.create("co_1", { description: "no title" });
  // @ts-expect-error: timeoutMs is a number
  await capx.tasks.get("co_1", "tsk_1", { timeoutMs: "5s" });
  // @ts-expect-error: the method is a union
  await capx.request("TRACE", "/companies");

  // Options on every call, what the response said, pages, generics (issue 16).
  const headers = { "X-Trace": "t-1" };
  const page: Page<TaskSummary> = await capx.tasks.list(company.data.id, { limit: 2 }, { headers, timeoutMs: 5_000 });
  if (page.hasNextPage()) {
    const next: Page<TaskSummary> = await page.nextPage();
    for await (const t of next) titles.push(t.title);
  }
  const companies: Page<Company> = await capx.companies.list();
  const asResult: ApiResult<Company[]> = companies;
  for await (const t of capx.tasks.iterate(company.data.id, { limit: 50 }, { signal: AbortSignal.timeout(1_000), headers })) titles.push(t.id);
  for await (const c of capx.companies.iterate(undefined, { maxRetries: 0 })) titles.push(c.id);
  capx.companies.activity(company.data.id, { headers, timeoutMs: 1_000, maxRetries: 1 }).close();
  const response2: ApiResponse<Task> = await capx.tasks.get(company.data.id, created.data.id, { headers });
  const requestId: string | null = response2.requestId;
  const replayed: boolean = response2.idempotentReplayed;
  const header: string | null = response2.headers.get("x-request-id");
  titles.push(String(requestId), String(replayed), String(header), String(asResult.status));
  interface Agent { id: string; name: string }
  const agents = await capx.request<Agent[]>("GET", `/companies/${company.data.id}/agents`);
  const agentName: string | undefined = agents.data[0]?.name;
  // @ts-expect-error: data is Agent[], not a string
  const notAString: string = agents.data;
  // @ts-expect-error: without a type argument, data is unknown
  const unknownData: string = (await capx.request("GET", "/companies")).data.id;
  const parsed: ApiResult<{ id: string }> = parseEnvelope<{ id: string }>(200, "{}");
  const parsedId: string = parsed.data.id;
  // @ts-expect-error: without a type argument, parseEnvelope's data is unknown
  const unknownParsed: string = parseEnvelope(200, "{}").data.id;
  const handMade = new CapxError("rate_limit_exceeded", "Slow down", { status: 429, retryable: true, requestId: "req_1", cause: new Error("x") });
  const fromError: string | null = handMade.requestId;
  const errorHeader: string | null | undefined = handMade.headers?.get("retry-after");
  titles.push(String(agentName), notAString, unknownData, parsedId, unknownParsed, String(fromError), String(errorHeader));
  // @ts-expect-error: header values are strings
  await capx.companies.list(undefined, { headers: { "X-Count": 1 } });
  // @ts-expect-error: a CapxError's options are an object
  new CapxError("conflict", "No", 409);
  return titles;
}
