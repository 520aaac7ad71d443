#include "cmd/glsim/loop_wait.hpp"

namespace gd::glsim {

bool pump_until(kj::AsyncIoContext& io, const std::function<bool()>& done,
                std::chrono::milliseconds timeout,
                std::chrono::milliseconds step) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto& timer = io.provider->getTimer();
  auto kj_step = static_cast<std::int64_t>(step.count()) * kj::MILLISECONDS;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return done();
    timer.afterDelay(kj_step).wait(io.waitScope);
  }
  return true;
}

void pump_for(kj::AsyncIoContext& io, std::chrono::milliseconds d) {
  auto& timer = io.provider->getTimer();
  timer.afterDelay(static_cast<std::int64_t>(d.count()) * kj::MILLISECONDS)
    .wait(io.waitScope);
}

} // namespace gd::glsim
