#pragma once

// Sends Raft peer batches to other monitors over Cap'n Proto (KJ thread).
// Raft tolerates loss, so the sender drops rather than queues without bound:
// a batch for an unknown member, or beyond max_inflight unanswered batches
// to one member, is dropped; a broken connection is redialed on next use.

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include <kj/async.h>

#include "actors/rpc/peer_pool.hpp"
#include "protocol/raft.capnp.h"
#include "protocol/raft_types.hpp"

namespace gd::rpc {

class raft_sender {
public:
  raft_sender(peer_pool& pool, std::uint64_t cluster_id, raft::member_id self,
              std::string self_address, std::string self_name,
              std::size_t max_inflight = 256);

  void set_cluster_id(std::uint64_t id) { cluster_id_ = id; }

  /// Writes the proof of this monitor's membership for a link to `target`
  /// (Management.raftPeer). Unset: links carry none (and are refused).
  using prover = std::function<void(proto::schema::Proof::Builder,
                                    const std::string& target)>;
  void set_prover(prover p) { prove_ = std::move(p); }

  /// Learns where the members are (from the configuration: authoritative).
  void set_directory(const std::vector<raft::member>& members);

  /// Learns where member `id` is from its own call, unless the
  /// configuration says otherwise: a monitor that just joined knows no
  /// configuration yet and must still answer the leader.
  void learn(raft::member_id id, const std::string& address);

  /// Sends `batch` to member batch.to (or drops it; see above).
  void deliver(const raft::peer_batch& batch);

  std::uint64_t dropped() const { return dropped_; }

private:
  struct peer {
    std::string address;
    /// The address came from the configuration (not just from a call).
    bool configured = false;
    kj::Maybe<proto::schema::RaftPeer::Client> cap;
    std::size_t inflight = 0;
  };

  peer_pool& pool_;
  prover prove_;
  std::uint64_t cluster_id_;
  raft::member_id self_;
  std::string self_address_;
  std::string self_name_;
  std::size_t max_inflight_;
  std::map<raft::member_id, peer> peers_;
  std::uint64_t dropped_ = 0;
  kj::TaskSet tasks_;
};

} // namespace gd::rpc
