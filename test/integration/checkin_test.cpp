#include <boost/test/unit_test.hpp>

// Check-in membership with real daemons: agents check in, a dead one is
// committed down within its lease and up again after the damping, and the
// monitors refuse every bad credential (missing, unknown, wrong, replayed,
// for another monitor, revoked) over real sockets, with a clear error, a
// log line naming the caller, and no change. Monitors join only with a
// valid join token.

#include <chrono>
#include <cstdlib>
#include <functional>
#include <optional>
#include <thread>

#include <capnp/ez-rpc.h>

#include "actors/membership/credentials.hpp"
#include "actors/membership/proof_codec.hpp"
#include "cmd/client/client.hpp"
#include "protocol/management.capnp.h"
#include "test/integration/cluster_fixture.hpp"
#include "test/support/glcli_spawn.hpp"

using namespace gd;
using namespace gd::test;
using namespace std::chrono_literals;

namespace {

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

struct checkin_answer {
  bool accepted = false;
  std::string error;
  std::string monitor;
  std::vector<std::string> monitors;
  std::string transport_error;
};

/// One Membership.checkIn at `host`:24007 with `proof` (none if nullopt),
/// from a thread of its own (one KJ event loop per thread).
checkin_answer check_in(const std::string& host,
                        const std::optional<membership::proof>& proof,
                        std::uint32_t interval_ms = 1000) {
  checkin_answer out;
  std::thread t([&] {
    try {
      capnp::EzRpcClient rpc(host, 24007);
      auto m = rpc.getMain<proto::schema::Management>()
                 .membershipRequest()
                 .send()
                 .getMembership();
      auto req = m.checkInRequest();
      if (proof)
        membership::to_capnp(*proof, req.initProof());
      req.setIntervalMs(interval_ms);
      auto resp = req.send().wait(rpc.getWaitScope());
      auto r = resp.getReply();
      out.accepted = r.getAccepted();
      out.error = r.getError().cStr();
      out.monitor = r.getMonitor().cStr();
      for (auto a : r.getMonitors())
        out.monitors.push_back(a.cStr());
    } catch (const kj::Exception& e) {
      out.transport_error = e.getDescription().cStr();
    }
  });
  t.join();
  return out;
}

/// Opens a server session at `host`:24007 with `proof` and lists the
/// volumes through it: "" if that worked, else the error.
std::string session_call(const std::string& host, const membership::proof& proof) {
  std::string out;
  std::thread t([&] {
    try {
      capnp::EzRpcClient rpc(host, 24007);
      auto req = rpc.getMain<proto::schema::Management>().serverSessionRequest();
      membership::to_capnp(proof, req.initProof());
      auto cluster = req.send().getCluster();
      auto resp = cluster.volumeNamesRequest().send().wait(rpc.getWaitScope());
      if (!resp.getResult().isOk())
        out = "volume names failed";
    } catch (const kj::Exception& e) {
      out = e.getDescription().cStr();
    }
  });
  t.join();
  return out;
}

/// Sends Membership.digest with `proof` to `host`:24007; its error text
/// (or the transport error).
std::string digest_call(const std::string& host, const membership::proof& proof) {
  std::string out;
  std::thread t([&] {
    try {
      capnp::EzRpcClient rpc(host, 24007);
      auto m = rpc.getMain<proto::schema::Management>()
                 .membershipRequest().send().getMembership();
      auto req = m.digestRequest();
      membership::to_capnp(proof, req.initProof());
      out = req.send().wait(rpc.getWaitScope()).getError().cStr();
    } catch (const kj::Exception& e) {
      out = e.getDescription().cStr();
    }
  });
  t.join();
  return out;
}

/// The pool as monitor `target` sees it, by hostname.
std::map<std::string, cluster::peer_info> pool_of(const std::string& target) {
  client::connection c(client::parse_address(target));
  auto r = c.peers();
  std::map<std::string, cluster::peer_info> out;
  if (r.ok())
    for (auto& p : r.value)
      out[p.peer.hostname] = p;
  return out;
}

/// A 3-monitor cluster with one probed agent.
struct one_agent {
  test_cluster c;
  std::size_t leader;
  std::size_t agent;

