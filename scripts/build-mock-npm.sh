#!/usr/bin/env bash
# Builds capx-mock's npm packages into target/npm/node_modules/, in the manner of esbuild and
# biome: `capx-mock` (the JS package, from npm/capx-mock/) with an exact optionalDependency on
# each platform package built, and per platform `capx-mock-<os>-<cpu>[-musl]` holding the
# prebuilt binary, with `os`, `cpu` (and `libc`) so that npm installs only the one that fits.
#   scripts/build-mock-npm.sh         linux-x64 only (what CI needs: the host build)
#   scripts/build-mock-npm.sh --all   also linux-x64-musl (static), linux-arm64 and win32-x64,
#                                     cross-built here; runs the musl binary natively and the
#                                     arm64 one under qemu-user-static (--help and a request)
# Not built: macOS (linking needs Apple's SDK). Publish each folder with `npm publish`.
set -euo pipefail
cd "$(dirname "$0")/.."
all=false
[ "${1:-}" = --all ] && all=true
out=target/npm/node_modules
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' mock/Cargo.toml | head -n 1)

# package suffix, Rust target, npm os, npm cpu, npm libc (- for none)
platforms=("linux-x64 x86_64-unknown-linux-gnu linux x64 glibc")
$all && platforms+=(
  "linux-x64-musl x86_64-unknown-linux-musl linux x64 musl"
  "linux-arm64 aarch64-unknown-linux-gnu linux arm64 glibc"
  "win32-x64 x86_64-pc-windows-gnu win32 x64 -"
)

# The cross toolchains, once: Debian's linkers and qemu, rustup's standard libraries.
if $all; then
  need=()
  command -v aarch64-linux-gnu-gcc > /dev/null || need+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
  command -v x86_64-w64-mingw32-gcc > /dev/null || need+=(mingw-w64)
  command -v qemu-aarch64-static > /dev/null || need+=(qemu-user-static)
  if [ ${#need[@]} -gt 0 ]; then apt-get install -y --no-install-recommends "${need[@]}" > /dev/null; fi
  rustup target add x86_64-unknown-linux-musl aarch64-unknown-linux-gnu x86_64-pc-windows-gnu > /dev/null
fi
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc

# Starts BINARY (under RUNNER, if any) on a free port and asks it for the demo key's companies.
smoke_test() {
  local log status
  log=$(mktemp)
  "$@" --help | grep -q -- --exit-on-stdin-close || { echo "$* --help: no usage" >&2; return 1; }
  "$@" --port 0 --quiet > "$log" &
  local pid=$!
  for _ in $(seq 1 100); do grep -q "listening on" "$log" && break; sleep 0.2; done
  status=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer capx_sk_test_demo' "$(sed -n 's/^capx-mock listening on //p' "$log")/v1/companies" || true)
  kill "$pid"; wait "$pid" || true
  rm -f "$log"
  [ "$status" = 200 ] || { echo "$* did not answer (HTTP $status)" >&2; return 1; }
  echo "ran $*: --help, and GET /v1/companies answered 200"
}

rm -rf target/npm
mkdir -p "$out"
names=()
host=$(rustc -vV | sed -n 's/^host: //p')
for spec in "${platforms[@]}"; do
  read -r suffix triple os cpu libc <<< "$spec"
  if [ "$triple" = "$host" ]; then
    cargo build --release -p capx-mock
    bin=target/release/capx-mock
  else
    nice cargo build --release -p capx-mock --target "$triple"
    bin=target/$triple/release/capx-mock
  fi
  exe=capx-mock
  [ "$os" = win32 ] && exe=capx-mock.exe && bin=$bin.exe
  # Each check its own command, so that set -e stops the build on any of them.
  case $suffix in
    linux-x64-musl)
      smoke_test "$bin"
      file "$bin" | grep -Eq "static-pie linked|statically linked" ;;
    linux-arm64) smoke_test qemu-aarch64-static -L /usr/aarch64-linux-gnu "$bin" ;;
    win32-x64)
      file "$bin" | grep -q "PE32+ executable.*x86-64"
      echo "built $bin (a Windows executable: not run here)" ;;
  esac
  dir=$out/capx-mock-$suffix
  mkdir -p "$dir/bin"
  cp "$bin" "$dir/bin/$exe"
  cp LICENSE "$dir/"
  echo "The \`capx-mock\` binary for $suffix. Install \`capx-mock\`, which depends on it." > "$dir/README.md"
  PKG_NAME=capx-mock-$suffix PKG_OS=$os PKG_CPU=$cpu PKG_LIBC=$libc node -e '
    const { PKG_NAME: name, PKG_OS: os, PKG_CPU: cpu, PKG_LIBC: libc } = process.env;
    const base = require("./npm/capx-mock/package.json");
    const manifest = { name, version: process.argv[1], description: `The capx-mock binary for ${os}-${cpu}${libc === "musl" ? " (musl, static)" : ""}`,
      license: base.license, repository: base.repository, os: [os], cpu: [cpu], ...(libc === "-" ? {} : { libc: [libc] }),
      files: ["bin/"], preferUnplugged: true };
    require("fs").writeFileSync(`target/npm/node_modules/${name}/package.json`, JSON.stringify(manifest, null, 2) + "\n");' "$version"
  names+=("capx-mock-$suffix")
done

# The JS package: its source, the LICENSE, the README's section for users, the exact versions.
# Its types are hand-written: no `any` in them (comments aside).
if sed 's#//.*##; s#/\*.*\*/##' npm/capx-mock/index.d.ts | grep -w any; then
  echo "build-mock-npm: 'any' in npm/capx-mock/index.d.ts" >&2
  exit 1
fi
dir=$out/capx-mock
mkdir -p "$dir"
cp -r npm/capx-mock/. "$dir/"
cp LICENSE "$dir/"
awk '/^## capx-mock for your tests$/ { on = 1; sub(/^## /, "# ") } on && /^## / { exit } on' README.md > "$dir/README.md"
[ -s "$dir/README.md" ] || { echo "README.md has no section '## capx-mock for your tests'" >&2; exit 1; }
node -e '
  const file = "target/npm/node_modules/capx-mock/package.json";
  const manifest = require("./" + file);
  const [version, ...names] = process.argv.slice(1);
  manifest.version = version;
  manifest.optionalDependencies = Object.fromEntries(names.map((n) => [n, version]));
  require("fs").writeFileSync(file, JSON.stringify(manifest, null, 2) + "\n");' "$version" "${names[@]}"
echo "capx-mock $version for npm: $(cd "$out" && echo */) in $out"
