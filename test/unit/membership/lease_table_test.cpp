#define BOOST_TEST_MODULE membership
#include <boost/test/unit_test.hpp>

// The lease table on a fake clock: times are plain milliseconds.

#include <ostream>

#include "actors/membership/lease_table.hpp"

namespace gd::membership {

std::ostream& operator<<(std::ostream& os, const transition& t) {
  return os << t.server << "->" << (t.to == liveness::up ? "up" : "down");
}

} // namespace gd::membership

using namespace gd::membership;

namespace {

using list = std::vector<transition>;

lease_options three_second_leases() {
  lease_options o;
  o.lease = 3000;
  o.up_after = 5000;
  return o;
}

/// Check-ins of `server` every `every` ms over [from, to).
void check_in_every(lease_table& t, const std::string& server, millis from,
                    millis to, millis every, const std::string& monitor = "m1") {
  for (millis at = from; at < to; at += every)
    t.check_in(server, at, monitor);
}

} // namespace

BOOST_AUTO_TEST_SUITE(lease_table_tests)

BOOST_AUTO_TEST_CASE(a_server_that_stops_checking_in_is_down_after_its_lease) {
  lease_table t(three_second_leases());
  t.set_committed("a", liveness::up, 0);
  t.set_committed("b", liveness::up, 0);
  check_in_every(t, "a", 0, 10'000, 1000);
  check_in_every(t, "b", 0, 4'001, 1000); // last at 4000
  BOOST_TEST(t.due(6'999).empty());
  BOOST_TEST((t.due(7'000) == list{{"b", liveness::down}}));
  // Still due until committed (a lost proposal is proposed again).
  BOOST_TEST((t.due(8'000) == list{{"b", liveness::down}}));
  t.set_committed("b", liveness::down, 8'000);
  BOOST_TEST(t.due(9'000).empty());
  auto seen = t.last_check_in("a");
  BOOST_REQUIRE(seen.has_value());
  BOOST_TEST(seen->at == 9'000);
  BOOST_TEST(seen->monitor == "m1");
}

BOOST_AUTO_TEST_CASE(a_new_server_gets_a_full_lease_before_its_first_check_in) {
  lease_table t(three_second_leases());
  t.set_committed("a", liveness::up, 10'000);
  BOOST_TEST(t.due(12'999).empty());
  BOOST_TEST((t.due(13'000) == list{{"a", liveness::down}}));
}

BOOST_AUTO_TEST_CASE(no_false_down_after_a_leadership_change) {
  // The new leader saw no check-ins while it followed: it must give every
  // server a full lease before declaring anyone down.
  lease_table t(three_second_leases());
  t.set_committed("a", liveness::up, 0);
  t.set_committed("b", liveness::up, 0);
  t.took_leadership(60'000);
  BOOST_TEST(t.due(62'999).empty());
  check_in_every(t, "a", 61'000, 70'000, 1000);
  BOOST_TEST((t.due(63'000) == list{{"b", liveness::down}}));
}

BOOST_AUTO_TEST_CASE(up_is_damped_until_the_server_stays_up) {
  lease_table t(three_second_leases());
  t.set_committed("a", liveness::down, 0);
  // Bounces: two check-ins, a gap over a lease, check-ins again.
  t.check_in("a", 1'000, "m1");
  t.check_in("a", 2'000, "m1");
  BOOST_TEST(t.due(2'500).empty());
  check_in_every(t, "a", 6'000, 11'000, 1000); // streak from 6000
  BOOST_TEST(t.due(10'999).empty());
  BOOST_TEST((t.due(11'000) == list{{"a", liveness::up}}));
  t.set_committed("a", liveness::up, 11'000);
  BOOST_TEST(t.due(11'500).empty());
}

BOOST_AUTO_TEST_CASE(a_dead_server_is_not_brought_up_by_a_new_leader) {
  lease_table t(three_second_leases());
  t.set_committed("a", liveness::down, 0);
  check_in_every(t, "a", 0, 10'000, 1000); // up for long, then silent
  t.set_committed("a", liveness::down, 10'000);
  t.took_leadership(30'000);
  BOOST_TEST(t.due(31'000).empty());
}

BOOST_AUTO_TEST_CASE(strangers_and_old_check_ins_change_nothing) {
  lease_table t(three_second_leases());
  BOOST_TEST(!t.check_in("stranger", 1'000, "m1")); // not admitted
  BOOST_TEST(t.size() == 0u);
  BOOST_TEST(!t.last_check_in("stranger").has_value());
  t.set_committed("a", liveness::up, 0);
  // Only news is reported (and so relayed in the next digest).
  BOOST_TEST(t.check_in("a", 5'000, "m2"));
  BOOST_TEST(!t.check_in("a", 4'000, "m1")); // older, from a slower digest
  BOOST_TEST(!t.check_in("a", 5'000, "m3")); // the same one, relayed back
  BOOST_TEST(t.last_check_in("a")->monitor == "m2");
  BOOST_TEST(t.due(7'999).empty());
  t.forget("a");
  BOOST_TEST(t.due(100'000).empty());
  BOOST_TEST(!t.committed("a").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
