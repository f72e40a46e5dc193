#!/usr/bin/env bash
# The main job: builds the package and capx-mock, starts the mock and the edge function
# (www/worker.mjs in workerd, holding the key), prints the board's URL, runs the scripted
# scenario, then serves the board until Ctrl-C.
# Usage: scripts/demo.sh [--once]    (--once or CAPX_DEMO_EXIT=1: exit after the scenario)
#        CAPX_DEMO_PORT=8787         (the edge function's port; a free one if that is taken)
set -euo pipefail
cd "$(dirname "$0")/.."
once=${CAPX_DEMO_EXIT:-0}
[ "${1:-}" = "--once" ] && once=1

log() { printf '\033[1m[demo]\033[0m %s\n' "$*"; }

source scripts/mock.sh
log "building the package and capx-mock"
scripts/build.sh
ln -sfn ../pkg node_modules/capx
cargo build --release -p capx-mock

# Agents beat every second, so an approved task is done within seconds.
start_mock --heartbeat-ms 1000 --quiet
log "capx-mock at $CAPX_MOCK_ORIGIN"

# The mock's built-in demo key. Only the edge function and the scenario (server side) see it.
export CAPX_API_KEY=capx_sk_test_demo
edge_log=$(mktemp)
node www/serve.mjs --port "${CAPX_DEMO_PORT:-8787}" > "$edge_log" 2>&1 &
EDGE_PID=$!
trap 'kill $EDGE_PID $CAPX_MOCK_PID 2>/dev/null || true; wait $EDGE_PID 2>/dev/null || true; rm -f "$edge_log"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
url=
for _ in $(seq 1 300); do
  url=$(sed -n 's/^edge function listening on //p' "$edge_log")
  [ -n "$url" ] && break
  kill -0 $EDGE_PID 2>/dev/null || break
  sleep 0.1
done
[ -n "$url" ] || { cat "$edge_log" >&2; echo "the edge function did not start" >&2; exit 1; }
log "edge function (workerd) serving the board and /api at $url"

CAPX_DEMO_URL=$url node www/scenario.mjs

if [ "$once" = 1 ]; then
  log "done (--once)"
  exit 0
fi
log "serving the board at $url until Ctrl-C"
wait $EDGE_PID
