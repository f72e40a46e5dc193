// Runs a fetch-style handler on Node's http, on a free port of 127.0.0.1, as a local dev server would.
import { createServer } from "node:http";
import { Readable } from "node:stream";

/** @param {(request: Request) => Promise<Response>} handler @returns {Promise<import("node:http").Server>} */
export function serve(handler) {
  const server = createServer(async (req, res) => {
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : Readable.toWeb(req);
    // The URL the browser asked for, host and port included: the proxy checks a POST's Origin against it.
    const request = new Request(new URL(req.url ?? "/", `http://${req.headers.host}`), { method: req.method, headers: /** @type {Record<string, string>} */ (req.headers), body, duplex: "half" });
    const response = await handler(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) Readable.fromWeb(response.body).pipe(res);
    else res.end();
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}
