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
# libsrtp 2.5's source, from Debian's archive (the worker builds it with OpenSSL crypto; Debian's own libsrtp2
# uses NSS, four times slower per packet). apt fetches it with a private source list in the cache, so the
# machine's apt configuration is left alone. Prints the tarball's path, or nothing when it cannot be had.
SRTP_ORIG=libsrtp2_2.5.0.orig.tar.gz
SRTP_SHA256=8a43ef8e9ae2b665292591af62aa1a4ae41e468b6d98d8258f91478735da4e09
fetch_srtp_source() {
  local dir="$CONCORD_CACHE/srtp-source" suite
  if ! echo "$SRTP_SHA256  $dir/$SRTP_ORIG" | sha256sum -c --quiet >/dev/null 2>&1; then
    rm -rf "$dir" && mkdir -p "$dir/lists/partial" "$dir/cache"
    suite="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
    echo "deb-src ${CONCORD_DEBIAN_MIRROR:-http://deb.debian.org/debian} $suite main" >"$dir/sources.list"
    local apt_opts=(-qq -o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache" -o APT::Sandbox::User="$(id -un)")
    (cd "$dir" && apt-get "${apt_opts[@]}" update && apt-get "${apt_opts[@]}" source --download-only libsrtp2) \
      >"$dir/fetch.log" 2>&1 || true
    echo "$SRTP_SHA256  $dir/$SRTP_ORIG" | sha256sum -c --quiet >/dev/null 2>&1 || return 0
  fi
  echo "$dir/$SRTP_ORIG"
}

WORKER_BIN="$(worker_bin_path)"
WORKER_DIR="$(dirname "$WORKER_BIN")"
if [ ! -x "$WORKER_BIN" ]; then
  mkdir -p "$WORKER_DIR"
  # One build at a time even if `npm start` and `npm test` race on a fresh machine; the second says why it waits.
  exec 9>"$WORKER_DIR/.lock"
  if ! flock -n 9; then
    log "waiting for another set-up that is building the mediasoup worker (lock $WORKER_DIR/.lock)"
    flock 9
  fi
  if [ ! -x "$WORKER_BIN" ]; then
    log "building the mediasoup $MEDIASOUP_VERSION worker (first run only, about 5 minutes on 2 cores)"
    srtp_source="$(fetch_srtp_source)"
    if [ -z "$srtp_source" ]; then
      log "warning: Debian's source of libsrtp 2.5 could not be fetched ($CONCORD_CACHE/srtp-source/fetch.log);"
      log "         building with Debian's libsrtp2 (NSS crypto: SRTP costs about four times more CPU)"
    fi
    work="$(mktemp -d "${TMPDIR:-/tmp}/concord-worker.XXXXXX")"
    if ! MS_VERSION="$MEDIASOUP_VERSION" WORKDIR="$work/src" OUT="$work/mediasoup-worker" SRTP_SOURCE="$srtp_source" \
        sh scripts/build-mediasoup-worker.sh >"$work/build.log" 2>&1; then
      tail -n 40 "$work/build.log" >&2
      log "worker build failed; full log: $work/build.log"
      exit 1
    fi
    if [ -n "$srtp_source" ]; then echo openssl; else echo nss; fi >"$WORKER_DIR/srtp-crypto"
    # Rename is atomic: a half-written binary is never found by the check above.
    mv "$work/mediasoup-worker" "$WORKER_BIN.tmp" && mv "$WORKER_BIN.tmp" "$WORKER_BIN"
    rm -rf "$work"
    log "worker cached at $WORKER_BIN"
  fi
  exec 9>&-
fi
if [ "$(cat "$WORKER_DIR/srtp-crypto" 2>/dev/null)" = nss ]; then
  log "note: the cached worker's SRTP uses NSS (slower); remove $WORKER_DIR to rebuild it with OpenSSL"
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
