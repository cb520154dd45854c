#!/usr/bin/env bash
# `npm run admin -- <command>`: the admin HTTP API from a terminal (see --help).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CONCORD_ROOT"
if [ -z "${ADMIN_SECRET:-}" ] && [ -s "$CONCORD_STATE/admin-secret" ]; then
  ADMIN_SECRET="$(cat "$CONCORD_STATE/admin-secret")"
  export ADMIN_SECRET
fi
exec node --import tsx server/src/cli/admin.ts "$@"
