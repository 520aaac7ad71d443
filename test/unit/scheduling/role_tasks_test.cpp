#include <boost/test/unit_test.hpp>

// The roles a model needs (role_tasks) and an agent's view of the roles it
// holds (role_keeper): eligibility, and standing down on a higher epoch.

#include "actors/node/role_keeper.hpp"
#include "actors/scheduling/role_tasks.hpp"

using namespace gd;
using namespace gd::scheduling;

namespace {

cluster::peer peer(const std::string& uuid, bool down = false) {
  cluster::peer p;
  p.uuid = uuid;
  p.hostname = uuid;
  p.down = down;
  return p;
}

cluster::volume volume(const std::string& name, std::uint32_t replica,
                       std::vector<std::string> servers,
                       cluster::volume_status st = cluster::volume_status::started) {
  cluster::volume v;
  v.name = name;
  v.replica_count = replica;
  v.type = replica > 1 ? cluster::volume_type::replicate
                       : cluster::volume_type::distribute;
  v.status = st;
  for (std::uint32_t i = 0; i < servers.size(); ++i) {
    cluster::brick b;
    b.index = i;
    b.peer_uuid = servers[i];
    b.host = servers[i];
    b.path = "/b" + std::to_string(i);
    v.bricks.push_back(b);
  }
  return v;
}

std::map<std::string, cluster::peer> peers(std::vector<cluster::peer> ps) {
  std::map<std::string, cluster::peer> out;
  for (auto& p : ps)
    out[p.uuid] = p;
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(role_tasks_suite)

BOOST_AUTO_TEST_CASE(each_replica_set_needs_a_healer_and_a_leader) {
  auto v = volume("v", 3, {"a", "b", "c", "d", "e", "f"});
  auto t = role_tasks({v}, peers({peer("a"), peer("b"), peer("c"), peer("d"),
                                  peer("e"), peer("f")}));
  BOOST_REQUIRE_EQUAL(t.size(), 4u);
  BOOST_TEST(t[0].id == "heal/v/0");
  BOOST_TEST(t[1].id == "leader/v/0");
  BOOST_TEST(t[2].id == "heal/v/1");
  BOOST_TEST((t[2].eligible == std::vector<std::string>{"d", "e", "f"}));
}

BOOST_AUTO_TEST_CASE(down_servers_removed_bricks_and_arbiters_are_not_eligible) {
  auto v = volume("v", 3, {"a", "b", "c"});
  v.arbiter_count = 1;
  v.bricks[2].arbiter = true;
  v.bricks[1].decommissioned = true;
  auto t = role_tasks({v}, peers({peer("a", true), peer("b"), peer("c")}));
  BOOST_REQUIRE_EQUAL(t.size(), 2u);
  // heal: c only (a down, b being removed); leader: nobody (c is the arbiter).
  BOOST_TEST((t[0].eligible == std::vector<std::string>{"c"}));
  BOOST_TEST(t[1].eligible.empty());
}

BOOST_AUTO_TEST_CASE(plain_distribute_and_stopped_volumes_need_nothing) {
  auto d = volume("d", 1, {"a", "b"});
  auto s = volume("s", 3, {"a", "b", "c"}, cluster::volume_status::stopped);
  BOOST_TEST(role_tasks({d, s}, peers({peer("a"), peer("b"), peer("c")})).empty());
  // Disperse: a healer per set, no leader.
  auto x = volume("x", 1, {"a", "b", "c"});
  x.disperse_count = 3;
  x.redundancy_count = 1;
  x.type = cluster::volume_type::disperse;
  auto t = role_tasks({x}, peers({peer("a"), peer("b"), peer("c")}));
  BOOST_REQUIRE_EQUAL(t.size(), 1u);
  BOOST_TEST(t[0].id == "heal/x/0");
}

BOOST_AUTO_TEST_CASE(a_holder_stands_down_on_a_higher_epoch) {
  node::role_keeper k("me");
  cluster::role_assignment r;
  r.task = "leader/v/0";
  r.kind = cluster::role_kind::leader;
  r.volume = "v";
  r.holder = "me";
  r.epoch = 1;
  auto lines = k.update({r});
  BOOST_REQUIRE_EQUAL(lines.size(), 1u);
  BOOST_TEST(lines[0] == "took leader/v/0 (epoch 1)");
  BOOST_TEST(k.holds("leader/v/0", 1));
  BOOST_TEST(k.update({r}).empty());
  // Given to another server while this one was cut off.
  r.holder = "other";
  r.epoch = 2;
  lines = k.update({r});
  BOOST_REQUIRE_EQUAL(lines.size(), 1u);
  BOOST_TEST(lines[0]
             == "gave up leader/v/0 (epoch 1): now held by other at epoch 2");
  BOOST_TEST(!k.holds("leader/v/0", 1));
  BOOST_TEST(!k.holds("leader/v/0", 2));
  // Back to this server: a new epoch; the old one stays stale.
  r.holder = "me";
  r.epoch = 3;
  k.update({r});
  BOOST_TEST(k.holds("leader/v/0", 3));
  BOOST_TEST(!k.holds("leader/v/0", 1));
  lines = k.update({});
  BOOST_TEST(lines[0] == "gave up leader/v/0 (epoch 3): the task is gone");
}

BOOST_AUTO_TEST_SUITE_END()