  explicit one_agent(const std::string& name, const std::string& prefix)
    : c(root_for(name), prefix, 3) {
    leader = c.wait_for_leader(15s);
    agent = c.add_agent();
    auto r = run_glcli({"--remote-host", c.address(0), "peer", "probe",
                        c.agent_host(agent)});
    BOOST_REQUIRE_MESSAGE(r.code == 0, r.out << r.err << c.logs());
  }

  std::string agent_dir() const {
    return c.data_dir(0) + "/../" + c.agent_name(agent);
  }

  std::string agent_uuid() {
    return client::connection(client::parse_address(c.agent_address(agent)))
      .info()
      .uuid;
  }
};

} // namespace

BOOST_AUTO_TEST_SUITE(checkin)

BOOST_AUTO_TEST_CASE(a_dead_agent_goes_down_within_its_lease_and_comes_back) {
  one_agent f("checkin-life", "127.7.21");
  auto& c = f.c;
  auto host = c.agent_host(f.agent);
  // It checks in: connected, with a fresh check-in and the monitor that
  // took it, on every monitor's view.
  bool seen = eventually(10s, [&] {
    for (std::size_t i = 0; i < 3; ++i) {
      auto pool = pool_of(c.address(i));
      auto it = pool.find(host);
      if (it == pool.end() || !it->second.connected
          || it->second.last_check_in_ms < 0
          || it->second.last_check_in_ms > 2000
          || it->second.check_in_monitor.empty())
        return false;
    }
    return true;
  });
  BOOST_REQUIRE_MESSAGE(seen, c.logs());
  auto json = run_glcli({"--remote-host", c.address(1), "--json", "peer",
                         "status"});
  BOOST_TEST(contains(json.out, "\"lastCheckInMs\":"), json.out);
  BOOST_TEST(contains(json.out, "\"checkInMonitor\":\"m"), json.out);

  // kill -9: committed down within the lease (2.5 s) and a few ticks.
  c.kill9_agent(f.agent);
  auto killed = std::chrono::steady_clock::now();
  bool down = eventually(6s, [&] {
    auto pool = pool_of(c.address(f.leader));
    return pool.count(host) && !pool[host].connected;
  });
  auto took = std::chrono::steady_clock::now() - killed;
  BOOST_REQUIRE_MESSAGE(down, c.logs());
  auto took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
  BOOST_TEST(took_ms < 4000, took_ms << " ms");
  auto text = run_glcli({"--remote-host", c.address(2), "peer", "status"});
  BOOST_TEST(contains(text.out, "Hostname: " + host), text.out);
  BOOST_TEST(contains(text.out, "(Disconnected)"), text.out);
  auto log = c.process(f.leader).log();
  BOOST_TEST(contains(log, "down (no check-in within the 2500 ms lease): " + host),
             log);

  // Back: "up" only after it has checked in for --up-after (5 s).
  // why: timed from before the start: its first check-in may come before
  // start_agent returns.
  auto restarted = std::chrono::steady_clock::now();
  c.start_agent(f.agent);
  bool up = eventually(15s, [&] {
    auto pool = pool_of(c.address(0));
    return pool.count(host) && pool[host].connected;
  });
  BOOST_REQUIRE_MESSAGE(up, c.logs());
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now() - restarted).count() >= 5000);
}

