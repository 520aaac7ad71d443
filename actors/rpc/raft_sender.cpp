#include "actors/rpc/raft_sender.hpp"

#include "protocol/raft_capnp.hpp"

namespace gd::rpc {

namespace {

struct ignore_errors : kj::TaskSet::ErrorHandler {
  void taskFailed(kj::Exception&&) override {
    // nop: failures are handled in the tasks themselves
  }
};

ignore_errors ignore;

} // namespace

raft_sender::raft_sender(peer_pool& pool, std::uint64_t cluster_id,
                         raft::member_id self, std::string self_address,
                         std::string self_name, std::size_t max_inflight)
  : pool_(pool),
    cluster_id_(cluster_id),
    self_(self),
    self_address_(std::move(self_address)),
    self_name_(std::move(self_name)),
    max_inflight_(max_inflight),
    tasks_(ignore) {
  // nop
}

void raft_sender::set_directory(const std::vector<raft::member>& members) {
  for (const auto& m : members) {
    if (m.id == self_)
      continue;
    auto& p = peers_[m.id];
    p.configured = true;
    if (p.address != m.address) {
      p.address = m.address;
      p.cap = nullptr;
    }
  }
}

void raft_sender::learn(raft::member_id id, const std::string& address) {
  if (id == self_ || address.empty())
    return;
  auto& p = peers_[id];
  if (p.configured || p.address == address)
    return;
  p.address = address;
  p.cap = nullptr;
}

void raft_sender::deliver(const raft::peer_batch& batch) {
  auto it = peers_.find(batch.to);
  if (it == peers_.end() || it->second.address.empty()) {
    ++dropped_;
    return;
  }
  auto& p = it->second;
  if (p.inflight >= max_inflight_) {
    ++dropped_;
    return;
  }
  proto::schema::RaftPeer::Client cap = nullptr;
  KJ_IF_MAYBE(c, p.cap) {
    cap = *c;
  } else {
    auto req = pool_.management(p.address).raftPeerRequest();
    req.setClusterId(cluster_id_);
    req.setFrom(self_);
    req.setFromAddress(self_address_);
    req.setFromName(self_name_);
    if (prove_)
      prove_(req.initProof(), p.address);
    cap = req.send().getPeer(); // pipelined: no round trip to wait for
    p.cap = cap;
  }
  auto req = cap.deliverRequest();
  proto::to_capnp(batch, req.initBatch());
  ++p.inflight;
  auto to = batch.to;
  tasks_.add(req.send().then(
    [this, to](capnp::Response<proto::schema::RaftPeer::DeliverResults>) {
      --peers_[to].inflight;
    },
    [this, to](kj::Exception&&) {
      auto& q = peers_[to];
      --q.inflight;
      q.cap = nullptr;
      pool_.drop(q.address);
    }));
}

} // namespace gd::rpc
