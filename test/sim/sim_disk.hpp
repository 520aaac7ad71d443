#pragma once

// The simulated disk of the members' Raft logs. A member's log writes into
// its `written` image at every sync; what survives a crash is `durable`,
// which catches up with `written` only when the fsync completes, after a
// simulated delay. Meanwhile the member waits (raft_actor_config::disk), and
// a crash in that window loses the sync: anything the member sent before it
// (which must be nothing that claims durability) may now be a lie.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/actor_system.hpp>
#include <caf/response_promise.hpp>

#include "protocol/raft_types.hpp"
#include "store/memory_raft_log.hpp"
#include "test/sim/sim_random.hpp"

namespace gd::sim {

struct disk_slot {
  /// What the current incarnation's log wrote (its memory_raft_log image).
  std::shared_ptr<store::memory_log_image> written;
  /// What a crash leaves: `written` as of the last completed fsync.
  std::shared_ptr<store::memory_log_image> durable;
  /// The Raft actor of the current incarnation; syncs of others (dead
  /// incarnations) never complete.
  caf::actor_addr owner;
};

/// Tells the disk that `member` crashed: its syncs in flight are lost and
/// their waits fail (so the killed actor can end).
struct disk_crash {
  raft::member_id member = raft::no_member;
};

/// A sync in flight.
struct disk_wait {
  raft::member_id member = raft::no_member;
  caf::actor_addr owner;
  caf::response_promise promise;
};

struct disk_state {
  sim_random rng{1};
  /// An fsync takes [min_ms, max_ms] of simulated time.
  int min_ms = 0;
  int max_ms = 3;
  std::map<raft::member_id, disk_slot> slots;
  /// Asked as a sync starts: true makes the member crash before it
  /// completes (the harness kills it and reads `crashing`).
  std::function<bool(raft::member_id)> crash_during_sync;
  std::set<raft::member_id> crashing;
  /// Called when a member's fsync completes, with what it now holds.
  std::function<void(raft::member_id, const store::memory_log_image&)>
    on_durable;
  std::uint64_t next_sync = 0;
  std::map<std::uint64_t, disk_wait> waiting;
  std::uint64_t syncs = 0;
  std::uint64_t crashes_in_sync = 0;

  static inline const char* name = "sim_disk";
};

caf::actor spawn_sim_disk(caf::actor_system& sys, std::uint64_t seed);

/// The disk's state, for the harness (test_coordinator only).
disk_state& state_of_disk(const caf::actor& disk);

/// Gives member `id` a new incarnation owned by `owner`: its written image
/// restarts from what is durable. Returns the image its log must write.
std::shared_ptr<store::memory_log_image>
start_incarnation(disk_state& d, raft::member_id id, caf::actor_addr owner);

/// The member crashed: its syncs in flight never complete (send the disk a
/// disk_crash too, so the waits end).
void crash_incarnation(disk_state& d, raft::member_id id);

} // namespace gd::sim

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::sim::disk_crash)
