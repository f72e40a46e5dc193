// Node, Deno and Bun. The wasm travels inside this module (wasm-inline.js), so a bundle of
// a Node app (esbuild, tsup, bun build, CommonJS or ESM) carries it with no file to copy.
import { Buffer } from "node:buffer";
import { initSync } from "./capx.js";
import { base64 } from "./wasm-inline.js";

initSync({ module: Buffer.from(base64, "base64") });

export * from "./capx.js";
