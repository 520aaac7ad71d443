#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "cmd/client/client.hpp"
#include "test/unit/cli/fake_daemon.hpp"
#include "test/support/glcli_spawn.hpp"

namespace {

namespace kv = gd::kv;
namespace client = gd::client;
using namespace std::chrono_literals;
using namespace std::string_literals;
using gd::status_code;
using gd::test::fake_daemon;

client::address addr_of(const fake_daemon& d) {
  return {"127.0.0.1", d.port()};
}

client::connection_options quick() {
  client::connection_options o;
  o.connect_timeout = 2000ms;
  o.call_timeout = 2000ms;
  return o;
}

/// Waits (up to 5 s) until `pred` holds.
template <class Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 500; ++i) {
    if (pred())
      return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

/// Runs `f(connection&)` on a thread of its own (a thread holds one
/// connection at a time), once `d` has `watchers` watches.
std::thread after_watch_starts(fake_daemon& d, std::size_t watchers,
                               std::function<void(client::connection&)> f) {
  return std::thread([&d, watchers, f] {
    if (!eventually([&] { return d.watchers() >= watchers; }))
      return;
    client::connection c(addr_of(d), quick());
    f(c);
  });
}

kv::put_request put_of(std::string k, std::string v) {
  return {std::move(k), std::move(v), false};
}

} // namespace

BOOST_AUTO_TEST_SUITE(client_library)

BOOST_AUTO_TEST_CASE(connect_refused_names_the_target) {
  gd::test::closed_port p;
  client::address a{"127.0.0.1", static_cast<std::uint16_t>(p.port())};
  try {
    client::connection c(a, quick());
    BOOST_FAIL("connected to a closed port");
  } catch (const client::client_error& e) {
    BOOST_TEST((e.which() == client::client_error::kind::unreachable));
    BOOST_TEST(e.nothing_changed());
    BOOST_TEST(std::string(e.what())
               == "cannot reach glusterd-actor at " + p.address()
                    + ": connection refused (is it running?)");
  }
}

BOOST_AUTO_TEST_CASE(info_round_trip) {
  fake_daemon d;
  client::connection c(addr_of(d), quick());
  BOOST_TEST(c.target().to_string() == d.address());
  auto i = c.info();
  BOOST_TEST(i.name == "fake");
  BOOST_TEST(i.id == gd::raft::member_id_of("fake"));
  BOOST_TEST(i.cluster_id == 42u);
  BOOST_TEST(i.monitor);
  BOOST_TEST(i.version == "test");
}

BOOST_AUTO_TEST_CASE(kv_calls_round_trip) {
  fake_daemon d;
  client::connection c(addr_of(d), quick());
  auto p = c.put(put_of("a", "1"));
  BOOST_REQUIRE(p.ok());
  BOOST_TEST(p.value.header_revision == 2);
  BOOST_TEST(!p.value.prev_kv);
  p = c.put({"a", "\0\xff"s, true});
  BOOST_REQUIRE(p.ok());
  BOOST_REQUIRE(p.value.prev_kv);
  BOOST_TEST(p.value.prev_kv->value == "1");
  BOOST_REQUIRE(c.put(put_of("ab", "2")).ok());
  BOOST_REQUIRE(c.put(put_of("b", "3")).ok());

  kv::range_request r;
  r.range = {"a", kv::prefix_end("a")};
  auto g = c.range(r, true);
  BOOST_REQUIRE(g.ok());
  BOOST_TEST(g.value.count == 2);
  BOOST_REQUIRE(g.value.kvs.size() == 2u);
  BOOST_TEST(g.value.kvs[0].value == "\0\xff"s);
  BOOST_TEST(g.value.kvs[0].version == 2);
  BOOST_TEST(g.value.kvs[0].create_revision == 2);
  BOOST_TEST(g.value.kvs[0].mod_revision == 3);

  kv::txn_request t;
  t.compares.push_back({"b", kv::compare_target::value,
                        kv::compare_result::equal, "3", 0});
  t.success.emplace_back(put_of("b", "4"));
  t.failure.emplace_back(put_of("b", "never"));
  auto x = c.txn(t);
  BOOST_REQUIRE(x.ok());
  BOOST_TEST(x.value.succeeded);
  BOOST_TEST(x.value.responses.size() == 1u);

  kv::delete_request del;
  del.range = {"a", kv::prefix_end("a")};
  del.prev_kv = true;
  auto dr = c.del(del);
  BOOST_REQUIRE(dr.ok());
  BOOST_TEST(dr.value.deleted == 2);
  BOOST_TEST(dr.value.prev_kvs.size() == 2u);

  auto cr = c.compact(3);
  BOOST_REQUIRE(cr.ok());
  BOOST_TEST(cr.value.header_revision == d.revision());
}

