#include "cmd/glsim/probe_driver.hpp"

#include <capnp/message.h>
#include <kj/debug.h>

#include "actors/rpc/peer_pool.hpp"
#include "protocol/cluster.capnp.h"
#include "protocol/kv_capnp.hpp"
#include "protocol/management.capnp.h"

namespace gd::glsim {

namespace {

kj::Duration to_kj(std::chrono::milliseconds ms) {
  return static_cast<std::int64_t>(ms.count()) * kj::MILLISECONDS;
}

} // namespace

probe_driver::probe_driver(kj::AsyncIoContext& io,
                           std::vector<std::string> monitors,
                           probe_settings settings)
  : io_(io),
    monitors_(std::move(monitors)),
    settings_(settings),
    pool_(std::make_unique<rpc::peer_pool>(io, capnp::ReaderOptions())) {
  KJ_REQUIRE(!monitors_.empty(), "probing needs at least one monitor");
  if (settings_.parallel == 0)
    settings_.parallel = 1;
  if (settings_.attempts < 1)
    settings_.attempts = 1;
}

probe_driver::~probe_driver() = default;

kj::Promise<void> probe_driver::admit(std::vector<std::string> hosts,
                                      on_prepare prepare, on_result done) {
  hosts_ = std::move(hosts);
  prepare_ = std::move(prepare);
  done_ = std::move(done);
  next_ = 0;
  auto workers = kj::heapArrayBuilder<kj::Promise<void>>(settings_.parallel);
  for (std::size_t i = 0; i < settings_.parallel; ++i)
    workers.add(worker());
  return kj::joinPromises(workers.finish());
}

kj::Promise<void> probe_driver::worker() {
  if (next_ >= hosts_.size())
    return kj::READY_NOW;
  auto index = next_++;
  if (prepare_) {
    auto err = prepare_(index);
    if (!err.empty()) {
      if (done_)
        done_(index, err);
      // why: evalLater, so a run of hosts that cannot be prepared does not
      // recurse deeply.
      return kj::evalLater([this]() { return worker(); });
    }
  }
  return probe_host(index, 0).then([this]() { return worker(); });
}

kj::Promise<void> probe_driver::probe_host(std::size_t index, int attempt) {
  return probe_once(index, attempt)
    .then([this, index, attempt](std::string error) -> kj::Promise<void> {
      if (error.empty() || attempt + 1 >= settings_.attempts) {
        if (done_)
          done_(index, error);
        return kj::READY_NOW;
      }
      ++retries_;
      last_retry_error_ = hosts_[index] + ": " + error;
      return io_.provider->getTimer()
        .afterDelay(to_kj(settings_.retry_delay))
        .then([this, index, attempt]() {
          return probe_host(index, attempt + 1);
        });
    });
}

kj::Promise<std::string> probe_driver::probe_once(std::size_t index,
                                                  int attempt) {
  // why: each retry goes to the next monitor, so one that is slow or gone
  // does not hold a host back.
  auto monitor = monitors_[(index + static_cast<std::size_t>(attempt))
                           % monitors_.size()];
  auto host = hosts_[index];
  auto cluster =
    pool_->management(monitor).clusterRequest().send().getCluster();
  auto r = cluster.peerProbeRequest();
  r.setHost(host);
  return io_.provider->getTimer()
    .timeoutAfter(to_kj(settings_.call_timeout), r.send())
    .then(
      [](capnp::Response<proto::schema::Cluster::PeerProbeResults>&& resp)
        -> std::string {
        auto result = resp.getResult();
        if (result.isOk())
          return {};
        auto st = proto::from_capnp(result.getFailure());
        return std::string(to_string(st.code)) + ": " + st.message;
      },
      [this, monitor](kj::Exception&& e) -> std::string {
        if (e.getType() != kj::Exception::Type::OVERLOADED)
          pool_->drop(monitor);
        return "peer probe through " + monitor + " failed: "
               + e.getDescription().cStr();
      });
}

} // namespace gd::glsim
