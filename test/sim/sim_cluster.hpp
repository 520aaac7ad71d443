#pragma once

// Deterministic simulation of a monitor ensemble, FoundationDB style, on
// CAF's test_coordinator: N members (the real Raft and config actors, memory
// Raft logs on a simulated disk whose fsyncs take time, and real LMDB state
// stores), a simulated network, and clients issuing KV operations and
// cluster commands through the requests the daemons' RPC services send, all
// in one thread and all driven by one seed.
//
// A run injects faults (drops, duplicates, delays, partitions one- and
// two-way, crashes aimed at fsync windows and elections followed by
// failovers, power cuts that undo the state store's last unflushed commit,
// corrupt logs recovered by removing and re-adding the member, membership
// changes from 1 to 5 members and back, BUGGIFY delays), checks the Raft
// invariants after every step, then checks liveness (a connected quorum
// elects a leader and commits within a bound), heals everything, reads every
// key once more, and checks that the members converged, that no
// acknowledged write was lost and that the history is linearizable.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "test/sim/sim_net.hpp"
#include "test/support/linearizability.hpp"

namespace gd::sim {

/// One step of a membership script: add member `node` (a learner, promoted
/// once caught up) or remove it (it is then stopped for good).
struct membership_step {
  enum class op : std::uint8_t { add, remove };
  op kind = op::add;
  std::size_t node = 0;
};

/// A family of faults for a run.
struct fault_mix {
  std::string name;
  /// Founding voters (m1..m<nodes>); the script may add more.
  std::size_t nodes = 3;
  net_faults net;
  /// Average simulated time between partitions (0: none), how long one
  /// lasts at most, and the share of them that cut one direction only.
  int partition_every_ms = 0;
  int partition_for_ms = 2500;
  double one_way = 0;
  /// Average simulated time between crashes (0: none), and the most a
  /// crashed member stays down.
  int crash_every_ms = 0;
  int down_for_ms = 2500;
  /// Average simulated time between crashes aimed at an fsync window (the
  /// next member to sync after that time dies before its sync completes;
  /// 0: none), and the chance that such a crash is followed within 30 ms by
  /// the leader's (a failover right after a member lost unsynced writes).
  int window_crash_every_ms = 0;
  double failover = 0;
  /// Crash a voter in the middle of an election, now and then.
  bool election_crashes = false;
  /// Chance that a new candidate gets a rival in the same term (another
  /// voter told to campaign at once): split votes, where a vote granted
  /// twice in a term would make two leaders.
  double election_storm = 0;
  /// Chance that a member that just won an election dies while its new
  /// term reaches the disk (for a lone voter, right after winning).
  double fresh_leader_crash = 0;
  /// Chance that a new leader is cut off from a random subset of followers
  /// (one way) and dies 5 to 300 ms later: entries of many terms,
  /// replicated to minorities, as in figure 8 of the Raft paper.
  double leader_churn = 0;
  /// Chance that a member dies within 100 ms after compacting its log
  /// (while its state store may not hold everything compacted).
  double compaction_crash = 0;
  /// Chance that a crashed member comes back within 1 to 20 ms (it may
  /// then get answers meant for its previous life).
  double quick_restart = 0;
  /// Forces the entries per append message (0: drawn from the seed).
  std::size_t max_append_entries = 0;
  /// Share of crashes that are power cuts: the state store also loses its
  /// last commit if it was not flushed (LMDB MDB_NOMETASYNC).
  double power_cut = 0;
  /// Chance that a member coming back finds its log corrupt: it refuses to
  /// start, and is recovered as an operator would (remove it, empty it, add
  /// it back). At most one at a time, and only while 3+ voters remain.
  double corrupt = 0;
  /// Membership changes, in order, starting 2 s into the run.
  std::vector<membership_step> membership;
  /// A cluster client drives peers, volumes and options.
  bool cluster_ops = true;
  /// BUGGIFY: random delays inside the actors (flushes, fsyncs, apply
  /// commits) and extreme knobs.
  bool buggify = false;
  /// Simulated agents checking in with the monitors' membership actors
  /// (0: no membership actors run; see sim_agents.hpp).
  std::size_t agents = 0;
};

/// The mixes `./dev test` runs.
std::vector<fault_mix> standard_mixes();

struct run_options {
  std::uint64_t seed = 1;
  fault_mix mix;
  /// Simulated time with faults and client load.
  std::chrono::milliseconds duration{8000};
  /// Liveness bound: once faults stop, a connected quorum must elect a
  /// leader and commit within this much simulated time.
  std::chrono::milliseconds liveness{8000};
  /// Simulated time to heal, finish operations and converge.
  std::chrono::milliseconds settle{10000};
  int clients = 4;
  int keys = 3;
};

struct run_result {
  /// Every invariant violation, with the step it was found at. Empty: pass.
  std::vector<std::string> violations;
  /// Hash of every delivered message and every client result, in order:
  /// equal for equal seeds.
  std::uint64_t trace_hash = 0;
  std::uint64_t steps = 0;
  std::uint64_t messages_delivered = 0;
  std::uint64_t messages_dropped = 0;
  std::size_t ops_ok = 0;
  std::size_t ops_unknown = 0;
  std::size_t cluster_ok = 0;
  std::size_t leaders_elected = 0;
  std::size_t crashes = 0;
  std::size_t window_crashes = 0;
  std::size_t power_cuts = 0;
  std::size_t commits_undone = 0;
  std::size_t partitions = 0;
  std::size_t snapshots_installed = 0;
  std::size_t membership_changes = 0;
  std::size_t corruptions = 0;
  /// Liveness proposals checked by the false-down oracle, agent deaths.
  std::size_t liveness_proposals = 0;
  std::size_t agent_deaths = 0;
  /// Simulated time from the end of the faults to a leader that committed.
  std::int64_t liveness_ms = -1;
  test::check_result linearizability;

  bool passed() const {
    return violations.empty()
           && linearizability.v == test::check_result::verdict::linearizable;
  }
  /// One line for logs.
  std::string summary() const;
};

/// Runs one seed. Never throws for a failed run: failures are in the result.
run_result run_simulation(const run_options& opts);

} // namespace gd::sim
