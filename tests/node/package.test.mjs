// The built package in Node 20, through its "node" export condition, with node:test.
import { test } from "node:test";
import { inspect } from "node:util";
import * as capx from "capx";
import { coreCases } from "../suites/core.mjs";
import { clientCases, guardCases } from "../suites/client.mjs";
import { streamCases } from "../suites/stream.mjs";
import { surfaceCases } from "../suites/surface.mjs";
import { edgeCases } from "../suites/edge.mjs";
import { hostileCases } from "../suites/hostile.mjs";
import { startMisbehaving } from "../runtimes/hostile-server.mjs";

const mockOrigin = process.env.CAPX_MOCK_ORIGIN;

for (const [name, fn] of coreCases(capx, { HeadersClass: Headers })) test(`core: ${name}`, fn);
for (const [name, fn] of guardCases(capx)) test(`guard: ${name}`, fn);
const withMock = [
  ...clientCases(capx, { mockOrigin, nodeInspect: (v) => inspect(v, { showHidden: true, depth: 5 }) }).map(([n, f]) => [`client: ${n}`, f]),
  // capx's own transport on Node is node:http; a client given a fetch takes the other path.
  ...clientCases(capx, { mockOrigin, clientOptions: { fetch: (...args) => fetch(...args) } }).map(([n, f]) => [`client over fetch: ${n}`, f]),
  ...streamCases(capx, { mockOrigin }).map(([n, f]) => [`stream: ${n}`, f]),
  ...surfaceCases(capx, { mockOrigin }).map(([n, f]) => [`surface: ${n}`, f]),
  ...surfaceCases(capx, { mockOrigin, clientOptions: { fetch: (...args) => fetch(...args) } }).map(([n, f]) => [`surface over fetch: ${n}`, f]),
  ...edgeCases(capx, { mockOrigin }).map(([n, f]) => [`edge: ${n}`, f]),
];
for (const [name, fn] of withMock) test(name, { skip: !mockOrigin && "CAPX_MOCK_ORIGIN is not set" }, fn);

// A server that redirects, echoes the key and scripts event streams: over node:http and fetch.
const hostile = await startMisbehaving();
const nodeInspect = (v) => inspect(v, { showHidden: true, depth: 5 });
const places = { hostileOrigin: hostile.origin, foreignOrigin: hostile.foreignOrigin, nodeInspect };
for (const [name, fn] of hostileCases(capx, places)) test(`hostile: ${name}`, fn);
for (const [name, fn] of hostileCases(capx, { ...places, clientOptions: { fetch: (...args) => fetch(...args) } })) test(`hostile over fetch: ${name}`, fn);
test.after(() => hostile.close());