BOOST_AUTO_TEST_CASE(business_failures_come_back_in_status) {
  fake_daemon d;
  client::connection c(addr_of(d), quick());
  auto st = gd::status::error(status_code::not_leader, "not the leader");
  st.leader = {7, "m2", "127.1.1.2:24007"};
  d.fail_next(st);
  auto p = c.put(put_of("a", "1"));
  BOOST_TEST(!p.ok());
  BOOST_TEST((p.st.code == status_code::not_leader));
  BOOST_TEST(p.st.message == "not the leader");
  BOOST_TEST(p.st.leader.name == "m2");
  BOOST_TEST(p.st.leader.address == "127.1.1.2:24007");
  // The connection stays usable.
  BOOST_TEST(c.put(put_of("a", "1")).ok());
  auto compact = c.compact(100);
  BOOST_TEST((compact.st.code == status_code::invalid));
  BOOST_TEST(compact.st.message == "revision 100 is in the future");
}

BOOST_AUTO_TEST_CASE(call_deadline_throws_timeout) {
  fake_daemon d;
  auto o = quick();
  o.call_timeout = 300ms;
  client::connection c(addr_of(d), o);
  d.set_hang(true);
  try {
    c.put(put_of("a", "1"));
    BOOST_FAIL("no timeout");
  } catch (const client::client_error& e) {
    BOOST_TEST((e.which() == client::client_error::kind::timeout));
    BOOST_TEST(!e.nothing_changed());
    BOOST_TEST(std::string(e.what())
               == "no answer from " + d.address() + " within 0.3 s (put)");
  }
  d.set_hang(false);
  // A late answer to the abandoned call does not confuse the next one.
  auto r = c.range({{"a", ""}, 0, false, false});
  BOOST_REQUIRE(r.ok());
}

BOOST_AUTO_TEST_CASE(monitor_calls_round_trip) {
  fake_daemon d;
  client::connection c(addr_of(d), quick());
  std::vector<client::member_report> reports(2);
  reports[0].member = {gd::raft::member_id_of("m1"), "m1", "127.1.1.1:24007"};
  reports[0].status.emplace();
  reports[0].status->name = "m1";
  reports[0].status->role = "leader";
  reports[0].status->term = 4;
  reports[0].status->config.voters = {reports[0].member};
  reports[0].status->progress = {{9, true, 10, 11, "replicate", true}};
  reports[1].member = {gd::raft::member_id_of("m2"), "m2", "127.1.1.2:24007"};
  reports[1].unreachable = "connection refused";
  d.set_reports(reports);

  auto cs = c.cluster_status();
  BOOST_REQUIRE(cs.ok());
  BOOST_REQUIRE(cs.value.size() == 2u);
  BOOST_TEST(cs.value[0].member.name == "m1");
  BOOST_REQUIRE(cs.value[0].status.has_value());
  BOOST_TEST(cs.value[0].status->role == "leader");
  BOOST_TEST(cs.value[0].status->term == 4u);
  BOOST_TEST(cs.value[0].status->config.voters.size() == 1u);
  BOOST_REQUIRE(cs.value[0].status->progress.size() == 1u);
  BOOST_TEST(cs.value[0].status->progress[0].state == "replicate");
  BOOST_TEST(!cs.value[1].status.has_value());
  BOOST_TEST(cs.value[1].unreachable == "connection refused");

  auto self = c.status();
  BOOST_REQUIRE(self.ok());
  BOOST_TEST(self.value.name == "m1");

  gd::raft::member m4{gd::raft::member_id_of("m4"), "m4", "127.1.1.4:24007"};
  auto add = c.add_member(m4);
  BOOST_REQUIRE(add.ok());
  BOOST_TEST(add.value.index == 11u);
  BOOST_TEST(add.value.config.is_learner(m4.id));
  auto again = c.add_member(m4);
  BOOST_TEST((again.st.code == status_code::exists));

  auto tl = c.transfer_leader("m2");
  BOOST_REQUIRE(tl.ok());
  BOOST_TEST(tl.value.name == "m2");
  BOOST_TEST(tl.value.address == "127.1.1.2:24007");

  auto rm = c.remove_member("m4");
  BOOST_REQUIRE(rm.ok());
  BOOST_TEST(!rm.value.config.contains(m4.id));
  auto none = c.remove_member("m4");
  BOOST_TEST((none.st.code == status_code::not_found));
  BOOST_TEST(none.st.message == "no monitor named m4");
}

