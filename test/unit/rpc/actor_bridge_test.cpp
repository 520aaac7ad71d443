#define BOOST_TEST_MODULE rpc
#include <boost/test/unit_test.hpp>

// The KJ <-> CAF bridge: an answer crosses back; an actor that is gone or
// silent yields an error, never a hang.

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <kj/async-io.h>

#include "actors/rpc/actor_bridge.hpp"
#include "actors/rpc/kj_loop.hpp"

using namespace gd;
using namespace std::chrono_literals;

namespace {

caf::behavior doubler(caf::event_based_actor*) {
  return {
    [](int x) { return x * 2; },
  };
}

caf::behavior silent(caf::event_based_actor*) {
  return {
    [](int) -> caf::result<int> {
      return caf::delegated<int>(); // never answers
    },
  };
}

struct fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
};

} // namespace

BOOST_FIXTURE_TEST_CASE(ask_returns_the_actors_answer, fixture) {
  rpc::actor_bridge bridge(sys);
  auto a = sys.spawn(doubler);
  auto io = kj::setupAsyncIo();
  auto r = bridge.ask<int>(a, 21, 5s).wait(io.waitScope);
  BOOST_TEST(r == 42);
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(ask_a_dead_actor_rejects_the_promise, fixture) {
  rpc::actor_bridge bridge(sys);
  auto a = sys.spawn(doubler);
  caf::anon_send_exit(a, caf::exit_reason::kill);
  std::this_thread::sleep_for(50ms);
  auto io = kj::setupAsyncIo();
  auto t0 = std::chrono::steady_clock::now();
  try {
    bridge.ask<int>(a, 1, 10s).wait(io.waitScope);
    BOOST_FAIL("a dead actor answered");
  } catch (const kj::Exception& e) {
    BOOST_TEST(std::string(e.getDescription().cStr()).find("did not answer")
               != std::string::npos);
  }
  // The error is immediate, not the 10 s timeout.
  BOOST_TEST((std::chrono::steady_clock::now() - t0 < 5s));
}

BOOST_FIXTURE_TEST_CASE(ask_a_silent_actor_times_out, fixture) {
  rpc::actor_bridge bridge(sys);
  auto a = sys.spawn(silent);
  auto io = kj::setupAsyncIo();
  auto t0 = std::chrono::steady_clock::now();
  BOOST_CHECK_THROW(bridge.ask<int>(a, 1, 300ms).wait(io.waitScope),
                    kj::Exception);
  auto took = std::chrono::steady_clock::now() - t0;
  BOOST_TEST((took >= 300ms && took < 5s));
  caf::anon_send_exit(a, caf::exit_reason::kill);
}

BOOST_AUTO_TEST_CASE(kj_loop_runs_posted_work_in_order_and_stops) {
  std::vector<int> seen;
  std::mutex mu;
  {
    rpc::kj_loop loop([](rpc::kj_loop&, kj::AsyncIoContext&) {},
                      [](kj::AsyncIoContext&) {});
    for (int i = 0; i < 1000; ++i)
      loop.post([&, i] {
        std::lock_guard<std::mutex> g(mu);
        seen.push_back(i);
      });
  } // the destructor drains the queue, stops and joins
  BOOST_REQUIRE(seen.size() == 1000u);
  for (int i = 0; i < 1000; ++i)
    BOOST_TEST(seen[static_cast<std::size_t>(i)] == i);
}

BOOST_AUTO_TEST_CASE(kj_loop_init_failure_is_rethrown) {
  BOOST_CHECK_THROW(rpc::kj_loop([](rpc::kj_loop&, kj::AsyncIoContext&) {
                      throw std::runtime_error("cannot listen");
                    }, [](kj::AsyncIoContext&) {}),
                    std::runtime_error);
}
