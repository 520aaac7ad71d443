#define BOOST_TEST_MODULE integration
#include <boost/test/unit_test.hpp>

// Real glusterd-actor processes on loopback (addresses 127.7.x.y, so the
// tests run beside a `./dev up` cluster), real Cap'n Proto, real LMDB.

#include <arpa/inet.h>
#include <csignal>
#include <filesystem>
#include <lmdb.h>
#include <netinet/in.h>
#include <random>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include "test/integration/cluster_fixture.hpp"
#include "test/integration/raw_socket.hpp"
#include "test/support/status_printer.hpp"

using namespace gd;
using namespace gd::test;
using namespace std::chrono_literals;

namespace {

/// Every daemon that dies of a signal the test did not send fails the test.
struct fail_on_unexpected_exits {
  fail_on_unexpected_exits() {
    set_unexpected_exit_handler(
      [](const std::string& what) { BOOST_ERROR(what); });
  }
};

BOOST_TEST_GLOBAL_FIXTURE(fail_on_unexpected_exits);

std::string test_root(const std::string& name) {
  return "/tmp/gd-integration-" + std::to_string(::getpid()) + "-" + name;
}

/// With 50 ms ticks and 10 election ticks, an election timeout is 0.5 to 1 s.
constexpr auto election_timeout = 1000ms;

std::string describe_failure(const check_result& r) {
  return std::string(to_string(r.v)) + " on key " + r.key + ": "
         + r.explanation;
}

/// Reads every unique key through `address` and checks that none that was
/// acknowledged is missing.
void check_no_acked_write_lost(const std::string& address,
                               const std::set<std::string>& acked) {
  client::connection c(client::parse_address(address));
  kv::range_request r;
  r.range.key = "u/";
  r.range.range_end = kv::prefix_end("u/");
  auto o = c.range(r);
  BOOST_REQUIRE_MESSAGE(o.ok(), "reading the unique keys failed: " + o.st.message);
  std::set<std::string> present;
  for (const auto& kv : o.value.kvs)
    present.insert(kv.key);
  std::size_t lost = 0;
  std::string example;
  for (const auto& k : acked)
    if (present.count(k) == 0) {
      ++lost;
      example = k;
    }
  BOOST_TEST(lost == 0u, lost << " acknowledged writes lost, e.g. " << example);
  BOOST_TEST_MESSAGE(acked.size() << " acknowledged unique writes, all present");
}

/// After a stopped workload: reads every contended key once more through
/// `address` (into the history), then checks that no acknowledged unique
/// write is lost and that the history is linearizable.
void check_workload_outcome(workload& w, const std::string& address) {
  w.final_reads(address);
  check_no_acked_write_lost(address, w.acked_unique());
  auto verdict = check_kv_history(w.history());
  BOOST_TEST(verdict.v == check_result::verdict::linearizable,
             describe_failure(verdict));
}

void kill_leader_under_writes(std::size_t members, const std::string& prefix,
                              const std::string& name) {
  test_cluster c(test_root(name), prefix, members);
  auto leader = c.wait_for_leader(15s);
  workload w([&c] { return c.running_addresses(); }, 4, 3);
  w.start();
  std::this_thread::sleep_for(1500ms);
  BOOST_REQUIRE_MESSAGE(w.acknowledged() > 0, "no write succeeded before the kill\n"
                                                + c.logs());
  auto killed_at = std::chrono::steady_clock::now();
  c.kill9(leader);
  std::size_t next = c.size();
  try {
    next = c.wait_for_leader(10s);
  } catch (const std::exception& e) {
    BOOST_FAIL("no new leader after killing " << c.name(leader) << ": "
                                              << e.what() << "\n" << c.logs());
  }
  auto failover = std::chrono::steady_clock::now() - killed_at;
  BOOST_TEST(next != leader);
  BOOST_TEST_MESSAGE("new leader " << c.name(next) << " after "
                     << std::chrono::duration_cast<std::chrono::milliseconds>(
                          failover).count()
                     << " ms");
  BOOST_TEST((failover < 5 * election_timeout),
             "failover took "
               << std::chrono::duration_cast<std::chrono::milliseconds>(
                    failover).count()
               << " ms, more than five election timeouts");
  auto acked_at_failover = w.acknowledged();
  std::this_thread::sleep_for(1500ms);
  // Writes flow again after the failover.
  BOOST_TEST(w.acknowledged() > acked_at_failover,
             "no write was acknowledged in the 1.5 s after the failover ("
               << acked_at_failover << " before)\n" << c.logs());
  // The killed member comes back and catches up.
  c.start(leader);
  std::this_thread::sleep_for(1000ms);
  w.stop();
  c.wait_for_leader(10s);
  check_workload_outcome(w, c.address(next));
  BOOST_TEST_MESSAGE(w.history().size() << " operations, " << w.unknown()
                                        << " of unknown outcome");
}

/// Flips a byte in the data of entry `index` of the LMDB Raft log in `dir`.
void corrupt_entry(const std::string& dir, std::uint64_t index) {
  MDB_env* env = nullptr;
  BOOST_REQUIRE(mdb_env_create(&env) == 0);
  mdb_env_set_maxdbs(env, 8);
  mdb_env_set_mapsize(env, std::size_t{64} << 20);
  BOOST_REQUIRE(mdb_env_open(env, dir.c_str(), 0, 0640) == 0);
  MDB_txn* txn = nullptr;
  BOOST_REQUIRE(mdb_txn_begin(env, nullptr, 0, &txn) == 0);
  MDB_dbi dbi;
  BOOST_REQUIRE(mdb_dbi_open(txn, "entries", 0, &dbi) == 0);
  unsigned char keybuf[8];
  for (int i = 0; i < 8; ++i)
    keybuf[i] = static_cast<unsigned char>(index >> (56 - 8 * i));
  MDB_val key{8, keybuf};
  MDB_val val;
  BOOST_REQUIRE(mdb_get(txn, dbi, &key, &val) == 0);
  std::string bytes(static_cast<const char*>(val.mv_data), val.mv_size);
  bytes.back() ^= 0x5a; // the last byte of the payload
  MDB_val nv{bytes.size(), bytes.data()};
  BOOST_REQUIRE(mdb_put(txn, dbi, &key, &nv, 0) == 0);
  BOOST_REQUIRE(mdb_txn_commit(txn) == 0);
  mdb_env_close(env);
}

/// A raw TCP connection to `host:port`.
} // namespace

