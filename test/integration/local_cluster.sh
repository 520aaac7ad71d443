#!/usr/bin/env bash
# ./dev up: a local cluster on loopback, the way glusterfs's own tests do it
# (tests/cluster.rc): daemon i binds 127.1.1.i:24007 with data under VAR/i;
# daemons 1-3 are monitors, the next ones agents (servers without a
# monitor) that glcli probes into the pool; daemon 1 also listens on
# localhost:24007 so glcli works with no flags. Daemons run real brick
# processes (glusterfsd) for started volumes; like under legacy glusterd
# those outlive a daemon that stops.
#
# --mount DIR (root): once the cluster is up, create volume v1 (replica 3,
# bricks 127.1.1.{1,2,3}:VAR/bricks/{1,2,3}/v1, with force: they are on the
# root partition) unless it exists, start it unless started, wait for its 3
# bricks to be online and FUSE-mount it on DIR (mount -t glusterfs).
#
# Ctrl-C unmounts DIR (if --mount), then stops every daemon cleanly, then
# the glusterfsd processes with VAR in their command line (the bricks of
# this cluster), so nothing is left running.
#
#   local_cluster.sh up BUILD_DIR VAR_DIR [--monitors 3|5] [--agents N] [--mount DIR]
set -euo pipefail

USAGE="usage: $0 up BUILD_DIR VAR_DIR [--monitors 3|5] [--agents N] [--mount DIR]"
[ $# -ge 3 ] && [ "$1" = up ] || { echo "$USAGE" >&2; exit 2; }
BUILD=$2
VAR=$3
shift 3
MONITORS=3
AGENTS=3
MOUNT=""
while [ $# -gt 0 ]; do
  case $1 in
    --monitors) MONITORS=${2:-}; shift 2 ;;
    --agents) AGENTS=${2:-}; shift 2 ;;
    --mount) [ $# -ge 2 ] && [ -n "$2" ] || { echo "local_cluster.sh: --mount needs a directory" >&2; exit 2; }
             MOUNT=$2; shift 2 ;;
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

if [ -n "$MOUNT" ]; then
  [ "$(id -u)" = 0 ] || { echo "local_cluster.sh: --mount needs root (mount -t glusterfs)" >&2; exit 1; }
  [ -x /sbin/mount.glusterfs ] || { echo "local_cluster.sh: --mount needs /sbin/mount.glusterfs (apt-get install glusterfs-client)" >&2; exit 1; }
  [ -c /dev/fuse ] || { echo "local_cluster.sh: --mount needs /dev/fuse (modprobe fuse)" >&2; exit 1; }
  mkdir -p "$MOUNT"
  MOUNT=$(cd "$MOUNT" && pwd)
  if mountpoint -q "$MOUNT"; then
    echo "local_cluster.sh: $MOUNT is already a mount point (a previous run's? umount $MOUNT)" >&2
    exit 1
  fi
fi

mkdir -p "$VAR"
# Absolute: brick paths must be, and stop_all finds this cluster's bricks
# by it.
VAR=$(cd "$VAR" && pwd)

# pids_with_arg NAME GREP_OPTION STRING: the processes named NAME (exactly)
# one of whose arguments matches the fixed string STRING (-F: contains it,
# -xF: is it).
pids_with_arg() {
  local p
  for p in $(pgrep -x "$1"); do
    tr '\0' '\n' <"/proc/$p/cmdline" 2>/dev/null | grep -q "$2" -- "$3" && echo "$p"
  done
  return 0
}

# term_and_wait PID...: SIGTERM, up to 10 s to exit, then SIGKILL (they are
# not our children: poll).
term_and_wait() {
  kill -TERM "$@" 2>/dev/null || true
  local p left=()
  for _ in $(seq 1 50); do
    left=()
    for p in "$@"; do kill -0 "$p" 2>/dev/null && left+=("$p"); done
    [ ${#left[@]} -eq 0 ] && return 0
    sleep 0.2
  done
  echo "still running after 10 s, killing: ${left[*]}"
  kill -KILL "${left[@]}" 2>/dev/null || true
}

PIDS=()
MOUNTED=""
stop_all() {
  trap - INT TERM HUP EXIT
  echo
  if [ -n "$MOUNTED" ]; then
    # The client (a glusterfs process, its last argument the mount point)
    # exits on unmount; after a lazy unmount it would wait for the last
    # open file to close, so it is stopped here too.
    local client
    client=$(pids_with_arg glusterfs -xF "$MOUNTED")
    echo "unmounting $MOUNTED (before stopping the daemons)..."
    if ! umount "$MOUNTED"; then
      echo "umount failed (busy?); detaching it instead (umount -l $MOUNTED)"
      umount -l "$MOUNTED" || true
    fi
    # shellcheck disable=SC2086
    [ -z "$client" ] || term_and_wait $client
  fi
  if [ ${#PIDS[@]} -gt 0 ]; then
    echo "stopping ${#PIDS[@]} daemons..."
    kill -TERM "${PIDS[@]}" 2>/dev/null || true
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  fi
  # Brick processes outlive their daemon (as under legacy glusterd): stop
  # this cluster's, those with VAR in their command line (pid file, log,
  # socket paths).
  local bricks
  bricks=$(pids_with_arg glusterfsd -F "$VAR/")
  if [ -n "$bricks" ]; then
    echo "stopping $(wc -w <<<"$bricks") brick processes (glusterfsd with $VAR in their command line)..."
    # shellcheck disable=SC2086
    term_and_wait $bricks
  fi
  echo "stopped; data kept under $VAR (remove it for a fresh cluster)"
}
trap stop_all INT TERM HUP EXIT

# mount_v1: v1 on 127.1.1.{1,2,3}, started, its bricks online, mounted on
# MOUNT.
mount_v1() {
  local g=("$GLCLI" --remote-host 127.1.1.1 --timeout 10) i bricks=() json online=0 live pid
  for i in 1 2 3; do bricks+=("127.1.1.$i:$VAR/bricks/$i/v1"); done
  echo
  if json=$("${g[@]}" volume info v1 --json 2>/dev/null); then
    echo "volume v1 exists (kept from an earlier run)"
  else
    # why force: the bricks are on the root partition.
    "${g[@]}" volume create v1 replica 3 "${bricks[@]}" force
    json=""
  fi
  # (volume status refuses a volume that is not started; info tells.)
  if grep -q '"statusStr":"Started"' <<<"$json"; then
    echo "volume v1 is started"
  else
    "${g[@]}" volume start v1
  fi
  # Online, and each brick's pid a live glusterfsd: right after a restart
  # volume status can still show the bricks of the previous run (stopped
  # since) as online.
  echo "waiting for v1's 3 bricks to be online..."
  for _ in $(seq 1 150); do
    json=$("${g[@]}" volume status v1 --json 2>/dev/null) || json=""
    online=$(grep -o '"online":true' <<<"$json" | wc -l || true)
    live=0
    for pid in $(grep -o '"pid":[0-9]*' <<<"$json" | cut -d: -f2 || true); do
      [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = glusterfsd ] && live=$((live + 1))
    done
    [ "$online" -ge 3 ] && [ "$live" -ge 3 ] && break
    online=0
    sleep 0.2
  done
  if [ "$online" -lt 3 ]; then
    echo "v1's 3 bricks are not all online and running after 30 s; brick logs: $VAR/<i>/logs/bricks/" >&2
    "${g[@]}" volume status v1 >&2 || true
    exit 1
  fi
  "${g[@]}" volume status v1
  local client_log
  client_log=/var/log/glusterfs/$(tr / - <<<"${MOUNT#/}").log
  if ! mount -t glusterfs 127.1.1.1:/v1 "$MOUNT"; then
    echo "mount -t glusterfs 127.1.1.1:/v1 $MOUNT failed; see $client_log" >&2
    exit 1
  fi
  MOUNTED=$MOUNT
  cat <<EOF

Volume v1 (replica 3) is mounted on $MOUNT. Try:
  echo hi > $MOUNT/x && cat $MOUNT/x
  ls -l $VAR/bricks/*/v1/x    # one copy per brick
  getfattr -d -m . -e hex $VAR/bricks/1/v1/x
Client log: $client_log
EOF
}

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
  # why setsid: a Ctrl-C at the terminal then reaches only this script,
  # which unmounts before it stops the daemons (setsid does not fork here:
  # $! is the daemon).
  setsid "$DAEMON" "${args[@]}" >>"$VAR/$i.log" 2>&1 &
  PIDS+=($!)
done

for i in $(seq $((MONITORS + 1)) $((MONITORS + AGENTS))); do
  setsid "$DAEMON" --data-dir "$VAR/$i" --listen "127.1.1.$i:24007" --name "127.1.1.$i" \
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
    vol=v1
    [ -z "$MOUNT" ] || vol=v2   # v1 is the mounted one
    b=$VAR/bricks
    cat <<EOF

The cluster is up. Try:
  $GLCLI volume create $vol replica 3 127.1.1.$first:$b/$first/$vol 127.1.1.$((first + 1)):$b/$((first + 1))/$vol 127.1.1.$last:$b/$last/$vol force
  $GLCLI volume start $vol
  $GLCLI volume info $vol
  $GLCLI volume status $vol
  $GLCLI volume set $vol performance.io-thread-count 32
  $GLCLI volume volfile $vol --client
  $GLCLI peer status
  $GLCLI kv put greeting hello && $GLCLI kv get greeting
  $GLCLI monitor status --json
EOF
    [ -z "$MOUNT" ] || mount_v1
    echo "Ctrl-C stops the cluster${MOUNT:+ (unmounting $MOUNT first)} and its brick processes."
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
