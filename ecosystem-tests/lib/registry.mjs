// A local npm registry (verdaccio) that serves the capx built into pkg/ by name and proxies
// every other package to the public registry, keeping what it fetched in `storage` so that
// later runs install from disk.
import { createRequire } from "node:module";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "./exec.mjs";

const require = createRequire(import.meta.url);

/** Our own packages: never proxied, replaced by each run's build. */
const OWN = ["capx", "capx-mock", "capx-mock-*"];

export async function startRegistry(cacheDir) {
  const storage = join(cacheDir, "verdaccio-storage");
  mkdirSync(storage, { recursive: true });
  for (const name of readdirSync(storage)) if (name === "capx" || name.startsWith("capx-mock")) rmSync(join(storage, name), { recursive: true, force: true });
  const upstream = (await run("npm", ["config", "get", "registry"], { quiet: true })).trim();
  const own = OWN.map((name) => `  '${name}':\n    access: $all\n    publish: $all\n    unpublish: $all\n`).join("");
  const config = join(cacheDir, "verdaccio.yaml");
  writeFileSync(
    config,
    `storage: ${storage}\nuplinks:\n  npmjs:\n    url: ${upstream}\n    timeout: 120s\n    maxage: 30m\npackages:\n${own}` +
      `  '**':\n    access: $all\n    proxy: npmjs\nlog: { type: stdout, format: pretty, level: fatal }\nmax_body_size: 200mb\n`,
  );
  const { runServer } = require("verdaccio");
  const app = await runServer(config);
  const server = await new Promise((resolve, reject) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s)).on("error", reject);
  });
  const url = `http://127.0.0.1:${server.address().port}/`;
  // npm refuses to publish without some token for the registry; verdaccio lets anyone publish ours.
  const npmrc = join(cacheDir, "publish.npmrc");
  writeFileSync(npmrc, `registry=${url}\n//127.0.0.1:${server.address().port}/:_authToken=local\n`);
  return {
    url,
    publish: (dir) => run("npm", ["publish", "--userconfig", npmrc, "--registry", url, "--ignore-scripts"], { cwd: dir, quiet: true }),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
