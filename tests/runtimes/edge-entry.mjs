// Bundled to a script for Vercel's edge-runtime, which evaluates scripts, not modules.
import * as capx from "../../pkg/workerd.js";
import { run, ok } from "../suites/harness.mjs";
import { coreCases } from "../suites/core.mjs";
import { clientCases } from "../suites/client.mjs";
import { surfaceCases } from "../suites/surface.mjs";
import { edgeCases } from "../suites/edge.mjs";
import { proxyAttackCases } from "../suites/proxy-attacks.mjs";
import { hostileCases } from "../suites/hostile.mjs";

const smoke = new Set(["companies: create, get, list, pause, resume", "drop after commit on create: the retry is replayed, exactly one task exists"]);
globalThis.__runSuites = () => run([
  ...coreCases(capx, { HeadersClass: Headers }),
  // What js/timers.js reads to keep each attempt's deadline its own here (shareDeadlines).
  ["the runtime names itself, so calls keep deadlines of their own", () => ok(typeof EdgeRuntime === "string", typeof EdgeRuntime)],
  ...(globalThis.CAPX_MOCK_ORIGIN ? clientCases(capx, { mockOrigin: globalThis.CAPX_MOCK_ORIGIN }).filter(([n]) => smoke.has(n)) : []),
  ...(globalThis.CAPX_MOCK_ORIGIN ? surfaceCases(capx, { mockOrigin: globalThis.CAPX_MOCK_ORIGIN }) : []),
  ...(globalThis.CAPX_MOCK_ORIGIN ? edgeCases(capx, { mockOrigin: globalThis.CAPX_MOCK_ORIGIN }) : []),
  ...(globalThis.CAPX_MOCK_ORIGIN
    ? proxyAttackCases(capx, { mockOrigin: globalThis.CAPX_MOCK_ORIGIN, hostileOrigin: globalThis.HOSTILE_ORIGIN, otherOrigin: globalThis.OTHER_ORIGIN })
    : []),
  ...hostileCases(capx, { hostileOrigin: globalThis.CLIENT_HOSTILE_ORIGIN, foreignOrigin: globalThis.CLIENT_FOREIGN_ORIGIN }),
]);
