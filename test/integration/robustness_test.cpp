#include <boost/test/unit_test.hpp>

// What hostile or careless peers do to a daemon: garbage, half messages,
// calls of unknown methods, connection floods, running out of descriptors,
// Raft batches from strangers; and joins that fail half way.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include <capnp/ez-rpc.h>
#include <sys/socket.h>
#include <unistd.h>

#include "actors/membership/credentials.hpp"
#include "actors/membership/proof_codec.hpp"
#include "protocol/management.capnp.h"
#include "protocol/raft_capnp.hpp"
#include "test/integration/cluster_fixture.hpp"
#include "test/integration/raw_socket.hpp"
#include "test/support/status_printer.hpp"

using namespace gd;
using namespace gd::test;
using namespace std::chrono_literals;

namespace {

std::string test_root(const std::string& name) {
  return "/tmp/gd-integration-" + std::to_string(::getpid()) + "-" + name;
}

/// True once a put through `address` succeeds within `limit` (short
/// client timeouts: a daemon that accepts nothing must not hang the test).
bool serves_a_write_within(const std::string& address,
                           std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      client::connection_options o;
      o.connect_timeout = 2s;
      o.call_timeout = 2s;
      o.server_timeout = 1s;
      client::connection conn(client::parse_address(address), o);
      if (conn.put({"served", "yes", false}).ok())
        return true;
    } catch (const std::exception&) {
      // not yet
    }
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

/// Waits up to `within` until the log of `p` holds every one of `lines`;
/// returns the log as last read, and whether they all showed (`found`).
std::string wait_for_log(daemon_process& p, const std::vector<std::string>& lines,
                         std::chrono::milliseconds within, bool& found) {
  auto deadline = std::chrono::steady_clock::now() + within;
  std::string log;
  do {
    std::this_thread::sleep_for(100ms);
    log = p.log();
    found = std::all_of(lines.begin(), lines.end(), [&](const std::string& l) {
      return log.find(l) != std::string::npos;
    });
  } while (!found && std::chrono::steady_clock::now() < deadline);
  return log;
}

/// Up to `n` raw TCP connections to HOST:24007 (those that could be made).
std::vector<int> open_raw_connections(const std::string& host, int n) {
  std::vector<int> fds;
  for (int i = 0; i < n; ++i) {
    int fd = connect_raw(host, 24007);
    if (fd >= 0)
      fds.push_back(fd);
  }
  return fds;
}

/// Restarts the only member of `c` with `launcher` and `extra_args`.
void restart_single_member(test_cluster& c, std::vector<std::string> launcher,
                           std::vector<std::string> extra_args) {
  c.wait_for_leader(15s);
  c.terminate(0);
  c.launcher = std::move(launcher);
  c.extra_args = std::move(extra_args);
  c.start(0);
  c.wait_for_leader(15s);
}

} // namespace

BOOST_AUTO_TEST_SUITE(robustness)

BOOST_AUTO_TEST_CASE(garbage_and_oversize_input_do_not_crash_the_daemon) {
  test_cluster c(test_root("garbage"), "127.7.6", 1);
  c.wait_for_leader(15s);
  std::mt19937 rng(7);
  // Random bytes: the connection is closed.
  {
    int fd = connect_raw("127.7.6.1", 24007);
    BOOST_REQUIRE(fd >= 0);
    std::string junk(256 * 1024, '\0');
    for (auto& ch : junk)
      ch = static_cast<char>(rng());
    auto n = ::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
    (void)n;
    BOOST_TEST(closed_by_peer(fd, 5000ms));
    ::close(fd);
  }
  // A segment table that claims a 16 GiB message: refused before any of it
  // is read.
  {
    int fd = connect_raw("127.7.6.1", 24007);
    BOOST_REQUIRE(fd >= 0);
    std::uint32_t header[2] = {0, 0x80000000u}; // 1 segment of 2^31 words
    ::send(fd, header, sizeof(header), MSG_NOSIGNAL);
    BOOST_TEST(closed_by_peer(fd, 5000ms));
    ::close(fd);
  }
  // Many connections opened and dropped at once.
  {
    std::vector<int> fds;
    for (int i = 0; i < 200; ++i)
      fds.push_back(connect_raw("127.7.6.1", 24007));
    for (auto fd : fds)
      if (fd >= 0)
        ::close(fd);
  }
  BOOST_TEST(c.process(0).running());
  client::connection conn(client::parse_address(c.address(0)));
  // An oversize value is refused with a clear error, nothing else breaks.
  auto big = conn.put({"big", std::string(2 << 20, 'x'), false});
  BOOST_TEST(!big.ok());
  BOOST_TEST(big.st.code == status_code::invalid);
  BOOST_TEST(big.st.message.find("the limit is 1048576") != std::string::npos,
             big.st.message);
  // A key LMDB could not hold is refused the same way.
  auto key = conn.put({std::string(600, 'k'), "v", false});
  BOOST_TEST(key.st.code == status_code::invalid);
  BOOST_TEST(key.st.message == "key is 600 bytes; the limit is 511");
  BOOST_TEST(conn.put({"still", "alive", false}).ok());
  BOOST_TEST(c.process(0).running());
  // Each bad connection is one log line naming the peer and the reason.
  auto log = c.process(0).log();
  BOOST_TEST(log.find("rpc: bad input from 127.0.0.1:") != std::string::npos,
             log);
  BOOST_TEST(log.find("oversize message") != std::string::npos, log);
}

