# Sourced by the other scripts: start_mock ARGS... starts target/release/capx-mock on a free
# port, waits for its "listening on" line and exports CAPX_MOCK_ORIGIN; it stops on exit.
# Its request log goes to $CAPX_MOCK_LOG (default: stderr).
start_mock() {
  local out
  out=$(mktemp)
  # Appending: opening /dev/stderr to write would truncate the file it is (a CI log), and the
  # lines before would turn into NUL bytes.
  "${CARGO_TARGET_DIR:-target}/release/capx-mock" --host 127.0.0.1 --port 0 "$@" > "$out" 2>> "${CAPX_MOCK_LOG:-/dev/stderr}" &
  CAPX_MOCK_PID=$!
  trap 'kill $CAPX_MOCK_PID 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    CAPX_MOCK_ORIGIN=$(sed -n 's/^capx-mock listening on //p' "$out")
    [ -n "$CAPX_MOCK_ORIGIN" ] && break
    sleep 0.1
  done
  [ -n "$CAPX_MOCK_ORIGIN" ] || { echo "capx-mock did not start" >&2; exit 1; }
  export CAPX_MOCK_ORIGIN
}
