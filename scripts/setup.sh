#!/usr/bin/env bash
# Idempotent set-up, run by `npm start` and `npm test` before anything else:
#   1. the Debian packages (Redis, Chromium, the worker's build tools and libraries),
#   2. the mediasoup worker, built offline from the npm tarball and cached outside the repo,
#   3. the npm packages, installed with MEDIASOUP_WORKER_BIN so mediasoup's postinstall
#      does not try to download or build anything.
# When everything is in place it only checks, and takes a few seconds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CONCORD_ROOT"

log() { printf '[setup] %s\n' "$*" >&2; }

# coturn: the TURN server `npm start` runs (scripts/turn.sh).
RUNTIME_PACKAGES=(redis-server chromium coturn)
WORKER_PACKAGES=(g++ make pkg-config meson ninja-build libssl-dev libuv1-dev libsrtp2-dev
  libusrsctp-dev libabsl-dev flatbuffers-compiler libflatbuffers-dev)
# promtool checks the /metrics output in the tests. The network test bed (tests/support/netbed.ts) needs
# iproute2, procps (sysctl), nftables and iptables for namespaces and impairments, iputils-ping for its tests,
# and gcc with libnetfilter-queue-dev to build its NFQUEUE delayer. certutil (libnss3-tools) makes Chromium trust a
# test TURN server's self-signed certificate (tests/support/coturn.ts).
TEST_PACKAGES=(prometheus iproute2 procps nftables iptables iputils-ping gcc libnetfilter-queue-dev libnss3-tools)

# --test adds what the tests need; --server (container images) leaves out Redis, Chromium and coturn.
case "${1:-}" in
  --test) wanted=("${RUNTIME_PACKAGES[@]}" "${WORKER_PACKAGES[@]}" "${TEST_PACKAGES[@]}") ;;
  --server) wanted=("${WORKER_PACKAGES[@]}") ;;
  *) wanted=("${RUNTIME_PACKAGES[@]}" "${WORKER_PACKAGES[@]}") ;;
esac

# --- 1. Debian packages -------------------------------------------------------
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Debian's coturn enables a system turnserver on 3478 with /etc/turnserver.conf, and systemd starts it at once. It
# would share its ports with the one `npm start` runs (coturn binds with SO_REUSEPORT, so each would get some of the
# requests), so when we install coturn we stop and disable that service. A coturn installed before is left alone.
no_system_turn="systemctl disable --now coturn.service >/dev/null 2>&1 || true"
if [ ${#missing[@]} -gt 0 ]; then
  cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
  [[ " ${missing[*]} " != *" coturn "* ]] || cmd="$cmd && ($no_system_turn)"
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: ${missing[*]}"
    log "run as root, then try again:"
    printf '  sudo sh -c "%s"\n' "$cmd" >&2
    exit 1
  fi
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [[ " ${missing[*]} " != *" coturn "* ]] || ! command -v systemctl >/dev/null || eval "$no_system_turn"
fi

# --- 2. mediasoup worker ------------------------------------------------------
declared=$(node -p "require('./server/package.json').dependencies.mediasoup")
if [ "$declared" != "$MEDIASOUP_VERSION" ]; then
  log "server/package.json pins mediasoup $declared but scripts/lib.sh builds $MEDIASOUP_VERSION"; exit 1
fi
WORKER_BIN="$(worker_bin_path)"
if [ ! -x "$WORKER_BIN" ]; then
  mkdir -p "$(dirname "$WORKER_BIN")"
  # One build at a time even if `npm start` and `npm test` race on a fresh machine.
  exec 9>"$(dirname "$WORKER_BIN")/.lock"
  flock 9
  if [ ! -x "$WORKER_BIN" ]; then
    log "building the mediasoup $MEDIASOUP_VERSION worker (first run only, about 5 minutes on 2 cores)"
    work="$(mktemp -d "${TMPDIR:-/tmp}/concord-worker.XXXXXX")"
    if ! MS_VERSION="$MEDIASOUP_VERSION" WORKDIR="$work/src" OUT="$work/mediasoup-worker" \
        sh scripts/build-mediasoup-worker.sh >"$work/build.log" 2>&1; then
      tail -n 40 "$work/build.log" >&2
      log "worker build failed; full log: $work/build.log"
      exit 1
    fi
    # Rename is atomic: a half-written binary is never found by the check above.
    mv "$work/mediasoup-worker" "$WORKER_BIN.tmp" && mv "$WORKER_BIN.tmp" "$WORKER_BIN"
    rm -rf "$work"
    log "worker cached at $WORKER_BIN"
  fi
  exec 9>&-
fi
export MEDIASOUP_WORKER_BIN="$WORKER_BIN"

# --- 3. npm packages ----------------------------------------------------------
stamp_file="node_modules/.concord-setup"
stamp="$(cat package-lock.json scripts/lib.sh | sha256sum | cut -c1-16) $WORKER_BIN"
if [ ! -f "$stamp_file" ] || [ "$(cat "$stamp_file")" != "$stamp" ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$stamp" > "$stamp_file"
fi

mkdir -p "$CONCORD_STATE"
