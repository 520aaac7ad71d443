// The Cluster API end to end: the client library's calls round-trip over
// real Cap'n Proto on loopback to the fake daemon, and glcli's peer, pool
// and volume commands print the answers and map failures to exit 1 with
// gluster's line and the change clause.

#include <boost/test/unit_test.hpp>

#include <sstream>

#include "cmd/glcli/cli.hpp"
#include "test/unit/cli/cluster_samples.hpp"
#include "test/unit/cli/fake_daemon.hpp"

namespace {

namespace cluster = gd::cluster;
using gd::status_code;
using gd::test::fake_daemon;
using strings = std::vector<std::string>;

struct result {
  int code;
  std::string out;
  std::string err;
};

result glcli(const fake_daemon& d, strings args,
             const std::string& input = "") {
  strings all{"glcli", "--remote-host", d.address()};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<const char*> argv;
  for (const auto& a : all)
    argv.push_back(a.c_str());
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  gd::glcli::streams s{in, out, err};
  int code = gd::glcli::run(static_cast<int>(argv.size()), argv.data(), s);
  return {code, out.str(), err.str()};
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

struct cluster_fixture {
  fake_daemon d;

  cluster_fixture() {
    fake_daemon::cluster_answers a;
    a.change.revision = 7;
    a.peers = gd::test::sample_pool();
    a.volumes = {gd::test::distribute_volume(),
                 gd::test::dist_replicate_volume(),
                 gd::test::arbiter_volume()};
    a.options = {{"performance.cache-size", "256MB", "32MB", "cache", true},
                 {"nfs.disable", "on", "on", "", false}};
    a.volfile = {"rep", 4, "volume rep-client-0\nend-volume"};
    d.set_cluster(a);
  }

  gd::client::connection connect() {
    return gd::client::connection({"127.0.0.1", d.port()});
  }

  /// The one command Cluster.change received.
  cluster::command only_change() {
    auto cs = d.changes();
    BOOST_REQUIRE_EQUAL(cs.size(), 1u);
    return cs.front();
  }

  void set_change(cluster::change_done done) {
    auto a = answers();
    a.change = std::move(done);
    d.set_cluster(a);
  }

  fake_daemon::cluster_answers answers() {
    fake_daemon::cluster_answers a;
    a.change.revision = 7;
    a.peers = gd::test::sample_pool();
    a.volumes = {gd::test::distribute_volume(),
                 gd::test::dist_replicate_volume(),
                 gd::test::arbiter_volume()};
    return a;
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(cluster_commands, cluster_fixture)

// -- the client library ---------------------------------------------------

BOOST_AUTO_TEST_CASE(client_change_round_trips_the_command) {
  auto c = connect();
  cluster::volume_create vc;
  vc.name = "v9";
  vc.replica_count = 3;
  vc.arbiter_count = 1;
  vc.bricks = {{"h1", "/b"}, {"h2", "/b"}, {"h3", "/b"}};
  vc.force = true;
  auto r = c.cluster_change(vc);
  BOOST_TEST(r.ok());
  BOOST_TEST(r.value.revision == 7);
  BOOST_TEST(!r.value.volume.has_value());
  auto got = std::get<cluster::volume_create>(only_change());
  BOOST_TEST(got.name == "v9");
  BOOST_TEST(got.id == "");
  BOOST_TEST(got.replica_count == 3u);
  BOOST_TEST(got.arbiter_count == 1u);
  BOOST_TEST(got.force);
  BOOST_TEST((got.bricks == vc.bricks));
  BOOST_TEST((d.cluster_calls() == strings{"change hops=0"}));
}

BOOST_AUTO_TEST_CASE(client_change_returns_the_volume) {
  cluster::change_done done;
  done.revision = 9;
  done.message = "note";
  done.volume = gd::test::arbiter_volume();
  set_change(done);
  auto c = connect();
  auto r = c.cluster_change(cluster::volume_start{"arb", false});
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r.value.message == "note");
  BOOST_REQUIRE(r.value.volume.has_value());
  const auto& v = r.value.volume->volume;
  BOOST_TEST(v.name == "arb");
  BOOST_TEST(v.arbiter_count == 1u);
  BOOST_TEST((v.bricks == done.volume->volume.bricks));
}

BOOST_AUTO_TEST_CASE(client_reads_round_trip) {
  auto c = connect();
  auto peers = c.peers();
  BOOST_REQUIRE(peers.ok());
  BOOST_REQUIRE_EQUAL(peers.value.size(), 3u);
  BOOST_TEST(peers.value[0].self);
  BOOST_TEST(peers.value[0].peer.hostname == "127.1.1.1");
  BOOST_TEST(!peers.value[2].connected);
  BOOST_TEST((peers.value[1].peer.addresses == strings{"127.1.1.2:24007"}));

  auto vols = c.volumes("all");
  BOOST_REQUIRE(vols.ok());
  BOOST_REQUIRE_EQUAL(vols.value.size(), 3u);
  const auto& rep = vols.value[1].volume;
  BOOST_TEST(rep.name == "rep");
  BOOST_TEST((rep.type == cluster::volume_type::distributed_replicate));
  BOOST_TEST((rep.status == cluster::volume_status::started));
  BOOST_TEST(rep.options.at("performance.readdir-ahead") == "on");
  BOOST_TEST(vols.value[1].observed.size() == 6u);
  auto one = c.volumes("arb");
  BOOST_REQUIRE(one.ok());
  BOOST_TEST(one.value.size() == 1u);
  auto missing = c.volumes("nope");
  BOOST_TEST((missing.st.code == status_code::not_found));
  BOOST_TEST(missing.st.message == "Volume nope does not exist");

  auto names = c.volume_names();
  BOOST_REQUIRE(names.ok());
  BOOST_TEST((names.value == strings{"dist", "rep", "arb"}));

  auto opts = c.volume_options("rep", "all");
  BOOST_REQUIRE(opts.ok());
  BOOST_REQUIRE_EQUAL(opts.value.size(), 2u);
  BOOST_TEST(opts.value[0].key == "performance.cache-size");
  BOOST_TEST(opts.value[0].default_value == "32MB");
  BOOST_TEST(opts.value[0].description == "cache");
  BOOST_TEST(opts.value[0].is_set);

  auto vf = c.volfile("rep", "h1:/b0", false);
  BOOST_REQUIRE(vf.ok());
  BOOST_TEST(vf.value.name == "rep");
  BOOST_TEST(vf.value.version == 4u);

  auto probe = c.peer_probe("h4:24008");
  BOOST_TEST(probe.ok());
  auto detach = c.peer_detach("h4", true);
  BOOST_TEST(detach.ok());
  BOOST_TEST((d.cluster_calls()
              == strings{"peers", "volumes all", "volumes arb", "volumes nope",
                         "volumeNames", "volumeOptions rep all",
                         "volfile rep h1:/b0 client=0", "peerProbe h4:24008",
                         "peerDetach h4 force=1"}));
}

BOOST_AUTO_TEST_CASE(client_business_failures_come_back_in_st) {
  auto c = connect();
  d.fail_next(gd::status::error(status_code::exists,
                                "Volume v1 already exists"));
  auto r = c.cluster_change(cluster::volume_delete{"v1"});
  BOOST_TEST(!r.ok());
  BOOST_TEST((r.st.code == status_code::exists));
  BOOST_TEST(r.st.message == "Volume v1 already exists");
  d.fail_next(gd::status::error(status_code::no_quorum, "no leader"));
  auto p = c.peers();
  BOOST_TEST((p.st.code == status_code::no_quorum));
}

BOOST_AUTO_TEST_CASE(client_hang_is_a_timeout) {
  gd::client::connection_options o;
  o.call_timeout = std::chrono::milliseconds(200);
  gd::client::connection c({"127.0.0.1", d.port()}, o);
  d.set_hang(true);
  try {
    c.volumes("");
    BOOST_FAIL("expected a timeout");
  } catch (const gd::client::client_error& e) {
    BOOST_TEST((e.which() == gd::client::client_error::kind::timeout));
    BOOST_TEST(contains(e.what(), "(volumes)"));
  }
  d.set_hang(false);
}

// -- glcli: changes --------------------------------------------------------

BOOST_AUTO_TEST_CASE(volume_create_sends_the_parsed_command) {
  auto r = glcli(d, {"volume", "create", "v1", "replica", "2", "h1:/b",
                     "h2:/b", "force", "--mode=script"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out
             == "volume create: v1: success: please start the volume to "
                "access data\n");
  BOOST_TEST(r.err == "");
  auto c = std::get<cluster::volume_create>(only_change());
  BOOST_TEST(c.name == "v1");
  BOOST_TEST(c.replica_count == 2u);
  BOOST_TEST(c.force);
  BOOST_TEST(c.bricks.size() == 2u);
}

BOOST_AUTO_TEST_CASE(volume_create_json) {
  cluster::change_done done;
  done.revision = 11;
  done.volume = gd::test::arbiter_volume();
  set_change(done);
  auto r = glcli(d, {"volume", "create", "arb", "replica", "3", "arbiter",
                     "1", "h1:/b0", "h2:/b0", "h3:/b0", "--json"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out.rfind(R"({"volName":"arb","revision":11,"message":"",)"
                         R"("volume":{"name":"arb",)",
                         0)
             == 0u);
  BOOST_TEST(contains(r.out, R"("isArbiter":true}])"));
}

BOOST_AUTO_TEST_CASE(volume_changes_success_lines) {
  struct change_case {
    strings args;
    std::string out;
  };
  std::vector<change_case> cases{
    {{"volume", "start", "v1", "force"}, "volume start: v1: success\n"},
    {{"volume", "stop", "v1", "--mode=script"}, "volume stop: v1: success\n"},
    {{"volume", "delete", "v1", "--mode=script"},
     "volume delete: v1: success\n"},
    {{"volume", "set", "v1", "nfs.disable", "off"}, "volume set: success\n"},
    {{"volume", "set", "all", "cluster.op-version", "100000"},
     "volume set: success\n"},
    {{"volume", "reset", "v1", "all", "force"},
     "volume reset: success: reset volume successful\n"},
    {{"volume", "add-brick", "v1", "replica", "3", "h3:/b"},
     "volume add-brick: success\n"},
    {{"volume", "remove-brick", "v1", "h1:/b", "stop"},
     "volume remove-brick stop: success\n"},
    {{"volume", "remove-brick", "v1", "h1:/b", "force", "--mode=script"},
     "volume remove-brick commit force: success\n"},
    {{"volume", "remove-brick", "v1", "h1:/b", "commit", "--mode=script"},
     "volume remove-brick commit: success\n"
     "Check the removed bricks to ensure all files are migrated.\n"
     "If files with data are found on the brick path, copy them via a "
     "gluster mount point before re-purposing the removed brick.\n"},
    {{"volume", "replace-brick", "v1", "h1:/b", "h9:/b", "commit", "force"},
     "volume replace-brick: success: replace-brick commit force operation "
     "successful\n"},
    {{"peer", "probe", "127.1.1.4"}, "peer probe: success\n"},
    {{"peer", "detach", "127.1.1.4", "--mode=script"},
     "peer detach: success\n"},
  };
  for (const auto& c : cases) {
    auto r = glcli(d, c.args);
    BOOST_TEST_CONTEXT(c.args[0] << " " << c.args[1] << " " << c.args[2]) {
      BOOST_TEST(r.code == 0);
      BOOST_TEST(r.out == c.out);
      BOOST_TEST(r.err == "");
    }
  }
  auto changes = d.changes();
  BOOST_REQUIRE_EQUAL(changes.size(), 11u);
  BOOST_TEST(std::get<cluster::volume_start>(changes[0]).force);
  BOOST_TEST(!std::get<cluster::volume_stop>(changes[1]).force);
  BOOST_TEST(std::get<cluster::volume_delete>(changes[2]).name == "v1");
  auto set = std::get<cluster::volume_set>(changes[3]);
  BOOST_TEST(set.key == "nfs.disable");
  BOOST_TEST(set.value == "off");
  BOOST_TEST(std::get<cluster::volume_set>(changes[4]).name == "all");
  auto reset = std::get<cluster::volume_reset>(changes[5]);
  BOOST_TEST(reset.key == "");
  BOOST_TEST(reset.force);
  BOOST_TEST(std::get<cluster::add_brick>(changes[6]).replica_count == 3u);
  using op = cluster::remove_brick::op;
  BOOST_TEST((std::get<cluster::remove_brick>(changes[7]).action == op::stop));
  BOOST_TEST((std::get<cluster::remove_brick>(changes[8]).action
              == op::force));
  BOOST_TEST((std::get<cluster::remove_brick>(changes[9]).action
              == op::commit));
  auto rb = std::get<cluster::replace_brick>(changes[10]);
  BOOST_TEST(rb.new_brick.host == "h9");
  auto calls = d.cluster_calls();
  BOOST_TEST(calls[11] == "peerProbe 127.1.1.4");
  BOOST_TEST(calls[12] == "peerDetach 127.1.1.4 force=0");
}

BOOST_AUTO_TEST_CASE(remove_brick_start_prints_the_task_id) {
  cluster::change_done done;
  done.revision = 12;
  done.volume = gd::test::dist_replicate_volume();
  done.volume->volume.remove_brick_task = "6d5e0f4c-task";
  set_change(done);
  auto r = glcli(d, {"volume", "remove-brick", "rep", "h1:/b1", "h2:/b1",
                     "h3:/b1", "start"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out
             == "volume remove-brick start: success\nID: 6d5e0f4c-task\n");
  auto rb = std::get<cluster::remove_brick>(only_change());
  BOOST_TEST(rb.task_id == "");
  BOOST_TEST(rb.bricks.size() == 3u);
  r = glcli(d, {"volume", "remove-brick", "rep", "h1:/b1", "start",
                "--json"});
  BOOST_TEST(contains(r.out, R"("revision":12,"message":"",)"
                             R"("taskId":"6d5e0f4c-task","volume":{)"));
}

BOOST_AUTO_TEST_CASE(daemon_notes_are_printed) {
  cluster::change_done done;
  done.message = "Host 127.1.1.2 port 24007 already in peer list";
  set_change(done);
  auto r = glcli(d, {"peer", "probe", "127.1.1.2"});
  BOOST_TEST(r.out
             == "peer probe: success. Host 127.1.1.2 port 24007 already in "
                "peer list\n");
  done.message = "reset on volume v1 has been successful";
  set_change(done);
  r = glcli(d, {"volume", "reset", "v1", "nfs.disable"});
  BOOST_TEST(r.out
             == "volume reset: success: reset on volume v1 has been "
                "successful\n");
  done.message = "bricks will be started shortly";
  set_change(done);
  r = glcli(d, {"volume", "start", "v1"});
  BOOST_TEST(r.out
             == "volume start: v1: success\nbricks will be started shortly\n");
}

BOOST_AUTO_TEST_CASE(change_failures_exit_1_with_gluster_words) {
  d.fail_next(gd::status::error(status_code::exists,
                                "Volume v1 already exists"));
  auto r = glcli(d, {"volume", "create", "v1", "h1:/b"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.out == "");
  BOOST_TEST(r.err
             == "volume create: v1: failed: Volume v1 already exists "
                "(nothing changed)\n");

  d.fail_next(gd::status::error(status_code::unknown_outcome,
                                "the leader changed"));
  r = glcli(d, {"peer", "probe", "h5", "--json"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err
             == "peer probe: failed: the leader changed (the change may or "
                "may not have been applied)\n");
  BOOST_TEST(r.out
             == R"({"error":{"code":"unknown_outcome","message":)"
                R"("the leader changed","nothingChanged":false}})"
                "\n");

  d.fail_next(gd::status::error(status_code::invalid,
                                "option frob does not exist"));
  r = glcli(d, {"volume", "set", "v1", "frob", "1"});
  BOOST_TEST(r.err
             == "volume set: failed: option frob does not exist (nothing "
                "changed)\n");

  d.fail_next(gd::status::error(status_code::invalid,
                                "brick h1:/b is not part of volume v1"));
  r = glcli(d, {"volume", "remove-brick", "v1", "h1:/b", "start"});
  BOOST_TEST(r.err
             == "volume remove-brick start: failed: brick h1:/b is not part "
                "of volume v1 (nothing changed)\n");

  auto st = gd::status::error(status_code::not_leader, "not the leader");
  st.leader = {gd::raft::member_id_of("m2"), "m2", "127.1.1.2:24007"};
  d.fail_next(st);
  r = glcli(d, {"volume", "start", "v1"});
  BOOST_TEST(r.err
             == "volume start: v1: failed: not the leader; the leader is m2 "
                "at 127.1.1.2:24007 (nothing changed)\n");
}

BOOST_AUTO_TEST_CASE(transport_failures_say_whether_anything_changed) {
  d.set_hang(true);
  auto r = glcli(d, {"--timeout", "0.2", "volume", "start", "v1"});
  d.set_hang(false);
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err
             == "volume start: v1: failed: no answer from " + d.address()
                  + " within 0.2 s (change) (the change may or may not have "
                    "been applied)\n");
  d.set_hang(true);
  r = glcli(d, {"--timeout", "0.2", "volume", "info"});
  d.set_hang(false);
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err
             == "volume info: failed: no answer from " + d.address()
                  + " within 0.2 s (volumes) (nothing changed)\n");
}

BOOST_AUTO_TEST_CASE(unreachable_daemon_changed_nothing) {
  std::vector<const char*> argv{"glcli", "--remote-host", "127.0.0.1:1",
                                "volume", "delete", "v1", "--mode=script"};
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  gd::glcli::streams s{in, out, err};
  int code = gd::glcli::run(static_cast<int>(argv.size()), argv.data(), s);
  BOOST_TEST(code == 1);
  BOOST_TEST(err.str()
             == "volume delete: v1: failed: cannot reach glusterd-actor at "
                "127.0.0.1:1: connection refused (is it running?) (nothing "
                "changed)\n");
}

// -- glcli: prompts --------------------------------------------------------

BOOST_AUTO_TEST_CASE(stop_delete_detach_ask_first) {
  auto r = glcli(d, {"volume", "stop", "v1"}, "n\n");
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.out
             == "Stopping volume will make its data inaccessible. Do you "
                "want to continue? (y/n) ");
  BOOST_TEST(r.err == "volume stop: v1: failed: not confirmed (nothing "
                      "changed)\n");
  r = glcli(d, {"volume", "delete", "v1"}, "");
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.out
             == "Deleting volume will erase all information about the "
                "volume. Do you want to continue? (y/n) ");
  r = glcli(d, {"peer", "detach", "h2"}, "no\n");
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.out.rfind("All clients mounted through the peer which is "
                         "getting detached need to be remounted",
                         0)
             == 0u);
  BOOST_TEST(r.err == "peer detach: failed: not confirmed (nothing "
                      "changed)\n");
  BOOST_TEST(d.cluster_calls().empty());

  r = glcli(d, {"volume", "stop", "v1", "force"}, "y\n");
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out
             == "Stopping volume will make its data inaccessible. Do you "
                "want to continue? (y/n) volume stop: v1: success\n");
  BOOST_TEST(std::get<cluster::volume_stop>(only_change()).force);

  // With --json the question goes to stderr: stdout stays one document.
  r = glcli(d, {"volume", "delete", "v1", "--json"}, " Yes \n");
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out == R"({"volName":"v1","revision":7,"message":""})"
                      "\n");
  BOOST_TEST(contains(r.err, "Deleting volume will erase"));
  r = glcli(d, {"volume", "delete", "v1", "--json"}, "n\n");
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.out
             == R"({"error":{"code":"not_confirmed","message":)"
                R"("not confirmed","nothingChanged":true}})"
                "\n");
}

