// The app under test: an edge function (fetch-style, as on Workers or Vercel Edge) serving a
// page, and relaying the page's /api/capx/* calls to Capx with the key only it holds.
import { Capx, createEdgeHandler } from "capx";
import { readFileSync } from "node:fs";

const PAGE = readFileSync(new URL("./index.html", import.meta.url), "utf8");

/** @param {{ CAPX_API_KEY: string, CAPX_BASE_URL: string }} env */
export function createApp(env) {
  const proxy = createEdgeHandler(new Capx({ apiKey: env.CAPX_API_KEY, baseUrl: env.CAPX_BASE_URL }), { prefix: "/api/capx" });
  /** @param {Request} request */
  return (request) =>
    new URL(request.url).pathname.startsWith("/api/capx/") ? proxy(request) : Promise.resolve(new Response(PAGE, { headers: { "content-type": "text/html" } }));
}