BOOST_AUTO_TEST_CASE(truncated_messages_and_unknown_methods_are_logged) {
  test_cluster c(test_root("badinput"), "127.7.20", 1);
  c.wait_for_leader(15s);
  // A message that claims 100 words and stops after 10: truncated.
  {
    int fd = connect_raw("127.7.20.1", 24007);
    BOOST_REQUIRE(fd >= 0);
    std::vector<std::uint32_t> words(2 + 20, 0);
    words[1] = 100; // one segment of 100 words, of which 10 are sent
    ::send(fd, words.data(), words.size() * 4, MSG_NOSIGNAL);
    ::close(fd);
  }
  // A call of an interface this daemon does not serve: the call fails as
  // unimplemented, the connection and the daemon carry on.
  {
    capnp::EzRpcClient rpc("127.7.20.1", 24007);
    auto req = rpc.getMain().typelessRequest(0x1234567890abcdefull, 3,
                                             nullptr);
    bool failed = false;
    try {
      req.send().wait(rpc.getWaitScope());
    } catch (const kj::Exception& e) {
      failed = e.getType() == kj::Exception::Type::UNIMPLEMENTED;
    }
    BOOST_TEST(failed);
    auto info = rpc.getMain<proto::schema::Management>()
                  .infoRequest()
                  .send()
                  .wait(rpc.getWaitScope());
    BOOST_TEST(std::string(info.getInfo().getName().cStr()) == "m1");
  }
  bool seen = false;
  auto log = wait_for_log(c.process(0),
                          {"truncated message",
                           "call of an unknown interface or method"},
                          5s, seen);
  BOOST_TEST(seen, log);
  BOOST_TEST(c.process(0).running());
}

BOOST_AUTO_TEST_CASE(accept_loop_survives_running_out_of_descriptors) {
  // A member with 64 descriptors at most: 150 connections exhaust them,
  // accept() fails with EMFILE; once they close, it accepts again (before
  // the fix its accept loop died on the first error, for good).
  test_cluster c(test_root("emfile"), "127.7.15", 1);
  restart_single_member(c, {"/usr/bin/prlimit", "--nofile=64:64"}, {});
  auto fds = open_raw_connections("127.7.15.1", 150);
  bool exhausted = false;
  auto log = wait_for_log(c.process(0), {"cannot accept connections"}, 5s,
                          exhausted);
  BOOST_TEST(exhausted, log);
  BOOST_TEST(log.find("the descriptor limit is 64") != std::string::npos, log);
  for (auto fd : fds)
    ::close(fd);
  bool served = serves_a_write_within(c.address(0), 20s);
  BOOST_TEST(served, "no connection accepted after descriptors were free\n"
                       + c.process(0).log());
  BOOST_TEST(c.process(0).running());
}

