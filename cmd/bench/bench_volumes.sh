#!/usr/bin/env bash
# Volume commands at scale: `volume create`, `volume set` and `volume info`
# latency as the pool and the volume count grow, on this machine.
#
#   cmd/bench/bench_volumes.sh BUILD_DIR [--peers N] [--volumes N]
#                              [--samples N] [--clients N] [--keep]
#                              [volumes_bench options...]
#
# 1. Builds BUILD_DIR (configured --buildtype=release if it is not yet;
#    ninja -j2: the machine is shared), then starts 3 glusterd-actor
#    monitors on 127.20.0.1-3:24007 and waits for a leader.
# 2. Starts --peers agents (default 100): plain daemons, no --monitor (no
#    Raft, no LMDB), agent i on 127.20.(1 + i/250).(1 + i%250):24007.
# 3. Runs BUILD_DIR/cmd/bench/volumes_bench against the leader: it probes
#    the agents into the pool, then creates replica-3 volumes in stages
#    (10, 100, ..., --volumes; default 1000) and measures `volume set` and
#    `volume info` at each stage (see volumes_bench.cpp). Other options
#    (--samples, --clients, --stages, --probe-clients, --timeout, --seed)
#    go to volumes_bench as they are; --target agent sends the measured
#    requests through agent a1 (which proxies them to the monitors), as an
#    admin's `gluster` on a server would.
# 4. Stops every daemon it started (SIGTERM, then SIGKILL after 20 s; also
#    on Ctrl-C or failure) and prints the table: p50/p99/mean per stage,
#    create throughput, and whether p99 `volume set` <= 50 ms held.
#
# Data, logs and the raw output go to BUILD_DIR/bench-volumes (wiped first;
# --keep leaves the daemons' data there after the run, logs are always
# kept). The default run takes under a minute on 2 cores.
#
# Exit status: 0 if everything ran and no request failed, 1 otherwise (the
# table still shows what was measured), 2 on usage errors.
set -euo pipefail

usage() { sed -n '5,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
log() { printf 'bench_volumes: %s\n' "$*" >&2; }
warn() { printf 'bench_volumes: warning: %s\n' "$*" >&2; }
die() { printf 'bench_volumes: error: %s\n' "$*" >&2; exit 1; }

[ $# -ge 1 ] || usage
case $1 in -h|--help) usage ;; esac
[ -n "$1" ] || usage
mkdir -p "$1"
BUILD_DIR=$(cd "$1" && pwd)
shift

PEERS=100
KEEP=0
BENCH_ARGS=()
LEADER_TIMEOUT=30   # seconds a fresh cluster gets to elect a leader
AGENT_TIMEOUT=60    # seconds the agents get to listen
STOP_TIMEOUT=20     # seconds a process gets to exit after SIGTERM

want_value() { [ $# -ge 2 ] || { log "$1 needs a value"; usage; }; }
while [ $# -gt 0 ]; do
  case $1 in
    --peers) want_value "$@"; PEERS=$2; shift 2 ;;
    --peers=*) PEERS=${1#*=}; shift ;;
    --keep) KEEP=1; shift ;;
    --endpoints|--endpoints=*|--peer-hosts|--peer-hosts=*|--peer-net|--peer-net=*)
      log "${1%%=*} is chosen by this script (monitors on 127.20.0.1-3, agents from 127.20.1.1)"; usage ;;
    -h|--help) usage ;;
    --*=*) BENCH_ARGS+=("$1"); shift ;;
    --*) want_value "$@"; BENCH_ARGS+=("$1" "$2"); shift 2 ;;
    *) log "unexpected argument '$1'"; usage ;;
  esac
done
[[ $PEERS =~ ^[1-9][0-9]*$ ]] || { log "--peers wants a positive number, not '$PEERS'"; usage; }
[ "$PEERS" -le 5000 ] || { log "--peers: at most 5000 agents"; usage; }

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH_DIR=$BUILD_DIR/bench-volumes
GD_BIN=$BUILD_DIR/cmd/glusterd-actor/glusterd-actor
GLCLI=$BUILD_DIR/cmd/glcli/glcli
VOLUMES_BENCH=$BUILD_DIR/cmd/bench/volumes_bench

MON_IPS=(127.20.0.1 127.20.0.2 127.20.0.3)
PORT=24007

# agent_ip I: the address of agent I (0-based); volumes_bench --peers uses
# the same rule.
agent_ip() { echo "127.20.$((1 + $1 / 250)).$((1 + $1 % 250))"; }

