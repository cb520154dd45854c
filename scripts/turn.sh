#!/usr/bin/env bash
# coturn, the TURN server that carries media for sites whose firewall lets nothing else out.
# `npm start` runs one (start_embedded_turn) when TURN_URLS is unset, like Redis; the tests run it with `run`.
# Sourced for its functions, or run:
#   bash scripts/turn.sh run DIR                 turnserver in the foreground, its config written to DIR
#   bash scripts/turn.sh config DIR              only write DIR/turnserver.conf (and the trial certificate)
#   bash scripts/turn.sh cert DIR HOST [IP]      a self-signed certificate for HOST: DIR/cert.pem, DIR/key.pem
#   bash scripts/turn.sh probe IP PORT TLS_PORT  exits 0 once a turnserver answers there over UDP, TCP and TLS
#   bash scripts/turn.sh credential SUBJECT [TTL]   a TURN username and password made from TURN_SECRET
# The environment variables and their defaults are in docs/operations.md (TURN).

# What a TURN user may never relay to, whatever TURN_ALLOWED_PEERS adds back: this host, private networks, link-local
# (cloud metadata at 169.254.169.254), carrier-grade NAT, documentation, benchmarking and reserved ranges, multicast,
# and their IPv6 counterparts (IPv4-mapped and NAT64 addresses included, which would reach the same IPv4 hosts).
TURN_DENIED_PEERS=(
  0.0.0.0-0.255.255.255 10.0.0.0-10.255.255.255 100.64.0.0-100.127.255.255 127.0.0.0-127.255.255.255
  169.254.0.0-169.254.255.255 172.16.0.0-172.31.255.255 192.0.0.0-192.0.0.255 192.0.2.0-192.0.2.255
  192.88.99.0-192.88.99.255 192.168.0.0-192.168.255.255 198.18.0.0-198.19.255.255 198.51.100.0-198.51.100.255
  203.0.113.0-203.0.113.255 224.0.0.0-255.255.255.255
  ::-::1 ::ffff:0.0.0.0-::ffff:255.255.255.255 64:ff9b::-64:ff9b::ffff:ffff 100::-100::ffff:ffff:ffff:ffff
  2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
  fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff ff00::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
)

turn_log() { printf '[turn] %s\n' "$*" >&2; }
turn_fail() { turn_log "$*"; return 1; }

# Small jobs in Node (always installed here): name resolution, this host's addresses, free ports, readiness, HMAC.
TURN_JS='
const [cmd, ...a] = process.argv.slice(1);
const os = require("os"), net = require("net"), dgram = require("dgram"), tls = require("tls");
const local = () => Object.values(os.networkInterfaces()).flat().filter((i) => i && i.family === "IPv4");
const done = (ok, line) => { if (line) console.log(line); process.exit(ok ? 0 : 1); };
if (cmd === "resolve") {
  // An IPv4 address for a name (or the address itself).
  require("dns").lookup(a[0], { family: 4 }, (err, ip) => done(!err, err ? "" : ip));
} else if (cmd === "is-local") {
  done(local().some((i) => i.address === a[0]));
} else if (cmd === "first-address") {
  const i = local().find((i) => !i.internal);
  done(Boolean(i), i ? i.address : "");
} else if (cmd === "check-ports") {
  // check-ports IP UDP_PORT TCP_PORT...: which cannot be bound (in use, or privileged for this user).
  const [ip, udp, ...tcp] = a;
  const busy = [];
  const tryTcp = (p) => new Promise((r) => { const s = net.createServer(); s.once("error", (e) => { busy.push(`TCP ${p} (${e.code})`); r(); }); s.listen(Number(p), ip, () => s.close(r)); });
  const tryUdp = (p) => new Promise((r) => { const s = dgram.createSocket("udp4"); s.once("error", (e) => { busy.push(`UDP ${p} (${e.code})`); s.close(); r(); }); s.bind(Number(p), ip, () => s.close(r)); });
  (async () => { if (udp !== "-") await tryUdp(udp); for (const p of tcp) await tryTcp(p); done(busy.length === 0, busy.join(", ")); })();
} else if (cmd === "probe") {
  // probe IP PORT TLS_PORT: a STUN Binding answered over UDP, a TCP connection, and a TLS handshake.
  const [ip, port, tlsPort] = a;
  const timer = setTimeout(() => done(false), 1000);
  const udp = new Promise((r, j) => {
    const s = dgram.createSocket("udp4");
    const req = Buffer.alloc(20); req.writeUInt16BE(0x0001, 0); req.writeUInt32BE(0x2112a442, 4); require("crypto").randomBytes(12).copy(req, 8);
    s.once("error", j); s.once("message", (m) => { s.close(); m.readUInt16BE(0) === 0x0101 ? r() : j(); });
    s.send(req, Number(port), ip);
  });
  const tcp = new Promise((r, j) => { const s = net.connect(Number(port), ip, () => { s.destroy(); r(); }); s.once("error", j); });
  const sec = new Promise((r, j) => { const s = tls.connect({ host: ip, port: Number(tlsPort), rejectUnauthorized: false }, () => { s.destroy(); r(); }); s.once("error", j); });
  Promise.all([udp, tcp, sec]).then(() => { clearTimeout(timer); done(true); }, () => { clearTimeout(timer); done(false); });
} else if (cmd === "credential") {
  const [secret, subject, ttl] = a;
  const username = `${Math.floor(Date.now() / 1000) + Number(ttl)}:${subject}`;
  const password = require("crypto").createHmac("sha1", secret).update(username).digest("base64");
  done(true, `username=${username}\npassword=${password}`);
} else {
  done(false, `unknown command ${cmd}`);
}'
turn_node() { node -e "$TURN_JS" "$@"; }

