// The cluster model's durable records and commands (records.capnp) and the
// Cluster API's views (cluster.capnp): every command round-trips, and bad
// records fail to decode with an error naming what is wrong.

#include <boost/test/unit_test.hpp>

#include <capnp/message.h>
#include <capnp/serialize.h>

#include "protocol/cluster_capnp.hpp"
#include "protocol/cluster_codec.hpp"
#include "protocol/cluster_views.hpp"
#include "protocol/uuid.hpp"

namespace {

using namespace gd;
using namespace gd::cluster;
namespace proto = gd::proto;

brick_spec spec(const std::string& host, const std::string& path) {
  return {host, path};
}

std::vector<command> every_command() {
  peer p;
  p.uuid = "11111111-1111-4111-8111-111111111111";
  p.hostname = "h1";
  p.addresses = {"h1:24007", "[fd00::1]:24007"};
  p.zone = "rack-1";
  p.monitor = true;
  volume_create c;
  c.name = "v1";
  c.id = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
  c.replica_count = 3;
  c.arbiter_count = 1;
  c.disperse_count = 0;
  c.redundancy_count = 0;
  c.transport = "tcp";
  c.bricks = {spec("h1", "/a"), spec("h2", "/a"), spec("h3", "/a")};
  c.force = true;
  add_brick a;
  a.name = "v1";
  a.replica_count = 3;
  a.arbiter_count = 1;
  a.bricks = {spec("h4", "/b")};
  a.force = true;
  remove_brick r;
  r.name = "v1";
  r.bricks = {spec("h1", "/a")};
  r.action = remove_brick::op::start;
  r.task_id = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
  r.replica_count = 2;
  return {peer_add{p},
          peer_remove{"h2", true},
          c,
          volume_start{"v1", true},
          volume_stop{"v1", false},
          volume_delete{"v1"},
          volume_set{"all", "cluster.brick-multiplex", "on"},
          volume_reset{"v1", "", true},
          a,
          r,
          replace_brick{"v1", spec("h1", "/a"), spec("h5", "/c")},
          peer_liveness{{{"11111111-1111-4111-8111-111111111111", true},
                         {"22222222-2222-4222-8222-222222222222", false}}}};
}

bool same(const command& x, const command& y) {
  // why: commands have no operator==; their encodings are canonical.
  return proto::encode_command(x) == proto::encode_command(y);
}

std::string decode_failure(const std::string& bytes) {
  try {
    proto::decode_command(bytes);
  } catch (const proto::decode_error& e) {
    return e.what();
  }
  return "(no decode_error)";
}

} // namespace

BOOST_AUTO_TEST_SUITE(cluster_codec)

BOOST_AUTO_TEST_CASE(every_command_round_trips) {
  for (const auto& c : every_command()) {
    auto back = proto::decode_command(proto::encode_command(c));
    BOOST_REQUIRE(std::holds_alternative<command>(back));
    const auto& got = std::get<command>(back);
    BOOST_TEST(got.index() == c.index());
    BOOST_TEST(same(got, c), command_name(c));
    BOOST_TEST(std::string(command_name(got)) == command_name(c));
  }
  // Field by field for the richest ones.
  auto cmds = every_command();
  auto create = std::get<volume_create>(
    std::get<command>(proto::decode_command(proto::encode_command(cmds[2]))));
  BOOST_TEST(create.replica_count == 3u);
  BOOST_TEST(create.arbiter_count == 1u);
  BOOST_TEST(create.force);
  BOOST_TEST(create.bricks.size() == 3u);
  BOOST_TEST(create.bricks[1].name() == "h2:/a");
  auto rb = std::get<remove_brick>(
    std::get<command>(proto::decode_command(proto::encode_command(cmds[9]))));
  BOOST_TEST((rb.action == remove_brick::op::start));
  BOOST_TEST(rb.replica_count == 2u);
  BOOST_TEST(rb.task_id == "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb");
  auto ab = std::get<add_brick>(
    std::get<command>(proto::decode_command(proto::encode_command(cmds[8]))));
  BOOST_TEST(ab.arbiter_count == 1u);
}

BOOST_AUTO_TEST_CASE(kv_writes_still_decode_as_kv_writes) {
  kv::put_request p;
  p.key = "k";
  p.value = "v";
  auto back = proto::decode_command(proto::encode_command(kv::write_request{p}));
  BOOST_REQUIRE(std::holds_alternative<kv::write_request>(back));
  BOOST_TEST(std::get<kv::put_request>(std::get<kv::write_request>(back)).key
             == "k");
}

BOOST_AUTO_TEST_CASE(bad_commands_name_the_problem) {
  remove_brick r;
  r.name = "v1";
  capnp::MallocMessageBuilder mb;
  auto root = mb.initRoot<proto::schema::Command>();
  proto::to_capnp(command{r}, root.initCluster());
  root.getCluster().getRemoveBrick().setAction(
    static_cast<proto::schema::ClusterCommand::RemoveBrick::Action>(0));
  auto words = capnp::messageToFlatArray(mb);
  std::string bytes(reinterpret_cast<const char*>(words.asBytes().begin()),
                    words.asBytes().size());
  BOOST_TEST(decode_failure(bytes)
             == "command record: remove-brick action 0 is not start, stop, "
                "commit or force");
  BOOST_TEST(decode_failure("") == "command record: length 0 is not a "
                                   "positive multiple of 8 bytes");
  BOOST_TEST(decode_failure(std::string(13, 'x'))
             == "command record: length 13 is not a positive multiple of 8 "
                "bytes");
}

