#!/usr/bin/env bash
# `npm run fuzz`: the property-based socket fuzz of `npm test`, with many more cases.
# FUZZ_RUNS (default 300) cases per request; FUZZ_SEED replays a reported failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CONCORD_ROOT"
bash scripts/setup.sh --test
export MEDIASOUP_WORKER_BIN="$(worker_bin_path)"
export FUZZ_RUNS="${FUZZ_RUNS:-300}"
echo "[fuzz] ${FUZZ_RUNS} cases per request${FUZZ_SEED:+, seed $FUZZ_SEED}" >&2
exec npx vitest run --project integration tests/integration/fuzz.test.ts "$@"
