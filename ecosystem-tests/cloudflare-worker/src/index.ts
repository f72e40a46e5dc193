import { Capx, createEdgeHandler } from "capx";
import { runFlow } from "./flow";

interface Env {
  CAPX_API_KEY: string;
  CAPX_BASE_URL: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const capx = new Capx({ apiKey: env.CAPX_API_KEY, baseUrl: env.CAPX_BASE_URL });
    const { pathname } = new URL(request.url);
    if (pathname === "/flow") return Response.json(await runFlow(capx));
    // The page-facing proxy: the key stays in this Worker.
    return createEdgeHandler(capx, { prefix: "/api/capx" })(request);
  },
};
