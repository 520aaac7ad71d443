#include <boost/test/unit_test.hpp>

// Watches through a real daemon, and glcli against a live cluster: the
// commands, their output and their exit codes.

#include <filesystem>
#include <fstream>
#include <thread>
#include <unistd.h>

#include "test/integration/cluster_fixture.hpp"
#include "test/support/glcli_spawn.hpp"
#include "test/support/status_printer.hpp"

using namespace gd;
using namespace gd::test;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(watch_streams_events_in_revision_order) {
  test_cluster c(root_for("watch"), "127.7.8", 3);
  auto leader = c.wait_for_leader(15s);
  auto follower = (leader + 1) % 3;
  std::vector<kv::event> seen;
  std::atomic<bool> started{false};
  kv::revision start_rev = 0;
  {
    client::connection conn(client::parse_address(c.address(leader)));
    auto o = conn.put({"x/before", "0", false});
    BOOST_REQUIRE(o.ok());
    start_rev = o.value.header_revision;
  }
  // Watch on a follower, from the revision of the write before: history
  // first, then live events.
  std::thread watcher([&] {
    client::connection conn(client::parse_address(c.address(follower)));
    kv::key_range r{"x/", kv::prefix_end("x/")};
    started = true;
    auto o = conn.watch(r, start_rev, [&](const std::vector<kv::event>& evs,
                                          kv::revision) {
      for (const auto& e : evs)
        seen.push_back(e);
      return seen.size() < 41;
    });
    BOOST_TEST(o.ok(), o.st.message);
  });
  while (!started)
    std::this_thread::sleep_for(10ms);
  {
    client::connection conn(client::parse_address(c.address(leader)));
    for (int i = 0; i < 30; ++i)
      BOOST_REQUIRE(conn.put({"x/" + std::to_string(i), "v", false}).ok());
    BOOST_REQUIRE(conn.put({"y/elsewhere", "v", false}).ok()); // not watched
    kv::delete_request d;
    d.range = {"x/0", "x/9"}; // x/0 .. x/8 sort below x/9: deletes 19 keys
    BOOST_REQUIRE(conn.del(d).ok());
  }
  watcher.join();
  BOOST_REQUIRE(seen.size() >= 41u);
  BOOST_TEST(seen[0].kv.key == "x/before");
  BOOST_TEST(seen[0].kv.mod_revision == start_rev);
  for (std::size_t i = 1; i < seen.size(); ++i)
    BOOST_TEST(seen[i].kv.mod_revision >= seen[i - 1].kv.mod_revision);
  for (std::size_t i = 1; i <= 30; ++i)
    BOOST_TEST((seen[i].type == kv::event::kind::put));
  BOOST_TEST((seen[31].type == kv::event::kind::del));
  for (const auto& e : seen)
    BOOST_TEST(e.kv.key.rfind("x/", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(watch_of_compacted_history_is_refused) {
  test_cluster c(root_for("compact"), "127.7.9", 1);
  c.wait_for_leader(15s);
  client::connection conn(client::parse_address(c.address(0)));
  kv::revision rev = 0;
  for (int i = 0; i < 10; ++i)
    rev = conn.put({"k", std::to_string(i), false}).value.header_revision;
  BOOST_REQUIRE(conn.compact(rev - 2).ok());
  auto o = conn.watch({"k", ""}, rev - 5,
                      [](const std::vector<kv::event>&, kv::revision) {
                        return false;
                      });
  BOOST_TEST(o.st.code == status_code::compacted);
  BOOST_TEST(contains(o.st.message, "has been compacted"), o.st.message);
  auto future = conn.compact(rev + 100);
  BOOST_TEST(future.st.code == status_code::invalid);
  BOOST_TEST(contains(future.st.message, "is in the future"), future.st.message);
}

BOOST_AUTO_TEST_CASE(glcli_against_a_live_cluster) {
  test_cluster c(root_for("glcli"), "127.7.10", 3);
  auto leader = c.wait_for_leader(15s);
  auto follower = c.address((leader + 1) % 3);
  auto cli = [&](std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--remote-host", follower});
    return run_glcli(args, {}, input);
  };
  // Writes through a follower reach the leader.
  auto put = cli({"kv", "put", "greeting", "hello"});
  BOOST_TEST(put.code == 0, put.err);
  BOOST_TEST(put.out == "OK\n");
  auto get = cli({"--json", "kv", "get", "greeting"});
  BOOST_TEST(get.code == 0, get.err);
  BOOST_TEST(contains(get.out, "\"key\":\"greeting\",\"value\":\"hello\""), get.out);
  auto stale_ok = cli({"kv", "get", "greeting", "--serializable"});
  BOOST_TEST(stale_ok.code == 0);
  // A txn from stdin, etcdctl's grammar.
  auto txn = cli({"kv", "txn"},
                 "value(\"greeting\") = \"hello\"\n\nput greeting bye\n\n"
                 "put greeting never\n");
  BOOST_TEST(txn.code == 0, txn.err);
  BOOST_TEST(contains(txn.out, "SUCCESS"), txn.out);
  auto after = cli({"kv", "get", "greeting"});
  BOOST_TEST(after.out == "greeting\nbye\n");
  // Failures: exit 1, a message in gluster's words that says whether
  // anything changed.
  auto compact = cli({"kv", "compact", "999999"});
  BOOST_TEST(compact.code == 1);
  BOOST_TEST(contains(compact.err, "kv compact: failed:"), compact.err);
  BOOST_TEST(contains(compact.err, "(nothing changed)"), compact.err);
  auto nosuch = cli({"monitor", "remove", "nosuch"});
  BOOST_TEST(nosuch.code == 1);
  BOOST_TEST(contains(nosuch.err, "'nosuch' is not a member"), nosuch.err);
  // Usage errors: exit 2.
  BOOST_TEST(cli({"kv", "put", "only-a-key"}).code == 2);
  BOOST_TEST(cli({"kv", "txn"}, "pot a b\n").code == 2);
  // Leadership moves on request.
  auto target = "m" + std::to_string((leader + 2) % 3 + 1);
  auto transfer = cli({"monitor", "transfer-leader", target});
  BOOST_TEST(transfer.code == 0, transfer.err);
  BOOST_TEST(contains(transfer.out, target + " at "), transfer.out);
  auto status = cli({"--json", "monitor", "status"});
  BOOST_TEST(status.code == 0, status.err);
  BOOST_TEST(contains(status.out, "\"leader\":{\"name\":\"" + target + "\""),
             status.out);
}

BOOST_AUTO_TEST_CASE(daemon_reads_a_config_file_and_rejects_bad_flags) {
  auto root = root_for("config");
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  {
    std::ofstream f(root + "/daemon.toml");
    f << "data-dir = \"" << root << "/data\"\n"
      << "listen = [\"127.7.11.1:24007\"]\n"
      << "name = \"solo\"\n"
      << "monitor = true\n"
      << "initial-cluster = \"solo=127.7.11.1:24007\"\n"
      << "tick-ms = 50\n";
  }
  {
    daemon_process d(daemon_binary(), {"--config", root + "/daemon.toml"},
                     root + "/solo.log");
    bool up = false;
    for (int i = 0; i < 100 && !up; ++i) {
      std::this_thread::sleep_for(100ms);
      try {
        client::connection conn(client::parse_address("127.7.11.1"));
        up = conn.put({"from-config", "yes", false}).ok();
      } catch (const std::exception&) {
        // not yet
      }
    }
    BOOST_TEST(up, d.log());
    d.terminate();
    auto st = d.wait(20s);
    BOOST_REQUIRE(st.has_value());
    BOOST_TEST(*st == 0);
    BOOST_TEST(contains(d.log(), "stopped"));
  }
  // Bad flags: exit 2 with a message naming the problem.
  auto bad = [&](std::vector<std::string> args, const std::string& expect) {
    daemon_process d(daemon_binary(), args, root + "/bad.log");
    auto st = d.wait(10s);
    BOOST_REQUIRE(st.has_value());
    BOOST_TEST(*st == 2, d.log());
    BOOST_TEST(contains(d.log(), expect), d.log());
    std::filesystem::remove(root + "/bad.log");
  };
  bad({"--data-dir", root + "/d2", "--listen", "127.7.11.2:99999"},
      "port '99999'");
  bad({"--data-dir", root + "/d3", "--listen", "127.7.11.3:24007", "--monitor"},
      "a new monitor needs --initial-cluster");
  bad({"--data-dir", root + "/d4", "--listen", "127.7.11.4:24007", "--monitor",
       "--initial-cluster", "other=127.7.11.9:24007"},
      "--initial-cluster does not list this daemon");
  bad({"--data-dir", root + "/d5", "--listen", "127.7.11.5:24007",
       "--log-level", "loud"},
      "--log-level must be debug, info, warn or error");
  bad({"--data-dir", root + "/d6", "--listen", "0.0.0.0:24007"},
      "needs --advertise");
  bad({"--data-dir", root + "/d7", "--listen", "127.7.11.7:24007",
       "--max-connections", "3"},
      "--max-connections: Value 3 not in range 16 to 1048576");
  bad({"--data-dir", root + "/d8", "--listen", "127.7.11.8:24007",
       "--bricks", "maybe"},
      "--bricks: maybe not in {on,off}");
  bad({"--data-dir", root + "/d9", "--listen", "127.7.11.9:24007",
       "--glusterfsd", root + "/no-such-glusterfsd"},
      "--glusterfsd " + root
        + "/no-such-glusterfsd is not an executable (install Debian's "
          "glusterfs-server, or run with --bricks off)");
  bad({"--data-dir", root + "/d10", "--listen", "127.7.11.10:24007",
       "--brick-base-port", "80"},
      "--brick-base-port: Value 80 not in range 1024 to 60999");
  std::filesystem::remove_all(root);
}
