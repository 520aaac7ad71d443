#include "cmd/glsim/sim_agent.hpp"

#include <algorithm>
#include <stdexcept>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <capnp/rpc-twoparty.h>
#include <kj/debug.h>

#include "protocol/management.capnp.h"

namespace gd::glsim {

namespace schema = proto::schema;

namespace {

constexpr unsigned management_port = 24007;

struct quiet_errors : kj::TaskSet::ErrorHandler {
  void taskFailed(kj::Exception&&) override {
    // nop: a connection that fails is simply gone
  }
};

quiet_errors quiet;

std::string str(capnp::Text::Reader t) {
  return {t.cStr(), t.size()};
}

} // namespace

/// One accepted connection; members are destroyed in reverse order (RPC
/// system, then network, then stream), as Cap'n Proto requires.
struct sim_agent::server_connection {
  kj::Own<kj::AsyncIoStream> stream;
  capnp::TwoPartyVatNetwork network;
  capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc;

  server_connection(kj::Own<kj::AsyncIoStream> s,
                    capnp::Capability::Client bootstrap)
    : stream(kj::mv(s)),
      network(*stream, capnp::rpc::twoparty::Side::SERVER),
      rpc(capnp::makeRpcServer(network, kj::mv(bootstrap))) {
    // nop
  }
};

/// The agent's Management service: what a monitor calls during a probe
/// (info, adopt) and a detach (release). Other methods throw
/// "unimplemented" (the generated defaults).
class sim_agent::management final : public schema::Management::Server {
public:
  explicit management(sim_agent& agent) : agent_(agent) {
    // nop
  }

protected:
  kj::Promise<void> info(InfoContext c) override {
    auto i = c.getResults().initInfo();
    i.setName("glsim-" + std::to_string(agent_.index_));
    i.setId(0);
    i.setAddress(agent_.address_);
    i.setClusterId(agent_.cluster_id_);
    i.setMonitor(false);
    i.setVersion("glsim");
    i.setUuid(agent_.uuid_);
    auto l = i.initMonitors(static_cast<unsigned>(agent_.monitors_.size()));
    for (unsigned k = 0; k < agent_.monitors_.size(); ++k)
      l.set(k, agent_.monitors_[k]);
    return kj::READY_NOW;
  }

  kj::Promise<void> adopt(AdoptContext c) override {
    auto p = c.getParams();
    std::vector<std::string> monitors;
    for (auto m : p.getMonitors())
      monitors.push_back(str(m));
    auto cred = p.getCredential();
    membership::key k{};
    if (cred.size() != k.size()) {
      c.getResults().setError("no credential given (glsim needs one)");
      return kj::READY_NOW;
    }
    std::copy(cred.begin(), cred.end(), k.begin());
    c.getResults().setError(
      agent_.adopt(p.getClusterId(), std::move(monitors), k));
    return kj::READY_NOW;
  }

  kj::Promise<void> release(ReleaseContext c) override {
    if (c.getParams().getClusterId() == agent_.cluster_id_) {
      agent_.stop_checkins();
      agent_.adopted_ = false;
      agent_.cluster_id_ = 0;
      agent_.monitors_.clear();
    }
    return kj::READY_NOW;
  }

private:
  sim_agent& agent_;
};

sim_agent::sim_agent(kj::AsyncIoContext& io, std::size_t index,
                     std::string ip, std::string uuid,
                     agent_settings settings, observer on_outcome)
  : io_(io),
    index_(index),
    ip_(std::move(ip)),
    uuid_(std::move(uuid)),
    address_(ip_ + ":" + std::to_string(management_port)),
    settings_(settings),
    on_outcome_(std::move(on_outcome)),
    tasks_(std::make_unique<kj::TaskSet>(quiet)) {
  // nop
}

sim_agent::~sim_agent() = default;

void sim_agent::listen() {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(management_port);
  if (inet_pton(AF_INET, ip_.c_str(), &sa.sin_addr) != 1)
    throw std::runtime_error("'" + ip_ + "' is not an IPv4 address");
  try {
    auto addr = io_.provider->getNetwork().getSockaddr(
      &sa, static_cast<unsigned>(sizeof(sa)));
    listener_ = addr->listen();
  } catch (const kj::Exception& e) {
    throw std::runtime_error("cannot listen on " + address_ + ": "
                             + e.getDescription().cStr());
  }
  accepting_ = accept_loop().eagerlyEvaluate([](kj::Exception&&) {
    // nop: the listener closed
  });
}

kj::Promise<void> sim_agent::accept_loop() {
  return listener_->accept().then([this](kj::Own<kj::AsyncIoStream> s) {
    take(kj::mv(s));
    return accept_loop();
  });
}

void sim_agent::take(kj::Own<kj::AsyncIoStream> stream) {
  auto c = kj::heap<server_connection>(kj::mv(stream),
                                       kj::heap<management>(*this));
  auto* raw = c.get();
  connections_.push_back(kj::mv(c));
  tasks_->add(raw->network.onDisconnect().then([this, raw]() {
    auto it = std::find_if(connections_.begin(), connections_.end(),
                           [raw](const kj::Own<server_connection>& x) {
                             return x.get() == raw;
                           });
    if (it == connections_.end())
      return;
    // why: destroy it later, not inside its own callback.
    auto dead = kj::mv(*it);
    connections_.erase(it);
    tasks_->add(kj::evalLater([dead = kj::mv(dead)]() mutable {
      dead = nullptr;
    }));
  }));
}

void sim_agent::close_listener() {
  accepting_ = nullptr;
  listener_ = nullptr;
  if (connections_.empty())
    return;
  // why: a probe's reply may still be on its way out through one of them;
  // close them on a later turn, not inside a call.
  auto dead = kj::heap<std::vector<kj::Own<server_connection>>>(
    std::move(connections_));
  connections_.clear();
  tasks_->add(kj::evalLater([dead = kj::mv(dead)]() mutable {
    dead = nullptr;
  }));
}

std::string sim_agent::adopt(std::uint64_t cluster_id,
                             std::vector<std::string> monitors,
                             const membership::key& credential) {
  if (cluster_id == 0)
    return "cluster id 0 names no cluster";
  if (monitors.empty())
    return "no monitor address given";
  if (cluster_id_ != 0 && cluster_id_ != cluster_id)
    return "this simulated server belongs to another cluster";
  bool same = adopted_ && monitors == monitors_ && credential == credential_;
  cluster_id_ = cluster_id;
  monitors_ = std::move(monitors);
  credential_ = credential;
  adopted_ = true;
  if (!same || !client_) {
    stop_checkins();
    start_checkins(settings_.first_delay);
  }
  return "";
}

void sim_agent::start_checkins(std::chrono::milliseconds first_delay) {
  KJ_REQUIRE(adopted_, "a simulated server checks in only once adopted");
  stop_checkins();
  node::checkin_settings s;
  s.uuid = uuid_;
  s.credential = credential_;
  s.interval = settings_.interval;
  s.first_delay = first_delay;
  auto index = index_;
  auto* self = this;
  client_ = std::make_unique<node::checkin_client>(
    io_, s, monitors_, [self, index](const node::checkin_outcome& o) {
      if (self->on_outcome_)
        self->on_outcome_(index, o);
    });
  running_ = client_->run().eagerlyEvaluate([](kj::Exception&&) {
    // nop: run() never rejects
  });
}

void sim_agent::stop_checkins() {
  running_ = nullptr;
  client_.reset();
}

node::checkin_counters sim_agent::counters() const {
  return client_ ? client_->counters() : node::checkin_counters{};
}

} // namespace gd::glsim
