#include "actors/rpc/actor_bridge.hpp"

#include <caf/send.hpp>

namespace gd::rpc {

namespace {

caf::behavior asker(caf::event_based_actor* self) {
  return {
    [self](actor_job& job) { job(self); },
  };
}

} // namespace

actor_bridge::actor_bridge(caf::actor_system& sys, std::size_t askers) {
  for (std::size_t i = 0; i < askers; ++i)
    askers_.push_back(sys.spawn(asker));
}

actor_bridge::~actor_bridge() {
  for (auto& a : askers_)
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

void actor_bridge::run(actor_job job) {
  caf::actor target;
  {
    std::lock_guard<std::mutex> guard(mu_);
    target = askers_[next_++ % askers_.size()];
  }
  caf::anon_send(target, std::move(job));
}

} // namespace gd::rpc