BOOST_AUTO_TEST_CASE(three_monitors_kill_leader_under_writes) {
  kill_leader_under_writes(3, "127.7.1", "kill3");
}

BOOST_AUTO_TEST_CASE(five_monitors_kill_leader_under_writes) {
  kill_leader_under_writes(5, "127.7.2", "kill5");
}

BOOST_AUTO_TEST_CASE(sigterm_under_load_stops_cleanly_every_time) {
  // Members stopped with SIGTERM while their clients' requests (writes,
  // linearizable reads, watches of the cluster) are in flight must exit 0,
  // not crash in teardown; the others carry on, and nothing acknowledged
  // is lost.
  test_cluster c(test_root("sigterm"), "127.7.14", 3);
  c.wait_for_leader(15s);
  workload w([&c] { return c.running_addresses(); }, 8, 3);
  w.start();
  std::this_thread::sleep_for(1000ms);
  for (int round = 0; round < 6; ++round) {
    auto leader = c.wait_for_leader(15s);
    // Alternate: the leader, then a follower.
    auto victim = round % 2 == 0 ? leader : (leader + 1) % c.size();
    c.process(victim).terminate();
    auto status = c.process(victim).wait(20s);
    BOOST_REQUIRE_MESSAGE(status.has_value(),
                          c.name(victim) << " did not stop within 20 s of "
                                            "SIGTERM\n" << c.logs());
    BOOST_TEST(*status == 0, c.name(victim) << " exited with " << *status
                                             << " after SIGTERM under load\n"
                                             << c.process(victim).log());
    c.start(victim);
    std::this_thread::sleep_for(500ms);
  }
  auto leader = c.wait_for_leader(15s);
  std::this_thread::sleep_for(500ms);
  w.stop();
  BOOST_TEST(w.acknowledged() > 0u);
  check_workload_outcome(w, c.address(leader));
}

