#define BOOST_TEST_MODULE monitor_actors
#include <boost/test/unit_test.hpp>

// The Raft and config actors under CAF's test_coordinator, one behaviour per
// test: group commit, not-leader replies, restart from real LMDB files.

#include <filesystem>
#include <optional>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/send.hpp>

#include "actors/config/config_actor.hpp"
#include "store/bootstrap.hpp"
#include "protocol/records_codec.hpp"
#include "store/lmdb_raft_log.hpp"
#include "store/memory_raft_log.hpp"
#include "test/sim/sim_net.hpp"
#include "test/sim/sim_reply.hpp"
#include "test/support/raft_printers.hpp"

using namespace gd;
using namespace std::chrono_literals;
namespace fsys = std::filesystem;

namespace {

struct monitor {
  raft::raft_actor raft;
  config::config_actor cfg;
};

/// Collects the replies of the requests it forwards.
struct collector_state {
  std::vector<config::kv_write_reply> writes;
  std::vector<config::kv_read_reply> reads;
  static inline const char* name = "collector";
};

caf::behavior collector(caf::stateful_actor<collector_state>* self) {
  return {
    [self](config::config_actor& to, config::kv_write& w) {
      w.reply = sim::reply_to<config::kv_write_reply>(self, 0);
      caf::anon_send(to, std::move(w));
    },
    [self](config::config_actor& to, config::kv_read& r) {
      r.reply = sim::reply_to<config::kv_read_reply>(self, 0);
      caf::anon_send(to, std::move(r));
    },
    [self](sim::tagged_reply<config::kv_write_reply>& r) {
      self->state.writes.push_back(std::move(r.value));
    },
    [self](sim::tagged_reply<config::kv_read_reply>& r) {
      self->state.reads.push_back(std::move(r.value));
    },
  };
}

struct fixture {
  fixture() {
    root = "/dev/shm/gd-actor-test-" + std::to_string(::getpid()) + "-"
           + std::to_string(++counter);
    fsys::remove_all(root);
    fsys::create_directories(root);
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.verbosity", caf::atom("quiet"));
    sys.emplace(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
    net = sim::spawn_sim_net(*sys, sim::net_faults{}, 1);
    client = sys->spawn(collector);
  }

  ~fixture() {
    for (auto& m : monitors)
      stop(m);
    caf::anon_send_exit(net, caf::exit_reason::kill);
    caf::anon_send_exit(client, caf::exit_reason::kill);
    net = nullptr;
    client = nullptr;
    sched->run();
    sys.reset();
    fsys::remove_all(root);
  }

  static raft::configuration config_of(std::size_t n) {
    raft::configuration c;
    for (std::size_t i = 1; i <= n; ++i) {
      auto name = "m" + std::to_string(i);
      c.voters.push_back({raft::member_id_of(name), name, "test:" + name});
    }
    return c;
  }

  /// How start() builds a member.
  struct start_options {
    /// Found the ensemble in the log only, as members created before the
    /// state store recorded the founding configuration did.
    bool log_only_bootstrap = false;
    std::size_t compact_min_entries = 10000;
    std::size_t compact_keep_entries = 5000;
    std::size_t watch_chunk_events = 1000;
  };
  start_options opts;

  /// Starts member `i` of an `n`-member ensemble over `log`.
  monitor start(std::size_t i, std::size_t n,
                std::unique_ptr<store::raft_log> log) {
    auto name = "m" + std::to_string(i);
    auto dir = root + "/" + name;
    fsys::create_directories(dir + "/state");
    fsys::create_directories(dir + "/snap");
    store::kv_store_options so;
    so.map_size = std::size_t{64} << 20;
    auto state = std::make_unique<store::state_root>(dir + "/state");
    auto kv = state->open_current(so);
    if (log->last_index() == 0 && log->snapshot().config.voters.empty()
        && kv->applied().index == 0) {
      if (opts.log_only_bootstrap) {
        raft::snapshot_meta boot;
        boot.config = config_of(n);
        log->reset(boot);
        log->sync();
      } else {
        store::bootstrap_member(*log, *kv, config_of(n));
      }
    }
    auto applied = kv->applied();
    auto conf = kv->config();
    config::config_actor_config cc;
    cc.detached = false;
    cc.store = so;
    cc.watch_chunk_events = opts.watch_chunk_events;
    auto cfg_actor = config::spawn_config(*sys, cc, std::move(state),
                                          std::move(kv));
    raft::raft_actor_config rc;
    rc.node.id = raft::member_id_of(name);
    rc.node.seed = i;
    rc.name = name;
    rc.snapshot_dir = dir + "/snap";
    rc.compact_min_entries = opts.compact_min_entries;
    rc.compact_keep_entries = opts.compact_keep_entries;
    rc.detached = false;
    auto r = raft::spawn_raft(*sys, rc, std::move(log), applied, conf, net,
                              cfg_actor);
    caf::anon_send(cfg_actor, r);
    sim::state_of(net).nodes[rc.node.id] = r;
    monitors.push_back({r, cfg_actor});
    return monitors.back();
  }

  void stop(monitor& m) {
    if (m.raft) {
      sim::state_of(net).nodes.erase(raft::inspect_core(m.raft)
                                       ? raft::inspect_core(m.raft)->id()
                                       : 0);
      caf::anon_send_exit(m.raft, caf::exit_reason::kill);
    }
    if (m.cfg)
      caf::anon_send_exit(m.cfg, caf::exit_reason::kill);
    m.raft = nullptr;
    m.cfg = nullptr;
    sched->run();
  }

  /// Runs jobs, and fires timers when idle, until `done` holds.
  template <class Pred>
  bool run_until(Pred done, int max_steps = 200000) {
    for (int i = 0; i < max_steps; ++i) {
      if (done())
        return true;
      if (!sched->try_run_once())
        sched->trigger_timeout();
    }
    return done();
  }

  bool is_leader(const monitor& m) {
    auto core = raft::inspect_core(m.raft);
    return core && core->current_role() == raft::role::leader
           && core->commit_index() > 0;
  }

  collector_state& replies() {
    auto* ptr = caf::actor_cast<caf::abstract_actor*>(client);
    return dynamic_cast<caf::stateful_actor<collector_state>&>(*ptr).state;
  }

  static inline int counter = 0;
  std::string root;
  caf::actor_system_config cfg;
  std::optional<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;
  raft::transport_actor net;
  caf::actor client;
  std::vector<monitor> monitors;
};

std::string kv_put_bytes(std::uint64_t i) {
  return proto::encode_write_request(
    kv::put_request{"k" + std::to_string(i), "v", false});
}

config::kv_write put(std::string k, std::string v) {
  config::kv_write w;
  w.req = kv::put_request{std::move(k), std::move(v), false};
  return w;
}

config::kv_read get(std::string k, bool serializable = false) {
  config::kv_read r;
  r.req.range.key = std::move(k);
  r.serializable = serializable;
  return r;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(group_commit_queued_proposals_share_one_sync, fixture) {
  auto m = start(1, 1, std::make_unique<store::memory_raft_log>());
  BOOST_REQUIRE(run_until([&] { return is_leader(m); }));
  auto log = dynamic_cast<const store::memory_raft_log*>(
    raft::inspect_log(m.raft));
  BOOST_REQUIRE(log);
  auto core = raft::inspect_core(m.raft);
  auto commit_before = core->commit_index();
  auto syncs_before = log->sync_count();
  // Fifty proposals queued in the Raft actor's mailbox before it runs.
  for (std::uint64_t i = 0; i < 50; ++i)
    caf::anon_send(m.raft, raft::propose_cmd{1000 + i, kv_put_bytes(i)});
  BOOST_REQUIRE(run_until(
    [&] { return core->commit_index() == commit_before + 50; }));
  // One batch: one log sync for all fifty.
  BOOST_TEST(log->sync_count() - syncs_before == 1u);
}

BOOST_FIXTURE_TEST_CASE(write_replies_carry_their_revisions, fixture) {
  auto m = start(1, 1, std::make_unique<store::memory_raft_log>());
  BOOST_REQUIRE(run_until([&] { return is_leader(m); }));
  for (int i = 0; i < 20; ++i)
    caf::anon_send(client, m.cfg, put("k" + std::to_string(i), "v"));
  BOOST_REQUIRE(run_until([&] { return replies().writes.size() == 20; }));
  for (std::size_t i = 0; i < 20; ++i) {
    BOOST_TEST(replies().writes[i].st.ok());
    // The empty store is at revision 1: the writes made 2..21, in order.
    BOOST_TEST(std::get<kv::put_result>(replies().writes[i].result)
                 .header_revision
               == static_cast<kv::revision>(i + 2));
  }
}

BOOST_FIXTURE_TEST_CASE(follower_refuses_write_with_leader_hint, fixture) {
  std::vector<monitor> ms;
  for (std::size_t i = 1; i <= 3; ++i)
    ms.push_back(start(i, 3, std::make_unique<store::memory_raft_log>()));
  BOOST_REQUIRE(run_until([&] {
    for (auto& m : ms)
      if (is_leader(m))
        return true;
    return false;
  }));
  std::size_t leader = 0;
  while (!is_leader(ms[leader]))
    ++leader;
  auto follower = (leader + 1) % 3;
  // Wait until the follower knows the leader.
  BOOST_REQUIRE(run_until([&] {
    auto core = raft::inspect_core(ms[follower].raft);
    return core->leader() == raft::inspect_core(ms[leader].raft)->id();
  }));
  run_until([] { return false; }, 200); // let the leader update reach config
  caf::anon_send(client, ms[follower].cfg, put("k", "v"));
  BOOST_REQUIRE(run_until([&] { return replies().writes.size() == 1; }));
  const auto& st = replies().writes[0].st;
  BOOST_TEST(st.code == status_code::not_leader);
  BOOST_TEST(st.leader.name == "m" + std::to_string(leader + 1));
  BOOST_TEST(st.leader.address == "test:m" + std::to_string(leader + 1));
  // A linearizable read on the follower works (forwarded ReadIndex).
  caf::anon_send(client, ms[leader].cfg, put("k", "v1"));
  BOOST_REQUIRE(run_until([&] { return replies().writes.size() == 2; }));
  BOOST_TEST(replies().writes[1].st.ok());
  caf::anon_send(client, ms[follower].cfg, get("k"));
  BOOST_REQUIRE(run_until([&] { return replies().reads.size() == 1; }));
  BOOST_TEST(replies().reads[0].st.ok());
  BOOST_REQUIRE(replies().reads[0].result.kvs.size() == 1u);
  BOOST_TEST(replies().reads[0].result.kvs[0].value == "v1");
}

BOOST_FIXTURE_TEST_CASE(restart_over_lmdb_keeps_writes_applies_once, fixture) {
  auto raft_dir = root + "/m1-raft";
  fsys::create_directories(raft_dir);
  store::lmdb_raft_log_options lo;
  lo.map_size = std::size_t{64} << 20;
  auto m = start(1, 1, std::make_unique<store::lmdb_raft_log>(raft_dir, lo));
  BOOST_REQUIRE(run_until([&] { return is_leader(m); }));
  for (int i = 0; i < 5; ++i)
    caf::anon_send(client, m.cfg, put("k", "v" + std::to_string(i)));
  BOOST_REQUIRE(run_until([&] { return replies().writes.size() == 5; }));
  auto rev = std::get<kv::put_result>(replies().writes[4].result).header_revision;
  BOOST_TEST(rev == 6);
  stop(monitors.back());
  monitors.clear();
  // Same directories, new actors: the log and the state store resume.
  auto again = start(1, 1, std::make_unique<store::lmdb_raft_log>(raft_dir, lo));
  BOOST_REQUIRE(run_until([&] { return is_leader(again); }));
  caf::anon_send(client, again.cfg, get("k"));
  BOOST_REQUIRE(run_until([&] { return replies().reads.size() == 1; }));
  BOOST_REQUIRE(replies().reads[0].st.ok());
  BOOST_REQUIRE(replies().reads[0].result.kvs.size() == 1u);
  const auto& kvr = replies().reads[0].result.kvs[0];
  BOOST_TEST(kvr.value == "v4");
  BOOST_TEST(kvr.version == 5); // five puts, none applied twice
  BOOST_TEST(replies().reads[0].result.header_revision == rev);
}

BOOST_FIXTURE_TEST_CASE(invalid_write_refused_before_proposing, fixture) {
  auto m = start(1, 1, std::make_unique<store::memory_raft_log>());
  BOOST_REQUIRE(run_until([&] { return is_leader(m); }));
  auto last = raft::inspect_core(m.raft)->last_index();
  caf::anon_send(client, m.cfg, put(std::string(600, 'k'), "v"));
  BOOST_REQUIRE(run_until([&] { return replies().writes.size() == 1; }));
  BOOST_TEST(replies().writes[0].st.code == status_code::invalid);
  BOOST_TEST(replies().writes[0].st.message
             == "key is 600 bytes; the limit is 511");
  BOOST_TEST(raft::inspect_core(m.raft)->last_index() == last);
}

BOOST_FIXTURE_TEST_CASE(snapshot_carries_the_configuration_in_force, fixture) {
  // The founding configuration lives only in the logs (log-only bootstrap):
  // a follower that installs a snapshot must still learn it, or it could
  // never campaign or take over.
  opts.log_only_bootstrap = true;
  opts.compact_min_entries = 20;
  opts.compact_keep_entries = 5;
  std::vector<std::shared_ptr<store::memory_log_image>> images;
  for (std::size_t i = 1; i <= 3; ++i) {
    images.push_back(std::make_shared<store::memory_log_image>());
    start(i, 3, std::make_unique<store::memory_raft_log>(images.back()));
  }
  auto leader_index = [&]() -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < monitors.size(); ++i)
      if (monitors[i].raft && is_leader(monitors[i]))
        return i;
    return std::nullopt;
  };
  BOOST_REQUIRE(run_until([&] { return leader_index().has_value(); }));
  auto leader = *leader_index();
  auto follower = (leader + 1) % 3;
  stop(monitors[follower]);
  for (int i = 0; i < 100; ++i)
    caf::anon_send(client, monitors[leader].cfg,
                   put("k" + std::to_string(i), "v"));
  BOOST_REQUIRE(run_until([&] { return replies().writes.size() == 100; }));
  auto* llog = raft::inspect_log(monitors[leader].raft);
  BOOST_REQUIRE(run_until([&] { return llog->snapshot().index > 20; }));
  // The follower comes back behind the leader's compaction.
  auto back = start(follower + 1, 3,
                    std::make_unique<store::memory_raft_log>(images[follower]));
  monitors[follower] = back;
  monitors.pop_back();
  const store::raft_log* flog = nullptr;
  BOOST_REQUIRE(run_until([&] {
    flog = raft::inspect_log(back.raft);
    return flog && flog->snapshot().index > 20;
  }));
  auto core = raft::inspect_core(back.raft);
  BOOST_TEST(core->config().voters.size() == 3u);
  BOOST_TEST(flog->snapshot().config.voters.size() == 3u);
  BOOST_REQUIRE(run_until([&] {
    auto kv = config::inspect_store(back.cfg);
    return kv && kv->applied().index >= flog->snapshot().index;
  }));
  BOOST_TEST(config::inspect_store(back.cfg)->config().voters.size() == 3u);
  // And it can lead: hand leadership to it.
  std::optional<gd::status> handed;
  auto admin = sys->spawn([&](caf::event_based_actor* self) -> caf::behavior {
    self->request(monitors[leader].raft, 30s,
                  raft::transfer_cmd{core->id()})
      .then([&](gd::status& s) { handed = s; },
            [&](caf::error&) { handed = gd::status::error(status_code::failed, "error"); });
    return {};
  });
  BOOST_REQUIRE(run_until([&] { return handed.has_value(); }));
  BOOST_TEST(handed->ok());
  BOOST_TEST(run_until([&] { return is_leader(back); }));
  caf::anon_send_exit(admin, caf::exit_reason::kill);
}

BOOST_FIXTURE_TEST_CASE(restart_after_snapshot_install_keeps_term_at_least_the_snapshots,
                        fixture) {
  // A crash after the state machine installed a snapshot of term 5, before
  // the log (still at term 1) recorded it: the restart resets the log to the
  // snapshot and must not leave its term below the snapshot's.
  auto image = std::make_shared<store::memory_log_image>();
  {
    store::memory_raft_log log(image);
    raft::snapshot_meta boot;
    boot.config = config_of(3);
    log.reset(boot);
    log.set_hard_state({1, raft::member_id_of("m2")});
    log.sync();
  }
  {
    fsys::create_directories(root + "/m1/state");
    store::state_root state(root + "/m1/state");
    store::kv_store_options so;
    so.map_size = std::size_t{64} << 20;
    auto kv = state.open_current(so);
    auto b = kv->begin();
    b.put({"k", "v", false});
    b.set_config(config_of(3));
    b.set_applied(10, 5);
    b.commit();
  }
  auto m = start(1, 3, std::make_unique<store::memory_raft_log>(image));
  BOOST_REQUIRE(run_until([&] { return raft::inspect_core(m.raft) != nullptr; }));
  auto core = raft::inspect_core(m.raft);
  auto log = raft::inspect_log(m.raft);
  BOOST_TEST(log->snapshot().index == 10u);
  BOOST_TEST(log->snapshot().term == 5u);
  BOOST_TEST(core->term() >= 5u);
  BOOST_TEST(image->hard.term >= 5u); // durable, not only in memory
  auto errors = core->check_invariants();
  BOOST_TEST(errors.empty(), (errors.empty() ? "" : errors.front()));
}

BOOST_FIXTURE_TEST_CASE(proposals_at_a_reused_index_are_each_answered, fixture) {
  // A leader cut off from the others accepts writes it cannot commit; a new
  // leader replaces them. When the first leader leads again, its new writes
  // reuse those indexes: the old writes must still get their answer (the
  // term that commits at each index decides), not be overwritten and left
  // to time out.
  std::vector<monitor> ms;
  for (std::size_t i = 1; i <= 3; ++i)
    ms.push_back(start(i, 3, std::make_unique<store::memory_raft_log>()));
  auto leader_index = [&]() -> std::optional<std::size_t> {
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < ms.size(); ++i)
      if (is_leader(ms[i])
          && (!best || raft::inspect_core(ms[i].raft)->term()
                         > raft::inspect_core(ms[*best].raft)->term()))
        best = i;
    return best;
  };
  auto write = [&](std::size_t to, const std::string& key) {
    auto w = put(key, "v");
    w.timeout = std::chrono::hours(1); // only a real answer comes in time
    caf::anon_send(client, ms[to].cfg, std::move(w));
  };
  BOOST_REQUIRE(run_until([&] { return leader_index().has_value(); }));
  auto a = *leader_index();
  auto a_core = raft::inspect_core(ms[a].raft);
  auto& groups = sim::state_of(net).group;
  groups[a_core->id()] = 1;
  for (int i = 0; i < 5; ++i)
    write(a, "cut/" + std::to_string(i));
  std::size_t b = 0;
  BOOST_REQUIRE(run_until([&] {
    auto l = leader_index();
    if (l && *l != a)
      b = *l;
    return l && *l != a;
  }));
  groups.clear();
  auto b_core = raft::inspect_core(ms[b].raft);
  BOOST_REQUIRE(run_until([&] {
    return a_core->leader() == b_core->id()
           && a_core->last_index() == b_core->last_index();
  }));
  // Hand leadership back to the first leader.
  std::optional<gd::status> handed;
  auto admin = sys->spawn([&](caf::event_based_actor* self) -> caf::behavior {
    self->request(ms[b].raft, 30s, raft::transfer_cmd{a_core->id()})
      .then([&](gd::status& s) { handed = s; },
            [&](caf::error&) {
              handed = gd::status::error(status_code::failed, "error");
            });
    return {};
  });
  BOOST_REQUIRE(run_until([&] { return handed.has_value(); }));
  BOOST_REQUIRE(handed->ok());
  BOOST_REQUIRE(run_until([&] { return is_leader(ms[a]); }));
  for (int i = 0; i < 4; ++i)
    write(a, "again/" + std::to_string(i));
  BOOST_REQUIRE(run_until([&] { return replies().writes.size() == 9; }));
  std::size_t refused = 0, applied = 0;
  for (const auto& r : replies().writes) {
    if (r.st.ok())
      ++applied;
    else if (r.st.code == status_code::not_leader)
      ++refused;
  }
  BOOST_TEST(refused == 5u); // the cut-off writes: nothing changed
  BOOST_TEST(applied == 4u);
  caf::anon_send_exit(admin, caf::exit_reason::kill);
}

