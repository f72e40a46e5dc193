#!/usr/bin/env bash
# Builds the npm package into pkg/ (or DIR): two wasm builds with their wasm-bindgen glue and
# the entry files from pkg-template/.
#  - The client: capx_bg.wasm and capx.js, loaded by node.js, workerd.js and client.js.
#  - The browser build (the crate without its `client` feature): browser.js, one file with
#    its wasm inlined, and browser.d.ts.
# Prints the size of what a Worker loads and of what a page loads.
#   scripts/build.sh [--stable] [--out DIR]
#     (default)  the size-tuned build: unstable flags on the toolchain rust-toolchain.toml pins
#     --stable   no unstable flag, so any stable Rust from `rust-version` on builds it (larger)
set -euo pipefail
cd "$(dirname "$0")/.."

stable=false
out=pkg
while [ $# -gt 0 ]; do
  case $1 in
    --stable) stable=true ;;
    --out) out=${2:?--out needs a directory}; shift ;;
    *) echo "usage: scripts/build.sh [--stable] [--out DIR]" >&2; exit 2 ;;
  esac
  shift
done
WB_BIN=$(scripts/setup.sh | tail -n 1)

# SIMD: every runtime capx supports has had wasm's 128-bit SIMD since 2021-2023 (V8 9.1,
# Safari 16.4); the event-stream decoder finds line ends sixteen bytes at a time with it.
simd="-Ctarget-feature=+simd128"
if $stable; then
  # Its own target dir: the two builds' flags differ, and would rebuild each other's crates.
  target_dir=target/stable
  cargo_build() { CARGO_TARGET_DIR=$target_dir RUSTFLAGS="$simd" cargo build --lib --target wasm32-unknown-unknown --profile wasm "$@"; }
else
  # Size first: std rebuilt with panics as bare traps (no formatting machinery, no panic
  # messages or locations in the binary) saves 15 % of the gzipped wasm. These are unstable
  # flags, enabled on the pinned stable toolchain by RUSTC_BOOTSTRAP for this one build only
  # (their shape can change with any release: see "Moving to a newer toolchain" in the
  # README); the package never panics by design (see the clippy lints), so nothing is lost.
  target_dir=target
  cargo_build() {
    RUSTC_BOOTSTRAP=1 RUSTFLAGS="$simd -Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none" \
      cargo build --lib --target wasm32-unknown-unknown --profile wasm -Z build-std=std,panic_abort "$@"
  }
fi

# wasm_build DIR [cargo flags]: the wasm, optimized, its glue (exporting CapxError too) and
# its public types (index.d.ts) in DIR.
wasm_build() {
  local dir=$1
  shift
  cargo_build "$@"
  rm -rf "$dir"
  "$WB_BIN/wasm-bindgen" "$target_dir/wasm32-unknown-unknown/wasm/capx.wasm" \
    --out-dir "$dir" --out-name capx --target web --omit-default-module-path --encode-into always --remove-name-section --remove-producers-section
  # wasm-bindgen copies only the JS modules Rust binds to; the ones they import go beside them.
  cp -n js/*.js "$dir"/snippets/*/js/
  node scripts/minify-names.mjs "$dir/capx_bg.wasm" "$dir/capx.js"
  # npm's binaryen, not Debian's v108, which silently breaks the externref table. After
  # minify-names: -Oz then comes out 278 B gzip smaller (measured on the package of c024caf).
  # --low-memory-unused (-380 B gzip more): rustc lays the stack first, from 1 MiB down, and
  # the data above it, so the low 1 KiB is reached only by a stack 1023 KiB deep; nothing in
  # capx recurses on its input.
  node_modules/.bin/wasm-opt -Oz --low-memory-unused --enable-reference-types --enable-bulk-memory --enable-sign-ext \
    --enable-nontrapping-float-to-int --enable-mutable-globals --enable-multivalue --enable-simd \
    --strip-target-features --converge "$dir/capx_bg.wasm" -o "$dir/capx_bg.wasm"
  # The error class, from errors.js, in the same module (one file less to load at start).
  echo "export { CapxError } from \"./$(cd "$dir" && ls snippets/*/js/errors.js)\";" >> "$dir/capx.js"

  # The public types: everything wasm-bindgen generated except the instantiation plumbing
  # (InitInput/InitOutput type the raw wasm exports with `any`; the entry files do that job).
  # The classes declare [Symbol.dispose]: make that resolve under any `lib` setting.
  { echo '/// <reference lib="esnext.disposable" />'; sed '/^export type InitInput/,$d' "$dir/capx.d.ts"; } > "$dir/index.d.ts"
  # wasm-bindgen's own declarations name the wasm exports as they were before minify-names.
  rm "$dir/capx.d.ts" "$dir/capx_bg.wasm.d.ts"
  if grep -v '^\s*/\?\*' "$dir/index.d.ts" | grep -w any; then
    echo "[build] error: 'any' in the public .d.ts of $dir" >&2
    exit 1
  fi
}

