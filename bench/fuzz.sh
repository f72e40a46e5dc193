#!/usr/bin/env bash
# Coverage-guided fuzzing of src/core (cargo-fuzz + libFuzzer) on the stable toolchain.
# Usage: bench/fuzz.sh [seconds-per-target, default 600] [target...]  (default: all targets)
#
# Installs cargo-fuzz once (cached like scripts/setup.sh caches wasm-bindgen-cli), builds the
# targets in fuzz/, replays the saved crash reproducers in fuzz/regressions/<target>/, fuzzes
# each target for the given time from fuzz/corpus/<target>/, minimizes that corpus again
# (cargo fuzz cmin), and appends one row per run to bench/FUZZING.md. A crash stops that
# target's run; its input is left in fuzz/artifacts/<target>/ and the script exits 1.
#
# Environment: CARGO_TARGET_DIR (default fuzz/target), FUZZ_NICE (default 19),
# FUZZ_SANITIZER (address, the default, or none), CAPX_TOOLS (default ~/.cache/capx-tools).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

log() { printf '\033[1m[fuzz]\033[0m %s\n' "$*" >&2; }

SECS=${1:-600}
[[ $SECS =~ ^[0-9]+$ ]] || { echo "usage: bench/fuzz.sh [seconds-per-target] [target...]" >&2; exit 2; }
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(envelope sse webhook)
NICE=${FUZZ_NICE:-19}
SANITIZER=${FUZZ_SANITIZER:-address}
TARGET_DIR=$(realpath -m "${CARGO_TARGET_DIR:-fuzz/target}")
RECORD=bench/FUZZING.md

CF_VERSION=0.13.2
CF_ROOT="${CAPX_TOOLS:-$HOME/.cache/capx-tools}/cargo-fuzz"
if ! "$CF_ROOT/bin/cargo-fuzz" --version 2>/dev/null | grep -qx "cargo-fuzz $CF_VERSION"; then
  log "installing cargo-fuzz $CF_VERSION into $CF_ROOT"
  cargo install cargo-fuzz --version "=$CF_VERSION" --locked --root "$CF_ROOT" \
    || cargo install cargo-fuzz --version "=$CF_VERSION" --root "$CF_ROOT"
fi
export PATH="$CF_ROOT/bin:$PATH"
# cargo-fuzz builds with -Zsanitizer and other unstable flags, which only nightly rustc takes;
# RUSTC_BOOTSTRAP=1 lets the stable toolchain (the only one this machine has) accept them.
export RUSTC_BOOTSTRAP=1

fuzz() { (cd fuzz && nice -n "$NICE" cargo fuzz "$1" --target-dir "$TARGET_DIR" --sanitizer "$SANITIZER" "${@:2}"); }

log "building ${TARGETS[*]} (sanitizer: $SANITIZER, target dir: $TARGET_DIR)"
for t in "${TARGETS[@]}"; do
  fuzz build "$t"
done

# Inputs that once crashed a target must pass before anything new is looked for.
for t in "${TARGETS[@]}"; do
  if compgen -G "fuzz/regressions/$t/*" >/dev/null; then
    log "$t: replaying $(find "fuzz/regressions/$t" -type f | wc -l) saved reproducers"
    fuzz run "$t" "$ROOT/fuzz/regressions/$t"/* -- -runs=1 >/dev/null 2>&1 \
      || { log "$t: a saved reproducer fails again: run 'cd fuzz && cargo fuzz run $t regressions/$t/*'"; exit 1; }
  fi
done

if ! grep -q '^| date ' "$RECORD" 2>/dev/null; then
  printf '\n## Runs\n\n| date (UTC) | commit | target | seconds | executions | exec/s | coverage (edges / features) | corpus after cmin | crashes | sanitizer |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n' >> "$RECORD"
fi
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src/core 2>/dev/null || commit="$commit+src/core changes"

found=0
for t in "${TARGETS[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  out="$TARGET_DIR/fuzz-$t.log"
  before=$(find "fuzz/artifacts/$t" -type f | wc -l)
  log "$t: fuzzing for $SECS s (log: $out)"
  start=$(date +%s)
  status=0
  fuzz run "$t" -- -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$out" 2>&1 || status=$?
  elapsed=$(( $(date +%s) - start ))
  execs=$(awk -F: '/^stat::number_of_executed_units/ { gsub(/ /, "", $2); print $2 }' "$out" | tail -1)
  [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$out" | tail -1 | tr -d '#' || true)
  execs=${execs:-0}
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$out" | tail -1 | awk '{ print $2 " / " $4 }' || true)
  crashes=$(( $(find "fuzz/artifacts/$t" -type f | wc -l) - before ))
  if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then
    log "$t: cargo fuzz exited $status without an artifact; see $out"; tail -20 "$out" >&2; exit 1
  fi
  notes=""
  if [ "$crashes" -gt 0 ]; then
    found=1
    notes=" ($(find "fuzz/artifacts/$t" -type f -newermt "@$start" -printf '%f ' | sed 's/ $//'))"
    log "$t: CRASH, see $out and fuzz/artifacts/$t/"
    grep -m1 -A3 'panicked at\|ERROR: ' "$out" >&2 || true
  fi
  log "$t: minimizing the corpus"
  # Set-cover merge: the same features as plain -merge=1 from a half to a third of the files.
  fuzz cmin "$t" -- -set_cover_merge=1 >"$TARGET_DIR/cmin-$t.log" 2>&1 || { log "$t: cmin failed, see $TARGET_DIR/cmin-$t.log"; exit 1; }
  files=$(find "fuzz/corpus/$t" -type f | wc -l)
  kib=$(( ($(find "fuzz/corpus/$t" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }') + 1023) / 1024 ))
  printf '| %s | %s | %s | %s | %s | %s | %s | %s files, %s KiB | %s%s | %s |\n' \
    "$(date -u '+%Y-%m-%d %H:%M')" "$commit" "$t" "$elapsed" "$execs" "$(( execs / (elapsed > 0 ? elapsed : 1) ))" \
    "${cov:-?}" "$files" "$kib" "$crashes" "$notes" "$SANITIZER" >> "$RECORD"
  log "$t: $execs executions in $elapsed s, corpus $files files ($kib KiB), $crashes crashes"
done
exit "$found"
