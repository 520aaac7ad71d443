#pragma once

// Brick checks before a commit: a volume command that puts directories to
// use as bricks (create, add-brick, replace-brick, start) is refused, with
// glusterd's words naming host and path, before anything is committed if a
// brick's server says the directory cannot be one (Management.checkBricks:
// not absolute, not creatable, on the root partition or a mount point
// without force, part of another volume). Runs on the monitor that first
// takes the command; KJ thread only.

#include <map>
#include <string>
#include <vector>

#include <kj/async.h>

#include "actors/rpc/rpc_context.hpp"
#include "protocol/cluster_types.hpp"

namespace gd::rpc {

struct brick_check_plan {
  /// The volume the bricks are for (its UUID).
  std::string volume_id;
  bool force = false;
  std::vector<cluster::brick_spec> bricks;
};

/// Asks each brick's server (grouped: one call per server) and resolves to
/// "" if all accept, else the first refusal. `address_of` maps every name
/// of every peer (hostname, address hosts) to its daemon's HOST:PORT; a
/// brick host missing from it is left to the state machine (which refuses
/// it with its own words). A server that does not answer within
/// `timeout` refuses as glusterd does for a peer it cannot reach ("Host H
/// is not in 'Peer in Cluster' state"). Never rejects.
kj::Promise<std::string> run_brick_checks(
  rpc_context& ctx, brick_check_plan plan,
  std::map<std::string, std::string> address_of, kj::Duration timeout);

} // namespace gd::rpc