# The client. What `${capx}` shows is built from toJSON, which has no key to show.
wasm_build "$out"
cat >> "$out/capx.js" <<'JS'
Capx.prototype.toString = function () {
  return `Capx { baseUrl: "${this.toJSON().baseUrl}", apiKey: [redacted] }`;
};
JS
# The glue and js/ become one minified module (its exports and the .d.ts stay as they
# are): one module less to resolve and load at start. Short lines: Node prints the source
# line of an uncaught error, and it should not be 19 KB long. Twice: capx-node.js for the
# Node entry, and capx.js for every other runtime, with Node's transport (js/node_http.js)
# replaced by js/no_node_http.js: a Worker or a page never has node:http, and its code was
# 1.1 KB gzip of what a Worker loads.
bundle_glue() {
  node_modules/.bin/esbuild "$out/capx.js" --bundle --minify --line-limit=1000 --format=esm --log-level=error --outfile="$1"
}
bundle_glue "$out/capx-node.js"
cp js/no_node_http.js "$out"/snippets/*/js/node_http.js
bundle_glue "$out/capx.web.js"
mv "$out/capx.web.js" "$out/capx.js"
rm -r "$out/snippets"
cp pkg-template/* README.md LICENSE "$out/"
# Node, Deno and Bun take the wasm from inside a module (see pkg-template/node.js): base64,
# which Buffer decodes natively, where the browser build's hex (below) would need a JS loop.
printf 'export const base64 = "%s";\n' "$(base64 -w0 "$out/capx_bg.wasm")" > "$out/wasm-inline.js"

# The browser build: js/browser.js with the glue and the wasm in one module. The wasm goes in
# as hex, not base64: gzip finds the wasm's repeats only where each byte is written on its
# own, and base64 spreads each over two characters (hex: 2 KB gzip less). es2020, which
# bundlers' default browser targets take as it is.
browser=$target_dir/browser-pkg
wasm_build "$browser" --no-default-features
cp js/browser.js "$browser/entry.js"
node -e 'const fs = require("fs"); fs.writeFileSync(process.argv[2], `export default "${fs.readFileSync(process.argv[1]).toString("hex")}";\n`)' \
  "$browser/capx_bg.wasm" "$browser/capx_bg.wasm.hex.js"
node_modules/.bin/esbuild "$browser/entry.js" --bundle --minify --line-limit=1000 --format=esm --target=es2020 --log-level=error \
  --outfile="$out/browser.js"
mv "$browser/index.d.ts" "$out/browser.d.ts"

# TypeScript before 5.2 has no `esnext.disposable` lib: the same types without `[Symbol.dispose]`
# (`free()` does the same), chosen by the `types@<5.2` conditions and `typesVersions`.
mkdir -p "$out/ts5.0"
for types in "$out"/*.d.ts; do
  grep -v -e '^/// <reference lib="esnext.disposable" />' -e '^ *\[Symbol.dispose\](): void;$' "$types" > "$out/ts5.0/${types##*/}"
done

# What a Worker and what a page load, each file compressed on its own as a server sends it.
size() {
  local raw gz
  raw=$(cat "$@" | wc -c)
  gz=$(for f in "$@"; do gzip -9nc "$f"; done | wc -c)
  echo "$raw bytes raw, $gz bytes gzip"
}
echo "[build] $out/: what a Worker loads (wasm + glue) = $(size "$out/capx_bg.wasm" "$out/capx.js" "$out/workerd.js") (wasm alone $(wc -c < "$out/capx_bg.wasm") raw, $(gzip -9nc "$out/capx_bg.wasm" | wc -c) gzip)" >&2
echo "[build] $out/: what a page loads (browser.js, its wasm inlined) = $(size "$out/browser.js")" >&2
