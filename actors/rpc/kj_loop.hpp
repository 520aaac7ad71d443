#pragma once

// A KJ event loop on its own thread: the home of every Cap'n Proto object of
// the process (servers, client connections). Other threads (CAF workers) hand
// it work with post(); nothing else may touch its KJ objects.

#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include <kj/async-io.h>

namespace gd::rpc {

class kj_loop {
  struct inbox;

public:
  /// Runs on the loop thread before anything else; may wait on promises.
  /// Gets the loop itself: the constructor has not returned yet.
  using init_fn = std::function<void(kj_loop&, kj::AsyncIoContext&)>;
  /// Runs on the loop thread after the last posted work, to destroy the KJ
  /// objects init created (they must die on this thread). May wait on
  /// promises (e.g. to let cancellations run before it destroys what they
  /// touch).
  using teardown_fn = std::function<void(kj::AsyncIoContext&)>;

  /// A copyable handle that posts work to the loop from any thread. It may
  /// outlive the loop: once the loop stopped (or is gone), work posted
  /// through it is dropped. Reply sinks that actors call keep one of these,
  /// never a pointer to the loop.
  class poster {
  public:
    /// As kj_loop::post.
    void operator()(std::function<void()> fn) const;

  private:
    friend class kj_loop;
    explicit poster(std::shared_ptr<inbox> in) : in_(std::move(in)) {
      // nop
    }
    std::shared_ptr<inbox> in_;
  };

  /// Starts the thread and returns once `init` has run. Rethrows what init
  /// threw (e.g. a port that cannot be bound), after stopping the thread.
  kj_loop(init_fn init, teardown_fn teardown);

  /// stop() and join.
  ~kj_loop();

  kj_loop(const kj_loop&) = delete;
  kj_loop& operator=(const kj_loop&) = delete;

  /// Runs `fn` on the loop thread soon, in posting order. Thread-safe. After
  /// stop(), work is dropped. An exception escaping `fn` is logged to stderr
  /// and otherwise ignored.
  void post(std::function<void()> fn);

  /// A handle for post() that stays safe to call after the loop is gone.
  poster make_poster() const { return poster(inbox_); }

  /// Makes the loop finish the queued work, run the teardown and end.
  /// Thread-safe; idempotent. Does not wait (the destructor joins).
  void stop();

private:
  /// What posting threads share with the loop thread.
  struct inbox {
    std::mutex mu;
    std::deque<std::function<void()>> queue;
    /// Set while the loop sleeps with an empty queue; fulfilled to wake it.
    kj::Own<kj::CrossThreadPromiseFulfiller<void>> waiter;
    bool stopping = false;

    void post(std::function<void()> fn);
    void stop();
  };

  void run(init_fn init, teardown_fn teardown, std::promise<void>& started);

  std::shared_ptr<inbox> inbox_ = std::make_shared<inbox>();
  std::thread thread_;
};

} // namespace gd::rpc
