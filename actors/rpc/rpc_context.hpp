#pragma once

// What the RPC side of one daemon shares: who it is, the CAF actors it
// serves, and its KJ machinery. Lives on, and is only touched from, the KJ
// thread (the CAF handles inside are thread-safe to send to).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <kj/async-io.h>
#include <kj/async.h>
#include <kj/debug.h>

#include "actors/config/config_actor.hpp"
#include "actors/raft/raft_actor.hpp"
#include "actors/rpc/log_limiter.hpp"
#include "actors/rpc/membership_service.hpp"
#include "actors/rpc/onc_door.hpp"

namespace gd::node {
class brick_agent;
}

namespace gd::rpc {

class actor_bridge;
class kj_loop;
class peer_pool;
class raft_sender;
class watch_stream;

/// Who this daemon is.
struct node_identity {
  std::string name;
  raft::member_id id = raft::no_member;
  /// Where other daemons reach it, "HOST:PORT".
  std::string address;
  /// 0 until it belongs to a cluster.
  std::uint64_t cluster_id = 0;
  bool monitor = false;
  std::string version;
  /// gluster peer UUID of this daemon.
  std::string uuid;
};

/// Requests sent to an actor whose answers come back through the KJ loop
/// (their reply promises post to it; see ask_config), by request id.
template <class Reply>
struct reply_table {
  std::uint64_t next_id = 0;
  std::map<std::uint64_t, kj::Own<kj::PromiseFulfiller<Reply>>> waiting;
};

/// What peers did to this daemon's RPC port, since it started (for the
/// operator and, later, metrics). KJ thread only.
struct rpc_counters {
  /// Connections on which a peer sent bad input (each counted once).
  std::uint64_t bad_connections = 0;
  /// Bad input by kind (a connection may show several).
  std::uint64_t garbage = 0;
  std::uint64_t oversize = 0;
  std::uint64_t truncated = 0;
  std::uint64_t protocol_violations = 0;
  std::uint64_t unknown_methods = 0;
  /// Raft batches refused at the link: malformed, or naming another
  /// sender or addressee than the link's.
  std::uint64_t malformed_raft_batches = 0;
  /// Connections closed at once because --max-connections were open.
  std::uint64_t refused_connections = 0;
  /// accept() failures (e.g. out of file descriptors); each is retried.
  std::uint64_t accept_errors = 0;
  /// Cluster changes refused because the caller may not ask for them
  /// (liveness from a client, a brick report for another server).
  std::uint64_t forbidden_changes = 0;
};

struct rpc_context {
  node_identity self;
  caf::actor_system& sys;
  kj_loop& loop;
  actor_bridge& bridge;
  peer_pool& pool;
  raft_sender& sender;
  kj::Timer& timer;
  /// The local monitor's actors; null if not a monitor (or not yet wired).
  raft::raft_actor raft;
  config::config_actor config;
  std::function<void(const std::string&)> log;
  /// Running watches, by id.
  std::map<std::uint64_t, kj::Own<watch_stream>> watches;
  std::uint64_t next_watch_id = 0;
  /// KV requests waiting for the config actor's answer.
  reply_table<config::kv_write_reply> write_replies;
  reply_table<config::kv_read_reply> read_replies;
  /// Cluster commands, model reads and watch starts waiting for the config
  /// actor.
  reply_table<config::cluster_write_reply> cluster_replies;
  reply_table<config::model_read_reply> model_replies;
  reply_table<config::kv_watch_reply> watch_replies;
  /// Agents: HOST:PORT of the cluster's monitors (they get the cluster
  /// requests). Monitors: unused (they serve them).
  std::vector<std::string> monitors;
  /// Makes a change of cluster membership durable (Management.adopt and
  /// release): the new cluster id (0: none) and monitors. Returns "" or
  /// why it could not be saved. Called on the KJ thread; null: refuse.
  std::function<std::string(std::uint64_t, const std::vector<std::string>&)>
    save_membership;
  rpc_counters counters;
  /// Rate limit of the lines about refused Raft batches.
  log_limiter raft_input_log;
  /// Resolves when the daemon starts to stop. Every chain that waits on
  /// something outside the KJ loop (an actor's answer, a peer) is joined
  /// with it (until_stopping), so at shutdown each such chain ends while
  /// this context still lives: nothing touches the context after it is
  /// destroyed (rpc_node's teardown).
  kj::ForkedPromise<void> stopping = nullptr;
  /// The KJ thread's I/O (new connections of the node agent's check-in).
  kj::AsyncIoContext* io = nullptr;
  /// Check-in membership: the monitor's service side and this daemon's own
  /// agent check-in.
  membership_link membership;
  /// Rate limit of the lines about refused membership calls.
  log_limiter membership_log;
  /// How often this daemon's agent checks in.
  std::chrono::milliseconds checkin_interval{1000};
  /// Stores this daemon's credential durably (nullopt: deletes it).
  /// Returns "" or why it could not. Null: agents refuse to be adopted.
  std::function<std::string(const std::optional<membership::key>&)>
    save_credential;
  /// The node agent's bricks: model copy, glusterfsd supervision, the
  /// service of both management-port doors. Null if not enabled.
  std::shared_ptr<node::brick_agent> bricks;
  /// What the ONC RPC door saw.
  onc_counters onc;
};

/// `p`, or a DISCONNECTED failure once the daemon starts to stop.
template <class T>
kj::Promise<T> until_stopping(rpc_context& ctx, kj::Promise<T> p) {
  return p.exclusiveJoin(ctx.stopping.addBranch().then([]() -> kj::Promise<T> {
    return KJ_EXCEPTION(DISCONNECTED, "the daemon is stopping");
  }));
}

} // namespace gd::rpc
