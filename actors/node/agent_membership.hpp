#pragma once

// The node agent's side of pool membership (KJ thread): taking the
// membership a monitor hands over at peer probe (Management.adopt: cluster
// id, monitor list, credential, all durable before the reply), leaving it
// at peer detach (Management.release), and running this daemon's own
// check-in (actors/node/checkin_client) while it belongs to a cluster.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/membership/credentials.hpp"
#include "actors/rpc/rpc_context.hpp"

namespace gd::node {

/// Management.adopt: "" once this daemon durably belongs to cluster `id`
/// with `monitors` and `credential` (its check-in restarted), else why it
/// cannot (nothing changed then, unless saving failed midway: the
/// credential is written first).
std::string join_cluster(rpc::rpc_context& ctx, std::uint64_t id,
                         const std::vector<std::string>& monitors,
                         const std::optional<membership::key>& credential);

/// Management.release: leaves cluster `id` (ignored if this daemon belongs
/// to another or runs a monitor); durable, check-in stopped. Returns "" or
/// why it could not be saved.
std::string leave_cluster(rpc::rpc_context& ctx, std::uint64_t id);

/// Starts (or restarts, after an adopt) this daemon's own check-in, if it
/// belongs to a cluster and holds a credential; stops it otherwise.
void restart_checkin(rpc::rpc_context& ctx);

} // namespace gd::node