BOOST_AUTO_TEST_CASE(bad_credentials_are_refused_logged_and_change_nothing) {
  one_agent f("checkin-creds", "127.7.22");
  auto& c = f.c;
  auto uuid = f.agent_uuid();
  auto credential = membership::load_secret(f.agent_dir() + "/credential");
  auto monitor = c.host(0);
  auto target = c.address(0);
  using membership::purpose;
  auto proof = [&](const membership::key& k, purpose p, std::string who,
                   std::string to) {
    return membership::make_proof(k, p, std::move(who), now_us(), std::move(to));
  };

  // The genuine one works (the test's own proofs are right).
  auto good = check_in(monitor, proof(credential, purpose::check_in, uuid, target));
  BOOST_REQUIRE_MESSAGE(good.accepted, good.error << good.transport_error);
  BOOST_TEST(good.monitor == "m1");
  BOOST_TEST(good.monitors.size() == 3u);

  // Digests: only a holder of the monitors' key may send one. (First: the
  // refusal lines below are rate-limited, 10 per 10 s.)
  auto secret = membership::load_secret(c.secret_file());
  auto mk = membership::monitor_credential(secret);
  BOOST_TEST(digest_call(monitor, proof(mk, purpose::digest, "m2", target)) == "");
  auto forged = digest_call(monitor, proof(credential, purpose::digest, "m2",
                                           target));
  BOOST_TEST(contains(forged, "does not hold"), forged);
  struct bad_case {
    std::string what;
    std::optional<membership::proof> proof;
    std::string error;
  };
  auto wrong = credential;
  wrong[5] ^= 0x40;
  auto replayed = proof(credential, purpose::check_in, uuid, target);
  BOOST_REQUIRE(check_in(monitor, replayed).accepted);
  auto tampered = proof(credential, purpose::check_in, uuid, target);
  tampered.stamp_us += 1;
  std::vector<bad_case> cases{
    {"no proof", std::nullopt, "is not a member of this cluster"},
    {"unknown server", proof(credential, purpose::check_in,
                             "00000000-0000-4000-8000-000000000001", target),
     "is not a member of this cluster"},
    {"wrong key", proof(wrong, purpose::check_in, uuid, target),
     "does not hold"},
    {"wrong purpose", proof(credential, purpose::forward, uuid, target),
     "does not hold"},
    {"altered stamp", tampered, "does not hold"},
    {"another monitor", proof(credential, purpose::check_in, uuid,
                              c.address(1)),
     "the proof was made for " + c.address(1)},
    {"replayed", replayed, "replayed"},
    {"stale clock", membership::make_proof(credential, purpose::check_in, uuid,
                                           now_us() - 600'000'000, target),
     "synchronise the clocks"},
  };
  for (const auto& bc : cases) {
    auto a = check_in(monitor, bc.proof);
    BOOST_TEST(a.transport_error.empty(), bc.what << ": " << a.transport_error);
    BOOST_TEST(!a.accepted, bc.what);
    BOOST_TEST(contains(a.error, bc.error), bc.what << ": " << a.error);
  }
  // Forwarded calls: a server session needs a genuine proof too.
  BOOST_TEST(session_call(monitor, proof(credential, purpose::forward, uuid,
                                         target)) == "");
  auto refused = session_call(monitor, proof(wrong, purpose::forward, uuid,
                                             target));
  BOOST_TEST(contains(refused, "refused the server session"), refused);
  auto as_checkin = session_call(monitor, proof(credential, purpose::check_in,
                                                uuid, target));
  BOOST_TEST(contains(as_checkin, "does not hold"), as_checkin);
  // An interval too long for the lease.
  auto slow = check_in(monitor, proof(credential, purpose::check_in, uuid, target),
                       5000);
  BOOST_TEST(!slow.accepted);
  BOOST_TEST(contains(slow.error, "--checkin-interval"), slow.error);

  // Each is logged with the caller's address, rate-limited.
  auto log = c.process(0).log();
  BOOST_TEST(contains(log, "refused a check-in from 127."), log);
  BOOST_TEST(contains(log, "(claiming '" + uuid + "')"), log);
  BOOST_TEST(contains(log, "refused a digest from 127."), log);

  // Nothing changed: the agent is still a connected member.
  auto pool = pool_of(target);
  BOOST_REQUIRE(pool.count(c.agent_host(f.agent)));
  BOOST_TEST(pool[c.agent_host(f.agent)].connected);

  // Detach revokes it: the same credential is refused at once.
  auto d = run_glcli({"--mode=script", "--remote-host", c.address(0), "peer", "detach",
                      c.agent_host(f.agent)});
  BOOST_REQUIRE_MESSAGE(d.code == 0, d.out << d.err);
  bool revoked = eventually(5s, [&] {
    auto a = check_in(monitor, proof(credential, purpose::check_in, uuid, target));
    return !a.accepted && contains(a.error, "is not a member of this cluster");
  });
  BOOST_TEST(revoked);
  // Probed again, it gets a new credential; the old one stays revoked.
  auto again = run_glcli({"--remote-host", c.address(0), "peer", "probe",
                          c.agent_host(f.agent)});
  BOOST_REQUIRE_MESSAGE(again.code == 0, again.out << again.err);
  auto renewed = membership::load_secret(f.agent_dir() + "/credential");
  BOOST_TEST((renewed != credential));
  auto old = check_in(monitor, proof(credential, purpose::check_in, uuid, target));
  BOOST_TEST(!old.accepted);
  BOOST_TEST(contains(old.error, "does not hold"), old.error);
  auto fresh = check_in(monitor, proof(renewed, purpose::check_in, uuid, target));
  BOOST_TEST(fresh.accepted, fresh.error);
}

