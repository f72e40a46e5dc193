// The app's server: the built page from dist/, and /api/capx/* relayed to Capx by capx's edge
// proxy with the key it alone holds. Node's http wraps the fetch-style handler.
import { Capx, createEdgeHandler } from "capx";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { Readable } from "node:stream";

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

export function startServer(dir) {
  const proxy = createEdgeHandler(new Capx(), { prefix: "/api/capx" });
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    if (url.pathname.startsWith("/api/capx/")) {
      const response = await proxy(new Request(url, { method: req.method, headers: req.headers }));
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) Readable.fromWeb(response.body).pipe(res);
      else res.end();
      return;
    }
    const path = normalize(url.pathname === "/" ? "/index.html" : url.pathname);
    try {
      const body = await readFile(join(dir, path));
      res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}
