# Embedded Redis for `npm start` when REDIS_URL is unset. Sourced, never run.
# shellcheck shell=bash

free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"; }

# start_embedded_redis DIR: runs redis-server on a free loopback port with its data in DIR,
# append-only with fsync on every write (nothing acknowledged is lost), and exports REDIS_URL.
start_embedded_redis() {
  local dir="$1" port
  mkdir -p "$dir"
  port="$(free_port)"
  # setsid: Ctrl-C reaches Concord first, which closes its connections; we stop Redis after.
  setsid redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --appendonly yes \
    --appendfsync always --save '' --daemonize no --logfile "$dir/redis.log" &
  EMBEDDED_REDIS_PID=$!
  for _ in $(seq 1 50); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -p "$port" ping >/dev/null 2>&1 || { echo "[redis] did not start; see $dir/redis.log" >&2; return 1; }
  export REDIS_URL="redis://127.0.0.1:$port"
  echo "[redis] local redis-server on port $port, data in $dir" >&2
}

stop_embedded_redis() {
  if [ -n "${EMBEDDED_REDIS_PID:-}" ] && kill -0 "$EMBEDDED_REDIS_PID" 2>/dev/null; then
    redis-cli -u "$REDIS_URL" shutdown >/dev/null 2>&1 || kill "$EMBEDDED_REDIS_PID" 2>/dev/null || true
    wait "$EMBEDDED_REDIS_PID" 2>/dev/null || true
  fi
}
