#!/usr/bin/env bash
# Plants known Raft, storage and membership bugs, one at a time, and counts how many
# simulation runs catch each (and whether the unit and actor tests do): a
# check of the tests themselves. Every mutant must be caught by the
# simulation, or it has a blind spot.
#
#   test/sim/mutants.sh [--seeds N] [--only NAME]   (or: ./dev mutants ...)
#
# Works on a copy of the tracked sources under build-mutants/ (the working
# tree is never touched), built with its own meson build directory.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
seeds=100
only=
while [ $# -gt 0 ]; do
  case $1 in
    --seeds) seeds=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    *) echo "usage: $0 [--seeds N] [--only NAME]" >&2; exit 2 ;;
  esac
done
[[ $seeds =~ ^[0-9]+$ ]] && [ "$seeds" -gt 0 ] \
  || { echo "mutants: --seeds wants a positive number, not '$seeds'" >&2; exit 2; }

WORK=$ROOT/build-mutants
SRC=$WORK/src
mkdir -p "$SRC"
# A copy of the tracked sources: only files whose content differs are
# copied (and so get a new time), so rebuilds stay incremental and correct
# even after an interrupted run left a mutant behind.
(cd "$ROOT" && git ls-files) | while IFS= read -r f; do
  if ! cmp -s "$ROOT/$f" "$SRC/$f"; then
    mkdir -p "$SRC/$(dirname "$f")"
    cp "$ROOT/$f" "$SRC/$f"
  fi
done
if [ ! -f "$WORK/build/build.ninja" ]; then
  meson setup "$WORK/build" "$SRC" >/dev/null
fi
UNIT_TESTS="test/unit/raft/unit_raft test/unit/store/unit_store
  test/sim/monitor_actor_test"
TARGETS="test/sim/sim_test $UNIT_TESTS"
ninja -C "$WORK/build" -j2 $TARGETS >/dev/null
MIXES=$("$WORK/build/test/sim/sim_test" --list_content 2>&1 \
        | sed -n -E 's/^mix_([a-z0-9]+).*/\1/p' | tr '\n' ' ')

# name, file, text to replace, replacement (tab-separated; \n is a newline).
# Each is a bug a Raft or storage implementation is known to get wrong.
read -r -d '' MUTANTS <<'EOF' || true
ack_before_fsync	actors/raft/node.cpp	    case message_type::timeout_now:\n      return true;	    case message_type::timeout_now:\n    case message_type::append_reply:\n      return true;
vote_before_fsync	actors/raft/node.cpp	  if (!hard_state_unsynced_ && claims_nothing_durable(m))	  if ((!hard_state_unsynced_ && claims_nothing_durable(m))\n      || m.type == message_type::vote_reply)
send_before_term_synced	actors/raft/node.cpp	  if (!hard_state_unsynced_ && claims_nothing_durable(m))	  if (claims_nothing_durable(m))
figure8_commit_old_term	actors/raft/node.cpp	  if (candidate <= commit_ || log_.term_at(candidate) != term_)	  if (candidate <= commit_)
leader_counts_unsynced_self	actors/raft/node.cpp	      matches.push_back(durable_);	      matches.push_back(log_.last_index());
read_without_quorum_round	actors/raft/node.cpp	  if (config().quorum() <= 1 && config().is_voter(opts_.id)) {	  if (true) {
vote_for_stale_log	actors/raft/node.cpp	  return last_term > my_term || (last_term == my_term && last_index >= my_last);	  return true;
compact_past_durable_state	actors/raft/raft_actor.cpp	  auto limit = std::min(st.sm_durable, st.core->commit_index());	  auto limit = st.core->commit_index();
store_open_without_flush	store/kv_store.cpp	  flush();\n}	}
read_ids_reused_after_restart	actors/raft/node.cpp	  next_read_id_ = next_random();	  next_read_id_ = 1;
confirm_answers_not_learned	actors/membership/membership_actor.cpp	      for (auto& s : c.latest)\n        learn(st, std::move(s));	      (void)c.latest;
down_without_confirmation	actors/membership/membership_actor.cpp	    if (round_complete(st)) {	    if (true) {
digests_not_learned	actors/membership/membership_actor.cpp	      for (auto& s : d.sightings)\n        learn(st, std::move(s));	      (void)d;
EOF

status=0
while IFS=$'\t' read -r name file from to; do
  [ -n "$name" ] || continue
  [ -z "$only" ] || [ "$only" = "$name" ] || continue
  cp "$SRC/$file" "$WORK/original"
  if ! python3 - "$SRC/$file" "$from" "$to" <<'PY'
import sys
path, a, b = sys.argv[1:4]
a = a.replace('\\n', '\n')
b = b.replace('\\n', '\n')
s = open(path).read()
if a not in s:
    sys.exit(1)
open(path, 'w').write(s.replace(a, b, 1))
PY
  then
    echo "$name: the code it mutates has changed; update test/sim/mutants.sh"
    status=1
    continue
  fi
  if ! ninja -C "$WORK/build" -j2 $TARGETS >"$WORK/build.log" 2>&1; then
    echo "$name: does not build (see $WORK/build.log)"
    cp "$WORK/original" "$SRC/$file"
    status=1
    continue
  fi
  line="$name:"
  total=0
  for mix in $MIXES; do
    failed=$(GD_SIM_SEEDS=$seeds "$WORK/build/test/sim/sim_test" \
               --run_test="mix_$mix" 2>&1 \
             | sed -n -E "s/^sim $mix: [0-9]+ seeds, ([0-9]+) failed.*/\1/p" \
             || true)
    failed=${failed:-?}
    line="$line $mix=$failed"
    [ "$failed" = "?" ] || total=$((total + failed))
  done
  # The unit and actor tests that exercise the same code.
  unit=missed
  for t in $UNIT_TESTS; do
    "$WORK/build/$t" >/dev/null 2>&1 || unit=caught
  done
  echo "$line total=$total unit=$unit"
  [ "$total" -gt 0 ] || status=1
  cp "$WORK/original" "$SRC/$file"
done <<<"$MUTANTS"
ninja -C "$WORK/build" -j2 $TARGETS >/dev/null 2>&1 || true
exit $status