turn_is_ip() { [[ "$1" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ || ( "$1" == *:* && "$1" =~ ^[0-9A-Fa-f:.]+$ ) ]]; }
turn_is_port() { [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]; }

# Reads the environment, fills in the defaults (documented in docs/operations.md) and checks them.
# Sets TURN_HOST, TURN_LISTEN_IP, TURN_EXTERNAL_IP (empty unless behind NAT), TURN_PORT, TURN_TLS_PORT,
# TURN_RELAY_MIN_PORT, TURN_RELAY_MAX_PORT, TURN_REALM, TURN_USER_QUOTA, TURN_TOTAL_QUOTA, TURN_ALLOWED_PEERS.
turn_settings() {
  [ -n "${TURN_SECRET:-}" ] || turn_fail "TURN_SECRET is not set (the secret shared with Concord)" || return 1
  [ "${#TURN_SECRET}" -ge 16 ] || turn_fail "TURN_SECRET must be at least 16 characters" || return 1
  command -v turnserver >/dev/null || turn_fail "turnserver not found (Debian package coturn; scripts/setup.sh installs it)" || return 1
  TURN_HOST="${TURN_HOST:-${ANNOUNCED_IP:-127.0.0.1}}"
  TURN_PORT="${TURN_PORT:-3478}"
  TURN_TLS_PORT="${TURN_TLS_PORT:-443}"
  TURN_RELAY_MIN_PORT="${TURN_RELAY_MIN_PORT:-50000}"
  TURN_RELAY_MAX_PORT="${TURN_RELAY_MAX_PORT:-50999}"
  TURN_REALM="${TURN_REALM:-concord}"
  TURN_USER_QUOTA="${TURN_USER_QUOTA:-12}"
  local p
  for p in TURN_PORT TURN_TLS_PORT TURN_RELAY_MIN_PORT TURN_RELAY_MAX_PORT; do
    turn_is_port "${!p}" || turn_fail "$p must be a port number, got '${!p}'" || return 1
  done
  [ "$TURN_PORT" != "$TURN_TLS_PORT" ] || turn_fail "TURN_PORT and TURN_TLS_PORT must differ" || return 1
  [ "$TURN_RELAY_MIN_PORT" -le "$TURN_RELAY_MAX_PORT" ] ||
    turn_fail "TURN_RELAY_MIN_PORT must not be above TURN_RELAY_MAX_PORT" || return 1
  TURN_TOTAL_QUOTA="${TURN_TOTAL_QUOTA:-$((TURN_RELAY_MAX_PORT - TURN_RELAY_MIN_PORT + 1))}"
  [[ "$TURN_USER_QUOTA" =~ ^[0-9]+$ && "$TURN_TOTAL_QUOTA" =~ ^[0-9]+$ ]] ||
    turn_fail "TURN_USER_QUOTA and TURN_TOTAL_QUOTA must be whole numbers" || return 1
  [[ "$TURN_REALM" =~ ^[A-Za-z0-9.-]+$ ]] || turn_fail "TURN_REALM may hold only letters, digits, '.' and '-'" || return 1

  local host_ip
  host_ip="$(turn_node resolve "$TURN_HOST")" || turn_fail "TURN_HOST '$TURN_HOST' does not resolve to an IPv4 address" || return 1
  TURN_EXTERNAL_IP=""
  if [ -z "${TURN_LISTEN_IP:-}" ]; then
    if turn_node is-local "$host_ip"; then
      TURN_LISTEN_IP="$host_ip"
    else
      # Behind NAT: listen on this host's own address, and report the public one in relay addresses.
      TURN_LISTEN_IP="$(turn_node first-address)" || turn_fail "no IPv4 address on this host to listen on" || return 1
      TURN_EXTERNAL_IP="$host_ip"
      turn_log "$TURN_HOST ($host_ip) is not an address of this host: listening on $TURN_LISTEN_IP (set TURN_LISTEN_IP to choose)"
    fi
  elif [ "$host_ip" != "$TURN_LISTEN_IP" ] && ! turn_node is-local "$host_ip"; then
    TURN_EXTERNAL_IP="$host_ip"
  fi
  [[ "$TURN_LISTEN_IP" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || turn_fail "TURN_LISTEN_IP must be an IPv4 address, got '$TURN_LISTEN_IP'" || return 1

  # The deployment's own media addresses, the only private ones TURN may relay to: by default this node's.
  if [ -z "${TURN_ALLOWED_PEERS:-}" ]; then
    if [ -n "${ANNOUNCED_IP:-}" ]; then
      TURN_ALLOWED_PEERS="$(turn_node resolve "$ANNOUNCED_IP")" ||
        turn_fail "ANNOUNCED_IP '$ANNOUNCED_IP' does not resolve to an IPv4 address" || return 1
    elif [ -n "${RTC_LISTEN_IP:-}" ] && [ "$RTC_LISTEN_IP" != 0.0.0.0 ]; then
      TURN_ALLOWED_PEERS="$RTC_LISTEN_IP"
    else
      TURN_ALLOWED_PEERS=127.0.0.1
    fi
  fi
  # `none`: not even this node (a TURN server for other hosts' nodes, or a test).
  [ "$TURN_ALLOWED_PEERS" != none ] || TURN_ALLOWED_PEERS=""
  local peer
  for peer in ${TURN_ALLOWED_PEERS//,/ }; do
    turn_is_ip "${peer%%-*}" && turn_is_ip "${peer#*-}" ||
      turn_fail "TURN_ALLOWED_PEERS: '$peer' is not an IP address or a range first-last" || return 1
  done
}

# turn_cert DIR HOST [IP]: a self-signed certificate for HOST (and IP), made again when missing, for another host,
# or expiring within a week. For trials: browsers accept it only when told to trust it (docs/operations.md).
turn_cert() {
  local dir="$1" host="$2" ip="${3:-}" san
  mkdir -p "$dir"
  if [[ "$host" =~ ^[0-9]+(\.[0-9]+){3}$ ]]; then san="IP:$host"; else san="DNS:$host"; fi
  [ -z "$ip" ] || [ "$ip" = "$host" ] || san="$san,IP:$ip"
  if [ -s "$dir/cert.pem" ] && [ -s "$dir/key.pem" ] && [ "$(cat "$dir/san" 2>/dev/null)" = "$san" ] &&
    openssl x509 -in "$dir/cert.pem" -noout -checkend 604800 >/dev/null 2>&1; then
    return 0
  fi
  (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 \
    -subj "/CN=$host" -addext "subjectAltName=$san" -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null) ||
    turn_fail "openssl could not make a certificate in $dir" || return 1
  chmod 644 "$dir/cert.pem"
  echo "$san" > "$dir/san"
  turn_log "self-signed TLS certificate for $san in $dir (set TURN_TLS_CERT and TURN_TLS_KEY for a real one)"
}

# turn_config DIR LOG: writes DIR/turnserver.conf from the settings (turn_settings first); LOG is coturn's log-file.
turn_config() {
  local dir="$1" log="$2" cert key peer loopback=""
  mkdir -p "$dir"
  if [ -n "${TURN_TLS_CERT:-}" ] || [ -n "${TURN_TLS_KEY:-}" ]; then
    cert="${TURN_TLS_CERT:-}" key="${TURN_TLS_KEY:-}"
    [ -r "$cert" ] && [ -r "$key" ] || turn_fail "TURN_TLS_CERT and TURN_TLS_KEY must both name readable PEM files" || return 1
  else
    turn_cert "$dir/tls" "$TURN_HOST" "$TURN_LISTEN_IP" || return 1
    cert="$dir/tls/cert.pem" key="$dir/tls/key.pem"
  fi
  for peer in ${TURN_ALLOWED_PEERS//,/ }; do
    [[ "$peer" == 127.* ]] && loopback=1
  done
  local conf="$dir/turnserver.conf"
  (
    umask 077
    {
      echo "# Written by scripts/turn.sh from the environment at every start: edit the variables, not this file."
      echo "listening-ip=$TURN_LISTEN_IP"
      echo "relay-ip=$TURN_LISTEN_IP"
      # Behind NAT: the public address in relay addresses. Not the public/private form, with which coturn would add
      # the private address to the allowed peers, opening this host's own services to the relay.
      [ -z "$TURN_EXTERNAL_IP" ] || echo "external-ip=$TURN_EXTERNAL_IP"
      echo "listening-port=$TURN_PORT"
      echo "tls-listening-port=$TURN_TLS_PORT"
      echo "min-port=$TURN_RELAY_MIN_PORT"
      echo "max-port=$TURN_RELAY_MAX_PORT"
      echo "# Time-limited credentials: username <expiry>:<subject>, password base64(HMAC-SHA1(secret, username))."
      echo "use-auth-secret"
      echo "static-auth-secret=$TURN_SECRET"
      echo "realm=$TURN_REALM"
      echo "fingerprint"
      echo "stale-nonce=600"
      echo "user-quota=$TURN_USER_QUOTA"
      echo "total-quota=$TURN_TOTAL_QUOTA"
      echo "cert=$cert"
      echo "pkey=$key"
      echo "no-tlsv1"
      echo "no-tlsv1_1"
      echo "# Browsers reach TURN over UDP, TCP or TLS and relay over UDP only: no DTLS listener, no TCP relays."
      echo "no-dtls"
      echo "no-tcp-relay"
      echo "no-cli"
      echo "no-multicast-peers"
      echo "no-software-attribute"
      echo "no-rfc5780"
      echo "no-stun-backward-compatibility"
      echo "response-origin-only-with-rfc5780"
      for peer in "${TURN_DENIED_PEERS[@]}"; do echo "denied-peer-ip=$peer"; done
      # coturn refuses loopback peers before it reads the allowed list; the denied 127.0.0.0/8 above still
      # keeps every loopback address but the allowed ones out.
      [ -z "$loopback" ] || echo "allow-loopback-peers"
      for peer in ${TURN_ALLOWED_PEERS//,/ }; do echo "allowed-peer-ip=$peer"; done
      # Run as root (npm start with sudo, the tests): coturn drops to the Debian package's user once it listens.
      if [ "$(id -u)" = 0 ] && id turnserver >/dev/null 2>&1; then
        echo "proc-user=turnserver"
        echo "proc-group=turnserver"
      fi
      echo "pidfile=$dir/turnserver.pid"
      echo "log-file=$log"
      echo "simple-log"
    } > "$conf"
  )
  echo "$conf"
}

# The ICE server URLs browsers are given, for TURN_URLS.
turn_urls() {
  echo "turn:$TURN_HOST:$TURN_PORT?transport=udp,turn:$TURN_HOST:$TURN_PORT?transport=tcp,turns:$TURN_HOST:$TURN_TLS_PORT?transport=tcp"
}

# coturn shares its ports with any other turnserver (SO_REUSEPORT): a second one on the same ports would answer
# half the requests with another secret. So the ports must be free before it starts.
turn_check_ports() {
  local busy
  busy="$(turn_node check-ports "$TURN_LISTEN_IP" "$TURN_PORT" "$TURN_PORT" "$TURN_TLS_PORT")" && return 0
  turn_fail "cannot listen on $TURN_LISTEN_IP: $busy; another TURN server (a system coturn?) or a privileged port. Set TURN_PORT / TURN_TLS_PORT, or TURN_URLS to use a TURN server that runs already"
}

# start_embedded_turn DIR: runs turnserver for `npm start` with its config, certificate, log and pid file in DIR,
# waits until it answers on every port, and exports TURN_URLS (TURN_SECRET must be set and exported).
start_embedded_turn() {
  local dir="$1" conf tls_default=""
  [ -n "${TURN_TLS_PORT:-}" ] || tls_default=1
  turn_settings || return 1
  if [ "$TURN_RELAY_MIN_PORT" -le "${RTC_MAX_PORT:-49999}" ] && [ "$TURN_RELAY_MAX_PORT" -ge "${RTC_MIN_PORT:-40000}" ]; then
    turn_fail "TURN relay ports $TURN_RELAY_MIN_PORT-$TURN_RELAY_MAX_PORT overlap Concord's RTC ports ${RTC_MIN_PORT:-40000}-${RTC_MAX_PORT:-49999}" || return 1
  fi
  # 443 needs root and may belong to a web server: a trial falls back to coturn's usual TLS port.
  if [ -n "$tls_default" ] && ! turn_node check-ports "$TURN_LISTEN_IP" - "$TURN_TLS_PORT" >/dev/null; then
    turn_log "cannot listen on $TURN_LISTEN_IP:$TURN_TLS_PORT (TCP); TURN over TLS takes 5349 instead (set TURN_TLS_PORT)"
    TURN_TLS_PORT=5349
  fi
  # A coturn an earlier `npm start` left running (killed before it could stop it) would hold the ports.
  local old
  old="$(cat "$dir/turnserver.pid" 2>/dev/null || true)"
  if [[ "$old" =~ ^[0-9]+$ ]] && [ "$(tr '\0' ' ' < "/proc/$old/cmdline" 2>/dev/null)" = "turnserver -c $dir/turnserver.conf " ]; then
    turn_log "stopping the turnserver an earlier run left (pid $old)"
    kill "$old" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$old" 2>/dev/null || break; sleep 0.1; done
  fi
  turn_check_ports || return 1
  conf="$(turn_config "$dir" "$dir/turnserver.log")" || return 1
  # Restarted with a new config every time: the old log goes, so what is there is this run's.
  : > "$dir/turnserver.log"
  # setsid: Ctrl-C reaches Concord first; we stop coturn after.
  setsid turnserver -c "$conf" >/dev/null 2>&1 &
  EMBEDDED_TURN_PID=$!
  for _ in $(seq 1 50); do
    kill -0 "$EMBEDDED_TURN_PID" 2>/dev/null || break
    turn_node probe "$TURN_LISTEN_IP" "$TURN_PORT" "$TURN_TLS_PORT" && break
    sleep 0.2
  done
  if ! turn_node probe "$TURN_LISTEN_IP" "$TURN_PORT" "$TURN_TLS_PORT"; then
    tail -n 20 "$dir/turnserver.log" >&2
    stop_embedded_turn
    turn_fail "turnserver did not start; see $dir/turnserver.log" || return 1
  fi
  TURN_URLS="$(turn_urls)"
  export TURN_URLS
  turn_log "local coturn on $TURN_LISTEN_IP: UDP and TCP $TURN_PORT, TLS $TURN_TLS_PORT, relays $TURN_RELAY_MIN_PORT-$TURN_RELAY_MAX_PORT; log in $dir/turnserver.log"
}

stop_embedded_turn() {
  if [ -n "${EMBEDDED_TURN_PID:-}" ] && kill -0 "$EMBEDDED_TURN_PID" 2>/dev/null; then
    kill "$EMBEDDED_TURN_PID" 2>/dev/null || true
    wait "$EMBEDDED_TURN_PID" 2>/dev/null || true
  fi
  EMBEDDED_TURN_PID=""
}

# Run as a command rather than sourced.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    run)
      [ -n "${2:-}" ] || { turn_log "usage: turn.sh run DIR"; exit 2; }
      turn_settings
      turn_check_ports
      conf="$(turn_config "$2" stdout)"
      exec turnserver -c "$conf"
      ;;
    config)
      [ -n "${2:-}" ] || { turn_log "usage: turn.sh config DIR"; exit 2; }
      turn_settings
      turn_config "$2" "$2/turnserver.log"
      ;;
    cert)
      [ -n "${3:-}" ] || { turn_log "usage: turn.sh cert DIR HOST [IP]"; exit 2; }
      turn_cert "$2" "$3" "${4:-}"
      ;;
    probe)
      [ -n "${4:-}" ] || { turn_log "usage: turn.sh probe IP PORT TLS_PORT"; exit 2; }
      turn_node probe "$2" "$3" "$4"
      ;;
    credential)
      [ -n "${2:-}" ] || { turn_log "usage: turn.sh credential SUBJECT [TTL_SECONDS]"; exit 2; }
      [ -n "${TURN_SECRET:-}" ] || { turn_log "TURN_SECRET is not set"; exit 2; }
      turn_node credential "$TURN_SECRET" "$2" "${3:-3600}"
      ;;
    *)
      sed -n '2,10p' "$0" >&2
      exit 2
      ;;
  esac
fi