# ---------------------------------------------------------------- processes

STARTED=()   # pids of everything started here that may still run
BENCH_PID=""

forget_pid() {
  local keep=() p
  for p in "${STARTED[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  STARTED=("${keep[@]}")
}

# running PID: true while PID runs (a zombie waiting to be reaped does not).
running() {
  local st
  kill -0 "$1" 2>/dev/null || return 1
  st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  st=${st//[[:space:]]/}
  [ -n "$st" ] && [ "${st:0:1}" != Z ] && [ "${st:0:1}" != X ]
}

# stop_all NAME PID...: SIGTERM, wait up to STOP_TIMEOUT s in all, then
# SIGKILL. Leaves the statuses other than 0 in STOP_BAD ("pid=status ...").
STOP_BAD=""
stop_all() {
  local what=$1 pid rc t0=$SECONDS deadline
  shift
  STOP_BAD=""
  [ $# -gt 0 ] || return 0
  deadline=$((SECONDS + STOP_TIMEOUT))
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    while running "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    if running "$pid"; then
      warn "$what: pid $pid still running ${STOP_TIMEOUT} s after SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rc=0
    wait "$pid" 2>/dev/null || rc=$?
    [ $rc = 0 ] || STOP_BAD+="$pid=$rc "
    forget_pid "$pid"
  done
  log "$what: $# stopped in $((SECONDS - t0)) s${STOP_BAD:+ (exit statuses other than 0: ${STOP_BAD% })}"
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # The client first: it would report the daemons' going away as failures.
  if [ -n "${BENCH_PID:-}" ] && running "$BENCH_PID"; then
    STOP_TIMEOUT=5 stop_all volumes_bench "$BENCH_PID"
  fi
  if [ ${#STARTED[@]} -gt 0 ]; then
    log "stopping ${#STARTED[@]} process(es) still running"
    STOP_TIMEOUT=10 stop_all cleanup "${STARTED[@]}"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# listening HOST PORT: true if something accepts connections there.
listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

tail_logs() {
  local f
  for f in "$@"; do
    [ -f "$f" ] || continue
    printf -- '--- last lines of %s\n' "$f" >&2
    tail -n 15 "$f" >&2 || true
  done
}

# rss_mb PID: resident memory of PID in MB, or "?".
rss_mb() {
  awk '/^VmRSS:/ { printf "%.0f", $2 / 1024; found = 1 } END { if (!found) printf "?" }' \
    "/proc/$1/status" 2>/dev/null || echo '?'
}

# cpu_ticks PID...: user + system CPU time of the PIDs (all their threads),
# in clock ticks.
cpu_ticks() {
  local pid total=0 t
  for pid in "$@"; do
    # why: field 2 (comm) may hold spaces; count fields after its ')'.
    t=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 }') || t=0
    total=$((total + ${t:-0}))
  done
  echo "$total"
}

# cpu_share TICKS SECONDS: "N.N CPU-s (P% of one core)".
cpu_share() {
  awk -v t="$1" -v s="$2" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { c = t / hz; printf "%.1f CPU-s (%.0f%% of one core)", c, (s > 0 ? 100 * c / s : 0) }'
}

# -------------------------------------------------------------------- build

build() {
  command -v ninja >/dev/null || die "ninja is missing (apt-get install ninja-build)"
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    log "configuring $BUILD_DIR (release)"
    meson setup "$BUILD_DIR" "$ROOT" --buildtype=release -Dtests=false >/dev/null
  fi
  # why -j2: the machine has 2 cores and CAF-heavy translation units take
  # about 0.5 GB each. A no-op when ./dev has just built.
  ninja -C "$BUILD_DIR" -j2 cmd/glusterd-actor/glusterd-actor cmd/glcli/glcli \
    cmd/bench/volumes_bench >"$BUILD_DIR/bench-volumes-build.log" 2>&1 \
    || { tail -n 30 "$BUILD_DIR/bench-volumes-build.log" >&2; die "build failed (log: $BUILD_DIR/bench-volumes-build.log)"; }
}

# ----------------------------------------------------------------- monitors

MON_PIDS=()
MON_LOGS=()

# leader_glcli: prints the leader address glcli reports, if any.
leader_glcli() {
  local ip out addr
  for ip in "${MON_IPS[@]}"; do
    out=$(timeout 5 "$GLCLI" --remote-host "$ip:$PORT" --json monitor status \
            2>/dev/null | tr -d '\n') || continue
    addr=$(grep -o '"leader" *: *{[^}]*}' <<<"$out" | head -n 1 \
             | sed -n 's/.*"address" *: *"\([^"]*\)".*/\1/p')
    if [ -n "$addr" ]; then echo "$addr"; return 0; fi
  done
  return 1
}

start_monitors() {
  local i cluster="" t0 leader=""
  for i in 0 1 2; do
    cluster+="${cluster:+,}m$((i + 1))=${MON_IPS[$i]}:$PORT"
  done
  log "starting 3 monitors ($cluster)"
  mkdir -p "$BENCH_DIR/data"
  "$GD_BIN" --make-secret "$BENCH_DIR/data/cluster.secret"
  for i in 0 1 2; do
    mkdir -p "$BENCH_DIR/data/m$((i + 1))"
    MON_LOGS+=("$BENCH_DIR/logs/m$((i + 1)).log")
    "$GD_BIN" --data-dir "$BENCH_DIR/data/m$((i + 1))" \
      --listen "${MON_IPS[$i]}:$PORT" --name "m$((i + 1))" --monitor \
      --initial-cluster "$cluster" --log-level warn \
      --cluster-secret-file "$BENCH_DIR/data/cluster.secret" \
      >"${MON_LOGS[$i]}" 2>&1 &
    MON_PIDS+=($!); STARTED+=($!)
  done
  t0=$SECONDS
  while :; do
    for i in 0 1 2; do
      if ! kill -0 "${MON_PIDS[$i]}" 2>/dev/null; then
        tail_logs "${MON_LOGS[$i]}"
        die "monitor m$((i + 1)) exited during start-up; log: ${MON_LOGS[$i]}"
      fi
    done
    leader=$(leader_glcli || true)
    [ -z "$leader" ] || break
    if [ $((SECONDS - t0)) -ge $LEADER_TIMEOUT ]; then
      tail_logs "${MON_LOGS[@]}"
      die "no leader after $LEADER_TIMEOUT s ('glcli --remote-host HOST --json monitor status' names none); logs in $BENCH_DIR/logs"
    fi
    sleep 0.5
  done
  log "leader $leader after $((SECONDS - t0)) s"
  LEADER=$leader
}

# leader_pid: the pid of the monitor at LEADER (empty if none matches).
leader_pid() {
  local i
  for i in 0 1 2; do
    if [ "${MON_IPS[$i]}:$PORT" = "$LEADER" ]; then echo "${MON_PIDS[$i]}"; return 0; fi
  done
}

# ------------------------------------------------------------------- agents

AGENT_PIDS=()

start_agents() {
  local i ip t0 waiting
  log "starting $PEERS agents ($(agent_ip 0) ... $(agent_ip $((PEERS - 1))))"
  for ((i = 0; i < PEERS; i++)); do
    ip=$(agent_ip "$i")
    mkdir -p "$BENCH_DIR/data/a$((i + 1))"
    "$GD_BIN" --data-dir "$BENCH_DIR/data/a$((i + 1))" \
      --listen "$ip:$PORT" --name "a$((i + 1))" --log-level warn \
      >"$BENCH_DIR/logs/a$((i + 1)).log" 2>&1 &
    AGENT_PIDS+=($!); STARTED+=($!)
  done
  t0=$SECONDS
  i=0
  # Agents come up in order of start, mostly: wait for each in turn.
  while [ $i -lt "$PEERS" ]; do
    if ! kill -0 "${AGENT_PIDS[$i]}" 2>/dev/null; then
      tail_logs "$BENCH_DIR/logs/a$((i + 1)).log"
      die "agent a$((i + 1)) ($(agent_ip "$i")) exited during start-up; log: $BENCH_DIR/logs/a$((i + 1)).log"
    fi
    if listening "$(agent_ip "$i")" $PORT; then i=$((i + 1)); continue; fi
    if [ $((SECONDS - t0)) -ge $AGENT_TIMEOUT ]; then
      waiting=$((PEERS - i))
      tail_logs "$BENCH_DIR/logs/a$((i + 1)).log"
      die "$waiting agent(s) not listening after $AGENT_TIMEOUT s, the first a$((i + 1)) at $(agent_ip "$i"):$PORT"
    fi
    sleep 0.1
  done
  log "$PEERS agents listening after $((SECONDS - t0)) s"
}

# --------------------------------------------------------------------- main

build
for bin in "$GD_BIN" "$GLCLI" "$VOLUMES_BENCH"; do
  [ -x "$bin" ] || die "$bin is missing after the build"
done

case $BENCH_DIR in
  */bench-volumes) rm -rf "$BENCH_DIR" ;;
  *) die "refusing to wipe unexpected directory '$BENCH_DIR'" ;;
esac
mkdir -p "$BENCH_DIR/data" "$BENCH_DIR/logs"

# Every address must be free: a daemon left from another run would be
# probed (or elected) instead of ours.
for ip in "${MON_IPS[@]}"; do
  if listening "$ip" $PORT; then die "something already listens on $ip:$PORT (a daemon left from another run?)"; fi
done
for ((i = 0; i < PEERS; i++)); do
  ip=$(agent_ip "$i")
  if listening "$ip" $PORT; then die "something already listens on $ip:$PORT (a daemon left from another run?)"; fi
done

log "data, logs and raw output under $BENCH_DIR"
log "load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') (the machine is shared)"
T_START=$SECONDS
start_monitors
start_agents

OUT=$BENCH_DIR/volumes_bench.txt
log "running volumes_bench ${BENCH_ARGS[*]}"
rc=0
# CPU used by the daemons during the run: whether the agents' own chatter,
# rather than the monitors, is what loads the machine.
CPU0_MON=$(cpu_ticks "${MON_PIDS[@]}")
CPU0_AGENTS=$(cpu_ticks "${AGENT_PIDS[@]}")
T_BENCH=$(date +%s.%N)
# why: in the background, so that a SIGTERM or SIGINT sent to this script
# alone runs the trap at once (bash defers traps until a foreground child
# ends).
"$VOLUMES_BENCH" --endpoints "$(IFS=,; echo "${MON_IPS[*]/%/:$PORT}")" \
  --peers "$PEERS" --peer-net 127.20 "${BENCH_ARGS[@]}" \
  >"$OUT" 2> >(tee "$BENCH_DIR/volumes_bench.err" >&2) &
BENCH_PID=$!
STARTED+=("$BENCH_PID")
wait "$BENCH_PID" || rc=$?
forget_pid "$BENCH_PID"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
BENCH_S=$(awk -v a="$T_BENCH" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
CPU_MON=$(cpu_share $(($(cpu_ticks "${MON_PIDS[@]}") - CPU0_MON)) "$BENCH_S")
CPU_AGENTS=$(cpu_share $(($(cpu_ticks "${AGENT_PIDS[@]}") - CPU0_AGENTS)) "$BENCH_S")

# Memory after the run, before stopping: the leader holds every volume.
LPID=$(leader_pid || true)
MEM="leader monitor ${LPID:+$(rss_mb "$LPID")} MB RSS"
[ -n "$LPID" ] || MEM="leader monitor: not found among ours"
[ ${#AGENT_PIDS[@]} = 0 ] || MEM+=", agent a1 $(rss_mb "${AGENT_PIDS[0]}") MB"

STOP_FAILED=0
STOP_TIMEOUT=20 stop_all agents "${AGENT_PIDS[@]}"
[ -z "$STOP_BAD" ] || { warn "agents did not exit cleanly after SIGTERM: ${STOP_BAD% }; logs in $BENCH_DIR/logs"; STOP_FAILED=1; }
STOP_TIMEOUT=20 stop_all monitors "${MON_PIDS[@]}"
[ -z "$STOP_BAD" ] || { warn "monitors did not exit cleanly after SIGTERM: ${STOP_BAD% }; logs in $BENCH_DIR/logs"; STOP_FAILED=1; }
[ $KEEP = 1 ] || rm -rf "$BENCH_DIR/data"

echo
echo "### Volume commands at scale: $PEERS peers, 3 monitors on loopback"
echo
echo "glusterd-actor $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?')," \
     "release build; $(nproc 2>/dev/null || echo '?') cores shared by the 3 monitors," \
     "the $PEERS agents and the client; load average after the run: $LOAD_AFTER;" \
     "$MEM; whole run $((SECONDS - T_START)) s. CPU during the $BENCH_S s of" \
     "volumes_bench: the 3 monitors $CPU_MON, the $PEERS agents $CPU_AGENTS."
grep -v '^RESULT ' "$OUT" || true
grep '^RESULT ' "$OUT" | sed 's/^/    /' || true
echo
echo "Raw output and logs: $BENCH_DIR"
if [ $rc != 0 ]; then
  warn "volumes_bench exited with status $rc (failed requests are printed above and in $BENCH_DIR/volumes_bench.err)"
  exit 1
fi
[ $STOP_FAILED = 0 ] || exit 1
exit 0
