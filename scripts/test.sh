#!/usr/bin/env bash
# Runs every test: native Rust (core + capx-mock), clippy, the built package in Node 20, 22
# and 24 (and on 20 as built on plain stable), Deno, Bun, workerd (miniflare), edge-runtime
# and headless Chromium, the demo board end to end (Playwright), the main job itself
# (scripts/demo.sh --once), tsc --strict, the examples (examples/), capx-mock's npm package
# (linux x64: the JS API, npx, the README's examples), and the ecosystem projects (ecosystem-tests/).
# Installs what is missing first. Exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/mock.sh

passed=0
failed=0
failures=()
step() {
  local name=$1
  shift
  printf '\n\033[1m== %s\033[0m\n' "$name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

scripts/setup.sh --browser > /dev/null || exit 1
WB_BIN=$(scripts/setup.sh)

step "cargo test (core, capx-mock)" cargo test --release --workspace
# The same core tests of the SIMD scans (core::sse, core::activity) in wasm, with the SIMD the package ships.
step "cargo test in wasm (core, simd128, Node)" env PATH="$WB_BIN:$PATH" CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --release --target wasm32-unknown-unknown --lib --no-default-features
step "clippy (native, wasm32, wasm32 browser build), no import cycles" bash -c 'node scripts/import-cycles.mjs src > /dev/null && node scripts/import-cycles.mjs mock/src > /dev/null &&
  cargo clippy --release --workspace --all-targets -- -D warnings &&
  cargo clippy --release --lib --target wasm32-unknown-unknown -- -D warnings &&
  cargo clippy --release --lib --target wasm32-unknown-unknown --no-default-features -- -D warnings'
scripts/build.sh || exit 1
ln -sfn ../pkg node_modules/capx
# capx-mock's npm packages, once per run (the host build only; --all adds the cross targets).
scripts/build-mock-npm.sh > /dev/null || exit 1
ln -sfn ../target/npm/node_modules/capx-mock node_modules/capx-mock

# Agents work only when a test asks (POST /__mock/tick), so statuses never move under a test.
start_mock --open-keys enterprise --config tests/fixtures/mock-config.json --heartbeat-ms 3600000 --keepalive-ms 500 --quiet
echo "capx-mock at $CAPX_MOCK_ORIGIN"

# The Node suite on each Node line users run: 20 (this machine's), 22 and 24 (npm's node22/node24).
node_suite() { env CAPX_MOCK_BIN=target/release/capx-mock "$1" --test --test-timeout=60000 --test-reporter="${2:-spec}" tests/node/*.test.mjs; }
step "node 20 (node:test)" node_suite node
step "node 22 (node:test)" node_suite node_modules/node22/bin/node
step "node 24 (node:test)" node_suite node_modules/node24/bin/node
# The package built with no unstable flag (scripts/build.sh --stable, into its own directory)
# passes the same Node suite; node_modules/capx points at it for that run only.
node_suite_stable() {
  scripts/build.sh --stable --out target/stable/pkg && ln -sfn ../target/stable/pkg node_modules/capx && node_suite node dot
  local rc=$?
  ln -sfn ../pkg node_modules/capx
  return $rc
}
step "node 20 on the plain-stable build" node_suite_stable
step "deno" node_modules/.bin/deno run -A tests/runtimes/suite-entry.mjs
step "bun" node_modules/.bin/bun tests/runtimes/suite-entry.mjs
step "workerd (miniflare)" node tests/runtimes/workerd.mjs
step "edge-runtime" node tests/runtimes/edge-runtime.mjs
step "headless chromium (Playwright, pkg/)" node --test --test-reporter=spec tests/browser/
step "end-to-end (Playwright, Chromium)" node --test --test-reporter=spec tests/e2e/
# The main job, once: its whole output is checked for the five steps and for the demo key.
step "demo (scripts/demo.sh --once)" bash -c 'out=$(CAPX_DEMO_PORT=0 scripts/demo.sh --once 2>&1); rc=$?; echo "$out" | grep -v "^\s*Compiling";
  [ $rc -eq 0 ] && grep -q "^\[5/5\]" <<<"$out" && ! grep -q capx_sk_test_demo <<<"$out"'
step "tsc --strict (Node, and a page through the browser condition)" bash -c "node_modules/.bin/tsc -p tests/types/tsconfig.json && node_modules/.bin/tsc -p tests/types/browser.tsconfig.json"
# Each file of examples/ type-checked as a user's project would, then run against the mock.
step "examples (tsc --strict; run against capx-mock)" bash -c "node_modules/.bin/tsc -p examples && node_modules/node24/bin/node examples/run.mjs"
step "capx-mock on npm (startCapxMock, npx, README examples)" node --test --test-reporter=spec tests/mock-npm/
# capx installed by name from a local registry into one real project per toolchain.
step "ecosystem (ecosystem-tests/)" node ecosystem-tests/run.mjs

printf '\n'
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "test suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
