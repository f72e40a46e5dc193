// Cloudflare Workers and Vercel Edge: the bundler hands over a compiled module, because
// these runtimes forbid compiling wasm bytes at run time.
import wasm from "./capx_bg.wasm";
import { initSync } from "./capx.js";

initSync({ module: wasm });

export * from "./capx.js";
