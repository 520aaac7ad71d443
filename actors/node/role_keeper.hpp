#pragma once

// The node agent's view of the roles it holds: from the committed
// assignments (the model copy), the ones whose holder is this server, with
// their epochs. A role's work runs under the epoch it was taken with and
// checks `holds(task, epoch)` before every step: once the monitors gave the
// task to another server (a higher epoch) or took it away, the check fails
// and the work stands down, so a holder that was replaced while cut off
// never acts on a stale assignment. Pure; no CAF, no I/O.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "protocol/cluster_types.hpp"

namespace gd::node {

class role_keeper {
public:
  explicit role_keeper(std::string uuid) : uuid_(std::move(uuid)) {}

  /// Takes the committed assignments; returns what changed for this
  /// server, one line each ("took leader/v1/0 (epoch 3)", "gave up
  /// heal/v1/0 (epoch 2): now held by U at epoch 3").
  std::vector<std::string> update(const std::vector<cluster::role_assignment>& all);

  /// True while this server holds `task` at exactly `epoch`.
  bool holds(const std::string& task, std::uint64_t epoch) const;

  /// Task -> epoch of every role held now.
  const std::map<std::string, std::uint64_t>& held() const { return held_; }

private:
  std::string uuid_;
  std::map<std::string, std::uint64_t> held_;
};

} // namespace gd::node
