// A Cloudflare Worker that imports the built package (its wasm as a CompiledWasm module,
// as wrangler bundles it) and runs the shared suites inside workerd.
import * as capx from "../../pkg/workerd.js";
import { run, ok } from "../suites/harness.mjs";
import { coreCases } from "../suites/core.mjs";
import { clientCases } from "../suites/client.mjs";
import { streamCases } from "../suites/stream.mjs";
import { surfaceCases } from "../suites/surface.mjs";
import { edgeCases } from "../suites/edge.mjs";
import { proxyAttackCases } from "../suites/proxy-attacks.mjs";
import { hostileCases } from "../suites/hostile.mjs";

export default {
  async fetch(request, env) {
    const suite = new URL(request.url).searchParams.get("suite");
    const mockOrigin = env.CAPX_MOCK_ORIGIN;
    const suites = {
      core: () => [
        ...coreCases(capx, { HeadersClass: Headers }),
        // What js/timers.js reads to keep each attempt's deadline its own here (shareDeadlines).
        ["the runtime names itself, so calls keep deadlines of their own", () => ok(navigator.userAgent === "Cloudflare-Workers", navigator.userAgent)],
      ],
      client: () => clientCases(capx, { mockOrigin }),
      stream: () => streamCases(capx, { mockOrigin }),
      surface: () => surfaceCases(capx, { mockOrigin }),
      edge: () => edgeCases(capx, { mockOrigin }),
      "proxy-attacks": () => proxyAttackCases(capx, { mockOrigin, hostileOrigin: env.HOSTILE_ORIGIN, otherOrigin: env.OTHER_ORIGIN }),
      hostile: () => hostileCases(capx, { hostileOrigin: env.CLIENT_HOSTILE_ORIGIN, foreignOrigin: env.CLIENT_FOREIGN_ORIGIN }),
    };
    const cases = suites[suite]();
    return Response.json(await run(cases));
  },
};
