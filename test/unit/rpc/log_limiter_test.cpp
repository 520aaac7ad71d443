#include <boost/test/unit_test.hpp>

#include "actors/rpc/log_limiter.hpp"

using gd::rpc::log_limiter;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(log_limiter_tests)

BOOST_AUTO_TEST_CASE(admits_a_burst_per_window_then_counts_what_it_left_out) {
  log_limiter l(3, 10s);
  auto t0 = log_limiter::clock::time_point{} + 1h;
  BOOST_TEST(l.admit("a", t0).value() == "a");
  BOOST_TEST(l.admit("b", t0 + 1s).value() == "b");
  BOOST_TEST(l.admit("c", t0 + 2s).value() == "c");
  // A flood within the window: nothing logged.
  for (int i = 0; i < 1000; ++i)
    BOOST_TEST(!l.admit("x", t0 + 3s).has_value());
  // The next window: the first line tells how many were left out.
  BOOST_TEST(l.admit("d", t0 + 10s).value()
             == "d (and 1000 more like it not logged before this one)");
  BOOST_TEST(l.admit("e", t0 + 11s).value() == "e");
}

BOOST_AUTO_TEST_SUITE_END()
