#!/usr/bin/env bash
# Builds the npm package into pkg/: the size-tuned wasm, its wasm-bindgen glue, and the
# per-runtime entry files from pkg-template/. Prints the package size.
set -euo pipefail
cd "$(dirname "$0")/.."
WB_BIN=$(scripts/setup.sh "$@" | tail -n 1)

# Size first: std rebuilt with panics as bare traps (no formatting machinery, no panic
# messages or locations in the binary) saves 15 % of the gzipped wasm. These are nightly
# flags, enabled on the pinned stable toolchain by RUSTC_BOOTSTRAP for this one build only;
# the package never panics by design (see the clippy lints), so nothing is lost.
# SIMD: every runtime capx supports has had wasm's 128-bit SIMD since 2021-2023 (V8 9.1,
# Safari 16.4); the event-stream decoder finds line ends sixteen bytes at a time with it.
RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Ctarget-feature=+simd128 -Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none" \
  cargo build --lib --target wasm32-unknown-unknown --profile wasm -Z build-std=std,panic_abort
rm -rf pkg
"$WB_BIN/wasm-bindgen" target/wasm32-unknown-unknown/wasm/capx.wasm \
  --out-dir pkg --out-name capx --target web --omit-default-module-path --encode-into always --remove-name-section --remove-producers-section
# npm's binaryen, not Debian's v108, which silently breaks the externref table.
node_modules/.bin/wasm-opt -Oz --enable-reference-types --enable-bulk-memory --enable-sign-ext \
  --enable-nontrapping-float-to-int --enable-mutable-globals --enable-multivalue --enable-simd \
  --strip-target-features --converge pkg/capx_bg.wasm -o pkg/capx_bg.wasm
node scripts/minify-names.mjs pkg/capx_bg.wasm pkg/capx.js

# What the package adds to the glue, in the same module (one file less to load at start):
# the error class, and what `${capx}` shows, built from toJSON, which has no key to show.
runtime=$(cd pkg && ls snippets/*/js/runtime.js)
cat >> pkg/capx.js <<JS
export { CapxError } from "./$runtime";
Capx.prototype.toString = function () {
  return \`Capx { baseUrl: "\${this.toJSON().baseUrl}", apiKey: [redacted] }\`;
};
JS

# The glue and runtime.js become one minified module (its exports and the .d.ts stay as they
# are): one module less to resolve and load at start. Short lines: Node prints the source
# line of an uncaught error, and it should not be 19 KB long.
node_modules/.bin/esbuild pkg/capx.js --bundle --minify --line-limit=1000 --format=esm --log-level=error \
  --allow-overwrite --outfile=pkg/capx.js
rm -r pkg/snippets

cp pkg-template/* README.md LICENSE pkg/
# Node, Deno and Bun take the wasm from inside a module (see pkg-template/node.js).
printf 'export const base64 = "%s";\n' "$(base64 -w0 pkg/capx_bg.wasm)" > pkg/wasm-inline.js

# The public types: everything wasm-bindgen generated except the instantiation plumbing
# (InitInput/InitOutput type the raw wasm exports with `any`; the entry files do that job).
# The classes declare [Symbol.dispose]: make that resolve under any `lib` setting.
{ echo '/// <reference lib="esnext.disposable" />'; sed '/^export type InitInput/,$d' pkg/capx.d.ts; } > pkg/index.d.ts
# TypeScript before 5.2 has no `esnext.disposable` lib: the same types without `[Symbol.dispose]`
# (`free()` does the same), chosen by the `types@<5.2` condition and `typesVersions`.
mkdir -p pkg/ts5.0
grep -v -e '^/// <reference lib="esnext.disposable" />' -e '^ *\[Symbol.dispose\](): void;$' pkg/index.d.ts > pkg/ts5.0/index.d.ts
# wasm-bindgen's own declarations name the wasm exports as they were before minify-names.
rm pkg/capx.d.ts pkg/capx_bg.wasm.d.ts
if grep -v '^\s*/\?\*' pkg/index.d.ts | grep -w any; then
  echo "[build] error: 'any' in the public .d.ts" >&2
  exit 1
fi

# Everything a Worker loads, each file compressed on its own as a server would send it.
worker_files=(pkg/capx_bg.wasm pkg/capx.js pkg/workerd.js)
raw=$(cat "${worker_files[@]}" | wc -c)
gz=$(for f in "${worker_files[@]}"; do gzip -9nc "$f"; done | wc -c)
echo "[build] pkg/: what a Worker loads (wasm + glue) = $raw bytes raw, $gz bytes gzip (wasm alone $(wc -c < pkg/capx_bg.wasm) raw, $(gzip -9nc pkg/capx_bg.wasm | wc -c) gzip)" >&2