BOOST_AUTO_TEST_CASE(connections_over_the_limit_are_refused_and_logged) {
  test_cluster c(test_root("maxconn"), "127.7.16", 1);
  restart_single_member(c, {}, {"--max-connections", "16"});
  auto fds = open_raw_connections("127.7.16.1", 24);
  // The ones over the limit are closed at once.
  int closed = 0;
  for (auto fd : fds)
    if (closed_by_peer(fd, 300ms))
      ++closed;
  BOOST_TEST(closed >= 8);
  auto log = c.process(0).log();
  BOOST_TEST(log.find("rpc: refused a connection from 127.0.0.1:")
               != std::string::npos, log);
  BOOST_TEST(log.find("16 are open (the limit; see --max-connections)")
               != std::string::npos, log);
  for (auto fd : fds)
    ::close(fd);
  bool served = serves_a_write_within(c.address(0), 10s);
  BOOST_TEST(served);
}



BOOST_AUTO_TEST_CASE(raft_batches_from_a_non_member_do_not_depose_the_leader) {
  // Anyone who knows the (public) cluster id could open a Raft link, and
  // one heartbeat of a higher term from a stranger used to depose the
  // leader. Now a link needs a proof made with the monitors' key (from the
  // cluster secret): a stranger is refused at the link, logged with its
  // address. A holder of the secret that is not a member (a monitor removed
  // from the ensemble) gets a link, but its batches are refused while the
  // leader is heard.
  test_cluster c(test_root("forged"), "127.7.18", 3);
  auto leader = c.wait_for_leader(15s);
  client::monitor_status before;
  {
    client::connection conn(client::parse_address(c.address(leader)));
    auto st = conn.status();
    BOOST_REQUIRE(st.ok());
    before = st.value;
  }
  auto secret = membership::load_secret(c.secret_file());
  auto now_us = [] {
    return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
  };
  enum class proof_kind { none, wrong_key, wrong_target, genuine };
  std::map<proof_kind, std::string> refusals;
  // why: a thread of its own: one KJ event loop per thread.
  std::thread forger([&] {
    capnp::EzRpcClient rpc(c.host(leader), 24007);
    auto mgmt = rpc.getMain<proto::schema::Management>();
    auto cluster_id = mgmt.infoRequest().send().wait(rpc.getWaitScope())
                        .getInfo().getClusterId();
    auto intruder = raft::member_id_of("intruder");
    for (auto kind : {proof_kind::none, proof_kind::wrong_key,
                      proof_kind::wrong_target, proof_kind::genuine}) {
      auto req = mgmt.raftPeerRequest();
      req.setClusterId(cluster_id);
      req.setFrom(intruder);
      req.setFromAddress("127.0.0.1:9");
      req.setFromName("intruder");
      auto key = membership::monitor_credential(secret);
      std::string target = c.address(leader);
      if (kind == proof_kind::wrong_key)
        key[0] ^= 1;
      if (kind == proof_kind::wrong_target)
        target = c.address((leader + 1) % 3);
      if (kind != proof_kind::none)
        membership::to_capnp(
          membership::make_proof(key, membership::purpose::raft_link,
                                 "intruder", now_us(), target),
          req.initProof());
      auto peer = req.send().getPeer();
      for (int i = 0; i < (kind == proof_kind::genuine ? 30 : 1); ++i) {
        raft::peer_batch b;
        b.from = intruder;
        b.to = before.id;
        raft::message m;
        m.type = raft::message_type::heartbeat;
        m.from = intruder;
        m.to = before.id;
        m.term = before.term + 10 + static_cast<raft::term_t>(i);
        b.messages.push_back(m);
        auto d = peer.deliverRequest();
        proto::to_capnp(b, d.initBatch());
        try {
          d.send().wait(rpc.getWaitScope());
        } catch (const kj::Exception& e) {
          refusals[kind] = e.getDescription().cStr();
          break;
        }
        std::this_thread::sleep_for(100ms);
      }
    }
  });
  forger.join();
  for (auto kind : {proof_kind::none, proof_kind::wrong_key,
                    proof_kind::wrong_target}) {
    BOOST_TEST(contains(refusals[kind], "refused the Raft link"),
               static_cast<int>(kind) << ": " << refusals[kind]);
  }
  BOOST_TEST(contains(refusals[proof_kind::wrong_target],
                      "the proof was made for"),
             refusals[proof_kind::wrong_target]);
  auto genuine = refusals.find(proof_kind::genuine);
  BOOST_TEST((genuine == refusals.end()),
             (genuine == refusals.end() ? "" : genuine->second));
  client::connection conn(client::parse_address(c.address(leader)));
  auto after = conn.status();
  BOOST_REQUIRE(after.ok());
  BOOST_TEST(after.value.role == "leader");
  BOOST_TEST(after.value.term == before.term);
  BOOST_TEST(conn.put({"still", "led", false}).ok());
  auto log = c.process(leader).log();
  BOOST_TEST(log.find("refused a Raft link from 127.") != std::string::npos,
             log);
  BOOST_TEST(log.find("(claiming 'intruder')") != std::string::npos, log);
  BOOST_TEST(log.find("which is not a member") != std::string::npos, log);
}

