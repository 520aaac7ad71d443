#pragma once

// The pool side of membership on a monitor (KJ thread): peer probe (ask the
// daemon who it is, commit it with a fresh credential id, hand it its
// credential and the monitor list: Management.adopt), peer detach (refused
// for monitors and, without force, for a server committed down; commits the
// removal, which revokes the credential, then tells the daemon:
// Management.release), and a monitor's registration of itself as a peer.
// It is the RPC half of actors/membership: it calls other daemons over
// Cap'n Proto and the local actors through the bridge (rpc_context).

#include <functional>
#include <string>
#include <vector>

#include <kj/async.h>

#include "actors/rpc/change_outcome.hpp"
#include "actors/rpc/rpc_context.hpp"
#include "protocol/cluster.capnp.h"

namespace gd::membership {

class pool_admission {
public:
  /// Proposes a pool change (forwarded to the leader if need be).
  using propose_fn
    = std::function<kj::Promise<rpc::change_outcome>(cluster::command)>;

  pool_admission(rpc::rpc_context& ctx, propose_fn propose);

  /// peer probe HOST[:PORT] (port 24007 if none). Precondition: this daemon
  /// runs a monitor.
  kj::Promise<rpc::change_outcome> probe(const std::string& target);

  /// peer detach HOST [force]. Precondition: this daemon runs a monitor.
  kj::Promise<rpc::change_outcome> detach(const std::string& host, bool force);

private:
  using change_outcome = rpc::change_outcome;

  kj::Promise<change_outcome> adopt(const std::string& host,
                                    const std::string& address,
                                    const std::string& uuid,
                                    change_outcome added);
  kj::Promise<change_outcome> remove(const std::string& host, bool force,
                                     const cluster::peer& p);
  /// HOST:PORT of every monitor in the current configuration; empty if the
  /// local Raft actor does not answer.
  kj::Promise<std::vector<std::string>> monitor_addresses();
  template <class T>
  kj::Promise<rpc::model_result<T>> query(cluster::model_query q);

  rpc::rpc_context& ctx_;
  propose_fn propose_;
};

/// Monitors: makes sure this monitor is a peer of the pool (peer_add with
/// ctx.self.uuid, the host of its address, monitor = true), through
/// `cluster` (the local Cluster capability), retrying every `interval` until
/// the pool holds it. Resolves once it does, or once the pool refuses it for
/// good (logged: e.g. its host belongs to another peer). Never rejects.
kj::Promise<void> register_monitor(rpc::rpc_context& ctx,
                                   proto::schema::Cluster::Client cluster,
                                   kj::Duration interval);

} // namespace gd::membership
