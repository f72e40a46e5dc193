// The browser entry, bundled by scripts/build.sh into pkg/browser.js: the build without the
// client, with its wasm inlined (as hex) and compiled as the module loads. No top-level
// await, so bundlers take it with their default targets (Vite 5/6, webpack 5); a wasm this
// small may be compiled synchronously on a page's main thread (Chrome allows up to 8 MB).
// The page's Content-Security-Policy must allow 'wasm-unsafe-eval'.
import { initSync } from "./capx.js";
import hex from "./capx_bg.wasm.hex.js";

// A hex digit's value from its character code ("0"-"9" are 48-57, "a"-"f" 97-102).
const digit = (code) => (code > 57 ? code - 87 : code - 48);
const bytes = new Uint8Array(hex.length / 2);
for (let i = 0; i < bytes.length; i++) bytes[i] = (digit(hex.charCodeAt(2 * i)) << 4) | digit(hex.charCodeAt(2 * i + 1));
initSync({ module: bytes });

export { ActivityFeed, CapxError, canTransition, isTerminalStatus, openActivityFeed, parseEnvelope } from "./capx.js";
