// capx's own transport on Node (js/node_http.js), against real servers on 127.0.0.1: what
// fetch would do for a caller that node:http leaves to its user (decompressing, UTF-8 across
// chunks, Content-Length), what it must not do (follow a redirect elsewhere with the key),
// and that a timeout or an abort closes the connection rather than leaving it running.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { once } from "node:events";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { Capx, CapxError } from "capx";

const apiKey = "capx_sk_test_nodehttp";
const json = { "content-type": "application/json" };
const envelope = (data) => JSON.stringify({ success: true, data, meta: { credits_used: 1, credits_remaining: 9 } });

// A server answering with `handle`, and a client of it; `t.after` closes both.
async function serve(t, handle, options = {}) {
  const server = createServer(handle).listen(0, "127.0.0.1");
  await once(server, "listening");
  t.after(() => {
    server.close();
    server.closeAllConnections();
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { server, origin, capx: new Capx({ apiKey, baseUrl: `${origin}/v1`, maxRetries: 0, ...options }) };
}

// How the connection of the last request ended: resolves once the server sees it closed.
function closedSocket(server) {
  return new Promise((resolve) => server.once("request", (req) => req.socket.once("close", resolve)));
}

async function rejection(promise) {
  const e = await promise.then(() => assert.fail("resolved"), (e) => e);
  assert.ok(e instanceof CapxError, `${e?.name}: ${e?.message}`);
  return e;
}

test("a client without a fetch of its own uses node:http and keeps its connection; one given fetch uses that", async (t) => {
  const seen = [];
  let connections = 0;
  const { server, origin } = await serve(t, (req, res) => {
    seen.push(req.headers["sec-fetch-mode"] ?? "none");
    res.writeHead(200, json).end(envelope({ id: "co_1" }));
  });
  server.on("connection", () => connections++);
  const own = new Capx({ apiKey, baseUrl: `${origin}/v1` });
  for (let i = 0; i < 10; i++) await own.companies.get("co_1");
  assert.deepEqual(seen, Array(10).fill("none"), "undici's fetch sends Sec-Fetch-Mode; node:http does not");
  assert.equal(connections, 1, "one kept-alive connection for ten requests in a row");
  const viaFetch = new Capx({ apiKey, baseUrl: `${origin}/v1`, fetch: (...args) => fetch(...args) });
  await viaFetch.companies.get("co_1");
  assert.equal(seen.at(-1), "cors");
});

test("compressed bodies are decoded as fetch decodes them; an unknown coding is left as it came", async (t) => {
  const body = Buffer.from(envelope({ id: "co_1", name: "Compressed é" }));
  const encodings = {
    gzip: zlib.gzipSync(body),
    "x-gzip": zlib.gzipSync(body),
    deflate: zlib.deflateSync(body),
    br: zlib.brotliCompressSync(body),
    "gzip, br": zlib.brotliCompressSync(zlib.gzipSync(body)),
    "GZIP , identity": zlib.gzipSync(body),
    "x-unknown": body,
    // Named like an Object property: unknown all the same.
    constructor: body,
  };
  const { capx } = await serve(t, (req, res) => {
    const coding = Object.keys(encodings)[Number(req.url.split("/").pop())];
    res.writeHead(200, { ...json, "content-encoding": coding }).end(encodings[coding]);
  });
  for (const [i, coding] of Object.keys(encodings).entries()) {
    const { data } = await capx.companies.get(String(i));
    assert.equal(data.name, "Compressed é", coding);
  }
});

test("UTF-8 split across chunks arrives whole; a JSON body goes out with its byte length, not chunked", async (t) => {
  const name = "Société 😀 株式会社";
  let received = null;
  const { capx } = await serve(t, async (req, res) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    received = { length: req.headers["content-length"], chunked: req.headers["transfer-encoding"], text };
    const bytes = Buffer.from(envelope({ id: "co_1", name }));
    res.writeHead(200, json);
    // One byte at a time: every multi-byte character is cut.
    for (const byte of bytes) {
      res.write(Buffer.of(byte));
      await new Promise((resolve) => setImmediate(resolve));
    }
    res.end();
  });
  const { data } = await capx.companies.create({ name });
  assert.equal(data.name, name);
  assert.equal(JSON.parse(received.text).name, name);
  assert.equal(received.length, String(Buffer.byteLength(received.text)));
  assert.equal(received.chunked, undefined);
});

test("a redirect is not followed: the key goes to the configured base URL only", async (t) => {
  let elsewhere = 0;
  const other = await serve(t, (req, res) => {
    elsewhere++;
    res.writeHead(200, json).end(envelope({ id: "co_1" }));
  });
  for (const status of [301, 302, 307, 308]) {
    const { capx } = await serve(t, (req, res) => res.writeHead(status, { location: `${other.origin}/v1/companies/co_1` }).end());
    const e = await rejection(capx.companies.get("co_1"));
    assert.equal(e.status, status);
    assert.equal(e.code, "invalid_response");
  }
  assert.equal(elsewhere, 0);
});

test("a timeout and an abort each close the connection of the request they end", async (t) => {
  const { server, capx } = await serve(t, () => {}, { timeoutMs: 200 });
  let closed = closedSocket(server);
  const e = await rejection(capx.companies.get("co_1"));
  assert.equal(e.code, "timeout");
  await closed;

  closed = closedSocket(server);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  const aborted = await rejection(capx.companies.get("co_1", { signal: controller.signal, timeoutMs: 10_000 }));
  assert.equal(aborted.code, "aborted");
  await closed;
});

test("a base URL Node cannot parse is a connection_error, as over fetch, and the instance keeps working", async (t) => {
  for (const options of [{}, { fetch: (...args) => fetch(...args) }]) {
    const capx = new Capx({ apiKey, baseUrl: "http://[::1/v1", maxRetries: 0, ...options });
    const e = await rejection(capx.companies.get("co_1"));
    assert.equal(e.code, "connection_error");
  }
  const { capx } = await serve(t, (req, res) => res.writeHead(200, json).end(envelope({ id: "co_1" })));
  assert.equal((await capx.companies.get("co_1")).data.id, "co_1");
});

test("a connection refused is a retryable connection_error that names the cause", async (t) => {
  const { server, capx } = await serve(t, () => {});
  await new Promise((resolve) => server.close(resolve));
  const e = await rejection(capx.companies.get("co_1"));
  assert.equal(e.code, "connection_error");
  assert.equal(e.retryable, true);
  assert.match(e.message, /ECONNREFUSED/);
});

test("over HTTPS: TLS through node:https, compression asked for as fetch asks", async (t) => {
  const fixtures = new URL("../fixtures/", import.meta.url);
  let acceptEncoding = null;
  const server = createTlsServer(
    { cert: readFileSync(new URL("localhost-cert.pem", fixtures)), key: readFileSync(new URL("localhost-key.pem", fixtures)) },
    (req, res) => {
      acceptEncoding = req.headers["accept-encoding"];
      res.writeHead(200, { ...json, "content-encoding": "br" }).end(zlib.brotliCompressSync(envelope({ id: "co_tls" })));
    },
  ).listen(0, "127.0.0.1");
  await once(server, "listening");
  t.after(() => server.close());
  // The test certificate is trusted by a process started with it, as NODE_EXTRA_CA_CERTS
  // is read at start only.
  const child = `import { Capx } from "capx";
    const capx = new Capx({ apiKey: "${apiKey}", baseUrl: "https://127.0.0.1:${server.address().port}/v1" });
    console.log((await capx.companies.get("co_tls")).data.id);`;
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", child], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: new URL("localhost-cert.pem", fixtures).pathname },
  });
  assert.equal(stdout.trim(), "co_tls");
  assert.equal(acceptEncoding, "br, gzip, deflate");
});
