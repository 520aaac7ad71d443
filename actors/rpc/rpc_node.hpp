#pragma once

// The RPC side of one daemon: a KJ thread that serves the management port
// (Management, Kv, Monitor, RaftPeer over Cap'n Proto), keeps connections to
// other daemons, and carries the Raft actor's peer traffic. The only place
// that sees both kj:: and caf:: (with the other files of actors/rpc/).

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>

#include "actors/config/config_actor.hpp"
#include "actors/raft/raft_actor.hpp"
#include "actors/node/brick_agent.hpp"
#include "actors/rpc/rpc_context.hpp"

namespace gd::rpc {

struct rpc_node_config {
  node_identity self;
  /// Addresses to listen on, "HOST:PORT".
  std::vector<std::string> listen;
  /// Bound on one incoming message (Cap'n Proto traversal limit): a larger
  /// one closes that connection, nothing else.
  std::size_t max_message_bytes = std::size_t{64} << 20;
  /// Bound on open incoming connections; more are closed at once.
  std::size_t max_connections = 4096;
  std::function<void(const std::string&)> log;
  /// Agents: HOST:PORT of the cluster's monitors (from the data dir).
  std::vector<std::string> monitors;
  /// Makes a change of cluster membership durable (see
  /// rpc_context::save_membership). Called on the KJ thread.
  std::function<std::string(std::uint64_t, const std::vector<std::string>&)>
    save_membership;
  /// Stores this daemon's credential (see rpc_context::save_credential).
  std::function<std::string(const std::optional<membership::key>&)>
    save_credential;
  /// Agents: the credential this daemon was admitted with (from the data
  /// dir), if any.
  std::optional<membership::key> credential;
  /// Monitors: the cluster secret.
  std::optional<membership::key> secret;
  /// How often this daemon's agent checks in.
  std::chrono::milliseconds checkin_interval{1000};
  /// Monitors: how often taken check-ins go to the membership actor and a
  /// digest to the other monitors.
  std::chrono::milliseconds digest_interval{100};
  /// The node agent's bricks (volfiles, portmap, glusterfsd supervision);
  /// nullopt: none (GlusterFS processes get errors).
  std::optional<node::brick_agent_settings> bricks;
};

class rpc_node {
public:
  /// Binds every listen address and starts serving. Throws
  /// std::runtime_error naming the address if one cannot be bound.
  rpc_node(caf::actor_system& sys, rpc_node_config cfg);

  /// Stops serving and closes every connection.
  ~rpc_node();

  rpc_node(const rpc_node&) = delete;
  rpc_node& operator=(const rpc_node&) = delete;

  /// The transport the Raft actor sends peer batches through.
  raft::transport_actor transport() const { return transport_; }

  /// A thread-safe function that hands a peer batch to the KJ thread
  /// directly (see raft_actor_config::send_batch). Valid while this lives.
  std::function<void(raft::peer_batch)> batch_sender() const;

  /// Connects the local monitor's actors (until then the KV and Monitor
  /// services answer that no monitor runs here), and starts registering
  /// this monitor as a peer of the pool (see register_monitor).
  void attach(raft::raft_actor raft, config::config_actor config,
              membership::membership_actor membership,
              std::shared_ptr<membership::admission_board> board);

  /// Sets the cluster id (when it is learned after start, e.g. on join).
  void set_cluster_id(std::uint64_t id);

  /// Stops serving (idempotent). Connections close; the destructor joins.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
  raft::transport_actor transport_;
};

} // namespace gd::rpc
