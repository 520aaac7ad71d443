#pragma once

// The Raft ensemble member as a CAF actor: a thin shell around raft::node
// that turns time into ticks, persists before it replies, batches proposals
// (group commit: everything queued before a flush goes into one log sync),
// streams snapshots, and hands committed entries to the state machine.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/raft/raft_messages.hpp"
#include "store/kv_store.hpp"
#include "store/raft_log.hpp"

namespace gd::raft {

/// Outgoing peer traffic: the transport delivers each batch to the Raft
/// actor of `batch.to` (dropping it if that member is unreachable).
using transport_actor
  = caf::typed_actor<caf::reacts_to<peer_batch>, caf::reacts_to<peer_directory>>;

/// What the Raft actor needs of its state machine.
using state_machine_actor = caf::typed_actor<
  caf::reacts_to<apply_batch>, caf::reacts_to<reads_ready>,
  caf::reacts_to<propose_failed>, caf::reacts_to<leader_update>,
  caf::replies_to<make_snapshot_cmd>::with<snapshot_file>,
  caf::replies_to<install_snapshot_cmd>::with<log_index>,
  caf::replies_to<checkpoint_cmd>::with<log_index>>;

/// The Raft member. Peer traffic and state machine commands are one-way;
/// administrative requests are answered once they take effect.
using raft_actor = caf::typed_actor<
  caf::reacts_to<peer_batch>, caf::reacts_to<propose_cmd>,
  caf::reacts_to<read_index_cmd>, caf::reacts_to<applied_report>,
  caf::replies_to<member_change>::with<member_change_result>,
  caf::replies_to<transfer_cmd>::with<gd::status>,
  caf::replies_to<status_query>::with<raft_status>>;

struct raft_actor_config {
  node_options node;
  /// This member's name and address (for leader hints).
  std::string name;
  /// Wall time per tick of the core.
  std::chrono::milliseconds tick_interval{100};
  /// Existing directory where snapshot files are staged, on the same file
  /// system as the state machine's store (installs move files).
  std::string snapshot_dir;
  std::size_t snapshot_chunk_bytes = 1024 * 1024;
  /// A snapshot transfer with no progress for this many ticks is abandoned
  /// (and retried by the core).
  int snapshot_timeout_ticks = 50;
  /// The log is compacted once more than compact_min_entries follow its
  /// snapshot; compaction keeps the last compact_keep_entries for followers
  /// that lag a little.
  std::size_t compact_min_entries = 10000;
  std::size_t compact_keep_entries = 5000;
  /// Committed entries per apply_batch message, at most.
  std::size_t max_apply_batch = 1024;
  /// Spawn on its own thread (fsync blocks). Must be false under
  /// CAF's test_coordinator.
  bool detached = true;
  /// Receives one line per state change an operator cares about
  /// (leader elected, members changed, snapshot sent or installed).
  std::function<void(const std::string&)> on_event;
  /// Receives what an operator should look into (a slow fsync, a failed
  /// snapshot, refused or malformed peer input); on_event if unset.
  std::function<void(const std::string&)> on_warning;
  /// A log sync slower than this is reported through on_warning (0: never).
  std::chrono::milliseconds slow_sync{500};
  /// If set, peer batches go through this (called on the Raft actor's
  /// thread; must be thread-safe and must not block) instead of to the
  /// transport actor, which then only gets directory updates. The RPC side
  /// uses it to save an actor hop per batch.
  std::function<void(peer_batch)> send_batch;
  /// Simulation only: if set, each log sync also waits for this actor to
  /// answer a disk_sync (true) before the member goes on: the fsync takes
  /// simulated time, during which the member handles nothing else (as a
  /// thread blocked in fsync), and a crash meanwhile loses what it synced.
  caf::actor disk;
  /// Where BUGGIFY may delay the actor's own work.
  enum class buggify_site : std::uint8_t {
    /// Before a flush of the core's outputs.
    flush,
    /// Before the next tick (a stalled timer: elections, heartbeats and
    /// check-quorum all wait).
    tick,
  };
  /// Simulation only (BUGGIFY): asked at each site; a random extra delay
  /// (0: none).
  std::function<std::chrono::milliseconds(buggify_site)> buggify;
};

/// Reconciles `log` with the state machine's position and spawns the member.
///
/// `applied` and `applied_config` are what the state machine holds, durably
/// (the log may be compacted through `applied` at once; kv_store flushes on
/// opening). If it is ahead of the log (a snapshot was installed just before
/// a crash), the log
/// is reset to it; if it is behind the log's snapshot, the store was lost or
/// replaced and this throws store_error(corrupt): the member must not start.
///
/// The state machine must learn the returned handle before proposing.
raft_actor spawn_raft(caf::actor_system& sys, raft_actor_config cfg,
                      std::unique_ptr<store::raft_log> log,
                      const store::applied_state& applied,
                      const configuration& applied_config,
                      transport_actor transport, state_machine_actor sm);

/// For tests under CAF's test_coordinator only (the actor is not detached
/// and nothing runs concurrently): the member's Raft core and log, or
/// nullptr once the actor has terminated. Valid until the next step.
const node* inspect_core(const raft_actor& h);
const store::raft_log* inspect_log(const raft_actor& h);

} // namespace gd::raft

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::raft::peer_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::raft::disk_sync)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::raft::peer_directory)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::raft::propose_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::raft::propose_failed)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::raft::read_index_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::raft::apply_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::raft::reads_ready)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::raft::leader_update)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::raft::make_snapshot_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::raft::snapshot_file)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::raft::install_snapshot_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::raft::applied_report)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::raft::checkpoint_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::raft::member_change)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::raft::member_change_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::raft::transfer_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::raft::status_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::raft::raft_status)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::status)