BOOST_AUTO_TEST_CASE(watch_streams_history_until_callback_stops) {
  fake_daemon d;
  client::connection c(addr_of(d), quick());
  BOOST_REQUIRE(c.put(put_of("w/a", "1")).ok()); // rev 2
  BOOST_REQUIRE(c.put(put_of("x", "1")).ok());   // rev 3: not watched
  BOOST_REQUIRE(c.put(put_of("w/b", "2")).ok()); // rev 4
  kv::delete_request del;
  del.range = {"w/a", ""};
  BOOST_REQUIRE(c.del(del).ok()); // rev 5

  std::vector<kv::event> seen;
  auto r = c.watch({"w/", kv::prefix_end("w/")}, 2,
                   [&](const std::vector<kv::event>& evs, kv::revision) {
                     seen.insert(seen.end(), evs.begin(), evs.end());
                     return seen.size() < 3;
                   });
  BOOST_REQUIRE(r.ok());
  BOOST_TEST((r.value.why == client::watch_end::reason::stopped));
  BOOST_REQUIRE(seen.size() == 3u);
  BOOST_TEST(seen[0].kv.key == "w/a");
  BOOST_TEST(seen[1].kv.key == "w/b");
  BOOST_TEST((seen[2].type == kv::event::kind::del));
  BOOST_TEST(seen[2].kv.mod_revision == 5);
  BOOST_TEST(r.value.last_revision == 5);
  // The watch was canceled at the daemon.
  BOOST_TEST(eventually([&] { return d.watchers() == 0; }));
  // And the connection is still good.
  BOOST_TEST(c.put(put_of("w/c", "3")).ok());
}

BOOST_AUTO_TEST_CASE(watch_streams_live_events) {
  fake_daemon d;
  client::connection c(addr_of(d), quick());
  auto writer = after_watch_starts(d, 1, [](client::connection& w) {
    w.put(put_of("k", "1"));
    w.put(put_of("other", "x"));
    w.put(put_of("k", "2"));
  });
  std::vector<std::string> values;
  auto r = c.watch({"k", ""}, 0,
                   [&](const std::vector<kv::event>& evs, kv::revision) {
                     for (const auto& e : evs)
                       values.push_back(e.kv.value);
                     return values.size() < 2;
                   });
  writer.join();
  BOOST_REQUIRE(r.ok());
  BOOST_TEST((values == std::vector<std::string>{"1", "2"}));
}

BOOST_AUTO_TEST_CASE(watch_cancel_returns_the_reason) {
  fake_daemon d;
  client::connection c(addr_of(d), quick());
  BOOST_REQUIRE(c.put(put_of("k", "1")).ok());
  auto compactor = after_watch_starts(d, 1, [](client::connection& w) {
    w.compact(2);
  });
  int events = 0;
  auto r = c.watch({"k", ""}, 0,
                   [&](const std::vector<kv::event>& evs, kv::revision) {
                     events += static_cast<int>(evs.size());
                     return true;
                   });
  compactor.join();
  BOOST_TEST(!r.ok());
  BOOST_TEST((r.value.why == client::watch_end::reason::canceled));
  BOOST_TEST((r.st.code == status_code::compacted));
  BOOST_TEST(r.st.message == "history through revision 2 is compacted");
  BOOST_TEST(events == 0);
}

BOOST_AUTO_TEST_CASE(watch_refused_returns_at_once) {
  fake_daemon d;
  client::connection c(addr_of(d), quick());
  BOOST_REQUIRE(c.put(put_of("k", "1")).ok());
  BOOST_REQUIRE(c.compact(2).ok());
  auto r = c.watch({"k", ""}, 1,
                   [](const std::vector<kv::event>&, kv::revision) {
                     return true;
                   });
  BOOST_TEST((r.st.code == status_code::compacted));
  BOOST_TEST(r.st.message == "revision 1 is compacted");
}

BOOST_AUTO_TEST_CASE(watch_throws_when_daemon_goes_away) {
  auto d = std::make_unique<fake_daemon>();
  client::connection c(addr_of(*d), quick());
  std::thread killer([&] {
    if (eventually([&] { return d->watchers() == 1; }))
      d.reset();
  });
  try {
    c.watch({"k", ""}, 0,
            [](const std::vector<kv::event>&, kv::revision) { return true; });
    BOOST_FAIL("watch returned although the daemon went away");
  } catch (const client::client_error& e) {
    BOOST_TEST((e.which() == client::client_error::kind::broken));
    BOOST_TEST(std::string(e.what()).find("lost the connection to 127.0.0.1:")
               == 0u);
  }
  killer.join();
}

BOOST_AUTO_TEST_CASE(calls_after_daemon_went_away_throw_broken) {
  auto d = std::make_unique<fake_daemon>();
  client::connection c(addr_of(*d), quick());
  BOOST_REQUIRE(c.put(put_of("k", "1")).ok());
  d.reset();
  try {
    c.put(put_of("k", "2"));
    BOOST_FAIL("put succeeded without a daemon");
  } catch (const client::client_error& e) {
    BOOST_TEST((e.which() == client::client_error::kind::broken));
    BOOST_TEST(!e.nothing_changed());
  }
}

BOOST_AUTO_TEST_SUITE_END()
