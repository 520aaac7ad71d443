#pragma once

// The simulated network: a transport actor that delivers peer batches between
// Raft actors under test_coordinator, and drops, duplicates, delays (hence
// reorders) and partitions them, all from one seed. A batch is delivered to
// whichever incarnation of its addressee is running when it arrives (a
// restarted member may get an answer meant for its previous life, as over a
// reconnected link), and partitions may be one-way.

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <utility>

#include <caf/actor_system.hpp>

#include "actors/raft/raft_actor.hpp"
#include "test/sim/sim_random.hpp"

namespace gd::sim {

struct net_faults {
  /// Probability that a message (or chunk, or ack) is lost.
  double drop = 0;
  /// Probability that a batch is delivered twice.
  double duplicate = 0;
  /// Delivery delay, uniform in [min_delay_ms, max_delay_ms].
  int min_delay_ms = 1;
  int max_delay_ms = 5;
  /// Probability that a batch is held up for 200 to 1500 ms (a congested
  /// queue, a retransmission): it may reach a member that restarted since.
  double long_delay = 0;
};

struct net_state {
  net_faults faults;
  sim_random rng{1};
  /// Where each member is now (its current incarnation); absent = down.
  std::map<raft::member_id, raft::raft_actor> nodes;
  /// Partition: members talk only within the same group (absent = 0).
  std::map<raft::member_id, int> group;
  /// One-way cuts: nothing from `first` reaches `second`.
  std::set<std::pair<raft::member_id, raft::member_id>> cut;
  /// Hash of everything delivered, in order (the run's trace).
  std::uint64_t trace = 0xcbf29ce484222325ULL;
  std::uint64_t delivered = 0;
  std::uint64_t dropped = 0;
  /// Sees every batch a member sends, as it leaves (the harness checks
  /// what it claims).
  std::function<void(const raft::peer_batch&)> on_send;

  /// True if a batch from `from` can reach `to` now.
  bool link_up(raft::member_id from, raft::member_id to) const;

  static inline const char* name = "sim_net";
};

raft::transport_actor spawn_sim_net(caf::actor_system& sys, net_faults faults,
                                    std::uint64_t seed);

/// The network's state, for the harness (test_coordinator only).
net_state& state_of(const raft::transport_actor& net);

/// Folds `x` into a trace hash (FNV-1a over its bytes).
void mix(std::uint64_t& trace, std::uint64_t x);

} // namespace gd::sim