BOOST_AUTO_TEST_CASE(restart_all_members_keeps_state) {
  test_cluster c(test_root("restart"), "127.7.3", 3);
  auto leader = c.wait_for_leader(15s);
  kv::revision rev = 0;
  {
    client::connection conn(client::parse_address(c.address(leader)));
    // The monitors add themselves to the pool (writes of their own) just
    // after the election; let them, so the revision below is the last one.
    // Once they are in, a restart writes nothing more.
    auto deadline = std::chrono::steady_clock::now() + 15s;
    for (;;) {
      auto p = conn.peers();
      if (p.ok() && p.value.size() == c.size())
        break;
      BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline,
                            "the monitors did not join the pool:\n"
                              << c.logs());
      std::this_thread::sleep_for(100ms);
    }
    for (int i = 0; i < 100; ++i) {
      auto o = conn.put({"r/" + std::to_string(i), "v" + std::to_string(i), false});
      BOOST_REQUIRE_MESSAGE(o.ok(), o.st.message);
      rev = o.value.header_revision;
    }
  }
  // A clean stop of everybody, then a crash of everybody: the state survives
  // both.
  for (int round = 0; round < 2; ++round) {
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (round == 0)
        c.terminate(i);
      else
        c.kill9(i);
    }
    for (std::size_t i = 0; i < c.size(); ++i)
      c.start(i);
    leader = c.wait_for_leader(15s);
    client::connection conn(client::parse_address(c.address(leader)));
    kv::range_request r;
    r.range.key = "r/";
    r.range.range_end = kv::prefix_end("r/");
    auto o = conn.range(r);
    BOOST_REQUIRE_MESSAGE(o.ok(), o.st.message);
    BOOST_TEST(o.value.kvs.size() == 100u);
    BOOST_TEST(o.value.header_revision == rev);
    for (const auto& kv : o.value.kvs)
      BOOST_TEST(kv.value == "v" + kv.key.substr(2));
  }
}

BOOST_AUTO_TEST_CASE(add_and_remove_monitor_while_writes_flow) {
  test_cluster c(test_root("members"), "127.7.4", 3);
  c.wait_for_leader(15s);
  workload w([&c] { return c.running_addresses(); }, 3, 3);
  w.start();
  std::this_thread::sleep_for(1000ms);
  // A fourth monitor joins through m2 and is promoted once caught up.
  auto m4 = c.add_slot();
  c.start(m4, c.address(1));
  bool voter = false;
  for (int i = 0; i < 200 && !voter; ++i) {
    std::this_thread::sleep_for(100ms);
    try {
      client::connection conn(client::parse_address(c.address(1)));
      auto st = conn.status();
      voter = st.ok() && st.value.config.is_voter(raft::member_id_of("m4"));
    } catch (const std::exception&) {
      // keep waiting
    }
  }
  BOOST_REQUIRE_MESSAGE(voter, "m4 never became a voter\n" + c.logs());
  // Remove m1, then stop it.
  {
    client::connection conn(client::parse_address(c.address(2)));
    auto o = conn.remove_member("m1");
    BOOST_REQUIRE_MESSAGE(o.ok(), "removing m1 failed: " + o.st.message);
    BOOST_TEST(o.value.config.voters.size() == 3u);
    BOOST_TEST(!o.value.config.contains(raft::member_id_of("m1")));
  }
  c.terminate(0);
  auto leader = c.wait_for_leader(15s, {1, 2, 3});
  std::this_thread::sleep_for(1000ms);
  w.stop();
  BOOST_TEST(w.acknowledged() > 0u);
  check_workload_outcome(w, c.address(leader));
  client::connection conn(client::parse_address(c.address(leader)));
  auto members = conn.cluster_status();
  BOOST_REQUIRE(members.ok());
  std::set<std::string> names;
  for (const auto& m : members.value)
    names.insert(m.member.name);
  BOOST_TEST((names == std::set<std::string>{"m2", "m3", "m4"}));
}