// -- glcli: reads ----------------------------------------------------------

BOOST_AUTO_TEST_CASE(volume_info_human_and_json) {
  auto r = glcli(d, {"volume", "info", "arb"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out
             == " \n"
                "Volume Name: arb\n"
                "Type: Replicate\n"
                "Volume ID: 00000000-0000-4000-8000-000000000013\n"
                "Status: Created\n"
                "Snapshot Count: 0\n"
                "Number of Bricks: 1 x (2 + 1) = 3\n"
                "Transport-type: tcp\n"
                "Bricks:\n"
                "Brick1: h1:/b0\n"
                "Brick2: h2:/b0\n"
                "Brick3: h3:/b0 (arbiter)\n");
  r = glcli(d, {"volume", "info"});
  BOOST_TEST(contains(r.out, "Volume Name: dist\n"));
  BOOST_TEST(contains(r.out, "Volume Name: rep\n"));
  r = glcli(d, {"volume", "info", "all", "--json"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out.rfind(R"({"volumes":[{"name":"dist",)", 0) == 0u);
  BOOST_TEST(contains(r.out, R"(],"count":3})"
                             "\n"));
  r = glcli(d, {"volume", "info", "nope"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err
             == "volume info: failed: Volume nope does not exist (nothing "
                "changed)\n");
  BOOST_TEST((d.cluster_calls()
              == strings{"volumes arb", "volumes ", "volumes ",
                         "volumes nope"}));
  d.set_cluster({});
  r = glcli(d, {"volume", "info"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out == "No volumes present\n");
}

BOOST_AUTO_TEST_CASE(volume_list_status_get_volfile) {
  auto r = glcli(d, {"volume", "list"});
  BOOST_TEST(r.out == "dist\nrep\narb\n");
  r = glcli(d, {"volume", "list", "--json"});
  BOOST_TEST(r.out == R"({"count":3,"volume":["dist","rep","arb"]})"
                      "\n");

  r = glcli(d, {"volume", "status", "rep"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out.rfind("Status of volume: rep\nGluster process", 0) == 0u);
  BOOST_TEST(contains(r.out, "Brick h3:/b1" + std::string(32, ' ')
                               + "N/A       N/A        N       N/A\n"));
  r = glcli(d, {"volume", "status", "dist"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.out == "");
  BOOST_TEST(contains(r.err, "Volume dist is not started"), r.err);
  r = glcli(d, {"volume", "status", "--json"});
  BOOST_TEST(contains(r.out, R"({"volName":"rep","started":true,)"));

  r = glcli(d, {"volume", "get", "rep", "all"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out.rfind("Option", 0) == 0u);
  BOOST_TEST(contains(r.out, "nfs.disable" + std::string(29, ' ') + "on\n"));
  r = glcli(d, {"volume", "get", "rep", "nfs.disable", "--json"});
  BOOST_TEST(r.out
             == R"({"volName":"rep","count":1,"Opt":[{"Option":"nfs.disable",)"
                R"("Value":"on","defaultValue":"on","isSet":false,)"
                R"("description":""}]})"
                "\n");
  r = glcli(d, {"volume", "get", "rep", "frob"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(contains(r.err, "volume get: failed: "));

  r = glcli(d, {"volume", "volfile", "rep"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out == "volume rep-client-0\nend-volume\n");
  r = glcli(d, {"volume", "volfile", "rep", "--brick", "h1:/b0/", "--json"});
  BOOST_TEST(r.out
             == R"({"name":"rep","version":4,)"
                R"("text":"volume rep-client-0\u000aend-volume"})"
                "\n");
  auto calls = d.cluster_calls();
  BOOST_TEST(calls[calls.size() - 2] == "volfile rep  client=1");
  BOOST_TEST(calls.back() == "volfile rep h1:/b0 client=0");
}

BOOST_AUTO_TEST_CASE(remove_brick_status_reads_the_task) {
  auto r = glcli(d, {"volume", "remove-brick", "rep", "h1:/b1", "status"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err
             == "volume remove-brick status: failed: remove-brick not "
                "started for volume rep (nothing changed)\n");
  auto a = answers();
  a.volumes[1].volume.remove_brick_task = "t-9";
  a.volumes[1].volume.bricks[3].decommissioned = true;
  d.set_cluster(a);
  r = glcli(d, {"volume", "remove-brick", "rep", "h1:/b1", "status"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out
             == "Volume: rep\nTask: Remove brick\nID: t-9\nRemoved bricks:\n"
                "h1:/b1\nStatus: in progress\n");
  r = glcli(d, {"volume", "remove-brick", "rep", "h2:/b1", "status"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err
             == "volume remove-brick status: failed: brick h2:/b1 is not "
                "being removed from volume rep (nothing changed)\n");
  BOOST_TEST(d.changes().empty());
}

BOOST_AUTO_TEST_CASE(peer_status_and_pool_list) {
  auto r = glcli(d, {"peer", "status"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out
             == "Number of Peers: 2\n\nHostname: 127.1.1.2\n"
                "Uuid: uuid-127.1.1.2\nState: Peer in Cluster (Connected)\n"
                "\nHostname: 127.1.1.3\nUuid: uuid-127.1.1.3\n"
                "State: Peer in Cluster (Disconnected)\n");
  r = glcli(d, {"pool", "list"});
  BOOST_TEST(r.out
             == "UUID\t\t\t\t\tHostname \tState\n"
                "uuid-127.1.1.2\t127.1.1.2\tConnected\n"
                "uuid-127.1.1.3\t127.1.1.3\tDisconnected\n"
                "uuid-127.1.1.1\tlocalhost\tConnected\n");
  r = glcli(d, {"peer", "status", "--json"});
  BOOST_TEST(r.out.rfind(R"({"peer":[{"uuid":"uuid-127.1.1.2",)", 0) == 0u);
  d.fail_next(gd::status::error(status_code::no_quorum,
                                "no leader: the monitors lost their quorum"));
  r = glcli(d, {"pool", "list"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err
             == "pool list: failed: no leader: the monitors lost their "
                "quorum (nothing changed)\n");
}

BOOST_AUTO_TEST_SUITE_END()
