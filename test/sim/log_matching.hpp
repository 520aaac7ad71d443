#pragma once

// Raft's Log Matching property, checked across all members of a simulation
// run: a log position (index, term) holds one entry ever, always after the
// same predecessor term. By induction, two logs that share a position share
// the whole prefix.
//
// Positions are recorded when they become durable on a member (its fsync
// completes), not when they are staged: a member that dies before its sync
// never held what it staged, and may stage something else there after it
// restarts (anything it sent in between is what the check is about, and
// that was made durable by whoever received it).

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "protocol/raft_types.hpp"
#include "store/memory_raft_log.hpp"

namespace gd::sim {

/// Every position every member's log has held durably.
struct log_registry {
  struct record {
    std::uint64_t payload_hash = 0;
    raft::term_t prev_term = 0;
  };
  std::map<std::pair<raft::log_index, raft::term_t>, record> seen;
  std::vector<std::string> violations;
};

/// Records the positions `image` (what `owner` now holds durably) holds, and
/// a violation for each one that another member held with different
/// content or after a different term.
void record_durable(log_registry& r, const std::string& owner,
                    const store::memory_log_image& image);

} // namespace gd::sim
