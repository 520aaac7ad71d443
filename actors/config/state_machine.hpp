#pragma once

// Applies committed log entries to the state machine store. Deterministic:
// the same entries applied to the same store give the same results and the
// same store on every member, so every refusal decided here is decided alike
// everywhere. No CAF, no I/O beyond the store.

#include "protocol/status.hpp"
#include "protocol/kv_types.hpp"
#include "protocol/raft_types.hpp"
#include "store/kv_store.hpp"

namespace gd::config {

/// What applying one committed entry did.
struct apply_outcome {
  /// ok, or why the command changed nothing (it is still applied: its
  /// index is consumed).
  gd::status st;
  /// The command's result (when st is ok and the entry is a command).
  kv::write_result result;
};

/// Applies `e` within `batch` and records it as applied:
/// - command: decoded and executed. A command that cannot run (it does not
///   decode, or compacts a revision out of range) changes nothing and yields
///   an `invalid` outcome.
/// - config: records the configuration.
/// - noop: nothing else.
/// Throws store_error only for storage failures (the member must stop).
apply_outcome apply_entry(store::kv_store::write_batch& batch,
                          const raft::entry& e);

} // namespace gd::config
