// The demo's edge function: a Cloudflare Worker that serves the task board and relays the
// page's API calls to Capx with the key from its env. The key stays here; the page only
// ever talks to /api on this origin.
import { Capx, CapxError, createEdgeHandler } from "capx";

// Exactly what the board needs. Creating tasks and companies is opt-in on purpose: the
// default list is read + approve/reject only.
export const ALLOW = [
  "GET /companies",
  "POST /companies",
  "GET /companies/:companyId",
  "GET /companies/:companyId/tasks",
  "POST /companies/:companyId/tasks",
  "GET /companies/:companyId/tasks/:taskId",
  "POST /companies/:companyId/tasks/:taskId/approve",
  "POST /companies/:companyId/tasks/:taskId/reject",
  "GET /companies/:companyId/activity",
];

// 'wasm-unsafe-eval' lets the page compile the package's wasm and nothing else; no inline
// script, and the page may connect to this origin only.
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' data:; " +
    "style-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

// One client and one handler per isolate, built on the first request (env arrives with it).
let proxy;
function getProxy(env) {
  proxy ??= createEdgeHandler(new Capx({ apiKey: env.CAPX_API_KEY, baseUrl: env.CAPX_BASE_URL }), { prefix: "/api", allow: ALLOW });
  return proxy;
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/api" || pathname.startsWith("/api/")) {
      try {
        return await getProxy(env)(request);
      } catch (e) {
        // A bad key or base URL in env: say so in the API's own envelope, without details.
        const code = e instanceof CapxError ? e.code : "internal_error";
        return Response.json({ success: false, error: { code, message: "the edge function is misconfigured", docs: null } }, { status: 500 });
      }
    }
    const asset = await env.ASSETS.fetch(request);
    const response = new Response(asset.body, asset);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
    return response;
  },
};
