import { Capx, createEdgeHandler } from "capx";

export const runtime = "edge";

// The page-facing proxy: the key stays in the edge function.
const handler = createEdgeHandler(new Capx(), { prefix: "/api/capx" });
export const GET = handler;
export const POST = handler;
