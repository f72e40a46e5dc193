// The matrix: one entry per project and tool version. `dir` is the project folder, `versions`
// overrides its dependencies' versions, `variant` reaches its scripts as CAPX_ECOSYSTEM_VARIANT, and
// `node` picks Node 22 or 24 (from the workspace's node22/node24 packages) over the current one.
// `command` replaces `npm install` and `npm test`, for a project that installs capx itself;
// `quickstarts` writes the README's quickstart for a runtime into the project before its test.
const nextEdge = { dir: "vercel-edge", quickstarts: { "app/api/quickstart/route.ts": "Vercel Edge" } };

export const PROJECTS = [
  { name: "node-ts-esm", dir: "node-ts-esm", quickstarts: { "src/quickstart.ts": "Node" } },
  { name: "node-ts-cjs", dir: "node-ts-cjs" },
  { name: "ts-min", dir: "ts-min" },
  { name: "node-bundled", dir: "node-bundled" },
  { name: "deno", dir: "deno", command: ["deno", ["task", "test"]] },
  { name: "bun", dir: "bun", command: ["npm", ["test", "--silent"]] },
  { name: "cloudflare-worker", dir: "cloudflare-worker", node: "22", quickstarts: { "src/quickstart.ts": "Cloudflare Workers" } },
  { name: "vercel-edge:next15", ...nextEdge, versions: { next: "15.5.29" } },
  { name: "vercel-edge:next16", ...nextEdge, versions: { next: "16.5.0" } },
  { name: "vercel-edge:next16-webpack", ...nextEdge, versions: { next: "16.5.0" }, variant: "webpack" },
  { name: "browser:vite5", dir: "browser", versions: { vite: "5.4.9" }, variant: "vite" },
  { name: "browser:vite6", dir: "browser", versions: { vite: "6.4.6" }, variant: "vite" },
  { name: "browser:vite8", dir: "browser", versions: { vite: "8.4.1" }, variant: "vite" },
  { name: "browser:webpack5", dir: "browser", variant: "webpack" },
];
