#pragma once

// Applies committed log entries to the state machine store. Deterministic:
// the same entries applied to the same store give the same results and the
// same store on every member, so every refusal decided here is decided alike
// everywhere. No CAF, no I/O beyond the store.

#include "actors/config/cluster_apply.hpp"
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
  /// The command's result (when st is ok and the entry is a KV command).
  kv::write_result result;
  /// What a cluster command did (its st equals `st`).
  cluster_outcome cluster;
};

/// True if `r` would write a key of the cluster model (under "/gd/"), which
/// only cluster commands may change.
bool writes_model_keys(const kv::write_request& r);

/// Applies `e` within `batch` and records it as applied:
/// - command: decoded and executed: a KV write, or a cluster command (see
///   cluster_apply.hpp). A command that cannot run (it does not decode,
///   compacts a revision out of range, writes a model key through the KV
///   API, or fails the cluster model's validation) changes nothing and
///   yields an error outcome.
/// - config: records the configuration.
/// - noop: nothing else.
/// Two tiers of failure: a command that is wrong (it does not decode, or the
/// model refuses it) is the same on every member, so it yields an error
/// outcome everywhere. A fault of this member's own store (an I/O error, a
/// stored record that does not decode) throws store_error: the member must
/// stop, naming the key, rather than diverge from its peers.
apply_outcome apply_entry(store::kv_store::write_batch& batch,
                          const raft::entry& e);

} // namespace gd::config
