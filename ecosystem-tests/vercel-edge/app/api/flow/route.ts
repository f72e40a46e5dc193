import { Capx } from "capx";
import { runFlow } from "@/src/flow";

export const runtime = "edge";
export const dynamic = "force-dynamic";

// CAPX_API_KEY and CAPX_BASE_URL come from the environment (process.env on Vercel Edge).
export async function GET() {
  return Response.json(await runFlow(new Capx()));
}
