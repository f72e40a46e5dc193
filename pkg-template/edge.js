// Vercel Edge (Next.js): `?module` is how Next and Turbopack hand an edge function a
// compiled module, since the edge forbids compiling bytes at run time.
import wasm from "./capx_bg.wasm?module";
import { initSync } from "./capx.js";

// Next compiles the module outside its edge sandbox, so it belongs to another realm and
// fails the `instanceof WebAssembly.Module` that initSync makes; it would then try to
// compile the module again. Adopting this realm's prototype keeps the same module.
if (!(wasm instanceof WebAssembly.Module) && Object.prototype.toString.call(wasm) === "[object WebAssembly.Module]") {
  Object.setPrototypeOf(wasm, WebAssembly.Module.prototype);
}
initSync({ module: wasm });

export * from "./capx.js";
