#!/usr/bin/env bash
# The main job: builds the package and capx-mock, starts the mock, and runs the scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/mock.sh
scripts/build.sh
ln -sfn ../pkg node_modules/capx
cargo build --release -p capx-mock
start_mock --heartbeat-ms 1000 --quiet
node www/scenario.mjs
