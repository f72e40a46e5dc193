#!/usr/bin/env bash
# Builds the npm package into pkg/: the size-tuned wasm, its wasm-bindgen glue, and the
# per-runtime entry files from pkg-template/. Prints the package size.
set -euo pipefail
cd "$(dirname "$0")/.."
WB_BIN=$(scripts/setup.sh "$@" | tail -n 1)

cargo build --lib --target wasm32-unknown-unknown --profile wasm
rm -rf pkg
"$WB_BIN/wasm-bindgen" target/wasm32-unknown-unknown/wasm/capx.wasm \
  --out-dir pkg --out-name capx --target web --remove-name-section --remove-producers-section
# npm's binaryen, not Debian's v108, which silently breaks the externref table.
node_modules/.bin/wasm-opt -Oz --enable-reference-types --enable-bulk-memory --enable-sign-ext \
  --enable-nontrapping-float-to-int --enable-mutable-globals --enable-multivalue \
  pkg/capx_bg.wasm -o pkg/capx_bg.wasm

cp pkg-template/* pkg/
runtime=$(cd pkg && ls snippets/*/js/runtime.js)
cat > pkg/public.js <<JS
export * from "./capx.js";
export { CapxError } from "./$runtime";
JS

# The public types: everything wasm-bindgen generated except the instantiation plumbing
# (InitInput/InitOutput type the raw wasm exports with `any`; the entry files do that job).
# The classes declare [Symbol.dispose]: make that resolve under any `lib` setting.
{ echo '/// <reference lib="esnext.disposable" />'; sed '/^export type InitInput/,$d' pkg/capx.d.ts; } > pkg/index.d.ts
if grep -v '^\s*/\?\*' pkg/index.d.ts | grep -w any; then
  echo "[build] error: 'any' in the public .d.ts" >&2
  exit 1
fi

raw=$(cat pkg/capx_bg.wasm pkg/capx.js pkg/public.js "pkg/$runtime" | wc -c)
gz=$( (gzip -9c pkg/capx_bg.wasm; gzip -9c pkg/capx.js; gzip -9c pkg/public.js; gzip -9c "pkg/$runtime") | wc -c)
echo "[build] pkg/: wasm + glue = $raw bytes raw, $gz bytes gzip (wasm alone $(wc -c < pkg/capx_bg.wasm) raw)" >&2
