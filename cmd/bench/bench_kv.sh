#!/usr/bin/env bash
# KV put benchmark: glusterd-actor's monitor cluster against a real etcd, on
# this machine, in the same run.
#
#   cmd/bench/bench_kv.sh BUILD_DIR [--clients "1 64 256"] [--total N]
#                         [--duration SEC] [--conns N] [--rounds N] [--quick]
#                         [--only gd|etcd]
#
# 1. Starts 3 glusterd-actor monitors on 127.3.1.1-3:24007 and a 3-member
#    etcd (Debian `etcd`, default durability: fsync on every commit) on
#    127.3.2.1-3 (client port 22379, peer port 22380), and waits for a
#    leader in each.
# 2. For each client count, runs --rounds rounds (default 3); each round
#    runs BUILD_DIR/cmd/bench/kv_bench against glusterd-actor and
#    etcd-loadgen (cmd/bench/etcd-loadgen, built here into BUILD_DIR)
#    against etcd with the same parameters, alternating which goes first.
#    Interleaving puts both under the same background load of this shared
#    machine; the idle cluster only sends heartbeats.
# 3. Stops both (SIGTERM) and prints one markdown table of the medians over
#    the rounds: req/s, p50 and p99 of both, and the throughput ratio.
#
# Every run writes 128-byte values to random keys out of 100,000, and sends
# everything to the leader (etcd's `benchmark --target-leader`). Requests per
# client count: 5000 at 1 client, else max(30000, 200 x clients); --quick:
# 500, else max(2000, 20 x clients), one round; --total or --duration
# override both. Connections: one per 16 clients, at most 16 (--conns
# overrides), as with etcd's benchmark --conns/--clients. --only runs one
# half.
#
# Data, logs and the raw output of every run go to BUILD_DIR/bench-data
# (wiped first).
#
# Exit status: 0 if every requested half ran, 1 if one could not (missing
# binary, no leader, failed run; the table still shows what did run), 2 on
# usage errors.
set -euo pipefail

usage() { sed -n '5,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
log() { printf 'bench_kv: %s\n' "$*" >&2; }
warn() { printf 'bench_kv: warning: %s\n' "$*" >&2; }
die() { printf 'bench_kv: error: %s\n' "$*" >&2; exit 1; }

[ $# -ge 1 ] || usage
case $1 in -h|--help) usage ;; esac
[ -d "$1" ] || die "build directory '$1' does not exist (build first: ./dev bench kv)"
BUILD_DIR=$(cd "$1" && pwd)
shift

CLIENTS="1 64 256"
TOTAL=""
DURATION=""
CONNS=""
ROUNDS=3
QUICK=0
ONLY=both
VALUE_SIZE=128
KEY_SPACE=100000
LEADER_TIMEOUT=30   # seconds a fresh cluster gets to elect a leader
STOP_TIMEOUT=20     # seconds a process gets to exit after SIGTERM

want_value() { [ $# -ge 2 ] || { log "$1 needs a value"; usage; }; }
while [ $# -gt 0 ]; do
  case $1 in
    --clients) want_value "$@"; CLIENTS=$2; shift 2 ;;
    --clients=*) CLIENTS=${1#*=}; shift ;;
    --total) want_value "$@"; TOTAL=$2; shift 2 ;;
    --total=*) TOTAL=${1#*=}; shift ;;
    --duration) want_value "$@"; DURATION=$2; shift 2 ;;
    --duration=*) DURATION=${1#*=}; shift ;;
    --conns) want_value "$@"; CONNS=$2; shift 2 ;;
    --conns=*) CONNS=${1#*=}; shift ;;
    --rounds) want_value "$@"; ROUNDS=$2; shift 2 ;;
    --rounds=*) ROUNDS=${1#*=}; shift ;;
    --only) want_value "$@"; ONLY=$2; shift 2 ;;
    --only=*) ONLY=${1#*=}; shift ;;
    --quick) QUICK=1; shift ;;
    -h|--help) usage ;;
    *) log "unknown argument '$1'"; usage ;;
  esac
done
for c in $CLIENTS; do
  [[ $c =~ ^[1-9][0-9]*$ ]] || { log "--clients wants positive numbers, not '$c'"; usage; }
