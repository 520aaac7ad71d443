#pragma once

// The Cap'n Proto services of a daemon (KJ thread): Management (bootstrap),
// Kv, Monitor and RaftPeer. They translate between the wire and the CAF
// actors, and forward writes and membership changes to the Raft leader.

#include <string>

#include <capnp/capability.h>

#include "actors/rpc/rpc_context.hpp"

namespace gd::rpc {

/// Returns the bootstrap capability (Management) of the daemon `ctx` is,
/// for a connection from `peer` (HOST:PORT, named in logs of refused
/// calls). `ctx` must outlive every capability handed out.
capnp::Capability::Client make_bootstrap(rpc_context& ctx, std::string peer);

/// Delivers events for watch `id` from its sink actor (KJ thread).
void deliver_watch_events(rpc_context& ctx, std::uint64_t id,
                          config::watch_events ev);

} // namespace gd::rpc
