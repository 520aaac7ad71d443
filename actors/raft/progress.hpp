#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

#include "protocol/raft_types.hpp"

namespace gd::raft {

/// The leader's view of one follower's log (etcd/raft's Progress).
///
/// States:
/// - probe: the leader does not know where the logs match; it sends one
///   append at a time and backs `next` off on each rejection.
/// - replicate: the logs match through `match`; the leader streams appends
///   optimistically (pipelining), at most `max_inflight` unacknowledged.
/// - snapshot: the entries the follower needs are compacted; a snapshot is
///   being sent and nothing else is until it is reported done.
///
/// Invariant: match < next.
class progress {
public:
  enum class state : std::uint8_t { probe, replicate, snapshot };

  progress(log_index next, std::size_t max_inflight)
    : next_(next), max_inflight_(max_inflight) {
    // nop
  }

  log_index match() const { return match_; }
  log_index next() const { return next_; }
  state current_state() const { return state_; }
  log_index pending_snapshot() const { return pending_snapshot_; }

  /// True if a message from the follower arrived since the leader last
  /// checked quorum.
  bool recent_active = true;

  /// Highest heartbeat round the follower acknowledged in this term.
  std::uint64_t acked_round = 0;

  /// The leader's tick count when the follower last answered.
  std::uint64_t last_heard_tick = 0;

  /// True if the leader should not send another append now.
  bool paused() const;

  /// Records that the follower holds entries through `index`. Returns false
  /// if that is old news.
  bool update(log_index index);

  /// Records that an append ending at `last` was sent.
  void sent_entries(log_index last);

  /// Records that an empty append (a probe) was sent.
  void sent_probe() { probe_sent_ = true; }

  /// Handles a rejection of the append whose prev_index was `rejected`.
  /// `retry_after` is where the follower's log may match (from its hints).
  /// Returns false if the rejection is stale and must be ignored.
  bool reject(log_index rejected, log_index retry_after);

  /// A heartbeat reply arrived: unpause a probe and free one inflight slot,
  /// so lost appends cannot stall replication forever.
  void heartbeat_acknowledged();

  /// A snapshot transfer failed: probe again from match + 1.
  void abort_snapshot() {
    pending_snapshot_ = 0;
    become_probe();
  }

  void become_probe();
  void become_replicate();
  void become_snapshot(log_index snapshot_index);

private:
  log_index match_ = 0;
  log_index next_;
  state state_ = state::probe;
  bool probe_sent_ = false;
  log_index pending_snapshot_ = 0;
  std::size_t max_inflight_;
  /// Last index of each append in flight (replicate state), ascending.
  std::deque<log_index> inflight_;
};

/// Returns "probe", "replicate" or "snapshot".
const char* to_string(progress::state s);

} // namespace gd::raft
