#pragma once

// The Cluster API (protocol/cluster.capnp) of a daemon: peers, pool and
// volumes for glcli's gluster commands. KJ thread only.
//
// A monitor serves it from its own config actor: changes are proposed as one
// Raft entry (forwarded to the leader if this monitor does not lead), reads
// are linearizable reads of the model; peer probe and peer detach are
// actors/membership/pool_admission's. An agent (a daemon
// without a monitor) proxies every call to one of the cluster's monitors
// (ctx.monitors, in order, moving on while one cannot be connected to); an
// agent outside any cluster refuses with a message that says to probe it.

#include <kj/async.h>

#include "actors/rpc/rpc_context.hpp"
#include "protocol/cluster.capnp.h"

namespace gd::rpc {

/// The Cluster capability of the daemon `ctx` is. `ctx` must outlive it.
proto::schema::Cluster::Client make_cluster_service(rpc_context& ctx);

} // namespace gd::rpc
