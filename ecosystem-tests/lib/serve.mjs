// A project's server for its test (`wrangler dev`, `next start`): copied into the project by
// run.mjs, with exec.mjs. Started on a free port of 127.0.0.1, waited for until its output
// says it is ready, and stopped, with all it started, once `use(origin, log)` settles.
import { createServer } from "node:net";
import { start } from "./exec.mjs";

const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

/** `command(port)` gives `[cmd, args]`; `ready` matches its output once it serves. */
export async function withServer(command, ready, use) {
  const port = await freePort();
  const [cmd, args] = command(port);
  const server = start(cmd, args, { pattern: ready, timeoutMs: 90_000 });
  try {
    await server.ready;
    await use(`http://127.0.0.1:${port}`, server.output);
  } finally {
    server.stop();
  }
}

/** `wrangler dev` on `script` (the project's main when null) with capx's env vars. */
export function withDev(script, use) {
  const { CAPX_API_KEY, CAPX_BASE_URL } = process.env;
  const vars = ["--var", `CAPX_API_KEY:${CAPX_API_KEY}`, "--var", `CAPX_BASE_URL:${CAPX_BASE_URL}`];
  return withServer((port) => ["wrangler", ["dev", ...(script ? [script] : []), "--ip", "127.0.0.1", "--port", String(port), ...vars]], /Ready on http/, use);
}
