#pragma once

// The Cluster API (protocol/cluster.capnp) of a daemon: peers, pool and
// volumes for glcli's gluster commands. KJ thread only.
//
// A monitor serves it from its own config actor: changes are proposed as one
// Raft entry (forwarded to the leader if this monitor does not lead), reads
// are linearizable reads of the model. peer probe and peer detach also talk
// to the peer's daemon (Management.info, adopt, release). An agent (a daemon
// without a monitor) proxies every call to one of the cluster's monitors
// (ctx.monitors, in order, moving on while one cannot be connected to); an
// agent outside any cluster refuses with a message that says to probe it.

#include <kj/async.h>

#include "actors/rpc/rpc_context.hpp"
#include "protocol/cluster.capnp.h"

namespace gd::rpc {

/// The Cluster capability of the daemon `ctx` is. `ctx` must outlive it.
proto::schema::Cluster::Client make_cluster_service(rpc_context& ctx);

/// Monitors: makes sure this monitor is a peer of the pool (peer_add with
/// ctx.self.uuid, the host of its address, monitor = true), through
/// `cluster` (the local Cluster capability), retrying every `interval` until
/// the pool holds it. Resolves once it does, or once the pool refuses it for
/// good (logged: e.g. its host belongs to another peer). Never rejects.
kj::Promise<void> register_monitor(rpc_context& ctx,
                                   proto::schema::Cluster::Client cluster,
                                   kj::Duration interval);

} // namespace gd::rpc