BOOST_AUTO_TEST_CASE(a_joined_monitor_forwards_writes_at_once) {
  // A monitor added with --join knows no configuration until it has the
  // log; it must still name its leader (the one that talks to it) and
  // forward writes there, with no election and no restart.
  test_cluster c(test_root("joinfwd"), "127.7.17", 3);
  auto leader = c.wait_for_leader(15s);
  raft::term_t term = 0;
  {
    client::connection lc(client::parse_address(c.address(leader)));
    for (int i = 0; i < 50; ++i)
      BOOST_REQUIRE(lc.put({"j/" + std::to_string(i), "v", false}).ok());
    term = lc.status().value.term;
  }
  auto m4 = c.add_slot();
  c.start(m4, c.address((leader + 1) % 3));
  BOOST_REQUIRE(test_cluster::wait_listening(c.address(m4), 10s));
  bool forwarded = false;
  std::string last;
  for (int i = 0; i < 100 && !forwarded; ++i) {
    try {
      client::connection conn(client::parse_address(c.address(m4)));
      auto r = conn.put({"via/m4", "ok", false});
      forwarded = r.ok();
      last = r.st.message;
      if (forwarded) {
        auto st = conn.status();
        BOOST_REQUIRE(st.ok());
        BOOST_TEST(st.value.leader.name == c.name(leader));
      }
    } catch (const std::exception& e) {
      last = e.what();
    }
    if (!forwarded)
      std::this_thread::sleep_for(50ms);
  }
  BOOST_TEST(forwarded, "m4 never forwarded a write: " << last << "\n"
                          << c.process(m4).log());
  client::connection lc(client::parse_address(c.address(leader)));
  BOOST_TEST(lc.status().value.term == term, "an election happened");
  auto log = c.process(m4).log();
  BOOST_TEST(log.find("leader is \n") == std::string::npos, log);
}

BOOST_AUTO_TEST_CASE(a_failed_join_leaves_nothing_and_can_be_retried) {
  test_cluster c(test_root("joinfail"), "127.7.19", 3);
  auto leader = c.wait_for_leader(15s);
  auto alone = (leader + 1) % 3;
  auto other = (leader + 2) % 3;
  c.kill9(leader);
  c.kill9(other);
  // `alone` knows no leader: the join through it fails.
  auto m4 = c.add_slot();
  c.start(m4, c.address(alone));
  auto status = c.process(m4).wait(90s);
  BOOST_REQUIRE_MESSAGE(status.has_value(),
                        "the failed join did not exit\n" + c.process(m4).log());
  BOOST_TEST(*status == 1, c.process(m4).log());
  {
    std::ifstream f(c.data_dir(m4) + "/node.conf");
    std::stringstream text;
    text << f.rdbuf();
    auto conf = text.str();
    BOOST_TEST(conf.find("cluster_id=0x0000000000000000\n")
                 != std::string::npos,
               "node.conf records a cluster after a failed join:\n" << conf);
  }
  // The same command, once the cluster has a quorum again, joins.
  c.start(leader);
  c.start(other);
  c.wait_for_leader(15s, {0, 1, 2});
  c.start(m4, c.address(alone));
  bool voter = false;
  for (int i = 0; i < 300 && !voter; ++i) {
    std::this_thread::sleep_for(100ms);
    try {
      client::connection conn(client::parse_address(c.address(alone)));
      auto st = conn.status();
      voter = st.ok() && st.value.config.is_voter(raft::member_id_of("m4"));
    } catch (const std::exception&) {
      // keep waiting
    }
  }
  BOOST_TEST(voter, "the retried join did not complete\n" << c.logs());
  BOOST_TEST(c.process(m4).running());
}

BOOST_AUTO_TEST_SUITE_END()
