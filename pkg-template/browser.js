// Browsers and any other ESM host: fetch the module relative to this file.
import init from "./capx.js";

await init({ module_or_path: new URL("./capx_bg.wasm", import.meta.url) });

export * from "./capx.js";
