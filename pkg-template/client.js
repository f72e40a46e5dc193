// `capx/client`: the whole client in a browser page, for `dangerouslyAllowBrowser` users:
// fetches the wasm relative to this file.
import init from "./capx.js";

await init({ module_or_path: new URL("./capx_bg.wasm", import.meta.url) });

export * from "./capx.js";
