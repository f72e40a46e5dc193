// Runs the shared suites against whichever build of "capx" the runtime's export condition
// picks, and prints a closing "N passed, N failed" line. Used by Deno and Bun as a script.
import * as capx from "capx";
import { run, summary } from "../suites/harness.mjs";
import { coreCases } from "../suites/core.mjs";
import { clientCases } from "../suites/client.mjs";
import { surfaceCases } from "../suites/surface.mjs";

const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : globalThis.Bun ? `bun ${Bun.version}` : "unknown";
const mockOrigin = globalThis.Deno ? Deno.env.get("CAPX_MOCK_ORIGIN") : process.env.CAPX_MOCK_ORIGIN;
// A smoke test of the client here; the full client suite runs in Node, workerd and Chromium.
const smoke = new Set(["companies: create, get, list, pause, resume", "a 500 then success: the same Idempotency-Key on both attempts, one task", "iterate follows cursors over 230 tasks with no gaps or duplicates"]);
const cases = [
  ...coreCases(capx, { HeadersClass: Headers }),
  ...(mockOrigin ? clientCases(capx, { mockOrigin }).filter(([name]) => smoke.has(name)) : []),
  ...(mockOrigin ? surfaceCases(capx, { mockOrigin }) : []),
];
const results = await run(cases, (line) => console.log(line));
console.log(summary(runtime, results));
if (results.some((r) => !r.ok)) (globalThis.Deno ?? process).exit(1);