done
[ -n "${CLIENTS// /}" ] || { log "--clients is empty"; usage; }
[ -z "$TOTAL" ] || [[ $TOTAL =~ ^[1-9][0-9]*$ ]] || { log "--total wants a positive number"; usage; }
[ -z "$DURATION" ] || [[ $DURATION =~ ^[0-9]+(\.[0-9]+)?$ ]] || { log "--duration wants seconds"; usage; }
[ -z "$TOTAL" ] || [ -z "$DURATION" ] || { log "give --total or --duration, not both"; usage; }
[ -z "$CONNS" ] || [[ $CONNS =~ ^[1-9][0-9]*$ ]] || { log "--conns wants a positive number"; usage; }
case $ONLY in both|gd|etcd) ;; *) log "--only wants gd or etcd"; usage ;; esac
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { log "--rounds wants a positive number"; usage; }
[ $QUICK = 0 ] || ROUNDS=1

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH_DIR=$BUILD_DIR/bench-data
GD_BIN=$BUILD_DIR/cmd/glusterd-actor/glusterd-actor
GLCLI=$BUILD_DIR/cmd/glcli/glcli
KV_BENCH=$BUILD_DIR/cmd/bench/kv_bench
LOADGEN=$BUILD_DIR/cmd/bench/etcd-loadgen
GOPATH_DEBIAN=/usr/share/gocode

GD_IPS=(127.3.1.1 127.3.1.2 127.3.1.3)
GD_PORT=24007
ETCD_IPS=(127.3.2.1 127.3.2.2 127.3.2.3)
ETCD_CLIENT_PORT=22379
ETCD_PEER_PORT=22380

# ---------------------------------------------------------------- processes

