#!/usr/bin/env bash
# How many simple authenticated GETs/s capx-mock sustains on loopback (target: >= 20 000 on
# 2 cores), measured with wrk. The mock must never be the bottleneck of the client benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/mock.sh
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; }
cargo build --release -p capx-mock
start_mock --open-keys enterprise --config tests/fixtures/mock-config.json --heartbeat-ms 3600000 --credits 1000000000 --quiet
key=capx_sk_test_loadbench
company=$(curl -s -X POST "$CAPX_MOCK_ORIGIN/v1/companies" -H "Authorization: Bearer $key" -d '{"name":"bench"}' | sed 's/.*"id":"\([^"]*\)".*/\1/')
echo "GET /v1/companies/$company, 2 threads, 64 connections, 10 s"
wrk -t2 -c64 -d10s -H "Authorization: Bearer $key" "$CAPX_MOCK_ORIGIN/v1/companies/$company" | tee /tmp/capx-mock-load.txt
non2xx=$(awk '/Non-2xx/ { print $NF }' /tmp/capx-mock-load.txt)
[ -z "$non2xx" ] || { echo "error: $non2xx responses were not 2xx" >&2; exit 1; }
rps=$(awk '/Requests\/sec/ { print int($2) }' /tmp/capx-mock-load.txt)
echo "capx-mock: $rps requests/s (target >= 20000)"
