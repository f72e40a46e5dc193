#!/usr/bin/env bash
# How many simple authenticated GETs/s capx-mock sustains on loopback, measured with wrk
# (installed from Debian if missing). Target: at least 20 000/s on 2 cores, so that the mock
# is never the bottleneck of the client benchmarks. Exits non-zero below the target.
#   bench/mock-load.sh [SECONDS] [CONNECTIONS]      (defaults: 10 s, 64 connections)
# The key is on a plan with a limit far above what is measured, so that every response is
# a 200 and not a 429; the request log is on, as users run the mock.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-64}
target=20000

if ! command -v wrk >/dev/null; then
  apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fi
cargo build --release -p capx-mock --quiet

source scripts/mock.sh
key=capx_sk_test_loadbench
CAPX_MOCK_LOG=/dev/null start_mock --keys "$key:unlimited" --plans unlimited=1000000000/100000 \
  --credits 1000000000000 --heartbeat-ms 3600000
origin=$CAPX_MOCK_ORIGIN

company=$(curl -sf -X POST "$origin/v1/companies" -H "Authorization: Bearer $key" \
  -H "Content-Type: application/json" -d '{"name":"bench"}' | sed 's/.*"data":{"id":"\([^"]*\)".*/\1/')
url="$origin/v1/companies/$company"
curl -sf "$url" -H "Authorization: Bearer $key" > /dev/null || { echo "GET $url failed" >&2; exit 1; }

echo "GET /v1/companies/$company: wrk, 1 thread, $connections connections, $seconds s (after a 2 s warm-up)"
wrk -t1 -c"$connections" -d2s -H "Authorization: Bearer $key" "$url" > /dev/null
report=$(wrk -t1 -c"$connections" -d"${seconds}s" -H "Authorization: Bearer $key" "$url")
echo "$report"
non2xx=$(awk '/Non-2xx/ { print $NF }' <<<"$report")
[ -z "$non2xx" ] || { echo "error: $non2xx responses were not 2xx" >&2; exit 1; }
rps=$(awk '/Requests\/sec/ { print int($2) }' <<<"$report")
echo "capx-mock: $rps GETs/s (target >= $target)"
[ "$rps" -ge "$target" ] || { echo "error: below the target" >&2; exit 1; }
