#!/usr/bin/env bash
# `npm start`: set up, build the client, start a local Redis unless REDIS_URL is given,
# and run Concord with the demo session, printing its join links.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CONCORD_ROOT"
bash scripts/setup.sh
export MEDIASOUP_WORKER_BIN="$(worker_bin_path)"

# Development secrets, generated once and kept in the ignored state folder.
secret() {
  local f="$CONCORD_STATE/$1"
  [ -s "$f" ] || node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64url'))" > "$f"
  chmod 600 "$f"; cat "$f"
}
export JWT_SECRET="${JWT_SECRET:-$(secret jwt-secret)}"
export ADMIN_SECRET="${ADMIN_SECRET:-$(secret admin-secret)}"
export LOG_PRETTY="${LOG_PRETTY:-true}"

# Rebuild the client only when its sources or the protocol changed.
client_hash="$(find client/src client/index.html client/vite.config.ts shared/src -type f -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16)"
if [ ! -f client/dist/index.html ] || [ "$(cat "$CONCORD_STATE/client-build" 2>/dev/null)" != "$client_hash" ]; then
  echo "[start] building the client" >&2
  npx vite build client --logLevel warn
  echo "$client_hash" > "$CONCORD_STATE/client-build"
fi

# What we start, we stop on the way out (in reverse order).
stops=()
trap 'for ((i = ${#stops[@]} - 1; i >= 0; i--)); do "${stops[i]}"; done' EXIT
trap 'exit 130' INT TERM

if [ -z "${REDIS_URL:-}" ]; then
  source scripts/redis.sh
  start_embedded_redis "$CONCORD_STATE/redis"
  stops+=(stop_embedded_redis)
fi

# A local coturn unless TURN_URLS names the deployment's TURN servers (scripts/turn.sh, docs/operations.md).
if [ -z "${TURN_URLS:-}" ]; then
  export TURN_SECRET="${TURN_SECRET:-$(secret turn-secret)}"
  source scripts/turn.sh
  start_embedded_turn "$CONCORD_STATE/turn"
  stops+=(stop_embedded_turn)
fi

node --import tsx server/src/main.ts --demo
