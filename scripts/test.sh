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

# The browser suite runs after the others, not beside them: on two cores, Chromium and
# mediasoup next to the integration suite would skew the timing rules both check.
mkdir -p test-results
status=0
echo "[test] unit and integration suites" >&2
npx vitest run --project unit --project integration --reporter=default --reporter=json \
  --outputFile.json=test-results/vitest-server.json "$@" || status=$?
echo "[test] end-to-end suite (Chromium)" >&2
npx vitest run --project e2e --reporter=default --reporter=json \
  --outputFile.json=test-results/vitest-e2e.json "$@" || status=$?

node -e '
  const fs = require("fs");
  let passed = 0, failed = 0;
  for (const f of ["test-results/vitest-server.json", "test-results/vitest-e2e.json"]) {
    if (!fs.existsSync(f)) { failed++; continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests;
  }
  console.log(`${passed} passed, ${failed} failed`);
'
exit "$status"
