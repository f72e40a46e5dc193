// A Next.js App Router route on the edge runtime: save as app/api/approvals/route.ts and
// GET /api/approvals?company=co_... lists the company's tasks waiting for approval.
//
//   CAPX_API_KEY=capx_sk_live_... in .env.local (or the project's environment variables)
import { Capx, CapxError } from "capx";

// Next.js provides `process.env` on the edge; this line only spares the example @types/node.
declare const process: { env: Record<string, string | undefined> };

export const runtime = "edge";

const capx = new Capx({ apiKey: process.env.CAPX_API_KEY, baseUrl: process.env.CAPX_BASE_URL });

export async function GET(request: Request): Promise<Response> {
  const companyId = new URL(request.url).searchParams.get("company");
  if (!companyId) return Response.json({ error: "?company= is required" }, { status: 400 });
  try {
    // The visitor going away (request.signal) cancels the call to Capx too.
    const page = await capx.tasks.list(companyId, { status: "pending_approval", limit: 20 }, { signal: request.signal });
    return Response.json(
      { tasks: page.data, more: page.hasNextPage() },
      { headers: { "cache-control": "no-store", "x-capx-request-id": page.requestId ?? "" } },
    );
  } catch (e) {
    if (!(e instanceof CapxError)) throw e;
    // The API's code and message are safe to show; the key never appears in them.
    return Response.json({ error: e.code, message: e.message }, { status: e.status ?? 502 });
  }
}
