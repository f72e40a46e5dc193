#!/usr/bin/env bash
# Every benchmark in one run: builds the package and capx-mock, starts the mock, runs each
# benchmark (each measures its own baseline in the same run), then prints the table that the
# README quotes and writes it to bench/results/latest.md. Figures are ratios and medians,
# never pass/fail assertions of tests: the machines are shared and noisy.
#   bench/run.sh [NAME ...]    (default: size coldstart coldstart-workerd throughput throughput-deno
#                               throughput-bun workerd overhead decode sse heap soak)
# NAME is a file of bench/, run by Node; throughput-deno and throughput-bun run
# bench/throughput.mjs on Deno and on Bun.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/mock.sh

scripts/build.sh || exit 1
ln -sfn ../pkg node_modules/capx
cargo build --release -p capx-mock --quiet || exit 1
export CAPX_MOCK_BIN=target/release/capx-mock
start_mock --open-keys enterprise --plans enterprise=100000000/100000 --credits 1000000000 --heartbeat-ms 3600000 --quiet

mkdir -p bench/results
results=bench/results/latest.jsonl
: > "$results"
for name in "${@:-size coldstart coldstart-workerd throughput throughput-deno throughput-bun workerd overhead decode sse heap soak}"; do
  for bench in $name; do
    printf '\n\033[1m== %s\033[0m\n' "$bench"
    case $bench in
      *-deno) run=(node_modules/.bin/deno run -A "bench/${bench%-deno}.mjs") ;;
      *-bun) run=(node_modules/.bin/bun "bench/${bench%-bun}.mjs") ;;
      *) run=(node --expose-gc "bench/$bench.mjs") ;;
    esac
    "${run[@]}" | tee "bench/results/$bench.txt"
    sed -n 's/^RESULT //p' "bench/results/$bench.txt" >> "$results"
  done
done
node bench/table.mjs < "$results" | tee bench/results/latest.md
