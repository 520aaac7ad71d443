#define BOOST_TEST_MODULE cluster_model
#include <boost/test/unit_test.hpp>

// The cluster model's commands, applied through the state machine to a real
// LMDB store: every validation rule with its exact error, and what a
// successful command leaves in the store (one revision, nothing else).

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "actors/config/cluster_apply.hpp"
#include "actors/config/cluster_store.hpp"
#include "actors/config/state_machine.hpp"
#include "actors/config/volume_layout.hpp"
#include "protocol/cluster_codec.hpp"
#include "store/kv_store.hpp"
#include "test/support/status_printer.hpp"

namespace gd::cluster {

inline std::ostream& boost_test_print_type(std::ostream& os, volume_type t) {
  return os << to_string(t);
}

inline std::ostream& boost_test_print_type(std::ostream& os, volume_status s) {
  return os << to_string(s);
}

} // namespace gd::cluster

namespace fs = std::filesystem;
using namespace gd;
using namespace gd::cluster;
using gd::config::cluster_outcome;

namespace {

const std::string u1 = "11111111-1111-4111-8111-111111111111";
const std::string u2 = "22222222-2222-4222-8222-222222222222";
const std::string u3 = "33333333-3333-4333-8333-333333333333";
const std::string u4 = "44444444-4444-4444-8444-444444444444";
const std::string vol_id = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const std::string task_id = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";

peer make_peer(const std::string& uuid, const std::string& host) {
  peer p;
  p.uuid = uuid;
  p.hostname = host;
  p.addresses = {host + ":24007"};
  return p;
}

std::vector<brick_spec> bricks(std::initializer_list<const char*> names) {
  std::vector<brick_spec> out;
  for (auto n : names) {
    brick_spec b;
    BOOST_REQUIRE(parse_brick(n, b).empty());
    out.push_back(b);
  }
  return out;
}

/// A store in a fresh temporary directory, and a log position to apply at.
struct model_fixture {
  model_fixture() {
    char tmpl[] = "/tmp/gd-cluster-model-XXXXXX";
    BOOST_REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    store::kv_store_options opts;
    opts.flush_commits = false;
    opts.map_size = std::size_t{64} << 20;
    kv = std::make_unique<store::kv_store>(dir, opts);
  }

