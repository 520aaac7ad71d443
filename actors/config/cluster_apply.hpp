#pragma once

// Applies the cluster model's commands (peer probe/detach, volume create,
// start, stop, delete, set, reset, add-brick, remove-brick, replace-brick)
// to the KV store, deterministically: each command is validated against the
// model as of the entry being applied and then changes its keys in ONE txn
// (one revision), or changes nothing and says why. No I/O beyond the batch,
// no clocks, no randomness (ids come in the command).

#include <optional>
#include <string>

#include "protocol/cluster_types.hpp"
#include "protocol/kv_types.hpp"
#include "protocol/status.hpp"
#include "store/kv_store.hpp"

namespace gd::config {

/// What applying one cluster command did.
struct cluster_outcome {
  /// ok, or why nothing changed, in gluster's words (invalid, not_found,
  /// exists).
  gd::status st;
  /// A note for the success line (e.g. "Host h port 24007 already in peer
  /// list"); may be empty.
  std::string message;
  /// The revision of the change; 0 if it succeeded without changing
  /// anything (e.g. setting an option to the value it has).
  kv::revision revision = 0;
  /// The volume after the change, for volume commands that leave one.
  std::optional<cluster::volume> volume;
};

/// Validates and applies `c` within `batch`. Throws store_error for storage
/// failures and for a stored record that does not decode (corrupt, naming
/// the key): local faults, which stop the member.
cluster_outcome apply_cluster_command(store::kv_store::write_batch& batch,
                                      const cluster::command& c);

} // namespace gd::config
