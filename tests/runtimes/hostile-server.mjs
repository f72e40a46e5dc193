// A server that misbehaves on purpose, for tests/suites/hostile.mjs: it redirects to another
// origin, echoes the caller's key back, and scripts event streams connection by connection.
// A second listener stands for the foreign origin a redirect points at. Every request to
// either is logged, with its Authorization and the raw bytes of its Last-Event-ID; the log
// of the requests whose path holds a tag is at GET /__log/<tag>.
//
// What to do is named by the company id of the path (/v1/companies/<scenario>-<tag>/…), so
// that the client's own methods reach every scenario.
import { createServer } from "node:http";
import { once } from "node:events";

const meta = '"meta":{"credits_used":1,"credits_remaining":9}';
const envelope = (data) => `{"success":true,"data":${JSON.stringify(data)},${meta}}`;
const json = { "content-type": "application/json" };
const sse = { "content-type": "text/event-stream" };

export async function startMisbehaving() {
  const log = [];
  const connections = new Map();
  let foreignOrigin = "";
  const handle = (foreign) => (req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    const raw = req.headers["last-event-id"];
    log.push({ foreign, method: req.method, path, authorization: req.headers.authorization ?? null, lastEventId: raw === undefined ? null : Buffer.from(raw, "latin1").toString("hex") });
    if (path.startsWith("/__log/")) return res.writeHead(200, json).end(JSON.stringify(log.filter((r) => r.path.includes(path.slice(7)) && !r.path.startsWith("/__log/"))));
    // Followed here, a redirect would look like a success.
    if (foreign) return res.writeHead(200, path.endsWith("/activity") ? sse : json).end(path.endsWith("/activity") ? 'data: {"type":"foreign"}\n\n' : envelope([]));
    const key = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    const [, scenario, tag] = /^\/v1\/companies\/([a-z0-9]+)-([a-z0-9]+)/.exec(path) ?? [];
    const nth = (connections.get(tag) ?? 0) + 1;
    connections.set(tag, nth);
    const redirect = /^r(\d{3})$/.exec(scenario ?? "");
    if (redirect) return res.writeHead(Number(redirect[1]), { location: `${foreignOrigin}/v1/stolen/${tag}` }).end(envelope([]));
    switch (scenario) {
      case "echomsg":
        return res.writeHead(401, json).end(JSON.stringify({ success: false, error: { code: "unauthorized", message: `Invalid API key: Bearer ${key}`, docs: `https://docs.example/keys?key=${key}` } }));
      case "echocode":
        return res.writeHead(400, json).end(JSON.stringify({ success: false, error: { code: `bad_key_${key}`, message: "m" } }));
      case "echohtml":
        // The key straddles where an excerpt of the body is cut.
        return res.writeHead(502, { "content-type": "text/html" }).end(`<p>${"x".repeat(30)} ${key} went nowhere</p>`);
      case "echoct":
        return res.writeHead(200, { "content-type": `text/plain; key=${key}` }).end(envelope([]));
      case "sseempty":
        if (nth === 1) return res.writeHead(200, sse).end('retry: 0\nid: 1\ndata: {"n":1}\n\nid\ndata: {"n":2}\n\n');
        return res.writeHead(200, sse).write('data: {"n":3}\n\n');
      case "sseutf8":
        if (nth === 1) return res.writeHead(200, sse).end('retry: 0\nid: café😀\uFFFD\ndata: {"n":1}\n\n');
        return res.writeHead(200, sse).write('data: {"n":2}\n\n');
      case "sseopen":
        return res.writeHead(200, sse).write('data: {"n":1}\n\n');
      case "ssecase":
        return res.writeHead(200, { "content-type": "Text/Event-Stream; charset=utf-8" }).end('data: {"n":1}\n\n');
      case "sseprefix":
        return res.writeHead(200, { "content-type": "text/event-streamx" }).end('data: {"n":1}\n\n');
      default:
        return res.writeHead(404, json).end('{"success":false,"error":{"code":"not_found","message":"no such scenario"}}');
    }
  };
  const listen = async (server) => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    return `http://127.0.0.1:${server.address().port}`;
  };
  const servers = [createServer(handle(false)), createServer(handle(true))];
  const origin = await listen(servers[0]);
  foreignOrigin = await listen(servers[1]);
  return {
    origin,
    foreignOrigin,
    close() {
      for (const server of servers) {
        server.close();
        server.closeAllConnections();
      }
    },
  };
}
