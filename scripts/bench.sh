#!/usr/bin/env bash
# `npm run bench`: set up, then measure latencies against a real server, Redis and worker.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CONCORD_ROOT"
bash scripts/setup.sh
export MEDIASOUP_WORKER_BIN="$(worker_bin_path)"
node --import tsx tests/bench/run.ts
