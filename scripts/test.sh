#!/usr/bin/env bash
# `npm test`: set up, then type-check, lint, build the client and run every suite
# (unit, integration with real Redis and mediasoup, end to end in real Chromium).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CONCORD_ROOT"
bash scripts/setup.sh --test
export MEDIASOUP_WORKER_BIN="$(worker_bin_path)"

echo "[test] type-check" >&2
npm run --silent typecheck
echo "[test] lint" >&2
npm run --silent lint
echo "[test] build the client" >&2
npx vite build client --logLevel warn
echo "[test] suites" >&2
npx vitest run "$@"
