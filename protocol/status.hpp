#pragma once

// The business outcome of a request to the monitor cluster. Every reply that
// can fail carries one; the RPC layer maps it one-to-one onto the result
// unions of the wire schemas, and glcli onto its messages and exit codes.
// Logistics failures (an actor gone, a broken connection) are caf::error or
// kj::Exception instead, and never reach business logic.

#include <cstdint>
#include <string>

#include "protocol/raft_types.hpp"

namespace gd {

enum class status_code : std::uint8_t {
  ok = 0,
  /// This member is not the leader; retry at `leader` (if known). Nothing
  /// changed.
  not_leader = 1,
  /// The request is wrong (`message` says how). Nothing changed.
  invalid = 2,
  /// The monitor cluster has no leader, or the leader cannot reach a quorum.
  /// Nothing changed; retry later.
  no_quorum = 3,
  /// The write was proposed but its fate is unknown (the leader changed or
  /// the deadline passed before it committed): it may or may not be applied.
  unknown_outcome = 4,
  /// The deadline passed before a read could be served. Nothing changed.
  timeout = 5,
  /// A watch asked for history that compaction discarded.
  compacted = 6,
  /// Overloaded (too many uncommitted writes, leadership moving). Nothing
  /// changed; retry.
  busy = 7,
  /// The state store is (almost) full. Nothing changed.
  no_space = 8,
  /// An internal failure (e.g. a disk error). `message` says what.
  failed = 9,
  /// The object the request names does not exist. Nothing changed.
  not_found = 10,
  /// The object the request would create exists already. Nothing changed.
  exists = 11,
};

/// Returns e.g. "not_leader".
const char* to_string(status_code c);

/// True if a request that failed with `c` certainly changed nothing.
bool nothing_changed(status_code c);

/// Where the leader is, as far as the replying member knows.
struct leader_hint {
  raft::member_id id = raft::no_member;
  std::string name;
  /// "HOST:PORT", or empty if unknown.
  std::string address;
};

struct status {
  status_code code = status_code::ok;
  /// For humans; empty when ok.
  std::string message;
  /// Filled for not_leader (and whenever the replier knows a leader).
  leader_hint leader;

  bool ok() const { return code == status_code::ok; }

  static status success() { return {}; }
  static status error(status_code c, std::string msg) {
    status s;
    s.code = c;
    s.message = std::move(msg);
    return s;
  }
};

} // namespace gd