  ~model_fixture() {
    kv.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  /// Applies `c` as the next committed entry and commits.
  cluster_outcome run(const command& c) {
    auto batch = kv->begin();
    raft::entry e;
    e.index = ++index;
    e.term = 1;
    e.type = raft::entry_type::command;
    e.data = proto::encode_command(c);
    auto out = config::apply_entry(batch, e);
    batch.commit();
    // A command that does not decode fails before the model sees it.
    auto res = std::move(out.cluster);
    res.st = std::move(out.st);
    return res;
  }

  /// Applies `c` and requires success.
  cluster_outcome ok(const command& c) {
    auto out = run(c);
    BOOST_REQUIRE_MESSAGE(out.st.ok(), command_name(c) << ": "
                                                       << out.st.message);
    return out;
  }

  /// Applies `c`, requires it to fail with `code` and `message`, and checks
  /// that it changed nothing (same revision, same keys and values).
  void refused(const command& c, status_code code, const std::string& message) {
    auto before = dump();
    auto rev = kv->applied().revision;
    auto out = run(c);
    BOOST_TEST(!out.st.ok());
    BOOST_TEST(out.st.code == code);
    BOOST_TEST(out.st.message == message);
    BOOST_TEST(out.revision == 0);
    BOOST_TEST(kv->applied().revision == rev);
    BOOST_TEST(dump() == before);
  }

  model_reader reader() {
    return model_reader([this](const kv::range_request& r) { return kv->range(r); });
  }

  volume vol(const std::string& name) {
    auto v = reader().volume_named(name);
    BOOST_REQUIRE(v.has_value());
    return *v;
  }

  /// Every key with its value and mod revision, as one string.
  std::string dump() {
    kv::range_request r;
    r.range.key = std::string(1, '\0');
    r.range.range_end = std::string(1, '\0');
    std::string out;
    for (const auto& x : kv->range(r).kvs)
      out += x.key + "=" + std::to_string(x.value.size()) + "@"
             + std::to_string(x.mod_revision) + "\n";
    return out;
  }

  /// Adds peers h1..h4 (127.0.0.1..4).
  void four_peers() {
    ok(peer_add{make_peer(u1, "h1")});
    ok(peer_add{make_peer(u2, "h2")});
    ok(peer_add{make_peer(u3, "h3")});
    ok(peer_add{make_peer(u4, "h4")});
  }

  volume_create create(const std::string& name,
                       std::initializer_list<const char*> b) {
    volume_create c;
    c.name = name;
    c.id = vol_id;
    c.bricks = bricks(b);
    return c;
  }

  std::string dir;
  std::unique_ptr<store::kv_store> kv;
  raft::log_index index = 0;
};

std::vector<std::string> brick_names(const volume& v) {
  std::vector<std::string> out;
  for (const auto& b : v.bricks)
    out.push_back(b.name());
  return out;
}

} // namespace

// -- peers ------------------------------------------------------------------------

BOOST_FIXTURE_TEST_SUITE(peers, model_fixture)

BOOST_AUTO_TEST_CASE(probe_adds_a_peer_found_by_every_name) {
  auto p = make_peer(u1, "server1");
  p.addresses = {"10.0.0.1:24007", "[fd00::1]:24007"};
  auto out = ok(peer_add{p});
  BOOST_TEST(out.revision == kv->applied().revision);
  auto r = reader();
  BOOST_TEST(r.peer_by_host("server1")->uuid == u1);
  BOOST_TEST(r.peer_by_host("10.0.0.1")->uuid == u1);
  BOOST_TEST(r.peer_by_host("fd00::1")->uuid == u1);
  BOOST_TEST((r.peer_by_uuid(u1) == p));
  BOOST_TEST(r.peers().size() == 1u);
}

BOOST_AUTO_TEST_CASE(liveness_transitions_set_the_committed_state) {
  auto p = make_peer(u1, "h1");
  p.credential_id = 77;
  ok(peer_add{p});
  ok(peer_add{make_peer(u2, "h2")});
  // Many in one entry; a detached (unknown) peer is skipped.
  auto out = ok(peer_liveness{{{u1, true}, {u2, true}, {u3, true}}});
  BOOST_TEST(out.revision == kv->applied().revision);
  auto r = reader();
  BOOST_TEST(r.peer_by_uuid(u1)->down);
  BOOST_TEST(r.peer_by_uuid(u2)->down);
  BOOST_TEST(!r.peer_by_uuid(u3));
  // The rest of the record is kept (the credential id above all).
  BOOST_TEST(r.peer_by_uuid(u1)->credential_id == 77u);
  BOOST_TEST(r.peer_by_uuid(u1)->hostname == "h1");
  // A transition to the state already committed writes nothing.
  auto before = dump();
  auto same = ok(peer_liveness{{{u1, true}}});
  BOOST_TEST(same.revision == 0);
  BOOST_TEST(dump() == before);
  ok(peer_liveness{{{u1, false}}});
  BOOST_TEST(!reader().peer_by_uuid(u1)->down);
  BOOST_TEST(reader().peer_by_uuid(u2)->down);
}

BOOST_AUTO_TEST_CASE(probing_the_same_daemon_again_changes_nothing) {
  ok(peer_add{make_peer(u1, "h1")});
  auto before = dump();
  auto out = ok(peer_add{make_peer(u1, "h1")});
  BOOST_TEST(out.revision == 0);
  BOOST_TEST(out.message == "Host h1 already in peer list");
  BOOST_TEST(dump() == before);
}

BOOST_AUTO_TEST_CASE(probing_by_another_name_remembers_the_name) {
  ok(peer_add{make_peer(u1, "h1")});
  auto out = ok(peer_add{make_peer(u1, "alias1")});
  BOOST_TEST(out.message == "Host alias1 already in peer list as h1");
  BOOST_TEST(reader().peer_by_host("alias1")->hostname == "h1");
  BOOST_TEST(reader().peers().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_name_taken_by_another_peer_is_refused) {
  ok(peer_add{make_peer(u1, "h1")});
  refused(peer_add{make_peer(u2, "h1")}, status_code::exists,
          "Host h1 is already in the pool as peer h1 (UUID " + u1
            + "); detach it first if that server was reinstalled");
}

BOOST_AUTO_TEST_CASE(bad_peer_records_are_refused) {
  auto p = make_peer("not-a-uuid", "h1");
  refused(peer_add{p}, status_code::invalid,
          "peer UUID \"not-a-uuid\" is not a UUID");
  p = make_peer(u1, "bad/host");
  refused(peer_add{p}, status_code::invalid,
          "host name bad/host contains \"/\": use a DNS name or an IP address");
  p = make_peer(u1, "h1");
  p.addresses.clear();
  refused(peer_add{p}, status_code::invalid, "peer h1 has no address");
  p = make_peer(u1, "");
  refused(peer_add{p}, status_code::invalid,
          "command record: peer record without a uuid or hostname");
}

BOOST_AUTO_TEST_CASE(detach_removes_the_peer_and_all_its_names) {
  ok(peer_add{make_peer(u1, "h1")});
  ok(peer_add{make_peer(u1, "alias1")});
  ok(peer_add{make_peer(u2, "h2")});
  ok(peer_remove{"alias1", false});
  auto r = reader();
  BOOST_TEST(!r.peer_by_host("h1"));
  BOOST_TEST(!r.peer_by_host("alias1"));
  BOOST_TEST(!r.peer_by_uuid(u1));
  BOOST_TEST(r.peer_by_host("h2")->uuid == u2);
  // The names are free again.
  ok(peer_add{make_peer(u3, "h1")});
}

BOOST_AUTO_TEST_CASE(detach_of_an_unknown_host_is_not_found) {
  refused(peer_remove{"nowhere", false}, status_code::not_found,
          "nowhere is not part of cluster");
}

BOOST_AUTO_TEST_CASE(detach_of_a_peer_with_bricks_is_refused_even_with_force) {
  four_peers();
  ok(create("v1", {"h1:/b/1"}));
  auto msg = "Peer h1 hosts one or more bricks (h1:/b/1 of volume v1). If the "
             "peer is in not recoverable state then use either replace-brick "
             "or remove-brick command with force to remove all bricks from "
             "the peer and attempt the peer detach again.";
  refused(peer_remove{"h1", false}, status_code::invalid, msg);
  refused(peer_remove{"h1", true}, status_code::invalid, msg);
}

BOOST_AUTO_TEST_SUITE_END()

// -- volume create ----------------------------------------------------------------

BOOST_FIXTURE_TEST_SUITE(create_volume, model_fixture)

BOOST_AUTO_TEST_CASE(volume_names_are_checked) {
  four_peers();
  auto c = create("", {"h1:/b"});
  refused(c, status_code::invalid, "Volume name cannot be empty");
  c.name = std::string(65, 'v');
  refused(c, status_code::invalid, "Volume name exceeds 64 characters.");
  c.name = "-v";
  refused(c, status_code::invalid, "Volume name should not start with \"-\"");
  c.name = "v.1";
  refused(c, status_code::invalid,
          "Volume name should not contain \".\" character. Volume names can "
          "only contain alphanumeric, '-' and '_' characters.");
  c.name = "all";
  refused(c, status_code::invalid, "\"all\" cannot be the name of a volume.");
  c.name = std::string(64, 'v');
  ok(c);
  BOOST_TEST(check_volume_name("Vol_1-a").empty());
}

BOOST_AUTO_TEST_CASE(an_existing_name_is_refused) {
  four_peers();
  ok(create("v1", {"h1:/b1"}));
  refused(create("v1", {"h2:/b1"}), status_code::exists,
          "Volume v1 already exists");
}

BOOST_AUTO_TEST_CASE(ids_and_transport_are_checked) {
  four_peers();
  auto c = create("v1", {"h1:/b1"});
  c.id = "";
  refused(c, status_code::invalid, "volume id \"\" is not a UUID");
  c.id = vol_id;
  c.transport = "rdma";
  refused(c, status_code::invalid,
          "transport-type rdma is not supported (only tcp)");
}

BOOST_AUTO_TEST_CASE(brick_counts_must_fit_the_layout) {
  four_peers();
  auto c = create("v1", {"h1:/b1", "h2:/b1", "h3:/b1", "h4:/b1"});
  c.replica_count = 1;
  refused(c, status_code::invalid, "replica count should be greater than 1");
  c.replica_count = 3;
  refused(c, status_code::invalid,
          "number of bricks (4) is not a multiple of replica count (3)");
  c.replica_count = 2;
  c.arbiter_count = 1;
  refused(c, status_code::invalid,
          "For arbiter configuration, replica count must be 3 and arbiter "
          "count must be 1. The 3rd brick of the replica will be the arbiter");
  c.replica_count = 0;
  refused(c, status_code::invalid,
          "arbiter needs a replica count: use replica 3 arbiter 1");
  c.arbiter_count = 0;
  c.disperse_count = 2;
  refused(c, status_code::invalid, "disperse count must be greater than 2");
  c.disperse_count = 4;
  c.redundancy_count = 2;
  refused(c, status_code::invalid,
          "redundancy must be less than 2 for a disperse 4 volume");
  c.disperse_count = 3;
  c.redundancy_count = 1;
  refused(c, status_code::invalid,
          "number of bricks (4) is not a multiple of disperse count (3)");
  c.replica_count = 2;
  refused(c, status_code::invalid,
          "replica and disperse cannot be combined in one volume");
  auto none = create("v1", {});
  refused(none, status_code::invalid, "at least one brick is needed");
}

BOOST_AUTO_TEST_CASE(default_redundancy_follows_gluster) {
  BOOST_TEST(default_redundancy(3) == 1u);
  BOOST_TEST(default_redundancy(4) == 1u);
  BOOST_TEST(default_redundancy(6) == 2u);
  BOOST_TEST(default_redundancy(10) == 2u);
  BOOST_TEST(default_redundancy(12) == 4u);
  four_peers();
  ok(peer_add{make_peer("55555555-5555-4555-8555-555555555555", "h5")});
  ok(peer_add{make_peer("66666666-6666-4666-8666-666666666666", "h6")});
  auto c = create("v1", {"h1:/b", "h2:/b", "h3:/b", "h4:/b", "h5:/b", "h6:/b"});
  c.disperse_count = 6;
  auto out = ok(c);
  BOOST_TEST(out.volume->redundancy_count == 2u);
  BOOST_TEST(out.volume->type == volume_type::disperse);
}

BOOST_AUTO_TEST_CASE(bricks_must_be_on_peers_and_well_formed) {
  four_peers();
  refused(create("v1", {"h9:/b1"}), status_code::invalid,
          "Host h9 is not in 'Peer in Cluster' state");
  auto c = create("v1", {"h1:/b1"});
  c.bricks[0].path = "/a//b";
  refused(c, status_code::invalid, "Brick path /a//b is not a normalized absolute path");
  c.bricks[0].path = "/a/b/";
  refused(c, status_code::invalid,
          "Brick h1:/a/b/ is not normalized (expected h1:/a/b)");
  c.bricks[0].path = "/";
  refused(c, status_code::invalid,
          "Brick h1:/ is the root directory: use a directory below it");
  c.bricks[0].path = "relative";
  refused(c, status_code::invalid,
          "Wrong brick type: h1:relative, use <HOSTNAME>:<export-dir-abs-path>");
}

BOOST_AUTO_TEST_CASE(a_brick_directory_is_used_once) {
  four_peers();
  ok(peer_add{make_peer(u1, "alias1")});
  refused(create("v1", {"h1:/b1", "h2:/b1", "h1:/b1"}), status_code::invalid,
          "Found duplicate exports h1:/b1");
  refused(create("v1", {"h1:/b1", "alias1:/b1"}), status_code::invalid,
          "Found duplicate exports alias1:/b1");
  refused(create("v1", {"h1:/b", "h1:/b/inner"}), status_code::invalid,
          "Brick h1:/b/inner is inside brick h1:/b of the same command");
  ok(create("v1", {"h1:/data/b1", "h2:/data/b1"}));
  refused(create("v2", {"h3:/x", "h1:/data/b1"}), status_code::invalid,
          "Brick h1:/data/b1 is already part of volume v1");
  refused(create("v2", {"alias1:/data/b1"}), status_code::invalid,
          "Brick alias1:/data/b1 is already part of volume v1");
  refused(create("v2", {"h1:/data"}), status_code::invalid,
          "Brick: h1:/data not available. Brick may be containing or be "
          "contained by an existing brick (h1:/data/b1 of volume v1).");
  refused(create("v2", {"h2:/data/b1/sub"}), status_code::invalid,
          "Brick: h2:/data/b1/sub not available. Brick may be containing or "
          "be contained by an existing brick (h2:/data/b1 of volume v1).");
  // The same path on another server, and a sibling path, are fine.
  ok(create("v2", {"h3:/data/b1", "h1:/data/b10"}));
}

BOOST_AUTO_TEST_CASE(sets_on_one_server_need_force) {
  four_peers();
  ok(peer_add{make_peer(u1, "alias1")});
  auto c = create("v1", {"h1:/b1", "h2:/b1", "alias1:/b2"});
  c.replica_count = 3;
  refused(c, status_code::invalid,
          "Multiple bricks of a replicate volume are present on the same "
          "server. This setup is not optimal. Bricks should be on different "
          "nodes to have best fault tolerant configuration. Use 'force' at the "
          "end of the command if you want to override this behavior.");
  c.replica_count = 0;
  c.disperse_count = 3;
  refused(c, status_code::invalid,
          "Multiple bricks of a disperse volume are present on the same "
          "server. This setup is not optimal. Bricks should be on different "
          "nodes to have best fault tolerant configuration. Use 'force' at the "
          "end of the command if you want to override this behavior.");
  c.force = true;
  ok(c);
  // Distribute volumes may put every brick on one server.
  ok(create("v2", {"h1:/c1", "h1:/c2"}));
}

BOOST_AUTO_TEST_CASE(types_and_arbiters_are_worked_out) {
  four_peers();
  auto d = ok(create("d", {"h1:/d1", "h2:/d1", "h3:/d1"})).volume;
  BOOST_TEST(d->type == volume_type::distribute);
  BOOST_TEST(d->subvolume_count() == 3u);
  auto c = create("r", {"h1:/r1", "h2:/r1", "h3:/r1"});
  c.replica_count = 3;
  BOOST_TEST(ok(c).volume->type == volume_type::replicate);
  c = create("dr", {"h1:/dr1", "h2:/dr1", "h3:/dr1", "h2:/dr2", "h3:/dr2",
                    "h4:/dr2"});
  c.replica_count = 3;
  c.arbiter_count = 1;
  auto dr = *ok(c).volume;
  BOOST_TEST(dr.type == volume_type::distributed_replicate);
  BOOST_TEST(dr.subvolume_count() == 2u);
  for (std::size_t i = 0; i < dr.bricks.size(); ++i) {
    BOOST_TEST(dr.bricks[i].index == i);
    BOOST_TEST(dr.bricks[i].arbiter == (i % 3 == 2));
  }
  c = create("dd", {"h1:/e1", "h2:/e1", "h3:/e1", "h2:/e2", "h3:/e2", "h4:/e2"});
  c.disperse_count = 3;
  auto dd = *ok(c).volume;
  BOOST_TEST(dd.type == volume_type::distributed_disperse);
  BOOST_TEST(dd.redundancy_count == 1u);
  // What the store holds is what the command returned.
  BOOST_TEST((vol("dr").bricks == dr.bricks));
  BOOST_TEST(reader().volume_names()
             == (std::vector<std::string>{"d", "dd", "dr", "r"}));
}

BOOST_AUTO_TEST_CASE(a_create_is_one_revision) {
  four_peers();
  auto rev = kv->applied().revision;
  auto c = create("v1", {"h1:/b1", "h2:/b1", "h3:/b1"});
  c.replica_count = 3;
  auto out = ok(c);
  BOOST_TEST(out.revision == rev + 1);
  BOOST_TEST(kv->applied().revision == rev + 1);
  kv::range_request r;
  r.range.key = keys::volume("v1");
  r.range.range_end = kv::prefix_end(r.range.key);
  auto kvs = kv->range(r).kvs;
  BOOST_TEST(kvs.size() == 4u); // info + 3 bricks
  for (const auto& x : kvs)
    BOOST_TEST(x.mod_revision == out.revision);
  BOOST_TEST((reader().brick_user(u1, "/b1") == std::optional<std::string>("v1")));
}

BOOST_AUTO_TEST_SUITE_END()

// -- lifecycle ----------------------------------------------------------------------

BOOST_FIXTURE_TEST_SUITE(lifecycle, model_fixture)

BOOST_AUTO_TEST_CASE(role_epochs_grow_only_when_the_holder_changes) {
  four_peers();
  ok(create("v1", {"h1:/b1"}));
  role_assignment a;
  a.task = "heal/v1/0";
  a.kind = role_kind::heal;
  a.volume = "v1";
  a.holder = u1;
  a.epoch = 99; // ignored: the state machine decides
  a.since_ms = 1000;
  ok(roles_assign{{a}, {}});
  auto r = reader().role("heal/v1/0");
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->epoch == 1u);
  BOOST_TEST(r->since_ms == 1000);
  // Same holder: nothing changes, not even since.
  a.since_ms = 2000;
  BOOST_TEST(ok(roles_assign{{a}, {}}).revision == 0);
  BOOST_TEST(reader().role("heal/v1/0")->since_ms == 1000);
  // Another holder: the next epoch.
  a.holder = u2;
  ok(roles_assign{{a}, {}});
  BOOST_TEST(reader().role("heal/v1/0")->epoch == 2u);
  BOOST_TEST(reader().role("heal/v1/0")->holder == u2);
  // No eligible server: kept, with no holder and a new epoch.
  a.holder = "";
  ok(roles_assign{{a}, {}});
  BOOST_TEST(reader().role("heal/v1/0")->epoch == 3u);
  // A role of a volume that does not exist is skipped; removal works.
  role_assignment ghost = a;
  ghost.task = "heal/nope/0";
  ghost.volume = "nope";
  ok(roles_assign{{ghost}, {}});
  BOOST_TEST(!reader().role("heal/nope/0"));
  ok(roles_assign{{}, {"heal/v1/0"}});
  BOOST_TEST(reader().roles().empty());
  // Deleting a volume deletes its roles.
  a.holder = u1;
  ok(roles_assign{{a}, {}});
  ok(volume_delete{"v1"});
  BOOST_TEST(reader().roles().empty());
}

BOOST_AUTO_TEST_CASE(brick_reports_replace_the_last_and_go_with_the_peer) {
  four_peers();
  bricks_observed o;
  o.uuid = u1;
  o.bricks.push_back({"v1", "/b1", true, 49152, 1234, ""});
  ok(o);
  BOOST_TEST(reader().observed_on(u1)->bricks.size() == 1u);
  BOOST_TEST(ok(o).revision == 0); // unchanged: nothing written
  o.bricks[0].online = false;
  o.bricks[0].error = "glusterfsd exited with status 1";
  ok(o);
  BOOST_TEST(reader().observed_on(u1)->bricks[0].error
             == "glusterfsd exited with status 1");
  // A report of a server not in the pool is skipped.
  bricks_observed stranger;
  stranger.uuid = "99999999-9999-4999-8999-999999999999";
  ok(stranger);
  BOOST_TEST(!reader().observed_on(stranger.uuid));
  ok(peer_remove{"h1", false});
  BOOST_TEST(!reader().observed_on(u1));
}

BOOST_AUTO_TEST_CASE(start_stop_delete_follow_the_states) {
  four_peers();
  refused(volume_start{"nope", false}, status_code::not_found,
          "Volume nope does not exist");
  refused(volume_stop{"nope", false}, status_code::not_found,
          "Volume nope does not exist");
  refused(volume_delete{"nope"}, status_code::not_found,
          "Volume nope does not exist");
  refused(volume_delete{"bad.name"}, status_code::not_found,
          "Volume bad.name does not exist");
  // An unknown volume is named before a bad option or value (as glusterd).
  refused(volume_set{"nope", "no.such-option", "x"}, status_code::not_found,
          "Volume nope does not exist");
  ok(create("v1", {"h1:/b1"}));
  refused(volume_stop{"v1", false}, status_code::invalid,
          "Volume v1 is not in the started state");
  BOOST_TEST(ok(volume_start{"v1", false}).volume->status
             == volume_status::started);
  refused(volume_start{"v1", false}, status_code::invalid,
          "Volume v1 already started");
  BOOST_TEST(ok(volume_start{"v1", true}).revision == 0);
  refused(volume_delete{"v1"}, status_code::invalid,
          "Volume v1 has been started.Volume needs to be stopped before "
          "deletion.");
  ok(volume_stop{"v1", false});
  BOOST_TEST(vol("v1").status == volume_status::stopped);
  ok(volume_start{"v1", false});
  ok(volume_stop{"v1", true});
  ok(volume_delete{"v1"});
  BOOST_TEST(!reader().volume_named("v1"));
  BOOST_TEST(!reader().brick_user(u1, "/b1"));
  // Nothing of it is left, and its bricks can be used again.
  kv::range_request r;
  r.range.key = keys::volume("v1");
  r.range.range_end = kv::prefix_end(r.range.key);
  BOOST_TEST(kv->range(r).kvs.empty());
  ok(create("v2", {"h1:/b1"}));
}

BOOST_AUTO_TEST_SUITE_END()

// -- options ---------------------------------------------------------------------

BOOST_FIXTURE_TEST_SUITE(options, model_fixture)

BOOST_AUTO_TEST_CASE(set_checks_names_and_values) {
  four_peers();
  ok(create("v1", {"h1:/b1"}));
  refused(volume_set{"nope", "performance.cache-size", "32MB"},
          status_code::not_found, "Volume nope does not exist");
  refused(volume_set{"v1", "no.such-option", "1"}, status_code::invalid,
          "option : no.such-option does not exist");
  refused(volume_set{"v1", "performance.cache-sise", "1"}, status_code::invalid,
          "option : performance.cache-sise does not exist\nDid you mean "
          "performance.cache-size?");
  refused(volume_set{"v1", "performance.write-behind", "maybe"},
          status_code::invalid,
          "option performance.write-behind: 'maybe' is not a valid boolean "
          "value (use on or off)");
  refused(volume_set{"v1", "", "x"}, status_code::invalid,
          "option name is empty");
  refused(volume_set{"v1", "user." + std::string(300, 'k'), "x"},
          status_code::invalid,
          "option user." + std::string(35, 'k')
            + "... is longer than 256 bytes");
}

BOOST_AUTO_TEST_CASE(set_stores_the_full_key_and_normal_value) {
  four_peers();
  auto v0 = ok(create("v1", {"h1:/b1"})).volume->volfile_version;
  auto out = ok(volume_set{"v1", "write-behind", "no"});
  BOOST_TEST(out.volume->options.at("performance.write-behind") == "off");
  BOOST_TEST(out.volume->volfile_version == v0 + 1);
  BOOST_TEST(vol("v1").options.at("performance.write-behind") == "off");
  // The same value again changes nothing.
  BOOST_TEST(ok(volume_set{"v1", "performance.write-behind", "off"}).revision
             == 0);
  // An option glusterd-actor reads itself does not change the volfiles.
  out = ok(volume_set{"v1", "cluster.server-quorum-type", "server"});
  BOOST_TEST(out.volume->volfile_version == v0 + 1);
  // user.* options are kept as given.
  out = ok(volume_set{"v1", "user.owner", "team a"});
  BOOST_TEST(out.volume->options.at("user.owner") == "team a");
  BOOST_TEST(out.volume->volfile_version == v0 + 1);
}

BOOST_AUTO_TEST_CASE(cluster_wide_options_live_apart) {
  four_peers();
  ok(create("v1", {"h1:/b1"}));
  refused(volume_set{"v1", "cluster.brick-multiplex", "on"},
          status_code::invalid,
          "Not a valid option for single volume: cluster.brick-multiplex is "
          "cluster-wide (volume set all cluster.brick-multiplex VALUE)");
  refused(volume_set{"all", "performance.write-behind", "off"},
          status_code::invalid,
          "option performance.write-behind is a volume option, not a "
          "cluster-wide one: set it on a volume (volume set NAME "
          "performance.write-behind VALUE)");
  ok(volume_set{"all", "cluster.brick-multiplex", "yes"});
  BOOST_TEST(reader().cluster_options().at("cluster.brick-multiplex") == "on");
  ok(volume_reset{"all", "cluster.brick-multiplex", false});
  BOOST_TEST(reader().cluster_options().empty());
}

BOOST_AUTO_TEST_CASE(reset_removes_one_or_every_option) {
  four_peers();
  auto v0 = ok(create("v1", {"h1:/b1"})).volume->volfile_version;
  ok(volume_set{"v1", "performance.write-behind", "off"});
  ok(volume_set{"v1", "performance.io-cache", "off"});
  ok(volume_set{"v1", "user.a", "1"});
  refused(volume_reset{"v1", "no.such", false}, status_code::invalid,
          "option : no.such does not exist");
  refused(volume_reset{"nope", "", false}, status_code::not_found,
          "Volume nope does not exist");
  auto out = ok(volume_reset{"v1", "write-behind", false});
  BOOST_TEST(out.volume->options.count("performance.write-behind") == 0u);
  BOOST_TEST(out.volume->options.size() == 2u);
  BOOST_TEST(out.volume->volfile_version == v0 + 3);
  // Resetting an option that is not set changes nothing.
  BOOST_TEST(ok(volume_reset{"v1", "performance.write-behind", false}).revision
             == 0);
  out = ok(volume_reset{"v1", "all", false});
  BOOST_TEST(out.volume->options.empty());
  BOOST_TEST(vol("v1").options.empty());
}

BOOST_AUTO_TEST_SUITE_END()

// -- add-brick --------------------------------------------------------------------

BOOST_FIXTURE_TEST_SUITE(add_bricks, model_fixture)

BOOST_AUTO_TEST_CASE(more_sets_of_the_same_size) {
  four_peers();
  auto c = create("v1", {"h1:/a", "h2:/a", "h3:/a"});
  c.replica_count = 3;
  auto v0 = ok(c).volume->volfile_version;
  add_brick a{"v1", 0, bricks({"h2:/b", "h3:/b"}), false};
  refused(a, status_code::invalid, "Incorrect number of bricks supplied 2 with count 3");
  a.bricks = bricks({"h2:/b", "h3:/b", "h4:/b"});
  auto v = *ok(a).volume;
  BOOST_TEST(v.type == volume_type::distributed_replicate);
  BOOST_TEST(v.bricks.size() == 6u);
  BOOST_TEST(v.bricks[5].index == 5u);
  BOOST_TEST(v.volfile_version == v0 + 1);
  a.bricks = bricks({"h1:/c", "h1:/d", "h2:/c"});
  refused(a, status_code::invalid,
          "Multiple bricks of a replicate volume are present on the same "
          "server. This setup is not optimal. Bricks should be on different "
          "nodes to have best fault tolerant configuration. Use 'force' at the "
          "end of the command if you want to override this behavior.");
  a.bricks = bricks({"h1:/a", "h2:/c", "h3:/c"});
  refused(a, status_code::invalid, "Brick h1:/a is already part of volume v1");
  ok(create("other", {"h4:/o"}));
  a.bricks = bricks({"h1:/c", "h2:/c", "h4:/o/x"});
  refused(a, status_code::invalid,
          "Brick: h4:/o/x not available. Brick may be containing or be "
          "contained by an existing brick (h4:/o of volume other).");
  refused(add_brick{"nope", 0, bricks({"h1:/x"}), false}, status_code::not_found,
          "Volume nope does not exist");
}

BOOST_AUTO_TEST_CASE(distribute_grows_one_brick_at_a_time) {
  four_peers();
  ok(create("v1", {"h1:/a"}));
  auto v = *ok(add_brick{"v1", 0, bricks({"h1:/b"}), false}).volume;
  BOOST_TEST(v.type == volume_type::distribute);
  BOOST_TEST(v.subvolume_count() == 2u);
}

BOOST_AUTO_TEST_CASE(more_copies_interleave_with_each_set) {
  four_peers();
  auto c = create("v1", {"h1:/a", "h2:/a", "h3:/a", "h4:/a"});
  c.replica_count = 2;
  ok(c);
  add_brick a{"v1", 1, bricks({"h3:/b", "h1:/b"}), false};
  refused(a, status_code::invalid,
          "Incorrect replica count (1) supplied. Volume already has (2)");
  a.replica_count = 3;
  a.bricks = bricks({"h3:/b"});
  refused(a, status_code::invalid,
          "Incorrect number of bricks supplied 1 for replica count 3: volume "
          "v1 has 2 replica set(s), so give 2 x 1 bricks");
  a.bricks = bricks({"h3:/b", "h1:/b"});
  auto v = *ok(a).volume;
  BOOST_TEST(v.replica_count == 3u);
  BOOST_TEST(brick_names(v)
             == (std::vector<std::string>{"h1:/a", "h2:/a", "h3:/b", "h3:/a",
                                          "h4:/a", "h1:/b"}));
  BOOST_TEST(v.type == volume_type::distributed_replicate);
}

BOOST_AUTO_TEST_CASE(arbiters_can_be_added_to_replica_2) {
  four_peers();
  auto c = create("v1", {"h1:/a", "h2:/a"});
  c.replica_count = 2;
  ok(c);
  add_brick a{"v1", 3, bricks({"h3:/arb"}), false, 2};
  refused(a, status_code::invalid,
          "arbiter bricks can be added only to a replica 2 volume, with "
          "replica 3 arbiter 1 (one arbiter per replica set)");
  a.arbiter_count = 1;
  auto v = *ok(a).volume;
  BOOST_TEST(v.arbiter_count == 1u);
  BOOST_TEST(v.bricks[2].arbiter);
  BOOST_TEST(!v.bricks[0].arbiter);
  refused(add_brick{"v1", 4, bricks({"h4:/x"}), false}, status_code::invalid,
          "the replica count of arbiter volume v1 cannot be changed");
}

BOOST_AUTO_TEST_CASE(disperse_volumes_take_whole_sets) {
  four_peers();
  auto c = create("v1", {"h1:/a", "h2:/a", "h3:/a"});
  c.disperse_count = 3;
  ok(c);
  refused(add_brick{"v1", 3, bricks({"h1:/b", "h2:/b", "h3:/b"}), false},
          status_code::invalid,
          "replica count cannot be given for disperse volume v1");
  refused(add_brick{"v1", 0, bricks({"h1:/b"}), false}, status_code::invalid,
          "Incorrect number of bricks supplied 1 with count 3");
  auto v = *ok(add_brick{"v1", 0, bricks({"h1:/b", "h2:/b", "h4:/b"}), false})
              .volume;
  BOOST_TEST(v.type == volume_type::distributed_disperse);
}

BOOST_AUTO_TEST_SUITE_END()

// -- remove-brick and replace-brick ------------------------------------------------

BOOST_FIXTURE_TEST_SUITE(remove_and_replace, model_fixture)

struct two_by_three : model_fixture {
  two_by_three() {
    four_peers();
    auto c = create("v1", {"h1:/a", "h2:/a", "h3:/a", "h2:/b", "h3:/b", "h4:/b"});
    c.replica_count = 3;
    ok(c);
  }

