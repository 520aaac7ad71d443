#pragma once

// Messages between the Raft actor and its neighbours: the transport (peer
// traffic), the state machine (commands, committed entries, snapshots) and
// administrators (membership, leadership, status). Plain structs; the CAF
// interfaces that carry them are in raft_actor.hpp.

#include <cstdint>
#include <string>
#include <vector>

#include "actors/raft/node.hpp"
#include "protocol/status.hpp"
#include "protocol/raft_types.hpp"

namespace gd::raft {

// -- peer traffic -------------------------------------------------------------

// snapshot_chunk, snapshot_ack and peer_batch are wire types: see
// protocol/raft_types.hpp.

/// Tells the transport where the members are (sent when the configuration
/// changes).
struct peer_directory {
  member_id self = no_member;
  std::vector<member> members;
};

/// Simulation only: asks the simulated disk to complete the log sync of
/// `member` (see raft_actor_config::disk); answered with true once done.
struct disk_sync {
  member_id member = no_member;
};

// -- Raft actor <-> state machine -----------------------------------------------

/// Asks the leader to append a command. Answered by propose_failed at once,
/// or by a proposal_result in the apply_batch of its index.
struct propose_cmd {
  std::uint64_t request_id = 0;
  std::string data;
};

struct propose_failed {
  std::uint64_t request_id = 0;
  gd::status st;
};

/// Asks for a linearizable read index (answered in a reads_ready).
struct read_index_cmd {
  std::uint64_t request_id = 0;
};

/// What became of a proposal.
enum class fate : std::uint8_t {
  /// Committed at `index`: the state machine applies it in this batch.
  applied = 1,
  /// Another entry committed at its index: it will never apply.
  dropped = 2,
  /// Its index was replaced by a snapshot: it may or may not have applied.
  unknown = 3,
};

struct proposal_result {
  std::uint64_t request_id = 0;
  log_index index = 0;
  raft::fate outcome = raft::fate::applied;
};

/// Committed entries, in index order, to apply, and the proposals they
/// settle. Entries at or below the state machine's applied index are
/// skipped by it (they were applied before a restart).
struct apply_batch {
  std::vector<entry> entries;
  std::vector<proposal_result> proposals;
};

/// Read indexes confirmed (read_state::context is the request id) or failed.
struct reads_ready {
  std::vector<read_state> reads;
  std::vector<std::uint64_t> failed;
};

/// Who leads now, as this member knows it (sent on every change).
struct leader_update {
  leader_hint leader;
  term_t term = 0;
  /// This member is the leader.
  bool is_self = false;
};

/// Asks the state machine for a consistent copy of its store in `dir`
/// (which the state machine creates).
struct make_snapshot_cmd {
  std::string dir;
};

/// A snapshot file ready to stream.
struct snapshot_file {
  std::string path;
  snapshot_meta meta;
  std::uint64_t size = 0;
  std::uint64_t checksum = 0;
};

/// Asks the state machine to replace its store by the snapshot at `path`
/// (moved, not copied). Answered with the applied index it now holds.
struct install_snapshot_cmd {
  std::string path;
  snapshot_meta meta;
};

/// The state machine's progress: entries through `applied` are applied,
/// through `durable` also flushed to disk (the log may be compacted there).
struct applied_report {
  log_index applied = 0;
  log_index durable = 0;
};

/// Asks the state machine to flush; answered with its durable index.
struct checkpoint_cmd {
  std::uint64_t seq = 0;
};

// -- administration -----------------------------------------------------------

/// Adds a monitor (as a learner, promoted once caught up) or removes one.
/// Answered once the change commits.
struct member_change {
  enum class op : std::uint8_t { add = 1, remove = 2 };
  op kind = op::add;
  /// For add: the new member. For remove: only `id` (or `name`) matters.
  member m;
};

struct member_change_result {
  gd::status st;
  /// Where the configuration entry was committed (if ok).
  log_index index = 0;
  configuration config;
};

/// Hands leadership to `target`. Answered once it leads, or with an error.
struct transfer_cmd {
  member_id target = no_member;
};

struct status_query {
  std::uint64_t seq = 0;
};

/// One member's view of the ensemble.
struct raft_status {
  member_id id = no_member;
  std::string name;
  raft::role current_role = raft::role::follower;
  term_t term = 0;
  leader_hint leader;
  log_index commit = 0;
  log_index applied = 0;
  log_index last_index = 0;
  /// Entries through this index were compacted away.
  log_index snapshot_index = 0;
  configuration config;
  /// Leader only: the others' replication progress.
  std::vector<peer_status> peers;
  /// Peer batches refused since start because their sender is not a member.
  std::uint64_t refused_batches = 0;
  /// This member leads, or follows a leader it heard from within an
  /// election timeout: the ensemble has a working quorum as far as this
  /// member can tell.
  bool leader_alive = false;
};

} // namespace gd::raft
