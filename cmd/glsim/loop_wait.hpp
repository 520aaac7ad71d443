#pragma once

// Waiting on glsim's one KJ event loop without stopping it: the simulated
// servers keep checking in while the scenario waits for a condition, or for
// synchronous client work (cmd/client, which needs a thread of its own: one
// KJ event loop per thread) to finish on another thread.

#include <chrono>
#include <functional>
#include <future>
#include <thread>
#include <type_traits>

#include <kj/async-io.h>

namespace gd::glsim {

/// Turns the loop of `io` until `done()` holds or `timeout` passed,
/// checking every `step` (the loop sleeps in between: no busy wait).
/// Returns done().
bool pump_until(kj::AsyncIoContext& io, const std::function<bool()>& done,
                std::chrono::milliseconds timeout,
                std::chrono::milliseconds step = std::chrono::milliseconds(20));

/// Turns the loop of `io` for `d`.
void pump_for(kj::AsyncIoContext& io, std::chrono::milliseconds d);

/// Runs `fn` on a new thread while the loop of `io` keeps turning, and
/// returns its result (or rethrows what it threw). `fn` must not touch
/// anything of the loop's thread.
template <class F>
auto off_loop(kj::AsyncIoContext& io, F fn) -> std::invoke_result_t<F> {
  std::packaged_task<std::invoke_result_t<F>()> task(std::move(fn));
  auto result = task.get_future();
  std::thread t(std::move(task));
  pump_until(
    io,
    [&result] {
      return result.wait_for(std::chrono::seconds(0))
             == std::future_status::ready;
    },
    std::chrono::hours(24), std::chrono::milliseconds(5));
  t.join();
  return result.get();
}

} // namespace gd::glsim
