// The matrix: one entry per project and tool version.
// - `dir`: the project folder, copied over `base` (a folder of the repo it builds on) if given;
// - `versions`: its dependencies' versions, overridden;
// - `variant`: reaches its scripts as CAPX_ECOSYSTEM_VARIANT;
// - `node`: Node 22 or 24 (the workspace's node22/node24 packages) instead of this one;
// - `install: false`: no `npm install` (the project installs capx its own way);
// - `test`: what runs instead of `npm test`;
// - `helpers`: files of lib/ copied into the project;
// - `quickstarts`: the README's quickstart for a runtime, written into the project;
// - `withoutRust`: every directory holding cargo or rustc left out of the project's PATH.
const nextEdge = { dir: "vercel-edge", helpers: ["serve.mjs", "exec.mjs"], quickstarts: { "app/api/quickstart/route.ts": "Vercel Edge" } };

export const PROJECTS = [
  { name: "node-ts-esm", dir: "node-ts-esm", quickstarts: { "src/quickstart.ts": "Node" } },
  { name: "node-ts-cjs", dir: "node-ts-cjs" },
  { name: "ts-min", dir: "ts-min" },
  { name: "node-bundled", dir: "node-bundled" },
  { name: "deno", dir: "deno", install: false, test: ["deno", ["task", "test"]] },
  { name: "bun", dir: "bun", install: false },
  { name: "cloudflare-worker", dir: "cloudflare-worker", node: "22", helpers: ["serve.mjs", "exec.mjs"], quickstarts: { "src/quickstart.ts": "Cloudflare Workers" } },
  { name: "demo-board", dir: "demo-board", base: "../www", node: "22", helpers: ["serve.mjs", "exec.mjs"], test: ["node", ["test.mjs"]] },
  { name: "vercel-edge:next15", ...nextEdge, versions: { next: "15.5.29" } },
  { name: "vercel-edge:next16", ...nextEdge, versions: { next: "16.5.0" } },
  { name: "vercel-edge:next16-webpack", ...nextEdge, versions: { next: "16.5.0" }, variant: "webpack" },
  { name: "browser:vite5", dir: "browser", versions: { vite: "5.4.9" }, variant: "vite" },
  { name: "browser:vite6", dir: "browser", versions: { vite: "6.4.6" }, variant: "vite" },
  { name: "browser:vite8", dir: "browser", versions: { vite: "8.4.1" }, variant: "vite" },
  { name: "browser:webpack5", dir: "browser", variant: "webpack" },
  {
    name: "playwright-app",
    dir: "playwright-app",
    withoutRust: true,
    quickstarts: { "tests/fixtures.ts": "Playwright", "node-test/mock.test.mjs": "node:test (and Vitest)" },
  },
];
