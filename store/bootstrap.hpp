#pragma once

// Founding a new monitor ensemble: what every initial member writes before it
// starts, so that its Raft log and its state store agree on the configuration
// from the first index on.

#include "protocol/raft_types.hpp"
#include "store/kv_store.hpp"
#include "store/raft_log.hpp"

namespace gd::store {

/// Makes a blank member a founding member of an ensemble of configuration
/// `c`: its log restarts after an empty snapshot (index 0) that names `c`,
/// and its state store records `c` as the configuration in force at its
/// applied index 0. Both are durable when this returns. Precondition: the
/// log and the store are blank (nothing appended, nothing applied); throws
/// store_error(precondition) otherwise, changing nothing.
void bootstrap_member(raft_log& log, kv_store& kv,
                      const raft::configuration& c);

} // namespace gd::store
