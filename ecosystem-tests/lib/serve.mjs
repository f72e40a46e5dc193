// `wrangler dev` for a project's test: copied into the project by run.mjs. Runs `script` (the
// project's main when null) in workerd on a free port with capx's env vars, until
// `use(origin)` settles.
import { spawn } from "node:child_process";
import { createServer } from "node:net";

const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

export async function withDev(script, use) {
  const port = await freePort();
  const { CAPX_API_KEY, CAPX_BASE_URL } = process.env;
  const vars = ["--var", `CAPX_API_KEY:${CAPX_API_KEY}`, "--var", `CAPX_BASE_URL:${CAPX_BASE_URL}`];
  const dev = spawn("wrangler", ["dev", ...(script ? [script] : []), "--ip", "127.0.0.1", "--port", String(port), ...vars], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`wrangler dev did not start:\n${log}`)), 90_000);
      const take = (chunk) => {
        log += chunk;
        if (/Ready on http/.test(log)) resolve(clearTimeout(timer));
      };
      dev.stdout.on("data", take);
      dev.stderr.on("data", take);
      dev.on("close", (code) => reject(new Error(`wrangler dev exited with ${code}:\n${log}`)));
    });
    await use(`http://127.0.0.1:${port}`);
  } finally {
    process.kill(-dev.pid, "SIGKILL");
  }
}
