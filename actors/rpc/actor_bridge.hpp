#pragma once

// Asks CAF actors from the KJ thread. ask() sends a request through a small
// pool of CAF "asker" actors and returns a kj::Promise for the reply; the
// reply crosses back with a cross-thread fulfiller. If the target is gone,
// or does not answer within the timeout, the promise is rejected (the RPC
// caller sees an error, never a hang).

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/event_based_actor.hpp>
#include <kj/async.h>
#include <kj/debug.h>

namespace gd::rpc {

/// Work to run inside an asker actor.
using actor_job = std::function<void(caf::event_based_actor*)>;

} // namespace gd::rpc

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::rpc::actor_job)

namespace gd::rpc {

class actor_bridge {
public:
  /// Spawns `askers` asker actors in `sys`.
  explicit actor_bridge(caf::actor_system& sys, std::size_t askers = 2);

  /// Stops the askers. Pending asks are rejected.
  ~actor_bridge();

  actor_bridge(const actor_bridge&) = delete;
  actor_bridge& operator=(const actor_bridge&) = delete;

  /// Runs `job` in one of the asker actors. Thread-safe.
  void run(actor_job job);

  /// Sends `msg` to `target` as a request and returns the reply. Call on the
  /// KJ thread. Rejected (kj::Exception naming the CAF error) if the target
  /// is gone or silent for `timeout`.
  template <class Reply, class Handle, class Msg>
  kj::Promise<Reply> ask(Handle target, Msg msg,
                         std::chrono::milliseconds timeout) {
    auto paf = kj::newPromiseAndCrossThreadFulfiller<Reply>();
    using fulfiller = kj::Own<kj::CrossThreadPromiseFulfiller<Reply>>;
    // why: CAF handlers must be copyable; kj::Own is move-only.
    auto f = std::make_shared<fulfiller>(kj::mv(paf.fulfiller));
    run([target = std::move(target), msg = std::move(msg), f,
         timeout](caf::event_based_actor* self) mutable {
      self->request(target, timeout, std::move(msg))
        .then([f](Reply& r) { (*f)->fulfill(std::move(r)); },
              [f, self](caf::error& e) {
                (*f)->reject(kj::Exception(
                  kj::Exception::Type::FAILED, __FILE__, __LINE__,
                  kj::str("the daemon's actor did not answer: ",
                          self->system().render(e).c_str())));
              });
    });
    return kj::mv(paf.promise);
  }

private:
  std::vector<caf::actor> askers_;
  std::size_t next_ = 0;
  std::mutex mu_;
};

} // namespace gd::rpc
