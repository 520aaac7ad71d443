#include <boost/test/unit_test.hpp>

// Rendezvous hashing of agents over monitors: even, stable, minimal movement.

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "actors/node/monitor_choice.hpp"

using gd::node::monitor_order;

namespace {

std::string uuid_of(int i) {
  return "00000000-0000-4000-8000-" + std::to_string(100000000000 + i);
}

} // namespace

BOOST_AUTO_TEST_SUITE(monitor_choice_tests)

BOOST_AUTO_TEST_CASE(an_order_is_a_deterministic_permutation) {
  std::vector<std::string> monitors{"10.0.0.3:24007", "10.0.0.1:24007",
                                    "10.0.0.2:24007", "10.0.0.1:24007"};
  auto a = monitor_order("u1", monitors);
  BOOST_TEST(a.size() == 3u); // the duplicate counted once
  std::vector<std::string> reversed(monitors.rbegin(), monitors.rend());
  BOOST_TEST(monitor_order("u1", reversed) == a); // input order is irrelevant
  BOOST_TEST(monitor_order("u1", {}).empty());
}

BOOST_AUTO_TEST_CASE(agents_spread_evenly_and_move_minimally) {
  std::vector<std::string> three{"m1:24007", "m2:24007", "m3:24007"};
  std::vector<std::string> four = three;
  four.push_back("m4:24007");
  constexpr int agents = 10000;
  std::map<std::string, int> load;
  int moved = 0;
  int moved_elsewhere = 0;
  for (int i = 0; i < agents; ++i) {
    auto before = monitor_order(uuid_of(i), three).front();
    auto after = monitor_order(uuid_of(i), four).front();
    ++load[before];
    if (before != after) {
      ++moved;
      if (after != "m4:24007")
        ++moved_elsewhere;
    }
  }
  // Each monitor gets about a third (within 5 %).
  for (const auto& [m, n] : load)
    BOOST_TEST(std::abs(n - agents / 3) < agents / 20, m << " has " << n);
  // Adding a fourth moves about a quarter, all of them to the new one.
  BOOST_TEST(std::abs(moved - agents / 4) < agents / 20, moved << " moved");
  BOOST_TEST(moved_elsewhere == 0);
}

BOOST_AUTO_TEST_CASE(a_removed_monitor_moves_only_its_own_agents) {
  std::vector<std::string> three{"m1:24007", "m2:24007", "m3:24007"};
  std::vector<std::string> two{"m1:24007", "m3:24007"};
  for (int i = 0; i < 3000; ++i) {
    auto before = monitor_order(uuid_of(i), three);
    auto after = monitor_order(uuid_of(i), two);
    if (before.front() != "m2:24007")
      BOOST_TEST(after.front() == before.front());
    else
      BOOST_TEST(after.front() == before[1]); // its fail-over choice
  }
}

BOOST_AUTO_TEST_SUITE_END()
