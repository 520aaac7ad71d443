#!/usr/bin/env bash
# ./dev up: a local cluster on loopback, the way glusterfs's own tests do it
# (tests/cluster.rc): daemon i binds 127.1.1.i:24007 with data under VAR/i;
# daemons 1-3 are monitors, the next ones agents (servers without a
# monitor) that glcli probes into the pool; daemon 1 also listens on
# localhost:24007 so glcli works with no flags. Ctrl-C stops every daemon
# cleanly.
#
#   local_cluster.sh up BUILD_DIR VAR_DIR [--monitors 3|5] [--agents N]
set -euo pipefail

[ $# -ge 3 ] && [ "$1" = up ] || { echo "usage: $0 up BUILD_DIR VAR_DIR [--monitors 3|5] [--agents N]" >&2; exit 2; }
BUILD=$2
VAR=$3
shift 3
MONITORS=3
AGENTS=3
while [ $# -gt 0 ]; do
  case $1 in
    --monitors) MONITORS=${2:-}; shift 2 ;;
    --agents) AGENTS=${2:-}; shift 2 ;;
    *) echo "local_cluster.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
case $MONITORS in 3|5) ;; *) echo "local_cluster.sh: --monitors must be 3 or 5" >&2; exit 2 ;; esac
[[ $AGENTS =~ ^[0-9]+$ ]] && [ "$AGENTS" -le 200 ] || { echo "local_cluster.sh: --agents must be 0..200" >&2; exit 2; }

DAEMON=$BUILD/cmd/glusterd-actor/glusterd-actor
GLCLI=$BUILD/cmd/glcli/glcli
for b in "$DAEMON" "$GLCLI"; do
  [ -x "$b" ] || { echo "local_cluster.sh: $b is missing (build first: ./dev build)" >&2; exit 1; }
done

mkdir -p "$VAR"
PIDS=()
stop_all() {
  trap - INT TERM EXIT
  if [ ${#PIDS[@]} -gt 0 ]; then
    echo
    echo "stopping ${#PIDS[@]} daemons..."
    kill -TERM "${PIDS[@]}" 2>/dev/null || true
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    echo "stopped; data kept under $VAR (remove it for a fresh cluster)"
  fi
}
trap stop_all INT TERM EXIT

INITIAL=""
for i in $(seq 1 "$MONITORS"); do
  INITIAL+="${INITIAL:+,}127.1.1.$i=127.1.1.$i:24007"
done

# One secret for the initial monitors (kept: a restart reuses the data dirs).
SECRET="$VAR/cluster.secret"
[ -f "$SECRET" ] || "$DAEMON" --make-secret "$SECRET"

for i in $(seq 1 "$MONITORS"); do
  args=(--data-dir "$VAR/$i" --listen "127.1.1.$i:24007" --name "127.1.1.$i"
        --monitor --initial-cluster "$INITIAL" --cluster-secret-file "$SECRET")
  if [ "$i" = 1 ]; then
    args+=(--listen "127.0.0.1:24007")
  fi
  "$DAEMON" "${args[@]}" >>"$VAR/$i.log" 2>&1 &
  PIDS+=($!)
done

for i in $(seq $((MONITORS + 1)) $((MONITORS + AGENTS))); do
  "$DAEMON" --data-dir "$VAR/$i" --listen "127.1.1.$i:24007" --name "127.1.1.$i" \
    >>"$VAR/$i.log" 2>&1 &
  PIDS+=($!)
done

echo "started $MONITORS monitors and $AGENTS agents (logs: $VAR/<i>.log); waiting for a leader..."
for _ in $(seq 1 100); do
  if json=$("$GLCLI" --remote-host 127.1.1.1 --timeout 2 --json monitor status 2>/dev/null) \
     && grep -q '"leader":{"name":"[^"]' <<<"$json"; then
    echo
    "$GLCLI" --remote-host 127.1.1.1 monitor status
    # Agents join the pool by peer probe (a no-op for members already in it).
    for i in $(seq $((MONITORS + 1)) $((MONITORS + AGENTS))); do
      for _ in $(seq 1 50); do
        if out=$("$GLCLI" --remote-host 127.1.1.1 --timeout 5 peer probe "127.1.1.$i" 2>&1); then
          break
        fi
        sleep 0.2
      done
      echo "$out"
    done
    # Monitors add themselves to the pool within a second or so of a leader.
    for _ in $(seq 1 50); do
      "$GLCLI" --remote-host 127.1.1.1 pool list 2>/dev/null | grep -q 'localhost' && break
      sleep 0.2
    done
    echo
    "$GLCLI" --remote-host 127.1.1.1 pool list
    last=$((MONITORS + AGENTS))
    first=$((last > 2 ? last - 2 : 1))
    cat <<EOF

The cluster is up. Try:
  $GLCLI volume create v1 replica 3 127.1.1.$first:/bricks/v1 127.1.1.$((first + 1)):/bricks/v1 127.1.1.$last:/bricks/v1
  $GLCLI volume start v1
  $GLCLI volume info v1
  $GLCLI volume set v1 performance.io-thread-count 32
  $GLCLI volume volfile v1 --client
  $GLCLI peer status
  $GLCLI kv put greeting hello && $GLCLI kv get greeting
  $GLCLI monitor status --json
Ctrl-C stops the cluster.
EOF
    wait
    exit 0
  fi
  for p in "${PIDS[@]}"; do
    kill -0 "$p" 2>/dev/null || { echo "a daemon exited; see $VAR/*.log" >&2; tail -5 "$VAR"/*.log >&2; exit 1; }
  done
  sleep 0.2
done
echo "no leader after 20 s; see $VAR/*.log" >&2
exit 1
