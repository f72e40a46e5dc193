// The ecosystem tests: each project under ecosystem-tests/ is a small consumer of capx as a
// user would build it, with its tool's default configuration, installing capx by name from
// a local registry into which this run publishes pkg/.
//   node ecosystem-tests/run.mjs [name ...]    (names as printed, e.g. vercel-edge:next16)
// Needs pkg/ built, target/release/capx-mock and scripts/build-mock-npm.sh's packages. Caches
// installs under $CAPX_CACHE (default ~/.cache/capx)/ecosystem; the first run downloads the tools, later runs do not.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { lock } from "./lib/lock.mjs";
import { quickstart } from "./lib/readme.mjs";
import { mockPackages, publishMockPackages } from "./lib/mock-packages.mjs";
import { startRegistry } from "./lib/registry.mjs";
import { run, start } from "./lib/exec.mjs";
import { withoutRust } from "./lib/without-rust.mjs";
import { PROJECTS } from "./projects.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const cache = join(process.env.CAPX_CACHE ?? join(homedir(), ".cache/capx"), "ecosystem");
mkdirSync(cache, { recursive: true });

const wanted = process.argv.slice(2);
const chosen = PROJECTS.filter((p) => wanted.length === 0 || wanted.some((w) => p.name === w || p.name.startsWith(`${w}:`)));
if (chosen.length === 0) {
  console.error(`no project named ${wanted.join(", ")}; there are: ${PROJECTS.map((p) => p.name).join(", ")}`);
  process.exit(2);
}

const unlock = await lock(cache);
const registry = await startRegistry(cache);
const mock = start(join(root, "target/release/capx-mock"), ["--host", "127.0.0.1", "--port", "0", "--open-keys", "enterprise", "--heartbeat-ms", "100", "--fail-rate", "0", "--keepalive-ms", "1000", "--quiet"], {
  cwd: root,
  pattern: /capx-mock listening on (\S+)/,
});
let passed = 0;
const failures = [];
try {
  await registry.publish(join(root, "pkg"));
  await publishMockPackages(registry, root);
  const [, mockOrigin] = await mock.ready;
  for (const project of chosen) {
    console.log(`\n== ecosystem: ${project.name}`);
    const began = Date.now();
    try {
      await runProject(project, { registry: registry.url, mockOrigin });
      passed += 1;
      console.log(`ok - ecosystem ${project.name} (${((Date.now() - began) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failures.push(project.name);
      console.log(`not ok - ecosystem ${project.name}: ${e.message}`);
    }
  }
} finally {
  mock.stop();
  await registry.close();
  unlock();
}
for (const name of failures) console.log(`FAILED: ecosystem ${name}`);
console.log(`ecosystem: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);

/** Copies the project into its own work folder (keeping node_modules from the last run), installs, tests. */
async function runProject(project, { registry: registryUrl, mockOrigin }) {
  const work = join(cache, "work", project.name.replace(":", "-"));
  mkdirSync(work, { recursive: true });
  // What the last run copied or built goes; its node_modules, but for our packages, stays.
  for (const entry of readdirSync(work)) if (entry !== "node_modules") rmSync(join(work, entry), { recursive: true, force: true });
  for (const stale of ["capx", ...mockPackages(root), ".package-lock.json"]) rmSync(join(work, "node_modules", stale), { recursive: true, force: true });
  for (const dir of [project.base, project.dir]) if (dir) cpSync(join(here, dir), work, { recursive: true });
  mkdirSync(join(work, "src"), { recursive: true });
  cpSync(join(here, "lib/flow.ts"), join(work, "src/flow.ts"));
  for (const helper of project.helpers ?? []) cpSync(join(here, "lib", helper), join(work, helper));
  if (project.versions) {
    const manifest = JSON.parse(readFileSync(join(work, "package.json"), "utf8"));
    for (const [name, version] of Object.entries(project.versions)) {
      const field = manifest.dependencies?.[name] ? "dependencies" : "devDependencies";
      manifest[field][name] = version;
    }
    writeFileSync(join(work, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  }
  writeFileSync(join(work, ".npmrc"), `registry=${registryUrl}\n`);

  const nodeBin = project.node ? join(root, `node_modules/node${project.node}/bin`) : dirname(process.execPath);
  // The project's own tools first, then its Node, then the workspace's (deno, bun).
  const path = [join(work, "node_modules/.bin"), nodeBin, process.env.PATH, join(root, "node_modules/.bin")].join(":");
  const env = {
    ...process.env,
    PATH: project.withoutRust ? withoutRust(path) : path,
    npm_config_registry: registryUrl,
    NPM_CONFIG_REGISTRY: registryUrl,
    // Deno and Bun keep their own caches, where an older capx of the same version would win.
    DENO_DIR: join(work, ".deno"),
    BUN_INSTALL_CACHE_DIR: join(work, ".bun-cache"),
    NEXT_TELEMETRY_DISABLED: "1",
    WRANGLER_SEND_METRICS: "false",
    CAPX_API_KEY: `capx_sk_test_eco${project.name.replace(/[^a-z0-9]/gi, "")}${Date.now()}`,
    CAPX_BASE_URL: `${mockOrigin}/v1`,
    CAPX_MOCK_ORIGIN: mockOrigin,
    CAPX_ECOSYSTEM_VARIANT: project.variant ?? "",
    CHROMIUM_PATH: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  };
  if (project.install !== false) await run("npm", ["install", "--prefer-online", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: work, env });
  for (const [file, runtime] of Object.entries(project.quickstarts ?? {})) {
    mkdirSync(dirname(join(work, file)), { recursive: true });
    writeFileSync(join(work, file), quickstart(join(work, "node_modules/capx/README.md"), runtime));
  }
  await run(...(project.test ?? ["npm", ["test", "--silent"]]), { cwd: work, env });
}
