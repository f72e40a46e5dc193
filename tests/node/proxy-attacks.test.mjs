// The edge proxy's attack table (tests/suites/proxy-attacks.mjs) over both of capx's Node
// transports, and what only Node can show: createEdgeHandler behind a real node:http
// server under concurrent oversized bodies, and wasm memory staying flat while a large
// allowed body goes through.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, request as httpRequest } from "node:http";
import { Readable } from "node:stream";
import { once } from "node:events";
import * as capx from "capx";
import { startHostile } from "../fixtures/hostile-upstream.mjs";
import { proxyAttackCases } from "../suites/proxy-attacks.mjs";

const { Capx, createEdgeHandler } = capx;
const mockOrigin = process.env.CAPX_MOCK_ORIGIN;
const skip = !mockOrigin && "CAPX_MOCK_ORIGIN is not set";
let hostile;
before(async () => (hostile = await startHostile()));
after(() => hostile.close());

// The same module instance the package entry initialised (the Node glue beside whichever
// build `capx` resolves to): initSync hands back its exports, whose names are minified; the
// memory is the one that is a WebAssembly.Memory.
const { initSync } = await import(new URL("./capx-node.js", import.meta.resolve("capx")));
const wasmMemory = Object.values(initSync({ module: new Uint8Array(0) })).find((v) => v instanceof WebAssembly.Memory);
const memory = () => wasmMemory.buffer.byteLength;
// Wasm memory never shrinks: what the instance ever held, it still has. 16 MiB is far above
// what this file's work needs and far below any of its bodies.
const flat = (start) => assert.ok(memory() - start <= 1 << 20 && memory() < 16 << 20, `wasm memory grew from ${start} to ${memory()} bytes`);

for (const [transport, clientOptions] of [["node:http", {}], ["fetch", { fetch: (...args) => fetch(...args) }]]) {
  const options = () => ({ mockOrigin, hostileOrigin: hostile.origin, otherOrigin: hostile.otherOrigin, clientOptions });
  // The cases are made once the hostile upstream listens; their names are fixed.
  for (const [i, [name]] of proxyAttackCases(capx, { clientOptions }).entries()) {
    test(`proxy attacks over ${transport}: ${name}`, { skip }, () => proxyAttackCases(capx, options())[i][1]());
  }
}

// createEdgeHandler as a node:http server runs it: the request's body as a web stream.
async function serveHandler(handler) {
  const server = createServer(async (req, res) => {
    const body = req.method === "GET" ? undefined : Readable.toWeb(req);
    const response = await handler(new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers: req.headers, body, duplex: "half" }));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
    // What a server does after answering early: drop the rest of the upload.
    if (!req.complete) req.destroy();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return server;
}

// Sends `total` bytes in 1 MiB chunks (with a Content-Length, or chunked), stopping as soon
// as the answer arrives; resolves to its status.
function upload(port, total, { declared }) {
  return new Promise((resolve, reject) => {
    const headers = { "content-type": "application/json", origin: `http://127.0.0.1:${port}` };
    if (declared) headers["content-length"] = String(total);
    const req = httpRequest({ port, host: "127.0.0.1", method: "POST", path: "/api/companies/co_1/tasks/t_1/approve", headers }, (res) => {
      res.resume();
      answered = true;
      resolve(res.statusCode);
      req.destroy();
    });
    let answered = false;
    let sent = 0;
    const chunk = Buffer.alloc(1 << 20, 32);
    const more = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return req.once("drain", more);
      }
      if (!answered) req.end();
    };
    req.on("error", (e) => (answered ? undefined : reject(e)));
    more();
  });
}

test("16 concurrent oversized uploads to a node:http server get 413, and the instance keeps serving", { skip }, async () => {
  const client = new Capx({ apiKey: "capx_sk_test_uploads", baseUrl: `${mockOrigin}/v1`, maxRetries: 0 });
  const server = await serveHandler(createEdgeHandler(client, { prefix: "/api" }));
  const { port } = server.address();
  try {
    const start = memory();
    const statuses = await Promise.all(
      Array.from({ length: 16 }, (_, i) => upload(port, 150 << 20, { declared: i % 2 === 0 })),
    );
    assert.deepEqual(statuses, Array(16).fill(413));
    flat(start);
    const res = await fetch(`http://127.0.0.1:${port}/api/companies`);
    assert.equal(res.status, 200, "still serving");
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test("a 64 MiB body allowed through never enters wasm memory", { skip }, async () => {
  const client = new Capx({ apiKey: "capx_sk_test_bigbody", baseUrl: `${hostile.origin}/v1`, maxRetries: 0 });
  const handler = createEdgeHandler(client, { prefix: "/api", maxBodyBytes: 64 << 20, allow: ["POST /companies/:id/tasks"] });
  const body = new Uint8Array(64 << 20).fill(32);
  const start = memory();
  const res = await handler(new Request("http://edge.test/api/companies/anything/tasks", { method: "POST", headers: { origin: "http://edge.test" }, body }));
  assert.equal(res.status, 404, "relayed: the hostile upstream knows no such mode");
  flat(start);
});

test("free() zeroes the key in wasm memory, also behind a proxy made from the client", () => {
  const key = `capx_sk_test_wipe${Math.random().toString(36).slice(2)}`;
  const bytes = new TextEncoder().encode(key);
  const copies = () => {
    const heap = new Uint8Array(wasmMemory.buffer);
    let found = 0;
    for (let at = heap.indexOf(bytes[0]); at >= 0; at = heap.indexOf(bytes[0], at + 1)) {
      if (bytes.every((b, i) => heap[at + i] === b)) found++;
    }
    return found;
  };
  const client = new Capx({ apiKey: key, baseUrl: "http://127.0.0.1:9/v1" });
  assert.equal(copies(), 1, "one copy while the client lives: those made for its headers are zeroed");
  createEdgeHandler(client, { prefix: "/api" });
  client.free();
  assert.equal(copies(), 0, "none after free()");
});
