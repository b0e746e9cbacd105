# Sourced by scripts/test.sh (and anything else that needs the Docker engine): starts dockerd when
# none answers, the way this kind of machine allows — no systemd, no bridge network and no
# iptables rules (containers and builds use the host network, so nothing leaves this machine's
# loopback), overlay2 storage in /var/lib/docker (the image and build caches survive runs) — and
# stops it again when the sourcing script exits, if it was started here.
dockerd_start() {
  if docker info >/dev/null 2>&1; then
    return 0
  fi
  command -v dockerd >/dev/null || { echo "dockerd is missing: run scripts/install-test-deps.sh" >&2; return 1; }
  local log=/var/log/thinpool-dockerd.log
  dockerd --bridge=none --iptables=false --ip6tables=false --storage-driver=overlay2 \
    --pidfile /run/thinpool-dockerd.pid > "$log" 2>&1 &
  DOCKERD_PID=$!
  trap dockerd_stop EXIT
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    kill -0 "$DOCKERD_PID" 2>/dev/null || break
    sleep 1
  done
  echo "dockerd did not start; its log ($log):" >&2
  tail -n 20 "$log" >&2
  return 1
}

dockerd_stop() {
  [ -n "${DOCKERD_PID:-}" ] || return 0
  kill "$DOCKERD_PID" 2>/dev/null || true
  # dockerd stops its containerd and containers first; give it the time it asks for.
  for _ in $(seq 1 30); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 1; done
  DOCKERD_PID=""
}
