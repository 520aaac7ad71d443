#pragma once

// The roles a cluster needs, derived from the committed model: for every
// started volume, the self-heal of each replica or disperse set and the
// leadership of each replica set, each with the servers eligible to hold
// it. Pure; no CAF, no I/O.
//
// Eligible: the server holds a brick of the set that is not being removed
// (remove-brick start), its peer record exists and is committed up; for
// leadership also not an arbiter brick (an arbiter holds no file data, so
// it cannot serve reads).

#include <map>
#include <string>
#include <vector>

#include "protocol/cluster_types.hpp"

namespace gd::scheduling {

struct role_task {
  /// "heal/VOL/N", "leader/VOL/N".
  std::string id;
  cluster::role_kind kind = cluster::role_kind::heal;
  std::string volume;
  std::uint32_t set = 0;
  /// Peer UUIDs, in brick order, without repeats.
  std::vector<std::string> eligible;
};

/// The task id of role `kind` of set `set` of `volume`.
std::string task_id(cluster::role_kind kind, const std::string& volume,
                    std::uint32_t set);

/// Every task `volumes` need, in volume order then set order (heal before
/// leader). `peers` by uuid.
std::vector<role_task> role_tasks(const std::vector<cluster::volume>& volumes,
                                  const std::map<std::string, cluster::peer>& peers);

} // namespace gd::scheduling