BOOST_AUTO_TEST_CASE(corrupt_log_entry_refuses_to_start) {
  test_cluster c(test_root("corrupt"), "127.7.5", 3);
  auto leader = c.wait_for_leader(15s);
  {
    client::connection conn(client::parse_address(c.address(leader)));
    for (int i = 0; i < 20; ++i)
      BOOST_REQUIRE(conn.put({"c/" + std::to_string(i), "v", false}).ok());
  }
  auto victim = (leader + 1) % 3;
  c.terminate(victim);
  corrupt_entry(c.data_dir(victim) + "/raft", 5);
  c.start(victim);
  auto status = c.process(victim).wait(15s);
  BOOST_REQUIRE_MESSAGE(status.has_value(), "the corrupt member kept running");
  BOOST_TEST(*status == 1);
  auto log = c.process(victim).log();
  BOOST_TEST(log.find("entry 5 fails its checksum") != std::string::npos, log);
  BOOST_TEST(log.find("refusing to start") != std::string::npos, log);
  // The others keep serving.
  client::connection conn(client::parse_address(c.address(leader)));
  BOOST_TEST(conn.put({"after", "v", false}).ok());
}

BOOST_AUTO_TEST_CASE(corrupt_last_entry_refuses_then_member_rebuilt_from_peers) {
  // The README's recovery of a corrupt monitor: remove it, empty its data
  // directory, let it join again. Its last entry is damaged: a "torn tail"
  // repair would silently drop a write that may have been acknowledged.
  test_cluster c(test_root("rebuild"), "127.7.13", 3);
  auto leader = c.wait_for_leader(15s);
  {
    client::connection conn(client::parse_address(c.address(leader)));
    for (int i = 0; i < 20; ++i)
      BOOST_REQUIRE(conn.put({"r/" + std::to_string(i), "v", false}).ok());
  }
  auto victim = (leader + 1) % 3;
  std::uint64_t last = 0;
  {
    client::connection conn(client::parse_address(c.address(victim)));
    auto st = conn.status();
    BOOST_REQUIRE(st.ok());
    last = st.value.last_index;
  }
  c.terminate(victim);
  corrupt_entry(c.data_dir(victim) + "/raft", last);
  c.start(victim);
  auto status = c.process(victim).wait(15s);
  BOOST_REQUIRE_MESSAGE(status.has_value(), "the corrupt member kept running");
  BOOST_TEST(*status == 1);
  auto log = c.process(victim).log();
  BOOST_TEST(log.find("entry " + std::to_string(last) + " fails its checksum")
               != std::string::npos,
             log);
  // Recovery: remove it, empty its data directory, join again.
  {
    client::connection conn(client::parse_address(c.address(leader)));
    auto o = conn.remove_member(c.name(victim));
    BOOST_REQUIRE_MESSAGE(o.ok(), "removing the member failed: " + o.st.message);
  }
  std::filesystem::remove_all(c.data_dir(victim));
  std::filesystem::create_directories(c.data_dir(victim));
  c.start(victim, c.address(leader));
  bool voter = false;
  for (int i = 0; i < 200 && !voter; ++i) {
    std::this_thread::sleep_for(100ms);
    try {
      client::connection conn(client::parse_address(c.address(victim)));
      auto st = conn.status();
      voter = st.ok() && st.value.config.is_voter(raft::member_id_of(c.name(victim)))
              && st.value.last_index >= last;
    } catch (const std::exception&) {
      // keep waiting
    }
  }
  BOOST_REQUIRE_MESSAGE(voter, "the rebuilt member never became a voter\n"
                                 + c.logs());
  // Every acknowledged write is there, read from the rebuilt member alone.
  client::connection conn(client::parse_address(c.address(victim)));
  for (int i = 0; i < 20; ++i) {
    kv::range_request r;
    r.range.key = "r/" + std::to_string(i);
    auto got = conn.range(r, true);
    BOOST_REQUIRE(got.ok());
    BOOST_TEST(got.value.kvs.size() == 1u, "r/" << i << " missing");
  }
}

BOOST_AUTO_TEST_CASE(second_daemon_on_one_data_dir_refused) {
  test_cluster c(test_root("lock"), "127.7.7", 1);
  c.wait_for_leader(15s);
  daemon_process second(daemon_binary(),
                        {"--data-dir", c.data_dir(0), "--listen",
                         "127.7.7.9:24007", "--monitor"},
                        test_root("lock") + "/second.log");
  auto status = second.wait(10s);
  BOOST_REQUIRE(status.has_value());
  BOOST_TEST(*status == 1);
  BOOST_TEST(second.log().find("is in use by another glusterd-actor")
               != std::string::npos,
             second.log());
}