  remove_brick rb(std::initializer_list<const char*> b, remove_brick::op op) {
    remove_brick r;
    r.name = "v1";
    r.bricks = bricks(b);
    r.action = op;
    r.task_id = op == remove_brick::op::start ? task_id : "";
    return r;
  }
};

BOOST_FIXTURE_TEST_CASE(start_then_commit_removes_a_set, two_by_three) {
  using op = remove_brick::op;
  refused(rb({"h2:/b", "h3:/b", "h4:/b"}, op::start), status_code::invalid,
          "Volume v1 needs to be started before remove-brick start (its data "
          "is migrated off the bricks); use force to remove them without "
          "migrating");
  ok(volume_start{"v1", false});
  auto v0 = vol("v1").volfile_version;
  auto out = ok(rb({"h2:/b", "h3:/b", "h4:/b"}, op::start));
  BOOST_TEST(out.message == "ID: " + task_id);
  BOOST_TEST(out.volume->remove_brick_task == task_id);
  BOOST_TEST(out.volume->bricks[3].decommissioned);
  BOOST_TEST(!out.volume->bricks[2].decommissioned);
  BOOST_TEST(out.volume->volfile_version == v0 + 1);
  refused(rb({"h2:/b", "h3:/b", "h4:/b"}, op::start), status_code::invalid,
          "An earlier remove-brick task exists for volume v1. Either commit it "
          "or stop it before starting a new task.");
  refused(rb({"h1:/a", "h2:/a", "h3:/a"}, op::commit), status_code::invalid,
          "the bricks given are not the ones being removed from volume v1 "
          "(h2:/b h3:/b h4:/b)");
  refused(add_brick{"v1", 0, bricks({"h1:/c", "h2:/c", "h3:/c"}), false},
          status_code::invalid,
          "Volume v1 has a remove-brick task in progress: commit or stop it "
          "first");
  out = ok(rb({"h2:/b", "h3:/b", "h4:/b"}, op::commit));
  BOOST_TEST(out.message.find("Check the removed bricks") == 0u);
  BOOST_TEST(out.volume->type == volume_type::replicate);
  BOOST_TEST(out.volume->remove_brick_task.empty());
  BOOST_TEST(brick_names(*out.volume)
             == (std::vector<std::string>{"h1:/a", "h2:/a", "h3:/a"}));
  BOOST_TEST(!reader().brick_user(u4, "/b"));
  kv::range_request r;
  r.range.key = keys::bricks("v1");
  r.range.range_end = kv::prefix_end(r.range.key);
  BOOST_TEST(kv->range(r).kvs.size() == 3u);
}

BOOST_FIXTURE_TEST_CASE(stop_cancels_a_removal, two_by_three) {
  using op = remove_brick::op;
  refused(rb({"h2:/b", "h3:/b", "h4:/b"}, op::stop), status_code::invalid,
          "No remove-brick task is in progress on volume v1: use start first "
          "(or force to remove the bricks at once)");
  refused(rb({"h2:/b", "h3:/b", "h4:/b"}, op::commit), status_code::invalid,
          "No remove-brick task is in progress on volume v1: use start first "
          "(or force to remove the bricks at once)");
  ok(volume_start{"v1", false});
  ok(rb({"h2:/b", "h3:/b", "h4:/b"}, op::start));
  auto v = *ok(rb({"h2:/b", "h3:/b", "h4:/b"}, op::stop)).volume;
  BOOST_TEST(v.remove_brick_task.empty());
  BOOST_TEST(v.bricks.size() == 6u);
  for (const auto& b : v.bricks)
    BOOST_TEST(!b.decommissioned);
}

BOOST_FIXTURE_TEST_CASE(only_whole_sets_can_go, two_by_three) {
  using op = remove_brick::op;
  refused(rb({"h2:/b", "h3:/b"}, op::force), status_code::invalid,
          "Remove brick incorrect brick count of 2 for replica 3");
  refused(rb({"h1:/a", "h2:/a", "h4:/b"}, op::force), status_code::invalid,
          "Bricks not from same subvol for replica: h3:/a is in the same set "
          "as h1:/a but is not named");
  refused(rb({"h1:/a", "h2:/a", "h3:/a", "h2:/b", "h3:/b", "h4:/b"}, op::force),
          status_code::invalid,
          "Deleting all the bricks of the volume is not allowed");
  refused(rb({"h1:/zzz"}, op::force), status_code::invalid,
          "Incorrect brick h1:/zzz for volume v1");
  refused(rb({"h9:/a"}, op::force), status_code::invalid,
          "Incorrect brick h9:/a for volume v1");
  refused(rb({"h1:/a", "h1:/a", "h2:/a"}, op::force), status_code::invalid,
          "Found duplicate exports h1:/a");
  auto v = *ok(rb({"h1:/a", "h2:/a", "h3:/a"}, op::force)).volume;
  BOOST_TEST(brick_names(v)
             == (std::vector<std::string>{"h2:/b", "h3:/b", "h4:/b"}));
  BOOST_TEST(v.bricks[0].index == 0u);
}

BOOST_FIXTURE_TEST_CASE(lowering_the_replica_count, two_by_three) {
  using op = remove_brick::op;
  auto r = rb({"h3:/a", "h4:/b"}, op::commit);
  r.replica_count = 2;
  refused(r, status_code::invalid,
          "lowering the replica count removes the bricks at once: use "
          "remove-brick v1 replica 2 BRICK... force");
  r.action = op::force;
  r.bricks = bricks({"h3:/a", "h2:/a"});
  refused(r, status_code::invalid,
          "Bricks not from same subvol for replica: give 1 brick(s) of replica "
          "set 1 (h1:/a ...), 2 given");
  r.bricks = bricks({"h3:/a"});
  refused(r, status_code::invalid,
          "Remove brick incorrect brick count of 1 for replica 2: give 1 "
          "brick(s) of each of the 2 replica set(s)");
  r.replica_count = 4;
  refused(r, status_code::invalid,
          "Incorrect replica count (4) supplied. Volume already has (3)");
  r.replica_count = 2;
  r.bricks = bricks({"h3:/a", "h4:/b"});
  auto v = *ok(r).volume;
  BOOST_TEST(v.replica_count == 2u);
  BOOST_TEST(brick_names(v)
             == (std::vector<std::string>{"h1:/a", "h2:/a", "h2:/b", "h3:/b"}));
}

BOOST_FIXTURE_TEST_CASE(replace_brick_keeps_the_position, two_by_three) {
  refused(replace_brick{"v1", bricks({"h1:/zzz"})[0], bricks({"h4:/n"})[0]},
          status_code::invalid, "Incorrect brick h1:/zzz for volume v1");
  refused(replace_brick{"v1", bricks({"h1:/a"})[0], bricks({"h2:/b"})[0]},
          status_code::invalid, "Brick h2:/b is already part of volume v1");
  refused(replace_brick{"v1", bricks({"h1:/a"})[0], bricks({"h9:/n"})[0]},
          status_code::invalid, "Host h9 is not in 'Peer in Cluster' state");
  auto v0 = vol("v1").volfile_version;
  auto out = ok(replace_brick{"v1", bricks({"h1:/a"})[0], bricks({"h4:/n"})[0]});
  BOOST_TEST(out.message == "replace-brick commit force operation successful");
  BOOST_TEST(out.volume->bricks[0].name() == "h4:/n");
  BOOST_TEST(out.volume->bricks[0].peer_uuid == u4);
  BOOST_TEST(out.volume->bricks[0].index == 0u);
  BOOST_TEST(out.volume->volfile_version == v0 + 1);
  BOOST_TEST(!reader().brick_user(u1, "/a"));
  BOOST_TEST((reader().brick_user(u4, "/n") == std::optional<std::string>("v1")));
  ok(create("d", {"h1:/d"}));
  refused(replace_brick{"d", bricks({"h1:/d"})[0], bricks({"h2:/d"})[0]},
          status_code::invalid,
          "replace-brick is not permitted on distribute-only volumes. Please "
          "use add-brick and remove-brick operations instead.");
}

BOOST_AUTO_TEST_SUITE_END()

// -- the model's keys and determinism ------------------------------------------------

BOOST_AUTO_TEST_CASE(kv_writes_to_model_keys_are_refused) {
  auto put = [](std::string k) {
    kv::put_request p;
    p.key = std::move(k);
    return kv::write_request{p};
  };
  auto del = [](std::string k, std::string end) {
    kv::delete_request d;
    d.range = {std::move(k), std::move(end)};
    return kv::write_request{d};
  };
  BOOST_TEST(config::writes_model_keys(put("/gd/volumes/v1/info")));
  BOOST_TEST(config::writes_model_keys(put("/gd/")));
  BOOST_TEST(!config::writes_model_keys(put("/gd")));
  BOOST_TEST(!config::writes_model_keys(put("/gdx")));
  BOOST_TEST(!config::writes_model_keys(put("app/config")));
  BOOST_TEST(config::writes_model_keys(del("/a", "/z")));
  BOOST_TEST(config::writes_model_keys(del("/", std::string(1, '\0'))));
  BOOST_TEST(config::writes_model_keys(del("/gd/peers/x", "/gd/peers/y")));
  BOOST_TEST(!config::writes_model_keys(del("/a", "/gd/")));
  BOOST_TEST(!config::writes_model_keys(del("/ge", "/z")));
  kv::txn_request t;
  t.failure.emplace_back(kv::put_request{"/gd/x", "v", false});
  BOOST_TEST(config::writes_model_keys(kv::write_request{t}));

  model_fixture f;
  auto rev = f.kv->applied().revision;
  auto batch = f.kv->begin();
  raft::entry e;
  e.index = 1;
  e.term = 1;
  e.data = proto::encode_command(put("/gd/volumes/x/info"));
  auto out = config::apply_entry(batch, e);
  batch.commit();
  BOOST_TEST(out.st.code == status_code::invalid);
  BOOST_TEST(out.st.message
             == "keys under /gd/ hold the cluster model: change them with the "
                "peer and volume commands, not the KV API");
  BOOST_TEST(f.kv->applied().revision == rev);
  BOOST_TEST(f.kv->applied().index == 1u);
}

BOOST_AUTO_TEST_CASE(replaying_the_same_commands_gives_the_same_store) {
  std::vector<command> script;
  script.push_back(peer_add{make_peer(u1, "h1")});
  script.push_back(peer_add{make_peer(u2, "h2")});
  script.push_back(peer_add{make_peer(u3, "h3")});
  volume_create c;
  c.name = "v1";
  c.id = vol_id;
  c.replica_count = 3;
  c.bricks = bricks({"h1:/a", "h2:/a", "h3:/a"});
  script.push_back(c);
  script.push_back(c); // refused: exists
  script.push_back(volume_set{"v1", "performance.write-behind", "off"});
  script.push_back(volume_start{"v1", false});
  script.push_back(add_brick{"v1", 0, bricks({"h1:/b", "h2:/b", "h3:/b"}), false});
  script.push_back(replace_brick{"v1", bricks({"h1:/b"})[0], bricks({"h1:/c"})[0]});
  script.push_back(volume_reset{"v1", "", false});
  model_fixture a;
  model_fixture b;
  for (const auto& cmd : script) {
    auto x = a.run(cmd);
    auto y = b.run(cmd);
    BOOST_TEST(x.st.message == y.st.message);
    BOOST_TEST(x.revision == y.revision);
  }
  BOOST_TEST(a.dump() == b.dump());
  BOOST_TEST(a.kv->applied().revision == b.kv->applied().revision);
}

BOOST_FIXTURE_TEST_CASE(corrupt_stored_record_is_local_corruption_not_invalid_input,
                        model_fixture) {
  // Two tiers: a bad request gets a reply, but a record this member's store
  // cannot decode is local corruption. Answering "invalid" would consume the
  // log index here while the peers apply the command: the member would
  // silently diverge. It must stop, naming the key.
  ok(peer_add{make_peer(u1, "h1")});
  {
    auto b = kv->begin();
    b.put({keys::peer(u1), "not a peer record", false});
    b.set_applied(index, 1);
    b.commit();
  }
  auto before = kv->applied();
  volume_create c;
  c.name = "v";
  c.id = vol_id;
  c.bricks = bricks({"h1:/b/1"});
  c.force = true;
  try {
    run(c);
    BOOST_FAIL("a corrupt peer record was taken for a request error");
  } catch (const store::store_error& e) {
    BOOST_TEST((e.code() == store::store_errc::corrupt));
    BOOST_TEST(std::string(e.what()).find("/gd/peers/" + u1)
               != std::string::npos, e.what());
  }
  // The batch was abandoned: the entry is not recorded as applied.
  BOOST_TEST(kv->applied().index == before.index);
}
