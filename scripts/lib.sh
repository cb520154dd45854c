# Shared by the set-up and run scripts: where things live. Sourced, never run.
# shellcheck shell=bash
CONCORD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Keep in step with server/package.json's "mediasoup" dependency (setup.sh checks).
MEDIASOUP_VERSION="3.19.3"
CONCORD_CACHE="${CONCORD_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/concord}"
# Project-local state (embedded Redis data, generated dev secrets); ignored by git.
CONCORD_STATE="$CONCORD_ROOT/.concord"

# The cached worker is keyed by the mediasoup version and a hash of the build step,
# so changing either builds a new one and never reuses a stale binary.
worker_build_hash() {
  sha256sum "$CONCORD_ROOT/scripts/build-mediasoup-worker.sh" | cut -c1-12
}
worker_bin_path() {
  echo "$CONCORD_CACHE/mediasoup-worker/$MEDIASOUP_VERSION-$(worker_build_hash)/mediasoup-worker"
}
