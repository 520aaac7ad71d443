#include "actors/rpc/kj_loop.hpp"

#include <iostream>

#include <kj/debug.h>

namespace gd::rpc {

kj_loop::kj_loop(init_fn init, teardown_fn teardown) {
  // why: shared, so the promise outlives a set_value() still returning on
  // the loop thread when this constructor is already done.
  auto started = std::make_shared<std::promise<void>>();
  auto ready = started->get_future();
  thread_ = std::thread([this, init = std::move(init),
                         teardown = std::move(teardown), started]() mutable {
    run(std::move(init), std::move(teardown), *started);
  });
  try {
    ready.get();
  } catch (...) {
    stop();
    thread_.join();
    throw;
  }
}

kj_loop::~kj_loop() {
  stop();
  if (thread_.joinable())
    thread_.join();
}

void kj_loop::inbox::post(std::function<void()> fn) {
  kj::Own<kj::CrossThreadPromiseFulfiller<void>> wake;
  {
    std::lock_guard<std::mutex> guard(mu);
    if (stopping)
      return;
    queue.push_back(std::move(fn));
    wake = kj::mv(waiter);
  }
  // why: only the first post after the loop went to sleep pays for a wakeup.
  if (wake)
    wake->fulfill();
}

void kj_loop::inbox::stop() {
  kj::Own<kj::CrossThreadPromiseFulfiller<void>> wake;
  {
    std::lock_guard<std::mutex> guard(mu);
    stopping = true;
    wake = kj::mv(waiter);
  }
  if (wake)
    wake->fulfill();
}

void kj_loop::poster::operator()(std::function<void()> fn) const {
  in_->post(std::move(fn));
}

void kj_loop::post(std::function<void()> fn) {
  inbox_->post(std::move(fn));
}

void kj_loop::stop() {
  inbox_->stop();
}

void kj_loop::run(init_fn init, teardown_fn teardown,
                  std::promise<void>& started) {
  auto io = kj::setupAsyncIo();
  try {
    init(*this, io);
  } catch (...) {
    started.set_exception(std::current_exception());
    return;
  }
  started.set_value();
  for (;;) {
    auto paf = kj::newPromiseAndCrossThreadFulfiller<void>();
    bool stopping;
    {
      std::lock_guard<std::mutex> guard(inbox_->mu);
      stopping = inbox_->stopping;
      if (inbox_->queue.empty() && !stopping)
        inbox_->waiter = kj::mv(paf.fulfiller);
      else
        paf.fulfiller->fulfill();
    }
    // why: waiting drives the event loop, so RPC traffic flows meanwhile.
    paf.promise.wait(io.waitScope);
    std::deque<std::function<void()>> work;
    {
      std::lock_guard<std::mutex> guard(inbox_->mu);
      work.swap(inbox_->queue);
      inbox_->waiter = nullptr;
    }
    for (auto& fn : work) {
      try {
        fn();
      } catch (const kj::Exception& e) {
        std::cerr << "rpc: posted work failed: " << e.getDescription().cStr()
                  << std::endl;
      } catch (const std::exception& e) {
        std::cerr << "rpc: posted work failed: " << e.what() << std::endl;
      }
    }
    if (stopping)
      break;
  }
  if (teardown)
    teardown(io);
  // Let the cancellations and goodbyes of the teardown run.
  io.provider->getTimer().afterDelay(10 * kj::MILLISECONDS).wait(io.waitScope);
}

} // namespace gd::rpc
