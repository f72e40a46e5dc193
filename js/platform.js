// Which runtime this is, read once: the transport, the deadlines, the header encoding and
// the browser-page check each depend on it.

const g = globalThis;

// Cloudflare Workers (workerd), which names itself so.
export const onWorkers = g.navigator?.userAgent === "Cloudflare-Workers";

// Vercel Edge (and edge-runtime).
export const onEdgeRuntime = g.EdgeRuntime !== undefined;

// Node itself, with node:http at hand. Deno and Bun emulate node:http on top of their own
// fetch, which is fast: they keep fetch. So do Workers with nodejs_compat and Vercel Edge.
// Node before 20.16 has no getBuiltinModule, and an `import "node:http"` would break every
// bundler for the web.
export const onNode =
  g.Deno === undefined && g.Bun === undefined && !onEdgeRuntime && !onWorkers && typeof g.process?.getBuiltinModule === "function";

// workerd writes a header string as its UTF-8 bytes; Node, Deno, Bun and browsers write one
// byte per character, as the Fetch standard says (tests/suites/hostile.mjs checks both).
export function headersAreUtf8() {
  return onWorkers;
}

// A browser page, where a secret key would reach every visitor: plain globals only (no
// `instanceof Window`), minus the server runtimes that define some of them too.
export function looksLikeBrowserPage() {
  if (g.window === undefined || g.document === undefined) return false;
  const server = onWorkers || g.process?.versions?.node !== undefined;
  return !(server || g.Deno !== undefined || g.Bun !== undefined);
}

// `new Capx()` without apiKey or baseUrl reads them here, as openai-node reads OPENAI_API_KEY.
// Deno without --allow-env throws on the read: that is no environment.
export function envVar(name) {
  try {
    const value = g.process?.env?.[name];
    return typeof value === "string" && value !== "" ? value : undefined;
  } catch {
    return undefined;
  }
}
