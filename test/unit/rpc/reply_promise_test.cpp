// The reply promise every config actor request carries, and the KJ loop
// poster its RPC sinks use.

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include "actors/config/config_actor.hpp"
#include "actors/reply_promise.hpp"
#include "actors/rpc/kj_loop.hpp"
#include "test/support/status_printer.hpp"

using namespace gd;

BOOST_AUTO_TEST_SUITE(reply_promise_tests)

BOOST_AUTO_TEST_CASE(reply_promise_delivers_once_copies_share_it) {
  int calls = 0;
  std::optional<config::kv_write_reply> got;
  reply_promise<config::kv_write_reply> p([&](config::kv_write_reply r) {
    ++calls;
    got = std::move(r);
  });
  auto copy = p; // as CAF may copy a message
  BOOST_TEST(p.pending());
  config::kv_write_reply first;
  first.st = gd::status::error(status_code::busy, "first");
  copy.deliver(first);
  BOOST_TEST(!p.pending());
  p.deliver(config::kv_write_reply{}); // ignored
  BOOST_TEST(calls == 1);
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(got->st.message == "first");
}

BOOST_AUTO_TEST_CASE(reply_promise_dropped_unanswered_fails_loudly) {
  auto before = broken_promises();
  std::optional<config::kv_read_reply> got;
  {
    reply_promise<config::kv_read_reply> p(
      [&](config::kv_read_reply r) { got = std::move(r); });
    auto copy = p;
    // Both copies die without an answer, as in an actor killed with the
    // request in its mailbox.
  }
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(!got->st.ok());
  BOOST_TEST(got->st.code == status_code::failed);
  BOOST_TEST(got->st.message.find("dropped without an answer")
             != std::string::npos);
  BOOST_TEST(!nothing_changed(got->st.code)); // a write may have happened
  BOOST_TEST(broken_promises() == before + 1);
}

BOOST_AUTO_TEST_CASE(reply_promise_answered_then_dropped_is_not_broken) {
  auto before = broken_promises();
  int calls = 0;
  {
    reply_promise<config::kv_read_reply> p(
      [&](config::kv_read_reply) { ++calls; });
    p.deliver({});
  }
  BOOST_TEST(calls == 1);
  BOOST_TEST(broken_promises() == before);
  reply_promise<config::kv_read_reply> empty;
  BOOST_TEST(!empty.pending());
  empty.deliver({}); // nothing to answer: ignored
}

BOOST_AUTO_TEST_CASE(kj_loop_poster_outliving_its_loop_drops_work) {
  std::atomic<int> ran{0};
  std::optional<rpc::kj_loop::poster> post;
  {
    rpc::kj_loop loop([&](rpc::kj_loop& l, kj::AsyncIoContext&) {
                        post = l.make_poster();
                      },
                      nullptr);
    (*post)([&] { ++ran; });
    // Wait until the loop ran it.
    for (int i = 0; i < 1000 && ran == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    BOOST_TEST(ran == 1);
  }
  // The loop is gone (an actor answering during shutdown): no crash, no run.
  (*post)([&] { ++ran; });
  BOOST_TEST(ran == 1);
}

BOOST_AUTO_TEST_SUITE_END()
