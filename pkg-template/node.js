// Node, Deno and Bun: the bytes sit next to this module on disk.
import { readFileSync } from "node:fs";
import { initSync } from "./capx.js";

initSync({ module: readFileSync(new URL("./capx_bg.wasm", import.meta.url)) });

export * from "./capx.js";
