// A Cloudflare Worker that serves a page listing your companies, and relays the page's calls
// to Capx with the key held as a secret: the page (and every visitor) never sees the key.
//
//   npx wrangler secret put CAPX_API_KEY
//   npx wrangler dev examples/worker.ts      # a local capx-mock: CAPX_BASE_URL in .dev.vars
import { Capx, createEdgeHandler } from "capx";

interface Env {
  CAPX_API_KEY: string;
  CAPX_BASE_URL?: string;
}

// The page: plain fetch to this Worker's /api/capx/..., no key, no SDK.
const PAGE = `<!doctype html><title>Companies</title><ul></ul><script type="module">
const { data } = await (await fetch("/api/capx/companies?limit=20")).json();
for (const c of data ?? []) {
  document.querySelector("ul").append(Object.assign(document.createElement("li"), { textContent: c.name + ": " + c.status }));
}
</script>`;

// One client and handler per isolate, made at the first request (env arrives with it).
let relay: ((request: Request) => Promise<Response>) | undefined;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (!new URL(request.url).pathname.startsWith("/api/capx/")) {
      return new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });
    }
    relay ??= createEdgeHandler(new Capx({ apiKey: env.CAPX_API_KEY, baseUrl: env.CAPX_BASE_URL }), {
      prefix: "/api/capx",
      // Read-only for this page. To let it approve or reject, add those routes and an
      // `authorize(request, route)` that checks your own session first.
      allow: ["GET /companies", "GET /companies/:companyId/tasks"],
    });
    return relay(request);
  },
};
