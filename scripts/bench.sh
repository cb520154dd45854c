#!/usr/bin/env bash
# `npm run bench`: set up, then measure against a real server, Redis and worker, each figure beside its baseline.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CONCORD_ROOT"
bash scripts/setup.sh
export MEDIASOUP_WORKER_BIN="$(worker_bin_path)"
export CONCORD_CACHE

# The media bench's baseline: the same worker linked to Debian's libsrtp2 (NSS crypto), built once (about
# 5 minutes) next to the real one. BENCH_PARTS without "media" skips it.
if [[ ",${BENCH_PARTS:-control,cluster,media}," == *,media,* ]]; then
  nss_bin="$(dirname "$MEDIASOUP_WORKER_BIN")-nss/mediasoup-worker"
  if [ ! -x "$nss_bin" ]; then
    echo "[bench] building the baseline worker with Debian's libsrtp2 (first bench only, about 5 minutes)" >&2
    work="$(mktemp -d "${TMPDIR:-/tmp}/concord-worker-nss.XXXXXX")"
    if ! MS_VERSION="$MEDIASOUP_VERSION" WORKDIR="$work/src" OUT="$work/mediasoup-worker" SRTP_SOURCE="" \
        sh scripts/build-mediasoup-worker.sh >"$work/build.log" 2>&1; then
      tail -n 40 "$work/build.log" >&2
      echo "[bench] baseline worker build failed; full log: $work/build.log" >&2
      exit 1
    fi
    mkdir -p "$(dirname "$nss_bin")" && mv "$work/mediasoup-worker" "$nss_bin" && rm -rf "$work"
  fi
  export BENCH_NSS_WORKER_BIN="$nss_bin"
fi
node --import tsx tests/bench/run.ts