namespace {

struct sink_state {
  std::size_t events = 0;
  bool canceled = false;
  static inline const char* name = "watch_sink";
};

caf::behavior watch_sink(caf::stateful_actor<sink_state>* self) {
  return {
    [self](config::watch_events& ev) {
      self->state.events += ev.events.size();
      self->state.canceled = self->state.canceled || ev.canceled;
    },
  };
}

} // namespace

BOOST_FIXTURE_TEST_CASE(watch_far_behind_catches_up_without_new_writes,
                        fixture) {
  // A watch from an old revision gets a bounded amount per step; the rest
  // must follow by itself, not only when the next write arrives.
  opts.watch_chunk_events = 2;
  auto m = start(1, 1, std::make_unique<store::memory_raft_log>());
  BOOST_REQUIRE(run_until([&] { return is_leader(m); }));
  for (int i = 0; i < 60; ++i)
    caf::anon_send(client, m.cfg, put("w/" + std::to_string(i), "v"));
  BOOST_REQUIRE(run_until([&] { return replies().writes.size() == 60; }));
  auto sink = sys->spawn(watch_sink);
  config::kv_watch w;
  w.watch_id = 1;
  w.range = {"w/", kv::prefix_end("w/")};
  w.start = 1;
  w.sink = sink;
  caf::anon_send(m.cfg, std::move(w));
  auto& got = dynamic_cast<caf::stateful_actor<sink_state>&>(
                *caf::actor_cast<caf::abstract_actor*>(sink))
                .state;
  BOOST_TEST(run_until([&] { return got.events == 60; }, 5000),
             got.events << " of 60 events");
  BOOST_TEST(!got.canceled);
  caf::anon_send_exit(sink, caf::exit_reason::kill);
}