BOOST_AUTO_TEST_CASE(a_monitor_joins_only_with_a_valid_join_token) {
  test_cluster c(root_for("checkin-join"), "127.7.23", 3);
  c.wait_for_leader(15s);
  auto slot = c.add_slot();
  auto run_daemon = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"--data-dir", c.data_dir(slot), "--listen",
                                  c.address(slot), "--name", c.name(slot),
                                  "--monitor", "--join", c.address(0)};
    args.insert(args.end(), extra.begin(), extra.end());
    daemon_process p(daemon_binary(), args,
                     c.data_dir(0) + "/../join-" + std::to_string(extra.size())
                       + ".log");
    auto code = p.wait(20s);
    return std::make_pair(code.value_or(-1), p.log());
  };
  // Bad membership flags are usage errors naming the flag.
  auto short_lease = run_daemon({"--join-token", "x", "--lease", "1500",
                                 "--checkin-interval", "1000"});
  BOOST_TEST(short_lease.first == 2, short_lease.second);
  BOOST_TEST(contains(short_lease.second, "--lease (1500 ms) must be at least "
                                          "twice --checkin-interval"),
             short_lease.second);
  auto none = run_daemon({});
  BOOST_TEST(none.first == 2, none.second);
  BOOST_TEST(contains(none.second, "--join needs --join-token"), none.second);
  auto secret = membership::load_secret(c.secret_file());
  std::uint64_t cluster_id =
    client::connection(client::parse_address(c.address(0))).info().cluster_id;
  auto now_s = now_us() / 1'000'000;
  struct bad_token {
    std::string token;
    std::string error;
  };
  auto other = secret;
  other[0] ^= 1;
  std::vector<bad_token> tokens{
    {"not-a-token", "malformed join token"},
    {membership::make_join_token(secret, cluster_id, now_s - 10), "expired"},
    {membership::make_join_token(other, cluster_id, now_s + 600),
     "wrong signature"},
    {membership::make_join_token(secret, cluster_id + 1, now_s + 600),
     "another cluster"},
  };
  for (const auto& t : tokens) {
    auto r = run_daemon({"--join-token", t.token});
    BOOST_TEST(r.first == 1, t.error << ": " << r.second);
    BOOST_TEST(contains(r.second, "refused the join"), r.second);
    BOOST_TEST(contains(r.second, t.error), r.second);
  }
  auto log = c.process(0).log();
  BOOST_TEST(contains(log, "refused a monitor join from 127."), log);
  // The printed token works (test_cluster::start uses it).
  c.start(slot, c.address(0));
  bool added = eventually(20s, [&] {
    client::connection conn(client::parse_address(c.address(0)));
    auto st = conn.status();
    if (!st.ok())
      return false;
    for (const auto& m : st.value.config.voters)
      if (m.name == c.name(slot))
        return true;
    return false;
  });
  BOOST_TEST(added, c.logs());
  // It holds the same secret: file mode 0600.
  BOOST_TEST((membership::load_secret(c.data_dir(slot) + "/cluster.secret")
              == secret));
}

BOOST_AUTO_TEST_SUITE_END()
