// Node, Deno and Bun, with the glue that holds Node's own transport (capx-node.js). The wasm
// travels inside a module (wasm-inline.js), so a bundle of a Node app (esbuild, tsup, bun
// build, CommonJS or ESM) carries it with no file to copy.
import { Buffer } from "node:buffer";
import { initSync } from "./capx-node.js";
import { base64 } from "./wasm-inline.js";

initSync({ module: Buffer.from(base64, "base64") });

export * from "./capx-node.js";
