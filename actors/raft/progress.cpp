#include "actors/raft/progress.hpp"

#include <algorithm>

namespace gd::raft {

bool progress::paused() const {
  switch (state_) {
    case state::probe:
      return probe_sent_;
    case state::replicate:
      return inflight_.size() >= max_inflight_;
    case state::snapshot:
      return true;
  }
  return true;
}

bool progress::update(log_index index) {
  bool updated = false;
  if (index > match_) {
    match_ = index;
    updated = true;
    probe_sent_ = false;
  }
  next_ = std::max(next_, index + 1);
  while (!inflight_.empty() && inflight_.front() <= index)
    inflight_.pop_front();
  return updated;
}

void progress::sent_entries(log_index last) {
  switch (state_) {
    case state::replicate:
      next_ = last + 1;
      inflight_.push_back(last);
      break;
    case state::probe:
      probe_sent_ = true;
      break;
    case state::snapshot:
      break;
  }
}

bool progress::reject(log_index rejected, log_index retry_after) {
  if (state_ == state::replicate) {
    // why: in replicate state every append after `match` is in flight; a
    // rejection at or below match answers an older append.
    if (rejected <= match_)
      return false;
    next_ = match_ + 1;
    return true;
  }
  // why: in probe state only one append is in flight, with prev = next - 1;
  // any other rejection is a stale duplicate.
  if (next_ == 0 || next_ - 1 != rejected)
    return false;
  next_ = std::max(std::min(rejected, retry_after + 1), match_ + 1);
  probe_sent_ = false;
  return true;
}

void progress::heartbeat_acknowledged() {
  probe_sent_ = false;
  if (state_ == state::replicate && inflight_.size() >= max_inflight_)
    inflight_.pop_front();
}

void progress::become_probe() {
  // why: after a snapshot the follower holds everything through the
  // snapshot, so probing restarts right after it.
  if (state_ == state::snapshot)
    next_ = std::max(match_ + 1, pending_snapshot_ + 1);
  else
    next_ = match_ + 1;
  state_ = state::probe;
  probe_sent_ = false;
  pending_snapshot_ = 0;
  inflight_.clear();
}

void progress::become_replicate() {
  state_ = state::replicate;
  next_ = match_ + 1;
  probe_sent_ = false;
  pending_snapshot_ = 0;
  inflight_.clear();
}

void progress::become_snapshot(log_index snapshot_index) {
  state_ = state::snapshot;
  pending_snapshot_ = snapshot_index;
  probe_sent_ = false;
  inflight_.clear();
}

const char* to_string(progress::state s) {
  switch (s) {
    case progress::state::probe:
      return "probe";
    case progress::state::replicate:
      return "replicate";
    case progress::state::snapshot:
      return "snapshot";
  }
  return "unknown";
}

} // namespace gd::raft
