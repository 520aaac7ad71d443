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

#include "actors/rpc/change_outcome.hpp"
#include "actors/rpc/rpc_context.hpp"
#include "protocol/cluster.capnp.h"

namespace gd::rpc {

/// Who holds a Cluster capability; decides which changes it may ask for.
/// Every caller may ask for the gluster commands; only the monitors (the
/// leader's membership) commit liveness, and a server's brick report is
/// taken only from that server's own session (or relayed by a monitor,
/// which checked it first).
struct cluster_caller {
  enum class kind {
    /// glcli or any unauthenticated connection.
    client,
    /// A server session: the caller proved the credential of `uuid`.
    server,
    /// A monitor session (proved with the monitors' key), or this daemon.
    monitor,
  };
  kind who = kind::client;
  std::string uuid;
};

/// The Cluster capability of the daemon `ctx` is, for `caller`. `ctx` must
/// outlive it.
proto::schema::Cluster::Client make_cluster_service(rpc_context& ctx,
                                                    cluster_caller caller = {});

/// Proposes `cmd` as this daemon itself (a monitor caller): to the local
/// config actor, the leader, or (agents) through a server session with a
/// monitor. Used by the node agent for its brick reports.
kj::Promise<change_outcome> propose_as_self(rpc_context& ctx,
                                            cluster::command cmd);

} // namespace gd::rpc
