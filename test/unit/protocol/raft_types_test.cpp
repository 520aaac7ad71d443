#include <boost/test/unit_test.hpp>

#include "protocol/raft_types.hpp"

#include <set>
#include <string>
#include <vector>

namespace {

namespace raft = gd::raft;

raft::member member(const std::string& name) {
  return {raft::member_id_of(name), name, name + ":24007"};
}

} // namespace

BOOST_AUTO_TEST_SUITE(raft_types)

// -- member_id_of -------------------------------------------------------------

BOOST_AUTO_TEST_CASE(member_id_of_fixed_value) {
  // Part of the durable format: configurations in every log and snapshot
  // carry these ids. XXH64("m1", seed 0x676c7573746572), checked against an
  // independent implementation of XXH64. If this fails, existing clusters
  // can no longer read their membership.
  BOOST_TEST(raft::member_id_of("m1") == 0x860e789cbd291da6ULL);
  BOOST_TEST(raft::member_id_of("m1") == raft::member_id_of(std::string("m1")));
}

BOOST_AUTO_TEST_CASE(member_id_of_distinct_and_never_zero) {
  std::set<raft::member_id> ids;
  for (int i = 0; i < 100'000; ++i) {
    auto id = raft::member_id_of("m" + std::to_string(i));
    BOOST_TEST_REQUIRE(id != raft::no_member);
    ids.insert(id);
  }
  BOOST_TEST(ids.size() == 100'000u);
}

// -- configuration ------------------------------------------------------------

BOOST_AUTO_TEST_CASE(configuration_lookups) {
  raft::configuration c{{member("m1"), member("m2"), member("m3")},
                        {member("m4")}};
  auto m1 = raft::member_id_of("m1");
  auto m4 = raft::member_id_of("m4");
  auto m9 = raft::member_id_of("m9");
  BOOST_TEST(c.is_voter(m1));
  BOOST_TEST(!c.is_learner(m1));
  BOOST_TEST(c.is_learner(m4));
  BOOST_TEST(!c.is_voter(m4));
  BOOST_TEST(c.contains(m4));
  BOOST_TEST(!c.contains(m9));
  BOOST_TEST_REQUIRE(c.find(m4) != nullptr);
  BOOST_TEST(c.find(m4)->name == "m4");
  BOOST_TEST(c.find(m9) == nullptr);
  std::vector<raft::member_id> all{m1, raft::member_id_of("m2"),
                                   raft::member_id_of("m3"), m4};
  BOOST_TEST(c.all_ids() == all);
}

BOOST_AUTO_TEST_CASE(configuration_quorum_majority_of_voters) {
  raft::configuration c;
  std::vector<std::size_t> expected{1, 2, 2, 3, 3, 4, 4};
  for (std::size_t n = 1; n <= expected.size(); ++n) {
    c.voters.push_back(member("m" + std::to_string(n)));
    c.learners.push_back(member("l" + std::to_string(n)));
    BOOST_TEST(c.quorum() == expected[n - 1]);
  }
}

BOOST_AUTO_TEST_CASE(configuration_validate_ok) {
  BOOST_TEST(raft::configuration{}.validate() == "");
  raft::configuration c{{member("m1"), member("m2")}, {member("m3")}};
  BOOST_TEST(c.validate() == "");
}

BOOST_AUTO_TEST_CASE(configuration_validate_messages) {
  raft::configuration zero{{raft::member{raft::no_member, "m1", "h:1"}}, {}};
  BOOST_TEST(zero.validate() == "member 'm1' has id 0");
  raft::configuration unnamed{{}, {raft::member{7, "", "h:1"}}};
  BOOST_TEST(unnamed.validate() == "a member has an empty name");
  raft::configuration nowhere{
    {member("m1"), raft::member{raft::member_id_of("m2"), "m2", ""}}, {}};
  BOOST_TEST(nowhere.validate() == "member 'm2' has no address");
  raft::configuration twice{{member("m1"), member("m1")}, {}};
  BOOST_TEST(twice.validate() == "member id of 'm1' appears twice");
  raft::configuration voter_and_learner{{member("m1")}, {member("m1")}};
  BOOST_TEST(voter_and_learner.validate()
             == "member id of 'm1' appears twice");
  raft::member other_id = member("m1");
  other_id.id += 1;
  raft::configuration same_name{{member("m1")}, {other_id}};
  BOOST_TEST(same_name.validate() == "member name 'm1' appears twice");
}

BOOST_AUTO_TEST_CASE(entry_type_names) {
  using raft::entry_type;
  BOOST_TEST(std::string(raft::to_string(entry_type::command)) == "command");
  BOOST_TEST(std::string(raft::to_string(entry_type::config)) == "config");
  BOOST_TEST(std::string(raft::to_string(entry_type::noop)) == "noop");
}

BOOST_AUTO_TEST_SUITE_END()