BOOST_AUTO_TEST_CASE(records_round_trip_and_bad_ones_are_refused) {
  auto p = std::get<peer_add>(every_command()[0]).peer;
  BOOST_TEST((proto::decode_peer(proto::encode_peer(p)) == p));

  volume v;
  v.id = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
  v.name = "v1";
  v.type = volume_type::distributed_disperse;
  v.disperse_count = 6;
  v.redundancy_count = 2;
  v.status = volume_status::stopped;
  v.volfile_version = 42;
  v.remove_brick_task = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
  v.bricks.resize(12);
  std::uint32_t n = 0;
  auto back = proto::decode_volume(proto::encode_volume(v), n);
  BOOST_TEST(n == 12u);
  BOOST_TEST(back.name == "v1");
  BOOST_TEST((back.type == volume_type::distributed_disperse));
  BOOST_TEST((back.status == volume_status::stopped));
  BOOST_TEST(back.volfile_version == 42u);
  BOOST_TEST(back.redundancy_count == 2u);
  BOOST_TEST(back.remove_brick_task == v.remove_brick_task);
  BOOST_TEST(back.bricks.empty());

  brick b;
  b.index = 7;
  b.peer_uuid = p.uuid;
  b.host = "h1";
  b.path = "/srv/b";
  b.arbiter = true;
  b.decommissioned = true;
  BOOST_TEST((proto::decode_brick(proto::encode_brick(b)) == b));

  b.path.clear();
  BOOST_CHECK_EXCEPTION(proto::decode_brick(proto::encode_brick(b)),
                        proto::decode_error, [](const proto::decode_error& e) {
                          return std::string(e.what())
                                 == "brick record without a path or peer";
                        });
  BOOST_CHECK_THROW(proto::decode_volume("garbage!", n), proto::decode_error);
  BOOST_CHECK_THROW(proto::decode_peer(""), proto::decode_error);
}

BOOST_AUTO_TEST_CASE(views_round_trip_over_capnp) {
  volume_info info;
  auto& v = info.volume;
  v.id = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
  v.name = "v1";
  v.type = volume_type::replicate;
  v.replica_count = 3;
  v.arbiter_count = 1;
  v.status = volume_status::started;
  v.volfile_version = 3;
  v.options = {{"performance.write-behind", "off"}, {"user.x", "y"}};
  for (std::uint32_t i = 0; i < 3; ++i) {
    brick b;
    b.index = i;
    b.peer_uuid = "u" + std::to_string(i);
    b.host = "h" + std::to_string(i);
    b.path = "/b";
    b.arbiter = i == 2;
    v.bricks.push_back(b);
    info.observed.push_back({i != 1, 49152 + i, 100 + i});
  }
  capnp::MallocMessageBuilder mb;
  proto::to_capnp(info, mb.initRoot<proto::schema::VolumeInfo>());
  auto back = proto::from_capnp(mb.getRoot<proto::schema::VolumeInfo>().asReader());
  BOOST_TEST(back.volume.name == "v1");
  BOOST_TEST((back.volume.type == volume_type::replicate));
  BOOST_TEST((back.volume.status == volume_status::started));
  BOOST_TEST((back.volume.bricks == v.bricks));
  BOOST_TEST((back.volume.options == v.options));
  BOOST_TEST(back.observed.size() == 3u);
  BOOST_TEST(!back.observed[1].online);
  BOOST_TEST(back.observed[2].port == 49154u);
  BOOST_TEST(back.observed[0].pid == 100u);

  // A type name from a newer version is refused by name.
  mb.getRoot<proto::schema::VolumeInfo>().setType("Tiered");
  BOOST_CHECK_EXCEPTION(
    proto::from_capnp(mb.getRoot<proto::schema::VolumeInfo>().asReader()),
    proto::decode_error, [](const proto::decode_error& e) {
      return std::string(e.what()) == "volume v1: unknown type \"Tiered\"";
    });

  peer_info pi;
  pi.peer = std::get<peer_add>(every_command()[0]).peer;
  pi.connected = true;
  pi.self = true;
  capnp::MallocMessageBuilder pm;
  proto::to_capnp(pi, pm.initRoot<proto::schema::PeerInfo>());
  auto pb = proto::from_capnp(pm.getRoot<proto::schema::PeerInfo>().asReader());
  BOOST_TEST((pb.peer == pi.peer));
  BOOST_TEST(pb.connected);
  BOOST_TEST(pb.self);

  change_done d;
  d.message = "m";
  d.revision = 9;
  d.volume = info;
  capnp::MallocMessageBuilder dm;
  proto::to_capnp(d, dm.initRoot<proto::schema::ClusterChangeDone>());
  auto db = proto::from_capnp(dm.getRoot<proto::schema::ClusterChangeDone>().asReader());
  BOOST_TEST(db.message == "m");
  BOOST_TEST(db.revision == 9);
  BOOST_REQUIRE(db.volume.has_value());
  BOOST_TEST(db.volume->volume.bricks.size() == 3u);
}

BOOST_AUTO_TEST_CASE(uuids) {
  auto a = random_uuid();
  auto b = random_uuid();
  BOOST_TEST(a != b);
  BOOST_TEST(valid_uuid(a));
  BOOST_TEST(a[14] == '4');
  BOOST_TEST(valid_uuid("AAAAAAAA-aaaa-4aaa-8aaa-aaaaaaaaaaaa"));
  BOOST_TEST(!valid_uuid("aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa"));
  BOOST_TEST(!valid_uuid("aaaaaaaa_aaaa-4aaa-8aaa-aaaaaaaaaaaa"));
  BOOST_TEST(!valid_uuid("gaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"));
}

BOOST_AUTO_TEST_SUITE_END()
