#!/usr/bin/env bash
# Installs what building and testing capx needs, skipping whatever is already there.
# Usage: scripts/setup.sh [--browser]   (--browser also installs Debian's chromium, which the
# tests drive through Playwright)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

# rustup installs the toolchain of rust-toolchain.toml, with its target and components, the
# first time cargo runs here; these two add them to a toolchain installed without them.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# build.sh rebuilds std for the size-tuned wasm.
if ! rustup component list --installed | grep -q '^rust-src'; then
  log "adding the rust-src component"
  rustup component add rust-src
fi

# The CLI must match the wasm-bindgen crate in Cargo.lock exactly.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
WB_ROOT="${CAPX_TOOLS:-$HOME/.cache/capx-tools}/wasm-bindgen-$WB_VERSION"
if [ ! -x "$WB_ROOT/bin/wasm-bindgen" ]; then
  log "installing wasm-bindgen-cli $WB_VERSION into $WB_ROOT"
  # --locked first; its lock file pins a crate the registry may no longer serve, and then
  # the exact --version still guarantees the CLI matches the library.
  cargo install wasm-bindgen-cli --version "=$WB_VERSION" --locked --root "$WB_ROOT" \
    || cargo install wasm-bindgen-cli --version "=$WB_VERSION" --root "$WB_ROOT"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null 2>&1; then
  log "installing Debian chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

echo "$WB_ROOT/bin"
