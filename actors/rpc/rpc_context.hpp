#pragma once

// What the RPC side of one daemon shares: who it is, the CAF actors it
// serves, and its KJ machinery. Lives on, and is only touched from, the KJ
// thread (the CAF handles inside are thread-safe to send to).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <kj/async-io.h>
#include <kj/async.h>

#include "actors/config/config_actor.hpp"
#include "actors/raft/raft_actor.hpp"

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
};

} // namespace gd::rpc