STARTED=()   # pids of everything started here that may still run

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
# SIGKILL. Leaves the exit statuses in STOP_STATUS ("pid=status ...").
STOP_STATUS=""
stop_all() {
  local what=$1 pid rc t0=$SECONDS deadline
  shift
  STOP_STATUS=""
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
    STOP_STATUS+="$pid=$rc "
    forget_pid "$pid"
  done
  log "$what: stopped in $((SECONDS - t0)) s (exit statuses: ${STOP_STATUS% })"
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ ${#STARTED[@]} -gt 0 ]; then
    log "stopping ${#STARTED[@]} process(es) still running: ${STARTED[*]}"
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

# ------------------------------------------------------------ run parameters

total_for() {
  local c=$1
  if [ -n "$TOTAL" ]; then echo "$TOTAL"
  elif [ $QUICK = 1 ]; then
    if [ "$c" -le 1 ]; then echo 500; else echo $((c * 20 > 2000 ? c * 20 : 2000)); fi
  else
    if [ "$c" -le 1 ]; then echo 5000; else echo $((c * 200 > 30000 ? c * 200 : 30000)); fi
  fi
}

# why: like etcd's benchmark (--conns/--clients), several requests share one
# connection; one connection per 16 clients, at most 16, for both systems.
conns_for() {
  local c=$1 n
  if [ -n "$CONNS" ]; then n=$CONNS; else n=$(((c + 15) / 16)); [ $n -le 16 ] || n=16; fi
  [ "$n" -le "$c" ] || n=$c
  echo "$n"
}

# field NAME LINE: the value of NAME=... in a RESULT line.
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }

declare -A RESULT_LINE   # [gd:64] = "RESULT clients=64 ..."
FAILED_HALVES=()

# run_level KIND BINARY ENDPOINTS CLIENTS ROUND: one load run; saves its
# output.
run_level() {
  local kind=$1 bin=$2 eps=$3 c=$4 round=$5 out rc=0 limit
  local conns total args
  conns=$(conns_for "$c")
  total=$(total_for "$c")
  args=(--endpoints "$eps" --clients "$c" --conns "$conns"
        --value-size "$VALUE_SIZE" --key-space "$KEY_SPACE" --target leader
        --wait-leader 10)
  if [ -n "$DURATION" ]; then
    args+=(--duration "$DURATION"); limit=$(( ${DURATION%.*} + 120 ))
  else
    args+=(--total "$total"); limit=900
  fi
  out=$BENCH_DIR/results/$kind-c$c-r$round.txt
  log "$kind: round $round, $c clients over $conns conns ($(basename "$bin") ${args[*]})"
  # why: in the background and then `wait`, so that Ctrl-C runs the trap
  # (and stops everything) at once instead of after the run.
  timeout -k 5 "$limit" "$bin" "${args[@]}" >"$out" 2>&1 &
  local loader=$!
  STARTED+=("$loader")
  wait "$loader" || rc=$?
  forget_pid "$loader"
  sed 's/^/    /' "$out" >&2
  if [ $rc = 124 ]; then warn "$kind: run with $c clients timed out after $limit s"; fi
  RESULT_LINE[$kind:$c:$round]=$(grep '^RESULT ' "$out" | tail -n 1 || true)
  if [ -z "${RESULT_LINE[$kind:$c:$round]}" ]; then
    warn "$kind: run with $c clients produced no RESULT line (exit status $rc); see $out"
    return 1
  fi
  [ $rc = 0 ] || warn "$kind: load generator exited with status $rc at $c clients; see $out"
  return 0
}

# ---------------------------------------------------------- glusterd-actor

# gd_leader_glcli: prints the leader address glcli reports, if any.
gd_leader_glcli() {
  local ip out addr
  [ -x "$GLCLI" ] || return 1
  for ip in "${GD_IPS[@]}"; do
    out=$(timeout 5 "$GLCLI" --remote-host "$ip:$GD_PORT" --json monitor status \
            2>/dev/null | tr -d '\n') || continue
    addr=$(grep -o '"leader" *: *{[^}]*}' <<<"$out" | head -n 1 \
             | sed -n 's/.*"address" *: *"\([^"]*\)".*/\1/p')
    if [ -n "$addr" ]; then echo "$addr"; return 0; fi
  done
  return 1
}

GD_EPS=""
GD_PIDS=()

# start_gd: starts the monitors and waits for a leader; sets GD_EPS and
# GD_PIDS.
start_gd() {
  local missing=() i pids=() logs=() eps="" cluster="" t0 leader=""
  [ -x "$GD_BIN" ] || missing+=("daemon $GD_BIN (cmd/glusterd-actor)")
  [ -x "$KV_BENCH" ] || missing+=("load generator $KV_BENCH (cmd/bench/kv_bench)")
  if [ ${#missing[@]} -gt 0 ]; then
    warn "glusterd-actor half skipped: missing ${missing[*]}; build them with" \
         "'ninja -C $BUILD_DIR' (or run ./dev bench kv), or pass --only etcd"
    return 1
  fi
  for i in 0 1 2; do
    if listening "${GD_IPS[$i]}" $GD_PORT; then
      warn "glusterd-actor half skipped: something already listens on ${GD_IPS[$i]}:$GD_PORT (a daemon left from another run?)"
      return 1
    fi
    eps+="${eps:+,}${GD_IPS[$i]}:$GD_PORT"
    cluster+="${cluster:+,}m$((i + 1))=${GD_IPS[$i]}:$GD_PORT"
  done

  log "glusterd-actor: starting 3 monitors ($cluster)"
  mkdir -p "$BENCH_DIR/gd"
  "$GD_BIN" --make-secret "$BENCH_DIR/gd/cluster.secret"
  for i in 0 1 2; do
    mkdir -p "$BENCH_DIR/gd/m$((i + 1))"
    logs+=("$BENCH_DIR/logs/gd-m$((i + 1)).log")
    "$GD_BIN" --data-dir "$BENCH_DIR/gd/m$((i + 1))" \
      --listen "${GD_IPS[$i]}:$GD_PORT" --name "m$((i + 1))" --monitor \
      --initial-cluster "$cluster" --log-level warn \
      --cluster-secret-file "$BENCH_DIR/gd/cluster.secret" \
      >"${logs[$i]}" 2>&1 &
    pids+=($!); STARTED+=($!)
  done

  # Leader: glcli if it is there; then a few puts through kv_bench (which
  # finds the leader itself, through Monitor.status()) show writes commit.
  t0=$SECONDS
  while :; do
    for i in 0 1 2; do
      if ! kill -0 "${pids[$i]}" 2>/dev/null; then
        tail_logs "${logs[$i]}"
        warn "glusterd-actor: monitor m$((i + 1)) exited during start-up; log: ${logs[$i]}"
        stop_all glusterd-actor "${pids[@]}"
        return 1
      fi
    done
    if [ -z "$leader" ] && [ -x "$GLCLI" ]; then leader=$(gd_leader_glcli || true); fi
    if "$KV_BENCH" --endpoints "$eps" --target leader --wait-leader 1 \
         --total 10 --timeout 2 >"$BENCH_DIR/logs/gd-probe.txt" 2>&1 \
       && grep -q '^RESULT .* errors=0' "$BENCH_DIR/logs/gd-probe.txt"; then
      if [ -x "$GLCLI" ] && [ -z "$leader" ]; then
        warn "glusterd-actor: kv_bench found a leader, but 'glcli --remote-host HOST --json monitor status' names none (no \"leader\":{...,\"address\":...} in its output?)"
      fi
      break
    fi
    if [ $((SECONDS - t0)) -ge $LEADER_TIMEOUT ]; then
      tail_logs "${logs[@]}" "$BENCH_DIR/logs/gd-probe.txt"
      local glcli_says="glcli not built"
      if [ -x "$GLCLI" ]; then glcli_says="glcli names ${leader:-no leader}"; fi
      warn "glusterd-actor: no leader accepting writes after $LEADER_TIMEOUT s ($glcli_says; kv_bench probe: $(tail -n 1 "$BENCH_DIR/logs/gd-probe.txt")); logs in $BENCH_DIR/logs"
      stop_all glusterd-actor "${pids[@]}"
      return 1
    fi
    sleep 0.5
  done
  log "glusterd-actor: leader ${leader:-found} after $((SECONDS - t0)) s"
  GD_EPS=$eps
  GD_PIDS=("${pids[@]}")
  return 0
}

stop_gd() {
  local st
  log "glusterd-actor: stopping (SIGTERM)"
  stop_all glusterd-actor "${GD_PIDS[@]}"
  for st in $STOP_STATUS; do
    [ "${st#*=}" = 0 ] || warn "glusterd-actor: pid ${st%=*} exited with status ${st#*=} after SIGTERM (expected a clean 0); logs in $BENCH_DIR/logs"
  done
}

# --------------------------------------------------------------------- etcd

ETCD_BIN=""

# Checks the etcd half's tools and builds etcd-loadgen. Fails with a message.
prepare_etcd() {
  local missing=()
  ETCD_BIN=$(command -v etcd || true)
  [ -n "$ETCD_BIN" ] || missing+=("etcd (Debian package etcd-server)")
  command -v go >/dev/null || missing+=("go (golang-go)")
  [ -d "$GOPATH_DEBIAN/src/go.etcd.io/etcd/clientv3" ] \
    || missing+=("$GOPATH_DEBIAN/src/go.etcd.io/etcd/clientv3 (golang-etcd-server-dev)")
  if [ ${#missing[@]} -gt 0 ]; then
    warn "etcd half skipped: missing ${missing[*]}; install with: apt-get install etcd-server etcd-client golang-go golang-etcd-server-dev"
    return 1
  fi
  log "etcd: building etcd-loadgen (GOPATH mode, offline) into $LOADGEN"
  mkdir -p "$(dirname "$LOADGEN")"
  # why: -p 1, the machine is shared; the go cache lives in the build dir
  # so a later run builds in a second.
  if ! (cd "$ROOT" && env -u GOFLAGS GO111MODULE=off GOPATH="$GOPATH_DEBIAN" \
          GOCACHE="${GOCACHE:-$BUILD_DIR/go-cache}" \
          go build -p 1 -o "$LOADGEN" ./cmd/bench/etcd-loadgen); then
    warn "etcd half skipped: building cmd/bench/etcd-loadgen failed"
    return 1
  fi
}

ETCD_EPS=""
ETCD_PIDS=()

# start_etcd: starts the members and waits until healthy; sets ETCD_EPS and
# ETCD_PIDS.
start_etcd() {
  local i v pids=() logs=() eps="" cluster="" t0
  # why: exported ETCD_*/ETCDCTL_* variables act as flags (and clash with
  # ours); the script's own ETCD_* variables are not exported.
  for v in $(compgen -e | grep -E '^ETCD(CTL)?_' || true); do unset "$v"; done
  for i in 0 1 2; do
    if listening "${ETCD_IPS[$i]}" $ETCD_CLIENT_PORT || listening "${ETCD_IPS[$i]}" $ETCD_PEER_PORT; then
      warn "etcd half skipped: something already listens on ${ETCD_IPS[$i]}:$ETCD_CLIENT_PORT or :$ETCD_PEER_PORT"
      return 1
    fi
    eps+="${eps:+,}${ETCD_IPS[$i]}:$ETCD_CLIENT_PORT"
    cluster+="${cluster:+,}e$((i + 1))=http://${ETCD_IPS[$i]}:$ETCD_PEER_PORT"
  done

  log "etcd: starting 3 members ($("$ETCD_BIN" --version | head -n 1); default fsync)"
  for i in 0 1 2; do
    logs+=("$BENCH_DIR/logs/etcd-e$((i + 1)).log")
    # Default durability: no unsafe flags (etcd 3.4 has no --unsafe-no-fsync;
    # 3.5+ does, and it must stay off here).
    "$ETCD_BIN" --name "e$((i + 1))" --data-dir "$BENCH_DIR/etcd/e$((i + 1))" \
      --listen-client-urls "http://${ETCD_IPS[$i]}:$ETCD_CLIENT_PORT" \
      --advertise-client-urls "http://${ETCD_IPS[$i]}:$ETCD_CLIENT_PORT" \
      --listen-peer-urls "http://${ETCD_IPS[$i]}:$ETCD_PEER_PORT" \
      --initial-advertise-peer-urls "http://${ETCD_IPS[$i]}:$ETCD_PEER_PORT" \
      --initial-cluster "$cluster" --initial-cluster-state new \
      --initial-cluster-token "bench-kv-$$" \
      --logger zap --log-outputs stderr \
      >"${logs[$i]}" 2>&1 &
    pids+=($!); STARTED+=($!)
  done

  t0=$SECONDS
  while :; do
    for i in 0 1 2; do
      if ! kill -0 "${pids[$i]}" 2>/dev/null; then
        tail_logs "${logs[$i]}"
        warn "etcd: member e$((i + 1)) exited during start-up; log: ${logs[$i]}"
        stop_all etcd "${pids[@]}"
        return 1
      fi
    done
    if command -v etcdctl >/dev/null; then
      ETCDCTL_API=3 etcdctl --endpoints="$eps" --command-timeout=2s \
        endpoint health >"$BENCH_DIR/logs/etcd-probe.txt" 2>&1 && break
    else
      # No etcdctl: etcd-loadgen waits for the leader itself.
      break
    fi
    if [ $((SECONDS - t0)) -ge $LEADER_TIMEOUT ]; then
      tail_logs "${logs[@]}" "$BENCH_DIR/logs/etcd-probe.txt"
      warn "etcd: cluster not healthy after $LEADER_TIMEOUT s; logs in $BENCH_DIR/logs"
      stop_all etcd "${pids[@]}"
      return 1
    fi
    sleep 0.5
  done
  log "etcd: healthy after $((SECONDS - t0)) s"
  ETCD_EPS=$eps
  ETCD_PIDS=("${pids[@]}")
  return 0
}

stop_etcd() {
  log "etcd: stopping (SIGTERM)"
  stop_all etcd "${ETCD_PIDS[@]}"
}

# -------------------------------------------------------------------- table

fmt_ms() { [ -n "$1" ] && printf '%.2f' "$1" || printf '—'; }
fmt_rps() { [ -n "$1" ] && printf '%.0f' "$1" || printf '—'; }

# median_line KIND CLIENTS: a RESULT-like line with the median rps, p50_ms
# and p99_ms over the rounds, and the total of errors.
median_line() {
  local kind=$1 c=$2 r line rps="" p50="" p99="" errors=0 n=0
  for r in $(seq 1 "$ROUNDS"); do
    line=${RESULT_LINE[$kind:$c:$r]:-}
    [ -n "$line" ] || continue
    rps+="$(field rps "$line") "
    p50+="$(field p50_ms "$line") "
    p99+="$(field p99_ms "$line") "
    errors=$((errors + $(field errors "$line")))
    n=$((n + 1))
  done
  [ $n -gt 0 ] || return 0
  med() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
  echo "RESULT rounds=$n rps=$(med "$rps") p50_ms=$(med "$p50") p99_ms=$(med "$p99") errors=$errors"
}

print_table() {
  local c g e g_rps e_rps ratio notes=() load
  load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
  echo
  echo "### KV put: glusterd-actor vs etcd, 3 members each on loopback"
  echo
  echo "Medians of $ROUNDS interleaved rounds per row." \
       "$VALUE_SIZE-byte values, random keys out of $KEY_SPACE, sent to the leader;" \
       "$(nproc 2>/dev/null || echo '?') cores shared by both clusters and the load generator;" \
       "load average after the runs: $load."
  if [ -n "${RESULT_LINE[*]}" ] && [ -n "$ETCD_BIN" ]; then
    echo "etcd $("$ETCD_BIN" --version | head -n 1 | sed 's/etcd Version: /v/'), default durability (fsync per commit)."
  fi
  echo
  echo "| clients | conns | glusterd-actor req/s | p50 ms | p99 ms | etcd req/s | p50 ms | p99 ms | ours/etcd |"
  echo "|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
  for c in $CLIENTS; do
    g=$(median_line gd "$c")
    e=$(median_line etcd "$c")
    g_rps=$(field rps "$g"); e_rps=$(field rps "$e")
    ratio='—'
    if [ -n "$g_rps" ] && [ -n "$e_rps" ]; then
      ratio=$(awk -v a="$g_rps" -v b="$e_rps" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "—" }')
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$c" "$(conns_for "$c")" \
      "$(fmt_rps "$g_rps")" "$(fmt_ms "$(field p50_ms "$g")")" "$(fmt_ms "$(field p99_ms "$g")")" \
      "$(fmt_rps "$e_rps")" "$(fmt_ms "$(field p50_ms "$e")")" "$(fmt_ms "$(field p99_ms "$e")")" \
      "$ratio"
    [ -z "$g" ] || [ "$(field errors "$g")" = 0 ] \
      || notes+=("glusterd-actor, $c clients: $(field errors "$g") failed puts in all (results/gd-c$c-r*.txt)")
    [ -z "$e" ] || [ "$(field errors "$e")" = 0 ] \
      || notes+=("etcd, $c clients: $(field errors "$e") failed puts in all (results/etcd-c$c-r*.txt)")
  done
  if [ ${#notes[@]} -gt 0 ]; then
    echo
    printf -- '- %s\n' "${notes[@]}"
  fi
  if [ ${#FAILED_HALVES[@]} -gt 0 ]; then
    echo
    echo "Not measured or incomplete: ${FAILED_HALVES[*]} (see the warnings above)."
  fi
  echo
  echo "Raw output and logs: $BENCH_DIR/{results,logs}"
}

# --------------------------------------------------------------------- main

case $BENCH_DIR in
  */bench-data) rm -rf "$BENCH_DIR" ;;
  *) die "refusing to wipe unexpected directory '$BENCH_DIR'" ;;
esac
mkdir -p "$BENCH_DIR/results" "$BENCH_DIR/logs"
log "data, logs and raw results under $BENCH_DIR; clients: $CLIENTS"
log "load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') (the machine is shared: compare rows of one run, not across runs)"

ETCD_READY=0
if [ "$ONLY" != gd ]; then
  # Build the loader before starting anything, so a broken Go setup fails fast.
  if prepare_etcd; then ETCD_READY=1; else FAILED_HALVES+=(etcd); fi
fi
GD_UP=0
ETCD_UP=0
if [ "$ONLY" != etcd ]; then
  if start_gd; then GD_UP=1; else FAILED_HALVES+=(glusterd-actor); fi
fi
if [ "$ONLY" != gd ] && [ $ETCD_READY = 1 ]; then
  if start_etcd; then ETCD_UP=1; else FAILED_HALVES+=(etcd); fi
fi

for c in $CLIENTS; do
  for r in $(seq 1 "$ROUNDS"); do
    # why: alternate who goes first, so neither always runs on a machine
    # still busy with the other's last requests.
    order="gd etcd"
    [ $((r % 2)) = 1 ] || order="etcd gd"
    for kind in $order; do
      if [ $kind = gd ] && [ $GD_UP = 1 ]; then
        run_level gd "$KV_BENCH" "$GD_EPS" "$c" "$r" || FAILED_HALVES+=("glusterd-actor@$c")
      elif [ $kind = etcd ] && [ $ETCD_UP = 1 ]; then
        run_level etcd "$LOADGEN" "$ETCD_EPS" "$c" "$r" || FAILED_HALVES+=("etcd@$c")
      fi
    done
  done
done

[ $GD_UP = 0 ] || stop_gd
[ $ETCD_UP = 0 ] || stop_etcd

print_table
[ ${#FAILED_HALVES[@]} = 0 ]
