#pragma once

// The one way an actor answers a request: a reply promise carried inside the
// request (FoundationDB's ReplyPromise). Whoever asks decides where the
// answer goes (a KJ fulfiller on the RPC thread, a message to a test actor);
// the actor that serves the request only ever calls deliver(). A promise
// dropped without an answer answers by itself, with a failure that says so:
// a request can be lost only loudly, never silently.
//
// No CAF here: the promise is a plain value that CAF carries in a message.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "protocol/status.hpp"

namespace gd {

/// How many reply promises were dropped without an answer since the process
/// started (each one a request some actor failed to answer: a bug, unless
/// the actor was killed). Tests and the simulation read it.
std::uint64_t broken_promises();

namespace detail {
void count_broken_promise();
} // namespace detail

/// The answer a dropped promise of `T` gives. Every reply type has a status
/// `st`; specialize for one that has not.
template <class T>
T broken_reply(gd::status why) {
  T r{};
  r.st = std::move(why);
  return r;
}

/// An answer owed to a requester, carried in the request.
///
/// Contract:
/// - deliver() is called at most once, by the actor serving the request, on
///   its own thread. The sink runs right there, so it must be quick and
///   thread-safe (typically it posts to the requester's thread).
/// - If every copy is destroyed before deliver(), the sink receives
///   broken_reply<T>(failed: "... dropped without an answer") and
///   broken_promises() counts it.
/// - Copies share one promise (CAF copies a message only when it must): the
///   first deliver() wins, later ones are ignored. Treat it as move-only.
/// - An empty promise (default-constructed) ignores deliver().
template <class T>
class reply_promise {
public:
  using sink = std::function<void(T)>;

  reply_promise() = default;

  /// A promise whose answer goes to `s`.
  explicit reply_promise(sink s)
    : state_(std::make_shared<state>(std::move(s))) {
    // nop
  }

  /// True if an answer is still owed.
  bool pending() const {
    return state_ && !state_->done.load(std::memory_order_acquire);
  }

  /// Answers the requester (at most once).
  void deliver(T value) const {
    if (!state_ || state_->done.exchange(true, std::memory_order_acq_rel))
      return;
    state_->to(std::move(value));
  }

private:
  struct state {
    explicit state(sink s) : to(std::move(s)) {
      // nop
    }
    ~state() {
      if (done.load(std::memory_order_acquire) || !to)
        return;
      detail::count_broken_promise();
      try {
        to(broken_reply<T>(gd::status::error(
          status_code::failed,
          "internal error: the request was dropped without an answer (its "
          "actor stopped or lost it); it may or may not have been carried "
          "out")));
      } catch (...) {
        // nop: a destructor must not throw; the count records it
      }
    }
    sink to;
    std::atomic<bool> done{false};
  };

  std::shared_ptr<state> state_;
};

} // namespace gd
